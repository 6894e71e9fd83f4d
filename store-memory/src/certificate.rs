use store_core::*;

use crate::MemoryStorage;

impl CertificateStorage for MemoryStorage {
    async fn set_certificate(&self, certificate_hash: &str, pem: &str) -> StoreResult<()> {
        self.certificates.insert(certificate_hash.to_owned(), pem.to_owned());
        Ok(())
    }

    async fn lookup_certificate(&self, certificate_hash: &str) -> StoreResult<Option<String>> {
        Ok(self.certificates.get(certificate_hash).map(|pem| pem.clone()))
    }

    async fn delete_certificate(&self, certificate_hash: &str) -> StoreResult<()> {
        self.certificates.remove(certificate_hash);
        Ok(())
    }
}
