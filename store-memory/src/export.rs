//! Export reads: ordered tables page by range; the unordered maps (stores that never list)
//! pick each page's smallest keys in one pass.

use chrono::{DateTime, Utc};
use dashmap::DashMap;
use store_core::*;

use crate::MemoryStorage;
use crate::paging::export_page;

/// The `limit` smallest keys after `after`, with their values, in key order: O(n) per page,
/// for stores that are never listed and so keep no order.
fn unordered_page<V: Clone>(map: &DashMap<String, V>, after: Option<&str>, limit: usize) -> Vec<(String, V)> {
    let mut keys: Vec<String> = map
        .iter()
        .filter(|entry| after.is_none_or(|after| entry.key().as_str() > after))
        .map(|entry| entry.key().clone())
        .collect();
    if keys.len() > limit {
        keys.select_nth_unstable(limit);
        keys.truncate(limit);
    }
    keys.sort_unstable();
    // A key removed since the pass is skipped, as if the page had been read after the removal.
    keys.into_iter().filter_map(|key| map.get(&key).map(|value| value.clone()).map(|value| (key, value))).collect()
}

impl ExportStorage for MemoryStorage {
    async fn export_charge_station_auth(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<(String, ChargeStationAuth)>> {
        Ok(unordered_page(&self.auth, after, limit))
    }

    async fn export_charge_station_runtime_details(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<(String, ChargeStationRuntimeDetails)>> {
        Ok(unordered_page(&self.runtime_details, after, limit))
    }

    async fn export_tokens(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<Token>> {
        Ok(self.tokens.scan(|rows| export_page(rows, after.map(str::to_owned), limit, |_, token| token.clone())))
    }

    async fn export_transactions(
        &self,
        after: Option<(&str, &str)>,
        limit: usize,
    ) -> StoreResult<Vec<(Transaction, Option<DateTime<Utc>>)>> {
        Ok(self.transactions_page(after, limit))
    }

    async fn export_certificates(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<(String, String)>> {
        Ok(unordered_page(&self.certificates, after, limit))
    }

    async fn export_registrations(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<(String, OcpiRegistration)>> {
        Ok(unordered_page(&self.registrations, after, limit))
    }

    async fn export_parties(&self, after: Option<(&str, &str, &str)>, limit: usize) -> StoreResult<Vec<OcpiParty>> {
        let after = after.map(|(role, cc, id)| (role.to_owned(), cc.to_owned(), id.to_owned()));
        Ok(self.parties.scan(|rows| export_page(rows, after, limit, |_, party| party.clone())))
    }

    async fn export_locations(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<Location>> {
        Ok(self
            .locations
            .scan(|rows| export_page(rows, after.map(str::to_owned), limit, |_, location| location.clone())))
    }

    async fn import_transaction(&self, transaction: &Transaction, ended_at: Option<DateTime<Utc>>) -> StoreResult<()> {
        self.replace_transaction(transaction, ended_at);
        Ok(())
    }
}
