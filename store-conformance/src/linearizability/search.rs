//! The search for a linearization (Wing & Gong, with Lowe's memo): repeatedly pick a call that
//! was invoked before every pending call returned, replay it on the reference model, and keep
//! it only if the model gives exactly what the backend returned. A state already reached with
//! the same set of calls done is not searched twice.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::record::Call;
use crate::model::{Model, Observed};

/// Why no linearization exists: the longest order of calls the model could explain, and what
/// the model answers, at that point, for each call that could have come next.
#[derive(Debug, Clone, Default)]
pub struct Stuck {
    pub explained: Vec<usize>,
    pub refused: Vec<(usize, Observed)>,
}

/// Bitsets of done calls; histories are small.
const MAX_CALLS: usize = 64;

struct Search<'a> {
    calls: &'a [Call],
    visited: HashMap<u64, Vec<Model>>,
    deepest: Stuck,
}

impl Search<'_> {
    fn first_visit(&mut self, done: u64, model: &Model) -> bool {
        let states = self.visited.entry(done).or_default();
        if states.contains(model) {
            return false;
        }
        states.push(model.clone());
        true
    }

    fn extend(&mut self, model: &Model, done: u64, order: &mut Vec<usize>) -> bool {
        let pending: Vec<usize> = (0..self.calls.len()).filter(|&i| done & (1 << i) == 0).collect();
        let Some(horizon) = pending.iter().map(|&i| self.calls[i].returned).min() else {
            return true;
        };
        let mut refused = Vec::new();
        for &i in pending.iter().filter(|&&i| self.calls[i].invoked < horizon) {
            let call = &self.calls[i];
            let mut next = model.clone();
            let expected = next.apply(&call.op);
            if expected != call.observed {
                refused.push((i, expected));
                continue;
            }
            let now_done = done | (1 << i);
            if !self.first_visit(now_done, &next) {
                continue;
            }
            order.push(i);
            if self.extend(&next, now_done, order) {
                return true;
            }
            order.pop();
        }
        if !refused.is_empty() && order.len() >= self.deepest.explained.len() {
            self.deepest = Stuck { explained: order.clone(), refused };
        }
        false
    }
}

/// An order of `calls` (indices) consistent with real time whose replay on `start` gives every
/// call's observed result, or why there is none.
pub fn linearize(start: &Model, calls: &[Call]) -> Result<Vec<usize>, Stuck> {
    assert!(calls.len() <= MAX_CALLS, "histories of more than {MAX_CALLS} calls are not supported");
    let mut search = Search { calls, visited: HashMap::new(), deepest: Stuck::default() };
    let mut order = Vec::with_capacity(calls.len());
    if search.extend(start, 0, &mut order) { Ok(order) } else { Err(search.deepest) }
}

/// The history as a table (one line per call, in invocation order) and where the search got
/// stuck.
pub fn describe(calls: &[Call], stuck: &Stuck) -> String {
    let mut text = String::new();
    for (i, call) in calls.iter().enumerate() {
        let by = call.task.map_or_else(|| "setup ".to_owned(), |task| format!("task {task}"));
        let _ = writeln!(
            text,
            "  #{i} {by} [{:>3}, {:>3}] {:?}\n      returned {:?}",
            call.invoked, call.returned, call.op, call.observed
        );
    }
    let explained: Vec<String> = stuck.explained.iter().map(|i| format!("#{i}")).collect();
    let _ = writeln!(text, "longest order the model explains: [{}]; after it:", explained.join(", "));
    for (i, expected) in &stuck.refused {
        let _ = writeln!(text, "  #{i} returned {:?}, the model says {expected:?}", calls[*i].observed);
    }
    text
}

#[cfg(test)]
mod tests {
    use store_core::ChargeStationSettings;

    use super::*;
    use crate::model::Op;

    fn call(op: Op, observed: Observed, invoked: u64, returned: u64) -> Call {
        Call { task: Some(0), op, observed, invoked, returned }
    }

    fn merge(cs: &str) -> Op {
        let settings = ChargeStationSettings { charge_station_id: cs.to_owned(), settings: Default::default() };
        Op::UpdateSettings { cs: cs.to_owned(), settings }
    }

    fn lookup(cs: &str) -> Op {
        Op::LookupSettings { cs: cs.to_owned() }
    }

    fn found(cs: &str) -> Observed {
        Observed::Settings(Some(ChargeStationSettings {
            charge_station_id: cs.to_owned(),
            settings: Default::default(),
        }))
    }

    #[test]
    fn an_overlapping_read_may_see_the_write_or_not() {
        for seen in [Observed::Settings(None), found("a")] {
            let calls = [call(merge("a"), Observed::Done, 0, 3), call(lookup("a"), seen, 1, 2)];
            assert!(linearize(&Model::default(), &calls).is_ok());
        }
    }

    #[test]
    fn a_read_after_a_completed_write_must_see_it() {
        let calls = [call(merge("a"), Observed::Done, 0, 1), call(lookup("a"), Observed::Settings(None), 2, 3)];
        let stuck = linearize(&Model::default(), &calls).unwrap_err();
        assert_eq!(stuck.explained, vec![0]);
        assert_eq!(stuck.refused, vec![(1, found("a"))]);
    }

    #[test]
    fn reads_cannot_see_two_writes_in_opposite_orders() {
        // Two readers each see one write and not the other: no single order explains both.
        let calls = [
            call(merge("a"), Observed::Done, 0, 9),
            call(merge("b"), Observed::Done, 1, 9),
            call(lookup("a"), found("a"), 2, 3),
            call(lookup("b"), Observed::Settings(None), 4, 5),
            call(lookup("b"), found("b"), 2, 3),
            call(lookup("a"), Observed::Settings(None), 4, 5),
        ];
        assert!(linearize(&Model::default(), &calls).is_err());
    }

    #[test]
    fn an_error_the_model_would_not_give_is_not_linearizable() {
        let calls = [call(merge("a"), Observed::Failed(store_core::ErrorKind::Backend), 0, 1)];
        assert!(linearize(&Model::default(), &calls).is_err());
    }
}
