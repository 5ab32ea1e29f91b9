//! The DATA phase: `DataReceiver` on arbitrary bytes in input-driven chunks must agree
//! with itself fed in one piece, never store more than its limit, and read back exactly
//! what `stuff_message` wrote.
//!
//! Input: control bytes (the first picks the size limit, the rest are chunk sizes), then
//! the bytes received after `354`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::dot::{DataReceiver, DataStatus, stuff_message};
use protocol_fuzz::{chunks, split_control};

/// Feeds chunks until the message completes; returns the receiver, the last status and
/// the bytes after the end marker (those the receiver handed back plus any not fed).
fn receive<'a>(
    max: usize,
    mut pieces: impl Iterator<Item = &'a [u8]>,
) -> (DataReceiver, DataStatus, Vec<u8>) {
    let mut rx = DataReceiver::new(max);
    let mut status = DataStatus::Partial;
    for piece in pieces.by_ref() {
        status = rx.push(piece);
        assert!(rx.message().len() <= max, "stored past the limit");
        if let DataStatus::Complete { .. } = status {
            break;
        }
    }
    let mut rest = match &status {
        DataStatus::Complete { rest } => rest.clone(),
        _ => Vec::new(),
    };
    for piece in pieces {
        rest.extend_from_slice(piece);
    }
    (rx, status, rest)
}

/// Each line with its ending made CRLF, as `stuff_message` writes it, without the stuffing.
fn normalized(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    if message.is_empty() {
        return out;
    }
    let body = message.strip_suffix(b"\n").unwrap_or(message);
    for line in body.split(|&b| b == b'\n') {
        out.extend_from_slice(line.strip_suffix(b"\r").unwrap_or(line));
        out.extend_from_slice(b"\r\n");
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let (control, stream) = split_control(data);
    let max = match control.first() {
        Some(&b) => usize::from(b) * 4,
        None => 1 << 20,
    };
    let sizes = control.get(1..).unwrap_or_default();

    let (whole, whole_status, whole_rest) = receive(max, std::iter::once(stream));
    let (split, split_status, split_rest) = receive(max, chunks(stream, sizes));
    assert_eq!(
        whole.message(),
        split.message(),
        "chunking changed the message"
    );
    assert_eq!(
        std::mem::discriminant(&whole_status),
        std::mem::discriminant(&split_status)
    );
    assert_eq!(
        whole.findings(),
        split.findings(),
        "chunking changed the findings"
    );
    assert_eq!(
        whole_rest, split_rest,
        "chunking changed the bytes after the end"
    );
    assert_eq!(whole.exceeded(), split.exceeded());
    if !whole.exceeded() {
        assert_ne!(whole_status, DataStatus::TooBig);
    }

    // Whatever the bytes, their stuffed form is one message that reads back unchanged.
    let wire = stuff_message(stream);
    let (rx, status, rest) = receive(usize::MAX / 4, chunks(&wire, sizes));
    assert_eq!(status, DataStatus::Complete { rest: Vec::new() });
    assert!(!rx.exceeded());
    assert!(rest.is_empty());
    assert_eq!(rx.message(), normalized(stream).as_slice());
});
