use store_core::*;

use crate::MySqlStorage;
use crate::error::map;

impl CertificateStorage for MySqlStorage {
    async fn set_certificate(&self, certificate_hash: &str, pem: &str) -> StoreResult<()> {
        run!(self, |connection| {
            sqlx::query!(
                r#"INSERT INTO certificate (certificate_hash, pem) VALUES (?, ?)
                   ON DUPLICATE KEY UPDATE pem = VALUES(pem)"#,
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
        let row = run!(self, |connection| sqlx::query!(
            "SELECT pem FROM certificate WHERE certificate_hash = ?",
            certificate_hash
        )
        .fetch_optional(connection))
        .await
        .map_err(map)?;
        Ok(row.map(|row| row.pem))
    }

    async fn delete_certificate(&self, certificate_hash: &str) -> StoreResult<()> {
        run!(self, |connection| {
            sqlx::query!("DELETE FROM certificate WHERE certificate_hash = ?", certificate_hash).execute(connection)
        })
        .await
        .map_err(map)?;
        Ok(())
    }
}
