//! Width-5 non-adjacent form of 64-bit scalar chunks, shared by the ES256 and Ed25519
//! multi-scalar multiplications: a scalar is split into 64-bit chunks `u_j` (so
//! `u P = sum u_j (2^(64 j) P)` with the shifted points precomputed), and each chunk is
//! recoded into signed odd digits, so that a table of the odd multiples `P, 3P, ..., 15P`
//! covers every digit (a negative digit adds the negated entry).

/// The NAF window width.
const W: u32 = 5;

/// Entries in a table of odd multiples: `P, 3P, ..., (2 TABLE_LEN - 1) P`.
pub(crate) const TABLE_LEN: usize = 1 << (W - 2);

/// NAF digits of a 64-bit chunk: at most 65 positions.
pub(crate) const DIGITS: usize = 65;

/// The width-`W` non-adjacent form of `k`: digits odd, in `-(2^(W-1) - 1)..=2^(W-1) - 1`, at
/// most one non-zero in any `W` consecutive positions, `k = sum digit_i 2^i`.
pub(crate) fn naf(k: u64) -> [i8; DIGITS] {
    let mut digits = [0i8; DIGITS];
    // At most 65 bits once a negative digit has been added back: u128 has room.
    let mut k = u128::from(k);
    let window = 1u128 << W;
    let half = 1u128 << (W - 1);
    for digit in &mut digits {
        if k == 0 {
            break;
        }
        if k & 1 == 1 {
            let m = k & (window - 1);
            let signed = i8::try_from(m).unwrap_or(0);
            if m >= half {
                // Negative digit m - 2^W: add 2^W - m to k, which clears the low W bits.
                k = k.wrapping_add(window.wrapping_sub(m));
                *digit = signed.wrapping_sub(1 << W);
            } else {
                k &= !(window - 1);
                *digit = signed;
            }
        }
        k >>= 1;
    }
    digits
}

/// The table entry for a non-zero digit, and whether it is to be subtracted; `None` for 0.
pub(crate) fn entry(digit: i8) -> Option<(usize, bool)> {
    (digit != 0).then(|| (usize::from(digit.unsigned_abs() >> 1), digit < 0))
}

/// The highest position with a non-zero digit in any of `digits`, 0 when all are zero.
pub(crate) fn top(digits: &[[i8; DIGITS]]) -> usize {
    digits
        .iter()
        .filter_map(|d| d.iter().rposition(|&x| x != 0))
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)] // test arithmetic
mod tests {
    use super::*;

    fn value(digits: &[i8; DIGITS]) -> i128 {
        digits
            .iter()
            .enumerate()
            .map(|(i, &d)| i128::from(d) << i)
            .sum()
    }

    proptest::proptest! {
        #[test]
        fn naf_recombines(k in proptest::prelude::any::<u64>()) {
            let digits = naf(k);
            proptest::prop_assert_eq!(value(&digits), i128::from(k));
            for (i, &d) in digits.iter().enumerate() {
                proptest::prop_assert!(d == 0 || (d % 2 != 0 && d.unsigned_abs() < 16));
                if d != 0 {
                    proptest::prop_assert!(digits[i + 1..].iter().take(4).all(|&x| x == 0));
                    let (index, negative) = entry(d).unwrap();
                    proptest::prop_assert!(index < TABLE_LEN);
                    proptest::prop_assert_eq!(i128::from(d), if negative { -1 } else { 1 } * (2 * index as i128 + 1));
                }
            }
        }
    }

    #[test]
    fn naf_edges() {
        for k in [
            0,
            1,
            15,
            16,
            17,
            u64::MAX,
            u64::MAX - 1,
            1 << 63,
            (1 << 63) - 1,
        ] {
            assert_eq!(value(&naf(k)), i128::from(k), "{k}");
        }
        assert_eq!(entry(0), None);
        assert_eq!(top(&[naf(0), naf(0)]), 0);
        assert_eq!(top(&[naf(1), naf(1 << 40)]), 40);
    }
}
