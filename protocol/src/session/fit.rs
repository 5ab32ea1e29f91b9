//! Which outstanding command a reply can answer.
//!
//! Replies come back in order (RFC 5321 4.3.1, RFC 2920 3.1), so the oldest outstanding
//! command normally takes the next reply. But a transcript can lack a line: the greeting
//! (smtplib logs start at the first command), or a reply the tool did not print. Some
//! replies can only answer one kind of command: `354` answers DATA, `334` and `235` AUTH,
//! `221` QUIT, a `2.1.5` enhanced code RCPT, `queued as` the final dot. When the oldest
//! command cannot take the reply but a later one plainly does, the commands in between
//! lost their replies; matching on would explain every later reply as the answer to the
//! command before it.

use super::{Expect, Phase};
use crate::command::Verb;
use crate::reply::{Reply, ReplyClass};

/// How well a reply fits an outstanding command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fit {
    /// It cannot answer it.
    No,
    /// It may (errors can answer anything; a bare 250 most things).
    Maybe,
    /// Only this kind of command gets such a reply.
    Yes,
}

/// What a reply's words and codes say about the command it answers.
struct Shape {
    code: u16,
    class: ReplyClass,
    /// The enhanced code's class.subject, e.g. (1, 5) for `2.1.5`.
    subject: Option<(u16, u16)>,
    queued: bool,
    multiline: bool,
}

impl Shape {
    fn of(reply: &Reply) -> Self {
        let first = reply.first_line();
        let subject = crate::enhanced::EnhancedCode::parse_prefix(first)
            .map(|(code, _)| (code.subject, code.detail));
        let lower = reply.last_line().to_ascii_lowercase();
        let queued = lower.contains("queued")
            || lower.contains("message accepted")
            || subject == Some((6, 0));
        Self {
            code: reply.code.get(),
            class: reply.code.class(),
            subject,
            queued,
            multiline: reply.line_count() > 1,
        }
    }
}

fn fits(expect: &Expect, s: &Shape) -> Fit {
    use Fit::{Maybe, No, Yes};
    let negative = matches!(
        s.class,
        ReplyClass::TransientNegative | ReplyClass::PermanentNegative
    );
    // Replies that belong to one kind of command only.
    let only = |wanted: bool| if wanted { Yes } else { No };
    match s.code {
        354 => return only(matches!(expect, Expect::Command(Verb::Data))).or_unknown(expect),
        334 | 235 => {
            return only(matches!(
                expect,
                Expect::Command(Verb::Auth) | Expect::AuthAnswer { .. }
            ))
            .or_unknown(expect);
        }
        221 => return only(matches!(expect, Expect::Command(Verb::Quit))).or_unknown(expect),
        220 => {
            return only(matches!(
                expect,
                Expect::Greeting | Expect::Command(Verb::StartTls)
            ));
        }
        214 | 211 => return only(matches!(expect, Expect::Command(Verb::Help))).or_unknown(expect),
        421 => return Maybe,
        _ => {}
    }
    if *expect == Expect::Greeting {
        return if s.code == 554 { Maybe } else { No };
    }
    if negative {
        return Maybe;
    }
    // A positive completion (250, 251, 252): its enhanced code and words narrow it down.
    match expect {
        Expect::Command(Verb::Ehlo) if s.multiline => Yes,
        Expect::Command(Verb::Mail) if s.subject == Some((1, 0)) => Yes,
        Expect::Command(Verb::Rcpt) if s.subject == Some((1, 5)) || s.code == 251 => Yes,
        Expect::Command(Verb::Vrfy | Verb::Expn) if s.code == 252 => Yes,
        Expect::EndOfData if s.queued => Yes,
        Expect::Command(Verb::Mail) if s.queued || s.subject == Some((1, 5)) => No,
        Expect::Command(Verb::Rcpt) if s.queued || s.subject == Some((1, 0)) => No,
        Expect::EndOfData if matches!(s.subject, Some((1, 0 | 5))) => No,
        Expect::Command(Verb::Data | Verb::Auth | Verb::StartTls | Verb::Quit)
        | Expect::AuthAnswer { .. } => No,
        _ if s.code == 252 => No,
        Expect::Command(
            Verb::Rset | Verb::Noop | Verb::Helo | Verb::Ehlo | Verb::Bdat | Verb::Help,
        ) if s.queued && !matches!(expect, Expect::Command(Verb::Bdat)) => No,
        _ => Maybe,
    }
}

impl Fit {
    /// A reply to an unknown command may be anything: a server can read a line as a
    /// command we did not recognise (" DATA", "DATA\x0b").
    fn or_unknown(self, expect: &Expect) -> Fit {
        if self == Fit::No && *expect == Expect::Unknown {
            Fit::Maybe
        } else {
            self
        }
    }
}

/// The position in `pending` of the command `reply` answers: the oldest one if it can,
/// otherwise the first later one that only this kind of reply answers; if none does, the
/// oldest after a greeting the transcript does not show; otherwise the oldest.
pub(super) fn first_fitting<'a, I>(pending: I, reply: &Reply) -> Option<usize>
where
    I: Iterator<Item = &'a Expect> + Clone,
{
    let shape = Shape::of(reply);
    let mut all = pending.clone();
    let head = all.next()?;
    if fits(head, &shape) != Fit::No {
        return Some(0);
    }
    if let Some(i) = pending.clone().position(|e| fits(e, &shape) == Fit::Yes) {
        return Some(i);
    }
    if *head == Expect::Greeting
        && let Some(i) = pending
            .clone()
            .skip(1)
            .position(|e| fits(e, &shape) != Fit::No)
    {
        return Some(i + 1);
    }
    Some(0)
}

/// A 421 that says the server timed out waiting for the client.
pub(super) fn is_idle_timeout(reply: &Reply) -> bool {
    let lower = reply.text().to_ascii_lowercase();
    reply.code.get() == 421
        && ["timeout", "timed out", "idle"]
            .iter()
            .any(|w| lower.contains(w))
}

/// Whether `reply` can be a greeting: 220, or the 421 / 554 of a server that refuses.
pub(super) fn can_greet(reply: &Reply) -> bool {
    fits(&Expect::Greeting, &Shape::of(reply)) != Fit::No
}

/// What a reply most likely answers when nothing in the transcript says (a log of the
/// server's lines only): read from its code, enhanced code and words.
pub(super) fn infer(reply: &Reply, phase: Phase) -> Expect {
    let s = Shape::of(reply);
    let lower = reply.text().to_ascii_lowercase();
    // A bare 250 says only "done": the phase says what most likely came next.
    let plain = s.code == 250 && s.subject.is_none_or(|sub| sub == (0, 0)) && !s.queued;
    if plain && !s.multiline && s.subject == Some((0, 0)) {
        // A server with enhanced codes says 2.1.0 to MAIL and 2.1.5 to RCPT; its 2.0.0
        // inside a transaction ends it (Postfix's RSET).
        return match phase {
            Phase::Mail | Phase::Rcpt => Expect::Command(Verb::Rset),
            Phase::Data => Expect::EndOfData,
            _ => Expect::Nothing,
        };
    }
    if plain && !s.multiline && known_extension(reply.last_line()) {
        // The last line of an EHLO reply whose other lines the log left out (s_client
        // -starttls prints only `250 CHUNKING`).
        return Expect::Command(Verb::Ehlo);
    }
    if plain && !s.multiline {
        return match phase {
            Phase::Greeting | Phase::Hello => Expect::Command(Verb::Helo),
            Phase::Ready => Expect::Command(Verb::Mail),
            Phase::Mail | Phase::Rcpt => Expect::Command(Verb::Rcpt),
            Phase::Data => Expect::EndOfData,
            _ => Expect::Nothing,
        };
    }
    match s.code {
        334 | 235 | 535 if phase == Phase::AuthChallenge => Expect::AuthAnswer {
            mechanism: String::new(),
        },
        _ if phase == Phase::Data && s.code >= 400 => Expect::EndOfData,
        220 if matches!(phase, Phase::Greeting | Phase::Hello) => Expect::Greeting,
        220 => Expect::Command(Verb::StartTls),
        354 => Expect::Command(Verb::Data),
        334 | 235 | 535 | 534 | 538 => Expect::Command(Verb::Auth),
        221 => Expect::Command(Verb::Quit),
        214 | 211 => Expect::Command(Verb::Help),
        252 => Expect::Command(Verb::Vrfy),
        250 if s.multiline => Expect::Command(Verb::Ehlo),
        _ if s.queued => Expect::EndOfData,
        _ if s.subject == Some((1, 0)) => Expect::Command(Verb::Mail),
        _ if s.subject == Some((1, 5)) || s.code == 251 => Expect::Command(Verb::Rcpt),
        _ if matches!(s.subject, Some((1, 1 | 2 | 3 | 6))) || lower.contains("relay") => {
            Expect::Command(Verb::Rcpt)
        }
        _ if matches!(s.subject, Some((2, _))) && s.code >= 450 => Expect::Command(Verb::Rcpt),
        _ if lower.contains("spam") || lower.contains("dt:spm") => Expect::EndOfData,
        _ if lower.contains("authentication") || lower.contains("auth ") => {
            Expect::Command(Verb::Auth)
        }
        500 | 502 if lower.contains("not recognized") || lower.contains("unrecognized") => {
            Expect::Unknown
        }
        // After an accepted MAIL FROM the next command is almost always RCPT TO.
        _ if phase == Phase::Mail && s.code >= 400 => Expect::Command(Verb::Rcpt),
        _ => Expect::Nothing,
    }
}

/// Whether a reply line's text is an EHLO keyword this crate knows.
fn known_extension(text: &str) -> bool {
    !matches!(
        crate::extension::Extension::parse(text),
        crate::extension::Extension::Unknown { .. }
    )
}
