//! JWT verification (RFC 7519) over compact JWS (RFC 7515 section 7.1), RS256 and ES256,
//! against a [`KeySet`], hardened against the known JWT attack classes:
//!
//! - `alg` must be RS256 or ES256 *and* fit the selected key's type, so `none`
//!   (RFC 8725 section 2.1), HMAC with a public key as secret (alg confusion, RFC 8725
//!   section 2.1/3.1) and every other algorithm are refused;
//! - header members that fetch or embed keys or change processing (`jku`, `x5u`, `x5c`,
//!   `jwk`, `crit`, `b64`; RFC 7515 sections 4.1.2-4.1.6 and 4.1.11, RFC 7797) are refused;
//! - segments are strict base64url, sizes and JSON depth are capped before any parsing;
//! - member names and values are unescaped before comparison, duplicates are refused;
//! - claims of the wrong type are errors, never "absent".

use core::fmt;

use serde::de;

use crate::claims::{self, BODY_HASH, Registered};
use crate::json::{JsonError, MAX_CLAIM_NAME_LEN, Reader};
use crate::jwks::{Algorithm, Kid};
use crate::{ConfigFault, Error, KeySet, TokenFault, UnixTime, b64url, canonical};

/// The default cap on a token's length in bytes.
pub const DEFAULT_MAX_TOKEN_LEN: usize = 8192;

/// The default leeway for `exp`, `nbf` and `iat`, in seconds.
pub const DEFAULT_LEEWAY: u64 = 60;

/// The largest decoded JOSE header accepted, in bytes.
const MAX_HEADER_LEN: usize = 2048;

/// The largest decoded signature (a 4096-bit RSA signature is 512 bytes).
const MAX_SIGNATURE_LEN: usize = 512;

/// Verifies JWTs against a [`KeySet`] with a claims policy.
///
/// ```
/// # #[cfg(all(feature = "es256", feature = "rs256"))] {
/// use hookverify::{JwtVerifier, KeySet, UnixTime};
/// let jwks = br#"{"keys": []}"#; // the sender's JWKS, fetched by you
/// let keys = KeySet::<8>::from_json(jwks)?;
/// let verifier = JwtVerifier::new(&keys)
///     .with_issuer("https://generativelanguage.googleapis.com")
///     .with_audiences(&["https://example.com/webhooks"]);
/// # let _ = verifier;
/// # }
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

    /// Verifies a compact JWT at `now`, decoding its claims into `buf`, and checks `body`
    /// against the body-hash claim when one is configured (otherwise `body` is not looked at).
    ///
    /// Order of checks: size and structure, strict base64url of all segments, header
    /// (forbidden members, `alg`, `kid`), key selection, signature, claims (types, `exp`,
    /// `nbf`, `iat`, maximum age, `iss`, `aud`), body hash.
    ///
    /// # Errors
    ///
    /// One of the JWT error codes of [`Error`]; [`Error::BufferTooSmall`] when the decoded
    /// claims do not fit `buf` (a buffer as long as the token always suffices).
    pub fn verify<'b>(
        &self,
        token: &[u8],
        body: &[u8],
        now: UnixTime,
        buf: &'b mut [u8],
    ) -> Result<VerifiedJwt<'b>, Error> {
        if token.len() > self.max_token_len {
            return Err(Error::InvalidToken(TokenFault::TooLong {
                max: self.max_token_len,
            }));
        }
        let Segments {
            signing_input,
            header: header_b64,
            payload: payload_b64,
            signature: signature_b64,
        } = split(token)?;

        let mut header_buf = [0u8; MAX_HEADER_LEN];
        let header_json = decode_segment(header_b64, &mut header_buf)?;
        let mut signature_buf = [0u8; MAX_SIGNATURE_LEN];
        let signature = match b64url::decode(signature_b64, &mut signature_buf) {
            Ok(signature) => signature,
            // Longer than any signature this crate verifies: it cannot be valid.
            Err(true) => &[][..],
            Err(false) => return Err(Error::InvalidToken(TokenFault::Base64)),
        };
        let payload = b64url::decode(payload_b64, buf).map_err(|too_large| {
            if too_large {
                Error::BufferTooSmall {
                    needed: b64url::decoded_len(payload_b64.len()),
                }
            } else {
                Error::InvalidToken(TokenFault::Base64)
            }
        })?;

        let header = parse_header(header_json)?;
        self.keys
            .verify_signature(header.kid.as_deref(), header.alg, signing_input, signature)?;

        let claims = self.check_claims(payload, now)?;
        if let Some(_claim) = self.body_hash_claim {
            use sha2::Digest as _;
            let expected = claims
                .body_hash
                .ok_or(Error::MissingClaim { claim: BODY_HASH })?;
            let actual: [u8; 32] = sha2::Sha256::digest(body).into();
            if actual != expected {
                return Err(Error::BodyMismatch);
            }
        }
        Ok(VerifiedJwt {
            claims: payload,
            alg: header.alg,
            kid: header.kid,
            exp: claims.exp,
            iat: claims.iat,
        })
    }

    fn check_claims(&self, payload: &[u8], now: UnixTime) -> Result<Registered, Error> {
        let claims = claims::read(payload, self.body_hash_claim)?;
        let now = now.as_secs();
        let leeway = self.leeway;
        // RFC 7519 section 4.1.4: the token must not be accepted on or after `exp`.
        match claims.exp {
            Some(exp) if now >= exp.saturating_add(leeway) => {
                return Err(Error::Expired { claim: "exp" });
            }
            None if self.require_exp => return Err(Error::MissingClaim { claim: "exp" }),
            _ => {}
        }
        // Section 4.1.5: not before `nbf`; and a token cannot be issued in the future.
        if claims
            .nbf
            .is_some_and(|nbf| nbf > now.saturating_add(leeway))
        {
            return Err(Error::NotYetValid { claim: "nbf" });
        }
        if claims
            .iat
            .is_some_and(|iat| iat > now.saturating_add(leeway))
        {
            return Err(Error::NotYetValid { claim: "iat" });
        }
        if let Some(max_age) = self.max_age {
            let iat = claims.iat.ok_or(Error::MissingClaim { claim: "iat" })?;
            if now > iat.saturating_add(max_age).saturating_add(leeway) {
                return Err(Error::Expired { claim: "iat" });
            }
        }
        if let Some(issuer) = self.issuer {
            match &claims.iss {
                Some(iss) if iss.as_str() == issuer => {}
                Some(_) => return Err(Error::WrongIssuer),
                None => return Err(Error::MissingClaim { claim: "iss" }),
            }
        }
        match (&claims.aud, self.audiences) {
            (None, []) => {}
            (None, _) => return Err(Error::MissingClaim { claim: "aud" }),
            (Some(aud), expected) => {
                if !aud.iter().any(|a| expected.contains(&a.as_str())) {
                    return Err(Error::WrongAudience);
                }
            }
        }
        Ok(claims)
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

/// A verified JWT: its claims (decoded JSON, in the caller's buffer) and header facts.
#[derive(Clone, Debug)]
pub struct VerifiedJwt<'b> {
    claims: &'b [u8],
    alg: Algorithm,
    kid: Option<Kid>,
    exp: Option<u64>,
    iat: Option<u64>,
}

impl<'b> VerifiedJwt<'b> {
    /// The claims as JSON text, exactly as signed.
    #[must_use]
    pub const fn claims_json(&self) -> &'b [u8] {
        self.claims
    }

    /// Deserializes the claims into the caller's type with `serde-json-core`, without
    /// allocation. `scratch` receives the claims with every unnecessary escape decoded
    /// (`\u00e9`, surrogate pairs such as `\ud83d\ude00`, `\/`), then room to unescape the
    /// strings that keep escapes (`\"`, `\\`, control characters); borrowed `&str` fields
    /// of `T` borrow from it, and can hold every string except those. A scratch buffer twice
    /// as long as [`claims_json`](Self::claims_json) always suffices, so every token that
    /// verified can be read. The claims were validated as JSON nested at most
    /// [`MAX_JSON_DEPTH`](crate::MAX_JSON_DEPTH) deep, so `serde-json-core`'s recursion is
    /// bounded.
    ///
    /// ```
    /// # #[cfg(feature = "es256")] {
    /// # use hookverify::VerifiedJwt;
    /// #[derive(serde::Deserialize)]
    /// struct Event<'a> {
    ///     jti: &'a str,
    ///     note: heapless::String<64>,
    /// }
    /// # fn read(token: &VerifiedJwt<'_>) -> Result<(), hookverify::Error> {
    /// let mut scratch = [0u8; 1024];
    /// let event: Event = token.claims(&mut scratch)?;
    /// # Ok(()) }
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::BufferTooSmall`] when `scratch` is too short (the error says how long it must
    /// be); [`Error::InvalidClaim`] (claim `*`) when the claims do not fit `T`.
    pub fn claims<'s, T: de::Deserialize<'s>>(&self, scratch: &'s mut [u8]) -> Result<T, Error> {
        let sizes = canonical::rewrite(self.claims, scratch).map_err(Error::from)?;
        let needed = sizes.len.saturating_add(sizes.longest_escaped);
        if scratch.len() < needed {
            return Err(Error::BufferTooSmall { needed });
        }
        let (document, unescape) = scratch.split_at_mut(sizes.len);
        serde_json_core::from_slice_escaped::<T>(document, unescape)
            .map(|(value, _)| value)
            .map_err(|_| Error::InvalidClaim { claim: "*" })
    }

    /// The algorithm the token was verified with.
    #[must_use]
    pub const fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// The `kid` of the token's header, if it had one.
    #[must_use]
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// `exp`, if present.
    #[must_use]
    pub fn expires_at(&self) -> Option<UnixTime> {
        self.exp.map(UnixTime::from_secs)
    }

    /// `iat`, if present.
    #[must_use]
    pub fn issued_at(&self) -> Option<UnixTime> {
        self.iat.map(UnixTime::from_secs)
    }
}

/// Splits a compact JWS into its signing input and three segments: exactly two dots, header
/// and payload non-empty (an empty signature is left for the algorithm check to refuse).
fn split(token: &[u8]) -> Result<Segments<'_>, Error> {
    let structure = Error::InvalidToken(TokenFault::Structure);
    let mut dots = token
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'.')
        .map(|(i, _)| i);
    let (first, second) = match (dots.next(), dots.next(), dots.next()) {
        (Some(first), Some(second), None) => (first, second),
        _ => return Err(structure),
    };
    let signing_input = token.get(..second).ok_or(structure)?;
    let header = token.get(..first).ok_or(structure)?;
    let payload = token
        .get(first.saturating_add(1)..second)
        .ok_or(structure)?;
    let signature = token.get(second.saturating_add(1)..).ok_or(structure)?;
    if header.is_empty() || payload.is_empty() {
        return Err(structure);
    }
    Ok(Segments {
        signing_input,
        header,
        payload,
        signature,
    })
}

/// The parts of a compact JWS.
struct Segments<'t> {
    /// `header.payload`, the bytes the signature covers.
    signing_input: &'t [u8],
    header: &'t [u8],
    payload: &'t [u8],
    signature: &'t [u8],
}

fn decode_segment<'o>(segment: &[u8], out: &'o mut [u8]) -> Result<&'o [u8], Error> {
    b64url::decode(segment, out).map_err(|too_large| {
        Error::InvalidToken(if too_large {
            TokenFault::TooLarge
        } else {
            TokenFault::Base64
        })
    })
}

/// The header members that matter.
struct Header {
    alg: Algorithm,
    kid: Option<Kid>,
}

fn parse_header(json: &[u8]) -> Result<Header, Error> {
    let mut alg = None::<heapless::String<32>>;
    let mut kid = None::<Kid>;
    let mut forbidden = None;
    // Every member name seen, to refuse duplicates (RFC 7515 section 4: a header with
    // duplicate names must be refused or read with the last one; refusing is safer). Names
    // longer than any member this crate reads are skipped: a duplicate of one cannot change
    // what is read.
    let mut names = heapless::Vec::<heapless::String<HEADER_NAME_LEN>, 16>::new();
    let mut r = Reader::new(json);
    r.object::<Error>(|r, name| {
        let Some(name) = name.filter(|n| n.len() <= HEADER_NAME_LEN) else {
            return r.skip().map_err(Error::from);
        };
        if names.iter().any(|n| n == name) {
            return Err(Error::InvalidToken(TokenFault::Json));
        }
        names
            .push(
                name.try_into()
                    .map_err(|_| Error::InvalidToken(TokenFault::Json))?,
            )
            .map_err(|_| Error::InvalidToken(TokenFault::Json))?;
        match name {
            // A non-string or over-long `alg` names no algorithm this crate knows.
            "alg" => {
                alg = Some(r.read_string().map_err(|e| match e {
                    JsonError::Type | JsonError::TooLong => Error::UnsupportedAlgorithm,
                    other => Error::from(other),
                })?);
            }
            "kid" => kid = Some(r.read_string()?),
            other => {
                r.skip()?;
                if forbidden.is_none() {
                    forbidden = FORBIDDEN.into_iter().find(|f| *f == other);
                }
            }
        }
        Ok(())
    })?;
    r.end()?;
    if let Some(name) = forbidden {
        return Err(Error::ForbiddenHeader { name });
    }
    let alg = alg
        .as_deref()
        .and_then(Algorithm::from_name)
        .filter(|alg| enabled(*alg))
        .ok_or(Error::UnsupportedAlgorithm)?;
    Ok(Header { alg, kid })
}

/// The longest header member name checked for duplicates (longer than every name read).
const HEADER_NAME_LEN: usize = 32;

/// Header members refused outright: `crit` (RFC 7515 section 4.1.11: extensions this crate
/// cannot honour), `jku`, `x5u`, `x5c`, `jwk` (keys from the token itself or fetched from a
/// URL it names, sections 4.1.2 to 4.1.6), `b64` (RFC 7797: unencoded payloads).
const FORBIDDEN: [&str; 6] = ["crit", "jku", "x5u", "x5c", "jwk", "b64"];

/// Whether this build can verify `alg`.
const fn enabled(alg: Algorithm) -> bool {
    match alg {
        Algorithm::Rs256 => cfg!(feature = "rs256"),
        Algorithm::Es256 => cfg!(feature = "es256"),
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
