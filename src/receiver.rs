//! One receiver for every scheme: configured once with what it accepts (see `builder.rs`), it
//! routes each delivery by the shape of its `webhook-signature` to exactly the schemes it was
//! configured for, one-shot or streaming, and says what it verified.

use core::fmt;

#[cfg(feature = "jwks")]
use sha2::{Digest as _, Sha256};

use crate::delivery::Delivery;
use crate::error::Error;
#[cfg(feature = "ed25519")]
use crate::error::HeaderFault;
use crate::headers::{WebhookHeaders, parse_id, parse_timestamp};
#[cfg(feature = "jwks")]
use crate::jose::jwks::KeySet;
#[cfg(feature = "jwks")]
use crate::jose::policy::JwtPolicy;
#[cfg(feature = "jwks")]
use crate::jose::token::{self, DEFAULT_MAX_TOKEN_LEN, VerifiedJwt};
use crate::scheme::Scheme;
use crate::standard::list::{SignatureList, Version};
use crate::standard::secret::SecretKey;
use crate::standard::v1::{DEFAULT_CAPACITY, Macs};
#[cfg(feature = "ed25519")]
use crate::standard::v1a::{Checks, PublicKey};
use crate::time::{UnixTime, check_freshness};

/// The most `v1` secrets a [`Receiver`] holds.
pub const MAX_SECRETS: usize = DEFAULT_CAPACITY;

/// The most Ed25519 public keys a [`Receiver`] tries `v1a` entries under: `whpk_` keys and
/// the Ed25519 keys of its JWKS together.
pub const MAX_PUBLIC_KEYS: usize = 8;

/// The largest decoded claims a JWT-signed delivery may carry (the claims of a token of the
/// largest length accepted).
#[cfg(feature = "jwks")]
const MAX_CLAIMS_LEN: usize = DEFAULT_MAX_TOKEN_LEN / 4 * 3;

/// Verifies webhook deliveries of every scheme it was configured for, and only those.
///
/// Configure it once ([`Receiver::builder`]) with the `v1` secrets (`whsec_...`), the `v1a`
/// public keys (`whpk_...`, or the OKP/Ed25519 keys of the sender's JWKS), and optionally a
/// [`JwtPolicy`](crate::JwtPolicy) with the JWKS for JWT-signed deliveries. It owns its
/// configuration (no borrowed lifetimes) and is `Send + Sync`: keep it in application state,
/// and replace it whole when the sender's JWKS changes ([`with_jwks`](Self::with_jwks)).
///
/// Routing, by the shape of `webhook-signature`:
///
/// - a value with no comma and at least one `.` is a compact JWS, verified as a JWT when a
///   JWT policy is configured (anything malformed is `invalid-token`), and
///   `unconfigured-scheme` otherwise;
/// - any other value is a Standard Webhooks list: `v1` entries are tried under the secrets,
///   `v1a` entries under the public keys, and the delivery is authentic when one entry
///   verifies under a key of its own scheme. A list whose `v1`/`v1a` entries are all of
///   schemes without keys here is `unconfigured-scheme`; entries of configured schemes that
///   do not verify, or only entries of unknown versions, are `no-matching-signature`.
///
/// The attacker chooses the shape, so a receiver accepts exactly its configured schemes: a
/// JWT cannot stand in for an HMAC delivery unless a JWT policy was configured, and a
/// policy's body binding is a choice made when it is built.
///
/// `v1a` verification is strict, rule by rule (as `ed25519-dalek`'s `verify_strict` and
/// libsodium): `S < L`; `A` (the public key) a canonical encoding of a point not of small
/// order (checked when the key is added); `R` not of small order and canonical; the
/// cofactorless equation `[S]B = R + [k]A` of RFC 8032 section 5.1.7, so a signature valid
/// only under the cofactored equation is refused. These rules make the verdict the same in
/// every strict verifier and the signature of a message unique under a key.
#[derive(Clone)]
pub struct Receiver {
    pub(crate) secrets: heapless::Vec<SecretKey, MAX_SECRETS>,
    /// The `whpk_` keys; the `v1a` keys are these, then the JWKS's Ed25519 keys, read in
    /// place (each key carries 3.8 KiB of tables on 64-bit targets: no copies).
    #[cfg(feature = "ed25519")]
    pub(crate) whpk: heapless::Vec<PublicKey, MAX_PUBLIC_KEYS>,
    #[cfg(feature = "jwks")]
    pub(crate) key_set: Option<KeySet>,
    #[cfg(feature = "jwks")]
    pub(crate) jwt: Option<JwtPolicy>,
    pub(crate) tolerance: u64,
    pub(crate) max_signature_header_len: usize,
    pub(crate) max_signatures: usize,
    #[cfg(feature = "ed25519")]
    pub(crate) max_v1a_checks: usize,
}

impl Receiver {
    /// The freshness tolerance in seconds.
    #[must_use]
    pub const fn tolerance(&self) -> u64 {
        self.tolerance
    }

    /// Whether deliveries of `scheme` can verify here: a secret for `v1`, a usable public key
    /// for `v1a`, a JWT policy for JWTs.
    #[must_use]
    pub fn accepts(&self, scheme: Scheme) -> bool {
        match scheme {
            Scheme::V1 => !self.secrets.is_empty(),
            #[cfg(feature = "ed25519")]
            Scheme::V1a => self.v1a_keys().next().is_some(),
            #[cfg(feature = "jwks")]
            Scheme::Jwt => self.jwt.is_some(),
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }

    /// The number of `v1` secrets.
    #[must_use]
    pub fn secrets(&self) -> usize {
        self.secrets.len()
    }

    /// The number of Ed25519 public keys `v1a` entries are tried under.
    #[must_use]
    pub fn public_keys(&self) -> usize {
        #[cfg(feature = "ed25519")]
        return self.v1a_keys().count();
        #[cfg(not(feature = "ed25519"))]
        return 0;
    }

    /// The `kid` of the public key at `index` (as [`Delivery::public_key_index`] counts:
    /// `whpk_` keys first, then the JWKS's Ed25519 keys), when it came from the JWKS with one.
    #[cfg(all(feature = "ed25519", feature = "jwks"))]
    #[must_use]
    pub fn public_key_kid(&self, index: usize) -> Option<&str> {
        self.v1a_keys().nth(index)?.1
    }

    /// The keys `v1a` entries are tried under, in order, with their `kid`s: the `whpk_`
    /// keys, then the JWKS's Ed25519 keys.
    #[cfg(feature = "ed25519")]
    pub(crate) fn v1a_keys(
        &self,
    ) -> impl Iterator<Item = (&crate::alg::ed25519::PublicKey, Option<&str>)> + Clone {
        let whpk = self.whpk.iter().map(|k| (k.key(), None));
        #[cfg(feature = "jwks")]
        return whpk.chain(self.key_set.iter().flat_map(KeySet::ed25519_keys));
        #[cfg(not(feature = "jwks"))]
        return whpk;
    }

    /// The sender's key set, when one was given.
    #[cfg(feature = "jwks")]
    #[must_use]
    pub const fn key_set(&self) -> Option<&KeySet> {
        self.key_set.as_ref()
    }

    /// Verifies one delivery: header syntax, the scheme its signature has the shape of,
    /// freshness, and the signature over `id.timestamp.body` (or the token and its claims).
    /// Nothing is allocated.
    ///
    /// # Errors
    ///
    /// Every per-delivery code of [`Error`]; [`Error::UnconfiguredScheme`] when the delivery
    /// is of a scheme this receiver holds no key or policy for.
    pub fn verify<'h>(
        &self,
        headers: &WebhookHeaders<'h>,
        body: &[u8],
        now: UnixTime,
    ) -> Result<Delivery<'h>, Error> {
        // The same steps as `begin`, `update`, `finish`, with each scheme's state kept in
        // place on this frame instead of moved through a `PendingDelivery`.
        let (id, timestamp, list, use_v1, use_v1a) = match self.route(headers, now)? {
            Route::Jwt {
                id,
                timestamp,
                token,
                now,
            } => return self.verify_token((id, timestamp, token, now), body),
            Route::List {
                id,
                timestamp,
                list,
                use_v1,
                use_v1a,
            } => (id, timestamp, list, use_v1, use_v1a),
        };
        let secret_index = use_v1
            .then(|| {
                Macs::<MAX_SECRETS>::once(
                    &self.secrets,
                    (id.as_bytes(), headers.timestamp, body),
                    list.payloads(Version::V1),
                )
            })
            .flatten();
        #[cfg(feature = "ed25519")]
        let key_index = if use_v1a && secret_index.is_none() {
            let mut checks = self.start_checks(&list, id, headers.timestamp);
            checks.update(body);
            self.finish_checks(&mut checks)
        } else {
            None
        };
        #[cfg(not(feature = "ed25519"))]
        let key_index = {
            let _ = use_v1a;
            None
        };
        self.list_outcome(
            id,
            timestamp,
            &list,
            (use_v1, secret_index),
            (use_v1a, key_index),
        )
    }

    /// The one-shot path of a JWT-signed delivery, on a frame of its own: the token's
    /// buffers are not held while a Standard Webhooks list is verified.
    #[cfg(feature = "jwks")]
    #[inline(never)]
    fn verify_token<'h>(
        &self,
        (id, timestamp, token, now): (&'h str, u64, &'h [u8], UnixTime),
        body: &[u8],
    ) -> Result<Delivery<'h>, Error> {
        let mut jwt = self.begin_jwt(token, now)?;
        jwt.update(body);
        jwt.finish(id, UnixTime::from_secs(timestamp))
    }

    #[cfg(not(feature = "jwks"))]
    #[allow(clippy::unused_self)]
    fn verify_token<'h>(
        &self,
        _: (&'h str, u64, &'h [u8], UnixTime),
        _: &[u8],
    ) -> Result<Delivery<'h>, Error> {
        Err(Error::UnconfiguredScheme {
            scheme: Scheme::Jwt,
        })
    }

    /// Starts a streaming verification: everything that does not need the body is checked
    /// now (headers, scheme, freshness, and for a JWT the whole token), then
    /// [`update`](PendingDelivery::update) takes the body in chunks and
    /// [`finish`](PendingDelivery::finish) gives the verdict.
    ///
    /// # Errors
    ///
    /// As [`verify`](Self::verify), for every check that does not need the body.
    pub fn begin<'h, 'r>(
        &'r self,
        headers: &WebhookHeaders<'h>,
        now: UnixTime,
    ) -> Result<PendingDelivery<'h, 'r>, Error> {
        let route = self.route(headers, now)?;
        self.start(headers, route)
    }

    /// Every check that needs neither the body nor any key: header syntax, the signature's
    /// shape and the schemes it names, freshness, the `v1a` work cap; a JWT's token is taken
    /// whole (checked by [`start`](Self::start)).
    fn route<'h>(&self, headers: &WebhookHeaders<'h>, now: UnixTime) -> Result<Route<'h>, Error> {
        let names = headers.names;
        let id = parse_id(headers.id, names.id)?;
        let timestamp = parse_timestamp(headers.timestamp, names.timestamp)?;
        let signature = headers.signature;
        if is_compact_jws(signature) {
            return Ok(Route::Jwt {
                id,
                timestamp,
                token: signature,
                now,
            });
        }
        let list = SignatureList::parse(
            signature,
            names.signature,
            self.max_signature_header_len,
            self.max_signatures,
        )?;
        let use_v1 = list.v1 > 0 && self.accepts(Scheme::V1);
        let use_v1a = list.v1a > 0 && self.accepts(Scheme::V1a);
        if !use_v1 && !use_v1a && list.v1.saturating_add(list.v1a) > 0 {
            let scheme = if list.v1a > 0 {
                Scheme::V1a
            } else {
                Scheme::V1
            };
            return Err(Error::UnconfiguredScheme { scheme });
        }
        check_freshness(timestamp, now, self.tolerance)?;
        #[cfg(feature = "ed25519")]
        if use_v1a && list.v1a.saturating_mul(self.public_keys()) > self.max_v1a_checks {
            return Err(Error::InvalidHeader {
                name: names.signature,
                fault: HeaderFault::TooManyChecks {
                    max: self.max_v1a_checks,
                },
            });
        }
        Ok(Route::List {
            id,
            timestamp,
            list,
            use_v1,
            use_v1a,
        })
    }

    /// The verification in progress for a route.
    fn start<'h, 'r>(
        &'r self,
        headers: &WebhookHeaders<'h>,
        route: Route<'h>,
    ) -> Result<PendingDelivery<'h, 'r>, Error> {
        let (id, timestamp, state) = match route {
            #[cfg(feature = "jwks")]
            Route::Jwt {
                id,
                timestamp,
                token,
                now,
            } => (id, timestamp, State::Jwt(self.begin_jwt(token, now)?)),
            #[cfg(not(feature = "jwks"))]
            Route::Jwt { .. } => {
                return Err(Error::UnconfiguredScheme {
                    scheme: Scheme::Jwt,
                });
            }
            Route::List {
                id,
                timestamp,
                list,
                use_v1,
                use_v1a,
            } => {
                #[cfg(feature = "ed25519")]
                let checks = use_v1a.then(|| self.start_checks(&list, id, headers.timestamp));
                #[cfg(not(feature = "ed25519"))]
                let _ = use_v1a;
                let macs =
                    use_v1.then(|| Macs::start(&self.secrets, id.as_bytes(), headers.timestamp));
                (
                    id,
                    timestamp,
                    State::Standard {
                        list,
                        macs,
                        #[cfg(feature = "ed25519")]
                        checks,
                    },
                )
            }
        };
        Ok(PendingDelivery {
            receiver: self,
            id,
            timestamp: UnixTime::from_secs(timestamp),
            state,
        })
    }

    /// One check of every `v1a` entry under every public key, over `id.timestamp.`.
    #[cfg(feature = "ed25519")]
    fn start_checks(&self, list: &SignatureList<'_>, id: &str, timestamp: &[u8]) -> Checks {
        Checks::start(
            list.payloads(Version::V1a),
            self.v1a_keys().map(|(key, _)| key),
            id.as_bytes(),
            timestamp,
        )
    }

    /// The index of a public key an entry verified under.
    #[cfg(feature = "ed25519")]
    fn finish_checks(&self, checks: &mut Checks) -> Option<usize> {
        checks.finish(|i| self.v1a_keys().nth(i).map(|(key, _)| key))
    }

    /// The verdict on a Standard Webhooks list: which scheme was tried (`used`) and which key
    /// matched (`index`), for `v1` and `v1a`.
    fn list_outcome<'h>(
        &self,
        id: &'h str,
        timestamp: u64,
        list: &SignatureList<'_>,
        (use_v1, secret_index): (bool, Option<usize>),
        (use_v1a, key_index): (bool, Option<usize>),
    ) -> Result<Delivery<'h>, Error> {
        let mut delivery = Delivery::new(Scheme::V1, id, UnixTime::from_secs(timestamp));
        if secret_index.is_some() {
            delivery.secret_index = secret_index;
            return Ok(delivery);
        }
        if let Some(index) = key_index {
            delivery.scheme = Scheme::V1a;
            delivery.public_key_index = Some(index);
            #[cfg(all(feature = "jwks", feature = "ed25519"))]
            {
                delivery.kid = self
                    .public_key_kid(index)
                    .and_then(|kid| kid.try_into().ok());
            }
            return Ok(delivery);
        }
        let (v1, secrets) = if use_v1 {
            (list.v1, self.secrets.len())
        } else {
            (0, 0)
        };
        let (v1a, public_keys) = if use_v1a {
            (list.v1a, self.public_keys())
        } else {
            (0, 0)
        };
        let entries = list.v1.saturating_add(list.v1a).saturating_add(list.other);
        Err(Error::NoMatchingSignature {
            v1,
            v1a,
            skipped: entries.saturating_sub(v1).saturating_sub(v1a),
            secrets,
            public_keys,
        })
    }

    /// Checks a token at `begin`: the signature and claims need no body. Not inlined: the
    /// claims buffer lives on this frame only.
    #[cfg(feature = "jwks")]
    #[inline(never)]
    fn begin_jwt<'h>(&self, token: &'h [u8], now: UnixTime) -> Result<JwtState<'h>, Error> {
        let (Some(policy), Some(keys)) = (&self.jwt, &self.key_set) else {
            return Err(Error::UnconfiguredScheme {
                scheme: Scheme::Jwt,
            });
        };
        let mut claims = [0u8; MAX_CLAIMS_LEN];
        let checked = token::check(keys, &policy.rules(), token, now, &mut claims)?;
        Ok(JwtState {
            token: checked.token,
            body: checked.body_hash.map(|expected| (Sha256::new(), expected)),
        })
    }
}

/// A value with no comma and at least one `.` has the shape of a compact JWS.
fn is_compact_jws(signature: &[u8]) -> bool {
    !signature.contains(&b',') && signature.contains(&b'.')
}

impl fmt::Debug for Receiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Receiver");
        d.field("secrets", &self.secrets.len());
        #[cfg(feature = "ed25519")]
        d.field("public_keys", &self.public_keys());
        #[cfg(feature = "jwks")]
        d.field("key_set", &self.key_set).field("jwt", &self.jwt);
        d.field("tolerance", &self.tolerance)
            .field("max_signature_header_len", &self.max_signature_header_len)
            .field("max_signatures", &self.max_signatures)
            .finish_non_exhaustive()
    }
}

/// What a delivery's headers call for, before any key is used.
enum Route<'h> {
    /// A compact JWS, checked whole when the verification starts (refused unread without
    /// the `jwks` feature).
    Jwt {
        id: &'h str,
        timestamp: u64,
        token: &'h [u8],
        now: UnixTime,
    },
    /// A Standard Webhooks list, and which of its schemes have keys here.
    List {
        id: &'h str,
        timestamp: u64,
        list: SignatureList<'h>,
        use_v1: bool,
        use_v1a: bool,
    },
}

/// The scheme-specific part of a verification in progress.
// The Standard variant holds the v1a hash states inline (no heap): it is the larger one.
#[allow(clippy::large_enum_variant)]
enum State<'h> {
    Standard {
        list: SignatureList<'h>,
        macs: Option<Macs<MAX_SECRETS>>,
        #[cfg(feature = "ed25519")]
        checks: Option<Checks>,
    },
    #[cfg(feature = "jwks")]
    Jwt(JwtState<'h>),
}

/// A JWT-signed delivery whose token verified: what is left is the body its policy binds.
#[cfg(feature = "jwks")]
struct JwtState<'h> {
    token: VerifiedJwt<'h>,
    /// The body's hash so far, and the one the token binds.
    body: Option<(Sha256, [u8; 32])>,
}

#[cfg(feature = "jwks")]
impl<'h> JwtState<'h> {
    fn update(&mut self, chunk: &[u8]) {
        if let Some((hash, _)) = &mut self.body {
            hash.update(chunk);
        }
    }

    /// The delivery, once the body hash (when the token binds one) matches.
    fn finish(self, id: &'h str, timestamp: UnixTime) -> Result<Delivery<'h>, Error> {
        if let Some((hash, expected)) = self.body
            && <[u8; 32]>::from(hash.finalize()) != expected
        {
            return Err(Error::BodyMismatch);
        }
        let mut delivery = Delivery::new(Scheme::Jwt, id, timestamp);
        delivery.kid = self.token.kid().and_then(|kid| kid.try_into().ok());
        delivery.jwt = Some(self.token);
        Ok(delivery)
    }
}

/// A verification in progress, created by [`Receiver::begin`]: the headers (and a JWT's
/// token) are checked, the body is fed with [`update`](Self::update), and
/// [`finish`](Self::finish) gives the verdict. Nothing is verified until `finish` returns
/// `Ok`.
#[must_use = "the body is not verified until `finish()` returns `Ok`"]
pub struct PendingDelivery<'h, 'r> {
    receiver: &'r Receiver,
    id: &'h str,
    timestamp: UnixTime,
    state: State<'h>,
}

impl<'h> PendingDelivery<'h, '_> {
    /// Feeds the next chunk of the body, exactly as received.
    pub fn update(&mut self, chunk: &[u8]) {
        match &mut self.state {
            State::Standard {
                macs,
                #[cfg(feature = "ed25519")]
                checks,
                ..
            } => {
                if let Some(macs) = macs {
                    macs.update(chunk);
                }
                #[cfg(feature = "ed25519")]
                if let Some(checks) = checks {
                    checks.update(chunk);
                }
            }
            #[cfg(feature = "jwks")]
            State::Jwt(jwt) => jwt.update(chunk),
        }
    }

    /// Checks the signature (or the body hash a token binds) of everything fed so far.
    ///
    /// # Errors
    ///
    /// [`Error::NoMatchingSignature`] when no entry verifies; [`Error::BodyMismatch`] when a
    /// token's body hash differs.
    pub fn finish(self) -> Result<Delivery<'h>, Error> {
        let Self {
            receiver,
            id,
            timestamp,
            state,
        } = self;
        match state {
            State::Standard {
                list,
                macs,
                #[cfg(feature = "ed25519")]
                checks,
            } => {
                let use_v1 = macs.is_some();
                let secret_index = macs.and_then(|m| m.finish(list.payloads(Version::V1)));
                #[cfg(feature = "ed25519")]
                let (use_v1a, key_index) = (
                    checks.is_some(),
                    checks.and_then(|mut c| receiver.finish_checks(&mut c)),
                );
                #[cfg(not(feature = "ed25519"))]
                let (use_v1a, key_index) = (false, None);
                receiver.list_outcome(
                    id,
                    timestamp.as_secs(),
                    &list,
                    (use_v1, secret_index),
                    (use_v1a, key_index),
                )
            }
            #[cfg(feature = "jwks")]
            State::Jwt(jwt) => jwt.finish(id, timestamp),
        }
    }
}

impl fmt::Debug for PendingDelivery<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingDelivery")
            .field("id", &self.id)
            .field("timestamp", &self.timestamp)
            .finish_non_exhaustive()
    }
}
