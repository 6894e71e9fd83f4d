//! Export reads: each a keyset page (`>=` the cursor, one row more than asked, the cursor's own
//! row dropped: see `after_inclusive_cursor`); and the import of a whole transaction.

use chrono::{DateTime, Utc};
use store_core::*;

use crate::error::map;
use crate::rows::{self, LocationRow, PartyRow, TokenRow, TransactionRow};
use crate::{SqliteStorage, sql_count};

impl ExportStorage for SqliteStorage {
    async fn export_charge_station_auth(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<(String, ChargeStationAuth)>> {
        let from = after.unwrap_or_default();
        let rows = sqlx::query!(
            r#"SELECT charge_station_id, security_profile, base64_sha256_password,
                      invalid_username_allowed AS "invalid_username_allowed: bool"
               FROM charge_station_auth WHERE charge_station_id >= ?1 ORDER BY charge_station_id LIMIT ?2"#,
            from,
            sql_count(limit) + 1,
        )
        .fetch_all(&self.readers)
        .await
        .map_err(map)?;
        after_inclusive_cursor(rows, |row| Some(row.charge_station_id.as_str()) == after, limit)
            .into_iter()
            .map(|row| {
                let auth = ChargeStationAuth {
                    security_profile: rows::security_profile(row.security_profile)?,
                    base64_sha256_password: row.base64_sha256_password,
                    invalid_username_allowed: row.invalid_username_allowed,
                };
                Ok((row.charge_station_id, auth))
            })
            .collect()
    }

    async fn export_charge_station_runtime_details(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<(String, ChargeStationRuntimeDetails)>> {
        let from = after.unwrap_or_default();
        let rows = sqlx::query!(
            r#"SELECT charge_station_id, ocpp_version FROM charge_station_runtime_details
               WHERE charge_station_id >= ?1 ORDER BY charge_station_id LIMIT ?2"#,
            from,
            sql_count(limit) + 1,
        )
        .fetch_all(&self.readers)
        .await
        .map_err(map)?;
        Ok(after_inclusive_cursor(rows, |row| Some(row.charge_station_id.as_str()) == after, limit)
            .into_iter()
            .map(|row| (row.charge_station_id, ChargeStationRuntimeDetails { ocpp_version: row.ocpp_version }))
            .collect())
    }

    async fn export_tokens(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<Token>> {
        let from = after.unwrap_or_default();
        let rows = sqlx::query_as!(
            TokenRow,
            r#"SELECT uid, country_code, party_id, token_type, contract_id, visual_number, issuer, group_id,
                      valid AS "valid: bool", language_code, cache_mode, last_updated_micros
               FROM token WHERE uid >= ?1 ORDER BY uid LIMIT ?2"#,
            from,
            sql_count(limit) + 1,
        )
        .fetch_all(&self.readers)
        .await
        .map_err(map)?;
        after_inclusive_cursor(rows, |row| Some(row.uid.as_str()) == after, limit)
            .into_iter()
            .map(rows::token)
            .collect()
    }

    async fn export_transactions(
        &self,
        after: Option<(&str, &str)>,
        limit: usize,
    ) -> StoreResult<Vec<(Transaction, Option<DateTime<Utc>>)>> {
        let (cs, tx) = after.unwrap_or_default();
        let rows = sqlx::query_as!(
            TransactionRow,
            r#"WITH page AS (
                   SELECT * FROM charging_transaction
                   WHERE (charge_station_id, transaction_id) >= (?1, ?2)
                   ORDER BY charge_station_id, transaction_id LIMIT ?3
               )
               SELECT t.charge_station_id AS "charge_station_id!", t.transaction_id AS "transaction_id!",
                      t.id_token AS "id_token!", t.token_type AS "token_type!", t.start_seq_no AS "start_seq_no!",
                      t.ended_seq_no AS "ended_seq_no!", t.updated_seq_no_count AS "updated_seq_no_count!",
                      t.offline AS "offline!: bool", t.ended_at_micros AS "ended_at_micros?",
                      m.recorded_at AS "recorded_at?", m.sampled_values AS "sampled_values?"
               FROM page t
               LEFT JOIN meter_value m USING (charge_station_id, transaction_id)
               ORDER BY t.charge_station_id, t.transaction_id, m.ordinal"#,
            cs,
            tx,
            sql_count(limit) + 1,
        )
        .fetch_all(&self.readers)
        .await
        .map_err(map)?;
        let transactions = rows::exported_transactions(rows)?;
        let is_cursor =
            |(t, _): &(Transaction, _)| Some((t.charge_station_id.as_str(), t.transaction_id.as_str())) == after;
        Ok(after_inclusive_cursor(transactions, is_cursor, limit))
    }

    async fn export_certificates(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<(String, String)>> {
        let from = after.unwrap_or_default();
        let rows = sqlx::query!(
            r#"SELECT certificate_hash, pem FROM certificate
               WHERE certificate_hash >= ?1 ORDER BY certificate_hash LIMIT ?2"#,
            from,
            sql_count(limit) + 1,
        )
        .fetch_all(&self.readers)
        .await
        .map_err(map)?;
        Ok(after_inclusive_cursor(rows, |row| Some(row.certificate_hash.as_str()) == after, limit)
            .into_iter()
            .map(|row| (row.certificate_hash, row.pem))
            .collect())
    }

    async fn export_registrations(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<(String, OcpiRegistration)>> {
        let from = after.unwrap_or_default();
        let rows = sqlx::query!(
            r#"SELECT token, status FROM ocpi_registration WHERE token >= ?1 ORDER BY token LIMIT ?2"#,
            from,
            sql_count(limit) + 1
        )
        .fetch_all(&self.readers)
        .await
        .map_err(map)?;
        after_inclusive_cursor(rows, |row| Some(row.token.as_str()) == after, limit)
            .into_iter()
            .map(|row| {
                let status = rows::parse("ocpi_registration.status", &row.status, OcpiRegistrationStatus::parse)?;
                Ok((row.token, OcpiRegistration { status }))
            })
            .collect()
    }

    async fn export_parties(&self, after: Option<(&str, &str, &str)>, limit: usize) -> StoreResult<Vec<OcpiParty>> {
        let (role, country_code, party_id) = after.unwrap_or_default();
        let rows = sqlx::query_as!(
            PartyRow,
            r#"SELECT role, country_code, party_id, url, token FROM ocpi_party
               WHERE (role, country_code, party_id) >= (?1, ?2, ?3)
               ORDER BY role, country_code, party_id LIMIT ?4"#,
            role,
            country_code,
            party_id,
            sql_count(limit) + 1,
        )
        .fetch_all(&self.readers)
        .await
        .map_err(map)?;
        let is_cursor =
            |row: &PartyRow| Some((row.role.as_str(), row.country_code.as_str(), row.party_id.as_str())) == after;
        Ok(after_inclusive_cursor(rows, is_cursor, limit).into_iter().map(rows::party).collect())
    }

    async fn export_locations(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<Location>> {
        let from = after.unwrap_or_default();
        let rows = sqlx::query_as!(
            LocationRow,
            r#"SELECT id, address, city, latitude, longitude, country, evses, last_updated_micros, name,
                      parking_type, postal_code
               FROM location WHERE id >= ?1 ORDER BY id LIMIT ?2"#,
            from,
            sql_count(limit) + 1,
        )
        .fetch_all(&self.readers)
        .await
        .map_err(map)?;
        after_inclusive_cursor(rows, |row| Some(row.id.as_str()) == after, limit)
            .into_iter()
            .map(rows::location)
            .collect()
    }

    /// Deletes the transaction and its values, then inserts it whole with the statements every
    /// write uses, in one write transaction.
    async fn import_transaction(&self, transaction: &Transaction, ended_at: Option<DateTime<Utc>>) -> StoreResult<()> {
        let t = transaction;
        let write = TransactionWrite::import(t, ended_at);
        let mut db = self.begin_write().await?;
        sqlx::query!(
            "DELETE FROM meter_value WHERE charge_station_id = ?1 AND transaction_id = ?2",
            t.charge_station_id,
            t.transaction_id,
        )
        .execute(&mut *db)
        .await
        .map_err(map)?;
        sqlx::query!(
            "DELETE FROM charging_transaction WHERE charge_station_id = ?1 AND transaction_id = ?2",
            t.charge_station_id,
            t.transaction_id,
        )
        .execute(&mut *db)
        .await
        .map_err(map)?;
        crate::transaction::upsert(&mut db, &t.charge_station_id, &t.transaction_id, &t.meter_values, write).await?;
        db.commit().await.map_err(map)
    }
}
