//! Per-host politeness: one request in flight per host (grouped by registrable domain), at
//! least the plan's interval between requests to a host (governor's keyed limiter, with
//! jitter), a per-host "not before" for delays that differ per host (robots.txt Crawl-delay,
//! Retry-After, backoff), and a global cap on requests in flight. A request that is slow to
//! answer gives its place under the cap back (a hanging host must not hold up the others),
//! within a hard cap of [`HARD_CAP_FACTOR`] times the plan's concurrency.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::clock::{Clock, Reference};
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::extract::Domain;

/// The politeness budget key of a host: its registrable domain (`www.` and `shop.` share one).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HostKey(Domain);

impl HostKey {
    pub fn of_host(host: &str) -> HostKey {
        HostKey(Domain::of_host_or_self(host))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// governor's clock on tokio's time, so tests can pause and advance time instead of sleeping.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioClock;

/// A point in tokio's time, for governor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TokioInstant(Instant);

impl std::ops::Add<Nanos> for TokioInstant {
    type Output = TokioInstant;
    fn add(self, d: Nanos) -> TokioInstant {
        TokioInstant(self.0 + Duration::from(d))
    }
}

impl Reference for TokioInstant {
    fn duration_since(&self, earlier: Self) -> Nanos {
        Nanos::from(self.0.saturating_duration_since(earlier.0))
    }
    fn saturating_sub(&self, d: Nanos) -> Self {
        TokioInstant(self.0.checked_sub(Duration::from(d)).unwrap_or(self.0))
    }
}

impl Clock for TokioClock {
    type Instant = TokioInstant;
    fn now(&self) -> TokioInstant {
        TokioInstant(Instant::now())
    }
}

/// At most this share of the interval is added at random to each wait, so that requests to
/// many hosts do not march in step.
pub const JITTER: f64 = 0.05;

/// Requests in flight at most, as a multiple of the plan's concurrency, counting the slow
/// ones that gave their place back.
pub const HARD_CAP_FACTOR: usize = 4;

type Limiter =
    RateLimiter<HostKey, DefaultKeyedStateStore<HostKey>, TokioClock, NoOpMiddleware<TokioInstant>>;

/// What we know of a host during a run.
#[derive(Debug)]
pub struct HostState {
    /// No request before this time (Crawl-delay, Retry-After, backoff).
    pub not_before: Instant,
    /// The site's robots.txt Crawl-delay, when longer than the plan's interval.
    pub crawl_delay: Option<Duration>,
    /// Pages that failed in a row.
    pub consecutive_failures: u32,
    /// Why the host was set aside (no more requests this run).
    pub set_aside: Option<String>,
}

struct Slot {
    state: Arc<AsyncMutex<HostState>>,
}

/// The pool of hosts.
pub struct Politeness {
    interval: Duration,
    limiter: Limiter,
    hosts: Mutex<HashMap<HostKey, Slot>>,
    global: Arc<Semaphore>,
    hard: Arc<Semaphore>,
    rng: Mutex<fastrand::Rng>,
}

/// Why a host gets no more requests this run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SetAside(pub String);

/// The right to send one request to a host: holds the host (one in flight), a place under
/// the global cap (until the request turns out slow) and one under the hard cap.
pub struct Turn {
    state: OwnedMutexGuard<HostState>,
    permit: Option<OwnedSemaphorePermit>,
    _hard: OwnedSemaphorePermit,
    interval: Duration,
}

impl Politeness {
    /// `seed` makes the jitter repeatable (tests); `None` seeds from the system.
    pub fn new(interval: Duration, concurrency: usize, seed: Option<u64>) -> Politeness {
        let period = interval.max(Duration::from_millis(1));
        let quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::MIN);
        Politeness {
            interval,
            limiter: RateLimiter::dashmap_with_clock(quota, TokioClock),
            hosts: Mutex::new(HashMap::new()),
            global: Arc::new(Semaphore::new(concurrency.max(1))),
            hard: Arc::new(Semaphore::new(concurrency.max(1) * HARD_CAP_FACTOR)),
            rng: Mutex::new(seed.map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed)),
        }
    }

    fn slot(&self, key: &HostKey) -> Arc<AsyncMutex<HostState>> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        hosts
            .entry(key.clone())
            .or_insert_with(|| Slot {
                state: Arc::new(AsyncMutex::new(HostState {
                    not_before: Instant::now(),
                    crawl_delay: None,
                    consecutive_failures: 0,
                    set_aside: None,
                })),
            })
            .state
            .clone()
    }

    /// A fraction of `d` (up to [`JITTER`]) to add, so requests do not march in lockstep.
    fn jitter(&self, d: Duration) -> Duration {
        let f = self.rng.lock().unwrap_or_else(|p| p.into_inner()).f64() * JITTER;
        d.mul_f64(f)
    }

    /// Records a site's robots.txt Crawl-delay (used when longer than the plan's interval).
    pub async fn set_crawl_delay(&self, key: &HostKey, delay: std::time::Duration) {
        self.slot(key).lock().await.crawl_delay = Some(delay);
    }

    /// Waits until the host may be asked again, then for a global permit. The host stays
    /// reserved (no other request to it) until the turn is finished or dropped. A host that
    /// was set aside is returned at once with its reason.
    pub async fn turn(&self, key: &HostKey) -> Result<Turn, SetAside> {
        let mut state = self.slot(key).lock_owned().await;
        if let Some(why) = &state.set_aside {
            return Err(SetAside(why.clone()));
        }
        tokio::time::sleep_until(state.not_before).await;
        // The plan's rate for every host, from governor; then a little jitter.
        while let Err(not_until) = self.limiter.check_key(key) {
            tokio::time::sleep(not_until.wait_time_from(TokioClock.now())).await;
        }
        tokio::time::sleep(self.jitter(self.interval)).await;
        let stopping = |_| SetAside("the run is stopping".to_string());
        let hard = self.hard.clone().acquire_owned().await.map_err(stopping)?;
        let permit = self
            .global
            .clone()
            .acquire_owned()
            .await
            .map_err(stopping)?;
        state.not_before = Instant::now();
        Ok(Turn {
            state,
            permit: Some(permit),
            _hard: hard,
            interval: self.interval,
        })
    }
}

impl Turn {
    pub fn state(&mut self) -> &mut HostState {
        &mut self.state
    }

    /// The request is slow: its place under the global cap goes to another host's request
    /// (the host stays reserved, and the hard cap still counts it).
    pub fn give_way(&mut self) {
        self.permit = None;
    }

    /// Ends the turn: the next request to the host waits at least the interval (or the
    /// site's Crawl-delay) from the end of this one — so the server sees the gap whatever
    /// the network did — or `delay` if that is longer (Retry-After, backoff).
    pub fn finish(mut self, delay: Option<Duration>) {
        let spacing = self
            .state
            .crawl_delay
            .map_or(self.interval, |c| c.max(self.interval));
        let spacing = delay.map_or(spacing, |d| d.max(spacing));
        self.state.not_before = Instant::now() + spacing;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn requests_to_one_host_are_spaced_and_hosts_share_by_domain() {
        let p = Arc::new(Politeness::new(Duration::from_secs(2), 4, Some(7)));
        let t0 = Instant::now();
        let mut starts = Vec::new();
        for host in ["www.a.com", "shop.a.com", "a.com"] {
            let turn = p.turn(&HostKey::of_host(host)).await.unwrap();
            starts.push(Instant::now() - t0);
            turn.finish(None);
        }
        assert!(starts[1] >= Duration::from_secs(2), "{starts:?}");
        assert!(
            starts[2] >= starts[1] + Duration::from_secs(2),
            "{starts:?}"
        );
        // Another domain is not held up.
        let other = p.turn(&HostKey::of_host("b.com")).await.unwrap();
        assert!(Instant::now() - t0 < starts[2] + Duration::from_secs(2));
        drop(other);
    }

    #[tokio::test(start_paused = true)]
    async fn crawl_delay_and_retry_after_push_the_next_request() {
        let p = Politeness::new(Duration::from_secs(1), 4, Some(1));
        let key = HostKey::of_host("a.com");
        let mut turn = p.turn(&key).await.unwrap();
        turn.state().crawl_delay = Some(Duration::from_secs(5));
        let first = Instant::now();
        turn.finish(None);
        let turn = p.turn(&key).await.unwrap();
        assert!(Instant::now() - first >= Duration::from_secs(5));
        let second = Instant::now();
        turn.finish(Some(Duration::from_secs(30)));
        let turn = p.turn(&key).await.unwrap();
        assert!(Instant::now() - second >= Duration::from_secs(30));
        drop(turn);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_request_gives_its_place_to_another_host() {
        let p = Politeness::new(Duration::from_secs(1), 1, None);
        let mut slow = p.turn(&HostKey::of_host("hangs.com")).await.unwrap();
        let other = HostKey::of_host("b.com");
        let next = tokio::time::timeout(Duration::from_secs(60), p.turn(&other));
        slow.give_way();
        let fast = next.await.expect("b.com gets the place").unwrap();
        // The hard cap (4 in all) still counts both.
        assert_eq!(p.hard.available_permits(), 2);
        drop((slow, fast));
    }

    #[tokio::test(start_paused = true)]
    async fn a_set_aside_host_is_refused_at_once() {
        let p = Politeness::new(Duration::from_secs(1), 1, None);
        let key = HostKey::of_host("a.com");
        let mut turn = p.turn(&key).await.unwrap();
        turn.state().set_aside = Some("500 on every page".into());
        turn.finish(None);
        assert_eq!(
            p.turn(&key).await.err().map(|e| e.0).as_deref(),
            Some("500 on every page")
        );
    }
}
