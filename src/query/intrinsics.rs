//! Intrinsic functions (`States.Format(...)`, ...), parsed once into a call tree and
//! evaluated against a `Scope`.
//!
//! Arguments are single-quoted strings (escapes `\'`, `\{`, `\}`, `\\`; any other backslash is
//! invalid), numbers, `true`/`false`/`null`, paths (`$.x`, `$$.x`, `$var.x`) and nested calls.
//! Randomness (`States.UUID`, unseeded `States.MathRandom`) comes from a caller-supplied
//! source: `&mut dyn FnMut() -> u64`. `SplitMix64` is a small deterministic one.

use super::path::{java_display, Path};
use super::{QueryError, Scope};
use crate::value::{Map, Number, Value};
use std::rc::Rc;

/// Deepest nesting of calls accepted (AWS documents up to 10 nested calls per field).
pub const MAX_NESTING: usize = 32;
/// Longest string `States.Base64Encode`, `States.Base64Decode` and `States.Hash` accept.
pub const MAX_STRING_CHARS: usize = 10_000;
/// Most items `States.ArrayRange` may produce.
pub const MAX_RANGE_ITEMS: usize = 1000;

const INTRINSIC_FAILURE: &str = "States.IntrinsicFailure";

/// The intrinsic functions ASL defines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Function {
    Format,
    StringToJson,
    JsonToString,
    Array,
    ArrayPartition,
    ArrayContains,
    ArrayRange,
    ArrayGetItem,
    ArrayLength,
    ArrayUnique,
    Base64Encode,
    Base64Decode,
    Hash,
    JsonMerge,
    MathRandom,
    MathAdd,
    StringSplit,
    Uuid,
}

impl Function {
    pub const ALL: [Function; 18] = [
        Function::Format,
        Function::StringToJson,
        Function::JsonToString,
        Function::Array,
        Function::ArrayPartition,
        Function::ArrayContains,
        Function::ArrayRange,
        Function::ArrayGetItem,
        Function::ArrayLength,
        Function::ArrayUnique,
        Function::Base64Encode,
        Function::Base64Decode,
        Function::Hash,
        Function::JsonMerge,
        Function::MathRandom,
        Function::MathAdd,
        Function::StringSplit,
        Function::Uuid,
    ];

    /// The full name, e.g. `States.Format`.
    pub fn name(self) -> &'static str {
        match self {
            Function::Format => "States.Format",
            Function::StringToJson => "States.StringToJson",
            Function::JsonToString => "States.JsonToString",
            Function::Array => "States.Array",
            Function::ArrayPartition => "States.ArrayPartition",
            Function::ArrayContains => "States.ArrayContains",
            Function::ArrayRange => "States.ArrayRange",
            Function::ArrayGetItem => "States.ArrayGetItem",
            Function::ArrayLength => "States.ArrayLength",
            Function::ArrayUnique => "States.ArrayUnique",
            Function::Base64Encode => "States.Base64Encode",
            Function::Base64Decode => "States.Base64Decode",
            Function::Hash => "States.Hash",
            Function::JsonMerge => "States.JsonMerge",
            Function::MathRandom => "States.MathRandom",
            Function::MathAdd => "States.MathAdd",
            Function::StringSplit => "States.StringSplit",
            Function::Uuid => "States.UUID",
        }
    }

    pub fn from_name(name: &str) -> Option<Function> {
        Function::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Accepted argument counts (min, max).
    fn arity(self) -> (usize, usize) {
        match self {
            Function::Format => (1, usize::MAX),
            Function::Array => (0, usize::MAX),
            Function::StringToJson
            | Function::JsonToString
            | Function::ArrayLength
            | Function::ArrayUnique
            | Function::Base64Encode
            | Function::Base64Decode => (1, 1),
            Function::ArrayPartition
            | Function::ArrayContains
            | Function::ArrayGetItem
            | Function::Hash
            | Function::MathAdd
            | Function::StringSplit => (2, 2),
            Function::ArrayRange | Function::JsonMerge => (3, 3),
            Function::MathRandom => (2, 3),
            Function::Uuid => (0, 0),
        }
    }
}

/// One argument of a call.
#[derive(Clone, Debug)]
pub enum Arg {
    /// A literal: string, number, boolean or null.
    Literal(Value),
    /// A string literal whose text had `\{`/`\}` escapes: `value` is unescaped, `template`
    /// keeps the escapes so `States.Format` can tell literal braces from placeholders.
    Text { value: Rc<str>, template: Rc<str> },
    Path(Path),
    Call(Intrinsic),
}

/// A parsed intrinsic function call.
#[derive(Clone, Debug)]
pub struct Intrinsic {
    text: Rc<str>,
    function: Function,
    args: Vec<Arg>,
}

/// Why an evaluation failed: a path argument found nothing, or the function failed.
#[derive(Clone, Debug, PartialEq)]
pub enum IntrinsicError {
    /// A definite path argument named nothing (the path text).
    PathNotFound(Rc<str>),
    Failure(QueryError),
}

impl IntrinsicError {
    /// As a `QueryError`, naming `field` (e.g. `x.$`) for a path that found nothing.
    pub fn into_query_error(self, field: &str, scope: &Scope) -> QueryError {
        match self {
            IntrinsicError::PathNotFound(path) => QueryError::runtime(format!(
                "The JSONPath '{path}' specified for the field '{field}' could not be found in the input '{}'",
                scope.input.to_json()
            )),
            IntrinsicError::Failure(e) => e,
        }
    }
}

/// Arguments evaluated without a heap allocation.
const INLINE_ARGS: usize = 4;

fn failure(message: impl Into<String>) -> IntrinsicError {
    IntrinsicError::Failure(QueryError::new(INTRINSIC_FAILURE, message))
}

impl Intrinsic {
    /// Parses a call such as `States.Format('{}', $.x)`. The error is a reason.
    pub fn parse(text: &str) -> Result<Intrinsic, String> {
        let mut p = CallParser { s: text, pos: 0 };
        p.ws();
        let call = p.call(0).map_err(|e| format!("Invalid intrinsic function call '{text}': {e}"))?;
        p.ws();
        if p.pos != text.len() {
            return Err(format!("Invalid intrinsic function call '{text}': unexpected text after the call"));
        }
        Ok(call)
    }

    /// True when the text looks like a call (`States.` then a name and `(`); such strings in a
    /// `.$` field are intrinsics rather than paths.
    pub fn looks_like_call(text: &str) -> bool {
        text.trim_start().starts_with("States.")
    }

    /// Whether any argument (at any depth) reads the context object (`$$`).
    pub fn uses_context(&self) -> bool {
        self.args.iter().any(|a| match a {
            Arg::Path(p) => p.root() == &super::path::Root::Context,
            Arg::Call(c) => c.uses_context(),
            _ => false,
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn function(&self) -> Function {
        self.function
    }

    pub fn args(&self) -> &[Arg] {
        &self.args
    }

    /// Evaluates the call. `random` supplies fresh 64-bit random numbers for `States.UUID` and
    /// unseeded `States.MathRandom`.
    pub fn evaluate(&self, scope: &Scope, random: &mut dyn FnMut() -> u64) -> Result<Value, IntrinsicError> {
        // Calls rarely take more than a few arguments: those are held on the stack.
        let mut inline: [Value; INLINE_ARGS] = Default::default();
        let mut spilled: Vec<Value> = Vec::new();
        let values: &mut [Value] = if self.args.len() <= INLINE_ARGS {
            &mut inline[..self.args.len()]
        } else {
            spilled.resize(self.args.len(), Value::Null);
            &mut spilled
        };
        for (slot, arg) in values.iter_mut().zip(&self.args) {
            *slot = match arg {
                Arg::Literal(v) => v.clone(),
                Arg::Text { value, .. } => Value::String(value.clone()),
                Arg::Path(p) => match p.find(scope) {
                    Ok(v) => v,
                    Err(_) => return Err(IntrinsicError::PathNotFound(p.text().into())),
                },
                Arg::Call(c) => c.evaluate(scope, random)?,
            };
        }
        let (min, max) = self.function.arity();
        if values.len() < min || values.len() > max {
            let expected = if min == max {
                format!("{min}")
            } else if max == usize::MAX {
                format!("at least {min}")
            } else {
                format!("{min} to {max}")
            };
            return Err(failure(format!(
                "Invalid number of arguments in {}: expected {expected} but received {}",
                self.function.name(),
                values.len()
            )));
        }
        let f = self.function;
        let name = f.name();
        match f {
            Function::Format => intrinsic_format(&self.args, name, values),
            Function::StringToJson => intrinsic_string_to_json(name, values),
            Function::JsonToString => Ok(Value::from(values[0].to_json())),
            Function::Array => Ok(Value::array(values.iter_mut().map(std::mem::take).collect())),
            Function::ArrayPartition => intrinsic_array_partition(name, values),
            Function::ArrayContains => intrinsic_array_contains(name, values),
            Function::ArrayRange => intrinsic_array_range(name, values),
            Function::ArrayGetItem => intrinsic_array_get_item(name, values),
            Function::ArrayLength => Ok(Value::int(array_arg(name, 1, &values[0])?.len() as i64)),
            Function::ArrayUnique => intrinsic_array_unique(name, values),
            Function::Base64Encode => intrinsic_base64_encode(name, values),
            Function::Base64Decode => intrinsic_base64_decode(name, values),
            Function::Hash => intrinsic_hash(name, values),
            Function::JsonMerge => intrinsic_json_merge(name, values),
            Function::MathRandom => intrinsic_math_random(name, values, random),
            Function::MathAdd => intrinsic_math_add(name, values),
            Function::StringSplit => intrinsic_string_split(name, values),
            Function::Uuid => Ok(Value::from(uuid_v4(random()))),
        }
    }
}

// One function per intrinsic, never inlined into `evaluate`: V8 optimizes a hot wasm function
// whole, and a loop calling States.MathAdd should not wait for every other intrinsic to be
// compiled with it.

#[inline(never)]
fn intrinsic_format(args: &[Arg], name: &str, values: &mut [Value]) -> Result<Value, IntrinsicError> {
    let (template, escapes): (Rc<str>, bool) = match (&args[0], &values[0]) {
        (Arg::Text { template, .. }, _) => (template.clone(), true),
        (_, Value::String(s)) => (s.clone(), false),
        (_, other) => return Err(type_error(name, 1, "string", other)),
    };
    format(&template, escapes, &values[1..])
}

#[inline(never)]
fn intrinsic_string_to_json(name: &str, values: &mut [Value]) -> Result<Value, IntrinsicError> {
    let s = string_arg(name, 1, &values[0])?;
    if s.trim().is_empty() {
        return Ok(Value::Null);
    }
    match crate::value::parse(s) {
        Ok(v) => Ok(normalize_ints(v, 0)),
        Err(e) => Err(failure(format!("Invalid argument in {name}: the string is not valid JSON: {}", e.message))),
    }
}

#[inline(never)]
fn intrinsic_array_partition(name: &str, values: &mut [Value]) -> Result<Value, IntrinsicError> {
    let arr = array_arg(name, 1, &values[0])?;
    let size = int_arg(name, 2, &values[1])?;
    if size <= 0 {
        return Err(failure(format!(
            "Invalid argument in {name}: the chunk size must be a positive integer, but was {size}"
        )));
    }
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    Ok(Value::array(arr.chunks(size).map(|c| Value::array(c.to_vec())).collect()))
}

#[inline(never)]
fn intrinsic_array_contains(name: &str, values: &mut [Value]) -> Result<Value, IntrinsicError> {
    let arr = array_arg(name, 1, &values[0])?;
    Ok(Value::Bool(arr.iter().any(|v| v == &values[1])))
}

#[inline(never)]
fn intrinsic_array_range(name: &str, values: &mut [Value]) -> Result<Value, IntrinsicError> {
    let start = int_arg(name, 1, &values[0])?;
    let end = int_arg(name, 2, &values[1])?;
    let step = int_arg(name, 3, &values[2])?;
    if step == 0 {
        return Err(failure(format!("Invalid argument in {name}: the step must not be 0")));
    }
    let count = if (step > 0 && start > end) || (step < 0 && start < end) {
        0
    } else {
        (end as i128 - start as i128) / step as i128 + 1
    };
    if count > MAX_RANGE_ITEMS as i128 {
        return Err(failure(format!(
            "Invalid arguments in {name}: the range would contain {count} items, more than the maximum of {MAX_RANGE_ITEMS}"
        )));
    }
    Ok(Value::array((0..count as i64).map(|i| Value::int(start + i * step)).collect()))
}

#[inline(never)]
fn intrinsic_array_get_item(name: &str, values: &mut [Value]) -> Result<Value, IntrinsicError> {
    let arr = array_arg(name, 1, &values[0])?;
    let idx = int_arg(name, 2, &values[1])?;
    match usize::try_from(idx).ok().and_then(|i| arr.get(i)) {
        Some(v) => Ok(v.clone()),
        None => Err(failure(format!(
            "Invalid argument in {name}: index {idx} is out of bounds for an array of length {}",
            arr.len()
        ))),
    }
}

#[inline(never)]
fn intrinsic_array_unique(name: &str, values: &mut [Value]) -> Result<Value, IntrinsicError> {
    let arr = array_arg(name, 1, &values[0])?;
    let mut out: Vec<Value> = Vec::new();
    for v in arr.iter() {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    Ok(Value::array(out))
}

#[inline(never)]
fn intrinsic_base64_encode(name: &str, values: &mut [Value]) -> Result<Value, IntrinsicError> {
    let s = bounded_string_arg(name, &values[0])?;
    Ok(Value::from(base64_encode(s.as_bytes())))
}

#[inline(never)]
fn intrinsic_base64_decode(name: &str, values: &mut [Value]) -> Result<Value, IntrinsicError> {
    let s = bounded_string_arg(name, &values[0])?;
    match base64_decode(s) {
        Some(bytes) => Ok(Value::from(String::from_utf8_lossy(&bytes).into_owned())),
        None => Err(failure(format!("Invalid argument in {name}: the string is not valid Base64"))),
    }
}

#[inline(never)]
fn intrinsic_hash(name: &str, values: &mut [Value]) -> Result<Value, IntrinsicError> {
    let data = bounded_string_arg(name, &values[0])?;
    let alg = string_arg(name, 2, &values[1])?;
    let digest = match alg {
        "MD5" => hash::md5(data.as_bytes()).to_vec(),
        "SHA-1" => hash::sha1(data.as_bytes()).to_vec(),
        "SHA-256" => hash::sha256(data.as_bytes()).to_vec(),
        "SHA-384" => hash::sha512_family(data.as_bytes(), true),
        "SHA-512" => hash::sha512_family(data.as_bytes(), false),
        other => {
            return Err(failure(format!(
                "Invalid argument in {name}: unsupported hashing algorithm '{other}'; supported: MD5, SHA-1, SHA-256, SHA-384, SHA-512"
            )))
        }
    };
    Ok(Value::from(hex(&digest)))
}

#[inline(never)]
fn intrinsic_json_merge(name: &str, values: &mut [Value]) -> Result<Value, IntrinsicError> {
    let a = object_arg(name, 1, &values[0])?;
    let b = object_arg(name, 2, &values[1])?;
    match &values[2] {
        Value::Bool(false) => {}
        Value::Bool(true) => {
            return Err(failure(format!("Invalid argument in {name}: deep merging is not supported; the third argument must be false")))
        }
        other => return Err(type_error(name, 3, "boolean", other)),
    }
    Ok(Value::object(java_hash_map_merge(a, b)))
}

#[inline(never)]
fn intrinsic_math_random(name: &str, values: &mut [Value], random: &mut dyn FnMut() -> u64) -> Result<Value, IntrinsicError> {
    let start = round_half_up(name, 1, &values[0])?;
    let end = round_half_up(name, 2, &values[1])?;
    if end <= start {
        return Err(failure(format!(
            "Invalid arguments in {name}: the start ({start}) must be less than the end ({end})"
        )));
    }
    let span = (end as i128 - start as i128) as u128;
    let offset = match values.get(2) {
        Some(seed) => {
            let seed = round_half_up(name, 3, seed)?;
            match i32::try_from(span) {
                Ok(bound) => java_random_next_int(seed, bound) as u128,
                Err(_) => ((random_u64(seed) as u128) * span) >> 64,
            }
        }
        None => ((random() as u128) * span) >> 64,
    };
    Ok(Value::int((start as i128 + offset as i128) as i64))
}

#[inline(never)]
fn intrinsic_math_add(name: &str, values: &mut [Value]) -> Result<Value, IntrinsicError> {
    let a = round_half_up(name, 1, &values[0])?;
    let b = round_half_up(name, 2, &values[1])?;
    match a.checked_add(b) {
        Some(s) => Ok(Value::int(s)),
        None => Err(failure(format!("Invalid arguments in {name}: the sum is out of range"))),
    }
}

#[inline(never)]
fn intrinsic_string_split(name: &str, values: &mut [Value]) -> Result<Value, IntrinsicError> {
    let s = string_arg(name, 1, &values[0])?;
    let delims = string_arg(name, 2, &values[1])?;
    let parts = s
        .split(|c: char| delims.contains(c))
        .filter(|p| !p.is_empty())
        .map(Value::from)
        .collect();
    Ok(Value::array(parts))
}

/// Jackson reads integers canonically: `-0` is `0`.
fn normalize_ints(v: Value, depth: usize) -> Value {
    if depth > crate::value::MAX_DEPTH {
        return v;
    }
    match v {
        Value::Number(Number::Text(ref t)) if !t.text.contains(['.', 'e', 'E']) && t.value == 0.0 => Value::int(0),
        Value::Array(a) => Value::array(a.iter().map(|x| normalize_ints(x.clone(), depth + 1)).collect()),
        Value::Object(o) => Value::object(o.iter().map(|(k, x)| (k.clone(), normalize_ints(x.clone(), depth + 1))).collect()),
        other => other,
    }
}

fn type_error(function: &str, position: usize, expected: &str, got: &Value) -> IntrinsicError {
    failure(format!(
        "Invalid argument in {function}: argument {position} must be a{} {expected}, but was a{} {} ({})",
        if expected.starts_with(['a', 'e', 'i', 'o', 'u']) { "n" } else { "" },
        if got.type_name().starts_with(['a', 'e', 'i', 'o', 'u']) { "n" } else { "" },
        got.type_name(),
        got.to_json()
    ))
}

fn string_arg<'v>(function: &str, position: usize, v: &'v Value) -> Result<&'v str, IntrinsicError> {
    v.as_str().ok_or_else(|| type_error(function, position, "string", v))
}

fn bounded_string_arg<'v>(function: &str, v: &'v Value) -> Result<&'v str, IntrinsicError> {
    let s = string_arg(function, 1, v)?;
    let len = s.encode_utf16().count();
    if len > MAX_STRING_CHARS {
        return Err(failure(format!(
            "Invalid argument in {function}: the input string has {len} characters, more than the maximum of {MAX_STRING_CHARS}"
        )));
    }
    Ok(s)
}

fn array_arg<'v>(function: &str, position: usize, v: &'v Value) -> Result<&'v Rc<Vec<Value>>, IntrinsicError> {
    v.as_array().ok_or_else(|| type_error(function, position, "array", v))
}

fn object_arg<'v>(function: &str, position: usize, v: &'v Value) -> Result<&'v Rc<Map>, IntrinsicError> {
    v.as_object().ok_or_else(|| type_error(function, position, "object", v))
}

fn int_arg(function: &str, position: usize, v: &Value) -> Result<i64, IntrinsicError> {
    match v.as_number().and_then(|n| n.as_i64()) {
        Some(i) => Ok(i),
        None => Err(type_error(function, position, "integer", v)),
    }
}

/// Java's `Math.round`: halves go up (`-1.5` -> `-1`, `2.5` -> `3`).
fn round_half_up(function: &str, position: usize, v: &Value) -> Result<i64, IntrinsicError> {
    let Some(n) = v.as_number() else { return Err(type_error(function, position, "number", v)) };
    if let Number::Int(i) = n {
        return Ok(*i);
    }
    let f = n.as_f64();
    let r = (f + 0.5).floor();
    // 0.49999999999999994 + 0.5 rounds up to 1.0 in floating point; Math.round gives 0.
    let r = if r - f > 0.5 { r - 1.0 } else { r };
    if !r.is_finite() || r.abs() >= 9.2e18 {
        return Err(failure(format!("Invalid argument in {function}: argument {position} is out of range")));
    }
    Ok(r as i64)
}

/// `States.Format`: each `{}` takes the next argument. In a string literal of the call
/// (`escapes`), `\{`, `\}` and `\\` are literal characters; text read from a path is taken as is.
fn format(template: &str, escapes: bool, args: &[Value]) -> Result<Value, IntrinsicError> {
    let mut out = String::new();
    let mut used = 0usize;
    let mut placeholders = 0usize;
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if escapes => match chars.next() {
                Some(n) => out.push(n),
                None => out.push('\\'),
            },
            '{' if chars.peek() == Some(&'}') => {
                chars.next();
                placeholders += 1;
                if let Some(arg) = args.get(used) {
                    out.push_str(&java_display(arg));
                    used += 1;
                }
            }
            other => out.push(other),
        }
    }
    if placeholders != args.len() {
        return Err(failure(format!(
            "Invalid arguments in States.Format: the format string has {placeholders} placeholder(s) but {} argument(s) were given",
            args.len()
        )));
    }
    Ok(Value::from(out))
}

/// Merges as `new HashMap<>(); putAll(a); putAll(b)` does in Java, including its iteration
/// order (by hash bucket), which is the order AWS's output shows.
fn java_hash_map_merge(a: &Map, b: &Map) -> Map {
    let mut merged: Vec<(Rc<str>, Value)> = Vec::with_capacity(a.len() + b.len());
    let mut index: std::collections::HashMap<Rc<str>, usize> = std::collections::HashMap::new();
    for (k, v) in a.iter().chain(b.iter()) {
        match index.get(k) {
            Some(&i) => merged[i].1 = v.clone(),
            None => {
                index.insert(k.clone(), merged.len());
                merged.push((k.clone(), v.clone()));
            }
        }
    }
    let mut capacity = 16usize;
    while merged.len() > capacity / 4 * 3 {
        capacity *= 2;
    }
    let bucket = |k: &str| -> usize {
        let mut h: i32 = 0;
        for u in k.encode_utf16() {
            h = h.wrapping_mul(31).wrapping_add(u as i32);
        }
        let h = h as u32;
        ((h ^ (h >> 16)) as usize) & (capacity - 1)
    };
    let mut keyed: Vec<(usize, usize, Rc<str>, Value)> =
        merged.into_iter().enumerate().map(|(i, (k, v))| (bucket(&k), i, k, v)).collect();
    keyed.sort_by_key(|(b, i, _, _)| (*b, *i));
    keyed.into_iter().map(|(_, _, k, v)| (k, v)).collect()
}

/// `new java.util.Random(seed).nextInt(bound)` for `bound > 0`.
fn java_random_next_int(seed: i64, bound: i32) -> i32 {
    const MULT: i64 = 0x5DEECE66D;
    const MASK: i64 = (1 << 48) - 1;
    let mut state = (seed ^ MULT) & MASK;
    let mut next = |bits: u32| -> i32 {
        state = (state.wrapping_mul(MULT).wrapping_add(0xB)) & MASK;
        (state >> (48 - bits)) as i32
    };
    if bound & (-bound) == bound {
        return ((bound as i64 * next(31) as i64) >> 31) as i32;
    }
    loop {
        let bits = next(31);
        let val = bits % bound;
        if bits.wrapping_sub(val).wrapping_add(bound - 1) >= 0 {
            return val;
        }
    }
}

/// A seed-determined 64-bit value (for spans beyond `i32`).
fn random_u64(seed: i64) -> u64 {
    SplitMix64::new(seed as u64).next_u64()
}

/// A small, fast deterministic generator the engine can use as the random source:
/// `let mut rng = SplitMix64::new(seed); intrinsic.evaluate(&scope, &mut || rng.next_u64())`.
pub use crate::random::SplitMix64;

/// A version-4 UUID from 128 random bits (the first from `first`, the second derived).
fn uuid_v4(first: u64) -> String {
    let second = SplitMix64::new(first ^ 0xA5A5_A5A5_5A5A_5A5A).next_u64();
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&first.to_be_bytes());
    b[8..].copy_from_slice(&second.to_be_bytes());
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

use super::digest::{base64_encode, hex, Base64Bytes, B64};

/// MIME-style decoding: characters outside the alphabet (line breaks, ...) are ignored;
/// decoding stops at padding.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut bytes = Base64Bytes::with_text_len(s.len());
    for c in s.bytes() {
        if c == b'=' {
            break;
        }
        let Some(v) = B64.iter().position(|x| *x == c) else { continue };
        bytes.push(v as u8);
    }
    let (out, bits) = bytes.finish();
    // A lone leftover sextet cannot encode a byte.
    if bits >= 6 {
        return None;
    }
    Some(out)
}

use super::digest as hash;

// ---------------------------------------------------------------------------------------------
// Parsing

struct CallParser<'a> {
    s: &'a str,
    pos: usize,
}

impl CallParser<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.pos..).and_then(|r| r.chars().next())
    }

    fn ws(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
    }

    fn call(&mut self, depth: usize) -> Result<Intrinsic, String> {
        if depth >= MAX_NESTING {
            return Err(format!("calls nested more than {MAX_NESTING} deep"));
        }
        let start = self.pos;
        let rest = self.s.get(self.pos..).unwrap_or("");
        let name_len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '.')).unwrap_or(rest.len());
        let name = &rest[..name_len];
        let function = Function::from_name(name).ok_or_else(|| format!("unknown function '{name}'"))?;
        self.pos += name_len;
        self.ws();
        if self.peek() != Some('(') {
            return Err(format!("expected '(' after {name}"));
        }
        self.pos += 1;
        let mut args = Vec::new();
        self.ws();
        if self.peek() == Some(')') {
            self.pos += 1;
        } else {
            loop {
                self.ws();
                args.push(self.arg(depth)?);
                self.ws();
                match self.peek() {
                    Some(',') => self.pos += 1,
                    Some(')') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(format!("expected ',' or ')' in the arguments of {name}")),
                }
            }
        }
        let text = self.s.get(start..self.pos).unwrap_or("").into();
        Ok(Intrinsic { text, function, args })
    }

    fn arg(&mut self, depth: usize) -> Result<Arg, String> {
        let rest = self.s.get(self.pos..).unwrap_or("");
        match self.peek() {
            Some('\'') => self.string(),
            Some('$') => {
                let len = path_len(rest);
                let text = rest[..len].trim_end();
                let path = Path::parse(text)?;
                self.pos += len;
                Ok(Arg::Path(path))
            }
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let len = rest
                    .find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E')))
                    .unwrap_or(rest.len());
                let t = &rest[..len];
                match crate::value::parse(t) {
                    Ok(v @ Value::Number(_)) => {
                        self.pos += len;
                        Ok(Arg::Literal(v))
                    }
                    _ => Err(format!("'{t}' is not a number")),
                }
            }
            _ if rest.starts_with("States.") => Ok(Arg::Call(self.call(depth + 1)?)),
            _ => {
                for (word, v) in [("true", Value::Bool(true)), ("false", Value::Bool(false)), ("null", Value::Null)] {
                    if let Some(after) = rest.strip_prefix(word) {
                        if !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                            self.pos += word.len();
                            return Ok(Arg::Literal(v));
                        }
                    }
                }
                Err(format!("invalid argument '{}'", rest.chars().take(20).collect::<String>()))
            }
        }
    }

    /// A single-quoted string with `\'`, `\{`, `\}`, `\\` escapes.
    fn string(&mut self) -> Result<Arg, String> {
        self.pos += 1;
        let mut value = String::new();
        let mut template = String::new();
        let mut braces_escaped = false;
        loop {
            let Some(c) = self.peek() else { return Err("unclosed string literal".into()) };
            self.pos += c.len_utf8();
            match c {
                '\'' => break,
                '\\' => {
                    let Some(n) = self.peek() else { return Err("unclosed string literal".into()) };
                    self.pos += n.len_utf8();
                    match n {
                        '\'' | '{' | '}' | '\\' => {
                            value.push(n);
                            template.push('\\');
                            template.push(n);
                            braces_escaped |= n != '\'';
                        }
                        other => return Err(format!("invalid escape sequence '\\{other}' in a string literal")),
                    }
                }
                other => {
                    value.push(other);
                    template.push(other);
                }
            }
        }
        if braces_escaped {
            Ok(Arg::Text { value: value.into(), template: template.into() })
        } else {
            Ok(Arg::Literal(Value::from(value)))
        }
    }
}

/// Length of a path argument: up to a ',' or ')' outside brackets, parentheses and quotes.
fn path_len(rest: &str) -> usize {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' if depth > 0 => quote = Some(c),
            '[' | '(' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            ')' if depth > 0 => depth -= 1,
            ',' | ')' if depth == 0 => return i,
            _ => {}
        }
    }
    rest.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::parse;

    fn run_with(call: &str, input: &str) -> Result<Value, IntrinsicError> {
        let input = parse(input).unwrap();
        let ctx = parse(r#"{"StateMachine":{"Id":"arn:sm","Name":"my-state-machine"}}"#).unwrap();
        let scope = Scope::new(&input, &ctx);
        let mut rng = SplitMix64::new(7);
        Intrinsic::parse(call).unwrap().evaluate(&scope, &mut || rng.next_u64())
    }

    fn run(call: &str, input: &str) -> String {
        match run_with(call, input) {
            Ok(v) => v.to_json(),
            Err(e) => format!("ERR {e:?}"),
        }
    }

    fn fails(call: &str, input: &str) -> bool {
        matches!(run_with(call, input), Err(IntrinsicError::Failure(e)) if e.error == "States.IntrinsicFailure")
    }

    #[test]
    fn hashes_match_standard_vectors() {
        assert_eq!(hex(&hash::md5(b"")), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(hex(&hash::md5(b"input data")), "812f45842bc6d66ee14572ce20db8e86");
        assert_eq!(hex(&hash::sha1(b"abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(hex(&hash::sha1(b"input data")), "aaff4a450a104cd177d28d18d74485e8cae074b7");
        assert_eq!(hex(&hash::sha256(b"abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(
            hex(&hash::sha256(&[b'a'; 1000])),
            "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"
        );
        assert_eq!(
            hex(&hash::sha512_family(b"abc", true)),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"
        );
        assert_eq!(
            hex(&hash::sha512_family(b"abc", false)),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
        assert_eq!(
            hex(&hash::sha256(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
    }

    #[test]
    fn base64_round_trip() {
        assert_eq!(base64_encode(b"Data to encode"), "RGF0YSB0byBlbmNvZGU=");
        assert_eq!(base64_encode(b""), "");
        assert_eq!(base64_encode(b"ab"), "YWI=");
        assert_eq!(base64_decode("RGF0YSB0byBlbmNvZGU=").unwrap(), b"Data to encode");
        assert_eq!(base64_decode("YWI").unwrap(), b"ab");
        assert_eq!(base64_decode("YW\nI=").unwrap(), b"ab");
        assert!(base64_decode("Y").is_none());
    }

    #[test]
    fn java_random_matches_known_values() {
        // new Random(42).nextInt(10) == 0; new Random(0).nextInt(100) == 60.
        assert_eq!(java_random_next_int(42, 10), 0);
        assert_eq!(java_random_next_int(0, 100), 60);
        assert_eq!(java_random_next_int(3, 16), java_random_next_int(3, 16));
    }

    #[test]
    fn functions() {
        assert_eq!(run("States.Format('Hello {}, {}!', $.a, $.b)", r#"{"a":"x","b":1.5}"#), r#""Hello x, 1.5!""#);
        assert_eq!(run("States.Format('a\\{\\}b {}', $.o)", r#"{"o":{"k":[1,"s"]}}"#), r#""a{}b {k=[1, s]}""#);
        assert!(fails("States.Format('{} {}', 1)", "{}"));
        assert_eq!(run("States.Format($.t, 1)", r#"{"t":"C:\\dir\\{}"}"#), r#""C:\\dir\\1""#);
        assert_eq!(run("States.StringToJson($.s)", r#"{"s":"{\"a\": [1, -0]}"}"#), r#"{"a":[1,0]}"#);
        assert_eq!(run("States.StringToJson($.s)", r#"{"s":" "}"#), "null");
        assert!(fails("States.StringToJson($.s)", r#"{"s":"{"}"#));
        assert_eq!(run("States.JsonToString($)", r#"{"a":[1,"x"]}"#), r#""{\"a\":[1,\"x\"]}""#);
        assert_eq!(run("States.Array('a', 1, true, null, $.x)", r#"{"x":{}}"#), r#"["a",1,true,null,{}]"#);
        assert_eq!(run("States.ArrayPartition($.a, 4)", r#"{"a":[1,2,3,4,5,6,7,8,9]}"#), "[[1,2,3,4],[5,6,7,8],[9]]");
        assert!(fails("States.ArrayPartition($.a, 0)", r#"{"a":[1]}"#));
        assert_eq!(run("States.ArrayContains($.a, $.v)", r#"{"a":[1,{"x":[2]}],"v":{"x":[2]}}"#), "true");
        assert_eq!(run("States.ArrayRange(1, 9, 2)", "{}"), "[1,3,5,7,9]");
        assert_eq!(run("States.ArrayRange(5, 1, -2)", "{}"), "[5,3,1]");
        assert_eq!(run("States.ArrayRange(5, 1, 2)", "{}"), "[]");
        assert!(fails("States.ArrayRange(0, 1000, 1)", "{}"));
        assert_eq!(run("States.ArrayRange(0, 999, 1)", "{}").matches(',').count(), 999);
        assert!(fails("States.ArrayRange(1, 2, 0)", "{}"));
        assert_eq!(run("States.ArrayGetItem($.a, 1)", r#"{"a":[1,2]}"#), "2");
        assert!(fails("States.ArrayGetItem($.a, 2)", r#"{"a":[1,2]}"#));
        assert_eq!(run("States.ArrayLength($.a)", r#"{"a":[1,2]}"#), "2");
        assert_eq!(run("States.ArrayUnique($.a)", r#"{"a":[1,2,1,{"a":1},{"a":1},null,null]}"#), r#"[1,2,{"a":1},null]"#);
        assert_eq!(run("States.Base64Decode(States.Base64Encode('héllo'))", "{}"), r#""héllo""#);
        assert!(fails("States.Base64Encode($.s)", &format!(r#"{{"s":"{}"}}"#, "a".repeat(10_001))));
        assert_eq!(run("States.Hash('input data', 'SHA-1')", "{}"), r#""aaff4a450a104cd177d28d18d74485e8cae074b7""#);
        assert!(fails("States.Hash('x', 'SHA-2')", "{}"));
        assert_eq!(
            run("States.JsonMerge($.a, $.b, false)", r#"{"a":{"a":{"a1":1},"b":2,"d":3},"b":{"a":{"a3":1},"c":3,"d":4}}"#),
            r#"{"a":{"a3":1},"b":2,"c":3,"d":4}"#
        );
        assert!(fails("States.JsonMerge($.a, $.a, true)", r#"{"a":{}}"#));
        assert_eq!(run("States.MathAdd(-1.5, 2.5)", "{}"), "2");
        assert_eq!(run("States.MathAdd(1.49, -1.51)", "{}"), "-1");
        assert!(fails("States.MathAdd('1', 2)", "{}"));
        let r: i64 = run("States.MathRandom(1, 10)", "{}").parse().unwrap();
        assert!((1..10).contains(&r));
        assert_eq!(run("States.MathRandom(0, 999, 3)", "{}"), run("States.MathRandom(0, 999, 3)", "{}"));
        assert_eq!(run("States.StringSplit('a,b;;c', ',;')", "{}"), r#"["a","b","c"]"#);
        let u = run("States.UUID()", "{}");
        assert_eq!(u.len(), 38);
        assert_eq!(&u[15..16], "4");
        assert_eq!(
            run("States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))", "{}"),
            r#""machine""#
        );
        assert!(matches!(run_with("States.ArrayLength($.nope)", "{}"), Err(IntrinsicError::PathNotFound(p)) if &*p == "$.nope"));
        assert!(fails("States.UUID(1)", "{}"));
    }

    #[test]
    fn parse_errors() {
        for bad in [
            "States.Nope()",
            "States.Format('unterminated)",
            "States.Format('He said, \\\"Hi\\\"')",
            "States.Array(1,)",
            "States.Array(foo)",
            "States.Array($.a b)",
            "States.Array(1) trailing",
            "States.StringToJson('{\"text\":\"An \\\"escaped\\\" here\"}')",
        ] {
            assert!(Intrinsic::parse(bad).is_err(), "{bad}");
        }
        let deep = format!("{}1{}", "States.Array(".repeat(100), ")".repeat(100));
        assert!(Intrinsic::parse(&deep).is_err());
        assert!(Intrinsic::parse("States.Array( 'a' , $.b[0] , $.c[?(@.d == 'x,y')] )").is_ok());
    }
}
