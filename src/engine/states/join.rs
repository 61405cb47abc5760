//! How a Parallel or Map state waits for its branches or iterations, and what happens when
//! one of them ends.

use crate::engine::errors::{names, Failure};
use crate::engine::execution::{Blocked, Execution, FiberId};
use crate::engine::history::{Details, Field};
use crate::value::measure::Size;
use crate::value::{Value, MAX_DEPTH};

pub(crate) struct Join {
    pub is_map: bool,
    pub distributed: bool,
    pub results: Vec<Option<Value>>,
    /// Children still running, by index (ordered, so aborts are recorded in item order).
    pub running: Running,
    pub remaining: usize,
    /// Map: the next item to start, the items, and how many may run at once (0: no limit).
    pub next_index: usize,
    pub items: Vec<Value>,
    pub max_concurrency: usize,
    /// Map: tolerated failed items as (count, percentage), and how many failed so far.
    pub tolerance: Option<(Option<u64>, Option<f64>)>,
    pub failures: u64,
    /// The sizes of the results so far (`None` if one could not be measured): the result
    /// array's size follows from them, so that array is not walked again when it is checked.
    pub measured: Option<Measured>,
    /// Map: `items` are batches, each a child's whole input (see `batch.rs`).
    pub batched: bool,
    /// A Distributed Map's Map Run ARN, and with a `ResultWriter` what it keeps of each child
    /// (see `writer.rs`).
    pub map_run_arn: Option<std::rc::Rc<str>>,
    pub log: Option<Box<super::writer::RunLog>>,
}

#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Measured {
    pub results: usize,
    pub chars: usize,
    pub depth: usize,
}

impl Measured {
    /// Counts one result in; `None` when it could not be measured.
    fn add(m: Option<Measured>, size: Option<Size>) -> Option<Measured> {
        let (m, size) = (m?, size?);
        Some(Measured { results: m.results + 1, chars: m.chars + size.chars, depth: m.depth.max(size.depth) })
    }

    /// The size of the array of `n` results, unset ones being `null`.
    fn of_array(self, n: usize) -> Size {
        let nulls = n.saturating_sub(self.results);
        Size { chars: 2 + n.saturating_sub(1) + self.chars + 4 * nulls, depth: 1 + self.depth }
    }
}

/// The children of a join still running, by branch or item index. Indexes are dense (0..n)
/// and every iteration of a Map comes and goes through here, so a slot per index beats an
/// ordered map; walking them in index order is only needed when the join is cut short.
#[derive(Default)]
pub(crate) struct Running {
    slots: Vec<Option<FiberId>>,
    count: usize,
}

impl Running {
    pub fn insert(&mut self, index: usize, child: FiberId) {
        if self.slots.len() <= index {
            self.slots.resize(index + 1, None);
        }
        if self.slots[index].replace(child).is_none() {
            self.count += 1;
        }
    }

    pub fn remove(&mut self, index: usize) {
        if let Some(slot) = self.slots.get_mut(index) {
            if slot.take().is_some() {
                self.count -= 1;
            }
        }
    }

    pub fn len(&self) -> usize {
        self.count
    }

    /// (index, child) in index order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, FiberId)> + '_ {
        self.slots.iter().enumerate().filter_map(|(i, c)| c.map(|c| (i, c)))
    }
}

impl Join {
    /// A child is done, with `output` (of `size`, when measured): it no longer runs, and its
    /// slot holds the output.
    fn settle(&mut self, index: usize, output: Value, size: Option<Size>) {
        self.running.remove(index);
        if let Some(slot) = self.results.get_mut(index) {
            self.measured = if slot.is_none() { Measured::add(self.measured, size) } else { None };
            *slot = Some(output);
        }
        self.remaining -= 1;
    }

    /// Whether one more failed item stays within the tolerated failures.
    fn tolerates_one_more(&self) -> bool {
        let Some((count, percentage)) = self.tolerance else { return false };
        let failed = self.failures + 1;
        let total = self.results.len().max(1) as f64;
        count.is_some_and(|c| failed <= c) || percentage.is_some_and(|p| failed as f64 * 100.0 / total <= p)
    }
}

impl Execution {
    /// The event ids AWS records around a finished iteration: its MapIterationSucceeded (or
    /// Failed) follows the iteration's last event, and so does what comes next (the next
    /// iteration's start, the Map's retry or failure), not the MapIteration event itself.
    /// `in_task`: it failed in a Task state, which AWS then records as aborted.
    fn iteration_done(&mut self, parent: FiberId, kind: &'static str, index: usize, child_last: u32, done: bool, in_task: bool) {
        self.set_last_event(parent, child_last);
        let state = self.fiber(parent).state.clone();
        self.fiber_event_details(parent, kind, Details::MapIteration { index: index as u32, state });
        if in_task {
            self.event(child_last, "TaskStateAborted", None);
        }
        if !done {
            self.set_last_event(parent, child_last);
        }
    }

    fn set_last_event(&mut self, fid: FiberId, id: u32) {
        if let Some(f) = self.fibers[fid].as_mut() {
            f.last_event = id;
        }
    }

    pub(crate) fn child_succeeded(&mut self, parent: FiberId, index: usize, output: Value, child_last: u32) {
        // The child's output was measured as it left its last state: remembered, not walked.
        let size = self.measurer.measure(&output, MAX_DEPTH);
        let now = self.now;
        let Some(join) = self.fibers[parent].as_mut().and_then(|f| f.join.as_mut()) else { return };
        if let Some(log) = join.log.as_mut() {
            log.stopped(index, now, false);
        }
        join.settle(index, output, size);
        let (is_map, distributed, done) = (join.is_map, join.distributed, join.remaining == 0);
        if is_map && !distributed {
            self.iteration_done(parent, "MapIterationSucceeded", index, child_last, done, false);
        }
        if is_map {
            self.start_map_iterations(parent);
        }
        if done {
            self.join_finished(parent);
        }
    }

    pub(crate) fn join_finished(&mut self, parent: FiberId) {
        let Some(mut join) = self.fibers[parent].as_mut().and_then(|f| f.join.take()) else { return };
        if let Some(log) = join.log.take() {
            let state = self.fiber(parent).state.clone();
            if let crate::definition::model::StateKind::Map(m) = &state.kind {
                if let Some(writer) = &m.result_writer {
                    let names = self.run_names(&state.name, m, join.map_run_arn.as_ref());
                    let results = join.results.into_iter().map(|r| r.unwrap_or(Value::Null)).collect();
                    return self.finish_with_writer(parent, writer, names, *log, results);
                }
            }
        }
        let n = join.results.len();
        let results = Value::array(join.results.into_iter().map(|r| r.unwrap_or(Value::Null)).collect());
        if let Some(m) = join.measured {
            self.measurer.note(&results, m.of_array(n));
        }
        if join.is_map {
            if join.distributed {
                self.fiber_event(parent, "MapRunSucceeded", None);
            }
            // MapStateExited follows the same event as MapStateSucceeded, as AWS records it.
            let before = self.fiber(parent).last_event;
            self.fiber_event(parent, "MapStateSucceeded", None);
            self.set_last_event(parent, before);
        } else {
            self.fiber_event(parent, "ParallelStateSucceeded", None);
        }
        self.block(parent, Blocked::No);
        self.finish_with_result(parent, results, true);
        self.requeue(parent);
    }

    /// A child ended with a failure nothing in it caught. `in_task`: it failed in a Task
    /// state, which a Map records as aborted after the iteration's failure.
    pub(crate) fn child_failed(&mut self, parent: FiberId, index: usize, failure: Failure, child_last: u32, in_task: bool) {
        // A failed item within the tolerated threshold counts as done; its slot holds the error.
        if let Some(join) = self.fibers[parent].as_mut().and_then(|f| f.join.as_mut()) {
            if join.tolerates_one_more() {
                join.failures += 1;
                if let Some(log) = join.log.as_mut() {
                    log.stopped(index, self.now, true);
                }
                let error_output = failure.error_output();
                let size = self.measurer.measure(&error_output, MAX_DEPTH);
                join.settle(index, error_output, size);
                let (distributed, done) = (join.distributed, join.remaining == 0);
                if !distributed {
                    self.iteration_done(parent, "MapIterationFailed", index, child_last, done, in_task);
                }
                self.start_map_iterations(parent);
                if done {
                    self.join_finished(parent);
                }
                return;
            }
        }
        let Some(join) = self.fibers[parent].as_mut().and_then(|f| f.join.take()) else { return };
        // A Map Run with a ResultWriter writes what it has before it fails (see writer.rs).
        let child_error = join.log.is_some().then(|| failure.error_output());
        let failure = threshold_failure(&join, failure);
        let state = self.fiber(parent).state.clone();
        // What the failure brings about (MapIterationFailed, then the Map's or Parallel's
        // failure or retry) follows the failed child's last event, as AWS records it.
        if join.is_map && !join.distributed {
            self.iteration_done(parent, "MapIterationFailed", index, child_last, false, in_task);
        } else if !join.distributed {
            self.set_last_event(parent, child_last);
        }
        for (i, child) in join.running.iter() {
            if i == index {
                continue;
            }
            // A Task state a stopped branch or iteration was in is recorded as aborted: in a
            // Map, after its MapIterationAborted, as AWS records it.
            let in_task = self.fibers[child].as_ref().is_some_and(|f| matches!(f.blocked, Blocked::Task(_)));
            if join.is_map && !join.distributed {
                self.fiber_event_details(parent, "MapIterationAborted", Details::MapIteration { index: i as u32, state: state.clone() });
            }
            if in_task {
                self.fiber_event(child, "TaskStateAborted", None);
            }
            self.abort_fiber_tree(child);
        }
        // A state about to be retried is not recorded as failed.
        let retrying = self.will_retry(parent, &failure);
        if let Some(child_error) = child_error.filter(|_| !retrying) {
            // The join's log is only there for a Map with a ResultWriter.
            if self.export_failed_run(parent, *join, index, child_error, failure.clone()) {
                return;
            }
            self.map_run_failed(parent, failure);
            return;
        }
        if retrying {
        } else if join.is_map {
            if join.distributed {
                let mut fields = vec![("error", Field::Text(failure.error.clone()))];
                if let Some(c) = &failure.cause {
                    fields.insert(0, ("cause", Field::Text(c.clone())));
                }
                self.fiber_event(parent, "MapRunFailed", Some(("mapRunFailedEventDetails", fields)));
            }
            self.fiber_event(parent, "MapStateFailed", None);
        } else {
            self.fiber_event(parent, "ParallelStateFailed", None);
        }
        self.block(parent, Blocked::No);
        self.fail_state(parent, failure);
        self.requeue(parent);
    }

    /// Stops everything a fiber started (its join's running children, and theirs).
    pub(crate) fn abort_children_of(&mut self, fid: FiberId) {
        let children: Vec<FiberId> = self.fibers[fid].as_ref().and_then(|f| f.join.as_ref()).map(|j| j.running.iter().map(|(_, c)| c).collect()).unwrap_or_default();
        for c in children {
            self.abort_fiber_tree(c);
        }
    }

    /// Stops a fiber and everything it started.
    pub(crate) fn abort_fiber_tree(&mut self, fid: FiberId) {
        self.abort_children_of(fid);
        self.cancel_tasks_of(fid);
        self.fibers[fid] = None;
    }
}

/// The cause AWS gives `States.ExceedToleratedFailureThreshold`.
pub(crate) const THRESHOLD_CAUSE: &str = "The specified tolerated failure threshold was exceeded";

/// What a Map fails with when one more item fails than it tolerates. A Distributed Map counts
/// its failed child executions against its tolerated failures (none when it names no
/// `ToleratedFailureCount` or `ToleratedFailurePercentage`) and, once they are exceeded, fails
/// with `States.ExceedToleratedFailureThreshold`, not with the item's own error: AWS's error
/// handling guide names that error for "a Map state failed because the number of failed items
/// exceeded the threshold", and so does TestState (`test_state.rs`). A Map that declares a
/// tolerance does the same in either mode. An inline Map without one fails with the failed
/// iteration's own error, as a Parallel does with its branch's.
fn threshold_failure(join: &Join, failure: Failure) -> Failure {
    if join.is_map && (join.distributed || join.tolerance.is_some()) {
        Failure::with_cause(names::EXCEED_TOLERATED_FAILURE_THRESHOLD, THRESHOLD_CAUSE)
    } else {
        failure
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::measure::Measurer;

    #[test]
    fn running_children_are_counted_and_walked_in_index_order() {
        let mut r = Running::default();
        for (i, c) in [(3, 30), (0, 10), (7, 70)] {
            r.insert(i, c);
        }
        r.insert(3, 31);
        assert_eq!(r.len(), 3);
        r.remove(0);
        r.remove(0);
        r.remove(99);
        assert_eq!(r.len(), 2);
        assert_eq!(r.iter().collect::<Vec<_>>(), [(3, 31), (7, 70)]);
    }

    #[test]
    fn the_result_array_size_follows_from_the_results() {
        let m = Measurer::new();
        let results = [Some(crate::value::parse(r#"{"a":[1,{"b":"\"x"}],"c":null}"#).unwrap()), None, Some(Value::int(-12)), Some(Value::from("é"))];
        let mut measured = Some(Measured::default());
        for r in results.iter().flatten() {
            measured = Measured::add(measured, m.measure(r, MAX_DEPTH));
        }
        let array = Value::array(results.iter().map(|r| r.clone().unwrap_or(Value::Null)).collect());
        assert_eq!(Some(measured.unwrap().of_array(results.len())), Measurer::new().measure(&array, MAX_DEPTH));
        assert_eq!(Some(Measured::default().of_array(0)), Measurer::new().measure(&Value::array(vec![]), MAX_DEPTH));
    }
}
