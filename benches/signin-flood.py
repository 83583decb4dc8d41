#!/usr/bin/env python3
"""Sign-in flood: what anonymous password traffic costs a Gatehouse server, in memory and in service.

Starts a release build with default settings on a fresh data directory, creates one real user with
`gatehouse user add … --password-stdin`, then sends REQUESTS sign-ins with unknown usernames (each a full argon2id
verification on the server, by design) from CONCURRENCY clients at once, while one legitimate user keeps signing
in. It samples the server's /proc/<pid>/status (VmRSS, VmHWM) throughout and for SETTLE seconds after, and prints
a Markdown summary (docs/performance.md, "Sign-in flood").

    benches/signin-flood.py              # or: make bench-flood

Settings (environment):
    REQUESTS=1000       flood sign-ins in total
    CONCURRENCY=50      flood clients at once (each keeps one connection, CSRF cookie and token)
    MAX_SECONDS=120     the flood stops at this age even if REQUESTS were not all sent
    SETTLE=10           seconds of sampling after each flood
    ROUNDS=2            floods, one after the other (the second shows whether memory freed after the first is
                        reused and returned again, not only the first allocation)
    LEGIT_PAUSE=0.25    pause between two sign-ins of the legitimate user
    PEAK_MIB=128        target: VmHWM below this
    SETTLED_MIB=64      target: VmRSS below this within SETTLE seconds of the flood's end
    BENCH_BIN           a gatehouse binary to use instead of `cargo build --release` (CARGO_TARGET_DIR respected)
    OUT=FILE            also write the summary to FILE
    KEEP=1              keep the temporary directory (server log, database) and print its path
  GATEHOUSE_PASSWORD_HASH_CONCURRENCY, GATEHOUSE_PASSWORD_HASH_QUEUE and GATEHOUSE_WORKERS pass through to the
  server; every other GATEHOUSE_* variable is dropped so that the server runs with default settings.

Only loopback traffic (127.0.0.1); the request count and the time are both bounded. Exits 1 when a flood answer
was neither 401 nor 503, when the legitimate user never got in, or when a memory target was missed.
"""
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from urllib.parse import urlencode

REQUESTS = int(os.environ.get("REQUESTS", "1000"))
CONCURRENCY = int(os.environ.get("CONCURRENCY", "50"))
MAX_SECONDS = float(os.environ.get("MAX_SECONDS", "120"))
SETTLE = float(os.environ.get("SETTLE", "10"))
ROUNDS = int(os.environ.get("ROUNDS", "2"))
LEGIT_PAUSE = float(os.environ.get("LEGIT_PAUSE", "0.25"))
PEAK_MIB = float(os.environ.get("PEAK_MIB", "128"))
SETTLED_MIB = float(os.environ.get("SETTLED_MIB", "64"))
OUT = os.environ.get("OUT", "")
KEEP = os.environ.get("KEEP", "0") == "1"
PASS_THROUGH = ("GATEHOUSE_PASSWORD_HASH_CONCURRENCY", "GATEHOUSE_PASSWORD_HASH_QUEUE", "GATEHOUSE_WORKERS")
USER, PASSWORD = "bench-user", "violet-tractor-sings-at-dawn"
HOST = "127.0.0.1"

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def binary():
    if os.environ.get("BENCH_BIN"):
        return os.environ["BENCH_BIN"]
    cargo = os.environ.get("CARGO", "cargo")
    subprocess.run([cargo, "build", "--release", "--quiet", "--bin", "gatehouse"], cwd=REPO, check=True)
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(REPO, "target")
    return os.path.join(target, "release", "gatehouse")


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def server_env(data_dir, port):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEHOUSE_") or k in PASS_THROUGH}
    env.update(
        GATEHOUSE_LISTEN=f"{HOST}:{port}",
        GATEHOUSE_PUBLIC_URL=f"http://{HOST}:{port}",
        GATEHOUSE_DATA_DIR=data_dir,
        GATEHOUSE_LOG_LEVEL="warn",
    )
    return env


class Browser:
    """One client: a keep-alive connection and its cookies, like a browser tab."""

    def __init__(self, port):
        self.port = port
        self.conn = None
        self.cookies = {}

    def request(self, method, path, fields=None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A keep-alive connection the server closed between two requests: reconnect once.
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        for name, value in resp.getheaders():
            if name.lower() == "set-cookie":
                key, _, val = value.split(";")[0].partition("=")
                self.cookies[key.strip()] = val
        if (resp.getheader("Connection") or "").lower() == "close":
            self.conn.close()
            self.conn = None
        return resp.status, resp, data

    def csrf(self):
        status, _, body = self.request("GET", "/login")
        found = re.search(rb'name="csrf" value="([^"]+)"', body)
        if status != 200 or not found:
            raise RuntimeError(f"GET /login answered {status} without a CSRF token")
        return found.group(1).decode()


def read_status(pid):
    """(VmRSS, VmHWM) in MiB, and CPU seconds so far, of the server process."""
    rss = hwm = 0.0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return rss, hwm, cpu


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    exe = binary()
    tmp = tempfile.mkdtemp(prefix="gatehouse-flood-")
    data_dir = os.path.join(tmp, "data")
    port = free_port()
    env = server_env(data_dir, port)
    add = subprocess.run(
        [exe, "user", "add", USER, "--email", "bench@example.com", "--password-stdin"],
        input=PASSWORD + "\n", text=True, env=env, capture_output=True,
    )
    if add.returncode != 0:
        sys.exit(f"creating the user failed: {add.stderr}")
    log = open(os.path.join(tmp, "server.log"), "w")
    server = subprocess.Popen([exe, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        return run(server, port, tmp)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        if KEEP:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def run(server, port, tmp):
    deadline = time.monotonic() + 30
    while True:
        try:
            http.client.HTTPConnection(HOST, port, timeout=2).request("GET", "/healthz")
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit(f"the server did not start; see {tmp}/server.log (KEEP=1)")
            time.sleep(0.1)
    time.sleep(1)
    pid = server.pid
    idle_rss, _, _ = read_status(pid)
    cores = len(os.sched_getaffinity(0))
    rounds = [flood_round(pid, port, cores) for _ in range(ROUNDS)]
    _, hwm, _ = read_status(pid)

    def row(name, values):
        return f"| {name} | " + " | ".join(values) + " |"

    lines = [
        f"Sign-in flood: {ROUNDS} round(s) of {REQUESTS} sign-ins with unknown usernames, {CONCURRENCY} at once, "
        f"{SETTLE:.0f} s apart; {cores} cores; server default settings"
        + "".join(f", {k}={os.environ[k]}" for k in PASS_THROUGH if k in os.environ) + ".",
        "",
        f"Server RSS idle before the first round: {idle_rss:.1f} MiB. Peak RSS (VmHWM) over the whole run: "
        f"{hwm:.1f} MiB (target < {PEAK_MIB:.0f}).",
        "",
        "| measure | " + " | ".join(f"round {n + 1}" for n in range(ROUNDS)) + " |",
        "|---|" + "---|" * ROUNDS,
    ]
    for key in rounds[0]:
        if not key.startswith("_"):
            lines.append(row(key, [r[key] for r in rounds]))
    failures = []
    for n, r in enumerate(rounds):
        failures += [f"round {n + 1}: {f}" for f in r["_failures"]]
    if hwm >= PEAK_MIB:
        failures.append(f"peak RSS {hwm:.1f} MiB >= {PEAK_MIB:.0f}")
    lines += ["", "PASS" if not failures else "FAIL: " + "; ".join(failures)]
    summary = "\n".join(lines)
    print(summary)
    if OUT:
        with open(OUT, "w") as f:
            f.write(summary + "\n")
    return 1 if failures else 0


def flood_round(pid, port, cores):
    """One flood and the SETTLE seconds after it; returns the round's figures as table cells."""
    samples = []  # (monotonic time, rss MiB)
    sampling = threading.Event()
    sampling.set()

    def sampler():
        while sampling.is_set():
            try:
                rss, _, _ = read_status(pid)
            except OSError:
                return
            samples.append((time.monotonic(), rss))
            time.sleep(0.02)

    threading.Thread(target=sampler, daemon=True).start()

    # Every flood client first loads the form (cookie and token), then only posts.
    browsers = [Browser(port) for _ in range(CONCURRENCY)]
    tokens = [b.csrf() for b in browsers]
    lock = threading.Lock()
    sent = [0]
    flood = []  # (status, seconds, retry-after)
    errors = []
    flooding = threading.Event()
    flooding.set()
    started = time.monotonic()
    stop_at = started + MAX_SECONDS

    def flooder(browser, token):
        while True:
            with lock:
                if sent[0] >= REQUESTS or time.monotonic() > stop_at:
                    return
                sent[0] += 1
            fields = {"csrf": token, "username": f"nobody-{uuid.uuid4().hex[:12]}", "password": "wrong-password-123"}
            t0 = time.monotonic()
            try:
                status, resp, _ = browser.request("POST", "/login", fields)
            except OSError as e:
                errors.append(repr(e))
                continue
            flood.append((status, time.monotonic() - t0, resp.getheader("Retry-After")))

    legit = []  # (status, seconds)
    legit_sessions = []  # seconds from the first try to signed in, retrying after Retry-After like a person

    def legitimate():
        while flooding.is_set():
            began = time.monotonic()
            while flooding.is_set():
                browser = Browser(port)
                try:
                    token = browser.csrf()
                    t0 = time.monotonic()
                    status, resp, _ = browser.request(
                        "POST", "/login", {"csrf": token, "username": USER, "password": PASSWORD}
                    )
                except OSError as e:
                    errors.append(repr(e))
                    break
                legit.append((status, time.monotonic() - t0))
                if status == 303:
                    legit_sessions.append(time.monotonic() - began)
                    break
                if status != 503:
                    break
                time.sleep(float(resp.getheader("Retry-After") or "1"))
            time.sleep(LEGIT_PAUSE)

    cpu_before = read_status(pid)[2]
    threads = [threading.Thread(target=flooder, args=(b, t)) for b, t in zip(browsers, tokens)]
    legit_thread = threading.Thread(target=legitimate)
    for t in threads:
        t.start()
    legit_thread.start()
    for t in threads:
        t.join()
    ended = time.monotonic()
    flooding.clear()
    legit_thread.join()
    cpu_used = read_status(pid)[2] - cpu_before
    for b in browsers:
        if b.conn:
            b.conn.close()
    time.sleep(SETTLE)
    sampling.clear()
    time.sleep(0.05)
    after = [(t - ended, rss) for t, rss in samples if t >= ended]
    during = [rss for t, rss in samples if started <= t <= ended]

    def rss_at(seconds):
        candidates = [rss for t, rss in after if t <= seconds]
        return candidates[-1] if candidates else float("nan")

    settled_at = next(
        (t for t, rss in after if all(r < SETTLED_MIB for u, r in after if u >= t)),
        None,
    )
    duration = ended - started
    statuses = {}
    for status, _, _ in flood:
        statuses[status] = statuses.get(status, 0) + 1
    verified = statuses.get(401, 0)
    busy = [s[1] for s in flood if s[0] == 503]
    ok = [s[1] for s in flood if s[0] == 401]
    legit_ok = [s for st, s in legit if st == 303]
    unexpected = {k: v for k, v in statuses.items() if k not in (401, 503)}
    retry_after = sorted({str(s[2]) for s in flood if s[0] == 503})
    ms = lambda v: f"{1000 * v:.0f}"  # noqa: E731

    failures = []
    if unexpected or errors:
        failures.append(f"unexpected answers {unexpected}, errors {errors[:3]}")
    if not legit_ok:
        failures.append("the legitimate user never got in")
    if settled_at is None:
        failures.append(f"RSS not below {SETTLED_MIB:.0f} MiB within {SETTLE:.0f} s")
    return {
        "flood duration": f"{duration:.1f} s",
        "flood answers": ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))
        + (f"; connection errors: {len(errors)}" if errors else ""),
        "max RSS during the flood": f"{max(during, default=float('nan')):.1f} MiB",
        f"RSS at end / +1 / +3 / +5 / +{SETTLE:.0f} s": f"{rss_at(0.05):.1f} / {rss_at(1):.1f} / {rss_at(3):.1f} / "
        f"{rss_at(5):.1f} / {rss_at(SETTLE):.1f} MiB",
        f"RSS below {SETTLED_MIB:.0f} MiB for good after": f"{settled_at:.1f} s"
        if settled_at is not None
        else f"not within {SETTLE:.0f} s",
        "503: p50 / p99 / max latency": f"{ms(percentile(busy, 50))} / {ms(percentile(busy, 99))} / "
        f"{ms(max(busy, default=float('nan')))} ms, Retry-After {', '.join(retry_after) or '–'}",
        "401 (verified): p50 / p99 latency": f"{ms(percentile(ok, 50))} / {ms(percentile(ok, 99))} ms",
        "verified sign-ins per second": f"{verified / duration:.1f} = {verified / duration / cores:.1f} per core "
        f"(argon2id bound ≈ {1 / 0.014:.0f} per core)",
        "server CPU during the flood": f"{cpu_used:.1f} s of {duration * cores:.1f} core-s = "
        f"{verified / cpu_used if cpu_used else float('nan'):.1f} verified per CPU-second",
        "legitimate user: tries / signed in / 503": f"{len(legit)} / {len(legit_ok)} / "
        f"{sum(1 for st, _ in legit if st == 503)}",
        "legitimate user: successful try p50 / max": f"{ms(percentile(legit_ok, 50))} / "
        f"{ms(max(legit_ok, default=float('nan')))} ms",
        "legitimate user: first try to signed in (retrying after Retry-After), p50 / max": (
            f"{percentile(legit_sessions, 50):.2f} / {max(legit_sessions, default=float('nan')):.2f} s "
            f"({len(legit_sessions)} sign-ins)"
        ),
        "_failures": failures,
    }


if __name__ == "__main__":
    sys.exit(main())
