//! The STARTTLS upgrade.

use tokio::io::AsyncWriteExt;

use super::*;

#[tokio::test]
async fn starttls_discards_plaintext_sent_ahead_then_handshakes() {
    let (mut browser, mut server, task) = relay_session(Shutdown::never());
    server.write_all(b"220 mx\r\n").await.expect("write");
    let _ = browser.recv_line().await;
    browser
        .send(r#"{"type":"lines","text":["STARTTLS","EHLO after"]}"#)
        .await;
    assert_eq!(drain(&mut server).await, "STARTTLS\r\n");
    // An injected reply rides behind the 220, in the same segment.
    server
        .write_all(b"220 go ahead\r\n250 injected\r\n")
        .await
        .expect("write");
    assert_eq!(browser.recv_line().await, "220 go ahead");
    let (code, message) = browser.recv_error().await;
    assert_eq!(code, ErrorCode::PlaintextDiscarded);
    assert!(message.contains("14 bytes"), "{message}");
    // The bridge now speaks TLS: a ClientHello, not the queued EHLO.
    let mut hello = [0u8; 5];
    timeout(WAIT, server.read_exact(&mut hello))
        .await
        .expect("a ClientHello")
        .expect("readable");
    assert_eq!(hello[0], 0x16, "a TLS handshake record");
    drop(server);
    let (code, _) = browser.recv_error().await;
    assert_eq!(code, ErrorCode::TlsHandshakeFailed);
    assert!(browser.recv_closed().await.contains("STARTTLS"));
    timeout(WAIT, task).await.expect("ends").expect("no panic");
}
