//! Differential test against Stalwart's `smtp-proto`, an independent SMTP parser used in
//! production mail servers.
//!
//! Every command line of the captured sessions (`tests/data/{postfix,aiosmtpd}`) and a table
//! of hand-written edge cases is parsed by both [`Command::parse`] and
//! `smtp_proto::Request::parse`; every server reply of the captures and of a second table is
//! read by both [`LineFramer`] + [`ReplyAssembler`] and `smtp_proto::ResponseReceiver`.
//!
//! The two parsers have different jobs: smtp-proto is a server's strict front door and
//! fails on bad input, ours never fails and explains what is wrong with a finding. So a
//! line where smtp-proto errors and we report an `Error` finding counts as agreement. Every
//! other disagreement is a *difference*, and each intended one is listed, with its reason,
//! in `tests/data/differential-differences.txt`. The test fails on a difference that is not
//! listed (a regression, or a new behaviour to justify) and on a listed difference that no
//! longer occurs (so the list cannot rot).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use protocol::annotate::Direction;
use protocol::command::{Args, Command};
use protocol::enhanced::EnhancedCode;
use protocol::finding::Severity;
use protocol::limits;
use protocol::line::LineFramer;
use protocol::reply::{Reply, ReplyAssembler};
use protocol::transcript;
use smtp_proto::response::parser::ResponseReceiver;
use smtp_proto::{Request, Response};

/// The servers captured; each has a directory under `tests/data`.
const SERVERS: [&str; 2] = ["postfix", "aiosmtpd"];

/// Hand-written command lines: case variants, every ESMTP parameter we check, the usual
/// mistakes, and verbs only one side knows.
const COMMAND_CASES: &[&str] = &[
    // HELO / EHLO
    "EHLO client.example",
    "ehlo client.example",
    "EhLo client.example",
    "HELO client.example",
    "helo fan2",
    "EHLO [127.0.0.1]",
    "EHLO [IPv6:::1]",
    "EHLO\tclient.example",
    "EHLO  client.example",
    "EHLO client.example extra words",
    "EHLO 例子.中国",
    "EHLO",
    "EHLO ",
    "HELO",
    // MAIL FROM
    "MAIL FROM:<bob@example.com>",
    "mail from:<bob@example.com>",
    "Mail From:<Bob@Example.COM>",
    "MAIL FROM:<>",
    "MAIL FROM: <bob@example.com>",
    "MAIL FROM:bob@example.com",
    "MAIL FROM: bob@example.com",
    "MAIL FROM <bob@example.com>",
    "MAIL FROM : <bob@example.com>",
    "MAIL <bob@example.com>",
    "MAIL",
    "MAIL FROM:",
    "MAIL FROM:<bad",
    "MAIL FROM:bad@",
    "MAIL FROM:<bob>",
    "MAIL FROM:<postmaster>",
    "MAIL FROM:<@relay.example:bob@example.com>",
    "MAIL FROM:<\"john doe\"@example.com>",
    "MAIL FROM:<用户@例子.中国> SMTPUTF8",
    "MAIL FROM:<bob@example.com> SIZE=1000",
    "MAIL FROM:<bob@example.com> size=1000",
    "MAIL FROM:<bob@example.com> SIZE=0",
    "MAIL FROM:<bob@example.com> SIZE=big",
    "MAIL FROM:<bob@example.com> SIZE=",
    "MAIL FROM:<bob@example.com> SIZE=99999999999999999999999",
    "MAIL FROM:<bob@example.com>  SIZE=10",
    "MAIL FROM:<bob@example.com> BODY=7BIT",
    "MAIL FROM:<bob@example.com> BODY=8BITMIME",
    "MAIL FROM:<bob@example.com> body=8bitmime",
    "MAIL FROM:<bob@example.com> BODY=BINARYMIME",
    "MAIL FROM:<bob@example.com> BODY=9BIT",
    "MAIL FROM:<bob@example.com> SMTPUTF8",
    "MAIL FROM:<bob@example.com> SMTPUTF8=yes",
    "MAIL FROM:<bob@example.com> RET=FULL",
    "MAIL FROM:<bob@example.com> RET=HDRS",
    "MAIL FROM:<bob@example.com> RET=ALL",
    "MAIL FROM:<bob@example.com> ENVID=QQ314159",
    "MAIL FROM:<bob@example.com> ENVID=",
    "MAIL FROM:<bob@example.com> AUTH=<>",
    "MAIL FROM:<bob@example.com> REQUIRETLS",
    "MAIL FROM:<bob@example.com> FOO=bar",
    "MAIL FROM:<bob@example.com> BODY=8BITMIME SIZE=12345 RET=HDRS ENVID=abc SMTPUTF8",
    // RCPT TO
    "RCPT TO:<alice@postfix.test>",
    "rcpt to:<alice@postfix.test>",
    "RCPT TO:<>",
    "RCPT TO: <alice@postfix.test>",
    "RCPT TO:alice@postfix.test",
    "RCPT <alice@postfix.test>",
    "RCPT TO:<Postmaster>",
    "RCPT TO:<alice@postfix.test> NOTIFY=SUCCESS,FAILURE",
    "RCPT TO:<alice@postfix.test> NOTIFY=NEVER",
    "RCPT TO:<alice@postfix.test> notify=never",
    "RCPT TO:<alice@postfix.test> NOTIFY=NEVER,SUCCESS",
    "RCPT TO:<alice@postfix.test> NOTIFY=SOMETIMES",
    "RCPT TO:<alice@postfix.test> ORCPT=rfc822;alice@postfix.test",
    "RCPT TO:<alice@postfix.test> ORCPT=alice",
    "RCPT TO:<alice@postfix.test> SIZE=10",
    // No-argument verbs
    "DATA",
    "data",
    "DATA now",
    "RSET",
    "RSET x",
    "QUIT",
    "quit",
    "NOOP",
    "NOOP hello",
    "STARTTLS",
    "starttls",
    // Text arguments
    "VRFY alice",
    "VRFY alice@postfix.test",
    "VRFY <alice@postfix.test>",
    "VRFY",
    "EXPN staff",
    "HELP",
    "HELP MAIL",
    "ETRN example.com",
    "ETRN",
    // AUTH
    "AUTH LOGIN",
    "auth login",
    "AUTH PLAIN",
    "AUTH PLAIN AGFsaWNlAHMzY3JldA==",
    "AUTH PLAIN =",
    "AUTH PLAIN !!!",
    "AUTH LOGIN YWxpY2U=",
    "AUTH CRAM-MD5",
    "AUTH XOAUTH2 dXNlcj1h",
    "AUTH",
    // BDAT
    "BDAT 100",
    "BDAT 100 LAST",
    "bdat 5 last",
    "BDAT 0 LAST",
    "BDAT 100 MORE",
    "BDAT x",
    "BDAT -1",
    "BDAT",
    // Not commands, or commands only one side knows
    "FOO bar",
    "HELLO there",
    "MAILFROM:<bob@example.com>",
    "LHLO client.example",
    "ATRN example.com",
    "X-CUSTOM 1",
    "邮件 发送",
    "",
];

/// Hand-written reply streams, each holding one reply (possibly malformed).
const REPLY_CASES: &[&str] = &[
    "220 mx.example ESMTP\r\n",
    "250 2.1.0 Ok\r\n",
    "250-mx.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n",
    "551-5.7.1 Forwarding to remote hosts disabled\r\n551 5.7.1 Select another host\r\n",
    "550 5.7.26 Unauthenticated email is not accepted\r\n",
    "250 2.0.0\r\n",
    "250\r\n",
    "250-Missing space\r\n250\r\n",
    "250 2address.org\r\n",
    "250 100.address.org\r\n",
    "250 OK\n",
    "250 héllo\r\n",
    "250 2.0.0  two spaces\r\n",
    "432-6.8.9 Hello\r\n432 6.8.9 World!\r\n",
    "550-5.1.1 first\r\n550 5.7.1 second\r\n",
    "250-a\r\n550 b\r\n",
    "250_OK\r\n",
    "OK\r\n",
    "25\r\n",
];

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("data")
}

/// One capture's conversation as the transcript reader sees it.
struct Capture {
    name: String,
    commands: Vec<String>,
    server_lines: Vec<String>,
}

/// Reads every capture, keeping the client lines that are commands (not message text after
/// 354, not AUTH answers after 334) and the server lines in order.
fn captures() -> Vec<Capture> {
    let mut out = Vec::new();
    for server in SERVERS {
        let dir = data_dir().join(server);
        let entries = fs::read_dir(&dir)
            .unwrap_or_else(|err| panic!("cannot read capture directory {}: {err}", dir.display()));
        let mut paths: Vec<PathBuf> = entries
            .map(|entry| entry.expect("directory entry").path())
            .filter(|path| {
                let name = path.to_string_lossy();
                name.ends_with(".txt") && !name.ends_with("expect.txt")
            })
            .collect();
        paths.sort();
        for path in paths {
            let text = fs::read_to_string(&path)
                .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
            let (_, lines) = transcript::read(&text);
            let mut capture = Capture {
                name: format!("{server}/{}", path.file_name().expect("file").display()),
                commands: Vec::new(),
                server_lines: Vec::new(),
            };
            let mut in_body = false;
            let mut last_code = 0;
            for line in lines {
                match line.direction {
                    Direction::Server => {
                        let is_last = line.text.as_bytes().get(3) != Some(&b'-');
                        last_code = line.text.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
                        if is_last && last_code == 354 {
                            in_body = true;
                        }
                        capture.server_lines.push(line.text);
                    }
                    Direction::Client if in_body => in_body = line.text != ".",
                    Direction::Client if last_code == 334 => {}
                    Direction::Client => capture.commands.push(line.text),
                    Direction::Note => {}
                }
            }
            out.push(capture);
        }
    }
    assert!(
        out.iter().filter(|c| !c.commands.is_empty()).count() >= 10,
        "expected at least 10 captures with commands under {}",
        data_dir().display()
    );
    out
}

/// `\r`, `\n`, `\t` and `\\` written as escapes, as in the differences file.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out
}

/// A disagreement: its kind, the input (escaped), and what each side said.
#[derive(Debug)]
struct Observed {
    kind: &'static str,
    input: String,
    detail: String,
}

/// Compares our parse of one command line with smtp-proto's.
fn compare_command(line: &str, out: &mut Vec<Observed>) {
    let ours = Command::parse(line);
    let wire = format!("{line}\r\n");
    let theirs = Request::parse(&mut wire.as_bytes().iter());
    let mut push = |kind, detail: String| {
        out.push(Observed {
            kind,
            input: escape(line),
            detail,
        });
    };
    let ours_rejects = ours.worst() == Some(Severity::Error);
    let theirs = match theirs {
        Err(err) => {
            if !ours_rejects {
                let ids: Vec<_> = ours.findings.iter().map(|f| f.id).collect();
                push(
                    "lenient",
                    format!("smtp-proto: {err:?}; ours: findings {ids:?}"),
                );
            }
            return;
        }
        Ok(request) => request,
    };
    if ours_rejects {
        let ids: Vec<_> = ours
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.id)
            .collect();
        push(
            "stricter",
            format!("smtp-proto: {theirs:?}; ours: errors {ids:?}"),
        );
    }
    let our_verb = ours.line.verb.map_or("(none)", |v| v.as_str());
    if our_verb != theirs.name() {
        push(
            "verb",
            format!("smtp-proto: {}; ours: {our_verb}", theirs.name()),
        );
        return;
    }
    // Each field as (kind, ours, smtp-proto's), written so that equal values print equal.
    let fields: Vec<(&'static str, String, String)> = match (&ours.args, &theirs) {
        (Args::Domain(domain), Request::Ehlo { host } | Request::Helo { host }) => {
            vec![("host", format!("{domain:?}"), format!("{host:?}"))]
        }
        (Args::Envelope { path, params }, Request::Mail { .. } | Request::Rcpt { .. }) => {
            let address = path.as_ref().map_or("", |p| p.address.as_str());
            let mut fields = Vec::new();
            match &theirs {
                Request::Mail { from } => {
                    fields.push((
                        "address",
                        format!("{address:?}"),
                        format!("{:?}", from.address),
                    ));
                    // smtp-proto reports an absent SIZE as 0.
                    let our_size = params
                        .iter()
                        .find(|p| p.keyword.eq_ignore_ascii_case("SIZE"))
                        .map(|p| p.value.as_deref().and_then(|v| v.parse::<u64>().ok()))
                        .unwrap_or(Some(0));
                    let their_size = u64::try_from(from.size).ok();
                    fields.push(("size", format!("{our_size:?}"), format!("{their_size:?}")));
                }
                Request::Rcpt { to } => {
                    fields.push((
                        "address",
                        format!("{address:?}"),
                        format!("{:?}", to.address),
                    ));
                }
                _ => {}
            }
            fields
        }
        (
            Args::Bdat { size, last },
            Request::Bdat {
                chunk_size,
                is_last,
            },
        ) => vec![(
            "bdat",
            format!("{size:?} last={last}"),
            format!("{:?} last={is_last}", u64::try_from(*chunk_size).ok()),
        )],
        (
            Args::Auth {
                initial_response, ..
            },
            Request::Auth {
                initial_response: theirs,
                ..
            },
        ) => {
            // smtp-proto reports an absent initial response as "".
            let ours = initial_response.as_deref().unwrap_or("");
            vec![("auth", format!("{ours:?}"), format!("{theirs:?}"))]
        }
        _ => Vec::new(),
    };
    for (kind, ours, theirs) in fields {
        if ours != theirs {
            push(kind, format!("smtp-proto: {theirs}; ours: {ours}"));
        }
    }
}

/// What a reply means to smtp-proto: code, enhanced code (`[0, 0, 0]` when absent) and the
/// text of the lines without their enhanced codes, joined by `\n`.
#[derive(Debug, PartialEq, Eq)]
struct ReplyView {
    code: u16,
    esc: [u16; 3],
    message: String,
}

impl ReplyView {
    /// Ours: the enhanced code of the first line, removed from each line that has one.
    fn ours(reply: &Reply) -> Self {
        let esc = EnhancedCode::parse_prefix(reply.first_line())
            .map_or([0; 3], |(c, _)| [u16::from(c.class), c.subject, c.detail]);
        let message = reply
            .lines()
            .map(|l| EnhancedCode::parse_prefix(l).map_or(l, |(_, rest)| rest))
            .collect::<Vec<_>>()
            .join("\n");
        Self {
            code: reply.code.get(),
            esc,
            message,
        }
    }

    fn theirs(response: &Response<String>) -> Self {
        Self {
            code: response.code,
            esc: response.esc.map(u16::from),
            message: response.message.clone(),
        }
    }
}

/// Our replies from a byte stream, up to and including the first error.
fn our_replies(stream: &[u8]) -> Vec<Result<ReplyView, String>> {
    let mut framer = LineFramer::new(limits::SERVER_LINE_MAX);
    let mut assembler = ReplyAssembler::default();
    let mut out = Vec::new();
    framer.push(stream);
    while let Some(line) = framer.next_line() {
        let result = match line {
            Ok(line) => assembler.push(&line.to_text()).map_err(|e| e.to_string()),
            Err(err) => Err(err.to_string()),
        };
        match result {
            Ok(Some(reply)) => out.push(Ok(ReplyView::ours(&reply))),
            Ok(None) => {}
            Err(err) => {
                out.push(Err(err));
                break;
            }
        }
    }
    out
}

/// smtp-proto's replies from a byte stream, up to and including the first error.
fn their_replies(stream: &[u8]) -> Vec<Result<ReplyView, String>> {
    let mut receiver = ResponseReceiver::default();
    let mut bytes = stream.iter();
    let mut out = Vec::new();
    // Each round consumes at least one line, so this bound is never the reason to stop.
    for _ in 0..=stream.len() {
        match receiver.parse(&mut bytes) {
            Ok(response) => {
                out.push(Ok(ReplyView::theirs(&response)));
                receiver.reset();
            }
            Err(smtp_proto::Error::NeedsMoreData { .. }) => break,
            Err(err) => {
                out.push(Err(format!("{err:?}")));
                break;
            }
        }
    }
    out
}

/// Compares the replies of one stream; `name` identifies it in the differences file.
fn compare_replies(name: &str, stream: &[u8], out: &mut Vec<Observed>) {
    let ours = our_replies(stream);
    let theirs = their_replies(stream);
    let mut push = |kind, index: usize, detail: String| {
        out.push(Observed {
            kind,
            input: if index == 0 {
                name.to_owned()
            } else {
                format!("{name}#{index}")
            },
            detail,
        });
    };
    if ours.len() != theirs.len() {
        push(
            "reply-count",
            0,
            format!("smtp-proto: {theirs:?}; ours: {ours:?}"),
        );
    }
    for (index, (ours, theirs)) in ours.iter().zip(&theirs).enumerate() {
        match (ours, theirs) {
            (Ok(ours), Ok(theirs)) => {
                if ours.code != theirs.code {
                    push(
                        "reply-code",
                        index,
                        format!("smtp-proto: {}; ours: {}", theirs.code, ours.code),
                    );
                }
                if ours.esc != theirs.esc {
                    push(
                        "reply-esc",
                        index,
                        format!("smtp-proto: {:?}; ours: {:?}", theirs.esc, ours.esc),
                    );
                }
                if ours.message != theirs.message {
                    push(
                        "reply-text",
                        index,
                        format!("smtp-proto: {:?}; ours: {:?}", theirs.message, ours.message),
                    );
                }
            }
            (Err(_), Err(_)) => {}
            (Ok(ours), Err(err)) => push(
                "reply-lenient",
                index,
                format!("smtp-proto: {err}; ours: {ours:?}"),
            ),
            (Err(err), Ok(theirs)) => push(
                "reply-stricter",
                index,
                format!("smtp-proto: {theirs:?}; ours: {err}"),
            ),
        }
    }
}

/// The listed differences: `(kind, input)` to the reason given.
fn listed_differences() -> BTreeMap<(String, String), String> {
    let path = data_dir().join("differential-differences.txt");
    let text = fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (kind, rest) = line.split_once(" | ").unwrap_or_else(|| {
            panic!(
                "{}:{}: expected `kind | input | reason`",
                path.display(),
                n + 1
            )
        });
        let (input, reason) = rest.rsplit_once(" | ").unwrap_or_else(|| {
            panic!(
                "{}:{}: expected `kind | input | reason`",
                path.display(),
                n + 1
            )
        });
        assert!(
            !reason.trim().is_empty(),
            "{}:{}: every difference needs a reason",
            path.display(),
            n + 1
        );
        let key = (kind.trim().to_owned(), input.to_owned());
        assert!(
            out.insert(key.clone(), reason.to_owned()).is_none(),
            "{}:{}: {key:?} is listed twice",
            path.display(),
            n + 1
        );
    }
    out
}

/// Checks the observed differences against the list, both ways.
fn check(observed: &[Observed], listed: &BTreeMap<(String, String), String>, scope: &str) {
    let in_scope = |kind: &str| kind.starts_with("reply-") == (scope == "reply");
    let seen: BTreeSet<(String, String)> = observed
        .iter()
        .map(|o| (o.kind.to_owned(), o.input.clone()))
        .collect();
    let unlisted: Vec<String> = observed
        .iter()
        .filter(|o| !listed.contains_key(&(o.kind.to_owned(), o.input.clone())))
        .map(|o| format!("{} | {} | ({})", o.kind, o.input, o.detail))
        .collect();
    let stale: Vec<String> = listed
        .keys()
        .filter(|(kind, _)| in_scope(kind))
        .filter(|key| !seen.contains(*key))
        .map(|(kind, input)| format!("{kind} | {input}"))
        .collect();
    assert!(
        unlisted.is_empty(),
        "{} {scope} difference(s) with smtp-proto are not listed in \
         tests/data/differential-differences.txt (fix the parser, or list them with a reason):\n{}",
        unlisted.len(),
        unlisted.join("\n")
    );
    assert!(
        stale.is_empty(),
        "listed {scope} difference(s) no longer occur; remove them from \
         tests/data/differential-differences.txt:\n{}",
        stale.join("\n")
    );
}

#[test]
fn commands_agree_with_smtp_proto() {
    let mut lines: BTreeSet<String> = COMMAND_CASES.iter().map(|s| (*s).to_owned()).collect();
    let from_captures: BTreeSet<String> = captures().into_iter().flat_map(|c| c.commands).collect();
    assert!(
        from_captures.len() >= 20,
        "expected at least 20 distinct command lines in the captures, found {}",
        from_captures.len()
    );
    lines.extend(from_captures);
    let mut observed = Vec::new();
    for line in &lines {
        compare_command(line, &mut observed);
    }
    // The comparison must have had something to compare: most lines parse on both sides.
    let both_ok = lines
        .iter()
        .filter(|l| {
            let wire = format!("{l}\r\n");
            Request::parse(&mut wire.as_bytes().iter()).is_ok()
        })
        .count();
    assert!(
        both_ok * 2 > lines.len(),
        "only {both_ok} of {} lines parse with smtp-proto",
        lines.len()
    );
    check(&observed, &listed_differences(), "command");
}

#[test]
fn replies_agree_with_smtp_proto() {
    let mut observed = Vec::new();
    let mut replies = 0;
    for capture in captures() {
        let stream: Vec<u8> = capture
            .server_lines
            .iter()
            .flat_map(|line| line.bytes().chain(*b"\r\n"))
            .collect();
        replies += our_replies(&stream).len();
        compare_replies(&capture.name, &stream, &mut observed);
    }
    assert!(
        replies >= 100,
        "expected at least 100 replies in the captures, found {replies}"
    );
    for case in REPLY_CASES {
        compare_replies(&escape(case), case.as_bytes(), &mut observed);
    }
    check(&observed, &listed_differences(), "reply");
}

#[test]
fn listed_differences_name_known_kinds() {
    const KINDS: [&str; 14] = [
        "lenient",
        "stricter",
        "verb",
        "host",
        "address",
        "size",
        "bdat",
        "auth",
        "reply-count",
        "reply-code",
        "reply-esc",
        "reply-text",
        "reply-lenient",
        "reply-stricter",
    ];
    for (kind, input) in listed_differences().keys() {
        assert!(
            KINDS.contains(&kind.as_str()),
            "unknown kind {kind:?} for {input:?}"
        );
    }
}
