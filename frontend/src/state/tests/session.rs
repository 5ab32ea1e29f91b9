//! A session: the form, connecting, sending, warnings, AUTH, the lesson, TLS.

use super::*;

#[test]
fn form_defaults_to_the_local_sandbox() {
    let request = ConnectForm::default().request().expect("valid");
    assert_eq!(
        request,
        ConnectRequest {
            host: "127.0.0.1".into(),
            port: 2525,
            tls: TlsMode::None,
            insecure: false,
            ..ConnectRequest::default()
        }
    );
}

#[test]
fn form_validation_names_the_problem() {
    let form = |host: &str, port: &str| ConnectForm {
        host: host.into(),
        port: port.into(),
        tls: TlsMode::Implicit,
        insecure: false,
        backend: Backend::Bridge,
        by_mx: false,
    };
    assert!(form("  mx.example.org ", " 465").request().is_ok());
    assert_eq!(form(" ", "25").request(), Err(FormError::EmptyHost));
    assert_eq!(
        form("mx example", "25").request(),
        Err(FormError::BadHost("mx example".into()))
    );
    for port in ["", "0", "65536", "25a", "-1"] {
        assert_eq!(
            form("mx", port).request(),
            Err(FormError::BadPort(port.into())),
            "port {port:?}"
        );
    }
}

#[test]
fn presets_fill_port_and_tls_and_keep_a_typed_host() {
    let state = reduce(
        State::default(),
        [
            Action::EditHost("mx.example.org".into()),
            Action::Preset(Preset::Submission),
        ],
    );
    assert_eq!(state.form.host, "mx.example.org");
    assert_eq!(state.form.port, "587");
    assert_eq!(state.form.tls, TlsMode::Starttls);
    let state = reduce(state, [Action::Preset(Preset::Sandbox)]);
    assert_eq!(state.form, ConnectForm::default());
}

#[test]
fn a_session_goes_from_connecting_to_connected_to_closed() {
    let state = reduce(State::default(), [connect(S1)]);
    assert_eq!(
        state.connection.phase,
        Phase::Connecting {
            target: "127.0.0.1:2525".into()
        }
    );
    assert_eq!(state.prompt(), "C:");
    let state = reduce(state, [connected(S1)]);
    assert!(state.is_connected());
    assert_eq!(state.prompt(), "wait>");
    let state = reduce(
        state,
        [from_bridge(
            S1,
            ServerMsg::Closed {
                reason: "the server closed the connection".into(),
            },
        )],
    );
    assert_eq!(state.connection.phase, Phase::Disconnected);
    assert_eq!(
        note_texts(&state, Tone::Info),
        [
            "Connecting to 127.0.0.1:2525 (plain text)…",
            "Connected to 127.0.0.1:2525 (plain text).",
            "Connection closed: the server closed the connection."
        ]
    );
    // The close carries protocol's explanation.
    assert!(matches!(
        kinds(&state).last(),
        Some(EntryKind::Note {
            annotation: Some(_),
            ..
        })
    ));
}

#[test]
fn server_lines_carry_code_annotation_and_latency() {
    let state = ready();
    assert_eq!(state.prompt(), "SMTP>");
    let state = reduce(
        state,
        [
            Action::Sent {
                text: "MAIL FROM:<a@b.example>".into(),
                at_ms: Some(100),
                queued: false,
            },
            line_at(S1, "250 2.1.0 Ok", 142),
        ],
    );
    assert_eq!(state.prompt(), "MAIL>");
    let Some(EntryKind::Server {
        reply,
        latency_ms,
        annotation,
        ..
    }) = kinds(&state).last().cloned()
    else {
        panic!("the last entry is the reply");
    };
    assert_eq!(
        reply.map(|r| (r.code, r.class)),
        Some((250, ReplyClass::PositiveCompletion))
    );
    assert_eq!(latency_ms, Some(42));
    assert!(!annotation.en.title.is_empty() && !annotation.zh.title.is_empty());
    assert_ne!(annotation.en.title, annotation.zh.title);
}

#[test]
fn continuation_lines_start_no_new_reply_and_have_no_latency() {
    let state = ready();
    let replies: Vec<_> = kinds(&state)
        .into_iter()
        .filter_map(|kind| match kind {
            EntryKind::Server {
                reply, latency_ms, ..
            } => Some(reply.map(|r| (r.code, r.is_first, r.is_last, latency_ms.is_some()))),
            _ => None,
        })
        .collect();
    assert_eq!(
        replies,
        [
            Some((220, true, true, false)),
            Some((250, true, false, false)),
            Some((250, false, false, false)),
            Some((250, false, false, false)),
            Some((250, false, true, false)),
        ]
    );
    let caps = state.capabilities().expect("EHLO answered");
    assert!(caps.has("PIPELINING"));
}

#[test]
fn rcpt_before_mail_warns_first_and_sends_on_the_second_enter() {
    let state = reduce(ready(), [Action::EditDraft("RCPT TO:<x@y.example>".into())]);
    assert_eq!(
        state
            .live_warnings()
            .iter()
            .map(|w| w.id)
            .collect::<Vec<_>>(),
        ["rcpt-before-mail"]
    );
    assert!(state.warnings().is_empty(), "no panel before Enter");
    assert_eq!(state.submit("RCPT TO:<x@y.example>", false), Submit::Warn);
    assert!(matches!(
        state.submit("RCPT TO:<x@y.example>", true),
        Submit::Send(_)
    ));
    let state = reduce(
        state,
        [Action::Warn {
            text: "RCPT TO:<x@y.example>".into(),
            queued: false,
        }],
    );
    let warnings = state.warnings();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].severity, Severity::Error);
    assert!(warnings[0].text.en.contains("MAIL FROM"));
    // The second Enter sends it.
    assert!(matches!(
        state.submit("RCPT TO:<x@y.example>", false),
        Submit::Send(_)
    ));
    // Editing the line drops the warning.
    let edited = reduce(
        state.clone(),
        [Action::EditDraft("RCPT TO:<x@y.exampl>".into())],
    );
    assert!(edited.warnings().is_empty());
    assert_eq!(edited.submit("RCPT TO:<x@y.exampl>", false), Submit::Warn);
    // Sent anyway: it is in the transcript and the command line is empty.
    let state = reduce(
        state,
        [
            sent("RCPT TO:<x@y.example>"),
            line(S1, "503 5.5.1 Error: need MAIL command"),
        ],
    );
    assert_eq!(state.command_line.draft, "");
    assert!(state.warnings().is_empty());
    assert_eq!(
        client_texts(&state).last().map(String::as_str),
        Some("RCPT TO:<x@y.example>")
    );
    let Some(EntryKind::Server { annotation, .. }) = kinds(&state).last().cloned() else {
        panic!("the 503 is last");
    };
    assert_eq!(annotation.en.severity, Severity::Error);
}

#[test]
fn a_warning_the_server_contradicts_is_withdrawn_from_the_transcript() {
    let severity =
        |state: &State| match kinds(state).into_iter().rev().find(
            |k| matches!(k, EntryKind::Client { text, .. } if text == "RCPT TO:<x@y.example>"),
        ) {
            Some(EntryKind::Client { annotation, .. }) => {
                (annotation.en.severity, annotation.zh.severity)
            }
            _ => panic!("the RCPT is in the transcript"),
        };
    let state = reduce(ready(), [sent("RCPT TO:<x@y.example>")]);
    assert_eq!(severity(&state), (Severity::Error, Severity::Error));
    // A lenient server accepts RCPT before MAIL: the prediction is withdrawn.
    let state = reduce(state, [line(S1, "250 2.1.5 Ok")]);
    assert_eq!(severity(&state), (Severity::Info, Severity::Info));
}

#[test]
fn lines_can_be_sent_only_when_connected_and_valid() {
    assert_eq!(
        State::default().submit("EHLO me", false),
        Submit::Refuse(SendError::NotConnected)
    );
    let state = ready();
    // An empty command line is valid to send, but `protocol` predicts a 500 for it.
    assert_eq!(state.submit("", false), Submit::Warn);
    assert!(matches!(state.submit("", true), Submit::Send(_)));
    assert!(matches!(
        state.submit("RSET\r\nQUIT", true),
        Submit::Refuse(SendError::Invalid(OutgoingLineError::ControlCharacter {
            name: "CR",
            ..
        }))
    ));
    // Over the RFC's limit: warned about, and sent when the learner insists (the
    // server's 500 is the lesson); only past what the bridge carries is it refused.
    let long = format!("NOOP {}", "x".repeat(limits::TEXT_LINE));
    assert_eq!(state.submit(&long, false), Submit::Warn);
    assert!(matches!(state.submit(&long, true), Submit::Send(_)));
    assert!(matches!(
        state.submit(&"x".repeat(limits::SENT_LINE_MAX), true),
        Submit::Refuse(SendError::Invalid(OutgoingLineError::TooLong { .. }))
    ));
}

#[test]
fn auth_login_helper_follows_the_challenges_and_passwords_stay_hidden() {
    let state = ready();
    assert_eq!(
        state.auth_step(),
        Some(AuthStep::Start {
            mechanisms: vec!["PLAIN".into(), "LOGIN".into()]
        })
    );
    let state = reduce(state, [sent("AUTH LOGIN"), line(S1, "334 VXNlcm5hbWU6")]);
    assert_eq!(state.prompt(), "AUTH>");
    assert_eq!(
        state.auth_step(),
        Some(AuthStep::Answer {
            challenge: "VXNlcm5hbWU6".into(),
            prompt: Prompt::Username
        })
    );
    let user = auth::encode("alice");
    let password = auth::encode("s3cret");
    let state = reduce(state, [sent(&user), line(S1, "334 UGFzc3dvcmQ6")]);
    assert!(matches!(
        state.auth_step(),
        Some(AuthStep::Answer {
            prompt: Prompt::Password,
            ..
        })
    ));
    let state = reduce(
        state,
        [
            sent(&password),
            line(S1, "235 2.7.0 Authentication successful"),
        ],
    );
    assert_eq!(state.auth_step(), None);
    let shown = client_texts(&state);
    assert!(!shown.contains(&password), "{shown:?}");
    assert!(shown.iter().any(|t| t.contains("****")));
    // Up never brings the password back.
    let mut state = state;
    let mut seen = Vec::new();
    for _ in 0..5 {
        state = reduce(state, [Action::HistoryUp]);
        seen.push(state.command_line.draft.clone());
    }
    assert!(!seen.contains(&password), "{seen:?}");
    assert!(seen.contains(&"AUTH LOGIN".to_owned()));
}

#[test]
fn history_and_completion_edit_the_command_line() {
    let state = reduce(ready(), [Action::EditDraft("m".into()), Action::Complete]);
    assert_eq!(state.command_line.draft, "MAIL FROM:<");
    let state = reduce(state, [Action::EditDraft("au".into()), Action::Complete]);
    assert_eq!(state.command_line.draft, "AUTH ");
    assert_eq!(state.command_line.candidates, ["AUTH LOGIN", "AUTH PLAIN "]);
    let state = reduce(state, [Action::EditDraft("NO".into()), Action::HistoryUp]);
    assert_eq!(state.command_line.draft, "EHLO me");
    let state = reduce(state, [Action::HistoryDown]);
    assert_eq!(state.command_line.draft, "NO");
}

#[test]
fn pasted_lines_wait_for_each_reply_and_flow_inside_data() {
    let state = reduce(
        ready(),
        [Action::Paste(vec![
            "MAIL FROM:<a@b.example>".into(),
            "RCPT TO:<c@d.example>".into(),
            "DATA".into(),
            "Subject: hi".into(),
            "".into(),
            ".".into(),
        ])],
    );
    assert_eq!(state.next_queued(), Some("MAIL FROM:<a@b.example>"));
    let queued = |text: &str| Action::Sent {
        text: text.into(),
        at_ms: None,
        queued: true,
    };
    let state = reduce(state, [queued("MAIL FROM:<a@b.example>")]);
    assert_eq!(state.next_queued(), None, "waits for the 250");
    let state = reduce(state, [line(S1, "250 2.1.0 Ok")]);
    assert_eq!(state.next_queued(), Some("RCPT TO:<c@d.example>"));
    let state = reduce(
        state,
        [
            queued("RCPT TO:<c@d.example>"),
            line(S1, "250 2.1.5 Ok"),
            queued("DATA"),
            line(S1, "354 End data with <CR><LF>.<CR><LF>"),
        ],
    );
    assert_eq!(state.prompt(), "DATA>");
    assert_eq!(state.next_queued(), Some("Subject: hi"));
    let state = reduce(state, [queued("Subject: hi")]);
    assert_eq!(state.next_queued(), Some(""), "body lines need no reply");
    let state = reduce(state, [Action::Cancel]);
    assert_eq!(state.next_queued(), None);
    assert!(state.command_line.queue.is_empty());
}

#[test]
fn a_queued_line_with_a_warning_stops_in_the_command_line() {
    let state = reduce(
        ready(),
        [Action::Paste(vec![
            "RCPT TO:<c@d.example>".into(),
            "QUIT".into(),
        ])],
    );
    let text = state.next_queued().expect("queued").to_owned();
    assert_eq!(state.submit(&text, false), Submit::Warn);
    let state = reduce(state, [Action::Warn { text, queued: true }]);
    assert_eq!(state.command_line.draft, "RCPT TO:<c@d.example>");
    assert_eq!(state.warnings().len(), 1);
    assert_eq!(state.next_queued(), None, "the queue waits for the user");
    assert_eq!(state.command_line.queue.len(), 1);
}

#[test]
fn bridge_errors_become_sentences_and_keep_the_session() {
    let state = reduce(
        State::default(),
        [
            connect(S1),
            connected(S1),
            from_bridge(
                S1,
                ServerMsg::Error {
                    code: ErrorCode::InvalidLine,
                    message: "the line is too long".into(),
                },
            ),
        ],
    );
    assert!(state.is_connected());
    assert_eq!(
        note_texts(&state, Tone::Error),
        ["The bridge refused the line, so it was not sent (the line is too long)."]
    );
}

#[test]
fn events_from_an_old_session_are_ignored() {
    let state = reduce(
        State::default(),
        [connect(S1), Action::Disconnect, connect(S2)],
    );
    let before = kinds(&state);
    let state = reduce(
        state,
        [
            connected(S1),
            line(S1, "220 stale"),
            Action::Bridge {
                session: S1,
                event: BridgeEvent::SocketClosed {
                    detail: "code 1000".into(),
                },
            },
        ],
    );
    assert_eq!(kinds(&state), before);
    assert_eq!(state.connection.active, Some(S2));
    assert!(!state.is_connected());
}

#[test]
fn disconnect_and_socket_loss_end_the_session() {
    let state = reduce(
        State::default(),
        [
            connect(S1),
            connected(S1),
            Action::Disconnect,
            Action::Disconnect,
        ],
    );
    assert_eq!(state.connection.phase, Phase::Disconnected);
    assert_eq!(
        note_texts(&state, Tone::Info)
            .iter()
            .filter(|t| *t == "Disconnected.")
            .count(),
        1
    );
    // Lost after the bridge connected: an error, the session is over.
    let state = reduce(
        State::default(),
        [
            connect(S1),
            connected(S1),
            Action::Bridge {
                session: S1,
                event: BridgeEvent::SocketClosed {
                    detail: "code 1006".into(),
                },
            },
        ],
    );
    assert_eq!(
        note_texts(&state, Tone::Error),
        ["Lost the connection to the bridge (code 1006)."]
    );
    assert_eq!(state.form.backend, Backend::Bridge);
}

#[test]
fn a_websocket_that_never_opens_falls_back_to_the_simulator() {
    let state = reduce(
        State::default(),
        [
            connect(S1),
            Action::Bridge {
                session: S1,
                event: BridgeEvent::SocketClosed {
                    detail: "JsValue(SecurityError: ...)".into(),
                },
            },
        ],
    );
    assert!(note_texts(&state, Tone::Error).is_empty());
    let notes = note_texts(&state, Tone::Info);
    let last = notes.last().expect("a notice");
    assert!(
        last.contains("WebSocket") && last.contains("simulator"),
        "{last}"
    );
    assert!(!last.contains("JsValue"), "no raw browser error: {last}");
    assert_eq!(state.form.backend, Backend::Simulator);
    assert!(
        state.connection.auto_connect,
        "the page goes on in the simulator"
    );
    assert!(i18n::notice(Lang::ZhCn, &Notice::SocketFailed).contains("模拟服务器"));
}

#[test]
fn clear_screen_keeps_the_session() {
    let before = ready();
    let state = reduce(before.clone(), [Action::ClearScreen]);
    assert!(state.conversation.transcript.nothing_shown());
    // The transcript Export and Share read still holds the whole session.
    assert_eq!(kinds(&state), kinds(&before));
    assert_eq!(client_texts(&state), ["EHLO me"]);
    assert!(state.is_connected());
    assert_eq!(state.prompt(), "SMTP>");
}

#[test]
fn implicit_tls_marks_lines_encrypted() {
    let state = reduce(
        State::default(),
        [
            connect(S1),
            from_bridge(
                S1,
                ServerMsg::Connected {
                    version: 1,
                    host: "localhost".into(),
                    port: 465,
                    peer: "[::1]:465".into(),
                    tls: TlsMode::Implicit,
                    mx_host: None,
                },
            ),
            line(S1, "220 hi"),
        ],
    );
    assert!(matches!(
        kinds(&state).last(),
        Some(EntryKind::Server {
            encrypted: true,
            ..
        })
    ));
    assert_eq!(
        note_texts(&state, Tone::Info).last().map(String::as_str),
        Some("Connected to localhost:465 (address [::1]:465, implicit TLS).")
    );
}

#[test]
fn preferences_change() {
    let state = reduce(
        State::new(Lang::ZhCn, Theme::Light),
        [
            Action::SetTheme(Theme::Light.toggled()),
            Action::SetLang(Lang::En),
        ],
    );
    assert_eq!(
        (state.prefs.lang, state.prefs.theme),
        (Lang::En, Theme::Dark)
    );
    assert_eq!(Theme::from_name("light"), Some(Theme::Light));
    assert_eq!(Theme::from_name("blue"), None);
}

#[test]
fn the_lesson_checks_off_each_step_on_the_real_reply() {
    let state = ready();
    assert_eq!(
        state.conversation.lesson.current(),
        Some(StepId::Auth),
        "connected and greeted"
    );
    let state = reduce(
        state,
        [
            sent("AUTH LOGIN"),
            line(S1, "334 VXNlcm5hbWU6"),
            sent(&auth::encode("demo")),
            line(S1, "334 UGFzc3dvcmQ6"),
            sent(&auth::encode("demo")),
            line(S1, "235 2.7.0 ok"),
            sent("MAIL FROM:<a@b.example>"),
            line(S1, "250 ok"),
            sent("RCPT TO:<c@d.example>"),
        ],
    );
    assert_eq!(
        state.conversation.lesson.current(),
        Some(StepId::Rcpt),
        "RCPT not answered yet"
    );
    let state = reduce(
        state,
        [
            line(S1, "250 ok"),
            sent("DATA"),
            line(S1, "354 go ahead"),
            sent("Subject: hi"),
            sent(""),
            sent("hello"),
            sent("."),
        ],
    );
    assert_eq!(
        state.conversation.lesson.current(),
        Some(StepId::EndOfData),
        "the dot waits for its 250"
    );
    assert_eq!(state.conversation.delivered, 0);
    let state = reduce(
        state,
        [
            line(S1, "250 2.0.0 queued"),
            sent("QUIT"),
            line(S1, "221 bye"),
        ],
    );
    assert_eq!(state.conversation.lesson.current(), None);
    assert_eq!(state.conversation.lesson.count(), 9);
    assert_eq!(state.conversation.delivered, 1);
}

#[test]
fn starttls_marks_later_lines_encrypted_and_asks_for_ehlo_again() {
    let state = reduce(
        ready(),
        [
            sent("STARTTLS"),
            line(S1, "220 2.0.0 Ready to start TLS"),
            from_bridge(
                S1,
                ServerMsg::Tls(TlsInfo {
                    mode: TlsMode::Starttls,
                    version: "TLSv1.3".into(),
                    cipher: "TLS13_AES_128_GCM_SHA256".into(),
                    alpn: None,
                    server_name: "127.0.0.1".into(),
                    verified: false,
                    verify_error: Some("self-signed".into()),
                    insecure: true,
                    certificates: Vec::new(),
                    sandbox_certificate: false,
                    at_ms: 9,
                }),
            ),
            sent("EHLO me"),
        ],
    );
    assert_eq!(
        state.prompt(),
        "HELO>",
        "after STARTTLS the session starts over"
    );
    assert!(state.connection.tls.is_some());
    assert!(matches!(
        kinds(&state).last(),
        Some(EntryKind::Client {
            encrypted: true,
            ..
        })
    ));
    let tls_note = note_texts(&state, Tone::Info);
    assert!(
        tls_note
            .iter()
            .any(|n| n.contains("TLSv1.3") && n.contains("NOT verified: self-signed")),
        "{tls_note:?}"
    );
}
