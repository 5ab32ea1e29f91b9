//! Where the session meets the scenarios of `scenarios.rs` and the rate limiter: the time
//! and the client's address the shell says, the cross-session [`Memory`] it lends, and the
//! few points of the conversation where a scenario acts (RCPT, the message text, the final
//! dot, every reply after `slow@`).

use super::dsn::{Failure, Report};
use super::memory::{GreylistVerdict, Memory};
use super::scenarios::{self, Scenario, ScenarioKind};
use super::{ReceivedMessage, ServerOutput, ServerSession, Transaction};

/// What the scenarios of a transaction's recipients do after RCPT.
#[derive(Debug, Default)]
pub(super) struct Acts {
    /// A `spam@` recipient: the final dot gets 554, nothing is stored.
    spam: bool,
    /// A `drop@` recipient: the connection closes when the text starts.
    drop: bool,
    /// The `bounce@` recipients: each gets a failure in a notification to the sender.
    bounce: Vec<String>,
}

/// What RCPT does with an address, scenarios considered.
pub(super) enum AtRcpt {
    /// Refuse it with this reply (CRLF ended).
    Refuse(String),
    /// Accept it as any other recipient.
    Accept,
}

impl ServerSession {
    // ---- what the shell says -----------------------------------------------------------

    /// Says the current time, in Unix milliseconds. The shell calls it before each input;
    /// greylisting, the rate limiter and the date of a bounce read it. Until it is called
    /// the time is the epoch (so greylisting never lets a retry through).
    pub fn set_now(&mut self, unix_ms: u64) {
        self.now_ms = Some(unix_ms);
    }

    /// Says who the client is, usually its IP address: greylisting's triplets and the rate
    /// limiter count by it. A shell may name clients otherwise (the sandbox names the
    /// page's visitors, whose sessions all come from the bridge's own address). Sessions
    /// whose shell never says it share one unnamed client.
    pub fn set_client(&mut self, client: &str) {
        if self.client != client {
            client.clone_into(&mut self.client);
        }
    }

    /// Feeds bytes like [`handle_input`](Self::handle_input), with the shell's memory of
    /// earlier sessions (greylisting triplets, message rates) lent for the call. Without it
    /// a session remembers only what it saw itself.
    pub fn handle_input_with(&mut self, bytes: &[u8], memory: &mut Memory) {
        std::mem::swap(&mut self.memory, memory);
        self.handle_input(bytes);
        std::mem::swap(&mut self.memory, memory);
    }

    fn now(&self) -> u64 {
        self.now_ms.unwrap_or_default()
    }

    // ---- the hooks ---------------------------------------------------------------------

    /// The rate limiter at MAIL: the `421` that ends the session when this client sent
    /// `max_messages_per_minute` messages in the last minute already, else `None` (and the
    /// message is counted).
    pub(super) fn rate_refusal(&mut self) -> Option<String> {
        let limit = self.config.max_messages_per_minute?;
        let now = self.now();
        if self.memory.count_message(&self.client, now, limit) {
            None
        } else {
            Some(scenarios::too_many_messages(&self.config.hostname))
        }
    }

    /// The scenario of `address` at RCPT: its refusal, or acceptance (noting what it will
    /// do later: slow replies, spam, drop, bounce).
    pub(super) fn scenario_at_rcpt(&mut self, address: &str) -> AtRcpt {
        if !self.config.scenarios {
            return AtRcpt::Accept;
        }
        let Some(scenario) = Scenario::of(address) else {
            return AtRcpt::Accept;
        };
        let acts = &mut self.txn.acts;
        match scenario.kind() {
            ScenarioKind::Greylist => {
                let sender = self.txn.mail_from.as_deref().unwrap_or_default();
                let now = self.now();
                let delay_ms = scenario.value.saturating_mul(1000);
                match self
                    .memory
                    .greylist(&self.client, sender, address, now, delay_ms)
                {
                    GreylistVerdict::Pass => AtRcpt::Accept,
                    GreylistVerdict::Wait { seconds_left } => {
                        AtRcpt::Refuse(scenarios::greylisted(address, seconds_left))
                    }
                }
            }
            // A server relays for the clients that logged in.
            ScenarioKind::Relay if self.user.is_some() => AtRcpt::Accept,
            ScenarioKind::Slow => {
                self.slow_ms = Some(scenario.value);
                AtRcpt::Accept
            }
            ScenarioKind::Spam => {
                acts.spam = true;
                AtRcpt::Accept
            }
            ScenarioKind::Drop => {
                acts.drop = true;
                AtRcpt::Accept
            }
            ScenarioKind::Bounce => {
                acts.bounce.push(address.to_owned());
                AtRcpt::Accept
            }
            kind => scenarios::rcpt_refusal(kind, address).map_or(AtRcpt::Accept, AtRcpt::Refuse),
        }
    }

    /// The pause before each reply once a `slow@` recipient was accepted.
    pub(super) fn slow_pause(&mut self) {
        if let Some(ms) = self.slow_ms {
            self.output.push_back(ServerOutput::Pause(ms));
        }
    }

    /// `drop@`: once message text arrives, the connection closes without a reply and the
    /// transaction is lost. `true` when it did.
    pub(super) fn drop_mid_data(&mut self) -> bool {
        if !self.txn.acts.drop {
            return false;
        }
        self.txn = Transaction::default();
        self.output.push_back(ServerOutput::Close);
        self.mode = super::Mode::Closed;
        true
    }

    /// `spam@`: the refusal of the final dot, for the whole message.
    pub(super) fn spam_refusal(&self, txn: &Transaction) -> Option<&'static str> {
        txn.acts.spam.then_some(scenarios::SPAM_REJECTED)
    }

    /// `bounce@`: takes the bouncing recipients out of the message and hands the shell a
    /// delivery status notification for them, addressed to the sender. A null sender gets
    /// none (RFC 5321 4.5.5: never bounce a bounce).
    pub(super) fn bounce(&mut self, txn: &mut Transaction, data: &[u8], queue_id: &str) {
        let bouncing = std::mem::take(&mut txn.acts.bounce);
        if bouncing.is_empty() {
            return;
        }
        txn.rcpt_to
            .retain(|r| !bouncing.iter().any(|b| b.eq_ignore_ascii_case(r)));
        let sender = txn.mail_from.clone().unwrap_or_default();
        if sender.is_empty() {
            return;
        }
        let failed: Vec<Failure> = bouncing
            .into_iter()
            .map(|recipient| Failure {
                diagnostic: format!(
                    "550 5.1.1 <{recipient}>: Recipient address rejected: User unknown \
                     (bounced on purpose by the sandbox)"
                ),
                recipient,
                status: "5.1.1",
            })
            .collect();
        let report = Report {
            hostname: &self.config.hostname,
            to: &sender,
            queue_id,
            now_ms: self.now_ms,
            failed: &failed,
            original: data,
        };
        let message = report.to_message();
        self.messages += 1;
        let dsn_id = self.queue_id();
        self.output
            .push_back(ServerOutput::Delivered(Box::new(ReceivedMessage {
                helo: self.config.hostname.clone(),
                mail_from: String::new(),
                rcpt_to: vec![sender],
                data: message,
                authenticated_as: None,
                tls: false,
                queue_id: dsn_id,
                findings: Vec::new(),
            })));
    }
}

#[cfg(test)]
mod tests;
