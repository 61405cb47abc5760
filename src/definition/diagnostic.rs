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
/// (`ValidateStateMachineDefinitionDiagnostic` in the API reference lists them.)
pub mod codes {
    // Errors.
    pub const INVALID_JSON_DESCRIPTION: &str = "INVALID_JSON_DESCRIPTION";
    pub const MISSING_DESCRIPTION: &str = "MISSING_DESCRIPTION";
    pub const SCHEMA_VALIDATION_FAILED: &str = "SCHEMA_VALIDATION_FAILED";
    pub const INVALID_RESOURCE: &str = "INVALID_RESOURCE";
    /// "Workflow has no terminal state" (AWS gives no location).
    pub const MISSING_END_STATE: &str = "MISSING_END_STATE";
    pub const DUPLICATE_STATE_NAME: &str = "DUPLICATE_STATE_NAME";
    pub const INVALID_STATE_NAME: &str = "INVALID_STATE_NAME";
    pub const DUPLICATE_LABEL_NAME: &str = "DUPLICATE_LABEL_NAME";
    pub const INVALID_LABEL_NAME: &str = "INVALID_LABEL_NAME";
    /// A `Next`/`Default`/`StartAt` naming no state of its scope, and also an unreachable
    /// state ("State \"X\" is not reachable.").
    pub const MISSING_TRANSITION_TARGET: &str = "MISSING_TRANSITION_TARGET";
    pub const TOO_DEEPLY_NESTED: &str = "TOO_DEEPLY_NESTED";
    /// Not in the API reference's list, but what AWS answers for a JSONata expression it
    /// cannot parse.
    pub const INVALID_JSONATA_EXPRESSION: &str = "INVALID_JSONATA_EXPRESSION";
    /// A JSONata expression that reads `$`, `$$` or a bare field name at the top level, which
    /// the States Language forbids (the input is `$states.input`).
    pub const UNSUPPORTED_JSONATA_EXPRESSION: &str = "UNSUPPORTED_JSONATA_EXPRESSION";
    // Warnings.
    /// No `.$` on a field whose value looks like a JSONPath or an intrinsic function call.
    pub const NO_DOLLAR: &str = "NO_DOLLAR";
    /// A value that looks like a path in a field whose name does not end with `Path`.
    pub const NO_PATH: &str = "NO_PATH";
    /// A path in the `Result` of a Pass state (which is used as written).
    pub const PASS_RESULT_IS_STATIC: &str = "PASS_RESULT_IS_STATIC";
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

    /// Fills span, line and column from the positions of the parsed text: the value at the
    /// location when it is a scalar on one line (a bad target, ARN or number), else its key (a
    /// state or an object is named by its key).
    pub fn resolve(&mut self, positions: &Positions) {
        let value = positions.value(&self.location).filter(|s| {
            let (l1, _) = positions.line_column(s.start);
            let (l2, _) = positions.line_column(s.end);
            let container = positions.text().get(s.start..).is_some_and(|t| t.starts_with(['{', '[']));
            l1 == l2 && !container
        });
        let span = value.or_else(|| positions.key(&self.location)).unwrap_or_else(|| positions.locate(&self.location));
        self.set_span(positions, span);
    }

    /// Like `resolve`, but underlines `pointer`, key first (e.g. an unsupported field inside
    /// the state AWS names as the location).
    pub fn resolve_at(&mut self, positions: &Positions, pointer: &str) {
        let span = positions.locate(pointer);
        self.set_span(positions, span);
    }

    /// Places the diagnostic on `span` of the text `positions` are about.
    pub(crate) fn set_span(&mut self, positions: &Positions, span: crate::value::Span) {
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
    /// Pointers to underline instead of an item's location (index into `items`, pointer).
    focus: Vec<(usize, String)>,
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

    /// A schema error reported at `location` (as AWS does) whose text span is `focus`
    /// (e.g. the key of an unsupported field inside the state AWS names).
    pub fn schema_focus(&mut self, location: &str, focus: &str, message: impl Into<String>) {
        self.schema(location, message);
        self.focus.push((self.items.len() - 1, focus.to_string()));
    }

    /// Adds a diagnostic with a focus pointer (see `schema_focus`).
    pub fn push_focus(&mut self, d: Diagnostic, focus: &str) {
        self.items.push(d);
        self.focus.push((self.items.len() - 1, focus.to_string()));
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Resolves every item against the positions of the parsed text.
    pub fn resolve(&mut self, positions: &Positions) {
        for (i, d) in self.items.iter_mut().enumerate() {
            match self.focus.iter().find(|(j, _)| *j == i) {
                Some((_, p)) => d.resolve_at(positions, p),
                None => d.resolve(positions),
            }
        }
    }

    /// Appends the items of another collection that say something new (code, location and
    /// message not already present), keeping their focus pointers.
    pub fn merge_unique(&mut self, other: Diagnostics) {
        let mut seen: std::collections::HashSet<(&'static str, String, String)> =
            self.items.iter().map(|d| (d.code, d.location.clone(), d.message.clone())).collect();
        let mut focus: std::collections::HashMap<usize, String> = other.focus.into_iter().collect();
        for (i, d) in other.items.into_iter().enumerate() {
            if seen.insert((d.code, d.location.clone(), d.message.clone())) {
                match focus.remove(&i) {
                    Some(f) => self.push_focus(d, &f),
                    None => self.items.push(d),
                }
            }
        }
    }

    /// Appends another collection, keeping its focus pointers.
    pub fn extend(&mut self, other: Diagnostics) {
        let base = self.items.len();
        self.items.extend(other.items);
        self.focus.extend(other.focus.into_iter().map(|(i, p)| (base + i, p)));
    }
}
