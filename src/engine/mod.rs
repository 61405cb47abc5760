//! The sans-IO interpreter: an `Execution` consumes completions and emits commands; it owns
//! the history and the (virtual) clock, and knows nothing of JavaScript, time or IO.

pub mod api_shapes;
pub mod choice;
pub mod context;
pub mod errors;
pub mod execution;
pub mod history;
pub mod test_state;
pub mod trace;
mod states;
pub mod variables;

pub use errors::Failure;
pub use execution::{ClockMode, Command, Completion, Execution, ExecutionOptions, Limits, Outcome, ReadRequest, Status, TaskRequest, WriteRequest};
pub use history::{Event, History};
pub use trace::StateTrace;
