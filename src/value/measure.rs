//! How big and how deep a value is, for AWS's payload limit and our nesting limit, checked on
//! every state's output. Payloads are shared between states, so most of a state's output was
//! measured already: large arrays and objects remember their measure (by allocation, holding
//! it alive) and are not walked again.

use super::{Number, Value};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Arrays and objects with at least this many members are worth remembering.
const REMEMBER_FROM: usize = 32;
/// How many measured values are remembered (the oldest is forgotten first).
const CAPACITY: usize = 64;
/// How many of the last values measured whole are remembered, whatever their size.
const RECENT: usize = 4;

/// JSON text length (in characters, as AWS counts) and nesting depth.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Size {
    pub chars: usize,
    pub depth: usize,
}

#[derive(Default)]
pub struct Measurer {
    remembered: RefCell<Vec<(Value, Size)>>,
    /// The last objects and arrays measured whole, small ones included: a state's output is
    /// mostly its result (or holds it), and the next state's input is that output, so each is
    /// measured again at once. Holding them keeps them unchanged (shared values are copied
    /// before any change) and their allocations from being reused by other values.
    /// Each as its allocation's address (0: none) and size, compared at every level.
    recent: [Cell<(usize, Size)>; RECENT],
    recent_held: RefCell<[Value; RECENT]>,
    /// Where the next value measured whole goes in `recent`.
    recent_next: Cell<usize>,
}

impl Measurer {
    pub fn new() -> Measurer {
        Measurer::default()
    }

    /// The value's size, or `None` as soon as it is known to be deeper than `max_depth`
    /// (a deeper value is never walked further, so this cannot overflow the stack).
    pub fn measure(&self, v: &Value, max_depth: usize) -> Option<Size> {
        if !matches!(v, Value::Array(_) | Value::Object(_)) {
            return self.walk(v, max_depth);
        }
        if let Some(s) = self.lookup_recent(v) {
            return (s.depth <= max_depth).then_some(s);
        }
        let size = self.walk(v, max_depth)?;
        self.remember_recent(v, size);
        Some(size)
    }

    /// Records the size of a value built from parts measured already (a Map state's result
    /// from its iterations' outputs), as if it had just been measured whole.
    pub fn note(&self, v: &Value, size: Size) {
        if matches!(v, Value::Array(_) | Value::Object(_)) && self.lookup_recent(v).is_none() {
            self.remember_recent(v, size);
        }
    }

    fn remember_recent(&self, v: &Value, size: Size) {
        let i = self.recent_next.get();
        self.recent[i].set((address(v), size));
        self.recent_held.borrow_mut()[i] = v.clone();
        self.recent_next.set((i + 1) % RECENT);
    }

    fn lookup_recent(&self, v: &Value) -> Option<Size> {
        let a = address(v);
        self.recent.iter().map(Cell::get).find(|(r, _)| *r == a && a != 0).map(|(_, s)| s)
    }

    fn lookup(&self, v: &Value) -> Option<Size> {
        let r = self.remembered.borrow();
        r.iter().rev().find(|(w, _)| same(v, w)).map(|(_, s)| *s)
    }

    fn remember(&self, v: &Value, s: Size) {
        let mut r = self.remembered.borrow_mut();
        if r.len() >= CAPACITY {
            r.remove(0);
        }
        r.push((v.clone(), s));
    }

    /// Scalars are measured in place (most members of most payloads are scalars); only
    /// arrays and objects cost a call.
    #[inline]
    fn member(&self, v: &Value, budget: usize) -> Option<Size> {
        match v {
            Value::Null => Some(Size { chars: 4, depth: 0 }),
            Value::Bool(b) => Some(Size { chars: if *b { 4 } else { 5 }, depth: 0 }),
            Value::Number(n) => Some(Size { chars: number_chars(n), depth: 0 }),
            Value::String(s) => Some(Size { chars: string_chars(s), depth: 0 }),
            Value::Array(_) | Value::Object(_) => self.walk(v, budget),
        }
    }

    fn walk(&self, v: &Value, budget: usize) -> Option<Size> {
        match v {
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => self.member(v, budget),
            Value::Array(a) => {
                if budget == 0 {
                    return None;
                }
                if let Some(s) = self.lookup_recent(v) {
                    return (s.depth <= budget).then_some(s);
                }
                let big = a.len() >= REMEMBER_FROM;
                if big {
                    if let Some(s) = self.lookup(v) {
                        return (s.depth <= budget).then_some(s);
                    }
                }
                let mut s = Size { chars: 2 + a.len().saturating_sub(1), depth: 1 };
                for item in a.iter() {
                    let c = self.member(item, budget - 1)?;
                    s.chars += c.chars;
                    s.depth = s.depth.max(c.depth + 1);
                }
                if big {
                    self.remember(v, s);
                }
                Some(s)
            }
            Value::Object(o) => {
                if budget == 0 {
                    return None;
                }
                if let Some(s) = self.lookup_recent(v) {
                    return (s.depth <= budget).then_some(s);
                }
                let big = o.len() >= REMEMBER_FROM;
                if big {
                    if let Some(s) = self.lookup(v) {
                        return (s.depth <= budget).then_some(s);
                    }
                }
                let mut s = Size { chars: 2 + o.len().saturating_sub(1), depth: 1 };
                for (k, item) in o.iter() {
                    let c = self.member(item, budget - 1)?;
                    s.chars += string_chars(k) + 1 + c.chars;
                    s.depth = s.depth.max(c.depth + 1);
                }
                if big {
                    self.remember(v, s);
                }
                Some(s)
            }
        }
    }
}

/// Where an array's or object's contents live (0 for other values).
fn address(v: &Value) -> usize {
    match v {
        Value::Array(a) => Rc::as_ptr(a) as *const () as usize,
        Value::Object(o) => Rc::as_ptr(o) as *const () as usize,
        _ => 0,
    }
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) => Rc::ptr_eq(x, y),
        (Value::Object(x), Value::Object(y)) => Rc::ptr_eq(x, y),
        _ => false,
    }
}

#[inline]
fn number_chars(n: &Number) -> usize {
    match n {
        Number::Int(i) => (if *i == 0 { 1 } else { i.unsigned_abs().ilog10() as usize + 1 }) + (*i < 0) as usize,
        other => {
            let mut s = String::new();
            other.write(&mut s);
            s.len()
        }
    }
}

/// Characters of the string's JSON text (quotes and escapes included).
#[inline]
fn string_chars(s: &str) -> usize {
    // Most strings (and nearly all keys) are printable ASCII without quotes or backslashes.
    if s.bytes().all(|b| (0x20..0x80).contains(&b) && b != b'"' && b != b'\\') {
        return s.len() + 2;
    }
    let mut n = 2;
    for c in s.chars() {
        n += match c {
            '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
            c if (c as u32) < 0x20 => 6,
            _ => 1,
        };
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::parse;

    #[test]
    fn measures_like_the_text_and_remembers_shared_parts() {
        let m = Measurer::new();
        for text in [r#"{"a":[1,-20,300,0,1.5,"x\"y",null,true,false,{}]}"#, "[]", "\"\\u0001\"", "-9223372036854775808", "\"\"", "\"x\u{00e9}\""] {
            let v = parse(text).unwrap();
            let s = m.measure(&v, 512).unwrap();
            assert_eq!(s.chars, v.to_json().chars().count(), "{text}");
        }
        let rows: Vec<String> = (0..100).map(|i| format!("{{\"id\":{i}}}")).collect();
        let big = parse(&format!("[{}]", rows.join(","))).unwrap();
        let wrapped = Value::from_pairs([("rows", big.clone()), ("i", Value::int(1))]);
        let s = m.measure(&wrapped, 512).unwrap();
        assert_eq!(s.chars, wrapped.to_json().len());
        assert_eq!(s.depth, 3);
        assert!(m.lookup(&big).is_some(), "the big array is remembered");
    }

    #[test]
    fn small_values_measured_whole_are_remembered_briefly() {
        let m = Measurer::new();
        let result = parse(r#"{"v":1,"tag":"a"}"#).unwrap();
        assert_eq!(m.measure(&result, 512).unwrap().chars, result.to_json().len());
        assert!(m.lookup_recent(&result).is_some());
        let merged = Value::from_pairs([("id", Value::int(7)), ("a", result.clone())]);
        let s = m.measure(&merged, 512).unwrap();
        assert_eq!((s.chars, s.depth), (merged.to_json().len(), 2));
        assert!(m.measure(&merged, 1).is_none(), "a remembered size still obeys the depth budget");
        for _ in 0..RECENT {
            m.measure(&Value::array(vec![]), 512);
        }
        assert!(m.lookup_recent(&result).is_none(), "only the last few are kept");
    }

    #[test]
    fn depth_is_counted_in_container_levels() {
        let m = Measurer::new();
        assert_eq!(m.measure(&Value::Null, 0).map(|s| s.depth), Some(0));
        assert!(m.measure(&Value::array(vec![]), 0).is_none());
        assert_eq!(m.measure(&Value::array(vec![]), 1).map(|s| s.depth), Some(1));
        let deep = parse(&("[".repeat(crate::value::MAX_DEPTH) + &"]".repeat(crate::value::MAX_DEPTH))).unwrap();
        assert!(m.measure(&deep, crate::value::MAX_DEPTH).is_some());
        assert!(m.measure(&Value::array(vec![deep]), crate::value::MAX_DEPTH).is_none());
    }

    #[test]
    fn too_deep_is_none_without_walking_further() {
        let mut v = Value::int(1);
        for _ in 0..600 {
            v = Value::array(vec![v]);
        }
        let m = Measurer::new();
        assert!(m.measure(&v, 512).is_none());
        assert!(m.measure(&v, 700).is_some());
    }
}
