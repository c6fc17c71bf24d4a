//! The signature schemes a delivery can carry.

use core::fmt;

/// A signature scheme of webhook deliveries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scheme {
    /// Standard Webhooks `v1`: HMAC-SHA256 under a shared secret (`whsec_...`).
    V1,
    /// Standard Webhooks `v1a`: Ed25519 under the sender's public key (`whpk_...`, or an
    /// OKP key of its JWKS).
    V1a,
    /// A JWT (compact JWS) in `webhook-signature`, verified against the sender's JWKS.
    Jwt,
}

impl Scheme {
    /// The scheme's short name: `v1`, `v1a` or `jwt`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::V1 => "v1",
            Self::V1a => "v1a",
            Self::Jwt => "jwt",
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
