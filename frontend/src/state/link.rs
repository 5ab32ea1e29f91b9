//! What the page says about where the session stands, derived in one place: whether the
//! link is encrypted (for the status bar), whether the user is inside a message (for
//! the terminal's banner), whether the server has yet to greet.

use protocol::wire::TlsMode;

use super::State;
use crate::vocab::{Link, Phase};

impl State {
    /// The connection's encryption as it truly is now; see [`Link`].
    pub fn link(&self) -> Link {
        let sandbox_certificate = self
            .connection
            .tls
            .as_ref()
            .is_some_and(|info| info.verified && info.sandbox_certificate);
        let simulated = self.connection.backend.is_simulator();
        let encrypted = self.connection.is_implicit_tls() || self.session().is_tls();
        if encrypted && simulated {
            return Link::SimulatedTls;
        }
        if self.connection.is_implicit_tls() {
            return Link::Implicit {
                sandbox_certificate,
            };
        }
        if self.session().is_tls() {
            return Link::Starttls {
                sandbox_certificate,
            };
        }
        let requested = matches!(
            self.connection.phase,
            Phase::Connected {
                tls: TlsMode::Starttls,
                ..
            }
        );
        Link::Plain {
            requested,
            offered: self.capabilities().map(|caps| caps.has("STARTTLS")),
        }
    }

    /// Whether the server reads every line as message text now (after 354, before the
    /// lone `.`), so the page says so.
    pub fn in_message(&self) -> bool {
        self.is_connected() && self.session().in_body()
    }

    /// Whether the connection is open and the server has not greeted yet: the terminal
    /// then holds the silent-server hint, which the stylesheet shows only after 5 s (no
    /// timer in the page: a greeting that comes sooner removes it unseen).
    pub fn awaiting_greeting(&self) -> bool {
        self.is_connected() && self.session().phase() == protocol::session::Phase::Greeting
    }

    /// Whether the message's final `.` was held back by a warning and has not gone out
    /// since: the message is still open, whatever was typed after it.
    pub fn dot_held(&self) -> bool {
        self.in_message() && self.command_line.dot_held()
    }
}
