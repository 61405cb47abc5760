//! Payload templates (JSONPath mode): `Parameters`, `ResultSelector`, `ItemSelector`,
//! `Assign`. Keys ending in `.$` take a path (`$...`, `$$...`, `$var...`) or an intrinsic
//! function call; the `.$` is dropped from the output key. Everything else is copied as is,
//! through nested objects and arrays. Compiled once; constant sub-trees are shared, not copied.

use super::intrinsics::Intrinsic;
use super::path::Path;
use super::{QueryError, Scope};
use crate::value::{Map, Value};
use std::rc::Rc;

/// Deepest template nesting accepted.
const MAX_DEPTH: usize = 600;

#[derive(Clone, Debug)]
pub struct Template {
    root: Node,
    /// Whether any path or intrinsic reads `$$`: known at compile time, asked on every
    /// evaluation (building the context object is only worth it when this is true).
    uses_context: bool,
}

#[derive(Clone, Debug)]
enum Node {
    /// A sub-tree without `.$` fields: produced as is (a cheap shared clone).
    Const(Value),
    /// An object with `.$` members somewhere inside. Evaluating copies `skeleton` (its keys
    /// in output order, already hashed, with the constant members' values) and fills in the
    /// `dynamic` members: (slot in `skeleton`, node, whether this member is the last one
    /// written to its key, as with `"a": 1, "a.$": "$.x"`), evaluated in the order written.
    Object { skeleton: Map, dynamic: Vec<(usize, Node, bool)> },
    Array(Vec<Node>),
    /// `"key.$": "$.path"`; `field` is the key as written (with `.$`).
    Path { path: Path, field: Rc<str> },
    Call { call: Intrinsic, field: Rc<str> },
}

impl Template {
    /// Compiles a template. The error is AWS's validation reason, e.g. "The value for the
    /// field 'x.$' must be a valid JSONPath or a valid intrinsic function call".
    pub fn compile(value: &Value) -> Result<Template, String> {
        Template::compile_located(value).map_err(|(message, _)| message)
    }

    /// `compile`, with the JSON pointer (within the template) of the field at fault, so that
    /// an editor can underline that field rather than the whole template.
    pub fn compile_located(value: &Value) -> Result<Template, (String, String)> {
        Ok(Template::new(compile(value, 0, "")?))
    }

    /// One path or intrinsic standing for a whole field (`ErrorPath`, `CausePath`): its value
    /// is the template's value, and errors name `field` as written.
    pub fn single(field: &str, text: &str) -> Result<Template, String> {
        let field: Rc<str> = field.into();
        let root = if Intrinsic::looks_like_call(text) {
            Node::Call { call: Intrinsic::parse(text).map_err(|_| invalid(&field))?, field }
        } else if text.starts_with('$') {
            Node::Path { path: Path::parse(text).map_err(|_| invalid(&field))?, field }
        } else {
            return Err(invalid(&field));
        };
        Ok(Template::new(root))
    }

    fn new(root: Node) -> Template {
        let mut t = Template { root, uses_context: false };
        t.uses_context = t.dynamic_fields().iter().any(|(_, f)| match f {
            DynamicField::Path(p) => p.root() == &super::path::Root::Context,
            DynamicField::Call(c) => c.uses_context(),
        });
        t
    }

    /// Whether evaluating reads the context object (`$$`), which is then worth building.
    pub fn uses_context(&self) -> bool {
        self.uses_context
    }

    /// True when the template has no `.$` field (its value is a constant).
    pub fn is_constant(&self) -> bool {
        matches!(self.root, Node::Const(_))
    }

    /// Builds the payload. `random` feeds `States.UUID` and unseeded `States.MathRandom`.
    pub fn evaluate(&self, scope: &Scope, random: &mut dyn FnMut() -> u64) -> Result<Value, QueryError> {
        eval(&self.root, scope, random)
    }

    /// Every path and intrinsic in the template, with its field (e.g. to check variable
    /// references when validating a definition).
    pub fn dynamic_fields(&self) -> Vec<(&str, DynamicField<'_>)> {
        fn collect<'a>(n: &'a Node, out: &mut Vec<(&'a str, DynamicField<'a>)>) {
            match n {
                Node::Const(_) => {}
                Node::Object { dynamic, .. } => dynamic.iter().for_each(|(_, c, _)| collect(c, out)),
                Node::Array(items) => items.iter().for_each(|c| collect(c, out)),
                Node::Path { path, field } => out.push((field, DynamicField::Path(path))),
                Node::Call { call, field } => out.push((field, DynamicField::Call(call))),
            }
        }
        let mut out = Vec::new();
        collect(&self.root, &mut out);
        out
    }
}

/// A `.$` field's compiled value.
#[derive(Clone, Copy, Debug)]
pub enum DynamicField<'a> {
    Path(&'a Path),
    Call(&'a Intrinsic),
}

fn invalid(field: &str) -> String {
    format!("The value for the field '{field}' must be a valid JSONPath or a valid intrinsic function call")
}

/// A JSON pointer step for `key` (`~` and `/` escaped).
fn pointer_step(at: &str, key: &str) -> String {
    format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"))
}

fn compile(value: &Value, depth: usize, at: &str) -> Result<Node, (String, String)> {
    if depth > MAX_DEPTH {
        return Err(("The payload template is nested too deeply".into(), at.to_string()));
    }
    match value {
        Value::Object(o) => {
            let mut items = Vec::with_capacity(o.len());
            let mut dynamic = false;
            for (k, v) in aws_key_order(o) {
                let node = if let Some(name) = k.strip_suffix(".$") {
                    let fault = || (invalid(k), pointer_step(at, k));
                    let Some(text) = v.as_str() else { return Err(fault()) };
                    let node = if Intrinsic::looks_like_call(text) {
                        Node::Call { call: Intrinsic::parse(text).map_err(|_| fault())?, field: k.clone() }
                    } else if text.starts_with('$') {
                        Node::Path { path: Path::parse(text).map_err(|_| fault())?, field: k.clone() }
                    } else {
                        return Err(fault());
                    };
                    items.push((Rc::from(name), node));
                    dynamic = true;
                    continue;
                } else {
                    compile(v, depth + 1, &pointer_step(at, k))?
                };
                dynamic |= !matches!(node, Node::Const(_));
                items.push((k.clone(), node));
            }
            if !dynamic {
                return Ok(Node::Const(value.clone()));
            }
            let mut skeleton = Map::with_capacity(items.len());
            let slots: Vec<usize> = items.iter().map(|(k, _)| skeleton.insert_full(k.clone(), Value::Null).0).collect();
            let mut last_writer = vec![0; skeleton.len()];
            for (i, slot) in slots.iter().enumerate() {
                last_writer[*slot] = i;
            }
            let mut members = Vec::new();
            for (i, ((_, node), slot)) in items.into_iter().zip(slots).enumerate() {
                let last = last_writer[slot] == i;
                match node {
                    Node::Const(v) => {
                        if let (true, Some((_, held))) = (last, skeleton.get_index_mut(slot)) {
                            *held = v;
                        }
                    }
                    node => members.push((slot, node, last)),
                }
            }
            Ok(Node::Object { skeleton, dynamic: members })
        }
        Value::Array(a) => {
            let items = a.iter().enumerate().map(|(i, v)| compile(v, depth + 1, &format!("{at}/{i}"))).collect::<Result<Vec<_>, _>>()?;
            if items.iter().all(|n| matches!(n, Node::Const(_))) {
                Ok(Node::Const(value.clone()))
            } else {
                Ok(Node::Array(items))
            }
        }
        other => Ok(Node::Const(other.clone())),
    }
}

/// The order AWS gives a template's output keys (and evaluates them in): plain keys first,
/// as written, then the `.$` keys in the order a Java `HashMap` keyed by their names iterates
/// them. That order shows in every result AWS records, e.g. `{"TaskToken.$", "arg1.$",
/// "arg2.$"}` gives `{"arg2", "arg1", "TaskToken"}`.
fn aws_key_order(o: &Map) -> Vec<(&Rc<str>, &Value)> {
    let (mut paths, mut keys): (Vec<_>, Vec<_>) = o.iter().partition(|(k, _)| k.ends_with(".$"));
    if paths.len() > 1 {
        // The table's capacity: 16, doubled while it is over three quarters full.
        let mut capacity = 16u32;
        while paths.len() as u32 * 4 > capacity * 3 {
            capacity *= 2;
        }
        // Within a bucket, a Java HashMap keeps the order of insertion: the sort is stable.
        paths.sort_by_key(|(k, _)| java_bucket(&k[..k.len() - 2], capacity));
    }
    keys.extend(paths);
    keys
}

/// The bucket of a `java.util.HashMap` with `capacity` buckets that a `String` key goes to:
/// `String.hashCode` (over UTF-16 code units), spread as `h ^ (h >>> 16)`.
fn java_bucket(key: &str, capacity: u32) -> u32 {
    let h = key.encode_utf16().fold(0u32, |h, unit| h.wrapping_mul(31).wrapping_add(u32::from(unit)));
    (h ^ (h >> 16)) & (capacity - 1)
}

fn eval(node: &Node, scope: &Scope, random: &mut dyn FnMut() -> u64) -> Result<Value, QueryError> {
    match node {
        Node::Const(v) => Ok(v.clone()),
        Node::Object { skeleton, dynamic } => {
            let mut map = skeleton.clone();
            for (slot, n, last) in dynamic {
                let v = eval(n, scope, random)?;
                if let (true, Some((_, held))) = (*last, map.get_index_mut(*slot)) {
                    *held = v;
                }
            }
            Ok(Value::object(map))
        }
        Node::Array(items) => Ok(Value::array(items.iter().map(|n| eval(n, scope, random)).collect::<Result<_, _>>()?)),
        Node::Path { path, field } => path.find(scope).map_err(|_| not_found(path.text(), field, scope)),
        Node::Call { call, field } => call.evaluate(scope, random).map_err(|e| e.into_query_error(field, scope)),
    }
}

fn not_found(path: &str, field: &str, scope: &Scope) -> QueryError {
    QueryError::runtime(format!(
        "The JSONPath '{path}' specified for the field '{field}' could not be found in the input '{}'",
        scope.input.to_json()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::parse;

    fn apply(template: &str, input: &str) -> Result<String, QueryError> {
        let t = Template::compile(&parse(template).unwrap()).unwrap();
        let input = parse(input).unwrap();
        let ctx = parse(r#"{"Execution":{"Id":"exec-1"}}"#).unwrap();
        let scope = Scope::new(&input, &ctx);
        let mut n = 0u64;
        t.evaluate(&scope, &mut || {
            n += 1;
            n
        })
        .map(|v| v.to_json())
    }

    #[test]
    fn builds_payloads() {
        assert_eq!(
            apply(
                r#"{"z":1,"a.$":"$.x","nested":{"b.$":"$$.Execution.Id","list":[{"c.$":"States.Format('{}!', $.x)"},"$.lit"]},"all.$":"$"}"#,
                r#"{"x":"v"}"#
            )
            .unwrap(),
            r#"{"z":1,"nested":{"list":[{"c":"v!"},"$.lit"],"b":"exec-1"},"all":{"x":"v"},"a":"v"}"#
        );
        // AWS's order: plain keys as written, then the `.$` keys in Java HashMap order.
        assert_eq!(apply(r#"{"TaskToken.$":"$.t","arg1.$":"$.a","arg2.$":"$.b"}"#, r#"{"t":0,"a":1,"b":2}"#).unwrap(), r#"{"arg2":2,"arg1":1,"TaskToken":0}"#);
        assert_eq!(apply(r#"{"TopicArn.$":"$.t","Message":{"x":1}}"#, r#"{"t":"arn"}"#).unwrap(), r#"{"Message":{"x":1},"TopicArn":"arn"}"#);
        assert_eq!(apply(r#"{"Iterations.$":"$.i","Values.$":"$.v"}"#, r#"{"i":1,"v":2}"#).unwrap(), r#"{"Values":2,"Iterations":1}"#);
        // Over 12 keys the table has 32 buckets: "k1".."k13" by their hash in 32 buckets.
        let keys: Vec<String> = (1..=13).map(|i| format!(r#""k{i}.$":"$""#)).collect();
        let order = apply(&format!("{{{}}}", keys.join(",")), "0").unwrap();
        let mut expected: Vec<(u32, usize)> = (1..=13).map(|i| (java_bucket(&format!("k{i}"), 32), i)).collect();
        expected.sort();
        let expected: Vec<String> = expected.iter().map(|(_, i)| format!(r#""k{i}":0"#)).collect();
        assert_eq!(order, format!("{{{}}}", expected.join(",")));
        assert_eq!((java_bucket("Iterations", 16), java_bucket("Values", 16), java_bucket("", 16)), (12, 8, 0));
        assert_eq!(apply(r#"{"items.$":"$.items[*].v"}"#, "{}").unwrap(), r#"{"items":[]}"#);
        assert_eq!(apply(r#"{"u.$":"States.UUID()"}"#, "{}").unwrap().len(), 44);
    }

    #[test]
    fn missing_paths_fail_with_aws_text() {
        let e = apply(r#"{"value.$":"$.no_such_jsonpath"}"#, r#"{"int-literal":0}"#).unwrap_err();
        assert_eq!(e.error, "States.Runtime");
        assert_eq!(
            e.message,
            r#"The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in the input '{"int-literal":0}'"#
        );
        let e = apply(r#"{"n":{"v.$":"States.ArrayLength($.a.b)"}}"#, r#"{"a":{}}"#).unwrap_err();
        assert_eq!(e.message, r#"The JSONPath '$.a.b' specified for the field 'v.$' could not be found in the input '{"a":{}}'"#);
        let e = apply(r#"{"v.$":"States.ArrayLength($.a)"}"#, r#"{"a":1}"#).unwrap_err();
        assert_eq!(e.error, "States.IntrinsicFailure");
    }

    #[test]
    fn rejects_invalid_fields() {
        for bad in [
            r#"{"parsed.$":"States.Format('He said, \\\"Hello, {}!\\\"', 'x')"}"#,
            r#"{"a.$":"nope"}"#,
            r#"{"a.$":1}"#,
            r#"{"a":[{"b.$":"$.["}]}"#,
            r#"{"a.$":"States.Unknown()"}"#,
        ] {
            let err = Template::compile(&parse(bad).unwrap()).unwrap_err();
            assert!(err.starts_with("The value for the field '"), "{bad}: {err}");
        }
        assert_eq!(
            Template::compile(&parse(r#"{"parsed.$":"x"}"#).unwrap()).unwrap_err(),
            "The value for the field 'parsed.$' must be a valid JSONPath or a valid intrinsic function call"
        );
    }

    #[test]
    fn a_key_written_twice_keeps_its_place_and_the_last_value() {
        // Plain keys come before `.$` keys (see aws_key_order), so the `.$` one is the last.
        assert_eq!(apply(r#"{"a":1,"b":2,"a.$":"$.x"}"#, r#"{"x":"v"}"#).unwrap(), r#"{"a":"v","b":2}"#);
        assert_eq!(apply(r#"{"a.$":"$.x","b":2,"a":1}"#, r#"{"x":"v"}"#).unwrap(), r#"{"b":2,"a":"v"}"#);
        // The member overwritten is still evaluated: its failure is the template's.
        assert!(apply(r#"{"a.$":"$.missing","a":1}"#, r#"{"x":"v"}"#).is_err());
    }

    #[test]
    fn constants_are_shared() {
        let t = Template::compile(&parse(r#"{"a":{"b":[1,2]},"c.$":"$"}"#).unwrap()).unwrap();
        assert!(!t.is_constant());
        assert!(Template::compile(&parse(r#"{"a":{"b":[1,2]}}"#).unwrap()).unwrap().is_constant());
        assert_eq!(t.dynamic_fields().len(), 1);
    }
}
