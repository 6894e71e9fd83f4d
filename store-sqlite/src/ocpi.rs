use store_core::*;

use crate::SqliteStorage;
use crate::error::map;
use crate::rows::{self, PartyRow};

// Registration tokens are credentials: errors name the operation, never the token.

impl OcpiStorage for SqliteStorage {
    async fn set_registration_details(&self, token: &str, registration: &OcpiRegistration) -> StoreResult<()> {
        sqlx::query!(
            r#"INSERT INTO ocpi_registration (token, status) VALUES (?1, ?2)
               ON CONFLICT (token) DO UPDATE SET status = excluded.status"#,
            token,
            registration.status.as_str(),
        )
        .execute(self.writer()?)
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn get_registration_details(&self, token: &str) -> StoreResult<Option<OcpiRegistration>> {
        let row = sqlx::query!("SELECT status FROM ocpi_registration WHERE token = ?1", token)
            .fetch_optional(&self.readers)
            .await
            .map_err(map)?;
        row.map(|row| {
            Ok(OcpiRegistration {
                status: rows::parse("ocpi_registration.status", &row.status, OcpiRegistrationStatus::parse)?,
            })
        })
        .transpose()
    }

    async fn delete_registration_details(&self, token: &str) -> StoreResult<()> {
        sqlx::query!("DELETE FROM ocpi_registration WHERE token = ?1", token)
            .execute(self.writer()?)
            .await
            .map_err(map)?;
        Ok(())
    }

    async fn set_party_details(&self, party: &OcpiParty) -> StoreResult<()> {
        sqlx::query!(
            r#"INSERT INTO ocpi_party (role, country_code, party_id, url, token) VALUES (?1, ?2, ?3, ?4, ?5)
               ON CONFLICT (role, country_code, party_id) DO UPDATE SET url = excluded.url, token = excluded.token"#,
            party.role,
            party.country_code,
            party.party_id,
            party.url,
            party.token,
        )
        .execute(self.writer()?)
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn get_party_details(
        &self,
        role: &str,
        country_code: &str,
        party_id: &str,
    ) -> StoreResult<Option<OcpiParty>> {
        let row = sqlx::query_as!(
            PartyRow,
            r#"SELECT role, country_code, party_id, url, token FROM ocpi_party
               WHERE role = ?1 AND country_code = ?2 AND party_id = ?3"#,
            role,
            country_code,
            party_id,
        )
        .fetch_optional(&self.readers)
        .await
        .map_err(map)?;
        Ok(row.map(rows::party))
    }

    async fn list_party_details_for_role(&self, role: &str) -> StoreResult<Vec<OcpiParty>> {
        let rows = sqlx::query_as!(
            PartyRow,
            r#"SELECT role, country_code, party_id, url, token FROM ocpi_party
               WHERE role = ?1 ORDER BY country_code, party_id"#,
            role,
        )
        .fetch_all(&self.readers)
        .await
        .map_err(map)?;
        Ok(rows.into_iter().map(rows::party).collect())
    }
}
