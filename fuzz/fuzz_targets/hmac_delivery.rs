//! Structured deliveries (secrets, id, timestamp, signature header, body, clock, tolerance)
//! checked against an independent reference: HMAC-SHA256 of `id.timestamp.body` with the
//! `hmac` crate, `v1` entries decoded with `base64ct`, and the header rules and check order
//! stated in the README. hookverify must accept exactly when the reference does, report the
//! lowest matching secret, and fail with the error class of the first failing check.
//! (This is also the `hmac_differential` target.)
#![no_main]

use arbitrary::Arbitrary;
use base64ct::Encoding as _;
use hookverify::{Error, SecretKey, UnixTime, Verifier, WebhookHeaders};
use hookverify_fuzz::{
    b64, fresh, hmac_tag, id_ok, reference_match, signature_header_ok, timestamp_value,
};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Delivery {
    secrets: Vec<Vec<u8>>,
    /// Also parse the first secret from its `whsec_` text form (padded or not).
    whsec_padded: Option<bool>,
    id: Vec<u8>,
    timestamp: Timestamp,
    entries: Vec<Entry>,
    body: Vec<u8>,
    now: u64,
    tolerance: u16,
    wide_tolerance: Option<u64>,
}

#[derive(Arbitrary, Debug)]
enum Timestamp {
    Raw(Vec<u8>),
    /// `now` plus this offset, printed in decimal (reaches fresh timestamps).
    NearNow(i16),
}

#[derive(Arbitrary, Debug)]
enum Entry {
    Raw(Vec<u8>),
    /// The true tag under secret `secret % len` with an optional version prefix change,
    /// a byte of the tag flipped, or the encoding truncated.
    Tag {
        secret: u8,
        version: Version,
        flip: Option<(u8, u8)>,
        cut: Option<u8>,
    },
}

#[derive(Arbitrary, Debug)]
enum Version {
    V1,
    V1a,
    Upper,
    Other(Vec<u8>),
}

fuzz_target!(|d: Delivery| {
    let secrets: Vec<&[u8]> = d.secrets.iter().map(Vec::as_slice).take(4).collect();
    let keys: Result<Vec<SecretKey>, Error> =
        secrets.iter().map(|s| SecretKey::from_bytes(s)).collect();
    let secrets_ok = !secrets.is_empty() && secrets.iter().all(|s| (16..=512).contains(&s.len()));
    let verifier = keys.and_then(Verifier::<4>::from_keys);
    assert_eq!(
        verifier.is_ok(),
        secrets_ok,
        "secret lengths {:?}",
        secrets.iter().map(|s| s.len()).collect::<Vec<_>>()
    );
    let Ok(verifier) = verifier else { return };

    let timestamp = match &d.timestamp {
        Timestamp::Raw(raw) => raw.clone(),
        Timestamp::NearNow(off) => d
            .now
            .saturating_add_signed(i64::from(*off))
            .to_string()
            .into_bytes(),
    };
    let tags: Vec<[u8; 32]> = secrets
        .iter()
        .map(|k| hmac_tag(k, &d.id, &timestamp, &d.body))
        .collect();
    let mut signature = Vec::new();
    for (i, entry) in d.entries.iter().take(20).enumerate() {
        if i > 0 {
            signature.push(b' ');
        }
        match entry {
            Entry::Raw(raw) => signature.extend_from_slice(raw),
            Entry::Tag {
                secret,
                version,
                flip,
                cut,
            } => {
                let mut tag = tags[usize::from(*secret) % tags.len()];
                if let Some((at, xor)) = flip {
                    tag[usize::from(*at) % 32] ^= xor;
                }
                signature.extend_from_slice(match version {
                    Version::V1 => b"v1",
                    Version::V1a => b"v1a",
                    Version::Upper => b"V1",
                    Version::Other(v) => v,
                });
                signature.push(b',');
                let encoded = b64(&tag);
                let keep = cut.map_or(encoded.len(), |c| usize::from(c) % encoded.len());
                signature.extend_from_slice(&encoded.as_bytes()[..keep]);
            }
        }
    }

    let tolerance = d.wide_tolerance.unwrap_or(u64::from(d.tolerance));
    let verifier = verifier.with_tolerance(tolerance);
    let headers = WebhookHeaders::from_bytes(&d.id, &timestamp, &signature);
    let now = UnixTime::from_secs(d.now);
    let verdict = verifier.verify(&headers, &d.body, now);

    // The reference, check by check in the documented order.
    let ts = timestamp_value(&timestamp);
    let expected_class =
        if !id_ok(&d.id) || ts.is_none() || !signature_header_ok(&signature, 4096, 16) {
            "invalid-header"
        } else if !fresh(ts.unwrap_or(0), d.now, tolerance) {
            if ts < Some(d.now) {
                "too-old"
            } else {
                "too-new"
            }
        } else if reference_match(&signature, &tags).is_none() {
            "no-matching-signature"
        } else {
            "ok"
        };
    let got = match &verdict {
        Ok(_) => "ok",
        Err(e) => e.code(),
    };
    assert_eq!(
        got,
        expected_class,
        "verdict {verdict:?}\nsignature {:?}",
        String::from_utf8_lossy(&signature)
    );
    if let Ok(v) = verdict {
        assert_eq!(
            Some(v.secret_index()),
            reference_match(&signature, &tags),
            "secret_index is not the first secret the delivery matched under"
        );
        assert_eq!(v.id().as_bytes(), d.id.as_slice());
        assert_eq!(Some(v.timestamp().as_secs()), ts);
    }

    // Without the clock: the same verdict minus freshness.
    let ignoring = verifier
        .verify_ignoring_timestamp(&headers, &d.body)
        .is_ok();
    let expected_ignoring =
        !matches!(expected_class, "invalid-header") && reference_match(&signature, &tags).is_some();
    assert_eq!(ignoring, expected_ignoring);

    // The first secret in `whsec_` text form is the same key.
    if let Some(padded) = d.whsec_padded {
        let text = if padded {
            b64(secrets[0])
        } else {
            base64ct::Base64Unpadded::encode_string(secrets[0])
        };
        let one = Verifier::<1>::from_secrets(&[&format!("whsec_{text}")]).expect("whsec form");
        let alone = reference_match(&signature, &tags[..1]).is_some();
        assert_eq!(
            one.verify_ignoring_timestamp(&headers, &d.body).is_ok(),
            expected_class != "invalid-header" && alone
        );
    }
});
