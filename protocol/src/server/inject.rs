//! Where the failure rules act on a session: the greeting, and the hook each command
//! stage calls just before its success reply (`ServerSession::inject`). Which rules a
//! session has was decided when it started (`rules/set.rs`); here they only run.
//!
//! Stage semantics (the rules' documentation says them for users):
//!
//! - connect / greeting: a reply replaces the greeting. `421` closes (RFC 5321 3.8); `554`
//!   keeps the connection and answers every command but QUIT with `503` (RFC 5321 3.1).
//!   A disconnect at connect closes before a byte; at greeting, right after the greeting.
//! - ehlo, auth, mail, rcpt, data: the rule acts where the server would accept the
//!   command; a reply replaces the success reply and the command has no effect (counted
//!   as an error, as Postfix counts refusals).
//! - end of data: a reply replaces the `250`; the message is not delivered.
//! - any: every command line, before it is read.
//!
//! A delay or a throttle acts and lets the session go on; a reply or a disconnect ends the
//! stage. Rules act in their order.

use super::rules::{Action, Stage};
use super::{Mode, ServerOutput, ServerSession, greeting};
use crate::command::{Command, Verb};

/// The answer to commands after a `554` greeting (RFC 5321 3.1: "respond to any command
/// other than QUIT with 503").
const NO_SERVICE: &str = "503 5.5.1 Error: no SMTP service here, only QUIT\r\n";

impl ServerSession {
    /// Writes the greeting, or what the connect and greeting rules put in its place.
    pub(super) fn greet(&mut self) {
        for stage in [Stage::Connect, Stage::Greeting] {
            for action in self.actions(stage, None) {
                match action {
                    Action::Delay { ms } => self.output.push_back(ServerOutput::Pause(ms.into())),
                    Action::Throttle { bytes_per_second } => self
                        .output
                        .push_back(ServerOutput::Throttle(bytes_per_second)),
                    Action::Reply(reply) if reply.closes() => return self.close(reply.to_wire()),
                    Action::Reply(reply) => {
                        self.no_service = true;
                        return self.write(reply.to_wire());
                    }
                    Action::Disconnect => {
                        if stage == Stage::Greeting {
                            let greeting = greeting(&self.config.hostname);
                            self.write(greeting);
                        }
                        self.output.push_back(ServerOutput::Close);
                        self.mode = Mode::Closed;
                        return;
                    }
                }
            }
        }
        let greeting = greeting(&self.config.hostname);
        self.write(greeting);
    }

    /// Runs before every command line: after a `554` greeting only QUIT is served, and the
    /// `any` rules act. `true` when the line has been answered.
    pub(super) fn before_command(&mut self, text: &str) -> bool {
        if self.no_service {
            if Command::parse(text).line.verb == Some(Verb::Quit) {
                return false;
            }
            self.error(NO_SERVICE);
            return true;
        }
        self.inject(Stage::Any, None)
    }

    /// Applies the rules at `stage` for `subject` (the address, name or user the client
    /// sent there). `true` when a rule answered the command or closed the connection: the
    /// caller must then stop.
    pub(super) fn inject(&mut self, stage: Stage, subject: Option<&str>) -> bool {
        for action in self.actions(stage, subject) {
            match action {
                Action::Delay { ms } => self.output.push_back(ServerOutput::Pause(ms.into())),
                Action::Throttle { bytes_per_second } => self
                    .output
                    .push_back(ServerOutput::Throttle(bytes_per_second)),
                Action::Reply(reply) => {
                    if reply.closes() {
                        self.close(reply.to_wire());
                    } else {
                        self.error(reply.to_wire());
                    }
                    return true;
                }
                Action::Disconnect => {
                    self.output.push_back(ServerOutput::Close);
                    self.mode = Mode::Closed;
                    return true;
                }
            }
        }
        false
    }

    fn actions(&self, stage: Stage, subject: Option<&str>) -> Vec<Action> {
        self.config
            .rules
            .iter()
            .filter(|rule| rule.applies(stage, subject))
            .map(|rule| rule.action().clone())
            .collect()
    }
}

#[cfg(test)]
mod tests;
