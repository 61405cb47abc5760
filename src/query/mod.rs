//! Everything that reads or builds JSON values inside a state: JSONPath paths, payload
//! templates (`.$` keys), intrinsic functions (`States.*`), and (later) JSONata.
//!
//! The engine hands a `Scope` (what `$`, `$$` and `$name` mean right now) and gets back a
//! value or a `QueryError` carrying AWS's error name and the detail text that AWS puts after
//! "An error occurred while executing the state '...' (entered at the event id #N). ".

use crate::value::Value;

pub mod path;
pub mod digest;
pub mod intrinsics;
pub mod regex;
pub mod template;
pub mod timestamp;

/// What a query can read: the state's input (`$`), the context object (`$$`) and workflow
/// variables (`$name`).
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    pub input: &'a Value,
    pub context: &'a Value,
    pub variables: Option<&'a dyn Variables>,
}

impl<'a> Scope<'a> {
    pub fn new(input: &'a Value, context: &'a Value) -> Scope<'a> {
        Scope { input, context, variables: None }
    }
}

/// Read access to workflow variables (`Assign`), resolved innermost scope first.
pub trait Variables {
    fn get(&self, name: &str) -> Option<Value>;
}

/// A query failed at run time.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryError {
    /// AWS error name, e.g. `States.Runtime`, `States.IntrinsicFailure`.
    pub error: &'static str,
    /// The detail AWS gives, without the "An error occurred while executing the state" prefix.
    pub message: String,
    /// The field whose expression failed (`Arguments/FunctionName`, `Items`, ...): AWS's
    /// EvaluationFailed event names it as its `location`.
    pub location: Option<String>,
}

impl QueryError {
    pub fn new(error: &'static str, message: impl Into<String>) -> QueryError {
        QueryError { error, message: message.into(), location: None }
    }

    /// The error, located at a field.
    pub fn at(mut self, field: &str) -> QueryError {
        self.location = Some(field.to_string());
        self
    }

    pub fn runtime(message: impl Into<String>) -> QueryError {
        QueryError::new("States.Runtime", message)
    }
}

/// The JSONata 2.0 evaluator used by JSONata-mode states.
pub mod jsonata;
pub mod jsonata_value;
