//! STARTTLS: when the server answers 220 to STARTTLS, any plaintext it sent after that
//! reply is discarded (and reported), the same connection is upgraded, the browser gets a
//! `tls` message, and later lines are marked `encrypted`. Lines the browser sent meanwhile
//! stay queued until the handshake is over.

use std::time::Duration;

use protocol::wire::{ErrorCode, ServerMsg, TlsMode};
use tokio::time::{Instant, timeout};

use super::conversation::Conversation;
use super::open::tls_too_slow;
use super::to_browser::Outbox;
use super::{BoxIo, error};
use crate::tls::{self, Trust};

/// Why there is no upgraded stream.
pub(super) enum NoTls {
    /// The browser is gone.
    BrowserGone,
    /// The handshake failed or took too long; the browser was told why.
    Failed,
}

/// Upgrades the connection after the server's 220 to STARTTLS (RFC 3207 4.2).
pub(super) async fn upgrade(
    server: BoxIo,
    core: &mut Conversation,
    outbox: &Outbox<'_>,
    tls_timeout: Duration,
    trust: &Trust,
) -> Result<BoxIo, NoTls> {
    let ahead = core.handle_starttls_accepted();
    if ahead > 0 {
        let message = format!(
            "the server sent {ahead} bytes after its 220 to STARTTLS, before TLS began; the \
             bridge discarded them unread, as RFC 3207 section 4.2 requires (plaintext there \
             may be an injection by a man in the middle)"
        );
        if outbox
            .send(error(ErrorCode::PlaintextDiscarded, message))
            .await
            .is_err()
        {
            return Err(NoTls::BrowserGone);
        }
    }
    let target = core.tls_target();
    let handshake = tls::handshake(
        server,
        target.host,
        trust,
        target.insecure,
        TlsMode::Starttls,
        Instant::from_std(target.connected_at),
    );
    let result = match timeout(tls_timeout, handshake).await {
        Ok(result) => result,
        Err(_) => {
            let _ = outbox.send(tls_too_slow(tls_timeout)).await;
            return Err(NoTls::Failed);
        }
    };
    match result {
        Ok((stream, info)) => {
            core.handle_tls_established(Instant::now().into_std());
            if outbox.send(ServerMsg::Tls(info)).await.is_err() {
                return Err(NoTls::BrowserGone);
            }
            Ok(Box::new(stream))
        }
        Err(err) => {
            let _ = outbox.send(error(err.code(), err.to_string())).await;
            Err(NoTls::Failed)
        }
    }
}
