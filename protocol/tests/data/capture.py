#!/usr/bin/env python3
"""Captures real SMTP sessions as test data for protocol/tests/transcripts.rs.

Three clients talk to each server given on the command line:

- raw sockets (this file): each scenario below is sent line by line and every byte the
  server returns is recorded, in NAME.raw.txt as `C: ` (sent) and `S: ` (received) lines,
  with CRLF removed;
- swaks: its normal output, verbatim, in NAME.swaks.txt;
- Python's smtplib with set_debuglevel(1): its `send:`/`reply:` output, verbatim, in
  NAME.smtplib.txt.

Every scenario states the reply codes it expects from each server. A capture whose codes
differ is not written and the run fails, so the data never records a surprise. The codes
go into the `# expect:` header of raw captures and into expect.txt for the verbatim ones.

Usage (capture.sh runs this with the right servers):
    capture.py OUT_DIR postfix=127.0.0.1:10025 aiosmtpd=127.0.0.1:10027
"""

import re
import socket
import subprocess
import sys
from pathlib import Path

TIMEOUT_S = 5.0
FROM = "bob@example.com"
HELO = "client.example"

# A message whose third body line starts with a dot: the client doubles it (RFC 5321
# 4.5.2), and a reader of the capture can see the stuffed `..` on the wire.
BODY = [
    "From: Bob <bob@example.com>",
    "To: Alice <alice@postfix.test>",
    "Subject: hello from the smtp-playground captures",
    "",
    "Hi Alice,",
    "..this line starts with a dot, so it is sent with two",
    "Bye",
    ".",
]

# Raw scenarios: a list of writes; each write is (lines sent together, replies to read).
# Lines of one write go out in a single send(), which is how pipelining looks on the wire.
RAW = {
    "full_session": (
        [
            (["EHLO " + HELO], 1),
            (["MAIL FROM:<bob@example.com>"], 1),
            (["RCPT TO:<alice@postfix.test>"], 1),
            (["DATA"], 1),
            (BODY, 1),
            (["QUIT"], 1),
        ],
        {
            "postfix": "220 250 250 250 354 250 221",
            "aiosmtpd": "220 250 250 250 354 250 221",
        },
    ),
    "sequence_errors": (
        [
            (["EHLO " + HELO], 1),
            (["RCPT TO:<alice@postfix.test>"], 1),
            (["DATA"], 1),
            (["MAIL FROM:<bob@example.com>"], 1),
            (["MAIL FROM:<bob@example.com>"], 1),
            (["DATA"], 1),
            (["RSET"], 1),
            (["QUIT"], 1),
        ],
        {
            # DATA with a transaction but no recipient: Postfix says 554, aiosmtpd 503.
            "postfix": "220 250 503 503 250 503 554 250 221",
            "aiosmtpd": "220 250 503 503 250 503 503 250 221",
        },
    ),
    "syntax_errors": (
        [
            (["EHLO " + HELO], 1),
            (["FOO bar"], 1),
            (["MAIL"], 1),
            (["MAIL FROM:<bob@example.com> FOO=bar"], 1),
            (["MAIL FROM:bad@"], 1),
            (["MAIL FROM:<bad"], 1),
            (["NOOP"], 1),
            (["QUIT"], 1),
        ],
        {
            # aiosmtpd 1.4.6 answers `MAIL FROM:bad@` with a 500 that names a Python
            # IndexError, and accepts `MAIL FROM:<bad`: real servers are not perfect.
            "postfix": "220 250 500 501 555 501 501 250 221",
            "aiosmtpd": "220 250 500 501 555 500 250 250 221",
        },
    ),
    "recipients": (
        [
            (["EHLO " + HELO], 1),
            (["MAIL FROM:<bob@example.com>"], 1),
            (["RCPT TO:<nobody@postfix.test>"], 1),
            (["RCPT TO:<someone@example.com>"], 1),
            (["RCPT TO:<alice@postfix.test>"], 1),
            (["RSET"], 1),
            (["QUIT"], 1),
        ],
        {
            # Postfix knows its mailboxes and relays nothing; aiosmtpd's default handler
            # takes every recipient.
            "postfix": "220 250 250 550 554 250 250 221",
            "aiosmtpd": "220 250 250 250 250 250 250 221",
        },
    ),
    "pipelining": (
        [
            (["EHLO " + HELO], 1),
            (
                [
                    "MAIL FROM:<bob@example.com>",
                    "RCPT TO:<alice@postfix.test>",
                    "RCPT TO:<nobody@postfix.test>",
                    "DATA",
                ],
                4,
            ),
            (BODY, 1),
            (["QUIT"], 1),
        ],
        {
            "postfix": "220 250 250 250 550 354 250 221",
            "aiosmtpd": "220 250 250 250 250 354 250 221",
        },
    ),
    "lowercase_helo": (
        [
            (["helo " + HELO], 1),
            (["mail from:<bob@example.com>"], 1),
            (["rcpt to:<alice@postfix.test>"], 1),
            (["rset"], 1),
            (["vrfy alice@postfix.test"], 1),
            (["noop"], 1),
            (["quit"], 1),
        ],
        {
            "postfix": "220 250 250 250 250 252 250 221",
            "aiosmtpd": "220 250 250 250 250 252 250 221",
        },
    ),
}

# swaks runs: extra arguments after --server/--from/--helo.
SWAKS = {
    "deliver": (
        ["--to", "alice@postfix.test"],
        {
            "postfix": "220 250 250 250 354 250 221",
            "aiosmtpd": "220 250 250 250 354 250 221",
        },
    ),
    "quit_after_rcpt": (
        ["--to", "alice@postfix.test", "--quit-after", "RCPT"],
        {"postfix": "220 250 250 250 221", "aiosmtpd": "220 250 250 250 221"},
    ),
    "unknown_recipient": (
        ["--to", "nobody@postfix.test"],
        {"postfix": "220 250 250 550 221"},
    ),
    "pipeline": (
        ["--to", "alice@postfix.test", "--pipeline"],
        {"postfix": "220 250 250 250 354 250 221"},
    ),
}

# smtplib runs: Python run in a child process, so its debug output is captured as printed.
SMTPLIB_PRELUDE = f"""
import smtplib, sys
host, port = sys.argv[1], int(sys.argv[2])
s = smtplib.SMTP(local_hostname={HELO!r}, timeout={TIMEOUT_S})
s.set_debuglevel(1)  # before connect(), so the banner is printed too
s.connect(host, port)
"""
SMTPLIB = {
    "sendmail": (
        """
message = "Subject: hello from smtplib\\r\\n\\r\\nHi Alice,\\r\\n.a dot line\\r\\n"
try:
    refused = s.sendmail("bob@example.com", ["alice@postfix.test", "nobody@postfix.test"], message)
    print("refused:", refused, file=sys.stderr)
finally:
    s.quit()
""",
        {
            "postfix": "220 250 250 250 550 354 250 221",
            "aiosmtpd": "220 250 250 250 250 354 250 221",
        },
    ),
    "errors": (
        """
s.ehlo()
s.docmd("RCPT", "TO:<alice@postfix.test>")
s.docmd("XYZZY")
s.docmd("MAIL", "FROM:<bad")
s.quit()
""",
        {
            "postfix": "220 250 503 500 501 221",
            "aiosmtpd": "220 250 503 500 250 221",
        },
    ),
}


class CaptureError(Exception):
    pass


def read_reply(reader):
    """Reads one complete reply; returns its raw lines (with their terminators)."""
    lines = []
    while True:
        line = reader.readline(4096)
        if not line:
            raise CaptureError(f"connection closed in the middle of a reply after {lines!r}")
        if not line.endswith(b"\r\n"):
            raise CaptureError(f"server line not ended by CRLF: {line!r}")
        lines.append(line)
        if len(line) < 4 or line[3:4] != b"-":
            return lines


def code_of(line):
    return line[:3].decode("ascii", "replace")


def capture_raw(name, writes, expected, host, port, server_name):
    out = [
        f"# Raw SMTP session '{name}' against {server_name} on {host}:{port}, captured by",
        "# protocol/tests/data/capture.py. C: is a line the client sent, S: a line the server",
        "# sent, both exactly as on the wire with the CRLF removed.",
        f"# expect: {expected}",
    ]
    codes = []
    with socket.create_connection((host, port), timeout=TIMEOUT_S) as sock:
        reader = sock.makefile("rb")

        def replies(count):
            for _ in range(count):
                for line in read_reply(reader):
                    out.append("S: " + line[:-2].decode("latin-1"))
                    last = line
                codes.append(code_of(last))

        replies(1)  # the banner
        for lines, count in writes:
            sock.sendall(b"".join(line.encode() + b"\r\n" for line in lines))
            out.extend("C: " + line for line in lines)
            replies(count)
        # After QUIT the server closes the connection: nothing more may arrive.
        rest = reader.read()
        if rest:
            raise CaptureError(f"bytes after the last reply: {rest!r}")
    return out, " ".join(codes)


# swaks marks server lines `<-  ` (or `<** ` when the reply is an error).
SWAKS_SERVER_LINE = re.compile(r"^<(?:-|\*\*) +(\d{3})([ -]|$)")


def capture_swaks(args, host, port):
    cmd = ["swaks", "--server", f"{host}:{port}", "--from", FROM, "--helo", HELO, *args]
    # swaks writes its whole transcript to stdout; its exit code says whether the
    # transaction succeeded, which for unknown_recipient it must not.
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    if run.stderr:
        raise CaptureError(f"swaks wrote to stderr: {run.stderr}")
    codes = [
        m.group(1)
        for m in map(SWAKS_SERVER_LINE.match, run.stdout.splitlines())
        if m and m.group(2) != "-"
    ]
    return run.stdout, " ".join(codes)


SMTPLIB_REPLY = re.compile(r"^reply: b['\"](\d{3})([ -])")


def capture_smtplib(body, host, port):
    script = SMTPLIB_PRELUDE + body
    run = subprocess.run(
        [sys.executable, "-c", script, host, str(port)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if run.returncode != 0:
        raise CaptureError(f"smtplib script failed:\n{run.stderr}")
    codes = [
        m.group(1)
        for m in map(SMTPLIB_REPLY.match, run.stderr.splitlines())
        if m and m.group(2) == " "
    ]
    return run.stderr, " ".join(codes)


def check(kind, name, server_name, got, want):
    if got != want:
        raise CaptureError(f"{server_name}/{name}.{kind}: expected codes {want!r}, got {got!r}")


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir = Path(argv[1])
    failures = 0
    for spec in argv[2:]:
        server_name, _, address = spec.partition("=")
        host, _, port = address.rpartition(":")
        port = int(port)
        target = out_dir / server_name
        target.mkdir(parents=True, exist_ok=True)
        expect_lines = [
            "# Reply codes each verbatim capture must yield, in order (raw captures carry",
            "# their own `# expect:` header). Written by capture.py, read by transcripts.rs.",
        ]
        jobs = []
        for name, (writes, expected) in RAW.items():
            if server_name in expected:
                jobs.append(("raw", name, lambda w=writes, e=expected[server_name], n=name:
                             capture_raw(n, w, e, host, port, server_name)))
        for name, (args, expected) in SWAKS.items():
            if server_name in expected:
                jobs.append(("swaks", name, lambda a=args: capture_swaks(a, host, port)))
        for name, (body, expected) in SMTPLIB.items():
            if server_name in expected:
                jobs.append(("smtplib", name, lambda b=body: capture_smtplib(b, host, port)))
        for kind, name, job in jobs:
            table = {"raw": RAW, "swaks": SWAKS, "smtplib": SMTPLIB}[kind]
            want = table[name][1][server_name]
            try:
                content, got = job()
                check(kind, name, server_name, got, want)
            except (CaptureError, OSError, subprocess.SubprocessError) as err:
                print(f"FAILED {server_name}/{name}.{kind}: {err}", file=sys.stderr)
                failures += 1
                continue
            path = target / f"{name}.{kind}.txt"
            if kind == "raw":
                path.write_text("\n".join(content) + "\n", encoding="latin-1")
            else:
                path.write_text(content)
                expect_lines.append(f"{path.name}: {want}")
            print(f"captured {path}")
        (target / "expect.txt").write_text("\n".join(expect_lines) + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
