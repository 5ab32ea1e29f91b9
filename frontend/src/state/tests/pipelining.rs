//! Pasted commands to a PIPELINING server go out as RFC 2920 groups, and each reply is
//! explained as the answer to its own command, in order.

use super::*;

fn pasted(state: State, lines: &[&str]) -> State {
    reduce(
        state,
        [Action::Paste(
            lines.iter().map(|l| (*l).to_owned()).collect(),
        )],
    )
}

/// The batch went out in one `lines` message: one action, as the page records it.
fn sent_batch(state: State, batch: &[String]) -> State {
    reduce(
        state,
        [Action::SentLines {
            lines: batch.to_vec(),
            at_ms: None,
            queued: true,
        }],
    )
}

#[test]
fn a_group_ends_with_the_first_command_that_waits() {
    let state = pasted(
        ready(),
        &[
            "MAIL FROM:<a@b.example>",
            "RCPT TO:<c@d.example>",
            "RCPT TO:<e@d.example>",
            "DATA",
            "Subject: hi",
            "",
            "hello",
            ".",
            "QUIT",
        ],
    );
    let group = state.next_batch().expect("a pipelined group");
    assert_eq!(
        group,
        [
            "MAIL FROM:<a@b.example>",
            "RCPT TO:<c@d.example>",
            "RCPT TO:<e@d.example>",
            "DATA"
        ]
    );
    let state = sent_batch(state, &group);
    assert_eq!(state.next_queued(), None, "the body waits for DATA's 354");
    let state = reduce(
        state,
        [
            line(S1, "250 2.1.0 Ok"),
            line(S1, "250 2.1.5 Ok"),
            line(S1, "550 5.1.1 <e@d.example>: Recipient address rejected"),
            line(S1, "354 End data with <CR><LF>.<CR><LF>"),
        ],
    );
    // The replies came back in the order of the commands, and each is paired with its own.
    let answers: Vec<_> = state
        .conversation
        .transcript
        .iter()
        .filter(|e| matches!(e.kind, EntryKind::Server { .. }))
        .rev()
        .take(4)
        .map(|e| match &e.kind {
            EntryKind::Server { annotation, .. } => annotation.en.title.clone(),
            _ => unreachable!(),
        })
        .collect();
    assert!(answers[3].contains("Sender accepted"), "{answers:?}");
    assert!(answers[2].contains("Recipient accepted"), "{answers:?}");
    assert!(answers[1].starts_with("550"), "{answers:?}");
    assert!(answers[0].starts_with("354"), "{answers:?}");
    let body = state.next_batch().expect("the body as one batch");
    assert_eq!(body.last().map(String::as_str), Some("."));
    let state = sent_batch(state, &body);
    let state = reduce(state, [line(S1, "250 2.0.0 Ok: queued as 1")]);
    assert_eq!(state.next_queued(), Some("QUIT"));
}

#[test]
fn noop_and_quit_end_a_group_and_nothing_is_batched_without_pipelining() {
    let state = pasted(
        ready(),
        &["RSET", "MAIL FROM:<a@b.example>", "NOOP", "QUIT"],
    );
    assert_eq!(
        state.next_batch().expect("a group"),
        ["RSET", "MAIL FROM:<a@b.example>", "NOOP"]
    );
    let state = pasted(ready(), &["NOOP", "MAIL FROM:<a@b.example>"]);
    assert_eq!(state.next_batch(), None, "NOOP is a group of its own");
    let plain = reduce(
        State::default(),
        [
            connect(S1),
            connected(S1),
            line(S1, "220 mx.example ESMTP"),
            sent("EHLO me"),
            line(S1, "250 mx.example"),
        ],
    );
    let state = pasted(plain, &["MAIL FROM:<a@b.example>", "RCPT TO:<c@d.example>"]);
    assert_eq!(state.next_batch(), None, "no PIPELINING: one by one");
    assert_eq!(state.next_queued(), Some("MAIL FROM:<a@b.example>"));
}

#[test]
fn a_bdat_chunk_goes_out_with_its_command_and_the_helper_waits_for_recipients() {
    let state = reduce(
        ready(),
        [
            sent("EHLO me"),
            line(S1, "250-mx.example"),
            line(S1, "250 CHUNKING"),
        ],
    );
    assert!(!state.chunk_helper_open(), "no recipient yet");
    let state = reduce(
        state,
        [
            sent("MAIL FROM:<a@b.example>"),
            line(S1, "250 2.1.0 Ok"),
            sent("RCPT TO:<c@d.example>"),
            line(S1, "250 2.1.5 Ok"),
        ],
    );
    assert!(state.chunk_helper_open());
    let chunk = ["Subject: 你好", "", "hi"];
    let mut lines = vec![protocol::chunk::bdat_line(
        protocol::chunk::chunk_octets(chunk),
        true,
    )];
    lines.extend(chunk.map(str::to_owned));
    assert_eq!(lines[0], "BDAT 23 LAST", "15 + 2, 0 + 2, 2 + 2");
    let state = reduce(state, [Action::Paste(lines.clone())]);
    assert!(!state.chunk_helper_open(), "a chunk is under way");
    assert_eq!(
        state.next_batch(),
        Some(lines.clone()),
        "no waiting inside a chunk"
    );
    let state = sent_batch(state, &lines);
    assert_eq!(state.prompt(), "RCPT>");
    let state = reduce(state, [line(S1, "250 2.0.0 Ok: queued as 1")]);
    assert!(!state.chunk_helper_open(), "the message is done");
}
