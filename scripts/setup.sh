#!/usr/bin/env bash
# Installs what building and testing smtp-playground needs on a Debian 12 machine that has
# Rust through rustup, and nothing that is already there: every step checks first, so a
# second run takes seconds. Run as root (apt). Each step prints its time.
#
#   scripts/setup.sh         everything: what the test command (scripts/test.sh) needs
#   scripts/setup.sh --run   only what the run command (scripts/run.sh) needs to build and
#                            serve: no browser, no test servers, no Python venv
#
# Steps: Rust target and components; a C compiler (cargo links with it, and some crates
# compile C); then, in the background, wasm-bindgen-cli and Trunk at the versions in
# scripts/lib/versions.sh, while the foreground installs the Debian packages (Node and npm
# when missing), the npm tools in tools/ (wasm-opt, terser) and, for the tests, a Python
# venv in .tmp/venv with the test SMTP server aiosmtpd. Compiling the tools is most of a
# fresh machine's setup and needs only the compiler, so it runs from the start (bench/
# README.md, "fresh machine"); their logs are in .tmp/logs/.
#
# scripts/run.sh sources this file for setup_main and its steps (main runs only when the
# file is executed).

set -euo pipefail
# shellcheck source=lib/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
# shellcheck source=lib/timing.sh
source "$SMTP_PLAYGROUND_ROOT/scripts/lib/timing.sh"
# shellcheck source=lib/jobs.sh
source "$SMTP_PLAYGROUND_ROOT/scripts/lib/jobs.sh"
# shellcheck source=lib/versions.sh
source "$SMTP_PLAYGROUND_ROOT/scripts/lib/versions.sh"

# What building the app and the bridge needs (scripts/build-frontend.sh: python3, openssl,
# brotli; Node and npm are checked by command in step_node).
BUILD_APT_PACKAGES=(python3 openssl brotli)
# What the tests need on top. exim4 would conflict with postfix; Debian's binaryen is too
# old for the bundle, so wasm-opt comes from npm (tools/package.json) instead. unbound and
# ldnsutils (the zone signer) are for scripts/dnssec.sh, which runs its own unbound;
# step_unbound_service keeps the Debian service off.
TEST_APT_PACKAGES=(chromium chromium-driver fonts-wqy-microhei postfix sasl2-bin libsasl2-modules swaks netcat-openbsd python3-venv dnsmasq-base unbound ldnsutils)
# The C compiler and the C library's headers, when there is no `cc`.
CC_APT_PACKAGES=(gcc libc6-dev)

cd "$SMTP_PLAYGROUND_ROOT"

# "run" or "test" (the default): which of the steps below setup_main runs.
SETUP_PROFILE="test"

step_rust() {
    command -v rustup >/dev/null || {
        echo "rustup not found: install Rust with rustup first" >&2
        return 1
    }
    local missing=()
    rustup target list --installed | grep -qx wasm32-unknown-unknown ||
        rustup target add wasm32-unknown-unknown
    local component
    for component in rustfmt clippy; do
        rustup component list --installed | grep -q "^$component" || missing+=("$component")
    done
    if ((${#missing[@]})); then
        rustup component add "${missing[@]}"
        step_note "installed ${missing[*]}"
    else
        step_note "wasm32 target, rustfmt and clippy present"
    fi
}

# Packages that are missing, of those named (by dpkg's status).
missing_packages() {
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
            printf '%s\n' "$pkg"
    done
}

# cargo links every build with `cc`, and crates such as zstd-sys (Trunk) and ring (the
# bridge) compile C: the tools' installs cannot start without it, so it comes first.
step_cc() {
    if command -v cc >/dev/null; then
        step_note "present: $(cc --version | head -n 1)"
        return
    fi
    apt_install --no-install-recommends "${CC_APT_PACKAGES[@]}"
    step_note "installed ${CC_APT_PACKAGES[*]}"
}

# The build's packages come without their recommendations: Debian's npm recommends a
# whole C/C++ build chain for node-gyp (666 packages and 207 MB with them, 384 and 43 MB
# without), which nothing here compiles with. The tests' packages keep theirs (Chromium's
# fonts and helpers).
step_apt() {
    local build=("${BUILD_APT_PACKAGES[@]}") missing_build=() missing_test=()
    # Node and npm from Debian unless a Node is there already (see step_node).
    command -v node >/dev/null || build+=(nodejs)
    command -v npm >/dev/null || build+=(npm)
    mapfile -t missing_build < <(missing_packages "${build[@]}")
    if [[ $SETUP_PROFILE != run ]]; then
        mapfile -t missing_test < <(missing_packages "${TEST_APT_PACKAGES[@]}")
    fi
    if ((${#missing_build[@]} + ${#missing_test[@]} == 0)); then
        step_note "skipped: all packages present"
        return
    fi
    if ((${#missing_build[@]})); then
        apt_install --no-install-recommends "${missing_build[@]}"
    fi
    if ((${#missing_test[@]})); then
        # Postfix without any system configuration: scripts/postfix.sh brings its own.
        echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
        apt_install "${missing_test[@]}"
    fi
    local installed=("${missing_build[@]}" "${missing_test[@]}")
    step_note "installed ${installed[*]}"
}

# The Debian unbound package enables a system resolver on port 53 of loopback (and, with
# resolvconf installed, unbound-resolvconf points /etc/resolv.conf at it). The tests need
# none of it (scripts/dnssec.sh runs its own unbound on a high port), so the service is
# stopped and disabled. Where no service manager runs (a container whose policy-rc.d
# refuses starts) there is nothing to do.
step_unbound_service() {
    local unit stopped=()
    if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
        for unit in unbound.service unbound-resolvconf.service; do
            if systemctl is-enabled --quiet "$unit" 2>/dev/null ||
                systemctl is-active --quiet "$unit" 2>/dev/null; then
                need_root "systemctl disable --now $unit"
                systemctl disable --now "$unit"
                stopped+=("$unit")
            fi
        done
    elif [[ -x /etc/init.d/unbound ]] && /etc/init.d/unbound status >/dev/null 2>&1; then
        need_root "/etc/init.d/unbound stop"
        /etc/init.d/unbound stop
        update-rc.d unbound disable >/dev/null 2>&1 || true
        stopped+=(unbound)
    fi
    if ((${#stopped[@]})); then
        step_note "stopped and disabled ${stopped[*]}"
    else
        step_note "no system unbound running or enabled"
    fi
}

need_root() {
    [[ $EUID -eq 0 ]] || {
        echo "need root to run: $*" >&2
        return 1
    }
}

# Installs Debian packages; needs root.
apt_install() {
    [[ $EUID -eq 0 ]] || {
        echo "need root to install: $*" >&2
        return 1
    }
    export DEBIAN_FRONTEND=noninteractive
    # One update per setup run, whichever step installs first (steps run in subshells, so
    # a file remembers it).
    if [[ ! -e $SETUP_APT_UPDATED ]]; then
        apt-get update -qq
        : >"$SETUP_APT_UPDATED"
    fi
    apt-get install -y -qq "$@"
}

# npm installs the tools in tools/ and Node runs them (and build-frontend.sh's link check).
# Checked by command rather than by package: a Node installed some other way (nodesource,
# nvm) is used as it is, if it is recent enough (NODE_MIN_MAJOR in lib/versions.sh).
# step_apt installs Debian's when there is none.
step_node() {
    local major
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        echo "node or npm is missing after the apt step" >&2
        return 1
    fi
    major="$(node --version | sed 's/^v//; s/\..*//')"
    if ! [[ $major =~ ^[0-9]+$ ]] || ((major < NODE_MIN_MAJOR)); then
        echo "node $(node --version) is too old: the tools need Node $NODE_MIN_MAJOR or later" >&2
        return 1
    fi
    step_note "node $(node --version), npm $(npm --version)"
}

# cargo install for the build tools, compiled for a short build rather than for speed: each
# tool runs for about a second per frontend build, but compiling them was most of a fresh
# machine's setup. Trunk's own release profile asks for fat LTO with one codegen unit (a
# single-threaded tail of minutes); these settings override any crate's profile and cut the
# CPU time of the two installs from 1,270 s to 520 s (bench/README.md, "fresh machine").
# dist/ comes out the same, byte for byte. Each install builds in a temporary directory of
# its own (cargo's default, which CARGO_TARGET_DIR from lib/env.sh would override): the two
# run at the same time, next to the project's builds, and a shared target directory would
# make each wait for the other's lock.
install_tool() {
    env -u CARGO_TARGET_DIR \
        CARGO_PROFILE_RELEASE_LTO=off \
        CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
        CARGO_PROFILE_RELEASE_OPT_LEVEL=0 \
        CARGO_PROFILE_RELEASE_DEBUG=false \
        CARGO_INCREMENTAL=0 \
        cargo install "$@"
}

# The CLI must match the wasm-bindgen crate exactly, or the generated glue will not load.
step_wasm_bindgen() {
    local want have=""
    want="$(wasm_bindgen_version)"
    [[ -n $want ]] || {
        echo "no wasm-bindgen in Cargo.lock" >&2
        return 1
    }
    command -v wasm-bindgen >/dev/null && have="$(wasm-bindgen --version | awk '{ print $2 }')"
    if [[ $have == "$want" ]]; then
        step_note "skipped: wasm-bindgen $want present"
        return
    fi
    # Not --locked: the crate's own lockfile does not build with this toolchain. Only the
    # wasm-bindgen binary (not the test runner or wasm2es6js, which nothing here uses), and
    # without the default rustls feature: only the test runner's HTTP client needs TLS.
    # Unoptimised it takes 0.9 s instead of 0.2 s per frontend build: it rewrites the whole
    # 2.4 MB module.
    install_tool --no-default-features wasm-bindgen-cli --version "$want" --bin wasm-bindgen
    step_note "installed wasm-bindgen-cli $want${have:+ (was $have)}"
}

step_trunk() {
    local have=""
    command -v trunk >/dev/null && have="$(trunk --version | awk '{ print $2 }')"
    if [[ $have == "$TRUNK_VERSION" ]]; then
        step_note "skipped: trunk $TRUNK_VERSION present"
        return
    fi
    # Without the default features (rustls, update_check): TLS is only for downloading tools
    # and for `trunk serve --tls`, the update check goes online on start, and Trunk runs
    # offline here (Trunk.toml) with the tools setup.sh installs.
    install_tool --locked --no-default-features trunk --version "$TRUNK_VERSION"
    step_note "installed trunk $TRUNK_VERSION${have:+ (was $have)}"
}

step_npm() {
    local lock="tools/package-lock.json" stamp="tools/node_modules/.package-lock.json"
    if [[ ! -f $lock ]]; then
        step_note "skipped: no $lock yet"
        return
    fi
    if [[ -f $stamp && ! $lock -nt $stamp ]]; then
        step_note "skipped: tools/node_modules up to date"
        return
    fi
    npm ci --prefix tools --no-audit --no-fund
    step_note "npm ci in tools/"
}

# The venv is up to date when it holds a copy of the requirements it was built from.
step_python() {
    local req="scripts/requirements.txt" venv="$SMTP_PLAYGROUND_VENV"
    if [[ -x $venv/bin/python ]] && cmp -s "$req" "$venv/requirements.txt" &&
        "$venv/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
        step_note "skipped: .tmp/venv up to date"
        return
    fi
    python3 -m venv --clear "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
    cp "$req" "$venv/requirements.txt"
    step_note "created .tmp/venv from $req"
}

# The tools' installs, in the background from the start (see the top of this file).
start_tool_jobs() {
    job_start "setup: wasm-bindgen-cli" step_wasm_bindgen
    job_start "setup: trunk" step_trunk
}

wait_tool_jobs() {
    job_wait "setup: wasm-bindgen-cli"
    job_wait "setup: trunk"
}

# Everything, for the profile in $1 ("run" or "test"). $2, when given, is a function called
# once a compiler is there and the tools are compiling, to start more background work
# (scripts/run.sh prebuilds the app and the bridge); what it starts, its caller waits for.
setup_main() {
    SETUP_PROFILE="$1"
    local hook="${2:-}"
    SETUP_APT_UPDATED="$(mktemp -u)"
    run_step "setup: rust target + components" step_rust
    run_step "setup: C compiler" step_cc
    start_tool_jobs
    [[ -z $hook ]] || "$hook"
    run_step "setup: apt packages" step_apt
    if [[ $SETUP_PROFILE != run ]]; then
        run_step "setup: no system unbound" step_unbound_service
    fi
    run_step "setup: node + npm" step_node
    run_step "setup: npm tools" step_npm
    if [[ $SETUP_PROFILE != run ]]; then
        run_step "setup: python venv" step_python
    fi
    wait_tool_jobs
    rm -f "$SETUP_APT_UPDATED"
}

main() {
    local profile="test"
    case "${1:-}" in
    "") ;;
    --run) profile="run" ;;
    *)
        echo "usage: scripts/setup.sh [--run]" >&2
        exit 2
        ;;
    esac
    trap job_stop_all EXIT
    # Ctrl-C or a timeout's TERM still stops the background jobs: exiting runs the EXIT trap.
    trap 'exit 130' INT
    trap 'exit 143' TERM
    setup_main "$profile"
    print_step_summary "setup"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    main "$@"
fi
