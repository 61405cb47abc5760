//! Runs the AWS-recorded choice-operator cases (../shared/conformance/cases/choice_operators)
//! through the Choice Rule parser and evaluator: each case is a Choice state followed by Pass
//! states whose `Result` is the expected output. The conformance step runs the same cases
//! through the whole engine; this runs them on the Choice layer alone, so that a failure
//! points at the rule parser or evaluator rather than at the engine around them.

use asl_sim::definition::choice::{parse_choice_rule, ChoiceRule};
use asl_sim::definition::Diagnostics;
use asl_sim::engine::choice::choose;
use asl_sim::query::{QueryError, Scope};
use asl_sim::value::{parse, Value};

mod common;
use common::{corpus_dir, json_files};

enum Outcome {
    Succeeded(Value),
    Failed(QueryError),
}

fn run(definition: &Value, input: &Value) -> Result<Outcome, String> {
    let states = definition.get("States").ok_or("no States")?;
    let mut current = definition.get("StartAt").and_then(Value::as_str).ok_or("no StartAt")?.to_string();
    let context = Value::empty_object();
    let mut data = input.clone();
    for _ in 0..16 {
        let state = states.get(&current).ok_or_else(|| format!("no state {current}"))?;
        let pointer = format!("/States/{current}");
        match state.get("Type").and_then(Value::as_str) {
            Some("Choice") => {
                let mut diags = Diagnostics::default();
                let mut rules: Vec<ChoiceRule> = Vec::new();
                for (i, r) in state.get("Choices").and_then(Value::as_array).ok_or("no Choices")?.iter().enumerate() {
                    if let Some(rule) = parse_choice_rule(r, &format!("{pointer}/Choices/{i}"), true, &mut diags) {
                        rules.push(rule);
                    }
                }
                if !diags.items.is_empty() {
                    return Err(format!("diagnostics: {:?}", diags.items));
                }
                let scope = Scope::new(&data, &context);
                let chosen = match choose(&rules, &scope) {
                    Ok(c) => c,
                    Err(e) => return Ok(Outcome::Failed(e)),
                };
                current = match chosen.and_then(|r| r.next.as_deref()) {
                    Some(next) => next.to_string(),
                    None => match state.get("Default").and_then(Value::as_str) {
                        Some(d) => d.to_string(),
                        None => {
                            return Ok(Outcome::Failed(QueryError::new(
                                "States.NoChoiceMatched",
                                format!("No Choice Rule matched and no Default: {current}"),
                            )))
                        }
                    },
                };
            }
            Some("Pass") => {
                if let Some(result) = state.get("Result") {
                    data = result.clone();
                }
                if state.get("End").and_then(Value::as_bool) == Some(true) {
                    return Ok(Outcome::Succeeded(data));
                }
                current = state.get("Next").and_then(Value::as_str).ok_or("Pass without Next/End")?.to_string();
            }
            other => return Err(format!("unsupported state type {other:?}")),
        }
    }
    Err("too many transitions".into())
}

fn check(case: &Value) -> Result<(), String> {
    let definition = match case.get("definition").ok_or("no definition")? {
        Value::String(text) => parse(text).map_err(|e| e.to_string())?,
        v => v.clone(),
    };
    let input = match case.get("inputText").and_then(Value::as_str) {
        Some(text) => parse(text).map_err(|e| e.to_string())?,
        None => case.get("input").cloned().unwrap_or_else(Value::empty_object),
    };
    let expect = case.get("expect").ok_or("no expect")?;
    let status = expect.get("status").and_then(Value::as_str).unwrap_or("");
    match (run(&definition, &input)?, status) {
        (Outcome::Succeeded(out), "SUCCEEDED") => {
            let want = expect.get("output").cloned().unwrap_or(Value::Null);
            if out == want {
                Ok(())
            } else {
                Err(format!("output {} != expected {}", out.to_json(), want.to_json()))
            }
        }
        (Outcome::Failed(e), "FAILED") => {
            let want_error = expect.get("error").and_then(Value::as_str);
            if want_error.is_some_and(|w| w != e.error) {
                return Err(format!("error {} != expected {want_error:?}", e.error));
            }
            match expect.get("cause").and_then(Value::as_str) {
                Some(cause) if !cause.ends_with(&e.message) => Err(format!("cause {:?} != expected {cause:?}", e.message)),
                _ => Ok(()),
            }
        }
        (Outcome::Succeeded(out), s) => Err(format!("succeeded with {} but expected {s}", out.to_json())),
        (Outcome::Failed(e), s) => Err(format!("failed with {}: {} but expected {s}", e.error, e.message)),
    }
}

#[test]
fn choice_operator_corpus() {
    let dir = corpus_dir().join("cases/choice_operators");
    if !dir.is_dir() {
        println!("skipping: corpus not found at {}", dir.display());
        return;
    }
    let files = json_files(&dir);
    let mut failures = Vec::new();
    for file in &files {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let result = std::fs::read_to_string(file)
            .map_err(|e| e.to_string())
            .and_then(|text| parse(&text).map_err(|e| e.to_string()))
            .and_then(|case| check(&case));
        if let Err(why) = result {
            failures.push(format!("{name}: {why}"));
        }
    }
    println!("choice_operators: {}/{} passed", files.len() - failures.len(), files.len());
    for f in &failures {
        println!("  FAIL {f}");
    }
    assert!(!files.is_empty(), "no cases in {}", dir.display());
    assert!(failures.is_empty(), "{} of {} cases failed", failures.len(), files.len());
}

/// Every Choice state anywhere in the execution corpus (all valid definitions) parses without
/// diagnostics.
#[test]
fn every_corpus_choice_rule_parses() {
    fn walk(states: &Value, pointer: &str, found: &mut usize, problems: &mut Vec<String>) {
        let Some(map) = states.as_object() else { return };
        for (name, state) in map.iter() {
            let here = format!("{pointer}/{name}");
            if state.get("Type").and_then(Value::as_str) == Some("Choice") {
                for (i, r) in state.get("Choices").and_then(Value::as_array).map(|a| a.as_slice()).unwrap_or(&[]).iter().enumerate() {
                    *found += 1;
                    let mut diags = Diagnostics::default();
                    let at = format!("{here}/Choices/{i}");
                    if parse_choice_rule(r, &at, true, &mut diags).is_none() || !diags.items.is_empty() {
                        problems.push(format!("{at}: {:?}", diags.items.iter().map(|d| &d.message).collect::<Vec<_>>()));
                    }
                }
            }
            for key in ["Iterator", "ItemProcessor"] {
                if let Some(sub) = state.get(key).and_then(|p| p.get("States")) {
                    walk(sub, &format!("{here}/{key}/States"), found, problems);
                }
            }
            if let Some(branches) = state.get("Branches").and_then(Value::as_array) {
                for (b, branch) in branches.iter().enumerate() {
                    if let Some(sub) = branch.get("States") {
                        walk(sub, &format!("{here}/Branches/{b}/States"), found, problems);
                    }
                }
            }
        }
    }
    let root = corpus_dir().join("cases");
    if !root.is_dir() {
        println!("skipping: corpus not found at {}", root.display());
        return;
    }
    let (mut found, mut problems) = (0, Vec::new());
    for file in json_files(&root) {
        let Some(case) = std::fs::read_to_string(&file).ok().and_then(|t| parse(&t).ok()) else { continue };
        let definition = match case.get("definition") {
            Some(Value::String(text)) => match parse(text) {
                Ok(v) => v,
                Err(_) => continue,
            },
            Some(v) => v.clone(),
            None => continue,
        };
        if let Some(states) = definition.get("States") {
            let before = problems.len();
            walk(states, "/States", &mut found, &mut problems);
            for p in &mut problems[before..] {
                *p = format!("{}: {p}", file.display());
            }
        }
    }
    println!("{found} corpus Choice rules parsed, {} with problems", problems.len());
    for p in &problems {
        println!("  {p}");
    }
    assert!(problems.is_empty());
}
