//! ctgrind-style constant-time check: Valgrind's memcheck tracks, bit by bit, which values are
//! "undefined", and reports every conditional branch and every memory address that depends
//! on one. Marking the secret key as undefined therefore makes memcheck report each place
//! where the secret (or anything computed from it: the keyed HMAC state, the expected tag,
//! the comparison) decides a branch or an address, that is, each place where timing could
//! depend on it. (The technique is Adam Langley's ctgrind, 2010; here it needs no patched
//! Valgrind, only the `MAKE_MEM_UNDEFINED` client request of `valgrind/memcheck.h`.)
//!
//! Unlike the dudect bench this is deterministic: it does not measure time, so a noisy
//! machine cannot blur it; it covers the code paths the cases take, on this machine's
//! instruction set (under Valgrind, `sha2` uses its portable backend; the SHA-NI
//! instructions are constant time by design).
//!
//! `cargo bench --bench ctgrind` builds this file and runs it; it re-runs itself under
//! `valgrind --tool=memcheck`, then checks each case's reports:
//!
//! - keying (`SecretKey::from_bytes`, `Verifier::from_keys`): no report at all;
//! - verifying a delivery (wrong tag, right tag, several entries and secrets, streaming):
//!   reports only where the verdict itself is read, which is where the result is meant to
//!   become public (`Verified::secret_index` and the match/no-match answer);
//! - decoding a `whsec_` secret: reported, not checked (`Expect::Report`): `base64ct`'s
//!   decoding loop is branch-free, but it branches on the validity of the whole string and
//!   checks canonical padding by re-encoding the last block; the key is decoded once, when the
//!   verifier is built, never on an attacker's request.
//!
//! `x86_64` Linux only (the client request is an `x86_64` instruction sequence).

// Bench code: the panic-freedom, arithmetic and no_std lints guard `src/` only.
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
// The Valgrind client request is inline assembly; it is inert outside Valgrind.
#![allow(unsafe_code)]

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
fn main() {
    if vg::running_on_valgrind() {
        inner();
    } else {
        std::process::exit(outer());
    }
}

#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
fn main() {
    eprintln!("ctgrind: only x86_64 Linux is supported");
    std::process::exit(2);
}

/// Valgrind client requests (the protocol of `valgrind/valgrind.h`, `amd64-linux` section:
/// the address of six words, request code and five arguments, in `rax`; a default result in
/// `rdx`; a no-op rotation sequence on `rdi` that Valgrind recognizes, then
/// `xchg rbx, rbx`). Outside Valgrind the sequence does nothing and `rdx` keeps the default.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
mod vg {
    const RUNNING_ON_VALGRIND: u64 = 0x1001;
    const COUNT_ERRORS: u64 = 0x1201;
    /// `VG_USERREQ_TOOL_BASE('M','C') + 1` in `valgrind/memcheck.h`.
    const MAKE_MEM_UNDEFINED: u64 = ((b'M' as u64) << 24 | (b'C' as u64) << 16) + 1;

    fn request(code: u64, arg1: u64, arg2: u64) -> u64 {
        let args: [u64; 6] = [code, arg1, arg2, 0, 0, 0];
        let mut result: u64 = 0;
        // SAFETY: the four rotations of `rdi` add up to 128 bits (it ends unchanged) and
        // `xchg rbx, rbx` changes nothing; natively that is all that runs. Under Valgrind the
        // request reads `args` (alive for the whole statement) and writes only `rdx`.
        unsafe {
            core::arch::asm!(
                "rol rdi, 3",
                "rol rdi, 13",
                "rol rdi, 61",
                "rol rdi, 51",
                "xchg rbx, rbx",
                in("rax") args.as_ptr(),
                inout("rdx") result,
                options(nostack),
            );
        }
        result
    }

    pub(crate) fn running_on_valgrind() -> bool {
        request(RUNNING_ON_VALGRIND, 0, 0) != 0
    }

    pub(crate) fn count_errors() -> u64 {
        request(COUNT_ERRORS, 0, 0)
    }

    /// Marks `bytes` as undefined for memcheck: from now on, anything computed from them is
    /// reported where it decides a branch or an address.
    pub(crate) fn make_undefined(bytes: &[u8]) {
        request(
            MAKE_MEM_UNDEFINED,
            bytes.as_ptr() as u64,
            bytes.len() as u64,
        );
    }
}

/// What a case may be reported for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Expect {
    /// No report at all.
    Nothing,
    /// Only reports whose innermost `hookverify` frame reads the verdict.
    VerdictOnly,
    /// Reported for information; not a failure.
    Report,
}

const CASES: &[(&str, Expect)] = &[
    ("keying", Expect::Nothing),
    ("verify_wrong_tag", Expect::VerdictOnly),
    ("verify_right_tag", Expect::VerdictOnly),
    ("verify_rotation", Expect::VerdictOnly),
    ("verify_streaming", Expect::VerdictOnly),
    ("verify_mac", Expect::VerdictOnly),
    ("receiver_keying", Expect::Nothing),
    ("receiver_wrong_tag", Expect::VerdictOnly),
    ("receiver_right_tag", Expect::VerdictOnly),
    ("receiver_streaming", Expect::VerdictOnly),
    ("whsec_decoding", Expect::Report),
];

/// Functions where the verdict is read: the match answer of the tag comparison becomes the
/// `Ok`/`Err` of the call, and, for rotation, the index of the first matching secret.
const VERDICT_SITES: &[&str] = &[
    "hookverify::standard::v1::Macs::finish",
    "hookverify::standard::v1::PendingVerification::finish",
    "hookverify::standard::secret::SecretKey::verify_mac",
    // The `Verifier`: the matching index becomes `Verified` in `verdict`, inlined into the
    // one-shot and the streaming calls.
    "verdict in hookverify::standard::v1::Verifier::verify_once",
    "verdict in hookverify::standard::v1::PendingVerification::finish",
    "hookverify::standard::v1::verdict",
    // Through the receiver: the index of the matching secret becomes the delivery, in
    // `list_outcome`, inlined into the one-shot and the streaming calls.
    "list_outcome in hookverify::receiver::Receiver::verify",
    "list_outcome in hookverify::receiver::PendingDelivery::finish",
    "hookverify::receiver::Receiver::list_outcome",
];

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
fn inner() {
    use base64ct::{Base64, Encoding as _};
    use hmac::{Hmac, KeyInit as _, Mac as _};
    use hookverify::{Receiver, SecretKey, UnixTime, Verifier, WebhookHeaders};
    use sha2::Sha256;
    use std::hint::black_box;

    const ID: &str = "msg_2ZGyB5wbj0qhpW2Hp4p3xZ6Jd0r";
    const TS: &str = "1700000000";
    let now = UnixTime::from_secs(1_700_000_000);
    let body = br#"{"type":"batch.succeeded","batch":"batches/123"}"#.repeat(20);
    let key_a: Vec<u8> = (0u8..32).map(|i| i.wrapping_mul(37) ^ 0x5c).collect();
    let key_b: Vec<u8> = (0u8..32).map(|i| i.wrapping_mul(91) ^ 0xa3).collect();
    // Reference tags, computed before anything is marked.
    let tag = |key: &[u8]| -> [u8; 32] {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
        mac.update(format!("{ID}.{TS}.").as_bytes());
        mac.update(&body);
        mac.finalize().into_bytes().into()
    };
    let entry = |t: &[u8; 32]| format!("v1,{}", Base64::encode_string(t));
    let right = entry(&tag(&key_a));
    let mut flipped = tag(&key_a);
    flipped[0] ^= 1;
    let wrong = entry(&flipped);
    let rotation = format!("{wrong} v1,{} {right}", Base64::encode_string(&tag(&key_b)));

    // Everything below is computed from undefined key bytes.
    vg::make_undefined(&key_a);
    vg::make_undefined(&key_b);

    let case = |name: &str, run: &mut dyn FnMut()| {
        eprintln!("ctgrind-case-begin {name}");
        let before = vg::count_errors();
        run();
        eprintln!(
            "ctgrind-case-end {name} {}",
            vg::count_errors().saturating_sub(before)
        );
    };

    let mut verifier = None;
    let mut rotating = None;
    case("keying", &mut || {
        let a = SecretKey::from_bytes(&key_a).unwrap();
        let b = SecretKey::from_bytes(&key_b).unwrap();
        verifier = Some(Verifier::<4>::from_keys([a.clone()]).unwrap());
        rotating = Some(Verifier::<4>::from_keys([b, a]).unwrap());
    });
    let (verifier, rotating) = (verifier.unwrap(), rotating.unwrap());

    case("verify_wrong_tag", &mut || {
        let headers = WebhookHeaders::new(ID, TS, &wrong);
        black_box(verifier.verify(&headers, &body, now).is_ok());
    });
    case("verify_right_tag", &mut || {
        let headers = WebhookHeaders::new(ID, TS, &right);
        black_box(verifier.verify(&headers, &body, now).is_ok());
    });
    case("verify_rotation", &mut || {
        let headers = WebhookHeaders::new(ID, TS, &rotation);
        black_box(
            rotating
                .verify(&headers, &body, now)
                .map(|v| v.secret_index())
                .ok(),
        );
    });
    case("verify_streaming", &mut || {
        let headers = WebhookHeaders::new(ID, TS, &right);
        let mut pending = verifier.begin(&headers, now).unwrap();
        for chunk in body.chunks(7) {
            pending.update(chunk);
        }
        black_box(pending.finish().is_ok());
    });
    case("verify_mac", &mut || {
        let key = SecretKey::from_bytes(&key_a).unwrap();
        black_box(key.verify_mac(b"message", &flipped).is_ok());
    });
    // The same deliveries through the receiver, the hot path of every scheme (here v1 only:
    // the other schemes handle public keys and public signatures).
    let mut receiver = None;
    case("receiver_keying", &mut || {
        let a = SecretKey::from_bytes(&key_a).unwrap();
        receiver = Some(Receiver::builder().secret_key(a).unwrap().build().unwrap());
    });
    let receiver = receiver.unwrap();
    case("receiver_wrong_tag", &mut || {
        let headers = WebhookHeaders::new(ID, TS, &wrong);
        black_box(receiver.verify(&headers, &body, now).is_ok());
    });
    case("receiver_right_tag", &mut || {
        let headers = WebhookHeaders::new(ID, TS, &right);
        black_box(receiver.verify(&headers, &body, now).is_ok());
    });
    case("receiver_streaming", &mut || {
        let headers = WebhookHeaders::new(ID, TS, &right);
        let mut pending = receiver.begin(&headers, now).unwrap();
        for chunk in body.chunks(7) {
            pending.update(chunk);
        }
        black_box(pending.finish().is_ok());
    });
    case("whsec_decoding", &mut || {
        // The key's characters are secret; its length and padding are not.
        let secret = format!("whsec_{}", Base64::encode_string(&[0x42u8; 32]));
        let data = secret.trim_end_matches('=');
        vg::make_undefined(&data.as_bytes()[6..]);
        black_box(SecretKey::from_whsec(&secret).is_ok());
    });
}

/// Runs this executable under memcheck and checks every case's reports.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
fn outer() -> i32 {
    use std::process::Command;

    let exe = std::env::current_exe().unwrap();
    let output = Command::new("valgrind")
        .args([
            "--tool=memcheck",
            "--error-exitcode=0",
            "--num-callers=40",
            "--track-origins=yes",
        ])
        .arg(&exe)
        .output();
    let output = match output {
        Ok(output) => output,
        Err(err) => {
            eprintln!("ctgrind: cannot run valgrind ({err}); install it (Debian: valgrind)");
            return 2;
        }
    };
    let log = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        eprintln!("{log}\nctgrind: valgrind failed: {}", output.status);
        return 2;
    }

    let mut failed = false;
    // The loop below finds every case of CASES in the log; a case that ran without an
    // expectation there would go unchecked, and shows as one case too many.
    let ran = log.matches("ctgrind-case-begin ").count();
    if ran != CASES.len() {
        eprintln!("ctgrind: {ran} cases ran but CASES lists {}", CASES.len());
        failed = true;
    }
    for &(name, expect) in CASES {
        let begin = format!("ctgrind-case-begin {name}\n");
        let Some(start) = log.find(&begin) else {
            eprintln!("{log}\nctgrind: case {name} did not run");
            return 2;
        };
        let rest = &log[start + begin.len()..];
        let end_marker = format!("ctgrind-case-end {name} ");
        let Some(end) = rest.find(&end_marker) else {
            eprintln!("{log}\nctgrind: case {name} did not finish");
            return 2;
        };
        let count: u64 = rest[end + end_marker.len()..]
            .lines()
            .next()
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(u64::MAX);
        let reports = reports(&rest[..end]);
        let sites: std::collections::BTreeSet<String> = reports
            .iter()
            .map(|r| {
                if r.site == r.top {
                    r.site.clone()
                } else {
                    format!("{} in {}", r.top, r.site)
                }
            })
            .collect();
        let ok = match expect {
            Expect::Nothing => count == 0,
            // The innermost frame itself must be a verdict site: a helper inlined into one
            // (as `tag_matches` is into `verify_mac`) shows as its own frame, so only the
            // verdict functions listed, inlined where they are listed, may be reported.
            Expect::VerdictOnly => {
                count == reports.len() as u64
                    && sites
                        .iter()
                        .all(|site| VERDICT_SITES.contains(&site.as_str()))
            }
            Expect::Report => true,
        };
        println!(
            "{name:18} {expect:?}: {count} memcheck error(s) at {} site(s) {sites:?}: {}",
            reports.len(),
            if ok { "ok" } else { "FAILED" }
        );
        if !ok {
            failed = true;
            for r in &reports {
                eprintln!("{}", r.text);
            }
        }
    }
    if failed { 1 } else { 0 }
}

/// One memcheck error block, its innermost frame in hookverify (or the innermost frame), and
/// its innermost frame.
struct Report {
    text: String,
    site: String,
    top: String,
}

/// Splits memcheck's log into error blocks: a `==pid== <kind>` line, `at`/`by` frames, blank.
fn reports(log: &str) -> Vec<Report> {
    let mut out = Vec::new();
    let mut block: Vec<&str> = Vec::new();
    let strip = |line: &str| {
        let line = line.trim_start();
        match line.strip_prefix("==") {
            Some(rest) => rest.split_once("== ").map_or("", |(_, l)| l).to_string(),
            None => line.to_string(),
        }
    };
    let flush = |block: &mut Vec<&str>, out: &mut Vec<Report>| {
        let is_error = block.first().is_some_and(|l| {
            let l = strip(l);
            l.starts_with("Conditional jump") || l.starts_with("Use of uninitialised")
        });
        if is_error {
            let frames: Vec<String> = block
                .iter()
                .map(|l| strip(l))
                .filter_map(|l| {
                    let l = l.trim_start();
                    let l = l.strip_prefix("at ").or_else(|| l.strip_prefix("by "))?;
                    // "0x1234: path::function (file.rs:12)"
                    let f = l.split_once(": ").map_or(l, |(_, f)| f);
                    Some(f.split(" (").next().unwrap_or(f).to_string())
                })
                .collect();
            let site = frames
                .iter()
                .find(|f| f.starts_with("hookverify::"))
                .or(frames.first())
                .cloned()
                .unwrap_or_default();
            // Generic parameters and closures: keep the path up to the function name.
            let site = site
                .split("::{{closure}}")
                .next()
                .unwrap_or(&site)
                .to_string();
            out.push(Report {
                text: block.join("\n"),
                site: strip_generics(&site),
                top: strip_generics(frames.first().map_or("", String::as_str)),
            });
        }
        block.clear();
    };
    for line in log.lines() {
        if strip(line).is_empty() {
            flush(&mut block, &mut out);
        } else {
            block.push(line);
        }
    }
    flush(&mut block, &mut out);
    out
}

/// `a::B<4>::c<'x>` -> `a::B::c`; a qualified path (`<T as a::B>::c`) is kept as it is.
fn strip_generics(path: &str) -> String {
    if path.starts_with('<') {
        return path.to_string();
    }
    let mut out = String::new();
    let mut depth = 0usize;
    for ch in path.chars() {
        match ch {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(ch),
            _ => {}
        }
    }
    out
}
