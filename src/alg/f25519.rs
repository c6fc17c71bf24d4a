//! Arithmetic modulo `p = 2^255 - 19` (RFC 7748 section 4.1, RFC 8032 section 5.1), five
//! 51-bit limbs on `u128` products, for Ed25519 verification on 64-bit targets.
//!
//! The representation is the one of the ref10 / `curve25519-dalek` serial backends, written
//! here for this crate: `a = sum l_i 2^(51 i)`, limbs kept below `2^52` after every
//! operation (not canonical: `to_bytes` reduces fully). Bounds that make every step exact:
//!
//! - `carry` takes limbs below `2^63` and returns them below `2^51 + 1` (the carry out of the
//!   top limb comes back times 19, since `2^255 = 19 mod p`);
//! - `add` adds limbs below `2^52` (sum below `2^53`), then carries;
//! - `sub` computes `a + 4p - b`, limb by limb non-negative for `b` below `2^52`, then
//!   carries;
//! - `mul` and `square` take limbs below `2^52`: a product term is below `2^52 * 19 * 2^52 <
//!   2^109`, a sum of five below `2^112`, all in `u128`; the final carry out (below `2^62`)
//!   is multiplied by 19 in `u128` too.
//!
//! Every function is a `const fn`, so the basepoint's tables are computed by the compiler
//! (`super::ed25519_point`). Every input of verification is public; nothing here needs to be
//! constant time, and nothing branches on values but `to_bytes`' final reduction.

/// The low 51 bits.
const MASK: u64 = (1 << 51) - 1;

/// `a * b` in the double width.
#[allow(clippy::arithmetic_side_effects)] // a u64 product always fits u128
const fn m(a: u64, b: u64) -> u128 {
    (a as u128) * (b as u128)
}

/// The low 64 bits (the truncation is the point).
#[allow(clippy::cast_possible_truncation)]
const fn low(x: u128) -> u64 {
    x as u64
}

/// An element of `GF(2^255 - 19)`, limbs below `2^52`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fe([u64; 5]);

// The bounds in the module documentation make every addition, multiplication and shift below
// exact; the lint cannot see them.
#[allow(clippy::arithmetic_side_effects)]
impl Fe {
    /// Zero.
    pub(crate) const ZERO: Self = Self([0; 5]);
    /// One.
    pub(crate) const ONE: Self = Self([1, 0, 0, 0, 0]);
    /// The curve constant `d = -121665 / 121666` (RFC 8032 section 5.1).
    pub(crate) const D: Self = Self([
        0x3_4dca_1359_78a3,
        0x1_a828_3b15_6ebd,
        0x5_e7a2_6001_c029,
        0x7_39c6_63a0_3cbb,
        0x5_2036_cee2_b6ff,
    ]);
    /// `2d`.
    pub(crate) const D2: Self = Self([
        0x6_9b94_26b2_f159,
        0x3_5050_762a_dd7a,
        0x3_cf44_c003_8052,
        0x6_738c_c740_7977,
        0x2_406d_9dc5_6dff,
    ]);
    /// `sqrt(-1) = 2^((p - 1) / 4)` (RFC 8032 section 5.1.3).
    pub(crate) const SQRT_M1: Self = Self([
        0x6_1b27_4a0e_a0b0,
        0x0_d5a5_fc8f_189d,
        0x7_ef5e_9cbd_0c60,
        0x7_8595_a680_4c9e,
        0x2_b832_4804_fc1d,
    ]);

    /// Limbs from raw values (the tests and the basepoint's coordinates).
    pub(crate) const fn from_limbs(limbs: [u64; 5]) -> Self {
        Self(limbs)
    }

    /// Carries each limb's bits above 51 into the next, limbs below `2^63`; returns the
    /// limbs (each below `2^51`) and the carry out of the top one (worth `2^255` each).
    const fn propagate(l: [u64; 5]) -> ([u64; 5], u64) {
        let [l0, l1, l2, l3, l4] = l;
        let l1 = l1 + (l0 >> 51);
        let l2 = l2 + (l1 >> 51);
        let l3 = l3 + (l2 >> 51);
        let l4 = l4 + (l3 >> 51);
        (
            [l0 & MASK, l1 & MASK, l2 & MASK, l3 & MASK, l4 & MASK],
            l4 >> 51,
        )
    }

    /// Carries limbs below `2^63` down to below `2^51 + 1`: the carry out of the top limb
    /// comes back times 19 (`2^255 = 19 mod p`).
    const fn carry(l: [u64; 5]) -> Self {
        let ([l0, l1, l2, l3, l4], top) = Self::propagate(l);
        let l0 = l0 + top * 19;
        Self([l0 & MASK, l1 + (l0 >> 51), l2, l3, l4])
    }

    /// `a + b`.
    pub(crate) const fn add(&self, rhs: &Self) -> Self {
        let [a0, a1, a2, a3, a4] = self.0;
        let [b0, b1, b2, b3, b4] = rhs.0;
        Self::carry([a0 + b0, a1 + b1, a2 + b2, a3 + b3, a4 + b4])
    }

    /// `a - b`, as `a + 4p - b`.
    pub(crate) const fn sub(&self, rhs: &Self) -> Self {
        const P4_0: u64 = 4 * ((1 << 51) - 19);
        const P4_I: u64 = 4 * ((1 << 51) - 1);
        let [a0, a1, a2, a3, a4] = self.0;
        let [b0, b1, b2, b3, b4] = rhs.0;
        Self::carry([
            (a0 + P4_0) - b0,
            (a1 + P4_I) - b1,
            (a2 + P4_I) - b2,
            (a3 + P4_I) - b3,
            (a4 + P4_I) - b4,
        ])
    }

    /// `-a`.
    pub(crate) const fn neg(&self) -> Self {
        Self::ZERO.sub(self)
    }

    /// Carries the five double-width column sums of a product down to limbs below `2^52`.
    const fn carry_wide(t: [u128; 5]) -> Self {
        let [t0, t1, t2, t3, t4] = t;
        let t1 = t1 + (t0 >> 51);
        let l0 = low(t0) & MASK;
        let t2 = t2 + (t1 >> 51);
        let l1 = low(t1) & MASK;
        let t3 = t3 + (t2 >> 51);
        let l2 = low(t2) & MASK;
        let t4 = t4 + (t3 >> 51);
        let l3 = low(t3) & MASK;
        let l4 = low(t4) & MASK;
        // The carry out of the top limb is below 2^62: times 19 in the double width.
        let r0 = (l0 as u128) + (t4 >> 51) * 19;
        let l1 = l1 + low(r0 >> 51);
        let l0 = low(r0) & MASK;
        Self([l0, l1, l2, l3, l4])
    }

    /// `a b`.
    pub(crate) const fn mul(&self, rhs: &Self) -> Self {
        let [a0, a1, a2, a3, a4] = self.0;
        let [b0, b1, b2, b3, b4] = rhs.0;
        let (b1_19, b2_19, b3_19, b4_19) = (b1 * 19, b2 * 19, b3 * 19, b4 * 19);
        Self::carry_wide([
            m(a0, b0) + m(a1, b4_19) + m(a2, b3_19) + m(a3, b2_19) + m(a4, b1_19),
            m(a0, b1) + m(a1, b0) + m(a2, b4_19) + m(a3, b3_19) + m(a4, b2_19),
            m(a0, b2) + m(a1, b1) + m(a2, b0) + m(a3, b4_19) + m(a4, b3_19),
            m(a0, b3) + m(a1, b2) + m(a2, b1) + m(a3, b0) + m(a4, b4_19),
            m(a0, b4) + m(a1, b3) + m(a2, b2) + m(a3, b1) + m(a4, b0),
        ])
    }

    /// `a^2`: the products `a_i a_j`, `i != j`, once and doubled.
    pub(crate) const fn square(&self) -> Self {
        let [a0, a1, a2, a3, a4] = self.0;
        let (a0_2, a1_2) = (a0 * 2, a1 * 2);
        let (a3_19, a4_19) = (a3 * 19, a4 * 19);
        let (a2_2, a3_2) = (a2 * 2, a3 * 2);
        Self::carry_wide([
            m(a0, a0) + m(a1_2, a4_19) + m(a2_2, a3_19),
            m(a0_2, a1) + m(a2_2, a4_19) + m(a3, a3_19),
            m(a0_2, a2) + m(a1, a1) + m(a3_2, a4_19),
            m(a0_2, a3) + m(a1_2, a2) + m(a4, a4_19),
            m(a0_2, a4) + m(a1_2, a3) + m(a2, a2),
        ])
    }

    /// `a^(2^k)`.
    const fn pow2k(&self, k: u32) -> Self {
        let mut x = *self;
        let mut i = 0;
        while i < k {
            x = x.square();
            i += 1;
        }
        x
    }

    /// `(a^(2^250 - 1), a^11)`, the common part of `invert` and `pow_p58` (the addition
    /// chain of ref10).
    const fn pow250(&self) -> (Self, Self) {
        let z2 = self.square();
        let z9 = z2.pow2k(2).mul(self);
        let z11 = z9.mul(&z2);
        let z_5_0 = z11.square().mul(&z9); // 2^5 - 1
        let z_10_0 = z_5_0.pow2k(5).mul(&z_5_0);
        let z_20_0 = z_10_0.pow2k(10).mul(&z_10_0);
        let z_40_0 = z_20_0.pow2k(20).mul(&z_20_0);
        let z_50_0 = z_40_0.pow2k(10).mul(&z_10_0);
        let z_100_0 = z_50_0.pow2k(50).mul(&z_50_0);
        let z_200_0 = z_100_0.pow2k(100).mul(&z_100_0);
        let z_250_0 = z_200_0.pow2k(50).mul(&z_50_0);
        (z_250_0, z11)
    }

    /// `a^-1 = a^(p - 2) = a^(2^255 - 21)` (zero for zero).
    pub(crate) const fn invert(&self) -> Self {
        let (z_250_0, z11) = self.pow250();
        z_250_0.pow2k(5).mul(&z11)
    }

    /// `a^((p - 5) / 8) = a^(2^252 - 3)`, for square roots.
    pub(crate) const fn pow_p58(&self) -> Self {
        let (z_250_0, _) = self.pow250();
        z_250_0.pow2k(2).mul(self)
    }

    /// The canonical 32-byte little-endian encoding (value below `p`, bit 255 clear).
    pub(crate) fn to_bytes(self) -> [u8; 32] {
        let Self([l0, l1, l2, l3, l4]) = Self::carry(self.0);
        // The value is below 2p: q = 1 exactly when it is at least p, that is when adding 19
        // carries out of bit 255.
        let q = (l0 + 19) >> 51;
        let q = (l1 + q) >> 51;
        let q = (l2 + q) >> 51;
        let q = (l3 + q) >> 51;
        let q = (l4 + q) >> 51;
        // Subtract q p: add 19 q and drop bit 255 (the carry out of the top limb).
        let ([l0, l1, l2, l3, l4], _) = Self::propagate([l0 + 19 * q, l1, l2, l3, l4]);
        let words = [
            l0 | (l1 << 51),
            (l1 >> 13) | (l2 << 38),
            (l2 >> 26) | (l3 << 25),
            (l3 >> 39) | (l4 << 12),
        ];
        let mut out = [0u8; 32];
        for (chunk, word) in out.chunks_exact_mut(8).zip(words) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        out
    }

    /// The element of a 32-byte little-endian encoding, bit 255 ignored (RFC 8032 section
    /// 5.1.3 decodes `y` from the low 255 bits); values from `p` to `2^255 - 1` are taken
    /// modulo `p`.
    pub(crate) fn from_bytes(bytes: &[u8; 32]) -> Self {
        let mut words = [0u64; 4];
        for (word, chunk) in words.iter_mut().zip(bytes.chunks_exact(8)) {
            let mut le = [0u8; 8];
            le.copy_from_slice(chunk);
            *word = u64::from_le_bytes(le);
        }
        let [w0, w1, w2, w3] = words;
        Self([
            w0 & MASK,
            ((w0 >> 51) | (w1 << 13)) & MASK,
            ((w1 >> 38) | (w2 << 26)) & MASK,
            ((w2 >> 25) | (w3 << 39)) & MASK,
            (w3 >> 12) & MASK,
        ])
    }

    /// Whether the canonical value is odd (the "negative" of RFC 8032's encoding).
    pub(crate) fn is_negative(self) -> bool {
        self.to_bytes().first().is_some_and(|b| b & 1 == 1)
    }

    /// Whether the canonical values are equal.
    pub(crate) fn equals(self, rhs: Self) -> bool {
        self.to_bytes() == rhs.to_bytes()
    }

    /// Whether the canonical value is zero.
    pub(crate) fn is_zero(self) -> bool {
        self.to_bytes() == [0; 32]
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)] // tests, known values
mod tests {
    use crypto_bigint::{NonZero, U256, U512};
    use proptest::prelude::*;

    use super::*;

    fn p() -> U256 {
        U256::from_be_hex("7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed")
    }

    fn value(fe: Fe) -> U256 {
        U256::from_le_slice(&fe.to_bytes())
    }

    fn mul_mod(a: &U256, b: &U256) -> U256 {
        let wide: U512 = a.concatenating_mul(b);
        wide.rem_vartime(&NonZero::new(p().resize::<{ U512::LIMBS }>()).unwrap())
            .resize()
    }

    /// An element from raw limbs up to the loose bound (below 2^52), and its value mod p.
    fn loose(limbs: [u64; 5]) -> (Fe, U256) {
        let limbs = limbs.map(|l| l & ((1 << 52) - 1));
        let mut v = U512::ZERO;
        for (i, l) in limbs.iter().enumerate() {
            v = v.wrapping_add(&U512::from_u64(*l).shl_vartime(u32::try_from(51 * i).unwrap()));
        }
        let v = v.rem_vartime(&NonZero::new(p().resize::<{ U512::LIMBS }>()).unwrap());
        (Fe::from_limbs(limbs), v.resize())
    }

    #[test]
    fn constants() {
        let p = NonZero::new(p()).unwrap();
        // d * 121666 = -121665.
        let d = value(Fe::D);
        assert_eq!(
            mul_mod(&d, &U256::from_u64(121_666)),
            U256::from_u64(121_665).neg_mod(&p)
        );
        assert_eq!(value(Fe::D2), d.add_mod(&d, &p));
        let i = value(Fe::SQRT_M1);
        assert_eq!(mul_mod(&i, &i), U256::ONE.neg_mod(&p));
    }

    #[test]
    fn encoding() {
        // p itself, p + 1 and 2^255 - 1 decode to 0, 1 and 18 (non-canonical inputs).
        let p_bytes: [u8; 32] = p().to_le_bytes().as_ref().try_into().unwrap();
        assert_eq!(Fe::from_bytes(&p_bytes).to_bytes(), [0; 32]);
        let mut p1 = p_bytes;
        p1[0] += 1;
        assert_eq!(Fe::from_bytes(&p1).to_bytes(), Fe::ONE.to_bytes());
        let mut top = [0xff; 32];
        top[31] = 0x7f;
        assert_eq!(value(Fe::from_bytes(&top)), U256::from_u64(18));
        // Bit 255 is ignored.
        let mut one = [0u8; 32];
        one[0] = 1;
        one[31] = 0x80;
        assert!(Fe::from_bytes(&one).equals(Fe::ONE));
        assert!(Fe::ZERO.is_zero() && !Fe::ONE.is_zero());
        assert!(Fe::ONE.is_negative() && !Fe::ONE.add(&Fe::ONE).is_negative());
    }

    proptest! {
        /// Every operation against `crypto-bigint` on the values mod p, from limbs anywhere
        /// below the loose bound 2^52 (so non-canonical inputs too).
        #[test]
        fn operations_equal_crypto_bigint(a in any::<[u64; 5]>(), b in any::<[u64; 5]>(), bytes in any::<[u8; 32]>()) {
            let (fa, va) = loose(a);
            let (fb, vb) = loose(b);
            let pn = NonZero::new(p()).unwrap();
            prop_assert_eq!(value(fa.mul(&fb)), mul_mod(&va, &vb));
            prop_assert_eq!(value(fa.square()), mul_mod(&va, &va));
            prop_assert_eq!(value(fa.add(&fb)), va.add_mod(&vb, &pn));
            prop_assert_eq!(value(fa.sub(&fb)), va.sub_mod(&vb, &pn));
            prop_assert_eq!(value(fa.neg()), va.neg_mod(&pn));
            let inv = fa.invert();
            if va == U256::ZERO {
                prop_assert!(inv.is_zero());
            } else {
                prop_assert_eq!(value(inv.mul(&fa)), U256::ONE);
            }
            // pow_p58: x^(2^252 - 3), checked through its eighth power times x^(20+...):
            // (x^((p-5)/8))^8 = x^(p-5), so times x^4 it is x^(p-1) = 1 for x != 0.
            let t = fa.pow_p58().pow2k(3).mul(&fa.square().square());
            if va != U256::ZERO {
                prop_assert_eq!(value(t), U256::ONE);
            }
            // Bytes round trip through the canonical encoding.
            let mut canonical = bytes;
            canonical[31] &= 0x7f;
            let v = U256::from_le_slice(&canonical);
            let fe = Fe::from_bytes(&canonical);
            prop_assert_eq!(value(fe), v.rem_vartime(&pn));
        }
    }
}
