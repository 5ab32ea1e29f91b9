//! Which explanation id a reply gets: the server's words first, then its enhanced code,
//! then its code and what it answers.

use super::{ReplyFacts, Stage};
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
pub(super) struct Words {
    low: String,
}

impl Words {
    /// 163.com links every refusal to `help_spam_16.htm`, which is not a spam verdict.
    pub(super) fn new(text: &str) -> Self {
        Self {
            low: text.to_ascii_lowercase().replace("help_spam", "help"),
        }
    }

    /// Whether the text contains any of `words`, a [`words!`] list.
    pub(super) fn any(&self, words: &str) -> bool {
        words.split_terminator('|').any(|w| self.low.contains(w))
    }
}

fn enhanced_is(f: &ReplyFacts<'_>, subject: u16, detail: Option<u16>) -> bool {
    f.enhanced
        .is_some_and(|e| e.subject == subject && detail.is_none_or(|d| e.detail == d))
}

/// The reply answers the end of the message: the final dot, or BDAT ... LAST.
pub(super) fn at_end(f: &ReplyFacts<'_>) -> bool {
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
pub(super) const CLIENT_WORDS: &str = words![
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

pub(super) fn negative(f: &ReplyFacts<'_>, w: &Words) -> &'static str {
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
    if w.any(words![
        "greylist",
        "graylist",
        "grey-list",
        "gray-list",
        // Sophos and Barracuda greylisting; Mimecast's greylisting help page.
        "not yet authorized to deliver",
        "doc-1369#451",
    ]) {
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
