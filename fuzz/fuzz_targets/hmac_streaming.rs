//! A delivery signed here (fixed secret, id and timestamp; fuzzed body), optionally corrupted
//! in one body byte or one signature byte, verified one-shot and streamed in fuzzed chunks
//! (empty chunks included). The two verdicts must be equal, and must be "verified" exactly
//! when nothing was corrupted.
#![no_main]

use std::sync::LazyLock;

use arbitrary::Arbitrary;
use hookverify::{UnixTime, Verifier, WebhookHeaders};
use hookverify_fuzz::{b64, hmac_tag};
use libfuzzer_sys::fuzz_target;

const SECRET: &[u8] = b"fuzzing-secret-of-32-bytes-long!";
const ID: &[u8] = b"msg_2c1nKd9mQ0";
const TS: &[u8] = b"1800000000";
const NOW: UnixTime = UnixTime::from_secs(1_800_000_000);

static VERIFIER: LazyLock<Verifier> = LazyLock::new(|| {
    Verifier::from_keys([hookverify::SecretKey::from_bytes(SECRET).unwrap()]).unwrap()
});

#[derive(Arbitrary, Debug)]
struct Input {
    body: Vec<u8>,
    chunks: Vec<u8>,
    corrupt: Corrupt,
}

#[derive(Arbitrary, Debug)]
enum Corrupt {
    None,
    Body { at: u16, xor: u8 },
    Tag { at: u8, xor: u8 },
}

fuzz_target!(|input: Input| {
    let mut body = input.body;
    let mut tag = hmac_tag(SECRET, ID, TS, &body);
    let corrupted = match input.corrupt {
        Corrupt::None => false,
        Corrupt::Body { at, xor } if !body.is_empty() => {
            let at = usize::from(at) % body.len();
            body[at] ^= xor;
            xor != 0
        }
        Corrupt::Body { .. } => false,
        Corrupt::Tag { at, xor } => {
            tag[usize::from(at) % 32] ^= xor;
            xor != 0
        }
    };
    let signature = format!("v1,{}", b64(&tag));
    let headers = WebhookHeaders::from_bytes(ID, TS, signature.as_bytes());

    let one_shot = VERIFIER.verify(&headers, &body, NOW);
    let mut pending = VERIFIER.begin(&headers, NOW).unwrap();
    let mut rest = body.as_slice();
    for &size in &input.chunks {
        let (chunk, tail) = rest.split_at(usize::from(size).min(rest.len()));
        pending.update(chunk);
        rest = tail;
    }
    pending.update(rest);
    let streamed = pending.finish();

    assert_eq!(one_shot, streamed);
    assert_eq!(one_shot.is_ok(), !corrupted, "{one_shot:?}");
});
