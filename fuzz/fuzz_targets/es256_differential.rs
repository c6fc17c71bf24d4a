//! ES256 differential: a fuzzed P-256 secret scalar (invalid ones skipped) signs a fuzzed
//! message with `p256` (RFC 6979); the signature is kept, or corrupted (one bit flipped, r or
//! s replaced by fuzzed or boundary values, s negated, random 64 bytes, wrong length). The
//! one-key JWKS built from the public key must give hookverify's `verify_signature` the same
//! verdict as `p256`'s `VerifyingKey::verify` (a `Signature::from_slice` failure counts as a
//! rejection), and an untouched signature must verify.
#![no_main]

use arbitrary::Arbitrary;
use hookverify::{Algorithm, KeySet};
use hookverify_fuzz::{ec_jwk, jwks};
use libfuzzer_sys::fuzz_target;
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use p256::ecdsa::{Signature, SigningKey};

/// The group order n of P-256, big-endian.
const N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

#[derive(Arbitrary, Debug)]
struct Input {
    scalar: [u8; 32],
    message: Vec<u8>,
    corruption: Corruption,
}

#[derive(Arbitrary, Debug)]
enum Corruption {
    None,
    FlipBit(u16),
    ReplaceR([u8; 32]),
    ReplaceS([u8; 32]),
    BoundaryR(Boundary),
    BoundaryS(Boundary),
    NegateS,
    Random([u8; 64]),
    Length(Vec<u8>),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Boundary {
    Zero,
    One,
    NMinusOne,
    N,
    NPlusOne,
    AllOnes,
    /// The public key's x coordinate (mod n is itself or x - n).
    KeyX,
}

/// a - b (or a + b) over 32-byte big-endian numbers, wrapping.
fn add(a: &[u8; 32], b: u8, negate: bool) -> [u8; 32] {
    let mut out = *a;
    let mut carry = i16::from(b) * if negate { -1 } else { 1 };
    for byte in out.iter_mut().rev() {
        let v = i16::from(*byte) + carry;
        *byte = v.rem_euclid(256) as u8;
        carry = v.div_euclid(256);
    }
    out
}

fn boundary(b: Boundary, key_x: &[u8; 32]) -> [u8; 32] {
    match b {
        Boundary::Zero => [0; 32],
        Boundary::One => add(&[0; 32], 1, false),
        Boundary::NMinusOne => add(&N, 1, true),
        Boundary::N => N,
        Boundary::NPlusOne => add(&N, 1, false),
        Boundary::AllOnes => [0xff; 32],
        Boundary::KeyX => *key_x,
    }
}

/// n - s, for s in 1..n.
fn negate(s: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let v = i16::from(N[i]) - i16::from(s[i]) - borrow;
        out[i] = v.rem_euclid(256) as u8;
        borrow = i16::from(v < 0);
    }
    out
}

fuzz_target!(|input: Input| {
    let Ok(key) = SigningKey::from_slice(&input.scalar) else {
        return;
    };
    let public = *key.verifying_key();
    let set = KeySet::<1>::from_json(jwks(&[ec_jwk(&public, "k")]).as_bytes()).unwrap();
    let point = public.to_sec1_point(false);
    let key_x: [u8; 32] = point.as_bytes()[1..33].try_into().unwrap();

    let message = input.message.as_slice();
    let signed: Signature = key.sign(message);
    let mut sig = signed.to_bytes().to_vec();
    match &input.corruption {
        Corruption::None => {}
        Corruption::FlipBit(at) => sig[usize::from(*at / 8) % 64] ^= 1 << (at % 8),
        Corruption::ReplaceR(r) => sig[..32].copy_from_slice(r),
        Corruption::ReplaceS(s) => sig[32..].copy_from_slice(s),
        Corruption::BoundaryR(b) => sig[..32].copy_from_slice(&boundary(*b, &key_x)),
        Corruption::BoundaryS(b) => sig[32..].copy_from_slice(&boundary(*b, &key_x)),
        Corruption::NegateS => {
            let s: [u8; 32] = sig[32..].try_into().unwrap();
            sig[32..].copy_from_slice(&negate(&s));
        }
        Corruption::Random(bytes) => sig = bytes.to_vec(),
        Corruption::Length(extra) => {
            let keep = extra.first().map_or(0, |&k| usize::from(k) % 65);
            sig.truncate(keep);
            sig.extend_from_slice(extra.get(1..).unwrap_or_default());
        }
    }

    let ours = set
        .verify_signature(None, Algorithm::Es256, message, &sig)
        .is_ok();
    let theirs = Signature::from_slice(&sig).is_ok_and(|s| public.verify(message, &s).is_ok());
    assert_eq!(ours, theirs, "hookverify {ours}, p256 {theirs}: {input:?}");
    if matches!(input.corruption, Corruption::None) {
        assert!(ours, "a fresh p256 signature was refused");
    }
    // The same through the kid.
    assert_eq!(
        set.verify_signature(Some("k"), Algorithm::Es256, message, &sig)
            .is_ok(),
        ours
    );
});
