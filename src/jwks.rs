//! JSON Web Key Sets (RFC 7517 section 5): parsed once into verifier-ready keys under a
//! strict key policy. The crate fetches nothing: the caller supplies the JWKS bytes.

use core::fmt;

#[cfg(any(feature = "rs256", feature = "es256"))]
use crate::b64url;
use crate::json::{JsonError, Reader};
use crate::{Error, JwksFault};

/// How many entries a `keys` array may hold at most, usable or not.
pub const MAX_JWKS_ENTRIES: usize = 32;

/// The longest JWKS accepted, in bytes (32 entries of 4096-bit RSA keys take about 25 KiB).
pub const MAX_JWKS_LEN: usize = 64 * 1024;

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
    /// A member is longer than this crate reads: `kid` over [`MAX_KID_LEN`] bytes, `kty`,
    /// `crv`, `alg`, `use` or a `key_ops` entry over 32 bytes, or `key_ops` with more than 8
    /// entries (RFC 7517 section 4.3 defines 8 operations and forbids duplicates).
    MemberTooLong {
        /// The member's name.
        member: &'static str,
    },
    /// A member appears twice in the key (RFC 7517 section 4: member names are unique).
    DuplicateMember {
        /// The member's name.
        member: &'static str,
    },
    /// Key material (`n`, `e`, `x`, `y`) is written with JSON escapes: base64url never needs
    /// them, so such a key is refused rather than decoded.
    EscapedMember {
        /// The member's name.
        member: &'static str,
    },
    /// Another usable key of the set has the same `kid`, so the `kid` does not tell which key
    /// signed a token: every usable key with that `kid` is refused.
    DuplicateKid,
    /// The set already holds as many usable keys as its capacity `N`.
    OverCapacity {
        /// The set's capacity.
        capacity: usize,
    },
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
            Self::MemberTooLong { member } => write!(f, "member {member} is too long"),
            Self::DuplicateMember { member } => write!(f, "member {member} appears twice"),
            Self::EscapedMember { member } => {
                write!(f, "member {member} holds JSON escapes")
            }
            Self::DuplicateKid => f.write_str("another usable key has the same kid"),
            Self::OverCapacity { capacity } => {
                write!(f, "the set already holds its capacity of {capacity} keys")
            }
        }
    }
}

/// A refused key: its position in the `keys` array, its `kid` when it has a readable one,
/// and the reason. A refused key is never used; the other keys of the set are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    index: usize,
    kid: Option<Kid>,
    fault: KeyFault,
}

impl Refusal {
    /// Index of the key in the JWKS `keys` array.
    #[must_use]
    pub const fn index(&self) -> usize {
        self.index
    }

    /// The key's `kid`, unless it had none or an unreadable one (too long, wrong twice).
    #[must_use]
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// Why the key was refused.
    #[must_use]
    pub const fn fault(&self) -> KeyFault {
        self.fault
    }
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
    /// Index in the JWKS `keys` array.
    index: usize,
    /// Whether a later usable key has the same `kid` (only while parsing).
    shared_kid: bool,
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
    /// - private members (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`, `k`) refuse the key;
    /// - a member that appears twice, is longer than this crate reads (`kid` over
    ///   [`MAX_KID_LEN`] bytes, other strings over 32, more than 8 `key_ops`), or key
    ///   material written with JSON escapes refuses the key;
    /// - usable keys that share a `kid` are all refused, and keys beyond the capacity `N`.
    ///
    /// One unusual key never takes the set down: a provider that publishes one during a
    /// rotation leaves every other key usable. Keys of other types or curves, and keys that
    /// break the policy, are left out and listed in [`refused`](Self::refused) with the
    /// reason and their `kid`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidJwks`] only for the set as a whole: longer than [`MAX_JWKS_LEN`]
    /// bytes, not JSON, not an object with one `keys` array of objects, nested more than 16
    /// deep, a key member of the wrong JSON type (a number `kid`, a string `key_ops`), or
    /// more than [`MAX_JWKS_ENTRIES`] entries.
    pub fn from_json(jwks: &[u8]) -> Result<Self, Error> {
        if jwks.len() > MAX_JWKS_LEN {
            return Err(Error::InvalidJwks(JwksFault::TooLarge {
                max: MAX_JWKS_LEN,
            }));
        }
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
                        set.add(index, jwk);
                        index = index.saturating_add(1);
                        Ok(())
                    })
                }
                Some("keys") => Err(JwksFault::Json),
                _ => r.skip().map_err(JwksFault::from),
            })
            .and_then(|()| reader.end().map_err(JwksFault::from))
            .map_err(Error::InvalidJwks)?;
        if !seen {
            return Err(Error::InvalidJwks(JwksFault::Json));
        }
        set.refuse_duplicate_kids();
        Ok(set)
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

    /// Adds one parsed entry: usable, or refused with its reason. A usable key whose `kid` an
    /// earlier usable key has is refused, and the earlier key is marked to be refused too.
    fn add(&mut self, index: usize, jwk: Jwk<'_>) {
        let kid = jwk.kid.clone();
        let fault = match jwk.into_key(index) {
            Ok(key) => {
                let earlier = key
                    .kid
                    .as_ref()
                    .and_then(|kid| self.keys.iter_mut().find(|k| k.kid.as_ref() == Some(kid)));
                if let Some(earlier) = earlier {
                    earlier.shared_kid = true;
                    KeyFault::DuplicateKid
                } else if self.keys.push(key).is_ok() {
                    return;
                } else {
                    KeyFault::OverCapacity { capacity: N }
                }
            }
            Err(fault) => fault,
        };
        // Cannot overflow: entries are capped at MAX_JWKS_ENTRIES before this.
        let _ = self.refused.push(Refusal { index, kid, fault });
    }

    /// Refuses the usable keys marked as sharing their `kid` with a later one, and keeps the
    /// refusals in JWKS order.
    fn refuse_duplicate_kids(&mut self) {
        if self.keys.iter().all(|k| !k.shared_kid) {
            return;
        }
        for key in self.keys.iter().filter(|k| k.shared_kid) {
            // Cannot overflow: every refusal is a distinct entry.
            let _ = self.refused.push(Refusal {
                index: key.index,
                kid: key.kid.clone(),
                fault: KeyFault::DuplicateKid,
            });
        }
        self.keys.retain(|k| !k.shared_kid);
        self.refused.sort_unstable_by_key(|r| r.index);
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
    key_ops: Option<heapless::Vec<Short, MAX_KEY_OPS>>,
    kid: Option<Kid>,
    n: Option<&'de str>,
    e: Option<&'de str>,
    x: Option<&'de str>,
    y: Option<&'de str>,
    private: bool,
    /// The first member-level fault (too long, duplicated, escaped key material).
    fault: Option<KeyFault>,
    /// The members seen so far, one bit each in the order of [`MEMBERS`].
    seen: u16,
}

impl Jwk<'_> {
    fn into_key(self, index: usize) -> Result<Key, KeyFault> {
        if let Some(fault) = self.fault {
            return Err(fault);
        }
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
            index,
            shared_kid: false,
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
            JsonError::Syntax | JsonError::Type | JsonError::TooLong | JsonError::Escaped => {
                Self::Json
            }
        }
    }
}

/// The JWK members this crate reads, in the bit order of [`Jwk::seen`].
const MEMBERS: [&str; 10] = [
    "kty", "crv", "alg", "use", "kid", "key_ops", "n", "e", "x", "y",
];

/// The most `key_ops` entries read: RFC 7517 section 4.3 defines eight operations and forbids
/// duplicates.
const MAX_KEY_OPS: usize = 8;

impl<'a> Jwk<'a> {
    /// Records a member-level fault; the first one is the key's reason.
    fn refuse(&mut self, fault: KeyFault) {
        self.fault.get_or_insert(fault);
    }

    /// Stores a member's value read with `read`. A value of the wrong JSON type, or broken
    /// JSON, is an error of the whole set; a value too long for its buffer, with escapes
    /// where none belong, or a member seen twice refuses this key only.
    fn store<T>(
        &mut self,
        member: &'static str,
        value: Result<T, JsonError>,
        slot: impl FnOnce(&mut Self) -> &mut Option<T>,
    ) -> Result<(), JwksFault> {
        let bit = MEMBERS
            .iter()
            .position(|m| *m == member)
            .map_or(0, |i| 1u16 << i);
        let first = self.seen & bit == 0;
        self.seen |= bit;
        match value {
            Err(JsonError::TooLong) => self.refuse(KeyFault::MemberTooLong { member }),
            Err(JsonError::Escaped) => self.refuse(KeyFault::EscapedMember { member }),
            Err(other) => return Err(other.into()),
            Ok(value) if first => *slot(self) = Some(value),
            Ok(_) => {}
        }
        if !first {
            self.refuse(KeyFault::DuplicateMember { member });
        }
        Ok(())
    }
}

/// Reads `key_ops`: an array of strings (another type is an error of the set); more than
/// [`MAX_KEY_OPS`] entries or an entry over 32 bytes is `TooLong`, for the key alone.
fn read_key_ops(r: &mut Reader<'_>) -> Result<heapless::Vec<Short, MAX_KEY_OPS>, JsonError> {
    let mut ops = heapless::Vec::new();
    let mut too_long = false;
    r.array(|r| {
        match r.read_string() {
            Ok(op) => too_long |= ops.push(op).is_err(),
            Err(JsonError::TooLong) => too_long = true,
            Err(other) => return Err(other),
        }
        Ok(())
    })?;
    if too_long {
        Err(JsonError::TooLong)
    } else {
        Ok(ops)
    }
}

/// Reads one JWK object. Broken JSON, or a member of the wrong JSON type, makes the whole set
/// invalid; every other problem refuses this key only (see [`KeySet::from_json`]).
fn read_jwk<'a>(r: &mut Reader<'a>) -> Result<Jwk<'a>, JwksFault> {
    let mut jwk = Jwk::default();
    r.object::<JwksFault>(|r, name| match name {
        Some("kty") => jwk.store("kty", r.read_string(), |j| &mut j.kty),
        Some("crv") => jwk.store("crv", r.read_string(), |j| &mut j.crv),
        Some("alg") => jwk.store("alg", r.read_string(), |j| &mut j.alg),
        Some("use") => jwk.store("use", r.read_string(), |j| &mut j.use_),
        Some("kid") => jwk.store("kid", r.read_string(), |j| &mut j.kid),
        Some("key_ops") => jwk.store("key_ops", read_key_ops(r), |j| &mut j.key_ops),
        Some("n") => jwk.store("n", r.read_raw_string(), |j| &mut j.n),
        Some("e") => jwk.store("e", r.read_raw_string(), |j| &mut j.e),
        Some("x") => jwk.store("x", r.read_raw_string(), |j| &mut j.x),
        Some("y") => jwk.store("y", r.read_raw_string(), |j| &mut j.y),
        // RFC 7518 sections 6.2.2 and 6.3.2 (private members), 6.4 (`k`).
        Some("d" | "p" | "q" | "dp" | "dq" | "qi" | "oth" | "k") => {
            jwk.private = true;
            r.skip().map_err(JwksFault::from)
        }
        _ => r.skip().map_err(JwksFault::from),
    })?;
    Ok(jwk)
}

#[cfg(test)]
#[cfg(feature = "es256")]
mod tests {
    extern crate alloc;
    use super::*;
    use alloc::format;
    use alloc::string::String;
    use alloc::vec::Vec;

    /// The P-256 generator as a public key (RFC 7518 section 6.2.1 members, base64url of
    /// SEC 1 / FIPS 186-5 `G`): a valid point.
    const X: &str = "axfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5RdiYwpY";
    const Y: &str = "T-NC4v4af5uO5-tKfA-eFivOM1drMV7Oy7ZAaDe_UfU";

    fn ec(extra: &str) -> String {
        format!(r#"{{"kty":"EC","crv":"P-256","x":"{X}","y":"{Y}"{extra}}}"#)
    }

    fn parse(keys: &[String]) -> KeySet<4> {
        KeySet::from_json(format!(r#"{{"keys":[{}]}}"#, keys.join(",")).as_bytes()).unwrap()
    }

    fn refusals(set: &KeySet<4>) -> Vec<(usize, Option<&str>, KeyFault)> {
        set.refused()
            .iter()
            .map(|r| (r.index(), r.kid(), r.fault()))
            .collect()
    }

    /// Each of these once made the whole set invalid; now only that key is refused and the
    /// good key beside it stays usable.
    #[test]
    fn one_unusual_key_is_refused_alone() {
        let long_kid = "k".repeat(MAX_KID_LEN + 1);
        let cases = [
            (
                ec(&format!(r#","kid":"{long_kid}""#)),
                None,
                KeyFault::MemberTooLong { member: "kid" },
            ),
            (
                ec(
                    r#","kid":"b","key_ops":["verify","sign","encrypt","decrypt","wrapKey","unwrapKey","deriveKey","deriveBits","verify"]"#,
                ),
                Some("b"),
                KeyFault::MemberTooLong { member: "key_ops" },
            ),
            (
                ec(&format!(r#","kid":"b","alg":"{}""#, "E".repeat(33))),
                Some("b"),
                KeyFault::MemberTooLong { member: "alg" },
            ),
            (
                ec(r#","kid":"b","key_ops":["verify","x0123456789012345678901234567890123"]"#),
                Some("b"),
                KeyFault::MemberTooLong { member: "key_ops" },
            ),
            (
                ec(r#","kid":"b","crv":"P-256""#),
                Some("b"),
                KeyFault::DuplicateMember { member: "crv" },
            ),
            (
                ec(r#","kid":"b","kid":"c""#),
                Some("b"),
                KeyFault::DuplicateMember { member: "kid" },
            ),
            (
                format!(
                    r#"{{"kty":"EC","crv":"P-256","kid":"b","x":"\u0061{}","y":"{Y}"}}"#,
                    &X[1..]
                ),
                Some("b"),
                KeyFault::EscapedMember { member: "x" },
            ),
            (
                r#"{"kty":"RSA","kid":"b","n":"\u0041AAA","e":"AQAB"}"#.into(),
                Some("b"),
                KeyFault::EscapedMember { member: "n" },
            ),
            (
                r#"{"kty":"RSA","kid":"b","n":"AAAA","e":"AQ\/B"}"#.into(),
                Some("b"),
                KeyFault::EscapedMember { member: "e" },
            ),
        ];
        for (odd, kid, fault) in cases {
            let set = parse(&[ec(r#","kid":"a""#), odd.clone()]);
            assert_eq!(set.kids().collect::<Vec<_>>(), [Some("a")], "{odd}");
            assert_eq!(refusals(&set), [(1, kid, fault)], "{odd}");
        }
    }

    /// Usable keys sharing a `kid` are all refused (the `kid` cannot tell them apart); keys
    /// with other `kid`s stay usable.
    #[test]
    fn duplicate_kids_refuse_every_key_with_that_kid() {
        let set = parse(&[
            ec(r#","kid":"same""#),
            ec(r#","kid":"other""#),
            ec(r#","kid":"same""#),
            ec(r#","kid":"same""#),
        ]);
        assert_eq!(set.kids().collect::<Vec<_>>(), [Some("other")]);
        let dup = KeyFault::DuplicateKid;
        assert_eq!(
            refusals(&set),
            [
                (0, Some("same"), dup),
                (2, Some("same"), dup),
                (3, Some("same"), dup)
            ]
        );
        // A refused key sharing a usable key's kid takes nothing down.
        let set = parse(&[ec(r#","kid":"same""#), ec(r#","kid":"same","use":"enc""#)]);
        assert_eq!(set.kids().collect::<Vec<_>>(), [Some("same")]);
        // Keys without a kid do not collide.
        assert_eq!(parse(&[ec(""), ec("")]).len(), 2);
    }

    #[test]
    fn keys_beyond_the_capacity_are_refused_alone() {
        let keys: Vec<String> = (0..6).map(|i| ec(&format!(r#","kid":"{i}""#))).collect();
        let set = parse(&keys);
        assert_eq!(set.len(), 4);
        let over = KeyFault::OverCapacity { capacity: 4 };
        assert_eq!(refusals(&set), [(4, Some("4"), over), (5, Some("5"), over)]);
    }

    /// The set as a whole is invalid only for what no key can fix.
    #[test]
    fn set_level_faults() {
        let fault = |json: &str| match KeySet::<4>::from_json(json.as_bytes()) {
            Err(Error::InvalidJwks(fault)) => fault,
            other => panic!("{json}: {other:?}"),
        };
        for json in [
            "",
            "[]",
            r#"{"keys":{}}"#,
            r#"{"keys":[1]}"#,
            r#"{"keys":[],"keys":[]}"#,
            r#"{"other":[]}"#,
            r#"{"keys":[{"kty":"EC","kid":1}]}"#,
            r#"{"keys":[{"key_ops":"verify"}]}"#,
            r#"{"keys":[{"key_ops":[1]}]}"#,
            r#"{"keys":[{"n":1}]}"#,
            r#"{"keys":[{"kty":"EC"]}"#,
        ] {
            assert_eq!(fault(json), JwksFault::Json, "{json}");
        }
        let entries = format!(r#"{{"keys":[{}]}}"#, ["{}"; MAX_JWKS_ENTRIES + 1].join(","));
        assert_eq!(
            fault(&entries),
            JwksFault::TooManyKeys {
                max: MAX_JWKS_ENTRIES
            }
        );
        let large = format!(r#"{{"keys":[],"pad":"{}"}}"#, "a".repeat(MAX_JWKS_LEN));
        assert_eq!(fault(&large), JwksFault::TooLarge { max: MAX_JWKS_LEN });
    }
}
