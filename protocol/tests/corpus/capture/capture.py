#!/usr/bin/env python3
"""Captures the corpus: runs every scenario of scenarios.py through the recording proxy,
writes the tool's verbatim output as <server>/<scenario>.<client>.txt and the labels
derived from the wire as <server>/<scenario>.<client>.labels.json.

Usage: capture.py [--out DIR] [--only SUBSTRING ...] [--list]
(run.sh starts the servers first; see ../README.md)
"""

import argparse
import json
import re
import sys
import time
import traceback
from pathlib import Path

import clients
import labeler
import parse
from proxy import Proxy
from scenarios import SCENARIOS, SERVERS

HERE = Path(__file__).resolve().parent


class CaptureFailed(Exception):
    pass


def match_rule(rules, entry):
    """The rule whose pattern matches the client line; rules apply to command and
    auth-answer lines unless they name other kinds."""
    for pat, attrs in rules:
        kinds = attrs.get("kinds", ("command", "auth-answer", "end-of-data"))
        if entry.get("kind") not in kinds:
            continue
        if isinstance(pat, re.Pattern):
            if pat.search(entry["text"]):
                return attrs
        elif pat == entry["text"]:
            return attrs
    return None


PARAM_EXT = {"SIZE": "SIZE", "BODY": "8BITMIME", "SMTPUTF8": "SMTPUTF8", "RET": "DSN", "ENVID": "DSN",
             "NOTIFY": "DSN", "ORCPT": "DSN", "AUTH": "AUTH"}


def auto_findings(e, ehlo):
    """Findings that follow from the wire itself: an ESMTP parameter the server's last EHLO
    reply did not advertise."""
    out = []
    if e.get("kind") != "command" or e.get("verb") not in ("MAIL", "RCPT") or ehlo is None:
        return out
    m = re.match(r"(?i)^(MAIL FROM|RCPT TO):\s*<[^>]*>(.*)$", e["text"])
    if not m:
        return out
    for p in m.group(2).split():
        key = p.split("=", 1)[0].upper()
        ext = PARAM_EXT.get(key)
        if ext and ext not in ehlo:
            out.append("param-not-advertised")
            break
    return out


def sequence_findings(entries):
    """Findings that follow from the server's transaction state when it read the line: a
    RCPT with no accepted MAIL, a DATA/BDAT with no accepted RCPT, a MAIL inside a
    transaction. The state is what the replies to the earlier commands made it."""
    mail = rcpt = False
    for e in entries:
        if e["dir"] != "client" or e.get("not_sent") or e.get("kind") not in ("command", "end-of-data"):
            continue
        verb = e.get("verb") if e["kind"] == "command" else "."
        r = e.get("reply")
        code = r["code"] if r else ""
        ok = code[:1] == "2"
        found = []
        if verb == "RCPT" and not mail:
            found.append("rcpt-before-mail")
        if verb in ("DATA", "BDAT") and not rcpt:
            found.append("data-before-rcpt")
        if verb == "MAIL" and mail:
            found.append("nested-mail")
        for f in found:
            if f not in e["findings"]:
                e["findings"].append(f)
        if verb == "MAIL" and ok:
            mail = True
        elif verb == "RCPT" and ok:
            rcpt = True
        elif verb == "." or (verb == "BDAT" and e.get("answers_as") == "end-of-data"):
            mail = rcpt = False
        elif verb in ("RSET", "EHLO", "HELO") and ok:
            mail = rcpt = False
        elif verb == "STARTTLS" and code == "220":
            mail = rcpt = False


def label_entries(entries, rules):
    ehlo = None
    for e in entries:
        if e["dir"] == "server" and e.get("_ans") == "EHLO":
            if ehlo is None or e.get("_first_of_reply"):
                pass
            kw = e["text"][4:].split(" ")[0].upper()
            ehlo = (ehlo or set()) | {kw}
        if e["dir"] == "client" and e.get("verb") in ("EHLO", "HELO"):
            ehlo = set() if e.get("verb") == "EHLO" else None
        if e["dir"] == "client":
            r = match_rule(rules, e)
            e["findings"] = list(r.get("findings", [])) if r else []
            for f in auto_findings(e, ehlo):
                if f not in e["findings"]:
                    e["findings"].append(f)
        elif e["kind"] == "reply":
            cmd = e.get("cmd")
            r = match_rule(rules, cmd) if cmd else None
            if r is None and e["answers"] == "greeting":
                r = next((a for p, a in rules if p == "<greeting>"), None)
            e["reason"] = labeler.reason_for(e, (r or {}).get("fail"), (r or {}).get("ok"))


def split_s_client(items, typed, wire):
    """s_client: the handshake block is notes; after it, typed lines are the client's,
    lines starting with a code are the server's. Leading server lines that are left-overs
    of the pre-TLS EHLO reply (s_client prints what it had buffered) are pre-TLS lines."""
    end = 0
    for i, it in enumerate(items):
        if it[1].startswith("Verify return code"):
            end = i
            # the closing '---'
            for j in range(i + 1, len(items)):
                if items[j][1] == "---":
                    end = j
                    break
            break
    failed = any("Cipher is (NONE)" in it[1] for it in items)
    # the handshake summary: of a failed handshake when the cipher is (NONE)
    pre = [("note", it[2], "tls-failed" if failed and parse.note_kind("s_client", it[2]) == "tls-started"
            else parse.note_kind("s_client", it[2])) for it in items[: end + 1]]
    post = items[end + 1:]
    leftovers = []
    typed_q = list(typed)
    classified = []
    pre_server = [w for w in wire if w["dir"] == "server"]
    for it in post:
        text = it[1]
        if typed_q and text == typed_q[0]:
            t = typed_q.pop(0)
            unsent = t[:1] in ("R", "Q")  # s_client's command letters at a line start
            classified.append(("client", text, unsent))
        elif re.match(r"^\d{3}([ -]|$)", text):
            if not any(c[0] == "client" for c in classified) and pre_server and \
                    any(w["text"] == text for w in pre_server[-3:]):
                leftovers.append(text)
                classified.append(("leftover", text, False))
            else:
                classified.append(("server", text, False))
        else:
            kind = parse.note_kind("s_client", text)
            classified.append(("note", text, "tls-failed" if failed and kind == "tls-started" else kind))
    return pre, classified


def capture_one(sc):
    srv = SERVERS[sc["server"]]
    proxy = Proxy("127.0.0.1", srv["port"])
    try:
        res = sc["run"](proxy.port)
        time.sleep(0.3)
        proxy.wait_idle(3)
    finally:
        proxy.close()
    transcript = res["transcript"]
    sc["tls_failed"] = "Cipher is (NONE)" in transcript
    if sc.get("post"):
        transcript = sc["post"](transcript)
    events = proxy.connections[0] if proxy.connections else []
    tls = sc.get("tls")
    client = sc["client"]
    if tls == "implicit":
        wire, wire_tls = [], False
    else:
        wire, wire_tls = labeler.label_wire(events, body_crlf_strict=srv.get("body_crlf_strict", False))
    tool = {"swaks": "swaks", "raw": "raw", "nc": "nc", "telnet": "telnet", "server-only": "nc",
            "s_client": "s_client", "smtp-source": "smtp-source"}.get(client, "smtplib")

    # may the transcript leave a wire line out?
    def may_hide(w):
        if client.endswith("nogreeting") and w.get("_ans") == "greeting":
            return True
        if client == "server-only" and w["dir"] == "client":
            return True
        if client == "smtp-source" and (w["kind"] in ("body", "reply-continuation")):
            return True
        if client == "s_client":
            return True
        if sc.get("hide_body") and w["kind"] in ("body", "end-of-data"):
            return True
        return False

    if tool == "swaks":
        items, tls_at = parse.parse_swaks(transcript)
    elif tool == "smtplib":
        items, tls_at = parse.parse_smtplib(transcript)
    elif tool == "raw":
        items, tls_at = parse.parse_raw(transcript)
    elif tool == "smtp-source":
        items, tls_at = parse.parse_smtp_source(transcript)
    else:
        items, tls_at = parse.parse_terminal(transcript, tool)

    out = []  # ("line", entry) / ("note", text, kind)
    all_entries = list(wire)
    if tool == "s_client":
        pre, classified = split_s_client(items, res.get("typed", []), wire)
        out.extend(pre)
        # the left-overs are pre-TLS wire lines
        wi = [w for w in wire if w["dir"] == "server"]
        post_items = []
        for c in classified:
            if c[0] == "leftover":
                w = next(w for w in reversed(wi) if w["text"] == c[1])
                out.append(("line", w))
            elif c[0] == "note":
                out.append(("note", c[1], c[2]))
            elif c[0] == "client" and c[2]:
                e = {"dir": "client", "kind": "command", "text": c[1], "not_sent": True,
                     "verb": c[1].split(" ")[0].upper(), "seq": (0, 0, 0)}
                out.append(("line", e))
                all_entries.append(e)
            else:
                e_ph = {"placeholder": True, "dir": c[0], "text": c[1]}
                out.append(("pending", e_ph))
                post_items.append((c[0], c[1]))
        post_wire, _ = labeler.label_wire(labeler.events_from_items(post_items),
                                          greeting_expected=(tls == "implicit"))
        all_entries.extend(post_wire)
        it = iter(post_wire)
        out = [("line", next(it)) if o[0] == "pending" else o for o in out]
    else:
        if tls and tls_at is None and tls == "implicit":
            tls_at = 0
        pre_items = items if tls_at is None else items[:tls_at]
        post_items = [] if tls_at is None else items[tls_at:]
        aligned, rest = parse.align(pre_items, wire, tool=tool, may_hide=may_hide)
        if tls and tls_at is not None:
            # the plain part must have ended with the 220 to STARTTLS (or be empty)
            rest = [w for w in rest if not (w["dir"] == "server" and w.get("_ans") == "STARTTLS")]
            rest = [w for w in rest if not (w["dir"] == "client" and w.get("verb") == "STARTTLS")]
        # server lines after everything the transcript shows were sent after the client
        # stopped reading (e.g. Exim's "421 lost input connection" after smtplib exited)
        shown_server = [o[1] for o in aligned if o[0] == "line" and o[1]["dir"] == "server"]
        last_seq = max((w["seq"] for w in shown_server), default=(-1,))
        last_client = max((o[1]["seq"] for o in aligned if o[0] == "line" and o[1]["dir"] == "client"), default=(-1,))
        rest = [w for w in rest if not (w["dir"] == "server" and w["seq"] > last_seq and w["seq"] > last_client)]
        if rest:
            raise CaptureFailed(f"wire lines not shown by the transcript: {[(w['dir'], w['text']) for w in rest][:5]}")
        for a in aligned:
            if a[0] == "line":
                out.append(("line", a[1]))
            elif a[0] == "note":
                out.append(a)
            else:  # unsent client line
                e = {"dir": "client", "kind": "command", "text": a[2], "not_sent": True,
                     "verb": a[2].split(" ")[0].upper(), "seq": (0, 0, 0)}
                out.append(("line", e))
                all_entries.append(e)
        if post_items:
            smtp_items = [(i[0], i[1]) for i in post_items if i[0] in ("client", "server")]
            # after an implicit TLS handshake the first reply is the greeting, unless the
            # log does not show it (smtplib without the greeting)
            post_wire, _ = labeler.label_wire(labeler.events_from_items(smtp_items),
                                              greeting_expected=(tls == "implicit" and not client.endswith("nogreeting")))
            all_entries.extend(post_wire)
            it = iter(post_wire)
            for i in post_items:
                if i[0] == "note":
                    out.append(i)
                else:
                    w = next(it)
                    assert w["text"] == i[1], (w["text"], i[1])
                    out.append(("line", w))
    label_entries(all_entries, sc.get("rules", []))
    sequence_findings(all_entries)
    return transcript, out, all_entries, res


def outcome(entries, sc):
    rep = [e for e in entries if e["dir"] == "server" and e["kind"] == "reply"]
    acc = any(e["answers"] == "end-of-data" and e["code"].startswith("2") for e in rep)
    ra = sum(1 for e in rep if e["answers"] == "RCPT" and e["code"].startswith("2"))
    rr = sum(1 for e in rep if e["answers"] == "RCPT" and not e["code"].startswith("2"))
    tls = any(e["answers"] == "STARTTLS" and e["code"] == "220" for e in rep)
    if sc.get("tls") == "implicit":
        tls = bool(rep)  # the greeting came through TLS
    if sc.get("tls_failed"):
        tls = False
    auth = "none"
    for e in rep:
        if e["answers"] in ("AUTH", "auth-answer"):
            if e["code"] == "235":
                auth = "ok"
            elif e["code"][:1] in ("4", "5") and auth != "ok":
                auth = "failed"
    return {"message_accepted": acc, "recipients_accepted": ra, "recipients_refused": rr,
            "tls": tls, "auth": auth}


def to_json(sc, out, entries):
    srv = SERVERS[sc["server"]]
    lines, notes = [], []
    for o in out:
        if o[0] == "note":
            notes.append({"text": o[1], "note": o[2]})
            continue
        e = o[1]
        d = {"dir": e["dir"], "kind": e["kind"], "text": e["text"]}
        if e["dir"] == "server" and e["kind"] == "reply":
            d["answers"] = e["answers"]
            d["reason"] = e["reason"]
        if e["dir"] == "client":
            d["allowed_findings"] = e.get("findings", [])
            if e.get("not_sent"):
                d["not_sent"] = True
        lines.append(d)
    return {"server": srv["label"], "client": sc["client"], "scenario": sc["name"],
            "class": sc.get("class", ""), "description": sc["description"],
            "lines": lines, "notes": notes, "outcome": outcome(entries, sc)}


def dump_labels(data):
    """JSON with one line or note per text line, so a diff shows what changed."""
    out = ["{"]
    keys = list(data)
    for i, k in enumerate(keys):
        comma = "," if i < len(keys) - 1 else ""
        v = data[k]
        if k in ("lines", "notes"):
            if not v:
                out.append(f' "{k}": []{comma}')
                continue
            out.append(f' "{k}": [')
            for j, item in enumerate(v):
                c2 = "," if j < len(v) - 1 else ""
                out.append("  " + json.dumps(item, ensure_ascii=False) + c2)
            out.append(f" ]{comma}")
        else:
            out.append(f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}{comma}")
    out.append("}")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(HERE.parent))
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--clients", nargs="*", help="only these clients (raw, swaks, smtplib, nc, ...)")
    args = ap.parse_args()
    out_dir = Path(args.out)
    failures = 0
    done = 0
    for sc in SCENARIOS:
        fname = f"{sc['name']}.{sc['client']}"
        dirname = SERVERS[sc["server"]]["dir"]
        key = f"{dirname}/{fname}"
        if args.only and not any(o in key for o in args.only):
            continue
        if args.clients and not any(sc["client"].startswith(c) for c in args.clients):
            continue
        if args.list:
            print(key)
            continue
        try:
            transcript, out, entries, res = capture_one(sc)
            if sc.get("check"):
                sc["check"](transcript, entries)
            data = to_json(sc, out, entries)
        except Exception as err:  # noqa: BLE001 - report and go on with the others
            failures += 1
            print(f"FAILED {key}: {err}", file=sys.stderr)
            traceback.print_exc(limit=3)
            continue
        d = out_dir / dirname
        d.mkdir(parents=True, exist_ok=True)
        (d / f"{fname}.txt").write_text(transcript, encoding="utf-8")
        (d / f"{fname}.labels.json").write_text(dump_labels(data), encoding="utf-8")
        done += 1
        print(f"captured {key}", flush=True)
    print(f"{done} captured, {failures} failed", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
