#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// Shared by every scheme.
mod base64;
mod builder;
mod delivery;
mod error;
mod fault;
#[cfg(feature = "gemini")]
mod gemini;
mod headers;
#[cfg(feature = "http1")]
mod http1;
#[cfg(any(feature = "jwks", feature = "gemini"))]
mod json;
mod receiver;
mod refresh;
mod replay;
mod scheme;
mod time;

// Standard Webhooks: the signature list, `v1` (HMAC-SHA256) and `v1a` (Ed25519).
mod standard;

// JOSE: JSON, JWK/JWKS, JWT (feature `jwks`).
#[cfg(feature = "jwks")]
mod jose;

// One file per algorithm (HMAC-SHA256, and the signature algorithms of the enabled features).
mod alg;

/// Internal arithmetic for the fuzz targets only: present when `cargo fuzz` builds with
/// `--cfg fuzzing`, never in a normal build, and not part of the API.
#[cfg(all(fuzzing, target_pointer_width = "64"))]
#[doc(hidden)]
pub mod __fuzzing {
    /// The v1a path's arithmetic modulo `2^255 - 19` on two elements given as 32-byte
    /// little-endian encodings (bit 255 ignored, values taken mod `p`): `[a b, a^2, a + b,
    /// a - b, -a, a^-1]`, canonical encodings (see `src/alg/f25519.rs`).
    #[cfg(feature = "ed25519")]
    pub fn f25519(a: &[u8; 32], b: &[u8; 32]) -> [[u8; 32]; 6] {
        use crate::alg::f25519::Fe;
        let (a, b) = (Fe::from_bytes(a), Fe::from_bytes(b));
        [
            a.mul(&b),
            a.square(),
            a.add(&b),
            a.sub(&b),
            a.neg(),
            a.invert(),
        ]
        .map(Fe::to_bytes)
    }

    /// The ES256 path's P-256 field arithmetic on two elements given as 32-byte big-endian
    /// integers: `[a b, a^2, a + b, a - b, -a]`, canonical, big-endian; `None` when an input
    /// is not below `p` (see `src/alg/p256_field.rs`).
    #[cfg(feature = "es256")]
    pub fn p256_field(a: &[u8; 32], b: &[u8; 32]) -> Option<[[u8; 32]; 5]> {
        use crate::alg::p256_field::Fe;
        let (a, b) = (Fe::from_be_bytes(a)?, Fe::from_be_bytes(b)?);
        Some([a.mul(&b), a.square(), a.add(&b), a.sub(&b), a.neg()].map(Fe::to_be_bytes))
    }

    /// The RS256 path's Montgomery squaring, `x <- x^2 R^-1 mod n` (see `src/alg/montgomery.rs`).
    #[cfg(feature = "rs256")]
    pub fn montgomery_square(
        x: &mut [crypto_bigint::Word],
        n: &[crypto_bigint::Word],
        neg_inv: crypto_bigint::Word,
        scratch: &mut [crypto_bigint::Word],
    ) -> Option<()> {
        crate::alg::montgomery::square(x, n, neg_inv, scratch)
    }
}

pub use builder::ReceiverBuilder;
pub use delivery::Delivery;
pub use error::{ConfigFault, Error, HeaderFault, JwksFault, KeyFault, SecretFault, TokenFault};
pub use headers::{MAX_ID_LEN, WebhookHeaders};
pub use receiver::{MAX_PUBLIC_KEYS, MAX_SECRETS, PendingDelivery, Receiver};
pub use refresh::{
    DEFAULT_MAX_KEY_SET_AGE, DEFAULT_MIN_REFRESH_INTERVAL, KeyRefresh, Refresh, suggests_rotation,
};
pub use replay::{DEFAULT_RETENTION, GuardFull, MemoryGuard, ReplayGuard, ReplayKey, Seen};
pub use scheme::Scheme;
pub use standard::list::{DEFAULT_MAX_SIGNATURE_HEADER_LEN, DEFAULT_MAX_SIGNATURES};
pub use standard::secret::SecretKey;
pub use standard::v1::{DEFAULT_CAPACITY, PendingVerification, Verified, Verifier};
#[cfg(feature = "ed25519")]
pub use standard::v1a::{MAX_V1A_CHECKS, PublicKey};
pub use time::{DEFAULT_TOLERANCE, UnixTime};

#[cfg(feature = "gemini")]
pub use gemini::{EventData, EventKind, GeminiEvent, Text};
#[cfg(feature = "jwks")]
pub use jose::claims::{MAX_AUDIENCES, MAX_CLAIM_STRING_LEN};
#[cfg(feature = "jwks")]
pub use jose::jwk::{Algorithm, MAX_KID_LEN};
#[cfg(feature = "jwks")]
pub use jose::jwks::{KeySet, MAX_JWKS_ENTRIES, MAX_JWKS_LEN, Refusal};
#[cfg(feature = "jwks")]
pub use jose::jwt::JwtVerifier;
#[cfg(feature = "jwks")]
pub use jose::policy::{JwtPolicy, JwtPolicyBuilder, MAX_POLICY_AUDIENCES};
#[cfg(feature = "jwks")]
pub use jose::token::{DEFAULT_LEEWAY, DEFAULT_MAX_TOKEN_LEN, VerifiedJwt};
#[cfg(feature = "jwks")]
pub use json::MAX_CLAIM_NAME_LEN;
#[cfg(any(feature = "jwks", feature = "gemini"))]
pub use json::MAX_JSON_DEPTH;
