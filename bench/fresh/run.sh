#!/usr/bin/env bash
# The fresh-machine benchmark of issue 17 (goal 5): how long `scripts/run.sh` takes on a
# fresh Debian 12 machine, from the command to the page and its wasm being served.
#
#   bench/fresh/run.sh                        # the committed HEAD of this repository
#   bench/fresh/run.sh --rev main             # another commit
#   bench/fresh/run.sh --base /var/tmp/base.tar   # reuse (or make) a debootstrapped root
#
# Run as root. It makes a clean Debian root with debootstrap (minbase, plus ca-certificates:
# the packages come from the Debian mirror this machine's apt uses), copies in the Rust
# toolchain this machine has through rustup (a fresh machine "with Rust via rustup": rustup,
# the active toolchain and its proxies; not ~/.cargo/registry, not other tools in
# ~/.cargo/bin, no target directory), the machine's network settings (resolv.conf, its
# extra CA certificates and the environment variables that point at them, any proxy
# variables), and a fresh clone of the repository. Then it runs
# `scripts/run.sh --listen 127.0.0.1:<free port> --sandbox-listen 127.0.0.1:<free port>` in
# the root, polls the page and its wasm from outside (curl, loopback), and prints the time
# to the page with a breakdown per step from the timestamped output, the CPU time of
# everything run.sh ran and the machine's load. See bench/README.md, "fresh machine".
#
# What a fresh machine is here, and what it is not: no services run in the root (a
# policy-rc.d refuses them, as in a container); the kernel, the CPU and the network are
# this machine's; the root shares the page cache with the machine (its toolchain files may
# already be cached in memory).
#
# Every wait is bounded (--timeout, default 3600 s, for the whole run); on exit, success or
# failure, the run is stopped, everything mounted is unmounted and the root is removed
# (--keep keeps it, with the log).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SELF="fresh/run.sh"

usage() {
    cat <<EOF
usage: bench/fresh/run.sh [--rev REV] [--include PKGS] [--base FILE.tar] [--second-run]
                          [--timeout SECONDS] [--workdir DIR] [--keep] [--save-log FILE]
  --include PKGS    more Debian packages in the root from the start, comma-separated (e.g.
                    gcc,libc6-dev: a machine that has a C compiler); default none
  --rev REV         the commit to clone and run (default: HEAD; uncommitted changes are not in it)
  --base FILE.tar   a tarball of the debootstrapped root: made on the first run, unpacked later
  --timeout S       give up after S seconds from the start of run.sh (default 3600)
  --workdir DIR     where to make the root (default: a new directory under \${TMPDIR:-/var/tmp})
  --second-run      then run scripts/run.sh again in the same root and time that too
  --keep            keep the root and the log afterwards
  --save-log FILE   copy the stamped output of run.sh to FILE (also when it fails)
EOF
}

log() { printf '%s: %s\n' "$SELF" "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

REV=HEAD
BASE=""
TIMEOUT=3600
WORKDIR=""
KEEP=0
SAVE_LOG=""
SECOND_RUN=0
INCLUDE="ca-certificates"
while (($#)); do
    case "$1" in
    --rev) REV="${2:?--rev needs a value}"; shift ;;
    --base) BASE="${2:?--base needs a value}"; shift ;;
    --timeout) TIMEOUT="${2:?--timeout needs a value}"; shift ;;
    --workdir) WORKDIR="${2:?--workdir needs a value}"; shift ;;
    --keep) KEEP=1 ;;
    --second-run) SECOND_RUN=1 ;;
    --include) INCLUDE+=",${2:?--include needs a value}"; shift ;;
    --save-log) SAVE_LOG="${2:?--save-log needs a value}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
    shift
done
[[ $TIMEOUT =~ ^[0-9]+$ ]] || die "--timeout must be a number of seconds"
[[ $EUID -eq 0 ]] || die "run as root (debootstrap, chroot, mount)"
for tool in debootstrap chroot curl git python3 rustup; do
    command -v "$tool" >/dev/null || die "$tool is required${tool/debootstrap/ (apt-get install debootstrap)}"
done

# The Debian archive and release this machine's apt uses: the first `deb` source that
# serves this release's main suite (deb822 .sources files, then one-line lists).
# shellcheck disable=SC1091
codename="$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")"
[[ -n $codename ]] || die "no VERSION_CODENAME in /etc/os-release"
apt_mirror() {
    local file
    for file in /etc/apt/sources.list.d/*.sources; do
        [[ -f $file ]] || continue
        awk -v suite="$codename" '
            function flush() {
                if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && uris != "") {
                    split(uris, u, " "); print u[1]; found = 1; exit
                }
                types = ""; suites = ""; uris = ""
            }
            /^[ \t]*$/ { flush(); next }
            /^[ \t]*#/ { next }
            /^Types:/ { sub(/^Types:[ \t]*/, ""); types = $0 }
            /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
            /^URIs:/ { sub(/^URIs:[ \t]*/, ""); uris = $0 }
            END { if (!found) flush() }
        ' "$file"
    done
    for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -f $file ]] || continue
        awk -v suite="$codename" '$1 == "deb" && $0 !~ /\[/ && $3 == suite { print $2; exit }
            $1 == "deb" && $2 ~ /^\[/ { for (i = 3; i <= NF; i++) if ($i ~ /^(http|https|file):/) { if ($(i+1) == suite) { print $i; exit } } }' "$file"
    done
}
MIRROR="$(apt_mirror | head -n 1)"
[[ -n $MIRROR ]] || die "no apt source for $codename found in /etc/apt/sources.list*"

# A free TCP port on loopback (the kernel's choice; free when asked).
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Seconds since the epoch with microseconds, as bash keeps them.
now() { printf '%s' "${EPOCHREALTIME/,/.}"; }

if [[ -z $WORKDIR ]]; then
    WORKDIR="$(mktemp -d "${TMPDIR:-/var/tmp}/fresh-machine.XXXXXX")"
else
    mkdir -p "$WORKDIR"
    [[ -z "$(ls -A "$WORKDIR")" ]] || die "--workdir $WORKDIR is not empty"
fi
WORKDIR="$(cd "$WORKDIR" && pwd -P)"
CHROOT="$WORKDIR/root"
LOG="$WORKDIR/run.log"
LOG2="$WORKDIR/second-run.log"
PID_FILE_IN="/tmp/fresh-bench.pid"
RUNNER_PID=""
MOUNTS=()

# Every process whose root is the chroot: only what this script started can be there.
chroot_pids() {
    local link pid
    for link in /proc/[0-9]*/root; do
        pid="${link#/proc/}"
        pid="${pid%/root}"
        [[ "$(readlink "$link" 2>/dev/null)" == "$CHROOT" ]] && printf '%s\n' "$pid"
    done
    return 0
}

stop_chroot_processes() {
    local pids try
    pids="$(chroot_pids)"
    [[ -n $pids ]] || return 0
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    for ((try = 0; try < 50; try++)); do
        [[ -n "$(chroot_pids)" ]] || return 0
        sleep 0.2
    done
    pids="$(chroot_pids)"
    # shellcheck disable=SC2086
    [[ -z $pids ]] || kill -KILL $pids 2>/dev/null || true
    sleep 0.5
}

cleanup() {
    local status=$? i
    trap - EXIT INT TERM
    stop_chroot_processes
    [[ -n $RUNNER_PID ]] && kill "$RUNNER_PID" 2>/dev/null && wait "$RUNNER_PID" 2>/dev/null
    [[ -n $SAVE_LOG && -f $LOG ]] && cp "$LOG" "$SAVE_LOG"
    [[ -n $SAVE_LOG && -f $LOG2 ]] && cp "$LOG2" "${SAVE_LOG%.log}.second.log"
    for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
        umount "${MOUNTS[i]}" 2>/dev/null || umount -l "${MOUNTS[i]}" 2>/dev/null || log "could not unmount ${MOUNTS[i]}"
    done
    if ((KEEP)); then
        log "kept $WORKDIR (root and run.log)"
    elif [[ -d $WORKDIR ]]; then
        # Only once nothing is mounted below it any more: never delete through a bind mount.
        if grep -qF " $CHROOT/" /proc/mounts; then
            log "something is still mounted under $CHROOT: not removing $WORKDIR"
        else
            rm -rf --one-file-system "$WORKDIR"
        fi
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 1. A clean Debian root.
t0="$(now)"
# A base tarball is reused only if it was made with the same packages (noted beside it).
if [[ -n $BASE && -f $BASE && "$(cat "$BASE.include" 2>/dev/null)" != "$INCLUDE" ]]; then
    log "$BASE was made with other packages ($(cat "$BASE.include" 2>/dev/null)): making it again"
    rm -f "$BASE"
fi
if [[ -n $BASE && -f $BASE ]]; then
    log "unpacking the base root $BASE ($INCLUDE)"
    mkdir -p "$CHROOT"
    tar -C "$CHROOT" -xpf "$BASE"
else
    log "debootstrap $codename (minbase, with $INCLUDE) from $MIRROR into $CHROOT"
    debootstrap --variant=minbase --include="$INCLUDE" "$codename" "$CHROOT" "$MIRROR" \
        >"$WORKDIR/debootstrap.log" 2>&1 || {
        tail -n 20 "$WORKDIR/debootstrap.log" >&2
        die "debootstrap failed (log above)"
    }
    if [[ -n $BASE ]]; then
        log "saving the base root as $BASE"
        tar -C "$CHROOT" -cpf "$BASE" .
        printf '%s' "$INCLUDE" >"$BASE.include"
    fi
fi
log "root ready in $(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }') s"

# 2. The machine's network settings, and no services started by package scripts.
cp /etc/resolv.conf "$CHROOT/etc/resolv.conf"
cp /etc/hosts "$CHROOT/etc/hosts"
printf '#!/bin/sh\nexit 101\n' >"$CHROOT/usr/sbin/policy-rc.d"
chmod 755 "$CHROOT/usr/sbin/policy-rc.d"
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    mkdir -p "$CHROOT/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$CHROOT/usr/local/share/ca-certificates/"
    chroot "$CHROOT" update-ca-certificates >/dev/null 2>&1
fi
for file in /etc/npmrc /etc/pip.conf; do
    [[ -f $file ]] && cp "$file" "$CHROOT$file"
done
# Variables that point tools at the CA bundle or a proxy, passed on as the machine has them.
PASS_ENV=()
for name in SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE REQUESTS_CA_BUNDLE PIP_CERT NODE_EXTRA_CA_CERTS \
    CARGO_HTTP_CAINFO http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
    [[ -n ${!name:-} ]] && PASS_ENV+=("$name=${!name}")
done

# 3. Rust through rustup, as the machine has it: rustup, its proxies and the toolchain the
#    repository asks for (with the components and targets the machine installed in it).
toolchain="$(cd "$ROOT" && rustup show active-toolchain | awk '{ print $1; exit }')"
rustup_home="${RUSTUP_HOME:-$HOME/.rustup}"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
[[ -d $rustup_home/toolchains/$toolchain ]] || die "toolchain $toolchain not found in $rustup_home"
mkdir -p "$CHROOT/root/.rustup/toolchains" "$CHROOT/root/.cargo/bin"
cp -a "$rustup_home/toolchains/$toolchain" "$CHROOT/root/.rustup/toolchains/"
printf 'version = "12"\ndefault_toolchain = "%s"\nprofile = "minimal"\n' "$toolchain" \
    >"$CHROOT/root/.rustup/settings.toml"
cp "$cargo_home/bin/rustup" "$CHROOT/root/.cargo/bin/rustup"
for proxy in cargo rustc rustdoc cargo-clippy clippy-driver cargo-fmt rustfmt; do
    ln -s rustup "$CHROOT/root/.cargo/bin/$proxy"
done
[[ -f $cargo_home/env ]] && cp "$cargo_home/env" "$CHROOT/root/.cargo/env"

# 4. A fresh clone of the commit to measure.
commit="$(git -C "$ROOT" rev-parse --verify "$REV^{commit}")" || die "no commit $REV"
git clone --quiet --no-local --no-checkout "$ROOT" "$CHROOT/root/smtp-playground"
git -C "$CHROOT/root/smtp-playground" checkout --quiet --detach "$commit"

# 5. /proc, /sys and /dev for the tools in the root.
mount_in() {
    mkdir -p "$CHROOT$2"
    mount "${@:3}" "$1" "$CHROOT$2"
    MOUNTS+=("$CHROOT$2")
}
mount_in proc /proc -t proc
mount_in sysfs /sys -t sysfs
mount_in /dev /dev --bind
mount_in devpts /dev/pts -t devpts -o newinstance,ptmxmode=0666

port="$(free_port)"
sandbox_port="$(free_port)"
while [[ $sandbox_port == "$port" ]]; do sandbox_port="$(free_port)"; done
url="http://127.0.0.1:$port"

machine="$(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ { printf "%.0f GB RAM", $2 / 1048576 }' /proc/meminfo)"
# Machine-wide CPU seconds used (all processes, not only this run), from /proc/stat.
machine_cpu() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / { print ($2 + $3 + $4 + $7 + $8) / hz; exit }' /proc/stat; }
log "machine: $machine; load $(cut -d' ' -f1-3 /proc/loadavg)"
log "commit $commit, toolchain $toolchain; serving on $url (sandbox SMTP 127.0.0.1:$sandbox_port)"

# 6. scripts/run.sh in the root, every line of its output stamped with the time it arrived
#    (in $1). The shell around it prints, once run.sh has stopped, the CPU time of everything
#    it ran (bash's `times`: its children and their waited-for descendants; into a file,
#    since in a pipeline or $(...) it would report a subshell's children, none).
# shellcheck disable=SC2016 # expanded by the shell in the root
inner='cd /root/smtp-playground
scripts/run.sh --listen "$1" --sandbox-listen "$2" &
echo $! >'"$PID_FILE_IN"'
wait $! || true
times >/tmp/fresh-bench.times
echo "fresh-bench-cpu: $(tail -n 1 /tmp/fresh-bench.times)"'
start_run() {
    local log="$1"
    rm -f "$CHROOT$PID_FILE_IN"
    start="$(now)"
    (
        exec </dev/null
        setsid chroot "$CHROOT" /usr/bin/env -i HOME=/root USER=root LOGNAME=root LANG=C.UTF-8 TERM=dumb \
            PATH=/root/.cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            "${PASS_ENV[@]}" bash -c "$inner" fresh-bench "127.0.0.1:$port" "127.0.0.1:$sandbox_port" 2>&1 |
            while IFS= read -r line; do printf '%s %s\n' "${EPOCHREALTIME/,/.}" "$line"; done >"$log"
    ) &
    RUNNER_PID=$!
}

# 7. Polls the page, then the wasm it names, until both are served (bounded); sets served.
wait_served() {
    local log="$1" page wasm step last_shown="" deadline=$((SECONDS + TIMEOUT))
    served=""
    while ((SECONDS < deadline)); do
        if ! kill -0 "$RUNNER_PID" 2>/dev/null; then
            tail -n 40 "$log" | cut -d' ' -f2- >&2
            die "scripts/run.sh stopped before the page was served (log above; --keep keeps $log)"
        fi
        if page="$(curl -fsS --max-time 5 "$url/" 2>/dev/null)"; then
            wasm="$(grep -o '[A-Za-z0-9_./-]*_bg\.wasm' <<<"$page" | head -n 1)" || true
            if [[ -n $wasm ]] && curl -fsS --max-time 30 -o /dev/null "$url/${wasm#/}"; then
                served="$(now)"
                return 0
            fi
        fi
        # One progress line per new step, so a long run shows where it is.
        step="$(grep -o '==> .*' "$log" | tail -n 1)" || true
        if [[ -n $step && $step != "$last_shown" ]]; then
            log "$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%6.1f s", b - a }') $step"
            last_shown="$step"
        fi
        sleep 1
    done
    die "the page was not served within $TIMEOUT s (log: $log; --keep keeps it)"
}

# 8. Stops the server (run.sh became it), which lets the shell around it print the CPU time.
stop_run() {
    local log="$1" server_pid try
    server_pid="$(cat "$CHROOT$PID_FILE_IN" 2>/dev/null)" || true
    if [[ -n $server_pid ]]; then kill -TERM "$server_pid" 2>/dev/null || true; fi
    for ((try = 0; try < 100; try++)); do
        grep -q 'fresh-bench-cpu:' "$log" && break
        sleep 0.1
    done
    wait "$RUNNER_PID" 2>/dev/null || true
    RUNNER_PID=""
}

# 9. The report: total, steps (from the "==> NAME" and "<== NAME: ..." lines that
#    scripts/lib/timing.sh and scripts/lib/jobs.sh print), CPU, load.
report() {
    local log="$1" title="$2"
    awk -v start="$start" -v served="$served" -v include="$INCLUDE" -v machine="$machine" -v commit="$commit" \
        -v title="$title" -v load_before="$load_before" -v load_after="$load_after" \
        -v machine_cpu="$(awk -v a="$cpu_before" -v b="$cpu_after" 'BEGIN { printf "%.0f", b - a }')" '
        function name_of(text) { sub(/ \[.*$/, "", text); return text }
        $2 == "==>" { text = $0; sub(/^[^ ]+ ==> /, "", text); n = name_of(text)
                      if (!(n in began)) { began[n] = $1 - start; order[++count] = n } }
        $2 == "<==" { text = $0; sub(/^[^ ]+ <== /, "", text)
                      n = text; sub(/: (ok|FAILED).*$/, "", n)
                      ended[n] = $1 - start; result[n] = substr(text, length(n) + 3) }
        $2 == "fresh-bench-cpu:" { user = $3; sys = $4 }
        END {
            total = served - start
            printf "\n%s: scripts/run.sh to the page and its wasm served: %.1f s (%.1f min)\n", title, total, total / 60
            printf "commit %s; root: Debian minbase with %s; machine: %s\n", commit, include, machine
            printf "load average before %s, after %s; machine-wide CPU used meanwhile: %s s\n", load_before, load_after, machine_cpu
            if (user != "") printf "CPU time of everything run.sh ran (user, sys): %s, %s\n", user, sys
            printf "\n| step | start (s) | end (s) | took |\n| --- | ---: | ---: | --- |\n"
            for (i = 1; i <= count; i++) {
                n = order[i]
                printf "| %s | %.1f | %s | %s |\n", n, began[n], (n in ended) ? sprintf("%.1f", ended[n]) : "", (n in result) ? result[n] : "(no end line)"
            }
            printf "| page and wasm served | | %.1f | |\n", total
        }' "$log"
}

measure() {
    local log="$1" title="$2"
    load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
    cpu_before="$(machine_cpu)"
    start_run "$log"
    wait_served "$log"
    load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
    cpu_after="$(machine_cpu)"
    stop_run "$log"
    report "$log" "$title"
}

measure "$LOG" "fresh machine"
if ((SECOND_RUN)); then
    # The same command again on the machine it just set up: everything should be skipped.
    measure "$LOG2" "second run"
fi
if ((KEEP)); then
    log "the whole output, stamped: $LOG"
fi
