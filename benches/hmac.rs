//! Criterion benches of the HMAC path: one-shot verification at several body sizes, streaming
//! in 4 KiB chunks, and header checks alone (a delivery refused before any hashing).
//!
//! `cargo bench --bench hmac`

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

use std::hint::black_box;

use base64ct::{Base64, Encoding};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use hookverify::{UnixTime, Verifier, WebhookHeaders};
use sha2::Sha256;

const KEY: [u8; 24] = [0x42; 24];
const ID: &str = "msg_2ZGyB5wbj0qhpW2Hp4p3xZ6Jd0r";
const TS: &str = "1700000000";
const NOW: UnixTime = UnixTime::from_secs(1_700_000_000);

fn signature(body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(&KEY).unwrap();
    mac.update(format!("{ID}.{TS}.").as_bytes());
    mac.update(body);
    format!("v1,{}", Base64::encode_string(&mac.finalize().into_bytes()))
}

fn verify(c: &mut Criterion) {
    let verifier = Verifier::new(&format!("whsec_{}", Base64::encode_string(&KEY))).unwrap();
    let mut group = c.benchmark_group("hmac-verify");
    for size in [0usize, 1024, 65_536, 1_048_576] {
        let body: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        let sig = signature(&body);
        let headers = WebhookHeaders::new(ID, TS, &sig);
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_with_input(BenchmarkId::new("one-shot", size), &body, |b, body| {
            b.iter(|| {
                verifier
                    .verify(black_box(&headers), black_box(body), NOW)
                    .unwrap()
            });
        });
        group.bench_with_input(BenchmarkId::new("streaming-4k", size), &body, |b, body| {
            b.iter(|| {
                let mut pending = verifier.begin(black_box(&headers), NOW).unwrap();
                for chunk in body.chunks(4096) {
                    pending.update(chunk);
                }
                pending.finish().unwrap()
            });
        });
        group.bench_with_input(BenchmarkId::new("sha256-floor", size), &body, |b, body| {
            use sha2::Digest;
            b.iter(|| Sha256::digest(black_box(body)));
        });
    }
    group.finish();

    let mut group = c.benchmark_group("headers");
    let sig = signature(b"");
    let stale = WebhookHeaders::new(ID, TS, &sig);
    group.bench_function("refused-too-old", |b| {
        b.iter(|| {
            verifier
                .verify(black_box(&stale), b"", UnixTime::from_secs(2_000_000_000))
                .unwrap_err()
        });
    });
    let sixteen = [sig.as_str(); 16].join(" ");
    let many = WebhookHeaders::new(ID, TS, &sixteen);
    group.bench_function("sixteen-candidates", |b| {
        b.iter(|| verifier.verify(black_box(&many), b"", NOW).unwrap());
    });
    group.finish();
}

criterion_group!(benches, verify);
criterion_main!(benches);
