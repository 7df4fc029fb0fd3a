#!/usr/bin/env bash
# Installs what the product and its tests need, only when missing:
# PostgreSQL 15 (server + client tools), gpg, zstd, dnsmasq-base (the DNS tests' authoritative
# server), Node.js + s3rver (test S3 server),
# Debian's chromium (the console's browser tests drive it; Playwright downloads no browser), axe-core (their accessibility rules),
# docker-compose (compose file validation only; no engine runs it here), Debian's prometheus
# (prometheus + promtool: the metrics tests start a real Prometheus and check the shipped rules),
# Kiota (a local dotnet tool: the generated-client test).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

need=()
command -v pg_dump >/dev/null && [ -d /usr/lib/postgresql ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql postgresql-client)
command -v gpg >/dev/null || need+=(gnupg)
command -v zstd >/dev/null || need+=(zstd)
# dnsmasq (without its system service) is the authoritative DNS server the DNS failover tests ask.
[ -x /usr/sbin/dnsmasq ] || command -v dnsmasq >/dev/null || need+=(dnsmasq-base)
# GNU time: the peak-memory test and the benchmarks read a process's peak RSS from it.
[ -x /usr/bin/time ] || need+=(time)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
# Fonts too: a fresh machine has none, and the screenshots are read by people.
[ -x /usr/bin/chromium ] || need+=(chromium fonts-dejavu-core)
command -v promtool >/dev/null && command -v prometheus >/dev/null || need+=(prometheus)
if [ "${LEOPASS_WITH_COMPOSE:-0}" = 1 ]; then command -v docker-compose >/dev/null || need+=(docker-compose); fi

if [ ${#need[@]} -gt 0 ]; then
  log "installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # Debian's postgresql package starts a system cluster on 5432; we run private clusters instead.
  if command -v pg_lsclusters >/dev/null; then as_root pg_ctlcluster --force 15 main stop >/dev/null 2>&1 || true; fi
  # Likewise its prometheus service on 9090: the tests start their own on a free port.
  if [ -x /etc/init.d/prometheus ]; then as_root /etc/init.d/prometheus stop >/dev/null 2>&1 || true; fi
fi

if [ ! -f "$REPO_ROOT/.tools/node_modules/s3rver/bin/s3rver.js" ]; then
  log "installing s3rver into .tools/"
  npm install --prefix "$REPO_ROOT/.tools" --no-audit --no-fund --loglevel=error s3rver@3.7.1 >/dev/null
fi

# axe-core: the accessibility rules the console's browser test runs in chromium (WCAG 2.1 A/AA).
if [ ! -f "$REPO_ROOT/.tools/node_modules/axe-core/axe.min.js" ]; then
  log "installing axe-core into .tools/"
  npm install --prefix "$REPO_ROOT/.tools" --no-audit --no-fund --loglevel=error axe-core@4.14.1 >/dev/null
fi

# Redocly CLI lints the OpenAPI document a test server serves (OpenApiLintTests).
if [ ! -f "$REPO_ROOT/.tools/node_modules/@redocly/cli/package.json" ]; then
  log "installing Redocly CLI into .tools/"
  npm install --prefix "$REPO_ROOT/.tools" --no-audit --no-fund --loglevel=error @redocly/cli@2.77.0 >/dev/null
fi

# Kiota, a local dotnet tool (dotnet-tools.json): GeneratedClientTests generates a client from the
# served OpenAPI document with it. Restoring an installed tool only checks the packages folder.
( cd "$REPO_ROOT" && dotnet tool restore >/dev/null ) || { log "could not restore the dotnet tools of dotnet-tools.json (Kiota)"; exit 1; }
