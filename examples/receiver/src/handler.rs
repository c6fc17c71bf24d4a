//! `POST /webhooks` and `GET /healthz`, and the log of processed deliveries.
//!
//! A delivery is verified first (a forgery is answered 401 whatever the state of the replay
//! store, and never uses up an id), then its authenticated id is recorded, atomically, in the
//! store shared by every instance: new → processed once, 204; already seen → 200 without
//! processing (a duplicate must be acknowledged, or the sender retries it for 24 hours);
//! store unreachable → 503 (the sender retries later).

use std::fs::File;
use std::io::Write as _;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State as Extract;
use axum::http::{HeaderMap, StatusCode};
use hookverify::{Delivery, EventKind, ReplayKey, Scheme, Seen, UnixTime, WebhookHeaders};

use crate::keys::Keys;
use crate::store::Store;

pub(crate) struct State {
    pub(crate) keys: Keys,
    pub(crate) store: Store,
    pub(crate) processed: Option<ProcessedLog>,
}

/// One JSON line per processed delivery, appended with one write each.
pub(crate) struct ProcessedLog(Mutex<File>);

impl ProcessedLog {
    pub(crate) fn open(path: &Path) -> Result<Self, String> {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map(|file| Self(Mutex::new(file)))
            .map_err(|e| format!("--processed {}: {e}", path.display()))
    }

    fn append(&self, line: &str) -> Result<(), String> {
        let mut file = self
            .0
            .lock()
            .map_err(|_| "processed log poisoned".to_owned())?;
        file.write_all(format!("{line}\n").as_bytes())
            .map_err(|e| format!("processed log: {e}"))
    }
}

pub(crate) async fn healthz(Extract(state): Extract<Arc<State>>) -> (StatusCode, &'static str) {
    if state.keys.current().is_some() {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "starting")
    }
}

/// What happened to one delivery, for the response and the log line.
struct Outcome {
    status: StatusCode,
    body: String,
    what: String,
    id: String,
    scheme: &'static str,
}

pub(crate) async fn webhook(
    Extract(state): Extract<Arc<State>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let started = Instant::now();
    let outcome = handle(&state, &headers, &body).await;
    // One line per delivery, one field per name: ids are printed escaped (see `log_field`).
    println!(
        "delivery id={} scheme={} outcome={} status={} latency_us={}",
        outcome.id,
        outcome.scheme,
        outcome.what,
        outcome.status.as_u16(),
        started.elapsed().as_micros()
    );
    (outcome.status, outcome.body)
}

async fn handle(state: &State, headers: &HeaderMap, body: &[u8]) -> Outcome {
    let header_id = headers
        .get("webhook-id")
        .or_else(|| headers.get("svix-id"))
        .map_or_else(|| "-".to_owned(), |v| log_field(v.as_bytes()));
    let refused = |status: StatusCode, code: &str, what: String| Outcome {
        status,
        body: code.to_owned(),
        what,
        id: header_id.clone(),
        scheme: "-",
    };
    let now = UnixTime::now();
    let Some((mut receiver, keys_ready)) = state.keys.before_delivery(now).await else {
        return refused(
            StatusCode::SERVICE_UNAVAILABLE,
            "keys-unavailable",
            "unavailable:keys-not-fetched-yet".to_owned(),
        );
    };
    let signed = match WebhookHeaders::from_http1(headers) {
        Ok(signed) => signed,
        Err(e) => {
            return refused(
                StatusCode::UNAUTHORIZED,
                e.code(),
                format!("rejected:{}", e.code()),
            );
        }
    };
    let mut verdict = receiver.verify(&signed, body, now);
    if let Err(error) = &verdict
        && let Some(refreshed) = state.keys.after_refusal(error, &receiver, now).await
    {
        // The sender may have rotated its keys: verify once more with the new set.
        receiver = refreshed;
        verdict = receiver.verify(&signed, body, now);
    }
    let delivery = match verdict {
        Ok(delivery) => delivery,
        // Before the JWKS is fetched, a v1a or JWT delivery has no keys yet: "try later".
        Err(hookverify::Error::UnconfiguredScheme { .. }) if !keys_ready => {
            return refused(
                StatusCode::SERVICE_UNAVAILABLE,
                "keys-unavailable",
                "unavailable:keys-not-fetched-yet".to_owned(),
            );
        }
        Err(e) => {
            return refused(
                StatusCode::UNAUTHORIZED,
                e.code(),
                format!("rejected:{}", e.code()),
            );
        }
    };
    let scheme = delivery.scheme().as_str();
    let id = delivery
        .authenticated_id()
        .map_or_else(|| "-".to_owned(), |id| log_field(id.as_bytes()));
    let done = |status: StatusCode, body: &str, what: &str| Outcome {
        status,
        body: body.to_owned(),
        what: what.to_owned(),
        id: id.clone(),
        scheme,
    };
    // Verified: now, and only now, the id is recorded.
    let key = ReplayKey::of(&delivery);
    let seen = match &key {
        Some(key) => match state.store.record(key, now).await {
            Ok(seen) => seen,
            Err(e) => {
                // The SET may have reached Redis before its answer was lost: take it back, so
                // the sender's retry is processed rather than acknowledged as a duplicate.
                state.store.forget(key).await;
                return done(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "store-unavailable",
                    &format!("unavailable:{}", e.replace(' ', "_")),
                );
            }
        },
        // A token without `jti`: nothing authenticated identifies it; processed each time.
        None => Seen::New,
    };
    if seen == Seen::Duplicate {
        return done(StatusCode::OK, "duplicate", "duplicate");
    }
    if let Err(e) = process(state, &delivery, scheme, body) {
        // Not processed: forget the id and let the sender retry, rather than acknowledge a
        // delivery whose retries would then be taken for duplicates.
        eprintln!("{e}");
        if let Some(key) = &key {
            state.store.forget(key).await;
        }
        return done(
            StatusCode::SERVICE_UNAVAILABLE,
            "processing-failed",
            "unavailable:processing-failed",
        );
    }
    done(StatusCode::NO_CONTENT, "", "processed")
}

/// What "processing" is in this example: one JSON line in the `--processed` file.
fn process(
    state: &State,
    delivery: &Delivery<'_>,
    scheme: &str,
    body: &[u8],
) -> Result<(), String> {
    let Some(log) = &state.processed else {
        return Ok(());
    };
    let line = serde_json::json!({
        "id": delivery.authenticated_id(),
        "scheme": scheme,
        "type": event_type(delivery, body),
    });
    log.append(&line.to_string())
}

/// An id as one field of the log line: visible ASCII as it is, every other byte escaped
/// (`\xNN`, the space included: a refused delivery's `webhook-id` is the sender's, unchecked,
/// and must not be able to add fields such as `status=204` to its line); `-` when empty.
fn log_field(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "-".to_owned();
    }
    // Capped: a refused delivery's id is whatever the sender sent, up to the header limit.
    let shown = bytes.get(..256).unwrap_or(bytes);
    let mut field = shown.escape_ascii().to_string().replace(' ', "\\x20");
    if shown.len() < bytes.len() {
        field.push_str("...");
    }
    field
}

/// The Gemini event type, read only from what the delivery authenticated: the body, or for a
/// JWT that does not bind the body, its claims.
fn event_type(delivery: &Delivery<'_>, body: &[u8]) -> Option<String> {
    let name = |kind: EventKind<'_>| match kind.name() {
        Some(name) => name.to_owned(),
        None => match kind {
            EventKind::Other(text) => text.to_string(),
            _ => String::new(),
        },
    };
    if delivery.body_is_authenticated() {
        return delivery
            .gemini_event(body)
            .ok()
            .map(|event| name(event.kind));
    }
    if delivery.scheme() == Scheme::Jwt {
        let jwt = delivery.jwt()?;
        let mut buf = vec![0u8; jwt.claims_len()];
        return jwt
            .gemini_event(&mut buf)
            .ok()
            .map(|event| name(event.kind));
    }
    None
}
