//! Text -> typed model, and everything that can be said about a definition before it runs.

pub mod choice;
pub mod diagnostic;

pub use diagnostic::{Diagnostic, Diagnostics, Severity};
