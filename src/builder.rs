//! Building a [`Receiver`]: what it accepts (secrets, public keys, a JWKS, a JWT policy) and
//! its limits, checked once, when it is built.

use crate::error::{ConfigFault, Error, SecretFault};
#[cfg(feature = "jwks")]
use crate::jose::jwks::KeySet;
#[cfg(feature = "jwks")]
use crate::jose::policy::JwtPolicy;
#[cfg(feature = "ed25519")]
use crate::receiver::MAX_PUBLIC_KEYS;
use crate::receiver::{MAX_SECRETS, Receiver};
use crate::standard::list::{DEFAULT_MAX_SIGNATURE_HEADER_LEN, DEFAULT_MAX_SIGNATURES};
use crate::standard::secret::SecretKey;
#[cfg(feature = "ed25519")]
use crate::standard::v1a::{MAX_V1A_CHECKS, PublicKey};
use crate::time::DEFAULT_TOLERANCE;

/// Builds a [`Receiver`]: add what it accepts, then [`build`](Self::build).
///
/// The methods take and return `&mut self`, so a configuration is built where it lies:
/// a receiver with a JWKS of P-256 keys is tens of kilobytes (each key carries its
/// precomputed tables), and a builder passed by value would be copied at every step, which
/// a microcontroller's stack feels. Chain the calls in one statement, or call them on a
/// `let mut builder = Receiver::builder();` one by one.
#[derive(Clone, Debug)]
#[must_use = "a receiver is built with build()"]
pub struct ReceiverBuilder {
    receiver: Receiver,
}

impl Receiver {
    /// An empty configuration to add secrets, public keys and a JWT policy to.
    ///
    /// ```
    /// use hookverify::{Receiver, UnixTime, WebhookHeaders};
    ///
    /// let receiver = Receiver::builder()
    ///     .secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?
    ///     .public_key("whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")?
    ///     .build()?;
    /// let headers = WebhookHeaders::new(
    ///     "msg_p5jXN8AQM9LWM0D4loKWxJek",
    ///     "1614265330",
    ///     "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    /// );
    /// let delivery = receiver.verify(&headers, br#"{"test": 2432232314}"#, UnixTime::from_secs(1614265330))?;
    /// assert_eq!(delivery.authenticated_id(), Some("msg_p5jXN8AQM9LWM0D4loKWxJek"));
    /// # Ok::<(), hookverify::Error>(())
    /// ```
    pub fn builder() -> ReceiverBuilder {
        ReceiverBuilder {
            receiver: Self::empty(),
        }
    }

    /// A receiver that accepts nothing yet.
    fn empty() -> Self {
        Self {
            secrets: heapless::Vec::new(),
            #[cfg(feature = "ed25519")]
            whpk: heapless::Vec::new(),
            #[cfg(feature = "jwks")]
            key_set: None,
            #[cfg(feature = "jwks")]
            jwt: None,
            tolerance: DEFAULT_TOLERANCE,
            max_signature_header_len: DEFAULT_MAX_SIGNATURE_HEADER_LEN,
            max_signatures: DEFAULT_MAX_SIGNATURES,
            #[cfg(feature = "ed25519")]
            max_v1a_checks: MAX_V1A_CHECKS,
        }
    }

    /// A copy of this receiver with the sender's JWKS replaced by `jwks` (its Ed25519 keys
    /// for `v1a`, all its keys for JWTs), for when the sender rotated its keys. Secrets,
    /// `whpk_` keys, policy and limits are kept, and this receiver is left as it was.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidJwks`] when the set as a whole is invalid (one refused key is not);
    /// [`Error::InvalidConfig`] when it holds more Ed25519 keys than a receiver tries.
    #[cfg(feature = "jwks")]
    pub fn with_jwks(&self, jwks: &[u8]) -> Result<Self, Error> {
        let mut receiver = self.clone();
        receiver.replace_key_set(jwks)?;
        receiver.check_public_keys()?;
        Ok(receiver)
    }

    /// Parses `jwks` into this receiver's key set, in place; on an error it holds none.
    #[cfg(feature = "jwks")]
    fn replace_key_set(&mut self, jwks: &[u8]) -> Result<(), Error> {
        let parsed = self
            .key_set
            .get_or_insert_with(KeySet::empty)
            .parse_in_place(jwks);
        if parsed.is_err() {
            self.key_set = None;
        }
        parsed
    }

    /// Checks the number of `v1a` keys: the `whpk_` keys and the JWKS's Ed25519 keys
    /// together, at most [`MAX_PUBLIC_KEYS`].
    fn check_public_keys(&mut self) -> Result<(), Error> {
        #[cfg(feature = "ed25519")]
        if self.public_keys() > MAX_PUBLIC_KEYS {
            return Err(Error::InvalidConfig(ConfigFault::TooManyPublicKeys {
                max: MAX_PUBLIC_KEYS,
            }));
        }
        Ok(())
    }
}

impl ReceiverBuilder {
    /// Adds a `v1` secret (`whsec_` and base64, as [`SecretKey::from_whsec`] reads it).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSecret`] for a malformed secret, or more than [`MAX_SECRETS`].
    pub fn secret(&mut self, whsec: &str) -> Result<&mut Self, Error> {
        self.secret_key(SecretKey::from_whsec(whsec)?)
    }

    /// Adds an already parsed `v1` secret.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSecret`] beyond [`MAX_SECRETS`].
    pub fn secret_key(&mut self, key: SecretKey) -> Result<&mut Self, Error> {
        self.receiver.secrets.push(key).map_err(|_| {
            Error::InvalidSecret(SecretFault::TooMany {
                capacity: MAX_SECRETS,
            })
        })?;
        Ok(self)
    }

    /// Adds a `v1a` public key (`whpk_` and padded base64, as [`PublicKey::from_whpk`] reads
    /// it).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSecret`] for a malformed or unusable key; [`Error::InvalidConfig`]
    /// beyond [`MAX_PUBLIC_KEYS`].
    #[cfg(feature = "ed25519")]
    pub fn public_key(&mut self, whpk: &str) -> Result<&mut Self, Error> {
        self.public_key_value(PublicKey::from_whpk(whpk)?)
    }

    /// Adds an already parsed `v1a` public key.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] beyond [`MAX_PUBLIC_KEYS`].
    #[cfg(feature = "ed25519")]
    pub fn public_key_value(&mut self, key: PublicKey) -> Result<&mut Self, Error> {
        self.receiver.whpk.push(key).map_err(|_| {
            Error::InvalidConfig(ConfigFault::TooManyPublicKeys {
                max: MAX_PUBLIC_KEYS,
            })
        })?;
        Ok(self)
    }

    /// Sets the sender's JWKS (parsed here; see [`KeySet::from_json`]): its Ed25519 keys
    /// verify `v1a` entries, and all its usable keys verify JWTs when a JWT policy is set.
    /// Keys it refuses are listed by [`Receiver::key_set`]'s [`KeySet::refused`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidJwks`] when the set as a whole is invalid; the builder then holds no
    /// key set.
    #[cfg(feature = "jwks")]
    pub fn jwks(&mut self, jwks: &[u8]) -> Result<&mut Self, Error> {
        self.receiver.replace_key_set(jwks)?;
        Ok(self)
    }

    /// Sets an already parsed key set (see [`jwks`](Self::jwks)).
    #[cfg(feature = "jwks")]
    pub fn key_set(&mut self, keys: KeySet) -> &mut Self {
        self.receiver.key_set = Some(keys);
        self
    }

    /// Accepts JWT-signed deliveries under `policy`, verified with the JWKS's keys.
    #[cfg(feature = "jwks")]
    pub fn jwt(&mut self, policy: JwtPolicy) -> &mut Self {
        self.receiver.jwt = Some(policy);
        self
    }

    /// Sets the freshness tolerance in seconds (default 300): a delivery is fresh when
    /// `now - tolerance <= timestamp <= now + tolerance`.
    pub const fn tolerance(&mut self, seconds: u64) -> &mut Self {
        self.receiver.tolerance = seconds;
        self
    }

    /// Sets the cap on the signature header's length in bytes (default 4096).
    pub const fn max_signature_header_len(&mut self, bytes: usize) -> &mut Self {
        self.receiver.max_signature_header_len = bytes;
        self
    }

    /// Sets the cap on the number of entries in the signature header (default 16).
    pub const fn max_signatures(&mut self, entries: usize) -> &mut Self {
        self.receiver.max_signatures = entries;
        self
    }

    /// Sets the cap on `v1a` work: entries times public keys (default and largest
    /// [`MAX_V1A_CHECKS`], 16: two entries under eight keys, or four under four). A delivery
    /// above it is refused with `invalid-header`, never truncated.
    #[cfg(feature = "ed25519")]
    pub const fn max_v1a_checks(&mut self, checks: usize) -> &mut Self {
        self.receiver.max_v1a_checks = checks;
        self
    }

    /// The receiver, taken out of this builder, which is left empty (as
    /// [`Receiver::builder`] makes it).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when nothing was configured (no secret, no public key, no
    /// key set, no JWT policy), a JWT policy has no key set, the JWKS and `whpk_` keys hold
    /// more than [`MAX_PUBLIC_KEYS`] Ed25519 keys, or the `v1a` cap is above
    /// [`MAX_V1A_CHECKS`]. The builder keeps its configuration then.
    pub fn build(&mut self) -> Result<Receiver, Error> {
        let receiver = &mut self.receiver;
        receiver.check_public_keys()?;
        #[cfg(feature = "ed25519")]
        if receiver.max_v1a_checks > MAX_V1A_CHECKS {
            return Err(Error::InvalidConfig(ConfigFault::V1aChecks {
                max: MAX_V1A_CHECKS,
            }));
        }
        #[cfg(feature = "jwks")]
        if receiver.jwt.is_some() && receiver.key_set.is_none() {
            return Err(Error::InvalidConfig(ConfigFault::JwtWithoutKeySet));
        }
        #[cfg(feature = "ed25519")]
        let public_keys = !receiver.whpk.is_empty();
        #[cfg(not(feature = "ed25519"))]
        let public_keys = false;
        #[cfg(feature = "jwks")]
        let key_set = receiver.key_set.is_some();
        #[cfg(not(feature = "jwks"))]
        let key_set = false;
        if receiver.secrets.is_empty() && !public_keys && !key_set {
            return Err(Error::InvalidConfig(ConfigFault::NoKeys));
        }
        Ok(self.receiver.take())
    }
}

impl Receiver {
    /// This receiver, moved out field by field, leaving an empty one: no whole-receiver
    /// temporary (tens of kilobytes with a JWKS of P-256 keys) is built on the stack.
    fn take(&mut self) -> Self {
        Self {
            secrets: core::mem::take(&mut self.secrets),
            #[cfg(feature = "ed25519")]
            whpk: core::mem::take(&mut self.whpk),
            #[cfg(feature = "jwks")]
            key_set: self.key_set.take(),
            #[cfg(feature = "jwks")]
            jwt: self.jwt.take(),
            tolerance: core::mem::replace(&mut self.tolerance, DEFAULT_TOLERANCE),
            max_signature_header_len: core::mem::replace(
                &mut self.max_signature_header_len,
                DEFAULT_MAX_SIGNATURE_HEADER_LEN,
            ),
            max_signatures: core::mem::replace(&mut self.max_signatures, DEFAULT_MAX_SIGNATURES),
            #[cfg(feature = "ed25519")]
            max_v1a_checks: core::mem::replace(&mut self.max_v1a_checks, MAX_V1A_CHECKS),
        }
    }
}

#[cfg(test)]
#[cfg(all(feature = "jwks", feature = "ed25519"))]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    /// RFC 8037 appendix A.2's Ed25519 public key, as a one-key JWKS.
    const JWKS: &[u8] =
        br#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#;

    #[test]
    fn build_takes_the_configuration_and_leaves_the_builder_empty() {
        let mut builder = Receiver::builder();
        builder
            .secret(SECRET)
            .unwrap()
            .jwks(JWKS)
            .unwrap()
            .tolerance(60);
        let receiver = builder.build().unwrap();
        assert_eq!((receiver.secrets(), receiver.public_keys()), (1, 1));
        assert_eq!(receiver.tolerance(), 60);
        assert_eq!(builder.build().unwrap_err().code(), "invalid-config");
        builder.secret(SECRET).unwrap();
        let again = builder.build().unwrap();
        assert_eq!(again.tolerance(), DEFAULT_TOLERANCE);
        assert!(again.key_set().is_none());
    }

    #[test]
    fn a_failed_build_keeps_the_configuration() {
        let mut builder = Receiver::builder();
        builder
            .secret(SECRET)
            .unwrap()
            .max_v1a_checks(MAX_V1A_CHECKS + 1);
        assert_eq!(builder.build().unwrap_err().code(), "invalid-config");
        let receiver = builder.max_v1a_checks(MAX_V1A_CHECKS).build().unwrap();
        assert_eq!(receiver.secrets(), 1);
    }

    #[test]
    fn an_invalid_jwks_leaves_the_builder_without_a_key_set() {
        let mut builder = Receiver::builder();
        builder.jwks(JWKS).unwrap();
        assert_eq!(
            builder.jwks(b"{\"keys\": 1}").unwrap_err().code(),
            "invalid-jwks"
        );
        assert_eq!(builder.build().unwrap_err().code(), "invalid-config");
    }

    #[test]
    fn with_jwks_leaves_the_receiver_as_it_was_on_an_error() {
        let mut builder = Receiver::builder();
        let receiver = builder
            .secret(SECRET)
            .unwrap()
            .jwks(JWKS)
            .unwrap()
            .build()
            .unwrap();
        assert!(receiver.with_jwks(b"[]").is_err());
        assert_eq!(receiver.key_set().map(KeySet::len), Some(1));
        assert_eq!(receiver.public_keys(), 1);
        let rotated = receiver.with_jwks(br#"{"keys":[]}"#).unwrap();
        assert_eq!((rotated.public_keys(), rotated.secrets()), (0, 1));
        assert_eq!(receiver.public_keys(), 1);
    }
}
