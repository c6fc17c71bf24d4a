//! Edwards25519 points over [`Fe`] (RFC 8032 section 5.1, `-x^2 + y^2 = 1 + d x^2 y^2`), and
//! the double-base multiplication `[s]B + [k]P` of Ed25519 verification with per-key tables,
//! for 64-bit targets.
//!
//! Coordinates as in Hisil, Wong, Carter and Dawson, "Twisted Edwards curves revisited"
//! (ASIACRYPT 2008): extended `(X : Y : Z : T)` with `x = X/Z`, `y = Y/Z`, `xy = T/Z`;
//! projective `(X : Y : Z)`; the "completed" intermediate `((X : Z), (Y : T))` of an addition
//! or doubling, before its last four (extended) or three (projective) multiplications; and
//! table entries in affine Niels form `(y + x, y - x, 2 d x y)`. Addition is the unified
//! `a = -1` formula of section 3.2 (complete on this curve), doubling the `dbl-2008-hwcd`
//! formula.
//!
//! Tables: for a point `P`, the odd multiples `P, 3P, ..., 15P` of each of `P`, `2^64 P`,
//! `2^128 P`, `2^192 P` (32 entries, 3 840 bytes; one field inversion per eight entries). A
//! 253-bit scalar is four 64-bit chunks, each in width-5 NAF (`super::naf`), so
//! `[s]B + [k]P` is an eight-term sum computed with 64 doublings and about 88 additions,
//! against about 253 doublings in `curve25519-dalek`'s `vartime_double_scalar_mul_basepoint`.
//! The basepoint's tables are computed at compile time; a key's when the key is parsed.

use super::f25519::Fe;
use super::naf::{DIGITS, TABLE_LEN, entry, naf, top};

/// Odd multiples `P, 3P, ..., 15P` of one point.
pub(crate) type Table = [AffineNiels; TABLE_LEN];

/// The tables of `P`, `2^64 P`, `2^128 P`, `2^192 P`.
pub(crate) type Tables = [Table; 4];

// The table builders below write the eight entries out.
const _: () = assert!(TABLE_LEN == 8);

/// A point in extended coordinates.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Extended {
    x: Fe,
    y: Fe,
    z: Fe,
    t: Fe,
}

/// A point in projective coordinates.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Projective {
    x: Fe,
    y: Fe,
    z: Fe,
}

/// The result of an addition or doubling before its final multiplications:
/// `x = X/Z`, `y = Y/T`.
#[derive(Clone, Copy, Debug)]
struct Completed {
    x: Fe,
    y: Fe,
    z: Fe,
    t: Fe,
}

/// A table entry: `(y + x, y - x, 2 d x y)` of an affine point.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AffineNiels {
    y_plus_x: Fe,
    y_minus_x: Fe,
    xy2d: Fe,
}

/// The basepoint `B` (RFC 8032 section 5.1): `y = 4/5`, `x` even.
const BASEPOINT: Extended = {
    let x = Fe::from_limbs([
        0x6_2d60_8f25_d51a,
        0x4_12a4_b4f6_592a,
        0x7_5b71_71a4_b31d,
        0x1_ff60_5271_18fe,
        0x2_1693_6d3c_d6e5,
    ]);
    let y = Fe::from_limbs([
        0x6_6666_6666_6658,
        0x4_cccc_cccc_cccc,
        0x1_9999_9999_9999,
        0x3_3333_3333_3333,
        0x6_6666_6666_6666,
    ]);
    Extended {
        x,
        y,
        z: Fe::ONE,
        t: x.mul(&y),
    }
};

/// The basepoint's tables, computed by the compiler (3 840 bytes of read-only data).
static BASEPOINT_TABLES: Tables = tables(&BASEPOINT);

impl Projective {
    /// The identity `(0 : 1 : 1)`.
    const IDENTITY: Self = Self {
        x: Fe::ZERO,
        y: Fe::ONE,
        z: Fe::ONE,
    };

    /// `2P` (`dbl-2008-hwcd` with `a = -1`).
    const fn double(&self) -> Completed {
        let xx = self.x.square();
        let yy = self.y.square();
        let zz2 = self.z.square().add(&self.z.square());
        let x_plus_y_sq = self.x.add(&self.y).square();
        let yy_plus_xx = yy.add(&xx);
        let yy_minus_xx = yy.sub(&xx);
        Completed {
            x: x_plus_y_sq.sub(&yy_plus_xx),
            y: yy_plus_xx,
            z: yy_minus_xx,
            t: zz2.sub(&yy_minus_xx),
        }
    }

    /// The 32-byte encoding (RFC 8032 section 5.1.2): `y`, with the sign of `x` in bit 255.
    pub(crate) fn compress(&self) -> [u8; 32] {
        let z_inv = self.z.invert();
        let x = self.x.mul(&z_inv);
        let y = self.y.mul(&z_inv);
        let mut bytes = y.to_bytes();
        if let Some(last) = bytes.last_mut() {
            *last |= u8::from(x.is_negative()) << 7;
        }
        bytes
    }
}

impl Completed {
    const fn to_projective(self) -> Projective {
        Projective {
            x: self.x.mul(&self.t),
            y: self.y.mul(&self.z),
            z: self.z.mul(&self.t),
        }
    }

    const fn to_extended(self) -> Extended {
        Extended {
            x: self.x.mul(&self.t),
            y: self.y.mul(&self.z),
            z: self.z.mul(&self.t),
            t: self.x.mul(&self.y),
        }
    }
}

impl Extended {
    /// The point of a 32-byte encoding (RFC 8032 section 5.1.3), `None` when it encodes none.
    /// `y` is read modulo `p`: canonical encodings are the caller's rule to enforce (the key
    /// rules of `super::ed25519` compare the re-encoding with the input).
    pub(crate) fn decompress(bytes: &[u8; 32]) -> Option<Self> {
        let y = Fe::from_bytes(bytes);
        let yy = y.square();
        let u = yy.sub(&Fe::ONE);
        let v = Fe::D.mul(&yy).add(&Fe::ONE);
        // x = u v^3 (u v^7)^((p - 5) / 8), then fix by sqrt(-1) or fail.
        let v3 = v.square().mul(&v);
        let v7 = v3.square().mul(&v);
        let mut x = u.mul(&v3).mul(&u.mul(&v7).pow_p58());
        let vxx = v.mul(&x.square());
        if !vxx.equals(u) {
            if vxx.equals(u.neg()) {
                x = x.mul(&Fe::SQRT_M1);
            } else {
                return None;
            }
        }
        let sign = bytes.last().is_some_and(|b| b >> 7 == 1);
        if x.is_zero() && sign {
            return None;
        }
        if x.is_negative() != sign {
            x = x.neg();
        }
        Some(Self {
            x,
            y,
            z: Fe::ONE,
            t: x.mul(&y),
        })
    }

    /// The 32-byte encoding.
    pub(crate) fn compress(&self) -> [u8; 32] {
        self.to_projective().compress()
    }

    /// `-P`.
    pub(crate) const fn neg(&self) -> Self {
        Self {
            x: self.x.neg(),
            y: self.y,
            z: self.z,
            t: self.t.neg(),
        }
    }

    const fn to_projective(self) -> Projective {
        Projective {
            x: self.x,
            y: self.y,
            z: self.z,
        }
    }

    const fn double(&self) -> Self {
        self.to_projective().double().to_extended()
    }

    /// `P + Q` for an affine-Niels `Q` (unified addition, `Z2 = 1`).
    const fn add_niels(&self, q: &AffineNiels) -> Completed {
        let pp = self.y.add(&self.x).mul(&q.y_plus_x);
        let mm = self.y.sub(&self.x).mul(&q.y_minus_x);
        let txy2d = self.t.mul(&q.xy2d);
        let z2 = self.z.add(&self.z);
        Completed {
            x: pp.sub(&mm),
            y: pp.add(&mm),
            z: z2.add(&txy2d),
            t: z2.sub(&txy2d),
        }
    }

    /// `P - Q` for an affine-Niels `Q`: `-Q` swaps `y + x` and `y - x` and negates `2dxy`.
    const fn sub_niels(&self, q: &AffineNiels) -> Completed {
        let pm = self.y.add(&self.x).mul(&q.y_minus_x);
        let mp = self.y.sub(&self.x).mul(&q.y_plus_x);
        let txy2d = self.t.mul(&q.xy2d);
        let z2 = self.z.add(&self.z);
        Completed {
            x: pm.sub(&mp),
            y: pm.add(&mp),
            z: z2.sub(&txy2d),
            t: z2.add(&txy2d),
        }
    }

    /// `P + Q`, both extended (unified addition; for building tables).
    const fn add(&self, q: &Self) -> Self {
        let pp = self.y.add(&self.x).mul(&q.y.add(&q.x));
        let mm = self.y.sub(&self.x).mul(&q.y.sub(&q.x));
        let tt2d = self.t.mul(&q.t.mul(&Fe::D2));
        let zz = self.z.mul(&q.z);
        let zz2 = zz.add(&zz);
        Completed {
            x: pp.sub(&mm),
            y: pp.add(&mm),
            z: zz2.add(&tt2d),
            t: zz2.sub(&tt2d),
        }
        .to_extended()
    }

    /// The affine Niels form (one inversion).
    #[cfg(test)]
    fn to_affine_niels(self) -> AffineNiels {
        self.to_affine_niels_with(&self.z.invert())
    }

    /// The affine Niels form, given `1/Z`.
    const fn to_affine_niels_with(self, z_inv: &Fe) -> AffineNiels {
        let x = self.x.mul(z_inv);
        let y = self.y.mul(z_inv);
        AffineNiels {
            y_plus_x: y.add(&x),
            y_minus_x: y.sub(&x),
            xy2d: x.mul(&y).mul(&Fe::D2),
        }
    }

    /// `2^64 P`.
    const fn shift(&self) -> Self {
        let mut p = *self;
        let mut i = 0u32;
        while i < 64 {
            p = p.double();
            i = i.wrapping_add(1);
        }
        p
    }

    /// `P, 3P, ..., 15P` in affine Niels form.
    const fn odd_multiples(&self) -> Table {
        let twice = self.double();
        let p3 = self.add(&twice);
        let p5 = p3.add(&twice);
        let p7 = p5.add(&twice);
        let p9 = p7.add(&twice);
        let p11 = p9.add(&twice);
        let p13 = p11.add(&twice);
        let p15 = p13.add(&twice);
        // The eight 1/Z from one inversion (Montgomery's trick): c_i = Z_1 ... Z_i, then
        // 1/Z_i = c_(i-1) / c_i, walking back from 1/c_8.
        let c3 = self.z.mul(&p3.z);
        let c5 = c3.mul(&p5.z);
        let c7 = c5.mul(&p7.z);
        let c9 = c7.mul(&p9.z);
        let c11 = c9.mul(&p11.z);
        let c13 = c11.mul(&p13.z);
        let c15 = c13.mul(&p15.z);
        let inv = c15.invert();
        let i15 = inv.mul(&c13);
        let inv = inv.mul(&p15.z);
        let i13 = inv.mul(&c11);
        let inv = inv.mul(&p13.z);
        let i11 = inv.mul(&c9);
        let inv = inv.mul(&p11.z);
        let i9 = inv.mul(&c7);
        let inv = inv.mul(&p9.z);
        let i7 = inv.mul(&c5);
        let inv = inv.mul(&p7.z);
        let i5 = inv.mul(&c3);
        let inv = inv.mul(&p5.z);
        let i3 = inv.mul(&self.z);
        let i1 = inv.mul(&p3.z);
        [
            self.to_affine_niels_with(&i1),
            p3.to_affine_niels_with(&i3),
            p5.to_affine_niels_with(&i5),
            p7.to_affine_niels_with(&i7),
            p9.to_affine_niels_with(&i9),
            p11.to_affine_niels_with(&i11),
            p13.to_affine_niels_with(&i13),
            p15.to_affine_niels_with(&i15),
        ]
    }
}

/// The tables of `P` (see the module documentation).
pub(crate) const fn tables(p: &Extended) -> Tables {
    let p64 = p.shift();
    let p128 = p64.shift();
    let p192 = p128.shift();
    [
        p.odd_multiples(),
        p64.odd_multiples(),
        p128.odd_multiples(),
        p192.odd_multiples(),
    ]
}

/// The four 64-bit chunks of a 32-byte little-endian scalar, least significant first.
fn chunks(scalar: &[u8; 32]) -> [u64; 4] {
    let mut out = [0u64; 4];
    for (chunk, bytes) in out.iter_mut().zip(scalar.chunks_exact(8)) {
        let mut le = [0u8; 8];
        le.copy_from_slice(bytes);
        *chunk = u64::from_le_bytes(le);
    }
    out
}

/// `[k]P + [s]B`, variable time, from `P`'s tables and the scalars' little-endian bytes.
pub(crate) fn mul_add_basepoint(p_tables: &Tables, k: &[u8; 32], s: &[u8; 32]) -> Projective {
    let mut digits = [[0i8; DIGITS]; 8];
    for (out, chunk) in digits
        .iter_mut()
        .zip(chunks(k).into_iter().chain(chunks(s)))
    {
        *out = naf(chunk);
    }
    let mut r = Projective::IDENTITY;
    for i in (0..=top(&digits)).rev() {
        let mut t = r.double();
        for (naf, table) in digits.iter().zip(p_tables.iter().chain(&BASEPOINT_TABLES)) {
            let Some((index, negative)) = naf.get(i).copied().and_then(entry) else {
                continue;
            };
            if let Some(q) = table.get(index) {
                let e = t.to_extended();
                t = if negative {
                    e.sub_niels(q)
                } else {
                    e.add_niels(q)
                };
            }
        }
        r = t.to_projective();
    }
    r
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // curve25519-dalek's point arithmetic, the reference
mod tests {
    use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
    use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
    use curve25519_dalek::scalar::Scalar;
    use proptest::prelude::*;

    use super::*;

    fn ours(p: &EdwardsPoint) -> Extended {
        Extended::decompress(&p.compress().to_bytes()).unwrap()
    }

    #[test]
    fn basepoint_is_rfc8032s() {
        assert_eq!(
            BASEPOINT.to_projective().compress(),
            ED25519_BASEPOINT_POINT.compress().to_bytes()
        );
        let decoded = ours(&ED25519_BASEPOINT_POINT);
        assert!(decoded.x.equals(BASEPOINT.x) && decoded.y.equals(BASEPOINT.y));
    }

    proptest! {
        /// Decompression, doubling, addition, the tables and the double-base multiplication
        /// against `curve25519-dalek`, on random multiples of B (and their encodings).
        #[test]
        fn arithmetic_equals_dalek(a in any::<[u8; 32]>(), b in any::<[u8; 32]>(), c in any::<[u8; 32]>()) {
            let a = Scalar::from_bytes_mod_order(a);
            let k = Scalar::from_bytes_mod_order(b);
            let s = Scalar::from_bytes_mod_order(c);
            let p = EdwardsPoint::mul_base(&a);
            let q = EdwardsPoint::mul_base(&k);
            let (op, oq) = (ours(&p), ours(&q));
            prop_assert_eq!(op.to_projective().compress(), p.compress().to_bytes());
            prop_assert_eq!(op.double().to_projective().compress(), (p + p).compress().to_bytes());
            prop_assert_eq!(op.add(&oq).to_projective().compress(), (p + q).compress().to_bytes());
            prop_assert_eq!(op.add(&oq.neg()).to_projective().compress(), (p - q).compress().to_bytes());
            let niels = oq.to_affine_niels();
            prop_assert_eq!(op.add_niels(&niels).to_projective().compress(), (p + q).compress().to_bytes());
            prop_assert_eq!(op.sub_niels(&niels).to_projective().compress(), (p - q).compress().to_bytes());
            let expected = EdwardsPoint::vartime_double_scalar_mul_basepoint(&k, &p, &s);
            let got = mul_add_basepoint(&tables(&op), k.as_bytes(), s.as_bytes());
            prop_assert_eq!(got.compress(), expected.compress().to_bytes());
        }

        /// Decompression agrees with `curve25519-dalek`'s on arbitrary bytes (points or not).
        #[test]
        fn decompression_equals_dalek(bytes in any::<[u8; 32]>()) {
            let theirs = CompressedEdwardsY(bytes).decompress();
            let ours = Extended::decompress(&bytes);
            prop_assert_eq!(ours.is_some(), theirs.is_some());
            if let (Some(o), Some(t)) = (ours, theirs) {
                prop_assert_eq!(o.to_projective().compress(), t.compress().to_bytes());
            }
        }
    }

    #[test]
    fn edge_scalars() {
        let p = EdwardsPoint::mul_base(&Scalar::from(7u8));
        let tables = tables(&ours(&p));
        let minus_one = -Scalar::ONE;
        for (k, s) in [
            (Scalar::ZERO, Scalar::ZERO),
            (Scalar::ONE, Scalar::ZERO),
            (Scalar::ZERO, Scalar::ONE),
            (minus_one, minus_one),
            (Scalar::from(u64::MAX), Scalar::from(1u128 << 64)),
        ] {
            let expected = EdwardsPoint::vartime_double_scalar_mul_basepoint(&k, &p, &s);
            let got = mul_add_basepoint(&tables, k.as_bytes(), s.as_bytes());
            assert_eq!(got.compress(), expected.compress().to_bytes());
        }
    }
}
