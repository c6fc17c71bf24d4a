//! Helpers shared by the fuzz targets: reference computations done with the RustCrypto crates
//! directly (never through hookverify), fixed keys, and a seeded RNG for the throwaway RSA test
//! key. Nothing here is used by the library itself.

use std::sync::LazyLock;

use base64ct::{Base64, Base64UrlUnpadded, Encoding};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// The interop JWT vectors: their RSA key sets hold public moduli of 2048, 3072 and 4096 bits.
pub const INTEROP_JWT: &str = include_str!("../../tests/data/interop_jwt.json");

/// Standard base64, padded (the Standard Webhooks signature alphabet).
pub fn b64(bytes: &[u8]) -> String {
    Base64::encode_string(bytes)
}

/// base64url without padding (JOSE).
pub fn b64url(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// HMAC-SHA256 of `id.timestamp.body` under `key`, computed with the `hmac` crate directly.
pub fn hmac_tag(key: &[u8], id: &[u8], timestamp: &[u8], body: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(id);
    mac.update(b".");
    mac.update(timestamp);
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// Decodes one `v1` payload the way the Standard Webhooks spec reads it: standard alphabet,
/// padded, canonical (as `base64ct` enforces), exactly 32 bytes.
pub fn decode_v1(payload: &[u8]) -> Option<[u8; 32]> {
    let mut out = [0u8; 33];
    match Base64::decode(payload, &mut out) {
        Ok(decoded) if decoded.len() == 32 => out[..32].try_into().ok(),
        _ => None,
    }
}

/// The reference verdict on a signature header: the lowest index of a secret whose tag equals
/// some `v1,` entry (entries separated by single spaces).
pub fn reference_match(header: &[u8], tags: &[[u8; 32]]) -> Option<usize> {
    let candidates: Vec<[u8; 32]> = header
        .split(|&b| b == b' ')
        .filter_map(|entry| entry.strip_prefix(b"v1,"))
        .filter_map(decode_v1)
        .collect();
    tags.iter().position(|tag| candidates.contains(tag))
}

/// Header syntax as the README states it (the reference for well-formedness).
pub fn id_ok(id: &[u8]) -> bool {
    (1..=256).contains(&id.len()) && id.iter().all(|&b| (0x21..=0x7e).contains(&b) && b != b'.')
}

/// 1 to 19 ASCII digits; the value.
pub fn timestamp_value(ts: &[u8]) -> Option<u64> {
    if !(1..=19).contains(&ts.len()) || !ts.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(ts).ok()?.parse().ok()
}

/// Non-empty, at most `max_len` bytes and `max_entries` space-separated entries.
pub fn signature_header_ok(sig: &[u8], max_len: usize, max_entries: usize) -> bool {
    !sig.is_empty() && sig.len() <= max_len && sig.split(|&b| b == b' ').count() <= max_entries
}

/// `now - tolerance <= ts <= now + tolerance`, saturating.
pub fn fresh(ts: u64, now: u64, tolerance: u64) -> bool {
    now.saturating_sub(tolerance) <= ts && ts <= now.saturating_add(tolerance)
}

/// A deterministic byte stream (SHA-256 in counter mode over a seed) implementing `rand_core`
/// 0.10's RNG traits, for generating the throwaway RSA test key reproducibly. Test use only.
pub struct SeededRng {
    seed: [u8; 32],
    counter: u64,
    block: [u8; 32],
    used: usize,
}

impl SeededRng {
    pub fn new(seed: &[u8]) -> Self {
        Self {
            seed: Sha256::digest(seed).into(),
            counter: 0,
            block: [0; 32],
            used: 32,
        }
    }

    fn fill(&mut self, dst: &mut [u8]) {
        for byte in dst {
            if self.used == 32 {
                let mut h = Sha256::new();
                h.update(self.seed);
                h.update(self.counter.to_le_bytes());
                self.block = h.finalize().into();
                self.counter += 1;
                self.used = 0;
            }
            *byte = self.block[self.used];
            self.used += 1;
        }
    }
}

impl rsa::rand_core::TryRng for SeededRng {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.fill(&mut b);
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.fill(&mut b);
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        self.fill(dst);
        Ok(())
    }
}

// Not actually unpredictable: the seed is public. Required by `RsaPrivateKey::new`; this key
// signs fuzz inputs only and never leaves the fuzz process.
impl rsa::rand_core::TryCryptoRng for SeededRng {}

/// A throwaway RSA-2048 key generated at startup from a fixed public seed, so that the fuzz
/// targets can make valid RS256 signatures. Not a secret; never use it for anything else.
pub static RSA_TEST_KEY: LazyLock<rsa::RsaPrivateKey> = LazyLock::new(|| {
    let mut rng = SeededRng::new(b"hookverify fuzz throwaway RSA-2048 test key, v1");
    rsa::RsaPrivateKey::new(&mut rng, 2048).expect("RSA-2048 key generation")
});

/// The fixed EC P-256 signing key of the `jwt` target (scalar 0x07..07).
pub static EC_TEST_KEY: LazyLock<p256::ecdsa::SigningKey> =
    LazyLock::new(|| p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).expect("valid scalar"));

/// A public EC JWK for `key`.
pub fn ec_jwk(key: &p256::ecdsa::VerifyingKey, kid: &str) -> String {
    let point = key.to_sec1_point(false);
    let bytes = point.as_bytes();
    format!(
        r#"{{"kty":"EC","crv":"P-256","kid":"{kid}","x":"{}","y":"{}"}}"#,
        b64url(&bytes[1..33]),
        b64url(&bytes[33..65])
    )
}

/// A public RSA JWK with modulus `n` (big-endian) and e = 65537.
pub fn rsa_jwk(n: &[u8], kid: &str) -> String {
    format!(
        r#"{{"kty":"RSA","kid":"{kid}","n":"{}","e":"AQAB"}}"#,
        b64url(n)
    )
}

/// `{"keys":[...]}`.
pub fn jwks(keys: &[String]) -> String {
    format!(r#"{{"keys":[{}]}}"#, keys.join(","))
}

/// The first RSA JWK (as JSON text) of the interop key set `set`, and its modulus bytes.
pub fn interop_rsa(set: &str) -> (String, Vec<u8>) {
    let all: serde_json::Value = serde_json::from_str(INTEROP_JWT).expect("interop JSON");
    let key = all["key_sets"][set]["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .find(|k| k["kty"] == "RSA")
        .expect("an RSA key")
        .clone();
    let n = key["n"].as_str().expect("n");
    let mut buf = vec![0u8; n.len()];
    let n = Base64UrlUnpadded::decode(n, &mut buf)
        .expect("base64url n")
        .to_vec();
    (key.to_string(), n)
}

/// Big-endian bytes of `x`, left-padded to `len`.
pub fn to_be_padded(x: &rsa::BoxedUint, len: usize) -> Vec<u8> {
    let bytes = x.to_be_bytes();
    let trimmed: Vec<u8> = bytes.iter().copied().skip_while(|&b| b == 0).collect();
    let mut out = vec![0u8; len.saturating_sub(trimmed.len())];
    out.extend_from_slice(&trimmed);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::traits::PublicKeyParts as _;

    #[test]
    fn hmac_reference_matches_the_spec_vector() {
        let key = Base64::decode_vec("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let tag = hmac_tag(
            &key,
            b"msg_p5jXN8AQM9LWM0D4loKWxJek",
            b"1614265330",
            br#"{"test": 2432232314}"#,
        );
        let header = b"v1a,x v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        assert_eq!(reference_match(header, &[[0; 32], tag]), Some(1));
        assert_eq!(
            decode_v1(b"g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OF="),
            None
        );
    }

    #[test]
    fn rsa_test_key_is_deterministic() {
        let again = rsa::RsaPrivateKey::new(
            &mut SeededRng::new(b"hookverify fuzz throwaway RSA-2048 test key, v1"),
            2048,
        )
        .unwrap();
        assert_eq!(RSA_TEST_KEY.n(), again.n());
        assert_eq!(RSA_TEST_KEY.size(), 256);
    }

    #[test]
    fn interop_keys_have_the_advertised_sizes() {
        for (set, len) in [
            ("set-rsa2048", 256),
            ("set-rsa3072", 384),
            ("set-rsa4096", 512),
        ] {
            assert_eq!(interop_rsa(set).1.len(), len, "{set}");
        }
    }
}

/// The two 32-byte field-element operands of the field targets (`p256_field`, `f25519`):
/// `data`'s first 64 bytes, positions past its end filled from `fill` (the encoding of
/// `p - 1`, so that values near `p` are a short input away).
pub fn two_operands(data: &[u8], fill: &[u8; 32]) -> ([u8; 32], [u8; 32]) {
    let mut bytes = [0u8; 64];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = data.get(i).copied().unwrap_or(fill[i % 32]);
    }
    let (a, b) = bytes.split_at(32);
    (a.try_into().unwrap(), b.try_into().unwrap())
}

/// `x * y mod p` for the field targets, by `crypto-bigint`'s widening product and division.
pub fn mul_mod(
    p: &crypto_bigint::U256,
    x: &crypto_bigint::U256,
    y: &crypto_bigint::U256,
) -> crypto_bigint::U256 {
    use crypto_bigint::{NonZero, U512};
    let wide_p = NonZero::new(p.resize::<{ U512::LIMBS }>()).unwrap();
    let wide: U512 = x.concatenating_mul(y);
    wide.rem_vartime(&wide_p).resize()
}

/// The reference results both field targets compare with, for `a` and `b` below `p`:
/// `a b`, `a^2`, `a + b`, `a - b` and `-a`, modulo `p`.
pub fn field_ops(
    p: &crypto_bigint::U256,
    a: &crypto_bigint::U256,
    b: &crypto_bigint::U256,
) -> [crypto_bigint::U256; 5] {
    let nz = crypto_bigint::NonZero::new(*p).unwrap();
    [
        mul_mod(p, a, b),
        mul_mod(p, a, a),
        a.add_mod(b, &nz),
        a.sub_mod(b, &nz),
        a.neg_mod(&nz),
    ]
}
