//! Chooses the folder `rust-embed` embeds as the browser app.
//!
//! The frontend is built separately (Trunk, WebAssembly) into `<workspace>/dist`. The bridge
//! must still build without it, so people who only want the bridge, and CI jobs without the
//! wasm toolchain, are not blocked: when `dist/index.html` is missing, an empty folder under
//! `OUT_DIR` is embedded instead and the bridge serves a page explaining how to build the
//! frontend. The chosen folder reaches `#[folder = "$SMTP_PLAYGROUND_DIST"]` in
//! `src/assets.rs` through the `SMTP_PLAYGROUND_DIST` compile-time variable.
//!
//! Cargo treats a missing `rerun-if-changed` path as always changed, which would rebuild the
//! bridge on every `cargo` command. So a missing `dist` is created, empty (it is
//! git-ignored): cargo can then watch it and rebuilds once the frontend is built into it.
//!
//! `SMTP_PLAYGROUND_EMBED_APP=0` embeds nothing and does not watch `dist` at all, for a
//! binary that always serves `--frontend-dir`: `scripts/run.sh` compiles the bridge that way
//! at the same time as the frontend, instead of compiling the bridge crate again once the
//! frontend is built (bench/README.md, "fresh machine").

use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=SMTP_PLAYGROUND_EMBED_APP");
    if env::var_os("SMTP_PLAYGROUND_EMBED_APP").is_some_and(|v| v == "0") {
        println!(
            "cargo:rustc-env=SMTP_PLAYGROUND_DIST={}",
            empty_folder().display()
        );
        return;
    }
    println!("cargo:rerun-if-changed=../dist");

    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let dist = manifest_dir.join("..").join("dist");
    if !dist.exists()
        && let Err(err) = std::fs::create_dir_all(&dist)
    {
        println!(
            "cargo:warning=could not create {} to watch it: {err}",
            dist.display()
        );
    }
    let folder = if dist.join("index.html").is_file() {
        dist.canonicalize()
            .expect("dist exists, so it can be made absolute")
    } else {
        empty_folder()
    };
    println!("cargo:rustc-env=SMTP_PLAYGROUND_DIST={}", folder.display());
}

/// An empty folder under `OUT_DIR`, embedded when there is no app to embed.
fn empty_folder() -> PathBuf {
    let empty = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo")).join("no-dist");
    std::fs::create_dir_all(&empty).expect("OUT_DIR is writable");
    empty
}
