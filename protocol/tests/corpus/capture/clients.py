"""The client drivers: each runs one real client tool (or our raw socket) against a port
(the recording proxy's) and returns what the tool printed, verbatim.

Terminal tools (nc, telnet, openssl s_client) run in a pseudo-terminal, as a person would
run them: the typed lines are echoed by the terminal and interleave with the server's
replies exactly as on a screen. The `server-only` log is nc in a terminal with echo off:
only the server's lines show, as when a user pastes a telnet session whose typed lines
were not echoed.
"""

import os
import pty
import re
import select
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import termios
import time

HELO = "client.example"
# a complete reply line; in a terminal the server's CRLF shows as CR CR LF (onlcr)
REPLY_END = re.compile(rb"(?m)^\d{3}(?: [^\r\n]*)?\r*$")
# The Python used for smtplib logs: Debian's, so tracebacks show its usual paths.
SYSTEM_PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def run(cmd, *, timeout=40, input_=None, cwd=None):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout,
                       input=input_, cwd=cwd)
    return p.stdout.decode("utf-8", "replace"), p.returncode


# ------------------------------------------------------------------ swaks

def swaks(port, args, *, tls_port=None):
    cmd = ["swaks", "--server", f"127.0.0.1:{port}", "--helo", HELO] + args
    out, rc = run(cmd)
    return {"transcript": out, "rc": rc, "argv": ["swaks", "--server", "127.0.0.1:PORT", "--helo", HELO] + args}


# ------------------------------------------------------------------ smtplib

def smtplib_script(body, level, greeting, *, ssl_=False):
    cls = "SMTP_SSL" if ssl_ else "SMTP"
    ctx = "context=ssl._create_unverified_context(), " if ssl_ else ""
    if greeting:
        head = (f"s = smtplib.{cls}({ctx}local_hostname={HELO!r}, timeout=10)\n"
                f"s.set_debuglevel({level})\n"
                "s.connect(HOST, PORT)\n")
    else:
        head = (f"s = smtplib.{cls}(HOST, PORT, {ctx}local_hostname={HELO!r}, timeout=10)\n"
                f"s.set_debuglevel({level})\n")
    return ("import smtplib, ssl, sys\n"
            "HOST, PORT = '127.0.0.1', int(sys.argv[1])\n" + head + body.strip("\n") + "\n")


def smtplib_run(port, body, level, greeting, *, ssl_=False):
    script = smtplib_script(body, level, greeting, ssl_=ssl_)
    d = tempfile.mkdtemp(prefix="smtplib-")
    path = os.path.join(d, "send_mail.py")
    with open(path, "w") as f:
        f.write(script)
    out, rc = run([SYSTEM_PYTHON, path, str(port)], cwd=d)
    # The script's temporary directory is machine-specific: show it as a user's home.
    out = out.replace(d + "/", "/home/user/")
    shutil.rmtree(d, ignore_errors=True)
    return {"transcript": out, "rc": rc, "script": script}


# ------------------------------------------------------------------ raw socket

def raw(port, writes, *, tls_context=None, implicit_tls=False):
    """writes: list of dicts {"send": [lines] or bytes, "replies": n, "sleep": s, "starttls": bool}.
    Returns the C:/S: listing."""
    out = []
    tls_context = tls_context or ssl._create_unverified_context()
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    if implicit_tls:
        sock = tls_context.wrap_socket(sock, server_hostname="corpus.test")
        out.append(f"# TLS started ({sock.version()}, {sock.cipher()[0]})")
    buf = bytearray()
    closed = False

    def read_replies(n, wait):
        nonlocal closed
        got = 0
        deadline = time.monotonic() + wait
        while (got < n or n == 0) and time.monotonic() < deadline and not closed:
            # complete lines in buf
            while b"\n" in buf:
                i = buf.index(b"\n")
                line = bytes(buf[: i + 1])
                del buf[: i + 1]
                text = line.rstrip(b"\n").rstrip(b"\r").decode("utf-8", "replace")
                out.append("S: " + text)
                if not (len(text) >= 4 and text[3] == "-"):
                    got += 1
            if got >= n and n > 0:
                break
            sock.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                data = sock.recv(65536)
            except (socket.timeout, TimeoutError):
                break
            except (ConnectionResetError, ssl.SSLError, OSError):
                data = b""
            if not data:
                closed = True
                break
            buf.extend(data)
        while b"\n" in buf:
            i = buf.index(b"\n")
            line = bytes(buf[: i + 1])
            del buf[: i + 1]
            out.append("S: " + line.rstrip(b"\n").rstrip(b"\r").decode("utf-8", "replace"))
        if closed and buf:
            out.append("S: " + bytes(buf).decode("utf-8", "replace"))
            buf.clear()

    read_replies(1, 10)  # greeting
    for w in writes:
        if w.get("sleep"):
            time.sleep(w["sleep"])
        if "send" in w:
            data = w["send"]
            if callable(data):
                data = data(out)
            if isinstance(data, list):
                eol = w.get("eol", b"\r\n")
                data = b"".join(l.encode("utf-8") + eol for l in data)
            if closed:
                out.append("# (connection closed by the server; the rest was not sent)")
                break
            try:
                sock.sendall(data)
            except OSError:
                out.append("# (connection closed by the server; the rest was not sent)")
                closed = True
                break
            # show what was sent, line by line
            for part in re.split(rb"(?<=\n)", data):
                if part:
                    out.append("C: " + part.rstrip(b"\n").rstrip(b"\r").decode("utf-8", "replace"))
        read_replies(w.get("replies", 1), w.get("wait", 5))
        if w.get("starttls") and out and out[-1].startswith("S: 220"):
            sock = tls_context.wrap_socket(sock, server_hostname="corpus.test")
            out.append(f"# TLS started ({sock.version()}, {sock.cipher()[0]})")
    if not closed:
        read_replies(0, w.get("final_wait", 1.5) if writes else 1.5)
    if closed:
        out.append("# connection closed by the server")
    try:
        sock.close()
    except OSError:
        pass
    return {"transcript": "\n".join(out) + "\n"}


# ------------------------------------------------------------------ pseudo-terminal tools

class Pty:
    def __init__(self, cmd, *, echo=True):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            if not echo:
                attrs = termios.tcgetattr(0)
                attrs[3] &= ~termios.ECHO
                termios.tcsetattr(0, termios.TCSANOW, attrs)
            os.environ["TERM"] = "dumb"
            os.execvp(cmd[0], cmd)
        self.buf = bytearray()
        self.alive = True
        self.typed = []

    def pump(self, t):
        end = time.monotonic() + t
        while time.monotonic() < end and self.alive:
            r, _, _ = select.select([self.fd], [], [], 0.05)
            if r:
                try:
                    d = os.read(self.fd, 65536)
                except OSError:
                    self.alive = False
                    return
                if not d:
                    self.alive = False
                    return
                self.buf += d

    def wait(self, pattern, timeout=5.0, start=0):
        end = time.monotonic() + timeout
        rx = re.compile(pattern) if isinstance(pattern, bytes) else pattern
        while time.monotonic() < end and self.alive:
            if rx.search(self.buf, start):
                return True
            self.pump(0.05)
        return bool(rx.search(self.buf, start))

    def wait_replies(self, n, timeout=5.0, start=None):
        """Waits for n complete replies after offset start."""
        start = len(self.buf) if start is None else start
        end = time.monotonic() + timeout
        while time.monotonic() < end and self.alive:
            if len(REPLY_END.findall(self.buf[start:])) >= n:
                break
            self.pump(0.05)
        self.pump(0.15)

    def type(self, lines):
        start = len(self.buf)
        data = "".join(l + "\n" for l in lines).encode("utf-8")
        self.typed.extend(lines)
        os.write(self.fd, data)
        return start

    def finish(self, timeout=3.0):
        self.pump(timeout)
        if self.alive:
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            self.pump(0.3)
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        text = bytes(self.buf).decode("utf-8", "replace")
        return text.replace("\r\n", "\n").replace("\r", "")


def terminal(tool, port, groups, *, echo=True, extra=None, end_wait=2.0):
    """groups: list of dicts {"type": [lines], "replies": n, "sleep": s, "wait": s}."""
    if tool == "nc":
        cmd = ["nc", "-C", "127.0.0.1", str(port)]
    elif tool == "telnet":
        cmd = ["telnet", "127.0.0.1", str(port)]
    elif tool == "s_client-starttls":
        cmd = ["openssl", "s_client", "-starttls", "smtp", "-crlf", "-connect", f"127.0.0.1:{port}"] + (extra or [])
    elif tool == "s_client-tls":
        cmd = ["openssl", "s_client", "-crlf", "-connect", f"127.0.0.1:{port}"] + (extra or [])
    else:
        raise ValueError(tool)
    p = Pty(cmd, echo=echo)
    if tool.startswith("s_client"):
        p.wait(rb"(?m)^---\r?\n(?:.*\r?\n)*?---\r?\n", timeout=6)
        p.wait(rb"Verify return code", timeout=3)
        p.pump(0.8 if tool == "s_client-tls" else 0.5)
    else:
        p.wait_replies(1, timeout=6, start=0)
    for g in groups:
        if g.get("sleep"):
            p.pump(g["sleep"])
        if g.get("type") is not None:
            start = p.type(g["type"])
        else:
            start = len(p.buf)
        p.wait_replies(g.get("replies", 1), timeout=g.get("wait", 5), start=start)
    text = p.finish(end_wait)
    return {"transcript": text, "typed": p.typed, "argv": [c if c != str(port) else "PORT" for c in cmd]}


# ------------------------------------------------------------------ smtp-source

def smtp_source(port, args):
    cmd = ["smtp-source", "-v", "-M", HELO] + args + [f"127.0.0.1:{port}"]
    out, rc = run(cmd)
    return {"transcript": out, "rc": rc}
