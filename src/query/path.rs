//! JSONPath as ASL uses it: Paths (`InputPath`, `.$` fields, `ItemsPath`, ...) and Reference
//! Paths (`ResultPath`, Choice `Variable`), compiled once when the definition is parsed.
//!
//! A path starts at the state input (`$`), the context object (`$$`) or a workflow variable
//! (`$name`). The syntax and the results follow Jayway JsonPath, which AWS uses:
//!
//! - fields `.name`, `['name']`, `["name"]`, several fields `['a','b']`;
//! - indexes `[0]`, `[-1]`, several `[0,2]`, slices `[1:3]`, `[1:]`, `[:2]`, `[-2:]`;
//! - wildcards `.*`, `[*]`, recursive descent `..name`, `..*`, `..[0]`;
//! - filters `[?(@.price < 10 && @.isbn)]` with `==`, `!=`, `<`, `<=`, `>`, `>=`, `=~`, `in`,
//!   `nin`, `subsetof`, `anyof`, `noneof`, `size`, `empty`, `contains`, `!`, `&&`, `||`.
//!
//! A *definite* path (only fields and single indexes) yields the value itself, or fails with
//! Jayway's message; any other path yields an array of the matches, possibly empty. Functions
//! such as `.length()` parse but, as in AWS, never produce a result.

use super::regex::Regex;
use super::{QueryError, Scope};
use crate::value::{Map, Number, Value};
use std::rc::Rc;

/// Deepest nesting of filter expressions accepted at parse time.
const MAX_FILTER_DEPTH: usize = 32;

/// Most segments in one path. Paths are walked (and written through) one segment per call
/// level, and a path longer than the deepest JSON value could never match anything anyway.
const MAX_SEGMENTS: usize = crate::value::MAX_DEPTH + 1;

/// Where a path starts.
#[derive(Clone, Debug, PartialEq)]
pub enum Root {
    /// `$`: the state's input (or whatever value the caller evaluates against).
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: a workflow variable.
    Variable(Rc<str>),
}

/// One step of a path.
#[derive(Clone, Debug, PartialEq)]
pub enum Segment {
    /// `.name` or `['name']`
    Field(Rc<str>),
    /// `[n]`; negative counts from the end.
    Index(i64),
    /// `['a','b']`: as the last step, an object holding those of the fields that exist;
    /// elsewhere, each field in turn.
    Fields(Vec<Rc<str>>),
    /// `[0,2]`
    Indexes(Vec<i64>),
    /// `[from:to]`, either bound optional; negative bounds count from the end.
    Slice(Option<i64>, Option<i64>),
    /// `.*` or `[*]`
    Wildcard,
    /// `..x`: `x` applied at every level, in document order.
    Descent(Box<Segment>),
    /// `[?(...)]`
    Filter(Rc<Filter>),
    /// `.name()`: a Jayway function. AWS accepts the syntax but finds no result.
    Function(Rc<str>),
}

/// A filter predicate.
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    Or(Box<Filter>, Box<Filter>),
    And(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    /// A bare path: true when it names something (even `null`).
    Exists(SubPath),
    Compare(Operand, Op, Operand),
}

/// A relational operator of a filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Regex,
    In,
    Nin,
    SubsetOf,
    AnyOf,
    NoneOf,
    Size,
    Empty,
    Contains,
}

/// One side of a filter comparison.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    Literal(Value),
    Path(SubPath),
    Pattern(Rc<Regex>),
}

/// A path inside a filter: `@...` (the current item) or `$...`, `$$...`, `$var...`.
#[derive(Clone, Debug, PartialEq)]
pub struct SubPath {
    /// True for `@`.
    pub current: bool,
    pub root: Root,
    pub segments: Vec<Segment>,
    /// A trailing `.length()` / `.size()`, which filters evaluate.
    pub length: bool,
}

#[derive(Clone, Debug)]
pub struct Path {
    text: Rc<str>,
    root: Root,
    segments: Vec<Segment>,
    definite: bool,
}

impl Path {
    /// Compiles path text. The error is a human-readable reason.
    pub fn parse(text: &str) -> Result<Path, String> {
        let mut p = Parser { s: text.as_bytes(), text, pos: 0, depth: 0 };
        let root = p.root().map_err(|e| format!("The path '{text}' is not valid: {e}"))?;
        let segments = p.segments(false).map_err(|e| format!("The path '{text}' is not valid: {e}"))?;
        if p.pos < p.s.len() {
            return Err(format!("The path '{text}' is not valid: unexpected '{}' at position {}", p.rest_preview(), p.pos));
        }
        let definite = is_definite(&segments);
        Ok(Path { text: text.into(), root, segments, definite })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn root(&self) -> &Root {
        &self.root
    }

    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// A Reference Path names one node: only fields and single indexes, no wildcards, slices,
    /// unions, descent, filters or functions.
    pub fn is_reference(&self) -> bool {
        self.segments.iter().all(|s| matches!(s, Segment::Field(_) | Segment::Index(_)))
    }

    /// Definite paths yield one value; the others yield an array of matches.
    pub fn is_definite(&self) -> bool {
        self.definite
    }

    /// Evaluates the path. A definite path yields the value or Jayway's reason for finding
    /// nothing (e.g. `No results for path: $['a']`); an indefinite path yields the array of
    /// its matches.
    pub fn find(&self, scope: &Scope) -> Result<Value, String> {
        let variable;
        let start = match &self.root {
            Root::Input => scope.input,
            Root::Context => scope.context,
            Root::Variable(name) => match scope.variables.and_then(|vars| vars.get(name)) {
                Some(v) => {
                    variable = v;
                    &variable
                }
                None => return Err(format!("No results for path: {}", self.normalized())),
            },
        };
        let ctx = Ctx { scope, doc: start };
        if self.definite {
            if let Some(v) = self.find_present(start) {
                return Ok(v.clone());
            }
            self.find_definite(start, &ctx)
        } else {
            let mut out = Vec::new();
            walk(&self.segments, start, &ctx, &mut out);
            Ok(Value::array(out))
        }
    }

    /// A definite path through fields and indexes that all exist, walked by reference (no
    /// value is cloned on the way). `None` leaves every other case, and the error texts, to
    /// `find_definite`.
    fn find_present<'v>(&self, start: &'v Value) -> Option<&'v Value> {
        let mut cur = start;
        for seg in &self.segments {
            cur = match (seg, cur) {
                (Segment::Field(name), Value::Object(o)) => o.get(&**name)?,
                (Segment::Index(i), Value::Array(a)) => &a[index_of(*i, a.len())?],
                _ => return None,
            };
        }
        Some(cur)
    }

    // Out of line: `find` runs on every path a state evaluates and should stay small for V8 to
    // compile it early; this is its rarer part (a missing field, a filter, an error text).
    #[inline(never)]
    fn find_definite(&self, start: &Value, ctx: &Ctx) -> Result<Value, String> {
        let mut cur = start.clone();
        // The path up to the current step, for error texts only: built when one is needed.
        let prefix_at = |i: usize| {
            let mut p = self.root_text();
            for seg in &self.segments[..i] {
                p.push_str(&fragment(seg));
            }
            p
        };
        let last = self.segments.len().saturating_sub(1);
        for (i, seg) in self.segments.iter().enumerate() {
            let leaf = i == last;
            let next = match seg {
                Segment::Field(name) => match &cur {
                    Value::Object(o) => match o.get(&**name) {
                        Some(v) => v.clone(),
                        None if leaf => return Err(format!("No results for path: {}", self.normalized())),
                        None => return Err(format!("Missing property in path {}['{name}']", prefix_at(i))),
                    },
                    other => return Err(not_an_object(&format!("['{name}']"), &prefix_at(i), other)),
                },
                Segment::Fields(names) => match &cur {
                    Value::Object(o) => {
                        let mut m = Map::default();
                        for n in names {
                            if let Some(v) = o.get(&**n) {
                                m.insert(n.clone(), v.clone());
                            }
                        }
                        Value::object(m)
                    }
                    other => return Err(not_an_object(&fragment(seg), &prefix_at(i), other)),
                },
                Segment::Index(idx) => match &cur {
                    Value::Array(a) => match index_of(*idx, a.len()) {
                        Some(u) => a[u].clone(),
                        None => return Err(format!("No results for path: {}", self.normalized())),
                    },
                    Value::Null => return Err(format!("The path {} is null", prefix_at(i))),
                    other => {
                        return Err(format!(
                            "Filter: [{idx}] can only be applied to arrays. Current context is: {}",
                            java_display(other)
                        ))
                    }
                },
                Segment::Function(_) => return Err(format!("No results for path: {}", self.normalized())),
                // Not reachable for definite paths; evaluate generically to stay total.
                _ => {
                    let mut out = Vec::new();
                    walk(std::slice::from_ref(seg), &cur, ctx, &mut out);
                    Value::array(out)
                }
            };
            cur = next;
        }
        Ok(cur)
    }

    /// Selects the value the path names; `None` when a definite path names nothing. An
    /// indefinite path always yields an array (possibly empty), unless its variable is undefined.
    pub fn select(&self, scope: &Scope) -> Option<Value> {
        self.find(scope).ok()
    }

    fn root_text(&self) -> String {
        match &self.root {
            Root::Input => "$".into(),
            Root::Context => "$$".into(),
            Root::Variable(name) => format!("${name}"),
        }
    }

    /// The path in Jayway's bracket notation (`$['a']['b']`), as AWS quotes it in errors.
    pub fn normalized(&self) -> String {
        let mut s = self.root_text();
        for seg in &self.segments {
            s.push_str(&fragment(seg));
        }
        s
    }

    /// Selects, or fails with AWS's "Invalid path" runtime error.
    pub fn select_required(&self, scope: &Scope) -> Result<Value, QueryError> {
        self.find(scope).map_err(|detail| QueryError::runtime(format!("Invalid path '{}' : {detail}", self.text)))
    }

    /// Writes `value` at this (reference) path inside `target`, creating objects on the way,
    /// as `ResultPath` does. `$` replaces the whole target. Only the objects and arrays on the
    /// way are copied (and only when shared).
    pub fn set(&self, target: &Value, value: Value) -> Result<Value, QueryError> {
        if !self.is_reference() {
            return Err(self.result_path_mismatch(target));
        }
        let mut out = target.clone();
        put(&mut out, &self.segments, value).map_err(|()| self.result_path_mismatch(target))?;
        Ok(out)
    }

    fn result_path_mismatch(&self, at: &Value) -> QueryError {
        QueryError::new(
            "States.ResultPathMatchFailure",
            format!("Unable to apply ResultPath '{}' to input '{}'", self.text, at.to_json()),
        )
    }
}

/// In-place write used by `set`: `Rc::make_mut` copies a level only if it is shared.
fn put(cur: &mut Value, segs: &[Segment], value: Value) -> Result<(), ()> {
    let Some((first, rest)) = segs.split_first() else {
        *cur = value;
        return Ok(());
    };
    match first {
        Segment::Field(name) => {
            if cur.is_null() {
                *cur = Value::empty_object();
            }
            if let Value::Object(o) = cur {
                if Rc::strong_count(o) > 1 && o.get(&**name).is_none() {
                    // A shared object gaining a member (`ResultPath: $.result` on a state's
                    // input): copied once with room for it, rather than copied exactly and
                    // then grown.
                    let mut child = Value::Null;
                    put(&mut child, rest, value)?;
                    let mut map = o.clone_with_room(1);
                    map.insert(name.clone(), child);
                    *cur = Value::object(map);
                    return Ok(());
                }
            }
            let map = cur.make_object_mut().ok_or(())?;
            match map.get_mut(&**name) {
                Some(child) => put(child, rest, value),
                None => {
                    let mut child = Value::Null;
                    put(&mut child, rest, value)?;
                    map.insert(name.clone(), child);
                    Ok(())
                }
            }
        }
        Segment::Index(i) => {
            let items = cur.make_array_mut().ok_or(())?;
            let slot = index_of(*i, items.len()).ok_or(())?;
            put(&mut items[slot], rest, value)
        }
        _ => Err(()),
    }
}

fn index_of(i: i64, len: usize) -> Option<usize> {
    let idx = if i < 0 { len as i64 + i } else { i };
    usize::try_from(idx).ok().filter(|u| *u < len)
}

fn is_definite(segs: &[Segment]) -> bool {
    let last = segs.len().saturating_sub(1);
    segs.iter().enumerate().all(|(i, s)| match s {
        Segment::Field(_) | Segment::Index(_) => true,
        Segment::Fields(_) | Segment::Function(_) => i == last,
        _ => false,
    })
}

fn not_an_object(fragment: &str, prefix: &str, found: &Value) -> String {
    format!(
        "Expected to find an object with property {fragment} in path {prefix} but found '{}'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JacksonJsonProvider'.",
        java_class(found)
    )
}

/// The Java class Jackson maps a JSON value to (as Jayway names it in errors).
fn java_class(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "java.lang.Boolean",
        Value::String(_) => "java.lang.String",
        Value::Array(_) => "java.util.ArrayList",
        Value::Object(_) => "java.util.LinkedHashMap",
        Value::Number(Number::Int(i)) => {
            if i32::try_from(*i).is_ok() {
                "java.lang.Integer"
            } else {
                "java.lang.Long"
            }
        }
        Value::Number(n) => {
            if n.is_float_text() {
                "java.lang.Double"
            } else {
                "java.math.BigInteger"
            }
        }
    }
}

/// How Java's `toString` renders a JSON value that Jackson mapped to plain Java objects:
/// strings raw, `{k=v, k2=v2}` maps, `[a, b]` lists, doubles as `1.0`/`1.0E10`. AWS uses it
/// where it prints values in text (e.g. `States.Format` arguments, Jayway messages).
pub fn java_display(v: &Value) -> String {
    let mut out = String::new();
    write_java(v, &mut out, 0);
    out
}

fn write_java(v: &Value, out: &mut String, depth: usize) {
    if depth > 600 {
        out.push_str("...");
        return;
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::String(s) => out.push_str(s),
        Value::Number(n) => out.push_str(&java_number(n)),
        Value::Array(a) => {
            out.push('[');
            for (i, item) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_java(item, out, depth + 1);
            }
            out.push(']');
        }
        Value::Object(o) => {
            out.push('{');
            for (i, (k, item)) in o.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push('=');
                write_java(item, out, depth + 1);
            }
            out.push('}');
        }
    }
}

/// A number as Java prints the object Jackson made of it: integers as written, decimals as
/// `Double.toString` does.
pub fn java_number(n: &Number) -> String {
    match n {
        Number::Int(i) => i.to_string(),
        Number::Text(t) if !n.is_float_text() => t.text.to_string(),
        Number::Float(_) | Number::Text(_) => java_double(n.as_f64()),
    }
}

/// `Double.toString`: shortest round-trip digits; plain notation with at least one decimal
/// for 1e-3 <= |d| < 1e7, otherwise `d.dddE±n`.
pub fn java_double(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let mut out = String::new();
    if f < 0.0 {
        out.push('-');
    }
    let a = f.abs();
    if (1e-3..1e7).contains(&a) {
        let point = exp + 1; // digits before the decimal point
        if point <= 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-point) as usize));
            out.push_str(&digits);
        } else {
            let p = point as usize;
            if digits.len() <= p {
                out.push_str(&digits);
                out.extend(std::iter::repeat_n('0', p - digits.len()));
                out.push_str(".0");
            } else {
                out.push_str(&digits[..p]);
                out.push('.');
                out.push_str(&digits[p..]);
            }
        }
    } else {
        out.push_str(&digits[..1]);
        out.push('.');
        if digits.len() > 1 {
            out.push_str(&digits[1..]);
        } else {
            out.push('0');
        }
        out.push('E');
        out.push_str(&exp.to_string());
    }
    out
}

/// Jayway's text for one step, as in `$['a'][0][*]`.
fn fragment(seg: &Segment) -> String {
    match seg {
        Segment::Field(n) => format!("['{n}']"),
        Segment::Index(i) => format!("[{i}]"),
        Segment::Fields(ns) => {
            let inner: Vec<String> = ns.iter().map(|n| format!("'{n}'")).collect();
            format!("[{}]", inner.join(","))
        }
        Segment::Indexes(is) => {
            let inner: Vec<String> = is.iter().map(|i| i.to_string()).collect();
            format!("[{}]", inner.join(","))
        }
        Segment::Slice(a, b) => format!(
            "[{}:{}]",
            a.map(|x| x.to_string()).unwrap_or_default(),
            b.map(|x| x.to_string()).unwrap_or_default()
        ),
        Segment::Wildcard => "[*]".into(),
        Segment::Descent(inner) => format!("..{}", fragment(inner)),
        Segment::Filter(_) => "[?]".into(),
        Segment::Function(name) => format!(".{name}()"),
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

struct Ctx<'a, 'b> {
    scope: &'a Scope<'b>,
    /// The document `$` denotes inside filters: the value the outer path started from.
    doc: &'a Value,
}

/// Applies `segs` to `cur`, pushing every match (indefinite semantics: missing is silent).
fn walk(segs: &[Segment], cur: &Value, ctx: &Ctx, out: &mut Vec<Value>) {
    let Some((seg, rest)) = segs.split_first() else {
        out.push(cur.clone());
        return;
    };
    match seg {
        Segment::Field(name) => {
            if let Some(v) = cur.get(name) {
                walk(rest, v, ctx, out);
            }
        }
        Segment::Fields(names) => {
            if let Value::Object(o) = cur {
                if rest.is_empty() {
                    let mut m = Map::default();
                    for n in names {
                        if let Some(v) = o.get(&**n) {
                            m.insert(n.clone(), v.clone());
                        }
                    }
                    out.push(Value::object(m));
                } else {
                    for n in names {
                        if let Some(v) = o.get(&**n) {
                            walk(rest, v, ctx, out);
                        }
                    }
                }
            }
        }
        Segment::Index(i) => {
            if let Value::Array(a) = cur {
                if let Some(u) = index_of(*i, a.len()) {
                    walk(rest, &a[u], ctx, out);
                }
            }
        }
        Segment::Indexes(is) => {
            if let Value::Array(a) = cur {
                for i in is {
                    if let Some(u) = index_of(*i, a.len()) {
                        walk(rest, &a[u], ctx, out);
                    }
                }
            }
        }
        Segment::Slice(from, to) => {
            if let Value::Array(a) = cur {
                let len = a.len() as i64;
                let norm = |x: i64| if x < 0 { (len + x).max(0) } else { x.min(len) };
                let start = from.map(norm).unwrap_or(0);
                let end = to.map(norm).unwrap_or(len);
                let mut i = start;
                while i < end {
                    walk(rest, &a[i as usize], ctx, out);
                    i += 1;
                }
            }
        }
        Segment::Wildcard => match cur {
            Value::Object(o) => {
                for v in o.values() {
                    walk(rest, v, ctx, out);
                }
            }
            Value::Array(a) => {
                for v in a.iter() {
                    walk(rest, v, ctx, out);
                }
            }
            _ => {}
        },
        Segment::Descent(inner) => descend(inner, rest, cur, ctx, out, 0),
        Segment::Filter(f) => match cur {
            Value::Object(_) if eval_filter(f, cur, ctx) => walk(rest, cur, ctx, out),
            Value::Array(a) => {
                for v in a.iter() {
                    // AWS: `@` matches objects only, never scalar items.
                    if matches!(v, Value::Object(_)) && eval_filter(f, v, ctx) {
                        walk(rest, v, ctx, out);
                    }
                }
            }
            _ => {}
        },
        Segment::Function(_) => {}
    }
}

fn descend(inner: &Segment, rest: &[Segment], cur: &Value, ctx: &Ctx, out: &mut Vec<Value>, depth: usize) {
    if depth > crate::value::MAX_DEPTH + 8 {
        return;
    }
    match inner {
        Segment::Filter(f) => {
            if matches!(cur, Value::Object(_)) && eval_filter(f, cur, ctx) {
                walk(rest, cur, ctx, out);
            }
        }
        _ => {
            let mut here = Vec::new();
            walk(std::slice::from_ref(inner), cur, ctx, &mut here);
            for v in &here {
                walk(rest, v, ctx, out);
            }
        }
    }
    match cur {
        Value::Object(o) => {
            for v in o.values() {
                descend(inner, rest, v, ctx, out, depth + 1);
            }
        }
        Value::Array(a) => {
            for v in a.iter() {
                descend(inner, rest, v, ctx, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// A filter operand's value: `None` when a path names nothing (Jayway's "undefined").
fn operand_value(op: &Operand, item: &Value, ctx: &Ctx) -> Option<Value> {
    match op {
        Operand::Literal(v) => Some(v.clone()),
        Operand::Pattern(_) => None,
        Operand::Path(p) => sub_path_value(p, item, ctx),
    }
}

fn sub_path_value(p: &SubPath, item: &Value, ctx: &Ctx) -> Option<Value> {
    let start = if p.current {
        item.clone()
    } else {
        match &p.root {
            Root::Input => ctx.doc.clone(),
            Root::Context => ctx.scope.context.clone(),
            Root::Variable(name) => ctx.scope.variables?.get(name)?,
        }
    };
    let v = if is_definite(&p.segments) && !p.segments.iter().any(|s| matches!(s, Segment::Function(_))) {
        definite_value(&p.segments, start)?
    } else {
        let mut out = Vec::new();
        walk(&p.segments, &start, ctx, &mut out);
        Value::array(out)
    };
    if p.length {
        return match &v {
            Value::Array(a) => Some(Value::int(a.len() as i64)),
            Value::Object(o) => Some(Value::int(o.len() as i64)),
            Value::String(s) => Some(Value::int(s.encode_utf16().count() as i64)),
            _ => None,
        };
    }
    Some(v)
}

fn definite_value(segs: &[Segment], start: Value) -> Option<Value> {
    let mut cur = start;
    let last = segs.len().saturating_sub(1);
    for (i, seg) in segs.iter().enumerate() {
        cur = match seg {
            Segment::Field(n) => cur.get(n)?.clone(),
            Segment::Index(idx) => {
                let a = cur.as_array()?;
                a.get(index_of(*idx, a.len())?)?.clone()
            }
            Segment::Fields(ns) if i == last => {
                let o = cur.as_object()?;
                Value::object(ns.iter().filter_map(|n| o.get(&**n).map(|v| (n.clone(), v.clone()))).collect())
            }
            _ => return None,
        };
    }
    Some(cur)
}

fn eval_filter(f: &Filter, item: &Value, ctx: &Ctx) -> bool {
    match f {
        Filter::Or(a, b) => eval_filter(a, item, ctx) || eval_filter(b, item, ctx),
        Filter::And(a, b) => eval_filter(a, item, ctx) && eval_filter(b, item, ctx),
        Filter::Not(a) => !eval_filter(a, item, ctx),
        Filter::Exists(p) => match sub_path_value(p, item, ctx) {
            None => false,
            Some(Value::Array(a)) if !is_definite(&p.segments) => !a.is_empty(),
            Some(_) => true,
        },
        Filter::Compare(l, op, r) => compare(l, *op, r, item, ctx),
    }
}

fn compare(l: &Operand, op: Op, r: &Operand, item: &Value, ctx: &Ctx) -> bool {
    if op == Op::Regex {
        let (pat, other) = match (l, r) {
            (Operand::Pattern(p), o) | (o, Operand::Pattern(p)) => (p, o),
            _ => return false,
        };
        let text = match operand_value(other, item, ctx) {
            Some(Value::String(s)) => s.to_string(),
            Some(Value::Number(n)) => java_number(&n),
            Some(Value::Bool(b)) => b.to_string(),
            _ => return false,
        };
        return pat.is_full_match(&text);
    }
    let lv = operand_value(l, item, ctx);
    let rv = operand_value(r, item, ctx);
    match op {
        Op::Eq => jayway_eq(lv.as_ref(), rv.as_ref()),
        Op::Ne => !jayway_eq(lv.as_ref(), rv.as_ref()),
        Op::Lt | Op::Le | Op::Gt | Op::Ge => {
            let (Some(a), Some(b)) = (lv, rv) else { return false };
            let ord = match (&a, &b) {
                (Value::Number(x), Value::Number(y)) => x.partial_cmp(y),
                (Value::String(x), Value::String(y)) => Some(x.encode_utf16().cmp(y.encode_utf16())),
                _ => None,
            };
            let Some(ord) = ord else { return false };
            match op {
                Op::Lt => ord.is_lt(),
                Op::Le => ord.is_le(),
                Op::Gt => ord.is_gt(),
                _ => ord.is_ge(),
            }
        }
        Op::In | Op::Nin => {
            let found = match (&lv, &rv) {
                (Some(x), Some(Value::Array(list))) => list.iter().any(|e| jayway_eq(Some(x), Some(e))),
                _ => false,
            };
            if op == Op::In {
                found
            } else {
                !found
            }
        }
        Op::SubsetOf | Op::AnyOf | Op::NoneOf => {
            let (Some(Value::Array(left)), Some(Value::Array(right))) = (&lv, &rv) else {
                return false;
            };
            let has = |x: &Value| right.iter().any(|e| jayway_eq(Some(x), Some(e)));
            match op {
                Op::SubsetOf => left.iter().all(has),
                Op::AnyOf => left.iter().any(has),
                _ => !left.iter().any(has),
            }
        }
        Op::Size => {
            let len = match &lv {
                Some(Value::Array(a)) => a.len() as i64,
                Some(Value::String(s)) => s.encode_utf16().count() as i64,
                _ => return false,
            };
            matches!(&rv, Some(Value::Number(n)) if n.as_i64() == Some(len))
        }
        Op::Empty => {
            let empty = match &lv {
                Some(Value::Array(a)) => a.is_empty(),
                Some(Value::String(s)) => s.is_empty(),
                _ => return false,
            };
            matches!(&rv, Some(Value::Bool(b)) if *b == empty)
        }
        Op::Contains => match (&lv, &rv) {
            (Some(Value::String(s)), Some(Value::String(t))) => s.contains(&**t),
            (Some(Value::Array(a)), Some(x)) => a.iter().any(|e| jayway_eq(Some(e), Some(x))),
            _ => false,
        },
        Op::Regex => false,
    }
}

/// Jayway's `==`: numbers by value, a number equals a string that parses to it, a string
/// equals a number whose text it is; undefined equals nothing.
fn jayway_eq(a: Option<&Value>, b: Option<&Value>) -> bool {
    let (Some(a), Some(b)) = (a, b) else { return false };
    match (a, b) {
        (Value::Number(x), Value::String(s)) => s.trim().parse::<f64>().is_ok_and(|f| f == x.as_f64()),
        (Value::String(s), Value::Number(n)) => {
            let mut t = String::new();
            n.write(&mut t);
            **s == *t
        }
        _ => a == b,
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn peek_at(&self, k: usize) -> Option<u8> {
        self.s.get(self.pos + k).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn rest_preview(&self) -> String {
        self.text.get(self.pos..).unwrap_or("").chars().take(20).collect()
    }

    fn err<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("{what} at position {}", self.pos))
    }

    /// `$`, `$$` or `$name`.
    fn root(&mut self) -> Result<Root, String> {
        if !self.eat(b'$') {
            return Err("a path must start with '$'".into());
        }
        if self.eat(b'$') {
            return Ok(Root::Context);
        }
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 {
                self.pos += 1;
            } else {
                break;
            }
        }
        if self.pos == start {
            Ok(Root::Input)
        } else {
            Ok(Root::Variable(self.slice(start, self.pos)?.into()))
        }
    }

    fn slice(&self, a: usize, b: usize) -> Result<&'a str, String> {
        self.text.get(a..b).ok_or_else(|| "invalid text boundary".to_string())
    }

    /// Steps until the end of the path (or, in a filter, until something that is not a step).
    fn segments(&mut self, in_filter: bool) -> Result<Vec<Segment>, String> {
        let mut segs = Vec::new();
        loop {
            if segs.last().is_some_and(|s| matches!(s, Segment::Function(_))) {
                break;
            }
            match self.peek() {
                Some(b'.') if self.peek_at(1) == Some(b'.') => {
                    self.pos += 2;
                    let inner = match self.peek() {
                        Some(b'[') => {
                            self.pos += 1;
                            self.bracket()?
                        }
                        Some(b'*') => {
                            self.pos += 1;
                            Segment::Wildcard
                        }
                        _ => match self.dot_name(in_filter)? {
                            Segment::Function(_) => return self.err("a function cannot follow '..'"),
                            s => s,
                        },
                    };
                    segs.push(Segment::Descent(Box::new(inner)));
                }
                Some(b'.') => {
                    self.pos += 1;
                    match self.peek() {
                        Some(b'[') => {
                            self.pos += 1;
                            segs.push(self.bracket()?);
                        }
                        Some(b'*') => {
                            self.pos += 1;
                            segs.push(Segment::Wildcard);
                        }
                        _ => segs.push(self.dot_name(in_filter)?),
                    }
                }
                Some(b'[') => {
                    self.pos += 1;
                    segs.push(self.bracket()?);
                }
                _ => break,
            }
            if segs.len() > MAX_SEGMENTS {
                return self.err(&format!("more than {MAX_SEGMENTS} segments"));
            }
        }
        Ok(segs)
    }

    /// A dot-notation name, possibly a function call `name()`.
    fn dot_name(&mut self, in_filter: bool) -> Result<Segment, String> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            let stop = match c {
                b'.' | b'[' | b'(' => true,
                b' ' | b'\t' | b'\n' | b'\r' => {
                    if in_filter {
                        true
                    } else {
                        return self.err("use bracket notation ['my prop'] for names with blanks");
                    }
                }
                b')' | b'=' | b'!' | b'<' | b'>' | b'&' | b'|' | b',' | b'~' | b']' => in_filter,
                _ => false,
            };
            if stop {
                break;
            }
            self.pos += 1;
        }
        if self.pos == start {
            return self.err("empty field name");
        }
        let name = self.slice(start, self.pos)?;
        if self.eat(b'(') {
            // Function arguments are not evaluated; skip to the matching parenthesis.
            let mut depth = 1usize;
            while depth > 0 {
                match self.peek() {
                    None => return self.err("unclosed function call"),
                    Some(b'(') => depth += 1,
                    Some(b')') => depth -= 1,
                    _ => {}
                }
                self.pos += 1;
            }
            return Ok(Segment::Function(name.into()));
        }
        Ok(Segment::Field(name.into()))
    }

    /// After `[`: `*`, `?(...)`, quoted names, indexes or a slice, then `]`.
    fn bracket(&mut self) -> Result<Segment, String> {
        self.skip_ws();
        let seg = match self.peek() {
            Some(b'*') => {
                self.pos += 1;
                Segment::Wildcard
            }
            Some(b'?') => {
                self.pos += 1;
                self.skip_ws();
                let parens = self.eat(b'(');
                self.depth = 0;
                let f = self.filter_or()?;
                self.skip_ws();
                if parens && !self.eat(b')') {
                    return self.err("expected ')' to close the filter");
                }
                Segment::Filter(Rc::new(f))
            }
            Some(q @ (b'\'' | b'"')) => {
                let mut names: Vec<Rc<str>> = Vec::new();
                let mut quote = q;
                loop {
                    self.pos += 1; // opening quote
                    let start = self.pos;
                    loop {
                        match self.peek() {
                            None => return self.err("unclosed quoted name"),
                            Some(b'\\') => self.pos += 2,
                            Some(c) if c == quote => break,
                            Some(_) => self.pos += 1,
                        }
                    }
                    names.push(self.slice(start, self.pos)?.into());
                    self.pos += 1; // closing quote
                    self.skip_ws();
                    if self.eat(b',') {
                        self.skip_ws();
                        match self.peek() {
                            Some(c @ (b'\'' | b'"')) => quote = c,
                            _ => return self.err("expected a quoted name after ','"),
                        }
                    } else {
                        break;
                    }
                }
                if names.len() == 1 {
                    Segment::Field(names.remove(0))
                } else {
                    Segment::Fields(names)
                }
            }
            Some(c) if c == b'-' || c == b':' || c.is_ascii_digit() => {
                let start = self.pos;
                while matches!(self.peek(), Some(c) if c != b']') {
                    self.pos += 1;
                }
                let inner: String = self.slice(start, self.pos)?.chars().filter(|c| !c.is_whitespace()).collect();
                let int = |t: &str| -> Result<i64, String> {
                    t.parse::<i64>().map_err(|_| format!("'{t}' is not an integer index"))
                };
                if let Some((a, b)) = inner.split_once(':') {
                    if b.contains(':') {
                        return Err(format!("slices with a step are not supported: [{inner}]"));
                    }
                    let a = if a.is_empty() { None } else { Some(int(a)?) };
                    let b = if b.is_empty() { None } else { Some(int(b)?) };
                    Segment::Slice(a, b)
                } else {
                    let mut idx = Vec::new();
                    for part in inner.split(',') {
                        idx.push(int(part)?);
                    }
                    if idx.len() == 1 {
                        Segment::Index(idx[0])
                    } else {
                        Segment::Indexes(idx)
                    }
                }
            }
            _ => return self.err("unsupported subscript"),
        };
        self.skip_ws();
        if !self.eat(b']') {
            return self.err("expected ']'");
        }
        Ok(seg)
    }

    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_FILTER_DEPTH {
            return self.err("filter nested too deeply");
        }
        Ok(())
    }

    fn filter_or(&mut self) -> Result<Filter, String> {
        self.enter()?;
        let mut left = self.filter_and()?;
        loop {
            self.skip_ws();
            if self.peek() == Some(b'|') && self.peek_at(1) == Some(b'|') {
                self.pos += 2;
                let right = self.filter_and()?;
                left = Filter::Or(Box::new(left), Box::new(right));
            } else {
                break;
            }
        }
        self.depth -= 1;
        Ok(left)
    }

    fn filter_and(&mut self) -> Result<Filter, String> {
        let mut left = self.filter_unary()?;
        loop {
            self.skip_ws();
            if self.peek() == Some(b'&') && self.peek_at(1) == Some(b'&') {
                self.pos += 2;
                let right = self.filter_unary()?;
                left = Filter::And(Box::new(left), Box::new(right));
            } else {
                break;
            }
        }
        Ok(left)
    }

    fn filter_unary(&mut self) -> Result<Filter, String> {
        self.skip_ws();
        if self.peek() == Some(b'!') && self.peek_at(1) != Some(b'=') {
            self.pos += 1;
            self.enter()?;
            let inner = self.filter_unary()?;
            self.depth -= 1;
            return Ok(Filter::Not(Box::new(inner)));
        }
        if self.peek() == Some(b'(') {
            self.pos += 1;
            let inner = self.filter_or()?;
            self.skip_ws();
            if !self.eat(b')') {
                return self.err("expected ')'");
            }
            return Ok(inner);
        }
        let left = self.operand()?;
        self.skip_ws();
        let Some(op) = self.operator() else {
            return match left {
                Operand::Path(p) => Ok(Filter::Exists(p)),
                Operand::Literal(Value::Bool(true)) => Ok(Filter::Not(Box::new(Filter::Not(Box::new(always_true()))))),
                Operand::Literal(Value::Bool(false)) => Ok(Filter::Not(Box::new(always_true()))),
                _ => self.err("expected a comparison operator"),
            };
        };
        self.skip_ws();
        let right = self.operand()?;
        Ok(Filter::Compare(left, op, right))
    }

    fn operator(&mut self) -> Option<Op> {
        const OPS: [(&str, Op); 15] = [
            ("===", Op::Eq),
            ("!==", Op::Ne),
            ("==", Op::Eq),
            ("!=", Op::Ne),
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("=~", Op::Regex),
            ("<", Op::Lt),
            (">", Op::Gt),
            ("subsetof", Op::SubsetOf),
            ("anyof", Op::AnyOf),
            ("noneof", Op::NoneOf),
            ("contains", Op::Contains),
            ("size", Op::Size),
            ("empty", Op::Empty),
        ];
        let rest = self.s.get(self.pos..)?;
        for (t, op) in OPS {
            if rest.starts_with(t.as_bytes()) {
                self.pos += t.len();
                return Some(op);
            }
        }
        // `in` / `nin` must stand alone as words.
        for (t, op) in [("nin", Op::Nin), ("in", Op::In)] {
            if rest.starts_with(t.as_bytes()) && !rest.get(t.len()).is_some_and(|c| c.is_ascii_alphanumeric()) {
                self.pos += t.len();
                return Some(op);
            }
        }
        None
    }

    fn operand(&mut self) -> Result<Operand, String> {
        self.skip_ws();
        match self.peek() {
            Some(b'@') => {
                self.pos += 1;
                self.sub_path(true, Root::Input)
            }
            Some(b'$') => {
                let root = self.root()?;
                self.sub_path(false, root)
            }
            Some(b'/') => {
                self.pos += 1;
                let start = self.pos;
                loop {
                    match self.peek() {
                        None => return self.err("unclosed regular expression"),
                        Some(b'\\') => self.pos += 2,
                        Some(b'/') => break,
                        Some(_) => self.pos += 1,
                    }
                }
                let pattern = self.slice(start, self.pos)?;
                self.pos += 1;
                let fstart = self.pos;
                while matches!(self.peek(), Some(c) if c.is_ascii_alphabetic()) {
                    self.pos += 1;
                }
                let flags = self.slice(fstart, self.pos)?;
                let re = Regex::new(pattern, flags).map_err(|e| format!("invalid regular expression /{pattern}/: {e}"))?;
                Ok(Operand::Pattern(Rc::new(re)))
            }
            _ => Ok(Operand::Literal(self.literal(0)?)),
        }
    }

    fn sub_path(&mut self, current: bool, root: Root) -> Result<Operand, String> {
        let mut segments = self.segments(true)?;
        let mut length = false;
        if let Some(Segment::Function(name)) = segments.last() {
            if &**name == "length" || &**name == "size" {
                length = true;
                segments.pop();
            }
        }
        Ok(Operand::Path(SubPath { current, root, segments, length }))
    }

    /// A JSON-ish literal: quoted string (single or double quotes), number, true/false/null,
    /// or an array/object of literals.
    fn literal(&mut self, depth: usize) -> Result<Value, String> {
        if depth > MAX_FILTER_DEPTH {
            return self.err("literal nested too deeply");
        }
        self.skip_ws();
        match self.peek() {
            Some(q @ (b'\'' | b'"')) => {
                self.pos += 1;
                let mut out = String::new();
                let mut start = self.pos;
                loop {
                    match self.peek() {
                        None => return self.err("unclosed string"),
                        Some(b'\\') => {
                            out.push_str(self.slice(start, self.pos)?);
                            self.pos += 1;
                            let c = self.text.get(self.pos..).and_then(|r| r.chars().next());
                            match c {
                                Some(c) => {
                                    out.push(c);
                                    self.pos += c.len_utf8();
                                }
                                None => return self.err("unclosed string"),
                            }
                            start = self.pos;
                        }
                        Some(c) if c == q => break,
                        Some(_) => self.pos += 1,
                    }
                }
                out.push_str(self.slice(start, self.pos)?);
                self.pos += 1;
                Ok(Value::from(out))
            }
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                self.skip_ws();
                if !self.eat(b']') {
                    loop {
                        items.push(self.literal(depth + 1)?);
                        self.skip_ws();
                        if self.eat(b',') {
                            continue;
                        }
                        if self.eat(b']') {
                            break;
                        }
                        return self.err("expected ',' or ']'");
                    }
                }
                Ok(Value::array(items))
            }
            Some(b'{') => {
                self.pos += 1;
                let mut map = Map::default();
                self.skip_ws();
                if !self.eat(b'}') {
                    loop {
                        let key = match self.literal(depth + 1)? {
                            Value::String(s) => s,
                            _ => return self.err("expected a quoted key"),
                        };
                        self.skip_ws();
                        if !self.eat(b':') {
                            return self.err("expected ':'");
                        }
                        let v = self.literal(depth + 1)?;
                        map.insert(key, v);
                        self.skip_ws();
                        if self.eat(b',') {
                            continue;
                        }
                        if self.eat(b'}') {
                            break;
                        }
                        return self.err("expected ',' or '}'");
                    }
                }
                Ok(Value::object(map))
            }
            Some(c) if c == b'-' || c.is_ascii_digit() => {
                let start = self.pos;
                self.pos += 1;
                while matches!(self.peek(), Some(c) if c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-')) {
                    self.pos += 1;
                }
                let t = self.slice(start, self.pos)?;
                match crate::value::parse(t) {
                    Ok(v @ Value::Number(_)) => Ok(v),
                    _ => Err(format!("'{t}' is not a number")),
                }
            }
            _ => {
                let rest = self.s.get(self.pos..).unwrap_or(&[]);
                for (word, v) in [("true", Value::Bool(true)), ("false", Value::Bool(false)), ("null", Value::Null)] {
                    if rest.starts_with(word.as_bytes()) {
                        self.pos += word.len();
                        return Ok(v);
                    }
                }
                self.err("expected a value")
            }
        }
    }
}

/// A filter that always holds (`@` exists: the current item is always there).
fn always_true() -> Filter {
    Filter::Exists(SubPath { current: true, root: Root::Input, segments: Vec::new(), length: false })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::parse;

    fn eval(path: &str, input: &str) -> Result<String, String> {
        let input = parse(input).unwrap();
        let ctx = Value::Null;
        let scope = Scope::new(&input, &ctx);
        Path::parse(path).unwrap().find(&scope).map(|v| v.to_json())
    }

    const STORE: &str = r#"{"store":{"book":[
        {"category":"reference","author":"Nigel Rees","title":"Sayings of the Century","price":8.95},
        {"category":"fiction","author":"Evelyn Waugh","title":"Sword of Honour","price":12.99},
        {"category":"fiction","author":"Herman Melville","title":"Moby Dick","isbn":"0-553-21311-3","price":8.99},
        {"category":"fiction","author":"J. R. R. Tolkien","title":"The Lord of the Rings","isbn":"0-395-19395-8","price":22.99}],
        "bicycle":{"color":"red","price":19.95}},"expensive":10}"#;

    #[test]
    fn selects_fields_and_indexes() {
        let input = parse(r#"{"a":{"b":[10,20,30]}}"#).unwrap();
        let ctx = parse(r#"{"Execution":{"Id":"x"}}"#).unwrap();
        let scope = Scope::new(&input, &ctx);
        let p = Path::parse("$.a.b[1]").unwrap();
        assert_eq!(p.select(&scope), Some(Value::int(20)));
        assert_eq!(Path::parse("$$.Execution.Id").unwrap().select(&scope), Some(Value::from("x")));
        assert_eq!(Path::parse("$['a']['b'][-1]").unwrap().select(&scope), Some(Value::int(30)));
        assert_eq!(Path::parse("$.nope").unwrap().select(&scope), None);
        assert_eq!(
            Path::parse("$.nope").unwrap().select_required(&scope).unwrap_err().message,
            "Invalid path '$.nope' : No results for path: $['nope']"
        );
    }

    #[test]
    fn jayway_messages_for_definite_paths() {
        assert_eq!(eval("$.no.such.result.path", "{}").unwrap_err(), "Missing property in path $['no']");
        assert_eq!(eval("$.a.b", r#"{"a":{}}"#).unwrap_err(), "No results for path: $['a']['b']");
        assert_eq!(eval("$.a[5]", r#"{"a":[1]}"#).unwrap_err(), "No results for path: $['a'][5]");
        assert_eq!(eval("$.a[0]", r#"{"a":null}"#).unwrap_err(), "The path $['a'] is null");
        assert_eq!(
            eval("$.a[0]", r#"{"a":{"b":1,"c":[1,"x"]}}"#).unwrap_err(),
            "Filter: [0] can only be applied to arrays. Current context is: {b=1, c=[1, x]}"
        );
        assert!(eval("$.a.b", r#"{"a":5}"#).unwrap_err().starts_with(
            "Expected to find an object with property ['b'] in path $['a'] but found 'java.lang.Integer'."
        ));
        assert_eq!(eval("$.a", r#"{"a":null}"#).unwrap(), "null");
        assert_eq!(eval("$", "[1]").unwrap(), "[1]");
    }

    #[test]
    fn indefinite_paths_return_arrays() {
        assert_eq!(eval("$.store.book[*].author", STORE).unwrap(), r#"["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]"#);
        assert_eq!(eval("$..author", STORE).unwrap(), r#"["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]"#);
        assert_eq!(eval("$.store..price", STORE).unwrap(), "[8.95,12.99,8.99,22.99,19.95]");
        assert_eq!(eval("$..book[2].title", STORE).unwrap(), r#"["Moby Dick"]"#);
        assert_eq!(eval("$..book[-1:].title", STORE).unwrap(), r#"["The Lord of the Rings"]"#);
        assert_eq!(eval("$..book[0,1].price", STORE).unwrap(), "[8.95,12.99]");
        assert_eq!(eval("$..book[:2].price", STORE).unwrap(), "[8.95,12.99]");
        assert_eq!(eval("$..book[1:2].price", STORE).unwrap(), "[12.99]");
        assert_eq!(eval("$..book[?(@.isbn)].price", STORE).unwrap(), "[8.99,22.99]");
        assert_eq!(eval("$.store.book[?(@.price < 10)].price", STORE).unwrap(), "[8.95,8.99]");
        assert_eq!(eval("$..book[?(@.price <= $['expensive'])].price", STORE).unwrap(), "[8.95,8.99]");
        assert_eq!(eval("$..book[?(@.author =~ /.*REES/i)].price", STORE).unwrap(), "[8.95]");
        assert_eq!(
            eval("$.store.book[?(@.category == 'fiction' && @.price > 20 || @.price < 9)].price", STORE).unwrap(),
            "[8.95,8.99,22.99]"
        );
        assert_eq!(eval("$.store.book[?(!@.isbn)].price", STORE).unwrap(), "[8.95,12.99]");
        assert_eq!(eval("$.store.book[?(@.category in ['reference','x'])].price", STORE).unwrap(), "[8.95]");
        assert_eq!(eval("$.store.book[?(@.category nin ['reference'])].price", STORE).unwrap(), "[12.99,8.99,22.99]");
        assert_eq!(eval("$.store.book[?(@.isbn != '0-553-21311-3')].price", STORE).unwrap(), "[8.95,12.99,22.99]");
        assert!(eval("$.store.*", STORE).unwrap().len() > 10);
        assert_eq!(eval("$..*", r#"{"a":{"b":1},"c":[2]}"#).unwrap(), r#"[{"b":1},[2],1,2]"#);
        assert_eq!(eval("$.store.bicycle['color','price']", STORE).unwrap(), r#"{"color":"red","price":19.95}"#);
        assert_eq!(eval("$.item.items[*]", "{}").unwrap(), "[]");
        assert_eq!(eval("$.items[1:5].itemValue", "{}").unwrap(), "[]");
        assert_eq!(eval("$.users[?(@.status == 0)]", r#"{"users":[{"year":1997,"status":0},{"year":1998,"status":1}]}"#).unwrap(), r#"[{"year":1997,"status":0}]"#);
        assert_eq!(eval("$.a[?(@.b.length() > 1)].b", r#"{"a":[{"b":[1]},{"b":[1,2]}]}"#).unwrap(), "[[1,2]]");
        assert_eq!(eval("$.a[?(@.b size 2)].b", r#"{"a":[{"b":[1]},{"b":[1,2]}]}"#).unwrap(), "[[1,2]]");
        assert_eq!(eval("$.a[?(@.b empty true)].b", r#"{"a":[{"b":[]},{"b":[1,2]}]}"#).unwrap(), "[[]]");
        assert_eq!(eval("$.a[?(@.b subsetof [1,2,3])].b", r#"{"a":[{"b":[1,4]},{"b":[1,2]}]}"#).unwrap(), "[[1,2]]");
    }

    #[test]
    fn quoted_names_keep_backslashes() {
        let input = r#"{"Test\\\"\"Name\"":"Value\"\\","a b":1,"a.b":2}"#;
        assert_eq!(eval(r#"$['Test\""Name"']"#, input).unwrap(), r#""Value\"\\""#);
        assert_eq!(eval("$['a b']", input).unwrap(), "1");
        assert_eq!(eval("$.['a.b']", input).unwrap(), "2");
        assert_eq!(eval("$[\"a.b\"]", input).unwrap(), "2");
    }

    #[test]
    fn functions_find_nothing() {
        assert_eq!(eval("$.Jobs.sum()", r#"{"Jobs":[1,2]}"#).unwrap_err(), "No results for path: $['Jobs'].sum()");
        assert!(Path::parse("$.a.length()").is_ok());
    }

    #[test]
    fn reference_and_definite() {
        assert!(Path::parse("$.a[0].b").unwrap().is_reference());
        assert!(Path::parse("$").unwrap().is_reference());
        for p in ["$.a[*]", "$..a", "$.a[0,1]", "$.a[1:]", "$.a[?(@.x)]", "$['a','b']", "$.a.length()"] {
            assert!(!Path::parse(p).unwrap().is_reference(), "{p}");
        }
        assert!(Path::parse("$['a','b']").unwrap().is_definite());
        assert!(!Path::parse("$.a[*]").unwrap().is_definite());
    }

    #[test]
    fn rejects_bad_paths_without_panicking() {
        for p in ["", "a", "$.", "$[", "$['a'", "$[?(@.a ==)]", "$.a b", "$..", "$[1:2:3]", "$[x]", "$[?(@.a == 'x)]", "$.a(", "$[?(", "$[?((((", "$[?(@.a =~ /(/)]"] {
            assert!(Path::parse(p).is_err(), "{p}");
        }
        let deep = format!("$[?({}@.a{})]", "(".repeat(100), ")".repeat(100));
        assert!(Path::parse(&deep).is_err());
    }

    #[test]
    fn variables() {
        struct Vars;
        impl super::super::Variables for Vars {
            fn get(&self, name: &str) -> Option<Value> {
                (name == "x").then(|| parse(r#"{"k":[1,2]}"#).unwrap())
            }
        }
        let input = Value::Null;
        let ctx = Value::Null;
        let scope = Scope { input: &input, context: &ctx, variables: Some(&Vars) };
        assert_eq!(Path::parse("$x.k[1]").unwrap().select(&scope), Some(Value::int(2)));
        assert_eq!(Path::parse("$x.k[*]").unwrap().select(&scope).unwrap().to_json(), "[1,2]");
        assert_eq!(Path::parse("$y").unwrap().select(&scope), None);
        assert_eq!(Path::parse("$x").unwrap().normalized(), "$x");
    }

    #[test]
    fn sets_creating_objects() {
        let input = parse(r#"{"a":1}"#).unwrap();
        let out = Path::parse("$.r.s").unwrap().set(&input, Value::int(2)).unwrap();
        assert_eq!(out.to_json(), r#"{"a":1,"r":{"s":2}}"#);
        assert_eq!(input.to_json(), r#"{"a":1}"#);
        assert_eq!(Path::parse("$").unwrap().set(&input, Value::Null).unwrap(), Value::Null);
        let arr = parse(r#"{"a":[{"x":1},{"x":2}]}"#).unwrap();
        let out = Path::parse("$.a[-1].y").unwrap().set(&arr, Value::int(3)).unwrap();
        assert_eq!(out.to_json(), r#"{"a":[{"x":1},{"x":2,"y":3}]}"#);
        assert!(Path::parse("$.a[5]").unwrap().set(&arr, Value::Null).is_err());
        assert_eq!(
            Path::parse("$.a.b").unwrap().set(&parse(r#"{"a":"s"}"#).unwrap(), Value::Null).unwrap_err().error,
            "States.ResultPathMatchFailure"
        );
    }

    #[test]
    fn java_rendering() {
        assert_eq!(java_double(1.1), "1.1");
        assert_eq!(java_double(1.0), "1.0");
        assert_eq!(java_double(1e7), "1.0E7");
        assert_eq!(java_double(12345.678), "12345.678");
        assert_eq!(java_double(0.001), "0.001");
        assert_eq!(java_double(0.0001), "1.0E-4");
        assert_eq!(java_double(-2.5e-10), "-2.5E-10");
        assert_eq!(java_display(&parse(r#"{"Id":"a","N":[1,1.0,null,{"x":true}]}"#).unwrap()), "{Id=a, N=[1, 1.0, null, {x=true}]}");
    }

    #[test]
    fn overlong_paths_are_rejected_not_walked() {
        let long = format!("$.{}", vec!["a"; super::MAX_SEGMENTS + 1].join("."));
        assert!(Path::parse(&long).unwrap_err().contains("segments"));
        let ok = format!("$.{}", vec!["a"; super::MAX_SEGMENTS].join("."));
        assert!(Path::parse(&ok).is_ok());
    }
}
