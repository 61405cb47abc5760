//! JSON text -> `Value`, optionally recording where each value stands in the text so that
//! diagnostics can point at a line and column.

use super::{Map, Number, Value};
use std::collections::HashMap;
use std::rc::Rc;

/// Deepest nesting accepted; deeper text is an error rather than a stack overflow.
pub const MAX_DEPTH: usize = 512;

#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    pub message: String,
    /// Byte offset in the text.
    pub offset: usize,
    /// 1-based line and column (columns count characters).
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at line {}, column {}", self.message, self.line, self.column)
    }
}

/// A byte range in the source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// Where each value (and each object key) of a parsed document stands, by JSON pointer.
///
/// Only diagnostics need positions, and a valid definition has none: recording one entry per
/// value was most of the time of creating a large machine. So positions for JSON text can be
/// deferred ([`Positions::deferred`]): the text is parsed again, recording them, the first time
/// one is asked for.
#[derive(Clone, Debug, Default)]
pub struct Positions {
    tables: std::cell::OnceCell<Tables>,
    line_starts: std::cell::OnceCell<Vec<usize>>,
    text: Rc<str>,
}

#[derive(Clone, Debug, Default)]
struct Tables {
    /// Keyed with the fast hasher: a definition records one entry per value and key.
    values: HashMap<String, Span, super::hash::FastBuildHasher>,
    keys: HashMap<String, Span, super::hash::FastBuildHasher>,
}

impl Positions {
    /// Empty positions for `text`, to be filled by whoever parses it.
    pub fn new(text: &str) -> Positions {
        let tables = std::cell::OnceCell::new();
        let _ = tables.set(Tables::default());
        Positions { tables, line_starts: std::cell::OnceCell::new(), text: text.into() }
    }

    /// Positions of JSON text, recorded only when first asked for.
    pub fn deferred(text: &str) -> Positions {
        Positions { tables: std::cell::OnceCell::new(), line_starts: std::cell::OnceCell::new(), text: text.into() }
    }

    fn tables(&self) -> &Tables {
        self.tables.get_or_init(|| match parse_with_positions(&self.text) {
            Ok((_, mut p)) => p.tables.take().unwrap_or_default(),
            Err(_) => Tables::default(),
        })
    }

    fn tables_mut(&mut self) -> Option<&mut Tables> {
        self.tables();
        self.tables.get_mut()
    }

    pub fn insert_value(&mut self, pointer: String, span: Span) {
        if let Some(t) = self.tables_mut() {
            t.values.insert(pointer, span);
        }
    }

    pub fn insert_key(&mut self, pointer: String, span: Span) {
        if let Some(t) = self.tables_mut() {
            t.keys.insert(pointer, span);
        }
    }

    /// Span of the value at a JSON pointer (`""` is the whole document).
    pub fn value(&self, pointer: &str) -> Option<Span> {
        self.tables().values.get(pointer).copied()
    }

    /// Span of the key that names the member at a pointer.
    pub fn key(&self, pointer: &str) -> Option<Span> {
        self.tables().keys.get(pointer).copied()
    }

    /// The closest recorded span for a pointer: the key if known, else the value, else the
    /// nearest ancestor's.
    pub fn locate(&self, pointer: &str) -> Span {
        let mut p = pointer;
        loop {
            if let Some(s) = self.key(p).or_else(|| self.value(p)) {
                return s;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return Span::default(),
            }
        }
    }

    /// The text these positions are about.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let starts = self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(self.text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1));
            starts
        });
        line_column(&self.text, starts, offset)
    }
}

fn line_column(text: &str, line_starts: &[usize], offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let line = match line_starts.binary_search(&offset) {
        Ok(i) => i,
        Err(i) => i - 1,
    };
    let start = line_starts[line];
    let column = text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1;
    (line + 1, column)
}

/// Escapes one reference token of a JSON pointer.
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Parses JSON text.
pub fn parse(text: &str) -> Result<Value, ParseError> {
    Parser::new(text, Vec::new(), None).document()
}

/// Looks up a value by the id that follows a reference prefix (see [`parse_with_refs`]).
pub type RefLookup<'a> = &'a dyn Fn(u32) -> Option<Value>;

/// Parses JSON text in which a string made of `prefix` and a decimal id stands for the value
/// `lookup` gives for that id. The wasm boundary uses this so that a big value JS already
/// holds crosses back as a reference instead of as text; the prefix carries a random part, so
/// no real string is taken for a reference.
pub fn parse_with_refs(text: &str, prefix: &str, lookup: RefLookup<'_>) -> Result<Value, ParseError> {
    Parser::new(text, Vec::new(), Some((prefix, lookup))).document()
}

/// Parses JSON text, recording the span of every value and key by JSON pointer.
pub fn parse_with_positions(text: &str) -> Result<(Value, Positions), ParseError> {
    let mut p = Parser::new(text, Vec::new(), None);
    p.positions = Some((Positions::new(text), String::new()));
    let v = p.document()?;
    Ok((v, p.positions.map(|(ps, _)| ps).unwrap_or_default()))
}

/// Reads JSON text piece by piece, for a caller that knows its shape (the wasm boundary's
/// batches of task answers, one per task call): the arrays around the values it asks for are
/// never built. Object keys are shared with earlier parses through the cache it is given and
/// gives back ([`Cursor::finish`]), so a payload's keys are not allocated again on every call.
pub struct Cursor<'a> {
    p: Parser<'a>,
}

impl<'a> Cursor<'a> {
    /// `refs`: as for [`parse_with_refs`].
    pub fn new(text: &'a str, keys: Vec<Rc<str>>, refs: Option<(&'a str, RefLookup<'a>)>) -> Cursor<'a> {
        Cursor { p: Parser::new(text, keys, refs) }
    }

    /// Reads the `[` that opens an array.
    pub fn open_array(&mut self) -> Result<(), ParseError> {
        self.p.skip_ws();
        if self.p.peek() != Some(b'[') {
            return Err(self.p.error("Expected '['"));
        }
        self.p.enter()?;
        self.p.pos += 1;
        Ok(())
    }

    /// Before the next element of the array being read: true if there is one, false when the
    /// array ends (its `]` is read). `first` says whether an element came before.
    pub fn next_element(&mut self, first: bool) -> Result<bool, ParseError> {
        self.p.skip_ws();
        match self.p.peek() {
            Some(b']') => {
                self.p.pos += 1;
                self.p.depth -= 1;
                Ok(false)
            }
            Some(b',') if !first => {
                self.p.pos += 1;
                self.p.skip_ws();
                Ok(true)
            }
            Some(_) if first => Ok(true),
            _ => Err(self.p.error("Expected ',' or ']' after an array element")),
        }
    }

    /// The next value, whole.
    pub fn value(&mut self) -> Result<Value, ParseError> {
        self.p.skip_ws();
        self.p.value()
    }

    /// Checks that nothing but whitespace follows; gives back the key cache.
    pub fn finish(mut self) -> Result<Vec<Rc<str>>, ParseError> {
        self.p.skip_ws();
        if self.p.pos < self.p.bytes.len() {
            return Err(self.p.error("Unexpected text after the JSON value"));
        }
        Ok(self.p.keys)
    }
}

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    depth: usize,
    /// Positions being recorded, and the pointer of the value being parsed.
    positions: Option<(Positions, String)>,
    /// Object keys seen so far: payloads repeat the same few keys thousands of times, and one
    /// shared `Rc<str>` per key saves an allocation (and memory) per member.
    keys: Vec<Rc<str>>,
    /// The prefix of reference strings and how to resolve them ([`parse_with_refs`]).
    refs: Option<(&'a str, RefLookup<'a>)>,
}

/// How many distinct keys are shared at most.
const KEY_CACHE: usize = 128;

impl<'a> Parser<'a> {
    fn new(text: &'a str, keys: Vec<Rc<str>>, refs: Option<(&'a str, RefLookup<'a>)>) -> Parser<'a> {
        Parser { bytes: text.as_bytes(), text, pos: 0, depth: 0, positions: None, keys, refs }
    }

    fn document(&mut self) -> Result<Value, ParseError> {
        self.skip_ws();
        if self.pos >= self.bytes.len() {
            return Err(self.error("Unexpected end of input: expected a JSON value"));
        }
        let v = self.value()?;
        self.skip_ws();
        if self.pos < self.bytes.len() {
            return Err(self.error("Unexpected text after the JSON value"));
        }
        Ok(v)
    }

    fn error(&self, message: impl Into<String>) -> ParseError {
        let mut starts = vec![0];
        starts.extend(self.bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i + 1));
        let (line, column) = line_column(self.text, &starts, self.pos);
        ParseError { message: message.into(), offset: self.pos, line, column }
    }

    fn skip_ws(&mut self) {
        while let Some(b) = self.bytes.get(self.pos) {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn value(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        let v = match self.peek() {
            None => return Err(self.error("Unexpected end of input: expected a JSON value")),
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => {
                let s = self.string()?;
                match self.refs {
                    Some((prefix, lookup)) if s.starts_with(prefix) => {
                        let id = s[prefix.len()..].parse::<u32>().ok().and_then(lookup);
                        id.ok_or_else(|| self.error(format!("Unknown shared value reference '{}'", &s[prefix.len()..])))?
                    }
                    _ => Value::String(s.into()),
                }
            }
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => {
                let ch = self.text[self.pos..].chars().next().unwrap_or('?');
                return Err(self.error(format!("Unexpected character '{ch}': expected a JSON value")));
            }
        };
        if let Some((ps, ptr)) = &mut self.positions {
            ps.insert_value(ptr.clone(), Span { start, end: self.pos });
        }
        Ok(v)
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, ParseError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(v)
        } else {
            Err(self.error(format!("Unexpected token: expected '{word}'")))
        }
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(format!("JSON nested deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Value, ParseError> {
        self.enter()?;
        self.pos += 1;
        let mut map = Map::default();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Value::object(map));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.error("Expected a double-quoted property name"));
            }
            let key_start = self.pos;
            let key = self.key()?;
            let key_end = self.pos;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.error("Expected ':' after the property name"));
            }
            self.pos += 1;
            self.skip_ws();
            let saved = self.positions.as_mut().map(|(ps, ptr)| {
                let len = ptr.len();
                ptr.push('/');
                ptr.push_str(&escape_pointer_token(&key));
                ps.insert_key(ptr.clone(), Span { start: key_start, end: key_end });
                len
            });
            let v = self.value()?;
            if let (Some(len), Some((_, ptr))) = (saved, &mut self.positions) {
                ptr.truncate(len);
            }
            // AWS keeps the last of duplicate keys; the validator reports duplicates itself.
            map.insert(key, v);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.error("Expected ',' or '}' after a property value")),
            }
        }
        self.depth -= 1;
        Ok(Value::object(map))
    }

    /// An object key, shared with earlier occurrences of the same key.
    fn key(&mut self) -> Result<Rc<str>, ParseError> {
        // Fast path: a key without escapes is a slice of the text.
        let start = self.pos + 1;
        let mut end = start;
        while let Some(&b) = self.bytes.get(end) {
            if b == b'"' || b == b'\\' || b < 0x20 {
                break;
            }
            end += 1;
        }
        let owned;
        let text: &str = if self.bytes.get(end) == Some(&b'"') {
            self.pos = end + 1;
            &self.text[start..end]
        } else {
            owned = self.string()?;
            &owned
        };
        if let Some(k) = self.keys.iter().rev().find(|k| &***k == text) {
            return Ok(k.clone());
        }
        let k: Rc<str> = Rc::from(text);
        if self.keys.len() < KEY_CACHE {
            self.keys.push(k.clone());
        }
        Ok(k)
    }

    fn array(&mut self) -> Result<Value, ParseError> {
        self.enter()?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Value::array(items));
        }
        loop {
            self.skip_ws();
            let saved = self.positions.as_mut().map(|(_, ptr)| {
                let len = ptr.len();
                ptr.push('/');
                ptr.push_str(&items.len().to_string());
                len
            });
            items.push(self.value()?);
            if let (Some(len), Some((_, ptr))) = (saved, &mut self.positions) {
                ptr.truncate(len);
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.error("Expected ',' or ']' after an array element")),
            }
        }
        self.depth -= 1;
        Ok(Value::array(items))
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                while matches!(self.peek(), Some(b'0'..=b'9')) {
                    self.pos += 1;
                }
            }
            _ => return Err(self.error("Invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("Invalid number: expected a digit after '.'"));
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("Invalid number: expected a digit in the exponent"));
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        Ok(Value::Number(Number::from_json_text(&self.text[start..self.pos])))
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let h = self.bytes.get(self.pos..self.pos + 4).ok_or_else(|| self.error("Invalid \\u escape"))?;
        let s = std::str::from_utf8(h).map_err(|_| self.error("Invalid \\u escape"))?;
        let v = u32::from_str_radix(s, 16).map_err(|_| self.error("Invalid \\u escape"))?;
        self.pos += 4;
        Ok(v)
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[run_start..self.pos]);
            match self.peek() {
                None => return Err(self.error("Unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let esc = self.peek().ok_or_else(|| self.error("Unterminated string"))?;
                    self.pos += 1;
                    match esc {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi) && self.bytes[self.pos..].starts_with(b"\\u") {
                                let save = self.pos;
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                } else {
                                    self.pos = save;
                                    None
                                }
                            } else {
                                char::from_u32(hi)
                            };
                            out.push(c.unwrap_or('\u{FFFD}'));
                        }
                        _ => {
                            self.pos -= 1;
                            return Err(self.error("Invalid escape in string"));
                        }
                    }
                }
                Some(_) => return Err(self.error("Control character in string")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_reports_positions() {
        let text = "{\n  \"States\": {\n    \"A\": {\"Next\": \"B\"}\n  }\n}";
        let (v, ps) = parse_with_positions(text).unwrap();
        assert_eq!(v.get("States").unwrap().get("A").unwrap().get("Next").unwrap().as_str(), Some("B"));
        let span = ps.value("/States/A/Next").unwrap();
        assert_eq!(&text[span.start..span.end], "\"B\"");
        assert_eq!(ps.line_column(span.start), (3, 19));
        let key = ps.key("/States/A").unwrap();
        assert_eq!(ps.line_column(key.start), (3, 5));
    }

    #[test]
    fn errors_carry_line_and_column() {
        let e = parse("{\n  \"a\": 1,\n  \"b\" 2\n}").unwrap_err();
        assert_eq!((e.line, e.column), (3, 7));
        assert!(parse("[1,]").is_err());
        assert!(parse("01").is_err());
        assert!(parse("\"\\ud83d\\ude00\"").unwrap().as_str() == Some("😀"));
    }

    #[test]
    fn a_cursor_reads_arrays_element_by_element_and_keeps_its_keys() {
        let text = r#" [ [0, 1, {"i": 2, "n": 3}], [1,2,"E",null] ,[] ] "#;
        let mut c = Cursor::new(text, Vec::new(), None);
        let mut rows = Vec::new();
        c.open_array().unwrap();
        let mut first = true;
        while c.next_element(first).unwrap() {
            first = false;
            c.open_array().unwrap();
            let mut row = Vec::new();
            let mut f = true;
            while c.next_element(f).unwrap() {
                f = false;
                row.push(c.value().unwrap().to_json());
            }
            rows.push(row.join(" "));
        }
        assert_eq!(rows, [r#"0 1 {"i":2,"n":3}"#, r#"1 2 "E" null"#, ""]);
        let keys = c.finish().unwrap();
        assert_eq!(keys.iter().map(|k| &**k).collect::<Vec<_>>(), ["i", "n"]);
        // The next text's keys are the same strings.
        let mut c = Cursor::new(r#"{"n":1}"#, keys.clone(), None);
        let v = c.value().unwrap();
        let (k, _) = v.as_object().unwrap().iter().next().unwrap();
        assert!(Rc::ptr_eq(k, &keys[1]));
        // Errors: a missing comma, text after the end, an unclosed array.
        for bad in ["[1 2]", "[1] x", "[1"] {
            let mut c = Cursor::new(bad, Vec::new(), None);
            let mut first = true;
            let r = (|| {
                c.open_array()?;
                while c.next_element(first)? {
                    first = false;
                    c.value()?;
                }
                c.finish().map(|_| ())
            })();
            assert!(r.is_err(), "{bad}");
        }
    }

    #[test]
    fn repeated_keys_share_one_string() {
        let v = parse(r#"[{"id":1,"n\u0061me":"a"},{"id":2,"name":"b"}]"#).unwrap();
        let a = v.as_array().unwrap();
        let k0 = a[0].as_object().unwrap().keys().next().unwrap().clone();
        let k1 = a[1].as_object().unwrap().keys().next().unwrap().clone();
        assert!(Rc::ptr_eq(&k0, &k1));
        assert_eq!(a[0].get("name").unwrap().as_str(), Some("a"), "escaped keys are read too");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        assert!(parse(&text).unwrap_err().message.contains("nested deeper"));
    }

    #[test]
    fn references_resolve_to_shared_values() {
        let rows = Value::array(vec![Value::int(1), Value::int(2)]);
        let lookup = |id: u32| (id == 7).then(|| rows.clone());
        let v = parse_with_refs(r#"{"rows":"\u0000R1:7","s":"\u0000R2:7","t":"x"}"#, "\u{0}R1:", &lookup).unwrap();
        let (Some(Value::Array(got)), Some(Value::Array(want))) = (v.get("rows"), Some(&rows)) else { panic!("not an array: {v:?}") };
        assert!(Rc::ptr_eq(got, want), "the reference gives the very value, not a copy");
        assert_eq!(v.get("s").and_then(Value::as_str), Some("\u{0}R2:7"), "another prefix stays a string");
        let err = parse_with_refs(r#"["\u0000R1:8"]"#, "\u{0}R1:", &lookup).unwrap_err();
        assert!(err.message.contains("Unknown shared value"), "{}", err.message);
    }
}
