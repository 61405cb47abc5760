//! End-to-end scenarios through the native driver.

use asl_sim::drivers::native::{run, TaskAnswer};
use asl_sim::engine::{ExecutionOptions, Status};
use asl_sim::value::parse;

fn types(ex: &asl_sim::engine::Execution) -> Vec<&'static str> {
    ex.history().iter().map(|e| e.kind()).collect()
}

#[test]
fn pass_hello_world() {
    let ex = run(r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"hello":"world"},"End":true}}}"#, "{}", ExecutionOptions::default(), |_| TaskAnswer::Never).unwrap();
    let o = ex.outcome().unwrap();
    assert_eq!(o.status, Status::Succeeded);
    assert_eq!(o.output.as_ref().unwrap().to_json(), r#"{"hello":"world"}"#);
    assert_eq!(types(&ex), ["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]);
}

#[test]
fn task_result_flows_through_result_path() {
    let def = r#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","Parameters":{"x.$":"$.a"},"ResultPath":"$.r","Next":"W"},"W":{"Type":"Wait","Seconds":3600,"End":true}}}"#;
    let ex = run(def, r#"{"a":2}"#, ExecutionOptions::default(), |req| {
        let x = req.input.get("x").and_then(|v| v.as_f64()).unwrap();
        TaskAnswer::Success(asl_sim::Value::float(x * 10.0).unwrap())
    })
    .unwrap();
    let o = ex.outcome().unwrap();
    assert_eq!(o.output.as_ref().unwrap(), &parse(r#"{"a":2,"r":20}"#).unwrap());
    assert_eq!(
        types(&ex),
        ["ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited", "WaitStateEntered", "WaitStateExited", "ExecutionSucceeded"]
    );
    // The hour-long wait took no real time but an hour of virtual time.
    let h = ex.history();
    assert_eq!(h.timestamp_ms(h.last().unwrap()) - h.timestamp_ms(h.get(0).unwrap()), 3_600_000.0);
}

#[test]
fn retry_then_catch() {
    let def = r#"{"StartAt":"T","States":{
        "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Retry":[{"ErrorEquals":["Boom"],"MaxAttempts":2,"IntervalSeconds":1}],
             "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.err","Next":"F"}],"End":true},
        "F":{"Type":"Pass","End":true}}}"#;
    let mut calls = 0;
    let ex = run(def, r#"{"k":1}"#, ExecutionOptions::default(), |_| {
        calls += 1;
        TaskAnswer::Failure { error: "Boom".into(), cause: Some("bad".into()) }
    })
    .unwrap();
    assert_eq!(calls, 3);
    let o = ex.outcome().unwrap();
    assert_eq!(o.status, Status::Succeeded);
    assert_eq!(o.output.as_ref().unwrap(), &parse(r#"{"k":1,"err":{"Error":"Boom","Cause":"bad"}}"#).unwrap());
}

#[test]
fn map_and_parallel_collect_in_order() {
    let def = r#"{"StartAt":"M","States":{
        "M":{"Type":"Map","ItemsPath":"$.xs","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"Next":"P"},
        "P":{"Type":"Parallel","Branches":[{"StartAt":"A","States":{"A":{"Type":"Pass","Result":1,"End":true}}},{"StartAt":"B","States":{"B":{"Type":"Pass","Result":2,"End":true}}}],"End":true}}}"#;
    let ex = run(def, r#"{"xs":[1,2,3]}"#, ExecutionOptions::default(), |_| TaskAnswer::Never).unwrap();
    let o = ex.outcome().unwrap();
    assert_eq!(o.status, Status::Succeeded, "{:?}", o);
    assert_eq!(o.output.as_ref().unwrap().to_json(), "[1,2]");
    let t = types(&ex);
    assert_eq!(t.iter().filter(|k| **k == "MapIterationSucceeded").count(), 3);
    assert!(t.contains(&"ParallelStateSucceeded"));
}

#[test]
fn endless_loop_ends_with_a_clear_error() {
    let def = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"}}}"#;
    let ex = run(def, "{}", ExecutionOptions::default(), |_| TaskAnswer::Never).unwrap();
    let o = ex.outcome().unwrap();
    assert_eq!(o.status, Status::Failed);
    assert_eq!(o.error.as_deref(), Some("States.Runtime"));
}

#[test]
fn task_that_never_answers_times_out() {
    let def = r#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","TimeoutSeconds":5,"End":true}}}"#;
    let ex = run(def, "{}", ExecutionOptions::default(), |_| TaskAnswer::Never).unwrap();
    let o = ex.outcome().unwrap();
    assert_eq!(o.status, Status::Failed);
    assert_eq!(o.error.as_deref(), Some("States.Timeout"));
    assert!(types(&ex).contains(&"TaskTimedOut"));
}

#[test]
fn a_caught_timeout_has_an_empty_cause() {
    // As AWS records it: TaskTimedOut carries no cause, the error output an empty one.
    let def = r#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","TimeoutSeconds":5,
        "Catch":[{"ErrorEquals":["States.Timeout"],"Next":"H"}],"End":true},"H":{"Type":"Pass","End":true}}}"#;
    let ex = run(def, "{}", ExecutionOptions::default(), |_| TaskAnswer::Never).unwrap();
    let o = ex.outcome().unwrap();
    assert_eq!(o.output.as_ref().unwrap().to_json(), r#"{"Error":"States.Timeout","Cause":""}"#);
    let at = ex.history().iter().position(|e| e.kind() == "TaskTimedOut").unwrap();
    let event = ex.history().event_json(at).unwrap();
    assert!(event.contains(r#""error":"States.Timeout""#) && !event.contains("cause"), "{event}");
}

#[test]
fn states_heartbeat_timeout_catches_a_heartbeat_timeout_only() {
    // AWS documents States.HeartbeatTimeout for Retry and Catch: it names a task whose heartbeat
    // ran out (the task still fails with States.Timeout, which States.Timeout catches too), and
    // not a task that ran past TimeoutSeconds.
    let def = |timing: &str, errors: &str| {
        format!(
            r#"{{"StartAt":"T","States":{{"T":{{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",{timing},
            "Parameters":{{"QueueUrl":"q","MessageBody":{{"t.$":"$$.Task.Token"}}}},
            "Catch":[{{"ErrorEquals":{errors},"Next":"H"}}],"End":true}},"H":{{"Type":"Pass","End":true}}}}}}"#
        )
    };
    let outcome = |d: String| {
        let ex = run(&d, "{}", ExecutionOptions::default(), |_| TaskAnswer::Never).unwrap();
        let o = ex.outcome().unwrap();
        (o.status, o.error.clone(), o.output.as_ref().map(|v| v.to_json()))
    };
    let heartbeat = r#""HeartbeatSeconds":5,"TimeoutSeconds":600"#;
    let caught = (Status::Succeeded, None, Some(r#"{"Error":"States.Timeout","Cause":""}"#.to_string()));
    assert_eq!(outcome(def(heartbeat, r#"["States.HeartbeatTimeout"]"#)), caught);
    assert_eq!(outcome(def(heartbeat, r#"["States.Timeout"]"#)), caught);
    let (status, error, _) = outcome(def(r#""TimeoutSeconds":5"#, r#"["States.HeartbeatTimeout"]"#));
    assert_eq!((status, error.as_deref()), (Status::Failed, Some("States.Timeout")));
    // Retry sees it the same way: two heartbeat timeouts retried, the third caught.
    let retried = def(heartbeat, r#"["States.ALL"]"#).replace(r#""Catch""#, r#""Retry":[{"ErrorEquals":["States.HeartbeatTimeout"],"MaxAttempts":2,"IntervalSeconds":1}],"Catch""#);
    let ex = run(&retried, "{}", ExecutionOptions::default(), |_| TaskAnswer::Never).unwrap();
    assert_eq!(types(&ex).iter().filter(|t| **t == "TaskTimedOut").count(), 3);
    assert_eq!(ex.outcome().unwrap().status, Status::Succeeded);
}

#[test]
fn a_task_result_over_the_limit_fails_the_call() {
    // AWS fails the call itself (no TaskSucceeded); States.ALL catches that failure, and the
    // cause names the service, or the function's ARN.
    let big = || TaskAnswer::Success(asl_sim::Value::from("x".repeat(257 * 1024).as_str()));
    let catch_all = r#""Catch":[{"ErrorEquals":["States.ALL"],"Next":"H"}],"Next":"H"},"H":{"Type":"Pass","End":true}}}"#;
    let def = format!(r#"{{"StartAt":"T","States":{{"T":{{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",{catch_all}"#);
    let ex = run(&def, "{}", ExecutionOptions::default(), |_| big()).unwrap();
    let o = ex.outcome().unwrap();
    assert_eq!(o.status, Status::Succeeded, "{o:?}");
    let cause = "The state/task 'lambda' returned a result with a size exceeding the maximum number of bytes service limit.";
    assert_eq!(o.output.as_ref().unwrap(), &asl_sim::Value::from_pairs([("Error", "States.DataLimitExceeded".into()), ("Cause", cause.into())]));
    assert_eq!(types(&ex)[..6], ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed", "TaskStateExited"]);
    let arn = "arn:aws:lambda:us-east-1:123456789012:function:f";
    let def = format!(r#"{{"StartAt":"T","States":{{"T":{{"Type":"Task","Resource":"{arn}","End":true}}}}}}"#);
    let ex = run(&def, "{}", ExecutionOptions::default(), |_| big()).unwrap();
    let o = ex.outcome().unwrap();
    assert_eq!((o.error.as_deref(), o.cause.as_deref()), (Some("States.DataLimitExceeded"), Some(&*format!("The state/task '{arn}' returned a result with a size exceeding the maximum number of bytes service limit."))));
    assert!(types(&ex).contains(&"LambdaFunctionFailed") && !types(&ex).contains(&"LambdaFunctionSucceeded"));
    // A state's own output over the limit stays out of the wildcards' reach.
    let def = r#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","ResultSelector":{"a.$":"$.s","b.$":"$.s"},
        "Catch":[{"ErrorEquals":["States.ALL"],"Next":"H"}],"End":true},"H":{"Type":"Pass","End":true}}}"#;
    let half = "y".repeat(150 * 1024);
    let ex = run(def, "{}", ExecutionOptions::default(), |_| TaskAnswer::Success(asl_sim::Value::from_pairs([("s", half.as_str().into())]))).unwrap();
    assert_eq!(ex.outcome().unwrap().error.as_deref(), Some("States.DataLimitExceeded"));
}

/// (type, previousEventId) of each event, ids counting from 1.
fn links(ex: &asl_sim::engine::Execution) -> Vec<(&'static str, u32)> {
    ex.history().iter().map(|e| (e.kind(), e.previous_id)).collect()
}

#[test]
fn map_events_follow_what_aws_records() {
    // An iteration's end follows its last event, and so does the next iteration's start;
    // MapStateExited follows what MapStateSucceeded follows.
    let def = r#"{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"ItemsPath":"$.xs",
        "ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}}}"#;
    let ex = run(def, r#"{"xs":[1,2]}"#, ExecutionOptions::default(), |_| TaskAnswer::Never).unwrap();
    assert_eq!(
        links(&ex),
        [
            ("ExecutionStarted", 0), ("MapStateEntered", 0), ("MapStateStarted", 2),
            ("MapIterationStarted", 3), ("PassStateEntered", 4), ("PassStateExited", 5), ("MapIterationSucceeded", 6),
            ("MapIterationStarted", 6), ("PassStateEntered", 8), ("PassStateExited", 9), ("MapIterationSucceeded", 10),
            ("MapStateSucceeded", 11), ("MapStateExited", 11), ("ExecutionSucceeded", 13),
        ]
    );
    // A failed iteration: the Map's retry and its failure follow the iteration's last event.
    let def = r#"{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.xs","Retry":[{"ErrorEquals":["X"],"MaxAttempts":1,"IntervalSeconds":1}],
        "ItemProcessor":{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"X"}}},"End":true}}}"#;
    let ex = run(def, r#"{"xs":[1]}"#, ExecutionOptions::default(), |_| TaskAnswer::Never).unwrap();
    assert_eq!(
        links(&ex),
        [
            ("ExecutionStarted", 0), ("MapStateEntered", 0), ("MapStateStarted", 2), ("MapIterationStarted", 3), ("FailStateEntered", 4),
            ("MapIterationFailed", 5), ("MapStateStarted", 5), ("MapIterationStarted", 7), ("FailStateEntered", 8),
            ("MapIterationFailed", 9), ("MapStateFailed", 9), ("ExecutionFailed", 11),
        ]
    );
}

#[test]
fn tasks_timing_out_together_in_a_map() {
    // As AWS records it: every task timing out at that instant records it first; then the
    // first iteration fails and the others are aborted, each Task state recorded as aborted
    // after its iteration's event.
    let def = r#"{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.xs","ItemProcessor":{"StartAt":"T","States":{
        "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","TimeoutSeconds":5,"End":true}}},"End":true}}}"#;
    let ex = run(def, r#"{"xs":[1,2,3]}"#, ExecutionOptions::default(), |_| TaskAnswer::Never).unwrap();
    let t = types(&ex);
    let first = t.iter().position(|k| *k == "TaskTimedOut").unwrap();
    assert_eq!(
        t[first..],
        [
            "TaskTimedOut", "TaskTimedOut", "TaskTimedOut", "MapIterationFailed", "TaskStateAborted",
            "MapIterationAborted", "TaskStateAborted", "MapIterationAborted", "TaskStateAborted", "MapStateFailed", "ExecutionFailed",
        ]
    );
    assert_eq!(ex.outcome().unwrap().error.as_deref(), Some("States.Timeout"));
}

#[test]
fn evaluation_failed_names_the_field_and_follows_the_entry() {
    let def = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},
        "B":{"Type":"Pass","Output":{"r":"{% $nothing %}"},"End":true}}}"#;
    let ex = run(def, "{}", ExecutionOptions::default(), |_| TaskAnswer::Never).unwrap();
    assert_eq!(links(&ex)[4], ("EvaluationFailed", 3), "it follows what B's entry (event 4) follows");
    let event = ex.history().event_json(4).unwrap();
    assert!(event.contains(r#""location":"Output/r","state":"B""#), "{event}");
    // A Wait's own Timestamp fails after its entry.
    let def = r#"{"QueryLanguage":"JSONata","StartAt":"W","States":{"W":{"Type":"Wait","Timestamp":"{% 'soon' %}","End":true}}}"#;
    let ex = run(def, "{}", ExecutionOptions::default(), |_| TaskAnswer::Never).unwrap();
    assert_eq!(links(&ex)[2], ("EvaluationFailed", 2));
    assert!(ex.history().event_json(2).unwrap().contains(r#""location":"Timestamp""#));
}

#[test]
fn task_credentials_show_the_role_they_evaluate_to() {
    let role = "arn:aws:iam::111111111111:role/trusted";
    for (ql, credentials) in [("JSONPath", r#"{"RoleArn.$":"$.role"}"#), ("JSONata", r#"{"RoleArn":"{% $states.input.role %}"}"#)] {
        let def = format!(r#"{{"QueryLanguage":"{ql}","StartAt":"T","States":{{"T":{{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Credentials":{credentials},"End":true}}}}}}"#);
        let ex = run(&def, &format!(r#"{{"role":"{role}"}}"#), ExecutionOptions::default(), |_| TaskAnswer::Success(asl_sim::Value::Null)).unwrap();
        let at = ex.history().iter().position(|e| e.kind() == "TaskScheduled").unwrap();
        let event = ex.history().event_json(at).unwrap();
        assert!(event.contains(&format!(r#""taskCredentials":{{"roleArn":"{role}"}}"#)), "{ql}: {event}");
    }
}

#[test]
fn assigned_variables_are_recorded_by_name() {
    // AWS writes assignedVariables sorted by name, whatever the order of the Assign.
    let def = r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Assign":{"zeta":1,"str_path.$":"$.a","alpha.$":"$.a","Beta":true},"End":true}}}"#;
    let ex = run(def, r#"{"a":"x"}"#, ExecutionOptions::default(), |_| TaskAnswer::Never).unwrap();
    let event = ex.history().event_json(2).unwrap();
    assert!(event.contains(r#""assignedVariables":{"Beta":"true","alpha":"\"x\"","str_path":"\"x\"","zeta":"1"}"#), "{event}");
}

#[test]
fn the_first_state_sees_the_input_text_as_sent() {
    // AWS echoes the caller's text (spaces and all) in ExecutionStarted and the first entry.
    let def = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","End":true}}}"#;
    let ex = run(def, r#"[1,  "two" ]"#, ExecutionOptions::default(), |_| TaskAnswer::Never).unwrap();
    let h = ex.history();
    assert!(h.event_json(0).unwrap().contains(r#""input":"[1,  \"two\" ]""#));
    assert!(h.event_json(1).unwrap().contains(r#""input":"[1,  \"two\" ]""#));
    assert!(h.event_json(3).unwrap().contains(r#""input":"[1,\"two\"]""#), "later states show the value");
    assert!(h.to_json_from(0).contains(r#""type":"PassStateEntered","id":2,"previousEventId":0,"stateEnteredEventDetails":{"input":"[1,  \"two\" ]""#));
}

#[test]
fn a_task_context_has_its_retry_count_in_catch_output_too() {
    let def = r#"{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
        "Catch":[{"ErrorEquals":["States.ALL"],"Output":"{% $keys($states.context.State) %}","Next":"P"}],"End":true},
        "P":{"Type":"Pass","Output":{"task":"{% $states.input %}","pass":"{% $keys($states.context.State) %}"},"End":true}}}"#;
    let ex = run(def, "{}", ExecutionOptions::default(), |_| TaskAnswer::Failure { error: "E".into(), cause: None }).unwrap();
    assert_eq!(ex.outcome().unwrap().output.as_ref().unwrap().to_json(), r#"{"task":["Name","EnteredTime","RetryCount"],"pass":["Name","EnteredTime"]}"#);
}

#[test]
fn redrive_restarts_from_the_failed_state() {
    use asl_sim::drivers::native::drive;
    let def = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"n":1},"Next":"T"},"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"n.$":"$.n","redrives.$":"$$.Execution.RedriveCount"},"End":true}}}"#;
    let mut fail = true;
    let mut handler = |req: &asl_sim::engine::TaskRequest| {
        if fail {
            TaskAnswer::Failure { error: "Boom".into(), cause: None }
        } else {
            TaskAnswer::Success(req.input.clone())
        }
    };
    let mut ex = run(def, "{}", ExecutionOptions::default(), &mut handler).unwrap();
    assert_eq!(ex.status(), Status::Failed);
    fail = false;
    let mut handler = |req: &asl_sim::engine::TaskRequest| if fail { TaskAnswer::Never } else { TaskAnswer::Success(req.input.clone()) };
    ex.redrive().unwrap();
    drive(&mut ex, &mut handler);
    assert_eq!(ex.status(), Status::Succeeded);
    assert_eq!(ex.outcome().unwrap().output.as_ref().unwrap(), &parse(r#"{"n":1,"redrives":1}"#).unwrap());
    let t = types(&ex);
    let redriven = t.iter().position(|k| *k == "ExecutionRedriven").unwrap();
    assert_eq!(t[redriven - 1], "ExecutionFailed");
    assert_eq!(t[redriven + 1], "TaskStateEntered", "starts again at the failed state, not at A");
    assert!(ex.redrive().is_err(), "a succeeded execution cannot be redriven");
}

#[test]
fn variables_over_256_kib_fail_the_state() {
    // The payload (150 KiB) is within AWS's limit; one variable doubles it, two add up past it.
    let input = format!("{{\"s\":\"{}\"}}", "x".repeat(150 * 1024));
    let def = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"big.$":"States.Array($.s, $.s)"},"End":true}}}"#;
    let ex = run(def, &input, ExecutionOptions::default(), |_| TaskAnswer::Never).unwrap();
    let o = ex.outcome().unwrap();
    assert_eq!(o.error.as_deref(), Some("States.DataLimitExceeded"), "{o:?}");
    assert!(o.cause.as_deref().unwrap_or("").contains("'big'"), "{o:?}");
    let def = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"a.$":"$.s","b.$":"$.s"},"End":true}}}"#;
    let ex = run(def, &input, ExecutionOptions::default(), |_| TaskAnswer::Never).unwrap();
    assert!(ex.outcome().unwrap().cause.as_deref().unwrap_or("").contains("together"));
    // Within the limit it works, and a later state reads it.
    let def = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"v.$":"$.s"},"Next":"B"},"B":{"Type":"Pass","Parameters":{"got.$":"$v"},"End":true}}}"#;
    let ex = run(def, r#"{"s":"ok"}"#, ExecutionOptions::default(), |_| TaskAnswer::Never).unwrap();
    assert_eq!(ex.outcome().unwrap().output.as_ref().unwrap().to_json(), r#"{"got":"ok"}"#);
}

#[test]
fn task_events_render_in_aws_shape() {
    let def = r#"{"StartAt":"S","States":{
        "S":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"a":1},"TimeoutSeconds":30,"Next":"L"},
        "L":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}"#;
    let ex = run(def, "{}", ExecutionOptions::default(), |_| TaskAnswer::Success(parse(r#"{"ok":true}"#).unwrap())).unwrap();
    let json = |kind: &str| ex.history().event_json(ex.history().iter().position(|e| e.kind() == kind).unwrap()).unwrap();
    let scheduled = json("TaskScheduled");
    assert!(scheduled.ends_with(r#""taskScheduledEventDetails":{"parameters":"{\"a\":1}","region":"us-east-1","resource":"invoke","resourceType":"lambda","timeoutInSeconds":30}}"#), "{scheduled}");
    assert!(json("TaskStarted").ends_with(r#""taskStartedEventDetails":{"resource":"invoke","resourceType":"lambda"}}"#));
    assert!(json("TaskSucceeded").ends_with(r#""taskSucceededEventDetails":{"output":"{\"ok\":true}","outputDetails":{"truncated":false},"resource":"invoke","resourceType":"lambda"}}"#));
    assert!(json("LambdaFunctionScheduled").ends_with(r#""lambdaFunctionScheduledEventDetails":{"input":"{\"ok\":true}","inputDetails":{"truncated":false},"resource":"arn:aws:lambda:us-east-1:123456789012:function:f"}}"#));
    assert!(json("LambdaFunctionSucceeded").ends_with(r#""lambdaFunctionSucceededEventDetails":{"output":"{\"ok\":true}","outputDetails":{"truncated":false}}}"#));
}

#[test]
fn map_iteration_events_render_in_aws_shape() {
    let def = r#"{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}}}"#;
    let ex = run(def, "[7]", ExecutionOptions::default(), |_| TaskAnswer::Never).unwrap();
    let started = ex.history().event_json(ex.history().iter().position(|e| e.kind() == "MapIterationStarted").unwrap()).unwrap();
    assert!(started.ends_with(r#""mapIterationStartedEventDetails":{"index":0,"name":"M"}}"#), "{started}");
}

/// Runs a Distributed Map of Pass children over `input` and answers its output as JSON text.
fn batched_map_output(item_batcher: &str, extra: &str, input: &str) -> String {
    let def = format!(
        r#"{{"StartAt":"M","States":{{"M":{{"Type":"Map","ItemsPath":"$.xs",{extra}"ItemBatcher":{item_batcher},
            "ItemProcessor":{{"ProcessorConfig":{{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"}},"StartAt":"P","States":{{"P":{{"Type":"Pass","End":true}}}}}},"End":true}}}}}}"#
    );
    let ex = run(&def, input, ExecutionOptions::default(), |_| TaskAnswer::Never).unwrap();
    let o = ex.outcome().unwrap();
    assert_eq!(o.status, Status::Succeeded, "{:?}", o);
    o.output.as_ref().unwrap().to_json()
}

#[test]
fn item_batcher_hands_each_child_a_batch_of_selected_items() {
    let input = r#"{"xs":[1,2,3,4,5],"factor":7,"per":2}"#;
    // Two items a batch; the fixed BatchInput (a payload template on the state's input) first.
    assert_eq!(
        batched_map_output(r#"{"MaxItemsPerBatch":2,"BatchInput":{"f.$":"$.factor"}}"#, "", input),
        r#"[{"BatchInput":{"f":7},"Items":[1,2]},{"BatchInput":{"f":7},"Items":[3,4]},{"BatchInput":{"f":7},"Items":[5]}]"#
    );
    // ItemSelector shapes each item before it is batched; the count may come from a path.
    assert_eq!(
        batched_map_output(r#"{"MaxItemsPerBatchPath":"$.per"}"#, r#""ItemSelector":{"v.$":"$$.Map.Item.Value","i.$":"$$.Map.Item.Index"},"#, input),
        r#"[{"Items":[{"v":1,"i":0},{"v":2,"i":1}]},{"Items":[{"v":3,"i":2},{"v":4,"i":3}]},{"Items":[{"v":5,"i":4}]}]"#
    );
    // A byte limit counts the child's whole input: {"Items":[1,2,3]} is 17 characters.
    assert_eq!(batched_map_output(r#"{"MaxInputBytesPerBatch":17}"#, "", input), r#"[{"Items":[1,2,3]},{"Items":[4,5]}]"#);
    // An item larger than the byte limit still goes, alone.
    assert_eq!(
        batched_map_output(r#"{"MaxInputBytesPerBatch":15}"#, "", r#"{"xs":[1,"a long string",2]}"#),
        r#"[{"Items":[1]},{"Items":["a long string"]},{"Items":[2]}]"#
    );
}

#[test]
fn item_batcher_in_jsonata_and_its_errors() {
    let def = r#"{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":"{% $states.input.xs %}",
        "ItemBatcher":{"MaxItemsPerBatch":"{% $states.input.per %}","BatchInput":{"n":"{% $count($states.input.xs) %}"}},
        "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $count($states.input.Items) %}","End":true}}},"End":true}}}"#;
    let ex = run(def, r#"{"xs":["a","b","c"],"per":2}"#, ExecutionOptions::default(), |_| TaskAnswer::Never).unwrap();
    assert_eq!(ex.outcome().unwrap().output.as_ref().unwrap().to_json(), "[2,1]");
    // A count path that does not name an integer fails the state, as MaxConcurrencyPath does.
    let def = r#"{"StartAt":"M","States":{"M":{"Type":"Map","ItemBatcher":{"MaxItemsPerBatchPath":"$.per"},"ItemsPath":"$.xs",
        "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}"#;
    let ex = run(def, r#"{"xs":[1],"per":"many"}"#, ExecutionOptions::default(), |_| TaskAnswer::Never).unwrap();
    let o = ex.outcome().unwrap();
    assert_eq!(o.status, Status::Failed);
    assert_eq!(o.error.as_deref(), Some("States.Runtime"));
    assert!(o.cause.as_deref().unwrap().contains(r#"The MaxItemsPerBatchPath field refers to value "many" which is not a valid integer: $.per"#), "{:?}", o.cause);
}

// ---- ItemReader: a Distributed Map reading its items from S3 ----

/// A Distributed Map `M` whose items come from its `ItemReader` (given as JSON text), with an
/// item processor that passes each item on.
fn reader_machine(item_reader: &str, extra: &str) -> String {
    format!(
        r#"{{"StartAt":"M","States":{{"M":{{"Type":"Map","ItemReader":{item_reader},{extra}
            "ItemProcessor":{{"ProcessorConfig":{{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"}},"StartAt":"P","States":{{"P":{{"Type":"Pass","End":true}}}}}},"End":true}}}}}}"#
    )
}

/// Runs `definition` with `content` as what the reader of `M` reads; returns the execution and
/// the requests the reader got.
fn run_reading(definition: &str, input: &str, content: Option<asl_sim::Value>) -> (asl_sim::engine::Execution, Vec<asl_sim::engine::ReadRequest>) {
    use asl_sim::drivers::native::{run_with_reader, ReaderAnswer};
    let mut requests = Vec::new();
    let ex = run_with_reader(definition, input, ExecutionOptions::default(), |_| TaskAnswer::Never, |req| {
        requests.push(req.clone());
        content.clone().map(ReaderAnswer::Content)
    })
    .unwrap();
    (ex, requests)
}

fn output_json(ex: &asl_sim::engine::Execution) -> String {
    let o = ex.outcome().unwrap();
    assert_eq!(o.status, Status::Succeeded, "{:?} {:?}", o.error, o.cause);
    o.output.as_ref().unwrap().to_json()
}

const CSV_READER: &str = r#"{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW"},
    "Parameters":{"Bucket.$":"$.bucket","Key":"ratings.csv"}}"#;

#[test]
fn item_reader_csv_first_row_headers() {
    let def = reader_machine(CSV_READER, "");
    let (ex, requests) = run_reading(&def, r#"{"bucket":"my-bucket"}"#, Some(asl_sim::Value::string("name,stars\nAda,5\n\"Bob, Jr\",4\n")));
    assert_eq!(output_json(&ex), r#"[{"name":"Ada","stars":"5"},{"name":"Bob, Jr","stars":"4"}]"#);
    // The reader got its evaluated Parameters, keyed by the Map state's name.
    assert_eq!(requests.len(), 1);
    assert_eq!(&*requests[0].state_name, "M");
    assert_eq!(&*requests[0].resource, "arn:aws:states:::s3:getObject");
    assert_eq!(requests[0].input.to_json(), r#"{"Key":"ratings.csv","Bucket":"my-bucket"}"#);
    assert_eq!(requests[0].input_type.as_deref(), Some("CSV"));
    // AWS records no Task events for the read.
    assert!(!types(&ex).iter().any(|t| t.starts_with("Task")), "{:?}", types(&ex));
    assert_eq!(types(&ex), ["ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunSucceeded", "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"]);
}

#[test]
fn item_reader_csv_given_headers_delimiter_and_item_selector() {
    let reader = r#"{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"GIVEN","CSVHeaders":["id","city"],"CSVDelimiter":"SEMICOLON"},
        "Parameters":{"Bucket":"b","Key":"k"}}"#;
    let def = reader_machine(reader, r#""ItemSelector":{"row.$":"$$.Map.Item.Value","index.$":"$$.Map.Item.Index"},"#);
    let (ex, _) = run_reading(&def, "{}", Some(asl_sim::Value::string("1;Oslo\n2;Lima;extra\n3")));
    assert_eq!(
        output_json(&ex),
        r#"[{"index":0,"row":{"id":"1","city":"Oslo"}},{"index":1,"row":{"id":"2","city":"Lima"}},{"index":2,"row":{"id":"3","city":""}}]"#
    );
}

#[test]
fn item_reader_jsonl_and_json() {
    let jsonl = r#"{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSONL"},"Parameters":{"Bucket":"b","Key":"k.jsonl"}}"#;
    let (ex, _) = run_reading(&reader_machine(jsonl, ""), "{}", Some(asl_sim::Value::string("{\"a\":1}\n\n{\"a\":2}\n")));
    assert_eq!(output_json(&ex), r#"[{"a":1},{"a":2}]"#);
    let json = r#"{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket":"b","Key":"k.json"}}"#;
    // The object's text, or an array already parsed.
    let (ex, _) = run_reading(&reader_machine(json, ""), "{}", Some(asl_sim::Value::string(r#"[{"v":"x"},3]"#)));
    assert_eq!(output_json(&ex), r#"[{"v":"x"},3]"#);
    let (ex, _) = run_reading(&reader_machine(json, ""), "{}", Some(parse("[true]").unwrap()));
    assert_eq!(output_json(&ex), "[true]");
    // A JSON object that holds no array fails the Map.
    let (ex, _) = run_reading(&reader_machine(json, ""), "{}", Some(asl_sim::Value::string(r#"{"a":1}"#)));
    let o = ex.outcome().unwrap();
    assert_eq!((o.status, o.error.as_deref()), (Status::Failed, Some("States.ItemReaderFailed")));
}

#[test]
fn item_reader_list_objects_v2() {
    let reader = r#"{"Resource":"arn:aws:states:::s3:listObjectsV2","Parameters":{"Bucket":"b","Prefix":"in/"}}"#;
    let listing = parse(r#"{"Contents":[{"Key":"in/a.txt","ETag":"\"e1\"","LastModified":"2024-01-02T03:04:05Z","Size":3,"StorageClass":"STANDARD"},{"Key":"in/b.txt","Size":4}],"KeyCount":2}"#).unwrap();
    let (ex, requests) = run_reading(&reader_machine(reader, ""), "{}", Some(listing));
    assert_eq!(output_json(&ex), r#"[{"Etag":"\"e1\"","Key":"in/a.txt","LastModified":1704164645,"Size":3,"StorageClass":"STANDARD"},{"Key":"in/b.txt","Size":4}]"#);
    assert_eq!(requests[0].input.to_json(), r#"{"Bucket":"b","Prefix":"in/"}"#);
    assert_eq!(requests[0].input_type, None);
}

#[test]
fn item_reader_max_items_literal_path_and_jsonata() {
    let csv = asl_sim::Value::string("h\n1\n2\n3\n4\n");
    let with = |config: &str| format!(r#"{{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{{"InputType":"CSV",{config}}},"Parameters":{{"Bucket":"b","Key":"k"}}}}"#);
    let (ex, _) = run_reading(&reader_machine(&with(r#""MaxItems":2"#), ""), "{}", Some(csv.clone()));
    assert_eq!(output_json(&ex), r#"[{"h":"1"},{"h":"2"}]"#);
    // 0 sets no limit.
    let (ex, _) = run_reading(&reader_machine(&with(r#""MaxItems":0"#), ""), "{}", Some(csv.clone()));
    assert_eq!(output_json(&ex), r#"[{"h":"1"},{"h":"2"},{"h":"3"},{"h":"4"}]"#);
    let (ex, _) = run_reading(&reader_machine(&with(r#""MaxItemsPath":"$.max""#), ""), r#"{"max":3}"#, Some(csv.clone()));
    assert_eq!(output_json(&ex), r#"[{"h":"1"},{"h":"2"},{"h":"3"}]"#);
    let (ex, _) = run_reading(&reader_machine(&with(r#""MaxItemsPath":"$.max""#), ""), r#"{"max":-1}"#, Some(csv.clone()));
    assert_eq!(ex.outcome().unwrap().error.as_deref(), Some("States.ItemReaderFailed"));
    let jsonata = r#"{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","ItemReader":{"Resource":"arn:aws:states:::s3:getObject",
        "ReaderConfig":{"InputType":"CSV","MaxItems":"{% $states.input.max %}"},"Arguments":{"Bucket":"{% $states.input.bucket %}","Key":"k"}},
        "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}"#;
    let (ex, requests) = run_reading(jsonata, r#"{"max":1,"bucket":"jb"}"#, Some(csv));
    assert_eq!(output_json(&ex), r#"[{"h":"1"}]"#);
    assert_eq!(requests[0].input.to_json(), r#"{"Bucket":"jb","Key":"k"}"#);
}

#[test]
fn item_reader_without_content_fails_with_item_reader_failed() {
    // `run` answers no reads: the Map fails with AWS's error, and the cause says what to do.
    let def = reader_machine(CSV_READER, "");
    let ex = run(&def, r#"{"bucket":"b"}"#, ExecutionOptions::default(), |_| TaskAnswer::Never).unwrap();
    let o = ex.outcome().unwrap();
    assert_eq!((o.status, o.error.as_deref()), (Status::Failed, Some("States.ItemReaderFailed")));
    let cause = o.cause.as_deref().unwrap();
    assert!(cause.contains("Map state 'M'") && cause.contains("run_with_reader") && cause.contains("CSV"), "{cause}");
    assert!(!cause.contains("must be an array"), "{cause}");
    assert_eq!(types(&ex), ["ExecutionStarted", "MapStateEntered", "MapStateFailed", "ExecutionFailed"]);
}

#[test]
fn item_reader_failure_is_seen_by_retry_and_catch() {
    use asl_sim::drivers::native::{run_with_reader, ReaderAnswer};
    let def = reader_machine(
        CSV_READER,
        r#""Retry":[{"ErrorEquals":["States.ItemReaderFailed"],"MaxAttempts":1,"IntervalSeconds":1}],
           "Catch":[{"ErrorEquals":["States.ItemReaderFailed"],"ResultPath":"$.error","Next":"Done"}],"#,
    )
    .replace(r#""End":true}}}"#, r#""End":true},"Done":{"Type":"Pass","End":true}}}"#);
    let mut calls = 0;
    let ex = run_with_reader(&def, r#"{"bucket":"b"}"#, ExecutionOptions::default(), |_| TaskAnswer::Never, |_| {
        calls += 1;
        Some(ReaderAnswer::Failure("S3.NoSuchKey: The specified key does not exist.".into()))
    })
    .unwrap();
    assert_eq!(calls, 2);
    assert_eq!(output_json(&ex), r#"{"bucket":"b","error":{"Error":"States.ItemReaderFailed","Cause":"S3.NoSuchKey: The specified key does not exist."}}"#);
}

#[test]
fn item_reader_with_bad_settings_fails_before_reading() {
    // A reader that cannot work fails before anything is read.
    let bad = r#"{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"GIVEN"},"Parameters":{"Bucket":"b","Key":"k"}}"#;
    let (ex, requests) = run_reading(&reader_machine(bad, ""), "{}", Some(asl_sim::Value::string("a")));
    assert!(requests.is_empty());
    let o = ex.outcome().unwrap();
    assert_eq!(o.error.as_deref(), Some("States.ItemReaderFailed"));
    assert!(o.cause.as_deref().unwrap().contains("CSVHeaders"));
}

/// A Distributed Map whose failed child executions exceed its tolerated failures (none when
/// it names none) fails with States.ExceedToleratedFailureThreshold, which its Catch sees;
/// within the tolerance it succeeds; an inline Map without one fails with the item's error.
#[test]
fn a_map_over_its_failure_tolerance_fails_with_exceed_tolerated_failure_threshold() {
    let machine = |mode: &str, tolerance: &str| {
        format!(
            r#"{{"StartAt":"M","States":{{
            "M":{{"Type":"Map",{tolerance}"ItemProcessor":{{"ProcessorConfig":{{"Mode":"{mode}","ExecutionType":"STANDARD"}},"StartAt":"T",
                 "States":{{"T":{{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}}}},
                 "Catch":[{{"ErrorEquals":["States.ExceedToleratedFailureThreshold"],"ResultPath":"$","Next":"Over"}}],"End":true}},
            "Over":{{"Type":"Pass","End":true}}}}}}"#
        )
    };
    let answer = |req: &asl_sim::engine::TaskRequest| {
        if req.input.as_str() == Some("bad") {
            TaskAnswer::Failure { error: "Item.Bad".into(), cause: Some("bad item".into()) }
        } else {
            TaskAnswer::Success(req.input.clone())
        }
    };
    let outcome = |def: &str| {
        let ex = run(def, r#"[1,"bad",3,4]"#, ExecutionOptions::default(), answer).unwrap();
        let o = ex.outcome().unwrap();
        (o.status, o.output.as_ref().map(|v| v.to_json()), o.error.as_deref().map(String::from))
    };
    let over = r#"{"Error":"States.ExceedToleratedFailureThreshold","Cause":"The specified tolerated failure threshold was exceeded"}"#;
    for tolerance in ["", r#""ToleratedFailureCount":0,"#, r#""ToleratedFailurePercentage":20,"#] {
        assert_eq!(outcome(&machine("DISTRIBUTED", tolerance)), (Status::Succeeded, Some(over.to_string()), None), "{tolerance}");
    }
    assert_eq!(outcome(&machine("DISTRIBUTED", r#""ToleratedFailurePercentage":25,"#)).0, Status::Succeeded);
    let inline = machine("INLINE", "").replace(r#","ExecutionType":"STANDARD""#, "");
    assert_eq!(outcome(&inline), (Status::Failed, None, Some("Item.Bad".into())));
}

/// A Distributed Map over the input with `writer` as its ResultWriter; the item processor
/// fails an item `{"fail": true}` and returns `[item, item]` for the others.
fn writer_machine(writer: &str, extra: &str) -> String {
    format!(
        r#"{{"StartAt":"M","States":{{"M":{{"Type":"Map","ResultWriter":{writer},{extra}
            "ItemProcessor":{{"ProcessorConfig":{{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"}},"StartAt":"C","States":{{
              "C":{{"Type":"Choice","Choices":[{{"Variable":"$.n.fail","IsPresent":true,"Next":"F"}}],"Default":"P"}},
              "F":{{"Type":"Fail","Error":"Boom","Cause":"item failed"}},
              "P":{{"Type":"Pass","Parameters":{{"pair.$":"States.Array($.n, $.n)"}},"OutputPath":"$.pair","End":true}}}}}},"End":true}}}}}}"#
    )
}

/// Runs `definition`, collecting the writes (`fail`: the cause every write fails with).
fn run_writing(definition: &str, input: &str, fail: Option<&str>) -> (asl_sim::engine::Execution, Vec<asl_sim::engine::WriteRequest>) {
    use asl_sim::drivers::native::run_with_io;
    let mut writes = Vec::new();
    let ex = run_with_io(definition, input, ExecutionOptions::default(), |_| TaskAnswer::Never, |_| None, |req| {
        writes.push(req.clone());
        fail.map_or(Ok(()), |c| Err(c.to_string()))
    })
    .unwrap();
    (ex, writes)
}

#[test]
fn a_labelled_distributed_map_names_its_map_run_after_the_label() {
    // AWS: "For each Map Run, Step Functions adds the label to the Map Run ARN", as it does to the
    // child executions' ARNs (mapRun:<machine>/<Label>:<id>).
    let def = writer_machine(S3_WRITER, r#""Label":"Resize","ItemsPath":"$.items","ItemSelector":{"n.$":"$$.Map.Item.Value"},"#);
    let (ex, writes) = run_writing(&def, r#"{"bucket":"out","items":[1]}"#, None);
    let out = parse(&output_json(&ex)).unwrap();
    let arn = out.get("MapRunArn").and_then(|v| v.as_str()).unwrap().to_string();
    assert!(arn.contains(":mapRun:") && arn.contains("/Resize:"), "{arn}");
    let started = ex.history().iter().find(|e| e.kind() == "MapRunStarted").unwrap();
    assert!(format!("{started:?}").contains("/Resize:"), "{started:?}");
    let record = parse(&writes[0].files[0].2).unwrap();
    let child = record.as_array().unwrap()[0].get("ExecutionArn").and_then(|v| v.as_str()).unwrap().to_string();
    assert!(child.contains("/Resize:"), "{child}");
}

#[test]
fn a_distributed_child_sees_its_own_execution_in_the_context_object() {
    // AWS runs each iteration of a distributed Map as a child execution of its own: its
    // `$$.Execution` is that execution's (its ARN, its input, its name), not the parent's; an
    // inline Map's iterations stay in the parent's execution.
    let def = r#"{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","ItemSelector":{"prefix.$":"$$.Map.Item.Value"},"Label":"PerPrefix",
      "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{
        "P":{"Type":"Pass","Parameters":{"prefix.$":"$$.Execution.Input.prefix","id.$":"$$.Execution.Id","name.$":"$$.Execution.Name"},"Next":"I"},
        "I":{"Type":"Map","ItemsPath":"$$.Execution.Input.prefix","ItemProcessor":{"StartAt":"Q","States":{"Q":{"Type":"Pass","Parameters":{"id.$":"$$.Execution.Id"},"End":true}}},"ResultPath":"$.inner","End":true}}},
      "ResultWriter":{"WriterConfig":{"Transformation":"NONE"}},"End":true}}}"#;
    let ex = run(def, r#"{"items":[["a"],["b","c"]]}"#, ExecutionOptions::default(), |_| TaskAnswer::Never).unwrap();
    let out = parse(&output_json(&ex)).unwrap();
    let records = out.as_array().unwrap();
    assert_eq!(records.len(), 2);
    for (record, prefix) in records.iter().zip([r#"["a"]"#, r#"["b","c"]"#]) {
        let arn = record.get("ExecutionArn").and_then(|v| v.as_str()).unwrap();
        let name = record.get("Name").and_then(|v| v.as_str()).unwrap();
        assert!(arn.contains(":execution:") && arn.contains("/PerPrefix:") && arn.ends_with(name), "{arn}");
        let output = parse(record.get("Output").and_then(|v| v.as_str()).unwrap()).unwrap();
        assert_eq!(output.get("prefix").unwrap().to_json(), prefix);
        assert_eq!(output.get("id").and_then(|v| v.as_str()), Some(arn));
        assert_eq!(output.get("name").and_then(|v| v.as_str()), Some(name));
        // The inline Map inside the child is part of the child execution.
        for inner in output.get("inner").unwrap().as_array().unwrap().iter() {
            assert_eq!(inner.get("id").and_then(|v| v.as_str()), Some(arn));
        }
    }
}

const S3_WRITER: &str = r#"{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket.$":"$.bucket","Prefix":"jobs/"}}"#;

#[test]
fn result_writer_exports_the_results_and_outputs_the_manifest_location() {
    let def = writer_machine(S3_WRITER, r#""ItemsPath":"$.items","ItemSelector":{"n.$":"$$.Map.Item.Value"},"#);
    let (ex, writes) = run_writing(&def, r#"{"bucket":"out","items":[1,2]}"#, None);
    let out = parse(&output_json(&ex)).unwrap();
    let arn = out.get("MapRunArn").and_then(|v| v.as_str()).unwrap().to_string();
    assert!(arn.contains(":mapRun:"), "{arn}");
    let run_id = arn.rsplit(':').next().unwrap();
    let manifest_key = format!("jobs/{run_id}/manifest.json");
    assert_eq!(out.get("ResultWriterDetails").unwrap().to_json(), format!(r#"{{"Bucket":"out","Key":"{manifest_key}"}}"#));
    assert_eq!(writes.len(), 1);
    let w = &writes[0];
    assert_eq!((&*w.state_name, &*w.resource), ("M", "arn:aws:states:::s3:putObject"));
    assert_eq!(w.input.to_json(), r#"{"Prefix":"jobs/","Bucket":"out"}"#);
    // SUCCEEDED_0.json, then the manifest; no FAILED file when nothing failed.
    let keys: Vec<&str> = w.files.iter().map(|f| &*f.1).collect();
    assert_eq!(keys, [format!("jobs/{run_id}/SUCCEEDED_0.json"), manifest_key.clone()]);
    assert!(w.files.iter().all(|f| &*f.0 == "out"));
    // With no WriterConfig the transformation is NONE: each child's execution record.
    let succeeded = parse(&w.files[0].2).unwrap();
    let records = succeeded.as_array().unwrap();
    assert_eq!(records.len(), 2);
    let first = &records[0];
    assert_eq!(first.get("Input").and_then(|v| v.as_str()), Some(r#"{"n":1}"#));
    assert_eq!(first.get("Output").and_then(|v| v.as_str()), Some("[1,1]"));
    assert_eq!(first.get("Status").and_then(|v| v.as_str()), Some("SUCCEEDED"));
    assert_eq!(first.get("InputDetails").unwrap().to_json(), r#"{"Included":true}"#);
    assert!(first.get("ExecutionArn").and_then(|v| v.as_str()).unwrap().contains(":execution:"));
    // The child executions' machine is the Map's: the parent's, then `/` and the Map's label.
    assert!(first.get("StateMachineArn").and_then(|v| v.as_str()).unwrap().ends_with("/M"));
    for k in ["Name", "RedriveCount", "RedriveStatus", "StartDate", "StopDate"] {
        assert!(first.get(k).is_some(), "{k} missing: {}", first.to_json());
    }
    let manifest = parse(&w.files[1].2).unwrap();
    assert_eq!(manifest.get("DestinationBucket").and_then(|v| v.as_str()), Some("out"));
    assert_eq!(manifest.get("MapRunArn").and_then(|v| v.as_str()), Some(arn.as_str()));
    let files = manifest.get("ResultFiles").unwrap();
    assert_eq!(files.get("FAILED").unwrap().to_json(), "[]");
    assert_eq!(files.get("PENDING").unwrap().to_json(), "[]");
    assert_eq!(files.get("SUCCEEDED").unwrap().to_json(), format!(r#"[{{"Key":"jobs/{run_id}/SUCCEEDED_0.json","Size":{}}}]"#, w.files[0].2.len()));
    assert_eq!(types(&ex), ["ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunSucceeded", "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"]);
}

#[test]
fn result_writer_transformations_and_jsonl() {
    let config = |t: &str, o: &str| format!(r#"{{"Resource":"arn:aws:states:::s3:putObject","Parameters":{{"Bucket":"b"}},"WriterConfig":{{"Transformation":"{t}","OutputType":"{o}"}}}}"#);
    let extra = r#""ItemSelector":{"n.$":"$$.Map.Item.Value"},"ToleratedFailureCount":1,"#;
    let input = r#"[1,{"fail":true},3]"#;
    // COMPACT: the outputs; the failed child is a record in FAILED_0.json.
    let (_, writes) = run_writing(&writer_machine(&config("COMPACT", "JSON"), extra), input, None);
    let files = &writes[0].files;
    assert_eq!(files.len(), 3);
    assert!(files[0].1.ends_with("/SUCCEEDED_0.json") && !files[0].1.starts_with('/'), "{}", files[0].1);
    assert_eq!(&*files[0].2, "[[1,1],[3,3]]");
    assert!(files[1].1.ends_with("/FAILED_0.json"));
    let failed = parse(&files[1].2).unwrap();
    let record = &failed.as_array().unwrap()[0];
    assert_eq!(record.get("Status").and_then(|v| v.as_str()), Some("FAILED"));
    assert_eq!(record.get("Error").and_then(|v| v.as_str()), Some("Boom"));
    assert_eq!(record.get("Cause").and_then(|v| v.as_str()), Some("item failed"));
    assert!(record.get("Output").is_none());
    let manifest = parse(&files[2].2).unwrap();
    assert_eq!(manifest.get("ResultFiles").unwrap().get("FAILED").unwrap().as_array().unwrap().len(), 1);
    // FLATTEN spreads array outputs; JSONL writes one per line.
    let (_, writes) = run_writing(&writer_machine(&config("FLATTEN", "JSONL"), extra), input, None);
    assert_eq!(&*writes[0].files[0].2, "1\n1\n3\n3\n");
}

#[test]
fn result_writer_config_alone_shapes_the_output_and_writes_nothing() {
    let writer = r#"{"WriterConfig":{"Transformation":"FLATTEN","OutputType":"JSON"}}"#;
    let (ex, writes) = run_writing(&writer_machine(writer, r#""ItemSelector":{"n.$":"$$.Map.Item.Value"},"#), "[1,2]", None);
    assert!(writes.is_empty());
    assert_eq!(output_json(&ex), "[1,1,2,2]");
}

#[test]
fn result_writer_failures_fail_the_map_with_result_writer_failed() {
    let extra = r#""ItemSelector":{"n.$":"$$.Map.Item.Value"},"#;
    // The driver could not write.
    let (ex, _) = run_writing(&writer_machine(S3_WRITER, &format!(r#""ItemsPath":"$.items",{extra}"#)), r#"{"bucket":"b","items":[1]}"#, Some("Access Denied"));
    let o = ex.outcome().unwrap();
    assert_eq!(o.status, Status::Failed);
    assert_eq!(o.error.as_deref(), Some("States.ResultWriterFailed"));
    assert_eq!(o.cause.as_deref(), Some("Access Denied"));
    assert!(types(&ex).contains(&"MapRunFailed"), "{:?}", types(&ex));
    // No Bucket, an empty writer, an unknown transformation: no write is asked for.
    for (writer, says) in [
        (r#"{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Prefix":"p"}}"#, "Bucket"),
        ("{}", "cannot be empty"),
        (r#"{"WriterConfig":{"Transformation":"SQUASH"}}"#, "SQUASH"),
    ] {
        let (ex, writes) = run_writing(&writer_machine(writer, extra), "[1]", None);
        assert!(writes.is_empty());
        let o = ex.outcome().unwrap();
        assert_eq!(o.error.as_deref(), Some("States.ResultWriterFailed"), "{writer}");
        assert!(o.cause.as_deref().unwrap().contains(says), "{:?}", o.cause);
    }
    // Catch sees it.
    let def = r#"{"StartAt":"M","States":{"M":{"Type":"Map","ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"b"}},
        "ItemsPath":"$.items","Catch":[{"ErrorEquals":["States.ResultWriterFailed"],"ResultPath":"$.error","Next":"Caught"}],
        "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"Next":"Caught"},
        "Caught":{"Type":"Pass","End":true}}}"#;
    let (ex, _) = run_writing(def, r#"{"items":[1]}"#, Some("Slow Down"));
    assert_eq!(output_json(&ex), r#"{"items":[1],"error":{"Error":"States.ResultWriterFailed","Cause":"Slow Down"}}"#);
}

#[test]
fn result_writer_exports_a_failed_map_run_with_its_failed_aborted_and_pending_children() {
    let def = r#"{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":2,
        "ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"b"},"WriterConfig":{"Transformation":"COMPACT"}},
        "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"C","States":{
          "C":{"Type":"Choice","Choices":[{"Variable":"$.fail","IsPresent":true,"Next":"F"},{"Variable":"$.wait","IsPresent":true,"Next":"W"}],"Default":"P"},
          "W":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:slow","End":true},
          "F":{"Type":"Fail","Error":"Boom","Cause":"item failed"},
          "P":{"Type":"Pass","End":true}}},"End":true}}}"#;
    let (ex, writes) = run_writing(def, r#"[{"wait":true},{"fail":true},3,4]"#, None);
    let o = ex.outcome().unwrap();
    assert_eq!(o.status, Status::Failed);
    assert_eq!(o.error.as_deref(), Some("States.ExceedToleratedFailureThreshold"));
    assert_eq!(writes.len(), 1);
    let names: Vec<&str> = writes[0].files.iter().map(|f| f.1.rsplit('/').next().unwrap()).collect();
    assert_eq!(names, ["FAILED_0.json", "PENDING_0.json", "manifest.json"]);
    let failed = parse(&writes[0].files[0].2).unwrap();
    let statuses: Vec<&str> = failed.as_array().unwrap().iter().map(|r| r.get("Status").and_then(|v| v.as_str()).unwrap()).collect();
    assert_eq!(statuses, ["ABORTED", "FAILED"]);
    assert_eq!(&*writes[0].files[1].2, r#"[{"Input":"3"},{"Input":"4"}]"#);
    let manifest = parse(&writes[0].files[2].2).unwrap();
    assert_eq!(manifest.get("ResultFiles").unwrap().get("PENDING").unwrap().as_array().unwrap().len(), 1);
    assert_eq!(types(&ex)[types(&ex).len() - 3..], ["MapRunFailed", "MapStateFailed", "ExecutionFailed"]);
}

#[test]
fn result_writer_in_jsonata_takes_its_bucket_and_prefix_from_arguments() {
    let def = r#"{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":"{% $states.input.files %}",
        "ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Arguments":{"Bucket":"{% $states.input.bucket %}","Prefix":"{% 'runs/' & $states.input.day %}"}},
        "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $uppercase($states.input) %}","End":true}}},
        "Output":"{% $states.result.ResultWriterDetails %}","End":true}}}"#;
    let (ex, writes) = run_writing(def, r#"{"bucket":"bk","day":"mon","files":["a"]}"#, None);
    let out = parse(&output_json(&ex)).unwrap();
    assert_eq!(out.get("Bucket").and_then(|v| v.as_str()), Some("bk"));
    let key = out.get("Key").and_then(|v| v.as_str()).unwrap();
    assert!(key.starts_with("runs/mon/") && key.ends_with("/manifest.json"), "{key}");
    assert_eq!(writes[0].input.to_json(), r#"{"Bucket":"bk","Prefix":"runs/mon"}"#);
    let record = parse(&writes[0].files[0].2).unwrap();
    assert_eq!(record.as_array().unwrap()[0].get("Output").and_then(|v| v.as_str()), Some(r#""A""#));
}
