//! JSON Web Key Sets (RFC 7517 section 5): parsed once into verifier-ready keys under a
//! strict key policy. The crate fetches nothing: the caller supplies the JWKS bytes.

use core::fmt;

#[cfg(any(feature = "rs256", feature = "es256"))]
use crate::b64url;
use crate::json::{JsonError, Reader};
use crate::{Error, JwksFault};

/// How many entries a `keys` array may hold at most, usable or not.
pub const MAX_JWKS_ENTRIES: usize = 32;

/// The longest `kid` accepted, in bytes.
pub const MAX_KID_LEN: usize = 128;

/// A key identifier.
pub(crate) type Kid = heapless::String<MAX_KID_LEN>;

/// A short JWK string member (`kty`, `crv`, `use`, `alg`, a `key_ops` entry).
type Short = heapless::String<32>;

/// The algorithms this crate verifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 section 3.3).
    Rs256,
    /// ECDSA P-256 with SHA-256 (RFC 7518 section 3.4).
    Es256,
}

impl Algorithm {
    /// The JOSE name (`RS256`, `ES256`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Rs256 => "RS256",
            Self::Es256 => "ES256",
        }
    }

    /// The algorithm named `name`, if this crate knows it (whatever the enabled features).
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        match name {
            "RS256" => Some(Self::Rs256),
            "ES256" => Some(Self::Es256),
            _ => None,
        }
    }
}

/// Why a key of the set was refused (see [`KeySet::refused`]). A refused key is never used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyFault {
    /// `kty` (or `crv`) is not one this crate verifies with (RSA, EC P-256): ignored.
    UnsupportedType,
    /// The key type is supported but its feature (`rs256`, `es256`) is not enabled.
    FeatureDisabled,
    /// The key holds private members (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`, `k`).
    PrivateKey,
    /// `use` is present and is not `sig`.
    NotForSignatures,
    /// `key_ops` is present and does not include `verify`.
    NoVerifyOperation,
    /// `alg` is present and is not the algorithm of this key type (RS256 for RSA, ES256 for
    /// EC P-256).
    AlgorithmMismatch,
    /// A required member is missing, or is not base64url of the right length.
    Malformed,
    /// The RSA modulus is outside 2048 to 4096 bits.
    ModulusSize {
        /// The modulus' size in bits.
        bits: u32,
    },
    /// The RSA public exponent is not 65537.
    Exponent,
    /// The EC point is not on the P-256 curve.
    NotOnCurve,
}

impl fmt::Display for KeyFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::UnsupportedType => f.write_str("key type or curve not supported"),
            Self::FeatureDisabled => f.write_str("key type's feature (rs256/es256) not enabled"),
            Self::PrivateKey => f.write_str("holds private key members"),
            Self::NotForSignatures => f.write_str("use is not \"sig\""),
            Self::NoVerifyOperation => f.write_str("key_ops does not include \"verify\""),
            Self::AlgorithmMismatch => f.write_str("alg does not fit the key type"),
            Self::Malformed => f.write_str("missing or malformed key members"),
            Self::ModulusSize { bits } => write!(f, "RSA modulus of {bits} bits (2048 to 4096)"),
            Self::Exponent => f.write_str("RSA exponent is not 65537"),
            Self::NotOnCurve => f.write_str("EC point is not on P-256"),
        }
    }
}

/// A refused key: its position in the `keys` array and the reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// Index of the key in the JWKS `keys` array.
    pub index: usize,
    /// Why it was refused.
    pub fault: KeyFault,
}

/// Key material ready to verify with: precomputed state lives here, built once.
// The EC variant holds its tables inline (about 4.6 KiB): `es256` works without a heap.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub(crate) enum Material {
    #[cfg(feature = "rs256")]
    Rsa(crate::rs256::RsaKey),
    #[cfg(feature = "es256")]
    Ec(crate::es256::EcKey),
}

impl Material {
    pub(crate) const fn algorithm(&self) -> Algorithm {
        match *self {
            #[cfg(feature = "rs256")]
            Self::Rsa(_) => Algorithm::Rs256,
            #[cfg(feature = "es256")]
            Self::Ec(_) => Algorithm::Es256,
        }
    }

    #[cfg_attr(
        not(any(feature = "rs256", feature = "es256")),
        allow(unused_variables, clippy::unused_self)
    )]
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), Error> {
        match *self {
            #[cfg(feature = "rs256")]
            Self::Rsa(ref key) => key.verify(message, signature),
            #[cfg(feature = "es256")]
            Self::Ec(ref key) => key.verify(message, signature),
        }
    }
}

/// One usable key.
#[derive(Clone, Debug)]
pub(crate) struct Key {
    pub(crate) kid: Option<Kid>,
    pub(crate) material: Material,
}

/// A parsed JSON Web Key Set holding up to `N` usable keys (default 8), plus the list of
/// keys it refused and why.
///
/// Parse it once when the JWKS is fetched, keep it, and verify tokens through a
/// [`JwtVerifier`](crate::JwtVerifier). When a token names a `kid` the set does not hold
/// ([`Error::UnknownKey`]), the sender may have rotated its keys: fetch the JWKS again
/// (rate-limited, e.g. at most once a minute) and build a new set.
#[derive(Clone)]
pub struct KeySet<const N: usize = 8> {
    pub(crate) keys: heapless::Vec<Key, N>,
    refused: heapless::Vec<Refusal, MAX_JWKS_ENTRIES>,
}

impl<const N: usize> KeySet<N> {
    /// Parses a JWKS (`{"keys": [...]}`) and applies the key policy to each key:
    ///
    /// - RSA (`kty` `RSA`): modulus of 2048 to 4096 bits, `e` = 65537 (feature `rs256`);
    /// - EC (`kty` `EC`, `crv` `P-256`): the point must be on the curve (feature `es256`);
    /// - `use`, when present, must be `sig`; `key_ops`, when present, must include
    ///   `verify`; `alg`, when present, must be RS256 for RSA or ES256 for EC;
    /// - private members (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`, `k`) refuse the key.
    ///
    /// Keys of other types or curves, and keys that break the policy, are not fatal: they are
    /// left out and listed in [`refused`](Self::refused).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidJwks`] when the JSON is malformed or nested more than 16 deep, a
    /// member has the wrong JSON type, the `keys` array holds more than
    /// [`MAX_JWKS_ENTRIES`] entries or more than `N` usable keys, or two usable keys share a
    /// `kid`.
    pub fn from_json(jwks: &[u8]) -> Result<Self, Error> {
        let mut set = Self {
            keys: heapless::Vec::new(),
            refused: heapless::Vec::new(),
        };
        let mut reader = Reader::new(jwks);
        let mut seen = false;
        reader
            .object::<JwksFault>(|r, name| match name {
                Some("keys") if !seen => {
                    seen = true;
                    let mut index = 0usize;
                    r.array(|r| {
                        if index >= MAX_JWKS_ENTRIES {
                            return Err(JwksFault::TooManyKeys {
                                max: MAX_JWKS_ENTRIES,
                            });
                        }
                        let jwk = read_jwk(r)?;
                        set.add(index, jwk)?;
                        index = index.saturating_add(1);
                        Ok(())
                    })
                }
                Some("keys") => Err(JwksFault::Json),
                _ => r.skip().map_err(JwksFault::from),
            })
            .and_then(|()| reader.end().map_err(JwksFault::from))
            .map_err(Error::InvalidJwks)?;
        if seen {
            Ok(set)
        } else {
            Err(Error::InvalidJwks(JwksFault::Json))
        }
    }

    /// The number of usable keys.
    #[must_use]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no key is usable.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The keys that were refused, with the reason.
    #[must_use]
    pub fn refused(&self) -> &[Refusal] {
        &self.refused
    }

    /// The `kid`s of the usable keys, in JWKS order (`None` for a key without one).
    pub fn kids(&self) -> impl Iterator<Item = Option<&str>> {
        self.keys.iter().map(|k| k.kid.as_deref())
    }

    /// Verifies a JWS signature (RFC 7515 section 5.2) made with `alg` by the key `kid`
    /// names (or the only key, without a `kid`): `signing_input` is
    /// `base64url(header) || '.' || base64url(payload)` and `signature` the decoded
    /// signature. This is the bare signature check under the key policy, without any JWT
    /// header or claims processing; prefer [`JwtVerifier`](crate::JwtVerifier) for tokens.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownKey`], [`Error::UnsupportedAlgorithm`] when `alg` does not fit the
    /// key, [`Error::InvalidSignature`].
    pub fn verify_signature(
        &self,
        kid: Option<&str>,
        alg: Algorithm,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        let key = self.select(kid)?;
        if key.material.algorithm() != alg {
            return Err(Error::UnsupportedAlgorithm);
        }
        key.material.verify(signing_input, signature)
    }

    /// The key for a token with this `kid` (or without one, when the set holds one key).
    pub(crate) fn select(&self, kid: Option<&str>) -> Result<&Key, Error> {
        match kid {
            Some(kid) => self
                .keys
                .iter()
                .find(|k| k.kid.as_deref() == Some(kid))
                .ok_or(Error::UnknownKey),
            None => match self.keys.as_slice() {
                [only] => Ok(only),
                _ => Err(Error::UnknownKey),
            },
        }
    }

    fn add(&mut self, index: usize, jwk: Jwk<'_>) -> Result<(), JwksFault> {
        match jwk.into_key() {
            Ok(key) => {
                if key.kid.is_some() && self.keys.iter().any(|k| k.kid == key.kid) {
                    return Err(JwksFault::DuplicateKid);
                }
                self.keys
                    .push(key)
                    .map_err(|_| JwksFault::TooManyKeys { max: N })
            }
            Err(fault) => {
                // Cannot overflow: entries are capped at MAX_JWKS_ENTRIES before this.
                let _ = self.refused.push(Refusal { index, fault });
                Ok(())
            }
        }
    }
}

impl<const N: usize> fmt::Debug for KeySet<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeySet")
            .field(
                "kids",
                &self
                    .keys
                    .iter()
                    .map(|k| k.kid.as_deref())
                    .collect::<heapless::Vec<_, N>>(),
            )
            .field("refused", &self.refused)
            .finish()
    }
}

/// The members of one JWK that the policy looks at.
#[derive(Default)]
struct Jwk<'de> {
    kty: Option<Short>,
    crv: Option<Short>,
    alg: Option<Short>,
    use_: Option<Short>,
    key_ops: Option<heapless::Vec<Short, 8>>,
    kid: Option<Kid>,
    n: Option<&'de str>,
    e: Option<&'de str>,
    x: Option<&'de str>,
    y: Option<&'de str>,
    private: bool,
}

impl Jwk<'_> {
    fn into_key(self) -> Result<Key, KeyFault> {
        if self.private {
            return Err(KeyFault::PrivateKey);
        }
        let expected = match (self.kty.as_deref(), self.crv.as_deref()) {
            (Some("RSA"), _) => Algorithm::Rs256,
            (Some("EC"), Some("P-256")) => Algorithm::Es256,
            _ => return Err(KeyFault::UnsupportedType),
        };
        if self.use_.as_deref().is_some_and(|u| u != "sig") {
            return Err(KeyFault::NotForSignatures);
        }
        if let Some(ops) = &self.key_ops
            && !ops.iter().any(|op| op == "verify")
        {
            return Err(KeyFault::NoVerifyOperation);
        }
        if let Some(alg) = &self.alg
            && Algorithm::from_name(alg) != Some(expected)
        {
            return Err(KeyFault::AlgorithmMismatch);
        }
        let material = match expected {
            Algorithm::Rs256 => rsa_material(self.n, self.e)?,
            Algorithm::Es256 => ec_material(self.x, self.y)?,
        };
        Ok(Key {
            kid: self.kid,
            material,
        })
    }
}

#[cfg(feature = "rs256")]
fn rsa_material(n: Option<&str>, e: Option<&str>) -> Result<Material, KeyFault> {
    // 4096 bits is 512 bytes; room for one leading zero byte more.
    let mut n_buf = [0u8; 513];
    let mut e_buf = [0u8; 8];
    let n = n.ok_or(KeyFault::Malformed)?.as_bytes();
    let n = b64url::decode(n, &mut n_buf).map_err(|too_large| {
        if too_large {
            // Too long for any accepted size: report the size its length implies.
            let bits = b64url::decoded_len(n.len()).saturating_mul(8);
            KeyFault::ModulusSize {
                bits: u32::try_from(bits).unwrap_or(u32::MAX),
            }
        } else {
            KeyFault::Malformed
        }
    })?;
    let e = b64url::decode(e.ok_or(KeyFault::Malformed)?.as_bytes(), &mut e_buf)
        .map_err(|_| KeyFault::Exponent)?;
    crate::rs256::RsaKey::from_components(n, e).map(Material::Rsa)
}

#[cfg(not(feature = "rs256"))]
fn rsa_material(_: Option<&str>, _: Option<&str>) -> Result<Material, KeyFault> {
    Err(KeyFault::FeatureDisabled)
}

#[cfg(feature = "es256")]
fn ec_material(x: Option<&str>, y: Option<&str>) -> Result<Material, KeyFault> {
    let (mut xb, mut yb) = ([0u8; 32], [0u8; 32]);
    let x = b64url::decode(x.ok_or(KeyFault::Malformed)?.as_bytes(), &mut xb)
        .map_err(|_| KeyFault::Malformed)?;
    let y = b64url::decode(y.ok_or(KeyFault::Malformed)?.as_bytes(), &mut yb)
        .map_err(|_| KeyFault::Malformed)?;
    crate::es256::EcKey::from_coordinates(x, y).map(Material::Ec)
}

#[cfg(not(feature = "es256"))]
fn ec_material(_: Option<&str>, _: Option<&str>) -> Result<Material, KeyFault> {
    Err(KeyFault::FeatureDisabled)
}

impl From<JsonError> for JwksFault {
    fn from(error: JsonError) -> Self {
        match error {
            JsonError::TooDeep => Self::TooDeep,
            JsonError::Syntax | JsonError::Type => Self::Json,
        }
    }
}

/// Stores `value` in `slot`, refusing a member that appears twice.
fn once<T>(slot: &mut Option<T>, value: T) -> Result<(), JwksFault> {
    if slot.replace(value).is_some() {
        Err(JwksFault::Json)
    } else {
        Ok(())
    }
}

/// Reads one JWK object. A member of the wrong JSON type makes the whole set invalid; a
/// member with a sound type but an unacceptable value only refuses the key.
fn read_jwk<'a>(r: &mut Reader<'a>) -> Result<Jwk<'a>, JwksFault> {
    let mut jwk = Jwk::default();
    r.object::<JwksFault>(|r, name| {
        match name {
            Some("kty") => once(&mut jwk.kty, r.read_string()?)?,
            Some("crv") => once(&mut jwk.crv, r.read_string()?)?,
            Some("alg") => once(&mut jwk.alg, r.read_string()?)?,
            Some("use") => once(&mut jwk.use_, r.read_string()?)?,
            Some("kid") => once(&mut jwk.kid, r.read_string()?)?,
            Some("key_ops") => {
                let mut ops = heapless::Vec::new();
                r.array(|r| ops.push(r.read_string()?).map_err(|_| JwksFault::Json))?;
                once(&mut jwk.key_ops, ops)?;
            }
            Some("n") => once(&mut jwk.n, r.read_raw_string()?)?,
            Some("e") => once(&mut jwk.e, r.read_raw_string()?)?,
            Some("x") => once(&mut jwk.x, r.read_raw_string()?)?,
            Some("y") => once(&mut jwk.y, r.read_raw_string()?)?,
            // RFC 7518 sections 6.2.2 and 6.3.2 (private members), 6.4 (`k`).
            Some("d" | "p" | "q" | "dp" | "dq" | "qi" | "oth" | "k") => {
                r.skip()?;
                jwk.private = true;
            }
            _ => r.skip()?,
        }
        Ok(())
    })?;
    Ok(jwk)
}
