#!/usr/bin/env python3
"""Writes the link order of the functions the server runs (`benches/symbol-order.txt`, read by `build.rs` for
release builds): docs/performance.md, "Memory at rest".

Why: start-up and the common requests run code from some hundreds of places spread over the whole 35 MB of the
executable's text, and the kernel maps the 64 KiB around each page it faults in, so the server's resident
executable was about 21 MiB however little of it ran. Linked with the functions that run placed together
(`lld --symbol-ordering-file`), those places share pages.

How: starts the given release build under `valgrind --tool=callgrind` on a fresh SQLite data directory, then
does what a server does first, in three phases: start-up; a client's `client_credentials` tokens, discovery and
the keys; the sign-in page, two interactive sign-ins with password and authenticator app, the account page. It
dumps the counters after each phase and writes every function of the executable that ran, by its symbol name, in
the order of the phase that first ran it (what a server touches first sits together, start-up code first, and
the sign-in code it has not run yet after it), most instructions first within a phase. Functions left out (code that ran nowhere here) are linked after, in the usual order: a stale list
costs memory, never correctness.

    python3 benches/symbol-order.py BIN [OUT]       # BIN: a release build; OUT default benches/symbol-order.txt

Needs valgrind. Loopback only; about a minute.
"""
import collections
import http.client
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("signin_load", os.path.join(HERE, "signin-load.py"))
load = importlib.util.module_from_spec(spec)
spec.loader.exec_module(load)


def functions_of(dump, exe):
    """Self instruction counts of the functions of `exe` in a callgrind dump (names as in the symbol table)."""
    names = {"ob": {}, "fn": {}}
    self_cost = collections.Counter()
    current_ob = current_fn = None
    after_calls = False
    with open(dump, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            head = re.match(r"^(ob|fn|cob|cfn|fl|fi|fe|cfi|cfl)=\((\d+)\)(?: (.*))?$", line)
            if head:
                kind, number, name = head.groups()
                table = names.get({"cob": "ob", "cfn": "fn"}.get(kind, kind))
                if table is not None and name is not None:
                    # callgrind marks recursion levels ("f'2") and names what has no symbol by its address.
                    table[number] = re.sub(r"'\d+$", "", name)
                if kind == "ob":
                    current_ob = names["ob"].get(number)
                elif kind == "fn":
                    current_fn = names["fn"].get(number)
                continue
            if line.startswith("calls="):
                after_calls = True
                continue
            if line[:1].isdigit() or line[:1] in "+-*":
                parts = line.split()
                symbol = current_fn and not current_fn.startswith(("0x", "("))
                if not after_calls and symbol and current_ob == exe and len(parts) > 1:
                    self_cost[current_fn] += int(parts[1])
                after_calls = False
    return self_cost


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    exe = os.path.realpath(sys.argv[1])
    target = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "symbol-order.txt")
    tmp = tempfile.mkdtemp(prefix="gatehouse-order-")
    env, port = load.fresh_server(tmp, GATEHOUSE_WORKERS="1")
    load.seed_users(exe, env, 2)
    basic = load.token_client(exe, env, "order-bench")
    out = os.path.join(tmp, "callgrind.out")
    log_path = os.path.join(tmp, "server.log")
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            ["valgrind", "--tool=callgrind", "--demangle=no", "--dump-instr=no", f"--callgrind-out-file={out}",
             exe, "serve"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    dump = lambda: subprocess.run(["callgrind_control", "-d", str(server.pid)], check=True, capture_output=True)
    try:
        load.wait_ready(server, port, 180, log_path)
        dump()
        conn = http.client.HTTPConnection(load.HOST, port, timeout=60)
        for _ in range(3):
            status = load.client_credentials(conn, basic)
            if status != 200:
                sys.exit(f"the token request was answered {status}; see {log_path}")
        for path in ("/.well-known/openid-configuration", "/jwks", "/login", "/static/gatehouse.css"):
            conn.request("GET", path)
            conn.getresponse().read()
        dump()
        browser = load.Browser(port)
        for index in (1, 2):
            problem = load.sign_in(browser, f"bench-{index}", index, lambda _: None)
            if problem:
                sys.exit(f"sign-in failed: {problem}; see {log_path}")
        dump()
    finally:
        server.terminate()
        server.wait(timeout=60)
    ordered, seen = [], set()
    for phase in (1, 2, 3):
        costs = functions_of(f"{out}.{phase}", exe)
        ordered += sorted((n for n in costs if n not in seen), key=lambda name: (-costs[name], name))
        seen.update(costs)
    if len(ordered) < 1000:
        sys.exit(f"only {len(ordered)} functions of {exe} found: is it stripped?")
    with open(target, "w") as f:
        f.write("".join(name + "\n" for name in ordered))
    print(f"{len(ordered)} functions written to {target}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
