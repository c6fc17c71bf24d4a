//! Criterion bench of adding a `v1a` public key: the key rules, and (on 64-bit targets) the
//! per-key tables of `-A` that verification uses afterwards (`src/alg/ed25519_point.rs`).
//! Verification itself is measured against its peers by `benches/peers`.
//!
//! `cargo bench --bench v1a`

// Bench code: the panic-freedom lints guard `src/` only.
#![allow(clippy::unwrap_used, clippy::std_instead_of_core)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use hookverify::PublicKey;

/// RFC 8032 section 7.1, TEST 1: the public key.
const KEY: [u8; 32] = [
    0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
    0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a,
];

fn bench(c: &mut Criterion) {
    c.bench_function("v1a/public-key-from-bytes", |b| {
        b.iter(|| PublicKey::from_bytes(black_box(&KEY)).unwrap());
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
