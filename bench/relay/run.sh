#!/usr/bin/env bash
# The relay benchmark of issue 4, in one command: bridge vs websocat vs direct TCP, all on
# loopback, alternating rounds, medians printed as a Markdown table (see bench/README.md).
#
#   bench/relay/run.sh                 # the full run (about 1.5 minutes on 2 cores)
#   bench/relay/run.sh --rounds 1      # extra flags go to `relay-bench run` (see --help)
#
# Builds the bridge and the benchmark in release, installs websocat with cargo if it is
# missing, pins the relay to one CPU and the client and echo server to another
# (RELAY_CPU / CLIENT_CPU, default 0 and 1), raises the open-file limit for the
# 5,000-session memory test.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
RELAY_CPU="${RELAY_CPU:-0}"
CLIENT_CPU="${CLIENT_CPU:-1}"

for tool in taskset cargo; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 1; }
done

if ! command -v websocat >/dev/null && [ ! -x "$HOME/.cargo/bin/websocat" ]; then
    echo "run.sh: installing websocat (cargo install --locked websocat)…" >&2
    cargo install --locked websocat
fi
WEBSOCAT="$(command -v websocat || echo "$HOME/.cargo/bin/websocat")"

# Where cargo puts the binaries.
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release"

echo "run.sh: building the bridge and the benchmark (release)…" >&2
cargo build --release -p bridge -p relay-bench --bins

# Each process below holds up to two descriptors per session; 5,000 sessions need more than
# the usual 1,024. Raise the soft limit as far as the hard limit allows.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 12000 ]; then
    echo "run.sh: open files limit is $(ulimit -n); the 5,000-session test needs ~12,000" >&2
    exit 1
fi

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r)" >&2
echo "versions: $("$BIN/smtp-playground" --version), $("$WEBSOCAT" --version)" >&2
echo "load: $(uptime)" >&2

exec taskset -c "$CLIENT_CPU" "$BIN/relay-bench" run \
    --bridge "$BIN/smtp-playground" \
    --websocat "$WEBSOCAT" \
    --relay-cpu "$RELAY_CPU" \
    --client-cpu "$CLIENT_CPU" \
    --log-dir "$ROOT/target/relay-bench" \
    "$@"
