//! Explains a complete reply from everything known about it: what it answers, its code,
//! its RFC 3463 enhanced code and, first of all, the server's own words. A `554 5.3.4
//! message too big` is a size problem even though 554 is the code of spam refusals, and a
//! `501` after `*` is the RFC 4954 confirmation of a cancelled login, not a bad address.
//!
//! [`classify`] picks one id of the shared taxonomy (`unknown-user`, `relay-denied` ...);
//! [`explain`] renders it in one language with the context of the session (what the server
//! advertised, whether the client is logged in, the message size).

use super::codes;
use super::{tr, tx};
use crate::auth::Prompt;
use crate::enhanced::EnhancedCode;
use crate::extension::Capabilities;
use crate::finding::Severity;
use crate::lang::{Lang, Text, t};

/// What a complete reply answers, as far as the annotator knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    Greeting,
    Ehlo,
    Helo,
    StartTls,
    Auth,
    AuthAnswer,
    Mail,
    Rcpt,
    Data,
    EndOfData,
    Bdat,
    Rset,
    Vrfy,
    Expn,
    Help,
    Noop,
    Quit,
    Etrn,
    UnknownCommand,
    Nothing,
}

/// Everything known about one complete reply and its context.
#[derive(Debug)]
pub(crate) struct ReplyFacts<'a> {
    pub stage: Stage,
    pub code: u16,
    /// RFC 3463 code at the start of the first line, if any (crate::enhanced::EnhancedCode).
    pub enhanced: Option<EnhancedCode>,
    /// The reply's text, its lines joined with '\n', without codes (Reply::text()).
    pub text: &'a str,
    pub line_count: usize,
    /// The client line this reply answers, as sent, when the transcript has it (AUTH LOGIN, RCPT TO:<postmaster>, BDAT 86 LAST ...).
    pub command: Option<&'a str>,
    /// For a 334: what the challenge decodes to (crate::auth::Prompt).
    pub prompt: Option<&'a Prompt>,
    /// The answered line was `*` (an AUTH cancel).
    pub cancel: bool,
    /// What the last EHLO advertised (crate::extension::Capabilities), if known.
    pub capabilities: Option<&'a Capabilities>,
    pub tls: bool,
    pub authenticated: bool,
    /// Recipients accepted in this transaction, including this reply if it accepts one.
    pub recipients: usize,
    /// Octets of the message sent (for the reply to the final dot / BDAT LAST), if known.
    pub message_octets: Option<u64>,
}

/// A reply explained: one id of the taxonomy and its text in one language.
#[derive(Debug)]
pub(crate) struct Explained {
    /// One id of the shared explanation-id taxonomy (issue 11), or "generic" when nothing
    /// specific is known.
    pub id: &'static str,
    pub severity: Severity,
    pub title: String,
    pub explanation: String,
    pub reference: &'static str,
    pub next_steps: Vec<String>,
}

/// Every id [`classify`] can return.
#[cfg(test)]
pub(crate) const IDS: &[&str] = &[
    "greeting",
    "hello",
    "starttls-ready",
    "auth-challenge",
    "auth-ok",
    "mail-ok",
    "rcpt-ok",
    "data-go",
    "message-accepted",
    "bdat-chunk-ok",
    "rset-ok",
    "noop-ok",
    "vrfy-ok",
    "vrfy-cannot-verify",
    "help",
    "quit-ok",
    "etrn-ok",
    "no-service",
    "service-closing",
    "timeout",
    "too-many-errors",
    "sync-error",
    "line-too-long",
    "bare-lf-rejected",
    "syntax",
    "unknown-command",
    "not-implemented",
    "bad-sequence",
    "param-unrecognized",
    "sender-rejected",
    "smtputf8-required",
    "relay-denied",
    "auth-required",
    "tls-required",
    "unknown-user",
    "mailbox-unavailable-temp",
    "mailbox-full",
    "too-many-recipients",
    "greylisted",
    "rate-limited",
    "blocklisted",
    "data-no-recipients",
    "size-exceeded",
    "spam-rejected",
    "content-rejected",
    "message-rejected",
    "server-error",
    "transaction-failed",
    "auth-failed",
    "auth-cancelled",
    "auth-bad-base64",
    "auth-mechanism-unknown",
    "auth-already",
    "auth-too-weak",
    "auth-temp-failure",
    "auth-not-available",
    "tls-not-available",
    "starttls-refused",
    "nonstandard",
];

/// The codes RFC 5321 and the extensions it works with (3207, 4954, 7504) define, plus
/// ETRN's 253 (RFC 1985). Anything else is `nonstandard`, ETRN's 458 and 459 included:
/// RFC 5321 does not list them.
const DEFINED: &[u16] = &[
    211, 214, 220, 221, 235, 250, 251, 252, 253, 334, 354, 421, 432, 450, 451, 452, 454, 455, 500,
    501, 502, 503, 504, 521, 530, 534, 535, 538, 550, 551, 552, 553, 554, 555, 556,
];

/// A list of keywords as one string, each followed by '|': `words!["a", "b"]` is `"a|b|"`.
/// One string per list rather than a slice of `&str`: in the WebAssembly bundle the slice's
/// pointers cost more than the words. No keyword contains '|'.
macro_rules! words {
    ($($word:literal),+ $(,)?) => {
        concat!($($word, "|"),+)
    };
}

/// The lower-cased reply text, with the checks the classifier needs.
struct Words {
    low: String,
}

impl Words {
    /// 163.com links every refusal to `help_spam_16.htm`, which is not a spam verdict.
    fn new(text: &str) -> Self {
        Self {
            low: text.to_ascii_lowercase().replace("help_spam", "help"),
        }
    }

    /// Whether the text contains any of `words`, a [`words!`] list.
    fn any(&self, words: &str) -> bool {
        words.split_terminator('|').any(|w| self.low.contains(w))
    }
}

fn enhanced_is(f: &ReplyFacts<'_>, subject: u16, detail: Option<u16>) -> bool {
    f.enhanced
        .is_some_and(|e| e.subject == subject && detail.is_none_or(|d| e.detail == d))
}

/// The reply answers the end of the message: the final dot, or BDAT ... LAST.
fn at_end(f: &ReplyFacts<'_>) -> bool {
    f.stage == Stage::EndOfData
        || (f.stage == Stage::Bdat
            && f.command.is_some_and(|c| {
                c.split_ascii_whitespace()
                    .any(|w| w.eq_ignore_ascii_case("LAST"))
            }))
}

/// The id of a reply: the server's words first, then the enhanced code, then the code and
/// what it answers.
pub(crate) fn classify(f: &ReplyFacts<'_>) -> &'static str {
    if f.stage == Stage::Etrn && matches!(f.code, 458 | 459) {
        // RFC 1985's own refusals ("unable to queue", "node not allowed").
        return "generic";
    }
    if !DEFINED.contains(&f.code) {
        return "nonstandard";
    }
    if f.code < 400 {
        return positive(f);
    }
    let id = negative(f, &Words::new(f.text));
    let tls_or_auth = matches!(f.stage, Stage::StartTls | Stage::Auth | Stage::AuthAnswer);
    if f.code == 454 && !tls_or_auth && id != "relay-denied" {
        return "nonstandard";
    }
    id
}

fn positive(f: &ReplyFacts<'_>) -> &'static str {
    use Stage::*;
    match (f.stage, f.code) {
        (Auth | AuthAnswer, 235) => "auth-ok",
        (Auth | AuthAnswer, 334) => "auth-challenge",
        (Data, 354) => "data-go",
        (_, 211 | 214) | (Help, 250) => "help",
        (Quit | Nothing, 221) => "quit-ok",
        // Postfix hangs up on HTTP with "221 2.7.0 Error: I can break rules, too".
        (_, 221) if f.text.to_ascii_lowercase().contains("error") => "quit-ok",
        (Greeting | Nothing, 220) => "greeting",
        (StartTls, 220) => "starttls-ready",
        (Ehlo | Helo, 250) => "hello",
        (Mail, 250) => "mail-ok",
        (Rcpt, 250..=252) => "rcpt-ok",
        (EndOfData, 250 | 251) => "message-accepted",
        (Bdat, 250) if at_end(f) => "message-accepted",
        (Bdat, 250) => "bdat-chunk-ok",
        (Rset, 250) => "rset-ok",
        (Noop, 250) => "noop-ok",
        (Vrfy | Expn, 250 | 251) => "vrfy-ok",
        (Etrn, 250..=253) => "etrn-ok",
        (_, 252) => "vrfy-cannot-verify",
        _ => "generic",
    }
}

/// The codes 163.com and 126.com (NetEase) put after the reply code, e.g. `554 DT:SPM 163
/// smtp13,...`, with what each means (from their help page help_spam_16).
const NETEASE: &[(&str, &str)] = &[
    ("dt:spm", "spam-rejected"),
    ("dt:sum", "content-rejected"),
    ("dt:rbl", "blocklisted"),
    ("hl:ihu", "blocklisted"),
    ("hl:ipb", "blocklisted"),
    ("mi:imf", "sender-rejected"),
    ("mi:nhd", "syntax"),
    ("rp:frl", "relay-denied"),
    ("rp:rcl", "too-many-recipients"),
    ("rp:cel", "too-many-errors"),
    ("mi:cel", "too-many-errors"),
    ("hl:rep", "rate-limited"),
    ("hl:icc", "rate-limited"),
    ("hl:ifc", "rate-limited"),
    ("mi:sfq", "rate-limited"),
    ("mi:dmc", "rate-limited"),
    ("mi:stc", "rate-limited"),
    ("rp:qrc", "rate-limited"),
    ("rp:trc", "rate-limited"),
    ("rp:drc", "rate-limited"),
];

/// Refusals of the client itself (its address or HELO name), whatever command they answer.
const CLIENT_WORDS: &str = words![
    "client host rejected",
    "helo command rejected",
    "reverse hostname",
    "reverse dns",
    "ptr record",
];

const SYNTAX_WORDS: &str = words![
    "syntax",
    "invalid",
    "malformed",
    "bad ",
    "must contain",
    "must have",
    "expected",
    "requires domain",
    "no parameters",
    "takes no arguments",
    "too many values",
    "not enough value",
    "missing",
];

const SIZE_WORDS: &str = words![
    "too big",
    "too large",
    "size exceed",
    "exceeds size",
    "message size",
    "mailsize",
    "size limit",
    "too much mail data",
    "maximum message size",
    "message is too long",
    "exceeds the maximum",
];
const QUOTA_WORDS: &str = words![
    "quota",
    "mailbox full",
    "mailbox is full",
    "insufficient storage",
    "insufficient system storage",
    "space shortage",
    "out of storage",
    "disk full",
];
const RATE_WORDS: &str = words![
    "rate limit",
    "ratelimit",
    "rate-limit",
    "rate of",
    "at a rate",
    "too many connections",
    "too many concurrent",
    "too many messages",
    "too much mail",
    "too many new",
    "frequency",
    "too quickly",
    "too fast",
    "try again in a moment",
    "server busy",
    "too much load",
    "sending limit",
];
const BLOCK_WORDS: &str = words![
    "blocked using",
    "listed at",
    "listed on",
    "listed by",
    "is listed",
    "blacklist",
    "blocklist",
    "block list",
    "black list",
    "dnsbl",
    "rbl",
    "spamhaus",
    "spamcop",
    "barracuda",
    "banned sending ip",
    "reputation",
];
const USER_WORDS: &str = words![
    "user unknown",
    "unknown user",
    "no such user",
    "does not exist",
    "doesn't exist",
    "mailbox unavailable",
    "mailbox not found",
    "no such mailbox",
    "no such recipient",
    "invalid recipient",
    "unknown recipient",
    "recipient not found",
    "invalid user",
    "user not found",
    "not a valid mailbox",
    "unrouteable address",
    "is not deliverable",
    "addressee unknown",
    "user suspended",
    "account disabled",
    "mailbox disabled",
];
const SEQUENCE_WORDS: &str = words![
    "need mail",
    "need rcpt",
    "send helo",
    "helo first",
    "ehlo first",
    "lhlo first",
    "bad sequence",
    "out of sequence",
    "must precede",
    "no sender yet",
    "sender not yet given",
    "sender already given",
    "nested mail",
    "transaction in progress",
    "not allowed at this point",
    "no recipient specified",
    "send auth command first",
    "already identified",
    "after bdat",
    "mail first",
    "rcpt first",
    "no identity changes",
];

fn negative(f: &ReplyFacts<'_>, w: &Words) -> &'static str {
    use Stage::*;
    let code = f.code;
    let temp = code < 500;
    let end = at_end(f);
    let auth_stage = matches!(f.stage, Auth | AuthAnswer);

    // The AUTH exchange: what the server says about the login itself.
    if (f.cancel && !temp) || (f.stage == AuthAnswer && w.any(words!["cancel", "abort"])) {
        return "auth-cancelled";
    }
    if let Some((_, id)) = NETEASE.iter().find(|(key, _)| w.low.contains(key)) {
        return id;
    }
    // Exim reads unknown parameters as part of the address.
    if w.any(words!["may not follow <"]) {
        return "param-unrecognized";
    }
    if w.any(words!["address is ridiculously long", "address too long"]) {
        return "syntax";
    }
    // Postfix's submission port without a login: `reject` after
    // `permit_sasl_authenticated` says only "Access denied".
    if f.stage == Rcpt
        && !f.authenticated
        && enhanced_is(f, 7, Some(1))
        && w.any(words!["recipient address rejected: access denied"])
    {
        return "auth-required";
    }
    if w.any(words!["mi:spf", "mi:dma"]) {
        return if end {
            "content-rejected"
        } else {
            "sender-rejected"
        };
    }
    if code == 538
        || w.any(words![
            "encryption required",
            "must issue a starttls",
            "starttls first",
            "starttls command first",
            "tls required",
            "requires tls",
            "must use tls",
            "lack of security",
            "tls first",
        ])
    {
        return "tls-required";
    }
    if w.any(words![
        "base64",
        "cannot decode",
        "can't decode",
        "could not decode",
    ]) {
        return "auth-bad-base64";
    }
    if w.any(words!["already authenticated", "already logged in"]) {
        return "auth-already";
    }
    if w.any(words![
        "invalid mechanism",
        "unrecognized authentication",
        "unsupported authentication",
        "mechanism not supported",
        "unknown mechanism",
        "auth method",
        "invalid authentication mechanism",
        "unsupported mechanism",
    ]) {
        return "auth-mechanism-unknown";
    }
    if code == 534
        || enhanced_is(f, 7, Some(9))
        || w.any(words!["too weak", "application-specific password"])
    {
        return "auth-too-weak";
    }
    if auth_stage {
        if w.any(words!["not enabled", "not available", "not offered"]) {
            return "auth-not-available";
        }
        if temp && (code == 454 || enhanced_is(f, 7, Some(0)) || w.any(words!["temporar"])) {
            return "auth-temp-failure";
        }
    }
    if code == 535 || enhanced_is(f, 7, Some(8)) {
        return "auth-failed";
    }
    if auth_stage {
        if w.any(words![
            "authentication failed",
            "credentials",
            "password",
            "login fail",
        ]) {
            return "auth-failed";
        }
        match code {
            504 => return "auth-mechanism-unknown",
            502 => return "auth-not-available",
            503 if f.authenticated => return "auth-already",
            501 if f.stage == AuthAnswer => return "auth-bad-base64",
            _ => {}
        }
    }

    // The session as a whole.
    if w.any(words!["synchroniz", "synchronis", "pipelining"]) {
        return "sync-error";
    }
    if w.any(words![
        "line too long",
        "command too long",
        "line length",
        "too long line",
        "ridiculously long",
    ]) {
        return "line-too-long";
    }
    if w.any(words![
        "bare <lf>",
        "bare lf",
        "bare linefeed",
        "bare line feed",
        "bare newline",
        "stray newline",
    ]) {
        return "bare-lf-rejected";
    }
    if w.any(words![
        "too many errors",
        "bad commands",
        "too many unrecognized",
        "too many syntax",
        "too many invalid",
        "too many bad",
        "too many unauthenticated",
        "too many nonmail",
        "too much fail",
        "sent too many times",
        "error limit",
    ]) {
        return "too-many-errors";
    }
    // The server's own idle timer; a timeout it met elsewhere (a lookup, a recipient
    // check) is its own problem, below.
    if w.any(words!["timeout", "timed out", "time out"])
        && (code == 421
            || w.any(words![
                "timeout exceeded",
                "error: timeout",
                "command timeout"
            ]))
    {
        return "timeout";
    }
    if f.stage == StartTls {
        if temp && code != 421 {
            return "tls-not-available";
        }
        if !w.any(words!["syntax"]) {
            return "starttls-refused";
        }
    }
    if w.any(words![
        "traceback",
        "exception",
        "internal error",
        "internal server",
        "error: internal",
        "internal failure",
        "local error",
        "server error",
        "error in processing",
        "system error",
        "local problem",
        "configuration error",
        "lookup error",
        "data error",
        "describe error",
        "error: (",
        "timed out",
    ]) {
        return "server-error";
    }

    // The message and the mailbox.
    if enhanced_is(f, 3, Some(4)) || enhanced_is(f, 2, Some(3)) {
        return "size-exceeded";
    }
    if w.any(words!["sending quota", "daily user sending"]) {
        return "rate-limited";
    }
    if enhanced_is(f, 2, Some(2)) || w.any(QUOTA_WORDS) {
        return "mailbox-full";
    }
    if w.any(SIZE_WORDS) {
        return "size-exceeded";
    }
    if w.any(words!["greylist", "graylist", "grey-list", "gray-list"]) {
        return "greylisted";
    }
    if w.any(RATE_WORDS) {
        return "rate-limited";
    }
    if enhanced_is(f, 5, Some(3))
        || w.any(words![
            "too many recipients",
            "too much recipient",
            "too many rcpt"
        ])
    {
        return if enhanced_is(f, 7, None) {
            "rate-limited"
        } else {
            "too-many-recipients"
        };
    }
    if w.any(BLOCK_WORDS) {
        return "blocklisted";
    }
    if w.any(words!["spam", "unsolicited", "junk mail"]) {
        return "spam-rejected";
    }
    if temp
        && matches!(f.stage, Mail | Rcpt | Data | EndOfData | Bdat)
        && (enhanced_is(f, 7, Some(1)) || enhanced_is(f, 2, Some(0)))
        && w.any(words!["try again", "retry", "try later", "deferred"])
    {
        return "greylisted";
    }
    if w.any(words!["virus", "malware", "infected"]) {
        return "content-rejected";
    }

    // The envelope.
    if w.any(words!["relay", "non-accepted domain"]) {
        return "relay-denied";
    }
    if code == 530
        || w.any(words![
            "authentication required",
            "authentication is required",
            "auth required",
            "must authenticate",
            "authenticate first",
            "auth first",
            "must issue an auth",
            "not logged in",
            "requires authentication",
            "login required",
            "please authenticate",
        ])
    {
        return "auth-required";
    }
    if enhanced_is(f, 6, Some(7))
        || w.any(words![
            "must declare smtputf8",
            "unicode address",
            "strict ascii"
        ])
    {
        return "smtputf8-required";
    }
    if w.any(words!["smtputf8"]) && !w.any(words!["syntax", "argument"]) {
        return "param-unrecognized";
    }
    if w.any(words!["no valid recipient"]) {
        return "data-no-recipients";
    }
    if end
        && (enhanced_is(f, 6, None)
            || enhanced_is(f, 7, None)
            || w.any(words![
                "dmarc",
                "spf",
                "dkim",
                "unauthenticated",
                "rfc 5322",
                "rfc 2822",
                "rfc5322",
                "rfc2822",
                "header",
                "8bit",
                "8-bit",
                "content",
                "attachment",
                "inappropriate",
            ]))
    {
        return "content-rejected";
    }
    if w.any(USER_WORDS) || (f.stage == Rcpt && enhanced_is(f, 1, Some(1))) {
        return match f.stage {
            Mail => "sender-rejected",
            _ if temp => "mailbox-unavailable-temp",
            _ => "unknown-user",
        };
    }
    if w.any(SEQUENCE_WORDS) {
        return "bad-sequence";
    }
    if w.any(words![
        "no service",
        "not accepting",
        "service not available"
    ]) && f.stage == Greeting
        || w.any(words!["no smtp service", "does not accept mail"])
    {
        return "no-service";
    }
    if w.any(words!["transaction failed"]) && !w.any(words![":", ";"]) {
        return "transaction-failed";
    }

    // The command line itself.
    if w.any(words!["fully-qualified", "fully qualified"]) {
        return "syntax";
    }
    let param = w.any(words!["parameter", "option", "extension"])
        && w.any(words![
            "not recognized",
            "unrecognized",
            "unsupported",
            "not supported",
            "not implemented",
            "unknown",
        ]);
    if param || (code == 555 && !w.any(words!["syntax"])) {
        return "param-unrecognized";
    }
    if w.any(words![
        "not recognized",
        "unrecognized",
        "unrecognised",
        "unknown command",
        "command not understood",
    ]) || (matches!(f.stage, UnknownCommand | Ehlo) && matches!(code, 500 | 502))
    {
        // "Not recognized" means something else for a verb every server knows.
        return match f.stage {
            UnknownCommand | Nothing | Greeting | Ehlo | Helo => "unknown-command",
            Auth | AuthAnswer => "auth-not-available",
            Vrfy | Expn | Etrn | Help | Bdat | StartTls => "not-implemented",
            _ => "syntax",
        };
    }
    if w.any(words!["not implemented", "disabled", "not supported"]) || matches!(code, 502 | 504) {
        return "not-implemented";
    }
    if w.any(CLIENT_WORDS) && !w.any(SYNTAX_WORDS) {
        return "generic";
    }
    if f.stage == Mail && !matches!(code, 500 | 501 | 553 | 555) {
        return stage_fallback(f);
    }
    if w.any(SYNTAX_WORDS) || matches!(code, 500 | 501 | 555) {
        return if end { "message-rejected" } else { "syntax" };
    }
    stage_fallback(f)
}

/// What a refusal means when its words say nothing this module recognises.
fn stage_fallback(f: &ReplyFacts<'_>) -> &'static str {
    use Stage::*;
    let code = f.code;
    match (f.stage, code) {
        (Greeting, _) => "no-service",
        (_, 421) => "service-closing",
        (_, 503) => "bad-sequence",
        (_, 521 | 556) => "no-service",
        (Mail, 552) => "size-exceeded",
        (Mail, 452) => "mailbox-full",
        (Mail, 451) => "server-error",
        (Mail, _) => "sender-rejected",
        (Rcpt, 450) => "mailbox-unavailable-temp",
        (Rcpt, 451) => "server-error",
        (Rcpt, 452) => "mailbox-full",
        (Rcpt, 552) => "mailbox-full",
        (Rcpt, 553) => "syntax",
        (Rcpt, 550 | 551 | 554) if !enhanced_is(f, 7, None) => "unknown-user",
        (Data, 554) => "data-no-recipients",
        (Data, 451) => "server-error",
        (Data, 452) => "mailbox-full",
        _ if at_end(f) => match code {
            552 => "size-exceeded",
            452 => "mailbox-full",
            451 => "server-error",
            _ if f.text.trim().is_empty() || f.text.eq_ignore_ascii_case("transaction failed") => {
                "transaction-failed"
            }
            _ => "message-rejected",
        },
        (Vrfy | Expn, 550 | 551 | 553) => "unknown-user",
        (Bdat, 552) => "size-exceeded",
        (_, 451) => "server-error",
        _ => "generic",
    }
}

/// The static part of each id's explanation: id, title, text, reference. A table rather
/// than a `match` on the id: the match compiled to a string comparison and ten stores per
/// arm, several KB of the WebAssembly bundle.
const BASE: &[(&str, Text, Text, &str)] = &[
    (
        "greeting",
        t!("Server ready", "服务器就绪"),
        t!(
            "The server accepted the connection. Your turn: introduce yourself with EHLO (or HELO, as in the tutorial).",
            "服务器接受了连接。轮到你了：用 EHLO（或像教程中那样用 HELO）介绍自己。"
        ),
        "RFC 5321 4.3.1",
    ),
    (
        "hello",
        t!("Hello accepted", "问候已接受"),
        t!(
            "The server knows you now. The first line is its name; every further line is an extension it supports (see the capabilities table).",
            "服务器已认识你。第一行是它的名称；其后每一行都是它支持的一项扩展（见扩展列表）。"
        ),
        "RFC 5321 4.1.1.1",
    ),
    (
        "starttls-ready",
        t!("Go ahead with TLS", "开始 TLS 握手"),
        t!(
            "The TLS handshake starts now on this same connection. Afterwards the server forgets everything said before: send EHLO again.",
            "现在在同一连接上开始 TLS 握手。握手之后，服务器会忘记之前的所有内容：请重新发送 EHLO。"
        ),
        "RFC 3207 4.2",
    ),
    (
        "auth-challenge",
        t!("Server asks for more", "服务器要求继续输入"),
        t!(
            "334 means: continue the AUTH exchange. The text is base64 for what the server asks. Base64 is an encoding, not encryption: anyone can decode it, which is why real servers want TLS first.",
            "334 表示继续认证交互。其文字是服务器所询问内容的 base64 编码。base64 只是编码而不是加密：任何人都能解码，所以真实的服务器要求先启用 TLS。"
        ),
        "RFC 4954 4",
    ),
    (
        "auth-ok",
        t!("Logged in", "登录成功"),
        t!(
            "The server accepted your credentials; it will now relay mail for you.",
            "服务器接受了你的凭据，现在会为你中继邮件。"
        ),
        "RFC 4954 6",
    ),
    (
        "mail-ok",
        t!("Sender accepted", "发件人已接受"),
        t!(
            "The transaction is open with this envelope sender (where bounces go). Now name the recipients.",
            "邮件事务已开始，信封发件人（退信的接收地址）已确定。现在请指定收件人。"
        ),
        "RFC 5321 4.1.1.2",
    ),
    (
        "rcpt-ok",
        t!("Recipient accepted", "收件人已接受"),
        t!(
            "The server will deliver this message to this address. Add more recipients, or start the message text with DATA.",
            "服务器会把邮件投递到这个地址。可以继续添加收件人，或用 DATA 开始输入邮件内容。"
        ),
        "RFC 5321 4.1.1.3",
    ),
    (
        "data-go",
        t!("Go ahead: type the message", "请输入邮件内容"),
        t!(
            "Everything you type now is the message. Start with headers (Subject:, From:, To:), then an empty line, then the text. A line with only a dot ends the message.",
            "现在输入的所有内容都是邮件本身。先写邮件头（Subject:、From:、To:），然后空一行，再写正文。只包含一个点号的行表示邮件结束。"
        ),
        "RFC 5321 4.1.1.4",
    ),
    (
        "message-accepted",
        t!("Message accepted for delivery", "邮件已接受，等待投递"),
        t!(
            "The server took responsibility for the message: it is queued and will be delivered.",
            "服务器已接管这封邮件：它已进入队列并将被投递。"
        ),
        "RFC 5321 4.1.1.4",
    ),
    (
        "bdat-chunk-ok",
        t!("Chunk received", "数据块已收到"),
        t!(
            "The server stored this chunk of the message. Send the next one; the last chunk carries LAST, and only its reply says whether the message is accepted.",
            "服务器已保存这一块邮件数据。请发送下一块；最后一块要带 LAST，只有它的回复才表明邮件是否被接受。"
        ),
        "RFC 3030 2",
    ),
    (
        "rset-ok",
        t!("Transaction reset", "事务已重置"),
        t!(
            "The sender and recipients given so far are forgotten; the connection stays open.",
            "之前指定的发件人和收件人都已清除；连接保持打开。"
        ),
        "RFC 5321 4.1.1.5",
    ),
    (
        "noop-ok",
        t!("Still here", "连接正常"),
        t!(
            "NOOP does nothing; the reply shows the connection is alive.",
            "NOOP 不做任何事；这个回复说明连接仍然正常。"
        ),
        "RFC 5321 4.1.1.9",
    ),
    (
        "vrfy-ok",
        t!("Address exists", "地址存在"),
        t!("The server confirms the mailbox.", "服务器确认该邮箱存在。"),
        "RFC 5321 3.5.3",
    ),
    (
        "vrfy-cannot-verify",
        t!("Cannot verify, would accept", "无法验证，但会接受"),
        t!(
            "The server will not say whether the mailbox exists (so nobody can harvest addresses) but would accept mail for it. Only RCPT TO in a real transaction tells more.",
            "服务器不透露邮箱是否存在（防止地址被收集），但会接受发往该地址的邮件。只有真实事务中的 RCPT TO 才能知道更多。"
        ),
        "RFC 5321 3.5.3",
    ),
    (
        "help",
        t!("Help", "帮助信息"),
        t!(
            "Text for a human reader: often the commands the server knows.",
            "供人阅读的文字：通常是服务器支持的命令。"
        ),
        "RFC 5321 4.1.1.8",
    ),
    (
        "quit-ok",
        t!("Goodbye", "再见"),
        t!(
            "The server closes the connection. The session is over.",
            "服务器关闭连接，会话结束。"
        ),
        "RFC 5321 4.1.1.10",
    ),
    (
        "etrn-ok",
        t!("Queue run started", "已开始处理队列"),
        t!(
            "The server will try to deliver the mail it holds for this domain (ETRN).",
            "服务器会尝试投递它为该域名保存的邮件（ETRN）。"
        ),
        "RFC 1985 5",
    ),
    (
        "no-service",
        t!("No SMTP service for you", "不为你提供 SMTP 服务"),
        t!(
            "The server refuses this connection instead of greeting it (your address may be blocked, or this host takes no mail from here). Every command will be refused.",
            "服务器没有问候，而是拒绝了此连接（你的地址可能被封禁，或此主机不接收来自这里的邮件）。所有命令都会被拒绝。"
        ),
        "RFC 5321 3.1",
    ),
    (
        "service-closing",
        t!("Server closing the connection", "服务器正在关闭连接"),
        t!(
            "The server ends the session (shutting down, overloaded, or a local policy). Connect again to continue.",
            "服务器结束了会话（正在停机、负载过高或出于本地策略）。如需继续，请重新连接。"
        ),
        "RFC 5321 3.8",
    ),
    (
        "timeout",
        t!("Closed for inactivity", "因空闲超时而关闭"),
        t!(
            "You were silent longer than the server waits. Servers give a few minutes per command; have each line ready (or paste it) before you connect.",
            "你沉默的时间超过了服务器的等待时间。服务器对每条命令只等几分钟；连接前请先准备好（或直接粘贴）每一行。"
        ),
        "RFC 5321 4.5.3.2",
    ),
    (
        "too-many-errors",
        t!(
            "Too many errors: the server hangs up",
            "错误太多：服务器挂断"
        ),
        t!(
            "After several bad or unknown commands the server gives up on the session, a defence against scanners and broken scripts. Check each command before sending it.",
            "在收到多条错误或未知命令后，服务器放弃了这个会话，这是针对扫描程序和有问题脚本的防御措施。发送前请检查每条命令。"
        ),
        "RFC 5321 4.2.2",
    ),
    (
        "sync-error",
        t!(
            "Sent too early (synchronization error)",
            "发送过早（同步错误）"
        ),
        t!(
            "The server received a command before it had answered the previous one. Without PIPELINING, and always for EHLO, DATA, STARTTLS and AUTH, the client must wait for each reply; spam scripts do not, so servers check.",
            "服务器在回复上一条命令之前就收到了新命令。没有 PIPELINING 时（以及 EHLO、DATA、STARTTLS、AUTH 之后总是如此），客户端必须等待每个回复；垃圾邮件脚本不会等待，所以服务器会检查。"
        ),
        "RFC 2920 3.1",
    ),
    (
        "line-too-long",
        t!("Line too long", "行太长"),
        t!(
            "A command line may have at most 512 octets and a message line 1000, CRLF included. Shorten the line: wrap long headers, encode the body in base64 or quoted-printable.",
            "命令行最多 512 个字节，邮件内容每行最多 1000 个字节（都包括 CRLF）。请缩短该行：折叠过长的邮件头，用 base64 或 quoted-printable 编码正文。"
        ),
        "RFC 5321 4.5.3.1",
    ),
    (
        "bare-lf-rejected",
        t!("Bare LF refused", "拒绝单独的 LF"),
        t!(
            "A line ended with LF alone instead of CRLF. SMTP requires CRLF, and since the SMTP smuggling attacks of 2023 servers refuse anything else. Make the client send CRLF (nc -C, or swaks).",
            "某一行只以 LF 结尾，而不是 CRLF。SMTP 要求使用 CRLF；自 2023 年的 SMTP 走私攻击以来，服务器会拒绝其他结尾。请让客户端发送 CRLF（nc -C 或 swaks）。"
        ),
        "RFC 5321 2.3.8",
    ),
    (
        "syntax",
        t!("Syntax error", "语法错误"),
        t!(
            "The server knows the command but cannot read its arguments: an address without angle brackets, a space after the colon, a missing domain, a bad parameter value.",
            "服务器认识这个命令，但无法解析它的参数：地址缺少尖括号、冒号后多了空格、缺少域名或参数值错误。"
        ),
        "RFC 5321 4.1.2",
    ),
    (
        "unknown-command",
        t!("Unknown command", "未知命令"),
        t!(
            "The server does not know this command. Check the spelling; HELP may list the commands it knows.",
            "服务器不认识这个命令。请检查拼写；HELP 可能会列出它支持的命令。"
        ),
        "RFC 5321 4.2.4",
    ),
    (
        "not-implemented",
        t!("Command not offered here", "此服务器不提供该命令"),
        t!(
            "The server knows this command but does not offer it. VRFY and EXPN are often disabled so that nobody can harvest addresses; ETRN and TURN are rare.",
            "服务器认识这个命令，但不提供它。VRFY 和 EXPN 常被禁用以防地址被收集；ETRN 和 TURN 很少有服务器支持。"
        ),
        "RFC 5321 4.2.4",
    ),
    (
        "bad-sequence",
        t!("Bad sequence of commands", "命令顺序错误"),
        t!(
            "The command is valid but not at this point. The order is: HELO/EHLO, (AUTH), MAIL FROM, RCPT TO, DATA, QUIT.",
            "命令本身有效，但此时不能使用。顺序是：HELO/EHLO、（AUTH）、MAIL FROM、RCPT TO、DATA、QUIT。"
        ),
        "RFC 5321 4.1.4",
    ),
    (
        "param-unrecognized",
        t!("Parameter not supported", "参数不受支持"),
        t!(
            "A MAIL FROM or RCPT TO parameter (SIZE=, BODY=, SMTPUTF8, NOTIFY= ...) is unknown to the server or was not advertised in its EHLO reply. Send the command without it.",
            "MAIL FROM 或 RCPT TO 的某个参数（SIZE=、BODY=、SMTPUTF8、NOTIFY= 等）服务器不认识，或没有在 EHLO 回复中声明。请去掉该参数再发送。"
        ),
        "RFC 5321 4.1.1.11",
    ),
    (
        "sender-rejected",
        t!("Sender refused", "发件人被拒绝"),
        t!(
            "The server refuses this envelope sender: its domain may not exist, it may not be the account you logged in as, or local policy blocks it. No transaction was started.",
            "服务器拒绝了这个信封发件人：它的域名可能不存在，可能与你登录的帐户不一致，或被本地策略阻止。邮件事务没有开始。"
        ),
        "RFC 5321 4.1.1.2",
    ),
    (
        "smtputf8-required",
        t!(
            "Non-ASCII address needs SMTPUTF8",
            "非 ASCII 地址需要 SMTPUTF8"
        ),
        t!(
            "An address with non-ASCII characters (such as 张三@example.com) is only allowed when the server advertises SMTPUTF8 and MAIL FROM carries the SMTPUTF8 parameter.",
            "含非 ASCII 字符的地址（如 张三@example.com）只有在服务器声明支持 SMTPUTF8、且 MAIL FROM 带上 SMTPUTF8 参数时才允许使用。"
        ),
        "RFC 6531 3.4",
    ),
    (
        "relay-denied",
        t!("Relaying denied", "禁止中继"),
        t!(
            "The server only accepts mail for its own domains from strangers; sending anywhere else through it is relaying.",
            "对于陌生人，服务器只接收发往它自己域名的邮件；通过它发往其他地方就是中继。"
        ),
        "RFC 5321 3.6.2",
    ),
    (
        "auth-required",
        t!("Log in first", "请先登录"),
        t!(
            "The server takes this only from users who have logged in (AUTH).",
            "服务器只接受已登录（AUTH）用户的这个请求。"
        ),
        "RFC 4954 6",
    ),
    (
        "tls-required",
        t!("Encrypt first (STARTTLS)", "请先加密（STARTTLS）"),
        t!(
            "The server wants the connection encrypted before this, so that passwords and mail do not travel in clear text. Say STARTTLS, then EHLO again.",
            "服务器要求先加密连接，以免密码和邮件以明文传输。请先发送 STARTTLS，然后重新 EHLO。"
        ),
        "RFC 3207 4",
    ),
    (
        "unknown-user",
        t!("No such recipient", "收件人不存在"),
        t!(
            "The server says this mailbox does not exist. Check the spelling of the address; other recipients of this message are not affected.",
            "服务器表示这个邮箱不存在。请检查地址的拼写；此邮件的其他收件人不受影响。"
        ),
        "RFC 5321 3.3",
    ),
    (
        "mailbox-unavailable-temp",
        t!("Mailbox temporarily unavailable", "邮箱暂时不可用"),
        t!(
            "The mailbox cannot take mail right now (busy, locked, or being moved). A real mail server keeps the message in its queue and retries.",
            "该邮箱现在无法接收邮件（忙碌、被锁定或正在迁移）。真正的邮件服务器会把邮件留在队列中并重试。"
        ),
        "RFC 5321 4.2.3",
    ),
    (
        "mailbox-full",
        t!("Mailbox full", "邮箱已满"),
        t!(
            "The recipient's mailbox, or the server's storage, has no room for this message. The recipient has to make room.",
            "收件人的邮箱或服务器的存储空间已没有空间容纳这封邮件。需要收件人清理空间。"
        ),
        "RFC 3463 3.3",
    ),
    (
        "too-many-recipients",
        t!("Too many recipients", "收件人太多"),
        t!(
            "The server takes only so many recipients per message (RFC 5321 requires at least 100). Send to the rest in another transaction: finish this one, then MAIL FROM again.",
            "服务器对每封邮件的收件人数量有限制（RFC 5321 要求至少支持 100 个）。其余收件人请放到另一个事务中：结束当前事务后再次 MAIL FROM。"
        ),
        "RFC 5321 4.5.3.1.10",
    ),
    (
        "greylisted",
        t!("Greylisted: try again later", "灰名单：请稍后重试"),
        t!(
            "Greylisting servers refuse unknown senders once on purpose: a real mail server retries minutes later and gets through; most spam scripts never retry.",
            "启用灰名单的服务器会故意拒绝陌生发件人一次：真正的邮件服务器几分钟后重试即可通过，而大多数垃圾邮件脚本从不重试。"
        ),
        "RFC 6647 2.1",
    ),
    (
        "rate-limited",
        t!("Too much, too fast (rate limited)", "发送过快（被限速）"),
        t!(
            "The server limits how many connections, messages or recipients it takes from you in a period. Send less, more slowly; a real mail server's queue spreads its retries by itself.",
            "服务器限制了你在一段时间内的连接数、邮件数或收件人数。请少发、慢发；真正的邮件服务器的队列会自动分散重试。"
        ),
        "RFC 5321 4.5.4.1",
    ),
    (
        "blocklisted",
        t!("Your address is on a blocklist", "你的地址在黑名单上"),
        t!(
            "The server refuses mail from your IP address because a DNS blocklist (such as Spamhaus) names it; home and cloud addresses often are. Look the address up on the list the reply names, or send through your provider's submission server (port 587 with AUTH).",
            "服务器拒收来自你的 IP 地址的邮件，因为某个 DNS 黑名单（如 Spamhaus）列出了它；家庭宽带和云主机的地址经常在列。请到回复中提到的黑名单查询该地址，或通过你的邮件服务商的提交服务器发送（587 端口并登录）。"
        ),
        "RFC 5782 1",
    ),
    (
        "data-no-recipients",
        t!("No valid recipients", "没有有效的收件人"),
        t!(
            "DATA needs a sender and at least one accepted recipient first.",
            "DATA 之前需要先有发件人和至少一个被接受的收件人。"
        ),
        "RFC 5321 4.1.1.4",
    ),
    (
        "size-exceeded",
        t!("Message too big", "邮件太大"),
        t!(
            "The message is bigger than this server accepts (its SIZE in the EHLO reply). Make it smaller: fewer or smaller attachments, or a link instead of a file.",
            "邮件超过了服务器允许的大小（见 EHLO 回复中的 SIZE）。请缩小邮件：减少或压缩附件，或用链接代替文件。"
        ),
        "RFC 1870 6",
    ),
    (
        "spam-rejected",
        t!("Rejected as spam", "被判为垃圾邮件"),
        t!(
            "The server's content filter judged the message to be spam.",
            "服务器的内容过滤器认为这封邮件是垃圾邮件。"
        ),
        "RFC 3463 3.8",
    ),
    (
        "content-rejected",
        t!("Refused for its content", "因内容被拒"),
        t!(
            "The server read the message and refused it for its content or a failed check: a virus, a malformed or missing header, 8-bit data without 8BITMIME, or an SPF, DKIM or DMARC failure of the From: domain. The reply's words name which.",
            "服务器读完邮件后因其内容或某项检查失败而拒收：病毒、邮件头格式错误或缺失、未声明 8BITMIME 的 8 位数据，或 From: 域名的 SPF、DKIM、DMARC 检查失败。回复的文字会说明是哪一种。"
        ),
        "RFC 3463 3.7",
    ),
    (
        "message-rejected",
        t!("Refused", "被拒收"),
        t!(
            "The server read the whole message and refused it; the reply's words are all the reason it gives. Nothing was delivered.",
            "服务器读完整封邮件后拒收了它；回复中的文字就是它给出的全部理由。邮件没有被投递。"
        ),
        "RFC 5321 4.1.1.4",
    ),
    (
        "server-error",
        t!("Error on the server's side", "服务器端出错"),
        t!(
            "The server hit a problem of its own (an exception, a lookup or disk failure), not something you typed. If it persists, give the server's administrator the time and this reply.",
            "服务器自身出了问题（程序异常、查询或磁盘故障），而不是你输入有误。如果问题持续，请把时间和这条回复提供给服务器管理员。"
        ),
        "RFC 5321 4.2.3",
    ),
    (
        "transaction-failed",
        t!("Transaction failed", "事务失败"),
        t!(
            "The server refused without giving a reason (554 is its catch-all). Nothing was delivered; only the server's logs say why.",
            "服务器拒绝了，但没有说明原因（554 是笼统的失败码）。邮件没有被投递；只有服务器的日志能说明原因。"
        ),
        "RFC 5321 4.2.3",
    ),
    (
        "auth-failed",
        t!("Wrong username or password", "用户名或密码错误"),
        t!(
            "The server refused the credentials. Check that you encoded the right text (no newline: echo -n), and that the account may log in over SMTP (163.com needs a client authorisation code, Gmail an app password, not the web password).",
            "服务器拒绝了凭据。请检查编码的内容是否正确（不要带换行：使用 echo -n），以及该帐户是否允许通过 SMTP 登录（163 邮箱需要客户端授权码，Gmail 需要应用专用密码，而不是网页登录密码）。"
        ),
        "RFC 4954 6",
    ),
    (
        "auth-cancelled",
        t!("Login cancelled", "登录已取消"),
        t!(
            "You sent '*', and the server confirms that the AUTH exchange is abandoned, with the 501 RFC 4954 requires. Nothing is wrong; you are simply not logged in, and AUTH starts over.",
            "你发送了“*”，服务器按 RFC 4954 的要求用 501 确认认证交互已放弃。这不是错误；你只是没有登录，可以重新 AUTH。"
        ),
        "RFC 4954 4",
    ),
    (
        "auth-bad-base64",
        t!("Answer is not valid base64", "回答不是有效的 base64"),
        t!(
            "The server could not decode your answer: every AUTH answer is base64 (letters, digits, + and /, = padding) on one line. Encode it first, e.g. printf '%s' 'user@example.com' | base64, instead of typing plain text.",
            "服务器无法解码你的回答：每个认证回答都必须是一行 base64（字母、数字、+ 和 /，以 = 补齐）。请先编码，例如 printf '%s' 'user@example.com' | base64，而不要直接输入明文。"
        ),
        "RFC 4954 4",
    ),
    (
        "auth-mechanism-unknown",
        t!("Unknown login mechanism", "不支持的认证机制"),
        t!(
            "The server does not offer this SASL mechanism. Use one listed on the AUTH line of its EHLO reply.",
            "服务器不支持这个 SASL 认证机制。请使用其 EHLO 回复中 AUTH 行列出的机制。"
        ),
        "RFC 4954 4",
    ),
    (
        "auth-already",
        t!("Already logged in", "已经登录"),
        t!(
            "You are already authenticated in this session, and RFC 4954 forbids a second AUTH. Go on with MAIL FROM.",
            "你在本会话中已经通过认证，RFC 4954 不允许再次 AUTH。请继续 MAIL FROM。"
        ),
        "RFC 4954 4",
    ),
    (
        "auth-too-weak",
        t!(
            "Login method or password not accepted here",
            "此登录方式或密码不被接受"
        ),
        t!(
            "The server wants a stronger mechanism or another kind of credential for this account: Gmail answers 534 5.7.9 when an app password is required, and 534 5.7.14 when you must first log in with a browser.",
            "服务器要求更强的认证机制或另一种凭据：Gmail 在需要应用专用密码时回复 534 5.7.9，在需要先用浏览器登录时回复 534 5.7.14。"
        ),
        "RFC 4954 6",
    ),
    (
        "auth-temp-failure",
        t!("Login failed for now", "暂时无法登录"),
        t!(
            "The server could not check your credentials at the moment (its authentication backend did not answer). The password may well be right.",
            "服务器暂时无法校验你的凭据（其认证后台没有响应）。你的密码很可能是正确的。"
        ),
        "RFC 4954 6",
    ),
    (
        "auth-not-available",
        t!("Login not offered", "不提供登录"),
        t!(
            "This server does not offer AUTH here: not in its EHLO reply, only after STARTTLS, or not on this port. On port 25 servers usually take mail for their own domains without any login.",
            "此服务器在这里不提供 AUTH：EHLO 回复中没有，只在 STARTTLS 之后提供，或这个端口不提供。在 25 端口上，服务器通常无需登录就接收发往它自己域名的邮件。"
        ),
        "RFC 4954 3",
    ),
    (
        "tls-not-available",
        t!("TLS not available now", "暂时无法使用 TLS"),
        t!(
            "The server cannot start TLS at the moment (a certificate or local problem). The connection stays in clear text: do not send a password over it.",
            "服务器暂时无法启动 TLS（证书或本地问题）。连接仍是明文：不要通过它发送密码。"
        ),
        "RFC 3207 4",
    ),
    (
        "starttls-refused",
        t!("STARTTLS refused", "STARTTLS 被拒绝"),
        t!(
            "The server will not start TLS now: the connection is already encrypted (a second STARTTLS, or port 465), or it does not offer STARTTLS at all.",
            "服务器现在不会启动 TLS：连接已经加密（重复发送 STARTTLS，或使用的是 465 端口），或者它根本不提供 STARTTLS。"
        ),
        "RFC 3207 4",
    ),
    (
        "nonstandard",
        t!("Non-standard reply code", "非标准回复码"),
        t!(
            "RFC 5321 does not define this code; a client must act on its first digit alone.",
            "RFC 5321 没有定义这个回复码；客户端只能根据它的第一位数字来处理。"
        ),
        "RFC 5321 4.2.1",
    ),
];

/// The static part of an id's explanation: title, text, reference.
fn base(id: &str) -> (Text, Text, &'static str) {
    BASE.iter()
        .find(|entry| entry.0 == id)
        .map_or((t!("", ""), t!("", ""), "RFC 5321 4.2.3"), |entry| {
            (entry.1, entry.2, entry.3)
        })
}

const TEMPORARY: Text = t!(
    "Temporary (4xx): retrying later may work.",
    "临时性错误（4xx）：稍后重试可能会成功。"
);
const PERMANENT: Text = t!(
    "Permanent (5xx): sending the same thing again will fail again.",
    "永久性错误（5xx）：原样再发一次仍会失败。"
);
const NEXT_QUIT: Text = t!("QUIT — end the session", "QUIT —— 结束会话");
const NEXT_MAIL: Text = t!(
    "MAIL FROM:<you@example.com> — start a message",
    "MAIL FROM:<you@example.com> —— 开始写一封邮件"
);
const NEXT_RCPT: Text = t!(
    "RCPT TO:<friend@example.com> — add a recipient",
    "RCPT TO:<friend@example.com> —— 添加收件人"
);
const NEXT_EHLO: Text = t!(
    "EHLO your.name — introduce yourself and list the server's extensions",
    "EHLO 你的主机名 —— 介绍自己并列出服务器支持的扩展"
);
const NEXT_AUTH: Text = t!(
    "AUTH LOGIN — log in with your username and password in base64",
    "AUTH LOGIN —— 用 base64 编码的用户名和密码登录"
);
const NEXT_STARTTLS: Text = t!(
    "STARTTLS — encrypt the connection first",
    "STARTTLS —— 先加密连接"
);
const NEXT_LATER: Text = t!("Wait, then try the same again", "稍等片刻，再原样重试");
const NEXT_RESEND: Text = t!(
    "MAIL FROM:<...> — send a corrected message",
    "MAIL FROM:<...> —— 修改邮件后重新发送"
);
const NEXT_RECONNECT: Text = t!("Connect again (later)", "（稍后）重新连接");

/// Explains a complete reply; see the module documentation.
pub(crate) fn explain(f: &ReplyFacts<'_>, lang: Lang) -> Explained {
    let id = classify(f);
    let code = f.code;
    let (title, explanation, reference) = base(id);
    let mut title = title.get(lang).to_owned();
    let mut explanation = explanation.get(lang).to_owned();
    let mut reference = reference;
    let mut next: Vec<Text> = Vec::new();
    let mut extra: Vec<String> = Vec::new();
    let caps = f.capabilities;
    let text = f.text.replace('\n', " ");
    let offers_auth = caps.is_none_or(|c| !c.auth_mechanisms().is_empty());
    let offers_starttls = caps.is_some_and(|c| c.has("STARTTLS"));
    let after_hello = |next: &mut Vec<Text>| {
        if offers_starttls && !f.tls {
            next.push(NEXT_STARTTLS);
        }
        if offers_auth && !f.authenticated {
            next.push(NEXT_AUTH);
        }
        next.push(NEXT_MAIL);
    };
    match id {
        "generic" => {
            let meaning = codes::meaning(code);
            title = meaning.title.get(lang).to_owned();
            reference = meaning.reference;
            // The code's textbook meaning can name the wrong moment (554 "at connect"):
            // after a command, say what was refused and quote the server.
            let client = Words::new(f.text).any(CLIENT_WORDS);
            let refused = match f.stage {
                _ if client => Some(t!(
                    "The server refuses your client itself: its IP address has no proper name (reverse DNS), or its HELO name is not acceptable.",
                    "服务器拒绝的是你的客户端本身：它的 IP 地址没有正确的反向解析名称，或它的 HELO 名称不被接受。"
                )),
                Stage::Rcpt => Some(t!(
                    "The server refuses this recipient; other recipients are not affected.",
                    "服务器拒绝了这个收件人；其他收件人不受影响。"
                )),
                Stage::Mail => Some(t!(
                    "The server refuses this sender.",
                    "服务器拒绝了这个发件人。"
                )),
                Stage::Ehlo | Stage::Helo => Some(t!(
                    "The server refuses your greeting.",
                    "服务器拒绝了你的问候。"
                )),
                _ => None,
            };
            explanation = match refused {
                Some(r) if code >= 400 => {
                    let r = r.get(lang);
                    tr!(
                        lang,
                        "{r} It gives no reason this playground recognises: '{text}'.",
                        "{r}它给出的理由本工具无法识别：“{text}”。"
                    )
                }
                _ => meaning.explanation.get(lang).to_owned(),
            };
        }
        "greeting" => {
            explanation = tr!(
                lang,
                "The server accepted the connection and introduces itself: '{text}'. Your turn: introduce yourself with EHLO (or HELO, as in the tutorial).",
                "服务器接受了连接并自我介绍：“{text}”。轮到你了：用 EHLO（或像教程中那样用 HELO）介绍自己。"
            );
            next.push(NEXT_EHLO);
            next.push(t!(
                "HELO your.name — plain SMTP, no extensions",
                "HELO 你的主机名 —— 普通 SMTP，不列扩展"
            ));
        }
        "hello" if f.stage == Stage::Helo => {
            title = tx!(
                lang,
                "Hello accepted (plain SMTP)",
                "问候已接受（普通 SMTP）"
            );
            explanation = tx!(
                lang,
                "The server knows you now. HELO does not list extensions; say EHLO instead to see what the server offers (AUTH, STARTTLS, SIZE ...).",
                "服务器已认识你。HELO 不会列出扩展；改用 EHLO 可以看到服务器提供的功能（AUTH、STARTTLS、SIZE 等）。"
            );
            after_hello(&mut next);
        }
        "hello" => {
            let n = f.line_count.saturating_sub(1);
            title = match (n, lang) {
                (1, Lang::En) => "Hello accepted; 1 extension offered".to_owned(),
                (_, Lang::En) => format!("Hello accepted; {n} extensions offered"),
                (_, Lang::ZhCn) => format!("问候已接受；服务器提供 {n} 项扩展"),
            };
            after_hello(&mut next);
        }
        "auth-challenge" => {
            let (what, hint) = match f.prompt.unwrap_or(&Prompt::Empty) {
                Prompt::Username => (
                    tx!(lang, "the username ('Username:')", "用户名（“Username:”）"),
                    tx!(
                        lang,
                        "type your username in base64, e.g. cGh1bnhtQDE2My5jb20= for phunxm@163.com",
                        "输入用户名的 base64 编码，例如 phunxm@163.com 对应 cGh1bnhtQDE2My5jb20="
                    ),
                ),
                Prompt::Password => (
                    tx!(lang, "the password ('Password:')", "密码（“Password:”）"),
                    tx!(
                        lang,
                        "type your password in base64 (for 163.com: the client authorisation code)",
                        "输入密码的 base64 编码（163 邮箱为客户端授权码）"
                    ),
                ),
                Prompt::Empty => (
                    tx!(
                        lang,
                        "your credentials (empty challenge)",
                        "你的凭据（空质询）"
                    ),
                    tx!(
                        lang,
                        "for PLAIN: base64 of \\0username\\0password",
                        "对于 PLAIN：输入 \\0用户名\\0密码 的 base64 编码"
                    ),
                ),
                Prompt::Text(challenge) => (
                    tr!(lang, "an answer to '{challenge}'", "对“{challenge}”的回答"),
                    tx!(
                        lang,
                        "compute the mechanism's answer and send it in base64",
                        "按该机制计算回答并以 base64 发送"
                    ),
                ),
                Prompt::Undecodable => (
                    tx!(
                        lang,
                        "something (the challenge is not readable base64)",
                        "某些内容（质询不是可读的 base64）"
                    ),
                    tx!(lang, "send * to cancel", "发送 * 取消"),
                ),
            };
            title = tr!(lang, "Server asks for {what}", "服务器要求输入{what}");
            return finish(
                f,
                id,
                lang,
                title,
                explanation,
                reference,
                vec![hint, tx!(lang, "* — cancel the login", "* —— 取消登录")],
            );
        }
        "quit-ok" if f.stage != Stage::Quit => {
            explanation = tx!(
                lang,
                "The server closes the connection without waiting for QUIT: it gave up on this session.",
                "服务器没有等你 QUIT 就关闭了连接：它放弃了这个会话。"
            );
            next.push(NEXT_RECONNECT);
        }
        "auth-ok" => next.push(NEXT_MAIL),
        "mail-ok" => next.push(NEXT_RCPT),
        "rcpt-ok" => {
            let n = f.recipients;
            title = tr!(
                lang,
                "Recipient accepted ({n} so far)",
                "收件人已接受（目前共 {n} 个）"
            );
            if code == 251 {
                extra.push(tx!(
                    lang,
                    "251: the mailbox is elsewhere and this server will forward the message.",
                    "251：该邮箱在别处，此服务器会转发邮件。"
                ));
            }
            if f.command
                .is_some_and(|c| c.to_ascii_lowercase().contains("postmaster"))
            {
                extra.push(tx!(
                    lang,
                    "RFC 5321 4.5.1 requires every mail domain to accept mail for postmaster, so this always works.",
                    "RFC 5321 4.5.1 要求每个邮件域都必须接收发给 postmaster 的邮件，所以这总会成功。"
                ));
                reference = "RFC 5321 4.5.1";
            }
            next.push(t!(
                "DATA — start typing the message",
                "DATA —— 开始输入邮件内容"
            ));
            next.push(t!(
                "RCPT TO:<another@example.com> — one more recipient",
                "RCPT TO:<another@example.com> —— 再添加一个收件人"
            ));
        }
        "data-go" => {
            return finish(
                f,
                id,
                lang,
                title,
                explanation,
                reference,
                vec![
                    "Subject: Hello".into(),
                    "From: <you@example.com>".into(),
                    "To: <friend@example.com>".into(),
                    tx!(
                        lang,
                        "(an empty line, then your text)",
                        "（一个空行，然后是正文）"
                    ),
                    tx!(
                        lang,
                        ". — alone on a line, ends the message",
                        ". —— 单独一行，表示邮件结束"
                    ),
                ],
            );
        }
        "message-accepted" => {
            if let Some(id) = queue_id(f.text) {
                extra.push(tr!(
                    lang,
                    "Its queue id is {id}: give it to an administrator to trace the message in the logs.",
                    "队列编号是 {id}：可以提供给管理员在日志中追踪这封邮件。"
                ));
            }
            next.push(NEXT_QUIT);
            next.push(t!(
                "MAIL FROM:<...> — send another message on the same connection",
                "MAIL FROM:<...> —— 在同一连接上再发一封邮件"
            ));
        }
        "bdat-chunk-ok" => next.push(t!(
            "BDAT <size> LAST — the final chunk",
            "BDAT <大小> LAST —— 最后一块"
        )),
        "rset-ok" => next.push(NEXT_MAIL),
        "vrfy-ok" => {
            explanation = tr!(
                lang,
                "The server confirms the mailbox: '{text}'.",
                "服务器确认该邮箱存在：“{text}”。"
            );
        }
        "no-service" => next.push(NEXT_QUIT),
        "service-closing" | "timeout" | "too-many-errors" => next.push(NEXT_RECONNECT),
        "syntax" => {
            next.push(match f.stage {
                Stage::Mail => t!("MAIL FROM:<you@example.com>", "MAIL FROM:<you@example.com>"),
                Stage::Rcpt => t!(
                    "RCPT TO:<friend@example.com>",
                    "RCPT TO:<friend@example.com>"
                ),
                Stage::Ehlo | Stage::Helo => t!("EHLO your.name", "EHLO 你的主机名"),
                Stage::Auth => t!("AUTH LOGIN", "AUTH LOGIN"),
                _ => t!(
                    "HELP — the server may show the syntax",
                    "HELP —— 服务器可能会给出语法"
                ),
            });
        }
        "unknown-command" if f.stage == Stage::Ehlo => {
            title = tx!(
                lang,
                "This server does not know EHLO",
                "此服务器不支持 EHLO"
            );
            explanation = tx!(
                lang,
                "An old or minimal server: it speaks plain SMTP only. Use HELO.",
                "这是一个老旧或精简的服务器，只支持普通 SMTP。请使用 HELO。"
            );
            next.push(t!("HELO your.name", "HELO 你的主机名"));
        }
        "unknown-command" => next.push(t!("HELP", "HELP")),
        "bad-sequence" => {
            let specific = match f.stage {
                Stage::Rcpt => Some(t!(
                    "RCPT TO came before MAIL FROM. The order is fixed: HELO/EHLO, MAIL FROM, RCPT TO, DATA.",
                    "RCPT TO 出现在 MAIL FROM 之前。顺序是固定的：HELO/EHLO、MAIL FROM、RCPT TO、DATA。"
                )),
                Stage::Data => Some(t!(
                    "DATA came before any accepted RCPT TO. The order is fixed: HELO/EHLO, MAIL FROM, RCPT TO, DATA.",
                    "DATA 出现在任何被接受的 RCPT TO 之前。顺序是固定的：HELO/EHLO、MAIL FROM、RCPT TO、DATA。"
                )),
                Stage::Mail => Some(t!(
                    "Either you did not say HELO/EHLO yet, or a transaction is already open (send RSET to start over).",
                    "要么你还没有发送 HELO/EHLO，要么已经有一个事务在进行中（发送 RSET 重新开始）。"
                )),
                Stage::Auth => Some(t!(
                    "AUTH is not possible now: inside a transaction, before EHLO, or the server offers it only after STARTTLS.",
                    "现在无法 AUTH：事务正在进行、尚未 EHLO，或服务器只在 STARTTLS 之后才提供认证。"
                )),
                _ => None,
            };
            if let Some(s) = specific {
                explanation = s.get(lang).to_owned();
            }
        }
        "param-unrecognized" => next.push(t!(
            "EHLO — see which parameters the server advertises",
            "EHLO —— 查看服务器声明支持的参数"
        )),
        "sender-rejected" => next.push(t!(
            "MAIL FROM:<the address you logged in with>",
            "MAIL FROM:<你登录时使用的地址>"
        )),
        "smtputf8-required" => next.push(t!(
            "MAIL FROM:<...> SMTPUTF8 — if EHLO lists SMTPUTF8",
            "MAIL FROM:<...> SMTPUTF8 —— 前提是 EHLO 中列出了 SMTPUTF8"
        )),
        "relay-denied" => {
            if f.authenticated {
                extra.push(tx!(
                    lang,
                    "You are logged in, yet it refuses: this account may not send to this domain, or the sender address is not yours.",
                    "你已登录，但仍被拒绝：该帐户可能不允许发往这个域名，或发件人地址不属于你。"
                ));
            } else if offers_auth {
                extra.push(tx!(
                    lang,
                    "To send elsewhere through it you must log in first (AUTH), which is what mail programs do on port 587.",
                    "要通过它发往其他地方，必须先登录（AUTH），邮件客户端在 587 端口上就是这样做的。"
                ));
                if offers_starttls && !f.tls {
                    next.push(NEXT_STARTTLS);
                }
                next.push(t!(
                    "AUTH LOGIN — log in, then RCPT TO again",
                    "AUTH LOGIN —— 先登录，再重新 RCPT TO"
                ));
            } else {
                extra.push(tx!(
                    lang,
                    "It offers no AUTH here, so it only accepts mail for its own domains: send through your own provider's submission server (port 587) instead.",
                    "它在这里不提供 AUTH，因此只接收发往它自己域名的邮件：请改用你自己邮件服务商的提交服务器（587 端口）。"
                ));
            }
        }
        "auth-required" => {
            if caps.is_none() {
                extra.push(tx!(
                    lang,
                    "HELO does not show whether AUTH is offered: say EHLO, then log in.",
                    "HELO 不会显示是否支持 AUTH：请先 EHLO，然后登录。"
                ));
                next.push(NEXT_EHLO);
            } else if offers_starttls && !f.tls {
                next.push(NEXT_STARTTLS);
            }
            next.push(NEXT_AUTH);
        }
        "tls-required" => {
            next.push(NEXT_STARTTLS);
            next.push(t!(
                "EHLO your.name — after the handshake",
                "EHLO 你的主机名 —— 握手完成后"
            ));
        }
        "unknown-user" => next.push(t!(
            "RCPT TO:<someone-else@example.com> — check the spelling or try another address",
            "RCPT TO:<someone-else@example.com> —— 检查拼写或换一个地址"
        )),
        "server-error" if code >= 500 => next.push(t!(
            "Tell the server's administrator the time and this reply",
            "把时间和这条回复告诉服务器管理员"
        )),
        "content-rejected" => {
            if f.text.to_ascii_lowercase().contains("dt:sum") {
                extra.push(tx!(
                    lang,
                    "DT:SUM is 163.com's code for a From: header that differs from the envelope sender (MAIL FROM).",
                    "DT:SUM 是 163 邮箱的代码，表示 From: 邮件头与信封发件人（MAIL FROM）不一致。"
                ));
            }
            next.push(NEXT_RESEND);
        }
        "message-rejected" | "transaction-failed" => next.push(NEXT_RESEND),
        "mailbox-unavailable-temp"
        | "greylisted"
        | "rate-limited"
        | "auth-temp-failure"
        | "tls-not-available"
        | "server-error" => next.push(NEXT_LATER),
        "too-many-recipients" => next.push(t!(
            "DATA — send to the recipients accepted so far, then the rest in a new MAIL FROM",
            "DATA —— 先发给已接受的收件人，其余的放到新的 MAIL FROM 中"
        )),
        "size-exceeded" => {
            let limit = caps.and_then(Capabilities::size_limit);
            match (f.message_octets, limit) {
                (Some(n), Some(l)) => extra.push(tr!(
                    lang,
                    "Your message is {n} octets; the server's SIZE limit is {l}.",
                    "你的邮件有 {n} 个字节；服务器的 SIZE 上限是 {l}。"
                )),
                (None, Some(l)) => extra.push(tr!(
                    lang,
                    "The server's SIZE limit is {l} octets.",
                    "服务器的 SIZE 上限是 {l} 个字节。"
                )),
                (Some(n), None) => extra.push(tr!(
                    lang,
                    "Your message is {n} octets.",
                    "你的邮件有 {n} 个字节。"
                )),
                (None, None) => {}
            }
            next.push(t!(
                "MAIL FROM:<...> — send a smaller message",
                "MAIL FROM:<...> —— 发送一封更小的邮件"
            ));
        }
        "spam-rejected" => {
            let low = f.text.to_ascii_lowercase();
            if ["dt:spm", "163.com", "126.com", "163 smtp", "126 smtp"]
                .iter()
                .any(|k| low.contains(k))
            {
                extra.push(tx!(
                    lang,
                    "DT:SPM is this verdict in the codes of 163.com and 126.com. The classic cause is a message without Subject:, From: and To: headers, or a From: that differs from the address you logged in with (MAIL FROM). The 163 help page the reply links to lists the codes.",
                    "DT:SPM 是 163/126 邮箱表示这一判定的代码。典型原因是邮件缺少 Subject:、From:、To: 邮件头，或 From: 与你登录的地址（MAIL FROM）不一致。回复中链接的 163 帮助页面列出了各个代码。"
                ));
                next.push(t!(
                    "MAIL FROM:<...> — send again with Subject:, From: (your login address) and To: headers",
                    "MAIL FROM:<...> —— 带上 Subject:、From:（你的登录地址）和 To: 邮件头重新发送"
                ));
            } else {
                next.push(NEXT_RESEND);
                extra.push(tx!(
                    lang,
                    "Filters score the content and the sending address: a message without Subject:, From: and To: headers, or sent from a home IP address, scores badly.",
                    "过滤器会给内容和发送地址打分：缺少 Subject:、From:、To: 邮件头，或从家庭宽带 IP 发出的邮件得分会很差。"
                ));
            }
        }
        "auth-failed" => next.push(t!("AUTH LOGIN", "AUTH LOGIN")),
        "auth-cancelled" | "auth-bad-base64" => next.push(NEXT_AUTH),
        "auth-mechanism-unknown" => {
            if let Some(list) = caps
                .map(|c| c.auth_mechanisms().join(" "))
                .filter(|l| !l.is_empty())
            {
                extra.push(tr!(lang, "It offers: {list}.", "它支持：{list}。"));
            }
            next.push(NEXT_AUTH);
        }
        "auth-already" => next.push(NEXT_MAIL),
        "auth-not-available" => next.push(NEXT_EHLO),
        "starttls-refused" => next.push(NEXT_EHLO),
        "nonstandard" => {
            let class = match code / 100 {
                2 => t!("2: success", "2：成功"),
                3 => t!(
                    "3: go on, the server waits for more",
                    "3：继续，服务器在等待更多输入"
                ),
                4 => t!("4: a temporary failure", "4：临时失败"),
                5 => t!("5: a permanent failure", "5：永久失败"),
                _ => t!(
                    "none of 2 to 5: not an SMTP reply",
                    "不在 2 到 5 之间：不是 SMTP 回复"
                ),
            };
            let class = class.get(lang);
            extra.push(tr!(lang, "First digit {class}.", "第一位数字 {class}。"));
            if code >= 400 {
                let hint = negative(f, &Words::new(f.text));
                if !matches!(hint, "generic" | "nonstandard") {
                    let hint = base(hint).0.get(lang);
                    extra.push(tr!(
                        lang,
                        "Its words point to: {hint}.",
                        "其文字表明：{hint}。"
                    ));
                }
            }
        }
        _ => {}
    }
    for line in extra {
        if lang == Lang::En {
            explanation.push(' ');
        }
        explanation.push_str(&line);
    }
    let next = next.iter().map(|n| n.get(lang).to_owned()).collect();
    finish(f, id, lang, title, explanation, reference, next)
}

/// One line on the reply's enhanced status code that fits the reply: the registry's text
/// for a failure, but for a success only its subject, since the text of x.7.0 ("often:
/// authentication required first") reads wrongly under `235 2.7.0 Authentication
/// successful`. `None` without an enhanced code.
pub(crate) fn enhanced_note(f: &ReplyFacts<'_>, lang: Lang) -> Option<String> {
    let e = f.enhanced?;
    let subject = e.subject_meaning().get(lang);
    let class = u16::from(e.class);
    let first = f.code / 100;
    let code = f.code;
    Some(if class != first {
        tr!(
            lang,
            "{e}: its first digit does not match the reply code {code}; the reply code counts.",
            "{e}：它的第一位数字与回复码 {code} 不一致；以回复码为准。"
        )
    } else if class == 2 {
        tr!(
            lang,
            "{e}: success, about {subject}.",
            "{e}：成功，涉及{subject}。"
        )
    } else {
        let meaning = e.meaning().map_or(subject, |m| m.get(lang));
        tr!(lang, "{e}: {meaning}.", "{e}：{meaning}。")
    })
}

/// Adds what every reply gets from its class: the temporary/permanent sentence, the
/// "message (not) accepted" title after the final dot, and the severity.
fn finish(
    f: &ReplyFacts<'_>,
    id: &'static str,
    lang: Lang,
    mut title: String,
    mut explanation: String,
    reference: &'static str,
    next_steps: Vec<String>,
) -> Explained {
    let code = f.code;
    let sep = if lang == Lang::En { " " } else { "" };
    if id == "auth-cancelled" {
        explanation.push_str(sep);
        explanation.push_str(&tx!(
            lang,
            "Permanent (5xx) for this exchange only: it is over.",
            "对本次交互而言是永久性的（5xx）：它已经结束。"
        ));
    } else if (400..500).contains(&code) {
        explanation.push_str(sep);
        explanation.push_str(TEMPORARY.get(lang));
    } else if code >= 500 {
        explanation.push_str(sep);
        explanation.push_str(PERMANENT.get(lang));
    }
    if at_end(f) && id != "message-accepted" {
        title = match (lang, code / 100) {
            (Lang::En, 2) => format!("Message accepted: {title}"),
            (Lang::En, 3) => format!("Message not accepted yet: {title}"),
            (Lang::ZhCn, 2) => format!("邮件已接受：{title}"),
            (Lang::ZhCn, 3) => format!("邮件尚未被接受：{title}"),
            (Lang::En, 4) => format!("Message not accepted (temporary): {}", lower_first(&title)),
            (Lang::En, _) => format!("Message not accepted: {}", lower_first(&title)),
            (Lang::ZhCn, 4) => format!("邮件暂未被接受：{title}"),
            (Lang::ZhCn, _) => format!("邮件未被接受：{title}"),
        };
    }
    let severity = match (id, code / 100) {
        ("auth-cancelled", _) => Severity::Info,
        ("quit-ok", _) if f.stage != Stage::Quit => Severity::Warning,
        (_, 2) => Severity::Success,
        (_, 3) => Severity::Info,
        (_, 4) => Severity::Warning,
        _ => Severity::Error,
    };
    Explained {
        id,
        severity,
        title,
        explanation,
        reference,
        next_steps,
    }
}

/// `Message too big` → `message too big`, but `TLS ...` and `SMTP ...` stay.
fn lower_first(title: &str) -> String {
    let mut chars = title.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_ascii_uppercase() && !b.is_ascii_uppercase() => {
            let mut s = String::with_capacity(title.len());
            s.push(a.to_ascii_lowercase());
            s.push_str(&title[1..]);
            s
        }
        _ => title.to_owned(),
    }
}

/// The queue id in a reply to the final dot: Postfix `queued as 4B3F2`, Exim `id=1abc-...`.
fn queue_id(text: &str) -> Option<&str> {
    let low = text.to_ascii_lowercase();
    let start = if let Some(i) = low.find("queued as") {
        i + "queued as".len()
    } else {
        low.find("id=")? + "id=".len()
    };
    let rest = text[start..].trim_start_matches([' ', ':']);
    let id = rest
        .split(|c: char| c.is_whitespace() || c == ')')
        .next()
        .unwrap_or_default();
    (!id.is_empty()).then_some(id)
}

#[cfg(test)]
mod tests;
