//! Who a visitor of a public bridge is, so the sandbox mailbox can show each visitor only
//! the mail sent through their own sessions.
//!
//! A visitor is a random 128-bit [`VisitorId`] kept in a cookie that the bridge sets on the
//! first response it sends that browser (the page, `/api/...` or `/ws`). The cookie is
//! `HttpOnly` (scripts, including an injected one, cannot read it), `SameSite=Lax` (sent
//! when the visitor follows a link to the site, so arriving from a course page keeps the
//! mailbox; never on other sites' background requests), and `Secure` when every allowed
//! origin is `https`. The id is a bearer secret for one sandbox mailbox and nothing else:
//! guessing one takes 2^128 tries, and the mailbox holds only practice mail.
//!
//! The cookie carries the id and its HMAC-SHA256 under a [`VisitorKey`] drawn at start
//! (`id.tag`), and only ids this bridge signed are accepted (issue 12): a client cannot
//! choose its id, so a cookie tossed in from a sibling site cannot fix a victim's id to one
//! the attacker knows. A restart draws a new key; the mailbox is in memory and gone then
//! anyway.
//!
//! Only the `public` profile uses visitors; in `local` the whole mailbox is yours and no
//! cookie is set. [`layer`] is the middleware; handlers read the id from the request's
//! extensions with [`VisitorId::of`].

use std::fmt;

use axum::extract::Request;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use tracing::error;

/// The cookie's name.
pub(crate) const COOKIE_NAME: &str = "smtp_playground_visitor";

/// How long a browser keeps its visitor id: a week of lessons. The sandbox keeps mail
/// only in memory and drops the oldest first, so a longer life would show nothing more.
const COOKIE_MAX_AGE_SECS: u32 = 7 * 24 * 60 * 60;

/// Length of the id in hex digits (128 bits).
const HEX_LEN: usize = 32;

/// One visitor of a public bridge; see the module documentation.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct VisitorId([u8; 16]);

impl VisitorId {
    /// A fresh id from the operating system's secure random source, or `None` when it
    /// fails (then the visitor sees no mailbox rather than someone else's).
    pub(crate) fn random() -> Option<Self> {
        let mut bytes = [0u8; 16];
        match SystemRandom::new().fill(&mut bytes) {
            Ok(()) => Some(Self(bytes)),
            Err(_) => {
                error!("the system random source failed; no visitor id this time");
                None
            }
        }
    }

    /// Reads an id written by [`Display`](fmt::Display): exactly 32 lowercase hex digits.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        if text.len() != HEX_LEN {
            return None;
        }
        let mut bytes = [0u8; 16];
        for (byte, pair) in bytes.iter_mut().zip(text.as_bytes().chunks_exact(2)) {
            *byte = hex_digit(pair[0])? << 4 | hex_digit(pair[1])?;
        }
        Some(Self(bytes))
    }

    /// The id in the `Cookie` headers, if one is there, well-formed and signed by `key`.
    pub(crate) fn from_cookies(headers: &HeaderMap, key: &VisitorKey) -> Option<Self> {
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == COOKIE_NAME)
            .and_then(|(_, value)| key.read(value.trim()))
    }

    /// The id [`layer`] attached to this request; `None` in the `local` profile.
    pub(crate) fn of(extensions: &axum::http::Extensions) -> Option<Self> {
        extensions.get::<Self>().copied()
    }

    /// The `Set-Cookie` value that keeps this id, signed by `key`, in the browser.
    pub(crate) fn set_cookie(self, key: &VisitorKey, secure: bool) -> HeaderValue {
        let secure = if secure { "; Secure" } else { "" };
        let value = format!(
            "{COOKIE_NAME}={}; Path=/; Max-Age={COOKIE_MAX_AGE_SECS}; HttpOnly; \
             SameSite=Lax{secure}",
            key.cookie_value(self)
        );
        // Only hex digits, ASCII and punctuation: always a valid header value.
        HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
    }
}

/// The key that signs visitor ids: random per process; see the module documentation.
#[derive(Debug)]
pub(crate) struct VisitorKey(hmac::Key);

impl VisitorKey {
    /// A fresh key from the system's secure random source; `None` when it fails (then
    /// visitors get no id and see no mailbox, never someone else's).
    pub(crate) fn random() -> Option<Self> {
        match hmac::Key::generate(hmac::HMAC_SHA256, &SystemRandom::new()) {
            Ok(key) => Some(Self(key)),
            Err(_) => {
                error!("the system random source failed; visitors get no mailbox");
                None
            }
        }
    }

    /// `id.tag`: the id and its HMAC in lowercase hex.
    fn cookie_value(&self, id: VisitorId) -> String {
        let tag = hmac::sign(&self.0, &id.0);
        let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        format!("{id}.{hex}")
    }

    /// The id of a cookie value this key signed; `None` for anything else.
    fn read(&self, value: &str) -> Option<VisitorId> {
        let (id, tag) = value.split_once('.')?;
        let id = VisitorId::parse(id)?;
        if tag.len() % 2 != 0 {
            return None;
        }
        let tag: Option<Vec<u8>> = tag
            .as_bytes()
            .chunks_exact(2)
            .map(|pair| Some(hex_digit(pair[0])? << 4 | hex_digit(pair[1])?))
            .collect();
        hmac::verify(&self.0, &id.0, &tag?).ok().map(|()| id)
    }
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

impl fmt::Display for VisitorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for VisitorId {
    /// Only the first 4 hex digits: enough to tell visitors apart in a debugger, never the
    /// whole secret in a log line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VisitorId({:02x}{:02x}…)", self.0[0], self.0[1])
    }
}

/// Whether the cookie gets `Secure`: when every page allowed to use the bridge is served
/// over `https`. A browser refuses `Secure` cookies from plain `http` pages (other than
/// `localhost`), so a bridge tried out on a plain-HTTP address still works.
pub(crate) fn secure_cookie(allowed_origins: &[String]) -> bool {
    !allowed_origins.is_empty()
        && allowed_origins
            .iter()
            .all(|origin| origin.to_ascii_lowercase().starts_with("https://"))
}

/// Middleware for the `public` profile: gives the request the visitor id of its cookie
/// (if `key` signed it), or a new one which the response then sets.
pub(crate) async fn layer(
    secure: bool,
    key: Option<std::sync::Arc<VisitorKey>>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(key) = key else {
        return next.run(request).await;
    };
    let known = VisitorId::from_cookies(request.headers(), &key);
    let (id, new) = match known {
        Some(id) => (Some(id), false),
        None => (VisitorId::random(), true),
    };
    if let Some(id) = id {
        request.extensions_mut().insert(id);
    }
    let mut response = next.run(request).await;
    if let (Some(id), true) = (id, new) {
        response
            .headers_mut()
            .append(SET_COOKIE, id.set_cookie(&key, secure));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_parse_round_trip() {
        let id = VisitorId::random().expect("the system has a random source");
        let text = id.to_string();
        assert_eq!(text.len(), HEX_LEN);
        assert_eq!(VisitorId::parse(&text), Some(id));
        assert_ne!(VisitorId::random(), Some(id), "two ids are different");
    }

    #[test]
    fn parse_refuses_anything_but_32_lowercase_hex_digits() {
        let good = "0123456789abcdef0123456789abcdef";
        assert!(VisitorId::parse(good).is_some());
        for bad in [
            "",
            "0123456789abcdef0123456789abcde",
            "0123456789abcdef0123456789abcdef0",
            "0123456789ABCDEF0123456789ABCDEF",
            "0123456789abcdef0123456789abcdeg",
            "é123456789abcdef0123456789abcde",
        ] {
            assert_eq!(VisitorId::parse(bad), None, "{bad:?}");
        }
    }

    fn key() -> VisitorKey {
        VisitorKey::random().expect("the system has a random source")
    }

    #[test]
    fn cookie_is_found_among_others_and_in_any_cookie_header() {
        let key = key();
        let id = "00112233445566778899aabbccddeeff";
        let value = key.cookie_value(VisitorId::parse(id).expect("an id"));
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("theme=dark"));
        headers.append(
            COOKIE,
            HeaderValue::from_str(&format!("a=1; {COOKIE_NAME}={value} ; b=2")).expect("value"),
        );
        assert_eq!(
            VisitorId::from_cookies(&headers, &key).map(|v| v.to_string()),
            Some(id.to_owned())
        );
        let mut other = HeaderMap::new();
        other.append(
            COOKIE,
            HeaderValue::from_static(
                "smtp_playground_visitor_old=00112233445566778899aabbccddeeff",
            ),
        );
        assert_eq!(VisitorId::from_cookies(&other, &key), None, "a longer name");
        let mut broken = HeaderMap::new();
        broken.append(
            COOKIE,
            HeaderValue::from_str(&format!("{COOKIE_NAME}=xyz")).expect("value"),
        );
        assert_eq!(VisitorId::from_cookies(&broken, &key), None);
    }

    /// Issue 12: only ids this key signed are read back; a chosen id, a tag of another
    /// key or a changed tag are not.
    #[test]
    fn only_signed_ids_are_accepted() {
        let (key, other) = (key(), key());
        let id = VisitorId([0x42; 16]);
        let signed = key.cookie_value(id);
        assert_eq!(key.read(&signed), Some(id));
        assert_eq!(key.read(&id.to_string()), None, "unsigned");
        assert_eq!(key.read(&other.cookie_value(id)), None, "another key");
        let mut changed = signed.clone();
        changed.pop();
        changed.push(if signed.ends_with('0') { '1' } else { '0' });
        assert_eq!(key.read(&changed), None, "a changed tag");
        assert_eq!(key.read(&format!("{id}.")), None, "no tag");
    }

    #[test]
    fn set_cookie_is_http_only_lax_and_secure_only_when_asked() {
        let id = VisitorId([0xab; 16]);
        let key = key();
        let plain = id.set_cookie(&key, false);
        let plain = plain.to_str().expect("ascii");
        assert!(
            plain.starts_with("smtp_playground_visitor=abababab"),
            "{plain}"
        );
        for part in ["Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=604800"] {
            assert!(plain.contains(part), "{part} in {plain}");
        }
        assert!(!plain.contains("Secure"), "{plain}");
        assert!(
            id.set_cookie(&key, true)
                .to_str()
                .expect("ascii")
                .ends_with("; Secure")
        );
    }

    #[test]
    fn debug_output_does_not_reveal_the_id() {
        let id = VisitorId([0x5a; 16]);
        let shown = format!("{id:?}");
        assert!(!shown.contains(&id.to_string()), "{shown}");
        assert!(shown.len() < 20, "{shown}");
    }

    #[test]
    fn secure_only_when_every_origin_is_https() {
        assert!(secure_cookie(&["https://a.example".into()]));
        assert!(secure_cookie(&["HTTPS://a.example".into()]));
        assert!(!secure_cookie(&[
            "https://a.example".into(),
            "http://127.0.0.1:8080".into()
        ]));
        assert!(!secure_cookie(&[]));
    }
}
