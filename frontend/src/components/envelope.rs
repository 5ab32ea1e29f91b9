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
/// comparison once per opened message and renders this with it).
pub fn envelope_view(lang: Lang, comparison: &Comparison) -> Html {
    let w = envelope(lang);
    let mail_from = if comparison.mail_from.is_null() {
        html! { <><code>{ "<>" }</code>{ " " }<span class="muted">{ w.null_sender }</span></> }
    } else {
        html! { <code>{ comparison.mail_from.to_string() }</code> }
    };
    let senders = SENDER_FIELDS.iter().map(|&field| {
        let name = field.name();
        match comparison.sender(field) {
            Some(sender) => {
                let (class, verdict) = if sender.matches_mail_from {
                    ("same", w.same_as_mail_from)
                } else {
                    ("differs", w.differs_from_mail_from)
                };
                html! {
                    <div class="row" data-field={name} data-match={sender.matches_mail_from.to_string()}>
                        <dt>{ name }</dt>
                        <dd>
                            { for sender.mailboxes.iter().map(show_mailbox) }
                            <span class={classes!("tag", class)}>{ verdict }</span>
                        </dd>
                    </div>
                }
            }
            None if matches!(field, Field::ReturnPath | Field::From) => {
                let note = if field == Field::From { w.no_from } else { w.no_return_path };
                html! {
                    <div class="row" data-field={name}>
                        <dt>{ name }</dt><dd class="muted">{ note }</dd>
                    </div>
                }
            }
            None => Html::default(),
        }
    });
    let recipients = comparison.recipients.iter().map(|r| {
        let key = status_key(r.status);
        let [label, _] = w.status(r.status);
        let fields: Vec<&str> = r.fields.iter().map(|f| f.name()).collect();
        let headers = if fields.is_empty() {
            w.in_no_header.to_owned()
        } else {
            fields.join(", ")
        };
        let envelope_word = if r.in_envelope { w.in_rcpt_to } else { w.not_in_rcpt_to };
        html! {
            <li class={classes!("recipient", key)} data-status={key} data-address={r.addr.to_string()}>
                <span class="who">
                    <code>{ r.addr.to_string() }</code>
                    if let Some(name) = &r.display_name {
                        { " " }<span class="muted">{ name.clone() }</span>
                    }
                </span>
                <span class={classes!("badge", key)}>{ label }</span>
                <span class="where muted">{ format!("{envelope_word} · {headers}") }</span>
                if r.case_differs {
                    <span class="where muted">{ w.case_differs }</span>
                }
            </li>
        }
    });
    // One sentence for each surprising status that occurs, once.
    let mut shown = Vec::new();
    for r in &comparison.recipients {
        if r.status != RecipientStatus::Named && !shown.contains(&r.status) {
            shown.push(r.status);
        }
    }
    html! {
        <section id="message-envelope" class="envelope">
            <h4>{ w.title }</h4>
            <p class="muted hint">{ w.intro }</p>
            <h5>{ w.senders }</h5>
            <dl class="envelope-senders">
                <div class="row" data-field="MAIL FROM"><dt>{ "MAIL FROM" }</dt><dd>{ mail_from }</dd></div>
                { for senders }
            </dl>
            <h5>{ w.recipients }</h5>
            <ul id="envelope-recipients" class="envelope-recipients">{ for recipients }</ul>
            { for shown.iter().map(|&status| html! {
                <p class={classes!("envelope-note", status_key(status))}>{ w.status(status)[1] }</p>
            }) }
            { for comparison.groups.iter().map(|g| html! {
                <p class="envelope-note group">{ words::group_note(lang, g) }</p>
            }) }
            { for comparison.unreadable.iter().map(|(field, text)| html! {
                <p class="envelope-note unreadable">{ words::unreadable_note(lang, *field, text) }</p>
            }) }
        </section>
    }
}

fn show_mailbox(mailbox: &Mailbox) -> Html {
    let addr = if mailbox.addr.is_null() {
        "<>".to_owned()
    } else {
        mailbox.addr.to_string()
    };
    html! {
        <span class="mailbox-addr">
            if let Some(name) = &mailbox.display_name {
                { name.clone() }{ " " }
            }
            <code>{ addr }</code>{ " " }
        </span>
    }
}
