#!/usr/bin/env python3
"""Instructions per interactive sign-in besides the argon2id hash, counted by valgrind's callgrind: a reading that
does not move with the machine's speed (docs/performance.md, "Sign-in with password and authenticator app").

Seeds 100 benchmark users into a fresh SQLite database (`gatehouse bench seed`), starts the server under
`valgrind --tool=callgrind` with one worker, signs WARM_UP users in unmeasured (default 24, three per pooled SQLite
connection, so that every connection has prepared every statement, as in a server that has run a while; before
2026-12-08 it was 2, which left about 1.1 M instructions of statement preparation in each sign-in), zeroes the counters, signs
SIGN_INS more in one at a time through the same five requests as `signin-load.py`, dumps the counters and prints
the total, the hash's part (everything under `password::verify_with`) and the rest per sign-in. User space only:
the kernel's part (thread switches, reads of database pages) is not counted.

    python3 benches/signin-instructions.py BIN [SIGN_INS]      # BIN: a release build; SIGN_INS default 10
                                                              # WARM_UP=24 (environment)

Needs valgrind (Debian's package). Loopback only; a few seconds of server start-up under valgrind, then about a
second per sign-in.
"""
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
WARM_UP = int(os.environ.get("WARM_UP", "24"))
spec = importlib.util.spec_from_file_location("signin_load", os.path.join(HERE, "signin-load.py"))
load = importlib.util.module_from_spec(spec)
spec.loader.exec_module(load)


def inclusive(out, pattern):
    """The inclusive instruction count of the first function matching `pattern` (or the program's total)."""
    report = subprocess.run(["callgrind_annotate", "--inclusive=yes", out], capture_output=True, text=True).stdout
    for line in report.splitlines():
        if re.search(pattern, line):
            return int(line.split()[0].replace(",", ""))
    return 0


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    exe = os.path.abspath(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    tmp = tempfile.mkdtemp(prefix="gatehouse-instructions-")
    env, port = load.fresh_server(tmp, GATEHOUSE_WORKERS="1")
    load.seed_users(exe, env, WARM_UP + count)
    out = os.path.join(tmp, "callgrind.out")
    log = open(os.path.join(tmp, "server.log"), "w")
    server = subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", exe, "serve"],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        load.wait_ready(server, port, 120, f"{tmp}/server.log")
        browser = load.Browser(port)
        for index in range(1, 1 + WARM_UP):
            problem = load.sign_in(browser, f"bench-{index}", index, lambda _: None)
            if problem:
                sys.exit(f"warm-up sign-in failed: {problem}")
        subprocess.run(["callgrind_control", "-z", str(server.pid)], check=True, capture_output=True)
        for index in range(1 + WARM_UP, 1 + WARM_UP + count):
            problem = load.sign_in(browser, f"bench-{index}", index, lambda _: None)
            if problem:
                sys.exit(f"sign-in failed: {problem}")
        subprocess.run(["callgrind_control", "-d", str(server.pid)], check=True, capture_output=True)
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
    dump = out + ".1"
    total = inclusive(dump, r"PROGRAM TOTALS")
    hashing = inclusive(dump, r"password::verify_with")
    version = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"{version}: {count} sign-ins, {total / count / 1e6:.2f} M instructions each, of which the argon2id "
          f"hash {hashing / count / 1e6:.2f} M and the rest {(total - hashing) / count / 1e6:.2f} M")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
