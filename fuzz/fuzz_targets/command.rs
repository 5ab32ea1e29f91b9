//! Command lines and the session around them: `Command::parse` and
//! `ClientSession::predict` on arbitrary UTF-8, in every phase a script can reach.
//!
//! Input: a control byte choosing how far a scripted session gets (greeting, EHLO, MAIL,
//! RCPT, DATA, AUTH), then UTF-8 text whose lines are client lines, or server replies when
//! they start with three digits. Every client line is parsed and predicted, then sent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::command::{Args, Command, CommandLine, Verb};
use protocol::reply::{Reply, ReplyAssembler};
use protocol::session::ClientSession;
use protocol_fuzz::{assert_span, split_control};

/// Sent lines and the replies they get, in order; a prefix of one of these sets the phase.
const SCRIPTS: [&[(&str, &[&str])]; 2] = [
    &[
        ("", &["220 mx.example ESMTP"]),
        (
            "EHLO client.example",
            &[
                "250-mx.example",
                "250-PIPELINING",
                "250-SIZE 1000",
                "250-AUTH PLAIN LOGIN",
                "250-8BITMIME",
                "250 STARTTLS",
            ],
        ),
        ("MAIL FROM:<a@b.example>", &["250 2.1.0 Ok"]),
        ("RCPT TO:<c@d.example>", &["250 2.1.5 Ok"]),
        ("DATA", &["354 End data with <CR><LF>.<CR><LF>"]),
    ],
    &[
        ("", &["220 mx.example ESMTP"]),
        ("EHLO client.example", &["250-mx.example", "250 AUTH LOGIN"]),
        ("AUTH LOGIN", &["334 VXNlcm5hbWU6"]),
    ],
];

fn reply(lines: &[&str]) -> Option<Reply> {
    let mut assembler = ReplyAssembler::default();
    let mut done = None;
    for line in lines {
        done = assembler.push(line).ok().flatten();
    }
    done
}

fn check_command(line: &str) {
    let command = Command::parse(line);
    assert_eq!(command.line.text, line);
    assert_span(line, &command.line.verb_span, "verb");
    assert_span(line, &command.line.args_span, "args");
    assert_eq!(
        command.line.verb,
        Verb::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(command.line.verb_text()))
    );
    assert_eq!(CommandLine::parse(line), command.line);
    let mut last_start = 0;
    for finding in &command.findings {
        assert_span(line, &finding.span, finding.id);
        assert!(finding.span.start >= last_start, "findings out of order");
        last_start = finding.span.start;
        assert!(!finding.explanation.en.is_empty() && !finding.explanation.zh.is_empty());
    }
    if let Args::Envelope { path, params } = &command.args {
        if let Some(path) = path {
            assert_span(line, &path.span, "path");
            assert!(
                line[path.span.clone()].contains(path.address.as_str()),
                "path span {:?} does not hold {:?}",
                path.span,
                path.address
            );
        }
        for param in params {
            assert_span(line, &param.span, "param");
            let expected = match &param.value {
                Some(value) => format!("{}={value}", param.keyword),
                None => param.keyword.clone(),
            };
            assert_eq!(line[param.span.clone()], expected);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let (control, payload) = split_control(data);
    let Ok(text) = std::str::from_utf8(payload) else {
        return;
    };
    let choice = control.first().copied().unwrap_or(0);
    let script = SCRIPTS[usize::from(choice) % SCRIPTS.len()];
    let steps = usize::from(choice / 2) % (script.len() + 1);
    let mut session = ClientSession::default();
    for (sent, replies) in &script[..steps] {
        if !sent.is_empty() {
            session.handle_sent(sent);
        }
        if let Some(reply) = reply(replies) {
            session.handle_reply(&reply);
        }
    }
    let mut assembler = ReplyAssembler::default();
    for line in text.split('\n').take(64) {
        let is_reply = line.len() >= 3 && line.as_bytes()[..3].iter().all(u8::is_ascii_digit);
        if is_reply {
            if let Ok(Some(reply)) = assembler.push(line) {
                session.handle_reply(&reply);
            }
            continue;
        }
        check_command(line);
        for finding in session.predict(line) {
            assert_span(line, &finding.span, finding.id);
        }
        session.handle_sent(line);
    }
});
