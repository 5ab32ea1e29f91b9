//! The Content-Security-Policy of the page (issue 12, small items).
//!
//! Trunk writes the app's loader as an inline module script and gives the other files SRI
//! hashes. So the page's `script-src` allows the bridge's own files (`'self'`), the
//! compiling of WebAssembly (`'wasm-unsafe-eval'`), and exactly the inline scripts of the
//! `index.html` being served, by their SHA-256 (computed when it is served, so a rebuilt
//! page needs no configuration). An injected `<script>` has another hash and does not run.
//! The rest of the policy is [`headers::CSP`](crate::headers::CSP), on every response.

use base64::Engine as _;
use ring::digest;

/// The policy for an HTML page with these bytes.
pub(crate) fn page_policy(html: &[u8]) -> String {
    let mut policy = String::from("script-src 'self' 'wasm-unsafe-eval'");
    for script in inline_scripts(html) {
        let hash = digest::digest(&digest::SHA256, script);
        let hash = base64::engine::general_purpose::STANDARD.encode(hash.as_ref());
        policy.push_str(&format!(" 'sha256-{hash}'"));
    }
    policy.push_str("; ");
    policy.push_str(crate::headers::CSP);
    policy
}

/// The contents of every `<script ...>` without a `src` attribute, as the browser hashes
/// them: the exact bytes between the opening tag's `>` and `</script>`.
fn inline_scripts(html: &[u8]) -> Vec<&[u8]> {
    const OPEN: &[u8] = b"<script";
    const CLOSE: &[u8] = b"</script>";
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = find(rest, OPEN) {
        let after = &rest[start + OPEN.len()..];
        let Some(tag_end) = after.iter().position(|&b| b == b'>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body = &after[tag_end + 1..];
        let Some(end) = find(body, CLOSE) else {
            break;
        };
        if find(&tag.to_ascii_lowercase(), b"src=").is_none() {
            scripts.push(&body[..end]);
        }
        rest = &body[end + CLOSE.len()..];
    }
    scripts
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_are_not() {
        let html = b"<html><script type=module>import init from '/app.js';\nawait init();</script>\
                     <script src=/other.js></script><script>x()</script></html>";
        let scripts = inline_scripts(html);
        assert_eq!(
            scripts,
            [
                &b"import init from '/app.js';\nawait init();"[..],
                &b"x()"[..]
            ]
        );
        let policy = page_policy(html);
        assert!(
            policy.starts_with("script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
            "{policy}"
        );
        assert_eq!(policy.matches("'sha256-").count(), 2, "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        // The known digest of "x()".
        let expected = base64::engine::general_purpose::STANDARD
            .encode(digest::digest(&digest::SHA256, b"x()").as_ref());
        assert!(policy.contains(&format!("'sha256-{expected}'")), "{policy}");
    }

    #[test]
    fn a_page_without_scripts_allows_only_its_own_files() {
        let policy = page_policy(b"<p>no scripts</p><script");
        assert!(
            policy.starts_with("script-src 'self' 'wasm-unsafe-eval'; "),
            "{policy}"
        );
    }
}
