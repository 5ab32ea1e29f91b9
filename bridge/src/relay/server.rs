//! The server's side of the relay: its bytes into the framer, complete lines to the
//! browser, and the goodbye `QUIT` at the end.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

use protocol::line::TextFramer;
use tokio::io::{AsyncWriteExt, ReadBuf};
use tokio::time::timeout;

use super::BoxIo;
use super::conversation::{Conversation, Stop};
use super::to_browser::Outbox;

/// Bytes read from the server at a time. SMTP replies are short; small reads keep each
/// reply's lines flowing to the browser as they arrive, and keep idle sessions small.
const READ_CHUNK: usize = 4096;

/// Reads what the server sent into `framer`, through a buffer on the stack that exists
/// only while the read runs: an idle session holds no read buffer.
pub(super) fn read_into<'a>(
    server: &'a mut BoxIo,
    framer: &'a mut TextFramer,
) -> impl Future<Output = std::io::Result<usize>> + 'a {
    std::future::poll_fn(move |cx| {
        let mut chunk = [std::mem::MaybeUninit::<u8>::uninit(); READ_CHUNK];
        let mut buf = ReadBuf::uninit(&mut chunk);
        match Pin::new(&mut **server).poll_read(cx, &mut buf) {
            Poll::Ready(Ok(())) => {
                framer.push(buf.filled());
                Poll::Ready(Ok(buf.filled().len()))
            }
            Poll::Ready(Err(cause)) => Poll::Ready(Err(cause)),
            Poll::Pending => Poll::Pending,
        }
    })
}

/// How handling the framed server lines ended.
pub(super) enum Lines {
    Done,
    BrowserGone,
    /// The server accepted STARTTLS: upgrade before reading anything else.
    StartTls,
    /// The reply went over the size caps.
    TooLarge,
    /// A `354` in probe mode: the session ends before another byte is written.
    ProbeData,
    /// A line over the limit (the framer's error text): the session ends.
    LineTooLong(String),
}

/// Sends every complete line the framer holds to the browser.
pub(super) async fn server_lines(conv: &mut Conversation, outbox: &Outbox<'_>) -> Lines {
    while let Some(framed) = conv.framer.next_line() {
        let (message, starttls, stop) = match framed {
            Ok(line) => {
                let text = line.text.to_owned();
                conv.server_line(text)
            }
            // An over-long line ends the session: skipping it would let a server send one
            // endless line, every byte of it read, until the session's absolute limit.
            Err(err) => return Lines::LineTooLong(err.to_string()),
        };
        if stop == Some(Stop::TooLarge) {
            return Lines::TooLarge;
        }
        if outbox.send(message).await.is_err() {
            return Lines::BrowserGone;
        }
        if stop == Some(Stop::ProbeData) {
            return Lines::ProbeData;
        }
        if starttls {
            return Lines::StartTls;
        }
    }
    Lines::Done
}

/// How long a goodbye `QUIT` to the server may take.
pub(super) const QUIT_WAIT: Duration = Duration::from_secs(1);

/// Says goodbye to the server, unless a message body is open (QUIT would become part of
/// it); then closes our side. Bounded by [`QUIT_WAIT`]. Boxed: it runs once, at the end,
/// and inlined it would make every idle session's future larger.
pub(super) async fn quit(server: &mut BoxIo, conv: &Conversation) {
    Box::pin(quit_now(server, conv)).await;
}

async fn quit_now(server: &mut BoxIo, conv: &Conversation) {
    let _ = timeout(QUIT_WAIT, async {
        if !conv.session.in_body() {
            let _ = server.write_all(b"QUIT\r\n").await;
            let _ = server.flush().await;
        }
        let _ = server.shutdown().await;
    })
    .await;
}
