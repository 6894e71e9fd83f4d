//! §2.4 install certificates: merge by certificate id keeping first-insertion order (R7).

use store_core::CertificateInstallationStatus::*;
use store_core::CertificateType::*;
use store_core::*;

use crate::fixtures::*;
use crate::{Fixture, Outcome, check_eq};

fn ids(record: Option<ChargeStationInstallCertificates>) -> Option<Vec<String>> {
    record.map(|r| r.certificates.into_iter().map(|c| c.certificate_id).collect())
}

/// R5: absent station is `None`.
pub async fn install_certificates_lookup_absent_is_none(f: Fixture) -> Outcome {
    check_eq!(f.engine.lookup_charge_station_install_certificates("cs001").await?, None);
    Ok(())
}

/// R7: new ids are appended in call order; ids not mentioned are untouched; the record is
/// keyed by the argument.
pub async fn install_certificates_merge_appends_new_ids_in_order(f: Fixture) -> Outcome {
    let e = &f.engine;
    let first = install_certificate("c-2", V2g, Pending, None);
    let second = install_certificate("c-1", Csms, Accepted, Some(instant(1)));
    let third = install_certificate("c-0", Evcc, Rejected, None);
    e.update_charge_station_install_certificates("cs001", &install_certificates(vec![first.clone(), second.clone()]))
        .await?;
    e.update_charge_station_install_certificates("cs001", &install_certificates(vec![third.clone()])).await?;
    check_eq!(
        e.lookup_charge_station_install_certificates("cs001").await?,
        Some(ChargeStationInstallCertificates {
            charge_station_id: "cs001".into(),
            certificates: vec![first, second, third]
        })
    );
    check_eq!(e.lookup_charge_station_install_certificates("ignored-by-the-store").await?, None);
    Ok(())
}

/// R7: an existing id has type, data, status and send_after replaced and keeps its position.
pub async fn install_certificates_merge_replaces_existing_in_place(f: Fixture) -> Outcome {
    let e = &f.engine;
    let a = install_certificate("a", V2g, Pending, Some(instant(1)));
    let b = install_certificate("b", Mo, Pending, None);
    e.update_charge_station_install_certificates("cs001", &install_certificates(vec![a, b.clone()])).await?;
    let mut a2 = install_certificate("a", ChargeStation, Accepted, Some(instant(60_000)));
    a2.certificate_data = "replaced data".into();
    e.update_charge_station_install_certificates("cs001", &install_certificates(vec![a2.clone()])).await?;
    let found = e.lookup_charge_station_install_certificates("cs001").await?;
    check_eq!(found.map(|r| r.certificates), Some(vec![a2.clone(), b.clone()]), "replaced in place");
    let a3 = install_certificate("a", Mf, Rejected, None);
    e.update_charge_station_install_certificates("cs001", &install_certificates(vec![a3.clone()])).await?;
    let found = e.lookup_charge_station_install_certificates("cs001").await?;
    check_eq!(found.map(|r| r.certificates), Some(vec![a3, b]), "send_after replaced by none");
    Ok(())
}

/// R7: a repeated id within one call is applied in order (last wins, one entry, first position).
pub async fn install_certificates_repeated_id_in_one_call_last_wins(f: Fixture) -> Outcome {
    let e = &f.engine;
    let a1 = install_certificate("a", V2g, Pending, None);
    let b = install_certificate("b", V2g, Pending, None);
    let a2 = install_certificate("a", Csms, Accepted, Some(instant(2)));
    e.update_charge_station_install_certificates("cs001", &install_certificates(vec![a1, b.clone(), a2.clone()]))
        .await?;
    let found = e.lookup_charge_station_install_certificates("cs001").await?;
    check_eq!(found.map(|r| r.certificates), Some(vec![a2, b]));
    Ok(())
}

/// R7: an empty update on a new station creates an empty record, like settings.
pub async fn install_certificates_empty_update_creates_empty_record(f: Fixture) -> Outcome {
    let e = &f.engine;
    e.update_charge_station_install_certificates("cs001", &install_certificates(vec![])).await?;
    check_eq!(ids(e.lookup_charge_station_install_certificates("cs001").await?), Some(vec![]));
    Ok(())
}

/// R6: list pages every record by station id (byte order), exclusive cursor, no status filter.
pub async fn install_certificates_list_pages_in_byte_order(f: Fixture) -> Outcome {
    let e = &f.engine;
    for id in ["b", "A", "a", "é", "a a"] {
        let cert = install_certificate(&format!("{id}-cert"), V2g, Accepted, None);
        e.update_charge_station_install_certificates(id, &install_certificates(vec![cert])).await?;
    }
    let page = e.list_charge_station_install_certificates(2, "").await?;
    check_eq!(page.iter().map(|r| r.charge_station_id.as_str()).collect::<Vec<_>>(), vec!["A", "a"]);
    check_eq!(
        page[1].certificates.iter().map(|c| c.certificate_id.as_str()).collect::<Vec<_>>(),
        vec!["a-cert"],
        "listed records are whole"
    );
    let page = e.list_charge_station_install_certificates(10, "a").await?;
    check_eq!(page.iter().map(|r| r.charge_station_id.as_str()).collect::<Vec<_>>(), vec!["a a", "b", "é"]);
    let page = e.list_charge_station_install_certificates(10, "a 0").await?;
    check_eq!(
        page.iter().map(|r| r.charge_station_id.as_str()).collect::<Vec<_>>(),
        vec!["a a", "b", "é"],
        "absent cursor"
    );
    Ok(())
}
