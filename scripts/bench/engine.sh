#!/usr/bin/env bash
# Engine overhead per step: 200 runs x 5 no-op steps, against one server and then two, on a
# private PostgreSQL cluster. Prints one result line per configuration (see `bench engine`).
# Then pickup: how long one idle server takes to start a run created by another process, and to
# continue a run approved through its HTTP API (`bench pickup`, median of 5 after one warm-up run).
# Writes the pickup table into docs/benchmarks.md (between the engine-bench markers) unless --no-doc;
# --pickup-only skips the overhead runs (a minute instead of several on a busy machine).
# Usage: scripts/bench/engine.sh [runs] [in-flight] [--no-doc] [--pickup-only]
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/services.sh"

write_doc=1 overhead=1
args=()
for arg in "$@"; do
  case $arg in
    --no-doc) write_doc=0 ;;
    --pickup-only) overhead=0 ;;
    -*) die "unknown option '$arg' (usage: scripts/bench/engine.sh [runs] [in-flight] [--no-doc] [--pickup-only])" ;;
    *) args+=("$arg") ;;
  esac
done
runs=${args[0]:-200}
in_flight=${args[1]:-4}
work=$(mktemp -d /tmp/leopass-bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  stop_postgres "$work/pg"
  rm -rf "$work"
}
trap cleanup EXIT

start_postgres "$work/pg"
mkdir -p "$work/workflows"
cat > "$work/workflows/bench-noop.json" <<'JSON'
{ "id": "bench-noop", "version": 1, "title": "Engine overhead: five no-op steps", "trigger": { "type": "manual" },
  "steps": [
    { "id": "s1", "activity": "diagnostics.noop" }, { "id": "s2", "activity": "diagnostics.noop" },
    { "id": "s3", "activity": "diagnostics.noop" }, { "id": "s4", "activity": "diagnostics.noop" },
    { "id": "s5", "activity": "diagnostics.noop" } ] }
JSON
cat > "$work/workflows/bench-pickup.json" <<'JSON'
{ "id": "bench-pickup", "version": 1, "title": "Pickup: one no-op step", "trigger": { "type": "manual" },
  "steps": [ { "id": "s1", "activity": "diagnostics.noop" } ] }
JSON
cat > "$work/workflows/bench-gated.json" <<'JSON'
{ "id": "bench-gated", "version": 1, "title": "Pickup after an approval: one no-op step behind a gate", "trigger": { "type": "manual" },
  "steps": [ { "id": "s1", "activity": "diagnostics.noop", "gate": { "before": "Go ahead?" } } ] }
JSON
# Each server also serves the API: port 0 lets every one take a free port.
export LEOPASS_WORKFLOWS_DIR="$work/workflows" LEOPASS_ENABLE_TEST_ACTIVITIES=1 LEOPASS_LISTEN_URL=http://127.0.0.1:0
cd "$REPO_ROOT"
./leopass-recovery --help >/dev/null

overhead_servers=(1 2)
[ "$overhead" = 1 ] || overhead_servers=()
for servers in "${overhead_servers[@]}"; do
  db="bench_${servers}"
  psql "$PG_SUPERUSER_URL" -qc "CREATE DATABASE $db"
  export RECOVERY_DATABASE_URL="${PG_SUPERUSER_URL%/postgres}/$db"
  ./leopass-recovery run list >/dev/null   # migrate before the servers race for it
  pids=()
  logs=()
  for i in $(seq 1 "$servers"); do
    logs+=("$work/server-$servers-$i.log")
    ./leopass-recovery server > "${logs[-1]}" 2>&1 &
    pids+=($!)
  done
  for log in "${logs[@]}"; do
    for _ in $(seq 1 1200); do grep -qs "is up" "$log" && break; sleep 0.1; done
    grep -qs "is up" "$log" || { cat "$log" >&2; die "a server did not come up"; }
  done
  sleep 3   # let every node check in, so the first runs do not wait for a joining node
  ./leopass-recovery bench engine --runs "$runs" --in-flight "$in_flight"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  pids=()
done

# ---------------------------------------------------------------------------------------------
# Pickup: one idle server; runs created, and gates approved through the API, by other processes.
# ---------------------------------------------------------------------------------------------
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
psql "$PG_SUPERUSER_URL" -qc "CREATE DATABASE bench_pickup"
export RECOVERY_DATABASE_URL="${PG_SUPERUSER_URL%/postgres}/bench_pickup"
./leopass-recovery run list >/dev/null
LEOPASS_BENCH_TOKEN=$(./leopass-recovery token create --name bench --role operator 2>/dev/null)
export LEOPASS_BENCH_TOKEN
log="$work/server-pickup.log"
./leopass-recovery server > "$log" 2>&1 &
pids=($!)
for _ in $(seq 1 1200); do grep -qs "is up" "$log" && break; sleep 0.1; done
grep -qs "is up" "$log" || { cat "$log" >&2; die "the server did not come up"; }
api=$(sed -nE 's/.*API on (http:[^ ,]*).*/\1/p' "$log" | head -n 1)
api=${api%.}
load_before=$(loadavg)
# One untimed run of each first: the server's first execution also compiles its code paths.
./leopass-recovery bench pickup --runs 1 >/dev/null
./leopass-recovery bench pickup --runs 1 --definition bench-gated --approve-via "$api" >/dev/null
new_run=$(./leopass-recovery bench pickup --runs 5)
approval=$(./leopass-recovery bench pickup --runs 5 --definition bench-gated --approve-via "$api")
load_after=$(loadavg)
echo "$new_run"
echo "$approval"
kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true
pids=()

field() { sed -nE "s/.*$2=([^ ]*).*/\1/p" <<<"$1"; }
block="$work/engine-block.md"
{
  echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, one idle \`server\` (poll interval ${LEOPASS_POLL_INTERVAL:-5} s, so a pickup under it is the notification's), load average (1/5/15 min) $load_before before, $load_after after:"
  echo
  echo "| pickup, one idle server | median of 5 | every run, ms | aim |"
  echo "| --- | ---: | --- | ---: |"
  echo "| a run started by another process: its first step's start minus its creation | $(field "$new_run" median_ms) ms | $(field "$new_run" all_ms | sed 's/,/, /g') | < 100 ms |"
  echo "| an approval given through the API: the step's start minus the approval | $(field "$approval" median_ms) ms | $(field "$approval" all_ms | sed 's/,/, /g') | < 100 ms |"
} > "$block"
cat "$block"
if [ "$write_doc" = 1 ]; then
  doc="$REPO_ROOT/docs/benchmarks.md"
  begin='<!-- engine-bench:pickup:begin (written by scripts/bench/engine.sh) -->'
  end='<!-- engine-bench:pickup:end -->'
  grep -qF "$begin" "$doc" && grep -qF "$end" "$doc" || die "$doc lacks the pickup markers of the Engine overhead section"
  awk -v begin="$begin" -v end="$end" -v block="$block" '
    $0 == begin { print; while ((getline line < block) > 0) print line; skip = 1; next }
    $0 == end { skip = 0 }
    !skip' "$doc" > "$work/doc.md"
  cat "$work/doc.md" > "$doc"
  echo "pickup table written to docs/benchmarks.md" >&2
fi
