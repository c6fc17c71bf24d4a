//! Secrets, parsed once into a keyed HMAC-SHA256 state.

use core::fmt;

use base64ct::{Base64, Base64Unpadded, Encoding};
use subtle::Choice;
use zeroize::Zeroize;

use crate::alg::hmac_sha256::{Key, Macs, TAG_LEN};
use crate::error::{Error, SecretFault};

/// The prefix Standard Webhooks senders put before the base64 secret.
const PREFIX: &str = "whsec_";

/// An HMAC-SHA256 key ready to verify: the inner and outer padded key blocks are hashed
/// once, here, and every delivery starts from a copy of that keyed state.
///
/// The key material is never printed (`Debug` shows `SecretKey(<redacted>)`) and is wiped
/// from memory when the value is dropped.
#[derive(Clone)]
pub struct SecretKey {
    keyed: Key,
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
            Ok(Self {
                keyed: Key::new(key),
            })
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
        let mut mac = Macs::<1>::new([&self.keyed]);
        mac.update(message);
        // The computed tag is a `Tag`: wiped when it goes out of scope, on every path.
        let computed = mac.finish();
        let ok = match (<&[u8; TAG_LEN]>::try_from(tag), computed.first()) {
            (Ok(tag), Some(computed)) => computed.matches(tag),
            _ => Choice::from(0),
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

    /// The keyed HMAC states.
    pub(crate) const fn key(&self) -> &Key {
        &self.keyed
    }
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

    /// The tag of `message` under `key`, computed by the crate's own HMAC.
    fn tag(key: &SecretKey, message: &[u8]) -> [u8; TAG_LEN] {
        let mut mac = Macs::<1>::new([key.key()]);
        mac.update(message);
        mac.finish()[0].bytes()
    }

    #[test]
    fn prefix_is_optional() {
        let with = SecretKey::from_whsec(SPEC_SECRET).unwrap();
        let without = SecretKey::from_whsec("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let tag = tag(&with, b"x");
        assert!(without.verify_mac(b"x", &tag).is_ok());
    }

    #[test]
    fn padded_and_unpadded_are_the_same_key() {
        // 17 bytes of 0x01: base64 "AQEBAQEBAQEBAQEBAQEBAQE=" (padded) / without '='.
        let padded = SecretKey::from_whsec("whsec_AQEBAQEBAQEBAQEBAQEBAQE=").unwrap();
        let unpadded = SecretKey::from_whsec("whsec_AQEBAQEBAQEBAQEBAQEBAQE").unwrap();
        let raw = SecretKey::from_bytes(&[1u8; 17]).unwrap();
        for key in [&padded, &unpadded] {
            let tag = tag(&raw, b"message");
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
    fn debug_is_redacted() {
        let key = SecretKey::from_whsec(SPEC_SECRET).unwrap();
        assert_eq!(format!("{key:?}"), "SecretKey(<redacted>)");
    }

    #[test]
    fn truncated_and_extended_tags_are_refused() {
        let key = SecretKey::from_bytes(&[7u8; 32]).unwrap();
        let tag = tag(&key, b"m");
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
