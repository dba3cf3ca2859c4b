//! Trying a request again, for every request of the program (pages and search APIs): the one
//! retry loop (each attempt in a turn of its host), exponential backoff with jitter, and what a
//! `Retry-After` header asks.

use std::future::Future;
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use super::polite::{HostKey, Politeness, SetAside, Turn};

/// How far the retry loop goes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Tries after the first.
    pub retries: u32,
    /// A longer wait than this is not waited for: the last outcome stands.
    pub max_wait: Duration,
    /// A request not answered within this gives its place under the concurrency cap.
    pub slow_after: Duration,
}

/// The last attempt of a request: its outcome, the turn it came in (not yet finished: the
/// caller records how it went and finishes it), the wait its outcome asked for, and how many
/// attempts were made.
pub(crate) struct Attempted<T> {
    pub outcome: T,
    pub turn: Turn,
    pub wait: Option<Duration>,
    pub attempts: u32,
}

/// Sends a request in turns of its host (the host's pace, the global cap): `send` makes one
/// attempt, `judge` says from its outcome (and the attempt number, and how long it took) how
/// long to wait before the next, or that it stands; a wait is taken while attempts and
/// [`Limits::max_wait`] allow.
pub(crate) async fn in_turns<T, Fut>(
    polite: &Politeness,
    key: &HostKey,
    limits: Limits,
    mut send: impl FnMut() -> Fut,
    mut judge: impl FnMut(&T, u32, Duration) -> Option<Duration>,
) -> Result<Attempted<T>, SetAside>
where
    Fut: Future<Output = T>,
{
    let mut attempt = 0;
    loop {
        let mut turn = polite.turn(key).await?;
        let started = Instant::now();
        let request = send();
        tokio::pin!(request);
        let outcome = tokio::select! {
            outcome = &mut request => outcome,
            () = tokio::time::sleep(limits.slow_after) => {
                turn.give_way();
                request.await
            }
        };
        let wait = judge(&outcome, attempt, started.elapsed());
        match wait {
            Some(w) if attempt < limits.retries && w <= limits.max_wait => {
                turn.finish(Some(w));
                attempt += 1;
            }
            _ => {
                return Ok(Attempted {
                    outcome,
                    turn,
                    wait,
                    attempts: attempt + 1,
                });
            }
        }
    }
}

/// Exponential backoff: `base`, doubling each attempt, at most `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub max: Duration,
}

impl Backoff {
    /// The wait before retry number `attempt` (0 first), times `jitter` (say 0.75–1.25, so
    /// that clients do not retry in step).
    pub fn delay(&self, attempt: u32, jitter: f64) -> Duration {
        self.base
            .saturating_mul(1 << attempt.min(16))
            .min(self.max)
            .mul_f64(jitter.max(0.0))
    }
}

/// `Retry-After: 120` or `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT`: how long to wait from
/// `now` (zero for a date already past); `None` when it is neither.
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_270_000);
        assert_eq!(retry_after(" 2 ", now), Some(Duration::from_secs(2)));
        let later = now + Duration::from_secs(90);
        assert_eq!(
            retry_after(&httpdate::fmt_http_date(later), now),
            Some(Duration::from_secs(90))
        );
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon", now), None);
    }

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let b = Backoff {
            base: Duration::from_secs(1),
            max: Duration::from_secs(5),
        };
        assert_eq!(b.delay(0, 1.0), Duration::from_secs(1));
        assert_eq!(b.delay(2, 1.0), Duration::from_secs(4));
        assert_eq!(b.delay(3, 1.0), Duration::from_secs(5));
        assert_eq!(b.delay(40, 0.5), Duration::from_millis(2500));
    }
}
