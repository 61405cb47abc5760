//! A Distributed Map's `ResultWriter` (AWS developer guide, "ResultWriter (Map)").
//!
//! - `WriterConfig.Transformation` shapes the child executions' results: `NONE` gives each as
//!   its execution's record (`ExecutionArn`, `Input` and `Output` as JSON text, `Name`,
//!   `StartDate`, `StopDate`, `Status`, ...), `COMPACT` its output, `FLATTEN` its output with
//!   an array output spread into the results. A failed child is always given as its record
//!   (the guide: "the results would be equivalent to having set Transformation to NONE").
//!   Defaults, as the guide gives them: `NONE` when exporting with no `WriterConfig`,
//!   `COMPACT` with no `ResultWriter`. Our choice where it says nothing: a `WriterConfig`
//!   without `Transformation` is `COMPACT`, and without `OutputType` is `JSON`.
//! - With `Resource` (`arn:aws:states:::s3:putObject`) and `Parameters`/`Arguments`
//!   (`Bucket`, `Prefix`), the results are exported: `SUCCEEDED_0.json` holds the succeeded
//!   children, `FAILED_0.json` the failed ones (tolerated failures), each written only when it
//!   has any (AWS: "exports executions with the same status to their respective files"), as a
//!   JSON array or, with `OutputType` `JSONL`, JSON Lines; then `manifest.json`
//!   (`DestinationBucket`, `MapRunArn`, `ResultFiles` with `FAILED`, `PENDING` and
//!   `SUCCEEDED` lists of `{Key, Size}`). Keys are `<Prefix>/<map run id>/<file>`, the run id
//!   being the last part of the Map Run ARN; our choice: one `/` between prefix and id however
//!   the prefix ends, and none with no prefix. Files are never split (AWS splits past 5 GB).
//!   The Map's result is then `{MapRunArn, ResultWriterDetails: {Bucket, Key}}`, Key being the
//!   manifest's. The engine asks its driver to write (`Command::WriteResults`); a failed write,
//!   or a writer that cannot work, fails the Map with States.ResultWriterFailed. No Task
//!   events are recorded for the write (our choice; AWS's history shows none either).
//! - A Map Run that fails (more failed children than tolerated) still exports, as the guide
//!   lists: `FAILED_0.json` also holds the children aborted with the run, `PENDING_0.json` the
//!   items that never started (see `export_failed_run`); the Map then fails as it would have.
//! - With only `WriterConfig`, nothing is written: the Map's result is the transformed array.
//!   `OutputType` only shapes files (our choice: a state's output stays JSON).

use crate::definition::model::{states_integration, Map, ResultWriter, StateKind};
use crate::engine::errors::{names, Failure};
use crate::engine::execution::{Blocked, Command, Execution, FiberId, WriteRequest};
use crate::engine::history::Field;
use crate::query::QueryError;
use crate::value::Value;
use std::rc::Rc;

/// An export the driver has not answered yet, and how the Map ends once it has: with its
/// result, or (a Map Run that failed) with its failure.
pub(crate) struct PendingWrite {
    pub fiber: FiberId,
    pub output: Result<Value, Failure>,
}

/// What a Map with a `ResultWriter` keeps of each child execution: its input, when it started
/// and stopped, and whether it failed.
#[derive(Default)]
pub(crate) struct RunLog {
    pub children: Vec<ChildRecord>,
}

#[derive(Default, Clone)]
pub(crate) struct ChildRecord {
    pub input: Value,
    pub started: f64,
    pub stopped: f64,
    pub failed: bool,
    /// Stopped when the Map Run failed (AWS: ABORTED, written to FAILED_n.json).
    pub aborted: bool,
    /// The child execution's name, given when it started.
    pub name: Option<Rc<str>>,
}

impl RunLog {
    pub fn started(&mut self, index: usize, input: Value, now: f64, name: Option<Rc<str>>) {
        if self.children.len() <= index {
            self.children.resize(index + 1, ChildRecord::default());
        }
        self.children[index] = ChildRecord { input, started: now, stopped: now, failed: false, aborted: false, name };
    }

    pub fn stopped(&mut self, index: usize, now: f64, failed: bool) {
        if let Some(c) = self.children.get_mut(index) {
            c.stopped = now;
            c.failed = failed;
        }
    }
}

/// A writer's settings, checked.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Transformation {
    None,
    Compact,
    Flatten,
}

#[derive(Debug)]
pub(crate) struct Settings {
    pub transformation: Transformation,
    pub jsonl: bool,
    pub export: bool,
}

/// The writer's settings, or why it cannot work.
pub(crate) fn settings(w: &ResultWriter) -> Result<Settings, String> {
    let export = match &w.resource {
        Some(r) => {
            if states_integration(r) != Some("s3:putObject") {
                return Err(format!("The ResultWriter resource '{r}' is not supported: use arn:aws:states:::s3:putObject."));
            }
            true
        }
        None if w.parameters.is_some() || w.arguments.is_some() => return Err("The ResultWriter has Parameters (or Arguments) but no Resource: name arn:aws:states:::s3:putObject to export the results.".into()),
        None if !w.has_config => return Err("The ResultWriter field cannot be empty: give WriterConfig, or Resource and Parameters (or Arguments), or all three.".into()),
        None => false,
    };
    let transformation = match w.transformation.as_deref() {
        None if export && !w.has_config => Transformation::None,
        None | Some("COMPACT") => Transformation::Compact,
        Some("NONE") => Transformation::None,
        Some("FLATTEN") => Transformation::Flatten,
        Some(other) => return Err(format!("WriterConfig.Transformation '{other}' is not one of NONE, COMPACT, FLATTEN.")),
    };
    let jsonl = match w.output_type.as_deref() {
        None | Some("JSON") => false,
        Some("JSONL") => true,
        Some(other) => return Err(format!("WriterConfig.OutputType '{other}' is not one of JSON, JSONL.")),
    };
    Ok(Settings { transformation, jsonl, export })
}

/// The names AWS gives a Map Run's child executions and their state machine.
pub(crate) struct RunNames {
    pub map_run_arn: Rc<str>,
    /// `arn:...:stateMachine:<machine>/<label>`.
    pub machine_arn: Rc<str>,
}

impl Execution {
    /// The names of a Map's run: its Map Run ARN (as MapRunStarted gave it), and its children's
    /// machine, named after the Map's `Label` or else the state.
    pub(crate) fn run_names(&self, state_name: &str, m: &Map, map_run_arn: Option<&Rc<str>>) -> RunNames {
        let label = m.label.as_deref().unwrap_or(state_name);
        RunNames { map_run_arn: map_run_arn.cloned().unwrap_or_default(), machine_arn: format!("{}/{label}", self.ctx.machine_arn).into() }
    }

    /// The record AWS keeps of a child execution (the `NONE` transformation).
    #[inline(never)]
    fn execution_record(&mut self, names: &RunNames, child: &ChildRecord, result: &Value) -> Value {
        let name: Rc<str> = match &child.name {
            Some(n) => n.clone(),
            None => self.rng.uuid().into(),
        };
        let exec_arn = format!("{}:{name}", names.machine_arn.replacen(":stateMachine:", ":execution:", 1));
        let included = Value::from_pairs([("Included", Value::Bool(true))]);
        let text = |v: &Value| Value::from(v.to_json().as_str());
        let mut pairs: Vec<(&str, Value)> = vec![("ExecutionArn", Value::from(exec_arn.as_str())), ("Input", text(&child.input)), ("InputDetails", included.clone()), ("Name", Value::String(name))];
        if child.failed || child.aborted {
            // A failed child can be redriven with its Map Run; it has no output.
            pairs.extend(["Error", "Cause"].into_iter().filter_map(|k| Some((k, result.get(k)?.clone()))));
            pairs.extend([("RedriveCount", Value::int(0)), ("RedriveStatus", Value::from("REDRIVABLE_BY_MAP_RUN"))]);
        } else {
            pairs.extend([
                ("Output", text(result)),
                ("OutputDetails", included),
                ("RedriveCount", Value::int(0)),
                ("RedriveStatus", Value::from("NOT_REDRIVABLE")),
                ("RedriveStatusReason", Value::from("Execution is SUCCEEDED and cannot be redriven")),
            ]);
        }
        let status = if child.aborted { "ABORTED" } else if child.failed { "FAILED" } else { "SUCCEEDED" };
        pairs.extend([
            ("StartDate", Value::String(self.timestamp_text(child.started))),
            ("StateMachineArn", Value::String(names.machine_arn.clone())),
            ("Status", Value::from(status)),
            ("StopDate", Value::String(self.timestamp_text(child.stopped))),
        ]);
        Value::from_pairs(pairs)
    }

    /// The results as the transformation shapes them: (succeeded, failed), each in item order.
    fn shaped_results(&mut self, names: &RunNames, t: Transformation, log: &RunLog, results: Vec<Value>) -> (Vec<Value>, Vec<Value>) {
        let (mut ok, mut failed) = (Vec::new(), Vec::new());
        let blank = ChildRecord::default();
        for (i, result) in results.into_iter().enumerate() {
            let child = log.children.get(i).unwrap_or(&blank);
            if child.failed || child.aborted {
                let record = self.execution_record(names, child, &result);
                failed.push(record);
                continue;
            }
            match (t, result) {
                (Transformation::None, result) => {
                    let record = self.execution_record(names, child, &result);
                    ok.push(record);
                }
                (Transformation::Flatten, Value::Array(a)) => ok.extend(a.iter().cloned()),
                (_, result) => ok.push(result),
            }
        }
        (ok, failed)
    }

    /// The Map's iterations are done and it has a `ResultWriter`: its result is shaped, and
    /// exported through the driver when the writer names S3.
    #[inline(never)]
    pub(crate) fn finish_with_writer(&mut self, fid: FiberId, writer: &ResultWriter, names: RunNames, log: RunLog, results: Vec<Value>) {
        let settings = match settings(writer) {
            Ok(s) => s,
            Err(cause) => return self.writer_failed(fid, cause),
        };
        self.export(fid, writer, &settings, names, log, results, Vec::new(), None);
    }

    /// A Map Run with an exporting `ResultWriter` failed (more failed children than it
    /// tolerates): as AWS does, it still writes what it has: succeeded children to
    /// SUCCEEDED_0.json, failed and aborted ones (the children running when it failed) to
    /// FAILED_0.json, and the items that never started to PENDING_0.json. The guide does not
    /// show a pending item's record; ours is `{"Input": <the item as JSON text>}`, the item
    /// as read (before ItemSelector; a batch when batching). Then the Map fails with its own
    /// failure, even when the write fails (our choice: the run's failure says more). A Map
    /// about to retry writes nothing (our choice). Returns false when nothing is exported (the
    /// caller fails the Map as usual).
    pub(crate) fn export_failed_run(&mut self, fid: FiberId, join: super::join::Join, failed_index: usize, child_error: Value, failure: Failure) -> bool {
        let state = self.fiber(fid).state.clone();
        let StateKind::Map(m) = &state.kind else { return false };
        let Some(writer) = &m.result_writer else { return false };
        let Some(mut log) = join.log else { return false };
        let settings = match settings(writer) {
            Ok(s) if s.export => s,
            _ => return false,
        };
        let now = self.now;
        log.stopped(failed_index, now, true);
        let mut results: Vec<Value> = Vec::with_capacity(join.next_index);
        for (i, r) in join.results.into_iter().take(join.next_index).enumerate() {
            results.push(match r {
                Some(v) => v,
                None if i == failed_index => child_error.clone(),
                None => {
                    // Still running: aborted with the Map Run.
                    log.stopped(i, now, false);
                    if let Some(c) = log.children.get_mut(i) {
                        c.aborted = true;
                    }
                    Value::Null
                }
            });
        }
        let pending = join.items.iter().skip(join.next_index).map(|item| Value::from_pairs([("Input", Value::from(item.to_json().as_str()))])).collect();
        let names = self.run_names(&state.name, m, join.map_run_arn.as_ref());
        self.export(fid, writer, &settings, names, *log, results, pending, Some(failure));
        true
    }

    /// Shapes the results and, when the writer exports, asks the driver to write them; the
    /// Map then ends with `failure` (a failed Map Run), or succeeds.
    #[allow(clippy::too_many_arguments)]
    #[inline(never)]
    fn export(&mut self, fid: FiberId, writer: &ResultWriter, settings: &Settings, names: RunNames, log: RunLog, results: Vec<Value>, pending: Vec<Value>, failure: Option<Failure>) {
        let (ok, failed) = self.shaped_results(&names, settings.transformation, &log, results);
        if !settings.export {
            // Failed children keep their place among the results, as records.
            let mut all = ok;
            all.extend(failed);
            return self.map_succeeded(fid, Value::array(all));
        }
        // A failed run whose writer cannot work fails with the run's own failure.
        let cannot = |ex: &mut Execution, cause: String, failure: Option<Failure>| match failure {
            Some(f) => ex.map_run_failed(fid, f),
            None => ex.writer_failed(fid, cause),
        };
        let input = match self.writer_request(fid, writer) {
            Ok(v) => v,
            Err(e) => {
                if let Some(f) = failure {
                    return self.map_run_failed(fid, f);
                }
                self.block(fid, Blocked::No);
                self.query_failed(fid, e);
                return self.requeue(fid);
            }
        };
        let bucket: Rc<str> = match input.get("Bucket").and_then(Value::as_str) {
            Some(b) if !b.is_empty() => b.into(),
            _ => return cannot(self, format!("The ResultWriter needs a Bucket (a non-empty string) to export to, but its request is {}.", input.to_json()), failure),
        };
        let prefix = match input.get("Prefix") {
            None | Some(Value::Null) => "",
            Some(Value::String(p)) => p.trim_end_matches('/'),
            Some(other) => return cannot(self, format!("The ResultWriter's Prefix must be a string, but it is {}.", other.type_name()), failure),
        };
        let run_id = names.map_run_arn.rsplit(':').next().unwrap_or_default();
        let key = |file: &str| -> Rc<str> {
            if prefix.is_empty() {
                format!("{run_id}/{file}").into()
            } else {
                format!("{prefix}/{run_id}/{file}").into()
            }
        };
        let mut files = Vec::new();
        let listed = |status: &str, values: Vec<Value>, files: &mut Vec<(Rc<str>, Rc<str>, Rc<str>)>| -> Value {
            if values.is_empty() {
                return Value::array(Vec::new());
            }
            let body = file_body(values, settings.jsonl);
            let k = key(&format!("{status}_0.json"));
            let entry = Value::from_pairs([("Key", Value::String(k.clone())), ("Size", Value::int(body.len() as i64))]);
            files.push((bucket.clone(), k, body));
            Value::array(vec![entry])
        };
        let succeeded = listed("SUCCEEDED", ok, &mut files);
        let failed = listed("FAILED", failed, &mut files);
        let pending = listed("PENDING", pending, &mut files);
        let manifest_key = key("manifest.json");
        let result_files = Value::from_pairs([("FAILED", failed), ("PENDING", pending), ("SUCCEEDED", succeeded)]);
        let manifest = Value::from_pairs([("DestinationBucket", Value::String(bucket.clone())), ("MapRunArn", Value::String(names.map_run_arn.clone())), ("ResultFiles", result_files)]);
        files.push((bucket.clone(), manifest_key.clone(), manifest.to_json().into()));
        let output = Value::from_pairs([
            ("MapRunArn", Value::String(names.map_run_arn.clone())),
            ("ResultWriterDetails", Value::from_pairs([("Bucket", Value::String(bucket)), ("Key", Value::String(manifest_key))])),
        ]);
        let write_id = self.next_task_id;
        self.next_task_id += 1;
        let output = match failure {
            Some(f) => Err(f),
            None => Ok(output),
        };
        self.writes.insert(write_id, PendingWrite { fiber: fid, output });
        let state_name = self.fiber(fid).state.name.clone();
        let context = self.context(fid, None);
        let resource = writer.resource.clone().unwrap_or_default();
        self.commands.push(Command::WriteResults(WriteRequest { write_id, state_name, resource, input, files, context }));
        self.block(fid, Blocked::Writing(write_id));
    }

    /// The writer's `Parameters` (or `Arguments`), evaluated on the Map's effective input.
    fn writer_request(&mut self, fid: FiberId, writer: &ResultWriter) -> Result<Value, QueryError> {
        let effective = self.fiber(fid).effective.clone();
        self.s3_request(fid, writer.parameters.as_ref(), writer.arguments.as_ref(), &effective)
    }

    /// The driver answered an export: the Map succeeds with its summary, or fails.
    pub(crate) fn results_written(&mut self, write_id: u64, failure: Option<String>) {
        let Some(write) = self.writes.remove(&write_id) else { return };
        let fid = write.fiber;
        if !self.fibers[fid].as_ref().is_some_and(|f| f.blocked == Blocked::Writing(write_id)) {
            return;
        }
        match (write.output, failure) {
            (Ok(output), None) => self.map_succeeded(fid, output),
            (Ok(_), Some(cause)) => self.writer_failed(fid, cause),
            (Err(f), _) => self.map_run_failed(fid, f),
        }
    }

    /// The Map Run failed with `failure` (its results were exported first).
    pub(crate) fn map_run_failed(&mut self, fid: FiberId, failure: Failure) {
        self.block(fid, Blocked::No);
        if !self.will_retry(fid, &failure) {
            let mut fields = vec![("error", Field::Text(failure.error.clone()))];
            if let Some(c) = &failure.cause {
                fields.insert(0, ("cause", Field::Text(c.clone())));
            }
            self.fiber_event(fid, "MapRunFailed", Some(("mapRunFailedEventDetails", fields)));
            self.fiber_event(fid, "MapStateFailed", None);
        }
        self.fail_state(fid, failure);
        self.requeue(fid);
    }

    /// The Map Run failed with States.ResultWriterFailed (which Retry and Catch see).
    fn writer_failed(&mut self, fid: FiberId, cause: String) {
        self.map_run_failed(fid, Failure::with_cause(names::RESULT_WRITER_FAILED, cause));
    }

    /// The Map Run and the Map state succeeded with this result.
    pub(crate) fn map_succeeded(&mut self, fid: FiberId, result: Value) {
        if matches!(&self.fiber(fid).state.kind, StateKind::Map(m) if m.mode == crate::definition::model::MapMode::Distributed) {
            self.fiber_event(fid, "MapRunSucceeded", None);
        }
        // MapStateExited follows the same event as MapStateSucceeded, as AWS records it.
        let before = self.fiber(fid).last_event;
        self.fiber_event(fid, "MapStateSucceeded", None);
        if let Some(f) = self.fibers[fid].as_mut() {
            f.last_event = before;
        }
        self.block(fid, Blocked::No);
        self.finish_with_result(fid, result, true);
        self.requeue(fid);
    }
}

/// A result file's text: a JSON array, or JSON Lines.
fn file_body(values: Vec<Value>, jsonl: bool) -> Rc<str> {
    if jsonl {
        let mut out = String::new();
        for v in &values {
            crate::value::write_json(v, &mut out);
            out.push('\n');
        }
        out.into()
    } else {
        Value::array(values).to_json().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writer(resource: Option<&str>, t: Option<&str>, o: Option<&str>, has_config: bool) -> ResultWriter {
        ResultWriter { resource: resource.map(Rc::from), parameters: None, arguments: None, transformation: t.map(Rc::from), output_type: o.map(Rc::from), has_config }
    }

    #[test]
    fn defaults_follow_the_guide() {
        let s = settings(&writer(Some("arn:aws:states:::s3:putObject"), None, None, false)).unwrap();
        assert_eq!((s.transformation, s.jsonl, s.export), (Transformation::None, false, true));
        let s = settings(&writer(None, None, Some("JSONL"), true)).unwrap();
        assert_eq!((s.transformation, s.jsonl, s.export), (Transformation::Compact, true, false));
        let s = settings(&writer(Some("arn:aws-us-gov:states:::s3:putObject"), Some("FLATTEN"), None, true)).unwrap();
        assert_eq!(s.transformation, Transformation::Flatten);
    }

    #[test]
    fn writers_that_cannot_work_say_why() {
        assert!(settings(&writer(None, None, None, false)).unwrap_err().contains("cannot be empty"));
        assert!(settings(&writer(Some("arn:aws:states:::s3:getObject"), None, None, false)).unwrap_err().contains("s3:getObject"));
        assert!(settings(&writer(None, Some("SQUASH"), None, true)).unwrap_err().contains("'SQUASH'"));
        assert!(settings(&writer(None, None, Some("CSV"), true)).unwrap_err().contains("'CSV'"));
    }

    #[test]
    fn files_are_json_arrays_or_lines() {
        let vals = vec![Value::int(1), Value::from_pairs([("a", Value::Null)])];
        assert_eq!(&*file_body(vals.clone(), false), r#"[1,{"a":null}]"#);
        assert_eq!(&*file_body(vals, true), "1\n{\"a\":null}\n");
    }
}
