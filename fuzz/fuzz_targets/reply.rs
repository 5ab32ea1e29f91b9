//! Server bytes: `LineFramer` (owned and borrowed lines), `TextFramer` (the bridge's, held
//! to `LineFramer` line for line), `ReplyLine`, `ReplyAssembler`, `Reply::to_wire` and the
//! EHLO capability readers on arbitrary bytes in arbitrary chunks.
//!
//! Input: control bytes (chunk sizes), then the byte stream a server might send.
#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::extension::{Capabilities, Extension};
use protocol::limits;
use protocol::line::{LineFramer, TextFramer};
use protocol::reply::{Reply, ReplyAssembler, ReplyLine};
use protocol_fuzz::{chunks, split_control};

/// Frames and assembles a whole stream, checking each line on the way.
fn read(stream: &[u8], sizes: &[u8]) -> Vec<Reply> {
    let mut owned = LineFramer::new(limits::SERVER_LINE_MAX);
    let mut borrowed = LineFramer::new(limits::SERVER_LINE_MAX);
    let mut text_framer = TextFramer::new(limits::SERVER_LINE_MAX);
    let mut assembler = ReplyAssembler::default();
    let mut replies = Vec::new();
    for chunk in chunks(stream, sizes) {
        owned.push(chunk);
        borrowed.push(chunk);
        text_framer.push(chunk);
        loop {
            let a = owned.next_line();
            let b = borrowed.next_line_ref().map(|r| r.map(|l| l.to_line()));
            assert_eq!(a, b, "owned and borrowed framing differ");
            let c = text_framer
                .next_line()
                .map(|r| r.map(|l| (l.text.to_owned(), l.ending)));
            let expected = a.clone().map(|r| r.map(|l| (l.to_text(), l.ending)));
            assert_eq!(c, expected, "TextFramer differs from LineFramer");
            let Some(Ok(line)) = a else {
                if a.is_none() {
                    break;
                }
                continue;
            };
            assert!(!line.bytes.contains(&b'\n'));
            assert!(line.bytes.len() + 2 <= limits::SERVER_LINE_MAX);
            let text = line.to_text();
            if let Ok(parsed) = ReplyLine::parse(&text) {
                assert!(text.ends_with(parsed.text));
                assert!(parsed.code.get() <= 999);
            }
            if let Ok(Some(reply)) = assembler.push(&text) {
                replies.push(reply);
            }
        }
        assert!(owned.buffered() < limits::SERVER_LINE_MAX);
    }
    let rest = owned.finish();
    assert_eq!(
        text_framer.finish(),
        rest.as_deref()
            .map(|b| String::from_utf8_lossy(b).into_owned())
    );
    assert_eq!(rest, borrowed.finish());
    replies
}

fuzz_target!(|data: &[u8]| {
    let (sizes, stream) = split_control(data);
    let replies = read(stream, sizes);
    for reply in &replies {
        assert!(reply.line_count() >= 1);
        assert_eq!(reply.lines().count(), reply.line_count());
        // What we would send again reads back as the same reply, unless replacing invalid
        // UTF-8 (one byte becomes the three of U+FFFD) pushed a line past the limit.
        let fits = reply
            .lines()
            .all(|line| line.len() + "250-\r\n".len() <= limits::SERVER_LINE_MAX);
        let wire = reply.to_wire();
        let again = read(wire.as_bytes(), &[]);
        if fits {
            assert_eq!(again.as_slice(), std::slice::from_ref(reply), "{wire:?}");
        }
        let caps = Capabilities::from_reply(reply);
        assert_eq!(caps.extensions.len(), reply.line_count() - 1);
        for ext in &caps.extensions {
            assert!(caps.has(ext.keyword()));
            let _ = (ext.reference(), ext.explanation());
        }
        let _ = (caps.auth_mechanisms(), caps.size_limit());
        for line in reply.lines() {
            let _ = Extension::parse(line);
        }
    }
});
