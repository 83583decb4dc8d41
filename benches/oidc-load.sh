#!/usr/bin/env bash
# Load test of Gatehouse's OpenID Provider endpoints, with node `oidc-provider` 9 measured in the same run on the
# same machine as the reference. See docs/performance.md for what each scenario means and the figures it gave.
#
#   benches/oidc-load.sh                 # or: make bench
#
# Settings (environment):
#   DURATION=20s       length of each measured run (wrk syntax: 20s, 1m)
#   WARMUP=3s          an unmeasured run before each measured one (0 to skip)
#   CONNECTIONS=32     concurrent keep-alive connections
#   THREADS            wrk threads (default 1 when pinned, else 2); CONNECTIONS must be a multiple of it
#   PIN=1              1: server on CPU 1, wrk on CPU 0 (taskset), so each server gets one whole core and the load
#                      generator never competes with it; 0: no pinning, everything shares every core
#   SCENARIOS          default "discovery jwks client_credentials refresh_token"
#   REFERENCE=1        0 skips oidc-provider (then Node is only needed for the refresh_token setup)
#   BENCH_BIN          a gatehouse binary to use instead of `cargo build --release` (CARGO_TARGET_DIR respected;
#                      not GATEHOUSE_BIN: gatehouse refuses unknown GATEHOUSE_* variables)
#   GATEHOUSE_DATABASE_URL  postgres://… to measure on PostgreSQL instead of a fresh SQLite database (the run adds
#                      a user and a client with a random suffix to that database and leaves them there). Use an
#                      empty database, or set GATEHOUSE_SECRET_KEY to the same value on every run: the signing key
#                      stored there is sealed with the secret key of the run that created it
#   OUT=FILE           also write the summary (Markdown) to FILE
#   KEEP=1             keep the temporary directory (server logs, database) and print its path
#
# Only loopback traffic; every run is bounded by DURATION. Exits non-zero if any measured request failed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

DURATION="${DURATION:-20s}"
WARMUP="${WARMUP:-3s}"
CONNECTIONS="${CONNECTIONS:-32}"
PIN="${PIN:-1}"
SCENARIOS="${SCENARIOS:-discovery jwks client_credentials refresh_token}"
REFERENCE="${REFERENCE:-1}"
OUT="${OUT:-}"
KEEP="${KEEP:-0}"
cores="$(nproc)"
if [[ "$PIN" == 1 && "$cores" -lt 2 ]]; then
  echo "PIN=1 needs two CPUs; this machine has $cores: running unpinned" >&2
  PIN=0
fi
THREADS="${THREADS:-$([[ "$PIN" == 1 ]] && echo 1 || echo 2)}"
if (( CONNECTIONS % THREADS != 0 )); then
  echo "CONNECTIONS ($CONNECTIONS) must be a multiple of THREADS ($THREADS)" >&2
  exit 2
fi
if [[ "$PIN" == 1 ]]; then
  server_cpu=(taskset -c 1)
  load_cpu=(taskset -c 0)
else
  server_cpu=()
  load_cpu=()
fi

need() { command -v "$1" >/dev/null || { echo "missing: $1 ($2)" >&2; exit 2; }; }
need wrk "apt-get install wrk"
need curl "apt-get install curl"
need node "Node.js 20 or newer"
[[ "$PIN" == 1 ]] && need taskset "apt-get install util-linux"

# --- the binary -------------------------------------------------------------------------------------------------
if [[ -n "${BENCH_BIN:-}" ]]; then
  bin="$BENCH_BIN"
else
  echo "== cargo build --release --bin gatehouse" >&2
  (cd "$repo" && "${CARGO:-cargo}" build --release --quiet --bin gatehouse)
  bin="${CARGO_TARGET_DIR:-$repo/target}/release/gatehouse"
fi
[[ -x "$bin" ]] || { echo "no gatehouse binary at $bin" >&2; exit 2; }

if [[ "$REFERENCE" == 1 && ( ! -f "$here/node_modules/.package-lock.json" \
      || "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ) ]]; then
  echo "== npm ci --prefix benches" >&2
  npm ci --prefix "$here" --no-audit --no-fund --loglevel=error
  touch "$here/node_modules/.package-lock.json"
fi

# --- temporary state, cleaned up whatever happens ----------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-bench.XXXXXX")"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [[ "$KEEP" == 1 ]]; then
    echo "kept: $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# wait_for URL SECONDS PID: until URL answers 2xx; fails if PID exits first.
wait_for() {
  local deadline=$((SECONDS + $2))
  until curl -fs -o /dev/null "$1"; do
    if ! kill -0 "$3" 2>/dev/null; then
      echo "the server exited before $1 answered" >&2
      return 1
    fi
    if (( SECONDS >= deadline )); then
      echo "no answer from $1 within $2 s" >&2
      return 1
    fi
    sleep 0.2
  done
}

# stop_server PID: SIGTERM and wait (servers finish in-flight requests first).
stop_server() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local kept=() pid
  for pid in "${pids[@]}"; do [[ "$pid" == "$1" ]] || kept+=("$pid"); done
  pids=("${kept[@]+"${kept[@]}"}")
}

rows=()
failed=0
ticks="$(getconf CLK_TCK)"

# cpu_ticks PID: user + system CPU time of the process (all its threads) so far, in clock ticks.
cpu_ticks() {
  local stat
  stat="$(cat "/proc/$1/stat")"
  stat="${stat##*) }" # fields after "(comm) "; utime and stime are fields 14 and 15, here 12 and 13
  awk '{ print $12 + $13 }' <<<"$stat"
}

# measure PID SERVER SCENARIO URL WRK_SCRIPT_ARGS...: a warm-up run, then the measured run, during which the
# server's (PID's) CPU time is taken too; appends a summary row.
measure() {
  local pid="$1" server="$2" scenario="$3" url="$4"
  shift 4
  local wrk_cmd=(wrk "-t$THREADS" "-c$CONNECTIONS" --timeout 5s -s "$here/oidc-load.lua")
  if [[ "$WARMUP" != 0 && "$scenario" != refresh_token ]]; then
    "${load_cpu[@]}" "${wrk_cmd[@]}" -d "$WARMUP" "$url" -- "$@" >/dev/null
  fi
  echo "== $server $scenario: wrk -t$THREADS -c$CONNECTIONS -d$DURATION $url" >&2
  local out cpu_before cpu_after
  cpu_before="$(cpu_ticks "$pid")"
  out="$("${load_cpu[@]}" "${wrk_cmd[@]}" -d "$DURATION" "$url" -- "$@")"
  cpu_after="$(cpu_ticks "$pid")"
  local result
  result="$(grep '^RESULT ' <<<"$out" || true)"
  if [[ -z "$result" ]]; then
    echo "$out" >&2
    echo "wrk gave no result for $server $scenario" >&2
    failed=1
    return
  fi
  # key=value pairs of the RESULT line into an associative array.
  local -A r=()
  local pair
  for pair in ${result#RESULT }; do r["${pair%%=*}"]="${pair#*=}"; done
  local bad=$((r[bad] + r[socket_errors]))
  # The server's CPU: busy share of the run (100 % = one core) and CPU time per answered request. The second
  # does not depend on what else ran on the machine, so it is the figure to compare across runs.
  local cpu_pct cpu_us
  cpu_pct="$(awk -v t=$((cpu_after - cpu_before)) -v hz="$ticks" -v s="${r[seconds]}" 'BEGIN { printf "%.0f", 100 * t / hz / s }')"
  cpu_us="$(awk -v t=$((cpu_after - cpu_before)) -v hz="$ticks" -v n="${r[requests]}" 'BEGIN { printf "%.0f", n ? 1e6 * t / hz / n : 0 }')"
  echo "   ${r[good_rps]} good answers/s, p50 ${r[p50_ms]} ms, p99 ${r[p99_ms]} ms, bad $bad of ${r[requests]}; server CPU $cpu_pct %, $cpu_us µs a request" >&2
  if (( bad > 0 )); then
    failed=1
    echo "   bad answers: statuses ${r[bad_statuses]}, socket errors ${r[socket_errors]}, timeouts ${r[timeouts]}" >&2
    grep '^FIRST_BAD ' <<<"$out" | sed 's/^FIRST_BAD /   first bad answer: /' >&2 || true
  fi
  rows+=("| $server | $scenario | ${r[good_rps]} | ${r[p50_ms]} | ${r[p99_ms]} | ${r[max_ms]} | $bad (${r[bad_statuses]}) | ${r[requests]} | $cpu_pct % | $cpu_us |")
}

wants() { [[ " $SCENARIOS " == *" $1 "* ]]; }

# How busy the CPUs are before we start (over 2 s, from /proc/stat): anything else running lowers every figure.
cpu_busy_pct() {
  local a b
  a="$(head -1 /proc/stat)"
  sleep 2
  b="$(head -1 /proc/stat)"
  awk -v a="$a" -v b="$b" 'BEGIN {
    n = split(a, x); split(b, y); total = 0
    for (i = 2; i <= n && i <= 9; i++) total += y[i] - x[i] # user … steal; guest time is inside user
    idle = (y[5] - x[5]) + (y[6] - x[6])
    printf "%.0f", total ? 100 * (total - idle) / total : 0 }'
}
loadavg_before="$(cut -d' ' -f1-3 /proc/loadavg)"
busy_before="$(cpu_busy_pct)"
if (( busy_before > 10 )); then
  echo "warning: the CPUs are ${busy_before} % busy before the run (load average $loadavg_before):" \
    "something else is running, figures will be low" >&2
fi

# --- Gatehouse --------------------------------------------------------------------------------------------------
port="$(free_port)"
base="http://127.0.0.1:$port"
export GATEHOUSE_DATA_DIR="$work/data"
export GATEHOUSE_LISTEN="127.0.0.1:$port"
export GATEHOUSE_PUBLIC_URL="$base"
backend="sqlite"
if [[ -n "${GATEHOUSE_DATABASE_URL:-}" ]]; then
  backend="postgres"
  [[ -n "${GATEHOUSE_SECRET_KEY:-}${GATEHOUSE_SECRET_KEY_FILE:-}" ]] \
    || echo "note: without GATEHOUSE_SECRET_KEY this run's fresh secret key only opens a signing key it creates itself:" \
         "use an empty database (a used one answers 500 at /token)" >&2
fi
echo "== gatehouse serve on $base ($backend, data in $GATEHOUSE_DATA_DIR)" >&2
"${server_cpu[@]}" "$bin" serve >"$work/gatehouse.log" 2>&1 &
pids+=("$!")
gatehouse_pid="$!"
wait_for "$base/readyz" 60 "$gatehouse_pid" || { tail -20 "$work/gatehouse.log" >&2; exit 1; }

suffix="$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
client_id="bench-$suffix"
redirect="http://127.0.0.1:9/callback"
registered="$("$bin" --json client add "$client_id" --redirect-uri "$redirect" --trusted \
  --grant client_credentials --grant refresh_token --grant authorization_code)"
secret="$(sed -n 's/.*"client_secret":"\([^"]*\)".*/\1/p' <<<"$registered")"
[[ -n "$secret" ]] || { echo "client registration gave no secret: $registered" >&2; exit 1; }
# RFC 6749 §2.3.1 form-encodes both parts; ids and secrets here are base64url, which needs no encoding.
basic="Basic $(printf '%s:%s' "$client_id" "$secret" | base64 -w0)"

if wants refresh_token; then
  username="bench-$suffix"
  password="$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')Aa1!"
  printf '%s\n' "$password" | "$bin" --json user add "$username" --email "$username@example.com" --password-stdin >/dev/null
  # One chain per connection for the measured run, plus one per wrk thread (see oidc-load.lua); a warm-up would
  # need chains of its own, so this scenario has none.
  chains=$((CONNECTIONS + THREADS))
  echo "== refresh_token setup: one sign-in, then $chains code flows, one refresh-token family each" >&2
  node "$here/refresh-chains.mjs" "$base" "$client_id" "$secret" "$redirect" "$username" "$password" "$chains" \
    >"$work/refresh-tokens.txt"
fi

wants discovery && measure "$gatehouse_pid" gatehouse discovery "$base/.well-known/openid-configuration" get
wants jwks && measure "$gatehouse_pid" gatehouse jwks "$base/jwks" get
wants client_credentials && measure "$gatehouse_pid" gatehouse client_credentials "$base/token" client_credentials "$basic"
wants refresh_token && measure "$gatehouse_pid" gatehouse refresh_token "$base/token" refresh_token "$basic" "$work/refresh-tokens.txt" "$THREADS"

db_note=""
if [[ "$backend" == sqlite ]] && command -v sqlite3 >/dev/null; then
  db="$GATEHOUSE_DATA_DIR/gatehouse.db"
  db_note="rows after the run: audit_events $(sqlite3 "$db" 'select count(*) from audit_events'), "
  db_note+="issued access tokens $(sqlite3 "$db" 'select count(*) from issued_tokens' 2>/dev/null || echo '?'); "
  db_note+="database $(du -sh "$GATEHOUSE_DATA_DIR" | cut -f1)"
fi
stop_server "$gatehouse_pid"

# --- the reference: oidc-provider -------------------------------------------------------------------------------
reference_version=""
if [[ "$REFERENCE" == 1 ]]; then
  reference_version="$(node -p 'require(process.argv[1]).version' "$here/node_modules/oidc-provider/package.json")"
  ref_secret="$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
  ref_basic="Basic $(printf '%s:%s' bench-service "$ref_secret" | base64 -w0)"
  for format in opaque jwt; do
    ref_port="$(free_port)"
    ref_base="http://127.0.0.1:$ref_port"
    echo "== oidc-provider $reference_version on $ref_base ($format access tokens)" >&2
    PORT="$ref_port" CLIENT_SECRET="$ref_secret" ACCESS_TOKEN_FORMAT="$format" \
      "${server_cpu[@]}" node "$here/oidc-provider.mjs" >"$work/oidc-provider-$format.log" 2>&1 &
    pids+=("$!")
    ref_pid="$!"
    wait_for "$ref_base/.well-known/openid-configuration" 30 "$ref_pid" || { cat "$work/oidc-provider-$format.log" >&2; exit 1; }
    if [[ "$format" == opaque ]]; then
      wants discovery && measure "$ref_pid" "oidc-provider" discovery "$ref_base/.well-known/openid-configuration" get
      wants jwks && measure "$ref_pid" "oidc-provider" jwks "$ref_base/jwks" get
    fi
    wants client_credentials && measure "$ref_pid" "oidc-provider ($format)" client_credentials "$ref_base/token" client_credentials "$ref_basic"
    stop_server "$ref_pid"
  done
fi

# --- summary ----------------------------------------------------------------------------------------------------
cpu_model="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
revision="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
{
  echo "### $(date -u '+%Y-%m-%d %H:%M UTC') — gatehouse $revision ($backend)"
  echo
  echo "Machine: $cores × $cpu_model, $(uname -sr); before the run the CPUs were $busy_before % busy (load average $loadavg_before)."
  if [[ "$PIN" == 1 ]]; then
    echo "Pinned: server on CPU 1, wrk on CPU 0 (taskset). "
  else
    echo "Not pinned: server and wrk share all $cores CPUs. "
  fi
  echo "wrk $THREADS thread(s), $CONNECTIONS connections, $DURATION per scenario after a $WARMUP warm-up (none for refresh_token);"
  echo "node $(node --version)${reference_version:+, oidc-provider $reference_version}.${db_note:+ $db_note.}"
  echo
  echo "| server | scenario | good answers/s | p50 ms | p99 ms | max ms | bad (statuses) | requests | server CPU | server CPU µs/request |"
  echo "|---|---|---:|---:|---:|---:|---|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
} | tee ${OUT:+"$OUT"}

if (( failed )); then
  echo "some requests failed: the figures above are not a result" >&2
  exit 1
fi
