"""The labeler: turns the recorded wire of a session into labelled SMTP lines.

Independent of the project's Rust code on purpose. It replays the session as the server
saw it: the client's bytes are read in order and classified with the server's state at
that point (command / body after a 354 / auth-answer after a 334 / n octets after BDAT n),
and the server's replies are paired with what they answer in order (replies come back in
the order of the commands, pipelined or not). A reply that arrived before the next
outstanding command was even sent answers `none` (e.g. a 421 on an idle timeout).

Input: a list of events ("c", bytes, t) / ("s", bytes, t) / ("c-eof"|"s-eof", b"", t), from
proxy.Proxy or made from a tool's decrypted output for the TLS part of a session.
Output: a list of dicts in wire order:
  {"dir": "client"|"server", "kind": ..., "text": ..., "answers": ... (reply lines),
   "code": "250" (reply lines), "verb": "RCPT" (client command lines), "seq": (event, pos)}
"""

import re
from collections import deque

VERBS = {"EHLO", "HELO", "MAIL", "RCPT", "DATA", "BDAT", "RSET", "VRFY", "EXPN", "HELP",
         "NOOP", "QUIT", "AUTH", "STARTTLS", "ETRN"}
# Codes RFC 5321 4.2.2/4.2.3 lists (plus 334 of RFC 4954 and the AUTH codes 235/432/454/500/
# 530/534/535/538 of RFC 4954 6, 253/458/459 of ETRN, RFC 1985): anything else is `nonstandard`.
STANDARD_CODES = {211, 214, 220, 221, 235, 250, 251, 252, 253, 334, 354, 421, 432, 450, 451, 452,
                  454, 455, 458, 459, 500, 501, 502, 503, 504, 521, 530, 534, 535, 538, 550, 551, 552,
                  553, 554, 555, 556}


def decode(b):
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return b.decode("latin-1")


def _line_chunks(events, side):
    """The bytes of one side with, for each byte offset range, the event index it came in."""
    data = bytearray()
    where = []  # (start offset, event index)
    for i, ev in enumerate(events):
        if ev[0] == side and ev[1]:
            where.append((len(data), i))
            data += ev[1]
    return bytes(data), where


def _event_at(where, offset):
    idx = 0
    for start, ev in where:
        if start <= offset:
            idx = ev
        else:
            break
    return idx


def parse_replies(events):
    """Server bytes -> list of replies; a reply is a list of (text, event index, offset)."""
    data, where = _line_chunks(events, "s")
    replies, cur = [], []
    pos = 0
    while pos < len(data):
        nl = data.find(b"\n", pos)
        if nl < 0:
            end, nxt = len(data), len(data)  # a last line without terminator
        else:
            end, nxt = nl + 1, nl + 1
        raw = data[pos:end]
        text = decode(raw.rstrip(b"\n").rstrip(b"\r"))
        ev = _event_at(where, end - 1)
        cur.append((text, ev, pos))
        if not (len(text) >= 4 and text[:3].isdigit() and text[3] == "-"):
            replies.append(cur)
            cur = []
        pos = nxt
    if cur:
        replies.append(cur)
    return replies


class Entry(dict):
    pass


def label_wire(events, *, greeting_expected=True, body_crlf_strict=False):
    """Classifies every line; returns (lines in wire order, tls_started, closed_by)."""
    replies = parse_replies(events)
    cdata, cwhere = _line_chunks(events, "c")
    out = []
    queue = deque()  # client entries waiting for their reply
    state = {"ri": 0, "tls": False}

    def emit_reply(reply, answers, cmd):
        for j, (text, ev, pos) in enumerate(reply):
            last = j == len(reply) - 1
            e = Entry(dir="server", kind="reply" if last else "reply-continuation", text=text,
                      seq=(ev, 1, pos), _ans=answers)
            if last:
                e["answers"] = answers
                e["code"] = text[:3] if text[:3].isdigit() else ""
                e["reply_text"] = [t for t, _, _ in reply]
                e["cmd"] = cmd
            out.append(e)
        return out[-1]

    def take_reply():
        """Pairs the next reply with the head of the queue; returns (reply entry, cmd)."""
        while state["ri"] < len(replies):
            reply = replies[state["ri"]]
            state["ri"] += 1
            reply_ev = reply[-1][1]
            if not queue or reply_ev < queue[0]["seq"][0]:
                emit_reply(reply, "none", None)
                continue
            cmd = queue.popleft()
            r = emit_reply(reply, cmd["answers_as"], cmd)
            cmd["reply"] = r
            return r, cmd
        return None, None

    def wait_for(entry):
        while "reply" not in entry:
            r, cmd = take_reply()
            if r is None:
                return None
        return entry["reply"]

    if greeting_expected and replies:
        g = Entry(answers_as="greeting", seq=(-1, 0, 0))
        queue.append(g)
        take_reply()

    mode = "command"
    prev_crlf = True
    pos = 0
    bdat_left = 0
    bdat_last = False
    while pos < len(cdata):
        if mode == "bdat":
            chunk_end = min(len(cdata), pos + bdat_left)
            chunk = cdata[pos:chunk_end]
            # show the chunk as lines (the last may lack its CRLF)
            p = 0
            while p < len(chunk):
                nl = chunk.find(b"\n", p)
                end = len(chunk) if nl < 0 else nl + 1
                raw = chunk[p:end]
                text = decode(raw.rstrip(b"\n").rstrip(b"\r") if raw.endswith(b"\n") else raw)
                out.append(Entry(dir="client", kind="bdat-data", text=text,
                                 seq=(_event_at(cwhere, pos + end - 1), 0, pos + p)))
                p = end
            pos = chunk_end
            mode = "command"
            # the BDAT's reply comes after its chunk
            continue
        nl = cdata.find(b"\n", pos)
        end = len(cdata) if nl < 0 else nl + 1
        raw = cdata[pos:end]
        text = decode(raw.rstrip(b"\n").rstrip(b"\r"))
        ev = _event_at(cwhere, end - 1)
        crlf = raw.endswith(b"\r\n")
        e = Entry(dir="client", text=text, seq=(ev, 0, pos), bare_lf=raw.endswith(b"\n") and not crlf)
        pos = end
        out.append(e)
        if mode == "body":
            # a server that reads the text by CRLF only (aiosmtpd) ends it only at
            # CRLF . CRLF: a "." line after a bare LF is message text to it
            ends = text == "." and (not body_crlf_strict or (crlf and prev_crlf))
            prev_crlf = crlf
            if ends:
                e["kind"] = "end-of-data"
                e["answers_as"] = "end-of-data"
                queue.append(e)
                mode = "command"
            else:
                e["kind"] = "body"
            continue
        if mode == "auth":
            e["kind"] = "auth-answer"
            e["answers_as"] = "auth-answer"
            queue.append(e)
            r = wait_for(e)
            mode = "auth" if r is not None and r["code"] == "334" else "command"
            continue
        # command position
        e["kind"] = "command"
        verb = text.split(" ", 1)[0].upper() if text else ""
        e["verb"] = verb
        e["answers_as"] = verb if verb in VERBS else "unknown-command"
        queue.append(e)
        if verb == "BDAT":
            m = re.match(r"(?i)BDAT +(\d+)( +LAST)? *$", text)
            if m:
                bdat_left = int(m.group(1))
                bdat_last = bool(m.group(2))
                if bdat_last:
                    e["answers_as"] = "end-of-data"
                mode = "bdat" if bdat_left else "command"
            continue
        if verb in ("DATA", "AUTH", "STARTTLS"):
            r = wait_for(e)
            code = r["code"] if r is not None else ""
            if verb == "DATA" and code == "354":
                mode = "body"
                prev_crlf = True
            elif verb == "AUTH" and code == "334":
                mode = "auth"
            elif verb == "STARTTLS" and code == "220":
                state["tls"] = True
                break
    if not state["tls"]:
        while queue:
            r, cmd = take_reply()
            if r is None:
                break
        while state["ri"] < len(replies):
            emit_reply(replies[state["ri"]], "none", None)
            state["ri"] += 1
    for e in out:
        if e["dir"] == "client" and "answers_as" in e and "reply" not in e:
            e["unanswered"] = True
    out.sort(key=lambda e: e["seq"])
    return out, state["tls"]


def events_from_items(items):
    """Synthetic events from a tool's own display of a (TLS) session: consecutive lines of
    one direction form one write."""
    events = []
    for i, (d, text) in enumerate(items):
        side = "c" if d == "client" else "s"
        data = text.encode("utf-8", "surrogateescape") + b"\r\n"
        if events and events[-1][0] == side:
            events[-1] = (side, events[-1][1] + data, 0)
        else:
            events.append((side, data, 0))
    return events


# ---------------------------------------------------------------------------------------
# reasons

def _txt(reply):
    return " ".join(reply.get("reply_text", [reply["text"]])).lower()


PARAM_WORDS = ("parameter", "unrecognized", "not supported", "not implemented", "disabled", "unknown")


def _by_code(c, ids, otherwise="generic"):
    """The id the code alone gives once the rules that read the text have passed: the one
    `ids` maps it to, else `syntax` for 500 and 501 (whatever the command), else `otherwise`."""
    if c in ids:
        return ids[c]
    if c in (500, 501):
        return "syntax"
    return otherwise


def reason_for(reply, rule_fail=None, rule_ok=None):
    """The explanation id of a complete reply, from what it answers, its code and text, and
    the step's intent (rule_fail: the id a refusal of this step means; rule_ok likewise)."""
    answers = reply["answers"]
    code = reply["code"]
    text = _txt(reply)
    cmd = reply.get("cmd") or {}
    if not code:
        return "generic"
    c = int(code)
    first = code[0]
    if c not in STANDARD_CODES:
        return "nonstandard"
    if first in "23" and rule_ok:
        return rule_ok
    # session-level outcomes first: they win whatever the command was
    if c in (421, 451, 500, 554) and ("timeout" in text or "timed out" in text):
        return "timeout"
    if "too many errors" in text or "too many bad commands" in text or "too many unrecognized" in text \
            or "too many syntax" in text or "too many invalid" in text:
        return "too-many-errors"
    if "synchroniz" in text:
        return "sync-error"
    if "line too long" in text or "line length exceeded" in text or "too long" in text and c == 500:
        return "line-too-long"
    # the step's intent names what a refusal means, unless the code says something else
    # happened: 503 is always a sequence problem, 421 the end of the session
    if first in "45" and rule_fail and c not in (503, 421):
        return rule_fail
    if answers == "greeting":
        return "greeting" if c == 220 else "no-service"
    if c == 421:
        return "service-closing"
    if answers == "unknown-command":
        if c in (500, 502):
            return "unknown-command"
        if c == 503:
            return "bad-sequence"
        if c == 501:
            return "syntax"
    if c == 503:
        if answers in ("AUTH", "auth-answer") and "already" in text:
            return "auth-already"
        if answers == "AUTH":
            return "auth-not-available"
        if answers == "STARTTLS":
            return "starttls-refused"
        return "bad-sequence"
    if c == 555:
        return "param-unrecognized"
    if answers in ("EHLO", "HELO"):
        return _by_code(c, {250: "hello", 502: "not-implemented", 504: "not-implemented"})
    if answers == "MAIL":
        if c == 250:
            return "mail-ok"
        if c == 552 or "size" in text and first in "45":
            return "size-exceeded"
        if c in (500, 501, 504) and any(w in text for w in PARAM_WORDS):
            return "param-unrecognized"
        if c == 553 and "5.6.7" in text:
            return "smtputf8-required"
        return _by_code(c, {530: "auth-required"}, otherwise="sender-rejected")
    if answers == "RCPT":
        if c in (250, 251):
            return "rcpt-ok"
        if "relay" in text:
            return "relay-denied"
        if "too many recipients" in text or "4.5.3" in text:
            return "too-many-recipients"
        if "greylist" in text:
            return "greylisted"
        if c == 452 and "4.2.2" in text or c == 552 and "5.2.2" in text or "full" in text:
            return "mailbox-full"
        if c in (500, 501, 504) and any(w in text for w in PARAM_WORDS):
            return "param-unrecognized"
        if c == 550 and ("unknown" in text or "no such" in text or "5.1.1" in text or "unrouteable" in text):
            return "unknown-user"
        return _by_code(c, {530: "auth-required"})
    if answers == "DATA":
        if c == 554 and ("no valid recipients" in text or "recipient" in text):
            return "data-no-recipients"
        return _by_code(c, {354: "data-go"})
    if answers == "end-of-data":
        if c == 250:
            return "message-accepted"
        if "spam" in text or "dt:spm" in text:
            return "spam-rejected"
        if c == 552 or "5.3.4" in text or "size" in text:
            return "size-exceeded"
        if c in (451, 452) or "error: internal" in text or "local error" in text or "local problem" in text:
            return "server-error"
        if "transaction failed" in text:
            return "transaction-failed"
        if first == "5" and ("5.7." in text or "5.6." in text or "content" in text or "8-bit" in text or "8bit" in text):
            return "content-rejected"
        return "message-rejected"
    if answers == "BDAT":
        return _by_code(c, {250: "bdat-chunk-ok", 552: "size-exceeded"})
    if answers in ("AUTH", "auth-answer"):
        if answers == "AUTH" and c in (500, 502) and ("not recognized" in text or "not implemented" in text):
            return "auth-not-available"
        if c == 334:
            return "auth-challenge"
        if c == 235:
            return "auth-ok"
        if c == 535 and ("base64" in text or "decode" in text):
            return "auth-bad-base64"
        if c == 535:
            return "auth-failed"
        if c == 504 or "unrecognized authentication" in text or "mechanism" in text and first == "5":
            return "auth-mechanism-unknown"
        if c == 501 and answers == "auth-answer" and cmd.get("text") == "*":
            return "auth-cancelled"
        if c == 501 and ("base64" in text or "decode" in text or "invalid" in text):
            return "auth-bad-base64"
        if c == 501 and ("cancel" in text):
            return "auth-cancelled"
        return _by_code(c, {534: "auth-too-weak", 454: "auth-temp-failure", 502: "auth-not-available",
                            530: "tls-required", 538: "tls-required"})
    if answers == "STARTTLS":
        return _by_code(c, {220: "starttls-ready", 454: "tls-not-available", 502: "starttls-refused",
                            554: "starttls-refused"})
    simple = {("RSET", 250): "rset-ok", ("NOOP", 250): "noop-ok", ("QUIT", 221): "quit-ok",
              ("VRFY", 250): "vrfy-ok", ("VRFY", 251): "vrfy-ok", ("VRFY", 252): "vrfy-cannot-verify",
              ("EXPN", 250): "vrfy-ok", ("EXPN", 252): "vrfy-cannot-verify",
              ("HELP", 211): "help", ("HELP", 214): "help", ("HELP", 250): "help"}
    if (answers, c) in simple:
        return simple[(answers, c)]
    if answers == "ETRN" and c in (250, 251, 252, 253):
        return "etrn-ok"
    if answers == "ETRN" and c in (458, 459):
        # RFC 1985's "unable to queue messages for node": the taxonomy has no id for it
        return "generic"
    if answers in ("VRFY", "EXPN", "ETRN", "HELP") and c in (502, 504):
        return "not-implemented"
    if answers in VERBS and c == 500 and ("not recognized" in text or "unrecognized" in text):
        return "not-implemented"  # a known SMTP command this server does not know
    if answers in ("VRFY", "EXPN") and c in (550, 551, 553):
        return "unknown-user"
    if answers == "none" and c in (421, 554):
        return "service-closing"
    return _by_code(c, {502: "not-implemented"})
