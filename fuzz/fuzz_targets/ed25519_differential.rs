//! Differential: hookverify's Ed25519 verification (an OKP key through `KeySet::from_json`, the
//! bare check `KeySet::verify_signature` with `EdDSA`) against `ed25519-dalek`'s
//! `verify_strict`, on fuzzed keys, messages and signatures, plus signatures made fresh by a
//! fixed key and then damaged. The input is `key (32) || signature (64) || message`; its first
//! byte, when the input is shorter, selects the fixed signer instead.
//!
//! The verdicts must agree exactly, with one documented exception: a key that is a
//! non-canonical encoding (its `y` not below `p`) of a point not of small order is refused by
//! hookverify's key rules, while `verify_strict` hashes the non-canonical bytes and could
//! accept a signature under it; making one needs the point's discrete logarithm, so the
//! target asserts that `verify_strict` refuses there too (a finding otherwise).
#![no_main]

use std::sync::LazyLock;

use base64ct::{Base64UrlUnpadded, Encoding as _};
use ed25519_dalek::Signer as _;
use hookverify::{Algorithm, KeySet};
use libfuzzer_sys::fuzz_target;

static SIGNER: LazyLock<ed25519_dalek::SigningKey> =
    LazyLock::new(|| ed25519_dalek::SigningKey::from_bytes(&[42; 32]));

fn ours(key: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> Option<bool> {
    let jwks = format!(
        r#"{{"keys":[{{"kty":"OKP","crv":"Ed25519","x":"{}"}}]}}"#,
        Base64UrlUnpadded::encode_string(key)
    );
    let set = KeySet::<1>::from_json(jwks.as_bytes()).expect("a one-key set parses");
    if !set.refused().is_empty() {
        return None;
    }
    Some(
        set.verify_signature(None, Algorithm::EdDsa, message, signature)
            .is_ok(),
    )
}

fn strict(key: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
    ed25519_dalek::VerifyingKey::from_bytes(key).is_ok_and(|k| {
        k.verify_strict(message, &ed25519_dalek::Signature::from_bytes(signature))
            .is_ok()
    })
}

fuzz_target!(|data: &[u8]| {
    let (key, signature, message): ([u8; 32], [u8; 64], &[u8]) = if data.len() >= 96 {
        (
            data[..32].try_into().unwrap(),
            data[32..96].try_into().unwrap(),
            &data[96..],
        )
    } else {
        // A fresh signature by the fixed key over the input, then one byte damaged (or not).
        let message = data.get(2..).unwrap_or_default();
        let mut signature = SIGNER.sign(message).to_bytes();
        if let [at, xor, ..] = *data {
            signature[usize::from(at) % 64] ^= xor;
        }
        (SIGNER.verifying_key().to_bytes(), signature, message)
    };
    let theirs = strict(&key, message, &signature);
    match ours(&key, message, &signature) {
        Some(verdict) => assert_eq!(verdict, theirs, "disagrees with verify_strict"),
        None => assert!(
            !theirs,
            "verify_strict accepts under a key the strict rules refuse"
        ),
    }
});
