//! The low-level execution that `js/index.js` drives: one wasm call per batch of commands and
//! one per completion. Values cross as JSON text.

use wasm_bindgen::prelude::*;

use crate::drivers::native::outcome_value;
use crate::engine::{Command, Completion, Execution};
use crate::value::Value;

/// A running execution. `run()` returns the commands to perform as a JSON array of
/// `{"type":"invoke","taskId","stateName","resource","input","context","token"}` and
/// `{"type":"wake","timeMs"}` (external clock only); each `complete*` call answers one.
#[wasm_bindgen]
pub struct RawExecution {
    pub(super) execution: Execution,
}

#[wasm_bindgen]
impl RawExecution {
    /// Advances until every branch is blocked or the execution has finished.
    pub fn run(&mut self) -> String {
        let commands = self.execution.run();
        Value::array(commands.into_iter().map(command_value).collect()).to_json()
    }

    /// A task's result, as JSON text.
    #[wasm_bindgen(js_name = completeTaskSucceeded)]
    pub fn complete_task_succeeded(&mut self, task_id: f64, output: &str) {
        let task_id = task_id as u64;
        let completion = match crate::value::parse(output) {
            Ok(output) => Completion::TaskSucceeded { task_id, output },
            Err(e) => Completion::TaskFailed {
                task_id,
                error: "asl-sim.InvalidTaskResult".into(),
                cause: Some(format!("The task handler's result cannot be read as JSON: {e}")),
            },
        };
        self.execution.complete(completion);
    }

    #[wasm_bindgen(js_name = completeTaskFailed)]
    pub fn complete_task_failed(&mut self, task_id: f64, error: String, cause: Option<String>) {
        self.execution.complete(Completion::TaskFailed { task_id: task_id as u64, error, cause });
    }

    #[wasm_bindgen(js_name = completeTime)]
    pub fn complete_time(&mut self, time_ms: f64) {
        self.execution.complete(Completion::TimeReached { time_ms });
    }

    /// `{"status","output"?,"error"?,"cause"?}` as JSON text once finished, else undefined.
    #[wasm_bindgen(js_name = outcomeJson)]
    pub fn outcome_json(&self) -> Option<String> {
        self.execution.outcome().map(|o| outcome_value(o).to_json())
    }

    /// The AWS GetExecutionHistory events so far, as JSON text.
    #[wasm_bindgen(js_name = historyJson)]
    pub fn history_json(&self) -> String {
        self.execution.history_json()
    }
}

fn command_value(command: Command) -> Value {
    match command {
        Command::InvokeTask(task) => Value::from_pairs([
            ("type", Value::string("invoke")),
            ("taskId", Value::int(task.task_id as i64)),
            ("stateName", Value::String(task.state_name)),
            ("resource", Value::String(task.resource)),
            ("input", task.input),
            ("context", task.context),
            ("token", task.token.map_or(Value::Null, Value::String)),
        ]),
        Command::WakeAt { time_ms } => Value::from_pairs([
            ("type", Value::string("wake")),
            ("timeMs", Value::float(time_ms).unwrap_or(Value::Null)),
        ]),
    }
}
