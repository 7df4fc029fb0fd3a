#!/usr/bin/env bash
# Point-in-time recovery benchmark (docs/benchmarks.md, "Point-in-time recovery"). On a private
# PostgreSQL with a pgbench database of about BENCH_DB_MB (default 1024) MB:
#   1. a `server` streams WAL (WAL_STREAM=1, WAL_MAX_AGE=BENCH_WAL_MAX_AGE, default 10 s);
#   2. a nightly dump (`backup run`) and a base backup (`run start base-backup --wait`);
#   3. pgbench writes for BENCH_LOAD_SECONDS (default 180) at BENCH_TPS (default 50) transactions
#      a second while `backup list --json` is sampled every 2 s: the achieved RPO (the newest
#      shipped WAL's age) is printed as worst, 95th percentile and median;
#   4. a `pitr-drill` to the latest point (base backup + every segment the load wrote) and the dump
#      drill (`drill start`) of the same database, each timed, with the WAL replay rate.
# Prints one table. Takes 15-25 minutes on two cores.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/services.sh"
"$REPO_ROOT/scripts/install-deps.sh" >/dev/null

mb=${BENCH_DB_MB:-1024}
max_age=${BENCH_WAL_MAX_AGE:-10}
load_seconds=${BENCH_LOAD_SECONDS:-180}
tps=${BENCH_TPS:-50}
for n in "$mb" "$max_age" "$load_seconds" "$tps"; do [[ $n =~ ^[1-9][0-9]*$ ]] || die "BENCH_* values must be positive whole numbers, not '$n'"; done
work=$(mktemp -d /tmp/leopass-bench-pitr.XXXXXX)
chmod 755 "$work"
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  stop_postgres "$work/pg"; rm -rf "$work"
}
trap cleanup EXIT
start_postgres "$work/pg"
base=${PG_SUPERUSER_URL%/postgres}
bin=$(pg_bin_dir)
psql_super() { psql "$PG_SUPERUSER_URL" -v ON_ERROR_STOP=1 -qAt "$@"; }
psql_super -c "CREATE DATABASE bench_src" -c "CREATE DATABASE bench_recovery"
scale=$(( mb * 100 / 1500 + 1 )) # pgbench: about 15 MB per scale unit with its indexes
log "pgbench -i -s $scale (~${mb} MB) in bench_src"
"$bin/pgbench" -q -i -s "$scale" "$base/bench_src" >/dev/null 2>&1
size=$(psql_super -c "SELECT pg_size_pretty(pg_database_size('bench_src'))")
log "bench_src is $size"

cli() { "$REPO_ROOT/leopass-recovery" "$@"; }
json() { node -e "const d = JSON.parse(require('fs').readFileSync(0, 'utf8')); console.log($1)"; }
cli keys generate --out "$work/keys" >/dev/null
export DATABASE_URL="$base/bench_src" RECOVERY_DATABASE_URL="$base/bench_recovery" BACKUP_DIR="$work/store"
export BACKUP_ENCRYPTION_PUBLIC_KEY="$work/keys/backup-public.asc" BACKUP_DECRYPTION_PRIVATE_KEY="$work/keys/backup-private.asc"
export TARGET_DATABASE_URL="$base/bench_restore" RESTORE_WORK_DIR="$work/restore" RESTORE_JOBS=2
export MIGRATIONS_COMMAND=true SMOKE_TEST_COMMANDS=true SHIP_NOTES_PATH="$work/SHIP_NOTES.md" LEOPASS_SCHEDULER_NAME="bench-$$"
export PG_BIN_DIR="$bin" WAL_STREAM=1 WAL_MAX_AGE="$max_age" WAL_SPOOL_DIR="$work/spool" LEOPASS_LISTEN_URL=http://127.0.0.1:0
mkdir -p "$RESTORE_WORK_DIR"

log "server with WAL_STREAM=1, WAL_MAX_AGE=$max_age"
cli server > "$work/server.log" 2>&1 &
server_pid=$!
until cli backup list --json 2>/dev/null | json 'd.restoreWindow && d.restoreWindow.segments > 0 ? "yes" : ""' | grep -q yes; do
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; die "the server stopped"; }
  sleep 2
done

log "backup run (the nightly dump) and the base-backup workflow"
cli backup run --json > "$work/dump.json"
cli run start base-backup --wait --json > "$work/base.json"

log "pgbench at $tps TPS for $load_seconds s while sampling the newest shipped WAL's age every 2 s"
"$bin/pgbench" -n -c 2 -j 2 -R "$tps" -T "$load_seconds" "$base/bench_src" > "$work/pgbench.log" 2>&1 &
load_pid=$!
: > "$work/ages"
while kill -0 "$load_pid" 2>/dev/null; do
  cli backup list --json | json 'd.restoreWindow.newestShippedAgeSeconds' >> "$work/ages"
  sleep 2
done
wait "$load_pid"
tx=$(grep -oE 'number of transactions actually processed: [0-9]+' "$work/pgbench.log" | grep -oE '[0-9]+$' || echo '?')
# The last segments the load wrote ship within WAL_MAX_AGE: wait for them before restoring to "latest".
last_lsn=$(psql "$base/bench_src" -qAt -c "SELECT pg_current_wal_lsn()")
shipped() { psql "$base/bench_recovery" -qAt -c "SELECT count(*) FROM catalogue.wal_segments WHERE end_lsn > pg_wal_lsn_diff('$last_lsn', '0/0')"; }
until [ "$(shipped)" != 0 ]; do sleep 2; done

log "pitr-drill to the latest point"
cli run start pitr-drill --wait --json > "$work/pitr.json" || { cat "$work/pitr.json"; tail -40 "$work/server.log"; die "the pitr-drill did not succeed"; }
pitr_id=$(json 'd.id' < "$work/pitr.json")
cli run report "$pitr_id" --json > "$work/pitr-report.json"
cli run status "$pitr_id" --json > "$work/pitr-status.json"
log "drill start (the dump drill of the same database)"
cli drill start --definition restore-drill --wait --json > "$work/drill.json" || { cat "$work/drill.json"; die "the dump drill did not succeed"; }
drill_id=$(json 'd.id' < "$work/drill.json")
cli run report "$drill_id" --json > "$work/drill-report.json"

node - "$work" "$size" "$max_age" "$load_seconds" "$tps" "$tx" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'JS'
const [dir, size, maxAge, loadSeconds, tps, tx, load] = process.argv.slice(2);
const fs = require('fs');
const read = f => JSON.parse(fs.readFileSync(`${dir}/${f}`, 'utf8'));
const ages = fs.readFileSync(`${dir}/ages`, 'utf8').trim().split('\n').map(Number).filter(x => !isNaN(x)).sort((a, b) => a - b);
const pct = p => ages[Math.min(ages.length - 1, Math.floor(p * ages.length))];
const restore = JSON.parse(read('pitr-status.json').steps.find(s => s.stepId === 'restore').output);
const pitr = read('pitr-report.json'), drill = read('drill-report.json');
const step = (r, id) => r.steps.find(s => s.id === id);
const f = (x, d = 1) => (+x).toFixed(d);
console.log(`database: ${size} (pgbench); load: ${tps} TPS for ${loadSeconds} s (${tx} transactions); load average after: ${load}`);
console.log('');
console.log(`| achieved RPO with WAL_MAX_AGE=${maxAge} s | worst | 95th percentile | median | samples |`);
console.log('|---|---|---|---|---|');
console.log(`| newest shipped WAL's age | ${f(ages[ages.length - 1])} s | ${f(pct(0.95))} s | ${f(pct(0.5))} s | ${ages.length} |`);
console.log('');
console.log('| restore of the same database | RTO (to validation) | restore step(s) | of it: base backup / dump read | WAL replayed | replay | replay rate |');
console.log('|---|---|---|---|---|---|---|');
const walMb = restore.walBytesReplayed / 1048576;
console.log(`| pitr-drill to latest | ${f(pitr.rtoSeconds)} s | ${f(step(pitr, 'restore').workSeconds)} s | ${f(restore.extractMs / 1000)} s (${f(restore.baseBackupBytes / 1048576, 0)} MB tar) | ${restore.segmentsReplayed} segments, ${f(walMb, 0)} MB | ${f(restore.replayMs / 1000)} s | ${f(walMb / (restore.replayMs / 1000))} MB/s |`);
console.log(`| restore-drill (dump) | ${f(drill.rtoSeconds)} s | ${f(step(drill, 'download').workSeconds + step(drill, 'restore').workSeconds)} s | ${f(step(drill, 'download').workSeconds)} s | — | — | — |`);
JS
