//! The client side of an SMTP session as a state machine: what has been said, what the
//! server is expected to answer, and what a line the user is about to send will most likely
//! get.
//!
//! The machine is fed both directions of a conversation, in order:
//! [`ClientSession::handle_sent`] for every line the client sends and
//! [`ClientSession::handle_reply`] for every complete reply. It never blocks a line: the
//! playground lets a student send `RCPT TO` before `MAIL FROM` on purpose and learn from the
//! real `503`. [`ClientSession::predict`] says beforehand what will most likely happen.
//!
//! Transitions follow RFC 5321 4.1.4 (order of commands) and 3.3 (mail transactions), RFC
//! 4954 (AUTH), RFC 3207 (STARTTLS: forget everything, EHLO again) and RFC 2920 (replies to
//! pipelined commands come back in order).

use crate::auth::{self, Prompt};
use crate::command::{Args, Command, Verb};
use crate::dot::{DataLine, unstuff_line};
use crate::enhanced::EnhancedCode;
use crate::extension::Capabilities;
use crate::finding::{Finding, Severity};
use crate::lang::{Text, t};
use crate::limits;
use crate::reply::{Reply, ReplyClass};
use std::collections::VecDeque;

/// Where the session stands, as far as the server has confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Connected; the server's 220 greeting has not arrived yet.
    Greeting,
    /// Greeted (or TLS just started): HELO or EHLO comes next.
    Hello,
    /// Introduced: MAIL FROM, AUTH, STARTTLS, VRFY ... may follow.
    Ready,
    /// MAIL FROM accepted: RCPT TO comes next.
    Mail,
    /// At least one RCPT TO accepted: more RCPT TO, or DATA.
    Rcpt,
    /// After 354: every line is message text until a line with a single `.`.
    Data,
    /// During AUTH: the server sent a 334 challenge and waits for one base64 line.
    AuthChallenge,
    /// STARTTLS was accepted: the TLS handshake runs now.
    TlsHandshake,
    /// QUIT was answered, or the server closed the session (421).
    Closed,
}

impl Phase {
    /// A short prompt for the terminal, like the `DATA>` of a message body.
    pub fn prompt(self) -> &'static str {
        match self {
            Phase::Greeting => "wait>",
            Phase::Hello => "HELO>",
            Phase::Ready => "SMTP>",
            Phase::Mail => "MAIL>",
            Phase::Rcpt => "RCPT>",
            Phase::Data => "DATA>",
            Phase::AuthChallenge => "AUTH>",
            Phase::TlsHandshake => "TLS>",
            Phase::Closed => "closed>",
        }
    }
}

/// What a line the client sent was, in the context it was sent in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// An SMTP command (or an unknown word in command position).
    Command {
        /// The recognised verb, `None` for an unknown one.
        verb: Option<Verb>,
    },
    /// A base64 answer to a 334 challenge. Carries what the challenge asked for.
    AuthAnswer {
        /// The decoded challenge.
        prompt: Prompt,
        /// What the answer decodes to, secrets withheld: `Some(username)` for a LOGIN
        /// username, `None` otherwise.
        shown: Option<String>,
        /// `*`: the client cancels the exchange (RFC 4954 4).
        cancel: bool,
    },
    /// A line of message text between 354 and the final dot.
    BodyLine {
        /// 1-based number of the line in the message.
        number: usize,
    },
    /// The lone `.` that ends the message.
    EndOfData,
}

/// The command a reply answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// The greeting after connecting.
    Greeting,
    /// A reply to a command.
    Command(Verb),
    /// A reply to an unknown command.
    Unknown,
    /// A reply to an AUTH answer line.
    AuthAnswer {
        /// The mechanism of the exchange.
        mechanism: String,
    },
    /// The reply to the final dot of DATA.
    EndOfData,
}

/// What a reply meant for the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// What the reply answered.
    pub answered: Expect,
    /// The RFC 3463 enhanced code at the start of the text, if any.
    pub enhanced: Option<EnhancedCode>,
    /// For a 334: what the challenge decodes to.
    pub prompt: Option<Prompt>,
    /// The phase after the reply.
    pub phase: Phase,
    /// The server answered more than was asked (a reply with nothing pending).
    pub unsolicited: bool,
}

/// The client side of a session; see the module documentation.
#[derive(Debug, Clone)]
pub struct ClientSession {
    phase: Phase,
    pending: VecDeque<Expect>,
    capabilities: Option<Capabilities>,
    /// Which greeting the server accepted; `None` until HELO or EHLO got 250.
    hello: Option<Verb>,
    tls: bool,
    authenticated: bool,
    /// AUTH exchange in progress: mechanism and the last challenge.
    auth: Option<(String, Prompt)>,
    recipients: usize,
    body_lines: usize,
    body_headers: BodyHeaders,
}

/// What the message headers typed so far contain; the tutorial's "begin with subject:,
/// from:, to:" advice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct BodyHeaders {
    in_header: bool,
    from: bool,
    to: bool,
    subject: bool,
    date: bool,
}

impl Default for ClientSession {
    /// A session that has just connected and waits for the greeting.
    fn default() -> Self {
        Self {
            phase: Phase::Greeting,
            pending: VecDeque::from([Expect::Greeting]),
            capabilities: None,
            hello: None,
            tls: false,
            authenticated: false,
            auth: None,
            recipients: 0,
            body_lines: 0,
            body_headers: BodyHeaders::default(),
        }
    }
}

impl ClientSession {
    // ---- getters -----------------------------------------------------------------------

    /// The phase the server has confirmed.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// What the server advertised in its last EHLO reply.
    pub fn capabilities(&self) -> Option<&Capabilities> {
        self.capabilities.as_ref()
    }

    /// Whether TLS is on (implicit TLS or after STARTTLS).
    pub fn is_tls(&self) -> bool {
        self.tls
    }

    /// Whether AUTH succeeded (235).
    pub fn is_authenticated(&self) -> bool {
        self.authenticated
    }

    /// The replies the server still owes, oldest first.
    pub fn pending(&self) -> impl Iterator<Item = &Expect> {
        self.pending.iter()
    }

    /// Recipients accepted in the current transaction.
    pub fn recipients(&self) -> usize {
        self.recipients
    }

    /// The challenge being answered, during AUTH.
    pub fn auth_prompt(&self) -> Option<&Prompt> {
        self.auth.as_ref().map(|(_, prompt)| prompt)
    }

    /// Whether the next line is message text (after 354).
    pub fn in_body(&self) -> bool {
        self.phase == Phase::Data
    }

    /// Whether a client may write its next line now: when the server owes nothing, or,
    /// if it advertised PIPELINING, while it owes replies only to MAIL, RCPT and RSET, the
    /// commands RFC 2920 section 3.1 lets a client send without waiting. Everything else
    /// (EHLO, DATA, AUTH, STARTTLS, QUIT ...) ends a group and waits for its reply.
    pub fn may_send_now(&self) -> bool {
        let mut pending = self.pending.iter().peekable();
        if pending.peek().is_none() {
            return true;
        }
        self.advertises("PIPELINING")
            && pending
                .all(|owed| matches!(owed, Expect::Command(Verb::Mail | Verb::Rcpt | Verb::Rset)))
    }

    fn advertises(&self, keyword: &str) -> bool {
        self.capabilities.as_ref().is_some_and(|c| c.has(keyword))
    }

    // ---- inputs ------------------------------------------------------------------------

    /// The connection was made with TLS from the start (port 465, RFC 8314).
    pub fn handle_implicit_tls(&mut self) {
        self.tls = true;
    }

    /// The STARTTLS handshake finished: the server forgets everything it knew about the
    /// client (RFC 3207 4.2), so EHLO must be sent again.
    pub fn handle_tls_established(&mut self) {
        self.tls = true;
        self.capabilities = None;
        self.hello = None;
        self.authenticated = false;
        self.reset_transaction();
        self.phase = Phase::Hello;
    }

    /// Records a line the client sent (without CRLF) and says what it was.
    pub fn handle_sent(&mut self, line: &str) -> Sent {
        match self.phase {
            Phase::Data => self.handle_body_line(line),
            Phase::AuthChallenge if self.pending.is_empty() => {
                let (mechanism, prompt) = self
                    .auth
                    .clone()
                    .unwrap_or_else(|| (String::new(), Prompt::Empty));
                let cancel = line.trim() == "*";
                let shown = (!cancel && prompt == Prompt::Username)
                    .then(|| auth::decode(line).ok())
                    .flatten()
                    .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
                self.pending.push_back(Expect::AuthAnswer { mechanism });
                Sent::AuthAnswer {
                    prompt,
                    shown,
                    cancel,
                }
            }
            _ => {
                let command = Command::parse(line);
                let verb = command.line.verb;
                let expect = match (verb, &command.args) {
                    (Some(Verb::Bdat), Args::Bdat { last: true, .. }) => Expect::EndOfData,
                    (Some(verb), _) => Expect::Command(verb),
                    (None, _) => Expect::Unknown,
                };
                if let (Some(Verb::Auth), Args::Auth { mechanism, .. }) = (verb, &command.args) {
                    self.auth = Some((mechanism.to_ascii_uppercase(), Prompt::Empty));
                }
                self.pending.push_back(expect);
                Sent::Command { verb }
            }
        }
    }

    fn handle_body_line(&mut self, line: &str) -> Sent {
        match unstuff_line(line.as_bytes()) {
            DataLine::End => {
                self.pending.push_back(Expect::EndOfData);
                // Until the server answers, further lines are commands again.
                self.phase = Phase::Ready;
                Sent::EndOfData
            }
            DataLine::Text(text) => {
                self.body_lines += 1;
                self.body_headers.observe(text, self.body_lines);
                Sent::BodyLine {
                    number: self.body_lines,
                }
            }
        }
    }

    /// Records a complete reply and says what it answered and what it changed.
    pub fn handle_reply(&mut self, reply: &Reply) -> Received {
        let unsolicited = self.pending.is_empty();
        let answered = self.pending.pop_front().unwrap_or(Expect::Unknown);
        let class = reply.code.class();
        let ok = class == ReplyClass::PositiveCompletion;
        let code = reply.code.get();
        let first = reply.first_line();
        let enhanced = EnhancedCode::parse_prefix(first).map(|(code, _)| code);
        let mut prompt = None;
        match &answered {
            Expect::Greeting => {
                self.phase = if code == 220 {
                    Phase::Hello
                } else {
                    Phase::Greeting
                };
            }
            Expect::Command(Verb::Ehlo | Verb::Helo) if ok => {
                let is_ehlo = answered == Expect::Command(Verb::Ehlo);
                self.hello = Some(if is_ehlo { Verb::Ehlo } else { Verb::Helo });
                self.capabilities = is_ehlo.then(|| Capabilities::from_reply(reply));
                self.reset_transaction();
                self.phase = Phase::Ready;
            }
            Expect::Command(Verb::Mail) if ok => {
                self.reset_transaction();
                self.phase = Phase::Mail;
            }
            Expect::Command(Verb::Rcpt) if ok => {
                self.recipients += 1;
                self.phase = Phase::Rcpt;
            }
            Expect::Command(Verb::Data) if code == 354 => {
                self.body_lines = 0;
                self.body_headers = BodyHeaders::default();
                self.phase = Phase::Data;
            }
            Expect::Command(Verb::Data) => {}
            Expect::EndOfData | Expect::Command(Verb::Rset) => {
                // Accepted or refused, the transaction is over (RFC 5321 4.1.1.4, 4.1.1.5).
                self.reset_transaction();
                if self.phase != Phase::Closed {
                    self.phase = self.ready_phase();
                }
            }
            Expect::Command(Verb::Auth) | Expect::AuthAnswer { .. } if code == 334 => {
                let challenge = auth::decode_prompt(first);
                prompt = Some(challenge.clone());
                if let Some((_, last)) = &mut self.auth {
                    *last = challenge;
                }
                self.phase = Phase::AuthChallenge;
            }
            Expect::Command(Verb::Auth) | Expect::AuthAnswer { .. } => {
                if code == 235 {
                    self.authenticated = true;
                }
                self.auth = None;
                self.phase = self.ready_phase();
            }
            Expect::Command(Verb::StartTls) if code == 220 => {
                self.phase = Phase::TlsHandshake;
            }
            Expect::Command(Verb::Quit) if code == 221 => {
                self.phase = Phase::Closed;
            }
            _ => {}
        }
        if code == 421 {
            // "Service not available, closing transmission channel" (RFC 5321 3.8).
            self.phase = Phase::Closed;
            self.pending.clear();
        }
        Received {
            answered,
            enhanced,
            prompt,
            phase: self.phase,
            unsolicited,
        }
    }

    /// The server closed the connection.
    pub fn handle_closed(&mut self) {
        self.phase = Phase::Closed;
        self.pending.clear();
    }

    /// The phase outside a transaction: Ready once introduced, otherwise unchanged.
    fn ready_phase(&self) -> Phase {
        match (self.hello, self.phase) {
            (Some(_), _) => Phase::Ready,
            (None, Phase::Greeting) => Phase::Greeting,
            (None, _) => Phase::Hello,
        }
    }

    fn reset_transaction(&mut self) {
        self.recipients = 0;
        if matches!(self.phase, Phase::Mail | Phase::Rcpt | Phase::Data) {
            self.phase = Phase::Ready;
        }
    }

    // ---- predictions -------------------------------------------------------------------

    /// What sending `line` now will most likely lead to: the command's own findings plus
    /// what the session's state adds (sequence errors, unadvertised extensions, limits).
    /// An empty list means the line looks right.
    pub fn predict(&self, line: &str) -> Vec<Finding> {
        let mut findings = Vec::new();
        match self.phase {
            Phase::Data => self.predict_body_line(line, &mut findings),
            Phase::AuthChallenge if self.pending.is_empty() => {
                self.predict_auth_answer(line, &mut findings)
            }
            _ => {
                let command = Command::parse(line);
                findings.extend(command.findings.iter().cloned());
                self.predict_command(&command, &mut findings);
            }
        }
        findings
    }

    fn predict_command(&self, command: &Command<'_>, out: &mut Vec<Finding>) {
        let span = 0..command.line.text.len();
        let mut push = |severity, id, explanation: Text, reference| {
            out.push(Finding {
                severity,
                id,
                span: span.clone(),
                explanation,
                reference,
            });
        };
        let Some(verb) = command.line.verb else {
            return;
        };
        if self.phase != Phase::Greeting && !self.may_send_now() && verb != Verb::Quit {
            push(
                Severity::Warning,
                "wait-for-reply",
                t!(
                    "The server has not answered your previous line yet, and it did not advertise PIPELINING. Wait for its reply: servers may drop clients that talk ahead.",
                    "服务器还没有回复你的上一行，并且它没有声明支持 PIPELINING。请等待回复：服务器可能会断开抢先发送的客户端。"
                ),
                "RFC 5321 4.3.1",
            );
        }
        match self.phase {
            Phase::Greeting => push(
                Severity::Warning,
                "before-greeting",
                t!(
                    "The server has not sent its 220 greeting yet. Talking first is what spam bots do; many servers (Postfix's postscreen) disconnect such clients.",
                    "服务器还没有发送 220 欢迎信息。抢先发言是垃圾邮件程序的特征；许多服务器（如 Postfix 的 postscreen）会断开这类客户端。"
                ),
                "RFC 5321 3.1",
            ),
            Phase::Closed => push(
                Severity::Error,
                "session-closed",
                t!(
                    "The session is over; nothing will be read. Connect again to start a new one.",
                    "会话已结束，服务器不会再读取任何内容。请重新连接以开始新的会话。"
                ),
                "RFC 5321 4.1.1.10",
            ),
            Phase::TlsHandshake => push(
                Severity::Error,
                "during-tls-handshake",
                t!(
                    "STARTTLS was accepted and the TLS handshake is running; wait until it finishes, then send EHLO again.",
                    "STARTTLS 已被接受，正在进行 TLS 握手；请等待握手完成，然后重新发送 EHLO。"
                ),
                "RFC 3207 4.2",
            ),
            _ => {}
        }
        let introduced = !matches!(self.phase, Phase::Greeting | Phase::Hello);
        let in_transaction = matches!(self.phase, Phase::Mail | Phase::Rcpt);
        match verb {
            Verb::Mail | Verb::Rcpt | Verb::Data | Verb::Auth | Verb::Bdat | Verb::StartTls
                if self.phase == Phase::Hello =>
            {
                push(
                    Severity::Error,
                    "hello-first",
                    t!(
                        "Say EHLO (or HELO) first. Without it the server answers 503 5.5.1 (bad sequence of commands).",
                        "请先发送 EHLO（或 HELO）。否则服务器会回复 503 5.5.1（命令顺序错误）。"
                    ),
                    "RFC 5321 4.1.4",
                );
            }
            Verb::Mail if in_transaction => push(
                Severity::Error,
                "nested-mail",
                t!(
                    "A transaction is already open. Finish it with DATA, or send RSET first; a second MAIL FROM gets 503 5.5.1.",
                    "已经有一个邮件事务在进行中。请先用 DATA 完成它，或先发送 RSET；再次发送 MAIL FROM 会得到 503 5.5.1。"
                ),
                "RFC 5321 4.1.4",
            ),
            Verb::Rcpt if introduced && !in_transaction => push(
                Severity::Error,
                "rcpt-before-mail",
                t!(
                    "RCPT TO comes after MAIL FROM. Sent now it gets 503 5.5.1 (bad sequence of commands): send MAIL FROM:<you@example.com> first.",
                    "RCPT TO 必须在 MAIL FROM 之后。现在发送会得到 503 5.5.1（命令顺序错误）：请先发送 MAIL FROM:<you@example.com>。"
                ),
                "RFC 5321 4.1.4",
            ),
            Verb::Data | Verb::Bdat if introduced && self.phase != Phase::Rcpt => push(
                Severity::Error,
                "data-before-rcpt",
                t!(
                    "DATA needs MAIL FROM and at least one accepted RCPT TO first; the server answers 503 5.5.1 (Postfix: 'need RCPT command') or 554 (no valid recipients).",
                    "DATA 之前需要先有 MAIL FROM 和至少一个被接受的 RCPT TO；否则服务器会回复 503 5.5.1（Postfix 提示“need RCPT command”）或 554（没有有效收件人）。"
                ),
                "RFC 5321 4.1.4",
            ),
            Verb::Auth => self.predict_auth(command, &mut push),
            Verb::StartTls if self.tls => push(
                Severity::Error,
                "starttls-twice",
                t!(
                    "TLS is already on. A second STARTTLS gets 503 or 554.",
                    "TLS 已经开启。再次发送 STARTTLS 会得到 503 或 554。"
                ),
                "RFC 3207 4",
            ),
            Verb::StartTls if self.capabilities.is_some() && !self.advertises("STARTTLS") => push(
                Severity::Warning,
                "starttls-not-advertised",
                t!(
                    "The server did not list STARTTLS in its EHLO reply; expect 502 (not implemented) or 454 (TLS not available).",
                    "服务器的 EHLO 回复中没有列出 STARTTLS；预计会得到 502（未实现）或 454（TLS 不可用）。"
                ),
                "RFC 3207 4",
            ),
            Verb::Bdat if self.capabilities.is_some() && !self.advertises("CHUNKING") => push(
                Severity::Warning,
                "chunking-not-advertised",
                t!(
                    "The server did not advertise CHUNKING, so it does not know BDAT: expect 500 or 502. Use DATA.",
                    "服务器没有声明 CHUNKING，因此不支持 BDAT：预计会得到 500 或 502。请改用 DATA。"
                ),
                "RFC 3030 2",
            ),
            Verb::Mail => self.predict_mail(command, &mut push),
            _ => {}
        }
    }

    fn predict_auth(
        &self,
        command: &Command<'_>,
        push: &mut impl FnMut(Severity, &'static str, Text, &'static str),
    ) {
        if self.authenticated {
            push(
                Severity::Error,
                "auth-twice",
                t!(
                    "You are already logged in; a second AUTH gets 503 5.5.1.",
                    "你已经登录；再次发送 AUTH 会得到 503 5.5.1。"
                ),
                "RFC 4954 4",
            );
            return;
        }
        if matches!(self.phase, Phase::Mail | Phase::Rcpt) {
            push(
                Severity::Error,
                "auth-in-transaction",
                t!(
                    "AUTH is not allowed during a mail transaction; send it before MAIL FROM (or RSET first). Expect 503 5.5.1.",
                    "邮件事务进行中不允许 AUTH；请在 MAIL FROM 之前发送（或先 RSET）。预计会得到 503 5.5.1。"
                ),
                "RFC 4954 4",
            );
        }
        let Some(caps) = &self.capabilities else {
            if self.phase == Phase::Ready {
                push(
                    Severity::Warning,
                    "auth-after-helo",
                    t!(
                        "AUTH is an ESMTP extension: after HELO the server does not offer it. Say EHLO instead of HELO to see whether it does.",
                        "AUTH 是 ESMTP 扩展：用 HELO 打招呼时服务器不会提供它。请改用 EHLO，看服务器是否支持。"
                    ),
                    "RFC 4954 3",
                );
            }
            return;
        };
        let mechanisms = caps.auth_mechanisms();
        if mechanisms.is_empty() {
            if !self.tls && caps.has("STARTTLS") {
                push(
                    Severity::Error,
                    "auth-needs-tls",
                    t!(
                        "The server offers AUTH only after STARTTLS (it lists STARTTLS but no AUTH). Send STARTTLS, then EHLO again; AUTH now gets 503 5.5.1 or 530 5.7.0.",
                        "服务器只在 STARTTLS 之后才提供 AUTH（它列出了 STARTTLS 但没有 AUTH）。请先发送 STARTTLS，再重新 EHLO；现在发送 AUTH 会得到 503 5.5.1 或 530 5.7.0。"
                    ),
                    "RFC 3207 4, RFC 4954 4",
                );
            } else {
                push(
                    Severity::Error,
                    "auth-not-advertised",
                    t!(
                        "The server did not advertise AUTH; expect 503 5.5.1 or 502 (not implemented).",
                        "服务器没有声明 AUTH；预计会得到 503 5.5.1 或 502（未实现）。"
                    ),
                    "RFC 4954 3",
                );
            }
            return;
        }
        if let Args::Auth { mechanism, .. } = &command.args
            && !mechanism.is_empty()
            && !mechanisms.iter().any(|m| m.eq_ignore_ascii_case(mechanism))
        {
            push(
                Severity::Error,
                "auth-mechanism-not-offered",
                t!(
                    "The server does not offer this mechanism (see the AUTH line of its EHLO reply); expect 504 5.5.4 (unrecognized authentication type).",
                    "服务器不提供此认证机制（见其 EHLO 回复中的 AUTH 行）；预计会得到 504 5.5.4（无法识别的认证类型）。"
                ),
                "RFC 4954 4",
            );
        }
    }

    fn predict_mail(
        &self,
        command: &Command<'_>,
        push: &mut impl FnMut(Severity, &'static str, Text, &'static str),
    ) {
        let Args::Envelope { path, params } = &command.args else {
            return;
        };
        if self.hello == Some(Verb::Helo) && !params.is_empty() {
            push(
                Severity::Error,
                "params-after-helo",
                t!(
                    "ESMTP parameters need EHLO; after HELO the server answers 555 (parameters not recognized).",
                    "ESMTP 参数需要用 EHLO 打招呼；使用 HELO 后服务器会回复 555（参数无法识别）。"
                ),
                "RFC 5321 4.1.1.11",
            );
        }
        let Some(caps) = &self.capabilities else {
            return;
        };
        let has_param = |name: &str| params.iter().any(|p| p.keyword.eq_ignore_ascii_case(name));
        if let Some(limit) = caps.size_limit()
            && let Some(size) = params
                .iter()
                .find(|p| p.keyword.eq_ignore_ascii_case("SIZE"))
                .and_then(|p| p.value.as_deref()?.parse::<u64>().ok())
            && size > limit
        {
            push(
                Severity::Error,
                "size-over-limit",
                t!(
                    "The declared SIZE is larger than the server's advertised limit; expect 552 5.3.4 (message size exceeds fixed limit).",
                    "声明的 SIZE 超过了服务器声明的上限；预计会得到 552 5.3.4（邮件大小超过固定限制）。"
                ),
                "RFC 1870 6",
            );
        }
        for (param, keyword) in [
            ("SIZE", "SIZE"),
            ("SMTPUTF8", "SMTPUTF8"),
            ("REQUIRETLS", "REQUIRETLS"),
            ("RET", "DSN"),
            ("ENVID", "DSN"),
        ] {
            if has_param(param) && !caps.has(keyword) {
                push(
                    Severity::Warning,
                    "param-not-advertised",
                    t!(
                        "This parameter belongs to an extension the server did not advertise; expect 555 (parameter not recognized).",
                        "该参数所属的扩展服务器没有声明；预计会得到 555（参数无法识别）。"
                    ),
                    "RFC 5321 4.1.1.11",
                );
            }
        }
        let body_8bit = params.iter().any(|p| {
            p.keyword.eq_ignore_ascii_case("BODY")
                && p.value
                    .as_deref()
                    .is_some_and(|v| v.eq_ignore_ascii_case("8BITMIME"))
        });
        if body_8bit && !caps.has("8BITMIME") {
            push(
                Severity::Warning,
                "8bitmime-not-advertised",
                t!(
                    "BODY=8BITMIME needs the 8BITMIME extension, which the server did not advertise; expect 555.",
                    "BODY=8BITMIME 需要 8BITMIME 扩展，而服务器没有声明；预计会得到 555。"
                ),
                "RFC 6152 3",
            );
        }
        if path.as_ref().is_some_and(|p| p.is_utf8())
            && !(caps.has("SMTPUTF8") && has_param("SMTPUTF8"))
        {
            push(
                Severity::Error,
                "utf8-address-without-smtputf8",
                t!(
                    "A non-ASCII address needs a server that advertises SMTPUTF8 and the SMTPUTF8 parameter on MAIL FROM; expect 553 5.6.7 otherwise.",
                    "非 ASCII 地址要求服务器声明 SMTPUTF8，且 MAIL FROM 带上 SMTPUTF8 参数；否则预计会得到 553 5.6.7。"
                ),
                "RFC 6531 3.4",
            );
        }
    }

    fn predict_auth_answer(&self, line: &str, out: &mut Vec<Finding>) {
        let trimmed = line.trim();
        if trimmed == "*" {
            return;
        }
        if auth::decode(trimmed).is_err() {
            out.push(Finding {
                severity: Severity::Error,
                id: "auth-answer-not-base64",
                span: 0..line.len(),
                explanation: t!(
                    "The server waits for a base64 answer to its 334 challenge. Encode your text first (the AUTH helper does it), or send * to cancel. This line will get 501 or 535.",
                    "服务器在等待对 334 质询的 base64 回答。请先编码（AUTH 助手可以帮你），或发送 * 取消。直接发送这一行会得到 501 或 535。"
                ),
                reference: "RFC 4954 4",
            });
        }
    }

    fn predict_body_line(&self, line: &str, out: &mut Vec<Finding>) {
        let span = 0..line.len();
        let mut push = |severity, id, explanation, reference| {
            out.push(Finding {
                severity,
                id,
                span: span.clone(),
                explanation,
                reference,
            });
        };
        if line == "." {
            if !self.body_headers.from || !self.body_headers.subject {
                push(
                    Severity::Warning,
                    "message-without-headers",
                    t!(
                        "The message has no From: or no Subject: header. Real providers (163.com answers 554 DT:SPM) reject such mail as spam: start the message with subject:, from: and to: lines, then an empty line.",
                        "邮件缺少 From: 或 Subject: 邮件头。真实的邮件服务商（如 163.com 回复 554 DT:SPM）会把这类邮件当作垃圾邮件拒收：邮件开头应写 subject:、from:、to: 等行，然后空一行。"
                    ),
                    "RFC 5322 3.6",
                );
            }
            return;
        }
        if line.starts_with('.') {
            push(
                Severity::Warning,
                "leading-dot",
                t!(
                    "A line starting with a dot loses that dot: the server removes one leading dot (dot-stuffing). Type two dots to keep one.",
                    "以点号开头的行会丢失这个点：服务器会去掉开头的一个点（点号转义）。要保留一个点，请输入两个点。"
                ),
                "RFC 5321 4.5.2",
            );
        }
        if line.len() + 2 > limits::TEXT_LINE {
            push(
                Severity::Warning,
                "text-line-too-long",
                t!(
                    "Lines of message text may be at most 1000 octets with CRLF; longer ones may be refused or broken.",
                    "邮件正文每行（含 CRLF）最多 1000 个字节；更长的行可能被拒绝或被截断。"
                ),
                "RFC 5321 4.5.3.1.6",
            );
        }
        if !line.is_ascii() && !self.advertises("8BITMIME") {
            push(
                Severity::Warning,
                "eight-bit-text",
                t!(
                    "This line has non-ASCII characters but the server did not advertise 8BITMIME; encode the body (MIME quoted-printable or base64) to be safe.",
                    "这一行包含非 ASCII 字符，但服务器没有声明 8BITMIME；为保险起见，请对正文进行编码（MIME 的 quoted-printable 或 base64）。"
                ),
                "RFC 6152",
            );
        }
        if self.body_lines == 0 && !line.is_empty() && !looks_like_header(line) {
            push(
                Severity::Info,
                "body-without-headers",
                t!(
                    "Messages usually begin with headers (Subject:, From:, To:), then an empty line, then the text. Without them the mail shows no subject and spam filters may reject it.",
                    "邮件通常以邮件头开始（Subject:、From:、To:），然后空一行，再写正文。缺少邮件头时邮件没有主题，并且可能被垃圾邮件过滤器拒收。"
                ),
                "RFC 5322 2.1",
            );
        }
    }
}

/// Whether a line has the `Name: value` shape of a header field (RFC 5322 2.2).
fn looks_like_header(line: &str) -> bool {
    line.split_once(':').is_some_and(|(name, _)| {
        !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && b != b':')
    })
}

impl BodyHeaders {
    fn observe(&mut self, line: &[u8], number: usize) {
        if number == 1 {
            self.in_header = true;
        }
        if !self.in_header {
            return;
        }
        if line.is_empty() {
            self.in_header = false;
            return;
        }
        let text = String::from_utf8_lossy(line);
        if !looks_like_header(&text) && !line.starts_with(b" ") && !line.starts_with(b"\t") {
            self.in_header = false;
            return;
        }
        let name = text
            .split(':')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match name.as_str() {
            "from" => self.from = true,
            "to" => self.to = true,
            "subject" => self.subject = true,
            "date" => self.date = true,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
