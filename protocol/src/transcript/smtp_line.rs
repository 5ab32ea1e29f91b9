//! What an unmarked line looks like: a server reply line (three digits, then space, `-` or
//! nothing), a command (an SMTP verb first).
//!
//! Raw telnet, nc and s_client logs carry no markers, so their readers and format
//! detection decide by these shapes.

use crate::command::Verb;

/// Whether a line has the shape of a reply line: three digits, then space, `-`, or nothing.
pub(super) fn is_reply_line(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() >= 3
        && b[..3].iter().all(u8::is_ascii_digit)
        && matches!(b.get(3), None | Some(b' ' | b'-'))
}

/// The code of a reply line's final line (`250 ok` but not `250-ok`), or `None`.
pub(super) fn final_code(line: &str) -> Option<u16> {
    if !is_reply_line(line) || line.as_bytes().get(3) == Some(&b'-') {
        return None;
    }
    line.get(..3)?.parse().ok()
}

/// The verb a line starts with, if it is an SMTP command verb in any case.
pub(super) fn verb(line: &str) -> Option<Verb> {
    let word = line.split([' ', ':', '\t']).next().unwrap_or_default();
    Verb::from_word(word)
}

/// Whether a line starts with a command word: the verbs this crate knows and the other
/// words clients type (`LHLO`, `XCLIENT`, ...).
pub(super) fn starts_with_command(line: &str) -> bool {
    if verb(line).is_some() {
        return true;
    }
    let word = line.split([' ', ':']).next().unwrap_or_default();
    [
        "LHLO", "XCLIENT", "XFORWARD", "TURN", "ATRN", "SEND", "SOML", "SAML",
    ]
    .iter()
    .any(|w| word.eq_ignore_ascii_case(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert!(is_reply_line("250"));
        assert!(is_reply_line("250-PIPELINING"));
        assert!(!is_reply_line("2500 x"));
        assert!(!is_reply_line("25"));
        assert_eq!(final_code("354 go"), Some(354));
        assert_eq!(final_code("250-x"), None);
        assert_eq!(verb("mail from:<a@b>"), Some(Verb::Mail));
        assert_eq!(verb("MAIL:x"), Some(Verb::Mail));
        assert_eq!(verb("please see"), None);
        assert!(starts_with_command("lhlo x"));
    }
}
