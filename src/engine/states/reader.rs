//! A Distributed Map's `ItemReader`: the Map takes its items from an S3 object
//! (`s3:getObject`, read as JSON, JSON Lines or CSV) or an S3 listing (`s3:listObjectsV2`)
//! instead of its input. The engine evaluates the reader's `Parameters` (or `Arguments`) and
//! asks its driver for what that S3 call returns (`Command::ReadItems`); the answer
//! (`Completion::ItemsRead`) becomes the items here, cut to `MaxItems`, and the Map runs on
//! them as on items from its input. AWS records no Task events for the read; anything that
//! goes wrong fails the Map with States.ItemReaderFailed.

use crate::definition::model::{ItemReader, ReaderSource, Seconds, StateKind, MAX_READER_ITEMS};
use crate::definition::QueryLanguage;
use crate::engine::errors::{names, Failure};
use crate::engine::execution::{Blocked, Command, Execution, FiberId, ReadRequest};
use crate::query::jsonata_value::JsonataValue;
use crate::query::template::Template;
use crate::query::QueryError;
use crate::value::{Map, Value};
use std::rc::Rc;

/// A read the driver has not answered yet.
pub(crate) struct PendingRead {
    pub fiber: FiberId,
    /// At most this many items (`None`: all of them).
    pub max_items: Option<u64>,
}

/// How a reader went wrong: a query failed (the state's usual error), or the reader itself
/// (States.ItemReaderFailed with this cause).
enum ReadError {
    Query(QueryError),
    Reader(String),
}

impl From<QueryError> for ReadError {
    fn from(e: QueryError) -> ReadError {
        ReadError::Query(e)
    }
}

impl Execution {
    /// Asks the driver for the reader's content; the Map state waits for it.
    pub(super) fn start_reading(&mut self, fid: FiberId, reader: &ItemReader, effective: &Value) {
        match self.read_request(fid, reader, effective) {
            Ok((input, max_items)) => {
                let read_id = self.next_task_id;
                self.next_task_id += 1;
                self.reads.insert(read_id, PendingRead { fiber: fid, max_items });
                let state_name = self.fiber(fid).state.name.clone();
                let context = self.context(fid, None);
                let input_type = (reader.source == ReaderSource::GetObject).then(|| reader.input_type.clone()).flatten();
                self.commands.push(Command::ReadItems(ReadRequest { read_id, state_name, resource: reader.resource.clone(), input, input_type, context }));
                self.block(fid, Blocked::Reading(read_id));
            }
            Err(ReadError::Query(e)) => self.query_failed(fid, e),
            Err(ReadError::Reader(cause)) => self.reader_failed(fid, cause),
        }
    }

    /// The S3 request (the evaluated `Parameters` or `Arguments`) and `MaxItems`; a reader
    /// whose configuration cannot work fails before any call.
    fn read_request(&mut self, fid: FiberId, reader: &ItemReader, effective: &Value) -> Result<(Value, Option<u64>), ReadError> {
        check_config(reader).map_err(ReadError::Reader)?;
        let input = self.s3_request(fid, reader.parameters.as_ref(), reader.arguments.as_ref(), effective)?;
        let max_items = match &reader.max_items {
            None => None,
            Some(Seconds::Literal(n)) => Some(*n),
            Some(Seconds::Path(p)) => {
                let ctx = self.context(fid, None);
                let v = p.select_required(&self.scope_input(fid, effective, &ctx))?;
                let n = v.as_number().and_then(|n| n.as_i64()).filter(|_| v.as_f64().is_some_and(|f| f.fract() == 0.0));
                match n {
                    Some(n) if n >= 0 => Some(n as u64),
                    Some(_) => return Err(ReadError::Reader(format!("The MaxItemsPath field refers to value {} which is negative: MaxItems must be 0 (no limit) or more: {}", v.to_json(), p.text()))),
                    None => return Err(ReadError::Reader(format!("The MaxItemsPath field refers to value {} which is not a valid integer: {}", v.to_json(), p.text()))),
                }
            }
            Some(Seconds::Jsonata(jv)) => {
                let ctx = self.context(fid, None);
                let states = self.states_var(fid, effective, ctx, None, None);
                Some(self.jsonata_seconds(fid, jv, "MaxItems", &states)?)
            }
        };
        // 0 sets no limit; nothing reads more than AWS's ceiling.
        Ok((input, Some(max_items.filter(|&n| n > 0).unwrap_or(MAX_READER_ITEMS).min(MAX_READER_ITEMS))))
    }

    /// The request of a Map's S3 call (its `ItemReader`'s or `ResultWriter`'s): `Parameters`
    /// (JSONPath) or `Arguments` (JSONata) evaluated on the Map's effective input; `{}` when
    /// the state's query language has none.
    pub(super) fn s3_request(&mut self, fid: FiberId, parameters: Option<&Template>, arguments: Option<&JsonataValue>, effective: &Value) -> Result<Value, QueryError> {
        let ctx = self.context(fid, None);
        if self.fiber(fid).state.query_language == QueryLanguage::Jsonata {
            return match arguments {
                Some(a) => {
                    let states = self.states_var(fid, effective, ctx, None, None);
                    self.eval_jsonata(fid, a, "Arguments", &states)
                }
                None => Ok(Value::empty_object()),
            };
        }
        match parameters {
            Some(t) => self.eval_template(fid, t, effective, &ctx),
            None => Ok(Value::empty_object()),
        }
    }

    /// The driver answered a read with the source's content.
    pub(crate) fn items_read(&mut self, read_id: u64, content: Value) {
        let Some(read) = self.reads.remove(&read_id) else { return };
        let fid = read.fiber;
        let Some(state) = self.fibers[fid].as_ref().filter(|f| f.blocked == Blocked::Reading(read_id)).map(|f| f.state.clone()) else { return };
        let StateKind::Map(m) = &state.kind else { return };
        let Some(reader) = &m.item_reader else { return };
        self.block(fid, Blocked::No);
        match items_from_content(reader, &content) {
            Ok(mut items) => {
                if let Some(max) = read.max_items {
                    items.truncate(usize::try_from(max).unwrap_or(usize::MAX));
                }
                self.read_items.insert(fid, items);
            }
            Err(cause) => self.reader_failed(fid, cause),
        }
        self.requeue(fid);
    }

    /// The driver could not read (no content was given, or its handler failed).
    pub(crate) fn items_read_failed(&mut self, read_id: u64, cause: String) {
        let Some(read) = self.reads.remove(&read_id) else { return };
        let fid = read.fiber;
        if !self.fibers[fid].as_ref().is_some_and(|f| f.blocked == Blocked::Reading(read_id)) {
            return;
        }
        self.block(fid, Blocked::No);
        self.reader_failed(fid, cause);
        self.requeue(fid);
    }

    /// The Map state fails with States.ItemReaderFailed (which Retry and Catch see).
    fn reader_failed(&mut self, fid: FiberId, cause: String) {
        let failure = Failure::with_cause(names::ITEM_READER_FAILED, cause);
        if !self.will_retry(fid, &failure) {
            self.fiber_event(fid, "MapStateFailed", None);
        }
        self.fail_state(fid, failure);
    }
}

/// Settings that cannot work, found before the source is read.
fn check_config(reader: &ItemReader) -> Result<(), String> {
    match reader.transformation.as_deref() {
        None | Some("NONE") => {}
        Some("LOAD_AND_FLATTEN") => return Err("asl-sim does not simulate ReaderConfig.Transformation LOAD_AND_FLATTEN (reading every listed object); read one object with s3:getObject instead.".into()),
        Some(other) => return Err(format!("ReaderConfig.Transformation '{other}' is not one of NONE, LOAD_AND_FLATTEN.")),
    }
    match reader.manifest_type.as_deref() {
        None => {}
        Some(t @ ("ATHENA_DATA" | "S3_INVENTORY")) => return Err(format!("asl-sim does not simulate ReaderConfig.ManifestType {t}; read the items as JSON, JSONL or CSV, or from s3:listObjectsV2.")),
        Some(other) => return Err(format!("ReaderConfig.ManifestType '{other}' is not one of ATHENA_DATA, S3_INVENTORY.")),
    }
    if let Some(p) = reader.items_pointer.as_deref() {
        if !matches!(reader.input_type.as_deref(), None | Some("JSON")) || reader.source != ReaderSource::GetObject {
            return Err("ReaderConfig.ItemsPointer points into a JSON object: it needs an s3:getObject reader with InputType JSON.".into());
        }
        if !p.is_empty() && !p.starts_with('/') {
            return Err(format!("ReaderConfig.ItemsPointer '{p}' is not a JSON Pointer: it must be empty or start with '/'."));
        }
    }
    match reader.source {
        ReaderSource::Other => {
            return Err(format!("The ItemReader resource '{}' is not supported: use arn:aws:states:::s3:getObject or arn:aws:states:::s3:listObjectsV2.", reader.resource));
        }
        ReaderSource::ListObjectsV2 => return Ok(()),
        ReaderSource::GetObject => {}
    }
    match reader.input_type.as_deref() {
        None | Some("JSON") | Some("JSONL") => Ok(()),
        Some("CSV") => csv_settings(reader).map(|_| ()),
        Some(t @ ("MANIFEST" | "PARQUET")) => Err(format!("asl-sim does not simulate ReaderConfig.InputType {t}; read the items as JSON, JSONL or CSV, or from s3:listObjectsV2.")),
        Some(other) => Err(format!("ReaderConfig.InputType '{other}' is not one of CSV, JSON, JSONL, MANIFEST, PARQUET.")),
    }
}

/// How a CSV file is read: its headers (`None`: the first row), and the delimiter.
type CsvSettings<'a> = (Option<&'a [Rc<str>]>, char);

fn csv_settings(reader: &ItemReader) -> Result<CsvSettings<'_>, String> {
    let delimiter = match reader.csv_delimiter.as_deref() {
        None | Some("COMMA") => ',',
        Some("PIPE") => '|',
        Some("SEMICOLON") => ';',
        Some("SPACE") => ' ',
        Some("TAB") => '\t',
        Some(other) => return Err(format!("ReaderConfig.CSVDelimiter '{other}' is not one of COMMA, PIPE, SEMICOLON, SPACE, TAB.")),
    };
    let headers = match reader.csv_header_location.as_deref() {
        None | Some("FIRST_ROW") => None,
        Some("GIVEN") => match reader.csv_headers.as_deref() {
            Some(h) if !h.is_empty() => Some(h),
            _ => return Err("ReaderConfig.CSVHeaderLocation is GIVEN, so ReaderConfig.CSVHeaders must list the column names.".into()),
        },
        Some(other) => return Err(format!("ReaderConfig.CSVHeaderLocation '{other}' is not one of FIRST_ROW, GIVEN.")),
    };
    Ok((headers, delimiter))
}

/// The items a reader's source content holds, as AWS makes them.
pub(crate) fn items_from_content(reader: &ItemReader, content: &Value) -> Result<Vec<Value>, String> {
    check_config(reader)?;
    if reader.source == ReaderSource::ListObjectsV2 {
        return listed_objects(content);
    }
    match reader.input_type.as_deref() {
        Some("CSV") => {
            let (headers, delimiter) = csv_settings(reader)?;
            csv_items(text_content(content, "CSV")?, headers, delimiter)
        }
        Some("JSONL") => jsonl_items(text_content(content, "JSONL")?),
        _ => json_items(content, reader.items_pointer.as_deref()),
    }
}

fn text_content<'a>(content: &'a Value, kind: &str) -> Result<&'a str, String> {
    content.as_str().ok_or_else(|| format!("The {kind} object's content must be text (a string), but the reader got {}.", content.type_name()))
}

/// A JSON file holds an array of items (given as its text, or already parsed), or with
/// `ItemsPointer` an object with the array where that JSON Pointer (RFC 6901) points.
fn json_items(content: &Value, pointer: Option<&str>) -> Result<Vec<Value>, String> {
    let parsed;
    let mut value = match content {
        Value::String(text) => {
            parsed = crate::value::parse(text).map_err(|e| format!("The JSON object's content is not valid JSON: {e}"))?;
            &parsed
        }
        other => other,
    };
    // check_config has seen that a pointer is empty or starts with '/'.
    if let Some((p, tokens)) = pointer.and_then(|p| Some((p, p.strip_prefix('/')?))) {
        for token in tokens.split('/') {
            let token = token.replace("~1", "/").replace("~0", "~");
            let next = match value {
                Value::Object(o) => o.get(token.as_str()),
                Value::Array(a) => token.parse::<usize>().ok().filter(|_| token == "0" || !token.starts_with('0')).and_then(|i| a.get(i)),
                _ => None,
            };
            value = next.ok_or_else(|| format!("ReaderConfig.ItemsPointer '{p}' points at nothing in the JSON object."))?;
        }
        if value.as_array().is_none() {
            return Err(format!("ReaderConfig.ItemsPointer '{p}' must point at an array of items, but it points at {}.", value.type_name()));
        }
    }
    match value.as_array() {
        Some(a) => Ok(a.as_ref().clone()),
        None => Err(format!("The JSON object's content must be an array of items, but it is {}; ReaderConfig.ItemsPointer can point at the array inside it.", value.type_name())),
    }
}

/// JSON Lines: one item per line; blank lines are skipped.
fn jsonl_items(text: &str) -> Result<Vec<Value>, String> {
    let mut items = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let v = crate::value::parse(line).map_err(|e| format!("Line {} of the JSONL object is not valid JSON: {e}", i + 1))?;
        items.push(v);
    }
    Ok(items)
}

/// CSV: each row is an object of strings keyed by the headers (the first row, or the given
/// ones). A row with fewer fields gets "" for the missing ones; fields past the headers are
/// left out.
fn csv_items(text: &str, given: Option<&[Rc<str>]>, delimiter: char) -> Result<Vec<Value>, String> {
    let mut rows = csv_rows(text, delimiter)?.into_iter();
    let headers: Vec<Rc<str>> = match given {
        Some(h) => h.to_vec(),
        None => match rows.next() {
            Some(first) => first.into_iter().map(Rc::from).collect(),
            None => return Ok(Vec::new()),
        },
    };
    for (i, h) in headers.iter().enumerate() {
        if headers[..i].contains(h) {
            return Err(format!("The CSV headers name the column '{h}' twice: headers must be unique."));
        }
    }
    Ok(rows
        .map(|row| {
            let mut map = Map::with_capacity(headers.len());
            let mut fields = row.into_iter();
            for h in &headers {
                map.insert(h.clone(), Value::string(fields.next().unwrap_or_default()));
            }
            Value::object(map)
        })
        .collect())
}

/// The rows of CSV text: fields split at `delimiter`, fields in double quotes may hold the
/// delimiter, line breaks and `""` (one quote). Empty lines hold no row.
fn csv_rows(text: &str, delimiter: char) -> Result<Vec<Vec<String>>, String> {
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    // Whether the current row has anything yet (an empty line has not).
    let mut started = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if field.is_empty() => {
                started = true;
                let opened = line;
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(ch) => {
                            if ch == '\n' {
                                line += 1;
                            }
                            field.push(ch);
                        }
                        None => return Err(format!("The CSV object has a quoted field opened on line {opened} that is never closed.")),
                    }
                }
            }
            c if c == delimiter => {
                started = true;
                row.push(std::mem::take(&mut field));
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                line += 1;
                if started || !field.is_empty() {
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                started = false;
            }
            c => {
                started = true;
                field.push(c);
            }
        }
    }
    if started || !field.is_empty() {
        row.push(field);
        rows.push(row);
    }
    Ok(rows)
}

/// `s3:listObjectsV2`: the listed objects (an array, or the response with `Contents`), each
/// as AWS hands it to an iteration: `Etag`, `Key`, `LastModified` (epoch seconds), `Size`
/// and `StorageClass`, those it has.
fn listed_objects(content: &Value) -> Result<Vec<Value>, String> {
    let listed = match content {
        Value::Array(a) => a.clone(),
        Value::Object(o) => match o.get("Contents") {
            Some(Value::Array(a)) => a.clone(),
            None | Some(Value::Null) => Rc::new(Vec::new()),
            Some(other) => return Err(format!("The listObjectsV2 response's Contents must be an array of objects, but it is {}.", other.type_name())),
        },
        other => return Err(format!("A listObjectsV2 reader needs the listed objects (an array of {{Key, Size, ...}}, or the response with Contents), but got {}.", other.type_name())),
    };
    listed
        .iter()
        .enumerate()
        .map(|(i, entry)| match entry {
            Value::String(key) => Ok(Value::from_pairs([("Key", Value::String(key.clone()))])),
            Value::Object(o) => {
                let mut item = Map::with_capacity(5);
                if let Some(etag) = o.get("Etag").or_else(|| o.get("ETag")) {
                    item.insert("Etag".into(), etag.clone());
                }
                match o.get("Key") {
                    Some(key) => {
                        item.insert("Key".into(), key.clone());
                    }
                    None => return Err(format!("Listed object {i} has no Key.")),
                }
                if let Some(modified) = o.get("LastModified") {
                    item.insert("LastModified".into(), epoch_seconds(modified));
                }
                for k in ["Size", "StorageClass"] {
                    if let Some(v) = o.get(k) {
                        item.insert(k.into(), v.clone());
                    }
                }
                Ok(Value::object(item))
            }
            other => Err(format!("Listed object {i} must be an object with a Key, but it is {}.", other.type_name())),
        })
        .collect()
}

/// A listed object's `LastModified` as AWS gives it to an iteration: seconds since the epoch.
/// A timestamp given as text (S3's form, or a JS Date's) is converted; others are kept.
fn epoch_seconds(v: &Value) -> Value {
    match v.as_str().and_then(crate::query::timestamp::Timestamp::parse) {
        Some(t) => Value::int(t.epoch_seconds()),
        None => v.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(source: ReaderSource, input_type: Option<&str>) -> ItemReader {
        ItemReader { source, input_type: input_type.map(Rc::from), ..ItemReader::of("arn:aws:states:::s3:getObject".into()) }
    }

    fn json(items: &[Value]) -> String {
        Value::array(items.to_vec()).to_json()
    }

    #[test]
    fn csv_rows_become_objects_of_strings_keyed_by_the_first_row() {
        let r = reader(ReaderSource::GetObject, Some("CSV"));
        let text = "Col1,Col2,Col3\nValue1,Value2,Value3\r\n,,,\ntrue,1\n\n\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\n";
        let items = items_from_content(&r, &Value::string(text)).unwrap();
        assert_eq!(
            json(&items),
            r#"[{"Col1":"Value1","Col2":"Value2","Col3":"Value3"},{"Col1":"","Col2":"","Col3":""},{"Col1":"true","Col2":"1","Col3":""},{"Col1":"a,b","Col2":"say \"hi\"","Col3":"two\nlines"}]"#
        );
    }

    #[test]
    fn csv_headers_may_be_given_and_other_delimiters_used() {
        let mut r = reader(ReaderSource::GetObject, Some("CSV"));
        r.csv_header_location = Some("GIVEN".into());
        r.csv_headers = Some(vec!["a".into(), "b".into()]);
        r.csv_delimiter = Some("PIPE".into());
        let items = items_from_content(&r, &Value::string("1|2\n3|4|5")).unwrap();
        assert_eq!(json(&items), r#"[{"a":"1","b":"2"},{"a":"3","b":"4"}]"#);
        r.csv_headers = Some(vec!["a".into(), "a".into()]);
        assert!(items_from_content(&r, &Value::string("1|2")).unwrap_err().contains("twice"));
        r.csv_headers = None;
        assert!(items_from_content(&r, &Value::string("1|2")).unwrap_err().contains("CSVHeaders"));
        r.csv_delimiter = Some("COLON".into());
        assert!(items_from_content(&r, &Value::string("1")).unwrap_err().contains("CSVDelimiter"));
    }

    #[test]
    fn broken_csv_and_non_text_content_are_reader_failures() {
        let r = reader(ReaderSource::GetObject, Some("CSV"));
        assert!(items_from_content(&r, &Value::string("a\n\"open")).unwrap_err().contains("line 2"));
        assert!(items_from_content(&r, &Value::array(vec![])).unwrap_err().contains("must be text"));
        assert_eq!(items_from_content(&r, &Value::string("")).unwrap().len(), 0);
    }

    #[test]
    fn jsonl_lines_and_json_arrays_are_items() {
        let r = reader(ReaderSource::GetObject, Some("JSONL"));
        let items = items_from_content(&r, &Value::string("{\"a\":1}\n\n  [2]  \n\"x\"\n")).unwrap();
        assert_eq!(json(&items), r#"[{"a":1},[2],"x"]"#);
        assert!(items_from_content(&r, &Value::string("{\"a\":1}\n{oops")).unwrap_err().starts_with("Line 2 "));
        for r in [reader(ReaderSource::GetObject, Some("JSON")), reader(ReaderSource::GetObject, None)] {
            assert_eq!(json(&items_from_content(&r, &Value::string("[1, {\"b\": 2}]")).unwrap()), r#"[1,{"b":2}]"#);
            assert_eq!(json(&items_from_content(&r, &crate::value::parse("[3]").unwrap()).unwrap()), "[3]");
            assert!(items_from_content(&r, &Value::string("{\"not\":\"an array\"}")).unwrap_err().contains("array"));
            assert!(items_from_content(&r, &Value::string("[1,")).unwrap_err().contains("not valid JSON"));
        }
    }

    #[test]
    fn listed_objects_get_the_fields_aws_gives_each_item() {
        let r = reader(ReaderSource::ListObjectsV2, None);
        let response = crate::value::parse(r#"{"Contents":[{"Key":"a.txt","LastModified":"2024-01-02T03:04:05.000Z","ETag":"\"e1\"","Size":12,"StorageClass":"STANDARD","Owner":{"ID":"x"}}],"KeyCount":1}"#).unwrap();
        let items = items_from_content(&r, &response).unwrap();
        assert_eq!(json(&items), r#"[{"Etag":"\"e1\"","Key":"a.txt","LastModified":1704164645,"Size":12,"StorageClass":"STANDARD"}]"#);
        let bare = crate::value::parse(r#"[{"Key":"b","Size":1}, "c"]"#).unwrap();
        assert_eq!(json(&items_from_content(&r, &bare).unwrap()), r#"[{"Key":"b","Size":1},{"Key":"c"}]"#);
        assert_eq!(items_from_content(&r, &crate::value::parse("{}").unwrap()).unwrap().len(), 0);
        assert!(items_from_content(&r, &crate::value::parse(r#"[{"Size":1}]"#).unwrap()).unwrap_err().contains("no Key"));
        assert!(items_from_content(&r, &Value::string("x")).unwrap_err().contains("listed objects"));
    }

    #[test]
    fn items_pointer_finds_the_array_inside_a_json_object() {
        let mut r = reader(ReaderSource::GetObject, Some("JSON"));
        r.items_pointer = Some("/data/a~1b/1".into());
        let text = Value::string(r#"{"data":{"a/b":[0,[{"x":1},2]]}}"#);
        assert_eq!(json(&items_from_content(&r, &text).unwrap()), r#"[{"x":1},2]"#);
        r.items_pointer = Some("/data/missing".into());
        assert!(items_from_content(&r, &text).unwrap_err().contains("points at nothing"));
        r.items_pointer = Some("/data".into());
        assert!(items_from_content(&r, &text).unwrap_err().contains("points at object"));
        r.items_pointer = Some("data".into());
        assert!(check_config(&r).unwrap_err().contains("JSON Pointer"));
        // Without it, an object is not items; the cause says what to do.
        assert!(items_from_content(&reader(ReaderSource::GetObject, None), &text).unwrap_err().contains("ItemsPointer"));
        let mut csv = reader(ReaderSource::GetObject, Some("CSV"));
        csv.items_pointer = Some("/a".into());
        assert!(check_config(&csv).unwrap_err().contains("InputType JSON"));
    }

    #[test]
    fn reader_transformation_and_manifest_type_are_checked() {
        let mut r = reader(ReaderSource::ListObjectsV2, None);
        r.transformation = Some("NONE".into());
        assert!(check_config(&r).is_ok());
        r.transformation = Some("LOAD_AND_FLATTEN".into());
        assert!(check_config(&r).unwrap_err().contains("does not simulate"));
        r.transformation = Some("SPREAD".into());
        assert!(check_config(&r).unwrap_err().contains("'SPREAD'"));
        let mut m = reader(ReaderSource::GetObject, Some("MANIFEST"));
        m.manifest_type = Some("S3_INVENTORY".into());
        assert!(check_config(&m).unwrap_err().contains("S3_INVENTORY"));
        m.manifest_type = Some("OTHER".into());
        assert!(check_config(&m).unwrap_err().contains("'OTHER'"));
    }

    #[test]
    fn unsupported_sources_and_input_types_fail_before_reading() {
        let mut r = reader(ReaderSource::Other, None);
        r.resource = "arn:aws:states:::dynamodb:scan".into();
        assert!(check_config(&r).unwrap_err().contains("dynamodb:scan"));
        assert!(check_config(&reader(ReaderSource::GetObject, Some("MANIFEST"))).unwrap_err().contains("MANIFEST"));
        assert!(check_config(&reader(ReaderSource::GetObject, Some("XML"))).unwrap_err().contains("'XML'"));
        assert_eq!(ReaderSource::of("arn:aws-cn:states:::s3:listObjectsV2"), ReaderSource::ListObjectsV2);
        assert_eq!(ReaderSource::of("arn:aws:states:::s3:getObject"), ReaderSource::GetObject);
    }
}
