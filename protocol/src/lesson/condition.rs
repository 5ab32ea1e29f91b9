//! One condition, as written after `done:` or `example if`: atoms joined by `and`.

use super::error::LessonErrorKind;
use super::model::{Answer, Atom, CodePattern, Condition, ReplyAtom};
use crate::command::Verb;

/// Reads a condition, e.g. `reply EHLO 2xx and tls`.
pub(super) fn parse_condition(text: &str) -> Result<Condition, LessonErrorKind> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return Err(LessonErrorKind::EmptyCondition);
    }
    let mut all = Vec::new();
    for part in words.split(|w| *w == "and") {
        if part.is_empty() {
            return Err(LessonErrorKind::DanglingAnd);
        }
        all.push(parse_atom(part)?);
    }
    Ok(Condition { all })
}

fn parse_atom(words: &[&str]) -> Result<Atom, LessonErrorKind> {
    let (&first, rest) = words.split_first().ok_or(LessonErrorKind::EmptyCondition)?;
    let bare = |atom: Atom| {
        if let Some(extra) = rest.first() {
            Err(LessonErrorKind::Unexpected {
                word: (*extra).to_owned(),
                after: first.to_owned(),
            })
        } else {
            Ok(atom)
        }
    };
    match first {
        "not" => {
            if rest.first() == Some(&"not") {
                return Err(LessonErrorKind::Unexpected {
                    word: "not".into(),
                    after: "not".into(),
                });
            }
            Ok(Atom::Not(Box::new(parse_atom(rest)?)))
        }
        "reply" => parse_reply(rest).map(Atom::Reply),
        "introduced" => bare(Atom::Introduced),
        "authenticated" => bare(Atom::Authenticated),
        "tls" => bare(Atom::Tls),
        "tls-started" => bare(Atom::TlsStarted),
        "waiting-auth" => bare(Atom::WaitingAuth),
        "in-message" => bare(Atom::InMessage),
        "body" => bare(Atom::Body),
        "blind" => bare(Atom::Blind),
        "dot-stuffed" => bare(Atom::DotStuffed),
        "closed" => bare(Atom::Closed),
        "header" => match rest {
            [name] if is_field_name(name) => Ok(Atom::Header((*name).to_owned())),
            [name] => Err(LessonErrorKind::BadValue {
                what: "header".into(),
                value: (*name).to_owned(),
            }),
            _ => Err(LessonErrorKind::MissingValue {
                what: "header".into(),
            }),
        },
        "pipelined" => match rest {
            [n] => n
                .parse::<usize>()
                .ok()
                .filter(|n| (2..=100).contains(n))
                .map(Atom::Pipelined)
                .ok_or_else(|| LessonErrorKind::BadValue {
                    what: "pipelined".into(),
                    value: (*n).to_owned(),
                }),
            _ => Err(LessonErrorKind::MissingValue {
                what: "pipelined".into(),
            }),
        },
        other => Err(LessonErrorKind::UnknownAtom {
            word: other.to_owned(),
        }),
    }
}

fn is_field_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && b != b':')
}

fn parse_reply(words: &[&str]) -> Result<ReplyAtom, LessonErrorKind> {
    let missing = || LessonErrorKind::MissingValue {
        what: "reply".into(),
    };
    let (&what, rest) = words.split_first().ok_or_else(missing)?;
    let answer = parse_answer(what)?;
    let (&codes, mut rest) = rest.split_first().ok_or_else(missing)?;
    let codes = codes
        .split('/')
        .map(parse_code)
        .collect::<Result<Vec<_>, _>>()?;
    let mut atom = ReplyAtom {
        answer,
        codes,
        to: None,
        with: Vec::new(),
        without: Vec::new(),
        mechanism: None,
        utf8: false,
        retry: false,
    };
    while let Some((&word, after)) = rest.split_first() {
        let mut value = || -> Result<String, LessonErrorKind> {
            let (&v, tail) = after
                .split_first()
                .ok_or_else(|| LessonErrorKind::MissingValue { what: word.into() })?;
            rest = tail;
            Ok(v.to_owned())
        };
        match word {
            "to" => atom.to = Some(value()?.to_ascii_lowercase()),
            "with" => {
                let v = value()?;
                atom.with.push(v.to_ascii_uppercase());
            }
            "without" => {
                let v = value()?;
                atom.without.push(v.to_ascii_uppercase());
            }
            "mechanism" => atom.mechanism = Some(value()?.to_ascii_uppercase()),
            "utf8" => {
                atom.utf8 = true;
                rest = after;
            }
            "retry" => {
                atom.retry = true;
                rest = after;
            }
            other => {
                return Err(LessonErrorKind::Unexpected {
                    word: other.to_owned(),
                    after: "reply".into(),
                });
            }
        }
    }
    let envelope = matches!(atom.answer, Answer::Verb(Verb::Mail | Verb::Rcpt));
    if (atom.to.is_some() || atom.utf8 || atom.retry) && !envelope {
        return Err(LessonErrorKind::NeedsEnvelope);
    }
    if atom.mechanism.is_some() && atom.answer != Answer::Verb(Verb::Auth) {
        return Err(LessonErrorKind::NeedsAuth);
    }
    Ok(atom)
}

fn parse_answer(word: &str) -> Result<Answer, LessonErrorKind> {
    Ok(match word {
        "greeting" => Answer::Greeting,
        "BDAT-LAST" => Answer::BdatLast,
        "dot" => Answer::Dot,
        "message" => Answer::Message,
        "any" => Answer::Any,
        _ => match Verb::from_word(word) {
            Some(verb) if word.bytes().all(|b| !b.is_ascii_lowercase()) => Answer::Verb(verb),
            _ => {
                return Err(LessonErrorKind::UnknownAnswer {
                    word: word.to_owned(),
                });
            }
        },
    })
}

fn parse_code(text: &str) -> Result<CodePattern, LessonErrorKind> {
    let bad = || LessonErrorKind::BadCode {
        code: text.to_owned(),
    };
    let bytes = text.as_bytes();
    if bytes.len() != 3 || !(b'2'..=b'5').contains(&bytes[0]) {
        return Err(bad());
    }
    let mut digits = [None; 3];
    for (slot, b) in digits.iter_mut().zip(bytes) {
        *slot = match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'x' => None,
            _ => return Err(bad()),
        };
    }
    Ok(CodePattern(digits))
}
