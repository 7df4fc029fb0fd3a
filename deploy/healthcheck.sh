#!/usr/bin/env bash
# Container liveness probe: GET the server's liveness endpoint and succeed only on HTTP 200.
# Uses bash's /dev/tcp so the image needs no curl or wget.
#
#   LEOPASS_HEALTH_URL  the URL to probe (plain http only). Default: LEOPASS_LISTEN_URL (first
#                       entry if several are separated by ';', default http://127.0.0.1:8080)
#                       with a wildcard host (0.0.0.0, [::], *, +) replaced by 127.0.0.1,
#                       plus /health/live.
#
# Exit 0 healthy, 1 unhealthy (with one line on stderr saying why).
set -uo pipefail

if [ -n "${LEOPASS_HEALTH_URL:-}" ]; then
  url=$LEOPASS_HEALTH_URL
else
  listen=${LEOPASS_LISTEN_URL:-http://127.0.0.1:8080}
  listen=${listen%%;*}
  listen=${listen%/}
  for wildcard in 0.0.0.0 '[::]' '*' '+'; do
    case $listen in "http://$wildcard:"*) listen="http://127.0.0.1:${listen#"http://$wildcard:"}" ;; esac
  done
  url=$listen/health/live
fi
case $url in
  http://*) rest=${url#http://} ;;
  *) echo "healthcheck: LEOPASS_HEALTH_URL must be an http:// URL, got '$url'" >&2; exit 1 ;;
esac
authority=${rest%%/*}
if [ "$rest" = "$authority" ]; then path=/; else path=/${rest#*/}; fi
host=${authority%:*}
port=${authority##*:}
[ "$host" = "$authority" ] && port=80

if ! { exec 3<>"/dev/tcp/$host/$port"; } 2>/dev/null; then
  echo "healthcheck: nothing listens on $host:$port" >&2
  exit 1
fi
printf 'GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: leopass-healthcheck\r\nConnection: close\r\n\r\n' "$path" "$authority" >&3
status=
IFS= read -r -t 4 status <&3 || true
exec 3<&-
status=${status%$'\r'}
case $status in
  "HTTP/1."?" 200"*) exit 0 ;;
  "") echo "healthcheck: no answer from $url within 4 s" >&2; exit 1 ;;
  *) echo "healthcheck: $url answered '$status'" >&2; exit 1 ;;
esac
