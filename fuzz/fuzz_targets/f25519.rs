//! Differential for the v1a path's arithmetic modulo `p = 2^255 - 19` (`src/alg/f25519.rs`,
//! used on 64-bit targets) against `crypto-bigint`'s modular arithmetic: product, square,
//! sum, difference, negation and inverse, as canonical encodings, byte for byte.
//!
//! Input: `a (32 bytes) || b (32 bytes)`, little-endian, bit 255 ignored (values from `p` to
//! `2^255 - 1` are read mod `p`, as RFC 8032 decodes `y`); short inputs are padded with the
//! bytes of `p - 1`, so values near `p` are reached easily.
#![no_main]

use crypto_bigint::{NonZero, U256};
use hookverify_fuzz::{field_ops, mul_mod, two_operands};
use libfuzzer_sys::fuzz_target;

const P_HEX: &str = "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed";

fn le(v: &U256) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(v.to_le_bytes().as_ref());
    out
}

fuzz_target!(|data: &[u8]| {
    let p = U256::from_be_hex(P_HEX);
    let (a, b) = two_operands(data, &le(&p.wrapping_sub(&U256::ONE)));
    let ours = hookverify::__fuzzing::f25519(&a, &b);

    let nz = NonZero::new(p).unwrap();
    let value = |x: &[u8; 32]| {
        let mut x = *x;
        x[31] &= 0x7f;
        U256::from_le_slice(&x).rem_vartime(&nz)
    };
    let (va, vb) = (value(&a), value(&b));
    // a^-1 = a^(p - 2), zero for zero: by square-and-multiply on the reference.
    let mut inverse = U256::ONE;
    let e = p.wrapping_sub(&U256::from_u8(2));
    for i in (0..255).rev() {
        inverse = mul_mod(&p, &inverse, &inverse);
        if e.bit_vartime(i) {
            inverse = mul_mod(&p, &inverse, &va);
        }
    }
    let [product, square, sum, difference, negation] = field_ops(&p, &va, &vb);
    let theirs = [product, square, sum, difference, negation, inverse].map(|v| le(&v));
    assert_eq!(ours, theirs);
});
