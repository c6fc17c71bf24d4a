//! Side-by-side comparison of hookverify with its peers, on the same inputs, in one process.
//!
//! Every (work, size) group is measured in rounds: each round takes one timed sample of every
//! implementation of the group, round-robin (the starting implementation rotates from round
//! to round), so slow drift of the machine (frequency, other load) lands on all of them
//! alike. A sample times a batch of operations sized to take about `--sample-ms`; the result
//! for an implementation is the median over its samples of nanoseconds per operation.
//!
//! Before anything is timed, every implementation is shown to accept its genuine input and to
//! reject tampered ones, and every timed batch checks that each of its operations succeeded:
//! no failing path is ever measured.
//!
//! `cargo run --release --manifest-path benches/peers/Cargo.toml -- --json results.json`

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Barrier;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD as B64, URL_SAFE_NO_PAD as B64URL};
use clap::Parser;
use ed25519_dalek::Signer as _;
use hmac::{KeyInit as _, Mac as _};
use hookverify::{JwtVerifier, KeySet, Receiver, UnixTime, Verifier, WebhookHeaders};
use http::{HeaderMap, HeaderValue};
use sha2::{Digest as _, Sha256};

/// The Standard Webhooks secret: 24 fixed bytes.
const SECRET: [u8; 24] = *b"hookverify-peers-secret!";
const ID: &str = "msg_2ZGyB5wbj0qhpW2Hp4p3xZ6Jd0r";
const HMAC_SIZES: [usize; 4] = [0, 1024, 65_536, 1_048_576];
const V1A_SIZES: [usize; 3] = [0, 1024, 65_536];
/// The body of the Gemini case: a Gemini event is a few hundred bytes.
const GEMINI_SIZE: usize = 512;
const CHUNK: usize = 4096;

const ISSUER: &str = "https://issuer.example.com";
const AUDIENCE: &str = "https://hooks.example.com/webhooks/gemini";
const ES_KID: &str = "es256-key-1";
const RS_KID: &str = "rs256-key-1";

#[derive(Parser, Debug)]
#[command(
    about = "Benchmark hookverify against svix, standardwebhooks, ring, jsonwebtoken, p256 and rsa"
)]
struct Args {
    /// Also write the results as JSON: [{"work", "size", "impl", "median_ns"}, ...].
    #[arg(long, value_name = "PATH")]
    json: Option<PathBuf>,
    /// Fewer rounds and shorter samples: the whole run takes well under a minute.
    #[arg(long)]
    quick: bool,
    /// Only run the works whose name contains this string (e.g. `hmac`, `es256`, `threads`).
    #[arg(long, value_name = "SUBSTRING")]
    only: Option<String>,
}

/// How long and how often to measure.
#[derive(Clone, Copy, Debug)]
struct Plan {
    /// Target duration of one timed batch.
    sample: Duration,
    /// Rounds for the HMAC group (each round: one sample of each of its 24 cases).
    hmac_rounds: usize,
    /// Rounds for each JWT group, and for the v1a group.
    jwt_rounds: usize,
    /// Rounds of the concurrency measurement (each: one 1-thread and one 2-thread run).
    thread_rounds: usize,
    /// Target duration of one 1-thread run of the concurrency measurement.
    thread_sample: Duration,
}

impl Plan {
    fn new(quick: bool) -> Self {
        if quick {
            Self {
                sample: Duration::from_millis(1),
                hmac_rounds: 150,
                jwt_rounds: 300,
                thread_rounds: 20,
                thread_sample: Duration::from_millis(20),
            }
        } else {
            Self {
                sample: Duration::from_millis(2),
                hmac_rounds: 1500,
                jwt_rounds: 2000,
                thread_rounds: 100,
                thread_sample: Duration::from_millis(50),
            }
        }
    }
}

/// One measured (work, size, impl).
struct Row {
    work: &'static str,
    size: usize,
    imp: String,
    median_ns: f64,
    /// Interquartile range over the samples, in percent of the median.
    iqr_pct: f64,
    samples: usize,
}

#[derive(serde::Serialize)]
struct JsonRow<'a> {
    work: &'a str,
    size: usize,
    #[serde(rename = "impl")]
    imp: &'a str,
    median_ns: f64,
}

/// A timed batch: runs `n` operations and says whether every one of them succeeded.
type Batch<'a> = Box<dyn FnMut(u64) -> bool + 'a>;

struct Case<'a> {
    work: &'static str,
    size: usize,
    imp: String,
    batch: Batch<'a>,
    iters: u64,
    samples: Vec<f64>,
}

/// Wraps one operation into a batch: the input goes through `black_box` on every call, and so
/// does the verdict, so nothing is hoisted out of the loop or optimized away.
fn batch<'a, I: ?Sized, F>(input: &'a I, f: F) -> Batch<'a>
where
    F: Fn(&I) -> bool + 'a,
{
    batch_expecting(input, f, true)
}

/// A batch whose every call must give `expected` (`false` for a delivery no key signed).
fn batch_expecting<'a, I: ?Sized, F>(input: &'a I, f: F, expected: bool) -> Batch<'a>
where
    F: Fn(&I) -> bool + 'a,
{
    Box::new(move |n| {
        let mut ok = 0u64;
        for _ in 0..n {
            ok += u64::from(black_box(f(black_box(input))) == expected);
        }
        ok == n
    })
}

fn main() {
    let args = Args::parse();
    let plan = Plan::new(args.quick);
    let wants = |work: &str| args.only.as_deref().is_none_or(|s| work.contains(s));
    let started = Instant::now();

    println!(
        "hookverify peers benchmark ({} mode)",
        if args.quick { "quick" } else { "default" }
    );
    if cfg!(debug_assertions) {
        println!("WARNING: debug build; numbers are meaningless. Use --release.");
    }
    println!("hookverify source: {}", hookverify_state());
    println!("cpu: {}", cpu_model());
    println!("load average at start: {}", load_average());
    println!(
        "plan: {:?} per sample; rounds: hmac {}, jwt {}, threads {} x {:?}",
        plan.sample, plan.hmac_rounds, plan.jwt_rounds, plan.thread_rounds, plan.thread_sample
    );
    println!(
        "crates: svix 2.9.1, standardwebhooks 1.0.1, ring 0.17.14, jsonwebtoken 11.1.0 \
         (backends rust_crypto, aws_lc_rs), p256 0.14.0, rsa 0.10.0-rc.20, ed25519-dalek 3.0.0"
    );

    jwt_backends::install();
    let mut rows = Vec::new();

    if wants("hmac-verify") {
        rows.extend(hmac_phase(&plan));
    }
    let jwt_works = ["es256-verify", "rs256-verify", "es256-verify-threads"];
    let keys = jwt_works.iter().any(|w| wants(w)).then(|| {
        let t = Instant::now();
        let keys = JwtKeys::generate();
        println!("keys generated in {:.2?} (P-256, RSA-2048)", t.elapsed());
        keys
    });
    if let Some(keys) = &keys {
        if wants("es256-verify") {
            rows.extend(jwt_phase(&plan, keys, Alg::Es256));
        }
        if wants("rs256-verify") {
            rows.extend(jwt_phase(&plan, keys, Alg::Rs256));
        }
    }
    rows.extend(threads_phase(&plan, keys.as_ref(), &wants));
    if wants("v1a-verify") {
        rows.extend(v1a_phase(&plan));
    }

    println!();
    print_table(&rows);
    println!("load average at end: {}", load_average());
    println!("total wall time: {:.1?}", started.elapsed());

    if let Some(path) = &args.json {
        let json: Vec<JsonRow<'_>> = rows
            .iter()
            .map(|r| JsonRow {
                work: r.work,
                size: r.size,
                imp: &r.imp,
                median_ns: (r.median_ns * 10.0).round() / 10.0,
            })
            .collect();
        let text = serde_json::to_string_pretty(&json).expect("serialize results");
        std::fs::write(path, text + "\n")
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        println!("results written to {}", path.display());
    }
}

// ---------------------------------------------------------------------------------------------
// Measurement

/// Finds how many operations make one sample last about `target`, warming the case up.
fn calibrate(case: &mut Case<'_>, target: Duration) {
    let mut n = 1u64;
    loop {
        let t = Instant::now();
        let ok = (case.batch)(n);
        let elapsed = t.elapsed();
        assert!(
            ok,
            "{} {} {}: failed during calibration",
            case.work, case.size, case.imp
        );
        if elapsed >= target / 4 || n >= 1 << 30 {
            let per_op = elapsed.as_secs_f64() / n as f64;
            case.iters = ((target.as_secs_f64() / per_op).round() as u64).max(1);
            return;
        }
        n *= 4;
    }
}

/// Runs `rounds` rounds over `cases`, one sample of each per round, rotating the order.
fn run_rounds(cases: &mut [Case<'_>], plan: &Plan, rounds: usize) {
    for case in cases.iter_mut() {
        calibrate(case, plan.sample);
        case.samples.reserve(rounds);
    }
    let n = cases.len();
    for round in 0..rounds {
        for k in 0..n {
            let case = &mut cases[(round + k) % n];
            let t = Instant::now();
            let ok = (case.batch)(case.iters);
            let elapsed = t.elapsed();
            assert!(
                ok,
                "{} {} {}: an operation failed in round {round} (a timestamp past its \
                 tolerance, if the phase ran for more than 5 minutes)",
                case.work, case.size, case.imp
            );
            case.samples
                .push(elapsed.as_nanos() as f64 / case.iters as f64);
        }
    }
}

fn summarize(cases: Vec<Case<'_>>) -> Vec<Row> {
    cases
        .into_iter()
        .map(|c| {
            let (median, iqr) = stats(c.samples.clone());
            Row {
                work: c.work,
                size: c.size,
                imp: c.imp,
                median_ns: median,
                iqr_pct: iqr,
                samples: c.samples.len(),
            }
        })
        .collect()
}

/// Median and interquartile range (in percent of the median).
fn stats(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    let q = |p: f64| {
        let pos = p * (v.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
    };
    let median = q(0.5);
    (median, (q(0.75) - q(0.25)) / median * 100.0)
}

// ---------------------------------------------------------------------------------------------
// hmac-verify

/// One Standard Webhooks delivery, as every implementation sees it.
struct Delivery {
    /// `webhook-id`, `webhook-timestamp`, `webhook-signature`: what every row reads.
    map: HeaderMap,
    body: Vec<u8>,
    /// The signature header's tag, base64-decoded once outside the timed loop (`ring` row).
    tag: Vec<u8>,
}

impl Delivery {
    fn new(id: &str, ts: u64, signature: &str, body: Vec<u8>) -> Self {
        let mut map = HeaderMap::new();
        map.insert("webhook-id", HeaderValue::from_str(id).expect("id"));
        map.insert(
            "webhook-timestamp",
            HeaderValue::from_str(&ts.to_string()).expect("ts"),
        );
        map.insert(
            "webhook-signature",
            HeaderValue::from_str(signature).expect("sig"),
        );
        let tag = signature
            .strip_prefix("v1,")
            .and_then(|b64| B64.decode(b64).ok())
            .unwrap_or_default();
        Self { map, body, tag }
    }

    fn signed(ts: u64, body: Vec<u8>) -> Self {
        let sig = sign_hmac(ID, ts, &body);
        Self::new(ID, ts, &sig, body)
    }
}

/// `v1,` + base64(HMAC-SHA256(secret, id.ts.body)), with the `hmac`/`sha2` crates.
fn sign_hmac(id: &str, ts: u64, body: &[u8]) -> String {
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&SECRET).expect("key");
    mac.update(format!("{id}.{ts}.").as_bytes());
    mac.update(body);
    format!("v1,{}", B64.encode(mac.finalize().into_bytes()))
}

/// `ring`'s HMAC of `id.ts.body`, by `hmac::Context`, the parts fed in order (the `ring`
/// row keeps the same lines inline, as first measured).
fn ring_tag(key: &ring::hmac::Key, id: &[u8], ts: &[u8], body: &[u8]) -> ring::hmac::Tag {
    let mut ctx = ring::hmac::Context::with_key(key);
    ctx.update(id);
    ctx.update(b".");
    ctx.update(ts);
    ctx.update(b".");
    ctx.update(body);
    ctx.sign()
}

/// An ASCII (so UTF-8: svix and standardwebhooks refuse other bodies) JSON-looking body of
/// exactly `size` bytes.
fn make_body(size: usize) -> Vec<u8> {
    let mut body = br#"{"type":"batch.completed","data":""#.to_vec();
    body.truncate(size);
    let filler = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut i = 0;
    while body.len() < size.saturating_sub(2) {
        body.push(filler[i % filler.len()]);
        i += 1;
    }
    if size >= 2 + 34 {
        body.extend_from_slice(b"\"}");
    }
    while body.len() < size {
        body.push(b' ');
    }
    assert_eq!(body.len(), size);
    body
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

/// What each HMAC row must reject besides accepting the genuine delivery.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rejects {
    /// Tampered signature, tampered body, stale timestamp (correctly signed).
    SignatureBodyFreshness,
    /// Tampered signature and body only: the row checks no timestamp.
    SignatureBody,
    /// Nothing: the SHA-256 floor verifies nothing (its digest is checked instead).
    Nothing,
}

fn hmac_phase(plan: &Plan) -> Vec<Row> {
    // The deliveries are stamped now: svix and standardwebhooks check the timestamp against
    // the system clock (5 minutes tolerance), so this phase must end within that window; each
    // timed batch checks that every verification succeeded.
    let ts = unix_now();
    let now = UnixTime::from_secs(ts);
    let whsec = format!("whsec_{}", B64.encode(SECRET));

    struct Inputs {
        size: usize,
        genuine: Delivery,
        bad_signature: Delivery,
        bad_body: Delivery,
        stale: Delivery,
    }
    let inputs: Vec<Inputs> = HMAC_SIZES
        .iter()
        .map(|&size| {
            let genuine = Delivery::signed(ts, make_body(size));
            // One base64 character of the tag changed: still valid base64, another tag.
            let sig = genuine.map["webhook-signature"]
                .to_str()
                .expect("ascii")
                .to_owned();
            let mut bad = sig.into_bytes();
            let pos = 3 + 10;
            bad[pos] = if bad[pos] == b'A' { b'B' } else { b'A' };
            let bad_signature = Delivery::new(
                ID,
                ts,
                std::str::from_utf8(&bad).expect("ascii"),
                genuine.body.clone(),
            );
            let mut body = genuine.body.clone();
            if let Some(last) = body.last_mut() {
                *last = if *last == b'x' { b'y' } else { b'x' };
            } else {
                body.push(b' ');
            }
            let bad_body = Delivery::new(
                ID,
                ts,
                genuine.map["webhook-signature"].to_str().expect("ascii"),
                body,
            );
            let stale = Delivery::signed(ts - 3600, genuine.body.clone());
            Inputs {
                size,
                genuine,
                bad_signature,
                bad_body,
                stale,
            }
        })
        .collect();

    let verifier = Verifier::new(&whsec).expect("hookverify secret");
    let receiver = Receiver::builder()
        .secret(&whsec)
        .and_then(hookverify::ReceiverBuilder::build)
        .expect("hookverify receiver");
    let svix = svix::webhooks::Webhook::new(&whsec).expect("svix secret");
    let swh = standardwebhooks::Webhook::new(&whsec).expect("standardwebhooks secret");
    let ring_key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &SECRET);

    let mut cases: Vec<Case<'_>> = Vec::new();
    for input in &inputs {
        let mut add = |imp: &str, rejects: Rejects, f: &dyn Fn(&Delivery) -> bool, b| {
            // The row must accept the genuine delivery and refuse every tampered one.
            assert!(
                f(&input.genuine),
                "{imp} refuses the genuine {}-byte delivery",
                input.size
            );
            if rejects != Rejects::Nothing {
                assert!(
                    !f(&input.bad_signature),
                    "{imp} accepts a tampered signature"
                );
                assert!(!f(&input.bad_body), "{imp} accepts a tampered body");
            }
            if rejects == Rejects::SignatureBodyFreshness {
                assert!(!f(&input.stale), "{imp} accepts a stale timestamp");
            }
            cases.push(Case {
                work: "hmac-verify",
                size: input.size,
                imp: imp.to_owned(),
                batch: b,
                iters: 1,
                samples: Vec::new(),
            });
        };
        let g = &input.genuine;

        let hv = |d: &Delivery| {
            let map = &d.map;
            match WebhookHeaders::from_lookup(|n| map.get(n).map(|v| v.as_bytes())) {
                Ok(headers) => verifier.verify(&headers, &d.body, now).is_ok(),
                Err(_) => false,
            }
        };
        add(
            "hookverify",
            Rejects::SignatureBodyFreshness,
            &hv,
            batch(g, hv),
        );

        // The same delivery through the receiver (routing by shape, every scheme configured
        // here being v1): the new hot path, which must cost no more than `Verifier`.
        let hv_receiver = |d: &Delivery| {
            let map = &d.map;
            match WebhookHeaders::from_lookup(|n| map.get(n).map(|v| v.as_bytes())) {
                Ok(headers) => receiver.verify(&headers, &d.body, now).is_ok(),
                Err(_) => false,
            }
        };
        add(
            "hookverify-receiver",
            Rejects::SignatureBodyFreshness,
            &hv_receiver,
            batch(g, hv_receiver),
        );

        // The same delivery through the `http1` integration, which looks the headers up by
        // `http::HeaderName`s parsed at compile time instead of by `&str` names (the other
        // rows, ring's included, look up by `&str`; each would gain the same by doing this).
        let hv_http1 = |d: &Delivery| match WebhookHeaders::from_http1(&d.map) {
            Ok(headers) => verifier.verify(&headers, &d.body, now).is_ok(),
            Err(_) => false,
        };
        add(
            "hookverify-http1",
            Rejects::SignatureBodyFreshness,
            &hv_http1,
            batch(g, hv_http1),
        );

        let hv_stream = |d: &Delivery| {
            let map = &d.map;
            let Ok(headers) = WebhookHeaders::from_lookup(|n| map.get(n).map(|v| v.as_bytes()))
            else {
                return false;
            };
            let Ok(mut pending) = verifier.begin(&headers, now) else {
                return false;
            };
            for chunk in d.body.chunks(CHUNK) {
                pending.update(chunk);
            }
            pending.finish().is_ok()
        };
        add(
            "hookverify-streaming",
            Rejects::SignatureBodyFreshness,
            &hv_stream,
            batch(g, hv_stream),
        );

        let sv = |d: &Delivery| svix.verify(&d.body, &d.map).is_ok();
        add("svix", Rejects::SignatureBodyFreshness, &sv, batch(g, sv));

        let sw = |d: &Delivery| swh.verify(&d.body, &d.map).is_ok();
        add(
            "standardwebhooks",
            Rejects::SignatureBodyFreshness,
            &sw,
            batch(g, sw),
        );

        // ring: id and timestamp read from the map on every call, HMAC over
        // id "." timestamp "." body by `hmac::Context`, tag compared in constant time with the
        // signature decoded once outside the loop. No header syntax or freshness checks.
        let rg = |d: &Delivery| {
            let (Some(id), Some(ts)) = (d.map.get("webhook-id"), d.map.get("webhook-timestamp"))
            else {
                return false;
            };
            let mut ctx = ring::hmac::Context::with_key(&ring_key);
            ctx.update(id.as_bytes());
            ctx.update(b".");
            ctx.update(ts.as_bytes());
            ctx.update(b".");
            ctx.update(&d.body);
            let tag = ctx.sign();
            #[allow(deprecated)] // what ring::hmac::verify uses inside; no other public API
            ring::constant_time::verify_slices_are_equal(tag.as_ref(), &d.tag).is_ok()
        };
        add("ring", Rejects::SignatureBody, &rg, batch(g, rg));

        // ring with the checks a receiver cannot skip, which the row above leaves out: the
        // three headers read on every call, the timestamp parsed and held to the 5-minute
        // window, the signature header split on spaces and each `v1,` entry base64-decoded
        // (the `base64` crate) and compared in constant time. Still no id syntax check.
        let rg_checked = |d: &Delivery| {
            let (Some(id), Some(ts), Some(signature)) = (
                d.map.get("webhook-id"),
                d.map.get("webhook-timestamp"),
                d.map.get("webhook-signature"),
            ) else {
                return false;
            };
            let Some(stamp) = std::str::from_utf8(ts.as_bytes())
                .ok()
                .and_then(|t| t.parse::<u64>().ok())
            else {
                return false;
            };
            if stamp.abs_diff(now.as_secs()) > 300 {
                return false;
            }
            let tag = ring_tag(&ring_key, id.as_bytes(), ts.as_bytes(), &d.body);
            let mut decoded = [0u8; 32];
            signature
                .as_bytes()
                .split(|&b| b == b' ')
                .filter_map(|entry| entry.strip_prefix(b"v1,"))
                .fold(false, |matched, candidate| {
                    #[allow(deprecated)] // as in the row above
                    let equal = B64.decode_slice(candidate, &mut decoded) == Ok(32)
                        && ring::constant_time::verify_slices_are_equal(tag.as_ref(), &decoded)
                            .is_ok();
                    matched | equal
                })
        };
        add(
            "ring-checked",
            Rejects::SignatureBodyFreshness,
            &rg_checked,
            batch(g, rg_checked),
        );

        // The floor: SHA-256 of the body alone, checked against ring's digest.
        let expected = ring::digest::digest(&ring::digest::SHA256, &g.body);
        assert_eq!(
            Sha256::digest(&g.body).as_slice(),
            expected.as_ref(),
            "sha256 floor"
        );
        let floor = |d: &Delivery| {
            black_box(Sha256::digest(&d.body));
            true
        };
        add("sha256", Rejects::Nothing, &floor, batch(g, floor));
    }

    println!(
        "hmac-verify: {} cases checked (accept genuine, reject tampered), {} rounds...",
        cases.len(),
        plan.hmac_rounds
    );
    let t = Instant::now();
    run_rounds(&mut cases, plan, plan.hmac_rounds);
    println!("hmac-verify: measured in {:.1?}", t.elapsed());
    assert!(
        unix_now() < ts + 300,
        "the hmac phase outlived the 5-minute tolerance"
    );
    summarize(cases)
}

// ---------------------------------------------------------------------------------------------
// v1a-verify

/// One Standard Webhooks `v1a` delivery: the three headers, and for the peers the message
/// (`id.ts.body`, assembled per operation as a receiver would) and the signature, decoded
/// once outside the timed loop.
struct V1aDelivery {
    map: HeaderMap,
    body: Vec<u8>,
    signature: [u8; 64],
}

impl V1aDelivery {
    fn new(ts: u64, signature: [u8; 64], body: Vec<u8>) -> Self {
        let header = format!("v1a,{}", B64.encode(signature));
        let map = Delivery::new(ID, ts, &header, Vec::new()).map;
        Self {
            map,
            body,
            signature,
        }
    }

    fn signed(key: &ed25519_dalek::SigningKey, ts: u64, body: Vec<u8>) -> Self {
        let signature = key
            .sign(&v1a_message(ID, &ts.to_string(), &body))
            .to_bytes();
        Self::new(ts, signature, body)
    }

    /// `id.ts.body` from the headers, as a receiver on a peer crate must build it.
    fn message(&self) -> Option<Vec<u8>> {
        let id = self.map.get("webhook-id")?.to_str().ok()?;
        let ts = self.map.get("webhook-timestamp")?.to_str().ok()?;
        Some(v1a_message(id, ts, &self.body))
    }
}

fn v1a_message(id: &str, ts: &str, body: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(id.len() + ts.len() + 2 + body.len());
    message.extend_from_slice(id.as_bytes());
    message.push(b'.');
    message.extend_from_slice(ts.as_bytes());
    message.push(b'.');
    message.extend_from_slice(body);
    message
}

/// `v1a-verify` at 0 B, 1 KiB and 64 KiB under one key, and the Gemini case: three keys, no
/// key id, every row trying the keys in order, the delivery signed by the last key tried
/// (`v1a-verify-gemini`), by the first (`v1a-verify-gemini-first`), or by none of them
/// (`v1a-verify-gemini-none`: every implementation must refuse it, after trying all three).
fn v1a_phase(plan: &Plan) -> Vec<Row> {
    let ts = unix_now();
    let now = UnixTime::from_secs(ts);
    let keys: Vec<ed25519_dalek::SigningKey> = (1..=3u8)
        .map(|seed| ed25519_dalek::SigningKey::from_bytes(&[seed; 32]))
        .collect();
    let whpk = |k: &ed25519_dalek::SigningKey| {
        format!("whpk_{}", B64.encode(k.verifying_key().as_bytes()))
    };
    let build = |keys: &[ed25519_dalek::SigningKey]| {
        let mut builder = Receiver::builder();
        for k in keys {
            builder.public_key(&whpk(k)).expect("hookverify public key");
        }
        builder.build().expect("hookverify receiver")
    };
    let one = build(&keys[..1]);
    let three = build(&keys);
    let dalek: Vec<ed25519_dalek::VerifyingKey> = keys.iter().map(|k| k.verifying_key()).collect();
    let ring_keys: Vec<ring::signature::UnparsedPublicKey<[u8; 32]>> = keys
        .iter()
        .map(|k| {
            ring::signature::UnparsedPublicKey::new(
                &ring::signature::ED25519,
                k.verifying_key().to_bytes(),
            )
        })
        .collect();

    struct Group {
        work: &'static str,
        size: usize,
        receiver: usize,
        keys: usize,
        genuine: V1aDelivery,
        bad_signature: V1aDelivery,
        bad_body: V1aDelivery,
        /// Whether the genuine delivery verifies (not when no configured key signed it).
        accepted: bool,
    }
    let outsider = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    let group = |work, size, receiver, key_count: usize, signer: Option<usize>| {
        let (signer, accepted) = match signer {
            Some(index) => (&keys[index], true),
            None => (&outsider, false),
        };
        let genuine = V1aDelivery::signed(signer, ts, make_body(size));
        let mut sig = genuine.signature;
        sig[5] ^= 1;
        let bad_signature = V1aDelivery::new(ts, sig, genuine.body.clone());
        let mut body = genuine.body.clone();
        body.push(b' ');
        let bad_body = V1aDelivery::new(ts, genuine.signature, body);
        Group {
            work,
            size,
            receiver,
            keys: key_count,
            genuine,
            bad_signature,
            bad_body,
            accepted,
        }
    };
    let mut groups: Vec<Group> = V1A_SIZES
        .iter()
        .map(|&size| group("v1a-verify", size, 0, 1, Some(0)))
        .collect();
    groups.push(group("v1a-verify-gemini", GEMINI_SIZE, 1, 3, Some(2)));
    groups.push(group("v1a-verify-gemini-first", GEMINI_SIZE, 1, 3, Some(0)));
    groups.push(group("v1a-verify-gemini-none", GEMINI_SIZE, 1, 3, None));
    let stale = V1aDelivery::signed(&keys[0], ts - 3600, Vec::new());
    assert!(
        one.verify(
            &WebhookHeaders::from_lookup(|n| stale.map.get(n).map(|v| v.as_bytes()))
                .expect("headers"),
            &stale.body,
            now
        )
        .is_err(),
        "hookverify accepts a stale v1a delivery"
    );

    let mut cases: Vec<Case<'_>> = Vec::new();
    for g in &groups {
        let receiver = if g.receiver == 0 { &one } else { &three };
        let dalek = &dalek[..g.keys];
        let ring_keys = &ring_keys[..g.keys];
        let mut add = |imp: &str, f: &dyn Fn(&V1aDelivery) -> bool, b| {
            assert_eq!(
                f(&g.genuine),
                g.accepted,
                "{imp}: wrong verdict on the {} delivery",
                g.work
            );
            assert!(!f(&g.bad_signature), "{imp} accepts a tampered signature");
            assert!(!f(&g.bad_body), "{imp} accepts a tampered body");
            cases.push(Case {
                work: g.work,
                size: g.size,
                imp: imp.to_owned(),
                batch: b,
                iters: 1,
                samples: Vec::new(),
            });
        };
        let hv = |d: &V1aDelivery| {
            let map = &d.map;
            match WebhookHeaders::from_lookup(|n| map.get(n).map(|v| v.as_bytes())) {
                Ok(headers) => receiver.verify(&headers, &d.body, now).is_ok(),
                Err(_) => false,
            }
        };
        add(
            "hookverify",
            &hv,
            batch_expecting(&g.genuine, hv, g.accepted),
        );
        // ed25519-dalek: the message assembled from the headers, `verify_strict` under each
        // key in turn (no key id), the signature decoded outside the loop. No header syntax
        // or freshness checks.
        let dk = |d: &V1aDelivery| {
            let Some(message) = d.message() else {
                return false;
            };
            let signature = ed25519_dalek::Signature::from_bytes(&d.signature);
            dalek
                .iter()
                .any(|k| k.verify_strict(&message, &signature).is_ok())
        };
        add(
            "ed25519-dalek",
            &dk,
            batch_expecting(&g.genuine, dk, g.accepted),
        );
        let rg = |d: &V1aDelivery| {
            let Some(message) = d.message() else {
                return false;
            };
            ring_keys
                .iter()
                .any(|k| k.verify(&message, &d.signature).is_ok())
        };
        add("ring", &rg, batch_expecting(&g.genuine, rg, g.accepted));
    }
    println!(
        "v1a-verify: {} cases checked (accept genuine, reject tampered), {} rounds...",
        cases.len(),
        plan.jwt_rounds
    );
    let t = Instant::now();
    let mut rows = Vec::new();
    // One group at a time: Ed25519 at 64 KiB is slow enough that interleaving every size
    // would stretch the phase without making it fairer.
    let mut start = 0;
    while start < cases.len() {
        let (work, size) = (cases[start].work, cases[start].size);
        let end = start
            + cases[start..]
                .iter()
                .take_while(|c| c.work == work && c.size == size)
                .count();
        run_rounds(&mut cases[start..end], plan, plan.jwt_rounds / 4);
        start = end;
    }
    println!("v1a-verify: measured in {:.1?}", t.elapsed());
    assert!(
        unix_now() < ts + 300,
        "the v1a phase outlived the 5-minute tolerance"
    );
    rows.extend(summarize(cases));
    rows
}

// ---------------------------------------------------------------------------------------------
// es256-verify / rs256-verify

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Alg {
    Es256,
    Rs256,
}

impl Alg {
    fn name(self) -> &'static str {
        match self {
            Self::Es256 => "ES256",
            Self::Rs256 => "RS256",
        }
    }
    fn work(self) -> &'static str {
        match self {
            Self::Es256 => "es256-verify",
            Self::Rs256 => "rs256-verify",
        }
    }
    fn kid(self) -> &'static str {
        match self {
            Self::Es256 => ES_KID,
            Self::Rs256 => RS_KID,
        }
    }
}

/// Keys generated at startup, and the JWKS holding their public halves.
struct JwtKeys {
    es_signing: p256::ecdsa::SigningKey,
    /// Uncompressed SEC1 point (65 bytes).
    es_public: Vec<u8>,
    rs_signing: rsa::pkcs1v15::SigningKey<Sha256>,
    rs_public: rsa::RsaPublicKey,
    /// DER `RSAPublicKey` (PKCS #1), what `ring` takes.
    rs_public_der: Vec<u8>,
    jwks: String,
}

impl JwtKeys {
    fn generate() -> Self {
        use rsa::traits::PublicKeyParts as _;
        let mut rng = rand::rng();
        let es_signing =
            <p256::ecdsa::SigningKey as p256::elliptic_curve::Generate>::generate_from_rng(
                &mut rng,
            );
        let es_public = es_signing
            .verifying_key()
            .to_sec1_point(false)
            .as_bytes()
            .to_vec();
        let rs_private = rsa::RsaPrivateKey::new(&mut rng, 2048).expect("RSA key generation");
        let rs_public = rs_private.to_public_key();
        let (n, e) = (rs_public.n_bytes(), rs_public.e_bytes());
        let rs_public_der = der_sequence(&[der_integer(&n), der_integer(&e)]);
        let jwks = format!(
            r#"{{"keys":[{{"kty":"EC","crv":"P-256","alg":"ES256","use":"sig","kid":"{ES_KID}","x":"{}","y":"{}"}},{{"kty":"RSA","alg":"RS256","use":"sig","kid":"{RS_KID}","n":"{}","e":"{}"}}]}}"#,
            B64URL.encode(&es_public[1..33]),
            B64URL.encode(&es_public[33..65]),
            B64URL.encode(&n),
            B64URL.encode(&e),
        );
        Self {
            es_signing,
            es_public,
            rs_signing: rsa::pkcs1v15::SigningKey::<Sha256>::new(rs_private),
            rs_public,
            rs_public_der,
            jwks,
        }
    }

    fn sign(&self, alg: Alg, message: &[u8]) -> Vec<u8> {
        match alg {
            Alg::Es256 => {
                use p256::ecdsa::signature::Signer as _;
                let sig: p256::ecdsa::Signature = self.es_signing.sign(message);
                sig.to_bytes().to_vec()
            }
            Alg::Rs256 => {
                use rsa::signature::RandomizedSigner as _;
                let sig = self.rs_signing.sign_with_rng(&mut rand::rng(), message);
                Box::<[u8]>::from(sig).into_vec()
            }
        }
    }

    /// A compact JWT over `claims`, signed with `alg`'s key.
    fn token(&self, alg: Alg, claims: &str) -> String {
        let header = format!(
            r#"{{"alg":"{}","typ":"JWT","kid":"{}"}}"#,
            alg.name(),
            alg.kid()
        );
        let input = format!("{}.{}", B64URL.encode(header), B64URL.encode(claims));
        let sig = self.sign(alg, input.as_bytes());
        format!("{input}.{}", B64URL.encode(sig))
    }
}

fn der_len(len: usize) -> Vec<u8> {
    match len {
        0..=0x7f => vec![len as u8],
        0x80..=0xff => vec![0x81, len as u8],
        _ => vec![0x82, (len >> 8) as u8, len as u8],
    }
}

fn der_integer(be: &[u8]) -> Vec<u8> {
    let mut v = be
        .iter()
        .copied()
        .skip_while(|b| *b == 0)
        .collect::<Vec<u8>>();
    if v.first().is_none_or(|b| b & 0x80 != 0) {
        v.insert(0, 0);
    }
    let mut out = vec![0x02];
    out.extend(der_len(v.len()));
    out.extend(v);
    out
}

fn der_sequence(items: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = items.concat();
    let mut out = vec![0x30];
    out.extend(der_len(body.len()));
    out.extend(body);
    out
}

/// The claims of the benchmark token: about 250 bytes.
fn claims(iat: u64, audience: &str, sub: &str) -> String {
    format!(
        r#"{{"iss":"{ISSUER}","aud":"{audience}","sub":"{sub}","iat":{iat},"nbf":{iat},"exp":{},"jti":"evt_2ZGyB5wbj0qhpW2Hp4p3xZ6Jd0r","event":"batch.completed"}}"#,
        iat + 3600
    )
}

/// A token split for every row: the JWT rows take `token`, the bare primitive rows the
/// signing input and the signature, decoded (and typed) once outside the timed loop.
struct Token {
    token: Vec<u8>,
    signing_input: Vec<u8>,
    signature: Vec<u8>,
    p256_signature: Option<p256::ecdsa::Signature>,
    rsa_signature: Option<rsa::pkcs1v15::Signature>,
}

impl Token {
    fn new(token: String) -> Self {
        let (signing_input, sig_b64) = token.rsplit_once('.').expect("three segments");
        let signature = B64URL.decode(sig_b64).expect("base64url signature");
        Self {
            signing_input: signing_input.as_bytes().to_vec(),
            p256_signature: p256::ecdsa::Signature::from_slice(&signature).ok(),
            rsa_signature: rsa::pkcs1v15::Signature::try_from(signature.as_slice()).ok(),
            signature,
            token: token.into_bytes(),
        }
    }
}

/// `jsonwebtoken`'s claims type: what a receiver would deserialize into.
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Claims {
    iss: String,
    aud: String,
    sub: String,
    iat: u64,
    nbf: u64,
    exp: u64,
    jti: String,
    event: String,
}

fn jwt_phase(plan: &Plan, keys: &JwtKeys, alg: Alg) -> Vec<Row> {
    let iat = unix_now();
    let now = UnixTime::from_secs(iat);
    let genuine = Token::new(keys.token(
        alg,
        &claims(iat, AUDIENCE, "projects/123456789012/webhooks/wh-7f3c2a"),
    ));
    let size = genuine.token.len();
    let claims_len = claims(iat, AUDIENCE, "projects/123456789012/webhooks/wh-7f3c2a").len();

    // Tampered: a flipped signature bit; another payload under the genuine signature.
    let bad_signature = {
        let mut sig = genuine.signature.clone();
        sig[10] ^= 0x01;
        let input = std::str::from_utf8(&genuine.signing_input).expect("ascii");
        Token::new(format!("{input}.{}", B64URL.encode(sig)))
    };
    let bad_payload = {
        let other = claims(iat, AUDIENCE, "projects/123456789012/webhooks/wh-0000000");
        let genuine_str = std::str::from_utf8(&genuine.token).expect("ascii");
        let mut parts = genuine_str.split('.');
        let (h, _, s) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        Token::new(format!("{h}.{}.{s}", B64URL.encode(other)))
    };
    // Correctly signed but outside the policy: only the JWT rows must refuse these.
    let wrong_audience =
        Token::new(keys.token(alg, &claims(iat, "https://other.example.com", "x")));
    let expired = Token::new(keys.token(alg, &claims(iat - 7200, AUDIENCE, "x")));

    let keyset = KeySet::<8>::from_json(keys.jwks.as_bytes()).expect("hookverify KeySet");
    assert!(
        keyset.refused().is_empty(),
        "keys refused: {:?}",
        keyset.refused()
    );
    let audiences = [AUDIENCE];
    let jwt = JwtVerifier::new(&keyset)
        .with_issuer(ISSUER)
        .with_audiences(&audiences);

    let jwk_set: jsonwebtoken::jwk::JwkSet = serde_json::from_str(&keys.jwks).expect("JwkSet");
    let decoding_key = jsonwebtoken::DecodingKey::from_jwk(jwk_set.find(alg.kid()).expect("kid"))
        .expect("DecodingKey");
    let mut validation = jsonwebtoken::Validation::new(match alg {
        Alg::Es256 => jsonwebtoken::Algorithm::ES256,
        Alg::Rs256 => jsonwebtoken::Algorithm::RS256,
    });
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[AUDIENCE]);
    validation.validate_nbf = true; // hookverify checks nbf too; leeway 60 s in both
    jwt_backends::check(&decoding_key, alg, &genuine, &bad_signature);

    let p256_key = p256::ecdsa::VerifyingKey::from_sec1_bytes(&keys.es_public).expect("p256 key");
    let rsa_key = rsa::pkcs1v15::VerifyingKey::<Sha256>::new(keys.rs_public.clone());
    let ring_alg: &'static dyn ring::signature::VerificationAlgorithm = match alg {
        Alg::Es256 => &ring::signature::ECDSA_P256_SHA256_FIXED,
        Alg::Rs256 => &ring::signature::RSA_PKCS1_2048_8192_SHA256,
    };
    let ring_key = ring::signature::UnparsedPublicKey::new(
        ring_alg,
        match alg {
            Alg::Es256 => keys.es_public.as_slice(),
            Alg::Rs256 => keys.rs_public_der.as_slice(),
        },
    );

    let mut cases: Vec<Case<'_>> = Vec::new();
    let mut add = |imp: &str, full_jwt: bool, f: &dyn Fn(&Token) -> bool, b| {
        assert!(
            f(&genuine),
            "{imp} refuses the genuine {} token",
            alg.name()
        );
        assert!(!f(&bad_signature), "{imp} accepts a tampered signature");
        assert!(!f(&bad_payload), "{imp} accepts a tampered payload");
        if full_jwt {
            assert!(
                !f(&wrong_audience),
                "{imp} accepts a token for another audience"
            );
            assert!(!f(&expired), "{imp} accepts an expired token");
        }
        cases.push(Case {
            work: alg.work(),
            size,
            imp: imp.to_owned(),
            batch: b,
            iters: 1,
            samples: Vec::new(),
        });
    };

    let hv = |t: &Token| {
        let mut buf = [0u8; 1024];
        jwt.verify(&t.token, b"", now, &mut buf).is_ok()
    };
    add("hookverify", true, &hv, batch(&genuine, hv));

    for (imp, backend) in [
        ("jsonwebtoken-rust_crypto", jwt_backends::RUST_CRYPTO),
        ("jsonwebtoken-aws_lc_rs", jwt_backends::AWS_LC_RS),
    ] {
        let (key, validation) = (&decoding_key, &validation);
        let jw = move |t: &Token| {
            jwt_backends::select(backend);
            jsonwebtoken::decode::<Claims>(&t.token, key, validation)
                .map(black_box)
                .is_ok()
        };
        add(imp, true, &jw, batch(&genuine, jw));
    }

    let rg = |t: &Token| ring_key.verify(&t.signing_input, &t.signature).is_ok();
    add("ring", false, &rg, batch(&genuine, rg));

    match alg {
        Alg::Es256 => {
            use p256::ecdsa::signature::Verifier as _;
            let p = |t: &Token| {
                t.p256_signature
                    .as_ref()
                    .is_some_and(|s| p256_key.verify(&t.signing_input, s).is_ok())
            };
            add("p256", false, &p, batch(&genuine, p));
        }
        Alg::Rs256 => {
            use rsa::signature::Verifier as _;
            let r = |t: &Token| {
                t.rsa_signature
                    .as_ref()
                    .is_some_and(|s| rsa_key.verify(&t.signing_input, s).is_ok())
            };
            add("rsa", false, &r, batch(&genuine, r));
        }
    }

    println!(
        "{}: token of {size} bytes ({claims_len} bytes of claims), {} cases checked, {} rounds...",
        alg.work(),
        cases.len(),
        plan.jwt_rounds
    );
    let t = Instant::now();
    run_rounds(&mut cases, plan, plan.jwt_rounds);
    println!("{}: measured in {:.1?}", alg.work(), t.elapsed());
    summarize(cases)
}

/// jsonwebtoken 11 picks its crypto backend through one process-wide `CryptoProvider`, and
/// one build of a crate version is all Cargo links (renamed dependencies on the same version
/// unify, features and all). So the crate is built once with both backends, and the installed
/// provider forwards to the backend selected by an atomic: one relaxed store and load, and
/// one indirect call, per `decode`.
mod jwt_backends {
    use std::sync::atomic::{AtomicU8, Ordering};

    use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, aws_lc, rust_crypto};
    use jsonwebtoken::errors::Result;
    use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};

    pub(crate) const RUST_CRYPTO: u8 = 0;
    pub(crate) const AWS_LC_RS: u8 = 1;
    static BACKEND: AtomicU8 = AtomicU8::new(RUST_CRYPTO);

    fn provider() -> &'static CryptoProvider {
        match BACKEND.load(Ordering::Relaxed) {
            AWS_LC_RS => &aws_lc::DEFAULT_PROVIDER,
            _ => &rust_crypto::DEFAULT_PROVIDER,
        }
    }

    fn verifier(alg: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>> {
        (provider().verifier_factory)(alg, key)
    }

    fn signer(alg: &Algorithm, key: &EncodingKey) -> Result<Box<dyn JwtSigner>> {
        (provider().signer_factory)(alg, key)
    }

    pub(crate) fn install() {
        let dispatching = Box::leak(Box::new(CryptoProvider {
            signer_factory: signer,
            verifier_factory: verifier,
            key_utils: rust_crypto::DEFAULT_PROVIDER.key_utils.clone(),
        }));
        dispatching
            .install_default()
            .expect("no CryptoProvider installed before");
    }

    #[inline(always)]
    pub(crate) fn select(backend: u8) {
        BACKEND.store(backend, Ordering::Relaxed);
    }

    /// Each backend's own verifier, reached directly, accepts the genuine signature and
    /// refuses a tampered one: both backends are really there and really verify.
    pub(crate) fn check(
        key: &DecodingKey,
        alg: super::Alg,
        good: &super::Token,
        bad: &super::Token,
    ) {
        let alg = match alg {
            super::Alg::Es256 => Algorithm::ES256,
            super::Alg::Rs256 => Algorithm::RS256,
        };
        for p in [&rust_crypto::DEFAULT_PROVIDER, &aws_lc::DEFAULT_PROVIDER] {
            let v = (p.verifier_factory)(&alg, key).expect("backend verifier");
            assert!(
                v.verify(&good.signing_input, &good.signature).is_ok(),
                "backend refuses"
            );
            assert!(
                v.verify(&bad.signing_input, &bad.signature).is_err(),
                "backend accepts"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Concurrency: one shared Verifier / KeySet, 1 thread vs 2 threads

/// Runs `f` `ops` times on each of `threads` scoped threads started together; returns the
/// aggregate nanoseconds per operation (wall time from the first start to the last end,
/// divided by all operations).
fn run_threads<F: Fn() -> bool + Sync>(threads: usize, ops: u64, f: &F) -> f64 {
    let barrier = Barrier::new(threads);
    let spans: Vec<(Instant, Instant)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    let start = Instant::now();
                    let mut ok = 0u64;
                    for _ in 0..ops {
                        ok += u64::from(black_box(f()));
                    }
                    let end = Instant::now();
                    assert_eq!(ok, ops, "an operation failed in the concurrency run");
                    (start, end)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    let start = spans.iter().map(|s| s.0).min().expect("spans");
    let end = spans.iter().map(|s| s.1).max().expect("spans");
    (end - start).as_nanos() as f64 / (threads as u64 * ops) as f64
}

fn measure_threads<F: Fn() -> bool + Sync>(
    plan: &Plan,
    work: &'static str,
    size: usize,
    f: &F,
) -> Vec<Row> {
    // Calibrate on one thread.
    let mut ops = 16u64;
    let per_op = loop {
        let ns = run_threads(1, ops, f);
        if ns * ops as f64 >= plan.thread_sample.as_nanos() as f64 / 4.0 {
            break ns;
        }
        ops *= 4;
    };
    let ops = ((plan.thread_sample.as_nanos() as f64 / per_op) as u64).max(1);
    let (mut one, mut two) = (Vec::new(), Vec::new());
    for round in 0..plan.thread_rounds {
        // Alternate which configuration goes first.
        if round % 2 == 0 {
            one.push(run_threads(1, ops, f));
            two.push(run_threads(2, ops, f));
        } else {
            two.push(run_threads(2, ops, f));
            one.push(run_threads(1, ops, f));
        }
    }
    [("hookverify-1thread", one), ("hookverify-2threads", two)]
        .into_iter()
        .map(|(imp, samples)| {
            let n = samples.len();
            let (median, iqr) = stats(samples);
            Row {
                work,
                size,
                imp: imp.to_owned(),
                median_ns: median,
                iqr_pct: iqr,
                samples: n,
            }
        })
        .collect()
}

fn threads_phase(plan: &Plan, keys: Option<&JwtKeys>, wants: &dyn Fn(&str) -> bool) -> Vec<Row> {
    let mut rows = Vec::new();
    if wants("hmac-verify-threads") {
        let ts = unix_now();
        let now = UnixTime::from_secs(ts);
        let d = Delivery::signed(ts, make_body(1024));
        let verifier = Verifier::new(&format!("whsec_{}", B64.encode(SECRET))).expect("secret");
        let shared = &verifier;
        let f = || {
            let map = black_box(&d.map);
            match WebhookHeaders::from_lookup(|n| map.get(n).map(|v| v.as_bytes())) {
                Ok(h) => shared.verify(&h, black_box(&d.body), now).is_ok(),
                Err(_) => false,
            }
        };
        assert!(f());
        println!(
            "hmac-verify-threads: 1 vs 2 threads sharing one Verifier, {} rounds...",
            plan.thread_rounds
        );
        rows.extend(measure_threads(plan, "hmac-verify-threads", 1024, &f));
    }
    if let Some(keys) = keys.filter(|_| wants("es256-verify-threads")) {
        let iat = unix_now();
        let now = UnixTime::from_secs(iat);
        let token = keys.token(
            Alg::Es256,
            &claims(iat, AUDIENCE, "projects/123456789012/webhooks/wh-7f3c2a"),
        );
        let keyset = KeySet::<8>::from_json(keys.jwks.as_bytes()).expect("KeySet");
        let audiences = [AUDIENCE];
        let jwt = JwtVerifier::new(&keyset)
            .with_issuer(ISSUER)
            .with_audiences(&audiences);
        let shared = &jwt;
        let f = || {
            let mut buf = [0u8; 1024];
            shared
                .verify(black_box(token.as_bytes()), b"", now, &mut buf)
                .is_ok()
        };
        assert!(f());
        println!(
            "es256-verify-threads: 1 vs 2 threads sharing one KeySet, {} rounds...",
            plan.thread_rounds
        );
        rows.extend(measure_threads(
            plan,
            "es256-verify-threads",
            token.len(),
            &f,
        ));
    }
    rows
}

// ---------------------------------------------------------------------------------------------
// Output

fn print_table(rows: &[Row]) {
    let mut out = String::new();
    let mut i = 0;
    while i < rows.len() {
        let (work, size) = (rows[i].work, rows[i].size);
        let group: Vec<&Row> = rows[i..]
            .iter()
            .take_while(|r| r.work == work && r.size == size)
            .collect();
        i += group.len();
        let base = group[0];
        let threads = work.ends_with("-threads");
        let unit = if work.starts_with("hmac") || work.starts_with("v1a") {
            "body"
        } else {
            "token"
        };
        let _ = writeln!(out, "{work}  ({unit} {size} bytes)");
        let _ = writeln!(
            out,
            "  {:<26} {:>14} {:>10} {:>9} {:>8} {:>8}",
            "impl",
            "median ns/op",
            if threads { "ops/s" } else { "GB/s" },
            format!("vs {}", if threads { "1thr" } else { "hv" }),
            "IQR %",
            "samples"
        );
        for r in &group {
            let rate = if threads {
                format!("{:.0}", 1e9 / r.median_ns)
            } else if (work == "hmac-verify" || work == "v1a-verify") && size > 0 {
                format!("{:.3}", size as f64 / r.median_ns)
            } else {
                "-".to_owned()
            };
            let _ = writeln!(
                out,
                "  {:<26} {:>14.1} {:>10} {:>8.2}x {:>8.1} {:>8}",
                r.imp,
                r.median_ns,
                rate,
                r.median_ns / base.median_ns,
                r.iqr_pct,
                r.samples
            );
        }
        if threads && group.len() == 2 {
            let _ = writeln!(
                out,
                "  throughput 2 threads / 1 thread: {:.2}x (ideal on 2 idle cores: 2.00x)",
                group[0].median_ns / group[1].median_ns
            );
        }
        out.push('\n');
    }
    out.push_str(
        "vs hv = median / hookverify's median (above 1.00x: slower than hookverify); \
         vs 1thr = ns/op relative to 1 thread.\nGB/s = body bytes / ns (10^9 bytes/s). \
         IQR % = interquartile range of the samples, in % of the median.\n",
    );
    print!("{out}");
}

fn cpu_model() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = info
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .and_then(|r| r.split_once(':'))
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{model}, {cores} threads available")
}

/// The hookverify checkout this binary was built from, as `git describe --dirty` says now.
fn hookverify_state() -> String {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    std::process::Command::new("git")
        .args(["-C", root, "describe", "--always", "--dirty", "--abbrev=12"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown (no git)".to_owned())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_owned())
}
