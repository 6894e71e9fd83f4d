//! The certificate-store key (R9), computed here once for every backend.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::error::{StoreError, StoreResult};

const FIELD: &str = "pem";

/// base64url-without-padding of SHA-256 over the DER of the first PEM block, which must be a
/// `CERTIFICATE` that parses as X.509. Text before the first block is skipped.
pub fn certificate_key(pem: &str) -> StoreResult<String> {
    let block = first_block(pem)?;
    if block.tag() != "CERTIFICATE" {
        return Err(StoreError::invalid_argument(
            FIELD,
            format!("first PEM block is {:?}, not CERTIFICATE", block.tag()),
        ));
    }
    let der = block.contents();
    x509_parser::parse_x509_certificate(der)
        .map_err(|err| StoreError::invalid_argument(FIELD, format!("certificate does not parse as X.509: {err}")))?;
    Ok(URL_SAFE_NO_PAD.encode(Sha256::digest(der)))
}

/// The id MaEVe gives a certificate to install on a charge station (STORE_CONTRACT.md §2.4):
/// lower-case hex SHA-256 of the first PEM block's bytes. A different encoding from
/// [`certificate_key`], and no X.509 parse: the station is the judge of what it installs.
pub fn install_certificate_id(pem: &str) -> StoreResult<String> {
    let block = first_block(pem)?;
    Ok(Sha256::digest(block.contents()).iter().map(|byte| format!("{byte:02x}")).collect())
}

fn first_block(text: &str) -> StoreResult<pem::Pem> {
    let start = text.find("-----BEGIN ").ok_or_else(|| StoreError::invalid_argument(FIELD, "pem block not found"))?;
    pem::parse(&text[start..]).map_err(|err| StoreError::invalid_argument(FIELD, format!("pem block not found: {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CERT1: &str = include_str!("../../store-conformance/testdata/cert1.pem");

    #[test]
    fn install_certificate_id_is_lower_hex_sha256_of_the_der() {
        // `openssl x509 -in cert1.pem -outform der | sha256sum`
        assert_eq!(
            install_certificate_id(&format!("text before\n{CERT1}")).unwrap(),
            "7bf14bfc5347b9a5e8bfd8ce32a0bb4bc44ccd34a1cafedb2f7f24cea2f3b237"
        );
        assert!(install_certificate_id("no pem here").is_err());
    }
}
