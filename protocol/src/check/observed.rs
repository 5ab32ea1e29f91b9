//! What the probe saw: each reply it asked for, the TLS facts, and the timings, as plain
//! data the scorecard rules read (and tests make up).

use crate::extension::Extension;
use crate::reply::Reply;
use crate::wire::TlsInfo;

/// One reply the probe received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// The reply code.
    pub code: u16,
    /// The reply's lines, without codes, joined by `\n`.
    pub text: String,
    /// Milliseconds from the command (for the greeting: from the connection) to the
    /// reply's first line, as the relay measured it.
    pub latency_ms: Option<u64>,
    /// The explanation id the annotator gave the reply (`rcpt-ok`, `relay-denied` ...).
    pub id: &'static str,
}

impl Seen {
    /// The reply as received, with its explanation id and latency.
    pub fn new(reply: &Reply, id: &'static str, latency_ms: Option<u64>) -> Self {
        Self {
            code: reply.code.get(),
            text: reply.text().to_owned(),
            latency_ms,
            id,
        }
    }

    /// A reply made up from its code and text (tests, and readers of old reports).
    pub fn of(code: u16, text: &str) -> Self {
        Self {
            code,
            text: text.to_owned(),
            latency_ms: None,
            id: "generic",
        }
    }

    /// 2xx.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.code)
    }

    /// The first line as a server writes it: `250 2.1.5 Ok`.
    pub fn summary(&self) -> String {
        let first = self.text.lines().next().unwrap_or_default();
        format!("{} {first}", self.code).trim_end().to_owned()
    }

    /// The EHLO extensions of a 250 reply: its lines after the first.
    pub fn extensions(&self) -> Vec<Extension> {
        if !self.ok() {
            return Vec::new();
        }
        self.text.lines().skip(1).map(Extension::parse).collect()
    }

    /// Whether a 250 reply to EHLO offers `keyword`.
    pub fn offers(&self, keyword: &str) -> bool {
        self.extensions()
            .iter()
            .any(|e| e.keyword().eq_ignore_ascii_case(keyword))
    }
}

/// How long one stage took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timing {
    /// `connect`, `banner`, `tls`, or the command as sent (`EHLO`, `MAIL`, `RCPT` ...).
    pub stage: String,
    /// Milliseconds.
    pub ms: u64,
}

/// Everything the probe saw, step by step; `None` for a step that did not run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observations {
    /// The connection began with TLS (port 465).
    pub implicit_tls: bool,
    /// The greeting.
    pub banner: Option<Seen>,
    /// The first EHLO's reply.
    pub ehlo: Option<Seen>,
    /// HELO's reply, sent when EHLO was refused.
    pub helo: Option<Seen>,
    /// The reply to STARTTLS.
    pub starttls: Option<Seen>,
    /// The TLS facts, once TLS was up.
    pub tls: Option<TlsInfo>,
    /// Why TLS failed, when it did (handshake, certificate refused).
    pub tls_error: Option<String>,
    /// EHLO's reply inside TLS (after STARTTLS).
    pub ehlo_tls: Option<Seen>,
    /// `MAIL FROM:<>` before the postmaster test.
    pub postmaster_mail: Option<Seen>,
    /// `RCPT TO:<postmaster...>`.
    pub postmaster: Option<Seen>,
    /// `VRFY postmaster`.
    pub vrfy: Option<Seen>,
    /// `EXPN postmaster`.
    pub expn: Option<Seen>,
    /// `MAIL FROM:` an outside sender.
    pub relay_mail: Option<Seen>,
    /// `RCPT TO:` an outside recipient.
    pub relay_rcpt: Option<Seen>,
    /// Every stage's time, in order.
    pub timings: Vec<Timing>,
    /// Why the conversation ended early (an error, the server closed), if it did.
    pub ended_early: Option<String>,
}

impl Observations {
    /// The EHLO reply that counts for the extensions: inside TLS when there is one.
    pub fn final_ehlo(&self) -> Option<&Seen> {
        self.ehlo_tls.as_ref().or(self.ehlo.as_ref())
    }

    /// The server's name as it gives it: the first word of the EHLO reply, else of the
    /// banner.
    pub fn server_name(&self) -> Option<String> {
        let from = |seen: &Seen| {
            seen.text
                .split_ascii_whitespace()
                .next()
                .map(|w| w.trim_end_matches('.').to_ascii_lowercase())
        };
        self.final_ehlo()
            .filter(|s| s.ok())
            .and_then(from)
            .or_else(|| self.banner.as_ref().and_then(from))
    }

    /// The banner's first word: the name the server greets with.
    pub fn banner_name(&self) -> Option<String> {
        let banner = self.banner.as_ref()?;
        banner
            .text
            .split_ascii_whitespace()
            .next()
            .map(|w| w.trim_end_matches('.').to_ascii_lowercase())
    }
}
