//! Shareable links: the transcript (the text export, secrets already masked) in the URL
//! fragment, `#transcript=<base64>`. The fragment never reaches a server, so nothing is
//! stored anywhere; opening the link shows the transcript annotated, read-only, through
//! the same reader as the paste view (the text export is swaks-style, which it reads).

use protocol::auth;

const KEY: &str = "transcript=";

/// The fragment (without `#`) that carries `text`.
pub fn fragment(text: &str) -> String {
    format!("{KEY}{}", auth::encode(text))
}

/// The transcript in a `location.hash` (with or without `#`), if it holds one.
pub fn from_fragment(hash: &str) -> Option<String> {
    let encoded = hash.strip_prefix('#').unwrap_or(hash).strip_prefix(KEY)?;
    // Some mail clients turn `+` into a space when they pass a link on.
    let bytes = auth::decode(&encoded.replace(' ', "+")).ok()?;
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transcript_survives_the_round_trip() {
        let text = "=== 连接…\n<- 220 mx ESMTP\n-> EHLO me\n-> \n";
        let link = fragment(text);
        assert!(link.starts_with("transcript="));
        assert_eq!(from_fragment(&format!("#{link}")).as_deref(), Some(text));
        assert_eq!(
            from_fragment(&link.replace('+', " ")).as_deref(),
            Some(text)
        );
        assert_eq!(from_fragment("#other=1"), None);
        assert_eq!(from_fragment("#transcript=%%%"), None);
        assert_eq!(from_fragment(""), None);
    }
}
