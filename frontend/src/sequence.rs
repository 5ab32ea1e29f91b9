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
use crate::vocab::{Notice, Theme};

/// The top of the first row (below the two heads), and each row's height: its label, its
/// arrow, and under the arrow the time on the sender's side.
const TOP: u32 = 44;
const ROW: u32 = 38;
/// A character of the 12 px monospace labels is about this wide (CJK twice as wide).
const CHAR_W: f32 = 7.2;

/// How wide the diagram is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// 320 units, drawn one unit per CSS pixel: fits the side column and a phone, with
    /// both lifelines in view and every label at its full 11-12 px.
    Compact,
    /// 640 units: the downloaded file, with room for longer lines.
    Wide,
}

impl Size {
    /// The width, and the x of the client's and the server's lifelines.
    fn geometry(self) -> (u32, u32, u32) {
        match self {
            Size::Compact => (320, 40, 280),
            Size::Wide => (640, 90, 550),
        }
    }
}

/// The colours of one theme, written inline so the document needs no stylesheet; the page's
/// own theme colours (style.css) for the same roles.
struct Palette {
    background: &'static str,
    head: &'static str,
    head_border: &'static str,
    text: &'static str,
    lifeline: &'static str,
    muted: &'static str,
    command: &'static str,
    /// 2xx, 3xx, 4xx, 5xx, and no reply class.
    replies: [&'static str; 5],
}

const DARK: Palette = Palette {
    background: "#161b22",
    head: "#0d1117",
    head_border: "#30363d",
    text: "#e6edf3",
    lifeline: "#6e7681",
    muted: "#8b949e",
    command: "#d2a8ff",
    replies: ["#3fb950", "#58a6ff", "#d29922", "#f85149", "#8b949e"],
};

const LIGHT: Palette = Palette {
    background: "#ffffff",
    head: "#f6f8fa",
    head_border: "#d0d7de",
    text: "#1f2328",
    lifeline: "#8c959f",
    muted: "#59636e",
    command: "#8250df",
    replies: ["#1a7f37", "#0969da", "#9a6700", "#cf222e", "#59636e"],
};

impl Palette {
    fn of(theme: Theme) -> &'static Palette {
        match theme {
            Theme::Dark => &DARK,
            Theme::Light => &LIGHT,
        }
    }

    /// The colour of a reply's arrow: green, blue, amber, red; grey when it is no reply.
    fn reply(&self, class: Option<ReplyClass>) -> &'static str {
        let [ok, more, later, fail, other] = self.replies;
        match class {
            Some(ReplyClass::PositiveCompletion) => ok,
            Some(ReplyClass::PositiveIntermediate) => more,
            Some(ReplyClass::TransientNegative) => later,
            Some(ReplyClass::PermanentNegative) => fail,
            _ => other,
        }
    }
}

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

/// The lines the panel draws at most: the newest, so an open panel costs the same on the
/// 20th line of a session and on its 2,000th (the download has them all).
pub const SHOWN_LINES: usize = 200;

/// Which lines of the transcript a drawing takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// All of them (the download).
    Whole,
    /// The newest [`SHOWN_LINES`], after a note saying how many came before (the panel).
    Newest,
}

fn rows(transcript: &Transcript, lang: Lang, span: Span) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    let skip = match span {
        Span::Whole => 0,
        Span::Newest => transcript.len().saturating_sub(SHOWN_LINES),
    };
    if skip > 0 {
        rows.push(Row::Note(crate::i18n::terminal::earlier_lines(lang, skip)));
    }
    for entry in transcript.iter_from(skip) {
        match &entry.kind {
            EntryKind::Client { text, at_ms, .. } => rows.push(Row::Command {
                // The blank line that ends the headers would be an arrow without a word.
                text: if text.is_empty() {
                    Text {
                        en: "(empty line)",
                        zh: "（空行）",
                    }
                    .get(lang)
                    .to_owned()
                } else {
                    text.clone()
                },
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

/// How many monospace columns `c` takes: CJK and other wide characters two.
fn columns(c: char) -> usize {
    if c >= '\u{1100}' { 2 } else { 1 }
}

/// `text` cut with `…` to at most `max` columns, so a label stays between the lifelines.
fn cut(text: &str, max: usize) -> String {
    if text.chars().map(columns).sum::<usize>() <= max {
        return text.to_owned();
    }
    let mut short = String::new();
    let mut used = 1;
    for c in text.chars() {
        if used + columns(c) > max {
            break;
        }
        used += columns(c);
        short.push(c);
    }
    short.push('…');
    short
}

/// The diagram of `transcript` as a standalone SVG document: labels in `lang`, drawn at
/// `size` in the colours of `theme`, with the lines `span` says.
pub fn svg(transcript: &Transcript, lang: Lang, size: Size, theme: Theme, span: Span) -> String {
    let rows = rows(transcript, lang, span);
    let palette = Palette::of(theme);
    let (width, client_x, server_x) = size.geometry();
    // Columns a label between the lifelines, and a note across the drawing, may take.
    let between = ((server_x - client_x - 16) as f32 / CHAR_W) as usize;
    let across = ((width - 8) as f32 / CHAR_W) as usize;
    let height = TOP + ROW * rows.len() as u32 + 8;
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
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="sequence" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="ui-monospace, 'DejaVu Sans Mono', monospace" font-size="12" role="img" aria-label="{client} / {server}">"##
    );
    let _ = write!(
        out,
        r##"<rect width="100%" height="100%" fill="{}"/>"##,
        palette.background
    );
    for (x, name) in [(client_x, client), (server_x, server)] {
        let _ = write!(
            out,
            r##"<rect x="{}" y="6" width="72" height="24" rx="4" fill="{}" stroke="{}"/><text x="{x}" y="22" text-anchor="middle" fill="{}" font-weight="bold">{name}</text><line x1="{x}" y1="30" x2="{x}" y2="{height}" stroke="{}" stroke-dasharray="4 4"/>"##,
            x - 36,
            palette.head,
            palette.head_border,
            palette.text,
            palette.lifeline
        );
    }
    let middle = (client_x + server_x) / 2;
    for (i, row) in rows.iter().enumerate() {
        let top = TOP + ROW * (i as u32);
        let arrow = Arrow {
            top,
            client_x,
            server_x,
            palette,
        };
        match row {
            Row::Command { text, at_ms } => {
                arrow.draw(
                    &mut out,
                    true,
                    palette.command,
                    "command",
                    &cut(text, between),
                    *at_ms,
                );
            }
            Row::Reply {
                text,
                class,
                more,
                at_ms,
            } => {
                let label = if *more > 0 {
                    let suffix = format!(" (+{more})");
                    format!("{}{suffix}", cut(text, between - suffix.len()))
                } else {
                    cut(text, between)
                };
                let colour = palette.reply(*class);
                arrow.draw(&mut out, false, colour, "reply", &label, *at_ms);
            }
            Row::Note(text) => {
                let _ = write!(
                    out,
                    r##"<text class="note" x="{middle}" y="{}" text-anchor="middle" fill="{}" font-style="italic">{}</text>"##,
                    top + 22,
                    palette.muted,
                    escape(&cut(text, across))
                );
            }
        }
    }
    out.push_str("</svg>");
    out
}

/// Where one row's arrow goes.
struct Arrow {
    top: u32,
    client_x: u32,
    server_x: u32,
    palette: &'static Palette,
}

impl Arrow {
    /// The arrow with its label above it and, under it on the sender's side, the time.
    fn draw(
        &self,
        out: &mut String,
        to_server: bool,
        colour: &str,
        kind: &str,
        label: &str,
        at_ms: Option<u64>,
    ) {
        let (client_x, server_x) = (self.client_x, self.server_x);
        let y = self.top + 19;
        let (from, to, head) = if to_server {
            (client_x, server_x, server_x - 8)
        } else {
            (server_x, client_x, client_x + 8)
        };
        let _ = write!(
            out,
            r##"<g class="{kind}"><line x1="{from}" y1="{y}" x2="{to}" y2="{y}" stroke="{colour}" stroke-width="1.5"/><polygon points="{to},{y} {head},{} {head},{}" fill="{colour}"/><text x="{}" y="{}" text-anchor="middle" fill="{colour}">{}</text>"##,
            y - 4,
            y + 4,
            (client_x + server_x) / 2,
            y - 6,
            escape(label)
        );
        if let Some(ms) = at_ms {
            let (x, anchor) = if to_server {
                (client_x + 6, "start")
            } else {
                (server_x - 6, "end")
            };
            let _ = write!(
                out,
                r##"<text class="at" x="{x}" y="{}" text-anchor="{anchor}" fill="{}" font-size="11">+{ms} ms</text>"##,
                y + 13,
                self.palette.muted
            );
        }
        out.push_str("</g>");
    }
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
        let svg = svg(
            &transcript(),
            Lang::En,
            Size::Wide,
            Theme::Light,
            Span::Whole,
        );
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
        assert!(svg.contains("#cf222e"), "the 5xx is red");
        assert!(svg.contains("#1a7f37"), "the 2xx are green");
        assert!(svg.contains("Connection closed: bye."));
        assert!(svg.contains(">Client<") && svg.contains(">Server<"));
        assert!(
            crate::sequence::svg(
                &transcript(),
                Lang::ZhCn,
                Size::Wide,
                Theme::Light,
                Span::Whole
            )
            .contains(">客户端<")
        );
    }

    #[test]
    fn the_compact_dark_diagram_fits_a_phone_and_follows_the_theme() {
        let svg = svg(
            &transcript(),
            Lang::ZhCn,
            Size::Compact,
            Theme::Dark,
            Span::Whole,
        );
        assert!(svg.contains(r#"width="320""#), "{svg:.200}");
        assert!(svg.contains(r##"fill="#161b22""##), "the dark panel colour");
        assert!(!svg.contains("#ffffff"), "nothing white in the dark theme");
        assert!(svg.contains("+5 ms"), "the time of the command");
        // Every label between the lifelines fits there: 224 units of 7.2 each at most.
        for label in svg.split("text-anchor=\"middle\"").skip(3) {
            let text = &label[label.find('>').expect("a text") + 1..];
            let text = &text[..text.find('<').expect("its end")];
            let width: usize = text.chars().map(columns).sum();
            assert!(width as f32 * CHAR_W <= 312.0, "{text:?} fits");
        }
    }

    #[test]
    fn the_panel_draws_the_newest_lines_and_says_how_many_came_before() {
        let mut t = transcript();
        for i in 0..SHOWN_LINES {
            t.push(EntryKind::Client {
                text: format!("NOOP {i}"),
                line: None,
                kind: protocol::annotate::LineKind::Command,
                at_ms: None,
                encrypted: false,
                annotation: Annotators::default().client_line("NOOP").annotation,
            });
        }
        let before = t.len() - SHOWN_LINES;
        let shown = svg(&t, Lang::En, Size::Compact, Theme::Dark, Span::Newest);
        assert_eq!(shown.matches(r#"<g class="command">"#).count(), SHOWN_LINES);
        assert!(
            shown.contains(&format!("… {before} earlier lines")),
            "{shown:.600}"
        );
        assert!(!shown.contains("EHLO"), "the oldest lines are left out");
        let whole = svg(&t, Lang::En, Size::Wide, Theme::Light, Span::Whole);
        assert_eq!(
            whole.matches(r#"<g class="command">"#).count(),
            SHOWN_LINES + 1
        );
        assert!(!whole.contains("earlier lines"));
    }

    #[test]
    fn long_labels_are_cut_and_the_data_url_is_encoded() {
        assert_eq!(cut(&"x".repeat(100), 30).chars().count(), 30);
        assert_eq!(cut(&"x".repeat(30), 30), "x".repeat(30));
        // Chinese characters take two columns each.
        assert_eq!(cut(&"连".repeat(20), 30), format!("{}…", "连".repeat(14)));
        let url = data_url(r##"<svg a="#1"> é</svg>"##);
        assert_eq!(
            url,
            "data:image/svg+xml;charset=utf-8,%3Csvg%20a=%22%231%22%3E%20%C3%A9%3C/svg%3E"
        );
    }
}
