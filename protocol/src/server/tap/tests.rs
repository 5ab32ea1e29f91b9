use super::super::{Account, ServerConfig, ServerOutput, ServerSession};
use super::*;
use crate::annotate::{AnnotatedLine, Annotator};
use crate::lang::Lang;

const PASSWORD: &str = "s3cret-Passw0rd";

fn session() -> ServerSession {
    let mut session = ServerSession::new(
        ServerConfig {
            accounts: vec![Account {
                user: "demo".into(),
                password: PASSWORD.into(),
            }],
            ..ServerConfig::default()
        },
        7,
    );
    session.record_input(TapLimits {
        header_lines: 3,
        body_lines: 2,
        message_bytes: 1024,
    });
    session
}

/// One line of a conversation: who, and the text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Said {
    Client(String),
    Server(String),
    Omitted(u64, u64),
}

/// Feeds each chunk, recording the client's lines as the tap gives them and the server's
/// as written, in the order a recorder sees them.
fn converse(session: &mut ServerSession, chunks: &[&str]) -> Vec<Said> {
    let mut said = Vec::new();
    let drain_output = |session: &mut ServerSession, said: &mut Vec<Said>| {
        while let Some(out) = session.poll_output() {
            if let ServerOutput::Write(bytes) = out {
                said.extend(written_lines(&bytes).map(|l| Said::Server(l.into_owned())));
            }
        }
    };
    drain_output(session, &mut said);
    for chunk in chunks {
        session.handle_input(chunk.as_bytes());
        while let Some(input) = session.poll_input() {
            said.push(match input {
                InputLine::Line { text, .. } => Said::Client(text),
                InputLine::Omitted { lines, bytes } => Said::Omitted(lines, bytes),
                InputLine::TooLong => Said::Client("<too long>".into()),
            });
        }
        drain_output(session, &mut said);
    }
    said
}

/// Annotates a conversation line by line, as the page does live.
fn annotate(lines: &[Said]) -> Vec<AnnotatedLine> {
    let mut annotator = Annotator::new(Lang::En);
    lines
        .iter()
        .filter_map(|l| match l {
            Said::Client(text) => Some(annotator.client_line(text)),
            Said::Server(text) => Some(annotator.server_line(text)),
            Said::Omitted(..) => None,
        })
        .collect()
}

fn plain(user: &str, password: &str) -> String {
    auth::encode_plain("", user, password)
}

#[test]
fn secrets_never_reach_the_record_and_the_record_explains_as_the_real_lines_do() {
    let real_plain = plain("demo", PASSWORD);
    let ehlo = "EHLO client.example\r\n".to_owned();
    let sessions = [
        vec![
            ehlo.clone(),
            format!("AUTH PLAIN {real_plain}\r\n"),
            "QUIT\r\n".into(),
        ],
        vec![
            ehlo.clone(),
            "AUTH LOGIN\r\n".into(),
            format!("{}\r\n", auth::encode("demo")),
            format!("{}\r\n", auth::encode(PASSWORD)),
            "MAIL FROM:<a@b>\r\n".into(),
        ],
        vec![
            ehlo.clone(),
            "AUTH PLAIN\r\n".into(),
            format!("{}\r\n", plain("demo", "wrong-one")),
            format!("AUTH LOGIN {}\r\n", auth::encode("demo")),
            "not-base64!\r\n".into(),
            "AUTH LOGIN\r\n".into(),
            "*\r\n".into(),
        ],
    ];
    let mut titles = Vec::new();
    for chunks in &sessions {
        let chunks: Vec<&str> = chunks.iter().map(String::as_str).collect();
        let recorded = converse(&mut session(), &chunks);
        let text = format!("{recorded:?}");
        for secret in [
            PASSWORD.to_owned(),
            auth::encode(PASSWORD),
            real_plain.clone(),
            "wrong-one".to_owned(),
            plain("demo", "wrong-one"),
            "not-base64!".to_owned(),
        ] {
            assert!(!text.contains(&secret), "{secret} in {text}");
        }
        // The real conversation, as a live annotator sees it: the same server lines,
        // the client lines as typed.
        let mut typed = chunks.iter().map(|c| c.trim_end().to_owned());
        let real: Vec<Said> = recorded
            .iter()
            .map(|line| match line {
                Said::Client(_) => Said::Client(typed.next().expect("a typed line")),
                other => other.clone(),
            })
            .collect();
        let live = annotate(&real);
        let on_read = annotate(&recorded);
        assert_eq!(live.len(), on_read.len());
        for (live, read) in live.iter().zip(&on_read) {
            assert_eq!(live, read, "the record explains as the real line does");
        }
        titles.extend(live.into_iter().map(|l| (l.text, l.annotation.title)));
    }
    let shown = format!("{titles:#?}");
    for expected in [
        "AUTH PLAIN AGRlbW8A********",
        "PLAIN credentials",
        "Password, in base64 (hidden)",
        "AUTH LOGIN ********",
        "Cancel the login",
    ] {
        assert!(shown.contains(expected), "{expected}: {shown}");
    }
}

#[test]
fn message_text_keeps_the_headers_and_first_lines_and_counts_the_rest() {
    let mut message = String::from("Subject: hi\r\nFrom: a@b\r\nTo: c@d\r\nX-Extra: 1\r\n\r\n");
    for i in 0..50 {
        message.push_str(&format!("line {i}\r\n"));
    }
    message.push_str("..stuffed\r\n.\r\nQUIT\r\n");
    // The message arrives split in awkward places, with QUIT in the same read as the dot.
    let (a, b) = message.split_at(37);
    let recorded = converse(
        &mut session(),
        &[
            "EHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nSubj",
            &a[4..],
            b,
        ],
    );
    let client: Vec<&Said> = recorded
        .iter()
        .filter(|s| !matches!(s, Said::Server(_)))
        .collect();
    let kept: Vec<String> = client
        .iter()
        .map(|s| match s {
            Said::Client(t) => t.clone(),
            Said::Omitted(lines, bytes) => format!("[{lines} lines, {bytes} bytes]"),
            Said::Server(_) => unreachable!(),
        })
        .collect();
    // 3 header lines kept; the fourth header, the blank line... counted, the first two
    // body lines are not kept either once anything was left out (the text stays whole
    // up to the cut).
    let omitted_bytes = "X-Extra: 1\r\n\r\n".len()
        + (0..50)
            .map(|i| format!("line {i}\r\n").len())
            .sum::<usize>()
        + "..stuffed\r\n".len();
    assert_eq!(
        kept,
        [
            "EHLO c",
            "MAIL FROM:<a@b>",
            "RCPT TO:<c@d>",
            "DATA",
            "Subject: hi",
            "From: a@b",
            "To: c@d",
            &format!("[53 lines, {omitted_bytes} bytes]"),
            ".",
            "QUIT",
        ]
    );
    // The server lines follow the client's: 250 for the message, then 221.
    let last: Vec<&Said> = recorded.iter().rev().take(2).collect();
    assert!(matches!(last[1], Said::Server(t) if t.starts_with("250 2.0.0 Ok: queued")));
    assert!(matches!(last[0], Said::Server(t) if t.starts_with("221")));
}

#[test]
fn a_short_message_is_kept_whole() {
    let recorded = converse(
        &mut session(),
        &[
            "EHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n",
            "S: x\r\n\r\nhi\r\n.\r\n",
        ],
    );
    let client: Vec<String> = recorded
        .iter()
        .filter_map(|s| match s {
            Said::Client(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        client,
        [
            "EHLO c",
            "MAIL FROM:<a@b>",
            "RCPT TO:<c@d>",
            "DATA",
            "S: x",
            "",
            "hi",
            "."
        ]
    );
    assert!(!recorded.iter().any(|s| matches!(s, Said::Omitted(..))));
}

#[test]
fn bdat_chunks_are_framed_like_message_text() {
    let recorded = converse(
        &mut session(),
        &["EHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nBDAT 10 LAST\r\nS: x\r\n\r\nhi"],
    );
    let client: Vec<String> = recorded
        .iter()
        .filter_map(|s| match s {
            Said::Client(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        client,
        [
            "EHLO c",
            "MAIL FROM:<a@b>",
            "RCPT TO:<c@d>",
            "BDAT 10 LAST",
            "S: x",
            "",
            "hi"
        ]
    );
}

#[test]
fn written_lines_split_replies_at_crlf() {
    let lines: Vec<_> = written_lines(b"250-a\r\n250 b\r\n").collect();
    assert_eq!(lines, ["250-a", "250 b"]);
    assert_eq!(written_lines(b"").count(), 0);
    assert_eq!(written_lines(b"221 bye").collect::<Vec<_>>(), ["221 bye"]);
}

#[test]
fn without_recording_nothing_is_kept() {
    let mut session = ServerSession::new(ServerConfig::default(), 1);
    session.handle_input(b"EHLO c\r\n");
    assert_eq!(session.poll_input(), None);
}
