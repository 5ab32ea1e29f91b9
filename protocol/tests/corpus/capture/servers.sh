#!/usr/bin/env bash
# Starts and stops the SMTP servers the corpus is captured from, all on 127.0.0.1.
#
#   servers.sh start [NAME...]   start (default: all) and wait until each answers
#   servers.sh stop  [NAME...]   stop what start started (by the pids it recorded)
#   servers.sh ports             print NAME=127.0.0.1:PORT lines
#
# Names: postfix (scripts/postfix.sh of the repository), aiosmtpd (its default Debugging
# handler), custom (aiosmtpd with custom_server.py: imitations of other servers' replies),
# sink (Postfix's smtp-sink, several instances with injected failures), maildev (npm),
# exim (Debian's exim4-daemon-light, extracted with dpkg-deb -x, config exim.conf here).
#
# Settings: SMTP_CORPUS_STATE (state directory, default $TMPDIR/smtp-playground-corpus),
# SMTP_CORPUS_TOOLS (where exim and maildev were unpacked, default ../corpus-tools next to
# the repository; see ../README.md), SMTP_CORPUS_PYTHON (a Python with aiosmtpd; default the
# repository's .tmp/venv, then the tools directory's venv).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../../../.." && pwd)"
STATE="${SMTP_CORPUS_STATE:-${TMPDIR:-/tmp}/smtp-playground-corpus}"
TOOLS="${SMTP_CORPUS_TOOLS:-$REPO/../corpus-tools}"
if [[ -z ${SMTP_CORPUS_PYTHON:-} ]]; then
    if "$REPO/.tmp/venv/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
        SMTP_CORPUS_PYTHON="$REPO/.tmp/venv/bin/python"
    else
        SMTP_CORPUS_PYTHON="$TOOLS/venv/bin/python"
    fi
fi

# Ports (keep in sync with capture/scenarios.py SERVERS).
AIOSMTPD_PORT=10027
CUSTOM_PORT=10028
EXIM_PORT=10030
EXIM_NOPIPE_PORT=10031
EXIM_TLS_PORT=10032
SINK_PORT=10040          # accepts everything
SINK_DOT451_PORT=10041   # 451 after the final dot
SINK_DOT552_PORT=10042   # 552 after the final dot
SINK_RCPT452_PORT=10043  # 452 to every RCPT
SINK_QUIT421_PORT=10044  # 421 and disconnect after MAIL
MAILDEV_PORT=10050
MAILDEV_WEB_PORT=10051

log() { printf 'servers.sh: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

banner_ok() { # port: succeeds when a 220 greeting arrives within 3 s
    local line
    line="$(
        exec 5<>"/dev/tcp/127.0.0.1/$1" 2>/dev/null || exit 1
        IFS= read -r -t 3 banner <&5 || exit 1
        printf 'QUIT\r\n' >&5
        printf '%s' "$banner"
    )" 2>/dev/null || return 1
    [[ $line == 220* ]]
}
port_open() { (exec 5<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { # port [banner|open]
    local try
    for ((try = 0; try < 50; try++)); do
        if [[ ${2:-banner} == banner ]]; then banner_ok "$1" && return 0; else port_open "$1" && return 0; fi
        sleep 0.2
    done
    die "nothing answers on 127.0.0.1:$1"
}

# Starts a background program, records its pid in $STATE/pids/NAME.
spawn() { # name command...
    local name="$1"
    shift
    mkdir -p "$STATE/pids" "$STATE/logs"
    if [[ -f $STATE/pids/$name ]] && kill -0 "$(cat "$STATE/pids/$name")" 2>/dev/null; then
        log "$name already running"
        return
    fi
    nohup "$@" >"$STATE/logs/$name.log" 2>&1 &
    echo $! >"$STATE/pids/$name"
}

make_cert() {
    mkdir -p "$STATE/tls"
    if [[ ! -s $STATE/tls/cert.pem ]]; then
        openssl req -x509 -newkey rsa:2048 -nodes -days 3650 \
            -keyout "$STATE/tls/key.pem" -out "$STATE/tls/cert.pem" \
            -subj "/CN=corpus.test/O=smtp-playground corpus server" \
            -addext "subjectAltName=DNS:corpus.test,DNS:exim.test,IP:127.0.0.1" \
            -addext "basicConstraints=critical,CA:FALSE" >/dev/null 2>&1 || die "openssl req failed"
    fi
    chmod 644 "$STATE/tls/cert.pem" "$STATE/tls/key.pem"
}

start_postfix() {
    bash "$REPO/scripts/postfix.sh" start >/dev/null
}
stop_postfix() { bash "$REPO/scripts/postfix.sh" stop; }

start_aiosmtpd() {
    spawn aiosmtpd "$SMTP_CORPUS_PYTHON" -m aiosmtpd -n -l "127.0.0.1:$AIOSMTPD_PORT"
    wait_port "$AIOSMTPD_PORT"
}

start_custom() {
    make_cert
    spawn custom "$SMTP_CORPUS_PYTHON" "$HERE/custom_server.py" "$CUSTOM_PORT" \
        "$STATE/tls/cert.pem" "$STATE/tls/key.pem"
    wait_port "$CUSTOM_PORT"
}

start_sink() {
    local user=nobody
    # -t 5: a 5 s command timeout; -u: drop root.
    spawn sink smtp-sink -u $user -t 5 -h sink.test "127.0.0.1:$SINK_PORT" 16
    spawn sink-dot451 smtp-sink -u $user -t 5 -h sink.test -r . \
        -b "451 4.3.0 Error: queue file write error" "127.0.0.1:$SINK_DOT451_PORT" 16
    spawn sink-dot552 smtp-sink -u $user -t 5 -h sink.test -f . \
        -B "552 5.3.4 Message size exceeds fixed limit" "127.0.0.1:$SINK_DOT552_PORT" 16
    spawn sink-rcpt452 smtp-sink -u $user -t 5 -h sink.test -r RCPT \
        -b "452 4.5.3 Error: too many recipients" "127.0.0.1:$SINK_RCPT452_PORT" 16
    spawn sink-quit421 smtp-sink -u $user -t 5 -h sink.test -Q RCPT "127.0.0.1:$SINK_QUIT421_PORT" 16
    local port
    for port in $SINK_PORT $SINK_DOT451_PORT $SINK_DOT552_PORT $SINK_RCPT452_PORT $SINK_QUIT421_PORT; do
        wait_port "$port"
    done
}

start_maildev() {
    local bin="$TOOLS/maildev/node_modules/.bin/maildev"
    [[ -x $bin ]] || die "maildev is not installed in $TOOLS/maildev (npm install maildev there)"
    spawn maildev "$bin" --ip 127.0.0.1 --smtp "$MAILDEV_PORT" --web "$MAILDEV_WEB_PORT" \
        --web-ip 127.0.0.1 --mail-directory "$STATE/maildev"
    wait_port "$MAILDEV_PORT"
}

start_exim() {
    local root="$TOOLS/exim"
    local exim="$root/usr/sbin/exim4"
    [[ -x $exim ]] || die "exim is not unpacked in $root (dpkg-deb -x exim4-base and exim4-daemon-light there)"
    id Debian-exim >/dev/null 2>&1 ||
        useradd --system --no-create-home --shell /usr/sbin/nologin Debian-exim ||
        die "could not create the Debian-exim user the Debian build runs as"
    make_cert
    mkdir -p "$STATE/exim/spool" "$STATE/exim/log" "$STATE/exim/tls"
    cp "$STATE/tls/cert.pem" "$STATE/tls/key.pem" "$STATE/exim/tls/"
    chown -R Debian-exim "$STATE/exim"
    chmod 640 "$STATE/exim/tls/key.pem"
    sed -e "s|@STATE@|$STATE/exim|g" -e "s|@EXIM@|$exim|g" \
        -e "s|@PORT_PLAIN@|$EXIM_PORT|g" -e "s|@PORT_NOPIPE@|$EXIM_NOPIPE_PORT|g" \
        -e "s|@PORT_TLS@|$EXIM_TLS_PORT|g" "$HERE/exim.conf" >"$STATE/exim/exim.conf"
    chown root:root "$STATE/exim/exim.conf"
    chmod 644 "$STATE/exim/exim.conf"
    # Debian's build needs libidn12, extracted next to it.
    LD_LIBRARY_PATH="$root/usr/lib/x86_64-linux-gnu" "$exim" -C "$STATE/exim/exim.conf" -bV >/dev/null ||
        die "exim rejects its configuration; see above"
    spawn exim env LD_LIBRARY_PATH="$root/usr/lib/x86_64-linux-gnu" "$exim" -C "$STATE/exim/exim.conf" -bdf
    wait_port "$EXIM_PORT"
    wait_port "$EXIM_NOPIPE_PORT"
    wait_port "$EXIM_TLS_PORT" open
}

stop_pid() { # name
    local f="$STATE/pids/$1" pid
    [[ -f $f ]] || return 0
    pid="$(cat "$f")"
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        local try
        for ((try = 0; try < 25; try++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
}

stop_one() {
    case "$1" in
    postfix) stop_postfix ;;
    sink) for n in sink sink-dot451 sink-dot552 sink-rcpt452 sink-quit421; do stop_pid "$n"; done ;;
    *) stop_pid "$1" ;;
    esac
}

ALL=(postfix aiosmtpd custom sink maildev exim)
cmd="${1:-}"
shift || true
names=("$@")
((${#names[@]})) || names=("${ALL[@]}")
case "$cmd" in
start)
    for n in "${names[@]}"; do
        log "starting $n"
        "start_$n"
    done
    ;;
stop)
    for n in "${names[@]}"; do stop_one "$n"; done
    ;;
ports)
    cat <<EOF
aiosmtpd=127.0.0.1:$AIOSMTPD_PORT
custom=127.0.0.1:$CUSTOM_PORT
exim=127.0.0.1:$EXIM_PORT
sink=127.0.0.1:$SINK_PORT
maildev=127.0.0.1:$MAILDEV_PORT
EOF
    ;;
*)
    echo "usage: $0 start|stop|ports [NAME...]" >&2
    exit 2
    ;;
esac
