#!/usr/bin/env bash
# The test command: installs what is missing (scripts/setup.sh), checks formatting and
# lints (the fuzz targets too, so they keep compiling), checks that no two sibling modules
# import each other (scripts/check-module-cycles.py), builds the browser app, starts a real
# Postfix, a DNS server (dnsmasq, scripts/dns.sh) and a validating resolver (unbound,
# scripts/dnssec.sh) on loopback, and runs every test (unit, data-driven transcripts,
# bridge, end-to-end in headless Chromium), then the doc tests. Prints each step's time
# and the total; exits non-zero if any step failed.
#
# After setup, a failing step does not stop the run: the later steps still run, so one
# run reports everything that is wrong. `.ci/run` calls this script and nothing else.

set -euo pipefail
# shellcheck source=lib/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
# shellcheck source=lib/timing.sh
source "$SMTP_PLAYGROUND_ROOT/scripts/lib/timing.sh"

cd "$SMTP_PLAYGROUND_ROOT"

# A CI run builds once from a clean clone: incremental caches only cost disk there (about
# 1 GB of the target directory's 5 GB), and a full disk fails the run.
if [[ -n "${CI:-}" ]]; then
    export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
fi

run_tests() {
    if cargo nextest --version >/dev/null 2>&1; then
        cargo nextest run --workspace --no-fail-fast
    else
        cargo test --workspace --no-fail-fast
    fi
}

stop_postfix() {
    bash scripts/postfix.sh stop || true
}

stop_dns() {
    bash scripts/dns.sh stop || true
}

stop_dnssec() {
    bash scripts/dnssec.sh stop || true
}

# Whatever this run started, stopped on exit.
STARTED=()
stop_started() {
    local server
    for server in "${STARTED[@]}"; do
        "stop_$server"
    done
}

main() {
    # Nothing else can work without the tools, so a failed setup ends the run.
    run_step "setup" bash scripts/setup.sh

    STEP_KEEP_GOING=1
    run_step "rustfmt" cargo fmt --all -- --check
    run_step "rustfmt (fuzz)" cargo fmt --manifest-path fuzz/Cargo.toml --all -- --check
    run_step "clippy (native)" cargo clippy --workspace --all-targets -- -D warnings
    run_step "clippy (wasm32)" cargo clippy -p protocol -p frontend --target wasm32-unknown-unknown -- -D warnings
    # fuzz/ is a workspace of its own (cargo-fuzz wants nightly to build it), so nothing
    # above compiles it; a type check on stable is enough to keep the targets compiling.
    run_step "clippy (fuzz targets)" cargo clippy --manifest-path fuzz/Cargo.toml --all-targets -- -D warnings
    run_step "module cycles (self-test)" python3 scripts/check-module-cycles.py --self-test
    run_step "module cycles" python3 scripts/check-module-cycles.py --include-tests
    # The bridge embeds dist/ at compile time, so the app is built before the tests.
    run_step "build frontend" bash scripts/build-frontend.sh
    run_step "build frontend: skipped when unchanged" bash scripts/check-frontend-stamp.sh

    # A Postfix, dnsmasq or unbound that was already running (a developer's) is left running.
    trap stop_started EXIT
    # Ctrl-C or a CI timeout still stops them: exiting on the signal runs the EXIT trap.
    trap 'exit 130' INT
    trap 'exit 143' TERM
    bash scripts/postfix.sh status 2>/dev/null || STARTED+=(postfix)
    run_step "start postfix" bash scripts/postfix.sh start
    # Exported only when it answers: without it, the tests that need it fail and say so.
    if bash scripts/postfix.sh status; then
        eval "$(bash scripts/postfix.sh env)"
        export SMTP_PLAYGROUND_POSTFIX SMTP_PLAYGROUND_POSTFIX_MAILDIRS
    fi
    # The test zones of scripts/dns/zones.conf, for connect by MX and the DNS facts.
    bash scripts/dns.sh status 2>/dev/null || STARTED+=(dns)
    run_step "start dns" bash scripts/dns.sh start
    if bash scripts/dns.sh status; then
        eval "$(bash scripts/dns.sh env)"
        export SMTP_PLAYGROUND_DNS
    fi
    # A validating resolver (unbound) for the signed and the bogus zone: the AD bit set.
    bash scripts/dnssec.sh status 2>/dev/null || STARTED+=(dnssec)
    run_step "start dnssec" bash scripts/dnssec.sh start
    if bash scripts/dnssec.sh status; then
        eval "$(bash scripts/dnssec.sh env)"
        export SMTP_PLAYGROUND_DNSSEC
    fi

    run_step "tests" run_tests
    # nextest does not run doc tests; `cargo test` above already did.
    if cargo nextest --version >/dev/null 2>&1; then
        run_step "doc tests" cargo test --workspace --doc
    fi

    print_step_summary "test"
    if ((STEP_FAILURES > 0)); then
        printf 'test.sh: %d step(s) failed; see the lines marked FAILED above\n' "$STEP_FAILURES" >&2
        exit 1
    fi
    printf 'test.sh: all steps passed\n'
}

main "$@"
