//! Ed25519 signature verification (RFC 8032 section 5.1.7), strict, and streaming.
//!
//! The rules, each refusing what it names (the verdicts of `ed25519-dalek`'s
//! `verify_strict`, libsodium, and the criteria of Chalkias, Garillot and Nikolaenko, "Taming
//! the many `EdDSAs`", SSR 2020):
//!
//! 1. **`S < L`** (RFC 8032 section 5.1.7 step 1, `L = 2^252 + 27742317777372353535851937790883648493`):
//!    otherwise `S` and `S + L` would both verify, and a signature would not be unique.
//! 2. **Canonical `A` and `R`**: the 255-bit `y` is below `p = 2^255 - 19`, and the sign bit
//!    is clear when `x = 0` (section 5.1.3). `A` is checked when the key is built (decode, then
//!    re-encode and compare); `R` by the final comparison, which is against the canonical
//!    encoding of the computed point, so a non-canonical `R` never matches.
//! 3. **No small-order `A` or `R`**: a key of small order (`[8]A` the identity) is refused
//!    when it is built, a signature whose `R` encodes a point of small order before any
//!    hashing (by its bytes: with rule 2, only the eight canonical encodings can match). A
//!    small-order key makes signatures that verify for many messages and say nothing about
//!    who signed; a small-order `R` is the other half of that construction.
//! 4. **The cofactorless equation** `[S]B = R + [k]A`, `k = SHA-512(R || A || M) mod L`, over
//!    `R` and `A` exactly as encoded (section 5.1.7 allows it, and it is what
//!    `verify_strict` checks): a signature that holds only under the cofactored equation
//!    `[8][S]B = [8]R + [8][k]A` is refused. Points with a torsion component that are not of
//!    small order ("mixed order") are accepted when the equation holds: these rules do not
//!    demand prime-order keys, and neither does RFC 8032.
//!
//! Strictness is what makes a verdict the same in every verifier that applies these rules,
//! and what makes the signature of a message unique under a key, so that no one can make a
//! second valid signature from a first one.
//!
//! The message is hashed as it arrives: [`Check`] holds `SHA-512(R || A || ...)` for one
//! signature under one key, fed chunk by chunk. Every input is public (keys, signatures,
//! the delivery), so the arithmetic is variable time: on 64-bit targets this crate's own
//! multiplication with per-key tables (`super::ed25519_point`), elsewhere
//! `curve25519-dalek`'s `vartime_double_scalar_mul_basepoint`. The key rules are
//! `curve25519-dalek`'s decoding on every target.

use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use sha2::{Digest as _, Sha512};

#[cfg(target_pointer_width = "64")]
use super::ed25519_point::{Extended, Tables, mul_add_basepoint, tables};
use crate::error::KeyFault;

/// Length of an Ed25519 public key in bytes.
pub(crate) const PUBLIC_KEY_LEN: usize = 32;

/// Length of an Ed25519 signature in bytes: `R || S`.
pub(crate) const SIGNATURE_LEN: usize = 64;

/// An Ed25519 public key that passed the key rules: a canonical encoding of a curve point
/// that is not of small order. The point is kept negated, ready for verification: on 64-bit
/// targets as the tables of `-A` (`super::ed25519_point`, 3 840 bytes), elsewhere as a
/// `curve25519-dalek` point.
#[derive(Clone, Copy)]
pub(crate) struct PublicKey {
    encoded: [u8; PUBLIC_KEY_LEN],
    #[cfg(target_pointer_width = "64")]
    minus_a: Tables,
    #[cfg(not(target_pointer_width = "64"))]
    minus_a: EdwardsPoint,
}

/// The encoding determines the rest.
impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.encoded == other.encoded
    }
}

impl Eq for PublicKey {}

/// The encoding (a public key; the tables say nothing more).
impl core::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PublicKey")
            .field("encoded", &self.encoded)
            .finish_non_exhaustive()
    }
}

impl PublicKey {
    /// Checks and decodes a 32-byte public key.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Self, KeyFault> {
        let encoded: [u8; PUBLIC_KEY_LEN] = bytes.try_into().map_err(|_| KeyFault::Malformed)?;
        let point = CompressedEdwardsY(encoded)
            .decompress()
            .ok_or(KeyFault::NotOnCurve)?;
        if point.compress().to_bytes() != encoded {
            return Err(KeyFault::NonCanonical);
        }
        if point.is_small_order() {
            return Err(KeyFault::SmallOrder);
        }
        Ok(Self {
            encoded,
            minus_a: minus_a(point, &encoded)?,
        })
    }

    /// The key's 32 bytes, as given.
    pub(crate) const fn as_bytes(&self) -> &[u8; PUBLIC_KEY_LEN] {
        &self.encoded
    }

    /// Verifies `signature` over `message` in one call (the JWT path).
    #[cfg_attr(not(feature = "jwks"), allow(dead_code))]
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let Some(signature) = Signature::from_slice(signature) else {
            return false;
        };
        let mut check = Check::start(&signature, self);
        check.update(message);
        check.finish(&signature, self)
    }
}

/// The canonical encodings of the eight points of small order (the 8-torsion subgroup: the
/// identity, the point of order 2, two of order 4, four of order 8), the same set as
/// libsodium's blocklist; a unit test checks it against `curve25519-dalek`'s
/// `EIGHT_TORSION`. Only canonical encodings need listing: a non-canonical `R` never equals
/// the canonical encoding the verification computes (rule 2).
const SMALL_ORDER: [[u8; 32]; 8] = [
    [
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00,
    ],
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0x7a,
    ],
    [
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x80,
    ],
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x05,
    ],
    [
        0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x85,
    ],
    [
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00,
    ],
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0xfa,
    ],
];

/// A signature that passed the rules that need no key: 64 bytes, `S < L`, and an `R` that is
/// not the encoding of a point of small order.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Signature {
    r: [u8; 32],
    s: Scalar,
}

impl Signature {
    /// Checks a signature's form; `None` when it can verify under no key.
    pub(crate) fn from_slice(bytes: &[u8]) -> Option<Self> {
        let bytes: &[u8; SIGNATURE_LEN] = bytes.try_into().ok()?;
        let (r, s) = bytes.split_at(32);
        let r: [u8; 32] = r.try_into().ok()?;
        let s = Scalar::from_canonical_bytes(s.try_into().ok()?).into_option()?;
        // `R` is never decompressed: the verification compares it with the canonical
        // encoding of `[S]B - [k]A`, so an `R` that is not a canonical encoding of a curve
        // point cannot match, and the small-order points are refused by their encodings.
        if SMALL_ORDER.contains(&r) {
            return None;
        }
        Some(Self { r, s })
    }
}

/// One signature checked under one key, the message hashed as it arrives.
#[derive(Clone, Debug)]
pub(crate) struct Check {
    hash: Sha512,
}

impl Check {
    /// Starts `SHA-512(R || A || ...)`.
    pub(crate) fn start(signature: &Signature, key: &PublicKey) -> Self {
        let mut hash = Sha512::new();
        hash.update(signature.r);
        hash.update(key.encoded);
        Self { hash }
    }

    /// Feeds the next chunk of the message.
    pub(crate) fn update(&mut self, chunk: &[u8]) {
        self.hash.update(chunk);
    }

    /// Whether `[S]B - [k]A` encodes to `R` exactly; `signature` and `key` must be the ones
    /// this check was started with. Taken by reference (the hash is reset), so a set of
    /// checks is finished where it lies rather than moved.
    pub(crate) fn finish(&mut self, signature: &Signature, key: &PublicKey) -> bool {
        let k = Scalar::from_bytes_mod_order_wide(&self.hash.finalize_reset().into());
        encode_s_b_plus_k(&key.minus_a, &k, &signature.s) == signature.r
    }
}

/// `-A` as the key holds it: its tables, built from this crate's own decoding of the
/// encoding, which must re-encode to the same bytes (a second check, after
/// `curve25519-dalek`'s, that both read the same point).
#[cfg(target_pointer_width = "64")]
fn minus_a(_: EdwardsPoint, encoded: &[u8; PUBLIC_KEY_LEN]) -> Result<Tables, KeyFault> {
    let a = Extended::decompress(encoded).ok_or(KeyFault::NotOnCurve)?;
    if a.compress() != *encoded {
        return Err(KeyFault::NotOnCurve);
    }
    Ok(tables(&a.neg()))
}

/// `-A` as the key holds it.
#[cfg(not(target_pointer_width = "64"))]
#[allow(clippy::unnecessary_wraps)] // the same signature as on 64-bit targets
fn minus_a(point: EdwardsPoint, _: &[u8; PUBLIC_KEY_LEN]) -> Result<EdwardsPoint, KeyFault> {
    // Negation on the curve cannot overflow.
    #[allow(clippy::arithmetic_side_effects)]
    Ok(-point)
}

/// The encoding of `[S]B + [k](-A)`.
#[cfg(target_pointer_width = "64")]
fn encode_s_b_plus_k(minus_a: &Tables, k: &Scalar, s: &Scalar) -> [u8; 32] {
    mul_add_basepoint(minus_a, k.as_bytes(), s.as_bytes()).compress()
}

/// The encoding of `[S]B + [k](-A)`.
#[cfg(not(target_pointer_width = "64"))]
fn encode_s_b_plus_k(minus_a: &EdwardsPoint, k: &Scalar, s: &Scalar) -> [u8; 32] {
    EdwardsPoint::vartime_double_scalar_mul_basepoint(k, minus_a, s)
        .compress()
        .to_bytes()
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // test arithmetic on small known values
mod tests {
    use super::*;

    /// The small-order encodings are exactly those of `curve25519-dalek`'s 8-torsion.
    #[test]
    fn small_order_encodings_are_the_eight_torsion() {
        let mut listed = SMALL_ORDER;
        let mut torsion =
            curve25519_dalek::constants::EIGHT_TORSION.map(|p| p.compress().to_bytes());
        listed.sort_unstable();
        torsion.sort_unstable();
        assert_eq!(listed, torsion);
        for point in curve25519_dalek::constants::EIGHT_TORSION {
            assert!(point.is_small_order());
        }
    }

    /// RFC 8032 section 7.1, TEST 1 and TEST 2 (the full set, with the strict-verification
    /// edge cases, is in `tests/ed25519_vectors.rs`).
    fn hex(s: &str) -> alloc::vec::Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    extern crate alloc;

    #[test]
    fn rfc8032_test_1_and_2() {
        for (public, message, signature) in [
            (
                "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
                "",
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
            ),
            (
                "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
                "72",
                "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
            ),
        ] {
            let key = PublicKey::from_bytes(&hex(public)).unwrap();
            let mut signature = hex(signature);
            assert!(key.verify(&hex(message), &signature));
            signature[0] ^= 1;
            assert!(!key.verify(&hex(message), &signature));
        }
    }

    #[test]
    fn key_rules() {
        // The identity (y = 1): canonical, on the curve, of small order.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(PublicKey::from_bytes(&identity), Err(KeyFault::SmallOrder));
        // y = p + 1 encodes the identity non-canonically.
        let mut p_plus_1 = [0xffu8; 32];
        p_plus_1[0] = 0xee;
        p_plus_1[31] = 0x7f;
        assert_eq!(
            PublicKey::from_bytes(&p_plus_1),
            Err(KeyFault::NonCanonical)
        );
        // y = 2 is not the y of any point.
        let mut two = [0u8; 32];
        two[0] = 2;
        assert_eq!(PublicKey::from_bytes(&two), Err(KeyFault::NotOnCurve));
        assert_eq!(PublicKey::from_bytes(&[0u8; 31]), Err(KeyFault::Malformed));
    }

    #[test]
    fn streaming_equals_one_shot() {
        let key = PublicKey::from_bytes(&hex(
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        ))
        .unwrap();
        let signature = Signature::from_slice(&hex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")).unwrap();
        let mut check = Check::start(&signature, &key);
        check.update(&[]);
        check.update(&[0x72]);
        check.update(&[]);
        assert!(check.finish(&signature, &key));
    }
}
