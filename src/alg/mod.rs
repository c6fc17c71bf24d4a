//! The algorithms, one file each: HMAC-SHA256 and the signature algorithms. They depend only
//! on the primitive crates and the shared error types, never on the key-set, token or routing
//! code that uses them.

#[cfg(feature = "ed25519")]
pub(crate) mod ed25519;
#[cfg(feature = "es256")]
pub(crate) mod es256;
pub(crate) mod hmac_sha256;
#[cfg(feature = "rs256")]
pub(crate) mod rs256;
