//! Failure rules: make the server fail on purpose, at a chosen stage, so a developer can see
//! what their mail program does with a refusal, a slow server or a dropped connection.
//!
//! A [`Rule`] is a [`Stage`] (connect, greeting, EHLO, AUTH, MAIL, RCPT, DATA, end of data,
//! any command), an optional match on what the client sent there (the RCPT or MAIL address,
//! the EHLO name, the AUTH user; case-insensitive; `@domain` matches a whole domain), an
//! [`Action`] (a reply, a delay, a throttle, a disconnect) and a [`When`] (always, the next
//! N sessions, or with a probability). Rules are built only through [`Rule::new`] or the
//! text form ([`Rule::parse`], `text.rs`), so every rule a session sees is valid.
//!
//! What happens at each stage is [`ServerSession`](super::ServerSession)'s business
//! (`inject.rs`); which rules a new session gets is [`RuleSet`]'s (`set.rs`): "the next N
//! sessions" and the probability draw are decided once, when the session starts, so a
//! session's behaviour never changes half-way.
//!
//! # Layout
//!
//! - `error.rs`: [`RuleError`], every way a rule can be wrong, in English and Chinese.
//! - `reply.rs`: [`InjectedReply`], the checked 4xx/5xx reply line of a `reply` action.
//! - `text.rs`: the text grammar of `--sandbox-rule` and its canonical rendering.
//! - `set.rs`: [`RuleSet`], the store that hands each new session the rules that apply.

mod error;
mod reply;
mod set;
mod text;

pub use error::RuleError;
pub use reply::InjectedReply;
pub use set::RuleSet;

/// The longest delay a rule may impose, in milliseconds (a minute: clients time out
/// after a few minutes per reply, RFC 5321 4.5.3.2).
pub const MAX_DELAY_MS: u32 = 60_000;

/// The highest throttle, in bytes per second (higher is no throttle at all).
pub const MAX_THROTTLE: u32 = 1_000_000;

/// The most sessions a "next N sessions" rule may count.
pub const MAX_SESSIONS: u32 = 100_000;

/// The longest match value (an address is at most 256 octets, RFC 5321 4.5.3.1.3).
pub const MAX_MATCH: usize = 256;

/// Where in a session a rule acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// When the connection is accepted, before anything is written: a reply replaces the
    /// greeting (`554` or `421`), a disconnect closes without a word.
    Connect,
    /// The greeting: a reply replaces it, a delay makes it late, a disconnect sends it and
    /// then hangs up before the first command.
    Greeting,
    /// EHLO or HELO that would be accepted (match: the name the client gave).
    Ehlo,
    /// AUTH with correct credentials (match: the user name).
    Auth,
    /// MAIL FROM that would be accepted (match: the sender address).
    Mail,
    /// RCPT TO that would be accepted (match: the recipient address).
    Rcpt,
    /// DATA that would get `354`: a reply replaces the `354`.
    Data,
    /// The final dot (or BDAT LAST): a reply replaces the `250` and the message is not kept.
    EndOfData,
    /// Every command line, before the server looks at it.
    Any,
}

impl Stage {
    /// Every stage, in the order of a session.
    pub const ALL: [Stage; 9] = [
        Stage::Connect,
        Stage::Greeting,
        Stage::Ehlo,
        Stage::Auth,
        Stage::Mail,
        Stage::Rcpt,
        Stage::Data,
        Stage::EndOfData,
        Stage::Any,
    ];

    const NAMES: [&'static str; 9] = [
        "connect",
        "greeting",
        "ehlo",
        "auth",
        "mail",
        "rcpt",
        "data",
        "end_of_data",
        "any",
    ];

    /// The name in the text form and the JSON: `connect`, ..., `end_of_data`, `any`.
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// The stage called `name` (ASCII case ignored; `helo` is `ehlo`).
    pub fn from_name(name: &str) -> Option<Self> {
        if name.eq_ignore_ascii_case("helo") {
            return Some(Stage::Ehlo);
        }
        Self::NAMES
            .iter()
            .position(|n| n.eq_ignore_ascii_case(name))
            .map(|i| Self::ALL[i])
    }

    /// What a match compares at this stage, as the text form spells it (`to=...`), or
    /// `None` where a rule cannot match anything.
    pub fn match_key(self) -> Option<&'static str> {
        match self {
            Stage::Ehlo => Some("name"),
            Stage::Auth => Some("user"),
            Stage::Mail => Some("from"),
            Stage::Rcpt => Some("to"),
            _ => None,
        }
    }

    /// Whether the server's reply here comes before EHLO, where RFC 2034 enhanced codes
    /// are not expected.
    fn before_ehlo(self) -> bool {
        matches!(self, Stage::Connect | Stage::Greeting)
    }
}

/// What a rule does when it applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Answer with this reply instead of the server's own. A `421` then closes the
    /// connection (RFC 5321 3.8).
    Reply(InjectedReply),
    /// Wait this many milliseconds, then go on as usual.
    Delay {
        /// Milliseconds, 1 to [`MAX_DELAY_MS`].
        ms: u32,
    },
    /// From here on, send at most this many bytes per second.
    Throttle {
        /// Bytes per second, 1 to [`MAX_THROTTLE`].
        bytes_per_second: u32,
    },
    /// Close the connection without a reply.
    Disconnect,
}

/// When a rule applies, decided once per session by [`RuleSet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Every session.
    Always,
    /// The next `sessions` sessions; the count goes down as sessions start.
    Next {
        /// Sessions left, 1 to [`MAX_SESSIONS`].
        sessions: u32,
    },
    /// Each session, with this probability.
    Probability(Probability),
}

/// A probability in parts per million, so it is read, written and drawn without floating
/// point (the page's bundle carries no float parser).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Probability(u32);

impl Probability {
    /// Certainty.
    pub const ONE: Probability = Probability(1_000_000);

    /// From parts per million, 1 to 1,000,000.
    ///
    /// # Errors
    ///
    /// [`RuleError::Probability`] for 0 (a rule that never applies) or above one.
    pub fn from_ppm(ppm: u32) -> Result<Self, RuleError> {
        if ppm == 0 || ppm > 1_000_000 {
            return Err(RuleError::Probability(Self::ppm_text(ppm)));
        }
        Ok(Self(ppm))
    }

    /// Parts per million.
    pub fn ppm(self) -> u32 {
        self.0
    }

    /// Reads `0.3`, `1`, `.25` or `30%`: more than 0, at most 1 (100%), with at most six
    /// decimals (four for a percentage).
    ///
    /// # Errors
    ///
    /// [`RuleError::Probability`] for anything else.
    pub fn parse(text: &str) -> Result<Self, RuleError> {
        let bad = || RuleError::Probability(text.to_owned());
        let (number, scale) = match text.strip_suffix('%') {
            Some(percent) => (percent, 4),
            None => (text, 6),
        };
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty())
            || !digits(whole)
            || !digits(fraction)
            || fraction.len() > scale
            || whole.len() > 7
        {
            return Err(bad());
        }
        let mut value: u64 = 0;
        for b in whole.bytes().chain(fraction.bytes()) {
            value = value * 10 + u64::from(b - b'0');
        }
        for _ in fraction.len()..scale {
            value *= 10;
        }
        match u32::try_from(value) {
            Ok(ppm) if ppm > 0 && ppm <= 1_000_000 => Ok(Self(ppm)),
            _ => Err(bad()),
        }
    }

    /// As a decimal: `0.3`, `0.000001`, `1`.
    fn ppm_text(ppm: u32) -> String {
        let whole = ppm / 1_000_000;
        let fraction = ppm % 1_000_000;
        if fraction == 0 {
            return whole.to_string();
        }
        let digits = format!("{fraction:06}");
        format!("{whole}.{}", digits.trim_end_matches('0'))
    }
}

impl std::fmt::Display for Probability {
    /// The decimal form, `0.3`, which [`Probability::parse`] reads back.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&Self::ppm_text(self.0))
    }
}

/// One failure rule; see the module documentation. Its fields are read-only: a rule is
/// checked once, when it is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    stage: Stage,
    matching: Option<String>,
    action: Action,
    when: When,
}

impl Rule {
    /// A checked rule.
    ///
    /// # Errors
    ///
    /// A [`RuleError`] when the stage cannot match anything but a match is given, the
    /// match is not one address or name, a number is out of range, or the reply does not
    /// suit the stage (only `421` and `554` may replace a greeting, RFC 5321 3.1 and 3.8;
    /// after EHLO a reply needs its enhanced code, RFC 2034).
    pub fn new(
        stage: Stage,
        matching: Option<&str>,
        action: Action,
        when: When,
    ) -> Result<Self, RuleError> {
        let matching = match matching.map(str::trim) {
            None | Some("") => None,
            Some(value) => {
                if stage.match_key().is_none() {
                    return Err(RuleError::MatchNotHere(stage));
                }
                let value = value.trim_start_matches('<').trim_end_matches('>');
                if value.is_empty()
                    || value.len() > MAX_MATCH
                    // `:` and `,` separate the parts of the text form.
                    || value.bytes().any(|b| b <= b' ' || b == 0x7f || b == b':' || b == b',')
                    || value.matches('@').count() > 1
                {
                    return Err(RuleError::Match(value.to_owned()));
                }
                Some(value.to_owned())
            }
        };
        match &action {
            Action::Reply(reply) => reply.check_stage(stage)?,
            Action::Delay { ms } => range("delay", *ms)?,
            Action::Throttle { bytes_per_second } => range("throttle", *bytes_per_second)?,
            Action::Disconnect => {}
        }
        if let When::Next { sessions } = when {
            range("next", sessions)?;
        }
        Ok(Self {
            stage,
            matching,
            action,
            when,
        })
    }

    /// Where it acts.
    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// What it matches, if anything: an address, `@domain`, a name or a user.
    pub fn matching(&self) -> Option<&str> {
        self.matching.as_deref()
    }

    /// What it does.
    pub fn action(&self) -> &Action {
        &self.action
    }

    /// When it applies.
    pub fn when(&self) -> When {
        self.when
    }

    /// The same rule applying in different circumstances (the store counts sessions down).
    pub(crate) fn with_when(&self, when: When) -> Self {
        Self {
            when,
            ..self.clone()
        }
    }

    /// Whether it acts at `stage` on `subject` (what the client sent there, if the stage
    /// has one): no match matches everything; `@domain` matches the domain's addresses;
    /// otherwise the whole value, ASCII case ignored.
    pub fn applies(&self, stage: Stage, subject: Option<&str>) -> bool {
        if self.stage != stage {
            return false;
        }
        let Some(wanted) = self.matching.as_deref() else {
            return true;
        };
        let Some(subject) = subject else {
            return false;
        };
        if wanted.starts_with('@') {
            let domain = subject.rfind('@').map_or("", |at| &subject[at..]);
            domain.eq_ignore_ascii_case(wanted)
        } else {
            subject.eq_ignore_ascii_case(wanted)
        }
    }
}

/// The largest value of the number called `what`.
fn max_of(what: &str) -> u32 {
    match what {
        "delay" => MAX_DELAY_MS,
        "throttle" => MAX_THROTTLE,
        _ => MAX_SESSIONS,
    }
}

/// `value` within 1 and `what`'s largest, or the error naming `what`.
fn range(what: &'static str, value: u32) -> Result<(), RuleError> {
    let max = max_of(what);
    if value < 1 || value > max {
        return Err(RuleError::OutOfRange {
            what,
            value: u64::from(value),
            min: 1,
            max,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
