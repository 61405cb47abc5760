//! One execution of a state machine, as a deterministic state machine of its own.
//!
//! The driver calls `run()`, which advances every runnable branch until all are blocked and
//! returns what must happen outside (invoke a task, wake at a time). The driver answers with
//! `complete(Completion)` and calls `run()` again. Nothing here does IO or reads a clock:
//! time is what the driver says it is, or (virtual clock) jumps to the next timer when
//! nothing else can happen.
//!
//! Branches of Parallel states and iterations of Map states are *fibers*: each walks its own
//! set of states; a parent fiber waits on its children through a `Join`.

use super::context::ContextInfo;
use super::errors::{names, Failure};
use super::history::{Details, Field, History};
use super::variables::VarFrame;
use crate::definition::model::{MachineType, State, StateMachine, States, Transition};
use crate::definition::resource::Resource;
use crate::value::Value;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::rc::Rc;

/// Mixed into the execution's seed, so that seed 0 does not start the generator at 0.
const SEED_SALT: u64 = 0x9E37_79B9_7F4A_7C15;

/// How time passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ClockMode {
    /// Time jumps to the next timer as soon as nothing else can happen (tests, the playground).
    #[default]
    Virtual,
    /// The driver owns time: the engine asks to be woken (`Command::WakeAt`) and the driver
    /// answers with `Completion::TimeReached` when that time has come.
    External,
}

#[derive(Clone, Debug)]
pub struct Limits {
    /// AWS: 256 KiB per state input/output and task result. `None` disables the check.
    pub max_payload_bytes: Option<usize>,
    /// AWS: 25,000 events per execution history.
    pub max_history_events: Option<usize>,
    /// A guard against runaway loops.
    pub max_transitions: Option<u64>,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_payload_bytes: Some(256 * 1024), max_history_events: Some(25_000), max_transitions: Some(1_000_000) }
    }
}

#[derive(Clone, Debug)]
pub struct ExecutionOptions {
    pub execution_name: String,
    pub machine_name: String,
    pub machine_type: MachineType,
    pub role_arn: String,
    pub region: String,
    pub account: String,
    pub start_time_ms: f64,
    pub clock: ClockMode,
    pub limits: Limits,
    /// Seeds everything random (jitter, `States.UUID`, task tokens) so runs reproduce.
    pub seed: u64,
    pub redrive_count: u64,
    /// The context object has no `Execution.RedriveCount`, as AWS gives it to an Express
    /// machine started with StartSyncExecution, and in TestState.
    pub no_redrive_count: bool,
    /// Record a data-flow trace per state visit (see `trace`).
    pub trace: bool,
    /// The whole context object (`$$`), as AWS's TestState takes it in `context`: every state
    /// sees it as given, since a test that names the context wants nothing of its own added;
    /// only a token task whose given context has no `Task` gets `Task.Token` (see `context.rs`).
    pub context: Option<Value>,
}

impl ExecutionOptions {
    /// A stable per-execution id part, derived from the seed (Express ARNs carry one).
    pub fn execution_id_suffix(&self) -> String {
        crate::random::Rng::new(self.seed ^ 0x5EED ^ SEED_SALT).uuid()
    }
}

impl Default for ExecutionOptions {
    fn default() -> ExecutionOptions {
        ExecutionOptions {
            execution_name: "execution".into(),
            machine_name: "StateMachine".into(),
            machine_type: MachineType::Standard,
            role_arn: "arn:aws:iam::123456789012:role/StepFunctionsRole".into(),
            region: "us-east-1".into(),
            account: "123456789012".into(),
            start_time_ms: 1_700_000_000_000.0,
            clock: ClockMode::Virtual,
            limits: Limits::default(),
            seed: 1,
            redrive_count: 0,
            no_redrive_count: false,
            trace: false,
            context: None,
        }
    }
}

/// A task the driver must perform.
#[derive(Clone, Debug)]
pub struct TaskRequest {
    pub task_id: u64,
    pub state_name: Rc<str>,
    pub resource: Rc<str>,
    pub target: Rc<Resource>,
    /// The effective input (after InputPath and Parameters).
    pub input: Value,
    /// The context object (`$$`) as the task sees it.
    pub context: Value,
    /// Set for `.waitForTaskToken` tasks: the task ends when this token is answered.
    pub token: Option<Rc<str>>,
    /// 0 for the first attempt, then one more per retry.
    pub retry_count: u64,
}

/// A Distributed Map's `ItemReader` call: the driver answers with what the S3 call would
/// return (`Completion::ItemsRead`): for `s3:getObject` the object's content, for
/// `s3:listObjectsV2` the listed objects. It is no task: AWS records no Task events for it.
#[derive(Clone, Debug)]
pub struct ReadRequest {
    pub read_id: u64,
    /// The Map state's name: drivers look the content up by it.
    pub state_name: Rc<str>,
    /// `arn:aws:states:::s3:getObject` or `arn:aws:states:::s3:listObjectsV2`.
    pub resource: Rc<str>,
    /// The reader's `Parameters` (or `Arguments`), evaluated: the S3 request.
    pub input: Value,
    /// `ReaderConfig.InputType` as written (none for a listing).
    pub input_type: Option<Rc<str>>,
    /// The context object (`$$`) as the Map state sees it.
    pub context: Value,
}

impl ReadRequest {
    /// The cause of the States.ItemReaderFailed a read with no content to answer it gets;
    /// `how` tells the driver's user how to supply it.
    pub fn missing_cause(&self, how: &str) -> String {
        format!("The ItemReader of Map state '{}' has nothing to read: asl-sim does not call {} (request {}). {how} returning {}.", self.state_name, self.resource, self.input.to_json(), self.expected())
    }

    /// What the driver is to answer with, in words (for the causes that say what was missing).
    pub fn expected(&self) -> &'static str {
        match self.input_type.as_deref() {
            Some("CSV") => "the CSV object's text",
            Some("JSONL") => "the JSON Lines object's text",
            Some(_) | None if self.resource.ends_with("getObject") => "the JSON object's text or its array",
            _ => "the listed objects ([{Key, Size, ...}] or the response with Contents)",
        }
    }
}

/// A Distributed Map's `ResultWriter` export: the files AWS would write with `s3:putObject`
/// (`manifest.json`, `SUCCEEDED_0.json`, ...), each `(Bucket, Key, Body)`. The driver may store
/// them or show them; it answers `Completion::ResultsWritten` (or `ResultsWriteFailed`, and the
/// Map fails with States.ResultWriterFailed). Like the reader, it records no Task events.
#[derive(Clone, Debug)]
pub struct WriteRequest {
    pub write_id: u64,
    /// The Map state's name.
    pub state_name: Rc<str>,
    /// `arn:aws:states:::s3:putObject`.
    pub resource: Rc<str>,
    /// The writer's `Parameters` (or `Arguments`), evaluated: `{Bucket, Prefix}`.
    pub input: Value,
    /// The objects to write, manifest last: (bucket, key, body text).
    pub files: Vec<(Rc<str>, Rc<str>, Rc<str>)>,
    /// The context object (`$$`) as the Map state sees it.
    pub context: Value,
}

#[derive(Clone, Debug)]
pub enum Command {
    InvokeTask(TaskRequest),
    /// (External clock) wake the engine at this time.
    WakeAt { time_ms: f64 },
    /// Read a Distributed Map's items from its source (`ItemReader`).
    ReadItems(ReadRequest),
    /// Write a Distributed Map's results to S3 (`ResultWriter`).
    WriteResults(WriteRequest),
}

#[derive(Clone, Debug)]
pub enum Completion {
    /// The task's result (for `.sync`/`.waitForTaskToken`, the final outcome).
    TaskSucceeded { task_id: u64, output: Value },
    TaskFailed { task_id: u64, error: String, cause: Option<String> },
    /// The first response of a `.sync`/`.waitForTaskToken` task (TaskSubmitted).
    TaskSubmitted { task_id: u64, output: Value },
    /// A heartbeat for a task (SendTaskHeartbeat).
    TaskHeartbeat { task_id: u64 },
    /// The task will never answer: time may run on to its timeout.
    TaskWillNotAnswer { task_id: u64 },
    /// (External clock) the time is now this.
    TimeReached { time_ms: f64 },
    /// StopExecution.
    Stop { error: Option<String>, cause: Option<String> },
    /// The content an `ItemReader` read (see `ReadRequest`).
    ItemsRead { read_id: u64, content: Value },
    /// The reader could not read: the Map fails with States.ItemReaderFailed and this cause.
    ItemsReadFailed { read_id: u64, cause: String },
    /// The `ResultWriter`'s files were written (see `WriteRequest`).
    ResultsWritten { write_id: u64 },
    /// They could not be: the Map fails with States.ResultWriterFailed and this cause.
    ResultsWriteFailed { write_id: u64, cause: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "RUNNING",
            Status::Succeeded => "SUCCEEDED",
            Status::Failed => "FAILED",
            Status::TimedOut => "TIMED_OUT",
            Status::Aborted => "ABORTED",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Outcome {
    pub status: Status,
    pub output: Option<Value>,
    pub error: Option<Rc<str>>,
    pub cause: Option<Rc<str>>,
}

pub(crate) type FiberId = usize;

/// What a fiber does next when it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// Enter `fiber.state` with `fiber.input`.
    Enter,
    /// Run (or re-run after a retry) the body of a Task, Parallel or Map state.
    Run,
    /// A Wait state's time has come.
    WaitDone,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Blocked {
    No,
    Task(u64),
    /// A Map waits for its `ItemReader`'s content.
    Reading(u64),
    /// A Map waits for its `ResultWriter`'s export.
    Writing(u64),
    Timer,
    Children,
    Done,
}

pub(crate) struct Fiber {
    pub states: Rc<States>,
    pub state: Rc<State>,
    /// The raw input of the current state.
    pub input: Value,
    /// The input after InputPath (and, for Task/Parallel/Map, kept for retries).
    pub effective: Value,
    pub step: Step,
    pub blocked: Blocked,
    pub parent: Option<(FiberId, usize)>,
    pub last_event: u32,
    pub entered_event: u32,
    pub entered_time: f64,
    /// Attempts used per retrier of the current state.
    pub retry_counts: Vec<u64>,
    pub retry_count: u64,
    pub vars: Rc<VarFrame>,
    /// Boxed: only Parallel and Map states wait on children, and every iteration is a fiber.
    pub join: Option<Box<super::states::join::Join>>,
    /// Index of this visit's trace in `Execution::traces`, when tracing.
    pub trace: Option<usize>,
    /// Events of this fiber are not recorded (iterations of a distributed Map run as child
    /// executions with their own histories).
    pub silent: bool,
    /// `$$.Execution` of the child execution this fiber starts (the first fiber of a
    /// distributed Map's iteration); its states and their branches see it, not the parent's.
    pub child_execution: Option<Value>,
}

pub(crate) struct RunningTask {
    pub fiber: FiberId,
    pub token: Option<Rc<str>>,
    pub will_not_answer: bool,
    pub heartbeat_seconds: Option<u64>,
    pub timer_generation: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum TimerKind {
    /// Wake a fiber (Wait state done, retry delay over).
    Fiber(FiberId),
    TaskTimeout(u64, u64),
    Heartbeat(u64, u64),
    ExecutionTimeout,
}

pub struct Execution {
    pub(crate) machine: Rc<StateMachine>,
    pub(crate) options: ExecutionOptions,
    pub(crate) ctx: ContextInfo,
    pub(crate) history: History,
    pub(crate) fibers: Vec<Option<Fiber>>,
    pub(crate) ready: VecDeque<FiberId>,
    pub(crate) commands: Vec<Command>,
    pub(crate) tasks: HashMap<u64, RunningTask, crate::value::hash::FastBuildHasher>,
    /// `ItemReader` calls waiting for the driver (see `states/reader.rs`), and the items read
    /// for Map states about to start.
    pub(crate) reads: HashMap<u64, super::states::reader::PendingRead, crate::value::hash::FastBuildHasher>,
    pub(crate) read_items: HashMap<FiberId, Vec<Value>, crate::value::hash::FastBuildHasher>,
    /// `ResultWriter` exports waiting for the driver (see `states/writer.rs`).
    pub(crate) writes: HashMap<u64, super::states::writer::PendingWrite, crate::value::hash::FastBuildHasher>,
    pub(crate) next_task_id: u64,
    pub(crate) timers: BinaryHeap<Reverse<(u64, u64, TimerKind)>>,
    pub(crate) timer_seq: u64,
    pub(crate) now: f64,
    pub(crate) transitions: u64,
    pub(crate) outcome: Option<Outcome>,
    pub(crate) rng: crate::random::Rng,
    pub(crate) wake_requested: Option<f64>,
    pub(crate) traces: Vec<super::trace::StateTrace>,
    /// The top-level variable scope.
    pub(crate) root_vars: Rc<VarFrame>,
    /// The top-level branch, and where it stood when the execution ended without success
    /// (a redrive starts there again).
    pub(crate) root_fiber: Option<FiberId>,
    pub(crate) redrive_point: Option<(Rc<States>, Rc<State>, Value)>,
    /// Sizes of payload parts already measured (they are shared from state to state).
    pub(crate) measurer: crate::value::measure::Measurer,
    /// The last time written as text (see `timestamp_text`).
    pub(crate) timestamp_cache: std::cell::RefCell<Option<(f64, Rc<str>)>>,
    /// The last context object built (see `context`).
    pub(crate) context_memo: std::cell::RefCell<Option<super::context::ContextMemo>>,
}

impl Execution {
    /// Starts an execution. `input_text` is kept verbatim for the ExecutionStarted event.
    pub fn start(machine: Rc<StateMachine>, input_text: &str, options: ExecutionOptions) -> Result<Execution, String> {
        let input = crate::value::parse(input_text).map_err(|e| format!("The execution input is not valid JSON: {e}"))?;
        Ok(Execution::start_with_value(machine, input, Some(input_text.into()), options))
    }

    /// Starts an execution from a value (its text is the compact JSON unless given).
    pub fn start_with_value(machine: Rc<StateMachine>, input: Value, input_text: Option<Rc<str>>, options: ExecutionOptions) -> Execution {
        let ctx = ContextInfo::new(&options, input.clone());
        let mut ex = Execution {
            ctx,
            history: History::default(),
            fibers: Vec::new(),
            ready: VecDeque::new(),
            commands: Vec::new(),
            tasks: HashMap::default(),
            reads: HashMap::default(),
            read_items: HashMap::default(),
            writes: HashMap::default(),
            next_task_id: 1,
            timers: BinaryHeap::new(),
            timer_seq: 0,
            now: options.start_time_ms,
            transitions: 0,
            outcome: None,
            rng: crate::random::Rng::new(options.seed ^ SEED_SALT),
            wake_requested: None,
            traces: Vec::new(),
            root_vars: VarFrame::root(),
            root_fiber: None,
            redrive_point: None,
            measurer: crate::value::measure::Measurer::new(),
            timestamp_cache: std::cell::RefCell::new(None),
            context_memo: std::cell::RefCell::new(None),
            machine: machine.clone(),
            options,
        };
        let text = match input_text {
            Some(text) => {
                ex.history.set_input_text(text.clone());
                text
            }
            None => input.to_json().into(),
        };
        ex.event(
            0,
            "ExecutionStarted",
            Some((
                "executionStartedEventDetails",
                vec![("input", Field::Raw(text)), ("inputDetails", Field::NotTruncated), ("roleArn", Field::Text(ex.options.role_arn.as_str().into()))],
            )),
        );
        if let Some(t) = machine.timeout_seconds {
            ex.add_timer(ex.now + t as f64 * 1000.0, TimerKind::ExecutionTimeout);
        }
        let body = machine.body.clone();
        match body.get(&body.start_at).cloned() {
            Some(state) => {
                let vars = ex.root_vars.clone();
                let fid = ex.spawn(body, state, input, None, vars, false);
                ex.root_fiber = Some(fid);
                // AWS gives the first state's entered event previousEventId 0.
                if let Some(f) = ex.fibers[fid].as_mut() {
                    f.last_event = 0;
                }
            }
            None => ex.finish(Status::Failed, None, Some(Failure::with_cause(names::RUNTIME, "The StartAt state does not exist"))),
        }
        ex
    }

    /// Advances until every branch is blocked; returns what the driver must do.
    pub fn run(&mut self) -> Vec<Command> {
        loop {
            if let Some(commands) = self.step() {
                return commands;
            }
        }
    }

    /// Does one unit of work: one step of one branch (entering a state, running a task's
    /// call, leaving a wait), or one jump of the virtual clock. `None` means more can be done
    /// now; `Some(commands)` means the execution is blocked (or finished) and the driver must
    /// act on the commands (which may be none: wait for completions, or it has ended).
    /// This is what step-by-step debugging drives.
    pub fn step(&mut self) -> Option<Vec<Command>> {
        if self.outcome.is_some() {
            self.ready.clear();
            return Some(std::mem::take(&mut self.commands));
        }
        if let Some(fid) = self.ready.pop_front() {
            if self.step_fiber(fid) {
                // Depth first: the same branch goes on before any other.
                self.ready.push_front(fid);
            }
            return None;
        }
        if !self.commands.is_empty() {
            return Some(std::mem::take(&mut self.commands));
        }
        if self.tasks.values().any(|t| !t.will_not_answer) || !self.reads.is_empty() || !self.writes.is_empty() {
            return Some(Vec::new());
        }
        let Some(Reverse((t, _, _))) = self.timers.peek().copied() else {
            return Some(Vec::new());
        };
        let t = t as f64;
        match self.options.clock {
            ClockMode::Virtual => {
                self.now = self.now.max(t);
                self.fire_due_timers();
                None
            }
            ClockMode::External => {
                if self.wake_requested == Some(t) {
                    return Some(Vec::new());
                }
                self.wake_requested = Some(t);
                Some(vec![Command::WakeAt { time_ms: t }])
            }
        }
    }

    /// Feeds the answer to a command (or an outside action such as StopExecution).
    pub fn complete(&mut self, completion: Completion) {
        if self.outcome.is_some() {
            return;
        }
        match completion {
            Completion::TaskSucceeded { task_id, output } => self.task_succeeded(task_id, output),
            Completion::TaskFailed { task_id, error, cause } => self.task_failed(task_id, Failure::new(error, cause)),
            Completion::TaskSubmitted { task_id, output } => self.task_submitted(task_id, output),
            Completion::TaskHeartbeat { task_id } => self.task_heartbeat(task_id),
            Completion::TaskWillNotAnswer { task_id } => {
                if let Some(t) = self.tasks.get_mut(&task_id) {
                    t.will_not_answer = true;
                }
            }
            Completion::TimeReached { time_ms } => {
                self.now = self.now.max(time_ms);
                self.wake_requested = None;
                self.fire_due_timers();
            }
            Completion::Stop { error, cause } => self.stop(error, cause),
            Completion::ItemsRead { read_id, content } => self.items_read(read_id, content),
            Completion::ItemsReadFailed { read_id, cause } => self.items_read_failed(read_id, cause),
            Completion::ResultsWritten { write_id } => self.results_written(write_id, None),
            Completion::ResultsWriteFailed { write_id, cause } => self.results_written(write_id, Some(cause)),
        }
    }

    /// Sets the current time (real-time drivers call this before feeding completions).
    pub fn set_time(&mut self, time_ms: f64) {
        self.now = self.now.max(time_ms);
    }

    pub fn now(&self) -> f64 {
        self.now
    }

    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }

    pub fn status(&self) -> Status {
        self.outcome.as_ref().map_or(Status::Running, |o| o.status)
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    pub fn history_json(&self) -> String {
        self.history.to_json()
    }

    /// The task waiting on this token, if any.
    pub fn task_for_token(&self, token: &str) -> Option<u64> {
        self.tasks.iter().find(|(_, t)| t.token.as_deref() == Some(token)).map(|(id, _)| *id)
    }

    /// Tasks still waiting for an answer.
    pub fn pending_tasks(&self) -> Vec<u64> {
        let mut v: Vec<u64> = self.tasks.keys().copied().collect();
        v.sort_unstable();
        v
    }

    /// RedriveExecution: an execution that FAILED, TIMED_OUT or was ABORTED starts again from
    /// the top-level state where it stopped (a Parallel or inline Map runs again whole), with
    /// the input that state had and the variables as they were. `$$.Execution.RedriveCount`
    /// goes up by one and the history records `ExecutionRedriven`.
    pub fn redrive(&mut self) -> Result<(), String> {
        let status = self.status();
        if !matches!(status, Status::Failed | Status::TimedOut | Status::Aborted) {
            return Err(format!("Only executions that FAILED, TIMED_OUT or were ABORTED can be redriven; this one is {}.", status.as_str()));
        }
        if self.options.machine_type == MachineType::Express {
            return Err("Express executions cannot be redriven.".into());
        }
        let Some((states, state, input)) = self.redrive_point.take() else {
            return Err("The execution never entered a state, so there is nothing to redrive.".into());
        };
        self.outcome = None;
        self.options.redrive_count += 1;
        let input_value = match self.ctx.execution.get("Input") {
            Some(v) => v.clone(),
            None => Value::Null,
        };
        self.ctx = ContextInfo::new(&self.options, input_value);
        *self.context_memo.borrow_mut() = None;
        self.event(self.history.len() as u32, "ExecutionRedriven", Some(("executionRedrivenEventDetails", vec![("redriveCount", Field::Int(self.options.redrive_count as i64))])));
        if let Some(t) = self.machine.timeout_seconds {
            self.add_timer(self.now + t as f64 * 1000.0, TimerKind::ExecutionTimeout);
        }
        let vars = self.root_vars.clone();
        let fid = self.spawn(states, state, input, None, vars, false);
        self.root_fiber = Some(fid);
        Ok(())
    }

    /// How many times the execution was redriven.
    pub fn redrive_count(&self) -> u64 {
        self.options.redrive_count
    }

    /// Sets top-level variables before the execution runs (testState, redrive).
    pub fn seed_variables(&mut self, vars: &crate::value::Map) {
        for (k, v) in vars.iter() {
            self.root_vars.set(k.clone(), v.clone());
        }
    }

    /// Starts the first state as if its Retry rules had already retried `count` times, as
    /// AWS's TestState takes `retrierRetryCount`: a test meets one error, so only the rule that
    /// error matches is ever consulted, and every rule may start from the same count.
    pub fn seed_retry_count(&mut self, count: u64) {
        let Some(fid) = self.root_fiber else { return };
        let f = self.fiber_mut(fid);
        f.retry_counts = vec![count; f.state.retry.len()];
        f.retry_count = count;
    }

    /// The top-level variables as JSON text (`{}` when none).
    pub fn variables_json(&self) -> String {
        crate::value::Value::object(self.root_vars.visible()).to_json()
    }

    pub fn machine(&self) -> &Rc<StateMachine> {
        &self.machine
    }

    // ---- internals shared by the state implementations ----

    /// Records an event for a fiber (previousEventId = the fiber's last event).
    pub(crate) fn fiber_event(&mut self, fid: FiberId, kind: &'static str, details: Option<(&'static str, Vec<(&'static str, Field)>)>) -> u32 {
        let details = match details {
            None => Details::None,
            Some((key, fields)) => Details::Fields(key, fields.into_boxed_slice()),
        };
        self.fiber_event_details(fid, kind, details)
    }

    /// `fiber_event` with details in their compact shape.
    pub(crate) fn fiber_event_details(&mut self, fid: FiberId, kind: &'static str, details: Details) -> u32 {
        let (prev, silent) = match self.fibers[fid].as_ref() {
            Some(f) => (f.last_event, f.silent),
            None => (0, false),
        };
        if silent {
            return prev;
        }
        let id = self.event_details(prev, kind, details);
        if let Some(f) = self.fibers[fid].as_mut() {
            f.last_event = id;
        }
        id
    }

    pub(crate) fn event(&mut self, prev: u32, kind: &'static str, details: Option<(&'static str, Vec<(&'static str, Field)>)>) -> u32 {
        let details = match details {
            None => Details::None,
            Some((key, fields)) => Details::Fields(key, fields.into_boxed_slice()),
        };
        self.event_details(prev, kind, details)
    }

    #[inline]
    pub(crate) fn event_details(&mut self, prev: u32, kind: &'static str, details: Details) -> u32 {
        let id = self.history.push_details(prev, self.now, kind, details);
        if let Some(max) = self.options.limits.max_history_events {
            if self.history.len() > max && self.outcome.is_none() {
                self.finish(
                    Status::Failed,
                    None,
                    Some(Failure::with_cause(names::RUNTIME, format!("The execution reached the maximum number of history events ({max})."))),
                );
            }
        }
        id
    }

    pub(crate) fn spawn(&mut self, states: Rc<States>, state: Rc<State>, input: Value, parent: Option<(FiberId, usize)>, vars: Rc<VarFrame>, silent: bool) -> FiberId {
        let last_event = parent.and_then(|(p, _)| self.fibers[p].as_ref().map(|f| f.last_event)).unwrap_or(self.history.len() as u32);
        let fiber = Fiber {
            states,
            state,
            effective: Value::Null,
            input,
            step: Step::Enter,
            blocked: Blocked::No,
            parent,
            last_event,
            entered_event: 0,
            entered_time: self.now,
            retry_counts: Vec::new(),
            retry_count: 0,
            vars,
            join: None,
            trace: None,
            silent,
            child_execution: None,
        };
        // Slots are not reused: a stale timer must never wake a newer fiber.
        self.fibers.push(Some(fiber));
        let fid = self.fibers.len() - 1;
        self.ready.push_back(fid);
        fid
    }

    /// Runs one step of a fiber; true if it can go on at once.
    fn step_fiber(&mut self, fid: FiberId) -> bool {
        let Some(f) = self.fibers[fid].as_ref() else { return false };
        if f.blocked != Blocked::No {
            return false;
        }
        match f.step {
            Step::Enter => self.enter_state(fid),
            Step::Run => self.run_body(fid),
            Step::WaitDone => self.wait_done(fid),
        }
        self.outcome.is_none() && self.fibers[fid].as_ref().is_some_and(|f| f.blocked == Blocked::No)
    }

    #[inline]
    pub(crate) fn fiber(&self, fid: FiberId) -> &Fiber {
        self.fibers[fid].as_ref().expect("live fiber")
    }

    #[inline]
    pub(crate) fn fiber_mut(&mut self, fid: FiberId) -> &mut Fiber {
        self.fibers[fid].as_mut().expect("live fiber")
    }

    pub(crate) fn block(&mut self, fid: FiberId, b: Blocked) {
        if let Some(f) = self.fibers[fid].as_mut() {
            f.blocked = b;
        }
    }

    pub(crate) fn wake(&mut self, fid: FiberId, step: Step) {
        if let Some(f) = self.fibers[fid].as_mut() {
            f.blocked = Blocked::No;
            f.step = step;
            self.ready.push_back(fid);
        }
    }

    /// Puts a fiber that was woken from outside back in the ready queue, if it can run.
    pub(crate) fn requeue(&mut self, fid: FiberId) {
        if self.fibers[fid].as_ref().is_some_and(|f| f.blocked == Blocked::No) && self.outcome.is_none() {
            self.ready.push_back(fid);
        }
    }

    pub(crate) fn add_timer(&mut self, at_ms: f64, kind: TimerKind) {
        self.timer_seq += 1;
        self.timers.push(Reverse((at_ms.max(0.0).ceil() as u64, self.timer_seq, kind)));
    }

    /// The task a timeout or heartbeat timer stands for, if the timer still counts: the task
    /// still runs, and a heartbeat timer is the latest one set for it.
    fn live_timeout(&self, kind: TimerKind) -> Option<u64> {
        match kind {
            TimerKind::TaskTimeout(task_id, _) => self.tasks.contains_key(&task_id).then_some(task_id),
            TimerKind::Heartbeat(task_id, gen) => self.tasks.get(&task_id).is_some_and(|t| t.timer_generation == gen).then_some(task_id),
            _ => None,
        }
    }

    fn fire_due_timers(&mut self) {
        while let Some(Reverse((t, _, kind))) = self.timers.peek().copied() {
            if t as f64 > self.now || self.outcome.is_some() {
                break;
            }
            self.timers.pop();
            match kind {
                TimerKind::Fiber(fid) => {
                    if let Some(f) = self.fibers[fid].as_ref() {
                        if f.blocked == Blocked::Timer {
                            let step = f.step;
                            self.wake(fid, step);
                        }
                    }
                }
                TimerKind::TaskTimeout(..) | TimerKind::Heartbeat(..) => {
                    // Every task timing out at this instant records it first, then each fails.
                    let mut timed_out = Vec::new();
                    let mut next = Some(kind);
                    while let Some(kind) = next {
                        if let Some(task_id) = self.live_timeout(kind) {
                            if let Some(fid) = self.record_task_timeout(task_id) {
                                timed_out.push((fid, task_id, matches!(kind, TimerKind::Heartbeat(..))));
                            }
                        }
                        next = match self.timers.peek() {
                            Some(Reverse((at, _, k @ (TimerKind::TaskTimeout(..) | TimerKind::Heartbeat(..))))) if *at == t => {
                                let k = *k;
                                self.timers.pop();
                                Some(k)
                            }
                            _ => None,
                        };
                    }
                    for (fid, task_id, heartbeat) in timed_out {
                        self.fail_timed_out(fid, task_id, heartbeat);
                    }
                }
                TimerKind::ExecutionTimeout => {
                    self.finish(Status::TimedOut, None, Some(Failure::new(names::TIMEOUT, None::<String>)));
                }
            }
        }
    }

    /// Moves a fiber to its next state or ends it, after the current state exited.
    pub(crate) fn transition(&mut self, fid: FiberId, output: Value, next: Option<Rc<str>>) {
        let f = self.fiber(fid);
        let next = next.or_else(|| match &f.state.next {
            Transition::Next(n) => Some(n.clone()),
            _ => None,
        });
        self.trace_next(fid, &next);
        let f = self.fiber(fid);
        match next {
            Some(name) => {
                let Some(state) = f.states.get(&name).cloned() else {
                    self.fail_fiber(fid, Failure::with_cause(names::RUNTIME, format!("The state '{name}' does not exist")));
                    return;
                };
                self.transitions += 1;
                if let Some(max) = self.options.limits.max_transitions {
                    if self.transitions > max {
                        self.finish(
                            Status::Failed,
                            None,
                            Some(Failure::with_cause(names::RUNTIME, format!("The execution exceeded the limit of {max} state transitions (a loop that never ends?)."))),
                        );
                        return;
                    }
                }
                let f = self.fiber_mut(fid);
                f.state = state;
                f.input = output;
                f.step = Step::Enter;
                f.retry_counts.clear();
                f.retry_count = 0;
            }
            None => self.end_fiber(fid, output),
        }
    }

    /// A fiber reached an end state successfully.
    pub(crate) fn end_fiber(&mut self, fid: FiberId, output: Value) {
        self.block(fid, Blocked::Done);
        match self.fiber(fid).parent {
            None => self.finish(Status::Succeeded, Some(output), None),
            Some((parent, index)) => {
                let last = self.fiber(fid).last_event;
                self.fibers[fid] = None;
                self.child_succeeded(parent, index, output, last);
            }
        }
    }

    /// A fiber failed with an error nothing in it caught.
    pub(crate) fn fail_fiber(&mut self, fid: FiberId, failure: Failure) {
        self.block(fid, Blocked::Done);
        self.cancel_tasks_of(fid);
        match self.fiber(fid).parent {
            None => self.finish(Status::Failed, None, Some(failure)),
            Some((parent, index)) => {
                let f = self.fiber(fid);
                let (last, silent) = (f.last_event, f.silent);
                // A branch that fails in a Task state records that state as aborted (a Map's
                // iteration does so after its MapIterationFailed: see child_failed).
                let was_task = matches!(f.state.kind, crate::definition::model::StateKind::Task(_)) && f.step == Step::Run && !silent;
                let in_map = self.fiber(parent).join.as_ref().is_some_and(|j| j.is_map);
                if was_task && !in_map {
                    self.fiber_event(fid, "TaskStateAborted", None);
                }
                self.fibers[fid] = None;
                self.child_failed(parent, index, failure, last, was_task && in_map);
            }
        }
    }

    pub(crate) fn cancel_tasks_of(&mut self, fid: FiberId) {
        self.tasks.retain(|_, t| t.fiber != fid);
        if !self.reads.is_empty() || !self.read_items.is_empty() {
            self.reads.retain(|_, r| r.fiber != fid);
            self.read_items.remove(&fid);
        }
        if !self.writes.is_empty() {
            self.writes.retain(|_, w| w.fiber != fid);
        }
    }

    /// Ends the execution.
    pub(crate) fn finish(&mut self, status: Status, output: Option<Value>, failure: Option<Failure>) {
        if self.outcome.is_some() {
            return;
        }
        if status != Status::Succeeded {
            self.redrive_point = self.root_fiber.and_then(|r| self.fibers.get(r)?.as_ref()).map(|f| (f.states.clone(), f.state.clone(), f.input.clone()));
        }
        let prev = self.history.len() as u32;
        let (error, cause) = failure.map(|f| (Some(f.error).filter(|e| !e.is_empty()), f.cause)).unwrap_or((None, None));
        let mut fields = Vec::new();
        if let Some(c) = &cause {
            fields.push(("cause", Field::Text(c.clone())));
        }
        if let Some(e) = &error {
            fields.push(("error", Field::Text(e.clone())));
        }
        match status {
            Status::Succeeded => {
                let out = output.clone().unwrap_or(Value::Null);
                self.history.push(prev, self.now, "ExecutionSucceeded", Some(("executionSucceededEventDetails", vec![("output", Field::Json(out)), ("outputDetails", Field::NotTruncated)])));
            }
            Status::Failed => {
                self.history.push(prev, self.now, "ExecutionFailed", Some(("executionFailedEventDetails", fields)));
            }
            Status::TimedOut => {
                self.history.push(prev, self.now, "ExecutionTimedOut", Some(("executionTimedOutEventDetails", fields)));
            }
            Status::Aborted => {
                // A stop comes from outside the run: AWS's ExecutionAborted follows no event.
                self.history.push(0, self.now, "ExecutionAborted", Some(("executionAbortedEventDetails", fields)));
            }
            Status::Running => {}
        }
        self.tasks.clear();
        self.reads.clear();
        self.read_items.clear();
        self.writes.clear();
        self.timers.clear();
        self.ready.clear();
        self.outcome = Some(Outcome { status, output, error, cause });
    }

    fn stop(&mut self, error: Option<String>, cause: Option<String>) {
        // Running Task states are aborted first, as AWS records it.
        let mut aborted: Vec<FiberId> = self.tasks.values().map(|t| t.fiber).chain(self.reads.values().map(|r| r.fiber)).chain(self.writes.values().map(|w| w.fiber)).collect();
        aborted.sort_unstable();
        aborted.dedup();
        for fid in aborted {
            if let Some(f) = self.fibers[fid].as_ref() {
                let name = f.state.name.clone();
                let ty = f.state.kind.type_name();
                let kind = super::states::aborted_event_name(ty);
                self.fiber_event(fid, kind, Some(("stateExitedEventDetails", vec![("name", Field::Text(name))])));
            }
        }
        self.finish(Status::Aborted, None, Some(Failure { error: error.unwrap_or_default().into(), cause: cause.map(Into::into) }).filter(|f| !f.error.is_empty() || f.cause.is_some()));
    }

    /// Random numbers for jitter, UUIDs and tokens, reproducible from the seed.
    pub(crate) fn random_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }
}
