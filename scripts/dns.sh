#!/usr/bin/env bash
# A real DNS server on loopback for the tests: Debian's dnsmasq serving the test zones of
# scripts/dns/zones.conf (read its header for the names), and nothing else: no upstream
# servers, no /etc/hosts, no /etc/resolv.conf, bound to 127.0.0.1 only.
#
#   scripts/dns.sh start    write the config, start, wait until it answers (at most 10 s)
#   scripts/dns.sh stop     stop it and wait until it is gone (at most 10 s)
#   scripts/dns.sh status   exit 0 when running and answering, 1 otherwise
#   scripts/dns.sh env      print the export line below without starting anything
#
# `start` prints only shell `export` lines on stdout, so `eval "$(scripts/dns.sh start)"`
# works; everything else goes to stderr:
#
#   SMTP_PLAYGROUND_DNS   127.0.0.1:PORT, the server to pass as --dns-server
#
# Settings: SMTP_PLAYGROUND_DNS_PORT (default 15353) and SMTP_PLAYGROUND_DNS_STATE (the
# state directory, default .tmp/dns in the repository). The log is dnsmasq.log there.

set -euo pipefail
# shellcheck source=lib/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
# shellcheck source=lib/daemon.sh
source "$SMTP_PLAYGROUND_ROOT/scripts/lib/daemon.sh"

PORT="${SMTP_PLAYGROUND_DNS_PORT:-15353}"
STATE="${SMTP_PLAYGROUND_DNS_STATE:-$SMTP_PLAYGROUND_TMP/dns}"
ZONES="$SMTP_PLAYGROUND_ROOT/scripts/dns/zones.conf"
PID_FILE="$STATE/dnsmasq.pid"
WAIT_TRIES=50 # times 0.2 s: the 10 s bound on start and stop
DAEMON=dnsmasq
DAEMON_LOG="$STATE/dnsmasq.log"
DAEMON_WHERE="127.0.0.1:$PORT"

check_prerequisites() {
    command -v dnsmasq >/dev/null || die "dnsmasq is not installed; run scripts/setup.sh (dnsmasq-base)"
    if ! [[ $PORT =~ ^[0-9]+$ ]] || ((10#$PORT == 0 || 10#$PORT > 65535)); then
        die "SMTP_PLAYGROUND_DNS_PORT must be a UDP port number, got '$PORT'"
    fi
    [[ $STATE == /* && $STATE != *[[:space:]]* ]] ||
        die "the state directory must be an absolute path without spaces: '$STATE'"
}

# Succeeds when 127.0.0.1:PORT answers an A query for mx.good.playground.test with
# 127.0.0.1 (a hand-made query: no dig needed).
answers() {
    python3 - "$PORT" <<'PY' 2>/dev/null
import socket, struct, sys
name = b"".join(bytes([len(p)]) + p for p in b"mx.good.playground.test".split(b".")) + b"\0"
query = struct.pack(">HHHHHH", 0x5150, 0x0100, 1, 0, 0, 0) + name + struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1)
s.sendto(query, ("127.0.0.1", int(sys.argv[1])))
reply = s.recv(512)
sys.exit(0 if reply[:2] == b"\x51\x50" and reply.endswith(bytes([127, 0, 0, 1])) else 1)
PY
}

print_env() {
    printf 'export SMTP_PLAYGROUND_DNS=127.0.0.1:%s\n' "$PORT"
}

start() {
    check_prerequisites
    mkdir -p "$STATE"
    sed "s/^port=__PORT__$/port=$PORT/" "$ZONES" >"$STATE/dnsmasq.conf.new"
    local changed=1
    if cmp -s "$STATE/dnsmasq.conf.new" "$STATE/dnsmasq.conf"; then
        changed=0
        rm -f "$STATE/dnsmasq.conf.new"
    else
        mv "$STATE/dnsmasq.conf.new" "$STATE/dnsmasq.conf"
    fi
    if daemon_is_running; then
        if ((changed == 0)) && answers; then
            log "already running on 127.0.0.1:$PORT"
            print_env
            return
        fi
        log "configuration changed; restarting"
        daemon_stop
    fi
    # The state directory is root's; dnsmasq keeps running as root so it can write its log
    # there. It binds only 127.0.0.1 and serves only the test zones.
    dnsmasq --conf-file="$STATE/dnsmasq.conf" --pid-file="$PID_FILE" \
        --log-facility="$STATE/dnsmasq.log" --log-queries --user=root --group=root \
        2>>"$STATE/dnsmasq.log" ||
        die "dnsmasq did not start (is 127.0.0.1:$PORT taken? see ss -lunp 'sport = :$PORT'); see $STATE/dnsmasq.log"
    daemon_wait_answering
}

daemon_main "$@"
