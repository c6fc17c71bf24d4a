//! The parts every receiver needs around verification: the `http` 1.x integration, the replay
//! guard, the Gemini event types, exercised through verified deliveries (signed here with the
//! `hmac` and `ed25519-dalek` crates, and `p256` for JWTs).

#![cfg(all(
    feature = "http1",
    feature = "gemini",
    feature = "ed25519",
    feature = "es256"
))]
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

use std::sync::Mutex;

use base64ct::{Base64, Base64UrlUnpadded, Encoding};
use ed25519_dalek::Signer as _;
use hmac::{Hmac, KeyInit, Mac};
use hookverify::{
    DEFAULT_RETENTION, Error, EventKind, GuardFull, JwtPolicy, MemoryGuard, Receiver, ReplayGuard,
    ReplayKey, Scheme, Seen, UnixTime, Verifier, WebhookHeaders,
};
use sha2::{Digest as _, Sha256};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const TS: &str = "1780000000";
const NOW: UnixTime = UnixTime::from_secs(1_780_000_000);
const ISSUER: &str = "https://generativelanguage.googleapis.com";
const AUDIENCE: &str = "https://hooks.example.com/gemini";

/// Test signatures live for the whole test run (the verified deliveries borrow them).
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn v1(id: &str, body: &[u8]) -> &'static str {
    let key = Base64::decode_vec(&SECRET[6..]).unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{TS}.").as_bytes());
    mac.update(body);
    leak(format!(
        "v1,{}",
        Base64::encode_string(&mac.finalize().into_bytes())
    ))
}

fn ed_key() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[5; 32])
}

fn v1a(id: &str, body: &[u8]) -> &'static str {
    let mut message = format!("{id}.{TS}.").into_bytes();
    message.extend_from_slice(body);
    leak(format!(
        "v1a,{}",
        Base64::encode_string(&ed_key().sign(&message).to_bytes())
    ))
}

fn ec_key() -> p256::ecdsa::SigningKey {
    p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap()
}

fn token(claims: &str) -> &'static str {
    use p256::ecdsa::signature::Signer as _;
    let b64 = |b: &[u8]| Base64UrlUnpadded::encode_string(b);
    let input = format!(
        "{}.{}",
        b64(br#"{"alg":"ES256","kid":"ec"}"#),
        b64(claims.as_bytes())
    );
    let signature: p256::ecdsa::Signature = ec_key().sign(input.as_bytes());
    leak(format!("{input}.{}", b64(&signature.to_bytes())))
}

fn receiver(bind_body: bool) -> Receiver {
    let point = ec_key().verifying_key().to_sec1_point(false);
    let jwks = format!(
        r#"{{"keys":[{{"kty":"EC","crv":"P-256","kid":"ec","x":"{}","y":"{}"}}]}}"#,
        Base64UrlUnpadded::encode_string(&point.as_bytes()[1..33]),
        Base64UrlUnpadded::encode_string(&point.as_bytes()[33..65])
    );
    let policy = JwtPolicy::builder(ISSUER, &[AUDIENCE]).unwrap();
    let policy = if bind_body {
        policy.body_hash_claim("body_sha256").unwrap()
    } else {
        policy.body_not_authenticated()
    };
    Receiver::builder()
        .secret(SECRET)
        .unwrap()
        .public_key(&format!(
            "whpk_{}",
            Base64::encode_string(ed_key().verifying_key().as_bytes())
        ))
        .unwrap()
        .jwks(jwks.as_bytes())
        .unwrap()
        .jwt(policy)
        .build()
        .unwrap()
}

fn request(headers: &[(&str, &str)], body: &[u8]) -> http::Request<Vec<u8>> {
    let mut builder = http::Request::post("/webhooks");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.to_vec()).unwrap()
}

// ---------------------------------------------------------------------------------------------
// http 1.x

#[test]
fn http1_requests_verify_and_duplicated_signed_headers_are_refused() {
    let body = br#"{"type":"batch.succeeded"}"#;
    let sig = v1("msg_1", body);
    let ok = request(
        &[
            ("Webhook-Id", "msg_1"),
            ("webhook-timestamp", TS),
            ("webhook-signature", sig),
        ],
        body,
    );
    let delivery = receiver(false).verify_http1(&ok, NOW).unwrap();
    assert_eq!((delivery.scheme(), delivery.id()), (Scheme::V1, "msg_1"));
    let verifier = Verifier::new(SECRET).unwrap();
    assert_eq!(verifier.verify_http1(&ok, NOW).unwrap().id(), "msg_1");
    // A second signature header (another value a proxy may have added): refused, whichever
    // value is right; likewise a second id.
    for (name, value) in [("webhook-signature", "v1,AAAA"), ("webhook-id", "msg_2")] {
        let mut twice = request(
            &[
                ("webhook-id", "msg_1"),
                ("webhook-timestamp", TS),
                ("webhook-signature", sig),
            ],
            body,
        );
        twice.headers_mut().append(name, value.parse().unwrap());
        assert_eq!(
            receiver(false)
                .verify_http1(&twice, NOW)
                .unwrap_err()
                .code(),
            "invalid-header",
            "{name}"
        );
        assert_eq!(
            WebhookHeaders::from_http1(twice.headers()).unwrap_err(),
            Error::InvalidHeader {
                name,
                fault: hookverify::HeaderFault::Duplicate
            }
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Replay guard

#[test]
fn replay_keys_follow_the_authenticated_id() {
    let r = receiver(false);
    let body = b"{}";
    let by_v1 = r
        .verify(
            &WebhookHeaders::new("msg_1", TS, v1("msg_1", body)),
            body,
            NOW,
        )
        .unwrap();
    let by_v1a = r
        .verify(
            &WebhookHeaders::new("msg_1", TS, v1a("msg_1", body)),
            body,
            NOW,
        )
        .unwrap();
    // v1 and v1a name the same delivery by its webhook-id.
    assert_eq!(ReplayKey::of(&by_v1), ReplayKey::of(&by_v1a));
    let other = r
        .verify(
            &WebhookHeaders::new("msg_2", TS, v1("msg_2", body)),
            body,
            NOW,
        )
        .unwrap();
    assert_ne!(ReplayKey::of(&by_v1), ReplayKey::of(&other));
    // A JWT is keyed on its jti, in its own namespace (a jti equal to a webhook-id is another
    // delivery); the webhook-id header of a JWT delivery is not authenticated and not used.
    let claims =
        format!(r#"{{"iss":"{ISSUER}","aud":"{AUDIENCE}","exp":1780000300,"jti":"msg_1"}}"#);
    let by_jwt = r
        .verify(&WebhookHeaders::new("msg_9", TS, token(&claims)), body, NOW)
        .unwrap();
    assert_eq!(by_jwt.authenticated_id(), Some("msg_1"));
    assert_ne!(ReplayKey::of(&by_jwt), ReplayKey::of(&by_v1));
    let without_jti = token(&format!(
        r#"{{"iss":"{ISSUER}","aud":"{AUDIENCE}","exp":1780000300}}"#
    ));
    let unidentified = r
        .verify(&WebhookHeaders::new("msg_9", TS, without_jti), body, NOW)
        .unwrap();
    assert_eq!(ReplayKey::of(&unidentified), None);
    let mut guard = MemoryGuard::<4>::new();
    for _ in 0..3 {
        assert_eq!(
            unidentified.record(&mut guard, NOW, DEFAULT_RETENTION),
            Ok(Seen::New)
        );
    }
    assert!(guard.is_empty());
}

#[test]
fn a_verified_delivery_is_recorded_once_and_a_retry_is_a_duplicate() {
    let r = receiver(false);
    let body = b"{}";
    let mut guard = MemoryGuard::<8>::new();
    let first = r
        .verify(
            &WebhookHeaders::new("msg_1", TS, v1("msg_1", body)),
            body,
            NOW,
        )
        .unwrap();
    assert_eq!(first.record(&mut guard, NOW, 300), Ok(Seen::New));
    // The retry, signed with v1a this time: the same delivery.
    let retry = r
        .verify(
            &WebhookHeaders::new("msg_1", TS, v1a("msg_1", body)),
            body,
            NOW,
        )
        .unwrap();
    let later = UnixTime::from_secs(NOW.as_secs() + 299);
    assert_eq!(retry.record(&mut guard, later, 300), Ok(Seen::Duplicate));
    // Kept as long as asked, no longer.
    let expired = UnixTime::from_secs(NOW.as_secs() + 300);
    assert_eq!(retry.record(&mut guard, expired, 300), Ok(Seen::New));
}

#[test]
#[cfg_attr(target_family = "wasm", ignore = "WASI preview 1 has no threads")]
fn concurrent_records_see_exactly_one_new() {
    let r = receiver(false);
    let body = b"{}";
    let delivery = r
        .verify(
            &WebhookHeaders::new("msg_1", TS, v1("msg_1", body)),
            body,
            NOW,
        )
        .unwrap();
    let guard = Mutex::new(MemoryGuard::<4>::new());
    let news = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(|| {
                    let mut guard = guard.lock().unwrap();
                    delivery
                        .record(&mut *guard, NOW, DEFAULT_RETENTION)
                        .unwrap()
                        == Seen::New
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .filter(|new| *new)
            .count()
    });
    assert_eq!(news, 1);
    // A full table refuses rather than forgets.
    let mut small = MemoryGuard::<1>::new();
    let key = ReplayKey::of(&delivery).unwrap();
    let later = UnixTime::from_secs(NOW.as_secs() + 3600);
    assert_eq!(small.record(&key, NOW, later), Ok(Seen::New));
    let other = r
        .verify(
            &WebhookHeaders::new("msg_2", TS, v1("msg_2", body)),
            body,
            NOW,
        )
        .unwrap();
    assert_eq!(other.record(&mut small, NOW, 3600), Err(GuardFull));
}

// ---------------------------------------------------------------------------------------------
// Gemini events

#[test]
fn gemini_events_from_authenticated_bodies() {
    let r = receiver(true);
    let cases = [
        (br#"{"type":"batch.succeeded","version":"v1","data":{"id":"batches/a","output_file_uri":"files/a-out"}}"#.to_vec(), EventKind::BatchSucceeded),
        (br#"{"type":"video.generated","data":{"id":"operations/v","video_uri":"https://x/v.mp4","file_name":"files/v"}}"#.to_vec(), EventKind::VideoGenerated),
        (br#"{"type":"interaction.failed","data":{"id":"i/1","error_code":"INTERNAL","error_message":"boom"}}"#.to_vec(), EventKind::InteractionFailed),
    ];
    for (body, kind) in cases {
        let delivery = r
            .verify(
                &WebhookHeaders::new("msg_1", TS, v1a("msg_1", &body)),
                &body,
                NOW,
            )
            .unwrap();
        let event = delivery.gemini_event(&body).unwrap();
        assert_eq!(event.kind, kind);
        assert!(event.data.id.is_some());
    }
    let body = br#"{"type":"interaction.failed","data":{"error_code":13,"error_message":"x"}}"#;
    let delivery = r
        .verify(
            &WebhookHeaders::new("msg_1", TS, v1("msg_1", body)),
            body,
            NOW,
        )
        .unwrap();
    assert_eq!(
        delivery.gemini_event(body).unwrap().data.error_code,
        Some("13")
    );
    // A body that is not an event.
    assert_eq!(
        delivery.gemini_event(b"[1]").unwrap_err(),
        Error::InvalidEvent
    );
}

#[test]
fn an_unauthenticated_body_is_not_read_but_the_claims_are() {
    let body = br#"{"type":"batch.failed"}"#;
    let claims = format!(
        r#"{{"iss":"{ISSUER}","aud":"{AUDIENCE}","exp":1780000300,"jti":"evt_1","type":"batch.expired","data":{{"id":"batches/b"}}}}"#
    );
    let delivery = receiver(false)
        .verify(&WebhookHeaders::new("msg_1", TS, token(&claims)), body, NOW)
        .unwrap();
    assert!(!delivery.body_is_authenticated());
    assert_eq!(
        delivery.gemini_event(body).unwrap_err(),
        Error::UnauthenticatedBody
    );
    let jwt = delivery.jwt().unwrap();
    let mut buf = vec![0u8; jwt.claims_len()];
    let event = jwt.gemini_event(&mut buf).unwrap();
    assert_eq!(event.kind, EventKind::BatchExpired);
    assert_eq!(event.data.id.unwrap().as_str(), Some("batches/b"));
    // With the body bound, the body is authenticated and read.
    let bound = format!(
        r#"{{"iss":"{ISSUER}","aud":"{AUDIENCE}","exp":1780000300,"jti":"evt_1","body_sha256":"{}"}}"#,
        Base64UrlUnpadded::encode_string(&Sha256::digest(body))
    );
    let delivery = receiver(true)
        .verify(&WebhookHeaders::new("msg_1", TS, token(&bound)), body, NOW)
        .unwrap();
    assert_eq!(
        delivery.gemini_event(body).unwrap().kind,
        EventKind::BatchFailed
    );
}
