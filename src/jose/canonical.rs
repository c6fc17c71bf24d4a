//! Claims rewritten so that `serde-json-core` reads every document this crate's own reader
//! accepted.
//!
//! `serde-json-core` 0.7 decodes each `\uXXXX` escape alone, so a surrogate pair (`\ud83d\ude00`,
//! how many encoders write an emoji) fails; and it unescapes every string with an escape into
//! the caller's buffer, ignored members included. So the claims are rewritten once: every
//! escape that stands for a character JSON allows raw is replaced by that character in UTF-8
//! (pairs joined), and only `\"`, `\\` and control characters stay escaped, in their shortest
//! form. The result is the same JSON document (RFC 8259 section 7: an escape and its character
//! are the same string), never longer than the input, and its longest remaining escaped string
//! tells how much unescaping room `serde-json-core` needs.

use crate::json::{JsonError, Reader};

/// The size of a rewritten document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Canonical {
    /// Length of the rewritten document in bytes.
    pub(crate) len: usize,
    /// The longest unescaped length of a string that still holds escapes.
    pub(crate) longest_escaped: usize,
}

/// Rewrites the JSON text in `buf` (already validated by [`Reader`]) in place: every escape
/// is decoded no later than it is read, and what replaces it is never longer, so the write
/// position never passes the read position.
pub(crate) fn rewrite_in_place(buf: &mut [u8]) -> Result<Canonical, JsonError> {
    let (mut read, mut write) = (0usize, 0usize);
    let mut longest_escaped = 0usize;
    let mut string: Option<(usize, bool)> = None;
    while let Some(&byte) = buf.get(read) {
        read = read.saturating_add(1);
        let Some((unescaped_len, escaped)) = string.as_mut() else {
            put(buf, &mut write, &[byte]);
            // In validated JSON a quote outside a string opens one.
            if byte == b'"' {
                string = Some((0, false));
            }
            continue;
        };
        match byte {
            b'"' => {
                if *escaped {
                    longest_escaped = longest_escaped.max(*unescaped_len);
                }
                string = None;
                put(buf, &mut write, b"\"");
            }
            b'\\' => {
                let (c, used) = {
                    let mut reader = Reader::new(buf.get(read..).ok_or(JsonError::Syntax)?);
                    (reader.escape()?, reader.position())
                };
                read = read.saturating_add(used);
                *unescaped_len = unescaped_len.saturating_add(c.len_utf8());
                if let Some(short) = kept_escape(c) {
                    *escaped = true;
                    put(buf, &mut write, short.as_bytes());
                } else if u32::from(c) < 0x20 {
                    *escaped = true;
                    put(buf, &mut write, b"\\u00");
                    put(buf, &mut write, &hex_byte(u32::from(c)));
                } else {
                    put(buf, &mut write, c.encode_utf8(&mut [0u8; 4]).as_bytes());
                }
            }
            other => {
                *unescaped_len = unescaped_len.saturating_add(1);
                put(buf, &mut write, &[other]);
            }
        }
    }
    Ok(Canonical {
        len: write,
        longest_escaped,
    })
}

/// Writes `bytes` at `*write` and advances it (the caller keeps it behind the read position).
fn put(buf: &mut [u8], write: &mut usize, bytes: &[u8]) {
    let end = write.saturating_add(bytes.len());
    if let Some(slot) = buf.get_mut(*write..end) {
        slot.copy_from_slice(bytes);
    }
    *write = end;
}

/// The two-character escape kept for `c`, if it has one and must stay escaped.
const fn kept_escape(c: char) -> Option<&'static str> {
    Some(match c {
        '"' => "\\\"",
        '\\' => "\\\\",
        '\u{8}' => "\\b",
        '\u{c}' => "\\f",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        _ => return None,
    })
}

/// Two lowercase hex digits of a byte value below 0x100.
fn hex_byte(value: u32) -> [u8; 2] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digit = |shift: u32| {
        let index = usize::try_from((value >> shift) & 0xf).unwrap_or(0);
        HEX.get(index).copied().unwrap_or(b'0')
    };
    [digit(4), digit(0)]
}

#[cfg(test)]
mod tests {
    extern crate alloc;
    use super::*;

    fn canonical(json: &str) -> (alloc::string::String, usize) {
        let mut buf = json.as_bytes().to_vec();
        let c = rewrite_in_place(&mut buf).unwrap();
        (
            core::str::from_utf8(&buf[..c.len]).unwrap().into(),
            c.longest_escaped,
        )
    }

    #[test]
    fn escapes_become_characters_except_the_required_ones() {
        assert_eq!(
            canonical(r#"{"a\u0062":"caf\u00e9 \ud83d\ude00 https:\/\/x"}"#),
            ("{\"ab\":\"café 😀 https://x\"}".into(), 0)
        );
        assert_eq!(
            canonical(r#"["q\"b\\n\nt\tc\u0001\u001F\b\f\r"]"#),
            (r#"["q\"b\\n\nt\tc\u0001\u001f\b\f\r"]"#.into(), 14)
        );
        assert_eq!(canonical(r#" { "x" : [1, true, null] } "#).1, 0);
    }

    #[test]
    fn never_longer_than_the_input() {
        for json in [
            r#"{"k":"\u0041\u00e9\u4e2d\ud83d\ude00\n\u000a\u0000"}"#,
            r#""plain""#,
        ] {
            let (out, _) = canonical(json);
            assert!(out.len() <= json.len(), "{json}");
        }
    }
}
