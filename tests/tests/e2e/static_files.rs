//! The app's files over real HTTP on loopback: each goes out as the precompressed copy the
//! request accepts (brotli, then gzip, then the file as it is), and that copy decompresses
//! (with the `brotli` and `gzip` commands) to the exact file in `dist/`; `Vary`,
//! `Content-Type` and `Cache-Control` are right; HEAD and Range behave as before (HEAD: the
//! headers alone; Range: ignored, the whole file). Each copy has its own strong `ETag`; a
//! request naming it gets `304` with no body, a stale or another copy's tag the whole copy.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use e2e::sandbox::http_with;
use e2e::start_bridge;

/// What a browser sends (Chromium 156).
const BROWSER: &str = "gzip, deflate, br, zstd";

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `dist/`, which `scripts/build-frontend.sh` built with its `.gz` and `.br` copies.
fn dist() -> PathBuf {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR"));
    tests.parent().unwrap_or(tests).join("dist")
}

/// The app's files (relative to `dist/`) and the `Cache-Control` each must have: the
/// content-hashed wasm, glue and stylesheet for good, the page and a lesson file revalidated.
fn app_files() -> Vec<(String, &'static str)> {
    let dist = dist();
    let mut files: Vec<(String, &'static str)> = std::fs::read_dir(&dist)
        .unwrap_or_else(|err| {
            panic!(
                "{} must exist (scripts/build-frontend.sh): {err}",
                dist.display()
            )
        })
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| {
            [".wasm", ".js", ".css"]
                .iter()
                .any(|ext| name.ends_with(ext))
        })
        .map(|name| (name, IMMUTABLE))
        .collect();
    assert_eq!(
        files.len(),
        3,
        "one wasm, one glue, one stylesheet: {files:?}"
    );
    files.push(("index.html".to_owned(), "no-cache"));
    files.push(("lessons/index.txt".to_owned(), "no-cache"));
    for (name, _) in &files {
        for suffix in [".gz", ".br"] {
            assert!(
                dist.join(format!("{name}{suffix}")).is_file(),
                "{name}{suffix} missing: scripts/build-frontend.sh writes it"
            );
        }
    }
    files
}

/// `bytes` through `program -dc`.
fn decompress(program: &str, bytes: &[u8]) -> Vec<u8> {
    let mut child = Command::new(program)
        .arg("-dc")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("{program} is needed (scripts/setup.sh installs it): {err}"));
    let mut stdin = child.stdin.take().expect("stdin");
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().expect("the decompressor ends");
    writer
        .join()
        .expect("writer thread")
        .expect("write to the decompressor");
    assert!(
        output.status.success(),
        "{program} -dc failed: {}",
        output.status
    );
    output.stdout
}

/// `body` as sent with `Content-Encoding: coding`, decoded.
fn decode(coding: Option<&str>, body: &[u8]) -> Vec<u8> {
    match coding {
        Some("br") => decompress("brotli", body),
        Some("gzip") => decompress("gzip", body),
        _ => body.to_vec(),
    }
}

/// The headers every copy of a file goes out with: its coding, `Vary`, its caching.
fn assert_copy_headers(head: &str, coding: Option<&str>, cache: &str, what: &str) {
    assert_eq!(
        header(head, "content-encoding").as_deref(),
        coding,
        "{what}: {head}"
    );
    assert_eq!(
        header(head, "vary").as_deref(),
        Some("accept-encoding"),
        "{what}"
    );
    assert_eq!(
        header(head, "cache-control").as_deref(),
        Some(cache),
        "{what}"
    );
}

/// The value of header `name` in a response head, if present once.
fn header(head: &str, name: &str) -> Option<String> {
    let values: Vec<String> = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .filter(|(key, _)| key.trim().eq_ignore_ascii_case(name))
        .map(|(_, value)| value.trim().to_owned())
        .collect();
    assert!(values.len() <= 1, "{name} more than once in {head}");
    values.into_iter().next()
}

fn content_type_of(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("wasm") => "application/wasm",
        Some("js") => "text/javascript",
        Some("css") => "text/css",
        Some("html") => "text/html",
        _ => "text/plain",
    }
}

#[tokio::test]
async fn each_encoding_is_negotiated_and_decompresses_to_the_file() {
    let (bridge, _handle) = start_bridge().await;
    let cases: [(Option<&str>, Option<&str>); 6] = [
        (Some(BROWSER), Some("br")),
        (Some("gzip, deflate"), Some("gzip")),
        (Some("br;q=0, gzip;q=0.8"), Some("gzip")),
        (Some("identity"), None),
        (Some("deflate"), None),
        (None, None),
    ];
    for (name, cache) in app_files() {
        let file = std::fs::read(dist().join(&name)).expect("read the file");
        for (accept, coding) in cases {
            let headers: Vec<(&str, &str)> =
                accept.map(|a| ("Accept-Encoding", a)).into_iter().collect();
            let (status, head, body) =
                http_with(bridge, "GET", &format!("/{name}"), &headers).await;
            let what = format!("{name} with Accept-Encoding {accept:?}");
            assert_eq!(status, 200, "{what}: {head}");
            assert_copy_headers(&head, coding, cache, &what);
            let content_type = header(&head, "content-type").unwrap_or_default();
            assert!(
                content_type.starts_with(content_type_of(&name)),
                "{what}: {content_type}"
            );
            let decoded = decode(coding, &body);
            assert!(
                decoded == file,
                "{what}: the body is not the file once decoded"
            );
            if coding.is_some() && file.len() > 4096 {
                assert!(
                    body.len() < file.len() / 2,
                    "{what}: {} of {} bytes",
                    body.len(),
                    file.len()
                );
            }
        }
    }
    // The page at `/` and at an app route is index.html, compressed the same way.
    for path in ["/", "/some/app/route"] {
        let (status, head, body) =
            http_with(bridge, "GET", path, &[("Accept-Encoding", BROWSER)]).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(
            header(&head, "content-encoding").as_deref(),
            Some("br"),
            "{path}"
        );
        assert_eq!(
            header(&head, "cache-control").as_deref(),
            Some("no-cache"),
            "{path}"
        );
        let index = std::fs::read(dist().join("index.html")).expect("index.html");
        assert!(decompress("brotli", &body) == index, "{path} is index.html");
        assert!(
            header(&head, "content-security-policy").is_some(),
            "{path}: {head}"
        );
    }
}

#[tokio::test]
async fn head_gives_the_headers_alone_and_range_the_whole_file() {
    let (bridge, _handle) = start_bridge().await;
    let (wasm, _) = app_files()
        .into_iter()
        .find(|(name, _)| name.ends_with(".wasm"))
        .expect("the wasm module");
    let path = format!("/{wasm}");
    let compressed = std::fs::read(dist().join(format!("{wasm}.br"))).expect("the .br copy");
    let (status, head, body) =
        http_with(bridge, "HEAD", &path, &[("Accept-Encoding", BROWSER)]).await;
    assert_eq!(status, 200, "{head}");
    assert!(body.is_empty(), "HEAD has no body: {} bytes", body.len());
    assert_eq!(
        header(&head, "content-encoding").as_deref(),
        Some("br"),
        "{head}"
    );
    assert_eq!(
        header(&head, "content-length"),
        Some(compressed.len().to_string()),
        "{head}"
    );
    assert_eq!(
        header(&head, "cache-control").as_deref(),
        Some(IMMUTABLE),
        "{head}"
    );

    // No partial content: a Range is ignored, as before, and the whole file is sent.
    let file = std::fs::read(dist().join(&wasm)).expect("the wasm module");
    let (status, head, body) = http_with(bridge, "GET", &path, &[("Range", "bytes=0-9")]).await;
    assert_eq!(status, 200, "{head}");
    assert!(header(&head, "content-range").is_none(), "{head}");
    assert!(
        body == file,
        "the whole module: {} of {} bytes",
        body.len(),
        file.len()
    );
}

#[tokio::test]
async fn each_copy_has_its_etag_and_revalidates_with_304() {
    let (bridge, _handle) = start_bridge().await;
    let codings = [
        (BROWSER, Some("br")),
        ("gzip", Some("gzip")),
        ("identity", None),
    ];
    for (name, cache) in app_files() {
        let path = format!("/{name}");
        // One strong tag per copy: brotli, gzip and the file as it is all differ.
        let mut tags = Vec::new();
        for (accept, coding) in codings {
            let (status, head, body) =
                http_with(bridge, "GET", &path, &[("Accept-Encoding", accept)]).await;
            assert_eq!(status, 200, "{name} {accept}: {head}");
            assert_eq!(
                header(&head, "content-encoding").as_deref(),
                coding,
                "{name}"
            );
            let tag = header(&head, "etag").unwrap_or_else(|| panic!("{name}: no ETag: {head}"));
            assert!(
                tag.starts_with('"') && tag.ends_with('"') && tag.len() > 2,
                "{name}: a strong tag, not {tag}"
            );
            assert!(!body.is_empty(), "{name}");
            tags.push(tag);
        }
        for (i, tag) in tags.iter().enumerate() {
            assert!(
                !tags[i + 1..].contains(tag),
                "{name}: copies share a tag: {tags:?}"
            );
        }

        for ((accept, coding), tag) in codings.iter().zip(&tags) {
            let what = format!("{name} ({accept}) revalidated with {tag}");
            // The tag held: 304, the same validators and caching, no body.
            for if_none_match in [tag.clone(), format!("\"stale\", W/{tag}")] {
                let (status, head, body) = http_with(
                    bridge,
                    "GET",
                    &path,
                    &[
                        ("Accept-Encoding", accept),
                        ("If-None-Match", &if_none_match),
                    ],
                )
                .await;
                assert_eq!(status, 304, "{what}: {head}");
                assert!(body.is_empty(), "{what}: {} bytes of body", body.len());
                assert_eq!(header(&head, "etag").as_ref(), Some(tag), "{what}");
                assert_copy_headers(&head, *coding, cache, &what);
            }
            // A stale tag, or another copy's: the whole copy again, with its own tag.
            let other = &tags[(tags.iter().position(|t| t == tag).unwrap_or(0) + 1) % tags.len()];
            for stale in ["\"0000\"".to_owned(), other.clone()] {
                let (status, head, body) = http_with(
                    bridge,
                    "GET",
                    &path,
                    &[("Accept-Encoding", accept), ("If-None-Match", &stale)],
                )
                .await;
                assert_eq!(status, 200, "{what}, sent {stale}: {head}");
                assert_eq!(header(&head, "etag").as_ref(), Some(tag), "{what}");
                assert_eq!(
                    header(&head, "content-encoding").as_deref(),
                    *coding,
                    "{what}"
                );
                let file = std::fs::read(dist().join(&name)).expect("read the file");
                let decoded = decode(*coding, &body);
                assert!(decoded == file, "{what}, sent {stale}: not the file");
            }
        }
    }
}
