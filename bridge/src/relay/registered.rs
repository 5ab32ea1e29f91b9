//! A sandbox connection that carries its [`Registration`] (issue 12, finding 8).
//!
//! The sandbox files mail under a visitor only for connections it accepted before that
//! visitor's session ended (`sandbox/owners.rs`). So the session must count as ended no
//! later than its socket is closed: once the socket is closed, its source port is free
//! for any local process. Holding the registration in the stream itself, dropped just
//! before the socket (fields drop in order), keeps that order whichever way the relay
//! ends, and through a STARTTLS upgrade, which wraps this stream.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::BoxIo;
use crate::policy::connections::ConnectionPermit;
use crate::sandbox::Registration;

/// The stream, and the registration that ends first when both are dropped, and the
/// session's place among its client's sandbox sessions (issue 12, finding 9).
pub(super) struct Registered {
    /// Declared first: dropped before `io`.
    _registration: Option<Registration>,
    _place: Option<ConnectionPermit>,
    io: BoxIo,
}

impl Registered {
    /// `io` filed under `registration` and holding `place` until all are dropped.
    pub(super) fn new(
        io: BoxIo,
        registration: Option<Registration>,
        place: Option<ConnectionPermit>,
    ) -> Self {
        Self {
            _registration: registration,
            _place: place,
            io,
        }
    }
}

impl AsyncRead for Registered {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl AsyncWrite for Registered {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}
