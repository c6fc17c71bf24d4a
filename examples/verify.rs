//! `verify`: check a captured webhook delivery, and say precisely why it fails.
//!
//! ```text
//! cargo run --example verify -- [--secret SECRET]... [--public-key KEY]...
//!     [--jwks FILE [--issuer ISS] [--audience AUD]... [--body-hash-claim NAME]]
//!     [--now UNIX_SECONDS] [--tolerance SECONDS] [REQUEST]
//! ```
//!
//! `REQUEST` is a file holding one captured HTTP/1.1 request: the request line, the header
//! lines, an empty line, then the raw body (CRLF or bare LF line endings in the head; the body
//! is taken byte for byte, exactly `Content-Length` bytes when that header is present). `-`
//! reads the request from standard input. The signed headers are found case-insensitively:
//! the `webhook-*` family, or `svix-*` when no `webhook-*` header is present.
//!
//! The request is verified by one [`hookverify::Receiver`], which routes it by the shape of
//! `webhook-signature` to the schemes this command line configures, and only to those:
//!
//! * `v1`: Standard Webhooks HMAC-SHA256 (`v1,<base64>` entries; static webhooks, Svix...),
//!   checked under the `--secret` values;
//! * `v1a`: Standard Webhooks Ed25519 (`v1a,<base64>` entries; Gemini API dynamic webhooks),
//!   checked under the `--public-key` values and the OKP/Ed25519 keys of `--jwks`. The
//!   signature names no key, so every entry is tried under every key;
//! * `jwt`: a compact JWT (no comma, dots) signed ES256 or `EdDSA` (RS256 with the `rs256`
//!   feature), checked against the `--jwks` key set under the policy of `--issuer`,
//!   `--audience` and `--body-hash-claim`.
//!
//! A list may mix `v1` and `v1a` entries: the delivery is authentic when one entry verifies
//! under a key of its own scheme. A delivery of a scheme nothing was configured for is
//! `unconfigured-scheme`, whatever its signature. `REQUEST` needs at least one of
//! `--secret`, `--public-key` and `--jwks`.
//!
//! * `--secret` is a Standard Webhooks secret (`whsec_...`). Repeat it, up to 4 times
//!   ([`hookverify::MAX_SECRETS`]), to check a delivery against several secrets at once, as
//!   during a rotation; the result names the secret that matched (`secret #1` is the first
//!   given). A secret given on the command line is visible to other local users (`ps`) and
//!   may land in the shell history: mind where you run this.
//! * `--public-key` is a Standard Webhooks public key (`whpk_` and the padded base64 of the
//!   32-byte Ed25519 key), for `v1a`. Repeat it for several. Together with the Ed25519 keys
//!   of `--jwks` at most 8 keys ([`hookverify::MAX_PUBLIC_KEYS`]) are tried (more is a
//!   rejection, `invalid-config`); the result names the key that verified, counting the
//!   `--public-key` keys first (`public key #1` is the first given), then the Ed25519 keys of
//!   the key set in its order (with their `kid`). A malformed key, like a malformed secret,
//!   is a rejection (`invalid-secret`).
//! * `--jwks` is a file holding the sender's JSON Web Key Set (`{"keys": [...]}`), as
//!   fetched from its JWKS URL; this tool fetches nothing. It serves both dynamic schemes:
//!   its OKP/Ed25519 keys verify `v1a` entries, and its keys verify JWTs (giving `--jwks`
//!   is what accepts JWT-signed deliveries). Keys the set refuses (unsupported type or
//!   curve, a feature not built in, private members, weak RSA modulus, a shared `kid`...)
//!   are listed on standard error as `note: key #i refused: <reason> (kid "...")` (`key #1`
//!   is the first entry of `keys`) and never used; a key set that cannot be used at all is a
//!   rejection (`invalid-jwks`).
//! * `--issuer` is the `iss` a JWT must carry (default: any issuer, **not checked**).
//! * `--audience` is an `aud` value a JWT may carry, usually this endpoint's URL; repeat it
//!   for several (at most 4). Without it, a token that names an audience is refused (RFC 7519
//!   section 4.1.3) and a token without one is accepted. This tool is for inspecting
//!   captures; a receiver in production checks both issuer and audience.
//! * `--body-hash-claim` names the JWT claim carrying `base64url(SHA-256(body))` (no
//!   padding), when the sender provides one: the body is then authenticated too, and a token
//!   without the claim is refused. Without it a JWT authenticates its claims only, **not the
//!   body**, and a note says so.
//! * `--now` is the instant to verify at, in Unix seconds (default: the system clock). Use
//!   the delivery's own timestamp (or the token's `iat`) to check an old capture.
//! * `--tolerance` is how far, in seconds, a `v1`/`v1a` delivery's `webhook-timestamp` may
//!   be from `now` (default 300). A JWT's freshness comes from its own `exp`, `nbf` and
//!   `iat`, with the library's leeway of 60 s ([`hookverify::DEFAULT_LEEWAY`]); its
//!   `webhook-timestamp` and `webhook-id` headers are not signed.
//!
//! Without `REQUEST` (and then without `--secret`, `--public-key` and `--jwks`), every
//! bundled sample (`examples/data/*.http`: `v1`, `v1a` and JWT deliveries) is verified with
//! the secret, JWKS, clock and JWT policy stored in `examples/data/samples.json`.
//!
//! Output and exit status:
//!
//! * `0`: authentic; one line naming the scheme and the key that verified:
//!   - `verified: scheme=v1 id=<webhook id> timestamp=<unix seconds> key=secret #<k>`;
//!   - `verified: scheme=v1a id=<webhook id> timestamp=<unix seconds> key=public key #<k>`,
//!     followed by ` kid=<kid>` when the key came from the key set (`(none)` for a key
//!     without one);
//!   - `verified: scheme=jwt id=<webhook id> (header, not signed) alg=<alg> kid=<kid or
//!     (none)> exp=<unix seconds or (none)>[ jti=<jti>]`.
//! * `1`: rejected; one line `rejected: <code>: <explanation> (<hints>)`, where `<code>` is
//!   [`hookverify::Error::code`] (`missing-header`, `invalid-header`, `too-old`, `too-new`,
//!   `invalid-secret`, `no-matching-signature`, `unconfigured-scheme`, `invalid-config`, and
//!   for JWTs `invalid-token`, `unsupported-algorithm`, `forbidden-header`, `unknown-key`,
//!   `invalid-signature`, `expired`, `not-yet-valid`, `missing-claim`, `invalid-claim`,
//!   `wrong-issuer`, `wrong-audience`, `invalid-jwks`, `body-mismatch`), the explanation is
//!   the error's message, and the hints say what was tried and what to do:
//!   `no-matching-signature` lists the keys tried for each scheme (`tried: 2 secret(s) for
//!   v1; 3 public key(s) for v1a: --public-key #1, jwks kid "k2", jwks kid "k3"`) and the
//!   entries left untried; `unconfigured-scheme` says which option configures the scheme
//!   (`--secret` for `v1`, `--public-key` or `--jwks` for `v1a`, `--jwks` for `jwt`);
//!   `too-old` / `too-new` / `expired` / `not-yet-valid` say whether the delivery verifies at
//!   its own time, and which `--now` checks an old capture.
//! * `2`: usage or I/O error (bad option, such as more values than stated above or an
//!   `--issuer`, `--audience` or `--body-hash-claim` no token can carry; unreadable file;
//!   malformed request); a message on standard error starting `error:`.
//!
//! Notes (`note: ...`) go to standard error and do not change the exit status.
//!
//! ```text
//! $ cargo run --example verify -- --secret "$WEBHOOK_SECRET" capture.http
//! rejected: too-old: timestamp is 86400 s in the past, more than the 300 s tolerance (...)
//! $ cargo run --example verify -- --jwks jwks.json --now 1780000150 gemini_v1a.http
//! verified: scheme=v1a id=msg_... timestamp=1780000090 key=public key #2 kid=b7a9...
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
    ConfigFault, DEFAULT_LEEWAY, DEFAULT_TOLERANCE, Delivery, Error, HeaderFault, JwtPolicy,
    KeySet, MAX_POLICY_AUDIENCES, MAX_PUBLIC_KEYS, MAX_SECRETS, Receiver, Scheme, UnixTime,
    WebhookHeaders,
};

/// The most header lines a request may have.
const MAX_HEADERS: usize = 128;

/// How many bytes of an offending header value a rejection quotes.
const QUOTE_LEN: usize = 64;

/// The bundled samples, relative to the crate root.
const SAMPLES_DIR: &str = "examples/data";

/// The secret(s), JWKS name, clock and JWT policy file among the bundled samples.
const SAMPLES_FILE: &str = "samples.json";

/// Verify a captured webhook delivery (Standard Webhooks v1 HMAC-SHA256 or v1a Ed25519, or a
/// JWT checked against a JWKS) and explain any rejection.
///
/// Exit status: 0 verified, 1 rejected (`rejected: <code>: <explanation>`), 2 usage or I/O
/// error. Without REQUEST, --secret, --public-key and --jwks, the bundled samples in
/// examples/data/ are verified.
#[derive(Debug, Parser)]
#[command(name = "verify", version)]
#[command(group(ArgGroup::new("keys").args(["secrets", "public_keys", "jwks"]).multiple(true)))]
struct Cli {
    /// A webhook secret (`whsec_<base64>`) for v1 signatures; repeat for several (at most 4),
    /// as during a rotation
    #[arg(long = "secret", value_name = "SECRET", requires = "request")]
    secrets: Vec<String>,

    /// A public key (`whpk_<base64>`) for v1a signatures; repeat for several (at most 8,
    /// counting the Ed25519 keys of --jwks)
    #[arg(long = "public-key", value_name = "KEY", requires = "request")]
    public_keys: Vec<String>,

    /// A JSON Web Key Set file (`{"keys": [...]}`), the sender's public keys: its Ed25519
    /// keys verify v1a signatures, and its keys verify JWT-signed deliveries
    #[arg(long, value_name = "FILE", requires = "request")]
    jwks: Option<PathBuf>,

    /// The issuer (`iss`) a JWT must name [default: any, not checked]
    #[arg(long, value_name = "ISS", requires = "jwks")]
    issuer: Option<String>,

    /// An audience (`aud`) a JWT may name, usually this endpoint's URL; repeat for several
    /// (at most 4) [default: none, so a token naming an audience is refused]
    #[arg(long = "audience", value_name = "AUD", requires = "jwks")]
    audiences: Vec<String>,

    /// The JWT claim holding base64url(SHA-256(body)); without it a JWT does not authenticate
    /// the body
    #[arg(long, value_name = "NAME", requires = "jwks")]
    body_hash_claim: Option<String>,

    /// The instant to verify at, in Unix seconds [default: the system clock]
    #[arg(long, value_name = "UNIX_SECONDS")]
    now: Option<u64>,

    /// How far a v1/v1a delivery's timestamp may be from now, in seconds (JWTs use their own
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
    /// Exit 2: the request could not be read or parsed, or an option cannot work.
    Failed(String),
}

impl Failure {
    /// The message, whatever the exit status.
    fn into_message(self) -> String {
        match self {
            Self::Rejected(message) | Self::Failed(message) => message,
        }
    }
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

impl Source {
    /// How the `index`-th (0-based) secret is named.
    fn secret(self, index: usize) -> String {
        match self {
            Self::CommandLine => format!("--secret #{}", index.saturating_add(1)),
            Self::Bundled => format!("bundled secret #{}", index.saturating_add(1)),
        }
    }
}

/// What a receiver is built from: the options, or the bundled samples' settings.
#[derive(Debug)]
struct Config {
    secrets: Vec<String>,
    public_keys: Vec<String>,
    /// The JWKS and where it came from, for messages (`--jwks <file>` or the bundled path).
    jwks: Option<(Vec<u8>, String)>,
    issuer: Option<String>,
    audiences: Vec<String>,
    body_hash_claim: Option<String>,
    tolerance: u64,
    source: Source,
}

/// The receiver every request is verified with, and its configuration for messages.
#[derive(Debug)]
struct Setup {
    receiver: Receiver,
    config: Config,
    /// How each `v1a` key is named, in the receiver's order: `--public-key #k`, then
    /// `jwks kid "..."`.
    public_key_names: Vec<String>,
}

impl Setup {
    /// The JWKS's origin, when one was given.
    fn jwks_origin(&self) -> Option<&str> {
        self.config.jwks.as_ref().map(|(_, origin)| origin.as_str())
    }
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
    for (option, given, max) in [
        ("--secret", cli.secrets.len(), MAX_SECRETS),
        ("--public-key", cli.public_keys.len(), MAX_PUBLIC_KEYS),
        ("--audience", cli.audiences.len(), MAX_POLICY_AUDIENCES),
    ] {
        if given > max {
            Cli::command()
                .error(
                    ErrorKind::TooManyValues,
                    format!("at most {max} {option} values are supported, got {given}"),
                )
                .exit();
        }
    }
    match &cli.request {
        Some(path) => verify_one(&cli, path).into(),
        // Without REQUEST clap guarantees there is no --secret, --public-key or --jwks either.
        None => verify_bundled(&cli).into(),
    }
}

/// Verifies the request in `path` (`-` for standard input) with the command-line secrets
/// and keys.
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
    let config = Config {
        secrets: cli.secrets.clone(),
        public_keys: cli.public_keys.clone(),
        jwks: jwks.zip(
            cli.jwks
                .as_ref()
                .map(|path| format!("--jwks {}", path.display())),
        ),
        issuer: cli.issuer.clone(),
        audiences: cli.audiences.clone(),
        body_hash_claim: cli.body_hash_claim.clone(),
        tolerance: cli.tolerance,
        source: Source::CommandLine,
    };
    match build(config) {
        Ok(setup) => report(None, verify_request(&raw, &setup, clock)),
        Err(failure) => report(None, Err(failure)),
    }
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
    let jwks = match read_file(&dir.join(&samples.jwks)) {
        Ok(jwks) => jwks,
        Err(message) => return fail(&message),
    };
    let config = Config {
        secrets: samples.secrets,
        public_keys: Vec::new(),
        jwks: Some((jwks, format!("{SAMPLES_DIR}/{}", samples.jwks))),
        issuer: samples.issuer,
        audiences: samples.audiences,
        body_hash_claim: samples.body_hash_claim,
        tolerance: cli.tolerance,
        source: Source::Bundled,
    };
    let setup = match build(config) {
        Ok(setup) => setup,
        Err(failure) => {
            return fail(&format!(
                "{SAMPLES_DIR}/{SAMPLES_FILE}: {}",
                failure.into_message()
            ));
        }
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
            .and_then(|raw| verify_request(&raw, &setup, clock));
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

/// Builds the receiver: every secret and public key (a malformed one is a rejection naming
/// its position), the key set (each refused key is a note; a set the library refuses is a
/// rejection) and, with a key set, the JWT policy (an option no token can satisfy is a usage
/// error).
fn build(config: Config) -> Result<Setup, Failure> {
    let rejected = |error: Error, which: &str| {
        Failure::Rejected(format!("{}: {error} ({which})", error.code()))
    };
    let mut builder = Receiver::builder();
    builder.tolerance(config.tolerance);
    for (index, secret) in config.secrets.iter().enumerate() {
        builder
            .secret(secret)
            .map_err(|error| rejected(error, &config.source.secret(index)))?;
    }
    for (index, key) in config.public_keys.iter().enumerate() {
        builder.public_key(key).map_err(|error| {
            rejected(error, &format!("--public-key #{}", index.saturating_add(1)))
        })?;
    }
    if let Some((json, origin)) = &config.jwks {
        let keys = KeySet::from_json(json).map_err(|error| rejected(error, origin))?;
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
        builder.key_set(keys).jwt(jwt_policy(&config)?);
    }
    let receiver = builder.build().map_err(|error| match error {
        Error::InvalidConfig(ConfigFault::TooManyPublicKeys { .. }) => rejected(
            error,
            &format!(
                "{} --public-key and the Ed25519 keys of the key set ({})",
                config.public_keys.len(),
                config
                    .jwks
                    .as_ref()
                    .map_or("", |(_, origin)| origin.as_str())
            ),
        ),
        other => Failure::Failed(format!("cannot build the receiver: {other}")),
    })?;
    // The keys v1a entries are tried under, in the receiver's order: `--public-key` keys, then
    // the key set's Ed25519 keys, named by their kid.
    let given = config.public_keys.len();
    let public_key_names = (0..receiver.public_keys())
        .map(|i| match (i < given, receiver.public_key_kid(i)) {
            (true, _) => format!("--public-key #{}", i.saturating_add(1)),
            (false, Some(kid)) => format!("jwks kid {}", quote(kid.as_bytes())),
            (false, None) => format!(
                "jwks Ed25519 key #{}",
                i.saturating_sub(given).saturating_add(1)
            ),
        })
        .collect();
    Ok(Setup {
        receiver,
        config,
        public_key_names,
    })
}

/// The JWT policy of the options: issuer and audiences as given (either may be absent: this
/// tool inspects captures), and the body bound only with `--body-hash-claim`.
fn jwt_policy(config: &Config) -> Result<JwtPolicy, Failure> {
    let audiences: Vec<&str> = config.audiences.iter().map(String::as_str).collect();
    let option = |error: Error| {
        let name = match error {
            Error::InvalidConfig(ConfigFault::Issuer { .. }) => "--issuer",
            Error::InvalidConfig(ConfigFault::Audiences { .. }) => "--audience",
            Error::InvalidConfig(ConfigFault::ClaimName { .. }) => "--body-hash-claim",
            _ => "the JWT policy",
        };
        Failure::Failed(format!("{name}: {error}"))
    };
    let builder =
        JwtPolicy::builder_unchecked_issuer_or_audience(config.issuer.as_deref(), &audiences)
            .map_err(option)?;
    match &config.body_hash_claim {
        Some(claim) => builder.body_hash_claim(claim).map_err(option),
        None => Ok(builder.body_not_authenticated()),
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
fn verify_request(raw: &[u8], setup: &Setup, clock: Clock) -> Result<String, Failure> {
    let request = parse_request(raw).map_err(Failure::Failed)?;
    let headers = WebhookHeaders::from_pairs(&request.headers)
        .map_err(|error| rejection(error, &request, None, setup, clock))?;
    let delivery = setup
        .receiver
        .verify(&headers, request.body, clock.now)
        .map_err(|error| rejection(error, &request, Some(&headers), setup, clock))?;
    verified_line(&delivery, setup)
}

/// The `verified: ...` line: the scheme, the id and the key that verified.
fn verified_line(delivery: &Delivery<'_>, setup: &Setup) -> Result<String, Failure> {
    let position = |index: Option<usize>| {
        index.map_or_else(|| "?".to_owned(), |i| i.saturating_add(1).to_string())
    };
    let id = delivery.id();
    let timestamp = delivery.timestamp().as_secs();
    match delivery.scheme() {
        Scheme::V1 => Ok(format!(
            "verified: scheme=v1 id={id} timestamp={timestamp} key=secret #{}",
            position(delivery.secret_index())
        )),
        Scheme::V1a => {
            // The keys of the key set come after the --public-key keys.
            let from_jwks = delivery
                .public_key_index()
                .is_some_and(|index| index >= setup.config.public_keys.len());
            let kid = if from_jwks {
                format!(
                    " kid={}",
                    delivery.kid().map_or_else(|| "(none)".to_owned(), word)
                )
            } else {
                String::new()
            };
            Ok(format!(
                "verified: scheme=v1a id={id} timestamp={timestamp} key=public key #{}{kid}",
                position(delivery.public_key_index())
            ))
        }
        Scheme::Jwt => {
            let token = delivery.jwt().ok_or_else(|| {
                Failure::Failed("a JWT-signed delivery without its token".to_owned())
            })?;
            let kid = token.kid().map_or_else(|| "(none)".to_owned(), word);
            let exp = token
                .expires_at()
                .map_or_else(|| "(none)".to_owned(), |exp| exp.as_secs().to_string());
            let jti = token
                .jti()
                .map(|jti| format!(" jti={}", word(jti)))
                .unwrap_or_default();
            if !delivery.body_is_authenticated() {
                eprintln!(
                    "note: the token authenticates its claims, not the body (no \
                     --body-hash-claim)"
                );
            }
            Ok(format!(
                "verified: scheme=jwt id={id} (header, not signed) alg={} kid={kid} \
                 exp={exp}{jti}",
                token.algorithm().as_str()
            ))
        }
        _ => Err(Failure::Failed(
            "this kind of verified delivery is not supported by this tool".to_owned(),
        )),
    }
}

/// `<code>: <explanation> (<hint>)` for a rejected request.
fn rejection(
    error: Error,
    request: &Request<'_>,
    headers: Option<&WebhookHeaders<'_>>,
    setup: &Setup,
    clock: Clock,
) -> Failure {
    let signature = headers.map(WebhookHeaders::signature).unwrap_or_default();
    let hint = match error {
        Error::MissingHeader { .. } => Some(signed_headers_present(&request.headers)),
        Error::InvalidHeader {
            fault: HeaderFault::TooManyChecks { max },
            ..
        } => {
            let entries = Entries::of(signature).v1a;
            let keys = setup.receiver.public_keys();
            Some(format!(
                "{entries} v1a entry(ies) under {keys} public key(s) make {} checks, more than \
                 {max}",
                entries.saturating_mul(keys)
            ))
        }
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
            headers,
            setup,
            clock,
        )),
        Error::TooNew { ahead, .. } => Some(freshness_hint(
            clock.now.as_secs().checked_add(ahead),
            "to check it anyway, but is the sender's clock or this one wrong?",
            request,
            headers,
            setup,
            clock,
        )),
        Error::UnconfiguredScheme { scheme } => Some(unconfigured_hint(scheme, setup)),
        Error::NoMatchingSignature {
            v1,
            v1a,
            secrets,
            public_keys,
            ..
        } => Some(tried_hint(
            (v1, v1a),
            (secrets, public_keys),
            request,
            signature,
            setup,
        )),
        Error::InvalidToken(_) => Some(token_form_hint(signature_name(request), signature)),
        _ => headers.and_then(|headers| jwt_hint(error, headers, request.body, setup, clock)),
    };
    let hint = hint.map(|h| format!(" ({h})")).unwrap_or_default();
    Failure::Rejected(format!("{}: {error}{hint}", error.code()))
}

/// The `v1`, `v1a` and other entries of a signature list, counted as the library counts
/// them.
#[derive(Clone, Copy, Debug, Default)]
struct Entries {
    v1: usize,
    v1a: usize,
}

impl Entries {
    fn of(signature: &[u8]) -> Self {
        let mut entries = Self::default();
        for entry in signature.split(|b| *b == b' ') {
            if entry.starts_with(b"v1,") {
                entries.v1 = entries.v1.saturating_add(1);
            } else if entry.starts_with(b"v1a,") {
                entries.v1a = entries.v1a.saturating_add(1);
            }
        }
        entries
    }
}

/// Why no key of `scheme` is configured.
fn why_unconfigured(scheme: Scheme, setup: &Setup) -> String {
    match (scheme, setup.jwks_origin()) {
        (Scheme::V1, _) => "no --secret was given".to_owned(),
        (Scheme::V1a, Some(origin)) => format!(
            "no --public-key was given, and the key set ({origin}) holds no usable Ed25519 key"
        ),
        (Scheme::V1a, None) => "no --public-key or --jwks was given".to_owned(),
        _ => "no --jwks was given".to_owned(),
    }
}

/// For `unconfigured-scheme`: what is missing, and which option supplies it.
fn unconfigured_hint(scheme: Scheme, setup: &Setup) -> String {
    let pass = match scheme {
        Scheme::V1 => "pass --secret with the endpoint's whsec_ secret",
        Scheme::V1a => {
            "pass --public-key with the sender's whpk_ key, or --jwks with its JWKS (its \
             OKP/Ed25519 keys verify v1a)"
        }
        _ => "pass --jwks with the sender's JWKS (and --issuer, --audience, --body-hash-claim)",
    };
    format!("{}: {pass}", why_unconfigured(scheme, setup))
}

/// For `no-matching-signature`: the keys tried for each scheme, the entries no key was
/// tried for, and what to check.
fn tried_hint(
    (v1, v1a): (usize, usize),
    (secrets, public_keys): (usize, usize),
    request: &Request<'_>,
    signature: &[u8],
    setup: &Setup,
) -> String {
    let mut tried = Vec::new();
    if v1 > 0 {
        tried.push(format!("{secrets} secret(s) for v1"));
    }
    if v1a > 0 {
        let names = setup
            .public_key_names
            .get(..public_keys)
            .unwrap_or(&setup.public_key_names);
        tried.push(format!(
            "{public_keys} public key(s) for v1a: {}",
            names.join(", ")
        ));
    }
    if tried.is_empty() {
        return format!(
            "the {} holds no v1 or v1a entry, only entries of other versions: received {}",
            signature_name(request),
            quote(signature)
        );
    }
    let mut hint = vec![format!("tried: {}", tried.join("; "))];
    let entries = Entries::of(signature);
    for (scheme, count, untried) in [
        (Scheme::V1, entries.v1, v1 == 0),
        (Scheme::V1a, entries.v1a, v1a == 0),
    ] {
        if untried && count > 0 {
            hint.push(format!(
                "{count} {scheme} entry(ies) not tried: {}",
                why_unconfigured(scheme, setup)
            ));
        }
    }
    let what = match (v1 > 0, v1a > 0) {
        (true, false) => "the secret",
        (false, true) => "the public keys",
        _ => "the secret and the public keys",
    };
    hint.push(format!(
        "the {} body byte(s) were checked exactly as captured: check {what}, and that \
         nothing re-serialized, re-encoded or converted the line endings of the body",
        request.body.len()
    ));
    hint.join("; ")
}

/// The signature header's name in the family the library reads: `webhook-signature`, or
/// `svix-signature` when no `webhook-*` header is present.
fn signature_name(request: &Request<'_>) -> &'static str {
    let webhook = request.headers.iter().any(|(name, _)| {
        name.get(..8)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case("webhook-"))
    });
    if webhook {
        "webhook-signature"
    } else {
        "svix-signature"
    }
}

/// For `invalid-token`: what is wrong with the token's form, as far as it shows.
fn token_form_hint(header: &str, token: &[u8]) -> String {
    let segments = token.split(|b| *b == b'.').count();
    if segments != 3 {
        format!(
            "the {header} has no comma, so it is read as a JWT, and it has {segments} \
             dot-separated segment(s) where a compact JWT has 3"
        )
    } else if token.contains(&b'=') {
        "the token holds '=' padding, which a JWT's base64url never has (RFC 7515 section 2)"
            .to_owned()
    } else {
        format!("received {}", quote(token))
    }
}

/// Hints for the JWT rejections, from the token's header and claims (read here without
/// verification: they only explain what the library decided).
fn jwt_hint(
    error: Error,
    headers: &WebhookHeaders<'_>,
    body: &[u8],
    setup: &Setup,
    clock: Clock,
) -> Option<String> {
    let token = headers.signature();
    let header = token_part(token, 0);
    let claims = token_part(token, 1);
    let header_str = |name: &str| header.as_ref()?.get(name)?.as_str().map(str::to_owned);
    let claim = |name: &str| claims.as_ref()?.get(name);
    let origin = setup.jwks_origin().unwrap_or("none");
    let config = &setup.config;
    match error {
        Error::UnknownKey => {
            let kids: Vec<String> = setup
                .receiver
                .key_set()
                .into_iter()
                .flat_map(KeySet::kids)
                .map(|kid| kid.map_or_else(|| "(none)".to_owned(), |kid| quote(kid.as_bytes())))
                .collect();
            let held = if kids.is_empty() {
                format!("the key set ({origin}) holds no usable key")
            } else {
                format!("the key set ({origin}) holds kid(s) {}", kids.join(", "))
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
            "the token was altered, or not signed by the key{} in the key set ({origin})",
            header_str("kid")
                .map(|kid| format!(" with kid {}", quote(kid.as_bytes())))
                .unwrap_or_default(),
        )),
        Error::UnsupportedAlgorithm => Some(algorithm_hint(header_str("alg").as_deref())),
        Error::Expired { claim: name } | Error::NotYetValid { claim: name } => Some(jwt_time_hint(
            error,
            name,
            claims.as_ref(),
            headers,
            body,
            setup,
            clock,
        )),
        Error::WrongIssuer => Some(format!(
            "the token's iss is {}, expected {}",
            claim("iss").map_or_else(|| "missing".to_owned(), json_text),
            config
                .issuer
                .as_deref()
                .map_or_else(|| "any".to_owned(), |iss| quote(iss.as_bytes()))
        )),
        Error::WrongAudience => {
            let aud = claim("aud").map_or_else(|| "missing".to_owned(), json_text);
            Some(if config.audiences.is_empty() {
                format!(
                    "the token's aud is {aud}, and no audience is expected: pass --audience \
                     with this endpoint's URL"
                )
            } else {
                let expected: Vec<String> = config
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
            let body_claim = config
                .body_hash_claim
                .as_deref()
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
            let carried = config
                .body_hash_claim
                .as_deref()
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

/// For `unsupported-algorithm`: the token's `alg`, and which key (and feature) each
/// algorithm needs.
fn algorithm_hint(alg: Option<&str>) -> String {
    let needs: Vec<String> = [
        ("RS256", "an RSA key", "rs256", cfg!(feature = "rs256")),
        ("ES256", "an EC P-256 key", "es256", cfg!(feature = "es256")),
        (
            "EdDSA or Ed25519",
            "an OKP Ed25519 key",
            "ed25519",
            cfg!(feature = "ed25519"),
        ),
    ]
    .into_iter()
    .map(|(name, key, feature, enabled)| {
        if enabled {
            format!("{name} needs {key}")
        } else {
            format!(
                "{name} needs {key} and the {feature} feature, not built in here (cargo run \
                 --features {feature} --example verify)"
            )
        }
    })
    .collect();
    format!(
        "the token's alg is {}; {}",
        alg.map_or_else(|| "missing".to_owned(), |alg| quote(alg.as_bytes())),
        needs.join(", ")
    )
}

/// For expired / not-yet-valid tokens: the clock used, the claim's value, and whether the
/// delivery verifies at the token's own issue time.
fn jwt_time_hint(
    error: Error,
    name: &str,
    claims: Option<&serde_json::Value>,
    headers: &WebhookHeaders<'_>,
    body: &[u8],
    setup: &Setup,
    clock: Clock,
) -> String {
    let time = |name: &str| claims?.get(name)?.as_u64();
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
    let verdict = inside.map(|at| {
        match setup
            .receiver
            .verify(headers, body, UnixTime::from_secs(at))
        {
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

/// For too-old / too-new: the clock used, and whether the delivery verifies at its own
/// timestamp.
fn freshness_hint(
    timestamp: Option<u64>,
    advice: &str,
    request: &Request<'_>,
    headers: Option<&WebhookHeaders<'_>>,
    setup: &Setup,
    clock: Clock,
) -> String {
    let now = format!("now={} {}", clock.now.as_secs(), clock.source);
    let at_its_time = timestamp.zip(headers).map(|(ts, headers)| {
        (
            ts,
            setup
                .receiver
                .verify(headers, request.body, UnixTime::from_secs(ts))
                .is_ok(),
        )
    });
    match at_its_time {
        Some((ts, true)) => {
            format!("{now}; the signature itself is valid: pass --now {ts} {advice}")
        }
        Some((_, false)) => format!("{now}; the signature does not match either"),
        None => now,
    }
}

/// A header value quoted for a one-line message: escaped, and cut after [`QUOTE_LEN`] bytes.
fn quote(value: &[u8]) -> String {
    let shown = value.get(..QUOTE_LEN).unwrap_or(value);
    let more = if shown.len() < value.len() { "..." } else { "" };
    format!("\"{}\"{more}", shown.escape_ascii())
}
