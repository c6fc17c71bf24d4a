//! The algorithms, one file each: HMAC-SHA256, the signature algorithms, and the arithmetic
//! three of them need of their own (`montgomery`, RS256's squaring; `p256_field` and
//! `p256_point`, ES256's field and point arithmetic on 64-bit targets; `f25519` and
//! `ed25519_point`, Ed25519's). They depend only on the
//! primitive crates, the shared error types and each other, never on the key-set, token or
//! routing code that uses them.

#[cfg(feature = "ed25519")]
pub(crate) mod ed25519;
#[cfg(all(feature = "ed25519", target_pointer_width = "64"))]
pub(crate) mod ed25519_point;
#[cfg(feature = "es256")]
pub(crate) mod es256;
#[cfg(all(feature = "ed25519", target_pointer_width = "64"))]
pub(crate) mod f25519;
pub(crate) mod hmac_sha256;
#[cfg(feature = "rs256")]
pub(crate) mod montgomery;
#[cfg(any(feature = "es256", feature = "ed25519"))]
pub(crate) mod naf;
#[cfg(all(feature = "es256", target_pointer_width = "64"))]
pub(crate) mod p256_field;
#[cfg(all(feature = "es256", target_pointer_width = "64"))]
pub(crate) mod p256_point;
#[cfg(feature = "rs256")]
pub(crate) mod rs256;
