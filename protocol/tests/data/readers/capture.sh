#!/usr/bin/env bash
# Captures the logs the transcript readers are tested against: swaks, telnet, nc, openssl
# s_client, Python smtplib and postfix smtp-source, run for real against the test Postfix
# (scripts/postfix.sh; started unless SMTP_PLAYGROUND_POSTFIX is set) and against
# fake_server.py for timeouts and hang-ups. Interactive tools run in a pseudo-terminal
# (terminal.py) at a bash prompt, so the logs are what a screen shows: typed lines echoed
# between the replies. Everything talks to 127.0.0.1 only.
#
#   protocol/tests/data/readers/capture.sh [NAME...]
#
# Then review the diff (dates, queue ids, certificates and session tickets change on every
# run) and update NAME.expect with the readers' new output only where it is right.

set -euo pipefail
# shellcheck disable=SC1091 # scripts/lib/env.sh, found from this file's location
source "$(dirname "${BASH_SOURCE[0]}")/../../../../scripts/lib/env.sh"

HERE="$SMTP_PLAYGROUND_ROOT/protocol/tests/data/readers"
SILENT_PORT="${SMTP_PLAYGROUND_SILENT_PORT:-10931}"
HANGUP_PORT="${SMTP_PLAYGROUND_HANGUP_PORT:-10932}"
export FAKE_HANGUP_PORT="$HANGUP_PORT"

if [[ -z ${SMTP_PLAYGROUND_POSTFIX:-} ]]; then
    eval "$(bash "$SMTP_PLAYGROUND_ROOT/scripts/postfix.sh" start)"
fi
PLAIN="$SMTP_PLAYGROUND_POSTFIX"
SUBMISSION="$SMTP_PLAYGROUND_POSTFIX_SUBMISSION"
SMTPS="$SMTP_PLAYGROUND_POSTFIX_SMTPS"

python3 "$HERE/fake_server.py" silent "$SILENT_PORT" &
SILENT_PID=$!
python3 "$HERE/fake_server.py" hangup "$HANGUP_PORT" &
HANGUP_PID=$!
trap 'kill "$SILENT_PID" "$HANGUP_PID" 2>/dev/null || true' EXIT
sleep 0.5

# terminal NAME STEPS COMMAND...: an interactive session at a bash prompt.
terminal() {
    local name=$1 steps=$2
    shift 2
    python3 "$HERE/terminal.py" --shell -- "$@" <"$HERE/steps/$steps.steps" >"$HERE/$name.txt"
}

# python_log NAME: a Python script's output (smtplib debug output goes to stderr), run from
# stdin so tracebacks name no file of this machine.
python_log() {
    local name=$1
    /usr/bin/python3 - <"$HERE/scripts_py/$name.py" >"$HERE/$name.txt" 2>&1 || true
}

SELECTED=" $* "
# wanted NAME: whether NAME is to be captured (all when no names were given).
wanted() { [[ $SELECTED == "  " || $SELECTED == *" $1 "* ]]; }

# --- swaks ---
wanted swaks_starttls_auth && terminal swaks_starttls_auth shell_only \
    swaks --to bob@postfix.test --from alice@postfix.test --server "$SUBMISSION" \
    -tls -a LOGIN -au "$SMTP_PLAYGROUND_POSTFIX_USER" -ap "$SMTP_PLAYGROUND_POSTFIX_PASSWORD"
wanted swaks_implicit_tls && terminal swaks_implicit_tls shell_only \
    swaks --to bob@postfix.test --from alice@postfix.test --server "$SMTPS" --tlsc \
    -a PLAIN -au "$SMTP_PLAYGROUND_POSTFIX_USER" -ap "$SMTP_PLAYGROUND_POSTFIX_PASSWORD"
wanted swaks_unknown_user && terminal swaks_unknown_user shell_only \
    swaks --to nobody@postfix.test --from bob@example.com --server "$PLAIN"
wanted swaks_no_starttls && terminal swaks_no_starttls shell_only \
    swaks --to alice@postfix.test --server "$PLAIN" -tls
wanted swaks_tls_verify_failed && terminal swaks_tls_verify_failed shell_only \
    swaks --to alice@postfix.test --server "$SUBMISSION" -tls --tls-verify
wanted swaks_refused && terminal swaks_refused shell_only \
    swaks --to alice@postfix.test --server 127.0.0.1:1
wanted swaks_timeout && terminal swaks_timeout shell_only \
    swaks --to alice@postfix.test --server "127.0.0.1:$SILENT_PORT" --timeout 2
wanted swaks_hangup && terminal swaks_hangup shell_only \
    swaks --to alice@postfix.test --server "127.0.0.1:$HANGUP_PORT"
wanted swaks_pipeline_suppressed && terminal swaks_pipeline_suppressed shell_only \
    swaks --to alice@postfix.test --from bob@example.com --server "$PLAIN" --pipeline \
    --suppress-data

# --- telnet and nc ---
wanted telnet_deliver && terminal telnet_deliver telnet_deliver telnet "${PLAIN%:*}" "${PLAIN#*:}"
wanted telnet_errors && terminal telnet_errors telnet_errors telnet "${PLAIN%:*}" "${PLAIN#*:}"
wanted telnet_bdat && terminal telnet_bdat telnet_bdat telnet "${PLAIN%:*}" "${PLAIN#*:}"
wanted telnet_escape && terminal telnet_escape telnet_escape telnet "${PLAIN%:*}" "${PLAIN#*:}"
wanted nc_pipelined && terminal nc_pipelined nc_pipelined nc -C -v "${PLAIN%:*}" "${PLAIN#*:}"
wanted nc_paste_crlf && terminal nc_paste_crlf nc_paste_crlf nc -C -v "${PLAIN%:*}" "${PLAIN#*:}"
wanted nc_server_only && terminal nc_server_only shell_only \
    "printf 'EHLO client.example\\r\\nVRFY alice@postfix.test\\r\\nQUIT\\r\\n' | nc ${PLAIN%:*} ${PLAIN#*:}"

# --- openssl s_client ---
wanted s_client_starttls && terminal s_client_starttls s_client_starttls \
    openssl s_client -starttls smtp -connect "$SUBMISSION" -crlf
wanted s_client_renegotiate && terminal s_client_renegotiate s_client_renegotiate \
    openssl s_client -starttls smtp -connect "$SUBMISSION" -crlf
wanted s_client_q && terminal s_client_q s_client_q \
    openssl s_client -connect "$SMTPS" -crlf -brief
wanted s_client_implicit_quiet && terminal s_client_implicit_quiet s_client_implicit \
    openssl s_client -connect "$SMTPS" -crlf -quiet
wanted s_client_no_starttls && terminal s_client_no_starttls s_client_fail \
    openssl s_client -starttls smtp -connect "$PLAIN" -crlf
wanted s_client_verify_failed && terminal s_client_verify_failed s_client_fail \
    openssl s_client -connect "$SMTPS" -crlf -verify_return_error -servername postfix.test

# --- Python smtplib ---
for name in smtplib_level1 smtplib_level2_starttls smtplib_refused smtplib_disconnected; do
    wanted "$name" && python_log "$name"
done

# --- postfix smtp-source ---
wanted smtp_source && /usr/sbin/smtp-source -v -c -m 1 -t alice@postfix.test \
    -f bob@example.com "$PLAIN" >"$HERE/smtp_source.txt" 2>&1
wanted smtp_source_rejected && terminal smtp_source_rejected shell_only \
    smtp-source -v -m 1 -t nobody@postfix.test -f bob@example.com "$PLAIN"
true
