//! Delivery status notifications (RFC 3464): the bounce a server sends back to the sender
//! when it accepted a message and then could not deliver it.
//!
//! The notification is a `multipart/report; report-type=delivery-status` message (RFC
//! 6522) in three parts, as Postfix writes it: a human-readable explanation, the
//! `message/delivery-status` part with the per-message fields (`Reporting-MTA`,
//! `Arrival-Date`) and one block of per-recipient fields per failed recipient
//! (`Final-Recipient`, `Action: failed`, `Status`, `Diagnostic-Code`, `Last-Attempt-Date`),
//! and the original message's header as `text/rfc822-headers`. It comes from
//! `MAILER-DAEMON` and is sent with the null reverse path `<>`, so it can never bounce in
//! turn (RFC 5321 4.5.5).

/// How much of the original header the notification quotes at most.
const MAX_QUOTED_HEADER: usize = 64 * 1024;

/// What a notification reports.
#[derive(Debug, Clone)]
pub(crate) struct Report<'a> {
    /// The server that writes the report (`Reporting-MTA`, `From: MAILER-DAEMON@...`).
    pub hostname: &'a str,
    /// Who gets it: the original envelope sender.
    pub to: &'a str,
    /// The original message's queue id, for the subject line and the boundary.
    pub queue_id: &'a str,
    /// When the message arrived and when delivery failed, in Unix milliseconds; `None`
    /// when the shell did not say the time.
    pub now_ms: Option<u64>,
    /// Each failed recipient with its status code (`5.1.1`) and the remote reply.
    pub failed: &'a [Failure],
    /// The original message, whose header is quoted.
    pub original: &'a [u8],
}

/// One recipient the report says failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    /// The address as given in RCPT TO.
    pub recipient: String,
    /// The RFC 3463 status, e.g. `5.1.1`.
    pub status: &'static str,
    /// The SMTP reply that explains it, one line without CRLF.
    pub diagnostic: String,
}

impl Report<'_> {
    /// The notification as message text, CRLF line ends. Written piece by piece rather
    /// than with `format!`, which costs the page's simulator more code than the text.
    pub(crate) fn to_message(&self) -> Vec<u8> {
        let host = self.hostname;
        let boundary = [self.queue_id, ".dsn/", host].concat();
        let date = self.now_ms.map(rfc5322_date);
        let mut m = String::new();
        let mut line = |parts: &[&str]| {
            for part in parts {
                m.push_str(part);
            }
            m.push_str("\r\n");
        };
        line(&["From: Mail Delivery System <MAILER-DAEMON@", host, ">"]);
        line(&["To: <", self.to, ">"]);
        line(&["Subject: Undelivered Mail Returned to Sender"]);
        line(&[
            "Date: ",
            date.as_deref().unwrap_or("Thu, 01 Jan 1970 00:00:00 +0000"),
        ]);
        line(&["Message-ID: <", self.queue_id, ".dsn@", host, ">"]);
        line(&["Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/report; report-type=delivery-status;"]);
        line(&["\tboundary=\"", &boundary, "\""]);
        line(&["\r\nThis is a MIME-encapsulated message.\r\n"]);
        line(&["--", &boundary]);
        line(&["Content-Description: Notification\r\n\
             Content-Type: text/plain; charset=us-ascii\r\n"]);
        line(&["This is the mail system at host ", host, "."]);
        line(&[
            "\r\nI'm sorry to have to inform you that your message could not\r\n\
             be delivered to one or more recipients. It's attached below.\r\n\r\n\
             This is the smtp-playground sandbox: it bounced the message on purpose,\r\n\
             because a recipient's address is bounce@ (see /api/sandbox).\r\n",
        ]);
        for failure in self.failed {
            line(&["<", &failure.recipient, ">: ", &ascii(&failure.diagnostic)]);
        }
        line(&[]);
        line(&["--", &boundary]);
        line(&["Content-Description: Delivery report\r\n\
             Content-Type: message/delivery-status\r\n"]);
        line(&["Reporting-MTA: dns; ", host]);
        if let Some(date) = &date {
            line(&["Arrival-Date: ", date]);
        }
        for failure in self.failed {
            let recipient = failure.recipient.as_str();
            line(&[]);
            line(&["Final-Recipient: rfc822; ", recipient]);
            line(&["Original-Recipient: rfc822; ", recipient]);
            line(&["Action: failed"]);
            line(&["Status: ", failure.status]);
            line(&["Diagnostic-Code: smtp; ", &ascii(&failure.diagnostic)]);
            if let Some(date) = &date {
                line(&["Last-Attempt-Date: ", date]);
            }
        }
        line(&[]);
        line(&["--", &boundary]);
        line(&["Content-Description: Undelivered Message Headers\r\n\
             Content-Type: text/rfc822-headers\r\n"]);
        let mut message = m.into_bytes();
        message.extend_from_slice(&header_of(self.original));
        for part in ["\r\n--", &boundary, "--\r\n"] {
            message.extend_from_slice(part.as_bytes());
        }
        message
    }
}

/// The header block of a message (up to the empty line), CRLF ended, at most
/// [`MAX_QUOTED_HEADER`] octets cut at a line end.
fn header_of(message: &[u8]) -> Vec<u8> {
    let mut header = Vec::new();
    for line in message.split_inclusive(|&b| b == b'\n') {
        let text = line
            .strip_suffix(b"\n")
            .map_or(line, |l| l.strip_suffix(b"\r").unwrap_or(l));
        if text.is_empty() || header.len() + text.len() + 2 > MAX_QUOTED_HEADER {
            break;
        }
        header.extend_from_slice(text);
        header.extend_from_slice(b"\r\n");
    }
    header
}

/// Keeps a diagnostic to printable ASCII, as the report's fields require.
fn ascii(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .collect()
}

/// An RFC 5322 date in UTC, e.g. `Thu, 03 Dec 2026 10:56:05 +0000`.
pub(crate) fn rfc5322_date(unix_ms: u64) -> String {
    let secs = unix_ms / 1000;
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    // 1 January 1970 was a Thursday.
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let two = |n: u64| {
        [
            char::from(b'0' + (n / 10 % 10) as u8),
            char::from(b'0' + (n % 10) as u8),
        ]
    };
    let mut date = String::with_capacity(31);
    date.push_str(weekday);
    date.push_str(", ");
    date.extend(two(day));
    date.push(' ');
    date.push_str(months[(month - 1) as usize]);
    date.push(' ');
    date.push_str(&year.to_string());
    for (separator, n) in [(' ', rem / 3600), (':', rem % 3600 / 60), (':', rem % 60)] {
        date.push(separator);
        date.extend(two(n));
    }
    date.push_str(" +0000");
    date
}

/// Year, month (1-12) and day (1-31) of a day count since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, for days on or after the epoch).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc_5322() {
        assert_eq!(rfc5322_date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
        // 2000-02-29 12:34:56 UTC, a leap day, was a Tuesday.
        assert_eq!(
            rfc5322_date(951_827_696_000),
            "Tue, 29 Feb 2000 12:34:56 +0000"
        );
        // 2026-12-03 10:56:05 UTC was a Thursday.
        assert_eq!(
            rfc5322_date(1_796_295_365_123),
            "Thu, 03 Dec 2026 10:56:05 +0000"
        );
    }

    #[test]
    fn the_quoted_header_stops_at_the_body() {
        let header = header_of(b"Subject: hi\nFrom: <a@b>\r\n\r\nbody\r\n");
        assert_eq!(header, b"Subject: hi\r\nFrom: <a@b>\r\n");
        let long = format!("X: {}\r\n", "a".repeat(1000)).repeat(100);
        assert!(header_of(long.as_bytes()).len() <= MAX_QUOTED_HEADER);
    }
}
