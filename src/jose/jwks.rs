//! JSON Web Key Sets (RFC 7517 section 5): parsed once into verifier-ready keys under a
//! strict key policy. The crate fetches nothing: the caller supplies the JWKS bytes.

use core::fmt;

#[cfg(test)]
use super::jwk::MAX_KID_LEN;
use super::jwk::{Algorithm, Jwk, Kid, Material, read_jwk};
use crate::error::{Error, JwksFault, KeyFault};
use crate::json::Reader;

/// How many entries a `keys` array may hold at most, usable or not.
pub const MAX_JWKS_ENTRIES: usize = 32;

/// The longest JWKS accepted, in bytes (32 entries of 4096-bit RSA keys take about 25 KiB).
pub const MAX_JWKS_LEN: usize = 64 * 1024;

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
    /// - OKP (`kty` `OKP`, `crv` `Ed25519`, RFC 8037): `x` of 32 bytes, the canonical
    ///   encoding of a point not of small order (feature `ed25519`); these keys verify
    ///   Standard Webhooks `v1a` signatures and `EdDSA`/`Ed25519` tokens;
    /// - `use`, when present, must be `sig`; `key_ops`, when present, must include
    ///   `verify`; `alg`, when present, must be RS256 for RSA, ES256 for EC, `EdDSA` or
    ///   `Ed25519` for OKP;
    /// - private members (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`, `k`) refuse the key;
    /// - a member that appears twice, is longer than this crate reads (`kid` over
    ///   [`MAX_KID_LEN`](crate::MAX_KID_LEN) bytes, other strings over 32, more than 8 `key_ops`), or key
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
        let mut set = Self::empty();
        set.parse_in_place(jwks)?;
        Ok(set)
    }

    /// A set without keys, to parse into.
    pub(crate) const fn empty() -> Self {
        Self {
            keys: heapless::Vec::new(),
            refused: heapless::Vec::new(),
        }
    }

    /// [`from_json`](Self::from_json) into this set, in place: a key set of eight P-256
    /// keys is tens of kilobytes (each key carries its precomputed tables), and a receiver
    /// on a small stack should not hold it twice. The set is emptied first, and left empty
    /// on an error.
    pub(crate) fn parse_in_place(&mut self, jwks: &[u8]) -> Result<(), Error> {
        self.keys.clear();
        self.refused.clear();
        let parsed = self.parse_entries(jwks);
        if parsed.is_err() {
            self.keys.clear();
            self.refused.clear();
        }
        parsed
    }

    fn parse_entries(&mut self, jwks: &[u8]) -> Result<(), Error> {
        if jwks.len() > MAX_JWKS_LEN {
            return Err(Error::InvalidJwks(JwksFault::TooLarge {
                max: MAX_JWKS_LEN,
            }));
        }
        let set = self;
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
                        set.add(index, &jwk);
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
        Ok(())
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
        if !key.material.fits(alg) || !alg.enabled() {
            return Err(Error::UnsupportedAlgorithm);
        }
        if key.material.verifies(signing_input, signature) {
            Ok(())
        } else {
            Err(Error::InvalidSignature)
        }
    }

    /// The Ed25519 keys of the set, in JWKS order, with their `kid`s: the keys `v1a`
    /// signatures are tried against.
    #[cfg(feature = "ed25519")]
    pub(crate) fn ed25519_keys(
        &self,
    ) -> impl Iterator<Item = (&crate::alg::ed25519::PublicKey, Option<&str>)> + Clone {
        self.keys.iter().filter_map(|key| match &key.material {
            Material::Ed25519(public) => Some((public, key.kid.as_deref())),
            #[allow(unreachable_patterns)]
            _ => None,
        })
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
    fn add(&mut self, index: usize, jwk: &Jwk<'_>) {
        let kid = jwk.kid.clone();
        let fault = match jwk.material() {
            Ok(material) => {
                let key = Key {
                    kid: kid.clone(),
                    material,
                    index,
                    shared_kid: false,
                };
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
