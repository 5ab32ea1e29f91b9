//! What the remarks of transcript tools mean to the session, and their explanations:
//! a TLS handshake done or failed, the connection closed, a timeout, the client program's
//! own error, a typed line s_client kept for itself, a message swaks sent without showing.

use super::{Annotation, tr, tx};
use crate::finding::Severity;
use crate::lang::Lang;

/// What a note says happened, as far as the session is concerned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NoteEvent {
    /// Nothing the session needs: a banner, certificate details, a prompt.
    #[default]
    Other,
    /// The tool is connecting.
    Connecting,
    /// The TCP connection is up.
    Connected,
    /// The TLS handshake finished.
    TlsStarted,
    /// The TLS handshake (or a TLS read) failed.
    TlsFailed,
    /// The connection closed.
    Closed,
    /// The tool gave up waiting for the server.
    Timeout,
    /// The client program reported an error (swaks `***`, a Python traceback).
    ClientError,
    /// s_client read a typed line as its own command (`R` renegotiates, `Q` quits) and did
    /// not send it.
    NotSent,
    /// The message was sent but not shown (swaks `--suppress-data`: ` -> 11 lines sent`).
    MessageNotShown,
}

/// The explanation of a note.
pub(super) fn annotation(event: NoteEvent, lang: Lang) -> Annotation {
    let (id, severity, title, explanation) = match event {
        NoteEvent::Other => (
            "note",
            Severity::Info,
            tx!(lang, "Note", "备注"),
            String::new(),
        ),
        NoteEvent::Connecting => (
            "connecting",
            Severity::Info,
            tx!(lang, "Connecting", "正在连接"),
            tx!(
                lang,
                "The client opens the TCP connection; the server speaks first, with its 220 greeting.",
                "客户端正在建立 TCP 连接；服务器会先发言，发送 220 欢迎信息。"
            ),
        ),
        NoteEvent::Connected => (
            "connected",
            Severity::Info,
            tx!(lang, "Connected", "已连接"),
            tx!(
                lang,
                "The TCP connection is up. Wait for the server's 220 greeting before typing.",
                "TCP 连接已建立。请等服务器发来 220 欢迎信息后再输入。"
            ),
        ),
        NoteEvent::TlsStarted => (
            "tls-started",
            Severity::Success,
            tx!(lang, "TLS is on", "TLS 已开启"),
            tx!(
                lang,
                "The TLS handshake finished: the connection is encrypted from here on.",
                "TLS 握手已完成：从这里开始连接已加密。"
            ),
        ),
        NoteEvent::TlsFailed => (
            "tls-failed",
            Severity::Error,
            tx!(lang, "TLS failed", "TLS 失败"),
            tx!(
                lang,
                "The TLS handshake did not complete (often a certificate the client does not trust, or a plain-text port spoken to with TLS). Nothing more is exchanged on this connection.",
                "TLS 握手没有完成（常见原因：客户端不信任服务器证书，或对明文端口使用了 TLS）。这个连接上不会再交换任何内容。"
            ),
        ),
        NoteEvent::Closed => (
            "closed",
            Severity::Info,
            tx!(lang, "Connection closed", "连接已关闭"),
            tx!(
                lang,
                "The connection is closed; nothing more is read or sent.",
                "连接已关闭，不会再读取或发送任何内容。"
            ),
        ),
        NoteEvent::Timeout => (
            "timeout",
            Severity::Warning,
            tx!(lang, "No reply in time", "没有及时收到回复"),
            tx!(
                lang,
                "The client gave up waiting for the server's reply. The server may be slow on purpose (a tarpit or greet pause), or it did not see the end of the command (check the line endings).",
                "客户端等不到服务器的回复，放弃了。服务器可能是故意放慢（tarpit 或欢迎延迟），也可能没有识别到命令的结尾（请检查行尾）。"
            ),
        ),
        NoteEvent::ClientError => (
            "client-error",
            Severity::Error,
            tx!(
                lang,
                "The client program reports an error",
                "客户端程序报告错误"
            ),
            tx!(
                lang,
                "Not a line of the SMTP conversation: the client program's own message, usually about the reply just above it.",
                "这不是 SMTP 对话中的一行，而是客户端程序自己的信息，通常与上面刚收到的回复有关。"
            ),
        ),
        NoteEvent::NotSent => (
            "not-sent",
            Severity::Warning,
            tx!(
                lang,
                "s_client kept this line for itself",
                "s_client 没有发送这一行"
            ),
            tx!(
                lang,
                "openssl s_client reads a typed line that starts with R as 'renegotiate' and one that starts with Q as 'quit', so RCPT TO or QUIT never reached the server. Start s_client with -quiet (or -ign_eof), or type the verb in lower case.",
                "openssl s_client 会把以 R 开头的输入当作“重新协商”，以 Q 开头的当作“退出”，所以 RCPT TO 或 QUIT 根本没有发给服务器。请用 -quiet（或 -ign_eof）启动 s_client，或用小写输入命令。"
            ),
        ),
        NoteEvent::MessageNotShown => (
            "message-not-shown",
            Severity::Info,
            tx!(lang, "The message, not shown", "邮件内容（未显示）"),
            tx!(
                lang,
                "The tool sent the whole message here without printing it, ending with the line holding a single dot.",
                "工具在这里发送了整封邮件但没有显示，最后以只含一个点号的行结束。"
            ),
        ),
    };
    Annotation {
        id,
        severity,
        title,
        explanation,
        reference: String::new(),
        next_steps: Vec::new(),
        findings: Vec::new(),
    }
}

/// The title of a line s_client did not send, naming it.
pub(super) fn not_sent_title(text: &str, lang: Lang) -> String {
    let word = text.split_whitespace().next().unwrap_or_default();
    tr!(
        lang,
        "s_client did not send '{word}'",
        "s_client 没有发送“{word}”"
    )
}

/// Says on a "connection closed" line that the message under way was lost: the connection
/// ended before the server answered its end, so the server never took it (RFC 5321 6.1:
/// responsibility passes only with the reply to the final dot).
pub(super) fn message_lost(annotation: &mut Annotation, lang: Lang) {
    annotation.id = "closed-message-lost";
    annotation.severity = Severity::Warning;
    annotation.title = tx!(
        lang,
        "Connection closed: the message was not delivered",
        "连接已关闭：邮件没有投递"
    );
    annotation.explanation = tx!(
        lang,
        "The connection ended before the server answered the end of the message, so the server never accepted it. No reply is not a success: keep the message and send it again, whole, on a new connection (a mail server's queue retries by itself).",
        "连接在服务器答复邮件结尾之前就断开了，所以服务器从未接受这封邮件。没有回复不等于成功：请保留邮件，稍后在新连接上完整重发（邮件服务器的队列会自动重试）。"
    );
    annotation.reference = "RFC 5321 6.1".into();
    annotation.next_steps = vec![tx!(
        lang,
        "Connect again and send the whole message again",
        "重新连接，完整重发这封邮件"
    )];
}
