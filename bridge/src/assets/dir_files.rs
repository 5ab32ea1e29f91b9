//! `--frontend-dir`'s files: read from disk, and kept in memory until they change.
//!
//! `scripts/run.sh` serves the app this way (it compiles the bridge without the app inside,
//! bench/README.md, "fresh machine"). Reading and hashing each file for every request would
//! add milliseconds to a cold page load: the wasm is about a megabyte, and every copy sent
//! is hashed for its entity tag. A file is read again as soon as its size or modification
//! time differs from when it was read, so a frontend rebuilt while the bridge runs is served
//! at once, as it was before the cache.
//!
//! Only files that exist are kept, and only below the folder (the caller checks the path).
//! Whenever a file is read from disk, the entries of files that are gone are dropped, so a
//! frontend rebuilt many times (new content-hashed names each time) does not pile up old
//! copies: the cache holds about one copy of the folder.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use super::{Loaded, etag};

/// A folder of app files, each read once per version.
#[derive(Clone)]
pub(crate) struct DirFiles {
    dir: PathBuf,
    read: Arc<Mutex<HashMap<String, Stored>>>,
}

/// A file as read, with what identified that version on disk.
struct Stored {
    len: u64,
    modified: SystemTime,
    file: Loaded,
}

impl DirFiles {
    pub(super) fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            read: Arc::default(),
        }
    }

    pub(super) fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file at `path` (relative, already checked to stay inside the folder), or `None`
    /// when there is no such file.
    pub(super) async fn load(&self, path: &str) -> Option<Loaded> {
        let full = self.dir.join(path);
        let meta = tokio::fs::metadata(&full).await.ok()?;
        if !meta.is_file() {
            return None;
        }
        // Without a modification time a change could not be seen: read every time.
        let modified = meta.modified().ok();
        if let Some(modified) = modified
            && let Some(file) = self.stored(path, meta.len(), modified)
        {
            return Some(file);
        }
        let bytes = tokio::fs::read(&full).await.ok()?;
        let file = Loaded {
            sha256: etag::sha256(&bytes),
            bytes: bytes.into(),
        };
        self.forget_missing().await;
        // The size and time are the ones seen before reading: a file rewritten meanwhile
        // differs from them at the next request and is read again.
        if let Some(modified) = modified {
            self.lock().insert(
                path.to_owned(),
                Stored {
                    len: meta.len(),
                    modified,
                    file: file.clone(),
                },
            );
        }
        Some(file)
    }

    /// Drops the entries of files that no longer exist.
    async fn forget_missing(&self) {
        let names: Vec<String> = self.lock().keys().cloned().collect();
        for name in names {
            let exists = tokio::fs::metadata(self.dir.join(&name))
                .await
                .is_ok_and(|meta| meta.is_file());
            if !exists {
                self.lock().remove(&name);
            }
        }
    }

    fn stored(&self, path: &str, len: u64, modified: SystemTime) -> Option<Loaded> {
        self.lock()
            .get(path)
            .filter(|stored| stored.len == len && stored.modified == modified)
            .map(|stored| stored.file.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Stored>> {
        // The map is only read or replaced whole per entry: a panic elsewhere leaves it valid.
        self.read.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for DirFiles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DirFiles").field("dir", &self.dir).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "smtp-playground-dir-files-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        dir
    }

    #[tokio::test]
    async fn a_file_is_read_once_and_again_when_it_changes() {
        let dir = folder("changes");
        std::fs::write(dir.join("app.js"), "one").expect("written");
        let files = DirFiles::new(dir.clone());
        let first = files.load("app.js").await.expect("the file");
        assert_eq!(&first.bytes[..], b"one");
        assert_eq!(first.sha256, etag::sha256(b"one"));

        // The same version again comes from memory: the very same bytes.
        let again = files.load("app.js").await.expect("the file");
        assert_eq!(again.bytes.as_ptr(), first.bytes.as_ptr());

        // A new version (another size) is read from disk.
        std::fs::write(dir.join("app.js"), "two, longer").expect("rewritten");
        let changed = files.load("app.js").await.expect("the file");
        assert_eq!(&changed.bytes[..], b"two, longer");
        assert_eq!(changed.sha256, etag::sha256(b"two, longer"));

        // The same size, another modification time: read again too.
        std::fs::write(dir.join("app.js"), "TWO, LONGER").expect("rewritten");
        let file = std::fs::File::options()
            .write(true)
            .open(dir.join("app.js"))
            .expect("opened");
        file.set_modified(SystemTime::UNIX_EPOCH).expect("time set");
        let same_size = files.load("app.js").await.expect("the file");
        assert_eq!(&same_size.bytes[..], b"TWO, LONGER");
        std::fs::remove_dir_all(&dir).expect("cleaned up");
    }

    #[tokio::test]
    async fn files_that_are_gone_are_forgotten_when_another_is_read() {
        let dir = folder("gone");
        std::fs::write(dir.join("app-1.wasm"), "first build").expect("written");
        let files = DirFiles::new(dir.clone());
        files.load("app-1.wasm").await.expect("the file");
        // A rebuild replaces the file with one of another name.
        std::fs::remove_file(dir.join("app-1.wasm")).expect("removed");
        std::fs::write(dir.join("app-2.wasm"), "second build").expect("written");
        files.load("app-2.wasm").await.expect("the file");
        let kept: Vec<String> = files.lock().keys().cloned().collect();
        assert_eq!(kept, ["app-2.wasm"]);
        assert!(files.load("app-1.wasm").await.is_none());
        std::fs::remove_dir_all(&dir).expect("cleaned up");
    }

    #[tokio::test]
    async fn missing_files_and_folders_are_none_and_not_kept() {
        let dir = folder("missing");
        std::fs::create_dir_all(dir.join("sub")).expect("a sub-folder");
        let files = DirFiles::new(dir.clone());
        assert!(files.load("nothing.js").await.is_none());
        assert!(files.load("sub").await.is_none());
        assert!(files.lock().is_empty());
        // A file that appears later is served.
        std::fs::write(dir.join("nothing.js"), "now").expect("written");
        assert_eq!(
            &files.load("nothing.js").await.expect("the file").bytes[..],
            b"now"
        );
        std::fs::remove_dir_all(&dir).expect("cleaned up");
    }
}
