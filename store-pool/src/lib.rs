//! The connection pool of the networked SQL backends (PostgreSQL, MariaDB/MySQL): deadpool's
//! managed pool over sqlx connections, opened by a backend's [`Connect`]. sqlx's own pool pings
//! every connection as it comes back from a call (one extra round trip per store call, which
//! nothing can turn off); deadpool does no I/O on return and asks its manager whether a
//! connection may be handed out again when it is next taken, where this one checks only what it
//! must:
//!
//! - a connection whose call did not finish cleanly (its future was dropped mid-flight, or it
//!   failed with an I/O, protocol or connection-fatal error) is never returned: [`Lease`] takes
//!   it out of the pool and drops it, and the server rolls back whatever it was doing;
//! - a connection past `max_lifetime` is dropped when next taken;
//! - a connection idle for `liveness_check_after` or more is pinged before it is handed out, and
//!   so is every connection last handed out before some connection was found dead (a server
//!   restart or `pg_terminate_backend` kills them all at once: one call fails, not one per
//!   connection);
//! - a background reaper closes connections idle past `idle_timeout` (keeping `min_size`) and
//!   opens connections up to `min_size`.
//!
//! Why deadpool rather than bb8: both return connections without I/O, but deadpool's manager
//! sees each connection's age and time since it was last taken (`Metrics`) when it recycles it,
//! which is exactly what the idle-only liveness check needs, and `Object::take` removes a
//! connection from the pool in `Drop` without a runtime. bb8 checks every connection on checkout
//! (`test_on_check_out`) or none, and knows no per-connection idle time there.

mod retry;

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use deadpool::managed::{self, Metrics, Object, PoolError, QueueMode, RecycleError, RecycleResult};
use sqlx::Connection;

pub use retry::{RetryPolicy, retrying};

/// How a backend opens connections and judges a failed call.
pub trait Connect: Send + Sync + 'static {
    type Connection: Connection;

    /// Opens one connection, set up for store calls.
    fn connect(&self) -> impl Future<Output = Result<Self::Connection, sqlx::Error>> + Send;

    /// Whether the connection a call failed on may serve the next call: the server answered
    /// with an ordinary error and is ready for more (I/O and protocol failures, and errors that
    /// end the session, leave it dead or mid-protocol).
    fn leaves_connection_usable(err: &sqlx::Error) -> bool;
}

/// What the pool needs to know, from a backend's configuration.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub max_size: usize,
    pub min_size: usize,
    pub acquire_timeout: Duration,
    pub idle_timeout: Option<Duration>,
    pub max_lifetime: Option<Duration>,
    pub liveness_check_after: Duration,
}

/// A pool of connections to one database. Cloning shares the pool.
pub struct ConnectionPool<C: Connect> {
    pool: managed::Pool<Connector<C>>,
    settings: std::sync::Arc<PoolSettings>,
    reaper_started: std::sync::Arc<AtomicBool>,
}

impl<C: Connect> Clone for ConnectionPool<C> {
    fn clone(&self) -> Self {
        ConnectionPool {
            pool: self.pool.clone(),
            settings: self.settings.clone(),
            reaper_started: self.reaper_started.clone(),
        }
    }
}

impl<C: Connect> std::fmt::Debug for ConnectionPool<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionPool").field("status", &self.status()).field("settings", &self.settings).finish()
    }
}

/// How many connections the pool holds and how many calls wait for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    /// Open connections, in use or idle.
    pub size: usize,
    /// Open connections no call holds.
    pub idle: usize,
    /// Calls waiting for a connection.
    pub waiting: usize,
    pub max_size: usize,
}

impl<C: Connect> ConnectionPool<C> {
    /// A pool that opens connections with `connect` when calls need them.
    pub fn new(connect: C, settings: PoolSettings) -> Self {
        let connector = Connector {
            connect,
            max_lifetime: settings.max_lifetime,
            liveness_check_after: settings.liveness_check_after,
            last_dead_connection: Mutex::new(None),
        };
        let pool = managed::Pool::builder(connector)
            .max_size(settings.max_size)
            // The most recently used connection first: a busy pool keeps reusing a warm set,
            // and the rest go idle long enough for the reaper to close them.
            .queue_mode(QueueMode::Lifo)
            .build()
            .expect("a pool without timeouts needs no runtime to build");
        ConnectionPool {
            pool,
            settings: std::sync::Arc::new(settings),
            reaper_started: std::sync::Arc::new(AtomicBool::new(false)),
        }
    }

    /// A connection, within the acquire timeout. The lease returns it to the pool when it is
    /// dropped after [`Lease::settle`]; dropped unsettled, it discards it.
    pub async fn acquire(&self) -> Result<Lease<C>, sqlx::Error> {
        self.start_reaper();
        match tokio::time::timeout(self.settings.acquire_timeout, self.pool.get()).await {
            Ok(Ok(object)) => Ok(Lease { object: Some(object), settled: false }),
            Ok(Err(PoolError::Backend(err))) => Err(err),
            Ok(Err(PoolError::Closed)) => Err(sqlx::Error::PoolClosed),
            Ok(Err(PoolError::Timeout(_))) | Err(_) => Err(sqlx::Error::PoolTimedOut),
            Ok(Err(err @ (PoolError::NoRuntimeSpecified | PoolError::PostCreateHook(_)))) => {
                Err(sqlx::Error::Configuration(err.to_string().into()))
            }
        }
    }

    pub fn status(&self) -> PoolStatus {
        let status = self.pool.status();
        PoolStatus { size: status.size, idle: status.available, waiting: status.waiting, max_size: status.max_size }
    }

    /// Closes idle connections at once (telling the server, so it logs no lost client) and
    /// every other one when its call ends; calls after this fail as unavailable.
    pub async fn close(&self) {
        let idle = self.pool.retain(|_, _| false).removed;
        self.pool.close();
        for connection in idle {
            let _ = connection.close().await;
        }
    }

    fn start_reaper(&self) {
        if self.reaper_started.swap(true, Ordering::Relaxed) {
            return;
        }
        let pool = self.pool.weak();
        let settings = self.settings.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(settings.reaper_interval());
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                let Some(pool) = pool.upgrade().filter(|pool| !pool.is_closed()) else { return };
                reap(&pool, &settings).await;
            }
        });
    }
}

impl PoolSettings {
    /// Often enough that no connection outlives its idle timeout or lifetime by more than half.
    fn reaper_interval(&self) -> Duration {
        let shortest = [self.idle_timeout, self.max_lifetime].into_iter().flatten().min();
        shortest
            .map_or(Duration::from_secs(1), |shortest| shortest / 2)
            .clamp(Duration::from_millis(10), Duration::from_secs(1))
    }
}

/// Closes idle connections past the idle timeout or their lifetime (keeping `min_size` open),
/// then opens connections up to `min_size`.
async fn reap<C: Connect>(pool: &managed::Pool<Connector<C>>, settings: &PoolSettings) {
    let mut open = pool.status().size;
    let expired = pool
        .retain(|_, metrics| {
            let too_old = settings.max_lifetime.is_some_and(|max| metrics.age() >= max);
            let idle_too_long = settings.idle_timeout.is_some_and(|idle| metrics.last_used() >= idle);
            let expired = too_old || (idle_too_long && open > settings.min_size);
            if expired {
                open -= 1;
            }
            !expired
        })
        .removed;
    for connection in expired {
        let _ = connection.close().await;
    }
    // Connections taken here are held until the pool is big enough, so that each take opens a
    // new one once the idle ones are taken; they return to the pool when dropped.
    let mut held = Vec::new();
    while pool.status().size < settings.min_size && held.len() < settings.max_size {
        match tokio::time::timeout(settings.acquire_timeout, pool.get()).await {
            Ok(Ok(object)) => held.push(object),
            // The database is unreachable or the pool is busy: try again next time.
            _ => break,
        }
    }
}

/// Opens connections and decides whether one may be handed out again.
struct Connector<C> {
    connect: C,
    max_lifetime: Option<Duration>,
    liveness_check_after: Duration,
    /// When a call last found its connection dead.
    last_dead_connection: Mutex<Option<Instant>>,
}

impl<C> Connector<C> {
    fn connection_died(&self) {
        *self.last_dead_connection.lock().expect("not poisoned") = Some(Instant::now());
    }

    /// Whether some connection died after this one was last handed out (or opened).
    fn maybe_dead(&self, metrics: &Metrics) -> bool {
        let last_taken = metrics.recycled.unwrap_or(metrics.created);
        self.last_dead_connection.lock().expect("not poisoned").is_some_and(|died| died >= last_taken)
    }
}

impl<C: Connect> managed::Manager for Connector<C> {
    type Type = C::Connection;
    type Error = sqlx::Error;

    async fn create(&self) -> Result<C::Connection, sqlx::Error> {
        self.connect.connect().await
    }

    async fn recycle(&self, connection: &mut C::Connection, metrics: &Metrics) -> RecycleResult<sqlx::Error> {
        if self.max_lifetime.is_some_and(|max| metrics.age() >= max) {
            return Err(RecycleError::message("past its max_lifetime"));
        }
        if metrics.last_used() >= self.liveness_check_after || self.maybe_dead(metrics) {
            connection.ping().await?;
        }
        Ok(())
    }
}

/// A connection taken from the pool for one store call. Settled with the call's result, it goes
/// back to the pool on drop if that result leaves it usable; dropped unsettled (the call's
/// future was dropped), it is discarded: it may be in the middle of the protocol.
pub struct Lease<C: Connect> {
    object: Option<Object<Connector<C>>>,
    settled: bool,
}

impl<C: Connect> std::fmt::Debug for Lease<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lease").field("settled", &self.settled).finish_non_exhaustive()
    }
}

impl<C: Connect> Lease<C> {
    /// Records how the call on this connection ended: it goes back to the pool if the result
    /// leaves it usable. A connection found dead makes the pool check the others.
    pub fn settle<T>(&mut self, result: &Result<T, sqlx::Error>) {
        match result {
            Err(err) if !C::leaves_connection_usable(err) => {
                if let Some(pool) = self.object.as_ref().and_then(Object::pool) {
                    pool.manager().connection_died();
                }
            }
            _ => self.keep(),
        }
    }

    /// The connection goes back to the pool on drop: its call ended cleanly.
    pub fn keep(&mut self) {
        self.settled = true;
    }
}

impl<C: Connect> std::ops::Deref for Lease<C> {
    type Target = C::Connection;

    fn deref(&self) -> &C::Connection {
        self.object.as_ref().expect("held until drop")
    }
}

impl<C: Connect> std::ops::DerefMut for Lease<C> {
    fn deref_mut(&mut self) -> &mut C::Connection {
        self.object.as_mut().expect("held until drop")
    }
}

impl<C: Connect> Drop for Lease<C> {
    fn drop(&mut self) {
        if let Some(object) = self.object.take()
            && !self.settled
        {
            // Out of the pool (its slot freed at once); dropping the connection closes the
            // socket, and the server rolls back what it was doing.
            drop(Object::take(object));
        }
    }
}
