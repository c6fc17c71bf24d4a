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
    /// Length of the rewritten document in bytes (written when it fitted the output).
    pub(crate) len: usize,
    /// The longest unescaped length of a string that still holds escapes.
    pub(crate) longest_escaped: usize,
}

/// Rewrites `json` (already validated by [`Reader`]) into `out`. When `out` is too short the
/// sizes are still computed, so the caller can report how much room is needed.
pub(crate) fn rewrite(json: &[u8], out: &mut [u8]) -> Result<Canonical, JsonError> {
    let mut reader = Reader::new(json);
    let mut writer = Writer { out, len: 0 };
    let mut longest_escaped = 0usize;
    while let Some(byte) = reader.next_byte() {
        writer.push(&[byte]);
        // In validated JSON a quote outside a string opens one.
        if byte != b'"' {
            continue;
        }
        let (mut unescaped_len, mut escaped) = (0usize, false);
        loop {
            let byte = reader.next_byte().ok_or(JsonError::Syntax)?;
            match byte {
                b'"' => {
                    writer.push(b"\"");
                    break;
                }
                b'\\' => {
                    let c = reader.escape()?;
                    unescaped_len = unescaped_len.saturating_add(c.len_utf8());
                    if let Some(short) = kept_escape(c) {
                        escaped = true;
                        writer.push(short.as_bytes());
                    } else if u32::from(c) < 0x20 {
                        escaped = true;
                        writer.push(b"\\u00");
                        writer.push(&hex_byte(u32::from(c)));
                    } else {
                        writer.push(c.encode_utf8(&mut [0u8; 4]).as_bytes());
                    }
                }
                other => {
                    unescaped_len = unescaped_len.saturating_add(1);
                    writer.push(&[other]);
                }
            }
        }
        if escaped {
            longest_escaped = longest_escaped.max(unescaped_len);
        }
    }
    Ok(Canonical {
        len: writer.len,
        longest_escaped,
    })
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

/// Writes into a fixed buffer while it has room, and counts every byte either way.
struct Writer<'o> {
    out: &'o mut [u8],
    len: usize,
}

impl Writer<'_> {
    fn push(&mut self, bytes: &[u8]) {
        let end = self.len.saturating_add(bytes.len());
        if let Some(slot) = self.out.get_mut(self.len..end) {
            slot.copy_from_slice(bytes);
        }
        self.len = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(json: &str) -> (alloc::string::String, usize) {
        let mut out = [0u8; 256];
        let c = rewrite(json.as_bytes(), &mut out).unwrap();
        (
            core::str::from_utf8(&out[..c.len]).unwrap().into(),
            c.longest_escaped,
        )
    }

    extern crate alloc;

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
    fn never_longer_than_the_input_and_sized_when_out_is_short() {
        for json in [
            r#"{"k":"\u0041\u00e9\u4e2d\ud83d\ude00\n\u000a\u0000"}"#,
            r#""plain""#,
        ] {
            let mut out = [0u8; 128];
            let full = rewrite(json.as_bytes(), &mut out).unwrap();
            assert!(full.len <= json.len(), "{json}");
            let mut short = [0u8; 3];
            assert_eq!(rewrite(json.as_bytes(), &mut short), Ok(full));
        }
    }
}
