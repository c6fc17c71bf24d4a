//! Replay protection. Deliveries are at least once (the Gemini API retries for 24 hours), and
//! a replay inside the tolerance window verifies, so a receiver records each authenticated
//! id it processed and acknowledges a repeat without processing it again.
//!
//! The key is derived from a [`Delivery`], which only verification produces: an id is
//! recorded only after its signature verified. [`ReplayGuard`] is the storage contract (an
//! in-memory table, Redis `SET ... NX EX`, a database); [`MemoryGuard`] is a bounded `no_std`
//! implementation.

use core::fmt;

use sha2::{Digest as _, Sha256};

use crate::delivery::Delivery;
use crate::scheme::Scheme;
use crate::time::{DEFAULT_TOLERANCE, UnixTime};

/// How long ids are kept by default, in seconds: the Gemini API retries a delivery for 24
/// hours (a retry signs the same id with a new timestamp), plus the tolerance window of the
/// last retry. Never keep them for less than the tolerance window: a replay inside it verifies.
pub const DEFAULT_RETENTION: u64 = 24 * 60 * 60 + DEFAULT_TOLERANCE;

/// What a delivery is deduplicated on: the SHA-256 of its authenticated id, in a namespace of
/// its scheme's family (`webhook-id` for `v1` and `v1a`, which name the same delivery when a
/// sender signs with both; the token's `jti` for JWTs). Fixed size, whatever the id's length.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReplayKey([u8; 32]);

impl ReplayKey {
    /// The key of a verified delivery; `None` for a JWT without `jti` (nothing authenticated
    /// identifies it: such deliveries cannot be deduplicated).
    #[must_use]
    pub fn of(delivery: &Delivery<'_>) -> Option<Self> {
        let namespace: &[u8] = match delivery.scheme() {
            Scheme::V1 | Scheme::V1a => b"hookverify/webhook-id\0",
            Scheme::Jwt => b"hookverify/jwt-jti\0",
        };
        let id = delivery.authenticated_id()?;
        let mut hash = Sha256::new();
        hash.update(namespace);
        hash.update(id.as_bytes());
        Some(Self(hash.finalize().into()))
    }

    /// The key's 32 bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The key in lowercase hexadecimal (64 ASCII characters), e.g. for a Redis key name.
    #[must_use]
    pub fn to_hex(&self) -> [u8; 64] {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 64];
        for (pair, byte) in out.chunks_exact_mut(2).zip(self.0) {
            let digit = |nibble: u8| HEX.get(usize::from(nibble)).copied().unwrap_or(b'0');
            pair.copy_from_slice(&[digit(byte >> 4), digit(byte & 0xf)]);
        }
        out
    }
}

impl fmt::Debug for ReplayKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = self.to_hex();
        let text = core::str::from_utf8(&hex).unwrap_or("?");
        write!(f, "ReplayKey({text})")
    }
}

/// Whether a delivery was already processed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use = "a duplicate must be acknowledged without processing it again"]
pub enum Seen {
    /// First time: process it.
    New,
    /// Already recorded and not expired: acknowledge it (a 2xx, or the sender retries it for
    /// 24 hours), and do not process it again.
    Duplicate,
}

/// Storage of the keys of processed deliveries.
///
/// `record` must be atomic: of two concurrent calls with the same key, exactly one sees
/// [`Seen::New`] (Redis `SET key 1 NX EX ttl`, a unique index, a mutex around a table). It
/// keeps the key at least until `keep_until`; when it cannot (full, unreachable), it returns
/// an error and the receiver answers "try later" (503): the sender retries, nothing is lost,
/// and nothing is processed twice.
pub trait ReplayGuard {
    /// Why a key could not be recorded.
    type Error;

    /// Records `key` until `keep_until`, at `now`; says whether it was already there.
    ///
    /// # Errors
    ///
    /// When the key cannot be recorded (storage full or unreachable).
    fn record(
        &mut self,
        key: &ReplayKey,
        now: UnixTime,
        keep_until: UnixTime,
    ) -> Result<Seen, Self::Error>;

    /// Removes `key`, recorded for a delivery that was then not processed (processing
    /// failed, or the store's answer to `record` was lost), so that the sender's retry is
    /// processed instead of being taken for a duplicate.
    ///
    /// # Errors
    ///
    /// When the store cannot answer (the key then stays until it expires).
    fn forget(&mut self, key: &ReplayKey) -> Result<(), Self::Error>;
}

impl Delivery<'_> {
    /// Records this verified delivery in `guard` for `retention` seconds from `now` (use
    /// [`DEFAULT_RETENTION`] unless you know better; never less than the tolerance window).
    /// A JWT delivery without `jti` cannot be deduplicated and is always [`Seen::New`].
    ///
    /// # Errors
    ///
    /// The guard's error: answer "try later" (503) and do not process the delivery.
    pub fn record<G: ReplayGuard>(
        &self,
        guard: &mut G,
        now: UnixTime,
        retention: u64,
    ) -> Result<Seen, G::Error> {
        match ReplayKey::of(self) {
            Some(key) => guard.record(
                &key,
                now,
                UnixTime::from_secs(now.as_secs().saturating_add(retention)),
            ),
            None => Ok(Seen::New),
        }
    }
}

/// A [`MemoryGuard`] with no free slot: every entry is still within its retention.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GuardFull;

impl fmt::Display for GuardFull {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the replay guard is full: every entry is within its retention")
    }
}

impl core::error::Error for GuardFull {}

/// A bounded, in-memory [`ReplayGuard`] for `N` keys, without allocation (`no_std`):
/// expired entries are reused, judged by the clock passed in; a full table refuses
/// ([`GuardFull`]) rather than forget a key that is still within its retention, which would
/// let a replay through. Size `N` for the deliveries of one retention period. For several
/// threads, put it behind a mutex; for several processes, use a shared store instead.
#[derive(Clone)]
pub struct MemoryGuard<const N: usize> {
    entries: [(ReplayKey, u64); N],
    used: usize,
}

impl<const N: usize> MemoryGuard<N> {
    /// An empty table.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            entries: [(ReplayKey([0; 32]), 0); N],
            used: 0,
        }
    }

    /// How many entries are in use (expired ones included until reused).
    #[must_use]
    pub const fn len(&self) -> usize {
        self.used
    }

    /// Whether no key was ever recorded.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.used == 0
    }
}

impl<const N: usize> Default for MemoryGuard<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> ReplayGuard for MemoryGuard<N> {
    type Error = GuardFull;

    fn record(
        &mut self,
        key: &ReplayKey,
        now: UnixTime,
        keep_until: UnixTime,
    ) -> Result<Seen, GuardFull> {
        let now = now.as_secs();
        let used = self.entries.get_mut(..self.used).unwrap_or_default();
        let mut expired = None;
        for (index, (stored, until)) in used.iter_mut().enumerate() {
            let live = *until > now;
            if stored == key {
                if live {
                    return Ok(Seen::Duplicate);
                }
                *until = keep_until.as_secs();
                return Ok(Seen::New);
            }
            if !live && expired.is_none() {
                expired = Some(index);
            }
        }
        let slot = match expired {
            Some(index) => index,
            None if self.used < N => {
                self.used = self.used.saturating_add(1);
                self.used.saturating_sub(1)
            }
            None => return Err(GuardFull),
        };
        if let Some(entry) = self.entries.get_mut(slot) {
            *entry = (*key, keep_until.as_secs());
        }
        Ok(Seen::New)
    }

    fn forget(&mut self, key: &ReplayKey) -> Result<(), GuardFull> {
        let used = self.entries.get_mut(..self.used).unwrap_or_default();
        for (stored, until) in used {
            if stored == key {
                // Expired at once: the slot is reused and the key is new again.
                *until = 0;
            }
        }
        Ok(())
    }
}

impl<const N: usize> fmt::Debug for MemoryGuard<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryGuard")
            .field("capacity", &N)
            .field("used", &self.used)
            .finish()
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // test arithmetic on small known values
mod tests {
    use super::*;

    fn key(n: u8) -> ReplayKey {
        ReplayKey([n; 32])
    }

    const T0: u64 = 1_000;

    #[test]
    fn new_then_duplicate_until_it_expires() {
        let mut guard = MemoryGuard::<2>::new();
        let at = UnixTime::from_secs;
        assert_eq!(guard.record(&key(1), at(T0), at(T0 + 300)), Ok(Seen::New));
        assert_eq!(
            guard.record(&key(1), at(T0 + 299), at(T0 + 599)),
            Ok(Seen::Duplicate)
        );
        // Expired: the same key is new again.
        assert_eq!(
            guard.record(&key(1), at(T0 + 300), at(T0 + 600)),
            Ok(Seen::New)
        );
        assert_eq!(
            guard.record(&key(1), at(T0 + 301), at(T0 + 601)),
            Ok(Seen::Duplicate)
        );
    }

    #[test]
    fn a_full_table_refuses_rather_than_forgets() {
        let mut guard = MemoryGuard::<2>::new();
        let at = UnixTime::from_secs;
        assert_eq!(guard.record(&key(1), at(T0), at(T0 + 300)), Ok(Seen::New));
        assert_eq!(guard.record(&key(2), at(T0), at(T0 + 400)), Ok(Seen::New));
        assert_eq!(
            guard.record(&key(3), at(T0 + 10), at(T0 + 310)),
            Err(GuardFull)
        );
        // The keys still within their retention are remembered.
        assert_eq!(
            guard.record(&key(1), at(T0 + 10), at(T0 + 310)),
            Ok(Seen::Duplicate)
        );
        // Once one expires, its slot is reused.
        assert_eq!(
            guard.record(&key(3), at(T0 + 300), at(T0 + 600)),
            Ok(Seen::New)
        );
        assert_eq!(
            guard.record(&key(2), at(T0 + 300), at(T0 + 600)),
            Ok(Seen::Duplicate)
        );
        assert_eq!(
            guard.record(&key(1), at(T0 + 300), at(T0 + 600)),
            Err(GuardFull)
        );
        assert_eq!(guard.len(), 2);
    }

    #[test]
    fn a_forgotten_key_is_new_again() {
        let mut guard = MemoryGuard::<2>::new();
        let at = UnixTime::from_secs;
        assert_eq!(guard.record(&key(1), at(T0), at(T0 + 300)), Ok(Seen::New));
        assert_eq!(guard.forget(&key(1)), Ok(()));
        assert_eq!(
            guard.record(&key(1), at(T0 + 1), at(T0 + 301)),
            Ok(Seen::New)
        );
        assert_eq!(
            guard.record(&key(1), at(T0 + 2), at(T0 + 302)),
            Ok(Seen::Duplicate)
        );
        assert_eq!(guard.forget(&key(9)), Ok(()));
    }

    #[test]
    fn hex_and_debug() {
        let k = key(0xab);
        assert_eq!(&k.to_hex()[..4], b"abab");
        extern crate alloc;
        assert!(alloc::format!("{k:?}").starts_with("ReplayKey(abab"));
    }
}
