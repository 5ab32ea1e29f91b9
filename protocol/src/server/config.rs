//! How a server session behaves: its name, limits, accounts and failure-injection rules.

use super::rules::Rule;

/// A login the server accepts (the sandbox shows its demo account in the page).
#[derive(Clone, PartialEq, Eq)]
pub struct Account {
    /// The username, compared case-insensitively.
    pub user: String,
    /// The password.
    pub password: String,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

/// The server's configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerConfig {
    /// The name in the greeting and the EHLO reply.
    pub hostname: String,
    /// The SIZE limit, in octets.
    pub max_message_size: usize,
    /// Recipients per transaction; more get `452 4.5.3`.
    pub max_recipients: usize,
    /// Refused commands before the server hangs up with `421`.
    pub max_errors: usize,
    /// Accounts for AUTH PLAIN, LOGIN and CRAM-MD5; AUTH is not offered when empty.
    pub accounts: Vec<Account>,
    /// Offer STARTTLS (the shell must then be able to start TLS).
    pub starttls: bool,
    /// The connection is TLS from the start (port 465 style).
    pub implicit_tls: bool,
    /// Offer AUTH only after TLS, as submission servers do.
    pub auth_requires_tls: bool,
    /// Refuse MAIL FROM until the client logged in.
    pub auth_required: bool,
    /// The failure rules of this session, in order (chosen when it started: see
    /// [`RuleSet`](super::RuleSet)).
    pub rules: Vec<Rule>,
    /// The scenario addresses (`busy@`, `greylist@` ..., `scenarios.rs`) act; on by
    /// default, as they need no configuration.
    pub scenarios: bool,
    /// At most this many messages (MAIL commands) per client (its address, or however the
    /// shell names it: `ServerSession::set_client`) in any sliding minute; the next MAIL
    /// gets `421 4.7.0` and the connection closes. `None`: no limit.
    pub max_messages_per_minute: Option<u32>,
}

impl Default for ServerConfig {
    /// A friendly teaching server: AUTH offered without TLS (so the tutorial's plain-text
    /// `AUTH LOGIN` works), 10 MiB messages, 100 recipients, 421 after 20 errors.
    fn default() -> Self {
        Self {
            hostname: "sandbox.smtp-playground.test".to_owned(),
            max_message_size: 10 * 1024 * 1024,
            max_recipients: 100,
            max_errors: 20,
            accounts: Vec::new(),
            starttls: false,
            implicit_tls: false,
            auth_requires_tls: false,
            auth_required: false,
            rules: Vec::new(),
            scenarios: true,
            max_messages_per_minute: None,
        }
    }
}
