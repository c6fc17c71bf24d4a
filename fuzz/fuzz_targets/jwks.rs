//! `KeySet::<4>::from_json` on arbitrary bytes, and on fuzzed members wrapped into
//! `{"keys":[{...}]}` (alone, or after the members of a valid EC or RSA key). It must never
//! panic; a set it accepts must keep its own invariants, and be JSON that `serde_json`
//! accepts too (the strict reader refuses everything RFC 8259 refuses).
#![no_main]

use std::sync::LazyLock;

use hookverify::{Algorithm, KeySet, MAX_JWKS_ENTRIES};
use hookverify_fuzz::{EC_TEST_KEY, ec_jwk, interop_rsa};
use libfuzzer_sys::fuzz_target;

/// The members of a valid EC and a valid RSA-2048 key, without the closing brace.
static VALID_MEMBERS: LazyLock<[String; 2]> = LazyLock::new(|| {
    let ec = ec_jwk(EC_TEST_KEY.verifying_key(), "ec");
    let (rsa, _) = interop_rsa("set-rsa2048");
    [ec, rsa].map(|k| k.trim_end_matches('}').to_owned())
});

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let json: Vec<u8> = match mode % 4 {
        // Raw bytes.
        0 => rest.to_vec(),
        // Fuzzed members of one key; 0xff separates keys.
        1 => {
            let keys: Vec<Vec<u8>> = rest
                .split(|&b| b == 0xff)
                .take(MAX_JWKS_ENTRIES + 2)
                .map(|m| [b"{".as_slice(), m, b"}"].concat())
                .collect();
            [br#"{"keys":["#.as_slice(), &keys.join(&b","[..]), b"]}"].concat()
        }
        // Fuzzed members after a valid key's (duplicates, extra members, overrides...).
        m => {
            let valid = &VALID_MEMBERS[usize::from(m - 2)];
            [
                br#"{"keys":["#.as_slice(),
                valid.as_bytes(),
                b",",
                rest,
                b"}]}",
            ]
            .concat()
        }
    };
    check(&json);
});

fn check(json: &[u8]) {
    let Ok(set) = KeySet::<4>::from_json(json) else {
        return;
    };
    assert!(
        std::str::from_utf8(json).is_ok(),
        "accepted JSON that is not UTF-8"
    );
    assert!(
        serde_json::from_slice::<serde::de::IgnoredAny>(json).is_ok(),
        "accepted JSON that serde_json refuses: {:?}",
        String::from_utf8_lossy(json)
    );
    assert!(set.len() <= 4 && set.is_empty() == (set.len() == 0));
    let refused = set.refused();
    assert!(refused.windows(2).all(|w| w[0].index() < w[1].index()));
    assert!(refused.iter().all(|r| r.index() < MAX_JWKS_ENTRIES));
    assert!(set.len() + refused.len() <= MAX_JWKS_ENTRIES);
    let kids: Vec<Option<&str>> = set.kids().collect();
    assert_eq!(kids.len(), set.len());
    for (i, kid) in kids.iter().enumerate() {
        if let Some(kid) = kid {
            assert!(
                !kids[..i].contains(&Some(*kid)),
                "duplicate kid {kid:?} accepted"
            );
        }
    }
    let _ = format!("{set:?}");
    // Every usable key answers (and refuses a junk signature) without panicking.
    for kid in &kids {
        for alg in [Algorithm::Es256, Algorithm::Rs256] {
            assert!(set.verify_signature(*kid, alg, b"m", &[1u8; 64]).is_err());
        }
    }
}
