//! Deterministic instruction counts of the verification hot paths, held against a committed
//! budget: a regression fails whatever the machine's noise, which timings cannot promise.
//!
//! `cargo bench --bench instructions` builds this file and runs it; it re-runs itself once per
//! case under `valgrind --tool=callgrind`, collecting only inside the case's `measure`
//! function (`--toggle-collect`), which verifies the case's delivery [`RUNS`] times after one
//! untimed warm-up (the warm-up pays `sha2`'s one-time CPU feature detection). The count per
//! verification is compared with `benches/instructions-budget.json`: more than 3% above its
//! budget fails. `-- --write` records today's counts as the budget instead (a raise is a
//! commit of its own, with its reason).
//!
//! The cases are the ones a receiver pays on every delivery: `v1` (HMAC-SHA256) through the
//! `Receiver` and through the plain `Verifier`, and `v1a` (Ed25519) through the `Receiver`,
//! each with a 0-byte and a 1 KiB body, the Standard Webhooks example id and timestamp.
//! Under Valgrind, `sha2` sees no SHA extensions and runs its portable code, so a SHA-256
//! block costs about 2 300 instructions here and about 60 ns of SHA-NI on the bench machine:
//! the counts weigh the hashing more than the hardware does, and guard the code around it.
//!
//! `x86_64` Linux with Valgrind (Debian: `valgrind`).

// Bench code: the panic-freedom, arithmetic and no_std lints guard `src/` only.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use base64ct::{Base64, Encoding};
use ed25519_dalek::Signer as _;
use hmac::{Hmac, KeyInit as _, Mac as _};
use hookverify::{Receiver, UnixTime, Verifier, WebhookHeaders};
use sha2::Sha256;

/// Verifications per measured run; the count reported is per verification.
const RUNS: u64 = 20;

/// A regression above this fraction of the budget fails.
const TOLERANCE: f64 = 0.03;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TS: &str = "1614265330";
const NOW: UnixTime = UnixTime::from_secs(1_614_265_330);

/// The cases: name, scheme, path, body length.
const CASES: &[(&str, Scheme, Path_, usize)] = &[
    ("v1-receiver-0B", Scheme::V1, Path_::Receiver, 0),
    ("v1-receiver-1KiB", Scheme::V1, Path_::Receiver, 1024),
    ("v1-verifier-0B", Scheme::V1, Path_::Verifier, 0),
    ("v1-verifier-1KiB", Scheme::V1, Path_::Verifier, 1024),
    ("v1a-receiver-0B", Scheme::V1a, Path_::Receiver, 0),
    ("v1a-receiver-1KiB", Scheme::V1a, Path_::Receiver, 1024),
];

#[derive(Clone, Copy)]
enum Scheme {
    V1,
    V1a,
}

#[derive(Clone, Copy)]
enum Path_ {
    Receiver,
    Verifier,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--case") {
        let name = args.get(at + 1).expect("--case NAME");
        let &(_, scheme, path, len) = CASES
            .iter()
            .find(|(n, ..)| n == name)
            .expect("a case of CASES");
        run_case(scheme, path, len);
        return ExitCode::SUCCESS;
    }
    outer(args.iter().any(|a| a == "--write"))
}

/// The signature header for a body of `len` bytes.
fn signature(scheme: Scheme, body: &[u8]) -> String {
    let message = [ID.as_bytes(), b".", TS.as_bytes(), b".", body].concat();
    match scheme {
        Scheme::V1 => {
            let key = Base64::decode_vec(SECRET.trim_start_matches("whsec_")).unwrap();
            let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
            mac.update(&message);
            format!("v1,{}", Base64::encode_string(&mac.finalize().into_bytes()))
        }
        Scheme::V1a => {
            let signature = signing_key().sign(&message);
            format!("v1a,{}", Base64::encode_string(&signature.to_bytes()))
        }
    }
}

fn signing_key() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[7; 32])
}

/// Sets the case up, verifies once untimed, then calls `measure`.
fn run_case(scheme: Scheme, path: Path_, len: usize) {
    let body: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
    let sig = signature(scheme, &body);
    let headers = WebhookHeaders::new(ID, TS, &sig);
    match path {
        Path_::Receiver => {
            let mut builder = Receiver::builder();
            match scheme {
                Scheme::V1 => builder.secret(SECRET).unwrap(),
                Scheme::V1a => {
                    let key = signing_key().verifying_key();
                    let whpk = format!("whpk_{}", Base64::encode_string(key.as_bytes()));
                    builder.public_key(&whpk).unwrap()
                }
            };
            let receiver = builder.build().unwrap();
            assert!(receiver.verify(&headers, &body, NOW).is_ok());
            measure_receiver(&receiver, &headers, &body);
        }
        Path_::Verifier => {
            let verifier = Verifier::new(SECRET).unwrap();
            assert!(verifier.verify(&headers, &body, NOW).is_ok());
            measure_verifier(&verifier, &headers, &body);
        }
    }
}

#[inline(never)]
fn measure_receiver(receiver: &Receiver, headers: &WebhookHeaders<'_>, body: &[u8]) {
    for _ in 0..RUNS {
        black_box(
            receiver
                .verify(black_box(headers), black_box(body), NOW)
                .is_ok(),
        );
    }
}

#[inline(never)]
fn measure_verifier(verifier: &Verifier, headers: &WebhookHeaders<'_>, body: &[u8]) {
    for _ in 0..RUNS {
        black_box(
            verifier
                .verify(black_box(headers), black_box(body), NOW)
                .is_ok(),
        );
    }
}

/// Runs every case under callgrind and checks (or writes) the budget.
fn outer(write: bool) -> ExitCode {
    let exe = std::env::current_exe().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let budget_path = root.join("benches/instructions-budget.json");
    let out_dir = root.join("target/instructions");
    std::fs::create_dir_all(&out_dir).unwrap();
    let mut counts = BTreeMap::new();
    for &(name, ..) in CASES {
        match count(&exe, &out_dir, name) {
            Ok(n) => {
                counts.insert(name.to_owned(), n);
            }
            Err(message) => {
                eprintln!("instructions: {name}: {message}");
                return ExitCode::from(2);
            }
        }
    }
    if write {
        let json = serde_json::to_string_pretty(&counts).unwrap();
        std::fs::write(&budget_path, json + "\n").unwrap();
        println!("instructions: budget written to {}", budget_path.display());
        for (name, n) in &counts {
            println!("{name:20} {n:>9}");
        }
        return ExitCode::SUCCESS;
    }
    let budget: BTreeMap<String, u64> =
        serde_json::from_str(&std::fs::read_to_string(&budget_path).unwrap()).unwrap();
    let mut failed = false;
    println!(
        "{:20} {:>9} {:>9} {:>8}",
        "case", "count", "budget", "change"
    );
    for (name, n) in &counts {
        let Some(&limit) = budget.get(name) else {
            println!("{name:20} {n:>9}   no budget");
            failed = true;
            continue;
        };
        let change = *n as f64 / limit as f64 - 1.0;
        let verdict = if change > TOLERANCE {
            failed = true;
            "  FAIL: more than 3% over budget"
        } else {
            ""
        };
        println!(
            "{name:20} {n:>9} {limit:>9} {:>+7.1}%{verdict}",
            change * 100.0
        );
    }
    if budget.len() != counts.len() {
        println!("instructions: the budget lists cases that no longer run");
        failed = true;
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Instructions per verification of one case, from callgrind's totals.
fn count(exe: &Path, out_dir: &Path, name: &str) -> Result<u64, String> {
    let out: PathBuf = out_dir.join(format!("{name}.callgrind"));
    let output = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg("--toggle-collect=*instructions::measure_*")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(exe)
        .args(["--case", name])
        .output()
        .map_err(|e| format!("cannot run valgrind ({e}); install it (Debian: valgrind)"))?;
    if !output.status.success() {
        return Err(format!(
            "valgrind failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let text = std::fs::read_to_string(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let total: u64 = text
        .lines()
        .find_map(|line| {
            line.strip_prefix("totals:")
                .or_else(|| line.strip_prefix("summary:"))
        })
        .and_then(|n| n.trim().parse().ok())
        .ok_or("no totals line in the callgrind output")?;
    if total < RUNS {
        return Err(format!(
            "only {total} instructions collected: did measure run?"
        ));
    }
    Ok(total / RUNS)
}
