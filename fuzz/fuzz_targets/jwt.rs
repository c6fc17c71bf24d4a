//! `JwtVerifier::verify` against a fixed key set (one EC P-256 key from a fixed scalar, one
//! RSA-2048 key from the interop vectors), on arbitrary token bytes and on tokens built here
//! from fuzzed header and claims JSON and signed with the fixed EC key. The first byte picks
//! the mode and the policy. Never a panic; and whatever is accepted must satisfy the policy
//! when read back with `serde_json` (alg and kid, forbidden members, exp/nbf/iat, iss, aud).
#![no_main]

use std::sync::LazyLock;

use base64ct::{Base64UrlUnpadded, Encoding as _};
use hookverify::{JwtVerifier, KeySet, UnixTime};
use hookverify_fuzz::{EC_TEST_KEY, b64url, ec_jwk, interop_rsa, jwks};
use libfuzzer_sys::fuzz_target;
use p256::ecdsa::signature::Signer as _;
use serde_json::Value;

const NOW: u64 = 1_800_000_000;
const ISSUER: &str = "https://iss.example";
const AUDIENCES: &[&str] = &["aud-1", "https://hooks.example/wh"];

static KEYS: LazyLock<KeySet<4>> = LazyLock::new(|| {
    let (rsa, _) = interop_rsa("set-rsa2048");
    let set = KeySet::from_json(jwks(&[ec_jwk(EC_TEST_KEY.verifying_key(), "ec"), rsa]).as_bytes());
    let set = set.unwrap();
    assert_eq!(set.len(), 2);
    set
});

/// A claims type for `VerifiedJwt::claims` (serde-json-core), to exercise it on accepted claims.
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Claims {
    iss: Option<heapless::String<64>>,
    sub: Option<heapless::String<64>>,
    exp: Option<u64>,
    iat: Option<u64>,
    jti: Option<heapless::String<64>>,
}

/// A member as written (`null` included), or absent.
#[derive(Default)]
struct Member(Option<Value>);

impl<'de> serde::Deserialize<'de> for Member {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Value::deserialize(d).map(|v| Member(Some(v)))
    }
}

/// The header members the policy looks at. Other members are skipped unparsed, as hookverify
/// skips them: a value RFC 8259 allows but `serde_json::Value` cannot hold (`1e999`: "number
/// out of range") is no disagreement.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Header {
    alg: Member,
    kid: Member,
    crit: Member,
    jku: Member,
    x5u: Member,
    x5c: Member,
    jwk: Member,
    b64: Member,
}

/// The registered claims hookverify checks.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Registered {
    exp: Member,
    nbf: Member,
    iat: Member,
    iss: Member,
    aud: Member,
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut verifier = JwtVerifier::new(&KEYS);
    if mode & 2 != 0 {
        verifier = verifier.with_issuer(ISSUER);
    }
    if mode & 4 != 0 {
        verifier = verifier.with_audiences(AUDIENCES);
    }
    if mode & 8 != 0 {
        verifier = verifier.with_max_age(600);
    }
    if mode & 16 != 0 {
        verifier = verifier.require_exp(false);
    }
    let token = if mode & 1 == 0 {
        rest.to_vec()
    } else {
        // header 0xff claims: base64url both, sign with the EC key.
        let (header, claims) = match rest.iter().position(|&b| b == 0xff) {
            Some(at) => (&rest[..at], &rest[at + 1..]),
            None => (&br#"{"alg":"ES256","kid":"ec"}"#[..], rest),
        };
        let input = format!("{}.{}", b64url(header), b64url(claims));
        let signature: p256::ecdsa::Signature = EC_TEST_KEY.sign(input.as_bytes());
        format!("{input}.{}", b64url(&signature.to_bytes())).into_bytes()
    };
    let mut buf = [0u8; 8192];
    let Ok(verified) = verifier.verify(&token, b"", UnixTime::from_secs(NOW), &mut buf) else {
        return;
    };

    // Read the accepted token back independently.
    let parts: Vec<&[u8]> = token.split(|&b| b == b'.').collect();
    assert_eq!(parts.len(), 3);
    let decode = |p: &[u8]| Base64UrlUnpadded::decode_vec(std::str::from_utf8(p).unwrap()).unwrap();
    let header: Header = serde_json::from_slice(&decode(parts[0])).expect("header is JSON");
    let payload = decode(parts[1]);
    assert_eq!(
        verified.claims_json(&mut [0u8; 8192]).expect("claims fit"),
        payload.as_slice()
    );
    let claims: Registered = serde_json::from_slice(&payload).expect("claims are JSON");

    let alg = verified.algorithm().as_str();
    assert_eq!(header.alg.0.as_ref().and_then(Value::as_str), Some(alg));
    assert_eq!(
        header.kid.0.as_ref().and_then(Value::as_str),
        verified.kid()
    );
    for (name, member) in [
        ("crit", &header.crit),
        ("jku", &header.jku),
        ("x5u", &header.x5u),
        ("x5c", &header.x5c),
        ("jwk", &header.jwk),
        ("b64", &header.b64),
    ] {
        assert!(member.0.is_none(), "forbidden {name} accepted");
    }
    let time = |m: &Member| m.0.as_ref().map(|v| v.as_u64().expect("integer claim"));
    match time(&claims.exp) {
        Some(exp) => assert!(NOW < exp.saturating_add(60), "expired token accepted"),
        None => assert!(mode & 16 != 0, "token without exp accepted"),
    }
    for (name, member) in [("nbf", &claims.nbf), ("iat", &claims.iat)] {
        if let Some(t) = time(member) {
            assert!(t <= NOW + 60, "{name} in the future accepted");
        }
    }
    if mode & 8 != 0 {
        assert!(NOW <= time(&claims.iat).expect("iat required by max age") + 660);
    }
    if mode & 2 != 0 {
        assert_eq!(claims.iss.0.as_ref().and_then(Value::as_str), Some(ISSUER));
    }
    match &claims.aud.0 {
        None => assert!(mode & 4 == 0, "missing aud accepted"),
        Some(aud) => {
            assert!(mode & 4 != 0, "aud accepted without expected audiences");
            let all: Vec<&str> = match aud {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a.iter().map(|v| v.as_str().expect("string aud")).collect(),
                other => panic!("aud {other:?} accepted"),
            };
            assert!(
                all.iter().any(|a| AUDIENCES.contains(a)),
                "wrong audience accepted"
            );
        }
    }
    // Every token that verified can be read: a scratch of twice the claims always suffices.
    let mut scratch = vec![0u8; 2 * verified.claims_len()];
    if let Err(e) = verified.claims::<Claims>(&mut scratch) {
        assert_eq!(e.code(), "invalid-claim", "{e}");
    }
    let _ = (
        verified.expires_at(),
        verified.issued_at(),
        format!("{verified:?}"),
    );
});
