//! One named test per known JWT attack class, each citing its CVE or RFC section. Tokens are
//! minted here with `p256`'s deterministic (RFC 6979) signer, so every test that needs a valid
//! signature has one and isolates the rule under test.

#![cfg(all(feature = "es256", feature = "rs256"))]
// Test code: the panic-freedom, arithmetic and no_std lints guard `src/` only.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use base64ct::{Base64UrlUnpadded, Encoding};
use hmac::{Hmac, KeyInit, Mac};
use hookverify::{Error, JwtVerifier, KeyFault, KeySet, TokenFault, UnixTime};
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use sha2::Sha256;

const NOW: u64 = 1_800_000_000;
const CLAIMS: &str =
    r#"{"iss":"https://generativelanguage.googleapis.com","exp":1800000600,"iat":1800000000}"#;

fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

fn signing_key(seed: u8) -> SigningKey {
    SigningKey::from_slice(&[seed; 32]).unwrap()
}

/// The public JWK of `key`, with `kid`.
fn jwk(key: &SigningKey, kid: &str) -> String {
    let point = key.verifying_key().to_sec1_point(false);
    let bytes = point.as_bytes();
    format!(
        r#"{{"kty":"EC","crv":"P-256","kid":"{kid}","x":"{}","y":"{}"}}"#,
        b64(&bytes[1..33]),
        b64(&bytes[33..65])
    )
}

fn jwks(keys: &[String]) -> KeySet {
    KeySet::from_json(format!(r#"{{"keys":[{}]}}"#, keys.join(",")).as_bytes()).unwrap()
}

/// A compact JWS over the given header and claims JSON, signed ES256 by `key`.
fn mint(header: &str, claims: &str, key: &SigningKey) -> String {
    let input = format!("{}.{}", b64(header.as_bytes()), b64(claims.as_bytes()));
    let signature: Signature = key.sign(input.as_bytes());
    format!("{input}.{}", b64(&signature.to_bytes()))
}

fn verify(set: &KeySet, token: &str) -> Result<(), Error> {
    let mut buf = [0u8; 4096];
    JwtVerifier::new(set)
        .verify(token.as_bytes(), b"", UnixTime::from_secs(NOW), &mut buf)
        .map(|_| ())
}

fn setup() -> (SigningKey, KeySet) {
    let key = signing_key(7);
    let set = jwks(&[jwk(&key, "k1")]);
    (key, set)
}

#[test]
fn control_a_well_formed_token_verifies() {
    let (key, set) = setup();
    assert_eq!(
        verify(&set, &mint(r#"{"alg":"ES256","kid":"k1"}"#, CLAIMS, &key)),
        Ok(())
    );
}

/// RFC 8725 section 2.1 / 3.1; CVE-2015-9235 (node-jsonwebtoken), CVE-2015-2951: `alg: none`
/// with an empty signature must never verify.
#[test]
fn alg_none_is_refused() {
    let (_, set) = setup();
    for alg in ["none", "None", "NONE"] {
        let header = format!(r#"{{"alg":"{alg}","kid":"k1"}}"#);
        let token = format!("{}.{}.", b64(header.as_bytes()), b64(CLAIMS.as_bytes()));
        assert_eq!(
            verify(&set, &token),
            Err(Error::UnsupportedAlgorithm),
            "{alg}"
        );
    }
}

/// RFC 8725 section 2.1 (algorithm confusion); CVE-2016-10555, CVE-2016-5431: HS256 keyed
/// with the public key's bytes must not verify against a public key.
#[test]
fn hmac_with_public_key_as_secret_is_refused() {
    let (key, set) = setup();
    let header = r#"{"alg":"HS256","kid":"k1"}"#;
    let input = format!("{}.{}", b64(header.as_bytes()), b64(CLAIMS.as_bytes()));
    let public = key.verifying_key().to_sec1_point(false);
    let mut mac = Hmac::<Sha256>::new_from_slice(public.as_bytes()).unwrap();
    mac.update(input.as_bytes());
    let token = format!("{input}.{}", b64(&mac.finalize().into_bytes()));
    assert_eq!(verify(&set, &token), Err(Error::UnsupportedAlgorithm));
}

/// RFC 8725 section 3.1: the algorithm must fit the key. An RS256 header naming an EC key is
/// refused before any signature math.
#[test]
fn algorithm_must_fit_the_key_type() {
    let (key, set) = setup();
    let token = mint(r#"{"alg":"RS256","kid":"k1"}"#, CLAIMS, &key);
    assert_eq!(verify(&set, &token), Err(Error::UnsupportedAlgorithm));
    for alg in ["ES384", "ES512", "PS256", "EdDSA", "es256", "ES256 "] {
        let token = mint(&format!(r#"{{"alg":"{alg}","kid":"k1"}}"#), CLAIMS, &key);
        assert_eq!(
            verify(&set, &token),
            Err(Error::UnsupportedAlgorithm),
            "{alg}"
        );
    }
}

/// CVE-2022-21449 ("psychic signatures"): r = s = 0, and r or s not below the group order n,
/// must never verify (RFC 7518 section 3.4, FIPS 186-4 section 6.4.2 step 1).
#[test]
fn psychic_signatures_are_refused() {
    let (_, set) = setup();
    let header = r#"{"alg":"ES256","kid":"k1"}"#;
    let input = format!("{}.{}", b64(header.as_bytes()), b64(CLAIMS.as_bytes()));
    // n, the order of the P-256 group.
    let n = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
    let zero = [0u8; 32];
    let one = {
        let mut one = [0u8; 32];
        one[31] = 1;
        one
    };
    let pairs: [(&[u8], &[u8]); 5] = [
        (&zero, &zero),
        (&zero, &one),
        (&one, &zero),
        (&n, &one),
        (&one, &n),
    ];
    for (r, s) in pairs {
        let signature = [r, s].concat();
        let token = format!("{input}.{}", b64(&signature));
        assert_eq!(verify(&set, &token), Err(Error::InvalidSignature));
    }
}

/// RFC 7518 section 3.4: ES256 signatures are the 64-byte `r || s`; a DER encoding of a
/// valid signature (what some libraries emit, and ASN.1 parsers mis-handle) is refused.
#[test]
fn der_encoded_ecdsa_signature_is_refused() {
    let (key, set) = setup();
    let header = r#"{"alg":"ES256","kid":"k1"}"#;
    let input = format!("{}.{}", b64(header.as_bytes()), b64(CLAIMS.as_bytes()));
    let signature: Signature = key.sign(input.as_bytes());
    let bytes = signature.to_bytes();
    let int = |v: &[u8]| {
        let mut out = vec![0x02];
        let v = if v[0] & 0x80 != 0 {
            [&[0u8][..], v].concat()
        } else {
            v.to_vec()
        };
        out.push(v.len() as u8);
        out.extend(v);
        out
    };
    let body = [int(&bytes[..32]), int(&bytes[32..])].concat();
    let der = [vec![0x30, body.len() as u8], body].concat();
    let token = format!("{input}.{}", b64(&der));
    assert_eq!(verify(&set, &token), Err(Error::InvalidSignature));
}

/// RFC 7515 sections 4.1.2-4.1.6 (`jku`, `jwk`, `x5u`, `x5c`; CVE-2018-0114 for embedded
/// `jwk`), 4.1.11 (`crit`) and RFC 7797 (`b64`): refused even with a valid signature.
#[test]
fn key_injection_and_critical_headers_are_refused() {
    let (key, set) = setup();
    let cases = [
        ("jku", r#""https://attacker.example/jwks.json""#),
        ("x5u", r#""https://attacker.example/cert.pem""#),
        ("x5c", r#"["MIIB"]"#),
        ("jwk", &jwk(&key, "k1")),
        ("crit", r#"["exp"]"#),
        ("b64", "false"),
    ];
    for (name, value) in cases {
        let header = format!(r#"{{"alg":"ES256","kid":"k1","{name}":{value}}}"#);
        let token = mint(&header, CLAIMS, &key);
        assert_eq!(
            verify(&set, &token),
            Err(Error::ForbiddenHeader { name }),
            "{name}"
        );
    }
}

/// The embedded-key attack in full (CVE-2018-0114): the attacker signs with their own key and
/// embeds it; the verifier must not use it, and refuses the header outright.
#[test]
fn embedded_attacker_key_is_never_used() {
    let (_, set) = setup();
    let attacker = signing_key(9);
    let header = format!(
        r#"{{"alg":"ES256","kid":"k1","jwk":{}}}"#,
        jwk(&attacker, "k1")
    );
    let token = mint(&header, CLAIMS, &attacker);
    assert_eq!(
        verify(&set, &token),
        Err(Error::ForbiddenHeader { name: "jwk" })
    );
}

/// RFC 7515 section 4 / RFC 7159 section 4: duplicate member names are refused, including a
/// duplicate spelled with an escape, so no parser reads a different `alg` than this one.
#[test]
fn duplicate_and_escaped_header_members() {
    let (key, set) = setup();
    let dup = mint(r#"{"alg":"ES256","kid":"k1","alg":"none"}"#, CLAIMS, &key);
    assert_eq!(
        verify(&set, &dup),
        Err(Error::InvalidToken(TokenFault::Json))
    );
    let escaped_dup = mint(
        r#"{"alg":"ES256","kid":"k1","\u0061lg":"none"}"#,
        CLAIMS,
        &key,
    );
    assert_eq!(
        verify(&set, &escaped_dup),
        Err(Error::InvalidToken(TokenFault::Json))
    );
    // Escapes are decoded before comparison: an escaped `kid` and `alg` mean what they say.
    let escaped = mint(r#"{"\u0061lg":"E\u0053256","kid":"\u006b1"}"#, CLAIMS, &key);
    assert_eq!(verify(&set, &escaped), Ok(()));
    // ...and an escaped name for a forbidden member is still that member.
    let hidden = mint(
        r#"{"alg":"ES256","kid":"k1","\u006au":"x","j\u006bu":"https://a"}"#,
        CLAIMS,
        &key,
    );
    assert_eq!(
        verify(&set, &hidden),
        Err(Error::ForbiddenHeader { name: "jku" })
    );
}

/// CVE-2026-25537 class: a claim of the wrong JSON type must be an error, never "absent".
#[test]
fn wrong_claim_types_are_errors_not_absent() {
    let (key, set) = setup();
    for (claims, claim) in [
        (r#"{"exp":"1800000600"}"#, "exp"),
        (r#"{"exp":null}"#, "exp"),
        (r#"{"exp":1800000600.5}"#, "exp"),
        (r#"{"exp":1800000600,"nbf":"1900000000"}"#, "nbf"),
        (r#"{"exp":1800000600,"iat":[1]}"#, "iat"),
    ] {
        let token = mint(r#"{"alg":"ES256","kid":"k1"}"#, claims, &key);
        assert_eq!(
            verify(&set, &token),
            Err(Error::InvalidClaim { claim }),
            "{claims}"
        );
    }
}

/// RFC 7519 sections 4.1.4, 4.1.5, 4.1.6: `exp` (required), `nbf`, `iat` with leeway.
#[test]
fn time_claims() {
    let (key, set) = setup();
    let header = r#"{"alg":"ES256","kid":"k1"}"#;
    let no_exp = mint(header, r#"{"iat":1800000000}"#, &key);
    assert_eq!(
        verify(&set, &no_exp),
        Err(Error::MissingClaim { claim: "exp" })
    );
    let expired = mint(header, r#"{"exp":1799999940}"#, &key); // exp + 60 == now
    assert_eq!(verify(&set, &expired), Err(Error::Expired { claim: "exp" }));
    let edge = mint(header, r#"{"exp":1799999941}"#, &key);
    assert_eq!(verify(&set, &edge), Ok(()));
    let early = mint(header, r#"{"exp":1800000600,"nbf":1800000061}"#, &key);
    assert_eq!(
        verify(&set, &early),
        Err(Error::NotYetValid { claim: "nbf" })
    );
    let future_iat = mint(header, r#"{"exp":1800000600,"iat":1800000061}"#, &key);
    assert_eq!(
        verify(&set, &future_iat),
        Err(Error::NotYetValid { claim: "iat" })
    );
}

/// RFC 7519 section 4.1.3: a token with `aud` is refused by a recipient that does not find
/// itself in it (including one that expects no audience at all).
#[test]
fn audience_must_name_the_recipient() {
    let (key, set) = setup();
    let token = mint(
        r#"{"alg":"ES256","kid":"k1"}"#,
        r#"{"exp":1800000600,"aud":["https://a.example/hook","other"]}"#,
        &key,
    );
    let mut buf = [0u8; 1024];
    let now = UnixTime::from_secs(NOW);
    let v = JwtVerifier::new(&set);
    assert_eq!(
        v.verify(token.as_bytes(), b"", now, &mut buf).unwrap_err(),
        Error::WrongAudience
    );
    let ok = v.with_audiences(&["https://a.example/hook"]);
    assert!(ok.verify(token.as_bytes(), b"", now, &mut buf).is_ok());
    let wrong = v.with_audiences(&["https://a.example/hook/"]);
    assert_eq!(
        wrong
            .verify(token.as_bytes(), b"", now, &mut buf)
            .unwrap_err(),
        Error::WrongAudience
    );
    let issuer = v
        .with_audiences(&["other"])
        .with_issuer("https://b.example");
    assert_eq!(
        issuer
            .verify(token.as_bytes(), b"", now, &mut buf)
            .unwrap_err(),
        Error::MissingClaim { claim: "iss" }
    );
}

/// RFC 7515 section 2 and 7.1: strict base64url; padding, the standard alphabet, whitespace
/// and non-canonical trailing bits are refused.
#[test]
fn non_strict_base64url_is_refused() {
    let (key, set) = setup();
    let token = mint(r#"{"alg":"ES256","kid":"k1"}"#, CLAIMS, &key);
    let (head, sig) = token.rsplit_once('.').unwrap();
    let mut last = sig.to_string();
    // 64 bytes encode to 86 characters with 4 unused bits in the last one: setting one of
    // them gives a different string for the same bytes under a lenient decoder.
    let c = last.pop().unwrap();
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let v = alphabet.find(c).unwrap();
    last.push(alphabet.as_bytes()[v | 1] as char);
    for bad in [
        format!("{token}=="),
        format!("{head}.{last}"),
        token.replacen('-', "+", 1).replacen('_', "/", 1),
        format!(" {token}"),
    ] {
        if bad == token {
            continue;
        }
        assert!(
            matches!(verify(&set, &bad), Err(Error::InvalidToken(_))),
            "{bad}: {:?}",
            verify(&set, &bad)
        );
    }
}

/// Resource exhaustion: oversized tokens and deeply nested JSON fail fast, without recursion.
#[test]
fn oversized_and_deeply_nested_input_is_refused() {
    let (key, set) = setup();
    let huge = "a".repeat(9000);
    assert_eq!(
        verify(&set, &huge),
        Err(Error::InvalidToken(TokenFault::TooLong { max: 8192 }))
    );
    let deep_claims = format!(
        r#"{{"exp":1800000600,"x":{}{}}}"#,
        "[".repeat(100),
        "]".repeat(100)
    );
    let token = mint(r#"{"alg":"ES256","kid":"k1"}"#, &deep_claims, &key);
    assert_eq!(
        verify(&set, &token),
        Err(Error::InvalidToken(TokenFault::TooDeep))
    );
    // Deep nesting within the size cap is refused for its depth; beyond the cap, for its size,
    // before any parsing.
    let deep_jwks = format!(
        r#"{{"x":{}{},"keys":[]}}"#,
        "[".repeat(30_000),
        "]".repeat(30_000)
    );
    assert_eq!(
        KeySet::<8>::from_json(deep_jwks.as_bytes()).unwrap_err(),
        Error::InvalidJwks(hookverify::JwksFault::TooDeep)
    );
    let huge_jwks = format!(r#"{{"x":{},"keys":[]}}"#, "[".repeat(100_000));
    assert_eq!(
        KeySet::<8>::from_json(huge_jwks.as_bytes()).unwrap_err(),
        Error::InvalidJwks(hookverify::JwksFault::TooLarge {
            max: hookverify::MAX_JWKS_LEN
        })
    );
}

/// `kid` selects the key; a missing `kid` is only accepted when the set holds one key.
#[test]
fn key_selection() {
    let key = signing_key(7);
    let other = signing_key(8);
    let set = jwks(&[jwk(&key, "k1"), jwk(&other, "k2")]);
    let unknown = mint(r#"{"alg":"ES256","kid":"k3"}"#, CLAIMS, &key);
    assert_eq!(verify(&set, &unknown), Err(Error::UnknownKey));
    let no_kid = mint(r#"{"alg":"ES256"}"#, CLAIMS, &key);
    assert_eq!(verify(&set, &no_kid), Err(Error::UnknownKey));
    let wrong_key = mint(r#"{"alg":"ES256","kid":"k2"}"#, CLAIMS, &key);
    assert_eq!(verify(&set, &wrong_key), Err(Error::InvalidSignature));
    let single = jwks(&[jwk(&key, "k1")]);
    assert_eq!(verify(&single, &no_kid), Ok(()));
}

/// Key policy (RFC 7517 section 4, RFC 8725 section 3.5): private keys, wrong `use` or
/// `key_ops`, mismatched `alg`, off-curve points (invalid-curve attacks), small RSA moduli
/// and exponents other than 65537 (the e = 3 Bleichenbacher-2006 forgery, CVE-2006-4339)
/// are refused and reported, never used; duplicate `kid`s make the set invalid.
#[test]
fn key_policy() {
    let key = signing_key(7);
    let good = jwk(&key, "k1");
    let with = |extra: &str| good.replacen('{', &format!("{{{extra},"), 1);
    let n2048 = b64(&{
        let mut n = vec![0xffu8; 256];
        n[255] = 0xf1;
        n
    });
    let cases = [
        (with(r#""d":"AAAA""#), KeyFault::PrivateKey),
        (with(r#""use":"enc""#), KeyFault::NotForSignatures),
        (with(r#""key_ops":["sign"]"#), KeyFault::NoVerifyOperation),
        (with(r#""alg":"RS256""#), KeyFault::AlgorithmMismatch),
        (
            good.replacen(
                &good[good.find("\"y\":\"").unwrap() + 5..good.len() - 2],
                &b64(&[1u8; 32]),
                1,
            ),
            KeyFault::NotOnCurve,
        ),
        (
            format!(
                r#"{{"kty":"RSA","n":"{}","e":"AQAB"}}"#,
                b64(&[0xf1u8; 128])
            ),
            KeyFault::ModulusSize { bits: 1024 },
        ),
        (
            format!(r#"{{"kty":"RSA","n":"{n2048}","e":"Aw"}}"#),
            KeyFault::Exponent,
        ),
        (
            r#"{"kty":"oct","k":"AAAA"}"#.to_owned(),
            KeyFault::PrivateKey,
        ),
        (
            r#"{"kty":"OKP","crv":"Ed25519","x":"AAAA"}"#.to_owned(),
            KeyFault::Malformed,
        ),
        (
            r#"{"kty":"OKP","crv":"Ed448","x":"AAAA"}"#.to_owned(),
            KeyFault::UnsupportedType,
        ),
        (
            r#"{"kty":"OKP","crv":"X25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#
                .to_owned(),
            KeyFault::UnsupportedType,
        ),
        (
            r#"{"kty":"OKP","crv":"Ed25519","alg":"ES256","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#
                .to_owned(),
            KeyFault::AlgorithmMismatch,
        ),
        (
            with(r#""crv":"P-384""#).replacen(r#""crv":"P-256","#, "", 1),
            KeyFault::UnsupportedType,
        ),
    ];
    for (jwk, fault) in cases {
        let set = KeySet::<8>::from_json(format!(r#"{{"keys":[{jwk}]}}"#).as_bytes()).unwrap();
        assert!(set.is_empty(), "{jwk}");
        assert_eq!(set.refused()[0].fault(), fault, "{jwk}");
    }
    // Two usable keys under one kid: neither is used (the kid cannot say which signed), the
    // set stays valid and a third key with its own kid stays usable.
    let dup = format!(
        r#"{{"keys":[{good},{},{}]}}"#,
        jwk(&signing_key(8), "k1"),
        jwk(&signing_key(9), "k2")
    );
    let set = KeySet::<8>::from_json(dup.as_bytes()).unwrap();
    assert_eq!(set.kids().collect::<Vec<_>>(), [Some("k2")]);
    assert!(
        set.refused()
            .iter()
            .all(|r| r.fault() == KeyFault::DuplicateKid && r.kid() == Some("k1"))
    );
}

/// Without a body-hash claim a JWT authenticates its claims only; with one, the body is bound.
#[test]
fn body_hash_binds_the_body() {
    use sha2::Digest as _;
    let (key, set) = setup();
    let body = br#"{"type":"batch.succeeded"}"#;
    let claims = format!(
        r#"{{"exp":1800000600,"body_sha256":"{}"}}"#,
        b64(&Sha256::digest(body))
    );
    let token = mint(r#"{"alg":"ES256","kid":"k1"}"#, &claims, &key);
    let v = JwtVerifier::new(&set)
        .with_body_hash_claim("body_sha256")
        .unwrap();
    let mut buf = [0u8; 1024];
    let now = UnixTime::from_secs(NOW);
    assert!(v.verify(token.as_bytes(), body, now, &mut buf).is_ok());
    assert_eq!(
        v.verify(token.as_bytes(), b"{}", now, &mut buf)
            .unwrap_err(),
        Error::BodyMismatch
    );
    let unbound = mint(r#"{"alg":"ES256","kid":"k1"}"#, CLAIMS, &key);
    assert_eq!(
        v.verify(unbound.as_bytes(), body, now, &mut buf)
            .unwrap_err(),
        Error::MissingClaim { claim: "body-hash" }
    );
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// RFC 7518 section 3.4 does not ask for low-`s` signatures, and hookverify accepts `(r, s)`
/// and `(r, n - s)` alike, as JOSE libraries do: two different token strings carry the same
/// claims. So a token (or its signature) is not an identity; deduplication uses the signed
/// `jti` (or the authenticated `webhook-id` of a Standard Webhooks delivery), as the README
/// says. This test pins the behaviour the README documents.
#[test]
fn es256_signatures_are_malleable_so_tokens_are_not_identities() {
    let (key, set) = setup();
    let header = r#"{"alg":"ES256","kid":"k1"}"#;
    let claims = r#"{"exp":1800000600,"jti":"evt_1"}"#;
    let token = mint(header, claims, &key);
    let (input, sig) = token.rsplit_once('.').unwrap();
    let signature = Signature::from_slice(&Base64UrlUnpadded::decode_vec(sig).unwrap()).unwrap();
    let (r, s) = signature.split_scalars();
    let flipped = Signature::from_scalars(r.to_bytes(), (-*s).to_bytes()).unwrap();
    let twin = format!("{input}.{}", b64(&flipped.to_bytes()));
    assert_ne!(twin, token);
    let mut jtis = Vec::new();
    for t in [&token, &twin] {
        let mut buf = [0u8; 256];
        let verified = JwtVerifier::new(&set)
            .verify(t.as_bytes(), b"", UnixTime::from_secs(NOW), &mut buf)
            .unwrap();
        #[derive(serde::Deserialize)]
        struct Jti {
            jti: heapless::String<16>,
        }
        jtis.push(verified.claims::<Jti>(&mut [0u8; 256]).unwrap().jti);
    }
    assert_eq!(jtis[0], jtis[1], "deduplicating on jti sees one delivery");
}
