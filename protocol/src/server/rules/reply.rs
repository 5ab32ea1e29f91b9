//! The reply of a `reply` action: one checked 4xx or 5xx line, so a rule can never make the
//! sandbox say something a real server could not.

use super::{RuleError, Stage};
use crate::enhanced::EnhancedCode;
use crate::limits;

/// A reply line a rule sends instead of the server's own, without CRLF, such as
/// `550 5.1.1 User unknown`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectedReply {
    code: u16,
    enhanced: bool,
    line: String,
}

impl InjectedReply {
    /// Reads and checks a reply line: a code from 400 to 559 whose second digit is 0 to 5
    /// (RFC 5321 4.2.1), then, if present, an enhanced code of the same class that is
    /// registered or ends in `.0` (RFC 3463), then a text; printable ASCII, one line.
    ///
    /// # Errors
    ///
    /// A [`RuleError`] naming what is wrong.
    pub fn parse(text: &str) -> Result<Self, RuleError> {
        let line = text.trim();
        if line.bytes().any(|b| !(b' '..=b'~').contains(&b)) {
            return Err(RuleError::ReplyChars);
        }
        let max = limits::REPLY_LINE - 2;
        if line.len() > max {
            return Err(RuleError::ReplyTooLong(max));
        }
        let digits = line
            .get(..3)
            .filter(|d| d.bytes().all(|b| b.is_ascii_digit()));
        let code = match (digits, line.as_bytes().get(3)) {
            (Some(digits), None | Some(b' ')) => digits.parse::<u16>().unwrap_or_default(),
            _ => return Err(RuleError::ReplyCode(line.to_owned())),
        };
        if !(400..=559).contains(&code) || (code / 10) % 10 > 5 {
            return Err(RuleError::ReplyNotFailure(code));
        }
        let rest = line.get(4..).unwrap_or_default().trim_start();
        let (enhanced, text) = match EnhancedCode::parse_prefix(rest) {
            Some((enhanced, text)) => {
                let written = rest.split(' ').next().unwrap_or_default().to_owned();
                if u16::from(enhanced.class) != code / 100 {
                    return Err(RuleError::EnhancedClass {
                        code,
                        enhanced: written,
                    });
                }
                if enhanced.subject > 7 || (enhanced.detail != 0 && enhanced.meaning().is_none()) {
                    return Err(RuleError::EnhancedUnknown(written));
                }
                (true, text)
            }
            None => (false, rest),
        };
        if text.trim().is_empty() {
            return Err(RuleError::ReplyText);
        }
        Ok(Self {
            code,
            enhanced,
            line: line.to_owned(),
        })
    }

    /// The reply code.
    pub fn code(&self) -> u16 {
        self.code
    }

    /// The line without CRLF.
    pub fn as_str(&self) -> &str {
        &self.line
    }

    /// The line with CRLF, as written to the client.
    pub fn to_wire(&self) -> String {
        format!("{}\r\n", self.line)
    }

    /// Whether the server closes the connection after it: `421` (RFC 5321 3.8).
    pub fn closes(&self) -> bool {
        self.code == 421
    }

    /// Whether the reply suits `stage`.
    pub(super) fn check_stage(&self, stage: Stage) -> Result<(), RuleError> {
        if stage.before_ehlo() {
            if self.code != 421 && self.code != 554 {
                return Err(RuleError::ReplyAtGreeting(self.code));
            }
        } else if !self.enhanced {
            return Err(RuleError::EnhancedMissing(self.code));
        }
        Ok(())
    }
}

impl std::fmt::Display for InjectedReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.line)
    }
}
