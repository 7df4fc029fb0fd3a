#!/usr/bin/env bash
# The test command: installs what is missing, starts a private PostgreSQL cluster and an
# s3rver, builds, runs every test project, stops the services. Extra arguments go to
# `dotnet test` (e.g. --filter "FullyQualifiedName~Storage").
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/services.sh"
suite_started=$SECONDS
# Where the suite's time went, printed at the end: each phase's seconds, then the test projects' and
# the slowest classes' (scripts/lib/trx-timing.js).
phases=()
phase_started=$SECONDS
phase_done() { phases+=("$1 $(( SECONDS - phase_started )) s"); phase_started=$SECONDS; }
log "load average at start $(cut -d' ' -f1-3 /proc/loadavg)"

"$REPO_ROOT/scripts/install-deps.sh"
# The production compose file must stay valid (no Docker engine runs here; this only parses it).
"$REPO_ROOT/scripts/check-compose.sh"

work=$(mktemp -d /tmp/leopass-test.XXXXXX)
chmod 755 "$work"
cleanup() {
  stop_postgres "$work/pg"
  [ -n "${S3RVER_PID:-}" ] && kill "$S3RVER_PID" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

phase_done install
start_postgres "$work/pg"
start_s3rver "$work/s3" leopass-test
log "PostgreSQL on 127.0.0.1:$PG_PORT, s3rver on $S3_ENDPOINT"
phase_done services

# What the test fixtures read. LEOPASS_TEST_REQUIRE_SERVICES turns a missing service
# into a failure instead of a skip (see tests/LeoPass.Recovery.TestSupport).
export LEOPASS_TEST_POSTGRES_URL="$PG_SUPERUSER_URL"
export LEOPASS_TEST_S3_ENDPOINT="$S3_ENDPOINT"
export LEOPASS_TEST_S3_BUCKET=leopass-test
export LEOPASS_TEST_S3RVER_JS="$REPO_ROOT/.tools/node_modules/s3rver/bin/s3rver.js"
export LEOPASS_TEST_REQUIRE_SERVICES=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

cd "$REPO_ROOT"
dotnet build LeoPass.Recovery.sln -c Release -nologo -v q -clp:ErrorsOnly
phase_done build
# The CLI the end-to-end tests call through ./leopass-recovery.
./leopass-recovery --version >/dev/null
phase_done "CLI publish"

results="$work/results"
set +e
dotnet test LeoPass.Recovery.sln -c Release --no-build -nologo \
  --logger "trx" --results-directory "$results" \
  --logger "console;verbosity=normal" "$@"
status=$?
set -e
phase_done tests
node "$REPO_ROOT/scripts/lib/trx-timing.js" "$results" || true
node "$REPO_ROOT/scripts/lib/trx-summary.js" "$results" || true
if [ -d "$REPO_ROOT/artifacts/screenshots" ]; then
  log "console screenshots (dashboard, completed run, halted run): $REPO_ROOT/artifacts/screenshots/"
fi
elapsed=$(( SECONDS - suite_started ))
log "phases: $(IFS=,; echo "${phases[*]}" | sed 's/,/, /g')"
# CPU of every process this script waited for (builds, test hosts and the processes they reaped), user
# and sys; `times` runs in this shell, not in a $(…) subshell, which has no children of its own.
times > "$work/cpu-times"
log "CPU time of the suite's processes (user, sys): $(tail -n 1 "$work/cpu-times")"
log "scripts/test.sh took $(( elapsed / 60 )) min $(( elapsed % 60 )) s (install, services, build, tests) on $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
