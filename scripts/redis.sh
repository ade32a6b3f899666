#!/usr/bin/env bash
# Redis for Celery (db 0) and caching (db 1).
#   scripts/redis.sh start -> prints `export CELERY_BROKER_URL=...` and
#                             `export REDIS_URL=...`
#   scripts/redis.sh stop  -> stops redis only if we started it
# No persistence; working dir var/redis, log var/log/redis.log,
# pid var/run/redis.pid.
SERVICE=redis
source "$(dirname "$0")/lib.sh"

REDIS_HOST=127.0.0.1
REDIS_PORT=6379
DEFAULT_BROKER_URL="redis://$REDIS_HOST:$REDIS_PORT/0"
DEFAULT_REDIS_URL="redis://$REDIS_HOST:$REDIS_PORT/1"
REDIS_DIR="$VAR_DIR/redis"
REDIS_LOG="$LOG_DIR/redis.log"
PID_PATTERN='redis-server'

# url_answers URL : the server behind URL replies to PING.
url_answers() {
    local url="$1" hp reply
    [[ $url =~ ^rediss?:// ]] || return 1
    if command -v redis-cli >/dev/null 2>&1; then
        reply="$(timeout 5 redis-cli -u "$url" ping 2>/dev/null)" || return 1
    else
        [[ $url =~ ^redis:// ]] || return 1
        read -r -a hp <<<"$(url_hostport "$url" 6379)"
        # shellcheck disable=SC2016
        reply="$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf "PING\r\n" >&3 && head -c 5 <&3' \
            _ "${hp[0]}" "${hp[1]}" 2>/dev/null)" || return 1
    fi
    [[ $reply == *PONG* ]]
}

emit() {
    emit_export CELERY_BROKER_URL "$1"
    emit_export REDIS_URL "$2"
}

start() {
    local broker="${CELERY_BROKER_URL:-}"
    if [[ -n $broker && $broker != "$DEFAULT_BROKER_URL" ]] && url_answers "$broker"; then
        # Keep a caller-provided REDIS_URL; otherwise use db 1 of the same server.
        local cache_url="${REDIS_URL:-}"
        if [[ -z $cache_url ]]; then
            if [[ $broker =~ ^(rediss?://[^?]*)/[0-9]+(\?.*)?$ ]]; then
                cache_url="${BASH_REMATCH[1]}/1${BASH_REMATCH[2]}"
            else
                cache_url="${broker%/}/1"
            fi
        fi
        log "CELERY_BROKER_URL already answers; not starting anything"
        emit "$broker" "$cache_url"
        return 0
    fi
    if url_answers "$DEFAULT_BROKER_URL"; then
        if our_pid redis "$PID_PATTERN" >/dev/null; then
            log "$DEFAULT_BROKER_URL already answers (our redis); not starting anything"
        else
            log "$DEFAULT_BROKER_URL already answers (a redis we did not start); using it"
        fi
        emit "$DEFAULT_BROKER_URL" "$DEFAULT_REDIS_URL"
        return 0
    fi

    local pid
    if pid="$(our_pid redis "$PID_PATTERN")"; then
        log "our redis-server (pid $pid) is running but not answering yet; waiting"
    else
        if tcp_open "$REDIS_HOST" "$REDIS_PORT"; then
            die "port $REDIS_PORT is in use by something that does not answer redis PING"
        fi
        if ! command -v redis-server >/dev/null 2>&1; then
            apt_install redis-server
        fi
        command -v redis-server >/dev/null 2>&1 || die "redis-server missing after apt install"
        mkdir -p "$REDIS_DIR"
        log "starting redis-server on $REDIS_HOST:$REDIS_PORT (log: $REDIS_LOG)"
        pid="$(spawn redis "$REDIS_LOG" "$(command -v redis-server)" \
            --bind "$REDIS_HOST" --port "$REDIS_PORT" --daemonize no \
            --save '' --appendonly no --dir "$REDIS_DIR")"
        log "redis-server pid $pid"
    fi
    if ! wait_until 30 "$pid" "redis PING" url_answers "$DEFAULT_BROKER_URL"; then
        log_tail "$REDIS_LOG"
        die "redis did not come up"
    fi
    log "ready"
    emit "$DEFAULT_BROKER_URL" "$DEFAULT_REDIS_URL"
}

case "${1:-}" in
start) start ;;
stop) stop_by_pidfile redis "$PID_PATTERN" ;;
status)
    if pid="$(our_pid redis "$PID_PATTERN")"; then log "running (pid $pid)"; else log "not running (by us)"; fi
    ;;
*) usage_service ;;
esac
