//! §2.10 locations: whole-value upsert, three evses states, store-generated last_updated.

use chrono::Duration;
use store_core::*;

use crate::fixtures::*;
use crate::{Fixture, Outcome, check_eq};

/// R2: `evses` None, Some(empty) and Some(non-empty) are distinct and preserved; nested
/// fields (optional evse id, negative numbers, verbatim timestamps) round-trip.
pub async fn location_evses_three_states_preserved(f: Fixture) -> Outcome {
    let e = &f.engine;
    check_eq!(e.lookup_location("loc-1").await?, None);
    let mut bare_evse = evse("2", vec![]);
    bare_evse.evse_id = None;
    let cases = [
        location("loc-1", None),
        location("loc-2", Some(vec![])),
        location("loc-3", Some(vec![evse("1", vec![connector("1"), connector("2")]), bare_evse])),
    ];
    for loc in &cases {
        e.set_location(loc).await?;
    }
    for loc in &cases {
        check_eq!(e.lookup_location(&loc.id).await?, Some(stored_location(loc, f.clock.now())), "{}", loc.id);
    }
    Ok(())
}

/// §7.10: set replaces the whole value (evses are replaced, not merged).
pub async fn location_set_replaces_whole_value(f: Fixture) -> Outcome {
    let e = &f.engine;
    e.set_location(&location("loc", Some(vec![evse("1", vec![connector("1")])]))).await?;
    let mut replacement = location("loc", Some(vec![evse("2", vec![])]));
    replacement.name = "renamed".into();
    e.set_location(&replacement).await?;
    check_eq!(e.lookup_location("loc").await?, Some(stored_location(&replacement, f.clock.now())));
    Ok(())
}

/// R4: last_updated is the write time from the store's clock, whole seconds, UTC, `Z`.
pub async fn location_last_updated_comes_from_the_clock(f: Fixture) -> Outcome {
    let e = &f.engine;
    f.clock.advance(Duration::days(400));
    e.set_location(&location("loc", None)).await?;
    check_eq!(e.lookup_location("loc").await?.map(|l| l.last_updated), Some("2025-06-10T13:58:55Z".to_owned()));
    Ok(())
}

/// R6: list orders by id in byte order, then offset, then limit.
pub async fn location_list_orders_by_id_with_offset_and_limit(f: Fixture) -> Outcome {
    let e = &f.engine;
    check_eq!(e.list_locations(0, 10).await?, vec![]);
    for id in ["b", "a", "C", "é", "a a"] {
        e.set_location(&location(id, None)).await?;
    }
    let ids = |page: Vec<Location>| page.into_iter().map(|l| l.id).collect::<Vec<_>>();
    check_eq!(ids(e.list_locations(0, 10).await?), vec!["C", "a", "a a", "b", "é"]);
    check_eq!(ids(e.list_locations(1, 2).await?), vec!["a", "a a"]);
    check_eq!(ids(e.list_locations(4, 2).await?), vec!["é"]);
    check_eq!(ids(e.list_locations(5, 2).await?), Vec::<String>::new());
    Ok(())
}
