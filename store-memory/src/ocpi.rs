use store_core::*;

use crate::MemoryStorage;

impl OcpiStorage for MemoryStorage {
    async fn set_registration_details(&self, token: &str, registration: &OcpiRegistration) -> StoreResult<()> {
        self.registrations.insert(token.to_owned(), registration.clone());
        Ok(())
    }

    async fn get_registration_details(&self, token: &str) -> StoreResult<Option<OcpiRegistration>> {
        Ok(self.registrations.get(token).map(|registration| registration.clone()))
    }

    async fn delete_registration_details(&self, token: &str) -> StoreResult<()> {
        self.registrations.remove(token);
        Ok(())
    }

    async fn set_party_details(&self, party: &OcpiParty) -> StoreResult<()> {
        let key = (party.role.clone(), party.country_code.clone(), party.party_id.clone());
        self.parties.insert(key, party.clone());
        Ok(())
    }

    async fn get_party_details(
        &self,
        role: &str,
        country_code: &str,
        party_id: &str,
    ) -> StoreResult<Option<OcpiParty>> {
        let key = (role.to_owned(), country_code.to_owned(), party_id.to_owned());
        Ok(self.parties.get(&key).map(|party| party.clone()))
    }

    async fn list_party_details_for_role(&self, role: &str) -> StoreResult<Vec<OcpiParty>> {
        // Keyed by (role, country code, party id): one role's parties are one range of the map,
        // already in the contract's order.
        let first = (role.to_owned(), String::new(), String::new());
        Ok(self.parties.scan(|rows| {
            rows.range(first..).take_while(|(key, _)| key.0 == role).map(|(_, party)| party.clone()).collect()
        }))
    }
}
