//! Standard Webhooks (`spec/standard-webhooks.md`): the signature list and its two schemes,
//! `v1` (HMAC-SHA256, shared secret) and `v1a` (Ed25519, public key).

pub(crate) mod list;
pub(crate) mod secret;
pub(crate) mod v1;
#[cfg(feature = "ed25519")]
pub(crate) mod v1a;
