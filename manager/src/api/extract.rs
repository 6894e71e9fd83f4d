//! Extractors whose rejections are JSON `Status` bodies with a 4xx code.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// A JSON request body.
#[derive(Debug)]
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

/// A body that is not valid JSON for the operation is a 400, as the spec's validation says
/// (axum would answer 422 for well-formed JSON of the wrong shape); 413 and 415 stay. A body
/// that stalled past the body read timeout is a 408.
fn json_rejection(rejection: JsonRejection) -> ApiError {
    let mut causes = std::iter::successors(Some(&rejection as &dyn std::error::Error), |err| err.source());
    if causes.any(|err| err.is::<tower_http::timeout::TimeoutError>()) {
        return ApiError::with_status(StatusCode::REQUEST_TIMEOUT, "the request body stalled; send it faster");
    }
    let status = match rejection.status() {
        StatusCode::UNPROCESSABLE_ENTITY => StatusCode::BAD_REQUEST,
        other => other,
    };
    ApiError::with_status(status, rejection.body_text())
}

/// One path parameter, at most `MAX` characters (the spec's `maxLength`).
#[derive(Debug)]
pub struct Id<const MAX: usize>(pub String);

impl<S: Send + Sync, const MAX: usize> FromRequestParts<S> for Id<MAX> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(id) = axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|rejection: PathRejection| ApiError::with_status(rejection.status(), rejection.body_text()))?;
        let length = id.chars().count();
        if length > MAX {
            return Err(ApiError::bad_request(format!("path parameter is {length} characters, longer than {MAX}")));
        }
        Ok(Id(id))
    }
}

/// Query parameters.
#[derive(Debug)]
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| QueryParams(value))
            .map_err(|rejection: QueryRejection| ApiError::with_status(rejection.status(), rejection.body_text()))
    }
}
