//! What the message typed after `354` looks like so far: its header block, the blank line
//! that ends it, and which of the headers the tutorial asks for are there.

/// Where the message being typed stands (RFC 5322 2.1: header fields, then an empty line,
/// then the body).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HeaderState {
    /// Nothing typed yet.
    #[default]
    Start,
    /// Inside the header block.
    Headers,
    /// After the first empty line: every line is body text, an empty one a paragraph break.
    Body,
    /// The first line was not a header field: the message has no header block.
    NoHeaders,
}

/// The most header fields kept of one message, and the longest value kept of each (RFC
/// 5322 2.1.1's line limit): a lesson reads them, a runaway paste must not grow memory.
const FIELDS_MAX: usize = 64;
const VALUE_MAX: usize = 998;

/// The header block of the message typed so far; the tutorial's "begin with subject:,
/// from:, to:" advice, and the fields themselves (name as typed, value unfolded) for a
/// lesson that compares them with the envelope.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct BodyHeaders {
    state: HeaderState,
    /// Lines of message text seen so far.
    lines: usize,
    /// The number of the message's line where the body starts (after the header block
    /// and its empty line), once known.
    body_from: Option<usize>,
    pub(super) fields: Vec<(String, String)>,
    pub(super) from: bool,
    pub(super) to: bool,
    pub(super) subject: bool,
    pub(super) date: bool,
}

impl BodyHeaders {
    pub(super) fn state(&self) -> HeaderState {
        self.state
    }

    /// The last line's number counted from the start of the body (the header block and
    /// its empty line not counted); `None` for a header line or that empty line.
    pub(super) fn body_number(&self) -> Option<usize> {
        self.body_from
            .filter(|from| self.lines >= *from)
            .map(|from| self.lines - from + 1)
    }

    /// Records one line of message text (already unstuffed).
    pub(super) fn observe(&mut self, line: &[u8]) {
        self.lines += 1;
        let in_header = matches!(self.state, HeaderState::Start | HeaderState::Headers);
        if !in_header {
            return;
        }
        if line.is_empty() {
            self.state = if self.state == HeaderState::Start {
                HeaderState::NoHeaders
            } else {
                HeaderState::Body
            };
            // The body starts after the empty line.
            self.body_from = Some(self.lines + 1);
            return;
        }
        let folded = line.starts_with(b" ") || line.starts_with(b"\t");
        let text = String::from_utf8_lossy(line);
        let continues = folded && self.state == HeaderState::Headers;
        if !(looks_like_header(&text) || continues) {
            self.state = if self.state == HeaderState::Start {
                HeaderState::NoHeaders
            } else {
                HeaderState::Body
            };
            // No empty line: the body starts with this line.
            self.body_from = Some(self.lines);
            return;
        }
        self.state = HeaderState::Headers;
        if continues {
            if let Some((_, value)) = self.fields.last_mut()
                && value.len() < VALUE_MAX
            {
                value.push(' ');
                value.push_str(text.trim());
            }
            return;
        }
        let (name, value) = text.split_once(':').unwrap_or_default();
        if self.fields.len() < FIELDS_MAX {
            let mut value = value.trim().to_owned();
            if value.len() > VALUE_MAX {
                let mut cut = VALUE_MAX;
                while !value.is_char_boundary(cut) {
                    cut -= 1;
                }
                value.truncate(cut);
            }
            self.fields.push((name.to_owned(), value));
        }
        let name = name.to_ascii_lowercase();
        match name.as_str() {
            "from" => self.from = true,
            "to" => self.to = true,
            "subject" => self.subject = true,
            "date" => self.date = true,
            _ => {}
        }
    }
}

/// Whether a line has the `Name: value` shape of a header field (RFC 5322 2.2).
pub(crate) fn looks_like_header(line: &str) -> bool {
    line.split_once(':').is_some_and(|(name, _)| {
        !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && b != b':')
    })
}
