//! Standard base64 (RFC 4648 section 4, with padding), the encoding of SMTP AUTH.
//!
//! Written out rather than taken from a crate: AUTH lines are short, and the general engine
//! of the `base64` crate cost several kilobytes of the browser bundle. The decoder is as
//! strict as that crate's standard engine (canonical padding, no stray bits), and a
//! property test in `tests/properties.rs` compares the two.

use thiserror::Error;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Why a string is not valid base64.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Base64Error {
    /// The length is not a multiple of four.
    #[error("the length {0} is not a multiple of 4")]
    Length(usize),
    /// A character outside the alphabet, or `=` where it may not stand.
    #[error("invalid character {0:?} at position {1}")]
    Character(char, usize),
    /// The last character carries bits that encode nothing (not canonical base64).
    #[error("the last character has bits that encode nothing")]
    TrailingBits,
}

/// Encodes bytes as padded standard base64.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> shift & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn value(c: u8) -> Option<u32> {
    match c {
        b'A'..=b'Z' => Some(u32::from(c - b'A')),
        b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Decodes padded standard base64.
///
/// # Errors
///
/// [`Base64Error`] for a wrong length, a character outside the alphabet, misplaced padding,
/// or a non-canonical last character.
pub fn decode(text: &str) -> Result<Vec<u8>, Base64Error> {
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return Err(Base64Error::Length(bytes.len()));
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let quads = bytes.len() / 4;
    for (q, quad) in bytes.chunks(4).enumerate() {
        let last = q + 1 == quads;
        let pad = if last {
            quad.iter().rev().take_while(|&&c| c == b'=').count()
        } else {
            0
        };
        if pad > 2 {
            return Err(Base64Error::Character('=', q * 4 + 4 - pad));
        }
        let mut n = 0u32;
        for (i, &c) in quad[..4 - pad].iter().enumerate() {
            let v = value(c).ok_or_else(|| {
                let position = q * 4 + i;
                Base64Error::Character(text[position..].chars().next().unwrap_or('?'), position)
            })?;
            n |= v << (18 - 6 * i);
        }
        let decoded = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        let keep = 3 - pad;
        if decoded[keep..].iter().any(|&b| b != 0) {
            return Err(Base64Error::TrailingBits);
        }
        out.extend_from_slice(&decoded[..keep]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_test_vectors() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(encode(plain.as_bytes()), coded);
            assert_eq!(decode(coded).as_deref(), Ok(plain.as_bytes()));
        }
    }

    #[test]
    fn rejects_what_is_not_canonical_base64() {
        assert_eq!(decode("Zg="), Err(Base64Error::Length(3)));
        assert_eq!(decode("Zg=a"), Err(Base64Error::Character('=', 2)));
        assert_eq!(decode("Z==="), Err(Base64Error::Character('=', 1)));
        assert_eq!(decode("Zh=="), Err(Base64Error::TrailingBits));
        assert_eq!(decode("Zm9v!A=="), Err(Base64Error::Character('!', 4)));
        assert_eq!(decode("=AAA"), Err(Base64Error::Character('=', 0)));
        assert!(decode("Zm9vYmé=").is_err());
    }
}
