//! Base64 decoding tables and the strict decoder of fixed-size values that Standard Webhooks
//! uses: canonical, padded, standard alphabet (RFC 4648 sections 3.5 and 4).
//!
//! Everything decoded here is public (signature candidates, public keys, tokens), so the
//! decoders use lookup tables and return early; `base64ct`'s constant-time decoder is the
//! reference they are tested against. Secrets are decoded with `base64ct` itself.

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

    /// The table entry of `c`: its value, or a value with the high bit set outside the
    /// alphabet (so the OR of several entries says whether any was invalid).
    fn raw(&self, c: u8) -> u32 {
        u32::from(self.0.get(usize::from(c)).copied().unwrap_or(Self::INVALID))
    }

    /// The value of `c`, or `None` outside the alphabet.
    pub(crate) fn get(&self, c: u8) -> Option<u32> {
        let value = self.0.get(usize::from(c)).copied().unwrap_or(Self::INVALID);
        (value != Self::INVALID).then_some(u32::from(value))
    }
}

/// The standard base64 alphabet (RFC 4648 section 4, table 1).
pub(crate) const STANDARD: Sextets =
    Sextets::new(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");

/// The URL-safe alphabet (RFC 4648 section 5, table 2).
#[cfg(feature = "jwks")]
pub(crate) const URL_SAFE: Sextets =
    Sextets::new(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

/// Decodes exactly `N` bytes from their canonical padded standard base64 encoding, or `None`:
/// any other length, a character outside the alphabet, padding anywhere but at the end or of
/// the wrong length, or unused trailing bits that are not zero (so each value has exactly one
/// accepted encoding). `N = 32` is a 44-character HMAC tag or Ed25519 public key, `N = 64` an
/// 88-character Ed25519 signature.
pub(crate) fn decode_padded<const N: usize>(encoded: &[u8]) -> Option<[u8; N]> {
    let full_groups = N / 3;
    let tail = N % 3;
    if encoded.len()
        != full_groups
            .checked_add(usize::from(tail != 0))?
            .checked_mul(4)?
    {
        return None;
    }
    let mut out = [0u8; N];
    let (quads, last) = encoded.split_at(full_groups.checked_mul(4)?);
    let (out_full, out_tail) = out.split_at_mut(full_groups.checked_mul(3)?);
    // Every full group is decoded, and an invalid character anywhere is caught once, at the
    // end, from the OR of all table entries (the high bit marks a character outside the
    // alphabet): no branch per character. Candidates are public, so this needs no constant
    // time; it is only the fastest way.
    let mut invalid = 0u32;
    for (quad, bytes) in quads.chunks_exact(4).zip(out_full.chunks_exact_mut(3)) {
        let (&[a, b, c, d], [x, y, z]) = (quad, bytes) else {
            return None;
        };
        let (a, b, c, d) = (
            STANDARD.raw(a),
            STANDARD.raw(b),
            STANDARD.raw(c),
            STANDARD.raw(d),
        );
        invalid |= a | b | c | d;
        let [_, hi, mid, lo] = ((a << 18) | (b << 12) | (c << 6) | d).to_be_bytes();
        (*x, *y, *z) = (hi, mid, lo);
    }
    if invalid & u32::from(Sextets::INVALID & 0x80) != 0 {
        return None;
    }
    match (tail, last) {
        (0, []) => {}
        // One byte: two characters (12 bits, the low 4 zero) and `==`.
        (1, &[a, b, b'=', b'=']) => {
            let word = (STANDARD.get(a)? << 6) | STANDARD.get(b)?;
            if word & 0b1111 != 0 {
                return None;
            }
            out_tail.copy_from_slice(&[u8::try_from(word >> 4).ok()?]);
        }
        // Two bytes: three characters (18 bits, the low 2 zero) and `=`.
        (2, &[a, b, c, b'=']) => {
            let word = (STANDARD.get(a)? << 12) | (STANDARD.get(b)? << 6) | STANDARD.get(c)?;
            if word & 0b11 != 0 {
                return None;
            }
            let [_, _, hi, lo] = (word >> 2).to_be_bytes();
            out_tail.copy_from_slice(&[hi, lo]);
        }
        _ => return None,
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `base64ct`'s strict, canonical, padded decoder: the reference.
    fn reference<const N: usize>(encoded: &[u8]) -> Option<[u8; N]> {
        use base64ct::{Base64, Encoding};
        let mut out = [0u8; N];
        let mut room = [0u8; 96];
        match Base64::decode(encoded, &mut room) {
            Ok(decoded) if decoded.len() == N => {
                out.copy_from_slice(decoded);
                Some(out)
            }
            _ => None,
        }
    }

    #[test]
    fn known_values() {
        let tag = b"g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        assert!(decode_padded::<32>(tag).is_some());
        // Truncated (CVE-2024-21491), unpadded, URL-safe, over-long, stray trailing bits.
        for bad in [
            &b"g0hM9SsE"[..],
            b"g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE",
            b"g0hM9SsE-OTPJTGt_tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            b"g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=AAAA",
            b"g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OEA",
            b"g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OF=",
            b"",
        ] {
            assert_eq!(decode_padded::<32>(bad), None, "{bad:?}");
        }
        assert_eq!(decode_padded::<1>(b"AQ=="), Some([1]));
        assert_eq!(decode_padded::<1>(b"AR=="), None);
        assert_eq!(decode_padded::<1>(b"AQ="), None);
        assert_eq!(decode_padded::<3>(b"AQID"), Some([1, 2, 3]));
    }

    #[test]
    fn every_last_character_agrees_with_base64ct() {
        let mut tag = *b"g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        let mut sig = [b'A'; 88];
        sig[86] = b'=';
        sig[87] = b'=';
        for c in 0..=255u8 {
            tag[42] = c;
            assert_eq!(decode_padded::<32>(&tag), reference::<32>(&tag), "{c}");
            tag[43] = c;
            assert_eq!(decode_padded::<32>(&tag), reference::<32>(&tag), "{c}");
            tag[43] = b'=';
            sig[85] = c;
            assert_eq!(decode_padded::<64>(&sig), reference::<64>(&sig), "{c}");
            sig[86] = c;
            assert_eq!(decode_padded::<64>(&sig), reference::<64>(&sig), "{c}");
            sig[86] = b'=';
        }
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_base64ct(payload in "[A-Za-z0-9+/=_.-]{40,46}", long in "[A-Za-z0-9+/=]{84,90}") {
            proptest::prop_assert_eq!(decode_padded::<32>(payload.as_bytes()), reference::<32>(payload.as_bytes()));
            proptest::prop_assert_eq!(decode_padded::<64>(long.as_bytes()), reference::<64>(long.as_bytes()));
        }

        #[test]
        fn decodes_every_encoding(bytes in proptest::collection::vec(proptest::num::u8::ANY, 64)) {
            use base64ct::{Base64, Encoding};
            let tag: [u8; 32] = bytes[..32].try_into().unwrap();
            let sig: [u8; 64] = bytes[..].try_into().unwrap();
            proptest::prop_assert_eq!(decode_padded::<32>(Base64::encode_string(&tag).as_bytes()), Some(tag));
            proptest::prop_assert_eq!(decode_padded::<64>(Base64::encode_string(&sig).as_bytes()), Some(sig));
        }
    }
}
