use async_trait::async_trait;
use store_core::validate::{argument, key};
use store_core::*;

use crate::PgStore;
use crate::error::map;
use crate::rows::{self, PartyRow};

// Registration tokens are credentials: errors name the operation, never the token.

#[async_trait]
impl OcpiStore for PgStore {
    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "postgres", operation = "set_registration_details")
    )]
    async fn set_registration_details(&self, token: &str, registration: &OcpiRegistration) -> StoreResult<()> {
        key("token", token)?;
        sqlx::query!(
            r#"INSERT INTO ocpi_registration (token, status) VALUES ($1, $2)
               ON CONFLICT (token) DO UPDATE SET status = excluded.status"#,
            token,
            registration.status.as_str(),
        )
        .execute(&self.pool)
        .await
        .map_err(|err| map("set_registration_details", err))?;
        Ok(())
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "postgres", operation = "get_registration_details")
    )]
    async fn get_registration_details(&self, token: &str) -> StoreResult<Option<OcpiRegistration>> {
        argument("token", token)?;
        let row = sqlx::query!("SELECT status FROM ocpi_registration WHERE token = $1", token)
            .fetch_optional(&self.pool)
            .await
            .map_err(|err| map("get_registration_details", err))?;
        row.map(|row| {
            Ok(OcpiRegistration {
                status: rows::parse("ocpi_registration.status", &row.status, OcpiRegistrationStatus::parse)?,
            })
        })
        .transpose()
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "postgres", operation = "delete_registration_details")
    )]
    async fn delete_registration_details(&self, token: &str) -> StoreResult<()> {
        argument("token", token)?;
        sqlx::query!("DELETE FROM ocpi_registration WHERE token = $1", token)
            .execute(&self.pool)
            .await
            .map_err(|err| map("delete_registration_details", err))?;
        Ok(())
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "postgres", operation = "set_party_details")
    )]
    async fn set_party_details(&self, party: &OcpiParty) -> StoreResult<()> {
        argument("party", party)?;
        sqlx::query!(
            r#"INSERT INTO ocpi_party (role, country_code, party_id, url, token) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (role, country_code, party_id) DO UPDATE SET url = excluded.url, token = excluded.token"#,
            party.role,
            party.country_code,
            party.party_id,
            party.url,
            party.token,
        )
        .execute(&self.pool)
        .await
        .map_err(|err| {
            map(format!("set_party_details({}, {}, {})", party.role, party.country_code, party.party_id), err)
        })?;
        Ok(())
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "postgres", operation = "get_party_details")
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
        let row = sqlx::query_as!(
            PartyRow,
            r#"SELECT role, country_code, party_id, url, token FROM ocpi_party
               WHERE role = $1 AND country_code = $2 AND party_id = $3"#,
            role,
            country_code,
            party_id,
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(|err| map(format!("get_party_details({role}, {country_code}, {party_id})"), err))?;
        Ok(row.map(rows::party))
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "postgres", operation = "list_party_details_for_role")
    )]
    async fn list_party_details_for_role(&self, role: &str) -> StoreResult<Vec<OcpiParty>> {
        argument("role", role)?;
        let rows = sqlx::query_as!(
            PartyRow,
            r#"SELECT role, country_code, party_id, url, token FROM ocpi_party
               WHERE role = $1 ORDER BY country_code, party_id"#,
            role,
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|err| map(format!("list_party_details_for_role({role})"), err))?;
        Ok(rows.into_iter().map(rows::party).collect())
    }
}
