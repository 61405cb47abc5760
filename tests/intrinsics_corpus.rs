//! Development aid until the engine exists: runs the AWS-recorded `intrinsic_functions` cases
//! whose machine is a chain of JSONPath Pass states, using only the query layer (InputPath,
//! Parameters, Result, ResultPath, OutputPath), and compares with what AWS produced.

use asl_sim::query::path::Path;
use asl_sim::query::template::Template;
use asl_sim::query::{QueryError, Scope};
use asl_sim::value::{parse, Value};

mod common;
use common::{corpus_dir, json_files};

/// Cases that must pass (the count reached when this test was written).
const MIN_PASSING: usize = 107;

const CONTEXT: &str = r#"{
  "Execution": {
    "Id": "arn:aws:states:us-east-1:111111111111:execution:machine-name:exec-name",
    "Input": null,
    "Name": "exec-name",
    "RoleArn": "arn:aws:iam::111111111111:role/role-name",
    "StartTime": "2024-03-06T10:29:14.000Z",
    "RedriveCount": 0
  },
  "StateMachine": {
    "Id": "arn:aws:states:us-east-1:111111111111:stateMachine:machine-name",
    "Name": "machine-name"
  },
  "State": {"EnteredTime": "2024-03-06T10:29:14.000Z", "Name": "", "RetryCount": 0}
}"#;

fn is_placeholder(s: &str) -> bool {
    s.len() > 2
        && s.starts_with('<')
        && s.ends_with('>')
        && !s[1..s.len() - 1].contains(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\''))
}

/// Literal pieces of `s` around its placeholders; `None` when it has none.
fn pieces(s: &str) -> Option<Vec<String>> {
    let mut out = vec![String::new()];
    let mut found = false;
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        if rest.starts_with('<') {
            if let Some(close) = rest.find('>') {
                if is_placeholder(&rest[..close + 1]) {
                    out.push(String::new());
                    found = true;
                    i += close + 1;
                    continue;
                }
            }
        }
        let c = rest.chars().next().unwrap_or_default();
        if let Some(last) = out.last_mut() {
            last.push(c);
        }
        i += c.len_utf8().max(1);
    }
    found.then_some(out)
}

/// Glob match: literals in order, each placeholder standing for any substring.
fn glob(expected: &str, actual: &str) -> bool {
    let Some(lits) = pieces(expected) else { return expected == actual };
    let (first, rest) = lits.split_first().expect("at least one piece");
    let Some(mut tail) = actual.strip_prefix(first.as_str()) else { return false };
    let n = rest.len();
    for (i, lit) in rest.iter().enumerate() {
        if i + 1 == n {
            return tail.ends_with(lit.as_str());
        }
        match tail.find(lit.as_str()) {
            Some(at) => tail = &tail[at + lit.len()..],
            None => return false,
        }
    }
    true
}

fn matches(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::String(e), _) if is_placeholder(e) => true,
        (Value::String(e), Value::String(a)) => glob(e, a),
        (Value::Array(e), Value::Array(a)) => e.len() == a.len() && e.iter().zip(a.iter()).all(|(x, y)| matches(x, y)),
        (Value::Object(e), Value::Object(a)) => {
            e.len() == a.len() && e.iter().all(|(k, v)| a.get(k).is_some_and(|w| matches(v, w)))
        }
        _ => expected == actual,
    }
}

enum Outcome {
    Output(Value),
    Failed { error: String, cause: String },
}

/// Runs the Pass chain; `None` when the machine uses something this harness cannot run.
fn run(def: &Value, input: Value) -> Option<Outcome> {
    if def.get("QueryLanguage").is_some_and(|q| q.as_str() != Some("JSONPath")) {
        return None;
    }
    let states = def.get("States")?.as_object()?;
    let mut name = def.get("StartAt")?.as_str()?.to_string();
    let mut context = parse(CONTEXT).ok()?;
    if let Some(m) = context.make_object_mut() {
        if let Some(exec) = m.get_mut("Execution").and_then(|e| e.make_object_mut()) {
            exec.insert("Input".into(), input.clone());
        }
    }
    let mut current = input;
    let mut event_id = 2;
    let mut rng = asl_sim::query::intrinsics::SplitMix64::new(1);
    for _ in 0..100 {
        let state = states.get(name.as_str())?.as_object()?;
        let allowed = ["Type", "Next", "End", "Parameters", "ResultPath", "OutputPath", "InputPath", "Result", "Comment"];
        if state.get("Type")?.as_str()? != "Pass" || state.keys().any(|k| !allowed.contains(&&**k)) {
            return None;
        }
        let fail = |e: QueryError, name: &str, id: i32| Outcome::Failed {
            error: e.error.to_string(),
            cause: format!("An error occurred while executing the state '{name}' (entered at the event id #{id}). {}", e.message),
        };
        let scope_input = current.clone();
        let step = (|| -> Result<Value, QueryError> {
            let effective = match state.get("InputPath") {
                Some(Value::Null) => Value::empty_object(),
                Some(Value::String(p)) => {
                    let path = Path::parse(p).map_err(QueryError::runtime)?;
                    path.select_required(&Scope::new(&scope_input, &context))?
                }
                _ => scope_input.clone(),
            };
            let result = if let Some(params) = state.get("Parameters") {
                let t = Template::compile(params).map_err(QueryError::runtime)?;
                t.evaluate(&Scope::new(&effective, &context), &mut || rng.next_u64())?
            } else if let Some(r) = state.get("Result") {
                r.clone()
            } else {
                effective.clone()
            };
            let with_result = match state.get("ResultPath") {
                Some(Value::Null) => scope_input.clone(),
                Some(Value::String(p)) => Path::parse(p).map_err(QueryError::runtime)?.set(&scope_input, result)?,
                _ => result,
            };
            match state.get("OutputPath") {
                Some(Value::Null) => Ok(Value::empty_object()),
                Some(Value::String(p)) => {
                    Path::parse(p).map_err(QueryError::runtime)?.select_required(&Scope::new(&with_result, &context))
                }
                _ => Ok(with_result),
            }
        })();
        match step {
            Ok(v) => current = v,
            Err(e) => return Some(fail(e, &name, event_id)),
        }
        if state.get("End").and_then(Value::as_bool) == Some(true) {
            return Some(Outcome::Output(current));
        }
        name = state.get("Next")?.as_str()?.to_string();
        event_id += 2;
    }
    None
}

#[test]
fn intrinsic_functions_corpus() {
    let Some((passed, total)) = run_group("intrinsic_functions") else { return };
    assert!(passed >= MIN_PASSING, "only {passed}/{total} cases passed; expected at least {MIN_PASSING}");
}

/// Other groups (comma-separated in `ASL_CORPUS_GROUPS`), reported but not asserted.
#[test]
fn other_groups_report() {
    for group in std::env::var("ASL_CORPUS_GROUPS").unwrap_or_default().split(',').filter(|g| !g.is_empty()) {
        run_group(group);
    }
}

/// Runs the runnable cases of a group; (passed, total), or `None` when the corpus is missing.
fn run_group(group: &str) -> Option<(usize, usize)> {
    let dir = corpus_dir().join("cases").join(group);
    if !dir.is_dir() {
        println!("skipped: corpus not found at {}", dir.display());
        return None;
    }
    let files = json_files(&dir);
    let (mut total, mut passed, mut skipped) = (0usize, 0usize, 0usize);
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        let Ok(case) = parse(&text) else { continue };
        let id = case.get("id").and_then(Value::as_str).unwrap_or("?").to_string();
        let Some(def) = case.get("definition").filter(|d| d.as_object().is_some()) else {
            skipped += 1;
            continue;
        };
        let input = match case.get("inputText").and_then(Value::as_str) {
            Some(t) => parse(t).unwrap_or(Value::Null),
            None => case.get("input").cloned().unwrap_or(Value::Null),
        };
        let Some(outcome) = run(def, input) else {
            skipped += 1;
            continue;
        };
        total += 1;
        let expect = case.get("expect").cloned().unwrap_or_default();
        let status = expect.get("status").and_then(Value::as_str).unwrap_or("");
        let ok = match (&outcome, status) {
            (Outcome::Output(out), "SUCCEEDED") => expect.get("output").is_some_and(|e| matches(e, out)),
            (Outcome::Failed { error, cause }, "FAILED") => {
                expect.get("error").and_then(Value::as_str) == Some(error.as_str())
                    && expect.get("cause").is_none_or(|c| matches(c, &Value::from(cause.as_str())))
            }
            _ => false,
        };
        if ok {
            passed += 1;
        } else {
            let got = match &outcome {
                Outcome::Output(v) => v.to_json(),
                Outcome::Failed { error, cause } => format!("FAILED {error}: {cause}"),
            };
            println!("MISMATCH {id}\n  expected: {status} {}\n  got:      {got}", expect.get("output").map(|o| o.to_json()).unwrap_or_default());
        }
    }
    println!("{group} corpus: {passed}/{total} passed ({skipped} skipped: JSONata or not a Pass chain)");
    Some((passed, total))
}

#[test]
fn placeholder_glob() {
    assert!(glob("a<x>b<y>c", "a123b45c"));
    assert!(glob("fst=<E> and snd={Id=arn:<p>:x, Name=<A>}.", "fst=e1 and snd={Id=arn:aws:x, Name=m}."));
    assert!(!glob("a<x>b", "a1c"));
    assert!(glob("1 < 2 <x>", "1 < 2 zz"));
}
