use async_trait::async_trait;
use store_core::validate::{argument, key};
use store_core::*;

use crate::MemoryStore;

#[async_trait]
impl OcpiStore for MemoryStore {
    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "set_registration_details")
    )]
    async fn set_registration_details(&self, token: &str, registration: &OcpiRegistration) -> StoreResult<()> {
        key("token", token)?;
        self.registrations.insert(token.to_owned(), registration.clone());
        Ok(())
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "get_registration_details")
    )]
    async fn get_registration_details(&self, token: &str) -> StoreResult<Option<OcpiRegistration>> {
        argument("token", token)?;
        Ok(self.registrations.get(token).map(|registration| registration.clone()))
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "delete_registration_details")
    )]
    async fn delete_registration_details(&self, token: &str) -> StoreResult<()> {
        argument("token", token)?;
        self.registrations.remove(token);
        Ok(())
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "set_party_details")
    )]
    async fn set_party_details(&self, party: &OcpiParty) -> StoreResult<()> {
        argument("party", party)?;
        let key = (party.role.clone(), party.country_code.clone(), party.party_id.clone());
        self.parties.insert(key, party.clone());
        Ok(())
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "get_party_details")
    )]
    async fn get_party_details(
        &self,
        role: &str,
        country_code: &str,
        party_id: &str,
    ) -> StoreResult<Option<OcpiParty>> {
        argument("role", role)?;
        argument("country_code", country_code)?;
        argument("party_id", party_id)?;
        let key = (role.to_owned(), country_code.to_owned(), party_id.to_owned());
        Ok(self.parties.get(&key).map(|party| party.clone()))
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "list_party_details_for_role")
    )]
    async fn list_party_details_for_role(&self, role: &str) -> StoreResult<Vec<OcpiParty>> {
        argument("role", role)?;
        let mut parties: Vec<OcpiParty> =
            self.parties.iter().filter(|entry| entry.key().0 == role).map(|entry| entry.value().clone()).collect();
        parties.sort_by(|a, b| (&a.country_code, &a.party_id).cmp(&(&b.country_code, &b.party_id)));
        Ok(parties)
    }
}
