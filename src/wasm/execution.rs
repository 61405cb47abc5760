//! The low-level execution that `js/index.js` drives. One wasm call per round: the JS side
//! hands over every answer it has (a batch), the engine runs until it is blocked, and the
//! reply carries the new commands, the outcome once there is one, and (when asked for at
//! start) the new history events. Mocked tasks are answered here without crossing to JS.
//!
//! A batch is a JSON array of answers:
//!
//! | answer | meaning |
//! | --- | --- |
//! | `[0, taskId, output]` | TaskSucceeded |
//! | `[1, taskId, error, cause]` | TaskFailed (`cause` may be null) |
//! | `[2, taskId, output]` | TaskSubmitted |
//! | `[3, taskId]` | TaskHeartbeat |
//! | `[4, taskId]` | TaskWillNotAnswer |
//! | `[5, timeMs]` | TimeReached (external clock) |
//! | `[6, error, cause]` | Stop (StopExecution; either may be null) |
//! | `[7, readId, content]` | ItemsRead (what a Map's `ItemReader` read) |
//! | `[8, readId, cause]` | ItemsReadFailed (the Map fails with States.ItemReaderFailed) |
//! | `[9, writeId]` | ResultsWritten (a Map's `ResultWriter` export is stored) |
//! | `[10, writeId, cause]` | ResultsWriteFailed (the Map fails with States.ResultWriterFailed) |
//!
//! A reply is `{"c": [invoke...], "s": [state...]?, "r": [read...]?, "x": [write...]?, "w": timeMs?,
//! "n": historyLength, "e": [event...]?, "o": outcome?, "p": bool?}`, kept small because one
//! crosses per task:
//!
//! - an invoke is `[taskId, stateKey, input, enteredTime, retryCount, token | null, places?]`
//!   (`enteredTime` is null when it is the previous invoke's): JS builds the handler's context from these and the parts of `$$` it got once
//!   (`contextJson`); `places` says where shared values go in `input` (see `shared.rs`);
//! - a state is `[stateKey, stateName, resource, pattern]`, sent before the first invoke of
//!   that Task state (`pattern`: "request-response" | "sync" | "token");
//! - a read is `[readId, stateName, resource, input, [what, missingCause], enteredTime,
//!   retryCount]`: a Distributed Map's `ItemReader` asks for its source's content (`what` to
//!   answer with, and the cause to fail with when nothing answers, in the engine's words);
//! - a write is `[writeId, stateName, resource, input, [[bucket, key, body]...], enteredTime,
//!   retryCount]`: a Distributed Map's `ResultWriter` exports these objects;
//! - `w` is when to wake the engine (external clock only).

#![allow(clippy::missing_safety_doc)] // see the note above the exports

use crate::definition::resource::Pattern;
use crate::drivers::mocks::Mocks;
use crate::drivers::native::outcome_value;
use crate::engine::{Command, Completion, Execution, TaskRequest};
use std::collections::HashMap;
use std::rc::Rc;
use crate::value::hash::FastBuildHasher;
use crate::value::write_uint;
use crate::value::Value;

use super::abi::{answer, answer_option, answer_written, arg};
use super::shared::SharedValues;

pub struct RawExecution {
    execution: Execution,
    /// Big values JS holds too, and the prefix of JS's reference strings; `None` until JS
    /// asks for sharing (`shareValues`).
    shared: Option<(SharedValues, String)>,
    mocks: Option<Mocks>,
    /// Whether replies carry the new history events.
    events: bool,
    /// History events already sent in replies.
    sent: usize,
    /// Task states JS knows, as numbered in invokes, by the addresses of their name and
    /// resource: the model's own `Rc`s, kept here so that the addresses stay theirs. (Looked up
    /// once per invoke: hashing the texts took more than the rest of the reply.)
    state_keys: HashMap<(usize, usize), KnownTaskState, FastBuildHasher>,
    /// The `EnteredTime` of the last invoke sent: the next one sends null when it is the same.
    last_entered: Option<Rc<str>>,
    /// Object keys of the answers read so far: every answer of a Task state tends to have the
    /// same keys, which are then one string each (see `value::Cursor`).
    keys: Vec<Rc<str>>,
}

/// A Task state JS knows: its number in invokes, with the name and resource it is found by.
struct KnownTaskState {
    key: u32,
    _name: Rc<str>,
    _resource: Rc<str>,
}

impl RawExecution {
    pub(super) fn new(execution: Execution, mocks: Option<Mocks>, events: bool) -> RawExecution {
        RawExecution { execution, shared: None, mocks: mocks.filter(|m| !m.is_empty()), events, sent: 0, state_keys: HashMap::default(), last_entered: None, keys: Vec::new() }
    }

    /// Feeds a batch of answers; returns how many there were.
    fn apply(&mut self, batch: &str, now: f64) -> Result<usize, String> {
        if now.is_finite() {
            self.execution.set_time(now);
        }
        if batch == "[]" || batch.is_empty() {
            return Ok(0);
        }
        // Read answer by answer (the arrays around them are never built), each fed at once.
        let RawExecution { execution, shared, keys, .. } = self;
        let lookup = |id: u32| shared.as_ref().and_then(|(values, _)| values.get(id));
        let refs = shared.as_ref().map(|(_, prefix)| (prefix.as_str(), &lookup as crate::value::RefLookup<'_>));
        let bad = |e: crate::value::ParseError| format!("asl-sim: bad answer batch: {e}");
        let mut cursor = crate::value::Cursor::new(batch, std::mem::take(keys), refs);
        cursor.open_array().map_err(bad)?;
        let mut count = 0;
        while cursor.next_element(count == 0).map_err(bad)? {
            cursor.open_array().map_err(bad)?;
            // An answer is at most four values: [kind, id or time, and up to two more].
            let mut parts: [Value; 4] = Default::default();
            let mut n = 0;
            while cursor.next_element(n == 0).map_err(bad)? {
                let v = cursor.value().map_err(bad)?;
                if n < parts.len() {
                    parts[n] = v;
                }
                n += 1;
            }
            let parts = &parts[..n.min(4)];
            let completion = completion(parts).ok_or_else(|| format!("asl-sim: bad answer {}", Value::array(parts.to_vec()).to_json()))?;
            execution.complete(completion);
            count += 1;
        }
        *keys = cursor.finish().map_err(bad)?;
        Ok(count)
    }

    /// Answers the commands that mocks can answer; returns the others. True if any was answered.
    fn answer_mocked(&mut self, commands: Vec<Command>, out: &mut Vec<Command>) -> bool {
        let Some(mocks) = self.mocks.as_mut() else {
            if out.is_empty() {
                *out = commands;
            } else {
                out.extend(commands);
            }
            return false;
        };
        let mut answered = false;
        for command in commands {
            if let Command::InvokeTask(req) = &command {
                if let Some(completions) = mocks.answer(req) {
                    for c in completions {
                        self.execution.complete(c);
                    }
                    answered = true;
                    continue;
                }
            }
            out.push(command);
        }
        answered
    }

    fn reply(&mut self, commands: Vec<Command>, progressed: Option<bool>, out: &mut String) {
        let mut states = String::new();
        let mut reads = String::new();
        let mut writes = String::new();
        let mut wake = None;
        out.push_str("{\"c\":[");
        let mut first = true;
        for command in &commands {
            match command {
                Command::InvokeTask(task) => {
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    let key = self.state_key(task, &mut states);
                    write_invoke(task, key, &mut self.last_entered, self.shared.as_mut().map(|(values, _)| values), out);
                }
                Command::WakeAt { time_ms } => wake = Some(*time_ms),
                Command::ReadItems(read) => write_read(read, &mut reads),
                Command::WriteResults(write) => write_write(write, &mut writes),
            }
        }
        out.push(']');
        if !states.is_empty() {
            out.push_str(",\"s\":[");
            out.push_str(&states);
            out.push(']');
        }
        if !reads.is_empty() {
            out.push_str(",\"r\":[");
            out.push_str(&reads);
            out.push(']');
        }
        if !writes.is_empty() {
            out.push_str(",\"x\":[");
            out.push_str(&writes);
            out.push(']');
        }
        if let Some(t) = wake.and_then(Value::float) {
            out.push_str(",\"w\":");
            crate::value::write_json(&t, out);
        }
        let len = self.execution.history().len();
        out.push_str(",\"n\":");
        write_uint(len as u64, out);
        if self.events {
            out.push_str(",\"e\":");
            out.push_str(&self.execution.history().to_json_from(self.sent));
            self.sent = len;
        }
        if let Some(outcome) = self.execution.outcome() {
            out.push_str(",\"o\":");
            match (&outcome.output, self.shared.as_mut()) {
                (Some(output), Some((values, _))) if outcome.error.is_none() && outcome.cause.is_none() => write_outcome(outcome.status.as_str(), output, values, out),
                _ => out.push_str(&outcome_value(outcome).to_json()),
            }
        }
        if let Some(p) = progressed {
            out.push_str(if p { ",\"p\":true" } else { ",\"p\":false" });
        }
        out.push('}');
    }

    /// The number JS knows a Task state by; a new one is described in `states`.
    fn state_key(&mut self, task: &TaskRequest, states: &mut String) -> u32 {
        use crate::value::write::write_string;
        let address = (task.state_name.as_ptr() as usize, task.resource.as_ptr() as usize);
        if let Some(known) = self.state_keys.get(&address) {
            return known.key;
        }
        let key = self.state_keys.len() as u32;
        self.state_keys.insert(address, KnownTaskState { key, _name: task.state_name.clone(), _resource: task.resource.clone() });
        if !states.is_empty() {
            states.push(',');
        }
        states.push('[');
        write_uint(key as u64, states);
        states.push(',');
        write_string(&task.state_name, states);
        states.push(',');
        write_string(&task.resource, states);
        states.push_str(match task.target.pattern() {
            Pattern::RequestResponse => ",\"request-response\"]",
            Pattern::Sync => ",\"sync\"]",
            Pattern::WaitForTaskToken => ",\"token\"]",
        });
        key
    }
}

impl RawExecution {
    /// Feeds `batch`, sets the time to `now` first unless it is NaN (real clock), and runs
    /// until every branch is blocked or the execution has ended.
    fn resume(&mut self, batch: &str, now: f64) -> Result<Vec<Command>, String> {
        self.apply(batch, now)?;
        let mut commands = Vec::new();
        loop {
            let next = self.execution.run();
            if !self.answer_mocked(next, &mut commands) {
                break;
            }
        }
        Ok(commands)
    }

    /// One unit of work: feeds `batch` (an answer is a unit) or else advances the engine by one
    /// step (entering a state, a task call, leaving a wait, a jump of the virtual clock). The
    /// reply's `p` says whether anything happened (false: blocked, waiting for answers).
    fn step(&mut self, batch: &str, now: f64) -> Result<(Vec<Command>, bool), String> {
        let mut progressed = self.apply(batch, now)? > 0;
        let mut commands = Vec::new();
        if !progressed && self.execution.outcome().is_none() {
            match self.execution.step() {
                None => progressed = true,
                Some(next) => progressed = self.answer_mocked(next, &mut commands),
            }
        }
        Ok((commands, progressed))
    }

    /// `{"Execution": {...}, "StateMachine": {...}}`: the parts of `$$` shared by every task,
    /// with `Execution.Input` null: it can be big and few handlers read it (`executionInputJson`).
    fn context_json(&self) -> String {
        let ctx = &self.execution.ctx;
        let mut execution = ctx.execution.clone();
        if let Value::Object(map) = &mut execution {
            if let Some(input) = std::rc::Rc::make_mut(map).get_mut("Input") {
                *input = Value::Null;
            }
        }
        Value::from_pairs([("Execution", execution), ("StateMachine", ctx.state_machine.clone())]).to_json()
    }
}

// The execution's exports. Each is unsafe in the same way: it takes the execution's handle
// first, which must be live, and its string arguments follow `abi.rs`'s convention.

/// `resume(batch, now)`: the reply (see the module's doc).
#[no_mangle]
pub unsafe extern "C" fn asl_resume(ex: *mut RawExecution, bp: *mut u8, bl: usize, bc: usize, now: f64) -> u32 {
    let batch = unsafe { arg(bp, bl, bc) };
    let ex = unsafe { &mut *ex };
    match ex.resume(&batch, now) {
        Ok(commands) => answer_written(|out| ex.reply(commands, None, out)),
        Err(message) => answer(Err(message)),
    }
}

/// `step(batch, now)`: the reply, with `p`.
#[no_mangle]
pub unsafe extern "C" fn asl_step(ex: *mut RawExecution, bp: *mut u8, bl: usize, bc: usize, now: f64) -> u32 {
    let batch = unsafe { arg(bp, bl, bc) };
    let ex = unsafe { &mut *ex };
    match ex.step(&batch, now) {
        Ok((commands, progressed)) => answer_written(|out| ex.reply(commands, Some(progressed), out)),
        Err(message) => answer(Err(message)),
    }
}

/// From now on, big values cross as ids (see `shared.rs`): in answers, a string made of
/// `prefix` and an id stands for the value of that id; invoke commands get a list of where
/// shared values go in their input.
#[no_mangle]
pub unsafe extern "C" fn asl_share_values(ex: *mut RawExecution, pp: *mut u8, pl: usize, pc: usize) {
    let prefix = unsafe { arg(pp, pl, pc) };
    unsafe { &mut *ex }.shared = Some((SharedValues::default(), prefix));
}

/// RedriveExecution: starts a FAILED, TIMED_OUT or ABORTED execution again from where it
/// stopped. Answers AWS's reason as an error when it cannot be redriven.
#[no_mangle]
pub unsafe extern "C" fn asl_redrive(ex: *mut RawExecution) -> u32 {
    answer(unsafe { &mut *ex }.execution.redrive().map(|()| String::new()))
}

/// `{"status","output"?,"error"?,"cause"?}` as JSON text once ended, else none.
#[no_mangle]
pub unsafe extern "C" fn asl_outcome(ex: *const RawExecution) -> u32 {
    answer_option(unsafe { &*ex }.execution.outcome().map(|o| outcome_value(o).to_json()))
}

/// History events from index `from` on (0 = all), as a JSON array.
#[no_mangle]
pub unsafe extern "C" fn asl_events(ex: *const RawExecution, from: u32) -> u32 {
    answer(Ok(unsafe { &*ex }.execution.history().to_json_from(from as usize)))
}

#[no_mangle]
pub unsafe extern "C" fn asl_history_length(ex: *const RawExecution) -> u32 {
    unsafe { &*ex }.execution.history().len() as u32
}

/// The data-flow trace of the visit whose state-entered event has this id, as JSON
/// (`StateTrace::inspection`); none when the execution was not started with `trace` or no
/// visit has that id.
#[no_mangle]
pub unsafe extern "C" fn asl_inspect(ex: *const RawExecution, entered_event: u32) -> u32 {
    answer_option(unsafe { &*ex }.execution.trace_of_visit(entered_event).map(|t| t.inspection().to_json()))
}

/// Ids of the tasks still waiting for an answer, as a JSON array.
#[no_mangle]
pub unsafe extern "C" fn asl_pending_tasks(ex: *const RawExecution) -> u32 {
    let ids = unsafe { &*ex }.execution.pending_tasks().into_iter().map(|id| Value::int(id as i64)).collect();
    answer(Ok(Value::array(ids).to_json()))
}

/// The task waiting on this token, or -1.
#[no_mangle]
pub unsafe extern "C" fn asl_task_for_token(ex: *const RawExecution, tp: *mut u8, tl: usize, tc: usize) -> f64 {
    let token = unsafe { arg(tp, tl, tc) };
    unsafe { &*ex }.execution.task_for_token(&token).map_or(-1.0, |id| id as f64)
}

/// See [`RawExecution::context_json`].
#[no_mangle]
pub unsafe extern "C" fn asl_context(ex: *const RawExecution) -> u32 {
    answer(Ok(unsafe { &*ex }.context_json()))
}

/// `$$.Execution.Input` as JSON text.
#[no_mangle]
pub unsafe extern "C" fn asl_execution_input(ex: *const RawExecution) -> u32 {
    answer(Ok(unsafe { &*ex }.execution.ctx.execution.get("Input").map(Value::to_json).unwrap_or_else(|| "null".into())))
}

#[no_mangle]
pub unsafe extern "C" fn asl_execution_arn(ex: *const RawExecution) -> u32 {
    answer(Ok(unsafe { &*ex }.execution.ctx.execution_arn.to_string()))
}

#[no_mangle]
pub unsafe extern "C" fn asl_machine_arn(ex: *const RawExecution) -> u32 {
    answer(Ok(unsafe { &*ex }.execution.ctx.machine_arn.to_string()))
}

#[no_mangle]
pub unsafe extern "C" fn asl_execution_free(ex: *mut RawExecution) {
    unsafe { super::abi::free(ex) }
}

/// An answer of a batch (see the module's table).
fn completion(a: &[Value]) -> Option<Completion> {
    let id = |i: usize| a.get(i).and_then(Value::as_f64).map(|f| f as u64);
    let text = |i: usize| a.get(i).and_then(Value::as_str).map(String::from);
    let value = |i: usize| a.get(i).cloned().unwrap_or(Value::Null);
    let kind = a.first()?.as_f64()? as u8;
    Some(match kind {
        0 => Completion::TaskSucceeded { task_id: id(1)?, output: value(2) },
        1 => Completion::TaskFailed { task_id: id(1)?, error: text(2).unwrap_or_default(), cause: text(3) },
        2 => Completion::TaskSubmitted { task_id: id(1)?, output: value(2) },
        3 => Completion::TaskHeartbeat { task_id: id(1)? },
        4 => Completion::TaskWillNotAnswer { task_id: id(1)? },
        5 => Completion::TimeReached { time_ms: a.get(1)?.as_f64()? },
        6 => Completion::Stop { error: text(1), cause: text(2) },
        7 => Completion::ItemsRead { read_id: id(1)?, content: value(2) },
        8 => Completion::ItemsReadFailed { read_id: id(1)?, cause: text(2).unwrap_or_default() },
        9 => Completion::ResultsWritten { write_id: id(1)? },
        10 => Completion::ResultsWriteFailed { write_id: id(1)?, cause: text(2).unwrap_or_default() },
        _ => return None,
    })
}

/// A successful outcome, `{"status", "output", "r"?}`, its output written with the values JS
/// already holds in their places (`r`), like a task input: a big result a handler returned
/// reaches JS without being copied again.
fn write_outcome(status: &str, output: &Value, shared: &mut SharedValues, out: &mut String) {
    use crate::value::write::write_string;
    out.push_str("{\"status\":");
    write_string(status, out);
    out.push_str(",\"output\":");
    let mut places = String::new();
    shared.write_known(output, out, &mut places);
    if !places.is_empty() {
        out.push_str(",\"r\":");
        out.push_str(&places);
    }
    out.push('}');
}

/// A read as the reply carries it (see the module's doc).
fn write_read(read: &crate::engine::ReadRequest, out: &mut String) {
    // What to answer with, and the cause when no handler answers: the engine's words, so that
    // every driver says the same.
    let how = format!("Give it a handler named after the Map, handlers: {{ '{}': (readerInput, context) => ... }} (in start's options, or the module of asl-sim run --handlers),", read.state_name);
    let detail = Value::array(vec![Value::from(read.expected()), Value::from(read.missing_cause(&how).as_str())]);
    write_s3_call(read.read_id, &read.state_name, &read.resource, &read.input, detail, &read.context, out);
}

/// A write as the reply carries it (see the module's doc).
fn write_write(write: &crate::engine::WriteRequest, out: &mut String) {
    let files = write.files.iter().map(|(b, k, body)| Value::array(vec![Value::String(b.clone()), Value::String(k.clone()), Value::String(body.clone())])).collect();
    write_s3_call(write.write_id, &write.state_name, &write.resource, &write.input, Value::array(files), &write.context, out);
}

/// A Map's S3 call, read or write: `[id, stateName, resource, input, detail, enteredTime,
/// retryCount]`, the last two from the Map's context. They are rare, so a value is built.
fn write_s3_call(id: u64, state_name: &Rc<str>, resource: &Rc<str>, input: &Value, detail: Value, context: &Value, out: &mut String) {
    if !out.is_empty() {
        out.push(',');
    }
    let state = context.get("State");
    let field = |k: &str| state.and_then(|s| s.get(k)).cloned().unwrap_or(Value::Null);
    let parts = vec![Value::int(id as i64), Value::String(state_name.clone()), Value::String(resource.clone()), input.clone(), detail, field("EnteredTime"), field("RetryCount")];
    crate::value::write_json(&Value::array(parts), out);
}

/// Writes an invoke straight into the reply (no value tree is built: this runs once per task).
/// `enteredTime` is null when it is the same as the last invoke's (on the virtual clock it
/// nearly always is).
fn write_invoke(task: &TaskRequest, key: u32, last_entered: &mut Option<Rc<str>>, shared: Option<&mut SharedValues>, out: &mut String) {
    use crate::value::write::write_string;
    out.push('[');
    write_uint(task.task_id, out);
    out.push(',');
    write_uint(key as u64, out);
    out.push(',');
    let mut places = String::new();
    match shared {
        Some(shared) => shared.write(&task.input, out, &mut places),
        None => crate::value::write_json(&task.input, out),
    }
    out.push(',');
    match task.context.get("State").and_then(|s| s.get("EnteredTime")) {
        Some(Value::String(t)) if last_entered.as_deref() == Some(&**t) => out.push_str("null"),
        Some(Value::String(t)) => {
            write_string(t, out);
            *last_entered = Some(t.clone());
        }
        _ => out.push_str("null"),
    }
    out.push(',');
    write_uint(task.retry_count, out);
    out.push(',');
    match &task.token {
        Some(t) => write_string(t, out),
        None => out.push_str("null"),
    }
    if !places.is_empty() {
        out.push(',');
        out.push_str(&places);
    }
    out.push(']');
}

