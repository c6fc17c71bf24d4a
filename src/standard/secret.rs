//! Secrets, parsed once into a keyed HMAC-SHA256 state.

use core::fmt;

use base64ct::{Base64, Base64Unpadded, Encoding};
use hmac::digest::FixedOutput;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::{Error, SecretFault};

/// HMAC-SHA256 with its keyed state.
pub(crate) type HmacSha256 = Hmac<Sha256>;

/// Length of an HMAC-SHA256 tag in bytes.
pub(crate) const TAG_LEN: usize = 32;

/// The prefix Standard Webhooks senders put before the base64 secret.
const PREFIX: &str = "whsec_";

/// An HMAC-SHA256 key ready to verify: the inner and outer padded key blocks are hashed
/// once, here, and every delivery starts from a copy of that keyed state.
///
/// The key material is never printed (`Debug` shows `SecretKey(<redacted>)`) and is wiped
/// from memory when the value is dropped.
#[derive(Clone)]
pub struct SecretKey {
    keyed: HmacSha256,
}

impl SecretKey {
    /// The shortest key accepted, in bytes (128 bits). Svix and the Gemini API issue 24 and
    /// 32-byte secrets; anything shorter is refused as too weak.
    pub const MIN_LEN: usize = 16;

    /// The longest key accepted, in bytes. Keys longer than SHA-256's 64-byte block are hashed
    /// first by HMAC (RFC 2104, section 2), so a longer key adds no strength; the cap keeps the
    /// decoding buffer on the stack.
    pub const MAX_LEN: usize = 512;

    /// Parses a Standard Webhooks secret: an optional `whsec_` prefix followed by the key in
    /// standard base64 (RFC 4648, section 4), padded or unpadded. The decoded bytes are the
    /// HMAC key.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSecret`] when the secret is empty, not canonical standard base64,
    /// shorter than [`MIN_LEN`](Self::MIN_LEN) or longer than [`MAX_LEN`](Self::MAX_LEN) bytes
    /// once decoded.
    pub fn from_whsec(secret: &str) -> Result<Self, Error> {
        let encoded = secret.strip_prefix(PREFIX).unwrap_or(secret).as_bytes();
        if encoded.is_empty() {
            return Err(Error::InvalidSecret(SecretFault::Empty));
        }
        let mut buf = [0u8; Self::MAX_LEN];
        let decoded = if encoded.ends_with(b"=") {
            Base64::decode(encoded, &mut buf)
        } else {
            Base64Unpadded::decode(encoded, &mut buf)
        };
        let result = match decoded {
            Ok(key) => Self::from_bytes(key),
            Err(base64ct::Error::InvalidLength) => {
                Err(Error::InvalidSecret(SecretFault::TooLong {
                    max: Self::MAX_LEN,
                }))
            }
            Err(base64ct::Error::InvalidEncoding) => {
                Err(Error::InvalidSecret(SecretFault::NotBase64))
            }
        };
        buf.zeroize();
        result
    }

    /// Uses `key` (raw bytes, not base64) as the HMAC key.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSecret`] when `key` is empty, shorter than [`MIN_LEN`](Self::MIN_LEN) or
    /// longer than [`MAX_LEN`](Self::MAX_LEN) bytes.
    pub fn from_bytes(key: &[u8]) -> Result<Self, Error> {
        let len = key.len();
        if len == 0 {
            Err(Error::InvalidSecret(SecretFault::Empty))
        } else if len < Self::MIN_LEN {
            Err(Error::InvalidSecret(SecretFault::TooShort {
                len,
                min: Self::MIN_LEN,
            }))
        } else if len > Self::MAX_LEN {
            Err(Error::InvalidSecret(SecretFault::TooLong {
                max: Self::MAX_LEN,
            }))
        } else {
            // HMAC accepts keys of any length (RFC 2104, section 2), so this cannot fail; the
            // error arm is mapped rather than unwrapped to keep the crate panic-free.
            HmacSha256::new_from_slice(key)
                .map(|keyed| Self { keyed })
                .map_err(|_| Error::InvalidSecret(SecretFault::TooLong { max: Self::MAX_LEN }))
        }
    }

    /// Checks in constant time that `tag` is the HMAC-SHA256 of `message` under this key.
    ///
    /// Only full 32-byte tags are accepted: a shorter (truncated) tag is refused whatever its
    /// content, which closes the prefix-comparison class of CVE-2024-21491.
    ///
    /// # Errors
    ///
    /// [`Error::NoMatchingSignature`] when `tag` is not exactly the tag of `message`.
    pub fn verify_mac(&self, message: &[u8], tag: &[u8]) -> Result<(), Error> {
        let mut mac = self.start();
        mac.update(message);
        // The computed tag is a `Tag`: wiped when it goes out of scope, on every path.
        let computed = finish(mac);
        let ok = match <&[u8; TAG_LEN]>::try_from(tag) {
            Ok(tag) => computed.matches(tag),
            Err(_) => Choice::from(0),
        };
        if bool::from(ok) {
            Ok(())
        } else {
            Err(Error::NoMatchingSignature {
                v1: 1,
                v1a: 0,
                skipped: 0,
                secrets: 1,
                public_keys: 0,
            })
        }
    }

    /// A fresh copy of the keyed state, ready for the message.
    pub(crate) fn start(&self) -> HmacSha256 {
        self.keyed.clone()
    }
}

/// A computed HMAC-SHA256 tag. It is secret until it matched (knowing it for a message is
/// forging that message), so it is compared only in constant time ([`matches`](Self::matches)),
/// never printed, and wiped when dropped, on every path out of a verification.
pub(crate) struct Tag([u8; TAG_LEN]);

impl Tag {
    /// Constant-time equality with `candidate`: the time taken does not depend on where they
    /// differ.
    ///
    /// The differences of all four 64-bit words are OR-ed together with no data-dependent
    /// branch, and only that one accumulated word goes through `subtle` (one optimization
    /// barrier instead of one per byte, as `<[u8]>::ct_eq` has: 32 barriers cost more than the
    /// rest of a 0-byte delivery's comparison).
    pub(crate) fn matches(&self, candidate: &[u8; TAG_LEN]) -> Choice {
        let word = |bytes: &[u8]| u64::from_ne_bytes(bytes.try_into().unwrap_or_default());
        let difference = self
            .0
            .chunks_exact(8)
            .zip(candidate.chunks_exact(8))
            .fold(0u64, |acc, (a, b)| acc | (word(a) ^ word(b)));
        difference.ct_eq(&0)
    }

    /// Overwrites the tag with zeros (what dropping it does).
    fn wipe(&mut self) {
        self.0.zeroize();
    }

    /// The tag's bytes, for tests that sign with the crate's own HMAC.
    #[cfg(test)]
    pub(crate) const fn bytes(&self) -> [u8; TAG_LEN] {
        self.0
    }
}

impl Drop for Tag {
    fn drop(&mut self) {
        self.wipe();
    }
}

impl ZeroizeOnDrop for Tag {}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Tag(<redacted>)")
    }
}

/// Finalizes an HMAC computation straight into a [`Tag`] (no intermediate copy of the output).
pub(crate) fn finish(mac: HmacSha256) -> Tag {
    let mut tag = Tag([0; TAG_LEN]);
    FixedOutput::finalize_into(mac, (&mut tag.0).into());
    tag
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl TryFrom<&str> for SecretKey {
    type Error = Error;

    /// Same as [`SecretKey::from_whsec`].
    fn try_from(secret: &str) -> Result<Self, Error> {
        Self::from_whsec(secret)
    }
}

impl core::str::FromStr for SecretKey {
    type Err = Error;

    /// Same as [`SecretKey::from_whsec`].
    fn from_str(secret: &str) -> Result<Self, Error> {
        Self::from_whsec(secret)
    }
}

#[cfg(test)]
mod tests {
    extern crate alloc;
    use super::*;
    use alloc::format;

    // 24 bytes, the length Svix issues: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" (Standard Webhooks
    // shared test vector).
    const SPEC_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    #[test]
    fn prefix_is_optional() {
        let with = SecretKey::from_whsec(SPEC_SECRET).unwrap();
        let without = SecretKey::from_whsec("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let tag = finish({
            let mut m = with.start();
            m.update(b"x");
            m
        })
        .bytes();
        assert!(without.verify_mac(b"x", &tag).is_ok());
    }

    #[test]
    fn padded_and_unpadded_are_the_same_key() {
        // 17 bytes of 0x01: base64 "AQEBAQEBAQEBAQEBAQEBAQE=" (padded) / without '='.
        let padded = SecretKey::from_whsec("whsec_AQEBAQEBAQEBAQEBAQEBAQE=").unwrap();
        let unpadded = SecretKey::from_whsec("whsec_AQEBAQEBAQEBAQEBAQEBAQE").unwrap();
        let raw = SecretKey::from_bytes(&[1u8; 17]).unwrap();
        for key in [&padded, &unpadded] {
            let tag = finish({
                let mut m = raw.start();
                m.update(b"message");
                m
            })
            .bytes();
            assert!(key.verify_mac(b"message", &tag).is_ok());
        }
    }

    #[test]
    fn refuses_empty_short_long_and_non_base64() {
        let fault = |s: &str| match SecretKey::from_whsec(s) {
            Err(Error::InvalidSecret(f)) => f,
            other => panic!("{s:?}: {other:?}"),
        };
        assert_eq!(fault("whsec_"), SecretFault::Empty);
        assert_eq!(fault(""), SecretFault::Empty);
        assert_eq!(fault("whsec_!!!!"), SecretFault::NotBase64);
        // URL-safe alphabet is not the standard one.
        assert_eq!(
            fault("whsec_AQEBAQEBAQEBAQEBAQEBAQ-_"),
            SecretFault::NotBase64
        );
        // Non-canonical trailing bits ("AR" would decode to 0x01 with a stray bit).
        assert_eq!(
            fault("whsec_AQEBAQEBAQEBAQEBAQEBAR"),
            SecretFault::NotBase64
        );
        // 15 bytes.
        assert_eq!(
            fault("whsec_AQEBAQEBAQEBAQEBAQEB"),
            SecretFault::TooShort { len: 15, min: 16 }
        );
        let long = format!("whsec_{}", "A".repeat(4 * (SecretKey::MAX_LEN / 3 + 2)));
        assert_eq!(fault(&long), SecretFault::TooLong { max: 512 });
        assert_eq!(
            SecretKey::from_bytes(&[0u8; SecretKey::MAX_LEN + 1]).unwrap_err(),
            Error::InvalidSecret(SecretFault::TooLong { max: 512 })
        );
        assert!(SecretKey::from_bytes(&[0u8; SecretKey::MAX_LEN]).is_ok());
        assert!(SecretKey::from_bytes(&[0u8; SecretKey::MIN_LEN]).is_ok());
    }

    #[test]
    fn tag_comparison_sees_every_bit() {
        let bytes = [0x5au8; TAG_LEN];
        let tag = Tag(bytes);
        assert!(bool::from(tag.matches(&bytes)));
        for byte in 0..TAG_LEN {
            for bit in 0..8 {
                let mut other = bytes;
                other[byte] ^= 1 << bit;
                assert!(!bool::from(tag.matches(&other)), "{byte}:{bit}");
            }
        }
    }

    /// Every computed tag, in `verify_mac` as in the verifier, is a value that wipes itself
    /// when dropped (`verify_mac` once left its computed tag in a plain array on the stack).
    #[test]
    fn computed_tags_are_wiped_on_drop() {
        fn wiped_on_drop<T: ZeroizeOnDrop>(_: &T) {}
        let key = SecretKey::from_bytes(&[7u8; 32]).unwrap();
        let tag = finish(key.start());
        wiped_on_drop(&tag);
        assert_eq!(format!("{tag:?}"), "Tag(<redacted>)");
        let mut tag = tag;
        assert_ne!(tag.0, [0u8; TAG_LEN]);
        // What `Drop` runs, observed on a live value.
        tag.wipe();
        assert_eq!(tag.0, [0u8; TAG_LEN]);
    }

    #[test]
    fn debug_is_redacted() {
        let key = SecretKey::from_whsec(SPEC_SECRET).unwrap();
        assert_eq!(format!("{key:?}"), "SecretKey(<redacted>)");
    }

    #[test]
    fn truncated_and_extended_tags_are_refused() {
        let key = SecretKey::from_bytes(&[7u8; 32]).unwrap();
        let tag = finish({
            let mut m = key.start();
            m.update(b"m");
            m
        })
        .bytes();
        assert!(key.verify_mac(b"m", &tag).is_ok());
        for len in 0..TAG_LEN {
            assert!(
                key.verify_mac(b"m", &tag[..len]).is_err(),
                "prefix of {len} bytes"
            );
        }
        let mut longer = [0u8; TAG_LEN + 1];
        longer[..TAG_LEN].copy_from_slice(&tag);
        assert!(key.verify_mac(b"m", &longer).is_err());
    }
}
