//! AUTH CRAM-MD5 (RFC 2195) on the server side: the challenge, a right and a wrong HMAC,
//! a cancel, and answers that are not base64 or not `user digest`.

use super::{codes, connected, exchange};
use crate::auth;

/// Sends `AUTH CRAM-MD5` after EHLO and returns the decoded challenge.
fn challenge(s: &mut super::ServerSession) -> String {
    exchange(s, "EHLO x\r\n");
    let (reply, _) = exchange(s, "AUTH CRAM-MD5\r\n");
    let encoded = reply
        .strip_prefix("334 ")
        .and_then(|r| r.strip_suffix("\r\n"))
        .unwrap_or_else(|| panic!("not a 334 challenge: {reply:?}"));
    String::from_utf8(auth::decode(encoded).expect("base64")).expect("text")
}

#[test]
fn the_challenge_is_a_message_id_with_the_shells_time() {
    let mut s = connected();
    s.set_now(1_700_000_000_123);
    let first = challenge(&mut s);
    assert!(first.starts_with('<'), "{first}");
    assert!(
        first.ends_with(".1700000000@sandbox.smtp-playground.test>"),
        "{first}"
    );
    // Cancelled, asked again: a new challenge, so an answer cannot be replayed.
    assert_eq!(codes(&exchange(&mut s, "*\r\n").0), [501]);
    let (again, _) = exchange(&mut s, "AUTH CRAM-MD5\r\n");
    let again = auth::decode(&again[4..again.len() - 2]).expect("base64");
    let again = String::from_utf8(again).expect("text");
    assert_ne!(first, again);
}

#[test]
fn the_right_hmac_logs_in() {
    let mut s = connected();
    let challenge = challenge(&mut s);
    let answer = auth::encode(&auth::cram_md5_response(
        "DEMO",
        "demo-password",
        &challenge,
    ));
    assert_eq!(codes(&exchange(&mut s, &format!("{answer}\r\n")).0), [235]);
    assert_eq!(s.user(), Some("DEMO"));
}

#[test]
fn a_wrong_password_or_user_fails_with_535() {
    for (user, password) in [("demo", "wrong"), ("nobody", "demo-password")] {
        let mut s = connected();
        let challenge = challenge(&mut s);
        let answer = auth::encode(&auth::cram_md5_response(user, password, &challenge));
        assert_eq!(codes(&exchange(&mut s, &format!("{answer}\r\n")).0), [535]);
        assert_eq!(s.user(), None);
    }
    // The HMAC of another challenge (a replayed answer) fails too.
    let mut s = connected();
    challenge(&mut s);
    let old = auth::encode(&auth::cram_md5_response("demo", "demo-password", "<1.2@h>"));
    assert_eq!(codes(&exchange(&mut s, &format!("{old}\r\n")).0), [535]);
}

#[test]
fn cancel_and_malformed_answers() {
    let mut s = connected();
    challenge(&mut s);
    let (reply, _) = exchange(&mut s, "*\r\n");
    assert_eq!(reply, "501 5.7.0 Authentication aborted\r\n");
    for bad in [
        "not base64!",
        &auth::encode("demo"),
        &auth::encode("demo 1234"),
    ] {
        exchange(&mut s, "AUTH CRAM-MD5\r\n");
        let (reply, _) = exchange(&mut s, &format!("{bad}\r\n"));
        assert_eq!(reply, "501 5.5.2 Cannot decode response\r\n", "{bad:?}");
    }
    // Back to commands after each failure: the session is not stuck in the exchange.
    assert_eq!(codes(&exchange(&mut s, "NOOP\r\n").0), [250]);
}
