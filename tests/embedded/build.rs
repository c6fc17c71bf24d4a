//! Embeds the test cases into the firmware, from the repository's test data (the device has no
//! files): a subset of the Standard Webhooks conformance cases (`../shared/vectors`, or
//! `$HOOKVERIFY_VECTORS`), Python-signed `v1` and `v1a` interop deliveries with mutations
//! (`tests/data/`), the RFC 8032 section 7.1 vectors (`../shared/vectors/ed25519/`) and
//! Project Wycheproof ES256 (P1363) cases (`../shared/vectors/wycheproof/`). Each case carries its
//! expected verdict: `ok`, or the error code.
//!
//! `HOOKVERIFY_EMBEDDED_BREAK=1` flips one expectation, to show that a wrong verdict fails the
//! run.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// How many cases of each source go into the firmware.
const V1_INTEROP: usize = 24;
const V1A_INTEROP: usize = 24;
const ES256_CASES: usize = 80;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = manifest.join("../..");
    let vectors = std::env::var_os("HOOKVERIFY_VECTORS")
        .map_or_else(|| root.join("../shared/vectors"), PathBuf::from);
    for path in [
        "tests/data/interop_standard_webhooks.json",
        "tests/data/interop_v1a.json",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(path).display());
    }
    println!("cargo:rerun-if-env-changed=HOOKVERIFY_VECTORS");
    println!("cargo:rerun-if-env-changed=HOOKVERIFY_EMBEDDED_BREAK");
    println!("cargo:rerun-if-changed=memory.x");

    // cortex-m-rt's link.x includes memory.x from the linker search path.
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    std::fs::copy(manifest.join("memory.x"), out.join("memory.x")).unwrap();
    println!("cargo:rustc-link-search={}", out.display());

    let mut code = String::new();
    hmac_cases(&mut code, &root, &vectors);
    v1a_cases(&mut code, &root, &vectors);
    rfc8032_cases(&mut code, &vectors);
    es256_cases(&mut code, &vectors);
    if std::env::var("HOOKVERIFY_EMBEDDED_BREAK").is_ok_and(|v| v == "1") {
        // The first HMAC case expects a verdict it will not get.
        code = code.replacen("expect: \"ok\"", "expect: \"too-old\"", 1);
    }
    std::fs::write(out.join("cases.rs"), code).unwrap();
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the firmware embeds its cases at build time; set HOOKVERIFY_VECTORS for \
             the shared vectors)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// One `HmacCase` literal.
#[allow(clippy::too_many_arguments)]
fn hmac_case(
    code: &mut String,
    name: &str,
    secret: &str,
    public_key: Option<&str>,
    id: &str,
    ts: &str,
    sig: &str,
    body: &[u8],
    now: u64,
    tolerance: u64,
    expect: &str,
) {
    writeln!(
        code,
        "    StandardCase {{ name: {name:?}, secret: {secret:?}, public_key: {public_key:?}, \
         id: {id:?}, ts: {ts:?}, sig: {sig:?}, body: &{body:?}, now: {now}, tolerance: \
         {tolerance}, expect: {expect:?} }},"
    )
    .unwrap();
}

/// The conformance cases (all but those without a secret) and Python-signed deliveries, each
/// also with its body changed.
fn hmac_cases(code: &mut String, root: &Path, vectors: &Path) {
    code.push_str("pub static STANDARD: &[StandardCase] = &[\n");
    let conformance = read(&vectors.join("standard-webhooks.json"));
    for case in conformance["cases"].as_array().unwrap() {
        let body = match (case.get("payload"), case.get("payload_hex")) {
            (Some(text), None) => s(text).as_bytes().to_vec(),
            (None, Some(h)) => hex(s(h)),
            _ => panic!("payload"),
        };
        let expect = match s(&case["expect"]) {
            "valid" => "ok",
            "invalid" => "no-matching-signature",
            "too_old" => "too-old",
            "too_new" => "too-new",
            "invalid_header" => "invalid-header",
            "invalid_secret" => "invalid-secret",
            "missing_header" => "missing-header",
            other => panic!("{other}"),
        };
        hmac_case(
            code,
            s(&case["name"]),
            case.get("secret").map_or("", s),
            case.get("public_key").map(s),
            s(&case["id"]),
            s(&case["timestamp"]),
            s(&case["signature"]),
            &body,
            case["now"].as_u64().unwrap(),
            case.get("tolerance").and_then(Value::as_u64).unwrap_or(300),
            expect,
        );
    }
    let interop = read(&root.join("tests/data/interop_standard_webhooks.json"));
    for (i, d) in interop["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .take(V1_INTEROP)
        .enumerate()
    {
        let now = s(&d["timestamp"]).parse().unwrap();
        let body = s(&d["body"]).as_bytes();
        for (suffix, body, expect) in [
            ("", body.to_vec(), "ok"),
            (" body+1", [body, b" "].concat(), "no-matching-signature"),
        ] {
            hmac_case(
                code,
                &format!("interop v1 #{i} ({}){suffix}", s(&d["signer"])),
                s(&d["secret"]),
                None,
                s(&d["id"]),
                s(&d["timestamp"]),
                s(&d["signature"]),
                &body,
                now,
                300,
                expect,
            );
        }
    }
    code.push_str("];\n\n");
}

/// Python-signed v1a deliveries with text bodies under their three-key JWKS, and their
/// mutations.
fn v1a_cases(code: &mut String, root: &Path, vectors: &Path) {
    let file = read(&root.join("tests/data/interop_v1a.json"));
    code.push_str("pub static V1A: &[V1aCase] = &[\n");
    let mut taken = 0;
    for d in file["deliveries"].as_array().unwrap() {
        let Some(body) = d["body"].get("text").map(s) else {
            continue;
        };
        if taken == V1A_INTEROP {
            break;
        }
        taken += 1;
        let jwks = file["key_sets"][s(&d["key_set"])]["jwks"].to_string();
        let secret = d["secret"].as_str().unwrap_or("");
        let now: u64 = s(&d["timestamp"]).parse().unwrap();
        let mut add = |suffix: &str, id: &str, ts: &str, sig: &str, body: &[u8], expect: &str| {
            writeln!(
                code,
                "    V1aCase {{ name: {:?}, jwks: {jwks:?}, secret: {secret:?}, id: {id:?}, \
                 ts: {ts:?}, sig: {sig:?}, body: &{body:?}, now: {now}, expect: {expect:?} }},",
                format!("interop v1a {}{suffix}", s(&d["name"]))
            )
            .unwrap();
        };
        add(
            "",
            s(&d["id"]),
            s(&d["timestamp"]),
            s(&d["signature"]),
            body.as_bytes(),
            "ok",
        );
        for m in d["mutations"].as_array().unwrap() {
            let what = s(&m["what"]);
            let Some(mutated) = (match m.get("body") {
                None => Some(body.as_bytes().to_vec()),
                Some(b) => b
                    .get("text")
                    .map(|t| s(t).as_bytes().to_vec())
                    .or_else(|| b.get("hex").map(|h| hex(s(h)))),
            }) else {
                continue;
            };
            add(
                &format!(" ({what})"),
                m.get("id").map_or(s(&d["id"]), s),
                m.get("timestamp").map_or(s(&d["timestamp"]), s),
                m.get("signature").map_or(s(&d["signature"]), s),
                &mutated,
                s(&m["expect"]),
            );
        }
    }
    code.push_str("];\n\n");
    let _ = vectors;
}

/// RFC 8032 section 7.1: each vector, and its signature with one bit flipped.
fn rfc8032_cases(code: &mut String, vectors: &Path) {
    let file = read(&vectors.join("ed25519/rfc8032_ed25519.json"));
    code.push_str("pub static ED25519: &[SignatureCase] = &[\n");
    for case in file["cases"].as_array().unwrap() {
        let (key, msg, sig) = (
            hex(s(&case["public_key"])),
            hex(s(&case["message"])),
            hex(s(&case["signature"])),
        );
        let mut flipped = sig.clone();
        flipped[40] ^= 0x10;
        for (suffix, sig, valid) in [("", &sig, true), (" (bit flipped)", &flipped, false)] {
            writeln!(
                code,
                "    SignatureCase {{ name: {:?}, key: &{key:?}, y: &[], msg: &{msg:?}, sig: \
                 &{sig:?}, valid: {valid} }},",
                format!("RFC 8032 {}{suffix}", s(&case["name"]))
            )
            .unwrap();
        }
    }
    code.push_str("];\n\n");
}

/// Wycheproof ECDSA P-256 SHA-256 P1363 (`wycheproof/ecdsa_secp256r1_sha256_p1363_test.json`
/// of the shared vectors): the first cases, under their groups' keys.
fn es256_cases(code: &mut String, vectors: &Path) {
    let suite = read(&vectors.join("wycheproof/ecdsa_secp256r1_sha256_p1363_test.json"));
    code.push_str("pub static ES256: &[SignatureCase] = &[\n");
    let mut taken = 0;
    let groups = suite["testGroups"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    'groups: for group in groups {
        // Coordinates as 32 bytes (the suite writes them as signed big integers in hex).
        let fixed = |v: &Value| {
            let v = hex(s(v));
            let v = &v[v.len().saturating_sub(32)..];
            let mut out = vec![0u8; 32 - v.len()];
            out.extend_from_slice(v);
            out
        };
        let key = &group["publicKey"];
        let (x, y) = (fixed(&key["wx"]), fixed(&key["wy"]));
        for test in group["tests"].as_array().map_or(&[][..], Vec::as_slice) {
            if taken == ES256_CASES {
                break 'groups;
            }
            taken += 1;
            let valid = match s(&test["result"]) {
                "valid" => true,
                "invalid" => false,
                other => panic!("Wycheproof ES256 tc {}: result {other}", test["tcId"]),
            };
            writeln!(
                code,
                "    SignatureCase {{ name: \"Wycheproof ES256 tc {}\", key: &{x:?}, y: &{y:?}, \
                 msg: &{:?}, sig: &{:?}, valid: {valid} }},",
                test["tcId"],
                hex(s(&test["msg"])),
                hex(s(&test["sig"]))
            )
            .unwrap();
        }
    }
    assert_eq!(
        taken, ES256_CASES,
        "the Wycheproof ES256 suite has fewer cases than embedded"
    );
    code.push_str("];\n");
}
