//! InnoDB rolls a deadlock victim's whole transaction back, and a lock wait timeout rolls back
//! the statement, after which the caller's transaction is dropped (so rolled back) too: either
//! way the call had no effect and is run again, a bounded number of times with a short growing
//! pause, before the conflict is reported. Concurrent upserts of a key that does not exist yet
//! can deadlock on InnoDB's insert-intention locks even at READ COMMITTED; this is what makes
//! them succeed.

use std::time::Duration;

use store_pool::RetryPolicy;

use crate::error::aborted_without_effect;

/// Eight runs of one call, pausing 1, 2, 4 … up to 50 ms between them.
const POLICY: RetryPolicy =
    RetryPolicy { attempts: 8, first_pause: Duration::from_millis(1), max_pause: Duration::from_millis(50) };

/// Runs `call` (which starts its statement or transaction afresh each time) until it succeeds,
/// fails for another reason, or has been aborted `POLICY.attempts` times.
pub(crate) async fn retrying<T, F, Fut>(call: F) -> Result<T, sqlx::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, sqlx::Error>>,
{
    store_pool::retrying(&POLICY, aborted_without_effect, call).await
}
