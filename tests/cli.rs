//! Runs the `verify` example (`examples/verify.rs`) on captured requests and checks its exit
//! status and output: the bundled samples (`v1`, `v1a` and JWT-signed), every rejection code
//! and its hints, and the usage errors.
//!
//! The binary is the one Cargo builds into `target/<profile>/examples/`; each test process
//! first runs `cargo build --example verify` for the same profile, so `cargo test --test cli`
//! alone works and never runs a stale binary. Failure fixtures are in `tests/data/cli/`
//! (written by `examples/data/make_samples.py` with independent signers, among them
//! `mixed_v1_v1a.http`); more are written to `CARGO_TARGET_TMPDIR` by the tests themselves,
//! each one edit away from a bundled sample (a changed body, a changed token, a changed
//! JWKS). The samples' keys are derived from fixed seeds, so their kids are constants here.

// The example needs `UnixTime::now()`, the key set and Ed25519; the tests start processes,
// which WebAssembly (WASI preview 1) cannot.
#![cfg(all(
    feature = "std",
    feature = "jwks",
    feature = "ed25519",
    not(target_family = "wasm")
))]
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

use base64ct::{Base64, Base64UrlUnpadded, Encoding as _};

const GEMINI: &str = "examples/data/gemini_batch_succeeded.http";
const GEMINI_ID: &str = "msg_2yXqA7hK9pLmN3bV8cD1eF4gH6j";
const GEMINI_TS: u64 = 1_780_000_000;
const SVIX: &str = "examples/data/svix_batch_failed.http";
const SVIX_ID: &str = "msg_7ZkPq0Rt4sUv9wXy2AbCdEfGhIj";
const SVIX_TS: u64 = 1_780_000_120;
/// The JWT-signed dynamic delivery.
const DYNAMIC: &str = "examples/data/gemini_dynamic.http";
const DYNAMIC_ID: &str = "msg_4uYvW1xZ3aB5cD7eF9gH0iJ2kLm";
const DYNAMIC_IAT: u64 = 1_780_000_060;
const DYNAMIC_EXP: u64 = 1_780_000_360;
const DYNAMIC_JTI: &str = "evt_9Qw3Er5Ty7Ui1Op3As5Df7Gh9Jk";
/// The `v1a`-signed dynamic delivery.
const V1A: &str = "examples/data/gemini_dynamic_v1a.http";
const V1A_ID: &str = "msg_04bb243f-07b1-43df-997e-eb49df581edf";
const V1A_TS: u64 = 1_780_000_090;
/// Its body's length, and a same-length edit of it.
const V1A_BODY_LEN: usize = 323;
const V1A_COUNT: &str = r#""successful_request_count":"39""#;
const V1A_COUNT_EDITED: &str = r#""successful_request_count":"38""#;
/// The `v1a` sample with a valid `v1` entry (bundled secret) before its valid `v1a` entry.
const MIXED: &str = "tests/data/cli/mixed_v1_v1a.http";
/// The kids of the bundled JWKS's Ed25519 keys, in order: the second signs the `v1a`
/// sample, the third the JWT.
const ED_KIDS: [&str; 3] = [
    "1326a179ba1c48e8c60372d5e27d918d153ea606",
    "b7a9c4d6761232bd33e541fd3d51e71b7b020e24",
    "abe91d065b165dc1c3a10b01fc909a760376d46d",
];
const V1A_KID: &str = ED_KIDS[1];
const JWT_KID: &str = ED_KIDS[2];
/// A P-256 public key in no bundled set (generated with `cryptography` for an earlier
/// version of the samples), for key sets of mixed types.
fn p256_jwk(kid: &str) -> serde_json::Value {
    serde_json::json!({
        "kty": "EC", "kid": kid, "use": "sig", "alg": "ES256", "crv": "P-256",
        "x": "5PwUrBqDk6IU0FM2sV5mH2mGOjhZYCZTnVVWEDuALJw",
        "y": "pyl1pditmNWOj5H_PS3HmSr5-3NZ3J_1Sa_aQdfLbqI"
    })
}
/// The note a key of a type this build does not verify gets.
fn feature_note(entry: usize, kid: &str) -> String {
    format!(
        "note: key #{entry} refused: key type's feature (rs256/es256/ed25519) not enabled (kid \
         \"{kid}\")\n"
    )
}
/// The library's default leeway for `exp`, `nbf` and `iat`.
const LEEWAY: u64 = 60;
/// The Standard Webhooks specification's example secret: valid, but not the samples' one.
const OTHER_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// RFC 8032 section 7.1 TEST 1's public key: valid, but no sample's signer.
const OTHER_PUBLIC_KEY: &str = "whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
/// The advice that ends a no-matching-signature hint, after the body's length.
const BODY_ADVICE: &str = "nothing re-serialized, re-encoded or converted the line endings \
                           of the body";

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
        // The same features as this test binary, so that an `--all-features` run tests the
        // example built with every feature.
        let features = enabled_features();
        if !features.is_empty() {
            cargo.args(["--no-default-features", "--features", &features.join(",")]);
        }
        let status = cargo.status().expect("cannot run cargo");
        assert!(status.success(), "cargo build --example verify failed");
        assert!(bin.is_file(), "{} was not built", bin.display());
        bin
    })
}

/// The crate features this test binary was built with.
fn enabled_features() -> Vec<&'static str> {
    [
        ("std", cfg!(feature = "std")),
        ("alloc", cfg!(feature = "alloc")),
        ("jwks", cfg!(feature = "jwks")),
        ("ed25519", cfg!(feature = "ed25519")),
        ("es256", cfg!(feature = "es256")),
        ("rs256", cfg!(feature = "rs256")),
    ]
    .into_iter()
    .filter_map(|(name, enabled)| enabled.then_some(name))
    .collect()
}

/// What one run of the binary did.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Asserts exit status 0 and a single `verified: ...` line; returns the line.
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

/// Runs with the samples' clock and `keys` (options such as `--jwks FILE`) on `request`.
fn run_keys(keys: &[&str], request: &str) -> Run {
    let now = samples().now.to_string();
    let mut args = vec!["--now", &now];
    args.extend_from_slice(keys);
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

/// The request in `path` with `edit` applied to its text (head and body), written to a
/// temporary file named `name`.
fn edited(path: &str, name: &str, edit: impl FnOnce(String) -> String) -> String {
    let raw = String::from_utf8(read(path)).unwrap();
    let edited = edit(raw.clone());
    assert_ne!(edited, raw, "the edit changed nothing");
    temp_request(name, edited.as_bytes())
}

/// The `verified` line of a `v1` delivery.
fn v1_line(id: &str, ts: u64, secret: usize) -> String {
    format!("verified: scheme=v1 id={id} timestamp={ts} key=secret #{secret}")
}

/// The `verified` line of the `v1a` sample under public key `#k`, with its kid when the key
/// came from the key set.
fn v1a_line(k: usize, kid: Option<&str>) -> String {
    let kid = kid.map(|kid| format!(" kid={kid}")).unwrap_or_default();
    format!("verified: scheme=v1a id={V1A_ID} timestamp={V1A_TS} key=public key #{k}{kid}")
}

/// The bundled JWKS as JSON.
fn jwks_json() -> serde_json::Value {
    serde_json::from_slice(&read(&samples().jwks)).unwrap()
}

/// Writes `jwks` to a temporary file and returns its path.
fn temp_jwks(name: &str, jwks: &serde_json::Value) -> String {
    temp_request(name, serde_json::to_string_pretty(jwks).unwrap().as_bytes())
}

/// The `whpk_` form of the bundled JWKS's Ed25519 key `kid`.
fn whpk(kid: &str) -> String {
    let jwks = jwks_json();
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|key| key["kid"] == kid)
        .unwrap();
    let raw = Base64UrlUnpadded::decode_vec(key["x"].as_str().unwrap()).unwrap();
    assert_eq!(raw.len(), 32);
    format!("whpk_{}", Base64::encode_string(&raw))
}

/// The `(tried: ... public key(s) for v1a: ...` list of the bundled key set alone.
fn jwks_key_names() -> String {
    ED_KIDS
        .iter()
        .map(|kid| format!("jwks kid \"{kid}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------------------------------
// Bundled samples

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
                "gemini_batch_succeeded.http: {}",
                v1_line(GEMINI_ID, GEMINI_TS, 1)
            ),
            format!("gemini_dynamic.http: {}", dynamic_verified_line()),
            format!("gemini_dynamic_v1a.http: {}", v1a_line(2, Some(V1A_KID))),
            format!("svix_batch_failed.http: {}", v1_line(SVIX_ID, SVIX_TS, 1)),
        ]
    );
    // The bundled policy names the body-hash claim, and every bundled key is usable with the
    // default features: no note at all.
    assert!(run.stderr.is_empty(), "{run:#?}");
}

#[test]
fn bundled_clock_is_inside_every_samples_validity() {
    let now = samples().now;
    assert!((DYNAMIC_IAT..DYNAMIC_EXP).contains(&now));
    for ts in [GEMINI_TS, SVIX_TS, V1A_TS] {
        assert!(ts <= now && now - ts <= 300, "{ts}");
    }
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
    assert_eq!(results.len(), 4, "{run:#?}");
    assert!(results[0].starts_with("gemini_batch_succeeded.http: rejected: too-old: "));
    assert!(results[1].starts_with("gemini_dynamic.http: rejected: expired: "));
    assert!(results[2].starts_with("gemini_dynamic_v1a.http: rejected: too-old: "));
    assert!(results[3].starts_with("svix_batch_failed.http: rejected: too-old: "));
    // Each says that the delivery verifies at its own time.
    assert!(
        results[2].ends_with(&format!(
            "the signature itself is valid: pass --now {V1A_TS} to check an old capture)"
        )),
        "{}",
        results[2]
    );
}

#[test]
fn bundled_mode_takes_no_keys() {
    for option in ["--secret", "--public-key", "--jwks"] {
        let stderr = run(&[option, "x"]).usage_error();
        assert!(stderr.contains("<REQUEST>"), "{option}: {stderr}");
    }
}

// ---------------------------------------------------------------------------------------
// v1 (HMAC) deliveries

#[test]
fn webhook_sample_with_lf_head_verifies() {
    assert_eq!(
        run_sample(GEMINI, &[]).verified(),
        v1_line(GEMINI_ID, GEMINI_TS, 1)
    );
}

#[test]
fn svix_sample_with_crlf_head_and_content_length_verifies() {
    assert_eq!(
        run_sample(SVIX, &[]).verified(),
        v1_line(SVIX_ID, SVIX_TS, 1)
    );
}

#[test]
fn request_on_stdin() {
    let now = samples().now.to_string();
    let run = run_with_stdin(
        &["--secret", &samples().secret, "--now", &now, "-"],
        &read(SVIX),
    );
    assert_eq!(run.verified(), v1_line(SVIX_ID, SVIX_TS, 1));
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
    assert_eq!(run.verified(), v1_line(GEMINI_ID, GEMINI_TS, 2));
}

#[test]
fn four_secrets_are_accepted() {
    let now = samples().now.to_string();
    let mut args = Vec::new();
    for _ in 0..3 {
        args.extend(["--secret", OTHER_SECRET]);
    }
    args.extend(["--secret", samples().secret.as_str(), "--now", &now, GEMINI]);
    assert_eq!(run(&args).verified(), v1_line(GEMINI_ID, GEMINI_TS, 4));
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
// v1a (Ed25519) deliveries

#[test]
fn v1a_sample_verifies_under_the_jwks() {
    let run = run_keys(&["--jwks", &samples().jwks], V1A);
    // The second Ed25519 key of the set signed it; kid and position say so.
    assert_eq!(run.verified(), v1a_line(2, Some(V1A_KID)));
    assert!(run.stderr.is_empty(), "{run:#?}");
}

#[test]
fn v1a_sample_verifies_under_a_public_key_given_directly() {
    let key = whpk(V1A_KID);
    assert_eq!(
        key, "whpk_F9Cdm9384Emr+LPLYWyGGx9aFoHKj0GCtWAIyoXqmms=",
        "the JWK's x and the whpk_ form are the same 32 bytes"
    );
    assert_eq!(
        run_keys(&["--public-key", &key], V1A).verified(),
        v1a_line(1, None)
    );
    // Several keys: the one that verified is named by its position.
    assert_eq!(
        run_keys(
            &["--public-key", OTHER_PUBLIC_KEY, "--public-key", &key],
            V1A
        )
        .verified(),
        v1a_line(2, None)
    );
    // From standard input too.
    let now = samples().now.to_string();
    let run = run_with_stdin(&["--public-key", &key, "--now", &now, "-"], &read(V1A));
    assert_eq!(run.verified(), v1a_line(1, None));
}

#[test]
fn public_keys_count_before_the_jwks_keys() {
    // --public-key keys come first, then the key set's Ed25519 keys in its order.
    let other = whpk(ED_KIDS[0]);
    assert_eq!(
        run_keys(&["--public-key", &other, "--jwks", &samples().jwks], V1A).verified(),
        v1a_line(3, Some(V1A_KID))
    );
    // The same key given both ways: the lowest position verifies, and it has no kid.
    assert_eq!(
        run_keys(
            &["--jwks", &samples().jwks, "--public-key", &whpk(V1A_KID)],
            V1A
        )
        .verified(),
        v1a_line(1, None)
    );
}

#[test]
fn refused_and_other_keys_of_the_jwks_are_not_counted_for_v1a() {
    // A refused key first and a P-256 key between the Ed25519 keys: still public key #2.
    let mut jwks = jwks_json();
    let keys = jwks["keys"].as_array_mut().unwrap();
    keys.insert(1, p256_jwk("ec"));
    keys.insert(
        0,
        serde_json::json!({"kty": "OKP", "crv": "X25519", "kid": "xdh", "x": "AAAA"}),
    );
    let path = temp_jwks("jwks_mixed_order.json", &jwks);
    let run = run_keys(&["--jwks", &path], V1A);
    assert_eq!(run.verified(), v1a_line(2, Some(V1A_KID)));
    let mut notes =
        "note: key #1 refused: key type or curve not supported (kid \"xdh\")\n".to_owned();
    if cfg!(not(feature = "es256")) {
        notes.push_str(&feature_note(3, "ec"));
    }
    assert_eq!(run.stderr, notes);
    // A rejection lists exactly the Ed25519 keys, in the order tried.
    let tampered = edited(V1A, "v1a_tampered_mixed_order.http", |raw| {
        raw.replace(V1A_COUNT, V1A_COUNT_EDITED)
    });
    let line = run_keys(&["--jwks", &path], &tampered).rejected("no-matching-signature");
    assert!(
        line.contains(&format!(
            "(tried: 3 public key(s) for v1a: {}; ",
            jwks_key_names()
        )),
        "{line}"
    );
}

#[test]
fn a_jwks_key_without_kid_is_named_by_its_entry() {
    let mut jwks = jwks_json();
    jwks["keys"][1].as_object_mut().unwrap().remove("kid");
    let path = temp_jwks("jwks_no_kid.json", &jwks);
    assert_eq!(
        run_keys(&["--jwks", &path], V1A).verified(),
        v1a_line(2, Some("(none)"))
    );
    let tampered = edited(V1A, "v1a_tampered_no_kid.http", |raw| {
        raw.replace(V1A_COUNT, V1A_COUNT_EDITED)
    });
    let line = run_keys(&["--jwks", &path], &tampered).rejected("no-matching-signature");
    assert!(
        line.contains(&format!(
            "(tried: 3 public key(s) for v1a: jwks kid \"{}\", jwks Ed25519 key #2, jwks kid \"{}\"; ",
            ED_KIDS[0], ED_KIDS[2]
        )),
        "{line}"
    );
}

#[test]
fn v1a_tampered_body_lists_the_keys_tried() {
    let path = edited(V1A, "v1a_tampered_body.http", |raw| {
        raw.replace(V1A_COUNT, V1A_COUNT_EDITED)
    });
    let run = run_keys(&["--jwks", &samples().jwks], &path);
    assert_eq!(
        run.rejected("no-matching-signature"),
        format!(
            "rejected: no-matching-signature: none of 1 v1a signature(s) under 3 public key(s) \
             verifies (0 other entry(ies) skipped) (tried: 3 public key(s) for v1a: {}; the \
             {V1A_BODY_LEN} body byte(s) were checked exactly as captured: check the public \
             keys, and that {BODY_ADVICE})",
            jwks_key_names()
        )
    );
    // With --public-key keys too, named first; a secret is not tried on a v1a-only list.
    let run = run_keys(
        &[
            "--secret",
            &samples().secret,
            "--public-key",
            OTHER_PUBLIC_KEY,
            "--jwks",
            &samples().jwks,
        ],
        &path,
    );
    let line = run.rejected("no-matching-signature");
    assert!(
        line.contains(&format!(
            "(tried: 4 public key(s) for v1a: --public-key #1, {}; the {V1A_BODY_LEN} body",
            jwks_key_names()
        )),
        "{line}"
    );
}

#[test]
fn v1a_under_another_key_is_no_matching_signature() {
    let line = run_keys(&["--public-key", OTHER_PUBLIC_KEY], V1A).rejected("no-matching-signature");
    assert!(
        line.contains("(tried: 1 public key(s) for v1a: --public-key #1; "),
        "{line}"
    );
}

#[test]
fn v1a_delivery_with_only_a_secret_is_an_unconfigured_scheme() {
    let run = run_sample(V1A, &[]);
    let line = run.rejected("unconfigured-scheme");
    assert!(
        line.starts_with("rejected: unconfigured-scheme: the delivery is signed with v1a"),
        "{line}"
    );
    assert!(
        line.ends_with(
            "(no --public-key or --jwks was given: pass --public-key with the sender's whpk_ \
             key, or --jwks with its JWKS (its OKP/Ed25519 keys verify v1a))"
        ),
        "{line}"
    );
}

#[test]
fn v1a_delivery_with_a_jwks_without_ed25519_keys_is_an_unconfigured_scheme() {
    let mut jwks = jwks_json();
    jwks["keys"]
        .as_array_mut()
        .unwrap()
        .retain(|key| key["kty"] != "OKP");
    let path = temp_jwks("jwks_ec_only.json", &jwks);
    let line = run_keys(&["--jwks", &path], V1A).rejected("unconfigured-scheme");
    assert!(
        line.contains(&format!(
            "(no --public-key was given, and the key set (--jwks {path}) holds no usable \
             Ed25519 key: pass --public-key"
        )),
        "{line}"
    );
}

#[test]
fn v1a_too_old_says_that_the_signature_is_valid() {
    let now = (V1A_TS + 301).to_string();
    let old = run(&["--jwks", &samples().jwks, "--now", &now, V1A]);
    assert_eq!(
        old.rejected("too-old"),
        format!(
            "rejected: too-old: timestamp is 301 s in the past, more than the 300 s tolerance \
             (now={now} from --now; the signature itself is valid: pass --now {V1A_TS} to \
             check an old capture)"
        )
    );
    // --tolerance applies to v1a as to v1.
    run(&[
        "--jwks",
        &samples().jwks,
        "--now",
        &now,
        "--tolerance",
        "301",
        V1A,
    ])
    .verified();
}

#[test]
fn too_many_v1a_checks_is_an_invalid_header() {
    // Six v1a entries under the three keys of the set: 18 checks, above the cap of 16.
    let path = edited(V1A, "v1a_six_entries.http", |raw| {
        let line = raw
            .lines()
            .find(|line| line.starts_with("webhook-signature: "))
            .unwrap()
            .to_owned();
        let entry = line.strip_prefix("webhook-signature: ").unwrap();
        let six = [entry; 6].join(" ");
        raw.replace(&line, &format!("webhook-signature: {six}"))
    });
    let line = run_keys(&["--jwks", &samples().jwks], &path).rejected("invalid-header");
    assert!(
        line.ends_with("(6 v1a entry(ies) under 3 public key(s) make 18 checks, more than 16)"),
        "{line}"
    );
    // Under one key the same header verifies.
    run_keys(&["--public-key", &whpk(V1A_KID)], &path).verified();
}

#[test]
fn malformed_public_key_is_an_invalid_secret() {
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let small_order = format!("whpk_{}", Base64::encode_string(&identity));
    let unpadded = whpk(V1A_KID).trim_end_matches('=').to_owned();
    for (key, reason) in [
        (
            "whpk_!!!!",
            "public key is not whpk_ and the padded base64 of 32 bytes",
        ),
        (
            unpadded.as_str(),
            "public key is not whpk_ and the padded base64 of 32 bytes",
        ),
        (
            // A secret where a public key belongs.
            OTHER_SECRET,
            "public key is not whpk_ and the padded base64 of 32 bytes",
        ),
        (
            small_order.as_str(),
            "public key is unusable: point is of small order",
        ),
    ] {
        let run = run_keys(&["--public-key", key], V1A);
        assert_eq!(
            run.rejected("invalid-secret"),
            format!("rejected: invalid-secret: {reason} (--public-key #1)"),
            "{key}"
        );
    }
    // The position of the malformed key is named.
    let line = run_keys(
        &["--public-key", &whpk(V1A_KID), "--public-key", "whpk_"],
        V1A,
    )
    .rejected("invalid-secret");
    assert!(line.ends_with("(--public-key #2)"), "{line}");
}

#[test]
fn too_many_public_keys_with_the_jwks_is_an_invalid_config() {
    // Six --public-key and the set's three Ed25519 keys: more than the 8 a receiver tries.
    let key = whpk(ED_KIDS[0]);
    let mut args = Vec::new();
    for _ in 0..6 {
        args.extend(["--public-key", key.as_str()]);
    }
    args.extend(["--jwks", &samples().jwks]);
    assert_eq!(
        run_keys(&args, V1A).rejected("invalid-config"),
        format!(
            "rejected: invalid-config: configuration holds more than 8 public keys (6 \
             --public-key and the Ed25519 keys of the key set (--jwks {}))",
            samples().jwks
        )
    );
    // Five fit.
    let mut args = Vec::new();
    for _ in 0..5 {
        args.extend(["--public-key", key.as_str()]);
    }
    args.extend(["--jwks", &samples().jwks]);
    assert_eq!(run_keys(&args, V1A).verified(), v1a_line(7, Some(V1A_KID)));
}

// ---------------------------------------------------------------------------------------
// Mixed v1 and v1a entries

#[test]
fn mixed_header_verifies_under_either_scheme() {
    let jwks = samples().jwks.as_str();
    let secret = samples().secret.as_str();
    let v1 = format!("verified: scheme=v1 id={V1A_ID} timestamp={V1A_TS} key=secret #1");
    assert_eq!(run_keys(&["--secret", secret], MIXED).verified(), v1);
    assert_eq!(
        run_keys(&["--jwks", jwks], MIXED).verified(),
        v1a_line(2, Some(V1A_KID))
    );
    // With both, the v1 entry verifies first.
    assert_eq!(
        run_keys(&["--secret", secret, "--jwks", jwks], MIXED).verified(),
        v1
    );
    // A wrong secret does not hide the valid v1a entry.
    assert_eq!(
        run_keys(&["--secret", OTHER_SECRET, "--jwks", jwks], MIXED).verified(),
        v1a_line(2, Some(V1A_KID))
    );
}

#[test]
fn mixed_header_says_which_entries_were_not_tried() {
    let line = run_keys(&["--secret", OTHER_SECRET], MIXED).rejected("no-matching-signature");
    assert_eq!(
        line,
        format!(
            "rejected: no-matching-signature: none of 1 v1 signature(s) under 1 secret(s) \
             verifies (1 other entry(ies) skipped) (tried: 1 secret(s) for v1; 1 v1a \
             entry(ies) not tried: no --public-key or --jwks was given; the {V1A_BODY_LEN} body \
             byte(s) were checked exactly as captured: check the secret, and that \
             {BODY_ADVICE})"
        )
    );
    let line =
        run_keys(&["--public-key", OTHER_PUBLIC_KEY], MIXED).rejected("no-matching-signature");
    assert!(
        line.contains(
            "(tried: 1 public key(s) for v1a: --public-key #1; 1 v1 entry(ies) not tried: no \
             --secret was given; "
        ),
        "{line}"
    );
}

#[test]
fn mixed_header_with_a_tampered_body_lists_both_schemes() {
    let path = edited(MIXED, "mixed_tampered_body.http", |raw| {
        raw.replace(V1A_COUNT, V1A_COUNT_EDITED)
    });
    let line = run_keys(
        &["--secret", &samples().secret, "--jwks", &samples().jwks],
        &path,
    )
    .rejected("no-matching-signature");
    assert_eq!(
        line,
        format!(
            "rejected: no-matching-signature: none of 1 v1 signature(s) under 1 secret(s) and 1 \
             v1a signature(s) under 3 public key(s) verifies (0 other entry(ies) skipped) \
             (tried: 1 secret(s) for v1; 3 public key(s) for v1a: {}; the {V1A_BODY_LEN} body \
             byte(s) were checked exactly as captured: check the secret and the public keys, \
             and that {BODY_ADVICE})",
            jwks_key_names()
        )
    );
}

#[test]
fn only_unknown_versions_is_no_matching_signature() {
    let path = edited(GEMINI, "v2_only.http", |raw| {
        raw.replace("webhook-signature: v1,", "webhook-signature: v2,")
    });
    assert_eq!(
        run_sample(&path, &[]).rejected("no-matching-signature"),
        "rejected: no-matching-signature: none of 0 v1 signature(s) under 0 secret(s) verifies \
         (1 other entry(ies) skipped) (the webhook-signature holds no v1 or v1a entry, only \
         entries of other versions: received \"v2,k5S80GlqTWZ9qDRX7CuF7Ie4hFaJt+Fa51v3wZd13Bo=\")"
    );
}

// ---------------------------------------------------------------------------------------
// Rejections of v1 deliveries (exit 1)

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
    let new = run(&[
        "--secret",
        &samples().secret,
        "--now",
        &now,
        "--tolerance",
        "60",
        SVIX,
    ]);
    let line = new.rejected("too-new");
    assert!(
        line.starts_with(
            "rejected: too-new: timestamp is 61 s in the future, more than the 60 s tolerance \
             (now="
        ),
        "{line}"
    );
    assert!(
        line.ends_with(&format!(
            "the signature itself is valid: pass --now {SVIX_TS} to check it anyway, but is \
             the sender's clock or this one wrong?)"
        )),
        "{line}"
    );
    // Within the tolerance it verifies.
    let now = (SVIX_TS - 60).to_string();
    let secret = samples().secret.as_str();
    run(&["--secret", secret, "--now", &now, "--tolerance", "60", SVIX]).verified();
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
        (
            "whsec_AQEBAQEBAQEBAQEBAQEB",
            "secret decodes to 15 bytes, fewer than the 16 required",
        ),
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
    assert_eq!(
        run.rejected("no-matching-signature"),
        format!(
            "rejected: no-matching-signature: none of 1 v1 signature(s) under 1 secret(s) \
             verifies (0 other entry(ies) skipped) (tried: 1 secret(s) for v1; the 325 body \
             byte(s) were checked exactly as captured: check the secret, and that \
             {BODY_ADVICE})"
        )
    );
}

#[test]
fn no_matching_signature_for_another_secret() {
    let now = samples().now.to_string();
    let run = run(&[
        "--secret",
        OTHER_SECRET,
        "--secret",
        OTHER_SECRET,
        "--now",
        &now,
        SVIX,
    ]);
    let line = run.rejected("no-matching-signature");
    assert!(line.contains("(tried: 2 secret(s) for v1; "), "{line}");
}

#[test]
fn v1_delivery_without_secret_is_an_unconfigured_scheme() {
    for keys in [
        vec!["--jwks", samples().jwks.as_str()],
        vec!["--public-key", OTHER_PUBLIC_KEY],
    ] {
        let line = run_keys(&keys, GEMINI).rejected("unconfigured-scheme");
        assert_eq!(
            line,
            "rejected: unconfigured-scheme: the delivery is signed with v1, and no key or \
             policy for v1 is configured (a whsec_ secret is needed) (no --secret was given: \
             pass --secret with the endpoint's whsec_ secret)"
        );
    }
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
        run_strs(&args)
    }
}

fn dynamic_verified_line() -> String {
    format!(
        "verified: scheme=jwt id={DYNAMIC_ID} (header, not signed) alg=EdDSA kid={JWT_KID} \
         exp={DYNAMIC_EXP} jti={DYNAMIC_JTI}"
    )
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
    edited(DYNAMIC, name, edit)
}

/// The dynamic sample with its token replaced by `token`.
fn dynamic_with_token(name: &str, token: &str) -> String {
    let original = dynamic_token();
    edited_dynamic(name, |raw| raw.replace(&original, token))
}

/// A JSON segment of a token, decoded.
fn token_json(segment: &str) -> serde_json::Value {
    serde_json::from_slice(&Base64UrlUnpadded::decode_vec(segment).unwrap()).unwrap()
}

#[test]
fn dynamic_sample_verifies_with_the_body_hash_claim() {
    let run = Dynamic::sample().run(DYNAMIC);
    assert_eq!(run.verified(), dynamic_verified_line());
    // The body is authenticated: no note.
    assert!(run.stderr.is_empty(), "{run:#?}");
}

#[test]
fn dynamic_sample_token_is_eddsa_with_the_bundled_claims() {
    let token = dynamic_token();
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    let header = token_json(parts[0]);
    assert_eq!(header["alg"], "EdDSA");
    assert_eq!(header["kid"], JWT_KID);
    let claims = token_json(parts[1]);
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
}

#[test]
fn bundled_jwks_is_three_ed25519_keys() {
    let jwks = jwks_json();
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 3);
    for (key, kid) in keys.iter().zip(ED_KIDS) {
        assert_eq!(key["kty"], "OKP");
        assert_eq!(key["crv"], "Ed25519");
        assert_eq!(key["kid"], kid);
        assert_eq!(key["use"], "sig");
        assert_eq!(key["alg"], "EdDSA");
        for private in ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] {
            assert!(key.get(private).is_none(), "{key}");
        }
    }
}

#[test]
fn v1a_sample_is_gemini_shaped() {
    let raw = String::from_utf8(read(V1A)).unwrap();
    let header = |name: &str| {
        raw.lines()
            .find_map(|line| line.strip_prefix(&format!("{name}: ")))
            .unwrap()
            .to_owned()
    };
    assert_eq!(header("webhook-id"), V1A_ID);
    let uuid = V1A_ID.strip_prefix("msg_").unwrap();
    let groups: Vec<usize> = uuid.split('-').map(str::len).collect();
    assert_eq!(groups, [8, 4, 4, 4, 12], "{uuid}");
    assert_eq!(header("webhook-timestamp"), V1A_TS.to_string());
    let signature = header("webhook-signature");
    let entry = signature.strip_prefix("v1a,").unwrap();
    assert!(!entry.contains(' '));
    assert_eq!(Base64::decode_vec(entry).unwrap().len(), 64);
    assert_eq!(header("Content-Length"), V1A_BODY_LEN.to_string());
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
    // One configuration verifies every scheme.
    for request in [DYNAMIC, GEMINI, SVIX, V1A] {
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
fn jwt_expired_and_rejected_at_its_own_time_too() {
    // Without --audience the token's aud is refused at any time: the hint says so.
    let line = Dynamic {
        now: DYNAMIC_EXP + LEEWAY,
        audiences: Vec::new(),
        ..Dynamic::sample()
    }
    .run(DYNAMIC)
    .rejected("expired");
    assert!(
        line.ends_with(&format!(
            "; at {DYNAMIC_IAT} it is rejected too (wrong-audience))"
        )),
        "{line}"
    );
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
    let path = dynamic_with_token("dynamic_forged_exp.http", &parts.join("."));
    let line = Dynamic::sample().run(&path).rejected("invalid-signature");
    assert_eq!(
        line,
        format!(
            "rejected: invalid-signature: token signature does not verify (the token was \
             altered, or not signed by the key with kid \"{JWT_KID}\" in the key set (--jwks {}))",
            samples().jwks
        )
    );
}

#[test]
fn jwt_signed_by_another_key_of_the_set_is_an_invalid_signature() {
    // The header names another Ed25519 key of the set than the one that signed.
    let token = dynamic_token();
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let header = String::from_utf8(Base64UrlUnpadded::decode_vec(&parts[0]).unwrap()).unwrap();
    let renamed = header.replace(JWT_KID, V1A_KID);
    assert_ne!(renamed, header);
    parts[0] = Base64UrlUnpadded::encode_string(renamed.as_bytes());
    let path = dynamic_with_token("dynamic_other_kid.http", &parts.join("."));
    let line = Dynamic::sample().run(&path).rejected("invalid-signature");
    assert!(line.contains(&format!("with kid \"{V1A_KID}\"")), "{line}");
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
    let carried = token_json(dynamic_token().split('.').nth(1).unwrap())["body_sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        line.contains(&format!(", the token carries \"{carried}\": check that ")),
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
fn malformed_tokens_are_invalid_tokens() {
    let token = dynamic_token();
    let four = format!("{token}.e30");
    let line = Dynamic::sample()
        .run(&dynamic_with_token("dynamic_four_segments.http", &four))
        .rejected("invalid-token");
    assert_eq!(
        line,
        "rejected: invalid-token: token is not three non-empty dot-separated segments (the \
         webhook-signature has no comma, so it is read as a JWT, and it has 4 dot-separated \
         segment(s) where a compact JWT has 3)"
    );
    // Base64 padding on the signature (a 64-byte signature has 86 characters unpadded).
    let padded = format!("{token}==");
    let line = Dynamic::sample()
        .run(&dynamic_with_token("dynamic_padded.http", &padded))
        .rejected("invalid-token");
    assert_eq!(
        line,
        "rejected: invalid-token: token has a segment that is not strict base64url (the token \
         holds '=' padding, which a JWT's base64url never has (RFC 7515 section 2))"
    );
    // Padding on the header segment.
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let header = Base64UrlUnpadded::decode_vec(&parts[0]).unwrap();
    assert_ne!(header.len() % 3, 0, "the header needs padding in base64");
    parts[0] = base64ct::Base64Url::encode_string(&header);
    assert!(parts[0].ends_with('='));
    Dynamic::sample()
        .run(&dynamic_with_token(
            "dynamic_padded_header.http",
            &parts.join("."),
        ))
        .rejected("invalid-token");
    // Two segments.
    let two = token.rsplit_once('.').unwrap().0.to_owned();
    let line = Dynamic::sample()
        .run(&dynamic_with_token("dynamic_two_segments.http", &two))
        .rejected("invalid-token");
    assert!(line.contains("it has 2 dot-separated segment(s)"), "{line}");
}

#[test]
fn unsupported_algorithms_say_what_each_needs() {
    let token = dynamic_token();
    let parts: Vec<&str> = token.split('.').collect();
    for (alg, name) in [("none", "none"), ("RS256", "rs256"), ("HS256", "hs256")] {
        let header = format!(r#"{{"alg":"{alg}","kid":"{JWT_KID}","typ":"JWT"}}"#);
        let forged = format!(
            "{}.{}.{}",
            Base64UrlUnpadded::encode_string(header.as_bytes()),
            parts[1],
            parts[2]
        );
        let path = dynamic_with_token(&format!("dynamic_alg_{name}.http"), &forged);
        let line = Dynamic::sample()
            .run(&path)
            .rejected("unsupported-algorithm");
        // A feature not built in is named, with how to build it.
        let needs = |name: &str, key: &str, feature: &str, built: bool| {
            if built {
                format!("{name} needs {key}")
            } else {
                format!(
                    "{name} needs {key} and the {feature} feature, not built in here (cargo run \
                     --features {feature} --example verify)"
                )
            }
        };
        let hint = format!(
            "(the token's alg is \"{alg}\"; {}, {}, {})",
            needs("RS256", "an RSA key", "rs256", cfg!(feature = "rs256")),
            needs("ES256", "an EC P-256 key", "es256", cfg!(feature = "es256")),
            needs("EdDSA or Ed25519", "an OKP Ed25519 key", "ed25519", true),
        );
        assert!(line.ends_with(&hint), "{line}\n{hint}");
    }
}

#[test]
fn forbidden_header_is_refused() {
    let token = dynamic_token();
    let parts: Vec<&str> = token.split('.').collect();
    let header = format!(
        r#"{{"alg":"EdDSA","kid":"{JWT_KID}","jku":"https://attacker.example/jwks.json"}}"#
    );
    let forged = format!(
        "{}.{}.{}",
        Base64UrlUnpadded::encode_string(header.as_bytes()),
        parts[1],
        parts[2]
    );
    let path = dynamic_with_token("dynamic_jku.http", &forged);
    assert_eq!(
        Dynamic::sample().run(&path).rejected("forbidden-header"),
        "rejected: forbidden-header: token header holds \"jku\""
    );
}

#[test]
fn jwt_unknown_key_after_a_rotation() {
    // The sender's JWKS no longer holds the key that signed the token.
    let mut jwks = jwks_json();
    jwks["keys"]
        .as_array_mut()
        .unwrap()
        .retain(|key| key["kid"] != JWT_KID);
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
             names kid \"{JWT_KID}\"; the key set (--jwks {path}) holds kid(s) \"{}\", \"{}\"; \
             the sender may have rotated its keys: fetch the JWKS again)",
            ED_KIDS[0], ED_KIDS[1]
        )
    );
}

#[test]
fn jwt_unknown_key_when_the_signing_key_is_refused() {
    // The signing key published with a private member (`d`): refused, so the kid is unknown.
    let mut jwks = jwks_json();
    jwks["keys"][2]["d"] = serde_json::Value::from("AQAB");
    let path = temp_jwks("jwks_private.json", &jwks);
    let run = Dynamic {
        jwks: path.clone(),
        ..Dynamic::sample()
    }
    .run(DYNAMIC);
    run.rejected("unknown-key");
    assert_eq!(
        run.stderr,
        format!("note: key #3 refused: holds private key members (kid \"{JWT_KID}\")\n")
    );
    // The v1a sample, signed by another key of the set, still verifies.
    assert_eq!(
        run_keys(&["--jwks", &path], V1A).verified(),
        v1a_line(2, Some(V1A_KID))
    );
}

#[test]
fn refused_keys_are_noted_and_the_rest_used() {
    let mut jwks = jwks_json();
    let keys = jwks["keys"].as_array_mut().unwrap();
    keys.insert(
        0,
        serde_json::json!({"kty": "OKP", "crv": "X25519", "kid": "xdh", "x": "AAAA"}),
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
        "note: key #1 refused: key type or curve not supported (kid \"xdh\")\n\
         note: key #5 refused: use is not \"sig\" (kid \"enc\")\n"
    );
}

/// RS256 is opt-in: an RSA key in the JWKS of a default build is refused with a note, and the
/// rest of the set is used.
#[cfg(not(feature = "rs256"))]
#[test]
fn rsa_keys_are_refused_without_the_rs256_feature() {
    let mut jwks = jwks_json();
    jwks["keys"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "kty": "RSA", "kid": "rsa", "use": "sig", "alg": "RS256", "n": "AQAB", "e": "AQAB"
        }));
    let path = temp_jwks("jwks_rsa.json", &jwks);
    let run = run_keys(&["--jwks", &path], V1A);
    assert_eq!(run.verified(), v1a_line(2, Some(V1A_KID)));
    assert_eq!(run.stderr, feature_note(4, "rsa"));
}

/// Two keys under one kid are both refused (the kid cannot tell which signed), each with a
/// note; the set stays usable, so a token naming that kid is an unknown key, not a broken set.
#[test]
fn duplicate_kids_refuse_those_keys_only() {
    let mut jwks = jwks_json();
    let keys = jwks["keys"].as_array_mut().unwrap();
    let copy = keys[2].clone();
    keys.push(copy);
    let path = temp_jwks("jwks_duplicate_kid.json", &jwks);
    let run = Dynamic {
        jwks: path.clone(),
        ..Dynamic::sample()
    }
    .run(DYNAMIC);
    run.rejected("unknown-key");
    assert_eq!(
        run.stderr,
        format!(
            "note: key #3 refused: another usable key has the same kid (kid \"{JWT_KID}\")\n\
             note: key #4 refused: another usable key has the same kid (kid \"{JWT_KID}\")\n"
        )
    );
    // The two other Ed25519 keys are still tried for v1a.
    let tampered = edited(V1A, "v1a_tampered_duplicate_kid.http", |raw| {
        raw.replace(V1A_COUNT, V1A_COUNT_EDITED)
    });
    let line = run_keys(&["--jwks", &path], &tampered).rejected("no-matching-signature");
    assert!(
        line.contains(&format!(
            "(tried: 2 public key(s) for v1a: jwks kid \"{}\", jwks kid \"{}\"; ",
            ED_KIDS[0], ED_KIDS[1]
        )),
        "{line}"
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
        let line = Dynamic {
            jwks: path.clone(),
            ..Dynamic::sample()
        }
        .run(DYNAMIC)
        .rejected("invalid-jwks");
        assert!(line.ends_with(&format!("(--jwks {path})")), "{line}");
        // The key set serves v1a too: the same rejection.
        run_keys(&["--jwks", &path], V1A).rejected("invalid-jwks");
    }
}

#[test]
fn jwt_delivery_without_jwks_is_an_unconfigured_scheme() {
    for keys in [
        vec!["--secret", samples().secret.as_str()],
        vec!["--public-key", OTHER_PUBLIC_KEY],
    ] {
        let line = run_keys(&keys, DYNAMIC).rejected("unconfigured-scheme");
        assert_eq!(
            line,
            "rejected: unconfigured-scheme: the delivery is signed with jwt, and no key or \
             policy for jwt is configured (the sender's JWKS and a JWT policy are needed) (no \
             --jwks was given: pass --jwks with the sender's JWKS (and --issuer, --audience, \
             --body-hash-claim))"
        );
    }
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
fn jwt_policy_options_no_token_can_satisfy() {
    for (option, value) in [
        ("--issuer", ""),
        ("--audience", ""),
        ("--body-hash-claim", ""),
    ] {
        let mut args = Dynamic::sample().args();
        // Replace the option's value, or add it.
        match args.iter().position(|arg| arg == option) {
            Some(index) => args[index + 1] = value.to_owned(),
            None => args.extend([option.to_owned(), value.to_owned()]),
        }
        args.push(DYNAMIC.to_owned());
        let stderr = run_strs(&args).usage_error();
        assert!(
            stderr.starts_with(&format!("error: {option}: configuration ")),
            "{option}: {stderr}"
        );
    }
    let long = "h".repeat(257);
    let stderr = Dynamic {
        body_hash_claim: Some(long),
        ..Dynamic::sample()
    }
    .run(DYNAMIC)
    .usage_error();
    assert!(
        stderr.contains("names a claim that is empty or longer than 256 bytes"),
        "{stderr}"
    );
}

#[test]
fn request_without_any_key() {
    let stderr = run(&[GEMINI]).usage_error();
    for option in ["--secret", "--public-key", "--jwks"] {
        assert!(stderr.contains(option), "{option}: {stderr}");
    }
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
        // --public-key does not stand in for a key set either.
        let stderr = run(&["--public-key", OTHER_PUBLIC_KEY, option, "x", V1A]).usage_error();
        assert!(stderr.contains("--jwks"), "{option}: {stderr}");
    }
    // Nor in bundled mode.
    run(&["--issuer", "x"]).usage_error();
}

#[test]
fn keys_without_request() {
    for (option, value) in [
        ("--jwks", samples().jwks.clone()),
        ("--secret", samples().secret.clone()),
        ("--public-key", whpk(V1A_KID)),
    ] {
        let stderr = run(&[option, &value]).usage_error();
        assert!(stderr.contains("<REQUEST>"), "{option}: {stderr}");
    }
}

#[test]
fn too_many_values() {
    let key = whpk(V1A_KID);
    for (option, value, max) in [
        ("--secret", samples().secret.as_str(), 4),
        ("--public-key", key.as_str(), 8),
        ("--audience", samples().audience.as_str(), 4),
    ] {
        let mut args = vec!["--jwks", &samples().jwks];
        for _ in 0..=max {
            args.extend([option, value]);
        }
        args.push(V1A);
        let stderr = run(&args).usage_error();
        assert!(
            stderr.starts_with(&format!(
                "error: at most {max} {option} values are supported, got {}",
                max + 1
            )),
            "{stderr}"
        );
    }
}

#[test]
fn unknown_option() {
    run(&["--secrets", "x", GEMINI]).usage_error();
    run(&["--public-keys", "x", GEMINI]).usage_error();
}

#[test]
fn help_exits_zero() {
    let run = run(&["--help"]);
    assert_eq!(run.code, 0, "{run:#?}");
    for text in [
        "Usage: verify",
        "--secret <SECRET>",
        "--public-key <KEY>",
        "--jwks <FILE>",
        "--audience <AUD>",
    ] {
        assert!(run.stdout.contains(text), "{text}: {run:#?}");
    }
}
