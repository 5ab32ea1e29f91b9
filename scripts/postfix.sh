#!/usr/bin/env bash
# A real Postfix on loopback for the tests, run from its own config directory: no systemd,
# no /etc/postfix/main.cf, nothing that can send mail off the machine.
#
#   scripts/postfix.sh start    configure, start, wait for the 220 banner (at most 10 s)
#   scripts/postfix.sh stop     stop it and wait until it is gone (at most 10 s)
#   scripts/postfix.sh status   exit 0 when running and answering, 1 otherwise
#   scripts/postfix.sh env      print the export lines below without starting anything
#
# `start` prints only shell `export` lines on stdout, so `eval "$(scripts/postfix.sh start)"`
# works; everything else goes to stderr:
#
#   SMTP_PLAYGROUND_POSTFIX          127.0.0.1:PORT, the address to connect to
#   SMTP_PLAYGROUND_POSTFIX_MAILDIRS the directory holding one Maildir per mailbox
#   SMTP_PLAYGROUND_POSTFIX_SUBMISSION 127.0.0.1:PORT, submission: STARTTLS required, then AUTH
#   SMTP_PLAYGROUND_POSTFIX_SMTPS    127.0.0.1:PORT, implicit TLS (465-style), AUTH offered
#   SMTP_PLAYGROUND_POSTFIX_OPEN_RELAY 127.0.0.1:PORT, an open relay offering AUTH before TLS
#                                    (the server check's bad example; nothing leaves)
#   SMTP_PLAYGROUND_POSTFIX_USER / _PASSWORD  a SASL test account (alice@postfix.test)
#
# TLS uses a self-signed certificate for postfix.test and 127.0.0.1, made with openssl in
# the state directory (tls/) on first start; SASL uses Cyrus's sasldb (/etc/sasldb2).
#
# Mailboxes (virtual, Maildir): alice@, bob@ and postmaster@postfix.test. Any other address
# at postfix.test is refused with 550; any other domain with 554 (relay access denied).
#
# Settings: SMTP_PLAYGROUND_POSTFIX_PORT (default 10025), _SUBMISSION_PORT (10587),
# _SMTPS_PORT (10465), _OPEN_RELAY_PORT (10026) and SMTP_PLAYGROUND_STATE (the
# state directory, default .tmp/postfix in the repository). The log is postfix.log there.

set -euo pipefail
# shellcheck source=lib/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"

PORT="${SMTP_PLAYGROUND_POSTFIX_PORT:-10025}"
SUBMISSION_PORT="${SMTP_PLAYGROUND_POSTFIX_SUBMISSION_PORT:-10587}"
SMTPS_PORT="${SMTP_PLAYGROUND_POSTFIX_SMTPS_PORT:-10465}"
OPEN_RELAY_PORT="${SMTP_PLAYGROUND_POSTFIX_OPEN_RELAY_PORT:-10026}"
# A test account on a test server that only listens on loopback; not a secret.
SASL_USER=alice
SASL_PASSWORD=alice-playground-password
STATE="${SMTP_PLAYGROUND_STATE:-$SMTP_PLAYGROUND_TMP/postfix}"
CONF="$STATE/etc"
TEMPLATES="$SMTP_PLAYGROUND_ROOT/scripts/postfix"
WAIT_TRIES=50 # times 0.2 s: the 10 s bound on start and stop
MAILBOXES=(alice bob postmaster)

log() { printf 'postfix.sh: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

check_prerequisites() {
    [[ $EUID -eq 0 ]] || die "run as root: Postfix's master starts as root and drops privileges"
    command -v postfix >/dev/null || die "postfix is not installed; run scripts/setup.sh"
    id postfix >/dev/null 2>&1 || die "the postfix user is missing; reinstall the postfix package"
    local port
    for port in "$PORT" "$SUBMISSION_PORT" "$SMTPS_PORT" "$OPEN_RELAY_PORT"; do
        if ! [[ $port =~ ^[0-9]+$ ]] || ((10#$port == 0 || 10#$port > 65535)); then
            die "the SMTP_PLAYGROUND_POSTFIX_*PORT settings must be TCP port numbers, got '$port'"
        fi
    done
    command -v openssl >/dev/null || die "openssl is not installed; run scripts/setup.sh"
    command -v saslpasswd2 >/dev/null || die "saslpasswd2 is missing; run scripts/setup.sh (sasl2-bin)"
    [[ $STATE == /* && $STATE != *[[:space:]]* ]] ||
        die "the state directory must be an absolute path without spaces: '$STATE'"
}

# Moves NEW over FILE unless they are the same, so a running instance's files are only
# touched when something really changed.
replace_if_changed() {
    if cmp -s "$1" "$2"; then
        rm -f "$1"
    else
        mv "$1" "$2"
        CONFIG_CHANGED=1
    fi
}

# Writes main.cf, master.cf and the mailbox map from the templates on every start, so a
# changed port or template takes effect; sets CONFIG_CHANGED=1 when a file changed.
CONFIG_CHANGED=0
configure() {
    local uid gid
    uid="$(id -u postfix)"
    gid="$(id -g postfix)"
    mkdir -p "$CONF" "$STATE/queue" "$STATE/data" "$STATE/mail"
    # Postfix's unprivileged processes must be able to reach the state directory.
    chmod 755 "$STATE" "$CONF" "$STATE/queue"
    [[ $STATE != "$SMTP_PLAYGROUND_TMP"/* ]] || chmod 755 "$SMTP_PLAYGROUND_TMP"
    local name
    for name in main.cf master.cf; do
        sed -e "s|@STATE@|$STATE|g" -e "s|@PORT@|$PORT|g" \
            -e "s|@SUBMISSION_PORT@|$SUBMISSION_PORT|g" -e "s|@SMTPS_PORT@|$SMTPS_PORT|g" \
            -e "s|@OPEN_RELAY_PORT@|$OPEN_RELAY_PORT|g" \
            -e "s|@VMAIL_UID@|$uid|g" -e "s|@VMAIL_GID@|$gid|g" \
            "$TEMPLATES/$name.in" >"$CONF/$name.new"
        replace_if_changed "$CONF/$name.new" "$CONF/$name"
    done
    local box
    : >"$STATE/vmailbox.new"
    for box in "${MAILBOXES[@]}"; do
        printf '%s@postfix.test postfix.test/%s/\n' "$box" "$box" >>"$STATE/vmailbox.new"
    done
    replace_if_changed "$STATE/vmailbox.new" "$STATE/vmailbox"
    # Postfix wants its data directory owned by mail_owner, and the virtual delivery agent
    # writes the Maildirs as the uid in virtual_uid_maps.
    chown postfix:postfix "$STATE/data" "$STATE/mail"
    chmod 755 "$STATE/mail"
    configure_tls
    configure_sasl
}

# A self-signed server certificate for postfix.test and 127.0.0.1, made once (valid 10
# years). CA:FALSE makes it a leaf, as real servers have: verification then fails with
# "unknown issuer", the common case, instead of "CA certificate used as a server's".
configure_tls() {
    mkdir -p "$STATE/tls"
    if [[ ! -s $STATE/tls/cert.pem || ! -s $STATE/tls/key.pem ]]; then
        openssl req -x509 -newkey rsa:2048 -nodes -days 3650 \
            -keyout "$STATE/tls/key.pem" -out "$STATE/tls/cert.pem" \
            -subj "/CN=postfix.test/O=smtp-playground test server" \
            -addext "subjectAltName=DNS:postfix.test,IP:127.0.0.1" \
            -addext "basicConstraints=critical,CA:FALSE" \
            -addext "extendedKeyUsage=serverAuth" >/dev/null 2>&1 ||
            die "openssl could not make the test certificate"
        CONFIG_CHANGED=1
    fi
    chmod 644 "$STATE/tls/cert.pem"
    chmod 600 "$STATE/tls/key.pem"
}

# The SASL test account. Debian 12's Postfix does not read an smtpd.conf from
# cyrus_sasl_config_path, so the sasldb plugin uses its built-in /etc/sasldb2 (group sasl);
# the postfix user joins that group, as Debian's own documentation says to do.
configure_sasl() {
    printf '%s' "$SASL_PASSWORD" |
        saslpasswd2 -p -c -u postfix.test "$SASL_USER" ||
        die "saslpasswd2 could not create the test account in /etc/sasldb2"
    if getent group sasl >/dev/null && ! id -nG postfix | grep -qw sasl; then
        usermod -a -G sasl postfix || die "could not add the postfix user to the sasl group"
        CONFIG_CHANGED=1
    fi
}

# `master -t` exits non-zero while a master holds the lock on its pid file; a pid file left
# by a crash is not locked. (`postfix status` says the same but sleeps a second.)
is_running() {
    local daemons
    daemons="$(postconf -c "$CONF" -h daemon_directory 2>/dev/null)" || return 1
    ! "$daemons/master" -t -c "$CONF" 2>/dev/null
}

# Reads the first line the server sends on PORT (or the port given); succeeds when it is a
# 220 banner.
banner_ok() {
    local line="" port="${1:-$PORT}"
    # A subshell so the /dev/tcp descriptor is closed whatever happens.
    line="$(
        exec 5<>"/dev/tcp/127.0.0.1/$port" || exit 1
        IFS= read -r -t 2 banner <&5 || exit 1
        printf 'QUIT\r\n' >&5
        printf '%s' "$banner"
    )" 2>/dev/null || return 1
    [[ $line == 220* ]]
}

# Succeeds when something accepts TCP connections on the port.
port_in_use() {
    (exec 5<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}

print_env() {
    printf 'export SMTP_PLAYGROUND_POSTFIX=127.0.0.1:%s\n' "$PORT"
    printf 'export SMTP_PLAYGROUND_POSTFIX_MAILDIRS=%s\n' "$STATE/mail/postfix.test"
    printf 'export SMTP_PLAYGROUND_POSTFIX_SUBMISSION=127.0.0.1:%s\n' "$SUBMISSION_PORT"
    printf 'export SMTP_PLAYGROUND_POSTFIX_SMTPS=127.0.0.1:%s\n' "$SMTPS_PORT"
    printf 'export SMTP_PLAYGROUND_POSTFIX_OPEN_RELAY=127.0.0.1:%s\n' "$OPEN_RELAY_PORT"
    printf 'export SMTP_PLAYGROUND_POSTFIX_USER=%s@postfix.test\n' "$SASL_USER"
    printf 'export SMTP_PLAYGROUND_POSTFIX_PASSWORD=%s\n' "$SASL_PASSWORD"
}

start() {
    configure
    if is_running; then
        if ((CONFIG_CHANGED)); then
            log "configuration changed; reloading"
            postfix -c "$CONF" reload >&2 2>&1 || die "postfix reload failed; see $STATE/postfix.log"
            wait_for_banner
        fi
        banner_ok || die "Postfix runs from $CONF but 127.0.0.1:$PORT does not answer 220; see $STATE/postfix.log"
        log "already running on 127.0.0.1:$PORT"
        print_env
        return
    fi
    if port_in_use; then
        die "127.0.0.1:$PORT is already taken by another program (see: ss -ltnp 'sport = :$PORT'); stop it or set SMTP_PLAYGROUND_POSTFIX_PORT"
    fi
    # A stale pid file from a crash is harmless: postfix checks the master's lock, not the
    # pid. `check` creates missing queue directories and fixes their ownership.
    postfix -c "$CONF" check >&2 || die "postfix check failed; see above and $STATE/postfix.log"
    postfix -c "$CONF" start >&2 2>&1 || die "postfix start failed; see $STATE/postfix.log"
    wait_for_banner
    log "running on 127.0.0.1:$PORT (state in $STATE)"
    print_env
}

wait_for_banner() {
    local try
    for ((try = 0; try < WAIT_TRIES; try++)); do
        banner_ok && banner_ok "$SUBMISSION_PORT" && banner_ok "$OPEN_RELAY_PORT" &&
            (exec 5<>"/dev/tcp/127.0.0.1/$SMTPS_PORT") 2>/dev/null && return
        sleep 0.2
    done
    tail -n 20 "$STATE/postfix.log" >&2 2>/dev/null || true
    die "no 220 banner on 127.0.0.1:$PORT, $SUBMISSION_PORT and $OPEN_RELAY_PORT (or nothing on $SMTPS_PORT) within 10 s"
}

stop() {
    if [[ ! -f $CONF/main.cf ]] || ! is_running; then
        log "not running"
        return
    fi
    postfix -c "$CONF" stop >&2 2>&1 || true
    # The master goes first; its smtpd children may hold the listening socket a moment
    # longer, and a start right after a stop needs the port free.
    local try
    for ((try = 0; try < WAIT_TRIES; try++)); do
        if ! is_running; then
            while port_in_use && ((try++ < WAIT_TRIES)); do
                sleep 0.2
            done
            port_in_use && log "warning: 127.0.0.1:$PORT is still taken after the stop"
            log "stopped"
            return
        fi
        sleep 0.2
    done
    log "still running after 10 s; aborting it"
    postfix -c "$CONF" abort >&2 2>&1 || true
    sleep 1
    ! is_running || die "could not stop the Postfix in $CONF"
}

status() {
    if [[ -f $CONF/main.cf ]] && is_running && banner_ok; then
        log "running on 127.0.0.1:$PORT (state in $STATE)"
        return 0
    fi
    log "not running"
    return 1
}

main() {
    local command="${1:-}"
    case "$command" in
    start)
        check_prerequisites
        start
        ;;
    stop)
        check_prerequisites
        stop
        ;;
    status)
        check_prerequisites
        status
        ;;
    env) print_env ;;
    *)
        printf 'usage: %s start|stop|status|env\n' "$0" >&2
        exit 2
        ;;
    esac
}

main "$@"
