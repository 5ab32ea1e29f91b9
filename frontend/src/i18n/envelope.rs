//! The words of the message view's "envelope and header fields" part, in both languages
//! (the comparison itself is `protocol::message`).

use protocol::lang::Lang;
use protocol::message::{Field, Group, RecipientStatus};
use protocol::tr;

/// The fixed words of the envelope part in one language.
#[derive(Debug)]
pub struct EnvelopeUi {
    /// The part's heading.
    pub title: &'static str,
    /// What the envelope is, and why it differs from the headers.
    pub intro: &'static str,
    /// The heading of the sender rows.
    pub senders: &'static str,
    /// The heading of the recipient rows.
    pub recipients: &'static str,
    /// After `<>` in the MAIL FROM row.
    pub null_sender: &'static str,
    /// A sender field that names the MAIL FROM address.
    pub same_as_mail_from: &'static str,
    /// A sender field that does not.
    pub differs_from_mail_from: &'static str,
    /// The message has no Return-Path.
    pub no_return_path: &'static str,
    /// The message has no From.
    pub no_from: &'static str,
    /// A recipient given in RCPT TO.
    pub in_rcpt_to: &'static str,
    /// A recipient not given in RCPT TO.
    pub not_in_rcpt_to: &'static str,
    /// A recipient no header field names.
    pub in_no_header: &'static str,
    /// The header writes the local part in another case.
    pub case_differs: &'static str,
    /// Each [`RecipientStatus`]: a short label, then one sentence why.
    pub named: [&'static str; 2],
    /// See [`Self::named`].
    pub blind: [&'static str; 2],
    /// See [`Self::named`].
    pub bcc_field: [&'static str; 2],
    /// See [`Self::named`].
    pub not_delivered: [&'static str; 2],
}

impl EnvelopeUi {
    /// The label and the sentence for `status`.
    pub fn status(&self, status: RecipientStatus) -> [&'static str; 2] {
        match status {
            RecipientStatus::Named => self.named,
            RecipientStatus::Blind => self.blind,
            RecipientStatus::BccField => self.bcc_field,
            RecipientStatus::NotDelivered => self.not_delivered,
        }
    }
}

const EN: EnvelopeUi = EnvelopeUi {
    title: "Envelope and header fields",
    intro: "The envelope (MAIL FROM, RCPT TO) decides who gets the message and where bounces go; the header fields (From:, To:, Cc:) are only what the reader sees. They often differ.",
    senders: "Sender",
    recipients: "Recipients",
    null_sender: "the null sender: a bounce or notice, which nobody may answer",
    same_as_mail_from: "same as MAIL FROM",
    differs_from_mail_from: "not MAIL FROM: readers see this one, bounces go to MAIL FROM",
    no_return_path: "none yet: the server that puts the message in the final mailbox adds it, copied from MAIL FROM (RFC 5321 4.4).",
    no_from: "none: RFC 5322 requires a From: field; many servers refuse or mark mail without one.",
    in_rcpt_to: "in RCPT TO",
    not_in_rcpt_to: "not in RCPT TO",
    in_no_header: "in no header field",
    case_differs: "The header field writes the part before @ in another case; most servers deliver both to one mailbox (RFC 5321 2.4).",
    named: [
        "delivered",
        "In RCPT TO and in To: or Cc:: delivered here, and every recipient sees the name.",
    ],
    blind: [
        "blind copy (Bcc)",
        "Blind copy: RCPT TO gave this address to the server, but no To: or Cc: names it. That is how Bcc works: the sending program puts Bcc recipients in the envelope only, so the others never see them (RFC 5322 3.6.3).",
    ],
    bcc_field: [
        "Bcc, field kept",
        "In RCPT TO, and named only in a Bcc: field that arrived with the message. RFC 5322 3.6.3 allows that, but most programs remove Bcc: before sending, so that nobody sees who else got a copy.",
    ],
    not_delivered: [
        "named in the headers but not delivered here",
        "Named in a header field but not in this session's RCPT TO: this delivery did not send it there. The sender may deliver it in another session or to another server, or left it out.",
    ],
};

const ZH: EnvelopeUi = EnvelopeUi {
    title: "信封与邮件头字段",
    intro: "信封（MAIL FROM、RCPT TO）决定谁收到邮件、退信发往哪里；邮件头字段（From:、To:、Cc:）只是读者看到的内容。两者常常不同。",
    senders: "发件人",
    recipients: "收件人",
    null_sender: "空发件人：退信或通知，任何人都不应回复",
    same_as_mail_from: "与 MAIL FROM 相同",
    differs_from_mail_from: "不是 MAIL FROM：读者看到的是它，退信发往 MAIL FROM",
    no_return_path: "暂无：把邮件放入最终邮箱的服务器会添加它，内容取自 MAIL FROM（RFC 5321 4.4）。",
    no_from: "没有：RFC 5322 要求必须有 From: 字段；很多服务器会拒收或标记缺少它的邮件。",
    in_rcpt_to: "在 RCPT TO 中",
    not_in_rcpt_to: "不在 RCPT TO 中",
    in_no_header: "不在任何邮件头字段中",
    case_differs: "邮件头字段中 @ 前面部分的大小写不同；大多数服务器会投递到同一个邮箱（RFC 5321 2.4）。",
    named: [
        "已投递",
        "在 RCPT TO 中，也在 To: 或 Cc: 中：已投递到这里，所有收件人都能看到这个名字。",
    ],
    blind: [
        "密送（Bcc）",
        "密送：RCPT TO 把这个地址交给了服务器，但 To: 和 Cc: 都没有写它。Bcc 就是这样工作的：发送程序只把密送收件人放进信封，其他收件人因此看不到他们（RFC 5322 3.6.3）。",
    ],
    bcc_field: [
        "密送，保留了 Bcc 字段",
        "在 RCPT TO 中，且只出现在随邮件到达的 Bcc: 字段里。RFC 5322 3.6.3 允许这样，但大多数程序在发送前会删掉 Bcc:，让谁也看不到还有谁收到了副本。",
    ],
    not_delivered: [
        "只写在邮件头中，未投递到这里",
        "邮件头字段写了它，但本次会话的 RCPT TO 中没有：这次投递没有发给它。发件人可能在另一次会话中或向另一台服务器投递，也可能漏掉了。",
    ],
};

/// The envelope part's words in `lang`.
pub fn envelope(lang: Lang) -> &'static EnvelopeUi {
    match lang {
        Lang::En => &EN,
        Lang::ZhCn => &ZH,
    }
}

/// A group in a recipient field, as a sentence.
pub fn group_note(lang: Lang, group: &Group) -> String {
    let field = group.field.name();
    let name = &group.name;
    let n = group.members;
    if n == 0 {
        tr!(
            lang,
            "{field}: holds the group “{name}” with no address in it: the sender hid every recipient.",
            "{field}: 是一个不含任何地址的组“{name}”：发件人隐藏了所有收件人。"
        )
    } else {
        tr!(
            lang,
            "{field}: holds the group “{name}” with {n} address(es); they are listed above.",
            "{field}: 是组“{name}”，含 {n} 个地址，已在上面列出。"
        )
    }
}

/// Text in an address field that is not an address, as a sentence.
pub fn unreadable_note(lang: Lang, field: Field, text: &str) -> String {
    let field = field.name();
    tr!(
        lang,
        "{field}: “{text}” is not an address (RFC 5322 3.4 wants local@domain).",
        "{field}: “{text}” 不是地址（RFC 5322 3.4 要求 本地部分@域名）。"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_a_label_and_a_sentence_in_both_languages() {
        let statuses = [
            RecipientStatus::Named,
            RecipientStatus::Blind,
            RecipientStatus::BccField,
            RecipientStatus::NotDelivered,
        ];
        for (lang, end) in [(Lang::En, '.'), (Lang::ZhCn, '。')] {
            let words = envelope(lang);
            let mut labels = std::collections::HashSet::new();
            for status in statuses {
                let [label, sentence] = words.status(status);
                assert!(labels.insert(label), "{label} is used twice");
                assert!(sentence.ends_with(end), "{sentence:?} is a sentence");
            }
        }
        assert_eq!(
            envelope(Lang::En).status(RecipientStatus::NotDelivered)[0],
            "named in the headers but not delivered here"
        );
        assert_ne!(envelope(Lang::En).blind, envelope(Lang::ZhCn).blind);
    }

    #[test]
    fn group_and_unreadable_notes_name_the_field() {
        let empty = Group {
            field: Field::To,
            name: "undisclosed-recipients".into(),
            members: 0,
        };
        assert!(group_note(Lang::En, &empty).starts_with("To: holds the group"));
        assert!(group_note(Lang::ZhCn, &empty).contains("隐藏了所有收件人"));
        let team = Group {
            members: 2,
            ..empty
        };
        assert!(group_note(Lang::En, &team).contains("2 address"));
        assert!(unreadable_note(Lang::ZhCn, Field::Cc, "Bob").starts_with("Cc:"));
    }
}
