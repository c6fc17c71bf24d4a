//! Differential for the ES256 path's P-256 field arithmetic (`src/alg/p256_field.rs`, used
//! on 64-bit targets) against `crypto-bigint`'s modular arithmetic on the same integers:
//! product, square, sum, difference and negation modulo `p`, byte for byte. Inputs not below
//! `p` must be refused (and are, by `crypto-bigint`'s comparison).
//!
//! Input: `a (32 bytes) || b (32 bytes)`, big-endian; shorter inputs are padded with the
//! bytes of `p - 1`, so values near `p` (where the conditional subtractions decide) are
//! reached easily.
#![no_main]

use crypto_bigint::U256;
use hookverify_fuzz::{field_ops, two_operands};
use libfuzzer_sys::fuzz_target;

const P_HEX: &str = "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff";

fn be(v: &U256) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(v.to_be_bytes().as_ref());
    out
}

fuzz_target!(|data: &[u8]| {
    let p = U256::from_be_hex(P_HEX);
    let (a, b) = two_operands(data, &be(&p.wrapping_sub(&U256::ONE)));
    let (va, vb) = (U256::from_be_slice(&a), U256::from_be_slice(&b));
    let ours = hookverify::__fuzzing::p256_field(&a, &b);
    if va >= p || vb >= p {
        assert_eq!(ours, None, "a value not below p was accepted");
        return;
    }
    let ours = ours.expect("canonical inputs refused");
    let theirs = field_ops(&p, &va, &vb).map(|v| be(&v));
    assert_eq!(ours, theirs);
});
