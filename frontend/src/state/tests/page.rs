//! Around the session: the sandbox, connecting by itself, the simulator and its
//! mailbox, pasted batches, session ids, presets.

use super::*;

#[test]
fn the_sandbox_address_fills_the_untouched_form_and_the_preset() {
    let info = SandboxInfo {
        enabled: true,
        listen: Some("127.0.0.1:40001".into()),
        demo: Some(("demo".into(), "demo".into())),
        per_visitor: false,
    };
    let state = reduce(State::default(), [Action::Sandbox(info.clone())]);
    assert_eq!(state.form.port, "40001");
    let state = reduce(
        State::default(),
        [
            Action::EditPort("25".into()),
            Action::Sandbox(info),
            Action::Preset(Preset::Alternative),
        ],
    );
    assert_eq!(state.form.port, "2525", "a typed form is left alone");
    let state = reduce(state, [Action::Preset(Preset::Sandbox)]);
    assert_eq!(
        (state.form.host.as_str(), state.form.port.as_str()),
        ("127.0.0.1", "40001")
    );
}

fn sandbox_info() -> SandboxInfo {
    SandboxInfo {
        enabled: true,
        listen: Some("127.0.0.1:40001".into()),
        demo: Some(("demo".into(), "demo".into())),
        per_visitor: false,
    }
}

#[test]
fn the_page_connects_to_the_sandbox_by_itself_unless_told_otherwise() {
    let state = reduce(State::default(), [Action::Sandbox(sandbox_info())]);
    assert!(state.connection.auto_connect);
    assert_eq!(state.mailbox.bridge, BridgePresence::Present);
    assert!(
        note_texts(&state, Tone::Info)
            .iter()
            .any(|n| n.contains("127.0.0.1:40001") && n.contains("automatically")),
        "a notice says so"
    );
    let state = reduce(state, [connect(S1)]);
    assert!(
        !state.connection.auto_connect,
        "connecting clears the request"
    );

    // Not with a shared transcript, not with a typed form, not after Disconnect.
    let shared = reduce(
        State::default(),
        [
            Action::OpenShared("-> EHLO me".into()),
            Action::Sandbox(sandbox_info()),
        ],
    );
    assert!(!shared.connection.auto_connect);
    let typed = reduce(
        State::default(),
        [
            Action::EditHost("mx".into()),
            Action::Sandbox(sandbox_info()),
        ],
    );
    assert!(!typed.connection.auto_connect);
    let left = reduce(
        State::default(),
        [
            connect(S1),
            Action::Disconnect,
            Action::Sandbox(sandbox_info()),
        ],
    );
    assert!(!left.connection.auto_connect);
    let disabled = reduce(
        State::default(),
        [Action::Sandbox(SandboxInfo {
            enabled: false,
            ..sandbox_info()
        })],
    );
    assert!(!disabled.connection.auto_connect);
}

#[test]
fn without_a_bridge_the_simulator_takes_over_and_is_marked() {
    let state = reduce(
        State::default(),
        [Action::NoBridge("/api/sandbox: HTTP 404".into())],
    );
    assert_eq!(state.mailbox.bridge, BridgePresence::Absent);
    assert!(state.form.backend.is_simulator() && state.connection.auto_connect);
    assert!(
        note_texts(&state, Tone::Info)
            .iter()
            .any(|n| n.starts_with("No bridge answered (/api/sandbox: HTTP 404)"))
    );
    let state = reduce(
        state,
        [Action::Connect {
            session: S1,
            request: ConnectForm::default().request().expect("valid"),
            backend: Backend::Simulator,
        }],
    );
    assert!(state.connection.backend.is_simulator() && !state.connection.auto_connect);
    assert!(
        note_texts(&state, Tone::Info)
            .iter()
            .any(|n| n.starts_with("SIMULATED")),
        "the transcript says the session is simulated"
    );
    assert_eq!(state.mailbox_list(), Some(Ok(Rc::default())));
}

#[test]
fn simulated_deliveries_fill_the_page_mailbox_and_open() {
    let message = protocol::server::ReceivedMessage {
        helo: "me".into(),
        mail_from: "a@b.example".into(),
        rcpt_to: vec!["c@d.example".into()],
        data: b"Subject: Hi there\r\nFrom: a@b.example\r\n\r\nHello\r\n".to_vec(),
        authenticated_as: Some("demo".into()),
        tls: false,
        queue_id: "Q1".into(),
        findings: Vec::new(),
    };
    let state = reduce(
        State::default(),
        [
            Action::SelectBackend(Backend::Simulator),
            Action::SimulatedDelivery {
                message: Box::new(message),
                received_at: "2025-05-01T12:00:00.000Z".into(),
            },
        ],
    );
    let Some(Ok(list)) = state.mailbox_list() else {
        panic!("a list");
    };
    assert_eq!(list[0].subject.as_deref(), Some("Hi there"));
    assert_eq!(list[0].id, 1);
    let state = reduce(state, [Action::OpenMessage(1)]);
    let Some(MessageView::Loaded(detail)) = &state.mailbox.message else {
        panic!("opened at once: {:?}", state.mailbox.message);
    };
    assert_eq!(detail.text_body.as_deref(), Some("Hello\r\n"));
    assert!(detail.raw.starts_with("Subject: Hi there"));
    let state = reduce(state, [Action::OpenMessage(9)]);
    assert!(matches!(
        state.mailbox.message,
        Some(MessageView::Failed(_))
    ));
    let state = reduce(state, [Action::CloseMessage]);
    assert_eq!(state.mailbox.message, None);
}

#[test]
fn bridge_messages_load_and_late_answers_are_dropped() {
    let state = reduce(
        State::default(),
        [Action::Sandbox(sandbox_info()), Action::OpenMessage(4)],
    );
    assert_eq!(state.mailbox.message, Some(MessageView::Loading(4)));
    let state = reduce(state, [Action::MessageLoaded(Err("HTTP 404".into()))]);
    assert_eq!(
        state.mailbox.message,
        Some(MessageView::Failed("HTTP 404".into()))
    );
    let state = reduce(
        state,
        [
            Action::CloseMessage,
            Action::MessageLoaded(Err("late".into())),
        ],
    );
    assert_eq!(state.mailbox.message, None);
}

/// A session inside DATA (after 354) with `lines` pasted into the command line.
fn pasted_in_body(lines: Vec<String>) -> State {
    reduce(in_message(), [Action::Paste(lines)])
}

#[test]
fn a_pasted_body_goes_out_as_one_batch_through_the_dot() {
    let state = pasted_in_body(vec![
        "Subject: hi".into(),
        "From: a@b.example".into(),
        "".into(),
        "Hello".into(),
        ".".into(),
        "QUIT".into(),
    ]);
    assert_eq!(
        state.next_batch(),
        Some(vec![
            "Subject: hi".to_owned(),
            "From: a@b.example".to_owned(),
            "".to_owned(),
            "Hello".to_owned(),
            ".".to_owned(),
        ])
    );
    // A long body goes out in batches that each fit a public bridge's 4 KiB message.
    let body: Vec<String> = (0..200)
        .map(|i| format!("line {i}: {}", "x".repeat(70)))
        .collect();
    let mut pasted = body.clone();
    pasted.push(".".into());
    let state = pasted_in_body(pasted);
    let batch = state.next_batch().expect("a batch");
    let json = ClientMsg::Lines {
        text: batch.clone(),
    }
    .to_json();
    assert!(json.len() <= BATCH_BYTES, "{} bytes", json.len());
    assert!(
        batch.len() > 30 && batch.len() < body.len(),
        "{} lines",
        batch.len()
    );
    assert_eq!(batch[..], body[..batch.len()]);
    // Outside DATA there is no batch: commands wait for their replies.
    let state = reduce(ready(), [Action::Paste(vec!["NOOP".into(), "QUIT".into()])]);
    assert_eq!(state.next_batch(), None);
    assert_eq!(state.next_queued(), Some("NOOP"));
}

#[test]
fn a_long_body_goes_out_as_several_batches_in_one_turn() {
    let body: Vec<String> = (0..1000)
        .map(|i| format!("line {i}: {}", "x".repeat(70)))
        .collect();
    let mut pasted = body.clone();
    pasted.extend([".".to_owned(), "QUIT".to_owned()]);
    let state = pasted_in_body(pasted);
    // All of it up to the dot, each batch as `next_batch` would make it then.
    let all = state.next_batches(|_| true);
    assert!(all.len() > 10, "{} batches", all.len());
    assert!(all.iter().all(|batch| {
        ClientMsg::Lines {
            text: batch.clone(),
        }
        .to_json()
        .len()
            <= BATCH_BYTES
    }));
    assert_eq!(all[0], state.next_batch().expect("a batch"));
    let flat: Vec<String> = all.concat();
    let mut sent = body.clone();
    sent.push(".".into());
    assert_eq!(
        flat, sent,
        "in order, through the dot, not the QUIT after it"
    );
    // The budget stops it after the batch that reached it.
    let some = state.next_batches(|lines| lines < 100);
    let lines: usize = some.iter().map(Vec::len).sum();
    assert!(lines >= 100 && lines < 100 + all[0].len(), "{lines} lines");
    assert_eq!(some[..], all[..some.len()]);
    // Recorded as sent, the rest follows from where they ended.
    let after = reduce(
        state.clone(),
        [Action::SentLines {
            lines: some.concat(),
            at_ms: None,
            queued: true,
        }],
    );
    assert_eq!(after.next_batches(|_| true).concat(), sent[lines..]);
    // Outside DATA: nothing here (commands go one by one or as one pipelined group).
    let state = reduce(ready(), [Action::Paste(vec!["NOOP".into(), "QUIT".into()])]);
    assert!(state.next_batches(|_| true).is_empty());
}

#[test]
fn session_ids_advance() {
    assert_eq!(SessionId(1).next(), SessionId(2));
    assert_eq!(SessionId(u32::MAX).next(), SessionId(0));
}

#[test]
fn the_form_names_its_preset() {
    assert_eq!(
        ConnectForm::default().matching_preset(),
        Some(Preset::Sandbox)
    );
    let submission = ConnectForm {
        host: "mx.example".into(),
        port: "587".into(),
        tls: TlsMode::Starttls,
        ..ConnectForm::default()
    };
    assert_eq!(submission.matching_preset(), Some(Preset::Submission));
    let odd = ConnectForm {
        port: "587".into(),
        ..ConnectForm::default()
    };
    assert_eq!(odd.matching_preset(), None);
}

#[test]
fn the_mailbox_list_is_fetched_once_per_burst_and_capped() {
    let headline = |id: u64| MessageSummary {
        id,
        ..MessageSummary::default()
    };
    let mut state = reduce(State::default(), [Action::MailboxWanted]);
    assert!(!state.mailbox.list_to_fetch(), "no sandbox known yet");
    state = reduce(state, [Action::Sandbox(sandbox_info())]);
    assert!(state.mailbox.list_to_fetch());
    // Events while the request is on its way: one more request after it, not one each.
    state = reduce(
        state,
        [
            Action::MailboxRequested,
            Action::MailboxWanted,
            Action::MailboxWanted,
            Action::MailboxWanted,
        ],
    );
    assert!(!state.mailbox.list_to_fetch());
    let many: Vec<_> = (0..MAILBOX_ROWS_CAP as u64 + 5)
        .rev()
        .map(headline)
        .collect();
    state = reduce(state, [Action::Mailbox(Ok(many))]);
    assert!(state.mailbox.list_to_fetch());
    state = reduce(
        state,
        [Action::MailboxRequested, Action::Mailbox(Ok(vec![]))],
    );
    assert!(!state.mailbox.list_to_fetch());
    state = reduce(state, [Action::MailboxWanted, Action::MailboxRequested]);
    let many: Vec<_> = (0..MAILBOX_ROWS_CAP as u64 + 5)
        .rev()
        .map(headline)
        .collect();
    state = reduce(state, [Action::Mailbox(Ok(many))]);
    let Some(Ok(list)) = state.mailbox_list() else {
        panic!("a list");
    };
    assert_eq!(list.len(), MAILBOX_ROWS_CAP);
    assert_eq!(list[0].id, MAILBOX_ROWS_CAP as u64 + 4, "the newest kept");
}

#[test]
fn the_page_is_opening_until_its_own_session_is_greeted() {
    let fresh = State::default();
    assert!(fresh.opening(), "the bridge not heard from yet");
    let found = reduce(fresh, [Action::Sandbox(sandbox_info())]);
    assert!(found.opening(), "connecting by itself next");
    let connecting = reduce(found, [connect(S1)]);
    assert!(connecting.opening());
    let connected = reduce(connecting, [connected(S1)]);
    assert!(connected.opening(), "no greeting yet");
    let greeted = reduce(connected, [line(S1, "220 sandbox ESMTP")]);
    assert!(!greeted.opening(), "the greeting came");

    // A socket that fails ends it too (the simulator's own session follows), and so do a
    // typed form, a shared transcript and a page without a bridge.
    let failed = reduce(
        State::default(),
        [
            Action::Sandbox(sandbox_info()),
            connect(S1),
            Action::Bridge {
                session: S1,
                event: BridgeEvent::SocketClosed {
                    detail: "refused".into(),
                },
            },
        ],
    );
    assert!(
        !failed.connection.opening_by_itself(false),
        "the failed session no longer counts"
    );
    let typed = reduce(
        State::default(),
        [
            Action::EditHost("mx".into()),
            Action::Sandbox(sandbox_info()),
        ],
    );
    assert!(!typed.opening());
    let shared = reduce(
        State::default(),
        [
            Action::OpenShared("-> EHLO me".into()),
            Action::Sandbox(sandbox_info()),
        ],
    );
    assert!(!shared.opening());
    let typed_connect = reduce(
        State::default(),
        [
            Action::NoBridge("HTTP 404".into()),
            Action::EditHost("mx".into()),
        ],
    );
    assert!(typed_connect.opening(), "the simulator's own session next");
}
