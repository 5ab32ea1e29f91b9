//! What the page shows of the bridge's sandbox API: where the sandbox SMTP server listens
//! and its demo account (`GET /api/sandbox`), and the mailbox (`GET /api/messages`,
//! `GET /api/messages/{id}`). The JSON is decoded by `protocol::records::mailbox::page`,
//! which reads the part of the bridge's shapes that the panels show; these types are what
//! the panels take, which the simulator's mailbox fills too.

use protocol::records::mailbox::MailboxScope;
use protocol::records::mailbox::page;

/// How to reach the sandbox.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SandboxInfo {
    /// Whether the bridge runs a sandbox.
    pub enabled: bool,
    /// `host:port` it listens on, e.g. `127.0.0.1:2525`.
    pub listen: Option<String>,
    /// The demo account for AUTH.
    pub demo: Option<(String, String)>,
    /// The mailbox shows only this browser's mail (a public bridge).
    pub per_visitor: bool,
}

impl SandboxInfo {
    /// The host and port to connect to, when the sandbox listens.
    pub fn target(&self) -> Option<(String, u16)> {
        let listen = self.listen.as_deref().filter(|_| self.enabled)?;
        let (host, port) = listen.rsplit_once(':')?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        Some((host.to_owned(), port.parse().ok()?))
    }
}

/// One message in the mailbox list: the headline of the bridge's summary, the one type
/// the page decodes it into (the simulator's mailbox fills it too).
pub use protocol::records::mailbox::page::Headline as MessageSummary;

/// One message opened in the mailbox panel: its summary, headers, text body and the raw
/// text, from `GET /api/messages/{id}` or, in the simulator, read from the bytes the
/// simulated server accepted. The page's part of the bridge's detail, as decoded.
pub use protocol::records::mailbox::page::MessageText as MessageDetail;

/// Why an API answer could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the bridge's answer is not what this page expects: {0}")]
pub struct ApiError(pub String);

impl From<protocol::records::ShapeError> for ApiError {
    fn from(err: protocol::records::ShapeError) -> Self {
        ApiError(err.to_string())
    }
}

/// Reads `GET /api/sandbox`.
///
/// # Errors
///
/// When the text is not JSON or not the sandbox's shape.
pub fn parse_info(text: &str) -> Result<SandboxInfo, ApiError> {
    let info = page::sandbox(text)?;
    Ok(SandboxInfo {
        enabled: info.enabled,
        listen: info.listen,
        demo: info.demo_account.map(|d| (d.user, d.password)),
        per_visitor: info.mailbox_scope == MailboxScope::Visitor,
    })
}

/// Reads `GET /api/messages/{id}`.
///
/// # Errors
///
/// When the text is not JSON, is the API's `{"error": ...}`, or is not a message.
pub fn parse_detail(text: &str) -> Result<MessageDetail, ApiError> {
    Ok(page::message(text)?)
}

/// Reads a message's header fields and body from its text, for the simulator's mailbox
/// (the bridge does this with a MIME parser; the page only needs the plain case). Folded
/// lines are unfolded (RFC 5322 2.2.3); the body is everything after the first empty line.
pub fn split_message(raw: &str) -> (Vec<(String, String)>, Option<String>) {
    let (head, body) = match raw.find("\r\n\r\n") {
        Some(at) => (&raw[..at], Some(&raw[at + 4..])),
        None => (raw, None),
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = headers.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    (headers, body.map(str::to_owned))
}

/// The value of the first header field `name` (case-insensitive).
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Reads `GET /api/messages`, newest first.
///
/// # Errors
///
/// When the text is not JSON or has no `messages` list.
pub fn parse_messages(text: &str) -> Result<Vec<MessageSummary>, ApiError> {
    Ok(page::messages(text)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sandbox_info_gives_the_target_and_demo_account() {
        let info = parse_info(
            r#"{"enabled":true,"listen":"127.0.0.1:40123","hostname":"sandbox.test",
                "demo_account":{"user":"demo","password":"demo"},"starttls":true}"#,
        )
        .expect("valid");
        assert_eq!(info.target(), Some(("127.0.0.1".to_owned(), 40123)));
        assert_eq!(info.demo, Some(("demo".into(), "demo".into())));
        assert!(
            !info.per_visitor,
            "an older bridge without mailbox_scope shows all"
        );
        let public = parse_info(r#"{"enabled":true,"mailbox_scope":"visitor"}"#).expect("valid");
        assert!(public.per_visitor);
        let local = parse_info(r#"{"enabled":true,"mailbox_scope":"all"}"#).expect("valid");
        assert!(!local.per_visitor);
        let off = parse_info(r#"{"enabled":false,"listen":null}"#).expect("valid");
        assert_eq!(off.target(), None);
        let v6 = SandboxInfo {
            enabled: true,
            listen: Some("[::1]:2525".into()),
            demo: None,
            per_visitor: false,
        };
        assert_eq!(v6.target(), Some(("::1".to_owned(), 2525)));
        assert!(parse_info("<html>").is_err());
    }

    #[test]
    fn the_mailbox_list_is_read() {
        let list = parse_messages(
            r#"{"messages":[{"id":7,"from":"alice@example.org","to":["bob@example.net"],
                "subject":"Hello","size":321,"received_at":"2025-05-01T12:00:00Z"},
                {"id":6,"from":"","to":[],"subject":null,"size":1,"received_at":""}],"count":2}"#,
        )
        .expect("valid");
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].subject.as_deref(), Some("Hello"));
        assert_eq!(list[0].to, ["bob@example.net"]);
        assert_eq!(list[1].subject, None);
        assert!(parse_messages(r#"{"count":0}"#).is_err());
    }

    #[test]
    fn a_message_detail_is_read() {
        let detail = parse_detail(
            r#"{"id":3,"from":"a@b","to":["c@d"],"subject":"Hi","size":20,"received_at":"",
                "raw":"Subject: Hi\r\n\r\nHello\r\n","raw_encoding":"utf-8",
                "headers":[{"name":"Subject","value":"Hi"}],"text_body":"Hello\r\n","findings":[]}"#,
        )
        .expect("valid");
        assert_eq!(detail.summary.id, 3);
        assert_eq!(header(&detail.headers, "subject"), Some("Hi"));
        assert_eq!(detail.text_body.as_deref(), Some("Hello\r\n"));
        assert!(parse_detail(r#"{"error":"no message 9"}"#).is_err());
    }

    #[test]
    fn a_raw_message_splits_into_unfolded_headers_and_body() {
        let (headers, body) =
            split_message("Subject: a long\r\n  subject\r\nFrom: x@y\r\n\r\nHi\r\n.dot\r\n");
        assert_eq!(
            headers,
            [
                ("Subject".to_owned(), "a long subject".to_owned()),
                ("From".to_owned(), "x@y".to_owned())
            ]
        );
        assert_eq!(body.as_deref(), Some("Hi\r\n.dot\r\n"));
        let (headers, body) = split_message("no headers here");
        assert!(headers.is_empty());
        assert_eq!(body, None);
    }
}
