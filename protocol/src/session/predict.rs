//! Predictions: what a line the user is about to send will most likely get, judged
//! against the session as it will be when the line arrives, that is after every command
//! still waiting for its reply, as RFC 2920 pipelining sends them.

use super::body::looks_like_header;
use super::{ClientSession, Expect, Phase};
use crate::auth;
use crate::command::{Args, Command, Verb};
use crate::finding::{Finding, Severity, SpanFindings};
use crate::lang::{Text, t};
use crate::limits;

/// The commands RFC 2920 3.1 lets a client send without waiting for their replies.
fn pipelinable(owed: &Expect) -> bool {
    matches!(
        owed,
        Expect::Command(Verb::Mail | Verb::Rcpt | Verb::Rset | Verb::Bdat) | Expect::EndOfData
    )
}

/// The session as it will be once the outstanding commands are answered as hoped.
#[derive(Debug, Clone, Copy)]
struct Projection {
    phase: Phase,
    /// HELO or EHLO known to be said (or about to be).
    hello: Option<Verb>,
    /// The command whose reply must come before anything else is sent, if any.
    blocking: Option<Verb>,
}

impl ClientSession {
    fn project(&self) -> Projection {
        let pipelining = self.advertises("PIPELINING");
        let mut p = Projection {
            phase: self.phase,
            hello: self.hello,
            blocking: None,
        };
        for owed in self.pending() {
            match owed {
                Expect::Command(verb @ (Verb::Ehlo | Verb::Helo)) => {
                    p.phase = Phase::Ready;
                    p.hello = Some(*verb);
                }
                Expect::Command(Verb::Mail) => p.phase = Phase::Mail,
                Expect::Command(Verb::Rcpt) if p.phase == Phase::Mail => p.phase = Phase::Rcpt,
                Expect::Command(Verb::Rset) | Expect::EndOfData => {
                    if matches!(p.phase, Phase::Mail | Phase::Rcpt | Phase::Data) {
                        p.phase = Phase::Ready;
                    }
                }
                Expect::Command(Verb::StartTls) => p.phase = Phase::TlsHandshake,
                Expect::Command(Verb::Quit) => p.phase = Phase::Closed,
                _ => {}
            }
            if !(pipelining && pipelinable(owed)) && p.blocking.is_none() {
                p.blocking = Some(match owed {
                    Expect::Command(verb) => *verb,
                    Expect::AuthAnswer { .. } => Verb::Auth,
                    _ => Verb::Noop,
                });
            }
        }
        p
    }

    /// What sending `line` now will most likely lead to: the command's own findings plus
    /// what the session's state adds (sequence errors, unadvertised extensions, limits).
    /// An empty list means the line looks right.
    pub fn predict(&self, line: &str) -> Vec<Finding> {
        let mut findings = Vec::new();
        if self.in_bdat_chunk() {
            // Chunk data: octets, not lines to judge (RFC 3030 2).
        } else if self.phase == Phase::Data {
            self.predict_body_line(line, &mut findings);
        } else if self.expects_auth_answer() {
            self.predict_auth_answer(line, &mut findings);
        } else if let Some(canonical) = super::server_reading(line) {
            // Servers differ here: the RFC's syntax has no white space around the verb.
            findings.push(Finding {
                severity: Severity::Warning,
                id: "spaced-verb",
                span: 0..line.len(),
                explanation: t!(
                    "White space or a control character around the verb: Postfix and Exim skip it and run the command, stricter servers answer 500. Type the verb at the start of the line.",
                    "命令动词前后有空白或控制字符：Postfix 和 Exim 会忽略它并执行命令，更严格的服务器会回复 500。请把命令动词写在行首。"
                ),
                reference: "RFC 5321 4.1.1",
            });
            let command = Command::parse(&canonical);
            self.predict_command(&command, &mut findings);
        } else {
            let command = Command::parse(line);
            findings.extend(command.findings.iter().cloned());
            self.predict_command(&command, &mut findings);
        }
        findings
    }

    fn predict_command(&self, command: &Command<'_>, out: &mut Vec<Finding>) {
        let span = 0..command.line.text.len();
        let mut found = SpanFindings::new(span, out);
        let projected = self.project();
        if self.phase != Phase::Greeting
            && let Some(blocking) = projected.blocking
        {
            if self.advertises("PIPELINING") {
                found.push(
                    Severity::Warning,
                    "pipelining-not-last",
                    pipelining_not_last(blocking),
                    "RFC 2920 3.1",
                );
            } else {
                found.push(
                    Severity::Warning,
                    "wait-for-reply",
                    t!(
                        "The server has not answered the previous command yet and did not advertise PIPELINING, so the client must wait for each reply. Strict servers (Exim) answer 554 SMTP synchronization error to a client that talks ahead.",
                        "服务器还没有回复上一条命令，并且没有声明 PIPELINING，所以客户端必须逐条等待回复。严格的服务器（如 Exim）会对抢先发送的客户端回复 554 SMTP synchronization error。"
                    ),
                    "RFC 5321 4.3.1, RFC 2920 3.1",
                );
            }
        }
        let Some(verb) = command.line.verb else {
            return;
        };
        match self.phase {
            Phase::Greeting => found.push(
                Severity::Warning,
                "before-greeting",
                t!(
                    "The server has not sent its 220 greeting yet. Talking first is what spam bots do; many servers (Postfix's postscreen, Exim) disconnect such clients.",
                    "服务器还没有发送 220 欢迎信息。抢先发言是垃圾邮件程序的特征；许多服务器（如 Postfix 的 postscreen、Exim）会断开这类客户端。"
                ),
                "RFC 5321 3.1",
            ),
            Phase::Closed => found.push(
                Severity::Error,
                "session-closed",
                t!(
                    "The session is over; nothing will be read. Connect again to start a new one.",
                    "会话已结束，服务器不会再读取任何内容。请重新连接以开始新的会话。"
                ),
                "RFC 5321 4.1.1.10",
            ),
            Phase::TlsHandshake => found.push(
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
        if self.partial || projected.blocking.is_some() {
            // What came before is unknown, or the previous command's outcome decides: a
            // sequence prediction would be a guess.
            if matches!(verb, Verb::Mail | Verb::Rcpt) {
                let own = self.predict_mail(command, &mut found);
                out.extend(own);
            }
            return;
        }
        let phase = projected.phase;
        let introduced = !matches!(phase, Phase::Greeting | Phase::Hello);
        let in_transaction = matches!(phase, Phase::Mail | Phase::Rcpt);
        match verb {
            Verb::Mail | Verb::Rcpt | Verb::Data | Verb::Auth | Verb::Bdat | Verb::StartTls
                if phase == Phase::Hello =>
            {
                found.push(
                    Severity::Error,
                    "hello-first",
                    t!(
                        "Say EHLO (or HELO) first. Without it the server answers 503 5.5.1 (bad sequence of commands).",
                        "请先发送 EHLO（或 HELO）。否则服务器会回复 503 5.5.1（命令顺序错误）。"
                    ),
                    "RFC 5321 4.1.4",
                );
            }
            Verb::Mail if in_transaction => found.push(
                Severity::Error,
                "nested-mail",
                t!(
                    "A transaction is already open. Finish it with DATA, or send RSET first; a second MAIL FROM gets 503 5.5.1.",
                    "已经有一个邮件事务在进行中。请先用 DATA 完成它，或先发送 RSET；再次发送 MAIL FROM 会得到 503 5.5.1。"
                ),
                "RFC 5321 4.1.4",
            ),
            Verb::Rcpt if introduced && !in_transaction => found.push(
                Severity::Error,
                "rcpt-before-mail",
                t!(
                    "RCPT TO comes after MAIL FROM. Sent now it gets 503 5.5.1 (bad sequence of commands): send MAIL FROM:<you@example.com> first.",
                    "RCPT TO 必须在 MAIL FROM 之后。现在发送会得到 503 5.5.1（命令顺序错误）：请先发送 MAIL FROM:<you@example.com>。"
                ),
                "RFC 5321 4.1.4",
            ),
            Verb::Data | Verb::Bdat if introduced && phase != Phase::Rcpt => found.push(
                Severity::Error,
                "data-before-rcpt",
                t!(
                    "DATA needs MAIL FROM and at least one accepted RCPT TO first; the server answers 503 5.5.1 (Postfix: 'need RCPT command') or 554 (no valid recipients).",
                    "DATA 之前需要先有 MAIL FROM 和至少一个被接受的 RCPT TO；否则服务器会回复 503 5.5.1（Postfix 提示“need RCPT command”）或 554（没有有效收件人）。"
                ),
                "RFC 5321 4.1.4",
            ),
            Verb::Auth => self.predict_auth(command, &mut found),
            Verb::StartTls if self.tls => found.push(
                Severity::Error,
                "starttls-twice",
                t!(
                    "TLS is already on. A second STARTTLS gets 503 or 554.",
                    "TLS 已经开启。再次发送 STARTTLS 会得到 503 或 554。"
                ),
                "RFC 3207 4",
            ),
            Verb::StartTls if self.capabilities.is_some() && !self.advertises("STARTTLS") => found.push(
                Severity::Warning,
                "starttls-not-advertised",
                t!(
                    "The server did not list STARTTLS in its EHLO reply; expect 502 (not implemented) or 454 (TLS not available).",
                    "服务器的 EHLO 回复中没有列出 STARTTLS；预计会得到 502（未实现）或 454（TLS 不可用）。"
                ),
                "RFC 3207 4",
            ),
            Verb::Bdat if self.capabilities.is_some() && !self.advertises("CHUNKING") => found.push(
                Severity::Warning,
                "chunking-not-advertised",
                t!(
                    "The server did not advertise CHUNKING, so it does not know BDAT: expect 500 or 502. Use DATA.",
                    "服务器没有声明 CHUNKING，因此不支持 BDAT：预计会得到 500 或 502。请改用 DATA。"
                ),
                "RFC 3030 2",
            ),
            Verb::Mail | Verb::Rcpt => {
                let own = self.predict_mail(command, &mut found);
                out.extend(own);
            }
            _ => {}
        }
    }

    fn predict_auth(&self, command: &Command<'_>, found: &mut SpanFindings<'_>) {
        if self.authenticated {
            found.push(
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
            found.push(
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
                found.push(
                    Severity::Info,
                    "auth-after-helo",
                    t!(
                        "AUTH is an ESMTP extension: strictly, a client says EHLO first to learn whether and how the server offers it. Most servers accept AUTH after HELO anyway.",
                        "AUTH 是 ESMTP 扩展：严格来说，客户端应先用 EHLO 了解服务器是否提供认证以及提供哪些方式。不过多数服务器（如教程中的 163.com）在 HELO 之后也接受 AUTH。"
                    ),
                    "RFC 4954 3",
                );
            }
            return;
        };
        let mechanisms = caps.auth_mechanisms();
        if mechanisms.is_empty() {
            if !self.tls && caps.has("STARTTLS") {
                found.push(
                    Severity::Error,
                    "auth-needs-tls",
                    t!(
                        "The server offers AUTH only after STARTTLS (it lists STARTTLS but no AUTH). Send STARTTLS, then EHLO again; AUTH now gets 503 5.5.1 or 530 5.7.0.",
                        "服务器只在 STARTTLS 之后才提供 AUTH（它列出了 STARTTLS 但没有 AUTH）。请先发送 STARTTLS，再重新 EHLO；现在发送 AUTH 会得到 503 5.5.1 或 530 5.7.0。"
                    ),
                    "RFC 3207 4, RFC 4954 4",
                );
            } else {
                found.push(
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
            found.push(
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

    /// Predictions for MAIL FROM and RCPT TO parameters. Pushes findings about the whole
    /// line; returns those about one parameter.
    fn predict_mail(&self, command: &Command<'_>, found: &mut SpanFindings<'_>) -> Vec<Finding> {
        let mut own = Vec::new();
        let Args::Envelope { path, params } = &command.args else {
            return own;
        };
        if self.hello == Some(Verb::Helo) && !params.is_empty() {
            found.push(
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
            return own;
        };
        let has_param = |name: &str| params.iter().any(|p| p.keyword.eq_ignore_ascii_case(name));
        let is_mail = command.line.verb == Some(Verb::Mail);
        if let Some(limit) = caps.size_limit().filter(|_| is_mail)
            && let Some(size) = params
                .iter()
                .find(|p| p.keyword.eq_ignore_ascii_case("SIZE"))
                .and_then(|p| p.value.as_deref()?.parse::<u64>().ok())
            && size > limit
        {
            found.push(
                Severity::Error,
                "size-over-limit",
                t!(
                    "The declared SIZE is larger than the server's advertised limit; expect 552 5.3.4 (message size exceeds fixed limit).",
                    "声明的 SIZE 超过了服务器声明的上限；预计会得到 552 5.3.4（邮件大小超过固定限制）。"
                ),
                "RFC 1870 6",
            );
        }
        for param in params {
            let extension = match param.keyword.to_ascii_uppercase().as_str() {
                "SIZE" => "SIZE",
                "SMTPUTF8" => "SMTPUTF8",
                "REQUIRETLS" => "REQUIRETLS",
                "RET" | "ENVID" | "NOTIFY" | "ORCPT" => "DSN",
                "AUTH" => "AUTH",
                _ => continue,
            };
            if !caps.has(extension) {
                // About one parameter: its span lets the explanation name it.
                own.push(Finding {
                    severity: Severity::Warning,
                    id: "param-not-advertised",
                    span: param.span.clone(),
                    explanation: t!(
                        "This parameter belongs to an extension the server did not advertise in its EHLO reply; expect 555 (parameter not recognized).",
                        "该参数所属的扩展没有出现在服务器的 EHLO 回复中；预计会得到 555（参数无法识别）。"
                    ),
                    reference: "RFC 5321 4.1.1.11",
                });
            }
        }
        let body_8bit = params.iter().any(|p| {
            p.keyword.eq_ignore_ascii_case("BODY")
                && p.value
                    .as_deref()
                    .is_some_and(|v| v.eq_ignore_ascii_case("8BITMIME"))
        });
        if body_8bit && !caps.has("8BITMIME") {
            found.push(
                Severity::Warning,
                "8bitmime-not-advertised",
                t!(
                    "BODY=8BITMIME needs the 8BITMIME extension, which the server did not advertise; expect 555.",
                    "BODY=8BITMIME 需要 8BITMIME 扩展，而服务器没有声明；预计会得到 555。"
                ),
                "RFC 6152 3",
            );
        }
        if is_mail
            && path.as_ref().is_some_and(|p| p.is_utf8())
            && !(caps.has("SMTPUTF8") && has_param("SMTPUTF8"))
        {
            found.push(
                Severity::Error,
                "utf8-address-without-smtputf8",
                t!(
                    "A non-ASCII address needs a server that advertises SMTPUTF8 and the SMTPUTF8 parameter on MAIL FROM; expect 553 5.6.7 otherwise.",
                    "非 ASCII 地址要求服务器声明 SMTPUTF8，且 MAIL FROM 带上 SMTPUTF8 参数；否则预计会得到 553 5.6.7。"
                ),
                "RFC 6531 3.4",
            );
        }
        own
    }

    fn predict_auth_answer(&self, line: &str, out: &mut Vec<Finding>) {
        let trimmed = line.trim();
        if trimmed == "*" {
            return;
        }
        let span = 0..line.len();
        let verb = Command::parse(trimmed).line.verb;
        if is_bare_command(trimmed) || verb.is_some() && trimmed.contains(' ') {
            out.push(Finding {
                severity: Severity::Warning,
                id: "command-during-auth",
                span: span.clone(),
                explanation: t!(
                    "The server is waiting for the answer to its 334 challenge, so this line is taken as that answer, not as a command. Send * to cancel the AUTH exchange first.",
                    "服务器正在等待对 334 质询的回答，所以这一行会被当作回答，而不是命令。请先发送 * 取消认证交互。"
                ),
                reference: "RFC 4954 4",
            });
            return;
        }
        if auth::decode(trimmed).is_err() {
            out.push(Finding {
                severity: Severity::Error,
                id: "auth-answer-not-base64",
                span,
                explanation: t!(
                    "The server waits for a base64 answer to its 334 challenge. Encode your text first (the AUTH helper does it), or send * to cancel. A line that is not base64 gets 501 (RFC 4954 4).",
                    "服务器在等待对 334 质询的 base64 回答。请先编码（AUTH 助手可以帮你），或发送 * 取消。不是 base64 的回答会得到 501（RFC 4954 第 4 节）。"
                ),
                reference: "RFC 4954 4",
            });
        }
    }

    fn predict_body_line(&self, line: &str, out: &mut Vec<Finding>) {
        let span = 0..line.len();
        let mut found = SpanFindings::new(span, out);
        if line == "." {
            if !self.body_headers.from || !self.body_headers.subject {
                found.push(
                    Severity::Info,
                    "message-without-headers",
                    t!(
                        "The message has no From: or no Subject: header. Some providers' spam filters reject such mail (often with a 554 after the final dot): start the message with Subject:, From: and To: lines, then an empty line.",
                        "邮件缺少 From: 或 Subject: 邮件头。一些邮件服务商的过滤器（如 163.com 回复 554 DT:SPM）会把这类邮件当作垃圾邮件拒收：邮件开头应写 Subject:、From:、To: 等行，然后空一行。"
                    ),
                    "RFC 5322 3.6",
                );
            }
            return;
        }
        if self.data_assumed && self.body_lines == 0 {
            found.push(
                Severity::Warning,
                "pipelining-not-last",
                pipelining_not_last(Verb::Data),
                "RFC 2920 3.1",
            );
        }
        if line.starts_with('.') && !line.starts_with("..") {
            found.push(
                Severity::Warning,
                "leading-dot",
                t!(
                    "This line starts with a single dot, so the server removes it (dot-stuffing): the message will hold the line without its first dot. To keep one dot, send two.",
                    "这一行以单个点号开头，服务器会去掉这个点（点号转义）：邮件中这一行将没有开头的点。要保留一个点，请发送两个点。"
                ),
                "RFC 5321 4.5.2",
            );
        }
        if line.len() + 2 > limits::TEXT_LINE {
            found.push(
                Severity::Warning,
                "text-line-too-long",
                t!(
                    "Lines of message text may be at most 1000 octets with CRLF; longer ones may be refused or broken.",
                    "邮件正文每行（含 CRLF）最多 1000 个字节；更长的行可能被拒绝或被截断。"
                ),
                "RFC 5321 4.5.3.1.6",
            );
        }
        if !line.is_ascii() && self.capabilities.is_some() && !self.advertises("8BITMIME") {
            found.push(
                Severity::Info,
                "eight-bit-text",
                t!(
                    "This line has non-ASCII characters but the server did not advertise 8BITMIME; some servers refuse or damage 8-bit text. MIME encoding (quoted-printable or base64) is the safe way.",
                    "这一行包含非 ASCII 字符，但服务器没有声明 8BITMIME；有些服务器会拒收或损坏 8 位文本。使用 MIME 编码（quoted-printable 或 base64）最稳妥。"
                ),
                "RFC 6152",
            );
        }
        if is_bare_command(line) {
            found.push(
                Severity::Warning,
                "command-in-message",
                t!(
                    "You are still inside the message: this line is message text, not a command. End the message first with a line holding a single dot.",
                    "你仍在邮件内容中：这一行是邮件正文，而不是命令。请先用只含一个点号的行结束邮件。"
                ),
                "RFC 5321 4.1.1.4",
            );
        }
        if self.body_lines == 0 && !line.is_empty() && !looks_like_header(line) {
            found.push(
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

/// A line that is plainly an SMTP command typed on its own: `QUIT`, `RSET`, `DATA`,
/// `NOOP`, `STARTTLS`, `HELP`, `MAIL FROM:<...>` (the null sender `<>` too),
/// `RCPT TO:<...>`, `AUTH LOGIN` / `AUTH PLAIN ...`, `EHLO name`, `HELO name`.
fn is_bare_command(line: &str) -> bool {
    let upper = line.trim().to_ascii_uppercase();
    matches!(
        upper.as_str(),
        "QUIT" | "RSET" | "DATA" | "NOOP" | "STARTTLS" | "HELP"
    ) || ["MAIL FROM:", "RCPT TO:"]
        .iter()
        .any(|p| upper.starts_with(p) && upper.contains(['@', '<']))
        || ["AUTH LOGIN", "AUTH PLAIN", "AUTH CRAM-MD5"]
            .iter()
            .any(|p| upper.starts_with(p))
        || ["EHLO ", "HELO "]
            .iter()
            .any(|p| upper.starts_with(p) && !upper[5..].contains(' '))
}

/// The RFC 2920 3.1 rule broken by sending a line while `blocking` is unanswered.
fn pipelining_not_last(blocking: Verb) -> Text {
    match blocking {
        Verb::Data => t!(
            "DATA must be the last command of a pipelined batch: wait for its 354 before sending the message. Sent now, this line arrives before the server is ready for it.",
            "DATA 必须是流水线批次中的最后一条命令：请等收到 354 后再发送邮件内容。现在发送，这一行会在服务器准备好之前到达。"
        ),
        _ => t!(
            "The previous command (EHLO, DATA, AUTH, STARTTLS, VRFY, EXPN, NOOP or QUIT) must be the last of a pipelined batch: wait for its reply before sending more. Exim answers 554 SMTP synchronization error to this.",
            "上一条命令（EHLO、DATA、AUTH、STARTTLS、VRFY、EXPN、NOOP 或 QUIT）必须是流水线批次中的最后一条：请等它的回复到达后再发送。Exim 对此会回复 554 SMTP synchronization error。"
        ),
    }
}
