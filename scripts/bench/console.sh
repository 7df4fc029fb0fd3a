#!/usr/bin/env bash
# Responder console benchmark (docs/benchmarks.md, "Console"): against a real `./leopass-recovery server`
# on loopback, in Debian's chromium driven by Playwright (the driver the browser tests use), measures
#  - first load, cold: a new browser profile (empty cache) opens / until the sign-in form is usable,
#    and until the dashboard shows after signing in (aim: < 2 s);
#  - update latency: a run page is open; another process (`run approve`, as another node would)
#    changes the run; time from the change's commit (its audit record) to the page showing the new
#    state (aim: < 1 s);
#  - download size of the app as the browser fetched it (brotli), and of all its files; whether the
#    first load fetched the workflow designer (it must not: it is lazy-loaded);
#  - opening a definition of 60 steps in the designer: from the click on it in the workflows list
#    until its 60 nodes are drawn (aim: < 1 s).
# Usage: scripts/bench/console.sh [rounds]   (default 5; prints medians, min and max)
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/services.sh"
"$REPO_ROOT/scripts/install-deps.sh" >/dev/null

rounds=${1:-5}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "rounds must be a positive whole number, not '$rounds'"
work=$(mktemp -d /tmp/leopass-bench-console.XXXXXX)
chmod 755 "$work"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  stop_postgres "$work/pg"
  rm -rf "$work"
}
trap cleanup EXIT

log "building the CLI (console included) and the browser tests' Playwright driver"
"$REPO_ROOT/leopass-recovery" --version >/dev/null
dotnet build "$REPO_ROOT/tests/LeoPass.Recovery.Console.EndToEnd" -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
driver="$REPO_ROOT/tests/LeoPass.Recovery.Console.EndToEnd/bin/Release/net10.0/.playwright"
[ -x "$driver/node/linux-x64/node" ] || die "Playwright's driver is missing under $driver"

start_postgres "$work/pg"
base=${PG_SUPERUSER_URL%/postgres}
psql "$PG_SUPERUSER_URL" -qAt -c "CREATE DATABASE bench_recovery" >/dev/null
mkdir -p "$work/workflows"
# One step behind an approval gate: the run waits until `run approve`, whose commit is the change measured.
cat > "$work/workflows/bench-gated.json" <<'JSON'
{ "id": "bench-gated", "version": 1, "title": "Console benchmark: a gate, then a no-op", "trigger": { "type": "manual" },
  "policy": { "start": "operator", "skip": "operator", "abort": "operator" },
  "steps": [ { "id": "gated", "activity": "diagnostics.noop", "gate": { "before": "Go?" } } ] }
JSON
# Sixty steps, for the designer's canvas.
{
  printf '{ "id": "bench-sixty", "version": 1, "title": "Console benchmark: sixty steps", "trigger": { "type": "manual" },\n'
  printf '  "policy": { "start": "operator", "skip": "operator", "abort": "operator" },\n  "steps": [\n'
  for i in $(seq 1 60); do
    printf '    { "id": "step-%02d", "title": "Step %d", "activity": "diagnostics.sleep", "parameters": { "duration": "PT1S" }, "timeout": "PT5M"%s }%s\n' \
      "$i" "$i" "$([ $((i % 10)) = 0 ] && echo ', "gate": { "before": true }')" "$([ "$i" = 60 ] || echo ,)"
  done
  printf '  ] }\n'
} > "$work/workflows/bench-sixty.json"
port=$(free_port)
export RECOVERY_DATABASE_URL="$base/bench_recovery" BACKUP_DIR="$work/store" LEOPASS_WORKFLOWS_DIR="$work/workflows"
export LEOPASS_ENABLE_TEST_ACTIVITIES=1 LEOPASS_SCHEDULER_NAME="bench-console-$$" LEOPASS_LISTEN_URL="http://127.0.0.1:$port"
"$REPO_ROOT/leopass-recovery" server > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do grep -q "is up" "$work/server.log" && break; sleep 0.1; done
grep -q "is up" "$work/server.log" || { cat "$work/server.log" >&2; die "the server did not start"; }
token=$("$REPO_ROOT/leopass-recovery" token create --name bench --role operator 2>/dev/null)

BENCH_URL="http://127.0.0.1:$port" BENCH_TOKEN="$token" BENCH_ROUNDS="$rounds" BENCH_CLI="$REPO_ROOT/leopass-recovery" \
BENCH_WWWROOT="$REPO_ROOT/.build/cli/wwwroot" PLAYWRIGHT_PACKAGE="$driver/package" \
  "$driver/node/linux-x64/node" "$REPO_ROOT/scripts/bench/console-bench.js"
