#!/usr/bin/env bash
# Validates the Docker deployment files without a Docker engine (none runs here):
#   - docker-compose.yml with `docker-compose config -q` (Debian's docker-compose), with no
#     profile and with every profile combination the deployment guide uses;
#   - the structure the guide promises: `prod` mounts the host's /var/opt/leopass/backups at
#     BACKUP_DIR, server variants never share a profile, healthchecks everywhere;
#   - deploy/recovery.env.example names every variable of README.md's configuration table;
#   - the Dockerfile's build-context sources exist and the healthcheck script parses.
# Installs docker-compose with apt when it is missing. On a clean clone it validates against a
# throw-away deploy/recovery.env made from the example (removed again on exit).
# Exit 0 when all is well; 1 with an `error:` line per problem otherwise.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$REPO_ROOT"

compose_file=docker-compose.yml
env_file=deploy/recovery.env
env_example=deploy/recovery.env.example
[ -f "$compose_file" ] || die "$compose_file not found in $REPO_ROOT"
[ -f "$env_example" ] || die "$env_example not found"

if ! command -v docker-compose >/dev/null; then
  log "installing docker-compose (Debian package) to validate $compose_file"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
  command -v docker-compose >/dev/null || die "docker-compose is still missing after apt-get install"
fi

created_env=0
out_dir=
cleanup() {
  if [ "$created_env" = 1 ]; then rm -f "$env_file"; fi
  if [ -n "$out_dir" ]; then rm -rf "$out_dir"; fi
}
trap cleanup EXIT
if [ ! -f "$env_file" ]; then
  cp "$env_example" "$env_file"
  created_env=1
fi
# Compose refuses to interpolate without it; any value does for validation.
export RECOVERY_DB_PASSWORD="${RECOVERY_DB_PASSWORD:-check-compose-placeholder}"

failures=0
fail() { printf 'error: %s\n' "$*" >&2; failures=$((failures + 1)); }

# --- 1. docker-compose config -q, per profile set (in parallel: ~1 s each, mostly start-up) ----
profile_sets=("" "prod" "trial" "s3-trial" "prod s3-trial" "trial s3-trial")
out_dir=$(mktemp -d)
pids=()
for i in "${!profile_sets[@]}"; do
  args=()
  for p in ${profile_sets[$i]}; do args+=(--profile "$p"); done
  docker-compose -f "$compose_file" "${args[@]}" config -q >"$out_dir/$i" 2>&1 &
  pids+=($!)
done
for i in "${!profile_sets[@]}"; do
  label=${profile_sets[$i]:-(no profile)}
  if wait "${pids[$i]}"; then
    log "docker-compose config -q: $label ok"
  else
    fail "docker-compose config -q failed for profile(s) $label:"
    cat "$out_dir/$i" >&2
  fi
done

# --- 2. what the deployment guide promises, read from the resolved configuration ------------
# Debian's docker-compose depends on python3-yaml, so the system python3 can read the output.
if resolved=$(docker-compose -f "$compose_file" config 2>/dev/null); then
  if ! printf '%s' "$resolved" | /usr/bin/python3 -c '
import sys, yaml
c = yaml.safe_load(sys.stdin)
s = c.get("services", {})
problems = []
def need(ok, msg):
    if not ok: problems.append(msg)
backups = "/var/opt/leopass/backups"
servers = {n: v for n, v in s.items() if v.get("command") in (["server"], "server")}
need("recovery-db" in s and not s["recovery-db"].get("profiles"), "recovery-db must exist and have no profile")
need("recovery" in servers, "the server service `recovery` must exist with command: server")
r = s.get("recovery", {})
need(r.get("profiles") == ["prod"], "`recovery` must be in profile prod only")
mounts = [(v.get("source"), v.get("target")) for v in r.get("volumes", []) if isinstance(v, dict) and v.get("type") == "bind"]
need((backups, backups) in mounts, "profile prod must bind-mount the host " + backups + " at the same path")
for name, svc in servers.items():
    env = svc.get("environment", {})
    need(env.get("BACKUP_DIR") == backups, name + ": BACKUP_DIR must be " + backups)
    need(any((v.get("target") if isinstance(v, dict) else str(v).split(":")[1]) == backups for v in svc.get("volumes", [])),
         name + ": nothing is mounted at BACKUP_DIR, backups would die with the container")
    need(svc.get("depends_on", {}).get("recovery-db", {}).get("condition") == "service_healthy",
         name + ": must wait for recovery-db to be healthy")
    need(bool(svc.get("profiles")), name + ": a server variant needs a profile, or it would run next to prod")
    for port in svc.get("ports", []):
        need(str(port).startswith("127.0.0.1:") or not str(port)[0].isdigit(),
             name + ": port " + str(port) + " must be bound to 127.0.0.1 by default")
seen = {}
for name, svc in servers.items():
    for p in svc.get("profiles", []):
        need(p not in seen, "servers " + seen.get(p, "") + " and " + name + " share profile " + p)
        seen[p] = name
for name, svc in s.items():
    need("healthcheck" in svc, name + ": no healthcheck")
for p in problems: print("error: " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
'; then
    fail "$compose_file does not have the shape the deployment guide describes (see above)"
  else
    log "compose structure: prod mount, exclusive server profiles, healthchecks ok"
  fi
fi

# --- 3. the env example covers README's configuration table ---------------------------------
if [ -f README.md ]; then
  missing=()
  # Rows of the table: | `VARIABLE` | default | meaning |
  while IFS= read -r var; do
    grep -Eq "^#? *${var}([= ]|$)" "$env_example" || missing+=("$var")
  done < <(sed -n '/^## Configuration/,/^## /p' README.md | grep -oE '^\| `[A-Z][A-Z0-9_]+`' | tr -d '|` ')
  if [ ${#missing[@]} -gt 0 ]; then
    fail "$env_example does not mention README.md configuration variable(s): ${missing[*]}"
  else
    log "$env_example names every variable of README.md's configuration table"
  fi
fi

# --- 4. Dockerfile sources and the healthcheck script ---------------------------------------
if [ -f Dockerfile ]; then
  while IFS= read -r src; do
    [ -e "$src" ] || fail "Dockerfile copies $src, which does not exist"
  done < <(grep -E '^COPY ' Dockerfile | grep -v -- '--from=' | sed -E 's/^COPY( --[^ ]+)* //' | awk '{ for (i = 1; i < NF; i++) print $i }' | grep -v '^\.$')
  grep -q '^ENTRYPOINT \["dotnet", "/app/leopass-recovery.dll"\]' Dockerfile || fail "Dockerfile: ENTRYPOINT must be [\"dotnet\", \"/app/leopass-recovery.dll\"]"
  grep -q '^USER ' Dockerfile || fail "Dockerfile: the image must not run as root (no USER)"
  grep -q '^HEALTHCHECK ' Dockerfile || fail "Dockerfile: no HEALTHCHECK"
else
  fail "Dockerfile not found"
fi
if [ -f deploy/healthcheck.sh ]; then
  bash -n deploy/healthcheck.sh || fail "deploy/healthcheck.sh does not parse"
  [ -x deploy/healthcheck.sh ] || fail "deploy/healthcheck.sh is not executable"
fi

if [ "$failures" -gt 0 ]; then
  printf 'error: %d compose/Dockerfile check(s) failed\n' "$failures" >&2
  exit 1
fi
log "docker deployment files are valid"
