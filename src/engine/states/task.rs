//! Task: asks the driver to do the work. The engine never emulates AWS services: it emits a
//! command with the effective input and waits for the driver's answer. The resource's kind
//! decides the history events (LambdaFunction*, Activity*, or Task* with a `resourceType`).

use crate::definition::model::{Credentials, Seconds, Task};
use crate::definition::resource::{Pattern, Resource};
use crate::engine::errors::{names, Failure, Origin};
use crate::engine::execution::{Blocked, Command, Execution, FiberId, RunningTask, TaskRequest, TimerKind};
use crate::engine::history::{Details, Field, TaskEvent};
use crate::query::QueryError;
use crate::value::Value;
use std::rc::Rc;

/// Event names of a resource kind: (scheduled, started, succeeded, failed, timed out, submitted).
fn service_fields(target: &Resource) -> Vec<(&'static str, Field)> {
    match target {
        Resource::Service { resource_type, resource, .. } => {
            vec![("resource", Field::Text(resource.as_str().into())), ("resourceType", Field::Text(resource_type.as_str().into()))]
        }
        _ => Vec::new(),
    }
}

impl Execution {
    // `run_task` runs once per task call, so V8 optimizes it early; its rarer parts (tokens,
    // activity and service events) are functions of their own to keep it small.
    #[inline(never)]
    fn new_task_token(&mut self) -> Rc<str> {
        let a = self.random_u64();
        let b = self.random_u64();
        Rc::from(format!("AQB{a:016x}{b:016x}"))
    }

    #[inline(never)]
    pub(crate) fn run_task(&mut self, fid: FiberId, task: &Task) {
        let state = self.fiber(fid).state.clone();
        let effective = self.fiber(fid).effective.clone();
        let token = (task.target.pattern() == Pattern::WaitForTaskToken).then(|| self.new_task_token());
        let ctx = self.context(fid, token.as_ref());
        let jsonata = state.query_language == crate::definition::QueryLanguage::Jsonata;
        let states = if jsonata { self.states_var(fid, &effective, ctx.clone(), None, None) } else { Value::Null };
        let input = if jsonata {
            match &state.io.arguments {
                Some(a) => match self.eval_jsonata(fid, a, "Arguments", &states) {
                    Ok(v) => v,
                    Err(e) => return self.query_failed(fid, e),
                },
                None => effective.clone(),
            }
        } else {
            match &state.io.parameters {
                Some(t) => match self.eval_template(fid, t, &effective, &ctx) {
                    Ok(v) => v,
                    Err(e) => return self.query_failed(fid, e),
                },
                None => effective.clone(),
            }
        };
        if let Err(f) = self.check_size(&input, fid) {
            return self.fail_state(fid, f);
        }
        self.trace_stage(fid, crate::engine::trace::Stage::AfterParameters, &input);
        let timeout = match self.resolve_seconds(fid, task.timeout.as_ref(), &effective, "TimeoutSeconds", &states) {
            Ok(v) => v,
            Err(e) => return self.query_failed(fid, e),
        };
        let heartbeat = match self.resolve_seconds(fid, task.heartbeat.as_ref(), &effective, "HeartbeatSeconds", &states) {
            Ok(v) => v,
            Err(e) => return self.query_failed(fid, e),
        };

        let credentials = match self.task_credentials(fid, task, &effective, &ctx, &states) {
            Ok(c) => c,
            Err(e) => return self.query_failed(fid, e),
        };
        let task_event = |key: &'static str, value: Option<Value>, region: Option<Rc<str>>, heartbeat: Option<u64>| {
            // The writer shows them in the scheduled event only, as it does the timeouts.
            Details::Task(Box::new(TaskEvent { key, state: state.clone(), value, region, timeout, heartbeat, credentials: credentials.clone() }))
        };
        match &*task.target {
            Resource::LambdaFunction { .. } => {
                self.fiber_event_details(fid, "LambdaFunctionScheduled", task_event("lambdaFunctionScheduledEventDetails", Some(input.clone()), None, None));
                self.fiber_event(fid, "LambdaFunctionStarted", None);
            }
            Resource::Activity { .. } => {
                self.fiber_event_details(fid, "ActivityScheduled", task_event("activityScheduledEventDetails", Some(input.clone()), None, heartbeat));
                // The driver's handler is the worker: it picks the task up at once.
                self.fiber_event(fid, "ActivityStarted", Some(("activityStartedEventDetails", vec![("workerName", Field::Text("asl-sim".into()))])));
            }
            _ => {
                let region = self.ctx.region.clone();
                self.fiber_event_details(fid, "TaskScheduled", task_event("taskScheduledEventDetails", Some(input.clone()), Some(region), heartbeat));
                self.fiber_event_details(fid, "TaskStarted", task_event("taskStartedEventDetails", None, None, None));
            }
        }

        let task_id = self.next_task_id;
        self.next_task_id += 1;
        self.tasks.insert(task_id, RunningTask { fiber: fid, token: token.clone(), will_not_answer: false, heartbeat_seconds: heartbeat, timer_generation: 0 });
        if let Some(t) = timeout {
            self.add_timer(self.now + t as f64 * 1000.0, TimerKind::TaskTimeout(task_id, 0));
        }
        if let Some(h) = heartbeat {
            self.add_timer(self.now + h as f64 * 1000.0, TimerKind::Heartbeat(task_id, 0));
        }
        let retry_count = self.fiber(fid).retry_count;
        self.commands.push(Command::InvokeTask(TaskRequest {
            task_id,
            state_name: state.name.clone(),
            resource: task.resource.clone(),
            target: task.target.clone(),
            input,
            context: ctx,
            token,
            retry_count,
        }));
        self.block(fid, Blocked::Task(task_id));
    }

    /// `TimeoutSeconds`/`HeartbeatSeconds` and their `...Path` forms.
    #[inline]
    pub(crate) fn resolve_seconds(&mut self, fid: FiberId, s: Option<&Seconds>, input: &Value, field: &str, states: &Value) -> Result<Option<u64>, QueryError> {
        match s {
            None => Ok(None),
            Some(Seconds::Literal(n)) => Ok(Some(*n)),
            Some(dynamic) => self.resolve_dynamic_seconds(fid, dynamic, input, field, states),
        }
    }

    #[inline(never)]
    fn resolve_dynamic_seconds(&mut self, fid: FiberId, s: &Seconds, input: &Value, field: &str, states: &Value) -> Result<Option<u64>, QueryError> {
        match s {
            Seconds::Literal(n) => Ok(Some(*n)),
            Seconds::Path(p) => {
                let ctx = self.context(fid, None);
                let v = p.select_required(&self.scope_input(fid, input, &ctx))?;
                match v.as_number().and_then(|n| n.as_i64()) {
                    Some(n) if n > 0 => Ok(Some(n as u64)),
                    _ => Err(QueryError::runtime(format!("The {field}Path parameter does not reference a positive integer: {} == {}", p.text(), v.to_json()))),
                }
            }
            Seconds::Jsonata(jv) => self.jsonata_seconds(fid, jv, field, states).map(Some),
        }
    }

    /// The role a Task's `Credentials` name, as its scheduled event shows it: `{"roleArn": ...}`.
    #[inline(never)]
    fn task_credentials(&mut self, fid: FiberId, task: &Task, effective: &Value, ctx: &Value, states: &Value) -> Result<Option<Value>, QueryError> {
        let evaluated = match &task.credentials {
            None => return Ok(None),
            Some(Credentials::Template(t)) => self.eval_template(fid, t, effective, ctx)?,
            Some(Credentials::Jsonata(jv)) => self.eval_jsonata(fid, jv, "Credentials", states)?,
        };
        let role = evaluated.get("RoleArn").cloned().unwrap_or(Value::Null);
        Ok(Some(Value::from_pairs([("roleArn", role)])))
    }

    fn task_target(&self, fid: FiberId) -> Option<Rc<Resource>> {
        match &self.fibers[fid].as_ref()?.state.kind {
            crate::definition::model::StateKind::Task(t) => Some(t.target.clone()),
            _ => None,
        }
    }

    pub(crate) fn task_submitted(&mut self, task_id: u64, output: Value) {
        let Some(t) = self.tasks.get(&task_id) else { return };
        let fid = t.fiber;
        let Some(state) = self.fibers[fid].as_ref().map(|f| f.state.clone()) else { return };
        let details = Details::Task(Box::new(TaskEvent { key: "taskSubmittedEventDetails", state, value: Some(output), region: None, timeout: None, heartbeat: None, credentials: None }));
        self.fiber_event_details(fid, "TaskSubmitted", details);
    }

    pub(crate) fn task_heartbeat(&mut self, task_id: u64) {
        let now = self.now;
        let Some(t) = self.tasks.get_mut(&task_id) else { return };
        t.timer_generation += 1;
        let gen = t.timer_generation;
        if let Some(h) = t.heartbeat_seconds {
            self.add_timer(now + h as f64 * 1000.0, TimerKind::Heartbeat(task_id, gen));
        }
    }

    #[inline(never)]
    pub(crate) fn task_succeeded(&mut self, task_id: u64, output: Value) {
        let Some(t) = self.tasks.get(&task_id) else { return };
        let fid = t.fiber;
        let Some(state) = self.fibers[fid].as_ref().map(|f| f.state.clone()) else { return };
        let crate::definition::model::StateKind::Task(task) = &state.kind else { return };
        if let Some(failure) = self.oversized_result(&output, &task.target) {
            return self.task_failed(task_id, failure);
        }
        self.tasks.remove(&task_id);
        let (kind, key) = match &*task.target {
            Resource::LambdaFunction { .. } => ("LambdaFunctionSucceeded", "lambdaFunctionSucceededEventDetails"),
            Resource::Activity { .. } => ("ActivitySucceeded", "activitySucceededEventDetails"),
            _ => ("TaskSucceeded", "taskSucceededEventDetails"),
        };
        let details = Details::Task(Box::new(TaskEvent { key, state: state.clone(), value: Some(output.clone()), region: None, timeout: None, heartbeat: None, credentials: None }));
        self.fiber_event_details(fid, kind, details);
        self.block(fid, Blocked::No);
        // The rest of the state runs now; the fiber goes on from its next step afterwards.
        self.finish_with_result(fid, output, true);
        self.requeue(fid);
    }

    /// A result over the payload limit fails the task's call, as AWS records it (a TaskFailed
    /// event, which Retry and Catch see like any task failure). The cause names the service
    /// (`lambda` for `lambda:invoke`), or the ARN of a Lambda function or an activity.
    #[inline(never)]
    fn oversized_result(&self, output: &Value, target: &Resource) -> Option<Failure> {
        let max = self.options.limits.max_payload_bytes?;
        if self.measurer.measure(output, crate::value::MAX_DEPTH)?.chars <= max {
            return None;
        }
        let name = match target {
            Resource::Service { resource_type, .. } => resource_type,
            Resource::LambdaFunction { arn } | Resource::Activity { arn } | Resource::Other { arn } => arn,
        };
        Some(Failure::with_cause(names::DATA_LIMIT_EXCEEDED, format!("The state/task '{name}' returned a result with a size exceeding the maximum number of bytes service limit.")))
    }

    #[inline(never)]
    pub(crate) fn task_failed(&mut self, task_id: u64, failure: Failure) {
        let Some(t) = self.tasks.remove(&task_id) else { return };
        let fid = t.fiber;
        let Some(target) = self.task_target(fid) else { return };
        let mut fields = Vec::new();
        if let Some(c) = &failure.cause {
            fields.push(("cause", Field::Text(c.clone())));
        }
        // A token holder's SendTaskFailure may give no error: AWS then records none.
        if !failure.error.is_empty() {
            fields.push(("error", Field::Text(failure.error.clone())));
        }
        match &*target {
            Resource::LambdaFunction { .. } => {
                self.fiber_event(fid, "LambdaFunctionFailed", Some(("lambdaFunctionFailedEventDetails", fields)));
            }
            Resource::Activity { .. } => {
                self.fiber_event(fid, "ActivityFailed", Some(("activityFailedEventDetails", fields)));
            }
            _ => {
                fields.extend(service_fields(&target));
                self.fiber_event(fid, "TaskFailed", Some(("taskFailedEventDetails", fields)));
            }
        }
        self.resume_after_task(fid, failure);
    }

    /// Records that a task timed out (its TimedOut event) and forgets it. The fiber it held is
    /// failed afterwards (`fail_timed_out`): tasks timing out at one instant all record it
    /// before any of the failures is handled, as AWS records it.
    pub(crate) fn record_task_timeout(&mut self, task_id: u64) -> Option<FiberId> {
        let t = self.tasks.remove(&task_id)?;
        let fid = t.fiber;
        let target = self.task_target(fid)?;
        let mut fields = vec![("error", Field::Text(names::TIMEOUT.into()))];
        match &*target {
            Resource::LambdaFunction { .. } => {
                self.fiber_event(fid, "LambdaFunctionTimedOut", Some(("lambdaFunctionTimedOutEventDetails", fields)));
            }
            Resource::Activity { .. } => {
                self.fiber_event(fid, "ActivityTimedOut", Some(("activityTimedOutEventDetails", fields)));
            }
            _ => {
                fields.extend(service_fields(&target));
                self.fiber_event(fid, "TaskTimedOut", Some(("taskTimedOutEventDetails", fields)));
            }
        }
        Some(fid)
    }

    /// Fails the state whose task `task_id` timed out (its heartbeat's time, when `heartbeat`),
    /// unless something else ended it since.
    pub(crate) fn fail_timed_out(&mut self, fid: FiberId, task_id: u64, heartbeat: bool) {
        if self.fibers[fid].as_ref().is_some_and(|f| f.blocked == Blocked::Task(task_id)) {
            let origin = if heartbeat { Origin::HeartbeatTimeout } else { Origin::TaskCall };
            self.resume_after_task_from(fid, Failure::new(names::TIMEOUT, None::<String>), origin);
        }
    }

    fn resume_after_task(&mut self, fid: FiberId, failure: Failure) {
        self.resume_after_task_from(fid, failure, Origin::TaskCall);
    }

    fn resume_after_task_from(&mut self, fid: FiberId, failure: Failure, origin: Origin) {
        self.block(fid, Blocked::No);
        self.fail_state_from(fid, failure, origin);
        self.requeue(fid);
    }
}
