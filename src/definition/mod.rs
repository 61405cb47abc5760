//! Text -> typed model, and everything that can be said about a definition before it runs.

pub mod choice;
pub mod diagnostic;
pub mod model;
pub mod parse;
pub mod resource;
pub mod source;
pub mod validate;

pub use diagnostic::{Diagnostic, Diagnostics, Severity};
pub use model::{MachineType, QueryLanguage, State, StateKind, StateMachine, States};
pub use parse::{parse_definition, parse_definition_source, parse_definition_text, Parsed};
pub use source::{parse_source, SourceFormat};
pub use validate::{invalid_definition_message, is_valid, validate, ValidateOptions};
