#!/usr/bin/env bash
# The page benchmark of issue 17, in one command: the app (dist/, served by the release
# bridge with its sandbox) against a plain page that appends one <div> per WebSocket line,
# both in headless Chromium on loopback; medians and ratios printed as Markdown (see
# bench/README.md, "page benchmark").
#
#   bench/page/run.sh                          # the full run
#   bench/page/run.sh --sizes 14,200 --paste-lines 1000   # extra flags go to page-bench
#   PAGE_BENCH_SKIP_FRONTEND=1 bench/page/run.sh          # use dist/ as it is
#
# Builds the frontend in release (scripts/build-frontend.sh) unless told not to, then the
# bridge (which embeds dist/) and the benchmark in release.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

for tool in cargo chromium chromedriver; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is required (scripts/setup.sh installs it)" >&2; exit 1; }
done

if [ "${PAGE_BENCH_SKIP_FRONTEND:-}" != 1 ]; then
    echo "run.sh: building the frontend (release)…" >&2
    bash scripts/build-frontend.sh
fi
[ -f dist/index.html ] || { echo "run.sh: dist/index.html is missing: run scripts/build-frontend.sh" >&2; exit 1; }

echo "run.sh: building the bridge and the benchmark (release)…" >&2
cargo build --release -p bridge -p page-bench --bins

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r)" >&2
echo "versions: $("$TARGET/release/smtp-playground" --version), $(chromium --version 2>/dev/null | head -1)" >&2
echo "frontend: $(cd dist && ls -- *.wasm *.js 2>/dev/null | tr '\n' ' ')" >&2
echo "load before: $(uptime)" >&2
"$TARGET/release/page-bench" --bridge "$TARGET/release/smtp-playground" \
    --log-dir "$TARGET/page-bench" "$@"
echo "load after: $(uptime)" >&2
