//! Montgomery squaring modulo an odd `n`, for RSAVP1's sixteen squarings (RS256).
//!
//! `crypto-bigint` squares with its general Montgomery multiplication (CIOS), `2k^2` word
//! products for `k` words. Squaring can share half of them: the square is computed first as
//! a double-width integer, each cross product `a_i a_j` (`i < j`) once and the sum doubled,
//! then reduced (separated operand scanning, Koc, Acar and Kaliski, "Analyzing and comparing
//! Montgomery multiplication algorithms", IEEE Micro 1996, section 2): `k(k-1)/2 + k`
//! products for the square and `k^2` for the reduction, `1.5k^2 + k/2` in all.
//!
//! Every input is public (the modulus and the signature), so the routine is variable time:
//! the final subtraction is taken only when needed. It works on `crypto-bigint`'s words, 64
//! bits on 64-bit targets and 32 on 32-bit ones, with products in the double-width word.

use crypto_bigint::{WideWord, Word};

/// Bits in a word.
const BITS: u32 = Word::BITS;

/// The low word of a double-width value (the truncation is the point).
#[allow(clippy::cast_possible_truncation)]
const fn low_word(w: WideWord) -> Word {
    w as Word
}

/// `x <- x^2 R^-1 mod n`, with `R = 2^(BITS * k)` and `k = n.len()`, both `x` and the result
/// below `n`. `neg_inv` is `-n^-1 mod 2^BITS`; `scratch` holds at least `2k` words.
///
/// Returns `None` (leaving `x` unspecified) only when the lengths do not fit together, which
/// the callers rule out by construction.
pub(crate) fn square(
    x: &mut [Word],
    n: &[Word],
    neg_inv: Word,
    scratch: &mut [Word],
) -> Option<()> {
    let k = n.len();
    if x.len() != k {
        return None;
    }
    let t = scratch.get_mut(..k.checked_mul(2)?)?;
    t.fill(0);
    square_wide(x, t)?;
    let top = reduce(t, n, neg_inv)?;
    let (_, high) = t.split_at(k);
    x.copy_from_slice(high);
    if top != 0 || !below(x, n) {
        subtract(x, n);
    }
    Some(())
}

/// `a * b + c + d` in the double-width word: at most `(B - 1)^2 + 2(B - 1) = B^2 - 1` for
/// `B = 2^BITS`, so it never overflows.
#[allow(clippy::arithmetic_side_effects)]
#[inline(always)]
fn mac(a: Word, b: Word, c: Word, d: WideWord) -> WideWord {
    WideWord::from(a) * WideWord::from(b) + WideWord::from(c) + d
}

/// The high word of a double-width value, widened again (a carry).
#[inline(always)]
const fn high(w: WideWord) -> WideWord {
    w >> BITS
}

/// `t <- a^2` as a `2k`-word integer; `t` is zero on entry and exactly `2k` words long.
///
/// The cross products `a_i a_j`, `j > i`, are added row by row, two rows at a time: the rows'
/// carry chains are independent, so the processor works on both at once instead of waiting
/// on one (a single chain is bound by the latency of its additions, not by the multiplier).
fn square_wide(a: &[Word], t: &mut [Word]) -> Option<()> {
    let k = a.len();
    let mut i = 0usize;
    while i.checked_add(3)? < k {
        cross_rows_2(a, t, i)?;
        i = i.checked_add(2)?;
    }
    while i < k {
        cross_row(a, t, i)?;
        i = i.checked_add(1)?;
    }
    double_add_squares(a, t)
}

/// Row `i` of the cross products: `a_i * a[i+1..]` added at `t[2i+1..]`, its carry written
/// to `t[i+k]`, a word no earlier row reached.
fn cross_row(a: &[Word], t: &mut [Word], i: usize) -> Option<()> {
    let k = a.len();
    let ai = *a.get(i)?;
    let rest = a.get(i.checked_add(1)?..)?;
    let row = t.get_mut(i.checked_mul(2)?.checked_add(1)?..=i.checked_add(k)?)?;
    let (last, body) = row.split_last_mut()?;
    let mut carry: WideWord = 0;
    for (tp, &aj) in body.iter_mut().zip(rest) {
        let sum = mac(ai, aj, *tp, carry);
        *tp = low_word(sum);
        carry = high(sum);
    }
    *last = low_word(carry);
    Some(())
}

/// Rows `i` and `i+1` of the cross products together (`i + 3 < k`): at `t[p]` row `i` adds
/// `a_i a_(p-i)` and row `i+1` adds `a_(i+1) a_(p-i-1)`; their carries land in `t[i+k]` and
/// `t[i+k+1]`, which no earlier row reached.
fn cross_rows_2(a: &[Word], t: &mut [Word], i: usize) -> Option<()> {
    let k = a.len();
    let i1 = i.checked_add(1)?;
    let (ai, ai1) = (*a.get(i)?, *a.get(i1)?);
    let row = t.get_mut(i.checked_mul(2)?.checked_add(1)?..=i1.checked_add(k)?)?;
    // Row `i` alone at 2i+1 and 2i+2 (row `i+1` starts at 2i+3).
    let (p1, row) = row.split_first_mut()?;
    let sum = mac(ai, ai1, *p1, 0);
    *p1 = low_word(sum);
    let (p2, row) = row.split_first_mut()?;
    let sum = mac(ai, *a.get(i.checked_add(2)?)?, *p2, high(sum));
    *p2 = low_word(sum);
    let carry = high(sum);
    let carry_1: WideWord = 0;
    let (body, tail) = row.split_at_mut(k.checked_sub(i)?.checked_sub(3)?);
    let both = a
        .get(i.checked_add(3)?..)?
        .iter()
        .zip(a.get(i.checked_add(2)?..)?);
    let (carry, carry_1) = two_rows(body, (ai, ai1), both, (carry, carry_1));
    // t[i+k]: row `i`'s carry and row `i+1`'s last product; t[i+k+1]: row `i+1`'s carry
    // (both words are still zero: the carries cannot overflow them).
    let [tk, tk1] = tail else {
        return None;
    };
    let sum = mac(ai1, *a.last()?, low_word(carry), carry_1);
    *tk = low_word(sum);
    *tk1 = low_word(high(sum));
    Some(())
}

/// The inner loop of two rows side by side: at each word `t_p` of `body`, the first row adds
/// `x * y` and the second `x_1 * y_1`, for the successive pairs `(y, y_1)`; returns both
/// carries. The two carry chains are independent, which is the point.
#[inline(always)]
fn two_rows<'a>(
    body: &mut [Word],
    (x, x_1): (Word, Word),
    pairs: impl Iterator<Item = (&'a Word, &'a Word)>,
    (mut carry, mut carry_1): (WideWord, WideWord),
) -> (WideWord, WideWord) {
    for (tp, (&y, &y_1)) in body.iter_mut().zip(pairs) {
        let sum = mac(x, y, *tp, carry);
        carry = high(sum);
        let sum_1 = mac(x_1, y_1, low_word(sum), carry_1);
        *tp = low_word(sum_1);
        carry_1 = high(sum_1);
    }
    (carry, carry_1)
}

/// `t <- 2t + sum a_i^2 B^(2i)`: the cross products doubled (their sum is below `a^2 / 2`,
/// so no bit is lost) and the squares added at `t[2i], t[2i+1]`, in one pass.
#[allow(clippy::arithmetic_side_effects)] // shifts by constants below BITS; two-word sums
fn double_add_squares(a: &[Word], t: &mut [Word]) -> Option<()> {
    let mut carry: WideWord = 0;
    let mut shifted_out: Word = 0;
    for (pair, &ai) in t.chunks_exact_mut(2).zip(a) {
        let [low, hi] = pair else {
            return None;
        };
        let doubled_low = (*low << 1) | shifted_out;
        let doubled_high = (*hi << 1) | (*low >> (BITS - 1));
        shifted_out = *hi >> (BITS - 1);
        let sum = mac(ai, ai, doubled_low, carry);
        *low = low_word(sum);
        let sum = WideWord::from(doubled_high) + high(sum);
        *hi = low_word(sum);
        carry = high(sum);
    }
    Some(())
}

/// Montgomery reduction of the `2k`-word `t` in place: afterwards `t[k..]` plus the returned
/// top word times `R` is `t R^-1 mod n`, below `2n` when `t < n^2`.
///
/// Row `i` adds `u_i n` at `t[i..]`, `u_i = t[i] (-n^-1) mod B`, which clears `t[i]`. Rows
/// go two at a time as in `square_wide`: `u_(i+1)` needs only `t[i+1]` after row `i`'s first
/// two products, and then both rows run side by side.
fn reduce(t: &mut [Word], n: &[Word], neg_inv: Word) -> Option<Word> {
    let k = n.len();
    // The carry out of a row's last word belongs one word higher, where the next row adds
    // its own last carry: it waits in `pending` (0 or 1) until then.
    let mut pending: WideWord = 0;
    let mut i = 0usize;
    while i.checked_add(1)? < k {
        pending = reduce_rows_2(t, n, neg_inv, i, pending)?;
        i = i.checked_add(2)?;
    }
    if i < k {
        pending = reduce_row(t, n, neg_inv, i, pending)?;
    }
    Some(low_word(pending))
}

/// One row of the reduction (the last one when `k` is odd); returns the new pending carry.
#[allow(clippy::arithmetic_side_effects)] // a sum of three words fits the double width
fn reduce_row(
    t: &mut [Word],
    n: &[Word],
    neg_inv: Word,
    i: usize,
    pending: WideWord,
) -> Option<WideWord> {
    let window = t.get_mut(i..=i.checked_add(n.len())?)?;
    let (last, row) = window.split_last_mut()?;
    let u = row.first()?.wrapping_mul(neg_inv);
    let mut carry: WideWord = 0;
    for (tp, &nj) in row.iter_mut().zip(n) {
        let sum = mac(u, nj, *tp, carry);
        *tp = low_word(sum);
        carry = high(sum);
    }
    let sum = WideWord::from(*last) + carry + pending;
    *last = low_word(sum);
    Some(high(sum))
}

/// Rows `i` and `i+1` of the reduction together; returns the new pending carry.
#[allow(clippy::arithmetic_side_effects)] // sums of three words fit the double width
fn reduce_rows_2(
    t: &mut [Word],
    n: &[Word],
    neg_inv: Word,
    i: usize,
    pending: WideWord,
) -> Option<WideWord> {
    let k = n.len();
    let (&n0, n_rest) = n.split_first()?;
    let &n1 = n_rest.first()?;
    let window = t.get_mut(i..=i.checked_add(k)?.checked_add(1)?)?;
    let (t0, window) = window.split_first_mut()?;
    let u = t0.wrapping_mul(neg_inv);
    let carry = high(mac(u, n0, *t0, 0));
    let (t1, window) = window.split_first_mut()?;
    let sum = mac(u, n1, *t1, carry);
    let carry = high(sum);
    let u_1 = low_word(sum).wrapping_mul(neg_inv);
    let carry_1 = high(mac(u_1, n0, low_word(sum), 0));
    // t[i+2..i+k]: row `i` adds u n_j, row `i+1` adds u_1 n_(j-1).
    let (body, tail) = window.split_at_mut(k.checked_sub(2)?);
    let both = n.get(2..)?.iter().zip(n_rest);
    let (carry, carry_1) = two_rows(body, (u, u_1), both, (carry, carry_1));
    // t[i+k]: row `i`'s carry (with the pending one) and row `i+1`'s last product;
    // t[i+k+1]: row `i+1`'s carry.
    let [tk, tk1] = tail else {
        return None;
    };
    let sum = WideWord::from(*tk) + carry + pending;
    let sum_1 = mac(u_1, *n.last()?, low_word(sum), carry_1);
    *tk = low_word(sum_1);
    let sum_2 = WideWord::from(*tk1) + high(sum_1) + high(sum);
    *tk1 = low_word(sum_2);
    Some(high(sum_2))
}
/// Whether `x < n`, both `k` words, least significant first.
fn below(x: &[Word], n: &[Word]) -> bool {
    for (xi, ni) in x.iter().rev().zip(n.iter().rev()) {
        if xi != ni {
            return xi < ni;
        }
    }
    false
}

/// `x <- x - n mod 2^(BITS * k)`.
fn subtract(x: &mut [Word], n: &[Word]) {
    let mut borrow = false;
    for (xi, &ni) in x.iter_mut().zip(n) {
        let (d, b1) = xi.overflowing_sub(ni);
        let (d, b2) = d.overflowing_sub(Word::from(borrow));
        *xi = d;
        borrow = b1 | b2;
    }
}

#[cfg(test)]
mod tests {
    use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
    use crypto_bigint::{Odd, U2048, U4096, Uint};
    use proptest::prelude::*;

    use super::*;

    /// Our squaring and `crypto-bigint`'s `FixedMontyForm::square` agree for modulus `n`
    /// (forced odd) and `a` (reduced below `n` first).
    fn agrees<const L: usize>(n: Uint<L>, a: Uint<L>) -> Result<(), TestCaseError> {
        let n = Odd::new(n | Uint::ONE).unwrap();
        let params = FixedMontyParams::new_vartime(n);
        let a = a.rem_vartime(n.as_nz_ref());
        let theirs = FixedMontyForm::from_montgomery(a, &params).square();
        let mut ours = a;
        let mut scratch = [0 as Word; 2 * U4096::LIMBS];
        square(
            ours.as_mut_words(),
            n.as_ref().as_words(),
            params.mod_neg_inv().0,
            &mut scratch,
        )
        .unwrap();
        prop_assert_eq!(&ours, theirs.as_montgomery());
        Ok(())
    }

    fn uint<const L: usize>(words: &[Word], top: Word) -> Uint<L> {
        let mut out = [0 as Word; L];
        for (o, w) in out.iter_mut().zip(words.iter().cycle()) {
            *o = *w;
        }
        if let Some(last) = out.last_mut() {
            *last = top;
        }
        Uint::from_words(out)
    }

    proptest! {
        /// Random odd moduli, from a top word of 1 (the smallest) to all ones (where the
        /// reduction's last carry and the final subtraction matter most), and random `a`.
        #[test]
        fn square_equals_crypto_bigint(
            n in proptest::collection::vec(any::<Word>(), 1..8),
            a in proptest::collection::vec(any::<Word>(), 1..8),
            top in prop_oneof![Just(1 as Word), Just(Word::MAX), any::<Word>()],
        ) {
            agrees::<{ U2048::LIMBS }>(uint(&n, top), uint(&a, Word::MAX))?;
            agrees::<{ U4096::LIMBS }>(uint(&n, top), uint(&a, top))?;
            // Short and odd lengths: the single-row paths and the shortest row pairs.
            agrees::<1>(uint(&n, top), uint(&a, top))?;
            agrees::<2>(uint(&n, top), uint(&a, top))?;
            agrees::<3>(uint(&n, top), uint(&a, top))?;
            agrees::<5>(uint(&n, top), uint(&a, top))?;
        }
    }

    /// The extremes: `a = n - 1` and `a = 0`, for the largest modulus of each width.
    #[test]
    fn extremes() {
        let n = Uint::<{ U2048::LIMBS }>::MAX;
        agrees(n, n.wrapping_sub(&Uint::from_u8(2))).unwrap();
        agrees(n, Uint::ZERO).unwrap();
        agrees(Uint::<4>::from_u8(3), Uint::from_u8(2)).unwrap();
    }

    #[test]
    fn lengths_must_fit() {
        let mut scratch = [0 as Word; 4];
        assert_eq!(square(&mut [1, 2], &[3], 1, &mut scratch), None);
        assert_eq!(square(&mut [1, 2, 3], &[3, 5, 7], 1, &mut scratch), None);
    }
}
