#!/usr/bin/env python3
"""Idle memory after start (docs/performance.md, "Memory at rest"): starts `gatehouse serve` on a fresh SQLite data
directory, registers one client, asks for one `client_credentials` token, waits SETTLE seconds and reads the
server's `/proc/PID/status` (VmRSS, RssAnon, RssFile) and `/proc/PID/smaps` (the resident part of each mapped
file: the executable's code, its read-only data, each library). Repeats STARTS times and prints a Markdown table.

    python3 benches/idle-memory.py BIN [BIN ...]      # release builds; several are measured alternately

Also prints how many functions of benches/symbol-order.txt each binary defines (the list's freshness).
Settings (environment): STARTS=2, SETTLE=2 (seconds). Loopback only; a few seconds per start.
"""
import collections
import http.client
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("signin_load", os.path.join(HERE, "signin-load.py"))
load = importlib.util.module_from_spec(spec)
spec.loader.exec_module(load)

STARTS = int(os.environ.get("STARTS", "2"))
SETTLE = float(os.environ.get("SETTLE", "2"))


def status_kib(pid):
    """VmRSS, RssAnon and RssFile of /proc/PID/status, in KiB."""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "RssAnon", "RssFile"):
                fields[name] = int(value.split()[0])
    return fields


def resident_by_file(pid, exe):
    """Resident KiB of each mapped file, the executable's split into code and the rest (read-only data,
    relocated data)."""
    parts = collections.Counter()
    name = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            head = line.split()
            if head and "-" in head[0] and len(head) >= 5 and not head[0].endswith(":"):
                path = head[5] if len(head) > 5 else "[anon]"
                perms = head[1]
                if path == exe:
                    name = "executable code" if "x" in perms else "executable data"
                elif path.startswith("/"):
                    name = os.path.basename(path).split(".so")[0]
                else:
                    name = None
            elif name and line.startswith("Rss:"):
                parts[name] += int(line.split()[1])
    return parts


def measure(exe):
    tmp = tempfile.mkdtemp(prefix="gatehouse-idle-")
    env, port = load.fresh_server(tmp)
    # The data directory exists before the measured start, as in production (start-up on an existing one).
    subprocess.run([exe, "migrate"], env=env, check=True, capture_output=True)
    basic = load.token_client(exe, env, "idle-bench")
    log_path = os.path.join(tmp, "server.log")
    with open(log_path, "w") as log:
        server = subprocess.Popen([exe, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        load.wait_ready(server, port, 30, log_path)
        conn = http.client.HTTPConnection(load.HOST, port, timeout=10)
        status = load.client_credentials(conn, basic)
        if status != 200:
            sys.exit(f"the token request was answered {status}; see {log_path}")
        conn.close()
        time.sleep(SETTLE)
        return status_kib(server.pid), resident_by_file(server.pid, os.path.realpath(exe))
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


def order_coverage(exe):
    """How many of the names in benches/symbol-order.txt the executable defines: low means the list is stale
    (regenerate it with benches/symbol-order.py)."""
    listed = os.path.join(HERE, "symbol-order.txt")
    if not os.path.isfile(listed):
        return "no list"
    defined = set(subprocess.run(["nm", "--defined-only", "--format=just-symbols", exe],
                                 capture_output=True, text=True).stdout.split())
    names = [line.strip() for line in open(listed) if line.strip()]
    return f"{sum(name in defined for name in names)} of {len(names)}"


def mib(kib):
    return f"{kib / 1024:.1f}"


def main():
    exes = [os.path.realpath(a) for a in sys.argv[1:]]
    if not exes:
        sys.exit(__doc__)
    for exe in exes:
        print(f"{exe}: defines {order_coverage(exe)} functions of benches/symbol-order.txt")
    print()
    print("| binary | RSS MiB | anonymous | file-backed | executable code | executable data | other files |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for _ in range(STARTS):
        for exe in exes:
            status, files = measure(exe)
            others = sum(v for k, v in files.items() if not k.startswith("executable"))
            version = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip()
            print(f"| {version} | {mib(status['VmRSS'])} | {mib(status['RssAnon'])} | {mib(status['RssFile'])} | "
                  f"{mib(files['executable code'])} | {mib(files['executable data'])} | {mib(others)} |", flush=True)


if __name__ == "__main__":
    main()
