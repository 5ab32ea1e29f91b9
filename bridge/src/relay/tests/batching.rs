//! Browser messages that arrive together are handled together, then written in one go
//! (`Shell::browser` in `event_loop.rs`): no line lost or reordered, anything but a line
//! acting after the lines before it, and the queue's backpressure still holding.

use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context as TaskContext, Poll};

use tokio::io::ReadBuf;
use tokio::sync::mpsc::error::TrySendError;

use super::*;
use crate::relay::conversation::QUEUE_BYTES;

/// The bridge's end of the connection to the server, counting its writes.
struct CountingIo {
    inner: DuplexStream,
    writes: Arc<AtomicUsize>,
}

impl AsyncRead for CountingIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for CountingIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let written = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(written, Poll::Ready(Ok(_))) {
            self.writes.fetch_add(1, Ordering::Relaxed);
        }
        written
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A greeted session whose server end counts the bridge's writes; the browser's channel
/// holds `capacity` messages.
async fn counted(capacity: usize) -> (Browser, BufReader<DuplexStream>, Arc<AtomicUsize>) {
    let (bridge_end, server_end) = tokio::io::duplex(64 * 1024);
    let writes = Arc::new(AtomicUsize::new(0));
    let io = CountingIo {
        inner: bridge_end,
        writes: Arc::clone(&writes),
    };
    let (mut browser, _task) = relay_session_over(
        test_context(Shutdown::never()),
        false,
        Box::new(io),
        capacity,
    );
    let mut server = BufReader::new(server_end);
    greet(&mut browser, &mut server).await;
    (browser, server, writes)
}

/// `DATA`, and the server's `354`.
async fn open_data(browser: &mut Browser, server: &mut BufReader<DuplexStream>) {
    browser.send(&line("DATA")).await;
    assert_eq!(next_line(server).await, "DATA\r\n");
    reply(server, "354 go ahead\r\n").await;
    assert_eq!(browser.recv_line().await, "354 go ahead");
}

/// What the server receives up to and including the lone dot.
async fn message_text(server: &mut BufReader<DuplexStream>) -> String {
    let mut text = String::new();
    for _ in 0..100_000 {
        let line = next_line(server).await;
        text.push_str(&line);
        if line == ".\r\n" {
            return text;
        }
    }
    panic!("no final dot in {} bytes", text.len());
}

#[tokio::test]
async fn a_body_sent_line_by_line_arrives_whole_in_order_and_in_few_writes() {
    // More messages waiting at once than one batch takes.
    let (mut browser, mut server, writes) = counted(4_096).await;
    open_data(&mut browser, &mut server).await;
    let count = 3_000;
    let body: Vec<String> = (0..count)
        .map(|n| format!("line {n:05} of the body"))
        .collect();
    let before = writes.load(Ordering::Relaxed);
    let sender = {
        let tx = browser.tx.clone();
        let body = body.clone();
        tokio::spawn(async move {
            for text in body.iter().map(String::as_str).chain(["."]) {
                tx.send(Ok(Message::text(line(text)))).await.expect("send");
            }
        })
    };
    let expected: String = body.iter().map(|text| format!("{text}\r\n")).collect();
    assert_eq!(message_text(&mut server).await, format!("{expected}.\r\n"));
    within_wait("the sender", sender).await;
    // The lines of the messages waiting together leave in one write; one write per line
    // would be 3,001.
    let used = writes.load(Ordering::Relaxed) - before;
    assert!(used <= (count + 1) / 8, "{used} writes for {count} lines");
    reply(&mut server, "250 queued\r\n").await;
    assert_eq!(browser.recv_line().await, "250 queued");
}

#[tokio::test]
async fn a_refused_line_among_others_is_answered_and_the_rest_go_in_order() {
    let (mut browser, mut server, _writes) = counted(BROWSER_CHANNEL).await;
    open_data(&mut browser, &mut server).await;
    // All waiting at once, so they are handled as one batch.
    for text in ["one", "bad\r\nQUIT", "two", "."] {
        browser.send(&line(text)).await;
    }
    assert_eq!(message_text(&mut server).await, "one\r\ntwo\r\n.\r\n");
    browser.expect_error(ErrorCode::InvalidLine, "CR").await;
}

#[tokio::test]
async fn a_close_behind_lines_half_closes_after_writing_them() {
    let (mut browser, mut server, _writes) = counted(BROWSER_CHANNEL).await;
    open_data(&mut browser, &mut server).await;
    browser.send(&line("Subject: kept")).await;
    browser.send(&lines(&["", "text"])).await;
    browser.send(r#"{"type":"close"}"#).await;
    assert_eq!(rest(&mut server).await, "Subject: kept\r\n\r\ntext\r\n");
    assert_eq!(browser.recv_closed().await, "closed by you");
}

#[tokio::test]
async fn batches_stop_reading_the_browser_when_the_queue_is_full() {
    let (mut browser, server, _task) = relay_session(Shutdown::never());
    let mut server = BufReader::new(server);
    // Before the greeting nothing may go, so every line stays queued.
    let text = "x".repeat(1_000);
    let message = line(&text);
    let mut accepted = 0;
    let mut full_for = 0;
    for _ in 0..10_000 {
        match browser.tx.try_send(Ok(Message::text(message.clone()))) {
            Ok(()) => {
                accepted += 1;
                full_for = 0;
            }
            Err(TrySendError::Full(_)) => {
                full_for += 1;
                if full_for > 100 {
                    break;
                }
                tokio::task::yield_now().await;
            }
            Err(TrySendError::Closed(_)) => panic!("the session ended"),
        }
    }
    // What the queue holds, then what the test channel holds.
    assert_eq!(
        accepted,
        QUEUE_BYTES.div_ceil(text.len() + 2) + BROWSER_CHANNEL
    );
    // Each line is an (unknown) command: the next goes once it is answered.
    greet(&mut browser, &mut server).await;
    for n in 0..accepted {
        assert_eq!(
            next_line(&mut server).await,
            format!("{text}\r\n"),
            "line {n}"
        );
        reply(&mut server, "500 unknown command\r\n").await;
        assert_eq!(browser.recv_line().await, "500 unknown command");
    }
}
