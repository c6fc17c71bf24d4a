//! Strict base64url (RFC 4648 section 5) as JOSE uses it: RFC 7515 section 2 requires the
//! unpadded form, and only canonical encodings are accepted (unused trailing bits zero), so
//! each byte string has exactly one accepted encoding.

use base64ct::{Base64UrlUnpadded, Encoding};

/// Decodes `input` into `out`, refusing padding, characters outside the URL-safe alphabet,
/// non-canonical trailing bits and impossible lengths. `Err(true)` when `out` is too small.
pub(crate) fn decode<'o>(input: &[u8], out: &'o mut [u8]) -> Result<&'o [u8], bool> {
    let room = out.len();
    match Base64UrlUnpadded::decode(input, out) {
        Ok(decoded) => Ok(decoded),
        Err(base64ct::Error::InvalidLength) if decoded_len(input.len()) > room => Err(true),
        Err(_) => Err(false),
    }
}

/// The number of bytes `len` unpadded base64 characters decode to (an upper bound when the
/// length is impossible).
pub(crate) const fn decoded_len(len: usize) -> usize {
    let (quads, rest) = (len / 4, len % 4);
    quads
        .saturating_mul(3)
        .saturating_add(rest.saturating_mul(3) / 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_and_canonical() {
        let mut out = [0u8; 8];
        assert_eq!(decode(b"AQID", &mut out), Ok(&[1u8, 2, 3][..]));
        assert_eq!(decode(b"AQ", &mut out), Ok(&[1u8][..]));
        assert_eq!(decode(b"", &mut out), Ok(&[][..]));
        assert_eq!(decode(b"-_8", &mut out), Ok(&[0xfb, 0xff][..]));
        // Padding, standard alphabet, non-canonical trailing bits, impossible length.
        assert_eq!(decode(b"AQ==", &mut out), Err(false));
        assert_eq!(decode(b"+/8", &mut out), Err(false));
        assert_eq!(decode(b"AR", &mut out), Err(false));
        assert_eq!(decode(b"AQIDB", &mut out), Err(false));
        assert_eq!(decode(b"AQ ID", &mut out), Err(false));
        // Too large for the buffer.
        assert_eq!(decode(b"AAAAAAAAAAAAAAAA", &mut out), Err(true));
    }
}
