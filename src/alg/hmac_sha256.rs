//! HMAC-SHA256 (RFC 2104) built directly on `sha2`'s SHA-256 compression function, for the
//! fixed cost of a small delivery: the keyed inner and outer states are computed once per
//! key; a verification copies 32 bytes of state per key, hashes the message straight from the
//! caller's slices (whole blocks are never copied), pads once for every key, and finishes
//! each tag with one compression of the outer state.
//!
//! Several keys (secret rotation) share one message buffer: each block is buffered once and
//! compressed under every key's state.
//!
//! What is secret is wiped: the padded key blocks when a key is made, the keyed states when a
//! key or a computation in progress is dropped, the inner digests and the computed tags when
//! they are done with. The message buffer holds only message bytes and is not wiped.

use core::fmt;

use sha2::block_api::compress256;
use sha2::{Digest as _, Sha256};
use subtle::{Choice, ConstantTimeEq as _};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Length of an HMAC-SHA256 tag in bytes.
pub(crate) const TAG_LEN: usize = 32;

/// SHA-256's block length in bytes (FIPS 180-4 section 1, figure 1).
const BLOCK_LEN: usize = 64;

/// Where the message length goes in the last block: its final 8 bytes (FIPS 180-4 5.1.1).
const LENGTH_AT: usize = BLOCK_LEN - 8;

/// SHA-256's initial hash value H(0) (FIPS 180-4 section 5.3.3).
const IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// The outer hash's length field: the `K ^ opad` block and the inner digest, 96 bytes, in
/// bits.
const OUTER_BITS: [u8; 8] = 768u64.to_be_bytes();

/// The inner and outer pads of RFC 2104 section 2.
const IPAD: u8 = 0x36;
const OPAD: u8 = 0x5c;

/// A state in the chain of SHA-256 compressions.
type State = [u32; 8];

/// An HMAC-SHA256 key: the states after compressing `K ^ ipad` and `K ^ opad`.
#[derive(Clone)]
pub(crate) struct Key {
    inner: State,
    outer: State,
}

impl Key {
    /// The keyed states for `key` (any length: a key longer than a block is hashed first,
    /// RFC 2104 section 2).
    pub(crate) fn new(key: &[u8]) -> Self {
        let mut padded = [0u8; BLOCK_LEN];
        if key.len() > BLOCK_LEN {
            let mut digest: [u8; TAG_LEN] = Sha256::digest(key).into();
            for (out, byte) in padded.iter_mut().zip(&digest) {
                *out = *byte;
            }
            digest.zeroize();
        } else {
            for (out, byte) in padded.iter_mut().zip(key) {
                *out = *byte;
            }
        }
        let mut pad = padded.map(|byte| byte ^ IPAD);
        let mut inner = IV;
        compress256(&mut inner, core::slice::from_ref(&pad));
        pad = padded.map(|byte| byte ^ OPAD);
        let mut outer = IV;
        compress256(&mut outer, core::slice::from_ref(&pad));
        pad.zeroize();
        padded.zeroize();
        Self { inner, outer }
    }
}

impl Drop for Key {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

impl ZeroizeOnDrop for Key {}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(<redacted>)")
    }
}

impl Key {
    /// The tag of `head` (its parts in order) followed by `body`, in one pass: the usual
    /// case of a whole delivery in memory, with no state but this key's.
    pub(crate) fn tag(&self, head: &[&[u8]], body: &[u8]) -> Tag {
        let mut inner = self.inner;
        let mut absorber = Absorber::new();
        for part in head.iter().chain(core::iter::once(&body)) {
            absorber.absorb(part, |blocks| compress256(&mut inner, blocks));
        }
        absorber.pad(|blocks| compress256(&mut inner, blocks));
        let tag = outer_tag(&inner, &self.outer);
        inner.zeroize();
        tag
    }
}

/// The message side of a SHA-256 computation: what is not yet a whole block, and the length.
/// The compression itself is the caller's (one key's state, or several).
struct Absorber {
    /// The message bytes not yet compressed (fewer than a block).
    block: [u8; BLOCK_LEN],
    filled: usize,
    /// The message length so far, in bytes.
    len: u64,
}

impl Absorber {
    const fn new() -> Self {
        Self {
            block: [0; BLOCK_LEN],
            filled: 0,
            len: 0,
        }
    }

    /// Takes the next part of the message; whole blocks go to `compress` straight from
    /// `data`, without a copy.
    #[inline]
    fn absorb(&mut self, mut data: &[u8], mut compress: impl FnMut(&[[u8; BLOCK_LEN]])) {
        self.len = self.len.wrapping_add(data.len() as u64);
        // A single byte (the `.` separators) is stored, not copied by a call to `memcpy`.
        if let (&[byte], Some(slot)) = (data, self.block.get_mut(self.filled)) {
            *slot = byte;
            self.filled = self.filled.saturating_add(1);
            if self.filled == BLOCK_LEN {
                compress(core::slice::from_ref(&self.block));
                self.filled = 0;
            }
            return;
        }
        if self.filled > 0 {
            let room = BLOCK_LEN.saturating_sub(self.filled);
            let (head, rest) = data.split_at_checked(room).unwrap_or((data, &[]));
            let end = self.filled.saturating_add(head.len());
            if let Some(slot) = self.block.get_mut(self.filled..end) {
                slot.copy_from_slice(head);
            }
            self.filled = end;
            data = rest;
            if self.filled < BLOCK_LEN {
                return;
            }
            compress(core::slice::from_ref(&self.block));
            self.filled = 0;
        }
        let (blocks, tail) = data.as_chunks::<BLOCK_LEN>();
        if !blocks.is_empty() {
            compress(blocks);
        }
        if let Some(slot) = self.block.get_mut(..tail.len()) {
            slot.copy_from_slice(tail);
        }
        self.filled = tail.len();
    }

    /// The padding of the inner hash, which covers the `K ^ ipad` block and the message
    /// (FIPS 180-4 5.1.1: a 1 bit, zeros, and the length in bits as a 64-bit big-endian
    /// number), as one or two last blocks.
    #[inline]
    fn pad(mut self, mut compress: impl FnMut(&[[u8; BLOCK_LEN]])) {
        let bits = self
            .len
            .wrapping_add(BLOCK_LEN as u64)
            .wrapping_mul(8)
            .to_be_bytes();
        let mut rest = self.block.iter_mut().skip(self.filled);
        if let Some(marker) = rest.next() {
            *marker = 0x80;
        }
        rest.for_each(|byte| *byte = 0);
        if self.filled >= LENGTH_AT {
            compress(core::slice::from_ref(&self.block));
            self.block = [0; BLOCK_LEN];
        }
        put(&mut self.block, LENGTH_AT, &bits);
        compress(core::slice::from_ref(&self.block));
    }
}

/// The outer hash, which covers the `K ^ opad` block and the inner digest (96 bytes): one
/// compression of the outer keyed state.
#[inline]
fn outer_tag(inner: &State, outer: &State) -> Tag {
    let mut block = [0u8; BLOCK_LEN];
    put_words(&mut block, inner);
    put(&mut block, TAG_LEN, &[0x80]);
    put(&mut block, LENGTH_AT, &OUTER_BITS);
    let mut state = *outer;
    compress256(&mut state, core::slice::from_ref(&block));
    // The block holds the inner digest, which is not key material (with it, only the inner
    // hash can be extended, and forging still needs the outer keyed state): not wiped. The
    // output state is the tag itself.
    let tag = Tag::from_state(&state);
    state.zeroize();
    tag
}

/// HMAC-SHA256 of one message under up to `N` keys at once, the message fed in parts.
pub(crate) struct Macs<const N: usize> {
    /// The number of keys in use (the first `keys` states).
    keys: usize,
    /// Each key's inner chain, fed the message.
    inner: [State; N],
    /// Each key's outer keyed state, used once when finishing.
    outer: [State; N],
    absorber: Absorber,
}

impl<const N: usize> Macs<N> {
    /// Starts a computation under each key (the first `N`; callers hold at most `N`).
    pub(crate) fn new<'k>(keys: impl IntoIterator<Item = &'k Key>) -> Self {
        let mut macs = Self {
            keys: 0,
            inner: [[0; 8]; N],
            outer: [[0; 8]; N],
            absorber: Absorber::new(),
        };
        let slots = macs.inner.iter_mut().zip(macs.outer.iter_mut());
        for ((inner, outer), key) in slots.zip(keys) {
            *inner = key.inner;
            *outer = key.outer;
            macs.keys = macs.keys.saturating_add(1);
        }
        macs
    }

    /// The number of keys.
    pub(crate) const fn len(&self) -> usize {
        self.keys
    }

    /// Feeds the next part of the message.
    pub(crate) fn update(&mut self, data: &[u8]) {
        let (keys, inner) = (self.keys, &mut self.inner);
        self.absorber.absorb(data, |blocks| {
            for state in inner.iter_mut().take(keys) {
                compress256(state, blocks);
            }
        });
    }

    /// The tag under each key, in the order the keys were given.
    pub(crate) fn finish(mut self) -> heapless::Vec<Tag, N> {
        let absorber = core::mem::replace(&mut self.absorber, Absorber::new());
        let keys = self.keys;
        let inner = &mut self.inner;
        absorber.pad(|blocks| {
            for state in inner.iter_mut().take(keys) {
                compress256(state, blocks);
            }
        });
        let mut tags = heapless::Vec::new();
        for (inner, outer) in self.inner.iter().zip(&self.outer).take(self.keys) {
            // Cannot fail: at most `N` keys.
            let _ = tags.push(outer_tag(inner, outer));
        }
        tags
    }
}

impl<const N: usize> Drop for Macs<N> {
    fn drop(&mut self) {
        for (inner, outer) in self.inner.iter_mut().zip(&mut self.outer).take(self.keys) {
            inner.zeroize();
            outer.zeroize();
        }
    }
}

/// Writes `bytes` into `block` at `at` (within bounds by construction; never panics).
fn put(block: &mut [u8; BLOCK_LEN], at: usize, bytes: &[u8]) {
    if let Some(slot) = block.get_mut(at..at.saturating_add(bytes.len())) {
        slot.copy_from_slice(bytes);
    }
}

/// Writes a state as 32 big-endian bytes at the start of `out` (FIPS 180-4 6.2.2, step 4).
fn put_words(out: &mut [u8], state: &State) {
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
}

/// A computed HMAC-SHA256 tag. It is secret until it matched (knowing it for a message is
/// forging that message), so it is compared only in constant time ([`matches`](Self::matches)),
/// never printed, and wiped when dropped, on every path out of a verification.
///
/// It is held as four words of its bytes in memory order (so wiping it is four writes, and
/// comparing it four word comparisons).
pub(crate) struct Tag([u64; TAG_LEN / 8]);

impl Tag {
    /// The tag a final state encodes: its words big-endian (FIPS 180-4 6.2.2, step 4).
    fn from_state(state: &State) -> Self {
        let mut words = [0u64; TAG_LEN / 8];
        for (word, pair) in words.iter_mut().zip(state.chunks_exact(2)) {
            if let [high, low] = pair {
                let [a, b, c, d] = high.to_be_bytes();
                let [e, f, g, h] = low.to_be_bytes();
                *word = u64::from_ne_bytes([a, b, c, d, e, f, g, h]);
            }
        }
        Self(words)
    }

    /// Constant-time equality with `candidate`: the time taken does not depend on where they
    /// differ.
    ///
    /// The differences of all four 64-bit words are OR-ed together with no data-dependent
    /// branch, and only that one accumulated word goes through `subtle` (one optimization
    /// barrier instead of one per byte, as `<[u8]>::ct_eq` has: 32 barriers cost more than the
    /// rest of a 0-byte delivery's comparison).
    pub(crate) fn matches(&self, candidate: &[u8; TAG_LEN]) -> Choice {
        let word = |bytes: &[u8]| u64::from_ne_bytes(bytes.try_into().unwrap_or_default());
        let difference = self
            .0
            .iter()
            .zip(candidate.chunks_exact(8))
            .fold(0u64, |acc, (a, b)| acc | (a ^ word(b)));
        difference.ct_eq(&0)
    }

    /// Overwrites the tag with zeros (what dropping it does).
    fn wipe(&mut self) {
        self.0.zeroize();
    }

    /// The tag's bytes, for tests that sign with the crate's own HMAC.
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> [u8; TAG_LEN] {
        let mut bytes = [0u8; TAG_LEN];
        for (chunk, word) in bytes.chunks_exact_mut(8).zip(&self.0) {
            chunk.copy_from_slice(&word.to_ne_bytes());
        }
        bytes
    }
}

impl Drop for Tag {
    fn drop(&mut self) {
        self.wipe();
    }
}

impl ZeroizeOnDrop for Tag {}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Tag(<redacted>)")
    }
}

#[cfg(test)]
// Test data: small values, wrapping into bytes on purpose.
#[allow(clippy::cast_possible_truncation, clippy::arithmetic_side_effects)]
mod tests {
    extern crate alloc;
    use super::*;
    use alloc::vec::Vec;
    use hmac::{Hmac, KeyInit as _, Mac as _};

    /// The `hmac` crate, the reference this file must equal.
    fn reference(key: &[u8], message: &[u8]) -> [u8; TAG_LEN] {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    fn tags(keys: &[&[u8]], parts: &[&[u8]]) -> Vec<[u8; TAG_LEN]> {
        let keys: Vec<Key> = keys.iter().map(|k| Key::new(k)).collect();
        let mut macs = Macs::<4>::new(&keys);
        for part in parts {
            macs.update(part);
        }
        macs.finish().iter().map(Tag::bytes).collect()
    }

    /// RFC 4231 section 4.2 (test case 1) and 4.7 (test case 6, a 131-byte key, longer than
    /// a block), tags as published.
    #[test]
    fn rfc_4231_test_cases() {
        let hex = |s: &str| -> Vec<u8> {
            (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
                .collect()
        };
        let one = tags(&[&[0x0b; 20]], &[b"Hi There"]);
        assert_eq!(
            one[0].to_vec(),
            hex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        );
        let six = tags(
            &[&[0xaa; 131]],
            &[b"Test Using Larger Than Block-Size Key - Hash Key First"],
        );
        assert_eq!(
            six[0].to_vec(),
            hex("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        );
    }

    /// The padding's edge cases: every message length around one and two blocks (including
    /// 55, 56 and 63 bytes, where the length no longer fits the last block), every key length
    /// around a block, several keys at once, and any split of the message into parts.
    #[test]
    fn equals_the_hmac_crate() {
        let message: Vec<u8> = (0..200u8).collect();
        for key_len in [1usize, 16, 32, 63, 64, 65, 100, 512] {
            let key: Vec<u8> = (0..key_len).map(|i| (i * 7 + 3) as u8).collect();
            let other: Vec<u8> = key.iter().map(|b| b ^ 0xff).collect();
            for len in 0..message.len() {
                let m = &message[..len];
                let got = tags(&[&key, &other], &[m]);
                assert_eq!(
                    got,
                    [reference(&key, m), reference(&other, m)],
                    "{key_len}/{len}"
                );
                let split = len / 3;
                let parts = tags(
                    &[&key],
                    &[&m[..split], &m[split..split * 2], &m[split * 2..]],
                );
                assert_eq!(parts[0], reference(&key, m), "{key_len}/{len} in parts");
            }
        }
    }

    /// The one-pass tag equals the reference for every head and body split around the block
    /// boundaries (a head of 0 to 130 bytes, in up to four parts, and bodies of 0 to 200).
    #[test]
    fn one_pass_tags_equal_the_hmac_crate() {
        let message: Vec<u8> = (0..330u16).map(|i| (i * 13 + 5) as u8).collect();
        for key_len in [16usize, 64, 65] {
            let key_bytes: Vec<u8> = (0..key_len).map(|i| i as u8).collect();
            let key = Key::new(&key_bytes);
            for head_len in (0..130).step_by(7) {
                for body_len in (0..200).step_by(9) {
                    let m = &message[..head_len + body_len];
                    let (head, body) = m.split_at(head_len);
                    let q = head_len / 4;
                    let parts = [
                        &head[..q],
                        &head[q..2 * q],
                        &head[2 * q..3 * q],
                        &head[3 * q..],
                    ];
                    let expected = reference(&key_bytes, m);
                    assert_eq!(
                        key.tag(&parts, body).bytes(),
                        expected,
                        "{key_len}/{head_len}/{body_len}"
                    );
                    assert_eq!(key.tag(&[], m).bytes(), expected);
                }
            }
        }
    }

    /// A message fed one byte at a time (the separators' path), ending at every position
    /// around the block boundaries, in both the streaming and the one-pass forms.
    #[test]
    fn single_byte_parts_equal_the_hmac_crate() {
        let message: Vec<u8> = (0..200u8).map(|i| i.wrapping_mul(31)).collect();
        let key_bytes = [9u8; 32];
        let key = Key::new(&key_bytes);
        for len in 0..message.len() {
            let m = &message[..len];
            let bytes: Vec<&[u8]> = m.chunks(1).collect();
            let expected = reference(&key_bytes, m);
            assert_eq!(tags(&[&key_bytes], &bytes)[0], expected, "{len}");
            assert_eq!(key.tag(&bytes, &[]).bytes(), expected, "{len} in one pass");
        }
    }

    #[test]
    fn only_the_given_keys_are_computed() {
        let keys = [Key::new(b"a key of sixteen"), Key::new(b"another 16 bytes")];
        let macs = Macs::<4>::new(&keys);
        assert_eq!(macs.len(), 2);
        assert_eq!(macs.finish().len(), 2);
        assert_eq!(Macs::<1>::new(&keys).finish().len(), 1);
    }

    #[test]
    fn tag_comparison_sees_every_bit() {
        let bytes = [0x5au8; TAG_LEN];
        let tag = Tag([u64::from_ne_bytes([0x5a; 8]); TAG_LEN / 8]);
        assert_eq!(tag.bytes(), bytes);
        assert!(bool::from(tag.matches(&bytes)));
        for byte in 0..TAG_LEN {
            for bit in 0..8 {
                let mut other = bytes;
                other[byte] ^= 1 << bit;
                assert!(!bool::from(tag.matches(&other)), "byte {byte} bit {bit}");
            }
        }
    }

    /// Every computed tag wipes itself when dropped (issue 10: `verify_mac` once left its
    /// computed tag in a plain array on the stack).
    #[test]
    fn computed_tags_are_wiped_on_drop() {
        fn wiped_on_drop<T: ZeroizeOnDrop>(_: &T) {}
        let key = Key::new(&[7u8; 32]);
        wiped_on_drop(&key);
        let mut tags = Macs::<1>::new([&key]).finish();
        let tag = &mut tags[0];
        wiped_on_drop(tag);
        assert_ne!(tag.bytes(), [0u8; TAG_LEN]);
        // What `Drop` runs, observed on a live value.
        tag.wipe();
        assert_eq!(tag.bytes(), [0u8; TAG_LEN]);
    }

    #[test]
    fn nothing_secret_is_printed() {
        let key = Key::new(b"a key of sixteen");
        assert_eq!(alloc::format!("{key:?}"), "Key(<redacted>)");
        assert_eq!(
            alloc::format!("{:?}", Tag([7; TAG_LEN / 8])),
            "Tag(<redacted>)"
        );
    }
}
