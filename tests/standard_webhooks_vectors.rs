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

use hookverify::{UnixTime, Verifier, WebhookHeaders};
use serde::Deserialize;

#[derive(Deserialize)]
struct File {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    secret: Option<String>,
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
    let (mut checked, mut skipped) = (0, Vec::new());
    for case in &file.cases {
        if let Some(capability) = &case.requires {
            // Asymmetric `v1a` (ed25519) signatures are not implemented: such a delivery must
            // be refused, never accepted, since its only entry is skipped.
            assert_eq!(capability, "v1a", "{}: unknown capability", case.name);
            skipped.push(case.name.as_str());
            continue;
        }
        let body = match (&case.payload, &case.payload_hex) {
            (Some(text), None) => text.as_bytes().to_vec(),
            (None, Some(h)) => hex(h),
            _ => panic!("{}: payload or payload_hex", case.name),
        };
        let secret = case.secret.as_deref().expect("HMAC case without secret");
        let outcome = Verifier::new(secret).and_then(|v| {
            let v = v.with_tolerance(case.tolerance.unwrap_or(300));
            let headers = WebhookHeaders::new(&case.id, &case.timestamp, &case.signature);
            v.verify(&headers, &body, UnixTime::from_secs(case.now))
                .map(|ok| (ok.id().to_owned(), ok.timestamp().as_secs()))
        });
        match (expected_code(&case.expect), outcome) {
            (None, Ok((id, ts))) => {
                assert_eq!(id, case.id, "{}", case.name);
                assert_eq!(ts.to_string(), case.timestamp, "{}", case.name);
            }
            (Some(code), Err(e)) => assert_eq!(e.code(), code, "{}: {e}", case.name),
            (want, got) => panic!("{}: expected {want:?}, got {got:?}", case.name),
        }
        checked += 1;
    }
    eprintln!("checked {checked} cases; skipped (capability not implemented): {skipped:?}");
    assert_eq!(checked + skipped.len(), file.cases.len());
}

#[test]
fn v1a_only_delivery_is_refused_by_the_hmac_verifier() {
    // The `v1a-ed25519` case signs with an asymmetric key this crate does not support; a
    // receiver configured with an HMAC secret must not accept it (the entry is skipped).
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
            tried: 0,
            skipped: 1,
            secrets: 1
        }
    );
}
