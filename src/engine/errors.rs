//! Errors as AWS names them, and which Retry/Catch clauses they match.

use crate::value::Value;
use std::rc::Rc;

/// The predefined error names.
pub mod names {
    pub const ALL: &str = "States.ALL";
    pub const HEARTBEAT_TIMEOUT: &str = "States.HeartbeatTimeout";
    pub const TIMEOUT: &str = "States.Timeout";
    pub const TASK_FAILED: &str = "States.TaskFailed";
    pub const PERMISSIONS: &str = "States.Permissions";
    pub const RESULT_PATH_MATCH_FAILURE: &str = "States.ResultPathMatchFailure";
    pub const PARAMETER_PATH_FAILURE: &str = "States.ParameterPathFailure";
    pub const QUERY_EVALUATION_ERROR: &str = "States.QueryEvaluationError";
    pub const BRANCH_FAILED: &str = "States.BranchFailed";
    pub const NO_CHOICE_MATCHED: &str = "States.NoChoiceMatched";
    pub const INTRINSIC_FAILURE: &str = "States.IntrinsicFailure";
    pub const EXCEED_TOLERATED_FAILURE_THRESHOLD: &str = "States.ExceedToleratedFailureThreshold";
    pub const ITEM_READER_FAILED: &str = "States.ItemReaderFailed";
    pub const RESULT_WRITER_FAILED: &str = "States.ResultWriterFailed";
    pub const DATA_LIMIT_EXCEEDED: &str = "States.DataLimitExceeded";
    pub const RUNTIME: &str = "States.Runtime";
}

/// A failed state, task or execution: AWS's error name and cause text.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub error: Rc<str>,
    pub cause: Option<Rc<str>>,
}

impl Failure {
    pub fn new(error: impl Into<Rc<str>>, cause: Option<impl Into<Rc<str>>>) -> Failure {
        Failure { error: error.into(), cause: cause.map(Into::into) }
    }

    pub fn with_cause(error: impl Into<Rc<str>>, cause: impl Into<Rc<str>>) -> Failure {
        Failure { error: error.into(), cause: Some(cause.into()) }
    }

    /// Errors that end the execution whatever Retry or Catch say.
    pub fn is_terminal(&self) -> bool {
        &*self.error == names::RUNTIME
    }

    /// What a Catch (or a Map item within its tolerated failures) passes on:
    /// `{"Error", "Cause"}`, null where there is none. A task that timed out has no cause in
    /// its events, yet AWS hands on `"Cause": ""` for it.
    pub fn error_output(&self) -> Value {
        let error = if self.error.is_empty() { Value::Null } else { Value::String(self.error.clone()) };
        let cause = match &self.cause {
            Some(c) => Value::String(c.clone()),
            None if &*self.error == names::TIMEOUT => Value::String(Rc::from("")),
            None => Value::Null,
        };
        Value::from_pairs([("Error", error), ("Cause", cause)])
    }
}

/// Where a failure arose, which decides what the wildcards match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The state itself: its input, paths, output, or a failure passed up from a branch.
    State,
    /// A task's call: what the handler or mock failed with, or a result over the payload
    /// limit. AWS records that `States.ALL` catches a `States.DataLimitExceeded` of this kind
    /// (as a task failure), though it documents the error as out of the wildcards' reach.
    TaskCall,
    /// A task whose heartbeat ran out (`HeartbeatSeconds`): it fails with `States.Timeout`,
    /// which `States.HeartbeatTimeout` matches as well, as AWS documents that name for Retry
    /// and Catch. A task that ran past `TimeoutSeconds` is not matched by it.
    HeartbeatTimeout,
}

/// Does an `ErrorEquals` list match this error? As AWS documents it: `States.ALL` matches
/// every error except the terminal `States.Runtime` and `States.DataLimitExceeded`;
/// `States.TaskFailed` is a wildcard too, except that it does not match `States.Timeout`.
/// A `States.DataLimitExceeded` that a task's call failed with is an ordinary error (see
/// `Origin::TaskCall`); `States.HeartbeatTimeout` matches a heartbeat's timeout (see
/// `Origin::HeartbeatTimeout`).
pub fn error_matches(error_equals: &[Rc<str>], error: &str, origin: Origin) -> bool {
    let out_of_reach = error == names::RUNTIME || (error == names::DATA_LIMIT_EXCEEDED && origin == Origin::State);
    error_equals.iter().any(|e| match &**e {
        names::ALL => !out_of_reach,
        names::TASK_FAILED => error != names::TIMEOUT && !out_of_reach,
        names::HEARTBEAT_TIMEOUT if origin == Origin::HeartbeatTimeout => true,
        other => other == error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(v: &[&str]) -> Vec<Rc<str>> {
        v.iter().map(|s| Rc::from(*s)).collect()
    }

    #[test]
    fn matching_rules() {
        assert!(error_matches(&list(&["States.ALL"]), "Lambda.Unknown", Origin::State));
        assert!(error_matches(&list(&["States.ALL"]), "States.Timeout", Origin::State));
        assert!(!error_matches(&list(&["States.ALL"]), "States.Runtime", Origin::State));
        assert!(error_matches(&list(&["States.TaskFailed"]), "CustomError", Origin::State));
        assert!(!error_matches(&list(&["States.TaskFailed"]), "States.Timeout", Origin::State));
        assert!(error_matches(&list(&["A", "B"]), "B", Origin::State));
        assert!(!error_matches(&list(&["A"]), "a", Origin::State));
        // A result over the payload limit fails the task's call: the wildcards reach it there,
        // and only there; States.Runtime stays out of reach wherever it arose.
        let limit = "States.DataLimitExceeded";
        assert!(!error_matches(&list(&["States.ALL"]), limit, Origin::State));
        assert!(!error_matches(&list(&["States.TaskFailed"]), limit, Origin::State));
        assert!(error_matches(&list(&[limit]), limit, Origin::State));
        assert!(error_matches(&list(&["States.ALL"]), limit, Origin::TaskCall));
        assert!(error_matches(&list(&["States.TaskFailed"]), limit, Origin::TaskCall));
        assert!(!error_matches(&list(&["States.ALL"]), "States.Runtime", Origin::TaskCall));
        // A heartbeat's timeout is a States.Timeout that States.HeartbeatTimeout names too;
        // a TimeoutSeconds timeout is not.
        let timeout = "States.Timeout";
        assert!(error_matches(&list(&["States.HeartbeatTimeout"]), timeout, Origin::HeartbeatTimeout));
        assert!(error_matches(&list(&[timeout]), timeout, Origin::HeartbeatTimeout));
        assert!(error_matches(&list(&["States.ALL"]), timeout, Origin::HeartbeatTimeout));
        assert!(!error_matches(&list(&["States.TaskFailed"]), timeout, Origin::HeartbeatTimeout));
        assert!(!error_matches(&list(&["States.HeartbeatTimeout"]), timeout, Origin::TaskCall));
    }

    #[test]
    fn error_outputs() {
        let text = |f: Failure| f.error_output().to_json();
        assert_eq!(text(Failure::with_cause("E", "why")), r#"{"Error":"E","Cause":"why"}"#);
        assert_eq!(text(Failure::new("E", None::<String>)), r#"{"Error":"E","Cause":null}"#);
        assert_eq!(text(Failure::new("", None::<String>)), r#"{"Error":null,"Cause":null}"#);
        assert_eq!(text(Failure::new(names::TIMEOUT, None::<String>)), r#"{"Error":"States.Timeout","Cause":""}"#);
    }
}
