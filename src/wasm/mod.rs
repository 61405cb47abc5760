//! The surface JavaScript drives (`js/bindings.js`, then `js/index.js`); nothing here knows ASL
//! rules. The exports are plain functions (`asl_*`) under the convention of `abi.rs`.
//!
//! Values cross the boundary as JSON text: one string per call, parsed once on each side.
//! Errors the caller can fix come back as `Err(string)` (thrown in JS as that string; the JS
//! wrapper turns them into proper Error objects); nothing here panics on bad input.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::definition::model::MachineType;
use crate::definition::source::substitute;
use crate::definition::validate::validate_source;
use crate::definition::{is_valid, parse_definition_source, Diagnostic, StateMachine, ValidateOptions};
use crate::drivers::mocks::MockConfig;
use crate::engine::{ClockMode, Execution, ExecutionOptions, Limits};
use crate::value::Value;

mod abi;
mod alloc;
mod cli;
mod execution;
mod shared;

use abi::{answer, answer_object, answer_option, arg};
pub use execution::RawExecution;

thread_local! {
    /// The message of the last panic, kept for JS to read after the trap (`takePanicMessage`).
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs once when the module is instantiated: keeps the message of a Rust panic, so that the
/// JS wrapper can put it in the error it raises when the call traps.
#[no_mangle]
pub extern "C" fn asl_init() {
    std::panic::set_hook(Box::new(|info| {
        let message = format!("asl-sim panicked: {info}");
        LAST_PANIC.with(|last| *last.borrow_mut() = Some(message));
    }));
}

/// The message of the last Rust panic, if any, cleared once read.
#[no_mangle]
pub extern "C" fn asl_take_panic() -> u32 {
    answer_option(LAST_PANIC.with(|last| last.borrow_mut().take()))
}

/// Panics on purpose: how the tests check that the JS side comes back from a trap.
#[no_mangle]
pub extern "C" fn asl_trap() {
    panic!("a trap asked for (asl_trap)");
}

/// The crate version, as in Cargo.toml.
#[no_mangle]
pub extern "C" fn asl_version() -> u32 {
    answer(Ok(env!("CARGO_PKG_VERSION").to_string()))
}

/// `testState(state, input, options)`: see [`test_state`].
///
/// # Safety
/// The arguments follow `abi.rs`'s convention.
#[no_mangle]
pub unsafe extern "C" fn asl_test_state(sp: *mut u8, sl: usize, sc: usize, ip: *mut u8, il: usize, ic: usize, op: *mut u8, ol: usize, oc: usize) -> u32 {
    let (state, input, options) = unsafe { (arg(sp, sl, sc), arg(ip, il, ic), arg(op, ol, oc)) };
    answer(test_state(&state, &input, &options))
}

/// `validate(definition, options)`: see [`validate`].
///
/// # Safety
/// The arguments follow `abi.rs`'s convention.
#[no_mangle]
pub unsafe extern "C" fn asl_validate(dp: *mut u8, dl: usize, dc: usize, op: *mut u8, ol: usize, oc: usize) -> u32 {
    let (definition, options) = unsafe { (arg(dp, dl, dc), arg(op, ol, oc)) };
    answer(validate(&definition, &options))
}

/// `new RawMachine(definition, settings)`: the machine's handle, with its warnings as text.
///
/// # Safety
/// The arguments follow `abi.rs`'s convention.
#[no_mangle]
pub unsafe extern "C" fn asl_machine_new(dp: *mut u8, dl: usize, dc: usize, sp: *mut u8, sl: usize, sc: usize) -> u32 {
    let (definition, settings) = unsafe { (arg(dp, dl, dc), arg(sp, sl, sc)) };
    answer_object(RawMachine::new(&definition, &settings).map(|m| {
        let warnings = m.warnings.clone();
        (m, warnings)
    }))
}

/// # Safety
/// `machine` is a live machine handle, not used again.
#[no_mangle]
pub unsafe extern "C" fn asl_machine_free(machine: *mut RawMachine) {
    unsafe { abi::free(machine) }
}

/// `machine.start(input, settings)`: the execution's handle.
///
/// # Safety
/// `machine` is a live machine handle; the strings follow `abi.rs`'s convention.
#[no_mangle]
pub unsafe extern "C" fn asl_machine_start(machine: *const RawMachine, ip: *mut u8, il: usize, ic: usize, sp: *mut u8, sl: usize, sc: usize) -> u32 {
    let (input, settings) = unsafe { (arg(ip, il, ic), arg(sp, sl, sc)) };
    let machine = unsafe { &*machine };
    answer_object(machine.start(&input, &settings).map(|e| (e, String::new())))
}

/// AWS TestState: runs one state. `state` is the state's definition (JSON or YAML text);
/// `options` is `{inspectionLevel, variables, result, error: {error, cause}, stateName,
/// fieldValidationMode, context, stateConfiguration: {retrierRetryCount,
/// mapIterationFailureCount, errorCausedByState, mapItemReaderData}}`.
/// Answers TestState's response as JSON text; throws a message for a bad state or input.
pub fn test_state(state: &str, input: &str, options: &str) -> Result<String, String> {
    use crate::engine::api_shapes::FieldValidation;
    use crate::engine::test_state::{test_state, InspectionLevel, StateConfiguration, TestStateOptions};
    let state = match crate::definition::source::parse_source(state) {
        Ok((v, _, _)) => v,
        Err(e) => return Err(format!("the state definition cannot be read: {e}")),
    };
    let o = parse_settings(options)?;
    let mut opts = TestStateOptions {
        inspection_level: match o.get("inspectionLevel").and_then(Value::as_str) {
            None | Some("INFO") => InspectionLevel::Info,
            Some("DEBUG") => InspectionLevel::Debug,
            Some("TRACE") => InspectionLevel::Trace,
            Some(other) => return Err(format!("inspectionLevel must be INFO, DEBUG or TRACE, not '{other}'")),
        },
        result: o.get("result").cloned(),
        state_name: o.get("stateName").and_then(Value::as_str).map(String::from),
        field_validation: match o.get("fieldValidationMode").and_then(Value::as_str) {
            None => FieldValidation::Strict,
            Some(mode) => FieldValidation::parse(mode).ok_or_else(|| format!("fieldValidationMode must be STRICT, PRESENT or NONE, not '{mode}'"))?,
        },
        ..TestStateOptions::default()
    };
    if let Some(vars) = o.get("variables").and_then(Value::as_object) {
        opts.variables = vars.as_ref().clone();
    }
    if let Some(e) = o.get("error") {
        let error = e.get("error").and_then(Value::as_str).unwrap_or("").to_string();
        let cause = e.get("cause").and_then(Value::as_str).map(String::from);
        opts.error = Some((error, cause));
    }
    opts.context = match o.get("context") {
        None | Some(Value::Null) => None,
        // AWS takes it as JSON text; an object is taken as the object it would give.
        Some(Value::String(text)) => Some(crate::value::parse(text).map_err(|e| format!("context is not valid JSON: {e}"))?),
        Some(v) => Some(v.clone()),
    };
    if let Some(c) = o.get("stateConfiguration").filter(|c| !matches!(c, Value::Null)) {
        let count = |field: &str| -> Result<Option<u64>, String> {
            match c.get(field) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => match v.as_f64() {
                    Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= u32::MAX as f64 => Ok(Some(n as u64)),
                    _ => Err(format!("stateConfiguration.{field} must be a whole number, 0 or more (at most {})", u32::MAX)),
                },
            }
        };
        let text = |field: &str| -> Result<Option<String>, String> {
            match c.get(field) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.to_string())),
                Some(_) => Err(format!("stateConfiguration.{field} must be a string")),
            }
        };
        opts.configuration = StateConfiguration {
            retrier_retry_count: count("retrierRetryCount")?,
            map_iteration_failure_count: count("mapIterationFailureCount")?,
            error_caused_by_state: text("errorCausedByState")?,
            map_item_reader_data: text("mapItemReaderData")?,
        };
    }
    test_state(&state, input, &opts).map(|v| v.to_json())
}

/// `ValidateStateMachineDefinition`: every diagnostic for definition text (JSON or YAML), as a
/// JSON array of `{severity, code, message, location, line, column, endLine, endColumn}`.
/// Options: `{"type": "STANDARD" | "EXPRESS", "substitutions": {name: value}}`.
pub fn validate(definition: &str, options: &str) -> Result<String, String> {
    let options = parse_settings(options)?;
    let validate_options = validate_options(&options)?;
    Ok(diagnostics_json(&validate_source(definition, &validate_options).diagnostics))
}

fn validate_options(settings: &Value) -> Result<ValidateOptions, String> {
    let machine_type = match settings.get("type").and_then(Value::as_str) {
        None | Some("STANDARD") => MachineType::Standard,
        Some("EXPRESS") => MachineType::Express,
        Some(other) => return Err(format!("unknown state machine type '{other}': it is 'STANDARD' or 'EXPRESS'")),
    };
    let substitutions = match settings.get("substitutions") {
        None | Some(Value::Null) => None,
        Some(Value::Object(o)) => Some(
            o.iter()
                .map(|(k, v)| (k.to_string(), v.as_str().map(String::from).unwrap_or_else(|| v.to_json())))
                .collect::<HashMap<String, String>>(),
        ),
        Some(_) => return Err("definitionSubstitutions must be an object of names to values".into()),
    };
    Ok(ValidateOptions { machine_type, substitutions })
}

/// A parsed, validated definition. JS: `new RawMachine(definitionText, settingsJson)`, where
/// settings are `{name, type: "STANDARD" | "EXPRESS", roleArn, substitutions}`. Throws the
/// diagnostics (a JSON array, as `validate` returns) as a string when the definition has
/// errors, or a plain message (not starting with `[`) when the settings are wrong.
pub struct RawMachine {
    machine: Rc<StateMachine>,
    name: String,
    machine_type: MachineType,
    role_arn: Option<String>,
    warnings: String,
}

impl RawMachine {
    pub fn new(definition: &str, settings: &str) -> Result<RawMachine, String> {
        let settings = parse_settings(settings)?;
        let name = settings.get("name").and_then(Value::as_str).unwrap_or("StateMachine").to_string();
        let role_arn = settings.get("roleArn").and_then(Value::as_str).map(String::from);
        let options = validate_options(&settings)?;
        let machine_type = options.machine_type;
        // CreateStateMachine's rules (the graph, the machine type), then the model.
        let validation = validate_source(definition, &options);
        if !is_valid(&validation.diagnostics) {
            return Err(diagnostics_json(&validation.diagnostics));
        }
        let parsed = match &options.substitutions {
            Some(values) => parse_definition_source(&substitute(definition, values).0),
            None => parse_definition_source(definition),
        };
        match parsed.machine {
            Some(machine) => {
                Ok(RawMachine { machine: Rc::new(machine), name, machine_type, role_arn, warnings: diagnostics_json(&validation.diagnostics) })
            }
            None => Err(diagnostics_json(&parsed.diagnostics)),
        }
    }

    /// Starts an execution with `input` (JSON text). Settings (all optional):
    /// `{name, clock: "virtual" | "external", startTime (epoch ms), seed, events (bool: include
    /// new history events in each response), trace (bool: record data-flow traces), limits: {maxPayloadBytes, maxHistoryEvents,
    /// maxTransitions} (null disables one), mockConfig (object or JSON text), testCase}`.
    /// Throws a message string if the input is not JSON or a setting is wrong.
    pub fn start(&self, input: &str, settings: &str) -> Result<RawExecution, String> {
        let settings = parse_settings(settings)?;
        let mut options = ExecutionOptions { machine_name: self.name.clone(), machine_type: self.machine_type, ..ExecutionOptions::default() };
        if let Some(role) = &self.role_arn {
            options.role_arn = role.clone();
        }
        if let Some(name) = settings.get("name").and_then(Value::as_str) {
            options.execution_name = name.to_string();
        }
        options.clock = match settings.get("clock").and_then(Value::as_str) {
            None | Some("virtual") => ClockMode::Virtual,
            Some("external") => ClockMode::External,
            Some(other) => return Err(format!("unknown clock '{other}'")),
        };
        if let Some(t) = settings.get("startTime").and_then(Value::as_f64) {
            options.start_time_ms = t;
        }
        if let Some(seed) = settings.get("seed").and_then(Value::as_f64) {
            options.seed = seed as u64;
        }
        if let Some(limits) = settings.get("limits").filter(|l| !l.is_null()) {
            options.limits = read_limits(limits)?;
        }
        let mocks = match (settings.get("mockConfig").filter(|c| !c.is_null()), settings.get("testCase").and_then(Value::as_str)) {
            (None, None) => None,
            (Some(config), Some(case)) => {
                let config = match config {
                    Value::String(text) => MockConfig::parse(text)?,
                    other => MockConfig::from_value(other)?,
                };
                Some(config.test_case(&self.name, case, Some(&self.machine))?)
            }
            (Some(_), None) => return Err("mockConfig needs a testCase: the name of one of its TestCases".into()),
            (None, Some(_)) => return Err("testCase needs a mockConfig".into()),
        };
        let events = settings.get("events").and_then(Value::as_bool).unwrap_or(false);
        options.trace = settings.get("trace").and_then(Value::as_bool).unwrap_or(false);
        let execution = Execution::start(self.machine.clone(), input, options)?;
        Ok(RawExecution::new(execution, mocks, events))
    }
}

fn read_limits(limits: &Value) -> Result<Limits, String> {
    let mut out = Limits::default();
    let Some(obj) = limits.as_object() else { return Err("limits must be an object".into()) };
    for (key, value) in obj.iter() {
        let n = match value {
            Value::Null => None,
            v => match v.as_f64() {
                Some(f) if f >= 1.0 && f.fract() == 0.0 => Some(f),
                _ => return Err(format!("limits.{key} must be a positive integer or Infinity, not {}", value.to_json())),
            },
        };
        match &**key {
            "maxPayloadBytes" => out.max_payload_bytes = n.map(|f| f as usize),
            "maxHistoryEvents" => out.max_history_events = n.map(|f| f as usize),
            "maxTransitions" => out.max_transitions = n.map(|f| f as u64),
            other => return Err(format!("unknown limit '{other}' (maxPayloadBytes, maxHistoryEvents, maxTransitions)")),
        }
    }
    Ok(out)
}

fn parse_settings(text: &str) -> Result<Value, String> {
    crate::value::parse(text).map_err(|e| format!("bad settings: {e}"))
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
