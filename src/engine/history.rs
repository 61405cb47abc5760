//! The execution history, event by event, in the shape of AWS's `GetExecutionHistory`.
//!
//! Events are stored compactly: values are shared (`Rc`), and AWS's JSON text (for `input`,
//! `output`, `parameters`) is only written when the history is rendered.

use crate::definition::model::{State, StateKind};
use crate::definition::resource::Resource;
use crate::query::timestamp::format_timestamp;
use crate::value::{write::write_string, write_int, write_json, write_uint, Value};
use std::rc::Rc;

/// One detail field of an event.
#[derive(Clone, Debug)]
pub enum Field {
    /// A value AWS carries as JSON text (`"input": "{\"a\":1}"`).
    Json(Value),
    /// JSON text exactly as received (the execution input is echoed verbatim).
    Raw(Rc<str>),
    /// A plain string.
    Text(Rc<str>),
    /// A plain number.
    Int(i64),
    /// A nested value written as JSON (e.g. `taskCredentials`).
    Nested(Value),
    /// `{"truncated": false}`
    NotTruncated,
}

/// One event, 32 bytes in wasm: a long run's history is most of the memory it touches, and
/// first touching memory is much of a run's cost. So its id is its place in the history (from
/// 1), its timestamp is kept in the history's table of times (see `History`), and its type is
/// kept only where its details do not tell it (a state entered or exited event's state does).
#[derive(Clone, Debug)]
pub struct Event {
    pub previous_id: u32,
    /// Index into `History::times`.
    time: u32,
    details: Stored,
}

// What the wasm build's memory use is measured against (see `Event`).
#[cfg(target_arch = "wasm32")]
const _: () = assert!(std::mem::size_of::<Event>() == 32);

/// An event's details as the engine gives them. State entered/exited events (most of any
/// history) have their own compact shapes; every other event keeps its details key and fields
/// in order.
#[derive(Clone, Debug)]
pub enum Details {
    None,
    /// `stateEnteredEventDetails`: `{input, inputDetails, name}`. The state itself stands for
    /// its name here and below (one pointer: every event of a history is smaller for it).
    StateEntered { state: Rc<State>, input: Value },
    /// `stateExitedEventDetails`: `{name, output, outputDetails}`.
    StateExited { state: Rc<State>, output: Value },
    /// `stateExitedEventDetails` with `assignedVariables` (rarer, so boxed: it would make every
    /// event bigger).
    StateExitedAssigning(Box<AssigningExit>),
    /// `mapIteration{Started,Succeeded,Failed,Aborted}EventDetails`: `{index, name}` (the Map
    /// state's name); the details key follows from the event's type.
    MapIteration { index: u32, state: Rc<State> },
    /// A Task state's scheduled, started, submitted or succeeded event: the resource names
    /// come from the state itself, so the event holds the state and its one value.
    Task(Box<TaskEvent>),
    Fields(&'static str, Box<[(&'static str, Field)]>),
}

/// Details as kept in an event, with the event's type where nothing else tells it.
#[derive(Clone, Debug)]
enum Stored {
    None(&'static str),
    /// Type: `entered_event_name` of the state's kind.
    StateEntered { state: Rc<State>, input: Value },
    /// Type: `exited_event_name` of the state's kind (so too for the next one).
    StateExited { state: Rc<State>, output: Value },
    StateExitedAssigning(Box<AssigningExit>),
    /// The details key follows from the type.
    MapIteration { kind: &'static str, index: u32, state: Rc<State> },
    Task(&'static str, Box<TaskEvent>),
    Fields(Box<FieldsEvent>),
}

#[derive(Clone, Debug)]
struct FieldsEvent {
    kind: &'static str,
    key: &'static str,
    fields: Box<[(&'static str, Field)]>,
}

impl Stored {
    fn new(kind: &'static str, details: Details) -> Stored {
        match details {
            Details::None => Stored::None(kind),
            Details::StateEntered { state, input } => {
                debug_assert_eq!(kind, entered_event_name(&state.kind));
                Stored::StateEntered { state, input }
            }
            Details::StateExited { state, output } => {
                debug_assert_eq!(kind, exited_event_name(&state.kind));
                Stored::StateExited { state, output }
            }
            Details::StateExitedAssigning(exit) => {
                debug_assert_eq!(kind, exited_event_name(&exit.state.kind));
                Stored::StateExitedAssigning(exit)
            }
            Details::MapIteration { index, state } => {
                debug_assert!(map_iteration_key(kind).is_some(), "{kind}");
                Stored::MapIteration { kind, index, state }
            }
            Details::Task(t) => Stored::Task(kind, t),
            Details::Fields(key, fields) => Stored::Fields(Box::new(FieldsEvent { kind, key, fields })),
        }
    }
}

/// The type of the event a state's execution starts with.
pub fn entered_event_name(kind: &StateKind) -> &'static str {
    match kind {
        StateKind::Pass(_) => "PassStateEntered",
        StateKind::Task(_) => "TaskStateEntered",
        StateKind::Choice(_) => "ChoiceStateEntered",
        StateKind::Wait(_) => "WaitStateEntered",
        StateKind::Succeed => "SucceedStateEntered",
        StateKind::Fail(_) => "FailStateEntered",
        StateKind::Parallel(_) => "ParallelStateEntered",
        StateKind::Map(_) => "MapStateEntered",
    }
}

/// The type of the event a state's execution ends with.
pub fn exited_event_name(kind: &StateKind) -> &'static str {
    match kind {
        StateKind::Pass(_) => "PassStateExited",
        StateKind::Task(_) => "TaskStateExited",
        StateKind::Choice(_) => "ChoiceStateExited",
        StateKind::Wait(_) => "WaitStateExited",
        StateKind::Succeed => "SucceedStateExited",
        StateKind::Fail(_) => "FailStateExited",
        StateKind::Parallel(_) => "ParallelStateExited",
        StateKind::Map(_) => "MapStateExited",
    }
}

fn map_iteration_key(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "MapIterationStarted" => "mapIterationStartedEventDetails",
        "MapIterationSucceeded" => "mapIterationSucceededEventDetails",
        "MapIterationFailed" => "mapIterationFailedEventDetails",
        "MapIterationAborted" => "mapIterationAbortedEventDetails",
        _ => return None,
    })
}

#[derive(Clone, Debug)]
pub struct AssigningExit {
    pub state: Rc<State>,
    pub output: Value,
    /// The assigned variables, each as its JSON text (as AWS shows them).
    pub assigned: Value,
}

#[derive(Clone, Debug)]
pub struct TaskEvent {
    /// The details key (`taskScheduledEventDetails`, `lambdaFunctionSucceededEventDetails`, ...).
    pub key: &'static str,
    pub state: Rc<State>,
    /// Parameters or input (scheduled), output (submitted, succeeded); none for started.
    pub value: Option<Value>,
    pub region: Option<Rc<str>>,
    pub timeout: Option<u64>,
    pub heartbeat: Option<u64>,
    /// `taskCredentials` of a Task with `Credentials` (`{"roleArn": ...}`), written in its
    /// scheduled event.
    pub credentials: Option<Value>,
}

impl TaskEvent {
    fn write(&self, out: &mut String) {
        use std::fmt::Write;
        let StateKind::Task(task) = &self.state.kind else { return };
        let mut first = true;
        let mut sep = |out: &mut String| {
            if !first {
                out.push(',');
            }
            first = false;
        };
        let is_scheduled = self.key.ends_with("ScheduledEventDetails");
        if let Some(v) = &self.value {
            sep(out);
            let name = match (is_scheduled, &*task.target) {
                (true, Resource::LambdaFunction { .. } | Resource::Activity { .. }) => "input",
                (true, _) => "parameters",
                (false, _) => "output",
            };
            let _ = write!(out, "\"{name}\":");
            write_string(&v.to_json(), out);
            if name != "parameters" {
                let _ = write!(out, ",\"{name}Details\":{{\"truncated\":false}}");
            }
        }
        if let Some(r) = &self.region {
            sep(out);
            out.push_str("\"region\":");
            write_string(r, out);
        }
        match &*task.target {
            Resource::LambdaFunction { arn } | Resource::Activity { arn } => {
                if is_scheduled {
                    sep(out);
                    out.push_str("\"resource\":");
                    write_string(arn, out);
                }
            }
            Resource::Service { resource_type, resource, .. } => {
                sep(out);
                out.push_str("\"resource\":");
                write_string(resource, out);
                out.push_str(",\"resourceType\":");
                write_string(resource_type, out);
            }
            Resource::Other { arn } => {
                sep(out);
                out.push_str("\"resource\":");
                write_string(arn, out);
                out.push_str(",\"resourceType\":\"\"");
            }
        }
        if is_scheduled {
            if let Some(h) = self.heartbeat {
                sep(out);
                let _ = write!(out, "\"heartbeatInSeconds\":{h}");
            }
            if let Some(t) = self.timeout {
                sep(out);
                let _ = write!(out, "\"timeoutInSeconds\":{t}");
            }
            if let Some(c) = &self.credentials {
                sep(out);
                out.push_str("\"taskCredentials\":");
                write_json(c, out);
            }
        }
    }
}

impl Event {
    /// The event's type (`PassStateEntered`, `TaskScheduled`, ...).
    pub fn kind(&self) -> &'static str {
        match &self.details {
            Stored::None(kind) | Stored::MapIteration { kind, .. } | Stored::Task(kind, _) => kind,
            Stored::StateEntered { state, .. } => entered_event_name(&state.kind),
            Stored::StateExited { state, .. } => exited_event_name(&state.kind),
            Stored::StateExitedAssigning(exit) => exited_event_name(&exit.state.kind),
            Stored::Fields(f) => f.kind,
        }
    }

    /// The details object's key, if the event has details.
    pub fn details_key(&self) -> Option<&'static str> {
        match &self.details {
            Stored::None(_) => None,
            Stored::StateEntered { .. } => Some("stateEnteredEventDetails"),
            Stored::StateExited { .. } | Stored::StateExitedAssigning(_) => Some("stateExitedEventDetails"),
            Stored::Task(_, t) => Some(t.key),
            Stored::MapIteration { kind, .. } => map_iteration_key(kind),
            Stored::Fields(f) => Some(f.key),
        }
    }

    /// A detail field by name.
    pub fn field(&self, name: &str) -> Option<Field> {
        match &self.details {
            Stored::None(_) => None,
            Stored::StateEntered { state, input } => match name {
                "name" => Some(Field::Text(state.name.clone())),
                "input" => Some(Field::Json(input.clone())),
                "inputDetails" => Some(Field::NotTruncated),
                _ => None,
            },
            Stored::StateExited { state, output } => exited_field(state, output, name),
            Stored::StateExitedAssigning(exit) => match name {
                "assignedVariables" => Some(Field::Nested(exit.assigned.clone())),
                "assignedVariablesDetails" => Some(Field::NotTruncated),
                _ => exited_field(&exit.state, &exit.output, name),
            },
            Stored::MapIteration { index, state, .. } => match name {
                "index" => Some(Field::Int(*index as i64)),
                "name" => Some(Field::Text(state.name.clone())),
                _ => None,
            },
            Stored::Task(_, t) => match name {
                "input" | "parameters" | "output" => t.value.clone().map(Field::Json),
                _ => None,
            },
            Stored::Fields(e) => e.fields.iter().find(|(k, _)| *k == name).map(|(_, f)| f.clone()),
        }
    }

    /// The state name of a state-entered/exited event.
    pub fn state_name(&self) -> Option<&str> {
        match &self.details {
            Stored::StateEntered { state, .. } | Stored::StateExited { state, .. } => Some(&state.name),
            Stored::StateExitedAssigning(exit) => Some(&exit.state.name),
            Stored::Fields(e) => e.fields.iter().find_map(|(k, f)| match (k, f) {
                (&"name", Field::Text(t)) => Some(&**t),
                _ => None,
            }),
            Stored::MapIteration { .. } | Stored::Task(..) | Stored::None(_) => None,
        }
    }

    /// The event as AWS's JSON, given its id and its time as text (which the history keeps).
    /// `input_text`: the text to show as a StateEntered event's input instead of its value's.
    fn write_json(&self, id: usize, timestamp: &str, input_text: Option<&str>, out: &mut String) {
        use std::fmt::Write;
        out.push_str("{\"timestamp\":");
        write_string(timestamp, out);
        out.push_str(",\"type\":\"");
        out.push_str(self.kind());
        out.push_str("\",\"id\":");
        write_uint(id as u64, out);
        out.push_str(",\"previousEventId\":");
        write_uint(u64::from(self.previous_id), out);
        let Some(key) = self.details_key() else {
            out.push('}');
            return;
        };
        let _ = write!(out, ",\"{key}\":{{");
        match &self.details {
            Stored::StateEntered { state, input } => {
                out.push_str("\"input\":");
                match input_text {
                    Some(text) => write_string(text, out),
                    None => write_string(&input.to_json(), out),
                }
                out.push_str(",\"inputDetails\":{\"truncated\":false},\"name\":");
                write_string(&state.name, out);
            }
            Stored::StateExited { state, output } => write_exited(state, output, out),
            Stored::StateExitedAssigning(exit) => {
                out.push_str("\"assignedVariables\":");
                write_json(&exit.assigned, out);
                out.push_str(",\"assignedVariablesDetails\":{\"truncated\":false},");
                write_exited(&exit.state, &exit.output, out);
            }
            Stored::Task(_, t) => t.write(out),
            Stored::MapIteration { index, state, .. } => {
                let _ = write!(out, "\"index\":{index},\"name\":");
                write_string(&state.name, out);
            }
            Stored::Fields(f) => {
                for (i, (name, field)) in f.fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, "\"{name}\":");
                    field.write_json(out);
                }
            }
            Stored::None(_) => {}
        }
        out.push_str("}}");
    }

}

/// A field of `stateExitedEventDetails` other than the assigned variables.
fn exited_field(state: &State, output: &Value, name: &str) -> Option<Field> {
    match name {
        "name" => Some(Field::Text(state.name.clone())),
        "output" => Some(Field::Json(output.clone())),
        "outputDetails" => Some(Field::NotTruncated),
        _ => None,
    }
}

fn write_exited(state: &State, output: &Value, out: &mut String) {
    out.push_str("\"name\":");
    write_string(&state.name, out);
    out.push_str(",\"output\":");
    write_string(&output.to_json(), out);
    out.push_str(",\"outputDetails\":{\"truncated\":false}");
}

impl Field {
    fn write_json(&self, out: &mut String) {
        match self {
            Field::Json(v) => write_string(&v.to_json(), out),
            Field::Raw(t) => write_string(t, out),
            Field::Text(t) => write_string(t, out),
            Field::Int(i) => write_int(*i, out),
            Field::Nested(v) => write_json(v, out),
            Field::NotTruncated => out.push_str("{\"truncated\":false}"),
        }
    }
}

#[derive(Default, Debug)]
pub struct History {
    /// The events in chunks of `CHUNK`: a history grows one event at a time to hundreds of
    /// thousands, and one growing `Vec` would copy all of it at every doubling (in wasm, a tenth
    /// of a long run's time went to those copies and the memory they left behind).
    chunks: Vec<Vec<Event>>,
    /// The events' times, each once for a run of events at the same time (on the virtual
    /// clock, most of a history happens at one instant).
    times: Vec<f64>,
    /// The execution input as sent, when the caller sent text (see `set_input_text`).
    input_text: Option<Rc<str>>,
}

const CHUNK: usize = 4096;

impl History {
    /// Appends an event; returns its id.
    pub fn push(&mut self, previous_id: u32, timestamp_ms: f64, kind: &'static str, details: Option<(&'static str, Vec<(&'static str, Field)>)>) -> u32 {
        let details = match details {
            None => Details::None,
            Some((key, fields)) => Details::Fields(key, fields.into_boxed_slice()),
        };
        self.push_details(previous_id, timestamp_ms, kind, details)
    }

    /// Appends an event with details already in their compact shape; returns its id.
    #[inline]
    pub fn push_details(&mut self, previous_id: u32, timestamp_ms: f64, kind: &'static str, details: Details) -> u32 {
        let id = self.len() as u32 + 1;
        if self.times.last() != Some(&timestamp_ms) {
            self.times.push(timestamp_ms);
        }
        let event = Event { previous_id, time: (self.times.len() - 1) as u32, details: Stored::new(kind, details) };
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < CHUNK => chunk.push(event),
            _ => {
                // The first chunk starts small and grows (most histories are short); every
                // chunk but the last holds CHUNK events, so `get` can divide.
                let mut chunk = Vec::with_capacity(if self.chunks.is_empty() { 16 } else { CHUNK });
                chunk.push(event);
                self.chunks.push(chunk);
            }
        }
        id
    }

    pub fn len(&self) -> usize {
        self.chunks.last().map_or(0, |last| (self.chunks.len() - 1) * CHUNK + last.len())
    }

    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }

    /// The event at `index` (its id is `index + 1`).
    pub fn get(&self, index: usize) -> Option<&Event> {
        self.chunks.get(index / CHUNK)?.get(index % CHUNK)
    }

    pub fn last(&self) -> Option<&Event> {
        self.chunks.last()?.last()
    }

    /// When an event of this history happened (epoch milliseconds).
    pub fn timestamp_ms(&self, event: &Event) -> f64 {
        self.times.get(event.time as usize).copied().unwrap_or(0.0)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Event> + '_ {
        self.chunks.iter().flatten()
    }

    /// The events from index `from` on.
    pub fn iter_from(&self, from: usize) -> impl Iterator<Item = &Event> + '_ {
        let first = from / CHUNK;
        self.chunks.iter().skip(first).flatten().skip(from - first * CHUNK)
    }

    /// Keeps the execution input's text as the caller sent it: AWS echoes it verbatim as the
    /// first state's input too (spaces and all), not only in ExecutionStarted.
    pub fn set_input_text(&mut self, text: Rc<str>) {
        self.input_text = Some(text);
    }

    /// The verbatim input text for the event at `index`: the first state's entry (id 2).
    fn input_text_at(&self, index: usize) -> Option<&str> {
        self.input_text.as_deref().filter(|_| index == 1)
    }

    /// The event at `index` as AWS's JSON.
    pub fn event_json(&self, index: usize) -> Option<String> {
        let event = self.get(index)?;
        let mut out = String::new();
        event.write_json(index + 1, &format_timestamp(self.timestamp_ms(event)), self.input_text_at(index), &mut out);
        Some(out)
    }

    /// Events from index `from` on, as a JSON array.
    pub fn to_json_from(&self, from: usize) -> String {
        let mut out = String::from("[");
        // Events in a run at one instant share their time's text.
        let mut time: Option<(u32, String)> = None;
        for (i, e) in self.iter_from(from).enumerate() {
            if i > 0 {
                out.push(',');
            }
            if time.as_ref().is_none_or(|(t, _)| *t != e.time) {
                time = Some((e.time, format_timestamp(self.timestamp_ms(e))));
            }
            let text = time.as_ref().map_or("", |(_, text)| text.as_str());
            e.write_json(from + i + 1, text, self.input_text_at(from + i), &mut out);
        }
        out.push(']');
        out
    }

    pub fn to_json(&self) -> String {
        self.to_json_from(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_stay_small() {
        // A long loop's history is most of its memory: every byte here is paid per event.
        // (In wasm, 32 bytes: checked when building for wasm32, below `Event`.)
        assert!(std::mem::size_of::<Event>() <= 48, "{}", std::mem::size_of::<Event>());
    }

    #[test]
    fn long_histories_keep_order_across_chunks() {
        let mut h = History::default();
        let n = 3 * CHUNK + 5;
        for i in 0..n {
            assert_eq!(h.push(i as u32, i as f64, "PassStateEntered", None) as usize, i + 1);
        }
        assert_eq!(h.len(), n);
        // Each event was pushed with previous_id = its index, and its index as its time.
        for i in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, n - 1] {
            assert_eq!(h.get(i).map(|e| e.previous_id as usize), Some(i), "index {i}");
            assert_eq!(h.get(i).map(|e| h.timestamp_ms(e)), Some(i as f64), "index {i}");
        }
        assert!(h.get(n).is_none());
        assert_eq!(h.last().map(|e| e.previous_id as usize), Some(n - 1));
        assert!(h.iter().map(|e| e.previous_id as usize).eq(0..n));
        for from in [0, 7, CHUNK, CHUNK + 3, n - 1, n] {
            assert!(h.iter_from(from).map(|e| e.previous_id as usize).eq(from..n), "from {from}");
        }
        assert_eq!(h.to_json_from(n - 1).matches("\"id\":").count(), 1);
    }

    #[test]
    fn renders_aws_shape() {
        let mut h = History::default();
        let id = h.push(0, 0.0, "ExecutionStarted", Some(("executionStartedEventDetails", vec![("input", Field::Raw("{ \"a\": 1 }".into())), ("inputDetails", Field::NotTruncated)])));
        h.push(id, 1000.0, "PassStateEntered", Some(("stateEnteredEventDetails", vec![("name", Field::Text("P".into())), ("input", Field::Json(crate::value::parse("{\"a\":1}").unwrap()))])));
        assert_eq!(
            h.to_json(),
            r#"[{"timestamp":"1970-01-01T00:00:00.000Z","type":"ExecutionStarted","id":1,"previousEventId":0,"executionStartedEventDetails":{"input":"{ \"a\": 1 }","inputDetails":{"truncated":false}}},{"timestamp":"1970-01-01T00:00:01.000Z","type":"PassStateEntered","id":2,"previousEventId":1,"stateEnteredEventDetails":{"name":"P","input":"{\"a\":1}"}}]"#
        );
        assert_eq!(h.get(1).unwrap().state_name(), Some("P"));
    }

    #[test]
    fn events_at_one_instant_share_their_time() {
        let mut h = History::default();
        for t in [5.0, 5.0, 5.0, 7.0, 7.0, 5.0] {
            h.push(0, t, "PassStateEntered", None);
        }
        assert_eq!(h.times, [5.0, 7.0, 5.0]);
        assert!(h.iter().map(|e| h.timestamp_ms(e)).eq([5.0, 5.0, 5.0, 7.0, 7.0, 5.0]));
        let json = h.to_json();
        assert_eq!(json.matches("1970-01-01T00:00:00.005Z").count(), 4);
        assert_eq!(json.matches("1970-01-01T00:00:00.007Z").count(), 2);
        assert!(json.contains("\"id\":6,"));
    }
}
