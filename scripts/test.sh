#!/usr/bin/env bash
# The test command: installs what is missing, starts a private PostgreSQL cluster and an
# s3rver, builds, runs every test project, stops the services. Extra arguments go to
# `dotnet test` (e.g. --filter "FullyQualifiedName~Storage").
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/services.sh"
suite_started=$SECONDS

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

start_postgres "$work/pg"
start_s3rver "$work/s3" leopass-test
log "PostgreSQL on 127.0.0.1:$PG_PORT, s3rver on $S3_ENDPOINT"

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
# The CLI the end-to-end tests call through ./leopass-recovery.
./leopass-recovery --version >/dev/null

results="$work/results"
set +e
dotnet test LeoPass.Recovery.sln -c Release --no-build -nologo \
  --logger "trx" --results-directory "$results" \
  --logger "console;verbosity=normal" "$@"
status=$?
set -e
node "$REPO_ROOT/scripts/lib/trx-summary.js" "$results" || true
if [ -d "$REPO_ROOT/artifacts/screenshots" ]; then
  log "console screenshots (dashboard, completed run, halted run): $REPO_ROOT/artifacts/screenshots/"
fi
elapsed=$(( SECONDS - suite_started ))
log "scripts/test.sh took $(( elapsed / 60 )) min $(( elapsed % 60 )) s (install, services, build, tests) on $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
