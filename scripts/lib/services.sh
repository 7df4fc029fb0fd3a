# Starts and stops the private services the tests (and the demo) use.
# shellcheck shell=bash

# start_postgres DIR -> exports PG_PORT, PG_SUPERUSER_URL; a throw-away cluster in DIR.
start_postgres() {
  local dir=$1 bin password
  bin=$(pg_bin_dir)
  mkdir -p "$dir"
  password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
  PG_PORT=$(free_port)
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; chmod 700 "$dir"; fi
  printf '%s\n' "$password" > "$dir/pwfile"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir/pwfile"
  as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=scram-sha-256 --pwfile="$dir/pwfile" -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$dir/pwfile"
  # Durability is irrelevant for a throw-away test cluster; speed is not.
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
  PG_SUPERUSER_URL="postgresql://postgres:${password}@127.0.0.1:${PG_PORT}/postgres"
  export PG_PORT PG_SUPERUSER_URL
}

stop_postgres() {
  local dir=$1
  [ -f "$dir/data/postmaster.pid" ] && as_postgres "$(pg_bin_dir)/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
}

# start_s3rver DIR BUCKET -> exports S3_PORT, S3_ENDPOINT, S3RVER_PID.
start_s3rver() {
  local dir=$1 bucket=$2
  mkdir -p "$dir"
  S3_PORT=$(free_port)
  node "$REPO_ROOT/.tools/node_modules/s3rver/bin/s3rver.js" -d "$dir" -a 127.0.0.1 -p "$S3_PORT" --silent \
    --configure-bucket "$bucket" > "$dir.log" 2>&1 &
  S3RVER_PID=$!
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$S3_PORT") 2>/dev/null && break
    sleep 0.1
  done
  (exec 3<>"/dev/tcp/127.0.0.1/$S3_PORT") 2>/dev/null || die "s3rver did not start; see $dir.log"
  S3_ENDPOINT="http://127.0.0.1:$S3_PORT"
  export S3_PORT S3_ENDPOINT S3RVER_PID
}
