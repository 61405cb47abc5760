//! Map: runs its item processor once per item of an array (at most `MaxConcurrency` at a
//! time); its result is the array of the iterations' outputs, in item order. A distributed
//! Map runs its iterations as child executions, whose events are not in this history.

use super::join::{Join, Measured};
use crate::definition::model::{Map, MapMode, Seconds};
use crate::engine::execution::{Blocked, Execution, FiberId};
use crate::engine::history::{Details, Field};
use crate::engine::variables::VarFrame;
use crate::query::QueryError;
use crate::value::Value;

/// A Map state's failure tolerance: (ToleratedFailureCount, ToleratedFailurePercentage).
type Tolerated = (Option<u64>, Option<f64>);

impl Execution {
    #[inline(never)]
    pub(crate) fn run_map(&mut self, fid: FiberId, m: &Map) {
        let effective = self.fiber(fid).effective.clone();
        let items = if let Some(reader) = &m.item_reader {
            // The items come from the reader's source: read them first (see reader.rs).
            match self.read_items.remove(&fid) {
                Some(items) => items,
                None => return self.start_reading(fid, reader, &effective),
            }
        } else {
            match self.map_items(fid, m, &effective) {
                Ok(v) => v,
                Err(e) => return self.map_failed_early(fid, e),
            }
        };
        let max_concurrency = match self.map_concurrency(fid, m, &effective) {
            Ok(v) => v,
            Err(e) => return self.query_failed(fid, e),
        };
        let batching = match &m.item_batcher {
            Some(b) => match self.batching(fid, b, &effective) {
                Ok(v) => Some(v),
                Err(e) => return self.query_failed(fid, e),
            },
            None => None,
        };
        let n = items.len();
        self.fiber_event(fid, "MapStateStarted", Some(("mapStateStartedEventDetails", vec![("length", Field::Int(n as i64))])));
        let tolerance = match self.map_tolerance(fid, m, &effective) {
            Ok(v) => v,
            Err(e) => return self.query_failed(fid, e),
        };
        let distributed = m.mode == MapMode::Distributed;
        let mut map_run_arn = None;
        if distributed {
            let suffix = self.random_u64() % 1_000_000_000;
            // AWS puts the Map's `Label` in its Map Run ARN (`mapRun:<machine>/<Label>:<id>`), as
            // in the child executions' ARNs; without a Label, the state's name.
            let state_name = &self.fiber(fid).state.name;
            let label = m.label.as_deref().unwrap_or(state_name);
            let arn: std::rc::Rc<str> = format!("{}/{}:{}", self.ctx.machine_arn.replace(":stateMachine:", ":mapRun:"), label, suffix).into();
            self.fiber_event(fid, "MapRunStarted", Some(("mapRunStartedEventDetails", vec![("mapRunArn", Field::Text(arn.clone()))])));
            map_run_arn = Some(arn);
        }
        // A ResultWriter needs to know each child's input and times (see writer.rs).
        let log = (distributed && m.result_writer.is_some()).then(Box::default);
        let f = self.fiber_mut(fid);
        f.join = Some(Box::new(Join { is_map: true, distributed, results: vec![None; n], running: Default::default(), remaining: n, next_index: 0, items, max_concurrency, tolerance, failures: 0, measured: Some(Measured::default()), batched: false, map_run_arn, log }));
        f.blocked = Blocked::Children;
        if n == 0 {
            return self.join_finished(fid);
        }
        if let Some(batching) = batching {
            let items = self.fiber_mut(fid).join.as_mut().map(|j| std::mem::take(&mut j.items)).unwrap_or_default();
            let batches = match self.batch_items(fid, m, &batching, &items) {
                Ok(b) => b,
                Err(e) => return self.item_selector_failed(fid, e),
            };
            if let Some(j) = self.fiber_mut(fid).join.as_mut() {
                j.results = vec![None; batches.len()];
                j.remaining = batches.len();
                j.items = batches;
                j.batched = true;
            }
        }
        self.start_map_iterations(fid);
    }

    fn map_items(&mut self, fid: FiberId, m: &Map, effective: &Value) -> Result<Vec<Value>, QueryError> {
        let jsonata = self.fiber(fid).state.query_language == crate::definition::QueryLanguage::Jsonata;
        if jsonata {
            let source = match &m.items {
                Some(jv) => {
                    let ctx = self.context(fid, None);
                    let states = self.states_var(fid, effective, ctx, None, None);
                    let v = self.eval_jsonata(fid, jv, "Items", &states)?;
                    if v.as_array().is_none() {
                        let text = jv.expression().unwrap_or_default();
                        return Err(QueryError::new(
                            "States.QueryEvaluationError",
                            format!("The JSONata expression '{text}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '{}' for value: {}", v.type_name(), v.to_json()),
                        )
                        .at("Items"));
                    }
                    v
                }
                None => effective.clone(),
            };
            return match source {
                Value::Array(a) => Ok(a.as_ref().clone()),
                other => Err(QueryError::new("States.QueryEvaluationError", format!("Map state input must be an array but was: {}", other.to_json()))),
            };
        }
        let source = match &m.items_path {
            Some(p) => {
                let ctx = self.context(fid, None);
                p.select_required(&self.scope_input(fid, effective, &ctx))?
            }
            None => effective.clone(),
        };
        match source {
            Value::Array(a) => Ok(a.as_ref().clone()),
            other => Err(QueryError::runtime(format!("Map state input must be an array but was: {}", other.to_json()))),
        }
    }

    fn map_concurrency(&mut self, fid: FiberId, m: &Map, effective: &Value) -> Result<usize, QueryError> {
        Ok(self.map_count(fid, m.max_concurrency.as_ref(), "MaxConcurrency", effective)?.unwrap_or(0) as usize)
    }

    /// A Map's count field (`MaxConcurrency`, `MaxItemsPerBatch`, ...) given literally, by its
    /// `...Path` or by JSONata; `None` when the field is absent.
    pub(super) fn map_count(&mut self, fid: FiberId, s: Option<&Seconds>, field: &str, effective: &Value) -> Result<Option<u64>, QueryError> {
        Ok(Some(match s {
            None => return Ok(None),
            Some(Seconds::Literal(n)) => *n,
            Some(Seconds::Path(p)) => {
                let ctx = self.context(fid, None);
                let v = p.select_required(&self.scope_input(fid, effective, &ctx))?;
                // AWS also takes a number written as a string ("1").
                let n = v.as_number().and_then(|n| n.as_i64()).or_else(|| v.as_str().and_then(|s| s.trim().parse::<i64>().ok()));
                match n {
                    Some(n) if n >= 0 => n as u64,
                    _ => return Err(QueryError::runtime(format!("The {field}Path field refers to value \"{}\" which is not a valid integer: {}", v.as_str().map(String::from).unwrap_or_else(|| v.to_json()), p.text()))),
                }
            }
            Some(Seconds::Jsonata(jv)) => {
                let ctx = self.context(fid, None);
                let states = self.states_var(fid, effective, ctx, None, None);
                self.jsonata_seconds(fid, jv, field, &states)?
            }
        }))
    }

    /// `ToleratedFailureCount`/`Percentage` (and their paths): how many failed items the Map
    /// tolerates, as (count, percentage); `None` tolerates none.
    fn map_tolerance(&mut self, fid: FiberId, m: &Map, effective: &Value) -> Result<Option<Tolerated>, QueryError> {
        use crate::definition::model::Tolerance;
        // JSONata expressions first (they need the random source); then the rest.
        let mut evaluated: Vec<(&'static str, f64)> = Vec::new();
        for (t, name) in [(&m.tolerated_failure_count, "ToleratedFailureCount"), (&m.tolerated_failure_percentage, "ToleratedFailurePercentage")] {
            if let Some(Tolerance::Jsonata(jv)) = t {
                let ctx = self.context(fid, None);
                let states = self.states_var(fid, effective, ctx, None, None);
                let v = self.eval_jsonata(fid, jv, name, &states)?;
                let n = v.as_f64().ok_or_else(|| QueryError::new("States.QueryEvaluationError", format!("The JSONata expression '{}' specified for the field '{name}' returned an unexpected result type. Expected 'number', but was '{}' for value: {}", jv.expression().unwrap_or_default(), v.type_name(), v.to_json())).at(name))?;
                evaluated.push((name, n));
            }
        }
        let read = |t: &Tolerance, name: &str, integer: bool| -> Result<f64, QueryError> {
            match t {
                Tolerance::Literal(f) => Ok(*f),
                Tolerance::Path(p) => {
                    let ctx = self.context(fid, None);
                    let v = p.select_required(&self.scope_input(fid, effective, &ctx))?;
                    let kind = if integer { "integer" } else { "float" };
                    let shown = v.as_str().map(String::from).unwrap_or_else(|| v.to_json());
                    let bad = || QueryError::runtime(format!("The {name}Path field refers to value \"{shown}\" which is not a valid {kind}: {}", p.text()));
                    // A number written as a string ("1") is taken too.
                    let n = v.as_f64().or_else(|| v.as_str().and_then(|s| s.trim().parse::<f64>().ok())).ok_or_else(bad)?;
                    if integer && n.fract() != 0.0 {
                        return Err(bad());
                    }
                    Ok(n)
                }
                Tolerance::Jsonata(_) => Ok(evaluated.iter().find(|(n, _)| *n == name).map_or(0.0, |(_, v)| *v)),
            }
        };
        let count = match &m.tolerated_failure_count {
            Some(t) => {
                let c = read(t, "ToleratedFailureCount", true)?;
                if c < 0.0 {
                    return Err(QueryError::runtime("ToleratedFailureCount cannot be negative."));
                }
                Some(c as u64)
            }
            None => None,
        };
        let percentage = match &m.tolerated_failure_percentage {
            Some(t) => {
                let p = read(t, "ToleratedFailurePercentage", false)?;
                if !(0.0..=100.0).contains(&p) {
                    return Err(QueryError::runtime("ToleratedFailurePercentage must be between 0 and 100."));
                }
                Some(p)
            }
            None => None,
        };
        Ok(if count.is_none() && percentage.is_none() { None } else { Some((count, percentage)) })
    }

    /// The Map could not start (its items are not an array): AWS records the evaluation
    /// failure, then the Map's own failure.
    fn map_failed_early(&mut self, fid: FiberId, e: QueryError) {
        let cause = self.prefixed(fid, &e.message);
        self.evaluation_failed(fid, &e, &cause);
        self.fiber_event(fid, "MapStateFailed", None);
        self.fail_state(fid, crate::engine::errors::Failure::with_cause(e.error, cause));
    }

    /// Starts as many iterations as the concurrency limit allows.
    #[inline(never)]
    pub(crate) fn start_map_iterations(&mut self, fid: FiberId) {
        loop {
            let Some(f) = self.fibers[fid].as_ref() else { return };
            let Some(join) = f.join.as_ref() else { return };
            if join.next_index >= join.items.len() || (join.max_concurrency > 0 && join.running.len() >= join.max_concurrency) {
                return;
            }
            let index = join.next_index;
            let item = join.items[index].clone();
            let distributed = join.distributed;
            let batched = join.batched;
            let state = f.state.clone();
            let crate::definition::model::StateKind::Map(m) = &state.kind else { return };
            // A batch is a child's whole input already (its items were selected one by one).
            let input = if batched {
                item
            } else {
                match self.select_item(fid, m, index, &item) {
                    Ok(v) => v,
                    Err(e) => return self.item_selector_failed(fid, e),
                }
            };
            if !distributed {
                self.fiber_event_details(fid, "MapIterationStarted", Details::MapIteration { index: index as u32, state: state.clone() });
            }
            let processor = m.processor.clone();
            let Some(start) = processor.get(&processor.start_at).cloned() else {
                // Validation rejects this; a machine built another way must not wait forever.
                let cause = format!("The StartAt state '{}' of the item processor does not exist", processor.start_at);
                self.abort_children_of(fid);
                self.fiber_mut(fid).join = None;
                self.block(fid, Blocked::No);
                self.fail_state(fid, crate::engine::Failure::with_cause(crate::engine::errors::names::RUNTIME, cause));
                self.requeue(fid);
                return;
            };
            let vars = VarFrame::child(&self.fiber(fid).vars);
            let now = self.now;
            // A distributed iteration is a child execution of its own, named now: its `$$`
            // and the ResultWriter's record of it carry the same name.
            let child_execution = distributed.then(|| {
                let name: std::rc::Rc<str> = self.rng.uuid().into();
                let label = m.label.as_deref().unwrap_or(&state.name);
                (self.child_execution_context(&format!("{}/{label}", self.ctx.machine_arn), &name, &input), name)
            });
            if let Some(log) = self.fiber_mut(fid).join.as_mut().and_then(|j| j.log.as_mut()) {
                log.started(index, input.clone(), now, child_execution.as_ref().map(|c| c.1.clone()));
            }
            let child = self.spawn(processor, start, input, Some((fid, index)), vars, distributed);
            if let Some((execution, _)) = child_execution {
                self.fiber_mut(child).child_execution = Some(execution);
            }
            if let Some(j) = self.fiber_mut(fid).join.as_mut() {
                j.next_index += 1;
                j.running.insert(index, child);
            }
        }
    }

    /// An item as its iteration gets it: through `ItemSelector`, when there is one.
    pub(super) fn select_item(&mut self, fid: FiberId, m: &Map, index: usize, item: &Value) -> Result<Value, QueryError> {
        if let Some(jv) = &m.item_selector_jsonata {
            let ctx = self.map_item_context(fid, index, item);
            let effective = self.fiber(fid).effective.clone();
            let states = self.states_var(fid, &effective, ctx, None, None);
            return self.eval_jsonata(fid, jv, "ItemSelector", &states);
        }
        match &m.item_selector {
            Some(t) => {
                let ctx = self.map_item_context(fid, index, item);
                let effective = self.fiber(fid).effective.clone();
                self.eval_template(fid, t, &effective, &ctx)
            }
            None => Ok(item.clone()),
        }
    }

    /// An item's ItemSelector failed: no further item starts, the running ones stop, and the
    /// Map state fails.
    fn item_selector_failed(&mut self, fid: FiberId, e: QueryError) {
        self.abort_children_of(fid);
        self.fiber_mut(fid).join = None;
        self.block(fid, Blocked::No);
        self.query_failed(fid, e);
        self.requeue(fid);
    }
}
