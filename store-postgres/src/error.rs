//! The one place that maps database errors to `StoreError` kinds (R11).

use sqlx::error::ErrorKind as DbErrorKind;
use store_core::StoreError;

/// SQLSTATE classes and codes, as PostgreSQL documents them (Appendix A).
const SERIALIZATION_FAILURE: &str = "40001";
const DEADLOCK_DETECTED: &str = "40P01";
const DATA_EXCEPTION_CLASS: &str = "22";
const PROGRAM_LIMIT_EXCEEDED: &str = "54000";
const CONNECTION_EXCEPTION_CLASS: &str = "08";
const ADMIN_SHUTDOWN: &str = "57P01";
const CRASH_SHUTDOWN: &str = "57P02";
const CANNOT_CONNECT_NOW: &str = "57P03";
const TOO_MANY_CONNECTIONS: &str = "53300";

/// Maps a sqlx error from `operation` (e.g. `"update_transaction(cs001, tx1)"`). sqlx's own
/// messages never include the connection password.
pub(crate) fn map(operation: impl Into<String>, err: sqlx::Error) -> StoreError {
    let operation = operation.into();
    match classify(&err) {
        Class::Unavailable => StoreError::Unavailable { operation, source: Box::new(err) },
        Class::Conflict => StoreError::Conflict { operation, source: Box::new(err) },
        Class::InvalidArgument => StoreError::InvalidArgument { field: operation, reason: err.to_string() },
        Class::Backend => StoreError::Backend { operation, source: Box::new(err) },
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Class {
    Unavailable,
    Conflict,
    InvalidArgument,
    Backend,
}

fn classify(err: &sqlx::Error) -> Class {
    match err {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => Class::Unavailable,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            if code == SERIALIZATION_FAILURE || code == DEADLOCK_DETECTED {
                Class::Conflict
            } else if code.starts_with(CONNECTION_EXCEPTION_CLASS)
                || [ADMIN_SHUTDOWN, CRASH_SHUTDOWN, CANNOT_CONNECT_NOW, TOO_MANY_CONNECTIONS].contains(&code.as_ref())
            {
                Class::Unavailable
            } else if code.starts_with(DATA_EXCEPTION_CLASS)
                || code == PROGRAM_LIMIT_EXCEEDED
                || matches!(db.kind(), DbErrorKind::CheckViolation | DbErrorKind::NotNullViolation)
            {
                Class::InvalidArgument
            } else {
                Class::Backend
            }
        }
        _ => Class::Backend,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_and_io_failures_are_unavailable() {
        assert_eq!(classify(&sqlx::Error::PoolTimedOut), Class::Unavailable);
        assert_eq!(classify(&sqlx::Error::PoolClosed), Class::Unavailable);
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        assert_eq!(classify(&sqlx::Error::Io(io)), Class::Unavailable);
        assert!(map("lookup_token", sqlx::Error::PoolTimedOut).is_retryable());
    }

    #[test]
    fn decoding_problems_are_backend_errors() {
        assert_eq!(classify(&sqlx::Error::RowNotFound), Class::Backend);
        assert!(!map("lookup_token", sqlx::Error::RowNotFound).is_retryable());
    }
}
