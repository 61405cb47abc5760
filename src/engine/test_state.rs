//! `testState`: runs one state on its own, as AWS's TestState API does, and answers in its
//! shape: `status` (SUCCEEDED, FAILED, RETRIABLE, CAUGHT_ERROR), `output`, `error`, `cause`,
//! `nextState`, and at DEBUG level the `inspectionData` of every data-flow stage.
//!
//! The state runs inside a one-state machine whose transitions end there; a Task's service
//! call is answered by the given `result` or `error` (the engine never calls AWS).

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
}

/// Runs `state` (a state definition object) on `input` (JSON text). The error is a message
/// (an invalid state definition or input).
pub fn test_state(state: &Value, input: &str, options: &TestStateOptions) -> Result<Value, String> {
    let name: Rc<str> = options.state_name.as_deref().unwrap_or("TestState").into();
    let mut def = state.as_object().ok_or("The state definition must be a JSON object")?.as_ref().clone();
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
    let mut ex = Execution::start(Rc::new(machine), input, ExecutionOptions { trace: true, ..ExecutionOptions::default() })?;
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
    Ok(response(&ex, &trace, own_next, options))
}

fn response(ex: &Execution, t: &StateTrace, own_next: Option<Rc<str>>, options: &TestStateOptions) -> Value {
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
        let text = |v: &Option<Value>| v.as_ref().map(|v| Value::from(v.to_json()));
        let mut data: Vec<(&str, Value)> = vec![("input", Value::from(t.input.to_json()))];
        let jsonata = t.after_input_path.is_none();
        for (key, v) in [
            ("afterInputPath", text(&t.after_input_path)),
            (if jsonata { "afterArguments" } else { "afterParameters" }, text(&t.after_parameters)),
            ("result", text(&t.result)),
            ("afterResultSelector", text(&t.after_result_selector)),
            ("afterResultPath", text(&t.after_result_path)),
        ] {
            if let Some(v) = v {
                data.push((key, v));
            }
        }
        let vars = ex.variables_json();
        data.push(("variables", Value::from(vars)));
        out.push(("inspectionData", Value::from_pairs(data)));
    }
    Value::from_pairs(out)
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
}
