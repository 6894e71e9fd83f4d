//! Transactions: every writer is an upsert done under the table's write lock (R8).

use store_core::*;

use std::collections::btree_map::Entry;

use chrono::{DateTime, Utc};

use crate::paging::export_page;
use crate::{MemoryStorage, TransactionKey};

/// A transaction and when its first end was applied.
#[derive(Debug, Clone)]
pub(crate) struct StoredTransaction {
    record: Transaction,
    ended_at: Option<DateTime<Utc>>,
}

impl StoredTransaction {
    fn new(record: Transaction) -> Self {
        StoredTransaction { record, ended_at: None }
    }
}

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
        Ok(self.transactions.scan(|rows| rows.values().map(|stored| stored.record.clone()).collect()))
    }

    async fn find_transaction(
        &self,
        charge_station_id: &str,
        transaction_id: &str,
    ) -> StoreResult<Option<Transaction>> {
        Ok(self.transactions.get(&key(charge_station_id, transaction_id)).map(|found| found.record.clone()))
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
            let stored = &mut entry
                .or_insert_with(|| StoredTransaction::new(new_transaction(charge_station_id, transaction_id, &[])))
                .record;
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
            let stored = &mut entry
                .or_insert_with(|| StoredTransaction::new(new_transaction(charge_station_id, transaction_id, &[])))
                .record;
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
        ended_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.transactions.write(key(charge_station_id, transaction_id), |entry| {
            let stored = entry
                .and_modify(|stored| {
                    stored.record.meter_values.extend_from_slice(meter_values);
                    stored.record.ended_seq_no = seq_no;
                })
                .or_insert_with(|| {
                    StoredTransaction::new(Transaction {
                        id_token: id_token.to_owned(),
                        token_type: token_type.to_owned(),
                        ended_seq_no: seq_no,
                        ..new_transaction(charge_station_id, transaction_id, meter_values)
                    })
                });
            stored.ended_at.get_or_insert(ended_at);
        });
        Ok(())
    }
}

impl MemoryStorage {
    /// Export's page of transactions: keys after `after`, each with its `ended_at`.
    pub(crate) fn transactions_page(
        &self,
        after: Option<(&str, &str)>,
        limit: usize,
    ) -> Vec<(Transaction, Option<DateTime<Utc>>)> {
        let after = after.map(|(cs, tx)| key(cs, tx));
        self.transactions
            .scan(|rows| export_page(rows, after, limit, |_, stored| (stored.record.clone(), stored.ended_at)))
    }

    /// Import: the transaction as given, replacing any under its key.
    pub(crate) fn replace_transaction(&self, transaction: &Transaction, ended_at: Option<DateTime<Utc>>) {
        let stored = StoredTransaction { record: transaction.clone(), ended_at };
        self.transactions.insert(key(&transaction.charge_station_id, &transaction.transaction_id), stored);
    }
}

impl RetentionStorage for MemoryStorage {
    /// Finds candidates under the read lock, then removes each under the write lock after
    /// checking it again, so writers wait for one removal at a time, never for a scan.
    async fn prune_ended_transactions(&self, ended_before: DateTime<Utc>, limit: usize) -> StoreResult<Pruned> {
        let doomed = |stored: &StoredTransaction| stored.ended_at.is_some_and(|at| at < ended_before);
        let candidates: Vec<TransactionKey> = self.transactions.scan(|rows| {
            rows.iter().filter(|(_, stored)| doomed(stored)).map(|(key, _)| key.clone()).take(limit).collect()
        });
        let mut pruned = Pruned::default();
        for candidate in candidates {
            self.transactions.write(candidate, |entry| {
                if let Entry::Occupied(found) = entry
                    && doomed(found.get())
                {
                    pruned.transactions += 1;
                    pruned.meter_values += found.remove().record.meter_values.len() as u64;
                }
            });
        }
        Ok(pruned)
    }
}
