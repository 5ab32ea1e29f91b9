"""aiosmtpd for the e2e tests: a second, independent SMTP server on a free loopback port.

Started by `e2e::raw_smtp::Aiosmtpd` with the venv's Python (scripts/setup.sh). Accepts
every recipient, keeps no mail (the Sink handler), and offers AUTH PLAIN and LOGIN without
TLS for the account in AIOSMTPD_USER / AIOSMTPD_PASSWORD. Listens on AIOSMTPD_HOST (default
127.0.0.1) and AIOSMTPD_PORT (default 0: any free port), so connect-by-MX tests can put it
at a loopback address an MX record names. Prints "HOST:PORT" once it listens, and exits
when its stdin closes (the test process is gone).
"""

import asyncio
import os
import sys

from aiosmtpd.handlers import Sink
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

USER = os.environ["AIOSMTPD_USER"].encode()
PASSWORD = os.environ["AIOSMTPD_PASSWORD"].encode()


def authenticator(_server, _session, _envelope, _mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER
        and auth_data.password == PASSWORD
    )
    return AuthResult(success=ok)


async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(Sink(), authenticator=authenticator, auth_require_tls=False),
        os.environ.get("AIOSMTPD_HOST", "127.0.0.1"),
        int(os.environ.get("AIOSMTPD_PORT", "0")),
    )
    host, port = server.sockets[0].getsockname()[:2]
    print(f"{host}:{port}", flush=True)
    # Blocks a worker thread until the parent closes our stdin (or dies).
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
