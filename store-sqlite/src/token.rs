use chrono::{DateTime, Utc};
use store_core::*;

use crate::error::map;
use crate::rows::{self, TokenRow, micros};
use crate::{SqliteStorage, sql_count};

impl TokenStorage for SqliteStorage {
    async fn set_token(&self, token: &Token, last_updated: DateTime<Utc>) -> StoreResult<()> {
        let last_updated = micros(last_updated);
        sqlx::query!(
            r#"INSERT INTO token (uid, country_code, party_id, token_type, contract_id, visual_number, issuer,
                                  group_id, valid, language_code, cache_mode, last_updated_micros)
               VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
               ON CONFLICT (uid) DO UPDATE
               SET country_code = excluded.country_code, party_id = excluded.party_id,
                   token_type = excluded.token_type, contract_id = excluded.contract_id,
                   visual_number = excluded.visual_number, issuer = excluded.issuer, group_id = excluded.group_id,
                   valid = excluded.valid, language_code = excluded.language_code,
                   cache_mode = excluded.cache_mode, last_updated_micros = excluded.last_updated_micros"#,
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
        .execute(self.writer()?)
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn lookup_token(&self, token_uid: &str) -> StoreResult<Option<Token>> {
        let row = sqlx::query_as!(
            TokenRow,
            r#"SELECT uid, country_code, party_id, token_type, contract_id, visual_number, issuer, group_id,
                      valid AS "valid: bool", language_code, cache_mode, last_updated_micros
               FROM token WHERE uid = ?1"#,
            token_uid,
        )
        .fetch_optional(&self.readers)
        .await
        .map_err(map)?;
        row.map(rows::token).transpose()
    }

    async fn list_tokens(&self, offset: usize, limit: usize) -> StoreResult<Vec<Token>> {
        let rows = sqlx::query_as!(
            TokenRow,
            r#"SELECT uid, country_code, party_id, token_type, contract_id, visual_number, issuer, group_id,
                      valid AS "valid: bool", language_code, cache_mode, last_updated_micros
               FROM token ORDER BY uid LIMIT ?2 OFFSET ?1"#,
            sql_count(offset),
            sql_count(limit),
        )
        .fetch_all(&self.readers)
        .await
        .map_err(map)?;
        rows.into_iter().map(rows::token).collect()
    }
}
