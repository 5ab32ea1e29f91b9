//! The sequence diagram of a session: the client's and the server's lifelines, one arrow
//! per command (client → server) and per reply (server → client, a multi-line reply as
//! one arrow), coloured by the reply's class, with TLS and the close as notes.
//!
//! It is built as SVG text, plain Rust and tested natively, so the page shows and
//! downloads the very same document: the text is standalone (colours inline, no
//! stylesheet needed) and every piece of the transcript in it is XML-escaped.

use std::fmt::Write as _;

use protocol::lang::{Lang, Text};
use protocol::reply::ReplyClass;

use crate::transcript::{EntryKind, Transcript};
use crate::vocab::Notice;

const WIDTH: u32 = 640;
const CLIENT_X: u32 = 90;
const SERVER_X: u32 = 550;
const TOP: u32 = 44;
const ROW: u32 = 26;
/// Labels longer than this are cut with `…`, so an arrow's text stays on its arrow.
const LABEL_CHARS: usize = 62;

/// One row of the diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Row {
    /// A client line.
    Command { text: String, at_ms: Option<u64> },
    /// A server reply (all its lines): the first line and how many more followed.
    Reply {
        text: String,
        class: Option<ReplyClass>,
        more: usize,
        at_ms: Option<u64>,
    },
    /// TLS started, or the connection closed.
    Note(String),
}

fn rows(transcript: &Transcript, lang: Lang) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    for entry in transcript.iter() {
        match &entry.kind {
            EntryKind::Client { text, at_ms, .. } => rows.push(Row::Command {
                text: text.clone(),
                at_ms: *at_ms,
            }),
            EntryKind::Server {
                text, reply, at_ms, ..
            } => {
                let continues = reply.is_some_and(|r| !r.is_first);
                if continues && let Some(Row::Reply { more, .. }) = rows.last_mut() {
                    *more += 1;
                    continue;
                }
                rows.push(Row::Reply {
                    text: text.clone(),
                    class: reply.map(|r| r.class),
                    more: 0,
                    at_ms: *at_ms,
                });
            }
            EntryKind::Note { notice, .. } => {
                if matches!(notice, Notice::Tls { .. } | Notice::Closed { .. }) {
                    rows.push(Row::Note(crate::i18n::notice(lang, notice)));
                }
            }
        }
    }
    rows
}

/// The colour of a reply's arrow: green, blue, amber, red; grey when it is no reply.
fn colour(class: Option<ReplyClass>) -> &'static str {
    match class {
        Some(ReplyClass::PositiveCompletion) => "#2e9d4f",
        Some(ReplyClass::PositiveIntermediate) => "#2f7fd0",
        Some(ReplyClass::TransientNegative) => "#c98a0b",
        Some(ReplyClass::PermanentNegative) => "#d23b3b",
        _ => "#888888",
    }
}

/// `text` made safe inside an XML element or attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn cut(text: &str) -> String {
    if text.chars().count() > LABEL_CHARS {
        let mut short: String = text.chars().take(LABEL_CHARS - 1).collect();
        short.push('…');
        short
    } else {
        text.to_owned()
    }
}

/// The diagram of `transcript` as a standalone SVG document; labels in `lang`.
pub fn svg(transcript: &Transcript, lang: Lang) -> String {
    let rows = rows(transcript, lang);
    let height = TOP + ROW * (rows.len() as u32 + 1);
    let client = Text {
        en: "Client",
        zh: "客户端",
    }
    .get(lang);
    let server = Text {
        en: "Server",
        zh: "服务器",
    }
    .get(lang);
    let mut out = String::new();
    // `write!` to a String cannot fail.
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" id="sequence-svg" class="sequence" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="ui-monospace, monospace" font-size="12" role="img" aria-label="{client} / {server}">"##
    );
    let _ = write!(
        out,
        r##"<rect width="100%" height="100%" fill="#ffffff"/>"##
    );
    for (x, name) in [(CLIENT_X, client), (SERVER_X, server)] {
        let _ = write!(
            out,
            r##"<rect x="{}" y="6" width="120" height="24" rx="4" fill="#eef1f5" stroke="#55606e"/><text x="{x}" y="22" text-anchor="middle" fill="#1b2430" font-weight="bold">{name}</text><line x1="{x}" y1="30" x2="{x}" y2="{height}" stroke="#9aa4b1" stroke-dasharray="4 4"/>"##,
            x - 60
        );
    }
    for (i, row) in rows.iter().enumerate() {
        let y = TOP + ROW * (i as u32) + 14;
        match row {
            Row::Command { text, at_ms } => {
                arrow(&mut out, y, true, "#1b2430", "command", &cut(text), *at_ms);
            }
            Row::Reply {
                text,
                class,
                more,
                at_ms,
            } => {
                let label = if *more > 0 {
                    format!("{} (+{more})", cut(text))
                } else {
                    cut(text)
                };
                arrow(&mut out, y, false, colour(*class), "reply", &label, *at_ms);
            }
            Row::Note(text) => {
                let _ = write!(
                    out,
                    r##"<text class="note" x="{}" y="{y}" text-anchor="middle" fill="#55606e" font-style="italic">{}</text>"##,
                    (CLIENT_X + SERVER_X) / 2,
                    escape(&cut(text))
                );
            }
        }
    }
    out.push_str("</svg>");
    out
}

/// One arrow with its label above it, and the time on the left.
fn arrow(
    out: &mut String,
    y: u32,
    to_server: bool,
    colour: &str,
    kind: &str,
    label: &str,
    at_ms: Option<u64>,
) {
    let (from, to, head) = if to_server {
        (CLIENT_X, SERVER_X, SERVER_X - 8)
    } else {
        (SERVER_X, CLIENT_X, CLIENT_X + 8)
    };
    let _ = write!(
        out,
        r##"<g class="{kind}"><line x1="{from}" y1="{y}" x2="{to}" y2="{y}" stroke="{colour}" stroke-width="1.5"/><polygon points="{to},{y} {head},{} {head},{}" fill="{colour}"/><text x="{}" y="{}" text-anchor="middle" fill="{colour}">{}</text>"##,
        y - 4,
        y + 4,
        (CLIENT_X + SERVER_X) / 2,
        y - 4,
        escape(label)
    );
    if let Some(ms) = at_ms {
        let _ = write!(
            out,
            r##"<text x="4" y="{y}" fill="#7a8491" font-size="10">+{ms}ms</text>"##
        );
    }
    out.push_str("</g>");
}

/// A `data:` URL holding `svg`, for the download link.
pub fn data_url(svg: &str) -> String {
    let mut url = String::from("data:image/svg+xml;charset=utf-8,");
    for byte in svg.bytes() {
        // Spaces too are encoded: `+` would not read as a space in a data URL.
        if byte.is_ascii_alphanumeric() || b"-_.~=/:;,".contains(&byte) {
            url.push(byte as char);
        } else {
            let _ = write!(url, "%{byte:02X}");
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::{Annotators, Tone};

    fn transcript() -> Transcript {
        let mut annotators = Annotators::default();
        let mut t = Transcript::default();
        let mut server = |t: &mut Transcript, text: &str| {
            let annotated = annotators.server_line(text);
            t.push(EntryKind::Server {
                text: text.into(),
                reply: annotated.reply,
                at_ms: Some(3),
                latency_ms: None,
                encrypted: false,
                annotation: annotated.annotation,
            });
        };
        server(&mut t, "220 mx ESMTP");
        t.push(EntryKind::Client {
            text: "EHLO <me>".into(),
            line: None,
            kind: protocol::annotate::LineKind::Command,
            at_ms: Some(5),
            encrypted: false,
            annotation: Annotators::default().client_line("EHLO me").annotation,
        });
        server(&mut t, "250-mx");
        server(&mut t, "250-PIPELINING");
        server(&mut t, "250 SIZE 10240000");
        server(&mut t, "550 5.1.1 unknown & gone");
        t.push(EntryKind::Note {
            tone: Tone::Info,
            notice: Notice::Closed {
                reason: "bye".into(),
            },
            annotation: None,
        });
        t
    }

    #[test]
    fn each_command_and_reply_is_one_arrow_coloured_by_class() {
        let svg = svg(&transcript(), Lang::En);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>"));
        assert_eq!(svg.matches(r#"<g class="command">"#).count(), 1);
        assert_eq!(svg.matches(r#"<g class="reply">"#).count(), 3);
        assert!(svg.contains("EHLO &lt;me&gt;"), "escaped: {svg}");
        assert!(
            svg.contains("250-mx (+2)"),
            "a multi-line reply is one arrow"
        );
        assert!(svg.contains("unknown &amp; gone"));
        assert!(svg.contains("#d23b3b"), "the 5xx is red");
        assert!(svg.contains("#2e9d4f"), "the 2xx are green");
        assert!(svg.contains("Connection closed: bye."));
        assert!(svg.contains(">Client<") && svg.contains(">Server<"));
        assert!(crate::sequence::svg(&transcript(), Lang::ZhCn).contains(">客户端<"));
    }

    #[test]
    fn long_labels_are_cut_and_the_data_url_is_encoded() {
        assert_eq!(cut(&"x".repeat(100)).chars().count(), LABEL_CHARS);
        let url = data_url(r##"<svg a="#1"> é</svg>"##);
        assert_eq!(
            url,
            "data:image/svg+xml;charset=utf-8,%3Csvg%20a=%22%231%22%3E%20%C3%A9%3C/svg%3E"
        );
    }
}
