//! Transactions: create, update and end are each one write transaction (R8): an upsert that
//! counts in SQL and returns where this call's meter values go, then one insert per meter
//! value. `BEGIN IMMEDIATE` holds the write lock throughout, so concurrent writers (tasks here,
//! or other processes on the file) never lose a value or an increment.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;
use store_core::*;

use crate::error::map;
use crate::rows::{self, TransactionRow, micros};
use crate::{SqliteStorage, sql_count};

impl SqliteStorage {
    async fn write_transaction(
        &self,
        charge_station_id: &str,
        transaction_id: &str,
        meter_values: &[MeterValue],
        write: TransactionWrite<'_>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        upsert(&mut tx, charge_station_id, transaction_id, meter_values, write).await?;
        tx.commit().await.map_err(map)
    }
}

/// Creates, updates or ends a transaction and appends `meter_values`, inside the caller's
/// write transaction.
pub(crate) async fn upsert(
    tx: &mut SqliteConnection,
    charge_station_id: &str,
    transaction_id: &str,
    meter_values: &[MeterValue],
    write: TransactionWrite<'_>,
) -> StoreResult<()> {
    let appended = sql_count(meter_values.len());
    let ended_at = write.ended_at.map(micros);
    let appended_after = sqlx::query_scalar!(
        r#"INSERT INTO charging_transaction AS t
                   (charge_station_id, transaction_id, id_token, token_type, start_seq_no, ended_seq_no,
                    updated_seq_no_count, offline, meter_value_count, ended_at_micros)
               VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?11, ?12)
               ON CONFLICT (charge_station_id, transaction_id) DO UPDATE SET
                   id_token = CASE WHEN ?9 THEN excluded.id_token ELSE t.id_token END,
                   token_type = CASE WHEN ?9 THEN excluded.token_type ELSE t.token_type END,
                   start_seq_no = CASE WHEN ?9 THEN excluded.start_seq_no ELSE t.start_seq_no END,
                   offline = CASE WHEN ?9 THEN excluded.offline ELSE t.offline END,
                   ended_seq_no = CASE WHEN ?10 THEN excluded.ended_seq_no ELSE t.ended_seq_no END,
                   updated_seq_no_count = t.updated_seq_no_count + excluded.updated_seq_no_count,
                   meter_value_count = t.meter_value_count + excluded.meter_value_count,
                   ended_at_micros = COALESCE(t.ended_at_micros, excluded.ended_at_micros)
               RETURNING meter_value_count - ?11 AS "appended_after!: i64""#,
        charge_station_id,
        transaction_id,
        write.id_token,
        write.token_type,
        write.start_seq_no,
        write.ended_seq_no,
        write.counts_update,
        write.offline,
        write.replaces_start,
        write.replaces_end,
        appended,
        ended_at,
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(map)?;
    for (ordinal, meter_value) in (appended_after + 1..).zip(meter_values) {
        let sampled_values = rows::sampled_values_json(&meter_value.sampled_values);
        sqlx::query!(
            r#"INSERT INTO meter_value (charge_station_id, transaction_id, ordinal, recorded_at, sampled_values)
                   VALUES (?1, ?2, ?3, ?4, ?5)"#,
            charge_station_id,
            transaction_id,
            ordinal,
            meter_value.timestamp,
            sampled_values,
        )
        .execute(&mut *tx)
        .await
        .map_err(map)?;
    }
    Ok(())
}

impl TransactionStorage for SqliteStorage {
    async fn transactions(&self) -> StoreResult<Vec<Transaction>> {
        let rows = sqlx::query_as!(
            TransactionRow,
            r#"SELECT t.charge_station_id, t.transaction_id, t.id_token, t.token_type, t.start_seq_no,
                      t.ended_seq_no, t.updated_seq_no_count, t.offline AS "offline: bool", t.ended_at_micros,
                      m.recorded_at AS "recorded_at?", m.sampled_values AS "sampled_values?"
               FROM charging_transaction t
               LEFT JOIN meter_value m USING (charge_station_id, transaction_id)
               ORDER BY t.charge_station_id, t.transaction_id, m.ordinal"#,
        )
        .fetch_all(&self.readers)
        .await
        .map_err(map)?;
        rows::transactions(rows)
    }

    async fn find_transaction(
        &self,
        charge_station_id: &str,
        transaction_id: &str,
    ) -> StoreResult<Option<Transaction>> {
        let rows = sqlx::query_as!(
            TransactionRow,
            r#"SELECT t.charge_station_id, t.transaction_id, t.id_token, t.token_type, t.start_seq_no,
                      t.ended_seq_no, t.updated_seq_no_count, t.offline AS "offline: bool", t.ended_at_micros,
                      m.recorded_at AS "recorded_at?", m.sampled_values AS "sampled_values?"
               FROM charging_transaction t
               LEFT JOIN meter_value m USING (charge_station_id, transaction_id)
               WHERE t.charge_station_id = ?1 AND t.transaction_id = ?2
               ORDER BY m.ordinal"#,
            charge_station_id,
            transaction_id,
        )
        .fetch_all(&self.readers)
        .await
        .map_err(map)?;
        Ok(rows::transactions(rows)?.into_iter().next())
    }

    async fn create_transaction(
        &self,
        charge_station_id: &str,
        transaction_id: &str,
        id_token: &str,
        token_type: &str,
        meter_values: &[MeterValue],
        seq_no: i64,
        offline: bool,
    ) -> StoreResult<()> {
        let write = TransactionWrite::create(id_token, token_type, seq_no, offline);
        self.write_transaction(charge_station_id, transaction_id, meter_values, write).await
    }

    async fn update_transaction(
        &self,
        charge_station_id: &str,
        transaction_id: &str,
        meter_values: &[MeterValue],
    ) -> StoreResult<()> {
        self.write_transaction(charge_station_id, transaction_id, meter_values, TransactionWrite::update()).await
    }

    async fn end_transaction(
        &self,
        charge_station_id: &str,
        transaction_id: &str,
        id_token: &str,
        token_type: &str,
        meter_values: &[MeterValue],
        seq_no: i64,
        ended_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let write = TransactionWrite::end(id_token, token_type, seq_no, ended_at);
        self.write_transaction(charge_station_id, transaction_id, meter_values, write).await
    }
}

impl RetentionStorage for SqliteStorage {
    /// One write transaction per batch: the write lock keeps every other writer out while it
    /// deletes the batch's meter values and then the transactions, both chosen by the same
    /// totally ordered query.
    async fn prune_ended_transactions(&self, ended_before: DateTime<Utc>, limit: usize) -> StoreResult<Pruned> {
        let ended_before = micros(ended_before);
        let limit = sql_count(limit);
        let mut tx = self.begin_write().await?;
        let meter_values = sqlx::query!(
            r#"DELETE FROM meter_value WHERE (charge_station_id, transaction_id) IN (
                   SELECT charge_station_id, transaction_id FROM charging_transaction
                   WHERE ended_at_micros < ?1
                   ORDER BY ended_at_micros, charge_station_id, transaction_id LIMIT ?2)"#,
            ended_before,
            limit,
        )
        .execute(&mut *tx)
        .await
        .map_err(map)?
        .rows_affected();
        let transactions = sqlx::query!(
            r#"DELETE FROM charging_transaction WHERE (charge_station_id, transaction_id) IN (
                   SELECT charge_station_id, transaction_id FROM charging_transaction
                   WHERE ended_at_micros < ?1
                   ORDER BY ended_at_micros, charge_station_id, transaction_id LIMIT ?2)"#,
            ended_before,
            limit,
        )
        .execute(&mut *tx)
        .await
        .map_err(map)?
        .rows_affected();
        tx.commit().await.map_err(map)?;
        Ok(Pruned { transactions, meter_values })
    }
}
