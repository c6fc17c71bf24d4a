//! Property tests for the JWT path: arbitrary tokens and key sets never panic, any bit flip of
//! a valid token is refused, and deeply nested JSON is refused on a small stack.

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
use hookverify::{JwtVerifier, KeySet, UnixTime};
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use proptest::prelude::*;

fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

fn key_and_set() -> (SigningKey, KeySet) {
    let key = SigningKey::from_slice(&[5u8; 32]).unwrap();
    let point = key.verifying_key().to_sec1_point(false);
    let jwks = format!(
        r#"{{"keys":[{{"kty":"EC","crv":"P-256","kid":"k","x":"{}","y":"{}"}},
        {{"kty":"RSA","kid":"r","e":"AQAB","n":"{}"}}]}}"#,
        b64(&point.as_bytes()[1..33]),
        b64(&point.as_bytes()[33..65]),
        // Not a real modulus, but of policy size and odd: the set keeps it.
        b64(&[0xc5u8; 256]),
    );
    (key, KeySet::from_json(jwks.as_bytes()).unwrap())
}

fn mint(key: &SigningKey, header: &[u8], claims: &[u8]) -> String {
    let input = format!("{}.{}", b64(header), b64(claims));
    let signature: Signature = key.sign(input.as_bytes());
    format!("{input}.{}", b64(&signature.to_bytes()))
}

/// JSON-like text: the structural characters and tokens that stress a JSON reader.
fn jsonish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("{".to_owned()),
            Just("}".to_owned()),
            Just("[".to_owned()),
            Just("]".to_owned()),
            Just(",".to_owned()),
            Just(":".to_owned()),
            Just("\"alg\"".to_owned()),
            Just("\"ES256\"".to_owned()),
            Just("\"kid\"".to_owned()),
            Just("\"k\"".to_owned()),
            Just("\"exp\"".to_owned()),
            Just("\"aud\"".to_owned()),
            Just("\"\\ud83d\\ude00\"".to_owned()),
            Just("\"\\u0000\"".to_owned()),
            Just("1800000600".to_owned()),
            Just("-1.5e3".to_owned()),
            Just("null".to_owned()),
            Just("true".to_owned()),
            "\"[ -~]{0,8}\"",
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_tokens_never_panic(token in proptest::collection::vec(any::<u8>(), 0..600)) {
        let (_, set) = key_and_set();
        let mut buf = [0u8; 512];
        let _ = JwtVerifier::new(&set).verify(&token, b"", UnixTime::from_secs(0), &mut buf);
    }

    #[test]
    fn structured_tokens_never_panic(header in jsonish(), claims in jsonish(), sign in any::<bool>()) {
        let (key, set) = key_and_set();
        let token = if sign {
            mint(&key, header.as_bytes(), claims.as_bytes())
        } else {
            format!("{}.{}.{}", b64(header.as_bytes()), b64(claims.as_bytes()), b64(&[1; 64]))
        };
        let mut buf = [0u8; 2048];
        let v = JwtVerifier::new(&set).with_audiences(&["a"]).with_issuer("i").with_body_hash_claim("h").unwrap();
        let _ = v.verify(token.as_bytes(), b"", UnixTime::from_secs(1_800_000_000), &mut buf);
    }

    #[test]
    fn arbitrary_key_sets_never_panic(json in jsonish(), raw in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = KeySet::<2>::from_json(json.as_bytes());
        let _ = KeySet::<2>::from_json(&raw);
        let wrapped = format!(r#"{{"keys":[{{"kty":"EC","crv":"P-256",{json}}}]}}"#);
        let _ = KeySet::<2>::from_json(wrapped.as_bytes());
    }

    #[test]
    fn any_bit_flip_of_a_valid_token_is_refused(position in any::<prop::sample::Index>(), bit in 0u8..8) {
        let (key, set) = key_and_set();
        let token = mint(&key, br#"{"alg":"ES256","kid":"k"}"#, br#"{"exp":1800000600,"sub":"x"}"#);
        let mut buf = [0u8; 512];
        let now = UnixTime::from_secs(1_800_000_000);
        prop_assert!(JwtVerifier::new(&set).verify(token.as_bytes(), b"", now, &mut buf).is_ok());
        let mut bytes = token.into_bytes();
        let at = position.index(bytes.len());
        bytes[at] ^= 1 << bit;
        prop_assert!(JwtVerifier::new(&set).verify(&bytes, b"", now, &mut buf).is_err());
    }
}

/// Deeply nested JSON (depth 100 000) in every parser, on a thread with a 64 KiB stack:
/// an error, never a stack overflow. Inputs and the key set are built on the main thread and
/// borrowed; parsing and verification run on the small stack.
#[test]
#[cfg_attr(target_family = "wasm", ignore = "WASI preview 1 has no threads")]
fn deep_nesting_on_a_small_stack() {
    let (key, set) = key_and_set();
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_object = format!(r#"{{"a":{deep}}}"#);
    // Within the key set's size cap, so the reader meets the depth before the size check.
    let deep_jwks = format!(r#"{{"a":{}{}}}"#, "[".repeat(30_000), "]".repeat(30_000));
    // The header buffer holds 2048 bytes: nest as deep as fits.
    let deep_header = format!(
        r#"{{"alg":"ES256","x":{}{}}}"#,
        "[".repeat(1000),
        "]".repeat(1000)
    );
    let in_header = mint(&key, deep_header.as_bytes(), b"{}");
    let in_claims = mint(
        &key,
        br#"{"alg":"ES256","kid":"k"}"#,
        deep_object.as_bytes(),
    );
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn_scoped(scope, || {
                assert!(KeySet::<2>::from_json(deep.as_bytes()).is_err());
                assert_eq!(
                    KeySet::<2>::from_json(deep_jwks.as_bytes()).unwrap_err(),
                    hookverify::Error::InvalidJwks(hookverify::JwksFault::TooDeep)
                );
                let mut buf = vec![0u8; 300_000];
                let now = UnixTime::from_secs(1_800_000_000);
                let v = JwtVerifier::new(&set).with_max_token_len(1 << 20);
                let too_deep = hookverify::Error::InvalidToken(hookverify::TokenFault::TooDeep);
                let err = v
                    .verify(in_header.as_bytes(), b"", now, &mut buf)
                    .unwrap_err();
                assert_eq!(err, too_deep);
                let err = v
                    .verify(in_claims.as_bytes(), b"", now, &mut buf)
                    .unwrap_err();
                assert_eq!(err, too_deep);
            })
            .unwrap();
        handle
            .join()
            .expect("a parser overflowed the 64 KiB stack or panicked");
    });
}
