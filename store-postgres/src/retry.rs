//! Statements PostgreSQL aborted for a serialization failure or a detected deadlock had no
//! effect (each runs alone in its own implicit transaction), so they are run again, a bounded
//! number of times with a short growing pause, before the conflict is reported. With the
//! statement shapes here, writes of this store do not deadlock with each other; this covers
//! what the store cannot rule out: other sessions' locks, and an operator who raised
//! `default_transaction_isolation` to serializable.

use std::time::Duration;

use crate::error::aborted_without_effect;

/// Runs of one statement, the first included.
const ATTEMPTS: u32 = 5;
/// The pause before the second run; it doubles for each further run (1, 2, 4, 8 ms).
const FIRST_PAUSE: Duration = Duration::from_millis(1);

/// Runs `statement` (which builds and runs the statement afresh each time) until it succeeds,
/// fails for another reason, or has been aborted `ATTEMPTS` times.
pub(crate) async fn retrying<T, F, Fut>(mut statement: F) -> Result<T, sqlx::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, sqlx::Error>>,
{
    let mut pause = FIRST_PAUSE;
    for _ in 1..ATTEMPTS {
        match statement().await {
            Err(err) if aborted_without_effect(&err) => {
                tokio::time::sleep(pause).await;
                pause *= 2;
            }
            result => return result,
        }
    }
    statement().await
}
