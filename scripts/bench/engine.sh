#!/usr/bin/env bash
# Engine overhead per step: 200 runs x 5 no-op steps, against one server and then two, on a
# private PostgreSQL cluster. Prints one result line per configuration (see `bench engine`).
# Usage: scripts/bench/engine.sh [runs] [in-flight]
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/services.sh"

runs=${1:-200}
in_flight=${2:-4}
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
# Each server also serves the API: port 0 lets every one take a free port.
export LEOPASS_WORKFLOWS_DIR="$work/workflows" LEOPASS_ENABLE_TEST_ACTIVITIES=1 LEOPASS_LISTEN_URL=http://127.0.0.1:0
cd "$REPO_ROOT"
./leopass-recovery --help >/dev/null

for servers in 1 2; do
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
