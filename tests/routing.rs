//! The receiver accepts exactly the schemes it was configured for: every signature shape
//! (a `v1` list, a `v1a` list, a mixed list, unknown versions only, a comma-less word, a
//! compact JWS, malformed tokens) against every configuration (secret only, `whpk_` only, a
//! JWKS only, a JWT policy, everything), each with its exact outcome; and a JWT's body
//! binding both ways. Deliveries are signed here with independent signers (`hmac`,
//! `ed25519-dalek`, `p256`).

#![cfg(all(feature = "ed25519", feature = "es256"))]
// Test code: the panic-freedom, arithmetic and no_std lints guard `src/` only.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use base64ct::{Base64, Base64UrlUnpadded, Encoding};
use ed25519_dalek::Signer as _;
use hmac::{Hmac, KeyInit, Mac};
use hookverify::{Error, JwtPolicy, Receiver, Scheme, TokenFault, UnixTime, WebhookHeaders};
use sha2::{Digest as _, Sha256};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID: &str = "msg_2yXqA7hK9pLmN3bV8cD1eF4gH6j";
const TS: &str = "1780000000";
const NOW: UnixTime = UnixTime::from_secs(1_780_000_000);
const BODY: &[u8] = br#"{"type":"batch.succeeded","data":{"id":"batches/abc"}}"#;
const ISSUER: &str = "https://generativelanguage.googleapis.com";
const AUDIENCE: &str = "https://hooks.example.com/gemini";

fn b64url(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

fn ed_key(seed: u8) -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[seed; 32])
}

fn whpk(seed: u8) -> String {
    format!(
        "whpk_{}",
        Base64::encode_string(ed_key(seed).verifying_key().as_bytes())
    )
}

fn v1(body: &[u8]) -> String {
    let key = Base64::decode_vec(SECRET.strip_prefix("whsec_").unwrap()).unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{ID}.{TS}.").as_bytes());
    mac.update(body);
    format!("v1,{}", Base64::encode_string(&mac.finalize().into_bytes()))
}

fn v1a(seed: u8, body: &[u8]) -> String {
    let mut message = format!("{ID}.{TS}.").into_bytes();
    message.extend_from_slice(body);
    format!(
        "v1a,{}",
        Base64::encode_string(&ed_key(seed).sign(&message).to_bytes())
    )
}

fn ec_key() -> p256::ecdsa::SigningKey {
    p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap()
}

/// A JWKS with the P-256 key `ec` (JWTs) and the Ed25519 keys of seeds 1 and 2 (`v1a`).
fn jwks() -> String {
    let point = ec_key().verifying_key().to_sec1_point(false);
    let okp = |seed: u8, kid: &str| {
        format!(
            r#"{{"kty":"OKP","crv":"Ed25519","kid":"{kid}","x":"{}"}}"#,
            b64url(ed_key(seed).verifying_key().as_bytes())
        )
    };
    format!(
        r#"{{"keys":[{{"kty":"EC","crv":"P-256","kid":"ec","x":"{}","y":"{}"}},{},{}]}}"#,
        b64url(&point.as_bytes()[1..33]),
        b64url(&point.as_bytes()[33..65]),
        okp(1, "ed-1"),
        okp(2, "ed-2")
    )
}

/// A compact JWS signed ES256 with `ec`, carrying `extra` claims.
fn jwt(extra: &str) -> String {
    let header = r#"{"alg":"ES256","kid":"ec"}"#;
    let claims = format!(
        r#"{{"iss":"{ISSUER}","aud":"{AUDIENCE}","iat":1780000000,"exp":1780000300,"jti":"evt_1"{extra}}}"#
    );
    let input = format!(
        "{}.{}",
        b64url(header.as_bytes()),
        b64url(claims.as_bytes())
    );
    let signature: p256::ecdsa::Signature = ec_key().sign(input.as_bytes());
    format!("{input}.{}", b64url(&signature.to_bytes()))
}

fn body_hash_claim(body: &[u8]) -> String {
    format!(r#","body_sha256":"{}""#, b64url(&Sha256::digest(body)))
}

fn policy_bound() -> JwtPolicy {
    JwtPolicy::builder(ISSUER, &[AUDIENCE])
        .unwrap()
        .body_hash_claim("body_sha256")
        .unwrap()
}

/// The configurations under test.
fn configurations() -> Vec<(&'static str, Receiver)> {
    let secret = || {
        let mut builder = Receiver::builder();
        builder.secret(SECRET).unwrap();
        builder
    };
    vec![
        ("secret", secret().build().unwrap()),
        (
            "whpk",
            Receiver::builder()
                .public_key(&whpk(1))
                .unwrap()
                .build()
                .unwrap(),
        ),
        (
            "jwks",
            Receiver::builder()
                .jwks(jwks().as_bytes())
                .unwrap()
                .build()
                .unwrap(),
        ),
        (
            "jwt",
            Receiver::builder()
                .jwks(jwks().as_bytes())
                .unwrap()
                .jwt(policy_bound())
                .build()
                .unwrap(),
        ),
        (
            "all",
            secret()
                .public_key(&whpk(1))
                .unwrap()
                .jwks(jwks().as_bytes())
                .unwrap()
                .jwt(policy_bound())
                .build()
                .unwrap(),
        ),
    ]
}

/// What a receiver said: the scheme that verified, or the error code (and its scheme).
fn outcome(receiver: &Receiver, signature: &str) -> String {
    match receiver.verify(&WebhookHeaders::new(ID, TS, signature), BODY, NOW) {
        Ok(delivery) => format!("ok {}", delivery.scheme()),
        Err(Error::UnconfiguredScheme { scheme }) => format!("unconfigured-scheme {scheme}"),
        Err(e) => e.code().to_owned(),
    }
}

#[test]
fn every_shape_against_every_configuration() {
    let token = jwt(&body_hash_claim(BODY));
    let parts: Vec<&str> = token.split('.').collect();
    let shapes: Vec<(&str, String, [&str; 5])> = vec![
        //                                  secret, whpk, jwks, jwt, all
        (
            "v1",
            v1(BODY),
            [
                "ok v1",
                "unconfigured-scheme v1",
                "unconfigured-scheme v1",
                "unconfigured-scheme v1",
                "ok v1",
            ],
        ),
        (
            "v1a",
            v1a(1, BODY),
            [
                "unconfigured-scheme v1a",
                "ok v1a",
                "ok v1a",
                "ok v1a",
                "ok v1a",
            ],
        ),
        (
            "v1a, second JWKS key",
            v1a(2, BODY),
            [
                "unconfigured-scheme v1a",
                "no-matching-signature",
                "ok v1a",
                "ok v1a",
                "ok v1a",
            ],
        ),
        (
            "v1 v1a",
            format!("{} {}", v1(BODY), v1a(1, BODY)),
            ["ok v1", "ok v1a", "ok v1a", "ok v1a", "ok v1"],
        ),
        (
            "v1a v1 (v1 forged)",
            format!("{} v1,{}", v1a(1, BODY), "A".repeat(43) + "="),
            [
                "no-matching-signature",
                "ok v1a",
                "ok v1a",
                "ok v1a",
                "ok v1a",
            ],
        ),
        (
            "unknown versions only",
            format!("v2,{} V1,x", "A".repeat(44)),
            ["no-matching-signature"; 5],
        ),
        (
            "comma-less word",
            "invalid_signature".to_owned(),
            ["no-matching-signature"; 5],
        ),
        (
            "compact JWS",
            token.clone(),
            [
                "unconfigured-scheme jwt",
                "unconfigured-scheme jwt",
                "unconfigured-scheme jwt",
                "ok jwt",
                "ok jwt",
            ],
        ),
        (
            "four segments",
            format!("{token}.{}", parts[2]),
            [
                "unconfigured-scheme jwt",
                "unconfigured-scheme jwt",
                "unconfigured-scheme jwt",
                "invalid-token",
                "invalid-token",
            ],
        ),
        (
            "two segments",
            format!("{}.{}", parts[0], parts[1]),
            [
                "unconfigured-scheme jwt",
                "unconfigured-scheme jwt",
                "unconfigured-scheme jwt",
                "invalid-token",
                "invalid-token",
            ],
        ),
        (
            "= padding",
            format!("{}=.{}.{}", parts[0], parts[1], parts[2]),
            [
                "unconfigured-scheme jwt",
                "unconfigured-scheme jwt",
                "unconfigured-scheme jwt",
                "invalid-token",
                "invalid-token",
            ],
        ),
        (
            "standard alphabet",
            format!("{}.{}+/.{}", parts[0], parts[1], parts[2]),
            [
                "unconfigured-scheme jwt",
                "unconfigured-scheme jwt",
                "unconfigured-scheme jwt",
                "invalid-token",
                "invalid-token",
            ],
        ),
        (
            "space inside",
            format!("{}.{} .{}", parts[0], parts[1], parts[2]),
            [
                "unconfigured-scheme jwt",
                "unconfigured-scheme jwt",
                "unconfigured-scheme jwt",
                "invalid-token",
                "invalid-token",
            ],
        ),
    ];
    let configurations = configurations();
    for (shape, signature, expected) in &shapes {
        for ((name, receiver), expected) in configurations.iter().zip(expected) {
            assert_eq!(
                outcome(receiver, signature),
                *expected,
                "{shape} under the {name} configuration"
            );
        }
    }
    // A malformed token is reported as a token, never as "a list of HMAC signatures".
    let receiver = &configurations[3].1;
    let four = WebhookHeaders::new(ID, TS, &shapes[8].1);
    assert_eq!(
        receiver.verify(&four, BODY, NOW).unwrap_err(),
        Error::InvalidToken(TokenFault::Structure)
    );
}

/// The explanation of `unconfigured-scheme` names the scheme and what is needed.
#[test]
fn unconfigured_scheme_says_what_is_missing() {
    let secret_only = Receiver::builder().secret(SECRET).unwrap().build().unwrap();
    let err = secret_only
        .verify(&WebhookHeaders::new(ID, TS, &v1a(1, BODY)), BODY, NOW)
        .unwrap_err();
    assert_eq!(err.code(), "unconfigured-scheme");
    let text = err.to_string();
    assert!(
        text.contains("v1a") && text.contains("whpk_") && text.contains("JWKS"),
        "{text}"
    );
}

/// A JWKS whose Ed25519 keys are all refused configures no `v1a`: such a delivery is
/// `unconfigured-scheme`, and the refused keys are listed.
#[test]
fn every_ed25519_key_refused_is_unconfigured() {
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let jwks = format!(
        r#"{{"keys":[{{"kty":"OKP","crv":"Ed25519","kid":"weak","x":"{}"}}]}}"#,
        b64url(&identity)
    );
    let receiver = Receiver::builder()
        .jwks(jwks.as_bytes())
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(receiver.key_set().unwrap().refused().len(), 1);
    assert!(!receiver.accepts(Scheme::V1a));
    assert_eq!(outcome(&receiver, &v1a(1, BODY)), "unconfigured-scheme v1a");
}

/// With the body bound, a captured token does not authenticate another body; with the body
/// explicitly not authenticated, it does, and the verified value says so.
#[test]
fn jwt_body_binding_both_ways() {
    let token = jwt(&body_hash_claim(BODY));
    let headers = WebhookHeaders::new(ID, TS, &token);
    let bound = &configurations()[3].1;
    let delivery = bound.verify(&headers, BODY, NOW).unwrap();
    assert_eq!(delivery.scheme(), Scheme::Jwt);
    assert!(delivery.body_is_authenticated());
    assert!(!delivery.id_is_authenticated() && !delivery.timestamp_is_authenticated());
    assert_eq!(delivery.authenticated_id(), Some("evt_1"));
    assert_eq!(delivery.kid(), Some("ec"));
    assert_eq!(
        bound
            .verify(&headers, b"{\"forged\":true}", NOW)
            .unwrap_err(),
        Error::BodyMismatch
    );
    // A token without the claim is refused under the bound policy.
    let unbound_token = jwt("");
    let unbound_headers = WebhookHeaders::new(ID, TS, &unbound_token);
    assert_eq!(
        bound
            .verify(&unbound_headers, BODY, NOW)
            .unwrap_err()
            .code(),
        "missing-claim"
    );
    // Streaming: the body hash is checked at finish, over every chunk.
    let mut pending = bound.begin(&headers, NOW).unwrap();
    for chunk in BODY.chunks(5) {
        pending.update(chunk);
    }
    assert!(pending.finish().unwrap().body_is_authenticated());
    let mut pending = bound.begin(&headers, NOW).unwrap();
    pending.update(&BODY[1..]);
    assert_eq!(pending.finish().unwrap_err(), Error::BodyMismatch);

    let claims_only = Receiver::builder()
        .jwks(jwks().as_bytes())
        .unwrap()
        .jwt(
            JwtPolicy::builder(ISSUER, &[AUDIENCE])
                .unwrap()
                .body_not_authenticated(),
        )
        .build()
        .unwrap();
    for (token, body) in [
        (&unbound_token, &b"anything"[..]),
        (&token, b"{\"forged\":true}"),
    ] {
        let delivery = claims_only
            .verify(&WebhookHeaders::new(ID, TS, token), body, NOW)
            .unwrap();
        assert!(!delivery.body_is_authenticated());
        assert_eq!(delivery.authenticated_id(), Some("evt_1"));
    }
}

/// Issuer and audience are checked by every JWT policy built for receivers.
#[test]
fn jwt_issuer_and_audience_are_required() {
    let receiver = Receiver::builder()
        .jwks(jwks().as_bytes())
        .unwrap()
        .jwt(
            JwtPolicy::builder("https://other.example", &[AUDIENCE])
                .unwrap()
                .body_not_authenticated(),
        )
        .build()
        .unwrap();
    assert_eq!(outcome(&receiver, &jwt("")), "wrong-issuer");
    let receiver = Receiver::builder()
        .jwks(jwks().as_bytes())
        .unwrap()
        .jwt(
            JwtPolicy::builder(ISSUER, &["https://other.example"])
                .unwrap()
                .body_not_authenticated(),
        )
        .build()
        .unwrap();
    assert_eq!(outcome(&receiver, &jwt("")), "wrong-audience");
}

/// Configuration mistakes are reported when the receiver is built, never per delivery.
#[test]
fn configuration_errors_are_not_rejections() {
    let codes = [
        Receiver::builder().build().unwrap_err(),
        Receiver::builder().jwt(policy_bound()).build().unwrap_err(),
        Receiver::builder()
            .public_key(&whpk(1))
            .unwrap()
            .max_v1a_checks(17)
            .build()
            .unwrap_err(),
    ];
    for err in codes {
        assert_eq!(err.code(), "invalid-config", "{err}");
    }
    assert_eq!(
        Receiver::builder()
            .public_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
            .unwrap_err()
            .code(),
        "invalid-secret"
    );
}

/// The `v1a` work cap: entries times keys above it is `invalid-header`, never truncated.
#[test]
fn v1a_work_is_capped() {
    let mut builder = Receiver::builder();
    for seed in 1..=4 {
        builder.public_key(&whpk(seed)).unwrap();
    }
    let receiver = builder.max_v1a_checks(8).build().unwrap();
    let two = format!("{} {}", v1a(9, BODY), v1a(4, BODY));
    assert_eq!(outcome(&receiver, &two), "ok v1a");
    let three = format!("{} {} {}", v1a(9, BODY), v1a(8, BODY), v1a(4, BODY));
    assert_eq!(outcome(&receiver, &three), "invalid-header");
}

/// The receiver owns its configuration and can be shared and replaced across threads.
#[test]
fn receiver_is_owned_send_and_sync() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Receiver>();
    let receiver = configurations().pop().unwrap().1;
    let rotated = receiver
        .with_jwks(jwks().replace("ed-2", "ed-3").as_bytes())
        .unwrap();
    let signature = v1a(2, BODY);
    let delivery = rotated
        .verify(&WebhookHeaders::new(ID, TS, &signature), BODY, NOW)
        .unwrap();
    assert_eq!(delivery.kid(), Some("ed-3"));
    // whpk_ first (seed 1), then the JWKS's Ed25519 keys (seeds 1 and 2).
    assert_eq!(delivery.public_key_index(), Some(2));
}
