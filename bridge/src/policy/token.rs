//! The optional bearer token: a shared secret that unlocks a public bridge beyond probe
//! mode. It is never logged: [`Secret`]'s `Debug` hides it, and comparisons take the same
//! time whatever the input.

use std::fmt;

/// A token as configured (`--token`), hidden from `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a configured token.
    ///
    /// # Errors
    ///
    /// When the token is shorter than 16 characters: a guessable token is no token.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.len() < 16 {
            return Err("the token must be at least 16 characters long".to_owned());
        }
        Ok(Self(text.to_owned()))
    }

    /// Whether `offered` is this token, in time independent of where they differ.
    pub fn matches(&self, offered: &str) -> bool {
        let (a, b) = (self.0.as_bytes(), offered.as_bytes());
        let mut diff = u8::from(a.len() != b.len());
        for (i, x) in a.iter().enumerate() {
            diff |= x ^ b.get(i).copied().unwrap_or(0);
        }
        diff == 0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// The token of an `Authorization: Bearer <token>` header value.
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_and_hides() {
        let secret = Secret::parse("0123456789abcdef").expect("long enough");
        assert!(secret.matches("0123456789abcdef"));
        assert!(!secret.matches("0123456789abcdeF"));
        assert!(!secret.matches("0123456789abcdef0"));
        assert!(!secret.matches(""));
        assert!(!format!("{secret:?}").contains("0123"));
        assert!(Secret::parse("short").is_err());
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer "), None);
    }
}
