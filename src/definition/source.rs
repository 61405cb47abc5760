//! Definition source text -> `Value` + `Positions`, for JSON and YAML.
//!
//! JSON is what AWS takes; YAML is what Workflow Studio exports and SAM/CloudFormation templates
//! hold. The text is JSON when it starts with `{` (after whitespace), YAML otherwise. JSON
//! syntax errors are worded the way AWS words them (Jackson's messages, with its
//! `[Source: (String)"..."; line: L, column: C]` suffix), so that a pasted definition gets the
//! same answer here as from `ValidateStateMachineDefinition`.
//!
//! YAML follows the 1.2 core schema: `true`/`false`, `null`/`~`/empty, decimal, octal (`0o`) and
//! hexadecimal (`0x`) integers and floats are typed; anything quoted, and anything else, is a
//! string. Positions point at YAML lines, so diagnostics do too.

use crate::value::{ParseError, Positions, Span, Value};
#[cfg(feature = "yaml")]
use crate::value::{escape_pointer_token, Map, Number, MAX_DEPTH};
#[cfg(feature = "yaml")]
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::collections::HashMap;
#[cfg(feature = "yaml")]
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceFormat {
    Json,
    Yaml,
}

impl SourceFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceFormat::Json => "JSON",
            SourceFormat::Yaml => "YAML",
        }
    }
}

/// True when the text is to be read as JSON: it starts with `{` after whitespace.
pub fn looks_like_json(text: &str) -> bool {
    text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}').starts_with('{')
}

/// Parses definition text, JSON or YAML. A JSON error is worded as AWS (Jackson) words it.
///
/// Text that is neither a JSON object nor a YAML mapping is read as JSON, so that `not a
/// definition` gets AWS's "Unrecognized token 'not'" rather than becoming a YAML string;
/// a YAML document that is a plain scalar or sequence comes back as that value (the caller
/// reports that a definition must be an object).
pub fn parse_source(text: &str) -> Result<(Value, Positions, SourceFormat), ParseError> {
    if looks_like_json(text) || !cfg!(feature = "yaml") {
        return parse_json(text).map(|(v, p)| (v, p, SourceFormat::Json));
    }
    match parse_yaml(text) {
        Ok((v, p)) if v.as_object().is_some() => Ok((v, p, SourceFormat::Yaml)),
        yaml => match parse_json(text) {
            // Valid JSON that is not an object (`[1]`, `"x"`, `42`): report it as JSON.
            Ok((v, p)) => Ok((v, p, SourceFormat::Json)),
            Err(json_err) => match yaml {
                // A YAML scalar (a word or a sentence): AWS's answer is the JSON error.
                Ok((Value::String(_), _)) => Err(json_err),
                Ok((v, p)) => Ok((v, p, SourceFormat::Yaml)),
                // Looks like neither: a YAML document with a syntax error when it has a mapping
                // key on a line of its own, else the JSON error.
                Err(yaml_err) => {
                    if looks_like_yaml_mapping(text) {
                        Err(yaml_err)
                    } else {
                        Err(json_err)
                    }
                }
            },
        },
    }
}

fn looks_like_yaml_mapping(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim_start();
        !t.starts_with('#') && (t.contains(": ") || t.ends_with(':'))
    })
}

/// Parses JSON text with positions; errors carry Jackson's wording.
pub fn parse_json(text: &str) -> Result<(Value, Positions), ParseError> {
    // Positions are recorded only if a diagnostic asks for one (see `Positions::deferred`).
    match crate::value::parse(text) {
        Ok(v) => Ok((v, Positions::deferred(text))),
        Err(e) => Err(jackson_error(text, &e)),
    }
}

// ---------------------------------------------------------------------------------------------
// Jackson-style JSON errors

/// Jackson's description of the source: `[Source: (String)"<text>"; line: L, column: C]`, the
/// text cut at 500 characters as Jackson cuts it.
pub fn jackson_source(text: &str, line: usize, column: usize) -> String {
    const MAX: usize = 500;
    let count = text.chars().count();
    let shown: String = text.chars().take(MAX).collect();
    let truncated = if count > MAX { format!("[truncated {} chars]", count - MAX) } else { String::new() };
    format!("[Source: (String)\"{shown}\"{truncated}; line: {line}, column: {column}]")
}

fn char_desc(c: char) -> String {
    let code = c as u32;
    if c.is_control() {
        format!("(CTRL-CHAR, code {code})")
    } else {
        format!("('{c}' (code {code}))")
    }
}

/// Rewords one of our parser's errors as Jackson reports it. Jackson's column is one past the
/// last character it read (so it points just after an unexpected character or token).
fn jackson_error(text: &str, e: &ParseError) -> ParseError {
    let at = e.offset.min(text.len());
    let rest = text.get(at..).unwrap_or("");
    let ch = rest.chars().next();
    let col0 = e.column.saturating_sub(1); // 0-based column of the offending char
    let m = e.message.as_str();
    let (message, end_col0) = if ch.is_none() || m.starts_with("Unexpected end of input") || m.starts_with("Unterminated string") {
        let what = if m.starts_with("Unterminated string") {
            "Unexpected end-of-input: was expecting closing quote for a string value".to_string()
        } else {
            match open_container(text) {
                Some((kind, off)) => {
                    let (l, c) = line_col(text, off);
                    let name = if kind == b'{' { "Object" } else { "Array" };
                    format!("Unexpected end-of-input: expected close marker for {name} (start marker at {})", jackson_source(text, l, c + 1))
                }
                None => "No content to map due to end-of-input".to_string(),
            }
        };
        let (l, c) = line_col(text, text.len());
        let msg = format!("{what}\n at {}", jackson_source(text, l, c + 1));
        return ParseError { message: msg, offset: text.len(), line: l, column: c + 1 };
    } else if m.starts_with("Unexpected character") || m.starts_with("Unexpected token") || m.starts_with("Invalid number") {
        // A value was expected here.
        let word: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$' || *c == '-' || *c == '.').collect();
        if !word.is_empty() && !word.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
            let n = word.chars().count();
            (format!("Unrecognized token '{word}': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"), col0 + n)
        } else {
            let c = ch.unwrap_or(' ');
            (format!("Unexpected character {}: expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')", char_desc(c)), col0 + 1)
        }
    } else {
        let c = ch.unwrap_or(' ');
        let expecting = if m.starts_with("Expected a double-quoted property name") {
            "was expecting double-quote to start field name"
        } else if m.starts_with("Expected ':'") {
            "was expecting a colon to separate field name and value"
        } else if m.starts_with("Expected ',' or '}'") {
            "was expecting comma to separate Object entries"
        } else if m.starts_with("Expected ',' or ']'") {
            "was expecting comma to separate Array entries"
        } else if m.starts_with("Unexpected text after") {
            "expected EOF"
        } else if m.starts_with("Control character") {
            return located(text, e, format!("Illegal unquoted character ({}): has to be escaped using backslash to be included in string value", char_desc(c).trim_matches(|x| x == '(' || x == ')')), col0 + 1);
        } else if m.starts_with("Invalid escape") {
            let esc = rest.chars().nth(1).unwrap_or(' ');
            return located(text, e, format!("Unrecognized character escape {}", char_desc(esc)), col0 + 2);
        } else {
            return located(text, e, m.to_string(), col0 + 1);
        };
        let msg = if expecting == "expected EOF" {
            format!("Unexpected character {}: expected EOF", char_desc(c))
        } else {
            format!("Unexpected character {}: {expecting}", char_desc(c))
        };
        (msg, col0 + 1)
    };
    located(text, e, message, end_col0)
}

fn located(text: &str, e: &ParseError, message: String, end_col0: usize) -> ParseError {
    ParseError {
        message: format!("{message}\n at {}", jackson_source(text, e.line, end_col0 + 1)),
        offset: e.offset,
        line: e.line,
        column: e.column,
    }
}

/// 1-based line and 0-based character column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count())
}

/// The innermost container left open at the end of the text, with its byte offset.
fn open_container(text: &str) -> Option<(u8, usize)> {
    let b = text.as_bytes();
    let mut stack: Vec<(u8, usize)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'{' | b'[' => stack.push((b[i], i)),
            b'}' | b']' => {
                stack.pop();
            }
            _ => {}
        }
        i += 1;
    }
    stack.pop()
}

// ---------------------------------------------------------------------------------------------
// YAML

/// Without the `yaml` feature, YAML text is an error.
#[cfg(not(feature = "yaml"))]
pub fn parse_yaml(text: &str) -> Result<(Value, Positions), ParseError> {
    parse_json(text)
}

#[cfg(feature = "yaml")]
/// Parses a YAML document into a `Value`, recording the span of every value and key by JSON
/// pointer. Only the first document of a stream is read.
pub fn parse_yaml(text: &str) -> Result<(Value, Positions), ParseError> {
    let mut positions = Positions::new(text);
    // saphyr's markers count characters; Positions count bytes.
    let char_to_byte: Vec<usize> = text.char_indices().map(|(i, _)| i).chain(std::iter::once(text.len())).collect();
    let byte = |ci: usize| char_to_byte.get(ci).copied().unwrap_or(text.len());
    let yaml_error = |msg: String, ci: usize| {
        let off = byte(ci);
        let (line, col0) = line_col(text, off);
        ParseError { message: msg, offset: off, line, column: col0 + 1 }
    };

    enum Frame {
        Seq { items: Vec<Value>, start: usize, pointer: String, anchor: usize },
        Map { map: Map, key: Option<(Rc<str>, usize, usize)>, start: usize, pointer: String, anchor: usize },
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Value> = HashMap::new();
    let mut root: Option<Value> = None;
    let parser = Parser::new_from_str(text);

    // The pointer of the node about to be read, given the frame it goes into.
    fn child_pointer(frame: &Frame, key_text: Option<&str>) -> String {
        match frame {
            Frame::Seq { items, pointer, .. } => format!("{pointer}/{}", items.len()),
            Frame::Map { pointer, .. } => format!("{pointer}/{}", escape_pointer_token(key_text.unwrap_or(""))),
        }
    }

    for ev in parser {
        let (event, span) = ev.map_err(|e| yaml_error(format!("YAML syntax error: {}", e.info()), e.marker().index()))?;
        let (start, end) = (byte(span.start.index()), byte(span.end.index()));
        // A completed node (scalar, alias, or closed collection) with its span and anchor.
        let node: Option<(Value, usize, usize, usize)> = match event {
            Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => None,
            Event::DocumentEnd | Event::StreamEnd => {
                if root.is_some() {
                    break;
                }
                None
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some(v) => Some((v.clone(), start, end, 0)),
                None => return Err(yaml_error("YAML alias refers to an unknown anchor".into(), span.start.index())),
            },
            Event::Scalar(s, style, anchor, tag) => {
                let v = yaml_scalar(&s, style, tag.as_deref().map(|t| t.suffix.as_str()));
                Some((v, start, end, anchor))
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(yaml_error(format!("YAML nested deeper than {MAX_DEPTH} levels"), span.start.index()));
                }
                let pointer = match stack.last() {
                    None => String::new(),
                    Some(f @ Frame::Map { key, .. }) => child_pointer(f, key.as_ref().map(|k| &*k.0)),
                    Some(f) => child_pointer(f, None),
                };
                if matches!(event, Event::SequenceStart(..)) {
                    stack.push(Frame::Seq { items: Vec::new(), start, pointer, anchor });
                } else {
                    stack.push(Frame::Map { map: Map::default(), key: None, start, pointer, anchor });
                }
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq { items, start, anchor, .. }) => Some((Value::array(items), start, end.max(start), anchor)),
                Some(Frame::Map { map, start, anchor, .. }) => Some((Value::object(map), start, end.max(start), anchor)),
                None => None,
            },
        };
        let Some((value, start, end, anchor)) = node else { continue };
        if anchor != 0 {
            anchors.insert(anchor, value.clone());
        }
        // Block collections end where their last child ends; trim trailing whitespace.
        let end = start + text.get(start..end).map_or(0, |s| s.trim_end().len());
        let span = Span { start, end };
        match stack.last_mut() {
            None => {
                positions.insert_value(String::new(), span);
                root = Some(value);
            }
            Some(Frame::Seq { items, pointer, .. }) => {
                positions.insert_value(format!("{pointer}/{}", items.len()), span);
                items.push(value);
            }
            Some(Frame::Map { map, key, pointer, .. }) => match key.take() {
                None => {
                    let k: Rc<str> = match &value {
                        Value::String(s) => s.clone(),
                        Value::Null => "null".into(),
                        Value::Bool(_) | Value::Number(_) => value.to_json().into(),
                        _ => return Err(yaml_error("YAML mapping keys must be scalars".into(), char_index(text, start))),
                    };
                    *key = Some((k, start, end));
                }
                Some((k, ks, ke)) => {
                    let p = format!("{pointer}/{}", escape_pointer_token(&k));
                    positions.insert_key(p.clone(), Span { start: ks, end: ke });
                    positions.insert_value(p, span);
                    map.insert(k, value);
                }
            },
        }
    }
    Ok((root.unwrap_or(Value::Null), positions))
}

#[cfg(feature = "yaml")]
fn char_index(text: &str, byte: usize) -> usize {
    text.get(..byte).map_or(0, |s| s.chars().count())
}

#[cfg(feature = "yaml")]
/// A YAML scalar under the 1.2 core schema.
fn yaml_scalar(s: &str, style: ScalarStyle, tag: Option<&str>) -> Value {
    if let Some(tag) = tag {
        match tag {
            "str" => return Value::string(s),
            "null" => return Value::Null,
            "bool" => return Value::Bool(matches!(s, "true" | "True" | "TRUE")),
            "int" | "float" => return core_number(s).map(Value::Number).unwrap_or_else(|| Value::string(s)),
            _ => {}
        }
    }
    if style != ScalarStyle::Plain {
        return Value::string(s);
    }
    match s {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => core_number(s).map(Value::Number).unwrap_or_else(|| Value::string(s)),
    }
}

#[cfg(feature = "yaml")]
/// Numbers of the YAML 1.2 core schema that JSON can hold (not `.inf`/`.nan`).
fn core_number(s: &str) -> Option<Number> {
    let digits = |t: &str, radix: u32| !t.is_empty() && t.chars().all(|c| c.is_digit(radix));
    if let Some(h) = s.strip_prefix("0x") {
        return if digits(h, 16) { i64::from_str_radix(h, 16).ok().map(Number::Int) } else { None };
    }
    if let Some(o) = s.strip_prefix("0o") {
        return if digits(o, 8) { i64::from_str_radix(o, 8).ok().map(Number::Int) } else { None };
    }
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits(unsigned, 10) {
        return Some(match s.trim_start_matches('+').parse::<i64>() {
            Ok(i) => Number::Int(i),
            Err(_) => Number::from_f64(s.parse::<f64>().ok()?)?,
        });
    }
    // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
    let (mantissa, exp) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((a, b)) => (a.is_empty() && digits(b, 10)) || (digits(a, 10) && (b.is_empty() || digits(b, 10))),
        None => digits(mantissa, 10),
    };
    let exp_ok = exp.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
    if !mantissa_ok || !exp_ok {
        return None;
    }
    let json_text = s.trim_start_matches('+');
    if crate::value::parse(json_text).is_ok_and(|v| matches!(v, Value::Number(_))) {
        return Some(Number::from_json_text(json_text));
    }
    Number::from_f64(json_text.parse::<f64>().ok()?)
}

// ---------------------------------------------------------------------------------------------
// DefinitionSubstitutions

/// Where substituted text came from, to map positions back onto the text the user wrote.
#[derive(Clone, Debug, Default)]
pub struct OffsetMap {
    /// (offset in the substituted text, offset in the original, length in the substituted text,
    /// length in the original) of each replaced placeholder, in order.
    pieces: Vec<(usize, usize, usize, usize)>,
}

impl OffsetMap {
    /// Maps a byte offset of the substituted text back to the original text: inside a
    /// replacement, to the placeholder's start (or end, for an end offset).
    pub fn to_original(&self, offset: usize, is_end: bool) -> usize {
        let mut shift: isize = 0;
        for &(new_at, old_at, new_len, old_len) in &self.pieces {
            if offset < new_at {
                break;
            }
            if offset < new_at + new_len || (is_end && offset == new_at + new_len && new_len > 0) {
                return if is_end { old_at + old_len } else { old_at };
            }
            shift = (old_at + old_len) as isize - (new_at + new_len) as isize;
        }
        (offset as isize + shift).max(0) as usize
    }
}

/// A `${Name}` placeholder that had no value.
#[derive(Clone, Debug, PartialEq)]
pub struct Unresolved {
    pub name: String,
    /// Byte range of the placeholder in the original text.
    pub span: Span,
}

/// Replaces `${Name}` placeholders with their values, as CloudFormation's and SAM's
/// `DefinitionSubstitutions` do (textually, before the definition is parsed). `${!Name}` stands
/// for a literal `${Name}`. Unknown names stay as written and are listed.
pub fn substitute(text: &str, values: &HashMap<String, String>) -> (String, OffsetMap, Vec<Unresolved>) {
    let mut out = String::with_capacity(text.len());
    let mut map = OffsetMap::default();
    let mut unresolved = Vec::new();
    let mut i = 0;
    while let Some(rel) = text[i..].find("${") {
        let at = i + rel;
        out.push_str(&text[i..at]);
        let Some(close) = text[at + 2..].find('}') else {
            i = at;
            break;
        };
        let name = &text[at + 2..at + 2 + close];
        let end = at + 2 + close + 1;
        let valid = |n: &str| !n.is_empty() && n.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | ':'));
        if let Some(lit) = name.strip_prefix('!').filter(|n| valid(n)) {
            let repl = format!("${{{lit}}}");
            map.pieces.push((out.len(), at, repl.len(), end - at));
            out.push_str(&repl);
        } else if !valid(name) {
            out.push_str("${");
            i = at + 2;
            continue;
        } else if let Some(v) = values.get(name) {
            map.pieces.push((out.len(), at, v.len(), end - at));
            out.push_str(v);
        } else {
            unresolved.push(Unresolved { name: name.to_string(), span: Span { start: at, end } });
            out.push_str(&text[at..end]);
        }
        i = end;
    }
    out.push_str(&text[i..]);
    (out, map, unresolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(feature = "yaml")]
    fn detects_format() {
        assert_eq!(parse_source("  {\"a\": 1}").unwrap().2, SourceFormat::Json);
        let (v, _, f) = parse_source("StartAt: A\nStates:\n  A:\n    Type: Pass\n    End: true\n").unwrap();
        assert_eq!(f, SourceFormat::Yaml);
        assert_eq!(v.get("States").unwrap().get("A").unwrap().get("End"), Some(&Value::Bool(true)));
    }

    #[test]
    fn jackson_unrecognized_token() {
        let e = parse_source("not a definition").unwrap_err();
        assert_eq!(
            e.message,
            "Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"not a definition\"; line: 1, column: 4]"
        );
        assert_eq!((e.line, e.column), (1, 1));
    }

    #[test]
    fn jackson_other_errors() {
        let e = parse_source("{\n  \"a\": 1\n  \"b\": 2\n}").unwrap_err();
        assert!(e.message.starts_with("Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries\n at [Source: (String)\"{"), "{}", e.message);
        assert!(e.message.ends_with("; line: 3, column: 4]"), "{}", e.message);
        assert_eq!((e.line, e.column), (3, 3));
        let e = parse_source("{\"a\": [1, 2").unwrap_err();
        assert!(e.message.starts_with("Unexpected end-of-input: expected close marker for Array (start marker at [Source: (String)\"{\"a\": [1, 2\"; line: 1, column: 7])"), "{}", e.message);
        let e = parse_source("{\"a\": tru}").unwrap_err();
        assert!(e.message.starts_with("Unrecognized token 'tru'"), "{}", e.message);
        let e = parse_source("{'a': 1}").unwrap_err();
        assert!(e.message.starts_with("Unexpected character (''' (code 39)): was expecting double-quote to start field name"), "{}", e.message);
    }

    #[test]
    #[cfg(feature = "yaml")]
    fn yaml_core_schema() {
        let (v, _) = parse_yaml("a: 1\nb: -2.5\nc: '3'\nd: ~\ne: True\nf: 0x1F\ng: 0o17\nh: 1e3\ni: \"true\"\nj: .5\nk: 007\nl: hello world\nm:\n").unwrap();
        assert_eq!(v.to_json(), r#"{"a":1,"b":-2.5,"c":"3","d":null,"e":true,"f":31,"g":15,"h":1e3,"i":"true","j":0.5,"k":7,"l":"hello world","m":null}"#);
    }

    #[test]
    #[cfg(feature = "yaml")]
    fn yaml_positions() {
        let text = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Next: B\n  list:\n    - x\n    - {y: 2}\n";
        let (v, ps) = parse_yaml(text).unwrap();
        assert_eq!(v.get("States").unwrap().get("list").unwrap().to_json(), r#"["x",{"y":2}]"#);
        let s = ps.value("/States/A/Next").unwrap();
        assert_eq!(&text[s.start..s.end], "B");
        assert_eq!(ps.line_column(s.start), (5, 11));
        let k = ps.key("/States/A").unwrap();
        assert_eq!(ps.line_column(k.start), (3, 3));
        let s = ps.value("/States/list/1/y").unwrap();
        assert_eq!(&text[s.start..s.end], "2");
        let s = ps.value("/States/A").unwrap();
        assert_eq!(&text[s.start..s.end], "Type: Pass\n    Next: B");
    }

    #[test]
    #[cfg(feature = "yaml")]
    fn yaml_errors_and_limits_do_not_panic() {
        let e = parse_source("a: b\n  c: d\n").unwrap_err();
        assert!(e.message.starts_with("YAML syntax error"), "{}", e.message);
        assert_eq!(e.line, 2);
        assert!(parse_yaml(&"[".repeat(100_000)).is_err());
        assert!(parse_yaml(&"- ".repeat(10_000)).is_err());
        assert!(parse_yaml("a: &x [1, 2]\nb: *x\nc: *y\n").is_err());
        let (v, _) = parse_yaml("a: &x [1, 2]\nb: *x\n").unwrap();
        assert_eq!(v.to_json(), r#"{"a":[1,2],"b":[1,2]}"#);
        for t in ["", "   ", "---", "- a", "a", "{", "}", ":", "? a", "&a", "*a", "!!binary x", "a: !!int x", "\u{feff}{}"] {
            let _ = parse_source(t);
        }
    }

    #[test]
    fn substitutions_map_offsets_back() {
        let mut values = HashMap::new();
        values.insert("Fn".to_string(), "arn:aws:lambda:us-east-1:111111111111:function:f".to_string());
        let text = "{\"R\": \"${Fn}\", \"S\": \"${Missing}\", \"T\": \"${!Fn}\", \"U\": 1}";
        let (out, map, unresolved) = substitute(text, &values);
        assert_eq!(out, "{\"R\": \"arn:aws:lambda:us-east-1:111111111111:function:f\", \"S\": \"${Missing}\", \"T\": \"${Fn}\", \"U\": 1}");
        assert_eq!(unresolved.len(), 1);
        assert_eq!(unresolved[0].name, "Missing");
        assert_eq!(&text[unresolved[0].span.start..unresolved[0].span.end], "${Missing}");
        let u_new = out.find("\"U\"").unwrap();
        assert_eq!(map.to_original(u_new, false), text.find("\"U\"").unwrap());
        let inside = out.find("lambda").unwrap();
        assert_eq!(map.to_original(inside, false), text.find("${Fn}").unwrap());
    }
}
