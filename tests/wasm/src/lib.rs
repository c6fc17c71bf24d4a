//! A minimal WebAssembly verifier: one exported function around hookverify, no allocator, no
//! imports. The host writes the inputs, one after another, into the buffer `input` points
//! to, and calls `verify` with their lengths and the current Unix time; it returns 0 when
//! the delivery is authentic and fresh, and 1 otherwise (2 when the inputs do not fit or are
//! not UTF-8).
//!
//! - without features: `verify(secret, id, timestamp, signature, body, now)`, a `whsec_`
//!   secret and a `v1` delivery, through `Verifier`;
//! - with `v1a`: `verify(secret, public_key, id, timestamp, signature, body, now)`, a
//!   `whsec_` secret and a `whpk_` key, through a `Receiver` that accepts both schemes.

#![no_std]

use hookverify::{UnixTime, WebhookHeaders};

/// The input buffer's size: the inputs of one call, together.
const INPUT_LEN: usize = 64 * 1024;

/// The inputs of one call; Wasm runs one call at a time.
struct Input(core::cell::UnsafeCell<[u8; INPUT_LEN]>);

// SAFETY: wasm32-unknown-unknown without the atomics feature has one thread.
#[allow(unsafe_code)]
unsafe impl Sync for Input {}

static INPUT: Input = Input(core::cell::UnsafeCell::new([0; INPUT_LEN]));

/// Where the host writes the inputs.
#[unsafe(no_mangle)]
pub extern "C" fn input() -> *mut u8 {
    INPUT.0.get().cast()
}

/// Splits the inputs into UTF-8 strings of the lengths `lens`, then the body of `body` bytes.
fn split<const N: usize>(
    lens: [usize; N],
    body: usize,
) -> Option<([&'static str; N], &'static [u8])> {
    // SAFETY: the host wrote the buffer before this call, and nothing writes it during one.
    #[allow(unsafe_code)]
    let mut rest: &'static [u8] = unsafe { &*INPUT.0.get() };
    let mut fields = [""; N];
    for (field, len) in fields.iter_mut().zip(lens) {
        let (head, tail) = rest.split_at_checked(len)?;
        *field = core::str::from_utf8(head).ok()?;
        rest = tail;
    }
    Some((fields, rest.get(..body)?))
}

fn verdict<T, E>(result: Result<T, E>) -> u32 {
    u32::from(result.is_err())
}

#[cfg(not(feature = "v1a"))]
#[unsafe(no_mangle)]
pub extern "C" fn verify(
    secret: usize,
    id: usize,
    timestamp: usize,
    signature: usize,
    body: usize,
    now: u64,
) -> u32 {
    let Some(([secret, id, timestamp, signature], body)) =
        split([secret, id, timestamp, signature], body)
    else {
        return 2;
    };
    let Ok(verifier) = hookverify::Verifier::new(secret) else {
        return 1;
    };
    let headers = WebhookHeaders::new(id, timestamp, signature);
    verdict(verifier.verify(&headers, body, UnixTime::from_secs(now)))
}

#[cfg(feature = "v1a")]
#[unsafe(no_mangle)]
pub extern "C" fn verify(
    secret: usize,
    public_key: usize,
    id: usize,
    timestamp: usize,
    signature: usize,
    body: usize,
    now: u64,
) -> u32 {
    let Some(([secret, public_key, id, timestamp, signature], body)) =
        split([secret, public_key, id, timestamp, signature], body)
    else {
        return 2;
    };
    let mut builder = hookverify::Receiver::builder();
    if builder.secret(secret).is_err() || builder.public_key(public_key).is_err() {
        return 1;
    }
    let Ok(receiver) = builder.build() else {
        return 1;
    };
    let headers = WebhookHeaders::new(id, timestamp, signature);
    verdict(receiver.verify(&headers, body, UnixTime::from_secs(now)))
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}
