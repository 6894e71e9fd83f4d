//! The one error type of every backend (R11). Backends say what kind of failure happened and
//! why; the core's layer adds which operation and key it happened to, in one place.

use std::error::Error as StdError;
use std::fmt;

use crate::operation::Operation;

pub type StoreResult<T> = Result<T, StoreError>;

type Source = Box<dyn StdError + Send + Sync + 'static>;

/// What kind of failure happened, and so whether retrying can help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
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
    pub const ALL: [ErrorKind; 4] =
        [ErrorKind::InvalidArgument, ErrorKind::Unavailable, ErrorKind::Conflict, ErrorKind::Backend];

    pub fn is_retryable(self) -> bool {
        matches!(self, ErrorKind::Unavailable | ErrorKind::Conflict)
    }

    /// The position of this kind in [`ErrorKind::ALL`], for per-kind tables.
    pub fn index(self) -> usize {
        self as usize
    }

    /// A stable snake_case name, for metrics labels and logs.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidArgument => "invalid_argument",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Backend => "backend",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::InvalidArgument => "invalid argument",
            ErrorKind::Unavailable => "store unavailable",
            ErrorKind::Conflict => "conflict, retry",
            ErrorKind::Backend => "backend error",
        })
    }
}

/// A failed store call: its kind, a message naming the field or cause, the underlying error,
/// and (added by the core) the operation and key. It never contains a secret: passwords are
/// redacted before an error is built and credential keys are never recorded.
///
/// One pointer wide, so results stay small on the path that succeeds.
#[derive(Debug)]
pub struct StoreError(Box<Details>);

#[derive(Debug)]
struct Details {
    kind: ErrorKind,
    message: String,
    operation: Option<Operation>,
    key: Option<String>,
    source: Option<Source>,
}

impl StoreError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        StoreError(Box::new(Details { kind, message: message.into(), operation: None, key: None, source: None }))
    }

    /// The caller's `field` was rejected because of `reason`.
    pub fn invalid_argument(field: impl fmt::Display, reason: impl fmt::Display) -> Self {
        StoreError::new(ErrorKind::InvalidArgument, format!("{field}: {reason}"))
    }

    /// A failure of kind `kind` caused by `source`, whose text becomes the message.
    pub fn from_source(kind: ErrorKind, source: impl Into<Source>) -> Self {
        StoreError::new(kind, String::new()).with_source(source)
    }

    pub fn with_source(mut self, source: impl Into<Source>) -> Self {
        self.0.source = Some(source.into());
        self
    }

    /// Records the call this error came from; the first context given wins, so an error
    /// passed up through nested calls keeps the innermost operation.
    pub fn in_operation(mut self, operation: Operation, key: Option<String>) -> Self {
        let details = &mut self.0;
        if details.operation.is_none() {
            details.operation = Some(operation);
            details.key = if operation.key_is_secret() { None } else { key };
        }
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    pub fn operation(&self) -> Option<Operation> {
        self.0.operation
    }

    /// The key of the failed call, when it is not a credential.
    pub fn key(&self) -> Option<&str> {
        self.0.key.as_deref()
    }

    pub fn message(&self) -> &str {
        &self.0.message
    }

    pub fn is_retryable(&self) -> bool {
        self.0.kind.is_retryable()
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Details { kind, message, operation, key, source } = self.0.as_ref();
        write!(f, "{kind}")?;
        if let Some(operation) = operation {
            write!(f, " during {operation}")?;
            if let Some(key) = key {
                write!(f, "({key})")?;
            }
        }
        f.write_str(":")?;
        if !message.is_empty() {
            write!(f, " {message}")?;
        }
        if let Some(source) = source {
            write!(f, " {source}")?;
        }
        Ok(())
    }
}

impl StdError for StoreError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.source.as_deref().map(|source| source as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_kind_operation_key_and_cause() {
        let err = StoreError::invalid_argument("token.uid", "contains a NUL character")
            .in_operation(Operation::SetToken, Some("\"A\\0\"".into()));
        assert_eq!(err.to_string(), "invalid argument during set_token(\"A\\0\"): token.uid: contains a NUL character");
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        let err = StoreError::from_source(ErrorKind::Unavailable, io).in_operation(Operation::ListTokens, None);
        assert_eq!(err.to_string(), "store unavailable during list_tokens: reset");
        assert!(err.is_retryable());
    }

    #[test]
    fn every_kind_has_its_own_index() {
        for (position, kind) in ErrorKind::ALL.iter().enumerate() {
            assert_eq!(kind.index(), position);
        }
    }

    #[test]
    fn credential_keys_never_reach_the_message() {
        let err = StoreError::new(ErrorKind::Backend, "boom")
            .in_operation(Operation::GetRegistrationDetails, Some("secret-token".into()));
        assert_eq!(err.key(), None);
        assert!(!err.to_string().contains("secret-token"));
    }

    #[test]
    fn the_innermost_operation_wins() {
        let err = StoreError::new(ErrorKind::Backend, "x")
            .in_operation(Operation::LookupToken, Some("a".into()))
            .in_operation(Operation::SetToken, Some("b".into()));
        assert_eq!(err.operation(), Some(Operation::LookupToken));
        assert_eq!(err.key(), Some("a"));
    }
}
