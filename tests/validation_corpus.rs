//! Definition validation against the AWS-recorded corpus (../shared/conformance):
//!
//! - every validation case must agree with AWS on valid/invalid; where AWS recorded the
//!   diagnostics (ValidateStateMachineDefinition) or the InvalidDefinition message
//!   (CreateStateMachine), we count how many agree fully on codes, messages and locations;
//! - every definition of the execution cases ran on AWS, so it must validate with no ERROR.

mod common;
use common::{corpus_dir, json_files};
use asl_sim::definition::validate::{invalid_definition_message, is_valid, validate, ValidateOptions};
use asl_sim::definition::{Diagnostic, MachineType};
use asl_sim::value::{parse, Value};


/// Full agreement reached on the validation cases (codes, messages, locations).
const MIN_VALIDATION_FULL: usize = 20;
/// Execution definitions validating with zero ERROR diagnostics, at least.
const MIN_EXECUTION_CLEAN: usize = 879;

fn options(case: &Value) -> ValidateOptions {
    let express = case.get("stateMachineType").and_then(Value::as_str) == Some("EXPRESS");
    ValidateOptions { machine_type: if express { MachineType::Express } else { MachineType::Standard }, substitutions: None }
}

/// Matches text against an expected string in which `<placeholder>` tokens stand for anything.
fn placeholder_match(expected: &str, actual: &str) -> bool {
    fn tokens(s: &str) -> Vec<Option<&str>> {
        // None = placeholder, Some(literal)
        let mut out = Vec::new();
        let mut rest = s;
        while let Some(open) = rest.find('<') {
            let after = &rest[open + 1..];
            match after.find('>') {
                Some(close) if close > 0 && !after[..close].contains(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == '<') => {
                    out.push(Some(&rest[..open]));
                    out.push(None);
                    rest = &after[close + 1..];
                }
                _ => {
                    out.push(Some(&rest[..open + 1]));
                    rest = after;
                }
            }
        }
        out.push(Some(rest));
        out
    }
    fn go(t: &[Option<&str>], a: &str) -> bool {
        match t.split_first() {
            None => a.is_empty(),
            Some((Some(lit), rest)) => a.strip_prefix(lit).is_some_and(|r| go(rest, r)),
            Some((None, rest)) => (0..=a.len()).filter(|i| a.is_char_boundary(*i)).any(|i| go(rest, &a[i..])),
        }
    }
    go(&tokens(expected), actual)
}

fn show(ds: &[Diagnostic]) -> String {
    ds.iter().map(|d| format!("  {} {} {:?} at {:?} ({}:{})", d.severity.as_str(), d.code, d.message, d.location, d.line, d.column)).collect::<Vec<_>>().join("\n")
}

#[test]
fn validation_cases_agree_with_aws() {
    let dir = corpus_dir().join("validation");
    if !dir.is_dir() {
        println!("skipped: {} not found", dir.display());
        return;
    }
    let (mut total, mut valid_agree, mut full_agree) = (0, 0, 0);
    let mut disagreements = Vec::new();
    for f in json_files(&dir) {
        let case = parse(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let text = case.get("definition").and_then(Value::as_str).unwrap_or("").to_string();
        let expect = case.get("expect").unwrap();
        let expected_valid = expect.get("valid") == Some(&Value::Bool(true));
        let diags = validate(&text, options(&case));
        total += 1;
        let ok_valid = is_valid(&diags) == expected_valid;
        if ok_valid {
            valid_agree += 1;
        }
        let full = if let Some(expected) = expect.get("diagnostics").and_then(Value::as_array) {
            expected.len() == diags.len()
                && expected.iter().zip(&diags).all(|(e, d)| {
                    e.get("code").and_then(Value::as_str) == Some(d.code)
                        && e.get("severity").and_then(Value::as_str) == Some(d.severity.as_str())
                        && e.get("message").and_then(Value::as_str).is_some_and(|m| placeholder_match(m, &d.message))
                        && e.get("location").and_then(Value::as_str).unwrap_or("") == d.location
                })
        } else if let Some(m) = expect.get("message").and_then(Value::as_str) {
            invalid_definition_message(&diags).is_some_and(|ours| placeholder_match(m, &ours))
        } else {
            ok_valid
        };
        if ok_valid && full {
            full_agree += 1;
        } else {
            disagreements.push(format!(
                "{}\n expected: {}\n ours ({}):\n{}\n as message: {:?}",
                f.display(),
                expect.to_json(),
                if is_valid(&diags) { "valid" } else { "invalid" },
                show(&diags),
                invalid_definition_message(&diags)
            ));
        }
    }
    for d in &disagreements {
        println!("{d}");
    }
    println!("validation cases: {total}; valid/invalid agree: {valid_agree}; fully agree (codes, messages, locations): {full_agree}");
    assert_eq!(valid_agree, total, "every validation case must agree on valid/invalid");
    assert!(full_agree >= MIN_VALIDATION_FULL, "fully agreeing cases fell to {full_agree}");
}

#[test]
fn execution_definitions_have_no_errors() {
    let dir = corpus_dir().join("cases");
    if !dir.is_dir() {
        println!("skipped: {} not found", dir.display());
        return;
    }
    let (mut total, mut clean) = (0, 0);
    let mut offenders = Vec::new();
    for f in json_files(&dir) {
        let case = parse(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let Some(def) = case.get("definition") else { continue };
        let text = match def {
            Value::String(s) => s.to_string(),
            other => asl_sim::value::to_json_pretty(other),
        };
        total += 1;
        let errors: Vec<Diagnostic> = validate(&text, options(&case)).into_iter().filter(|d| d.severity.as_str() == "ERROR").collect();
        if errors.is_empty() {
            clean += 1;
        } else {
            offenders.push(format!("{}\n{}", f.display(), show(&errors)));
        }
    }
    for o in &offenders {
        println!("false alarm: {o}");
    }
    println!("execution definitions: {total}; with zero errors: {clean}; false alarms: {}", offenders.len());
    assert!(offenders.is_empty(), "{} execution definitions got errors", offenders.len());
    assert!(clean >= MIN_EXECUTION_CLEAN, "clean definitions fell to {clean}");
}
