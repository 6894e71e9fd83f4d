//! Running a call again when the server aborted it without effect (a deadlock victim, a
//! serialization failure, a lock wait timeout): each backend says which errors those are and how
//! often to try; the loop is this one.

use std::time::Duration;

/// How often a call is run, and how long to pause between runs.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Runs of one call, the first included.
    pub attempts: u32,
    /// The pause before the second run; it doubles for each further run, up to `max_pause`.
    pub first_pause: Duration,
    pub max_pause: Duration,
}

/// Runs `call` (which starts its statement or transaction afresh each time) until it succeeds,
/// fails with an error `aborted_without_effect` does not accept, or has run `policy.attempts`
/// times.
pub async fn retrying<T, F, Fut>(
    policy: &RetryPolicy,
    aborted_without_effect: fn(&sqlx::Error) -> bool,
    mut call: F,
) -> Result<T, sqlx::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, sqlx::Error>>,
{
    let mut pause = policy.first_pause;
    for _ in 1..policy.attempts {
        match call().await {
            Err(err) if aborted_without_effect(&err) => {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(policy.max_pause);
            }
            result => return result,
        }
    }
    call().await
}
