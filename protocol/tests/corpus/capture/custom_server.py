#!/usr/bin/env python3
"""aiosmtpd with custom handlers ("aiosmtpd-custom" in the corpus): imitates replies of
servers we cannot run here. Every imitated text is listed below with whom it imitates.

  greeting     "220 163.com Anti-spam GT for Coremail System (163com[20141201])"
               163.com's Coremail banner, as in the tutorial log of corpus/seed/.
  EHLO         Coremail-style capability list (250-mail, AUTH LOGIN PLAIN, AUTH=LOGIN PLAIN,
               a "coremail" token line, STARTTLS, 8BITMIME).
  HELO         "250 OK" (163.com).
  AUTH LOGIN   prompts "334 dXNlcm5hbWU6" ("username:") and "334 UGFzc3dvcmQ6" as 163.com
               sends them; "235 Authentication successful"; wrong password:
               "535 Error: authentication failed" (163.com's text).
  MAIL / RCPT  "250 Mail OK" (163.com). Recipients by local part:
                 greylist@...  "451 4.7.1 Greylisting in action, please come back later"
                               (milter-greylist's default text)
                 full@...      Gmail's three-line "452-4.2.2 The recipient's inbox is out of
                               storage space..." over-quota reply
                 odd@...       "524 5.7.1 Recipient temporarily restricted" (an invented,
                               non-standard 524 code: no server text is imitated)
                 nouser@...    "550 User not found: nouser@163.com" (163.com's text)
  after the dot  "250 Mail OK queued as smtp7,C8CowAA3m23W0uhWLbauAg--.61473S2 1458098971"
               (163.com, from the tutorial log); a message without headers, or whose text
               contains "SPAMTEST", gets 163.com's spam refusal "554 DT:SPM 163 smtp13,...
               please see http://mail.163.com/help/help_spam_16.htm?..." on one line (the
               tutorial shows it wrapped); text containing "SERVERERROR" gets Postfix's
               "451 4.3.0 Error: queue file write error".
  idle timeout "421 4.4.2 163.com Error: timeout exceeded" (Postfix's wording) after 6 s.
  STARTTLS     offered; TLS 1.3 only, so a client forced to TLS 1.2 fails the handshake.
  SIZE         limit 200000; "552 5.3.4 Message size exceeds fixed limit" (Postfix's text).

Usage: custom_server.py PORT CERT KEY
"""

import asyncio
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

ACCOUNT = (b"alice@163.test", b"alice-163-password")
SIZE_LIMIT = 200000
TIMEOUT_S = 6


class CoremailSMTP(SMTP):
    AuthLoginUsernameChallenge = "username:"
    AuthLoginPasswordChallenge = "Password:"

    async def smtp_AUTH(self, arg):
        # 163.com takes the mechanism in any case ("auth login" in the tutorial);
        # aiosmtpd compares it case-sensitively.
        mech, _, rest = (arg or "").partition(" ")
        return await super().smtp_AUTH((mech.upper() + (" " + rest if rest else "")) if arg else arg)

    def _timeout_cb(self):
        try:
            self.transport.write(b"421 4.4.2 163.com Error: timeout exceeded\r\n")
        except Exception:
            pass
        self.transport.close()


class Handler:
    def __init__(self, tls):
        self.tls = tls

    async def handle_HELO(self, server, session, envelope, hostname):
        session.host_name = hostname
        # 163.com takes AUTH after HELO (the tutorial does exactly that); aiosmtpd would
        # refuse AUTH outside ESMTP, so the session is marked extended here.
        session.extended_smtp = True
        return "250 OK"

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        lines = ["250-mail", "250-PIPELINING", "250-AUTH LOGIN PLAIN", "250-AUTH=LOGIN PLAIN",
                 "250-coremail 1Uxr2xKj7kG0xkI17xGrU7I0s8FY2U3Uj8Cz28x1UUUUU7Ic2I0Y2UFCK2ibUCa0xDrUUUUj"]
        if self.tls and not server._tls_protocol:
            lines.append("250-STARTTLS")
        lines.append(f"250-SIZE {SIZE_LIMIT}")
        lines.append("250 8BITMIME")
        return lines

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        for opt in mail_options:
            if opt.upper().startswith("SIZE=") and opt[5:].isdigit() and int(opt[5:]) > SIZE_LIMIT:
                return "552 5.3.4 Message size exceeds fixed limit"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 Mail OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local == "greylist":
            return "451 4.7.1 Greylisting in action, please come back later"
        if local == "full":
            return ("452-4.2.2 The recipient's inbox is out of storage space. Please direct the\r\n"
                    "452-4.2.2 recipient to\r\n"
                    "452 4.2.2  https://support.google.com/mail/?p=OverQuotaTemp d2e1a72fcca58-7e2 - gsmtp")
        if local == "odd":
            return "524 5.7.1 Recipient temporarily restricted"
        if local == "nouser":
            return f"550 User not found: {address}"
        envelope.rcpt_tos.append(address)
        return "250 Mail OK"

    async def handle_DATA(self, server, session, envelope):
        text = envelope.content.decode("utf-8", "replace") if isinstance(envelope.content, bytes) else envelope.content
        first = text.split("\r\n", 1)[0]
        has_headers = ":" in first and not first.startswith(" ")
        if not has_headers or "SPAMTEST" in text:
            return ("554 DT:SPM 163 smtp13,EcCowACn10fou+hW+JiyAg--.31213S2 1458098971,"
                    "please see http://mail.163.com/help/help_spam_16.htm?ip=127.0.0.1"
                    "&hostid=smtp13&time=1458098971")
        if "SERVERERROR" in text:
            return "451 4.3.0 Error: queue file write error"
        return "250 Mail OK queued as smtp7,C8CowAA3m23W0uhWLbauAg--.61473S2 1458098971"


def authenticator(server, session, envelope, mechanism, auth_data):
    if isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == ACCOUNT:
        return AuthResult(success=True)
    return AuthResult(success=False, handled=False, message="535 Error: authentication failed")


async def main(port, cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.load_cert_chain(cert, key)
    loop = asyncio.get_running_loop()

    def factory():
        return CoremailSMTP(Handler(True), hostname="163.com",
                            ident="Anti-spam GT for Coremail System (163com[20141201])",
                            tls_context=ctx, require_starttls=False, auth_require_tls=False,
                            authenticator=authenticator, timeout=TIMEOUT_S, data_size_limit=SIZE_LIMIT,
                            enable_SMTPUTF8=False, decode_data=False, auth_exclude_mechanism=["CRAM-MD5"])

    srv = await loop.create_server(factory, host="127.0.0.1", port=port)
    async with srv:
        await srv.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2], sys.argv[3]))
