//! The `webhook-signature` list: structure, limits and candidate decoding.
//!
//! Standard Webhooks 1.0.0, "Signature scheme": the header is a list of signatures separated
//! by single spaces, each `<version>,<base64>`; `v1` is HMAC-SHA256 in standard, padded base64
//! (RFC 4648, section 4). Entries of other versions are for other schemes and are skipped.

use base64ct::{Base64, Encoding};

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
/// never match (this is what rules out truncated signatures, CVE-2024-21491). The length is
/// public; the decoding of the characters is constant time (`base64ct`).
pub(crate) fn decode_tag(payload: &[u8]) -> Option<[u8; TAG_LEN]> {
    if payload.len() != ENCODED_TAG_LEN {
        return None;
    }
    let mut tag = [0u8; TAG_LEN];
    match Base64::decode(payload, &mut tag) {
        Ok(decoded) if decoded.len() == TAG_LEN => Some(tag),
        _ => None,
    }
}

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
}
