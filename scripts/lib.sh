# shellcheck shell=bash
# Shared helpers for the local-services scripts (scripts/<service>.sh).
# Sourced, never executed.  Conventions:
#   * stdout carries ONLY `export NAME=value` lines (see emit_export);
#     everything else goes to stderr (log/die), so callers can
#     `eval "$(scripts/services.sh start)"`.
#   * A service we start ourselves gets var/run/<name>.pid; `stop` only ever
#     signals the pid recorded there (never anything found by name).
#   * All paths are absolute, derived from this file's location.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR_DIR="$ROOT/var"
RUN_DIR="$VAR_DIR/run"
LOG_DIR="$VAR_DIR/log"
CACHE_DIR="$VAR_DIR/cache"
SERVICE="${SERVICE:-$(basename "$0" .sh)}"

mkdir -p "$RUN_DIR" "$LOG_DIR" "$CACHE_DIR"

log() { printf '[%s] %s\n' "$SERVICE" "$*" >&2; }
die() { # die MESSAGE [EXIT_CODE]
    printf '[%s] ERROR: %s\n' "$SERVICE" "$1" >&2
    exit "${2:-1}"
}

# emit_export NAME VALUE -> the only thing ever written to stdout.
# Plain URLs are printed unquoted; anything with shell-special characters is
# single-quoted (POSIX, so `eval` works in sh/dash as well as bash).
emit_export() {
    local name="$1" value="$2"
    if [[ "$value" =~ ^[A-Za-z0-9_./:@%+=,-]*$ ]]; then
        printf 'export %s=%s\n' "$name" "$value"
    else
        printf "export %s='%s'\n" "$name" "${value//\'/\'\\\'\'}"
    fi
}

usage_service() {
    echo "usage: $0 start|stop|status" >&2
    exit 2
}

# ---------------------------------------------------------------- apt ------

# Run a command as root (directly, or via non-interactive sudo).
as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

# apt_install PKG... : install Debian packages, trying without `apt-get update`
# first (fast path, works when the package lists are already present) and only
# updating + retrying when that fails.  All output goes to stderr.
# While installing, a temporary policy-rc.d (only if none exists) keeps the
# packages' postinst from starting system services (system redis on 6379,
# Debian's "15/main" postgres cluster) - we run our own instances.
apt_install() {
    (($#)) || return 0
    command -v apt-get >/dev/null 2>&1 || die "apt-get not available; please install: $*"
    log "installing Debian package(s): $*"
    local policy=/usr/sbin/policy-rc.d created_policy=0 rc=0
    if [[ ! -e $policy ]]; then
        if as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy" 2>/dev/null; then
            created_policy=1
        fi
    fi
    local -a apt=(env DEBIAN_FRONTEND=noninteractive apt-get -y -q
        -o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0)
    if ! as_root "${apt[@]}" install "$@" >&2; then
        log "apt-get install failed; running apt-get update and retrying"
        if as_root "${apt[@]}" update >&2; then
            as_root "${apt[@]}" install "$@" >&2 || rc=$?
        else
            rc=$?
        fi
    fi
    if ((created_policy)); then
        as_root rm -f "$policy" || true
    fi
    ((rc == 0)) || die "apt-get install $* failed (exit $rc)"
}

# ensure_cmd COMMAND PACKAGE : make sure COMMAND is on PATH (apt-installs PACKAGE).
ensure_cmd() {
    command -v "$1" >/dev/null 2>&1 && return 0
    apt_install "$2"
    command -v "$1" >/dev/null 2>&1 || die "$1 still missing after installing $2"
}

# ----------------------------------------------------------- networking ----

# tcp_open HOST PORT : true if something accepts TCP connections there.
tcp_open() {
    # shellcheck disable=SC2016
    timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# url_hostport URL -> "host port" (default port given as $2 when absent)
url_hostport() {
    local url="$1" default_port="$2" rest hostport host port
    rest="${url#*://}"
    rest="${rest%%/*}"
    rest="${rest%%\?*}"
    hostport="${rest##*@}"
    if [[ $hostport == \[*\]* ]]; then # [ipv6]:port
        host="${hostport%%]*}"
        host="${host#[}"
        port="${hostport##*]}"
        port="${port#:}"
    elif [[ $hostport == *:* ]]; then
        host="${hostport%%:*}"
        port="${hostport##*:}"
    else
        host="$hostport"
        port=""
    fi
    echo "${host:-127.0.0.1} ${port:-$default_port}"
}

# wait_until TIMEOUT_S PID DESCRIPTION CHECK_CMD... :
# poll CHECK_CMD every 0.5 s until it succeeds; fail early if PID (when
# non-empty) dies; returns 1 on timeout, 2 if the process died.
wait_until() {
    local timeout="$1" pid="$2" what="$3"
    shift 3
    local deadline=$((SECONDS + timeout))
    while :; do
        if "$@"; then
            return 0
        fi
        if [[ -n $pid ]] && ! pid_alive "$pid"; then
            log "process $pid exited while waiting for $what"
            return 2
        fi
        if ((SECONDS >= deadline)); then
            log "timed out after ${timeout}s waiting for $what"
            return 1
        fi
        sleep 0.5
    done
}

# log_tail FILE [N] : copy the last lines of a log file to stderr.
log_tail() {
    local file="$1" n="${2:-40}"
    [[ -f $file ]] || return 0
    {
        echo "----- last $n lines of $file -----"
        tail -n "$n" "$file"
        echo "-----"
    } >&2
}

# ------------------------------------------------------------ pid files ----

pidfile() { echo "$RUN_DIR/$1.pid"; }

# pid_alive PID : process exists and is not a zombie.  (Our daemons are
# re-parented to pid 1; in containers pid 1 may reap exited children late or
# never, and `kill -0` succeeds on a zombie.)
pid_alive() {
    local pid="$1" stat
    kill -0 "$pid" 2>/dev/null || return 1
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"
    [[ ${stat:0:1} != Z ]]
}

# pid_matches PID PATTERN : process PID is alive and its command line contains
# PATTERN (an extended regex).  The pattern check only guards against a
# recycled pid after a reboot/crash; it is never used to *find* processes.
pid_matches() {
    local pid="$1" pattern="$2" cmdline
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    pid_alive "$pid" || return 1
    cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
    [[ -z $pattern || $cmdline =~ $pattern ]]
}

# our_pid NAME PATTERN : print the pid recorded in var/run/NAME.pid if that
# process is still alive (and matches PATTERN); remove a stale pid file and
# return 1 otherwise.
our_pid() {
    local name="$1" pattern="$2" file pid
    file="$(pidfile "$name")"
    [[ -f $file ]] || return 1
    pid="$(head -n1 "$file" 2>/dev/null | tr -dc '0-9')"
    if [[ -n $pid ]] && pid_matches "$pid" "$pattern"; then
        echo "$pid"
        return 0
    fi
    if [[ -n $pid ]] && pid_alive "$pid"; then
        log "removing stale pid file $file (pid $pid is alive but is not our $name process)"
    else
        log "removing stale pid file $file${pid:+ (pid $pid not running)}"
    fi
    rm -f "$file"
    return 1
}

# kill_pid PID [GRACE_S] : TERM, wait up to GRACE_S (default 30) s, then KILL.
kill_pid() {
    local pid="$1" grace="${2:-30}" i
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < grace * 10; i++)); do
        pid_alive "$pid" || return 0
        sleep 0.1
    done
    log "pid $pid did not exit after ${grace}s; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        pid_alive "$pid" || return 0
        sleep 0.1
    done
    log "WARNING: pid $pid still present after KILL"
}

# stop_by_pidfile NAME PATTERN : the generic `stop`.  No pid file -> no-op.
stop_by_pidfile() {
    local name="$1" pattern="$2" pid
    if ! pid="$(our_pid "$name" "$pattern")"; then
        log "not started by us (no live pid file); nothing to stop"
        return 0
    fi
    log "stopping pid $pid"
    kill_pid "$pid" 30
    rm -f "$(pidfile "$name")"
    log "stopped"
}

# spawn NAME LOGFILE CMD... : start CMD detached (own session, no tty, stdin
# from /dev/null, stdout+stderr appended to LOGFILE) and record its pid in
# var/run/NAME.pid.  The pid is written by the process itself right before it
# exec()s CMD, so it is exactly the pid of CMD even if setsid had to fork.
spawn() {
    local name="$1" logfile="$2" file tmp i
    shift 2
    file="$(pidfile "$name")"
    tmp="$file.new.$$"
    rm -f "$tmp"
    mkdir -p "$(dirname "$logfile")"
    printf '\n===== %s starting %s: %s\n' "$(date '+%F %T')" "$name" "$*" >>"$logfile"
    # shellcheck disable=SC2016
    setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$tmp" "$@" >>"$logfile" 2>&1 </dev/null &
    for ((i = 0; i < 100; i++)); do
        [[ -s $tmp ]] && break
        sleep 0.05
    done
    [[ -s $tmp ]] || die "could not start $name (no pid recorded); see $logfile"
    mv -f "$tmp" "$file"
    cat "$file"
}
