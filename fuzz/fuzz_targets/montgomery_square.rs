//! Differential for the RS256 path's Montgomery squaring (`src/alg/montgomery.rs`) against
//! the routine it replaces, `crypto-bigint`'s `FixedMontyForm::square`: for an odd modulus
//! of 1, 2, 3, 4, 5, 32, 48 or 64 words (the last three are RSA-2048/3072/4096 on 64-bit
//! targets) and any `a` below it, both give the same word-for-word result.
//!
//! Input: a selector byte (the length), then the modulus and `a` as little-endian words;
//! missing bytes are zero, the modulus is forced odd (and 1 skipped), `a` is reduced below it.
#![no_main]

use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{Odd, Uint, Word};
use libfuzzer_sys::fuzz_target;

const WORD_BYTES: usize = (Word::BITS / 8) as usize;

fn words<const L: usize>(bytes: &mut impl Iterator<Item = u8>) -> [Word; L] {
    let mut out = [0 as Word; L];
    for word in &mut out {
        let mut le = [0u8; WORD_BYTES];
        for b in &mut le {
            *b = bytes.next().unwrap_or(0);
        }
        *word = Word::from_le_bytes(le);
    }
    out
}

fn check<const L: usize>(data: &[u8]) {
    let mut bytes = data.iter().copied();
    let mut n = words::<L>(&mut bytes);
    n[0] |= 1;
    let n = Uint::from_words(n);
    if n == Uint::ONE {
        return; // no Montgomery arithmetic modulo 1
    }
    let n = Odd::new(n).unwrap();
    let params = FixedMontyParams::new_vartime(n);
    let a = Uint::from_words(words::<L>(&mut bytes)).rem_vartime(n.as_nz_ref());
    let theirs = FixedMontyForm::from_montgomery(a, &params).square();
    let mut ours = a;
    let mut scratch = [0 as Word; 2 * 64];
    hookverify::__fuzzing::montgomery_square(
        ours.as_mut_words(),
        n.as_ref().as_words(),
        params.mod_neg_inv().0,
        &mut scratch,
    )
    .unwrap();
    assert_eq!(&ours, theirs.as_montgomery());
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    match selector % 8 {
        0 => check::<1>(rest),
        1 => check::<2>(rest),
        2 => check::<3>(rest),
        3 => check::<4>(rest),
        4 => check::<5>(rest),
        5 => check::<32>(rest),
        6 => check::<48>(rest),
        _ => check::<64>(rest),
    }
});
