//! Definition value -> typed model, collecting every problem as a diagnostic instead of
//! stopping at the first.

use super::choice::{parse_choice_rule_in, RuleLanguage};
use super::diagnostic::{codes, Diagnostic, Diagnostics};
use super::model::*;
use super::resource::Resource;
use crate::query::path::Path;
use crate::query::jsonata_value::JsonataValue;
use crate::query::template::Template;
use crate::value::{Positions, Value};
use indexmap::IndexMap;
use std::collections::HashSet;
use std::rc::Rc;

/// A parsed definition: the model if it could be built, and everything worth saying.
pub struct Parsed {
    pub machine: Option<StateMachine>,
    pub diagnostics: Vec<Diagnostic>,
    pub positions: Option<Positions>,
}

/// Parses definition text (JSON). Diagnostics carry line and column.
pub fn parse_definition_text(text: &str) -> Parsed {
    parsed_from(text, crate::definition::source::parse_json(text))
}

/// Parses definition text that may be JSON or YAML (see `source::parse_source`).
pub fn parse_definition_source(text: &str) -> Parsed {
    parsed_from(text, crate::definition::source::parse_source(text).map(|(v, p, _)| (v, p)))
}

fn parsed_from(text: &str, source: Result<(Value, Positions), crate::value::ParseError>) -> Parsed {
    if text.trim().is_empty() {
        let d = Diagnostic::error(codes::SCHEMA_VALIDATION_FAILED, "", "Definition must be a valid JSON object");
        return Parsed { machine: None, diagnostics: vec![d], positions: None };
    }
    match source {
        Err(e) => Parsed { machine: None, diagnostics: vec![syntax_diagnostic(text, &e)], positions: None },
        Ok((value, positions)) => {
            let (machine, mut diags) = parse_value(&value);
            diags.resolve(&positions);
            Parsed { machine, diagnostics: diags.items, positions: Some(positions) }
        }
    }
}

/// The diagnostic for text that is not JSON (or YAML): `INVALID_JSON_DESCRIPTION`, located as
/// AWS locates it (Jackson's `[Source: ...; line, column]` text after " at ").
pub fn syntax_diagnostic(text: &str, e: &crate::value::ParseError) -> Diagnostic {
    let location = e.message.split_once("\n at ").map(|(_, l)| l.to_string()).unwrap_or_default();
    let mut d = Diagnostic::error(codes::INVALID_JSON_DESCRIPTION, location, e.message.clone());
    let end = text.get(e.offset..).and_then(|r| r.char_indices().nth(1)).map_or(text.len(), |(i, _)| e.offset + i);
    let end = text
        .get(e.offset..)
        .map(|r| r.find(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|n| *n > 0).map_or(end, |n| e.offset + n))
        .unwrap_or(end);
    let ps = Positions::new(text);
    let (el, ec) = ps.line_column(end.max(e.offset));
    d.line = e.line;
    d.column = e.column;
    d.end_line = el;
    d.end_column = ec;
    d.span = Some(crate::value::Span { start: e.offset, end: end.max(e.offset) });
    d
}

/// Parses an already-parsed definition value.
pub fn parse_definition(value: &Value) -> Parsed {
    let (machine, diags) = parse_value(value);
    Parsed { machine, diagnostics: diags.items, positions: None }
}

/// The model (when there is no error) and the diagnostics, unresolved.
pub(crate) fn parse_value(value: &Value) -> (Option<StateMachine>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let machine = parse_machine(value, &mut diags);
    let machine = if diags.has_errors() { None } else { machine };
    (machine, diags)
}

fn parse_machine(value: &Value, diags: &mut Diagnostics) -> Option<StateMachine> {
    if value.as_object().is_none() {
        diags.schema("", "Definition must be a valid JSON object");
        return None;
    }
    let mut r = Reader::new(value, "", diags);
    let comment = r.string("Comment");
    let version = r.string("Version");
    let timeout_seconds = r.u64_range("TimeoutSeconds", 1, MAX_SECONDS);
    let query_language = r.query_language(QueryLanguage::JsonPath).unwrap_or_default();
    let body = parse_states(value, "", query_language, &mut r);
    r.finish(&["Comment", "Version", "TimeoutSeconds", "QueryLanguage", "StartAt", "States"]);
    Some(StateMachine { comment, version, timeout_seconds, query_language, body: body? })
}

/// Parses `StartAt` + `States` of an object (top level, branch or item processor).
fn parse_states(value: &Value, pointer: &str, ql: QueryLanguage, r: &mut Reader) -> Option<Rc<States>> {
    // In AWS's order: `{}` is refused with "These fields are required: [States, StartAt]".
    let missing: Vec<&str> = ["States", "StartAt"].into_iter().filter(|k| value.get(k).is_none()).collect();
    if !missing.is_empty() {
        r.diags.schema(if pointer.is_empty() { "/" } else { pointer }, format!("These fields are required: [{}]", missing.join(", ")));
    }
    let start_at = r.string("StartAt").map(Rc::from);
    let states_ptr = format!("{pointer}/States");
    let mut states = IndexMap::default();
    match value.get("States") {
        Some(Value::Object(o)) => {
            for (name, sv) in o.iter() {
                let sp = format!("{states_ptr}/{}", crate::value::escape_pointer_token(name));
                if let Some(s) = parse_state(name, sv, &sp, ql, r.diags) {
                    states.insert(name.clone(), Rc::new(s));
                }
            }
        }
        Some(_) => r.diags.schema(&states_ptr, "The field 'States' must be an object"),
        None => {}
    }
    let start_at = start_at?;
    if !states.contains_key(&start_at) && value.get("States").is_some_and(|s| s.get(&start_at).is_none()) {
        r.diags.error(codes::MISSING_TRANSITION_TARGET, &format!("{pointer}/StartAt"), format!("Missing 'Next' target: {start_at}"));
    }
    // Transitions must name states of this set.
    for s in states.values() {
        let mut targets: Vec<(&str, String)> = Vec::new();
        if let Transition::Next(n) = &s.next {
            targets.push((n, format!("{}/Next", s.pointer)));
        }
        for (i, c) in s.catch.iter().enumerate() {
            targets.push((&c.next, format!("{}/Catch/{i}/Next", s.pointer)));
        }
        if let StateKind::Choice(ch) = &s.kind {
            for (i, rule) in ch.choices.iter().enumerate() {
                if let Some(n) = &rule.next {
                    targets.push((n, format!("{}/Choices/{i}/Next", s.pointer)));
                }
            }
            if let Some(d) = &ch.default {
                targets.push((d, format!("{}/Default", s.pointer)));
            }
        }
        for (t, ptr) in targets {
            if !states.contains_key(t) {
                r.diags.error(codes::MISSING_TRANSITION_TARGET, &ptr, format!("Missing 'Next' target: {t}"));
            }
        }
    }
    let start_at = share_target_names(&mut states, start_at);
    Some(Rc::new(States { start_at, states, pointer: states_ptr }))
}

/// Makes every transition of a set of states hold its target's key `Rc` itself, so that
/// `States::get` (once per transition) finds the target by address, without comparing names.
fn share_target_names(states: &mut IndexMap<Rc<str>, Rc<State>, crate::value::hash::FastBuildHasher>, start_at: Rc<str>) -> Rc<str> {
    let keys: std::collections::HashSet<Rc<str>> = states.keys().cloned().collect();
    let share = |name: &mut Rc<str>| {
        if let Some(key) = keys.get(&**name) {
            *name = key.clone();
        }
    };
    for state in states.values_mut() {
        // Just made, so not shared yet.
        let Some(state) = Rc::get_mut(state) else { continue };
        if let Transition::Next(n) = &mut state.next {
            share(n);
        }
        for c in &mut state.catch {
            share(&mut c.next);
        }
        if let StateKind::Choice(ch) = &mut state.kind {
            ch.choices.iter_mut().filter_map(|rule| rule.next.as_mut()).for_each(share);
            if let Some(d) = &mut ch.default {
                share(d);
            }
        }
    }
    let mut start_at = start_at;
    share(&mut start_at);
    start_at
}

/// Largest number of seconds (and of retry attempts) AWS accepts in a definition.
pub const MAX_SECONDS: u64 = 99_999_999;
/// `MaxDelaySeconds` must be below this.
pub const MAX_DELAY_LIMIT: u64 = 31_622_401;

const TYPES: [&str; 8] = ["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"];

fn parse_state(name: &Rc<str>, v: &Value, pointer: &str, parent_ql: QueryLanguage, diags: &mut Diagnostics) -> Option<State> {
    if v.as_object().is_none() {
        diags.schema(pointer, "A state must be a JSON object");
        return None;
    }
    let mut r = Reader::new(v, pointer, diags);
    let ty = r.string("Type");
    let Some(ty) = ty else {
        r.diags.schema(pointer, "These fields are required: [Type]");
        return None;
    };
    if !TYPES.contains(&ty.as_str()) {
        r.diags.schema(&format!("{pointer}/Type"), format!("The field 'Type' should have one of these values: [{}]", TYPES.join(", ")));
        return None;
    }
    let comment = r.string("Comment");
    // `parent_ql` is the machine's language: states inside a Map or Parallel inherit the
    // top-level language, not the Map's or Parallel's own.
    let ql = r.query_language(parent_ql).unwrap_or(parent_ql);
    if parent_ql == QueryLanguage::Jsonata && ql == QueryLanguage::JsonPath {
        r.diags.schema(pointer, "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine");
    }
    let jsonata = ql == QueryLanguage::Jsonata;

    // Transition.
    let next_name = r.string("Next");
    let end = r.bool("End").unwrap_or(false);
    let decides_itself = matches!(ty.as_str(), "Choice" | "Succeed" | "Fail");
    let next = if decides_itself {
        if next_name.is_some() || v.get("End").is_some() {
            r.diags.schema(pointer, format!("{ty} states must not have 'Next' or 'End'"));
        }
        Transition::None
    } else {
        match (next_name, end) {
            (Some(n), false) => Transition::Next(n.into()),
            (None, true) => Transition::End,
            (Some(_), true) => {
                r.diags.schema(pointer, "Only one of 'Next' or 'End' can be present");
                Transition::End
            }
            (None, false) => {
                r.diags.schema(pointer, "Either 'Next' or 'End' is required");
                Transition::End
            }
        }
    };

    // Data flow.
    let mut io = DataFlow::default();
    if !jsonata {
        io.input_path = r.io_path("InputPath");
        io.output_path = r.io_path("OutputPath");
        io.parameters = r.template("Parameters");
        io.result_selector = r.template("ResultSelector");
        io.result_path = r.result_path("ResultPath");
    } else {
        io.arguments = r.jsonata("Arguments");
        io.output = r.jsonata("Output");
    }
    let assign = r.assign("Assign", jsonata);
    let (retry, catch) = if matches!(ty.as_str(), "Task" | "Parallel" | "Map") {
        (r.retriers(), r.catchers(jsonata))
    } else {
        (Vec::new(), Vec::new())
    };

    let kind = match ty.as_str() {
        "Pass" => StateKind::Pass(Pass { result: r.raw("Result") }),
        "Succeed" => StateKind::Succeed,
        "Fail" => StateKind::Fail(Fail { error: r.fail_field("Error", "ErrorPath", jsonata), cause: r.fail_field("Cause", "CausePath", jsonata) }),
        "Task" => {
            let resource = r.string("Resource").unwrap_or_else(|| {
                r.diags.schema(pointer, "These fields are required: [Resource]");
                String::new()
            });
            StateKind::Task(Task {
                target: Rc::new(Resource::parse(&resource)),
                resource: resource.into(),
                timeout: r.seconds("TimeoutSeconds", "TimeoutSecondsPath", jsonata, 1),
                heartbeat: r.seconds("HeartbeatSeconds", "HeartbeatSecondsPath", jsonata, 1),
                credentials: r.credentials(jsonata),
            })
        }
        "Choice" => {
            let mut choices = Vec::new();
            match v.get("Choices") {
                Some(Value::Array(a)) if !a.is_empty() => {
                    for (i, c) in a.iter().enumerate() {
                        let lang = if jsonata { RuleLanguage::Jsonata } else { RuleLanguage::JsonPath };
                        if let Some(rule) = parse_choice_rule_in(c, &format!("{pointer}/Choices/{i}"), true, lang, r.diags) {
                            choices.push(rule);
                        }
                    }
                }
                Some(_) => r.diags.schema(&format!("{pointer}/Choices"), "The field 'Choices' must be a non-empty array"),
                None => r.diags.schema(pointer, "These fields are required: [Choices]"),
            }
            r.seen.insert("Choices");
            StateKind::Choice(Choice { choices, default: r.string("Default").map(Rc::from) })
        }
        "Wait" => {
            let w = if let Some(s) = r.seconds("Seconds", "SecondsPath", jsonata, 0) {
                Some(Wait::Seconds(s))
            } else if let Some(t) = r.raw("Timestamp") {
                if jsonata && t.as_str().is_some_and(is_jsonata) {
                    r.jsonata("Timestamp").map(Wait::TimestampJsonata)
                } else {
                    match t.as_str().and_then(crate::query::timestamp::parse_timestamp) {
                        Some(ms) => Some(Wait::Timestamp(ms)),
                        None => {
                            r.diags.schema(&format!("{pointer}/Timestamp"), "String does not match RFC3339 timestamp");
                            None
                        }
                    }
                }
            } else {
                r.path("TimestampPath").map(Wait::TimestampPath)
            };
            match w {
                Some(w) => StateKind::Wait(w),
                None => {
                    if !r.diags.has_errors() {
                        r.diags.schema(pointer, "A Wait state must have exactly one of 'Seconds', 'SecondsPath', 'Timestamp' or 'TimestampPath'");
                    }
                    return None;
                }
            }
        }
        "Parallel" => {
            let mut branches = Vec::new();
            match v.get("Branches") {
                Some(Value::Array(a)) => {
                    for (i, b) in a.iter().enumerate() {
                        let bp = format!("{pointer}/Branches/{i}");
                        if b.as_object().is_none() {
                            r.diags.schema(&bp, "Branches must be JSON objects");
                            continue;
                        }
                        let mut br = Reader::new(b, &bp, r.diags);
                        if let Some(s) = parse_states(b, &bp, parent_ql, &mut br) {
                            branches.push(s);
                        }
                        br.finish(&["StartAt", "States", "Comment"]);
                    }
                }
                Some(_) => r.diags.schema(&format!("{pointer}/Branches"), "The field 'Branches' must be an array"),
                None => r.diags.schema(pointer, "These fields are required: [Branches]"),
            }
            r.seen.insert("Branches");
            StateKind::Parallel(Parallel { branches })
        }
        "Map" => StateKind::Map(parse_map(v, pointer, ql, parent_ql, &mut r)?),
        _ => return None,
    };

    r.finish_state(&ty, jsonata);
    Some(State { name: name.clone(), comment, query_language: ql, next, io, assign, retry, catch, kind, pointer: pointer.to_string() })
}

fn parse_map(v: &Value, pointer: &str, ql: QueryLanguage, top_ql: QueryLanguage, r: &mut Reader) -> Option<Map> {
    let jsonata = ql == QueryLanguage::Jsonata;
    let (proc_key, proc_v) = match (v.get("ItemProcessor"), v.get("Iterator")) {
        (Some(p), _) => ("ItemProcessor", p),
        (None, Some(p)) => ("Iterator", p),
        (None, None) => {
            r.diags.schema(pointer, "These fields are required: [ItemProcessor]");
            return None;
        }
    };
    r.seen.insert(proc_key);
    let pp = format!("{pointer}/{proc_key}");
    let mut pr = Reader::new(proc_v, &pp, r.diags);
    let mut mode = MapMode::Inline;
    let mut execution_type = None;
    if let Some(cfg) = proc_v.get("ProcessorConfig") {
        pr.seen.insert("ProcessorConfig");
        match cfg.get("Mode").and_then(Value::as_str) {
            Some("DISTRIBUTED") => mode = MapMode::Distributed,
            Some("INLINE") | None => {}
            Some(other) => pr.diags.schema(&format!("{pp}/ProcessorConfig/Mode"), format!("Unknown Map mode '{other}'")),
        }
        execution_type = cfg.get("ExecutionType").and_then(Value::as_str).map(String::from);
    }
    let processor = parse_states(proc_v, &pp, top_ql, &mut pr);
    pr.finish(&["StartAt", "States", "Comment", "ProcessorConfig"]);
    let item_selector_raw = if v.get("ItemSelector").is_some() { "ItemSelector" } else { "Parameters" };
    let (item_selector, item_selector_jsonata) = if jsonata {
        (None, r.jsonata("ItemSelector"))
    } else {
        let t = r.template(item_selector_raw);
        (t, None)
    };
    Some(Map {
        processor: processor?,
        mode,
        execution_type,
        items_path: if jsonata { None } else { r.path("ItemsPath") },
        items: if jsonata { r.jsonata("Items") } else { None },
        item_selector,
        item_selector_jsonata,
        max_concurrency: r.seconds("MaxConcurrency", "MaxConcurrencyPath", jsonata, 0),
        tolerated_failure_percentage: r.tolerance("ToleratedFailurePercentage", "ToleratedFailurePercentagePath", jsonata),
        tolerated_failure_count: r.tolerance("ToleratedFailureCount", "ToleratedFailureCountPath", jsonata),
        item_reader: item_reader(r, jsonata),
        item_batcher: item_batcher(r, jsonata),
        result_writer: result_writer(r, jsonata),
        label: map_label(r),
    })
}

/// A Map's `Label`. AWS puts it in the Map Run's and the child executions' ARNs, so it takes
/// what an ARN part may hold: 1 to 40 characters, none of them whitespace, a bracket
/// (`< > { } [ ]`), a wildcard (`? *`), a backtick, one of `" # % \ ^ | ~ $ & , ; : /`, or a
/// control character (U+0000-001F, U+007F-009F); AWS rejects the definition otherwise.
fn map_label(r: &mut Reader<'_, '_>) -> Option<String> {
    let label = r.string("Label")?;
    let bad = |c: char| c.is_whitespace() || c.is_control() || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(c);
    let problem = if label.is_empty() {
        Some("must not be empty".to_string())
    } else if label.chars().count() > 40 {
        Some(format!("must be at most 40 characters long but has {}", label.chars().count()))
    } else {
        label.chars().find(|c| bad(*c)).map(|c| format!("must not contain {c:?}"))
    };
    if let Some(problem) = problem {
        let at = r.at("Label");
        r.diags.schema(&at, format!("The value of the field 'Label' {problem} (it names the Map Run and its child executions)"));
    }
    Some(label)
}

/// `ItemReader`: its resource, request and `ReaderConfig`. Only the shapes are checked here;
/// values such as `InputType` are checked when the Map runs (it fails with
/// States.ItemReaderFailed).
fn item_reader(r: &mut Reader<'_, '_>, jsonata: bool) -> Option<ItemReader> {
    let (v, at) = r.object("ItemReader")?;
    let mut ir = Reader::new(v, &at, r.diags);
    let resource: Rc<str> = match ir.string("Resource") {
        Some(s) => s.into(),
        None => {
            if v.get("Resource").is_none() {
                ir.diags.schema(&at, "The field 'Resource' is required but was missing");
            }
            return None;
        }
    };
    let (parameters, arguments) = if jsonata { (None, ir.jsonata("Arguments")) } else { (ir.template("Parameters"), None) };
    let mut reader = ItemReader { parameters, arguments, ..ItemReader::of(resource) };
    if let Some((cfg, cat)) = ir.object("ReaderConfig") {
        let mut cr = Reader::new(cfg, &cat, ir.diags);
        reader.input_type = cr.string("InputType").map(Into::into);
        reader.csv_header_location = cr.string("CSVHeaderLocation").map(Into::into);
        reader.csv_delimiter = cr.string("CSVDelimiter").map(Into::into);
        if let Some(h) = cr.get("CSVHeaders") {
            match h.as_array().filter(|a| a.iter().all(|x| x.as_str().is_some())) {
                Some(a) => reader.csv_headers = Some(a.iter().filter_map(|x| x.as_str().map(Rc::from)).collect()),
                None => {
                    let hat = cr.at("CSVHeaders");
                    cr.diags.schema(&hat, "The field 'CSVHeaders' must be an array of strings");
                }
            }
        }
        reader.max_items = if let Some(m) = cr.get("MaxItems") {
            if jsonata && m.as_str().is_some_and(is_jsonata) {
                cr.jsonata("MaxItems").map(Seconds::Jsonata)
            } else {
                cr.u64_range("MaxItems", 0, crate::definition::model::MAX_READER_ITEMS).map(Seconds::Literal)
            }
        } else if !jsonata && cfg.get("MaxItemsPath").is_some() {
            cr.path("MaxItemsPath").map(Seconds::Path)
        } else {
            None
        };
        cr.seen.insert("MaxItemsPath");
        reader.items_pointer = cr.string("ItemsPointer").map(Into::into);
        reader.transformation = cr.string("Transformation").map(Into::into);
        reader.manifest_type = cr.string("ManifestType").map(Into::into);
        cr.finish(&["InputType", "CSVHeaderLocation", "CSVHeaders", "CSVDelimiter", "MaxItems", "MaxItemsPath", "Transformation", "ManifestType", "ItemsPointer"]);
    }
    ir.finish(&["Resource", "Parameters", "Arguments", "ReaderConfig"]);
    Some(reader)
}

/// `ResultWriter`: `Resource` with `Parameters` (or `Arguments`), and/or `WriterConfig`. Only
/// shapes are checked here; values are checked when the Map runs (States.ResultWriterFailed).
fn result_writer(r: &mut Reader<'_, '_>, jsonata: bool) -> Option<ResultWriter> {
    let (v, at) = r.object("ResultWriter")?;
    let mut wr = Reader::new(v, &at, r.diags);
    let resource = wr.string("Resource").map(Rc::from);
    let (parameters, arguments) = if jsonata { (None, wr.jsonata("Arguments")) } else { (wr.template("Parameters"), None) };
    let mut writer = ResultWriter { resource, parameters, arguments, transformation: None, output_type: None, has_config: false };
    if let Some((cfg, cat)) = wr.object("WriterConfig") {
        let mut cr = Reader::new(cfg, &cat, wr.diags);
        writer.has_config = true;
        writer.transformation = cr.string("Transformation").map(Into::into);
        writer.output_type = cr.string("OutputType").map(Into::into);
        cr.finish(&["Transformation", "OutputType"]);
    }
    wr.finish(&["Resource", "Parameters", "Arguments", "WriterConfig"]);
    Some(writer)
}

fn item_batcher(r: &mut Reader<'_, '_>, jsonata: bool) -> Option<ItemBatcher> {
    let v = r.get("ItemBatcher")?;
    let at = r.at("ItemBatcher");
    let mut br = Reader::new(v, &at, r.diags);
    Some(ItemBatcher {
        max_items: br.seconds("MaxItemsPerBatch", "MaxItemsPerBatchPath", jsonata, 0),
        max_bytes: br.seconds("MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath", jsonata, 0),
        batch_input: if jsonata { None } else { br.template("BatchInput") },
        batch_input_jsonata: if jsonata { br.jsonata("BatchInput") } else { None },
    })
}

fn allowed_fields(ty: &str, jsonata: bool) -> &'static [&'static str] {
    match (ty, jsonata) {
        ("Pass", false) => &["Type", "Comment", "QueryLanguage", "Next", "End", "InputPath", "OutputPath", "Parameters", "ResultPath", "Result", "Assign"],
        ("Pass", true) => &["Type", "Comment", "QueryLanguage", "Next", "End", "Output", "Assign"],
        ("Task", false) => &["Type", "Comment", "QueryLanguage", "Next", "End", "Resource", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials", "Assign"],
        ("Task", true) => &["Type", "Comment", "QueryLanguage", "Next", "End", "Resource", "Arguments", "Output", "Retry", "Catch", "TimeoutSeconds", "HeartbeatSeconds", "Credentials", "Assign"],
        ("Choice", false) => &["Type", "Comment", "QueryLanguage", "Choices", "Default", "InputPath", "OutputPath", "Assign"],
        ("Choice", true) => &["Type", "Comment", "QueryLanguage", "Choices", "Default", "Output", "Assign"],
        ("Wait", false) => &["Type", "Comment", "QueryLanguage", "Next", "End", "Seconds", "SecondsPath", "Timestamp", "TimestampPath", "InputPath", "OutputPath", "Assign"],
        ("Wait", true) => &["Type", "Comment", "QueryLanguage", "Next", "End", "Seconds", "Timestamp", "Output", "Assign"],
        ("Succeed", false) => &["Type", "Comment", "QueryLanguage", "InputPath", "OutputPath"],
        ("Succeed", true) => &["Type", "Comment", "QueryLanguage", "Output"],
        ("Fail", false) => &["Type", "Comment", "QueryLanguage", "Error", "ErrorPath", "Cause", "CausePath"],
        ("Fail", true) => &["Type", "Comment", "QueryLanguage", "Error", "Cause"],
        ("Parallel", false) => &["Type", "Comment", "QueryLanguage", "Next", "End", "Branches", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch", "Assign"],
        ("Parallel", true) => &["Type", "Comment", "QueryLanguage", "Next", "End", "Branches", "Arguments", "Output", "Retry", "Catch", "Assign"],
        ("Map", false) => &["Type", "Comment", "QueryLanguage", "Next", "End", "ItemProcessor", "Iterator", "ItemsPath", "ItemSelector", "Parameters", "MaxConcurrency", "MaxConcurrencyPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "ToleratedFailureCount", "ToleratedFailureCountPath", "ItemReader", "ItemBatcher", "ResultWriter", "Label", "InputPath", "OutputPath", "ResultSelector", "ResultPath", "Retry", "Catch", "Assign"],
        ("Map", true) => &["Type", "Comment", "QueryLanguage", "Next", "End", "ItemProcessor", "Iterator", "Items", "ItemSelector", "MaxConcurrency", "ToleratedFailurePercentage", "ToleratedFailureCount", "ItemReader", "ItemBatcher", "ResultWriter", "Label", "Arguments", "Output", "Retry", "Catch", "Assign"],
        _ => &[],
    }
}

/// A string that is a JSONata expression (`{% ... %}`).
pub fn is_jsonata(s: &str) -> bool {
    crate::query::jsonata_value::expression_text(s).is_some()
}

/// Reads the fields of one JSON object, remembering which were read so that the rest can be
/// reported as unsupported.
struct Reader<'a, 'd> {
    value: &'a Value,
    pointer: String,
    diags: &'d mut Diagnostics,
    seen: HashSet<&'static str>,
}

impl<'a, 'd> Reader<'a, 'd> {
    fn new(value: &'a Value, pointer: &str, diags: &'d mut Diagnostics) -> Reader<'a, 'd> {
        Reader { value, pointer: pointer.to_string(), diags, seen: HashSet::new() }
    }

    fn at(&self, key: &str) -> String {
        format!("{}/{}", self.pointer, key)
    }

    fn get(&mut self, key: &'static str) -> Option<&'a Value> {
        self.seen.insert(key);
        self.value.get(key)
    }

    /// A field that must be an object, with its pointer; any other value is reported (and
    /// answers `None`, as a missing field does).
    fn object(&mut self, key: &'static str) -> Option<(&'a Value, String)> {
        let v = self.get(key)?;
        let at = self.at(key);
        if v.as_object().is_none() {
            self.diags.schema(&at, format!("The field '{key}' must be an OBJECT but was {}", v.type_name().to_uppercase()));
            return None;
        }
        Some((v, at))
    }

    /// A JSONata-state value whose strings may be `{% %}` expressions, compiled now.
    fn jsonata(&mut self, key: &'static str) -> Option<JsonataValue> {
        let v = self.get(key)?;
        match JsonataValue::compile(v) {
            Ok(j) => Some(j),
            Err(e) => {
                let at = self.at(key);
                self.diags.error(codes::INVALID_JSONATA_EXPRESSION, &at, e);
                None
            }
        }
    }

    fn raw(&mut self, key: &'static str) -> Option<Value> {
        self.get(key).cloned()
    }

    fn string(&mut self, key: &'static str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.to_string()),
            other => {
                let at = self.at(key);
                self.diags.schema(&at, format!("The field '{key}' must be a STRING but was {}", other.type_name().to_uppercase()));
                None
            }
        }
    }

    fn bool(&mut self, key: &'static str) -> Option<bool> {
        match self.get(key)? {
            Value::Bool(b) => Some(*b),
            _ => {
                let at = self.at(key);
                self.diags.schema(&at, format!("The field '{key}' must be a BOOLEAN"));
                None
            }
        }
    }

    /// An integer field within `[min, max]`, worded as AWS's schema words it.
    fn u64_range(&mut self, key: &'static str, min: u64, max: u64) -> Option<u64> {
        let v = self.get(key)?;
        let at = self.at(key);
        check_range(v, key, &at, min as f64, max as f64, true, self.diags)
    }

    fn query_language(&mut self, default: QueryLanguage) -> Option<QueryLanguage> {
        match self.string("QueryLanguage")?.as_str() {
            "JSONPath" => Some(QueryLanguage::JsonPath),
            "JSONata" => Some(QueryLanguage::Jsonata),
            _ => {
                let at = self.at("QueryLanguage");
                self.diags.schema(&at, "The field 'QueryLanguage' should have one of these values: [JSONPath, JSONata]");
                Some(default)
            }
        }
    }

    fn path(&mut self, key: &'static str) -> Option<Path> {
        let text = self.string(key)?;
        match Path::parse(&text) {
            Ok(p) => Some(p),
            Err(e) => {
                let at = self.at(key);
                self.diags.schema(&at, format!("The value for the field '{key}' must be a valid JSONPath: {e}"));
                None
            }
        }
    }

    fn io_path(&mut self, key: &'static str) -> IoPath {
        match self.get(key) {
            None => IoPath::Whole,
            Some(Value::Null) => IoPath::Empty,
            Some(_) => self.path(key).map(IoPath::Path).unwrap_or_default(),
        }
    }

    fn result_path(&mut self, key: &'static str) -> ResultPath {
        match self.get(key) {
            None => ResultPath::Replace,
            Some(Value::Null) => ResultPath::Discard,
            Some(_) => match self.path(key) {
                Some(p) if !p.is_reference() => {
                    let at = self.at(key);
                    self.diags.schema(&at, format!("The value for the field '{key}' must be a valid ReferencePath"));
                    ResultPath::Replace
                }
                Some(p) => ResultPath::Path(p),
                None => ResultPath::Replace,
            },
        }
    }

    fn template(&mut self, key: &'static str) -> Option<Template> {
        let v = self.get(key)?;
        self.compiled_template(key, v)
    }

    /// A payload template, compiled; a fault is reported where AWS reports it (the field
    /// holding the template) and underlined at the member at fault.
    fn compiled_template(&mut self, key: &'static str, v: &Value) -> Option<Template> {
        match Template::compile_located(v) {
            Ok(t) => Some(t),
            Err((message, inner)) => {
                let at = self.at(key);
                self.diags.schema_focus(&at, &format!("{at}{inner}"), message);
                None
            }
        }
    }

    fn assign(&mut self, key: &'static str, jsonata: bool) -> Option<Assign> {
        if jsonata {
            return self.jsonata(key).map(Assign::Jsonata);
        }
        let v = self.get(key)?;
        if v.as_object().is_none() {
            let at = self.at(key);
            self.diags.schema(&at, "The field 'Assign' must be an object");
            return None;
        }
        self.compiled_template(key, v).map(Assign::Template)
    }

    fn seconds(&mut self, key: &'static str, path_key: &'static str, jsonata: bool, min: u64) -> Option<Seconds> {
        if let Some(v) = self.get(key) {
            if jsonata && v.as_str().is_some_and(is_jsonata) {
                return self.jsonata(key).map(Seconds::Jsonata);
            }
            return self.u64_range(key, min, MAX_SECONDS).map(Seconds::Literal);
        }
        if !jsonata && self.value.get(path_key).is_some() {
            return self.path(path_key).map(Seconds::Path);
        }
        self.seen.insert(path_key);
        None
    }

    fn tolerance(&mut self, key: &'static str, path_key: &'static str, jsonata: bool) -> Option<Tolerance> {
        if let Some(v) = self.get(key) {
            if jsonata && v.as_str().is_some_and(is_jsonata) {
                return self.jsonata(key).map(Tolerance::Jsonata);
            }
            return match v.as_f64() {
                Some(f) if f >= 0.0 => Some(Tolerance::Literal(f)),
                _ => {
                    let at = self.at(key);
                    self.diags.schema(&at, format!("The field '{key}' must be a non-negative number"));
                    None
                }
            };
        }
        if !jsonata && self.value.get(path_key).is_some() {
            return self.path(path_key).map(Tolerance::Path);
        }
        self.seen.insert(path_key);
        None
    }

    fn fail_field(&mut self, key: &'static str, path_key: &'static str, jsonata: bool) -> Option<FailField> {
        if let Some(v) = self.get(key) {
            if jsonata && v.as_str().is_some_and(is_jsonata) {
                return self.jsonata(key).map(FailField::Jsonata);
            }
            return self.string(key).map(FailField::Literal);
        }
        if let Some(v) = self.get(path_key) {
            let text = v.as_str().unwrap_or("");
            return match Template::single(path_key, text) {
                Ok(t) => Some(FailField::Path(t)),
                Err(e) => {
                    let at = self.at(path_key);
                    self.diags.schema(&at, e);
                    None
                }
            };
        }
        None
    }

    /// Task `Credentials`: an object with `RoleArn` (or `RoleArn.$` in JSONPath).
    fn credentials(&mut self, jsonata: bool) -> Option<Credentials> {
        let (v, at) = self.object("Credentials")?;
        if v.get("RoleArn").is_none() && v.get("RoleArn.$").is_none() {
            self.diags.schema(&at, "The field 'RoleArn' is required but was missing");
        }
        if jsonata {
            return self.jsonata("Credentials").map(Credentials::Jsonata);
        }
        self.template("Credentials").map(Credentials::Template)
    }

    fn error_equals(&mut self, v: &Value, ptr: &str) -> Vec<Rc<str>> {
        match v.get("ErrorEquals") {
            Some(Value::Array(a)) if !a.is_empty() => a.iter().filter_map(|e| e.as_str().map(Rc::from)).collect(),
            _ => {
                self.diags.schema(ptr, "These fields are required: [ErrorEquals]");
                Vec::new()
            }
        }
    }

    fn retriers(&mut self) -> Vec<Retrier> {
        let Some(v) = self.get("Retry") else { return Vec::new() };
        let Some(items) = v.as_array() else {
            let at = self.at("Retry");
            self.diags.schema(&at, "The field 'Retry' must be an array");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let ptr = format!("{}/Retry/{i}", self.pointer);
            let error_equals = self.error_equals(item, &ptr);
            fn check(item: &Value, ptr: &str, k: &str, min: f64, max: f64, diags: &mut Diagnostics) -> Option<u64> {
                let v = item.get(k)?;
                check_range(v, k, &format!("{ptr}/{k}"), min, max, true, diags)
            }
            // AWS documents IntervalSeconds as a positive integer; 0 (retry at once) is common in
            // local tests and harmless to run, so it is a warning here rather than an error.
            let interval = if item.get("IntervalSeconds").and_then(Value::as_f64) == Some(0.0) {
                self.diags.warning(codes::SCHEMA_VALIDATION_FAILED, &format!("{ptr}/IntervalSeconds"), "Minimum value is 1 (AWS rejects 0; here the retry happens at once)");
                0.0
            } else {
                check(item, &ptr, "IntervalSeconds", 1.0, MAX_SECONDS as f64, self.diags).map_or(1.0, |i| i as f64)
            };
            let max_attempts = check(item, &ptr, "MaxAttempts", 0.0, MAX_SECONDS as f64, self.diags).map_or(3.0, |i| i as f64);
            let backoff = match item.get("BackoffRate") {
                Some(v) => match v.as_f64() {
                    Some(b) if b >= 1.0 => b,
                    Some(_) => {
                        self.diags.schema(&format!("{ptr}/BackoffRate"), "Minimum value is 1.0");
                        2.0
                    }
                    None => {
                        self.diags.schema(&format!("{ptr}/BackoffRate"), format!("The field 'BackoffRate' must be a NUMBER but was {}", v.type_name().to_uppercase()));
                        2.0
                    }
                },
                None => 2.0,
            };
            let max_delay = check(item, &ptr, "MaxDelaySeconds", 1.0, (MAX_DELAY_LIMIT - 1) as f64, self.diags);
            if let Some(j) = item.get("JitterStrategy") {
                if !matches!(j.as_str(), Some("FULL" | "NONE")) {
                    self.diags.schema(&format!("{ptr}/JitterStrategy"), "The field 'JitterStrategy' should have one of these values: [FULL, NONE]");
                }
            }
            let mut ir = Reader::new(item, &ptr, self.diags);
            for k in ["ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment"] {
                ir.seen.insert(k);
            }
            ir.finish(&["ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment"]);
            out.push(Retrier {
                error_equals,
                interval_seconds: interval.max(0.0) as u64,
                max_attempts: max_attempts.max(0.0) as u64,
                backoff_rate: backoff,
                max_delay_seconds: max_delay,
                jitter_full: item.get("JitterStrategy").and_then(Value::as_str) == Some("FULL"),
            });
        }
        check_states_all_last(out.iter().map(|r| &r.error_equals), "Retry", &self.pointer, self.diags);
        out
    }

    fn catchers(&mut self, jsonata: bool) -> Vec<Catcher> {
        let Some(v) = self.get("Catch") else { return Vec::new() };
        let Some(items) = v.as_array() else {
            let at = self.at("Catch");
            self.diags.schema(&at, "The field 'Catch' must be an array");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let ptr = format!("{}/Catch/{i}", self.pointer);
            let error_equals = self.error_equals(item, &ptr);
            let mut cr = Reader::new(item, &ptr, self.diags);
            let next = cr.string("Next").unwrap_or_else(|| {
                cr.diags.schema(&ptr, "These fields are required: [Next]");
                String::new()
            });
            let result_path = if jsonata { ResultPath::Replace } else { cr.result_path("ResultPath") };
            let output = if jsonata { cr.jsonata("Output") } else { None };
            let assign = cr.assign("Assign", jsonata);
            cr.seen.insert("ErrorEquals");
            cr.seen.insert("Comment");
            let allowed: &[&str] = if jsonata { &["ErrorEquals", "Next", "Output", "Assign", "Comment"] } else { &["ErrorEquals", "Next", "ResultPath", "Assign", "Comment"] };
            cr.finish(allowed);
            out.push(Catcher { error_equals, next: next.into(), result_path, output, assign });
        }
        check_states_all_last(out.iter().map(|c| &c.error_equals), "Catch", &self.pointer, self.diags);
        out
    }

    /// Reports fields this object does not support, at the object (as AWS does), underlining
    /// the field.
    fn finish(&mut self, allowed: &[&str]) {
        let Some(obj) = self.value.as_object() else { return };
        for k in obj.keys() {
            if !allowed.contains(&&**k) {
                let at = format!("{}/{}", self.pointer, crate::value::escape_pointer_token(k));
                let loc = if self.pointer.is_empty() { "/" } else { &self.pointer };
                self.diags.schema_focus(loc, &at, format!("Field '{k}' is not supported"));
            }
        }
    }

    /// `finish` for a state: a field of the other query language gets AWS's wording for that.
    fn finish_state(&mut self, ty: &str, jsonata: bool) {
        let Some(obj) = self.value.as_object() else { return };
        let allowed = allowed_fields(ty, jsonata);
        let other = allowed_fields(ty, !jsonata);
        for k in obj.keys() {
            if allowed.contains(&&**k) {
                continue;
            }
            let at = format!("{}/{}", self.pointer, crate::value::escape_pointer_token(k));
            let msg = if other.contains(&&**k) {
                let (this, that) = if jsonata { ("JSONata", "JSONPath") } else { ("JSONPath", "JSONata") };
                format!("The QueryLanguage is set to '{this}', but field '{k}' is only supported for the '{that}' QueryLanguage")
            } else {
                format!("Field '{k}' is not supported")
            };
            self.diags.schema_focus(&self.pointer.clone(), &at, msg);
        }
    }
}

/// A number within `[min, max]` (an integer when `integer`), with AWS's schema wording.
fn check_range(v: &Value, key: &str, at: &str, min: f64, max: f64, integer: bool, diags: &mut Diagnostics) -> Option<u64> {
    let Some(n) = v.as_number() else {
        let ty = if integer { "INTEGER" } else { "NUMBER" };
        diags.schema(at, format!("The field '{key}' must be an {ty} but was {}", v.type_name().to_uppercase()).replace("an NUMBER", "a NUMBER"));
        return None;
    };
    let f = n.as_f64();
    if integer && !n.is_integral() {
        diags.schema(at, format!("The field '{key}' must be an INTEGER but was NUMBER"));
        return None;
    }
    if f < min {
        diags.schema(at, format!("Minimum value is {}", min as i64));
        return None;
    }
    if f > max {
        diags.schema(at, format!("Maximum value is {}", max as i64));
        return None;
    }
    Some(f as u64)
}

fn check_states_all_last<'x>(lists: impl Iterator<Item = &'x Vec<Rc<str>>>, field: &str, pointer: &str, diags: &mut Diagnostics) {
    let lists: Vec<_> = lists.collect();
    for (i, l) in lists.iter().enumerate() {
        if l.iter().any(|e| &**e == "States.ALL") && (l.len() > 1 || i + 1 < lists.len()) {
            diags.schema(&format!("{pointer}/{field}/{i}/ErrorEquals"), "States.ALL must appear alone and in the last element of the array");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_pass_machine() {
        let p = parse_definition_text(r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"hello":"world"},"End":true}}}"#);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let m = p.machine.unwrap();
        assert_eq!(&*m.body.start_at, "P");
        assert!(matches!(m.body.get("P").unwrap().kind, StateKind::Pass(_)));
    }

    #[test]
    fn reports_every_problem_with_positions() {
        let text = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Pass\", \"Next\": \"Nope\"},\n    \"B\": {\"Type\": \"Bogus\"}\n  }\n}";
        let p = parse_definition_text(text);
        assert!(p.machine.is_none());
        let codes: Vec<_> = p.diagnostics.iter().map(|d| (d.code, d.location.as_str(), d.line)).collect();
        assert!(codes.contains(&(codes::MISSING_TRANSITION_TARGET, "/States/A/Next", 4)), "{codes:?}");
        assert!(codes.contains(&(codes::SCHEMA_VALIDATION_FAILED, "/States/B/Type", 5)), "{codes:?}");
    }

    #[test]
    fn malformed_json_points_at_the_spot() {
        let p = parse_definition_text("{\n  \"StartAt\": \"A\"\n  \"States\": {}\n}");
        assert_eq!(p.diagnostics.len(), 1);
        assert_eq!(p.diagnostics[0].code, codes::INVALID_JSON_DESCRIPTION);
        assert_eq!(p.diagnostics[0].line, 3);
    }
}
