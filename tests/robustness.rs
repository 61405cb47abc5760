//! Bad input never crashes the engine: a deterministic mutation test.
//!
//! Every definition and input of the conformance corpus (`../shared/conformance`, when it is
//! there) and a list of hand-written nasty cases are mutated with a seeded PRNG (fields
//! dropped, duplicated, renamed; values swapped for other types, huge numbers, odd strings,
//! deep nesting, broken JSONPath / intrinsics / JSONata; self-loops; states wrapped in Map
//! and Parallel), then parsed, validated and run with the native driver. Tasks are answered
//! with odd values (null, huge arrays, deep values, errors with empty names, no answer).
//!
//! Each case runs under `catch_unwind`; a panic names the case and fails the test. Runs are
//! bounded by a transition cap and a history cap, so a hang shows up as a test timeout, and
//! each outcome must be well formed (a final status with what that status needs, a history
//! that is valid JSON).
//!
//! `ROBUSTNESS_ITERATIONS` (default 6) sets the number of mutation rounds over the corpus;
//! `ROBUSTNESS_SEED` the seed; `ROBUSTNESS_VERBOSE=1` prints each case before it runs (to
//! name the input when a stack overflow aborts the process).

mod common;
use common::{corpus_dir, json_files};
use asl_sim::definition::parse_definition_text;
use asl_sim::drivers::native::{drive, TaskAnswer};
use asl_sim::engine::{ExecutionOptions, Limits, Status, TaskRequest};
use asl_sim::engine::Execution;
use asl_sim::value::{self, Map, Value};
use std::rc::Rc;

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

fn nested_array(depth: usize) -> String {
    "[".repeat(depth) + &"]".repeat(depth)
}

fn nested_object_text(depth: usize) -> String {
    "{\"a\":".repeat(depth) + "1" + &"}".repeat(depth)
}

/// Odd JSON values (as text) to put anywhere.
fn nasty_value_texts() -> Vec<String> {
    let mut v: Vec<String> = [
        "null", "true", "false", "0", "-0", "-0.0", "1e308", "-1e308", "1e-320", "12345678901234567890123", "-9223372036854775808",
        "9223372036854775807", "18446744073709551616", "4294967296", "2147483648", "-1", "0.5", "1.7976931348623157e308", "99999999",
        "\"\"", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"1e308\"", "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\u0000\"", "\"é𝄞中\"",
        "\"$\"", "\"$$\"", "\"$.\"", "\"$..\"", "\"$[\"", "\"$.a[?(@.b\"", "\"$.a[-1:]\"", "\"$.a[99999999999999999999]\"",
        "\"$.a[?(@.b == 'x')]\"", "\"$..*\"", "\"$['a']['b'\"", "\"$.a.length()\"", "\"$$.Execution.Input\"", "\"$$.Map.Item.Value\"",
        "\"States.Format('{}{}', $.a)\"", "\"States.Array(\"", "\"States.StringToJson($.a)\"", "\"States.MathAdd(1e308, 1e308)\"",
        "\"States.ArrayRange(0, 99999999, 1)\"", "\"States.ArrayRange(0, 10, 0)\"", "\"States.StringSplit('', '')\"",
        "\"States.Base64Decode('%%%')\"", "\"States.Hash('', 'MD5')\"", "\"States.MathRandom(5, 1)\"", "\"States.ArrayPartition($, 0)\"",
        "\"States.ArrayGetItem($, -1)\"", "\"States.UUID(\"", "\"States.JsonMerge($, $, true)\"", "\"States.Format('\\\\{')\"",
        "\"{% %}\"", "\"{% ( %}\"", "\"{% $reduce([1..100000], function($a, $b){ {'a': $a} }, {}) %}\"",
        "\"{% $f := function($n){ $n = 0 ? [] : [$f($n - 1)] }; $f(100000) %}\"", "\"{% [1..10000000] %}\"",
        "\"{% $string($states.input) %}\"", "\"{% $states.input.** %}\"", "\"{% $eval('$eval(\\\"1\\\")') %}\"",
        "\"{% $substring('é𝄞中', 1, 1) %}\"", "\"{% $pad('x', 99999999) %}\"", "\"{% 1e308 * 10 %}\"", "\"{% $power(2, 99999) %}\"",
        "\"{% $formatNumber(1e308, '#,##0.00') %}\"", "\"{% $toMillis('99999-01-01') %}\"", "\"{% $fromMillis(1e308) %}\"",
        "\"1970-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59.999Z\"", "\"+275760-09-13T00:00:00Z\"", "\"2024-02-30T25:61:61Z\"",
        "[]", "{}", "[null]", "{\"\":null}", "{\"Next\":\"Next\"}", "[[[[]]]]",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push(format!("\"{}\"", "x".repeat(300_000)));
    v.push(format!("\"{}\"", "é".repeat(5000)));
    v.push(format!("\"$.{}\"", ["a"; 3000].join(".")));
    v.push(format!("\"{}\"", "States.Array(".repeat(2000) + &")".repeat(2000)));
    v.push(format!("\"{{% {} %}}\"", "[".repeat(3000) + &"]".repeat(3000)));
    v.push(nested_array(value::MAX_DEPTH));
    v.push(nested_object_text(value::MAX_DEPTH - 1));
    v.push(format!("[{}]", vec!["1"; 20_000].join(",")));
    v
}

/// Builds a handful of values the task handler answers with.
fn odd_outputs() -> Vec<Value> {
    let mut deep = Value::Null;
    for _ in 0..value::MAX_DEPTH - 2 {
        deep = Value::from_pairs([("a", deep)]);
    }
    vec![
        Value::Null,
        Value::empty_object(),
        Value::array((0..50_000).map(Value::int).collect()),
        deep,
        Value::from("x".repeat(300_000)),
        value::parse("{\"Payload\":{\"a\":[1,2,{\"b\":null}]},\"StatusCode\":200}").unwrap(),
        value::parse("1e308").unwrap(),
        value::parse("-0").unwrap(),
        value::parse("12345678901234567890123").unwrap(),
    ]
}

struct Case {
    label: String,
    definition: String,
    input: String,
}

/// Definitions and inputs from the corpus, as values (definitions given as text are parsed).
fn corpus_cases() -> Vec<(String, Value, Value)> {
    let root = corpus_dir();
    if !root.join("cases").is_dir() {
        println!("robustness: corpus not found at {} - running the hand-written cases only", root.display());
        return Vec::new();
    }
    let mut out = Vec::new();
    for sub in ["cases", "validation"] {
        for p in json_files(&root.join(sub)) {
            let Ok(text) = std::fs::read_to_string(&p) else { continue };
            let Ok(case) = value::parse(&text) else { continue };
            let def = match case.get("definition") {
                Some(Value::String(s)) => value::parse(s).unwrap_or_else(|_| Value::String(s.clone())),
                Some(v) => v.clone(),
                None => continue,
            };
            let input = match (case.get("inputText"), case.get("input")) {
                (Some(Value::String(t)), _) => value::parse(t).unwrap_or(Value::Null),
                (_, Some(v)) => v.clone(),
                _ => Value::empty_object(),
            };
            let id = case.get("id").and_then(Value::as_str).unwrap_or("?").to_string();
            out.push((id, def, input));
        }
    }
    out
}

const LAMBDA: &str = "arn:aws:lambda:us-east-1:123456789012:function:f";

/// Hand-written definitions that push at known limits.
fn nasty_cases() -> Vec<Case> {
    let c = |label: &str, definition: String, input: &str| Case { label: label.into(), definition, input: input.into() };
    let deep_input = nested_object_text(value::MAX_DEPTH - 1);
    vec![
        c("pass loop nesting one level per iteration", r#"{"StartAt":"P","States":{"P":{"Type":"Pass","ResultPath":"$.a","Next":"P"}}}"#.into(), "{}"),
        c("pass loop nesting through Parameters", r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"x.$":"$"},"Next":"P"}}}"#.into(), "{}"),
        c("assign loop nesting a variable", r#"{"StartAt":"I","States":{"I":{"Type":"Pass","Assign":{"v":0},"Next":"P"},"P":{"Type":"Pass","Assign":{"v.$":"States.Array($v)"},"Next":"P"}}}"#.into(), "{}"),
        c("jsonata reduce nesting", r#"{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $reduce([1..100000], function($a, $b){ {'a': $a} }, {}) %}","End":true}}}"#.into(), "{}"),
        c("jsonata tail call nesting", r#"{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% ($f := function($n, $acc){ $n = 0 ? $acc : $f($n - 1, {'a': $acc}) }; $f(100000, 1)) %}","End":true}}}"#.into(), "{}"),
        c("jsonata deep string", r#"{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $string($reduce([1..50000], function($a, $b){ {'a': $a} }, 1)) %}","End":true}}}"#.into(), "{}"),
        c("jsonata deep equality", r#"{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% ($x := $reduce([1..50000], function($a, $b){ {'a': $a} }, 1); $y := $reduce([1..50000], function($a, $b){ {'a': $a} }, 1); $x = $y) %}","End":true}}}"#.into(), "{}"),
        c("jsonata deep flatten", r#"{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $reduce([1..50000], function($a, $b){ [[$a]] }, 1).* %}","End":true}}}"#.into(), "{}"),
        c("jsonata deep transform", r#"{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $reduce([1..50000], function($a, $b){ {'a': $a} }, {}) ~> |a|{'b': 1}| %}","End":true}}}"#.into(), "{}"),
        c("jsonata deep spread", r#"{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $spread($reduce([1..50000], function($a, $b){ [[$a]] }, 1)) %}","End":true}}}"#.into(), "{}"),
        c("jsonata deep variable", r#"{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Assign":{"v":"{% $reduce([1..50000], function($a, $b){ {'a': $a} }, 1) %}"},"End":true}}}"#.into(), "{}"),
        c("string to json of deep text", r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"v.$":"States.StringToJson($.t)"},"End":true}}}"#.into(), &format!("{{\"t\":{}}}", value::Value::from(nested_array(100_000)).to_json())),
        c("string to json at the limit", r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"v.$":"States.StringToJson($.t)"},"ResultPath":"$.r","End":true}}}"#.into(), &format!("{{\"t\":{}}}", value::Value::from(nested_array(value::MAX_DEPTH)).to_json())),
        c("deep input through result path", r#"{"StartAt":"P","States":{"P":{"Type":"Pass","ResultPath":"$.a.b.c","End":true}}}"#.into(), &deep_input),
        c("long result path", format!(r#"{{"StartAt":"P","States":{{"P":{{"Type":"Pass","ResultPath":"$.{}","End":true}}}}}}"#, ["a"; 20_000].join(".")), "{}"),
        c("long input path", format!(r#"{{"StartAt":"P","States":{{"P":{{"Type":"Pass","InputPath":"$.{}","End":true}}}}}}"#, ["a"; 20_000].join(".")), "{}"),
        c("deep intrinsic", format!(r#"{{"StartAt":"P","States":{{"P":{{"Type":"Pass","Parameters":{{"v.$":"{}${}"}},"End":true}}}}}}"#, "States.Array(".repeat(20_000), ")".repeat(20_000)), "{}"),
        c("deep jsonata text", format!(r#"{{"QueryLanguage":"JSONata","StartAt":"P","States":{{"P":{{"Type":"Pass","Output":"{{% {}1{} %}}","End":true}}}}}}"#, "[".repeat(20_000), "]".repeat(20_000)), "{}"),
        c("deep parameters", format!(r#"{{"StartAt":"P","States":{{"P":{{"Type":"Pass","Parameters":{}1{},"End":true}}}}}}"#, "{\"a\":".repeat(5_000), "}".repeat(5_000)), "{}"),
        c("deep definition", nested_array(100_000), "{}"),
        c("deep input", r#"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#.into(), &nested_array(100_000)),
        c("huge waits", r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":99999999,"Next":"T"},"T":{"Type":"Wait","Timestamp":"9999-12-31T23:59:59Z","Next":"S"},"S":{"Type":"Wait","SecondsPath":"$.s","End":true}}}"#.into(), r#"{"s":1e308}"#),
        c("wait seconds path odd values", r#"{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.s","End":true}}}"#.into(), r#"{"s":-1e308}"#),
        c("wait timestamp path odd values", r#"{"StartAt":"W","States":{"W":{"Type":"Wait","TimestampPath":"$.s","End":true}}}"#.into(), r#"{"s":"+275760-09-13T00:00:00.000000001Z"}"#),
        c("jsonata wait odd values", r#"{"QueryLanguage":"JSONata","StartAt":"W","States":{"W":{"Type":"Wait","Seconds":"{% 1e308 %}","Next":"V"},"V":{"Type":"Wait","Timestamp":"{% '9999-12-31T23:59:59.999999999Z' %}","End":true}}}"#.into(), "{}"),
        c("retry with huge backoff", format!(r#"{{"TimeoutSeconds":99999999,"StartAt":"T","States":{{"T":{{"Type":"Task","Resource":"{LAMBDA}","TimeoutSeconds":99999999,"HeartbeatSeconds":99999998,"Retry":[{{"ErrorEquals":["States.ALL"],"IntervalSeconds":99999999,"MaxAttempts":99999999,"BackoffRate":99999999,"MaxDelaySeconds":31622400}}],"End":true}}}}}}"#), "{}"),
        c("retry with jitter and no cap", format!(r#"{{"StartAt":"T","States":{{"T":{{"Type":"Task","Resource":"{LAMBDA}","Retry":[{{"ErrorEquals":["States.ALL"],"IntervalSeconds":99999999,"MaxAttempts":99999999,"BackoffRate":99999999,"JitterStrategy":"FULL"}}],"End":true}}}}}}"#), "{}"),
        c("task timeout paths", format!(r#"{{"StartAt":"T","States":{{"T":{{"Type":"Task","Resource":"{LAMBDA}","TimeoutSecondsPath":"$.t","HeartbeatSecondsPath":"$.h","End":true}}}}}}"#), r#"{"t":1e308,"h":-5}"#),
        c("map over a huge array", r#"{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.a","MaxConcurrency":0,"Iterator":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}"#.into(), &format!("{{\"a\":[{}]}}", vec!["1"; 20_000].join(","))),
        c("map tolerated failure odd values", format!(r#"{{"StartAt":"M","States":{{"M":{{"Type":"Map","ToleratedFailurePercentagePath":"$.p","ToleratedFailureCountPath":"$.c","MaxConcurrencyPath":"$.c","ItemProcessor":{{"ProcessorConfig":{{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"}},"StartAt":"T","States":{{"T":{{"Type":"Task","Resource":"{LAMBDA}","End":true}}}}}},"ItemsPath":"$.a","End":true}}}}}}"#), r#"{"a":[1,2,3],"p":1e308,"c":-1e308}"#),
        c("map batcher odd values", format!(r#"{{"StartAt":"M","States":{{"M":{{"Type":"Map","ItemBatcher":{{"MaxItemsPerBatchPath":"$.n","MaxInputBytesPerBatchPath":"$.n"}},"ItemProcessor":{{"ProcessorConfig":{{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"}},"StartAt":"T","States":{{"T":{{"Type":"Task","Resource":"{LAMBDA}","End":true}}}}}},"ItemsPath":"$.a","End":true}}}}}}"#), r#"{"a":[1,2,3],"n":12345678901234567890123}"#),
        c("nested map and parallel", r#"{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.a","ItemSelector":{"a.$":"$"},"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"M2","States":{"M2":{"Type":"Map","ItemsPath":"$.a","ItemProcessor":{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"","Cause":""}}},"End":true}}},{"StartAt":"L","States":{"L":{"Type":"Pass","Next":"L"}}}],"End":true}}},"End":true}}}"#.into(), r#"{"a":[[1,2],[3],[]]}"#),
        c("parallel self loops", r#"{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"A"}}},{"StartAt":"B","States":{"B":{"Type":"Wait","Seconds":1,"Next":"B"}}}],"Next":"P"}}}"#.into(), "{}"),
        c("choice self loop", r#"{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.x","NumericGreaterThan":1e308,"Next":"C"}],"Default":"C"}}}"#.into(), "{}"),
        c("catch loop", format!(r#"{{"StartAt":"T","States":{{"T":{{"Type":"Task","Resource":"{LAMBDA}","Catch":[{{"ErrorEquals":["States.ALL"],"ResultPath":"$.e","Next":"T"}}],"End":true}}}}}}"#), "{}"),
        c("fail with odd paths", r#"{"StartAt":"F","States":{"F":{"Type":"Fail","ErrorPath":"$.e","CausePath":"States.Format('{}', $.c)"}}}"#.into(), r#"{"e":12345678901234567890123,"c":[1e308]}"#),
        c("intrinsics with huge numbers", r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"a.$":"States.MathAdd($.n, $.n)","b.$":"States.ArrayRange($.n, $.m, 1)","c.$":"States.ArrayGetItem($.arr, $.n)","d.$":"States.MathRandom($.m, $.n)","e.$":"States.ArrayPartition($.arr, $.n)","f.$":"States.Format('{}', $.n)"},"End":true}}}"#.into(), r#"{"n":12345678901234567890123,"m":-9223372036854775808,"arr":[1,2,3]}"#),
        c("intrinsics with huge floats", r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"a.$":"States.MathAdd($.n, 1)","b.$":"States.ArrayRange(0, $.n, $.n)","c.$":"States.ArrayGetItem($.arr, $.n)","e.$":"States.ArrayPartition($.arr, $.n)"},"End":true}}}"#.into(), r#"{"n":1e308,"arr":[1,2,3]}"#),
        c("unicode slicing", r#"{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% [$substring($states.input.s, 1, 2), $substringBefore($states.input.s, '中'), $pad($states.input.s, -9), $uppercase($states.input.s), $split($states.input.s, ''), $length($states.input.s), $base64encode($states.input.s), $encodeUrl($states.input.s)] %}","End":true}}}"#.into(), "{\"s\":\"é𝄞中\\ud800x\"}"),
        c("unicode intrinsics", r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"a.$":"States.StringSplit($.s, '𝄞')","b.$":"States.Base64Encode($.s)","c.$":"States.Hash($.s, 'SHA-256')","d.$":"States.Format('{}\\{', $.s)"},"End":true}}}"#.into(), "{\"s\":\"é𝄞中\\ud800x\"}"),
        c("unknown start", r#"{"StartAt":"Nope","States":{}}"#.into(), "{}"),
        c("branch with no states", r#"{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"X","States":{}}]}}}"#.into(), "{}"),
        c("item processor with no states", r#"{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"X","States":{}}}}}"#.into(), "[1]"),
        c("empty definition object", "{}".into(), "{}"),
        c("not an object", "[1,2,3]".into(), "null"),
    ]
}

/// A random node of a value tree, as a path of keys/indices.
#[derive(Clone, Debug)]
enum Step {
    Key(Rc<str>),
    Index(usize),
}

/// Fields that give a definition its shape: changing them mostly gets the definition
/// rejected, so they are mutated less often than payloads, paths and expressions.
const STRUCTURAL: &[&str] = &["Type", "StartAt", "States", "Next", "End", "Branches", "ItemProcessor", "Iterator", "Resource", "Default", "Choices"];

fn random_path(v: &Value, rng: &mut Rng) -> Vec<Step> {
    loop {
        let path = random_path_once(v, rng);
        let structural = path.iter().any(|s| matches!(s, Step::Key(k) if STRUCTURAL.contains(&&**k)) ) && matches!(path.last(), Some(Step::Key(k)) if STRUCTURAL.contains(&&**k));
        if !structural || rng.chance(5) {
            return path;
        }
    }
}

fn random_path_once(v: &Value, rng: &mut Rng) -> Vec<Step> {
    let mut path = Vec::new();
    let mut cur = v;
    loop {
        // Stop here with some probability, or at a leaf.
        let children = match cur {
            Value::Object(o) if !o.is_empty() => o.len(),
            Value::Array(a) if !a.is_empty() => a.len(),
            _ => return path,
        };
        if !path.is_empty() && rng.chance(4) {
            return path;
        }
        let i = rng.below(children);
        match cur {
            Value::Object(o) => {
                let (k, next) = o.get_index(i).unwrap();
                path.push(Step::Key(k.clone()));
                cur = next;
            }
            Value::Array(a) => {
                path.push(Step::Index(i));
                cur = &a[i];
            }
            _ => unreachable!(),
        }
    }
}

fn at_mut<'a>(v: &'a mut Value, path: &[Step]) -> &'a mut Value {
    let mut cur = v;
    for s in path {
        cur = match s {
            Step::Key(k) => cur.make_object_mut().unwrap().get_mut(&**k).unwrap(),
            Step::Index(i) => &mut cur.make_array_mut().unwrap()[*i],
        };
    }
    cur
}

fn state_names(def: &Value) -> Vec<Rc<str>> {
    def.get("States").and_then(Value::as_object).map(|o| o.keys().cloned().collect()).unwrap_or_default()
}

/// One random change to a definition (or input) value.
fn mutate(v: &mut Value, rng: &mut Rng, nasty: &[Value]) {
    let names = state_names(v);
    match rng.below(10) {
        // Make a state loop to itself, or point it at a missing state.
        0 if !names.is_empty() => {
            let name = names[rng.below(names.len())].clone();
            let target = if rng.chance(3) { Value::from("NoSuchState") } else { Value::String(name.clone()) };
            if let Some(states) = v.make_object_mut().and_then(|o| o.get_mut("States")).and_then(Value::make_object_mut) {
                if let Some(state) = states.get_mut(&*name).and_then(Value::make_object_mut) {
                    state.shift_remove("End");
                    state.insert("Next".into(), target);
                }
            }
        }
        // Wrap the whole machine in a Map or Parallel state.
        1 if !names.is_empty() => {
            let inner = v.clone();
            let body = Value::from_pairs([("StartAt", inner.get("StartAt").cloned().unwrap_or(Value::Null)), ("States", inner.get("States").cloned().unwrap_or(Value::Null))]);
            let state = if rng.chance(2) {
                Value::from_pairs([("Type", Value::from("Map")), ("ItemProcessor", body), ("ItemsPath", Value::from("$.items")), ("End", Value::Bool(true))])
            } else {
                Value::from_pairs([("Type", Value::from("Parallel")), ("Branches", Value::array(vec![body.clone(), body])), ("End", Value::Bool(true))])
            };
            let mut outer = Map::default();
            outer.insert("StartAt".into(), Value::from("Wrapped"));
            outer.insert("States".into(), Value::from_pairs([("Wrapped", state)]));
            if let Some(q) = inner.get("QueryLanguage") {
                outer.insert("QueryLanguage".into(), q.clone());
            }
            *v = Value::object(outer);
        }
        _ => {
            let path = random_path(v, rng);
            let (parent_path, last) = match path.split_last() {
                Some((last, parent)) => (parent.to_vec(), Some(last.clone())),
                None => (Vec::new(), None),
            };
            let op = rng.below(6);
            match (op, last) {
                // Drop a field / an item.
                (0, Some(Step::Key(k))) => {
                    at_mut(v, &parent_path).make_object_mut().unwrap().shift_remove(&*k);
                }
                (0, Some(Step::Index(i))) => {
                    at_mut(v, &parent_path).make_array_mut().unwrap().remove(i);
                }
                // Duplicate under another name / push a copy.
                (1, Some(Step::Key(k))) => {
                    let parent = at_mut(v, &parent_path).make_object_mut().unwrap();
                    let copy = parent.get(&*k).cloned().unwrap();
                    parent.insert(format!("{k}2").into(), copy);
                }
                (1, Some(Step::Index(i))) => {
                    let parent = at_mut(v, &parent_path).make_array_mut().unwrap();
                    let copy = parent[i].clone();
                    parent.push(copy);
                }
                // Rename a field (case change or a suffix).
                (2, Some(Step::Key(k))) => {
                    let parent = at_mut(v, &parent_path).make_object_mut().unwrap();
                    let value = parent.shift_remove(&*k).unwrap();
                    let name = if rng.chance(2) { k.to_lowercase() } else { format!("{k}.$") };
                    parent.insert(name.into(), value);
                }
                // Nest the value one level deeper.
                (3, _) => {
                    let node = at_mut(v, &path);
                    let old = std::mem::take(node);
                    *node = if rng.chance(2) { Value::array(vec![old]) } else { Value::from_pairs([("a", old)]) };
                }
                // Replace with a nasty value (most often).
                _ => {
                    let node = at_mut(v, &path);
                    *node = nasty[rng.below(nasty.len())].clone();
                }
            }
        }
    }
}

/// Text-level damage: truncation, a stray character, a duplicated key.
fn mutate_text(text: &str, rng: &mut Rng) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return "{".into();
    }
    let i = rng.below(chars.len());
    match rng.below(4) {
        0 => chars[..i].iter().collect(),
        1 => {
            let mut c = chars.clone();
            c.insert(i, ['{', '[', '"', ',', '\\', '\u{0}', '𝄞', '\u{FEFF}'][rng.below(8)]);
            c.into_iter().collect()
        }
        2 => {
            // Duplicate keys: repeat the first member of the top object.
            match text.find(",\"") {
                Some(j) if text.starts_with('{') => format!("{{{},{}", &text[1..j], &text[1..]),
                _ => text.to_string(),
            }
        }
        _ => {
            let mut c = chars.clone();
            c.remove(i);
            c.into_iter().collect()
        }
    }
}

/// Runs one case; Err describes a malformed outcome.
fn run_case(definition: &str, input: &str, seed: u64) -> Result<&'static str, String> {
    let parsed = parse_definition_text(definition);
    let Some(machine) = parsed.machine else {
        if parsed.diagnostics.is_empty() {
            return Err("definition rejected without a diagnostic".into());
        }
        for d in parsed.diagnostics.iter() {
            let _ = d.to_string();
        }
        return Ok("rejected");
    };
    let options = ExecutionOptions {
        seed,
        limits: Limits { max_transitions: Some(300), max_history_events: Some(3_000), ..Limits::default() },
        ..ExecutionOptions::default()
    };
    let mut ex = match Execution::start(Rc::new(machine), input, options) {
        Ok(ex) => ex,
        Err(e) if !e.is_empty() => return Ok("bad input"),
        Err(_) => return Err("input rejected without a message".into()),
    };
    let outputs = odd_outputs();
    let mut rng = Rng(seed | 1);
    let mut handler = |_req: &TaskRequest| -> TaskAnswer {
        match rng.below(14) {
            0..=6 => TaskAnswer::Success(outputs[rng.below(outputs.len())].clone()),
            7 => TaskAnswer::Failure { error: String::new(), cause: None },
            8 => TaskAnswer::Failure { error: String::new(), cause: Some(String::new()) },
            9 => TaskAnswer::Failure { error: "States.Runtime".into(), cause: Some("x".repeat(40_000)) },
            10 => TaskAnswer::Failure { error: "States.ALL".into(), cause: Some("\u{0}\"é𝄞".into()) },
            11 => TaskAnswer::Failure { error: "Lambda.ServiceException".into(), cause: None },
            12 => TaskAnswer::Never,
            _ => TaskAnswer::Success(Value::from_pairs([("Payload", outputs[rng.below(outputs.len())].clone())])),
        }
    };
    drive(&mut ex, &mut handler);
    check_outcome(&ex)
}

fn check_outcome(ex: &Execution) -> Result<&'static str, String> {
    let history = ex.history_json();
    let events = value::parse(&history).map_err(|e| format!("history is not JSON: {e}"))?;
    let events = events.as_array().ok_or("history is not an array")?;
    for (i, e) in events.iter().enumerate() {
        if e.get("id").and_then(Value::as_f64) != Some((i + 1) as f64) {
            return Err(format!("event {} has id {:?}", i + 1, e.get("id")));
        }
    }
    match ex.outcome() {
        None => {
            // Still running: only fine while a task that will not answer holds it.
            if ex.pending_tasks().is_empty() {
                return Err("execution neither finished nor waits for a task".into());
            }
            Ok("waiting")
        }
        Some(o) => {
            match o.status {
                Status::Succeeded => {
                    let out = o.output.as_ref().ok_or("SUCCEEDED without output")?;
                    value::parse(&out.to_json()).map_err(|e| format!("output does not read back: {e}"))?;
                }
                Status::Failed | Status::TimedOut => {}
                Status::Aborted => return Err("ABORTED without a stop".into()),
                Status::Running => return Err("outcome says RUNNING".into()),
            }
            Ok(o.status.as_str())
        }
    }
}

fn run_guarded(label: &str, definition: &str, input: &str, seed: u64, failures: &mut Vec<String>, tally: &mut std::collections::BTreeMap<&'static str, usize>) {
    if std::env::var_os("ROBUSTNESS_VERBOSE").is_some() {
        eprintln!("robustness: {label} seed {seed}: {} | {}", definition.chars().take(300).collect::<String>(), input.chars().take(100).collect::<String>());
    }
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_case(definition, input, seed))) {
        Ok(Ok(kind)) => *tally.entry(kind).or_default() += 1,
        Ok(Err(e)) => failures.push(format!("{label} (seed {seed}): {e}\n  definition: {}\n  input: {}", clip(definition), clip(input))),
        Err(p) => {
            let msg = p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default();
            failures.push(format!("{label} (seed {seed}): PANIC {msg}\n  definition: {}\n  input: {}", clip(definition), clip(input)));
        }
    }
}

fn clip(s: &str) -> String {
    if s.chars().count() > 600 {
        format!("{}... ({} chars)", s.chars().take(600).collect::<String>(), s.chars().count())
    } else {
        s.to_string()
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// Runs `f` on a thread with room for debug-build stack frames (the release wasm's frames are
/// several times smaller; `deep_values_fit_a_one_megabyte_stack` checks those).
fn with_stack(bytes: usize, f: impl FnOnce() + Send + 'static) {
    let r = std::thread::Builder::new().stack_size(bytes).spawn(f).unwrap().join();
    if let Err(p) = r {
        std::panic::resume_unwind(p);
    }
}

#[test]
fn mutated_definitions_never_crash() {
    with_stack(64 << 20, mutation_rounds);
}

fn mutation_rounds() {
    // Panics are collected and reported per case, not printed as they happen.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let iterations = env_u64("ROBUSTNESS_ITERATIONS", 6);
    let seed = env_u64("ROBUSTNESS_SEED", 0x5EED_1234);
    let mut rng = Rng(seed | 1);
    let nasty: Vec<Value> = nasty_value_texts().iter().map(|t| value::parse(t).unwrap_or_else(|e| panic!("{t}: {e}"))).collect();
    let mut failures = Vec::new();
    let mut tally = std::collections::BTreeMap::new();
    let started = std::time::Instant::now();
    let mut runs = 0usize;

    for case in nasty_cases() {
        run_guarded(&case.label, &case.definition, &case.input, 1, &mut failures, &mut tally);
        runs += 1;
    }
    let corpus = corpus_cases();
    let mut seeds: Vec<(String, Value, Value)> = corpus;
    for case in nasty_cases() {
        if let (Ok(d), Ok(i)) = (value::parse(&case.definition), value::parse(&case.input)) {
            seeds.push((case.label, d, i));
        }
    }
    for round in 0..iterations {
        for (id, def, input) in &seeds {
            let mut d = def.clone();
            let mut i = input.clone();
            // A third of the runs keep the definition and change the input only (the odd task
            // answers still vary); the rest change the definition once or twice.
            if !rng.chance(3) {
                for _ in 0..1 + usize::from(rng.chance(3)) {
                    mutate(&mut d, &mut rng, &nasty);
                }
            }
            if rng.chance(2) {
                mutate(&mut i, &mut rng, &nasty);
            }
            let mut text = d.to_json();
            if rng.chance(8) {
                text = mutate_text(&text, &mut rng);
            }
            let mut input_text = i.to_json();
            if rng.chance(20) {
                input_text = mutate_text(&input_text, &mut rng);
            }
            let label = format!("{id} round {round}");
            run_guarded(&label, &text, &input_text, rng.next(), &mut failures, &mut tally);
            runs += 1;
        }
    }
    std::panic::set_hook(hook);
    println!("robustness: {runs} runs ({} seeds x {iterations} rounds + hand-written) in {:.1?}: {tally:?}", seeds.len(), started.elapsed());
    if !failures.is_empty() {
        panic!("{} of {runs} cases went wrong:\n{}", failures.len(), failures.join("\n"));
    }
}

/// Runs a definition with the engine's default limits; returns (status, error, cause).
fn outcome_of(definition: &str, input: &str) -> (String, String, String) {
    let parsed = parse_definition_text(definition);
    let Some(machine) = parsed.machine else {
        return ("REJECTED".into(), String::new(), parsed.diagnostics.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("; "));
    };
    let mut ex = match Execution::start(Rc::new(machine), input, ExecutionOptions::default()) {
        Ok(ex) => ex,
        Err(e) => return ("BAD INPUT".into(), String::new(), e),
    };
    drive(&mut ex, &mut |_: &TaskRequest| TaskAnswer::Success(Value::Null));
    // Rendering the history walks every recorded value.
    assert!(value::parse(&ex.history_json()).is_ok());
    let o = ex.outcome().expect("finished");
    (o.status.as_str().into(), o.error.as_deref().unwrap_or("").into(), o.cause.as_deref().unwrap_or("").into())
}

fn case(label: &str) -> Case {
    nasty_cases().into_iter().find(|c| c.label == label).unwrap_or_else(|| panic!("no case {label}"))
}

/// Values that grow one level per loop iteration end in a defined error at the nesting limit
/// of JSON text, with the engine's default limits (25,000 history events).
#[test]
fn runaway_nesting_ends_in_an_error() {
    with_stack(64 << 20, || {
        let (status, error, cause) = outcome_of(&case("pass loop nesting one level per iteration").definition, "{}");
        assert_eq!((status.as_str(), error.as_str()), ("FAILED", "States.Runtime"), "{cause}");
        assert!(cause.contains("nested deeper than 512 levels"), "{cause}");
        let (status, error, cause) = outcome_of(&case("assign loop nesting a variable").definition, "{}");
        assert_eq!((status.as_str(), error.as_str()), ("FAILED", "States.Runtime"), "{cause}");
        assert!(cause.contains("nested deeper than 512 levels"), "{cause}");
        for label in ["jsonata reduce nesting", "jsonata tail call nesting", "jsonata deep variable"] {
            let (status, error, cause) = outcome_of(&case(label).definition, "{}");
            assert_eq!((status.as_str(), error.as_str()), ("FAILED", "States.QueryEvaluationError"), "{label}: {cause}");
            assert!(cause.contains("nested deeper than 512 levels"), "{label}: {cause}");
        }
        // Walks over deep intermediate values stop at their depth bound instead.
        let (status, error, _) = outcome_of(&case("jsonata deep string").definition, "{}");
        assert_eq!((status.as_str(), error.as_str()), ("FAILED", "States.QueryEvaluationError"));
        let (status, _, cause) = outcome_of(&case("jsonata deep equality").definition, "{}");
        assert_eq!(status, "SUCCEEDED", "{cause}");
    });
}

/// The release wasm runs on a ~1 MB stack (native release frames are of a similar size):
/// every hand-written case must finish there with the default limits.
#[cfg(not(debug_assertions))]
#[test]
fn nasty_cases_fit_a_one_megabyte_stack() {
    with_stack(1 << 20, || {
        for c in nasty_cases() {
            if std::env::var_os("ROBUSTNESS_VERBOSE").is_some() {
                eprintln!("robustness: 1 MB stack: {}", c.label);
            }
            let _ = outcome_of(&c.definition, &c.input);
        }
    });
}

/// Completions the engine did not ask for (unknown ids, tasks whose branch was aborted,
/// answers after the end), odd times and repeated stops are ignored or recorded, never a
/// panic: the driver is outside code and may be wrong.
#[test]
fn stray_completions_are_ignored() {
    use asl_sim::engine::{ClockMode, Command, Completion};
    let def = format!(
        r#"{{"StartAt":"P","States":{{"P":{{"Type":"Parallel","Branches":[
            {{"StartAt":"A","States":{{"A":{{"Type":"Task","Resource":"{LAMBDA}","TimeoutSeconds":5,"HeartbeatSeconds":2,"End":true}}}}}},
            {{"StartAt":"B","States":{{"B":{{"Type":"Task","Resource":"{LAMBDA}","End":true}}}}}},
            {{"StartAt":"W","States":{{"W":{{"Type":"Wait","Seconds":99999999,"End":true}}}}}}],"End":true}}}}}}"#
    );
    for clock in [ClockMode::Virtual, ClockMode::External] {
        let machine = Rc::new(parse_definition_text(&def).machine.unwrap());
        let mut ex = Execution::start(machine, "{}", ExecutionOptions { clock, ..ExecutionOptions::default() }).unwrap();
        let ids: Vec<u64> = ex.run().into_iter().filter_map(|c| match c {
            Command::InvokeTask(t) => Some(t.task_id),
            _ => None,
        }).collect();
        assert_eq!(ids.len(), 2);
        for t in [f64::NAN, f64::NEG_INFINITY, -1.0, 1e300] {
            ex.set_time(t);
            ex.complete(Completion::TimeReached { time_ms: t });
        }
        ex.complete(Completion::TaskSucceeded { task_id: 999, output: Value::Null });
        ex.complete(Completion::TaskHeartbeat { task_id: 999 });
        ex.complete(Completion::TaskSubmitted { task_id: 999, output: Value::Null });
        // The first branch fails: the second branch's task is aborted with it...
        ex.complete(Completion::TaskFailed { task_id: ids[0], error: String::new(), cause: None });
        let _ = ex.run();
        // ...so its answer, and answers for the failed task, come for nothing.
        ex.complete(Completion::TaskSucceeded { task_id: ids[1], output: Value::Null });
        ex.complete(Completion::TaskFailed { task_id: ids[0], error: "X".into(), cause: None });
        ex.complete(Completion::TaskHeartbeat { task_id: ids[1] });
        ex.complete(Completion::TaskWillNotAnswer { task_id: ids[1] });
        let _ = ex.run();
        ex.complete(Completion::Stop { error: None, cause: None });
        ex.complete(Completion::Stop { error: Some(String::new()), cause: Some("\u{0}".into()) });
        let _ = ex.run();
        assert!(ex.outcome().is_some(), "{clock:?}");
        assert!(value::parse(&ex.history_json()).is_ok());
    }
}

/// A StartAt naming no state is a definition error in every scope, even an empty `States`
/// (found by the mutation test: such a branch never started and the execution hung).
#[test]
fn empty_states_are_rejected() {
    for label in ["unknown start", "branch with no states", "item processor with no states"] {
        let c = case(label);
        let (status, _, cause) = outcome_of(&c.definition, &c.input);
        assert_eq!(status, "REJECTED", "{label}");
        assert!(cause.contains("MISSING_TRANSITION_TARGET"), "{label}: {cause}");
    }
}
