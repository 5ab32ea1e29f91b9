//! The text form of a rule, for `--sandbox-rule`, the API's `text` member and the page.
//!
//! ```text
//! rule   = stage [SP key "=" value] ":" action ["," when]
//! stage  = connect | greeting | ehlo (or helo) | auth | mail | rcpt | data | end_of_data | any
//! key    = name (ehlo) | user (auth) | from (mail) | to (rcpt); value: an address, @domain, a name
//! action = "reply" SP code [SP enhanced-code] SP text
//!        | "delay" SP number ("ms" | "s")
//!        | "throttle" SP number ["B/s"]            ; bytes per second, from here on
//!        | "disconnect"                            ; close without a reply
//! when   = "always" | "next" SP number ["sessions"] | "p=" decimal | decimal "%"
//! ```
//!
//! Words are case-insensitive, spaces around `:` and `,` are free. A reply's text may hold
//! commas: only a last part that starts like a `when` (`always`, `next`, `p=`, `...%`) is
//! read as one. Examples:
//!
//! ```text
//! rcpt to=nobody@example.com: reply 550 5.1.1 User unknown, next 3
//! connect: reply 554 5.3.2 No SMTP service here, p=0.25
//! mail from=@spammer.example: reply 553 5.7.1 Sender rejected
//! greeting: delay 5s
//! data: throttle 20B/s
//! end_of_data: disconnect, 10%
//! ```
//!
//! [`Rule`]'s `Display` writes this form back, canonical, and parsing it gives the same rule.

use std::fmt;

use super::{Action, InjectedReply, Probability, Rule, RuleError, Stage, When};

impl Rule {
    /// Reads a rule from its text form (see the module documentation).
    ///
    /// # Errors
    ///
    /// A [`RuleError`] saying what is wrong and how it should look.
    pub fn parse(text: &str) -> Result<Self, RuleError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(RuleError::Empty);
        }
        let (head, tail) = text
            .split_once(':')
            .ok_or_else(|| RuleError::Shape(text.to_owned()))?;
        let mut words = head.split_whitespace();
        let stage_name = words
            .next()
            .ok_or_else(|| RuleError::Shape(text.to_owned()))?;
        let stage = Stage::from_name(stage_name)
            .ok_or_else(|| RuleError::UnknownStage(stage_name.to_owned()))?;
        let matching = match words.next() {
            None => None,
            Some(pair) => {
                let Some((key, value)) = pair.split_once('=') else {
                    return Err(RuleError::Shape(text.to_owned()));
                };
                match stage.match_key() {
                    None => return Err(RuleError::MatchNotHere(stage)),
                    Some(expected) if !key.eq_ignore_ascii_case(expected) => {
                        return Err(RuleError::MatchKey {
                            stage,
                            key: key.to_owned(),
                        });
                    }
                    Some(_) => Some(value),
                }
            }
        };
        if words.next().is_some() {
            return Err(RuleError::Shape(text.to_owned()));
        }
        let (action, when) = match tail.rsplit_once(',') {
            // Only a reply's text may hold a comma of its own.
            Some((action, when)) if looks_like_when(when) || !is_reply(action) => {
                (action, parse_when(when.trim())?)
            }
            _ => (tail, When::Always),
        };
        Rule::new(stage, matching, parse_action(action.trim())?, when)
    }
}

fn is_reply(action: &str) -> bool {
    let verb = action.split_whitespace().next().unwrap_or_default();
    verb.eq_ignore_ascii_case("reply")
}

fn looks_like_when(text: &str) -> bool {
    let text = text.trim();
    let first = text.split_whitespace().next().unwrap_or_default();
    first.eq_ignore_ascii_case("always")
        || first.eq_ignore_ascii_case("next")
        || text.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("p="))
        || (text.ends_with('%') && !text.contains(' '))
}

fn parse_action(text: &str) -> Result<Action, RuleError> {
    let (verb, rest) = text
        .split_once(char::is_whitespace)
        .map_or((text, ""), |(v, r)| (v, r.trim()));
    match verb.to_ascii_lowercase().as_str() {
        "reply" => Ok(Action::Reply(InjectedReply::parse(rest)?)),
        "delay" => {
            let compact: String = rest.split_whitespace().collect();
            let lower = compact.to_ascii_lowercase();
            let (number, factor) = if let Some(ms) = lower.strip_suffix("ms") {
                (ms, 1)
            } else if let Some(s) = lower.strip_suffix('s') {
                (s, 1000)
            } else {
                return Err(RuleError::Duration(rest.to_owned()));
            };
            let ms = number_of("delay", number)?.saturating_mul(factor);
            Ok(Action::Delay { ms })
        }
        "throttle" => {
            let compact: String = rest.split_whitespace().collect();
            let number = compact
                .strip_suffix("B/s")
                .or_else(|| compact.strip_suffix("b/s"))
                .unwrap_or(&compact);
            Ok(Action::Throttle {
                bytes_per_second: number_of("throttle", number)?,
            })
        }
        "disconnect" if rest.is_empty() => Ok(Action::Disconnect),
        "disconnect" => Err(RuleError::Shape(text.to_owned())),
        _ => Err(RuleError::UnknownAction(verb.to_owned())),
    }
}

fn parse_when(text: &str) -> Result<When, RuleError> {
    let lower = text.to_ascii_lowercase();
    let mut words = lower.split_whitespace();
    match words.next().unwrap_or_default() {
        "always" if words.next().is_none() => Ok(When::Always),
        "next" => {
            let number = words.next().unwrap_or_default();
            let sessions = number_of("next", number)?;
            match words.next() {
                None | Some("session" | "sessions") if words.next().is_none() => {
                    Ok(When::Next { sessions })
                }
                _ => Err(RuleError::UnknownWhen(text.to_owned())),
            }
        }
        _ => {
            if let Some(p) = lower.strip_prefix("p=") {
                return Ok(When::Probability(Probability::parse(p.trim())?));
            }
            if lower.ends_with('%') {
                return Ok(When::Probability(Probability::parse(&lower)?));
            }
            Err(RuleError::UnknownWhen(text.to_owned()))
        }
    }
}

/// A whole number for `what`; one too large for any range is out of `what`'s range.
fn number_of(what: &'static str, text: &str) -> Result<u32, RuleError> {
    let value = (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse::<u64>().ok())
        .flatten()
        .ok_or_else(|| RuleError::Number {
            what,
            text: text.to_owned(),
        })?;
    u32::try_from(value).map_err(|_| RuleError::OutOfRange {
        what,
        value,
        min: 1,
        max: super::max_of(what),
    })
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Reply(reply) => write!(f, "reply {reply}"),
            Action::Delay { ms } => write!(f, "delay {ms}ms"),
            Action::Throttle { bytes_per_second } => write!(f, "throttle {bytes_per_second}B/s"),
            Action::Disconnect => f.write_str("disconnect"),
        }
    }
}

impl fmt::Display for When {
    /// `always`, `next 3` or `p=0.3`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            When::Always => f.write_str("always"),
            When::Next { sessions } => write!(f, "next {sessions}"),
            When::Probability(p) => write!(f, "p={p}"),
        }
    }
}

impl fmt::Display for Rule {
    /// The canonical text form, which [`Rule::parse`] reads back as the same rule.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.stage().name())?;
        if let (Some(key), Some(value)) = (self.stage().match_key(), self.matching()) {
            write!(f, " {key}={value}")?;
        }
        write!(f, ": {}", self.action())?;
        // `always` is the default, left out unless a reply's text ends like a `when`
        // (`..., next 2`), which would then be read as one.
        let ambiguous = match self.action() {
            Action::Reply(reply) => reply
                .as_str()
                .rsplit_once(',')
                .is_some_and(|(_, tail)| looks_like_when(tail)),
            _ => false,
        };
        if self.when() != When::Always || ambiguous {
            write!(f, ", {}", self.when())?;
        }
        Ok(())
    }
}
