//! How long a browser may keep each file of the app (`Cache-Control`).
//!
//! Trunk names the wasm module, its JavaScript glue and the stylesheet after a hash of their
//! contents (`frontend-1657d3dbe260103a_bg.wasm`, `style-168bedade2ce94a0.css`): a new
//! build gets new names, so those are kept for a year without asking again. Everything
//! else (`index.html`, which names them, and the lessons) may change under the same name:
//! kept, but checked with the bridge before each use.

/// For content-hashed names.
pub(crate) const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// For every other file: the browser revalidates before using its copy.
pub(crate) const REVALIDATE: &str = "no-cache";

/// The extensions Trunk hashes.
const HASHED_KINDS: [&str; 3] = ["wasm", "js", "css"];

/// Trunk's hash: 16 lowercase hexadecimal digits after the last `-` of the name.
const HASH_DIGITS: usize = 16;

/// The `Cache-Control` value for the file at `path` (relative to `dist/`).
pub(crate) fn cache_control(path: &str) -> &'static str {
    if is_content_hashed(path) {
        IMMUTABLE
    } else {
        REVALIDATE
    }
}

/// Whether the file name is `<name>-<16 hex digits>[_bg].<wasm|js|css>`.
fn is_content_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    let Some((stem, kind)) = file.rsplit_once('.') else {
        return false;
    };
    if !HASHED_KINDS.contains(&kind) {
        return false;
    }
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(name, hash)| {
        !name.is_empty()
            && hash.len() == HASH_DIGITS
            && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunks_hashed_names_are_immutable() {
        for hashed in [
            "frontend-1657d3dbe260103a_bg.wasm",
            "frontend-1657d3dbe260103a.js",
            "style-168bedade2ce94a0.css",
            "snippets/x/frontend-1657d3dbe260103a.js",
        ] {
            assert_eq!(cache_control(hashed), IMMUTABLE, "{hashed}");
        }
    }

    #[test]
    fn other_names_are_revalidated() {
        for plain in [
            "index.html",
            "lessons/index.txt",
            "lessons/first-mail.lesson",
            "frontend.js",
            "frontend-1657d3dbe260103.js",
            "frontend-1657D3DBE260103A.js",
            "-1657d3dbe260103a.js",
            "frontend-1657d3dbe260103a.html",
            "frontend-1657d3dbe260103a_bg.wasm.br",
        ] {
            assert_eq!(cache_control(plain), REVALIDATE, "{plain}");
        }
    }
}
