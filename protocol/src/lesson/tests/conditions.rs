//! Each condition word against the sandbox's real replies: a one-step lesson per
//! condition, done only once the server answered as the condition says.

use super::learner::{Act, Learner};
use crate::lesson::parse_lesson;

/// A lesson with one step that `done` checks off.
fn one_step(done: &str) -> crate::lesson::Lesson {
    let text = format!(
        "lesson: t\ntitle.en: T\ntitle.zh: 题\nsummary.en: S\nsummary.zh: 概\nstep\n\
         title.en: A\ntitle.zh: 甲\ntext.en: B\ntext.zh: 乙\ndone: {done}\n"
    );
    parse_lesson(&text, Some("t")).unwrap_or_else(|e| panic!("{done}: {e}"))
}

/// Plays `script` and returns after which line (1-based count of lines sent) the step
/// got done; `None` if never.
fn done_after(done: &str, script: &[Act]) -> Option<usize> {
    let lesson = one_step(done);
    let mut learner = Learner::new(&lesson);
    if learner.progress.is_done(0) {
        return Some(0);
    }
    for act in script {
        learner.act(*act);
        if learner.progress.is_done(0) {
            return Some(learner.sent.len());
        }
    }
    None
}

use Act::{Batch, Reconnect, Type, Wait};

const HELLO: Act = Type("EHLO me");
const MAIL: Act = Type("MAIL FROM:<me@example.org>");

#[test]
fn replies_by_verb_code_and_address() {
    assert_eq!(done_after("reply greeting 220", &[]), Some(0));
    assert_eq!(
        done_after("reply EHLO 250", &[Type("HELO me"), HELLO]),
        Some(2)
    );
    assert_eq!(
        done_after("reply MAIL 2xx", &[Type("MAIL FROM:<a@b>"), HELLO, MAIL]),
        Some(3)
    );
    let rcpt = |to: &'static str| [HELLO, MAIL, Type(to)];
    assert_eq!(
        done_after(
            "reply RCPT 5xx to missing@*",
            &rcpt("RCPT TO:<missing@example.org>")
        ),
        Some(3)
    );
    assert_eq!(
        done_after(
            "reply RCPT 4xx/5xx to busy@*",
            &rcpt("RCPT TO:<missing@example.org>")
        ),
        None,
        "another address"
    );
    assert_eq!(
        done_after(
            "reply RCPT 4xx to busy@*",
            &rcpt("RCPT TO:<busy@example.org>")
        ),
        Some(3)
    );
    assert_eq!(
        done_after("reply VRFY 2xx/5xx", &[HELLO, Type("VRFY demo")]),
        Some(2)
    );
    assert_eq!(done_after("reply NOOP 250", &[Type("NOOP")]), Some(1));
    assert_eq!(done_after("reply RSET 250", &[Type("RSET")]), Some(1));
    assert_eq!(
        done_after("reply QUIT 221 and closed", &[HELLO, Type("QUIT")]),
        Some(2)
    );
}

#[test]
fn greylisting_is_retried_after_the_delay() {
    let try_it = [
        HELLO,
        MAIL,
        Type("RCPT TO:<greylist+5@example.org>"),
        Type("RCPT TO:<greylist+5@example.org>"),
        Wait(6),
        Type("RCPT TO:<greylist+5@example.org>"),
    ];
    assert_eq!(
        done_after("reply RCPT 4xx to greylist*@*", &try_it),
        Some(3)
    );
    assert_eq!(
        done_after("reply RCPT 2xx to greylist*@* retry", &try_it),
        Some(5),
        "too early is refused again; after the delay it is accepted"
    );
    assert_eq!(
        done_after(
            "reply RCPT 2xx retry",
            &[HELLO, MAIL, Type("RCPT TO:<friend@example.org>")]
        ),
        None,
        "accepted at once is no retry"
    );
}

#[test]
fn tls_and_ehlo_again() {
    let script = [HELLO, Type("STARTTLS"), HELLO];
    assert_eq!(done_after("reply STARTTLS 220", &script), Some(2));
    assert_eq!(done_after("tls-started", &script), Some(2));
    assert_eq!(done_after("reply EHLO 250 and tls", &script), Some(3));
    assert_eq!(
        done_after("introduced and tls", &script),
        Some(3),
        "after TLS the session starts over: introduced again only after the new EHLO"
    );
}

#[test]
fn auth_by_mechanism() {
    let plain = [HELLO, Type("AUTH PLAIN AGRlbW8AZGVtbw==")];
    assert_eq!(
        done_after("reply AUTH 235 mechanism PLAIN", &plain),
        Some(2)
    );
    assert_eq!(done_after("reply AUTH 235 mechanism LOGIN", &plain), None);
    let login = [
        HELLO,
        Type("AUTH LOGIN"),
        Type("ZGVtbw=="),
        Type("ZGVtbw=="),
    ];
    assert_eq!(
        done_after("reply AUTH 235 mechanism LOGIN", &login),
        Some(4)
    );
    assert_eq!(done_after("authenticated", &login), Some(4));
    assert_eq!(done_after("waiting-auth", &login), Some(2));
    let wrong = [
        HELLO,
        Type("AUTH LOGIN"),
        Type("ZGVtbw=="),
        Type("d3Jvbmc="),
    ];
    assert_eq!(done_after("reply AUTH 535", &wrong), Some(4));
    assert_eq!(done_after("authenticated", &wrong), None);
}

const TO_DATA: [Act; 4] = [
    HELLO,
    MAIL,
    Type("RCPT TO:<friend@example.org>"),
    Type("DATA"),
];

fn message(lines: &'static [&'static str]) -> Vec<Act> {
    let mut script = TO_DATA.to_vec();
    script.extend(lines.iter().map(|l| Type(l)));
    script
}

#[test]
fn the_message_its_headers_and_its_dots() {
    let plain = message(&[
        "From: me@example.org",
        "To: friend@example.org",
        "",
        "Hi",
        ".",
    ]);
    assert_eq!(done_after("in-message", &plain), Some(4));
    assert_eq!(done_after("header To and body", &plain), Some(7));
    assert_eq!(
        done_after("reply dot 250 and header From and not header Bcc", &plain),
        Some(9)
    );
    assert_eq!(
        done_after("reply message 250 and not blind", &plain),
        Some(9)
    );
    assert_eq!(done_after("reply message 250 and blind", &plain), None);
    assert_eq!(
        done_after("reply message 250 and dot-stuffed", &plain),
        None
    );
    let blind = message(&[
        "From: me@example.org",
        "To: someone@example.org",
        "",
        "Hi",
        ".",
    ]);
    assert_eq!(done_after("reply message 250 and blind", &blind), Some(9));
    let stuffed = message(&["Subject: dots", "", "..hidden", "."]);
    assert_eq!(
        done_after("reply message 250 and dot-stuffed", &stuffed),
        Some(8)
    );
    assert_eq!(
        done_after(
            "reply message 250 and header Subject and not header From",
            &stuffed
        ),
        Some(8)
    );
    let refused = message(&["Hi", "."]);
    let mut refused_spam = refused.clone();
    refused_spam[2] = Type("RCPT TO:<spam@example.org>");
    assert_eq!(done_after("reply message 5xx", &refused_spam), Some(6));
    assert_eq!(done_after("reply message 2xx", &refused_spam), None);
}

#[test]
fn bdat_pipelining_and_utf8() {
    let bdat = [
        HELLO,
        MAIL,
        Type("RCPT TO:<friend@example.org>"),
        Type("BDAT 4"),
        Type("Hi"),
        Type("BDAT 0 LAST"),
    ];
    assert_eq!(done_after("reply BDAT 250", &bdat), Some(5));
    assert_eq!(done_after("reply BDAT-LAST 250", &bdat), Some(6));
    assert_eq!(done_after("reply dot 250", &bdat), None);
    assert_eq!(done_after("reply message 250", &bdat), Some(6));
    let utf8 = [
        HELLO,
        Type("MAIL FROM:<张三@example.org>"),
        Type("MAIL FROM:<张三@example.org> SMTPUTF8 BODY=8BITMIME"),
    ];
    assert_eq!(
        done_after("reply MAIL 553 utf8 without SMTPUTF8", &utf8),
        Some(2)
    );
    assert_eq!(
        done_after(
            "reply MAIL 250 utf8 with SMTPUTF8 with BODY=8BITMIME",
            &utf8
        ),
        Some(3)
    );
    assert_eq!(
        done_after("pipelined 2", &[HELLO, Type("NOOP")]),
        None,
        "one at a time"
    );
    let batch = [
        HELLO,
        Batch(&[
            "MAIL FROM:<me@example.org>",
            "RCPT TO:<a@example.org>",
            "RCPT TO:<b@example.org>",
            "DATA",
        ]),
    ];
    assert_eq!(done_after("pipelined 4", &batch), Some(5));
    assert_eq!(done_after("pipelined 5", &batch), None);
}

#[test]
fn a_closed_connection_and_a_421() {
    assert_eq!(done_after("closed", &[HELLO, Type("QUIT")]), Some(2));
    let mut errors = vec![HELLO];
    errors.extend(std::iter::repeat_n(Type("XYZZY"), 20));
    assert_eq!(done_after("reply any 421 and closed", &errors), Some(21));
    let drop = [
        HELLO,
        MAIL,
        Type("RCPT TO:<drop@example.org>"),
        Type("DATA"),
        Type("Hi"),
    ];
    assert_eq!(done_after("closed and not reply any 2xx", &drop), Some(5));
    assert_eq!(done_after("closed", &[Reconnect]), None);
}
