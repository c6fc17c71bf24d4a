//! `verify`: check a captured webhook delivery, and say precisely why it fails.
//!
//! ```text
//! cargo run --example verify -- [--secret SECRET]... [--now UNIX_SECONDS] [--tolerance SECONDS] [REQUEST]
//! ```
//!
//! `REQUEST` is a file holding one captured HTTP/1.1 request: the request line, the header
//! lines, an empty line, then the raw body (CRLF or bare LF line endings in the head; the body
//! is taken byte for byte, exactly `Content-Length` bytes when that header is present). `-`
//! reads the request from standard input. The signed headers are found case-insensitively:
//! the `webhook-*` family, or `svix-*` when no `webhook-*` header is present.
//!
//! * `--secret` is a Standard Webhooks secret (`whsec_...`). Repeat it, up to 8 times
//!   (`MAX_SECRETS`, the capacity of the verifier), to check a delivery against several
//!   secrets at once, as during a rotation; the result names the secret that matched
//!   (`secret #1` is the first given). A secret given on the command line is visible to other
//!   local users (`ps`) and may land in the shell history: mind where you run this.
//! * `--now` is the instant to verify at, in Unix seconds (default: the system clock). Use
//!   the delivery's own timestamp to check the signature of an old capture.
//! * `--tolerance` is how far, in seconds, the timestamp may be from `now` (default 300).
//!
//! Without `REQUEST` and `--secret`, every bundled sample (`examples/data/*.http`) is
//! verified with the secret and clock stored in `examples/data/samples.json`.
//!
//! Output and exit status:
//!
//! * `0`: authentic; one line `verified: id=<webhook id> timestamp=<unix seconds> (secret #k)`.
//! * `1`: rejected; one line `rejected: <code>: <explanation>`, where `<code>` is
//!   [`hookverify::Error::code`] (`missing-header`, `invalid-header`, `too-old`, `too-new`,
//!   `invalid-secret`, `no-matching-signature`) and the explanation is the error's message,
//!   followed by hints in parentheses.
//! * `2`: usage or I/O error (bad option, unreadable file, malformed request); a message on
//!   standard error starting `error:`.
//!
//! ```text
//! $ cargo run --example verify -- --secret "$WEBHOOK_SECRET" capture.http
//! rejected: too-old: timestamp is 86400 s in the past, more than the 300 s tolerance (...)
//! ```

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory as _, Parser};
use hookverify::{DEFAULT_TOLERANCE, Error, SecretKey, UnixTime, Verifier, WebhookHeaders};

/// The most `--secret` values accepted: the capacity of the verifier built from them.
const MAX_SECRETS: usize = 8;

/// The most header lines a request may have.
const MAX_HEADERS: usize = 128;

/// How many bytes of an offending header value a rejection quotes.
const QUOTE_LEN: usize = 64;

/// The bundled samples, relative to the crate root.
const SAMPLES_DIR: &str = "examples/data";

/// The secret(s) and clock file among the bundled samples.
const SAMPLES_FILE: &str = "samples.json";

/// Verify a captured Standard Webhooks delivery (HMAC-SHA256) and explain any rejection.
///
/// Exit status: 0 verified, 1 rejected (`rejected: <code>: <explanation>`), 2 usage or I/O
/// error. Without REQUEST and --secret, the bundled samples in examples/data/ are verified.
#[derive(Debug, Parser)]
#[command(name = "verify", version)]
struct Cli {
    /// A webhook secret (`whsec_<base64>`); repeat for several (at most 8), as during a rotation
    #[arg(long = "secret", value_name = "SECRET", requires = "request")]
    secrets: Vec<String>,

    /// The instant to verify at, in Unix seconds [default: the system clock]
    #[arg(long, value_name = "UNIX_SECONDS")]
    now: Option<u64>,

    /// How far the delivery's timestamp may be from now, in seconds
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_TOLERANCE)]
    tolerance: u64,

    /// File holding the captured HTTP/1.1 request (request line, headers, empty line, body), or
    /// `-` for standard input
    #[arg(value_name = "REQUEST", requires = "secrets")]
    request: Option<PathBuf>,
}

/// The three outcomes, and their exit statuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Status {
    Verified,
    Rejected,
    Failed,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> Self {
        Self::from(match status {
            Status::Verified => 0,
            Status::Rejected => 1,
            Status::Failed => 2,
        })
    }
}

/// Why a request was not verified.
#[derive(Debug)]
enum Failure {
    /// Exit 1: the library's verdict, already formatted as `<code>: <explanation>`.
    Rejected(String),
    /// Exit 2: the request could not be read or parsed.
    Failed(String),
}

/// The instant verification runs at, and where it came from (for messages).
#[derive(Clone, Copy, Debug)]
struct Clock {
    now: UnixTime,
    source: &'static str,
}

impl Clock {
    /// The `--now` clock, when given.
    fn from_option(now: Option<u64>) -> Option<Self> {
        now.map(|secs| Self {
            now: UnixTime::from_secs(secs),
            source: "from --now",
        })
    }
}

/// Where the secrets came from (for messages).
#[derive(Clone, Copy, Debug)]
enum SecretSource {
    CommandLine,
    Bundled,
}

/// The secrets and clock stored with the bundled samples (`examples/data/samples.json`).
#[derive(Debug, serde::Deserialize)]
struct Samples {
    secrets: Vec<String>,
    now: u64,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.secrets.len() > MAX_SECRETS {
        Cli::command()
            .error(
                ErrorKind::TooManyValues,
                format!(
                    "at most {MAX_SECRETS} --secret values are supported, got {}",
                    cli.secrets.len()
                ),
            )
            .exit();
    }
    match &cli.request {
        Some(path) => verify_one(&cli, path).into(),
        // Without REQUEST clap guarantees there is no --secret either.
        None => verify_bundled(&cli).into(),
    }
}

/// Verifies the request in `path` (`-` for standard input) with the command-line secrets.
fn verify_one(cli: &Cli, path: &Path) -> Status {
    let raw = match read_request(path) {
        Ok(raw) => raw,
        Err(message) => return fail(&message),
    };
    let clock = Clock::from_option(cli.now).unwrap_or_else(|| Clock {
        now: UnixTime::now(),
        source: "from the system clock",
    });
    let secrets: Vec<&str> = cli.secrets.iter().map(String::as_str).collect();
    let outcome = build_verifier(&secrets, cli.tolerance, SecretSource::CommandLine)
        .and_then(|verifier| verify_request(&raw, &verifier, clock));
    report(None, outcome)
}

/// Verifies every bundled sample with the bundled secrets and clock (`--now` and
/// `--tolerance` still apply when given).
fn verify_bundled(cli: &Cli) -> Status {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(SAMPLES_DIR);
    let samples = match read_samples(&dir.join(SAMPLES_FILE)) {
        Ok(samples) => samples,
        Err(message) => return fail(&message),
    };
    let clock = Clock::from_option(cli.now).unwrap_or(Clock {
        now: UnixTime::from_secs(samples.now),
        source: "from the bundled clock",
    });
    let files = match sample_files(&dir) {
        Ok(files) => files,
        Err(message) => return fail(&message),
    };
    let secrets: Vec<&str> = samples.secrets.iter().map(String::as_str).collect();
    let verifier = match build_verifier(&secrets, cli.tolerance, SecretSource::Bundled) {
        Ok(verifier) => verifier,
        Err(Failure::Rejected(message) | Failure::Failed(message)) => {
            return fail(&format!("{SAMPLES_DIR}/{SAMPLES_FILE}: {message}"));
        }
    };
    let clock_name = if cli.now.is_some() { "--now" } else { "clock" };
    println!(
        "no REQUEST given: verifying the bundled samples in {SAMPLES_DIR}/ with their bundled \
         secret and {clock_name} (now={})",
        clock.now.as_secs()
    );
    let mut worst = Status::Verified;
    for (name, path) in &files {
        let outcome = std::fs::read(path)
            .map_err(|e| Failure::Failed(format!("cannot read {}: {e}", path.display())))
            .and_then(|raw| verify_request(&raw, &verifier, clock));
        worst = worst.max(report(Some(name), outcome));
    }
    worst
}

/// Prints the outcome of one request, prefixed with `label` when given, and returns its status.
fn report(label: Option<&str>, outcome: Result<String, Failure>) -> Status {
    let prefix = label.map(|name| format!("{name}: ")).unwrap_or_default();
    match outcome {
        Ok(line) => {
            println!("{prefix}{line}");
            Status::Verified
        }
        Err(Failure::Rejected(reason)) => {
            println!("{prefix}rejected: {reason}");
            Status::Rejected
        }
        Err(Failure::Failed(message)) => fail(&format!("{prefix}{message}")),
    }
}

/// Prints `error: <message>` on standard error; exit status 2.
fn fail(message: &str) -> Status {
    eprintln!("error: {message}");
    Status::Failed
}

/// Reads the whole request from `path`, or from standard input for `-`.
fn read_request(path: &Path) -> Result<Vec<u8>, String> {
    if path.as_os_str() == "-" {
        let mut raw = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut raw)
            .map_err(|e| format!("cannot read the request from standard input: {e}"))?;
        Ok(raw)
    } else {
        std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    }
}

/// Reads the bundled secrets and clock.
fn read_samples(path: &Path) -> Result<Samples, String> {
    let text = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The `*.http` files of `dir`, sorted by name, with their names.
fn sample_files(dir: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .path();
        if path.extension().is_some_and(|ext| ext == "http") && path.is_file() {
            let name = path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            files.push((name, path));
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(format!("no *.http samples in {}", dir.display()));
    }
    Ok(files)
}

/// One verifier holding every secret; an invalid secret is a rejection naming its position.
fn build_verifier(
    secrets: &[&str],
    tolerance: u64,
    source: SecretSource,
) -> Result<Verifier<MAX_SECRETS>, Failure> {
    match Verifier::<MAX_SECRETS>::from_secrets(secrets) {
        Ok(verifier) => Ok(verifier.with_tolerance(tolerance)),
        Err(error) => {
            // `from_secrets` does not say which secret is at fault: find it for the message.
            let which = secrets
                .iter()
                .position(|secret| SecretKey::from_whsec(secret).is_err())
                .map(|index| match source {
                    SecretSource::CommandLine => {
                        format!(" (--secret #{})", index.saturating_add(1))
                    }
                    SecretSource::Bundled => {
                        format!(" (bundled secret #{})", index.saturating_add(1))
                    }
                })
                .unwrap_or_default();
            Err(Failure::Rejected(format!(
                "{}: {error}{which}",
                error.code()
            )))
        }
    }
}

/// A parsed request: its header lines and its body.
#[derive(Debug)]
struct Request<'a> {
    headers: Vec<(&'a str, &'a [u8])>,
    body: &'a [u8],
}

/// Splits a captured request into headers and body.
fn parse_request(raw: &[u8]) -> Result<Request<'_>, String> {
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut slots);
    let head_len = match request.parse(raw) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => {
            return Err(
                "malformed request: the head does not end with an empty line (expected \
                        request line, headers, empty line, body)"
                    .to_owned(),
            );
        }
        Err(httparse::Error::TooManyHeaders) => {
            return Err(format!(
                "malformed request: more than {MAX_HEADERS} header lines"
            ));
        }
        Err(e) => {
            return Err(format!(
                "malformed request: {e} (expected a captured HTTP/1.1 request starting with a \
                 request line such as `POST /webhook HTTP/1.1`)"
            ));
        }
    };
    let headers: Vec<(&str, &[u8])> = request.headers.iter().map(|h| (h.name, h.value)).collect();
    let rest = raw.get(head_len..).unwrap_or_default();
    if headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("transfer-encoding"))
    {
        return Err(
            "malformed request: Transfer-Encoding bodies are not supported; save the \
                    decoded body with a Content-Length header instead"
                .to_owned(),
        );
    }
    let body = match content_length(&headers)? {
        None => rest,
        Some(len) => {
            let body = rest.get(..len).ok_or_else(|| {
                format!(
                    "malformed request: Content-Length is {len} but only {} body byte(s) follow \
                     the head",
                    rest.len()
                )
            })?;
            let extra = rest.len().saturating_sub(len);
            if extra > 0 {
                eprintln!(
                    "note: ignoring {extra} byte(s) after the {len}-byte body (Content-Length)"
                );
            }
            body
        }
    };
    Ok(Request { headers, body })
}

/// The `Content-Length` value, if present; several differing values are malformed.
fn content_length(headers: &[(&str, &[u8])]) -> Result<Option<usize>, String> {
    let mut found: Option<usize> = None;
    for (_, value) in headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("content-length"))
    {
        let len = core::str::from_utf8(value)
            .ok()
            .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|v| v.parse::<usize>().ok())
            .ok_or_else(|| {
                format!(
                    "malformed request: Content-Length {:?} is not a byte count",
                    value.escape_ascii().to_string()
                )
            })?;
        if found.is_some_and(|previous| previous != len) {
            return Err("malformed request: conflicting Content-Length headers".to_owned());
        }
        found = Some(len);
    }
    Ok(found)
}

/// Parses and verifies one request; `Ok` holds the `verified: ...` line.
fn verify_request(
    raw: &[u8],
    verifier: &Verifier<MAX_SECRETS>,
    clock: Clock,
) -> Result<String, Failure> {
    let request = parse_request(raw).map_err(Failure::Failed)?;
    let headers = WebhookHeaders::from_pairs(&request.headers)
        .map_err(|error| rejection(error, &request, verifier, clock))?;
    match verifier.verify(&headers, request.body, clock.now) {
        Ok(verified) => Ok(format!(
            "verified: id={} timestamp={} (secret #{})",
            verified.id(),
            verified.timestamp().as_secs(),
            verified.secret_index().saturating_add(1)
        )),
        Err(error) => Err(rejection(error, &request, verifier, clock)),
    }
}

/// `<code>: <explanation> (<hint>)` for a rejected request.
fn rejection(
    error: Error,
    request: &Request<'_>,
    verifier: &Verifier<MAX_SECRETS>,
    clock: Clock,
) -> Failure {
    let hint = match error {
        Error::MissingHeader { .. } => Some(signed_headers_present(&request.headers)),
        Error::InvalidHeader { name, .. } => request
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, value)| quote(value))
            .reduce(|a, b| format!("{a}, {b}"))
            .map(|values| format!("received {values}")),
        Error::TooOld { age, .. } => Some(freshness_hint(
            clock.now.as_secs().checked_sub(age),
            "to check an old capture",
            request,
            verifier,
            clock,
        )),
        Error::TooNew { ahead, .. } => Some(freshness_hint(
            clock.now.as_secs().checked_add(ahead),
            "to check it anyway, but is the sender's clock or this one wrong?",
            request,
            verifier,
            clock,
        )),
        Error::NoMatchingSignature { .. } => Some(format!(
            "the {} body byte(s) were checked exactly as captured: check the secret, and that \
             nothing re-serialized, re-encoded or converted the line endings of the body",
            request.body.len()
        )),
        _ => None,
    };
    let hint = hint.map(|h| format!(" ({h})")).unwrap_or_default();
    Failure::Rejected(format!("{}: {error}{hint}", error.code()))
}

/// Names the signed-header candidates the request does hold, for a missing-header rejection.
fn signed_headers_present(headers: &[(&str, &[u8])]) -> String {
    let present: Vec<String> = headers
        .iter()
        .map(|(name, _)| name.to_ascii_lowercase())
        .filter(|name| name.starts_with("webhook-") || name.starts_with("svix-"))
        .collect();
    let mixed = present.iter().any(|name| name.starts_with("webhook-"))
        && present.iter().any(|name| name.starts_with("svix-"));
    if present.is_empty() {
        "the request has no webhook-* or svix-* header".to_owned()
    } else if mixed {
        format!(
            "the request has {}; the webhook-* family is used as soon as one of its headers is \
             present, and never completed with svix-* headers",
            present.join(", ")
        )
    } else {
        format!("the request has {}", present.join(", "))
    }
}

/// For too-old / too-new: the clock used, and whether the signature itself would match.
fn freshness_hint(
    timestamp: Option<u64>,
    advice: &str,
    request: &Request<'_>,
    verifier: &Verifier<MAX_SECRETS>,
    clock: Clock,
) -> String {
    let now = format!("now={} {}", clock.now.as_secs(), clock.source);
    let signature_ok = WebhookHeaders::from_pairs(&request.headers)
        .and_then(|headers| verifier.verify_ignoring_timestamp(&headers, request.body))
        .is_ok();
    match (signature_ok, timestamp) {
        (true, Some(ts)) => {
            format!("{now}; the signature itself is valid: pass --now {ts} {advice}")
        }
        (true, None) => format!("{now}; the signature itself is valid"),
        (false, _) => format!("{now}; the signature does not match either"),
    }
}

/// A header value quoted for a one-line message: escaped, and cut after [`QUOTE_LEN`] bytes.
fn quote(value: &[u8]) -> String {
    let shown = value.get(..QUOTE_LEN).unwrap_or(value);
    let more = if shown.len() < value.len() { "..." } else { "" };
    format!("\"{}\"{more}", shown.escape_ascii())
}
