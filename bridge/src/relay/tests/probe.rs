//! Probe mode and the recipient cap (issue 12, finding 1): a line counts as what the server
//! will read in it, not what its first space-separated word looks like; in probe mode only
//! SMTP commands go out, and a `354` ends the session before one more byte is written.

use super::*;
use crate::relay::CLOSE_POLICY;

fn context_with(tune: impl FnOnce(&mut crate::policy::PolicyConfig)) -> Context {
    let mut config = crate::policy::PolicyConfig::default();
    tune(&mut config);
    Context {
        policy: Arc::new(config.resolve()),
        ..test_context(Shutdown::never())
    }
}

/// What Postfix reads as DATA although the first space-separated word is not `DATA`.
const SPACED_DATA: [&str; 6] = [
    " DATA", "\tDATA", "\x0bDATA", "DATA\x0b", "DATA\x0c", " data\t",
];

#[tokio::test]
async fn probe_mode_refuses_data_however_it_is_spaced() {
    let (mut browser, mut server, _task) = greeted(true, test_context(Shutdown::never())).await;
    for data in SPACED_DATA {
        browser
            .send(&lines(&[data, "Subject: spam", "RSET now", "."]))
            .await;
        let (code, message) = browser.recv_error().await;
        assert_eq!(code, ErrorCode::ProbeMode, "{data:?}: {message}");
    }
    for bdat in [" BDAT 0 LAST", "bdat\x0b4\x0bLAST"] {
        browser.send(&line(bdat)).await;
        assert_eq!(
            browser.recv_error().await.0,
            ErrorCode::ProbeMode,
            "{bdat:?}"
        );
    }
    browser.send(&line("NOOP")).await;
    assert_eq!(
        next_line(&mut server).await,
        "NOOP\r\n",
        "nothing else went out"
    );
}

#[tokio::test]
async fn probe_mode_relays_only_smtp_commands() {
    let (mut browser, mut server, _task) = greeted(true, test_context(Shutdown::never())).await;
    for unknown in ["XDATA", "\x01DATA", "Subject: spam", "", "DAТA"] {
        browser.send(&line(unknown)).await;
        let (code, message) = browser.recv_error().await;
        assert_eq!(code, ErrorCode::ProbeMode, "{unknown:?}: {message}");
    }
    browser.send(&line(" noop")).await;
    assert_eq!(next_line(&mut server).await, " noop\r\n", "sent as typed");
}

#[tokio::test]
async fn a_354_in_probe_mode_ends_the_session_before_another_byte() {
    let (mut browser, mut server, _task) = greeted(true, test_context(Shutdown::never())).await;
    // Whatever the bridge thought NOOP was, this server starts a message.
    browser
        .send(&lines(&["NOOP", "Subject: spam", "RSET hidden", "."]))
        .await;
    assert_eq!(next_line(&mut server).await, "NOOP\r\n");
    reply(&mut server, "354 go ahead\r\n").await;
    assert_eq!(browser.recv_line().await, "354 go ahead");
    let (code, message) = browser.recv_error().await;
    assert_eq!(code, ErrorCode::ProbeMode, "{message}");
    let _ = browser.recv_closed().await;
    browser.expect_close_code(CLOSE_POLICY).await;
    assert_eq!(rest(&mut server).await, "", "not one byte after the 354");
}

#[tokio::test]
async fn outside_probe_mode_a_spaced_data_starts_the_message_text() {
    let (browser, mut server, _task) = greeted(false, test_context(Shutdown::never())).await;
    browser.send(&lines(&["\x0bDATA", "hello", "."])).await;
    assert_eq!(next_line(&mut server).await, "\x0bDATA\r\n");
    reply(&mut server, "354 go ahead\r\n").await;
    // Message text is not answered line by line: both go out without waiting.
    assert_eq!(next_line(&mut server).await, "hello\r\n");
    assert_eq!(next_line(&mut server).await, ".\r\n");
}

#[tokio::test]
async fn the_recipient_cap_counts_rcpt_however_it_is_spaced() {
    let context = context_with(|p| p.max_recipients = Some(2));
    let (mut browser, mut server, _task) = greeted(false, context).await;
    exchange(
        &mut browser,
        &mut server,
        "MAIL FROM:<a@example.org>",
        "250 ok",
    )
    .await;
    for rcpt in [" RCPT TO:<b@example.org>", "\x0bRCPT\x0cTO:<c@example.org>"] {
        exchange(&mut browser, &mut server, rcpt, "250 ok").await;
    }
    browser.send(&line("\tRCPT TO:<d@example.org>")).await;
    assert_eq!(browser.recv_error().await.0, ErrorCode::RecipientLimit);
}

#[tokio::test]
async fn only_an_accepted_mail_or_rset_starts_a_new_recipient_count() {
    let context = context_with(|p| p.max_recipients = Some(1));
    let (mut b, mut s, _task) = greeted(false, context).await;
    exchange(&mut b, &mut s, "MAIL FROM:<a@example.org>", "250 ok").await;
    exchange(&mut b, &mut s, "RCPT TO:<b@example.org>", "250 ok").await;
    // Postfix: a MAIL inside a transaction and an RSET with an argument change nothing.
    let nested = "503 5.5.1 Error: nested MAIL command";
    exchange(&mut b, &mut s, "MAIL FROM:<a@example.org>", nested).await;
    exchange(&mut b, &mut s, "RSET x", "501 5.5.4 Syntax: RSET").await;
    b.send(&line("RCPT TO:<c@example.org>")).await;
    assert_eq!(b.recv_error().await.0, ErrorCode::RecipientLimit);
    exchange(&mut b, &mut s, "RSET", "250 ok").await;
    exchange(&mut b, &mut s, "MAIL FROM:<a@example.org>", "250 ok").await;
    exchange(&mut b, &mut s, "RCPT TO:<c@example.org>", "250 ok").await;
}
