//! JWT claims (RFC 7519 section 4.1): the registered claims this crate checks, read with
//! their exact JSON types. A claim of the wrong type (a string `exp`, a `null` `nbf`, a
//! number `iss`...) is an error, never taken as absent (the CVE-2026-25537 class).

use crate::error::{Error, TokenFault};
use crate::json::{JsonError, Kind, Reader};

/// The longest `iss` or `aud` string compared, in bytes; a longer one is an invalid claim.
pub const MAX_CLAIM_STRING_LEN: usize = 256;

/// The most `aud` entries read from an array; more is an invalid claim.
pub const MAX_AUDIENCES: usize = 8;

/// How errors name the body-hash claim, whose actual name the caller chooses.
pub(crate) const BODY_HASH: &str = "body-hash";

pub(crate) type ClaimString = heapless::String<MAX_CLAIM_STRING_LEN>;

/// The registered claims, as read from the payload.
#[derive(Debug, Default)]
pub(crate) struct Registered {
    pub(crate) exp: Option<u64>,
    pub(crate) nbf: Option<u64>,
    pub(crate) iat: Option<u64>,
    pub(crate) iss: Option<ClaimString>,
    /// `aud` was present, and whether one of its entries is an expected audience: matched
    /// while reading, so the entries are never held together.
    pub(crate) aud: Option<bool>,
    /// `jti` (RFC 7519 section 4.1.7): the token's own id, what a receiver deduplicates on.
    pub(crate) jti: Option<ClaimString>,
    /// The body-hash claim, when the policy names one: 32 decoded bytes.
    pub(crate) body_hash: Option<[u8; 32]>,
}

/// Reads the claims object; `body_claim` names the body-hash claim, if any, and `expected`
/// says whether an `aud` entry is an audience the caller accepts. A registered claim that
/// appears twice is refused (RFC 7519 section 4 allows either refusing or taking the last;
/// refusing leaves no room for two parsers to disagree).
pub(crate) fn read(
    json: &[u8],
    body_claim: Option<&str>,
    expected: impl Fn(&str) -> bool,
) -> Result<Registered, Error> {
    let mut claims = Registered::default();
    let mut r = Reader::new(json);
    r.object::<Error>(|r, name| {
        let Some(name) = name else {
            return r.skip().map_err(structural);
        };
        if body_claim == Some(name) {
            let hash = read_body_hash(r)?;
            return once(&mut claims.body_hash, hash, BODY_HASH);
        }
        match name {
            "exp" => once(&mut claims.exp, typed(r.read_u64(), "exp")?, "exp"),
            "nbf" => once(&mut claims.nbf, typed(r.read_u64(), "nbf")?, "nbf"),
            "iat" => once(&mut claims.iat, typed(r.read_u64(), "iat")?, "iat"),
            "iss" => once(&mut claims.iss, typed(r.read_string(), "iss")?, "iss"),
            "jti" => once(&mut claims.jti, typed(r.read_string(), "jti")?, "jti"),
            "aud" => {
                let aud = read_audience(r, &expected)?;
                once(&mut claims.aud, aud, "aud")
            }
            _ => r.skip().map_err(structural),
        }
    })?;
    r.end().map_err(structural)?;
    Ok(claims)
}

/// A type error in a claim is `invalid-claim`; broken JSON is `invalid-token`.
fn typed<T>(value: Result<T, JsonError>, claim: &'static str) -> Result<T, Error> {
    value.map_err(|e| match e {
        JsonError::Type | JsonError::TooLong | JsonError::Escaped => Error::InvalidClaim { claim },
        other => structural(other),
    })
}

fn structural(error: JsonError) -> Error {
    Error::InvalidToken(match error {
        JsonError::TooDeep => TokenFault::TooDeep,
        JsonError::Syntax | JsonError::Type | JsonError::TooLong | JsonError::Escaped => {
            TokenFault::Json
        }
    })
}

impl From<JsonError> for Error {
    fn from(error: JsonError) -> Self {
        structural(error)
    }
}

fn once<T>(slot: &mut Option<T>, value: T, claim: &'static str) -> Result<(), Error> {
    if slot.replace(value).is_some() {
        Err(Error::InvalidClaim { claim })
    } else {
        Ok(())
    }
}

/// `aud`: one string, or an array of at most [`MAX_AUDIENCES`] strings (RFC 7519 section
/// 4.1.3); whether one of them is `expected`.
fn read_audience(r: &mut Reader<'_>, expected: impl Fn(&str) -> bool) -> Result<bool, Error> {
    match r.kind()? {
        Kind::String => {
            let one: ClaimString = typed(r.read_string(), "aud")?;
            Ok(expected(&one))
        }
        Kind::Array => {
            let (mut count, mut matched) = (0usize, false);
            r.array::<Error>(|r| {
                let one: ClaimString = typed(r.read_string(), "aud")?;
                count = count.saturating_add(1);
                if count > MAX_AUDIENCES {
                    return Err(Error::InvalidClaim { claim: "aud" });
                }
                matched |= expected(&one);
                Ok(())
            })?;
            Ok(matched)
        }
        _ => Err(Error::InvalidClaim { claim: "aud" }),
    }
}

/// The body-hash claim: base64url (no padding) of a SHA-256 digest.
fn read_body_hash(r: &mut Reader<'_>) -> Result<[u8; 32], Error> {
    let text: heapless::String<64> = typed(r.read_string(), BODY_HASH)?;
    let mut hash = [0u8; 32];
    match super::b64url::decode(text.as_bytes(), &mut hash) {
        Ok(decoded) if decoded.len() == 32 => Ok(hash),
        _ => Err(Error::InvalidClaim { claim: BODY_HASH }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(json: &str) -> &'static str {
        match read(json.as_bytes(), Some("body_sha256"), |_| false) {
            Ok(_) => "ok",
            Err(e) => e.code(),
        }
    }

    /// `aud` is matched while it is read: any entry may be the expected one, every entry
    /// is still checked, and more than `MAX_AUDIENCES` entries are refused.
    #[test]
    fn audiences_are_matched_while_read() {
        let aud = |json: &str| {
            read(json.as_bytes(), None, |a| a == "me")
                .map(|c| c.aud)
                .map_err(|e| e.code())
        };
        assert_eq!(aud(r#"{"aud":"me"}"#), Ok(Some(true)));
        assert_eq!(aud(r#"{"aud":"you"}"#), Ok(Some(false)));
        assert_eq!(aud(r#"{}"#), Ok(None));
        assert_eq!(
            aud(r#"{"aud":["a","b","c","d","e","f","g","me"]}"#),
            Ok(Some(true))
        );
        assert_eq!(
            aud(r#"{"aud":["a","b","c","d","e","f","g","h"]}"#),
            Ok(Some(false))
        );
        assert_eq!(
            aud(r#"{"aud":["me","b","c","d","e","f","g","h","i"]}"#),
            Err("invalid-claim")
        );
        assert_eq!(aud(r#"{"aud":["me",1]}"#), Err("invalid-claim"));
        assert_eq!(aud(r#"{"aud":"me","aud":"me"}"#), Err("invalid-claim"));
        assert_eq!(aud(r#"{"aud":{"me":1}}"#), Err("invalid-claim"));
    }

    #[test]
    fn wrong_types_are_invalid_claims_never_absent() {
        assert_eq!(
            code(r#"{"exp":1,"nbf":2,"iat":3,"iss":"a","aud":["b","c"]}"#),
            "ok"
        );
        for bad in [
            r#"{"exp":"1"}"#,
            r#"{"exp":null}"#,
            r#"{"exp":1.5}"#,
            r#"{"exp":1e9}"#,
            r#"{"exp":-1}"#,
            r#"{"nbf":true}"#,
            r#"{"iat":[1]}"#,
            r#"{"iss":1}"#,
            r#"{"iss":null}"#,
            r#"{"jti":7}"#,
            r#"{"aud":1}"#,
            r#"{"aud":[1]}"#,
            r#"{"aud":{"a":1}}"#,
            r#"{"exp":1,"exp":1}"#,
            r#"{"body_sha256":"abc"}"#,
            r#"{"body_sha256":1}"#,
        ] {
            assert_eq!(code(bad), "invalid-claim", "{bad}");
        }
    }

    #[test]
    fn escaped_names_are_unescaped() {
        // "\u0065xp" is "exp": a second `exp` written with an escape is still a duplicate.
        assert_eq!(code(r#"{"exp":1,"\u0065xp":2}"#), "invalid-claim");
        let claims = read(br#"{"\u0069ss":"a\/b"}"#, None, |_| false).unwrap();
        assert_eq!(claims.iss.unwrap().as_str(), "a/b");
    }

    /// A body-hash claim name longer than 32 bytes is found (it once never matched: the reader
    /// compared at most 32 bytes of a member name), up to the claim-name cap.
    #[test]
    fn long_body_hash_claim_names_are_found() {
        extern crate alloc;
        use alloc::format;
        let hash = "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"; // SHA-256 of the empty body
        for len in [33, 100, crate::json::MAX_CLAIM_NAME_LEN] {
            let name = "h".repeat(len);
            let json = format!(r#"{{"{name}":"{hash}"}}"#);
            let claims = read(json.as_bytes(), Some(&name), |_| false).unwrap();
            assert!(claims.body_hash.is_some(), "{len}");
        }
    }

    #[test]
    fn malformed_json_is_an_invalid_token() {
        for bad in [
            r#"{"exp":1"#,
            r#"{"exp":01}"#,
            r#"[1]"#,
            r#"{"x":tru}"#,
            r#"{} x"#,
        ] {
            assert_eq!(code(bad), "invalid-token", "{bad}");
        }
    }
}
