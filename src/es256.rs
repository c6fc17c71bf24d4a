//! ES256: ECDSA over P-256 with SHA-256 (RFC 7518 section 3.4), through the `p256` crate.

use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::{Signature, VerifyingKey};

use crate::Error;
use crate::jwks::KeyFault;

/// Length of an ES256 signature: `r || s`, 32 bytes each (RFC 7518 section 3.4).
const SIGNATURE_LEN: usize = 64;

/// A P-256 public key, checked to be a point on the curve when it was built.
#[derive(Clone, Debug)]
pub(crate) struct EcKey(VerifyingKey);

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
        VerifyingKey::from_sec1_bytes(&sec1)
            .map(Self)
            .map_err(|_| KeyFault::NotOnCurve)
    }

    /// Verifies `signature` (exactly 64 bytes `r || s`, each in `1..n`; DER is refused)
    /// over `message`.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), Error> {
        if signature.len() != SIGNATURE_LEN {
            return Err(Error::InvalidSignature);
        }
        // `from_slice` refuses r or s equal to zero or not below the group order n, the
        // check whose absence was CVE-2022-21449.
        let signature = Signature::from_slice(signature).map_err(|_| Error::InvalidSignature)?;
        self.0
            .verify(message, &signature)
            .map_err(|_| Error::InvalidSignature)
    }
}
