//! Which file the store opened, so that it notices when the path no longer leads to it. SQLite
//! in WAL mode keeps writing into a file whose directory entry was removed (the inode lives on
//! while it is open), acknowledging writes that a restart will not find; a file moved in over it
//! (a restore) would be ignored until a restart. Checking costs one `stat` per write.

use std::io;
use std::path::Path;

use store_core::{ErrorKind, StoreError, StoreResult};

/// The device and inode of the database file when it was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileIdentity {
    device: u64,
    inode: u64,
}

impl FileIdentity {
    /// The identity of the file at `path` now.
    pub(crate) fn of(path: &Path) -> io::Result<Self> {
        let metadata = std::fs::metadata(path)?;
        Ok(identity(&metadata))
    }

    /// Fails, naming the path, unless `path` still leads to this file.
    pub(crate) fn check(&self, path: &Path) -> StoreResult<()> {
        match FileIdentity::of(path) {
            Ok(now) if now == *self => Ok(()),
            Ok(_) => Err(moved(path, "was replaced by another file")),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Err(moved(path, "was removed")),
            Err(err) => Err(moved(path, "cannot be checked").with_source(err)),
        }
    }
}

/// Unavailable: nothing is written, and the operator must put the file back or restart.
fn moved(path: &Path, what: &str) -> StoreError {
    StoreError::new(
        ErrorKind::Unavailable,
        format!(
            "SQLite database {} {what} while open; restart the service to open the file now at that path",
            path.display()
        ),
    )
}

#[cfg(unix)]
fn identity(metadata: &std::fs::Metadata) -> FileIdentity {
    use std::os::unix::fs::MetadataExt;
    FileIdentity { device: metadata.dev(), inode: metadata.ino() }
}

#[cfg(not(unix))]
fn identity(_metadata: &std::fs::Metadata) -> FileIdentity {
    // Only the file's presence is checked where there are no inodes.
    FileIdentity { device: 0, inode: 0 }
}
