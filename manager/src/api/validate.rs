//! Request checks from the spec (lengths, enums, required values), each naming the field.

use super::error::ApiError;

pub fn length(field: &str, value: &str, min: usize, max: usize) -> Result<(), ApiError> {
    let length = value.chars().count();
    if length < min || length > max {
        let bounds = if min == max { format!("exactly {min}") } else { format!("{min} to {max}") };
        return Err(ApiError::bad_request(format!("{field} must be {bounds} characters long, got {length}")));
    }
    Ok(())
}

pub fn max_length(field: &str, value: &str, max: usize) -> Result<(), ApiError> {
    length(field, value, 0, max)
}

pub fn one_of<'a>(field: &str, value: &'a str, allowed: &[&str]) -> Result<&'a str, ApiError> {
    if allowed.contains(&value) {
        Ok(value)
    } else {
        Err(ApiError::bad_request(format!("{field} {value:?} is not one of {allowed:?}")))
    }
}
