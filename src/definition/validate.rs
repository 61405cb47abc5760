//! `ValidateStateMachineDefinition`: everything wrong with a definition, before it runs, in
//! AWS's codes and words, each with the line and column an editor would underline.
//!
//! The parser (`parse.rs`) reports the schema problems it meets while building the model;
//! this adds the rules about the whole graph and the machine type:
//!
//! - every scope (the machine, each Parallel branch, each Map item processor) has a terminal
//!   state (`MISSING_END_STATE`, "Workflow has no terminal state") and every state in it is
//!   reachable from its `StartAt` (`MISSING_TRANSITION_TARGET`, `State "X" is not reachable.`;
//!   AWS skips this walk when the scope has no terminal state);
//! - transitions name states of their own scope (`MISSING_TRANSITION_TARGET`, "Missing 'Next'
//!   target: X", whatever the field: `Next`, `Default`, `Choices[i].Next`, `Catch[i].Next`);
//! - state names are unique in the whole machine (`DUPLICATE_STATE_NAME`);
//! - Task resources: optimised integrations AWS does not know, and for EXPRESS machines no
//!   activities, `.sync` or `.waitForTaskToken`;
//! - `HeartbeatSeconds` below `TimeoutSeconds`;
//! - JSONata `{% %}` delimiters;
//! - warnings AWS gives: `NO_DOLLAR`, `NO_PATH`, `PASS_RESULT_IS_STATIC`; and one of asl-sim's:
//!   a `{% %}` expression in a JSONPath state, which is used as a literal string.
//!
//! Text may be JSON or YAML (see `source`), with `${Name}` DefinitionSubstitutions resolved
//! first when a map of them is given.

use super::diagnostic::{codes, Diagnostic, Diagnostics, Severity};
use super::model::MachineType;
use super::parse::{is_jsonata, parse_value, syntax_diagnostic};
use super::resource::{Pattern, Resource};
use super::source::{parse_source, substitute, SourceFormat};
use crate::value::{escape_pointer_token, Positions, Span, Value};
use std::collections::{HashMap, HashSet, VecDeque};

/// What `validate` needs besides the text.
#[derive(Clone, Debug, Default)]
pub struct ValidateOptions {
    /// STANDARD (default) or EXPRESS: EXPRESS machines cannot wait for activities, jobs or tokens.
    pub machine_type: MachineType,
    /// `DefinitionSubstitutions`: when given, `${Name}` placeholders are replaced before
    /// parsing, and a placeholder with no value is an error.
    pub substitutions: Option<HashMap<String, String>>,
}

impl ValidateOptions {
    pub fn express() -> ValidateOptions {
        ValidateOptions { machine_type: MachineType::Express, ..ValidateOptions::default() }
    }
}

/// The outcome of a validation, with what the source was.
#[derive(Debug)]
pub struct Validation {
    pub diagnostics: Vec<Diagnostic>,
    /// JSON or YAML; `None` when the text could not be read as either.
    pub format: Option<SourceFormat>,
}

impl Validation {
    /// AWS's `result`: OK unless there is an ERROR diagnostic.
    pub fn is_valid(&self) -> bool {
        is_valid(&self.diagnostics)
    }
}

/// Validates definition text (JSON or YAML). Returns every problem found, errors and warnings.
pub fn validate(text: &str, options: ValidateOptions) -> Vec<Diagnostic> {
    validate_source(text, &options).diagnostics
}

/// `validate`, also telling whether the text was JSON or YAML.
pub fn validate_source(text: &str, options: &ValidateOptions) -> Validation {
    let Some(values) = &options.substitutions else {
        return validate_text(text, options);
    };
    let (substituted, map, unresolved) = substitute(text, values);
    let mut v = validate_text(&substituted, options);
    // Point everything back at the text the user wrote.
    let original = Positions::new(text);
    for d in &mut v.diagnostics {
        if let Some(span) = d.span {
            let span = Span { start: map.to_original(span.start, false), end: map.to_original(span.end, true) };
            d.set_span(&original, span);
        }
    }
    for u in unresolved.into_iter().rev() {
        let mut d = Diagnostic::error(
            codes::SCHEMA_VALIDATION_FAILED,
            "",
            format!("The definition substitution '${{{}}}' has no value: it is not in DefinitionSubstitutions", u.name),
        );
        d.set_span(&original, u.span);
        v.diagnostics.insert(0, d);
    }
    v
}

fn validate_text(text: &str, options: &ValidateOptions) -> Validation {
    if text.trim().is_empty() {
        let d = Diagnostic::error(codes::SCHEMA_VALIDATION_FAILED, "", "Definition must be a valid JSON object");
        return Validation { diagnostics: vec![d], format: None };
    }
    let (value, positions, format) = match parse_source(text) {
        Ok(x) => x,
        Err(e) => return Validation { diagnostics: vec![syntax_diagnostic(text, &e)], format: None },
    };
    let mut diags = check_value(&value, options);
    diags.resolve(&positions);
    Validation { diagnostics: diags.items, format: Some(format) }
}

/// Validates a definition already parsed into a value. Diagnostics carry no positions.
pub fn validate_value(value: &Value, options: &ValidateOptions) -> Vec<Diagnostic> {
    check_value(value, options).items
}

/// AWS's `result`: OK unless some diagnostic is an ERROR.
pub fn is_valid(diagnostics: &[Diagnostic]) -> bool {
    !diagnostics.iter().any(|d| d.severity == Severity::Error)
}

/// The message `CreateStateMachine`/`UpdateStateMachine` give for these diagnostics
/// (`InvalidDefinition`), or `None` when there is no error:
/// `Invalid State Machine Definition: 'CODE: message at /location, ...'`.
pub fn invalid_definition_message(diagnostics: &[Diagnostic]) -> Option<String> {
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{}: {} at {}", d.code, d.message, if d.location.is_empty() { "null" } else { &d.location }))
        .collect();
    if errors.is_empty() {
        None
    } else {
        Some(format!("Invalid State Machine Definition: '{}'", errors.join(", ")))
    }
}

fn check_value(value: &Value, options: &ValidateOptions) -> Diagnostics {
    let (_, mut diags) = parse_value(value);
    if value.as_object().is_none() {
        return diags;
    }
    let mut extra = Diagnostics::default();
    let mut names: HashMap<String, String> = HashMap::new();
    let top_jsonata = value.get("QueryLanguage").and_then(Value::as_str) == Some("JSONata");
    check_scope(value, "", top_jsonata, options, &mut names, &mut extra, 0);
    // The parser checks transitions of the states it could build; the graph walk checks all of
    // them: keep one of each.
    diags.merge_unique(extra);
    diags
}

const MAX_SCOPE_DEPTH: usize = 200;

/// One set of states (`StartAt` + `States`) at `pointer` ("" for the machine).
fn check_scope(
    scope: &Value,
    pointer: &str,
    top_jsonata: bool,
    options: &ValidateOptions,
    names: &mut HashMap<String, String>,
    out: &mut Diagnostics,
    depth: usize,
) {
    if depth > MAX_SCOPE_DEPTH {
        out.error(codes::TOO_DEEPLY_NESTED, pointer, "The states are too deeply nested.");
        return;
    }
    let Some(states) = scope.get("States").and_then(Value::as_object) else { return };
    let states_ptr = format!("{pointer}/States");
    let start_at = scope.get("StartAt").and_then(Value::as_str);

    // Names unique across the machine.
    for name in states.keys() {
        let sp = format!("{states_ptr}/{}", escape_pointer_token(name));
        if names.contains_key(&**name) {
            let d = Diagnostic::error(codes::DUPLICATE_STATE_NAME, &sp, format!("Duplicate State name: {name}"));
            focus(out, d, &sp);
        } else {
            names.insert(name.to_string(), sp);
        }
    }

    // Transitions and terminal states.
    let mut has_terminal = false;
    let mut edges: HashMap<&str, Vec<&str>> = HashMap::new();
    for (name, s) in states.iter() {
        let sp = format!("{states_ptr}/{}", escape_pointer_token(name));
        if s.as_object().is_none() {
            continue;
        }
        let ty = s.get("Type").and_then(Value::as_str).unwrap_or("");
        if matches!(ty, "Succeed" | "Fail") || s.get("End") == Some(&Value::Bool(true)) {
            has_terminal = true;
        }
        let mut targets: Vec<(&str, String)> = Vec::new();
        if let Some(n) = s.get("Next").and_then(Value::as_str) {
            targets.push((n, format!("{sp}/Next")));
        }
        if let Some(d) = s.get("Default").and_then(Value::as_str) {
            targets.push((d, format!("{sp}/Default")));
        }
        for (field, key) in [("Choices", "Next"), ("Catch", "Next")] {
            if let Some(items) = s.get(field).and_then(Value::as_array) {
                for (i, c) in items.iter().enumerate() {
                    if let Some(n) = c.get(key).and_then(Value::as_str) {
                        targets.push((n, format!("{sp}/{field}/{i}/{key}")));
                    }
                }
            }
        }
        for (t, at) in &targets {
            if !states.contains_key(*t) {
                out.error(codes::MISSING_TRANSITION_TARGET, at, format!("Missing 'Next' target: {t}"));
            }
        }
        edges.insert(name, targets.into_iter().map(|(t, _)| t).collect());
        check_state(name, s, &sp, top_jsonata, options, out);

        // Nested scopes.
        match ty {
            "Parallel" => {
                if let Some(branches) = s.get("Branches").and_then(Value::as_array) {
                    for (i, b) in branches.iter().enumerate() {
                        check_scope(b, &format!("{sp}/Branches/{i}"), top_jsonata, options, names, out, depth + 1);
                    }
                }
            }
            "Map" => {
                for key in ["ItemProcessor", "Iterator"] {
                    if let Some(p) = s.get(key) {
                        check_scope(p, &format!("{sp}/{key}"), top_jsonata, options, names, out, depth + 1);
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    if !states.is_empty() && !has_terminal {
        let d = Diagnostic::error(codes::MISSING_END_STATE, pointer, "Workflow has no terminal state");
        focus(out, d, &states_ptr);
        return;
    }
    // Reachability from StartAt (only when StartAt names a state: otherwise that is the error).
    let Some(start) = start_at.filter(|s| states.contains_key(*s)) else { return };
    let mut reached: HashSet<&str> = HashSet::new();
    let mut queue = VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        if !reached.insert(n) {
            continue;
        }
        for t in edges.get(n).into_iter().flatten() {
            if states.contains_key(*t) && !reached.contains(t) {
                queue.push_back(t);
            }
        }
    }
    for name in states.keys() {
        if !reached.contains(&**name) {
            let sp = format!("{states_ptr}/{}", escape_pointer_token(name));
            let d = Diagnostic::error(codes::MISSING_TRANSITION_TARGET, &sp, format!("State \"{name}\" is not reachable."));
            focus(out, d, &sp);
        }
    }
}

fn focus(out: &mut Diagnostics, d: Diagnostic, pointer: &str) {
    out.push_focus(d, pointer);
}

/// Optimised integrations whose actions AWS lists; any other action of these services is not
/// recognised. Services not listed here are accepted as written.
const KNOWN_ACTIONS: &[(&str, &[&str])] = &[
    ("lambda", &["invoke", "invoke.waitForTaskToken"]),
    ("dynamodb", &["getItem", "putItem", "updateItem", "deleteItem"]),
    ("sns", &["publish", "publish.waitForTaskToken"]),
    ("sqs", &["sendMessage", "sendMessage.waitForTaskToken"]),
    ("states", &["startExecution", "startExecution.sync", "startExecution.sync:2", "startExecution.waitForTaskToken"]),
    ("events", &["putEvents", "putEvents.waitForTaskToken"]),
];

fn check_state(_name: &str, s: &Value, sp: &str, top_jsonata: bool, options: &ValidateOptions, out: &mut Diagnostics) {
    let ty = s.get("Type").and_then(Value::as_str).unwrap_or("");
    let jsonata = match s.get("QueryLanguage").and_then(Value::as_str) {
        Some("JSONata") => true,
        Some("JSONPath") => false,
        _ => top_jsonata,
    };
    if ty == "Task" {
        if let Some(arn) = s.get("Resource").and_then(Value::as_str) {
            check_resource(arn, &format!("{sp}/Resource"), options, out);
        }
        let num = |k: &str| s.get(k).and_then(Value::as_f64);
        if let (Some(h), Some(t)) = (num("HeartbeatSeconds"), num("TimeoutSeconds")) {
            if h >= t && h >= 1.0 && t >= 1.0 {
                out.schema(&format!("{sp}/HeartbeatSeconds"), "The value of 'HeartbeatSeconds' must be less than the value of 'TimeoutSeconds'");
            }
        }
    }
    if jsonata {
        check_jsonata_strings(s, sp, out);
    } else {
        for field in ["Parameters", "ResultSelector", "ItemSelector", "Assign"] {
            if let Some(v) = s.get(field) {
                no_dollar(v, &format!("{sp}/{field}"), out);
            }
        }
        for field in ["Parameters", "ResultSelector", "ItemSelector", "Assign", "Result", "Error", "Cause"] {
            if let Some(v) = s.get(field) {
                jsonata_in_jsonpath(v, &format!("{sp}/{field}"), out);
            }
        }
        if ty == "Map" && s.get("ItemSelector").is_none() {
            // Legacy `Parameters` of a Map is checked above.
        }
        if ty == "Pass" {
            if let Some(r) = s.get("Result") {
                pass_result_static(r, &format!("{sp}/Result"), out);
            }
        }
        if ty == "Fail" {
            for field in ["Error", "Cause"] {
                if s.get(field).and_then(Value::as_str).is_some_and(looks_like_path) {
                    out.warning(
                        codes::NO_PATH,
                        &format!("{sp}/{field}"),
                        format!("The value of '{field}' looks like a path, but the field name does not end with 'Path' (use '{field}Path' to read it from the input)"),
                    );
                }
            }
        }
    }
}

fn check_resource(arn: &str, at: &str, options: &ValidateOptions, out: &mut Diagnostics) {
    let not_recognized = || {
        format!("The resource provided {arn} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.")
    };
    if !arn.starts_with("arn:") {
        out.schema(at, not_recognized());
        return;
    }
    let resource = Resource::parse(arn);
    if let Resource::Service { resource_type, resource: action, .. } = &resource {
        if let Some((_, actions)) = KNOWN_ACTIONS.iter().find(|(svc, _)| svc == resource_type) {
            if !actions.contains(&action.as_str()) {
                out.schema(at, not_recognized());
                return;
            }
        }
    }
    if options.machine_type == MachineType::Express {
        match (&resource, resource.pattern()) {
            (Resource::Activity { .. }, _) => out.schema(at, "Express state machine does not support Activity ARN"),
            (_, Pattern::Sync) => out.schema(at, "Express state machine does not support '.sync' service integration"),
            // AWS's message ends with a space.
            (_, Pattern::WaitForTaskToken) => out.schema(at, "Express state machine does not support '.waitForTaskToken' service integration "),
            _ => {}
        }
    }
}

/// A string that reads like a JSONPath or an intrinsic function call.
fn looks_like_path(s: &str) -> bool {
    s == "$" || s == "$$" || s.starts_with("$.") || s.starts_with("$$.") || s.starts_with("$[") || looks_like_intrinsic(s)
}

fn looks_like_intrinsic(s: &str) -> bool {
    s.strip_prefix("States.").is_some_and(|r| {
        let name_end = r.find('(').unwrap_or(0);
        name_end > 0 && r[..name_end].chars().all(|c| c.is_ascii_alphanumeric()) && r.trim_end().ends_with(')')
    })
}

/// What `walk_members` calls on a member: `(value, pointer, key, depth)`; true goes into it.
type Visit<'v> = dyn FnMut(&Value, &str, Option<&str>, usize) -> bool + 'v;

/// Calls `visit` on each member of `v`, depth first: object members with their key, array
/// items with none. Goes into a member when `visit` says so and it stands at most 64 levels
/// down (deeper templates are not checked). One walk for every template check below.
fn walk_members(v: &Value, at: &str, depth: usize, visit: &mut Visit<'_>) {
    match v {
        Value::Object(o) => {
            for (k, item) in o.iter() {
                walk_member(item, &format!("{at}/{}", escape_pointer_token(k)), Some(k), depth + 1, visit);
            }
        }
        Value::Array(a) => {
            for (i, item) in a.iter().enumerate() {
                walk_member(item, &format!("{at}/{i}"), None, depth + 1, visit);
            }
        }
        _ => {}
    }
}

fn walk_member(item: &Value, at: &str, key: Option<&str>, depth: usize, visit: &mut Visit<'_>) {
    if visit(item, at, key, depth) && depth <= 64 {
        walk_members(item, at, depth, visit);
    }
}

/// Payload templates: a field without `.$` whose value reads like a path.
fn no_dollar(v: &Value, at: &str, out: &mut Diagnostics) {
    walk_members(v, at, 0, &mut |item, p, key, _| {
        let Some(k) = key else { return true };
        if k.ends_with(".$") {
            return false;
        }
        if item.as_str().is_some_and(looks_like_path) {
            out.warning(
                codes::NO_DOLLAR,
                p,
                format!("The value of field '{k}' looks like a JSONPath or an intrinsic function, but the field name does not end with '.$': it is used as a literal string"),
            );
            return false;
        }
        true
    });
}

/// A `{% %}` JSONata expression in a JSONPath state is not evaluated: the state's output holds
/// the text of the expression. asl-sim's own warning (AWS accepts it silently), under the code
/// of the other `{%` warnings.
fn jsonata_in_jsonpath(v: &Value, at: &str, out: &mut Diagnostics) {
    let mut visit = |item: &Value, p: &str, _: Option<&str>, _: usize| {
        if item.as_str().is_some_and(|t| is_jsonata(t.trim())) {
            out.warning(
                codes::INVALID_JSONATA_EXPRESSION,
                p,
                "In a JSONPath state, a JSONata expression is not evaluated: the string is used as written. Set \"QueryLanguage\": \"JSONata\" to evaluate it",
            );
        }
        true
    };
    if visit(v, at, None, 0) {
        walk_members(v, at, 0, &mut visit);
    }
}

/// Pass `Result` is used as written: a `.$` key there is not evaluated.
fn pass_result_static(v: &Value, at: &str, out: &mut Diagnostics) {
    walk_members(v, at, 0, &mut |_, p, key, _| match key {
        Some(k) if k.ends_with(".$") => {
            out.warning(
                codes::PASS_RESULT_IS_STATIC,
                p,
                format!("The field '{k}' of a Pass state's 'Result' is not evaluated: 'Result' is static (use 'Parameters' to read from the input)"),
            );
            false
        }
        _ => true,
    });
}

/// JSONata delimiters in the strings of a JSONata state (nested states are checked on their
/// own): `{%` must close with `%}` and hold an expression.
fn check_jsonata_strings(v: &Value, at: &str, out: &mut Diagnostics) {
    let mut visit = |item: &Value, p: &str, key: Option<&str>, depth: usize| {
        if depth > 64 || (depth == 1 && key.is_some_and(|k| matches!(k, "Branches" | "ItemProcessor" | "Iterator" | "Comment" | "Type" | "Next" | "Resource" | "QueryLanguage"))) {
            return false;
        }
        if let Value::String(s) = item {
            let t = s.trim();
            if is_jsonata(t) {
                if t[2..t.len() - 2].trim().is_empty() {
                    out.error(codes::INVALID_JSONATA_EXPRESSION, p, "The JSONata expression between '{%' and '%}' is empty");
                } else {
                    check_top_level_references(s, p, out);
                }
            } else if t.starts_with("{%") {
                out.warning(codes::INVALID_JSONATA_EXPRESSION, p, "The string starts with '{%' but does not end with '%}': it is not a JSONata expression and is used as a literal string");
            } else if t.ends_with("%}") && t.contains("{%") {
                out.warning(codes::INVALID_JSONATA_EXPRESSION, p, "The string ends with '%}' but does not start with '{%': it is not a JSONata expression and is used as a literal string");
            }
        }
        true
    };
    if visit(v, at, None, 0) {
        walk_members(v, at, 0, &mut visit);
    }
}

/// What an expression reads at the top level (`$`, `$$`, a bare field name), which AWS
/// refuses: one diagnostic per name. An expression that does not compile is reported by the
/// parser already.
fn check_top_level_references(s: &str, at: &str, out: &mut Diagnostics) {
    let Some(text) = crate::query::jsonata_value::expression_text(s) else { return };
    let Ok(expression) = crate::query::jsonata::Expression::compile(text) else { return };
    for name in expression.top_level_references() {
        out.error(codes::UNSUPPORTED_JSONATA_EXPRESSION, at, format!("Reference to '{name}' at the top level is not supported."));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Vec<Diagnostic> {
        validate(text, ValidateOptions::default())
    }

    /// (code, location, line, column) of each diagnostic.
    fn found(ds: &[Diagnostic]) -> Vec<(&'static str, String, usize, usize)> {
        ds.iter().map(|d| (d.code, d.location.clone(), d.line, d.column)).collect()
    }

    fn one<'a>(ds: &'a [Diagnostic], code: &str, location: &str) -> &'a Diagnostic {
        ds.iter().find(|d| d.code == code && d.location == location).unwrap_or_else(|| panic!("no {code} at {location} in {:#?}", found(ds)))
    }

    #[test]
    fn a_map_label_must_fit_in_an_arn() {
        let machine = |label: &str| format!(r#"{{"StartAt":"M","States":{{"M":{{"Type":"Map","Label":{label},"ItemProcessor":{{"ProcessorConfig":{{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"}},"StartAt":"P","States":{{"P":{{"Type":"Pass","End":true}}}}}},"End":true}}}}}}"#);
        for bad in [r#""label_{invalid_char}""#, r#""""#, r#""has space""#, r#""a:b""#, &format!("\"{}\"", "x".repeat(41))] {
            let ds = run(&machine(bad));
            assert_eq!(one(&ds, "SCHEMA_VALIDATION_FAILED", "/States/M/Label").severity, Severity::Error, "{bad}");
        }
        for good in [r#""TestMap""#, r#""csv-rows_2024.v1""#, &format!("\"{}\"", "x".repeat(40))] {
            assert!(run(&machine(good)).is_empty(), "{good}");
        }
    }

    #[test]
    #[cfg(feature = "yaml")]
    fn valid_machine_has_no_diagnostics() {
        let ds = run(r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Succeed"}}}"#);
        assert!(ds.is_empty(), "{ds:#?}");
        let ds = run("StartAt: A\nStates:\n  A:\n    Type: Pass\n    End: true\n");
        assert!(ds.is_empty(), "{ds:#?}");
    }

    #[test]
    #[cfg(feature = "yaml")]
    fn unreachable_state_json_and_yaml() {
        let json = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Pass\", \"End\": true},\n    \"B\": {\"Type\": \"Pass\", \"End\": true}\n  }\n}";
        let ds = run(json);
        let d = one(&ds, codes::MISSING_TRANSITION_TARGET, "/States/B");
        assert_eq!(d.message, "State \"B\" is not reachable.");
        assert_eq!((d.line, d.column, d.end_line, d.end_column), (5, 5, 5, 8));
        let yaml = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    End: true\n  B:\n    Type: Pass\n    End: true\n";
        let ds = run(yaml);
        let d = one(&ds, codes::MISSING_TRANSITION_TARGET, "/States/B");
        assert_eq!((d.line, d.column, d.end_line, d.end_column), (6, 3, 6, 4));
        assert!(!is_valid(&ds));
    }

    #[test]
    fn no_terminal_state_suppresses_reachability() {
        let ds = run(r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"},"C":{"Type":"Pass","Next":"A"}}}"#);
        assert_eq!(found(&ds), vec![(codes::MISSING_END_STATE, String::new(), 1, 16)]);
        assert_eq!(ds[0].message, "Workflow has no terminal state");
        assert_eq!(invalid_definition_message(&ds).unwrap(), "Invalid State Machine Definition: 'MISSING_END_STATE: Workflow has no terminal state at null'");
        // An unreachable terminal state is enough to have one.
        let ds = run(r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"},"C":{"Type":"Pass","End":true}}}"#);
        assert_eq!(found(&ds).into_iter().map(|f| (f.0, f.1)).collect::<Vec<_>>(), vec![(codes::MISSING_TRANSITION_TARGET, "/States/C".to_string())]);
    }

    #[test]
    fn scopes_parallel_and_map() {
        let text = r#"{"StartAt":"P","States":{
  "P":{"Type":"Parallel","Next":"M","Branches":[
    {"StartAt":"X","States":{"X":{"Type":"Pass","Next":"Y"},"Y":{"Type":"Pass","Next":"X"}}},
    {"StartAt":"Z","States":{"Z":{"Type":"Pass","Next":"M"}}}]},
  "M":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true},"J":{"Type":"Succeed"}}}}}}"#;
        let ds = run(text);
        let d = one(&ds, codes::MISSING_END_STATE, "/States/P/Branches/0");
        assert_eq!(d.line, 3);
        let d = one(&ds, codes::MISSING_TRANSITION_TARGET, "/States/P/Branches/1/States/Z/Next");
        assert_eq!(d.message, "Missing 'Next' target: M");
        assert_eq!((d.line, d.column), (4, 56));
        one(&ds, codes::MISSING_END_STATE, "/States/P/Branches/1");
        let d = one(&ds, codes::MISSING_TRANSITION_TARGET, "/States/M/ItemProcessor/States/J");
        assert_eq!(d.line, 5);
    }

    #[test]
    #[cfg(feature = "yaml")]
    fn duplicate_names_across_scopes() {
        let yaml = "StartAt: P\nStates:\n  P:\n    Type: Parallel\n    End: true\n    Branches:\n      - StartAt: P\n        States:\n          P:\n            Type: Succeed\n";
        let ds = run(yaml);
        let d = one(&ds, codes::DUPLICATE_STATE_NAME, "/States/P/Branches/0/States/P");
        assert_eq!(d.message, "Duplicate State name: P");
        assert_eq!((d.line, d.column), (9, 11));
    }

    #[test]
    fn retry_catch_and_ranges() {
        let text = r#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:111111111111:function:f","End":true,
"TimeoutSeconds":5,"HeartbeatSeconds":5,
"Retry":[{"ErrorEquals":["States.ALL"]},{"ErrorEquals":["X"],"MaxAttempts":-1,"BackoffRate":0.5,"IntervalSeconds":0,"MaxDelaySeconds":0}],
"Catch":[{"ErrorEquals":["States.ALL"],"Next":"T","Bogus":1}]}}}"#;
        let ds = run(text);
        one(&ds, codes::SCHEMA_VALIDATION_FAILED, "/States/T/Retry/0/ErrorEquals");
        assert_eq!(one(&ds, codes::SCHEMA_VALIDATION_FAILED, "/States/T/Retry/1/MaxAttempts").message, "Minimum value is 0");
        assert_eq!(one(&ds, codes::SCHEMA_VALIDATION_FAILED, "/States/T/Retry/1/BackoffRate").message, "Minimum value is 1.0");
        let d = one(&ds, codes::SCHEMA_VALIDATION_FAILED, "/States/T/Retry/1/IntervalSeconds");
        assert!(d.message.starts_with("Minimum value is 1"));
        assert_eq!(d.severity, crate::definition::Severity::Warning, "0 runs (retry at once) but AWS would reject it");
        assert_eq!(one(&ds, codes::SCHEMA_VALIDATION_FAILED, "/States/T/Retry/1/MaxDelaySeconds").message, "Minimum value is 1");
        let d = one(&ds, codes::SCHEMA_VALIDATION_FAILED, "/States/T/HeartbeatSeconds");
        assert_eq!((d.line, d.column), (2, 39));
        let d = one(&ds, codes::SCHEMA_VALIDATION_FAILED, "/States/T/Catch/0");
        assert_eq!(d.message, "Field 'Bogus' is not supported");
        assert_eq!((d.line, d.column), (4, 51), "the key is underlined");
        let ds = run(r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":100000000,"End":true}}}"#);
        assert_eq!(one(&ds, codes::SCHEMA_VALIDATION_FAILED, "/States/W/Seconds").message, "Maximum value is 99999999");
        let ds = run(r#"{"StartAt":"W","TimeoutSeconds":0,"States":{"W":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","TimeoutSeconds":0,"End":true}}}"#);
        one(&ds, codes::SCHEMA_VALIDATION_FAILED, "/TimeoutSeconds");
        one(&ds, codes::SCHEMA_VALIDATION_FAILED, "/States/W/TimeoutSeconds");
    }

    #[test]
    fn express_and_resources() {
        let text = r#"{"StartAt":"A","States":{
"A":{"Type":"Task","Resource":"arn:aws:states:us-east-1:111111111111:activity:x","Next":"B"},
"B":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2","Next":"C"},
"C":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Next":"D"},
"D":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:query","Next":"E"},
"E":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:dynamodb:query","End":true}}}"#;
        let standard = run(text);
        assert_eq!(found(&standard).len(), 1, "{standard:#?}");
        assert!(one(&standard, codes::SCHEMA_VALIDATION_FAILED, "/States/D/Resource").message.starts_with("The resource provided arn:aws:states:::dynamodb:query is not recognized."));
        let express = validate(text, ValidateOptions::express());
        assert_eq!(one(&express, codes::SCHEMA_VALIDATION_FAILED, "/States/A/Resource").message, "Express state machine does not support Activity ARN");
        let d = one(&express, codes::SCHEMA_VALIDATION_FAILED, "/States/B/Resource");
        assert_eq!(d.message, "Express state machine does not support '.sync' service integration");
        assert_eq!((d.line, d.column), (3, 31));
        one(&express, codes::SCHEMA_VALIDATION_FAILED, "/States/C/Resource");
        assert_eq!(express.len(), 4);
    }

    #[test]
    fn jsonata_may_not_read_the_top_level_context() {
        let text = r#"{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass",
"Output":{"v":"{% phone %}","w":["{% $.a & $$.b & phone %}"],"ok":"{% $states.input.items[price > 5].name %}"},
"Assign":{"x":"{% $map($states.input.a, function($i){ $i.b }) %}"},"Next":"T"},
"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":"{% $count(items) %}","End":true,
"Catch":[{"ErrorEquals":["States.ALL"],"Output":"{% $states.errorOutput.Cause %}","Next":"P"}]}}}"#;
        let ds = run(text);
        let d = one(&ds, codes::UNSUPPORTED_JSONATA_EXPRESSION, "/States/P/Output/v");
        assert_eq!(d.message, "Reference to 'phone' at the top level is not supported.");
        assert_eq!(d.severity, Severity::Error);
        let at_w: Vec<&str> = ds.iter().filter(|d| d.location == "/States/P/Output/w/0").map(|d| d.message.as_str()).collect();
        assert_eq!(
            at_w,
            ["Reference to '$' at the top level is not supported.", "Reference to '$$' at the top level is not supported.", "Reference to 'phone' at the top level is not supported."]
        );
        assert_eq!(one(&ds, codes::UNSUPPORTED_JSONATA_EXPRESSION, "/States/T/Arguments").message, "Reference to 'items' at the top level is not supported.");
        assert_eq!(ds.iter().filter(|d| d.code == codes::UNSUPPORTED_JSONATA_EXPRESSION).count(), 5, "{:#?}", found(&ds));
        // A JSONPath state's strings are not expressions: only a warning that says so.
        let ds = run(r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"{% phone %}","End":true}}}"#);
        assert_eq!(found(&ds), vec![(codes::INVALID_JSONATA_EXPRESSION, "/States/P/Result".to_string(), 1, 54)]);
        assert_eq!(ds[0].severity, Severity::Warning);
    }

    #[test]
    fn query_languages() {
        let text = r#"{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","QueryLanguage":"JSONPath","Next":"Q"},
"Q":{"Type":"Pass","Parameters":{"a":1},"Output":"{% $states.input","Next":"R"},
"R":{"Type":"Pass","Output":{"x":"{%  %}"},"End":true}}}"#;
        let ds = run(text);
        assert_eq!(one(&ds, codes::SCHEMA_VALIDATION_FAILED, "/States/P").message, "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine");
        let d = one(&ds, codes::SCHEMA_VALIDATION_FAILED, "/States/Q");
        assert_eq!(d.message, "The QueryLanguage is set to 'JSONata', but field 'Parameters' is only supported for the 'JSONPath' QueryLanguage");
        assert_eq!((d.line, d.column), (2, 20));
        let d = one(&ds, codes::INVALID_JSONATA_EXPRESSION, "/States/Q/Output");
        assert_eq!(d.severity, Severity::Warning);
        let d = one(&ds, codes::INVALID_JSONATA_EXPRESSION, "/States/R/Output/x");
        assert_eq!(d.severity, Severity::Error);
        // A JSONPath machine: JSONata-only fields are named as such; a nested JSONata Map does
        // not change the language of the states inside it.
        let ds = run(r#"{"StartAt":"M","States":{"M":{"Type":"Map","QueryLanguage":"JSONata","End":true,"ItemProcessor":{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":1,"End":true}}}}}}"#);
        assert_eq!(
            one(&ds, codes::SCHEMA_VALIDATION_FAILED, "/States/M/ItemProcessor/States/P").message,
            "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage"
        );
        assert_eq!(one(&ds, codes::SCHEMA_VALIDATION_FAILED, "/States/M/ItemProcessor").message, "Field 'QueryLanguage' is not supported");
    }

    #[test]
    fn bad_paths_and_templates() {
        let ds = run(r#"{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"foo","Parameters":{"a.$":"nope"},"End":true}}}"#);
        one(&ds, codes::SCHEMA_VALIDATION_FAILED, "/States/P/InputPath");
        assert_eq!(
            one(&ds, codes::SCHEMA_VALIDATION_FAILED, "/States/P/Parameters").message,
            "The value for the field 'a.$' must be a valid JSONPath or a valid intrinsic function call"
        );
    }

    #[test]
    #[cfg(feature = "yaml")]
    fn template_walks_reach_nested_members_and_stop_where_they_should() {
        let text = r#"{"StartAt":"P","States":{
            "P":{"Type":"Pass","Parameters":{"a":{"b":["$.x",{"c":"$.y"}],"d.$":"$.z","e":{"f.$":"$.q"}}},
                 "Result":{"r":[{"s.$":"$.t"}],"u.$":{"v.$":"$.w"}},"Next":"J"},
            "J":{"Type":"Pass","QueryLanguage":"JSONata","Comment":"{% not checked","Output":{"o":["{% %}",{"p":"ends %}x{% 1 %}"}]},"End":true}}}"#;
        let mut got: Vec<(&str, String)> = run(text).iter().map(|d| (d.code, d.location.clone())).collect();
        got.sort();
        assert_eq!(
            got,
            [
                (codes::INVALID_JSONATA_EXPRESSION, "/States/J/Output".to_string()),
                (codes::INVALID_JSONATA_EXPRESSION, "/States/J/Output/o/0".to_string()),
                (codes::INVALID_JSONATA_EXPRESSION, "/States/J/Output/o/1/p".to_string()),
                (codes::NO_DOLLAR, "/States/P/Parameters/a/b/1/c".to_string()),
                (codes::PASS_RESULT_IS_STATIC, "/States/P/Result/r/0/s.$".to_string()),
                (codes::PASS_RESULT_IS_STATIC, "/States/P/Result/u.$".to_string()),
            ]
        );
    }

    #[test]
    fn jsonata_in_a_jsonpath_state_is_a_literal_string_and_said_so() {
        let text = r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"a":"{% $states.input.x %}","b":["{%1%}"],"c.$":"$.y"},"Next":"J"},
            "J":{"Type":"Pass","QueryLanguage":"JSONata","Output":{"o":"{% $states.input %}"},"Next":"F"},
            "F":{"Type":"Fail","Error":"{% 'E' %}"}}}"#;
        let ds = run(text);
        assert!(is_valid(&ds), "{ds:#?}");
        let mut got: Vec<(Severity, &str, String)> = ds.iter().map(|d| (d.severity, d.code, d.location.clone())).collect();
        got.sort_by(|a, b| a.2.cmp(&b.2));
        assert_eq!(
            got,
            [
                (Severity::Warning, codes::INVALID_JSONATA_EXPRESSION, "/States/F/Error".to_string()),
                (Severity::Warning, codes::INVALID_JSONATA_EXPRESSION, "/States/P/Parameters/a".to_string()),
                (Severity::Warning, codes::INVALID_JSONATA_EXPRESSION, "/States/P/Parameters/b/0".to_string()),
            ]
        );
        assert!(ds[0].message.starts_with("In a JSONPath state, a JSONata expression is not evaluated"), "{}", ds[0].message);
    }

    #[test]
    fn warnings_keep_the_machine_valid() {
        let text = "StartAt: P\nStates:\n  P:\n    Type: Pass\n    Parameters:\n      a: $.x\n    Result:\n      b.$: $.y\n    Next: F\n  F:\n    Type: Fail\n    Error: $.error\n";
        let ds = run(text);
        assert!(is_valid(&ds), "{ds:#?}");
        let d = one(&ds, codes::NO_DOLLAR, "/States/P/Parameters/a");
        assert_eq!((d.severity, d.line, d.column), (Severity::Warning, 6, 10));
        one(&ds, codes::PASS_RESULT_IS_STATIC, "/States/P/Result/b.$");
        one(&ds, codes::NO_PATH, "/States/F/Error");
    }

    #[test]
    fn a_bad_template_field_is_underlined_where_it_is() {
        // AWS names the template (Parameters); the underline goes to the member at fault.
        let text = "{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\",\n  \"Parameters\": {\"ok\": 1,\n    \"inner\": {\"message.$\": \"States.Formatt('x')\"}},\n  \"End\": true}}}";
        let ds = run(text);
        assert_eq!(found(&ds), vec![(codes::SCHEMA_VALIDATION_FAILED, "/States/P/Parameters".to_string(), 3, 15)]);
        assert_eq!(ds[0].message, "The value for the field 'message.$' must be a valid JSONPath or a valid intrinsic function call");
    }

    #[test]
    #[cfg(feature = "yaml")]
    fn missing_fields_and_malformed_text() {
        let ds = run(r#"{"States": {"StartState": {"Type": "Pass", "End": true}}}"#);
        assert_eq!(found(&ds), vec![(codes::SCHEMA_VALIDATION_FAILED, "/".to_string(), 1, 1)]);
        assert_eq!(ds[0].message, "These fields are required: [StartAt]");
        let ds = run("{}");
        assert_eq!(found(&ds), vec![(codes::SCHEMA_VALIDATION_FAILED, "/".to_string(), 1, 1)]);
        assert_eq!(ds[0].message, "These fields are required: [States, StartAt]");
        let ds = run("{\n  \"StartAt\": \"A\",\n  \"States\": {\"A\": {\"Type\": \"Pass\" \"End\": true}}\n}");
        assert_eq!(ds.len(), 1);
        assert_eq!((ds[0].code, ds[0].line, ds[0].column), (codes::INVALID_JSON_DESCRIPTION, 3, 35));
        assert!(ds[0].message.starts_with("Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries"));
        assert_eq!(ds[0].location, format!("[Source: (String)\"{}\"; line: 3, column: 36]", "{\n  \"StartAt\": \"A\",\n  \"States\": {\"A\": {\"Type\": \"Pass\" \"End\": true}}\n}"));
        let ds = run("StartAt: A\nStates:\n  A:\n    Type: Pass\n   End: true\n");
        assert_eq!((ds[0].code, ds[0].line), (codes::INVALID_JSON_DESCRIPTION, 5));
        let ds = run("  ");
        assert_eq!((ds[0].code, ds[0].message.as_str(), ds[0].location.as_str()), (codes::SCHEMA_VALIDATION_FAILED, "Definition must be a valid JSON object", ""));
        let ds = run("[1, 2]");
        assert_eq!(ds[0].message, "Definition must be a valid JSON object");
    }

    #[test]
    #[cfg(feature = "yaml")]
    fn substitutions() {
        let mut values = HashMap::new();
        values.insert("FnArn".to_string(), "arn:aws:lambda:us-east-1:111111111111:function:f".to_string());
        let options = ValidateOptions { substitutions: Some(values), ..ValidateOptions::default() };
        let text = "StartAt: T\nStates:\n  T:\n    Type: Task\n    Resource: ${FnArn}\n    Next: ${NextState}\n";
        let ds = validate(text, options.clone());
        let d = one(&ds, codes::SCHEMA_VALIDATION_FAILED, "");
        assert_eq!(d.message, "The definition substitution '${NextState}' has no value: it is not in DefinitionSubstitutions");
        assert_eq!((d.line, d.column, d.end_line, d.end_column), (6, 11, 6, 23));
        // The missing target is underlined in the text as written.
        let d = one(&ds, codes::MISSING_TRANSITION_TARGET, "/States/T/Next");
        assert_eq!((d.line, d.column, d.end_column), (6, 11, 23));
        let ok = validate("StartAt: T\nStates:\n  T:\n    Type: Task\n    Resource: ${FnArn}\n    End: true\n    Comment: x\n", options);
        assert!(ok.is_empty(), "{ok:#?}");
        // Without a substitution map, `${...}` is just text.
        let ds = run("StartAt: T\nStates:\n  T:\n    Type: Pass\n    Comment: ${Nothing}\n    End: true\n");
        assert!(ds.is_empty(), "{ds:#?}");
    }

    #[test]
    #[cfg(feature = "yaml")]
    fn never_panics_on_truncated_or_odd_input() {
        let json = r#"{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"M","States":{"M":{"Type":"Map","Items":"{% [1] %}","ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Retry":[{"ErrorEquals":["States.ALL"]}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"F"}],"End":true},"F":{"Type":"Fail"}}},"End":true}}}],"Next":"C"},"C":{"Type":"Choice","Choices":[{"Condition":"{% true %}","Next":"W"}],"Default":"W"},"W":{"Type":"Wait","Seconds":1,"End":true}}}"#;
        let yaml = "StartAt: P\nStates:\n  P:\n    Type: Map\n    ItemProcessor:\n      StartAt: T\n      States:\n        T: {Type: Task, Resource: 'arn:aws:states:::lambda:invoke', End: true}\n    Next: C\n  C:\n    Type: Choice\n    Choices:\n      - Variable: $.x\n        IsPresent: true\n        Next: S\n    Default: S\n  S: {Type: Succeed}\n";
        for text in [json, yaml] {
            for (i, _) in text.char_indices() {
                let _ = validate(&text[..i], ValidateOptions::express());
            }
        }
        for text in ["{\"StartAt\":1,\"States\":[]}", "{\"StartAt\":\"A\",\"States\":{\"A\":1}}", "{\"States\":{\"A\":{\"Type\":\"Map\",\"ItemProcessor\":1}}}", "- - -", "a: [", "? [a]\n: b"] {
            let _ = validate(text, ValidateOptions::default());
        }
        let deep = format!("{}{}", "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Parallel\",\"End\":true,\"Branches\":[".repeat(150), "1");
        let _ = validate(&deep, ValidateOptions::default());
    }
}
