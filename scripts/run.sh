#!/usr/bin/env bash
# The run command: installs what is missing (scripts/setup.sh --run: the build tools, not
# the test servers or the browser), builds the browser app and the bridge in release mode,
# and runs the playground. Arguments go to `smtp-playground serve`; without --listen it
# serves http://127.0.0.1:8080.
#
# On a fresh machine most of the time is compiling, so everything that can overlap does
# (bench/README.md, "fresh machine"): while setup installs packages and compiles Trunk and
# wasm-bindgen-cli, the app's wasm and the bridge are compiled in the background. The bridge
# waits for nothing, so it is the one at a lower priority (nice): the tools and the app's
# wasm, which the frontend build waits for, get the CPU first. The bridge is compiled
# without the app inside (SMTP_PLAYGROUND_EMBED_APP=0, bridge/build.rs) and serves dist/
# from disk (--frontend-dir), so it never waits for the frontend or compiles again because
# of it; and with the `serve` profile (Cargo.toml), which compiles in less time than
# `release`. For one self-contained, fully optimised binary, run
# `cargo build --release -p bridge` after this has built dist/.

set -euo pipefail
# shellcheck source=setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

cd "$SMTP_PLAYGROUND_ROOT"

# Whether the arguments name a folder to serve already.
names_frontend_dir() {
    local arg
    for arg in "$@"; do
        [[ $arg == --frontend-dir || $arg == --frontend-dir=* ]] && return 0
    done
    return 1
}

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

WASM_PREBUILD="build: app wasm"
BRIDGE_BUILD="build: bridge"

# Started by setup_main once a compiler is there (see the top of this file).
start_prebuilds() {
    job_start "$WASM_PREBUILD" bash scripts/build-frontend.sh --wasm-only
    job_start "$BRIDGE_BUILD" env SMTP_PLAYGROUND_EMBED_APP=0 \
        nice -n 10 cargo build --profile serve -p bridge
}

trap job_stop_all EXIT
# Ctrl-C or a timeout's TERM still stops the background jobs: exiting runs the EXIT trap.
trap 'exit 130' INT
trap 'exit 143' TERM
setup_main run start_prebuilds
job_wait "$WASM_PREBUILD"
run_step "build: frontend" bash scripts/build-frontend.sh
job_wait "$BRIDGE_BUILD"
print_step_summary "run"
trap - EXIT
serve_args=(serve)
names_frontend_dir "$@" || serve_args+=(--frontend-dir "$SMTP_PLAYGROUND_ROOT/dist")

printf '\nsmtp-playground: open http://%s in a browser (Ctrl-C stops it)\nsandbox SMTP server: 127.0.0.1:2525 (unless --sandbox-listen or --no-sandbox), demo account demo / demo; it keeps mail, it never relays it\n\n' "$(listen_address "$@")"
exec "$CARGO_TARGET_DIR/serve/smtp-playground" "${serve_args[@]}" "$@"
