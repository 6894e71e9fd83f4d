//! §2.8 and R9: the certificate store, keyed by base64url(SHA-256(DER of the first block)).

use crate::fixtures::*;
use crate::{Fixture, Outcome, check, check_eq, check_invalid};

/// R9: the key of a known certificate is the 43-character value computed by openssl.
pub async fn certificate_key_is_base64url_sha256_of_first_block(f: Fixture) -> Outcome {
    let e = &f.engine;
    for (pem, key) in [(CERT1, CERT1_KEY), (CERT2, CERT2_KEY), (CERT3, CERT3_KEY)] {
        check_eq!(key.len(), 43);
        e.set_certificate(pem).await?;
        check_eq!(e.lookup_certificate(key).await?, Some(pem.to_owned()), "lookup by {key}");
    }
    Ok(())
}

/// R9: the PEM is stored byte for byte: leading text, CRLF, further blocks and trailing text
/// survive, and only the first block decides the key.
pub async fn certificate_stored_byte_for_byte(f: Fixture) -> Outcome {
    let e = &f.engine;
    let chain = format!("leading text\r\n{CERT1}{CERT2}\ntrailing text without newline");
    e.set_certificate(&chain).await?;
    check_eq!(e.lookup_certificate(CERT1_KEY).await?, Some(chain.clone()));
    check_eq!(e.lookup_certificate(CERT2_KEY).await?, None, "only the first block is a key");
    e.set_certificate(CERT1).await?;
    check_eq!(e.lookup_certificate(CERT1_KEY).await?, Some(CERT1.to_owned()), "same key again replaces");
    Ok(())
}

/// R5: lookup is an exact match (no padding or alphabet normalising), absent is `None`;
/// delete is idempotent.
pub async fn certificate_lookup_is_exact_and_delete_idempotent(f: Fixture) -> Outcome {
    let e = &f.engine;
    e.set_certificate(CERT2).await?;
    check_eq!(e.lookup_certificate(&format!("{CERT2_KEY}=")).await?, None, "padded key");
    let standard_alphabet = CERT2_KEY.replace('-', "+").replace('_', "/");
    check_eq!(e.lookup_certificate(&standard_alphabet).await?, None, "standard alphabet");
    e.delete_certificate(CERT2_KEY).await?;
    e.delete_certificate(CERT2_KEY).await?;
    e.delete_certificate("never-stored").await?;
    check_eq!(e.lookup_certificate(CERT2_KEY).await?, None);
    Ok(())
}

/// R9: a first block that is not a CERTIFICATE, a CERTIFICATE block that is not X.509, and
/// text without any block are invalid arguments, and nothing is stored.
pub async fn certificate_rejects_non_certificates(f: Fixture) -> Outcome {
    let e = &f.engine;
    check_invalid!(e.set_certificate(PUBLIC_KEY).await, "pem");
    check!(
        e.set_certificate(&format!("{PUBLIC_KEY}{CERT1}")).await.is_err(),
        "a certificate after a non-certificate first block was accepted"
    );
    check_invalid!(
        e.set_certificate("-----BEGIN CERTIFICATE-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n").await,
        "pem"
    );
    check_invalid!(e.set_certificate("garbage").await, "pem");
    check_invalid!(e.set_certificate("").await, "pem");
    check_eq!(e.lookup_certificate(CERT1_KEY).await?, None, "nothing stored");
    Ok(())
}
