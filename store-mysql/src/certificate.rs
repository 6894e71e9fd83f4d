use store_core::*;

use crate::MySqlStorage;
use crate::error::map;
use crate::retry::retrying;

impl CertificateStorage for MySqlStorage {
    async fn set_certificate(&self, certificate_hash: &str, pem: &str) -> StoreResult<()> {
        retrying(|| {
            sqlx::query!(
                r#"INSERT INTO certificate (certificate_hash, pem) VALUES (?, ?)
                   ON DUPLICATE KEY UPDATE pem = VALUES(pem)"#,
                certificate_hash,
                pem,
            )
            .execute(&self.pool)
        })
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn lookup_certificate(&self, certificate_hash: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query!("SELECT pem FROM certificate WHERE certificate_hash = ?", certificate_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?;
        Ok(row.map(|row| row.pem))
    }

    async fn delete_certificate(&self, certificate_hash: &str) -> StoreResult<()> {
        retrying(|| {
            sqlx::query!("DELETE FROM certificate WHERE certificate_hash = ?", certificate_hash).execute(&self.pool)
        })
        .await
        .map_err(map)?;
        Ok(())
    }
}
