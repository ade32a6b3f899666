#!/usr/bin/env bash
# stripe-mock (fake Stripe API) for tests.
#   scripts/stripe-mock.sh start -> prints `export STRIPE_API_BASE=...`
#   scripts/stripe-mock.sh stop  -> stops it only if we started it
# Built once with `go install` into var/cache/go/bin; HTTP on 127.0.0.1:12111,
# log var/log/stripe-mock.log, pid var/run/stripe-mock.pid.
SERVICE=stripe-mock
source "$(dirname "$0")/lib.sh"

STRIPE_MOCK_VERSION=v0.203.0
STRIPE_HOST=127.0.0.1
STRIPE_PORT=12111
DEFAULT_URL="http://$STRIPE_HOST:$STRIPE_PORT"
GO_BIN_DIR="$CACHE_DIR/go/bin"
STRIPE_BIN="$GO_BIN_DIR/stripe-mock"
STAMP="$GO_BIN_DIR/.stripe-mock.version" # `stripe-mock -version` says "master" for go-install builds
STRIPE_LOG="$LOG_DIR/stripe-mock.log"
# Relative to $ROOT (stripe-mock is started with cwd=$ROOT) to stay well
# below the 107-byte unix socket path limit.
HTTPS_SOCKET="var/run/stripe-mock-https.sock"
PID_PATTERN='stripe-mock'

url_answers() {
    local body
    body="$(curl -sS --max-time 3 -H "Authorization: Bearer sk_test_123" "$1/v1/customers" 2>/dev/null)" || return 1
    [[ $body == *'"object"'* ]]
}

find_go() {
    if command -v go >/dev/null 2>&1; then
        command -v go
    elif [[ -x /usr/local/go/bin/go ]]; then
        echo /usr/local/go/bin/go
    else
        return 1
    fi
}

build() {
    if [[ -x $STRIPE_BIN && -f $STAMP && "$(cat "$STAMP")" == "$STRIPE_MOCK_VERSION" ]]; then
        return 0
    fi
    local go
    go="$(find_go)" || die "Go toolchain not found (needed once to build stripe-mock $STRIPE_MOCK_VERSION)"
    log "building stripe-mock $STRIPE_MOCK_VERSION with $("$go" version)"
    mkdir -p "$GO_BIN_DIR"
    if [[ -z ${HOME:-} ]]; then # go needs somewhere for its module/build caches
        export GOPATH="$CACHE_DIR/go/path" GOCACHE="$CACHE_DIR/go/build-cache"
    fi
    rm -f "$STAMP"
    GOBIN="$GO_BIN_DIR" GOFLAGS=-buildvcs=false \
        "$go" install "github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION" >&2 ||
        die "go install github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION failed"
    [[ -x $STRIPE_BIN ]] || die "go install did not produce $STRIPE_BIN"
    echo "$STRIPE_MOCK_VERSION" >"$STAMP"
}

start() {
    ensure_cmd curl curl
    local url="${STRIPE_API_BASE:-}"
    if [[ -n $url && $url != "$DEFAULT_URL" ]] && url_answers "$url"; then
        log "STRIPE_API_BASE already answers; not starting anything"
        emit_export STRIPE_API_BASE "$url"
        return 0
    fi
    if url_answers "$DEFAULT_URL"; then
        log "$DEFAULT_URL already answers; not starting anything"
        emit_export STRIPE_API_BASE "$DEFAULT_URL"
        return 0
    fi

    local pid
    if pid="$(our_pid stripe-mock "$PID_PATTERN")"; then
        log "our stripe-mock (pid $pid) is running but not answering yet; waiting"
    else
        if tcp_open "$STRIPE_HOST" "$STRIPE_PORT"; then
            die "port $STRIPE_PORT is in use by something that is not stripe-mock"
        fi
        build
        # -http-addr binds HTTP to loopback only.  Note: in v0.203.0 an
        # -http-addr alone does NOT switch off the default HTTPS listener
        # (it would bind :12112 on ALL interfaces); -https-unix moves HTTPS to
        # a unix socket instead, so no second TCP port is taken at all.
        rm -f "$ROOT/$HTTPS_SOCKET"
        log "starting stripe-mock on $DEFAULT_URL (log: $STRIPE_LOG)"
        pid="$(cd "$ROOT" && spawn stripe-mock "$STRIPE_LOG" "$STRIPE_BIN" \
            -http-addr "$STRIPE_HOST:$STRIPE_PORT" -https-unix "$HTTPS_SOCKET")"
        log "stripe-mock pid $pid"
    fi
    if ! wait_until 60 "$pid" "stripe-mock HTTP" url_answers "$DEFAULT_URL"; then
        log_tail "$STRIPE_LOG"
        die "stripe-mock did not come up"
    fi
    log "ready"
    emit_export STRIPE_API_BASE "$DEFAULT_URL"
}

stop() {
    stop_by_pidfile stripe-mock "$PID_PATTERN"
    if [[ ! -f "$(pidfile stripe-mock)" ]] && [[ -S $ROOT/$HTTPS_SOCKET ]]; then
        rm -f "$ROOT/$HTTPS_SOCKET"
    fi
}

case "${1:-}" in
start) start ;;
stop) stop ;;
status)
    if pid="$(our_pid stripe-mock "$PID_PATTERN")"; then log "running (pid $pid)"; else log "not running (by us)"; fi
    ;;
*) usage_service ;;
esac
