//! AUTH CRAM-MD5 (RFC 2195) against two real servers: the answer `protocol` computes logs in
//! at the test Postfix (Cyrus SASL's CRAM-MD5, on the listener that offers AUTH before TLS)
//! and at the bridge's sandbox; the same answer with a wrong password fails at both, and a
//! replayed answer fails at the sandbox, whose challenge changes every time.

use std::net::SocketAddr;

use e2e::raw_smtp::RawSmtp;
use e2e::sandbox::start_sandbox;
use e2e::{env_addr, postfix_account};
use protocol::auth;

/// Says EHLO and AUTH CRAM-MD5, and returns the decoded challenge.
async fn challenge(client: &mut RawSmtp) -> String {
    let ehlo = client.command("EHLO cram.test").await;
    assert_eq!(ehlo.code, 250, "{ehlo:?}");
    assert!(
        ehlo.lines
            .iter()
            .any(|l| l.contains("AUTH") && l.contains("CRAM-MD5")),
        "CRAM-MD5 is offered: {ehlo:?}"
    );
    let reply = client.command("AUTH CRAM-MD5").await;
    assert_eq!(reply.code, 334, "{reply:?}");
    let encoded = reply.last().get(4..).unwrap_or_default();
    let text = String::from_utf8(auth::decode(encoded).expect("base64")).expect("text");
    assert!(auth::is_cram_md5_challenge(&text), "{text:?}");
    text
}

/// Logs in as `user` with `password` and returns the code of the reply to the answer.
async fn login(server: SocketAddr, user: &str, password: &str) -> (u16, String) {
    let (mut client, greeting) = RawSmtp::connect(server).await;
    assert_eq!(greeting.code, 220);
    let challenge = challenge(&mut client).await;
    let answer = auth::encode(&auth::cram_md5_response(user, password, &challenge));
    let reply = client.command(&answer).await;
    client.command("QUIT").await;
    (reply.code, answer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn protocols_cram_md5_answer_logs_in_at_postfix_and_at_the_sandbox() {
    let postfix = env_addr("SMTP_PLAYGROUND_POSTFIX_OPEN_RELAY");
    let (user, password) = postfix_account();
    assert_eq!(login(postfix, &user, &password).await.0, 235, "Postfix");
    assert_eq!(
        login(postfix, &user, "wrong").await.0,
        535,
        "Postfix, wrong password"
    );

    let sandbox = start_sandbox(bridge::sandbox::SandboxConfig::default()).await;
    let (code, answer) = login(sandbox.smtp, "demo", "demo").await;
    assert_eq!(code, 235, "the sandbox");
    assert_eq!(login(sandbox.smtp, "demo", "wrong").await.0, 535);
    // An answer to an earlier challenge is worthless: the challenge changed.
    let (mut client, _) = RawSmtp::connect(sandbox.smtp).await;
    challenge(&mut client).await;
    assert_eq!(client.command(&answer).await.code, 535, "a replayed answer");
}
