//! Transactions: create, update and end are one upsert statement each (R8), which takes the
//! transaction's row lock, counts in SQL and appends meter values at ordinals drawn from the
//! locked row, so concurrent writers on several managers never lose a value or an increment.

use chrono::{DateTime, Utc};
use sqlx::{Connection, PgConnection};
use store_core::*;

use crate::PgStorage;
use crate::error::map;
use crate::rows::{self, MeterValueColumns, TransactionRow};

/// Creates, updates or ends a transaction, appending `meter_values`, in one statement (R8).
pub(crate) async fn upsert(
    connection: &mut PgConnection,
    charge_station_id: &str,
    transaction_id: &str,
    meter_values: &[MeterValue],
    write: TransactionWrite<'_>,
) -> sqlx::Result<()> {
    let columns = MeterValueColumns::new(meter_values);
    sqlx::query!(
        r#"WITH upserted AS (
               INSERT INTO charging_transaction AS t
                   (charge_station_id, transaction_id, id_token, token_type, start_seq_no, ended_seq_no,
                    updated_seq_no_count, offline, meter_value_count, ended_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, cardinality($11::text[]), $21)
               ON CONFLICT (charge_station_id, transaction_id) DO UPDATE SET
                   id_token = CASE WHEN $9 THEN excluded.id_token ELSE t.id_token END,
                   token_type = CASE WHEN $9 THEN excluded.token_type ELSE t.token_type END,
                   start_seq_no = CASE WHEN $9 THEN excluded.start_seq_no ELSE t.start_seq_no END,
                   offline = CASE WHEN $9 THEN excluded.offline ELSE t.offline END,
                   ended_seq_no = CASE WHEN $10 THEN excluded.ended_seq_no ELSE t.ended_seq_no END,
                   updated_seq_no_count = t.updated_seq_no_count + excluded.updated_seq_no_count,
                   meter_value_count = t.meter_value_count + excluded.meter_value_count,
                   ended_at = COALESCE(t.ended_at, excluded.ended_at)
               RETURNING t.meter_value_count - cardinality($11::text[]) AS appended_after
           )
           INSERT INTO meter_value (charge_station_id, transaction_id, ordinal, recorded_at, contexts, locations,
                                    measurands, phases, units, multipliers, sampled_values)
           SELECT $1, $2, upserted.appended_after + appended.ordinal, appended.recorded_at,
                  ($13::text[])[appended.first_sampled:appended.last_sampled],
                  ($14::text[])[appended.first_sampled:appended.last_sampled],
                  ($15::text[])[appended.first_sampled:appended.last_sampled],
                  ($16::text[])[appended.first_sampled:appended.last_sampled],
                  ($17::text[])[appended.first_sampled:appended.last_sampled],
                  ($18::bigint[])[appended.first_sampled:appended.last_sampled],
                  ($19::float8[])[appended.first_sampled:appended.last_sampled]
           FROM upserted
           CROSS JOIN unnest($11::text[], $12::int[], $20::int[])
                      WITH ORDINALITY AS appended(recorded_at, first_sampled, last_sampled, ordinal)"#,
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
        &columns.recorded_at,
        &columns.first_sampled,
        &columns.context as _,
        &columns.location as _,
        &columns.measurand as _,
        &columns.phase as _,
        &columns.unit as _,
        &columns.multiplier as _,
        &columns.value,
        &columns.last_sampled,
        write.ended_at,
    )
    .execute(connection)
    .await?;
    Ok(())
}

impl PgStorage {
    async fn write_transaction(
        &self,
        charge_station_id: &str,
        transaction_id: &str,
        meter_values: &[MeterValue],
        write: TransactionWrite<'_>,
    ) -> StoreResult<()> {
        run!(self, |connection| upsert(connection, charge_station_id, transaction_id, meter_values, write))
            .await
            .map_err(map)
    }
}

impl TransactionStorage for PgStorage {
    async fn transactions(&self) -> StoreResult<Vec<Transaction>> {
        let rows = read!(self, |connection| {
            sqlx::query_as!(
            TransactionRow,
            r#"SELECT t.charge_station_id, t.transaction_id, t.id_token, t.token_type, t.start_seq_no, t.ended_seq_no,
                      t.updated_seq_no_count, t.offline, t.ended_at, m.recorded_at AS "recorded_at?",
                      m.contexts AS "contexts?: Vec<Option<String>>", m.locations AS "locations?: Vec<Option<String>>",
                      m.measurands AS "measurands?: Vec<Option<String>>", m.phases AS "phases?: Vec<Option<String>>",
                      m.units AS "units?: Vec<Option<String>>", m.multipliers AS "multipliers?: Vec<Option<i64>>",
                      m.sampled_values AS "sampled_values?"
               FROM charging_transaction t
               LEFT JOIN meter_value m USING (charge_station_id, transaction_id)
               ORDER BY t.charge_station_id, t.transaction_id, m.ordinal"#,
        )
        .fetch_all(connection)
        })
        .await
        .map_err(map)?;
        rows::transactions(rows)
    }

    async fn find_transaction(
        &self,
        charge_station_id: &str,
        transaction_id: &str,
    ) -> StoreResult<Option<Transaction>> {
        let rows = read!(self, |connection| {
            sqlx::query_as!(
            TransactionRow,
            r#"SELECT t.charge_station_id, t.transaction_id, t.id_token, t.token_type, t.start_seq_no, t.ended_seq_no,
                      t.updated_seq_no_count, t.offline, t.ended_at, m.recorded_at AS "recorded_at?",
                      m.contexts AS "contexts?: Vec<Option<String>>", m.locations AS "locations?: Vec<Option<String>>",
                      m.measurands AS "measurands?: Vec<Option<String>>", m.phases AS "phases?: Vec<Option<String>>",
                      m.units AS "units?: Vec<Option<String>>", m.multipliers AS "multipliers?: Vec<Option<i64>>",
                      m.sampled_values AS "sampled_values?"
               FROM charging_transaction t
               LEFT JOIN meter_value m USING (charge_station_id, transaction_id)
               WHERE t.charge_station_id = $1 AND t.transaction_id = $2
               ORDER BY m.ordinal"#,
            charge_station_id,
            transaction_id,
        )
        .fetch_all(connection)
        })
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

/// One batch of a prune, as one database transaction: lock the batch's transactions (skipping
/// any a writer holds: the next batch gets them), then delete their meter values and them.
/// The meter values are deleted by a statement that starts after the locks are taken, so it
/// sees every value appended before; none can be appended until the commit, and a write
/// waiting on a lock then finds the transaction gone and starts a new one.
async fn prune_batch(connection: &mut PgConnection, ended_before: DateTime<Utc>, limit: i64) -> sqlx::Result<Pruned> {
    let mut transaction = connection.begin().await?;
    let doomed = sqlx::query!(
        r#"SELECT charge_station_id, transaction_id FROM charging_transaction
           WHERE ended_at < $1 ORDER BY ended_at LIMIT $2 FOR UPDATE SKIP LOCKED"#,
        ended_before,
        limit,
    )
    .fetch_all(&mut *transaction)
    .await?;
    if doomed.is_empty() {
        transaction.commit().await?;
        return Ok(Pruned::default());
    }
    let (stations, ids): (Vec<String>, Vec<String>) =
        doomed.into_iter().map(|row| (row.charge_station_id, row.transaction_id)).unzip();
    let pruned = delete_transactions(&mut transaction, &stations, &ids).await?;
    transaction.commit().await?;
    Ok(pruned)
}

/// Deletes the transactions keyed by the pairs of `stations` and `ids`, meter values first (so
/// that no statement's snapshot misses a value appended before the transactions' row locks).
pub(crate) async fn delete_transactions(
    connection: &mut PgConnection,
    stations: &[String],
    ids: &[String],
) -> sqlx::Result<Pruned> {
    let meter_values = sqlx::query!(
        r#"DELETE FROM meter_value m USING unnest($1::text[], $2::text[]) AS d(charge_station_id, transaction_id)
           WHERE m.charge_station_id = d.charge_station_id AND m.transaction_id = d.transaction_id"#,
        stations,
        ids,
    )
    .execute(&mut *connection)
    .await?
    .rows_affected();
    let transactions = sqlx::query!(
        r#"DELETE FROM charging_transaction t USING unnest($1::text[], $2::text[]) AS d(charge_station_id, transaction_id)
           WHERE t.charge_station_id = d.charge_station_id AND t.transaction_id = d.transaction_id"#,
        stations,
        ids,
    )
    .execute(&mut *connection)
    .await?
    .rows_affected();
    Ok(Pruned { transactions, meter_values })
}

impl RetentionStorage for PgStorage {
    async fn prune_ended_transactions(&self, ended_before: DateTime<Utc>, limit: usize) -> StoreResult<Pruned> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        run!(self, |connection| prune_batch(connection, ended_before, limit)).await.map_err(map)
    }
}
