//! Python `repr` literals, as smtplib's debug output prints what it sent and received:
//! `'ehlo x\r\n'`, `b"it's"`, with `\xNN`, `\uNNNN` and the usual backslash escapes.

/// Decodes a `str` or `bytes` literal; `None` when the text is not one. Bytes that are not
/// UTF-8 become U+FFFD.
pub(super) fn decode(literal: &str) -> Option<String> {
    let literal = literal.trim();
    let literal = literal.strip_prefix('b').unwrap_or(literal);
    let quote = literal.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let inner = literal.strip_prefix(quote)?.strip_suffix(quote)?;
    let mut bytes = Vec::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            push_char(&mut bytes, c);
            continue;
        }
        match chars.next()? {
            'r' => bytes.push(b'\r'),
            'n' => bytes.push(b'\n'),
            't' => bytes.push(b'\t'),
            'a' => bytes.push(0x07),
            'b' => bytes.push(0x08),
            'f' => bytes.push(0x0c),
            'v' => bytes.push(0x0b),
            '0' => bytes.push(0),
            '\\' => bytes.push(b'\\'),
            '\'' => bytes.push(b'\''),
            '"' => bytes.push(b'"'),
            'x' => bytes.push(u8::try_from(hex(&mut chars, 2)?).ok()?),
            'u' => push_char(&mut bytes, char::from_u32(hex(&mut chars, 4)?)?),
            'U' => push_char(&mut bytes, char::from_u32(hex(&mut chars, 8)?)?),
            other => {
                bytes.push(b'\\');
                push_char(&mut bytes, other);
            }
        }
    }
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

fn push_char(bytes: &mut Vec<u8>, c: char) {
    let mut buf = [0; 4];
    bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

/// The value of the next `digits` hex digits.
fn hex(chars: &mut std::str::Chars<'_>, digits: usize) -> Option<u32> {
    let text: String = chars.by_ref().take(digits).collect();
    if text.len() != digits {
        return None;
    }
    u32::from_str_radix(&text, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert_eq!(decode("'a\\r\\n'").as_deref(), Some("a\r\n"));
        assert_eq!(decode("b\"it's\"").as_deref(), Some("it's"));
        assert_eq!(decode("b'Caf\\xc3\\xa9'").as_deref(), Some("Café"));
        assert_eq!(decode("'\\u4f60\\U0001F600'").as_deref(), Some("你😀"));
        assert_eq!(decode("'a\\qb'").as_deref(), Some("a\\qb"));
        assert_eq!(decode("b'\\xzz'"), None);
        assert_eq!(decode("b'\\x4'"), None);
        assert_eq!(decode("'\\ud800'"), None);
        assert_eq!(decode("'unterminated"), None);
        assert_eq!(decode("retcode (250)"), None);
    }
}
