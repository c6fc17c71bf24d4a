//! The `webhook-signature` list: structure, limits and candidate decoding.
//!
//! Standard Webhooks 1.0.0, "Signature scheme": the header is a list of signatures separated
//! by single spaces, each `<version>,<base64>`; `v1` is HMAC-SHA256 in standard, padded base64
//! (RFC 4648, section 4). Entries of other versions are for other schemes and are skipped.

use crate::secret::TAG_LEN;
use crate::{Error, HeaderFault};

/// The default cap on the signature header's length in bytes.
pub const DEFAULT_MAX_SIGNATURE_HEADER_LEN: usize = 4096;

/// The default cap on the number of entries in the signature header.
pub const DEFAULT_MAX_SIGNATURES: usize = 16;

/// Length of a 32-byte tag in padded standard base64.
const ENCODED_TAG_LEN: usize = 44;

/// A signature header whose size and entry count are within the limits.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SignatureList<'a> {
    raw: &'a [u8],
    /// Number of `v1` entries.
    pub(crate) v1: usize,
    /// Number of entries of other versions, or without a comma.
    pub(crate) skipped: usize,
}

impl<'a> SignatureList<'a> {
    /// Checks the header's size and entry count; never truncates silently.
    pub(crate) fn parse(
        raw: &'a [u8],
        name: &'static str,
        max_len: usize,
        max_entries: usize,
    ) -> Result<Self, Error> {
        let fault = |fault| Error::InvalidHeader { name, fault };
        if raw.is_empty() {
            return Err(fault(HeaderFault::Empty));
        }
        if raw.len() > max_len {
            return Err(fault(HeaderFault::TooLong { max: max_len }));
        }
        let (mut v1, mut skipped) = (0usize, 0usize);
        for (index, entry) in raw.split(|&b| b == b' ').enumerate() {
            if index >= max_entries {
                return Err(fault(HeaderFault::TooManyEntries { max: max_entries }));
            }
            match v1_payload(entry) {
                Some(_) => v1 = v1.saturating_add(1),
                None => skipped = skipped.saturating_add(1),
            }
        }
        Ok(Self { raw, v1, skipped })
    }

    /// The base64 payloads of the `v1` entries, in header order.
    pub(crate) fn v1_payloads(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.raw.split(|&b| b == b' ').filter_map(v1_payload)
    }
}

/// The payload of a `v1,<payload>` entry; `None` for any other version (`v1a`, `v2`, `V1`...)
/// or an entry without a comma.
fn v1_payload(entry: &[u8]) -> Option<&[u8]> {
    entry.strip_prefix(b"v1,")
}

/// Decodes a `v1` payload to exactly 32 bytes, or `None`: a payload of any other length can
/// never match (this is what rules out truncated signatures, CVE-2024-21491). Only the
/// canonical padded encoding is accepted: 43 characters of the standard alphabet whose last
/// one leaves its two unused bits zero, then one `=` (RFC 4648 sections 3.5 and 4).
///
/// The candidate is the sender's (or an attacker's) public header value, not a secret, so it
/// is decoded with a lookup table and early exits; only the comparison with the expected tag,
/// which is secret until it matches, must be (and is) constant time.
pub(crate) fn decode_tag(payload: &[u8]) -> Option<[u8; TAG_LEN]> {
    let payload: &[u8; ENCODED_TAG_LEN] = payload.try_into().ok()?;
    let sextet = |c: u8| STANDARD.get(c);
    let mut tag = [0u8; TAG_LEN];
    // Ten full groups: 4 characters, 3 bytes each.
    for (quad, out) in payload.chunks_exact(4).zip(tag.chunks_exact_mut(3)) {
        let mut word = 0u32;
        for &c in quad {
            word = (word << 6) | sextet(c)?;
        }
        out.copy_from_slice(word.to_be_bytes().get(1..)?);
    }
    // The last group: 3 characters (18 bits: 2 bytes and 2 bits that must be zero) and `=`.
    let [a, b, c, pad] = *payload.get(40..)? else {
        return None;
    };
    let word = (sextet(a)? << 12) | (sextet(b)? << 6) | sextet(c)?;
    if pad != b'=' || word & 0b11 != 0 {
        return None;
    }
    let [_, _, hi, lo] = (word >> 2).to_be_bytes();
    tag.get_mut(30..)?.copy_from_slice(&[hi, lo]);
    Some(tag)
}

/// A base64 decoding table: the value of each character of a 64-character alphabet.
pub(crate) struct Sextets([u8; 256]);

impl Sextets {
    const INVALID: u8 = 0xff;

    /// The table of `alphabet`, built at compile time.
    // Indices are in bounds by construction (`i < 64`, and a `u8` indexes 256 entries), and
    // `i < 64` neither overflows nor truncates to `u8`; callers evaluate this in constants.
    #[allow(
        clippy::indexing_slicing,
        clippy::cast_possible_truncation,
        clippy::arithmetic_side_effects
    )]
    pub(crate) const fn new(alphabet: &[u8; 64]) -> Self {
        let mut table = [Self::INVALID; 256];
        let mut i = 0;
        while i < alphabet.len() {
            table[alphabet[i] as usize] = i as u8;
            i += 1;
        }
        Self(table)
    }

    /// The value of `c`, or `None` outside the alphabet.
    pub(crate) fn get(&self, c: u8) -> Option<u32> {
        let value = self.0.get(usize::from(c)).copied().unwrap_or(Self::INVALID);
        (value != Self::INVALID).then_some(u32::from(value))
    }
}

/// The standard base64 alphabet (RFC 4648 section 4, table 1).
const STANDARD: Sextets =
    Sextets::new(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<SignatureList<'_>, Error> {
        SignatureList::parse(raw.as_bytes(), "webhook-signature", 4096, 16)
    }

    #[test]
    fn counts_and_skips() {
        let list = parse("v1,a v1a,b v2,c V1,d nocomma v1,e  ").unwrap();
        assert_eq!(list.v1, 2);
        // v1a, v2, V1, nocomma and the two empty entries the two trailing spaces make.
        assert_eq!(list.skipped, 6);
        let payloads: [&[u8]; 2] = [b"a", b"e"];
        assert!(list.v1_payloads().eq(payloads));
    }

    #[test]
    fn limits_are_errors_not_truncation() {
        let sixteen = ["v1,x"; 16].join(" ");
        assert!(parse(&sixteen).is_ok());
        let seventeen = ["v1,x"; 17].join(" ");
        assert_eq!(
            parse(&seventeen).unwrap_err(),
            Error::InvalidHeader {
                name: "webhook-signature",
                fault: HeaderFault::TooManyEntries { max: 16 }
            }
        );
        let long = "v".repeat(4097);
        assert_eq!(
            parse(&long).unwrap_err(),
            Error::InvalidHeader {
                name: "webhook-signature",
                fault: HeaderFault::TooLong { max: 4096 }
            }
        );
        assert!(parse(&"v".repeat(4096)).is_ok());
        assert_eq!(
            parse("").unwrap_err(),
            Error::InvalidHeader {
                name: "webhook-signature",
                fault: HeaderFault::Empty
            }
        );
    }

    #[test]
    fn only_exact_32_byte_padded_tags_decode() {
        let good = b"g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        assert!(decode_tag(good).is_some());
        // Truncated (CVE-2024-21491), unpadded, empty, URL-safe, over-long.
        assert!(decode_tag(b"g0hM9SsE").is_none());
        assert!(decode_tag(b"g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE").is_none());
        assert!(decode_tag(b"").is_none());
        assert!(decode_tag(b"g0hM9SsE-OTPJTGt_tmIKtSyZlE3uFJELVlNIOLJ1OE=").is_none());
        assert!(decode_tag(b"g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=AAAA").is_none());
        // 44 characters but 33 bytes' worth ("==" pad placed differently is invalid).
        assert!(decode_tag(b"g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OEA").is_none());
        // Non-canonical trailing bits: 'F' instead of 'E' before '=' sets a padding bit.
        assert!(decode_tag(b"g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OF=").is_none());
    }

    /// The table decoder accepts exactly what `base64ct`'s strict, canonical decoder accepts.
    fn reference(payload: &[u8]) -> Option<[u8; TAG_LEN]> {
        use base64ct::{Base64, Encoding};
        let mut tag = [0u8; TAG_LEN];
        match Base64::decode(payload, &mut tag) {
            Ok(decoded) if decoded.len() == TAG_LEN && payload.len() == ENCODED_TAG_LEN => {
                Some(tag)
            }
            _ => None,
        }
    }

    #[test]
    fn every_last_character_agrees_with_base64ct() {
        let mut payload = *b"g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        for c in 0..=255u8 {
            payload[42] = c;
            assert_eq!(decode_tag(&payload), reference(&payload), "{c}");
            payload[43] = c;
            assert_eq!(decode_tag(&payload), reference(&payload), "pad {c}");
            payload[43] = b'=';
        }
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_base64ct(payload in "[A-Za-z0-9+/=_.-]{40,46}") {
            proptest::prop_assert_eq!(decode_tag(payload.as_bytes()), reference(payload.as_bytes()));
        }

        #[test]
        fn agrees_on_valid_encodings(bytes in proptest::array::uniform32(proptest::num::u8::ANY)) {
            use base64ct::{Base64, Encoding};
            let mut buf = [0u8; ENCODED_TAG_LEN];
            let encoded = Base64::encode(&bytes, &mut buf).unwrap();
            proptest::prop_assert_eq!(decode_tag(encoded.as_bytes()), Some(bytes));
        }
    }
}
