//! A learner never gets lost: the banner inside a message and the held final dot, the
//! encryption said as it is, and the hint for a server that never greets.

use super::*;
use crate::vocab::Link;

fn tls_info(mode: TlsMode) -> TlsInfo {
    TlsInfo {
        mode,
        version: "TLSv1.3".into(),
        cipher: "TLS13_AES_128_GCM_SHA256".into(),
        alpn: None,
        server_name: "mx.example".into(),
        verified: true,
        verify_error: None,
        insecure: false,
        certificates: Vec::new(),
        sandbox_certificate: false,
        at_ms: 0,
    }
}

#[test]
fn the_page_knows_when_lines_are_message_text() {
    assert!(!ready().in_message());
    let state = in_message();
    assert!(state.in_message());
    assert!(!state.dot_held());
    // QUIT typed inside the message is warned about as message text, and can still go.
    let quit = state.conversation.warnings("QUIT");
    assert_eq!(
        quit.iter().map(|w| w.id).collect::<Vec<_>>(),
        ["command-in-message"]
    );
    assert_eq!(state.submit("QUIT", false), Submit::Warn);
    assert!(matches!(state.submit("QUIT", true), Submit::Send(_)));
    let state = reduce(
        state,
        [sent("Subject: hi"), sent(""), sent("body"), sent(".")],
    );
    assert!(!state.in_message(), "the lone dot ends the message");
}

#[test]
fn a_held_final_dot_stays_shown_until_it_goes_out() {
    let state = reduce(
        in_message(),
        [Action::Warn {
            text: ".".into(),
            queued: false,
        }],
    );
    assert!(state.dot_held());
    // Typing something else (QUIT, say) does not make the held dot go away.
    let state = reduce(state, [Action::EditDraft("QUIT".into()), Action::Cancel]);
    assert!(state.dot_held(), "the dot is still not sent");
    let state = reduce(state, [sent(".")]);
    assert!(!state.dot_held() && !state.in_message());
    // A new session forgets it.
    let state = reduce(
        in_message(),
        [
            Action::Warn {
                text: ".".into(),
                queued: false,
            },
            Action::Disconnect,
        ],
    );
    assert!(!state.dot_held());
}

#[test]
fn the_link_says_what_is_encrypted() {
    let state = reduce(State::default(), [connect(S1), connected(S1)]);
    assert_eq!(
        state.link(),
        Link::Plain {
            requested: false,
            offered: None
        }
    );
    let state = reduce(
        state,
        [
            line(S1, "220 mx"),
            sent("EHLO me"),
            line(S1, "250-mx"),
            line(S1, "250 STARTTLS"),
        ],
    );
    assert_eq!(
        state.link(),
        Link::Plain {
            requested: false,
            offered: Some(true)
        }
    );
    assert_eq!(
        i18n::terminal::connected(Lang::En, "p", state.link()),
        "Connected to p (plain text, STARTTLS available)"
    );
    let state = reduce(
        state,
        [
            sent("STARTTLS"),
            line(S1, "220 go ahead"),
            from_bridge(S1, ServerMsg::Tls(tls_info(TlsMode::Starttls))),
        ],
    );
    assert_eq!(
        state.link(),
        Link::Starttls {
            sandbox_certificate: false
        }
    );
    assert!(i18n::terminal::connected(Lang::ZhCn, "p", state.link()).contains("已用 TLS 加密"));

    // STARTTLS chosen in the form is a request, not encryption.
    let mut request = ConnectForm::default().request().expect("valid");
    request.tls = TlsMode::Starttls;
    let state = reduce(
        State::default(),
        [
            Action::Connect {
                session: S1,
                request,
                backend: Backend::Bridge,
            },
            from_bridge(
                S1,
                ServerMsg::Connected {
                    version: 1,
                    host: "127.0.0.1".into(),
                    port: 2525,
                    peer: "127.0.0.1:2525".into(),
                    tls: TlsMode::Starttls,
                    mx_host: None,
                },
            ),
        ],
    );
    assert_eq!(
        state.link(),
        Link::Plain {
            requested: true,
            offered: None
        }
    );
    let status = i18n::terminal::connected(Lang::En, "p", state.link());
    assert!(
        status.contains("plain text, STARTTLS requested"),
        "{status}"
    );
}

#[test]
fn simulated_tls_is_one_story() {
    let state = reduce(
        State::default(),
        [
            Action::Connect {
                session: S1,
                request: ConnectForm::default().request().expect("valid"),
                backend: Backend::Simulator,
            },
            connected(S1),
            line(S1, "220 sim"),
            sent("EHLO me"),
            line(S1, "250 STARTTLS"),
            sent("STARTTLS"),
            line(S1, "220 go ahead"),
            from_bridge(S1, ServerMsg::Tls(tls_info(TlsMode::Starttls))),
        ],
    );
    assert_eq!(state.link(), Link::SimulatedTls);
    assert!(state.connection.tls.is_none(), "no TLS facts for the panel");
    assert_eq!(state.prompt(), "HELO>", "EHLO again after STARTTLS");
    for lang in [Lang::En, Lang::ZhCn] {
        let texts: Vec<String> = kinds(&state)
            .into_iter()
            .filter_map(|kind| match kind {
                EntryKind::Note {
                    notice, annotation, ..
                } => Some(format!(
                    "{} {}",
                    i18n::notice(lang, &notice),
                    annotation
                        .map(|a| a.get(lang).explanation.clone())
                        .unwrap_or_default()
                )),
                _ => None,
            })
            .collect();
        let all = texts.join("\n");
        assert!(
            !all.contains("encrypted from here on") && !all.contains("从此"),
            "{all}"
        );
    }
    let status = i18n::terminal::connected(Lang::En, "p", state.link());
    assert!(
        status.contains("TLS simulated: nothing is encrypted"),
        "{status}"
    );
    assert!(!status.contains("no TLS"), "{status}");
}

#[test]
fn the_page_knows_when_the_server_has_not_greeted() {
    let state = reduce(State::default(), [connect(S1)]);
    assert!(!state.awaiting_greeting(), "not connected yet");
    let state = reduce(state, [connected(S1)]);
    assert!(state.awaiting_greeting());
    let state = reduce(state, [line(S1, "220 mx")]);
    assert!(!state.awaiting_greeting());
    assert!(i18n::terminal::silent_server(Lang::En).contains("5 s"));
    assert!(i18n::terminal::silent_server(Lang::ZhCn).contains("5 秒"));
}
