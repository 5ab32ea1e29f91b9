//! RFC 5322 3.4 address lists: `"Doe, John" <john@example.com>, undisclosed-recipients:;`.
//!
//! A field value (unfolded, as the mailbox API gives it) is split into tokens once (words,
//! quoted strings, comments, domain literals and the specials `<>@,:;`), then read as
//! mailboxes and groups. The obsolete syntax of RFC 5322 4.4 that real mail still carries
//! is read too: a route in angle brackets (`<@relay:bob@example.com>`), empty list
//! elements, white space and comments around the dots of a local part, a trailing comment
//! as the only name (`bob@example.com (Bob)`). Reading never fails: what is not an address
//! comes back as [`AddressEntry::Unreadable`] with its text.

use std::fmt;

/// An address as mail systems compare it: the local part's value (quoting and escapes
/// removed, so `"john"@example.com` is `john@example.com`) and the domain as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddrSpec {
    /// The local part, unquoted (`john doe` for `"john doe"@example.com`).
    pub local: String,
    /// The domain, or a domain literal such as `[192.0.2.1]`; empty when there was none.
    pub domain: String,
}

impl AddrSpec {
    /// Whether this is the null path `<>` (the envelope sender of a bounce).
    pub fn is_null(&self) -> bool {
        self.local.is_empty() && self.domain.is_empty()
    }

    /// Whether both name the same mailbox: the domain compared without regard to case
    /// (RFC 5321 2.4, RFC 4343), the local part exactly or, with
    /// [`Self::same_but_case`], up to case.
    pub fn same_mailbox(&self, other: &AddrSpec) -> bool {
        self.domain_matches(other) && self.local == other.local
    }

    /// Whether the two differ only in the case of their local parts. RFC 5321 2.4 makes
    /// local parts case-sensitive, but discourages relying on it, and nearly every server
    /// delivers `Bob@` and `bob@` to one mailbox.
    pub fn same_but_case(&self, other: &AddrSpec) -> bool {
        self.domain_matches(other)
            && self.local != other.local
            && self.local.eq_ignore_ascii_case(&other.local)
    }

    /// Domains are compared in ASCII case (DNS names are, RFC 4343); a UTF-8 domain
    /// (RFC 6531) compares its other characters exactly. Full Unicode case folding would
    /// bring its tables into the page's WebAssembly, for no address anyone uses.
    fn domain_matches(&self, other: &AddrSpec) -> bool {
        self.domain.eq_ignore_ascii_case(&other.domain)
    }
}

/// The address as it would be written: the local part quoted when it is not a dot-atom
/// (`"john doe"@example.com`); the null path is empty.
impl fmt::Display for AddrSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if is_dot_atom(&self.local) {
            f.write_str(&self.local)?;
        } else if !self.is_null() {
            f.write_str("\"")?;
            for c in self.local.chars() {
                if c == '"' || c == '\\' {
                    f.write_str("\\")?;
                }
                write!(f, "{c}")?;
            }
            f.write_str("\"")?;
        }
        if !self.domain.is_empty() {
            write!(f, "@{}", self.domain)?;
        }
        Ok(())
    }
}

/// One mailbox of an address field: a name, if any, and its address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mailbox {
    /// The display name (`John Doe` in `John Doe <john@example.com>`), quoting removed;
    /// for a bare address, its trailing comment (`bob@example.com (Bob)`), as older mail
    /// wrote names. Encoded words (RFC 2047) are left as written.
    pub display_name: Option<String>,
    /// The address.
    pub addr: AddrSpec,
}

/// One element of an address list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressEntry {
    /// A mailbox.
    Mailbox(Mailbox),
    /// A group (RFC 5322 3.4): a name and the mailboxes in it, often none
    /// (`undisclosed-recipients:;`).
    Group {
        /// The group's name.
        name: String,
        /// Its mailboxes.
        members: Vec<Mailbox>,
    },
    /// Text that is not an address (`To: Bob`), as written.
    Unreadable(String),
}

/// Reads an address list (the value of `To:`, `Cc:`, `From:` ...). Never fails; see the
/// module documentation.
pub fn parse_address_list(value: &str) -> Vec<AddressEntry> {
    let mut parser = Parser::new(value);
    let mut out = Vec::new();
    let mut group: Option<(String, Vec<Mailbox>)> = None;
    while let Some(token) = parser.peek() {
        match token {
            Kind::Special(b',') => parser.pos += 1,
            Kind::Special(b';') => {
                parser.pos += 1;
                if let Some((name, members)) = group.take() {
                    out.push(AddressEntry::Group { name, members });
                }
            }
            _ => match parser.address(group.is_some()) {
                Parsed::Mailbox(mailbox) => match &mut group {
                    Some((_, members)) => members.push(mailbox),
                    None => out.push(AddressEntry::Mailbox(mailbox)),
                },
                Parsed::GroupStart(name) => group = Some((name, Vec::new())),
                Parsed::Unreadable(text) => out.push(AddressEntry::Unreadable(text)),
                Parsed::Nothing => {}
            },
        }
    }
    // A group without its closing `;` still names its members.
    if let Some((name, members)) = group {
        out.push(AddressEntry::Group { name, members });
    }
    out
}

/// Reads an envelope address (what `MAIL FROM:` or `RCPT TO:` carried, with or without
/// the angle brackets); a source route (`@relay:`) is dropped (RFC 5321 C).
pub fn parse_addr_spec(text: &str) -> AddrSpec {
    let mut parser = Parser::new(text);
    if parser.peek() == Some(&Kind::Special(b'<')) {
        parser.pos += 1;
    }
    parser.angle_addr()
}

/// Whether `local` can be written without quotes (RFC 5322 3.2.3 dot-atom-text; UTF-8 is
/// allowed, RFC 6532 3.2).
fn is_dot_atom(local: &str) -> bool {
    !local.is_empty()
        && local.split('.').all(|atom| {
            !atom.is_empty() && atom.chars().all(|c| !c.is_ascii() || is_atext(c as u8))
        })
}

/// RFC 5322 3.2.3 atext, for ASCII.
fn is_atext(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b)
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// An atom (dots included, so a dot-atom is one word) or a quoted string's value.
    Word(String),
    /// A domain literal, brackets included.
    Literal(String),
    /// A comment's text, without its outer parentheses.
    Comment(String),
    /// One of `<>@,:;`.
    Special(u8),
}

#[derive(Debug)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
    /// White space or a comment came before it.
    spaced: bool,
}

enum Parsed {
    Mailbox(Mailbox),
    GroupStart(String),
    Unreadable(String),
    Nothing,
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            tokens: tokenize(text),
            pos: 0,
        }
    }

    fn peek(&self) -> Option<&Kind> {
        self.tokens.get(self.pos).map(|t| &t.kind)
    }

    /// One mailbox, or the start of a group, or what is left up to the next `,`.
    fn address(&mut self, in_group: bool) -> Parsed {
        let first = self.pos;
        let mut words = Vec::new();
        let mut stray = false;
        loop {
            match self.peek() {
                None | Some(Kind::Special(b',' | b';')) => break,
                Some(Kind::Word(_) | Kind::Literal(_)) => words.push(self.pos),
                Some(Kind::Comment(_)) => {}
                Some(Kind::Special(b'<')) => {
                    self.pos += 1;
                    let addr = self.angle_addr();
                    self.skip_rest();
                    let display_name = self.phrase(&words);
                    return Parsed::Mailbox(Mailbox { display_name, addr });
                }
                Some(Kind::Special(b':')) if !in_group && !words.is_empty() && !stray => {
                    self.pos += 1;
                    return Parsed::GroupStart(self.phrase(&words).unwrap_or_default());
                }
                Some(Kind::Special(b'@')) if !words.is_empty() && !stray => {
                    self.pos += 1;
                    let split = self.local_start(&words);
                    let local = self.local(&words[split..]);
                    let domain = self.domain();
                    let comment = self.skip_rest();
                    let display_name = self.phrase(&words[..split]).or(comment);
                    return Parsed::Mailbox(Mailbox {
                        display_name,
                        addr: AddrSpec { local, domain },
                    });
                }
                Some(Kind::Special(_)) => stray = true,
            }
            self.pos += 1;
        }
        if words.is_empty() && !stray {
            return Parsed::Nothing;
        }
        let start = self.tokens[first].start;
        let end = self.tokens[self.pos - 1].end;
        Parsed::Unreadable(self.text[start..end].to_owned())
    }

    /// After `<`: an optional route, `local@domain`, up to `>` (or the end).
    fn angle_addr(&mut self) -> AddrSpec {
        if self.peek() == Some(&Kind::Special(b'@')) {
            // obs-route: `@relay1,@relay2:` (RFC 5322 4.4), not part of the address.
            while let Some(kind) = self.peek() {
                let ends = matches!(kind, Kind::Special(b':' | b'>'));
                self.pos += 1;
                if ends {
                    break;
                }
            }
        }
        let mut words = Vec::new();
        while let Some(kind) = self.peek() {
            match kind {
                Kind::Word(_) | Kind::Literal(_) => words.push(self.pos),
                Kind::Comment(_) => {}
                Kind::Special(_) => break,
            }
            self.pos += 1;
        }
        let local = self.local(&words);
        let domain = if self.peek() == Some(&Kind::Special(b'@')) {
            self.pos += 1;
            self.domain()
        } else {
            String::new()
        };
        if self.peek() == Some(&Kind::Special(b'>')) {
            self.pos += 1;
        }
        AddrSpec { local, domain }
    }

    /// The domain after `@`: words and literals up to the next special, or to white space
    /// that does not sit beside a dot; comments and the white space around dots are
    /// dropped (obs-domain). A comment after the domain stays for [`Self::skip_rest`].
    fn domain(&mut self) -> String {
        let mut domain = String::new();
        while let Some(token) = self.tokens.get(self.pos) {
            let joins =
                |next: &str| domain.is_empty() || domain.ends_with('.') || next.starts_with('.');
            match &token.kind {
                Kind::Word(text) | Kind::Literal(text) => {
                    if token.spaced && !joins(text) {
                        break;
                    }
                    domain.push_str(text);
                }
                Kind::Comment(_) => {
                    let next = self.tokens[self.pos + 1..]
                        .iter()
                        .find(|t| !matches!(t.kind, Kind::Comment(_)))
                        .map_or("", word_text);
                    if !joins(next) {
                        break;
                    }
                }
                Kind::Special(_) => break,
            }
            self.pos += 1;
        }
        domain
    }

    /// Skips to the next `,` or `;`; returns the last comment seen, a name in older mail.
    fn skip_rest(&mut self) -> Option<String> {
        let mut comment = None;
        while let Some(kind) = self.peek() {
            match kind {
                Kind::Special(b',' | b';') => break,
                Kind::Comment(text) if !text.trim().is_empty() => {
                    comment = Some(text.trim().to_owned());
                }
                _ => {}
            }
            self.pos += 1;
        }
        comment
    }

    /// Where the local part starts among the words before `@`: the last run of words
    /// joined without white space, or by dots (obs-local-part allows `john . doe`). Words
    /// before it (`John Doe john@example.com`, no brackets) are read as a name.
    fn local_start(&self, words: &[usize]) -> usize {
        let mut start = words.len() - 1;
        while start > 0 {
            let this = &self.tokens[words[start]];
            let before = &self.tokens[words[start - 1]];
            let dotted = word_text(before).ends_with('.') || word_text(this).starts_with('.');
            if this.spaced && !dotted {
                break;
            }
            start -= 1;
        }
        start
    }

    /// The local part's value: the words' values one after the other.
    fn local(&self, words: &[usize]) -> String {
        words.iter().map(|&i| word_text(&self.tokens[i])).collect()
    }

    /// A display name or group name: the words, one space where there was white space.
    fn phrase(&self, words: &[usize]) -> Option<String> {
        let mut phrase = String::new();
        for &i in words {
            let token = &self.tokens[i];
            if token.spaced && !phrase.is_empty() {
                phrase.push(' ');
            }
            phrase.push_str(word_text(token));
        }
        let phrase = phrase.trim();
        (!phrase.is_empty()).then(|| phrase.to_owned())
    }
}

fn word_text(token: &Token) -> &str {
    match &token.kind {
        Kind::Word(value) | Kind::Literal(value) => value,
        _ => "",
    }
}

/// Splits a field value into tokens (RFC 5322 3.2). Unclosed quotes, comments and literals
/// run to the end of the text.
fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut spaced = false;
    while let Some(&(start, c)) = chars.peek() {
        let kind = match c {
            c if c.is_whitespace() => {
                chars.next();
                spaced = true;
                continue;
            }
            '<' | '>' | '@' | ',' | ':' | ';' => {
                chars.next();
                Kind::Special(c as u8)
            }
            '"' => {
                chars.next();
                Kind::Word(delimited(&mut chars, '"', None))
            }
            '(' => {
                chars.next();
                Kind::Comment(delimited(&mut chars, ')', Some('(')))
            }
            '[' => {
                chars.next();
                Kind::Literal(format!("[{}]", delimited(&mut chars, ']', None)))
            }
            _ => {
                let mut value = String::new();
                while let Some(&(_, c)) = chars.peek() {
                    if c.is_whitespace() || "<>@,:;\"([".contains(c) {
                        break;
                    }
                    value.push(c);
                    chars.next();
                }
                Kind::Word(value)
            }
        };
        let end = chars.peek().map_or(text.len(), |&(at, _)| at);
        // A comment is kept (a name in older mail) and separates words as space does.
        let is_comment = matches!(kind, Kind::Comment(_));
        tokens.push(Token {
            kind,
            start,
            end,
            spaced,
        });
        spaced = is_comment;
    }
    tokens
}

/// Reads up to the closing `close` (consumed), with `\` escapes; `open` nests (comments).
fn delimited(
    chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
    close: char,
    open: Option<char>,
) -> String {
    let mut value = String::new();
    let mut depth = 0usize;
    while let Some((_, c)) = chars.next() {
        match c {
            '\\' => {
                if let Some((_, escaped)) = chars.next() {
                    value.push(escaped);
                }
            }
            c if Some(c) == open => {
                depth += 1;
                value.push(c);
            }
            c if c == close => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
                value.push(c);
            }
            c => value.push(c),
        }
    }
    value
}
