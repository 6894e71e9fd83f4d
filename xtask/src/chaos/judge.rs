//! What the load's answers must show around each fault.

use std::time::{Duration, Instant};

use super::load::{Answer, Record};
use crate::command::Result;

/// The longest a 503 may take once an outage is known; and the 99th percentile's bound.
const MAX_UNAVAILABLE: Duration = Duration::from_secs(1);
const P99_UNAVAILABLE: Duration = Duration::from_millis(100);
/// The longest from a recovery to the first success.
const MAX_FIRST_SUCCESS: Duration = Duration::from_secs(1);

#[derive(Debug)]
pub struct Fault {
    name: String,
    began: Instant,
    /// When the failed part was back: the database accepting connections again, or the
    /// restarted manager answering its health check.
    recovered: Instant,
    /// Whether the manager itself was down (clients get no answer then, not a 503).
    manager_down: bool,
}

impl Fault {
    pub fn database(name: impl Into<String>, began: Instant, recovered: Instant) -> Self {
        Fault { name: name.into(), began, recovered, manager_down: false }
    }

    pub fn manager(name: impl Into<String>, began: Instant, recovered: Instant) -> Self {
        Fault { name: name.into(), began, recovered, manager_down: true }
    }
}

#[derive(Debug)]
pub struct Verdict {
    pub acknowledged_writes: usize,
    pub unavailable_after_detection: usize,
    pub p99_unavailable: Duration,
    pub max_unavailable: Duration,
    pub max_first_success: Duration,
}

pub fn judge(records: &[Record], faults: &[Fault]) -> Result<Verdict> {
    let mut problems = Vec::new();
    for record in records {
        match record.answer {
            Answer::Status(200) if !record.write && !record.read_matches => {
                problems.push(format!("a read of acknowledged token {} answered another body", record.uid))
            }
            Answer::Status(200 | 201 | 503) => {}
            Answer::Status(status) => problems.push(format!(
                "{} of {} answered {status}",
                if record.write { "a write" } else { "a read" },
                record.uid
            )),
            Answer::NoAnswer => {
                let during_manager_restart = faults.iter().any(|fault| {
                    fault.manager_down
                        && record.ended() >= fault.began
                        && record.started <= fault.recovered + MAX_FIRST_SUCCESS
                });
                if !during_manager_restart {
                    problems.push(format!("a request for {} got no answer while the manager ran", record.uid));
                }
            }
        }
    }
    let mut after_detection = Vec::new();
    let mut max_first_success = Duration::ZERO;
    for fault in faults {
        if !fault.manager_down {
            // The outage is known from its first 503 on; until the recovery, every answer is fast.
            let detected = records
                .iter()
                .filter(|record| record.answer == Answer::Status(503) && record.ended() >= fault.began)
                .map(Record::ended)
                .min();
            if let Some(detected) = detected.filter(|detected| *detected < fault.recovered) {
                after_detection.extend(
                    records
                        .iter()
                        .filter(|record| record.started >= detected && record.ended() <= fault.recovered)
                        .filter(|record| record.answer == Answer::Status(503))
                        .map(|record| record.latency),
                );
            }
        }
        let first_success = records
            .iter()
            .filter(|record| matches!(record.answer, Answer::Status(200 | 201)) && record.ended() >= fault.recovered)
            .map(Record::ended)
            .min();
        match first_success {
            Some(first) => {
                let waited = first - fault.recovered;
                if waited > MAX_FIRST_SUCCESS {
                    problems.push(format!("{}: first success {} ms after recovery", fault.name, waited.as_millis()));
                }
                max_first_success = max_first_success.max(waited);
            }
            None => problems.push(format!("{}: no success after recovery", fault.name)),
        }
    }
    after_detection.sort();
    let max_unavailable = after_detection.last().copied().unwrap_or_default();
    let p99_unavailable = after_detection.get(after_detection.len() * 99 / 100).copied().unwrap_or_default();
    if max_unavailable > MAX_UNAVAILABLE {
        problems.push(format!("a 503 after detection took {} ms", max_unavailable.as_millis()));
    }
    if p99_unavailable > P99_UNAVAILABLE {
        problems.push(format!("99 % of 503s after detection took up to {} ms", p99_unavailable.as_millis()));
    }
    let server_errors =
        records.iter().filter(|record| matches!(record.answer, Answer::Status(500..=502 | 504..))).count();
    if !problems.is_empty() {
        let shown: Vec<&str> = problems.iter().take(20).map(String::as_str).collect();
        return Err(format!(
            "chaos: {} problems ({server_errors} server errors), the first:\n  {}",
            problems.len(),
            shown.join("\n  ")
        ));
    }
    Ok(Verdict {
        acknowledged_writes: records
            .iter()
            .filter(|record| record.write && record.answer == Answer::Status(201))
            .count(),
        unavailable_after_detection: after_detection.len(),
        p99_unavailable,
        max_unavailable,
        max_first_success,
    })
}
