#!/usr/bin/env bash
# The run command: installs what is missing, builds the browser app and the bridge in
# release mode, and runs the playground. Arguments go to `smtp-playground serve`; without
# --listen it serves http://127.0.0.1:8080.

set -euo pipefail
# shellcheck source=lib/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"

cd "$SMTP_PLAYGROUND_ROOT"

# The address the server will listen on, read from the arguments only to print the URL.
listen_address() {
    local address="127.0.0.1:8080"
    while (($#)); do
        case "$1" in
        --listen=*) address="${1#--listen=}" ;;
        --listen) [[ $# -ge 2 ]] && address="$2" ;;
        esac
        shift
    done
    printf '%s' "$address"
}

bash scripts/setup.sh
bash scripts/build-frontend.sh
cargo build --release -p bridge

printf '\nsmtp-playground: open http://%s in a browser (Ctrl-C stops it)\nsandbox SMTP server: 127.0.0.1:2525 (unless --sandbox-listen or --no-sandbox), demo account demo / demo; it keeps mail, it never relays it\n\n' "$(listen_address "$@")"
exec "$CARGO_TARGET_DIR/release/smtp-playground" serve "$@"
