//! Ed25519 verification against independent vectors, every case accounted for, each verdict
//! the one the documented strict rules give (see `src/alg/ed25519.rs`), and each also checked
//! against `ed25519-dalek`'s `verify_strict`, which applies the same rules:
//!
//! - Project Wycheproof `ed25519_test.json` (Apache-2.0, `../shared/vectors/wycheproof/`):
//!   151 cases in 78 groups, one key each;
//! - RFC 8032 section 7.1, the five Ed25519 test vectors (`../shared/vectors/ed25519/`);
//! - the 12 edge cases of "Taming the many `EdDSAs`" (novifinancial/ed25519-speccheck), with the
//!   verdicts of the strict rules: only case 3 (mixed-order `A` and `R`, every rule holds) is
//!   valid; small-order `A` or `R`, `S >= L`, non-canonical encodings and a signature valid
//!   only under the cofactored equation are refused.
//!
//! Keys go through the public JWKS path (`{"kty":"OKP","crv":"Ed25519","x":...}` in
//! [`KeySet::from_json`]): a key the strict key rules refuse (small order, non-canonical, not
//! a point) is refused there, with its reason, and its signatures cannot verify. Signatures
//! go through [`KeySet::verify_signature`] with `EdDSA` (the bare signature check).

#![cfg(feature = "ed25519")]
// Test code: the panic-freedom, arithmetic and no_std lints guard `src/` only.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

mod common;

use std::collections::BTreeMap;

use base64ct::{Base64UrlUnpadded, Encoding};
use hookverify::{Algorithm, Error, KeyFault, KeySet};
use serde::Deserialize;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// The verdict of this crate: the key through a one-key JWKS, the signature through the bare
/// check. `Err(fault)` when the key itself is refused.
fn ours(public: &[u8], message: &[u8], signature: &[u8]) -> Result<bool, KeyFault> {
    let jwks = format!(
        r#"{{"keys":[{{"kty":"OKP","crv":"Ed25519","x":"{}"}}]}}"#,
        Base64UrlUnpadded::encode_string(public)
    );
    let set = KeySet::<1>::from_json(jwks.as_bytes()).unwrap();
    if let [refusal] = set.refused() {
        return Err(refusal.fault());
    }
    // Both names of the algorithm give the same verdict; another algorithm does not fit.
    let verdict = set.verify_signature(None, Algorithm::EdDsa, message, signature);
    assert!(matches!(verdict, Ok(()) | Err(Error::InvalidSignature)));
    assert_eq!(
        set.verify_signature(None, Algorithm::Ed25519, message, signature),
        verdict
    );
    assert_eq!(
        set.verify_signature(None, Algorithm::Es256, message, signature),
        Err(Error::UnsupportedAlgorithm)
    );
    Ok(verdict.is_ok())
}

/// `ed25519-dalek`'s `verify_strict`: the independent reference.
fn dalek_strict(public: &[u8], message: &[u8], signature: &[u8]) -> bool {
    let Ok(public) = <[u8; 32]>::try_from(public) else {
        return false;
    };
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&public) else {
        return false;
    };
    let Ok(signature) = ed25519_dalek::Signature::from_slice(signature) else {
        return false;
    };
    key.verify_strict(message, &signature).is_ok()
}

#[derive(Deserialize)]
struct Wycheproof {
    #[serde(rename = "numberOfTests")]
    number_of_tests: usize,
    #[serde(rename = "testGroups")]
    test_groups: Vec<WycheproofGroup>,
}

#[derive(Deserialize)]
struct WycheproofGroup {
    #[serde(rename = "publicKey")]
    public_key: WycheproofKey,
    tests: Vec<WycheproofCase>,
}

#[derive(Deserialize)]
struct WycheproofKey {
    pk: String,
}

#[derive(Deserialize)]
struct WycheproofCase {
    #[serde(rename = "tcId")]
    tc_id: usize,
    comment: String,
    flags: Vec<String>,
    msg: String,
    sig: String,
    result: String,
}

#[test]
fn wycheproof_ed25519() {
    let Some(dir) = common::vectors_dir("wycheproof/ed25519_test.json") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("wycheproof/ed25519_test.json")).unwrap();
    let suite: Wycheproof = serde_json::from_str(&text).unwrap();
    let mut tally: BTreeMap<(String, bool), usize> = BTreeMap::new();
    let mut seen = 0;
    for group in &suite.test_groups {
        let public = hex(&group.public_key.pk);
        for case in &group.tests {
            seen += 1;
            let (msg, sig) = (hex(&case.msg), hex(&case.sig));
            let verdict = ours(&public, &msg, &sig).unwrap_or_else(|fault| {
                panic!("tc {}: a Wycheproof key refused ({fault})", case.tc_id)
            });
            // Wycheproof marks no case "acceptable" in this suite: every verdict is exact.
            let expected = match case.result.as_str() {
                "valid" => true,
                "invalid" => false,
                other => panic!("tc {}: result {other}", case.tc_id),
            };
            assert_eq!(
                verdict, expected,
                "tc {} ({}, {:?})",
                case.tc_id, case.comment, case.flags
            );
            assert_eq!(
                verdict,
                dalek_strict(&public, &msg, &sig),
                "tc {}: disagrees with verify_strict",
                case.tc_id
            );
            for flag in &case.flags {
                *tally.entry((flag.clone(), verdict)).or_default() += 1;
            }
        }
    }
    assert_eq!(seen, suite.number_of_tests);
    eprintln!("wycheproof ed25519: {seen} cases; (flag, accepted) -> count: {tally:?}");
}

#[derive(Deserialize)]
struct Rfc8032 {
    cases: Vec<Rfc8032Case>,
}

#[derive(Deserialize)]
struct Rfc8032Case {
    name: String,
    public_key: String,
    message: String,
    signature: String,
    valid: bool,
}

#[test]
fn rfc8032_section_7_1() {
    let Some(dir) = common::vectors_dir("ed25519/rfc8032_ed25519.json") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("ed25519/rfc8032_ed25519.json")).unwrap();
    let file: Rfc8032 = serde_json::from_str(&text).unwrap();
    assert_eq!(file.cases.len(), 5);
    for case in &file.cases {
        let (public, msg, mut sig) = (
            hex(&case.public_key),
            hex(&case.message),
            hex(&case.signature),
        );
        assert!(case.valid);
        assert_eq!(ours(&public, &msg, &sig), Ok(true), "{}", case.name);
        // Any one flipped bit of the signature is refused.
        for bit in 0..512 {
            sig[bit / 8] ^= 1 << (bit % 8);
            assert_eq!(
                ours(&public, &msg, &sig),
                Ok(false),
                "{} bit {bit}",
                case.name
            );
            sig[bit / 8] ^= 1 << (bit % 8);
        }
    }
}

#[derive(Deserialize)]
struct Speccheck {
    cases: Vec<SpeccheckCase>,
}

#[derive(Deserialize)]
struct SpeccheckCase {
    index: usize,
    message: String,
    pub_key: String,
    signature: String,
    valid: bool,
    reasons: Vec<String>,
}

/// The key fault the strict key rules give for each refused key of the suite.
fn expected_key_fault(reasons: &[String]) -> Option<KeyFault> {
    if reasons.iter().any(|r| r.starts_with("A non-canonical")) {
        Some(KeyFault::NonCanonical)
    } else if reasons.iter().any(|r| r == "A of small order") {
        Some(KeyFault::SmallOrder)
    } else {
        None
    }
}

#[test]
fn speccheck_strict_verdicts() {
    let Some(dir) = common::vectors_dir("ed25519/speccheck_ed25519.json") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("ed25519/speccheck_ed25519.json")).unwrap();
    let file: Speccheck = serde_json::from_str(&text).unwrap();
    assert_eq!(file.cases.len(), 12);
    let mut valid = Vec::new();
    for case in &file.cases {
        let (public, msg, sig) = (hex(&case.pub_key), hex(&case.message), hex(&case.signature));
        let verdict = match ours(&public, &msg, &sig) {
            Ok(verdict) => {
                assert_eq!(
                    expected_key_fault(&case.reasons),
                    None,
                    "case {}",
                    case.index
                );
                verdict
            }
            Err(fault) => {
                assert_eq!(
                    Some(fault),
                    expected_key_fault(&case.reasons),
                    "case {}: key refused for another reason ({:?})",
                    case.index,
                    case.reasons
                );
                false
            }
        };
        assert_eq!(
            verdict, case.valid,
            "case {}: {:?}",
            case.index, case.reasons
        );
        assert_eq!(
            verdict,
            dalek_strict(&public, &msg, &sig),
            "case {}",
            case.index
        );
        if verdict {
            valid.push(case.index);
        }
    }
    assert_eq!(
        valid,
        [3],
        "only the mixed-order case verifies under the strict rules"
    );
}
