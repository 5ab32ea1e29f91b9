//! Admission control: how many sessions one client and the whole bridge may hold, how
//! fast a client may open new ones (a token bucket), how often one destination may be
//! contacted, and the penalty box for clients that guess tokens.
//!
//! One [`Gate`] per bridge, behind a mutex: every operation is a few map lookups. The maps
//! are pruned as they grow, so a flood of addresses cannot grow them without bound. IPv6
//! clients are keyed by their /64, the block one subscriber usually holds.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use super::client::client_key;

/// Entries kept before idle ones are pruned.
const PRUNE_AT: usize = 4096;

/// The numbers the gate enforces; `None` is "no limit".
#[derive(Debug, Clone, Default)]
pub struct GateLimits {
    /// Sessions one client may hold at once.
    pub per_ip: Option<u32>,
    /// Sessions the bridge holds at once.
    pub total: Option<u32>,
    /// New sessions per client per `rate_window` (refill rate) ...
    pub new_per_window: Option<u32>,
    /// ... with this burst.
    pub burst: u32,
    /// The window of `new_per_window`.
    pub rate_window: Duration,
    /// Sessions to one destination (address and port) per `destination_window`.
    pub per_destination: Option<u32>,
    /// The window of `per_destination`.
    pub destination_window: Duration,
    /// Bad tokens before a client is refused ...
    pub bad_tokens: u32,
    /// ... for this long.
    pub ban: Duration,
}

/// Why a new session was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The client holds its share.
    #[error(
        "this address already has {0} sessions open, the most this bridge allows; close one \
         and try again"
    )]
    PerIp(u32),
    /// The bridge is full.
    #[error("the bridge is serving its maximum of {0} sessions; try again in a minute")]
    Total(u32),
    /// Too many new sessions too fast.
    #[error(
        "too many new sessions from this address; try again in {} ms (the bridge allows {per} \
         per {} s, at most {burst} at once)", retry.as_millis(), window.as_secs()
    )]
    Rate {
        /// When a new session will be possible.
        retry: Duration,
        /// Sessions per window.
        per: u32,
        /// The window.
        window: Duration,
        /// The burst.
        burst: u32,
    },
    /// The destination was contacted too often.
    #[error(
        "{addr} was contacted {limit} times within {} s by this bridge, the most it allows; \
         try again in {} s", window.as_secs(), retry.as_secs().max(1)
    )]
    Destination {
        /// The destination.
        addr: SocketAddr,
        /// The limit.
        limit: u32,
        /// Its window.
        window: Duration,
        /// When it frees up.
        retry: Duration,
    },
}

#[derive(Debug)]
struct Client {
    active: u32,
    tokens: f64,
    refilled: Instant,
    bad_tokens: u32,
    banned_until: Option<Instant>,
}

#[derive(Debug, Default)]
struct State {
    clients: HashMap<IpAddr, Client>,
    total: u32,
    destinations: HashMap<SocketAddr, VecDeque<Instant>>,
}

/// The admission state of one bridge.
#[derive(Debug)]
pub struct Gate {
    limits: GateLimits,
    state: Mutex<State>,
}

/// A session's place; dropping it frees the place.
#[derive(Debug)]
pub struct Permit {
    gate: Arc<Gate>,
    key: IpAddr,
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut state = self.gate.lock();
        state.total = state.total.saturating_sub(1);
        if let Some(client) = state.clients.get_mut(&self.key) {
            client.active = client.active.saturating_sub(1);
        }
    }
}

impl Gate {
    /// A gate enforcing `limits`.
    pub fn new(limits: GateLimits) -> Arc<Self> {
        Arc::new(Self {
            limits,
            state: Mutex::new(State::default()),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn fresh_client(&self, now: Instant) -> Client {
        Client {
            active: 0,
            tokens: f64::from(self.limits.burst.max(1)),
            refilled: now,
            bad_tokens: 0,
            banned_until: None,
        }
    }

    /// How long `ip` stays refused for guessing tokens, if it is.
    pub fn banned(&self, ip: IpAddr) -> Option<Duration> {
        let now = Instant::now();
        let state = self.lock();
        let until = state.clients.get(&client_key(ip))?.banned_until?;
        (until > now).then(|| until - now)
    }

    /// Records a wrong token from `ip`; returns the ban when this one started it.
    pub fn bad_token(&self, ip: IpAddr) -> Option<Duration> {
        let now = Instant::now();
        let ban = self.limits.ban;
        let limit = self.limits.bad_tokens.max(1);
        let fresh = self.fresh_client(now);
        let mut state = self.lock();
        let client = state.clients.entry(client_key(ip)).or_insert(fresh);
        client.bad_tokens += 1;
        if client.bad_tokens >= limit {
            client.bad_tokens = 0;
            client.banned_until = Some(now + ban);
            return Some(ban);
        }
        None
    }

    /// Admits a new session from `ip`, or says why not.
    ///
    /// # Errors
    ///
    /// A [`Refusal`] naming the limit.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<Permit, Refusal> {
        let now = Instant::now();
        let limits = &self.limits;
        let fresh = self.fresh_client(now);
        let mut state = self.lock();
        if state.clients.len() >= PRUNE_AT {
            let burst = f64::from(limits.burst.max(1));
            state.clients.retain(|_, c| {
                c.active > 0
                    || c.tokens < burst
                    || c.bad_tokens > 0
                    || c.banned_until.is_some_and(|until| until > now)
            });
        }
        if let Some(total) = limits.total
            && state.total >= total
        {
            return Err(Refusal::Total(total));
        }
        let client = state.clients.entry(client_key(ip)).or_insert(fresh);
        if let Some(per_ip) = limits.per_ip
            && client.active >= per_ip
        {
            return Err(Refusal::PerIp(per_ip));
        }
        if let Some(per) = limits.new_per_window {
            let burst = f64::from(limits.burst.max(1));
            let window = limits.rate_window.as_secs_f64().max(1e-6);
            let rate = f64::from(per.max(1)) / window;
            let elapsed = now.duration_since(client.refilled).as_secs_f64();
            client.tokens = (client.tokens + elapsed * rate).min(burst);
            client.refilled = now;
            if client.tokens < 1.0 {
                let retry = Duration::from_secs_f64((1.0 - client.tokens) / rate);
                return Err(Refusal::Rate {
                    retry,
                    per,
                    window: limits.rate_window,
                    burst: limits.burst,
                });
            }
            client.tokens -= 1.0;
        }
        client.active += 1;
        state.total += 1;
        Ok(Permit {
            gate: Arc::clone(self),
            key: client_key(ip),
        })
    }

    /// Counts a session to `addr`, or refuses it when the destination had its share.
    ///
    /// # Errors
    ///
    /// [`Refusal::Destination`].
    pub fn destination(&self, addr: SocketAddr) -> Result<(), Refusal> {
        let Some(limit) = self.limits.per_destination else {
            return Ok(());
        };
        let now = Instant::now();
        let window = self.limits.destination_window;
        let mut state = self.lock();
        if state.destinations.len() >= PRUNE_AT {
            state
                .destinations
                .retain(|_, log| log.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        let log = state.destinations.entry(addr).or_default();
        while log
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            log.pop_front();
        }
        if log.len() >= usize::try_from(limit).unwrap_or(usize::MAX) {
            let retry = log.front().map_or(window, |first| {
                window.saturating_sub(now.duration_since(*first))
            });
            return Err(Refusal::Destination {
                addr,
                limit,
                window,
                retry,
            });
        }
        log.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    #[tokio::test]
    async fn caps_rates_and_bans() {
        let gate = Gate::new(GateLimits {
            per_ip: Some(2),
            total: Some(3),
            new_per_window: Some(10),
            burst: 3,
            rate_window: Duration::from_millis(300),
            per_destination: Some(2),
            destination_window: Duration::from_millis(200),
            bad_tokens: 2,
            ban: Duration::from_millis(100),
        });
        let a = gate.admit(ip("192.0.2.1")).expect("first");
        let b = gate.admit(ip("192.0.2.1")).expect("second");
        assert_eq!(gate.admit(ip("192.0.2.1")).err(), Some(Refusal::PerIp(2)));
        drop(a);
        let c = gate.admit(ip("192.0.2.1")).expect("a place freed");
        let d = gate.admit(ip("192.0.2.2")).expect("another client");
        assert_eq!(gate.admit(ip("192.0.2.3")).err(), Some(Refusal::Total(3)));
        drop((b, c, d));
        // The burst of 3 is spent: the 4th within the window is refused.
        assert!(matches!(
            gate.admit(ip("192.0.2.1")),
            Err(Refusal::Rate { .. })
        ));
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert!(gate.admit(ip("192.0.2.1")).is_ok(), "refilled");
        // IPv6 neighbours share their /64.
        let e = gate.admit(ip("2001:db8::1")).expect("v6");
        let f = gate.admit(ip("2001:db8::2")).expect("v6");
        assert_eq!(gate.admit(ip("2001:db8::3")).err(), Some(Refusal::PerIp(2)));
        drop((e, f));

        let dest: SocketAddr = "192.0.2.25:25".parse().expect("addr");
        assert!(gate.destination(dest).is_ok());
        assert!(gate.destination(dest).is_ok());
        assert!(matches!(
            gate.destination(dest),
            Err(Refusal::Destination { .. })
        ));
        tokio::time::sleep(Duration::from_millis(220)).await;
        assert!(gate.destination(dest).is_ok(), "window over");

        assert_eq!(gate.bad_token(ip("192.0.2.9")), None);
        assert!(gate.bad_token(ip("192.0.2.9")).is_some());
        assert!(gate.banned(ip("192.0.2.9")).is_some());
        assert!(gate.banned(ip("192.0.2.8")).is_none());
        tokio::time::sleep(Duration::from_millis(120)).await;
        assert!(gate.banned(ip("192.0.2.9")).is_none(), "ban over");
    }
}
