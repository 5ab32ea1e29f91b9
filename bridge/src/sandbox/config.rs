//! The sandbox's flags: where it listens, its demo account, its caps and its failure rules
//! (`--sandbox-rule`, in the text form of `protocol::server::rules`, and the four older
//! flags, which are rules too).
//!
//! [`SandboxConfig`] is flattened into the bridge's [`Config`](crate::Config), so every flag
//! starts with `--sandbox-` (or is `--no-sandbox`). [`SandboxConfig::server_config`] turns
//! it into the `protocol::server` configuration that each connection's session runs with.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

use clap::builder::TypedValueParser as _;
use protocol::server::rules::{Action, InjectedReply, Probability, Stage, When};
use protocol::server::{Account, Rule, ServerConfig};

/// The port the sandbox listens on unless told otherwise: 25 needs root, 2525 is the
/// customary unprivileged stand-in.
pub(crate) const DEFAULT_LISTEN: &str = "127.0.0.1:2525";

/// The name in the greeting and the EHLO reply. `.test` is reserved (RFC 2606), so it can
/// never be mistaken for a real host.
pub(crate) const DEFAULT_HOSTNAME: &str = "sandbox.smtp-playground.test";

const MIB: usize = 1024 * 1024;

/// Settings of the sandbox SMTP server and its mailbox.
///
/// [`Default`] is for embedding and tests: the flags' defaults, except that it listens on
/// an ephemeral port (`127.0.0.1:0`), so several bridges in one process never compete for
/// 2525. `/api/sandbox` says where it actually listens.
#[derive(Debug, Clone, clap::Args)]
pub struct SandboxConfig {
    /// Where the sandbox SMTP server listens. It accepts mail from anyone who reaches it and
    /// never relays it; keep it on loopback.
    #[arg(id = "sandbox_listen", 
        long = "sandbox-listen",
        value_name = "ADDR",
        default_value = DEFAULT_LISTEN,
        env = "SMTP_PLAYGROUND_SANDBOX_LISTEN"
    )]
    pub listen: SocketAddr,

    /// Do not start the sandbox SMTP server (the mailbox API stays, empty).
    #[arg(id = "sandbox_disabled", long = "no-sandbox")]
    pub disabled: bool,

    /// The server name in the sandbox's greeting and EHLO reply.
    #[arg(id = "sandbox_hostname", long = "sandbox-hostname", value_name = "NAME", default_value = DEFAULT_HOSTNAME)]
    pub hostname: String,

    /// Messages kept in memory; the oldest are dropped first.
    #[arg(id = "sandbox_max_messages", long = "sandbox-max-messages", value_name = "N", default_value_t = 500,
          value_parser = clap::value_parser!(u32).range(1..).map(|n| n as usize))]
    pub max_messages: usize,

    /// Bytes of mail kept in memory; the oldest messages are dropped first.
    #[arg(id = "sandbox_max_bytes", long = "sandbox-max-bytes", value_name = "BYTES", default_value_t = 64 * MIB,
          value_parser = clap::value_parser!(u64).range(1024..).map(|n| n as usize))]
    pub max_bytes: usize,

    /// Recorded SMTP sessions kept in memory (`/api/sessions`); the oldest are dropped
    /// first.
    #[arg(id = "sandbox_max_sessions", long = "sandbox-max-sessions", value_name = "N", default_value_t = 1000,
          value_parser = clap::value_parser!(u32).range(1..).map(|n| n as usize))]
    pub max_sessions: usize,

    /// Bytes of recorded sessions kept in memory; the oldest sessions are dropped first.
    #[arg(id = "sandbox_max_session_bytes", long = "sandbox-max-session-bytes", value_name = "BYTES", default_value_t = 32 * MIB,
          value_parser = clap::value_parser!(u64).range(1024..).map(|n| n as usize))]
    pub max_session_bytes: usize,

    /// The largest message the sandbox accepts (announced as SIZE in EHLO).
    #[arg(id = "sandbox_max_message_size", long = "sandbox-max-message-size", value_name = "BYTES", default_value_t = 10 * MIB,
          value_parser = clap::value_parser!(u64).range(1..).map(|n| n as usize))]
    pub max_message_size: usize,

    /// Also write every accepted message into this Maildir (tmp/, then new/), which mail
    /// programs can open. Not capped: the folder is yours.
    #[arg(id = "sandbox_maildir", long = "sandbox-maildir", value_name = "DIR")]
    pub maildir: Option<PathBuf>,

    /// The certificate chain (PEM) for STARTTLS. Without it a self-signed certificate is
    /// generated at start.
    #[arg(
        id = "sandbox_cert",
        long = "sandbox-cert",
        value_name = "PEM",
        requires = "sandbox_key"
    )]
    pub cert: Option<PathBuf>,

    /// The private key (PEM) of `--sandbox-cert`.
    #[arg(
        id = "sandbox_key",
        long = "sandbox-key",
        value_name = "PEM",
        requires = "sandbox_cert"
    )]
    pub key: Option<PathBuf>,

    /// The demo account's user name for AUTH PLAIN, LOGIN and CRAM-MD5 (shown in the page).
    #[arg(
        id = "sandbox_demo_user",
        long = "sandbox-demo-user",
        value_name = "USER",
        default_value = "demo"
    )]
    pub demo_user: String,

    /// The demo account's password (shown in the page: it protects nothing).
    #[arg(
        id = "sandbox_demo_password",
        long = "sandbox-demo-password",
        value_name = "PASSWORD",
        default_value = "demo"
    )]
    pub demo_password: String,

    /// A failure rule, `STAGE[ MATCH]: ACTION[, WHEN]`, e.g.
    /// `rcpt to=nobody@sandbox.test: reply 550 5.1.1 User unknown, next 3`. Stages:
    /// connect, greeting, ehlo, auth, mail, rcpt, data, end_of_data, any; actions: reply
    /// CODE TEXT, delay 1500ms, throttle 100B/s, disconnect; when: always, next N, p=0.3.
    /// Repeatable; applies to every session (README "Failure rules").
    #[arg(id = "sandbox_rule", long = "sandbox-rule", value_name = "RULE",
          value_parser = |text: &str| Rule::parse(text).map_err(|e| e.to_string()))]
    pub rules: Vec<Rule>,

    /// The seed of the flag rules' probability draws (default: random at start), so a
    /// run can be repeated exactly.
    #[arg(id = "sandbox_rule_seed", long = "sandbox-rule-seed", value_name = "N")]
    pub rule_seed: Option<u64>,

    /// Refuse RCPT TO this address with this reply, e.g.
    /// `nobody@sandbox.test=550 5.1.1 <nobody@sandbox.test>: User unknown`. Repeatable.
    /// The same as `--sandbox-rule 'rcpt to=ADDR: reply REPLY'`.
    #[arg(
        id = "sandbox_reject_rcpt",
        long = "sandbox-reject-rcpt",
        value_name = "ADDR=REPLY"
    )]
    pub reject_rcpt: Vec<RejectRecipient>,

    /// Fail correct logins with 535 in this share of sessions (0 to 1). The same as
    /// `--sandbox-rule 'auth: reply 535 5.7.8 Error: authentication failed, p=P'`.
    #[arg(id = "sandbox_fail_auth", long = "sandbox-fail-auth", value_name = "P", value_parser = parse_probability)]
    pub fail_auth: Option<Probability>,

    /// Wait this long before the greeting, to show a slow server. The same as
    /// `--sandbox-rule 'greeting: delay MSms'`.
    #[arg(id = "sandbox_greeting_delay_ms", long = "sandbox-greeting-delay-ms", value_name = "MS",
          value_parser = clap::value_parser!(u64).range(..=60_000))]
    pub greeting_delay_ms: Option<u64>,

    /// Hang up after the final dot instead of answering it. The same as
    /// `--sandbox-rule 'end_of_data: disconnect'`.
    #[arg(id = "sandbox_drop_after_data", long = "sandbox-drop-after-data")]
    pub drop_after_data: bool,

    /// Turn off the scenario addresses (`busy@`, `greylist@`, `missing@` ... listed by
    /// `/api/sandbox`): every recipient is then accepted.
    #[arg(id = "sandbox_no_scenarios", long = "sandbox-no-scenarios")]
    pub no_scenarios: bool,

    /// At most N messages (MAIL commands) per client address (the page's sessions: per
    /// visitor) in any sliding minute; the next MAIL gets `421 4.7.0 ... too many messages`
    /// and the connection closes.
    #[arg(id = "sandbox_max_messages_per_minute", long = "sandbox-max-messages-per-minute", value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_messages_per_minute: Option<u32>,

    /// `/api/events` listeners open at once; more get 429.
    #[arg(id = "sandbox_max_listeners", long = "sandbox-max-listeners", value_name = "N", default_value_t = 256,
          value_parser = clap::value_parser!(u32).range(1..).map(|n| n as usize))]
    pub max_listeners: usize,

    /// `/api/events` listeners one client (the visitor in `public`, else the address,
    /// IPv6 by /64) may hold; more get 429.
    #[arg(id = "sandbox_max_listeners_per_client", long = "sandbox-max-listeners-per-client", value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u32).range(1..).map(|n| n as usize))]
    pub max_listeners_per_client: usize,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            disabled: false,
            hostname: DEFAULT_HOSTNAME.to_owned(),
            max_messages: 500,
            max_bytes: 64 * MIB,
            max_sessions: 1000,
            max_session_bytes: 32 * MIB,
            max_message_size: 10 * MIB,
            maildir: None,
            cert: None,
            key: None,
            demo_user: "demo".to_owned(),
            demo_password: "demo".to_owned(),
            rules: Vec::new(),
            rule_seed: None,
            reject_rcpt: Vec::new(),
            fail_auth: None,
            greeting_delay_ms: None,
            drop_after_data: false,
            no_scenarios: false,
            max_messages_per_minute: None,
            max_listeners: 256,
            max_listeners_per_client: 4,
        }
    }
}

impl SandboxConfig {
    /// The failure rules these flags ask for: `--sandbox-rule` in order, then the older
    /// flags as the rules they are.
    pub(crate) fn rules(&self) -> Vec<Rule> {
        let mut rules = self.rules.clone();
        rules.extend(self.reject_rcpt.iter().map(|r| r.rule.clone()));
        let mut add = |stage, action, when| {
            // Each was checked by its flag's parser; a rule it cannot make is none.
            if let Ok(rule) = Rule::new(stage, None, action, when) {
                rules.push(rule);
            }
        };
        if let Some(p) = self.fail_auth
            && let Ok(reply) = InjectedReply::parse("535 5.7.8 Error: authentication failed")
        {
            add(Stage::Auth, Action::Reply(reply), When::Probability(p));
        }
        if let Some(ms) = self.greeting_delay_ms.filter(|ms| *ms > 0) {
            let ms = u32::try_from(ms).unwrap_or(u32::MAX);
            add(Stage::Greeting, Action::Delay { ms }, When::Always);
        }
        if self.drop_after_data {
            add(Stage::EndOfData, Action::Disconnect, When::Always);
        }
        rules
    }

    /// The largest message accepted: never more than the whole mailbox may hold, so an
    /// accepted message always fits once older ones are dropped.
    pub(crate) fn effective_max_message_size(&self) -> usize {
        self.max_message_size.min(self.max_bytes)
    }

    /// The session configuration for each connection: the teaching defaults (AUTH offered
    /// without TLS, as in the tutorial's plain-text `AUTH LOGIN`), the demo account, and
    /// STARTTLS when a certificate is available.
    pub(crate) fn server_config(&self, starttls: bool) -> ServerConfig {
        ServerConfig {
            hostname: self.hostname.clone(),
            max_message_size: self.effective_max_message_size(),
            accounts: vec![Account {
                user: self.demo_user.clone(),
                password: self.demo_password.clone(),
            }],
            starttls,
            // Chosen per session by the rules store (`rules/`).
            rules: Vec::new(),
            scenarios: !self.no_scenarios,
            max_messages_per_minute: self.max_messages_per_minute,
            ..ServerConfig::default()
        }
    }
}

/// `--sandbox-reject-rcpt ADDR=REPLY`: RCPT TO `address` gets `reply`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectRecipient {
    /// The rule it makes: `rcpt to=ADDR: reply REPLY`.
    pub rule: Rule,
}

impl FromStr for RejectRecipient {
    type Err = String;

    /// Parses `ADDR=REPLY`; the reply is checked as any rule's (a 4xx or 5xx line with
    /// its enhanced code: a rejection that says 250 would be a lie the client believes).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (address, reply) = text.split_once('=').ok_or_else(|| {
            "expected ADDR=REPLY, such as nobody@sandbox.test=550 5.1.1 User unknown".to_owned()
        })?;
        let address = address.trim().trim_start_matches('<').trim_end_matches('>');
        if address.is_empty() || address.contains(char::is_whitespace) {
            return Err(format!("{address:?} is not an address"));
        }
        let reply = InjectedReply::parse(reply).map_err(|e| e.to_string())?;
        let rule = Rule::new(
            Stage::Rcpt,
            Some(address),
            Action::Reply(reply),
            When::Always,
        )
        .map_err(|e| e.to_string())?;
        Ok(Self { rule })
    }
}

impl fmt::Display for RejectRecipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.rule.action() {
            Action::Reply(reply) => {
                write!(f, "{}={reply}", self.rule.matching().unwrap_or_default())
            }
            _ => write!(f, "{}", self.rule),
        }
    }
}

fn parse_probability(text: &str) -> Result<Probability, String> {
    Probability::parse(text.trim())
        .map_err(|_| format!("{text:?} is not a probability above 0 and at most 1"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// The sandbox's flags alone (`config.rs` checks them next to the bridge's own).
    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        sandbox: SandboxConfig,
    }

    fn parse(args: &[&str]) -> Result<SandboxConfig, clap::Error> {
        Cli::try_parse_from(std::iter::once("x").chain(args.iter().copied())).map(|c| c.sandbox)
    }

    #[test]
    fn defaults_match_the_flags_except_the_port() {
        let flags = parse(&[]).expect("no flags");
        let default = SandboxConfig::default();
        assert_eq!(flags.listen.to_string(), DEFAULT_LISTEN);
        assert_eq!(default.listen.port(), 0);
        assert_eq!(
            format!(
                "{:?}",
                SandboxConfig {
                    listen: default.listen,
                    ..flags
                }
            ),
            format!("{default:?}")
        );
    }

    #[test]
    fn rules_come_from_the_flags() {
        let config = parse(&[
            "--sandbox-rule",
            "mail from=@spam.example: reply 553 5.7.1 Sender rejected, next 2",
            "--sandbox-reject-rcpt",
            "<nobody@sandbox.test>=550 5.1.1 User unknown",
            "--sandbox-fail-auth",
            "0.25",
            "--sandbox-greeting-delay-ms",
            "300",
            "--sandbox-drop-after-data",
            "--sandbox-rule",
            "data: throttle 100B/s",
        ])
        .expect("valid flags");
        let texts: Vec<String> = config.rules().iter().map(Rule::to_string).collect();
        assert_eq!(
            texts,
            [
                "mail from=@spam.example: reply 553 5.7.1 Sender rejected, next 2",
                "data: throttle 100B/s",
                "rcpt to=nobody@sandbox.test: reply 550 5.1.1 User unknown",
                "auth: reply 535 5.7.8 Error: authentication failed, p=0.25",
                "greeting: delay 300ms",
                "end_of_data: disconnect",
            ]
        );
    }

    #[test]
    fn bad_flags_are_refused_with_a_reason() {
        for (args, needle) in [
            (&["--sandbox-reject-rcpt", "nobody"][..], "ADDR=REPLY"),
            (
                &["--sandbox-reject-rcpt", "a@b=250 ok"][..],
                "250 is not a failure",
            ),
            (
                &["--sandbox-reject-rcpt", "a@b=55x"][..],
                "three-digit code",
            ),
            (
                &["--sandbox-reject-rcpt", "a@b=550 Unknown"][..],
                "enhanced code",
            ),
            (&["--sandbox-fail-auth", "1.5"][..], "probability"),
            (
                &["--sandbox-rule", "rcpt: explode"][..],
                "\"explode\" is not an action",
            ),
            (
                &["--sandbox-rule", "connect: reply 550 5.0.0 x"][..],
                "cannot replace a greeting",
            ),
            (
                &["--sandbox-rule", "rcpt: disconnect, next 0"][..],
                "next: 0 is outside 1",
            ),
            (&["--sandbox-max-messages", "0"][..], "0"),
            (&["--sandbox-cert", "c.pem"][..], "--sandbox-key"),
        ] {
            let err = parse(args).expect_err("refused").to_string();
            assert!(err.contains(needle), "{args:?}: {err}");
        }
    }

    #[test]
    fn scenarios_are_on_unless_turned_off_and_the_rate_limit_is_a_flag() {
        let config = parse(&[]).expect("no flags").server_config(true);
        assert!(config.scenarios);
        assert_eq!(config.max_messages_per_minute, None);
        let config = parse(&[
            "--sandbox-no-scenarios",
            "--sandbox-max-messages-per-minute",
            "30",
        ])
        .expect("valid flags")
        .server_config(true);
        assert!(!config.scenarios);
        assert_eq!(config.max_messages_per_minute, Some(30));
        let err = parse(&["--sandbox-max-messages-per-minute", "0"]).expect_err("refused");
        assert!(err.to_string().contains('0'), "{err}");
    }

    #[test]
    fn a_message_never_exceeds_the_mailbox() {
        let config = SandboxConfig {
            max_bytes: 4096,
            ..SandboxConfig::default()
        };
        assert_eq!(config.server_config(false).max_message_size, 4096);
        assert_eq!(config.server_config(true).accounts[0].user, "demo");
    }
}
