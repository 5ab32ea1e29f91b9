//! The message view's envelope part: `MAIL FROM` beside `Return-Path:`, `From:`,
//! `Sender:`, `Reply-To:`, and every recipient of `RCPT TO` or of the header fields with
//! what happened to it (delivered, blind copy, named but not delivered here). The
//! comparison is `protocol::message::compare`; this only shows it.

use protocol::lang::Lang;
use protocol::message::{self, Comparison, Field, Mailbox, RecipientStatus};
use yew::prelude::*;

use crate::i18n::envelope::{self as words, envelope};
use crate::sandbox::MessageDetail;

/// The `data-status` of a recipient row, for styles and tests.
pub fn status_key(status: RecipientStatus) -> &'static str {
    match status {
        RecipientStatus::Named => "named",
        RecipientStatus::Blind => "blind",
        RecipientStatus::BccField => "bcc-field",
        RecipientStatus::NotDelivered => "not-delivered",
    }
}

const SENDER_FIELDS: [Field; 4] = [
    Field::ReturnPath,
    Field::From,
    Field::Sender,
    Field::ReplyTo,
];

/// The comparison for a message: its envelope (the summary's `from` and `to`) against its
/// header fields.
pub fn compare(detail: &MessageDetail) -> Comparison {
    message::compare(
        &detail.summary.from,
        &detail.summary.to,
        detail.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
    )
}

/// The envelope part of the message view (a plain function: the mailbox computes the
/// comparison once per opened message and renders this with it). Built from plain rows
/// and sentences, with few `html!` shapes: each costs the page's WebAssembly.
pub fn envelope_view(lang: Lang, comparison: &Comparison) -> Html {
    let w = envelope(lang);
    // (field, what it holds, whether it is MAIL FROM's address, the remark)
    let mut senders: Vec<(&str, String, Option<bool>, &str)> = vec![(
        "MAIL FROM",
        show_addr(&comparison.mail_from),
        None,
        if comparison.mail_from.is_null() {
            w.null_sender
        } else {
            ""
        },
    )];
    for field in SENDER_FIELDS {
        match comparison.sender(field) {
            Some(sender) => {
                let shown: Vec<String> = sender.mailboxes.iter().map(show_mailbox).collect();
                let remark = if sender.matches_mail_from {
                    w.same_as_mail_from
                } else {
                    w.differs_from_mail_from
                };
                senders.push((
                    field.name(),
                    shown.join(", "),
                    Some(sender.matches_mail_from),
                    remark,
                ));
            }
            None if field == Field::From => {
                senders.push((field.name(), String::new(), None, w.no_from))
            }
            None if field == Field::ReturnPath => {
                senders.push((field.name(), String::new(), None, w.no_return_path));
            }
            None => {}
        }
    }
    // One sentence for each surprising status that occurs, once; then groups and text that
    // is not an address.
    let mut notes: Vec<(&str, String)> = Vec::new();
    for r in &comparison.recipients {
        let key = status_key(r.status);
        if r.status != RecipientStatus::Named && !notes.iter().any(|(k, _)| *k == key) {
            notes.push((key, w.status(r.status)[1].to_owned()));
        }
    }
    for group in &comparison.groups {
        notes.push(("group", words::group_note(lang, group)));
    }
    for (field, text) in &comparison.unreadable {
        notes.push(("unreadable", words::unreadable_note(lang, *field, text)));
    }
    html! {
        <section id="message-envelope" class="envelope">
            <h4>{ w.title }</h4>
            <p class="muted hint">{ w.intro }</p>
            <h5>{ w.senders }</h5>
            <dl class="envelope-senders">
                { for senders.into_iter().map(|(name, value, matches, remark)| html! {
                    <div class="row" data-field={name} data-match={matches.map(|m| m.to_string())}>
                        <dt>{ name }</dt>
                        <dd><code>{ value }</code>{ " " }
                            <span class={match matches { Some(true) => "tag same", Some(false) => "tag differs", None => "muted" }}>{ remark }</span>
                        </dd>
                    </div>
                }) }
            </dl>
            <h5>{ w.recipients }</h5>
            <ul id="envelope-recipients" class="envelope-recipients">
                { for comparison.recipients.iter().map(|r| {
                    let key = status_key(r.status);
                    let mut place = vec![if r.in_envelope { w.in_rcpt_to } else { w.not_in_rcpt_to }];
                    if r.fields.is_empty() {
                        place.push(w.in_no_header);
                    }
                    place.extend(r.fields.iter().map(|f| f.name()));
                    if r.case_differs {
                        place.push(w.case_differs);
                    }
                    let name = r.display_name.as_deref().unwrap_or_default();
                    html! {
                        <li data-status={key} data-address={r.addr.to_string()}>
                            <code>{ r.addr.to_string() }</code>{ " " }
                            <span class="muted">{ name }</span>{ " " }
                            <span class={format!("badge {key}")}>{ w.status(r.status)[0] }</span>
                            <span class="where muted">{ place.join(" · ") }</span>
                        </li>
                    }
                }) }
            </ul>
            { for notes.into_iter().map(|(key, text)| html! {
                <p class={format!("envelope-note {key}")}>{ text }</p>
            }) }
        </section>
    }
}

/// An address as written, `<>` for the null path.
fn show_addr(addr: &protocol::message::AddrSpec) -> String {
    if addr.is_null() {
        "<>".to_owned()
    } else {
        addr.to_string()
    }
}

/// A mailbox as written: `Name <address>`, or the address alone.
fn show_mailbox(mailbox: &Mailbox) -> String {
    match &mailbox.display_name {
        Some(name) => format!("{name} <{}>", show_addr(&mailbox.addr)),
        None => show_addr(&mailbox.addr),
    }
}
