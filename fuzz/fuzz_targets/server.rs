//! The server role: `ServerSession`, which the bridge's sandbox runs for whoever connects
//! and the page's simulator runs for its user, on arbitrary client bytes in input-driven
//! chunks, with input-chosen settings and failure rules. Whatever arrives, every write is
//! well-formed SMTP replies (no client byte can break a reply's framing), nothing is
//! written after the session closed, the output stays proportional to the input, and an
//! accepted message keeps the limits it was accepted under.
//!
//! Input: control bytes, then the client's bytes. The first control byte is the settings,
//! one bit each: STARTTLS offered (0x01), AUTH only after TLS (0x02), AUTH required (0x04),
//! no scenario addresses (0x08), the rate limit (0x10), implicit TLS (0x20), failure rules
//! (0x40: the payload up to its first NUL is rules in their text form, one per line; what
//! parses must print back as itself). The second picks the size limit (bits 0-1: 64 bytes,
//! 4 KiB, 10 MiB) and the recipient limit (bits 2-3: 1 to 4). The rest are chunk sizes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::server::{
    Account, InputLine, Rule, ServerConfig, ServerOutput, ServerSession, TapLimits,
};
use protocol_fuzz::{chunks, split_control};

/// The server's name in these sessions.
const HOSTNAME: &str = "sandbox.test";

/// How a delivery status notification says what it is (RFC 6522).
const REPORT_TYPE: &[u8] = b"multipart/report; report-type=delivery-status";

/// A notification's size at most: the original header it quotes (64 KiB at most) and a
/// few KiB of its own for the few recipients these sessions allow.
const MAX_REPORT: usize = 64 * 1024 + 16 * 1024;

/// RFC 5321 4.5.3.1.5: a reply line, code and CRLF included.
const MAX_REPLY_LINE: usize = 512;

/// Written bytes allowed per line the client sent (plus one for the greeting and one for
/// a closing reply): far above the longest reply (the EHLO list), far below anything that
/// would make the sandbox an amplifier.
const MAX_OUTPUT_PER_LINE: usize = 4096;

/// Panics unless `bytes` is one or more complete replies: each line `ddd-text` or
/// `ddd text` (or `ddd`) ending in CRLF with no other CR or LF, one code per reply, the
/// last line of each with a space.
fn assert_replies(bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).expect("a reply that is not UTF-8");
    assert!(
        text.ends_with("\r\n"),
        "a write that does not end in CRLF: {text:?}"
    );
    let mut open: Option<&str> = None;
    for line in text[..text.len() - 2].split("\r\n") {
        assert!(
            !line.contains(['\r', '\n']),
            "a bare CR or LF inside a reply line: {line:?}"
        );
        assert!(
            line.len() + 2 <= MAX_REPLY_LINE,
            "a reply line of {} bytes: {line:?}",
            line.len() + 2
        );
        let code = line.get(..3).expect("a reply line shorter than its code");
        assert!(
            matches!(code.as_bytes(), [b'2'..=b'5', b'0'..=b'9', b'0'..=b'9']),
            "not a reply code: {line:?}"
        );
        if let Some(previous) = open {
            assert_eq!(
                previous, code,
                "a multiline reply changed its code: {text:?}"
            );
        }
        open = match line.as_bytes().get(3) {
            Some(b'-') => Some(code),
            Some(b' ') | None => None,
            Some(_) => panic!("a reply code not followed by a space or hyphen: {line:?}"),
        };
    }
    assert!(
        open.is_none(),
        "a write that ends inside a multiline reply: {text:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    let (control, payload) = split_control(data);
    let settings = control.first().copied().unwrap_or(0);
    // Size limit 10 MiB and 4 recipients unless a second control byte says otherwise.
    let limits = control.get(1).copied().unwrap_or(0b1110);
    let sizes = control.get(2..).unwrap_or_default();

    let (rules_text, stream) = match payload.iter().position(|&b| b == 0) {
        Some(nul) if settings & 0x40 != 0 => (&payload[..nul], &payload[nul + 1..]),
        _ => (&[][..], payload),
    };
    let rules: Vec<Rule> = String::from_utf8_lossy(rules_text)
        .lines()
        .filter_map(|line| Rule::parse(line).ok())
        .collect();
    for rule in &rules {
        let text = rule.to_string();
        assert_eq!(
            Rule::parse(&text).as_ref(),
            Ok(rule),
            "a rule does not read back from its text {text:?}"
        );
    }

    let max_message_size = [64, 4096, 10 * 1024 * 1024][usize::from(limits & 3) % 3];
    let max_recipients = usize::from(limits >> 2 & 3) + 1;
    let config = ServerConfig {
        hostname: HOSTNAME.to_owned(),
        max_message_size,
        max_recipients,
        max_errors: 5,
        accounts: vec![Account {
            user: "demo".to_owned(),
            password: "secret".to_owned(),
        }],
        starttls: settings & 0x01 != 0,
        auth_requires_tls: settings & 0x02 != 0,
        auth_required: settings & 0x04 != 0,
        scenarios: settings & 0x08 == 0,
        max_messages_per_minute: (settings & 0x10 != 0).then_some(3),
        implicit_tls: settings & 0x20 != 0,
        rules,
    };
    let auth_required = config.auth_required;
    let mut session = ServerSession::new(config, 7);
    session.set_now(1_700_000_000_000);
    session.set_client("192.0.2.1");
    session.record_input(TapLimits {
        header_lines: 4,
        body_lines: 4,
        message_bytes: 256,
    });

    let lines_sent = stream.iter().filter(|&&b| b == b'\n').count();
    let mut written = 0usize;
    let mut closed = false;
    let mut drain = |session: &mut ServerSession| {
        while let Some(line) = session.poll_input() {
            if let InputLine::Line { text, .. } = line {
                assert!(!text.contains('\n'), "a recorded line holds a LF: {text:?}");
            }
        }
        while let Some(output) = session.poll_output() {
            match output {
                ServerOutput::Write(bytes) => {
                    assert!(!closed, "a write after the session closed: {bytes:?}");
                    assert_replies(&bytes);
                    written += bytes.len();
                }
                ServerOutput::StartTls => session.handle_tls_established(),
                ServerOutput::Close => closed = true,
                ServerOutput::Delivered(message) => {
                    assert!(!closed, "a message delivered after the session closed");
                    // The `bounce@` scenario's report (RFC 3464) is the server's own
                    // message, from `<>`: not under the client's limits, under its own.
                    let report = message.mail_from.is_empty()
                        && message.helo == HOSTNAME
                        && message
                            .data
                            .windows(REPORT_TYPE.len())
                            .any(|w| w == REPORT_TYPE);
                    let limit = if report { MAX_REPORT } else { max_message_size };
                    assert!(
                        message.data.len() <= limit,
                        "a message of {} bytes accepted under a limit of {limit}",
                        message.data.len()
                    );
                    assert!(
                        (1..=max_recipients).contains(&message.rcpt_to.len()),
                        "a message for {} recipients (limit {max_recipients})",
                        message.rcpt_to.len()
                    );
                    assert!(
                        report || !auth_required || message.authenticated_as.is_some(),
                        "a message accepted without AUTH from a server that requires it"
                    );
                }
                ServerOutput::Pause(_) | ServerOutput::Throttle(_) => {}
            }
        }
    };
    drain(&mut session);
    for chunk in chunks(stream, sizes) {
        session.handle_input(chunk);
        drain(&mut session);
    }
    session.handle_eof();
    drain(&mut session);
    assert!(
        written <= MAX_OUTPUT_PER_LINE * (lines_sent + 2),
        "{written} bytes written for {lines_sent} lines"
    );
});
