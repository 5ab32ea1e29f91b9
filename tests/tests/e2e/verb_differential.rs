//! The bridge reads verbs the way real servers do (issue 12, finding 1), proven variant by
//! variant against a real Postfix and a real aiosmtpd.
//!
//! For each verb whose reading decides a policy (MAIL, RCPT, DATA, BDAT, AUTH) the test
//! generates variants of one command line: leading, trailing and separating white space
//! and every other control character, case, Unicode look-alikes and punctuation. Each
//! variant goes to each server on a fresh connection in a state where the plain command
//! succeeds; a server *recognises* the variant as the verb when it does not answer "command
//! not recognised" (500/502), and *accepts* it when it answers exactly as to the plain
//! command. For every variant a server recognises, the bridge must either read the same
//! verb (`protocol::server_reading`) or refuse the line outright (`check_outgoing_line`:
//! CR, LF, NUL). Controls that no server may recognise (`X` + verb) check the detector.
//!
//! The figures (variants, and per server how many were recognised and accepted as each
//! verb) are printed; `cargo test -p e2e verb_differential -- --nocapture` shows them.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use futures_util::StreamExt as _;

use e2e::raw_smtp::{AIOSMTPD_USER, Aiosmtpd, RawReply, RawSmtp};
use protocol::command::Verb;
use protocol::limits::SENT_LINE_MAX;
use protocol::line::check_outgoing_line;
use protocol::server_reading::ServerReading;

/// One server under test: where it is, a recipient it accepts, and an AUTH PLAIN line
/// whose plain form it answers in a known way.
struct Server {
    name: &'static str,
    addr: SocketAddr,
    recipient: &'static str,
    auth_plain: String,
    /// Verbs it does not implement at all (aiosmtpd has no BDAT): checked to be unknown
    /// there, then left out.
    without: &'static [Verb],
}

/// The command line of one verb, split where variants change it: the verb word and its
/// arguments (empty for DATA).
struct Form {
    verb: Verb,
    args: String,
}

impl Form {
    fn plain(&self) -> String {
        join(self.verb.as_str(), " ", &self.args)
    }
}

fn join(word: &str, separator: &str, args: &str) -> String {
    if args.is_empty() {
        word.to_owned()
    } else {
        format!("{word}{separator}{args}")
    }
}

/// White space and control characters to put around and inside a line: every C0 control
/// but LF (which ends the line), space, DEL, and Unicode spaces and invisible characters.
fn space_like() -> Vec<String> {
    let mut chars: Vec<String> = (0u8..=0x20)
        .filter(|&b| b != b'\n')
        .chain([0x7f])
        .map(|b| char::from(b).to_string())
        .collect();
    chars.extend(
        [
            '\u{85}', '\u{a0}', '\u{1680}', '\u{180e}', '\u{2000}', '\u{2002}', '\u{2009}',
            '\u{200b}', '\u{2028}', '\u{2029}', '\u{202f}', '\u{3000}', '\u{feff}',
        ]
        .map(|c| c.to_string()),
    );
    chars
}

/// Characters that look like (or case-fold to) an ASCII letter of a verb.
fn look_alikes(letter: char) -> &'static [char] {
    match letter {
        'A' => &['А', 'Α', 'Ａ', 'á', 'ª'],
        'B' => &['В', 'Β', 'Ｂ'],
        'C' => &['С', 'Ϲ', 'Ｃ', 'ⅽ'],
        'D' => &['Ꭰ', 'Ｄ', 'ⅾ'],
        'H' => &['Н', 'Η', 'Ｈ'],
        'I' => &['І', 'Ι', 'ı', 'İ', 'Ｉ', 'ⅰ'],
        'L' => &['Ⅼ', 'Ｌ', 'ⅼ'],
        'M' => &['М', 'Μ', 'Ｍ', 'ⅿ'],
        'P' => &['Р', 'Ρ', 'Ｐ'],
        'R' => &['Ꭱ', 'Ｒ'],
        'T' => &['Т', 'Τ', 'Ｔ'],
        'U' => &['Ս', 'Ｕ'],
        _ => &[],
    }
}

/// Every variant of one form, without duplicates, the plain form first.
fn variants(form: &Form) -> Vec<String> {
    let word = form.verb.as_str();
    let args = form.args.as_str();
    let mut out = vec![form.plain()];
    let lower = word.to_ascii_lowercase();
    let capital = format!("{}{}", &word[..1], &lower[1..]);
    let alternating: String = word
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i % 2 == 0 {
                c.to_ascii_lowercase()
            } else {
                c
            }
        })
        .collect();
    for case in [&lower, &capital, &alternating] {
        out.push(join(case, " ", args));
    }
    for c in space_like() {
        let c = c.as_str();
        out.push(format!("{c}{}", join(word, " ", args)));
        out.push(format!("{c}{c}{}", join(word, " ", args)));
        out.push(format!("{}{c}", join(word, " ", args)));
        out.push(if args.is_empty() {
            format!("{word}{c}x")
        } else {
            join(word, c, args)
        });
        out.push(format!("{c}{}{c}", join(&lower, c, args)));
    }
    for (i, letter) in word.char_indices() {
        for alike in look_alikes(letter) {
            let mut changed = String::new();
            changed.push_str(&word[..i]);
            changed.push(*alike);
            changed.push_str(&word[i + letter.len_utf8()..]);
            out.push(join(&changed, " ", args));
        }
    }
    let fullwidth: String = word
        .chars()
        .map(|c| char::from_u32(u32::from(c) + 0xFEE0).unwrap_or(c))
        .collect();
    out.push(join(&fullwidth, " ", args));
    out.push(join(&format!("{word}\u{301}"), " ", args));
    for punctuation in [
        ":", ",", ";", ".", "=", "/", "\\", "-", "_", "'", "\"", "<", "(", "|",
    ] {
        out.push(join(&format!("{word}{punctuation}"), " ", args));
        out.push(format!("{word}{punctuation}{args}"));
        out.push(join(&format!("{punctuation}{word}"), " ", args));
    }
    out.push(join(&format!("{} {}", &word[..2], &word[2..]), " ", args));
    out.push(join(&format!("{word}{word}"), " ", args));
    out.sort();
    out.dedup();
    out
}

/// Lines no server may read as the verb: if one is recognised, the detector is wrong.
fn controls(form: &Form) -> Vec<String> {
    let word = form.verb.as_str();
    vec![
        join(&format!("X{word}"), " ", &form.args),
        join(&format!("{word}X"), " ", &form.args),
    ]
}

fn forms(server: &Server) -> Vec<Form> {
    vec![
        Form {
            verb: Verb::Mail,
            args: "FROM:<sender@example.org>".to_owned(),
        },
        Form {
            verb: Verb::Rcpt,
            args: format!("TO:<{}>", server.recipient),
        },
        Form {
            verb: Verb::Data,
            args: String::new(),
        },
        // A zero-size chunk: a server that reads BDAT answers at once, and no chunk data
        // follows that another server could read as a command.
        Form {
            verb: Verb::Bdat,
            args: "0".to_owned(),
        },
        Form {
            verb: Verb::Auth,
            args: server.auth_plain.clone(),
        },
    ]
}

/// Attempts per variant: a server under load (the other tests use Postfix too) may drop
/// a connection before it answers; a variant it answers is never tried again.
const ATTEMPTS: usize = 3;

/// Connections to one server at a time.
const CONCURRENCY: usize = 8;

/// Sends `line` to `server` in the state where the plain form of `verb` succeeds, and
/// returns the reply. A fresh connection each time: no state, no error counter carries over.
async fn try_line(server: &Server, verb: Verb, line: &str) -> RawReply {
    for _ in 0..ATTEMPTS {
        if let Some(reply) = attempt(server, verb, line).await {
            return reply;
        }
    }
    panic!(
        "{}: the connection closed without a reply {ATTEMPTS} times for {line:?}",
        server.name
    );
}

/// One attempt of [`try_line`]; `None` when the server closed the connection before
/// answering.
async fn attempt(server: &Server, verb: Verb, line: &str) -> Option<RawReply> {
    let (mut smtp, greeting) = RawSmtp::try_connect(server.addr).await?;
    assert_eq!(greeting.code, 220, "{}: {greeting:?}", server.name);
    let ehlo = smtp.try_command("EHLO differential.example").await?;
    assert_eq!(ehlo.code, 250, "{}: {ehlo:?}", server.name);
    if matches!(verb, Verb::Rcpt | Verb::Data | Verb::Bdat) {
        let mail = smtp.try_command("MAIL FROM:<sender@example.org>").await?;
        assert_eq!(mail.code, 250, "{}: {mail:?}", server.name);
    }
    if matches!(verb, Verb::Data | Verb::Bdat) {
        let rcpt = smtp
            .try_command(&format!("RCPT TO:<{}>", server.recipient))
            .await?;
        assert_eq!(rcpt.code, 250, "{}: {rcpt:?}", server.name);
    }
    // Dropped after the reply: a server inside DATA discards the unfinished message.
    smtp.try_command(line).await
}

/// Whether a reply says the server did not read the line as any command: "not recognised"
/// (500, 502), or a goodbye (221, 421): Postfix's `smtpd_forbidden_commands` hangs up on a
/// command that starts with a non-letter ("221 2.7.0 Error: I can break rules, too").
/// aiosmtpd's "500 Error: strict ASCII mode" is the exception: it has read the verb and
/// refuses non-ASCII arguments.
fn unrecognised(reply: &RawReply) -> bool {
    matches!(reply.code, 500 | 502 | 221 | 421) && !reply.last().contains("strict ASCII")
}

#[derive(Default)]
struct Tally {
    tried: usize,
    recognised: usize,
    accepted: usize,
    /// How often each answer came, for the printout.
    answers: BTreeMap<String, usize>,
}

/// Sends every variant of every form to `server`; returns the tallies per verb and the
/// disagreements with the bridge.
async fn run(server: &Server) -> (BTreeMap<&'static str, Tally>, Vec<String>) {
    let mut tallies = BTreeMap::new();
    let mut disagreements = Vec::new();
    for form in forms(server) {
        let plain = try_line(server, form.verb, &form.plain()).await;
        if server.without.contains(&form.verb) {
            assert!(
                unrecognised(&plain),
                "{}: {} is listed as missing but was answered {plain:?}",
                server.name,
                form.verb.as_str()
            );
            println!(
                "verb_differential: {:8} {:4}: not implemented ({})",
                server.name,
                form.verb.as_str(),
                plain.last()
            );
            continue;
        }
        assert!(
            !unrecognised(&plain),
            "{}: the plain {} must be recognised: {plain:?}",
            server.name,
            form.verb.as_str()
        );
        for control in controls(&form) {
            let reply = try_line(server, form.verb, &control).await;
            assert!(
                unrecognised(&reply),
                "{}: {control:?} must be unknown, or the detector is wrong: {reply:?}",
                server.name
            );
        }
        let tally: &mut Tally = tallies.entry(form.verb.as_str()).or_default();
        // A few connections at a time: Postfix answers some variants (a command that
        // starts with a non-letter) only after a pause, per connection.
        let verb = form.verb;
        let replies: Vec<(String, RawReply)> = futures_util::stream::iter(variants(&form))
            .map(|variant| async move {
                let reply = try_line(server, verb, &variant).await;
                (variant, reply)
            })
            .buffered(CONCURRENCY)
            .collect()
            .await;
        for (variant, reply) in replies {
            tally.tried += 1;
            let answer = if unrecognised(&reply) {
                format!("{} (not read as a command)", reply.code)
            } else {
                reply.last().to_owned()
            };
            *tally.answers.entry(answer).or_default() += 1;
            if unrecognised(&reply) {
                continue;
            }
            tally.recognised += 1;
            if reply.lines == plain.lines {
                tally.accepted += 1;
            }
            let refused = check_outgoing_line(&variant, SENT_LINE_MAX).is_err();
            let read = ServerReading::of(&variant).verb;
            if !refused && read != Some(form.verb) {
                disagreements.push(format!(
                    "{}: {variant:?} is {} there ({}), the bridge reads {read:?}",
                    server.name,
                    form.verb.as_str(),
                    reply.last()
                ));
            }
        }
    }
    (tallies, disagreements)
}

fn plain_auth(user: &str, password: &str) -> String {
    use std::fmt::Write as _;
    let raw = format!("\0{user}\0{password}");
    // Standard base64, written out here so the test does not trust protocol's encoder.
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::from("PLAIN ");
    for chunk in raw.as_bytes().chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                let index = usize::try_from((n >> (18 - 6 * i)) & 63).unwrap_or(0);
                let _ = write!(out, "{}", char::from(ALPHABET[index]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[tokio::test]
async fn verb_differential_against_postfix_and_aiosmtpd() {
    let aiosmtpd = Aiosmtpd::start().await;
    let (user, password) = e2e::postfix_account();
    let servers = [
        // The plain port has no AUTH: Postfix answers a recognised AUTH with 503
        // "authentication not enabled" and an unknown verb with 502.
        Server {
            name: "Postfix",
            addr: e2e::postfix_addr(),
            recipient: "alice@postfix.test",
            auth_plain: plain_auth(&user, &password),
            without: &[],
        },
        Server {
            name: "aiosmtpd",
            addr: aiosmtpd.addr,
            recipient: "someone@example.org",
            auth_plain: plain_auth(AIOSMTPD_USER.0, AIOSMTPD_USER.1),
            without: &[Verb::Bdat],
        },
    ];
    let mut all = Vec::new();
    let [postfix, aiosmtpd] = &servers;
    let (postfix, aiosmtpd) = futures_util::future::join(run(postfix), run(aiosmtpd)).await;
    for (server, (tallies, disagreements)) in servers.iter().zip([postfix, aiosmtpd]) {
        for (verb, tally) in &tallies {
            println!(
                "verb_differential: {:8} {:4}: {:3} variants, {:3} recognised, {:3} accepted",
                server.name, verb, tally.tried, tally.recognised, tally.accepted
            );
            for (answer, count) in &tally.answers {
                println!("verb_differential:               {count:4} x {answer}");
            }
        }
        all.extend(disagreements);
    }
    assert!(
        all.is_empty(),
        "{} variants a real server reads as a verb the bridge reads otherwise:\n{}",
        all.len(),
        all.join("\n")
    );
}
