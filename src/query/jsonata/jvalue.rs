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

pub type Map = IndexMap<Rc<str>, JV>;

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

/// JSONata truthiness (`$boolean`).
pub fn truthy(v: &JV) -> bool {
    match v {
        JV::Null => false,
        JV::Bool(b) => *b,
        JV::Num(n) => *n != 0.0,
        JV::Str(s) => !s.is_empty(),
        JV::Arr(a, _) => a.iter().any(truthy),
        JV::Obj(o) => !o.is_empty(),
        JV::Func(_) => false,
    }
}

pub fn truthy_opt(v: Option<&JV>) -> bool {
    v.is_some_and(truthy)
}

/// Deep equality as JSONata's `=` uses it.
pub fn deep_equal(a: &JV, b: &JV) -> bool {
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
            let mut items = match a {
                JV::Arr(v, _) => Rc::try_unwrap(v).unwrap_or_else(|rc| (*rc).clone()),
                other => vec![other],
            };
            match b {
                JV::Arr(v, _) => items.extend(v.iter().cloned()),
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
