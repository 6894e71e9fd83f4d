//! Read replicas with read-your-writes per store instance.
//!
//! The rule: a lookup or list goes to a streaming replica only when
//! 1. no write of this instance is in flight (a read on the primary may already see a write
//!    that has not returned; a later read must not then miss it on a replica), and
//! 2. the replica was seen, before the read was sent, to have replayed a primary WAL position
//!    read after this instance's last write returned (so past that write's commit record), and
//! 3. the replica answered its last poll and was then within `max_replica_lag` of the primary,
//!    and that poll ended less than `max_replica_lag` ago (a stalled poller proves nothing).
//!
//! Otherwise the primary serves the read. A replica read that fails is answered by the primary.
//! Positions come from a poller (one `pg_current_wal_insert_lsn()` on the primary and one
//! `pg_last_wal_replay_lsn()` per replica each `replica_poll`), so writes and reads carry no
//! extra statement, and the check per read is a few atomic loads in memory.
//!
//! Why the replay position must be seen *before* the read rather than checked inside the read's
//! own statement: a standby makes a commit visible before it advances its replay position, and a
//! statement takes its snapshot before it evaluates anything, so a statement can find the replay
//! position past a commit its own snapshot does not show. And why the primary position is read
//! after the write rather than returned by it: a statement's WAL position precedes its own
//! commit record, which a replica can lag behind.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex, Once, Weak};
use std::time::{Duration, Instant};

use crate::pool::ConnectionPool;

/// How replicas are polled and how far behind one may fall.
#[derive(Debug, Clone, Copy)]
pub struct ReplicaSettings {
    pub poll: Duration,
    pub max_lag: Duration,
}

/// Where reads went: counted since the storage was made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadRoutes {
    /// Reads a replica answered.
    pub replica: u64,
    /// Reads the primary answered although replicas are configured: none fresh enough or usable,
    /// or the replica failed.
    pub primary: u64,
    /// Replica reads that failed and were answered by the primary.
    pub replica_failures: u64,
}

/// One replica: its pool and what its last poll showed.
#[derive(Debug)]
pub(crate) struct Replica {
    pool: ConnectionPool,
    /// The URL with its password hidden, for logs.
    name: String,
    /// WAL position replayed, as last polled (bytes since 0/0). The latest, not the highest: a
    /// restarted standby may show less than it did before until it has replayed again.
    replayed: AtomicU64,
    usable: AtomicBool,
}

impl Replica {
    pub(crate) fn pool(&self) -> &ConnectionPool {
        &self.pool
    }
}

/// A primary WAL position and when the statement reading it was sent.
#[derive(Debug, Clone, Copy)]
struct Sample {
    sent: u64,
    lsn: u64,
}

/// The routing state of one storage (shared by its clones).
#[derive(Debug)]
pub(crate) struct Replicas {
    primary: ConnectionPool,
    replicas: Vec<Replica>,
    settings: ReplicaSettings,
    started: Instant,
    writes_in_flight: AtomicU64,
    /// Nanoseconds since `started` at which the last write returned, plus one (0: never).
    last_write_done: AtomicU64,
    /// Primary positions of the last `max_lag` (and a poll more), oldest first.
    samples: Mutex<VecDeque<Sample>>,
    /// Nanoseconds since `started` at which the last poll ended, plus one (0: none yet). A
    /// poller that stalls (its runtime gone, the primary unreachable) leaves the replicas'
    /// positions unchecked: reads stop trusting them after `max_lag`.
    last_poll: AtomicU64,
    closed: AtomicBool,
    next: AtomicUsize,
    poller: Once,
    replica_reads: AtomicU64,
    primary_reads: AtomicU64,
    replica_failures: AtomicU64,
}

/// Held while a write runs; marks it done when dropped, even when the call is cancelled.
pub(crate) struct WriteGuard<'a>(&'a Replicas);

impl Drop for WriteGuard<'_> {
    fn drop(&mut self) {
        // Done before no longer in flight: a read that sees none in flight sees this write done.
        self.0.last_write_done.fetch_max(self.0.now() + 1, SeqCst);
        self.0.writes_in_flight.fetch_sub(1, SeqCst);
    }
}

impl Replicas {
    pub(crate) fn new(
        primary: ConnectionPool,
        replicas: Vec<(ConnectionPool, String)>,
        settings: ReplicaSettings,
    ) -> Self {
        Replicas {
            primary,
            replicas: replicas
                .into_iter()
                .map(|(pool, name)| Replica { pool, name, replayed: AtomicU64::new(0), usable: AtomicBool::new(false) })
                .collect(),
            settings,
            started: Instant::now(),
            writes_in_flight: AtomicU64::new(0),
            last_write_done: AtomicU64::new(0),
            samples: Mutex::new(VecDeque::new()),
            last_poll: AtomicU64::new(0),
            closed: AtomicBool::new(false),
            next: AtomicUsize::new(0),
            poller: Once::new(),
            replica_reads: AtomicU64::new(0),
            primary_reads: AtomicU64::new(0),
            replica_failures: AtomicU64::new(0),
        }
    }

    fn now(&self) -> u64 {
        nanos(self.started.elapsed())
    }

    pub(crate) fn begin_write(&self) -> WriteGuard<'_> {
        self.writes_in_flight.fetch_add(1, SeqCst);
        WriteGuard(self)
    }

    /// The replica that may serve a read starting now, if any (see the module's rule).
    pub(crate) fn for_read(self: &Arc<Self>) -> Option<&Replica> {
        self.start_poller();
        let chosen = self.choose();
        if chosen.is_none() {
            self.primary_reads.fetch_add(1, SeqCst);
        }
        chosen
    }

    pub(crate) fn would_choose(self: &Arc<Self>) -> bool {
        self.start_poller();
        self.choose().is_some()
    }

    fn choose(&self) -> Option<&Replica> {
        if self.writes_in_flight.load(SeqCst) > 0 {
            return None;
        }
        let polled = self.last_poll.load(SeqCst);
        if polled == 0 || self.now().saturating_sub(polled) > nanos(self.settings.max_lag) {
            return None;
        }
        let last_write = self.last_write_done.load(SeqCst);
        let required = if last_write == 0 {
            0
        } else {
            // The oldest position read after the last write returned.
            let samples = self.samples.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            samples.iter().rev().take_while(|sample| sample.sent >= last_write).last()?.lsn
        };
        let count = self.replicas.len();
        let first = self.next.fetch_add(1, SeqCst);
        (0..count)
            .map(|i| &self.replicas[(first + i) % count])
            .find(|replica| replica.usable.load(SeqCst) && replica.replayed.load(SeqCst) >= required)
    }

    pub(crate) fn served(&self) {
        self.replica_reads.fetch_add(1, SeqCst);
    }

    /// A read on `replica` failed: the primary answers it, and the replica waits for its next
    /// good poll.
    pub(crate) fn failed(&self, replica: &Replica, err: &sqlx::Error) {
        self.replica_failures.fetch_add(1, SeqCst);
        self.primary_reads.fetch_add(1, SeqCst);
        if replica.usable.swap(false, SeqCst) {
            tracing::warn!(replica = %replica.name, error = %err, "read replica failed; reading from the primary");
        }
    }

    pub(crate) fn routes(&self) -> ReadRoutes {
        ReadRoutes {
            replica: self.replica_reads.load(SeqCst),
            primary: self.primary_reads.load(SeqCst),
            replica_failures: self.replica_failures.load(SeqCst),
        }
    }

    pub(crate) async fn close(&self) {
        self.closed.store(true, SeqCst);
        for replica in &self.replicas {
            replica.pool.close().await;
        }
    }

    /// The poller runs while the storage lives (it holds only a weak reference); started by the
    /// first read, inside the caller's runtime.
    fn start_poller(self: &Arc<Self>) {
        self.poller.call_once(|| {
            let weak = Arc::downgrade(self);
            tokio::spawn(poll_forever(weak));
        });
    }

    async fn poll_once(&self) {
        let sent = self.now();
        match primary_position(&self.primary).await {
            Ok(lsn) => {
                let mut samples = self.samples.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                samples.push_back(Sample { sent, lsn });
                let horizon = sent.saturating_sub(nanos(self.settings.max_lag + self.settings.poll * 2));
                while samples.len() > 1 && samples.front().is_some_and(|sample| sample.sent < horizon) {
                    samples.pop_front();
                }
            }
            Err(err) => tracing::debug!(error = %err, "cannot read the primary's WAL position"),
        }
        let floor = self.lag_floor();
        for replica in &self.replicas {
            let usable = match replay_position(&replica.pool).await {
                Ok(Some(lsn)) => {
                    replica.replayed.store(lsn, SeqCst);
                    floor.is_some_and(|floor| lsn >= floor)
                }
                Ok(None) => {
                    if replica.usable.load(SeqCst) {
                        tracing::warn!(replica = %replica.name, "not a standby (no replay position): not read from");
                    }
                    false
                }
                Err(err) => {
                    if replica.usable.load(SeqCst) {
                        tracing::warn!(replica = %replica.name, error = %err, "read replica unreachable");
                    }
                    false
                }
            };
            let was = replica.usable.swap(usable, SeqCst);
            if usable && !was {
                tracing::info!(replica = %replica.name, "read replica in use");
            }
        }
        self.last_poll.store(self.now() + 1, SeqCst);
    }

    /// The position a replica must have replayed to be within `max_lag`: the primary's newest
    /// sampled position that is at least that old (or the oldest one, while none is).
    fn lag_floor(&self) -> Option<u64> {
        let samples = self.samples.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let cutoff = self.now().saturating_sub(nanos(self.settings.max_lag));
        samples.iter().rev().find(|sample| sample.sent <= cutoff).or(samples.front()).map(|sample| sample.lsn)
    }
}

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

async fn poll_forever(weak: Weak<Replicas>) {
    loop {
        let Some(replicas) = weak.upgrade() else { return };
        if replicas.closed.load(SeqCst) {
            return;
        }
        replicas.poll_once().await;
        let pause = replicas.settings.poll;
        drop(replicas);
        tokio::time::sleep(pause).await;
    }
}

/// Bytes of WAL the primary has inserted: past every commit that has returned.
async fn primary_position(pool: &ConnectionPool) -> Result<u64, sqlx::Error> {
    let mut lease = pool.acquire().await?;
    let result = sqlx::query_scalar!(r#"SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint AS "lsn!""#)
        .fetch_one(&mut *lease)
        .await;
    lease.settle(&result);
    Ok(u64::try_from(result?).unwrap_or(0))
}

/// Bytes of WAL the standby has replayed; `None` when it is not a standby.
async fn replay_position(pool: &ConnectionPool) -> Result<Option<u64>, sqlx::Error> {
    let mut lease = pool.acquire().await?;
    let result = sqlx::query_scalar!(r#"SELECT (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint AS "lsn""#)
        .fetch_one(&mut *lease)
        .await;
    lease.settle(&result);
    Ok(result?.map(|lsn| u64::try_from(lsn).unwrap_or(0)))
}
