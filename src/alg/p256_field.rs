//! Arithmetic modulo the P-256 prime `p = 2^256 - 2^224 + 2^192 + 2^96 - 1` (FIPS 186-5,
//! SP 800-186 section 3.2.1.3), four 64-bit words, for ES256 verification on 64-bit targets.
//!
//! Elements are kept in Montgomery form, `a R mod p` with `R = 2^256`, always fully reduced
//! (below `p`), so equal elements have equal words. The prime's form makes the Montgomery
//! reduction cheap: `-p^-1 mod 2^64 = 1`, so each step's multiplier is the word itself, and
//! `p`'s words are `2^64 - 1`, `2^32 - 1`, `0`, `2^64 - 2^32 + 1` (one of the four products
//! vanishes). `p256` multiplies with `crypto-bigint`'s general widening product; this file
//! has a product and a dedicated square (10 word products instead of 16) on `u128`.
//!
//! Every input of verification is public, but the code has no secret-dependent branch
//! anyway: conditional subtractions are masks.

/// `p`, least significant word first.
const P: [u64; 4] = [
    0xffff_ffff_ffff_ffff,
    0x0000_0000_ffff_ffff,
    0x0000_0000_0000_0000,
    0xffff_ffff_0000_0001,
];

/// `R^2 mod p`, to enter Montgomery form (a unit test checks it against `p`).
const R2: [u64; 4] = [
    0x0000_0000_0000_0003,
    0xffff_fffb_ffff_ffff,
    0xffff_ffff_ffff_fffe,
    0x0000_0004_ffff_fffd,
];

/// `a * b + c + d` as (low, high) words: at most `(2^64 - 1)^2 + 2 (2^64 - 1) = 2^128 - 1`.
#[inline(always)]
#[allow(clippy::arithmetic_side_effects, clippy::cast_possible_truncation)]
const fn mac(a: u64, b: u64, c: u64, d: u64) -> (u64, u64) {
    let t = (a as u128) * (b as u128) + (c as u128) + (d as u128);
    (t as u64, (t >> 64) as u64)
}

/// `a + b + carry` as (sum, carry out), `carry` 0 or 1 (or any word when `b` is 0).
#[inline(always)]
#[allow(clippy::arithmetic_side_effects, clippy::cast_possible_truncation)]
const fn adc(a: u64, b: u64, carry: u64) -> (u64, u64) {
    let t = (a as u128) + (b as u128) + (carry as u128);
    (t as u64, (t >> 64) as u64)
}

/// `a - b - borrow` as (difference, borrow out), `borrow` 0 or 1.
#[inline(always)]
const fn sbb(a: u64, b: u64, borrow: u64) -> (u64, u64) {
    let (d, b1) = a.overflowing_sub(b);
    let (d, b2) = d.overflowing_sub(borrow);
    (d, (b1 | b2) as u64)
}

/// An element of the P-256 base field, in Montgomery form, below `p`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Fe([u64; 4]);

impl Fe {
    /// Zero.
    pub(crate) const ZERO: Self = Self([0; 4]);
    /// One, in Montgomery form (`R mod p`).
    pub(crate) const ONE: Self = Self([
        0x0000_0000_0000_0001,
        0xffff_ffff_0000_0000,
        0xffff_ffff_ffff_ffff,
        0x0000_0000_ffff_fffe,
    ]);
    /// The curve's `b` (SP 800-186 section 3.2.1.3), in Montgomery form.
    pub(crate) const B: Self = Self([
        0xd89c_df62_29c4_bddf,
        0xacf0_05cd_7884_3090,
        0xe5a2_20ab_f721_2ed6,
        0xdc30_061d_0487_4834,
    ]);

    /// The element a 32-byte big-endian integer encodes; `None` unless it is below `p`.
    pub(crate) fn from_be_bytes(bytes: &[u8; 32]) -> Option<Self> {
        let mut words = [0u64; 4];
        for (word, chunk) in words.iter_mut().zip(bytes.rchunks_exact(8)) {
            *word = u64::from_be_bytes(chunk.try_into().ok()?);
        }
        let [w0, w1, w2, w3] = words;
        let [p0, p1, p2, p3] = P;
        let (_, b) = sbb(w0, p0, 0);
        let (_, b) = sbb(w1, p1, b);
        let (_, b) = sbb(w2, p2, b);
        let (_, b) = sbb(w3, p3, b);
        // A borrow means the value is below p.
        (b == 1).then(|| Self(words).mul(&Self(R2)))
    }

    /// Whether this is zero.
    pub(crate) fn is_zero(&self) -> bool {
        self.0 == [0; 4]
    }

    /// `a + b mod p`.
    pub(crate) fn add(&self, rhs: &Self) -> Self {
        let [a0, a1, a2, a3] = self.0;
        let [b0, b1, b2, b3] = rhs.0;
        let (s0, c) = adc(a0, b0, 0);
        let (s1, c) = adc(a1, b1, c);
        let (s2, c) = adc(a2, b2, c);
        let (s3, c) = adc(a3, b3, c);
        Self::subtract_p_if_not_below([s0, s1, s2, s3], c)
    }

    /// `2a mod p`.
    pub(crate) fn double(&self) -> Self {
        self.add(self)
    }

    /// `3a mod p`.
    pub(crate) fn triple(&self) -> Self {
        self.double().add(self)
    }

    /// `a - b mod p`.
    pub(crate) fn sub(&self, rhs: &Self) -> Self {
        let [a0, a1, a2, a3] = self.0;
        let [b0, b1, b2, b3] = rhs.0;
        let (d0, b) = sbb(a0, b0, 0);
        let (d1, b) = sbb(a1, b1, b);
        let (d2, b) = sbb(a2, b2, b);
        let (d3, b) = sbb(a3, b3, b);
        // On a borrow, add p back (masked, no branch).
        let mask = 0u64.wrapping_sub(b);
        let [p0, p1, p2, p3] = P;
        let (d0, c) = adc(d0, p0 & mask, 0);
        let (d1, c) = adc(d1, p1 & mask, c);
        let (d2, c) = adc(d2, p2 & mask, c);
        let (d3, _) = adc(d3, p3 & mask, c);
        Self([d0, d1, d2, d3])
    }

    /// `-a mod p`.
    pub(crate) fn neg(&self) -> Self {
        Self::ZERO.sub(self)
    }

    /// `a b R^-1 mod p`: the Montgomery product, so the product of two elements in form.
    pub(crate) fn mul(&self, rhs: &Self) -> Self {
        let [a0, a1, a2, a3] = self.0;
        let [b0, b1, b2, b3] = rhs.0;
        let (t0, c) = mac(a0, b0, 0, 0);
        let (t1, c) = mac(a0, b1, 0, c);
        let (t2, c) = mac(a0, b2, 0, c);
        let (t3, t4) = mac(a0, b3, 0, c);
        let (t1, c) = mac(a1, b0, t1, 0);
        let (t2, c) = mac(a1, b1, t2, c);
        let (t3, c) = mac(a1, b2, t3, c);
        let (t4, t5) = mac(a1, b3, t4, c);
        let (t2, c) = mac(a2, b0, t2, 0);
        let (t3, c) = mac(a2, b1, t3, c);
        let (t4, c) = mac(a2, b2, t4, c);
        let (t5, t6) = mac(a2, b3, t5, c);
        let (t3, c) = mac(a3, b0, t3, 0);
        let (t4, c) = mac(a3, b1, t4, c);
        let (t5, c) = mac(a3, b2, t5, c);
        let (t6, t7) = mac(a3, b3, t6, c);
        Self::reduce([t0, t1, t2, t3, t4, t5, t6, t7])
    }

    /// `a^2 R^-1 mod p`: each cross product once, doubled, then the squares.
    pub(crate) fn square(&self) -> Self {
        let [a0, a1, a2, a3] = self.0;
        let (t1, c) = mac(a0, a1, 0, 0);
        let (t2, c) = mac(a0, a2, 0, c);
        let (t3, t4) = mac(a0, a3, 0, c);
        let (t3, c) = mac(a1, a2, t3, 0);
        let (t4, t5) = mac(a1, a3, t4, c);
        let (t5, t6) = mac(a2, a3, t5, 0);
        // Double: the cross products sum to less than a^2 / 2, so the top bit is free.
        let t7 = t6 >> 63;
        let t6 = (t6 << 1) | (t5 >> 63);
        let t5 = (t5 << 1) | (t4 >> 63);
        let t4 = (t4 << 1) | (t3 >> 63);
        let t3 = (t3 << 1) | (t2 >> 63);
        let t2 = (t2 << 1) | (t1 >> 63);
        let t1 = t1 << 1;
        let (t0, c) = mac(a0, a0, 0, 0);
        let (t1, c) = adc(t1, c, 0);
        let (t2, c) = mac(a1, a1, t2, c);
        let (t3, c) = adc(t3, c, 0);
        let (t4, c) = mac(a2, a2, t4, c);
        let (t5, c) = adc(t5, c, 0);
        let (t6, c) = mac(a3, a3, t6, c);
        let (t7, _) = adc(t7, c, 0);
        Self::reduce([t0, t1, t2, t3, t4, t5, t6, t7])
    }

    /// Montgomery reduction of `t < p R`: `t R^-1 mod p`, fully reduced. Step `i` adds
    /// `t_i p 2^(64 i)`, which clears word `i` (`-p^-1 = 1 mod 2^64`); the carry out of each
    /// step's top word waits in `e` for the next.
    fn reduce(t: [u64; 8]) -> Self {
        let [t0, t1, t2, t3, t4, t5, t6, t7] = t;
        let [p0, p1, _, p3] = P;
        let (_, c) = mac(t0, p0, t0, 0);
        let (t1, c) = mac(t0, p1, t1, c);
        let (t2, c) = adc(t2, c, 0);
        let (t3, c) = mac(t0, p3, t3, c);
        let (t4, e) = adc(t4, c, 0);
        let (_, c) = mac(t1, p0, t1, 0);
        let (t2, c) = mac(t1, p1, t2, c);
        let (t3, c) = adc(t3, c, 0);
        let (t4, c) = mac(t1, p3, t4, c);
        let (t5, e) = adc(t5, c, e);
        let (_, c) = mac(t2, p0, t2, 0);
        let (t3, c) = mac(t2, p1, t3, c);
        let (t4, c) = adc(t4, c, 0);
        let (t5, c) = mac(t2, p3, t5, c);
        let (t6, e) = adc(t6, c, e);
        let (_, c) = mac(t3, p0, t3, 0);
        let (t4, c) = mac(t3, p1, t4, c);
        let (t5, c) = adc(t5, c, 0);
        let (t6, c) = mac(t3, p3, t6, c);
        let (t7, e) = adc(t7, c, e);
        Self::subtract_p_if_not_below([t4, t5, t6, t7], e)
    }

    /// `(top 2^256 + s)` minus `p` when that is not negative, else unchanged; the value is
    /// below `2p`, so the result is below `p`.
    fn subtract_p_if_not_below(s: [u64; 4], top: u64) -> Self {
        let [s0, s1, s2, s3] = s;
        let [p0, p1, p2, p3] = P;
        let (d0, b) = sbb(s0, p0, 0);
        let (d1, b) = sbb(s1, p1, b);
        let (d2, b) = sbb(s2, p2, b);
        let (d3, b) = sbb(s3, p3, b);
        let (_, b) = sbb(top, 0, b);
        // b = 1: s < p, keep s.
        let keep = 0u64.wrapping_sub(b);
        Self([
            (s0 & keep) | (d0 & !keep),
            (s1 & keep) | (d1 & !keep),
            (s2 & keep) | (d2 & !keep),
            (s3 & keep) | (d3 & !keep),
        ])
    }

    /// The canonical value as 32 big-endian bytes (for the fuzz target's comparisons).
    #[cfg(fuzzing)]
    pub(crate) fn to_be_bytes(self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (chunk, word) in out.rchunks_exact_mut(8).zip(self.to_words()) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        out
    }

    /// The canonical value (out of Montgomery form), least significant word first.
    #[cfg(any(test, fuzzing))]
    pub(crate) fn to_words(self) -> [u64; 4] {
        let [a0, a1, a2, a3] = self.0;
        Self::reduce([a0, a1, a2, a3, 0, 0, 0, 0]).0
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // tests, known values
mod tests {
    use crypto_bigint::{NonZero, U256, U512};
    use proptest::prelude::*;

    use super::*;

    fn p() -> U256 {
        U256::from_words(P)
    }

    fn be(v: &U256) -> [u8; 32] {
        let mut out = [0u8; 32];
        out.copy_from_slice(v.to_be_bytes().as_ref());
        out
    }

    /// A field element from any 32 bytes, reduced mod p first; and the reduced integer.
    fn element(bytes: [u8; 32]) -> (Fe, U256) {
        let value = U256::from_be_slice(&bytes).rem_vartime(&NonZero::new(p()).unwrap());
        let fe = Fe::from_be_bytes(&be(&value)).unwrap();
        (fe, value)
    }

    fn mul_mod(a: &U256, b: &U256) -> U256 {
        let wide: U512 = a.concatenating_mul(b);
        let r = wide.rem_vartime(&NonZero::new(p().resize::<{ U512::LIMBS }>()).unwrap());
        r.resize()
    }

    fn words(v: &U256) -> [u64; 4] {
        *v.as_words()
    }

    #[test]
    fn constants() {
        // R^2 mod p and R mod p, from the definition.
        let r_mod_p = (U512::ONE.shl_vartime(256))
            .rem_vartime(&NonZero::new(p().resize::<{ U512::LIMBS }>()).unwrap());
        assert_eq!(Fe::ONE.0, *r_mod_p.resize::<{ U256::LIMBS }>().as_words());
        let r2 = mul_mod(&r_mod_p.resize(), &r_mod_p.resize());
        assert_eq!(R2, words(&r2));
        assert_eq!(Fe::ONE.to_words(), [1, 0, 0, 0]);
        // B is the curve's b (SP 800-186 section 3.2.1.3), in form.
        let b = Fe::from_be_bytes(&[
            0x5a, 0xc6, 0x35, 0xd8, 0xaa, 0x3a, 0x93, 0xe7, 0xb3, 0xeb, 0xbd, 0x55, 0x76, 0x98,
            0x86, 0xbc, 0x65, 0x1d, 0x06, 0xb0, 0xcc, 0x53, 0xb0, 0xf6, 0x3b, 0xce, 0x3c, 0x3e,
            0x27, 0xd2, 0x60, 0x4b,
        ])
        .unwrap();
        assert_eq!(b, Fe::B);
    }

    #[test]
    fn canonical_input_only() {
        let mut p_bytes = be(&p());
        assert_eq!(Fe::from_be_bytes(&p_bytes), None);
        p_bytes[31] -= 1;
        let minus_one = Fe::from_be_bytes(&p_bytes).unwrap();
        assert_eq!(minus_one, Fe::ONE.neg());
        assert_eq!(Fe::from_be_bytes(&[0xff; 32]), None);
        assert_eq!(Fe::from_be_bytes(&[0; 32]), Some(Fe::ZERO));
    }

    proptest! {
        /// Every operation against `crypto-bigint`'s modular arithmetic on the canonical values.
        #[test]
        fn operations_equal_crypto_bigint(a in any::<[u8; 32]>(), b in any::<[u8; 32]>()) {
            let (fa, va) = element(a);
            let (fb, vb) = element(b);
            let p = NonZero::new(p()).unwrap();
            prop_assert_eq!(fa.mul(&fb).to_words(), words(&mul_mod(&va, &vb)));
            prop_assert_eq!(fa.square().to_words(), words(&mul_mod(&va, &va)));
            prop_assert_eq!(fa.add(&fb).to_words(), words(&va.add_mod(&vb, &p)));
            prop_assert_eq!(fa.sub(&fb).to_words(), words(&va.sub_mod(&vb, &p)));
            prop_assert_eq!(fa.neg().to_words(), words(&va.neg_mod(&p)));
            prop_assert_eq!(fa.triple().to_words(), words(&va.add_mod(&va, &p).add_mod(&va, &p)));
        }

        /// Near p, where the conditional subtractions decide: p - 1 - small values.
        #[test]
        fn operations_near_p(x in 0u64..1024, y in 0u64..1024) {
            let near = |k: u64| {
                let v = p().wrapping_sub(&U256::from_u64(k + 1));
                (Fe::from_be_bytes(&be(&v)).unwrap(), v)
            };
            let (fa, va) = near(x);
            let (fb, vb) = near(y);
            let p = NonZero::new(p()).unwrap();
            prop_assert_eq!(fa.mul(&fb).to_words(), words(&mul_mod(&va, &vb)));
            prop_assert_eq!(fa.square().to_words(), words(&mul_mod(&va, &va)));
            prop_assert_eq!(fa.add(&fb).to_words(), words(&va.add_mod(&vb, &p)));
            prop_assert_eq!(fb.sub(&fa).to_words(), words(&vb.sub_mod(&va, &p)));
        }
    }
}
