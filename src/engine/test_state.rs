//! `testState`: runs one state on its own, as AWS's TestState API does, and answers in its
//! shape: `status` (SUCCEEDED, FAILED, RETRIABLE, CAUGHT_ERROR), `output`, `error`, `cause`,
//! `nextState`, and at DEBUG level the `inspectionData` of every data-flow stage.
//!
//! The state runs inside a one-state machine whose transitions end there; a Task's service
//! call is answered by the given `result` or `error` (the engine never calls AWS).

use super::api_shapes::{check_mock, FieldValidation};
use super::errors::names::EXCEED_TOLERATED_FAILURE_THRESHOLD as THRESHOLD_ERROR;
use super::execution::{Command, Completion, Execution, ExecutionOptions};
use super::states::join::THRESHOLD_CAUSE;
use super::trace::StateTrace;
use crate::definition::parse_definition;
use crate::value::{Map, Value};
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum InspectionLevel {
    #[default]
    Info,
    Debug,
    Trace,
}

#[derive(Clone, Debug, Default)]
pub struct TestStateOptions {
    pub inspection_level: InspectionLevel,
    /// Workflow variables in scope when the state starts.
    pub variables: Map,
    /// The task's result (for Task states).
    pub result: Option<Value>,
    /// The task's error and cause (for Task states), instead of a result.
    pub error: Option<(String, Option<String>)>,
    /// The name the state runs under.
    pub state_name: Option<String>,
    /// How a Task's mocked `result` is checked against its API's answer.
    pub field_validation: FieldValidation,
    /// The whole context object (`$$`) the state sees, as AWS's `context` gives it.
    pub context: Option<Value>,
    /// Where in its run the state is tested (AWS's `stateConfiguration`).
    pub configuration: StateConfiguration,
}

/// AWS's `stateConfiguration`: what happened before the moment a test looks at, which one
/// state run on its own cannot produce.
#[derive(Clone, Debug, Default)]
pub struct StateConfiguration {
    /// Retries the Retry rule matching the error has already made: the test sees the attempt
    /// after them (retried with a longer backoff, or the rule spent).
    pub retrier_retry_count: Option<u64>,
    /// A mocked Map's failed iterations, held against its tolerated failures.
    pub map_iteration_failure_count: Option<u64>,
    /// The state inside a mocked Map or Parallel that raised the mocked error.
    pub error_caused_by_state: Option<String>,
    /// What a Map's ItemReader would have read, as its source holds it (JSON text).
    pub map_item_reader_data: Option<String>,
}

/// Runs `state` (a state definition object) on `input` (JSON text). The error is a message
/// (an invalid state definition or input).
pub fn test_state(state: &Value, input: &str, options: &TestStateOptions) -> Result<Value, String> {
    let selected;
    let state = match whole_machine(state, options.state_name.as_deref())? {
        Some(s) => {
            selected = s;
            &selected
        }
        None => state,
    };
    run(state, input, options, true)
}

/// Runs one state (not a whole machine); `request` says the options are the caller's, to be
/// checked as AWS checks a request, rather than a probe's made here.
fn run(state: &Value, input: &str, options: &TestStateOptions, request: bool) -> Result<Value, String> {
    // AWS's TestState names the state "StateName" in its context when it is not told a name.
    let name: Rc<str> = options.state_name.as_deref().unwrap_or("StateName").into();
    let mut def = state.as_object().ok_or("The state definition must be a JSON object")?.as_ref().clone();
    refuse_or_stand_in(&mut def, options)?;
    if request {
        check_request(state, options)?;
    }
    let mocked_map = options.result.is_some() || options.error.is_some();
    let map = match state.get("Type").and_then(Value::as_str) {
        Some("Map") if mocked_map => match map_items(state, input, options)? {
            MapItems::Failed(response) => return Ok(response),
            MapItems::Read { items, after_items_path } => Some((items, after_items_path)),
        },
        _ => None,
    };
    let counts = match (&map, options.inspection_level, options.configuration.map_iteration_failure_count) {
        (Some(_), InspectionLevel::Info, None) | (None, _, _) => Vec::new(),
        _ => map_counts(state, input, options)?,
    };
    let items = map.as_ref().and_then(|(items, _)| items.as_ref().map(Vec::len));
    let exceeded = options.configuration.map_iteration_failure_count.is_some_and(|failed| exceeds_tolerance(failed, &counts, items));
    if let (Some(result), Some("Task"), Some(resource)) = (&options.result, def.get("Type").and_then(Value::as_str), def.get("Resource").and_then(Value::as_str)) {
        check_mock(resource, result, options.field_validation)?;
    }
    // Transitions end here: Next becomes End, Catch targets are stand-in states never entered.
    let mut targets: Vec<Rc<str>> = Vec::new();
    let own_next: Option<Rc<str>> = def.get("Next").and_then(Value::as_str).map(Rc::from);
    if let Some(next) = def.get("Next").and_then(Value::as_str) {
        targets.push(next.into());
        def.shift_remove("Next");
        def.insert("End".into(), Value::Bool(true));
    }
    for list in ["Catch", "Choices"] {
        if let Some(items) = def.get(list).and_then(Value::as_array) {
            targets.extend(items.iter().filter_map(|c| c.get("Next").and_then(Value::as_str)).map(Rc::from));
        }
    }
    if let Some(d) = def.get("Default").and_then(Value::as_str) {
        targets.push(d.into());
    }
    let mut states = Map::default();
    states.insert(name.clone(), Value::object(def));
    for t in targets {
        if t != name {
            states.insert(t, Value::from_pairs([("Type", Value::from("Succeed"))]));
        }
    }
    let machine = Value::from_pairs([("StartAt", Value::String(name.clone())), ("States", Value::object(states))]);
    let parsed = parse_definition(&machine);
    let machine = parsed.machine.ok_or_else(|| parsed.diagnostics.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("; "))?;
    let execution_options = ExecutionOptions { trace: true, no_redrive_count: true, role_arn: String::new(), context: options.context.clone(), ..ExecutionOptions::default() };
    let mut ex = Execution::start(Rc::new(machine), input, execution_options)?;
    ex.seed_variables(&options.variables);
    if let Some(n) = options.configuration.retrier_retry_count {
        ex.seed_retry_count(n);
    }

    let mut guard = 0;
    loop {
        guard += 1;
        let trace = ex.traces().first();
        let done = ex.outcome().is_some() || ex.traces().len() > 1 || trace.is_some_and(|t| t.retries > 0) || guard > 100_000;
        if done {
            break;
        }
        let Some(commands) = ex.step() else { continue };
        if commands.is_empty() {
            break;
        }
        for c in commands {
            match c {
                Command::InvokeTask(req) => {
                    let completion = match (&options.result, &options.error) {
                        (_, Some((error, cause))) => Completion::TaskFailed { task_id: req.task_id, error: error.clone(), cause: cause.clone() },
                        // More iterations failed than the Map tolerates: the Map fails, and its
                        // own Retry and Catch see that failure.
                        (Some(_), None) if exceeded => Completion::TaskFailed { task_id: req.task_id, error: THRESHOLD_ERROR.into(), cause: Some(THRESHOLD_CAUSE.into()) },
                        (Some(r), None) => Completion::TaskSucceeded { task_id: req.task_id, output: r.clone() },
                        (None, None) => Completion::TaskFailed {
                            task_id: req.task_id,
                            error: "asl-sim.NoResult".into(),
                            cause: Some("testState runs no service: give the Task's result (or error) in the options".into()),
                        },
                    };
                    ex.complete(completion);
                }
                Command::WakeAt { time_ms } => ex.complete(Completion::TimeReached { time_ms }),
                Command::ReadItems(req) => {
                    let cause = req.missing_cause("testState reads no S3 objects: give the Map its items in its input instead of");
                    ex.complete(Completion::ItemsReadFailed { read_id: req.read_id, cause });
                }
                Command::WriteResults(req) => ex.complete(Completion::ResultsWritten { write_id: req.write_id }),
            }
        }
    }
    let trace = ex.traces().first().cloned().unwrap_or_default();
    let mut response = response(&ex, &trace, own_next, options, state);
    if options.inspection_level != InspectionLevel::Info && map.is_some() {
        if let Some(Value::Object(data)) = response.make_object_mut().and_then(|o| o.get_mut("inspectionData")) {
            let data = Rc::make_mut(data);
            if let Some((_, Some(after))) = &map {
                data.insert("afterItemsPath".into(), Value::from(after.to_json()));
            }
            for (k, v) in counts {
                data.insert(k.into(), v);
            }
        }
    }
    Ok(response)
}

/// Whether `failed` iterations exceed what a Map tolerates (`counts` as `map_counts` gives
/// them, over `items` items when known). A Map that names no tolerance is never exceeded: AWS
/// answers such a mocked Map with its result whatever the failure count, since without a
/// threshold the iterations' own errors (which a result mock does not give) would decide.
fn exceeds_tolerance(failed: u64, counts: &[(&str, Value)], items: Option<usize>) -> bool {
    let get = |k: &str| counts.iter().find(|(n, _)| *n == k).and_then(|(_, v)| v.as_f64());
    let over_count = get("toleratedFailureCount").is_some_and(|c| failed as f64 > c);
    let over_percentage = match (get("toleratedFailurePercentage"), items) {
        (Some(p), Some(n)) if n > 0 => failed as f64 * 100.0 > p * n as f64,
        _ => false,
    };
    over_count || over_percentage
}

enum MapItems {
    /// The items could not be read: TestState's whole answer.
    Failed(Value),
    /// The items when they are known (`None`: an ItemReader's, not given), and for a JSONPath
    /// Map the items its ItemsPath selected, which AWS shows as `afterItemsPath`.
    Read { items: Option<Vec<Value>>, after_items_path: Option<Value> },
}

/// The items a mocked Map would iterate over. The mock stands for the iterations, but not for
/// reading the items: AWS still evaluates them (a JSONPath `ItemsPath` that selects no array
/// fails the state), and they are what a tolerated failure percentage is a share of. An
/// ItemReader's items are `mapItemReaderData`, the data as the reader's source holds it.
fn map_items(map: &Value, input: &str, options: &TestStateOptions) -> Result<MapItems, String> {
    if map.get("ItemReader").is_some() {
        let Some(text) = &options.configuration.map_item_reader_data else { return Ok(MapItems::Read { items: None, after_items_path: None }) };
        let items = reader_items(map, text)?;
        return Ok(MapItems::Read { items, after_items_path: None });
    }
    let jsonata = map.get("QueryLanguage").and_then(Value::as_str) == Some("JSONata");
    let probe = TestStateOptions { inspection_level: InspectionLevel::Debug, variables: options.variables.clone(), context: options.context.clone(), ..TestStateOptions::default() };
    if jsonata {
        let items = map.get("Items").cloned().unwrap_or_else(|| Value::from("{% $states.input %}"));
        let pass = Value::from_pairs([("Type", Value::from("Pass")), ("QueryLanguage", Value::from("JSONata")), ("Output", items), ("End", Value::Bool(true))]);
        let r = run(&pass, input, &probe, false)?;
        let items = probe_output(&r).and_then(|v| v.as_array().map(|a| a.to_vec()));
        return Ok(MapItems::Read { items, after_items_path: None });
    }
    let path = map.get("ItemsPath").cloned().unwrap_or_else(|| Value::from("$"));
    let mut pass = vec![("Type", Value::from("Pass")), ("Parameters", Value::from_pairs([("items.$", path.clone())])), ("End", Value::Bool(true))];
    if let Some(p) = map.get("InputPath") {
        pass.push(("InputPath", p.clone()));
    }
    let r = run(&Value::from_pairs(pass), input, &probe, false)?;
    let selected = probe_output(&r).and_then(|v| v.get("items").cloned());
    let failure = match (&selected, r.get("status").and_then(Value::as_str)) {
        (Some(Value::Array(items)), _) => return Ok(MapItems::Read { items: Some(items.to_vec()), after_items_path: selected.clone() }),
        (_, Some("FAILED")) => (r.get("error").cloned().unwrap_or(Value::Null), r.get("cause").cloned().unwrap_or(Value::Null)),
        // AWS names a context path by where it points inside the context object ("$$.X" is
        // "$.X" there).
        _ => {
            let text = path.as_str().unwrap_or("$");
            let shown = if text.starts_with("$$") { &text[1..] } else { text };
            (Value::from("States.Runtime"), Value::from(format!("Reference path \"{shown}\" must point to array.")))
        }
    };
    let mut out = vec![("error", failure.0), ("cause", failure.1), ("status", Value::from("FAILED"))];
    if options.inspection_level != InspectionLevel::Info {
        let probe_data = r.get("inspectionData");
        let mut data = vec![("input", Value::from(crate::value::parse(input).map(|v| v.to_json()).unwrap_or_else(|_| input.to_string())))];
        if let Some(after) = probe_data.and_then(|d| d.get("afterInputPath")) {
            data.push(("afterInputPath", after.clone()));
        }
        out.push(("inspectionData", Value::from_pairs(data)));
    }
    Ok(MapItems::Failed(Value::from_pairs(out)))
}

/// What a probe (a Pass state tested here to compute something) output, parsed: TestState's
/// response gives it as JSON text.
fn probe_output(r: &Value) -> Option<Value> {
    r.get("output").and_then(Value::as_str).and_then(|t| crate::value::parse(t).ok())
}

/// The items in an ItemReader's data, read as the Map would read its source's content (JSON,
/// JSON Lines or CSV with its ReaderConfig; listObjectsV2's listing, given as JSON text). The
/// Map is parsed on its own for its reader, so the reading is the engine's.
fn reader_items(map: &Value, text: &str) -> Result<Option<Vec<Value>>, String> {
    let mut def = map.as_object().map(|m| m.as_ref().clone()).unwrap_or_default();
    def.shift_remove("Next");
    def.insert("End".into(), Value::Bool(true));
    let machine = Value::from_pairs([("StartAt", Value::from("Map")), ("States", Value::from_pairs([("Map", Value::object(def))]))]);
    let Some(machine) = parse_definition(&machine).machine else { return Ok(None) };
    let Some(reader) = machine.body.get("Map").and_then(|s| match &s.kind {
        crate::definition::model::StateKind::Map(m) => m.item_reader.as_ref(),
        _ => None,
    }) else {
        return Ok(None);
    };
    // An object's content is text; a listing is the listed objects, which arrive as JSON text.
    let content = if reader.source == crate::definition::model::ReaderSource::ListObjectsV2 {
        crate::value::parse(text).map_err(|e| format!("mapItemReaderData: a listObjectsV2 reader's data is the listing as JSON, and this is not valid JSON: {e}"))?
    } else {
        Value::from(text)
    };
    super::states::reader::items_from_content(reader, &content).map(Some).map_err(|e| format!("mapItemReaderData: {e}"))
}

/// What AWS's TestState refuses, in its words; and a mocked Map or Parallel made a Task whose
/// call answers the mock (the mock stands for what its iterations or branches produce), with
/// the same input and output processing.
fn refuse_or_stand_in(def: &mut Map, options: &TestStateOptions) -> Result<(), String> {
    let mocked = options.result.is_some() || options.error.is_some();
    let kind = def.get("Type").and_then(Value::as_str).unwrap_or("").to_string();
    match kind.as_str() {
        "Pass" | "Fail" | "Succeed" if mocked => Err(format!("State type '{kind}' is not supported when a mock is specified")),
        "Map" | "Parallel" if !mocked => Err("TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]".into()),
        "Map" | "Parallel" => {
            if let Some(result) = &options.result {
                let items = result.as_array().ok_or("Mocked result must be an array.")?;
                let branches = def.get("Branches").and_then(Value::as_array).map(|b| b.len());
                if kind == "Parallel" && branches.is_some_and(|n| n != items.len()) {
                    return Err("Mocked result must contain the same number of items as number of Parallel branches.".into());
                }
            }
            for field in ["ItemsPath", "Items", "ItemSelector", "ItemProcessor", "Iterator", "ItemReader", "ItemBatcher", "ResultWriter", "MaxConcurrency", "MaxConcurrencyPath", "ToleratedFailureCount", "ToleratedFailureCountPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "Label", "Branches", "Parameters", "Arguments"] {
                def.shift_remove(field);
            }
            def.insert("Type".into(), Value::from("Task"));
            def.insert("Resource".into(), Value::from("arn:aws:states:::asl-sim:mocked"));
            Ok(())
        }
        _ => Ok(()),
    }
}

/// What AWS's TestState refuses in `context` and `stateConfiguration`, in its words where
/// its answers are recorded.
fn check_request(state: &Value, options: &TestStateOptions) -> Result<(), String> {
    let mocked = options.result.is_some() || options.error.is_some();
    if let Some(context) = &options.context {
        // The context stands in for an execution that a mock stands in for the rest of (AWS's
        // wording of this refusal is not recorded).
        if !mocked {
            return Err("A context can only be given together with a mock (result or error)".into());
        }
        check_context(context, state)?;
    }
    if let Some(name) = &options.configuration.error_caused_by_state {
        if !inner_state_names(state).iter().any(|n| n == name) {
            return Err(format!("errorCausedByState '{name}' is not a state inside the tested Map or Parallel state"));
        }
    }
    Ok(())
}

/// The names of the states inside a Map's processor or a Parallel's branches, at any depth.
fn inner_state_names(state: &Value) -> Vec<String> {
    let mut names = Vec::new();
    let mut scopes: Vec<&Value> = state.get("Branches").and_then(Value::as_array).map(|b| b.iter().collect()).unwrap_or_default();
    scopes.extend(state.get("ItemProcessor").or_else(|| state.get("Iterator")));
    while let Some(scope) = scopes.pop() {
        for (name, inner) in scope.get("States").and_then(Value::as_object).map(|o| o.iter().collect::<Vec<_>>()).unwrap_or_default() {
            names.push(name.to_string());
            scopes.extend(inner.get("Branches").and_then(Value::as_array).map(|b| b.iter()).into_iter().flatten());
            scopes.extend(inner.get("ItemProcessor").or_else(|| inner.get("Iterator")));
        }
    }
    names
}

/// A given context object as AWS's TestState takes it: only the parts a state outside any
/// Map can see (`Execution`, `State`, `StateMachine`, and `Task` for a state that has a task
/// token), each with only the fields AWS gives it, names and times as strings. `Map` is
/// refused: TestState fills it in itself for a state inside a Map.
fn check_context(context: &Value, state: &Value) -> Result<(), String> {
    let invalid = |m: String| Err(format!("Invalid Context object provided: {m}"));
    let Some(parts) = context.as_object() else { return invalid("the Context object must be a JSON object".into()) };
    let resource = state.get("Resource").and_then(Value::as_str).unwrap_or("");
    let token_task = state.get("Type").and_then(Value::as_str) == Some("Task") && (resource.ends_with(".waitForTaskToken") || resource.contains(".sync"));
    for (part, fields) in parts.iter() {
        // (field, must be a string)
        let allowed: &[(&str, bool)] = match &**part {
            "Execution" => &[("Id", true), ("Input", false), ("Name", true), ("RoleArn", true), ("StartTime", true)],
            "State" => &[("EnteredTime", true), ("Name", true), ("RetryCount", false)],
            "StateMachine" => &[("Id", true), ("Name", true)],
            "Task" if token_task => &[("Token", true)],
            "Task" => return invalid("Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern".into()),
            "Map" => return invalid("'Map' field is not supported when mocking a Context object".into()),
            other => return invalid(format!("Field '{other}' is not allowed")),
        };
        let Some(fields) = fields.as_object() else { return invalid(format!("{part} must be an object")) };
        for (field, value) in fields.iter() {
            match allowed.iter().find(|(name, _)| *name == &**field) {
                None => return invalid(format!("Field '{field}' is not allowed")),
                Some((_, true)) if value.as_str().is_none() => return invalid(format!("{part}.{field} must be a string")),
                Some((_, false)) if &**field == "RetryCount" && !value.as_f64().is_some_and(|n| n >= 0.0 && n.fract() == 0.0) => {
                    return invalid(format!("{part}.{field} must be a non-negative integer"))
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// A Map's `maxConcurrency` (0 when unset) and its tolerated failures (when set), evaluated as
/// the Map would, for its inspection data as AWS's TestState shows it: by testing a Pass state
/// that computes them in the Map's query language.
fn map_counts(map: &Value, input: &str, options: &TestStateOptions) -> Result<Vec<(&'static str, Value)>, String> {
    let jsonata = map.get("QueryLanguage").and_then(Value::as_str) == Some("JSONata");
    let mut fields = Vec::new();
    for (field, key, always) in [
        ("MaxConcurrency", "maxConcurrency", true),
        ("ToleratedFailurePercentage", "toleratedFailurePercentage", false),
        ("ToleratedFailureCount", "toleratedFailureCount", false),
    ] {
        let path = map.get(&format!("{field}Path")).cloned();
        match (map.get(field).cloned(), path) {
            (Some(v), _) => fields.push((key.to_string(), v)),
            (None, Some(p)) if !jsonata => fields.push((format!("{key}.$"), p)),
            _ if always => fields.push((key.to_string(), Value::int(0))),
            _ => {}
        }
    }
    let computed = Value::from_pairs(fields.into_iter().map(|(k, v)| (Rc::from(k), v)).collect::<Vec<_>>());
    let mut pass = vec![("Type", Value::from("Pass")), ("End", Value::Bool(true))];
    if jsonata {
        pass.push(("QueryLanguage", Value::from("JSONata")));
        pass.push(("Output", computed));
    } else {
        pass.push(("Parameters", computed));
    }
    let probe = TestStateOptions { inspection_level: InspectionLevel::Info, variables: options.variables.clone(), context: options.context.clone(), ..TestStateOptions::default() };
    let r = run(&Value::from_pairs(pass), input, &probe, false)?;
    let values = probe_output(&r).unwrap_or(Value::Null);
    let keys = ["maxConcurrency", "toleratedFailurePercentage", "toleratedFailureCount"];
    Ok(keys.into_iter().filter_map(|k| Some((k, values.get(k)?.clone()))).collect())
}

/// A whole state machine given as the definition, as AWS's TestState takes it: the state
/// `state_name` names, wherever it is (in a Parallel's branch or a Map's processor too), with
/// the query language it would have there. `None` when the definition is a single state.
fn whole_machine(definition: &Value, state_name: Option<&str>) -> Result<Option<Value>, String> {
    if definition.get("States").is_none() || definition.get("Type").is_some() {
        return Ok(None);
    }
    let name = state_name.ok_or("A state machine definition needs stateName: the state to test")?;
    fn find(scope: &Value, name: &str, language: &Value) -> Option<(Value, Value)> {
        for (key, state) in scope.get("States")?.as_object()?.iter() {
            let here = state.get("QueryLanguage").cloned().unwrap_or_else(|| language.clone());
            if &**key == name {
                return Some((state.clone(), here));
            }
            let mut inner: Vec<&Value> = state.get("Branches").and_then(Value::as_array).map(|b| b.iter().collect()).unwrap_or_default();
            inner.extend(state.get("ItemProcessor").or_else(|| state.get("Iterator")));
            if let Some(found) = inner.into_iter().find_map(|s| find(s, name, &here)) {
                return Some(found);
            }
        }
        None
    }
    let top = definition.get("QueryLanguage").cloned().unwrap_or(Value::Null);
    let (state, language) = find(definition, name, &top).ok_or_else(|| format!("The state machine has no state named '{name}'"))?;
    let mut state = state.as_object().ok_or("The state definition must be a JSON object")?.as_ref().clone();
    if language.as_str() == Some("JSONata") {
        state.insert("QueryLanguage".into(), language);
    }
    Ok(Some(Value::object(state)))
}

fn response(ex: &Execution, t: &StateTrace, own_next: Option<Rc<str>>, options: &TestStateOptions, state: &Value) -> Value {
    let mut out: Vec<(&str, Value)> = Vec::new();
    let last_error = t.errors.last();
    let status = if t.retries > 0 {
        "RETRIABLE"
    } else if t.caught_by.is_some() {
        "CAUGHT_ERROR"
    } else if t.output.is_some() && ex.outcome().is_none_or(|o| o.error.is_none() || t.next.is_some() || ex.traces().len() > 1) {
        "SUCCEEDED"
    } else if last_error.is_some() || ex.outcome().is_some_and(|o| o.error.is_some()) {
        "FAILED"
    } else {
        "SUCCEEDED"
    };
    let (error, cause) = match (status, last_error, ex.outcome()) {
        ("SUCCEEDED", _, _) => (None, None),
        (_, Some(f), _) => (Some(f.error.clone()), f.cause.clone()),
        (_, None, Some(o)) => (o.error.clone(), o.cause.clone()),
        _ => (None, None),
    };
    if status != "FAILED" && status != "RETRIABLE" {
        if let Some(o) = &t.output {
            out.push(("output", Value::from(o.to_json())));
        }
    }
    if let Some(e) = error.filter(|e| !e.is_empty()) {
        out.push(("error", Value::String(e)));
    }
    if let Some(c) = cause {
        out.push(("cause", Value::String(c)));
    }
    if status == "SUCCEEDED" || status == "CAUGHT_ERROR" {
        let next = if t.caught_by.is_some() { t.next.clone() } else { t.next.clone().or(own_next) };
        if let Some(n) = next {
            out.push(("nextState", Value::String(n)));
        }
    }
    out.push(("status", Value::from(status)));
    if options.inspection_level != InspectionLevel::Info {
        let mut data = inspection_stages(t, state);
        let vars = ex.variables_json();
        // Only when there are variables to show, as AWS does.
        if vars != "{}" {
            data.push(("variables", Value::from(vars)));
        }
        if let Some(details) = error_details(t, status) {
            data.push(("errorDetails", details));
        }
        out.push(("inspectionData", Value::from_pairs(data)));
    }
    Value::from_pairs(out)
}

/// The data-flow stages AWS's TestState shows for this kind of state: a JSONata Task its
/// input, Arguments and result, other JSONata states their input alone; a JSONPath Pass with a
/// `Result` its input and the stages from the result on, one without a `Result` the stages up
/// to `Parameters` (its input when it has none) and those after the result, but no result.
fn inspection_stages(t: &StateTrace, state: &Value) -> Vec<(&'static str, Value)> {
    let text = |v: &Option<Value>| v.as_ref().map(|v| Value::from(v.to_json()));
    let kind = state.get("Type").and_then(Value::as_str).unwrap_or("");
    let jsonata = state.get("QueryLanguage").and_then(Value::as_str) == Some("JSONata");
    let stages: Vec<(&'static str, Option<Value>)> = match (jsonata, kind) {
        (true, "Task") => vec![("afterArguments", text(&t.after_parameters)), ("result", text(&t.result))],
        (true, _) => Vec::new(),
        (false, "Pass") if state.get("Result").is_some() => {
            vec![("result", text(&t.result)), ("afterResultSelector", text(&t.after_result_selector)), ("afterResultPath", text(&t.after_result_path))]
        }
        // A mocked Map's result is the mock, shown after ItemsPath (added by the caller) as the
        // stages that process it.
        (false, "Map") => vec![("afterInputPath", text(&t.after_input_path)), ("afterResultSelector", text(&t.after_result_selector)), ("afterResultPath", text(&t.after_result_path))],
        (false, "Pass") => {
            let after_parameters = text(&t.after_parameters).or_else(|| text(&t.after_input_path));
            vec![
                ("afterInputPath", text(&t.after_input_path)),
                ("afterParameters", after_parameters.clone()),
                ("afterResultSelector", text(&t.after_result_selector).or(after_parameters)),
                ("afterResultPath", text(&t.after_result_path)),
            ]
        }
        (false, _) => vec![
            ("afterInputPath", text(&t.after_input_path)),
            ("afterParameters", text(&t.after_parameters)),
            ("result", text(&t.result)),
            ("afterResultSelector", text(&t.after_result_selector)),
            ("afterResultPath", text(&t.after_result_path)),
        ],
    };
    let mut data = vec![("input", Value::from(t.input.to_json()))];
    data.extend(stages.into_iter().filter_map(|(k, v)| Some((k, v?))));
    data
}

/// AWS's `errorDetails`: the Catch that caught the error (`catchIndex`), or the Retry rule that
/// matched it (`retryIndex`) with, when it retries, the wait before the next attempt; as the
/// engine recorded them in the trace.
fn error_details(t: &StateTrace, status: &str) -> Option<Value> {
    match status {
        "CAUGHT_ERROR" => t.caught_by.map(|i| Value::from_pairs([("catchIndex", Value::int(i as i64))])),
        "RETRIABLE" | "FAILED" => {
            let mut details = vec![("retryIndex", Value::int(t.retried_by? as i64))];
            if let (true, Some(seconds)) = (status == "RETRIABLE", t.retry_backoff_seconds) {
                details.push(("retryBackoffIntervalSeconds", Value::int(seconds as i64)));
            }
            Some(Value::from_pairs(details))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::parse;

    fn run(state: &str, input: &str, options: TestStateOptions) -> Value {
        test_state(&parse(state).unwrap(), input, &options).unwrap()
    }

    #[test]
    fn pass_state_with_every_stage() {
        let r = run(
            r#"{"Type":"Pass","InputPath":"$.a","Parameters":{"x.$":"$.b"},"ResultPath":"$.r","Next":"After"}"#,
            r#"{"a":{"b":1}}"#,
            TestStateOptions { inspection_level: InspectionLevel::Debug, ..Default::default() },
        );
        assert_eq!(r.get("status").unwrap().as_str(), Some("SUCCEEDED"));
        assert_eq!(r.get("nextState").unwrap().as_str(), Some("After"));
        assert_eq!(r.get("output").unwrap().as_str(), Some(r#"{"a":{"b":1},"r":{"x":1}}"#));
        let d = r.get("inspectionData").unwrap();
        assert_eq!(d.get("afterInputPath").unwrap().as_str(), Some(r#"{"b":1}"#));
        assert_eq!(d.get("afterParameters").unwrap().as_str(), Some(r#"{"x":1}"#));
    }

    #[test]
    fn task_errors_are_retriable_caught_or_failed() {
        let task = r#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Retry":[{"ErrorEquals":["Busy"]}],"Catch":[{"ErrorEquals":["Bad"],"Next":"Handle"}],"End":true}"#;
        let err = |e: &str| TestStateOptions { error: Some((e.into(), Some("why".into()))), ..Default::default() };
        let r = run(task, "{}", err("Busy"));
        assert_eq!(r.get("status").unwrap().as_str(), Some("RETRIABLE"));
        let r = run(task, "{}", err("Bad"));
        assert_eq!(r.get("status").unwrap().as_str(), Some("CAUGHT_ERROR"));
        assert_eq!(r.get("nextState").unwrap().as_str(), Some("Handle"));
        let r = run(task, "{}", err("Other"));
        assert_eq!(r.get("status").unwrap().as_str(), Some("FAILED"));
        assert_eq!(r.get("error").unwrap().as_str(), Some("Other"));
        let r = run(task, "{}", TestStateOptions { result: Some(parse(r#"{"Payload":7}"#).unwrap()), ..Default::default() });
        assert_eq!(r.get("output").unwrap().as_str(), Some(r#"{"Payload":7}"#));
    }

    #[test]
    fn variables_are_in_scope() {
        let mut variables = Map::default();
        variables.insert("x".into(), Value::int(41));
        let r = run(
            r#"{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% $x + 1 %}","Assign":{"y":"{% $x %}"},"End":true}"#,
            "{}",
            TestStateOptions { variables, inspection_level: InspectionLevel::Debug, ..Default::default() },
        );
        assert_eq!(r.get("output").unwrap().as_str(), Some("42"));
        assert_eq!(r.get("inspectionData").unwrap().get("variables").unwrap().as_str(), Some(r#"{"x":41,"y":41}"#));
    }

    fn debug() -> TestStateOptions {
        TestStateOptions { inspection_level: InspectionLevel::Debug, ..Default::default() }
    }

    fn stages(r: &Value) -> String {
        r.get("inspectionData").unwrap().as_object().unwrap().iter().map(|(k, _)| k.to_string()).collect::<Vec<_>>().join(",")
    }

    #[test]
    fn inspection_data_has_the_stages_aws_shows() {
        // A Pass without Result: the stages up to Parameters (its input when it has none) and
        // after the result; no result, and no variables when there are none.
        let r = run(r#"{"Type":"Pass","End":true}"#, r#"{"v":1}"#, debug());
        assert_eq!(stages(&r), "input,afterInputPath,afterParameters,afterResultSelector,afterResultPath");
        assert_eq!(r.get("inspectionData").unwrap().get("afterParameters").unwrap().as_str(), Some(r#"{"v":1}"#));
        // With a Result: the input, then the result on.
        let r = run(r#"{"Type":"Pass","InputPath":"$.v","Result":{"k":2},"End":true}"#, r#"{"v":1}"#, debug());
        assert_eq!(stages(&r), "input,result,afterResultSelector,afterResultPath");
        // JSONata: a Task its input, Arguments and result; other states their input.
        let task = r#"{"Type":"Task","QueryLanguage":"JSONata","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"FunctionName":"f"},"End":true}"#;
        let r = run(task, "{}", TestStateOptions { result: Some(parse(r#"{"Payload":7}"#).unwrap()), ..debug() });
        assert_eq!(stages(&r), "input,afterArguments,result");
        assert_eq!(r.get("inspectionData").unwrap().get("afterArguments").unwrap().as_str(), Some(r#"{"FunctionName":"f"}"#));
        let r = run(r#"{"Type":"Pass","QueryLanguage":"JSONata","Output":{"a":1},"End":true}"#, "{}", debug());
        assert_eq!(stages(&r), "input");
    }

    #[test]
    fn error_details_name_the_catch_or_the_retry() {
        let task = r#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Retry":[{"ErrorEquals":["Other"]},{"ErrorEquals":["Busy"],"IntervalSeconds":3,"MaxAttempts":2}],
            "Catch":[{"ErrorEquals":["X"],"Next":"A"},{"ErrorEquals":["States.TaskFailed"],"Next":"B"}],"End":true}"#;
        let err = |e: &str| TestStateOptions { error: Some((e.into(), None)), ..debug() };
        let details = |r: &Value| r.get("inspectionData").unwrap().get("errorDetails").map(|d| d.to_json());
        assert_eq!(details(&run(task, "{}", err("Busy"))).as_deref(), Some(r#"{"retryIndex":1,"retryBackoffIntervalSeconds":3}"#));
        let r = run(task, "{}", err("Boom"));
        assert_eq!((r.get("status").unwrap().as_str(), details(&r).as_deref()), (Some("CAUGHT_ERROR"), Some(r#"{"catchIndex":1}"#)));
        let spent = r#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Retry":[{"ErrorEquals":["Busy"],"MaxAttempts":0}],"End":true}"#;
        let r = run(spent, "{}", err("Busy"));
        assert_eq!((r.get("status").unwrap().as_str(), details(&r).as_deref()), (Some("FAILED"), Some(r#"{"retryIndex":0}"#)));
    }

    #[test]
    fn a_whole_machine_with_the_state_to_test() {
        let machine = r#"{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"Inner","States":{
            "Inner":{"Type":"Pass","Output":"{% $states.input.n + 1 %}","Next":"Last"},"Last":{"Type":"Succeed"}}},"End":true}}}"#;
        let named = |name: &str| TestStateOptions { state_name: Some(name.into()), ..debug() };
        let r = run(machine, r#"{"n":1}"#, named("Inner"));
        assert_eq!((r.get("output").unwrap().as_str(), r.get("nextState").unwrap().as_str()), (Some("2"), Some("Last")));
        assert_eq!(stages(&r), "input", "it runs as the JSONata state it is in its machine");
        let missing = test_state(&parse(machine).unwrap(), "{}", &named("Nope")).unwrap_err();
        assert_eq!(missing, "The state machine has no state named 'Nope'");
        assert!(test_state(&parse(machine).unwrap(), "{}", &debug()).unwrap_err().contains("stateName"));
    }

    #[test]
    fn mocks_as_aws_takes_them() {
        let refused = |state: &str, options: TestStateOptions| test_state(&parse(state).unwrap(), "{}", &options).unwrap_err();
        let mock = || TestStateOptions { result: Some(parse("[1,2]").unwrap()), ..Default::default() };
        assert_eq!(refused(r#"{"Type":"Pass","End":true}"#, mock()), "State type 'Pass' is not supported when a mock is specified");
        // The context AWS's TestState gives: the state is "StateName", and there is no RedriveCount.
        let r = run(r#"{"Type":"Pass","Parameters":{"c.$":"$$"},"End":true}"#, "{}", TestStateOptions::default());
        let c = parse(r.get("output").unwrap().as_str().unwrap()).unwrap();
        assert_eq!(c.get("c").unwrap().get("State").unwrap().get("Name").unwrap().as_str(), Some("StateName"));
        assert!(c.get("c").unwrap().get("Execution").unwrap().get("RedriveCount").is_none());
        assert_eq!(c.get("c").unwrap().get("Execution").unwrap().get("RoleArn"), Some(&Value::Null), "no role was given");
        let map = r#"{"Type":"Map","ItemsPath":"$.xs","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"ResultPath":"$.r","End":true}"#;
        assert!(refused(map, TestStateOptions::default()).starts_with("TestState API does not support Map or Parallel states."));
        assert_eq!(refused(map, TestStateOptions { result: Some(Value::int(1)), ..Default::default() }), "Mocked result must be an array.");
        let parallel = r#"{"Type":"Parallel","Branches":[{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}],"End":true}"#;
        assert_eq!(refused(parallel, mock()), "Mocked result must contain the same number of items as number of Parallel branches.");
        // A Map's inspection data shows its concurrency and tolerated failures, evaluated.
        let jsonata_map = r#"{"Type":"Map","QueryLanguage":"JSONata","Items":"{% $states.input.xs %}","MaxConcurrency":"{% $m := 1 %}","ToleratedFailureCount":2,
            "ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}"#;
        let r = test_state(&parse(jsonata_map).unwrap(), r#"{"xs":[5,6]}"#, &TestStateOptions { inspection_level: InspectionLevel::Debug, ..mock() }).unwrap();
        assert_eq!(r.get("inspectionData").unwrap().to_json(), r#"{"input":"{\"xs\":[5,6]}","maxConcurrency":1,"toleratedFailureCount":2}"#);
        let r = test_state(&parse(map).unwrap(), r#"{"xs":[5,6]}"#, &TestStateOptions { inspection_level: InspectionLevel::Debug, ..mock() }).unwrap();
        assert_eq!(r.get("inspectionData").unwrap().get("maxConcurrency"), Some(&Value::int(0)));
        // The mock is the Map's result, which ResultPath places.
        let r = test_state(&parse(map).unwrap(), r#"{"xs":[5,6]}"#, &mock()).unwrap();
        assert_eq!(r.get("output").unwrap().as_str(), Some(r#"{"xs":[5,6],"r":[1,2]}"#));
    }

    fn configured(c: StateConfiguration, options: TestStateOptions) -> TestStateOptions {
        TestStateOptions { configuration: c, ..options }
    }

    #[test]
    fn retries_already_made_lengthen_the_backoff_or_spend_the_rule() {
        let task = r#"{"Type":"Task","QueryLanguage":"JSONata","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"FunctionName":"f"},
            "Retry":[{"ErrorEquals":["Other"]},{"ErrorEquals":["Boom"],"IntervalSeconds":1,"MaxAttempts":5,"BackoffRate":2.0}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"H"}],"End":true}"#;
        let after = |n: u64| {
            let options = TestStateOptions { error: Some(("Boom".into(), Some("why".into()))), ..debug() };
            run(task, "{}", configured(StateConfiguration { retrier_retry_count: Some(n), ..Default::default() }, options))
        };
        let details = |r: &Value| r.get("inspectionData").unwrap().get("errorDetails").unwrap().to_json();
        let r = after(4);
        assert_eq!((r.get("status").unwrap().as_str(), details(&r).as_str()), (Some("RETRIABLE"), r#"{"retryIndex":1,"retryBackoffIntervalSeconds":16}"#));
        // The rule's attempts are spent: the error goes on to the Catch.
        let r = after(5);
        assert_eq!((r.get("status").unwrap().as_str(), r.get("nextState").unwrap().as_str()), (Some("CAUGHT_ERROR"), Some("H")));
    }

    fn map_with(extra: &str) -> String {
        format!(
            r#"{{"Type":"Map","QueryLanguage":"JSONata","Items":"{{% $states.input.xs %}}","ItemProcessor":{{"StartAt":"Inner","States":{{"Inner":{{"Type":"Pass","End":true}}}}}}{extra},"End":true}}"#
        )
    }

    fn failed_iterations(map: &str, input: &str, failed: u64) -> Value {
        let options = TestStateOptions { result: Some(parse("[1,2,3,4]").unwrap()), ..debug() };
        run(map, input, configured(StateConfiguration { map_iteration_failure_count: Some(failed), ..Default::default() }, options))
    }

    #[test]
    fn failed_iterations_over_the_tolerance_fail_the_map() {
        let xs = r#"{"xs":[1,2,3,4]}"#;
        let caught = map_with(r#","ToleratedFailureCount":1,"Catch":[{"ErrorEquals":["States.ExceedToleratedFailureThreshold"],"Next":"Over"}]"#);
        assert_eq!(failed_iterations(&caught, xs, 1).get("status").unwrap().as_str(), Some("SUCCEEDED"));
        let r = failed_iterations(&caught, xs, 2);
        assert_eq!((r.get("status").unwrap().as_str(), r.get("error").unwrap().as_str()), (Some("CAUGHT_ERROR"), Some(THRESHOLD_ERROR)));
        assert_eq!(r.get("cause").unwrap().as_str(), Some(THRESHOLD_CAUSE));
        // The Map's Retry sees the failure too.
        let retried = map_with(r#","ToleratedFailureCount":0,"Retry":[{"ErrorEquals":["States.ExceedToleratedFailureThreshold"]}]"#);
        assert_eq!(failed_iterations(&retried, xs, 1).get("status").unwrap().as_str(), Some("RETRIABLE"));
        // A percentage is a share of the items: 1 of 4 is 25%.
        let share = map_with(r#","ToleratedFailurePercentage":25"#);
        assert_eq!(failed_iterations(&share, xs, 1).get("status").unwrap().as_str(), Some("SUCCEEDED"));
        assert_eq!(failed_iterations(&share, xs, 2).get("status").unwrap().as_str(), Some("FAILED"));
        // No tolerance named: the mocked result stands.
        let r = failed_iterations(&map_with(""), xs, 3);
        assert_eq!((r.get("status").unwrap().as_str(), r.get("output").unwrap().as_str()), (Some("SUCCEEDED"), Some("[1,2,3,4]")));
        // An ItemReader's items are the data given for it.
        let reader = map_with(r#","ItemReader":{"Resource":"arn:aws:states:::s3:getObject","Arguments":{"Bucket":"b","Key":"k"}},"ToleratedFailurePercentage":50"#);
        let read = |data: &str, failed: u64| {
            let options = TestStateOptions { result: Some(parse("[]").unwrap()), ..debug() };
            let c = StateConfiguration { map_iteration_failure_count: Some(failed), map_item_reader_data: Some(data.into()), ..Default::default() };
            test_state(&parse(&reader).unwrap(), "{}", &configured(c, options))
        };
        assert_eq!(read("[1,2]", 1).unwrap().get("status").unwrap().as_str(), Some("SUCCEEDED"));
        assert_eq!(read("[1,2]", 2).unwrap().get("status").unwrap().as_str(), Some("FAILED"));
        assert!(read("{", 0).unwrap_err().starts_with("mapItemReaderData: The JSON object's content is not valid JSON"));
        // CSV is read as the Map reads it: the header row names the fields, each row an item.
        let csv = map_with(r#","ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW"},"Arguments":{"Bucket":"b","Key":"k"}},"ToleratedFailurePercentage":50"#);
        let read = |data: &str, failed: u64| {
            let options = TestStateOptions { result: Some(parse("[]").unwrap()), ..debug() };
            let c = StateConfiguration { map_iteration_failure_count: Some(failed), map_item_reader_data: Some(data.into()), ..Default::default() };
            test_state(&parse(&csv).unwrap(), "{}", &configured(c, options)).unwrap().get("status").unwrap().as_str().map(String::from)
        };
        assert_eq!(read("a,b\n1,2\n3,4\n5,6\n7,8\n", 2).as_deref(), Some("SUCCEEDED"));
        assert_eq!(read("a,b\n1,2\n3,4\n5,6\n7,8\n", 3).as_deref(), Some("FAILED"));
    }

    #[test]
    fn a_mocked_jsonpath_map_reads_its_items() {
        let map = |path: &str| format!(r#"{{"Type":"Map","ItemsPath":"{path}","ItemProcessor":{{"StartAt":"I","States":{{"I":{{"Type":"Pass","End":true}}}}}},"End":true}}"#);
        let mock = || TestStateOptions { result: Some(parse(r#"["A"]"#).unwrap()), ..debug() };
        let r = run(&map("$.xs"), r#"{"xs":["a"]}"#, mock());
        assert_eq!(stages(&r), "input,afterInputPath,afterResultSelector,afterResultPath,afterItemsPath,maxConcurrency");
        assert_eq!(r.get("inspectionData").unwrap().get("afterItemsPath").unwrap().as_str(), Some(r#"["a"]"#));
        // Items that are no array fail the state, the path named as it points into its object.
        let r = run(&map("$.xs"), r#"{"xs":1}"#, mock());
        assert_eq!((r.get("error").unwrap().as_str(), r.get("cause").unwrap().as_str()), (Some("States.Runtime"), Some(r#"Reference path "$.xs" must point to array."#)));
        assert_eq!(stages(&r), "input,afterInputPath");
        let context = Some(parse(r#"{"Execution":{"Input":{"v":[1]}}}"#).unwrap());
        let r = run(&map("$$.Execution"), "{}", TestStateOptions { context: context.clone(), ..mock() });
        assert_eq!(r.get("cause").unwrap().as_str(), Some(r#"Reference path "$.Execution" must point to array."#));
        let r = run(&map("$$.Execution.Input.v"), "{}", TestStateOptions { context, ..mock() });
        assert_eq!(r.get("inspectionData").unwrap().get("afterItemsPath").unwrap().as_str(), Some("[1]"));
    }

    #[test]
    fn a_given_context_as_aws_takes_it() {
        let task = r#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","ResultSelector":{"c.$":"$$"},"End":true}"#;
        let with = |state: &str, context: &str| {
            let options = TestStateOptions { result: Some(parse("{}").unwrap()), context: Some(parse(context).unwrap()), ..Default::default() };
            test_state(&parse(state).unwrap(), "{}", &options)
        };
        let r = with(task, r#"{"State":{"Name":"Mine","RetryCount":2}}"#).unwrap();
        assert_eq!(r.get("output").unwrap().as_str(), Some(r#"{"c":{"State":{"Name":"Mine","RetryCount":2}}}"#));
        let refused = |context: &str| with(task, context).unwrap_err().trim_start_matches("Invalid Context object provided: ").to_string();
        assert_eq!(refused(r#"{"Execution":{"Id":1}}"#), "Execution.Id must be a string");
        assert_eq!(refused(r#"{"Map":{}}"#), "'Map' field is not supported when mocking a Context object");
        assert_eq!(refused(r#"{"Execution":{"pokemon":"x"}}"#), "Field 'pokemon' is not allowed");
        assert_eq!(refused(r#"{"Pokedex":{}}"#), "Field 'Pokedex' is not allowed");
        assert!(refused(r#"{"Task":{"Token":"t"}}"#).starts_with("Context object contains 'Task' when state is not a Task state"));
        let token_task = r#"{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"t.$":"$$.Task.Token"},"End":true}"#;
        assert!(with(token_task, r#"{"Task":{"Token":"t"}}"#).is_ok());
        // Without a mock there is no context to give.
        let unmocked = TestStateOptions { context: Some(parse("{}").unwrap()), ..Default::default() };
        assert!(test_state(&parse(r#"{"Type":"Pass","End":true}"#).unwrap(), "{}", &unmocked).is_err());
    }

    #[test]
    fn a_listing_readers_data_is_the_listing_as_json() {
        let map = map_with(r#","ItemReader":{"Resource":"arn:aws:states:::s3:listObjectsV2","Arguments":{"Bucket":"b"}},"ToleratedFailurePercentage":50"#);
        let read = |data: &str, failed: u64| {
            let options = TestStateOptions { result: Some(parse("[]").unwrap()), ..debug() };
            let c = StateConfiguration { map_iteration_failure_count: Some(failed), map_item_reader_data: Some(data.into()), ..Default::default() };
            test_state(&parse(&map).unwrap(), "{}", &configured(c, options))
        };
        // Two listed objects: one failure is half of them, two are more.
        for listing in [r#"[{"Key":"a"},{"Key":"b"}]"#, r#"{"Contents":[{"Key":"a"},{"Key":"b"}]}"#] {
            assert_eq!(read(listing, 1).unwrap().get("status").unwrap().as_str(), Some("SUCCEEDED"), "{listing}");
            assert_eq!(read(listing, 2).unwrap().get("status").unwrap().as_str(), Some("FAILED"), "{listing}");
        }
        assert!(read("[{", 0).unwrap_err().starts_with("mapItemReaderData: "));
    }

    #[test]
    fn the_state_an_error_came_from_is_inside_the_map() {
        let map = map_with("");
        let caused_by = |name: &str| {
            let options = TestStateOptions { error: Some(("Boom".into(), None)), ..Default::default() };
            test_state(&parse(&map).unwrap(), r#"{"xs":[1]}"#, &configured(StateConfiguration { error_caused_by_state: Some(name.into()), ..Default::default() }, options))
        };
        assert_eq!(caused_by("Inner").unwrap().get("status").unwrap().as_str(), Some("FAILED"));
        assert!(caused_by("Nowhere").is_err());
    }
}
