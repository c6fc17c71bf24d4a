//! Criterion benches of the JWT path: JWKS parsing, and RS256 / ES256 token verification
//! (full JWT handling and the bare signature check), on tokens minted by `PyJWT`
//! (`tests/data/interop_jwt.json`).
//!
//! `cargo bench --bench jwt`

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

use std::hint::black_box;

use base64ct::{Base64UrlUnpadded, Encoding};
use criterion::{Criterion, criterion_group, criterion_main};
use hookverify::{Algorithm, JwtVerifier, KeySet, UnixTime};

struct Case {
    jwks: String,
    token: String,
    now: u64,
    issuer: Option<String>,
    audiences: Vec<String>,
}

/// The first valid case of `alg` signed with a key of the given set, from the interop data.
fn case(alg: &str, set: &str) -> Case {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/interop_jwt.json");
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let header = |token: &str| {
        let h = Base64UrlUnpadded::decode_vec(token.split('.').next().unwrap()).unwrap();
        serde_json::from_slice::<serde_json::Value>(&h).unwrap()["alg"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let c = data["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["expect"] == "valid"
                && c["key_set"] == set
                && c.get("body_claim").is_none()
                && header(c["token"].as_str().unwrap()) == alg
        })
        .unwrap();
    Case {
        jwks: data["key_sets"][set].to_string(),
        token: c["token"].as_str().unwrap().to_owned(),
        now: c["now"].as_u64().unwrap(),
        issuer: c["issuer"].as_str().map(str::to_owned),
        audiences: c["audiences"]
            .as_array()
            .map(|a| a.iter().map(|s| s.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default(),
    }
}

fn bench(c: &mut Criterion) {
    for (name, alg, set, algorithm) in [
        ("es256", "ES256", "set-ec-single", Algorithm::Es256),
        ("rs256", "RS256", "set-rsa2048", Algorithm::Rs256),
    ] {
        let case = case(alg, set);
        let mut group = c.benchmark_group(format!("{name}-verify"));
        group.bench_function("parse-jwks", |b| {
            b.iter(|| KeySet::<8>::from_json(black_box(case.jwks.as_bytes())).unwrap());
        });
        let keys = KeySet::<8>::from_json(case.jwks.as_bytes()).unwrap();
        let audiences: Vec<&str> = case.audiences.iter().map(String::as_str).collect();
        let mut verifier = JwtVerifier::new(&keys).with_audiences(&audiences);
        if let Some(issuer) = &case.issuer {
            verifier = verifier.with_issuer(issuer);
        }
        let now = UnixTime::from_secs(case.now);
        let mut buf = [0u8; 4096];
        verifier
            .verify(case.token.as_bytes(), b"", now, &mut buf)
            .unwrap();
        group.bench_function("jwt", |b| {
            b.iter(|| {
                verifier
                    .verify(black_box(case.token.as_bytes()), b"", now, &mut buf)
                    .map(|v| v.expires_at())
                    .unwrap()
            });
        });
        let (input, signature) = case.token.rsplit_once('.').unwrap();
        let signature = Base64UrlUnpadded::decode_vec(signature).unwrap();
        let kid = serde_json::from_slice::<serde_json::Value>(
            &Base64UrlUnpadded::decode_vec(input.split('.').next().unwrap()).unwrap(),
        )
        .unwrap()["kid"]
            .as_str()
            .map(str::to_owned);
        group.bench_function("signature-only", |b| {
            b.iter(|| {
                keys.verify_signature(
                    kid.as_deref(),
                    algorithm,
                    black_box(input.as_bytes()),
                    &signature,
                )
                .unwrap();
            });
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
