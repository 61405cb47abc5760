//! What the command line (`bin/asl-sim.js`) needs beyond the JS API: validation of JSON or YAML
//! text with `${Name}` substitutions, a run fed by recorded mocks (the test-case format of the
//! conformance corpus, which users' tests share), and the conformance runner itself.
//!
//! Every export takes and returns JSON text, and never panics on bad input: what is wrong with
//! the input comes back in the answer.

use std::collections::HashMap;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use crate::definition::model::MachineType;
use crate::definition::source::{parse_source, substitute};
use crate::definition::validate::{validate_source, ValidateOptions};
use crate::definition::{parse_definition, Severity};
use crate::drivers::conformance::{matches, run_case};
use crate::engine::{Command, Completion, Execution, ExecutionOptions, TaskRequest};
use crate::value::{parse, Value};

use super::diagnostics_json;

/// Validates definition text (JSON or YAML). `options`: `{"type": "STANDARD"|"EXPRESS",
/// "substitutions": {"Name": "value", ...} | null}`; with a substitutions object (even empty),
/// every `${Name}` placeholder is replaced first and one without a value is an error.
///
/// Returns `{"format": "JSON"|"YAML"|null, "valid": bool, "diagnostics": [...],
/// "definition": "<the definition as JSON text, substitutions applied>" | null}`; `definition`
/// is the original text when it is JSON and nothing was substituted (so positions still hold).
#[wasm_bindgen(js_name = cliValidate)]
pub fn cli_validate(text: &str, options: &str) -> String {
    let options = parse(options).unwrap_or(Value::Null);
    let machine_type = match options.get("type").and_then(Value::as_str) {
        Some("EXPRESS") => MachineType::Express,
        _ => MachineType::Standard,
    };
    let substitutions: Option<HashMap<String, String>> = options.get("substitutions").and_then(Value::as_object).map(|m| {
        m.iter().map(|(k, v)| (k.to_string(), v.as_str().map(String::from).unwrap_or_else(|| v.to_json()))).collect()
    });
    let validate_options = ValidateOptions { machine_type, substitutions: substitutions.clone() };
    let validation = validate_source(text, &validate_options);
    let valid = !validation.diagnostics.iter().any(|d| d.severity == Severity::Error);
    let (substituted, changed) = match &substitutions {
        Some(values) => {
            let (s, _, _) = substitute(text, values);
            let changed = s != text;
            (s, changed)
        }
        None => (text.to_string(), false),
    };
    let definition = match parse_source(&substituted) {
        Ok((_, _, crate::definition::SourceFormat::Json)) if !changed => Value::string(text),
        Ok((value, _, _)) if value.as_object().is_some() => Value::String(value.to_json().into()),
        _ => Value::Null,
    };
    let diagnostics = parse(&diagnostics_json(&validation.diagnostics)).unwrap_or(Value::array(Vec::new()));
    Value::from_pairs([
        ("format", validation.format.map_or(Value::Null, |f| Value::string(f.as_str()))),
        ("valid", Value::Bool(valid)),
        ("diagnostics", diagnostics),
        ("definition", definition),
    ])
    .to_json()
}

/// Runs one conformance case (the corpus format) natively: `{"id","group","passed","reason",
/// "historyLevel1": bool|null, "historyDiff"}`.
#[wasm_bindgen(js_name = cliConformanceCase)]
pub fn cli_conformance_case(text: &str) -> String {
    let r = run_case(text);
    let opt = |s: Option<String>| s.map_or(Value::Null, |s| Value::String(s.into()));
    Value::from_pairs([
        ("id", Value::String(r.id.into())),
        ("group", Value::String(r.group.into())),
        ("passed", Value::Bool(r.passed)),
        ("reason", opt(r.reason)),
        ("historyLevel1", r.history_level1.map_or(Value::Null, Value::Bool)),
        ("historyDiff", opt(r.history_diff)),
    ])
    .to_json()
}

/// Runs a test case: `{"definition": {...} | "<JSON text>", "input"?, "inputText"?,
/// "stateMachineType"?, "clock"?, "stopExecution"?: {"duringState"}, "mocks"?: {"<State>":
/// [{"return": v} | {"throw": {"error","cause"}} | {"timeout": ...} | {"pending": true}, ...]}}`.
/// A response may carry `"submitted"` (the first answer of a `.sync`/`.waitForTaskToken` call)
/// and `"input"` (answer the call whose input matches, for Map and Parallel iterations).
///
/// Returns `{"status","output"?,"error"?,"cause"?,"history":[...]}`, or `{"problem": "..."}`
/// when the case cannot run (no definition, a definition with errors, input not JSON).
#[wasm_bindgen(js_name = cliRunTest)]
pub fn cli_run_test(case: &str) -> String {
    match run_test(case) {
        Ok(v) => v,
        Err(problem) => Value::from_pairs([("problem", Value::String(problem.into()))]).to_json(),
    }
}

fn run_test(text: &str) -> Result<String, String> {
    let case = parse(text).map_err(|e| format!("the test case is not JSON: {e}"))?;
    let definition = match case.get("definition") {
        Some(Value::String(s)) => parse(s).map_err(|e| format!("the definition is not JSON: {e}"))?,
        Some(v @ Value::Object(_)) => v.clone(),
        _ => return Err("the test case has no definition".into()),
    };
    let parsed = parse_definition(&definition);
    let machine = match parsed.machine {
        Some(m) => Rc::new(m),
        None => {
            let msgs: Vec<String> = parsed.diagnostics.iter().map(|d| d.to_string()).collect();
            return Err(format!("the definition has errors: {}", msgs.join("; ")));
        }
    };
    let input_text = match (case.get("inputText"), case.get("input")) {
        (Some(Value::String(t)), _) => t.to_string(),
        (_, Some(v)) => v.to_json(),
        _ => "{}".into(),
    };
    let mut options = ExecutionOptions::default();
    if case.get("stateMachineType").and_then(Value::as_str) == Some("EXPRESS") {
        options.machine_type = MachineType::Express;
    }
    if let Some(name) = case.get("name").and_then(Value::as_str) {
        options.machine_name = name.to_string();
    }
    if let Some(ms) = case.get("clock").and_then(Value::as_str).and_then(crate::query::timestamp::parse_runtime_timestamp) {
        options.start_time_ms = ms;
    }
    let mut mocks: HashMap<String, Mocks> = HashMap::new();
    if let Some(Value::Object(m)) = case.get("mocks") {
        for (state, list) in m.iter() {
            let responses: Vec<Value> = match list {
                Value::Array(a) => a.to_vec(),
                other => vec![other.clone()],
            };
            let used = vec![false; responses.len()];
            mocks.insert(state.to_string(), Mocks { responses, used });
        }
    }
    let stop_during = case.get("stopExecution").and_then(|s| s.get("duringState")).and_then(Value::as_str).map(String::from);

    let mut ex = Execution::start(machine, &input_text, options)?;
    let mut seen_events = 0;
    let mut steps = 0u64;
    loop {
        steps += 1;
        if steps > 50_000_000 {
            return Err("the execution did not settle".into());
        }
        let Some(commands) = ex.step() else {
            if let Some(stop) = &stop_during {
                let entered = ex.history().events[seen_events..].iter().any(|e| e.kind.ends_with("StateEntered") && e.state_name() == Some(stop.as_str()));
                seen_events = ex.history().len();
                if entered && ex.outcome().is_none() {
                    ex.complete(Completion::Stop { error: None, cause: None });
                    break;
                }
            }
            continue;
        };
        if commands.is_empty() {
            break;
        }
        for command in commands {
            match command {
                Command::InvokeTask(request) => {
                    for completion in answer(&mut mocks, &request) {
                        ex.complete(completion);
                    }
                }
                Command::WakeAt { time_ms } => ex.complete(Completion::TimeReached { time_ms }),
            }
        }
    }
    let mut pairs: Vec<(&str, Value)> = Vec::new();
    match ex.outcome() {
        Some(o) => {
            pairs.push(("status", Value::string(o.status.as_str())));
            if let Some(out) = &o.output {
                pairs.push(("output", out.clone()));
            }
            if let Some(e) = &o.error {
                pairs.push(("error", Value::String(e.clone())));
            }
            if let Some(c) = &o.cause {
                pairs.push(("cause", Value::String(c.clone())));
            }
        }
        None => pairs.push(("status", Value::string("RUNNING"))),
    }
    let history = parse(&ex.history_json()).unwrap_or(Value::array(Vec::new()));
    pairs.push(("history", history));
    Ok(Value::from_pairs(pairs).to_json())
}

/// The responses recorded for one Task state, used in order (or by input).
struct Mocks {
    responses: Vec<Value>,
    used: Vec<bool>,
}

fn answer(mocks: &mut HashMap<String, Mocks>, request: &TaskRequest) -> Vec<Completion> {
    let task_id = request.task_id;
    let missing = |cause: String| vec![Completion::TaskFailed { task_id, error: "asl-sim.MockMissing".into(), cause: Some(cause) }];
    let Some(queue) = mocks.get_mut(&*request.state_name) else {
        return missing(format!("The test gives no mocked response for Task state '{}'", request.state_name));
    };
    let unused = |i: usize| !queue.used[i];
    let by_input = (0..queue.responses.len()).find(|&i| unused(i) && queue.responses[i].get("input").is_some_and(|want| matches(want, &request.input, "$").is_ok()));
    let next = (0..queue.responses.len()).find(|&i| unused(i));
    let Some(index) = by_input.or(next) else {
        return missing(format!(
            "The test's mocked responses for Task state '{}' are used up ({} given)",
            request.state_name,
            queue.responses.len()
        ));
    };
    queue.used[index] = true;
    let response = &queue.responses[index];
    let mut out = Vec::new();
    if let Some(submitted) = response.get("submitted") {
        out.push(Completion::TaskSubmitted { task_id, output: submitted.clone() });
    }
    if let Some(v) = response.get("return") {
        out.push(Completion::TaskSucceeded { task_id, output: v.clone() });
    } else if let Some(t) = response.get("throw") {
        let error = t.get("error").and_then(Value::as_str).unwrap_or("").to_string();
        let cause = t.get("cause").map(|c| c.as_str().map(String::from).unwrap_or_else(|| c.to_json()));
        out.push(Completion::TaskFailed { task_id, error, cause });
    } else if response.get("timeout").is_some() || response.get("pending").is_some() {
        out.push(Completion::TaskWillNotAnswer { task_id });
    } else {
        out.push(Completion::TaskFailed {
            task_id,
            error: "asl-sim.BadMock".into(),
            cause: Some(format!(
                "A mocked response for Task state '{}' has none of return, throw, timeout, pending",
                request.state_name
            )),
        });
    }
    out
}
