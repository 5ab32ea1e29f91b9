//! One client of the sandbox: the tokio shell around a `protocol::server::ServerSession`.
//!
//! The session decides every reply; this shell only moves bytes and obeys its outputs:
//! write, pause (failure injection), start TLS, close, and store a delivered message. It
//! adds what a sans-IO session cannot know: time. A connection that says nothing for
//! [`IDLE_TIMEOUT`], or lasts longer than [`MAX_LIFETIME`], or is open while the bridge
//! stops, gets a `421` and is closed.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use protocol::server::{Closing, Memory, ServerOutput, ServerSession, service_closing};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, sleep_until, timeout};
use tokio_rustls::TlsAcceptor;
use tracing::{debug, info, warn};

use super::mailbox::Mailbox;
use super::owners::Owners;
use super::sessions::{End, Recorder, Sessions};
use crate::log_text::Untrusted;
use crate::shutdown::Shutdown;

/// How much is read from the client at once.
const READ_CHUNK: usize = 4 * 1024;

/// A client that sends nothing for this long is disconnected (Postfix waits 300 s too).
pub(crate) const IDLE_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// No connection lasts longer than this, however busy.
pub(crate) const MAX_LIFETIME: Duration = Duration::from_secs(30 * 60);

/// The TLS handshake after `220 Ready to start TLS` must finish within this.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// A write to the client must finish within this (a client that never reads).
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// What one connection needs from the sandbox.
#[derive(Clone)]
pub(crate) struct Context {
    pub(crate) mailbox: Arc<Mailbox>,
    pub(crate) sessions: Arc<Sessions>,
    pub(crate) owners: Arc<Owners>,
    pub(crate) tls: Option<TlsAcceptor>,
    pub(crate) hostname: Arc<str>,
    /// What sessions remember of each other (greylisting, message rates), lent to each
    /// session for one input at a time (`scenarios.rs`).
    pub(crate) memory: Arc<std::sync::Mutex<Memory>>,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("hostname", &self.hostname)
            .field("tls", &self.tls.is_some())
            .finish_non_exhaustive()
    }
}

/// Why the driving loop stopped.
enum Next {
    /// The session asked for TLS: hand the stream to the handshake.
    StartTls,
    /// The connection is over.
    Done,
}

/// Serves one client until the session closes, the client leaves, or a limit is hit.
pub(crate) async fn run(
    mut stream: TcpStream,
    peer: SocketAddr,
    mut session: ServerSession,
    context: Context,
    mut shutdown: Shutdown,
) {
    let deadline = Instant::now() + MAX_LIFETIME;
    let accepted = std::time::Instant::now();
    session.record_input(protocol::server::TapLimits::default());
    let recorder = Recorder::new(
        Arc::clone(&context.sessions),
        Arc::clone(&context.owners),
        peer,
        accepted,
    );
    let mut shell = Shell {
        session: &mut session,
        context: &context,
        peer,
        deadline,
        accepted,
        recorder,
        throttle: None,
    };
    match shell.drive(&mut stream, &mut shutdown).await {
        Next::Done => {}
        Next::StartTls => {
            let Some(acceptor) = context.tls.clone() else {
                // The session only offers STARTTLS when the shell said it can.
                warn!("STARTTLS without a certificate; closing");
                return shell.recorder.end(End::TlsFailed, shell.session);
            };
            let mut tls = match timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                Ok(Ok(tls)) => tls,
                Ok(Err(cause)) => {
                    info!(%cause, "TLS handshake failed");
                    shell.recorder.tls_failed(&cause.to_string());
                    return shell.recorder.end(End::TlsFailed, shell.session);
                }
                Err(_) => {
                    info!("TLS handshake timed out");
                    shell.recorder.tls_failed("the handshake timed out");
                    return shell.recorder.end(End::TlsFailed, shell.session);
                }
            };
            shell.session.handle_tls_established();
            shell.recorder.tls_started(tls.get_ref().1);
            debug!("TLS established");
            // A second STARTTLS is refused by the session (554), so this cannot loop.
            let _ = shell.drive(&mut tls, &mut shutdown).await;
        }
    }
    // Every way out of `drive` said how the connection ended; this is the fallback.
    shell.recorder.end(End::ClientLeft, shell.session);
}

struct Shell<'a> {
    session: &'a mut ServerSession,
    context: &'a Context,
    peer: SocketAddr,
    deadline: Instant,
    /// When the connection was accepted: mail is filed under a session that was alive
    /// then (`owners.rs`).
    accepted: std::time::Instant,
    /// What `/api/sessions` will show of this connection.
    recorder: Recorder,
    /// Bytes per second, once a `throttle` rule acted.
    throttle: Option<u32>,
}

impl Shell<'_> {
    /// Alternates between carrying out the session's outputs and reading input.
    async fn drive<S>(&mut self, stream: &mut S, shutdown: &mut Shutdown) -> Next
    where
        S: AsyncRead + AsyncWrite + Unpin,
    {
        let mut buffer = vec![0u8; READ_CHUNK];
        loop {
            while let Some(output) = self.session.poll_output() {
                match output {
                    ServerOutput::Write(bytes) => {
                        self.recorder.written(&bytes, self.session);
                        let written = match self.throttle {
                            Some(rate) => {
                                super::throttle::write(
                                    stream,
                                    &bytes,
                                    rate,
                                    self.deadline,
                                    WRITE_TIMEOUT,
                                )
                                .await
                            }
                            None => write(stream, &bytes).await,
                        };
                        if !written {
                            self.recorder.end(End::WriteFailed, self.session);
                            return Next::Done;
                        }
                    }
                    ServerOutput::Throttle(rate) => self.throttle = Some(rate),
                    ServerOutput::Pause(ms) => {
                        let until = (Instant::now() + Duration::from_millis(ms)).min(self.deadline);
                        tokio::select! {
                            () = sleep_until(until) => {}
                            () = shutdown.wait() => return self.goodbye(stream, Closing::ShuttingDown).await,
                        }
                    }
                    ServerOutput::StartTls => return Next::StartTls,
                    ServerOutput::Close => {
                        self.recorder.end(End::Session, self.session);
                        let _ = timeout(WRITE_TIMEOUT, stream.shutdown()).await;
                        linger(stream, &mut buffer).await;
                        return Next::Done;
                    }
                    ServerOutput::Delivered(message) => self.deliver(*message).await,
                }
            }
            self.recorder.round_done(self.session);
            if self.session.is_closed() {
                self.recorder.end(End::Session, self.session);
                return Next::Done;
            }
            let idle = (Instant::now() + IDLE_TIMEOUT).min(self.deadline);
            tokio::select! {
                read = stream.read(&mut buffer) => match read {
                    Ok(0) => {
                        self.session.handle_eof();
                        self.recorder.end(End::ClientLeft, self.session);
                        return Next::Done;
                    }
                    Ok(n) => {
                        super::scenarios::feed(
                            self.session,
                            &self.context.memory,
                            &self.context.owners,
                            self.peer,
                            self.accepted,
                            &buffer[..n],
                        );
                        self.recorder.read(self.session);
                    }
                    Err(cause) => {
                        debug!(%cause, "read failed");
                        self.recorder.end(End::ClientLeft, self.session);
                        return Next::Done;
                    }
                },
                () = sleep_until(idle) => {
                    let reply = if idle >= self.deadline { Closing::TooLong } else { Closing::Idle };
                    return self.goodbye(stream, reply).await;
                }
                () = shutdown.wait() => return self.goodbye(stream, Closing::ShuttingDown).await,
            }
        }
    }

    async fn deliver(&mut self, message: protocol::server::ReceivedMessage) {
        let queue_id = message.queue_id.clone();
        // Looked up now, not at accept: the session registers just after its connect returns.
        let owner = self.context.owners.owner_of(self.peer, self.accepted);
        let session = Some(self.recorder.id(self.session));
        match self
            .context
            .mailbox
            .store(message, Some(self.peer), owner, session)
            .await
        {
            Ok(stored) => {
                self.recorder.delivered(stored.id);
                info!(
                id = stored.id,
                queue_id,
                from = %Untrusted(&stored.message.mail_from),
                recipients = stored.message.rcpt_to.len(),
                bytes = stored.message.data.len(),
                "sandbox accepted a message"
                );
            }
            Err(cause) => warn!(%cause, queue_id, "sandbox message not kept"),
        }
    }

    /// Says why the connection ends (a `421`, as RFC 5321 4.2.2 asks) and closes it.
    async fn goodbye<S>(&mut self, stream: &mut S, why: Closing) -> Next
    where
        S: AsyncWrite + Unpin,
    {
        let line = service_closing(&self.context.hostname, why);
        self.recorder.goodbye_line(&line, self.session);
        self.recorder.end(End::Goodbye(why), self.session);
        if write(stream, line.as_bytes()).await {
            let _ = timeout(WRITE_TIMEOUT, stream.shutdown()).await;
        }
        Next::Done
    }
}

/// How long a closed connection is still read (and what arrives thrown away) so that a
/// client still sending, as after `drop@` hangs up mid-DATA, sees the server's end of the
/// stream rather than a reset.
const LINGER: Duration = Duration::from_secs(1);

async fn linger<S: AsyncRead + Unpin>(stream: &mut S, buffer: &mut [u8]) {
    let _ = timeout(LINGER, async {
        while matches!(stream.read(buffer).await, Ok(n) if n > 0) {}
    })
    .await;
}

/// Writes and flushes; `false` when the client is gone or too slow.
async fn write<S: AsyncWrite + Unpin>(stream: &mut S, bytes: &[u8]) -> bool {
    let result = timeout(WRITE_TIMEOUT, async {
        stream.write_all(bytes).await?;
        stream.flush().await
    })
    .await;
    match result {
        Ok(Ok(())) => true,
        Ok(Err(cause)) => {
            debug!(%cause, "write failed");
            false
        }
        Err(_) => {
            debug!("write timed out");
            false
        }
    }
}
