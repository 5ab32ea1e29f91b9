# shellcheck shell=bash
# Background steps for setup.sh and run.sh: work that needs only a compiler (the tools'
# `cargo install`, prebuilding) runs while apt, npm and pip download, so both cores stay
# busy on a fresh machine. Sourced after lib/timing.sh.
#
#   job_start NAME COMMAND [ARGS...]  runs COMMAND in the background like run_step (a
#                                     subshell with `set -e`, step_note works), its output
#                                     in a log file; prints "==> NAME [background, log: FILE]"
#   job_wait NAME                     waits for it and counts its result like run_step's;
#                                     a failure shows the end of its log and returns its status
#   job_wait_all                      job_wait for every job not waited for yet
#
# A job prints its own "<== NAME: ok|FAILED in 12.3s (note)" line the moment it ends, so
# the times are the job's and not the wait's. A job that fails is never lost: job_wait
# returns its status (STEP_KEEP_GOING as in run_step), and a script that exits before
# waiting (an error, Ctrl-C) stops every job still running (job_stop_all, on EXIT).
#
# Like run_step, call job_wait as a plain statement, never after `||`, `&&`, `!` or in an
# `if` (see lib/timing.sh).

JOB_LOG_DIR="${JOB_LOG_DIR:-$SMTP_PLAYGROUND_TMP/logs}"
declare -A JOB_PID=() JOB_LOG=() JOB_DIR=()
JOB_ORDER=()

job_slug() {
    local slug
    slug="$(printf '%s' "$1" | tr -c 'A-Za-z0-9._-' '-' | tr -s '-')"
    slug="${slug#-}"
    printf '%s' "${slug%-}"
}

job_start() {
    local name="$1"
    shift
    local slug dir log pid
    slug="$(job_slug "$name")"
    mkdir -p "$JOB_LOG_DIR"
    log="$JOB_LOG_DIR/$slug.log"
    dir="$(mktemp -d)"
    printf '==> %s [background, log: %s]\n' "$name" "${log#"$SMTP_PLAYGROUND_ROOT"/}"
    # Its own process group (monitor mode for this one spawn), so stopping it stops the
    # cargo and rustc processes under it too.
    set -m
    (
        set +m
        start="${EPOCHREALTIME/,/.}"
        set +e
        (
            set -e
            "$@"
        ) >"$log" 2>&1 3>"$dir/note" </dev/null
        status=$?
        result="ok"
        ((status == 0)) || result="FAILED (exit $status)"
        took="$(elapsed_since "$start")"
        line="$name: $result in $took"
        [[ -s $dir/note ]] && line+=" ($(cat "$dir/note"))"
        printf '%s' "$line" >"$dir/line"
        printf '<== %s\n' "$line"
        exit "$status"
    ) &
    pid=$!
    set +m
    JOB_PID[$name]=$pid
    JOB_LOG[$name]=$log
    JOB_DIR[$name]=$dir
    JOB_ORDER+=("$name")
}

job_wait() {
    local name="$1" status=0 line
    [[ -n ${JOB_PID[$name]:-} ]] || {
        echo "job_wait: no job named $name" >&2
        return 1
    }
    wait "${JOB_PID[$name]}" || status=$?
    line="$(cat "${JOB_DIR[$name]}/line" 2>/dev/null)" || line="$name: FAILED (exit $status, no result)"
    STEP_RESULTS+=("$line")
    if ((status != 0)); then
        printf -- '--- %s failed; the end of %s:\n' "$name" "${JOB_LOG[$name]}" >&2
        tail -n 40 "${JOB_LOG[$name]}" >&2 || true
        printf -- '---\n' >&2
    fi
    rm -rf "${JOB_DIR[$name]}"
    unset "JOB_PID[$name]" "JOB_DIR[$name]"
    if ((status != 0)) && ((STEP_KEEP_GOING)); then
        STEP_FAILURES=$((STEP_FAILURES + 1))
        return 0
    fi
    return "$status"
}

job_wait_all() {
    local name
    for name in "${JOB_ORDER[@]}"; do
        [[ -n ${JOB_PID[$name]:-} ]] || continue
        job_wait "$name"
    done
}

# Stops the jobs still running (their whole process groups); for an EXIT trap.
job_stop_all() {
    local name pid
    for name in "${JOB_ORDER[@]}"; do
        pid="${JOB_PID[$name]:-}"
        [[ -n $pid ]] || continue
        kill -TERM -- "-$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        rm -rf "${JOB_DIR[$name]}"
        unset "JOB_PID[$name]"
    done
}
