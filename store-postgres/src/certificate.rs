use async_trait::async_trait;
use store_core::validate::argument;
use store_core::*;

use crate::PgStore;
use crate::error::map;

#[async_trait]
impl CertificateStore for PgStore {
    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "postgres", operation = "set_certificate")
    )]
    async fn set_certificate(&self, pem: &str) -> StoreResult<()> {
        argument("pem", pem)?;
        let certificate_hash = certificate_key(pem)?;
        sqlx::query!(
            r#"INSERT INTO certificate (certificate_hash, pem) VALUES ($1, $2)
               ON CONFLICT (certificate_hash) DO UPDATE SET pem = excluded.pem"#,
            certificate_hash,
            pem,
        )
        .execute(&self.pool)
        .await
        .map_err(|err| map(format!("set_certificate({certificate_hash})"), err))?;
        Ok(())
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "postgres", operation = "lookup_certificate")
    )]
    async fn lookup_certificate(&self, certificate_hash: &str) -> StoreResult<Option<String>> {
        argument("certificate_hash", certificate_hash)?;
        let row = sqlx::query!("SELECT pem FROM certificate WHERE certificate_hash = $1", certificate_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(|err| map(format!("lookup_certificate({certificate_hash})"), err))?;
        Ok(row.map(|row| row.pem))
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "postgres", operation = "delete_certificate")
    )]
    async fn delete_certificate(&self, certificate_hash: &str) -> StoreResult<()> {
        argument("certificate_hash", certificate_hash)?;
        sqlx::query!("DELETE FROM certificate WHERE certificate_hash = $1", certificate_hash)
            .execute(&self.pool)
            .await
            .map_err(|err| map(format!("delete_certificate({certificate_hash})"), err))?;
        Ok(())
    }
}
