#!/usr/bin/env bash
# Recaptures the whole corpus: starts the servers (servers.sh), runs every scenario of
# scenarios.py through the recording proxy (capture.py), writes the transcripts and their
# labels next to this directory, then stops the servers it started.
#
#   protocol/tests/corpus/capture/run.sh [capture.py options, e.g. --only exim/ --clients swaks]
#
# Needs: scripts/setup.sh done (Postfix, swaks, the venv with aiosmtpd), and the extracted
# tools described in ../README.md (exim, maildev; telnet, openssl, nc, smtp-source/-sink).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
trap 'bash "$HERE/servers.sh" stop aiosmtpd custom sink maildev exim || true' EXIT
bash "$HERE/servers.sh" start
# Debian's python3 runs the smtplib clients; the venv's only serves aiosmtpd.
nice python3 "$HERE/capture.py" "$@"
rm -rf "$HERE/__pycache__"
