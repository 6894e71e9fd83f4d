//! Scenario outcomes and the assertions that produce them. Scenarios return failures instead
//! of panicking so the mutant runner can count which scenario caught which broken backend.

use std::fmt;

use store_core::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure(pub String);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<StoreError> for Failure {
    fn from(err: StoreError) -> Self {
        Failure(format!("unexpected store error: {err}"))
    }
}

pub type Outcome = Result<(), Failure>;

/// Fails the scenario with a formatted message unless the condition holds.
#[macro_export]
macro_rules! check {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err($crate::Failure(format!("{} (at {}:{})", format!($($msg)+), file!(), line!())));
        }
    };
}

/// Fails the scenario unless `actual == expected`, showing both.
#[macro_export]
macro_rules! check_eq {
    ($actual:expr, $expected:expr $(,)?) => {
        $crate::check_eq!($actual, $expected, "{}", stringify!($actual))
    };
    ($actual:expr, $expected:expr, $($msg:tt)+) => {{
        let actual = $actual;
        let expected = $expected;
        if actual != expected {
            return Err($crate::Failure(format!(
                "{}: expected {:?}, got {:?} (at {}:{})",
                format!($($msg)+), expected, actual, file!(), line!()
            )));
        }
    }};
}

/// Fails unless the result is an invalid-argument error whose message names `field`.
#[macro_export]
macro_rules! check_invalid {
    ($result:expr, $field:expr) => {{
        match $result {
            Err(err) if err.kind() == store_core::ErrorKind::InvalidArgument => {
                let message = err.to_string();
                $crate::check!(message.contains($field), "error {message:?} does not name {:?}", $field);
            }
            other => {
                return Err($crate::Failure(format!(
                    "{}: expected an invalid-argument error naming {:?}, got {:?} (at {}:{})",
                    stringify!($result),
                    $field,
                    other,
                    file!(),
                    line!()
                )));
            }
        }
    }};
}
