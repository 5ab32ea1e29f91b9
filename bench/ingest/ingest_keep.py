"""aiosmtpd handler for the ingestion benchmark: keeps the newest messages in memory,
as a mail catcher does (capped like the sandbox's default mailbox of 500 messages)."""

import collections


class Keep:
    def __init__(self, limit=500):
        self.messages = collections.deque(maxlen=int(limit))

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
        )
        return "250 2.0.0 Ok: queued"
