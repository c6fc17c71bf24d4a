//! The algorithms, one file each: HMAC-SHA256, the signature algorithms, and the arithmetic
//! one of them needs of its own (`montgomery`, RS256's squaring). They depend only on the
//! primitive crates, the shared error types and each other, never on the key-set, token or
//! routing code that uses them.

#[cfg(feature = "ed25519")]
pub(crate) mod ed25519;
#[cfg(feature = "es256")]
pub(crate) mod es256;
pub(crate) mod hmac_sha256;
#[cfg(feature = "rs256")]
pub(crate) mod montgomery;
#[cfg(feature = "rs256")]
pub(crate) mod rs256;
