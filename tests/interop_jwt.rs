//! Interop with `PyJWT` 2.15.1 and `cryptography` 50.0.2: key sets and tokens minted by
//! `tests/interop/gen_jwt.py` (versions pinned in `tests/interop/requirements-jwt.txt` and
//! recorded in the data file). Every valid token verifies; every negative case is refused
//! with exactly the code the generator expects.

#![cfg(all(feature = "es256", feature = "rs256"))]
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

use std::collections::{BTreeMap, HashMap};

use hookverify::{JwtVerifier, KeySet, UnixTime};
use serde::Deserialize;

#[derive(Deserialize)]
struct File {
    key_sets: BTreeMap<String, serde_json::Value>,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    key_set: String,
    token: String,
    now: u64,
    issuer: Option<String>,
    audiences: Option<Vec<String>>,
    leeway: u64,
    body: Option<String>,
    body_claim: Option<String>,
    expect: String,
}

#[test]
fn pyjwt_minted_tokens() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/interop_jwt.json");
    let file: File = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let sets: HashMap<&str, KeySet> = file
        .key_sets
        .iter()
        .map(|(name, jwks)| {
            let set = KeySet::from_json(jwks.to_string().as_bytes()).unwrap();
            assert!(set.refused().is_empty(), "{name}: {:?}", set.refused());
            (name.as_str(), set)
        })
        .collect();
    let mut outcomes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut buf = [0u8; 8192];
    let mut mismatches = Vec::new();
    for case in &file.cases {
        let set = &sets[case.key_set.as_str()];
        let audiences: Vec<&str> = case
            .audiences
            .iter()
            .flatten()
            .map(String::as_str)
            .collect();
        let mut verifier = JwtVerifier::new(set)
            .with_leeway(case.leeway)
            .with_audiences(&audiences);
        if let Some(issuer) = &case.issuer {
            verifier = verifier.with_issuer(issuer);
        }
        if let Some(claim) = &case.body_claim {
            verifier = verifier.with_body_hash_claim(claim).unwrap();
        }
        let body = case.body.as_deref().unwrap_or("").as_bytes();
        let result = verifier.verify(
            case.token.as_bytes(),
            body,
            UnixTime::from_secs(case.now),
            &mut buf,
        );
        let got = match &result {
            Ok(_) => "valid",
            Err(e) => e.code(),
        };
        if got != case.expect {
            mismatches.push(format!(
                "{}: expected {}, got {result:?}",
                case.name, case.expect
            ));
            continue;
        }
        *outcomes.entry(got).or_default() += 1;
        // A valid delivery with a body-hash claim is refused once the body changes.
        if case.expect == "valid" && case.body_claim.is_some() {
            let mut tampered = body.to_vec();
            tampered.push(b' ');
            let err = verifier
                .verify(
                    case.token.as_bytes(),
                    &tampered,
                    UnixTime::from_secs(case.now),
                    &mut buf,
                )
                .unwrap_err();
            assert_eq!(err.code(), "body-mismatch", "{}", case.name);
        }
    }
    eprintln!("outcomes: {outcomes:?}");
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    assert!(outcomes["valid"] >= 120);
}
