//! Whether a condition holds at a moment.

use super::model::{Answer, Atom, Condition, ReplyAtom};
use super::watch::{Happened, Moment};
use crate::command::Verb;
use crate::message::envelope::{RecipientStatus, compare};
use crate::session::{Expect, Phase};

impl Condition {
    /// Whether every atom holds at `moment`.
    pub fn holds(&self, moment: &Moment<'_>) -> bool {
        self.all.iter().all(|atom| atom.holds(moment))
    }
}

impl Atom {
    /// Whether this atom holds at `moment`.
    pub fn holds(&self, moment: &Moment<'_>) -> bool {
        let session = moment.session;
        let message = &moment.message;
        match self {
            Atom::Not(atom) => !atom.holds(moment),
            Atom::Reply(reply) => reply.holds(moment),
            Atom::Introduced => session.hello().is_some(),
            Atom::Authenticated => session.is_authenticated(),
            Atom::Tls => session.is_tls(),
            Atom::TlsStarted => matches!(moment.happened, Happened::TlsStarted),
            Atom::WaitingAuth => session.in_auth_exchange(),
            Atom::InMessage => session.phase() == Phase::Data,
            Atom::Body => message.body,
            Atom::Header(name) => message
                .headers
                .iter()
                .any(|(field, _)| field.eq_ignore_ascii_case(name)),
            Atom::Blind => {
                let headers = message
                    .headers
                    .iter()
                    .map(|(n, v)| (n.as_str(), v.as_str()));
                compare(message.mail_from, message.recipients, headers)
                    .recipients
                    .iter()
                    .any(|r| r.in_envelope && r.status == RecipientStatus::Blind)
            }
            Atom::DotStuffed => message.dot_stuffed,
            Atom::Pipelined(n) => moment.batch.is_some_and(|size| size >= *n),
            Atom::Closed => session.phase() == Phase::Closed,
        }
    }
}

impl ReplyAtom {
    fn holds(&self, moment: &Moment<'_>) -> bool {
        let Happened::Reply {
            code,
            received,
            command,
            retry,
        } = moment.happened
        else {
            return false;
        };
        if !self.codes.iter().any(|c| c.matches(code)) {
            return false;
        }
        let answered = &received.answered;
        let bdat_last = command.is_some_and(|c| c.bdat_last);
        let fits = match self.answer {
            Answer::Any => true,
            Answer::Greeting => *answered == Expect::Greeting,
            Answer::Message => *answered == Expect::EndOfData,
            Answer::Dot => *answered == Expect::EndOfData && !bdat_last,
            Answer::BdatLast => *answered == Expect::EndOfData && bdat_last,
            Answer::Verb(Verb::Auth) => matches!(
                answered,
                Expect::Command(Verb::Auth) | Expect::AuthAnswer { .. }
            ),
            Answer::Verb(verb) => *answered == Expect::Command(verb),
        };
        if !fits {
            return false;
        }
        if let Some(want) = &self.mechanism {
            let used = match answered {
                Expect::AuthAnswer { mechanism } => Some(mechanism.as_str()),
                _ => command.and_then(|c| c.mechanism.as_deref()),
            };
            if used != Some(want.as_str()) {
                return false;
            }
        }
        let params = command.map_or(&[][..], |c| c.params.as_slice());
        let has = |want: &String| {
            params.iter().any(|p| {
                p == want || (!want.contains('=') && p.split('=').next() == Some(want.as_str()))
            })
        };
        if !self.with.iter().all(has) || self.without.iter().any(has) {
            return false;
        }
        let address = command.and_then(|c| c.address.as_deref());
        if let Some(pattern) = &self.to
            && !address.is_some_and(|a| glob(pattern, &a.to_lowercase()))
        {
            return false;
        }
        if self.utf8 && !command.is_some_and(|c| c.utf8) {
            return false;
        }
        !self.retry || retry
    }
}

/// Whether `text` matches `pattern`, where `*` stands for any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn glob_matches_stars() {
        assert!(glob("greylist*@*", "greylist+5@example.org"));
        assert!(glob("busy@*", "busy@x"));
        assert!(!glob("busy@*", "notbusy@x"));
        assert!(glob("*", ""));
        assert!(glob("a*b*c", "abc"));
        assert!(!glob("a*b*c", "acb"));
        assert!(glob("exact", "exact"));
        assert!(!glob("exact", "exactly"));
    }
}
