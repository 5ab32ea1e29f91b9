#!/usr/bin/env bash
# Installs what the corpus capture needs beyond scripts/setup.sh, OUTSIDE the repository:
#   - telnet (apt package; harmless next to Postfix)
#   - Exim: Debian's exim4-base + exim4-daemon-light (+ libidn12), downloaded with
#     `apt-get download` and unpacked with `dpkg-deb -x`. They are NEVER installed: the
#     exim4 packages conflict with postfix.
#   - MailDev (npm package maildev)
#   - a venv with aiosmtpd, used only when the repository's .tmp/venv is missing
# into SMTP_CORPUS_TOOLS (default: ../corpus-tools next to the repository). Run as root.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../../../.." && pwd)"
TOOLS="${SMTP_CORPUS_TOOLS:-$REPO/../corpus-tools}"
mkdir -p "$TOOLS/debs"

command -v telnet >/dev/null || apt-get install -y -qq telnet

if [[ ! -x $TOOLS/exim/usr/sbin/exim4 ]]; then
    (cd "$TOOLS/debs" && apt-get download exim4-base exim4-daemon-light libidn12)
    mkdir -p "$TOOLS/exim"
    for deb in "$TOOLS"/debs/exim4-base_*.deb "$TOOLS"/debs/exim4-daemon-light_*.deb "$TOOLS"/debs/libidn12_*.deb; do
        dpkg-deb -x "$deb" "$TOOLS/exim"
    done
fi

if [[ ! -x $TOOLS/maildev/node_modules/.bin/maildev ]]; then
    mkdir -p "$TOOLS/maildev"
    (cd "$TOOLS/maildev" && npm install --no-audit --no-fund maildev)
fi

if ! "$REPO/.tmp/venv/bin/python" -c 'import aiosmtpd' 2>/dev/null &&
    ! "$TOOLS/venv/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
    python3 -m venv "$TOOLS/venv"
    "$TOOLS/venv/bin/pip" install -q -r "$REPO/scripts/requirements.txt"
fi
echo "tools ready in $TOOLS"
