//! §2.9 OCPI registrations and parties.

use store_core::*;

use crate::fixtures::*;
use crate::{Fixture, Outcome, check_eq};

/// §2.9: registrations are keyed by token: absent is `None`, set replaces, delete is idempotent.
pub async fn registration_set_replaces_and_delete_is_idempotent(f: Fixture) -> Outcome {
    let e = &f.engine;
    let pending = OcpiRegistration { status: OcpiRegistrationStatus::Pending };
    let registered = OcpiRegistration { status: OcpiRegistrationStatus::Registered };
    check_eq!(e.get_registration_details("tok").await?, None);
    e.set_registration_details("tok", &pending).await?;
    check_eq!(e.get_registration_details("tok").await?, Some(pending.clone()));
    e.set_registration_details("tok", &registered).await?;
    check_eq!(e.get_registration_details("tok").await?, Some(registered));
    check_eq!(e.get_registration_details("TOK").await?, None, "tokens are case-sensitive");
    e.delete_registration_details("tok").await?;
    e.delete_registration_details("tok").await?;
    check_eq!(e.get_registration_details("tok").await?, None);
    Ok(())
}

/// §2.9: parties are keyed by (role, country code, party id), with no collisions on `:`;
/// set replaces all five fields.
pub async fn party_set_replaces_by_composite_key(f: Fixture) -> Outcome {
    let e = &f.engine;
    check_eq!(e.get_party_details("EMSP", "GB", "TWK").await?, None);
    let a = party("EMSP", "GB:X", "Y");
    let b = party("EMSP", "GB", "X:Y");
    e.set_party_details(&a).await?;
    e.set_party_details(&b).await?;
    check_eq!(e.get_party_details("EMSP", "GB:X", "Y").await?, Some(a));
    let mut b2 = b.clone();
    b2.url = "https://new.example".into();
    b2.token = "new-token".into();
    e.set_party_details(&b2).await?;
    check_eq!(e.get_party_details("EMSP", "GB", "X:Y").await?, Some(b2));
    check_eq!(e.get_party_details("CPO", "GB", "X:Y").await?, None, "role is part of the key");
    Ok(())
}

/// R6: parties for a role are exactly those with that role, ordered by (country code, party id).
pub async fn party_list_for_role_filters_and_orders(f: Fixture) -> Outcome {
    let e = &f.engine;
    check_eq!(e.list_party_details_for_role("EMSP").await?, vec![]);
    let parties = [
        party("EMSP", "NL", "AAA"),
        party("EMSP", "GB", "ZZZ"),
        party("CPO", "GB", "AAA"),
        party("EMSP", "GB", "TWK"),
        party("emsp", "GB", "AAA"),
    ];
    for p in &parties {
        e.set_party_details(p).await?;
    }
    check_eq!(
        e.list_party_details_for_role("EMSP").await?,
        vec![parties[3].clone(), parties[1].clone(), parties[0].clone()]
    );
    check_eq!(e.list_party_details_for_role("CPO").await?, vec![parties[2].clone()]);
    Ok(())
}
