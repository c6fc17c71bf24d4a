//! Runs the `verify` example (`examples/verify.rs`) on captured requests and checks its exit
//! status and output: the bundled samples, every rejection code, and the usage errors.
//!
//! The binary is the one Cargo builds into `target/<profile>/examples/`; each test process
//! first runs `cargo build --example verify` for the same profile, so `cargo test --test cli`
//! alone works and never runs a stale binary. Failure fixtures are in `tests/data/cli/`
//! (written by `examples/data/make_samples.py`); a few more are written to
//! `CARGO_TARGET_TMPDIR` by the tests themselves.

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
/// The Standard Webhooks specification's example secret: valid, but not the samples' one.
const OTHER_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// The bundled secret and clock, from `examples/data/samples.json`.
struct Samples {
    secret: String,
    now: u64,
}

fn samples() -> &'static Samples {
    static SAMPLES: OnceLock<Samples> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let text = std::fs::read(manifest_dir().join("examples/data/samples.json")).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&text).unwrap();
        Samples {
            secret: json["secrets"][0].as_str().unwrap().to_owned(),
            now: json["now"].as_u64().unwrap(),
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
             bundled secret and clock (now={})",
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
                "svix_batch_failed.http: verified: id={SVIX_ID} timestamp={SVIX_TS} (secret #1)"
            ),
        ]
    );
}

#[test]
fn bundled_mode_fails_when_any_sample_is_rejected() {
    let late = (samples().now + 3600).to_string();
    let run = run(&["--now", &late]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.stdout.starts_with(&format!(
        "no REQUEST given: verifying the bundled samples in examples/data/ with their bundled \
         secret and --now (now={late})"
    )));
    let results: Vec<&str> = run.stdout.lines().skip(1).collect();
    assert_eq!(results.len(), 2, "{run:#?}");
    assert!(results[0].starts_with("gemini_batch_succeeded.http: rejected: too-old: "));
    assert!(results[1].starts_with("svix_batch_failed.http: rejected: too-old: "));
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
fn request_without_secret() {
    let stderr = run(&[GEMINI]).usage_error();
    assert!(stderr.contains("--secret"), "{stderr}");
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
}
