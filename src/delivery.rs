//! What a [`Receiver`](crate::Receiver) verified: the scheme, the key, and which parts of the
//! delivery are authenticated.

#[cfg(feature = "jwks")]
use crate::jose::jwk::Kid;
#[cfg(feature = "jwks")]
use crate::jose::token::VerifiedJwt;
use crate::scheme::Scheme;
use crate::time::UnixTime;

/// Proof that a delivery verified, and what exactly was authenticated.
///
/// For Standard Webhooks deliveries (`v1`, `v1a`) the id, the timestamp and the body are all
/// signed. A JWT-signed delivery authenticates the token's claims, the body only when the
/// policy binds it, and neither the `webhook-id` nor the `webhook-timestamp` header: its
/// authenticated id is the token's `jti`.
///
/// Deliveries are retried (at least once, for up to 24 h by the Gemini API), so the same
/// delivery can arrive several times: deduplicate on [`authenticated_id`](Self::authenticated_id).
#[derive(Clone, Debug)]
pub struct Delivery<'h> {
    pub(crate) scheme: Scheme,
    pub(crate) id: &'h str,
    pub(crate) timestamp: UnixTime,
    pub(crate) secret_index: Option<usize>,
    pub(crate) public_key_index: Option<usize>,
    #[cfg(feature = "jwks")]
    pub(crate) kid: Option<Kid>,
    #[cfg(feature = "jwks")]
    pub(crate) jwt: Option<VerifiedJwt<'h>>,
}

impl<'h> Delivery<'h> {
    /// A verified delivery of `scheme`, the key facts to be filled in.
    pub(crate) const fn new(scheme: Scheme, id: &'h str, timestamp: UnixTime) -> Self {
        Self {
            scheme,
            id,
            timestamp,
            secret_index: None,
            public_key_index: None,
            #[cfg(feature = "jwks")]
            kid: None,
            #[cfg(feature = "jwks")]
            jwt: None,
        }
    }

    /// The scheme that verified.
    #[must_use]
    pub const fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The `webhook-id` header (visible ASCII, at most 256 bytes). Signed for `v1` and `v1a`;
    /// for a JWT it is only what the request said (see [`id_is_authenticated`](Self::id_is_authenticated)).
    #[must_use]
    pub const fn id(&self) -> &'h str {
        self.id
    }

    /// Whether [`id`](Self::id) is covered by the signature (`v1`, `v1a`: yes; JWT: no).
    #[must_use]
    pub const fn id_is_authenticated(&self) -> bool {
        !matches!(self.scheme, Scheme::Jwt)
    }

    /// The id to deduplicate on, authenticated by the signature: `webhook-id` for `v1` and
    /// `v1a`, the token's `jti` for a JWT (`None` when the token has no `jti`: then nothing
    /// authenticated identifies the delivery).
    #[must_use]
    pub fn authenticated_id(&self) -> Option<&str> {
        match self.scheme {
            Scheme::V1 | Scheme::V1a => Some(self.id),
            #[cfg(feature = "jwks")]
            Scheme::Jwt => self.jwt.as_ref().and_then(VerifiedJwt::jti),
            #[cfg(not(feature = "jwks"))]
            Scheme::Jwt => None,
        }
    }

    /// The `webhook-timestamp` header (checked against the clock for `v1` and `v1a`; for a
    /// JWT, freshness comes from the token's own `exp`, `nbf` and `iat`).
    #[must_use]
    pub const fn timestamp(&self) -> UnixTime {
        self.timestamp
    }

    /// Whether [`timestamp`](Self::timestamp) is covered by the signature (`v1`, `v1a`: yes;
    /// JWT: no).
    #[must_use]
    pub const fn timestamp_is_authenticated(&self) -> bool {
        !matches!(self.scheme, Scheme::Jwt)
    }

    /// Whether the body is authenticated: always for `v1` and `v1a`; for a JWT, only when the
    /// policy binds the body to a claim. When `false`, trust the token's claims, never the
    /// body.
    #[must_use]
    pub fn body_is_authenticated(&self) -> bool {
        match self.scheme {
            Scheme::V1 | Scheme::V1a => true,
            #[cfg(feature = "jwks")]
            Scheme::Jwt => self
                .jwt
                .as_ref()
                .is_some_and(VerifiedJwt::body_authenticated),
            #[cfg(not(feature = "jwks"))]
            Scheme::Jwt => false,
        }
    }

    /// For `v1`: the position of the lowest secret the delivery matched under, in the order
    /// the secrets were given (to tell when a retired secret stops being used).
    #[must_use]
    pub const fn secret_index(&self) -> Option<usize> {
        self.secret_index
    }

    /// For `v1a`: the position of the public key that verified, `whpk_` keys first in the
    /// order given, then the Ed25519 keys of the JWKS in its order.
    #[must_use]
    pub const fn public_key_index(&self) -> Option<usize> {
        self.public_key_index
    }

    /// The `kid` of the key that verified: the JWKS key of a `v1a` delivery, or the token's
    /// header `kid` of a JWT.
    #[must_use]
    pub fn kid(&self) -> Option<&str> {
        #[cfg(feature = "jwks")]
        return self.kid.as_deref();
        #[cfg(not(feature = "jwks"))]
        return None;
    }

    /// The verified token of a JWT-signed delivery: its claims, algorithm, `exp`, `iat`.
    #[cfg(feature = "jwks")]
    #[must_use]
    pub const fn jwt(&self) -> Option<&VerifiedJwt<'h>> {
        self.jwt.as_ref()
    }
}
