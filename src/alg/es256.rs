//! ES256: ECDSA over P-256 with SHA-256 (RFC 7518 section 3.4; FIPS 186-5 section 6.4.2).
//!
//! Keys are checked by the `p256` crate (the point must be on the curve). Verification runs on
//! tables cached in the key: odd multiples of `2^(64 j) Q` and `2^(64 j) G` for `j = 0..4`
//! (`Q` the public point, `G` the generator). Each scalar is split into four 64-bit chunks,
//! `u = sum u_j 2^(64 j)`, so `u1 G + u2 Q` becomes an eight-term sum of 64-bit multiples,
//! computed with interleaved width-5 NAF in about 65 doublings and 87 mixed additions, variable
//! time (every input of verification is public), using only `p256`'s complete addition
//! formulas, so no exceptional case (doubling through addition, the identity) needs special
//! handling. The tables take about 4.6 KiB per key, held inline (no heap). `p256`'s own
//! verification is the reference this path is tested against.

use p256::elliptic_curve::group::Group as _;
use p256::elliptic_curve::ops::Reduce;
use p256::elliptic_curve::point::AffineCoordinates as _;
use p256::elliptic_curve::{BatchNormalize, Field as _, PrimeField as _};
use p256::{AffinePoint, FieldBytes, ProjectivePoint, Scalar};
use sha2::{Digest as _, Sha256};

use crate::error::{Error, KeyFault};

/// Length of an ES256 signature: `r || s`, 32 bytes each (RFC 7518 section 3.4).
const SIGNATURE_LEN: usize = 64;

/// The NAF window width; tables hold the `2^(W-2)` odd multiples `P, 3P, ..., 15P`.
const W: u32 = 5;
const TABLE_LEN: usize = 1 << (W - 2);

/// Scalars are split into this many chunks of [`CHUNK_BITS`] bits.
const CHUNKS: usize = 4;
const CHUNK_BITS: u32 = 64;

/// NAF digits of a 64-bit chunk: at most 65 positions.
const DIGITS: usize = 65;

/// Odd multiples of one point, affine for cheaper (mixed) additions.
type Table = [AffinePoint; TABLE_LEN];

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
        let mut tables = [[AffinePoint::IDENTITY; TABLE_LEN]; 2 * CHUNKS];
        let (q_tables, g_tables) = tables.split_at_mut(CHUNKS);
        for (base, out) in [
            (ProjectivePoint::from(*key.as_affine()), q_tables),
            (ProjectivePoint::GENERATOR, g_tables),
        ] {
            let mut point = base;
            for table in out {
                *table = odd_multiples(point);
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
        if bool::from(point.is_identity()) {
            return Err(Error::InvalidSignature);
        }
        let x = point.to_affine().x();
        let x = <Scalar as Reduce<FieldBytes>>::reduce(&x);
        if x == r {
            Ok(())
        } else {
            Err(Error::InvalidSignature)
        }
    }

    /// `u1 G + u2 Q`, variable time.
    // Scalar and point arithmetic is modular (mod n, on the curve): it cannot overflow.
    #[allow(clippy::arithmetic_side_effects)]
    fn lincomb(&self, u1: &Scalar, u2: &Scalar) -> ProjectivePoint {
        let mut digits = [[0i8; DIGITS]; 2 * CHUNKS];
        for (out, chunk) in digits
            .iter_mut()
            .zip(chunks(u2).into_iter().chain(chunks(u1)))
        {
            *out = naf(chunk);
        }
        let top = digits
            .iter()
            .filter_map(|d| d.iter().rposition(|&x| x != 0))
            .max()
            .unwrap_or(0);
        let mut acc = ProjectivePoint::IDENTITY;
        for i in (0..=top).rev() {
            acc = acc.double();
            for (naf, table) in digits.iter().zip(&self.tables) {
                let digit = naf.get(i).copied().unwrap_or(0);
                let index = usize::from(digit.unsigned_abs() >> 1);
                if let Some(point) = table.get(index) {
                    if digit > 0 {
                        acc += point;
                    } else if digit < 0 {
                        acc += &-*point;
                    }
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

/// `P, 3P, 5P, ..., (2 TABLE_LEN - 1) P` in affine form.
// Point addition is on the curve: it cannot overflow.
#[allow(clippy::arithmetic_side_effects)]
fn odd_multiples(p: ProjectivePoint) -> Table {
    let twice = p.double();
    let mut points = [p; TABLE_LEN];
    let mut previous = p;
    for point in points.iter_mut().skip(1) {
        previous += twice;
        *point = previous;
    }
    <ProjectivePoint as BatchNormalize<[ProjectivePoint; TABLE_LEN]>>::batch_normalize(&points)
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

/// The width-`W` non-adjacent form of `k`: digits odd, in `-(2^(W-1) - 1)..=2^(W-1) - 1`, at
/// most one non-zero in any `W` consecutive positions, `k = sum digit_i 2^i`.
fn naf(k: u64) -> [i8; DIGITS] {
    let mut digits = [0i8; DIGITS];
    // At most 65 bits once a negative digit has been added back: u128 has room.
    let mut k = u128::from(k);
    let window = 1u128 << W;
    let half = 1u128 << (W - 1);
    for digit in &mut digits {
        if k == 0 {
            break;
        }
        if k & 1 == 1 {
            let m = k & (window - 1);
            let signed = i8::try_from(m).unwrap_or(0);
            if m >= half {
                // Negative digit m - 2^W: add 2^W - m to k, which clears the low W bits.
                k = k.wrapping_add(window.wrapping_sub(m));
                *digit = signed.wrapping_sub(1 << W);
            } else {
                k &= !(window - 1);
                *digit = signed;
            }
        }
        k >>= 1;
    }
    digits
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // test arithmetic on small known values
mod tests {
    use super::*;
    use p256::ecdsa::signature::Signer as _;
    use p256::ecdsa::{Signature, SigningKey};

    fn value(digits: &[i8; DIGITS]) -> i128 {
        digits
            .iter()
            .enumerate()
            .map(|(i, &d)| i128::from(d) << i)
            .sum()
    }

    proptest::proptest! {
        #[test]
        fn naf_recombines(k in proptest::prelude::any::<u64>()) {
            let digits = naf(k);
            proptest::prop_assert_eq!(value(&digits), i128::from(k));
            for (i, &d) in digits.iter().enumerate() {
                proptest::prop_assert!(d == 0 || (d % 2 != 0 && d.unsigned_abs() < 16));
                if d != 0 {
                    proptest::prop_assert!(digits[i + 1..].iter().take(4).all(|&x| x == 0));
                }
            }
        }
    }

    #[test]
    fn naf_edges() {
        for k in [
            0,
            1,
            15,
            16,
            17,
            u64::MAX,
            u64::MAX - 1,
            1 << 63,
            (1 << 63) - 1,
        ] {
            assert_eq!(value(&naf(k)), i128::from(k), "{k}");
        }
    }

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
