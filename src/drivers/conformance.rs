//! Runs one case of the AWS-recorded conformance corpus (the format of
//! `shared/conformance/README.md`): feeds the recorded task responses as mocks, and compares
//! status, output, error and cause (and, separately, the history's event types and state
//! names) under the corpus's placeholder rules.

use crate::definition::model::MachineType;
use crate::definition::parse_definition;
use crate::engine::{Command, Completion, Execution, ExecutionOptions, Limits, Status, TaskRequest};
use crate::value::{parse, Value};
use std::collections::HashMap;
use std::rc::Rc;

#[derive(Debug, Clone)]
pub struct CaseResult {
    pub id: String,
    pub group: String,
    pub passed: bool,
    /// Why it failed (first difference found).
    pub reason: Option<String>,
    /// `Some(matched)` when the case records a history: event types and state names agree.
    pub history_level1: Option<bool>,
    /// Where the history first differs, when it does.
    pub history_diff: Option<String>,
    /// `Some(matched)` when the case records a history: every event agrees in full (the
    /// corpus's levels 2 and 3: details, ids and previousEventIds), and there are no others.
    pub history_exact: Option<bool>,
    /// Where the history first differs in full, when it does.
    pub history_exact_diff: Option<String>,
}

/// Runs a case given as JSON text.
pub fn run_case(text: &str) -> CaseResult {
    let case = match parse(text) {
        Ok(v) => v,
        Err(e) => return failed("?", "?", format!("case file is not JSON: {e}")),
    };
    let id = case.get("id").and_then(Value::as_str).unwrap_or("?").to_string();
    let group = id.split('/').next().unwrap_or("?").to_string();
    match run_parsed(&case) {
        Ok((passed, reason, history, exact)) => {
            let history_diff = history.as_ref().and_then(|h| h.clone().err());
            let history_exact_diff = exact.as_ref().and_then(|h| h.clone().err());
            CaseResult { id, group, passed, reason, history_level1: history.map(|h| h.is_ok()), history_diff, history_exact: exact.map(|h| h.is_ok()), history_exact_diff }
        }
        Err(reason) => failed(&id, &group, reason),
    }
}

fn failed(id: &str, group: &str, reason: String) -> CaseResult {
    CaseResult { id: id.into(), group: group.into(), passed: false, reason: Some(reason), history_level1: None, history_diff: None, history_exact: None, history_exact_diff: None }
}

/// (passed, why not, and when the case records a history: its level-1 and its full comparison).
type CaseRun = (bool, Option<String>, Option<Result<(), String>>, Option<Result<(), String>>);

fn run_parsed(case: &Value) -> Result<CaseRun, String> {
    let def_value = match case.get("definition") {
        Some(Value::String(s)) => parse(s).map_err(|e| format!("definition text is not JSON: {e}"))?,
        Some(v) => v.clone(),
        None => return Err("case has no definition".into()),
    };
    let base = ExecutionOptions {
        account: "111111111111".into(),
        role_arn: "arn:aws:iam::111111111111:role/StepFunctionsRole".into(),
        limits: Limits::default(),
        ..ExecutionOptions::default()
    };
    let ex = execute_case(case, &def_value, base)?;
    let expect = case.get("expect").ok_or("case has no expect")?;
    let outcome = ex.outcome().cloned();
    let status = outcome.as_ref().map_or(Status::Running, |o| o.status);
    let recorded = expect.get("history").and_then(Value::as_array);
    let history = recorded.map(|h| history_level1(h, &ex, &def_value));
    let exact = recorded.map(|h| history_exact(h, &ex));
    let want_status = expect.get("status").and_then(Value::as_str).unwrap_or("");
    if status.as_str() != want_status {
        let detail = outcome.as_ref().map(|o| format!(" ({}: {})", o.error.as_deref().unwrap_or(""), o.cause.as_deref().unwrap_or(""))).unwrap_or_default();
        return Ok((false, Some(format!("status {} != expected {want_status}{detail}", status.as_str())), history, exact));
    }
    let outcome = outcome.ok_or("no outcome")?;
    if status == Status::Succeeded {
        if let Some(want) = expect.get("output") {
            let got = outcome.output.clone().unwrap_or(Value::Null);
            if let Err(diff) = matches(want, &got, "$") {
                return Ok((false, Some(format!("output differs: {diff}; got {}", truncate(&got.to_json()))), history, exact));
            }
        }
    } else {
        if let Some(want) = expect.get("error") {
            let got = outcome.error.as_deref().map(Value::from).unwrap_or(Value::Null);
            if let Err(diff) = matches(want, &got, "error") {
                return Ok((false, Some(format!("error differs: {diff}")), history, exact));
            }
        }
        if let Some(want) = expect.get("cause") {
            let got_text = outcome.cause.as_deref().unwrap_or("");
            let got = match want {
                Value::String(_) | Value::Null => outcome.cause.as_deref().map(Value::from).unwrap_or(Value::Null),
                _ => parse(got_text).unwrap_or_else(|_| Value::from(got_text)),
            };
            if let Err(diff) = matches(want, &got, "cause") {
                return Ok((false, Some(format!("cause differs: {diff}")), history, exact));
            }
        }
    }
    Ok((true, None, history, exact))
}

fn truncate(s: &str) -> String {
    if s.len() > 300 {
        format!("{}…", &s[..s.char_indices().take_while(|(i, _)| *i < 300).last().map_or(0, |(i, c)| i + c.len_utf8())])
    } else {
        s.to_string()
    }
}

/// The recorded responses of one Task state, used in order (or by input inside Map and
/// Parallel, where iterations interleave).
struct MockQueue {
    responses: Vec<Value>,
    used: Vec<bool>,
}

/// Runs a case in the corpus format (definition, `input`/`inputText`, `stateMachineType`,
/// `clock`, `mocks`, `stopExecution`) to its end, answering tasks from its recorded
/// responses. `base` gives the options the case does not set. The CLI's `test` command runs
/// users' cases with the same function.
pub fn execute_case(case: &Value, definition: &Value, base: ExecutionOptions) -> Result<Execution, String> {
    let parsed = parse_definition(definition);
    let machine = match parsed.machine {
        Some(m) => Rc::new(m),
        None => {
            let msgs: Vec<String> = parsed.diagnostics.iter().map(|d| d.to_string()).collect();
            return Err(format!("definition rejected: {}", msgs.join("; ")));
        }
    };
    let input_text = match (case.get("inputText"), case.get("input")) {
        (Some(Value::String(t)), _) => t.to_string(),
        (_, Some(v)) => v.to_json(),
        _ => "{}".into(),
    };
    let mut options = base;
    if case.get("stateMachineType").and_then(Value::as_str) == Some("EXPRESS") {
        options.machine_type = MachineType::Express;
        options.no_redrive_count = case.get("execution").and_then(Value::as_str) == Some("StartSyncExecution");
    }
    if let Some(name) = case.get("name").and_then(Value::as_str) {
        options.machine_name = name.to_string();
    }
    if let Some(ms) = case.get("clock").and_then(Value::as_str).and_then(crate::query::timestamp::parse_runtime_timestamp) {
        options.start_time_ms = ms;
    }
    let mut mocks: HashMap<String, MockQueue> = HashMap::new();
    if let Some(Value::Object(m)) = case.get("mocks") {
        for (state, list) in m.iter() {
            let responses: Vec<Value> = match list {
                Value::Array(a) => a.to_vec(),
                other => vec![other.clone()],
            };
            let used = vec![false; responses.len()];
            mocks.insert(state.to_string(), MockQueue { responses, used });
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
        // Step by step, so that StopExecution lands while its state is active.
        let Some(commands) = ex.step() else {
            if let Some(stop) = &stop_during {
                let entered = ex.history().iter_from(seen_events).any(|e| e.kind().ends_with("StateEntered") && e.state_name() == Some(stop.as_str()));
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
                    for completion in mock_answer(&mut mocks, &request) {
                        ex.complete(completion);
                    }
                }
                Command::WakeAt { time_ms } => ex.complete(Completion::TimeReached { time_ms }),
                // The corpus records no reader content.
                Command::ReadItems(req) => {
                    let cause = req.missing_cause("The conformance case has no content for it:");
                    ex.complete(Completion::ItemsReadFailed { read_id: req.read_id, cause });
                }
                // Writes succeed, as S3 would.
                Command::WriteResults(req) => ex.complete(Completion::ResultsWritten { write_id: req.write_id }),
            }
        }
    }
    Ok(ex)
}

/// Answers a task from the recorded responses.
fn mock_answer(mocks: &mut HashMap<String, MockQueue>, request: &TaskRequest) -> Vec<Completion> {
    let task_id = request.task_id;
    let missing = |cause: String| vec![Completion::TaskFailed { task_id, error: "asl-sim.MockMissing".into(), cause: Some(cause) }];
    let Some(queue) = mocks.get_mut(&*request.state_name) else {
        return missing(format!("The test gives no mocked response for Task state '{}'", request.state_name));
    };
    let unused = |i: usize| !queue.used[i];
    let by_input = (0..queue.responses.len()).find(|&i| unused(i) && queue.responses[i].get("input").is_some_and(|want| matches(want, &request.input, "$").is_ok()));
    let next = (0..queue.responses.len()).find(|&i| unused(i));
    let Some(index) = by_input.or(next) else {
        return missing(format!("The test's mocked responses for Task state '{}' are used up ({} given)", request.state_name, queue.responses.len()));
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
        // The task never answers; the engine's clock decides.
        out.push(Completion::TaskWillNotAnswer { task_id });
    } else {
        out.push(Completion::TaskFailed {
            task_id,
            error: "asl-sim.BadMock".into(),
            cause: Some(format!("A mocked response for Task state '{}' has none of return, throw, timeout, pending", request.state_name)),
        });
    }
    out
}

/// A placeholder is a `<...>` token without whitespace or quotes.
fn is_placeholder(s: &str) -> bool {
    s.len() >= 3 && s.starts_with('<') && s.ends_with('>') && !s[1..s.len() - 1].contains(|c: char| c.is_whitespace() || c == '"' || c == '\'')
}

/// Matches text against a pattern in which each placeholder stands for any substring.
fn matches_template(pattern: &str, text: &str) -> bool {
    // Literal pieces between placeholders.
    let mut pieces: Vec<String> = vec![String::new()];
    let mut i = 0;
    let mut has_placeholder = false;
    while i < pattern.len() {
        let rest = &pattern[i..];
        if let Some(after) = rest.strip_prefix('<') {
            if let Some(len) = after.find(['>', '<']).filter(|l| rest.as_bytes()[1 + l] == b'>') {
                let candidate = &rest[..len + 2];
                if is_placeholder(candidate) {
                    pieces.push(String::new());
                    has_placeholder = true;
                    i += candidate.len();
                    continue;
                }
            }
        }
        let ch = rest.chars().next().unwrap_or(' ');
        if let Some(last) = pieces.last_mut() {
            last.push(ch);
        }
        i += ch.len_utf8();
    }
    if !has_placeholder {
        return pattern == text;
    }
    let first = &pieces[0];
    let last = &pieces[pieces.len() - 1];
    if text.len() < first.len() + last.len() || !text.starts_with(first.as_str()) || !text.ends_with(last.as_str()) {
        return false;
    }
    let mut pos = first.len();
    let end = text.len() - last.len();
    for piece in &pieces[1..pieces.len() - 1] {
        match text.get(pos..end).and_then(|t| t.find(piece.as_str())) {
            Some(i) => pos += i + piece.len(),
            None => return false,
        }
    }
    pos <= end
}

/// Compares an expected value (with placeholders) to an actual one.
pub fn matches(want: &Value, got: &Value, at: &str) -> Result<(), String> {
    match (want, got) {
        (Value::String(w), _) if is_placeholder(w) => Ok(()),
        (Value::String(w), Value::String(g)) => {
            if w == g || (w.contains('<') && matches_template(w, g)) || (w.contains("date") && looks_like_date_variant(w, g)) {
                Ok(())
            } else {
                Err(format!("at {at}: expected {:?}, got {:?}", truncate(w), truncate(g)))
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            if a == b {
                Ok(())
            } else {
                Err(format!("at {at}: expected {}, got {}", want.to_json(), got.to_json()))
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return Err(format!("at {at}: expected {} items, got {}", a.len(), b.len()));
            }
            for (i, (x, y)) in a.iter().zip(b.iter()).enumerate() {
                matches(x, y, &format!("{at}[{i}]"))?;
            }
            Ok(())
        }
        (Value::Object(a), Value::Object(b)) => {
            for (k, x) in a.iter() {
                match b.get(k) {
                    Some(y) => matches(x, y, &format!("{at}.{k}"))?,
                    None => return Err(format!("at {at}: missing key {k:?}")),
                }
            }
            if let Some(extra) = b.keys().find(|k| !a.contains_key(*k)) {
                return Err(format!("at {at}: unexpected key {extra:?}"));
            }
            Ok(())
        }
        (Value::String(w), other) if w.starts_with('{') || w.starts_with('[') => {
            // JSON text compared with a parsed value.
            match parse(w) {
                Ok(wv) => matches(&wv, other, at),
                Err(_) => Err(format!("at {at}: expected {:?}, got {}", truncate(w), truncate(&other.to_json()))),
            }
        }
        _ => {
            if want == got {
                Ok(())
            } else {
                Err(format!("at {at}: expected {}, got {}", truncate(&want.to_json()), truncate(&got.to_json())))
            }
        }
    }
}

/// The recorder sometimes replaced ISO timestamps inside longer strings by the word `date`.
fn looks_like_date_variant(want: &str, got: &str) -> bool {
    let pieces: Vec<&str> = want.split("date").collect();
    if pieces.len() < 2 {
        return false;
    }
    let pattern = pieces.join("<date>");
    matches_template(&pattern, got)
}

/// Levels 2 and 3: every recorded event agrees with ours in full (timestamps are not recorded),
/// and we have no other events. Details AWS carries as JSON text are compared as values where
/// the recording parsed them.
fn history_exact(want: &[Value], ex: &Execution) -> Result<(), String> {
    let h = ex.history();
    if want.len() != h.len() {
        return Err(format!("{} events, expected {}", h.len(), want.len()));
    }
    for (i, w) in want.iter().enumerate() {
        let text = h.event_json(i).ok_or("an event is missing")?;
        let got = parse(&text).map_err(|e| format!("event {} is not JSON: {e}", i + 1))?;
        let got = Value::from_pairs(got.as_object().map(|o| o.iter().filter(|(k, _)| &***k != "timestamp").map(|(k, v)| (k.clone(), as_recorded(w.get(k), v))).collect::<Vec<_>>()).unwrap_or_default());
        let kind = w.get("type").and_then(Value::as_str).unwrap_or("?");
        matches(w, &got, &format!("event {} ({kind})", i + 1))?;
    }
    Ok(())
}

/// Our event detail in the recording's shape: JSON text parsed where the recorder parsed it.
fn as_recorded(want: Option<&Value>, got: &Value) -> Value {
    match (want, got) {
        (Some(w @ Value::Object(_)), Value::Object(o)) => Value::from_pairs(o.iter().map(|(k, v)| (k.clone(), as_recorded(w.get(k), v))).collect::<Vec<_>>()),
        (Some(w), Value::String(text)) if !matches!(w, Value::String(_)) => parse(text).unwrap_or_else(|_| got.clone()),
        _ => got.clone(),
    }
}

/// Level 1: event types and state names, as a sequence (or a multiset when Map/Parallel
/// interleave branches).
fn history_level1(want: &[Value], ex: &Execution, def: &Value) -> Result<(), String> {
    let key = |ty: &str, name: Option<&str>| format!("{ty}:{}", name.unwrap_or(""));
    let want_keys: Vec<String> = want
        .iter()
        .map(|e| {
            let ty = e.get("type").and_then(Value::as_str).unwrap_or("");
            let name = e
                .get("stateEnteredEventDetails")
                .or_else(|| e.get("stateExitedEventDetails"))
                .and_then(|d| d.get("name"))
                .and_then(Value::as_str);
            key(ty, name)
        })
        .collect();
    let got_keys: Vec<String> = ex.history().iter().map(|e| key(e.kind(), if e.kind().contains("StateE") { e.state_name() } else { None })).collect();
    let text = def.to_json();
    if text.contains("\"Parallel\"") || text.contains("\"Map\"") {
        let mut a = want_keys;
        let mut b = got_keys;
        a.sort();
        b.sort();
        if a == b {
            return Ok(());
        }
        let missing: Vec<&String> = a.iter().filter(|k| !b.contains(k)).take(3).collect();
        let extra: Vec<&String> = b.iter().filter(|k| !a.contains(k)).take(3).collect();
        Err(format!("multiset differs ({} vs {} events); missing {missing:?}, extra {extra:?}", a.len(), b.len()))
    } else {
        match want_keys.iter().zip(got_keys.iter()).position(|(a, b)| a != b) {
            None if want_keys.len() == got_keys.len() => Ok(()),
            None => Err(format!("length {} vs expected {}", got_keys.len(), want_keys.len())),
            Some(i) => Err(format!("event {}: got {} expected {}", i + 1, got_keys[i], want_keys[i])),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_match_any_value_or_substring() {
        let want = parse(r#"{"a":"<uuid:1>","b":"arn:<partition>:states:<region>:111:execution:<x>:<y>","c":1.0}"#).unwrap();
        let got = parse(r#"{"a":{"deep":true},"b":"arn:aws:states:us-east-1:111:execution:m:e","c":1}"#).unwrap();
        assert!(matches(&want, &got, "$").is_ok());
        let bad = parse(r#"{"a":1,"b":"arn:aws:lambda:us-east-1:111:execution:m:e","c":1}"#).unwrap();
        assert!(matches(&want, &bad, "$").is_err());
        assert!(matches(&parse(r#"{"a":1}"#).unwrap(), &parse(r#"{"a":1,"b":2}"#).unwrap(), "$").is_err());
    }

    #[test]
    fn runs_a_small_case() {
        let case = r#"{"id":"base/x","definition":{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"a":1},"End":true}}},
            "input":{},"expect":{"status":"SUCCEEDED","output":{"a":1},"history":[
            {"id":1,"previousEventId":0,"type":"ExecutionStarted"},{"id":2,"previousEventId":0,"type":"PassStateEntered","stateEnteredEventDetails":{"name":"P"}},
            {"id":3,"previousEventId":2,"type":"PassStateExited","stateExitedEventDetails":{"name":"P"}},{"id":4,"previousEventId":3,"type":"ExecutionSucceeded"}]}}"#;
        let r = run_case(case);
        assert!(r.passed, "{:?}", r.reason);
        assert_eq!(r.history_level1, Some(true), "{:?}", r.history_diff);
        let wrong = case.replace(r#""output":{"a":1}"#, r#""output":{"a":2}"#);
        assert!(!run_case(&wrong).passed);
    }
}
