//! The context object (`$$`): what AWS tells a state about its execution.

use super::execution::{Execution, ExecutionOptions, FiberId};
use crate::query::timestamp::format_timestamp;
use crate::value::{Map, Value};
use std::rc::Rc;

/// The parts of `$$` that never change during an execution, built once.
pub struct ContextInfo {
    pub execution_arn: Rc<str>,
    pub region: Rc<str>,
    pub machine_arn: Rc<str>,
    /// `{"Execution": {...}}` and `{"StateMachine": {...}}` values, shared by every state.
    pub execution: Value,
    pub state_machine: Value,
    /// Keys of the per-state parts, made once rather than on every build.
    keys: ContextKeys,
}

struct ContextKeys {
    execution: Rc<str>,
    state_machine: Rc<str>,
    state: Rc<str>,
    name: Rc<str>,
    entered_time: Rc<str>,
    retry_count: Rc<str>,
}

/// What a context object was built from (without a task token). Its content depends only on
/// these (the state's name, its entered time, the retry count if asked for) and on the
/// execution's part, which changes only on redrive (the memo is cleared then): whoever asks
/// with the same ones (a retry re-reading it, a loop coming back to the state at the same
/// virtual time) gets the same shared value. Values are copied before any change, so no user
/// can alter the memo.
pub(crate) struct ContextMemo {
    state: *const crate::definition::model::State,
    entered_time: u64,
    retry_count: Option<u64>,
    /// The fiber whose child execution's `Execution` part this is (none: the execution's own).
    child: Option<FiberId>,
    /// Held so that `state` stays the same allocation while it is compared against.
    _held: Rc<crate::definition::model::State>,
    value: Value,
}

impl ContextInfo {
    pub fn new(o: &ExecutionOptions, input: Value) -> ContextInfo {
        let machine_arn: Rc<str> = format!("arn:aws:states:{}:{}:stateMachine:{}", o.region, o.account, o.machine_name).into();
        // Express executions have their own ARN shape.
        let execution_arn: Rc<str> = match o.machine_type {
            crate::definition::model::MachineType::Standard => format!("arn:aws:states:{}:{}:execution:{}:{}", o.region, o.account, o.machine_name, o.execution_name),
            crate::definition::model::MachineType::Express => {
                format!("arn:aws:states:{}:{}:express:{}:{}:{}", o.region, o.account, o.machine_name, o.execution_name, o.execution_id_suffix())
            }
        }
        .into();
        let start_time = ("StartTime", Value::from(format_timestamp(o.start_time_ms)));
        let mut execution = vec![("Id", Value::String(execution_arn.clone())), ("Input", input)];
        // The order AWS writes them in: an Express execution's StartTime comes last.
        let express = o.machine_type == crate::definition::model::MachineType::Express;
        if !express {
            execution.push(start_time.clone());
        }
        execution.push(("Name", Value::from(o.execution_name.as_str())));
        // No role (TestState given none): AWS's context then says null.
        execution.push(("RoleArn", if o.role_arn.is_empty() { Value::Null } else { Value::from(o.role_arn.as_str()) }));
        if express {
            execution.push(start_time);
        }
        // As AWS records it: every execution's context has a RedriveCount, except one an
        // Express machine ran synchronously (StartSyncExecution), and TestState's.
        if !o.no_redrive_count {
            execution.push(("RedriveCount", Value::int(o.redrive_count as i64)));
        }
        let execution = Value::from_pairs(execution);
        let state_machine = Value::from_pairs([("Id", Value::String(machine_arn.clone())), ("Name", Value::from(o.machine_name.as_str()))]);
        let keys = ContextKeys {
            execution: "Execution".into(),
            state_machine: "StateMachine".into(),
            state: "State".into(),
            name: "Name".into(),
            entered_time: "EnteredTime".into(),
            retry_count: "RetryCount".into(),
        };
        ContextInfo { execution_arn, machine_arn, execution, state_machine, region: o.region.as_str().into(), keys }
    }
}

impl Execution {
    /// The context object as the current state of a fiber sees it.
    pub(crate) fn context(&self, fid: FiberId, token: Option<&Rc<str>>) -> Value {
        if let Some(given) = &self.options.context {
            // A given context is the test's whole `$$` (AWS answers `{}` for `{}`); a token task
            // whose context names no token still has the one it was given.
            let mut ctx = given.clone();
            if let (Some(t), Some(m)) = (token, ctx.make_object_mut()) {
                if !m.contains_key("Task") {
                    m.insert("Task".into(), Value::from_pairs([("Token", Value::String(t.clone()))]));
                }
            }
            return ctx;
        }
        let f = self.fiber(fid);
        // A Task's and a Map's context has State.RetryCount wherever it is read (AWS records it
        // in a Task's Catch output too); other states have none.
        let retries = matches!(f.state.kind, crate::definition::model::StateKind::Task(_) | crate::definition::model::StateKind::Map(_));
        let retry_count = retries.then_some(f.retry_count);
        let child = self.child_execution_of(fid);
        if token.is_none() {
            if let Some(m) = &*self.context_memo.borrow() {
                if std::ptr::eq(m.state, Rc::as_ptr(&f.state)) && m.entered_time == f.entered_time.to_bits() && m.retry_count == retry_count && m.child == child {
                    return m.value.clone();
                }
            }
        }
        let keys = &self.ctx.keys;
        let mut state = Map::with_capacity(3);
        state.insert(keys.name.clone(), Value::String(f.state.name.clone()));
        state.insert(keys.entered_time.clone(), Value::String(self.timestamp_text(f.entered_time)));
        if let Some(n) = retry_count {
            state.insert(keys.retry_count.clone(), Value::int(n as i64));
        }
        let mut ctx = Map::with_capacity(5);
        let execution = child.and_then(|c| self.fibers[c].as_ref()).and_then(|c| c.child_execution.clone()).unwrap_or_else(|| self.ctx.execution.clone());
        ctx.insert(keys.execution.clone(), execution);
        ctx.insert(keys.state_machine.clone(), self.ctx.state_machine.clone());
        ctx.insert(keys.state.clone(), Value::object(state));
        if let Some(t) = token {
            ctx.insert("Task".into(), Value::from_pairs([("Token", Value::String(t.clone()))]));
            return Value::object(ctx);
        }
        let value = Value::object(ctx);
        *self.context_memo.borrow_mut() = Some(ContextMemo { state: Rc::as_ptr(&f.state), entered_time: f.entered_time.to_bits(), retry_count, child, _held: f.state.clone(), value: value.clone() });
        value
    }

    /// The fiber that started the child execution `fid` runs in (a distributed Map's
    /// iteration), if any: AWS runs each as an execution of its own, whose `$$.Execution` is
    /// its own (its ARN, its input, its start time), not the parent's.
    fn child_execution_of(&self, mut fid: FiberId) -> Option<FiberId> {
        loop {
            let f = self.fibers[fid].as_ref()?;
            if f.child_execution.is_some() {
                return Some(fid);
            }
            fid = f.parent?.0;
        }
    }

    /// `$$.Execution` of a distributed Map's child execution named `name`, started now with
    /// `input`: the parent's, with the child's ARN, input, name and start time (and no redrive).
    pub(crate) fn child_execution_context(&self, machine_arn: &str, name: &str, input: &Value) -> Value {
        let id = format!("{}:{name}", machine_arn.replacen(":stateMachine:", ":execution:", 1));
        let mut execution = self.ctx.execution.clone();
        if let Some(m) = execution.make_object_mut() {
            for (k, v) in [("Id", Value::from(id.as_str())), ("Input", input.clone()), ("Name", Value::from(name)), ("StartTime", Value::String(self.timestamp_text(self.now)))] {
                if m.contains_key(k) {
                    m.insert(k.into(), v);
                }
            }
            if m.contains_key("RedriveCount") {
                m.insert("RedriveCount".into(), Value::int(0));
            }
        }
        execution
    }

    /// A time as AWS's text; the last one is remembered (on the virtual clock many states
    /// share an instant).
    pub(crate) fn timestamp_text(&self, ms: f64) -> Rc<str> {
        let mut cache = self.timestamp_cache.borrow_mut();
        match &*cache {
            Some((t, text)) if *t == ms => text.clone(),
            _ => {
                let text: Rc<str> = format_timestamp(ms).into();
                *cache = Some((ms, text.clone()));
                text
            }
        }
    }

    /// The context object inside a Map state's ItemSelector: adds `Map.Item`.
    pub(crate) fn map_item_context(&self, fid: FiberId, index: usize, item: &Value) -> Value {
        let mut ctx = self.context(fid, None);
        if let Some(m) = ctx.make_object_mut() {
            m.insert("Map".into(), Value::from_pairs([("Item", Value::from_pairs([("Index", Value::int(index as i64)), ("Value", item.clone())]))]));
        }
        ctx
    }
}

#[cfg(test)]
mod tests {
    use crate::drivers::native::{run, TaskAnswer};
    use crate::engine::ExecutionOptions;

    #[test]
    fn each_visit_and_retry_sees_its_own_context() {
        let def = r#"{"StartAt":"T","States":{
            "T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","Retry":[{"ErrorEquals":["Boom"],"IntervalSeconds":1,"MaxAttempts":3}],"Next":"W"},
            "W":{"Type":"Wait","Seconds":5,"Next":"U"},
            "U":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}"#;
        let mut seen = Vec::new();
        run(def, "{}", ExecutionOptions::default(), |req| {
            let state = req.context.get("State").unwrap();
            seen.push((state.get("Name").unwrap().to_json(), state.get("EnteredTime").unwrap().to_json(), state.get("RetryCount").unwrap().to_json()));
            if seen.len() < 3 {
                TaskAnswer::Failure { error: "Boom".into(), cause: None }
            } else {
                TaskAnswer::Success(crate::value::Value::Null)
            }
        })
        .unwrap();
        let entered = r#""2023-11-14T22:13:20.000Z""#;
        // Retries after 1 s and 2 s (backoff 2), then the 5 s wait.
        let later = r#""2023-11-14T22:13:28.000Z""#;
        let expect: Vec<(String, String, String)> = [("T", entered, "0"), ("T", entered, "1"), ("T", entered, "2"), ("U", later, "0")]
            .iter()
            .map(|(n, t, r)| (format!("\"{n}\""), t.to_string(), r.to_string()))
            .collect();
        assert_eq!(seen, expect);
    }

    #[test]
    fn execution_context_keys_as_aws_orders_them() {
        use crate::definition::model::MachineType;
        let def = r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"e.$":"$$.Execution"},"End":true}}}"#;
        let keys = |machine_type, no_redrive_count| {
            let options = ExecutionOptions { machine_type, no_redrive_count, ..ExecutionOptions::default() };
            let ex = run(def, "{}", options, |_| TaskAnswer::Never).unwrap();
            let e = ex.outcome().unwrap().output.as_ref().unwrap().get("e").unwrap().clone();
            e.as_object().unwrap().iter().map(|(k, _)| k.to_string()).collect::<Vec<_>>().join(",")
        };
        assert_eq!(keys(MachineType::Standard, false), "Id,Input,StartTime,Name,RoleArn,RedriveCount");
        assert_eq!(keys(MachineType::Express, false), "Id,Input,Name,RoleArn,StartTime,RedriveCount");
        assert_eq!(keys(MachineType::Express, true), "Id,Input,Name,RoleArn,StartTime");
    }

    #[test]
    fn a_given_context_is_the_whole_context() {
        use crate::value::parse;
        let def = r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"c.$":"$$"},"Next":"T"},
            "T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"t.$":"$$.Task.Token","n.$":"$$.State.Name"},"End":true}}}"#;
        let given = parse(r#"{"Execution":{},"State":{"Name":"Mine"}}"#).unwrap();
        let mut seen = Vec::new();
        let options = ExecutionOptions { context: Some(given), ..ExecutionOptions::default() };
        let ex = run(def, "{}", options, |req| {
            seen.push(req.input.to_json());
            TaskAnswer::Success(req.input.clone())
        })
        .unwrap();
        assert!(ex.outcome().is_some());
        // Nothing is added to it, not even the state's own name; a token task keeps its token.
        assert!(seen[0].starts_with(r#"{"t":""#) && seen[0].ends_with(r#"","n":"Mine"}"#), "{}", seen[0]);
        let def = r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"c.$":"$$"},"End":true}}}"#;
        let options = ExecutionOptions { context: Some(parse("{}").unwrap()), ..ExecutionOptions::default() };
        let ex = run(def, "{}", options, |_| TaskAnswer::Never).unwrap();
        assert_eq!(ex.outcome().unwrap().output.as_ref().unwrap().to_json(), r#"{"c":{}}"#);
    }
}
