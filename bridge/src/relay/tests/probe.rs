//! Probe mode and the recipient cap (issue 12, finding 1): a line counts as what the server
//! will read in it, not what its first space-separated word looks like; in probe mode only
//! SMTP commands go out, and a `354` ends the session before one more byte is written.

use protocol::wire::ErrorCode;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

use super::*;
use crate::relay::CLOSE_POLICY;

/// A JSON `lines` message.
fn lines(texts: &[&str]) -> String {
    serde_json::json!({ "type": "lines", "text": texts }).to_string()
}

/// A JSON `line` message.
fn line(text: &str) -> String {
    serde_json::json!({ "type": "line", "text": text }).to_string()
}

async fn next_line(server: &mut BufReader<DuplexStream>) -> String {
    let mut line = String::new();
    timeout(WAIT, server.read_line(&mut line))
        .await
        .expect("a line within the wait")
        .expect("readable");
    line
}

/// Everything the server receives until the bridge closes its side.
async fn rest(server: &mut BufReader<DuplexStream>) -> String {
    let mut rest = Vec::new();
    timeout(WAIT, server.read_to_end(&mut rest))
        .await
        .expect("the bridge closes the connection within the wait")
        .expect("readable");
    String::from_utf8_lossy(&rest).into_owned()
}

async fn reply(server: &mut BufReader<DuplexStream>, text: &str) {
    let server = server.get_mut();
    server.write_all(text.as_bytes()).await.expect("write");
    server.flush().await.expect("flush");
}

fn context_with(tune: impl FnOnce(&mut crate::policy::PolicyConfig)) -> Context {
    let mut config = crate::policy::PolicyConfig::default();
    tune(&mut config);
    Context {
        policy: Arc::new(config.resolve()),
        ..test_context(Shutdown::never())
    }
}

/// A probe-mode session after the greeting; the server's end reads lines.
async fn greeted(probe: bool, context: Context) -> (Browser, BufReader<DuplexStream>) {
    let (mut browser, server, _task) = relay_session_probe(context, probe);
    let mut server = BufReader::new(server);
    reply(&mut server, "220 mx ESMTP\r\n").await;
    assert_eq!(browser.recv_line().await, "220 mx ESMTP");
    (browser, server)
}

/// What Postfix reads as DATA although the first space-separated word is not `DATA`.
const SPACED_DATA: [&str; 6] = [
    " DATA", "\tDATA", "\x0bDATA", "DATA\x0b", "DATA\x0c", " data\t",
];

#[tokio::test]
async fn probe_mode_refuses_data_however_it_is_spaced() {
    let (mut browser, mut server) = greeted(true, test_context(Shutdown::never())).await;
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
    let (mut browser, mut server) = greeted(true, test_context(Shutdown::never())).await;
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
    let (mut browser, mut server) = greeted(true, test_context(Shutdown::never())).await;
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
    let (browser, mut server) = greeted(false, test_context(Shutdown::never())).await;
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
    let (mut browser, mut server) = greeted(false, context).await;
    browser.send(&line("MAIL FROM:<a@example.org>")).await;
    assert_eq!(
        next_line(&mut server).await,
        "MAIL FROM:<a@example.org>\r\n"
    );
    reply(&mut server, "250 ok\r\n").await;
    let _ = browser.recv_line().await;
    for rcpt in [" RCPT TO:<b@example.org>", "\x0bRCPT\x0cTO:<c@example.org>"] {
        browser.send(&line(rcpt)).await;
        assert_eq!(next_line(&mut server).await, format!("{rcpt}\r\n"));
        reply(&mut server, "250 ok\r\n").await;
        let _ = browser.recv_line().await;
    }
    browser.send(&line("\tRCPT TO:<d@example.org>")).await;
    assert_eq!(browser.recv_error().await.0, ErrorCode::RecipientLimit);
}

/// Sends `sent`, checks it reached the server as typed, answers it, and checks the answer
/// reached the browser.
async fn exchange(
    browser: &mut Browser,
    server: &mut BufReader<DuplexStream>,
    sent: &str,
    answer: &str,
) {
    browser.send(&line(sent)).await;
    assert_eq!(next_line(server).await, format!("{sent}\r\n"));
    reply(server, &format!("{answer}\r\n")).await;
    assert_eq!(browser.recv_line().await, answer);
}

#[tokio::test]
async fn only_an_accepted_mail_or_rset_starts_a_new_recipient_count() {
    let context = context_with(|p| p.max_recipients = Some(1));
    let (mut b, mut s) = greeted(false, context).await;
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
