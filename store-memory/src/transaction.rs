//! Transactions: every writer is an upsert done under the entry's lock (R8).

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
        let mut all: Vec<Transaction> =
            self.transactions.scan(|rows| rows.iter().map(|entry| entry.value().clone()).collect());
        all.sort_by(|a, b| (&a.charge_station_id, &a.transaction_id).cmp(&(&b.charge_station_id, &b.transaction_id)));
        Ok(all)
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
            let mut stored = entry.or_insert_with(|| new_transaction(charge_station_id, transaction_id, &[]));
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
            let mut stored = entry.or_insert_with(|| new_transaction(charge_station_id, transaction_id, &[]));
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
