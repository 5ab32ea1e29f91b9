# shellcheck shell=bash
# Sourced by every script in scripts/: finds the repository from this file's location and
# puts the tools that scripts/setup.sh installs on PATH, so each script works from any
# directory and in a fresh CI clone without a login shell.

SMTP_PLAYGROUND_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export SMTP_PLAYGROUND_ROOT

# cargo install puts trunk and wasm-bindgen here; npm ci puts wasm-opt (binaryen) here.
for dir in "$SMTP_PLAYGROUND_ROOT/tools/node_modules/.bin" "$HOME/.cargo/bin"; do
    case ":$PATH:" in
    *":$dir:"*) ;;
    *) PATH="$dir:$PATH" ;;
    esac
done
export PATH

# One target directory for every build of the workspace, whoever starts it.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$SMTP_PLAYGROUND_ROOT/target}"

# Scratch space (gitignored): the Python venv, the test Postfix's state.
export SMTP_PLAYGROUND_TMP="$SMTP_PLAYGROUND_ROOT/.tmp"
export SMTP_PLAYGROUND_VENV="$SMTP_PLAYGROUND_TMP/venv"
