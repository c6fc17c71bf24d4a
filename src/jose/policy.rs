//! The JWT policy of a [`Receiver`](crate::Receiver): owned, so a receiver can live in
//! application state, with the choices that matter made explicitly when it is built.

use super::claims::{ClaimString, MAX_CLAIM_STRING_LEN};
use super::token::{Audiences, DEFAULT_LEEWAY, DEFAULT_MAX_TOKEN_LEN, Rules};
use crate::error::{ConfigFault, Error};
use crate::json::MAX_CLAIM_NAME_LEN;

/// The most audiences a [`JwtPolicy`] accepts.
pub const MAX_POLICY_AUDIENCES: usize = 4;

/// What a JWT-signed delivery must satisfy besides its signature: the issuer, the audiences,
/// and whether the token binds the body.
///
/// Issuer and audience are required: a token from another issuer, or minted for another
/// receiver, must not be accepted here (RFC 8725 sections 3.8 and 3.9). How the body is
/// authenticated is a choice made when the policy is built, never a default: either the
/// token carries `base64url(SHA-256(body))` in a claim you name, or you state that the body
/// is not authenticated (then only the token's claims are, and the body must not be trusted).
///
/// ```
/// use hookverify::JwtPolicy;
/// let bound = JwtPolicy::builder("https://generativelanguage.googleapis.com", &["https://hooks.example.com/gemini"])?
///     .body_hash_claim("body_sha256")?;
/// let claims_only = JwtPolicy::builder("https://generativelanguage.googleapis.com", &["https://hooks.example.com/gemini"])?
///     .body_not_authenticated();
/// assert!(bound.authenticates_body() && !claims_only.authenticates_body());
/// # Ok::<(), hookverify::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JwtPolicy {
    issuer: Option<ClaimString>,
    audiences: heapless::Vec<ClaimString, MAX_POLICY_AUDIENCES>,
    body_hash_claim: Option<heapless::String<MAX_CLAIM_NAME_LEN>>,
    leeway: u64,
    require_exp: bool,
    max_age: Option<u64>,
}

/// A [`JwtPolicy`] waiting for its body binding: call
/// [`body_hash_claim`](Self::body_hash_claim) or
/// [`body_not_authenticated`](Self::body_not_authenticated).
#[derive(Clone, Debug)]
#[must_use = "a JWT policy needs its body binding: body_hash_claim() or body_not_authenticated()"]
pub struct JwtPolicyBuilder {
    policy: JwtPolicy,
}

impl JwtPolicy {
    /// Starts a policy for tokens whose `iss` is `issuer` and whose `aud` holds one of
    /// `audiences` (RFC 7519 sections 4.1.1 and 4.1.3), with `exp` required and 60 s of
    /// leeway.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when the issuer is empty or longer than
    /// [`MAX_CLAIM_STRING_LEN`](crate::MAX_CLAIM_STRING_LEN), or the audiences are none, more
    /// than [`MAX_POLICY_AUDIENCES`], or one is empty or too long.
    pub fn builder(issuer: &str, audiences: &[&str]) -> Result<JwtPolicyBuilder, Error> {
        if audiences.is_empty() {
            return Err(audience_fault());
        }
        Self::builder_unchecked_issuer_or_audience(Some(issuer), audiences)
    }

    /// The opt-out, for tools that inspect tokens rather than receivers: with `issuer`
    /// `None` any `iss` is accepted (**the issuer is not checked**), and with no audiences a
    /// token that carries `aud` is refused (RFC 7519 section 4.1.3) while a token without one
    /// is accepted (**no audience is required**). A token minted by another issuer, or for
    /// another receiver, may then be accepted: receivers use [`builder`](Self::builder).
    ///
    /// # Errors
    ///
    /// As [`builder`](Self::builder), for the values given.
    pub fn builder_unchecked_issuer_or_audience(
        issuer: Option<&str>,
        audiences: &[&str],
    ) -> Result<JwtPolicyBuilder, Error> {
        let issuer = issuer
            .map(|issuer| {
                claim_string(issuer).ok_or(Error::InvalidConfig(ConfigFault::Issuer {
                    max: MAX_CLAIM_STRING_LEN,
                }))
            })
            .transpose()?;
        let mut owned = heapless::Vec::new();
        for audience in audiences {
            owned
                .push(claim_string(audience).ok_or(audience_fault())?)
                .map_err(|_| audience_fault())?;
        }
        Ok(JwtPolicyBuilder {
            policy: Self {
                issuer,
                audiences: owned,
                body_hash_claim: None,
                leeway: DEFAULT_LEEWAY,
                require_exp: true,
                max_age: None,
            },
        })
    }

    /// Sets the leeway for `exp`, `nbf` and `iat`, in seconds (default 60).
    #[must_use]
    pub const fn with_leeway(mut self, seconds: u64) -> Self {
        self.leeway = seconds;
        self
    }

    /// Refuses tokens issued more than `seconds` ago (plus leeway); `iat` becomes required.
    #[must_use]
    pub const fn with_max_age(mut self, seconds: u64) -> Self {
        self.max_age = Some(seconds);
        self
    }

    /// Whether `exp` is required (default `true`).
    #[must_use]
    pub const fn require_exp(mut self, required: bool) -> Self {
        self.require_exp = required;
        self
    }

    /// Whether tokens must bind the body with a body-hash claim.
    #[must_use]
    pub const fn authenticates_body(&self) -> bool {
        self.body_hash_claim.is_some()
    }

    /// The expected issuer (`None` only with the opt-out constructor).
    #[must_use]
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// The rules a token is checked with.
    pub(crate) fn rules(&self) -> Rules<'_> {
        Rules {
            issuer: self.issuer.as_deref(),
            audiences: Audiences::Owned(&self.audiences),
            leeway: self.leeway,
            require_exp: self.require_exp,
            max_age: self.max_age,
            max_token_len: DEFAULT_MAX_TOKEN_LEN,
            body_hash_claim: self.body_hash_claim.as_deref(),
        }
    }
}

impl JwtPolicyBuilder {
    /// Binds the body: every token must carry `base64url(SHA-256(body))` (no padding) in the
    /// claim `claim`, and the delivered body must hash to it.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `claim` is empty or longer than
    /// [`MAX_CLAIM_NAME_LEN`](crate::MAX_CLAIM_NAME_LEN) bytes: no token could carry it.
    pub fn body_hash_claim(mut self, claim: &str) -> Result<JwtPolicy, Error> {
        let fault = Error::InvalidConfig(ConfigFault::ClaimName {
            max: MAX_CLAIM_NAME_LEN,
        });
        if claim.is_empty() {
            return Err(fault);
        }
        self.policy.body_hash_claim = Some(claim.try_into().map_err(|_| fault)?);
        Ok(self.policy)
    }

    /// Accepts tokens that do not bind the body. The token then authenticates its claims
    /// only: whoever captured one valid token could attach it to another body while it is
    /// valid, so act on the claims, never on the body, and deduplicate on `jti`.
    #[must_use]
    pub fn body_not_authenticated(self) -> JwtPolicy {
        self.policy
    }
}

fn audience_fault() -> Error {
    Error::InvalidConfig(ConfigFault::Audiences {
        max: MAX_POLICY_AUDIENCES,
        max_len: MAX_CLAIM_STRING_LEN,
    })
}

/// `value` as a claim string, if it is non-empty and fits.
fn claim_string(value: &str) -> Option<ClaimString> {
    if value.is_empty() {
        None
    } else {
        value.try_into().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuer_audience_and_body_binding_are_required_choices() {
        let policy = JwtPolicy::builder("iss", &["aud"]).unwrap();
        assert!(
            policy
                .clone()
                .body_hash_claim("h")
                .unwrap()
                .authenticates_body()
        );
        assert!(!policy.body_not_authenticated().authenticates_body());
        let long = [b'a'; MAX_CLAIM_STRING_LEN + 1];
        let long = core::str::from_utf8(&long).unwrap();
        for (issuer, audiences) in [
            ("", &["aud"][..]),
            (long, &["aud"]),
            ("iss", &[]),
            ("iss", &[""]),
            ("iss", &[long]),
            ("iss", &["a", "b", "c", "d", "e"]),
        ] {
            assert!(
                matches!(
                    JwtPolicy::builder(issuer, audiences),
                    Err(Error::InvalidConfig(_))
                ),
                "{issuer:?} {audiences:?}"
            );
        }
        let unchecked = JwtPolicy::builder_unchecked_issuer_or_audience(None, &[]).unwrap();
        assert_eq!(unchecked.body_not_authenticated().issuer(), None);
        let name = [b'h'; MAX_CLAIM_NAME_LEN + 1];
        let name = core::str::from_utf8(&name).unwrap();
        for claim in ["", name] {
            assert_eq!(
                JwtPolicy::builder("iss", &["aud"])
                    .unwrap()
                    .body_hash_claim(claim)
                    .unwrap_err(),
                Error::InvalidConfig(ConfigFault::ClaimName {
                    max: MAX_CLAIM_NAME_LEN
                })
            );
        }
    }
}
