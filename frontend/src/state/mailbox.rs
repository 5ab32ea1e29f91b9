//! The mailbox: the bridge's sandbox (whether there is one, where it listens, what it
//! received) and, in simulator mode, the messages the in-page simulator accepted; and the
//! message opened in the panel.

use std::rc::Rc;

use crate::sandbox::{self, MessageDetail, MessageSummary, SandboxInfo};
use crate::vocab::Backend;

/// Whether a bridge served this page, as learned from `GET /api/sandbox`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BridgePresence {
    /// Not known yet.
    #[default]
    Unknown,
    /// The bridge's API answered.
    Present,
    /// Nothing answered like a bridge (e.g. static hosting): only the simulator works.
    Absent,
}

/// A message of the in-page simulator's mailbox: its list entry and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulatedMessage {
    /// The list entry.
    pub summary: MessageSummary,
    /// The message as received, dot-stuffing removed (lossy UTF-8).
    pub raw: String,
}

/// The most messages the simulator's mailbox keeps; the oldest go first.
pub const SIMULATED_MAILBOX_CAP: usize = 50;

/// The message opened in the mailbox panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageView {
    /// Being fetched from the bridge.
    Loading(u64),
    /// Ready to show.
    Loaded(Rc<MessageDetail>),
    /// It could not be fetched.
    Failed(String),
}

/// The mailbox part of the state; see the module documentation.
#[derive(Debug, Clone, Default)]
pub struct Mailbox {
    /// Whether a bridge served the page.
    pub bridge: BridgePresence,
    /// Where the bridge's sandbox listens, when the bridge has one.
    pub sandbox: Option<SandboxInfo>,
    /// The sandbox mailbox as last fetched, or why it could not be.
    pub fetched: Option<Result<Rc<Vec<MessageSummary>>, String>>,
    /// The simulator's mailbox, newest first.
    pub simulated: Rc<Vec<SimulatedMessage>>,
    /// The message opened in the mailbox panel.
    pub message: Option<MessageView>,
    /// The id of the simulator's last message.
    simulated_ids: u64,
    /// The list should be fetched (a delivery, an event, Refresh).
    list_wanted: bool,
    /// A list request is on its way.
    list_in_flight: bool,
}

/// The most messages of the sandbox's list the page keeps (the bridge may keep more).
pub const MAILBOX_ROWS_CAP: usize = 200;

impl Mailbox {
    /// Whether the bridge runs a sandbox with a mailbox.
    pub fn has_sandbox(&self) -> bool {
        self.sandbox.as_ref().is_some_and(|s| s.enabled)
    }

    /// Where the sandbox listens, when it does.
    pub fn sandbox_target(&self) -> Option<(String, u16)> {
        self.sandbox.as_ref().and_then(SandboxInfo::target)
    }

    /// The panel's list: the simulator's messages on `backend` simulator, else the
    /// bridge's sandbox mailbox; `None` when there is no mailbox to show.
    pub fn list(&self, backend: Backend) -> Option<Result<Rc<Vec<MessageSummary>>, String>> {
        if backend.is_simulator() {
            return Some(Ok(Rc::new(
                self.simulated.iter().map(|m| m.summary.clone()).collect(),
            )));
        }
        if self.has_sandbox() {
            return Some(self.fetched.clone().unwrap_or_else(|| Ok(Rc::default())));
        }
        None
    }

    /// Asks for the list: the app fetches it when [`Self::list_to_fetch`] says so, so
    /// that a burst of events (mail streaming in) costs one request, or two, not one each.
    pub fn want_list(&mut self) {
        self.list_wanted = true;
    }

    /// Whether the app should fetch the list now: wanted, the sandbox is there, and no
    /// request is on its way.
    pub fn list_to_fetch(&self) -> bool {
        self.list_wanted && !self.list_in_flight && self.has_sandbox()
    }

    /// The app sent the list request.
    pub fn list_requested(&mut self) {
        self.list_wanted = false;
        self.list_in_flight = true;
    }

    /// The list arrived: at most [`MAILBOX_ROWS_CAP`] rows are kept.
    pub fn listed(&mut self, result: Result<Vec<MessageSummary>, String>) {
        self.list_in_flight = false;
        self.fetched = Some(result.map(|mut list| {
            list.truncate(MAILBOX_ROWS_CAP);
            Rc::new(list)
        }));
    }

    /// Message `id` was clicked: the simulator's is shown at once, the bridge's fetched.
    pub fn open(&mut self, id: u64, backend: Backend) {
        self.message = Some(if backend.is_simulator() {
            self.simulated_detail(id).map_or_else(
                || MessageView::Failed(format!("no message {id}")),
                |detail| MessageView::Loaded(Rc::new(detail)),
            )
        } else {
            MessageView::Loading(id)
        });
    }

    /// The opened message was fetched. A late answer for a view the user already closed
    /// is dropped.
    pub fn loaded(&mut self, result: Result<MessageDetail, String>) {
        if matches!(self.message, Some(MessageView::Loading(_))) {
            self.message = Some(match result {
                Ok(detail) => MessageView::Loaded(Rc::new(detail)),
                Err(err) => MessageView::Failed(err),
            });
        }
    }

    /// The simulator accepted `message` at `at` (RFC 3339).
    pub fn simulated_delivery(&mut self, message: protocol::server::ReceivedMessage, at: String) {
        self.simulated_ids += 1;
        let raw = String::from_utf8_lossy(&message.data).into_owned();
        let (headers, _) = sandbox::split_message(&raw);
        let entry = SimulatedMessage {
            summary: MessageSummary {
                id: self.simulated_ids,
                from: message.mail_from,
                to: message.rcpt_to,
                subject: sandbox::header(&headers, "Subject").map(str::to_owned),
                received_at: at,
                size: message.data.len() as u64,
            },
            raw,
        };
        let list = Rc::make_mut(&mut self.simulated);
        list.insert(0, entry);
        list.truncate(SIMULATED_MAILBOX_CAP);
    }

    /// The simulator's message `id`, read into headers and body.
    fn simulated_detail(&self, id: u64) -> Option<MessageDetail> {
        let message = self.simulated.iter().find(|m| m.summary.id == id)?;
        let (headers, text_body) = sandbox::split_message(&message.raw);
        Some(MessageDetail {
            summary: message.summary.clone(),
            headers,
            text_body,
            raw: message.raw.clone(),
            session: None,
        })
    }
}
