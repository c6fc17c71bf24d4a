//! RS256: RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 section 3.3, RFC 8017 section 8.2.2).
//!
//! The `rsa` crate supplies the public key checks and the raw RSAVP1 primitive; the encoded
//! message is rebuilt here from the hash and compared as a whole, in constant time, so no
//! ASN.1 is ever parsed from attacker-controlled data (the Bleichenbacher-2006 forgery class).

extern crate alloc;

use rsa::traits::PublicKeyParts as _;
use rsa::{BoxedUint, RsaPublicKey};
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use crate::Error;
use crate::jwks::KeyFault;

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

/// An RSA public key within the key policy: 2048 to 4096-bit modulus, exponent 65537.
#[derive(Clone, Debug)]
pub(crate) struct RsaKey {
    key: RsaPublicKey,
    /// Modulus length in bytes: the exact length of every signature.
    len: usize,
}

impl RsaKey {
    /// Builds the key from its JWK `n` and `e` (big-endian, RFC 7518 section 6.3.1).
    pub(crate) fn from_components(n: &[u8], e: &[u8]) -> Result<Self, KeyFault> {
        let n = strip_zeros(n);
        if strip_zeros(e) != EXPONENT {
            return Err(KeyFault::Exponent);
        }
        let bits = BoxedUint::from_be_slice_vartime(n).bits_vartime();
        if !(MIN_BITS..=MAX_BITS).contains(&bits) {
            return Err(KeyFault::ModulusSize { bits });
        }
        let n = BoxedUint::from_be_slice_vartime(n);
        let e = BoxedUint::from_be_slice_vartime(&EXPONENT);
        let key = RsaPublicKey::new(n, e).map_err(|_| KeyFault::Malformed)?;
        let len = key.size();
        Ok(Self { key, len })
    }

    /// Verifies `signature` over `message`: the signature is exactly as long as the modulus
    /// and below it (RFC 8017 section 8.2.2 step 1 and 5.2.2 step 1), and `s^e mod n` equals
    /// the encoding `0x00 0x01 FF..FF 0x00 DigestInfo(SHA-256(message))` byte for byte.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), Error> {
        if signature.len() != self.len {
            return Err(Error::InvalidSignature);
        }
        let precision = self.key.n_bits_precision();
        let s =
            BoxedUint::from_be_slice(signature, precision).map_err(|_| Error::InvalidSignature)?;
        if s >= *self.key.n().as_ref() {
            return Err(Error::InvalidSignature);
        }
        let m = rsa::hazmat::rsa_encrypt(&self.key, &s).map_err(|_| Error::InvalidSignature)?;
        let m = m.to_be_bytes();
        // `m` has the modulus' limb precision: any bytes before the last `len` must be zero.
        let split = m
            .len()
            .checked_sub(self.len)
            .ok_or(Error::InvalidSignature)?;
        let (high, em) = m.split_at(split);
        let expected = encode(&Sha256::digest(message), self.len).ok_or(Error::InvalidSignature)?;
        let high_zero = high.iter().fold(0u8, |acc, b| acc | b).ct_eq(&0);
        if bool::from(high_zero & em.ct_eq(&expected)) {
            Ok(())
        } else {
            Err(Error::InvalidSignature)
        }
    }
}

/// EMSA-PKCS1-v1_5 encoding of a SHA-256 hash for a `k`-byte modulus (RFC 8017 section 9.2).
fn encode(hash: &[u8], k: usize) -> Option<alloc::vec::Vec<u8>> {
    let t_len = DIGEST_INFO_SHA256.len().checked_add(hash.len())?;
    let ps_len = k.checked_sub(t_len)?.checked_sub(3)?;
    if ps_len < 8 {
        return None;
    }
    let mut em = alloc::vec::Vec::with_capacity(k);
    em.extend_from_slice(&[0x00, 0x01]);
    em.resize(ps_len.checked_add(2)?, 0xff);
    em.push(0x00);
    em.extend_from_slice(&DIGEST_INFO_SHA256);
    em.extend_from_slice(hash);
    Some(em)
}

/// `bytes` without its leading zero bytes.
fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(first..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_layout() {
        let em = encode(&[0xaa; 32], 256).unwrap();
        assert_eq!(em.len(), 256);
        assert_eq!(&em[..2], &[0, 1]);
        assert!(em[2..256 - 52].iter().all(|&b| b == 0xff));
        assert_eq!(em[256 - 52], 0);
        assert_eq!(&em[256 - 51..256 - 32], &DIGEST_INFO_SHA256);
        assert_eq!(&em[256 - 32..], &[0xaa; 32]);
        assert!(encode(&[0; 32], 61).is_none());
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
}
