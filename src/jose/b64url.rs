//! Strict base64url (RFC 4648 section 5) as JOSE uses it: RFC 7515 section 2 requires the
//! unpadded form, and only canonical encodings are accepted (unused trailing bits zero), so
//! each byte string has exactly one accepted encoding.

//!
//! Everything decoded here is public (tokens, key material), so the decoder uses a lookup
//! table and returns early; `base64ct`'s constant-time decoder, several times slower, is the
//! reference it is tested against.

use crate::base64::URL_SAFE;

/// Decodes `input` into `out`, refusing padding, characters outside the URL-safe alphabet,
/// non-canonical trailing bits and impossible lengths. `Err(true)` when `out` is too small.
pub(crate) fn decode<'o>(input: &[u8], out: &'o mut [u8]) -> Result<&'o [u8], bool> {
    let len = decoded_len(input.len());
    let out = out.get_mut(..len).ok_or(true)?;
    let rest_len = input.len() % 4;
    if rest_len == 1 {
        return Err(false);
    }
    let (quads, rest) = input.split_at(input.len().saturating_sub(rest_len));
    let (out_quads, out_rest) = out.split_at_mut((quads.len() / 4).saturating_mul(3));
    for (quad, bytes) in quads.chunks_exact(4).zip(out_quads.chunks_exact_mut(3)) {
        let word = quad
            .iter()
            .try_fold(0u32, |word, &c| Some((word << 6) | sextet(c)?))
            .ok_or(false)?;
        bytes.copy_from_slice(word.to_be_bytes().get(1..).ok_or(false)?);
    }
    // 2 characters carry 12 bits (one byte and 4 zero bits), 3 carry 18 (two bytes, 2 zero).
    let word = rest
        .iter()
        .try_fold(0u32, |word, &c| Some((word << 6) | sextet(c)?))
        .ok_or(false)?;
    let (unused, mask) = match rest_len {
        2 => (4, 0b1111),
        3 => (2, 0b11),
        _ => (0, 0),
    };
    if word & mask != 0 {
        return Err(false);
    }
    let bytes = (word >> unused).to_be_bytes();
    out_rest.copy_from_slice(
        bytes
            .get(bytes.len().saturating_sub(out_rest.len())..)
            .ok_or(false)?,
    );
    Ok(out)
}

/// The value of a base64url character.
fn sextet(c: u8) -> Option<u32> {
    URL_SAFE.get(c)
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

    /// `base64ct`'s strict decoder, the reference.
    fn reference(input: &[u8], room: usize) -> Result<alloc::vec::Vec<u8>, bool> {
        use base64ct::{Base64UrlUnpadded, Encoding};
        let mut out = alloc::vec![0u8; room];
        match Base64UrlUnpadded::decode(input, &mut out) {
            Ok(decoded) => Ok(decoded.to_vec()),
            Err(base64ct::Error::InvalidLength) if decoded_len(input.len()) > room => Err(true),
            Err(_) => Err(false),
        }
    }

    extern crate alloc;

    proptest::proptest! {
        #[test]
        fn agrees_with_base64ct(input in "[A-Za-z0-9_+/=. -]{0,40}", room in 0usize..32) {
            let mut out = [0u8; 32];
            let ours = decode(input.as_bytes(), &mut out[..room]).map(<[u8]>::to_vec);
            proptest::prop_assert_eq!(ours, reference(input.as_bytes(), room));
        }

        #[test]
        fn agrees_on_every_encoding(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..40)) {
            use base64ct::{Base64UrlUnpadded, Encoding};
            let encoded = Base64UrlUnpadded::encode_string(&bytes);
            let mut out = [0u8; 64];
            proptest::prop_assert_eq!(decode(encoded.as_bytes(), &mut out), Ok(&bytes[..]));
        }
    }
}
