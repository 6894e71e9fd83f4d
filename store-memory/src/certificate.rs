use async_trait::async_trait;
use store_core::validate::argument;
use store_core::*;

use crate::MemoryStore;

#[async_trait]
impl CertificateStore for MemoryStore {
    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "set_certificate")
    )]
    async fn set_certificate(&self, pem: &str) -> StoreResult<()> {
        argument("pem", pem)?;
        let key = certificate_key(pem)?;
        self.certificates.insert(key, pem.to_owned());
        Ok(())
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "lookup_certificate")
    )]
    async fn lookup_certificate(&self, certificate_hash: &str) -> StoreResult<Option<String>> {
        argument("certificate_hash", certificate_hash)?;
        Ok(self.certificates.get(certificate_hash).map(|pem| pem.clone()))
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "delete_certificate")
    )]
    async fn delete_certificate(&self, certificate_hash: &str) -> StoreResult<()> {
        argument("certificate_hash", certificate_hash)?;
        self.certificates.remove(certificate_hash);
        Ok(())
    }
}
