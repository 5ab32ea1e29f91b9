//! The server role of SMTP, sans-IO: the sandbox in the bridge and the offline simulator in
//! the browser are both this state machine behind a different shell.
//!
//! The shell feeds what the client sent ([`ServerSession::handle_input`]), tells about TLS
//! and end of input, and drains [`ServerSession::poll_output`] in order: bytes to write,
//! a pause (failure injection), "start TLS now", "close", and each accepted message. The
//! session never relays anything anywhere: accepted mail is handed to the shell, which keeps
//! it in a mailbox.
//!
//! Replies follow RFC 5321 (with RFC 3463 enhanced codes, RFC 4954 AUTH, RFC 3207 STARTTLS,
//! RFC 1870 SIZE, RFC 3030 BDAT) and, where the RFCs leave a choice, what Postfix answers,
//! so lessons against the sandbox and against a real Postfix look alike.

mod config;
mod dsn;
mod inject;
mod memory;
mod replies;
mod rng;
pub mod rules;
mod scenario_hooks;
pub mod scenarios;
mod tap;

pub use config::{Account, ServerConfig};
pub use memory::{GreylistVerdict, Memory};
pub use replies::{Closing, service_closing};
pub use rules::{Rule, RuleSet};
pub use tap::{InputLine, TapLimits, written_lines};

use crate::auth;
use crate::command::{Args, Command, Verb};
use crate::dot::{DataFinding, DataReceiver, DataStatus};
use crate::finding::Severity;
use crate::limits;
use crate::line::{LineError, LineFramer};
use replies::*;
use rules::Stage;
use scenario_hooks::{Acts, AtRcpt};
use std::collections::VecDeque;

/// What the shell must do next, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerOutput {
    /// Write these bytes to the client.
    Write(Vec<u8>),
    /// Wait this many milliseconds before the next output (failure injection).
    Pause(u64),
    /// From now on write at most this many bytes per second (failure injection).
    Throttle(u32),
    /// Start the TLS handshake now (after `220 Ready to start TLS` was written). Feed no
    /// more input until [`ServerSession::handle_tls_established`].
    StartTls,
    /// Close the connection.
    Close,
    /// A message was accepted for delivery: store it.
    Delivered(Box<ReceivedMessage>),
}

/// A message the session accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMessage {
    /// The name the client gave in HELO or EHLO.
    pub helo: String,
    /// The envelope sender; empty for the null path `<>`.
    pub mail_from: String,
    /// The accepted envelope recipients.
    pub rcpt_to: Vec<String>,
    /// The message exactly as received, dot-stuffing removed.
    pub data: Vec<u8>,
    /// The user logged in with AUTH, if any.
    pub authenticated_as: Option<String>,
    /// Whether the session was encrypted when the message arrived.
    pub tls: bool,
    /// The queue id given to the client in the 250 reply.
    pub queue_id: String,
    /// What was noticed in the message text (bare LF, smuggling attempts, long lines).
    pub findings: Vec<DataFinding>,
}

/// What the next input bytes are.
#[derive(Debug)]
enum Mode {
    /// Command lines.
    Command,
    /// One base64 line answering a 334.
    AuthAnswer(AuthStep),
    /// Message text after 354.
    Data(Box<DataReceiver>),
    /// A BDAT chunk: this many bytes remain.
    Bdat { remaining: u64, last: bool },
    /// STARTTLS accepted: everything until the handshake ends is discarded.
    AwaitingTls,
    /// The session is over.
    Closed,
}

#[derive(Debug, Clone)]
enum AuthStep {
    LoginUser,
    LoginPassword {
        user: String,
    },
    Plain,
    /// The challenge sent in the 334, which the answer's HMAC must be of.
    CramMd5 {
        challenge: String,
    },
}

#[derive(Debug, Default)]
struct Transaction {
    mail_from: Option<String>,
    rcpt_to: Vec<String>,
    /// BDAT chunks collected so far.
    chunks: Vec<u8>,
    chunk_overflow: bool,
    /// What the recipients' scenarios do after RCPT (`scenario_hooks.rs`).
    acts: Acts,
}

/// One client connection to the server; see the module documentation.
#[derive(Debug)]
pub struct ServerSession {
    config: ServerConfig,
    framer: LineFramer,
    mode: Mode,
    output: VecDeque<ServerOutput>,
    helo: Option<String>,
    extended: bool,
    tls: bool,
    user: Option<String>,
    txn: Transaction,
    errors: usize,
    messages: u64,
    /// The greeting was a `554` rule: only QUIT is served (`inject.rs`).
    no_service: bool,
    /// A per-connection tag that makes queue ids unique across sessions.
    connection_tag: u64,
    /// The time the shell said last, in Unix milliseconds ([`ServerSession::set_now`]).
    now_ms: Option<u64>,
    /// Who the client is, as the shell said it (its address, or the page's visitor), for
    /// greylisting and the rate limiter ([`ServerSession::set_client`]).
    client: String,
    /// Greylisting triplets and message rates: the shell's, lent for each input
    /// ([`ServerSession::handle_input_with`]), else this session's own.
    memory: Memory,
    /// AUTH CRAM-MD5 challenges sent so far, so no two of a session are alike.
    challenges: u64,
    /// Pause before each reply: a `slow@` recipient was accepted.
    slow_ms: Option<u64>,
    /// The client's lines for a recorder, when the shell asked ([`Self::record_input`]).
    tap: Option<Box<tap::Tap>>,
}

impl ServerSession {
    /// A new connection with the failure rules in `config` (already chosen for this
    /// session, see [`RuleSet`]). `seed` makes the queue ids: the shell passes randomness
    /// in, so the session itself stays deterministic.
    pub fn new(config: ServerConfig, seed: u64) -> Self {
        let mut session = Self {
            framer: LineFramer::new(limits::COMMAND_LINE * 2),
            mode: Mode::Command,
            output: VecDeque::new(),
            helo: None,
            extended: false,
            tls: config.implicit_tls,
            user: None,
            txn: Transaction::default(),
            errors: 0,
            messages: 0,
            no_service: false,
            connection_tag: seed,
            now_ms: None,
            client: String::new(),
            memory: Memory::default(),
            challenges: 0,
            slow_ms: None,
            tap: None,
            config,
        };
        session.greet();
        session
    }

    // ---- getters -----------------------------------------------------------------------

    /// Whether TLS is active.
    pub fn is_tls(&self) -> bool {
        self.tls
    }

    /// The logged-in user, if any.
    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    /// Whether the session has ended (QUIT, 421, or a closing rule).
    pub fn is_closed(&self) -> bool {
        matches!(self.mode, Mode::Closed)
    }

    /// The name the client gave in its last HELO or EHLO, if any.
    pub fn helo(&self) -> Option<&str> {
        self.helo.as_deref()
    }

    // ---- recording (tap.rs) ------------------------------------------------------------

    /// From now on, keeps each line the client sends for [`Self::poll_input`], AUTH
    /// secrets replaced and message text within `limits`.
    pub fn record_input(&mut self, limits: TapLimits) {
        self.tap = Some(Box::new(tap::Tap::new(limits)));
    }

    /// The next line the client sent, in order, once recording is on; drain it after each
    /// [`Self::handle_input`], before the outputs that answer it.
    pub fn poll_input(&mut self) -> Option<InputLine> {
        self.tap.as_mut()?.poll()
    }

    // ---- inputs ------------------------------------------------------------------------

    /// Feeds bytes received from the client.
    pub fn handle_input(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            match &mut self.mode {
                Mode::Closed | Mode::AwaitingTls => return,
                Mode::Bdat { remaining, last } => {
                    let take = (*remaining).min(bytes.len() as u64) as usize;
                    let last = *last;
                    if let Some(tap) = self.tap.as_deref_mut() {
                        tap.bdat(&bytes[..take], self.tls, self.user.is_some());
                    }
                    if self.drop_mid_data() {
                        return;
                    }
                    self.append_chunk(&bytes[..take]);
                    bytes = &bytes[take..];
                    if let Mode::Bdat { remaining, .. } = &mut self.mode {
                        *remaining -= take as u64;
                        if *remaining == 0 {
                            self.mode = Mode::Command;
                            self.finish_chunk(last);
                        }
                    }
                }
                Mode::Data(receiver) => {
                    let (tls, authenticated) = (self.tls, self.user.is_some());
                    let status = match self.tap.as_deref_mut() {
                        Some(tap) => receiver.push_with(bytes, |line, end| {
                            tap.data_line(line, end, tls, authenticated);
                        }),
                        None => receiver.push(bytes),
                    };
                    bytes = &[];
                    if self.drop_mid_data() {
                        return;
                    }
                    if let DataStatus::Complete { rest } = status {
                        let Mode::Data(receiver) = std::mem::replace(&mut self.mode, Mode::Command)
                        else {
                            return;
                        };
                        self.finish_data(*receiver);
                        self.handle_input(&rest);
                    }
                }
                Mode::Command | Mode::AuthAnswer(_) => {
                    self.framer.push(bytes);
                    bytes = &[];
                    self.drain_lines();
                }
            }
        }
    }

    fn drain_lines(&mut self) {
        while matches!(self.mode, Mode::Command | Mode::AuthAnswer(_)) {
            let Some(line) = self.framer.next_line() else {
                return;
            };
            match line {
                Err(LineError::TooLong { .. }) => {
                    if let Some(tap) = self.tap.as_deref_mut() {
                        tap.too_long();
                    }
                    self.error(LINE_TOO_LONG);
                }
                Ok(line) => {
                    let text = line.to_text();
                    self.tap_line(&text);
                    match std::mem::replace(&mut self.mode, Mode::Command) {
                        Mode::AuthAnswer(step) => self.auth_answer(step, &text),
                        _ => self.command(&text),
                    }
                }
            }
            if matches!(self.mode, Mode::Data(_) | Mode::Bdat { .. }) {
                // The bytes after DATA's or BDAT's line belong to the message.
                let rest = self.framer.take_buffered();
                self.handle_input(&rest);
                return;
            }
        }
    }

    fn tap_line(&mut self, text: &str) {
        let (tls, authenticated) = (self.tls, self.user.is_some());
        let Some(tap) = self.tap.as_deref_mut() else {
            return;
        };
        match &self.mode {
            Mode::AuthAnswer(step) => {
                let password = matches!(step, AuthStep::LoginPassword { .. });
                tap.auth_answer(text, password, tls);
            }
            _ => tap.command(text, tls, authenticated),
        }
    }

    /// The TLS handshake finished: the session starts over, as RFC 3207 4.2 requires.
    pub fn handle_tls_established(&mut self) {
        self.tls = true;
        self.helo = None;
        self.extended = false;
        self.user = None;
        self.txn = Transaction::default();
        self.framer = LineFramer::new(limits::COMMAND_LINE * 2);
        if matches!(self.mode, Mode::AwaitingTls) {
            self.mode = Mode::Command;
        }
    }

    /// The client closed its side.
    pub fn handle_eof(&mut self) {
        self.mode = Mode::Closed;
    }

    // ---- outputs -----------------------------------------------------------------------

    /// The next thing to do, `None` when the session waits for input.
    pub fn poll_output(&mut self) -> Option<ServerOutput> {
        self.output.pop_front()
    }

    fn write(&mut self, reply: impl Into<String>) {
        self.slow_pause();
        self.output
            .push_back(ServerOutput::Write(reply.into().into_bytes()));
    }

    fn close(&mut self, reply: impl Into<String>) {
        self.write(reply);
        self.output.push_back(ServerOutput::Close);
        self.mode = Mode::Closed;
    }

    /// A refused command: counts towards the error limit (Postfix's hard error limit).
    fn error(&mut self, reply: impl Into<String>) {
        self.errors += 1;
        self.write(reply);
        if self.errors >= self.config.max_errors {
            self.close(TOO_MANY_ERRORS);
        }
    }

    // ---- commands ----------------------------------------------------------------------

    fn command(&mut self, text: &str) {
        if self.before_command(text) {
            return;
        }
        let command = Command::parse(text);
        let Some(verb) = command.line.verb else {
            return self.error(UNKNOWN_COMMAND);
        };
        let syntax_error = command
            .findings
            .iter()
            .any(|f| f.severity == Severity::Error);
        match verb {
            Verb::Helo | Verb::Ehlo => self.hello(verb, &command),
            Verb::Quit => self.close(BYE),
            Verb::Noop => self.write(OK),
            Verb::Rset => {
                self.txn = Transaction::default();
                self.write(OK);
            }
            Verb::Help => self.write(HELP),
            Verb::Vrfy if syntax_error => self.error(syntax("VRFY address")),
            Verb::Vrfy => self.write(CANNOT_VRFY),
            Verb::Expn | Verb::Etrn => self.error(NOT_IMPLEMENTED),
            _ if self.helo.is_none() => self.error(HELLO_FIRST),
            Verb::StartTls => self.starttls(&command),
            Verb::Auth => self.auth(&command),
            Verb::Mail => self.mail(&command),
            Verb::Rcpt => self.rcpt(&command),
            Verb::Data => self.data(&command),
            Verb::Bdat => self.bdat(&command),
        }
    }

    fn hello(&mut self, verb: Verb, command: &Command<'_>) {
        let Args::Domain(domain) = &command.args else {
            return self.error(syntax(verb.as_str()));
        };
        if domain.is_empty() {
            return self.error(syntax(&format!("{} hostname", verb.as_str())));
        }
        if self.inject(Stage::Ehlo, Some(domain)) {
            return;
        }
        self.txn = Transaction::default();
        self.helo = Some(domain.clone());
        self.extended = verb == Verb::Ehlo;
        let reply = if self.extended {
            ehlo(
                &self.config,
                domain,
                self.tls_offered(),
                self.auth_offered(),
            )
        } else {
            helo(&self.config.hostname)
        };
        self.write(reply);
    }

    fn tls_offered(&self) -> bool {
        self.config.starttls && !self.tls
    }

    fn auth_offered(&self) -> bool {
        !self.config.accounts.is_empty() && (self.tls || !self.config.auth_requires_tls)
    }

    fn starttls(&mut self, command: &Command<'_>) {
        if self.tls {
            return self.error(TLS_ALREADY_ACTIVE);
        }
        if !self.config.starttls {
            return self.error(NOT_IMPLEMENTED);
        }
        if !command.line.args().trim().is_empty() {
            return self.error(syntax("STARTTLS"));
        }
        self.write(READY_FOR_TLS);
        self.output.push_back(ServerOutput::StartTls);
        // Anything the client pipelined after STARTTLS was sent in plaintext and must not
        // be executed inside TLS (CVE-2011-0411, "STARTTLS command injection").
        let _ = self.framer.take_buffered();
        self.mode = Mode::AwaitingTls;
    }

    fn auth(&mut self, command: &Command<'_>) {
        if !self.auth_offered() {
            return self.error(AUTH_NOT_ENABLED);
        }
        if self.user.is_some() {
            return self.error(ALREADY_AUTHENTICATED);
        }
        if self.txn.mail_from.is_some() {
            return self.error(AUTH_IN_TRANSACTION);
        }
        let Args::Auth {
            mechanism,
            initial_response,
        } = &command.args
        else {
            return self.error(syntax("AUTH mechanism"));
        };
        match (mechanism.to_ascii_uppercase().as_str(), initial_response) {
            ("", _) => self.error(syntax("AUTH mechanism")),
            ("LOGIN", None) => {
                self.write(prompt("Username:"));
                self.mode = Mode::AuthAnswer(AuthStep::LoginUser);
            }
            ("LOGIN", Some(user)) => {
                // RFC 4954 allows an initial response: the username.
                match decode_text(user) {
                    Some(user) => {
                        self.write(prompt("Password:"));
                        self.mode = Mode::AuthAnswer(AuthStep::LoginPassword { user });
                    }
                    None => self.error(CANNOT_DECODE),
                }
            }
            ("PLAIN", None) => {
                self.write("334 \r\n");
                self.mode = Mode::AuthAnswer(AuthStep::Plain);
            }
            ("PLAIN", Some(answer)) => self.auth_answer(AuthStep::Plain, answer),
            // RFC 2195 has no initial response: the client cannot know the challenge yet.
            ("CRAM-MD5", Some(_)) => self.error(syntax("AUTH CRAM-MD5")),
            ("CRAM-MD5", None) => {
                let challenge = self.cram_challenge();
                self.write(format!("334 {}\r\n", auth::encode(&challenge)));
                self.mode = Mode::AuthAnswer(AuthStep::CramMd5 { challenge });
            }
            _ => self.error(UNKNOWN_MECHANISM),
        }
    }

    fn auth_answer(&mut self, step: AuthStep, line: &str) {
        if line.trim() == "*" {
            return self.error(AUTH_ABORTED);
        }
        match step {
            AuthStep::LoginUser => match decode_text(line) {
                Some(user) => {
                    self.write(prompt("Password:"));
                    self.mode = Mode::AuthAnswer(AuthStep::LoginPassword { user });
                }
                None => self.error(CANNOT_DECODE),
            },
            AuthStep::LoginPassword { user } => match decode_text(line) {
                Some(password) => self.check_credentials(&user, &password),
                None => self.error(CANNOT_DECODE),
            },
            AuthStep::Plain => {
                let answer = if line == "=" { "" } else { line };
                match auth::decode_plain(answer) {
                    Ok(creds) if creds.authzid.is_empty() || creds.authzid == creds.authcid => {
                        self.check_credentials(&creds.authcid, &creds.password)
                    }
                    Ok(_) => self.error(AUTH_FAILED),
                    Err(_) => self.error(CANNOT_DECODE),
                }
            }
            AuthStep::CramMd5 { challenge } => match auth::decode_cram_md5(line) {
                Ok(answer) => self.check_cram_md5(&answer, &challenge),
                Err(_) => self.error(CANNOT_DECODE),
            },
        }
    }

    /// A fresh `<random.time@host>` for each AUTH CRAM-MD5: the random part drawn from the
    /// shell's seed and the count of challenges so far, the time the shell's.
    fn cram_challenge(&mut self) -> String {
        self.challenges += 1;
        let random = rng::SplitMix64::new(self.connection_tag ^ self.challenges).next_u64();
        let secs = self.now_ms.unwrap_or(0) / 1000;
        auth::cram_md5_challenge(random % 10_000_000_000, secs, &self.config.hostname)
    }

    /// RFC 2195: the server computes the same HMAC with the password it stores and compares.
    fn check_cram_md5(&mut self, answer: &auth::CramAnswer, challenge: &str) {
        let account = self
            .config
            .accounts
            .iter()
            .find(|a| a.user.eq_ignore_ascii_case(&answer.user));
        match account {
            Some(account)
                if auth::cram_md5_digest(&account.password, challenge) == answer.digest =>
            {
                let password = account.password.clone();
                self.check_credentials(&answer.user, &password)
            }
            _ => self.error(AUTH_FAILED),
        }
    }

    fn check_credentials(&mut self, user: &str, password: &str) {
        let valid = self
            .config
            .accounts
            .iter()
            .any(|a| a.user.eq_ignore_ascii_case(user) && a.password == password);
        if valid && self.inject(Stage::Auth, Some(user)) {
            return;
        }
        if valid {
            self.user = Some(user.to_owned());
            self.write(AUTH_OK);
        } else {
            self.error(AUTH_FAILED);
        }
    }

    fn mail(&mut self, command: &Command<'_>) {
        if self.txn.mail_from.is_some() {
            return self.error(NESTED_MAIL);
        }
        if self.config.auth_required && self.user.is_none() {
            return self.error(AUTH_REQUIRED);
        }
        let Args::Envelope {
            path: Some(path),
            params,
        } = &command.args
        else {
            return self.error(syntax("MAIL FROM:<address>"));
        };
        if let Some(bad) = command
            .findings
            .iter()
            .find(|f| f.severity == Severity::Error)
        {
            return self.error(match bad.id {
                "unknown-parameter" | "invalid-parameter-value" => BAD_PARAMETER,
                _ => BAD_SENDER_SYNTAX,
            });
        }
        for param in params {
            let keyword = param.keyword.to_ascii_uppercase();
            let known = matches!(keyword.as_str(), "SIZE" | "BODY" | "SMTPUTF8" | "AUTH");
            if !known || !self.extended {
                return self.error(BAD_PARAMETER);
            }
            if keyword == "SIZE"
                && let Some(size) = param.value.as_deref().and_then(|v| v.parse::<u64>().ok())
                && size > self.config.max_message_size as u64
            {
                return self.error(MESSAGE_TOO_BIG);
            }
        }
        if path.is_utf8()
            && !params
                .iter()
                .any(|p| p.keyword.eq_ignore_ascii_case("SMTPUTF8"))
        {
            return self.error(UTF8_NEEDS_SMTPUTF8);
        }
        if self.inject(Stage::Mail, Some(&path.address)) {
            return;
        }
        if let Some(reply) = self.rate_refusal() {
            return self.close(reply);
        }
        self.txn.mail_from = Some(path.address.clone());
        self.write(SENDER_OK);
    }

    fn rcpt(&mut self, command: &Command<'_>) {
        if self.txn.mail_from.is_none() {
            return self.error(NEED_MAIL);
        }
        let Args::Envelope {
            path: Some(path),
            params,
        } = &command.args
        else {
            return self.error(syntax("RCPT TO:<address>"));
        };
        if command
            .findings
            .iter()
            .any(|f| f.severity == Severity::Error)
            || path.is_null()
        {
            return self.error(BAD_RECIPIENT_SYNTAX);
        }
        if !params.is_empty() {
            return self.error(BAD_PARAMETER);
        }
        if self.txn.rcpt_to.len() >= self.config.max_recipients {
            return self.write(TOO_MANY_RECIPIENTS);
        }
        if self.inject(Stage::Rcpt, Some(&path.address)) {
            return;
        }
        if let AtRcpt::Refuse(reply) = self.scenario_at_rcpt(&path.address) {
            return self.error(reply);
        }
        self.txn.rcpt_to.push(path.address.clone());
        self.write(RECIPIENT_OK);
    }

    fn data(&mut self, command: &Command<'_>) {
        if !command.line.args().trim().is_empty() {
            return self.error(syntax("DATA"));
        }
        if self.txn.mail_from.is_none() {
            return self.error(NEED_RCPT);
        }
        if self.txn.rcpt_to.is_empty() {
            return self.error(NO_VALID_RECIPIENTS);
        }
        if self.inject(Stage::Data, None) {
            return;
        }
        self.write(START_DATA);
        self.mode = Mode::Data(Box::new(DataReceiver::new(self.config.max_message_size)));
    }

    fn finish_data(&mut self, receiver: DataReceiver) {
        if receiver.exceeded() {
            self.txn = Transaction::default();
            return self.write(MESSAGE_TOO_BIG);
        }
        let findings = receiver.findings().to_vec();
        self.deliver(receiver.into_message(), findings);
    }

    fn bdat(&mut self, command: &Command<'_>) {
        let Args::Bdat {
            size: Some(size),
            last,
        } = command.args
        else {
            return self.error(syntax("BDAT size [LAST]"));
        };
        // RFC 3030: the chunk is read even when it will be refused, or the stream desyncs.
        self.mode = Mode::Bdat {
            remaining: size,
            last,
        };
        if size == 0 {
            self.mode = Mode::Command;
            self.finish_chunk(last);
        }
    }

    fn append_chunk(&mut self, bytes: &[u8]) {
        if self.txn.chunks.len() + bytes.len() > self.config.max_message_size {
            self.txn.chunk_overflow = true;
        } else {
            self.txn.chunks.extend_from_slice(bytes);
        }
    }

    fn finish_chunk(&mut self, last: bool) {
        if let Some(tap) = self.tap.as_deref_mut() {
            tap.bdat_end(last, self.tls, self.user.is_some());
        }
        if self.txn.mail_from.is_none() || self.txn.rcpt_to.is_empty() {
            self.txn.chunks.clear();
            return self.error(if self.txn.mail_from.is_none() {
                NEED_MAIL
            } else {
                NO_VALID_RECIPIENTS
            });
        }
        if self.txn.chunk_overflow {
            self.txn = Transaction::default();
            return self.write(MESSAGE_TOO_BIG);
        }
        if last {
            let data = std::mem::take(&mut self.txn.chunks);
            self.deliver(data, Vec::new());
        } else {
            let received = self.txn.chunks.len();
            self.write(format!("250 2.0.0 {received} octets received\r\n"));
        }
    }

    fn deliver(&mut self, data: Vec<u8>, findings: Vec<DataFinding>) {
        let mut txn = std::mem::take(&mut self.txn);
        if self.inject(Stage::EndOfData, None) {
            // Refused or dropped: the message is not delivered.
            return;
        }
        if let Some(reply) = self.spam_refusal(&txn) {
            return self.write(reply);
        }
        self.messages += 1;
        let queue_id = self.queue_id();
        // Delivered before the 250: the shell stores the message first, so a client that
        // has read `250 queued` finds its message in the mailbox (and any bounce of it).
        let reply = queued(&queue_id);
        self.bounce(&mut txn, &data, &queue_id);
        if txn.rcpt_to.is_empty() {
            return self.write(reply);
        }
        self.output
            .push_back(ServerOutput::Delivered(Box::new(ReceivedMessage {
                helo: self.helo.clone().unwrap_or_default(),
                mail_from: txn.mail_from.unwrap_or_default(),
                rcpt_to: txn.rcpt_to,
                data,
                authenticated_as: self.user.clone(),
                tls: self.tls,
                queue_id,
                findings,
            })));
        self.write(reply);
    }
}

impl ServerSession {
    /// The queue id of the session's latest message: unique across sessions by the tag.
    fn queue_id(&self) -> String {
        format!("{:08X}{:04X}", self.connection_tag as u32, self.messages)
    }
}

fn decode_text(line: &str) -> Option<String> {
    auth::decode(line)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
}

#[cfg(test)]
mod tests;
