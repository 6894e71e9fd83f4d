//! Statements PostgreSQL aborted for a serialization failure or a detected deadlock had no
//! effect (each runs alone in its own implicit transaction), so they are run again, a bounded
//! number of times with a short growing pause, before the conflict is reported. With the
//! statement shapes here, writes of this store do not deadlock with each other; this covers
//! what the store cannot rule out: other sessions' locks, and an operator who raised
//! `default_transaction_isolation` to serializable.

use std::time::Duration;

use store_pool::RetryPolicy;

use crate::error::aborted_without_effect;

/// Five runs of one statement, pausing 1, 2, 4 and 8 ms between them.
const POLICY: RetryPolicy =
    RetryPolicy { attempts: 5, first_pause: Duration::from_millis(1), max_pause: Duration::from_millis(8) };

/// Runs `statement` (which builds and runs the statement afresh each time) until it succeeds,
/// fails for another reason, or has been aborted `POLICY.attempts` times.
pub(crate) async fn retrying<T, F, Fut>(statement: F) -> Result<T, sqlx::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, sqlx::Error>>,
{
    store_pool::retrying(&POLICY, aborted_without_effect, statement).await
}
