//! P-256 points over [`Fe`]: homogeneous projective `(X : Y : Z)`, `x = X / Z`, `y = Y / Z`,
//! and affine table entries, with the complete formulas for `a = -3` of Renes, Costello and
//! Batina, "Complete addition formulas for prime order elliptic curves" (EUROCRYPT 2016,
//! <https://eprint.iacr.org/2015/1060>): Algorithm 5 (mixed addition) and Algorithm 6
//! (doubling). Complete: no exceptional case (doubling through addition, the identity as
//! the accumulator) needs a branch. The same formulas as `p256`'s own, which the unit tests
//! compare against point by point.

use super::p256_field::Fe;

/// A point in affine coordinates; never the identity (table entries are odd multiples of a
/// point of prime order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Affine {
    pub(crate) x: Fe,
    pub(crate) y: Fe,
}

impl Affine {
    /// A placeholder for initializing arrays that are overwritten before use; not a point.
    pub(crate) const UNSET: Self = Self {
        x: Fe::ZERO,
        y: Fe::ZERO,
    };

    /// The affine point of these coordinates, each a 32-byte big-endian integer; `None` when
    /// a coordinate is not below `p`. Whether the point is on the curve is the caller's
    /// business (the points come from `p256`, which checked them).
    pub(crate) fn from_be_bytes(x: &[u8; 32], y: &[u8; 32]) -> Option<Self> {
        Some(Self {
            x: Fe::from_be_bytes(x)?,
            y: Fe::from_be_bytes(y)?,
        })
    }

    /// `-P`.
    pub(crate) fn neg(&self) -> Self {
        Self {
            x: self.x,
            y: self.y.neg(),
        }
    }
}

/// A point in homogeneous projective coordinates.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Projective {
    pub(crate) x: Fe,
    pub(crate) y: Fe,
    pub(crate) z: Fe,
}

impl Projective {
    /// The identity, `(0 : 1 : 0)`.
    pub(crate) const IDENTITY: Self = Self {
        x: Fe::ZERO,
        y: Fe::ONE,
        z: Fe::ZERO,
    };

    /// Whether this is the identity (`Z = 0`).
    pub(crate) fn is_identity(&self) -> bool {
        self.z.is_zero()
    }

    /// `P + Q` for an affine `Q` (RCB 2016, Algorithm 5; the step numbers are the paper's).
    pub(crate) fn add_affine(&self, q: &Affine) -> Self {
        let xx = self.x.mul(&q.x); // 1
        let yy = self.y.mul(&q.y); // 2
        let xy = self.x.add(&self.y).mul(&q.x.add(&q.y)).sub(&xx.add(&yy)); // 3-7
        let yz = q.y.mul(&self.z).add(&self.y); // 8, 9
        let xz = q.x.mul(&self.z).add(&self.x); // 10, 11
        let bz3 = xz.sub(&Fe::B.mul(&self.z)).triple(); // 12-15
        let yy_minus = yy.sub(&bz3); // 16
        let yy_plus = yy.add(&bz3); // 17
        let z3 = self.z.triple(); // 19, 20
        let bxz3 = Fe::B.mul(&xz).sub(&z3.add(&xx)).triple(); // 18, 21-24
        let xx3_minus_z3 = xx.triple().sub(&z3); // 25-27
        Self {
            x: yy_plus.mul(&xy).sub(&yz.mul(&bxz3)), // 28, 32, 33
            y: yy_plus.mul(&yy_minus).add(&xx3_minus_z3.mul(&bxz3)), // 29-31
            z: yy_minus.mul(&yz).add(&xy.mul(&xx3_minus_z3)), // 34-36
        }
    }

    /// `2P` (RCB 2016, Algorithm 6).
    pub(crate) fn double(&self) -> Self {
        let xx = self.x.square(); // 1
        let yy = self.y.square(); // 2
        let zz = self.z.square(); // 3
        let xy2 = self.x.mul(&self.y).double(); // 4, 5
        let xz2 = self.x.mul(&self.z).double(); // 6, 7
        let bzz3 = Fe::B.mul(&zz).sub(&xz2).triple(); // 8-11
        let yy_minus = yy.sub(&bzz3); // 12
        let yy_plus = yy.add(&bzz3); // 13
        let zz3 = zz.triple(); // 16, 17
        let bxz6 = Fe::B.mul(&xz2).sub(&zz3.add(&xx)).triple(); // 18-22
        let xx3_minus_zz3 = xx.triple().sub(&zz3); // 23-25
        let yz2 = self.y.mul(&self.z).double(); // 28, 29
        Self {
            x: yy_minus.mul(&xy2).sub(&bxz6.mul(&yz2)), // 15, 30, 31
            y: yy_plus.mul(&yy_minus).add(&xx3_minus_zz3.mul(&bxz6)), // 14, 26, 27
            z: yz2.mul(&yy).double().double(),          // 32-34
        }
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // p256's point arithmetic, the reference
mod tests {
    use p256::elliptic_curve::group::Group as _;
    use p256::elliptic_curve::point::AffineCoordinates as _;
    use p256::{ProjectivePoint, Scalar};
    use proptest::prelude::*;

    use super::*;

    fn affine(p: &ProjectivePoint) -> Affine {
        let a = p.to_affine();
        Affine::from_be_bytes(&a.x().into(), &a.y().into()).unwrap()
    }

    /// Ours, projective, equals `p256`'s point (compared affine: x = X/Z through Z x == X).
    fn same(ours: &Projective, theirs: &ProjectivePoint) -> bool {
        if bool::from(theirs.is_identity()) {
            return ours.is_identity();
        }
        let a = affine(theirs);
        !ours.is_identity() && a.x.mul(&ours.z) == ours.x && a.y.mul(&ours.z) == ours.y
    }

    proptest! {
        /// Doubling and mixed addition against `p256` from random multiples of G, including
        /// adding a point to itself and to its negation, and from the identity.
        #[test]
        fn formulas_equal_p256(k in any::<u64>(), l in any::<u64>()) {
            let p = ProjectivePoint::GENERATOR * Scalar::from(k);
            let q = ProjectivePoint::GENERATOR * Scalar::from(l.max(1));
            let qa = affine(&q);
            let ours = if bool::from(p.is_identity()) {
                Projective::IDENTITY
            } else {
                let a = affine(&p);
                Projective { x: a.x, y: a.y, z: Fe::ONE }
            };
            prop_assert!(same(&ours.double(), &p.double()));
            prop_assert!(same(&ours.add_affine(&qa), &(p + q)));
            prop_assert!(same(&ours.add_affine(&qa.neg()), &(p - q)));
            // Through a non-trivial Z.
            let ours2 = ours.double().add_affine(&qa);
            prop_assert!(same(&ours2.double(), &(p.double() + q).double()));
            let q_as_projective = Projective { x: qa.x, y: qa.y, z: Fe::ONE };
            prop_assert!(same(&q_as_projective.add_affine(&qa), &q.double()));
            prop_assert!(same(&q_as_projective.add_affine(&qa.neg()), &ProjectivePoint::IDENTITY));
            prop_assert!(same(&Projective::IDENTITY.add_affine(&qa), &q));
        }
    }

    #[test]
    fn identity_doubles_to_itself() {
        assert!(Projective::IDENTITY.double().is_identity());
    }
}
