//! The one place that builds `StoreError`s from server and driver errors: MariaDB / MySQL error
//! numbers mapped to kinds (R11). The core's layer adds the operation and key.

use sqlx::mysql::MySqlDatabaseError;
use store_core::{ErrorKind, StoreError};

// Server error numbers, as MariaDB and MySQL both document them
// (https://mariadb.com/kb/en/mariadb-error-code-reference/).
const ER_CON_COUNT_ERROR: u16 = 1040;
const ER_OUT_OF_RESOURCES: u16 = 1041;
const ER_DBACCESS_DENIED_ERROR: u16 = 1044;
const ER_ACCESS_DENIED_ERROR: u16 = 1045;
const ER_HOST_IS_BLOCKED: u16 = 1129;
const ER_HOST_NOT_PRIVILEGED: u16 = 1130;
/// MariaDB: a login whose account authenticates by socket only (`unix_socket`), over TCP.
const ER_ACCESS_DENIED_NO_PASSWORD_ERROR: u16 = 1698;
const ER_BAD_DB_ERROR: u16 = 1049;
const ER_SERVER_SHUTDOWN: u16 = 1053;
const ER_NET_PACKET_TOO_LARGE: u16 = 1153;
const ER_LOCK_WAIT_TIMEOUT: u16 = 1205;
const ER_LOCK_DEADLOCK: u16 = 1213;
const ER_OPTION_PREVENTS_STATEMENT: u16 = 1290;
const ER_QUERY_INTERRUPTED: u16 = 1317;
const ER_TRUNCATED_WRONG_VALUE: u16 = 1292;
const ER_DATA_TOO_LONG: u16 = 1406;
const ER_BAD_NULL_ERROR: u16 = 1048;
const ER_WARN_DATA_OUT_OF_RANGE: u16 = 1264;
const ER_TRUNCATED_WRONG_VALUE_FOR_FIELD: u16 = 1366;
const ER_READ_ONLY_MODE: u16 = 1836;
const ER_CONNECTION_KILLED: u16 = 1927;
/// MySQL 8's CHECK violation; MariaDB's is `ER_CONSTRAINT_FAILED`.
const ER_CHECK_CONSTRAINT_VIOLATED: u16 = 3819;
const ER_CONSTRAINT_FAILED: u16 = 4025;
/// MariaDB with `innodb_snapshot_isolation`: a row changed since this transaction's view.
const ER_CHECKREAD: u16 = 1020;

/// Maps a sqlx error. Server messages may quote a value ("Data too long for column …" does not,
/// but a duplicate-key message would); kinds that reach clients say what failed, and the core
/// adds the key, never a password.
pub(crate) fn map(err: sqlx::Error) -> StoreError {
    StoreError::from_source(classify(&err), err)
}

/// A failed migration run.
pub(crate) fn migration(err: sqlx::migrate::MigrateError) -> StoreError {
    let kind = match &err {
        sqlx::migrate::MigrateError::Execute(inner) => classify(inner),
        _ => ErrorKind::Backend,
    };
    StoreError::from_source(kind, err)
}

/// InnoDB rolled back the statement's transaction (deadlock) or the statement (lock wait
/// timeout), so the call did nothing and may run again.
pub(crate) fn aborted_without_effect(err: &sqlx::Error) -> bool {
    matches!(number(err), Some(ER_LOCK_DEADLOCK | ER_LOCK_WAIT_TIMEOUT | ER_CHECKREAD))
}

/// Whether the connection a call failed on may serve the next call: the server answered with an
/// ordinary error and is ready for more. I/O and protocol failures, and errors that end the
/// session (killed, server shutting down, packet too large), leave it dead or mid-protocol.
pub(crate) fn leaves_connection_usable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(_) => {
            !matches!(number(err), Some(ER_CONNECTION_KILLED | ER_SERVER_SHUTDOWN | ER_NET_PACKET_TOO_LARGE))
        }
        sqlx::Error::RowNotFound | sqlx::Error::ColumnNotFound(_) | sqlx::Error::ColumnIndexOutOfBounds { .. } => true,
        _ => false,
    }
}

fn number(err: &sqlx::Error) -> Option<u16> {
    match err {
        sqlx::Error::Database(db) => db.try_downcast_ref::<MySqlDatabaseError>().map(MySqlDatabaseError::number),
        _ => None,
    }
}

fn classify(err: &sqlx::Error) -> ErrorKind {
    match err {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => ErrorKind::Unavailable,
        sqlx::Error::Database(_) => match number(err) {
            Some(ER_LOCK_DEADLOCK | ER_LOCK_WAIT_TIMEOUT | ER_CHECKREAD) => ErrorKind::Conflict,
            // The server is full, refuses us, lacks the database, is going away, or is read-only
            // (a replica, or a primary being switched over): nothing was done, retrying later may
            // succeed.
            Some(
                ER_CON_COUNT_ERROR
                | ER_OUT_OF_RESOURCES
                | ER_DBACCESS_DENIED_ERROR
                | ER_ACCESS_DENIED_ERROR
                | ER_HOST_IS_BLOCKED
                | ER_HOST_NOT_PRIVILEGED
                | ER_ACCESS_DENIED_NO_PASSWORD_ERROR
                | ER_BAD_DB_ERROR
                | ER_SERVER_SHUTDOWN
                | ER_OPTION_PREVENTS_STATEMENT
                | ER_QUERY_INTERRUPTED
                | ER_READ_ONLY_MODE
                | ER_CONNECTION_KILLED,
            ) => ErrorKind::Unavailable,
            // A value the schema cannot hold: the caller's input.
            Some(
                ER_DATA_TOO_LONG
                | ER_NET_PACKET_TOO_LARGE
                | ER_BAD_NULL_ERROR
                | ER_WARN_DATA_OUT_OF_RANGE
                | ER_TRUNCATED_WRONG_VALUE
                | ER_TRUNCATED_WRONG_VALUE_FOR_FIELD
                | ER_CHECK_CONSTRAINT_VIOLATED
                | ER_CONSTRAINT_FAILED,
            ) => ErrorKind::InvalidArgument,
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
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert_eq!(classify(&sqlx::Error::Io(io)), ErrorKind::Unavailable);
        assert!(map(sqlx::Error::PoolTimedOut).is_retryable());
    }

    #[test]
    fn decoding_problems_are_backend_errors() {
        assert_eq!(classify(&sqlx::Error::RowNotFound), ErrorKind::Backend);
        assert!(!aborted_without_effect(&sqlx::Error::RowNotFound));
    }

    #[test]
    fn io_failures_leave_no_usable_connection() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        assert!(!leaves_connection_usable(&sqlx::Error::Io(io)));
        assert!(!leaves_connection_usable(&sqlx::Error::Protocol("unexpected packet".into())));
        assert!(leaves_connection_usable(&sqlx::Error::RowNotFound));
    }
}
