//! The relay loop, from a connected server onwards.

use protocol::limits::{SERVER_LINE_MAX, TEXT_LINE};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use super::*;
use crate::relay::SHUTTING_DOWN;

async fn read_server_line(server: &mut BufReader<DuplexStream>) -> String {
    let mut line = String::new();
    timeout(WAIT, server.read_line(&mut line))
        .await
        .expect("a line within 5 s")
        .expect("readable");
    line
}

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
        server.write_all(chunk.as_bytes()).await.expect("write");
        server.flush().await.expect("flush");
    }
    for expected in ["220 mx ESMTP", "250-mx", "250-PIPELINING", "250 8BITMIME"] {
        assert_eq!(browser.recv_line().await, expected);
    }
}

#[tokio::test]
async fn lines_are_checked_then_sent_with_crlf() {
    let (mut browser, server, _task) = relay_session(Shutdown::never());
    let mut server = BufReader::new(server);
    browser
        .send(r#"{"type":"line","text":"NOOP\r\nRSET"}"#)
        .await;
    let (code, message) = browser.recv_error().await;
    assert_eq!(code, ErrorCode::InvalidLine);
    assert!(message.contains("CR"), "{message}");
    let long = format!(r#"{{"type":"line","text":"{}"}}"#, "x".repeat(TEXT_LINE));
    browser.send(&long).await;
    assert_eq!(browser.recv_error().await.0, ErrorCode::InvalidLine);

    // Sent before the greeting: held until the server has spoken (RFC 5321 3.1).
    browser.send(r#"{"type":"line","text":"EHLO me"}"#).await;
    let mut early = [0u8; 1];
    assert!(
        timeout(Duration::from_millis(100), server.read(&mut early))
            .await
            .is_err(),
        "nothing is written before the greeting"
    );
    server
        .get_mut()
        .write_all(b"220 mx\r\n")
        .await
        .expect("write");
    assert_eq!(browser.recv_line().await, "220 mx");
    assert_eq!(read_server_line(&mut server).await, "EHLO me\r\n");
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
    server
        .get_mut()
        .write_all(b"220 mx\r\n")
        .await
        .expect("write");
    browser.send(r#"{"type":"line","text":"NOOP"}"#).await;
    assert_eq!(read_server_line(&mut server).await, "NOOP\r\n");
}

#[tokio::test]
async fn overlong_server_line_is_reported_and_ends_the_session() {
    let (mut browser, mut server, _task) = relay_session(Shutdown::never());
    let long = format!("250 {}\r\n250 OK\r\n", "x".repeat(SERVER_LINE_MAX));
    server.write_all(long.as_bytes()).await.expect("write");
    let (code, message) = browser.recv_error().await;
    assert_eq!(code, ErrorCode::ServerLineTooLong);
    assert!(message.contains("2048"), "{message}");
    assert_eq!(
        browser.recv_closed().await,
        "the server sent an over-long line"
    );
}

#[tokio::test]
async fn server_close_flushes_the_tail_then_closes() {
    let (mut browser, mut server, task) = relay_session(Shutdown::never());
    server
        .write_all(b"221 2.0.0 Bye\r\n421 unterminated")
        .await
        .expect("write");
    drop(server);
    assert_eq!(browser.recv_line().await, "221 2.0.0 Bye");
    assert_eq!(browser.recv_line().await, "421 unterminated");
    assert_eq!(
        browser.recv_closed().await,
        "the server closed the connection"
    );
    browser.expect_end().await;
    timeout(WAIT, task)
        .await
        .expect("relay ends")
        .expect("no panic");
}

#[tokio::test]
async fn close_half_closes_the_server_and_ends() {
    let (mut browser, mut server, task) = relay_session(Shutdown::never());
    browser.send(r#"{"type":"close"}"#).await;
    assert_eq!(browser.recv_closed().await, "closed by you");
    let mut rest = Vec::new();
    timeout(WAIT, server.read_to_end(&mut rest))
        .await
        .expect("server sees end of input")
        .expect("readable");
    assert!(rest.is_empty());
    browser.expect_end().await;
    timeout(WAIT, task)
        .await
        .expect("relay ends")
        .expect("no panic");
}

#[tokio::test]
async fn browser_leaving_drops_the_server_connection() {
    let (browser, mut server, task) = relay_session(Shutdown::never());
    drop(browser);
    let mut rest = Vec::new();
    timeout(WAIT, server.read_to_end(&mut rest))
        .await
        .expect("server connection dropped")
        .expect("readable");
    timeout(WAIT, task)
        .await
        .expect("relay ends")
        .expect("no panic");
}

#[tokio::test]
async fn shutdown_closes_the_session() {
    let (trigger, signal) = crate::shutdown::channel();
    let (mut browser, _server, task) = relay_session(signal);
    trigger.fire();
    assert_eq!(browser.recv_closed().await, SHUTTING_DOWN);
    timeout(WAIT, task)
        .await
        .expect("relay ends")
        .expect("no panic");
}

#[tokio::test]
async fn one_command_at_a_time_without_pipelining() {
    let (mut browser, mut server, _task) = relay_session(Shutdown::never());
    server.write_all(b"220 mx\r\n").await.expect("write");
    let (_, latency, encrypted) = recv_reply_line(&mut browser).await;
    assert!(
        latency.is_some(),
        "the greeting's latency counts from connect"
    );
    assert!(!encrypted);
    browser
        .send(r#"{"type":"lines","text":["EHLO me","MAIL FROM:<a@b>","RCPT TO:<c@d>"]}"#)
        .await;
    assert_eq!(drain(&mut server).await, "EHLO me\r\n");
    server
        .write_all(b"250-mx\r\n250 SIZE 1000\r\n")
        .await
        .expect("write");
    assert!(recv_reply_line(&mut browser).await.1.is_some());
    assert!(recv_reply_line(&mut browser).await.1.is_some());
    assert_eq!(drain(&mut server).await, "MAIL FROM:<a@b>\r\n");
    server.write_all(b"250 ok\r\n").await.expect("write");
    let _ = browser.recv_line().await;
    assert_eq!(drain(&mut server).await, "RCPT TO:<c@d>\r\n");
}

#[tokio::test]
async fn pipelining_when_advertised_and_data_in_one_write() {
    let (mut browser, mut server, _task) = relay_session(Shutdown::never());
    server.write_all(b"220 mx\r\n").await.expect("write");
    let _ = browser.recv_line().await;
    browser.send(r#"{"type":"line","text":"EHLO me"}"#).await;
    assert_eq!(drain(&mut server).await, "EHLO me\r\n");
    server
        .write_all(b"250-mx\r\n250 PIPELINING\r\n")
        .await
        .expect("write");
    let _ = browser.recv_line().await;
    let _ = browser.recv_line().await;
    browser
        .send(r#"{"type":"lines","text":["MAIL FROM:<a@b>","RCPT TO:<c@d>","DATA","Subject: x"]}"#)
        .await;
    // MAIL, RCPT and DATA go together; the body waits for 354.
    assert_eq!(
        drain(&mut server).await,
        "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n"
    );
    server
        .write_all(b"250 ok\r\n250 ok\r\n354 go\r\n")
        .await
        .expect("write");
    for _ in 0..3 {
        let (_, latency, _) = recv_reply_line(&mut browser).await;
        assert!(latency.is_some());
    }
    browser
        .send(r#"{"type":"lines","text":["","body","..dot",".","QUIT"]}"#)
        .await;
    // QUIT waits for the reply to the final dot.
    assert_eq!(
        drain(&mut server).await,
        "Subject: x\r\n\r\nbody\r\n..dot\r\n.\r\n"
    );
    server.write_all(b"250 queued\r\n").await.expect("write");
    let _ = browser.recv_line().await;
    assert_eq!(drain(&mut server).await, "QUIT\r\n");
}

#[tokio::test]
async fn a_batch_with_one_bad_line_sends_nothing() {
    let (mut browser, mut server, _task) = relay_session(Shutdown::never());
    server.write_all(b"220 mx\r\n").await.expect("write");
    let _ = browser.recv_line().await;
    browser
        .send(r#"{"type":"lines","text":["NOOP","bad\u0000line","NOOP"]}"#)
        .await;
    let (code, message) = browser.recv_error().await;
    assert_eq!(code, ErrorCode::InvalidLine);
    assert!(message.contains("line 2 of 3"), "{message}");
    assert_eq!(drain(&mut server).await, "");
}

#[tokio::test]
async fn hang_up_mid_data_is_explained() {
    let (mut browser, mut server, task) = relay_session(Shutdown::never());
    server.write_all(b"220 mx\r\n").await.expect("write");
    let _ = browser.recv_line().await;
    browser.send(r#"{"type":"line","text":"DATA"}"#).await;
    assert_eq!(drain(&mut server).await, "DATA\r\n");
    server.write_all(b"354 go\r\n").await.expect("write");
    let _ = browser.recv_line().await;
    browser.send(r#"{"type":"line","text":"Subject: x"}"#).await;
    assert_eq!(drain(&mut server).await, "Subject: x\r\n");
    drop(server);
    let reason = browser.recv_closed().await;
    assert!(reason.contains("middle of DATA"), "{reason}");
    timeout(WAIT, task).await.expect("ends").expect("no panic");
}

/// The loop honours the core's reply deadline (the rule itself, with made-up instants, is
/// in `conversation/tests.rs`).
#[tokio::test]
async fn a_silent_server_times_out_with_an_error() {
    let mut context = test_context(Shutdown::never());
    context.reply_timeout = Duration::from_millis(200);
    let (mut browser, mut server, task) = relay_session_with(context);
    let (code, message) = browser.recv_error().await;
    assert_eq!(code, ErrorCode::ReplyTimeout);
    assert!(message.contains("200 ms"), "{message}");
    assert_eq!(
        browser.recv_closed().await,
        "the server did not answer in time"
    );
    assert_eq!(drain(&mut server).await, "QUIT\r\n");
    timeout(WAIT, task).await.expect("ends").expect("no panic");
}
