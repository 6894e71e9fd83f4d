//! Transaction retention: `maeve-manager prune --ended-before 90d` once, or
//! `[storage] transaction_retention = "90d"` in the background while serving. The store
//! deletes in bounded batches, each atomic (`store_core::TransactionRetention`).

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use store_core::{Clock, PRUNE_BATCH_TRANSACTIONS, Pruned, StoreResult, SystemClock};
use tokio::task::JoinHandle;

use crate::store::ConfiguredStore;

/// How often the background task prunes: retention is counted in days, so an hour late is
/// nothing, and each run finds little to do.
pub const PRUNE_INTERVAL: Duration = Duration::from_secs(3600);

/// A positive age such as `90d`, `36h` or `1h 30m` (humantime's syntax).
pub fn parse_age(text: &str) -> Result<Duration, String> {
    let age = humantime::parse_duration(text.trim())
        .map_err(|err| format!("{text:?} is not an age such as \"90d\": {err}"))?;
    if age.is_zero() {
        return Err(format!("{text:?}: the age must be more than zero"));
    }
    Ok(age)
}

/// `--ended-before`: an age (`90d`: ended more than 90 days before `now`) or an RFC 3339
/// instant.
pub fn parse_ended_before(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    if let Ok(instant) = DateTime::parse_from_rfc3339(text.trim()) {
        return Ok(instant.with_timezone(&Utc));
    }
    let age = parse_age(text).map_err(|err| format!("{err}; or give an RFC 3339 instant"))?;
    chrono::Duration::from_std(age)
        .ok()
        .and_then(|age| now.checked_sub_signed(age))
        .ok_or_else(|| format!("{text:?} reaches before any storable instant"))
}

/// How long one batch should hold its locks (SQLite's one write lock, a server's row locks):
/// a live write waiting behind it waits about this long.
const BATCH_TARGET: Duration = Duration::from_millis(5);
const MAX_BATCH_TRANSACTIONS: usize = 1_000;
/// The pause after a batch, in multiples of the time it took: retention gets at most 1/20 of
/// the store's time, so few live calls ever overlap a batch.
const PAUSE_PER_BATCH_TIME: u32 = 19;

/// Prunes in batches sized to take about [`BATCH_TARGET`] each (halved when one takes twice
/// that, doubled when one takes under half), pausing after each for [`PAUSE_PER_BATCH_TIME`]
/// times as long: a live write rarely meets a batch and never waits long behind one.
pub async fn prune_paced(store: &ConfiguredStore, ended_before: DateTime<Utc>) -> StoreResult<Pruned> {
    let mut pruned = Pruned::default();
    let mut batch = PRUNE_BATCH_TRANSACTIONS;
    loop {
        let started = Instant::now();
        let step = store.prune_ended_transactions_batch(ended_before, batch).await?;
        if step.transactions == 0 {
            return Ok(pruned);
        }
        pruned += step;
        let took = started.elapsed();
        if took > 2 * BATCH_TARGET {
            batch = (batch / 2).max(1);
        } else if took < BATCH_TARGET / 2 {
            batch = (batch * 2).min(MAX_BATCH_TRANSACTIONS);
        }
        tokio::time::sleep(took * PAUSE_PER_BATCH_TIME).await;
    }
}

/// Prunes every `PRUNE_INTERVAL`, starting now, until aborted (before the store closes); each
/// run is logged.
pub fn spawn_periodic(store: ConfiguredStore, retention: Duration) -> JoinHandle<()> {
    let age = chrono::Duration::from_std(retention).unwrap_or(chrono::Duration::MAX);
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(PRUNE_INTERVAL);
        loop {
            ticks.tick().await;
            let Some(ended_before) = SystemClock.now().checked_sub_signed(age) else { continue };
            log_outcome(ended_before, prune_paced(&store, ended_before).await);
        }
    })
}

fn log_outcome(ended_before: DateTime<Utc>, outcome: StoreResult<Pruned>) {
    match outcome {
        Ok(pruned) => tracing::info!(
            %ended_before,
            transactions = pruned.transactions,
            meter_values = pruned.meter_values,
            "pruned ended transactions"
        ),
        Err(err) => {
            tracing::warn!(%ended_before, error = %err, "pruning ended transactions failed; retrying next hour")
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn ages_and_instants() {
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
        assert_eq!(parse_ended_before("90d", now).unwrap(), Utc.with_ymd_and_hms(2026, 9, 1, 12, 0, 0).unwrap());
        assert_eq!(parse_ended_before("12h", now).unwrap(), Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap());
        assert_eq!(
            parse_ended_before("2026-01-01T00:00:00+01:00", now).unwrap(),
            Utc.with_ymd_and_hms(2025, 12, 31, 23, 0, 0).unwrap()
        );
        for bad in ["", "0d", "soon", "-5d", "90"] {
            let err = parse_ended_before(bad, now).unwrap_err();
            assert!(err.contains(&format!("{bad:?}")), "{bad}: {err}");
        }
    }
}
