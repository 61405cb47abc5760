//! Runs one bench machine many times natively, for profilers: `cargo bench --bench profile_loop -- loop`.
use asl_sim::drivers::native::{run, TaskAnswer};
use asl_sim::engine::{ExecutionOptions, Limits};
use asl_sim::value::Value;

mod common;
use common::{machine, map_input, parallel_def};

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| !a.starts_with('-'));
    let which = args.next().unwrap_or_else(|| "loop".into());
    // How many runs (more samples for a sampling profiler).
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1);
    let def = if which == "parallel" {
        parallel_def(50)
    } else {
        machine(&which).expect("bench machine")
    };
    let input = if which == "parallel" {
        "{\"x\":1}".to_string()
    } else if which == "map" {
        map_input(10_000)
    } else {
        "{\"i\":0,\"n\":100000}".to_string()
    };
    for _ in 0..runs {
        let options = ExecutionOptions {
            // As the JS bench runner: the map bench's output (~800 KB) is over AWS's 256 KiB.
            limits: Limits {
                max_payload_bytes: None,
                max_history_events: None,
                max_transitions: None,
            },
            ..ExecutionOptions::default()
        };
        let ex = run(&def, &input, options, |req| {
            let i = req.input.get("i").and_then(Value::as_f64).unwrap_or(0.0);
            match &*req.state_name {
                "Inc" => TaskAnswer::Success(Value::from_pairs([
                    ("i", Value::float(i + 1.0).unwrap()),
                    ("n", req.input.get("n").cloned().unwrap_or(Value::Null)),
                ])),
                _ => TaskAnswer::Success(req.input.clone()),
            }
        })
        .unwrap();
        println!("{:?} {} events", ex.status(), ex.history().len());
    }
}
