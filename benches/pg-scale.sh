#!/usr/bin/env bash
# PostgreSQL at 1,000 and at 1,000,000 users: the sign-in benchmark (benches/signin-load.py) and the token
# benchmark (benches/oidc-load.sh) on a database of each size, to compare their p99 (docs/operations.md,
# "PostgreSQL at a million users"; docs/performance.md).
#
#   benches/pg-scale.sh                 # or: make bench-pg-scale
#
# Settings (environment):
#   PG_URL=postgres://postgres@127.0.0.1:5432   the server (trust or a password in the URL); createdb rights
#   SIZES="1000 1000000"     the user counts; database NAME_PREFIX<count> each, created and seeded on first use
#   NAME_PREFIX=pgscale_     so 1,000 users live in pgscale_1000 and a million in pgscale_1000000
#   STATE_DIR=/var/tmp/gatehouse-pg-scale   keeps the installation key the databases were seeded with (the TOTP
#                            secrets and the signing key are sealed with it); delete it together with the databases
#   DURATION=10              seconds per measured run (sign-in: seconds; tokens: wrk syntax is added)
#   CLIENTS, PIN, BENCH_BIN, CONNECTIONS   pass through to both benchmarks
#   OUT=FILE                 also write the collected summaries to FILE
#
# Seeding a million users takes a few minutes (`gatehouse bench seed`); later runs reuse the databases. A sign-in
# run uses each user at most once, so at 1,000 users DURATION × the sign-in rate must stay below 1,000.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
SIZES="${SIZES:-1000 1000000}"
NAME_PREFIX="${NAME_PREFIX:-pgscale_}"
STATE_DIR="${STATE_DIR:-/var/tmp/gatehouse-pg-scale}"
DURATION="${DURATION:-10}"
OUT="${OUT:-}"

command -v psql >/dev/null || { echo "missing: psql (apt-get install postgresql-client)" >&2; exit 2; }
if [[ -n "${BENCH_BIN:-}" ]]; then
  bin="$BENCH_BIN"
else
  echo "== cargo build --release --bin gatehouse" >&2
  (cd "$repo" && "${CARGO:-cargo}" build --release --quiet --bin gatehouse)
  bin="${CARGO_TARGET_DIR:-$repo/target}/release/gatehouse"
fi
export BENCH_BIN="$bin"

mkdir -p "$STATE_DIR"
chmod 700 "$STATE_DIR"
[[ -s "$STATE_DIR/secret.key" ]] || head -c32 /dev/urandom | base64 >"$STATE_DIR/secret.key"
export GATEHOUSE_SECRET_KEY="$(cat "$STATE_DIR/secret.key")"

summary="$(mktemp)"
trap 'rm -f "$summary"' EXIT
for size in $SIZES; do
  db="$NAME_PREFIX$size"
  url="$PG_URL/$db"
  if ! psql "$PG_URL/postgres" -Atc "select 1 from pg_database where datname = '$db'" | grep -q 1; then
    echo "== createdb $db" >&2
    psql "$PG_URL/postgres" -qc "create database $db"
  fi
  # Seeded already when bench-<size> exists (the benchmarks add users of their own beside the seeded ones).
  seeded="$(psql "$url" -Atc "select count(*) from users where username in ('bench-1', 'bench-$size')" 2>/dev/null || echo 0)"
  if [[ "$seeded" != 2 ]]; then
    [[ "$seeded" == 0 ]] || { echo "$db holds some bench- users but not bench-1 … bench-$size: drop it and run again" >&2; exit 1; }
    echo "== seeding $size users into $db" >&2
    work="$(mktemp -d)"
    GATEHOUSE_DATA_DIR="$work" GATEHOUSE_DATABASE_URL="$url" "$bin" bench seed --users "$size" | tee -a "$summary"
    rm -rf "$work"
    # Fresh statistics for the planner after a bulk load (autovacuum would get there, later).
    psql "$url" -qc "vacuum analyze"
  fi
  # Which tables the runs read by sequential scan (counters of this database only, reset here).
  psql "$url" -qAtc "select pg_stat_reset()" >/dev/null
  echo "== sign-in, $size users" >&2
  GATEHOUSE_DATABASE_URL="$url" SEED=0 USERS="$size" DURATION="$DURATION" OUT="$summary.part" \
    python3 "$here/signin-load.py" >/dev/null
  cat "$summary.part" >>"$summary"
  echo >>"$summary"
  echo "== tokens, $size users" >&2
  GATEHOUSE_DATABASE_URL="$url" SCENARIOS="client_credentials refresh_token" REFERENCE=0 DURATION="${DURATION}s" \
    OUT="$summary.part" bash "$here/oidc-load.sh" >/dev/null
  cat "$summary.part" >>"$summary"
  echo >>"$summary"
  rm -f "$summary.part"
  sleep 1 # the statistics collector reports with a short delay
  {
    echo "Tables read by sequential scan during the runs on $db (rows read; sequential scans; index scans):"
    echo
    psql "$url" -Atc "select '- ' || relname || ': ' || seq_tup_read || ' rows; ' || seq_scan || ' scans; ' \
      || coalesce(idx_scan, 0) || ' index scans' from pg_stat_user_tables where seq_tup_read > 0 \
      order by seq_tup_read desc limit 10"
    echo
  } >>"$summary"
done
cat "$summary"
[[ -z "$OUT" ]] || cp "$summary" "$OUT"
