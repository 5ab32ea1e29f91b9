#!/usr/bin/env bash
# The relay's user-space instructions per round trip, bridge and websocat, counted by
# callgrind: unlike times, the count does not move with the machine's load, so it compares
# changes on a shared machine (bench/README.md, "relay"). The kernel's share is the same
# for both (the same system calls per round trip); see run.sh for times.
#
#   bench/relay/instructions.sh                    # 4,000 round trips each
#   ROUND_TRIPS=10000 bench/relay/instructions.sh
#   BRIDGE=path/to/smtp-playground bench/relay/instructions.sh   # another build
#
# Needs valgrind. Each relay runs under callgrind pinned to one CPU (RELAY_CPU, default 0);
# a first session of 200 round trips warms it up, then the counters are zeroed, one
# session of ROUND_TRIPS round trips is driven (connect and greeting included), and the
# count is divided by ROUND_TRIPS.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
RELAY_CPU="${RELAY_CPU:-0}"
CLIENT_CPU="${CLIENT_CPU:-1}"
ROUND_TRIPS="${ROUND_TRIPS:-4000}"

for tool in valgrind callgrind_control callgrind_annotate taskset cargo; do
    command -v "$tool" >/dev/null || { echo "instructions.sh: $tool is required" >&2; exit 1; }
done
WEBSOCAT="$(command -v websocat || echo "$HOME/.cargo/bin/websocat")"
[ -x "$WEBSOCAT" ] || { echo "instructions.sh: websocat is required (bench/relay/run.sh installs it)" >&2; exit 1; }

BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release"
if [ -z "${BRIDGE:-}" ]; then
    echo "instructions.sh: building the bridge and the benchmark (release)…" >&2
    cargo build --release -p bridge -p relay-bench --bins
    BRIDGE="$BIN/smtp-playground"
fi
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# A free loopback port, from the kernel.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Instructions per round trip of one relay: PATH (bridge|websocat).
count() {
    local path=$1 echo_port relay_port echo_pid relay_pid
    echo_port=$(free_port)
    relay_port=$(free_port)
    taskset -c "$CLIENT_CPU" "$BIN/relay-bench" echo --listen "127.0.0.1:$echo_port" \
        --lifetime-secs 600 & echo_pid=$!
    PIDS+=("$echo_pid")
    local relay=("$BRIDGE" serve --listen "127.0.0.1:$relay_port" --no-sandbox)
    if [ "$path" = websocat ]; then
        relay=("$WEBSOCAT" --text -E --linemode-strip-newlines "ws-l:127.0.0.1:$relay_port"
            "tcp:127.0.0.1:$echo_port")
    fi
    taskset -c "$RELAY_CPU" valgrind --tool=callgrind \
        --callgrind-out-file="$WORK/$path.%p" "${relay[@]}" >"$WORK/$path.log" 2>&1 &
    relay_pid=$!
    PIDS+=("$relay_pid")
    for _ in $(seq 100); do
        (echo >"/dev/tcp/127.0.0.1/$relay_port") 2>/dev/null && break
        sleep 0.2
    done
    local drive=(taskset -c "$CLIENT_CPU" "$BIN/relay-bench" drive --path "$path"
        --relay "127.0.0.1:$relay_port" --upstream "127.0.0.1:$echo_port" --line-bodies 0)
    "${drive[@]}" --round-trips 200 >/dev/null
    callgrind_control -z "$relay_pid" >/dev/null
    "${drive[@]}" --round-trips "$ROUND_TRIPS" >/dev/null
    callgrind_control -d "$relay_pid" >/dev/null
    kill "$relay_pid" "$echo_pid" 2>/dev/null || true
    wait "$relay_pid" "$echo_pid" 2>/dev/null || true
    local dump total
    dump=$(ls -t "$WORK/$path".*.1 | head -1)
    total=$(grep -m1 '^summary:' "$dump" | awk '{print $2}')
    echo $((total / ROUND_TRIPS))
}

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" >&2
echo "versions: $("$BRIDGE" --version), $("$WEBSOCAT" --version), $(valgrind --version)" >&2
bridge=$(count bridge)
websocat=$(count websocat)
ratio=$(awk -v b="$bridge" -v w="$websocat" 'BEGIN { printf "%.2f", b / w }')
echo "| user-space instructions per round trip ($ROUND_TRIPS) | websocat | bridge | bridge ÷ websocat |"
echo "|---|---:|---:|---:|"
echo "| callgrind, relay on CPU $RELAY_CPU | $websocat | $bridge | ${ratio}× |"
