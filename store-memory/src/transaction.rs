//! Transactions: every writer is an upsert done under the table's write lock (R8).

use store_core::*;

use crate::{MemoryStorage, TransactionKey};

fn key(charge_station_id: &str, transaction_id: &str) -> TransactionKey {
    (charge_station_id.to_owned(), transaction_id.to_owned())
}

fn new_transaction(charge_station_id: &str, transaction_id: &str, meter_values: &[MeterValue]) -> Transaction {
    Transaction {
        charge_station_id: charge_station_id.to_owned(),
        transaction_id: transaction_id.to_owned(),
        id_token: String::new(),
        token_type: String::new(),
        meter_values: meter_values.to_vec(),
        start_seq_no: 0,
        ended_seq_no: 0,
        updated_seq_no_count: 0,
        offline: false,
    }
}

impl TransactionStorage for MemoryStorage {
    async fn transactions(&self) -> StoreResult<Vec<Transaction>> {
        // Keyed by (station, transaction id), so the map's order is the contract's.
        Ok(self.transactions.scan(|rows| rows.values().cloned().collect()))
    }

    async fn find_transaction(
        &self,
        charge_station_id: &str,
        transaction_id: &str,
    ) -> StoreResult<Option<Transaction>> {
        Ok(self.transactions.get(&key(charge_station_id, transaction_id)).map(|found| found.clone()))
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
        self.transactions.write(key(charge_station_id, transaction_id), |entry| {
            let stored = entry.or_insert_with(|| new_transaction(charge_station_id, transaction_id, &[]));
            stored.id_token = id_token.to_owned();
            stored.token_type = token_type.to_owned();
            stored.meter_values.extend_from_slice(meter_values);
            stored.start_seq_no = seq_no;
            stored.offline = offline;
        });
        Ok(())
    }

    async fn update_transaction(
        &self,
        charge_station_id: &str,
        transaction_id: &str,
        meter_values: &[MeterValue],
    ) -> StoreResult<()> {
        self.transactions.write(key(charge_station_id, transaction_id), |entry| {
            let stored = entry.or_insert_with(|| new_transaction(charge_station_id, transaction_id, &[]));
            stored.meter_values.extend_from_slice(meter_values);
            stored.updated_seq_no_count += 1;
        });
        Ok(())
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
        self.transactions.write(key(charge_station_id, transaction_id), |entry| {
            entry
                .and_modify(|stored| {
                    stored.meter_values.extend_from_slice(meter_values);
                    stored.ended_seq_no = seq_no;
                })
                .or_insert_with(|| Transaction {
                    id_token: id_token.to_owned(),
                    token_type: token_type.to_owned(),
                    ended_seq_no: seq_no,
                    ..new_transaction(charge_station_id, transaction_id, meter_values)
                });
        });
        Ok(())
    }
}
