//! Built-in functions: the table of names and signatures, and their implementations.
//! Number/date formatting lives in `format.rs` and `datetime.rs`, AWS's additions in `aws.rs`.

use super::error::{Error, Result};
use super::eval::{compare_utf16, lookup_field, merge_sort, Ctx, R};
use super::jvalue::*;
use super::regex::{char_index, Pattern};
use super::signature::Signature;
use super::{aws, datetime, format};
use crate::value::format_f64;
use std::rc::Rc;
use std::sync::OnceLock;

/// Name (without `$`) and signature of every built-in. AWS Step Functions removes `$eval`.
pub const BUILTINS: &[(&str, &str)] = &[
    ("sum", "<a<n>:n>"),
    ("count", "<a:n>"),
    ("max", "<a<n>:n>"),
    ("min", "<a<n>:n>"),
    ("average", "<a<n>:n>"),
    ("string", "<x-b?:s>"),
    ("substring", "<s-nn?:s>"),
    ("substringBefore", "<s-s:s>"),
    ("substringAfter", "<s-s:s>"),
    ("lowercase", "<s-:s>"),
    ("uppercase", "<s-:s>"),
    ("length", "<s-:n>"),
    ("trim", "<s-:s>"),
    ("pad", "<s-ns?:s>"),
    ("match", "<s-f<s:o>n?:a<o>>"),
    ("contains", "<s-(sf):b>"),
    ("replace", "<s-(sf)(sf)n?:s>"),
    ("split", "<s-(sf)n?:a<s>>"),
    ("join", "<a<s>s?:s>"),
    ("formatNumber", "<n-so?:s>"),
    ("formatBase", "<n-n?:s>"),
    ("formatInteger", "<n-s:s>"),
    ("parseInteger", "<s-s:n>"),
    ("number", "<(nsb)-:n>"),
    ("floor", "<n-:n>"),
    ("ceil", "<n-:n>"),
    ("round", "<n-n?:n>"),
    ("abs", "<n-:n>"),
    ("sqrt", "<n-:n>"),
    ("power", "<n-n:n>"),
    ("random", "<n?:n>"),
    ("boolean", "<x-:b>"),
    ("not", "<x-:b>"),
    ("map", "<af>"),
    ("zip", "<a+>"),
    ("filter", "<af>"),
    ("single", "<af?>"),
    ("reduce", "<afj?:j>"),
    ("sift", "<o-f?:o>"),
    ("keys", "<x-:a<s>>"),
    ("lookup", "<x-s:x>"),
    ("append", "<xx:a>"),
    ("exists", "<x:b>"),
    ("spread", "<x-:a<o>>"),
    ("merge", "<a<o>:o>"),
    ("reverse", "<a:a>"),
    ("each", "<o-f:a>"),
    ("error", "<s?:x>"),
    ("assert", "<bs?:x>"),
    ("type", "<x:s>"),
    ("sort", "<af?:a>"),
    ("shuffle", "<a:a>"),
    ("distinct", "<x:x>"),
    ("base64encode", "<s-:s>"),
    ("base64decode", "<s-:s>"),
    ("encodeUrlComponent", "<s-:s>"),
    ("encodeUrl", "<s-:s>"),
    ("decodeUrlComponent", "<s-:s>"),
    ("decodeUrl", "<s-:s>"),
    ("now", "<s?s?:s>"),
    ("millis", "<:n>"),
    ("fromMillis", "<n-s?s?:s>"),
    ("toMillis", "<s-s?:n>"),
    // AWS Step Functions additions.
    ("partition", "<an:a>"),
    ("range", "<nnn?:a>"),
    ("hash", "<s-s?:s>"),
    ("uuid", "<:s>"),
    ("parse", "<s-:j>"),
];

pub fn builtin_index(name: &str) -> Option<usize> {
    BUILTINS.iter().position(|(n, _)| *n == name)
}

pub fn signature(i: usize) -> &'static Signature {
    static SIGS: OnceLock<Vec<Signature>> = OnceLock::new();
    let sigs = SIGS.get_or_init(|| {
        BUILTINS.iter().map(|(_, s)| Signature::parse(s, 0).unwrap_or(Signature { params: Vec::new() })).collect()
    });
    &sigs[i.min(sigs.len() - 1)]
}

/// Deterministic pseudo-random numbers (splitmix64): the engine supplies the seed.
pub use crate::random::Rng;

fn num_result(v: f64, code: &str, what: &str) -> R {
    if v.is_finite() {
        Ok(Some(JV::Num(v)))
    } else {
        Err(Error::new(code, format!("{what}: number out of range")))
    }
}

fn arg(args: &[Option<JV>], i: usize) -> Option<&JV> {
    args.get(i).and_then(|a| a.as_ref())
}

fn str_arg(args: &[Option<JV>], i: usize) -> Option<Rc<str>> {
    match arg(args, i) {
        Some(JV::Str(s)) => Some(s.clone()),
        _ => None,
    }
}

fn num_arg(args: &[Option<JV>], i: usize) -> Option<f64> {
    arg(args, i).and_then(JV::as_num)
}

fn arr_items(args: &[Option<JV>], i: usize) -> Option<Rc<Vec<JV>>> {
    match arg(args, i) {
        Some(JV::Arr(a, _)) => Some(a.clone()),
        Some(v) => Some(Rc::new(vec![v.clone()])),
        None => None,
    }
}

fn s(v: impl Into<Rc<str>>) -> R {
    Ok(Some(JV::Str(v.into())))
}

fn b(v: bool) -> R {
    Ok(Some(JV::Bool(v)))
}

/// Arguments for a callback: `(value, index, whole)` cut to what the function declares.
fn hof_args(ctx: &Ctx, f: &JV, full: Vec<Option<JV>>) -> Vec<Option<JV>> {
    let n = ctx.arity(f);
    full.into_iter().take(n.max(1)).collect()
}

pub fn call(ctx: &mut Ctx, i: usize, args: Vec<Option<JV>>, input: Option<&JV>, env: usize) -> R {
    let name = BUILTINS[i].0;
    let a = &args;
    match name {
        "sum" => {
            let Some(items) = arr_items(a, 0) else { return Ok(None) };
            num_result(items.iter().filter_map(JV::as_num).sum(), "D1001", "$sum")
        }
        "count" => Ok(Some(JV::Num(arr_items(a, 0).map_or(0, |v| v.len()) as f64))),
        "max" | "min" => {
            let Some(items) = arr_items(a, 0) else { return Ok(None) };
            let nums = items.iter().filter_map(JV::as_num);
            let r = if name == "max" { nums.fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x)))) } else { nums.fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.min(x)))) };
            Ok(r.map(JV::Num))
        }
        "average" => {
            let Some(items) = arr_items(a, 0) else { return Ok(None) };
            if items.is_empty() {
                return Ok(None);
            }
            let sum: f64 = items.iter().filter_map(JV::as_num).sum();
            num_result(sum / items.len() as f64, "D1001", "$average")
        }
        "string" => match arg(a, 0) {
            None => Ok(None),
            Some(v) => s(stringify(v, arg(a, 1).is_some_and(truthy))?),
        },
        "substring" => {
            let Some(st) = str_arg(a, 0) else { return Ok(None) };
            let start = num_arg(a, 1).unwrap_or(0.0);
            s(substring(&st, start, num_arg(a, 2)))
        }
        "substringBefore" | "substringAfter" => {
            let Some(st) = str_arg(a, 0) else { return Ok(None) };
            let Some(chars) = str_arg(a, 1) else { return s(st) };
            match st.find(&*chars) {
                None => s(st),
                Some(p) if name == "substringBefore" => s(&st[..p]),
                Some(p) => s(&st[p + chars.len()..]),
            }
        }
        "lowercase" => Ok(str_arg(a, 0).map(|v| JV::Str(v.to_lowercase().into()))),
        "uppercase" => Ok(str_arg(a, 0).map(|v| JV::Str(v.to_uppercase().into()))),
        "length" => Ok(str_arg(a, 0).map(|v| JV::Num(v.chars().count() as f64))),
        "trim" => Ok(str_arg(a, 0).map(|v| JV::Str(trim(&v).into()))),
        "pad" => {
            let Some(st) = str_arg(a, 0) else { return Ok(None) };
            let width = num_arg(a, 1).unwrap_or(0.0);
            let ch = str_arg(a, 2).filter(|c| !c.is_empty()).unwrap_or_else(|| " ".into());
            s(pad(&st, width, &ch))
        }
        "match" => {
            let Some(st) = str_arg(a, 0) else { return Ok(None) };
            let Some(JV::Func(f)) = arg(a, 1) else { return Ok(None) };
            let limit = limit_arg(a, 2, "D3040")?;
            let Func::Regex(p) = &**f else {
                // A custom matcher: `{match, start, end, groups, next}` objects chained by `next`.
                let matcher = JV::Func(f.clone());
                let mut res = ctx.apply(&matcher, vec![Some(JV::Str(st.clone()))], None, env)?;
                let mut out = Vec::new();
                while let Some(JV::Obj(ref m)) = res {
                    if limit.is_some_and(|l| out.len() >= l) {
                        break;
                    }
                    let mut o = Map::default();
                    o.insert("match".into(), m.get("match").cloned().unwrap_or(JV::str("")));
                    o.insert("index".into(), m.get("start").cloned().unwrap_or(JV::Num(0.0)));
                    o.insert("groups".into(), m.get("groups").cloned().unwrap_or_else(|| JV::arr(Vec::new())));
                    out.push(JV::obj(o));
                    res = match m.get("next") {
                        Some(next @ JV::Func(_)) => ctx.apply(next, Vec::new(), None, env)?,
                        _ => None,
                    };
                }
                return Ok(Some(JV::seq(out)));
            };
            let mut out = Vec::new();
            for found in p.find_all(&st, limit) {
                out.push(match_object(&st, &found));
            }
            Ok(Some(JV::seq(out)))
        }
        "contains" => {
            let Some(st) = str_arg(a, 0) else { return Ok(None) };
            match arg(a, 1) {
                Some(JV::Str(t)) => b(st.contains(&**t)),
                Some(JV::Func(f)) => match &**f {
                    Func::Regex(p) => b(p.find_at(&st, 0).is_some()),
                    _ => b(false),
                },
                _ => Ok(None),
            }
        }
        "replace" => replace(ctx, a, env),
        "split" => {
            let Some(st) = str_arg(a, 0) else { return Ok(None) };
            let limit = limit_arg(a, 2, "D3020")?;
            let mut parts: Vec<JV> = match arg(a, 1) {
                Some(JV::Str(sep)) => {
                    if sep.is_empty() {
                        st.chars().map(|c| JV::Str(c.to_string().into())).collect()
                    } else {
                        st.split(&**sep).map(JV::str).collect()
                    }
                }
                Some(JV::Func(f)) => match &**f {
                    Func::Regex(p) => {
                        let mut out = Vec::new();
                        let mut last = 0;
                        for found in p.find_all(&st, None) {
                            if found.end == found.start && (found.start == 0 || found.start >= st.len()) {
                                continue;
                            }
                            out.push(JV::str(&st[last..found.start]));
                            last = found.end;
                        }
                        out.push(JV::str(&st[last..]));
                        out
                    }
                    _ => return Err(Error::new("T1010", "The matcher function argument passed to function $split does not return the correct object structure")),
                },
                _ => return Ok(None),
            };
            if let Some(l) = limit {
                parts.truncate(l);
            }
            Ok(Some(JV::arr(parts)))
        }
        "join" => {
            let Some(items) = arr_items(a, 0) else { return Ok(None) };
            let sep = str_arg(a, 1).unwrap_or_else(|| "".into());
            let parts: Vec<&str> = items.iter().filter_map(JV::as_str).collect();
            s(parts.join(&sep))
        }
        "formatNumber" => {
            let Some(n) = num_arg(a, 0) else { return Ok(None) };
            let Some(pic) = str_arg(a, 1) else { return Ok(None) };
            s(format::format_number(n, &pic, arg(a, 2))?)
        }
        "formatBase" => {
            let Some(n) = num_arg(a, 0) else { return Ok(None) };
            s(format::format_base(n, num_arg(a, 1))?)
        }
        "formatInteger" => {
            let Some(n) = num_arg(a, 0) else { return Ok(None) };
            let Some(pic) = str_arg(a, 1) else { return Ok(None) };
            s(format::format_integer(n, &pic)?)
        }
        "parseInteger" => {
            let Some(st) = str_arg(a, 0) else { return Ok(None) };
            let Some(pic) = str_arg(a, 1) else { return Ok(None) };
            Ok(format::parse_integer(&st, &pic)?.map(JV::Num))
        }
        "number" => match arg(a, 0) {
            None => Ok(None),
            Some(JV::Num(n)) => Ok(Some(JV::Num(*n))),
            Some(JV::Bool(v)) => Ok(Some(JV::Num(if *v { 1.0 } else { 0.0 }))),
            Some(JV::Str(t)) => match parse_number(t) {
                Some(n) => Ok(Some(JV::Num(n))),
                None => Err(Error::new("D3030", format!("Unable to cast value to a number: \"{t}\""))),
            },
            Some(other) => Err(Error::new("D3030", format!("Unable to cast value to a number: {}", describe(other)))),
        },
        "floor" => Ok(num_arg(a, 0).map(|n| JV::Num(n.floor()))),
        "ceil" => Ok(num_arg(a, 0).map(|n| JV::Num(n.ceil()))),
        "abs" => Ok(num_arg(a, 0).map(|n| JV::Num(n.abs()))),
        "round" => {
            let Some(n) = num_arg(a, 0) else { return Ok(None) };
            Ok(Some(JV::Num(round_half_even(n, num_arg(a, 1).unwrap_or(0.0)))))
        }
        "sqrt" => {
            let Some(n) = num_arg(a, 0) else { return Ok(None) };
            if n < 0.0 {
                return Err(Error::new("D3060", format!("The sqrt function cannot be applied to a negative number: {}", format_f64(n))));
            }
            Ok(Some(JV::Num(n.sqrt())))
        }
        "power" => {
            let Some(x) = num_arg(a, 0) else { return Ok(None) };
            let Some(y) = num_arg(a, 1) else { return Ok(None) };
            let r = x.powf(y);
            if !r.is_finite() {
                return Err(Error::new("D3061", format!("The power function has resulted in a value that cannot be represented as a JSON number: base={}, exponent={}", format_f64(x), format_f64(y))));
            }
            Ok(Some(JV::Num(r)))
        }
        "random" => Ok(Some(JV::Num(match num_arg(a, 0) {
            Some(seed) => Rng::new(seed.to_bits()).next_f64(),
            None => ctx.rng.next_f64(),
        }))),
        "boolean" => Ok(arg(a, 0).map(|v| JV::Bool(truthy(v)))),
        "not" => Ok(arg(a, 0).map(|v| JV::Bool(!truthy(v)))),
        "exists" => b(arg(a, 0).is_some()),
        "map" | "filter" => {
            let Some(items) = arr_items(a, 0) else { return Ok(None) };
            let Some(f) = arg(a, 1).cloned() else { return Ok(None) };
            let whole = JV::Arr(items.clone(), 0);
            let mut out = Vec::new();
            for (i, v) in items.iter().enumerate() {
                let call_args = hof_args(ctx, &f, vec![Some(v.clone()), Some(JV::Num(i as f64)), Some(whole.clone())]);
                let r = ctx.apply(&f, call_args, None, env)?;
                if name == "map" {
                    if let Some(r) = r {
                        out.push(r);
                    }
                } else if truthy_opt(r.as_ref()) {
                    out.push(v.clone());
                }
            }
            Ok(Some(JV::seq(out)))
        }
        "single" => {
            let Some(items) = arr_items(a, 0) else { return Ok(None) };
            let f = arg(a, 1).cloned();
            let whole = JV::Arr(items.clone(), 0);
            let mut found: Option<JV> = None;
            for (i, v) in items.iter().enumerate() {
                let ok = match &f {
                    None => true,
                    Some(f) => {
                        let call_args = hof_args(ctx, f, vec![Some(v.clone()), Some(JV::Num(i as f64)), Some(whole.clone())]);
                        truthy_opt(ctx.apply(f, call_args, None, env)?.as_ref())
                    }
                };
                if ok {
                    if found.is_some() {
                        return Err(Error::new("D3138", "The $single() function expected exactly 1 matching result.  Instead it matched more."));
                    }
                    found = Some(v.clone());
                }
            }
            match found {
                Some(v) => Ok(Some(v)),
                None => Err(Error::new("D3139", "The $single() function expected exactly 1 matching result.  Instead it matched 0.")),
            }
        }
        "reduce" => {
            let Some(items) = arr_items(a, 0) else { return Ok(None) };
            let Some(f) = arg(a, 1).cloned() else { return Ok(None) };
            if ctx.arity(&f) < 2 {
                return Err(Error::new("D3050", "The second argument of reduce function must be a function with at least two arguments"));
            }
            let whole = JV::Arr(items.clone(), 0);
            let (mut acc, start) = match arg(a, 2) {
                Some(init) => (Some(init.clone()), 0),
                None => (items.first().cloned(), 1),
            };
            for (i, v) in items.iter().enumerate().skip(start) {
                let call_args = hof_args(ctx, &f, vec![acc, Some(v.clone()), Some(JV::Num(i as f64)), Some(whole.clone())]);
                acc = ctx.apply(&f, call_args, None, env)?;
            }
            Ok(acc)
        }
        "sift" | "each" => {
            let Some(JV::Obj(m)) = arg(a, 0) else { return Ok(None) };
            let Some(f) = arg(a, 1).cloned() else { return Ok(None) };
            let whole = JV::Obj(m.clone());
            let mut kept = Map::default();
            let mut out = Vec::new();
            for (k, v) in m.iter() {
                let call_args = hof_args(ctx, &f, vec![Some(v.clone()), Some(JV::Str(k.clone())), Some(whole.clone())]);
                let r = ctx.apply(&f, call_args, None, env)?;
                if name == "each" {
                    if let Some(r) = r {
                        out.push(r);
                    }
                } else if truthy_opt(r.as_ref()) {
                    kept.insert(k.clone(), v.clone());
                }
            }
            if name == "each" {
                return Ok(Some(JV::seq(out)));
            }
            Ok(if kept.is_empty() { None } else { Some(JV::obj(kept)) })
        }
        "zip" => {
            let arrays: Vec<Rc<Vec<JV>>> = a
                .iter()
                .map(|x| match x {
                    Some(JV::Arr(v, _)) => v.clone(),
                    Some(v) => Rc::new(vec![v.clone()]),
                    None => Rc::new(Vec::new()),
                })
                .collect();
            let n = arrays.iter().map(|v| v.len()).min().unwrap_or(0);
            Ok(Some(JV::arr((0..n).map(|i| JV::arr(arrays.iter().map(|v| v[i].clone()).collect())).collect())))
        }
        "keys" => match arg(a, 0) {
            Some(JV::Obj(m)) => Ok(Some(JV::seq(m.keys().map(|k| JV::Str(k.clone())).collect()))),
            Some(JV::Arr(items, _)) => {
                let mut keys: indexmap::IndexSet<Rc<str>> = indexmap::IndexSet::new();
                for it in items.iter() {
                    if let JV::Obj(m) = it {
                        keys.extend(m.keys().cloned());
                    }
                }
                Ok(Some(JV::seq(keys.into_iter().map(JV::Str).collect())))
            }
            _ => Ok(None),
        },
        "lookup" => {
            let Some(k) = str_arg(a, 1) else { return Ok(None) };
            Ok(arg(a, 0).and_then(|v| lookup_field(v, &k)))
        }
        "append" => Ok(append(arg(a, 0).cloned(), arg(a, 1).cloned())),
        "spread" => match arg(a, 0) {
            None => Ok(None),
            Some(v) => {
                let mut out = Vec::new();
                spread_into(v, &mut out);
                Ok(Some(match v {
                    JV::Obj(_) | JV::Arr(..) => JV::seq(out),
                    other => other.clone(),
                }))
            }
        },
        "merge" => {
            let Some(items) = arr_items(a, 0) else { return Ok(None) };
            let mut out = Map::default();
            for it in items.iter() {
                if let JV::Obj(m) = it {
                    for (k, v) in m.iter() {
                        out.insert(k.clone(), v.clone());
                    }
                }
            }
            Ok(Some(JV::obj(out)))
        }
        "reverse" => {
            let Some(items) = arr_items(a, 0) else { return Ok(None) };
            Ok(Some(JV::arr(items.iter().rev().cloned().collect())))
        }
        "shuffle" => {
            let Some(items) = arr_items(a, 0) else { return Ok(None) };
            let mut v = items.to_vec();
            for i in (1..v.len()).rev() {
                let j = (ctx.rng.next_u64() % (i as u64 + 1)) as usize;
                v.swap(i, j);
            }
            Ok(Some(JV::arr(v)))
        }
        "distinct" => match arg(a, 0) {
            Some(JV::Arr(items, _)) => {
                let mut out: Vec<JV> = Vec::new();
                for it in items.iter() {
                    if !out.iter().any(|o| deep_equal(o, it)) {
                        out.push(it.clone());
                    }
                }
                Ok(Some(JV::arr(out)))
            }
            other => Ok(other.cloned()),
        },
        "sort" => sort(ctx, a, env),
        "error" => Err(Error::new("D3137", str_arg(a, 0).map_or_else(|| "$error() function evaluated".to_string(), |m| m.to_string()))),
        "assert" => {
            if arg(a, 0).is_some_and(truthy) {
                Ok(None)
            } else {
                Err(Error::new("D3141", str_arg(a, 1).map_or_else(|| "$assert() statement failed".to_string(), |m| m.to_string())))
            }
        }
        "type" => Ok(arg(a, 0).map(|v| JV::str(v.type_name()))),
        "base64encode" => Ok(str_arg(a, 0).map(|v| JV::Str(aws::base64_encode(v.as_bytes()).into()))),
        "base64decode" => match str_arg(a, 0) {
            None => Ok(None),
            Some(v) => {
                let bytes = aws::base64_decode(&v).ok_or_else(|| Error::new("D3140", "Invalid base64 string"))?;
                s(String::from_utf8_lossy(&bytes).into_owned())
            }
        },
        "encodeUrlComponent" => Ok(str_arg(a, 0).map(|v| JV::Str(encode_uri(&v, true).into()))),
        "encodeUrl" => Ok(str_arg(a, 0).map(|v| JV::Str(encode_uri(&v, false).into()))),
        "decodeUrlComponent" | "decodeUrl" => match str_arg(a, 0) {
            None => Ok(None),
            Some(v) => match decode_uri(&v, name == "decodeUrlComponent") {
                Some(d) => s(d),
                None => Err(Error::new("D3140", format!("Malformed URL passed to ${name}(): \"{v}\""))),
            },
        },
        "now" => {
            let pic = str_arg(a, 0);
            let tz = str_arg(a, 1);
            s(datetime::from_millis(ctx.now_millis as f64, pic.as_deref(), tz.as_deref())?)
        }
        "millis" => Ok(Some(JV::Num(ctx.now_millis as f64))),
        "fromMillis" => {
            let Some(n) = num_arg(a, 0) else { return Ok(None) };
            let pic = str_arg(a, 1);
            let tz = str_arg(a, 2);
            s(datetime::from_millis(n, pic.as_deref(), tz.as_deref())?)
        }
        "toMillis" => {
            let Some(t) = str_arg(a, 0) else { return Ok(None) };
            let pic = str_arg(a, 1);
            Ok(datetime::to_millis(&t, pic.as_deref(), ctx.now_millis)?.map(JV::Num))
        }
        "partition" | "range" | "hash" | "uuid" | "parse" => aws::call(ctx, name, a),
        _ => {
            let _ = input;
            Err(Error::new("T1006", format!("Unknown function ${name}")))
        }
    }
}

fn limit_arg(a: &[Option<JV>], i: usize, code: &str) -> Result<Option<usize>> {
    match num_arg(a, i) {
        None => Ok(None),
        Some(n) if n < 0.0 => Err(Error::new(code, "Third argument of function must evaluate to a positive number")),
        Some(n) => Ok(Some(n.floor() as usize)),
    }
}

fn spread_into(v: &JV, out: &mut Vec<JV>) {
    spread_within(v, out, super::jvalue::MAX_VALUE_DEPTH);
}

/// Arrays nested deeper than `depth` are kept whole.
fn spread_within(v: &JV, out: &mut Vec<JV>, depth: usize) {
    match v {
        JV::Arr(items, _) if depth > 0 => {
            for it in items.iter() {
                spread_within(it, out, depth - 1);
            }
        }
        JV::Obj(m) => {
            for (k, x) in m.iter() {
                let mut one = Map::default();
                one.insert(k.clone(), x.clone());
                out.push(JV::obj(one));
            }
        }
        other => out.push(other.clone()),
    }
}

fn sort(ctx: &mut Ctx, a: &[Option<JV>], env: usize) -> R {
    let Some(items) = arr_items(a, 0) else { return Ok(None) };
    if items.len() <= 1 {
        return Ok(Some(JV::arr(items.to_vec())));
    }
    match arg(a, 1).cloned() {
        None => {
            let all_num = items.iter().all(|v| matches!(v, JV::Num(_)));
            let all_str = items.iter().all(|v| matches!(v, JV::Str(_)));
            if !all_num && !all_str {
                return Err(Error::new("D3070", "The single argument form of the sort function can only be applied to an array of strings or an array of numbers.  Use the second argument to specify a comparison function"));
            }
            let sorted = merge_sort(items.to_vec(), &mut |x, y| {
                Ok(match (x, y) {
                    (JV::Num(p), JV::Num(q)) => p > q,
                    (JV::Str(p), JV::Str(q)) => compare_utf16(p, q) == std::cmp::Ordering::Greater,
                    _ => false,
                })
            })?;
            Ok(Some(JV::arr(sorted)))
        }
        Some(f) => {
            let sorted = merge_sort(items.to_vec(), &mut |x, y| {
                let r = ctx.apply(&f, vec![Some(x.clone()), Some(y.clone())], None, env)?;
                Ok(truthy_opt(r.as_ref()))
            })?;
            Ok(Some(JV::arr(sorted)))
        }
    }
}

fn replace(ctx: &mut Ctx, a: &[Option<JV>], env: usize) -> R {
    let Some(st) = str_arg(a, 0) else { return Ok(None) };
    let limit = limit_arg(a, 3, "D3011")?;
    let pattern = arg(a, 1);
    let replacement = arg(a, 2).cloned();
    if let Some(JV::Str(p)) = pattern {
        if p.is_empty() {
            return Err(Error::new("D3010", "Second argument of replace function cannot be an empty string"));
        }
    }
    let mut out = String::new();
    let mut last = 0;
    let mut count = 0;
    match pattern {
        Some(JV::Str(p)) => {
            let mut from = 0;
            while limit.is_none_or(|l| count < l) {
                let Some(idx) = st[from..].find(&**p) else { break };
                let start = from + idx;
                out.push_str(&st[last..start]);
                let m = match_object_plain(&st, start, &st[start..start + p.len()]);
                out.push_str(&replacement_text(ctx, replacement.as_ref(), &m, &st[start..start + p.len()], &[], env)?);
                last = start + p.len();
                from = last;
                count += 1;
            }
        }
        Some(JV::Func(f)) => {
            let Func::Regex(re) = &**f else { return Ok(None) };
            let mut from = 0;
            while limit.is_none_or(|l| count < l) {
                let Some(found) = re.find_at(&st, from) else { break };
                if found.end == found.start {
                    return Err(Error::new("D1004", "Regular expression matches zero length string"));
                }
                out.push_str(&st[last..found.start]);
                let groups: Vec<String> = found.groups.iter().map(|g| g.map_or(String::new(), |(x, y)| st[x..y].to_string())).collect();
                let m = match_object(&st, &found);
                out.push_str(&replacement_text(ctx, replacement.as_ref(), &m, &st[found.start..found.end], &groups, env)?);
                last = found.end;
                from = found.end;
                count += 1;
            }
        }
        _ => return Ok(None),
    }
    out.push_str(&st[last..]);
    s(out)
}

fn replacement_text(ctx: &mut Ctx, rep: Option<&JV>, m: &JV, whole: &str, groups: &[String], env: usize) -> Result<String> {
    match rep {
        Some(JV::Str(r)) => Ok(expand_replacement(r, whole, groups)),
        Some(f @ JV::Func(_)) => match ctx.apply(f, vec![Some(m.clone())], None, env)? {
            Some(JV::Str(ref t)) => Ok(t.to_string()),
            other => Err(Error::new(
                "D3012",
                format!("Attempted to replace a matched string with a non-string value: {}", other.map_or("undefined".into(), |v| describe(&v))),
            )),
        },
        _ => Ok(String::new()),
    }
}

/// `$0`, `$1`.. and `$$` in a replacement string.
fn expand_replacement(r: &str, whole: &str, groups: &[String]) -> String {
    let chars: Vec<char> = r.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '$' && i + 1 < chars.len() {
            let n = chars[i + 1];
            if n == '$' {
                out.push('$');
                i += 2;
                continue;
            }
            if n.is_ascii_digit() {
                // Longest group number that exists; digits beyond it are literal.
                let mut j = i + 1;
                let mut value: usize = 0;
                let mut best: Option<(usize, usize)> = None;
                while j < chars.len() && chars[j].is_ascii_digit() {
                    value = value.saturating_mul(10).saturating_add(chars[j] as usize - '0' as usize);
                    if value <= groups.len() {
                        best = Some((value, j + 1));
                    } else {
                        break;
                    }
                    j += 1;
                }
                match best {
                    Some((0, end)) => {
                        out.push_str(whole);
                        i = end;
                    }
                    Some((g, end)) => {
                        out.push_str(groups.get(g - 1).map_or("", |s| s.as_str()));
                        i = end;
                    }
                    None => {
                        i += 2;
                    }
                }
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

fn match_object_plain(text: &str, start: usize, m: &str) -> JV {
    let mut map = Map::default();
    map.insert("match".into(), JV::str(m));
    map.insert("index".into(), JV::Num(char_index(text, start) as f64));
    map.insert("groups".into(), JV::arr(Vec::new()));
    JV::obj(map)
}

/// `{match, index, groups}` as `$match` returns and replacement functions receive.
pub fn match_object(text: &str, f: &super::regex::Found) -> JV {
    let mut map = Map::default();
    map.insert("match".into(), JV::str(&text[f.start..f.end]));
    map.insert("index".into(), JV::Num(char_index(text, f.start) as f64));
    map.insert(
        "groups".into(),
        JV::arr(f.groups.iter().map(|g| JV::str(g.map_or("", |(x, y)| &text[x..y]))).collect()),
    );
    JV::obj(map)
}

/// A regex literal called as a function: the first match from `from`.
pub fn regex_match_object(p: &Pattern, text: &str, from: usize) -> Option<JV> {
    let f = p.find_at(text, from)?;
    let mut m = match match_object(text, &f) {
        JV::Obj(ref m) => (**m).clone(),
        _ => Map::default(),
    };
    m.insert("start".into(), JV::Num(char_index(text, f.start) as f64));
    m.insert("end".into(), JV::Num(char_index(text, f.end) as f64));
    Some(JV::obj(m))
}

fn substring(st: &str, start: f64, length: Option<f64>) -> String {
    let chars: Vec<char> = st.chars().collect();
    let len = chars.len() as f64;
    let start = if start.is_nan() { 0.0 } else { start.trunc() };
    let mut begin = if start < 0.0 { (len + start).max(0.0) } else { start.min(len) };
    let end = match length {
        None => len,
        Some(l) => {
            let l = if l.is_nan() { 0.0 } else { l.trunc() };
            if l <= 0.0 {
                return String::new();
            }
            (begin + l).min(len)
        }
    };
    if begin > end {
        begin = end;
    }
    chars[begin as usize..end as usize].iter().collect()
}

fn trim(st: &str) -> String {
    let mut out = String::new();
    let mut space = false;
    for c in st.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r') {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

fn pad(st: &str, width: f64, ch: &str) -> String {
    let len = st.chars().count();
    // Bounded so that a huge width cannot exhaust memory.
    let w = width.abs().trunc().min(10_000_000.0) as usize;
    if w <= len || ch.is_empty() {
        return st.to_string();
    }
    let padding: String = ch.chars().cycle().take(w - len).collect();
    if width > 0.0 {
        format!("{st}{padding}")
    } else {
        format!("{padding}{st}")
    }
}

/// `$number` on a string: JSON number syntax, plus 0x/0o/0b integer prefixes. The whole
/// string must be the number: JSONata's reference implementation matches it against an
/// anchored pattern with no room for spaces, so `$number(" 12 ")` is D3030, not 12.
fn parse_number(t: &str) -> Option<f64> {
    let lower = t.to_ascii_lowercase();
    let radix = |p: &str, r: u32| -> Option<f64> {
        let digits = lower.strip_prefix(p)?;
        if digits.is_empty() {
            return None;
        }
        u64::from_str_radix(digits, r).ok().map(|v| v as f64)
    };
    if let Some(v) = radix("0x", 16).or_else(|| radix("0o", 8)).or_else(|| radix("0b", 2)) {
        return Some(v);
    }
    let bytes = t.as_bytes();
    let mut i = 0;
    // Skips a run of digits; false when there is none.
    let digits = |i: &mut usize| {
        let start = *i;
        while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    if bytes.first() == Some(&b'-') {
        i += 1;
    }
    if !digits(&mut i) {
        return None;
    }
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return None;
        }
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return None;
        }
    }
    if i != bytes.len() {
        return None;
    }
    let v: f64 = t.parse().ok()?;
    v.is_finite().then_some(v)
}

/// Rounds half to even at `precision` decimal places, shifting by decimal exponent text so
/// that binary representation error does not decide the tie.
pub fn round_half_even(n: f64, precision: f64) -> f64 {
    let p = precision.trunc() as i64;
    let shifted = shift_decimal(n, p);
    let fl = shifted.floor();
    let diff = shifted - fl;
    // Above half rounds up, below half down, an exact half to the even neighbour.
    let up = diff > 0.5 || (diff == 0.5 && fl % 2.0 != 0.0);
    let r = if up { fl + 1.0 } else { fl };
    let back = shift_decimal(r, -p);
    if back == 0.0 {
        0.0
    } else {
        back
    }
}

/// `n * 10^p` computed on the decimal text, so no binary rounding error creeps in.
fn shift_decimal(n: f64, p: i64) -> f64 {
    let text = format!("{n:e}");
    let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    format!("{mantissa}e{}", exp + p).parse().unwrap_or(n)
}

const URI_UNRESERVED: &str = "-_.!~*'()";
const URI_RESERVED: &str = ";,/?:@&=+$#";

fn encode_uri(st: &str, component: bool) -> String {
    let mut out = String::new();
    for c in st.chars() {
        if c.is_ascii_alphanumeric() || URI_UNRESERVED.contains(c) || (!component && URI_RESERVED.contains(c)) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    out
}

fn decode_uri(st: &str, component: bool) -> Option<String> {
    let bytes = st.as_bytes();
    let mut out: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = st.get(i + 1..i + 3)?;
            let v = u8::from_str_radix(hex, 16).ok()?;
            if !component && v < 0x80 && URI_RESERVED.contains(v as char) {
                out.extend_from_slice(&bytes[i..i + 3]);
            } else {
                out.push(v);
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

// ------------------------------------------------------------------ strings of values

/// `$string`: strings unchanged, everything else as JSON (numbers to 15 significant
/// digits, functions as empty strings).
pub fn stringify(v: &JV, pretty: bool) -> Result<String> {
    match v {
        JV::Str(s) => Ok(s.to_string()),
        JV::Func(_) => Ok(String::new()),
        JV::Num(n) if !n.is_finite() => Err(Error::new("D3001", "Attempting to invoke string function on Infinity or NaN")),
        _ => {
            let mut out = String::new();
            write_json(v, pretty, 0, &mut out)?;
            Ok(out)
        }
    }
}

/// A number as `$string` writes it: 15 significant digits, JavaScript notation.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e21 {
        return format_f64(n);
    }
    let r: f64 = format!("{n:.14e}").parse().unwrap_or(n);
    format_f64(r)
}

fn write_json(v: &JV, pretty: bool, indent: usize, out: &mut String) -> Result<()> {
    if indent > super::jvalue::MAX_VALUE_DEPTH {
        return Err(Error::new("U1001", "Stack overflow error: the value is nested too deeply to be written as JSON."));
    }
    match v {
        JV::Null => out.push_str("null"),
        JV::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        JV::Num(n) => {
            if !n.is_finite() {
                return Err(Error::new("D1001", "Number out of range"));
            }
            out.push_str(&number_text(*n));
        }
        JV::Str(s) => write_json_string(s, out),
        JV::Func(_) => out.push_str("\"\""),
        JV::Arr(a, _) => {
            if a.is_empty() {
                out.push_str("[]");
                return Ok(());
            }
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(pretty, indent + 1, out);
                write_json(x, pretty, indent + 1, out)?;
            }
            newline(pretty, indent, out);
            out.push(']');
        }
        JV::Obj(m) => {
            if m.is_empty() {
                out.push_str("{}");
                return Ok(());
            }
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(pretty, indent + 1, out);
                write_json_string(k, out);
                out.push(':');
                if pretty {
                    out.push(' ');
                }
                write_json(x, pretty, indent + 1, out)?;
            }
            newline(pretty, indent, out);
            out.push('}');
        }
    }
    Ok(())
}

fn newline(pretty: bool, indent: usize, out: &mut String) {
    if pretty {
        out.push('\n');
        for _ in 0..indent {
            out.push_str("  ");
        }
    }
}

pub fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Short rendering of a value for error messages.
pub fn describe(v: &JV) -> String {
    match v {
        JV::Func(_) => "function".into(),
        other => stringify(other, false).map(|s| if matches!(other, JV::Str(_)) { format!("\"{s}\"") } else { s }).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_even() {
        assert_eq!(round_half_even(2.5, 0.0), 2.0);
        assert_eq!(round_half_even(3.5, 0.0), 4.0);
        assert_eq!(round_half_even(-2.5, 0.0), -2.0);
        assert_eq!(round_half_even(2.675, 2.0), 2.68);
        assert_eq!(round_half_even(1234.5678, -2.0), 1200.0);
    }

    #[test]
    fn number_of_a_string_allows_no_surrounding_spaces() {
        assert_eq!(parse_number("12"), Some(12.0));
        assert_eq!(parse_number("0x1F"), Some(31.0));
        assert_eq!(parse_number(" 12 "), None);
        assert_eq!(parse_number("12\n"), None);
        assert_eq!(parse_number(" 0x1F"), None);
    }

    #[test]
    fn numbers_stringify_to_15_digits() {
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(1e21), "1e+21");
        assert_eq!(number_text(100.0), "100");
    }

    #[test]
    fn uri_encoding() {
        assert_eq!(encode_uri("a b/é", true), "a%20b%2F%C3%A9");
        assert_eq!(encode_uri("a b/é", false), "a%20b/%C3%A9");
        assert_eq!(decode_uri("%E0%A4%A", true), None);
    }
}
