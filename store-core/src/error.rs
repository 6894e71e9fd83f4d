//! The one error type of every backend (R11).

use std::error::Error as StdError;

pub type StoreResult<T> = Result<T, StoreError>;

type Source = Box<dyn StdError + Send + Sync + 'static>;

/// What kind of failure happened, and so whether retrying can help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The caller's input was rejected; retrying the same call fails the same way.
    InvalidArgument,
    /// The backend could not be reached (connection lost, pool timeout, restart). Retryable.
    Unavailable,
    /// The call lost a race (serialization failure, deadlock). Retryable.
    Conflict,
    /// Anything else the backend reported.
    Backend,
}

impl ErrorKind {
    pub fn is_retryable(self) -> bool {
        matches!(self, ErrorKind::Unavailable | ErrorKind::Conflict)
    }
}

/// A failed store call. Messages name the operation and field or key; they never contain
/// secrets (passwords are redacted before an error is built).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid argument: {field}: {reason}")]
    InvalidArgument { field: String, reason: String },
    #[error("store unavailable during {operation}: {source}")]
    Unavailable { operation: String, source: Source },
    #[error("conflict during {operation}, retry: {source}")]
    Conflict { operation: String, source: Source },
    #[error("backend error during {operation}: {source}")]
    Backend { operation: String, source: Source },
}

impl StoreError {
    pub fn invalid_argument(field: impl Into<String>, reason: impl Into<String>) -> Self {
        StoreError::InvalidArgument { field: field.into(), reason: reason.into() }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            StoreError::InvalidArgument { .. } => ErrorKind::InvalidArgument,
            StoreError::Unavailable { .. } => ErrorKind::Unavailable,
            StoreError::Conflict { .. } => ErrorKind::Conflict,
            StoreError::Backend { .. } => ErrorKind::Backend,
        }
    }

    pub fn is_retryable(&self) -> bool {
        self.kind().is_retryable()
    }
}
