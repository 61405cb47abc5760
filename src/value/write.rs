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
        Value::Array(a) => {
            out.push('[');
            for (i, item) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
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
                write_json(item, out);
            }
            out.push('}');
        }
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

/// Whether the compact JSON text of `v` is longer than `max` bytes, without writing it and
/// stopping as soon as the answer is known.
pub fn json_len_exceeds(v: &Value, max: usize) -> bool {
    fn len(v: &Value, budget: &mut isize) {
        if *budget < 0 {
            return;
        }
        match v {
            Value::Null => *budget -= 4,
            Value::Bool(b) => *budget -= if *b { 4 } else { 5 },
            Value::Number(crate::value::Number::Int(i)) => {
                let digits = if *i == 0 { 1 } else { i.unsigned_abs().ilog10() as isize + 1 };
                *budget -= digits + (*i < 0) as isize;
            }
            Value::Number(n) => {
                let mut s = String::new();
                n.write(&mut s);
                *budget -= s.len() as isize;
            }
            // AWS counts characters, not UTF-8 bytes.
            Value::String(s) => *budget -= s.chars().count() as isize + 2,
            Value::Array(a) => {
                *budget -= 2 + a.len().saturating_sub(1) as isize;
                for item in a.iter() {
                    len(item, budget);
                    if *budget < 0 {
                        return;
                    }
                }
            }
            Value::Object(o) => {
                *budget -= 2 + o.len().saturating_sub(1) as isize;
                for (k, item) in o.iter() {
                    *budget -= k.chars().count() as isize + 3;
                    len(item, budget);
                    if *budget < 0 {
                        return;
                    }
                }
            }
        }
    }
    let mut budget = max as isize;
    len(v, &mut budget);
    budget < 0
}

#[cfg(test)]
mod len_tests {
    use super::json_len_exceeds;
    use crate::value::parse;

    #[test]
    fn counts_like_the_text() {
        let texts = ["{\"a\":[1,-20,300,0,1.5,\"x\u{00e9}\",null,true,false,{}]}", "-9223372036854775808", "[]", "\"\""];
        for text in texts {
            let v = parse(text).unwrap();
            let n = v.to_json().chars().count();
            assert!(!json_len_exceeds(&v, n), "{text}");
            assert!(json_len_exceeds(&v, n - 1), "{text}");
        }
    }
}
