#!/usr/bin/env python3
"""Interactive sign-in load: password + authenticator app through the real pages, measured against the argon2id
bound of the same core (docs/performance.md, "Sign-in with password and authenticator app").

Seeds USERS benchmark users with `gatehouse bench seed` (one password hash for all, a TOTP secret each derived from
a seed and the user's index), starts a release build pinned to CPU 1, measures on that core how many argon2id
hashes per second the server's parameters allow (`gatehouse bench argon2`, before the server starts, and again
right after the load with the server idle: the share is against the mean of both, since a virtual machine's speed
drifts), then signs users in from CLIENTS concurrent clients pinned to CPU 0 for DURATION seconds. One sign-in is the whole path a
browser takes: GET /login (CSRF token and cookie), POST /login with the password, GET the second-factor page it
redirects to, POST the TOTP code, GET /account to check it is signed in (see CHECK_EVERY). Each sign-in is a
different user, so no code is ever presented twice (a TOTP code is single use). Prints a Markdown summary.

    benches/signin-load.py              # or: make bench-signin

Settings (environment):
    DURATION=20         seconds of measured load (after WARMUP seconds of unmeasured load)
    WARMUP=3
    CLIENTS=8           concurrent clients (closed loop: each starts its next sign-in when the last one ends)
    USERS=10000         seeded users; every sign-in uses a new one, so USERS must exceed the sign-ins of a run
    SEED=1              1: seed USERS users first (`gatehouse bench seed`); 0: they exist already (PREFIX, TOTP_SEED,
                        PASSWORD as seeded; GATEHOUSE_SECRET_KEY must be the key they were seeded with)
    PREFIX              usernames are PREFIX1 … PREFIX<USERS>; default "bench-" on a fresh SQLite database, a random
                        one when seeding into GATEHOUSE_DATABASE_URL
    TOTP_SEED=gatehouse-bench, PASSWORD=bench-violet-tractor-sings-at-dawn   as `gatehouse bench seed` defaults
    PIN=1               1: server (and the argon2 measurement) on CPU 1, clients on CPU 0; 0: no pinning
    ARGON2_SECONDS=5    length of the argon2id measurement
    CHECK_EVERY=1       the GET /account check after every sign-in (1), or after every n-th user's only (a page
                        view after signing in, not part of the sign-in: ≈ 2.5 ms of server CPU); 0: never. Every
                        sign-in is still checked for its answers (303 from the password to the factor page, 303
                        from the code to a page other than /login…)
    STEPS=0             after the load, this many more sign-ins one at a time from one client, with the server's CPU
                        time per step (summed over its threads from /proc/PID/task/*/schedstat, in ns) before and
                        after each request: where a sign-in's CPU goes besides the hash (a second table)
    GATEHOUSE_DATABASE_URL   postgres://… to run on PostgreSQL instead of a fresh SQLite database
    GATEHOUSE_SECRET_KEY     the installation key (default: a fresh random one; needed with SEED=0)
    GATEHOUSE_PASSWORD_HASH_CONCURRENCY, GATEHOUSE_PASSWORD_HASH_QUEUE, GATEHOUSE_WORKERS  pass through
    BENCH_BIN           a gatehouse binary to use instead of `cargo build --release` (CARGO_TARGET_DIR respected)
    OUT=FILE            also write the summary to FILE;  KEEP=1 keeps the temporary directory (server log)

Only loopback traffic; bounded by DURATION. Exits 1 when any sign-in failed (the figures are then not a result).
"""
import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from urllib.parse import urlencode

DURATION = float(os.environ.get("DURATION", "20"))
WARMUP = float(os.environ.get("WARMUP", "3"))
CLIENTS = int(os.environ.get("CLIENTS", "8"))
USERS = int(os.environ.get("USERS", "10000"))
SEED = os.environ.get("SEED", "1") == "1"
TOTP_SEED = os.environ.get("TOTP_SEED", "gatehouse-bench")
PASSWORD = os.environ.get("PASSWORD", "bench-violet-tractor-sings-at-dawn")
PIN = os.environ.get("PIN", "1") == "1"
ARGON2_SECONDS = os.environ.get("ARGON2_SECONDS", "5")
CHECK_EVERY = int(os.environ.get("CHECK_EVERY", "1"))
STEPS = int(os.environ.get("STEPS", "0"))
OUT = os.environ.get("OUT", "")
KEEP = os.environ.get("KEEP", "0") == "1"
DATABASE_URL = os.environ.get("GATEHOUSE_DATABASE_URL", "")
PASS_THROUGH = (
    "GATEHOUSE_PASSWORD_HASH_CONCURRENCY", "GATEHOUSE_PASSWORD_HASH_QUEUE", "GATEHOUSE_WORKERS",
    "GATEHOUSE_DATABASE_URL", "GATEHOUSE_SECRET_KEY",
)
HOST = "127.0.0.1"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def binary():
    if os.environ.get("BENCH_BIN"):
        return os.environ["BENCH_BIN"]
    cargo = os.environ.get("CARGO", "cargo")
    subprocess.run([cargo, "build", "--release", "--quiet", "--bin", "gatehouse"], cwd=REPO, check=True)
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(REPO, "target")
    return os.path.join(target, "release", "gatehouse")


def totp_secret(index):
    """The documented derivation of `gatehouse bench seed`: HMAC-SHA256(seed, decimal index), first 20 bytes."""
    return hmac.new(TOTP_SEED.encode(), str(index).encode(), hashlib.sha256).digest()[:20]


def totp_code(secret, unix):
    """RFC 6238: HMAC-SHA1, 30-second steps, 6 digits."""
    digest = hmac.new(secret, struct.pack(">Q", int(unix) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


class Browser:
    """One client's keep-alive connection; each sign-in starts with no cookies, like a new browser."""

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
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
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
        return resp.status, resp.getheader("Location") or "", data


def csrf_of(body):
    found = re.search(rb'name="csrf" value="([^"]+)"', body)
    return found.group(1).decode() if found else ""


STEP_NAMES = ("GET /login", "POST /login", "GET /login/factor", "POST /login/factor", "GET /account")


def sign_in(browser, username, index, step=None):
    """The whole interactive path; returns None when signed in, else what went wrong. `step(i)`, when given, is
    called before the first request and after each (i = the request just answered, 0 to 4)."""
    browser.cookies = {}
    mark = step or (lambda _: None)
    mark(-1)
    status, _, body = browser.request("GET", "/login")
    mark(0)
    if status != 200 or not csrf_of(body):
        return f"GET /login: {status}"
    status, location, _ = browser.request(
        "POST", "/login", {"csrf": csrf_of(body), "username": username, "password": PASSWORD}
    )
    mark(1)
    if status != 303 or not location.startswith("/login/factor"):
        return f"POST /login: {status} {location}"
    status, _, body = browser.request("GET", location)
    mark(2)
    if status != 200 or not csrf_of(body):
        return f"GET {location}: {status}"
    code = totp_code(totp_secret(index), time.time())
    status, location, body = browser.request(
        "POST", "/login/factor", {"csrf": csrf_of(body), "method": "totp", "code": code}
    )
    mark(3)
    if status != 303 or location.startswith("/login"):
        return f"POST /login/factor: {status} {location} {body[:200]!r}"
    if step or (CHECK_EVERY and index % CHECK_EVERY == 0):
        status, _, _ = browser.request("GET", "/account")
        mark(4)
        if status != 200:
            return f"GET /account: {status}"
    return None


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_ns(pid):
    """The server's CPU time so far in ns, summed over its live threads (finer than /proc/PID/stat's ticks)."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                total += int(f.read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass  # a thread that ended meanwhile
    return total


def per_step(server, port, prefix, first_index, count):
    """`count` sign-ins one at a time; the server's mean CPU per step in µs, and the failures."""
    spent = [0] * len(STEP_NAMES)
    last = {"ns": 0}
    failures = []

    def step(i):
        now = cpu_ns(server.pid)
        if i >= 0:
            spent[i] += now - last["ns"]
        last["ns"] = now

    browser = Browser(port)
    for n in range(count):
        index = 1 + (first_index - 1 + n) % USERS
        problem = sign_in(browser, f"{prefix}{index}", index, step)
        if problem:
            failures.append(f"{prefix}{index}: {problem}")
    return [s / count / 1000 for s in spent], failures


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    exe = binary()
    tmp = tempfile.mkdtemp(prefix="gatehouse-signin-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEHOUSE_") or k in PASS_THROUGH}
    env.update(GATEHOUSE_DATA_DIR=os.path.join(tmp, "data"))
    if "GATEHOUSE_SECRET_KEY" not in env:
        if not SEED:
            sys.exit("SEED=0 needs GATEHOUSE_SECRET_KEY: the key the users' TOTP secrets were sealed with")
        env["GATEHOUSE_SECRET_KEY"] = base64.b64encode(os.urandom(32)).decode()
    prefix = os.environ.get("PREFIX") or ("bench-" if not DATABASE_URL or not SEED else f"b{os.urandom(3).hex()}-")
    pin_server = ["taskset", "-c", "1"] if PIN else []
    seed_seconds = None
    if SEED:
        print(f"== gatehouse bench seed --users {USERS} --prefix {prefix}", file=sys.stderr)
        t0 = time.monotonic()
        seeded = subprocess.run(
            [exe, "bench", "seed", "--users", str(USERS), "--prefix", prefix, "--totp-seed", TOTP_SEED,
             "--password-stdin"], input=PASSWORD + "\n", text=True, env=env,
        )
        if seeded.returncode != 0:
            sys.exit("seeding failed")
        seed_seconds = time.monotonic() - t0
    def measure_bound():
        print("== argon2id bound (gatehouse bench argon2" + (", CPU 1)" if PIN else ")"), file=sys.stderr)
        found = json.loads(subprocess.run(
            pin_server + [exe, "--json", "bench", "argon2", "--seconds", ARGON2_SECONDS],
            env=env, check=True, capture_output=True, text=True,
        ).stdout)
        print(f"   {found['hashes_per_second']} hashes/s on {found['threads']} thread(s)", file=sys.stderr)
        return found

    bound = measure_bound()
    bound["again"] = measure_bound
    # The port is chosen just before the server starts, so that nothing else takes it meanwhile.
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port_number = probe.getsockname()[1]
    env.update(GATEHOUSE_LISTEN=f"{HOST}:{port_number}", GATEHOUSE_PUBLIC_URL=f"http://{HOST}:{port_number}")
    log = open(os.path.join(tmp, "server.log"), "w")
    server = subprocess.Popen(pin_server + [exe, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        return run(server, port_number, prefix, bound, seed_seconds, tmp)
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


def fresh_server(tmp, **settings):
    """The environment for a server on a free loopback port with its data in `tmp` and a fresh installation key
    (the caller's GATEHOUSE_* settings left out, `settings` added), and that port."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEHOUSE_")}
    env.update(
        GATEHOUSE_DATA_DIR=os.path.join(tmp, "data"),
        GATEHOUSE_SECRET_KEY=base64.b64encode(os.urandom(32)).decode(),
        GATEHOUSE_LISTEN=f"{HOST}:{port}",
        GATEHOUSE_PUBLIC_URL=f"http://{HOST}:{port}",
        **settings,
    )
    return env, port


def seed_users(exe, env, count):
    """`gatehouse bench seed`: users bench-1 … bench-COUNT with PASSWORD and TOTP secrets from TOTP_SEED."""
    subprocess.run(
        [exe, "bench", "seed", "--users", str(count), "--prefix", "bench-", "--totp-seed", TOTP_SEED,
         "--password-stdin"],
        input=PASSWORD + "\n", text=True, env=env, check=True, capture_output=True,
    )


def token_client(exe, env, client_id):
    """Registers a `client_credentials` client with the CLI; returns its HTTP Basic credentials."""
    registered = subprocess.run(
        [exe, "--json", "client", "add", client_id, "--redirect-uri", "http://127.0.0.1:9/cb",
         "--grant", "client_credentials"],
        env=env, check=True, capture_output=True, text=True,
    ).stdout
    secret = json.loads(registered)["client_secret"]
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def client_credentials(conn, basic):
    """One `client_credentials` token request on `conn`; returns the status."""
    conn.request("POST", "/token", body="grant_type=client_credentials",
                 headers={"Authorization": basic, "Content-Type": "application/x-www-form-urlencoded"})
    answer = conn.getresponse()
    answer.read()
    return answer.status


def wait_ready(server, port, seconds, log):
    """Until the server answers /readyz; exits naming `log` when it stops or takes longer than `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/readyz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            sys.exit(f"the server did not start; see {log}")
        time.sleep(0.1)


def run(server, port, prefix, bound, seed_seconds, tmp):
    wait_ready(server, port, 60, f"{tmp}/server.log (KEEP=1)")
    if PIN:
        os.sched_setaffinity(0, {0})
    # Codes of the current 30-second step only after every earlier step has passed: a user signed in by an earlier
    # run on the same database (SEED=0) then never meets the replay guard.
    time.sleep(30 - time.time() % 30 + 0.2)
    start_index = 1 + int.from_bytes(os.urandom(4), "big") % USERS
    lock = threading.Lock()
    state = {"next": 0, "measuring": False, "stop": False}
    samples, failures = [], []

    def client():
        browser = Browser(port)
        while True:
            with lock:
                if state["stop"]:
                    return
                if state["next"] >= USERS:
                    failures.append("ran out of users: raise USERS")
                    return
                index = 1 + (start_index - 1 + state["next"]) % USERS
                state["next"] += 1
                measuring = state["measuring"]
            t0 = time.monotonic()
            try:
                problem = sign_in(browser, f"{prefix}{index}", index)
            except OSError as e:
                problem = repr(e)
                browser.conn = None
            elapsed = time.monotonic() - t0
            with lock:
                if problem:
                    failures.append(f"{prefix}{index}: {problem}")
                elif measuring and state["measuring"]:
                    samples.append(elapsed)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    print(f"== {CLIENTS} clients, {WARMUP:.0f} s warm-up, {DURATION:.0f} s measured", file=sys.stderr)
    for t in threads:
        t.start()
    time.sleep(WARMUP)
    with lock:
        state["measuring"] = True
    cpu0, t_start = cpu_seconds(server.pid), time.monotonic()
    time.sleep(DURATION)
    with lock:
        state["measuring"] = False
        state["stop"] = True
    t_end, cpu1 = time.monotonic(), cpu_seconds(server.pid)
    for t in threads:
        t.join()
    seconds = t_end - t_start
    rate = len(samples) / seconds
    # The machine's speed may drift during a run: the bound is measured again right after the load (the server
    # idle), and the share is taken against the mean of both measurements; each one's share is shown beside it.
    before = bound["hashes_per_second"]
    after = bound["again"]()["hashes_per_second"]
    share = lambda per_second: 100 * rate / per_second if per_second else float("nan")  # noqa: E731
    ratio = share((before + after) / 2) / 100
    backend = "postgres" if DATABASE_URL else "sqlite"
    ms = lambda v: f"{1000 * v:.0f}"  # noqa: E731
    # The commit the measured binary was built from (`gatehouse --version`: "gatehouse 0.1.0 (abcdef123456)"), which
    # is not the checkout's when BENCH_BIN names another build.
    version = subprocess.run(server.args[-2:-1] + ["--version"], capture_output=True, text=True).stdout
    revision = re.search(r"\(([0-9a-f]{7,})", version)
    lines = [
        f"### {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} — gatehouse {revision.group(1) if revision else '?'} "
        f"({backend}, {USERS:,} seeded users)",
        "",
        ("Pinned: server and argon2 measurement on CPU 1, clients on CPU 0. " if PIN else "Not pinned. ")
        + f"{CLIENTS} clients, {DURATION:.0f} s after {WARMUP:.0f} s warm-up; GET /account after "
        + ("every sign-in" if CHECK_EVERY == 1 else f"one sign-in in {CHECK_EVERY}" if CHECK_EVERY else "no sign-in")
        + f"; password hash concurrency "
        f"{bound['threads']} (the server's setting on {bound['cores']} core(s))"
        + (f"; seeding took {seed_seconds:.1f} s" if seed_seconds is not None else "") + ".",
        "",
        "| backend | users | sign-ins/s | p50 ms | p90 ms | p99 ms | max ms | failed | argon2id hashes/s before / "
        "after | share of the bound (of before / of after) | server CPU |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {backend} | {USERS:,} | {rate:.1f} | {ms(percentile(samples, 50))} | {ms(percentile(samples, 90))} | "
        f"{ms(percentile(samples, 99))} | {ms(max(samples, default=float('nan')))} | {len(failures)} | "
        f"{before} / {after} | **{100 * ratio:.0f} %** ({share(before):.0f} / {share(after):.0f} %) | "
        f"{100 * (cpu1 - cpu0) / seconds:.0f} % |",
    ]
    if STEPS:
        # Users after those the load used; the load's clients have stopped, so the server does nothing else.
        used = state["next"]
        if used + STEPS > USERS:
            failures.append("not enough users left for STEPS: raise USERS")
        else:
            steps, step_failures = per_step(server, port, prefix, 1 + (start_index - 1 + used) % USERS, STEPS)
            failures += step_failures
            hash_us = 2e6 / (before + after) if before + after else float("nan")
            lines += [
                "",
                f"Server CPU per request, {STEPS} sign-ins one at a time (µs, mean; the argon2id hash alone: "
                f"{hash_us:,.0f} µs from the bound):",
                "",
                "| " + " | ".join(STEP_NAMES) + " | all | all but the hash |",
                "|" + "---:|" * (len(STEP_NAMES) + 2),
                "| " + " | ".join(f"{v:,.0f}" for v in steps) + f" | {sum(steps):,.0f} | "
                f"{sum(steps) - hash_us:,.0f} |",
            ]
    if server.poll() is not None:
        failures.append(f"the server exited (status {server.returncode}); see {tmp}/server.log (KEEP=1)")
    if failures:
        lines += ["", f"failed sign-ins: {len(failures)}; first: {failures[0]}; last: {failures[-1]}"]
    summary = "\n".join(lines)
    print(summary)
    if OUT:
        with open(OUT, "w") as f:
            f.write(summary + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
