# shellcheck shell=bash
# Sourced by the scripts that run one test server as a daemon of their own (dns.sh,
# dnssec.sh): its pid file, the bounded waits for it to answer and to stop, status, and
# the start|stop|status|env command line. The script defines, before calling these:
#
#   PID_FILE      the daemon's pid file
#   DAEMON        the daemon's process name (/proc/PID/comm), e.g. dnsmasq
#   DAEMON_LOG    its log, whose tail is shown when it does not answer
#   DAEMON_WHERE  where it listens, for messages, e.g. 127.0.0.1:15353
#   WAIT_TRIES    how many times 0.2 s each wait lasts at most
#   answers       succeeds when the daemon answers as it should
#   print_env     prints the export lines
#   start         starts it (calling daemon_wait_answering at the end)

# Messages to stderr, named by the script that runs (dns.sh: ...).
log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

daemon_pid() {
    [[ -s $PID_FILE ]] && cat "$PID_FILE"
}

daemon_is_running() {
    local p
    p="$(daemon_pid)" || return 1
    kill -0 "$p" 2>/dev/null && [[ $(cat "/proc/$p/comm" 2>/dev/null) == "$DAEMON" ]]
}

# Runs a command that forks into the background with only stdin, stdout and stderr open.
# A daemon keeps every descriptor it inherits unless it closes them itself (dnsmasq does,
# unbound does not): one holding the write end of a pipe its caller reads (test.sh's step
# notes, descriptor 3 in run_step) would keep that caller waiting for ever.
daemon_spawn() {
    (
        local fd
        for fd in /proc/self/fd/*; do
            fd="${fd##*/}"
            if ((fd > 2)); then
                eval "exec ${fd}>&-" 2>/dev/null || true
            fi
        done
        exec "$@"
    )
}

# After the daemon was started: waits until it answers (prints the env) or fails.
daemon_wait_answering() {
    local try
    for ((try = 0; try < WAIT_TRIES; try++)); do
        if answers; then
            log "running on $DAEMON_WHERE (state in $(dirname "$PID_FILE"))"
            print_env
            return
        fi
        sleep 0.2
    done
    tail -n 20 "$DAEMON_LOG" >&2 2>/dev/null || true
    die "$DAEMON does not answer on $DAEMON_WHERE within $((WAIT_TRIES / 5)) s"
}

daemon_stop() {
    local p try
    if ! daemon_is_running; then
        log "not running"
        rm -f "$PID_FILE"
        return
    fi
    p="$(daemon_pid)"
    kill "$p"
    for ((try = 0; try < WAIT_TRIES; try++)); do
        kill -0 "$p" 2>/dev/null || {
            rm -f "$PID_FILE"
            log "stopped"
            return
        }
        sleep 0.2
    done
    die "$DAEMON (pid $p) did not stop within $((WAIT_TRIES / 5)) s"
}

daemon_status() {
    daemon_is_running && answers
}

daemon_main() {
    local command="${1:-}"
    case "$command" in
    start) start ;;
    stop) daemon_stop ;;
    status) daemon_status ;;
    env) print_env ;;
    *)
        log "usage: $0 start|stop|status|env"
        exit 2
        ;;
    esac
}
