//! Definition and input (split at the first NUL byte) -> a whole run with the native driver,
//! capped in transitions and history events; tasks answer with odd values chosen by the
//! input bytes. The outcome must be final (or waiting on a task that never answers) and the
//! history must render.
#![no_main]
use asl_sim::drivers::native::{run, TaskAnswer};
use asl_sim::engine::{ExecutionOptions, Limits};
use asl_sim::value::{parse, Value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (def, input) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b"{}"[..]),
    };
    let def = String::from_utf8_lossy(def);
    let input = String::from_utf8_lossy(input);
    let options = ExecutionOptions {
        limits: Limits { max_transitions: Some(500), max_history_events: Some(2_000), ..Limits::default() },
        ..ExecutionOptions::default()
    };
    let mut n = data.len();
    let handler = |_: &asl_sim::engine::TaskRequest| {
        n = n.wrapping_mul(31).wrapping_add(7);
        match n % 6 {
            0 => TaskAnswer::Success(Value::Null),
            1 => TaskAnswer::Success(parse("[[[[1e308]]],-0,12345678901234567890123]").unwrap()),
            2 => TaskAnswer::Failure { error: String::new(), cause: None },
            3 => TaskAnswer::Failure { error: "States.ALL".into(), cause: Some("é𝄞".into()) },
            4 => TaskAnswer::Never,
            _ => TaskAnswer::Success(Value::from_pairs([("Payload", Value::from("x"))])),
        }
    };
    let Ok(ex) = run(&def, &input, options, handler) else { return };
    assert!(ex.outcome().is_some() || !ex.pending_tasks().is_empty(), "neither finished nor waiting for a task");
    assert!(parse(&ex.history_json()).is_ok());
});
