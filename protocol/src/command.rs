//! Client command lines: which verb was typed, and where its arguments start.
//!
//! Parsing never fails and never rewrites the input: the user typed `mail from:<a@b>` and
//! the transcript must show exactly that. [`CommandLine`] keeps the text and records spans
//! into it. Verbs are case-insensitive (RFC 5321 2.4).

use crate::finding::{Finding, Severity};
use crate::lang::{Text, t};
use crate::limits;
use crate::path::{Path, parse_path};
use std::ops::Range;

/// A command verb.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verb {
    /// `HELO domain`: identify the client, plain SMTP (RFC 5321 4.1.1.1).
    Helo,
    /// `EHLO domain`: identify the client and ask for extensions (RFC 5321 4.1.1.1).
    Ehlo,
    /// `MAIL FROM:<path>`: start a transaction (RFC 5321 4.1.1.2).
    Mail,
    /// `RCPT TO:<path>`: add a recipient (RFC 5321 4.1.1.3).
    Rcpt,
    /// `DATA`: send the message text (RFC 5321 4.1.1.4).
    Data,
    /// `RSET`: abort the transaction (RFC 5321 4.1.1.5).
    Rset,
    /// `VRFY string`: verify a user or mailbox (RFC 5321 4.1.1.6).
    Vrfy,
    /// `EXPN string`: expand a mailing list (RFC 5321 4.1.1.7).
    Expn,
    /// `HELP [string]` (RFC 5321 4.1.1.8).
    Help,
    /// `NOOP` (RFC 5321 4.1.1.9).
    Noop,
    /// `QUIT` (RFC 5321 4.1.1.10).
    Quit,
    /// `AUTH mechanism [initial-response]` (RFC 4954).
    Auth,
    /// `STARTTLS` (RFC 3207).
    StartTls,
    /// `BDAT size [LAST]` (RFC 3030).
    Bdat,
    /// `ETRN node` (RFC 1985).
    Etrn,
}

impl Verb {
    /// Every verb, in the order a lesson introduces them.
    pub const ALL: [Verb; 15] = [
        Verb::Helo,
        Verb::Ehlo,
        Verb::Auth,
        Verb::StartTls,
        Verb::Mail,
        Verb::Rcpt,
        Verb::Data,
        Verb::Bdat,
        Verb::Rset,
        Verb::Noop,
        Verb::Quit,
        Verb::Vrfy,
        Verb::Expn,
        Verb::Help,
        Verb::Etrn,
    ];

    /// The verb as the RFCs spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Helo => "HELO",
            Verb::Ehlo => "EHLO",
            Verb::Mail => "MAIL",
            Verb::Rcpt => "RCPT",
            Verb::Data => "DATA",
            Verb::Rset => "RSET",
            Verb::Vrfy => "VRFY",
            Verb::Expn => "EXPN",
            Verb::Help => "HELP",
            Verb::Noop => "NOOP",
            Verb::Quit => "QUIT",
            Verb::Auth => "AUTH",
            Verb::StartTls => "STARTTLS",
            Verb::Bdat => "BDAT",
            Verb::Etrn => "ETRN",
        }
    }

    /// The verb for a word, ignoring ASCII case; `None` for anything else.
    pub fn from_word(word: &str) -> Option<Self> {
        // This runs for every line, so instead of comparing the word with each verb in
        // turn, its bytes are read as one integer and matched once. Every verb is made of
        // letters, and for a letter `b & 0xDF` is its upper case; a byte that is not a letter
        // never becomes one that way, so the masked comparison is exactly
        // `eq_ignore_ascii_case`.
        const fn word4(w: &[u8; 4]) -> u32 {
            u32::from_le_bytes(*w)
        }
        const UPPER4: u32 = 0xDFDF_DFDF;
        const HELO: u32 = word4(b"HELO");
        const EHLO: u32 = word4(b"EHLO");
        const MAIL: u32 = word4(b"MAIL");
        const RCPT: u32 = word4(b"RCPT");
        const DATA: u32 = word4(b"DATA");
        const RSET: u32 = word4(b"RSET");
        const VRFY: u32 = word4(b"VRFY");
        const EXPN: u32 = word4(b"EXPN");
        const HELP: u32 = word4(b"HELP");
        const NOOP: u32 = word4(b"NOOP");
        const QUIT: u32 = word4(b"QUIT");
        const AUTH: u32 = word4(b"AUTH");
        const BDAT: u32 = word4(b"BDAT");
        const ETRN: u32 = word4(b"ETRN");
        match *word.as_bytes() {
            [a, b, c, d] => Some(match u32::from_le_bytes([a, b, c, d]) & UPPER4 {
                HELO => Verb::Helo,
                EHLO => Verb::Ehlo,
                MAIL => Verb::Mail,
                RCPT => Verb::Rcpt,
                DATA => Verb::Data,
                RSET => Verb::Rset,
                VRFY => Verb::Vrfy,
                EXPN => Verb::Expn,
                HELP => Verb::Help,
                NOOP => Verb::Noop,
                QUIT => Verb::Quit,
                AUTH => Verb::Auth,
                BDAT => Verb::Bdat,
                ETRN => Verb::Etrn,
                _ => return None,
            }),
            [_, _, _, _, _, _, _, _] if word.eq_ignore_ascii_case("STARTTLS") => {
                Some(Verb::StartTls)
            }
            _ => None,
        }
    }
}

/// One command line as typed, with the spans of its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLine<'a> {
    /// The whole line, exactly as typed, without CRLF.
    pub text: &'a str,
    /// The recognised verb, `None` when the first word is not an SMTP verb.
    pub verb: Option<Verb>,
    /// Span of the first word (the verb as typed) in `text`.
    pub verb_span: Range<usize>,
    /// Span of everything after the space that follows the verb; empty when there is none.
    pub args_span: Range<usize>,
}

impl<'a> CommandLine<'a> {
    /// Splits a line into verb and arguments. Never fails; see the module documentation.
    pub fn parse(text: &'a str) -> Self {
        // A byte search: space and tab are ASCII, so they never match inside a multi-byte
        // character, and the result is the same as `str::find` without decoding chars.
        let verb_end = text
            .bytes()
            .position(|b| b == b' ' || b == b'\t')
            .unwrap_or(text.len());
        let verb_span = 0..verb_end;
        let args_start = (verb_end + 1).min(text.len());
        Self {
            text,
            verb: Verb::from_word(&text[verb_span.clone()]),
            verb_span,
            args_span: args_start..text.len(),
        }
    }

    /// The verb exactly as typed (`mail`, `Mail`, `MAIL`, or an unknown word).
    pub fn verb_text(&self) -> &'a str {
        &self.text[self.verb_span.clone()]
    }

    /// The arguments exactly as typed, e.g. `FROM:<a@example.com> SIZE=100`.
    pub fn args(&self) -> &'a str {
        &self.text[self.args_span.clone()]
    }
}

/// An ESMTP parameter after the path, `KEYWORD[=value]` (RFC 5321 4.1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The keyword as typed.
    pub keyword: String,
    /// The value after `=`, if any.
    pub value: Option<String>,
    /// Span of the whole parameter in the line.
    pub span: Range<usize>,
}

/// The arguments of a command, parsed according to its verb.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Args {
    /// No arguments (DATA, RSET, QUIT, STARTTLS, NOOP), or a verb that is not known.
    None,
    /// HELO or EHLO: the client's name. Empty when missing.
    Domain(String),
    /// MAIL FROM or RCPT TO: the path (if any) and the ESMTP parameters.
    Envelope {
        /// The address, `None` when missing.
        path: Option<Path>,
        /// The parameters after it.
        params: Vec<Param>,
    },
    /// VRFY, EXPN, HELP, ETRN, NOOP: free text.
    Text(String),
    /// AUTH mechanism and optional initial response (RFC 4954).
    Auth {
        /// The SASL mechanism as typed, e.g. `LOGIN`.
        mechanism: String,
        /// The base64 initial response, if given (`=` means empty).
        initial_response: Option<String>,
    },
    /// BDAT chunk size and the LAST flag (RFC 3030).
    Bdat {
        /// The chunk size, `None` when missing or not a number.
        size: Option<u64>,
        /// Whether this is the last chunk.
        last: bool,
    },
}

/// A fully parsed command line: verb, arguments and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command<'a> {
    /// The line with the spans of verb and arguments.
    pub line: CommandLine<'a>,
    /// The arguments, interpreted for the verb.
    pub args: Args,
    /// Everything noticed, in order of position.
    pub findings: Vec<Finding>,
}

impl<'a> Command<'a> {
    /// Parses a command line (without CRLF). Never fails: problems become findings.
    pub fn parse(text: &'a str) -> Self {
        let line = CommandLine::parse(text);
        let mut findings = Vec::new();
        check_line(text, &mut findings);
        let args = match line.verb {
            None if trim(text).is_empty() => {
                findings.push(finding(
                    Severity::Error,
                    "empty-line",
                    0..text.len(),
                    t!(
                        "An empty line is not a command; the server answers 500 or 502. (Inside DATA an empty line is fine: it separates headers from the body.)",
                        "空行不是命令，服务器会回复 500 或 502。（在 DATA 中空行是允许的：它分隔邮件头和正文。）"
                    ),
                    "RFC 5321 4.1.1",
                ));
                Args::None
            }
            None => {
                if !trim(text).is_empty() {
                    findings.push(finding(
                        Severity::Error,
                        "unknown-verb",
                        line.verb_span.clone(),
                        t!(
                            "This is not an SMTP command. The server will answer 500 (not recognised) or 502 (not implemented). Commands are HELO, EHLO, AUTH, MAIL, RCPT, DATA, RSET, NOOP, QUIT, VRFY, STARTTLS ...",
                            "这不是 SMTP 命令，服务器会回复 500（无法识别）或 502（未实现）。可用命令有 HELO、EHLO、AUTH、MAIL、RCPT、DATA、RSET、NOOP、QUIT、VRFY、STARTTLS 等。"
                        ),
                        "RFC 5321 4.2.4",
                    ));
                }
                Args::None
            }
            Some(Verb::Helo | Verb::Ehlo) => parse_domain(&line, &mut findings),
            Some(Verb::Mail) => parse_envelope(&line, "FROM:", &mut findings),
            Some(Verb::Rcpt) => parse_envelope(&line, "TO:", &mut findings),
            Some(Verb::Data | Verb::Rset | Verb::Quit | Verb::StartTls) => {
                if !trim(line.args()).is_empty() {
                    findings.push(finding(
                        Severity::Warning,
                        "unexpected-argument",
                        line.args_span.clone(),
                        t!(
                            "This command takes no argument; strict servers answer 501. Send the verb alone.",
                            "该命令不带参数；严格的服务器会回复 501。请只发送命令本身。"
                        ),
                        "RFC 5321 4.1.1",
                    ));
                }
                Args::None
            }
            Some(Verb::Noop | Verb::Help | Verb::Vrfy | Verb::Expn | Verb::Etrn) => {
                let text = trim(line.args());
                if text.is_empty()
                    && matches!(line.verb, Some(Verb::Vrfy | Verb::Expn | Verb::Etrn))
                {
                    findings.push(missing_argument(&line));
                }
                if text.is_empty() {
                    Args::None
                } else {
                    Args::Text(text.to_owned())
                }
            }
            Some(Verb::Auth) => parse_auth(&line, &mut findings),
            Some(Verb::Bdat) => parse_bdat(&line, &mut findings),
        };
        // A handful of findings: an insertion sort keeps their order stable without
        // linking a general sort into the browser bundle.
        for i in 1..findings.len() {
            let mut j = i;
            while j > 0 && findings[j - 1].span.start > findings[j].span.start {
                findings.swap(j - 1, j);
                j -= 1;
            }
        }
        Self {
            line,
            args,
            findings,
        }
    }

    /// The most severe finding's severity, `None` when the command looks fine.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

fn finding(
    severity: Severity,
    id: &'static str,
    span: Range<usize>,
    explanation: Text,
    reference: &'static str,
) -> Finding {
    Finding {
        severity,
        id,
        span,
        explanation,
        reference,
    }
}

fn missing_argument(line: &CommandLine<'_>) -> Finding {
    finding(
        Severity::Error,
        "missing-argument",
        line.verb_span.end..line.text.len(),
        t!(
            "This command needs an argument; without it the server answers 501 (syntax error in parameters).",
            "该命令需要参数；缺少时服务器会回复 501（参数语法错误）。"
        ),
        "RFC 5321 4.1.1",
    )
}

fn check_line(text: &str, findings: &mut Vec<Finding>) {
    if text.len() + 2 > limits::COMMAND_LINE {
        findings.push(finding(
            Severity::Error,
            "line-too-long",
            text.floor_char_boundary(limits::COMMAND_LINE.saturating_sub(2))..text.len(),
            t!(
                "The command is longer than 512 octets with its CRLF; servers answer 500 (line too long).",
                "命令连同 CRLF 超过 512 个字节；服务器会回复 500（行太长）。"
            ),
            "RFC 5321 4.5.3.1.4",
        ));
    }
    if let Some(pos) = find_line_break_or_nul(text.as_bytes()) {
        findings.push(finding(
            Severity::Error,
            "control-character",
            pos..pos + 1,
            t!(
                "The line contains CR, LF or NUL. CR and LF may only appear together at the end of a line; a lone LF is how SMTP smuggling starts.",
                "该行包含 CR、LF 或 NUL。CR 和 LF 只能成对出现在行尾；单独的 LF 正是 SMTP 走私攻击的起点。"
            ),
            "RFC 5321 2.3.8",
        ));
    }
}

/// `str::trim`, answered without decoding when the text starts and ends with an ASCII
/// character that is not whitespace, as almost every argument does: such a character is
/// the first (or last) char, and it is not White_Space, so `trim` would remove nothing.
fn trim(text: &str) -> &str {
    // The ASCII White_Space characters are TAB to CR (VT included) and space.
    let keeps =
        |b: Option<&u8>| b.is_some_and(|&b| b.is_ascii() && !matches!(b, b'\t'..=b'\r' | b' '));
    if keeps(text.as_bytes().first()) && keeps(text.as_bytes().last()) {
        text
    } else {
        text.trim()
    }
}

/// The first CR, LF or NUL. Eight bytes are tested at a time: a word with no byte below 14
/// (the case for almost every command) cannot hold one, and only a word that has such a
/// byte is searched byte by byte.
fn find_line_break_or_nul(bytes: &[u8]) -> Option<usize> {
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    const FOURTEENS: u64 = u64::from_le_bytes([14; 8]);
    let is_break = |b: &u8| matches!(b, b'\r' | b'\n' | 0);
    let mut words = bytes.chunks_exact(8);
    let mut offset = 0;
    for word in words.by_ref() {
        let mut buf = [0u8; 8];
        buf.copy_from_slice(word);
        let x = u64::from_le_bytes(buf);
        // Non-zero exactly when some byte of `x` is below 14 ("hasless" from Bit Twiddling
        // Hacks); which byte is left to the byte search.
        if x.wrapping_sub(FOURTEENS) & !x & HIGHS != 0
            && let Some(pos) = word.iter().position(is_break)
        {
            return Some(offset + pos);
        }
        offset += 8;
    }
    words
        .remainder()
        .iter()
        .position(is_break)
        .map(|pos| offset + pos)
}

fn parse_domain(line: &CommandLine<'_>, findings: &mut Vec<Finding>) -> Args {
    let domain = trim(line.args());
    if domain.is_empty() {
        findings.push(finding(
            Severity::Error,
            "missing-domain",
            line.verb_span.end..line.text.len(),
            t!(
                "HELO and EHLO need your host name, e.g. EHLO laptop.example.com; without it servers answer 501. Any name works in the playground.",
                "HELO 和 EHLO 需要带上你的主机名，例如 EHLO laptop.example.com；缺少时服务器会回复 501。在本练习场中可以随意填写。"
            ),
            "RFC 5321 4.1.1.1",
        ));
    }
    Args::Domain(domain.to_owned())
}

fn parse_envelope(
    line: &CommandLine<'_>,
    keyword: &'static str,
    findings: &mut Vec<Finding>,
) -> Args {
    let args = line.args();
    let base = line.args_span.start;
    let word = &keyword[..keyword.len() - 1];
    let after_keyword = if args.len() >= keyword.len()
        && args.is_char_boundary(keyword.len())
        && args[..keyword.len()].eq_ignore_ascii_case(keyword)
    {
        Some(base + keyword.len())
    } else if args.len() >= word.len()
        && args.is_char_boundary(word.len())
        && args[..word.len()].eq_ignore_ascii_case(word)
    {
        // `MAIL FROM <a@b>` or `MAIL FROM : <a@b>`: the colon is missing or detached.
        let rest = &args[word.len()..];
        let trimmed = rest.trim_start();
        let colon = trimmed.starts_with(':');
        findings.push(finding(
            Severity::Error,
            "missing-colon",
            base..base + word.len() + (rest.len() - trimmed.len()),
            if keyword == "FROM:" {
                t!(
                    "Write FROM: with the colon right after it: MAIL FROM:<you@example.com>. Servers answer 501 otherwise.",
                    "FROM 后面必须紧跟冒号：MAIL FROM:<you@example.com>，否则服务器会回复 501。"
                )
            } else {
                t!(
                    "Write TO: with the colon right after it: RCPT TO:<friend@example.com>. Servers answer 501 otherwise.",
                    "TO 后面必须紧跟冒号：RCPT TO:<friend@example.com>，否则服务器会回复 501。"
                )
            },
            "RFC 5321 4.1.1",
        ));
        let skipped = word.len() + (rest.len() - trimmed.len()) + usize::from(colon);
        Some(base + skipped)
    } else {
        None
    };
    let Some(path_start) = after_keyword else {
        findings.push(finding(
            Severity::Error,
            "missing-keyword",
            line.args_span.clone(),
            if keyword == "FROM:" {
                t!(
                    "MAIL must be followed by FROM: and the sender: MAIL FROM:<you@example.com>. The server will answer 501.",
                    "MAIL 后面必须跟 FROM: 和发件人地址：MAIL FROM:<you@example.com>，否则服务器会回复 501。"
                )
            } else {
                t!(
                    "RCPT must be followed by TO: and a recipient: RCPT TO:<friend@example.com>. The server will answer 501.",
                    "RCPT 后面必须跟 TO: 和收件人地址：RCPT TO:<friend@example.com>，否则服务器会回复 501。"
                )
            },
            "RFC 5321 4.1.1",
        ));
        return Args::Envelope {
            path: None,
            params: Vec::new(),
        };
    };
    let Some((path, end)) = parse_path(line.text, path_start, findings) else {
        findings.push(missing_argument(line));
        return Args::Envelope {
            path: None,
            params: Vec::new(),
        };
    };
    if keyword == "TO:" && path.is_null() {
        findings.push(finding(
            Severity::Error,
            "null-recipient",
            path.span.clone(),
            t!(
                "<> is only valid as a sender (for bounces). A recipient needs an address; servers answer 501 or 553.",
                "<> 只能用作发件人（用于退信）。收件人必须是一个地址；服务器会回复 501 或 553。"
            ),
            "RFC 5321 4.1.1.3",
        ));
    }
    let params = parse_params(line.text, end, keyword == "FROM:", findings);
    Args::Envelope {
        path: Some(path),
        params,
    }
}

fn parse_params(text: &str, from: usize, is_mail: bool, findings: &mut Vec<Finding>) -> Vec<Param> {
    let mut params = Vec::new();
    // The words between single spaces, as `split(' ')` yields them, found with byte loops:
    // most lines have no parameter at all, and `str::split` pays a searcher's setup cost
    // even for an empty rest. Space and `=` are ASCII, so every slice is on a char boundary.
    let bytes = text.as_bytes();
    let mut offset = from;
    loop {
        let end = bytes[offset..]
            .iter()
            .position(|&b| b == b' ')
            .map_or(text.len(), |p| offset + p);
        let word = &text[offset..end];
        let span = offset..end;
        let at_end = end == text.len();
        offset = end + 1;
        if word.is_empty() {
            if at_end {
                break;
            }
            continue;
        }
        let (keyword, value) = match word.bytes().position(|b| b == b'=') {
            Some(eq) => (&word[..eq], Some(&word[eq + 1..])),
            None => (word, None),
        };
        check_param(keyword, value, is_mail, span.clone(), findings);
        params.push(Param {
            keyword: keyword.to_owned(),
            value: value.map(str::to_owned),
            span,
        });
        if at_end {
            break;
        }
    }
    params
}

fn check_param(
    keyword: &str,
    value: Option<&str>,
    is_mail: bool,
    span: Range<usize>,
    findings: &mut Vec<Finding>,
) {
    // Upper-cased on the stack: the longest keyword matched is 11 bytes (MT-PRIORITY), and
    // anything longer is unknown, whatever its case.
    let mut buf = [0u8; 11];
    let upper = match buf.get_mut(..keyword.len()) {
        Some(upper) => {
            for (u, b) in upper.iter_mut().zip(keyword.bytes()) {
                *u = b.to_ascii_uppercase();
            }
            &*upper
        }
        None => &[],
    };
    let valid = |ok: bool| -> Option<bool> { Some(ok) };
    let known = match (is_mail, upper) {
        (true, b"SIZE") => {
            valid(value.is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())))
        }
        (true, b"BODY") => valid(value.is_some_and(|v| {
            ["7BIT", "8BITMIME", "BINARYMIME"]
                .iter()
                .any(|b| b.eq_ignore_ascii_case(v))
        })),
        (true, b"SMTPUTF8" | b"REQUIRETLS") => valid(value.is_none()),
        (true, b"RET") => valid(
            value.is_some_and(|v| v.eq_ignore_ascii_case("FULL") || v.eq_ignore_ascii_case("HDRS")),
        ),
        (true, b"ENVID" | b"AUTH" | b"MT-PRIORITY" | b"BY") => {
            valid(value.is_some_and(|v| !v.is_empty()))
        }
        (false, b"NOTIFY") => valid(value.is_some_and(|v| {
            // `split` always yields at least one item, so "all known" is never vacuous.
            v.eq_ignore_ascii_case("NEVER")
                || v.split(',').all(|item| {
                    ["SUCCESS", "FAILURE", "DELAY"]
                        .iter()
                        .any(|k| k.eq_ignore_ascii_case(item))
                })
        })),
        (false, b"ORCPT") => valid(value.is_some_and(|v| v.contains(';'))),
        _ => None,
    };
    match known {
        Some(true) => {}
        Some(false) => findings.push(finding(
            Severity::Error,
            "invalid-parameter-value",
            span,
            t!(
                "This parameter's value is not valid: SIZE=<octets>, BODY=7BIT|8BITMIME|BINARYMIME, RET=FULL|HDRS, NOTIFY=NEVER or SUCCESS,FAILURE,DELAY, ORCPT=rfc822;<address>; SMTPUTF8 and REQUIRETLS take no value. Servers answer 501 or 555.",
                "该参数的值无效：SIZE=<字节数>，BODY=7BIT|8BITMIME|BINARYMIME，RET=FULL|HDRS，NOTIFY=NEVER 或 SUCCESS,FAILURE,DELAY，ORCPT=rfc822;<地址>；SMTPUTF8 和 REQUIRETLS 不带值。服务器会回复 501 或 555。"
            ),
            "RFC 5321 4.1.2",
        )),
        None => findings.push(finding(
            Severity::Warning,
            "unknown-parameter",
            span,
            if is_mail {
                t!(
                    "Not a MAIL FROM parameter this playground knows (SIZE, BODY, SMTPUTF8, RET, ENVID, AUTH, REQUIRETLS, MT-PRIORITY, BY). A server that does not advertise it answers 555.",
                    "这不是本工具认识的 MAIL FROM 参数（SIZE、BODY、SMTPUTF8、RET、ENVID、AUTH、REQUIRETLS、MT-PRIORITY、BY）。服务器若未声明支持，会回复 555。"
                )
            } else {
                t!(
                    "Not an RCPT TO parameter this playground knows (NOTIFY, ORCPT). A server that does not advertise it answers 555.",
                    "这不是本工具认识的 RCPT TO 参数（NOTIFY、ORCPT）。服务器若未声明支持，会回复 555。"
                )
            },
            "RFC 5321 4.1.2",
        )),
    }
}

fn parse_auth(line: &CommandLine<'_>, findings: &mut Vec<Finding>) -> Args {
    let mut words = line.args().split_ascii_whitespace();
    let mechanism = words.next().unwrap_or_default().to_owned();
    let initial_response = words.next().map(str::to_owned);
    if mechanism.is_empty() {
        findings.push(finding(
            Severity::Error,
            "missing-mechanism",
            line.verb_span.end..line.text.len(),
            t!(
                "AUTH needs a mechanism: AUTH LOGIN (asks for username and password) or AUTH PLAIN. The server answers 501 without one.",
                "AUTH 需要指定机制：AUTH LOGIN（依次询问用户名和密码）或 AUTH PLAIN。缺少时服务器会回复 501。"
            ),
            "RFC 4954 4",
        ));
    }
    if let Some(initial) = &initial_response
        && initial != "="
        && crate::auth::decode(initial).is_err()
    {
        findings.push(finding(
            Severity::Error,
            "initial-response-not-base64",
            line.args_span.clone(),
            t!(
                "The initial response must be base64 (or = for empty). The server will answer 501.",
                "初始响应必须是 base64 编码（为空时写 =），否则服务器会回复 501。"
            ),
            "RFC 4954 4",
        ));
    }
    Args::Auth {
        mechanism,
        initial_response,
    }
}

fn parse_bdat(line: &CommandLine<'_>, findings: &mut Vec<Finding>) -> Args {
    let mut words = line.args().split_ascii_whitespace();
    let size = words.next().and_then(|w| w.parse::<u64>().ok());
    let flag = words.next();
    let last = flag.is_some_and(|w| w.eq_ignore_ascii_case("LAST"));
    if flag.is_some() && !last || words.next().is_some() {
        findings.push(finding(
            Severity::Error,
            "bdat-argument",
            line.args_span.clone(),
            t!(
                "BDAT takes the chunk size and, for the final chunk, the word LAST; nothing else. The server answers 501.",
                "BDAT 只接受分块大小，以及最后一块时的 LAST，不能有其他参数。服务器会回复 501。"
            ),
            "RFC 3030 2",
        ));
    }
    if size.is_none() {
        findings.push(finding(
            Severity::Error,
            "bdat-size",
            line.args_span.clone(),
            t!(
                "BDAT needs the chunk size in octets, e.g. BDAT 120 LAST; the next 120 octets are message data.",
                "BDAT 需要指定分块的字节数，例如 BDAT 120 LAST；随后的 120 个字节即为邮件数据。"
            ),
            "RFC 3030 2",
        ));
    }
    Args::Bdat { size, last }
}

#[cfg(test)]
mod tests;
