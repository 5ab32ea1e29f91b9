use super::*;
use crate::finding::Severity;
use crate::reply::ReplyAssembler;

/// Feeds server lines (one reply, possibly multi-line) into the session.
fn reply(session: &mut ClientSession, lines: &[&str]) -> Received {
    let mut asm = ReplyAssembler::default();
    let mut complete = None;
    for line in lines {
        complete = asm.push(line).expect("valid reply line");
    }
    session.handle_reply(&complete.expect("complete reply"))
}

fn ids(session: &ClientSession, line: &str) -> Vec<&'static str> {
    session.predict(line).iter().map(|f| f.id).collect()
}

fn ehlo_session(ehlo: &[&str]) -> ClientSession {
    let mut s = ClientSession::default();
    reply(&mut s, &["220 postfix.test ESMTP Postfix"]);
    s.handle_sent("EHLO client.test");
    reply(&mut s, ehlo);
    s
}

const POSTFIX_EHLO: &[&str] = &[
    "250-postfix.test",
    "250-PIPELINING",
    "250-SIZE 10240000",
    "250-VRFY",
    "250-ETRN",
    "250-AUTH PLAIN LOGIN",
    "250-ENHANCEDSTATUSCODES",
    "250-8BITMIME",
    "250-DSN",
    "250-SMTPUTF8",
    "250 CHUNKING",
];

/// A session past Postfix's EHLO whose MAIL FROM was accepted.
fn after_mail() -> ClientSession {
    let mut s = ehlo_session(POSTFIX_EHLO);
    s.handle_sent("MAIL FROM:<a@b.example>");
    reply(&mut s, &["250 2.1.0 Ok"]);
    s
}

/// [`after_mail`], then one RCPT TO accepted: the next step is DATA or BDAT.
fn after_rcpt() -> ClientSession {
    let mut s = after_mail();
    s.handle_sent("RCPT TO:<bob@postfix.test>");
    reply(&mut s, &["250 2.1.5 Ok"]);
    s
}

#[test]
fn the_tutorial_session_walks_through_every_phase() {
    let mut s = ClientSession::default();
    assert_eq!(s.phase(), Phase::Greeting);
    let r = reply(
        &mut s,
        &["220 163.com Anti-spam GT for Coremail System (163com[20141201])"],
    );
    assert_eq!((r.answered, r.phase), (Expect::Greeting, Phase::Hello));

    assert_eq!(
        s.handle_sent("helo fan2"),
        Sent::Command {
            verb: Some(Verb::Helo)
        }
    );
    assert_eq!(reply(&mut s, &["250 OK"]).phase, Phase::Ready);

    s.handle_sent("auth login");
    let r = reply(&mut s, &["334 dXNlcm5hbWU6"]);
    assert_eq!(
        (r.prompt, r.phase),
        (Some(Prompt::Username), Phase::AuthChallenge)
    );
    assert_eq!(
        s.handle_sent("cGh1bnhtQDE2My5jb20="),
        Sent::AuthAnswer {
            prompt: Prompt::Username,
            shown: Some("phunxm@163.com".into()),
            cancel: false
        }
    );
    let r = reply(&mut s, &["334 UGFzc3dvcmQ6"]);
    assert_eq!(r.prompt, Some(Prompt::Password));
    assert!(matches!(
        s.handle_sent("c2VjcmV0"),
        Sent::AuthAnswer {
            prompt: Prompt::Password,
            shown: None,
            ..
        }
    ));
    let r = reply(&mut s, &["235 Authentication successful"]);
    assert!(matches!(r.answered, Expect::AuthAnswer { .. }));
    assert!(s.is_authenticated());
    assert_eq!(s.phase(), Phase::Ready);

    s.handle_sent("mail from:<phunxm@163.com>");
    assert_eq!(reply(&mut s, &["250 Mail OK"]).phase, Phase::Mail);
    s.handle_sent("rcpt to:<2306328146@qq.com>");
    assert_eq!(reply(&mut s, &["250 Mail OK"]).phase, Phase::Rcpt);
    assert_eq!(s.recipients(), 1);
    s.handle_sent("data");
    assert_eq!(
        reply(&mut s, &["354 End data with <CR><LF>.<CR><LF>"]).phase,
        Phase::Data
    );
    assert!(s.in_body());
    for (i, line) in [
        "subject:<test>",
        "from:<phunxm@163.com>",
        "to:<2306328146@qq.com>",
        "",
        "This is a test",
        "",
    ]
    .into_iter()
    .enumerate()
    {
        // The body's lines count from after the headers' empty line.
        let in_body = (i >= 4).then(|| i - 3);
        assert_eq!(
            s.handle_sent(line),
            Sent::BodyLine {
                number: i + 1,
                in_body
            }
        );
    }
    assert!(
        ids(&s, ".").is_empty(),
        "headers were given: {:?}",
        ids(&s, ".")
    );
    assert_eq!(s.handle_sent("."), Sent::EndOfData);
    let r = reply(
        &mut s,
        &["250 Mail OK queued as smtp7,C8CowAA3m23W0uhWLbauAg--.61473S2 1458098971"],
    );
    assert_eq!((r.answered, r.phase), (Expect::EndOfData, Phase::Ready));
    assert_eq!(s.recipients(), 0);
    s.handle_sent("quit");
    assert_eq!(reply(&mut s, &["221 Bye"]).phase, Phase::Closed);
}

#[test]
fn sequence_errors_are_predicted() {
    let mut s = ClientSession::default();
    assert_eq!(ids(&s, "EHLO me"), ["before-greeting"]);
    reply(&mut s, &["220 postfix.test ESMTP"]);
    assert_eq!(ids(&s, "MAIL FROM:<a@b.example>"), ["hello-first"]);
    assert!(ids(&s, "EHLO me").is_empty());
    s.handle_sent("EHLO me");
    reply(&mut s, POSTFIX_EHLO);
    assert_eq!(ids(&s, "RCPT TO:<bob@postfix.test>"), ["rcpt-before-mail"]);
    assert_eq!(ids(&s, "DATA"), ["data-before-rcpt"]);
    s.handle_sent("MAIL FROM:<a@b.example>");
    reply(&mut s, &["250 2.1.0 Ok"]);
    assert_eq!(ids(&s, "MAIL FROM:<a@b.example>"), ["nested-mail"]);
    assert_eq!(ids(&s, "DATA"), ["data-before-rcpt"]);
    assert!(ids(&s, "RCPT TO:<bob@postfix.test>").is_empty());
    assert_eq!(ids(&s, "AUTH LOGIN"), ["auth-in-transaction"]);
}

#[test]
fn a_refused_rcpt_does_not_open_data() {
    let mut s = after_mail();
    s.handle_sent("RCPT TO:<nobody@postfix.test>");
    let r = reply(
        &mut s,
        &["550 5.1.1 <nobody@postfix.test>: Recipient address rejected: User unknown"],
    );
    assert_eq!(r.enhanced.map(|c| c.to_string()), Some("5.1.1".into()));
    assert_eq!(r.phase, Phase::Mail);
    assert_eq!(ids(&s, "DATA"), ["data-before-rcpt"]);
}

#[test]
fn auth_predictions_follow_the_capabilities() {
    let tls_first = ehlo_session(&["250-mx.test", "250-STARTTLS", "250 8BITMIME"]);
    assert_eq!(ids(&tls_first, "AUTH LOGIN"), ["auth-needs-tls"]);
    let no_auth = ehlo_session(&["250-mx.test", "250 8BITMIME"]);
    assert_eq!(ids(&no_auth, "AUTH LOGIN"), ["auth-not-advertised"]);
    let postfix = ehlo_session(POSTFIX_EHLO);
    assert!(ids(&postfix, "AUTH PLAIN").is_empty());
    assert_eq!(
        ids(&postfix, "AUTH CRAM-MD5"),
        ["auth-mechanism-not-offered"]
    );
    assert_eq!(ids(&postfix, "STARTTLS"), ["starttls-not-advertised"]);
}

#[test]
fn mail_parameters_are_checked_against_the_extensions() {
    let s = ehlo_session(POSTFIX_EHLO);
    assert_eq!(
        ids(&s, "MAIL FROM:<a@b.example> SIZE=20000000"),
        ["size-over-limit"]
    );
    assert!(ids(&s, "MAIL FROM:<a@b.example> SIZE=2000").is_empty());
    assert!(ids(&s, "MAIL FROM:<用户@例子.中国> SMTPUTF8").contains(&"utf8-address"));
    let plain = ehlo_session(&["250-mx.test", "250 PIPELINING"]);
    assert_eq!(
        ids(&plain, "MAIL FROM:<a@b.example> BODY=8BITMIME"),
        ["8bitmime-not-advertised"]
    );
    assert!(ids(&plain, "MAIL FROM:<用户@例子.中国>").contains(&"utf8-address-without-smtputf8"));
    let mut helo = ClientSession::default();
    reply(&mut helo, &["220 mx"]);
    helo.handle_sent("HELO me");
    reply(&mut helo, &["250 mx"]);
    assert_eq!(
        ids(&helo, "MAIL FROM:<a@b.example> SIZE=10"),
        ["params-after-helo"]
    );
    assert_eq!(ids(&helo, "AUTH LOGIN"), ["auth-after-helo"]);
}

#[test]
fn starttls_resets_the_session() {
    let mut s = ehlo_session(&["250-mx.test", "250-STARTTLS", "250 PIPELINING"]);
    s.handle_sent("STARTTLS");
    assert_eq!(
        reply(&mut s, &["220 2.0.0 Ready to start TLS"]).phase,
        Phase::TlsHandshake
    );
    assert_eq!(ids(&s, "EHLO again"), ["during-tls-handshake"]);
    s.handle_tls_established();
    assert!(s.is_tls() && s.capabilities().is_none());
    assert_eq!(s.phase(), Phase::Hello);
    assert_eq!(ids(&s, "MAIL FROM:<a@b.example>"), ["hello-first"]);
    s.handle_sent("EHLO again");
    reply(&mut s, &["250-mx.test", "250 AUTH PLAIN"]);
    assert_eq!(ids(&s, "STARTTLS"), ["starttls-twice"]);
}

#[test]
fn body_lines_are_checked() {
    let mut s = ehlo_session(&["250-mx.test", "250 PIPELINING"]);
    for (line, code) in [
        ("MAIL FROM:<a@b.example>", "250 ok"),
        ("RCPT TO:<c@d.example>", "250 ok"),
        ("DATA", "354 go"),
    ] {
        s.handle_sent(line);
        reply(&mut s, &[code]);
    }
    assert_eq!(ids(&s, "hello world"), ["body-without-headers"]);
    assert_eq!(ids(&s, ".hidden"), ["leading-dot", "body-without-headers"]);
    assert!(ids(&s, "Subject: hi").is_empty());
    assert_eq!(ids(&s, "Grüße"), ["eight-bit-text", "body-without-headers"]);
    assert_eq!(
        ids(&s, &"x".repeat(1000)),
        ["text-line-too-long", "body-without-headers"]
    );
    s.handle_sent("hello");
    assert_eq!(ids(&s, "."), ["message-without-headers"]);
}

#[test]
fn pipelining_and_replies_in_order() {
    let mut s = ehlo_session(POSTFIX_EHLO);
    s.handle_sent("MAIL FROM:<a@b.example>");
    assert!(
        ids(&s, "RCPT TO:<c@postfix.test>")
            .iter()
            .all(|id| *id != "wait-for-reply")
    );
    s.handle_sent("RCPT TO:<c@postfix.test>");
    s.handle_sent("RCPT TO:<d@postfix.test>");
    assert_eq!(s.pending().count(), 3);
    assert_eq!(
        reply(&mut s, &["250 2.1.0 Ok"]).answered,
        Expect::Command(Verb::Mail)
    );
    assert_eq!(
        reply(&mut s, &["250 2.1.5 Ok"]).answered,
        Expect::Command(Verb::Rcpt)
    );
    assert_eq!(
        reply(&mut s, &["250 2.1.5 Ok"]).answered,
        Expect::Command(Verb::Rcpt)
    );
    assert_eq!(s.recipients(), 2);
    let plain = ehlo_session(&["250-mx.test", "250 8BITMIME"]);
    let mut plain = plain;
    plain.handle_sent("MAIL FROM:<a@b.example>");
    assert!(ids(&plain, "RCPT TO:<c@d.example>").contains(&"wait-for-reply"));
}

#[test]
fn auth_cancel_and_failure_return_to_ready() {
    let mut s = ehlo_session(POSTFIX_EHLO);
    s.handle_sent("AUTH LOGIN");
    reply(&mut s, &["334 VXNlcm5hbWU6"]);
    assert_eq!(ids(&s, "not base64!"), ["auth-answer-not-base64"]);
    assert!(matches!(
        s.handle_sent("*"),
        Sent::AuthAnswer { cancel: true, .. }
    ));
    let r = reply(&mut s, &["501 5.7.0 Authentication aborted"]);
    assert_eq!(r.phase, Phase::Ready);
    assert!(!s.is_authenticated());
    s.handle_sent("AUTH PLAIN AGFsaWNlAHdyb25n");
    reply(
        &mut s,
        &["535 5.7.8 Error: authentication failed: authentication failure"],
    );
    assert_eq!(s.phase(), Phase::Ready);
}

#[test]
fn service_closing_and_unsolicited_replies() {
    let mut s = ehlo_session(POSTFIX_EHLO);
    let r = reply(&mut s, &["421 4.4.2 postfix.test Error: timeout exceeded"]);
    assert!(r.unsolicited);
    assert_eq!(r.phase, Phase::Closed);
    assert_eq!(ids(&s, "NOOP"), ["session-closed"]);
}

#[test]
fn pipelining_groups_end_at_commands_that_need_their_reply() {
    let mut s = ehlo_session(POSTFIX_EHLO);
    assert!(s.may_send_now());
    s.handle_sent("MAIL FROM:<a@b.example>");
    s.handle_sent("RCPT TO:<c@postfix.test>");
    assert!(s.may_send_now(), "MAIL and RCPT may be pipelined");
    s.handle_sent("DATA");
    assert!(!s.may_send_now(), "DATA ends the group");
    let mut plain = ehlo_session(&["250-mx.test", "250 8BITMIME"]);
    plain.handle_sent("MAIL FROM:<a@b.example>");
    assert!(
        !plain.may_send_now(),
        "no PIPELINING: one command at a time"
    );
    reply(&mut plain, &["250 2.1.0 Ok"]);
    assert!(plain.may_send_now());
    // A BDAT chunk follows its command at once, with or without PIPELINING: the server
    // answers only once it has read the chunk.
    plain.handle_sent("RCPT TO:<c@postfix.test>");
    reply(&mut plain, &["250 2.1.5 Ok"]);
    plain.handle_sent("BDAT 7 LAST");
    assert!(plain.may_send_now(), "the chunk goes out without a reply");
    plain.handle_sent("hello");
    assert!(!plain.may_send_now(), "the chunk is complete: wait for 250");
}

// ---- staying in sync with real transcripts -----------------------------------------------

#[test]
fn a_transcript_without_its_greeting_pairs_each_reply_with_its_own_command() {
    // smtplib's usual log: the greeting came before set_debuglevel.
    let mut s = ClientSession::default();
    s.handle_sent("ehlo client.test");
    let r = reply(&mut s, POSTFIX_EHLO);
    assert_eq!(r.answered, Expect::Command(Verb::Ehlo));
    assert_eq!(r.skipped, [Expect::Greeting]);
    s.handle_sent("mail FROM:<a@b.example>");
    assert_eq!(
        reply(&mut s, &["250 2.1.0 Ok"]).answered,
        Expect::Command(Verb::Mail)
    );
    s.handle_sent("rcpt TO:<bob@postfix.test>");
    let r = reply(&mut s, &["250 2.1.5 Ok"]);
    assert_eq!((r.answered, r.line), (Expect::Command(Verb::Rcpt), Some(2)));
}

#[test]
fn a_reply_that_only_a_later_command_gets_skips_the_missing_ones() {
    let mut s = ehlo_session(POSTFIX_EHLO);
    s.handle_sent("MAIL FROM:<a@b.example>");
    s.handle_sent("RCPT TO:<bob@postfix.test>");
    s.handle_sent("DATA");
    // The log lost the replies to MAIL and RCPT: the 354 still answers DATA.
    let r = reply(&mut s, &["354 End data with <CR><LF>.<CR><LF>"]);
    assert_eq!(r.answered, Expect::Command(Verb::Data));
    assert_eq!(
        r.skipped,
        [Expect::Command(Verb::Mail), Expect::Command(Verb::Rcpt)]
    );
    assert!(s.in_body());
}

#[test]
fn a_server_only_log_is_read_from_the_replies_themselves() {
    let mut s = ClientSession::default();
    reply(&mut s, &["220 mx.example ESMTP"]);
    let r = reply(
        &mut s,
        &["250-mx.example", "250-PIPELINING", "250 SIZE 1000"],
    );
    assert_eq!(
        (r.answered, r.inferred),
        (Expect::Command(Verb::Ehlo), true)
    );
    assert_eq!(
        reply(&mut s, &["250 2.1.0 Ok"]).answered,
        Expect::Command(Verb::Mail)
    );
    assert_eq!(
        reply(
            &mut s,
            &["550 5.1.1 <x@mx.example>: Recipient address rejected: User unknown"]
        )
        .answered,
        Expect::Command(Verb::Rcpt)
    );
    assert_eq!(
        reply(&mut s, &["250 2.0.0 Ok: queued as 4XyZ"]).answered,
        Expect::EndOfData
    );
}

#[test]
fn any_354_opens_the_message_even_for_a_line_we_did_not_read_as_data() {
    let mut s = after_rcpt();
    // Postfix reads " DATA" as DATA, and so does the session.
    assert_eq!(ids(&s, " DATA"), ["spaced-verb"]);
    assert_eq!(
        s.handle_sent(" DATA"),
        Sent::Command {
            verb: Some(Verb::Data)
        }
    );
    assert_eq!(s.pending().last(), Some(&Expect::Command(Verb::Data)));
    reply(&mut s, &["354 End data with <CR><LF>.<CR><LF>"]);
    assert!(s.in_body());
    assert_eq!(
        s.handle_sent("RSET"),
        Sent::BodyLine {
            number: 1,
            in_body: Some(1)
        }
    );
}

#[test]
fn correct_pipelining_is_not_a_sequence_error() {
    let s = {
        let mut s = ehlo_session(POSTFIX_EHLO);
        s.handle_sent("MAIL FROM:<a@b.example>");
        s
    };
    assert!(ids(&s, "RCPT TO:<bob@postfix.test>").is_empty());
    let mut s = s;
    s.handle_sent("RCPT TO:<bob@postfix.test>");
    assert!(ids(&s, "DATA").is_empty());
    s.handle_sent("DATA");
    assert_eq!(
        ids(&s, "Subject: hi"),
        ["unknown-verb", "pipelining-not-last"]
    );
}

#[test]
fn a_noop_in_the_middle_of_a_batch_is_the_real_pipelining_mistake() {
    let mut s = ehlo_session(POSTFIX_EHLO);
    s.handle_sent("NOOP");
    assert_eq!(ids(&s, "MAIL FROM:<a@b.example>"), ["pipelining-not-last"]);
    let mut plain = ehlo_session(&["250-mx.example", "250 SIZE 1000"]);
    plain.handle_sent("MAIL FROM:<a@b.example>");
    assert_eq!(ids(&plain, "RCPT TO:<c@d.example>"), ["wait-for-reply"]);
}

#[test]
fn bdat_chunks_are_counted_in_octets_whatever_they_look_like() {
    let mut s = after_rcpt();
    // "Subject: x" + CRLF + "." + CRLF + "QUIT" + CRLF = 12 + 3 + 6 octets.
    s.handle_sent("BDAT 21 LAST");
    assert!(ids(&s, ".").is_empty());
    assert_eq!(s.handle_sent("Subject: x"), Sent::BdatData { remaining: 9 });
    assert_eq!(s.handle_sent("."), Sent::BdatData { remaining: 6 });
    assert_eq!(s.handle_sent("QUIT"), Sent::BdatData { remaining: 0 });
    let r = reply(&mut s, &["250 2.0.0 Ok: queued as 1234"]);
    assert_eq!(r.answered, Expect::EndOfData);
    assert_eq!(
        s.handle_sent("QUIT"),
        Sent::Command {
            verb: Some(Verb::Quit)
        }
    );
}

#[test]
fn message_text_is_judged_by_what_it_is() {
    let mut s = ehlo_session(POSTFIX_EHLO);
    for (line, answer) in [
        ("MAIL FROM:<a@b.example>", "250 2.1.0 Ok"),
        ("RCPT TO:<postmaster>", "250 2.1.5 Ok"),
        ("DATA", "354 go ahead"),
    ] {
        assert!(ids(&s, line).is_empty(), "{line}");
        s.handle_sent(line);
        reply(&mut s, &[answer]);
    }
    assert_eq!(
        ids(&s, "QUIT"),
        ["command-in-message", "body-without-headers"]
    );
    s.handle_sent("Subject: hi");
    assert_eq!(s.header_state(), HeaderState::Headers);
    assert!(
        ids(&s, "..stuffed").is_empty(),
        "a dot-stuffed line is right"
    );
    assert_eq!(ids(&s, ".lost"), ["leading-dot"]);
    // Commands that would become message text, the null sender and AUTH too; prose that
    // merely starts like one is not a command.
    for line in [
        "MAIL FROM:<>",
        "STARTTLS",
        "auth login",
        "RCPT TO:<bob@example.org>",
    ] {
        assert_eq!(ids(&s, line), ["command-in-message"], "{line}");
    }
    for line in ["Mail from: a friend", "Help is on the way", "Quit smoking"] {
        assert!(ids(&s, line).is_empty(), "{line}");
    }
    s.handle_sent("");
    assert_eq!(s.header_state(), HeaderState::Body);
    s.handle_sent("");
    assert_eq!(s.header_state(), HeaderState::Body);
    let final_dot: Vec<_> = s.predict(".").into_iter().map(|f| f.severity).collect();
    assert!(
        final_dot.iter().all(|&sev| sev < Severity::Warning),
        "{final_dot:?}"
    );
}

#[test]
fn a_command_typed_during_an_auth_exchange_is_caught() {
    let mut s = ehlo_session(POSTFIX_EHLO);
    s.handle_sent("AUTH LOGIN");
    reply(&mut s, &["334 VXNlcm5hbWU6"]);
    assert_eq!(ids(&s, "MAIL FROM:<a@b.example>"), ["command-during-auth"]);
    assert!(ids(&s, "*").is_empty());
}

#[test]
fn a_message_sent_before_its_354_stays_a_message_when_the_earlier_replies_arrive() {
    let mut s = ehlo_session(POSTFIX_EHLO);
    for line in ["MAIL FROM:<a@b.example>", "RCPT TO:<c@d.example>", "DATA"] {
        s.handle_sent(line);
    }
    // A transcript shows the 354 will come: the client's next lines are the message.
    s.handle_data_assumed();
    assert_eq!(
        s.handle_sent("Subject: early"),
        Sent::BodyLine {
            number: 1,
            in_body: None
        }
    );
    reply(&mut s, &["250 2.1.0 Ok"]);
    reply(&mut s, &["250 2.1.5 Ok"]);
    assert!(
        s.in_body(),
        "replies to MAIL and RCPT do not close the message"
    );
    reply(&mut s, &["354 End data with <CR><LF>.<CR><LF>"]);
    assert_eq!(
        s.handle_sent("text"),
        Sent::BodyLine {
            number: 2,
            in_body: Some(1)
        }
    );
    assert_eq!(s.handle_sent("."), Sent::EndOfData);
    assert_eq!(
        reply(&mut s, &["250 2.0.0 Ok: queued as 1"]).answered,
        Expect::EndOfData
    );
}

#[test]
fn the_auth_challenge_is_kept_as_sent_until_the_exchange_ends() {
    let mut s = ehlo_session(POSTFIX_EHLO);
    assert_eq!(s.auth_challenge(), None);
    s.handle_sent("AUTH LOGIN");
    assert_eq!(s.auth_challenge(), Some(""), "no challenge yet");
    assert!(!s.expects_auth_answer(), "the server has not asked yet");
    reply(&mut s, &["334 VXNlcm5hbWU6"]);
    assert!(s.expects_auth_answer());
    assert_eq!(s.auth_challenge(), Some("VXNlcm5hbWU6"));
    assert_eq!(s.auth_prompt(), Some(&Prompt::Username));
    s.handle_sent("ZGVtbw==");
    assert!(
        !s.expects_auth_answer(),
        "answered, waiting for the next reply"
    );
    reply(&mut s, &["334 UGFzc3dvcmQ6"]);
    assert_eq!(s.auth_challenge(), Some("UGFzc3dvcmQ6"));
    s.handle_sent("ZGVtbw==");
    reply(&mut s, &["235 2.7.0 Authentication successful"]);
    assert_eq!(s.auth_challenge(), None);
    assert!(s.is_authenticated());
}

#[test]
fn the_subject_header_is_seen_only_in_the_header_block() {
    let mut s = ehlo_session(POSTFIX_EHLO);
    s.handle_sent("MAIL FROM:<a@b.example>");
    reply(&mut s, &["250 2.1.0 Ok"]);
    s.handle_sent("RCPT TO:<c@d.example>");
    reply(&mut s, &["250 2.1.5 Ok"]);
    s.handle_sent("DATA");
    reply(&mut s, &["354 End data with <CR><LF>.<CR><LF>"]);
    assert!(!s.message_has_subject());
    s.handle_sent("From: a@b.example");
    assert!(!s.message_has_subject());
    s.handle_sent("SUBJECT: hi");
    assert!(s.message_has_subject(), "header names ignore case");
    assert_eq!(s.header_state(), HeaderState::Headers);
    s.handle_sent("");
    assert_eq!(s.header_state(), HeaderState::Body);
    assert!(s.message_has_subject());

    // In the body, a line that looks like a header is text.
    let mut s = ehlo_session(POSTFIX_EHLO);
    s.handle_sent("MAIL FROM:<a@b.example>");
    s.handle_sent("RCPT TO:<c@d.example>");
    s.handle_sent("DATA");
    reply(&mut s, &["250 2.1.0 Ok"]);
    reply(&mut s, &["250 2.1.5 Ok"]);
    reply(&mut s, &["354 go ahead"]);
    s.handle_sent("");
    s.handle_sent("Subject: too late");
    assert_eq!(s.header_state(), HeaderState::NoHeaders);
    assert!(!s.message_has_subject());
}
