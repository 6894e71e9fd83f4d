use async_trait::async_trait;
use store_core::time::format_last_updated;
use store_core::validate::argument;
use store_core::*;

use crate::MemoryStore;
use crate::paging::offset_page;

#[async_trait]
impl LocationStore for MemoryStore {
    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "set_location")
    )]
    async fn set_location(&self, location: &Location) -> StoreResult<()> {
        argument("location", location)?;
        let stored = Location { last_updated: format_last_updated(self.clock.now()), ..location.clone() };
        self.locations.insert(location.id.clone(), stored);
        Ok(())
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "lookup_location")
    )]
    async fn lookup_location(&self, location_id: &str) -> StoreResult<Option<Location>> {
        argument("location_id", location_id)?;
        Ok(self.locations.get(location_id).map(|location| location.clone()))
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "list_locations")
    )]
    async fn list_locations(&self, offset: usize, limit: usize) -> StoreResult<Vec<Location>> {
        Ok(offset_page(&self.locations, offset, limit))
    }
}
