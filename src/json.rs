//! A strict, iterative JSON reader (RFC 8259) for the JOSE header, the JWT claims, JWKS and
//! Gemini API events.
//!
//! Why not a general deserializer: attacker bytes reach this code, so it must not recurse
//! per nesting level (a stack overflow on `[[[[...`), must not unescape what it skips (so an
//! ignored member of any length or with surrogate-pair escapes costs nothing and cannot
//! fail), must unescape what it compares (a member name or value is never compared in its
//! raw escaped form), and must refuse everything RFC 8259 refuses (so no other parser reads
//! a different document from the same bytes). Nesting is capped at [`MAX_JSON_DEPTH`].

// With `gemini` alone, the JOSE readers (typed members, arrays, claim names) go unused.
#![cfg_attr(not(feature = "jwks"), allow(dead_code, unreachable_pub))]

/// The deepest nesting of arrays and objects accepted in any JSON this crate parses.
pub const MAX_JSON_DEPTH: usize = 16;

/// The longest member name compared, in bytes (after unescaping): a claim this crate looks
/// for (such as the body-hash claim) may have a name up to this long. Longer names are
/// skipped, never compared.
pub const MAX_CLAIM_NAME_LEN: usize = 256;

/// Why JSON was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JsonError {
    /// Not RFC 8259 JSON (or trailing bytes after the value).
    Syntax,
    /// Well-formed, but a value has another type (or form) than the one asked for.
    Type,
    /// Nested deeper than [`MAX_JSON_DEPTH`].
    TooDeep,
    /// A well-formed string longer than the buffer it was read into.
    TooLong,
    /// A well-formed string with escapes, read where only an unescaped one is taken.
    Escaped,
}

/// The type of the next value, from its first byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Object,
    Array,
    String,
    Number,
    Literal,
}

/// A cursor over one JSON text.
pub(crate) struct Reader<'a> {
    input: &'a [u8],
    pos: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    pub(crate) const fn new(input: &'a [u8]) -> Self {
        Self {
            input,
            pos: 0,
            depth: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    fn bump(&mut self) {
        self.pos = self.pos.saturating_add(1);
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.bump();
        }
    }

    fn eat(&mut self, byte: u8) -> Result<(), JsonError> {
        self.skip_ws();
        if self.peek() == Some(byte) {
            self.bump();
            Ok(())
        } else {
            Err(JsonError::Syntax)
        }
    }

    /// The kind of the next value.
    pub(crate) fn kind(&mut self) -> Result<Kind, JsonError> {
        self.skip_ws();
        match self.peek() {
            Some(b'{') => Ok(Kind::Object),
            Some(b'[') => Ok(Kind::Array),
            Some(b'"') => Ok(Kind::String),
            Some(b'-' | b'0'..=b'9') => Ok(Kind::Number),
            Some(b't' | b'f' | b'n') => Ok(Kind::Literal),
            _ => Err(JsonError::Syntax),
        }
    }

    /// Checks that only whitespace follows.
    pub(crate) fn end(&mut self) -> Result<(), JsonError> {
        self.skip_ws();
        if self.pos == self.input.len() {
            Ok(())
        } else {
            Err(JsonError::Syntax)
        }
    }

    fn enter(&mut self) -> Result<(), JsonError> {
        self.depth = self.depth.saturating_add(1);
        if self.depth > MAX_JSON_DEPTH {
            Err(JsonError::TooDeep)
        } else {
            Ok(())
        }
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Reads an object, calling `member` with each member's unescaped name (names longer
    /// than [`MAX_CLAIM_NAME_LEN`] bytes arrive as `None`: no member this crate reads, and no
    /// claim name a caller can configure, is that long). `member` must consume the value (with
    /// a `read_*` method or [`skip`](Self::skip)).
    pub(crate) fn object<E: From<JsonError>>(
        &mut self,
        mut member: impl FnMut(&mut Self, Option<&str>) -> Result<(), E>,
    ) -> Result<(), E> {
        if self.kind()? != Kind::Object {
            return Err(JsonError::Type.into());
        }
        self.bump();
        self.enter()?;
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.bump();
            self.leave();
            return Ok(());
        }
        loop {
            let mut name = heapless::String::<MAX_CLAIM_NAME_LEN>::new();
            let fits = self.string(|s| name.push_str(s).is_ok())?;
            self.eat(b':')?;
            member(self, fits.then_some(name.as_str()))?;
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.bump(),
                Some(b'}') => {
                    self.bump();
                    self.leave();
                    return Ok(());
                }
                _ => return Err(JsonError::Syntax.into()),
            }
        }
    }

    /// Reads an array, calling `element` for each element, which it must consume.
    pub(crate) fn array<E: From<JsonError>>(
        &mut self,
        mut element: impl FnMut(&mut Self) -> Result<(), E>,
    ) -> Result<(), E> {
        if self.kind()? != Kind::Array {
            return Err(JsonError::Type.into());
        }
        self.bump();
        self.enter()?;
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.bump();
            self.leave();
            return Ok(());
        }
        loop {
            element(self)?;
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.bump(),
                Some(b']') => {
                    self.bump();
                    self.leave();
                    return Ok(());
                }
                _ => return Err(JsonError::Syntax.into()),
            }
        }
    }

    /// Reads a string, unescaped, into a bounded string; `Type` when it is not a string,
    /// `TooLong` (with the string consumed) when it does not fit.
    pub(crate) fn read_string<const N: usize>(&mut self) -> Result<heapless::String<N>, JsonError> {
        if self.kind()? != Kind::String {
            return Err(JsonError::Type);
        }
        let mut out = heapless::String::<N>::new();
        if self.string(|s| out.push_str(s).is_ok())? {
            Ok(out)
        } else {
            Err(JsonError::TooLong)
        }
    }

    /// Reads a string that contains no escapes, borrowed from the input (base64url key
    /// material never needs escapes); `Type` when it is not a string, `Escaped` (with the
    /// string consumed) when it has escapes.
    pub(crate) fn read_raw_string(&mut self) -> Result<&'a str, JsonError> {
        let raw = self.read_escaped_string()?;
        if raw.contains('\\') {
            return Err(JsonError::Escaped);
        }
        Ok(raw)
    }

    /// Reads a string, validated, and returns its content as written between the quotes
    /// (escapes not decoded); `Type` when it is not a string.
    pub(crate) fn read_escaped_string(&mut self) -> Result<&'a str, JsonError> {
        if self.kind()? != Kind::String {
            return Err(JsonError::Type);
        }
        // The cursor is on the opening quote; the content ends before the closing one.
        let start = self.pos.saturating_add(1);
        self.string(|_| true)?;
        let end = self.pos.saturating_sub(1);
        let raw = self.input.get(start..end).ok_or(JsonError::Syntax)?;
        core::str::from_utf8(raw).map_err(|_| JsonError::Syntax)
    }

    /// Reads a string, unescaped, piece by piece into `sink` (which says whether to go on).
    #[cfg_attr(not(feature = "gemini"), allow(dead_code))]
    pub(crate) fn read_string_with(
        &mut self,
        sink: impl FnMut(&str) -> bool,
    ) -> Result<bool, JsonError> {
        if self.kind()? != Kind::String {
            return Err(JsonError::Type);
        }
        self.string(sink)
    }

    /// Reads one value of any kind, validated, and returns it as written.
    #[cfg_attr(not(feature = "gemini"), allow(dead_code))]
    pub(crate) fn read_raw_value(&mut self) -> Result<&'a [u8], JsonError> {
        self.skip_ws();
        let start = self.pos;
        self.skip()?;
        self.input.get(start..self.pos).ok_or(JsonError::Syntax)
    }

    /// Reads a non-negative integer without fraction or exponent that fits a `u64`; `Type`
    /// for any other value (a string, `null`, `1.5`, `1e9`, `-1`).
    pub(crate) fn read_u64(&mut self) -> Result<u64, JsonError> {
        if self.kind()? != Kind::Number {
            return Err(JsonError::Type);
        }
        let start = self.pos;
        self.number()?;
        let text = self.input.get(start..self.pos).ok_or(JsonError::Syntax)?;
        text.iter().try_fold(0u64, |acc, &b| {
            if !b.is_ascii_digit() {
                return Err(JsonError::Type);
            }
            acc.checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(b.wrapping_sub(b'0'))))
                .ok_or(JsonError::Type)
        })
    }

    /// Skips one value of any kind, validating it, without recursion and without
    /// unescaping its strings.
    pub(crate) fn skip(&mut self) -> Result<(), JsonError> {
        // One bit per open container: 1 for an object, 0 for an array.
        let mut stack = 0u32;
        let mut open = 0usize;
        loop {
            // A value.
            match self.kind()? {
                Kind::String => {
                    self.string(|_| true)?;
                }
                Kind::Number => self.number()?,
                Kind::Literal => self.literal()?,
                Kind::Object | Kind::Array => {
                    let object = self.kind()? == Kind::Object;
                    self.bump();
                    self.enter()?;
                    open = open.saturating_add(1);
                    stack = (stack << 1) | u32::from(object);
                    self.skip_ws();
                    let close = if object { b'}' } else { b']' };
                    if self.peek() == Some(close) {
                        // Empty container: fall through to the closing logic below.
                    } else {
                        if object {
                            self.string(|_| true)?;
                            self.eat(b':')?;
                        }
                        continue;
                    }
                }
            }
            // After a value: close containers or move to the next element.
            loop {
                if open == 0 {
                    return Ok(());
                }
                let object = stack & 1 == 1;
                self.skip_ws();
                match self.peek() {
                    Some(b',') => {
                        self.bump();
                        if object {
                            self.string(|_| true)?;
                            self.eat(b':')?;
                        }
                        break;
                    }
                    Some(b'}') if object => {}
                    Some(b']') if !object => {}
                    _ => return Err(JsonError::Syntax),
                }
                self.bump();
                self.leave();
                open = open.saturating_sub(1);
                stack >>= 1;
            }
        }
    }

    /// Parses a string at the cursor (which must be on `"`), handing its unescaped content
    /// to `sink` in pieces; returns `false` if `sink` ever did.
    fn string(&mut self, mut sink: impl FnMut(&str) -> bool) -> Result<bool, JsonError> {
        self.skip_ws();
        if self.peek() != Some(b'"') {
            return Err(JsonError::Syntax);
        }
        self.bump();
        let mut ok = true;
        loop {
            let start = self.pos;
            // A run of plain characters.
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.bump();
            }
            let run = self.input.get(start..self.pos).ok_or(JsonError::Syntax)?;
            let run = core::str::from_utf8(run).map_err(|_| JsonError::Syntax)?;
            if !run.is_empty() {
                ok &= sink(run);
            }
            match self.peek() {
                Some(b'"') => {
                    self.bump();
                    return Ok(ok);
                }
                Some(b'\\') => {
                    self.bump();
                    let c = self.escape()?;
                    let mut utf8 = [0u8; 4];
                    ok &= sink(c.encode_utf8(&mut utf8));
                }
                // A control character (RFC 8259 section 7) or the end of the input.
                _ => return Err(JsonError::Syntax),
            }
        }
    }

    /// How many bytes have been read.
    pub(crate) const fn position(&self) -> usize {
        self.pos
    }

    /// Decodes the escape after a backslash, joining UTF-16 surrogate pairs.
    pub(crate) fn escape(&mut self) -> Result<char, JsonError> {
        let b = self.peek().ok_or(JsonError::Syntax)?;
        self.bump();
        Ok(match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = self.hex4()?;
                match high {
                    0xd800..=0xdbff => {
                        if self.peek() != Some(b'\\') {
                            return Err(JsonError::Syntax);
                        }
                        self.bump();
                        if self.peek() != Some(b'u') {
                            return Err(JsonError::Syntax);
                        }
                        self.bump();
                        let low = self.hex4()?;
                        if !(0xdc00..=0xdfff).contains(&low) {
                            return Err(JsonError::Syntax);
                        }
                        let code = 0x1_0000u32
                            .saturating_add((high.saturating_sub(0xd800)) << 10)
                            .saturating_add(low.saturating_sub(0xdc00));
                        char::from_u32(code).ok_or(JsonError::Syntax)?
                    }
                    // A lone low surrogate is not a character.
                    0xdc00..=0xdfff => return Err(JsonError::Syntax),
                    _ => char::from_u32(high).ok_or(JsonError::Syntax)?,
                }
            }
            _ => return Err(JsonError::Syntax),
        })
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut value = 0u32;
        for _ in 0..4 {
            let digit = match self.peek() {
                Some(b @ b'0'..=b'9') => b.wrapping_sub(b'0'),
                Some(b @ b'a'..=b'f') => b.wrapping_sub(b'a').wrapping_add(10),
                Some(b @ b'A'..=b'F') => b.wrapping_sub(b'A').wrapping_add(10),
                _ => return Err(JsonError::Syntax),
            };
            self.bump();
            value = (value << 4) | u32::from(digit);
        }
        Ok(value)
    }

    /// RFC 8259 section 6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn number(&mut self) -> Result<(), JsonError> {
        if self.peek() == Some(b'-') {
            self.bump();
        }
        match self.peek() {
            Some(b'0') => self.bump(),
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(JsonError::Syntax),
        }
        if self.peek() == Some(b'.') {
            self.bump();
            self.digits1()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.bump();
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.bump();
            }
            self.digits1()?;
        }
        Ok(())
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.bump();
        }
    }

    fn digits1(&mut self) -> Result<(), JsonError> {
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(JsonError::Syntax);
        }
        self.digits();
        Ok(())
    }

    fn literal(&mut self) -> Result<(), JsonError> {
        let rest = self.input.get(self.pos..).unwrap_or_default();
        let len = [&b"true"[..], b"false", b"null"]
            .into_iter()
            .find(|lit| rest.starts_with(lit))
            .map(<[u8]>::len)
            .ok_or(JsonError::Syntax)?;
        self.pos = self.pos.saturating_add(len);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid(json: &str) -> bool {
        let mut r = Reader::new(json.as_bytes());
        r.skip().and_then(|()| r.end()).is_ok()
    }

    #[test]
    fn accepts_rfc_8259() {
        for json in [
            "{}",
            "[]",
            " { \"a\" : [ 1 , -0.5e+3 , true , false , null , \"x\" , { } , [ ] ] } ",
            r#"{"\u00e9\ud83d\ude00\"\\\/\b\f\n\r\t":0}"#,
            "0",
            "-0",
            "1E9",
            "\"\"",
        ] {
            assert!(valid(json), "{json}");
        }
    }

    #[test]
    fn refuses_what_rfc_8259_refuses() {
        for json in [
            "",
            "{",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\":1,}",
            "[1,]",
            "[1 2]",
            "{a:1}",
            "{'a':1}",
            "01",
            "1.",
            ".5",
            "+1",
            "1e",
            "tru",
            "nul",
            "True",
            "{\"a\":xyz}",
            "\"\\x\"",
            "\"\\u12\"",
            "\"\\ud83d\"",
            "\"\\ude00\"",
            "\"\\ud83d\\u0041\"",
            "\"a\nb\"",
            "[1] 2",
            "\u{feff}{}",
            "NaN",
            "Infinity",
        ] {
            assert!(!valid(json), "{json:?} accepted");
        }
        assert!(!valid("\"\u{0}\""));
        let mut r = Reader::new(b"\"\xff\"");
        assert!(r.skip().is_err());
    }

    #[test]
    fn depth_is_capped_without_recursion() {
        let ok = "[".repeat(MAX_JSON_DEPTH) + &"]".repeat(MAX_JSON_DEPTH);
        assert!(valid(&ok));
        let deep = "[".repeat(MAX_JSON_DEPTH + 1) + &"]".repeat(MAX_JSON_DEPTH + 1);
        let mut r = Reader::new(deep.as_bytes());
        assert_eq!(r.skip(), Err(JsonError::TooDeep));
        let huge = [b'['; 100_000];
        let mut r = Reader::new(&huge);
        assert_eq!(r.skip(), Err(JsonError::TooDeep));
    }

    #[test]
    fn typed_reads() {
        assert_eq!(Reader::new(b"1700000000").read_u64(), Ok(1_700_000_000));
        for not_u64 in [
            &b"1.5"[..],
            b"1e9",
            b"-1",
            b"null",
            b"\"1\"",
            b"18446744073709551616",
        ] {
            assert_eq!(Reader::new(not_u64).read_u64(), Err(JsonError::Type));
        }
        assert_eq!(
            Reader::new(b"\"a\\u0041\"")
                .read_string::<8>()
                .unwrap()
                .as_str(),
            "aA"
        );
        assert_eq!(
            Reader::new(b"\"abcdefghi\"").read_string::<8>(),
            Err(JsonError::TooLong)
        );
        assert_eq!(Reader::new(b"7").read_string::<8>(), Err(JsonError::Type));
        assert_eq!(
            Reader::new(b"\"a\\u0041\"").read_raw_string(),
            Err(JsonError::Escaped)
        );
        assert_eq!(Reader::new(b"\"abc\"").read_raw_string(), Ok("abc"));
        assert_eq!(Reader::new(b"\"\"").read_raw_string(), Ok(""));
        extern crate alloc;
        use alloc::format;
        let mut names = heapless::Vec::<heapless::String<MAX_CLAIM_NAME_LEN>, 4>::new();
        let long = "n".repeat(MAX_CLAIM_NAME_LEN);
        let longer = "n".repeat(MAX_CLAIM_NAME_LEN + 1);
        let json = format!(r#"{{"a\u0062":1,"{long}":2,"{longer}":3}}"#);
        let mut r = Reader::new(json.as_bytes());
        r.object::<JsonError>(|r, name| {
            let _ = names.push(name.map(|n| n.try_into().unwrap()).unwrap_or_default());
            r.skip()
        })
        .unwrap();
        assert_eq!(names, ["ab", long.as_str(), ""]);
    }
}
