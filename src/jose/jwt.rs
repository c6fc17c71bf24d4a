//! The JWT verifier for callers that hold the token themselves: a [`KeySet`] borrowed with a
//! claims policy whose parts are all optional. Receivers of webhook deliveries use
//! [`Receiver`](crate::Receiver) with a [`JwtPolicy`](crate::JwtPolicy) instead, where issuer,
//! audience and body binding are required choices.

use core::fmt;

use super::jwks::KeySet;
use super::token::{
    Audiences, DEFAULT_LEEWAY, DEFAULT_MAX_TOKEN_LEN, Rules, VerifiedJwt, body_digest, check,
};
use crate::error::{ConfigFault, Error};
use crate::json::MAX_CLAIM_NAME_LEN;
use crate::time::UnixTime;

/// Verifies JWTs against a [`KeySet`] with a claims policy.
///
/// ```
/// use hookverify::{JwtVerifier, KeySet, UnixTime};
/// let jwks = br#"{"keys": []}"#; // the sender's JWKS, fetched by you
/// let keys: KeySet = KeySet::from_json(jwks)?;
/// let verifier = JwtVerifier::new(&keys)
///     .with_issuer("https://generativelanguage.googleapis.com")
///     .with_audiences(&["https://example.com/webhooks"]);
/// # let _ = verifier;
/// # Ok::<(), hookverify::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct JwtVerifier<'c, const N: usize = 8> {
    keys: &'c KeySet<N>,
    issuer: Option<&'c str>,
    audiences: &'c [&'c str],
    leeway: u64,
    require_exp: bool,
    max_age: Option<u64>,
    max_token_len: usize,
    body_hash_claim: Option<&'c str>,
}

impl<'c, const N: usize> JwtVerifier<'c, N> {
    /// A verifier over `keys` with the default policy: `exp` required, leeway 60 s, no
    /// issuer or audience expected, tokens of at most 8192 bytes, no body-hash claim.
    #[must_use]
    pub const fn new(keys: &'c KeySet<N>) -> Self {
        Self {
            keys,
            issuer: None,
            audiences: &[],
            leeway: DEFAULT_LEEWAY,
            require_exp: true,
            max_age: None,
            max_token_len: DEFAULT_MAX_TOKEN_LEN,
            body_hash_claim: None,
        }
    }

    /// Requires `iss` to equal `issuer` (RFC 7519 section 4.1.1).
    #[must_use]
    pub const fn with_issuer(mut self, issuer: &'c str) -> Self {
        self.issuer = Some(issuer);
        self
    }

    /// Requires `aud` (a string or an array) to hold at least one of `audiences`. Without
    /// expected audiences a token that carries `aud` is refused, as RFC 7519 section 4.1.3
    /// requires of a recipient that cannot identify itself in it.
    #[must_use]
    pub const fn with_audiences(mut self, audiences: &'c [&'c str]) -> Self {
        self.audiences = audiences;
        self
    }

    /// Sets the leeway for `exp`, `nbf` and `iat`, in seconds (default 60).
    #[must_use]
    pub const fn with_leeway(mut self, seconds: u64) -> Self {
        self.leeway = seconds;
        self
    }

    /// Whether `exp` is required (default `true`).
    #[must_use]
    pub const fn require_exp(mut self, required: bool) -> Self {
        self.require_exp = required;
        self
    }

    /// Refuses tokens issued more than `seconds` ago (plus leeway); `iat` becomes required.
    #[must_use]
    pub const fn with_max_age(mut self, seconds: u64) -> Self {
        self.max_age = Some(seconds);
        self
    }

    /// Sets the cap on the token's length in bytes (default 8192).
    #[must_use]
    pub const fn with_max_token_len(mut self, bytes: usize) -> Self {
        self.max_token_len = bytes;
        self
    }

    /// Names a claim carrying `base64url(SHA-256(body))` (no padding); the body passed to
    /// [`verify`](Self::verify) must then hash to it. Without such a claim a JWT
    /// authenticates its claims only, **not the body** of the delivery.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `claim` is empty or longer than
    /// [`MAX_CLAIM_NAME_LEN`](crate::MAX_CLAIM_NAME_LEN) bytes: no token could carry it, and
    /// every delivery would be refused.
    pub const fn with_body_hash_claim(mut self, claim: &'c str) -> Result<Self, Error> {
        if claim.is_empty() || claim.len() > MAX_CLAIM_NAME_LEN {
            return Err(Error::InvalidConfig(ConfigFault::ClaimName {
                max: MAX_CLAIM_NAME_LEN,
            }));
        }
        self.body_hash_claim = Some(claim);
        Ok(self)
    }

    /// Verifies a compact JWT at `now`, decoding its claims into `buf` while they are checked,
    /// and checks `body` against the body-hash claim when one is configured (otherwise `body`
    /// is not looked at, and [`VerifiedJwt::body_authenticated`] is `false`).
    ///
    /// Order of checks: size and structure, strict base64url of all segments, header
    /// (forbidden members, `alg`, `kid`), key selection, signature, claims (types, `exp`,
    /// `nbf`, `iat`, maximum age, `iss`, `aud`), body hash.
    ///
    /// # Errors
    ///
    /// One of the JWT error codes of [`Error`]; [`Error::BufferTooSmall`] when the decoded
    /// claims do not fit `buf` (a buffer as long as the token always suffices).
    pub fn verify<'t>(
        &self,
        token: &'t [u8],
        body: &[u8],
        now: UnixTime,
        buf: &mut [u8],
    ) -> Result<VerifiedJwt<'t>, Error> {
        let rules = Rules {
            issuer: self.issuer,
            audiences: Audiences::Borrowed(self.audiences),
            leeway: self.leeway,
            require_exp: self.require_exp,
            max_age: self.max_age,
            max_token_len: self.max_token_len,
            body_hash_claim: self.body_hash_claim,
        };
        let checked = check(self.keys, &rules, token, now, buf)?;
        match checked.body_hash {
            Some(expected) if body_digest(body) != expected => Err(Error::BodyMismatch),
            _ => Ok(checked.token),
        }
    }
}

impl<const N: usize> fmt::Debug for JwtVerifier<'_, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtVerifier")
            .field("keys", &self.keys.len())
            .field("issuer", &self.issuer)
            .field("audiences", &self.audiences)
            .field("leeway", &self.leeway)
            .field("require_exp", &self.require_exp)
            .field("max_age", &self.max_age)
            .field("max_token_len", &self.max_token_len)
            .field("body_hash_claim", &self.body_hash_claim)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_hash_claim_names_beyond_the_cap_are_a_configuration_error() {
        extern crate alloc;
        let keys = KeySet::<1>::from_json(br#"{"keys":[]}"#).unwrap();
        let long = alloc::string::String::from("h").repeat(MAX_CLAIM_NAME_LEN);
        assert!(JwtVerifier::new(&keys).with_body_hash_claim(&long).is_ok());
        let longer = alloc::format!("{long}h");
        for name in ["", longer.as_str()] {
            assert_eq!(
                JwtVerifier::new(&keys)
                    .with_body_hash_claim(name)
                    .unwrap_err(),
                Error::InvalidConfig(ConfigFault::ClaimName {
                    max: MAX_CLAIM_NAME_LEN
                })
            );
        }
    }
}
