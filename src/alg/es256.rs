//! ES256: ECDSA over P-256 with SHA-256 (RFC 7518 section 3.4; FIPS 186-5 section 6.4.2).
//!
//! Keys are checked by the `p256` crate (the point must be on the curve). Verification runs on
//! tables cached in the key: odd multiples of `2^(64 j) Q` and `2^(64 j) G` for `j = 0..4`
//! (`Q` the public point, `G` the generator). Each scalar is split into four 64-bit chunks,
//! `u = sum u_j 2^(64 j)`, so `u1 G + u2 Q` becomes an eight-term sum of 64-bit multiples,
//! computed with interleaved width-5 NAF in about 65 doublings and 87 mixed additions, variable
//! time (every input of verification is public), with complete addition formulas only, so no
//! exceptional case (doubling through addition, the identity) needs special handling. The
//! tables take 4 KiB per key on 64-bit targets (64 bytes a point), held inline (no heap).
//!
//! On 64-bit targets the field and point arithmetic is this crate's own (`p256_field`,
//! `p256_point`: Montgomery form on `u128` products with the prime's cheap reduction, the
//! same complete formulas as `p256`), which takes ES256 from 141 to 54 us on the bench
//! machine, and the final
//! check never leaves projective coordinates (`X = r Z`, no inversion). On 32-bit targets,
//! where 64-bit products are slow, `p256`'s arithmetic is used as it is. `p256`'s own
//! verification is the reference both paths are tested against.

use p256::elliptic_curve::group::Group as _;
use p256::elliptic_curve::ops::Reduce;
use p256::elliptic_curve::point::AffineCoordinates as _;
use p256::elliptic_curve::{BatchNormalize, Field as _, PrimeField as _};
use p256::{AffinePoint, FieldBytes, ProjectivePoint, Scalar};
use sha2::{Digest as _, Sha256};

use super::naf::{DIGITS, TABLE_LEN, entry, naf, top};
#[cfg(target_pointer_width = "64")]
use super::p256_field::Fe;
#[cfg(target_pointer_width = "64")]
use super::p256_point::{Affine, Projective};
use crate::error::{Error, KeyFault};

/// Length of an ES256 signature: `r || s`, 32 bytes each (RFC 7518 section 3.4).
const SIGNATURE_LEN: usize = 64;

/// Scalars are split into this many chunks of [`CHUNK_BITS`] bits.
const CHUNKS: usize = 4;
const CHUNK_BITS: u32 = 64;

/// Odd multiples of one point, affine for cheaper (mixed) additions: in this crate's own
/// representation on 64-bit targets, `p256`'s elsewhere.
type Table = [TablePoint; TABLE_LEN];
#[cfg(target_pointer_width = "64")]
type TablePoint = Affine;
#[cfg(not(target_pointer_width = "64"))]
type TablePoint = AffinePoint;
/// What a table holds before it is built (every entry is overwritten).
#[cfg(target_pointer_width = "64")]
const TABLE_INIT: TablePoint = Affine::UNSET;
#[cfg(not(target_pointer_width = "64"))]
const TABLE_INIT: TablePoint = AffinePoint::IDENTITY;
/// The accumulator of the multi-scalar multiplication.
#[cfg(target_pointer_width = "64")]
type Point = Projective;
#[cfg(not(target_pointer_width = "64"))]
type Point = ProjectivePoint;

/// `p - n` as a big-endian 32-byte integer: an `x` in `n..p` reduces to `x - n < p - n`.
#[cfg(target_pointer_width = "64")]
const P_MINUS_N: [u8; 32] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x43, 0x19, 0x05, 0x53, 0x58, 0xe8, 0x61, 0x7b,
    0x0c, 0x46, 0x35, 0x3d, 0x03, 0x9c, 0xda, 0xae,
];
/// The group order `n` as a big-endian 32-byte integer (SP 800-186 section 3.2.1.3).
#[cfg(target_pointer_width = "64")]
const N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// A P-256 public key, checked to be a point on the curve when it was built, with its
/// precomputed tables.
#[derive(Clone, Debug)]
pub(crate) struct EcKey {
    /// `2^(64 j) Q` for `j = 0..4`, then `2^(64 j) G`.
    tables: [Table; 2 * CHUNKS],
    /// The key as `p256` checked it; kept as the reference implementation.
    #[cfg_attr(not(test), allow(dead_code))]
    key: p256::ecdsa::VerifyingKey,
}

impl EcKey {
    /// Builds the key from its JWK `x` and `y` coordinates (32 bytes each, big-endian,
    /// RFC 7518 section 6.2.1.2); a point not on the curve (or the identity) is refused.
    pub(crate) fn from_coordinates(x: &[u8], y: &[u8]) -> Result<Self, KeyFault> {
        if x.len() != 32 || y.len() != 32 {
            return Err(KeyFault::Malformed);
        }
        let mut sec1 = [0u8; 65];
        let (tag, rest) = sec1.split_at_mut(1);
        let (xs, ys) = rest.split_at_mut(32);
        tag.copy_from_slice(&[0x04]);
        xs.copy_from_slice(x);
        ys.copy_from_slice(y);
        let key =
            p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).map_err(|_| KeyFault::NotOnCurve)?;
        let mut tables = [[TABLE_INIT; TABLE_LEN]; 2 * CHUNKS];
        let (q_tables, g_tables) = tables.split_at_mut(CHUNKS);
        for (base, out) in [
            (ProjectivePoint::from(*key.as_affine()), q_tables),
            (ProjectivePoint::GENERATOR, g_tables),
        ] {
            let mut point = base;
            for table in out {
                *table = odd_multiples(point).ok_or(KeyFault::Malformed)?;
                point = shift(point);
            }
        }
        Ok(Self { tables, key })
    }

    /// Verifies `signature` (exactly 64 bytes `r || s`, each in `1..n`; DER is refused) over
    /// `message`.
    // Scalar and point arithmetic is modular (mod n, on the curve): it cannot overflow.
    #[allow(clippy::arithmetic_side_effects)]
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), Error> {
        let signature: &[u8; SIGNATURE_LEN] =
            signature.try_into().map_err(|_| Error::InvalidSignature)?;
        let (r_bytes, s_bytes) = signature.split_at(32);
        // r and s must be in 1..n: `from_repr` refuses values not below n, and zero is refused
        // explicitly (the check whose absence was CVE-2022-21449).
        let scalar = |bytes: &[u8]| -> Option<Scalar> {
            let scalar = Scalar::from_repr(FieldBytes::try_from(bytes).ok()?).into_option()?;
            (!bool::from(scalar.is_zero())).then_some(scalar)
        };
        let r = scalar(r_bytes).ok_or(Error::InvalidSignature)?;
        let s = scalar(s_bytes).ok_or(Error::InvalidSignature)?;
        // FIPS 186-5 section 6.4.2: e = H(M) reduced mod n (the hash is exactly 256 bits).
        let digest: FieldBytes = Sha256::digest(message);
        let e = <Scalar as Reduce<FieldBytes>>::reduce(&digest);
        let s_inv = s
            .invert_vartime()
            .into_option()
            .ok_or(Error::InvalidSignature)?;
        let u1 = e * s_inv;
        let u2 = r * s_inv;
        let point = self.lincomb(&u1, &u2);
        if x_reduces_to(&point, r_bytes) {
            Ok(())
        } else {
            Err(Error::InvalidSignature)
        }
    }

    /// `u1 G + u2 Q`, variable time.
    // Scalar and point arithmetic is modular (mod n, on the curve): it cannot overflow.
    #[allow(clippy::arithmetic_side_effects)]
    fn lincomb(&self, u1: &Scalar, u2: &Scalar) -> Point {
        let mut digits = [[0i8; DIGITS]; 2 * CHUNKS];
        for (out, chunk) in digits
            .iter_mut()
            .zip(chunks(u2).into_iter().chain(chunks(u1)))
        {
            *out = naf(chunk);
        }
        let mut acc = Point::IDENTITY;
        for i in (0..=top(&digits)).rev() {
            acc = acc.double();
            for (naf, table) in digits.iter().zip(&self.tables) {
                let Some((index, negative)) = naf.get(i).copied().and_then(entry) else {
                    continue;
                };
                if let Some(point) = table.get(index) {
                    acc = if negative {
                        add(&acc, &negate(point))
                    } else {
                        add(&acc, point)
                    };
                }
            }
        }
        acc
    }

    /// Verification through `p256` (the reference for the fast path).
    #[cfg(test)]
    pub(crate) fn verify_reference(&self, message: &[u8], signature: &[u8]) -> Result<(), Error> {
        use p256::ecdsa::signature::Verifier as _;
        let signature =
            p256::ecdsa::Signature::from_slice(signature).map_err(|_| Error::InvalidSignature)?;
        self.key
            .verify(message, &signature)
            .map_err(|_| Error::InvalidSignature)
    }
}

/// `acc + point`, mixed addition (complete formulas in both representations).
#[cfg(target_pointer_width = "64")]
fn add(acc: &Point, point: &TablePoint) -> Point {
    acc.add_affine(point)
}

/// `acc + point`, mixed addition (complete formulas in both representations).
#[cfg(not(target_pointer_width = "64"))]
#[allow(clippy::arithmetic_side_effects)] // point addition is on the curve
fn add(acc: &Point, point: &TablePoint) -> Point {
    acc + point
}

/// `-point`.
#[cfg(target_pointer_width = "64")]
fn negate(point: &TablePoint) -> TablePoint {
    point.neg()
}

/// `-point`.
#[cfg(not(target_pointer_width = "64"))]
#[allow(clippy::arithmetic_side_effects)] // negation on the curve
fn negate(point: &TablePoint) -> TablePoint {
    -*point
}

/// Whether the affine `x` of `point` reduces mod `n` to `r` (FIPS 186-5 section 6.4.2 step
/// 8); the identity never does. On 64-bit targets `x` is never computed: with `x = X / Z`,
/// the test is `X = r Z`, or `X = (r + n) Z` when `r + n < p` (an `x` in `n..p`), which saves
/// the field inversion.
#[cfg(target_pointer_width = "64")]
fn x_reduces_to(point: &Point, r: &[u8]) -> bool {
    let Ok(r) = <&[u8; 32]>::try_from(r) else {
        return false;
    };
    if point.is_identity() {
        return false;
    }
    // r < n < p: a field element.
    let Some(r_fe) = Fe::from_be_bytes(r) else {
        return false;
    };
    if r_fe.mul(&point.z) == point.x {
        return true;
    }
    // The rare case (probability about 2^-128 for an honest signature): n is converted only
    // here, off the common path.
    *r < P_MINUS_N
        && Fe::from_be_bytes(&N).is_some_and(|n_fe| r_fe.add(&n_fe).mul(&point.z) == point.x)
}

/// Whether the affine `x` of `point` reduces mod `n` to `r` (FIPS 186-5 section 6.4.2 step
/// 8); the identity never does.
#[cfg(not(target_pointer_width = "64"))]
fn x_reduces_to(point: &Point, r: &[u8]) -> bool {
    if bool::from(point.is_identity()) {
        return false;
    }
    let x = <Scalar as Reduce<FieldBytes>>::reduce(&point.to_affine().x());
    x.to_repr().as_slice() == r
}

/// `P, 3P, 5P, ..., (2 TABLE_LEN - 1) P` in affine form.
// Point addition is on the curve: it cannot overflow.
#[allow(clippy::arithmetic_side_effects)]
fn odd_multiples(p: ProjectivePoint) -> Option<Table> {
    let twice = p.double();
    let mut points = [p; TABLE_LEN];
    let mut previous = p;
    for point in points.iter_mut().skip(1) {
        previous += twice;
        *point = previous;
    }
    let affine =
        <ProjectivePoint as BatchNormalize<[ProjectivePoint; TABLE_LEN]>>::batch_normalize(&points);
    convert(affine)
}

/// `p256`'s affine points in this crate's representation (their coordinates are below `p`:
/// `None` cannot happen).
#[cfg(target_pointer_width = "64")]
fn convert(points: [AffinePoint; TABLE_LEN]) -> Option<Table> {
    let mut table = [TABLE_INIT; TABLE_LEN];
    for (out, p) in table.iter_mut().zip(points) {
        *out = Affine::from_be_bytes(&p.x().into(), &p.y().into())?;
    }
    Some(table)
}

/// Unchanged where `p256`'s points are the table's.
#[cfg(not(target_pointer_width = "64"))]
#[allow(clippy::unnecessary_wraps)] // the same signature as on 64-bit targets
fn convert(points: [AffinePoint; TABLE_LEN]) -> Option<Table> {
    Some(points)
}

/// `2^64 P`.
fn shift(mut p: ProjectivePoint) -> ProjectivePoint {
    for _ in 0..CHUNK_BITS {
        p = p.double();
    }
    p
}

/// The four 64-bit chunks of a scalar, least significant first.
fn chunks(u: &Scalar) -> [u64; CHUNKS] {
    let bytes = u.to_repr();
    let mut out = [0u64; CHUNKS];
    for (chunk, be) in out.iter_mut().zip(bytes.rchunks_exact(8)) {
        *chunk = u64::from_be_bytes(be.try_into().unwrap_or_default());
    }
    out
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // test arithmetic on small known values
mod tests {
    use super::*;
    use p256::ecdsa::signature::Signer as _;
    use p256::ecdsa::{Signature, SigningKey};

    #[test]
    fn chunks_recombine() {
        let u = Scalar::from_repr(FieldBytes::from([
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
            25, 26, 27, 28, 29, 30, 31, 32,
        ]))
        .unwrap();
        assert_eq!(
            chunks(&u),
            [
                0x191a_1b1c_1d1e_1f20,
                0x1112_1314_1516_1718,
                0x090a_0b0c_0d0e_0f10,
                0x0102_0304_0506_0708
            ]
        );
    }

    /// The README's table size: 8 tables of 8 points, 64 bytes a point on 64-bit targets.
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn tables_take_4_kib() {
        assert_eq!(size_of::<[Table; 2 * CHUNKS]>(), 4096);
    }

    fn key_of(signing: &SigningKey) -> EcKey {
        let point = signing.verifying_key().to_sec1_point(false);
        let bytes = point.as_bytes();
        EcKey::from_coordinates(&bytes[1..33], &bytes[33..65]).unwrap()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]
        /// The fast path agrees with `p256`'s verification on random keys and messages, for
        /// valid signatures and for corrupted ones (a flipped bit anywhere, or random bytes).
        #[test]
        fn fast_verify_equals_p256(
            secret in proptest::prelude::any::<[u8; 32]>(),
            message in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
            flip in proptest::prelude::any::<(bool, u16)>(),
            random in proptest::prelude::any::<[u8; 32]>(),
        ) {
            let Ok(signing) = SigningKey::from_slice(&secret) else { return Ok(()) };
            let key = key_of(&signing);
            let signature: Signature = signing.sign(&message);
            let mut bytes = signature.to_bytes().to_vec();
            proptest::prop_assert_eq!(key.verify(&message, &bytes), Ok(()));
            proptest::prop_assert_eq!(key.verify_reference(&message, &bytes), Ok(()));
            if flip.0 {
                let bit = usize::from(flip.1) % 512;
                bytes[bit / 8] ^= 1 << (bit % 8);
            } else {
                bytes[..32].copy_from_slice(&random);
            }
            proptest::prop_assert_eq!(key.verify(&message, &bytes), key.verify_reference(&message, &bytes));
        }
    }
}
