//! Property tests: round trips that must hold for every input, not just the ones we thought of.

use proptest::prelude::*;
use protocol::command::Command;
use protocol::dot::{DataReceiver, DataStatus, stuff_message};
use protocol::line::LineFramer;
use protocol::reply::{Reply, ReplyAssembler, ReplyCode};
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
    fn wire_messages_round_trip(host in "\\PC{0,40}", port in any::<u16>(), text in "\\PC{0,200}", at_ms in any::<u64>()) {
        let msgs = [
            ClientMsg::Connect(ConnectRequest { host: host.clone(), port, tls: TlsMode::Starttls, insecure: port % 2 == 0 }),
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
}
