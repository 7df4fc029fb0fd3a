#!/usr/bin/env bash
# Backup pipeline benchmark (run on demand; not a CI test). For each --size-mb it generates a
# database of about that size with realistic, poorly compressible content, then times side by side:
#   (a) pg_dump -Fc | gzip > file          the seed's pipeline
#   (b) pg_dump -Fc > file
#   (c) leopass-recovery backup run        to the filesystem store (BACKUP_DIR)
#   (d) leopass-recovery backup run        to s3rver
#   (e) pg_dump -Fc -Z0 | zstd -3 | gpg -z0 --encrypt   the same pipeline with command-line tools
#   (f) pg_dump -Fc -Z0 > /dev/null        the dump alone: the slowest stage the pipeline can hope to match
# and prints a markdown table of wall time, output bytes, CPU time and peak RSS (median of --runs),
# then writes it into docs/benchmarks.md ("Backup pipeline" section).
#
#   scripts/bench/backup.sh [--size-mb N]... [--scale] [--runs R] [--no-doc] [--fixed-cost-only]
#
# --fixed-cost-only measures the fixed cost below and prints it, then stops (no sizes, no doc):
# the quick check of a start-up change (docs/benchmarks.md, "Start-up and the test suite's fixed cost").
# --scale is --size-mb 500 --size-mb 1000 --size-mb 2000 --size-mb 5000: the cost's growth with the
# database, with a summary table of wall time and peak memory per size (the "scale curve").
# The fixed cost of `backup run` is measured first, median of 5 (at least): on an empty database
# and on a demo-sized one (a ~17 MiB dump, like the demo's), each against the shell pipeline (e).
#
# Starts its own PostgreSQL cluster and s3rver (scripts/lib/services.sh) and removes everything on exit.
set -euo pipefail
shopt -s inherit_errexit
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/services.sh"
BENCH_DIR="$REPO_ROOT/scripts/bench"

sizes=() runs=2 write_doc=1 fixed_only=0
while [ $# -gt 0 ]; do
  case $1 in
    --size-mb) [ $# -ge 2 ] && [[ $2 =~ ^[0-9]+$ ]] && [ "$2" -ge 20 ] || die "--size-mb needs a whole number of MB (at least 20)"; sizes+=("$2"); shift 2 ;;
    --runs) [ $# -ge 2 ] && [[ $2 =~ ^[1-9][0-9]*$ ]] || die "--runs needs a positive whole number"; runs=$2; shift 2 ;;
    --scale) sizes+=(500 1000 2000 5000); shift ;;
    --no-doc) write_doc=0; shift ;;
    --fixed-cost-only) fixed_only=1; shift ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(500)

# ---------------------------------------------------------------------------------------------
# Tools and services
# ---------------------------------------------------------------------------------------------
"$REPO_ROOT/scripts/install-deps.sh"
if [ ! -x /usr/bin/time ]; then
  log "installing GNU time (peak RSS per process)"
  DEBIAN_FRONTEND=noninteractive as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends time >/dev/null
fi
PG_BIN=$(pg_bin_dir)

work=$(mktemp -d /tmp/leopass-bench.XXXXXX)
chmod 755 "$work"
cleanup() {
  set +e
  stop_postgres "$work/pg"
  [ -n "${S3RVER_PID:-}" ] && kill "$S3RVER_PID" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_postgres "$work/pg"
start_s3rver "$work/s3" leopass-bench
log "PostgreSQL on 127.0.0.1:$PG_PORT, s3rver on $S3_ENDPOINT, work directory $work"

# Passwords travel in PGPASSWORD, never on a command line.
PGPASSWORD=$(sed -E 's|^postgresql://[^:]+:([^@]+)@.*|\1|' <<<"$PG_SUPERUSER_URL")
export PGPASSWORD
pg_url() { echo "postgresql://postgres@127.0.0.1:$PG_PORT/$1"; }
cli_url() { echo "${PG_SUPERUSER_URL%/postgres}/$1"; }   # the CLI takes the password from the URL
psql_q() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
psql_q "$(pg_url postgres)" -c "CREATE DATABASE leopass_recovery"

# The CLI is built once, before anything is timed.
log "building the CLI (untimed)"
"$REPO_ROOT/leopass-recovery" --help >/dev/null

"$REPO_ROOT/leopass-recovery" keys generate --out "$work/keys" >/dev/null
export GNUPGHOME="$work/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch -q --import "$work/keys/backup-public.asc" 2>/dev/null
fingerprint=$(gpg --batch --with-colons --list-keys | awk -F: '$1 == "fpr" { print $10; exit }')

# Every process of every case runs under GNU time, which writes "maxrss_kb user_s sys_s" to a file.
# The CLI's pg_dump is reached through PG_BIN_DIR, so it is measured the same way.
tdir="$work/time"
mkdir -p "$tdir" "$work/pgbin"
TIME_FMT='%M %U %S'
cat > "$work/pgbin/pg_dump" <<EOF
#!/bin/sh
exec /usr/bin/time -f '$TIME_FMT' -o "\$BENCH_TIME_DIR/cli-pg_dump.\$\$" "$PG_BIN/pg_dump" "\$@"
EOF
chmod 755 "$work/pgbin/pg_dump"

export RECOVERY_DATABASE_URL="$PG_SUPERUSER_URL"
RECOVERY_DATABASE_URL="${RECOVERY_DATABASE_URL%/postgres}/leopass_recovery"
export BACKUP_ENCRYPTION_PUBLIC_KEY="$work/keys/backup-public.asc"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# ---------------------------------------------------------------------------------------------
# Test data
# ---------------------------------------------------------------------------------------------
db_size_bytes() { "$PG_BIN/psql" -X -At "$(pg_url postgres)" -c "SELECT pg_database_size('$1')"; }

# generate DB SIZE_MB: schema.sql, then chunk.sql batches until pg_database_size reaches the target.
generate() {
  local db=$1 target=$(( $2 * 1024 * 1024 )) base size per_account accounts
  psql_q "$(pg_url postgres)" -c "CREATE DATABASE $db"
  psql_q "$(pg_url "$db")" -f "$BENCH_DIR/schema.sql" >/dev/null
  base=$(db_size_bytes "$db")
  # A first small batch (~3 MB) measures bytes per account; the rest comes in batches of ~1/8 of the target.
  accounts=200
  psql_q "$(pg_url "$db")" -v accounts=$accounts -f "$BENCH_DIR/chunk.sql"
  size=$(db_size_bytes "$db")
  per_account=$(( (size - base) / accounts + 1 ))
  while [ "$size" -lt "$target" ]; do
    accounts=$(( (target - size) / per_account + 1 ))
    max=$(( target / 8 / per_account + 1 ))
    [ "$accounts" -gt "$max" ] && accounts=$max
    psql_q "$(pg_url "$db")" -v accounts=$accounts -f "$BENCH_DIR/chunk.sql"
    size=$(db_size_bytes "$db")
  done
  psql_q "$(pg_url "$db")" -c "VACUUM ANALYZE"
}

# ---------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------
now_ns() { date +%s%N; }
T() { local name=$1; shift; /usr/bin/time -f "$TIME_FMT" -o "$tdir/$name" "$@"; }

# run_case CASE DB OUT -> prints "wall_s out_bytes rss_max_kb rss_sum_kb cpu_s extra"
run_case() {
  local c=$1 db=$2 out=$3 url start end bytes extra=- json
  url=$(pg_url "$db")
  rm -rf "$tdir" "$out" && mkdir -p "$tdir"
  export BENCH_TIME_DIR="$tdir"
  start=$(now_ns)
  case $c in
    a) T pg_dump "$PG_BIN/pg_dump" -Fc "$url" | T gzip gzip > "$out" ;;
    b) T pg_dump "$PG_BIN/pg_dump" -Fc "$url" > "$out" ;;
    f) T pg_dump "$PG_BIN/pg_dump" -Fc -Z0 "$url" > /dev/null ;;
    e) T pg_dump "$PG_BIN/pg_dump" -Fc -Z0 "$url" | T zstd zstd -3 -q | \
         T gpg gpg --batch -q --trust-model always --personal-cipher-preferences AES256 -z0 --encrypt -r "$fingerprint" > "$out" ;;
    c) mkdir -p "$out"
       PG_BIN_DIR="$work/pgbin" DATABASE_URL="$(cli_url "$db")" BACKUP_DIR="$out" \
         T cli "$REPO_ROOT/leopass-recovery" backup run --json > "$work/cli.json" ;;
    d) PG_BIN_DIR="$work/pgbin" DATABASE_URL="$(cli_url "$db")" OCI_BUCKET=leopass-bench OCI_S3_ENDPOINT="$S3_ENDPOINT" \
         OCI_S3_ACCESS_KEY=S3RVER OCI_S3_SECRET_KEY=S3RVER \
         T cli "$REPO_ROOT/leopass-recovery" backup run --json > "$work/cli.json" ;;
  esac
  end=$(now_ns)
  case $c in
    c|d) json=$(cat "$work/cli.json")
         bytes=$(sed -nE 's/.*"storedBytes": *([0-9]+).*/\1/p' <<<"$json")
         # The dump step's durationMs comes first; readBack has its own.
         extra=$(sed -nE 's/.*"durationMs": *([0-9]+).*/\1/p' <<<"$json" | head -n 1)
         [ -n "$bytes" ] || die "backup run printed no storedBytes: $json"
         if [ "$c" = c ]; then
           [ "$(stat -c %s "$out"/*.pgp)" = "$bytes" ] || die "the stored file's size differs from storedBytes"
         fi ;;
    f) bytes=0 ;;
    *) bytes=$(stat -c %s "$out") ;;
  esac
  # Peak RSS: the largest single process, and the sum of every process' peak (an upper bound of
  # the pipeline's peak: the processes run concurrently). CPU: user+sys of every process. The CLI's
  # record already includes its reaped pg_dump child's CPU (wait4 semantics), so that is not re-added.
  awk -v wall="$(( (end - start) / 1000000 ))" -v bytes="$bytes" -v extra="$extra" '
    FNR == 1 {
      name = FILENAME; sub(/.*\//, "", name)
      if ($1 > max) max = $1
      if (name ~ /^cli-pg_dump/) { if ($1 > dumprss) dumprss = $1; next }   # --version calls too: keep the largest
      sum += $1; cpu += $2 + $3
    }
    END { printf "%.2f %d %d %d %.2f %s\n", wall / 1000, bytes, max, sum + dumprss, cpu, extra }' "$tdir"/*
}

# ---------------------------------------------------------------------------------------------
# Run
# ---------------------------------------------------------------------------------------------
results="$work/results.md"
: > "$results"
raw="$work/raw.tsv"
: > "$raw"
case_names=(a b c d e f)
declare -A label=(
  [a]='(a) `pg_dump -Fc \| gzip > file` (seed)'
  [b]='(b) `pg_dump -Fc > file`'
  [c]='(c) `backup run` → filesystem store'
  [d]='(d) `backup run` → s3rver'
  [e]='(e) `pg_dump -Fc -Z0 \| zstd -3 \| gpg -z0 --encrypt`'
  [f]='(f) `pg_dump -Fc -Z0 > /dev/null` (the dump alone, the first stage of every pipeline)'
)

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
bench_started=$(date -u '+%Y-%m-%d %H:%M UTC')
log "load average (1/5/15 min) before: $(loadavg)"

# The CLI's fixed cost (process start, configuration, catalogue, snapshot, manifest): case (c) on an
# empty database and on a demo-sized one, interleaved with the shell pipeline (e) on the same
# database, median of at least 5. The first run also warms the CLI up and applies the migrations.
fixed_runs=$(( runs > 5 ? runs : 5 ))
fixed_cost() {  # fixed_cost DB -> one line: "CLI median wall (runs), CPU, RSS; (e) median; ratio"
  local db=$1 cli=() shell=() run
  run_case c "$db" "$work/out-fixed" >/dev/null; rm -rf "$work/out-fixed"
  for run in $(seq 1 "$fixed_runs"); do
    cli+=("$(run_case c "$db" "$work/out-fixed")"); rm -rf "$work/out-fixed"
    shell+=("$(run_case e "$db" "$work/out-fixed")"); rm -rf "$work/out-fixed"
  done
  { printf 'c %s\n' "${cli[@]}"; printf 'e %s\n' "${shell[@]}"; } | awk '
    function median(arr, n,   i, j, t) {
      for (i = 2; i <= n; i++) for (j = i; j > 1 && arr[j - 1] > arr[j]; j--) { t = arr[j]; arr[j] = arr[j - 1]; arr[j - 1] = t }
      return n % 2 ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
    }
    $1 == "c" { k = ++nc; w[k] = $2; m[k] = $4; u[k] = $6; d[k] = $7; runs = runs (runs == "" ? "" : ", ") $2 }
    $1 == "e" { k = ++ne; x[k] = $2 }
    END {
      printf "%.2f s wall (runs: %s), %.2f s of it inside `backup run`, %.2f CPU-s, %.0f MiB peak RSS; the shell pipeline (e) %.2f s: %.2f×",
        median(w, nc), runs, median(d, nc) / 1000, median(u, nc), median(m, nc) / 1024, median(x, ne), median(w, nc) / median(x, ne)
    }'
}
psql_q "$(pg_url postgres)" -c "CREATE DATABASE bench_empty"
fixed_line=$(fixed_cost bench_empty)
log "fixed cost of backup run (empty database): $fixed_line"
log "generating bench_demo (a demo-sized database, about 20 MB)"
generate bench_demo 20
demo_dump=$("$PG_BIN/pg_dump" -Fc -Z0 "$(pg_url bench_demo)" | wc -c)
demo_line=$(fixed_cost bench_demo)
log "backup run of a demo-sized database ($(numfmt --to=iec-i --suffix=B --format=%.1f "$demo_dump") dumped): $demo_line"
psql_q "$(pg_url postgres)" -c "DROP DATABASE bench_demo"
if [ "$fixed_only" = 1 ]; then
  log "load average (1/5/15 min) after: $(loadavg)"
  exit 0
fi

for size in "${sizes[@]}"; do
  db="bench_${size}mb"
  log "generating $db (about $size MB)"
  t0=$(now_ns)
  generate "$db" "$size"
  gen_s=$(( ($(now_ns) - t0) / 1000000000 ))
  on_disk=$(db_size_bytes "$db")

  # Warm-up, untimed: read every table once (page cache, shared buffers) with a raw dump, and start
  # the CLI once (its files in the page cache, catalogue migrations applied).
  log "warm-up: pg_dump -Fc -Z0 > /dev/null, leopass-recovery backup list"
  raw_dump=$("$PG_BIN/pg_dump" -Fc -Z0 "$(pg_url "$db")" | wc -c)
  DATABASE_URL="$(cli_url "$db")" BACKUP_DIR="$work/warm" "$REPO_ROOT/leopass-recovery" backup list --json >/dev/null

  load_before=$(loadavg)
  for run in $(seq 1 "$runs"); do
    # Alternate the order between runs so that drift in the machine's load does not favour one case.
    order=("${case_names[@]}")
    if [ $((run % 2)) -eq 0 ]; then order=(f e d c b a); fi
    for c in "${order[@]}"; do
      log "$db run $run/$runs: case ($c)"
      line=$(run_case "$c" "$db" "$work/out-$c")
      printf '%s\t%s\t%s\t%s\n' "$size" "$c" "$run" "$line" >> "$raw"
      rm -rf "$work/out-$c"
    done
  done
  load_after=$(loadavg)

  {
    echo "#### ${size} MB target: database $(( on_disk / 1048576 )) MB on disk (pg_database_size)"
    echo
    echo "\`pg_dump -Fc\` $(awk -F'\t' -v s="$size" '$1 == s && $2 == "b" { split($4, f, " "); print f[2]; exit }' "$raw" | numfmt --to=iec-i --suffix=B --format=%.1f),"
    echo "\`pg_dump -Fc -Z0\` $(numfmt --to=iec-i --suffix=B --format=%.1f "$raw_dump"); generated in ${gen_s} s;"
    echo "load average (1/5/15 min) $load_before before, $load_after after; median of $runs runs."
    echo
    awk -F'\t' -v s="$size" -v runs="$runs" \
      -v la="${label[a]}" -v lb="${label[b]}" -v lc="${label[c]}" -v ld="${label[d]}" -v le="${label[e]}" -v lf="${label[f]}" '
      function median(arr, n,   i, j, t) {
        for (i = 2; i <= n; i++) for (j = i; j > 1 && arr[j - 1] > arr[j]; j--) { t = arr[j]; arr[j] = arr[j - 1]; arr[j - 1] = t }
        return n % 2 ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
      }
      $1 == s {
        split($4, f, " "); c = $2; k = ++n[c]
        W[c, k] = f[1]; B[c, k] = f[2]; M[c, k] = f[3]; S[c, k] = f[4]; C[c, k] = f[5]; D[c, k] = f[6]
        all[c] = all[c] (all[c] == "" ? "" : ", ") f[1]
      }
      END {
        L["a"] = la; L["b"] = lb; L["c"] = lc; L["d"] = ld; L["e"] = le; L["f"] = lf
        for (ci = 1; ci <= 6; ci++) {
          c = substr("abcdef", ci, 1)
          for (k = 1; k <= n[c]; k++) { w[k] = W[c, k]; b[k] = B[c, k]; m[k] = M[c, k]; x[k] = S[c, k]; u[k] = C[c, k]; d[k] = D[c, k] }
          mw[c] = median(w, n[c]); mb[c] = median(b, n[c]); mm[c] = median(m, n[c]); ms[c] = median(x, n[c]); mc[c] = median(u, n[c])
          md[c] = (D[c, 1] == "-") ? "" : sprintf("%.1f", median(d, n[c]) / 1000)
        }
        print "| case | wall s (median) | runs, s | in-CLI s | × (a) wall | × (e) wall | output MiB | × (a) bytes | CPU s | peak RSS MiB, largest process | peak RSS MiB, sum of processes |"
        print "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        for (ci = 1; ci <= 6; ci++) {
          c = substr("abcdef", ci, 1)
          printf "| %s | %.2f | %s | %s | %.2f | %.2f | %.1f | %.2f | %.1f | %.0f | %.0f |\n", L[c], mw[c], all[c], md[c], mw[c] / mw["a"], mw[c] / mw["e"], mb[c] / 1048576, mb[c] / mb["a"], mc[c], mm[c] / 1024, ms[c] / 1024
        }
      }' "$raw"
    echo
  } >> "$results"
  psql_q "$(pg_url postgres)" -c "DROP DATABASE $db"
done

machine() {
  echo "- machine: $(nproc) cores ($(sed -nE 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)), $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM, $(. /etc/os-release && echo "$PRETTY_NAME"), run started $bench_started"
  echo "- versions: $("$PG_BIN/pg_dump" --version), $(zstd --version | sed -E 's/.*(v[0-9.]+).*/zstd \1/'), $(gpg --version | head -n 1), .NET $(dotnet --version), gzip $(gzip --version | head -n 1 | awk '{ print $2 }')"
  echo "- fixed cost of \`backup run\` (case (c) on an empty database, median of $fixed_runs, interleaved with (e)): $fixed_line"
  echo "- \`backup run\` of a demo-sized database ($(numfmt --to=iec-i --suffix=B --format=%.1f "$demo_dump") dumped; median of $fixed_runs, interleaved with (e)): $demo_line"
  echo "- command: \`scripts/bench/backup.sh$(for s in "${sizes[@]}"; do printf ' --size-mb %s' "$s"; done) --runs $runs\`"
}
# The scale curve: how (c) and (d) grow with the database, against the seed (a).
scale_curve() {
  echo "#### Scale curve"
  echo
  echo "| database | (c) filesystem, wall s | (c) × (a) | (c) peak RSS MiB | (d) s3rver, wall s | (d) × (a) | (d) peak RSS MiB | (a) seed, wall s |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  awk -F'\t' '
    function median(arr, n,   i, j, t) {
      for (i = 2; i <= n; i++) for (j = i; j > 1 && arr[j - 1] > arr[j]; j--) { t = arr[j]; arr[j] = arr[j - 1]; arr[j - 1] = t }
      return n % 2 ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
    }
    { split($4, f, " "); key = $1 SUBSEP $2; k = ++n[key]; W[key, k] = f[1]; M[key, k] = f[3]; if (!($1 in seen)) { seen[$1] = 1; order[++sizes] = $1 } }
    END {
      for (i = 1; i <= sizes; i++) {
        s = order[i]
        for (ci = 1; ci <= 3; ci++) {
          c = substr("acd", ci, 1); key = s SUBSEP c
          for (k = 1; k <= n[key]; k++) { w[k] = W[key, k]; m[k] = M[key, k] }
          mw[c] = median(w, n[key]); mm[c] = median(m, n[key])
        }
        printf "| %s MB | %.2f | %.2f | %.0f | %.2f | %.2f | %.0f | %.2f |\n", s, mw["c"], mw["c"] / mw["a"], mm["c"] / 1024, mw["d"], mw["d"] / mw["a"], mm["d"] / 1024, mw["a"]
      }
    }' "$raw"
  echo
}
{ machine; echo; cat "$results"; if [ ${#sizes[@]} -gt 1 ]; then scale_curve; fi; } > "$work/block.md"

echo
cat "$work/block.md"
echo
echo "raw measurements (size, case, run, wall_s bytes rss_max_kb rss_sum_kb cpu_s cli_ms):"
cat "$raw"

if [ "$write_doc" = 1 ]; then
  doc="$REPO_ROOT/docs/benchmarks.md"
  begin='<!-- backup-bench:results:begin (written by scripts/bench/backup.sh) -->'
  end='<!-- backup-bench:results:end -->'
  [ -f "$doc" ] || die "$doc is missing"
  grep -qF "$begin" "$doc" && grep -qF "$end" "$doc" || die "$doc lacks the results markers of the Backup pipeline section"
  awk -v begin="$begin" -v end="$end" -v block="$work/block.md" '
    $0 == begin { print; while ((getline line < block) > 0) print line; skip = 1; next }
    $0 == end { skip = 0 }
    !skip' "$doc" > "$work/doc.md"
  cat "$work/doc.md" > "$doc"
  log "results written to docs/benchmarks.md"
fi
