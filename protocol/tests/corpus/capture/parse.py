"""Reading each client tool's transcript into items, and aligning them with the wire.

An item is ("client"|"server"|"?", text) for an SMTP line the transcript shows ("?" when
the tool does not say who wrote it: a terminal log), or ("note", text, kind).
"""

import ast
import re

# ------------------------------------------------------------------ note kinds

def note_kind(tool, line):
    s = line.strip()
    if tool.startswith("smtplib"):
        s = re.sub(r"^\d\d:\d\d:\d\d\.\d+ ", "", s)  # debuglevel 2 timestamps
    if tool == "swaks":
        if s.startswith("*** "):
            return "client-error"
        if s.startswith("=== Trying"):
            return "connecting"
        if s.startswith("=== Connected"):
            return "connected"
        if s.startswith("=== TLS"):
            return "tls-started"
        if s.startswith("=== Connection closed"):
            return "closed"
        return "other"
    if tool.startswith("smtplib"):
        # connect: (host, port) and connect: to (host, port) come before the connection,
        # connect: b'...' is the greeting's text once connected
        if s.startswith("connect: b") or s.startswith("connect: '"):
            return "connected"
        if s.startswith("connect:"):
            return "connecting"
        if "timed out" in s or "TimeoutError" in s:
            return "timeout"
        return "other"
    if tool == "telnet":
        if s.startswith("Trying "):
            return "connecting"
        if s.startswith("Connected to") or s.startswith("Escape character"):
            return "connected"
        if s.startswith("Connection closed"):
            return "closed"
        return "other"
    if tool == "s_client":
        if s.startswith("read R BLOCK"):
            return "other"
        if s.startswith("CONNECTED("):
            return "connected"
        if s == "RENEGOTIATING":
            return "renegotiating"
        if ":error:" in s or s.startswith("write:errno") or s.startswith("read:errno") or "alert" in s:
            return "tls-failed"
        if s in ("DONE", "closed"):
            return "closed"
        return "tls-started"
    if tool == "smtp-source":
        if "connect" in s.lower():
            return "connecting"
        if "error" in s.lower() or "fatal" in s.lower() or "warning" in s.lower():
            return "client-error"
        return "other"
    if tool == "nc":
        if "Connection refused" in s or s.startswith("nc:"):
            return "client-error"
        return "other"
    return "other"


# ------------------------------------------------------------------ parsers

SWAKS_PREFIX = re.compile(r"^(<-  |<\*\* |<~  |<~\* | -> | ~> |\*\*> |\*~> )(.*)$")


def parse_swaks(text):
    items = []
    tls_at = None
    for line in text.split("\n"):
        # swaks prints the message text with its CRLF: the CR is not part of the line
        line = line[:-1] if line.endswith("\r") else line
        m = SWAKS_PREFIX.match(line)
        if m and re.fullmatch(r" [-~]> \d+ lines sent", line):
            # --suppress-data: swaks's summary of the message text, not a line it sent
            items.append(("note", line, "other"))
        elif m:
            p = m.group(1)
            d = "server" if p.startswith("<") else "client"
            items.append((d, m.group(2)))
        elif line == "":
            continue
        else:
            items.append(("note", line, note_kind("swaks", line)))
            if line.startswith("=== TLS started") and tls_at is None:
                tls_at = len(items)
    return items, tls_at


SMTPLIB_LINE = re.compile(r"^(?:\d\d:\d\d:\d\d\.\d+ )?(send|reply): (.*)$")


def _lit(s):
    v = ast.literal_eval(s)
    if isinstance(v, bytes):
        try:
            return v.decode("utf-8")
        except UnicodeDecodeError:
            return v.decode("latin-1")
    return v


def parse_smtplib(text):
    items = []
    in_tb = False
    for line in text.split("\n"):
        if line == "":
            continue
        if line.startswith("Traceback (most recent call last)"):
            in_tb = True
        if in_tb:
            items.append(("note", line, "client-error"))
            continue
        m = SMTPLIB_LINE.match(line)
        if m and not m.group(2).startswith("retcode"):
            payload = _lit(m.group(2))
            parts = payload.split("\r\n")
            if parts and parts[-1] == "":
                parts.pop()
            d = "client" if m.group(1) == "send" else "server"
            for p in parts:
                items.append((d, p))
        else:
            items.append(("note", line, note_kind("smtplib", line)))
    # TLS starts after a 220 reply following a STARTTLS line
    tls_at = None
    saw_starttls = False
    for i, it in enumerate(items):
        if it[0] == "client" and it[1].upper() == "STARTTLS":
            saw_starttls = True
        elif saw_starttls and it[0] == "server" and it[1].startswith("220"):
            tls_at = i + 1
            break
    return items, tls_at


def parse_raw(text):
    """The C:/S: listing of the raw-socket driver (a `# ` line is a note)."""
    items = []
    tls_at = None
    for line in text.split("\n"):
        if line.startswith("C: "):
            items.append(("client", line[3:]))
        elif line.startswith("S: "):
            items.append(("server", line[3:]))
        elif line == "":
            continue
        else:
            kind = "tls-started" if "TLS started" in line else ("closed" if "closed" in line else "other")
            items.append(("note", line, kind))
            if kind == "tls-started" and tls_at is None:
                tls_at = len(items)
    return items, tls_at


def parse_terminal(text, tool):
    """A terminal log: who wrote a line is decided by aligning it with the wire."""
    items = []
    for line in text.split("\n"):
        items.append(("?", line, line))
    # trailing empty line of the file
    while items and items[-1][1] == "":
        items.pop()
    return items, None


SOURCE_LINE = re.compile(r"^smtp-source: (<<<|>>>) ?(.*)$")


def parse_smtp_source(text):
    items = []
    for line in text.split("\n"):
        if line == "":
            continue
        m = SOURCE_LINE.match(line)
        if m and m.group(1) == "<<<":
            items.append(("server", m.group(2)))
        elif line.startswith("smtp-source: "):
            # a command it sent, or one of its debug lines: the wire decides
            items.append(("?", line[len("smtp-source: "):], line))
        else:
            items.append(("note", line, note_kind("smtp-source", line)))
    return items, None


# ------------------------------------------------------------------ alignment

class AlignError(Exception):
    pass


def align(items, wire, *, tool, may_hide, typed=None):
    """Matches transcript items with labelled wire lines, in order, one cursor per
    direction (a tool may print a line it sent before a reply that in fact arrived
    first, e.g. smtplib's `send:` of a NOOP after the server's 421 timeout).

    Returns (out, rest): out is a list of ("line", wire_entry, text) / ("note", text, kind)
    / ("unsent", dir, text) in transcript order; rest the wire lines neither shown nor
    allowed to be hidden. may_hide(wire_entry) says which wire lines the transcript may
    leave out (e.g. the greeting of a no-greeting smtplib log).
    """
    out = []
    cur = {"client": 0, "server": 0}
    idx = {d: [i for i, w in enumerate(wire) if w["dir"] == d] for d in ("client", "server")}
    used = set()

    def find(d, text):
        lst = idx[d]
        j = cur[d]
        while j < len(lst):
            w = wire[lst[j]]
            if w["text"] == text:
                return j
            if not may_hide(w):
                return None
            j += 1
        return None

    for it in items:
        if it[0] == "note":
            out.append(it)
            continue
        d, text = it[0], it[1]
        orig = it[2] if len(it) > 2 else text
        dirs = ("client", "server") if d == "?" else (d,)
        best = None
        for dd in dirs:
            j = find(dd, text)
            if j is not None and (best is None or idx[dd][j] < idx[best[0]][best[1]]):
                best = (dd, j)
        if best is None:
            if d == "?":
                out.append(("note", orig, note_kind(tool, orig)))
                continue
            if d == "client":
                out.append(("unsent", d, text))
                continue
            raise AlignError(f"server line {text!r} of the transcript is not on the wire (or only after lines it does not show)")
        dd, j = best
        w = wire[idx[dd][j]]
        used.add(idx[dd][j])
        cur[dd] = j + 1
        out.append(("line", w, text))
    rest = []
    for dd in ("client", "server"):
        for j in idx[dd][cur[dd]:]:
            w = wire[j]
            if not may_hide(w):
                rest.append(w)
    # skipped lines inside the shown range that may not be hidden
    for dd in ("client", "server"):
        for j in idx[dd][: cur[dd]]:
            if j not in used and not may_hide(wire[j]):
                raise AlignError(f"wire line {wire[j]['dir']} {wire[j]['text']!r} is not in the transcript")
    return out, rest
