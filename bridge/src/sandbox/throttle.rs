//! Writing at a throttled rate, for the `throttle` failure rule: a slow link or an
//! overloaded server, as a client sees it (replies that trickle in).
//!
//! The bytes go out in slices of about a tenth of a second's worth (at least one byte),
//! each followed by the pause that keeps the rate, so a client sees a steady trickle
//! rather than bursts. The connection's deadline still holds.

use std::time::Duration;

use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::time::{Instant, sleep_until, timeout};

/// Writes `bytes` at no more than `bytes_per_second`; `false` when the client is gone,
/// too slow to read, or the connection's `deadline` passed.
pub(super) async fn write<S: AsyncWrite + Unpin>(
    stream: &mut S,
    bytes: &[u8],
    bytes_per_second: u32,
    deadline: Instant,
    write_timeout: Duration,
) -> bool {
    let rate = u64::from(bytes_per_second.max(1));
    let slice = usize::try_from(rate / 10).unwrap_or(usize::MAX).max(1);
    let started = Instant::now();
    let mut sent: u64 = 0;
    for piece in bytes.chunks(slice) {
        let written = timeout(write_timeout, async {
            stream.write_all(piece).await?;
            stream.flush().await
        })
        .await;
        if !matches!(written, Ok(Ok(()))) {
            return false;
        }
        sent += piece.len() as u64;
        // When the bytes sent so far may have gone at this rate.
        let due = started + Duration::from_millis(sent.saturating_mul(1000) / rate);
        if due > deadline {
            return false;
        }
        sleep_until(due).await;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    #[tokio::test(start_paused = true)]
    async fn bytes_trickle_at_the_rate() {
        let (mut client, mut server) = tokio::io::duplex(1024);
        let start = Instant::now();
        let far = start + Duration::from_secs(60);
        let written = write(&mut server, b"0123456789", 5, far, Duration::from_secs(5)).await;
        assert!(written);
        // Virtual time: 10 bytes at 5 per second take exactly two seconds.
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        let mut got = [0u8; 10];
        client.read_exact(&mut got).await.expect("read");
        assert_eq!(&got, b"0123456789");
    }

    #[tokio::test(start_paused = true)]
    async fn the_deadline_ends_a_long_trickle() {
        let (_client, mut server) = tokio::io::duplex(1024);
        let deadline = Instant::now() + Duration::from_secs(1);
        assert!(
            !write(
                &mut server,
                &[b'x'; 100],
                10,
                deadline,
                Duration::from_secs(5)
            )
            .await
        );
    }
}
