//! Arbitrary bytes as the `webhook-signature` value, with a fixed valid id, timestamp, body and
//! secret. `verify` must never panic, and must accept exactly when the header is within the
//! limits (4096 bytes, 16 entries) and holds a `v1,` entry equal to the true tag (computed with
//! the `hmac` crate), which random bytes reach only by containing it.
#![no_main]

use std::sync::LazyLock;

use base64ct::Encoding as _;
use hookverify::{Error, UnixTime, Verifier, WebhookHeaders};
use hookverify_fuzz::{b64, hmac_tag, reference_match, signature_header_ok};
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID: &[u8] = b"msg_p5jXN8AQM9LWM0D4loKWxJek";
const TS: &[u8] = b"1614265330";
const BODY: &[u8] = br#"{"test": 2432232314}"#;
const NOW: UnixTime = UnixTime::from_secs(1_614_265_330);

static VERIFIER: LazyLock<Verifier> = LazyLock::new(|| Verifier::new(SECRET).unwrap());
static TAG: LazyLock<[u8; 32]> = LazyLock::new(|| {
    let key = base64ct::Base64Unpadded::decode_vec("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    let tag = hmac_tag(&key, ID, TS, BODY);
    // The spec's published signature for this delivery: the reference itself is checked.
    assert_eq!(b64(&tag), "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    tag
});

fuzz_target!(|signature: &[u8]| {
    let headers = WebhookHeaders::from_bytes(ID, TS, signature);
    let verdict = VERIFIER.verify(&headers, BODY, NOW);
    if let Err(e) = &verdict {
        let _ = (e.code(), e.to_string());
    }
    let well_formed = signature_header_ok(signature, 4096, 16);
    let matches = reference_match(signature, &[*TAG]).is_some();
    match verdict {
        Ok(v) => {
            assert!(
                well_formed && matches,
                "accepted without the true tag: {signature:?}"
            );
            assert_eq!(
                (v.id().as_bytes(), v.timestamp(), v.secret_index()),
                (ID, NOW, 0)
            );
        }
        Err(Error::InvalidHeader { name, .. }) => {
            assert!(
                !well_formed,
                "well-formed header refused as invalid: {signature:?}"
            );
            assert_eq!(name, "webhook-signature");
        }
        Err(Error::NoMatchingSignature { .. }) => {
            assert!(well_formed && !matches, "true tag refused: {signature:?}");
        }
        Err(other) => panic!("unexpected error {other:?} for {signature:?}"),
    }
});
