//! The wasm-bindgen surface. JavaScript (`js/index.js`) drives it; nothing here knows ASL rules.
//!
//! Values cross the boundary as JSON text: one string per call, parsed once on each side.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use crate::definition::model::MachineType;
use crate::definition::{parse_definition_text, Diagnostic, StateMachine};
use crate::engine::{Execution, ExecutionOptions};
use crate::value::Value;

mod cli;
mod execution;

pub use execution::RawExecution;

thread_local! {
    /// The message of the last panic, kept for JS to read after the trap (`takePanicMessage`).
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs once when the module is instantiated: routes Rust panics to `console.error`, and keeps
/// the message so that the JS wrapper can put it in the error it raises.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let message = format!("asl-sim panicked: {info}");
        web_sys::console::error_1(&JsValue::from_str(&message));
        LAST_PANIC.with(|last| *last.borrow_mut() = Some(message));
    }));
}

/// The message of the last Rust panic, if any, cleared once read.
#[wasm_bindgen(js_name = takePanicMessage)]
pub fn take_panic_message() -> Option<String> {
    LAST_PANIC.with(|last| last.borrow_mut().take())
}

/// The crate version, as in Cargo.toml.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// A parsed, validated definition. JS: `new RawMachine(definitionText, settingsJson)`, where
/// settings are `{ "name": string, "type": "STANDARD" | "EXPRESS" }`; throws the diagnostics
/// (a JSON array of `{severity, code, message, location, line, column, endLine, endColumn}`)
/// as a string when the definition has errors.
#[wasm_bindgen]
pub struct RawMachine {
    machine: Rc<StateMachine>,
    name: String,
    machine_type: MachineType,
    warnings: String,
}

#[wasm_bindgen]
impl RawMachine {
    #[wasm_bindgen(constructor)]
    pub fn new(definition: &str, settings: &str) -> Result<RawMachine, JsValue> {
        let settings = parse_settings(settings)?;
        let name = settings.get("name").and_then(Value::as_str).unwrap_or("StateMachine").to_string();
        let machine_type = match settings.get("type").and_then(Value::as_str) {
            None | Some("STANDARD") => MachineType::Standard,
            Some("EXPRESS") => MachineType::Express,
            Some(other) => return Err(JsValue::from_str(&format!("unknown state machine type '{other}' (STANDARD or EXPRESS)"))),
        };
        let parsed = parse_definition_text(definition);
        match parsed.machine {
            Some(machine) => Ok(RawMachine {
                machine: Rc::new(machine),
                name,
                machine_type,
                warnings: diagnostics_json(&parsed.diagnostics),
            }),
            None => Err(JsValue::from_str(&diagnostics_json(&parsed.diagnostics))),
        }
    }

    /// Starts an execution with `input` (JSON text) and settings `{ "name": string | null }`.
    /// Throws a message string if the input is not JSON.
    pub fn start(&self, input: &str, settings: &str) -> Result<RawExecution, JsValue> {
        let settings = parse_settings(settings)?;
        let mut options = ExecutionOptions {
            machine_name: self.name.clone(),
            machine_type: self.machine_type,
            ..ExecutionOptions::default()
        };
        if let Some(name) = settings.get("name").and_then(Value::as_str) {
            options.execution_name = name.to_string();
        }
        let execution = Execution::start(self.machine.clone(), input, options).map_err(|e| JsValue::from_str(&e))?;
        Ok(RawExecution { execution })
    }

    /// The warnings found while parsing (same shape as the errors), as JSON text.
    #[wasm_bindgen(js_name = warningsJson)]
    pub fn warnings_json(&self) -> String {
        self.warnings.clone()
    }
}

fn parse_settings(text: &str) -> Result<Value, JsValue> {
    crate::value::parse(text).map_err(|e| JsValue::from_str(&format!("bad settings: {e}")))
}

fn diagnostics_json(diagnostics: &[Diagnostic]) -> String {
    let items = diagnostics
        .iter()
        .map(|d| {
            Value::from_pairs([
                ("severity", Value::string(d.severity.as_str())),
                ("code", Value::string(d.code)),
                ("message", Value::string(d.message.as_str())),
                ("location", Value::string(d.location.as_str())),
                ("line", Value::int(d.line as i64)),
                ("column", Value::int(d.column as i64)),
                ("endLine", Value::int(d.end_line as i64)),
                ("endColumn", Value::int(d.end_column as i64)),
            ])
        })
        .collect();
    Value::array(items).to_json()
}
