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
    /// The JWT is not a well-formed compact JWS within the size limits. Code `invalid-token`.
    InvalidToken(TokenFault),
    /// The JWT's `alg` is not RS256 or ES256 (with its feature enabled), or does not fit the
    /// selected key. Code `unsupported-algorithm`.
    UnsupportedAlgorithm,
    /// The JWT header holds a member this crate refuses (`crit`, `jku`, `x5u`, `x5c`, `jwk`,
    /// `b64`). Code `forbidden-header`.
    ForbiddenHeader {
        /// The refused member.
        name: &'static str,
    },
    /// No usable key in the key set matches the JWT's `kid` (or the JWT has no `kid` and the
    /// set does not hold exactly one key). Code `unknown-key`.
    UnknownKey,
    /// The JWT's signature does not verify under the selected key. Code `invalid-signature`.
    InvalidSignature,
    /// The JWT has expired (`exp`, or the maximum age after `iat`). Code `expired`.
    Expired {
        /// The claim that expired (`exp` or `iat`).
        claim: &'static str,
    },
    /// The JWT is not valid yet (`nbf`, or `iat` in the future). Code `not-yet-valid`.
    NotYetValid {
        /// The claim in the future (`nbf` or `iat`).
        claim: &'static str,
    },
    /// A required claim is absent. Code `missing-claim`.
    MissingClaim {
        /// The claim's name.
        claim: &'static str,
    },
    /// A claim has the wrong JSON type or form (never treated as absent). Code
    /// `invalid-claim`.
    InvalidClaim {
        /// The claim's name.
        claim: &'static str,
    },
    /// `iss` is not the expected issuer. Code `wrong-issuer`.
    WrongIssuer,
    /// No `aud` value is an expected audience. Code `wrong-audience`.
    WrongAudience,
    /// The JWKS could not be parsed or breaks a set-level rule. Code `invalid-jwks`.
    InvalidJwks(JwksFault),
    /// The body's SHA-256 differs from the one the JWT's body-hash claim carries. Code
    /// `body-mismatch`.
    BodyMismatch,
    /// A buffer the caller passed is too small for this delivery: a mistake of the calling
    /// code (size the buffer as documented), never a verdict on the delivery. Code
    /// `buffer-too-small`.
    BufferTooSmall {
        /// The size that suffices, in bytes.
        needed: usize,
    },
    /// The verifier's configuration cannot work: a mistake of the code that built it, found
    /// when it was built, never a verdict on a delivery. Code `invalid-config`.
    InvalidConfig(ConfigFault),
}

/// What is wrong with a verifier's configuration (see [`Error::InvalidConfig`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConfigFault {
    /// A claim name to look for is empty or longer than the longest member name compared,
    /// [`MAX_CLAIM_NAME_LEN`](crate::MAX_CLAIM_NAME_LEN): no token could ever carry it.
    ClaimName {
        /// The longest name accepted, in bytes.
        max: usize,
    },
}

/// What is wrong with a JWT's form (see [`Error::InvalidToken`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenFault {
    /// The token is longer than the configured cap.
    TooLong {
        /// The cap in bytes.
        max: usize,
    },
    /// Not three non-empty, dot-separated segments.
    Structure,
    /// A segment is not strict base64url (RFC 7515 section 2: no padding, canonical).
    Base64,
    /// The header or payload is not a JSON object this crate can read.
    Json,
    /// The header or payload nests JSON deeper than allowed.
    TooDeep,
    /// The decoded header is longer than any header this crate reads.
    TooLarge,
}

/// What is wrong with a JSON Web Key Set as a whole (see [`Error::InvalidJwks`]). A problem
/// with one key never makes the set invalid: that key is refused alone
/// ([`KeySet::refused`](crate::KeySet::refused)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JwksFault {
    /// Not a JSON object with one `keys` array of objects, or a key member of the wrong JSON
    /// type.
    Json,
    /// The JSON nests deeper than allowed.
    TooDeep,
    /// More entries in `keys` than the hard cap.
    TooManyKeys {
        /// The limit.
        max: usize,
    },
    /// The key set is longer than the hard cap.
    TooLarge {
        /// The limit in bytes.
        max: usize,
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
    /// | [`InvalidToken`](Error::InvalidToken) | `invalid-token` |
    /// | [`UnsupportedAlgorithm`](Error::UnsupportedAlgorithm) | `unsupported-algorithm` |
    /// | [`ForbiddenHeader`](Error::ForbiddenHeader) | `forbidden-header` |
    /// | [`UnknownKey`](Error::UnknownKey) | `unknown-key` |
    /// | [`InvalidSignature`](Error::InvalidSignature) | `invalid-signature` |
    /// | [`Expired`](Error::Expired) | `expired` |
    /// | [`NotYetValid`](Error::NotYetValid) | `not-yet-valid` |
    /// | [`MissingClaim`](Error::MissingClaim) | `missing-claim` |
    /// | [`InvalidClaim`](Error::InvalidClaim) | `invalid-claim` |
    /// | [`WrongIssuer`](Error::WrongIssuer) | `wrong-issuer` |
    /// | [`WrongAudience`](Error::WrongAudience) | `wrong-audience` |
    /// | [`InvalidJwks`](Error::InvalidJwks) | `invalid-jwks` |
    /// | [`BodyMismatch`](Error::BodyMismatch) | `body-mismatch` |
    /// | [`BufferTooSmall`](Error::BufferTooSmall) | `buffer-too-small` |
    /// | [`InvalidConfig`](Error::InvalidConfig) | `invalid-config` |
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::MissingHeader { .. } => "missing-header",
            Self::InvalidHeader { .. } => "invalid-header",
            Self::TooOld { .. } => "too-old",
            Self::TooNew { .. } => "too-new",
            Self::InvalidSecret(_) => "invalid-secret",
            Self::NoMatchingSignature { .. } => "no-matching-signature",
            Self::InvalidToken(_) => "invalid-token",
            Self::UnsupportedAlgorithm => "unsupported-algorithm",
            Self::ForbiddenHeader { .. } => "forbidden-header",
            Self::UnknownKey => "unknown-key",
            Self::InvalidSignature => "invalid-signature",
            Self::Expired { .. } => "expired",
            Self::NotYetValid { .. } => "not-yet-valid",
            Self::MissingClaim { .. } => "missing-claim",
            Self::InvalidClaim { .. } => "invalid-claim",
            Self::WrongIssuer => "wrong-issuer",
            Self::WrongAudience => "wrong-audience",
            Self::InvalidJwks(_) => "invalid-jwks",
            Self::BodyMismatch => "body-mismatch",
            Self::BufferTooSmall { .. } => "buffer-too-small",
            Self::InvalidConfig(_) => "invalid-config",
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
            Self::InvalidToken(fault) => write!(f, "token {fault}"),
            Self::UnsupportedAlgorithm => {
                f.write_str("token alg is not RS256/ES256 or does not fit the selected key")
            }
            Self::ForbiddenHeader { name } => write!(f, "token header holds {name:?}"),
            Self::UnknownKey => f.write_str("no usable key in the key set matches the token"),
            Self::InvalidSignature => f.write_str("token signature does not verify"),
            Self::Expired { claim } => write!(f, "token has expired ({claim})"),
            Self::NotYetValid { claim } => write!(f, "token is not valid yet ({claim})"),
            Self::MissingClaim { claim } => write!(f, "claim {claim} is missing"),
            Self::InvalidClaim { claim } => write!(f, "claim {claim} has the wrong type or form"),
            Self::WrongIssuer => f.write_str("iss is not the expected issuer"),
            Self::WrongAudience => f.write_str("aud holds none of the expected audiences"),
            Self::InvalidJwks(fault) => write!(f, "key set {fault}"),
            Self::BodyMismatch => f.write_str("body does not match the token's body hash"),
            Self::BufferTooSmall { needed } => {
                write!(f, "the buffer passed is too small: {needed} bytes suffice")
            }
            Self::InvalidConfig(fault) => write!(f, "configuration {fault}"),
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

impl fmt::Display for TokenFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::TooLong { max } => write!(f, "is longer than {max} bytes"),
            Self::Structure => f.write_str("is not three non-empty dot-separated segments"),
            Self::Base64 => f.write_str("has a segment that is not strict base64url"),
            Self::Json => f.write_str("has a header or payload that is not a readable JSON object"),
            Self::TooDeep => f.write_str("nests JSON too deeply"),
            Self::TooLarge => f.write_str("has a header too large to read"),
        }
    }
}

impl fmt::Display for JwksFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Json => f.write_str("is not a JSON object with a keys array of key objects"),
            Self::TooDeep => f.write_str("nests JSON too deeply"),
            Self::TooManyKeys { max } => write!(f, "holds more than {max} entries"),
            Self::TooLarge { max } => write!(f, "is longer than {max} bytes"),
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

impl fmt::Display for ConfigFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::ClaimName { max } => {
                write!(f, "names a claim that is empty or longer than {max} bytes")
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
