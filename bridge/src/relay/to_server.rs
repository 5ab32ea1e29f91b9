//! Writing to the server: what the core released, and the goodbye `QUIT` at the end.

use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::time::timeout;

use super::BoxIo;

/// How long a goodbye `QUIT` to the server may take.
pub(super) const QUIT_WAIT: Duration = Duration::from_secs(1);

/// Writes `bytes` and flushes: one write for all the lines the core released at once.
pub(super) async fn write(server: &mut BoxIo, bytes: &[u8]) -> std::io::Result<()> {
    server.write_all(bytes).await?;
    server.flush().await
}

/// Says goodbye to the server, unless a message body is open (`in_body`: QUIT would become
/// part of it); then closes our side. Bounded by [`QUIT_WAIT`]. Boxed: it runs once, at
/// the end, and inlined it would make every idle session's future larger.
pub(super) async fn quit(server: &mut BoxIo, in_body: bool) {
    Box::pin(quit_now(server, in_body)).await;
}

async fn quit_now(server: &mut BoxIo, in_body: bool) {
    let _ = timeout(QUIT_WAIT, async {
        if !in_body {
            let _ = server.write_all(b"QUIT\r\n").await;
            let _ = server.flush().await;
        }
        let _ = server.shutdown().await;
    })
    .await;
}

/// Closes our side without a word: inside DATA a QUIT would be message text, so the server
/// sees the connection end without the final dot and discards the message.
pub(super) async fn hang_up(server: &mut BoxIo) {
    let _ = timeout(QUIT_WAIT, server.shutdown()).await;
}
