//! STARTTLS: when the server answers 220 to STARTTLS, any plaintext it sent after that
//! reply is discarded (and reported), the same connection is upgraded, the browser gets a
//! `tls` message, and later lines are marked `encrypted`. Lines the browser sent meanwhile
//! stay queued until the handshake is over.

use std::time::Duration;

use protocol::reply::ReplyAssembler;
use protocol::wire::{ErrorCode, ServerMsg, TlsMode};
use tokio::time::{Instant, timeout};

use super::BoxIo;
use super::conversation::Conversation;
use super::converse::End;
use super::open::tls_too_slow;
use super::to_browser::{Outbox, error};
use crate::tls;

/// Upgrades the connection after the server's 220 to STARTTLS (RFC 3207 4.2).
pub(super) async fn upgrade(
    server: BoxIo,
    conv: &mut Conversation,
    outbox: &Outbox<'_>,
    tls_timeout: Duration,
) -> Result<BoxIo, End> {
    let ahead = conv.framer.discard_buffered();
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
            return Err(End::BrowserGone);
        }
    }
    conv.replies = ReplyAssembler::with_max_lines(conv.max_reply_lines);
    let handshake = tls::handshake(
        server,
        &conv.host,
        conv.insecure,
        TlsMode::Starttls,
        conv.started,
    );
    let result = match timeout(tls_timeout, handshake).await {
        Ok(result) => result,
        Err(_) => {
            let _ = outbox.send(tls_too_slow(tls_timeout)).await;
            return Err(End::Closed(
                "TLS could not be established after STARTTLS, so the connection was closed"
                    .to_owned(),
            ));
        }
    };
    match result {
        Ok((stream, info)) => {
            conv.encrypted = true;
            conv.tls_established();
            conv.last_activity = Instant::now();
            if outbox.send(ServerMsg::Tls(info)).await.is_err() {
                return Err(End::BrowserGone);
            }
            Ok(Box::new(stream))
        }
        Err(err) => {
            let _ = outbox.send(error(err.code(), err.to_string())).await;
            Err(End::Closed(
                "TLS could not be established after STARTTLS, so the connection was closed"
                    .to_owned(),
            ))
        }
    }
}
