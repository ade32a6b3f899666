#!/usr/bin/env bash
# Start/stop all local services for development and tests.
#   eval "$(scripts/services.sh start)"          # all, in dependency order
#   scripts/services.sh start postgres redis      # only those
#   scripts/services.sh stop [names...]           # reverse order
# `start` prints only `export NAME=value` lines on stdout (progress goes to
# stderr).  Every service is attempted even if an earlier one fails; the exit
# status is that of the first failure (elasticsearch exits 3 when Java is
# missing, so callers can carry on without search).
set -euo pipefail

SCRIPTS="$(cd "$(dirname "$0")" && pwd)"
ALL=(postgres redis elasticsearch stripe-mock)

usage() {
    echo "usage: $0 start|stop|status [${ALL[*]}]..." >&2
    exit 2
}

action="${1:-}"
case "$action" in
start | stop | status) shift ;;
*) usage ;;
esac

selected=()
if (($#)); then
    for name in "$@"; do
        known=0
        for s in "${ALL[@]}"; do [[ $s == "$name" ]] && known=1; done
        ((known)) || {
            echo "services.sh: unknown service '$name' (known: ${ALL[*]})" >&2
            exit 2
        }
    done
    # Keep the canonical order whatever order the names were given in.
    for s in "${ALL[@]}"; do
        for name in "$@"; do
            if [[ $s == "$name" ]]; then
                selected+=("$s")
                break
            fi
        done
    done
else
    selected=("${ALL[@]}")
fi

if [[ $action == stop ]]; then # reverse order
    reversed=()
    for ((i = ${#selected[@]} - 1; i >= 0; i--)); do reversed+=("${selected[i]}"); done
    selected=("${reversed[@]}")
fi

status=0
for s in "${selected[@]}"; do
    rc=0
    "$SCRIPTS/$s.sh" "$action" || rc=$?
    if ((rc != 0)); then
        echo "services.sh: $s $action failed (exit $rc)" >&2
        ((status != 0)) || status=$rc
    fi
done
exit "$status"
