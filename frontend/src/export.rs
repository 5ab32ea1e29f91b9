//! The transcript as text a person pastes into a ticket (swaks-style arrows), as JSON a
//! program reads, and as a swaks command line that replays the session. All use the lines
//! as shown, so AUTH secrets stay masked (the swaks command has placeholders for them).

use protocol::annotate::{Direction, LineKind};
use protocol::command::{Args, Command, Verb};
use protocol::finding::Severity;
use protocol::json::Json;
use protocol::lang::Lang;
use protocol::records::{LineRecord, Shape};
use protocol::wire::TlsMode;

use crate::i18n;
use crate::transcript::{EntryKind, Tone, Transcript};
use crate::vocab::Notice;

/// swaks-style text: `->` sent, `<-` received, `~>` / `<~` inside TLS, `===` notes.
pub fn text(transcript: &Transcript, lang: Lang) -> String {
    let mut out = String::new();
    for entry in transcript.iter() {
        let (arrow, line) = match &entry.kind {
            EntryKind::Client {
                text, encrypted, ..
            } => (if *encrypted { "~>" } else { "->" }, text.clone()),
            EntryKind::Server {
                text, encrypted, ..
            } => (if *encrypted { "<~" } else { "<-" }, text.clone()),
            EntryKind::Note { notice, .. } => ("===", i18n::notice(lang, notice)),
        };
        out.push_str(arrow);
        out.push(' ');
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// A JSON array of [`LineRecord`]s, one per line, with the explanations in `lang`: the
/// records `smtp-playground annotate --format json` writes, with the page's times.
pub fn json(transcript: &Transcript, lang: Lang) -> String {
    let lines: Vec<Json> = transcript
        .iter()
        .map(|entry| record(&entry.kind, lang).to_json())
        .collect();
    Json::Array(lines).to_pretty()
}

/// The record of one transcript entry.
fn record(kind: &EntryKind, lang: Lang) -> LineRecord {
    match kind {
        EntryKind::Client {
            text,
            at_ms,
            encrypted,
            annotation,
            ..
        } => LineRecord {
            at_ms: *at_ms,
            ..LineRecord::new(Direction::Client, text, *encrypted, annotation.get(lang))
        },
        EntryKind::Server {
            text,
            reply,
            at_ms,
            latency_ms,
            encrypted,
            annotation,
        } => LineRecord {
            code: reply.map(|r| r.code),
            at_ms: *at_ms,
            latency_ms: *latency_ms,
            ..LineRecord::new(Direction::Server, text, *encrypted, annotation.get(lang))
        },
        EntryKind::Note {
            tone,
            notice,
            annotation,
        } => {
            let text = i18n::notice(lang, notice);
            let mut record = match annotation {
                Some(annotation) => {
                    LineRecord::new(Direction::Note, &text, false, annotation.get(lang))
                }
                None => LineRecord::note(&text, Severity::Info),
            };
            if *tone == Tone::Error {
                record.severity = Severity::Error;
            }
            record
        }
    }
}

/// A swaks command that replays the last session of the transcript: server, TLS, EHLO
/// name, AUTH mechanism (with placeholders: the page never keeps credentials), envelope
/// and message text. Lines swaks cannot express (RSET, VRFY ...) are left out.
pub fn swaks(transcript: &Transcript) -> String {
    let mut server = None;
    let mut tls = TlsMode::None;
    let mut ehlo = None;
    let mut auth = None;
    let mut from = None;
    let mut to: Vec<String> = Vec::new();
    let mut body: Option<Vec<String>> = None;
    for entry in transcript.iter() {
        match &entry.kind {
            EntryKind::Note {
                notice: Notice::Connecting { target, tls: mode },
                ..
            } => {
                // A new session: only the last one is replayed.
                (server, tls) = (Some(target.clone()), *mode);
                (ehlo, auth, from, body) = (None, None, None, None);
                to.clear();
            }
            // What protocol read as message text (after a 354), dot-stuffing undone.
            EntryKind::Client {
                text,
                kind: LineKind::Body,
                ..
            } => body
                .get_or_insert_with(Vec::new)
                .push(text.strip_prefix('.').unwrap_or(text).to_owned()),
            EntryKind::Client {
                kind: LineKind::EndOfData,
                ..
            } => {
                body.get_or_insert_with(Vec::new);
            }
            EntryKind::Client { text, .. } => {
                let command = Command::parse(text);
                match (command.line.verb, command.args) {
                    (Some(Verb::Ehlo | Verb::Helo), Args::Domain(name)) => ehlo = Some(name),
                    (Some(Verb::Auth), Args::Auth { mechanism, .. }) => auth = Some(mechanism),
                    (Some(Verb::Mail), Args::Envelope { path, .. }) => {
                        from = path.map(|p| p.address);
                    }
                    (Some(Verb::Rcpt), Args::Envelope { path: Some(p), .. })
                        if !to.contains(&p.address) =>
                    {
                        to.push(p.address);
                    }
                    _ => {}
                }
            }
            EntryKind::Server { .. } | EntryKind::Note { .. } => {}
        }
    }
    let mut args = vec!["swaks".to_owned()];
    let mut push = |flag: &str, value: Option<String>| {
        args.push(flag.to_owned());
        if let Some(value) = value {
            args.push(shell_quote(&value));
        }
    };
    if let Some(server) = server {
        push("--server", Some(server));
    }
    match tls {
        TlsMode::None => {}
        TlsMode::Starttls => push("--tls", None),
        TlsMode::Implicit => push("--tls-on-connect", None),
    }
    if let Some(name) = ehlo.filter(|n| !n.is_empty()) {
        push("--ehlo", Some(name));
    }
    if let Some(mechanism) = auth {
        push("--auth", Some(mechanism));
        push("--auth-user", Some("USER".to_owned()));
        push("--auth-password", Some("PASSWORD".to_owned()));
    }
    push("--from", Some(from.unwrap_or_default()));
    if !to.is_empty() {
        push("--to", Some(to.join(",")));
    }
    if let Some(body) = body {
        // swaks reads `\n` in --data as a line break.
        push("--data", Some(body.join("\\n")));
    }
    args.join(" ")
}

/// `text` as one single-quoted shell word.
fn shell_quote(text: &str) -> String {
    let safe = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "@%+=:,./-_".contains(c));
    if safe {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{Action, ConnectForm, State};
    use crate::vocab::{Backend, BridgeEvent, SessionId};
    use protocol::wire::{ServerMsg, TlsMode};
    use std::rc::Rc;
    use yew::Reducible;

    fn session() -> State {
        let s = SessionId(1);
        let msg = |msg| Action::Bridge {
            session: s,
            event: BridgeEvent::Message(msg),
        };
        let actions = [
            Action::Connect {
                session: s,
                request: ConnectForm::default().request().expect("valid"),
                backend: Backend::Bridge,
            },
            msg(ServerMsg::Connected {
                version: 1,
                host: "127.0.0.1".into(),
                port: 2525,
                peer: "127.0.0.1:2525".into(),
                tls: TlsMode::None,
                mx_host: None,
            }),
            msg(ServerMsg::Line {
                text: "220 mx ESMTP".into(),
                at_ms: 4,
                latency_ms: None,
                encrypted: false,
            }),
            Action::Sent {
                text: "AUTH PLAIN AGFsaWNlAHMzY3JldA==".into(),
                at_ms: Some(10),
                queued: false,
            },
            msg(ServerMsg::Line {
                text: "235 2.7.0 ok".into(),
                at_ms: 15,
                latency_ms: None,
                encrypted: false,
            }),
        ];
        let mut state = Rc::new(State::default());
        for action in actions {
            state = state.reduce(action);
        }
        Rc::unwrap_or_clone(state)
    }

    #[test]
    fn text_uses_swaks_arrows_and_masks_secrets() {
        let state = session();
        let out = text(&state.conversation.transcript, Lang::En);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "=== Connecting to 127.0.0.1:2525 (plain text)…");
        assert_eq!(lines[2], "<- 220 mx ESMTP");
        assert!(lines[3].starts_with("-> AUTH PLAIN "), "{lines:?}");
        assert!(!out.contains("AGFsaWNlAHMzY3JldA=="), "{out}");
        assert_eq!(lines[4], "<- 235 2.7.0 ok");
    }

    #[test]
    fn swaks_replays_the_envelope_and_message_without_secrets() {
        let mut state = Rc::new(session());
        for (text, reply) in [
            ("MAIL FROM:<a@b.example>", "250 ok"),
            ("RCPT TO:<c@d.example>", "250 ok"),
            ("RCPT TO:<e@f.example>", "250 ok"),
            ("DATA", "354 go"),
        ] {
            state = state.reduce(Action::Sent {
                text: text.into(),
                at_ms: None,
                queued: false,
            });
            state = state.reduce(Action::Bridge {
                session: SessionId(1),
                event: BridgeEvent::Message(ServerMsg::Line {
                    text: reply.into(),
                    at_ms: 20,
                    latency_ms: None,
                    encrypted: false,
                }),
            });
        }
        for line in ["Subject: it's me", "", "..leading dot", "."] {
            state = state.reduce(Action::Sent {
                text: line.into(),
                at_ms: None,
                queued: false,
            });
        }
        let command = swaks(&state.conversation.transcript);
        assert_eq!(
            command,
            "swaks --server 127.0.0.1:2525 --auth PLAIN --auth-user USER --auth-password PASSWORD \
             --from a@b.example --to c@d.example,e@f.example \
             --data 'Subject: it'\\''s me\\n\\n.leading dot'"
        );
        assert!(!command.contains("AGFsaWNl"));
    }

    #[test]
    fn json_is_an_array_of_line_records_read_back_whole() {
        let state = session();
        for lang in [Lang::En, Lang::ZhCn] {
            let out = json(&state.conversation.transcript, lang);
            let Ok(Json::Array(items)) = protocol::json::parse(&out) else {
                panic!("an array: {out}");
            };
            assert_eq!(items.len(), state.conversation.transcript.iter().count());
            for (item, entry) in items.into_iter().zip(state.conversation.transcript.iter()) {
                assert_eq!(LineRecord::from_json(item), Ok(record(&entry.kind, lang)));
            }
        }
        assert_eq!(json(&Transcript::default(), Lang::En), "[]");
    }

    #[test]
    fn json_has_one_object_per_line_with_codes_and_latency() {
        let state = session();
        let out = json(&state.conversation.transcript, Lang::ZhCn);
        let value: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
        let lines = value.as_array().expect("an array");
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[4]["code"], 235);
        assert_eq!(lines[4]["latency_ms"], 5);
        assert_eq!(lines[3]["direction"], "client");
        assert_eq!(lines[3]["tls"], false);
        assert_eq!(lines[3]["at_ms"], 10);
        assert!(lines[3].get("encrypted").is_none(), "one name: tls");
        assert_eq!(lines[4]["id"], "auth-ok");
        assert_eq!(lines[0]["severity"], "info");
        assert!(!out.contains("AGFsaWNlAHMzY3JldA=="));
        assert!(
            lines[0]["text"]
                .as_str()
                .is_some_and(|t| t.contains("正在连接"))
        );
    }
}
