//! What the server remembers across sessions: greylisting triplets and the message rate of
//! each client. Plain data, no locks and no clock: the shell keeps one [`Memory`] (behind
//! its own lock when sessions run in parallel), lends it to a session for each input
//! ([`ServerSession::handle_input_with`](super::ServerSession::handle_input_with)) and
//! says the time ([`ServerSession::set_now`](super::ServerSession::set_now)).
//!
//! Both parts are bounded: at most [`MAX_TRIPLETS`] triplets and [`MAX_CLIENTS`] clients,
//! the oldest forgotten first, so a flood of new addresses costs a fixed amount of memory.
//! They are plain lists searched in order rather than hash maps: a lookup is one pass over
//! at most a few thousand short keys, once per RCPT or MAIL, and the page's simulator,
//! which runs this too, does not carry a hasher's code (about 4 KB of the gzipped page).

use std::collections::VecDeque;

/// Greylisting triplets remembered at most; the oldest is forgotten first.
pub(crate) const MAX_TRIPLETS: usize = 4096;

/// Clients whose message rate is counted at most; the one idle longest is forgotten first.
pub(crate) const MAX_CLIENTS: usize = 1024;

/// A triplet is forgotten this long after it was first seen, so a lesson can be repeated
/// (postgrey forgets after days; a lab wants the first refusal again within hours).
pub(crate) const TRIPLET_LIFETIME_MS: u64 = 2 * 60 * 60 * 1000;

/// The rate limiter's window: a sliding minute, counted in one-second buckets.
const WINDOW_SECONDS: usize = 60;

/// The server's memory across sessions; see the module documentation.
#[derive(Debug, Default)]
pub struct Memory {
    greylist: Greylist,
    rates: Rates,
}

/// The answer of greylisting for one triplet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GreylistVerdict {
    /// The delay has passed since the triplet was first seen: accept.
    Pass,
    /// Refuse: this many whole seconds are left (at least 1).
    Wait {
        /// Seconds until a retry is accepted, rounded up.
        seconds_left: u64,
    },
}

impl Memory {
    /// Looks up the triplet (client address, sender, recipient), recording it when it is
    /// new, and says whether `delay_ms` has passed since it was first seen. Addresses are
    /// compared case-insensitively.
    pub fn greylist(
        &mut self,
        client: &str,
        sender: &str,
        recipient: &str,
        now_ms: u64,
        delay_ms: u64,
    ) -> GreylistVerdict {
        let key = format!(
            "{client}\n{}\n{}",
            sender.to_ascii_lowercase(),
            recipient.to_ascii_lowercase()
        );
        let first_seen = self.greylist.first_seen(key, now_ms);
        let waited = now_ms.saturating_sub(first_seen);
        if waited >= delay_ms {
            GreylistVerdict::Pass
        } else {
            GreylistVerdict::Wait {
                seconds_left: (delay_ms - waited).div_ceil(1000).max(1),
            }
        }
    }

    /// Counts one message from `client` at `now_ms` unless `limit` messages were counted in
    /// the last minute already; `false` (and nothing counted) when the limit is reached.
    pub fn count_message(&mut self, client: &str, now_ms: u64, limit: u32) -> bool {
        self.rates.count(client, now_ms / 1000, limit)
    }

    /// Triplets remembered now.
    pub fn triplets(&self) -> usize {
        self.greylist.seen.len()
    }

    /// Clients whose rate is counted now.
    pub fn clients(&self) -> usize {
        self.rates.clients.len()
    }
}

#[derive(Debug, Default)]
struct Greylist {
    /// Each triplet and when it was first seen (Unix milliseconds), oldest first.
    seen: VecDeque<(String, u64)>,
}

impl Greylist {
    /// When `key` was first seen; now, when it is new or was forgotten.
    fn first_seen(&mut self, key: String, now_ms: u64) -> u64 {
        // Forget expired triplets, oldest first; a clock that went back expires nothing.
        while self
            .seen
            .front()
            .is_some_and(|(_, seen)| now_ms.saturating_sub(*seen) >= TRIPLET_LIFETIME_MS)
        {
            self.seen.pop_front();
        }
        if let Some((_, seen)) = self.seen.iter().find(|(k, _)| *k == key) {
            return *seen;
        }
        while self.seen.len() >= MAX_TRIPLETS {
            self.seen.pop_front();
        }
        self.seen.push_back((key, now_ms));
        now_ms
    }
}

#[derive(Debug, Default)]
struct Rates {
    clients: Vec<(String, Window)>,
}

/// One client's messages in the last minute: `(second, count)` per one-second bucket.
#[derive(Debug)]
struct Window {
    buckets: [(u64, u32); WINDOW_SECONDS],
    last_second: u64,
}

impl Window {
    fn new() -> Self {
        Self {
            buckets: [(u64::MAX, 0); WINDOW_SECONDS],
            last_second: 0,
        }
    }

    fn in_last_minute(&self, now_s: u64) -> u64 {
        self.buckets
            .iter()
            .filter(|(second, _)| *second <= now_s && now_s - *second < WINDOW_SECONDS as u64)
            .map(|(_, count)| u64::from(*count))
            .sum()
    }
}

impl Rates {
    fn count(&mut self, client: &str, now_s: u64, limit: u32) -> bool {
        let index = match self.clients.iter().position(|(c, _)| c == client) {
            Some(index) => index,
            None => {
                if self.clients.len() >= MAX_CLIENTS {
                    let idlest = self
                        .clients
                        .iter()
                        .enumerate()
                        .min_by_key(|(_, (_, w))| w.last_second)
                        .map(|(i, _)| i);
                    if let Some(idlest) = idlest {
                        self.clients.swap_remove(idlest);
                    }
                }
                self.clients.push((client.to_owned(), Window::new()));
                self.clients.len() - 1
            }
        };
        let window = &mut self.clients[index].1;
        if window.in_last_minute(now_s) >= u64::from(limit) {
            return false;
        }
        let bucket = &mut window.buckets[(now_s % WINDOW_SECONDS as u64) as usize];
        if bucket.0 != now_s {
            *bucket = (now_s, 0);
        }
        bucket.1 = bucket.1.saturating_add(1);
        window.last_second = window.last_second.max(now_s);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_triplet_passes_after_the_delay_and_keeps_passing() {
        let mut m = Memory::default();
        let t0 = 1_000_000;
        let check = |m: &mut Memory, at| m.greylist("127.0.0.1", "a@x", "greylist@y", at, 5000);
        assert_eq!(check(&mut m, t0), GreylistVerdict::Wait { seconds_left: 5 });
        assert_eq!(
            check(&mut m, t0 + 1200),
            GreylistVerdict::Wait { seconds_left: 4 }
        );
        assert_eq!(
            check(&mut m, t0 + 4999),
            GreylistVerdict::Wait { seconds_left: 1 }
        );
        assert_eq!(check(&mut m, t0 + 5000), GreylistVerdict::Pass);
        assert_eq!(check(&mut m, t0 + 60_000), GreylistVerdict::Pass);
        // Case does not make a new triplet; another client, sender or recipient does.
        assert_eq!(
            m.greylist("127.0.0.1", "A@X", "GREYLIST@Y", t0 + 6000, 5000),
            GreylistVerdict::Pass
        );
        for (client, sender, rcpt) in [
            ("127.0.0.2", "a@x", "greylist@y"),
            ("127.0.0.1", "b@x", "greylist@y"),
            ("127.0.0.1", "a@x", "greylist+1@y"),
        ] {
            assert_eq!(
                m.greylist(client, sender, rcpt, t0 + 6000, 5000),
                GreylistVerdict::Wait { seconds_left: 5 },
                "{client} {sender} {rcpt}"
            );
        }
        assert_eq!(m.triplets(), 4);
    }

    #[test]
    fn triplets_are_forgotten_when_old_or_too_many() {
        let mut m = Memory::default();
        m.greylist("c", "s", "r", 0, 1000);
        assert_eq!(m.greylist("c", "s", "r", 1000, 1000), GreylistVerdict::Pass);
        // After the lifetime the triplet is new again.
        assert_eq!(
            m.greylist("c", "s", "r", TRIPLET_LIFETIME_MS + 1, 1000),
            GreylistVerdict::Wait { seconds_left: 1 }
        );
        for i in 0..MAX_TRIPLETS + 10 {
            m.greylist("c", "s", &format!("r{i}"), TRIPLET_LIFETIME_MS + 2, 1000);
        }
        assert_eq!(m.triplets(), MAX_TRIPLETS);
    }

    #[test]
    fn the_rate_window_slides_by_the_second() {
        let mut m = Memory::default();
        let t0 = 10_000_000;
        for i in 0..3 {
            assert!(m.count_message("1.2.3.4", t0 + i * 1000, 3), "message {i}");
        }
        assert!(!m.count_message("1.2.3.4", t0 + 3000, 3));
        // Another client has its own budget.
        assert!(m.count_message("5.6.7.8", t0 + 3000, 3));
        // 59.999 s after the first the minute still holds three; a second later one left.
        assert!(!m.count_message("1.2.3.4", t0 + 59_999, 3));
        assert!(m.count_message("1.2.3.4", t0 + 60_000, 3));
        assert!(!m.count_message("1.2.3.4", t0 + 60_500, 3));
        assert!(m.count_message("1.2.3.4", t0 + 61_000, 3));
    }

    #[test]
    fn clients_are_bounded() {
        let mut m = Memory::default();
        for i in 0..MAX_CLIENTS + 5 {
            assert!(m.count_message(&format!("10.0.{}.{}", i / 256, i % 256), i as u64, 1));
        }
        assert_eq!(m.clients(), MAX_CLIENTS);
    }
}
