//! The receiver's keys: the `whsec_`/`whpk_` keys and the JWT policy from the command line,
//! the sender's JWKS fetched at start and again when hookverify's refresh policy says so
//! (a delivery naming an unknown key, or v1a entries no current key verifies; at most once
//! per `--jwks-min-refresh` from the last fetch; never polled), and the current
//! `hookverify::Receiver`, replaced whole when the JWKS changes.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use hookverify::{Error, JwtPolicy, KeyRefresh, Receiver, Refresh, UnixTime};

use crate::Args;

/// Everything the receiver is built from, but the JWKS.
struct Config {
    secrets: Vec<String>,
    public_keys: Vec<String>,
    policy: Option<JwtPolicy>,
    tolerance: u64,
}

impl Config {
    /// A receiver from the command-line keys and, when fetched, the JWKS.
    fn build(&self, jwks: Option<&[u8]>) -> Result<Receiver, Error> {
        let mut builder = Receiver::builder();
        builder.tolerance(self.tolerance);
        for secret in &self.secrets {
            builder.secret(secret)?;
        }
        for key in &self.public_keys {
            builder.public_key(key)?;
        }
        if let Some(jwks) = jwks {
            builder.jwks(jwks)?;
            if let Some(policy) = &self.policy {
                builder.jwt(policy.clone());
            }
        }
        builder.build()
    }
}

pub(crate) struct Keys {
    config: Config,
    jwks_url: Option<String>,
    current: RwLock<Option<Arc<Receiver>>>,
    /// Until the JWKS is fetched: a receiver of the command-line keys alone, if any, so that
    /// `v1` (and `whpk_`) deliveries are served from the start.
    interim: Option<Arc<Receiver>>,
    refresh: tokio::sync::Mutex<KeyRefresh>,
    client: reqwest::Client,
}

impl Keys {
    pub(crate) fn new(args: &Args) -> Result<Self, String> {
        let policy = match &args.issuer {
            Some(issuer) => {
                let audiences: Vec<&str> = args.audience.iter().map(String::as_str).collect();
                let builder = JwtPolicy::builder(issuer, &audiences)
                    .map_err(|e| format!("--issuer/--audience: {e}"))?;
                Some(match &args.body_hash_claim {
                    Some(claim) => builder
                        .body_hash_claim(claim)
                        .map_err(|e| format!("--body-hash-claim: {e}"))?,
                    None => builder.body_not_authenticated(),
                })
            }
            None => None,
        };
        if policy.is_some() && args.jwks_url.is_none() {
            return Err("--issuer and --audience need --jwks-url (the keys of the tokens)".into());
        }
        let config = Config {
            secrets: args.secrets.clone(),
            public_keys: args.public_keys.clone(),
            policy,
            tolerance: args.tolerance,
        };
        // Without a JWKS the receiver is complete now; with one, it is built once fetched
        // (the command-line keys are checked now either way).
        let command_line = if config.secrets.is_empty() && config.public_keys.is_empty() {
            None
        } else {
            Some(Arc::new(
                config
                    .build(None)
                    .map_err(|e| format!("{}: {e}", e.code()))?,
            ))
        };
        if command_line.is_none() && args.jwks_url.is_none() {
            return Err("nothing to verify with: give --secret, --public-key or --jwks-url".into());
        }
        // Without a JWKS the receiver is complete now; with one, once it is fetched.
        let (current, interim) = if args.jwks_url.is_none() {
            (command_line, None)
        } else {
            (None, command_line)
        };
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(Self {
            config,
            jwks_url: args.jwks_url.clone(),
            current: RwLock::new(current),
            interim,
            refresh: tokio::sync::Mutex::new(
                KeyRefresh::new().with_min_interval(args.jwks_min_refresh),
            ),
            client,
        })
    }

    pub(crate) const fn has_jwks(&self) -> bool {
        self.jwks_url.is_some()
    }

    /// The current receiver; `None` until the startup JWKS fetch is done.
    pub(crate) fn current(&self) -> Option<Arc<Receiver>> {
        self.current.read().map_or(None, |current| current.clone())
    }

    /// The startup fetch; `true` once it succeeded.
    pub(crate) async fn startup_fetch(&self) -> bool {
        let mut refresh = self.refresh.lock().await;
        self.fetch(&mut refresh).await.is_some()
    }

    /// Before a delivery: fetches the JWKS when it is older than the maximum age (and the
    /// interval allows). Returns the receiver to verify with.
    ///
    /// A delivery never waits for a fetch already in progress (the startup fetch, or the
    /// refetch after a refusal, which anyone can trigger with a forged delivery): the lock is
    /// only tried, and while it is held the current receiver stays in service.
    /// Before the startup fetch is done, the receiver of the command-line keys (if any) is
    /// returned, and `false`: a delivery it cannot verify for lack of the JWKS should be
    /// answered "try later", not refused.
    pub(crate) async fn before_delivery(&self, now: UnixTime) -> Option<(Arc<Receiver>, bool)> {
        if self.has_jwks()
            && let Ok(mut refresh) = self.refresh.try_lock()
            && refresh.before_delivery(now) == Refresh::FetchNow
            && self.current().is_some()
        {
            self.fetch(&mut refresh).await;
        }
        match self.current() {
            Some(current) => Some((current, true)),
            None => self.interim.clone().map(|interim| (interim, false)),
        }
    }

    /// After a refusal with `error` by `used`: the receiver to verify once more with, when
    /// the JWKS was refetched now (the refusal suggests a rotation and the interval allows),
    /// or was replaced by a concurrent request since `used` was taken.
    pub(crate) async fn after_refusal(
        &self,
        error: &Error,
        used: &Arc<Receiver>,
        now: UnixTime,
    ) -> Option<Arc<Receiver>> {
        if !self.has_jwks() || !hookverify::suggests_rotation(error) {
            return None;
        }
        let mut refresh = self.refresh.lock().await;
        if let Some(current) = self.current().filter(|c| !Arc::ptr_eq(c, used)) {
            return Some(current);
        }
        match refresh.after_refusal(error, now) {
            Refresh::FetchNow => self.fetch(&mut refresh).await,
            Refresh::TooSoon { .. } | Refresh::NotNeeded => None,
        }
    }

    /// Fetches the JWKS and replaces the receiver; records the attempt in `refresh`.
    async fn fetch(&self, refresh: &mut KeyRefresh) -> Option<Arc<Receiver>> {
        let url = self.jwks_url.as_deref()?;
        let now = UnixTime::now();
        let bytes = match self.client.get(url).send().await {
            Ok(response) if response.status().is_success() => response.bytes().await.ok(),
            Ok(response) => {
                eprintln!("jwks fetch: {url} answered {}", response.status());
                None
            }
            Err(e) => {
                eprintln!("jwks fetch: {url}: {e}");
                None
            }
        };
        let Some(bytes) = bytes else {
            refresh.fetch_failed(now);
            return None;
        };
        match self.config.build(Some(&bytes)) {
            Ok(receiver) => {
                refresh.fetched(now);
                let set = receiver.key_set();
                eprintln!(
                    "jwks fetch: {} usable key(s), {} refused",
                    set.map_or(0, hookverify::KeySet::len),
                    set.map_or(0, |s| s.refused().len())
                );
                let receiver = Arc::new(receiver);
                if let Ok(mut current) = self.current.write() {
                    *current = Some(Arc::clone(&receiver));
                }
                Some(receiver)
            }
            Err(e) => {
                // A key set that cannot be used keeps the previous one in service.
                refresh.fetch_failed(now);
                eprintln!("jwks fetch: {url}: {}: {e}", e.code());
                None
            }
        }
    }
}
