//! §2.6 tokens: upsert by uid, store-generated last_updated (R4), offset paging by uid (R6).

use chrono::Duration;
use store_core::*;

use crate::fixtures::*;
use crate::{Fixture, Outcome, check_eq};

/// R5: absent uid is `None`.
pub async fn token_lookup_absent_is_none(f: Fixture) -> Outcome {
    check_eq!(f.engine.lookup_token("unknown").await?, None);
    check_eq!(f.engine.list_tokens(0, 10).await?, vec![], "no tokens");
    Ok(())
}

/// §2.6: the uid alone is the key: the same uid from another party replaces every field;
/// `None` and `Some("")` stay distinct.
pub async fn token_set_replaces_by_uid_only(f: Fixture) -> Outcome {
    let e = &f.engine;
    e.set_token(&token("uid-1")).await?;
    let mut other = token("uid-1");
    other.country_code = "NL".into();
    other.party_id = "ABC".into();
    other.visual_number = None;
    other.group_id = Some(String::new());
    other.language_code = None;
    other.valid = false;
    other.cache_mode = CacheMode::Never;
    e.set_token(&other).await?;
    check_eq!(e.lookup_token("uid-1").await?, Some(stored_token(&other, f.clock.now())));
    check_eq!(e.lookup_token("UID-1").await?, None, "uids are case-sensitive");
    Ok(())
}

/// R4: last_updated comes from the store's clock at write time, whole seconds, UTC, `Z`; the
/// caller's value is ignored.
pub async fn token_last_updated_comes_from_the_clock(f: Fixture) -> Outcome {
    let e = &f.engine;
    e.set_token(&token("uid-1")).await?;
    // The clock starts at 2024-05-06T13:58:55.123456789Z.
    check_eq!(e.lookup_token("uid-1").await?.map(|t| t.last_updated), Some("2024-05-06T13:58:55Z".to_owned()));
    f.clock.advance(Duration::seconds(3_600) + Duration::milliseconds(900));
    check_eq!(
        e.lookup_token("uid-1").await?.map(|t| t.last_updated),
        Some("2024-05-06T13:58:55Z".to_owned()),
        "reading does not change it"
    );
    e.set_token(&token("uid-1")).await?;
    check_eq!(e.lookup_token("uid-1").await?.map(|t| t.last_updated), Some("2024-05-06T14:58:56Z".to_owned()));
    Ok(())
}

/// R6: list orders by uid in byte order, then skips `offset`, then returns at most `limit`.
pub async fn token_list_orders_by_uid_with_offset_and_limit(f: Fixture) -> Outcome {
    let e = &f.engine;
    let mut uids: Vec<String> = (0..20).map(|n| format!("uid-{n:02}")).collect();
    uids.extend(["B".to_owned(), "a".to_owned(), "é".to_owned(), "a b".to_owned()]);
    for uid in uids.iter().rev() {
        e.set_token(&token(uid)).await?;
    }
    let mut sorted = uids.clone();
    sorted.sort();
    let list = |tokens: Vec<Token>| tokens.into_iter().map(|t| t.uid).collect::<Vec<_>>();
    check_eq!(list(e.list_tokens(0, 10).await?), sorted[..10].to_vec());
    check_eq!(list(e.list_tokens(5, 20).await?), sorted[5..].to_vec());
    check_eq!(&sorted[..3], &["B".to_owned(), "a".to_owned(), "a b".to_owned()], "byte order");
    check_eq!(list(e.list_tokens(23, 5).await?), vec!["é".to_owned()]);
    check_eq!(list(e.list_tokens(24, 5).await?), Vec::<String>::new(), "past the end");
    check_eq!(list(e.list_tokens(0, 0).await?), Vec::<String>::new(), "limit 0");
    check_eq!(e.list_tokens(1, 1).await?, vec![stored_token(&token("a"), f.clock.now())], "whole records");
    Ok(())
}
