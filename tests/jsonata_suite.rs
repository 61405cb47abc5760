//! Runs the official JSONata test suite (`../shared/jsonata-suite`, see its README) against
//! our evaluator and fails if fewer cases pass than `tests/jsonata_baseline.txt` records.
//!
//! Set `JSONATA_SUITE_VERBOSE=1` to print every failing case, `JSONATA_SUITE_GROUP=name` to
//! run one group.

use asl_sim::query::jsonata::{CompileOptions, EvalOptions, Expression};
use asl_sim::value::{self, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

struct Case {
    group: String,
    name: String,
    expr: String,
    input: Option<Value>,
    bindings: Vec<(String, Value)>,
    depth: Option<usize>,
    expect: Expect,
    unordered: bool,
}

enum Expect {
    Result(Value),
    Undefined,
    Code(String),
}

enum Outcome {
    Pass,
    Fail(String),
}

/// Our own parser keeps object key order (which results depend on). It rejects lone
/// surrogate escapes, which a few cases use (as JavaScript allows): those become U+FFFD.
fn read_json(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    value::parse(&text).ok().or_else(|| {
        let fixed = text.replace("\\ud800", "\\ufffd").replace("\\uD800", "\\ufffd");
        value::parse(&fixed).ok()
    })
}

fn load(root: &Path, only: Option<&str>) -> Vec<Case> {
    let mut datasets: BTreeMap<String, Value> = BTreeMap::new();
    if let Ok(rd) = std::fs::read_dir(root.join("datasets")) {
        for e in rd.flatten() {
            let p = e.path();
            if let (Some(stem), Some(v)) = (p.file_stem().and_then(|s| s.to_str()), read_json(&p)) {
                datasets.insert(stem.to_string(), v);
            }
        }
    }
    let mut groups: Vec<PathBuf> = std::fs::read_dir(root.join("groups")).map(|rd| rd.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    groups.sort();
    let mut cases = Vec::new();
    for g in groups {
        let group = g.file_name().and_then(|s| s.to_str()).unwrap_or("").to_string();
        if only.is_some_and(|o| o != group) {
            continue;
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(&g)
            .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "json")).collect())
            .unwrap_or_default();
        files.sort();
        for f in files {
            let fname = f.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_string();
            let Some(doc) = read_json(&f) else {
                cases.push(Case {
                    group: group.clone(),
                    name: fname,
                    expr: String::new(),
                    input: None,
                    bindings: vec![],
                    depth: None,
                    expect: Expect::Code("unreadable case file".into()),
                    unordered: false,
                });
                continue;
            };
            let list = match doc {
                Value::Array(a) => a.to_vec(),
                other => vec![other],
            };
            let many = list.len() > 1;
            for (i, c) in list.into_iter().enumerate() {
                let name = if many { format!("{fname}[{i}]") } else { fname.clone() };
                let expr = match (c.get("expr"), c.get("expr-file")) {
                    (Some(Value::String(e)), _) => e.to_string(),
                    (_, Some(Value::String(file))) => std::fs::read_to_string(g.join(&**file)).unwrap_or_default(),
                    _ => String::new(),
                };
                let input = if let Some(d) = c.get("data") {
                    Some(d.clone())
                } else {
                    match c.get("dataset") {
                        Some(Value::String(n)) => datasets.get(&**n).cloned(),
                        _ => None,
                    }
                };
                let bindings = match c.get("bindings") {
                    Some(Value::Object(m)) => m.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
                    _ => vec![],
                };
                let code = c.get("code").and_then(|v| v.as_str()).or_else(|| c.get("error").and_then(|e| e.get("code")).and_then(|v| v.as_str()));
                let expect = if let Some(code) = code {
                    Expect::Code(code.to_string())
                } else if let Some(r) = c.get("result") {
                    Expect::Result(r.clone())
                } else {
                    Expect::Undefined
                };
                cases.push(Case {
                    group: group.clone(),
                    name,
                    expr,
                    input,
                    bindings,
                    depth: c.get("depth").and_then(|d| d.as_f64()).map(|d| d as usize),
                    expect,
                    unordered: c.get("unordered").and_then(|u| u.as_bool()).unwrap_or(false),
                });
            }
        }
    }
    cases
}

/// Structural equality; numbers by value with a small relative tolerance.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64(), y.as_f64());
            x == y || (x - y).abs() <= 1e-10 * x.abs().max(y.abs())
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| same(p, q)),
        (Value::Object(x), Value::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w))),
        _ => a == b,
    }
}

fn same_unordered(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            let mut used = vec![false; y.len()];
            x.iter().all(|p| {
                let found = y.iter().enumerate().find(|(i, q)| !used[*i] && same(p, q));
                match found {
                    Some((i, _)) => {
                        used[i] = true;
                        true
                    }
                    None => false,
                }
            })
        }
        _ => same(a, b),
    }
}

fn run(case: &Case) -> Outcome {
    let opts = CompileOptions { operators_2_1: true };
    let compiled = Expression::compile_with(&case.expr, &opts);
    let mut eval_opts = EvalOptions::default();
    if let Some(d) = case.depth {
        eval_opts.max_depth = d;
    }
    let result = compiled.and_then(|e| {
        let lookup = |name: &str| case.bindings.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        e.evaluate_with(case.input.as_ref(), &lookup, &eval_opts)
    });
    match (&case.expect, result) {
        (Expect::Code(c), Err(e)) if *c == e.code => Outcome::Pass,
        (Expect::Code(c), Err(e)) => Outcome::Fail(format!("expected error {c}, got error {} ({})", e.code, e.message)),
        (Expect::Code(c), Ok(v)) => Outcome::Fail(format!("expected error {c}, got {}", v.map_or("undefined".into(), |v| v.to_json()))),
        (Expect::Undefined, Ok(None)) => Outcome::Pass,
        (Expect::Undefined, Ok(Some(v))) => Outcome::Fail(format!("expected undefined, got {}", v.to_json())),
        (Expect::Result(r), Ok(Some(v))) if (case.unordered && same_unordered(r, &v)) || same(r, &v) => Outcome::Pass,
        (Expect::Result(r), Ok(v)) => Outcome::Fail(format!("expected {}, got {}", r.to_json(), v.map_or("undefined".into(), |v| v.to_json()))),
        (_, Err(e)) => Outcome::Fail(format!("error {}: {}", e.code, e.message)),
    }
}

#[test]
fn jsonata_suite() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/jsonata-suite");
    if !root.join("groups").is_dir() {
        eprintln!("jsonata suite: skipped, {} not found", root.display());
        return;
    }
    let only = std::env::var("JSONATA_SUITE_GROUP").ok();
    let verbose = std::env::var("JSONATA_SUITE_VERBOSE").is_ok();
    let only2 = only.clone();
    // Debug builds use large stack frames; the deepest cases need room (release wasm does not).
    let handle = std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(move || {
            let cases = load(&root, only2.as_deref());
            let mut passed = 0;
            let mut panics = 0;
            let mut failures: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for case in &cases {
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(case)));
                match outcome {
                    Ok(Outcome::Pass) => passed += 1,
                    Ok(Outcome::Fail(why)) => failures.entry(case.group.clone()).or_default().push(format!("{}: {} => {}", case.name, case.expr.trim(), why)),
                    Err(_) => {
                        panics += 1;
                        failures.entry(case.group.clone()).or_default().push(format!("{}: {} => PANIC", case.name, case.expr.trim()));
                    }
                }
            }
            (passed, cases.len(), panics, failures)
        })
        .expect("spawn suite thread");
    let (passed, total, panics, failures) = handle.join().expect("suite thread");
    for (group, list) in &failures {
        eprintln!("  {group}: {} failing", list.len());
        if verbose {
            for f in list {
                let short: String = f.chars().take(1500).collect();
                eprintln!("      {short}");
            }
        }
    }
    eprintln!("jsonata suite: {passed}/{total} passed, {panics} panics");
    assert_eq!(panics, 0, "panics in the JSONata suite");
    if only.is_none() {
        let baseline: usize = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/jsonata_baseline.txt"))
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
        assert!(passed >= baseline, "jsonata suite regressed: {passed} passed, baseline {baseline}");
    }
}
