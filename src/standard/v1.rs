//! Standard Webhooks `v1`: HMAC-SHA256 under one or more secrets, parsed once, deliveries
//! verified many times, one-shot or streaming.

use core::fmt;

use subtle::{Choice, ConditionallySelectable};

use super::list::{
    DEFAULT_MAX_SIGNATURE_HEADER_LEN, DEFAULT_MAX_SIGNATURES, SignatureList, Version,
};
use super::secret::SecretKey;
use crate::alg::hmac_sha256::{self, TAG_LEN};
use crate::base64::decode_padded;
use crate::error::{Error, SecretFault};
use crate::headers::{WebhookHeaders, parse_id, parse_timestamp};
use crate::time::{DEFAULT_TOLERANCE, UnixTime, check_freshness};

/// How many secrets a [`Verifier`] holds when no capacity is named.
pub const DEFAULT_CAPACITY: usize = 4;

/// Verifies Standard Webhooks deliveries under one or more secrets.
///
/// Build it once (parsing secrets and keying HMAC is done here), then call
/// [`verify`](Self::verify) for each delivery, or [`begin`](Self::begin) to stream a body.
/// `N` is the fixed number of secrets it can hold, without allocation; several secrets serve
/// receiver-side rotation (a delivery is accepted when it matches under any of them).
///
/// A verifier is `Send + Sync` and can be shared between threads.
///
/// ```
/// use hookverify::{UnixTime, Verifier, WebhookHeaders};
///
/// let verifier = Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
/// let headers = WebhookHeaders::new(
///     "msg_p5jXN8AQM9LWM0D4loKWxJek",
///     "1614265330",
///     "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
/// );
/// let body = br#"{"test": 2432232314}"#;
/// let verified = verifier.verify(&headers, body, UnixTime::from_secs(1614265330))?;
/// assert_eq!(verified.id(), "msg_p5jXN8AQM9LWM0D4loKWxJek");
/// # Ok::<(), hookverify::Error>(())
/// ```
#[derive(Clone)]
pub struct Verifier<const N: usize = DEFAULT_CAPACITY> {
    keys: heapless::Vec<SecretKey, N>,
    tolerance: u64,
    max_signature_header_len: usize,
    max_signatures: usize,
}

impl Verifier {
    /// A verifier for one Standard Webhooks secret (`whsec_...`), with the default capacity of
    /// [`DEFAULT_CAPACITY`] secrets, tolerance of 300 s and header limits.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSecret`] as for [`SecretKey::from_whsec`].
    pub fn new(secret: &str) -> Result<Self, Error> {
        Self::from_secrets(&[secret])
    }
}

impl<const N: usize> Verifier<N> {
    /// A verifier for several secrets (at most `N`), any of which may have signed a delivery.
    ///
    /// ```
    /// # use hookverify::Verifier;
    /// // Rotation: the new secret and the one being retired, in a two-slot verifier.
    /// let verifier = Verifier::<2>::from_secrets(&[
    ///     "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    ///     "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
    /// ])?;
    /// # Ok::<(), hookverify::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSecret`] when the list is empty, longer than `N`, or a secret is
    /// invalid (see [`SecretKey::from_whsec`]).
    pub fn from_secrets(secrets: &[&str]) -> Result<Self, Error> {
        let mut keys = heapless::Vec::<SecretKey, N>::new();
        for secret in secrets {
            keys.push(SecretKey::from_whsec(secret)?)
                .map_err(|_| Error::InvalidSecret(SecretFault::TooMany { capacity: N }))?;
        }
        Self::from_keys(keys)
    }

    /// A verifier for already parsed keys (at most `N`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSecret`] when `keys` is empty or longer than `N`.
    pub fn from_keys(keys: impl IntoIterator<Item = SecretKey>) -> Result<Self, Error> {
        let mut stored = heapless::Vec::<SecretKey, N>::new();
        for key in keys {
            stored
                .push(key)
                .map_err(|_| Error::InvalidSecret(SecretFault::TooMany { capacity: N }))?;
        }
        if stored.is_empty() {
            return Err(Error::InvalidSecret(SecretFault::NoSecrets));
        }
        Ok(Self {
            keys: stored,
            tolerance: DEFAULT_TOLERANCE,
            max_signature_header_len: DEFAULT_MAX_SIGNATURE_HEADER_LEN,
            max_signatures: DEFAULT_MAX_SIGNATURES,
        })
    }

    /// Sets the freshness tolerance in seconds (default 300): a delivery is fresh when
    /// `now - tolerance <= timestamp <= now + tolerance`.
    #[must_use]
    pub const fn with_tolerance(mut self, seconds: u64) -> Self {
        self.tolerance = seconds;
        self
    }

    /// Sets the cap on the signature header's length in bytes (default 4096).
    #[must_use]
    pub const fn with_max_signature_header_len(mut self, bytes: usize) -> Self {
        self.max_signature_header_len = bytes;
        self
    }

    /// Sets the cap on the number of entries in the signature header (default 16).
    #[must_use]
    pub const fn with_max_signatures(mut self, entries: usize) -> Self {
        self.max_signatures = entries;
        self
    }

    /// The freshness tolerance in seconds.
    #[must_use]
    pub const fn tolerance(&self) -> u64 {
        self.tolerance
    }

    /// The number of secrets held.
    #[must_use]
    pub fn secrets(&self) -> usize {
        self.keys.len()
    }

    /// Verifies one delivery: header syntax, freshness of the timestamp against `now`, and
    /// the HMAC-SHA256 signature of `id.timestamp.body` under every secret.
    ///
    /// Checks run in this order, and the first failure is returned: id, timestamp, signature
    /// header structure, freshness, signature. Nothing is allocated.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidHeader`] for a malformed header, [`Error::TooOld`] / [`Error::TooNew`]
    /// outside the tolerance, [`Error::NoMatchingSignature`] when no signature matches.
    pub fn verify<'a>(
        &self,
        headers: &WebhookHeaders<'a>,
        body: &[u8],
        now: UnixTime,
    ) -> Result<Verified<'a>, Error> {
        self.verify_once(headers, body, Some(now))
    }

    /// Like [`verify`](Self::verify) but without the freshness check: replayed deliveries of
    /// any age are accepted. Only for re-verifying stored deliveries, or when freshness is
    /// checked elsewhere.
    ///
    /// # Errors
    ///
    /// As [`verify`](Self::verify), except never [`Error::TooOld`] or [`Error::TooNew`].
    pub fn verify_ignoring_timestamp<'a>(
        &self,
        headers: &WebhookHeaders<'a>,
        body: &[u8],
    ) -> Result<Verified<'a>, Error> {
        self.verify_once(headers, body, None)
    }

    /// The one-shot verification: the same checks as `begin`, `update`, `finish`, each
    /// secret's tag computed in one pass over the body.
    fn verify_once<'a>(
        &self,
        headers: &WebhookHeaders<'a>,
        body: &[u8],
        now: Option<UnixTime>,
    ) -> Result<Verified<'a>, Error> {
        let (id, timestamp, signatures) = self.check(headers, now)?;
        let matched = Macs::<N>::once(
            &self.keys,
            (id.as_bytes(), headers.timestamp, body),
            signatures.payloads(Version::V1),
        );
        verdict(id, timestamp, &signatures, self.keys.len(), matched)
    }

    /// Starts a streaming verification: checks the headers and freshness now, before any of
    /// the body arrives, then [`update`](PendingVerification::update) takes the body in
    /// chunks and [`finish`](PendingVerification::finish) checks the signature.
    ///
    /// ```
    /// # use hookverify::{UnixTime, Verifier, WebhookHeaders};
    /// # let verifier = Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
    /// # let headers = WebhookHeaders::new("msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
    /// #     "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    /// let mut pending = verifier.begin(&headers, UnixTime::from_secs(1614265330))?;
    /// for chunk in [&b"{\"test\": "[..], b"2432232314}"] {
    ///     pending.update(chunk);
    /// }
    /// let verified = pending.finish()?;
    /// # Ok::<(), hookverify::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`verify`](Self::verify), for every check that does not need the body.
    pub fn begin<'a>(
        &self,
        headers: &WebhookHeaders<'a>,
        now: UnixTime,
    ) -> Result<PendingVerification<'a, N>, Error> {
        self.start(headers, Some(now))
    }

    /// Like [`begin`](Self::begin) without the freshness check (see
    /// [`verify_ignoring_timestamp`](Self::verify_ignoring_timestamp)).
    ///
    /// # Errors
    ///
    /// As [`begin`](Self::begin), except never [`Error::TooOld`] or [`Error::TooNew`].
    pub fn begin_ignoring_timestamp<'a>(
        &self,
        headers: &WebhookHeaders<'a>,
    ) -> Result<PendingVerification<'a, N>, Error> {
        self.start(headers, None)
    }

    fn start<'a>(
        &self,
        headers: &WebhookHeaders<'a>,
        now: Option<UnixTime>,
    ) -> Result<PendingVerification<'a, N>, Error> {
        let (id, timestamp, signatures) = self.check(headers, now)?;
        Ok(PendingVerification {
            macs: Macs::start(&self.keys, id.as_bytes(), headers.timestamp),
            id,
            timestamp,
            signatures,
        })
    }

    /// Every check that needs neither the body nor a key: the headers, and freshness when
    /// `now` is given.
    fn check<'a>(
        &self,
        headers: &WebhookHeaders<'a>,
        now: Option<UnixTime>,
    ) -> Result<(&'a str, UnixTime, SignatureList<'a>), Error> {
        let names = headers.names;
        let id = parse_id(headers.id, names.id)?;
        let timestamp = parse_timestamp(headers.timestamp, names.timestamp)?;
        let signatures = SignatureList::parse(
            headers.signature,
            names.signature,
            self.max_signature_header_len,
            self.max_signatures,
        )?;
        if let Some(now) = now {
            check_freshness(timestamp, now, self.tolerance)?;
        }
        Ok((id, UnixTime::from_secs(timestamp), signatures))
    }
}

impl<const N: usize> fmt::Debug for Verifier<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("secrets", &self.keys.len())
            .field("tolerance", &self.tolerance)
            .field("max_signature_header_len", &self.max_signature_header_len)
            .field("max_signatures", &self.max_signatures)
            .finish()
    }
}

/// A verification in progress, created by [`Verifier::begin`]: the headers are checked, the
/// body is fed with [`update`](Self::update), and [`finish`](Self::finish) gives the verdict.
///
/// Nothing is verified until `finish` returns `Ok`, so dropping the value unfinished is a
/// mistake the compiler reports (`#[must_use]`):
///
/// ```compile_fail
/// #![deny(unused_must_use)]
/// # use hookverify::{UnixTime, Verifier, WebhookHeaders};
/// # fn main() -> Result<(), hookverify::Error> {
/// # let verifier = Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
/// # let headers = WebhookHeaders::new("msg_1", "1614265330", "v1,x");
/// verifier.begin(&headers, UnixTime::from_secs(1614265330))?; // error: unused `PendingVerification`
/// # Ok(())
/// # }
/// ```
///
/// (The same lines with the value bound and finished compile; see [`Verifier::begin`].)
#[must_use = "the body is not verified until `finish()` returns `Ok`"]
pub struct PendingVerification<'a, const N: usize = DEFAULT_CAPACITY> {
    macs: Macs<N>,
    id: &'a str,
    timestamp: UnixTime,
    signatures: SignatureList<'a>,
}

impl<'a, const N: usize> PendingVerification<'a, N> {
    /// Feeds the next chunk of the body, exactly as received.
    pub fn update(&mut self, chunk: &[u8]) {
        self.macs.update(chunk);
    }

    /// Checks the signature of everything fed so far.
    ///
    /// Every `v1` candidate is compared against the tag of every secret in constant time, and
    /// all comparisons are made whatever their outcome, so the time taken depends only on the
    /// numbers of candidates and secrets, not on where a candidate differs.
    ///
    /// # Errors
    ///
    /// [`Error::NoMatchingSignature`] when no candidate matches under any secret.
    pub fn finish(self) -> Result<Verified<'a>, Error> {
        let Self {
            macs,
            id,
            timestamp,
            signatures,
        } = self;
        let secrets = macs.len();
        let matched = macs.finish(signatures.payloads(Version::V1));
        verdict(id, timestamp, &signatures, secrets, matched)
    }
}

/// The verdict on a `v1` list: the secret that matched, or what was tried.
fn verdict<'a>(
    id: &'a str,
    timestamp: UnixTime,
    signatures: &SignatureList<'_>,
    secrets: usize,
    matched: Option<usize>,
) -> Result<Verified<'a>, Error> {
    match matched {
        Some(secret_index) => Ok(Verified {
            id,
            timestamp,
            secret_index,
        }),
        None => Err(Error::NoMatchingSignature {
            v1: signatures.v1,
            v1a: 0,
            skipped: signatures.v1a.saturating_add(signatures.other),
            secrets,
            public_keys: 0,
        }),
    }
}

/// The HMAC side of a verification in progress: one keyed state per secret, each already fed
/// `id.timestamp.`, then the body. Shared by [`PendingVerification`] and the receiver.
pub(crate) struct Macs<const N: usize>(hmac_sha256::Macs<N>);

impl<const N: usize> Macs<N> {
    /// Starts one state per key (at most `N`) over `id.timestamp.`, the timestamp exactly as
    /// received.
    pub(crate) fn start(keys: &[SecretKey], id: &[u8], timestamp: &[u8]) -> Self {
        // Callers hold at most `N` keys; a key beyond would simply not be used.
        let mut macs = hmac_sha256::Macs::new(keys.iter().map(SecretKey::key));
        macs.update(id);
        macs.update(b".");
        macs.update(timestamp);
        macs.update(b".");
        Self(macs)
    }

    /// The number of secrets.
    pub(crate) const fn len(&self) -> usize {
        self.0.len()
    }

    /// Feeds a chunk of the body to every state.
    pub(crate) fn update(&mut self, chunk: &[u8]) {
        self.0.update(chunk);
    }

    /// The lowest index of a secret that one of the `v1` payloads matches, or `None`.
    ///
    /// Every candidate that decodes to 32 bytes (canonical padded base64; anything else cannot
    /// match, which rules out truncated tags, CVE-2024-21491) is compared with every secret's
    /// tag in constant time, whatever the outcome of the other comparisons.
    pub(crate) fn finish<'p>(self, payloads: impl Iterator<Item = &'p [u8]>) -> Option<usize> {
        matching(&self.0.finish(), payloads)
    }

    /// The one-shot form of `start`, `update`, `finish`: each secret's tag of
    /// `id.timestamp.body` computed in one pass, then matched against the payloads.
    pub(crate) fn once<'p>(
        keys: &[SecretKey],
        (id, timestamp, body): (&[u8], &[u8], &[u8]),
        payloads: impl Iterator<Item = &'p [u8]>,
    ) -> Option<usize> {
        let mut tags = heapless::Vec::<hmac_sha256::Tag, N>::new();
        for key in keys.iter().take(N) {
            // Cannot fail: at most `N` keys.
            let _ = tags.push(key.key().tag(&[id, b".", timestamp, b"."], body));
        }
        matching(&tags, payloads)
    }
}

/// The lowest index of a tag that one of the `v1` payloads matches, or `None`; every
/// comparison is made, in constant time (see [`Macs::finish`]). The tags wipe themselves
/// when the caller drops them.
fn matching<'p, const N: usize>(
    tags: &heapless::Vec<hmac_sha256::Tag, N>,
    payloads: impl Iterator<Item = &'p [u8]>,
) -> Option<usize> {
    // Per secret, whether any candidate matched it; every comparison is made.
    let mut hits = [Choice::from(0); N];
    for payload in payloads {
        // A candidate comes from the request: public, so it is not wiped.
        let Some(candidate) = decode_padded::<TAG_LEN>(payload) else {
            continue;
        };
        for (hit, tag) in hits.iter_mut().zip(tags.iter()) {
            *hit |= tag.matches(&candidate);
        }
    }
    // The lowest matching index: walk the secrets backwards, keeping each hit's index.
    let mut matched = Choice::from(0);
    let mut secret_index = 0u32;
    for (index, hit) in hits.iter().enumerate().take(tags.len()).rev() {
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        secret_index.conditional_assign(&index, *hit);
        matched |= *hit;
    }
    bool::from(matched).then(|| usize::try_from(secret_index).unwrap_or(usize::MAX))
}

impl<const N: usize> fmt::Debug for PendingVerification<'_, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingVerification")
            .field("id", &self.id)
            .field("timestamp", &self.timestamp)
            .finish_non_exhaustive()
    }
}

/// Proof that a delivery was verified: its webhook id and timestamp, for deduplication.
///
/// Deliveries are retried (at least once, for up to 24 h by the Gemini API), so the same
/// id can arrive several times; remember the ids you have processed, at least for the
/// tolerance window, and drop repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verified<'a> {
    id: &'a str,
    timestamp: UnixTime,
    secret_index: usize,
}

impl<'a> Verified<'a> {
    /// The `webhook-id` value (visible ASCII, at most 256 bytes).
    #[must_use]
    pub const fn id(&self) -> &'a str {
        self.id
    }

    /// The `webhook-timestamp` value.
    #[must_use]
    pub const fn timestamp(&self) -> UnixTime {
        self.timestamp
    }

    /// The position of the first secret the delivery matched under, in the order the
    /// secrets were given; useful to tell when a retired secret is no longer in use.
    #[must_use]
    pub const fn secret_index(&self) -> usize {
        self.secret_index
    }
}

#[cfg(test)]
mod tests {
    extern crate alloc;
    use super::*;
    use alloc::format;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const OTHER: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TS: &str = "1614265330";
    const SIG: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    const BODY: &[u8] = br#"{"test": 2432232314}"#;
    const NOW: UnixTime = UnixTime::from_secs(1_614_265_330);

    #[test]
    fn verifies_the_spec_vector() {
        let v = Verifier::new(SECRET).unwrap();
        let ok = v
            .verify(&WebhookHeaders::new(ID, TS, SIG), BODY, NOW)
            .unwrap();
        assert_eq!(ok.id(), ID);
        assert_eq!(ok.timestamp(), NOW);
        assert_eq!(ok.secret_index(), 0);
    }

    #[test]
    fn any_of_several_secrets_and_reports_which() {
        let v = Verifier::<3>::from_secrets(&[OTHER, SECRET]).unwrap();
        let ok = v
            .verify(&WebhookHeaders::new(ID, TS, SIG), BODY, NOW)
            .unwrap();
        assert_eq!(ok.secret_index(), 1);
        let only_other = Verifier::<1>::from_secrets(&[OTHER]).unwrap();
        assert_eq!(
            only_other.verify(&WebhookHeaders::new(ID, TS, SIG), BODY, NOW),
            Err(Error::NoMatchingSignature {
                v1: 1,
                v1a: 0,
                skipped: 0,
                secrets: 1,
                public_keys: 0
            })
        );
    }

    /// Found by the `hmac_delivery` fuzz target: with one entry per secret, the index must be
    /// the lowest matching secret's, whatever the order of the entries.
    #[test]
    fn secret_index_is_the_lowest_match_across_entries() {
        let current = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let retired = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
        let v = Verifier::<2>::from_secrets(&[current, retired]).unwrap();
        let other = Verifier::<1>::from_secrets(&[retired]).unwrap();
        // Build the retired secret's tag through the crate itself (the unit under test is the
        // index selection, not the MAC).
        let mut pending = other
            .begin_ignoring_timestamp(&WebhookHeaders::new(ID, TS, "v1,x"))
            .unwrap();
        pending.update(BODY);
        let retired_sig = {
            use base64ct::{Base64, Encoding};
            let tag = pending.macs.0.finish()[0].bytes();
            format!("v1,{}", Base64::encode_string(&tag))
        };
        let current_sig = SIG;
        for header in [
            format!("{current_sig} {retired_sig}"),
            format!("{retired_sig} {current_sig}"),
        ] {
            let ok = v
                .verify(&WebhookHeaders::new(ID, TS, &header), BODY, NOW)
                .unwrap();
            assert_eq!(ok.secret_index(), 0, "{header}");
        }
        let only_retired = v
            .verify(&WebhookHeaders::new(ID, TS, &retired_sig), BODY, NOW)
            .unwrap();
        assert_eq!(only_retired.secret_index(), 1);
    }

    #[test]
    fn capacity_is_enforced() {
        assert_eq!(
            Verifier::<1>::from_secrets(&[SECRET, OTHER]).unwrap_err(),
            Error::InvalidSecret(SecretFault::TooMany { capacity: 1 })
        );
        assert_eq!(
            Verifier::<1>::from_secrets(&[]).unwrap_err(),
            Error::InvalidSecret(SecretFault::NoSecrets)
        );
    }

    #[test]
    fn freshness_is_checked_unless_explicitly_skipped() {
        let v = Verifier::new(SECRET).unwrap();
        let h = WebhookHeaders::new(ID, TS, SIG);
        let late = UnixTime::from_secs(NOW.as_secs() + 301);
        assert_eq!(
            v.verify(&h, BODY, late),
            Err(Error::TooOld {
                age: 301,
                tolerance: 300
            })
        );
        assert!(v.verify_ignoring_timestamp(&h, BODY).is_ok());
        assert!(v.clone().with_tolerance(301).verify(&h, BODY, late).is_ok());
    }

    #[test]
    fn streaming_equals_one_shot_at_every_split() {
        let v = Verifier::new(SECRET).unwrap();
        let h = WebhookHeaders::new(ID, TS, SIG);
        for split in 0..=BODY.len() {
            let mut p = v.begin(&h, NOW).unwrap();
            p.update(&BODY[..split]);
            p.update(&BODY[split..]);
            assert!(p.finish().is_ok(), "split at {split}");
        }
    }

    #[test]
    fn debug_does_not_show_secrets() {
        extern crate alloc;
        let v = Verifier::new(SECRET).unwrap();
        let shown = alloc::format!("{v:?}");
        assert!(!shown.contains("MfKQ"));
        assert!(shown.contains("secrets: 1"));
    }

    #[test]
    fn verifier_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Verifier>();
        assert_send_sync::<PendingVerification<'static>>();
    }
}
