//! Transactions: create, update and end are each one short transaction (R8): an upsert that
//! counts in SQL and locks the transaction's row, a read of the new count (this call's meter
//! values take the ordinals just below it), then one insert per meter value. Another writer of
//! the same transaction waits for the row lock, so no value or increment is lost.

use sqlx::{Connection, MySqlConnection};
use store_core::*;

use crate::MySqlStorage;
use crate::error::map;
use crate::rows::{self, TransactionRow};

/// One create, update or end, as one transaction on `connection`.
async fn write_transaction(
    connection: &mut MySqlConnection,
    charge_station_id: &str,
    transaction_id: &str,
    meter_values: &[MeterValue],
    write: &TransactionWrite<'_>,
) -> Result<(), sqlx::Error> {
    let appended = i64::try_from(meter_values.len()).unwrap_or(i64::MAX);
    let mut tx = connection.begin().await?;
    // Each assignment reads only its own column, so MySQL's left-to-right evaluation of
    // ON DUPLICATE KEY UPDATE (a later assignment sees earlier ones' new values) is harmless.
    sqlx::query!(
        r#"INSERT INTO charging_transaction
                   (charge_station_id, transaction_id, id_token, token_type, start_seq_no, ended_seq_no,
                    updated_seq_no_count, offline, meter_value_count)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON DUPLICATE KEY UPDATE
                   id_token = IF(?, VALUES(id_token), id_token),
                   token_type = IF(?, VALUES(token_type), token_type),
                   start_seq_no = IF(?, VALUES(start_seq_no), start_seq_no),
                   offline = IF(?, VALUES(offline), offline),
                   ended_seq_no = IF(?, VALUES(ended_seq_no), ended_seq_no),
                   updated_seq_no_count = updated_seq_no_count + VALUES(updated_seq_no_count),
                   meter_value_count = meter_value_count + VALUES(meter_value_count)"#,
        charge_station_id,
        transaction_id,
        write.id_token,
        write.token_type,
        write.start_seq_no,
        write.ended_seq_no,
        write.counts_update,
        write.offline,
        appended,
        write.replaces_start,
        write.replaces_start,
        write.replaces_start,
        write.replaces_start,
        write.replaces_end,
    )
    .execute(&mut *tx)
    .await?;
    if meter_values.is_empty() {
        return tx.commit().await;
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
    tx.commit().await
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
                      t.offline AS "offline: bool", m.recorded_at AS "recorded_at?", m.sampled_values AS "sampled_values?"
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
                      t.offline AS "offline: bool", m.recorded_at AS "recorded_at?", m.sampled_values AS "sampled_values?"
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
    ) -> StoreResult<()> {
        let write = TransactionWrite::end(id_token, token_type, seq_no);
        self.write_transaction_retrying(charge_station_id, transaction_id, meter_values, write).await
    }
}
