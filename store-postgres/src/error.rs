//! The one place that builds `StoreError`s: database errors mapped to kinds (R11), and rows
//! that cannot be read back. The core's layer adds the operation and key.

use sqlx::error::ErrorKind as DbErrorKind;
use store_core::{ErrorKind, StoreError};

/// SQLSTATE classes and codes, as PostgreSQL documents them (Appendix A).
const SERIALIZATION_FAILURE: &str = "40001";
const DEADLOCK_DETECTED: &str = "40P01";
const DATA_EXCEPTION_CLASS: &str = "22";
const PROGRAM_LIMIT_EXCEEDED: &str = "54000";
const CONNECTION_EXCEPTION_CLASS: &str = "08";
const ADMIN_SHUTDOWN: &str = "57P01";
const CRASH_SHUTDOWN: &str = "57P02";
const CANNOT_CONNECT_NOW: &str = "57P03";
/// Insufficient resources: too many connections, disk full, out of memory.
const INSUFFICIENT_RESOURCES_CLASS: &str = "53";
/// Invalid authorization specification: a wrong password, a role that may not log in.
const INVALID_AUTHORIZATION_CLASS: &str = "28";
const INVALID_CATALOG_NAME: &str = "3D000";
const DATABASE_DROPPED: &str = "57P04";
/// A write on a server in recovery: a replica, or a primary being switched over.
const READ_ONLY_SQL_TRANSACTION: &str = "25006";

/// Maps a sqlx error. sqlx's own messages never include the connection password.
pub(crate) fn map(err: sqlx::Error) -> StoreError {
    StoreError::from_source(classify(&err), err)
}

/// A failed migration run.
pub(crate) fn migration(err: sqlx::migrate::MigrateError) -> StoreError {
    StoreError::from_source(ErrorKind::Backend, err)
}

/// A stored value this code cannot read back: the schema and the code disagree.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Unreadable {
    #[error("stored {column} {value:?} is not a known value")]
    UnknownValue { column: &'static str, value: String },
    #[error("meter value arrays of {charge_station_id:?}/{transaction_id:?} have different lengths")]
    RaggedMeterValue { charge_station_id: String, transaction_id: String },
}

impl From<Unreadable> for StoreError {
    fn from(err: Unreadable) -> Self {
        StoreError::from_source(ErrorKind::Backend, err)
    }
}

/// Whether PostgreSQL aborted the statement as a whole (serialization failure, deadlock
/// detected): it had no effect and may be run again.
pub(crate) fn aborted_without_effect(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some(SERIALIZATION_FAILURE | DEADLOCK_DETECTED)))
}

/// Whether the connection a call failed on may serve the next call: the server answered with an
/// ordinary error and is ready for more. I/O and protocol failures, and errors that end the
/// session (connection exceptions, shutdowns), leave it dead or mid-protocol.
pub(crate) fn leaves_connection_usable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            !(code.starts_with(CONNECTION_EXCEPTION_CLASS) || [ADMIN_SHUTDOWN, CRASH_SHUTDOWN].contains(&code.as_ref()))
        }
        sqlx::Error::RowNotFound | sqlx::Error::ColumnNotFound(_) | sqlx::Error::ColumnIndexOutOfBounds { .. } => true,
        _ => false,
    }
}

fn classify(err: &sqlx::Error) -> ErrorKind {
    match err {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => ErrorKind::Unavailable,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            if aborted_without_effect(err) {
                ErrorKind::Conflict
            } else if [CONNECTION_EXCEPTION_CLASS, INSUFFICIENT_RESOURCES_CLASS, INVALID_AUTHORIZATION_CLASS]
                .iter()
                .any(|class| code.starts_with(class))
                || [
                    ADMIN_SHUTDOWN,
                    CRASH_SHUTDOWN,
                    CANNOT_CONNECT_NOW,
                    INVALID_CATALOG_NAME,
                    DATABASE_DROPPED,
                    READ_ONLY_SQL_TRANSACTION,
                ]
                .contains(&code.as_ref())
            {
                // The service cannot reach its data now; nothing was done, and retrying later
                // (once an operator fixes the server, the password or the database) may succeed.
                ErrorKind::Unavailable
            } else if code.starts_with(DATA_EXCEPTION_CLASS)
                || code == PROGRAM_LIMIT_EXCEEDED
                || matches!(db.kind(), DbErrorKind::CheckViolation | DbErrorKind::NotNullViolation)
            {
                ErrorKind::InvalidArgument
            } else {
                ErrorKind::Backend
            }
        }
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
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        assert_eq!(classify(&sqlx::Error::Io(io)), ErrorKind::Unavailable);
        assert!(map(sqlx::Error::PoolTimedOut).is_retryable());
    }

    #[test]
    fn only_ordinary_server_errors_leave_a_connection_usable() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        assert!(!leaves_connection_usable(&sqlx::Error::Io(io)));
        assert!(!leaves_connection_usable(&sqlx::Error::Protocol("unexpected message".into())));
        assert!(leaves_connection_usable(&sqlx::Error::RowNotFound));
    }

    #[test]
    fn decoding_problems_are_backend_errors() {
        assert_eq!(classify(&sqlx::Error::RowNotFound), ErrorKind::Backend);
        assert!(!map(sqlx::Error::RowNotFound).is_retryable());
    }
}
