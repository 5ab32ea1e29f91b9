//! The DATA payload, built once in the form each path sends it, so building it is never
//! part of a timing.
//!
//! The body is [`BODY_BYTES`] of 76-character lines (78 with CRLF), none starting with a
//! dot, then the lone `.` line.

use protocol::wire::ClientMsg;
use tokio_tungstenite::tungstenite::Utf8Bytes;

/// Body size the issue asks for: 25 MB.
pub(crate) const BODY_BYTES: usize = 25_000_000;

/// Characters per body line, without CRLF.
const LINE_CHARS: usize = 76;

/// The body, four ways.
#[derive(Debug)]
pub(crate) struct Body {
    /// Bytes of the body lines as the server receives them (CRLF included, final dot not).
    pub(crate) size: usize,
    /// Direct TCP: the wire bytes, final `.\r\n` included.
    pub(crate) raw: Vec<u8>,
    /// The bridge: `lines` messages, each as large as `max_message` allows, the last one
    /// holding the final `.`.
    pub(crate) batches: Vec<Utf8Bytes>,
    /// The bridge, line by line: one `line` message per line, as the page sends what is
    /// typed; the final `.` last.
    pub(crate) line_messages: Vec<Utf8Bytes>,
    /// websocat: one message per line, the final `.` last.
    pub(crate) lines: Vec<Utf8Bytes>,
}

impl Body {
    /// Builds the body; `ws_suffix` ends each websocat message (see `client.rs`).
    pub(crate) fn new(max_message: usize, ws_suffix: &str) -> Self {
        let count = BODY_BYTES / (LINE_CHARS + 2);
        let lines: Vec<String> = (0..count).map(body_line).collect();
        let size = count * (LINE_CHARS + 2);

        let mut raw = Vec::with_capacity(size + 3);
        for line in &lines {
            raw.extend_from_slice(line.as_bytes());
            raw.extend_from_slice(b"\r\n");
        }
        raw.extend_from_slice(b".\r\n");

        let mut wire_lines: Vec<Utf8Bytes> = lines
            .iter()
            .map(|line| Utf8Bytes::from(format!("{line}{ws_suffix}")))
            .collect();
        wire_lines.push(Utf8Bytes::from(format!(".{ws_suffix}")));

        let mut all = lines;
        all.push(".".to_owned());
        let line_messages = all
            .iter()
            .map(|text| {
                let message = ClientMsg::Line { text: text.clone() };
                Utf8Bytes::from(message.to_json())
            })
            .collect();
        Self {
            size,
            raw,
            batches: batches(all, max_message),
            line_messages,
            lines: wire_lines,
        }
    }
}

/// Line `n`: printable ASCII that never needs JSON escaping and never starts with a dot.
fn body_line(n: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    (0..LINE_CHARS)
        .map(|i| char::from(ALPHABET[(n * 7 + i) % ALPHABET.len()]))
        .collect()
}

/// Groups `lines` into `lines` messages of at most `max_message` bytes of JSON each.
fn batches(lines: Vec<String>, max_message: usize) -> Vec<Utf8Bytes> {
    // `{"type":"lines","text":[` + `]}`; each line adds its quotes and a comma.
    const FRAME: usize = 26;
    let mut out = Vec::new();
    let mut batch: Vec<String> = Vec::new();
    let mut size = FRAME;
    for line in lines {
        let cost = line.len() + 3;
        if !batch.is_empty() && size + cost > max_message {
            out.push(encode(std::mem::take(&mut batch)));
            size = FRAME;
        }
        size += cost;
        batch.push(line);
    }
    if !batch.is_empty() {
        out.push(encode(batch));
    }
    out
}

fn encode(text: Vec<String>) -> Utf8Bytes {
    Utf8Bytes::from(ClientMsg::Lines { text }.to_json())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_forms_carry_the_same_lines_within_the_limit() {
        let limit = 64 * 1024;
        let body = Body::new(limit, "\r");
        assert!(body.size <= BODY_BYTES && body.size > BODY_BYTES - 100);
        assert!(body.raw.ends_with(b"\r\n.\r\n"));
        assert_eq!(body.raw.len(), body.size + 3);
        assert_eq!(body.lines.len(), body.size / 78 + 1);
        let mut count = 0;
        for (i, batch) in body.batches.iter().enumerate() {
            assert!(batch.len() <= limit, "batch {i}: {} bytes", batch.len());
            match ClientMsg::from_json(batch.as_str()).expect("valid JSON") {
                ClientMsg::Lines { text } => {
                    assert!(text.iter().all(|l| l.len() == 76 || l == "."));
                    count += text.len();
                }
                other => panic!("expected lines, got {other:?}"),
            }
        }
        assert_eq!(count, body.lines.len());
        assert_eq!(body.line_messages.len(), body.lines.len());
        for (message, wire) in body.line_messages.iter().zip(&body.lines) {
            match ClientMsg::from_json(message.as_str()).expect("valid JSON") {
                ClientMsg::Line { text } => assert_eq!(format!("{text}\r"), wire.as_str()),
                other => panic!("expected line, got {other:?}"),
            }
        }
        // Batches are full: all but the last are within one line of the limit.
        let first = body.batches.first().expect("a batch").len();
        assert!(first > limit - 80, "{first}");
    }
}
