//! Compact JWS tokens (RFC 7515 section 7.1) carrying JWT claims (RFC 7519): splitting,
//! strict decoding, the JOSE header, the signature against a [`KeySet`], the claims rules, and
//! the verified token. Hardened against the known JWT attack classes:
//!
//! - `alg` must be one this crate verifies *and* fit the selected key's type, so `none`
//!   (RFC 8725 section 2.1), HMAC with a public key as secret (algorithm confusion, RFC 8725
//!   sections 2.1 and 3.1) and every other algorithm are refused;
//! - header members that fetch or embed keys or change processing (`jku`, `x5u`, `x5c`,
//!   `jwk`, `crit`, `b64`; RFC 7515 sections 4.1.2-4.1.6 and 4.1.11, RFC 7797) are refused;
//! - segments are strict base64url, sizes and JSON depth are capped before any parsing;
//! - member names and values are unescaped before comparison, duplicates are refused;
//! - claims of the wrong type are errors, never "absent".

use serde::de;
use sha2::{Digest as _, Sha256};

use super::b64url;
use super::canonical;
use super::claims::{self, BODY_HASH, ClaimString, Registered};
use super::jwk::{Algorithm, Kid};
use super::jwks::KeySet;
use crate::error::{Error, TokenFault};
use crate::json::{JsonError, Reader};
use crate::time::UnixTime;

/// The default (and largest) cap on a token's length in bytes.
pub const DEFAULT_MAX_TOKEN_LEN: usize = 8192;

/// The default leeway for `exp`, `nbf` and `iat`, in seconds.
pub const DEFAULT_LEEWAY: u64 = 60;

/// The largest decoded JOSE header accepted, in bytes.
const MAX_HEADER_LEN: usize = 2048;

/// The largest decoded signature (a 4096-bit RSA signature is 512 bytes).
const MAX_SIGNATURE_LEN: usize = 512;

/// The claims rules a token is checked against.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rules<'p> {
    pub(crate) issuer: Option<&'p str>,
    pub(crate) audiences: Audiences<'p>,
    pub(crate) leeway: u64,
    pub(crate) require_exp: bool,
    pub(crate) max_age: Option<u64>,
    pub(crate) max_token_len: usize,
    /// The claim carrying `base64url(SHA-256(body))`, when the body is bound.
    pub(crate) body_hash_claim: Option<&'p str>,
}

/// The expected audiences, borrowed or owned by a policy.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Audiences<'p> {
    Borrowed(&'p [&'p str]),
    Owned(&'p [ClaimString]),
}

impl Audiences<'_> {
    fn is_empty(&self) -> bool {
        match self {
            Self::Borrowed(names) => names.is_empty(),
            Self::Owned(names) => names.is_empty(),
        }
    }

    fn contains(&self, name: &str) -> bool {
        match self {
            Self::Borrowed(names) => names.contains(&name),
            Self::Owned(names) => names.iter().any(|n| n.as_str() == name),
        }
    }
}

/// A token whose signature and claims verified, and the body hash it binds, if any.
pub(crate) struct Checked<'t> {
    pub(crate) token: VerifiedJwt<'t>,
    /// The body's SHA-256 the token carries, when the rules bind the body.
    pub(crate) body_hash: Option<[u8; 32]>,
}

/// Checks everything about `token` that does not need the body: size, structure, strict
/// base64url, header, key, signature, claims. `buf` receives the decoded claims while they are
/// checked; a buffer as long as the token always suffices.
pub(crate) fn check<'t, const N: usize>(
    keys: &KeySet<N>,
    rules: &Rules<'_>,
    token: &'t [u8],
    now: UnixTime,
    buf: &mut [u8],
) -> Result<Checked<'t>, Error> {
    if token.len() > rules.max_token_len {
        return Err(Error::InvalidToken(TokenFault::TooLong {
            max: rules.max_token_len,
        }));
    }
    let Segments {
        signing_input,
        header: header_b64,
        payload: payload_b64,
        signature: signature_b64,
    } = split(token)?;

    let mut header_buf = [0u8; MAX_HEADER_LEN];
    let header_json = b64url::decode(header_b64, &mut header_buf).map_err(|too_large| {
        Error::InvalidToken(if too_large {
            TokenFault::TooLarge
        } else {
            TokenFault::Base64
        })
    })?;
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
    keys.verify_signature(header.kid.as_deref(), header.alg, signing_input, signature)?;

    let claims = check_claims(rules, payload, now)?;
    let body_hash = match rules.body_hash_claim {
        Some(_) => Some(
            claims
                .body_hash
                .ok_or(Error::MissingClaim { claim: BODY_HASH })?,
        ),
        None => None,
    };
    Ok(Checked {
        token: VerifiedJwt {
            payload: payload_b64,
            alg: header.alg,
            kid: header.kid,
            exp: claims.exp,
            iat: claims.iat,
            jti: claims.jti,
            body_authenticated: body_hash.is_some(),
        },
        body_hash,
    })
}

/// The SHA-256 of a body, for the body-hash claim.
pub(crate) fn body_digest(body: &[u8]) -> [u8; 32] {
    Sha256::digest(body).into()
}

fn check_claims(rules: &Rules<'_>, payload: &[u8], now: UnixTime) -> Result<Registered, Error> {
    let claims = claims::read(payload, rules.body_hash_claim, |aud| {
        rules.audiences.contains(aud)
    })?;
    let now = now.as_secs();
    let leeway = rules.leeway;
    // RFC 7519 section 4.1.4: the token must not be accepted on or after `exp`.
    match claims.exp {
        Some(exp) if now >= exp.saturating_add(leeway) => {
            return Err(Error::Expired { claim: "exp" });
        }
        None if rules.require_exp => return Err(Error::MissingClaim { claim: "exp" }),
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
    if let Some(max_age) = rules.max_age {
        let iat = claims.iat.ok_or(Error::MissingClaim { claim: "iat" })?;
        if now > iat.saturating_add(max_age).saturating_add(leeway) {
            return Err(Error::Expired { claim: "iat" });
        }
    }
    if let Some(issuer) = rules.issuer {
        match &claims.iss {
            Some(iss) if iss.as_str() == issuer => {}
            Some(_) => return Err(Error::WrongIssuer),
            None => return Err(Error::MissingClaim { claim: "iss" }),
        }
    }
    match claims.aud {
        None if rules.audiences.is_empty() => {}
        None => return Err(Error::MissingClaim { claim: "aud" }),
        Some(false) => return Err(Error::WrongAudience),
        Some(true) => {}
    }
    Ok(claims)
}

/// A verified JWT: the header facts, the registered claims that were checked, and the claims
/// themselves (still base64url in the token, decoded on request into the caller's buffer).
#[derive(Clone, Debug)]
pub struct VerifiedJwt<'t> {
    payload: &'t [u8],
    alg: Algorithm,
    kid: Option<Kid>,
    exp: Option<u64>,
    iat: Option<u64>,
    jti: Option<ClaimString>,
    body_authenticated: bool,
}

impl VerifiedJwt<'_> {
    /// The length of the decoded claims JSON in bytes.
    #[must_use]
    pub const fn claims_len(&self) -> usize {
        b64url::decoded_len(self.payload.len())
    }

    /// The claims JSON, exactly as signed, decoded into `buf`.
    ///
    /// # Errors
    ///
    /// [`Error::BufferTooSmall`] when `buf` is shorter than [`claims_len`](Self::claims_len).
    pub fn claims_json<'s>(&self, buf: &'s mut [u8]) -> Result<&'s [u8], Error> {
        b64url::decode(self.payload, buf).map_err(|too_large| {
            if too_large {
                Error::BufferTooSmall {
                    needed: self.claims_len(),
                }
            } else {
                // The payload was decoded once already, when the token verified.
                Error::InvalidToken(TokenFault::Base64)
            }
        })
    }

    /// Deserializes the claims into the caller's type with `serde-json-core`, without
    /// allocation. `scratch` receives the claims with every unnecessary escape decoded
    /// (`\u00e9`, surrogate pairs such as `\ud83d\ude00`, `\/`), then room to unescape the
    /// strings that keep escapes (`\"`, `\\`, control characters); borrowed `&str` fields of
    /// `T` borrow from it, and can hold every string except those. A scratch buffer twice
    /// [`claims_len`](Self::claims_len) always suffices, so every token that verified can be
    /// read. The claims were validated as JSON nested at most
    /// [`MAX_JSON_DEPTH`](crate::MAX_JSON_DEPTH) deep, so `serde-json-core`'s recursion is
    /// bounded.
    ///
    /// ```
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
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::BufferTooSmall`] when `scratch` is too short (the error gives a length that
    /// suffices); [`Error::InvalidClaim`] (claim `*`) when the claims do not fit `T`.
    pub fn claims<'s, T: de::Deserialize<'s>>(&self, scratch: &'s mut [u8]) -> Result<T, Error> {
        let len = self
            .claims_json(scratch)
            .map_err(|_| Error::BufferTooSmall {
                needed: self.claims_len().saturating_mul(2),
            })?
            .len();
        let sizes = canonical::rewrite_in_place(scratch.get_mut(..len).unwrap_or_default())
            .map_err(Error::from)?;
        let needed = sizes.len.saturating_add(sizes.longest_escaped).max(len);
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

    /// The `jti` claim, if present: the token's own id, authenticated by its signature, which
    /// is what to deduplicate on (never the token's bytes: see the README).
    #[must_use]
    pub fn jti(&self) -> Option<&str> {
        self.jti.as_deref()
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

    /// Whether the token bound the body (a body-hash claim that matched): when `false`, the
    /// token authenticates its claims only, and the body is not authenticated.
    #[must_use]
    pub const fn body_authenticated(&self) -> bool {
        self.body_authenticated
    }
}

/// The parts of a compact JWS.
struct Segments<'t> {
    /// `header.payload`, the bytes the signature covers.
    signing_input: &'t [u8],
    header: &'t [u8],
    payload: &'t [u8],
    signature: &'t [u8],
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
        .filter(|alg| alg.enabled())
        .ok_or(Error::UnsupportedAlgorithm)?;
    Ok(Header { alg, kid })
}

/// The longest header member name checked for duplicates (longer than every name read).
const HEADER_NAME_LEN: usize = 32;

/// Header members refused outright: `crit` (RFC 7515 section 4.1.11: extensions this crate
/// cannot honour), `jku`, `x5u`, `x5c`, `jwk` (keys from the token itself or fetched from a
/// URL it names, sections 4.1.2 to 4.1.6), `b64` (RFC 7797: unencoded payloads).
const FORBIDDEN: [&str; 6] = ["crit", "jku", "x5u", "x5c", "jwk", "b64"];
