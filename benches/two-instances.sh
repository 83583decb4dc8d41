#!/usr/bin/env bash
# Two Gatehouse instances on one PostgreSQL database behind a round-robin proxy (HAProxy): the token load runs
# across both, then the guarantees that must hold across instances are checked through the proxy and on each
# instance directly. See docs/performance.md, "Two instances behind a proxy".
#
#   GATEHOUSE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/two_db benches/two-instances.sh   # or: make bench-two
#
# Settings (environment):
#   GATEHOUSE_DATABASE_URL  required: the PostgreSQL database both instances share (an empty one, or one used
#                      before with the same GATEHOUSE_SECRET_KEY: the stored signing key is sealed with it)
#   GATEHOUSE_SECRET_KEY    the key both instances share (default: a fresh random one, fine on an empty database)
#   DURATION=20s, WARMUP=3s, CONNECTIONS=32, THREADS=2   as in benches/oidc-load.sh (wrk through the proxy)
#   SCENARIOS          default "client_credentials refresh_token"
#   BENCH_BIN, OUT, KEEP  as in benches/oidc-load.sh
#
# Nothing is pinned: the two instances, PostgreSQL, HAProxy and wrk share every core (the summary says how
# many). HAProxy comes from the Debian package; the script installs it (as root) when it is missing. Only
# loopback traffic. Exits non-zero if any measured request failed or a guarantee did not hold.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

DURATION="${DURATION:-20s}"
WARMUP="${WARMUP:-3s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
SCENARIOS="${SCENARIOS:-client_credentials refresh_token}"
OUT="${OUT:-}"
KEEP="${KEEP:-0}"
cores="$(nproc)"

[[ "${GATEHOUSE_DATABASE_URL:-}" == postgres* ]] \
  || { echo "set GATEHOUSE_DATABASE_URL to a PostgreSQL database (postgres://…) both instances share" >&2; exit 2; }
need() { command -v "$1" >/dev/null || { echo "missing: $1 ($2)" >&2; exit 2; }; }
need wrk "apt-get install wrk"
need curl "apt-get install curl"
need node "Node.js 20 or newer"
if ! command -v haproxy >/dev/null; then
  if [[ "$(id -u)" == 0 ]]; then
    echo "== apt-get install haproxy" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
  else
    echo "missing: haproxy (run: sudo apt-get install -y haproxy)" >&2
    exit 2
  fi
fi
haproxy="$(command -v haproxy || echo /usr/sbin/haproxy)"

if [[ -n "${BENCH_BIN:-}" ]]; then
  bin="$BENCH_BIN"
else
  echo "== cargo build --release --bin gatehouse" >&2
  (cd "$repo" && "${CARGO:-cargo}" build --release --quiet --bin gatehouse)
  bin="${CARGO_TARGET_DIR:-$repo/target}/release/gatehouse"
fi
[[ -x "$bin" ]] || { echo "no gatehouse binary at $bin" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-two.XXXXXX")"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [[ "$KEEP" == 1 ]]; then echo "kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}
wait_for() {
  local deadline=$((SECONDS + $2))
  until curl -fs -o /dev/null "$1"; do
    kill -0 "$3" 2>/dev/null || { echo "process $3 exited before $1 answered" >&2; return 1; }
    (( SECONDS < deadline )) || { echo "no answer from $1 within $2 s" >&2; return 1; }
    sleep 0.2
  done
}

# --- two instances, one database, one key, one public URL (the proxy's) ----------------------------------------
proxy_port="$(free_port)"
proxy="http://127.0.0.1:$proxy_port"
export GATEHOUSE_PUBLIC_URL="$proxy"
export GATEHOUSE_SECRET_KEY="${GATEHOUSE_SECRET_KEY:-$(head -c32 /dev/urandom | base64)}"
declare -A base=()
for name in a b; do
  port="$(free_port)"
  base[$name]="http://127.0.0.1:$port"
  echo "== instance $name on ${base[$name]}" >&2
  # A token issued is logged at debug by default; here each is a line, to show how the proxy spread them.
  GATEHOUSE_LISTEN="127.0.0.1:$port" GATEHOUSE_DATA_DIR="$work/data-$name" \
    GATEHOUSE_LOG="info,gatehouse::core::audit=debug" "$bin" serve >"$work/gatehouse-$name.log" 2>&1 &
  pids+=("$!")
  # One after the other: the first applies the migrations.
  wait_for "${base[$name]}/readyz" 60 "$!" || { tail -20 "$work/gatehouse-$name.log" >&2; exit 1; }
done

cat >"$work/haproxy.cfg" <<EOF
global
    maxconn 4096
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    option http-keep-alive
frontend gatehouse
    bind 127.0.0.1:$proxy_port
    default_backend instances
backend instances
    balance roundrobin
    http-reuse always
    server a ${base[a]#http://}
    server b ${base[b]#http://}
EOF
echo "== haproxy (round robin) on $proxy" >&2
"$haproxy" -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
pids+=("$!")
wait_for "$proxy/readyz" 10 "$!" || { cat "$work/haproxy.log" >&2; exit 1; }

# --- a client and a user, made through instance a's command line (same database) ------------------------------
suffix="$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
client_id="two-$suffix"
redirect="http://127.0.0.1:9/callback"
export GATEHOUSE_DATA_DIR="$work/data-a"
registered="$("$bin" --json client add "$client_id" --redirect-uri "$redirect" --trusted \
  --grant client_credentials --grant refresh_token --grant authorization_code)"
secret="$(sed -n 's/.*"client_secret":"\([^"]*\)".*/\1/p' <<<"$registered")"
[[ -n "$secret" ]] || { echo "client registration gave no secret: $registered" >&2; exit 1; }
basic="Basic $(printf '%s:%s' "$client_id" "$secret" | base64 -w0)"
username="two-$suffix"
password="$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')Aa1!"
printf '%s\n' "$password" | "$bin" --json user add "$username" --email "$username@example.com" --password-stdin >/dev/null
# The client cache of each instance holds clients for 5 s; the new one is simply not cached yet.

# --- load through the proxy -------------------------------------------------------------------------------------
rows=()
failed=0
measure() {
  local scenario="$1"
  shift
  local wrk_cmd=(wrk "-t$THREADS" "-c$CONNECTIONS" --timeout 5s -s "$here/oidc-load.lua")
  if [[ "$WARMUP" != 0 && "$scenario" != refresh_token ]]; then
    "${wrk_cmd[@]}" -d "$WARMUP" "$proxy/token" -- "$@" >/dev/null
  fi
  local lines_a lines_b
  lines_a="$(wc -l <"$work/gatehouse-a.log")"
  lines_b="$(wc -l <"$work/gatehouse-b.log")"
  echo "== $scenario through the proxy: wrk -t$THREADS -c$CONNECTIONS -d$DURATION" >&2
  local out result
  out="$("${wrk_cmd[@]}" -d "$DURATION" "$proxy/token" -- "$@")"
  result="$(grep '^RESULT ' <<<"$out" || true)"
  [[ -n "$result" ]] || { echo "$out" >&2; echo "wrk gave no result for $scenario" >&2; failed=1; return; }
  local -A r=()
  local pair
  for pair in ${result#RESULT }; do r["${pair%%=*}"]="${pair#*=}"; done
  local bad=$((r[bad] + r[socket_errors]))
  # Log lines each instance wrote during the run: how the proxy spread the requests (one line a token).
  local share_a share_b
  share_a=$(( $(wc -l <"$work/gatehouse-a.log") - lines_a ))
  share_b=$(( $(wc -l <"$work/gatehouse-b.log") - lines_b ))
  echo "   ${r[good_rps]} good answers/s, p50 ${r[p50_ms]} ms, p99 ${r[p99_ms]} ms, bad $bad of ${r[requests]}; log lines a/b $share_a/$share_b" >&2
  if (( bad > 0 )); then
    failed=1
    grep '^FIRST_BAD ' <<<"$out" | sed 's/^FIRST_BAD /   first bad answer: /' >&2 || true
  fi
  rows+=("| $scenario | ${r[good_rps]} | ${r[p50_ms]} | ${r[p99_ms]} | ${r[max_ms]} | $bad (${r[bad_statuses]}) | ${r[requests]} | $share_a / $share_b |")
}
wants() { [[ " $SCENARIOS " == *" $1 "* ]]; }

wants client_credentials && measure client_credentials client_credentials "$basic"
if wants refresh_token; then
  chains=$((CONNECTIONS + THREADS))
  echo "== refresh_token setup through the proxy: one sign-in, $chains code flows" >&2
  node "$here/refresh-chains.mjs" "$proxy" "$client_id" "$secret" "$redirect" "$username" "$password" "$chains" \
    >"$work/refresh-tokens.txt"
  measure refresh_token refresh_token "$basic" "$work/refresh-tokens.txt" "$THREADS"
fi

# --- the guarantees, across instances ---------------------------------------------------------------------------
checks=()
check() { # check NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then checks+=("| $1 | $3 | held |"); else checks+=("| $1 | $3 (expected $2) | **FAILED** |"); failed=1; fi
}
# token URL REFRESH_TOKEN: prints "STATUS NEW_REFRESH_TOKEN".
refresh() {
  local body status
  body="$(curl -s -w '\n%{http_code}' -H "authorization: $basic" -d grant_type=refresh_token --data-urlencode "refresh_token=$2" "$1/token")"
  status="${body##*$'\n'}"
  printf '%s %s\n' "$status" "$(sed -n 's/.*"refresh_token":"\([^"]*\)".*/\1/p' <<<"${body%$'\n'*}")"
}
fresh_chain() {
  node "$here/refresh-chains.mjs" "$proxy" "$client_id" "$secret" "$redirect" "$username" "$password" 1
}

# 1. A rotated refresh token replayed: refused, and its family is revoked (the newest token stops working too).
#    Through the proxy (round robin sends consecutive requests to alternate instances) and on a then b directly.
for route in proxy direct; do
  r0="$(fresh_chain)"
  if [[ "$route" == proxy ]]; then first="$proxy"; second="$proxy"; third="$proxy"; else first="${base[a]}"; second="${base[b]}"; third="${base[a]}"; fi
  read -r s1 r1 < <(refresh "$first" "$r0")
  read -r s2 _ < <(refresh "$second" "$r0")
  read -r s3 _ < <(refresh "$third" "$r1")
  check "refresh ($route): rotation / replay of the old token / the new token after the replay" "200 / 400 / 400" "$s1 / $s2 / $s3"
done

# 2. One authorization code redeemed on both instances at the same moment: one success, one refusal.
for attempt in 1 2 3; do
  code="$(CODES_ONLY=1 node "$here/refresh-chains.mjs" "$proxy" "$client_id" "$secret" "$redirect" "$username" "$password" 1)"
  redeemers=()
  for name in a b; do
    curl -s -o /dev/null -w '%{http_code}\n' -H "authorization: $basic" -d grant_type=authorization_code \
      --data-urlencode "code=$code" --data-urlencode "redirect_uri=$redirect" "${base[$name]}/token" >"$work/code-$name" &
    redeemers+=("$!")
  done
  wait "${redeemers[@]}" || true
  statuses="$(sort "$work/code-a" "$work/code-b" | tr '\n' ' ' | sed 's/ $//')"
  check "authorization code redeemed on a and b at once (try $attempt)" "200 400" "$statuses"
done

# --- summary ----------------------------------------------------------------------------------------------------
cpu_model="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
revision="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
pg_version="$(psql "$GATEHOUSE_DATABASE_URL" -Atc 'show server_version' 2>/dev/null || echo '?')"
{
  echo "### $(date -u '+%Y-%m-%d %H:%M UTC') — gatehouse $revision, two instances on PostgreSQL $pg_version behind HAProxy $("$haproxy" -v | sed -n '1s/HAProxy version \([^ ]*\).*/\1/p')"
  echo
  echo "Machine: $cores × $cpu_model, $(uname -sr). Nothing pinned: both instances, PostgreSQL, HAProxy and wrk share the $cores cores."
  echo "wrk $THREADS thread(s), $CONNECTIONS connections through the proxy, $DURATION per scenario after a $WARMUP warm-up (none for refresh_token)."
  echo
  echo "| scenario | good answers/s | p50 ms | p99 ms | max ms | bad (statuses) | requests | log lines a / b |"
  echo "|---|---:|---:|---:|---:|---|---:|---:|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "| guarantee across instances | answers | |"
  echo "|---|---|---|"
  printf '%s\n' "${checks[@]}"
} | tee ${OUT:+"$OUT"}

if (( failed )); then
  echo "a request failed or a guarantee did not hold: the figures above are not a result" >&2
  exit 1
fi
