//! Every case of the Standard Webhooks conformance file (`../shared/vectors/standard-webhooks.json`),
//! checked for the exact outcome: a verified delivery, or the expected error code.
//!
//! Sources are named in the file's `about` field (the Standard Webhooks reference libraries'
//! shared vector, the Rust library's own vector, svix-webhooks' v1a pair).

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

mod common;

use hookverify::{Receiver, UnixTime, Verifier, WebhookHeaders};
use serde::Deserialize;

#[derive(Deserialize)]
struct File {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    secret: Option<String>,
    public_key: Option<String>,
    id: String,
    timestamp: String,
    payload: Option<String>,
    payload_hex: Option<String>,
    signature: String,
    now: u64,
    expect: String,
    requires: Option<String>,
    tolerance: Option<u64>,
}

/// The file's outcome names mapped to this crate's error codes.
fn expected_code(expect: &str) -> Option<&'static str> {
    match expect {
        "valid" => None,
        "invalid" => Some("no-matching-signature"),
        "too_old" => Some("too-old"),
        "too_new" => Some("too-new"),
        "invalid_header" => Some("invalid-header"),
        "invalid_secret" => Some("invalid-secret"),
        "missing_header" => Some("missing-header"),
        other => panic!("unknown expectation {other:?}"),
    }
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn every_conformance_case() {
    let Some(dir) = common::vectors_dir("standard-webhooks.json") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("standard-webhooks.json")).unwrap();
    let file: File = serde_json::from_str(&text).unwrap();
    assert!(file.cases.len() >= 20, "suspiciously few cases");
    let mut checked = 0;
    for case in &file.cases {
        if let Some(capability) = &case.requires {
            assert_eq!(capability, "v1a", "{}: unknown capability", case.name);
        }
        let body = match (&case.payload, &case.payload_hex) {
            (Some(text), None) => text.as_bytes().to_vec(),
            (None, Some(h)) => hex(h),
            _ => panic!("{}: payload or payload_hex", case.name),
        };
        let headers = WebhookHeaders::new(&case.id, &case.timestamp, &case.signature);
        let now = UnixTime::from_secs(case.now);
        let tolerance = case.tolerance.unwrap_or(300);
        // The receiver, configured with what the case gives (a secret, a public key, both).
        let outcome = (|| -> Result<(String, u64), hookverify::Error> {
            let mut builder = Receiver::builder();
            builder.tolerance(tolerance);
            if let Some(secret) = &case.secret {
                builder.secret(secret)?;
            }
            if let Some(key) = &case.public_key {
                builder.public_key(key)?;
            }
            let delivery = builder.build()?.verify(&headers, &body, now)?;
            assert!(delivery.id_is_authenticated() && delivery.body_is_authenticated());
            Ok((delivery.id().to_owned(), delivery.timestamp().as_secs()))
        })();
        let expected = expected_code(&case.expect);
        match (expected, &outcome) {
            (None, Ok((id, ts))) => {
                assert_eq!(*id, case.id, "{}", case.name);
                assert_eq!(ts.to_string(), case.timestamp, "{}", case.name);
            }
            (Some(code), Err(e)) => assert_eq!(e.code(), code, "{}: {e}", case.name),
            (want, got) => panic!("{}: expected {want:?}, got {got:?}", case.name),
        }
        // The HMAC-only verifier agrees on every HMAC case.
        if case.public_key.is_none() {
            let secret = case.secret.as_deref().expect("a case with neither key");
            let hmac = Verifier::new(secret).and_then(|v| {
                v.with_tolerance(tolerance)
                    .verify(&headers, &body, now)
                    .map(|ok| (ok.id().to_owned(), ok.timestamp().as_secs()))
            });
            assert_eq!(
                hmac.map_err(|e| e.code()),
                outcome.map_err(|e| e.code()),
                "{}",
                case.name
            );
        }
        checked += 1;
    }
    assert_eq!(checked, file.cases.len());
    assert!(
        file.cases.iter().any(|c| c.public_key.is_some()),
        "the file's v1a cases are checked"
    );
}

#[test]
fn v1a_only_delivery_is_refused_by_the_hmac_verifier() {
    // The `v1a-ed25519` case under an HMAC secret only: the HMAC verifier skips the v1a entry
    // (it is of no scheme it knows), and a receiver with only that secret says the delivery is
    // of a scheme it holds no key for.
    let v = Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    let headers = WebhookHeaders::new(
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "1614265330",
        "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==",
    );
    let err = v
        .verify(
            &headers,
            br#"{"test": 2432232314}"#,
            UnixTime::from_secs(1_614_265_330),
        )
        .unwrap_err();
    assert_eq!(err.code(), "no-matching-signature");
    assert_eq!(
        err,
        hookverify::Error::NoMatchingSignature {
            v1: 0,
            v1a: 0,
            skipped: 1,
            secrets: 1,
            public_keys: 0,
        }
    );
    let receiver = Receiver::builder()
        .secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(
        receiver
            .verify(
                &headers,
                br#"{"test": 2432232314}"#,
                UnixTime::from_secs(1_614_265_330)
            )
            .unwrap_err(),
        hookverify::Error::UnconfiguredScheme {
            scheme: hookverify::Scheme::V1a
        }
    );
}
