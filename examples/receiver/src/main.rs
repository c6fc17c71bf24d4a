//! `hookverify-receiver`: an axum + tokio webhook receiver built on hookverify, as users run
//! one: behind HTTP, several instances sharing one Redis, the sender's JWKS refreshed when it
//! rotates. See README.md beside this file.
//!
//! ```text
//! cargo run --release --manifest-path examples/receiver/Cargo.toml -- \
//!   --listen 127.0.0.1:PORT [--secret whsec_...]... [--public-key whpk_...]... \
//!   [--jwks-url URL] [--issuer ISS --audience AUD [--body-hash-claim NAME]] \
//!   [--redis redis://127.0.0.1:PORT/] [--tolerance SECONDS] [--jwks-min-refresh SECONDS] \
//!   [--max-body BYTES] [--processed FILE]
//! ```

mod handler;
mod keys;
mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use clap::Parser;

/// Command-line options.
#[derive(Parser, Debug)]
#[command(about = "A webhook receiver verifying Standard Webhooks v1/v1a and JWT deliveries")]
pub(crate) struct Args {
    /// Address to listen on, e.g. 127.0.0.1:8080.
    #[arg(long)]
    listen: SocketAddr,
    /// A `v1` secret (whsec_...); repeat for rotation (at most 4).
    #[arg(long = "secret", value_name = "WHSEC")]
    secrets: Vec<String>,
    /// A `v1a` public key (whpk_...); repeatable.
    #[arg(long = "public-key", value_name = "WHPK")]
    public_keys: Vec<String>,
    /// The sender's JWKS URL: its Ed25519 keys verify v1a entries, all its keys verify JWTs.
    #[arg(long, value_name = "URL")]
    jwks_url: Option<String>,
    /// The `iss` JWTs must carry; with --audience, JWT deliveries are accepted.
    #[arg(long, requires = "audience")]
    issuer: Option<String>,
    /// An `aud` JWTs may carry (this endpoint's URL); repeatable.
    #[arg(long, requires = "issuer")]
    audience: Vec<String>,
    /// The claim binding the body (base64url of its SHA-256); without it a JWT authenticates
    /// its claims only.
    #[arg(long, requires = "issuer", value_name = "NAME")]
    body_hash_claim: Option<String>,
    /// Redis URL of the replay store shared by every instance (default: in-process store).
    #[arg(long, value_name = "URL")]
    redis: Option<String>,
    /// Freshness tolerance in seconds.
    #[arg(long, default_value_t = hookverify::DEFAULT_TOLERANCE)]
    tolerance: u64,
    /// Least interval between two JWKS fetches, in seconds.
    #[arg(long, default_value_t = hookverify::DEFAULT_MIN_REFRESH_INTERVAL)]
    jwks_min_refresh: u64,
    /// Largest body accepted, in bytes (larger: 413, before any verification).
    #[arg(long, default_value_t = 1 << 20)]
    max_body: usize,
    /// Append one JSON line per processed delivery to this file.
    #[arg(long, value_name = "FILE")]
    processed: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.max_body < 64 * 1024 {
        eprintln!("error: --max-body must be at least 65536 (64 KiB)");
        return ExitCode::from(2);
    }
    // rustls' provider for the JWKS client (https in production).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let keys = keys::Keys::new(&args)?;
    let store = store::Store::new(args.redis.as_deref())?;
    let processed = args
        .processed
        .as_deref()
        .map(handler::ProcessedLog::open)
        .transpose()?;
    let state = Arc::new(handler::State {
        keys,
        store,
        processed,
    });
    // The startup fetch: until it is done, /healthz answers 503, and deliveries that need the
    // JWKS are answered 503 too (the sender retries them); the others are served.
    if state.keys.has_jwks() {
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            while !state.keys.startup_fetch().await {
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        });
    }
    let app = Router::new()
        .route("/webhooks", post(handler::webhook))
        .route("/healthz", get(handler::healthz))
        .layer(DefaultBodyLimit::max(args.max_body))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    eprintln!("listening on {} (pid {})", args.listen, std::process::id());
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|e| format!("server: {e}"))?;
    eprintln!("stopped: every in-flight request was answered");
    Ok(())
}

/// SIGTERM or Ctrl-C: stop accepting, let in-flight requests finish.
async fn shutdown() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    eprintln!("shutting down: finishing in-flight requests");
}
