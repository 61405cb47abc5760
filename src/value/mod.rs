//! JSON values as the engine holds them.
//!
//! Every data-flow stage of every state hands values on, so they must be cheap to share:
//! strings, arrays and objects sit behind `Rc`, and cloning a `Value` never copies a payload.
//! Objects keep insertion order (AWS writes keys in the order they were produced) and numbers
//! keep the text they arrived with when it differs from the canonical form (`0.0` stays `0.0`).

pub mod hash;
mod map;
pub mod measure;
mod number;
mod parse;
pub mod write;

use std::rc::Rc;

pub use number::{format_f64, write_int, write_uint, Number, NumberText};
pub use parse::{escape_pointer_token, parse, Cursor, RefLookup, parse_with_positions, parse_with_refs, ParseError, Positions, Span, MAX_DEPTH};
pub use write::{to_json, to_json_pretty, write_json};

pub use map::Map;

#[derive(Clone, Debug, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(Rc<str>),
    Array(Rc<Vec<Value>>),
    Object(Rc<Map>),
}

impl Value {
    pub fn string(s: impl Into<Rc<str>>) -> Value {
        Value::String(s.into())
    }

    pub fn int(i: i64) -> Value {
        Value::Number(Number::Int(i))
    }

    /// A number from a float; integral floats in i64 range become integers, NaN/inf are not JSON
    /// and become `None`.
    pub fn float(f: f64) -> Option<Value> {
        Number::from_f64(f).map(Value::Number)
    }

    pub fn array(items: Vec<Value>) -> Value {
        Value::Array(Rc::new(items))
    }

    pub fn object(map: Map) -> Value {
        Value::Object(Rc::new(map))
    }

    /// Builds an object from pairs, keeping their order.
    pub fn from_pairs<K: Into<Rc<str>>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::object(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    pub fn empty_object() -> Value {
        Value::object(Map::default())
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        self.as_number().map(Number::as_f64)
    }

    pub fn as_array(&self) -> Option<&Rc<Vec<Value>>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Rc<Map>> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// Field of an object; `None` for a missing field or a non-object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object().and_then(|o| o.get(key))
    }

    /// AWS's name for the JSON type, as used in error causes.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// Compact JSON text, keys in insertion order (AWS's serialisation).
    pub fn to_json(&self) -> String {
        to_json(self)
    }

    /// Mutable access to an object's map, copying it only if it is shared.
    pub fn make_object_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Object(o) => Some(Rc::make_mut(o)),
            _ => None,
        }
    }

    /// Mutable access to an array, copying it only if it is shared.
    pub fn make_array_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Array(a) => Some(Rc::make_mut(a)),
            _ => None,
        }
    }

    /// True when both sides are the same shared allocation (or equal scalars): a cheap
    /// pre-check before a deep comparison.
    fn same_allocation(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Array(a), Value::Array(b)) => Rc::ptr_eq(a, b),
            (Value::Object(a), Value::Object(b)) => Rc::ptr_eq(a, b),
            (Value::String(a), Value::String(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// Structural equality: numbers by value, objects regardless of key order.
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        if self.same_allocation(other) {
            return true;
        }
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Array(a), Value::Array(b)) => a == b,
            (Value::Object(a), Value::Object(b)) => {
                a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| v == w))
            }
            _ => false,
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::int(i)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.into())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s.into())
    }
}

impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Value {
        Value::array(v)
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::object(m)
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&to_json(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_stay_three_words() {
        // Every payload member, array item and history event holds values.
        assert!(std::mem::size_of::<Value>() <= 24);
    }

    #[test]
    fn clone_shares_payload() {
        let v = parse(r#"{"a":[1,2,3]}"#).unwrap();
        let w = v.clone();
        assert!(v.same_allocation(&w));
    }

    #[test]
    fn equality_ignores_key_order_and_number_text() {
        let a = parse(r#"{"a":1.0,"b":[true,null]}"#).unwrap();
        let b = parse(r#"{"b":[true,null],"a":1}"#).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, parse(r#"{"a":2,"b":[true,null]}"#).unwrap());
    }

    #[test]
    fn make_mut_copies_only_shared() {
        let v = parse(r#"{"a":1}"#).unwrap();
        let mut w = v.clone();
        w.make_object_mut().unwrap().insert("b".into(), Value::int(2));
        assert_eq!(v.to_json(), r#"{"a":1}"#);
        assert_eq!(w.to_json(), r#"{"a":1,"b":2}"#);
    }
}
