//! Annotations of complete replies: `explain_reply` decides what the reply means from the
//! server's words, its enhanced code, its code and what it answers; this file adds what
//! the session model knows about the pairing (a reply nothing asked for, replies missing
//! from the transcript, a pairing read from the reply alone).

use super::explain_reply::{ReplyFacts, Stage, enhanced_note, explain};
use super::{Annotation, tr, tx};
use crate::command::Verb;
use crate::finding::Severity;
use crate::lang::Lang;
use crate::reply::{Reply, ReplyError};
use crate::session::{ClientSession, Expect, Received};

/// A reply line that does not parse, or breaks the reply it belongs to.
pub(super) fn malformed(err: &ReplyError, lang: Lang) -> Annotation {
    let detail = err.to_string();
    Annotation {
        id: "malformed-reply",
        severity: Severity::Warning,
        title: tx!(lang, "Not a valid reply line", "不是有效的回复行"),
        explanation: tr!(
            lang,
            "Every server line must start with a three-digit code followed by a space (last line) or '-' (more lines follow): {detail}.",
            "服务器发送的每一行都必须以三位数字回复码开头，后跟空格（最后一行）或“-”（还有后续行）：{detail}。"
        ),
        reference: "RFC 5321 4.2".into(),
        next_steps: Vec::new(),
        findings: Vec::new(),
    }
}

/// What the session model's pairing means for the explanation.
pub(super) struct Pairing<'a> {
    /// The client line the reply answers, as shown, when the transcript has it.
    pub line: Option<&'a str>,
    /// That line was an AUTH cancel (`*`).
    pub cancel: bool,
    /// Octets of the message sent before the reply (for the reply to the final dot).
    pub message_octets: u64,
}

/// Explains a complete reply in the context of the command it answered.
pub(super) fn annotate(
    received: &Received,
    reply: &Reply,
    session: &ClientSession,
    pairing: &Pairing<'_>,
    lang: Lang,
) -> Annotation {
    let code = reply.code.get();
    let stage = stage(&received.answered);
    let text = reply.text();
    let facts = ReplyFacts {
        stage,
        code,
        enhanced: received.enhanced,
        text,
        line_count: reply.line_count(),
        command: pairing.line,
        prompt: received.prompt.as_ref(),
        cancel: pairing.cancel && stage == Stage::AuthAnswer,
        capabilities: session.capabilities(),
        tls: session.is_tls(),
        authenticated: session.is_authenticated(),
        recipients: session.recipients(),
        message_octets: (stage == Stage::EndOfData && pairing.message_octets > 0)
            .then_some(pairing.message_octets),
    };
    let explained = explain(&facts, lang);
    let mut explanation = explained.explanation;
    // `2.0.0` says no more than the 2 of the code.
    let plain_success = received
        .enhanced
        .is_some_and(|e| e.class == 2 && e.subject == 0 && e.detail == 0);
    if let Some(note) = enhanced_note(&facts, lang).filter(|_| !plain_success) {
        explanation.push('\n');
        explanation.push_str(&note);
    }
    if received.unsolicited && code != 421 {
        explanation.push_str(&tx!(lang, "\nNothing was waiting for this reply: the server answered more lines than it was sent, or spoke first.", "\n没有命令在等待这个回复：服务器回复的行数多于收到的命令，或者它抢先发言了。"));
    }
    if received.inferred {
        let what = received.answered.as_str();
        explanation.push_str(&tr!(
            lang,
            "\nThe transcript does not show what the client sent; from its code and words this reply most likely answers {what}.",
            "\n记录中没有客户端发送的内容；从回复码和文字看，它很可能是对 {what} 的回复。"
        ));
    }
    if !received.skipped.is_empty() {
        let missing: Vec<&str> = received.skipped.iter().map(Expect::as_str).collect();
        let missing = missing.join(", ");
        explanation.push_str(&tr!(
            lang,
            "\nThis reply can only answer a later command, so the replies to {missing} are missing: the transcript left them out, or the server never sent them.",
            "\n这个回复只能对应后面的命令，所以对 {missing} 的回复缺失了：要么记录中省略了，要么服务器根本没有发送。"
        ));
    }
    let title = explained.title;
    Annotation {
        id: explained.id,
        severity: explained.severity,
        title: format!("{code} · {title}"),
        explanation,
        reference: explained.reference.to_owned(),
        next_steps: explained.next_steps,
        findings: Vec::new(),
    }
}

/// What the reply answers, in the terms of `explain_reply`.
fn stage(answered: &Expect) -> Stage {
    match answered {
        Expect::Greeting => Stage::Greeting,
        Expect::Unknown => Stage::UnknownCommand,
        Expect::AuthAnswer { .. } => Stage::AuthAnswer,
        Expect::EndOfData => Stage::EndOfData,
        Expect::Nothing => Stage::Nothing,
        Expect::Command(verb) => match verb {
            Verb::Helo => Stage::Helo,
            Verb::Ehlo => Stage::Ehlo,
            Verb::Mail => Stage::Mail,
            Verb::Rcpt => Stage::Rcpt,
            Verb::Data => Stage::Data,
            Verb::Rset => Stage::Rset,
            Verb::Vrfy => Stage::Vrfy,
            Verb::Expn => Stage::Expn,
            Verb::Help => Stage::Help,
            Verb::Noop => Stage::Noop,
            Verb::Quit => Stage::Quit,
            Verb::Auth => Stage::Auth,
            Verb::StartTls => Stage::StartTls,
            Verb::Bdat => Stage::Bdat,
            Verb::Etrn => Stage::Etrn,
        },
    }
}
