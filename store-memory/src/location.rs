use chrono::{DateTime, Utc};
use store_core::time::format_last_updated;
use store_core::*;

use crate::MemoryStorage;
use crate::paging::offset_page;

impl LocationStorage for MemoryStorage {
    async fn set_location(&self, location: &Location, last_updated: DateTime<Utc>) -> StoreResult<()> {
        let stored = Location { last_updated: format_last_updated(last_updated), ..location.clone() };
        self.locations.insert(location.id.clone(), stored);
        Ok(())
    }

    async fn lookup_location(&self, location_id: &str) -> StoreResult<Option<Location>> {
        Ok(self.locations.get(location_id).map(|location| location.clone()))
    }

    async fn list_locations(&self, offset: usize, limit: usize) -> StoreResult<Vec<Location>> {
        Ok(self.locations.scan(|rows| offset_page(rows, offset, limit)))
    }
}
