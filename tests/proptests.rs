//! Property tests: no input panics, and any single-bit change to a signed delivery is refused.
//!
//! The reference signer here is the `hmac` crate used directly, independent of the verifier's
//! code path (keyed-state caching, streaming, candidate decoding).

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

use base64ct::{Base64, Encoding};
use hmac::{Hmac, KeyInit, Mac};
use hookverify::{UnixTime, Verifier, WebhookHeaders};
use proptest::prelude::*;
use sha2::Sha256;

fn sign(key: &[u8], id: &str, ts: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(format!("{id}.{ts}.").as_bytes());
    mac.update(body);
    format!("v1,{}", Base64::encode_string(&mac.finalize().into_bytes()))
}

fn whsec(key: &[u8]) -> String {
    format!("whsec_{}", Base64::encode_string(key))
}

#[derive(Debug, Clone)]
struct Delivery {
    key: Vec<u8>,
    id: String,
    ts: String,
    body: Vec<u8>,
}

fn delivery() -> impl Strategy<Value = Delivery> {
    (
        proptest::collection::vec(any::<u8>(), 16..80),
        "[!-~&&[^.]]{1,64}",
        "[0-9]{1,19}",
        proptest::collection::vec(any::<u8>(), 0..2048),
    )
        .prop_map(|(key, id, ts, body)| Delivery { key, id, ts, body })
}

fn parse_ts(ts: &str) -> u64 {
    ts.parse().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_input_never_panics(
        secret in ".{0,80}",
        id in proptest::collection::vec(any::<u8>(), 0..300),
        ts in proptest::collection::vec(any::<u8>(), 0..24),
        sig in proptest::collection::vec(any::<u8>(), 0..600),
        body in proptest::collection::vec(any::<u8>(), 0..256),
        now in any::<u64>(),
        tolerance in any::<u64>(),
    ) {
        if let Ok(v) = Verifier::new(&secret) {
            let v = v.with_tolerance(tolerance);
            let headers = WebhookHeaders::from_bytes(&id, &ts, &sig);
            let _ = v.verify(&headers, &body, UnixTime::from_secs(now));
            let _ = v.verify_ignoring_timestamp(&headers, &body);
        }
        let pairs = [("webhook-id", id.clone()), ("Webhook-Signature", sig.clone()), ("svix-timestamp", ts.clone())];
        let _ = WebhookHeaders::from_pairs(&pairs);
    }

    #[test]
    fn arbitrary_signature_lists_never_panic_and_never_verify(
        entries in proptest::collection::vec("(v1|v1a|v2|V1|)(,)?[A-Za-z0-9+/=]{0,50}", 0..20),
        d in delivery(),
    ) {
        let v = Verifier::new(&whsec(&d.key)).unwrap();
        let sig = entries.join(" ");
        let result = v.verify(&WebhookHeaders::new(&d.id, &d.ts, &sig), &d.body, UnixTime::from_secs(parse_ts(&d.ts)));
        prop_assert!(result.is_err());
    }

    #[test]
    fn signed_deliveries_verify_and_every_bit_flip_is_refused(
        d in delivery(),
        field in 0usize..4,
        position in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        let sig = sign(&d.key, &d.id, &d.ts, &d.body);
        let v = Verifier::new(&whsec(&d.key)).unwrap();
        let now = UnixTime::from_secs(parse_ts(&d.ts));
        let ok = v.verify(&WebhookHeaders::new(&d.id, &d.ts, &sig), &d.body, now).unwrap();
        prop_assert_eq!(ok.id(), d.id.as_str());

        let mut id = d.id.clone().into_bytes();
        let mut ts = d.ts.clone().into_bytes();
        let mut sig_bytes = sig.clone().into_bytes();
        let mut body = d.body.clone();
        let target: &mut Vec<u8> = match field {
            0 => &mut id,
            1 => &mut ts,
            2 if !body.is_empty() => &mut body,
            _ => &mut sig_bytes,
        };
        let at = position.index(target.len());
        target[at] ^= 1 << bit;
        let headers = WebhookHeaders::from_bytes(&id, &ts, &sig_bytes);
        prop_assert!(v.verify(&headers, &body, now).is_err());
        prop_assert!(v.verify_ignoring_timestamp(&headers, &body).is_err());
    }

    #[test]
    fn streaming_matches_one_shot(d in delivery(), cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..8), corrupt in any::<bool>()) {
        let mut sig = sign(&d.key, &d.id, &d.ts, &d.body);
        if corrupt {
            sig = sig.replacen("v1,", "v1,A", 1).chars().take(47).collect();
        }
        let v = Verifier::new(&whsec(&d.key)).unwrap();
        let headers = WebhookHeaders::new(&d.id, &d.ts, &sig);
        let now = UnixTime::from_secs(parse_ts(&d.ts));
        let one_shot = v.verify(&headers, &d.body, now);
        let mut points: Vec<usize> = cuts.iter().map(|c| c.index(d.body.len() + 1)).collect();
        points.push(0);
        points.push(d.body.len());
        points.sort_unstable();
        let mut pending = v.begin(&headers, now).unwrap();
        for w in points.windows(2) {
            pending.update(&d.body[w[0]..w[1]]);
        }
        prop_assert_eq!(pending.finish(), one_shot);
    }
}

/// Oversized and hostile header values on a thread with a 64 KiB stack: errors, no crash.
#[test]
#[cfg_attr(target_family = "wasm", ignore = "WASI preview 1 has no threads")]
fn oversized_headers_on_a_small_stack() {
    let huge = "v1,".repeat(1 << 20);
    let spaces = " ".repeat(1 << 20);
    let digits = "9".repeat(1 << 16);
    let id = "a".repeat(1 << 16);
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn_scoped(scope, || {
                let v = Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
                let now = UnixTime::from_secs(1_614_265_330);
                for (id, ts, sig) in [
                    ("msg_1", "1614265330", huge.as_str()),
                    ("msg_1", "1614265330", spaces.as_str()),
                    ("msg_1", digits.as_str(), "v1,x"),
                    (id.as_str(), "1614265330", "v1,x"),
                ] {
                    let err = v
                        .verify(&WebhookHeaders::new(id, ts, sig), &[], now)
                        .unwrap_err();
                    assert_eq!(err.code(), "invalid-header");
                }
                let long_secret = format!("whsec_{}", "A".repeat(1 << 20));
                assert_eq!(
                    Verifier::new(&long_secret).unwrap_err().code(),
                    "invalid-secret"
                );
            })
            .unwrap()
            .join()
            .expect("a header parser overflowed the 64 KiB stack or panicked");
    });
}
