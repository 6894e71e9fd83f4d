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

fn first_block(text: &str) -> StoreResult<pem::Pem> {
    let start = text.find("-----BEGIN ").ok_or_else(|| StoreError::invalid_argument(FIELD, "pem block not found"))?;
    pem::parse(&text[start..]).map_err(|err| StoreError::invalid_argument(FIELD, format!("pem block not found: {err}")))
}
