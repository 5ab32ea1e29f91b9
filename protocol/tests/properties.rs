//! Property tests: round trips that must hold for every input, not just the ones we thought of.

use proptest::prelude::*;
use protocol::command::Command;
use protocol::dot::{DataReceiver, DataStatus, stuff_message};
use protocol::limits;
use protocol::line::{LineEnding, LineError, LineFramer, TextFramer};
use protocol::reply::{Reply, ReplyAssembler, ReplyCode, ReplyError, ReplyLine, ReplyLineError};
use protocol::transcript;
use protocol::wire::{ClientMsg, ConnectRequest, ServerMsg, TlsMode};

/// Message text: lines of printable bytes and dots, joined by CRLF, ending in CRLF.
fn message() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec("[ -~]{0,80}|\\.|\\.\\.|\\.[a-z]{1,5}|", 0..40).prop_map(|lines| {
        let mut out = Vec::new();
        for line in lines {
            out.extend_from_slice(line.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out
    })
}

/// Server bytes that stress framing and reply assembly: codes and separators, CR and LF
/// alone and together, invalid UTF-8, multi-byte characters and runs longer than a limit.
fn server_bytes() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        Just(b"250-".to_vec()),
        Just(b"250 ".to_vec()),
        Just(b"550 ".to_vec()),
        Just(b"25".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r".to_vec()),
        Just("é".as_bytes().to_vec()),
        Just(b"\xff".to_vec()),
        Just(b"\xe2\x82".to_vec()),
        "[ -~]{0,12}".prop_map(String::into_bytes),
        (1usize..60).prop_map(|n| vec![b'x'; n]),
        prop::collection::vec(any::<u8>(), 0..6),
    ];
    prop::collection::vec(token, 0..60).prop_map(|tokens| tokens.concat())
}

/// One thing a framer returned, and what the reply assembler made of the line.
type Read = (
    Result<(String, LineEnding), LineError>,
    Option<Result<Option<Reply>, ReplyError>>,
);

/// How a test reads a stream: piece sizes, how many lines to read after each piece (`None`:
/// all of them), and after which returned line to drop what is buffered, as the bridge does
/// after a 220 to STARTTLS.
#[derive(Debug, Clone)]
struct Schedule {
    pieces: Vec<usize>,
    reads: Vec<Option<usize>>,
    discard_after: Option<usize>,
}

fn schedule() -> impl Strategy<Value = Schedule> {
    (
        prop::collection::vec(1usize..50, 1..8),
        prop::collection::vec(prop::option::of(1usize..4), 1..8),
        prop::option::of(1usize..40),
    )
        .prop_map(|(pieces, reads, discard_after)| Schedule {
            pieces,
            reads,
            discard_after,
        })
}

/// The two ways of reading server lines, behind one interface for [`read_stream`].
trait Framing {
    fn push(&mut self, bytes: &[u8]);
    fn next(&mut self) -> Option<Result<(String, LineEnding), LineError>>;
    fn discard(&mut self) -> usize;
    fn finish(&mut self) -> Option<String>;
}

impl Framing for LineFramer {
    fn push(&mut self, bytes: &[u8]) {
        LineFramer::push(self, bytes);
    }
    fn next(&mut self) -> Option<Result<(String, LineEnding), LineError>> {
        self.next_line()
            .map(|line| line.map(|line| (line.to_text(), line.ending)))
    }
    fn discard(&mut self) -> usize {
        self.take_buffered().len()
    }
    fn finish(&mut self) -> Option<String> {
        LineFramer::finish(self).map(|tail| String::from_utf8_lossy(&tail).into_owned())
    }
}

impl Framing for TextFramer {
    fn push(&mut self, bytes: &[u8]) {
        TextFramer::push(self, bytes);
    }
    fn next(&mut self) -> Option<Result<(String, LineEnding), LineError>> {
        self.next_line()
            .map(|line| line.map(|line| (line.text.to_owned(), line.ending)))
    }
    fn discard(&mut self) -> usize {
        self.discard_buffered()
    }
    fn finish(&mut self) -> Option<String> {
        TextFramer::finish(self)
    }
}

/// Everything `framing` returns for `input` read by `schedule`, each line also pushed into
/// a reply assembler; the counts of discarded bytes; and what `finish` leaves after the last
/// line.
fn read_stream(
    framing: &mut dyn Framing,
    input: &[u8],
    schedule: &Schedule,
) -> (Vec<Read>, Vec<usize>, Option<String>) {
    let mut assembler = ReplyAssembler::default();
    let (mut reads, mut discarded) = (Vec::new(), Vec::new());
    let mut read_one = |framing: &mut dyn Framing, reads: &mut Vec<Read>| {
        let item = framing.next()?;
        let reply = item.as_ref().ok().map(|(text, _)| assembler.push(text));
        reads.push((item, reply));
        Some(())
    };
    let mut rest = input;
    for (piece, reads_now) in schedule
        .pieces
        .iter()
        .cycle()
        .zip(schedule.reads.iter().cycle())
    {
        if rest.is_empty() {
            break;
        }
        let (piece, tail) = rest.split_at((*piece).min(rest.len()));
        rest = tail;
        framing.push(piece);
        for _ in 0..reads_now.unwrap_or(usize::MAX) {
            if read_one(framing, &mut reads).is_none() {
                break;
            }
            if schedule.discard_after == Some(reads.len()) {
                discarded.push(framing.discard());
                break;
            }
        }
    }
    while read_one(framing, &mut reads).is_some() {}
    (reads, discarded, framing.finish())
}

/// `ReplyLine::parse` as it was written first, on chars: the reference for the byte version.
fn reference_parse(line: &str) -> Result<(u16, bool, &str), ReplyLineError> {
    let bytes = line.as_bytes();
    if bytes.len() < 3 || !bytes[..3].iter().all(u8::is_ascii_digit) {
        return Err(ReplyLineError::MissingCode);
    }
    let code = bytes[..3]
        .iter()
        .fold(0u16, |acc, d| acc * 10 + u16::from(d - b'0'));
    let mut chars = line[3..].chars();
    match chars.next() {
        None => Ok((code, true, "")),
        Some(' ') => Ok((code, true, chars.as_str())),
        Some('-') => Ok((code, false, chars.as_str())),
        Some(found) => Err(ReplyLineError::BadSeparator { found }),
    }
}

/// Text made of the pieces transcripts are made of: tool markers, reply codes, message
/// ends, s_client blocks, Python literals, CR and LF in odd places.
fn transcript_text() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("\n"),
        Just("\r\n"),
        Just("\r"),
        Just("250-"),
        Just("250 "),
        Just("334 "),
        Just("354 "),
        Just("221 "),
        Just("."),
        Just("BDAT 5"),
        Just("BDAT 0 LAST"),
        Just("STARTTLS"),
        Just("send: b'"),
        Just("reply: b'"),
        Just("\\r\\n"),
        Just("\\x"),
        Just("'"),
        Just("---"),
        Just("CONNECTED(00000003)"),
        Just("New, TLSv1.3, Cipher is X"),
        Just("RENEGOTIATING"),
        Just("=== "),
        Just(" -> "),
        Just("<-  "),
        Just("<~* "),
        Just("C: "),
        Just("S:"),
        Just("smtp-source: > "),
        Just("smtp-source: < "),
        Just("Traceback (most recent call last):"),
        Just("  File"),
        Just("$ "),
        Just("⇒ "),
        Just("é"),
        Just("http://x"),
        Just(" "),
    ];
    prop::collection::vec(token, 0..80).prop_map(|tokens| tokens.concat())
}

/// Every reader keeps every input line: the source lines run 1, 2, ... N in order (a line
/// may yield several), notes and only notes carry a kind, and a line's text comes from its
/// input line (smtplib decodes Python literals, so only its notes are checked).
fn check_every_line_kept(text: &str) -> Result<(), TestCaseError> {
    let inputs: Vec<&str> = if text.is_empty() {
        Vec::new()
    } else {
        let body = text.strip_suffix('\n').unwrap_or(text);
        body.split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect()
    };
    let (detected, _) = transcript::read(text);
    prop_assert!(transcript::Format::ALL.contains(&detected));
    for format in transcript::Format::ALL {
        let lines = format.read(text);
        let mut numbers: Vec<usize> = lines.iter().map(|l| l.source_line).collect();
        prop_assert!(
            numbers.windows(2).all(|w| w[0] <= w[1]),
            "{:?} out of order",
            format
        );
        numbers.dedup();
        prop_assert_eq!(
            numbers,
            (1..=inputs.len()).collect::<Vec<_>>(),
            "{:?}",
            format
        );
        for line in &lines {
            prop_assert_eq!(
                line.note.is_some(),
                line.direction == protocol::annotate::Direction::Note
            );
            let input = inputs[line.source_line - 1];
            if format != transcript::Format::Smtplib || line.note.is_some() {
                prop_assert!(
                    input.contains(line.text.as_str()),
                    "{:?}: {:?} not in {:?}",
                    format,
                    line.text,
                    input
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn base64_agrees_with_the_base64_crate(bytes in prop::collection::vec(any::<u8>(), 0..64), text in "[A-Za-z0-9+/=]{0,12}") {
        use base64::Engine as _;
        let reference = base64::engine::general_purpose::STANDARD;
        let ours = protocol::base64::encode(&bytes);
        prop_assert_eq!(&ours, &reference.encode(&bytes));
        prop_assert_eq!(protocol::base64::decode(&ours).ok(), Some(bytes));
        prop_assert_eq!(protocol::base64::decode(&text).ok(), reference.decode(&text).ok(), "{}", text);
    }

    #[test]
    fn md5_and_hmac_agree_with_the_md5_and_hmac_crates(key in prop::collection::vec(any::<u8>(), 0..130), data in prop::collection::vec(any::<u8>(), 0..200)) {
        use hmac::Mac as _;
        use md5::Digest as _;
        use protocol::auth::md5 as ours;
        prop_assert_eq!(ours::md5(&data), <[u8; 16]>::from(md5::Md5::digest(&data)));
        let mut mac = hmac::Hmac::<md5::Md5>::new_from_slice(&key).expect("any key length");
        mac.update(&data);
        prop_assert_eq!(ours::hmac_md5(&key, &data), <[u8; 16]>::from(mac.finalize().into_bytes()));
    }

    #[test]
    fn dot_stuffing_round_trips(msg in message(), chunk in 1usize..64) {
        let wire = stuff_message(&msg);
        let mut rx = DataReceiver::new(1 << 20);
        let mut status = DataStatus::Partial;
        for piece in wire.chunks(chunk) {
            prop_assert_eq!(&status, &DataStatus::Partial);
            status = rx.push(piece);
        }
        prop_assert_eq!(status, DataStatus::Complete { rest: Vec::new() });
        prop_assert_eq!(rx.message(), &msg[..]);
        prop_assert!(rx.findings().is_empty());
    }

    #[test]
    fn reply_format_then_parse(code in 200u16..600, lines in prop::collection::vec("[ -~]{0,60}", 1..12)) {
        let reply = Reply::new(ReplyCode::new(code).expect("below 1000"), &lines);
        let wire = reply.to_wire();
        let mut framer = LineFramer::new(2048);
        framer.push(wire.as_bytes());
        let mut asm = ReplyAssembler::default();
        let mut parsed = None;
        while let Some(line) = framer.next_line() {
            let line = line.expect("formatted lines are within the limit");
            prop_assert!(parsed.is_none(), "one reply only");
            parsed = asm.push(&line.to_text()).expect("formatted lines parse");
        }
        prop_assert_eq!(parsed, Some(reply));
    }

    #[test]
    fn framing_is_independent_of_chunking(lines in prop::collection::vec("[ -~]{0,100}", 0..30), chunk in 1usize..50) {
        let wire: String = lines.iter().map(|l| format!("{l}\r\n")).collect();
        let mut framer = LineFramer::new(512);
        let mut out = Vec::new();
        for piece in wire.as_bytes().chunks(chunk) {
            framer.push(piece);
            while let Some(line) = framer.next_line() {
                out.push(line.expect("short lines").to_text());
            }
        }
        prop_assert_eq!(out, lines);
    }

    #[test]
    fn command_parsing_never_panics_and_spans_are_in_bounds(line in "\\PC{0,600}") {
        let cmd = Command::parse(&line);
        prop_assert!(cmd.line.verb_span.end <= line.len());
        prop_assert!(cmd.line.args_span.end <= line.len());
        for finding in &cmd.findings {
            prop_assert!(finding.span.start <= finding.span.end && finding.span.end <= line.len(), "{:?}", finding);
            prop_assert!(line.is_char_boundary(finding.span.start) && line.is_char_boundary(finding.span.end), "{:?}", finding);
        }
    }

    #[test]
    fn transcripts_never_panic(text in "(\\PC{0,80}\n){0,20}") {
        let (_, lines) = transcript::annotate(&text, protocol::lang::Lang::ZhCn);
        prop_assert!(lines.len() <= text.lines().count() * 2 + 1);
    }

    #[test]
    fn any_text_reads_and_keeps_every_line(text in any::<String>()) {
        check_every_line_kept(&text)?;
    }

    #[test]
    fn tool_like_text_reads_and_keeps_every_line(text in transcript_text()) {
        check_every_line_kept(&text)?;
    }

    #[test]
    fn wire_messages_round_trip(host in "\\PC{0,40}", port in any::<u16>(), text in "\\PC{0,200}", at_ms in any::<u64>()) {
        let msgs = [
            ClientMsg::Connect(ConnectRequest { host: host.clone(), port, tls: TlsMode::Starttls, insecure: port % 2 == 0, ..ConnectRequest::default() }),
            ClientMsg::Lines { text: vec![text.clone(), String::new()] },
            ClientMsg::Line { text: text.clone() },
            ClientMsg::Close,
        ];
        for msg in msgs {
            prop_assert_eq!(ClientMsg::from_json(&msg.to_json()).expect("round trip"), msg);
        }
        let msg = ServerMsg::Line { text, at_ms, latency_ms: Some(at_ms / 2), encrypted: at_ms % 2 == 0 };
        prop_assert_eq!(ServerMsg::from_json(&msg.to_json()).expect("round trip"), msg);
    }
    #[test]
    fn text_framer_reads_what_line_framer_reads(input in server_bytes(), schedule in schedule(), small in 4usize..40, use_small in any::<bool>()) {
        let limit = if use_small { small } else { limits::SERVER_LINE_MAX };
        let bytes = read_stream(&mut LineFramer::new(limit), &input, &schedule);
        let text = read_stream(&mut TextFramer::new(limit), &input, &schedule);
        prop_assert_eq!(text, bytes);
    }

    #[test]
    fn reply_line_parse_matches_the_reference(code in "[0-9]{0,3}|[0-9]{2}[a-z]", rest in "[ a0é\r-]{0,6}") {
        let line = format!("{code}{rest}");
        let parsed = ReplyLine::parse(&line).map(|l| (l.code.get(), l.is_last, l.text));
        prop_assert_eq!(parsed, reference_parse(&line));
    }
}
