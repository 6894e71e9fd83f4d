//! The one place that builds `StoreError`s: SQLite result codes mapped to kinds (R11), and
//! rows that cannot be read back. The core's layer adds the operation and key.

use sqlx::error::ErrorKind as DbErrorKind;
use store_core::{ErrorKind, StoreError};

/// Primary result codes, as SQLite documents them (https://www.sqlite.org/rescode.html). sqlx
/// reports the extended code; its low byte is the primary one.
const SQLITE_BUSY: i32 = 5;
const SQLITE_LOCKED: i32 = 6;
const SQLITE_READONLY: i32 = 8;
const SQLITE_IOERR: i32 = 10;
const SQLITE_FULL: i32 = 13;
const SQLITE_CANTOPEN: i32 = 14;
const SQLITE_PROTOCOL: i32 = 15;
const SQLITE_TOOBIG: i32 = 18;
const SQLITE_NOLFS: i32 = 22;

/// Maps a sqlx error. SQLite's messages name files and statements, never data values.
pub(crate) fn map(err: sqlx::Error) -> StoreError {
    StoreError::from_source(classify(&err), err)
}

/// The database file could not be opened.
pub(crate) fn opening(path: &std::path::Path, err: sqlx::Error) -> StoreError {
    StoreError::new(classify(&err), format!("cannot open SQLite database {}", path.display())).with_source(err)
}

/// SQLite refused a lock another connection holds ("database is locked").
pub(crate) fn is_busy(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if primary_code(db.as_ref()) == Some(SQLITE_BUSY))
}

/// A failed migration run.
pub(crate) fn migration(err: sqlx::migrate::MigrateError) -> StoreError {
    StoreError::from_source(ErrorKind::Backend, err)
}

fn primary_code(db: &dyn sqlx::error::DatabaseError) -> Option<i32> {
    db.code()?.parse::<i32>().ok().map(|extended| extended & 0xff)
}

fn classify(err: &sqlx::Error) -> ErrorKind {
    match err {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => {
            ErrorKind::Unavailable
        }
        sqlx::Error::Database(db) => match primary_code(db.as_ref()) {
            // Still locked by another process when the busy timeout ran out: nothing was done,
            // and trying again later may succeed.
            Some(SQLITE_BUSY | SQLITE_LOCKED) => ErrorKind::Unavailable,
            Some(SQLITE_READONLY | SQLITE_IOERR | SQLITE_FULL | SQLITE_CANTOPEN | SQLITE_PROTOCOL | SQLITE_NOLFS) => {
                ErrorKind::Unavailable
            }
            Some(SQLITE_TOOBIG) => ErrorKind::InvalidArgument,
            _ if matches!(db.kind(), DbErrorKind::CheckViolation | DbErrorKind::NotNullViolation) => {
                ErrorKind::InvalidArgument
            }
            _ => ErrorKind::Backend,
        },
        _ => ErrorKind::Backend,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_and_io_failures_are_unavailable() {
        assert_eq!(classify(&sqlx::Error::PoolTimedOut), ErrorKind::Unavailable);
        assert_eq!(classify(&sqlx::Error::PoolClosed), ErrorKind::Unavailable);
        let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied");
        assert_eq!(classify(&sqlx::Error::Io(io)), ErrorKind::Unavailable);
        assert!(map(sqlx::Error::PoolTimedOut).is_retryable());
    }

    #[test]
    fn decoding_problems_are_backend_errors() {
        assert_eq!(classify(&sqlx::Error::RowNotFound), ErrorKind::Backend);
        assert!(!map(sqlx::Error::RowNotFound).is_retryable());
    }
}
