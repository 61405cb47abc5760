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
        let mut execution = vec![
            ("Id", Value::String(execution_arn.clone())),
            ("Input", input),
            ("StartTime", Value::from(format_timestamp(o.start_time_ms))),
            ("Name", Value::from(o.execution_name.as_str())),
            ("RoleArn", Value::from(o.role_arn.as_str())),
        ];
        // Express executions cannot be redriven: they have no RedriveCount.
        if o.machine_type == crate::definition::model::MachineType::Standard {
            execution.push(("RedriveCount", Value::int(o.redrive_count as i64)));
        }
        let execution = Value::from_pairs(execution);
        let state_machine = Value::from_pairs([("Id", Value::String(machine_arn.clone())), ("Name", Value::from(o.machine_name.as_str()))]);
        ContextInfo { execution_arn, machine_arn, execution, state_machine, region: o.region.as_str().into() }
    }
}

impl Execution {
    /// The context object as the current state of a fiber sees it.
    pub(crate) fn context(&self, fid: FiberId, token: Option<&Rc<str>>, with_retry_count: bool) -> Value {
        let f = self.fiber(fid);
        let mut state = Map::with_capacity_and_hasher(3, Default::default());
        state.insert("Name".into(), Value::String(f.state.name.clone()));
        state.insert("EnteredTime".into(), Value::String(self.timestamp_text(f.entered_time)));
        if with_retry_count {
            state.insert("RetryCount".into(), Value::int(f.retry_count as i64));
        }
        let mut ctx = Map::with_capacity_and_hasher(5, Default::default());
        ctx.insert("Execution".into(), self.ctx.execution.clone());
        ctx.insert("StateMachine".into(), self.ctx.state_machine.clone());
        ctx.insert("State".into(), Value::object(state));
        if let Some(t) = token {
            ctx.insert("Task".into(), Value::from_pairs([("Token", Value::String(t.clone()))]));
        }
        Value::object(ctx)
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
        let mut ctx = self.context(fid, None, false);
        if let Some(m) = ctx.make_object_mut() {
            m.insert("Map".into(), Value::from_pairs([("Item", Value::from_pairs([("Index", Value::int(index as i64)), ("Value", item.clone())]))]));
        }
        ctx
    }
}
