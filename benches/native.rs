//! Native benchmark of the core on ../shared/bench machines (no wasm, no JS): shows what the
//! engine itself costs per transition. `cargo bench --bench native` (or `cargo run --release
//! --bench native`). Prints transitions per second and ns per transition, median of 3.

use asl_sim::drivers::native::{run, TaskAnswer};
use asl_sim::engine::{ExecutionOptions, Limits, Status};
use asl_sim::value::{parse, Value};
use std::time::Instant;

mod common;
use common::{machine, map_input, parallel_def};

fn bench(name: &str, def: &str, input: &str, transitions: usize) {
    let mut times = Vec::new();
    for _ in 0..3 {
        let options = ExecutionOptions { limits: Limits { max_payload_bytes: None, max_history_events: None, max_transitions: None }, ..ExecutionOptions::default() };
        let mut first_fail = -1i64;
        let t = Instant::now();
        let ex = run(def, input, options, |req| {
            let i = req.input.get("i").and_then(Value::as_f64).unwrap_or(0.0);
            match &*req.state_name {
                "Shape" => TaskAnswer::Success(Value::from_pairs([
                    ("rows", req.input.get("rows").cloned().unwrap_or(Value::Null)),
                    ("i", Value::float(i + 1.0).unwrap()),
                    ("n", req.input.get("n").cloned().unwrap_or(Value::Null)),
                ])),
                "Inc" => TaskAnswer::Success(Value::from_pairs([("i", Value::float(i + 1.0).unwrap()), ("n", req.input.get("n").cloned().unwrap_or(Value::Null))])),
                "Work" if name.starts_with("retry") && first_fail != i as i64 => {
                    first_fail = i as i64;
                    TaskAnswer::Failure { error: "Error".into(), cause: Some("first attempt fails".into()) }
                }
                _ => TaskAnswer::Success(req.input.clone()),
            }
        })
        .expect("runs");
        times.push(t.elapsed().as_secs_f64());
        assert_eq!(ex.status(), Status::Succeeded, "{name}: {:?}", ex.outcome());
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let median = times[1];
    println!("{name:<12} {transitions:>8} transitions  {:>12.0} tps  {:>8.0} ns/transition", transitions as f64 / median, median * 1e9 / transitions as f64);
}

fn main() {
    if machine("loop").is_none() {
        println!("native bench: skipped (../shared/bench not found)");
        return;
    }
    let n = 100_000;
    bench("loop", &machine("loop").unwrap(), &format!("{{\"i\":0,\"n\":{n}}}"), 2 * n + 1);
    bench("loop_task", &machine("loop_task").unwrap(), &format!("{{\"i\":0,\"n\":{n}}}"), 2 * n + 1);
    let n = 10_000;
    bench("tasks", &machine("tasks").unwrap(), &format!("{{\"i\":0,\"n\":{n}}}"), 3 * n + 1);
    bench("retry", &machine("retry").unwrap(), &format!("{{\"i\":0,\"n\":{n}}}"), 3 * n + 1);
    bench("map", &machine("map").unwrap(), &map_input(n), 2 * n + 1);
    bench("parallel", &parallel_def(50), "{\"x\":1}", 501);
    let rows: Vec<String> = (0..10_000).map(|j| format!("{{\"id\":{j},\"name\":\"row-{j}\",\"ok\":true}}")).collect();
    let _ = parse("{}");
    bench("dataflow", &machine("dataflow").unwrap(), &format!("{{\"doc\":{{\"rows\":[{}],\"i\":0,\"n\":1000}}}}", rows.join(",")), 2001);
}
