#!/usr/bin/env bash
# Tests that scripts/build-frontend.sh skips a build exactly when nothing that goes into
# dist/ changed. Run by scripts/test.sh right after the frontend build, on the dist/ it
# just built: an unchanged tree is skipped (and dist/ left byte for byte), and each kind of
# change (a file in dist/, one of the build's inputs, the budget) makes it build again.
# Every change is undone before the next check, and on any exit.
set -euo pipefail
# shellcheck source=lib/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
cd "$SMTP_PLAYGROUND_ROOT"

fail() {
    echo "check-frontend-stamp: $*" >&2
    exit 1
}

build() { bash scripts/build-frontend.sh "$@"; }
dist_sums() { (cd dist && find . -type f -print0 | sort -z | xargs -0 sha256sum); }

build --up-to-date || fail "dist/ was just built, yet a build would run again"

before="$(dist_sums)"
output="$(build 2>&1)" || fail "the unchanged build failed: $output"
[[ $output == *"dist/ is up to date"* ]] || fail "the unchanged build was not skipped: $output"
[[ "$(dist_sums)" == "$before" ]] || fail "the skipped build changed dist/"

aside="$(mktemp -d)"
lesson="$(find lessons -type f -name '*.lesson' | sort | head -1)"
[[ -n $lesson ]] || fail "no lesson file to change"
cp "$lesson" "$aside/lesson"
restore() {
    [[ -f $aside/index.html.gz ]] && mv "$aside/index.html.gz" dist/index.html.gz
    cp "$aside/lesson" "$lesson"
    rm -rf "$aside"
}
trap restore EXIT

# A file in dist/ is gone.
mv dist/index.html.gz "$aside/index.html.gz"
if build --up-to-date; then fail "a build would be skipped with dist/index.html.gz missing"; fi
mv "$aside/index.html.gz" dist/index.html.gz
build --up-to-date || fail "dist/ restored, yet a build would run"

# One of the inputs changed (a lesson, which Trunk copies into dist/).
printf '\n' >>"$lesson"
if build --up-to-date; then fail "a build would be skipped with $lesson changed"; fi
cp "$aside/lesson" "$lesson"
build --up-to-date || fail "$lesson restored, yet a build would run"

# Another budget.
if SMTP_PLAYGROUND_BUNDLE_BUDGET=1 build --up-to-date; then
    fail "a build would be skipped under another budget"
fi

echo "check-frontend-stamp: an unchanged build is skipped; a changed dist/, input or budget builds again"
