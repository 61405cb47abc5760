//! `testState`: runs one state on its own, as AWS's TestState API does, and answers in its
//! shape: `status` (SUCCEEDED, FAILED, RETRIABLE, CAUGHT_ERROR), `output`, `error`, `cause`,
//! `nextState`, and at DEBUG level the `inspectionData` of every data-flow stage.
//!
//! The state runs inside a one-state machine whose transitions end there; a Task's service
//! call is answered by the given `result` or `error` (the engine never calls AWS).

use super::api_shapes::{check_mock, FieldValidation};
use super::execution::{Command, Completion, Execution, ExecutionOptions};
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
}

/// Runs `state` (a state definition object) on `input` (JSON text). The error is a message
/// (an invalid state definition or input).
pub fn test_state(state: &Value, input: &str, options: &TestStateOptions) -> Result<Value, String> {
    // AWS's TestState names the state "StateName" in its context when it is not told a name.
    let name: Rc<str> = options.state_name.as_deref().unwrap_or("StateName").into();
    let selected;
    let state = match whole_machine(state, options.state_name.as_deref())? {
        Some(s) => {
            selected = s;
            &selected
        }
        None => state,
    };
    let mut def = state.as_object().ok_or("The state definition must be a JSON object")?.as_ref().clone();
    refuse_or_stand_in(&mut def, options)?;
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
    let mut ex = Execution::start(Rc::new(machine), input, ExecutionOptions { trace: true, no_redrive_count: true, role_arn: String::new(), ..ExecutionOptions::default() })?;
    ex.seed_variables(&options.variables);

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
            }
        }
    }
    let trace = ex.traces().first().cloned().unwrap_or_default();
    let mut response = response(&ex, &trace, own_next, options, state);
    if options.inspection_level != InspectionLevel::Info && state.get("Type").and_then(Value::as_str) == Some("Map") {
        let counts = map_counts(state, input, options)?;
        if let Some(Value::Object(data)) = response.make_object_mut().and_then(|o| o.get_mut("inspectionData")) {
            let data = Rc::make_mut(data);
            for (k, v) in counts {
                data.insert(k.into(), v);
            }
        }
    }
    Ok(response)
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
    let probe = TestStateOptions { inspection_level: InspectionLevel::Info, variables: options.variables.clone(), ..TestStateOptions::default() };
    let r = test_state(&Value::from_pairs(pass), input, &probe)?;
    let values = r.get("output").and_then(Value::as_str).and_then(|t| crate::value::parse(t).ok()).unwrap_or(Value::Null);
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
}
