//! Standard Webhooks `v1a`: Ed25519 signatures of `id.timestamp.body` under the sender's
//! public keys (`spec/standard-webhooks.md`, "Asymmetric signatures"; the Gemini API's
//! dynamic webhooks, googleapis/python-genai#2927).
//!
//! The signature carries no key id, so each `v1a` entry is tried under each public key; the
//! work is bounded by a cap on entries times keys, checked before any hashing. Every check
//! hashes the body as it arrives (one SHA-512 state per entry and key), so a body is never
//! held, and the one-shot call is built on the same path.

use core::fmt;

use base64ct::{Base64, Encoding as _};

use crate::alg::ed25519::{self, Check, PUBLIC_KEY_LEN, SIGNATURE_LEN, Signature};
use crate::base64::decode_padded;
use crate::error::{Error, KeyFault, SecretFault};

/// The prefix of a Standard Webhooks public key.
const PREFIX: &str = "whpk_";

/// The most `v1a` checks (entries times keys) a verification in progress holds, and the
/// default cap.
pub const MAX_V1A_CHECKS: usize = 16;

/// A Standard Webhooks `v1a` public key: Ed25519, from `whpk_` and the padded standard base64
/// of its 32 bytes, checked under the strict key rules (a canonical encoding of a curve point
/// that is not of small order; see [`Receiver`](crate::Receiver) for every rule).
///
/// Public keys are not secret: `Debug` shows the `whpk_` form.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey {
    key: ed25519::PublicKey,
}

impl PublicKey {
    /// Parses `whpk_` followed by the canonical, padded standard base64 of 32 bytes.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSecret`] with [`SecretFault::PublicKey`]: `Malformed` for anything
    /// else (no prefix or another one such as `whsec_` or `whsk_`, unpadded or URL-safe
    /// base64, another length, a DER-wrapped key), or the point's fault (`NotOnCurve`,
    /// `NonCanonical`, `SmallOrder`).
    pub fn from_whpk(encoded: &str) -> Result<Self, Error> {
        let bytes = encoded
            .strip_prefix(PREFIX)
            .and_then(|b64| decode_padded::<PUBLIC_KEY_LEN>(b64.as_bytes()))
            .ok_or(Error::InvalidSecret(SecretFault::PublicKey(
                KeyFault::Malformed,
            )))?;
        Self::from_bytes(&bytes)
    }

    /// Uses 32 raw bytes as the public key.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSecret`] with [`SecretFault::PublicKey`] naming the point's fault.
    pub fn from_bytes(bytes: &[u8; PUBLIC_KEY_LEN]) -> Result<Self, Error> {
        ed25519::PublicKey::from_bytes(bytes)
            .map(|key| Self { key })
            .map_err(|fault| Error::InvalidSecret(SecretFault::PublicKey(fault)))
    }

    /// The key's 32 bytes.
    #[must_use]
    pub const fn to_bytes(&self) -> [u8; PUBLIC_KEY_LEN] {
        *self.key.as_bytes()
    }

    pub(crate) const fn key(&self) -> &ed25519::PublicKey {
        &self.key
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; 44];
        let encoded = Base64::encode(self.key.as_bytes(), &mut buf).unwrap_or("?");
        write!(f, "PublicKey({PREFIX}{encoded})")
    }
}

impl TryFrom<&str> for PublicKey {
    type Error = Error;

    /// Same as [`PublicKey::from_whpk`].
    fn try_from(encoded: &str) -> Result<Self, Error> {
        Self::from_whpk(encoded)
    }
}

impl core::str::FromStr for PublicKey {
    type Err = Error;

    /// Same as [`PublicKey::from_whpk`].
    fn from_str(encoded: &str) -> Result<Self, Error> {
        Self::from_whpk(encoded)
    }
}

/// The `v1a` side of a verification in progress: each entry that can verify under some key
/// (the right form, `S < L`, an `R` not of small order) is hashed under each key.
pub(crate) struct Checks {
    /// The entries that passed the key-independent rules, in header order.
    signatures: heapless::Vec<Signature, MAX_V1A_CHECKS>,
    /// One check per entry and key: `(signature index, key index, state)`.
    checks: heapless::Vec<(u8, u8, Check), MAX_V1A_CHECKS>,
}

impl Checks {
    /// Starts a check of every `v1a` payload under every key, over `id.timestamp.`. The
    /// caller has bounded entries times keys by [`MAX_V1A_CHECKS`].
    pub(crate) fn start<'p, 'k>(
        payloads: impl Iterator<Item = &'p [u8]>,
        keys: impl Iterator<Item = &'k ed25519::PublicKey> + Clone,
        id: &[u8],
        timestamp: &[u8],
    ) -> Self {
        let mut checks = Self {
            signatures: heapless::Vec::new(),
            checks: heapless::Vec::new(),
        };
        for payload in payloads {
            let Some(signature) = decode_padded::<SIGNATURE_LEN>(payload)
                .and_then(|bytes| Signature::from_slice(&bytes))
            else {
                continue;
            };
            let index = checks.signatures.len();
            if checks.signatures.push(signature).is_err() {
                break;
            }
            for (key_index, key) in keys.clone().enumerate() {
                let mut check = Check::start(&signature, key);
                check.update(id);
                check.update(b".");
                check.update(timestamp);
                check.update(b".");
                let (Ok(s), Ok(k)) = (u8::try_from(index), u8::try_from(key_index)) else {
                    break;
                };
                // Bounded by the caller: entries times keys at most MAX_V1A_CHECKS.
                let _ = checks.checks.push((s, k, check));
            }
        }
        checks
    }

    /// Feeds a chunk of the body to every check.
    pub(crate) fn update(&mut self, chunk: &[u8]) {
        for (_, _, check) in &mut self.checks {
            check.update(chunk);
        }
    }

    /// The index of the first key (in the order given to [`start`](Self::start)) under which
    /// an entry verifies, or `None`; `key` gives the key of an index.
    ///
    /// Keys are tried in that order, each under every entry, and the first success ends the
    /// work: a delivery signed by the first key costs one curve check, by the last of three
    /// keys three, and a forgery at most entries times keys (the cap). Every input is
    /// public, so stopping early reveals nothing. The order never changes the verdict (any
    /// entry under any key) nor the index reported (the lowest that verifies).
    pub(crate) fn finish<'k>(
        &mut self,
        key: impl Fn(usize) -> Option<&'k ed25519::PublicKey>,
    ) -> Option<usize> {
        let Self { signatures, checks } = self;
        // Key-major order; checks were made entry-major.
        checks.sort_unstable_by_key(|&(s, k, _)| (k, s));
        for (s, k, check) in checks.iter_mut() {
            let (s, k) = (usize::from(*s), usize::from(*k));
            let (Some(signature), Some(public)) = (signatures.get(s), key(k)) else {
                continue;
            };
            if check.finish(signature, public) {
                return Some(k);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 8032 section 7.1, TEST 1's public key.
    const KEY: [u8; 32] = [
        0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07,
        0x3a, 0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07,
        0x51, 0x1a,
    ];

    #[test]
    fn whpk_form_is_strict() {
        let good = "whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
        assert_eq!(PublicKey::from_whpk(good).unwrap().to_bytes(), KEY);
        extern crate alloc;
        assert_eq!(
            alloc::format!("{:?}", PublicKey::from_bytes(&KEY).unwrap()),
            alloc::format!("PublicKey({good})")
        );
        let malformed = Error::InvalidSecret(SecretFault::PublicKey(KeyFault::Malformed));
        for bad in [
            "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
            "whsec_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
            "whsk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
            "whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo",
            "whpk_11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
            "whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURp=",
            "whpk_MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
            "whpk_",
        ] {
            assert_eq!(PublicKey::from_whpk(bad).unwrap_err(), malformed, "{bad}");
        }
        // The identity point: small order.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(
            PublicKey::from_bytes(&identity).unwrap_err(),
            Error::InvalidSecret(SecretFault::PublicKey(KeyFault::SmallOrder))
        );
    }
}
