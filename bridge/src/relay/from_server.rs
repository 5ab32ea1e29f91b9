//! The server's side of the relay: its bytes into the core, and its complete lines, as
//! the core judged them, to the browser.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use tokio::io::ReadBuf;
use tokio::time::Instant;

use super::BoxIo;
use super::conversation::{Conversation, Heard, ServerLine, Then};
use super::to_browser::Outbox;

/// Bytes read from the server at a time. SMTP replies are short; small reads keep each
/// reply's lines flowing to the browser as they arrive, and keep idle sessions small.
const READ_CHUNK: usize = 4096;

/// Reads what the server sent into the core, through a buffer on the stack that exists
/// only while the read runs: an idle session holds no read buffer. Gives the number of
/// bytes read (0 at the end of the stream).
pub(super) fn read_into<'a>(
    server: &'a mut BoxIo,
    core: &'a mut Conversation,
) -> impl Future<Output = std::io::Result<usize>> + 'a {
    std::future::poll_fn(move |cx| {
        let mut chunk = [std::mem::MaybeUninit::<u8>::uninit(); READ_CHUNK];
        let mut buf = ReadBuf::uninit(&mut chunk);
        match Pin::new(&mut **server).poll_read(cx, &mut buf) {
            Poll::Ready(Ok(())) => {
                core.handle_server_bytes(buf.filled());
                Poll::Ready(Ok(buf.filled().len()))
            }
            Poll::Ready(Err(cause)) => Poll::Ready(Err(cause)),
            Poll::Pending => Poll::Pending,
        }
    })
}

/// How forwarding the server's complete lines ended.
pub(super) enum Lines {
    /// Every complete line went to the browser.
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

/// Sends every complete line the core holds to the browser, each stamped when it is
/// taken, until one of them ends the run.
pub(super) async fn forward_lines(core: &mut Conversation, outbox: &Outbox<'_>) -> Lines {
    while let Some(line) = core.poll_server_line(Instant::now().into_std()) {
        let Heard { message, then } = match line {
            ServerLine::Heard(heard) => heard,
            ServerLine::TooLong(err) => return Lines::LineTooLong(err),
        };
        let after = match then {
            Then::TooLarge => return Lines::TooLarge,
            Then::Continue => None,
            Then::ProbeData => Some(Lines::ProbeData),
            Then::StartTls => Some(Lines::StartTls),
        };
        if outbox.send(message).await.is_err() {
            return Lines::BrowserGone;
        }
        if let Some(after) = after {
            return after;
        }
    }
    Lines::Done
}
