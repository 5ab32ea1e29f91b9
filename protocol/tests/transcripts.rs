//! Real SMTP sessions, captured from Postfix and aiosmtpd by `tests/data/capture.py`, run
//! through this crate: every server line is framed ([`LineFramer`], fed in awkward chunk
//! sizes), every reply assembled ([`ReplyAssembler`]) and every client command parsed
//! ([`CommandLine`]).
//!
//! The tests are data driven: adding a capture to `tests/data/<server>/` adds it to the run.
//! Raw captures (`*.raw.txt`, `C: `/`S: ` lines) carry their expected reply codes in a
//! `# expect:` header; the verbatim swaks and smtplib outputs list theirs in `expect.txt`.
//! Besides the codes, each raw exchange is checked against the SMTP rules the playground
//! teaches (RCPT before MAIL is refused, EHLO answers with several lines, ...), so the
//! captures also check that command/reply pairing is read the way a client must read it.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};

use protocol::command::{CommandLine, Verb};
use protocol::limits;
use protocol::line::{LineEnding, LineFramer};
use protocol::reply::{Reply, ReplyAssembler, ReplyClass};

/// The servers captured; each has a directory under `tests/data`.
const SERVERS: [&str; 2] = ["postfix", "aiosmtpd"];

/// Chunk sizes in which server bytes are fed to the framer: one byte, sizes that split the
/// CRLF and the reply code at every offset over a session, and everything at once.
const CHUNK_SIZES: [usize; 4] = [1, 3, 7, usize::MAX];

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("data")
}

/// The captures `NAME.<kind>.txt` of one server, sorted by name.
fn captures(server: &str, kind: &str) -> Vec<PathBuf> {
    let dir = data_dir().join(server);
    let suffix = format!(".{kind}.txt");
    let entries = fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("cannot read capture directory {}: {err}", dir.display()));
    let mut paths: Vec<PathBuf> = entries
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| file_name(path).ends_with(&suffix))
        .collect();
    paths.sort();
    paths
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn read_text(path: &Path) -> String {
    fs::read_to_string(path)
        .unwrap_or_else(|err| panic!("cannot read {} as UTF-8: {err}", path.display()))
}

fn parse_codes(text: &str, origin: &str) -> Vec<u16> {
    text.split_whitespace()
        .map(|code| {
            code.parse()
                .unwrap_or_else(|_| panic!("{origin}: '{code}' is not a reply code"))
        })
        .collect()
}

/// Frames the server lines, sent as one CRLF-terminated stream, in chunks of `chunk`
/// bytes, and assembles the replies. Panics, naming the capture, on anything unexpected.
fn frame_and_assemble(origin: &str, server_lines: &[String], chunk: usize) -> Vec<Reply> {
    let stream: Vec<u8> = server_lines
        .iter()
        .flat_map(|line| line.bytes().chain(*b"\r\n"))
        .collect();
    let mut framer = LineFramer::new(limits::SERVER_LINE_MAX);
    let mut assembler = ReplyAssembler::default();
    let mut framed = Vec::new();
    let mut replies = Vec::new();
    for piece in stream.chunks(chunk.min(stream.len()).max(1)) {
        framer.push(piece);
        while let Some(line) = framer.next_line() {
            let line = line.unwrap_or_else(|err| panic!("{origin} (chunk {chunk}): {err}"));
            assert_eq!(line.ending, LineEnding::CrLf, "{origin}: line ending");
            let text = line.to_text();
            match assembler.push(&text) {
                Ok(Some(reply)) => replies.push(reply),
                Ok(None) => {}
                Err(err) => panic!("{origin} (chunk {chunk}): line {text:?}: {err}"),
            }
            framed.push(text);
        }
    }
    assert_eq!(
        framer.finish(),
        None,
        "{origin}: bytes left after the last CRLF"
    );
    assert_eq!(
        framed, server_lines,
        "{origin} (chunk {chunk}): framed lines"
    );
    assert!(
        !assembler.in_progress(),
        "{origin}: the capture ends inside a multi-line reply"
    );
    replies
}

/// Frames and assembles at every chunk size; the replies must not depend on the chunking.
fn replies_at_every_chunk_size(origin: &str, server_lines: &[String]) -> Vec<Reply> {
    let whole = frame_and_assemble(origin, server_lines, usize::MAX);
    for chunk in CHUNK_SIZES {
        assert_eq!(
            frame_and_assemble(origin, server_lines, chunk),
            whole,
            "{origin}: replies differ when fed {chunk} bytes at a time"
        );
    }
    whole
}

fn codes(replies: &[Reply]) -> Vec<u16> {
    replies.iter().map(|reply| reply.code.get()).collect()
}

// --- Raw captures --------------------------------------------------------------------

/// One line of a raw capture.
#[derive(Debug)]
enum Event {
    /// `C: `: a line the client sent.
    Client(String),
    /// `S: `: a line the server sent.
    Server(String),
}

#[derive(Debug)]
struct RawCapture {
    origin: String,
    expect: Vec<u16>,
    events: Vec<Event>,
}

impl RawCapture {
    fn read(path: &Path) -> Self {
        let origin = path
            .strip_prefix(data_dir())
            .unwrap_or(path)
            .display()
            .to_string();
        let mut expect = None;
        let mut events = Vec::new();
        for (number, line) in read_text(path).lines().enumerate() {
            if let Some(codes) = line.strip_prefix("# expect:") {
                expect = Some(parse_codes(codes, &origin));
            } else if line.starts_with('#') {
                // A comment: where and how the session was captured.
            } else if let Some(text) = line.strip_prefix("C: ") {
                events.push(Event::Client(text.to_owned()));
            } else if let Some(text) = line.strip_prefix("S: ") {
                events.push(Event::Server(text.to_owned()));
            } else if line == "C:" {
                // An empty line of message text, e.g. between headers and body.
                events.push(Event::Client(String::new()));
            } else {
                panic!("{origin}:{}: neither `C: `, `S: ` nor `#`", number + 1);
            }
        }
        let expect = expect.unwrap_or_else(|| panic!("{origin}: no `# expect:` header"));
        Self {
            origin,
            expect,
            events,
        }
    }

    fn server_lines(&self) -> Vec<String> {
        self.events
            .iter()
            .filter_map(|event| match event {
                Event::Server(text) => Some(text.clone()),
                Event::Client(_) => None,
            })
            .collect()
    }
}

fn raw_captures() -> Vec<RawCapture> {
    let all: Vec<RawCapture> = SERVERS
        .iter()
        .flat_map(|server| captures(server, "raw"))
        .map(|path| RawCapture::read(&path))
        .collect();
    assert!(
        !all.is_empty(),
        "no raw captures under {}",
        data_dir().display()
    );
    all
}

/// What a reply answers.
#[derive(Debug, Clone, PartialEq)]
enum Prompt {
    /// The connection was opened: the reply is the greeting.
    Greeting,
    /// A command line, as sent.
    Command(String),
    /// The `.` that ends the message text.
    EndOfData,
}

/// One reply with what it answers.
#[derive(Debug)]
struct Exchange {
    prompt: Prompt,
    reply: Reply,
}

/// Pairs replies with commands the way a client must: replies come back in the order the
/// commands were sent (pipelining only batches the writes, RFC 2920), the greeting comes
/// first, and after `354` the client's lines are message text up to the lone `.`.
fn exchanges(capture: &RawCapture) -> Vec<Exchange> {
    let origin = &capture.origin;
    let mut waiting = VecDeque::from([Prompt::Greeting]);
    let mut assembler = ReplyAssembler::default();
    let mut in_data = false;
    let mut out = Vec::new();
    for event in &capture.events {
        match event {
            Event::Client(text) if in_data => {
                if text == "." {
                    in_data = false;
                    waiting.push_back(Prompt::EndOfData);
                } else if text.starts_with('.') {
                    assert!(
                        text.starts_with(".."),
                        "{origin}: message line {text:?} starts with a dot that is not doubled"
                    );
                }
            }
            Event::Client(text) => waiting.push_back(Prompt::Command(text.clone())),
            Event::Server(text) => {
                let Some(reply) = assembler
                    .push(text)
                    .unwrap_or_else(|err| panic!("{origin}: {text:?}: {err}"))
                else {
                    continue;
                };
                let prompt = waiting
                    .pop_front()
                    .unwrap_or_else(|| panic!("{origin}: reply {text:?} answers nothing"));
                if let Prompt::Command(command) = &prompt {
                    let verb = CommandLine::parse(command).verb;
                    in_data = verb == Some(Verb::Data) && reply.code.get() == 354;
                }
                out.push(Exchange { prompt, reply });
            }
        }
    }
    assert!(waiting.is_empty(), "{origin}: unanswered: {waiting:?}");
    assert!(!in_data, "{origin}: the capture ends inside message text");
    out
}

/// The transaction state a client tracks to know which command is legal next.
#[derive(Debug, Default)]
struct Transaction {
    mail: bool,
    recipients: usize,
}

/// Checks one exchange against the SMTP rules the playground explains, and updates the
/// transaction state. Holds for every server captured, which is what makes it a rule.
fn check_exchange(origin: &str, state: &mut Transaction, exchange: &Exchange) {
    let reply = &exchange.reply;
    let code = reply.code.get();
    let success = reply.code.class() == ReplyClass::PositiveCompletion;
    let command = match &exchange.prompt {
        Prompt::Greeting => {
            assert_eq!(code, 220, "{origin}: greeting");
            return;
        }
        Prompt::EndOfData => {
            assert_eq!(code, 250, "{origin}: end of message text");
            *state = Transaction::default();
            return;
        }
        Prompt::Command(command) => command,
    };
    let parsed = CommandLine::parse(command);
    let context = format!("{origin}: {command:?} got {code}");
    let Some(verb) = parsed.verb else {
        // Our parser and the server agree that this is not a command.
        assert!(
            matches!(code, 500 | 502),
            "{context}: unknown verb, yet accepted"
        );
        return;
    };
    match verb {
        Verb::Ehlo => {
            assert_eq!(code, 250, "{context}");
            assert!(
                reply.line_count() > 1,
                "{context}: EHLO reply is not multi-line"
            );
            *state = Transaction::default();
        }
        Verb::Helo => {
            assert_eq!((code, reply.line_count()), (250, 1), "{context}");
            *state = Transaction::default();
        }
        Verb::Mail if state.mail => assert_eq!(code, 503, "{context}: nested MAIL"),
        Verb::Mail => state.mail = success,
        Verb::Rcpt if !state.mail => assert_eq!(code, 503, "{context}: RCPT before MAIL"),
        Verb::Rcpt => state.recipients += usize::from(success),
        Verb::Data if state.recipients == 0 => {
            assert!(
                matches!(code, 503 | 554),
                "{context}: DATA without recipients"
            );
        }
        Verb::Data => assert_eq!(code, 354, "{context}"),
        Verb::Rset => {
            assert_eq!(code, 250, "{context}");
            *state = Transaction::default();
        }
        Verb::Noop => assert_eq!(code, 250, "{context}"),
        Verb::Quit => assert_eq!(code, 221, "{context}"),
        _ => {}
    }
}

#[test]
fn every_server_has_raw_captures() {
    for server in SERVERS {
        let count = captures(server, "raw").len();
        assert!(count >= 5, "{server}: only {count} raw captures");
    }
}

#[test]
fn raw_server_bytes_frame_and_assemble_at_every_chunk_size() {
    for capture in raw_captures() {
        let replies = replies_at_every_chunk_size(&capture.origin, &capture.server_lines());
        assert_eq!(codes(&replies), capture.expect, "{}", capture.origin);
    }
}

#[test]
fn raw_exchanges_follow_the_smtp_rules() {
    for capture in raw_captures() {
        let exchanges = exchanges(&capture);
        let codes: Vec<u16> = exchanges.iter().map(|e| e.reply.code.get()).collect();
        assert_eq!(codes, capture.expect, "{}", capture.origin);
        let mut state = Transaction::default();
        for exchange in &exchanges {
            check_exchange(&capture.origin, &mut state, exchange);
        }
        let last = exchanges.last().map(|e| &e.prompt);
        assert!(
            matches!(last, Some(Prompt::Command(c)) if CommandLine::parse(c).verb == Some(Verb::Quit)),
            "{}: a capture ends with QUIT",
            capture.origin
        );
    }
}

/// The replies a capture's `name` got for the commands whose verb is `verb`.
fn codes_for(server: &str, name: &str, verb: Verb) -> Vec<u16> {
    let path = data_dir().join(server).join(format!("{name}.raw.txt"));
    exchanges(&RawCapture::read(&path))
        .iter()
        .filter(
            |e| matches!(&e.prompt, Prompt::Command(c) if CommandLine::parse(c).verb == Some(verb)),
        )
        .map(|e| e.reply.code.get())
        .collect()
}

#[test]
fn both_servers_refuse_rcpt_before_mail_with_503() {
    for server in SERVERS {
        let rcpt = codes_for(server, "sequence_errors", Verb::Rcpt);
        assert_eq!(rcpt, [503], "{server}: RCPT before MAIL");
        let mail = codes_for(server, "sequence_errors", Verb::Mail);
        assert_eq!(mail, [250, 503], "{server}: MAIL, then a nested MAIL");
    }
}

#[test]
fn postfix_rejects_unknown_and_outside_recipients_even_when_pipelined() {
    assert_eq!(
        codes_for("postfix", "recipients", Verb::Rcpt),
        [550, 554, 250]
    );
    assert_eq!(codes_for("postfix", "pipelining", Verb::Rcpt), [250, 550]);
    assert_eq!(codes_for("postfix", "pipelining", Verb::Data), [354]);
}

#[test]
fn lowercase_verbs_are_recognised_and_answered() {
    for server in SERVERS {
        let path = data_dir().join(server).join("lowercase_helo.raw.txt");
        let capture = RawCapture::read(&path);
        for exchange in exchanges(&capture) {
            if let Prompt::Command(command) = &exchange.prompt {
                assert!(
                    command.starts_with(|c: char| c.is_ascii_lowercase()),
                    "{}: {command:?} should be typed in lowercase",
                    capture.origin
                );
                let verb = CommandLine::parse(command).verb;
                assert!(verb.is_some(), "{}: {command:?}", capture.origin);
                assert_ne!(exchange.reply.code.class(), ReplyClass::PermanentNegative);
            }
        }
    }
}

#[test]
fn postfix_captures_cover_the_replies_the_playground_explains() {
    let seen: BTreeSet<u16> = captures("postfix", "raw")
        .iter()
        .flat_map(|path| RawCapture::read(path).expect)
        .collect();
    for code in [220, 221, 250, 252, 354, 500, 501, 503, 550, 554, 555] {
        assert!(
            seen.contains(&code),
            "no Postfix capture shows a {code} reply"
        );
    }
}

// --- Verbatim swaks and smtplib captures ----------------------------------------------

/// `expect.txt` of one server: capture file name to expected codes.
fn expectations(server: &str) -> BTreeMap<String, Vec<u16>> {
    let path = data_dir().join(server).join("expect.txt");
    read_text(&path)
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let (name, codes) = line
                .split_once(':')
                .unwrap_or_else(|| panic!("{}: {line:?} is not `NAME: CODES`", path.display()));
            (name.trim().to_owned(), parse_codes(codes, name))
        })
        .collect()
}

/// Server lines in swaks output: `<-  ` for replies, `<** ` for error replies.
fn swaks_server_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            line.strip_prefix("<-  ")
                .or_else(|| line.strip_prefix("<** "))
        })
        .map(str::to_owned)
        .collect()
}

/// Server lines in smtplib's debug output, `reply: b'250-PIPELINING\r\n'`: the Python
/// bytes literal decoded, each with its CRLF checked and removed.
fn smtplib_server_lines(origin: &str, text: &str) -> Vec<String> {
    text.lines()
        .filter(|line| !line.starts_with("reply: retcode"))
        .filter_map(|line| line.strip_prefix("reply: b"))
        .map(|literal| {
            let decoded = decode_python_bytes(origin, literal);
            decoded
                .strip_suffix("\r\n")
                .unwrap_or_else(|| panic!("{origin}: reply {literal} does not end in CRLF"))
                .to_owned()
        })
        .collect()
}

/// Decodes the quoted part of a Python bytes repr: `'...'` or `"..."` with backslash
/// escapes. Only the escapes `repr` produces are accepted.
fn decode_python_bytes(origin: &str, literal: &str) -> String {
    let quote = literal.chars().next();
    let inner = match quote {
        Some(q @ ('\'' | '"')) => literal[1..]
            .strip_suffix(q)
            .unwrap_or_else(|| panic!("{origin}: unterminated bytes literal {literal}")),
        _ => panic!("{origin}: not a bytes literal: {literal}"),
    };
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('r') => out.push('\r'),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(c @ ('\\' | '\'' | '"')) => out.push(c),
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                let byte = u8::from_str_radix(&hex, 16)
                    .unwrap_or_else(|_| panic!("{origin}: bad \\x escape in {literal}"));
                out.push(char::from(byte));
            }
            other => panic!("{origin}: unexpected escape {other:?} in {literal}"),
        }
    }
    out
}

#[test]
fn python_bytes_literals_decode() {
    let decoded = decode_python_bytes("test", r"'250 it\'s \x41 \\ ok\r\n'");
    assert_eq!(decoded, "250 it's A \\ ok\r\n");
    assert_eq!(decode_python_bytes("test", r#""a'b""#), "a'b");
}

#[test]
fn verbatim_captures_frame_assemble_and_match_expect_txt() {
    for server in SERVERS {
        let mut expected = expectations(server);
        let files: Vec<PathBuf> = ["swaks", "smtplib"]
            .iter()
            .flat_map(|kind| captures(server, kind))
            .collect();
        assert!(
            files.len() >= 3,
            "{server}: only {} verbatim captures",
            files.len()
        );
        for path in files {
            let name = file_name(&path);
            let origin = format!("{server}/{name}");
            let text = read_text(&path);
            let lines = if name.ends_with(".swaks.txt") {
                swaks_server_lines(&text)
            } else {
                smtplib_server_lines(&origin, &text)
            };
            let replies = replies_at_every_chunk_size(&origin, &lines);
            let want = expected
                .remove(&name)
                .unwrap_or_else(|| panic!("{origin}: no line for it in expect.txt"));
            assert_eq!(codes(&replies), want, "{origin}");
            // Every client here sends EHLO first: the second reply lists extensions.
            let ehlo = replies
                .get(1)
                .unwrap_or_else(|| panic!("{origin}: no EHLO reply"));
            assert!(
                ehlo.code.get() == 250 && ehlo.line_count() > 1,
                "{origin}: the EHLO reply is not a multi-line 250"
            );
        }
        assert!(
            expected.is_empty(),
            "{server}/expect.txt names missing captures: {:?}",
            expected.keys().collect::<Vec<_>>()
        );
    }
}
