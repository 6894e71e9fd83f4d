use store_core::*;

use crate::MySqlStorage;
use crate::error::map;
use crate::rows::{self, PartyRow};

// Registration tokens are credentials: errors name the operation, never the token.

impl OcpiStorage for MySqlStorage {
    async fn set_registration_details(&self, token: &str, registration: &OcpiRegistration) -> StoreResult<()> {
        run!(self, |connection| {
            sqlx::query!(
                r#"INSERT INTO ocpi_registration (token, status) VALUES (?, ?)
                   ON DUPLICATE KEY UPDATE status = VALUES(status)"#,
                token,
                registration.status.as_str(),
            )
            .execute(connection)
        })
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn get_registration_details(&self, token: &str) -> StoreResult<Option<OcpiRegistration>> {
        let row = run!(self, |connection| sqlx::query!("SELECT status FROM ocpi_registration WHERE token = ?", token)
            .fetch_optional(connection))
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
        run!(self, |connection| sqlx::query!("DELETE FROM ocpi_registration WHERE token = ?", token)
            .execute(connection))
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn set_party_details(&self, party: &OcpiParty) -> StoreResult<()> {
        run!(self, |connection| {
            sqlx::query!(
                r#"INSERT INTO ocpi_party (role, country_code, party_id, url, token) VALUES (?, ?, ?, ?, ?)
                   ON DUPLICATE KEY UPDATE url = VALUES(url), token = VALUES(token)"#,
                party.role,
                party.country_code,
                party.party_id,
                party.url,
                party.token,
            )
            .execute(connection)
        })
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
        let row = run!(self, |connection| sqlx::query_as!(
            PartyRow,
            r#"SELECT role AS "role: String", country_code AS "country_code: String",
                      party_id AS "party_id: String", url, token
               FROM ocpi_party WHERE role = ? AND country_code = ? AND party_id = ?"#,
            role,
            country_code,
            party_id,
        )
        .fetch_optional(connection))
        .await
        .map_err(map)?;
        Ok(row.map(rows::party))
    }

    async fn list_party_details_for_role(&self, role: &str) -> StoreResult<Vec<OcpiParty>> {
        let rows = run!(self, |connection| sqlx::query_as!(
            PartyRow,
            r#"SELECT role AS "role: String", country_code AS "country_code: String",
                      party_id AS "party_id: String", url, token
               FROM ocpi_party WHERE role = ? ORDER BY country_code, party_id"#,
            role,
        )
        .fetch_all(connection))
        .await
        .map_err(map)?;
        Ok(rows.into_iter().map(rows::party).collect())
    }
}
