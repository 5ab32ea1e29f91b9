//! The envelope against the header fields: who was addressed, who got a copy.
//!
//! `MAIL FROM` and `RCPT TO` (RFC 5321 3.3) decide where a message goes and where bounces
//! go; `From:`, `To:`, `Cc:` (RFC 5322 3.6) are only what the reader sees. [`compare`]
//! puts them side by side: each sender field and whether it is the envelope sender, and
//! every recipient either side names with a [`RecipientStatus`]: named and delivered, a
//! blind copy (RFC 5322 3.6.3: a `Bcc:` recipient appears in the envelope only), or named
//! in the headers but not delivered by this transaction.

use super::address::{AddrSpec, AddressEntry, Mailbox, parse_addr_spec, parse_address_list};

/// A header field that names a sender or a recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// `Return-Path:`, the envelope sender as the delivering server recorded it
    /// (RFC 5321 4.4).
    ReturnPath,
    /// `From:`, the author (RFC 5322 3.6.2).
    From,
    /// `Sender:`, who sent it on the author's behalf (RFC 5322 3.6.2).
    Sender,
    /// `Reply-To:`, where replies should go (RFC 5322 3.6.2).
    ReplyTo,
    /// `To:` (RFC 5322 3.6.3).
    To,
    /// `Cc:` (RFC 5322 3.6.3).
    Cc,
    /// `Bcc:`, usually removed before sending (RFC 5322 3.6.3).
    Bcc,
    /// `Resent-To:`, the recipients of a message sent on again (RFC 5322 3.6.6).
    ResentTo,
    /// `Resent-Cc:` (RFC 5322 3.6.6).
    ResentCc,
    /// `Resent-Bcc:` (RFC 5322 3.6.6).
    ResentBcc,
}

impl Field {
    /// Every field, senders first.
    pub const ALL: [Field; 10] = [
        Field::ReturnPath,
        Field::From,
        Field::Sender,
        Field::ReplyTo,
        Field::To,
        Field::Cc,
        Field::Bcc,
        Field::ResentTo,
        Field::ResentCc,
        Field::ResentBcc,
    ];

    /// The field's name as RFC 5322 writes it.
    pub fn name(self) -> &'static str {
        match self {
            Field::ReturnPath => "Return-Path",
            Field::From => "From",
            Field::Sender => "Sender",
            Field::ReplyTo => "Reply-To",
            Field::To => "To",
            Field::Cc => "Cc",
            Field::Bcc => "Bcc",
            Field::ResentTo => "Resent-To",
            Field::ResentCc => "Resent-Cc",
            Field::ResentBcc => "Resent-Bcc",
        }
    }

    /// The field called `name` (any case).
    pub fn from_name(name: &str) -> Option<Field> {
        Self::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name.trim()))
    }

    /// Whether it names recipients (the others name senders).
    pub fn is_recipient(self) -> bool {
        !matches!(
            self,
            Field::ReturnPath | Field::From | Field::Sender | Field::ReplyTo
        )
    }

    /// Whether the other recipients are not meant to see it.
    pub fn is_blind(self) -> bool {
        matches!(self, Field::Bcc | Field::ResentBcc)
    }
}

/// A sender field of the message and whether it names the envelope sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SenderField {
    /// Which field.
    pub field: Field,
    /// The mailboxes it names (`Return-Path: <>` is one null address).
    pub mailboxes: Vec<Mailbox>,
    /// One of them is the `MAIL FROM` address (the domain compared without case).
    pub matches_mail_from: bool,
}

/// How a recipient stands between envelope and header fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecipientStatus {
    /// In the envelope and in a `To:` or `Cc:` field: delivered, and visible to all.
    Named,
    /// In the envelope but in no header field: a blind copy. A `Bcc:` recipient is given to
    /// the server in `RCPT TO` only, so the others never see the name (RFC 5322 3.6.3).
    Blind,
    /// In the envelope and named only in a `Bcc:` field the sending program left in the
    /// message (RFC 5322 3.6.3 allows it; most programs remove it).
    BccField,
    /// In the header fields but not in this envelope: this transaction did not deliver
    /// to it (it may have got its copy in another transaction, or none).
    NotDelivered,
}

/// A recipient that the envelope or the header fields name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// The address: as in `RCPT TO` when the envelope has it, else as in the header.
    pub addr: AddrSpec,
    /// The display name a header field gave it, if any.
    pub display_name: Option<String>,
    /// The header fields that name it, in order, without repeats.
    pub fields: Vec<Field>,
    /// `RCPT TO` named it.
    pub in_envelope: bool,
    /// The header writes the local part in another case than `RCPT TO` (see
    /// [`AddrSpec::same_but_case`]); counted as the same mailbox.
    pub case_differs: bool,
    /// See [`RecipientStatus`].
    pub status: RecipientStatus,
}

/// A group in a recipient field (RFC 5322 3.4), e.g. `undisclosed-recipients:;`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The field that holds it.
    pub field: Field,
    /// The group's name.
    pub name: String,
    /// How many mailboxes it lists; often none, to hide every recipient.
    pub members: usize,
}

/// The envelope and the header fields of one message side by side.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comparison {
    /// `MAIL FROM`; the null path `<>` for a bounce.
    pub mail_from: AddrSpec,
    /// The sender fields present, in the order of [`Field::ALL`].
    pub senders: Vec<SenderField>,
    /// The envelope's recipients in `RCPT TO` order, then those only the headers name.
    pub recipients: Vec<Recipient>,
    /// The groups in recipient fields.
    pub groups: Vec<Group>,
    /// What a sender or recipient field holds that is not an address, as written.
    pub unreadable: Vec<(Field, String)>,
}

impl Comparison {
    /// The sender field `field`, when the message has it.
    pub fn sender(&self, field: Field) -> Option<&SenderField> {
        self.senders.iter().find(|s| s.field == field)
    }
}

/// Compares the envelope (`mail_from`, empty for `<>`; `rcpt_to`, the addresses as given
/// to `RCPT TO`) with the message's header fields (name, unfolded value).
pub fn compare<'a>(
    mail_from: &str,
    rcpt_to: &[String],
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Comparison {
    let mail_from = parse_addr_spec(mail_from);
    let mut comparison = Comparison {
        mail_from,
        ..Comparison::default()
    };
    for address in rcpt_to {
        let addr = parse_addr_spec(address);
        if !comparison
            .recipients
            .iter()
            .any(|r| r.addr.same_mailbox(&addr))
        {
            comparison.recipients.push(Recipient {
                addr,
                display_name: None,
                fields: Vec::new(),
                in_envelope: true,
                case_differs: false,
                status: RecipientStatus::Blind,
            });
        }
    }
    let mut senders: Vec<SenderField> = Vec::new();
    for (name, value) in headers {
        let Some(field) = Field::from_name(name) else {
            continue;
        };
        let mut mailboxes = Vec::new();
        for entry in parse_address_list(value) {
            match entry {
                AddressEntry::Mailbox(mailbox) => mailboxes.push(mailbox),
                AddressEntry::Group { name, members } => {
                    if field.is_recipient() {
                        comparison.groups.push(Group {
                            field,
                            name,
                            members: members.len(),
                        });
                    }
                    mailboxes.extend(members);
                }
                AddressEntry::Unreadable(text) => comparison.unreadable.push((field, text)),
            }
        }
        if field.is_recipient() {
            for mailbox in mailboxes {
                comparison.named(field, mailbox);
            }
        } else {
            let matches = mailboxes
                .iter()
                .any(|m| same_or_case(&m.addr, &comparison.mail_from));
            match senders.iter_mut().find(|s| s.field == field) {
                Some(known) => {
                    known.mailboxes.extend(mailboxes);
                    known.matches_mail_from |= matches;
                }
                None => senders.push(SenderField {
                    field,
                    mailboxes,
                    matches_mail_from: matches,
                }),
            }
        }
    }
    // In the order of `Field::ALL` (a scan: four fields at most, and no sort code).
    comparison.senders = Field::ALL
        .iter()
        .filter_map(|&f| senders.iter().position(|s| s.field == f))
        .map(|at| senders[at].clone())
        .collect();
    for recipient in &mut comparison.recipients {
        recipient.status = status(recipient);
    }
    comparison
}

fn same_or_case(a: &AddrSpec, b: &AddrSpec) -> bool {
    a.same_mailbox(b) || a.same_but_case(b)
}

impl Comparison {
    /// A recipient field names `mailbox`.
    fn named(&mut self, field: Field, mailbox: Mailbox) {
        let found = self
            .recipients
            .iter()
            .position(|r| r.addr.same_mailbox(&mailbox.addr))
            .or_else(|| {
                self.recipients
                    .iter()
                    .position(|r| r.in_envelope && r.addr.same_but_case(&mailbox.addr))
            });
        match found {
            Some(at) => {
                let recipient = &mut self.recipients[at];
                if !recipient.fields.contains(&field) {
                    recipient.fields.push(field);
                }
                recipient.case_differs |= !recipient.addr.same_mailbox(&mailbox.addr);
                if recipient.display_name.is_none() {
                    recipient.display_name = mailbox.display_name;
                }
            }
            None => self.recipients.push(Recipient {
                addr: mailbox.addr,
                display_name: mailbox.display_name,
                fields: vec![field],
                in_envelope: false,
                case_differs: false,
                status: RecipientStatus::NotDelivered,
            }),
        }
    }
}

fn status(recipient: &Recipient) -> RecipientStatus {
    if !recipient.in_envelope {
        RecipientStatus::NotDelivered
    } else if recipient.fields.iter().any(|f| !f.is_blind()) {
        RecipientStatus::Named
    } else if recipient.fields.is_empty() {
        RecipientStatus::Blind
    } else {
        RecipientStatus::BccField
    }
}
