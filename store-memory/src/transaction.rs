//! Transactions: every writer is an upsert done under the entry's lock (R8).

use async_trait::async_trait;
use store_core::validate;
use store_core::*;

use crate::{MemoryStore, TransactionKey};

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

#[async_trait]
impl TransactionStore for MemoryStore {
    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "transactions")
    )]
    async fn transactions(&self) -> StoreResult<Vec<Transaction>> {
        let mut all: Vec<Transaction> = self.transactions.iter().map(|entry| entry.value().clone()).collect();
        all.sort_by(|a, b| (&a.charge_station_id, &a.transaction_id).cmp(&(&b.charge_station_id, &b.transaction_id)));
        Ok(all)
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "find_transaction")
    )]
    async fn find_transaction(
        &self,
        charge_station_id: &str,
        transaction_id: &str,
    ) -> StoreResult<Option<Transaction>> {
        validate::transaction_read(charge_station_id, transaction_id)?;
        Ok(self.transactions.get(&key(charge_station_id, transaction_id)).map(|found| found.clone()))
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "create_transaction")
    )]
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
        validate::transaction_write(charge_station_id, transaction_id, id_token, token_type, meter_values)?;
        let mut stored = self
            .transactions
            .entry(key(charge_station_id, transaction_id))
            .or_insert_with(|| new_transaction(charge_station_id, transaction_id, &[]));
        stored.id_token = id_token.to_owned();
        stored.token_type = token_type.to_owned();
        stored.meter_values.extend_from_slice(meter_values);
        stored.start_seq_no = seq_no;
        stored.offline = offline;
        Ok(())
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "update_transaction")
    )]
    async fn update_transaction(
        &self,
        charge_station_id: &str,
        transaction_id: &str,
        meter_values: &[MeterValue],
    ) -> StoreResult<()> {
        validate::transaction_write(charge_station_id, transaction_id, "", "", meter_values)?;
        let mut stored = self
            .transactions
            .entry(key(charge_station_id, transaction_id))
            .or_insert_with(|| new_transaction(charge_station_id, transaction_id, &[]));
        stored.meter_values.extend_from_slice(meter_values);
        stored.updated_seq_no_count += 1;
        Ok(())
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "end_transaction")
    )]
    async fn end_transaction(
        &self,
        charge_station_id: &str,
        transaction_id: &str,
        id_token: &str,
        token_type: &str,
        meter_values: &[MeterValue],
        seq_no: i64,
    ) -> StoreResult<()> {
        validate::transaction_write(charge_station_id, transaction_id, id_token, token_type, meter_values)?;
        self.transactions
            .entry(key(charge_station_id, transaction_id))
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
        Ok(())
    }
}
