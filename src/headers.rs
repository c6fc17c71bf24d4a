//! The three signed headers, how they are found, and the syntax rules for each.
//!
//! Standard Webhooks 1.0.0 (`spec/standard-webhooks.md`, "Signature scheme"): the signed
//! content is `webhook-id`, `.`, `webhook-timestamp`, `.`, body. This module enforces the
//! syntax that makes that concatenation unambiguous.

use crate::error::{Error, HeaderFault};

/// The longest webhook id accepted, in bytes.
pub const MAX_ID_LEN: usize = 256;

/// The most digits a timestamp may have: 19 digits always fit a `u64`.
const MAX_TIMESTAMP_DIGITS: usize = 19;

/// Header names of one family, lowercase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Names {
    pub(crate) id: &'static str,
    pub(crate) timestamp: &'static str,
    pub(crate) signature: &'static str,
    /// Where the family's names start in [`ALL_NAMES`].
    at: usize,
}

const WEBHOOK: Names = Names {
    id: "webhook-id",
    timestamp: "webhook-timestamp",
    signature: "webhook-signature",
    at: 0,
};

const SVIX: Names = Names {
    id: "svix-id",
    timestamp: "svix-timestamp",
    signature: "svix-signature",
    at: 3,
};

/// Every signed header name, in the order [`WebhookHeaders::from_indexed_lookup`] numbers
/// them: each family's id, timestamp and signature, the `webhook-*` family first.
#[cfg_attr(not(feature = "http1"), allow(dead_code))]
pub(crate) const ALL_NAMES: [&str; 6] = [
    WEBHOOK.id,
    WEBHOOK.timestamp,
    WEBHOOK.signature,
    SVIX.id,
    SVIX.timestamp,
    SVIX.signature,
];

/// The raw values of the three signed headers of one delivery, borrowed from the request.
///
/// Build it from borrowed strings ([`new`](Self::new)), from any HTTP library's header map
/// through a lookup closure ([`from_lookup`](Self::from_lookup)), or from a slice of
/// name/value pairs ([`from_pairs`](Self::from_pairs)). Nothing is validated here; the
/// verifier checks every value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WebhookHeaders<'a> {
    pub(crate) id: &'a [u8],
    pub(crate) timestamp: &'a [u8],
    pub(crate) signature: &'a [u8],
    pub(crate) names: Names,
}

impl<'a> WebhookHeaders<'a> {
    /// The values of `webhook-id`, `webhook-timestamp` and `webhook-signature`.
    #[must_use]
    pub const fn new(id: &'a str, timestamp: &'a str, signature: &'a str) -> Self {
        Self::from_bytes(id.as_bytes(), timestamp.as_bytes(), signature.as_bytes())
    }

    /// Like [`new`](Self::new), for header values as raw bytes (HTTP header values need not
    /// be UTF-8; non-ASCII values are refused by the verifier).
    #[must_use]
    pub const fn from_bytes(id: &'a [u8], timestamp: &'a [u8], signature: &'a [u8]) -> Self {
        Self {
            id,
            timestamp,
            signature,
            names: WEBHOOK,
        }
    }

    /// Finds the headers through `lookup`, which is given a lowercase header name and returns
    /// **every** value of that header in the request (matching names case-insensitively, as
    /// HTTP requires, RFC 9110 section 5.1): an iterator, a slice's iterator, or an `Option`
    /// when the map holds one value per name.
    ///
    /// The `webhook-*` family is used when any of its three headers is present; only when none
    /// is does this fall back to the `svix-*` family. The two are never mixed.
    ///
    /// A signed header that appears twice is refused: a proxy and this verifier could
    /// otherwise read different values. With `http::HeaderMap` (axum, hyper, reqwest, tower),
    /// pass all values with `get_all`, not only the first with `get`:
    /// `|name| map.get_all(name).iter().map(|v| v.as_bytes())`.
    ///
    /// ```
    /// # use hookverify::WebhookHeaders;
    /// let captured = [("Svix-Id", "msg_1"), ("Svix-Timestamp", "1"), ("Svix-Signature", "v1,x")];
    /// let headers = WebhookHeaders::from_lookup(|name| {
    ///     captured.iter().filter(move |(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_bytes())
    /// })?;
    /// # Ok::<(), hookverify::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::MissingHeader`] naming the first absent header of the selected family, and
    /// [`Error::InvalidHeader`] with [`HeaderFault::Duplicate`] when `lookup` returns more
    /// than one value for a signed header of that family.
    pub fn from_lookup<F, I>(mut lookup: F) -> Result<Self, Error>
    where
        F: FnMut(&'static str) -> I,
        I: IntoIterator<Item = &'a [u8]>,
    {
        Self::from_indexed_lookup(|name, _| lookup(name))
    }

    /// [`from_lookup`](Self::from_lookup), with `lookup` also given the name's position in
    /// [`ALL_NAMES`], so that an integration can look it up by a name it parsed once.
    pub(crate) fn from_indexed_lookup<F, I>(mut lookup: F) -> Result<Self, Error>
    where
        F: FnMut(&'static str, usize) -> I,
        I: IntoIterator<Item = &'a [u8]>,
    {
        let mut find = |name: &'static str, at: usize| {
            let mut values = lookup(name, at).into_iter();
            match (values.next(), values.next()) {
                (Some(_), Some(_)) => Err(Error::InvalidHeader {
                    name,
                    fault: HeaderFault::Duplicate,
                }),
                (first, _) => Ok(first),
            }
        };
        let mut names = WEBHOOK;
        let mut found = [
            find(names.id, names.at)?,
            find(names.timestamp, names.at.saturating_add(1))?,
            find(names.signature, names.at.saturating_add(2))?,
        ];
        if found.iter().all(Option::is_none) {
            names = SVIX;
            found = [
                find(names.id, names.at)?,
                find(names.timestamp, names.at.saturating_add(1))?,
                find(names.signature, names.at.saturating_add(2))?,
            ];
        }
        let [id, timestamp, signature] = found;
        Ok(Self {
            id: id.ok_or(Error::MissingHeader { name: names.id })?,
            timestamp: timestamp.ok_or(Error::MissingHeader {
                name: names.timestamp,
            })?,
            signature: signature.ok_or(Error::MissingHeader {
                name: names.signature,
            })?,
            names,
        })
    }

    /// Finds the headers in a list of `(name, value)` pairs, names compared
    /// case-insensitively, with the rules of [`from_lookup`](Self::from_lookup).
    ///
    /// # Errors
    ///
    /// As [`from_lookup`](Self::from_lookup): [`Error::MissingHeader`], and
    /// [`Error::InvalidHeader`] with [`HeaderFault::Duplicate`] when a signed header appears
    /// more than once.
    pub fn from_pairs<K, V>(pairs: &'a [(K, V)]) -> Result<Self, Error>
    where
        K: AsRef<str>,
        V: AsRef<[u8]>,
    {
        Self::from_lookup(|name| {
            pairs
                .iter()
                .filter(move |(n, _)| n.as_ref().eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_ref())
        })
    }

    /// The raw `webhook-signature` (or `svix-signature`) value.
    #[must_use]
    pub const fn signature(&self) -> &'a [u8] {
        self.signature
    }
}

/// Validates a webhook id: 1 to [`MAX_ID_LEN`] bytes of visible ASCII (`0x21..=0x7e`) and no
/// `.`, so that `id.timestamp.body` splits in exactly one way.
pub(crate) fn parse_id<'a>(raw: &'a [u8], name: &'static str) -> Result<&'a str, Error> {
    let fault = |fault| Error::InvalidHeader { name, fault };
    if raw.is_empty() {
        return Err(fault(HeaderFault::Empty));
    }
    if raw.len() > MAX_ID_LEN {
        return Err(fault(HeaderFault::TooLong { max: MAX_ID_LEN }));
    }
    // One pass without early exit, which the compiler vectorizes; the slow path below only
    // runs to name the fault.
    let clean = raw.iter().fold(true, |ok, &b| {
        ok & (b.wrapping_sub(0x21) < 0x5e) & (b != b'.')
    });
    if !clean {
        return Err(fault(if raw.contains(&b'.') {
            HeaderFault::ContainsDot
        } else {
            HeaderFault::InvalidByte
        }));
    }
    core::str::from_utf8(raw).map_err(|_| fault(HeaderFault::InvalidByte))
}

/// Parses a timestamp: 1 to 19 ASCII digits and nothing else (no sign, space, decimal point
/// or exponent). Leading zeros are allowed; the bytes are signed exactly as received.
pub(crate) fn parse_timestamp(raw: &[u8], name: &'static str) -> Result<u64, Error> {
    let invalid = Error::InvalidHeader {
        name,
        fault: HeaderFault::NotDigits,
    };
    if raw.is_empty() || raw.len() > MAX_TIMESTAMP_DIGITS {
        return Err(invalid);
    }
    // One pass without a branch per byte: a byte that is not a digit leaves a value of 10 or
    // more after the subtraction, and is caught once at the end. At most 19 digits are below
    // 10^19 < 2^64, so the wrapping arithmetic never wraps on a valid timestamp (and the value
    // is discarded when a byte was not a digit).
    let (value, all_digits) = raw.iter().fold((0u64, true), |(acc, ok), &b| {
        let digit = b.wrapping_sub(b'0');
        (
            acc.wrapping_mul(10).wrapping_add(u64::from(digit)),
            ok & (digit < 10),
        )
    });
    if all_digits { Ok(value) } else { Err(invalid) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id_fault(raw: &[u8]) -> Option<HeaderFault> {
        match parse_id(raw, "webhook-id") {
            Ok(_) => None,
            Err(Error::InvalidHeader { fault, .. }) => Some(fault),
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn id_rules() {
        assert_eq!(id_fault(b"msg_p5jXN8AQM9LWM0D4loKWxJek"), None);
        assert_eq!(id_fault(b"!~"), None);
        assert_eq!(id_fault(b""), Some(HeaderFault::Empty));
        assert_eq!(id_fault(b"msg.1"), Some(HeaderFault::ContainsDot));
        assert_eq!(id_fault(b"msg 1"), Some(HeaderFault::InvalidByte));
        assert_eq!(id_fault(b"msg\t1"), Some(HeaderFault::InvalidByte));
        assert_eq!(id_fault(b"msg\x7f"), Some(HeaderFault::InvalidByte));
        assert_eq!(id_fault("msg_é".as_bytes()), Some(HeaderFault::InvalidByte));
        assert_eq!(id_fault(&[b'a'; MAX_ID_LEN]), None);
        assert_eq!(
            id_fault(&[b'a'; MAX_ID_LEN + 1]),
            Some(HeaderFault::TooLong { max: MAX_ID_LEN })
        );
        // The branch-free test agrees with the rule byte by byte: every byte value, at every
        // position of ids of 1 to 17 bytes, among valid neighbours.
        for len in 1..=17usize {
            for at in 0..len {
                for byte in 0..=u8::MAX {
                    let mut raw = [b'~'; 17];
                    raw[at] = byte;
                    let expected = match byte {
                        b'.' => Some(HeaderFault::ContainsDot),
                        0x21..=0x7e => None,
                        _ => Some(HeaderFault::InvalidByte),
                    };
                    assert_eq!(id_fault(&raw[..len]), expected, "{len} {at} {byte:#x}");
                }
            }
        }
    }

    #[test]
    fn timestamp_rules() {
        let ok = |s: &str| parse_timestamp(s.as_bytes(), "webhook-timestamp");
        assert_eq!(ok("1614265330"), Ok(1_614_265_330));
        assert_eq!(ok("0"), Ok(0));
        assert_eq!(ok("0001"), Ok(1));
        assert_eq!(ok("9999999999999999999"), Ok(9_999_999_999_999_999_999));
        for bad in [
            "",
            "+1614265330",
            "-1",
            " 1",
            "1 ",
            "1.5",
            "1e9",
            "0x10",
            "hello",
            "-9223372036854775808",
            "10000000000000000000",
            "١٢",
        ] {
            assert!(ok(bad).is_err(), "{bad:?} accepted");
        }
        // Every byte that is not a digit, at every position (the bytes next to '0' and '9',
        // '/' and ':', included), is refused.
        for byte in (0..=u8::MAX).filter(|b| !b.is_ascii_digit()) {
            for at in 0..3 {
                let mut raw = *b"123";
                raw[at] = byte;
                assert!(parse_timestamp(&raw, "t").is_err(), "{raw:?} accepted");
            }
        }
    }

    #[test]
    fn lookup_prefers_webhook_family_and_never_mixes() {
        let pairs = [
            ("Webhook-Id", "a"),
            ("svix-timestamp", "1"),
            ("svix-signature", "v1,x"),
        ];
        // One webhook-* header present: that family is selected, the rest are missing.
        assert_eq!(
            WebhookHeaders::from_pairs(&pairs),
            Err(Error::MissingHeader {
                name: "webhook-timestamp"
            })
        );
        let svix = [
            ("SVIX-ID", "a"),
            ("Svix-Timestamp", "1"),
            ("svix-signature", "v1,x"),
        ];
        let h = WebhookHeaders::from_pairs(&svix).unwrap();
        assert_eq!(h.names, SVIX);
        assert_eq!(h.id, b"a");
        let none: [(&str, &str); 0] = [];
        assert_eq!(
            WebhookHeaders::from_pairs(&none),
            Err(Error::MissingHeader { name: "svix-id" })
        );
    }

    /// A lookup that reports every value (as `http::HeaderMap::get_all` does) refuses a
    /// duplicated signed header on the `from_lookup` path too, not only in `from_pairs`.
    #[test]
    fn lookup_of_every_value_refuses_duplicates() {
        let values: [(&str, &[&[u8]]); 3] = [
            ("webhook-id", &[b"a"]),
            ("webhook-timestamp", &[b"1"]),
            ("webhook-signature", &[b"v1,x", b"v1,y"]),
        ];
        let lookup = |name: &str| {
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(&[][..], |(_, v)| *v)
                .iter()
                .copied()
        };
        assert_eq!(
            WebhookHeaders::from_lookup(lookup),
            Err(Error::InvalidHeader {
                name: "webhook-signature",
                fault: HeaderFault::Duplicate
            })
        );
        // A duplicated id or timestamp is refused alike; one value each is accepted.
        for name in ["webhook-id", "webhook-timestamp"] {
            let twice = |asked: &str| {
                let n = if asked == name { 2 } else { 1 };
                core::iter::repeat_n(&b"1"[..], n)
            };
            assert_eq!(
                WebhookHeaders::from_lookup(twice),
                Err(Error::InvalidHeader {
                    name,
                    fault: HeaderFault::Duplicate
                })
            );
        }
        let once = |asked: &str| asked.starts_with("webhook-").then_some(&b"1"[..]);
        assert!(WebhookHeaders::from_lookup(once).is_ok());
    }

    #[test]
    fn duplicates_in_the_selected_family_are_refused() {
        let pairs = [
            ("webhook-id", "a"),
            ("webhook-timestamp", "1"),
            ("webhook-signature", "v1,x"),
            ("Webhook-Signature", "v1,y"),
        ];
        assert_eq!(
            WebhookHeaders::from_pairs(&pairs),
            Err(Error::InvalidHeader {
                name: "webhook-signature",
                fault: HeaderFault::Duplicate
            })
        );
    }
}
