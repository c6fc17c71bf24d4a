//! The one error type of this crate.
//!
//! Parsing and time-policy failures are precise (which header, why, how far off); a
//! cryptographic failure is one opaque variant, [`Error::NoMatchingSignature`], which says only
//! how many candidates were compared, never where a comparison failed.

use core::fmt;

/// Why a verification failed.
///
/// Every variant has a stable short code ([`Error::code`]) meant for logs, metrics and the
/// `verify` command-line tool; the codes never change meaning between releases. The enum is
/// `#[non_exhaustive]`: later versions may add variants (with new codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// A required header is absent. Code `missing-header`.
    ///
    /// `name` is the header's lowercase name, from the family that was selected
    /// (`webhook-*`, or `svix-*` when no `webhook-*` header is present at all).
    MissingHeader {
        /// The absent header.
        name: &'static str,
    },
    /// A header is present but does not have the required form. Code `invalid-header`.
    InvalidHeader {
        /// The offending header's lowercase name.
        name: &'static str,
        /// What is wrong with it.
        fault: HeaderFault,
    },
    /// The timestamp lies further in the past than the tolerance allows. Code `too-old`.
    TooOld {
        /// Seconds between the delivery's timestamp and now.
        age: u64,
        /// The tolerance in force, in seconds.
        tolerance: u64,
    },
    /// The timestamp lies further in the future than the tolerance allows. Code `too-new`.
    TooNew {
        /// Seconds between now and the delivery's timestamp.
        ahead: u64,
        /// The tolerance in force, in seconds.
        tolerance: u64,
    },
    /// A secret could not be used as an HMAC key. Code `invalid-secret`.
    InvalidSecret(SecretFault),
    /// No `v1` signature in the header is the HMAC of the delivery under any configured
    /// secret. Code `no-matching-signature`.
    ///
    /// This is the only cryptographic failure, and it is deliberately opaque: it does not say
    /// which candidate came closest or which secret was tried first.
    NoMatchingSignature {
        /// Number of `v1` entries compared (malformed `v1` entries count; they cannot match).
        tried: usize,
        /// Number of entries skipped because of another version (`v1a`, `v2`, ...) or no comma.
        skipped: usize,
        /// Number of secrets each candidate was compared against.
        secrets: usize,
    },
}

/// What is wrong with a header value (see [`Error::InvalidHeader`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HeaderFault {
    /// The value is empty.
    Empty,
    /// The value is longer than allowed.
    TooLong {
        /// The maximum length in bytes.
        max: usize,
    },
    /// The signature header holds more entries than allowed.
    TooManyEntries {
        /// The maximum number of entries.
        max: usize,
    },
    /// The timestamp is not 1 to 19 ASCII digits.
    NotDigits,
    /// The webhook id holds a byte outside visible ASCII (`0x21..=0x7e`).
    InvalidByte,
    /// The webhook id holds a `.`, which would make the signed content ambiguous.
    ContainsDot,
    /// The header appears more than once.
    Duplicate,
}

/// What is wrong with a secret (see [`Error::InvalidSecret`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SecretFault {
    /// The secret (after the optional `whsec_` prefix) is empty.
    Empty,
    /// The secret is not standard base64 (alphabet `A-Z a-z 0-9 + /`, canonical, padded or not).
    NotBase64,
    /// The decoded key is shorter than [`SecretKey::MIN_LEN`](crate::SecretKey::MIN_LEN) bytes.
    TooShort {
        /// Length of the decoded key in bytes.
        len: usize,
    },
    /// The decoded key is longer than [`SecretKey::MAX_LEN`](crate::SecretKey::MAX_LEN) bytes.
    TooLong,
    /// No secret was given to build a verifier from.
    NoSecrets,
    /// More secrets than the verifier's fixed capacity.
    TooMany {
        /// The verifier's capacity.
        capacity: usize,
    },
}

impl Error {
    /// The stable short code of this error, for logs and the command-line tool.
    ///
    /// | variant | code |
    /// |---|---|
    /// | [`MissingHeader`](Error::MissingHeader) | `missing-header` |
    /// | [`InvalidHeader`](Error::InvalidHeader) | `invalid-header` |
    /// | [`TooOld`](Error::TooOld) | `too-old` |
    /// | [`TooNew`](Error::TooNew) | `too-new` |
    /// | [`InvalidSecret`](Error::InvalidSecret) | `invalid-secret` |
    /// | [`NoMatchingSignature`](Error::NoMatchingSignature) | `no-matching-signature` |
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::MissingHeader { .. } => "missing-header",
            Self::InvalidHeader { .. } => "invalid-header",
            Self::TooOld { .. } => "too-old",
            Self::TooNew { .. } => "too-new",
            Self::InvalidSecret(_) => "invalid-secret",
            Self::NoMatchingSignature { .. } => "no-matching-signature",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::MissingHeader { name } => write!(f, "header {name} is missing"),
            Self::InvalidHeader { name, fault } => write!(f, "header {name} {fault}"),
            Self::TooOld { age, tolerance } => write!(
                f,
                "timestamp is {age} s in the past, more than the {tolerance} s tolerance"
            ),
            Self::TooNew { ahead, tolerance } => write!(
                f,
                "timestamp is {ahead} s in the future, more than the {tolerance} s tolerance"
            ),
            Self::InvalidSecret(fault) => write!(f, "secret {fault}"),
            Self::NoMatchingSignature {
                tried,
                skipped,
                secrets,
            } => write!(
                f,
                "none of {tried} v1 signature(s) matches under {secrets} secret(s) \
                 ({skipped} entry(ies) of other versions skipped)"
            ),
        }
    }
}

impl fmt::Display for HeaderFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Empty => f.write_str("is empty"),
            Self::TooLong { max } => write!(f, "is longer than {max} bytes"),
            Self::TooManyEntries { max } => write!(f, "has more than {max} entries"),
            Self::NotDigits => f.write_str("is not 1 to 19 ASCII digits"),
            Self::InvalidByte => f.write_str("holds a byte outside visible ASCII"),
            Self::ContainsDot => f.write_str("holds a '.'"),
            Self::Duplicate => f.write_str("appears more than once"),
        }
    }
}

impl fmt::Display for SecretFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Empty => f.write_str("is empty"),
            Self::NotBase64 => {
                f.write_str("is not standard base64 (after the optional whsec_ prefix)")
            }
            Self::TooShort { len } => write!(
                f,
                "decodes to {len} bytes, fewer than the {} required",
                crate::SecretKey::MIN_LEN
            ),
            Self::TooLong => write!(
                f,
                "decodes to more than {} bytes",
                crate::SecretKey::MAX_LEN
            ),
            Self::NoSecrets => f.write_str("list is empty"),
            Self::TooMany { capacity } => {
                write!(f, "list exceeds the verifier's capacity of {capacity}")
            }
        }
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_documented_ones() {
        let cases = [
            (
                Error::MissingHeader { name: "webhook-id" },
                "missing-header",
            ),
            (
                Error::InvalidHeader {
                    name: "webhook-id",
                    fault: HeaderFault::Empty,
                },
                "invalid-header",
            ),
            (
                Error::TooOld {
                    age: 1,
                    tolerance: 0,
                },
                "too-old",
            ),
            (
                Error::TooNew {
                    ahead: 1,
                    tolerance: 0,
                },
                "too-new",
            ),
            (Error::InvalidSecret(SecretFault::Empty), "invalid-secret"),
            (
                Error::NoMatchingSignature {
                    tried: 1,
                    skipped: 0,
                    secrets: 1,
                },
                "no-matching-signature",
            ),
        ];
        for (error, code) in cases {
            assert_eq!(error.code(), code);
        }
    }

    #[test]
    fn display_is_specific() {
        extern crate alloc;
        use alloc::string::ToString;
        let e = Error::TooOld {
            age: 301,
            tolerance: 300,
        };
        assert_eq!(
            e.to_string(),
            "timestamp is 301 s in the past, more than the 300 s tolerance"
        );
        let e = Error::NoMatchingSignature {
            tried: 2,
            skipped: 1,
            secrets: 3,
        };
        assert!(e.to_string().contains("none of 2 v1 signature(s)"));
        assert!(e.to_string().contains("3 secret(s)"));
    }
}
