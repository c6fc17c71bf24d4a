//! Structured `v1a` deliveries through the receiver, checked against an independent
//! reference: Ed25519 `verify_strict` of `ed25519-dalek` over `id.timestamp.body`, each `v1a`
//! entry decoded with `base64ct` (standard, padded, canonical, 64 bytes) and tried under each
//! configured key. hookverify must accept exactly when the reference does (after the header
//! rules and freshness, in the documented order), name a key under which an entry verifies,
//! refuse above the work cap, and give the one-shot verdict when the body is streamed in any
//! chunking.
#![no_main]

use std::sync::LazyLock;

use arbitrary::Arbitrary;
use base64ct::{Base64, Encoding as _};
use ed25519_dalek::Signer as _;
use hookverify::{Receiver, Scheme, UnixTime, WebhookHeaders};
use hookverify_fuzz::{fresh, id_ok, signature_header_ok, timestamp_value};
use libfuzzer_sys::fuzz_target;

/// Five fixed signing keys: the receiver holds the first `keys` of them (1 to 4); the fifth is
/// never configured.
static SIGNERS: LazyLock<Vec<ed25519_dalek::SigningKey>> = LazyLock::new(|| {
    (1..=5u8)
        .map(|seed| ed25519_dalek::SigningKey::from_bytes(&[seed; 32]))
        .collect()
});

/// `L`, the order of the prime-order subgroup, little-endian.
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

#[derive(Arbitrary, Debug)]
struct Delivery {
    keys: u8,
    /// Keys from a JWKS (with kids) instead of `whpk_` strings.
    from_jwks: bool,
    id: Vec<u8>,
    timestamp_offset: i16,
    raw_timestamp: Option<Vec<u8>>,
    entries: Vec<Entry>,
    body: Vec<u8>,
    cuts: Vec<u16>,
    now: u64,
    tolerance: u16,
}

#[derive(Arbitrary, Debug)]
enum Entry {
    Raw(Vec<u8>),
    /// A signature by `SIGNERS[key % 5]` of the delivery, possibly damaged.
    Signed {
        key: u8,
        flip: Option<(u8, u8)>,
        s_plus_l: bool,
        small_r: bool,
        unpadded: bool,
    },
}

fn add_l(s: &mut [u8]) {
    let mut carry = 0u16;
    for (byte, l) in s.iter_mut().zip(L) {
        let sum = u16::from(*byte) + u16::from(l) + carry;
        *byte = sum as u8;
        carry = sum >> 8;
    }
}

fuzz_target!(|d: Delivery| {
    let keys = usize::from(d.keys % 4) + 1;
    let configured = &SIGNERS[..keys];
    let mut builder = Receiver::builder();
    builder.tolerance(u64::from(d.tolerance));
    if d.from_jwks {
        let jwks: Vec<String> = configured
            .iter()
            .enumerate()
            .map(|(i, k)| {
                format!(
                    r#"{{"kty":"OKP","crv":"Ed25519","kid":"k{i}","x":"{}"}}"#,
                    base64ct::Base64UrlUnpadded::encode_string(k.verifying_key().as_bytes())
                )
            })
            .collect();
        builder
            .jwks(format!(r#"{{"keys":[{}]}}"#, jwks.join(",")).as_bytes())
            .unwrap();
    } else {
        for k in configured {
            let whpk = format!(
                "whpk_{}",
                Base64::encode_string(k.verifying_key().as_bytes())
            );
            builder.public_key(&whpk).unwrap();
        }
    }
    let receiver = builder.build().unwrap();

    let timestamp = d.raw_timestamp.clone().unwrap_or_else(|| {
        d.now
            .saturating_add_signed(i64::from(d.timestamp_offset))
            .to_string()
            .into_bytes()
    });
    let mut message = d.id.clone();
    message.push(b'.');
    message.extend_from_slice(&timestamp);
    message.push(b'.');
    message.extend_from_slice(&d.body);

    let mut signature = Vec::new();
    for (i, entry) in d.entries.iter().take(20).enumerate() {
        if i > 0 {
            signature.push(b' ');
        }
        match entry {
            Entry::Raw(raw) => signature.extend_from_slice(raw),
            Entry::Signed {
                key,
                flip,
                s_plus_l,
                small_r,
                unpadded,
            } => {
                let mut sig = SIGNERS[usize::from(*key) % 5].sign(&message).to_bytes();
                if let Some((at, xor)) = flip {
                    sig[usize::from(*at) % 64] ^= xor;
                }
                if *s_plus_l {
                    add_l(&mut sig[32..]);
                }
                if *small_r {
                    sig[..32].copy_from_slice(&[0; 32]);
                    sig[0] = 1;
                }
                let mut encoded = Base64::encode_string(&sig);
                if *unpadded {
                    encoded = encoded.trim_end_matches('=').to_owned();
                }
                signature.extend_from_slice(b"v1a,");
                signature.extend_from_slice(encoded.as_bytes());
            }
        }
    }

    let headers = WebhookHeaders::from_bytes(&d.id, &timestamp, &signature);
    let now = UnixTime::from_secs(d.now);
    let verdict = receiver.verify(&headers, &d.body, now);

    // The reference.
    let entries: Vec<&[u8]> = signature.split(|&b| b == b' ').collect();
    let v1a: Vec<&[u8]> = entries
        .iter()
        .filter_map(|e| e.strip_prefix(b"v1a,"))
        .collect();
    let v1 = entries.iter().filter(|e| e.starts_with(b"v1,")).count();
    let verifies = |payload: &[u8]| -> Option<usize> {
        let mut out = [0u8; 65];
        let sig = match Base64::decode(payload, &mut out) {
            Ok(bytes) if bytes.len() == 64 => ed25519_dalek::Signature::from_slice(bytes).ok()?,
            _ => return None,
        };
        configured
            .iter()
            .position(|k| k.verifying_key().verify_strict(&message, &sig).is_ok())
    };
    let ts = timestamp_value(&timestamp);
    let js_shape = !signature.contains(&b',') && signature.contains(&b'.');
    let expected = if !id_ok(&d.id) || ts.is_none() {
        "invalid-header"
    } else if js_shape {
        "unconfigured-scheme"
    } else if !signature_header_ok(&signature, 4096, 16) {
        "invalid-header"
    } else if v1a.is_empty() && v1 > 0 {
        "unconfigured-scheme"
    } else if !fresh(ts.unwrap_or(0), d.now, u64::from(d.tolerance)) {
        if ts < Some(d.now) {
            "too-old"
        } else {
            "too-new"
        }
    } else if v1a.len() * keys > 16 {
        "invalid-header"
    } else if v1a.iter().any(|p| verifies(p).is_some()) {
        "ok"
    } else {
        "no-matching-signature"
    };
    let got = match &verdict {
        Ok(_) => "ok",
        Err(e) => e.code(),
    };
    assert_eq!(
        got,
        expected,
        "verdict {verdict:?}\nsignature {:?}",
        String::from_utf8_lossy(&signature)
    );
    let Ok(delivery) = verdict else { return };
    assert_eq!(delivery.scheme(), Scheme::V1a);
    let index = delivery
        .public_key_index()
        .expect("a v1a delivery names its key");
    assert!(index < keys);
    // The key named verifies some entry.
    assert!(v1a.iter().any(|p| {
        let mut out = [0u8; 65];
        Base64::decode(p, &mut out)
            .ok()
            .and_then(|b| ed25519_dalek::Signature::from_slice(b).ok())
            .is_some_and(|s| {
                configured[index]
                    .verifying_key()
                    .verify_strict(&message, &s)
                    .is_ok()
            })
    }));
    if d.from_jwks {
        assert_eq!(delivery.kid(), Some(format!("k{index}").as_str()));
    }

    // Streamed in the fuzzed chunking: the same verdict and key.
    let mut pending = receiver
        .begin(&headers, now)
        .expect("begin agrees with verify");
    let mut at = 0;
    for cut in &d.cuts {
        let end = (at + usize::from(*cut)).min(d.body.len());
        pending.update(&d.body[at..end]);
        at = end;
    }
    pending.update(&d.body[at..]);
    let streamed = pending.finish().expect("streaming agrees with one-shot");
    assert_eq!(streamed.public_key_index(), Some(index));
});
