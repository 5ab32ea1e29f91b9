//! Entity tags for the app's files (RFC 9110 8.8.3, 13.1.2), so a browser that holds a
//! copy revalidates it with a `304 Not Modified` and no body.
//!
//! `index.html` and the lessons are `no-cache` (`cache.rs`): every load asks again, and
//! without a validator the answer was the whole file each time. Each representation gets
//! its own strong tag, from the SHA-256 of the exact bytes sent (the `.br` copy, the `.gz`
//! copy, or the file as it is), so a tag never stands for two different bodies. The
//! embedded files carry that hash from the build (`rust-embed` computes it at compile time
//! in release builds); a `--frontend-dir` file is hashed as it is read, the same read that
//! serves it, so an edited file gets a new tag at once.

use axum::http::HeaderValue;

/// How many bytes of the SHA-256 the tag keeps: 128 bits, still no collision in practice.
const TAG_BYTES: usize = 16;

/// The strong entity tag (quotes included) of a body whose SHA-256 is `sha256`.
pub(crate) fn from_sha256(sha256: &[u8; 32]) -> HeaderValue {
    let mut tag = String::with_capacity(2 + 2 * TAG_BYTES);
    tag.push('"');
    for byte in &sha256[..TAG_BYTES] {
        tag.push_str(&format!("{byte:02x}"));
    }
    tag.push('"');
    HeaderValue::from_str(&tag).unwrap_or(HeaderValue::from_static("\"\""))
}

/// The SHA-256 of `bytes`.
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    let mut hash = [0; 32];
    hash.copy_from_slice(digest.as_ref());
    hash
}

/// Whether an `If-None-Match` value names `etag` (RFC 9110 13.1.2): `*`, or a list of
/// entity tags one of which equals it by the weak comparison (`W/"x"` matches `"x"`).
/// Anything that is not an entity tag is skipped, so a malformed header only costs a full
/// answer.
pub(crate) fn none_match_hits(if_none_match: &str, etag: &HeaderValue) -> bool {
    let Ok(etag) = etag.to_str() else {
        return false;
    };
    let etag = opaque(etag.trim()).unwrap_or(etag);
    if if_none_match.trim() == "*" {
        return true;
    }
    if_none_match
        .split(',')
        .filter_map(|item| opaque(item.trim()))
        .any(|tag| tag == etag)
}

/// The quoted part of an entity tag, `W/` dropped; `None` when `item` is not one.
fn opaque(item: &str) -> Option<&str> {
    let item = item.strip_prefix("W/").unwrap_or(item);
    (item.len() >= 2
        && item.starts_with('"')
        && item.ends_with('"')
        && !item[1..item.len() - 1].contains('"'))
    .then_some(item)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_is_the_hash_quoted_and_differs_per_body() {
        let plain = from_sha256(&sha256(b"plain"));
        let gzipped = from_sha256(&sha256(b"gzipped"));
        let text = plain.to_str().expect("ascii");
        assert_eq!(text.len(), 2 + 32, "{text}");
        assert!(text.starts_with('"') && text.ends_with('"'), "{text}");
        assert!(text[1..33].bytes().all(|b| b.is_ascii_hexdigit()), "{text}");
        assert_ne!(plain, gzipped);
        assert_eq!(plain, from_sha256(&sha256(b"plain")));
    }

    #[test]
    fn if_none_match_compares_weakly_and_takes_lists_and_star() {
        let tag = HeaderValue::from_static("\"0123abcd\"");
        for hit in [
            "\"0123abcd\"",
            " \"0123abcd\" ",
            "W/\"0123abcd\"",
            "\"other\", \"0123abcd\"",
            "\"other\",W/\"0123abcd\"",
            "*",
        ] {
            assert!(none_match_hits(hit, &tag), "{hit}");
        }
        for miss in [
            "\"other\"",
            "0123abcd",
            "\"0123abcd",
            "\"0123ABCD\"",
            "",
            ",,",
            "w/\"0123abcd\"",
            "\"0123abcd\"x",
        ] {
            assert!(!none_match_hits(miss, &tag), "{miss}");
        }
    }
}
