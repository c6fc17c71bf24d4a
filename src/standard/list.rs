//! The `webhook-signature` list: structure, limits and the entries of each version.
//!
//! Standard Webhooks 1.0.0, "Signature scheme": the header is a list of signatures separated
//! by single spaces, each `<version>,<base64>`: `v1` is HMAC-SHA256 and `v1a` is Ed25519, both
//! in standard, padded base64 (RFC 4648, section 4). Entries of other versions (`v2`, `V1`...)
//! or without a comma are for no scheme this crate knows; they are counted and skipped.

use crate::error::{Error, HeaderFault};

/// The default cap on the signature header's length in bytes.
pub const DEFAULT_MAX_SIGNATURE_HEADER_LEN: usize = 4096;

/// The default cap on the number of entries in the signature header.
pub const DEFAULT_MAX_SIGNATURES: usize = 16;

/// The signature schemes of a Standard Webhooks list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Version {
    /// `v1`: HMAC-SHA256.
    V1,
    /// `v1a`: Ed25519.
    V1a,
}

impl Version {
    /// The version of an entry and its payload; `None` for another version or no comma.
    pub(crate) fn of(entry: &[u8]) -> Option<(Self, &[u8])> {
        if let Some(payload) = entry.strip_prefix(b"v1,") {
            Some((Self::V1, payload))
        } else {
            entry
                .strip_prefix(b"v1a,")
                .map(|payload| (Self::V1a, payload))
        }
    }
}

/// A signature header whose size and entry count are within the limits.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SignatureList<'a> {
    raw: &'a [u8],
    /// Number of `v1` entries.
    pub(crate) v1: usize,
    /// Number of `v1a` entries.
    pub(crate) v1a: usize,
    /// Number of entries of other versions, or without a comma.
    pub(crate) other: usize,
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
        let mut list = Self {
            raw,
            v1: 0,
            v1a: 0,
            other: 0,
        };
        for (index, entry) in entries(raw).enumerate() {
            if index >= max_entries {
                return Err(fault(HeaderFault::TooManyEntries { max: max_entries }));
            }
            let count = match Version::of(entry) {
                Some((Version::V1, _)) => &mut list.v1,
                Some((Version::V1a, _)) => &mut list.v1a,
                None => &mut list.other,
            };
            *count = count.saturating_add(1);
        }
        Ok(list)
    }

    /// The payloads of the entries of `version`, in header order.
    pub(crate) fn payloads(&self, version: Version) -> impl Iterator<Item = &'a [u8]> + 'a {
        entries(self.raw).filter_map(move |entry| match Version::of(entry) {
            Some((v, payload)) if v == version => Some(payload),
            _ => None,
        })
    }
}

/// The entries of a header: the pieces between single spaces, empty ones included (as
/// `split` gives them), found eight bytes at a time.
fn entries(raw: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(raw);
    core::iter::from_fn(move || {
        let current = rest?;
        match find_space(current) {
            Some(at) => {
                let (entry, tail) = current.split_at_checked(at)?;
                rest = tail.get(1..);
                Some(entry)
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// The position of the first space in `bytes`: eight bytes per step, by the classic
/// "has a zero byte" test on the bytes XOR-ed with spaces (a lane is zero exactly where the
/// byte was a space; borrows only run upward from a zero lane, so the lowest flagged lane
/// is exact).
fn find_space(bytes: &[u8]) -> Option<usize> {
    const SPACES: u64 = u64::from_ne_bytes([b' '; 8]);
    const LOW: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let (words, tail) = bytes.as_chunks::<8>();
    for (index, word) in words.iter().enumerate() {
        let x = u64::from_le_bytes(*word) ^ SPACES;
        let found = x.wrapping_sub(LOW) & !x & HIGH;
        if found != 0 {
            // The lowest flagged lane, counted from the first byte (little-endian load).
            let lane = (found.trailing_zeros() / 8) as usize;
            return Some(index.saturating_mul(8).saturating_add(lane));
        }
    }
    let done = words.len().saturating_mul(8);
    tail.iter()
        .position(|&b| b == b' ')
        .map(|at| done.saturating_add(at))
}

#[cfg(test)]
// Test data: small values, wrapping into bytes on purpose.
#[allow(clippy::cast_possible_truncation, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<SignatureList<'_>, Error> {
        SignatureList::parse(raw.as_bytes(), "webhook-signature", 4096, 16)
    }

    #[test]
    fn counts_and_skips() {
        let list = parse("v1,a v1a,b v2,c V1,d nocomma v1,e v1a,f  ").unwrap();
        assert_eq!((list.v1, list.v1a), (2, 2));
        // v2, V1, nocomma and the two empty entries the two trailing spaces make.
        assert_eq!(list.other, 5);
        let v1: [&[u8]; 2] = [b"a", b"e"];
        assert!(list.payloads(Version::V1).eq(v1));
        let v1a: [&[u8]; 2] = [b"b", b"f"];
        assert!(list.payloads(Version::V1a).eq(v1a));
    }

    /// The payloads of each version are exactly what splitting the header on spaces and
    /// keeping that version's entries gives, in order, for every mix of up to six entries.
    #[test]
    fn payloads_are_those_of_split() {
        extern crate alloc;
        use alloc::vec::Vec;
        let pieces: [&[u8]; 6] = [b"v1,a", b"v1a,b", b"v2,c", b"", b"v1,dd", b"v1a,"];
        let mut header = Vec::new();
        for code in 0..6usize.pow(6) {
            for len in 1..=6 {
                header.clear();
                let mut c = code;
                for i in 0..len {
                    if i > 0 {
                        header.push(b' ');
                    }
                    header.extend_from_slice(pieces[c % 6]);
                    c /= 6;
                }
                let Ok(list) = SignatureList::parse(&header, "s", 4096, 16) else {
                    assert!(header.is_empty(), "{header:?} refused");
                    continue;
                };
                for (version, prefix) in [(Version::V1, &b"v1,"[..]), (Version::V1a, b"v1a,")] {
                    let expected: Vec<&[u8]> = header
                        .split(|&b| b == b' ')
                        .filter_map(|entry| entry.strip_prefix(prefix))
                        .collect();
                    let got: Vec<&[u8]> = list.payloads(version).collect();
                    assert_eq!(got, expected, "{:?}", core::str::from_utf8(&header));
                }
            }
        }
    }

    /// The word-at-a-time search agrees with `split` on every placement of spaces.
    #[test]
    fn entries_are_what_split_gives() {
        extern crate alloc;
        use alloc::vec::Vec;
        for len in 0..40usize {
            for mask in [
                0u64,
                1,
                0x8000_0001,
                0x0101_0101_0101,
                u64::MAX,
                0x5555_5555_5555,
            ] {
                for shift in 0..3 {
                    let raw: Vec<u8> = (0..len)
                        .map(|i| {
                            if (mask >> ((i + shift) % 64)) & 1 == 1 {
                                b' '
                            } else {
                                b'a' + (i % 26) as u8
                            }
                        })
                        .collect();
                    let ours: Vec<&[u8]> = entries(&raw).collect();
                    let split: Vec<&[u8]> = raw.split(|&b| b == b' ').collect();
                    assert_eq!(ours, split, "{:?}", core::str::from_utf8(&raw));
                    assert_eq!(find_space(&raw), raw.iter().position(|&b| b == b' '));
                }
            }
        }
        // Bytes that differ from a space by one bit, or are 0x80 or 0xa0, are not spaces.
        let near = [0x21u8, 0x30, 0xa0, 0x00, 0x80, 0x60, 0x22, 0x28];
        assert_eq!(find_space(&near), None);
        assert_eq!(find_space(&[0xa0, 0x20]), Some(1));
    }

    #[test]
    fn limits_are_errors_not_truncation() {
        let sixteen = ["v1,x"; 16].join(" ");
        assert!(parse(&sixteen).is_ok());
        let seventeen = ["v1a,x"; 17].join(" ");
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
}
