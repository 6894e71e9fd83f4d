use store_core::*;

use crate::SqliteStorage;
use crate::error::map;

impl CertificateStorage for SqliteStorage {
    async fn set_certificate(&self, certificate_hash: &str, pem: &str) -> StoreResult<()> {
        sqlx::query!(
            r#"INSERT INTO certificate (certificate_hash, pem) VALUES (?1, ?2)
               ON CONFLICT (certificate_hash) DO UPDATE SET pem = excluded.pem"#,
            certificate_hash,
            pem,
        )
        .execute(self.writer()?)
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn lookup_certificate(&self, certificate_hash: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query!("SELECT pem FROM certificate WHERE certificate_hash = ?1", certificate_hash)
            .fetch_optional(&self.readers)
            .await
            .map_err(map)?;
        Ok(row.map(|row| row.pem))
    }

    async fn delete_certificate(&self, certificate_hash: &str) -> StoreResult<()> {
        sqlx::query!("DELETE FROM certificate WHERE certificate_hash = ?1", certificate_hash)
            .execute(self.writer()?)
            .await
            .map_err(map)?;
        Ok(())
    }
}
