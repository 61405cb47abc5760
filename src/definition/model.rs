//! The typed model of a state machine. Parsed once; the engine never looks at raw field names.
//!
//! Paths, templates and intrinsic calls are compiled when the definition is parsed, so a
//! transition does no string parsing. JSONata expressions are kept as raw values here and
//! compiled by the JSONata layer.

use crate::definition::choice::ChoiceRule;
use crate::query::path::Path;
use crate::query::jsonata_value::JsonataValue;
use crate::query::template::Template;
use crate::value::Value;
use indexmap::IndexMap;
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum QueryLanguage {
    #[default]
    JsonPath,
    Jsonata,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MachineType {
    #[default]
    Standard,
    Express,
}

/// A whole definition.
#[derive(Debug)]
pub struct StateMachine {
    pub comment: Option<String>,
    pub version: Option<String>,
    pub timeout_seconds: Option<u64>,
    pub query_language: QueryLanguage,
    pub body: Rc<States>,
}

/// A set of states with a start: the top level, a Parallel branch or a Map item processor.
#[derive(Debug)]
pub struct States {
    pub start_at: Rc<str>,
    /// Looked up on every transition, so keyed with the fast hasher of payload objects.
    pub states: IndexMap<Rc<str>, Rc<State>, crate::value::hash::FastBuildHasher>,
    /// JSON pointer of this set's `States` object.
    pub pointer: String,
}

impl States {
    /// Every transition looks its target up here; most sets of states are small enough that
    /// a scan beats hashing. Transitions hold the keys' own `Rc`s (the parser shares them), so
    /// the scan compares addresses first, and names only for a name from elsewhere.
    pub fn get(&self, name: &str) -> Option<&Rc<State>> {
        if self.states.len() <= 8 {
            let same = |(k, _): &(&Rc<str>, &Rc<State>)| std::ptr::eq(k.as_ptr(), name.as_ptr()) && k.len() == name.len();
            let equal = |(k, _): &(&Rc<str>, &Rc<State>)| k.len() == name.len() && ***k == *name;
            self.states.iter().find(same).or_else(|| self.states.iter().find(equal)).map(|(_, s)| s)
        } else {
            self.states.get(name)
        }
    }
}

#[derive(Debug)]
pub struct State {
    pub name: Rc<str>,
    pub comment: Option<String>,
    pub query_language: QueryLanguage,
    pub next: Transition,
    pub io: DataFlow,
    /// `Assign` as written (JSONPath templates or JSONata values).
    pub assign: Option<Assign>,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    pub kind: StateKind,
    /// JSON pointer of the state, for diagnostics and error messages.
    pub pointer: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Transition {
    Next(Rc<str>),
    End,
    /// Choice, Succeed and Fail decide (or end) themselves.
    None,
}

/// Where `InputPath`/`OutputPath` point: absent means `$`, `null` means `{}`.
#[derive(Debug, Clone, Default)]
pub enum IoPath {
    #[default]
    Whole,
    Empty,
    Path(Path),
}

/// `ResultPath`: absent means replace the input with the result, `null` keeps the input.
#[derive(Debug, Clone, Default)]
pub enum ResultPath {
    #[default]
    Replace,
    Discard,
    Path(Path),
}

/// The data-flow fields of a state. JSONPath mode uses the first six; JSONata mode uses
/// `arguments` and `output`.
#[derive(Debug, Default)]
pub struct DataFlow {
    pub input_path: IoPath,
    pub parameters: Option<Template>,
    pub result_selector: Option<Template>,
    pub result_path: ResultPath,
    pub output_path: IoPath,
    /// JSONata `Arguments`.
    pub arguments: Option<JsonataValue>,
    /// JSONata `Output`.
    pub output: Option<JsonataValue>,
}

#[derive(Debug, Clone)]
pub enum Assign {
    /// JSONPath mode: a payload template (`"x.$": "$.a"`).
    Template(Template),
    /// JSONata mode: a value whose strings may be `{% %}` expressions.
    Jsonata(JsonataValue),
}

#[derive(Debug, Clone)]
pub struct Retrier {
    pub error_equals: Vec<Rc<str>>,
    pub interval_seconds: u64,
    pub max_attempts: u64,
    pub backoff_rate: f64,
    pub max_delay_seconds: Option<u64>,
    pub jitter_full: bool,
}

#[derive(Debug)]
pub struct Catcher {
    pub error_equals: Vec<Rc<str>>,
    pub next: Rc<str>,
    pub result_path: ResultPath,
    pub output: Option<JsonataValue>,
    pub assign: Option<Assign>,
}

/// A number of seconds given literally, by a path, or by a JSONata expression.
#[derive(Debug, Clone)]
pub enum Seconds {
    Literal(u64),
    Path(Path),
    Jsonata(JsonataValue),
}

// Built once per state of a definition: the size of the larger variants costs nothing at run time.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum StateKind {
    Pass(Pass),
    Task(Task),
    Choice(Choice),
    Wait(Wait),
    Succeed,
    Fail(Fail),
    Parallel(Parallel),
    Map(Map),
}

impl StateKind {
    /// AWS's type name, as used in event names (`PassStateEntered`).
    pub fn type_name(&self) -> &'static str {
        match self {
            StateKind::Pass(_) => "Pass",
            StateKind::Task(_) => "Task",
            StateKind::Choice(_) => "Choice",
            StateKind::Wait(_) => "Wait",
            StateKind::Succeed => "Succeed",
            StateKind::Fail(_) => "Fail",
            StateKind::Parallel(_) => "Parallel",
            StateKind::Map(_) => "Map",
        }
    }
}

#[derive(Debug)]
pub struct Pass {
    pub result: Option<Value>,
}

#[derive(Debug)]
pub struct Task {
    pub resource: Rc<str>,
    /// Shared: every call of the state hands it to the driver.
    pub target: Rc<crate::definition::resource::Resource>,
    pub timeout: Option<Seconds>,
    pub heartbeat: Option<Seconds>,
    pub credentials: Option<Credentials>,
}

/// A Task's `Credentials` (`{"RoleArn": ...}`), evaluated as the task is scheduled: the
/// TaskScheduled event shows the role as `taskCredentials.roleArn`.
#[derive(Debug)]
pub enum Credentials {
    /// JSONPath mode: `RoleArn` or `RoleArn.$` (a path or an intrinsic).
    Template(Template),
    /// JSONata mode: `RoleArn` may be a `{% %}` expression.
    Jsonata(JsonataValue),
}

#[derive(Debug)]
pub struct Choice {
    pub choices: Vec<ChoiceRule>,
    pub default: Option<Rc<str>>,
}

#[derive(Debug)]
pub enum Wait {
    Seconds(Seconds),
    /// A literal timestamp, as epoch milliseconds.
    Timestamp(f64),
    TimestampPath(Path),
    TimestampJsonata(JsonataValue),
}

#[derive(Debug)]
pub struct Fail {
    pub error: Option<FailField>,
    pub cause: Option<FailField>,
}

/// `Error`/`Cause` of a Fail state: literal, `...Path` (a path or intrinsic), or JSONata.
#[derive(Debug)]
pub enum FailField {
    Literal(String),
    Path(Template),
    Jsonata(JsonataValue),
}

#[derive(Debug)]
pub struct Parallel {
    pub branches: Vec<Rc<States>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapMode {
    Inline,
    Distributed,
}

#[derive(Debug)]
pub struct Map {
    pub processor: Rc<States>,
    pub mode: MapMode,
    pub execution_type: Option<String>,
    pub items_path: Option<Path>,
    /// JSONata `Items`.
    pub items: Option<JsonataValue>,
    /// `ItemSelector` (or legacy `Parameters`) in JSONPath mode.
    pub item_selector: Option<Template>,
    /// `ItemSelector` in JSONata mode.
    pub item_selector_jsonata: Option<JsonataValue>,
    pub max_concurrency: Option<Seconds>,
    pub tolerated_failure_percentage: Option<Tolerance>,
    pub tolerated_failure_count: Option<Tolerance>,
    pub item_reader: Option<ItemReader>,
    pub item_batcher: Option<ItemBatcher>,
    pub result_writer: Option<ResultWriter>,
    pub label: Option<String>,
}

/// A Distributed Map's `ResultWriter`: how its results are shaped (`WriterConfig`) and whether
/// they are exported to S3 (`Resource` with `Parameters`/`Arguments`: `Bucket`, `Prefix`).
/// The engine makes the files AWS would write and hands them to its driver
/// (`engine/states/writer.rs`). Values are kept as written and checked when the Map runs.
#[derive(Debug)]
pub struct ResultWriter {
    /// `arn:aws:states:::s3:putObject`; `None`: no export, only `WriterConfig`.
    pub resource: Option<Rc<str>>,
    pub parameters: Option<Template>,
    pub arguments: Option<JsonataValue>,
    /// `WriterConfig.Transformation` (`NONE`, `COMPACT`, `FLATTEN`) and `OutputType`
    /// (`JSON`, `JSONL`).
    pub transformation: Option<Rc<str>>,
    pub output_type: Option<Rc<str>>,
    /// Whether `WriterConfig` is there at all (it changes the default Transformation).
    pub has_config: bool,
}

/// A Distributed Map's `ItemReader`: where its items come from (an S3 object or an S3 listing)
/// instead of its input. The engine asks its driver for the source's content and turns that
/// into items (see `engine/states/reader.rs`). `ReaderConfig`'s values are kept as written
/// and checked when the Map runs.
#[derive(Debug)]
pub struct ItemReader {
    pub resource: Rc<str>,
    pub source: ReaderSource,
    /// `Parameters` (JSONPath) or `Arguments` (JSONata): the S3 call's request.
    pub parameters: Option<Template>,
    pub arguments: Option<JsonataValue>,
    pub input_type: Option<Rc<str>>,
    pub csv_header_location: Option<Rc<str>>,
    pub csv_headers: Option<Vec<Rc<str>>>,
    pub csv_delimiter: Option<Rc<str>>,
    /// `MaxItems` or `MaxItemsPath` (or JSONata), a count held as `Seconds` are.
    pub max_items: Option<Seconds>,
    /// `ItemsPointer`: a JSON Pointer (`/data/items`) to the array in a JSON object.
    pub items_pointer: Option<Rc<str>>,
    /// `Transformation` (`NONE`, `LOAD_AND_FLATTEN`) and `ManifestType`, as written.
    pub transformation: Option<Rc<str>>,
    pub manifest_type: Option<Rc<str>>,
}

impl ItemReader {
    /// A reader of `resource` with no request and no `ReaderConfig`: what parsing fills in.
    pub fn of(resource: Rc<str>) -> ItemReader {
        ItemReader {
            source: ReaderSource::of(&resource),
            resource,
            parameters: None,
            arguments: None,
            input_type: None,
            csv_header_location: None,
            csv_headers: None,
            csv_delimiter: None,
            max_items: None,
            items_pointer: None,
            transformation: None,
            manifest_type: None,
        }
    }
}

/// AWS: a Distributed Map reads at most 100,000,000 items (`MaxItems` may not be more).
pub const MAX_READER_ITEMS: u64 = 100_000_000;

/// The S3 call an `ItemReader` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReaderSource {
    GetObject,
    ListObjectsV2,
    /// Any other resource: the Map fails with States.ItemReaderFailed when it runs.
    Other,
}

impl ReaderSource {
    pub fn of(resource: &str) -> ReaderSource {
        match states_integration(resource) {
            Some("s3:getObject") => ReaderSource::GetObject,
            Some("s3:listObjectsV2") => ReaderSource::ListObjectsV2,
            _ => ReaderSource::Other,
        }
    }
}

/// The integration an `arn:<partition>:states:::<integration>` resource names
/// (`s3:getObject`), in any partition; `None` for any other resource. A Map's `ItemReader` and
/// `ResultWriter` name their S3 call so.
pub fn states_integration(resource: &str) -> Option<&str> {
    resource.rsplit_once(":::").filter(|(head, _)| head.ends_with(":states")).map(|(_, integration)| integration)
}

/// A Distributed Map's `ItemBatcher`: each child execution gets a batch of items,
/// `{"BatchInput": ..., "Items": [...]}`, instead of one item.
#[derive(Debug)]
pub struct ItemBatcher {
    /// `MaxItemsPerBatch` or its path (a count, held as `Seconds` are: literal, path, JSONata).
    pub max_items: Option<Seconds>,
    /// `MaxInputBytesPerBatch` or its path.
    pub max_bytes: Option<Seconds>,
    /// `BatchInput` in JSONPath mode (a payload template) and in JSONata mode.
    pub batch_input: Option<Template>,
    pub batch_input_jsonata: Option<JsonataValue>,
}

#[derive(Debug, Clone)]
pub enum Tolerance {
    Literal(f64),
    Path(Path),
    Jsonata(JsonataValue),
}
