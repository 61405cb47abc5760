//! What can be said about a definition before it runs, in the shape of AWS's
//! `ValidateStateMachineDefinition` diagnostics, plus where it stands in the source text.

use crate::value::{Positions, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "ERROR",
            Severity::Warning => "WARNING",
        }
    }
}

/// AWS diagnostic codes used here.
pub mod codes {
    pub const SCHEMA_VALIDATION_FAILED: &str = "SCHEMA_VALIDATION_FAILED";
    pub const INVALID_JSON_DESCRIPTION: &str = "INVALID_JSON_DESCRIPTION";
    pub const MISSING_TRANSITION_TARGET: &str = "MISSING_TRANSITION_TARGET";
    pub const NO_TERMINAL_STATE: &str = "NO_TERMINAL_STATE";
    pub const UNREACHABLE_STATE: &str = "UNREACHABLE_STATE";
    pub const DUPLICATE_STATE_NAME: &str = "DUPLICATE_STATE_NAME";
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    /// JSON pointer of the offending field, as AWS reports it (`/States/A/Next`).
    pub location: String,
    /// Where it stands in the source text, once resolved against positions.
    pub span: Option<Span>,
    /// 1-based start and end (line, column); 0 when unknown.
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Diagnostic {
    pub fn error(code: &'static str, location: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            location: location.into(),
            span: None,
            line: 0,
            column: 0,
            end_line: 0,
            end_column: 0,
        }
    }

    pub fn warning(code: &'static str, location: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, location, message) }
    }

    /// Fills span, line and column from the positions of the parsed text.
    pub fn resolve(&mut self, positions: &Positions) {
        let span = positions.locate(&self.location);
        let (line, column) = positions.line_column(span.start);
        let (end_line, end_column) = positions.line_column(span.end);
        self.span = Some(span);
        self.line = line;
        self.column = column;
        self.end_line = end_line;
        self.end_column = end_column;
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} at {}", self.code, self.message, if self.location.is_empty() { "/" } else { &self.location })
    }
}

/// Collects diagnostics while a definition is parsed, so that one pass reports every problem.
#[derive(Default)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn error(&mut self, code: &'static str, location: &str, message: impl Into<String>) {
        self.items.push(Diagnostic::error(code, location, message));
    }

    /// A schema error, the most common kind.
    pub fn schema(&mut self, location: &str, message: impl Into<String>) {
        self.error(codes::SCHEMA_VALIDATION_FAILED, location, message);
    }

    pub fn warning(&mut self, code: &'static str, location: &str, message: impl Into<String>) {
        self.items.push(Diagnostic::warning(code, location, message));
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }
}
