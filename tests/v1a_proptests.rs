//! Property tests for `v1a` deliveries: signed by `ed25519-dalek` (an independent signer),
//! they verify; one-shot and streaming agree for any chunking; any single bit flip of the id,
//! the timestamp, the body or the signature is refused; and on arbitrary signatures the
//! verdict is `ed25519-dalek`'s `verify_strict` verdict.

#![cfg(feature = "ed25519")]
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

use base64ct::{Base64, Encoding};
use ed25519_dalek::Signer as _;
use hookverify::{Receiver, Scheme, UnixTime, WebhookHeaders};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Delivery {
    seed: [u8; 32],
    id: String,
    ts: String,
    body: Vec<u8>,
}

fn delivery() -> impl Strategy<Value = Delivery> {
    (
        any::<[u8; 32]>(),
        "[!-~&&[^.]]{1,64}",
        "[0-9]{1,19}",
        proptest::collection::vec(any::<u8>(), 0..2048),
    )
        .prop_map(|(seed, id, ts, body)| Delivery { seed, id, ts, body })
}

fn message(d: &Delivery) -> Vec<u8> {
    let mut m = format!("{}.{}.", d.id, d.ts).into_bytes();
    m.extend_from_slice(&d.body);
    m
}

fn signature(d: &Delivery) -> [u8; 64] {
    ed25519_dalek::SigningKey::from_bytes(&d.seed)
        .sign(&message(d))
        .to_bytes()
}

fn receiver(d: &Delivery) -> Receiver {
    let public = ed25519_dalek::SigningKey::from_bytes(&d.seed).verifying_key();
    Receiver::builder()
        .public_key(&format!(
            "whpk_{}",
            Base64::encode_string(public.as_bytes())
        ))
        .unwrap()
        .build()
        .unwrap()
}

fn now(d: &Delivery) -> UnixTime {
    UnixTime::from_secs(d.ts.parse().unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Keys are tried in configuration order and the first success ends the work: whatever
    /// the order of three keys and of two entries (one by a configured key or none, one by
    /// an unknown key or garbage), the verdict is the same, and the key reported is where the
    /// signing key stands in that order.
    #[test]
    fn key_order_never_changes_the_verdict(
        d in delivery(),
        others in any::<[[u8; 32]; 3]>(),
        signer in 0usize..4,
        order in Just([0usize, 1, 2]).prop_shuffle(),
        decoy_first in any::<bool>(),
    ) {
        // Keys 0..3 are configured; 3 means signed by a key no receiver holds.
        let seeds = [others[0], others[1], others[2], d.seed];
        prop_assume!(seeds.iter().enumerate().all(|(i, a)| seeds[i + 1..].iter().all(|b| a != b)));
        let sign_with = |seed: &[u8; 32]| {
            let sig = ed25519_dalek::SigningKey::from_bytes(seed).sign(&message(&d)).to_bytes();
            format!("v1a,{}", Base64::encode_string(&sig))
        };
        let good = sign_with(&seeds[signer]);
        let decoy = sign_with(&d.seed.map(|b| b ^ 0x5a));
        let header = if decoy_first { format!("{decoy} {good}") } else { format!("{good} {decoy}") };
        let headers = WebhookHeaders::new(&d.id, &d.ts, &header);
        let build = |order: &[usize]| {
            let mut builder = Receiver::builder();
            for &k in order {
                let public = ed25519_dalek::SigningKey::from_bytes(&seeds[k]).verifying_key();
                builder.public_key(&format!("whpk_{}", Base64::encode_string(public.as_bytes()))).unwrap();
            }
            builder.build().unwrap()
        };
        let reference = build(&[0, 1, 2]).verify(&headers, &d.body, now(&d)).map(|v| v.public_key_index());
        let shuffled = build(&order).verify(&headers, &d.body, now(&d)).map(|v| v.public_key_index());
        if signer == 3 {
            prop_assert_eq!(reference.unwrap_err().code(), "no-matching-signature");
            prop_assert_eq!(shuffled.unwrap_err().code(), "no-matching-signature");
        } else {
            prop_assert_eq!(reference.unwrap(), Some(signer));
            let at = order.iter().position(|&k| k == signer);
            prop_assert_eq!(shuffled.unwrap(), at);
        }
    }

    #[test]
    fn signed_deliveries_verify_and_every_bit_flip_is_refused(
        d in delivery(),
        field in 0usize..4,
        position in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        let r = receiver(&d);
        let sig = signature(&d);
        let header = format!("v1a,{}", Base64::encode_string(&sig));
        let ok = r.verify(&WebhookHeaders::new(&d.id, &d.ts, &header), &d.body, now(&d)).unwrap();
        prop_assert_eq!(ok.scheme(), Scheme::V1a);
        prop_assert_eq!(ok.id(), d.id.as_str());

        let (mut id, mut ts, mut body, mut sig) = (d.id.clone().into_bytes(), d.ts.clone().into_bytes(), d.body.clone(), sig.to_vec());
        let target: &mut Vec<u8> = match field {
            0 => &mut id,
            1 => &mut ts,
            2 if !body.is_empty() => &mut body,
            _ => &mut sig,
        };
        let at = position.index(target.len());
        target[at] ^= 1 << bit;
        let header = format!("v1a,{}", Base64::encode_string(&sig));
        // A flip may break the syntax (an id byte out of range, a non-digit): refused either way.
        let verdict = r.verify(&WebhookHeaders::from_bytes(&id, &ts, header.as_bytes()), &body, now(&d));
        prop_assert!(verdict.is_err());
    }

    #[test]
    fn streaming_matches_one_shot(
        d in delivery(),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..8),
        corrupt in any::<bool>(),
        with_v1 in any::<bool>(),
    ) {
        let mut sig = signature(&d);
        if corrupt {
            sig[0] ^= 1;
        }
        let mut header = format!("v1a,{}", Base64::encode_string(&sig));
        if with_v1 {
            header = format!("v1,{} {header}", Base64::encode_string(&[7u8; 32]));
        }
        let r = receiver(&d);
        let headers = WebhookHeaders::new(&d.id, &d.ts, &header);
        let one_shot = r.verify(&headers, &d.body, now(&d)).map(|v| (v.scheme(), v.public_key_index()));
        let mut points: Vec<usize> = cuts.iter().map(|c| c.index(d.body.len() + 1)).collect();
        points.push(0);
        points.push(d.body.len());
        points.sort_unstable();
        let mut pending = r.begin(&headers, now(&d)).unwrap();
        for w in points.windows(2) {
            pending.update(&d.body[w[0]..w[1]]);
        }
        prop_assert_eq!(pending.finish().map(|v| (v.scheme(), v.public_key_index())), one_shot);
        prop_assert_eq!(one_shot.is_ok(), !corrupt);
    }

    /// Arbitrary 64-byte signatures (random, or a valid one with bytes replaced, `S`
    /// pushed past `L`, `R` replaced by a small-order point's encoding): the receiver's
    /// verdict is `verify_strict`'s.
    #[test]
    fn verdict_equals_verify_strict(
        d in delivery(),
        mode in 0u8..4,
        noise in any::<[u8; 32]>(),
        at in 0usize..64,
    ) {
        let key = ed25519_dalek::SigningKey::from_bytes(&d.seed);
        let mut sig = signature(&d);
        match mode {
            0 => sig[..32].copy_from_slice(&noise),
            1 => sig[32..].copy_from_slice(&noise),
            2 => sig[at] ^= noise[0] | 1,
            _ => {
                // R = a small-order point (the identity, y = 1).
                sig[..32].copy_from_slice(&[0; 32]);
                sig[0] = 1;
            }
        }
        let strict = key
            .verifying_key()
            .verify_strict(&message(&d), &ed25519_dalek::Signature::from_bytes(&sig))
            .is_ok();
        let header = format!("v1a,{}", Base64::encode_string(&sig));
        let ours = receiver(&d).verify(&WebhookHeaders::new(&d.id, &d.ts, &header), &d.body, now(&d));
        prop_assert_eq!(ours.is_ok(), strict, "{:?}", ours);
    }
}

/// On a 64 KiB stack: a `v1a` delivery at the work cap (two entries under eight keys, 16
/// checks, streamed) verifies, and oversized or hostile `v1a` headers are refused, without
/// overflowing. The receiver is built on the main thread and borrowed.
#[test]
#[cfg_attr(target_family = "wasm", ignore = "WASI preview 1 has no threads")]
fn v1a_on_a_small_stack() {
    let keys: Vec<ed25519_dalek::SigningKey> = (1..=8u8)
        .map(|seed| ed25519_dalek::SigningKey::from_bytes(&[seed; 32]))
        .collect();
    let mut builder = Receiver::builder();
    for key in &keys {
        builder
            .public_key(&format!(
                "whpk_{}",
                Base64::encode_string(key.verifying_key().as_bytes())
            ))
            .unwrap();
    }
    let receiver = builder.build().unwrap();
    let body = vec![0x5au8; 100_000];
    let mut message = b"msg_1.1800000000.".to_vec();
    message.extend_from_slice(&body);
    let good = Base64::encode_string(&keys[7].sign(&message).to_bytes());
    let decoy = Base64::encode_string(&keys[0].sign(b"x").to_bytes());
    let header = format!("v1a,{decoy} v1a,{good}");
    let huge = format!("v1a,{good} ").repeat(1 << 14);
    let now = UnixTime::from_secs(1_800_000_000);
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn_scoped(scope, || {
                let headers = WebhookHeaders::new("msg_1", "1800000000", &header);
                let mut pending = receiver.begin(&headers, now).unwrap();
                for chunk in body.chunks(4096) {
                    pending.update(chunk);
                }
                assert_eq!(pending.finish().unwrap().public_key_index(), Some(7));
                let headers = WebhookHeaders::new("msg_1", "1800000000", &huge);
                assert_eq!(
                    receiver.verify(&headers, &body, now).unwrap_err().code(),
                    "invalid-header"
                );
            })
            .unwrap()
            .join()
            .expect("v1a verification overflowed the 64 KiB stack or panicked");
    });
}
