//! When to fetch the sender's JWKS again, decided without I/O: a small state machine driven by
//! the clock passed in. The caller performs the fetch, hands the bytes back
//! ([`Receiver::with_jwks`](crate::Receiver::with_jwks)), and retries the delivery once.
//!
//! A delivery that names an unknown `kid`, or whose `v1a` entries verify under none of the
//! current keys, may come from keys the sender has just rotated in; it may also be forged, and
//! a forger can send as many as it likes. So a refetch for such a delivery happens at most once
//! per interval (default 60 s) counted from the last fetch, and between such events the set
//! is refetched only when it is older than a maximum age (checked when a delivery arrives,
//! never by polling).

use crate::error::Error;
use crate::time::UnixTime;

/// The default least interval between two fetches, in seconds.
pub const DEFAULT_MIN_REFRESH_INTERVAL: u64 = 60;

/// The default maximum age of a key set before it is fetched again on the next delivery, in
/// seconds (12 hours).
pub const DEFAULT_MAX_KEY_SET_AGE: u64 = 12 * 60 * 60;

/// What to do about the key set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub enum Refresh {
    /// Fetch the key set now, then verify (again) with it.
    FetchNow,
    /// The set may be outdated, but the last fetch is too recent: keep the current set; a
    /// fetch is allowed again in this many seconds.
    TooSoon {
        /// Seconds until a fetch is allowed.
        retry_after: u64,
    },
    /// Nothing suggests the set is outdated.
    NotNeeded,
}

/// The refetch policy of one key set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyRefresh {
    min_interval: u64,
    max_age: u64,
    /// The last fetch attempt, successful or not.
    last_attempt: Option<u64>,
    /// The last successful fetch.
    last_success: Option<u64>,
}

impl KeyRefresh {
    /// A policy with the defaults (60 s between fetches, 12 h of maximum age), and no fetch yet.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            min_interval: DEFAULT_MIN_REFRESH_INTERVAL,
            max_age: DEFAULT_MAX_KEY_SET_AGE,
            last_attempt: None,
            last_success: None,
        }
    }

    /// Sets the least interval between two fetches, in seconds.
    #[must_use]
    pub const fn with_min_interval(mut self, seconds: u64) -> Self {
        self.min_interval = seconds;
        self
    }

    /// Sets the maximum age of a key set, in seconds.
    #[must_use]
    pub const fn with_max_age(mut self, seconds: u64) -> Self {
        self.max_age = seconds;
        self
    }

    /// Records a successful fetch at `now`.
    pub const fn fetched(&mut self, now: UnixTime) {
        self.last_attempt = Some(now.as_secs());
        self.last_success = Some(now.as_secs());
    }

    /// Records a failed fetch at `now`: it counts for the interval (a sender whose JWKS URL
    /// fails is not hammered), not for the age.
    pub const fn fetch_failed(&mut self, now: UnixTime) {
        self.last_attempt = Some(now.as_secs());
    }

    /// Before verifying a delivery: whether the set should be fetched first because there is
    /// none yet, or it is older than the maximum age.
    pub fn before_delivery(&self, now: UnixTime) -> Refresh {
        let outdated = self
            .last_success
            .is_none_or(|at| now.as_secs().saturating_sub(at) >= self.max_age);
        if outdated {
            self.gate(now)
        } else {
            Refresh::NotNeeded
        }
    }

    /// After a delivery was refused with `error`: whether to fetch the set now and verify the
    /// delivery once more with it (the error suggests a rotation, see [`suggests_rotation`],
    /// and the interval allows).
    pub fn after_refusal(&self, error: &Error, now: UnixTime) -> Refresh {
        if suggests_rotation(error) {
            self.gate(now)
        } else {
            Refresh::NotNeeded
        }
    }

    /// `FetchNow` when the last attempt is at least the interval ago.
    fn gate(&self, now: UnixTime) -> Refresh {
        match self.last_attempt {
            Some(at) => {
                let elapsed = now.as_secs().saturating_sub(at);
                if elapsed >= self.min_interval {
                    Refresh::FetchNow
                } else {
                    Refresh::TooSoon {
                        retry_after: self.min_interval.saturating_sub(elapsed),
                    }
                }
            }
            None => Refresh::FetchNow,
        }
    }
}

impl Default for KeyRefresh {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether a refusal may come from keys the sender rotated in after the set was fetched: a
/// token naming a `kid` the set does not hold ([`Error::UnknownKey`]), or `v1a` entries that
/// verify under none of the current keys ([`Error::NoMatchingSignature`] with `v1a` entries
/// tried).
#[must_use]
pub const fn suggests_rotation(error: &Error) -> bool {
    matches!(
        error,
        Error::UnknownKey | Error::NoMatchingSignature { v1a: 1.., .. }
    )
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // test arithmetic on small known values
mod tests {
    use super::*;

    const T0: u64 = 1_800_000_000;

    fn at(offset: u64) -> UnixTime {
        UnixTime::from_secs(T0 + offset)
    }

    fn no_match(v1a: usize) -> Error {
        Error::NoMatchingSignature {
            v1: 0,
            v1a,
            skipped: 0,
            secrets: 0,
            public_keys: 3,
        }
    }

    #[test]
    fn the_first_delivery_fetches() {
        let policy = KeyRefresh::new();
        assert_eq!(policy.before_delivery(at(0)), Refresh::FetchNow);
    }

    #[test]
    fn unknown_keys_refetch_at_most_once_per_interval() {
        let mut policy = KeyRefresh::new().with_min_interval(60);
        policy.fetched(at(0));
        assert_eq!(policy.before_delivery(at(1)), Refresh::NotNeeded);
        // A burst of unknown-kid deliveries inside the interval: no refetch.
        for t in [1, 30, 59] {
            assert_eq!(
                policy.after_refusal(&Error::UnknownKey, at(t)),
                Refresh::TooSoon {
                    retry_after: 60 - t
                }
            );
        }
        assert_eq!(
            policy.after_refusal(&Error::UnknownKey, at(60)),
            Refresh::FetchNow
        );
        policy.fetched(at(60));
        assert_eq!(
            policy.after_refusal(&no_match(1), at(61)),
            Refresh::TooSoon { retry_after: 59 }
        );
        assert_eq!(
            policy.after_refusal(&no_match(1), at(120)),
            Refresh::FetchNow
        );
    }

    #[test]
    fn only_rotation_like_refusals_refetch() {
        let mut policy = KeyRefresh::new();
        policy.fetched(at(0));
        for error in [
            no_match(0),
            Error::InvalidSignature,
            Error::BodyMismatch,
            Error::TooOld {
                age: 1000,
                tolerance: 300,
            },
        ] {
            assert_eq!(
                policy.after_refusal(&error, at(3600)),
                Refresh::NotNeeded,
                "{error:?}"
            );
        }
        assert_eq!(
            policy.after_refusal(&no_match(2), at(3600)),
            Refresh::FetchNow
        );
    }

    #[test]
    fn an_old_set_is_refetched_lazily_and_failures_count_for_the_interval() {
        let mut policy = KeyRefresh::new().with_min_interval(60).with_max_age(3600);
        policy.fetched(at(0));
        assert_eq!(policy.before_delivery(at(3599)), Refresh::NotNeeded);
        assert_eq!(policy.before_delivery(at(3600)), Refresh::FetchNow);
        policy.fetch_failed(at(3600));
        // Still outdated, but the failed attempt was just now.
        assert_eq!(
            policy.before_delivery(at(3610)),
            Refresh::TooSoon { retry_after: 50 }
        );
        assert_eq!(policy.before_delivery(at(3660)), Refresh::FetchNow);
        policy.fetched(at(3660));
        assert_eq!(policy.before_delivery(at(3661)), Refresh::NotNeeded);
    }
}
