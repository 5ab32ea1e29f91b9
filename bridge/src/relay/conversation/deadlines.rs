//! The session's clock, as values: every deadline of a relayed session (the server's reply,
//! the idle limit, the session's end, the WebSocket pings) is an [`Instant`] computed from
//! instants the caller passed in. Nothing here reads the clock.

use std::time::{Duration, Instant};

use super::Limits;

/// Pings the browser has not answered before the session ends.
const MISSED_PONGS: u32 = 2;

/// A deadline that passed, found by [`Deadlines::handle_timeout`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::relay) enum Timeout {
    /// The session reached its absolute limit.
    Expired,
    /// The server owes a reply and has not completed one for the reply timeout.
    Silent,
    /// Neither the browser nor the server said anything for the idle timeout.
    Idle,
    /// Time to ping the browser (a missed pong is counted now).
    Ping,
    /// The browser did not answer the last pings: the session ends.
    PingsUnanswered,
}

/// The instants the deadlines count from (the timeouts are the session's [`Limits`]).
#[derive(Debug)]
pub(super) struct Deadlines {
    /// When the TCP connection was made: `at_ms` counts from here.
    connected_at: Instant,
    /// The absolute end of the session.
    expires: Instant,
    /// The last time the server completed a reply, a command was written or TLS came
    /// up: the reply deadline counts from here, not from the last byte.
    last_activity: Instant,
    /// The last message from the browser or complete line from the server (idle).
    last_seen: Instant,
    /// The last time the caller asked for [`Deadlines::handle_timeout`].
    last_check: Instant,
    /// When the browser is pinged next, and how many pings it has not answered.
    next_ping: Instant,
    unanswered: u32,
}

impl Deadlines {
    /// The clock of a session that starts at `now`, on a connection made at
    /// `connected_at`, that ends at `expires` at the latest.
    pub(super) fn new(
        limits: &Limits,
        connected_at: Instant,
        expires: Instant,
        now: Instant,
    ) -> Self {
        Self {
            connected_at,
            expires,
            last_activity: now,
            last_seen: now,
            last_check: now,
            next_ping: now + limits.ping_interval,
            unanswered: 0,
        }
    }

    /// The time since the connection was made.
    pub(super) fn since_connect(&self, now: Instant) -> Duration {
        now.saturating_duration_since(self.connected_at)
    }

    pub(super) fn connected_at(&self) -> Instant {
        self.connected_at
    }

    /// When [`handle_timeout`](Self::handle_timeout) must next be called: the earliest of
    /// the reply deadline, the idle deadline, the session's end and the next ping. While
    /// nothing is `owed` there is no reply deadline, but the time stays at most a reply
    /// timeout after the last check, so that it only ever moves later: the reply deadline
    /// a command starts is never earlier, and a kept timer is moved, never re-armed.
    pub(super) fn next(&self, limits: &Limits, owed: bool) -> Instant {
        let reply_from = if owed {
            self.last_activity
        } else {
            self.last_activity.max(self.last_check)
        };
        (reply_from + limits.reply_timeout)
            .min(self.last_seen + limits.idle_timeout)
            .min(self.expires)
            .min(self.next_ping)
    }

    /// Which deadline, if any, has passed at `now`, in order of precedence: the session's
    /// end, the reply (only while one is `owed`), idleness, then the ping.
    pub(super) fn handle_timeout(
        &mut self,
        limits: &Limits,
        now: Instant,
        owed: bool,
    ) -> Option<Timeout> {
        self.last_check = now;
        if now >= self.expires {
            Some(Timeout::Expired)
        } else if owed && now >= self.last_activity + limits.reply_timeout {
            Some(Timeout::Silent)
        } else if now >= self.last_seen + limits.idle_timeout {
            Some(Timeout::Idle)
        } else if now >= self.next_ping {
            self.next_ping = now + limits.ping_interval;
            if self.unanswered >= MISSED_PONGS {
                return Some(Timeout::PingsUnanswered);
            }
            self.unanswered += 1;
            Some(Timeout::Ping)
        } else {
            None
        }
    }

    /// A message from the browser or a complete line from the server: not idle.
    pub(super) fn seen(&mut self, now: Instant) {
        self.last_seen = now;
    }

    /// A reply completed, a command was written or TLS came up: the reply deadline
    /// starts again.
    pub(super) fn progressed(&mut self, now: Instant) {
        self.last_activity = now;
    }

    /// The browser answered a ping.
    pub(super) fn ponged(&mut self) {
        self.unanswered = 0;
    }
}
