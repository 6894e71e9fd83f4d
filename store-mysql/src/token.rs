use chrono::{DateTime, Utc};
use store_core::*;

use crate::error::map;
use crate::rows::{self, TokenRow, micros};
use crate::{MySqlStorage, sql_count};

impl TokenStorage for MySqlStorage {
    async fn set_token(&self, token: &Token, last_updated: DateTime<Utc>) -> StoreResult<()> {
        let last_updated = micros(last_updated);
        run!(self, |connection| {
            sqlx::query!(
                r#"INSERT INTO token (uid, country_code, party_id, token_type, contract_id, visual_number, issuer,
                                      group_id, valid, language_code, cache_mode, last_updated_micros)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON DUPLICATE KEY UPDATE
                       country_code = VALUES(country_code), party_id = VALUES(party_id),
                       token_type = VALUES(token_type), contract_id = VALUES(contract_id),
                       visual_number = VALUES(visual_number), issuer = VALUES(issuer), group_id = VALUES(group_id),
                       valid = VALUES(valid), language_code = VALUES(language_code),
                       cache_mode = VALUES(cache_mode), last_updated_micros = VALUES(last_updated_micros)"#,
                token.uid,
                token.country_code,
                token.party_id,
                token.token_type,
                token.contract_id,
                token.visual_number,
                token.issuer,
                token.group_id,
                token.valid,
                token.language_code,
                token.cache_mode.as_str(),
                last_updated,
            )
            .execute(connection)
        })
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn lookup_token(&self, token_uid: &str) -> StoreResult<Option<Token>> {
        let row = run!(self, |connection| sqlx::query_as!(
            TokenRow,
            r#"SELECT uid AS "uid: String", country_code, party_id, token_type, contract_id, visual_number, issuer,
                      group_id, valid AS "valid: bool", language_code, cache_mode, last_updated_micros
               FROM token WHERE uid = ?"#,
            token_uid,
        )
        .fetch_optional(connection))
        .await
        .map_err(map)?;
        row.map(rows::token).transpose()
    }

    async fn list_tokens(&self, offset: usize, limit: usize) -> StoreResult<Vec<Token>> {
        let rows = run!(self, |connection| sqlx::query_as!(
            TokenRow,
            r#"SELECT uid AS "uid: String", country_code, party_id, token_type, contract_id, visual_number, issuer,
                      group_id, valid AS "valid: bool", language_code, cache_mode, last_updated_micros
               FROM token ORDER BY uid LIMIT ? OFFSET ?"#,
            sql_count(limit),
            sql_count(offset),
        )
        .fetch_all(connection))
        .await
        .map_err(map)?;
        rows.into_iter().map(rows::token).collect()
    }
}
