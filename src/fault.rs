//! The precise reasons behind [`Error`](crate::Error)'s parsing, key and configuration
//! variants: what is wrong with a header, a secret, a key, a token, a key set, a
//! configuration.

use core::fmt;

/// What is wrong with a verifier's configuration (see [`Error::InvalidConfig`](crate::Error::InvalidConfig)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConfigFault {
    /// A claim name to look for is empty or longer than the longest member name compared,
    /// [`MAX_CLAIM_NAME_LEN`](crate::MAX_CLAIM_NAME_LEN): no token could ever carry it.
    ClaimName {
        /// The longest name accepted, in bytes.
        max: usize,
    },
    /// The expected issuer is empty or too long to compare.
    Issuer {
        /// The longest issuer accepted, in bytes.
        max: usize,
    },
    /// The expected audiences are none, too many, or one is empty or too long.
    Audiences {
        /// The most audiences accepted.
        max: usize,
        /// The longest audience accepted, in bytes.
        max_len: usize,
    },
    /// Nothing to verify with: no secret, no public key and no JWT policy.
    NoKeys,
    /// A JWT policy without a key set to verify tokens with.
    JwtWithoutKeySet,
    /// More public keys than a receiver holds.
    TooManyPublicKeys {
        /// The most public keys a receiver holds.
        max: usize,
    },
    /// A cap on `v1a` work above what a verification in progress can hold.
    V1aChecks {
        /// The highest cap accepted.
        max: usize,
    },
}

/// What is wrong with a JWT's form (see [`Error::InvalidToken`](crate::Error::InvalidToken)).
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

/// What is wrong with a JSON Web Key Set as a whole (see [`Error::InvalidJwks`](crate::Error::InvalidJwks)). A problem
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

/// Why a public key was refused: a key of a JWKS (see
/// [`KeySet::refused`](crate::KeySet::refused); a refused key is never used), or a `whpk_` key
/// ([`SecretFault::PublicKey`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyFault {
    /// `kty` (or `crv`) is not one this crate verifies with (RSA, EC P-256, OKP Ed25519).
    UnsupportedType,
    /// The key type is supported but its feature (`rs256`, `es256`, `ed25519`) is not enabled.
    FeatureDisabled,
    /// The key holds private members (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`, `k`).
    PrivateKey,
    /// `use` is present and is not `sig`.
    NotForSignatures,
    /// `key_ops` is present and does not include `verify`.
    NoVerifyOperation,
    /// `alg` is present and is not an algorithm of this key type (RS256 for RSA, ES256 for
    /// EC P-256, `EdDSA` or `Ed25519` for OKP Ed25519).
    AlgorithmMismatch,
    /// A required member is missing, or is not base64url of the right length.
    Malformed,
    /// The RSA modulus is outside 2048 to 4096 bits.
    ModulusSize {
        /// The modulus' size in bits.
        bits: u32,
    },
    /// The RSA public exponent is not 65537.
    Exponent,
    /// The EC point is not on the P-256 curve, or the Ed25519 key does not decode to a point
    /// of the curve.
    NotOnCurve,
    /// The Ed25519 key is not the canonical encoding of its point (its `y` is not below
    /// `2^255 - 19`, or its sign bit is set for `x = 0`; RFC 8032 section 5.1.3).
    NonCanonical,
    /// The Ed25519 key is a point of small order: a signature under it says nothing about
    /// who made it.
    SmallOrder,
    /// A member is longer than this crate reads: `kid` over 128 bytes, `kty`, `crv`, `alg`,
    /// `use` or a `key_ops` entry over 32 bytes, or `key_ops` with more than 8 entries
    /// (RFC 7517 section 4.3 defines 8 operations and forbids duplicates).
    MemberTooLong {
        /// The member's name.
        member: &'static str,
    },
    /// A member appears twice in the key (RFC 7517 section 4: member names are unique).
    DuplicateMember {
        /// The member's name.
        member: &'static str,
    },
    /// Key material (`n`, `e`, `x`, `y`) is written with JSON escapes: base64url never needs
    /// them, so such a key is refused rather than decoded.
    EscapedMember {
        /// The member's name.
        member: &'static str,
    },
    /// Another usable key of the set has the same `kid`, so the `kid` does not tell which key
    /// signed a token: every usable key with that `kid` is refused.
    DuplicateKid,
    /// The set already holds as many usable keys as its capacity `N`.
    OverCapacity {
        /// The set's capacity.
        capacity: usize,
    },
}

impl fmt::Display for KeyFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::UnsupportedType => f.write_str("key type or curve not supported"),
            Self::FeatureDisabled => {
                f.write_str("key type's feature (rs256/es256/ed25519) not enabled")
            }
            Self::PrivateKey => f.write_str("holds private key members"),
            Self::NotForSignatures => f.write_str("use is not \"sig\""),
            Self::NoVerifyOperation => f.write_str("key_ops does not include \"verify\""),
            Self::AlgorithmMismatch => f.write_str("alg does not fit the key type"),
            Self::Malformed => f.write_str("missing or malformed key members"),
            Self::ModulusSize { bits } => write!(f, "RSA modulus of {bits} bits (2048 to 4096)"),
            Self::Exponent => f.write_str("RSA exponent is not 65537"),
            Self::NotOnCurve => f.write_str("point is not on the curve"),
            Self::NonCanonical => f.write_str("point encoding is not canonical"),
            Self::SmallOrder => f.write_str("point is of small order"),
            Self::MemberTooLong { member } => write!(f, "member {member} is too long"),
            Self::DuplicateMember { member } => write!(f, "member {member} appears twice"),
            Self::EscapedMember { member } => {
                write!(f, "member {member} holds JSON escapes")
            }
            Self::DuplicateKid => f.write_str("another usable key has the same kid"),
            Self::OverCapacity { capacity } => {
                write!(f, "the set already holds its capacity of {capacity} keys")
            }
        }
    }
}

/// What is wrong with a header value (see [`Error::InvalidHeader`](crate::Error::InvalidHeader)).
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
    /// The `v1a` entries times the Ed25519 keys to try each against exceed the cap on that
    /// work (the signature carries no key id, so each entry is tried under each key).
    TooManyChecks {
        /// The cap on entries times keys.
        max: usize,
    },
}

/// What is wrong with a secret (see [`Error::InvalidSecret`](crate::Error::InvalidSecret)).
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
        /// The shortest length accepted.
        min: usize,
    },
    /// The decoded key is longer than [`SecretKey::MAX_LEN`](crate::SecretKey::MAX_LEN) bytes.
    TooLong {
        /// The longest length accepted.
        max: usize,
    },
    /// A Standard Webhooks public key (`whpk_` and the padded standard base64 of 32 bytes)
    /// is malformed (`Malformed`: another prefix such as `whsec_`, another length, a
    /// DER-wrapped key) or not a usable Ed25519 point.
    PublicKey(KeyFault),
    /// No secret was given to build a verifier from.
    NoSecrets,
    /// More secrets than the verifier's fixed capacity.
    TooMany {
        /// The verifier's capacity.
        capacity: usize,
    },
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
            Self::TooManyChecks { max } => write!(
                f,
                "has more v1a entries than can be tried under every public key ({max} checks at \
                 most)"
            ),
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
            Self::TooShort { len, min } => {
                write!(f, "decodes to {len} bytes, fewer than the {min} required")
            }
            Self::TooLong { max } => write!(f, "decodes to more than {max} bytes"),
            Self::PublicKey(KeyFault::Malformed) => {
                f.write_str("is not whpk_ and the padded base64 of 32 bytes")
            }
            Self::PublicKey(fault) => write!(f, "is unusable: {fault}"),
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
            Self::Issuer { max } => {
                write!(
                    f,
                    "expects an issuer that is empty or longer than {max} bytes"
                )
            }
            Self::Audiences { max, max_len } => write!(
                f,
                "expects no audience, more than {max}, or one empty or longer than {max_len} bytes"
            ),
            Self::NoKeys => f.write_str("holds no secret, no public key and no JWT policy"),
            Self::JwtWithoutKeySet => f.write_str("has a JWT policy but no key set (JWKS)"),
            Self::TooManyPublicKeys { max } => write!(f, "holds more than {max} public keys"),
            Self::V1aChecks { max } => write!(f, "caps v1a checks above {max}"),
        }
    }
}
