//! `verify`: check a captured webhook delivery, and say precisely why it fails.
//!
//! ```text
//! cargo run --example verify -- [--secret SECRET]... [--jwks FILE [--issuer ISS]
//!     [--audience AUD]... [--body-hash-claim NAME]] [--now UNIX_SECONDS]
//!     [--tolerance SECONDS] [REQUEST]
//! ```
//!
//! `REQUEST` is a file holding one captured HTTP/1.1 request: the request line, the header
//! lines, an empty line, then the raw body (CRLF or bare LF line endings in the head; the body
//! is taken byte for byte, exactly `Content-Length` bytes when that header is present). `-`
//! reads the request from standard input. The signed headers are found case-insensitively:
//! the `webhook-*` family, or `svix-*` when no `webhook-*` header is present.
//!
//! Two signature schemes are verified, chosen by the shape of `webhook-signature`
//! ([`hookverify::Scheme::of`]): a list of `v1,<base64>` HMAC signatures (static webhooks,
//! Standard Webhooks), or a compact JWT signed with RS256 or ES256 (dynamic webhooks),
//! checked against the sender's JSON Web Key Set. `REQUEST` needs `--secret`, `--jwks` or
//! both.
//!
//! * `--secret` is a Standard Webhooks secret (`whsec_...`). Repeat it, up to 8 times
//!   (`MAX_SECRETS`, the capacity of the verifier), to check a delivery against several
//!   secrets at once, as during a rotation; the result names the secret that matched
//!   (`secret #1` is the first given). A secret given on the command line is visible to other
//!   local users (`ps`) and may land in the shell history: mind where you run this.
//! * `--jwks` is a file holding the sender's JSON Web Key Set (`{"keys": [...]}`), as
//!   fetched from its JWKS URL; this tool fetches nothing. Keys the set refuses (wrong type,
//!   private members, weak RSA modulus...) are listed on standard error as
//!   `note: key #i refused: <reason>` (`key #1` is the first entry of `keys`) and never used;
//!   a key set that cannot be used at all is a rejection (`invalid-jwks`).
//! * `--issuer` is the `iss` a JWT must carry (default: any issuer).
//! * `--audience` is an `aud` value a JWT may carry, usually this endpoint's URL; repeat it
//!   for several. Without it, a token that names an audience is refused (RFC 7519 section
//!   4.1.3).
//! * `--body-hash-claim` names the JWT claim carrying `base64url(SHA-256(body))` (no
//!   padding), when the sender provides one: the body is then authenticated too. Without it
//!   a JWT authenticates its claims only, **not the body**, and a note says so.
//! * `--now` is the instant to verify at, in Unix seconds (default: the system clock). Use
//!   the delivery's own timestamp (or the token's `iat`) to check an old capture.
//! * `--tolerance` is how far, in seconds, an HMAC delivery's `webhook-timestamp` may be from
//!   `now` (default 300). A JWT's freshness comes from its own `exp`, `nbf` and `iat`, with
//!   the library's leeway of 60 s (`DEFAULT_LEEWAY`); its `webhook-timestamp` and
//!   `webhook-id` headers are not signed.
//!
//! Without `REQUEST`, `--secret` and `--jwks`, every bundled sample (`examples/data/*.http`)
//! is verified with the secret, JWKS, clock and JWT policy stored in
//! `examples/data/samples.json`.
//!
//! Output and exit status:
//!
//! * `0`: authentic; one line, `verified: id=<webhook id> timestamp=<unix seconds>
//!   (secret #k)` for an HMAC delivery, `verified: id=<webhook id> (header, not signed)
//!   alg=<alg> kid=<kid> exp=<unix seconds>[ jti=<jti>]` for a JWT delivery.
//! * `1`: rejected; one line `rejected: <code>: <explanation>`, where `<code>` is
//!   [`hookverify::Error::code`] (`missing-header`, `invalid-header`, `too-old`, `too-new`,
//!   `invalid-secret`, `no-matching-signature`, and for JWTs `invalid-token`,
//!   `unsupported-algorithm`, `forbidden-header`, `unknown-key`, `invalid-signature`,
//!   `expired`, `not-yet-valid`, `missing-claim`, `invalid-claim`, `wrong-issuer`,
//!   `wrong-audience`, `invalid-jwks`, `body-mismatch`) and the explanation is the error's
//!   message, followed by hints in parentheses.
//! * `2`: usage or I/O error (bad option, unreadable file, malformed request); a message on
//!   standard error starting `error:`.
//!
//! Notes (`note: ...`) go to standard error and do not change the exit status.
//!
//! ```text
//! $ cargo run --example verify -- --secret "$WEBHOOK_SECRET" capture.http
//! rejected: too-old: timestamp is 86400 s in the past, more than the 300 s tolerance (...)
//! $ cargo run --example verify -- --jwks jwks.json --issuer https://issuer.example \
//!     --audience https://hooks.example.com/webhooks --body-hash-claim body_sha256 capture.http
//! rejected: unknown-key: no usable key in the key set matches the token (...)
//! ```

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use base64ct::{Base64UrlUnpadded, Encoding as _};
use clap::error::ErrorKind;
use clap::{ArgGroup, CommandFactory as _, Parser};
use hookverify::{
    DEFAULT_LEEWAY, DEFAULT_MAX_TOKEN_LEN, DEFAULT_TOLERANCE, Delivery, Error, JwtVerifier, KeySet,
    MAX_JWKS_ENTRIES, Scheme, SecretKey, UnixTime, Verifier, WebhookHeaders, verify_delivery,
};

/// The most `--secret` values accepted: the capacity of the verifier built from them.
const MAX_SECRETS: usize = 8;

/// The most usable keys a key set may hold: every entry a JWKS may have at all.
const MAX_KEYS: usize = MAX_JWKS_ENTRIES;

/// The most header lines a request may have.
const MAX_HEADERS: usize = 128;

/// How many bytes of an offending header value a rejection quotes.
const QUOTE_LEN: usize = 64;

/// The bundled samples, relative to the crate root.
const SAMPLES_DIR: &str = "examples/data";

/// The secret(s), JWKS name, clock and JWT policy file among the bundled samples.
const SAMPLES_FILE: &str = "samples.json";

/// The key sets this tool builds.
type Keys = KeySet<MAX_KEYS>;

/// Verify a captured webhook delivery (Standard Webhooks HMAC-SHA256, or a JWT checked
/// against a JWKS) and explain any rejection.
///
/// Exit status: 0 verified, 1 rejected (`rejected: <code>: <explanation>`), 2 usage or I/O
/// error. Without REQUEST, --secret and --jwks, the bundled samples in examples/data/ are
/// verified.
#[derive(Debug, Parser)]
#[command(name = "verify", version)]
#[command(group(ArgGroup::new("keys").args(["secrets", "jwks"]).multiple(true)))]
struct Cli {
    /// A webhook secret (`whsec_<base64>`); repeat for several (at most 8), as during a rotation
    #[arg(long = "secret", value_name = "SECRET", requires = "request")]
    secrets: Vec<String>,

    /// A JSON Web Key Set file (`{"keys": [...]}`), the sender's public keys for JWT-signed
    /// deliveries
    #[arg(long, value_name = "FILE", requires = "request")]
    jwks: Option<PathBuf>,

    /// The issuer (`iss`) a JWT must name [default: any]
    #[arg(long, value_name = "ISS", requires = "jwks")]
    issuer: Option<String>,

    /// An audience (`aud`) a JWT may name, usually this endpoint's URL; repeat for several
    #[arg(long = "audience", value_name = "AUD", requires = "jwks")]
    audiences: Vec<String>,

    /// The JWT claim holding base64url(SHA-256(body)); without it a JWT does not authenticate
    /// the body
    #[arg(long, value_name = "NAME", requires = "jwks")]
    body_hash_claim: Option<String>,

    /// The instant to verify at, in Unix seconds [default: the system clock]
    #[arg(long, value_name = "UNIX_SECONDS")]
    now: Option<u64>,

    /// How far an HMAC delivery's timestamp may be from now, in seconds (JWTs use their own
    /// exp/nbf/iat, with 60 s leeway)
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_TOLERANCE)]
    tolerance: u64,

    /// File holding the captured HTTP/1.1 request (request line, headers, empty line, body), or
    /// `-` for standard input
    #[arg(value_name = "REQUEST", requires = "keys")]
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

/// Where the secrets and keys came from (for messages).
#[derive(Clone, Copy, Debug)]
enum Source {
    CommandLine,
    Bundled,
}

/// The JWT side: the key set, the claims policy, and where the keys came from.
#[derive(Clone, Copy, Debug)]
struct JwtPolicy<'c> {
    keys: &'c Keys,
    /// The JWKS, for messages: `--jwks <file>` or the bundled file's path.
    origin: &'c str,
    issuer: Option<&'c str>,
    audiences: &'c [&'c str],
    body_hash_claim: Option<&'c str>,
}

impl<'c> JwtPolicy<'c> {
    /// The library's verifier for this policy (default leeway and token size cap); a
    /// `--body-hash-claim` no token can carry is a usage error.
    fn verifier(&self) -> Result<JwtVerifier<'c, MAX_KEYS>, Failure> {
        let mut verifier = JwtVerifier::new(self.keys).with_audiences(self.audiences);
        if let Some(issuer) = self.issuer {
            verifier = verifier.with_issuer(issuer);
        }
        if let Some(claim) = self.body_hash_claim {
            verifier = verifier
                .with_body_hash_claim(claim)
                .map_err(|error| Failure::Failed(format!("--body-hash-claim: {error}")))?;
        }
        Ok(verifier)
    }
}

/// Everything one request is verified with.
#[derive(Clone, Copy, Debug)]
struct Context<'c> {
    hmac: Option<&'c Verifier<MAX_SECRETS>>,
    jwt: Option<JwtPolicy<'c>>,
    clock: Clock,
}

/// The secrets, JWKS, clock and JWT policy stored with the bundled samples
/// (`examples/data/samples.json`).
#[derive(Debug, serde::Deserialize)]
struct Samples {
    secrets: Vec<String>,
    now: u64,
    /// The JWKS file, relative to the samples directory.
    jwks: String,
    issuer: Option<String>,
    #[serde(default)]
    audiences: Vec<String>,
    body_hash_claim: Option<String>,
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
        // Without REQUEST clap guarantees there is no --secret or --jwks either.
        None => verify_bundled(&cli).into(),
    }
}

/// Verifies the request in `path` (`-` for standard input) with the command-line secrets
/// and key set.
fn verify_one(cli: &Cli, path: &Path) -> Status {
    let raw = match read_request(path) {
        Ok(raw) => raw,
        Err(message) => return fail(&message),
    };
    let jwks = match cli.jwks.as_deref().map(read_file).transpose() {
        Ok(jwks) => jwks,
        Err(message) => return fail(&message),
    };
    let clock = Clock::from_option(cli.now).unwrap_or_else(|| Clock {
        now: UnixTime::now(),
        source: "from the system clock",
    });
    let secrets: Vec<&str> = cli.secrets.iter().map(String::as_str).collect();
    let hmac = if secrets.is_empty() {
        None
    } else {
        match build_verifier(&secrets, cli.tolerance, Source::CommandLine) {
            Ok(verifier) => Some(verifier),
            Err(failure) => return report(None, Err(failure)),
        }
    };
    let origin = cli
        .jwks
        .as_ref()
        .map(|path| format!("--jwks {}", path.display()))
        .unwrap_or_default();
    let keys = match jwks.map(|json| load_keys(&json, &origin)).transpose() {
        Ok(keys) => keys,
        Err(failure) => return report(None, Err(failure)),
    };
    let audiences: Vec<&str> = cli.audiences.iter().map(String::as_str).collect();
    let context = Context {
        hmac: hmac.as_ref(),
        jwt: keys.as_ref().map(|keys| JwtPolicy {
            keys,
            origin: &origin,
            issuer: cli.issuer.as_deref(),
            audiences: &audiences,
            body_hash_claim: cli.body_hash_claim.as_deref(),
        }),
        clock,
    };
    report(None, verify_request(&raw, &context))
}

/// Verifies every bundled sample with the bundled secrets, key set, clock and JWT policy
/// (`--now` and `--tolerance` still apply when given).
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
    let verifier = match build_verifier(&secrets, cli.tolerance, Source::Bundled) {
        Ok(verifier) => verifier,
        Err(Failure::Rejected(message) | Failure::Failed(message)) => {
            return fail(&format!("{SAMPLES_DIR}/{SAMPLES_FILE}: {message}"));
        }
    };
    let origin = format!("{SAMPLES_DIR}/{}", samples.jwks);
    let keys = match read_file(&dir.join(&samples.jwks)).and_then(|json| {
        load_keys(&json, &origin)
            .map_err(|(Failure::Rejected(message) | Failure::Failed(message))| message)
    }) {
        Ok(keys) => keys,
        Err(message) => return fail(&message),
    };
    let audiences: Vec<&str> = samples.audiences.iter().map(String::as_str).collect();
    let context = Context {
        hmac: Some(&verifier),
        jwt: Some(JwtPolicy {
            keys: &keys,
            origin: &origin,
            issuer: samples.issuer.as_deref(),
            audiences: &audiences,
            body_hash_claim: samples.body_hash_claim.as_deref(),
        }),
        clock,
    };
    let clock_name = if cli.now.is_some() { "--now" } else { "clock" };
    println!(
        "no REQUEST given: verifying the bundled samples in {SAMPLES_DIR}/ with their bundled \
         secret, JWKS and {clock_name} (now={})",
        clock.now.as_secs()
    );
    let mut worst = Status::Verified;
    for (name, path) in &files {
        let outcome = std::fs::read(path)
            .map_err(|e| Failure::Failed(format!("cannot read {}: {e}", path.display())))
            .and_then(|raw| verify_request(&raw, &context));
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
        read_file(path)
    }
}

/// Reads a whole file.
fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Reads the bundled secrets, JWKS name, clock and JWT policy.
fn read_samples(path: &Path) -> Result<Samples, String> {
    let text = read_file(path)?;
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
    source: Source,
) -> Result<Verifier<MAX_SECRETS>, Failure> {
    match Verifier::<MAX_SECRETS>::from_secrets(secrets) {
        Ok(verifier) => Ok(verifier.with_tolerance(tolerance)),
        Err(error) => {
            // `from_secrets` does not say which secret is at fault: find it for the message.
            let which = secrets
                .iter()
                .position(|secret| SecretKey::from_whsec(secret).is_err())
                .map(|index| match source {
                    Source::CommandLine => {
                        format!(" (--secret #{})", index.saturating_add(1))
                    }
                    Source::Bundled => {
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

/// Parses a JWKS into a key set; a set the library refuses is a rejection. Each refused key
/// is a note on standard error.
fn load_keys(json: &[u8], origin: &str) -> Result<Keys, Failure> {
    let keys = Keys::from_json(json)
        .map_err(|error| Failure::Rejected(format!("{}: {error} ({origin})", error.code())))?;
    for refusal in keys.refused() {
        let kid = refusal
            .kid()
            .map(|kid| format!(" (kid {})", quote(kid.as_bytes())))
            .unwrap_or_default();
        eprintln!(
            "note: key #{} refused: {}{kid}",
            refusal.index().saturating_add(1),
            refusal.fault()
        );
    }
    if keys.is_empty() {
        eprintln!("note: the key set ({origin}) holds no usable key");
    }
    Ok(keys)
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
fn verify_request(raw: &[u8], context: &Context<'_>) -> Result<String, Failure> {
    let request = parse_request(raw).map_err(Failure::Failed)?;
    let headers = WebhookHeaders::from_pairs(&request.headers)
        .map_err(|error| rejection(error, &request, context))?;
    let jwt = context.jwt.map(|policy| policy.verifier()).transpose()?;
    let mut claims = vec![0u8; DEFAULT_MAX_TOKEN_LEN];
    let delivery = verify_delivery(
        context.hmac,
        jwt.as_ref(),
        &headers,
        request.body,
        context.clock.now,
        &mut claims,
    )
    .map_err(|error| rejection(error, &request, context))?;
    match delivery {
        Delivery::Static(verified) => Ok(format!(
            "verified: id={} timestamp={} (secret #{})",
            verified.id(),
            verified.timestamp().as_secs(),
            verified.secret_index().saturating_add(1)
        )),
        Delivery::Dynamic { webhook_id, token } => {
            let kid = token.kid().map_or_else(|| "(none)".to_owned(), word);
            let exp = token
                .expires_at()
                .map_or_else(|| "(none)".to_owned(), |exp| exp.as_secs().to_string());
            let jti = serde_json::from_slice::<serde_json::Value>(token.claims_json())
                .ok()
                .and_then(|claims| claims.get("jti")?.as_str().map(word))
                .map(|jti| format!(" jti={jti}"))
                .unwrap_or_default();
            if context
                .jwt
                .is_some_and(|policy| policy.body_hash_claim.is_none())
            {
                eprintln!(
                    "note: the token authenticates its claims, not the body (no \
                     --body-hash-claim)"
                );
            }
            Ok(format!(
                "verified: id={webhook_id} (header, not signed) alg={} kid={kid} exp={exp}{jti}",
                token.algorithm().as_str()
            ))
        }
        _ => Err(Failure::Failed(
            "this kind of verified delivery is not supported by this tool".to_owned(),
        )),
    }
}

/// `<code>: <explanation> (<hint>)` for a rejected request.
fn rejection(error: Error, request: &Request<'_>, context: &Context<'_>) -> Failure {
    let clock = context.clock;
    let signature = WebhookHeaders::from_pairs(&request.headers)
        .ok()
        .map(|headers| headers.signature());
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
            context,
        )),
        Error::TooNew { ahead, .. } => Some(freshness_hint(
            clock.now.as_secs().checked_add(ahead),
            "to check it anyway, but is the sender's clock or this one wrong?",
            request,
            context,
        )),
        Error::NoMatchingSignature { .. } if context.hmac.is_none() => Some(
            "the webhook-signature is a list of HMAC signatures rather than a JWT, and no \
             --secret was given"
                .to_owned(),
        ),
        Error::NoMatchingSignature { .. } => Some(format!(
            "the {} body byte(s) were checked exactly as captured: check the secret, and that \
             nothing re-serialized, re-encoded or converted the line endings of the body",
            request.body.len()
        )),
        _ => signature.and_then(|token| {
            context.jwt.map_or_else(
                || no_jwks_hint(error, token),
                |policy| jwt_hint(error, token, request.body, policy, clock),
            )
        }),
    };
    let hint = hint.map(|h| format!(" ({h})")).unwrap_or_default();
    Failure::Rejected(format!("{}: {error}{hint}", error.code()))
}

/// For a JWT-shaped signature with no key set to check it against.
fn no_jwks_hint(error: Error, token: &[u8]) -> Option<String> {
    (error == Error::UnsupportedAlgorithm && Scheme::of(token) == Scheme::Jwt).then(|| {
        "the webhook-signature holds a JWT, but no --jwks was given to verify it with".to_owned()
    })
}

/// Hints for the JWT rejections, from the token's header and claims (read here without
/// verification: they only explain what the library decided).
fn jwt_hint(
    error: Error,
    token: &[u8],
    body: &[u8],
    policy: JwtPolicy<'_>,
    clock: Clock,
) -> Option<String> {
    let header = token_part(token, 0);
    let claims = token_part(token, 1);
    let header_str = |name: &str| header.as_ref()?.get(name)?.as_str().map(str::to_owned);
    let claim = |name: &str| claims.as_ref()?.get(name);
    match error {
        Error::UnknownKey => {
            let kids: Vec<String> = policy
                .keys
                .kids()
                .map(|kid| kid.map_or_else(|| "(none)".to_owned(), |kid| quote(kid.as_bytes())))
                .collect();
            let held = if kids.is_empty() {
                format!("the key set ({}) holds no usable key", policy.origin)
            } else {
                format!(
                    "the key set ({}) holds kid(s) {}",
                    policy.origin,
                    kids.join(", ")
                )
            };
            let asked = match header_str("kid") {
                Some(kid) => format!("the token names kid {}", quote(kid.as_bytes())),
                None => "the token names no kid, which needs a set of exactly one key".to_owned(),
            };
            Some(format!(
                "{asked}; {held}; the sender may have rotated its keys: fetch the JWKS again"
            ))
        }
        Error::InvalidSignature => Some(format!(
            "the token was altered, or not signed by the key{} in the key set ({})",
            header_str("kid")
                .map(|kid| format!(" with kid {}", quote(kid.as_bytes())))
                .unwrap_or_default(),
            policy.origin
        )),
        Error::UnsupportedAlgorithm => Some(format!(
            "the token's alg is {}; RS256 needs an RSA key and ES256 an EC P-256 key",
            header_str("alg").map_or_else(|| "missing".to_owned(), |alg| quote(alg.as_bytes()))
        )),
        Error::Expired { claim: name } | Error::NotYetValid { claim: name } => {
            Some(jwt_time_hint(error, name, token, body, policy, clock))
        }
        Error::WrongIssuer => Some(format!(
            "the token's iss is {}, expected {}",
            claim("iss").map_or_else(|| "missing".to_owned(), json_text),
            policy
                .issuer
                .map_or_else(|| "any".to_owned(), |iss| quote(iss.as_bytes()))
        )),
        Error::WrongAudience => {
            let aud = claim("aud").map_or_else(|| "missing".to_owned(), json_text);
            Some(if policy.audiences.is_empty() {
                format!(
                    "the token's aud is {aud}, and no audience is expected: pass --audience \
                     with this endpoint's URL"
                )
            } else {
                let expected: Vec<String> = policy
                    .audiences
                    .iter()
                    .map(|aud| quote(aud.as_bytes()))
                    .collect();
                format!(
                    "the token's aud is {aud}, expected {}",
                    expected.join(" or ")
                )
            })
        }
        Error::MissingClaim { claim: name } | Error::InvalidClaim { claim: name } => {
            // The library calls the body-hash claim `body-hash`, whatever its actual name.
            let body_claim = policy
                .body_hash_claim
                .filter(|_| name == "body-hash")
                .map(|actual| format!("the body-hash claim is {}; ", quote(actual.as_bytes())))
                .unwrap_or_default();
            let names: Vec<String> = claims
                .as_ref()
                .and_then(serde_json::Value::as_object)
                .map(|object| object.keys().map(|key| quote(key.as_bytes())).collect())
                .unwrap_or_default();
            Some(if names.is_empty() {
                format!("{body_claim}the token's claims are unreadable")
            } else {
                format!("{body_claim}the token's claims are {}", names.join(", "))
            })
        }
        Error::BodyMismatch => {
            use sha2::Digest as _;
            let actual = Base64UrlUnpadded::encode_string(&sha2::Sha256::digest(body));
            let carried = policy
                .body_hash_claim
                .and_then(claim)
                .map_or_else(|| "missing".to_owned(), json_text);
            Some(format!(
                "the {} body byte(s) hash to {actual}, the token carries {carried}: check that \
                 nothing re-serialized, re-encoded or converted the line endings of the body",
                body.len()
            ))
        }
        _ => None,
    }
}

/// For expired / not-yet-valid tokens: the clock used, the claim's value, and whether the
/// token verifies at its own issue time.
fn jwt_time_hint(
    error: Error,
    name: &str,
    token: &[u8],
    body: &[u8],
    policy: JwtPolicy<'_>,
    clock: Clock,
) -> String {
    let claims = token_part(token, 1);
    let time = |name: &str| claims.as_ref()?.get(name)?.as_u64();
    let now = format!(
        "now={} {}, leeway {DEFAULT_LEEWAY} s",
        clock.now.as_secs(),
        clock.source
    );
    let value = time(name)
        .map(|value| format!("; the token's {name} is {value}"))
        .unwrap_or_default();
    // An instant inside the token's window: its issue time, else its start, else its end.
    let inside = time("iat")
        .or_else(|| time("nbf"))
        .or_else(|| time("exp").map(|exp| exp.saturating_sub(1)));
    let advice = match error {
        Error::Expired { .. } => "to check an old capture",
        _ => "to check it anyway, but is the sender's clock or this one wrong?",
    };
    // The policy was already built once for this request, so it builds again here.
    let verdict = inside.zip(policy.verifier().ok()).map(|(at, verifier)| {
        let mut claims_buf = vec![0u8; DEFAULT_MAX_TOKEN_LEN];
        match verifier.verify(token, body, UnixTime::from_secs(at), &mut claims_buf) {
            Ok(_) => format!("; the token is otherwise valid: pass --now {at} {advice}"),
            Err(other) => format!("; at {at} it is rejected too ({})", other.code()),
        }
    });
    format!("{now}{value}{}", verdict.unwrap_or_default())
}

/// Segment `index` (0: header, 1: payload) of a compact JWT as JSON, read without any
/// verification.
fn token_part(token: &[u8], index: usize) -> Option<serde_json::Value> {
    let segment = token.split(|b| *b == b'.').nth(index)?;
    let json = Base64UrlUnpadded::decode_vec(core::str::from_utf8(segment).ok()?).ok()?;
    serde_json::from_slice(&json).ok()
}

/// A JSON value for a one-line message: strings quoted, the rest as compact JSON.
fn json_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => quote(text.as_bytes()),
        other => {
            let text = other.to_string();
            let shown: String = text.chars().take(QUOTE_LEN).collect();
            if shown.len() < text.len() {
                format!("{shown}...")
            } else {
                shown
            }
        }
    }
}

/// A value printed bare when it is visible ASCII, quoted otherwise.
fn word(text: &str) -> String {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_graphic()) {
        text.to_owned()
    } else {
        quote(text.as_bytes())
    }
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
    context: &Context<'_>,
) -> String {
    let now = format!(
        "now={} {}",
        context.clock.now.as_secs(),
        context.clock.source
    );
    let signature_ok = context.hmac.is_some_and(|verifier| {
        WebhookHeaders::from_pairs(&request.headers)
            .and_then(|headers| verifier.verify_ignoring_timestamp(&headers, request.body))
            .is_ok()
    });
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
