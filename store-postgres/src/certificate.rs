use store_core::*;

use crate::PgStorage;
use crate::error::map;

impl CertificateStorage for PgStorage {
    async fn set_certificate(&self, certificate_hash: &str, pem: &str) -> StoreResult<()> {
        run!(self, |connection| {
            sqlx::query!(
                r#"INSERT INTO certificate (certificate_hash, pem) VALUES ($1, $2)
               ON CONFLICT (certificate_hash) DO UPDATE SET pem = excluded.pem"#,
                certificate_hash,
                pem,
            )
            .execute(connection)
        })
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn lookup_certificate(&self, certificate_hash: &str) -> StoreResult<Option<String>> {
        let row = read!(self, |connection| {
            sqlx::query!("SELECT pem FROM certificate WHERE certificate_hash = $1", certificate_hash)
                .fetch_optional(connection)
        })
        .await
        .map_err(map)?;
        Ok(row.map(|row| row.pem))
    }

    async fn delete_certificate(&self, certificate_hash: &str) -> StoreResult<()> {
        run!(self, |connection| {
            sqlx::query!("DELETE FROM certificate WHERE certificate_hash = $1", certificate_hash).execute(connection)
        })
        .await
        .map_err(map)?;
        Ok(())
    }
}
