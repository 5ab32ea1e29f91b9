//! The relay loop, from a connected server onwards.

use protocol::limits::{SENT_LINE_MAX, SERVER_LINE_MAX};
use tokio::io::BufReader;

use super::*;
use crate::relay::SHUTTING_DOWN;

async fn recv_reply_line(browser: &mut Browser) -> (String, Option<u64>, bool) {
    match browser.recv().await {
        ServerMsg::Line {
            text,
            latency_ms,
            encrypted,
            ..
        } => (text, latency_ms, encrypted),
        other => panic!("expected a line, got {other:?}"),
    }
}

#[tokio::test]
async fn server_lines_arrive_one_message_each_whatever_the_chunks() {
    let (mut browser, mut server, _task) = relay_session(Shutdown::never());
    for chunk in [
        "220 mx ESMTP\r\n250-mx\r",
        "\n250-PIPE",
        "LINING\r\n250 8BITMIME\r\n",
    ] {
        reply(&mut server, chunk).await;
    }
    for expected in ["220 mx ESMTP", "250-mx", "250-PIPELINING", "250 8BITMIME"] {
        assert_eq!(browser.recv_line().await, expected);
    }
}

#[tokio::test]
async fn lines_are_checked_then_sent_with_crlf() {
    let (mut browser, server, _task) = relay_session(Shutdown::never());
    let mut server = BufReader::new(server);
    browser.send(&line("NOOP\r\nRSET")).await;
    browser.expect_error(ErrorCode::InvalidLine, "CR").await;
    browser.send(&line(&"x".repeat(SENT_LINE_MAX))).await;
    assert_eq!(browser.recv_error().await.0, ErrorCode::InvalidLine);

    // Sent before the greeting: held until the server has spoken (RFC 5321 3.1).
    browser.send(&line("EHLO me")).await;
    let mut early = [0u8; 1];
    assert!(
        timeout(Duration::from_millis(100), server.read(&mut early))
            .await
            .is_err(),
        "nothing is written before the greeting"
    );
    greet(&mut browser, &mut server).await;
    assert_eq!(next_line(&mut server).await, "EHLO me\r\n");
}

#[tokio::test]
async fn bad_and_repeated_messages_are_errors_and_the_session_goes_on() {
    let (mut browser, server, _task) = relay_session(Shutdown::never());
    let mut server = BufReader::new(server);
    browser.send("not json").await;
    assert_eq!(browser.recv_error().await.0, ErrorCode::BadMessage);
    browser
        .tx
        .send(Ok(Message::binary(vec![1, 2])))
        .await
        .expect("send");
    assert_eq!(browser.recv_error().await.0, ErrorCode::BadMessage);
    browser
        .send(r#"{"type":"connect","host":"x","port":25}"#)
        .await;
    assert_eq!(browser.recv_error().await.0, ErrorCode::AlreadyConnected);
    greet(&mut browser, &mut server).await;
    browser.send(&line("NOOP")).await;
    assert_eq!(next_line(&mut server).await, "NOOP\r\n");
}

#[tokio::test]
async fn overlong_server_line_is_reported_and_ends_the_session() {
    let (mut browser, mut server, _task) = relay_session(Shutdown::never());
    let long = format!("250 {}\r\n250 OK\r\n", "x".repeat(SERVER_LINE_MAX));
    reply(&mut server, &long).await;
    browser
        .expect_error(ErrorCode::ServerLineTooLong, "2048")
        .await;
    assert_eq!(
        browser.recv_closed().await,
        "the server sent an over-long line"
    );
}

#[tokio::test]
async fn server_close_flushes_the_tail_then_closes() {
    let (mut browser, mut server, task) = relay_session(Shutdown::never());
    reply(&mut server, "221 2.0.0 Bye\r\n421 unterminated").await;
    drop(server);
    assert_eq!(browser.recv_line().await, "221 2.0.0 Bye");
    assert_eq!(browser.recv_line().await, "421 unterminated");
    browser
        .expect_closed_then_end("the server closed the connection")
        .await;
    ends(task).await;
}

#[tokio::test]
async fn close_half_closes_the_server_and_ends() {
    let (mut browser, mut server, task) = relay_session(Shutdown::never());
    browser.send(r#"{"type":"close"}"#).await;
    assert_eq!(browser.recv_closed().await, "closed by you");
    assert_eq!(rest(&mut server).await, "");
    browser.expect_end().await;
    ends(task).await;
}

#[tokio::test]
async fn browser_leaving_drops_the_server_connection() {
    let (browser, mut server, task) = relay_session(Shutdown::never());
    drop(browser);
    rest(&mut server).await;
    ends(task).await;
}

#[tokio::test]
async fn shutdown_closes_the_session() {
    let (trigger, signal) = crate::shutdown::channel();
    let (mut browser, _server, task) = relay_session(signal);
    trigger.fire();
    assert_eq!(browser.recv_closed().await, SHUTTING_DOWN);
    ends(task).await;
}

/// The server answers the command in flight with `answer`; the browser sees it, and the
/// command queued behind it, `next`, goes out alone.
async fn release(
    browser: &mut Browser,
    server: &mut (impl AsyncRead + AsyncWrite + Unpin),
    answer: &str,
    next: &str,
) {
    reply(server, &format!("{answer}\r\n")).await;
    assert_eq!(browser.recv_line().await, answer);
    assert_eq!(drain(server).await, format!("{next}\r\n"));
}

#[tokio::test]
async fn one_command_at_a_time_without_pipelining() {
    let (mut browser, mut server, _task) = relay_session(Shutdown::never());
    reply(&mut server, "220 mx\r\n").await;
    let (_, latency, encrypted) = recv_reply_line(&mut browser).await;
    assert!(
        latency.is_some(),
        "the greeting's latency counts from connect"
    );
    assert!(!encrypted);
    browser
        .send(&lines(&["EHLO me", "MAIL FROM:<a@b>", "RCPT TO:<c@d>"]))
        .await;
    assert_eq!(drain(&mut server).await, "EHLO me\r\n");
    reply(&mut server, "250-mx\r\n250 SIZE 1000\r\n").await;
    assert!(recv_reply_line(&mut browser).await.1.is_some());
    assert!(recv_reply_line(&mut browser).await.1.is_some());
    assert_eq!(drain(&mut server).await, "MAIL FROM:<a@b>\r\n");
    release(&mut browser, &mut server, "250 ok", "RCPT TO:<c@d>").await;
}

#[tokio::test]
async fn pipelining_when_advertised_and_data_in_one_write() {
    let (mut browser, mut server, _task) = greeted(false, test_context(Shutdown::never())).await;
    exchange(
        &mut browser,
        &mut server,
        "EHLO me",
        "250-mx\r\n250 PIPELINING",
    )
    .await;
    browser
        .send(&lines(&[
            "MAIL FROM:<a@b>",
            "RCPT TO:<c@d>",
            "DATA",
            "Subject: x",
        ]))
        .await;
    // MAIL, RCPT and DATA go together; the body waits for 354.
    assert_eq!(
        drain(&mut server).await,
        "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n"
    );
    reply(&mut server, "250 ok\r\n250 ok\r\n354 go\r\n").await;
    for _ in 0..3 {
        let (_, latency, _) = recv_reply_line(&mut browser).await;
        assert!(latency.is_some());
    }
    browser
        .send(&lines(&["", "body", "..dot", ".", "QUIT"]))
        .await;
    // QUIT waits for the reply to the final dot.
    assert_eq!(
        drain(&mut server).await,
        "Subject: x\r\n\r\nbody\r\n..dot\r\n.\r\n"
    );
    release(&mut browser, &mut server, "250 queued", "QUIT").await;
}

#[tokio::test]
async fn a_batch_with_one_bad_line_sends_nothing() {
    let (mut browser, mut server, _task) = greeted(false, test_context(Shutdown::never())).await;
    browser.send(&lines(&["NOOP", "bad\0line", "NOOP"])).await;
    browser
        .expect_error(ErrorCode::InvalidLine, "line 2 of 3")
        .await;
    assert_eq!(drain(&mut server).await, "");
}

#[tokio::test]
async fn hang_up_mid_data_is_explained() {
    let (mut browser, mut server, task) = greeted(false, test_context(Shutdown::never())).await;
    exchange(&mut browser, &mut server, "DATA", "354 go").await;
    browser.send(&line("Subject: x")).await;
    assert_eq!(drain(&mut server).await, "Subject: x\r\n");
    drop(server);
    let reason = browser.recv_closed().await;
    assert!(reason.contains("middle of DATA"), "{reason}");
    ends(task).await;
}

/// The loop honours the core's reply deadline (the rule itself, with made-up instants, is
/// in `conversation/tests.rs`).
#[tokio::test]
async fn a_silent_server_times_out_with_an_error() {
    let mut context = test_context(Shutdown::never());
    context.reply_timeout = Duration::from_millis(200);
    let (mut browser, mut server, task) = relay_session_with(context);
    browser
        .expect_error(ErrorCode::ReplyTimeout, "200 ms")
        .await;
    assert_eq!(
        browser.recv_closed().await,
        "the server did not answer in time"
    );
    assert_eq!(drain(&mut server).await, "QUIT\r\n");
    ends(task).await;
}
