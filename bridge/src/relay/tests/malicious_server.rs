//! A malicious server (issue 12, finding 10): an endless line or a reply dribbled byte by
//! byte must not keep a session alive; each byte is not progress, a complete reply is.

use protocol::limits::SERVER_LINE_MAX;
use tokio::io::AsyncWriteExt;

use super::*;

/// What the writer sends at most before giving up on the bridge ever closing.
const FLOOD: usize = 16 * 1024 * 1024;

#[tokio::test]
async fn an_endless_line_ends_the_session_after_a_bounded_number_of_bytes() {
    let (mut browser, server, task) = relay_session(Shutdown::never());
    let (_reading, mut writing) = tokio::io::split(server);
    let writer = tokio::spawn(async move {
        let chunk = [b'x'; 4096];
        let mut written = 0;
        if writing.write_all(b"220-mx\r\n220-").await.is_err() {
            return written;
        }
        while written < FLOOD {
            if writing.write_all(&chunk).await.is_err() {
                break;
            }
            written += chunk.len();
        }
        written
    });
    assert_eq!(browser.recv_line().await, "220-mx");
    let (code, message) = browser.recv_error().await;
    assert_eq!(code, ErrorCode::ServerLineTooLong, "{message}");
    let _ = browser.recv_closed().await;
    ends(task).await;
    // The writer stops once the bridge hangs up.
    let written = within_wait("end of the writer", writer).await;
    // What the bridge read (one line's limit and a read) plus what the pipe buffers.
    assert!(
        written <= SERVER_LINE_MAX + 4096 + 64 * 1024,
        "{written} bytes of one line were taken"
    );
}

/// The loop feeds the core bytes that are no progress (the rule: `conversation/tests.rs`,
/// `the_reply_deadline_counts_from_the_write_not_from_the_last_byte`).
#[tokio::test]
async fn a_reply_dribbled_byte_by_byte_still_times_out() {
    let mut context = test_context(Shutdown::never());
    context.reply_timeout = Duration::from_millis(200);
    let (mut browser, server, task) = relay_session_with(context);
    let (_reading, mut writing) = tokio::io::split(server);
    // A greeting that never ends, one byte every 20 ms, for much longer than the wait
    // (and shorter than the line limit).
    let _writer = tokio::spawn(async move {
        for byte in b"220 mx".iter().chain([b'x'; 1000].iter()) {
            if writing.write_all(&[*byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    let (code, message) = browser.recv_error().await;
    assert_eq!(code, ErrorCode::ReplyTimeout, "{message}");
    let _ = browser.recv_closed().await;
    ends(task).await;
}
