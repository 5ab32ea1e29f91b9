//! The message's own addresses, as opposed to the envelope's: RFC 5322 address fields
//! (`From:`, `To:`, `Cc:` ...) read into mailboxes, and compared with `MAIL FROM` and the
//! `RCPT TO` list that actually delivered the message.
//!
//! The envelope decides who gets a copy (RFC 5321 3.3); the header fields are only what the
//! recipients read (RFC 5322 3.6). A recipient in the envelope but in no `To:` or `Cc:` is a
//! blind copy, and a name in `To:` that is not in the envelope got nothing from this
//! delivery. Both surprise people, so [`envelope::compare`] says which is which.
//!
//! # Layout
//!
//! - `address.rs`: [`parse_address_list`], RFC 5322 3.4 address lists (display names,
//!   groups, comments, quoted local parts, the obsolete forms of 4.4) into [`Mailbox`]es;
//!   [`AddrSpec`], an address compared the way mail systems compare them.
//! - `envelope.rs`: [`compare`], envelope against header fields, with a
//!   [`RecipientStatus`] for every recipient either side names.

mod address;
pub mod envelope;

pub use address::{AddrSpec, AddressEntry, Mailbox, parse_addr_spec, parse_address_list};
pub use envelope::{Comparison, Field, Group, Recipient, RecipientStatus, SenderField, compare};

#[cfg(test)]
mod tests;
