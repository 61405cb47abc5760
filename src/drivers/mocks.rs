//! Mocked task responses in the format of Step Functions Local's `MockConfigFile.json`,
//! unchanged:
//!
//! ```json
//! { "StateMachines": { "<machine name>": { "TestCases": { "<test case>": { "<Task state>": "<mocked response>" } } } },
//!   "MockedResponses": { "<mocked response>": { "0": { "Return": {..} }, "1-2": { "Throw": { "Error": "..", "Cause": ".." } } } } }
//! ```
//!
//! Keys of a mocked response are zero-based invocation numbers of the state within one
//! execution (retries count), single (`"3"`) or inclusive ranges (`"1-2"`). As in Step
//! Functions Local, every invocation of a mocked state needs a response: one that has none
//! fails the execution (`States.Runtime`, which no Retry or Catch handles).
//!
//! `MockConfig::parse` checks the whole file once; `MockConfig::test_case` picks the mocks of
//! one execution; `Mocks::answer` turns a task request into the engine's completions.

use crate::definition::model::{StateKind, StateMachine, States};
use crate::definition::resource::Pattern;
use crate::engine::{Completion, TaskRequest};
use crate::value::Value;
use std::collections::HashMap;
use std::rc::Rc;

/// A mocked task outcome.
#[derive(Clone, Debug, PartialEq)]
pub enum MockReply {
    Return(Value),
    Throw { error: String, cause: Option<String> },
}

/// One named entry of `MockedResponses`: replies by invocation number.
#[derive(Clone, Debug)]
pub struct MockedResponse {
    /// `(first, last, reply)`, inclusive, sorted by `first`, not overlapping.
    ranges: Vec<(u64, u64, MockReply)>,
}

impl MockedResponse {
    /// The reply for the `n`th invocation (zero-based), if one is defined.
    pub fn reply(&self, n: u64) -> Option<&MockReply> {
        self.ranges.iter().find(|(a, b, _)| *a <= n && n <= *b).map(|(_, _, r)| r)
    }

    /// The invocations covered, as written (`0, 1-2, 3`).
    pub fn describe(&self) -> String {
        self.ranges.iter().map(|(a, b, _)| if a == b { a.to_string() } else { format!("{a}-{b}") }).collect::<Vec<_>>().join(", ")
    }
}

/// A test case: its name and, per state, the name of the mocked response it uses.
type TestCase = (String, Vec<(String, String)>);

/// A whole mock configuration file, checked.
#[derive(Clone, Debug, Default)]
pub struct MockConfig {
    /// machine name -> test case name -> (state name -> mocked response name), in file order.
    machines: Vec<(String, Vec<TestCase>)>,
    responses: HashMap<String, Rc<MockedResponse>>,
}

impl MockConfig {
    /// Parses and checks mock configuration text (JSON).
    pub fn parse(text: &str) -> Result<MockConfig, String> {
        let value = crate::value::parse(text).map_err(|e| format!("The mock configuration is not valid JSON: {e}"))?;
        MockConfig::from_value(&value)
    }

    /// Checks an already parsed mock configuration.
    pub fn from_value(value: &Value) -> Result<MockConfig, String> {
        let top = value.as_object().ok_or("The mock configuration must be a JSON object with 'StateMachines' and 'MockedResponses'")?;
        if let Some(unknown) = top.keys().find(|k| !matches!(&***k, "StateMachines" | "MockedResponses")) {
            return Err(format!("The mock configuration has an unknown field '{unknown}' (expected 'StateMachines' and 'MockedResponses')"));
        }
        let mut config = MockConfig::default();
        if let Some(responses) = value.get("MockedResponses") {
            let responses = responses.as_object().ok_or("'MockedResponses' must be an object")?;
            for (name, response) in responses.iter() {
                let parsed = parse_mocked_response(name, response)?;
                config.responses.insert(name.to_string(), Rc::new(parsed));
            }
        }
        if let Some(machines) = value.get("StateMachines") {
            let machines = machines.as_object().ok_or("'StateMachines' must be an object")?;
            for (machine, body) in machines.iter() {
                let at = format!("StateMachines.{machine}");
                let body = body.as_object().ok_or_else(|| format!("'{at}' must be an object with 'TestCases'"))?;
                if let Some(unknown) = body.keys().find(|k| &***k != "TestCases") {
                    return Err(format!("'{at}' has an unknown field '{unknown}' (expected 'TestCases')"));
                }
                let cases = body.get("TestCases").ok_or_else(|| format!("'{at}' has no 'TestCases'"))?;
                let cases = cases.as_object().ok_or_else(|| format!("'{at}.TestCases' must be an object"))?;
                let mut parsed_cases = Vec::new();
                for (case, states) in cases.iter() {
                    let at = format!("{at}.TestCases.{case}");
                    let states = states.as_object().ok_or_else(|| format!("'{at}' must be an object mapping Task state names to mocked response names"))?;
                    let mut mapping = Vec::new();
                    for (state, response) in states.iter() {
                        let response = response.as_str().ok_or_else(|| format!("'{at}.{state}' must be the name of a mocked response (a string)"))?;
                        if !config.responses.contains_key(response) {
                            return Err(format!("'{at}.{state}' names the mocked response '{response}', which is not in 'MockedResponses'"));
                        }
                        mapping.push((state.to_string(), response.to_string()));
                    }
                    parsed_cases.push((case.to_string(), mapping));
                }
                config.machines.push((machine.to_string(), parsed_cases));
            }
        }
        Ok(config)
    }

    /// The mocks of one test case of one state machine. When `machine` is given, every mocked
    /// state must be a Task state of it.
    pub fn test_case(&self, machine_name: &str, test_case: &str, machine: Option<&StateMachine>) -> Result<Mocks, String> {
        let Some((_, cases)) = self.machines.iter().find(|(m, _)| m == machine_name) else {
            let known: Vec<String> = self.machines.iter().map(|(m, _)| format!("'{m}'")).collect();
            return Err(format!(
                "The mock configuration has no state machine named '{machine_name}' under 'StateMachines' ({}); name the machine with StateMachine.create(definition, {{ name: ... }})",
                if known.is_empty() { "it has none".to_string() } else { format!("it has {}", known.join(", ")) }
            ));
        };
        let Some((_, mapping)) = cases.iter().find(|(c, _)| c == test_case) else {
            let known: Vec<String> = cases.iter().map(|(c, _)| format!("'{c}'")).collect();
            return Err(format!("State machine '{machine_name}' has no test case '{test_case}' in the mock configuration (it has {})", if known.is_empty() { "none".to_string() } else { known.join(", ") }));
        };
        let task_states = machine.map(task_state_names);
        let mut states = HashMap::new();
        for (state, response) in mapping {
            if let Some(tasks) = &task_states {
                if !tasks.iter().any(|t| **t == **state) {
                    return Err(format!("Test case '{test_case}' mocks '{state}', which is not a Task state of state machine '{machine_name}'"));
                }
            }
            // Checked by from_value.
            if let Some(r) = self.responses.get(response) {
                states.insert(Rc::<str>::from(state.as_str()), MockedState { response_name: response.clone(), response: r.clone(), invocations: 0 });
            }
        }
        Ok(Mocks { test_case: test_case.to_string(), states })
    }
}

fn parse_mocked_response(name: &str, value: &Value) -> Result<MockedResponse, String> {
    let at = format!("MockedResponses.{name}");
    let obj = value.as_object().ok_or_else(|| format!("'{at}' must be an object whose keys are invocation numbers (\"0\", \"1-2\")"))?;
    let mut ranges = Vec::new();
    for (key, reply) in obj.iter() {
        let (first, last) = parse_range(key).ok_or_else(|| format!("'{at}' has the key '{key}': keys are invocation numbers (\"0\") or inclusive ranges (\"1-2\")"))?;
        let at = format!("{at}.{key}");
        let reply_obj = reply.as_object().ok_or_else(|| format!("'{at}' must be an object with 'Return' or 'Throw'"))?;
        if reply_obj.len() != 1 {
            return Err(format!("'{at}' must have exactly one field, 'Return' or 'Throw'"));
        }
        let reply = if let Some(v) = reply.get("Return") {
            MockReply::Return(v.clone())
        } else if let Some(t) = reply.get("Throw") {
            let t_obj = t.as_object().ok_or_else(|| format!("'{at}.Throw' must be an object with 'Error' and 'Cause'"))?;
            if let Some(unknown) = t_obj.keys().find(|k| !matches!(&***k, "Error" | "Cause")) {
                return Err(format!("'{at}.Throw' has an unknown field '{unknown}' (expected 'Error' and 'Cause')"));
            }
            let error = t.get("Error").and_then(Value::as_str).ok_or_else(|| format!("'{at}.Throw.Error' must be a string"))?;
            let cause = match t.get("Cause") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.to_string()),
                Some(_) => return Err(format!("'{at}.Throw.Cause' must be a string")),
            };
            MockReply::Throw { error: error.to_string(), cause }
        } else {
            let only = reply_obj.keys().next().map(|k| k.to_string()).unwrap_or_default();
            return Err(format!("'{at}' has the field '{only}': a mocked response is 'Return' or 'Throw'"));
        };
        ranges.push((first, last, reply));
    }
    ranges.sort_by_key(|(a, _, _)| *a);
    for pair in ranges.windows(2) {
        if pair[1].0 <= pair[0].1 {
            return Err(format!("'{at}' defines invocation {} twice (overlapping keys)", pair[1].0));
        }
    }
    Ok(MockedResponse { ranges })
}

/// `"3"` -> (3, 3); `"1-2"` -> (1, 2).
fn parse_range(key: &str) -> Option<(u64, u64)> {
    let number = |s: &str| -> Option<u64> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    match key.split_once('-') {
        None => number(key).map(|n| (n, n)),
        Some((a, b)) => {
            let (a, b) = (number(a)?, number(b)?);
            (a <= b).then_some((a, b))
        }
    }
}

/// Every Task state name of a machine, nested ones included.
pub fn task_state_names(machine: &StateMachine) -> Vec<Rc<str>> {
    fn walk(states: &States, out: &mut Vec<Rc<str>>) {
        for state in states.states.values() {
            match &state.kind {
                StateKind::Task(_) => out.push(state.name.clone()),
                StateKind::Parallel(p) => p.branches.iter().for_each(|b| walk(b, out)),
                StateKind::Map(m) => walk(&m.processor, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(&machine.body, &mut out);
    out
}

#[derive(Clone, Debug)]
struct MockedState {
    response_name: String,
    response: Rc<MockedResponse>,
    invocations: u64,
}

/// The mocks of one execution: counts invocations per state.
#[derive(Clone, Debug, Default)]
pub struct Mocks {
    test_case: String,
    states: HashMap<Rc<str>, MockedState>,
}

impl Mocks {
    /// Whether this state's tasks are answered by a mock.
    pub fn handles(&self, state_name: &str) -> bool {
        self.states.contains_key(state_name)
    }

    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }

    /// The completions that answer this task, or `None` when its state is not mocked.
    /// A `.sync` or `.waitForTaskToken` task that returns is first submitted (TaskSubmitted
    /// with the same value), then succeeds.
    pub fn answer(&mut self, req: &TaskRequest) -> Option<Vec<Completion>> {
        let mocked = self.states.get_mut(&*req.state_name)?;
        let n = mocked.invocations;
        mocked.invocations += 1;
        let task_id = req.task_id;
        let completions = match mocked.response.reply(n) {
            Some(MockReply::Return(v)) => {
                let mut out = Vec::with_capacity(2);
                if req.target.pattern() != Pattern::RequestResponse {
                    out.push(Completion::TaskSubmitted { task_id, output: v.clone() });
                }
                out.push(Completion::TaskSucceeded { task_id, output: v.clone() });
                out
            }
            Some(MockReply::Throw { error, cause }) => vec![Completion::TaskFailed { task_id, error: error.clone(), cause: cause.clone() }],
            None => vec![Completion::TaskFailed {
                task_id,
                error: crate::engine::errors::names::RUNTIME.to_string(),
                cause: Some(format!(
                    "Test case '{}' has no mocked response for invocation {n} of Task state '{}': mocked response '{}' defines invocations {}",
                    self.test_case,
                    req.state_name,
                    mocked.response_name,
                    mocked.response.describe()
                )),
            }],
        };
        Some(completions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::parse_definition_text;
    use crate::engine::{Command, Execution, ExecutionOptions, Status};

    const CONFIG: &str = r#"{
      "StateMachines": { "Demo": { "TestCases": {
        "HappyPath": { "Work": "Ok" },
        "RetryPath": { "Work": "FailTwice" },
        "Short": { "Work": "OnlyOnce" } } } },
      "MockedResponses": {
        "Ok": { "0": { "Return": { "ok": true } } },
        "FailTwice": { "0-1": { "Throw": { "Error": "Lambda.TooManyRequestsException", "Cause": "slow down" } }, "2": { "Return": 42 } },
        "OnlyOnce": { "0": { "Throw": { "Error": "Boom", "Cause": "once" } } } } }"#;

    const MACHINE: &str = r#"{"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:w",
        "Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":3,"IntervalSeconds":1}],"End":true}}}"#;

    fn run(case: &str) -> Execution {
        let machine = Rc::new(parse_definition_text(MACHINE).machine.unwrap());
        let mut mocks = MockConfig::parse(CONFIG).unwrap().test_case("Demo", case, Some(&machine)).unwrap();
        let mut ex = Execution::start(machine, "{}", ExecutionOptions::default()).unwrap();
        loop {
            let commands = ex.run();
            if commands.is_empty() {
                return ex;
            }
            for c in commands {
                match c {
                    Command::InvokeTask(req) => mocks.answer(&req).expect("mocked").into_iter().for_each(|c| ex.complete(c)),
                    Command::WakeAt { time_ms } => ex.complete(Completion::TimeReached { time_ms }),
                    Command::ReadItems(_) | Command::WriteResults(_) => unreachable!("no reader or writer in this machine"),
                }
            }
        }
    }

    #[test]
    fn returns_throws_and_ranges() {
        let ex = run("HappyPath");
        assert_eq!(ex.status(), Status::Succeeded);
        assert_eq!(ex.outcome().unwrap().output.as_ref().unwrap().to_json(), r#"{"ok":true}"#);

        let ex = run("RetryPath");
        assert_eq!(ex.status(), Status::Succeeded);
        assert_eq!(ex.outcome().unwrap().output.as_ref().unwrap().to_json(), "42");
        let failed = ex.history().iter().filter(|e| e.kind() == "LambdaFunctionFailed").count();
        assert_eq!(failed, 2);
    }

    #[test]
    fn an_invocation_without_a_response_fails_the_execution() {
        let ex = run("Short");
        let o = ex.outcome().unwrap();
        assert_eq!(o.status, Status::Failed);
        assert_eq!(o.error.as_deref(), Some("States.Runtime"));
        assert!(o.cause.as_deref().unwrap().contains("invocation 1 of Task state 'Work'"), "{:?}", o.cause);
    }

    #[test]
    fn rejects_malformed_files_with_a_path() {
        let bad = |text: &str| MockConfig::parse(text).unwrap_err();
        assert!(bad("[]").contains("JSON object"));
        assert!(bad(r#"{"MockedResponses":{"R":{"x":{"Return":1}}}}"#).contains("'MockedResponses.R' has the key 'x'"));
        assert!(bad(r#"{"MockedResponses":{"R":{"2-1":{"Return":1}}}}"#).contains("'2-1'"));
        assert!(bad(r#"{"MockedResponses":{"R":{"0-2":{"Return":1},"2":{"Return":2}}}}"#).contains("invocation 2 twice"));
        assert!(bad(r#"{"MockedResponses":{"R":{"0":{"Return":1,"Throw":{}}}}}"#).contains("exactly one field"));
        assert!(bad(r#"{"MockedResponses":{"R":{"0":{"Throw":{"Error":1}}}}}"#).contains("Throw.Error' must be a string"));
        assert!(bad(r#"{"StateMachines":{"M":{"TestCases":{"T":{"S":"Nope"}}}},"MockedResponses":{}}"#).contains("'Nope', which is not in 'MockedResponses'"));
        assert!(bad(r#"{"StateMachine":{}}"#).contains("unknown field 'StateMachine'"));
    }

    #[test]
    fn test_case_lookup_names_what_exists() {
        let config = MockConfig::parse(CONFIG).unwrap();
        let machine = parse_definition_text(MACHINE).machine.unwrap();
        assert!(config.test_case("Other", "HappyPath", None).unwrap_err().contains("it has 'Demo'"));
        assert!(config.test_case("Demo", "Nope", None).unwrap_err().contains("'HappyPath', 'RetryPath', 'Short'"));
        let typo = MockConfig::parse(r#"{"StateMachines":{"Demo":{"TestCases":{"T":{"Wrok":"R"}}}},"MockedResponses":{"R":{"0":{"Return":1}}}}"#).unwrap();
        assert!(typo.test_case("Demo", "T", Some(&machine)).unwrap_err().contains("'Wrok', which is not a Task state"));
        assert!(typo.test_case("Demo", "T", None).is_ok());
    }
}
