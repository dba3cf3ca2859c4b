//! Wall-clock time, passed in: a [`Clock`] says what time it is (the system's, or a fixed time
//! for tests and demos), and the forms the program shows and stores: Unix seconds, the civil
//! date (UTC) and the year.

use std::fmt::Debug;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// The environment variable that fixes the clock (Unix seconds), for tests and demos of
/// anything that waits for a day to pass (the search quota). Read once, by [`from_env`].
pub const NOW_VAR: &str = "PROSPECT_NOW";

/// What time it is.
pub trait Clock: Send + Sync + Debug {
    /// Seconds since the Unix epoch.
    fn now(&self) -> i64;

    /// This year (UTC).
    fn year(&self) -> i32 {
        civil(self.now().div_euclid(86_400)).0
    }

    /// The start of today (UTC), in Unix seconds.
    fn today(&self) -> i64 {
        let now = self.now();
        now - now.rem_euclid(86_400)
    }
}

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    }
}

/// A clock that always says the same time.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub i64);

impl Clock for FixedClock {
    fn now(&self) -> i64 {
        self.0
    }
}

/// The clock of a command: the time [`NOW_VAR`] gives, else the system's.
pub fn from_env() -> Arc<dyn Clock> {
    match std::env::var(NOW_VAR)
        .ok()
        .and_then(|v| v.trim().parse().ok())
    {
        Some(t) => Arc::new(FixedClock(t)),
        None => Arc::new(SystemClock),
    }
}

/// (year, month, day) of a day count since 1970-01-01 (H. Hinnant's civil_from_days).
pub fn civil(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((yoe + era * 400 + i64::from(month <= 2)) as i32, month, day)
}

/// A moment (Unix seconds) as `YYYY-MM-DD HH:MM UTC`.
pub fn format_utc(t: i64) -> String {
    let (y, m, d) = civil(t.div_euclid(86_400));
    let secs = t.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_moments() {
        assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_utc(1_795_451_400), "2026-11-23 16:30 UTC");
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(20_454), (2026, 1, 1));
        assert_eq!(civil(20_453), (2025, 12, 31));
        assert_eq!(civil(11_016), (2000, 2, 29));
        let c = FixedClock(1_795_451_400);
        assert_eq!((c.year(), c.today()), (2026, 1_795_392_000));
    }
}
