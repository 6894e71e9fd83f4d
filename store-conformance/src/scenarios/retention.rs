//! Retention (R12, a capability beside the contract): `prune_ended_transactions` deletes the
//! transactions whose first end was applied before an instant, with every meter value, and
//! nothing else.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use chrono::{Duration, TimeZone, Utc};
use store_core::*;

use super::concurrency::on_tasks;
use super::transaction::expected;
use crate::fixtures::*;
use crate::{Failure, Fixture, Outcome, check, check_eq, check_invalid};

fn values(count: usize) -> Vec<MeterValue> {
    (0..count).map(|n| meter_value(&format!("2024-01-01T00:00:{:02}Z", n % 60), &[n as f64])).collect()
}

/// Ended before the instant: gone, with every meter value; open or ended at or after it: kept.
pub async fn prune_deletes_transactions_ended_before_the_instant_with_every_meter_value(f: Fixture) -> Outcome {
    let e = &f.engine;
    e.create_transaction("cs001", "old", "id", "ISO14443", &values(3), 1, false).await?;
    e.update_transaction("cs001", "old", &values(2)).await?;
    e.end_transaction("cs001", "old", "id", "ISO14443", &values(1), 9).await?;
    e.end_transaction("cs002", "old-too", "id", "ISO14443", &values(4), 9).await?;
    f.clock.advance(Duration::seconds(10));
    let cutoff = f.clock.now();
    e.end_transaction("cs001", "at-cutoff", "id", "ISO14443", &values(1), 9).await?;
    f.clock.advance(Duration::seconds(10));
    e.end_transaction("cs001", "recent", "id", "ISO14443", &values(1), 9).await?;
    e.update_transaction("cs003", "open", &values(2)).await?;

    let pruned = f.retention.prune_ended_transactions(cutoff).await?;
    check_eq!(pruned, Pruned { transactions: 2, meter_values: 10 });
    let left: Vec<(String, String)> = e
        .transactions()
        .await?
        .into_iter()
        .map(|transaction| (transaction.charge_station_id, transaction.transaction_id))
        .collect();
    let expected = [("cs001", "at-cutoff"), ("cs001", "recent"), ("cs003", "open")];
    check_eq!(left, expected.map(|(cs, tx)| (cs.to_owned(), tx.to_owned())).to_vec());
    check_eq!(e.find_transaction("cs001", "old").await?, None);
    Ok(())
}

/// A transaction that was never ended is never pruned, however old and whatever the instant.
pub async fn prune_never_deletes_an_open_transaction(f: Fixture) -> Outcome {
    let e = &f.engine;
    e.create_transaction("cs001", "open", "id", "ISO14443", &values(2), 1, false).await?;
    e.update_transaction("cs001", "open", &values(1)).await?;
    f.clock.advance(Duration::days(3650));
    let last_storable = Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap();
    check_eq!(f.retention.prune_ended_transactions(last_storable).await?, Pruned::default());
    check_eq!(e.find_transaction("cs001", "open").await?.map(|t| t.meter_values.len()), Some(3));
    Ok(())
}

/// The age is measured from the first end: ending again later does not make it younger.
pub async fn prune_measures_from_the_first_end(f: Fixture) -> Outcome {
    let e = &f.engine;
    e.end_transaction("cs001", "tx", "id", "ISO14443", &values(1), 5).await?;
    f.clock.advance(Duration::hours(1));
    let between = f.clock.now();
    f.clock.advance(Duration::hours(1));
    e.end_transaction("cs001", "tx", "id", "ISO14443", &values(1), 6).await?;
    check_eq!(f.retention.prune_ended_transactions(between).await?, Pruned { transactions: 1, meter_values: 2 });
    check_eq!(e.find_transaction("cs001", "tx").await?, None);
    Ok(())
}

/// Pruning twice deletes nothing the second time and changes nothing else.
pub async fn prune_is_idempotent(f: Fixture) -> Outcome {
    let e = &f.engine;
    e.end_transaction("cs001", "ended", "id", "ISO14443", &values(2), 5).await?;
    e.update_transaction("cs001", "open", &values(1)).await?;
    f.clock.advance(Duration::seconds(1));
    let now = f.clock.now();
    check_eq!(f.retention.prune_ended_transactions(now).await?, Pruned { transactions: 1, meter_values: 2 });
    let after_first = e.transactions().await?;
    check_eq!(f.retention.prune_ended_transactions(now).await?, Pruned::default());
    check_eq!(e.transactions().await?, after_first);
    Ok(())
}

/// A write to a pruned transaction starts a new one holding only what was written after.
pub async fn a_write_after_a_prune_starts_a_new_transaction(f: Fixture) -> Outcome {
    let e = &f.engine;
    e.create_transaction("cs001", "tx", "id", "ISO14443", &values(3), 1, true).await?;
    e.end_transaction("cs001", "tx", "id", "ISO14443", &values(2), 7).await?;
    f.clock.advance(Duration::seconds(1));
    f.retention.prune_ended_transactions(f.clock.now()).await?;
    let late = vec![meter_value("2024-01-02T00:00:00Z", &[42.0])];
    e.update_transaction("cs001", "tx", &late).await?;
    let want = Transaction { meter_values: late, updated_seq_no_count: 1, ..expected("cs001", "tx") };
    check_eq!(e.find_transaction("cs001", "tx").await?, Some(want));
    // Ended again, it is pruned again: the new record has an end time of its own.
    e.end_transaction("cs001", "tx", "id", "ISO14443", &[], 8).await?;
    f.clock.advance(Duration::seconds(1));
    check_eq!(f.retention.prune_ended_transactions(f.clock.now()).await?, Pruned { transactions: 1, meter_values: 1 });
    Ok(())
}

/// More ended transactions than one batch: all of them go, with all their values.
pub async fn prune_deletes_more_than_one_batch(f: Fixture) -> Outcome {
    let e = &f.engine;
    let count = PRUNE_BATCH_TRANSACTIONS + 7;
    for n in 0..count {
        e.end_transaction("cs001", &format!("tx{n:05}"), "id", "ISO14443", &values(2), 1).await?;
    }
    e.update_transaction("cs001", "open", &values(1)).await?;
    f.clock.advance(Duration::seconds(1));
    let pruned = f.retention.prune_ended_transactions(f.clock.now()).await?;
    check_eq!(pruned, Pruned { transactions: count as u64, meter_values: 2 * count as u64 });
    check_eq!(e.transactions().await?.len(), 1);
    Ok(())
}

/// The instant must be storable (R13), like every instant the store takes.
pub async fn prune_rejects_an_instant_outside_years_1_to_9999(f: Fixture) -> Outcome {
    f.engine.end_transaction("cs001", "tx", "id", "ISO14443", &[], 1).await?;
    let too_late = Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap();
    check_invalid!(f.retention.prune_ended_transactions(too_late).await, "ended_before");
    check_eq!(f.engine.transactions().await?.len(), 1);
    Ok(())
}

/// Prunes racing appends and ends on the same transactions: no write fails, and every
/// transaction left holds exactly the values of its own updates (a value left behind by a
/// prune would show up in the next transaction of that key, or collide with it).
pub async fn concurrent_prunes_and_appends_leave_no_orphan_values(f: Fixture) -> Outcome {
    const WRITERS: usize = 4;
    const ROUNDS: usize = 60;
    // A fast backend can finish 60 rounds before the pruner's first batch: the writers go on
    // (up to this bound) until the pruner has pruned at least once, so the race really happens.
    const MAX_ROUNDS: usize = 20_000;
    let stop = Arc::new(AtomicBool::new(false));
    let pruned_so_far = Arc::new(AtomicU64::new(0));
    let pruner = {
        let (retention, clock, stop, pruned_so_far) =
            (f.retention.clone(), f.clock.clone(), stop.clone(), pruned_so_far.clone());
        tokio::spawn(async move {
            let mut pruned = Pruned::default();
            while !stop.load(Ordering::SeqCst) {
                clock.advance(Duration::seconds(1));
                pruned += retention.prune_ended_transactions(clock.now()).await?;
                pruned_so_far.store(pruned.transactions, Ordering::SeqCst);
                tokio::task::yield_now().await;
            }
            Ok::<Pruned, StoreError>(pruned)
        })
    };
    let writers = on_tasks(WRITERS, |task| {
        let (engine, pruned_so_far) = (f.engine.clone(), pruned_so_far.clone());
        async move {
            let mut round = 0;
            while round < ROUNDS || (pruned_so_far.load(Ordering::SeqCst) == 0 && round < MAX_ROUNDS) {
                let tx = format!("tx{}", round % 3);
                let cs = format!("cs{task}");
                engine.update_transaction(&cs, &tx, &values(1)).await?;
                if round % 4 == 3 {
                    engine.end_transaction(&cs, &tx, "id", "ISO14443", &[], round as i64).await?;
                }
                // The memory backend never yields on its own.
                tokio::task::yield_now().await;
                round += 1;
            }
            Ok(())
        }
    })
    .await;
    stop.store(true, Ordering::SeqCst);
    let pruned = pruner.await.map_err(|err| Failure(format!("pruner panicked: {err}")))??;
    writers?;
    check!(pruned.transactions > 0, "the pruner never pruned while the writers ran: {pruned:?}");
    for transaction in f.engine.transactions().await? {
        check_eq!(
            transaction.meter_values.len() as i64,
            transaction.updated_seq_no_count,
            "values of {}/{}",
            transaction.charge_station_id,
            transaction.transaction_id
        );
    }
    Ok(())
}
