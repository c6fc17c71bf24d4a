//! Runs the `verify` example (`examples/verify.rs`) on captured requests and checks its exit
//! status and output: the bundled samples (HMAC and JWT-signed), every rejection code, and the
//! usage errors.
//!
//! The binary is the one Cargo builds into `target/<profile>/examples/`; each test process
//! first runs `cargo build --example verify` for the same profile, so `cargo test --test cli`
//! alone works and never runs a stale binary. Failure fixtures are in `tests/data/cli/`
//! (written by `examples/data/make_samples.py`); a few more are written to
//! `CARGO_TARGET_TMPDIR` by the tests themselves, among them every JWT and JWKS variant:
//! the dynamic sample's keys are regenerated with the samples, so those are derived from
//! `examples/data/gemini_dynamic.http` and `examples/data/jwks.json` at run time.

// The example needs `UnixTime::now()`.
#![cfg(feature = "std")]
// Test code: the panic-freedom, arithmetic and no_std lints guard `src/` only.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

const GEMINI: &str = "examples/data/gemini_batch_succeeded.http";
const GEMINI_ID: &str = "msg_2yXqA7hK9pLmN3bV8cD1eF4gH6j";
const GEMINI_TS: u64 = 1_780_000_000;
const SVIX: &str = "examples/data/svix_batch_failed.http";
const SVIX_ID: &str = "msg_7ZkPq0Rt4sUv9wXy2AbCdEfGhIj";
const SVIX_TS: u64 = 1_780_000_120;
const DYNAMIC: &str = "examples/data/gemini_dynamic.http";
const DYNAMIC_ID: &str = "msg_4uYvW1xZ3aB5cD7eF9gH0iJ2kLm";
const DYNAMIC_IAT: u64 = 1_780_000_060;
const DYNAMIC_EXP: u64 = 1_780_000_360;
const DYNAMIC_JTI: &str = "evt_9Qw3Er5Ty7Ui1Op3As5Df7Gh9Jk";
const RSA_KID: &str = "sample-rs256-1";
const EC_KID: &str = "sample-es256-1";
/// The library's default leeway for `exp`, `nbf` and `iat`.
const LEEWAY: u64 = 60;
/// The Standard Webhooks specification's example secret: valid, but not the samples' one.
const OTHER_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// The bundled secret, clock and JWT policy, from `examples/data/samples.json`.
struct Samples {
    secret: String,
    now: u64,
    /// The JWKS file, relative to the crate root.
    jwks: String,
    issuer: String,
    audience: String,
    body_hash_claim: String,
}

fn samples() -> &'static Samples {
    static SAMPLES: OnceLock<Samples> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let text = std::fs::read(manifest_dir().join("examples/data/samples.json")).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&text).unwrap();
        Samples {
            secret: json["secrets"][0].as_str().unwrap().to_owned(),
            now: json["now"].as_u64().unwrap(),
            jwks: format!("examples/data/{}", json["jwks"].as_str().unwrap()),
            issuer: json["issuer"].as_str().unwrap().to_owned(),
            audience: json["audiences"][0].as_str().unwrap().to_owned(),
            body_hash_claim: json["body_hash_claim"].as_str().unwrap().to_owned(),
        }
    })
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `target/<profile>/examples/verify`, built first with the profile of this test binary.
fn verify_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        // This test binary is `target/<profile>/deps/cli-<hash>`.
        let exe = std::env::current_exe().unwrap();
        let profile_dir = exe.parent().unwrap().parent().unwrap();
        let bin = profile_dir
            .join("examples")
            .join(format!("verify{}", std::env::consts::EXE_SUFFIX));
        let mut cargo = Command::new(env!("CARGO"));
        cargo
            .current_dir(manifest_dir())
            .args(["build", "--quiet", "--example", "verify"]);
        match profile_dir.file_name().and_then(|name| name.to_str()) {
            Some("debug") | None => {}
            Some("release") => {
                cargo.arg("--release");
            }
            Some(profile) => {
                cargo.args(["--profile", profile]);
            }
        }
        let status = cargo.status().expect("cannot run cargo");
        assert!(status.success(), "cargo build --example verify failed");
        assert!(bin.is_file(), "{} was not built", bin.display());
        bin
    })
}

/// What one run of the binary did.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Asserts exit status 0 and a single `verified: ...` line.
    fn verified(&self) -> String {
        assert_eq!(self.code, 0, "{self:#?}");
        assert_eq!(self.stdout.lines().count(), 1, "{self:#?}");
        assert!(self.stdout.starts_with("verified: "), "{self:#?}");
        self.stdout.trim_end().to_owned()
    }

    /// Asserts exit status 1 and a single `rejected: <code>: ...` line; returns the line.
    fn rejected(&self, code: &str) -> String {
        assert_eq!(self.code, 1, "{self:#?}");
        assert_eq!(self.stdout.lines().count(), 1, "{self:#?}");
        assert!(
            self.stdout.starts_with(&format!("rejected: {code}: ")),
            "expected {code}: {self:#?}"
        );
        self.stdout.trim_end().to_owned()
    }

    /// Asserts exit status 2, nothing on stdout and `error:` on stderr; returns stderr.
    fn usage_error(&self) -> String {
        assert_eq!(self.code, 2, "{self:#?}");
        assert!(self.stdout.is_empty(), "{self:#?}");
        assert!(self.stderr.starts_with("error: "), "{self:#?}");
        self.stderr.clone()
    }
}

/// Runs the binary from the crate root with `args`, feeding `stdin`.
fn run_with_stdin(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(verify_bin())
        .current_dir(manifest_dir())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code().expect("killed by a signal"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn run(args: &[&str]) -> Run {
    run_with_stdin(args, b"")
}

fn run_strs(args: &[String]) -> Run {
    run(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// Runs with the samples' secret and clock on `request`, plus `extra` arguments.
fn run_sample(request: &str, extra: &[&str]) -> Run {
    let now = samples().now.to_string();
    let mut args = vec!["--secret", &samples().secret, "--now", &now];
    args.extend_from_slice(extra);
    args.push(request);
    run(&args)
}

/// Writes `bytes` to a fresh file under `CARGO_TARGET_TMPDIR` and returns its path.
fn temp_request(name: &str, bytes: &[u8]) -> String {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(manifest_dir().join(path)).unwrap()
}

// ---------------------------------------------------------------------------------------
// Authentic deliveries

#[test]
fn bundled_mode_verifies_every_sample_in_order() {
    let run = run(&[]);
    assert_eq!(run.code, 0, "{run:#?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "no REQUEST given: verifying the bundled samples in examples/data/ with their \
             bundled secret, JWKS and clock (now={})",
            samples().now
        )
    );
    assert_eq!(
        lines[1..],
        [
            format!(
                "gemini_batch_succeeded.http: verified: id={GEMINI_ID} timestamp={GEMINI_TS} \
                 (secret #1)"
            ),
            format!(
                "gemini_dynamic.http: verified: id={DYNAMIC_ID} (header, not signed) alg=RS256 \
                 kid={RSA_KID} exp={DYNAMIC_EXP} jti={DYNAMIC_JTI}"
            ),
            format!(
                "svix_batch_failed.http: verified: id={SVIX_ID} timestamp={SVIX_TS} (secret #1)"
            ),
        ]
    );
    // The bundled policy names the body-hash claim: no note that the body is unsigned.
    assert!(run.stderr.is_empty(), "{run:#?}");
}

#[test]
fn bundled_clock_is_inside_the_dynamic_samples_validity() {
    assert!((DYNAMIC_IAT..DYNAMIC_EXP).contains(&samples().now));
}

#[test]
fn bundled_mode_fails_when_any_sample_is_rejected() {
    let late = (samples().now + 3600).to_string();
    let run = run(&["--now", &late]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.stdout.starts_with(&format!(
        "no REQUEST given: verifying the bundled samples in examples/data/ with their bundled \
         secret, JWKS and --now (now={late})"
    )));
    let results: Vec<&str> = run.stdout.lines().skip(1).collect();
    assert_eq!(results.len(), 3, "{run:#?}");
    assert!(results[0].starts_with("gemini_batch_succeeded.http: rejected: too-old: "));
    assert!(results[1].starts_with("gemini_dynamic.http: rejected: expired: "));
    assert!(results[2].starts_with("svix_batch_failed.http: rejected: too-old: "));
}

#[test]
fn webhook_sample_with_lf_head_verifies() {
    assert_eq!(
        run_sample(GEMINI, &[]).verified(),
        format!("verified: id={GEMINI_ID} timestamp={GEMINI_TS} (secret #1)")
    );
}

#[test]
fn svix_sample_with_crlf_head_and_content_length_verifies() {
    assert_eq!(
        run_sample(SVIX, &[]).verified(),
        format!("verified: id={SVIX_ID} timestamp={SVIX_TS} (secret #1)")
    );
}

#[test]
fn request_on_stdin() {
    let now = samples().now.to_string();
    let run = run_with_stdin(
        &["--secret", &samples().secret, "--now", &now, "-"],
        &read(SVIX),
    );
    assert_eq!(
        run.verified(),
        format!("verified: id={SVIX_ID} timestamp={SVIX_TS} (secret #1)")
    );
}

#[test]
fn several_secrets_name_the_one_that_matched() {
    let now = samples().now.to_string();
    let run = run(&[
        "--secret",
        OTHER_SECRET,
        "--secret",
        &samples().secret,
        "--now",
        &now,
        GEMINI,
    ]);
    assert!(run.verified().ends_with("(secret #2)"), "{run:#?}");
}

#[test]
fn eight_secrets_are_accepted() {
    let now = samples().now.to_string();
    let mut args = Vec::new();
    for _ in 0..7 {
        args.extend(["--secret", OTHER_SECRET]);
    }
    args.extend(["--secret", samples().secret.as_str(), "--now", &now, GEMINI]);
    assert!(run(&args).verified().ends_with("(secret #8)"));
}

#[test]
fn lf_head_is_only_the_head_the_body_stays_byte_exact() {
    // The svix sample with its head converted to LF; its body (LF newlines) is unchanged.
    let raw = read(SVIX);
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(raw[..split].to_vec())
        .unwrap()
        .replace("\r\n", "\n");
    let mut converted = head.into_bytes();
    converted.extend_from_slice(b"\n\n");
    converted.extend_from_slice(&raw[split + 4..]);
    let path = temp_request("svix_lf_head.http", &converted);
    run_sample(&path, &[]).verified();

    // Converting the body's newlines too breaks the signature.
    let mut crlf_body = raw[..split + 4].to_vec();
    let body = String::from_utf8(raw[split + 4..].to_vec()).unwrap();
    let body = body.replace('\n', "\r\n");
    let head = String::from_utf8(crlf_body.clone()).unwrap();
    let old_len = format!("Content-Length: {}", raw.len() - split - 4);
    let new_len = format!("Content-Length: {}", body.len());
    assert!(head.contains(&old_len));
    crlf_body = head.replace(&old_len, &new_len).into_bytes();
    crlf_body.extend_from_slice(body.as_bytes());
    let path = temp_request("svix_crlf_body.http", &crlf_body);
    run_sample(&path, &[]).rejected("no-matching-signature");
}

#[test]
fn bytes_after_content_length_are_ignored_with_a_note() {
    let mut raw = read(SVIX);
    raw.extend_from_slice(b"\r\n");
    let path = temp_request("svix_trailing_bytes.http", &raw);
    let run = run_sample(&path, &[]);
    run.verified();
    assert!(
        run.stderr.starts_with("note: ignoring 2 byte(s)"),
        "{run:#?}"
    );
}

// ---------------------------------------------------------------------------------------
// Rejections (exit 1)

#[test]
fn missing_header() {
    let run = run_sample("tests/data/cli/missing_signature.http", &[]);
    assert_eq!(
        run.rejected("missing-header"),
        "rejected: missing-header: header webhook-signature is missing \
         (the request has webhook-id, webhook-timestamp)"
    );
}

#[test]
fn missing_header_of_a_request_without_any_signed_header() {
    let path = temp_request(
        "no_signed_headers.http",
        b"POST /hook HTTP/1.1\nHost: example.com\n\n{}",
    );
    let run = run_sample(&path, &[]);
    assert_eq!(
        run.rejected("missing-header"),
        "rejected: missing-header: header svix-id is missing \
         (the request has no webhook-* or svix-* header)"
    );
}

#[test]
fn invalid_header() {
    let run = run_sample("tests/data/cli/invalid_timestamp.http", &[]);
    assert_eq!(
        run.rejected("invalid-header"),
        "rejected: invalid-header: header webhook-timestamp is not 1 to 19 ASCII digits \
         (received \"1780000000.0\")"
    );
}

#[test]
fn invalid_header_for_a_duplicate() {
    let run = run_sample("tests/data/cli/duplicate_signature.http", &[]);
    let line = run.rejected("invalid-header");
    assert!(
        line.starts_with("rejected: invalid-header: header svix-signature appears more than once"),
        "{line}"
    );
}

#[test]
fn too_old() {
    let now = (GEMINI_TS + 301).to_string();
    let run = run(&["--secret", &samples().secret, "--now", &now, GEMINI]);
    assert_eq!(
        run.rejected("too-old"),
        format!(
            "rejected: too-old: timestamp is 301 s in the past, more than the 300 s tolerance \
             (now={now} from --now; the signature itself is valid: pass --now {GEMINI_TS} to \
             check an old capture)"
        )
    );
}

#[test]
fn too_old_with_the_system_clock() {
    let run = run(&["--secret", &samples().secret, GEMINI]);
    let line = run.rejected("too-old");
    assert!(line.contains("from the system clock"), "{line}");
}

#[test]
fn too_new_with_a_custom_tolerance() {
    let now = (SVIX_TS - 61).to_string();
    let run = run(&[
        "--secret",
        &samples().secret,
        "--now",
        &now,
        "--tolerance",
        "60",
        SVIX,
    ]);
    let line = run.rejected("too-new");
    assert!(
        line.starts_with(
            "rejected: too-new: timestamp is 61 s in the future, more than the 60 s tolerance \
             (now="
        ),
        "{line}"
    );
    // Within the tolerance it verifies.
    let now = (SVIX_TS - 60).to_string();
    run_sample(SVIX, &["--now", &now, "--tolerance", "60"]);
}

#[test]
fn too_old_says_when_the_signature_would_not_match_either() {
    let late = (samples().now + 3600).to_string();
    let run = run(&[
        "--secret",
        &samples().secret,
        "--now",
        &late,
        "tests/data/cli/tampered_body.http",
    ]);
    assert!(
        run.rejected("too-old")
            .ends_with("; the signature does not match either)"),
        "{run:#?}"
    );
}

#[test]
fn invalid_secret() {
    for (secret, reason) in [
        ("whsec_!!!!", "secret is not standard base64"),
        ("whsec_AQEBAQEBAQEBAQEBAQEB", "secret decodes to 15 bytes"),
        ("whsec_", "secret is empty"),
    ] {
        let now = samples().now.to_string();
        let run = run(&["--secret", secret, "--now", &now, GEMINI]);
        let line = run.rejected("invalid-secret");
        assert!(
            line.starts_with(&format!("rejected: invalid-secret: {reason}")),
            "{line}"
        );
        assert!(line.ends_with("(--secret #1)"), "{line}");
    }
}

#[test]
fn invalid_secret_names_its_position() {
    let now = samples().now.to_string();
    let run = run(&[
        "--secret",
        &samples().secret,
        "--secret",
        "not base64!",
        "--now",
        &now,
        GEMINI,
    ]);
    assert!(run.rejected("invalid-secret").ends_with("(--secret #2)"));
}

#[test]
fn no_matching_signature_for_a_tampered_body() {
    let run = run_sample("tests/data/cli/tampered_body.http", &[]);
    let line = run.rejected("no-matching-signature");
    assert!(
        line.starts_with(
            "rejected: no-matching-signature: none of 1 v1 signature(s) matches under 1 \
             secret(s)"
        ),
        "{line}"
    );
    assert!(line.contains("the 325 body byte(s)"), "{line}");
}

#[test]
fn no_matching_signature_for_another_secret() {
    let now = samples().now.to_string();
    let run = run(&["--secret", OTHER_SECRET, "--now", &now, SVIX]);
    run.rejected("no-matching-signature");
}

// ---------------------------------------------------------------------------------------
// JWT-signed (dynamic) deliveries

/// The options of one run on a JWT-signed delivery: by default the bundled JWKS, clock and
/// policy; each field can be changed, or left out with `None`.
struct Dynamic {
    jwks: String,
    issuer: Option<String>,
    audiences: Vec<String>,
    body_hash_claim: Option<String>,
    now: u64,
}

impl Dynamic {
    fn sample() -> Self {
        let samples = samples();
        Self {
            jwks: samples.jwks.clone(),
            issuer: Some(samples.issuer.clone()),
            audiences: vec![samples.audience.clone()],
            body_hash_claim: Some(samples.body_hash_claim.clone()),
            now: samples.now,
        }
    }

    fn args(&self) -> Vec<String> {
        let mut args = vec!["--jwks".to_owned(), self.jwks.clone()];
        if let Some(issuer) = &self.issuer {
            args.extend(["--issuer".to_owned(), issuer.clone()]);
        }
        for audience in &self.audiences {
            args.extend(["--audience".to_owned(), audience.clone()]);
        }
        if let Some(claim) = &self.body_hash_claim {
            args.extend(["--body-hash-claim".to_owned(), claim.clone()]);
        }
        args.extend(["--now".to_owned(), self.now.to_string()]);
        args
    }

    fn run(&self, request: &str) -> Run {
        let mut args = self.args();
        args.push(request.to_owned());
        run(&args.iter().map(String::as_str).collect::<Vec<_>>())
    }
}

fn dynamic_verified_line() -> String {
    format!(
        "verified: id={DYNAMIC_ID} (header, not signed) alg=RS256 kid={RSA_KID} \
         exp={DYNAMIC_EXP} jti={DYNAMIC_JTI}"
    )
}

/// The bundled JWKS as JSON.
fn jwks_json() -> serde_json::Value {
    serde_json::from_slice(&read(&samples().jwks)).unwrap()
}

/// Writes `jwks` to a temporary file and returns its path.
fn temp_jwks(name: &str, jwks: &serde_json::Value) -> String {
    temp_request(name, serde_json::to_string_pretty(jwks).unwrap().as_bytes())
}

/// The dynamic sample's JWT (its `webhook-signature`).
fn dynamic_token() -> String {
    let raw = String::from_utf8(read(DYNAMIC)).unwrap();
    raw.lines()
        .find_map(|line| line.strip_prefix("webhook-signature: "))
        .unwrap()
        .to_owned()
}

/// The dynamic sample with `edit` applied to its text (head and body).
fn edited_dynamic(name: &str, edit: impl FnOnce(String) -> String) -> String {
    let raw = String::from_utf8(read(DYNAMIC)).unwrap();
    let edited = edit(raw.clone());
    assert_ne!(edited, raw, "the edit changed nothing");
    temp_request(name, edited.as_bytes())
}

#[test]
fn dynamic_sample_verifies() {
    let run = Dynamic::sample().run(DYNAMIC);
    assert_eq!(run.verified(), dynamic_verified_line());
    assert!(run.stderr.is_empty(), "{run:#?}");
}

#[test]
fn dynamic_sample_token_is_rs256_with_the_bundled_claims() {
    use base64ct::{Base64UrlUnpadded, Encoding as _};
    let token = dynamic_token();
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    let header: serde_json::Value =
        serde_json::from_slice(&Base64UrlUnpadded::decode_vec(parts[0]).unwrap()).unwrap();
    assert_eq!(header["alg"], "RS256");
    assert_eq!(header["kid"], RSA_KID);
    let claims: serde_json::Value =
        serde_json::from_slice(&Base64UrlUnpadded::decode_vec(parts[1]).unwrap()).unwrap();
    assert_eq!(claims["iss"], samples().issuer.as_str());
    assert_eq!(claims["aud"], samples().audience.as_str());
    assert_eq!(claims["iat"], DYNAMIC_IAT);
    assert_eq!(claims["exp"], DYNAMIC_EXP);
    assert_eq!(claims["jti"], DYNAMIC_JTI);
    assert!(claims[samples().body_hash_claim.as_str()].is_string());
    // The audience is the URL the request was sent to.
    let raw = String::from_utf8(read(DYNAMIC)).unwrap();
    assert!(raw.starts_with("POST /webhooks/gemini HTTP/1.1\nHost: hooks.example.com\n"));
    assert_eq!(
        samples().audience,
        "https://hooks.example.com/webhooks/gemini"
    );
    // The JWKS holds the RSA signing key and a P-256 key, public members only.
    let jwks = jwks_json();
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0]["kty"], "RSA");
    assert_eq!(keys[0]["kid"], RSA_KID);
    assert_eq!(keys[1]["kty"], "EC");
    assert_eq!(keys[1]["crv"], "P-256");
    assert_eq!(keys[1]["kid"], EC_KID);
    for key in keys {
        for private in ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] {
            assert!(key.get(private).is_none(), "{key}");
        }
    }
}

#[test]
fn dynamic_sample_with_several_audiences_and_secrets() {
    let run = Dynamic {
        audiences: vec![
            "https://hooks.example.com/other".to_owned(),
            samples().audience.clone(),
        ],
        ..Dynamic::sample()
    };
    let mut args = run.args();
    args.extend(["--secret".to_owned(), samples().secret.clone()]);
    for request in [DYNAMIC, GEMINI, SVIX] {
        let mut all = args.clone();
        all.push(request.to_owned());
        run_strs(&all).verified();
    }
}

#[test]
fn dynamic_sample_without_body_hash_claim_notes_that_the_body_is_not_signed() {
    let without = Dynamic {
        body_hash_claim: None,
        ..Dynamic::sample()
    };
    let run = without.run(DYNAMIC);
    assert_eq!(run.verified(), dynamic_verified_line());
    assert_eq!(
        run.stderr,
        "note: the token authenticates its claims, not the body (no --body-hash-claim)\n"
    );
    // Indeed: a changed body still verifies without the claim.
    let path = edited_dynamic("dynamic_body_unchecked.http", |raw| {
        raw.replace(r#""request_count":"250""#, r#""request_count":"251""#)
    });
    without.run(&path).verified();
}

#[test]
fn dynamic_sample_from_stdin() {
    let mut args = Dynamic::sample().args();
    args.push("-".to_owned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(
        run_with_stdin(&args, &read(DYNAMIC)).verified(),
        dynamic_verified_line()
    );
}

#[test]
fn jwt_expired() {
    let now = DYNAMIC_EXP + LEEWAY;
    let run = Dynamic {
        now,
        ..Dynamic::sample()
    }
    .run(DYNAMIC);
    assert_eq!(
        run.rejected("expired"),
        format!(
            "rejected: expired: token has expired (exp) (now={now} from --now, leeway 60 s; the \
             token's exp is {DYNAMIC_EXP}; the token is otherwise valid: pass --now \
             {DYNAMIC_IAT} to check an old capture)"
        )
    );
    // One second earlier the leeway still covers it.
    Dynamic {
        now: now - 1,
        ..Dynamic::sample()
    }
    .run(DYNAMIC)
    .verified();
}

#[test]
fn jwt_not_yet_valid() {
    let now = DYNAMIC_IAT - LEEWAY - 1;
    let line = Dynamic {
        now,
        ..Dynamic::sample()
    }
    .run(DYNAMIC)
    .rejected("not-yet-valid");
    assert!(
        line.starts_with(&format!(
            "rejected: not-yet-valid: token is not valid yet (iat) (now={now} from --now"
        )),
        "{line}"
    );
    assert!(
        line.contains(&format!("pass --now {DYNAMIC_IAT}")),
        "{line}"
    );
}

#[test]
fn jwt_wrong_issuer() {
    let run = Dynamic {
        issuer: Some("https://accounts.google.com".to_owned()),
        ..Dynamic::sample()
    }
    .run(DYNAMIC);
    assert_eq!(
        run.rejected("wrong-issuer"),
        format!(
            "rejected: wrong-issuer: iss is not the expected issuer (the token's iss is \"{}\", \
             expected \"https://accounts.google.com\")",
            samples().issuer
        )
    );
    // Without --issuer any issuer is accepted.
    Dynamic {
        issuer: None,
        ..Dynamic::sample()
    }
    .run(DYNAMIC)
    .verified();
}

#[test]
fn jwt_wrong_audience() {
    let run = Dynamic {
        audiences: vec!["https://hooks.example.com/webhooks/svix".to_owned()],
        ..Dynamic::sample()
    }
    .run(DYNAMIC);
    let line = run.rejected("wrong-audience");
    assert!(
        line.ends_with(&format!(
            "(the token's aud is \"{}\", expected \"https://hooks.example.com/webhooks/svix\")",
            samples().audience
        )),
        "{line}"
    );
    // A token naming an audience is refused when none is expected (RFC 7519 section 4.1.3).
    let line = Dynamic {
        audiences: Vec::new(),
        ..Dynamic::sample()
    }
    .run(DYNAMIC)
    .rejected("wrong-audience");
    assert!(line.contains("pass --audience"), "{line}");
}

#[test]
fn jwt_invalid_signature_for_altered_claims() {
    use base64ct::{Base64UrlUnpadded, Encoding as _};
    // Extend the token's lifetime: the signature no longer covers the claims.
    let token = dynamic_token();
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let claims = String::from_utf8(Base64UrlUnpadded::decode_vec(&parts[1]).unwrap()).unwrap();
    let extended = claims.replace(
        &format!("\"exp\":{DYNAMIC_EXP}"),
        &format!("\"exp\":{}", DYNAMIC_EXP + 86_400),
    );
    assert_ne!(extended, claims);
    parts[1] = Base64UrlUnpadded::encode_string(extended.as_bytes());
    let forged = parts.join(".");
    let path = edited_dynamic("dynamic_forged_exp.http", |raw| {
        raw.replace(&token, &forged)
    });
    let line = Dynamic::sample().run(&path).rejected("invalid-signature");
    assert_eq!(
        line,
        format!(
            "rejected: invalid-signature: token signature does not verify (the token was \
             altered, or not signed by the key with kid \"{RSA_KID}\" in the key set (--jwks {}))",
            samples().jwks
        )
    );
}

#[test]
fn jwt_body_mismatch() {
    let path = edited_dynamic("dynamic_body_changed.http", |raw| {
        raw.replace(r#""request_count":"250""#, r#""request_count":"251""#)
    });
    let line = Dynamic::sample().run(&path).rejected("body-mismatch");
    assert!(
        line.starts_with(
            "rejected: body-mismatch: body does not match the token's body hash (the 327 body \
             byte(s) hash to "
        ),
        "{line}"
    );
}

#[test]
fn jwt_missing_body_hash_claim() {
    let line = Dynamic {
        body_hash_claim: Some("content_sha256".to_owned()),
        ..Dynamic::sample()
    }
    .run(DYNAMIC)
    .rejected("missing-claim");
    assert!(
        line.contains("(the body-hash claim is \"content_sha256\"; the token's claims are "),
        "{line}"
    );
}

#[test]
fn jwt_unknown_key_after_a_rotation() {
    // The sender's JWKS no longer holds the key that signed the token.
    let mut jwks = jwks_json();
    jwks["keys"].as_array_mut().unwrap().remove(0);
    let path = temp_jwks("jwks_rotated.json", &jwks);
    let line = Dynamic {
        jwks: path.clone(),
        ..Dynamic::sample()
    }
    .run(DYNAMIC)
    .rejected("unknown-key");
    assert_eq!(
        line,
        format!(
            "rejected: unknown-key: no usable key in the key set matches the token (the token \
             names kid \"{RSA_KID}\"; the key set (--jwks {path}) holds kid(s) \"{EC_KID}\"; the \
             sender may have rotated its keys: fetch the JWKS again)"
        )
    );
}

#[test]
fn jwt_unknown_key_when_the_signing_key_is_refused() {
    // The signing key published with a private member (`d`): refused, so the kid is unknown.
    let mut jwks = jwks_json();
    jwks["keys"][0]["d"] = serde_json::Value::from("AQAB");
    let path = temp_jwks("jwks_private.json", &jwks);
    let run = Dynamic {
        jwks: path,
        ..Dynamic::sample()
    }
    .run(DYNAMIC);
    run.rejected("unknown-key");
    assert_eq!(
        run.stderr,
        format!("note: key #1 refused: holds private key members (kid \"{RSA_KID}\")\n")
    );
}

#[test]
fn refused_keys_are_noted_and_the_rest_used() {
    let mut jwks = jwks_json();
    let keys = jwks["keys"].as_array_mut().unwrap();
    keys.insert(
        0,
        serde_json::json!({"kty": "OKP", "crv": "Ed25519", "kid": "ed", "x": "AAAA"}),
    );
    keys.push(
        serde_json::json!({"kty": "RSA", "kid": "enc", "use": "enc", "n": "AQAB", "e": "AQAB"}),
    );
    let path = temp_jwks("jwks_refused.json", &jwks);
    let run = Dynamic {
        jwks: path,
        ..Dynamic::sample()
    }
    .run(DYNAMIC);
    assert_eq!(run.verified(), dynamic_verified_line());
    assert_eq!(
        run.stderr,
        "note: key #1 refused: key type or curve not supported (kid \"ed\")\n\
         note: key #4 refused: use is not \"sig\" (kid \"enc\")\n"
    );
}

/// Two keys under one kid are both refused (the kid cannot tell which signed), each with a
/// note; the set stays usable, so a token naming that kid is an unknown key, not a broken set.
#[test]
fn duplicate_kids_refuse_those_keys_only() {
    let mut jwks = jwks_json();
    let keys = jwks["keys"].as_array_mut().unwrap();
    let copy = keys[0].clone();
    keys.push(copy);
    let path = temp_jwks("jwks_duplicate_kid.json", &jwks);
    let run = Dynamic {
        jwks: path,
        ..Dynamic::sample()
    }
    .run(DYNAMIC);
    run.rejected("unknown-key");
    assert_eq!(
        run.stderr,
        format!(
            "note: key #1 refused: another usable key has the same kid (kid \"{RSA_KID}\")\n\
             note: key #3 refused: another usable key has the same kid (kid \"{RSA_KID}\")\n"
        )
    );
}

#[test]
fn invalid_jwks_that_is_not_a_key_set() {
    for (name, text) in [
        ("jwks_truncated.json", &b"{\"keys\": ["[..]),
        ("jwks_no_keys.json", b"{\"kid\": \"x\"}"),
        ("jwks_not_utf8.json", b"\xff\xfe"),
    ] {
        let path = temp_request(name, text);
        Dynamic {
            jwks: path,
            ..Dynamic::sample()
        }
        .run(DYNAMIC)
        .rejected("invalid-jwks");
    }
}

#[test]
fn jwt_delivery_without_jwks() {
    let now = samples().now.to_string();
    let line = run(&["--secret", &samples().secret, "--now", &now, DYNAMIC])
        .rejected("unsupported-algorithm");
    assert!(
        line.ends_with(
            "(the webhook-signature holds a JWT, but no --jwks was given to verify it with)"
        ),
        "{line}"
    );
}

#[test]
fn hmac_delivery_without_secret() {
    let line = Dynamic::sample()
        .run(GEMINI)
        .rejected("no-matching-signature");
    assert!(
        line.ends_with(
            "(the webhook-signature is a list of HMAC signatures rather than a JWT, and no \
             --secret was given)"
        ),
        "{line}"
    );
}

// ---------------------------------------------------------------------------------------
// Usage and I/O errors (exit 2)

#[test]
fn unreadable_request_file() {
    let stderr = run_sample("tests/data/cli/no_such_file.http", &[]).usage_error();
    assert!(
        stderr.contains("cannot read tests/data/cli/no_such_file.http"),
        "{stderr}"
    );
    // A directory cannot be read as a request either.
    run_sample("tests/data/cli", &[]).usage_error();
}

#[test]
fn malformed_request_without_a_head() {
    let stderr = run_sample("tests/data/cli/body_only.http", &[]).usage_error();
    assert!(stderr.starts_with("error: malformed request: "), "{stderr}");
}

#[test]
fn malformed_request_with_a_short_body() {
    let stderr = run_sample("tests/data/cli/truncated_body.http", &[]).usage_error();
    assert!(
        stderr.starts_with(
            "error: malformed request: Content-Length is 276 but only 266 body byte(s) follow"
        ),
        "{stderr}"
    );
}

#[test]
fn malformed_request_without_the_empty_line() {
    let path = temp_request(
        "unterminated_head.http",
        b"POST /hook HTTP/1.1\nwebhook-id: msg_1\n",
    );
    let stderr = run_sample(&path, &[]).usage_error();
    assert!(
        stderr.contains("does not end with an empty line"),
        "{stderr}"
    );
}

#[test]
fn malformed_request_with_a_bad_content_length() {
    for value in ["12a", "-1", "+5", ""] {
        let request = format!("POST /hook HTTP/1.1\nContent-Length: {value}\n\n{{}}");
        let path = temp_request("bad_content_length.http", request.as_bytes());
        run_sample(&path, &[]).usage_error();
    }
}

#[test]
fn chunked_requests_are_refused() {
    let path = temp_request(
        "chunked.http",
        b"POST /hook HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    );
    let stderr = run_sample(&path, &[]).usage_error();
    assert!(stderr.contains("Transfer-Encoding"), "{stderr}");
}

#[test]
fn bad_option_values() {
    for arg in [
        "--now=yesterday",
        "--now=-5",
        "--now=18446744073709551616",
        "--tolerance=5m",
    ] {
        let mut all = vec!["--secret", &samples().secret, arg];
        all.push(GEMINI);
        let stderr = run(&all).usage_error();
        assert!(stderr.contains("invalid value"), "{stderr}");
    }
}

#[test]
fn request_without_secret_or_jwks() {
    let stderr = run(&[GEMINI]).usage_error();
    assert!(stderr.contains("--secret"), "{stderr}");
    assert!(stderr.contains("--jwks"), "{stderr}");
    // JWT policy options do not stand in for a key set.
    let stderr = run(&["--issuer", &samples().issuer, DYNAMIC]).usage_error();
    assert!(stderr.contains("--jwks"), "{stderr}");
}

#[test]
fn unreadable_jwks_file() {
    let stderr = Dynamic {
        jwks: "tests/data/cli/no_such_jwks.json".to_owned(),
        ..Dynamic::sample()
    }
    .run(DYNAMIC)
    .usage_error();
    assert!(
        stderr.starts_with("error: cannot read tests/data/cli/no_such_jwks.json"),
        "{stderr}"
    );
    // A directory cannot be read as a JWKS either.
    Dynamic {
        jwks: "examples/data".to_owned(),
        ..Dynamic::sample()
    }
    .run(DYNAMIC)
    .usage_error();
}

#[test]
fn jwt_options_without_jwks() {
    for option in ["--issuer", "--audience", "--body-hash-claim"] {
        let stderr = run(&["--secret", &samples().secret, option, "x", GEMINI]).usage_error();
        assert!(stderr.contains("--jwks"), "{option}: {stderr}");
    }
    // Nor in bundled mode.
    run(&["--issuer", "x"]).usage_error();
}

#[test]
fn jwks_without_request() {
    let stderr = run(&["--jwks", &samples().jwks]).usage_error();
    assert!(stderr.contains("<REQUEST>"), "{stderr}");
}

#[test]
fn secret_without_request() {
    let stderr = run(&["--secret", &samples().secret])
        .usage_error()
        .to_owned();
    assert!(stderr.contains("<REQUEST>"), "{stderr}");
}

#[test]
fn too_many_secrets() {
    let mut args = Vec::new();
    for _ in 0..9 {
        args.extend(["--secret", samples().secret.as_str()]);
    }
    args.push(GEMINI);
    let stderr = run(&args).usage_error();
    assert!(
        stderr.starts_with("error: at most 8 --secret values are supported, got 9"),
        "{stderr}"
    );
}

#[test]
fn unknown_option() {
    run(&["--secrets", "x", GEMINI]).usage_error();
}

#[test]
fn help_exits_zero() {
    let run = run(&["--help"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(run.stdout.contains("Usage: verify"), "{run:#?}");
    assert!(run.stdout.contains("--secret <SECRET>"), "{run:#?}");
    assert!(run.stdout.contains("--jwks <FILE>"), "{run:#?}");
    assert!(run.stdout.contains("--audience <AUD>"), "{run:#?}");
}
