//! JSONPath as ASL uses it: Paths (`InputPath`, `.$` fields, `ItemsPath`, ...) and Reference
//! Paths (`ResultPath`, Choice `Variable`), compiled once when the definition is parsed.
//!
//! A path starts at the state input (`$`), the context object (`$$`) or a workflow variable
//! (`$name`).

use super::{QueryError, Scope};
use crate::value::Value;
use std::rc::Rc;

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

#[derive(Clone, Debug, PartialEq)]
pub enum Segment {
    /// `.name` or `['name']`
    Field(Rc<str>),
    /// `[n]`; negative counts from the end.
    Index(i64),
}

#[derive(Clone, Debug)]
pub struct Path {
    text: Rc<str>,
    root: Root,
    segments: Vec<Segment>,
}

impl Path {
    /// Compiles path text. The error is a human-readable reason.
    pub fn parse(text: &str) -> Result<Path, String> {
        let rest = text.strip_prefix('$').ok_or_else(|| format!("The path '{text}' must start with '$'"))?;
        let (root, mut rest) = if let Some(r) = rest.strip_prefix('$') {
            (Root::Context, r)
        } else {
            let end = rest.find(|c: char| c == '.' || c == '[').unwrap_or(rest.len());
            if end == 0 {
                (Root::Input, rest)
            } else {
                (Root::Variable(rest[..end].into()), &rest[end..])
            }
        };
        let mut segments = Vec::new();
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix('.') {
                let end = r.find(['.', '[']).unwrap_or(r.len());
                if end == 0 {
                    return Err(format!("The path '{text}' has an empty field name"));
                }
                segments.push(Segment::Field(r[..end].into()));
                rest = &r[end..];
            } else if let Some(r) = rest.strip_prefix('[') {
                let close = r.find(']').ok_or_else(|| format!("The path '{text}' has an unclosed '['"))?;
                let inner = r[..close].trim();
                if let Some(name) = inner.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
                    segments.push(Segment::Field(name.into()));
                } else {
                    let i: i64 = inner.parse().map_err(|_| format!("The path '{text}' has an unsupported subscript '[{inner}]'"))?;
                    segments.push(Segment::Index(i));
                }
                rest = &r[close + 1..];
            } else {
                return Err(format!("The path '{text}' is not valid"));
            }
        }
        Ok(Path { text: text.into(), root, segments })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn root(&self) -> &Root {
        &self.root
    }

    /// A Reference Path names one node: only fields and indexes, no wildcards or filters.
    pub fn is_reference(&self) -> bool {
        true
    }

    /// Selects the value the path names; `None` when it names nothing.
    pub fn select(&self, scope: &Scope) -> Option<Value> {
        let start = match &self.root {
            Root::Input => scope.input.clone(),
            Root::Context => scope.context.clone(),
            Root::Variable(name) => scope.variables?.get(name)?,
        };
        let mut cur = start;
        for seg in &self.segments {
            cur = match (seg, &cur) {
                (Segment::Field(name), Value::Object(o)) => o.get(&**name)?.clone(),
                (Segment::Index(i), Value::Array(a)) => {
                    let idx = if *i < 0 { a.len() as i64 + i } else { *i };
                    a.get(usize::try_from(idx).ok()?)?.clone()
                }
                _ => return None,
            };
        }
        Some(cur)
    }

    /// The path in Jayway's bracket notation (`$['a']['b']`), as AWS quotes it in errors.
    pub fn normalized(&self) -> String {
        let mut s = String::from(match &self.root {
            Root::Input => "$",
            Root::Context => "$$",
            Root::Variable(_) => "$",
        });
        if let Root::Variable(name) = &self.root {
            s.push_str(name);
        }
        for seg in &self.segments {
            match seg {
                Segment::Field(n) => s.push_str(&format!("['{n}']")),
                Segment::Index(i) => s.push_str(&format!("[{i}]")),
            }
        }
        s
    }

    /// Selects, or fails with AWS's "Invalid path" runtime error.
    pub fn select_required(&self, scope: &Scope) -> Result<Value, QueryError> {
        self.select(scope)
            .ok_or_else(|| QueryError::runtime(format!("Invalid path '{}' : No results for path: {}", self.text, self.normalized())))
    }

    /// Writes `value` at this (reference) path inside `target`, creating objects on the way,
    /// as `ResultPath` does. `$` replaces the whole target.
    pub fn set(&self, target: &Value, value: Value) -> Result<Value, QueryError> {
        fn put(cur: &Value, segs: &[Segment], value: Value, path: &Path) -> Result<Value, QueryError> {
            let Some((first, rest)) = segs.split_first() else { return Ok(value) };
            match first {
                Segment::Field(name) => {
                    let mut obj = match cur {
                        Value::Object(_) => cur.clone(),
                        _ => Value::empty_object(),
                    };
                    let map = obj.make_object_mut().expect("object");
                    let child = map.get(&**name).cloned().unwrap_or(Value::Null);
                    let new_child = put(&child, rest, value, path)?;
                    map.insert(name.clone(), new_child);
                    Ok(obj)
                }
                Segment::Index(i) => {
                    let mut arr = cur.clone();
                    let Some(items) = arr.make_array_mut() else {
                        return Err(path.result_path_mismatch(cur));
                    };
                    let idx = if *i < 0 { items.len() as i64 + i } else { *i };
                    let Some(slot) = usize::try_from(idx).ok().filter(|u| *u < items.len()) else {
                        return Err(path.result_path_mismatch(cur));
                    };
                    let new_child = put(&items[slot], rest, value, path)?;
                    items[slot] = new_child;
                    Ok(arr)
                }
            }
        }
        put(target, &self.segments, value, self)
    }

    fn result_path_mismatch(&self, _at: &Value) -> QueryError {
        QueryError::new("States.ResultPathMatchFailure", format!("Unable to apply ResultPath '{}'", self.text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::parse;

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
    fn sets_creating_objects() {
        let input = parse(r#"{"a":1}"#).unwrap();
        let out = Path::parse("$.r.s").unwrap().set(&input, Value::int(2)).unwrap();
        assert_eq!(out.to_json(), r#"{"a":1,"r":{"s":2}}"#);
        assert_eq!(Path::parse("$").unwrap().set(&input, Value::Null).unwrap(), Value::Null);
    }
}
