//! A driver for Rust callers: task handlers are closures, time is virtual.

use crate::definition::parse_definition_text;
use crate::engine::{Command, Completion, Execution, ExecutionOptions, Outcome, ReadRequest, TaskRequest, WriteRequest};
use crate::value::Value;
use std::rc::Rc;

/// What a task handler answers.
pub enum TaskAnswer {
    Success(Value),
    Failure { error: String, cause: Option<String> },
    /// Never answers (lets a timeout fire).
    Never,
}

/// What a Distributed Map's `ItemReader` reads (see `ReadRequest`): for `s3:getObject` the
/// object's content (text, or for JSON an already parsed array), for `s3:listObjectsV2` the
/// listed objects. `Failure` fails the Map with States.ItemReaderFailed and this cause.
pub enum ReaderAnswer {
    Content(Value),
    Failure(String),
}

/// Parses a definition, runs it to the end with `handler` answering every task, and returns
/// the execution (for its outcome and history). A Map with an `ItemReader` finds nothing to
/// read: see `run_with_reader`.
pub fn run(definition: &str, input: &str, options: ExecutionOptions, handler: impl FnMut(&TaskRequest) -> TaskAnswer) -> Result<Execution, String> {
    run_with_reader(definition, input, options, handler, |_| None)
}

/// `run`, with `reader` answering the `ItemReader` reads of Distributed Map states (`None`:
/// nothing to read for this one, and the Map fails with States.ItemReaderFailed).
pub fn run_with_reader(definition: &str, input: &str, options: ExecutionOptions, handler: impl FnMut(&TaskRequest) -> TaskAnswer, reader: impl FnMut(&ReadRequest) -> Option<ReaderAnswer>) -> Result<Execution, String> {
    run_with_io(definition, input, options, handler, reader, |_| Ok(()))
}

/// `run_with_reader`, with `writer` answering the `ResultWriter` exports of Distributed Map
/// states: it gets the files AWS would write and returns `Err(cause)` to fail the write (the
/// Map fails with States.ResultWriterFailed). `run` and `run_with_reader` accept every write.
pub fn run_with_io(
    definition: &str,
    input: &str,
    options: ExecutionOptions,
    mut handler: impl FnMut(&TaskRequest) -> TaskAnswer,
    mut reader: impl FnMut(&ReadRequest) -> Option<ReaderAnswer>,
    mut writer: impl FnMut(&WriteRequest) -> Result<(), String>,
) -> Result<Execution, String> {
    let parsed = parse_definition_text(definition);
    let machine = parsed.machine.ok_or_else(|| parsed.diagnostics.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("; "))?;
    let mut ex = Execution::start(Rc::new(machine), input, options)?;
    drive_with_io(&mut ex, &mut handler, &mut reader, &mut writer);
    Ok(ex)
}

/// Runs an execution to its end (or until nothing more can happen).
pub fn drive(ex: &mut Execution, handler: &mut impl FnMut(&TaskRequest) -> TaskAnswer) {
    drive_with_reader(ex, handler, &mut |_| None)
}

/// `drive`, with `reader` answering `ItemReader` reads (see `run_with_reader`).
pub fn drive_with_reader(ex: &mut Execution, handler: &mut impl FnMut(&TaskRequest) -> TaskAnswer, reader: &mut impl FnMut(&ReadRequest) -> Option<ReaderAnswer>) {
    drive_with_io(ex, handler, reader, &mut |_| Ok(()))
}

/// `drive_with_reader`, with `writer` answering `ResultWriter` exports (see `run_with_io`).
pub fn drive_with_io(ex: &mut Execution, handler: &mut impl FnMut(&TaskRequest) -> TaskAnswer, reader: &mut impl FnMut(&ReadRequest) -> Option<ReaderAnswer>, writer: &mut impl FnMut(&WriteRequest) -> Result<(), String>) {
    loop {
        let commands = ex.run();
        if commands.is_empty() {
            return;
        }
        for c in commands {
            match c {
                Command::InvokeTask(req) => {
                    let completion = match handler(&req) {
                        TaskAnswer::Success(output) => Completion::TaskSucceeded { task_id: req.task_id, output },
                        TaskAnswer::Failure { error, cause } => Completion::TaskFailed { task_id: req.task_id, error, cause },
                        TaskAnswer::Never => Completion::TaskWillNotAnswer { task_id: req.task_id },
                    };
                    ex.complete(completion);
                }
                Command::WakeAt { time_ms } => ex.complete(Completion::TimeReached { time_ms }),
                Command::ReadItems(req) => {
                    let read_id = req.read_id;
                    ex.complete(match reader(&req) {
                        Some(ReaderAnswer::Content(content)) => Completion::ItemsRead { read_id, content },
                        Some(ReaderAnswer::Failure(cause)) => Completion::ItemsReadFailed { read_id, cause },
                        None => Completion::ItemsReadFailed { read_id, cause: req.missing_cause("Give the native driver a reader (run_with_reader) answering for it,") },
                    });
                }
                Command::WriteResults(req) => {
                    let write_id = req.write_id;
                    ex.complete(match writer(&req) {
                        Ok(()) => Completion::ResultsWritten { write_id },
                        Err(cause) => Completion::ResultsWriteFailed { write_id, cause },
                    });
                }
            }
        }
    }
}

/// The outcome as `{status, output, error, cause}` JSON-ish value (tests, CLI).
pub fn outcome_value(o: &Outcome) -> Value {
    let mut pairs = vec![("status", Value::from(o.status.as_str()))];
    if let Some(out) = &o.output {
        pairs.push(("output", out.clone()));
    }
    if let Some(e) = &o.error {
        pairs.push(("error", Value::String(e.clone())));
    }
    if let Some(c) = &o.cause {
        pairs.push(("cause", Value::String(c.clone())));
    }
    Value::from_pairs(pairs)
}
