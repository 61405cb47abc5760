//! `Value` -> JSON text: compact as AWS writes it (no spaces, insertion order), or indented for
//! people.

use super::Value;

pub fn to_json(v: &Value) -> String {
    let mut out = String::new();
    write_json(v, &mut out);
    out
}

pub fn write_json(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => n.write(out),
        Value::String(s) => write_string(s, out),
        Value::Array(_) | Value::Object(_) => write_members(v, out, |_, item, out| write_json(item, out)),
    }
}

/// Where a member of an array or object stands in it.
pub enum Member<'a> {
    Index(usize),
    Key(&'a str),
}

/// Writes an array or object compactly (brackets, commas, keys) and leaves each member's value
/// to `member`, so that other writers (the wasm boundary's, which replaces shared parts) keep
/// this layout; any other value is written as `write_json` writes it.
pub fn write_members<'a>(v: &'a Value, out: &mut String, mut member: impl FnMut(Member<'a>, &'a Value, &mut String)) {
    match v {
        Value::Array(a) => {
            out.push('[');
            for (i, item) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                member(Member::Index(i), item, out);
            }
            out.push(']');
        }
        Value::Object(o) => {
            out.push('{');
            for (i, (k, item)) in o.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                member(Member::Key(k), item, out);
            }
            out.push('}');
        }
        _ => write_json(v, out),
    }
}

pub fn to_json_pretty(v: &Value) -> String {
    let mut out = String::new();
    write_pretty(v, 0, &mut out);
    out
}

fn write_pretty(v: &Value, indent: usize, out: &mut String) {
    let pad = |out: &mut String, n: usize| out.extend(std::iter::repeat_n(' ', n * 2));
    match v {
        Value::Array(a) if !a.is_empty() => {
            out.push_str("[\n");
            for (i, item) in a.iter().enumerate() {
                pad(out, indent + 1);
                write_pretty(item, indent + 1, out);
                out.push_str(if i + 1 < a.len() { ",\n" } else { "\n" });
            }
            pad(out, indent);
            out.push(']');
        }
        Value::Object(o) if !o.is_empty() => {
            out.push_str("{\n");
            for (i, (k, item)) in o.iter().enumerate() {
                pad(out, indent + 1);
                write_string(k, out);
                out.push_str(": ");
                write_pretty(item, indent + 1, out);
                out.push_str(if i + 1 < o.len() { ",\n" } else { "\n" });
            }
            pad(out, indent);
            out.push('}');
        }
        _ => write_json(v, out),
    }
}

pub fn write_string(s: &str, out: &mut String) {
    out.push('"');
    let mut run_start = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc: Option<&str> = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0x08 => Some("\\b"),
            0x0c => Some("\\f"),
            0..=0x1f => None,
            _ => continue,
        };
        out.push_str(&s[run_start..i]);
        match esc {
            Some(e) => out.push_str(e),
            None => {
                use std::fmt::Write;
                let _ = write!(out, "\\u{b:04x}");
            }
        }
        run_start = i + 1;
    }
    out.push_str(&s[run_start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use crate::value::parse;

    #[test]
    fn round_trips_compactly_in_order() {
        let text = r#"{"z":1,"a":[true,false,null,"x\"\n\u0001é"],"n":0.0,"f":1.5e300}"#;
        let v = parse(text).unwrap();
        assert_eq!(v.to_json(), r#"{"z":1,"a":[true,false,null,"x\"\n\u0001é"],"n":0.0,"f":1.5e300}"#);
    }

    #[test]
    fn pretty_prints() {
        let v = parse(r#"{"a":[1,{}],"b":{}}"#).unwrap();
        assert_eq!(super::to_json_pretty(&v), "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": {}\n}");
    }
}
