//! The test vectors on an emulated Cortex-M4: every embedded case through the library as an
//! embedded user calls it (no heap, no `std`), checked against its expected verdict and error
//! code. Prints `N passed, M failed` and exits with status 0 only when all pass.

#![no_std]
#![no_main]

use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use hookverify::{Algorithm, KeySet, Receiver, UnixTime, WebhookHeaders};
use hookverify_embedded::{
    ED25519, ES256, STANDARD, SignatureCase, StandardCase, V1A, V1aCase, exit,
};

/// The verdict as a code: `ok`, or the error's code.
fn code<T>(result: Result<T, hookverify::Error>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

fn standard(case: &StandardCase) -> &'static str {
    let built = (|| {
        let mut builder = Receiver::builder();
        builder.tolerance(case.tolerance);
        if !case.secret.is_empty() {
            builder.secret(case.secret)?;
        }
        if let Some(key) = case.public_key {
            builder.public_key(key)?;
        }
        builder.build()
    })();
    let receiver = match built {
        Ok(receiver) => receiver,
        Err(e) => return e.code(),
    };
    let headers = WebhookHeaders::new(case.id, case.ts, case.sig);
    code(receiver.verify(&headers, case.body, UnixTime::from_secs(case.now)))
}

fn v1a(case: &V1aCase) -> &'static str {
    let built = (|| {
        let mut builder = Receiver::builder();
        builder.jwks(case.jwks.as_bytes())?;
        if !case.secret.is_empty() {
            builder.secret(case.secret)?;
        }
        builder.build()
    })();
    let receiver = match built {
        Ok(receiver) => receiver,
        Err(e) => return e.code(),
    };
    let headers = WebhookHeaders::new(case.id, case.ts, case.sig);
    // Streamed in small chunks, as a gateway reading the body from a socket.
    let verdict = receiver
        .begin(&headers, UnixTime::from_secs(case.now))
        .and_then(|mut pending| {
            for chunk in case.body.chunks(61) {
                pending.update(chunk);
            }
            pending.finish()
        });
    code(verdict)
}

/// base64url without padding, for the JWK members.
fn b64url<'o>(bytes: &[u8], out: &'o mut [u8]) -> &'o str {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut len = 0;
    for chunk in bytes.chunks(3) {
        let word = chunk
            .iter()
            .enumerate()
            .fold(0u32, |w, (i, &b)| w | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out[len] = ALPHABET[((word >> (18 - 6 * i)) & 63) as usize];
            len += 1;
        }
    }
    core::str::from_utf8(&out[..len]).unwrap_or("")
}

fn signature(case: &SignatureCase) -> bool {
    let (mut x, mut y) = ([0u8; 64], [0u8; 64]);
    let mut jwks = [0u8; 256];
    let mut len = 0;
    let mut push = |s: &str| {
        jwks[len..len + s.len()].copy_from_slice(s.as_bytes());
        len += s.len();
    };
    let alg = if case.y.is_empty() {
        push(r#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":""#);
        push(b64url(case.key, &mut x));
        Algorithm::EdDsa
    } else {
        push(r#"{"keys":[{"kty":"EC","crv":"P-256","x":""#);
        push(b64url(case.key, &mut x));
        push(r#"","y":""#);
        push(b64url(case.y, &mut y));
        Algorithm::Es256
    };
    push(r#""}]}"#);
    match KeySet::<1>::from_json(&jwks[..len]) {
        Ok(keys) => keys.verify_signature(None, alg, case.msg, case.sig).is_ok(),
        Err(_) => false,
    }
}

#[entry]
fn main() -> ! {
    let (mut passed, mut failed) = (0u32, 0u32);
    let mut check = |name: &str, got: &str, expected: &str| {
        if got == expected {
            passed += 1;
        } else {
            failed += 1;
            hprintln!("FAILED {}: expected {}, got {}", name, expected, got);
        }
    };
    for case in STANDARD {
        check(case.name, standard(case), case.expect);
    }
    for case in V1A {
        check(case.name, v1a(case), case.expect);
    }
    for case in ED25519.iter().chain(ES256) {
        let verdict = |valid: bool| if valid { "valid" } else { "invalid" };
        check(case.name, verdict(signature(case)), verdict(case.valid));
    }
    hprintln!("{} passed, {} failed", passed, failed);
    exit(failed == 0);
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    hprintln!("panic: {}", info);
    exit(false);
}
