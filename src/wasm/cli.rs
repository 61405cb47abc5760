//! What the command line (`bin/asl-sim.js`) needs beyond the JS API: validation of JSON or YAML
//! text with `${Name}` substitutions, a run fed by recorded mocks (the test-case format of the
//! conformance corpus, which users' tests share), and the conformance runner itself.
//!
//! Every export takes and returns JSON text, and never panics on bad input: what is wrong with
//! the input comes back in the answer.

use std::collections::HashMap;

use crate::definition::model::MachineType;
use crate::definition::source::{parse_source, substitute};
use crate::definition::validate::{validate_source, ValidateOptions};
use crate::definition::Severity;
use crate::drivers::conformance::{execute_case, run_case};
use crate::engine::ExecutionOptions;
use crate::value::{parse, Value};

use super::abi::{answer, arg};
use super::diagnostics_json;

/// `cliValidate(text, options)`: see [`cli_validate`].
///
/// # Safety
/// The arguments follow `abi.rs`'s convention.
#[no_mangle]
pub unsafe extern "C" fn asl_cli_validate(tp: *mut u8, tl: usize, tc: usize, op: *mut u8, ol: usize, oc: usize) -> u32 {
    let (text, options) = unsafe { (arg(tp, tl, tc), arg(op, ol, oc)) };
    answer(Ok(cli_validate(&text, &options)))
}

/// `cliConformanceCase(text)`: see [`cli_conformance_case`].
///
/// # Safety
/// The argument follows `abi.rs`'s convention.
#[no_mangle]
pub unsafe extern "C" fn asl_cli_conformance_case(tp: *mut u8, tl: usize, tc: usize) -> u32 {
    let text = unsafe { arg(tp, tl, tc) };
    answer(Ok(cli_conformance_case(&text)))
}

/// `cliRunTest(case)`: see [`cli_run_test`].
///
/// # Safety
/// The argument follows `abi.rs`'s convention.
#[no_mangle]
pub unsafe extern "C" fn asl_cli_run_test(tp: *mut u8, tl: usize, tc: usize) -> u32 {
    let text = unsafe { arg(tp, tl, tc) };
    answer(Ok(cli_run_test(&text)))
}

/// Validates definition text (JSON or YAML). `options`: `{"type": "STANDARD"|"EXPRESS",
/// "substitutions": {"Name": "value", ...} | null}`; with a substitutions object (even empty),
/// every `${Name}` placeholder is replaced first and one without a value is an error.
///
/// Returns `{"format": "JSON"|"YAML"|null, "valid": bool, "diagnostics": [...],
/// "definition": "<the definition as JSON text, substitutions applied>" | null}`; `definition`
/// is the original text when it is JSON and nothing was substituted (so positions still hold).
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
/// "historyLevel1": bool|null, "historyDiff", "historyExact": bool|null, "historyExactDiff"}`.
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
        ("historyExact", r.history_exact.map_or(Value::Null, Value::Bool)),
        ("historyExactDiff", opt(r.history_exact_diff)),
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
    let ex = execute_case(&case, &definition, ExecutionOptions::default())?;
    let mut result = match ex.outcome() {
        Some(o) => crate::drivers::native::outcome_value(o),
        None => Value::from_pairs([("status", Value::string("RUNNING"))]),
    };
    let history = parse(&ex.history_json()).unwrap_or(Value::array(Vec::new()));
    if let Some(m) = result.make_object_mut() {
        m.insert("history".into(), history);
    }
    Ok(result.to_json())
}

