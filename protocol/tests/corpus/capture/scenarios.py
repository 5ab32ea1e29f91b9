"""The scenarios of the corpus: which client does what against which server, and the intent
of each step (what a refusal of it means, which findings are true of a line).

A rule is (pattern, attrs): pattern is a client line's exact text, or a compiled regex
searched in it, or "<greeting>"; attrs may hold
  fail:     the explanation id a 4xx/5xx reply to that line means in this scenario
  ok:       the id a 2xx/3xx reply means (rarely needed; the labeler knows the usual ones)
  findings: the finding ids that are TRUE of that line (deliberate mistakes)
  kinds:    the line kinds the rule applies to (default command, auth-answer, end-of-data)
"""

import base64
import hmac
import re

import clients

SERVERS = {
    "postfix": {"port": 10025, "dir": "postfix", "label": "postfix 3.7.11"},
    "postfix-submission": {"port": 10587, "dir": "postfix", "label": "postfix 3.7.11 (submission port, STARTTLS required)"},
    "postfix-smtps": {"port": 10465, "dir": "postfix", "label": "postfix 3.7.11 (implicit TLS port)"},
    "aiosmtpd": {"port": 10027, "dir": "aiosmtpd", "label": "aiosmtpd 1.4.6 (Debugging handler)", "body_crlf_strict": True},
    "custom": {"port": 10028, "dir": "aiosmtpd-custom", "label": "aiosmtpd-custom 1.4.6 (imitates 163.com Coremail replies, see capture/custom_server.py)", "body_crlf_strict": True},
    "exim": {"port": 10030, "dir": "exim", "label": "exim 4.96"},
    "exim-nopipe": {"port": 10031, "dir": "exim", "label": "exim 4.96 (PIPELINING not advertised)"},
    "exim-tls": {"port": 10032, "dir": "exim", "label": "exim 4.96 (implicit TLS port)"},
    "sink": {"port": 10040, "dir": "smtp-sink", "label": "smtp-sink (postfix 3.7.11)"},
    "sink-dot451": {"port": 10041, "dir": "smtp-sink", "label": "smtp-sink (postfix 3.7.11) -r . -b '451 4.3.0 Error: queue file write error'"},
    "sink-dot552": {"port": 10042, "dir": "smtp-sink", "label": "smtp-sink (postfix 3.7.11) -f . -B '552 5.3.4 Message size exceeds fixed limit'"},
    "sink-rcpt452": {"port": 10043, "dir": "smtp-sink", "label": "smtp-sink (postfix 3.7.11) -r RCPT -b '452 4.5.3 Error: too many recipients'"},
    "sink-quit421": {"port": 10044, "dir": "smtp-sink", "label": "smtp-sink (postfix 3.7.11) -Q RCPT"},
    "maildev": {"port": 10050, "dir": "maildev", "label": "maildev 3.0.0 (npm)"},
}

# Accounts (test servers on loopback only; not secrets).
PF_USER, PF_PASS = "alice@postfix.test", "alice-playground-password"
EX_USER, EX_PASS = "alice", "alice-exim-password"
CU_USER, CU_PASS = "alice@163.test", "alice-163-password"

DOM = {"postfix": "postfix.test", "postfix-submission": "postfix.test", "postfix-smtps": "postfix.test",
       "exim": "exim.test", "exim-nopipe": "exim.test", "exim-tls": "exim.test", "custom": "163.test",
       "aiosmtpd": "aiosmtpd.test", "maildev": "maildev.test"}


def b64(s):
    return base64.b64encode(s.encode()).decode()


def R(p):
    return re.compile(p)


SCENARIOS = []


def add(name, server, client, description, run, rules=(), tls=None, cls="", post=None):
    SCENARIOS.append({"name": name, "server": server, "client": client, "description": description,
                      "run": run, "rules": list(rules), "tls": tls, "class": cls, "post": post})


# ------------------------------------------------------------------ common message texts

def message(dom, subject="corpus test", extra_body=()):
    return [
        "Date: Thu, 03 Dec 2026 06:00:00 +0000",
        "Message-ID: <corpus-1@client.example>",
        "From: Bob <bob@example.com>",
        f"To: Alice <alice@{dom}>",
        f"Subject: {subject}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=us-ascii",
        "Content-Transfer-Encoding: 7bit",
        "",
        "Hi Alice,",
        "",
        "",
        "..this line starts with a dot and was dot-stuffed by the client",
        *extra_body,
        "Bye",
        ".",
    ]


def G(lines, replies=1, **kw):
    d = {"lines": lines, "replies": replies}
    d.update(kw)
    return d


def raw_run(groups, **kw):
    def run(port):
        writes = []
        for g in groups:
            w = {"replies": g["replies"]}
            if g.get("lines") is not None:
                w["send"] = g["lines"]
            for k in ("sleep", "wait", "eol", "starttls"):
                if k in g:
                    w[k] = g[k]
            if g.get("bytes"):
                w["send"] = g["bytes"]
            if g.get("fn"):
                w["send"] = g["fn"]
            writes.append(w)
        return clients.raw(port, writes, **kw)
    return run


def term_run(tool, groups, echo=True, extra=None):
    def run(port):
        gs = []
        for g in groups:
            d = {"replies": g["replies"]}
            if g.get("lines") is not None:
                d["type"] = g["lines"]
            for k in ("sleep", "wait"):
                if k in g:
                    d[k] = g[k]
            gs.append(d)
        return clients.terminal(tool, port, gs, echo=echo, extra=extra)
    return run


def swaks_run(args):
    return lambda port: clients.swaks(port, args)


def smtplib_run(body, level, greeting, ssl_=False):
    return lambda port: clients.smtplib_run(port, body, level, greeting, ssl_=ssl_)


def source_run(args):
    return lambda port: clients.smtp_source(port, args)


# ------------------------------------------------------------------ session scripts

def s_clean(dom, helo="EHLO client.example"):
    return [G([helo]), G(["MAIL FROM:<bob@example.com>"]), G([f"RCPT TO:<alice@{dom}>"]), G(["DATA"]),
            G(message(dom)), G(["QUIT"])]


def s_pipelined(dom):
    return [G(["EHLO client.example"]),
            G(["MAIL FROM:<bob@example.com>", f"RCPT TO:<alice@{dom}>", f"RCPT TO:<postmaster@{dom}>", "DATA"], 4),
            G(message(dom)), G(["QUIT"])]


RULES_PIPE = [(R(r"^RCPT TO:<nobody@"), {"fail": "unknown-user"})]


def s_sequence(dom):
    return [G(["EHLO client.example"]), G([f"RCPT TO:<alice@{dom}>"]), G(["DATA"]),
            G(["MAIL FROM:<bob@example.com>"]), G(["MAIL FROM:<carol@example.com>"]), G(["DATA"]),
            G(["RSET"]), G(["QUIT"])]


def rules_sequence(dom):
    return [(f"RCPT TO:<alice@{dom}>", {"findings": ["rcpt-before-mail"], "fail": "bad-sequence"}),
            ("DATA", {"findings": ["data-before-rcpt"]}),
            ("MAIL FROM:<carol@example.com>", {"findings": ["nested-mail"], "fail": "bad-sequence"})]


def s_syntax(dom):
    return [G(["EHLO client.example"]), G(["XYZZY hello"]), G(["MAIL FROM: <bob@example.com>"]),
            G(["MAIL FROM:bob@example.com"]), G(["RSET"]), G(["MAIL FROM:<bob@example.com>"]),
            G([f"RCPT TO:alice@{dom}"]), G(["MAIL"]), G(["QUIT"])]


def rules_syntax(dom):
    return [("MAIL FROM: <bob@example.com>", {"findings": ["space-after-colon"], "fail": "syntax"}),
            ("MAIL FROM:bob@example.com", {"findings": ["missing-angle-brackets"], "fail": "syntax"}),
            (f"RCPT TO:alice@{dom}", {"findings": ["missing-angle-brackets"], "fail": "syntax"}),
            ("MAIL", {"fail": "syntax", "findings": ["missing-argument"]}),
            ("XYZZY hello", {"findings": ["unknown-verb"]})]


def s_recipients(dom):
    return [G(["EHLO client.example"]), G(["MAIL FROM:<bob@example.com>"]), G([f"RCPT TO:<postmaster@{dom}>"]),
            G([f"RCPT TO:<nobody@{dom}>"]), G(["RCPT TO:<someone@example.org>"]), G([f"RCPT TO:<alice@{dom}>"]),
            G(["RSET"]), G(["QUIT"])]


RULES_RCPT = [(R(r"^RCPT TO:<nobody@"), {"fail": "unknown-user"}),
              (R(r"^RCPT TO:<someone@example\.org>"), {"fail": "relay-denied"})]


def s_commands(dom):
    return [G(["EHLO client.example"]), G(["HELP"]), G([f"VRFY alice@{dom}"]), G([f"VRFY nobody@{dom}"]),
            G(["EXPN staff"]), G(["NOOP"]), G(["ETRN example.org"]), G(["RSET"]), G(["QUIT"])]


RULES_COMMANDS = [(R(r"^VRFY nobody@"), {"fail": "unknown-user"}), ("EXPN staff", {}),
                  ("ETRN example.org", {})]


def s_params(dom):
    return [G(["EHLO client.example"]),
            G(["MAIL FROM:<> SIZE=2048 BODY=8BITMIME RET=HDRS ENVID=corpus-42"]),
            G([f"RCPT TO:<alice@{dom}> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;alice@{dom}"]),
            G(["RSET"]), G([f"MAIL FROM:<bob@example.com> SMTPUTF8"]), G(["RSET"]),
            G(["MAIL FROM:<bob@example.com> AUTH=<>"]), G(["RSET"]), G(["QUIT"])]


# a refusal of these lines is about their ESMTP parameters (Exim calls an unknown RCPT
# parameter a "malformed address")
RULES_PARAMS = [(R(r"(SIZE|BODY|RET|ENVID|NOTIFY|ORCPT|AUTH)=|SMTPUTF8"), {"fail": "param-unrecognized"})]


def s_size(dom, size):
    return [G(["EHLO client.example"]), G([f"MAIL FROM:<bob@example.com> SIZE={size}"]),
            G(["MAIL FROM:<bob@example.com> SIZE=1000"]), G([f"RCPT TO:<alice@{dom}>"]), G(["QUIT"])]


def rules_size(size):
    return [(f"MAIL FROM:<bob@example.com> SIZE={size}", {"fail": "size-exceeded", "findings": ["size-over-limit"]})]


def s_bdat(dom):
    chunk1 = ("From: Bob <bob@example.com>\r\nTo: Alice <alice@" + dom + ">\r\nSubject: BDAT test\r\n\r\n"
              "RCPT TO:<this-is-not-a-command@example.org>\r\n.\r\n..\r\nQUIT\r\n").encode()
    chunk2 = b"last chunk, no dot-stuffing in BDAT\r\n.\r\n"
    return [G(["EHLO client.example"]), G(["MAIL FROM:<bob@example.com>"]), G([f"RCPT TO:<alice@{dom}>"]),
            G(None, 1, bytes=f"BDAT {len(chunk1)}\r\n".encode() + chunk1),
            G(None, 1, bytes=f"BDAT {len(chunk2)} LAST\r\n".encode() + chunk2),
            G(["QUIT"])]


def s_too_many_errors(n):
    return [G(["EHLO client.example"])] + [G([f"BOGUS{i}"]) for i in range(1, n + 1)]


RULES_ERRORS = [(R(r"^BOGUS\d+$"), {"findings": ["unknown-verb"]})]


def s_timeout(dom, sleep):
    return [G(["EHLO client.example"]), G(["MAIL FROM:<bob@example.com>"]), G(None, 1, sleep=sleep, wait=sleep + 5)]


def s_bare_lf(dom):
    return [G(["EHLO client.example"], eol=b"\n"), G(["MAIL FROM:<bob@example.com>"], eol=b"\n"),
            G([f"RCPT TO:<alice@{dom}>"], eol=b"\n"), G(["DATA"], eol=b"\n"),
            G(["Subject: bare LF", "", "lines ended by LF alone"], 0, eol=b"\n", wait=1),
            G(["."], 1), G(["QUIT"])]


RULES_BARE_LF = []  # the project has no finding id for a bare LF on a line


def s_source_route(dom):
    return [G(["EHLO client.example"]), G(["MAIL FROM:<bob@example.com>"]),
            G([f"RCPT TO:<@relay1.example,@relay2.example:alice@{dom}>"]), G(["RSET"]), G(["QUIT"])]


def s_long_line(dom):
    return [G(["EHLO client.example"]), G(["MAIL FROM:<bob@example.com>"]),
            G([f"RCPT TO:<{'a' * 1100}@{dom}>"]), G([f"RCPT TO:<alice@{dom}>"]), G(["DATA"]),
            G(["Subject: long line", "", "x" * 1200, "."]), G(["QUIT"])]


RULES_LONG = [(R(r"^RCPT TO:<a{1000,}"), {"findings": ["line-too-long", "local-part-too-long"]}),
              (R(r"^x{1000,}$"), {"findings": ["text-line-too-long"], "kinds": ("body",)})]


def s_8bit(dom):
    return [G(["EHLO client.example"]), G(["MAIL FROM:<bob@example.com>"]), G([f"RCPT TO:<alice@{dom}>"]),
            G(["DATA"]), G(["Subject: 8-bit text without BODY=8BITMIME", "", "Grüße aus Köln, 你好", "."]),
            G(["QUIT"])]


RULES_8BIT = [(R(r"[^\x00-\x7f]"), {"findings": ["eight-bit-text"], "kinds": ("body",)})]


def s_auth_plaintext(dom):
    return [G(["EHLO client.example"]), G(["AUTH LOGIN"]), G(["QUIT"])]


# ================================================================== RAW (C:/S:) captures
for srv in ("postfix", "exim", "aiosmtpd", "maildev", "sink", "custom"):
    dom = DOM.get(srv, "sink.test")
    add("clean_send", srv, "raw", "A clean send: EHLO, MAIL, RCPT, DATA with full headers, blank lines and a dot-stuffed line, QUIT.",
        raw_run(s_clean(dom)), cls="clean")
    add("pipelined_batch", srv, "raw", "MAIL, RCPT, RCPT, DATA written in one batch after EHLO (PIPELINING), then the message.",
        raw_run(s_pipelined(dom)), cls="pipelining")
    add("sequence_errors", srv, "raw", "RCPT before MAIL, DATA before RCPT, a nested MAIL, then RSET and QUIT.",
        raw_run(s_sequence(dom)), rules=rules_sequence(dom), cls="sequence")
    add("syntax_errors", srv, "raw", "An unknown command, a space after the colon, missing angle brackets, MAIL without argument.",
        raw_run(s_syntax(dom)), rules=rules_syntax(dom), cls="syntax")

for srv in ("postfix", "exim", "aiosmtpd", "custom"):
    dom = DOM[srv]
    add("recipients", srv, "raw", "RCPT to postmaster (must be accepted), to an unknown user, to an outside domain (relay), to a real mailbox.",
        raw_run(s_recipients(dom)), rules=RULES_RCPT + [(R(r"^RCPT TO:<postmaster@"), {})], cls="rcpt")
    add("other_commands", srv, "raw", "HELP, VRFY of a real and an unknown user, EXPN, NOOP, ETRN, RSET.",
        raw_run(s_commands(dom)), rules=RULES_COMMANDS, cls="commands")
    add("esmtp_params", srv, "raw", "Null reverse path with SIZE, BODY=8BITMIME, RET, ENVID; RCPT with NOTIFY and ORCPT; SMTPUTF8; AUTH=<>.",
        raw_run(s_params(dom)), rules=RULES_PARAMS, cls="params")

add("esmtp_params", "sink", "raw", "Null reverse path with SIZE, BODY=8BITMIME, RET, ENVID; RCPT with NOTIFY and ORCPT; SMTPUTF8; AUTH=<>.",
    raw_run(s_params("sink.test")), rules=RULES_PARAMS, cls="params")
add("size_over_limit", "postfix", "raw", "MAIL with SIZE=20000000, over the advertised 10240000, then a MAIL within the limit.",
    raw_run(s_size("postfix.test", 20000000)), rules=rules_size(20000000), cls="size")
add("size_over_limit", "exim", "raw", "MAIL with SIZE=500000, over the advertised 102400, then a MAIL within the limit.",
    raw_run(s_size("exim.test", 500000)), rules=rules_size(500000), cls="size")
add("size_over_limit", "custom", "raw", "MAIL with SIZE=900000, over the advertised 200000, then a MAIL within the limit.",
    raw_run(s_size("163.test", 900000)), rules=rules_size(900000), cls="size")
for srv in ("postfix", "exim"):
    add("bdat_chunks", srv, "raw", "BDAT in two chunks; the first holds lines that look like commands and the lines '.' and '..' (not dot-stuffed, BDAT needs none).",
        raw_run(s_bdat(DOM[srv])), cls="bdat")
add("too_many_errors", "postfix", "raw", "Unknown commands until Postfix gives up with 421 (smtpd_hard_error_limit 20).",
    raw_run(s_too_many_errors(21)), rules=RULES_ERRORS, cls="limits")
add("too_many_errors", "exim", "raw", "Unknown commands until Exim drops the connection (smtp_max_unknown_commands 3).",
    raw_run(s_too_many_errors(4)), rules=RULES_ERRORS, cls="limits")
add("idle_timeout", "exim", "raw", "The client goes quiet after MAIL; Exim's 6 s smtp_receive_timeout ends the session with 421.",
    raw_run(s_timeout("exim.test", 8)), cls="timeout")
add("idle_timeout", "custom", "raw", "The client goes quiet after MAIL; the server's 6 s idle timeout sends 421 4.4.2 (Postfix wording).",
    raw_run(s_timeout("163.test", 8)), cls="timeout")
add("idle_timeout", "sink", "raw", "The client goes quiet after MAIL; smtp-sink's 5 s timeout (-t 5) drops the connection.",
    raw_run(s_timeout("sink.test", 7)), cls="timeout")
for srv in ("postfix", "exim", "aiosmtpd"):
    dom = DOM[srv]
    add("bare_lf", srv, "raw", "Commands and body lines ended by a bare LF instead of CRLF (the final dot with CRLF).",
        raw_run(s_bare_lf(dom)), rules=RULES_BARE_LF, cls="bare-lf")
    add("long_lines", srv, "raw", "A RCPT line over 1000 bytes, then a body line over 1000 bytes.",
        raw_run(s_long_line(dom)), rules=RULES_LONG, cls="long-line")
for srv in ("postfix", "exim"):
    add("source_route", srv, "raw", "RCPT with an RFC 821 source route <@a,@b:user@domain>.",
        raw_run(s_source_route(DOM[srv])), rules=[], cls="syntax")
    add("eightbit_without_8bitmime", srv, "raw", "8-bit UTF-8 text in the body while MAIL did not say BODY=8BITMIME.",
        raw_run(s_8bit(DOM[srv])), rules=RULES_8BIT, cls="8bit")


# ------------------------------------------------------------------ more raw scenarios

def cram_answer(user, password):
    def fn(out):
        last = [l for l in out if l.startswith("S: 334 ")][-1]
        challenge = base64.b64decode(last[7:])
        digest = hmac.new(password.encode(), challenge, "md5").hexdigest()
        return [b64(f"{user} {digest}")]
    return fn


TUTORIAL_BODY = ["subject:<test>", "from:<alice@163.test>", "to:<friend@qq.test>", "",
                 "This is a test from telnet@163.com", "", "."]


def s_tutorial(user, password, sender, rcpt, body=TUTORIAL_BODY):
    return [G(["helo fan2"]), G(["auth login"]), G([b64(user)]), G([b64(password)]),
            G([f"mail from:<{sender}>"]), G([f"rcpt to:<{rcpt}>"]), G(["data"]), G(body), G(["quit"])]


EX_AUTH = [
    ("auth_plain_inline", "AUTH PLAIN with the initial response on the command line, over plain text (the server offers it).",
     [G(["EHLO client.example"]), G(["AUTH PLAIN " + b64(f"\0{EX_USER}\0{EX_PASS}")]), G(["QUIT"])], []),
    ("auth_plain_empty_334", "AUTH PLAIN without initial response: the server answers an empty '334 ', the client sends the base64 answer.",
     [G(["EHLO client.example"]), G(["AUTH PLAIN"]), G([b64(f"\0{EX_USER}\0{EX_PASS}")]), G(["QUIT"])], []),
    ("auth_login", "AUTH LOGIN: the Username:/Password: prompts as base64 334 replies, then 235.",
     [G(["EHLO client.example"]), G(["AUTH LOGIN"]), G([b64(EX_USER)]), G([b64(EX_PASS)]),
      G(["MAIL FROM:<bob@example.com>"]), G(["RCPT TO:<alice@exim.test>"]), G(["QUIT"])], []),
    ("auth_cancelled", "AUTH LOGIN cancelled by answering '*' to the first prompt (RFC 4954: 501).",
     [G(["EHLO client.example"]), G(["AUTH LOGIN"]), G(["*"]), G(["QUIT"])], []),
    ("auth_bad_base64", "AUTH LOGIN answered with text that is not base64.",
     [G(["EHLO client.example"]), G(["AUTH LOGIN"]), G(["alice@exim.test"]), G(["QUIT"])],
     [("alice@exim.test", {"findings": ["auth-answer-not-base64"], "fail": "auth-bad-base64"})]),
    ("auth_wrong_password", "AUTH LOGIN with a wrong password: 535.",
     [G(["EHLO client.example"]), G(["AUTH LOGIN"]), G([b64(EX_USER)]), G([b64("wrong-password")]), G(["QUIT"])],
     [(b64("wrong-password"), {"fail": "auth-failed"})]),
    ("auth_unknown_mechanism", "AUTH with a mechanism the server does not offer: 504.",
     [G(["EHLO client.example"]), G(["AUTH XOAUTH2"]), G(["QUIT"])],
     [("AUTH XOAUTH2", {"findings": ["auth-mechanism-not-offered"], "fail": "auth-mechanism-unknown"})]),
    ("auth_cram_md5", "AUTH CRAM-MD5: a base64 challenge, the HMAC-MD5 answer, 235.",
     [G(["EHLO client.example"]), G(["AUTH CRAM-MD5"]), G(None, 1, fn=cram_answer(EX_USER, EX_PASS)), G(["QUIT"])], []),
    ("auth_twice", "AUTH again after a successful AUTH: 503.",
     [G(["EHLO client.example"]), G(["AUTH PLAIN " + b64(f"\0{EX_USER}\0{EX_PASS}")]),
      G(["AUTH LOGIN"]), G(["QUIT"])], [("AUTH LOGIN", {"findings": ["auth-twice"]})]),
]
for name, desc, script, rules in EX_AUTH:
    add(name, "exim", "raw", desc, raw_run(script), rules=rules, cls="auth")

add("talk_ahead_without_pipelining", "exim-nopipe", "raw",
    "MAIL, RCPT and DATA written in one batch to a server that did not advertise PIPELINING: Exim answers 554 SMTP synchronization error and drops the connection.",
    raw_run([G(["EHLO client.example"]), G(["MAIL FROM:<bob@example.com>", "RCPT TO:<alice@exim.test>", "DATA"], 3, wait=3), G(["QUIT"])]),
    rules=[("RCPT TO:<alice@exim.test>", {"findings": ["wait-for-reply"]}), ("DATA", {"findings": ["wait-for-reply"]})],
    cls="pipelining")
add("noop_not_last_in_batch", "exim", "raw",
    "A pipelined batch with NOOP in the middle (NOOP must end a batch: RFC 2920 3.1).",
    raw_run([G(["EHLO client.example"]), G(["MAIL FROM:<bob@example.com>", "NOOP", "RCPT TO:<alice@exim.test>"], 3, wait=3), G(["QUIT"])]),
    rules=[("NOOP", {"findings": ["pipelining-not-last"]})], cls="pipelining")
add("ehlo_not_last_in_batch", "exim", "raw",
    "EHLO and MAIL written together: EHLO must be the last command of a batch.",
    raw_run([G(["EHLO client.example", "MAIL FROM:<bob@example.com>"], 2, wait=3), G(["QUIT"])]),
    rules=[("EHLO client.example", {"findings": ["pipelining-not-last"]}),
           ("MAIL FROM:<bob@example.com>", {"findings": ["wait-for-reply"]})], cls="pipelining")
add("quit_not_last_in_batch", "postfix", "raw",
    "QUIT followed by NOOP in one write: the server closes after QUIT and never reads NOOP.",
    raw_run([G(["EHLO client.example"]), G(["QUIT", "NOOP"], 2, wait=2)]),
    # The rule is broken by the QUIT, but a client (or the page) only knows it when the
    # NOOP follows: either line may carry the finding.
    rules=[("QUIT", {"findings": ["pipelining-not-last"]}),
           ("NOOP", {"findings": ["session-closed", "pipelining-not-last"]})], cls="pipelining")
add("data_not_last_in_batch", "postfix", "raw",
    "MAIL, RCPT, DATA and the message text written in one batch: the text is sent before the 354.",
    raw_run([G(["EHLO client.example"]),
             G(["MAIL FROM:<bob@example.com>", "RCPT TO:<alice@postfix.test>", "DATA"] + message("postfix.test"), 4, wait=3),
             G(["QUIT"])]),
    # The server advertised PIPELINING, so the broken rule is RFC 2920's "DATA last".
    rules=[(R(r"^Date: "), {"findings": ["wait-for-reply", "pipelining-not-last"], "kinds": ("body",)}),
           ("DATA", {"findings": ["pipelining-not-last"]})], cls="pipelining")
add("spam_rejected_after_dot", "exim", "raw", "A message whose Subject trips the server's spam rule: refused after the final dot.",
    raw_run(s_clean("exim.test")[:4] + [G(message("exim.test", subject="SPAMTEST cheap pills"))] + [G(["QUIT"])]),
    cls="after-dot")
add("content_rejected_after_dot", "exim", "raw", "A message the server's content check refuses after the final dot (virus found): 550 5.7.1.",
    raw_run(s_clean("exim.test")[:4] + [G(message("exim.test", subject="VIRUSTEST attachment"))] + [G(["QUIT"])]),
    cls="after-dot")
add("tempfail_after_dot", "exim", "raw", "The data ACL defers the message after the final dot: 451.",
    raw_run(s_clean("exim.test")[:4] + [G(message("exim.test", subject="TEMPFAIL please"))] + [G(["QUIT"])]),
    cls="after-dot")
add("too_many_recipients", "exim", "raw", "Five RCPTs where the server takes three per message (recipients_max 3).",
    raw_run([G(["EHLO client.example"]), G(["MAIL FROM:<bob@example.com>"]), G(["RCPT TO:<alice@exim.test>"]),
             G(["RCPT TO:<bob@exim.test>"]), G(["RCPT TO:<postmaster@exim.test>"]), G(["RCPT TO:<alice@exim.test>"]),
             G(["RCPT TO:<bob@exim.test>"]), G(["RSET"]), G(["QUIT"])]),
    cls="rcpt")
add("tutorial_imitation", "custom", "raw",
    "The 163.com telnet tutorial replayed: lowercase helo, auth login, mail from:, rcpt to:, data with subject:/from:/to: headers and a blank line, final dot, 250 queued, quit 221.",
    raw_run(s_tutorial(CU_USER, CU_PASS, "alice@163.test", "friend@qq.test")), cls="clean")
add("spam_dt_spm", "custom", "raw",
    "A message without headers ('hello', 'world'): the 163.com imitation refuses it after the dot with 554 DT:SPM.",
    raw_run(s_tutorial(CU_USER, CU_PASS, "alice@163.test", "friend@qq.test", body=["hello", "world", "."])),
    rules=[("hello", {"findings": ["body-without-headers"], "kinds": ("body",)}),
           ("world", {"findings": ["body-without-headers"], "kinds": ("body",)}),
           (".", {"findings": ["message-without-headers"], "kinds": ("end-of-data",)})], cls="after-dot")
add("recipient_refusals", "custom", "raw",
    "Greylisting (451 4.7.1), a full mailbox (452 4.2.2, three lines), a non-standard 524 and an unknown user (550).",
    raw_run([G(["EHLO client.example"]), G(["MAIL FROM:<bob@example.com>"]), G(["RCPT TO:<greylist@163.test>"]),
             G(["RCPT TO:<full@163.test>"]), G(["RCPT TO:<odd@163.test>"]), G(["RCPT TO:<nouser@163.test>"]),
             G(["RCPT TO:<alice@163.test>"]), G(["QUIT"])]),
    rules=[("RCPT TO:<greylist@163.test>", {"fail": "greylisted"}), ("RCPT TO:<full@163.test>", {"fail": "mailbox-full"}),
           ("RCPT TO:<nouser@163.test>", {"fail": "unknown-user"})], cls="rcpt")
add("server_error_after_dot", "custom", "raw", "The server fails after the final dot: 451 4.3.0 queue file write error (Postfix's text).",
    raw_run(s_clean("163.test")[:4] + [G(message("163.test", subject="SERVERERROR test"))] + [G(["QUIT"])]),
    cls="after-dot")
add("mail_before_hello", "postfix", "raw", "MAIL before any EHLO/HELO (this Postfix has smtpd_helo_required=no and accepts it), then HELO and a MAIL with SIZE after HELO.",
    raw_run([G(["MAIL FROM:<bob@example.com>"]), G(["HELO client.example"]), G(["MAIL FROM:<bob@example.com> SIZE=100"]), G(["QUIT"])]),
    rules=[("MAIL FROM:<bob@example.com>", {"findings": ["hello-first"]}),
           ("MAIL FROM:<bob@example.com> SIZE=100", {"findings": ["params-after-helo"]})], cls="sequence")
add("auth_not_offered", "postfix", "raw", "AUTH and STARTTLS on the plain port, which offers neither.",
    raw_run([G(["EHLO client.example"]), G(["AUTH PLAIN " + b64(f"\0{PF_USER}\0{PF_PASS}")]), G(["STARTTLS"]), G(["QUIT"])]),
    rules=[(R(r"^AUTH PLAIN"), {"findings": ["auth-not-advertised"], "fail": "auth-not-available"}),
           ("STARTTLS", {"findings": ["starttls-not-advertised"]})], cls="auth")
add("mail_before_starttls", "postfix-submission", "raw", "On the submission port (TLS required), MAIL and AUTH before STARTTLS.",
    raw_run([G(["EHLO client.example"]), G(["MAIL FROM:<bob@example.com>"]), G(["AUTH LOGIN"]), G(["QUIT"])]),
    rules=[("MAIL FROM:<bob@example.com>", {"fail": "tls-required"}),
           ("AUTH LOGIN", {"findings": ["auth-not-advertised"]})], cls="tls")
add("nested_mail_and_rset", "sink", "raw", "A nested MAIL on smtp-sink, which does not check command order.",
    raw_run([G(["EHLO client.example"]), G(["MAIL FROM:<bob@example.com>"]), G(["MAIL FROM:<carol@example.com>"]),
             G(["RCPT TO:<alice@sink.test>"]), G(["RSET"]), G(["QUIT"])]),
    rules=[("MAIL FROM:<carol@example.com>", {"findings": ["nested-mail"]})], cls="sequence")
for srv, extra in (("sink-dot451", "451 after the dot (-r .)"), ("sink-dot552", "552 after the dot (-f .)")):
    add("refused_after_dot", srv, "raw", f"A clean message that smtp-sink refuses after the final dot: {extra}.",
        raw_run(s_clean("sink.test")), cls="after-dot")
add("rcpt_refused_452", "sink-rcpt452", "raw", "smtp-sink set to answer every RCPT with 452 4.5.3 too many recipients; DATA then has no recipient.",
    raw_run([G(["EHLO client.example"]), G(["MAIL FROM:<bob@example.com>"]), G(["RCPT TO:<alice@sink.test>"]), G(["DATA"]), G(["QUIT"])]),
    cls="rcpt")
add("disconnect_421", "sink-quit421", "raw", "smtp-sink answers RCPT with 421 and closes (-Q RCPT).",
    raw_run([G(["EHLO client.example"]), G(["MAIL FROM:<bob@example.com>"]), G(["RCPT TO:<alice@sink.test>"]), G(["QUIT"])]),
    rules=[("QUIT", {"findings": ["session-closed"]})], cls="limits")
add("starttls_then_ehlo", "postfix-submission", "raw",
    "STARTTLS, the TLS handshake (the driver's own socket), EHLO again over TLS, AUTH PLAIN, MAIL, RCPT, QUIT.",
    raw_run([G(["EHLO client.example"]), G(["STARTTLS"], starttls=True), G(["EHLO client.example"]),
             G(["AUTH PLAIN " + b64(f"\0{PF_USER}\0{PF_PASS}")]), G(["MAIL FROM:<alice@postfix.test>"]),
             G(["RCPT TO:<bob@postfix.test>"]), G(["QUIT"])], tls_context=None), tls="starttls", cls="tls")
add("implicit_tls", "exim-tls", "raw", "Implicit TLS (tls_on_connect): the greeting comes after the handshake.",
    raw_run([G(["EHLO client.example"]), G(["NOOP"]), G(["QUIT"])], tls_context=None, implicit_tls=True),
    tls="implicit", cls="tls")


# ================================================================== swaks
SW_FROM = ["--from", "bob@example.com"]
SWAKS = [
    ("deliver", "postfix", SW_FROM + ["--to", "alice@postfix.test"], "swaks delivers one message to a real mailbox.", None, [], "clean"),
    ("pipelined", "postfix", SW_FROM + ["--to", "alice@postfix.test,postmaster@postfix.test", "--pipeline"],
     "swaks --pipeline: MAIL, RCPT, RCPT, DATA in one batch.", None, [], "pipelining"),
    ("unknown_user", "postfix", SW_FROM + ["--to", "nobody@postfix.test"], "RCPT to an unknown user: 550 5.1.1, swaks gives up.", None,
     [(R(r"^RCPT TO:<nobody@"), {"fail": "unknown-user"})], "rcpt"),
    ("relay_denied", "postfix", SW_FROM + ["--to", "someone@example.org"], "RCPT to an outside domain: relay access denied.", None,
     [(R(r"^RCPT TO:<someone@"), {"fail": "relay-denied"})], "rcpt"),
    ("quit_after_rcpt", "postfix", SW_FROM + ["--to", "postmaster@postfix.test", "--quit-after", "RCPT"],
     "swaks --quit-after RCPT to postmaster (accepted).", None, [], "clean"),
    ("starttls_auth_login", "postfix-submission", ["--from", PF_USER, "--to", "bob@postfix.test", "--tls", "--auth", "LOGIN",
     "--auth-user", PF_USER, "--auth-password", PF_PASS], "Submission: STARTTLS, EHLO again, AUTH LOGIN, send.", "starttls", [], "tls"),
    ("starttls_auth_plain", "postfix-submission", ["--from", PF_USER, "--to", "bob@postfix.test", "--tls", "--auth", "PLAIN",
     "--auth-user", PF_USER, "--auth-password", PF_PASS], "Submission: STARTTLS, EHLO again, AUTH PLAIN inline, send.", "starttls", [], "auth"),
    ("tls_on_connect_auth", "postfix-smtps", ["--from", PF_USER, "--to", "bob@postfix.test", "--tls-on-connect", "--auth", "PLAIN",
     "--auth-user", PF_USER, "--auth-password", PF_PASS], "Implicit TLS port: handshake first, then the greeting, AUTH PLAIN, send.", "implicit", [], "tls"),
    ("wrong_password", "postfix-submission", ["--from", PF_USER, "--to", "bob@postfix.test", "--tls", "--auth", "LOGIN",
     "--auth-user", PF_USER, "--auth-password", "not-the-password"], "AUTH LOGIN after STARTTLS with a wrong password: 535.", "starttls",
     [(b64("not-the-password"), {"fail": "auth-failed"})], "auth"),
    ("no_tls_mail_refused", "postfix-submission", ["--from", PF_USER, "--to", "bob@postfix.test", "--auth", "LOGIN",
     "--auth-user", PF_USER, "--auth-password", PF_PASS, "--auth-optional"],
     "Submission port without STARTTLS: AUTH is not offered (swaks goes on with --auth-optional), MAIL is refused with 530.", None,
     [(R(r"^MAIL FROM"), {"fail": "tls-required"})], "tls"),
    ("auth_cram_md5", "exim", SW_FROM + ["--to", "alice@exim.test", "--auth", "CRAM-MD5", "--auth-user", EX_USER,
     "--auth-password", EX_PASS], "AUTH CRAM-MD5 over plain text (Exim offers it on the plain port).", None, [], "auth"),
    ("auth_plain_plaintext", "exim", SW_FROM + ["--to", "alice@exim.test", "--auth", "PLAIN", "--auth-user", EX_USER,
     "--auth-password", EX_PASS], "AUTH PLAIN over an unencrypted connection (offered, accepted).", None, [], "auth"),
    ("starttls_auth_login", "exim", SW_FROM + ["--to", "alice@exim.test", "--tls", "--auth", "LOGIN", "--auth-user", EX_USER,
     "--auth-password", EX_PASS], "STARTTLS then AUTH LOGIN on Exim.", "starttls", [], "tls"),
    ("pipelined", "exim", SW_FROM + ["--to", "alice@exim.test,bob@exim.test", "--pipeline"], "swaks --pipeline against Exim.", None, [], "pipelining"),
    ("pipeline_not_offered", "exim-nopipe", SW_FROM + ["--to", "alice@exim.test", "--pipeline"],
     "swaks --pipeline against a server that does not advertise PIPELINING: swaks falls back to one command at a time.", None, [], "pipelining"),
    ("size_after_dot", "exim", SW_FROM + ["--to", "alice@exim.test", "--body", "\n".join(["x" * 76] * 1500), "--suppress-data"],
     "A 115 kB message to a server whose limit is 100 kB: refused after the final dot (swaks --suppress-data hides the text).",
     None, [], "size"),
    ("tls_on_connect", "exim-tls", SW_FROM + ["--to", "alice@exim.test", "--tls-on-connect"], "Implicit TLS on Exim.", "implicit", [], "tls"),
    ("tutorial_auth_login", "custom", ["--from", "alice@163.test", "--to", "friend@qq.test", "--auth", "LOGIN", "--auth-user", CU_USER,
     "--auth-password", CU_PASS], "The 163.com imitation: AUTH LOGIN with its lowercase 'username:' prompt, send, 250 Mail OK queued.", None, [], "auth"),
    ("greylisted", "custom", SW_FROM + ["--to", "greylist@163.test"], "Greylisting: 451 4.7.1 at RCPT.", None,
     [(R(r"^RCPT TO:<greylist@"), {"fail": "greylisted"})], "rcpt"),
    ("mailbox_full", "custom", SW_FROM + ["--to", "full@163.test"], "A full mailbox: Gmail's three-line 452 4.2.2 at RCPT.", None,
     [(R(r"^RCPT TO:<full@"), {"fail": "mailbox-full"})], "rcpt"),
    ("nonstandard_524", "custom", SW_FROM + ["--to", "odd@163.test"], "A non-standard 524 code at RCPT.", None, [], "rcpt"),
    ("spam_dt_spm", "custom", SW_FROM + ["--to", "friend@qq.test", "--data", "hello\\nworld\\n"],
     "A message without headers: 554 DT:SPM after the final dot (163.com imitation).", None,
     [("hello", {"findings": ["body-without-headers"], "kinds": ("body",)}), ("world", {"findings": ["body-without-headers"], "kinds": ("body",)}),
      (".", {"findings": ["message-without-headers"], "kinds": ("end-of-data",)})], "after-dot"),
    ("wrong_password", "custom", ["--from", "alice@163.test", "--to", "friend@qq.test", "--auth", "LOGIN", "--auth-user", CU_USER,
     "--auth-password", "wrong"], "AUTH LOGIN with a wrong password on the 163.com imitation: 535 Error: authentication failed.", None,
     [(b64("wrong"), {"fail": "auth-failed"})], "auth"),
    ("deliver", "aiosmtpd", SW_FROM + ["--to", "alice@aiosmtpd.test"], "swaks delivers to aiosmtpd.", None, [], "clean"),
    ("pipelined", "aiosmtpd", SW_FROM + ["--to", "alice@aiosmtpd.test,bob@aiosmtpd.test", "--pipeline"], "swaks --pipeline against aiosmtpd.", None, [], "pipelining"),
    ("deliver", "maildev", SW_FROM + ["--to", "alice@maildev.test"], "swaks delivers to MailDev.", None, [], "clean"),
    ("pipelined", "maildev", SW_FROM + ["--to", "alice@maildev.test,bob@maildev.test", "--pipeline"], "swaks --pipeline against MailDev.", None, [], "pipelining"),
    ("refused_after_dot", "sink-dot451", SW_FROM + ["--to", "alice@sink.test"], "smtp-sink answers the final dot with 451 4.3.0.", None, [], "after-dot"),
    ("rcpt_refused_452", "sink-rcpt452", SW_FROM + ["--to", "alice@sink.test"], "smtp-sink answers RCPT with 452 4.5.3.", None, [], "rcpt"),
    ("disconnect_421", "sink-quit421", SW_FROM + ["--to", "alice@sink.test"], "smtp-sink answers RCPT with 421 and closes.", None,
     [("QUIT", {"findings": ["session-closed"]})], "limits"),
    ("deliver", "sink", SW_FROM + ["--to", "alice@sink.test"], "swaks delivers to smtp-sink.", None, [], "clean"),
]
for name, srv, args, desc, tls, rules, cls in SWAKS:
    add(name, srv, "swaks", desc, swaks_run(args), rules=rules, tls=tls, cls=cls)
    if "--suppress-data" in args:
        SCENARIOS[-1]["hide_body"] = True


# ================================================================== smtplib
SMTPLIB_VARIANTS = [(1, True), (1, False), (2, True), (2, False)]
MSG = ("From: Bob <bob@example.com>\\r\\nTo: Alice <alice@{dom}>\\r\\nSubject: from smtplib\\r\\n"
       "Date: Thu, 03 Dec 2026 06:00:00 +0000\\r\\nMessage-ID: <smtplib-1@client.example>\\r\\n\\r\\n"
       "Hi Alice,\\r\\n.a line starting with a dot (smtplib stuffs it)\\r\\n\\r\\nBye\\r\\n")
SMTPLIB = [
    ("sendmail_partial", "postfix", f"""
msg = "{MSG.format(dom='postfix.test')}"
refused = s.sendmail("bob@example.com", ["alice@postfix.test", "nobody@postfix.test"], msg)
print("refused:", refused)
s.quit()
""", "sendmail to a real and an unknown recipient: the message goes to the one accepted.", None,
     [(R(r"(?i)^rcpt TO:<nobody@"), {"fail": "unknown-user"})], "rcpt"),
    ("all_recipients_refused", "postfix", """
s.sendmail("bob@example.com", ["nobody@postfix.test", "someone@example.org"], "Subject: x\\r\\n\\r\\nhi\\r\\n")
""", "sendmail where every recipient is refused: SMTPRecipientsRefused traceback.", None,
     [(R(r"(?i)^rcpt TO:<nobody@"), {"fail": "unknown-user"}), (R(r"(?i)^rcpt TO:<someone@"), {"fail": "relay-denied"})], "rcpt"),
    ("spam_data_error", "custom", """
s.login("alice@163.test", "alice-163-password")
s.sendmail("alice@163.test", ["friend@qq.test"], "hello\\r\\nworld\\r\\n")
""", "A headerless message to the 163.com imitation: 554 DT:SPM after the dot, SMTPDataError traceback.", None,
     [("hello", {"findings": ["body-without-headers"], "kinds": ("body",)}), ("world", {"findings": ["body-without-headers"], "kinds": ("body",)}),
      (".", {"findings": ["message-without-headers"], "kinds": ("end-of-data",)})], "after-dot"),
    ("login_wrong_password", "exim", """
s.login("alice", "wrong-password")
""", "login() with a wrong password (smtplib picks CRAM-MD5): SMTPAuthenticationError traceback.", None,
     [(R(r"^[A-Za-z0-9+/=]{8,}$"), {"fail": "auth-failed"})], "auth"),
    ("login_cram_md5", "exim", """
s.login("alice", "alice-exim-password")
s.sendmail("bob@example.com", ["alice@exim.test"], "Subject: cram\\r\\n\\r\\nhi\\r\\n")
s.quit()
""", "login() with CRAM-MD5 (smtplib's first choice), then a send.", None, [], "auth"),
    ("starttls_login_send", "postfix-submission", f"""
s.ehlo()
s.starttls(context=ssl._create_unverified_context())
s.ehlo()
s.login("{PF_USER}", "{PF_PASS}")
s.sendmail("{PF_USER}", ["bob@postfix.test"], "Subject: via submission\\r\\n\\r\\nhi\\r\\n")
s.quit()
""", "Submission: EHLO, STARTTLS, EHLO again, login (AUTH PLAIN), send, quit.", "starttls", [], "tls"),
    ("smtp_ssl_login_send", "postfix-smtps", f"""
s.login("{PF_USER}", "{PF_PASS}")
s.sendmail("{PF_USER}", ["bob@postfix.test"], "Subject: via smtps\\r\\n\\r\\nhi\\r\\n")
s.quit()
""", "SMTP_SSL on the implicit TLS port: login, send, quit.", "implicit", [], "tls"),
    ("docmd_errors", "aiosmtpd", """
s.ehlo()
s.docmd("RCPT", "TO:<alice@aiosmtpd.test>")
s.docmd("XYZZY")
s.docmd("MAIL", "FROM:<bob@example.com>")
s.docmd("MAIL", "FROM:<carol@example.com>")
s.docmd("DATA")
s.quit()
""", "docmd() with RCPT before MAIL, an unknown command, a nested MAIL, DATA without RCPT.", None,
     [("RCPT TO:<alice@aiosmtpd.test>", {"findings": ["rcpt-before-mail"]}), ("XYZZY", {"findings": ["unknown-verb"]}),
      ("MAIL FROM:<carol@example.com>", {"findings": ["nested-mail"]}), ("DATA", {"findings": ["data-before-rcpt"]})], "sequence"),
    ("data_error_451", "sink-dot451", """
s.sendmail("bob@example.com", ["alice@sink.test"], "Subject: x\\r\\n\\r\\nhi\\r\\n")
""", "smtp-sink refuses the message after the dot with 451: SMTPDataError traceback.", None, [], "after-dot"),
    ("sender_refused_size", "exim", """
s.sendmail("bob@example.com", ["alice@exim.test"], "Subject: big\\r\\n\\r\\n" + ("x" * 76 + "\\r\\n") * 1500)
""", "sendmail of a 115 kB message: smtplib announces SIZE, Exim refuses MAIL with 552, SMTPSenderRefused traceback.", None,
     [(R(r"(?i)^mail FROM:.*size="), {"fail": "size-exceeded", "findings": ["size-over-limit"]})], "size"),
    ("send_message", "maildev", """
from email.message import EmailMessage
m = EmailMessage()
m["From"] = "bob@example.com"
m["To"] = "alice@maildev.test"
m["Subject"] = "Grüße"
m.set_content("Hallo Alice,\\n\\nviele Grüße\\n")
s.send_message(m)
s.quit()
""", "send_message() of an EmailMessage with 8-bit text (encoded by the email package).", None, [], "clean"),
    ("idle_timeout", "custom", """
import time
s.ehlo()
time.sleep(8)
s.noop()
""", "The client waits too long: the server's 421 timeout arrives before NOOP is sent, and smtplib prints it as the reply to NOOP.", None,
     [("noop", {"findings": ["session-closed"]})], "timeout"),
    ("auth_login_initial", "custom", """
s.ehlo()
s.auth("LOGIN", s.auth_login)
s.sendmail("alice@163.test", ["friend@qq.test"], "subject: hi\\r\\nfrom: alice@163.test\\r\\nto: friend@qq.test\\r\\n\\r\\nhello\\r\\n")
s.quit()
""".replace("s.auth_login", "s.auth_login") , "AUTH LOGIN with the user name on the command line (smtplib's initial response), then the password prompt.",
     None, [], "auth"),
]
for i, (name, srv, body, desc, tls, rules, cls) in enumerate(SMTPLIB):
    for k in range(3):
        level, greet = SMTPLIB_VARIANTS[(i + k) % 4]
        client = f"smtplib-{level}-{'greeting' if greet else 'nogreeting'}"
        b = body
        if name == "auth_login_initial":
            b = body.replace('s.auth("LOGIN", s.auth_login)', 's.user, s.password = "alice@163.test", "alice-163-password"\ns.auth("LOGIN", s.auth_login)')
        add(name, srv, client, desc, smtplib_run(b, level, greet, ssl_=(tls == "implicit")), rules=rules, tls=tls, cls=cls)


# ================================================================== terminal tools (nc, telnet, server-only)
TUT_RULES = []
TERMINAL = [
    # name, server, script, description, rules, cls, clients
    ("tutorial_imitation", "custom", s_tutorial(CU_USER, CU_PASS, "alice@163.test", "friend@qq.test"),
     "The 163.com tutorial typed by hand: helo, auth login, base64 user and password, mail from:, rcpt to:, data with subject:/from:/to: and a blank line, the dot, quit.",
     [], "clean", ("nc", "telnet", "server-only")),
    ("spam_dt_spm", "custom", s_tutorial(CU_USER, CU_PASS, "alice@163.test", "friend@qq.test", body=["hello", "world", "."]),
     "The tutorial's failing case: a body without headers, refused after the dot with 554 DT:SPM (163.com imitation).",
     [("hello", {"findings": ["body-without-headers"], "kinds": ("body",)}), ("world", {"findings": ["body-without-headers"], "kinds": ("body",)}),
      (".", {"findings": ["message-without-headers"], "kinds": ("end-of-data",)})], "after-dot", ("nc", "telnet", "server-only")),
    ("clean_send", "postfix", s_clean("postfix.test"), "A clean send typed by hand.", [], "clean", ("nc", "telnet", "server-only")),
    ("recipients", "postfix", s_recipients("postfix.test"), "RCPT to postmaster, an unknown user, an outside domain, a real mailbox.",
     RULES_RCPT, "rcpt", ("nc", "server-only")),
    ("talk_ahead_without_pipelining", "exim-nopipe",
     [G(["EHLO client.example"]), G(["MAIL FROM:<bob@example.com>", "RCPT TO:<alice@exim.test>", "DATA"], 2, wait=3)],
     "Three commands pasted at once into a server without PIPELINING: 554 SMTP synchronization error.",
     [("RCPT TO:<alice@exim.test>", {"findings": ["wait-for-reply"]}), ("DATA", {"findings": ["wait-for-reply"]})], "pipelining",
     ("nc", "server-only")),
    ("pipelined_paste", "postfix", s_pipelined("postfix.test"), "MAIL, RCPT, RCPT, DATA pasted at once (the server offers PIPELINING).",
     [], "pipelining", ("nc", "telnet")),
    ("auth_login", "exim", EX_AUTH[2][2], "AUTH LOGIN typed by hand over plain text.", [], "auth", ("telnet", "server-only")),
    ("auth_cancelled", "exim", EX_AUTH[3][2], "AUTH LOGIN cancelled with '*'.", [], "auth", ("telnet",)),
    ("auth_bad_base64", "exim", EX_AUTH[4][2], "AUTH LOGIN answered with a plain e-mail address instead of base64.", EX_AUTH[4][3], "auth", ("telnet",)),
    ("auth_unknown_mechanism", "exim", EX_AUTH[6][2], "AUTH XOAUTH2, not offered: 504.", EX_AUTH[6][3], "auth", ("telnet",)),
    ("auth_plain_empty_334", "custom",
     [G(["EHLO client.example"]), G(["AUTH PLAIN"]), G([b64(f"\0{CU_USER}\0{CU_PASS}")]), G(["QUIT"])],
     "AUTH PLAIN, the empty '334 ' prompt, the base64 answer, 235.", [], "auth", ("telnet", "nc")),
    ("sequence_errors", "postfix", s_sequence("postfix.test"), "RCPT before MAIL, DATA before RCPT, nested MAIL.",
     rules_sequence("postfix.test"), "sequence", ("telnet", "nc")),
    ("syntax_errors", "aiosmtpd", s_syntax("aiosmtpd.test"), "Unknown command, space after colon, missing brackets, MAIL without argument.",
     rules_syntax("aiosmtpd.test"), "syntax", ("telnet",)),
    ("clean_send", "aiosmtpd", s_clean("aiosmtpd.test"), "A clean send typed by hand.", [], "clean", ("nc", "server-only")),
    ("clean_send", "maildev", s_clean("maildev.test"), "A clean send typed by hand.", [], "clean", ("nc", "telnet")),
    ("refused_after_dot", "sink-dot451", s_clean("sink.test"), "smtp-sink answers the final dot with 451.", [], "after-dot", ("nc", "server-only")),
    ("clean_send", "sink", s_clean("sink.test"), "A clean send typed by hand.", [], "clean", ("telnet",)),
    ("recipient_refusals", "custom",
     [G(["EHLO client.example"]), G(["MAIL FROM:<bob@example.com>"]), G(["RCPT TO:<greylist@163.test>"]),
      G(["RCPT TO:<full@163.test>"]), G(["RCPT TO:<odd@163.test>"]), G(["QUIT"])],
     "Greylisting 451 4.7.1, a full mailbox 452 4.2.2, a non-standard 524.",
     [("RCPT TO:<greylist@163.test>", {"fail": "greylisted"}), ("RCPT TO:<full@163.test>", {"fail": "mailbox-full"})], "rcpt",
     ("nc", "telnet")),
    ("idle_timeout", "exim", [G(["EHLO client.example"]), G(["MAIL FROM:<bob@example.com>"]), G(None, 1, wait=10)],
     "The user stops typing after MAIL: 421 after Exim's 6 s timeout.", [], "timeout", ("nc", "telnet")),
    ("other_commands", "postfix", s_commands("postfix.test"), "HELP, VRFY, EXPN, NOOP, ETRN, RSET.", RULES_COMMANDS, "commands",
     ("nc", "telnet")),
    ("too_many_errors", "exim", s_too_many_errors(4), "Unknown commands until Exim drops the connection.", RULES_ERRORS, "limits",
     ("telnet",)),
    ("lowercase_session", "postfix",
     [G(["helo client.example"]), G(["mail from:<bob@example.com>"]), G(["rcpt to:<alice@postfix.test>"]), G(["data"]),
      G(["subject: lowercase", "", "hi", "."]), G(["quit"])],
     "Everything typed in lowercase, as in the tutorial, against Postfix.", [], "clean", ("server-only",)),
]
for name, srv, script, desc, rules, cls, tools in TERMINAL:
    for tool in tools:
        run = term_run("nc", script, echo=False) if tool == "server-only" else term_run(tool, script)
        add(name, srv, tool, desc + (" (the log shows only the server's lines: typed lines were not echoed)" if tool == "server-only" else ""),
            run, rules=rules, cls=cls)


# ================================================================== openssl s_client
SC = [
    ("starttls_auth_send", "postfix-submission", "s_client-starttls", [],
     [G(["EHLO client.example"]), G(["AUTH PLAIN " + b64(f"\0{PF_USER}\0{PF_PASS}")]), G([f"mail from:<{PF_USER}>"]),
      G(["rcpt to:<bob@postfix.test>"]), G(["data"]), G(["Subject: via s_client", "", "typed in openssl s_client", "."]), G(["quit"])],
     "s_client -starttls smtp: EHLO, AUTH PLAIN, a send with lowercase commands (an uppercase R or Q at a line start is an s_client command).",
     "starttls", [], "tls"),
    ("renegotiating", "postfix-submission", "s_client-starttls", [],
     [G(["EHLO client.example"]), G(["AUTH PLAIN " + b64(f"\0{PF_USER}\0{PF_PASS}")]), G([f"MAIL FROM:<{PF_USER}>"]),
      G(["RCPT TO:<bob@postfix.test>"], 0, wait=2)],
     "Typing 'RCPT TO:' at the start of a line in s_client (without -quiet/-ign_eof) asks for a TLS renegotiation instead of sending the line: RENEGOTIATING, and on TLS 1.3 an error.",
     "starttls", [], "tls"),
    ("implicit_tls_auth_login", "postfix-smtps", "s_client-tls", [],
     [G(["EHLO client.example"]), G(["AUTH LOGIN"]), G([b64(PF_USER)]), G([b64(PF_PASS)]), G(["quit"])],
     "s_client -connect to the implicit TLS port: the greeting after the handshake, AUTH LOGIN, quit.", "implicit", [], "tls"),
    ("quit_typed_uppercase", "postfix-smtps", "s_client-tls", [],
     [G(["EHLO client.example"]), G(["NOOP"]), G(["QUIT"], 0, wait=2)],
     "Typing QUIT in s_client: the Q at the line start makes s_client itself quit (DONE) without sending the line.",
     "implicit", [], "tls"),
    ("starttls_send", "exim", "s_client-starttls", [],
     [G(["EHLO client.example"]), G(["AUTH LOGIN"]), G([b64(EX_USER)]), G([b64(EX_PASS)]), G(["mail from:<bob@example.com>"]),
      G(["rcpt to:<alice@exim.test>"]), G(["data"]), G(["Subject: via s_client", "", "..dot-stuffed by hand", "."]),
      G(["STARTTLS"]), G(["quit"])],
     "Exim after s_client's STARTTLS: AUTH LOGIN, send with a hand dot-stuffed line, then STARTTLS again (refused).",
     "starttls", [("STARTTLS", {"findings": ["starttls-twice"]})], "tls"),
    ("implicit_tls", "exim-tls", "s_client-tls", [],
     [G(["EHLO client.example"]), G(["noop"]), G(["quit"])], "s_client to Exim's implicit TLS port.", "implicit", [], "tls"),
    ("starttls_auth_login", "custom", "s_client-starttls", [],
     [G(["EHLO client.example"]), G(["auth login"]), G([b64(CU_USER)]), G([b64(CU_PASS)]), G(["mail from:<alice@163.test>"]),
      G(["rcpt to:<friend@qq.test>"]), G(["quit"])],
     "STARTTLS then AUTH LOGIN on the 163.com imitation.", "starttls", [], "tls"),
    ("tls12_refused_by_server", "custom", "s_client-starttls", ["-tls1_2"],
     [], "The server accepts only TLS 1.3; s_client forced to TLS 1.2 (-tls1_2) sees the server end the handshake (unexpected eof): a server-side TLS failure after 220 to STARTTLS.",
     "starttls", [], "tls"),
    ("starttls_no_auth_rcpt_refused", "postfix-submission", "s_client-starttls", [],
     [G(["EHLO client.example"]), G(["mail from:<bob@example.com>"]), G(["rcpt to:<bob@postfix.test>"]), G(["quit"])],
     "After STARTTLS but without AUTH, the submission port refuses the recipient.", "starttls",
     [(R(r"^rcpt to:"), {"fail": "auth-required"})], "tls"),
]
for name, srv, tool, extra, script, desc, tls, rules, cls in SC:
    add(name, srv, "s_client", desc, term_run(tool, script, extra=extra), rules=rules, tls=tls, cls=cls)


# ================================================================== smtp-source -v
SRC = [
    ("clean_send", "postfix", ["-f", "bob@example.com", "-t", "alice@postfix.test", "-S", "from smtp-source"], "smtp-source -v sends one message.", [], "clean"),
    ("unknown_user", "postfix", ["-A", "-f", "bob@example.com", "-t", "nobody@postfix.test"], "smtp-source -A (go on after errors) to an unknown user.",
     [(R(r"^RCPT TO:<nobody@"), {"fail": "unknown-user"})], "rcpt"),
    ("relay_denied", "postfix", ["-A", "-f", "bob@example.com", "-t", "someone@example.org"], "smtp-source -A to an outside domain.",
     [(R(r"^RCPT TO:<someone@"), {"fail": "relay-denied"})], "rcpt"),
    ("clean_send", "exim", ["-f", "bob@example.com", "-t", "alice@exim.test"], "smtp-source -v against Exim.", [], "clean"),
    ("too_many_recipients", "exim", ["-A", "-f", "bob@example.com", "-t", "alice@exim.test", "-r", "5"],
     "smtp-source -r 5: five numbered recipients (1alice@...): unknown users, and the fourth is over recipients_max.", [], "rcpt"),
    ("clean_send", "sink", ["-f", "bob@example.com", "-t", "alice@sink.test", "-m", "2", "-d"], "Two messages over one connection (-m 2 -d).", [], "clean"),
    ("refused_after_dot", "sink-dot451", ["-A", "-f", "bob@example.com", "-t", "alice@sink.test"], "451 after the dot.", [], "after-dot"),
    ("refused_after_dot", "sink-dot552", ["-A", "-f", "bob@example.com", "-t", "alice@sink.test"], "552 after the dot.", [], "after-dot"),
    ("rcpt_refused_452", "sink-rcpt452", ["-A", "-f", "bob@example.com", "-t", "alice@sink.test"], "452 4.5.3 at RCPT.", [], "rcpt"),
    ("clean_send", "aiosmtpd", ["-f", "bob@example.com", "-t", "alice@aiosmtpd.test"], "smtp-source -v against aiosmtpd.", [], "clean"),
    ("clean_send", "maildev", ["-f", "bob@example.com", "-t", "alice@maildev.test"], "smtp-source -v against MailDev.", [], "clean"),
    ("nonstandard_524", "custom", ["-A", "-f", "bob@example.com", "-t", "odd@163.test"], "A non-standard 524 at RCPT.", [], "rcpt"),
]
for name, srv, args, desc, rules, cls in SRC:
    add(name, srv, "smtp-source", desc, source_run(args), rules=rules, cls=cls)
