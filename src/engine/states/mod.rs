//! How each state type enters, what it asks for, and how it leaves. One file per type; what
//! they share (entering, leaving, failing with Retry and Catch) lives here.

mod batch;
mod choice;
mod fail;
mod jsonata;
pub(crate) mod join;
mod map;
mod parallel;
pub(crate) mod reader;
pub(crate) mod writer;
mod pass;
mod task;
mod wait;

use super::errors::{error_matches, names, Failure, Origin};
use super::trace::Stage;
use super::execution::{Blocked, Execution, FiberId, Step, TimerKind};
use super::history::{entered_event_name, exited_event_name, AssigningExit, Details, Field};
use crate::definition::model::{Assign, ResultPath, StateKind};
use crate::definition::QueryLanguage;
use crate::query::{QueryError, Scope};
use crate::value::Value;
use std::rc::Rc;

/// The event that says a state was cut short by StopExecution.
pub(crate) fn aborted_event_name(ty: &str) -> &'static str {
    match ty {
        "Task" => "TaskStateAborted",
        "Map" => "MapStateAborted",
        "Parallel" => "ParallelStateAborted",
        _ => "TaskStateAborted",
    }
}

/// Variables obey the nesting limit of state outputs (see `check_size`): an Assign that
/// wraps a variable in itself on every loop iteration ends with an error, not a crash.
/// What an `Assign` stored: the variables in the order written (for the exited event).
pub(crate) type Assigned = Option<Vec<(Rc<str>, Value)>>;

/// AWS's variable limits: 256 KiB for one variable and for everything one `Assign` sets.
const MAX_VARIABLE_CHARS: usize = 256 * 1024;

impl Execution {
    /// Enters `fiber.state` with `fiber.input`.
    pub(crate) fn enter_state(&mut self, fid: FiberId) {
        let now = self.now;
        let f = self.fiber_mut(fid);
        f.entered_time = now;
        let state = f.state.clone();
        let input = f.input.clone();
        let id = self.fiber_event_details(fid, entered_event_name(&state.kind), Details::StateEntered { state: state.clone(), input: input.clone() });
        self.fiber_mut(fid).entered_event = id;
        self.trace_enter(fid, id);
        // The input was checked as the previous state's output (or the execution's input).
        let effective = if state.query_language == QueryLanguage::Jsonata {
            input
        } else {
            match self.apply_input_path(fid) {
                Ok(v) => v,
                Err(e) => return self.query_failed(fid, e),
            }
        };
        self.trace_stage(fid, Stage::AfterInputPath, &effective);
        self.fiber_mut(fid).effective = effective;
        match &state.kind {
            StateKind::Pass(_) => self.enter_pass(fid),
            StateKind::Succeed => self.enter_succeed(fid),
            StateKind::Fail(_) => self.enter_fail(fid),
            StateKind::Choice(_) => self.enter_choice(fid),
            StateKind::Wait(_) => self.enter_wait(fid),
            StateKind::Task(_) | StateKind::Parallel(_) | StateKind::Map(_) => {
                self.fiber_mut(fid).step = Step::Run;
            }
        }
    }

    /// Runs the body of a Task, Parallel or Map state (again, after a retry).
    pub(crate) fn run_body(&mut self, fid: FiberId) {
        let state = self.fiber(fid).state.clone();
        match &state.kind {
            StateKind::Task(t) => self.run_task(fid, t),
            StateKind::Parallel(p) => self.run_parallel(fid, p),
            StateKind::Map(m) => self.run_map(fid, m),
            _ => self.block(fid, Blocked::Done),
        }
    }

    /// The detail of a runtime error, with AWS's prefix naming the state.
    pub(crate) fn prefixed(&self, fid: FiberId, message: &str) -> String {
        let f = self.fiber(fid);
        format!("An error occurred while executing the state '{}' (entered at the event id #{}). {}", f.state.name, f.entered_event, message)
    }

    /// A query failed inside the current state.
    pub(crate) fn query_failed(&mut self, fid: FiberId, e: QueryError) {
        let cause = self.prefixed(fid, &e.message);
        self.evaluation_failed(fid, &e, &cause);
        self.fail_state(fid, Failure::with_cause(e.error, cause));
    }

    /// AWS's EvaluationFailed event, for a JSONata query that failed: it names the failing
    /// field as its `location`, and follows the event the state's entry followed (a Wait's
    /// own Timestamp or Seconds: the entry itself), as AWS records it.
    pub(crate) fn evaluation_failed(&mut self, fid: FiberId, e: &QueryError, cause: &str) {
        let f = self.fiber(fid);
        if e.error != names::QUERY_EVALUATION_ERROR || f.silent {
            return;
        }
        let entered = f.entered_event;
        let prev = match entered.checked_sub(1).and_then(|i| self.history.get(i as usize)) {
            Some(_) if matches!(f.state.kind, StateKind::Wait(_)) => entered,
            Some(event) => event.previous_id,
            None => f.last_event,
        };
        let mut fields = vec![("cause", Field::Text(cause.into())), ("error", Field::Text(e.error.into()))];
        if let Some(location) = &e.location {
            fields.push(("location", Field::Text(location.as_str().into())));
        }
        fields.push(("state", Field::Text(f.state.name.clone())));
        let id = self.event(prev, "EvaluationFailed", Some(("evaluationFailedEventDetails", fields)));
        self.fiber_mut(fid).last_event = id;
    }

    #[inline]
    pub(crate) fn scope_input<'a>(&'a self, fid: FiberId, input: &'a Value, context: &'a Value) -> Scope<'a> {
        let f = self.fiber(fid);
        Scope { input, context, variables: Some(&*f.vars) }
    }

    fn apply_input_path(&self, fid: FiberId) -> Result<Value, QueryError> {
        let f = self.fiber(fid);
        use crate::definition::model::IoPath;
        match &f.state.io.input_path {
            IoPath::Whole => Ok(f.input.clone()),
            IoPath::Empty => Ok(Value::empty_object()),
            IoPath::Path(p) => {
                let ctx = self.context_if(fid, p.root() == &crate::query::path::Root::Context);
                p.select_required(&self.scope_input(fid, &f.input, &ctx))
            }
        }
    }

    /// Evaluates a payload template, lending it the execution's random source (for
    /// `States.UUID` and `States.MathRandom`).
    pub(crate) fn eval_template(&mut self, fid: FiberId, t: &crate::query::template::Template, input: &Value, ctx: &Value) -> Result<Value, QueryError> {
        let mut rng = std::mem::replace(&mut self.rng, crate::random::Rng::new(0));
        let result = {
            let scope = self.scope_input(fid, input, ctx);
            t.evaluate(&scope, &mut || rng.next_u64())
        };
        self.rng = rng;
        result
    }

    /// The context object if a query needs it (building it costs allocations).
    #[inline]
    pub(crate) fn context_if(&self, fid: FiberId, needed: bool) -> Value {
        if needed {
            self.context(fid, None)
        } else {
            Value::Null
        }
    }

    /// ResultSelector, ResultPath and OutputPath on a state's result; then Assign, the
    /// exited event and the transition.
    pub(crate) fn finish_with_result(&mut self, fid: FiberId, result: Value, with_selector: bool) {
        let state = self.fiber(fid).state.clone();
        if let Err(f) = self.check_size(&result, fid) {
            return self.fail_state(fid, f);
        }
        self.trace_stage(fid, Stage::Result, &result);
        if state.query_language == QueryLanguage::Jsonata {
            let ctx = self.context(fid, None);
            let input = self.fiber(fid).input.clone();
            let states = self.states_var(fid, &input, ctx, Some(&result), None);
            return self.leave_jsonata(fid, &states, result, state.io.output.as_ref(), "Output", state.assign.as_ref(), "Assign", None);
        }
        let ctx = self.context_if(fid, with_selector && state.io.result_selector.as_ref().is_some_and(|t| t.uses_context()));
        let selected = match (&state.io.result_selector, with_selector) {
            (Some(t), true) => match self.eval_template(fid, t, &result, &ctx) {
                Ok(v) => v,
                Err(e) => return self.query_failed(fid, e),
            },
            _ => result,
        };
        self.trace_stage(fid, Stage::AfterResultSelector, &selected);
        let input = self.fiber(fid).input.clone();
        let merged = match &state.io.result_path {
            ResultPath::Replace => selected.clone(),
            ResultPath::Discard => input,
            ResultPath::Path(p) => match p.set(&input, selected.clone()) {
                Ok(v) => v,
                Err(e) => return self.query_failed(fid, e),
            },
        };
        self.trace_stage(fid, Stage::AfterResultPath, &merged);
        self.leave(fid, merged, &selected, None);
    }

    /// OutputPath, Assign, the exited event and the transition (to `next` or the state's own).
    pub(crate) fn leave(&mut self, fid: FiberId, merged: Value, assign_input: &Value, next: Option<Rc<str>>) {
        let state = self.fiber(fid).state.clone();
        self.leave_assigning(fid, merged, assign_input, next, state.assign.as_ref(), state.io.output.as_ref());
    }

    /// `leave` with the Assign (and, for JSONata, Output) to use: a Choice rule brings its own.
    pub(crate) fn leave_assigning(&mut self, fid: FiberId, merged: Value, assign_input: &Value, next: Option<Rc<str>>, assign: Option<&Assign>, jsonata_output: Option<&crate::query::jsonata_value::JsonataValue>) {
        let state = self.fiber(fid).state.clone();
        if state.query_language == QueryLanguage::Jsonata {
            let ctx = self.context(fid, None);
            let input = self.fiber(fid).input.clone();
            let states = self.states_var(fid, &input, ctx, None, None);
            return self.leave_jsonata(fid, &states, merged, jsonata_output, "Output", assign, "Assign", next);
        }
        let output = match self.apply_output_path(fid, &merged) {
            Ok(v) => v,
            Err(e) => return self.query_failed(fid, e),
        };
        if let Err(f) = self.check_size(&output, fid) {
            return self.fail_state(fid, f);
        }
        let assigned = match self.apply_assign(fid, assign, assign_input) {
            Ok(a) => a,
            Err(e) => return self.query_failed(fid, e),
        };
        self.exit_event(fid, &output, assigned);
        self.transition(fid, output, next);
    }

    pub(crate) fn exit_event(&mut self, fid: FiberId, output: &Value, assigned: Assigned) {
        let state = self.fiber(fid).state.clone();
        self.trace_stage(fid, Stage::Output, output);
        self.trace_assigned(fid, &assigned);
        // Each assigned value is shown as its JSON text, by name (as a Java TreeMap orders
        // strings), as AWS does; an Assign that assigns nothing (`{}`) shows no
        // assignedVariables at all.
        let details = match assigned {
            Some(mut vars) if !vars.is_empty() => {
                vars.sort_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
                let assigned = Value::from_pairs(vars.into_iter().map(|(k, v)| (k, Value::from(v.to_json()))));
                Details::StateExitedAssigning(Box::new(AssigningExit { state: state.clone(), output: output.clone(), assigned }))
            }
            _ => Details::StateExited { state: state.clone(), output: output.clone() },
        };
        self.fiber_event_details(fid, exited_event_name(&state.kind), details);
    }

    fn apply_output_path(&self, fid: FiberId, merged: &Value) -> Result<Value, QueryError> {
        let f = self.fiber(fid);
        use crate::definition::model::IoPath;
        match &f.state.io.output_path {
            IoPath::Whole => Ok(merged.clone()),
            IoPath::Empty => Ok(Value::empty_object()),
            IoPath::Path(p) => {
                let ctx = self.context_if(fid, p.root() == &crate::query::path::Root::Context);
                p.select_required(&self.scope_input(fid, merged, &ctx))
            }
        }
    }

    /// Evaluates `Assign` (all values read before any is written) and stores the variables.
    pub(crate) fn apply_assign(&mut self, fid: FiberId, assign: Option<&Assign>, input: &Value) -> Result<Assigned, QueryError> {
        let Some(assign) = assign else { return Ok(None) };
        match assign {
            Assign::Template(t) => {
                let ctx = self.context_if(fid, t.uses_context());
                let v = self.eval_template(fid, t, input, &ctx)?;
                self.store_variables(fid, &v)
            }
            Assign::Jsonata(_) => {
                let ctx = self.context(fid, None);
                let states = self.states_var(fid, input, ctx, None, None);
                self.assign_jsonata(fid, Some(assign), "Assign", &states)
            }
        }
    }

    /// Stores what an `Assign` evaluated to (all names at once), within AWS's limits: no
    /// variable over 256 KiB, nor all of one `Assign` together (when the payload limit is on),
    /// and never deeper than the nesting limit.
    pub(crate) fn store_variables(&mut self, fid: FiberId, assigned: &Value) -> Result<Assigned, QueryError> {
        let pairs: Vec<(Rc<str>, Value)> = assigned.as_object().map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default();
        let limited = self.options.limits.max_payload_bytes.is_some();
        let mut total = 0;
        for (k, v) in &pairs {
            let Some(size) = self.measurer.measure(v, crate::value::MAX_DEPTH) else {
                return Err(QueryError::runtime(format!("The variable '{k}' is nested deeper than {} levels.", crate::value::MAX_DEPTH)));
            };
            total += size.chars;
            if limited && size.chars > MAX_VARIABLE_CHARS {
                return Err(QueryError::new(names::DATA_LIMIT_EXCEEDED, format!("The value assigned to the variable '{k}' exceeds the maximum size of 256 KiB.")));
            }
        }
        if limited && total > MAX_VARIABLE_CHARS {
            return Err(QueryError::new(names::DATA_LIMIT_EXCEEDED, "The variables assigned by this state together exceed the maximum size of 256 KiB."));
        }
        let vars = self.fiber(fid).vars.clone();
        for (k, v) in &pairs {
            vars.set(k.clone(), v.clone());
        }
        Ok(Some(pairs))
    }

    /// Whether `fail_state` would retry this failure.
    pub(crate) fn will_retry(&self, fid: FiberId, failure: &Failure) -> bool {
        let f = self.fiber(fid);
        if failure.is_terminal() {
            return false;
        }
        match f.state.retry.iter().position(|r| error_matches(&r.error_equals, &failure.error, Origin::State)) {
            Some(i) => f.retry_counts.get(i).copied().unwrap_or(0) < f.state.retry[i].max_attempts,
            None => false,
        }
    }

    /// Fails the current state: Retry, then Catch, else the failure ends the fiber.
    pub(crate) fn fail_state(&mut self, fid: FiberId, failure: Failure) {
        self.fail_state_from(fid, failure, Origin::State);
    }

    /// `fail_state` for a failure that arose where `origin` says (see `Origin`).
    #[inline(never)]
    pub(crate) fn fail_state_from(&mut self, fid: FiberId, failure: Failure, origin: Origin) {
        if self.outcome.is_some() {
            return;
        }
        let state = self.fiber(fid).state.clone();
        self.trace_error(fid, &failure);
        // States.Runtime ends the execution whatever Retry and Catch say; DataLimitExceeded is
        // caught only where named, unless a task's call failed with it (see error_matches).
        if !failure.is_terminal() {
            // Retry.
            if let Some(i) = state.retry.iter().position(|r| error_matches(&r.error_equals, &failure.error, origin)) {
                let r = &state.retry[i];
                let f = self.fiber_mut(fid);
                if f.retry_counts.len() < state.retry.len() {
                    f.retry_counts.resize(state.retry.len(), 0);
                }
                let used = f.retry_counts[i];
                let backoff = r.interval_seconds as f64 * r.backoff_rate.powi(used as i32);
                self.trace_retrier(fid, i, (used < r.max_attempts).then_some(backoff));
                if used < r.max_attempts {
                    let f = self.fiber_mut(fid);
                    f.retry_counts[i] += 1;
                    f.retry_count += 1;
                    self.trace_retry(fid);
                    let f = self.fiber_mut(fid);
                    let mut delay = backoff;
                    if let Some(max) = r.max_delay_seconds {
                        delay = delay.min(max as f64);
                    }
                    f.step = Step::Run;
                    if r.jitter_full {
                        delay *= self.rng.next_f64();
                    }
                    let f = self.fiber_mut(fid);
                    if delay > 0.0 {
                        f.blocked = Blocked::Timer;
                        let at = self.now + delay * 1000.0;
                        self.add_timer(at, TimerKind::Fiber(fid));
                    }
                    return;
                }
            }
            // Catch.
            if let Some((ci, c)) = state.catch.iter().enumerate().find(|(_, c)| error_matches(&c.error_equals, &failure.error, origin)) {
                self.trace_caught(fid, ci);
                let error_output = failure.error_output();
                let input = self.fiber(fid).input.clone();
                if state.query_language == QueryLanguage::Jsonata {
                    let ctx = self.context(fid, None);
                    let states = self.states_var(fid, &input, ctx, None, Some(&error_output));
                    let next = c.next.clone();
                    self.fiber_mut(fid).blocked = Blocked::No;
                    return self.leave_jsonata(fid, &states, error_output, c.output.as_ref(), "Output", c.assign.as_ref(), "Assign", Some(next));
                }
                let output = match &c.result_path {
                    ResultPath::Replace => error_output.clone(),
                    ResultPath::Discard => input,
                    ResultPath::Path(p) => match p.set(&input, error_output.clone()) {
                        Ok(v) => v,
                        Err(e) => return self.fail_fiber(fid, Failure::with_cause(e.error, self.prefixed(fid, &e.message))),
                    },
                };
                let assigned = match self.apply_assign(fid, c.assign.as_ref(), &error_output) {
                    Ok(a) => a,
                    Err(e) => return self.fail_fiber(fid, Failure::with_cause(e.error, self.prefixed(fid, &e.message))),
                };
                self.exit_event(fid, &output, assigned);
                let next = c.next.clone();
                self.fiber_mut(fid).blocked = Blocked::No;
                self.transition(fid, output, Some(next));
                return;
            }
        }
        self.fail_fiber(fid, failure);
    }

    /// AWS's payload limit, when enabled; and, always, the nesting limit of JSON text
    /// (`value::MAX_DEPTH`): values that could not be read back from text would overflow the
    /// stack of whatever walks them next (serialising, comparing, dropping), so a loop that
    /// nests one level per iteration ends here.
    pub(crate) fn check_size(&self, v: &Value, fid: FiberId) -> Result<(), Failure> {
        let Some(size) = self.measurer.measure(v, crate::value::MAX_DEPTH) else {
            let name = &self.fiber(fid).state.name;
            return Err(Failure::with_cause(names::RUNTIME, format!("The state '{name}' produced a value nested deeper than {} levels.", crate::value::MAX_DEPTH)));
        };
        let Some(max) = self.options.limits.max_payload_bytes else { return Ok(()) };
        if size.chars > max {
            let name = &self.fiber(fid).state.name;
            return Err(Failure::with_cause(names::DATA_LIMIT_EXCEEDED, format!("The state/task '{name}' returned a result with a size exceeding the maximum number of bytes service limit.")));
        }
        Ok(())
    }
}
