//! InnoDB rolls a deadlock victim's whole transaction back, and a lock wait timeout rolls back
//! the statement, after which the caller's transaction is dropped (so rolled back) too: either
//! way the call had no effect and is run again, a bounded number of times with a short growing
//! pause, before the conflict is reported. Concurrent upserts of a key that does not exist yet
//! can deadlock on InnoDB's insert-intention locks even at READ COMMITTED; this is what makes
//! them succeed.

use std::time::Duration;

use crate::error::aborted_without_effect;

/// Runs of one call, the first included.
const ATTEMPTS: u32 = 8;
/// The pause before the second run; it doubles for each further run, up to `MAX_PAUSE`.
const FIRST_PAUSE: Duration = Duration::from_millis(1);
const MAX_PAUSE: Duration = Duration::from_millis(50);

/// Runs `call` (which starts its statement or transaction afresh each time) until it succeeds,
/// fails for another reason, or has been aborted `ATTEMPTS` times.
pub(crate) async fn retrying<T, F, Fut>(mut call: F) -> Result<T, sqlx::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, sqlx::Error>>,
{
    let mut pause = FIRST_PAUSE;
    for _ in 1..ATTEMPTS {
        match call().await {
            Err(err) if aborted_without_effect(&err) => {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(MAX_PAUSE);
            }
            result => return result,
        }
    }
    call().await
}
