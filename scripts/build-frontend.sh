#!/usr/bin/env bash
# Builds the browser app into dist/ (release: wasm-release profile, wasm-opt -Oz), which the
# bridge embeds when it is compiled. Tools are installed by scripts/setup.sh; this script
# only checks for them and never downloads anything (Trunk runs offline, see Trunk.toml).
#
# The whole app (wasm, JavaScript glue, CSS, HTML) must stay within a gzipped size budget;
# the build fails past it, so growth is a decision rather than an accident.
#
# Usage: scripts/build-frontend.sh
# Settings: SMTP_PLAYGROUND_BUNDLE_BUDGET (bytes gzipped, default 250000 = 250 KB)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export PATH="$HOME/.cargo/bin:$repo/tools/node_modules/.bin:$PATH"

fail() {
    echo "build-frontend: $*" >&2
    exit 1
}

# The versions Trunk.toml pins; Trunk refuses others in offline mode, but a missing tool
# deserves a clearer message than Trunk's.
wasm_bindgen_version="0.2.130"
wasm_opt_version="132"

command -v trunk >/dev/null ||
    fail "trunk is not installed (run scripts/setup.sh, or: cargo install trunk --version 0.21.14 --locked)"
command -v wasm-bindgen >/dev/null ||
    fail "wasm-bindgen is not installed (run scripts/setup.sh, or: cargo install wasm-bindgen-cli --version $wasm_bindgen_version --locked)"
[[ -x "$repo/tools/node_modules/.bin/wasm-opt" ]] ||
    fail "wasm-opt is not installed in tools/ (run scripts/setup.sh, or: npm ci --prefix tools)"
rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown ||
    fail "the Rust target wasm32-unknown-unknown is missing (rustup target add wasm32-unknown-unknown)"

found="$(wasm-bindgen --version | cut -d' ' -f2)"
[[ "$found" == "$wasm_bindgen_version" ]] ||
    fail "wasm-bindgen $found found, $wasm_bindgen_version required (it must match Cargo.lock)"
found="$(wasm-opt --version | cut -d' ' -f3)"
[[ "$found" == "$wasm_opt_version" ]] ||
    fail "wasm-opt $found found first on PATH, $wasm_opt_version required (tools/node_modules/.bin)"

start=$SECONDS
trunk build --release --minify
echo "build-frontend: dist/ built in $((SECONDS - start)) s"

# Trunk minifies the HTML and CSS but not wasm-bindgen's JavaScript glue; terser does (about
# 60% smaller), and the Subresource Integrity hash Trunk wrote into index.html is replaced.
command -v openssl >/dev/null || fail "openssl is not installed (run scripts/setup.sh)"
[[ -x "$repo/tools/node_modules/.bin/terser" ]] ||
    fail "terser is not installed in tools/ (run scripts/setup.sh, or: npm ci --prefix tools)"
sri() { echo "sha384-$(openssl dgst -sha384 -binary "$1" | base64 -w0)"; }
for js in dist/*.js; do
    before="$(sri "$js")"
    grep -qF "$before" dist/index.html || fail "index.html has no integrity hash for $js"
    terser "$js" --module --compress --mangle --output "$js.min"
    mv "$js.min" "$js"
    after="$(sri "$js")"
    python3 - "$before" "$after" <<'PY'
import sys
path = "dist/index.html"
html = open(path, encoding="utf-8").read()
open(path, "w", encoding="utf-8").write(html.replace(sys.argv[1], sys.argv[2]))
PY
    grep -qF "$after" dist/index.html || fail "could not update the integrity hash of $js"
done

shopt -s nullglob
wasm_files=(dist/*.wasm)
[[ ${#wasm_files[@]} -eq 1 ]] || fail "expected one .wasm file in dist/, found ${#wasm_files[@]}"
wasm="${wasm_files[0]}"
raw=$(wc -c <"$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
printf 'build-frontend: %s: %d bytes raw (after wasm-opt), %d bytes gzipped\n' "$wasm" "$raw" "$gz"

budget="${SMTP_PLAYGROUND_BUNDLE_BUDGET:-250000}"
[[ "$budget" =~ ^[0-9]+$ ]] || fail "SMTP_PLAYGROUND_BUNDLE_BUDGET must be a number of bytes, got '$budget'"
total=0
for file in dist/*; do
    [[ -f "$file" ]] || continue
    total=$((total + $(gzip -9 -c "$file" | wc -c)))
done
printf 'build-frontend: whole app %d bytes gzipped (budget %d)\n' "$total" "$budget"
((total <= budget)) ||
    fail "the app is $total bytes gzipped, over the budget of $budget bytes; make it smaller or raise the budget on purpose (SMTP_PLAYGROUND_BUNDLE_BUDGET)"
