//! Transactions: create, update and end are each one short transaction (R8): an upsert that
//! counts in SQL and locks the transaction's row, a read of the new count (this call's meter
//! values take the ordinals just below it), then one insert per meter value. Another writer of
//! the same transaction waits for the row lock, so no value or increment is lost.

use chrono::{DateTime, Utc};
use sqlx::{Connection, MySqlConnection};
use store_core::*;

use crate::error::map;
use crate::rows::{self, TransactionRow, micros};
use crate::{MySqlStorage, sql_count};

/// One create, update or end, as one transaction on `connection`.
async fn write_transaction(
    connection: &mut MySqlConnection,
    charge_station_id: &str,
    transaction_id: &str,
    meter_values: &[MeterValue],
    write: &TransactionWrite<'_>,
) -> Result<(), sqlx::Error> {
    let mut tx = connection.begin().await?;
    upsert(&mut tx, charge_station_id, transaction_id, meter_values, write).await?;
    tx.commit().await
}

/// The statements of one create, update or end, inside the caller's database transaction.
pub(crate) async fn upsert(
    tx: &mut MySqlConnection,
    charge_station_id: &str,
    transaction_id: &str,
    meter_values: &[MeterValue],
    write: &TransactionWrite<'_>,
) -> Result<(), sqlx::Error> {
    let appended = i64::try_from(meter_values.len()).unwrap_or(i64::MAX);
    // Each assignment reads only its own column, so MySQL's left-to-right evaluation of
    // ON DUPLICATE KEY UPDATE (a later assignment sees earlier ones' new values) is harmless.
    sqlx::query!(
        r#"INSERT INTO charging_transaction
                   (charge_station_id, transaction_id, id_token, token_type, start_seq_no, ended_seq_no,
                    updated_seq_no_count, offline, meter_value_count, ended_at_micros)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON DUPLICATE KEY UPDATE
                   id_token = IF(?, VALUES(id_token), id_token),
                   token_type = IF(?, VALUES(token_type), token_type),
                   start_seq_no = IF(?, VALUES(start_seq_no), start_seq_no),
                   offline = IF(?, VALUES(offline), offline),
                   ended_seq_no = IF(?, VALUES(ended_seq_no), ended_seq_no),
                   updated_seq_no_count = updated_seq_no_count + VALUES(updated_seq_no_count),
                   meter_value_count = meter_value_count + VALUES(meter_value_count),
                   ended_at_micros = COALESCE(ended_at_micros, VALUES(ended_at_micros))"#,
        charge_station_id,
        transaction_id,
        write.id_token,
        write.token_type,
        write.start_seq_no,
        write.ended_seq_no,
        write.counts_update,
        write.offline,
        appended,
        write.ended_at.map(micros),
        write.replaces_start,
        write.replaces_start,
        write.replaces_start,
        write.replaces_start,
        write.replaces_end,
    )
    .execute(&mut *tx)
    .await?;
    if meter_values.is_empty() {
        return Ok(());
    }
    // The row is locked by this transaction, and READ COMMITTED reads its own write.
    let count = sqlx::query_scalar!(
        "SELECT meter_value_count FROM charging_transaction WHERE charge_station_id = ? AND transaction_id = ?",
        charge_station_id,
        transaction_id,
    )
    .fetch_one(&mut *tx)
    .await?;
    for (ordinal, meter_value) in (count - appended + 1..).zip(meter_values) {
        let sampled_values = rows::sampled_values_json(&meter_value.sampled_values);
        sqlx::query!(
            r#"INSERT INTO meter_value (charge_station_id, transaction_id, ordinal, recorded_at, sampled_values)
                   VALUES (?, ?, ?, ?, ?)"#,
            charge_station_id,
            transaction_id,
            ordinal,
            meter_value.timestamp,
            sampled_values,
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

impl MySqlStorage {
    async fn write_transaction_retrying(
        &self,
        charge_station_id: &str,
        transaction_id: &str,
        meter_values: &[MeterValue],
        write: TransactionWrite<'_>,
    ) -> StoreResult<()> {
        run!(self, |connection| write_transaction(connection, charge_station_id, transaction_id, meter_values, &write))
            .await
            .map_err(map)
    }
}

impl TransactionStorage for MySqlStorage {
    async fn transactions(&self) -> StoreResult<Vec<Transaction>> {
        let rows = run!(self, |connection| sqlx::query_as!(
            TransactionRow,
            r#"SELECT t.charge_station_id AS "charge_station_id: String", t.transaction_id AS "transaction_id: String",
                      t.id_token, t.token_type, t.start_seq_no, t.ended_seq_no, t.updated_seq_no_count,
                      t.offline AS "offline: bool", t.ended_at_micros, m.recorded_at AS "recorded_at?", m.sampled_values AS "sampled_values?"
               FROM charging_transaction t
               LEFT JOIN meter_value m USING (charge_station_id, transaction_id)
               ORDER BY t.charge_station_id, t.transaction_id, m.ordinal"#,
        )
        .fetch_all(connection))
        .await
        .map_err(map)?;
        rows::transactions(rows)
    }

    async fn find_transaction(
        &self,
        charge_station_id: &str,
        transaction_id: &str,
    ) -> StoreResult<Option<Transaction>> {
        let rows = run!(self, |connection| sqlx::query_as!(
            TransactionRow,
            r#"SELECT t.charge_station_id AS "charge_station_id: String", t.transaction_id AS "transaction_id: String",
                      t.id_token, t.token_type, t.start_seq_no, t.ended_seq_no, t.updated_seq_no_count,
                      t.offline AS "offline: bool", t.ended_at_micros, m.recorded_at AS "recorded_at?", m.sampled_values AS "sampled_values?"
               FROM charging_transaction t
               LEFT JOIN meter_value m USING (charge_station_id, transaction_id)
               WHERE t.charge_station_id = ? AND t.transaction_id = ?
               ORDER BY m.ordinal"#,
            charge_station_id,
            transaction_id,
        )
        .fetch_all(connection))
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
        self.write_transaction_retrying(charge_station_id, transaction_id, meter_values, write).await
    }

    async fn update_transaction(
        &self,
        charge_station_id: &str,
        transaction_id: &str,
        meter_values: &[MeterValue],
    ) -> StoreResult<()> {
        self.write_transaction_retrying(charge_station_id, transaction_id, meter_values, TransactionWrite::update())
            .await
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
        self.write_transaction_retrying(charge_station_id, transaction_id, meter_values, write).await
    }
}

/// One batch of a prune, as one transaction: lock the batch's transactions (skipping any a
/// writer holds: a later batch gets them), then delete their meter values and them. Writers
/// append meter values only under the transaction's row lock, so none can be added until the
/// commit; a write waiting on the lock then finds the row gone and starts a new transaction.
async fn prune_batch(connection: &mut MySqlConnection, ended_before: i64, limit: i64) -> Result<Pruned, sqlx::Error> {
    let mut tx = connection.begin().await?;
    let doomed = sqlx::query!(
        r#"SELECT charge_station_id AS "charge_station_id: Vec<u8>", transaction_id AS "transaction_id: Vec<u8>"
           FROM charging_transaction
           WHERE ended_at_micros < ? ORDER BY ended_at_micros LIMIT ? FOR UPDATE SKIP LOCKED"#,
        ended_before,
        limit,
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut pruned = Pruned::default();
    for row in doomed {
        pruned.meter_values += sqlx::query!(
            "DELETE FROM meter_value WHERE charge_station_id = ? AND transaction_id = ?",
            row.charge_station_id,
            row.transaction_id,
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        pruned.transactions += sqlx::query!(
            "DELETE FROM charging_transaction WHERE charge_station_id = ? AND transaction_id = ?",
            row.charge_station_id,
            row.transaction_id,
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
    }
    tx.commit().await?;
    Ok(pruned)
}

impl RetentionStorage for MySqlStorage {
    async fn prune_ended_transactions(&self, ended_before: DateTime<Utc>, limit: usize) -> StoreResult<Pruned> {
        let (ended_before, limit) = (micros(ended_before), sql_count(limit));
        run!(self, |connection| prune_batch(connection, ended_before, limit)).await.map_err(map)
    }
}
