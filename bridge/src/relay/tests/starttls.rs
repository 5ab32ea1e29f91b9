//! The STARTTLS upgrade.

use super::*;

#[tokio::test]
async fn starttls_discards_plaintext_sent_ahead_then_handshakes() {
    let (mut browser, mut server, task) = greeted(false, test_context(Shutdown::never())).await;
    browser.send(&lines(&["STARTTLS", "EHLO after"])).await;
    assert_eq!(drain(&mut server).await, "STARTTLS\r\n");
    // An injected reply rides behind the 220, in the same segment.
    reply(&mut server, "220 go ahead\r\n250 injected\r\n").await;
    assert_eq!(browser.recv_line().await, "220 go ahead");
    browser
        .expect_error(ErrorCode::PlaintextDiscarded, "14 bytes")
        .await;
    // The bridge now speaks TLS: a ClientHello, not the queued EHLO.
    let mut hello = [0u8; 5];
    within_wait("ClientHello", server.read_exact(&mut hello)).await;
    assert_eq!(hello[0], 0x16, "a TLS handshake record");
    drop(server);
    let (code, _) = browser.recv_error().await;
    assert_eq!(code, ErrorCode::TlsHandshakeFailed);
    assert!(browser.recv_closed().await.contains("STARTTLS"));
    ends(task).await;
}
