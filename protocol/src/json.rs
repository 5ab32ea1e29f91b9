//! A small JSON reader and writer for the browser bundle.
//!
//! The page reads a handful of JSON shapes (the bridge's [`ServerMsg`](crate::wire::ServerMsg)
//! frames, the sandbox API) and writes two (the [`ClientMsg`](crate::wire::ClientMsg) frames
//! and the transcript export). `serde_json` with its `Value`, its error machinery and the
//! serde visitors came to about 9 KB of the gzipped WebAssembly; this module does the same
//! jobs in a fraction of that. It follows RFC 8259 strictly, as `serde_json` does: tests
//! hold it to `serde_json` on valid and invalid texts. The bridge keeps serde.

use std::fmt;

/// A parsed JSON value. Objects keep their members in order; a repeated name is found at
/// its last occurrence, as `serde_json::Value` keeps the last.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number as written (`12`, `-1.5e3`); see [`Json::as_u64`].
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object: its members in order.
    Object(Vec<(String, Json)>),
}

static NULL: Json = Json::Null;

impl Json {
    /// The member `name` of an object; `null` when absent or when this is not an object
    /// (like indexing a `serde_json::Value`).
    pub fn get(&self, name: &str) -> &Json {
        match self {
            Json::Object(members) => members
                .iter()
                .rev()
                .find(|(n, _)| n == name)
                .map_or(&NULL, |(_, v)| v),
            _ => &NULL,
        }
    }

    /// Takes the member `name` out of an object (its last occurrence).
    pub fn take(&mut self, name: &str) -> Option<Json> {
        match self {
            Json::Object(members) => {
                let at = members.iter().rposition(|(n, _)| n == name)?;
                Some(members.swap_remove(at).1)
            }
            _ => None,
        }
    }

    /// The text of a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value of a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// A non-negative whole number written without fraction or exponent, that fits in 64
    /// bits (what `serde_json::Value::as_u64` accepts).
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Json::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    /// The elements of an array.
    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// A number value.
    pub fn number(n: u64) -> Json {
        Json::Number(n.to_string())
    }

    /// The value as JSON on one line, in the layout of `serde_json::to_string`.
    pub fn to_compact(&self) -> String {
        let mut out = String::new();
        self.write_compact(&mut out);
        out
    }

    fn write_compact(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(n),
            Json::String(s) => write_string(out, s),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_compact(out);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (i, (name, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(out, name);
                    out.push(':');
                    value.write_compact(out);
                }
                out.push('}');
            }
        }
    }

    /// The value as pretty-printed JSON, two spaces per level, in the layout of
    /// `serde_json::to_string_pretty`.
    pub fn to_pretty(&self) -> String {
        let mut out = String::new();
        self.write_pretty(&mut out, 0);
        out
    }

    fn write_pretty(&self, out: &mut String, depth: usize) {
        let indent = |out: &mut String, depth: usize| {
            for _ in 0..depth {
                out.push_str("  ");
            }
        };
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(n),
            Json::String(s) => write_string(out, s),
            Json::Array(items) if items.is_empty() => out.push_str("[]"),
            Json::Object(members) if members.is_empty() => out.push_str("{}"),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    out.push_str(if i == 0 { "\n" } else { ",\n" });
                    indent(out, depth + 1);
                    item.write_pretty(out, depth + 1);
                }
                out.push('\n');
                indent(out, depth);
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (i, (name, value)) in members.iter().enumerate() {
                    out.push_str(if i == 0 { "\n" } else { ",\n" });
                    indent(out, depth + 1);
                    write_string(out, name);
                    out.push_str(": ");
                    value.write_pretty(out, depth + 1);
                }
                out.push('\n');
                indent(out, depth);
                out.push('}');
            }
        }
    }
}

impl std::ops::Index<&str> for Json {
    type Output = Json;

    fn index(&self, name: &str) -> &Json {
        self.get(name)
    }
}

/// Appends `s` as a JSON string, escaped as `serde_json` escapes it: `"`, `\` and control
/// characters; everything else, non-ASCII included, as is.
pub fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let short = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'\n' => 'n',
            b'\r' => 'r',
            b'\t' => 't',
            0x08 => 'b',
            0x0c => 'f',
            0..0x20 => 'u',
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push('\\');
        out.push(short);
        if short == 'u' {
            out.push_str("00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// `s` as a JSON string.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_string(&mut out, s);
    out
}

/// Why a text is not JSON: what was wrong and the byte offset where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// What was expected or wrong.
    pub what: &'static str,
    /// Byte offset in the text.
    pub at: usize,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.what, self.at)
    }
}

impl std::error::Error for JsonError {}

/// Arrays and objects nest at most this deep, as in `serde_json` (its recursion limit of
/// 128 admits 127 levels).
const MAX_DEPTH: usize = 127;

/// Parses one JSON text (surrounding whitespace allowed, nothing else after it).
///
/// # Errors
///
/// [`JsonError`] when the text is not exactly one JSON value.
pub fn parse(text: &str) -> Result<Json, JsonError> {
    let mut p = Parser {
        s: text.as_bytes(),
        at: 0,
    };
    let value = p.value(0)?;
    p.ws();
    if p.at < p.s.len() {
        return Err(p.err("trailing characters"));
    }
    Ok(value)
}

struct Parser<'a> {
    s: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn err(&self, what: &'static str) -> JsonError {
        JsonError { what, at: self.at }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        self.ws();
        let found = self.peek() == Some(b);
        if found {
            self.at += 1;
        }
        found
    }

    fn literal(&mut self, word: &[u8], value: Json) -> Result<Json, JsonError> {
        if self.s[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.err("expected a value"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, JsonError> {
        self.ws();
        match self.peek() {
            Some(b'n') => self.literal(b"null", Json::Null),
            Some(b't') => self.literal(b"true", Json::Bool(true)),
            Some(b'f') => self.literal(b"false", Json::Bool(false)),
            Some(b'"') => Ok(Json::String(self.string()?)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(open @ (b'[' | b'{')) => {
                if depth >= MAX_DEPTH {
                    return Err(self.err("nested too deeply"));
                }
                self.at += 1;
                let close = open + 2; // ']' and '}' follow '[' and '{' by two.
                let mut items = Vec::new();
                let mut members = Vec::new();
                if !self.eat(close) {
                    loop {
                        if open == b'{' {
                            self.ws();
                            if self.peek() != Some(b'"') {
                                return Err(self.err("expected a member name"));
                            }
                            let name = self.string()?;
                            if !self.eat(b':') {
                                return Err(self.err("expected ':'"));
                            }
                            members.push((name, self.value(depth + 1)?));
                        } else {
                            items.push(self.value(depth + 1)?);
                        }
                        if self.eat(close) {
                            break;
                        }
                        if !self.eat(b',') {
                            return Err(self.err("expected ',' or the end of the list"));
                        }
                    }
                }
                Ok(if open == b'{' {
                    Json::Object(members)
                } else {
                    Json::Array(items)
                })
            }
            _ => Err(self.err("expected a value")),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Result<Json, JsonError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let first = self.peek();
        let n = self.digits();
        if n == 0 || (n > 1 && first == Some(b'0')) {
            return Err(self.err("invalid number"));
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return Err(self.err("invalid number"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.err("invalid number"));
            }
        }
        // Only ASCII digits and signs were consumed: always a char boundary.
        Ok(Json::Number(
            String::from_utf8_lossy(&self.s[start..self.at]).into_owned(),
        ))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut n = 0;
        for _ in 0..4 {
            let digit = self
                .peek()
                .and_then(|b| char::from(b).to_digit(16))
                .ok_or_else(|| self.err("invalid \\u escape"))?;
            n = n * 16 + digit;
            self.at += 1;
        }
        Ok(n)
    }

    /// A string, the cursor on its opening quote.
    fn string(&mut self) -> Result<String, JsonError> {
        self.at += 1;
        let mut out = Vec::new();
        loop {
            let Some(b) = self.peek() else {
                return Err(self.err("unterminated string"));
            };
            self.at += 1;
            match b {
                b'"' => break,
                0..0x20 => {
                    self.at -= 1;
                    return Err(self.err("control character in a string"));
                }
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return Err(self.err("unterminated string"));
                    };
                    self.at += 1;
                    let c = match e {
                        b'"' | b'\\' | b'/' => char::from(e),
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let mut code = self.hex4()?;
                            if (0xD800..0xDC00).contains(&code) {
                                if !self.s[self.at..].starts_with(b"\\u") {
                                    return Err(self.err("lone surrogate"));
                                }
                                self.at += 2;
                                let low = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&low) {
                                    return Err(self.err("lone surrogate"));
                                }
                                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                            }
                            char::from_u32(code).ok_or_else(|| self.err("lone surrogate"))?
                        }
                        _ => return Err(self.err("invalid escape")),
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                _ => out.push(b),
            }
        }
        // The input is a &str and escapes add whole characters: always valid UTF-8.
        String::from_utf8(out).map_err(|_| self.err("invalid UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// serde_json's view of a text, in this module's terms.
    fn reference(text: &str) -> Option<Json> {
        fn convert(v: serde_json::Value) -> Json {
            match v {
                serde_json::Value::Null => Json::Null,
                serde_json::Value::Bool(b) => Json::Bool(b),
                serde_json::Value::Number(n) => Json::Number(n.to_string()),
                serde_json::Value::String(s) => Json::String(s),
                serde_json::Value::Array(a) => Json::Array(a.into_iter().map(convert).collect()),
                serde_json::Value::Object(o) => {
                    Json::Object(o.into_iter().map(|(k, v)| (k, convert(v))).collect())
                }
            }
        }
        serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .map(convert)
    }

    /// Sorts object members by name, as serde_json's map does, so the trees compare.
    fn sorted(v: Json) -> Json {
        match v {
            Json::Array(a) => Json::Array(a.into_iter().map(sorted).collect()),
            Json::Object(o) => {
                let mut o: Vec<_> = o.into_iter().map(|(k, v)| (k, sorted(v))).collect();
                o.sort_by(|a, b| a.0.cmp(&b.0));
                Json::Object(o)
            }
            other => other,
        }
    }

    #[test]
    fn agrees_with_serde_json_on_valid_and_invalid_texts() {
        let texts = [
            r#"{"type":"line","text":"250 ok","at_ms":12,"latency_ms":3,"encrypted":true}"#,
            r#" [1, 0, 10, "a\"b\\c\/d\b\f\n\r\t", "\u00e9\u4e2d\ud83d\ude00", null, true, false, {}, []] "#,
            r#"{"a":{"b":[{"c":"中文"}]},"d":""}"#,
            "0",
            "\"x\"",
            "",
            " ",
            "{",
            "[1,]",
            "{\"a\":1,}",
            "01",
            "1.",
            "-",
            ".5",
            "1e",
            "[1 2]",
            "{\"a\" 1}",
            "{1:2}",
            "\"\\x\"",
            "\"\\ud800\"",
            "\"\\udc00\"",
            "\"\\ud800\\u0041\"",
            "\"a\nb\"",
            "nul",
            "truex",
            "{} {}",
            "\"unterminated",
            "[\"\\u12\"]",
        ];
        for text in texts {
            let ours = parse(text).ok().map(sorted);
            assert_eq!(ours, reference(text), "{text:?}");
        }
        for depth in [1, 100, 126, 127, 128, 129, 200] {
            let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            assert_eq!(parse(&deep).is_ok(), reference(&deep).is_some(), "{depth}");
        }
        assert!(parse(&format!("{}{}", "[".repeat(127), "]".repeat(127))).is_ok());
    }

    #[test]
    fn numbers_read_as_serde_json_reads_them() {
        for (text, expected) in [
            ("0", Some(0)),
            ("18446744073709551615", Some(u64::MAX)),
            ("18446744073709551616", None),
            ("-1", None),
            ("1.0", None),
            ("1e3", None),
        ] {
            let ours = parse(text).expect("a number").as_u64();
            let theirs = serde_json::from_str::<serde_json::Value>(text)
                .expect("a number")
                .as_u64();
            assert_eq!((ours, theirs), (expected, expected), "{text}");
        }
    }

    #[test]
    fn strings_are_written_as_serde_json_writes_them() {
        let all: String = (0u8..0x80).map(char::from).collect();
        for s in ["", "plain", "a\"b\\c", "中文 é 😀", "\u{7f}", all.as_str()] {
            assert_eq!(string(s), serde_json::to_string(s).expect("a string"));
        }
    }

    #[test]
    fn pretty_output_matches_serde_json() {
        let text = r#"[{"a":1,"b":"x","c":null,"d":true,"e":[],"f":{},"g":[1,{"h":"中"}]},[]]"#;
        let value = parse(text).expect("valid");
        let theirs: serde_json::Value = serde_json::from_str(text).expect("valid");
        assert_eq!(
            value.to_pretty(),
            serde_json::to_string_pretty(&theirs).expect("serializes")
        );
        assert_eq!(Json::Array(Vec::new()).to_pretty(), "[]");
    }

    #[test]
    fn compact_output_matches_serde_json() {
        let text =
            r#"[{"a":1,"b":"x\n\"y","c":null,"d":true,"e":[],"f":{},"g":[1,{"h":"中"}]},[],-15]"#;
        let value = parse(text).expect("valid");
        let theirs: serde_json::Value = serde_json::from_str(text).expect("valid");
        assert_eq!(
            value.to_compact(),
            serde_json::to_string(&theirs).expect("serializes")
        );
    }

    #[test]
    fn members_are_found_and_taken_at_their_last_occurrence() {
        let mut value = parse(r#"{"a":1,"b":2,"a":3}"#).expect("valid");
        assert_eq!(value["a"].as_u64(), Some(3));
        assert_eq!(value["missing"], Json::Null);
        assert_eq!(value["a"]["deeper"], Json::Null);
        assert_eq!(value.take("a").and_then(|v| v.as_u64()), Some(3));
        assert_eq!(Json::Null.take("a"), None);
    }
}
