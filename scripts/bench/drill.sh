#!/usr/bin/env bash
# Restore-drill benchmark (docs/benchmarks.md, "Restore drill"): on a generated database of
# about BENCH_DB_MB (default 500) MB, takes one backup, runs `drill start --wait`, then a plain
# `pg_restore --jobs 2` of the same dump from a local file, and prints the time of every drill
# step and steps 3+4 (download+verify+decrypt+decompress, restore) against the plain restore.
# Target: steps 3+4 at most 1.2x the plain restore.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/services.sh"
"$REPO_ROOT/scripts/install-deps.sh" >/dev/null

mb=${BENCH_DB_MB:-500}
work=$(mktemp -d /tmp/leopass-bench-drill.XXXXXX)
chmod 755 "$work"
cleanup() { stop_postgres "$work/pg"; rm -rf "$work"; }
trap cleanup EXIT
start_postgres "$work/pg"
base=${PG_SUPERUSER_URL%/postgres}
psql_super() { psql "$PG_SUPERUSER_URL" -v ON_ERROR_STOP=1 -qAt "$@"; }
psql_super -c "CREATE DATABASE bench_src" -c "CREATE DATABASE bench_recovery"

# ~330 bytes per row on disk with its index: rows = MB * 3200.
rows=$((mb * 3200))
log "generating ~${mb} MB ($rows rows) in bench_src"
psql "$base/bench_src" -v ON_ERROR_STOP=1 -q <<SQL
CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, created_at timestamptz NOT NULL, profile jsonb NOT NULL);
INSERT INTO accounts SELECT i, 'user' || i || '@example.org', timestamptz '2026-01-01' + (i || ' seconds')::interval,
  jsonb_build_object('name', md5(i::text), 'plan', i % 5) FROM generate_series(1, $((rows / 4))) i;
CREATE TABLE scans (id bigint PRIMARY KEY, account_id bigint NOT NULL, scanned_at timestamptz NOT NULL, gate smallint NOT NULL, payload text NOT NULL);
INSERT INTO scans SELECT i, (i % $((rows / 4))) + 1, timestamptz '2026-03-01' + (i || ' seconds')::interval, (i % 12)::smallint,
  md5(i::text) || md5((i * 31)::text) || md5((i * 7)::text) FROM generate_series(1, $((rows * 3 / 4))) i;
CREATE INDEX scans_account ON scans (account_id);
ANALYZE;
SQL
size=$(psql_super -c "SELECT pg_size_pretty(pg_database_size('bench_src'))")
log "bench_src is $size"

"$REPO_ROOT/leopass-recovery" keys generate --out "$work/keys" >/dev/null
export DATABASE_URL="$base/bench_src" RECOVERY_DATABASE_URL="$base/bench_recovery" BACKUP_DIR="$work/store"
export BACKUP_ENCRYPTION_PUBLIC_KEY="$work/keys/backup-public.asc" BACKUP_DECRYPTION_PRIVATE_KEY="$work/keys/backup-private.asc"
export TARGET_DATABASE_URL="$base/bench_restore" RESTORE_WORK_DIR="$work/restore" RESTORE_JOBS=2
export MIGRATIONS_COMMAND=true SMOKE_TEST_COMMANDS=true SHIP_NOTES_PATH="$work/SHIP_NOTES.md" LEOPASS_SCHEDULER_NAME="bench-$$"
export PG_BIN_DIR=$(pg_bin_dir)
log "backup run"
"$REPO_ROOT/leopass-recovery" backup run --json > "$work/backup.json"
key=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).key)' "$work/backup.json")

log "drill start --wait"
"$REPO_ROOT/leopass-recovery" drill start --wait --json > "$work/drill.json"
run_id=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).id)' "$work/drill.json")
"$REPO_ROOT/leopass-recovery" run report "$run_id" --json > "$work/report.json"

log "plain: decrypt + decompress to a file (untimed), then pg_restore --jobs 2 (timed)"
export GNUPGHOME="$work/gnupg"; mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --import "$BACKUP_DECRYPTION_PRIVATE_KEY"
gpg --batch --quiet --decrypt "$BACKUP_DIR/$key" | zstd -q -d -o "$work/plain.dump"
psql_super -c "CREATE DATABASE bench_plain"
start=$(date +%s.%N)
"$PG_BIN_DIR/pg_restore" --clean --if-exists --jobs 2 --dbname "$base/bench_plain" "$work/plain.dump"
end=$(date +%s.%N)

node - "$work/report.json" "$start" "$end" "$size" <<'JS'
const [report, start, end, size] = [JSON.parse(require('fs').readFileSync(process.argv[2])), +process.argv[3], +process.argv[4], process.argv[5]];
const plain = end - start;
console.log(`database: ${size}; run ${report.runId}: ${report.outcome}; RTO ${report.rtoSeconds.toFixed(1)} s; RPO ${report.rpoSeconds.toFixed(1)} s`);
console.log('| # | step | state | seconds |');
console.log('|---|---|---|---|');
for (const s of report.steps) console.log(`| ${s.number} | ${s.id} | ${s.disabled ? 'disabled' : s.state} | ${s.totalSeconds.toFixed(2)} |`);
const s34 = report.steps.filter(s => s.number === 3 || s.number === 4).reduce((a, s) => a + s.workSeconds, 0);
console.log(`steps 3+4: ${s34.toFixed(2)} s; plain pg_restore --jobs 2 from a local file: ${plain.toFixed(2)} s; ratio ${(s34 / plain).toFixed(2)}x (target <= 1.2x)`);
JS
