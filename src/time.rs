//! Time as a value: the caller passes the current instant to every verification.

use crate::error::Error;

/// The default freshness tolerance: 300 seconds (5 minutes) either way, as the Standard
/// Webhooks specification recommends ("Verifying Webhooks", timestamp check).
pub const DEFAULT_TOLERANCE: u64 = 300;

/// An instant as whole seconds since the Unix epoch (1970-01-01T00:00:00Z).
///
/// Verification never reads a clock by itself: pass `UnixTime::now()` (with the `std` feature)
/// or any instant you trust, which makes tests and embedded targets deterministic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime(u64);

impl UnixTime {
    /// The instant `secs` seconds after the Unix epoch.
    #[must_use]
    pub const fn from_secs(secs: u64) -> Self {
        Self(secs)
    }

    /// Seconds since the Unix epoch.
    #[must_use]
    pub const fn as_secs(self) -> u64 {
        self.0
    }

    /// The system clock, rounded down to whole seconds (a clock before 1970 reads as 0).
    ///
    /// # Panics
    ///
    /// On `wasm32-unknown-unknown` the standard library has no clock and panics here; pass
    /// the host's time with [`UnixTime::from_secs`] on that target instead.
    #[cfg(feature = "std")]
    #[must_use]
    pub fn now() -> Self {
        extern crate std;
        let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        Self(since.map_or(0, |d| d.as_secs()))
    }
}

impl From<u64> for UnixTime {
    fn from(secs: u64) -> Self {
        Self(secs)
    }
}

/// Accepts `timestamp` when `now - tolerance <= timestamp <= now + tolerance` (inclusive),
/// with saturating arithmetic so that no input overflows.
pub(crate) fn check_freshness(timestamp: u64, now: UnixTime, tolerance: u64) -> Result<(), Error> {
    let now = now.0;
    if timestamp < now.saturating_sub(tolerance) {
        Err(Error::TooOld {
            age: now.saturating_sub(timestamp),
            tolerance,
        })
    } else if timestamp > now.saturating_add(tolerance) {
        Err(Error::TooNew {
            ahead: timestamp.saturating_sub(now),
            tolerance,
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_is_inclusive_at_both_edges() {
        let now = UnixTime::from_secs(1_000);
        assert_eq!(check_freshness(700, now, 300), Ok(()));
        assert_eq!(check_freshness(1_300, now, 300), Ok(()));
        assert_eq!(
            check_freshness(699, now, 300),
            Err(Error::TooOld {
                age: 301,
                tolerance: 300
            })
        );
        assert_eq!(
            check_freshness(1_301, now, 300),
            Err(Error::TooNew {
                ahead: 301,
                tolerance: 300
            })
        );
    }

    #[test]
    fn extremes_saturate_instead_of_overflowing() {
        // now + tolerance would overflow: everything at or after now - tolerance is fresh.
        let now = UnixTime::from_secs(u64::MAX - 10);
        assert_eq!(check_freshness(u64::MAX, now, 300), Ok(()));
        assert_eq!(
            check_freshness(u64::MAX, UnixTime::from_secs(u64::MAX), u64::MAX),
            Ok(())
        );
        // now - tolerance would underflow: timestamp 0 is fresh.
        assert_eq!(check_freshness(0, UnixTime::from_secs(10), 300), Ok(()));
        assert_eq!(
            check_freshness(u64::MAX, UnixTime::from_secs(0), 0),
            Err(Error::TooNew {
                ahead: u64::MAX,
                tolerance: 0
            })
        );
        assert_eq!(
            check_freshness(0, UnixTime::from_secs(u64::MAX), 0),
            Err(Error::TooOld {
                age: u64::MAX,
                tolerance: 0
            })
        );
    }

    #[test]
    fn zero_tolerance_accepts_only_now() {
        let now = UnixTime::from_secs(5);
        assert_eq!(check_freshness(5, now, 0), Ok(()));
        assert!(check_freshness(4, now, 0).is_err());
        assert!(check_freshness(6, now, 0).is_err());
    }

    #[cfg(feature = "std")]
    #[test]
    fn now_is_after_2020() {
        assert!(UnixTime::now().as_secs() > 1_577_836_800);
    }
}
