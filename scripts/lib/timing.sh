# shellcheck shell=bash
# Timed steps for the setup and test scripts, so every run says what each step cost.
#
#   run_step NAME COMMAND [ARGS...]  runs COMMAND in a subshell with `set -e`, then prints
#                                    "NAME: ok|FAILED in 1.2s (note)"
#   step_note TEXT                   called inside a step: says what it did ("skipped: ...")
#   print_step_summary TITLE         every step's line and the total time
#
# A failing step makes run_step return its status, which stops a `set -e` script. With
# STEP_KEEP_GOING=1 it is counted in STEP_FAILURES instead and run_step returns 0, so a
# test run reports every failing step, not only the first.
#
# Call run_step as a plain statement, never after `||`, `&&`, `!` or in an `if`: bash
# ignores `set -e` everywhere below such a call, subshells included, and a failing command
# in the middle of a step would go unnoticed. The step runs in a subshell, so it cannot set
# the caller's variables; its one-line note travels back on file descriptor 3 while its own
# output goes straight to the terminal.

STEP_RESULTS=()
STEP_FAILURES=0
STEP_KEEP_GOING="${STEP_KEEP_GOING:-0}"
STEP_STARTED_AT="${EPOCHREALTIME/,/.}"

# Seconds from an $EPOCHREALTIME value to now, with one decimal, e.g. "12.3s".
elapsed_since() {
    local now="${EPOCHREALTIME/,/.}"
    awk -v a="$1" -v b="$now" 'BEGIN { printf "%.1fs", b - a }'
}

step_note() {
    printf '%s' "$*" >&3
}

run_step() {
    local name="$1"
    shift
    local start="${EPOCHREALTIME/,/.}" status note errexit=0
    [[ $- == *e* ]] && errexit=1
    printf '==> %s\n' "$name"
    set +e
    {
        note="$( (
            set -e
            "$@"
        ) 3>&1 1>&4)"
        status=$?
    } 4>&1
    ((errexit)) && set -e
    local result="ok"
    ((status == 0)) || result="FAILED (exit $status)"
    local took line
    took="$(elapsed_since "$start")"
    line="$name: $result in $took${note:+ ($note)}"
    printf '<== %s\n' "$line"
    STEP_RESULTS+=("$line")
    if ((status != 0)) && ((STEP_KEEP_GOING)); then
        STEP_FAILURES=$((STEP_FAILURES + 1))
        return 0
    fi
    return "$status"
}

print_step_summary() {
    printf -- '--- %s: step times ---\n' "$1"
    local line
    for line in "${STEP_RESULTS[@]}"; do
        printf '  %s\n' "$line"
    done
    printf '  total: %s\n' "$(elapsed_since "$STEP_STARTED_AT")"
}
