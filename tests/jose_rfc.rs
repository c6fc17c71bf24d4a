//! The RFCs' own JWS examples through the JWKS/JWT layer:
//!
//! - RFC 7515 Appendix A.2 (RS256) and A.3 (ES256): the RFC's public key as a JWK and its
//!   compact JWS, a JWT whose claims carry `"exp":1300819380`;
//! - RFC 7520 section 4.1 (RS256 over a text payload) with the key of section 3.3, read from
//!   `../shared/vectors/jose-cookbook/`.
//!
//! Where the RFC 7515 values come from: they are the RFC's published test vectors, copied here
//! as constants. They were taken from the test suite of the Python package `jwcrypto` 1.6.1
//! (`jwcrypto/tests.py`: `A2_key`, `A3_key` and the byte arrays `A1_payload`, `A2_protected`,
//! `A2_signature`, `A3_protected`, `A3_signature`, which that file labels "RFC 7515 - A.2" and
//! "- A.3") and cross-checked against a second package, `joserfc` 1.8.0, whose
//! `docs/guide/jws.rst` reproduces RFC 7515 A.6/A.7 (the same two signatures in JSON
//! serialization): the payload, both protected headers and both signatures agree byte for byte,
//! and jwcrypto's own A.6 text agrees with its byte arrays. The public keys appear in jwcrypto
//! only; that the RFC's signatures verify under them below is their confirmation.

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
#![cfg(all(feature = "es256", feature = "rs256"))]

mod common;

use base64ct::{Base64UrlUnpadded, Encoding};
use hookverify::{
    Algorithm, DEFAULT_LEEWAY, Error, JwtVerifier, KeyFault, KeySet, TokenFault, UnixTime,
};
use serde_json::{Value, json};

/// RFC 7515 Appendix A.1 (reused by A.2 and A.3): the JWS Payload, JSON with CR LF line breaks.
const RFC7515_PAYLOAD: &[u8] =
    b"{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";

/// The `exp` of [`RFC7515_PAYLOAD`].
const RFC7515_EXP: u64 = 1_300_819_380;

/// RFC 7515 Appendix A.2.1: the RSA public key's modulus `n` (`e` is `AQAB`).
const RFC7515_A2_N: &str = concat!(
    "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddx",
    "HmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMs",
    "D1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSH",
    "SXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdV",
    "MTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8",
    "NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",
);

/// RFC 7515 Appendix A.2.1: the complete JWS Compact Serialization (header `{"alg":"RS256"}`).
const RFC7515_A2_JWS: &str = concat!(
    "eyJhbGciOiJSUzI1NiJ9",
    ".",
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt",
    "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ",
    ".",
    "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZ",
    "mh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjb",
    "KBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHl",
    "b1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZES",
    "c6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AX",
    "LIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw",
);

/// RFC 7515 Appendix A.3.1: the EC P-256 public key's coordinates.
const RFC7515_A3_X: &str = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
const RFC7515_A3_Y: &str = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";

/// RFC 7515 Appendix A.3.1: the complete JWS Compact Serialization (header `{"alg":"ES256"}`).
const RFC7515_A3_JWS: &str = concat!(
    "eyJhbGciOiJFUzI1NiJ9",
    ".",
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt",
    "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ",
    ".",
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8IS",
    "lSApmWQxfKTUJqPP3-Kg6NU1Q",
);

fn rfc7515_rsa_keys() -> KeySet {
    let jwks = json!({"keys": [{"kty": "RSA", "n": RFC7515_A2_N, "e": "AQAB"}]}).to_string();
    let keys = KeySet::from_json(jwks.as_bytes()).unwrap();
    assert_eq!((keys.len(), keys.refused()), (1, &[][..]));
    keys
}

fn rfc7515_ec_keys() -> KeySet {
    let jwks =
        json!({"keys": [{"kty": "EC", "crv": "P-256", "x": RFC7515_A3_X, "y": RFC7515_A3_Y}]})
            .to_string();
    let keys = KeySet::from_json(jwks.as_bytes()).unwrap();
    assert_eq!((keys.len(), keys.refused()), (1, &[][..]));
    keys
}

fn verify(keys: &KeySet, token: &str, now: u64) -> Result<Vec<u8>, Error> {
    let mut buf = [0u8; 1024];
    JwtVerifier::new(keys)
        .verify(token.as_bytes(), b"", UnixTime::from_secs(now), &mut buf)
        .map(|v| v.claims_json(&mut [0u8; 1024]).unwrap().to_vec())
}

/// `token` with segment `index` decoded, changed by `change`, and encoded again (so the copy
/// stays strict base64url and only the signature can refuse it).
fn tampered(token: &str, index: usize, change: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut segments: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut bytes = Base64UrlUnpadded::decode_vec(&segments[index]).unwrap();
    change(&mut bytes);
    segments[index] = Base64UrlUnpadded::encode_string(&bytes);
    segments.join(".")
}

/// The checks shared by A.2 and A.3: verified before `exp` with the RFC's exact claims bytes,
/// tampered copies refused as `invalid-signature`, expiry at `exp + leeway`.
fn check_rfc7515_example(keys: &KeySet, token: &str, alg: Algorithm) {
    // The payload segment is the RFC's payload, CR LF included.
    let payload = token.split('.').nth(1).unwrap();
    assert_eq!(
        Base64UrlUnpadded::decode_vec(payload).unwrap(),
        RFC7515_PAYLOAD
    );

    let mut buf = [0u8; 1024];
    let verified = JwtVerifier::new(keys)
        .verify(
            token.as_bytes(),
            b"",
            UnixTime::from_secs(RFC7515_EXP - 3600),
            &mut buf,
        )
        .unwrap();
    assert_eq!(
        verified.claims_json(&mut [0u8; 1024]).unwrap(),
        RFC7515_PAYLOAD
    );
    assert_eq!(verified.algorithm(), alg);
    assert_eq!(verified.kid(), None);
    assert_eq!(
        verified.expires_at(),
        Some(UnixTime::from_secs(RFC7515_EXP))
    );
    assert_eq!(verified.issued_at(), None);

    // Tampered copies: the payload ("joe" becomes "jof"), and the signature's last byte.
    let payload_changed = tampered(token, 1, |p| {
        let at = p.windows(5).position(|w| w == b"\"joe\"").unwrap();
        p[at + 3] = b'f';
    });
    let signature_changed = tampered(token, 2, |s| *s.last_mut().unwrap() ^= 1);
    for copy in [&payload_changed, &signature_changed] {
        let error = verify(keys, copy, RFC7515_EXP - 3600).unwrap_err();
        assert_eq!(error.code(), "invalid-signature", "{copy}");
    }

    // RFC 7519 section 4.1.4: not accepted on or after `exp` (plus the leeway).
    assert_eq!(
        verify(keys, token, RFC7515_EXP + DEFAULT_LEEWAY - 1).unwrap(),
        RFC7515_PAYLOAD
    );
    let error = verify(keys, token, RFC7515_EXP + DEFAULT_LEEWAY).unwrap_err();
    assert_eq!(error, Error::Expired { claim: "exp" });
    assert_eq!(error.code(), "expired");
}

/// RFC 7515 Appendix A.2: RS256.
#[test]
fn rfc7515_a2_rs256() {
    let keys = rfc7515_rsa_keys();
    check_rfc7515_example(&keys, RFC7515_A2_JWS, Algorithm::Rs256);
    // The ES256 example against the RSA key: the algorithm does not fit the key.
    assert_eq!(
        verify(&keys, RFC7515_A3_JWS, RFC7515_EXP - 3600),
        Err(Error::UnsupportedAlgorithm)
    );
}

/// RFC 7515 Appendix A.3: ES256.
#[test]
fn rfc7515_a3_es256() {
    let keys = rfc7515_ec_keys();
    check_rfc7515_example(&keys, RFC7515_A3_JWS, Algorithm::Es256);
    assert_eq!(
        verify(&keys, RFC7515_A2_JWS, RFC7515_EXP - 3600),
        Err(Error::UnsupportedAlgorithm)
    );
}

fn cookbook(file: &str) -> Option<Value> {
    let dir = common::vectors_dir(&format!("jose-cookbook/{file}"))?;
    let text = std::fs::read_to_string(dir.join("jose-cookbook").join(file)).unwrap();
    Some(serde_json::from_str(&text).unwrap())
}

/// RFC 7520 section 4.1: RSA v1.5 signature (RS256) with the RSA key of section 3.3.
#[test]
fn rfc7520_4_1_rs256_text_payload() {
    let (Some(example), Some(public)) = (
        cookbook("4_1.rsa_v15_signature.json"),
        cookbook("3_3.rsa_public_key.json"),
    ) else {
        return;
    };
    assert_eq!(example["input"]["alg"], "RS256");
    let keys = KeySet::<8>::from_json(json!({"keys": [public]}).to_string().as_bytes()).unwrap();
    assert_eq!((keys.len(), keys.refused()), (1, &[][..]));
    let kid = public["kid"].as_str().unwrap();
    assert_eq!(keys.kids().collect::<Vec<_>>(), [Some(kid)]);

    let compact = example["output"]["compact"].as_str().unwrap();
    let (signing_input, signature) = compact.rsplit_once('.').unwrap();
    assert_eq!(signing_input, example["signing"]["sig-input"]);
    let signature = Base64UrlUnpadded::decode_vec(signature).unwrap();
    let payload = Base64UrlUnpadded::decode_vec(signing_input.split('.').nth(1).unwrap()).unwrap();
    assert_eq!(
        payload,
        example["input"]["payload"].as_str().unwrap().as_bytes()
    );

    // The bare JWS signature check (RFC 7515 section 5.2), by kid and as the only key.
    for kid in [Some(kid), None] {
        assert_eq!(
            keys.verify_signature(kid, Algorithm::Rs256, signing_input.as_bytes(), &signature),
            Ok(())
        );
    }
    let mut changed = signature.clone();
    changed[0] ^= 1;
    assert_eq!(
        keys.verify_signature(
            Some(kid),
            Algorithm::Rs256,
            signing_input.as_bytes(),
            &changed
        ),
        Err(Error::InvalidSignature)
    );

    // As a JWT the token is refused, because its payload is text, not a claims object. The
    // verifier checks the signature *before* it decodes the claims (`JwtVerifier::verify`
    // documents that order), so `invalid-token` (Json) here means the signature passed: with a
    // tampered signature the same token fails earlier, as `invalid-signature`.
    let mut buf = [0u8; 1024];
    let now = UnixTime::from_secs(1_700_000_000);
    let error = JwtVerifier::new(&keys)
        .require_exp(false)
        .verify(compact.as_bytes(), b"", now, &mut buf)
        .unwrap_err();
    assert_eq!(error, Error::InvalidToken(TokenFault::Json));
    assert_eq!(error.code(), "invalid-token");
    let forged = format!(
        "{signing_input}.{}",
        Base64UrlUnpadded::encode_string(&changed)
    );
    let error = JwtVerifier::new(&keys)
        .require_exp(false)
        .verify(forged.as_bytes(), b"", now, &mut buf)
        .unwrap_err();
    assert_eq!(error.code(), "invalid-signature");

    // The cookbook's private key (with d, p, q, dp, dq, qi) is refused as such, never used.
    let private = &example["input"]["key"];
    assert!(private.get("d").is_some());
    for member in ["kty", "kid", "n", "e"] {
        assert_eq!(private[member], public[member], "{member}");
    }
    let set = KeySet::<8>::from_json(json!({"keys": [private]}).to_string().as_bytes()).unwrap();
    assert!(set.is_empty());
    let refusals: Vec<_> = set
        .refused()
        .iter()
        .map(|r| (r.index(), r.fault()))
        .collect();
    assert_eq!(refusals, [(0, KeyFault::PrivateKey)]);
    assert_eq!(set.refused()[0].kid(), private["kid"].as_str());
}
