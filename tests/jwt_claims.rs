//! A token that verified can be read: `VerifiedJwt::claims` deserializes every claims document
//! the crate's own strict reader accepted, whatever escapes it uses and however long its
//! ignored members are (real claims from real encoders: emoji written as surrogate pairs by
//! JavaScript's and Python's `json`, escaped slashes by PHP, multi-kilobyte strings).

#![cfg(feature = "es256")]
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

use base64ct::{Base64UrlUnpadded, Encoding};
use hookverify::{Error, JwtVerifier, KeySet, UnixTime};
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};

const NOW: u64 = 1_800_000_000;

fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

fn key_and_set() -> (SigningKey, KeySet) {
    let key = SigningKey::from_slice(&[3u8; 32]).unwrap();
    let point = key.verifying_key().to_sec1_point(false);
    let jwks = format!(
        r#"{{"keys":[{{"kty":"EC","crv":"P-256","x":"{}","y":"{}"}}]}}"#,
        b64(&point.as_bytes()[1..33]),
        b64(&point.as_bytes()[33..65])
    );
    (key, KeySet::from_json(jwks.as_bytes()).unwrap())
}

fn mint(key: &SigningKey, claims: &str) -> String {
    let input = format!("{}.{}", b64(br#"{"alg":"ES256"}"#), b64(claims.as_bytes()));
    let signature: Signature = key.sign(input.as_bytes());
    format!("{input}.{}", b64(&signature.to_bytes()))
}

#[derive(serde::Deserialize, Debug, PartialEq)]
struct Event<'a> {
    jti: &'a str,
    name: heapless::String<64>,
    iss: &'a str,
    exp: u64,
}

/// Emoji as surrogate-pair escapes (in read and ignored members, in names and values),
/// `\u00e9`, `\/`: all read, and strings whose escapes are gone borrow without copying.
#[test]
fn surrogate_pairs_and_escapes_anywhere() {
    let (key, set) = key_and_set();
    let claims = r#"{"exp":1800000600,"jti":"evt_\ud83d\ude80_1","name":"caf\u00e9 \ud83c\udf89 \"party\"","iss":"https:\/\/generativelanguage.googleapis.com","note\ud83d\ude00":"\ud83d\udc4d","raw":"😀"}"#;
    let token = mint(&key, claims);
    let mut buf = [0u8; 1024];
    let verified = JwtVerifier::new(&set)
        .verify(token.as_bytes(), b"", UnixTime::from_secs(NOW), &mut buf)
        .unwrap();
    let mut scratch = [0u8; 1024];
    let event: Event = verified.claims(&mut scratch).unwrap();
    assert_eq!(
        event,
        Event {
            jti: "evt_🚀_1",
            name: "café 🎉 \"party\"".try_into().unwrap(),
            iss: "https://generativelanguage.googleapis.com",
            exp: 1_800_000_600,
        }
    );
    // The claims JSON is still exactly what was signed.
    assert_eq!(
        verified.claims_json(&mut [0u8; 1024]).unwrap(),
        claims.as_bytes()
    );
}

/// A multi-kilobyte escaped string in a member the type ignores once needed an unescape
/// buffer as long as itself; now a scratch of twice the claims always suffices, a shorter
/// one says how long it must be, and that length works.
#[test]
fn long_escaped_strings_in_ignored_members() {
    #[derive(serde::Deserialize)]
    struct Jti {
        jti: heapless::String<16>,
    }
    let (key, set) = key_and_set();
    let long = "line \\\"quoted\\\"\\n".repeat(200);
    let claims = format!(r#"{{"exp":1800000600,"log":"{long}","jti":"evt_1","more":["{long}"]}}"#);
    let token = mint(&key, &claims);
    let mut buf = vec![0u8; token.len()];
    let verified = JwtVerifier::new(&set)
        .with_max_token_len(1 << 16)
        .verify(token.as_bytes(), b"", UnixTime::from_secs(NOW), &mut buf)
        .unwrap();
    assert_eq!(verified.claims_len(), claims.len());
    let mut scratch = vec![0u8; 2 * verified.claims_len()];
    let jti: Jti = verified.claims(&mut scratch).unwrap();
    assert_eq!(jti.jti, "evt_1");
    // Too short for the claims themselves: the error gives a length that always suffices.
    let Err(Error::BufferTooSmall { needed }) = verified.claims::<Jti>(&mut [0u8; 512]) else {
        panic!("a short scratch must say how long it must be")
    };
    assert_eq!(needed, 2 * claims.len());
    // Long enough for the claims, short of unescaping room: the error gives the exact need.
    let Err(Error::BufferTooSmall { needed }) =
        verified.claims::<Jti>(&mut vec![0u8; claims.len()])
    else {
        panic!("the claims hold escaped strings longer than the room left")
    };
    assert!(
        needed > claims.len() && needed < 2 * claims.len(),
        "{needed}"
    );
    let jti: Jti = verified.claims(&mut vec![0u8; needed]).unwrap();
    assert_eq!(jti.jti, "evt_1");
    assert!(matches!(
        verified.claims::<Jti>(&mut vec![0u8; needed - 1]),
        Err(Error::BufferTooSmall { .. })
    ));
}

/// A claims buffer too small for the token is the caller's mistake, reported with the size
/// that suffices, not an invalid token.
#[test]
fn a_short_claims_buffer_is_the_callers_mistake() {
    let (key, set) = key_and_set();
    let claims = r#"{"exp":1800000600,"jti":"evt_1"}"#;
    let token = mint(&key, claims);
    let mut buf = [0u8; 8];
    assert_eq!(
        JwtVerifier::new(&set)
            .verify(token.as_bytes(), b"", UnixTime::from_secs(NOW), &mut buf)
            .unwrap_err(),
        Error::BufferTooSmall {
            needed: claims.len()
        }
    );
}
