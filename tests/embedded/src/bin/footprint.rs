//! A minimal firmware that verifies one delivery of each scheme its features enable, for the
//! flash (`.text` + `.rodata`, minus `baseline`) and the peak stack during verification:
//!
//! - no features: a `v1` delivery through `Verifier` (HMAC only);
//! - `v1a`: a `v1` and a `v1a` delivery through a `Receiver` with a secret and a `whpk_` key;
//! - `v1a,jwt`: the same and an ES256 JWT, the keys from a JWKS, under a `JwtPolicy`.
//!
//! The inputs go through `black_box`, so nothing is computed at build time. The stack is
//! measured twice, by painting: while the verifier is configured (secrets and keys parsed, a
//! JWKS's tables computed) and while deliveries are verified, the verifier itself living in
//! `main`'s frame, outside both. It prints
//! `footprint configure=<bytes> verify=<bytes> state=<bytes> ok=<bool>` (`state` being the
//! verifier's own size) and exits with status 0 when every delivery verified.

#![no_std]
#![no_main]

use core::hint::black_box;

use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use hookverify::{UnixTime, WebhookHeaders};
use hookverify_embedded::{exit, stack};

/// The Standard Webhooks specification's example delivery.
const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TS: &str = "1614265330";
const BODY: &[u8] = br#"{"test": 2432232314}"#;
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const V1: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
/// The v1a example of svix-webhooks (README and test suite), the same delivery.
const WHPK: &str = "whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=";
const V1A: &str =
    "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==";
const NOW: u64 = 1_614_265_330;

#[cfg(not(feature = "v1a"))]
type State = hookverify::Verifier;
#[cfg(feature = "v1a")]
type State = hookverify::Receiver;

#[cfg(not(feature = "v1a"))]
#[inline(never)]
fn configure() -> Option<State> {
    hookverify::Verifier::new(black_box(SECRET)).ok()
}

#[cfg(not(feature = "v1a"))]
#[inline(never)]
fn verify(verifier: &State) -> bool {
    let headers = WebhookHeaders::new(black_box(ID), black_box(TS), black_box(V1));
    verifier
        .verify(
            &headers,
            black_box(BODY),
            UnixTime::from_secs(black_box(NOW)),
        )
        .is_ok()
}

#[cfg(feature = "v1a")]
#[inline(never)]
fn configure() -> Option<State> {
    let mut builder = hookverify::Receiver::builder();
    builder.secret(black_box(SECRET)).ok()?;
    builder.public_key(black_box(WHPK)).ok()?;
    #[cfg(feature = "jwt")]
    jwt::configure(&mut builder)?;
    builder.build().ok()
}

#[cfg(feature = "v1a")]
#[inline(never)]
fn verify(receiver: &State) -> bool {
    let now = UnixTime::from_secs(black_box(NOW));
    let mut ok = true;
    for sig in [V1, V1A] {
        let headers = WebhookHeaders::new(black_box(ID), black_box(TS), black_box(sig));
        ok &= receiver.verify(&headers, black_box(BODY), now).is_ok();
    }
    #[cfg(feature = "jwt")]
    {
        ok &= jwt::verify(receiver);
    }
    ok
}

/// An ES256 JWT under a one-key JWKS (RFC 7515 appendix A.3's key and token; its claims have
/// no `iss`/`aud`, so the policy is the opt-out one, which checks `exp`).
#[cfg(feature = "jwt")]
mod jwt {
    use super::black_box;
    use hookverify::{JwtPolicy, Receiver, ReceiverBuilder, UnixTime, WebhookHeaders};

    const JWKS: &str = r#"{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#;
    const TOKEN: &str = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
    const NOW: u64 = 1_300_819_000;

    pub(super) fn configure(builder: &mut ReceiverBuilder) -> Option<()> {
        let policy = JwtPolicy::builder_unchecked_issuer_or_audience(Some("joe"), &[]).ok()?;
        builder
            .jwks(black_box(JWKS).as_bytes())
            .ok()?
            .jwt(policy.body_not_authenticated());
        Some(())
    }

    pub(super) fn verify(receiver: &Receiver) -> bool {
        let headers = WebhookHeaders::new(
            black_box("msg_1"),
            black_box("1300819000"),
            black_box(TOKEN),
        );
        receiver
            .verify(
                &headers,
                black_box(b""),
                UnixTime::from_secs(black_box(NOW)),
            )
            .is_ok()
    }
}

#[entry]
fn main() -> ! {
    let sp = stack::paint();
    let state = configure();
    let configure_peak = stack::peak(sp);
    let sp = stack::paint();
    let ok = state.as_ref().is_some_and(verify);
    let verify_peak = stack::peak(sp);
    hprintln!(
        "footprint configure={} verify={} state={} ok={}",
        configure_peak,
        verify_peak,
        core::mem::size_of::<State>(),
        ok
    );
    exit(ok);
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    exit(false);
}
