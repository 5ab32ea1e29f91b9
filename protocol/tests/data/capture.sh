#!/usr/bin/env bash
# Recaptures the SMTP sessions in this directory from real servers: the test Postfix
# (started with scripts/postfix.sh unless SMTP_PLAYGROUND_POSTFIX points at one) and
# aiosmtpd from the venv that scripts/setup.sh makes, started here on loopback and
# stopped at the end. Review the diff before committing: dates and message ids change.
#
#   protocol/tests/data/capture.sh

set -euo pipefail
# shellcheck disable=SC1091 # scripts/lib/env.sh, found from this file's location
source "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/lib/env.sh"

DATA="$SMTP_PLAYGROUND_ROOT/protocol/tests/data"
AIOSMTPD_PORT="${SMTP_PLAYGROUND_AIOSMTPD_PORT:-10027}"
PYTHON="$SMTP_PLAYGROUND_VENV/bin/python"

[[ -x $PYTHON ]] || {
    echo "capture.sh: no venv at $SMTP_PLAYGROUND_VENV; run scripts/setup.sh" >&2
    exit 1
}
if [[ -z ${SMTP_PLAYGROUND_POSTFIX:-} ]]; then
    eval "$(bash "$SMTP_PLAYGROUND_ROOT/scripts/postfix.sh" start)"
fi

"$PYTHON" -m aiosmtpd -n -l "127.0.0.1:$AIOSMTPD_PORT" >"$SMTP_PLAYGROUND_TMP/aiosmtpd.log" 2>&1 &
AIOSMTPD_PID=$!
trap 'kill "$AIOSMTPD_PID" 2>/dev/null || true; wait "$AIOSMTPD_PID" 2>/dev/null || true' EXIT
for ((try = 0; try < 50; try++)); do
    (exec 5<>"/dev/tcp/127.0.0.1/$AIOSMTPD_PORT") 2>/dev/null && break
    kill -0 "$AIOSMTPD_PID" 2>/dev/null || {
        echo "capture.sh: aiosmtpd exited; see $SMTP_PLAYGROUND_TMP/aiosmtpd.log" >&2
        exit 1
    }
    sleep 0.2
done

"$PYTHON" "$DATA/capture.py" "$DATA" \
    "postfix=$SMTP_PLAYGROUND_POSTFIX" "aiosmtpd=127.0.0.1:$AIOSMTPD_PORT"
