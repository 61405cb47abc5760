//! The evaluator's own value type: JSON plus functions, with the array flags JSONata's
//! sequence semantics need (a path result is a *sequence* that collapses to its single item;
//! an array constructor used as a step is kept whole; and so on).
//!
//! Values convert from and to `crate::value::Value` only at the edges of an evaluation.

use super::ast::{Lambda, Node, Transform};
use super::regex::Pattern;
use crate::value::{Number, Value};
use indexmap::IndexMap;
use std::rc::Rc;

pub type Map = IndexMap<Rc<str>, JV, crate::value::hash::FastBuildHasher>;

/// The array is a sequence (a path/flattening result), not a user array.
pub const SEQ: u8 = 1;
/// A singleton sequence stays an array (`[]` in the path).
pub const KEEP: u8 = 2;
/// Built by an array constructor in a path: kept whole when steps flatten.
pub const CONS: u8 = 4;
/// A stream of binding tuples (objects with an `@` context entry).
pub const TUPLES: u8 = 8;
/// The evaluation input array wrapped as a one-item sequence.
pub const OUTER: u8 = 16;

#[derive(Clone, Debug)]
pub enum JV {
    Null,
    Bool(bool),
    Num(f64),
    Str(Rc<str>),
    Arr(Rc<Vec<JV>>, u8),
    Obj(Rc<Map>),
    Func(Rc<Func>),
}

/// Callable values.
#[derive(Debug)]
pub enum Func {
    /// A user lambda with the frame and context it closed over.
    Lambda { def: Rc<Lambda>, env: usize, input: Option<JV> },
    /// A built-in, by index into the function table.
    Builtin(usize),
    /// A partially applied function; `None` marks a `?` still to fill, `Some(None)` an
    /// argument that was given but undefined.
    Partial { func: JV, args: Vec<Option<Option<JV>>> },
    /// A regex literal used as a value (matcher).
    Regex(Rc<Pattern>),
    /// A pending tail call, run by the caller's apply loop.
    Thunk { call: Rc<Node>, env: usize, input: Option<JV> },
    /// `f ~> g` with two functions: apply `f`, then `g`.
    Compose(JV, JV),
    /// `| pattern | update, delete |`.
    Transform { def: Rc<Transform>, env: usize },
}

impl JV {
    pub fn str(s: &str) -> JV {
        JV::Str(s.into())
    }

    pub fn arr(v: Vec<JV>) -> JV {
        JV::Arr(Rc::new(v), 0)
    }

    pub fn seq(v: Vec<JV>) -> JV {
        JV::Arr(Rc::new(v), SEQ)
    }

    pub fn obj(m: Map) -> JV {
        JV::Obj(Rc::new(m))
    }

    pub fn flags(&self) -> u8 {
        match self {
            JV::Arr(_, f) => *f,
            _ => 0,
        }
    }

    pub fn as_num(&self) -> Option<f64> {
        match self {
            JV::Num(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            JV::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_func(&self) -> bool {
        matches!(self, JV::Func(_))
    }

    /// Field of an object (tuple bindings use this too).
    pub fn get(&self, key: &str) -> Option<&JV> {
        match self {
            JV::Obj(m) => m.get(key),
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            JV::Null => "null",
            JV::Bool(_) => "boolean",
            JV::Num(_) => "number",
            JV::Str(_) => "string",
            JV::Arr(..) => "array",
            JV::Obj(_) => "object",
            JV::Func(_) => "function",
        }
    }

    pub fn from_value(v: &Value) -> JV {
        match v {
            Value::Null => JV::Null,
            Value::Bool(b) => JV::Bool(*b),
            Value::Number(n) => JV::Num(n.as_f64()),
            Value::String(s) => JV::Str(s.clone()),
            Value::Array(a) => JV::arr(a.iter().map(JV::from_value).collect()),
            Value::Object(o) => JV::obj(o.iter().map(|(k, v)| (k.clone(), JV::from_value(v))).collect()),
        }
    }

    /// JSON value of a result; functions become `None` (dropped from objects, `null` in
    /// arrays), as JSON serialisation treats them.
    pub fn to_value(&self) -> Option<Value> {
        Some(match self {
            JV::Null => Value::Null,
            JV::Bool(b) => Value::Bool(*b),
            JV::Num(n) => Value::Number(Number::from_f64(*n).unwrap_or(Number::Int(0))),
            JV::Str(s) => Value::String(s.clone()),
            JV::Arr(a, _) => Value::array(a.iter().map(|v| v.to_value().unwrap_or(Value::Null)).collect()),
            JV::Obj(o) => Value::object(o.iter().filter_map(|(k, v)| Some((k.clone(), v.to_value()?))).collect()),
            JV::Func(_) => return None,
        })
    }
}

/// How deep the walks over values (equality, flattening, copying, `$string`) go. Values can
/// nest deeper than this while an expression runs (`$reduce` wrapping its accumulator), so
/// every recursive walk stops here rather than overflowing the stack; a result that deep is
/// an error (`U1001`) when it leaves the evaluator.
pub const MAX_VALUE_DEPTH: usize = 1000;

/// Whether arrays and objects nest more than `max` levels; looks no deeper than that.
pub fn depth_exceeds(v: &JV, max: usize) -> bool {
    match v {
        JV::Arr(a, _) => max == 0 || a.iter().any(|x| depth_exceeds(x, max - 1)),
        JV::Obj(m) => max == 0 || m.values().any(|x| depth_exceeds(x, max - 1)),
        _ => false,
    }
}

/// Dropping a deeply nested value would recurse once per level: unlink the children this
/// value owns alone and drop them from a list instead.
impl Drop for JV {
    fn drop(&mut self) {
        fn take_children(v: &mut JV, out: &mut Vec<JV>) {
            match v {
                JV::Arr(a, _) => {
                    if let Some(items) = Rc::get_mut(a) {
                        out.extend(items.drain(..).filter(|x| matches!(x, JV::Arr(..) | JV::Obj(_))));
                    }
                }
                JV::Obj(m) => {
                    if let Some(map) = Rc::get_mut(m) {
                        out.extend(map.drain(..).map(|(_, x)| x).filter(|x| matches!(x, JV::Arr(..) | JV::Obj(_))));
                    }
                }
                _ => {}
            }
        }
        // Shallow values (the common case) are left to the ordinary drop.
        let nested = match self {
            JV::Arr(a, _) => Rc::strong_count(a) == 1 && a.iter().any(|x| matches!(x, JV::Arr(..) | JV::Obj(_))),
            JV::Obj(m) => Rc::strong_count(m) == 1 && m.values().any(|x| matches!(x, JV::Arr(..) | JV::Obj(_))),
            _ => false,
        };
        if !nested {
            return;
        }
        let mut pending = Vec::new();
        take_children(self, &mut pending);
        while let Some(mut v) = pending.pop() {
            take_children(&mut v, &mut pending);
        }
    }
}

/// JSONata truthiness (`$boolean`).
pub fn truthy(v: &JV) -> bool {
    truthy_within(v, MAX_VALUE_DEPTH)
}

fn truthy_within(v: &JV, depth: usize) -> bool {
    match v {
        JV::Null => false,
        JV::Bool(b) => *b,
        JV::Num(n) => *n != 0.0,
        JV::Str(s) => !s.is_empty(),
        JV::Arr(a, _) => depth > 0 && a.iter().any(|x| truthy_within(x, depth - 1)),
        JV::Obj(o) => !o.is_empty(),
        JV::Func(_) => false,
    }
}

pub fn truthy_opt(v: Option<&JV>) -> bool {
    v.is_some_and(truthy)
}

/// Deep equality as JSONata's `=` uses it.
pub fn deep_equal(a: &JV, b: &JV) -> bool {
    deep_equal_within(a, b, MAX_VALUE_DEPTH)
}

/// Beyond `depth` levels only the same allocation is equal.
fn deep_equal_within(a: &JV, b: &JV, depth: usize) -> bool {
    if depth == 0 {
        return match (a, b) {
            (JV::Arr(x, _), JV::Arr(y, _)) => Rc::ptr_eq(x, y),
            (JV::Obj(x), JV::Obj(y)) => Rc::ptr_eq(x, y),
            _ => deep_equal_within(a, b, 1),
        };
    }
    let deep_equal = |p: &JV, q: &JV| deep_equal_within(p, q, depth - 1);
    match (a, b) {
        (JV::Null, JV::Null) => true,
        (JV::Bool(x), JV::Bool(y)) => x == y,
        (JV::Num(x), JV::Num(y)) => x == y,
        (JV::Str(x), JV::Str(y)) => x == y,
        (JV::Arr(x, _), JV::Arr(y, _)) => x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| deep_equal(p, q)),
        (JV::Obj(x), JV::Obj(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| deep_equal(v, w)))
        }
        (JV::Func(x), JV::Func(y)) => Rc::ptr_eq(x, y),
        _ => false,
    }
}

/// Appends, JSONata style: undefined sides vanish, non-arrays become singletons.
pub fn append(a: Option<JV>, b: Option<JV>) -> Option<JV> {
    match (a, b) {
        (None, b) => b,
        (a, None) => a,
        (Some(a), Some(b)) => {
            let mut a = a;
            let mut items = match &mut a {
                JV::Arr(v, _) => std::mem::take(Rc::make_mut(v)),
                other => vec![std::mem::replace(other, JV::Null)],
            };
            match b {
                JV::Arr(ref v, _) => items.extend(v.iter().cloned()),
                other => items.push(other),
            }
            Some(JV::arr(items))
        }
    }
}

/// Items of a value seen as a sequence: arrays give their members, others themselves.
pub fn items_of(v: &JV) -> Vec<JV> {
    match v {
        JV::Arr(a, _) => a.to_vec(),
        other => vec![other.clone()],
    }
}
