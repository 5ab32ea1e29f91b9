#!/usr/bin/env bash
# The sandbox ingestion benchmark of issue 14, in one command: the sandbox vs Postfix's
# smtp-sink, aiosmtpd and MailDev, all on loopback, fed by the same client
# (bench/ingest), medians printed as Markdown tables (see bench/README.md).
#
#   bench/ingest/run.sh                  # the comparison (about 4 minutes on 2 cores)
#   bench/ingest/run.sh --rounds 1       # extra flags go to `ingest-bench run` (see --help)
#   bench/ingest/run.sh memory           # 100,000 messages into the sandbox, its memory
#   bench/ingest/run.sh memory --caps 500/64M   # flags go to `ingest-bench memory`
#
# Installs what is missing, each pinned and only when missing or at another version:
# postfix (for smtp-sink) with apt-get, aiosmtpd in a virtualenv ($SMTP_PLAYGROUND_VENV if
# set, else one of its own), MailDev with npm into target/ingest-bench/tools
# ($INGEST_TOOLS). Builds the bridge and the client in release, runs the servers on
# SERVER_CPU (default 0) and the client on CLIENT_CPU (default 1). Results and logs go to
# target/ingest-bench/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
SERVER_CPU="${SERVER_CPU:-0}"
CLIENT_CPU="${CLIENT_CPU:-1}"
OUT="$ROOT/target/ingest-bench"
TOOLS="${INGEST_TOOLS:-$OUT/tools}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
AIOSMTPD_VERSION=1.4.6
MAILDEV_VERSION=2.2.1

MODE=run
if [ "${1:-}" = memory ]; then
    MODE=memory
    shift
fi

for tool in taskset cargo; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 1; }
done
mkdir -p "$OUT" "$TOOLS"

# smtp-sink: Postfix's test server, in Debian's postfix package.
SMTP_SINK="$(command -v smtp-sink || echo /usr/sbin/smtp-sink)"
if [ "$MODE" = run ] && [ ! -x "$SMTP_SINK" ]; then
    echo "run.sh: installing postfix for smtp-sink (apt-get)…" >&2
    # Postfix asks debconf questions on install; the defaults are fine for smtp-sink.
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends postfix >&2 \
        || { apt-get update >&2 && apt-get install -y --no-install-recommends postfix >&2; }
fi

# aiosmtpd, pinned, in a virtualenv.
VENV="${SMTP_PLAYGROUND_VENV:-$TOOLS/venv}"
PYTHON="$VENV/bin/python"
if [ "$MODE" = run ]; then
    if ! "$PYTHON" -c "import aiosmtpd, sys; sys.exit(aiosmtpd.__version__ != '$AIOSMTPD_VERSION')" 2>/dev/null; then
        echo "run.sh: installing aiosmtpd $AIOSMTPD_VERSION into $VENV (pip)…" >&2
        [ -x "$PYTHON" ] || python3 -m venv "$VENV"
        "$PYTHON" -m pip install --quiet "aiosmtpd==$AIOSMTPD_VERSION"
    fi
fi

# MailDev, pinned, with npm into a folder of its own.
MAILDEV="$TOOLS/node_modules/.bin/maildev"
if [ "$MODE" = run ]; then
    command -v npm >/dev/null || { echo "run.sh: npm is required (apt-get install npm)" >&2; exit 1; }
    if [ "$(node -p "require('$TOOLS/node_modules/maildev/package.json').version" 2>/dev/null)" != "$MAILDEV_VERSION" ]; then
        echo "run.sh: installing maildev $MAILDEV_VERSION into $TOOLS (npm)…" >&2
        npm install --prefix "$TOOLS" --no-audit --no-fund --silent "maildev@$MAILDEV_VERSION" >&2
    fi
fi

echo "run.sh: building the bridge and the client (release)…" >&2
cargo build --release -p bridge -p ingest-bench --bins >&2
BRIDGE="$TARGET/release/smtp-playground"
BENCH="$TARGET/release/ingest-bench"

COMMAND="bench/ingest/run.sh"
[ "$MODE" = run ] || COMMAND+=" $MODE"
[ "$#" -eq 0 ] || COMMAND+=" $*"
NOTES=(
    --note "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r)"
    --note "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    --note "command: $COMMAND"
)
if [ "$MODE" = run ]; then
    NOTES+=(--note "versions: $("$BRIDGE" --version) (commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)), postfix $(dpkg-query -W -f '${Version}' postfix 2>/dev/null || echo '?') (smtp-sink), aiosmtpd $("$PYTHON" -c 'import aiosmtpd; print(aiosmtpd.__version__)') on $("$PYTHON" --version 2>&1), maildev $MAILDEV_VERSION on node $(node --version)")
    exec taskset -c "$CLIENT_CPU" "$BENCH" run \
        --bridge "$BRIDGE" \
        --smtp-sink "$SMTP_SINK" \
        --python "$PYTHON" \
        --handler-dir "$ROOT/bench/ingest" \
        --maildev "$MAILDEV" \
        --server-cpu "$SERVER_CPU" \
        --log-dir "$OUT" \
        --out "$OUT/results.md" \
        "${NOTES[@]}" \
        "$@"
else
    NOTES+=(--note "versions: $("$BRIDGE" --version) (commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown))")
    exec taskset -c "$CLIENT_CPU" "$BENCH" memory \
        --bridge "$BRIDGE" \
        --server-cpu "$SERVER_CPU" \
        --log-dir "$OUT" \
        --out "$OUT/memory.md" \
        "${NOTES[@]}" \
        "$@"
fi
