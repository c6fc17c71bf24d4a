//! RS256 differential against the `rsa` crate (`=0.10.0-rc.20`, hookverify's own version):
//! `pkcs1v15::VerifyingKey::<Sha256>::verify` must give the same verdict as hookverify's
//! `KeySet::verify_signature`. Keys: the public RSA-2048/3072/4096 keys of the interop vectors
//! (random signatures only: no private key exists) and a throwaway RSA-2048 key generated at
//! startup from a fixed seed, which also makes valid signatures, corrupted ones, and
//! signatures over hand-edited PKCS#1 v1.5 encodings (raw private-key operation).
#![no_main]

use std::sync::LazyLock;

use arbitrary::Arbitrary;
use hookverify::{Algorithm, KeySet};
use hookverify_fuzz::{RSA_TEST_KEY, SeededRng, interop_rsa, jwks, rsa_jwk, to_be_padded};
use libfuzzer_sys::fuzz_target;
use rsa::sha2::{Digest as _, Sha256};
use rsa::signature::{SignatureEncoding as _, Signer as _, Verifier as _};
use rsa::traits::PublicKeyParts as _;
use rsa::{BoxedUint, RsaPublicKey, pkcs1v15};

struct Key {
    n: Vec<u8>,
    ours: KeySet<1>,
    theirs: pkcs1v15::VerifyingKey<Sha256>,
}

fn key(n: Vec<u8>) -> Key {
    let ours = KeySet::from_json(jwks(&[rsa_jwk(&n, "k")]).as_bytes()).unwrap();
    assert_eq!(ours.len(), 1);
    let public = RsaPublicKey::new(
        BoxedUint::from_be_slice_vartime(&n),
        BoxedUint::from_be_slice_vartime(&[1, 0, 1]),
    )
    .unwrap();
    Key {
        n,
        ours,
        theirs: pkcs1v15::VerifyingKey::new(public),
    }
}

/// Index 0 is the generated test key (it has the private half); 1..=3 the interop keys.
static KEYS: LazyLock<Vec<Key>> = LazyLock::new(|| {
    let mut keys = vec![key(RSA_TEST_KEY
        .n()
        .as_ref()
        .to_be_bytes_trimmed_vartime()
        .to_vec())];
    for set in ["set-rsa2048", "set-rsa3072", "set-rsa4096"] {
        keys.push(key(interop_rsa(set).1));
    }
    keys
});

static SIGNER: LazyLock<pkcs1v15::SigningKey<Sha256>> =
    LazyLock::new(|| pkcs1v15::SigningKey::new(RSA_TEST_KEY.clone()));

const DIGEST_INFO: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

#[derive(Arbitrary, Debug)]
struct Input {
    key: u8,
    message: Vec<u8>,
    signature: Sig,
}

#[derive(Arbitrary, Debug)]
enum Sig {
    /// Any bytes, any length.
    Raw(Vec<u8>),
    /// Bytes repeated to exactly the modulus length, the top byte kept below n's (so s < n).
    ModulusLength(Vec<u8>, bool),
    /// A valid signature by the test key, then `how`.
    Signed(Edit),
    /// The test key's raw private operation over a hand-edited encoding.
    Encoding(EmEdit),
}

#[derive(Arbitrary, Debug)]
enum Edit {
    None,
    FlipBit(u16),
    Truncate(u16),
    Append(Vec<u8>),
    PlusModulus,
    Value(Special),
}

#[derive(Arbitrary, Debug)]
enum Special {
    Zero,
    One,
    NMinusOne,
    N,
}

#[derive(Arbitrary, Debug)]
enum EmEdit {
    None,
    Xor(Vec<(u16, u8)>),
    /// Move the 0x00 separator: `shift` fewer 0xff bytes, the DigestInfo moved left.
    ShortPadding(u8, u8),
    /// Another DigestInfo (or none), the hash right-aligned.
    Prefix(Vec<u8>),
    /// Block type 0x02, or another.
    BlockType(u8),
    /// The hash of another message.
    OtherHash(Vec<u8>),
}

fn encoding(k: usize, prefix: &[u8], hash: &[u8]) -> Vec<u8> {
    let mut em = vec![0xffu8; k];
    em[0] = 0;
    em[1] = 1;
    let t = prefix.len() + hash.len();
    let start = k.saturating_sub(t);
    em[start - 1] = 0;
    em[start..start + prefix.len()].copy_from_slice(prefix);
    em[start + prefix.len()..].copy_from_slice(hash);
    em
}

/// s = em^d mod n with the test key, or `None` when em >= n.
fn raw_sign(em: &[u8]) -> Option<Vec<u8>> {
    let k = RSA_TEST_KEY.size();
    let m = BoxedUint::from_be_slice(em, RSA_TEST_KEY.n_bits_precision()).ok()?;
    if m >= *RSA_TEST_KEY.n().as_ref() {
        return None;
    }
    let s = rsa::hazmat::rsa_decrypt(None::<&mut SeededRng>, &*RSA_TEST_KEY, &m).ok()?;
    Some(to_be_padded(&s, k))
}

/// a + b over big-endian byte strings (the result as long as needed).
fn plus(a: &[u8], b: &[u8]) -> Vec<u8> {
    let len = a.len().max(b.len()) + 1;
    let pad = |x: &[u8]| [vec![0; len - x.len()], x.to_vec()].concat();
    let (a, b) = (pad(a), pad(b));
    let mut out = vec![0u8; len];
    let mut carry = 0u16;
    for i in (0..len).rev() {
        let v = u16::from(a[i]) + u16::from(b[i]) + carry;
        out[i] = v as u8;
        carry = v >> 8;
    }
    if out[0] == 0 {
        out.remove(0);
    }
    out
}

fuzz_target!(|input: Input| {
    let index = usize::from(input.key) % KEYS.len();
    let key = &KEYS[index];
    let k = key.n.len();
    let message = input.message.as_slice();
    let mut must_verify = false;
    let signature: Vec<u8> = match input.signature {
        Sig::Raw(bytes) => bytes,
        Sig::ModulusLength(bytes, below) => {
            let mut s: Vec<u8> = bytes.iter().copied().cycle().take(k).collect();
            s.resize(k, 0);
            if below {
                s[0] = s[0].min(key.n[0].saturating_sub(1));
            }
            s
        }
        Sig::Signed(_) | Sig::Encoding(_) if index != 0 => return,
        Sig::Signed(edit) => {
            let mut s = SIGNER.sign(message).to_vec();
            match edit {
                Edit::None => must_verify = true,
                Edit::FlipBit(at) => s[usize::from(at / 8) % k] ^= 1 << (at % 8),
                Edit::Truncate(len) => s.truncate(usize::from(len) % k),
                Edit::Append(more) => s.extend_from_slice(&more),
                Edit::PlusModulus => s = plus(&s, &key.n),
                Edit::Value(v) => {
                    let one = [1u8];
                    s = match v {
                        Special::Zero => vec![0; k],
                        Special::One => plus(&vec![0; k], &one),
                        Special::N => key.n.clone(),
                        Special::NMinusOne => {
                            let mut n = key.n.clone();
                            *n.last_mut().unwrap() -= 1; // n is odd
                            n
                        }
                    };
                    s = [vec![0; k.saturating_sub(s.len())], s].concat();
                }
            }
            s
        }
        Sig::Encoding(edit) => {
            let hash = Sha256::digest(message);
            let mut em = encoding(k, &DIGEST_INFO, &hash);
            match edit {
                EmEdit::None => must_verify = true,
                EmEdit::Xor(edits) => {
                    for (at, xor) in edits {
                        em[usize::from(at) % k] ^= xor;
                    }
                    must_verify = em == encoding(k, &DIGEST_INFO, &hash);
                }
                EmEdit::ShortPadding(shift, tail) => {
                    let shift = usize::from(shift % 16) + 1;
                    let sep = k - DIGEST_INFO.len() - hash.len() - 1;
                    em.copy_within(sep.., sep - shift);
                    for b in &mut em[k - shift..] {
                        *b = tail;
                    }
                }
                EmEdit::Prefix(prefix) => {
                    let prefix = &prefix[..prefix.len().min(64)];
                    must_verify = prefix == DIGEST_INFO;
                    em = encoding(k, prefix, &hash);
                }
                EmEdit::BlockType(t) => {
                    em[1] = t;
                    must_verify = t == 1;
                }
                EmEdit::OtherHash(other) => {
                    must_verify = other == message;
                    em = encoding(k, &DIGEST_INFO, &Sha256::digest(&other));
                }
            }
            match raw_sign(&em) {
                Some(s) => s,
                None => return,
            }
        }
    };

    let ours = key
        .ours
        .verify_signature(None, Algorithm::Rs256, message, &signature)
        .is_ok();
    let theirs = pkcs1v15::Signature::try_from(signature.as_slice())
        .is_ok_and(|s| key.theirs.verify(message, &s).is_ok());
    assert_eq!(
        ours,
        theirs,
        "hookverify {ours}, rsa {theirs} (key {index}, {} bytes)",
        signature.len()
    );
    if must_verify {
        assert!(ours, "a valid signature was refused (key {index})");
    }
});
