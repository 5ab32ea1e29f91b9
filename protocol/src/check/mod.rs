//! The server check: a fixed, polite probe of one SMTP server and the scorecard that
//! sums it up, sans-IO like the rest of the crate.
//!
//! The shell (the bridge's `check` runner) connects through its relay and then asks
//! [`Probe::poll`] for the next line to write, feeds every server line, TLS fact and
//! ending back in, and when the probe is [`Poll::Done`] calls [`Probe::finish`] with the
//! facts only the shell can measure ([`Facts`]: the connect time, the clock for
//! certificate expiry, reverse DNS). The result is a [`HostCheck`]: the annotated lines
//! (both languages, from [`crate::annotate`], as a normal session explains them), the
//! per-stage timings and the [`Scorecard`].
//!
//! # Layout
//!
//! - `probe.rs`: the sequence as a state machine. It never writes DATA or BDAT: the open
//!   relay test stops at RCPT and is reset (a proptest holds this for any replies).
//! - `observed.rs`: what the probe saw, as plain data ([`Observations`]).
//! - `score/`: the scorecard rules, one file per area (`smtp.rs` the conversation,
//!   `tls.rs` TLS and the certificate, `dns.rs` reverse DNS, `timing.rs` the stages).
//! - `cert.rs`: certificate name matching (RFC 6125) and dates, for the TLS rules.
//! - `matrix.rs`: several MX hosts side by side, item by item.

mod cert;
mod matrix;
mod observed;
mod probe;
mod score;
#[cfg(test)]
mod tests;

pub use matrix::{Matrix, MatrixRow};
pub use observed::{Observations, Seen, Timing};
pub use probe::{MAX_COMMANDS, Poll, Probe, ProbeLine, ProbePlan};
pub use score::{EXPIRY_WARN_DAYS, SLOW_BANNER_MS, scorecard};

use crate::lang::{Bilingual, Lang, t};

/// How one item of the scorecard came out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Informational: a fact with no judgement (the extensions offered, the timings).
    #[default]
    Info,
    /// The step that would tell could not run (the connection ended before it, or an
    /// earlier step was refused).
    NotTested,
    /// As it should be.
    Pass,
    /// Works, but worth fixing.
    Warn,
    /// Wrong: mail to this server fails, or the server is unsafe.
    Fail,
}

impl Verdict {
    /// Every verdict, for decoding by name.
    pub const ALL: [Verdict; 5] = [
        Verdict::Info,
        Verdict::NotTested,
        Verdict::Pass,
        Verdict::Warn,
        Verdict::Fail,
    ];

    /// The name in JSON: `info`, `not-tested`, `pass`, `warn`, `fail`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Info => "info",
            Verdict::NotTested => "not-tested",
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
        }
    }

    /// The verdict named `name`; `None` for a name this version does not know.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == name)
    }

    /// The verdict for a person, in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        let text = match self {
            Verdict::Info => t!("info", "信息"),
            Verdict::NotTested => t!("not tested", "未测试"),
            Verdict::Pass => t!("pass", "通过"),
            Verdict::Warn => t!("warn", "警告"),
            Verdict::Fail => t!("fail", "失败"),
        };
        text.get(lang)
    }
}

/// An item's words in one language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemText {
    /// One line saying what was found.
    pub title: String,
    /// What it means, and what to fix when it is not a pass.
    pub explanation: String,
}

/// One line of the scorecard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The item's stable id, e.g. `banner`, `open-relay`, `tls-version`.
    pub id: &'static str,
    /// How it came out.
    pub verdict: Verdict,
    /// The RFC or BCP the rule rests on, e.g. `RFC 5321 4.5.1`.
    pub reference: &'static str,
    /// What was measured, in no language: `TLSv1.3`, `1234 ms`, `550 5.7.1 ...`; empty
    /// when nothing was.
    pub value: String,
    /// The words, in both languages.
    pub text: Bilingual<ItemText>,
}

impl Item {
    /// An item whose words `words` writes once per language.
    pub(crate) fn new(
        id: &'static str,
        verdict: Verdict,
        reference: &'static str,
        value: impl Into<String>,
        words: impl Fn(Lang) -> (String, String),
    ) -> Self {
        let text = |lang| {
            let (title, explanation) = words(lang);
            ItemText { title, explanation }
        };
        Self {
            id,
            verdict,
            reference,
            value: value.into(),
            text: Bilingual {
                en: text(Lang::En),
                zh: text(Lang::ZhCn),
            },
        }
    }
}

/// Every item of one host's check, in a fixed order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scorecard {
    /// The items, in the order [`scorecard`] writes them.
    pub items: Vec<Item>,
}

impl Scorecard {
    /// The worst verdict among the items (`Info` when there are none).
    pub fn worst(&self) -> Verdict {
        self.items
            .iter()
            .map(|i| i.verdict)
            .max()
            .unwrap_or_default()
    }

    /// Whether any item failed.
    pub fn failed(&self) -> bool {
        self.worst() == Verdict::Fail
    }

    /// The item `id`, if the card has it.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }
}

/// What the reverse lookup of the connected address found (the shell resolves).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReverseDns {
    /// The PTR names of the address, without the final dot.
    pub names: Vec<String>,
    /// Those of `names` whose A/AAAA records include the address (forward-confirmed).
    pub confirmed: Vec<String>,
    /// Why the lookup failed, when it did (not "no PTR record": then `names` is empty).
    pub error: Option<String>,
}

/// What only the shell knows: passed to [`Probe::finish`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// The name the server is known by: the MX name in domain mode, the host as typed
    /// otherwise. The certificate must be valid for it.
    pub name: String,
    /// The port checked.
    pub port: u16,
    /// The port is a submission port (RFC 6409) whatever its number: AUTH before TLS is
    /// then a failure, not a warning. Port 587 always is.
    pub submission: bool,
    /// The address connected to, e.g. `192.0.2.1`; `None` when no connection was made.
    pub address: Option<String>,
    /// Milliseconds the TCP connection took.
    pub connect_ms: Option<u64>,
    /// Why no connection was made (refused, denied by policy, timeout), for a person.
    pub connect_error: Option<String>,
    /// Now, in seconds since 1970 (UTC), for the certificate's expiry; `None` skips it.
    pub now_unix: Option<i64>,
    /// The reverse DNS of the address; `None` when it was not looked up.
    pub rdns: Option<ReverseDns>,
}

/// One host checked: what [`Probe::finish`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostCheck {
    /// The facts the shell passed in.
    pub facts: Facts,
    /// What the probe saw.
    pub observations: Observations,
    /// Every line of the conversation, annotated in both languages.
    pub lines: Vec<ProbeLine>,
    /// The verdicts.
    pub scorecard: Scorecard,
}

/// Whether AUTH before TLS is a failure here (RFC 8314 3.3): a submission port.
pub(crate) fn is_submission(facts: &Facts) -> bool {
    facts.submission || facts.port == 587
}

/// The reserved domains of the open relay test (RFC 2606): neither is the server's.
pub const RELAY_TEST_SENDER: &str = "relay-test@example.com";
/// See [`RELAY_TEST_SENDER`].
pub const RELAY_TEST_RECIPIENT: &str = "relay-test@example.net";
