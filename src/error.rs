//! The one error type of this crate.
//!
//! Parsing and time-policy failures are precise (which header, why, how far off); a
//! cryptographic failure is one opaque variant, [`Error::NoMatchingSignature`], which says only
//! how many candidates were compared, never where a comparison failed.

use core::fmt;

pub use crate::fault::{ConfigFault, HeaderFault, JwksFault, KeyFault, SecretFault, TokenFault};
use crate::scheme::Scheme;

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
    /// No entry of the signature list verifies: no `v1` entry is the HMAC of the delivery
    /// under a configured secret, and no `v1a` entry is an Ed25519 signature of it under a
    /// configured public key. Code `no-matching-signature`.
    ///
    /// This is the cryptographic failure of Standard Webhooks deliveries, and it is
    /// deliberately opaque: it does not say which candidate came closest or which key was
    /// tried first, only how much was compared.
    NoMatchingSignature {
        /// Number of `v1` entries compared (malformed ones count; they cannot match).
        v1: usize,
        /// Number of `v1a` entries tried (malformed ones count; they cannot match).
        v1a: usize,
        /// Number of entries not compared: other versions (`v2`, `V1`...), no comma, or a
        /// scheme this verifier holds no key for.
        skipped: usize,
        /// Number of secrets each `v1` entry was compared against.
        secrets: usize,
        /// Number of Ed25519 public keys each `v1a` entry was tried against.
        public_keys: usize,
    },
    /// The JWT is not a well-formed compact JWS within the size limits. Code `invalid-token`.
    InvalidToken(TokenFault),
    /// The JWT's `alg` is not one this build verifies (ES256, `EdDSA`, `Ed25519`, RS256, each
    /// with its feature), or does not fit the selected key. Code `unsupported-algorithm`.
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
    /// The delivery is signed with a scheme this verifier holds no usable key or policy for
    /// (only entries of unconfigured schemes in the list, or a JWT without a JWT policy). Code
    /// `unconfigured-scheme`: the explanation names the scheme, so that the fix is clear (a
    /// Gemini receiver configured with its static secret only learns that the delivery is
    /// `v1a` and that it needs the sender's public keys).
    UnconfiguredScheme {
        /// The scheme of the delivery's signature.
        scheme: Scheme,
    },
    /// The body is not a Gemini API event: not a JSON object with a string `type`. Code
    /// `invalid-event`.
    InvalidEvent,
    /// The body was not authenticated by the delivery's signature (a JWT under a policy that
    /// does not bind it), so it is not read: read the token's claims instead. A mistake of the
    /// calling code, never a verdict on the delivery. Code `unauthenticated-body`.
    UnauthenticatedBody,
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
    /// | [`UnconfiguredScheme`](Error::UnconfiguredScheme) | `unconfigured-scheme` |
    /// | [`InvalidEvent`](Error::InvalidEvent) | `invalid-event` |
    /// | [`UnauthenticatedBody`](Error::UnauthenticatedBody) | `unauthenticated-body` |
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
            Self::UnconfiguredScheme { .. } => "unconfigured-scheme",
            Self::InvalidEvent => "invalid-event",
            Self::UnauthenticatedBody => "unauthenticated-body",
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
            Self::InvalidSecret(SecretFault::PublicKey(fault)) => match fault {
                KeyFault::Malformed => {
                    f.write_str("public key is not whpk_ and the padded base64 of 32 bytes")
                }
                fault => write!(f, "public key is unusable: {fault}"),
            },
            Self::InvalidSecret(fault) => write!(f, "secret {fault}"),
            Self::NoMatchingSignature {
                v1,
                v1a,
                skipped,
                secrets,
                public_keys,
            } => {
                let hmac = v1 > 0 || secrets > 0;
                let ed25519 = v1a > 0 || public_keys > 0;
                f.write_str("none of ")?;
                if hmac || !ed25519 {
                    write!(f, "{v1} v1 signature(s) under {secrets} secret(s)")?;
                }
                if hmac && ed25519 {
                    f.write_str(" and ")?;
                }
                if ed25519 {
                    write!(
                        f,
                        "{v1a} v1a signature(s) under {public_keys} public key(s)"
                    )?;
                }
                write!(f, " verifies ({skipped} other entry(ies) skipped)")
            }
            Self::InvalidToken(fault) => write!(f, "token {fault}"),
            Self::UnsupportedAlgorithm => f.write_str(
                "token alg is not one this build verifies (ES256, EdDSA, Ed25519, RS256 with its \
                 feature) or does not fit the selected key",
            ),
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
            Self::UnconfiguredScheme { scheme } => write!(
                f,
                "the delivery is signed with {scheme}, and no key or policy for {scheme} is \
                 configured ({})",
                match scheme {
                    Scheme::V1 => "a whsec_ secret is needed",
                    Scheme::V1a => "the sender's Ed25519 public keys are needed: whpk_ or its JWKS",
                    Scheme::Jwt => "the sender's JWKS and a JWT policy are needed",
                }
            ),
            Self::InvalidEvent => {
                f.write_str("body is not a JSON object with a string type (a Gemini API event)")
            }
            Self::UnauthenticatedBody => f.write_str(
                "body is not authenticated by the signature (read the token's claims instead)",
            ),
            Self::BufferTooSmall { needed } => {
                write!(f, "the buffer passed is too small: {needed} bytes suffice")
            }
            Self::InvalidConfig(fault) => write!(f, "configuration {fault}"),
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
                    v1: 1,
                    v1a: 0,
                    skipped: 0,
                    secrets: 1,
                    public_keys: 0,
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
            v1: 2,
            v1a: 0,
            skipped: 1,
            secrets: 3,
            public_keys: 0,
        };
        assert_eq!(
            e.to_string(),
            "none of 2 v1 signature(s) under 3 secret(s) verifies (1 other entry(ies) skipped)"
        );
        let e = Error::NoMatchingSignature {
            v1: 1,
            v1a: 2,
            skipped: 0,
            secrets: 1,
            public_keys: 3,
        };
        assert_eq!(
            e.to_string(),
            "none of 1 v1 signature(s) under 1 secret(s) and 2 v1a signature(s) under 3 public \
             key(s) verifies (0 other entry(ies) skipped)"
        );
    }
}
