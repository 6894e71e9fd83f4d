//! Authorisation tokens.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use store_core::{CacheMode, Token, TokenType};

use super::error::{ApiError, ApiResult};
use super::extract::{Body, Id, QueryParams};
use super::{AppState, emaid, validate};

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenBody {
    country_code: String,
    party_id: String,
    #[serde(rename = "type")]
    token_type: String,
    uid: String,
    contract_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    visual_number: Option<String>,
    issuer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    group_id: Option<String>,
    valid: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    language_code: Option<String>,
    cache_mode: String,
    /// Ignored on write; the store's write time on read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_updated: Option<String>,
}

impl From<Token> for TokenBody {
    fn from(token: Token) -> Self {
        TokenBody {
            country_code: token.country_code,
            party_id: token.party_id,
            token_type: token.token_type,
            uid: token.uid,
            contract_id: token.contract_id,
            visual_number: token.visual_number,
            issuer: token.issuer,
            group_id: token.group_id,
            valid: token.valid,
            language_code: token.language_code,
            cache_mode: token.cache_mode.as_str().to_owned(),
            last_updated: Some(token.last_updated),
        }
    }
}

pub async fn set(State(state): State<AppState>, Body(body): Body<TokenBody>) -> ApiResult<StatusCode> {
    validate::length("countryCode", &body.country_code, 2, 2)?;
    validate::length("partyId", &body.party_id, 3, 3)?;
    validate::any_of::<TokenType>("type", &body.token_type)?;
    validate::max_length("uid", &body.uid, 36)?;
    if let Some(group_id) = &body.group_id {
        validate::max_length("groupId", group_id, 36)?;
    }
    if let Some(language_code) = &body.language_code {
        validate::length("languageCode", language_code, 2, 2)?;
    }
    let cache_mode = validate::any_of::<CacheMode>("cacheMode", &body.cache_mode)?;
    let contract_id = emaid::normalise(&body.contract_id).map_err(ApiError::bad_request)?;
    let token = Token {
        country_code: body.country_code,
        party_id: body.party_id,
        token_type: body.token_type,
        uid: body.uid,
        contract_id,
        visual_number: body.visual_number,
        issuer: body.issuer,
        group_id: body.group_id,
        valid: body.valid,
        language_code: body.language_code,
        cache_mode,
        last_updated: String::new(),
    };
    state.store.engine().set_token(&token).await?;
    Ok(StatusCode::CREATED)
}

pub async fn lookup(State(state): State<AppState>, Id(uid): Id<36>) -> ApiResult<Json<TokenBody>> {
    let token = state.store.engine().lookup_token(&uid).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(token.into()))
}

#[derive(Debug, Deserialize)]
pub struct ListParams {
    offset: Option<i64>,
    limit: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    QueryParams(params): QueryParams<ListParams>,
) -> ApiResult<Json<Vec<TokenBody>>> {
    let offset = params.offset.unwrap_or(0);
    let limit = params.limit.unwrap_or(20);
    let offset = usize::try_from(offset).map_err(|_| ApiError::bad_request(format!("offset {offset} is negative")))?;
    if !(1..=100).contains(&limit) {
        return Err(ApiError::bad_request(format!("limit {limit} is not between 1 and 100")));
    }
    let tokens = state.store.engine().list_tokens(offset, limit as usize).await?;
    Ok(Json(tokens.into_iter().map(TokenBody::from).collect()))
}
