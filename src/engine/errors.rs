//! Errors as AWS names them, and which Retry/Catch clauses they match.

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
}

/// Does an `ErrorEquals` list match this error? As AWS documents it: `States.ALL` matches
/// every error except the terminal `States.Runtime` and `States.DataLimitExceeded`;
/// `States.TaskFailed` is a wildcard too, except that it does not match `States.Timeout`.
pub fn error_matches(error_equals: &[Rc<str>], error: &str) -> bool {
    error_equals.iter().any(|e| match &**e {
        names::ALL => error != names::RUNTIME && error != names::DATA_LIMIT_EXCEEDED,
        names::TASK_FAILED => error != names::TIMEOUT && error != names::RUNTIME && error != names::DATA_LIMIT_EXCEEDED,
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
        assert!(error_matches(&list(&["States.ALL"]), "Lambda.Unknown"));
        assert!(error_matches(&list(&["States.ALL"]), "States.Timeout"));
        assert!(!error_matches(&list(&["States.ALL"]), "States.Runtime"));
        assert!(error_matches(&list(&["States.TaskFailed"]), "CustomError"));
        assert!(!error_matches(&list(&["States.TaskFailed"]), "States.Timeout"));
        assert!(error_matches(&list(&["A", "B"]), "B"));
        assert!(!error_matches(&list(&["A"]), "a"));
    }
}
