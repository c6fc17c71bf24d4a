//! The replay store: Redis (`SET key 1 NX EX retention`, atomic, shared by every instance),
//! or, without `--redis`, hookverify's bounded in-process guard. A store that cannot answer
//! makes the receiver answer 503: the sender retries later, and nothing is lost or processed
//! twice.

use std::sync::Mutex;
use std::time::Duration;

use hookverify::{DEFAULT_RETENTION, MemoryGuard, ReplayGuard as _, ReplayKey, Seen, UnixTime};
use redis::aio::ConnectionManager;
use redis::{AsyncCommands as _, ExistenceCheck, SetExpiry, SetOptions};

/// Keys the in-process guard holds: its retention's worth of deliveries.
const MEMORY_CAPACITY: usize = 32_768;

/// How long a Redis command may take before the delivery is answered 503.
const REDIS_TIMEOUT: Duration = Duration::from_millis(1500);

pub(crate) enum Store {
    Memory(Mutex<Box<MemoryGuard<MEMORY_CAPACITY>>>),
    Redis(ConnectionManager),
}

impl Store {
    pub(crate) fn new(redis: Option<&str>) -> Result<Self, String> {
        let Some(url) = redis else {
            return Ok(Self::Memory(Mutex::new(Box::default())));
        };
        let client = redis::Client::open(url).map_err(|e| format!("--redis {url}: {e}"))?;
        // Lazy: the receiver starts (and answers 503) while Redis is down, and reconnects by
        // itself when it is back.
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_millis(500)))
            .set_response_timeout(Some(REDIS_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(500));
        ConnectionManager::new_lazy_with_config(client, config)
            .map(Self::Redis)
            .map_err(|e| format!("--redis {url}: {e}"))
    }

    /// Removes a key recorded for a delivery that was then not processed (best effort: a
    /// store that cannot answer keeps it until it expires).
    pub(crate) async fn forget(&self, key: &ReplayKey) {
        match self {
            Self::Memory(guard) => {
                if let Ok(mut guard) = guard.lock() {
                    let _ = guard.forget(key);
                }
            }
            Self::Redis(manager) => {
                let mut connection = manager.clone();
                let del = connection.del::<_, ()>(redis_key(key));
                let _ = tokio::time::timeout(REDIS_TIMEOUT, del).await;
            }
        }
    }

    /// Records a verified delivery's key; `Err` when the store cannot answer.
    pub(crate) async fn record(&self, key: &ReplayKey, now: UnixTime) -> Result<Seen, String> {
        let keep_until = UnixTime::from_secs(now.as_secs().saturating_add(DEFAULT_RETENTION));
        match self {
            Self::Memory(guard) => guard
                .lock()
                .map_err(|_| "the in-process store is poisoned".to_owned())?
                .record(key, now, keep_until)
                .map_err(|e| e.to_string()),
            Self::Redis(manager) => {
                let name = redis_key(key);
                let options = SetOptions::default()
                    .conditional_set(ExistenceCheck::NX)
                    .with_expiration(SetExpiry::EX(DEFAULT_RETENTION));
                let mut connection = manager.clone();
                let set = connection.set_options::<_, _, Option<String>>(name, 1, options);
                match tokio::time::timeout(REDIS_TIMEOUT, set).await {
                    Ok(Ok(Some(_))) => Ok(Seen::New),
                    Ok(Ok(None)) => Ok(Seen::Duplicate),
                    Ok(Err(e)) => Err(format!("redis: {e}")),
                    Err(_) => Err("redis: timed out".to_owned()),
                }
            }
        }
    }
}

/// The Redis key of a delivery: a prefix and the hex of hookverify's replay key.
fn redis_key(key: &ReplayKey) -> String {
    let hex = key.to_hex();
    format!(
        "hookverify:seen:{}",
        std::str::from_utf8(&hex).unwrap_or("?")
    )
}
