//! The browser app: HTML, JavaScript and WebAssembly, served to the browser.
//!
//! A release binary carries the app inside it (`rust-embed`, from the folder `build.rs`
//! picked), so one file is the whole product. `--frontend-dir` serves a folder from disk
//! instead, which is handy while working on the frontend.
//!
//! It is a single-page app: any path that is not a file gets `index.html`, and the app's
//! own router decides what to show. When no app is available at all, a short page says how
//! to build it.
//!
//! Each file goes out as the precompressed copy the build wrote beside it (`.br`, `.gz`)
//! that the browser accepts (`negotiate.rs`), else as it is, with `Vary: Accept-Encoding`;
//! content-hashed names are cached for good, the rest revalidated (`cache.rs`), cheaply:
//! each copy has its own entity tag, and a request that names it gets a `304` without the
//! body (`etag.rs`).

mod cache;
mod dir_files;
mod etag;
mod negotiate;

use std::borrow::Cow;
use std::path::PathBuf;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

/// The folder chosen by `build.rs`: `<workspace>/dist`, or an empty folder when the
/// frontend was not built. In debug builds `rust-embed` reads it from disk at run time.
#[derive(RustEmbed)]
#[folder = "$SMTP_PLAYGROUND_DIST"]
struct Embedded;

const INDEX: &str = "index.html";

/// Where the app's files come from.
#[derive(Debug, Clone)]
pub(crate) enum Assets {
    /// Built into the binary.
    Embedded,
    /// Read from this folder, again whenever a file changes.
    Dir(dir_files::DirFiles),
}

impl Assets {
    /// The folder when one is given, else the embedded copy.
    pub(crate) fn new(dir: Option<PathBuf>) -> Self {
        dir.map_or(Self::Embedded, |dir| {
            Self::Dir(dir_files::DirFiles::new(dir))
        })
    }

    /// Whether an `index.html` is available, for the start-up log.
    pub(crate) async fn has_app(&self) -> bool {
        self.load(INDEX).await.is_some()
    }

    /// A short description for the start-up log.
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::Embedded => "built into the binary".to_owned(),
            Self::Dir(files) => format!("from {}", files.dir().display()),
        }
    }

    /// The response for a request path: the file, else `index.html`, else the
    /// "not built" page; compressed as `accept_encoding` allows; a `304` without the body
    /// when `if_none_match` names the copy chosen.
    pub(crate) async fn response(
        &self,
        path: &str,
        accept_encoding: Option<&str>,
        if_none_match: Option<&str>,
    ) -> Response {
        let wanted = match path.trim_start_matches('/') {
            "" => INDEX,
            other => other,
        };
        for name in [wanted, INDEX] {
            if let Some(file) = self.load(name).await {
                let encoded = self.encoded(name, accept_encoding).await;
                return file_response(name, file, encoded, if_none_match);
            }
        }
        let status = if wanted == INDEX {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        };
        (
            status,
            [(header::CACHE_CONTROL, "no-store")],
            axum::response::Html(NOT_BUILT),
        )
            .into_response()
    }

    /// The best precompressed copy of `name` that `accept_encoding` allows, if the build
    /// wrote one.
    async fn encoded(
        &self,
        name: &str,
        accept_encoding: Option<&str>,
    ) -> Option<(negotiate::Coding, Loaded)> {
        for coding in negotiate::acceptable(accept_encoding) {
            if let Some(file) = self.load(&format!("{name}{}", coding.suffix())).await {
                return Some((coding, file));
            }
        }
        None
    }

    async fn load(&self, path: &str) -> Option<Loaded> {
        if !is_safe_relative(path) {
            return None;
        }
        match self {
            Self::Embedded => Embedded::get(path).map(|file| Loaded {
                sha256: file.metadata.sha256_hash(),
                bytes: match file.data {
                    Cow::Borrowed(bytes) => Bytes::from_static(bytes),
                    Cow::Owned(bytes) => Bytes::from(bytes),
                },
            }),
            Self::Dir(files) => files.load(path).await,
        }
    }
}

/// One stored file: its bytes and their SHA-256 (the embedded files' from the build).
/// Cloning shares the bytes.
#[derive(Clone)]
struct Loaded {
    bytes: Bytes,
    sha256: [u8; 32],
}

/// The handler for every path that is not an API route.
pub(crate) async fn handle(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let value = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    state
        .assets
        .response(
            uri.path(),
            value(header::ACCEPT_ENCODING),
            value(header::IF_NONE_MATCH),
        )
        .await
}

/// Paths are used as given (still percent-encoded), so only plain names separated by `/`
/// are accepted: no `..`, no empty or `.` segments, no backslashes or drive letters. That
/// keeps `--frontend-dir` from serving anything outside its folder.
fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.contains(['\\', ':', '\0'])
        && path
            .split('/')
            .all(|segment| !segment.is_empty() && segment != "." && segment != "..")
}

/// The file `path` whose content is `file`, sent as `encoded` when there is such a copy;
/// `304 Not Modified` with the same headers and no body when `if_none_match` names the
/// copy's tag (RFC 9110 15.4.5).
fn file_response(
    path: &str,
    file: Loaded,
    encoded: Option<(negotiate::Coding, Loaded)>,
    if_none_match: Option<&str>,
) -> Response {
    let bytes = file.bytes;
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let content_type = HeaderValue::from_str(mime.as_ref())
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    // A page gets the script policy with its own inline scripts' hashes (`csp.rs`), read
    // from the page itself, whichever copy is sent.
    let policy = (mime.essence_str() == "text/html")
        .then(|| HeaderValue::from_str(&crate::csp::page_policy(&bytes)).ok())
        .flatten();
    let (coding, body) = match encoded {
        Some((coding, encoded)) => (Some(coding), encoded),
        None => (
            None,
            Loaded {
                bytes,
                sha256: file.sha256,
            },
        ),
    };
    let tag = etag::from_sha256(&body.sha256);
    let not_modified = if_none_match.is_some_and(|value| etag::none_match_hits(value, &tag));
    let body = if not_modified {
        axum::body::Body::empty()
    } else {
        axum::body::Body::from(body.bytes)
    };
    let mut response = (
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static(cache::cache_control(path)),
            ),
            (header::VARY, HeaderValue::from_static("accept-encoding")),
            (header::ETAG, tag),
        ],
        body,
    )
        .into_response();
    if not_modified {
        *response.status_mut() = StatusCode::NOT_MODIFIED;
    }
    let headers = response.headers_mut();
    if let Some(coding) = coding {
        headers.insert(
            header::CONTENT_ENCODING,
            HeaderValue::from_static(coding.token()),
        );
    }
    if let Some(policy) = policy {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}

/// Shown when the binary was built without the frontend and no `--frontend-dir` was given.
const NOT_BUILT: &str = r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>smtp-playground: frontend not built</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto; line-height: 1.5">
<h1>The browser app is not built</h1>
<p>This <code>smtp-playground</code> binary was compiled without the frontend, so there is
no page to show yet. The WebSocket bridge at <code>/ws</code> works regardless.</p>
<p>From the repository root, build the frontend, then rebuild the bridge so it embeds it:</p>
<pre>scripts/build-frontend.sh
cargo build -p bridge</pre>
<p>Or serve a built frontend from disk: <code>smtp-playground serve --frontend-dir dist</code>.</p>
</body>
</html>
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    async fn body(response: Response) -> (StatusCode, String, String) {
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = to_bytes(response.into_body(), 1 << 20).await.expect("body");
        (
            status,
            content_type,
            String::from_utf8_lossy(&bytes).into_owned(),
        )
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("bridge-assets-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("snippets")).expect("temp dir");
        dir
    }

    #[test]
    fn only_plain_relative_paths_are_safe() {
        for ok in ["index.html", "app-1a2b.wasm", "snippets/x/y.js"] {
            assert!(is_safe_relative(ok), "{ok}");
        }
        for bad in [
            "",
            "../etc/passwd",
            "a/../../b",
            "./a",
            "a//b",
            "a/",
            "c:x",
            "a\\b",
            "%2e%2e/x/..",
        ] {
            assert!(!is_safe_relative(bad), "{bad}");
        }
    }

    #[tokio::test]
    async fn folder_serves_files_with_types_and_falls_back_to_index() {
        let dir = temp_dir("spa");
        std::fs::write(dir.join("index.html"), "<p>app</p>").expect("write");
        std::fs::write(dir.join("app.wasm"), b"\0asm").expect("write");
        std::fs::write(dir.join("snippets/s.js"), "export {}").expect("write");
        let assets = Assets::new(Some(dir.clone()));
        assert!(assets.has_app().await);

        let (status, mime, text) = body(assets.response("/", None, None).await).await;
        assert_eq!(
            (status, mime.as_str(), text.as_str()),
            (StatusCode::OK, "text/html", "<p>app</p>")
        );
        let (status, mime, _) = body(assets.response("/app.wasm", None, None).await).await;
        assert_eq!(
            (status, mime.as_str()),
            (StatusCode::OK, "application/wasm")
        );
        let (_, mime, _) = body(assets.response("/snippets/s.js", None, None).await).await;
        assert!(mime.contains("javascript"), "{mime}");
        for spa_path in ["/lesson/3", "/no-such.js", "/../Cargo.toml", "/snippets"] {
            let (status, mime, text) = body(assets.response(spa_path, None, None).await).await;
            assert_eq!(
                (status, mime.as_str(), text.as_str()),
                (StatusCode::OK, "text/html", "<p>app</p>"),
                "{spa_path}"
            );
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn the_precompressed_copy_goes_out_when_accepted() {
        let dir = temp_dir("encodings");
        std::fs::write(dir.join("app-0123456789abcdef.js"), "plain").expect("write");
        std::fs::write(dir.join("app-0123456789abcdef.js.gz"), "gzipped").expect("write");
        let assets = Assets::new(Some(dir.clone()));
        let path = "/app-0123456789abcdef.js";
        for (accept, coding, text) in [
            (Some("gzip, br"), Some("gzip"), "gzipped"),
            (Some("br"), None, "plain"),
            (None, None, "plain"),
        ] {
            let response = assets.response(path, accept, None).await;
            let headers = response.headers().clone();
            let get = |name| headers.get(name).and_then(|v| v.to_str().ok());
            assert_eq!(get(header::CONTENT_ENCODING), coding, "{accept:?}");
            assert_eq!(get(header::VARY), Some("accept-encoding"));
            assert_eq!(get(header::CACHE_CONTROL), Some(cache::IMMUTABLE));
            let (_, mime, body) = body(response).await;
            assert!(mime.contains("javascript"), "{mime}");
            assert_eq!(body, text, "{accept:?}");
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn each_copy_has_its_tag_and_a_matching_one_gets_304() {
        let dir = temp_dir("etags");
        std::fs::write(dir.join("index.html"), "<p>app</p>").expect("write");
        std::fs::write(dir.join("index.html.gz"), "gzipped").expect("write");
        let assets = Assets::new(Some(dir.clone()));
        let etag = |response: &Response| {
            response
                .headers()
                .get(header::ETAG)
                .and_then(|v| v.to_str().ok())
                .expect("an ETag")
                .to_owned()
        };
        let plain = etag(&assets.response("/", None, None).await);
        let gzipped = etag(&assets.response("/", Some("gzip"), None).await);
        assert_ne!(plain, gzipped, "one tag per representation");

        let response = assets.response("/", Some("gzip"), Some(&gzipped)).await;
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(etag(&response), gzipped);
        let headers = response.headers().clone();
        assert_eq!(
            headers.get(header::CONTENT_ENCODING).map(|v| v.as_bytes()),
            Some(&b"gzip"[..])
        );
        assert_eq!(
            headers.get(header::VARY).map(|v| v.as_bytes()),
            Some(&b"accept-encoding"[..])
        );
        assert_eq!(
            headers.get(header::CACHE_CONTROL).map(|v| v.as_bytes()),
            Some(cache::REVALIDATE.as_bytes())
        );
        let (_, _, text) = body(response).await;
        assert_eq!(text, "", "no body with a 304");

        // The plain copy's tag does not stand for the gzipped one, and a changed file gets
        // a new tag: both answered in full.
        let response = assets.response("/", Some("gzip"), Some(&plain)).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(body(response).await.2, "gzipped");
        std::fs::write(dir.join("index.html"), "<p>app 2</p>").expect("write");
        let response = assets.response("/", None, Some(&plain)).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_ne!(etag(&response), plain);
        assert_eq!(body(response).await.2, "<p>app 2</p>");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn embedded_root_is_the_app_or_the_build_instructions() {
        let (status, mime, text) = body(Assets::Embedded.response("/", None, None).await).await;
        assert_eq!(status, StatusCode::OK);
        assert!(mime.starts_with("text/html"), "{mime}");
        match Embedded::get(INDEX) {
            Some(index) => assert_eq!(text.as_bytes(), &*index.data),
            None => assert!(text.contains("scripts/build-frontend.sh"), "{text}"),
        }
    }

    #[tokio::test]
    async fn without_an_app_the_page_explains_how_to_build_it() {
        let dir = temp_dir("empty");
        let assets = Assets::new(Some(dir.clone()));
        assert!(!assets.has_app().await);
        let (status, mime, text) = body(assets.response("/", None, None).await).await;
        assert_eq!(status, StatusCode::OK);
        assert!(mime.starts_with("text/html"), "{mime}");
        assert!(text.contains("scripts/build-frontend.sh"), "{text}");
        let (status, _, _) = body(assets.response("/app.js", None, None).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let _ = std::fs::remove_dir_all(dir);
    }
}
