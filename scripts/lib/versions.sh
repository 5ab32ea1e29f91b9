# shellcheck shell=bash
# The one place that says which version of each build tool the project uses. Scripts read
# the versions from here (setup.sh installs them, build-frontend.sh checks them and hands
# them to Trunk); the docs point here instead of repeating numbers.
#
# Each version is written down once, where the tool that installs it reads it:
#   - wasm-bindgen-cli must equal the wasm-bindgen crate, which Cargo.toml pins with `=`:
#     read from Cargo.lock, so the crate's pin is the only number.
#   - Trunk: TRUNK_VERSION below (cargo install reads no file).
#   - wasm-opt (npm package binaryen) and terser: tools/package.json, the file `npm ci`
#     reads (with tools/package-lock.json); wasm-opt's version is read from there.
#   - Node: NODE_MIN_MAJOR below is the oldest Node the npm tools and the link check in
#     build-frontend.sh are known to work with (Debian 12 ships 18).
# Sourced after lib/env.sh (it needs SMTP_PLAYGROUND_ROOT).

TRUNK_VERSION="0.21.14"
NODE_MIN_MAJOR=18

# The wasm-bindgen version in Cargo.lock, e.g. 0.2.130; empty if there is none.
wasm_bindgen_version() {
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/^version = "|"$/, ""); print; exit }' \
        "$SMTP_PLAYGROUND_ROOT/Cargo.lock"
}

# The version of the npm package `$1` pinned in tools/package.json, e.g. 132.0.0.
npm_tool_version() {
    python3 - "$SMTP_PLAYGROUND_ROOT/tools/package.json" "$1" <<'PY'
import json, sys
path, name = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as f:
    print(json.load(f).get("dependencies", {}).get(name, ""))
PY
}

# The release of wasm-opt that tools/package.json pins, as `wasm-opt --version` prints it:
# binaryen 132.0.0 is wasm-opt version 132.
wasm_opt_version() {
    local binaryen
    binaryen="$(npm_tool_version binaryen)"
    printf '%s\n' "${binaryen%%.*}"
}
