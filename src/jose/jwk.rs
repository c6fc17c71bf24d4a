//! One JSON Web Key (RFC 7517 section 4, RFC 7518 section 6, RFC 8037 section 2): its members
//! read strictly, and the key policy that turns it into verifier-ready key material or a
//! reason to refuse it.

#[cfg(any(feature = "rs256", feature = "es256", feature = "ed25519"))]
use super::b64url;
use crate::error::{JwksFault, KeyFault};
use crate::json::{JsonError, Reader};

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
    /// `EdDSA` (RFC 8037 section 3.1), with an Ed25519 key: the polymorphic name.
    EdDsa,
    /// Ed25519 (RFC 9864 section 2.2): the fully specified name of the same operation.
    Ed25519,
}

impl Algorithm {
    /// The JOSE name (`RS256`, `ES256`, `EdDSA`, `Ed25519`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Rs256 => "RS256",
            Self::Es256 => "ES256",
            Self::EdDsa => "EdDSA",
            Self::Ed25519 => "Ed25519",
        }
    }

    /// The algorithm named `name`, if this crate knows it (whatever the enabled features).
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        match name {
            "RS256" => Some(Self::Rs256),
            "ES256" => Some(Self::Es256),
            "EdDSA" => Some(Self::EdDsa),
            "Ed25519" => Some(Self::Ed25519),
            _ => None,
        }
    }

    /// Whether this build verifies the algorithm.
    pub(crate) const fn enabled(self) -> bool {
        match self {
            Self::Rs256 => cfg!(feature = "rs256"),
            Self::Es256 => cfg!(feature = "es256"),
            Self::EdDsa | Self::Ed25519 => cfg!(feature = "ed25519"),
        }
    }
}

/// The key types this crate verifies with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyType {
    Rsa,
    EcP256,
    Ed25519,
}

impl KeyType {
    /// Whether a JWK's `alg` member names an algorithm of this key type.
    fn allows(self, alg: Algorithm) -> bool {
        matches!(
            (self, alg),
            (Self::Rsa, Algorithm::Rs256)
                | (Self::EcP256, Algorithm::Es256)
                | (Self::Ed25519, Algorithm::EdDsa | Algorithm::Ed25519)
        )
    }
}

/// Key material ready to verify with: precomputed state lives here, built once.
// The EC and Ed25519 variants hold their tables inline (4 KiB and 3.8 KiB on 64-bit
// targets): `es256` and `ed25519` work without a heap.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub(crate) enum Material {
    #[cfg(feature = "rs256")]
    Rsa(crate::alg::rs256::RsaKey),
    #[cfg(feature = "es256")]
    Ec(crate::alg::es256::EcKey),
    #[cfg(feature = "ed25519")]
    Ed25519(crate::alg::ed25519::PublicKey),
}

impl Material {
    /// Whether a token signed with `alg` can be verified with this key.
    #[cfg_attr(
        not(any(feature = "rs256", feature = "es256", feature = "ed25519")),
        allow(unused_variables, clippy::unused_self)
    )]
    pub(crate) const fn fits(&self, alg: Algorithm) -> bool {
        match *self {
            #[cfg(feature = "rs256")]
            Self::Rsa(_) => matches!(alg, Algorithm::Rs256),
            #[cfg(feature = "es256")]
            Self::Ec(_) => matches!(alg, Algorithm::Es256),
            #[cfg(feature = "ed25519")]
            Self::Ed25519(_) => matches!(alg, Algorithm::EdDsa | Algorithm::Ed25519),
        }
    }

    /// Whether `signature` is a valid signature of `message` under this key.
    #[cfg_attr(
        not(any(feature = "rs256", feature = "es256", feature = "ed25519")),
        allow(unused_variables, clippy::unused_self)
    )]
    pub(crate) fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        match *self {
            #[cfg(feature = "rs256")]
            Self::Rsa(ref key) => key.verify(message, signature).is_ok(),
            #[cfg(feature = "es256")]
            Self::Ec(ref key) => key.verify(message, signature).is_ok(),
            #[cfg(feature = "ed25519")]
            Self::Ed25519(ref key) => key.verify(message, signature),
        }
    }
}

/// The members of one JWK that the policy looks at.
#[derive(Default)]
pub(crate) struct Jwk<'de> {
    kty: Option<Short>,
    crv: Option<Short>,
    alg: Option<Short>,
    use_: Option<Short>,
    key_ops: Option<heapless::Vec<Short, MAX_KEY_OPS>>,
    pub(crate) kid: Option<Kid>,
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
    /// Applies the key policy: the key material, or why the key is refused.
    pub(crate) fn material(&self) -> Result<Material, KeyFault> {
        if let Some(fault) = self.fault {
            return Err(fault);
        }
        if self.private {
            return Err(KeyFault::PrivateKey);
        }
        let key_type = match (self.kty.as_deref(), self.crv.as_deref()) {
            (Some("RSA"), _) => KeyType::Rsa,
            (Some("EC"), Some("P-256")) => KeyType::EcP256,
            // RFC 8037 section 2: OKP keys name their curve; only Ed25519 signs here.
            (Some("OKP"), Some("Ed25519")) => KeyType::Ed25519,
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
            && !Algorithm::from_name(alg).is_some_and(|alg| key_type.allows(alg))
        {
            return Err(KeyFault::AlgorithmMismatch);
        }
        match key_type {
            KeyType::Rsa => rsa_material(self.n, self.e),
            KeyType::EcP256 => ec_material(self.x, self.y),
            KeyType::Ed25519 => okp_material(self.x),
        }
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
    crate::alg::rs256::RsaKey::from_components(n, e).map(Material::Rsa)
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
    crate::alg::es256::EcKey::from_coordinates(x, y).map(Material::Ec)
}

#[cfg(not(feature = "es256"))]
fn ec_material(_: Option<&str>, _: Option<&str>) -> Result<Material, KeyFault> {
    Err(KeyFault::FeatureDisabled)
}

#[cfg(feature = "ed25519")]
fn okp_material(x: Option<&str>) -> Result<Material, KeyFault> {
    let mut xb = [0u8; 32];
    let x = b64url::decode(x.ok_or(KeyFault::Malformed)?.as_bytes(), &mut xb)
        .map_err(|_| KeyFault::Malformed)?;
    crate::alg::ed25519::PublicKey::from_bytes(x).map(Material::Ed25519)
}

#[cfg(not(feature = "ed25519"))]
fn okp_material(_: Option<&str>) -> Result<Material, KeyFault> {
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
/// invalid; every other problem refuses this key only (see
/// [`KeySet::from_json`](crate::KeySet::from_json)).
pub(crate) fn read_jwk<'a>(r: &mut Reader<'a>) -> Result<Jwk<'a>, JwksFault> {
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
