#!/usr/bin/env bash
# A validating DNS resolver on loopback for the tests: Debian's unbound, answering from two
# zones it holds itself (auth-zone, no root servers, nothing forwarded), and validating them
# against its own trust anchors, so the tests see the AD bit set, and SERVFAIL for bogus data:
#
#   signed.playground.test   scripts/dnssec/signed.zone, signed with a fresh key at every
#                            start; that key's DS is the trust anchor: answers carry AD=1
#   bogus.playground.test    scripts/dnssec/bogus.zone, signed with a key that is not the
#                            trust anchor for it: validation fails, every answer is SERVFAIL
#
# Any other name is refused: unbound never asks anyone outside this machine.
#
#   scripts/dnssec.sh start    sign the zones, write the config, start, wait until it
#                              answers with AD (at most 10 s)
#   scripts/dnssec.sh stop     stop it and wait until it is gone (at most 10 s)
#   scripts/dnssec.sh status   exit 0 when running and answering with AD, 1 otherwise
#   scripts/dnssec.sh env      print the export line below without starting anything
#
# `start` prints only shell `export` lines on stdout, so `eval "$(scripts/dnssec.sh start)"`
# works; everything else goes to stderr:
#
#   SMTP_PLAYGROUND_DNSSEC   127.0.0.1:PORT, the resolver to pass as --dns-server
#
# Settings: SMTP_PLAYGROUND_DNSSEC_PORT (default 15354) and SMTP_PLAYGROUND_DNSSEC_STATE
# (the state directory, default .tmp/dnssec in the repository). The log is unbound.log
# there. No system service is involved: scripts/setup.sh installs unbound and keeps the
# Debian service stopped and disabled.

set -euo pipefail
# shellcheck source=lib/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
# shellcheck source=lib/daemon.sh
source "$SMTP_PLAYGROUND_ROOT/scripts/lib/daemon.sh"

PORT="${SMTP_PLAYGROUND_DNSSEC_PORT:-15354}"
STATE="${SMTP_PLAYGROUND_DNSSEC_STATE:-$SMTP_PLAYGROUND_TMP/dnssec}"
ZONES="$SMTP_PLAYGROUND_ROOT/scripts/dnssec"
PID_FILE="$STATE/unbound.pid"
WAIT_TRIES=50 # times 0.2 s: the 10 s bound on start and stop
DAEMON=unbound
DAEMON_LOG="$STATE/unbound.log"
DAEMON_WHERE="127.0.0.1:$PORT"

check_prerequisites() {
    local tool
    for tool in unbound ldns-keygen ldns-signzone; do
        command -v "$tool" >/dev/null ||
            die "$tool is not installed; run scripts/setup.sh (unbound, ldnsutils)"
    done
    if ! [[ $PORT =~ ^[0-9]+$ ]] || ((10#$PORT == 0 || 10#$PORT > 65535)); then
        die "SMTP_PLAYGROUND_DNSSEC_PORT must be a UDP port number, got '$PORT'"
    fi
    [[ $STATE == /* && $STATE != *[[:space:]]* ]] ||
        die "the state directory must be an absolute path without spaces: '$STATE'"
}

# Succeeds when 127.0.0.1:PORT answers an MX query for signed.playground.test with NOERROR,
# an answer and the AD bit (a hand-made query with the AD bit set, RFC 6840 5.7: no dig
# needed).
answers() {
    python3 - "$PORT" <<'PY' 2>/dev/null
import socket, struct, sys
name = b"".join(bytes([len(p)]) + p for p in b"signed.playground.test".split(b".")) + b"\0"
query = struct.pack(">HHHHHH", 0x5351, 0x0120, 1, 0, 0, 0) + name + struct.pack(">HH", 15, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1)
s.sendto(query, ("127.0.0.1", int(sys.argv[1])))
reply = s.recv(4096)
ident, flags, _, answers = struct.unpack(">HHHH", reply[:8])
sys.exit(0 if ident == 0x5351 and flags & 0x0020 and flags & 0x000F == 0 and answers else 1)
PY
}

print_env() {
    printf 'export SMTP_PLAYGROUND_DNSSEC=127.0.0.1:%s\n' "$PORT"
}

# Signs ZONE's file with a fresh key in $STATE/keys and prints the key's file base name.
sign() {
    local zone="$1" key
    key="$(cd "$STATE/keys" && ldns-keygen -a ECDSAP256SHA256 -k "$zone")" ||
        die "ldns-keygen failed for $zone"
    ldns-signzone -o "$zone" -f "$STATE/$zone.signed" "$ZONES/${zone%%.*}.zone" \
        "$STATE/keys/$key" || die "ldns-signzone failed for $zone"
    printf '%s\n' "$key"
}

# Fresh keys, signatures and anchors at every start: nothing expires between runs.
prepare() {
    rm -rf "$STATE/keys"
    mkdir -p "$STATE/keys"
    local signed bogus stranger
    signed="$(sign signed.playground.test)"
    bogus="$(sign bogus.playground.test)"
    # The bogus zone's anchor is a key that signed nothing.
    stranger="$(cd "$STATE/keys" && ldns-keygen -a ECDSAP256SHA256 -k bogus.playground.test)"
    [[ $stranger != "$bogus" ]] || die "ldns-keygen made the same key twice"
    cat "$STATE/keys/$signed.ds" "$STATE/keys/$stranger.ds" >"$STATE/anchors"
    cat >"$STATE/unbound.conf" <<CONF
server:
    interface: 127.0.0.1
    port: $PORT
    do-ip6: no
    # A second instance on the same port must fail to start, not share the port.
    so-reuseport: no
    access-control: 127.0.0.0/8 allow
    username: ""
    chroot: ""
    directory: "$STATE"
    pidfile: "$PID_FILE"
    logfile: "$STATE/unbound.log"
    use-syslog: no
    verbosity: 1
    val-log-level: 2
    do-not-query-localhost: no
    module-config: "validator iterator"
    trust-anchor-file: "$STATE/anchors"
    # Nothing but the two test zones: no root servers, nothing leaves the machine.
    local-zone: "." refuse
    local-zone: "signed.playground.test." transparent
    local-zone: "bogus.playground.test." transparent
remote-control:
    control-enable: no
auth-zone:
    name: "signed.playground.test."
    zonefile: "$STATE/signed.playground.test.signed"
    for-downstream: no
    for-upstream: yes
    fallback-enabled: no
auth-zone:
    name: "bogus.playground.test."
    zonefile: "$STATE/bogus.playground.test.signed"
    for-downstream: no
    for-upstream: yes
    fallback-enabled: no
CONF
    unbound-checkconf "$STATE/unbound.conf" >&2 || die "unbound-checkconf rejects $STATE/unbound.conf"
}

start() {
    check_prerequisites
    if daemon_is_running; then
        # A restart signs afresh; the signatures of a running instance stay valid for
        # weeks, so a running one that answers is kept.
        if answers; then
            log "already running on 127.0.0.1:$PORT"
            print_env
            return
        fi
        log "running but not answering with AD; restarting"
        daemon_stop
    fi
    mkdir -p "$STATE"
    prepare
    # unbound daemonizes itself and writes its pid file; it binds only 127.0.0.1.
    daemon_spawn unbound -c "$STATE/unbound.conf" 2>>"$STATE/unbound.log" ||
        die "unbound did not start (is 127.0.0.1:$PORT taken? see ss -lunp 'sport = :$PORT'); see $STATE/unbound.log"
    daemon_wait_answering
}

daemon_main "$@"
