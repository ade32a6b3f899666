#!/usr/bin/env bash
# Run a command with PostgreSQL, Redis, Elasticsearch and stripe-mock available:
# start each one that is not already reachable, export their URLs, run the
# command, then stop exactly the services this invocation started.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

services=(postgres redis elasticsearch stripe-mock)
started=()
for name in "${services[@]}"; do
  [ -f "var/run/$name.pid" ] || started+=("$name")
done

stop_started() {
  local rc=$?
  local ours=()
  for name in "${started[@]}"; do
    if [ -f "var/run/$name.pid" ]; then ours+=("$name"); fi
  done
  if [ "${#ours[@]}" -gt 0 ]; then
    scripts/services.sh stop "${ours[@]}" >&2 || true
  fi
  exit "$rc"
}
trap stop_started EXIT
trap 'exit 130' INT TERM

eval "$(scripts/services.sh start)"
export DATABASE_URL ELASTICSEARCH_URL CELERY_BROKER_URL STRIPE_API_BASE

"$@"
