//! Zero heap allocations on the verification paths: HMAC one-shot and streaming for a 64 KiB
//! body, EC JWKS parsing and ES256 verification, RS256 verification (after key parsing).
//!
//! A counting global allocator counts only the allocations made by the current thread while
//! the counter is armed, so the test harness's own threads cannot disturb the count.

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
#![allow(unsafe_code)] // `GlobalAlloc` is an unsafe trait; this file only forwards to `System`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use base64ct::{Base64, Encoding};
use hmac::{Hmac, KeyInit, Mac};
use hookverify::{UnixTime, Verifier, WebhookHeaders};
use sha2::Sha256;

struct Counting;

thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

fn note() {
    // `try_with`: the thread-locals may already be gone while a thread is torn down.
    let _ = ARMED.try_with(|armed| {
        if armed.get() {
            let _ = COUNT.try_with(|c| c.set(c.get() + 1));
        }
    });
}

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` with the counter armed and returns the number of allocations it made.
fn allocations<T>(f: impl FnOnce() -> T) -> (T, usize) {
    COUNT.with(|c| c.set(0));
    ARMED.with(|a| a.set(true));
    let out = f();
    ARMED.with(|a| a.set(false));
    (out, COUNT.with(Cell::get))
}

struct Fixture {
    secrets: [String; 2],
    id: String,
    ts: String,
    sig: String,
    body: Vec<u8>,
}

fn fixture() -> Fixture {
    let key = [0x5au8; 32];
    let body: Vec<u8> = (0..65_536u32).map(|i| (i * 31 % 251) as u8).collect();
    let (id, ts) = (
        "msg_2ZGyB5wbj0qhpW2Hp4p3xZ6Jd0r".to_owned(),
        "1700000000".to_owned(),
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{ts}.").as_bytes());
    mac.update(&body);
    let tag = Base64::encode_string(&mac.finalize().into_bytes());
    Fixture {
        secrets: [
            format!("whsec_{}", Base64::encode_string(&[0x11u8; 24])),
            format!("whsec_{}", Base64::encode_string(&key)),
        ],
        id,
        ts,
        // A decoy entry of another version and a wrong v1 tag before the right one.
        sig: format!("v1a,AAAA v1,{} v1,{tag}", Base64::encode_string(&[0u8; 32])),
        body,
    }
}

#[test]
fn verification_of_64_kib_allocates_nothing() {
    let f = fixture();
    let secrets = [f.secrets[0].as_str(), f.secrets[1].as_str()];
    let now = UnixTime::from_secs(1_700_000_000);

    // Building the verifier does not allocate either.
    let (verifier, n) = allocations(|| Verifier::<4>::from_secrets(&secrets).unwrap());
    assert_eq!(n, 0, "building the verifier allocated");

    let (result, n) = allocations(|| {
        let headers = WebhookHeaders::new(&f.id, &f.ts, &f.sig);
        verifier
            .verify(&headers, &f.body, now)
            .map(|v| v.secret_index())
    });
    assert_eq!(result, Ok(1));
    assert_eq!(n, 0, "one-shot verification allocated");

    let (result, n) = allocations(|| {
        let headers = WebhookHeaders::new(&f.id, &f.ts, &f.sig);
        let mut pending = verifier.begin(&headers, now)?;
        for chunk in f.body.chunks(1000) {
            pending.update(chunk);
        }
        pending.finish().map(|v| v.secret_index())
    });
    assert_eq!(result, Ok(1));
    assert_eq!(n, 0, "streaming verification allocated");

    // Failures allocate nothing either.
    let (result, n) = allocations(|| {
        let headers = WebhookHeaders::new(&f.id, &f.ts, "v1,AAAA");
        verifier.verify(&headers, &f.body, now).map(|_| ())
    });
    assert_eq!(result.unwrap_err().code(), "no-matching-signature");
    assert_eq!(n, 0, "a failed verification allocated");
}

#[test]
fn the_counter_counts() {
    // Guards the guard: an allocation made while armed is seen.
    let (_v, n) = allocations(|| vec![1u8; 10]);
    assert!(n >= 1);
}

/// ES256: parsing an EC-only JWKS and verifying a token allocate nothing.
#[cfg(feature = "es256")]
#[test]
fn es256_jwks_parsing_and_verification_allocate_nothing() {
    use base64ct::Base64UrlUnpadded;
    use hookverify::{JwtVerifier, KeySet};
    use p256::ecdsa::signature::Signer as _;
    use p256::ecdsa::{Signature, SigningKey};

    let key = SigningKey::from_slice(&[3u8; 32]).unwrap();
    let point = key.verifying_key().to_sec1_point(false);
    let jwks = format!(
        r#"{{"keys":[{{"kty":"EC","crv":"P-256","kid":"a","use":"sig","x":"{}","y":"{}"}}]}}"#,
        Base64UrlUnpadded::encode_string(&point.as_bytes()[1..33]),
        Base64UrlUnpadded::encode_string(&point.as_bytes()[33..65]),
    );
    let input = format!(
        "{}.{}",
        Base64UrlUnpadded::encode_string(br#"{"alg":"ES256","kid":"a"}"#),
        Base64UrlUnpadded::encode_string(br#"{"iss":"x","exp":1800000600,"n":[1,"\ud83d\ude00"]}"#),
    );
    let signature: Signature = key.sign(input.as_bytes());
    let token = format!(
        "{input}.{}",
        Base64UrlUnpadded::encode_string(&signature.to_bytes())
    );
    let now = UnixTime::from_secs(1_800_000_000);

    let (set, n) = allocations(|| KeySet::<4>::from_json(jwks.as_bytes()).unwrap());
    assert_eq!(n, 0, "parsing the JWKS allocated");
    let (result, n) = allocations(|| {
        let mut buf = [0u8; 1024];
        JwtVerifier::new(&set)
            .with_issuer("x")
            .verify(token.as_bytes(), b"", now, &mut buf)
            .map(|v| v.expires_at())
    });
    assert_eq!(result, Ok(Some(UnixTime::from_secs(1_800_000_600))));
    assert_eq!(n, 0, "ES256 verification allocated");
}

/// RS256: parsing an RSA key allocates (the `rsa` crate's big integers), verifying does not.
/// Tokens and key sets come from the Python interop data (`tests/data/interop_jwt.json`), for
/// every modulus size.
#[cfg(feature = "rs256")]
#[test]
fn rs256_verification_allocates_nothing() {
    use hookverify::{JwtVerifier, KeySet};
    use serde_json::Value;

    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/interop_jwt.json");
    let file: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut sizes = std::collections::BTreeSet::new();
    for case in file["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        if !name.starts_with("valid-rs256") {
            continue;
        }
        let set_name = case["key_set"].as_str().unwrap();
        let jwks = file["key_sets"][set_name].to_string();
        let set = KeySet::<4>::from_json(jwks.as_bytes()).unwrap();
        let audiences: Vec<&str> = case["audiences"]
            .as_array()
            .map(|a| a.iter().map(|a| a.as_str().unwrap()).collect())
            .unwrap_or_default();
        let mut verifier = JwtVerifier::new(&set);
        if let Some(issuer) = case["issuer"].as_str() {
            verifier = verifier.with_issuer(issuer);
        }
        if !audiences.is_empty() {
            verifier = verifier.with_audiences(&audiences);
        }
        let token = case["token"].as_str().unwrap().as_bytes();
        let now = UnixTime::from_secs(case["now"].as_u64().unwrap());
        let (result, n) = allocations(|| {
            let mut buf = [0u8; 8192];
            verifier.verify(token, b"", now, &mut buf).map(|_| ())
        });
        assert_eq!(result, Ok(()), "{name}");
        assert_eq!(n, 0, "{name}: RS256 verification allocated");
        sizes.insert(set_name);
    }
    assert_eq!(
        sizes.into_iter().collect::<Vec<_>>(),
        ["set-mixed", "set-rsa2048", "set-rsa3072", "set-rsa4096"],
        "every modulus size (and the mixed EC+RSA set) is covered"
    );
}

/// `v1a` through the receiver: building it from `whpk_` keys and from an OKP JWKS, one-shot
/// and streaming verification of a 64 KiB body under three keys (no key id: every entry is
/// tried under every key), a failure, and an HMAC delivery through the same receiver:
/// nothing allocates.
#[cfg(all(feature = "ed25519", feature = "jwks"))]
#[test]
fn v1a_and_the_receiver_allocate_nothing() {
    use base64ct::Base64UrlUnpadded;
    use ed25519_dalek::Signer as _;
    use hookverify::Receiver;

    let f = fixture();
    let keys: Vec<ed25519_dalek::SigningKey> = (1..=3u8)
        .map(|seed| ed25519_dalek::SigningKey::from_bytes(&[seed; 32]))
        .collect();
    let jwks = format!(
        r#"{{"keys":[{}]}}"#,
        keys.iter()
            .enumerate()
            .map(|(i, k)| format!(
                r#"{{"kty":"OKP","crv":"Ed25519","kid":"k{i}","x":"{}"}}"#,
                Base64UrlUnpadded::encode_string(k.verifying_key().as_bytes())
            ))
            .collect::<Vec<_>>()
            .join(",")
    );
    let whpk = format!(
        "whpk_{}",
        Base64::encode_string(keys[0].verifying_key().as_bytes())
    );
    let mut message = format!("{}.{}.", f.id, f.ts).into_bytes();
    message.extend_from_slice(&f.body);
    let good = Base64::encode_string(&keys[2].sign(&message).to_bytes());
    let bad = Base64::encode_string(&keys[1].sign(b"another message").to_bytes());
    let sig = format!("v1a,{bad} v1a,{good}");
    let now = UnixTime::from_secs(1_700_000_000);

    let (receiver, n) = allocations(|| {
        Receiver::builder()
            .secret(&f.secrets[1])
            .unwrap()
            .public_key(&whpk)
            .unwrap()
            .jwks(jwks.as_bytes())
            .unwrap()
            .build()
            .unwrap()
    });
    assert_eq!(n, 0, "building the receiver allocated");
    assert_eq!(receiver.public_keys(), 4);

    let (result, n) = allocations(|| {
        let headers = WebhookHeaders::new(&f.id, &f.ts, &sig);
        receiver
            .verify(&headers, &f.body, now)
            .map(|d| d.public_key_index())
    });
    assert_eq!(result, Ok(Some(3)));
    assert_eq!(n, 0, "one-shot v1a verification allocated");

    let (result, n) = allocations(|| {
        let headers = WebhookHeaders::new(&f.id, &f.ts, &sig);
        let mut pending = receiver.begin(&headers, now)?;
        for chunk in f.body.chunks(1000) {
            pending.update(chunk);
        }
        pending.finish().map(|d| d.public_key_index())
    });
    assert_eq!(result, Ok(Some(3)));
    assert_eq!(n, 0, "streaming v1a verification allocated");

    let (result, n) = allocations(|| {
        let headers = WebhookHeaders::new(&f.id, &f.ts, &sig);
        receiver.verify(&headers, &f.body[1..], now).map(|_| ())
    });
    assert_eq!(result.unwrap_err().code(), "no-matching-signature");
    assert_eq!(n, 0, "a failed v1a verification allocated");

    let (result, n) = allocations(|| {
        let headers = WebhookHeaders::new(&f.id, &f.ts, &f.sig);
        receiver
            .verify(&headers, &f.body, now)
            .map(|d| d.secret_index())
    });
    assert_eq!(result, Ok(Some(0)));
    assert_eq!(n, 0, "an HMAC delivery through the receiver allocated");
}
