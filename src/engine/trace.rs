//! Per-state data-flow traces: for each state visit, the value after every stage AWS has
//! (input, InputPath, Parameters/Arguments, result, ResultSelector, ResultPath, output), the
//! variables it assigned, its error and where it went. The playground's inspector shows them
//! (JS: `execution.inspect`, see [`StateTrace::inspection`]) and `testState` answers with them.
//! Recorded only when asked for: it keeps every stage's value alive (shared, not copied).
//! Visits of a distributed Map's iterations are not traced: they have no events in this history.

use super::errors::Failure;
use super::execution::{Execution, FiberId};
use crate::definition::model::{State, StateKind};
use crate::definition::QueryLanguage;
use crate::value::Value;
use std::rc::Rc;

#[derive(Clone, Debug, Default)]
pub struct StateTrace {
    pub state: Rc<str>,
    /// The id of the state's entered event.
    pub entered_event: u32,
    pub input: Value,
    pub after_input_path: Option<Value>,
    /// After Parameters (JSONPath) or Arguments (JSONata): the task's or branches' input.
    pub after_parameters: Option<Value>,
    pub result: Option<Value>,
    pub after_result_selector: Option<Value>,
    pub after_result_path: Option<Value>,
    pub output: Option<Value>,
    pub assigned: Option<Vec<(Rc<str>, Value)>>,
    /// Every error the state met (one per failed attempt).
    pub errors: Vec<Failure>,
    /// Retries taken.
    pub retries: u32,
    /// The index of the Catch clause that matched, if one did.
    pub caught_by: Option<usize>,
    /// The Retry rule that matched the last error, if one did (retrying, or with no attempt
    /// left), and the backoff it waits before the next attempt (`IntervalSeconds` ×
    /// `BackoffRate`^retries, before `MaxDelaySeconds` and jitter) when it retries.
    pub retried_by: Option<usize>,
    pub retry_backoff_seconds: Option<f64>,
    pub next: Option<Rc<str>>,
    /// The state visited (its query language and kind say what the stages mean).
    pub definition: Option<Rc<State>>,
}

/// Which stage a recorded value belongs to.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Stage {
    AfterInputPath,
    AfterParameters,
    Result,
    AfterResultSelector,
    AfterResultPath,
    Output,
}

impl Execution {
    /// Traces recorded so far (empty unless `ExecutionOptions::trace` is set).
    pub fn traces(&self) -> &[StateTrace] {
        &self.traces
    }

    /// The trace of the visit whose state-entered event has this id. Traces are recorded in
    /// the order of those events (a visit's trace starts with its entered event).
    pub fn trace_of_visit(&self, entered_event: u32) -> Option<&StateTrace> {
        let i = self.traces.binary_search_by_key(&entered_event, |t| t.entered_event).ok()?;
        self.traces.get(i)
    }

    /// Most runs do not trace: the check is inlined into the state code, the recording is not.
    #[inline]
    pub(crate) fn trace_enter(&mut self, fid: FiberId, entered_event: u32) {
        if self.options.trace {
            self.trace_enter_recorded(fid, entered_event);
        }
    }

    #[inline(never)]
    fn trace_enter_recorded(&mut self, fid: FiberId, entered_event: u32) {
        let f = self.fiber(fid);
        if f.silent {
            return;
        }
        let t = StateTrace { state: f.state.name.clone(), entered_event, input: f.input.clone(), definition: Some(f.state.clone()), ..StateTrace::default() };
        self.traces.push(t);
        let index = self.traces.len() - 1;
        self.fiber_mut(fid).trace = Some(index);
    }

    fn current_trace(&mut self, fid: FiberId) -> Option<&mut StateTrace> {
        if !self.options.trace {
            return None;
        }
        let i = self.fibers.get(fid)?.as_ref()?.trace?;
        self.traces.get_mut(i)
    }

    #[inline]
    pub(crate) fn trace_stage(&mut self, fid: FiberId, stage: Stage, v: &Value) {
        if self.options.trace {
            self.trace_stage_recorded(fid, stage, v);
        }
    }

    #[inline(never)]
    fn trace_stage_recorded(&mut self, fid: FiberId, stage: Stage, v: &Value) {
        if let Some(t) = self.current_trace(fid) {
            let slot = match stage {
                Stage::AfterInputPath => &mut t.after_input_path,
                Stage::AfterParameters => &mut t.after_parameters,
                Stage::Result => &mut t.result,
                Stage::AfterResultSelector => &mut t.after_result_selector,
                Stage::AfterResultPath => &mut t.after_result_path,
                Stage::Output => &mut t.output,
            };
            *slot = Some(v.clone());
        }
    }

    #[inline]
    pub(crate) fn trace_assigned(&mut self, fid: FiberId, assigned: &Option<Vec<(Rc<str>, Value)>>) {
        if self.options.trace {
            self.trace_assigned_recorded(fid, assigned);
        }
    }

    #[inline(never)]
    fn trace_assigned_recorded(&mut self, fid: FiberId, assigned: &Option<Vec<(Rc<str>, Value)>>) {
        if let (Some(t), Some(a)) = (self.current_trace(fid), assigned) {
            t.assigned = Some(a.clone());
        }
    }

    #[inline]
    pub(crate) fn trace_error(&mut self, fid: FiberId, failure: &Failure) {
        if self.options.trace {
            self.trace_error_recorded(fid, failure);
        }
    }

    #[inline(never)]
    fn trace_error_recorded(&mut self, fid: FiberId, failure: &Failure) {
        if let Some(t) = self.current_trace(fid) {
            t.errors.push(failure.clone());
        }
    }

    #[inline]
    pub(crate) fn trace_retry(&mut self, fid: FiberId) {
        if self.options.trace {
            self.trace_retry_recorded(fid);
        }
    }

    #[inline(never)]
    fn trace_retry_recorded(&mut self, fid: FiberId) {
        if let Some(t) = self.current_trace(fid) {
            t.retries += 1;
        }
    }

    #[inline]
    pub(crate) fn trace_retrier(&mut self, fid: FiberId, index: usize, backoff_seconds: Option<f64>) {
        if self.options.trace {
            self.trace_retrier_recorded(fid, index, backoff_seconds);
        }
    }

    #[inline(never)]
    fn trace_retrier_recorded(&mut self, fid: FiberId, index: usize, backoff_seconds: Option<f64>) {
        if let Some(t) = self.current_trace(fid) {
            t.retried_by = Some(index);
            t.retry_backoff_seconds = backoff_seconds;
        }
    }

    #[inline]
    pub(crate) fn trace_caught(&mut self, fid: FiberId, index: usize) {
        if self.options.trace {
            self.trace_caught_recorded(fid, index);
        }
    }

    #[inline(never)]
    fn trace_caught_recorded(&mut self, fid: FiberId, index: usize) {
        if let Some(t) = self.current_trace(fid) {
            t.caught_by = Some(index);
        }
    }

    #[inline]
    pub(crate) fn trace_next(&mut self, fid: FiberId, next: &Option<Rc<str>>) {
        if self.options.trace {
            self.trace_next_recorded(fid, next);
        }
    }

    #[inline(never)]
    fn trace_next_recorded(&mut self, fid: FiberId, next: &Option<Rc<str>>) {
        if let Some(t) = self.current_trace(fid) {
            t.next = next.clone();
        }
    }
}

impl StateTrace {
    /// The visit as `execution.inspect` answers it (`js/index.d.ts`, `StateInspection`): the
    /// recorded stages under the names of AWS TestState's `inspectionData` (a JSONata state's
    /// `afterArguments` for `afterParameters`, and no `afterInputPath`), `assignedVariables`,
    /// `errors`, `retries` and `nextState`. A JSONPath Pass without `Result` has no result of
    /// its own (the engine passes on its input or Parameters), so none is shown.
    pub fn inspection(&self) -> Value {
        let jsonata = self.definition.as_ref().is_some_and(|s| s.query_language == QueryLanguage::Jsonata);
        let pass_without_result = self.definition.as_ref().is_some_and(|s| matches!(&s.kind, StateKind::Pass(p) if p.result.is_none()));
        let mut out: Vec<(&str, Value)> = vec![("stateName", Value::String(self.state.clone())), ("input", self.input.clone())];
        let stages = [
            (if jsonata { None } else { self.after_input_path.as_ref() }, "afterInputPath"),
            (self.after_parameters.as_ref(), if jsonata { "afterArguments" } else { "afterParameters" }),
            (if pass_without_result && !jsonata { None } else { self.result.as_ref() }, "result"),
            (self.after_result_selector.as_ref(), "afterResultSelector"),
            (self.after_result_path.as_ref(), "afterResultPath"),
            (self.output.as_ref(), "output"),
        ];
        out.extend(stages.into_iter().filter_map(|(v, k)| Some((k, v?.clone()))));
        if let Some(assigned) = &self.assigned {
            out.push(("assignedVariables", Value::from_pairs(assigned.iter().map(|(k, v)| (k.clone(), v.clone())))));
        }
        let errors = self.errors.iter().map(|f| {
            let mut e = vec![("error", Value::String(f.error.clone()))];
            if let Some(c) = &f.cause {
                e.push(("cause", Value::String(c.clone())));
            }
            Value::from_pairs(e)
        });
        out.push(("errors", Value::array(errors.collect())));
        out.push(("retries", Value::int(self.retries as i64)));
        if let Some(n) = &self.next {
            out.push(("nextState", Value::String(n.clone())));
        }
        Value::from_pairs(out)
    }
}
