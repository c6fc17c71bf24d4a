//! dudect-style constant-time evidence (Reparaz, Balasch, Verbauwhede, "Dude, is my code
//! constant time?", DATE 2017) with the `dudect-bencher` crate: Welch's t-test between the
//! timing distributions of two input classes; |t| below 4.5 means no leak was detected.
//!
//! `cargo bench --bench dudect` (each bench runs 2 000 000 verifications: 1 000 000 per
//! class, interleaved at random).
//!
//! - `tag_first_vs_last`: a signature entry that differs from the expected tag in its first
//!   byte against one that differs in its last byte: the comparison must not stop early.
//! - `secret_a_vs_b`: the same delivery verified under two different secrets of equal
//!   length: the work must not depend on the secret's value.

// Bench code: the panic-freedom, arithmetic and no_std lints guard `src/` only.
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

use base64ct::{Base64, Encoding};
use dudect_bencher::ctbench::{BenchMetadata, BenchName, BenchOpts, run_benches_console};
use dudect_bencher::rand::RngExt as _;
use dudect_bencher::{BenchRng, Class, CtRunner};
use hmac::{Hmac, KeyInit, Mac};
use hookverify::{UnixTime, Verifier, WebhookHeaders};
use sha2::Sha256;

const SAMPLES_PER_CLASS: usize = 1_000_000;
const ID: &str = "msg_2ZGyB5wbj0qhpW2Hp4p3xZ6Jd0r";
const TS: &str = "1700000000";
const NOW: UnixTime = UnixTime::from_secs(1_700_000_000);
const BODY: &[u8] = br#"{"type":"batch.succeeded"}"#;

fn tag(key: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(format!("{ID}.{TS}.").as_bytes());
    mac.update(BODY);
    mac.finalize().into_bytes().into()
}

fn whsec(key: &[u8]) -> String {
    format!("whsec_{}", Base64::encode_string(key))
}

/// Random class order, then the timed runs (the classes interleave at random).
fn classes(rng: &mut BenchRng) -> Vec<Class> {
    (0..2 * SAMPLES_PER_CLASS)
        .map(|_| {
            if rng.random::<bool>() {
                Class::Left
            } else {
                Class::Right
            }
        })
        .collect()
}

fn tag_first_vs_last(runner: &mut CtRunner, rng: &mut BenchRng) {
    let key = [0x42u8; 24];
    let verifier = Verifier::new(&whsec(&key)).unwrap();
    let expected = tag(&key);
    // Flip the low bit of a byte whose base64 digit stays in the same table row either way.
    let mut first = expected;
    first[0] ^= 0x04;
    let mut last = expected;
    last[31] ^= 0x04;
    let headers = |t: &[u8; 32]| format!("v1,{}", Base64::encode_string(t));
    let (left, right) = (headers(&first), headers(&last));
    for class in classes(rng) {
        let sig = if matches!(class, Class::Left) {
            &left
        } else {
            &right
        };
        let h = WebhookHeaders::new(ID, TS, sig);
        runner.run_one(class, || verifier.verify(&h, BODY, NOW).is_err());
    }
}

fn secret_a_vs_b(runner: &mut CtRunner, rng: &mut BenchRng) {
    let a = Verifier::new(&whsec(&[0x11u8; 32])).unwrap();
    let b = Verifier::new(&whsec(&[0xeeu8; 32])).unwrap();
    let sig = format!("v1,{}", Base64::encode_string(&tag(&[0x77u8; 32])));
    let h = WebhookHeaders::new(ID, TS, &sig);
    // Both classes verify through the same memory slot, so that only the secret differs (not
    // the verifier's address).
    let mut slot = a.clone();
    for class in classes(rng) {
        slot.clone_from(if matches!(class, Class::Left) { &a } else { &b });
        runner.run_one(class, || slot.verify(&h, BODY, NOW).is_err());
    }
}

/// Runs both benches with fixed seeds. (`dudect-bencher`'s own `main` macro refuses the
/// `--bench` argument `cargo bench` passes, so the console runner is called directly; an
/// optional argument filters by name.)
fn main() -> std::io::Result<()> {
    let filter = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let bench = |name, benchfn| BenchMetadata {
        name: BenchName(name),
        seed: Some(0x5eed),
        benchfn,
    };
    run_benches_console(
        BenchOpts {
            filter,
            ..BenchOpts::default()
        },
        vec![
            bench("tag_first_vs_last", tag_first_vs_last),
            bench("secret_a_vs_b", secret_a_vs_b),
        ],
    )
}
