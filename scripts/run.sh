#!/usr/bin/env bash
# `make run`: the quickstart. Embedded defaults (SQLite and a filesystem Celery
# broker under var/), a local Elasticsearch node unless ELASTICSEARCH_URL points
# elsewhere, migrations, demo data once, a Celery worker and beat, and the site
# on http://127.0.0.1:${PORT:-8000}. Ctrl-C stops everything it started.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# Development mode: DEBUG is off unless set, so `make run` turns it on.
export DEBUG="${DEBUG:-true}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-ipmarket.settings.base}"
PORT="${PORT:-8000}"
PY=.venv/bin/python
mkdir -p var/log

# Importing the settings creates nothing: the development secret key (read by the settings when DEBUG is on
# and SECRET_KEY unset) and the folders under VAR_DIR are made here, once.
if [ -z "${SECRET_KEY:-}" ]; then
  key_file="${VAR_DIR:-var}/secret_key"
  if [ ! -s "$key_file" ]; then
    mkdir -p "$(dirname "$key_file")"
    (umask 077 && $PY -c 'import secrets; print(secrets.token_urlsafe(50))' >"$key_file")
  fi
fi
$PY manage.py ensure_dirs

children=()
es_started=no
cleanup() {
  trap - EXIT INT TERM
  echo "Stopping…" >&2
  for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$es_started" = yes ]; then scripts/services.sh stop elasticsearch >&2 || true; fi
}
trap cleanup EXIT
stopping=no
trap 'stopping=yes' INT TERM  # Ctrl-C is the normal way to stop

local_es="http://127.0.0.1:9200"
if [ "${ELASTICSEARCH_URL:-$local_es}" = "$local_es" ]; then
  [ -f var/run/elasticsearch.pid ] || es_started=maybe
  if es_exports="$(scripts/elasticsearch.sh start)"; then
    eval "$es_exports"
    [ "$es_started" = maybe ] && [ -f var/run/elasticsearch.pid ] && es_started=yes
  else
    es_started=no
    echo "Elasticsearch is not available (see above): carrying on with database search." >&2
  fi
fi
[ "$es_started" = maybe ] && es_started=no

$PY manage.py migrate --noinput
# seed_demo is idempotent: it runs again (adding only what is missing) when the demo data grew since.
DEMO_DATA_VERSION=2  # 2: CMS pages, statistics
if [ "$(cat var/.demo-seeded 2>/dev/null)" != "$DEMO_DATA_VERSION" ]; then
  $PY manage.py seed_demo --with-users
  echo "$DEMO_DATA_VERSION" >var/.demo-seeded
  rm -f var/.search-built
fi
if curl -fsS --max-time 3 "${ELASTICSEARCH_URL:-$local_es}" >/dev/null 2>&1; then
  if [ ! -f var/.search-built ]; then
    $PY manage.py search_rebuild && touch var/.search-built
  else
    $PY manage.py search_reconcile  # quick: repairs what changed while the worker was not running
  fi
else
  echo "Search answers from the database (no Elasticsearch)." >&2
fi

.venv/bin/celery -A ipmarket worker --loglevel=INFO --concurrency=2 >var/log/celery-worker.log 2>&1 &
children+=($!)
.venv/bin/celery -A ipmarket beat --loglevel=INFO >var/log/celery-beat.log 2>&1 &
children+=($!)
echo "Celery worker and beat started (logs in var/log/)." >&2
echo "Serving http://127.0.0.1:$PORT — demo people sign in with password demo12345. Ctrl-C stops." >&2
$PY manage.py runserver "127.0.0.1:$PORT" &
children+=($!)
wait -n "${children[@]}" || true
sleep 0.5 # a Ctrl-C reaches the children too: let its trap run before judging
[ "$stopping" = yes ] && exit 0
echo "A process stopped unexpectedly (logs in var/log/); stopping the rest." >&2
exit 1
