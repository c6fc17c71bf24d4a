//! Building a [`Receiver`]: what it accepts (secrets, public keys, a JWKS, a JWT policy) and
//! its limits, checked once, when it is built.

use crate::error::{ConfigFault, Error, SecretFault};
#[cfg(feature = "jwks")]
use crate::jose::jwks::KeySet;
#[cfg(feature = "jwks")]
use crate::jose::policy::JwtPolicy;
#[cfg(feature = "ed25519")]
use crate::receiver::{MAX_PUBLIC_KEYS, V1aKey};
use crate::receiver::{MAX_SECRETS, Receiver};
use crate::standard::list::{DEFAULT_MAX_SIGNATURE_HEADER_LEN, DEFAULT_MAX_SIGNATURES};
use crate::standard::secret::SecretKey;
#[cfg(feature = "ed25519")]
use crate::standard::v1a::{MAX_V1A_CHECKS, PublicKey};
use crate::time::DEFAULT_TOLERANCE;

/// Builds a [`Receiver`]: add what it accepts, then [`build`](Self::build).
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
            receiver: Self {
                secrets: heapless::Vec::new(),
                #[cfg(feature = "ed25519")]
                whpk: heapless::Vec::new(),
                #[cfg(feature = "ed25519")]
                public_keys: heapless::Vec::new(),
                #[cfg(feature = "jwks")]
                key_set: None,
                #[cfg(feature = "jwks")]
                jwt: None,
                tolerance: DEFAULT_TOLERANCE,
                max_signature_header_len: DEFAULT_MAX_SIGNATURE_HEADER_LEN,
                max_signatures: DEFAULT_MAX_SIGNATURES,
                #[cfg(feature = "ed25519")]
                max_v1a_checks: MAX_V1A_CHECKS,
            },
        }
    }

    /// A copy of this receiver with the sender's JWKS replaced by `jwks` (its Ed25519 keys
    /// for `v1a`, all its keys for JWTs), for when the sender rotated its keys. Secrets,
    /// `whpk_` keys, policy and limits are kept.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidJwks`] when the set as a whole is invalid (one refused key is not);
    /// [`Error::InvalidConfig`] when it holds more Ed25519 keys than a receiver tries.
    #[cfg(feature = "jwks")]
    pub fn with_jwks(&self, jwks: &[u8]) -> Result<Self, Error> {
        let mut builder = ReceiverBuilder {
            receiver: self.clone(),
        }
        .jwks(jwks)?;
        builder.receiver.refresh_public_keys()?;
        Ok(builder.receiver)
    }

    /// Rebuilds the list of `v1a` keys: the `whpk_` keys, then the JWKS's Ed25519 keys.
    fn refresh_public_keys(&mut self) -> Result<(), Error> {
        #[cfg(feature = "ed25519")]
        {
            let too_many = Error::InvalidConfig(ConfigFault::TooManyPublicKeys {
                max: MAX_PUBLIC_KEYS,
            });
            self.public_keys.clear();
            for key in &self.whpk {
                self.public_keys
                    .push(V1aKey {
                        key: *key.key(),
                        #[cfg(feature = "jwks")]
                        kid: None,
                    })
                    .map_err(|_| too_many)?;
            }
            #[cfg(feature = "jwks")]
            if let Some(set) = &self.key_set {
                for (key, kid) in set.ed25519_keys() {
                    self.public_keys
                        .push(V1aKey {
                            key: *key,
                            kid: kid.and_then(|kid| kid.try_into().ok()),
                        })
                        .map_err(|_| too_many)?;
                }
            }
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
    pub fn secret(self, whsec: &str) -> Result<Self, Error> {
        self.secret_key(SecretKey::from_whsec(whsec)?)
    }

    /// Adds an already parsed `v1` secret.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSecret`] beyond [`MAX_SECRETS`].
    pub fn secret_key(mut self, key: SecretKey) -> Result<Self, Error> {
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
    pub fn public_key(self, whpk: &str) -> Result<Self, Error> {
        self.public_key_value(PublicKey::from_whpk(whpk)?)
    }

    /// Adds an already parsed `v1a` public key.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] beyond [`MAX_PUBLIC_KEYS`].
    #[cfg(feature = "ed25519")]
    pub fn public_key_value(mut self, key: PublicKey) -> Result<Self, Error> {
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
    /// [`Error::InvalidJwks`] when the set as a whole is invalid.
    #[cfg(feature = "jwks")]
    pub fn jwks(self, jwks: &[u8]) -> Result<Self, Error> {
        Ok(self.key_set(KeySet::from_json(jwks)?))
    }

    /// Sets an already parsed key set (see [`jwks`](Self::jwks)).
    #[cfg(feature = "jwks")]
    pub fn key_set(mut self, keys: KeySet) -> Self {
        self.receiver.key_set = Some(keys);
        self
    }

    /// Accepts JWT-signed deliveries under `policy`, verified with the JWKS's keys.
    #[cfg(feature = "jwks")]
    pub fn jwt(mut self, policy: JwtPolicy) -> Self {
        self.receiver.jwt = Some(policy);
        self
    }

    /// Sets the freshness tolerance in seconds (default 300): a delivery is fresh when
    /// `now - tolerance <= timestamp <= now + tolerance`.
    pub const fn tolerance(mut self, seconds: u64) -> Self {
        self.receiver.tolerance = seconds;
        self
    }

    /// Sets the cap on the signature header's length in bytes (default 4096).
    pub const fn max_signature_header_len(mut self, bytes: usize) -> Self {
        self.receiver.max_signature_header_len = bytes;
        self
    }

    /// Sets the cap on the number of entries in the signature header (default 16).
    pub const fn max_signatures(mut self, entries: usize) -> Self {
        self.receiver.max_signatures = entries;
        self
    }

    /// Sets the cap on `v1a` work: entries times public keys (default and largest
    /// [`MAX_V1A_CHECKS`], 16: two entries under eight keys, or four under four). A delivery
    /// above it is refused with `invalid-header`, never truncated.
    #[cfg(feature = "ed25519")]
    pub const fn max_v1a_checks(mut self, checks: usize) -> Self {
        self.receiver.max_v1a_checks = checks;
        self
    }

    /// The receiver.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when nothing was configured (no secret, no public key, no
    /// key set, no JWT policy), a JWT policy has no key set, the JWKS and `whpk_` keys hold
    /// more than [`MAX_PUBLIC_KEYS`] Ed25519 keys, or the `v1a` cap is above
    /// [`MAX_V1A_CHECKS`].
    pub fn build(mut self) -> Result<Receiver, Error> {
        let receiver = &mut self.receiver;
        receiver.refresh_public_keys()?;
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
        Ok(self.receiver)
    }
}
