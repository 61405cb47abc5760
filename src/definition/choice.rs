//! Choice Rules: the typed model and its parser.
//!
//! A top-level rule (an element of `Choices`) carries `Next` (and, optionally, `Assign` and, in
//! JSONata, `Output`); rules nested in `And`/`Or`/`Not` carry none of these. In JSONPath a rule
//! is a data-test (`Variable` plus one comparison operator) or a boolean combination; in JSONata
//! it is a `Condition`.
//!
//! Paths are compiled and literal timestamps are checked once, here; problems are collected as
//! diagnostics in AWS's words rather than stopping at the first.

use super::Diagnostics;
use crate::query::path::Path;
use crate::query::timestamp::Timestamp;
use crate::value::{Number, Value};
use crate::query::jsonata_value::JsonataValue;
use std::rc::Rc;

/// Deepest nesting of `And`/`Or`/`Not` accepted; deeper rules are a diagnostic, so evaluation
/// never recurses without bound.
pub const MAX_RULE_DEPTH: usize = 100;

#[derive(Clone, Debug)]
pub struct ChoiceRule {
    pub expr: ChoiceExpr,
    /// The state to go to when this (top-level) rule matches.
    pub next: Option<Rc<str>>,
    /// `Assign` (top-level rules only), evaluated when the rule matches.
    pub assign: Option<super::model::Assign>,
    /// `Output` (JSONata, top-level rules only), evaluated when the rule matches.
    pub output: Option<JsonataValue>,
    pub comment: Option<Rc<str>>,
}

#[derive(Clone, Debug)]
pub enum ChoiceExpr {
    /// `Variable` and one data-test operator.
    Test { variable: Path, test: Test },
    And(Vec<ChoiceRule>),
    Or(Vec<ChoiceRule>),
    Not(Box<ChoiceRule>),
    /// JSONata `Condition`: a `{% ... %}` expression or a literal boolean.
    Condition(JsonataValue),
}

#[derive(Clone, Debug)]
pub enum Test {
    /// `StringEquals`, `NumericLessThanPath`, `TimestampGreaterThanEquals`, ...
    Compare { kind: Kind, op: Op, operand: Operand },
    /// `StringMatches` with its compiled pattern.
    StringMatches(Pattern),
    /// `IsNull`, `IsPresent`, ... with the expected answer.
    Is(TypeTest, bool),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    String,
    Numeric,
    Boolean,
    Timestamp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Equals,
    LessThan,
    GreaterThan,
    LessThanEquals,
    GreaterThanEquals,
}

impl Op {
    /// Whether an ordering satisfies the operator.
    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Op::Equals => ord == Equal,
            Op::LessThan => ord == Less,
            Op::GreaterThan => ord == Greater,
            Op::LessThanEquals => ord != Greater,
            Op::GreaterThanEquals => ord != Less,
        }
    }
}

/// The right-hand side of a comparison: a literal of the operator's kind, or a path (`...Path`).
#[derive(Clone, Debug)]
pub enum Operand {
    String(Rc<str>),
    Number(Number),
    Boolean(bool),
    Timestamp(Timestamp),
    Path(Path),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeTest {
    IsNull,
    IsPresent,
    IsNumeric,
    IsString,
    IsBoolean,
    IsTimestamp,
}

/// A `StringMatches` pattern: `*` matches any run of characters; `\*` is a literal star and
/// `\\` a literal backslash (written `\\*` and `\\\\` in JSON text).
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    text: Rc<str>,
    tokens: Vec<Token>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Token {
    Char(char),
    Star,
}

impl Pattern {
    pub fn new(text: &str) -> Pattern {
        let mut tokens = Vec::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '*' => tokens.push(Token::Star),
                '\\' => match chars.peek() {
                    Some(&next @ ('*' | '\\')) => {
                        chars.next();
                        tokens.push(Token::Char(next));
                    }
                    // A backslash before anything else stands for itself.
                    _ => tokens.push(Token::Char('\\')),
                },
                other => tokens.push(Token::Char(other)),
            }
        }
        Pattern { text: text.into(), tokens }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whole-string match, linear in practice (backtracks only to the last star).
    pub fn matches(&self, s: &str) -> bool {
        let s: Vec<char> = s.chars().collect();
        let p = &self.tokens;
        let (mut si, mut pi) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None; // (pattern index after star, string index)
        while si < s.len() {
            match p.get(pi) {
                Some(Token::Star) => {
                    pi += 1;
                    star = Some((pi, si));
                }
                Some(Token::Char(c)) if *c == s[si] => {
                    pi += 1;
                    si += 1;
                }
                _ => match star {
                    Some((sp, ss)) => {
                        pi = sp;
                        si = ss + 1;
                        star = Some((sp, ss + 1));
                    }
                    None => return false,
                },
            }
        }
        p[pi.min(p.len())..].iter().all(|t| *t == Token::Star)
    }
}

/// The query language a rule is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleLanguage {
    JsonPath,
    Jsonata,
}

/// What an operator field name stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    Compare { kind: Kind, op: Op, path: bool },
    StringMatches,
    Is(TypeTest),
}

/// Looks up a data-test operator by its field name (`NumericEqualsPath`, `IsNull`, ...).
pub fn operator(name: &str) -> Option<Operator> {
    let is = |t| Some(Operator::Is(t));
    match name {
        "IsNull" => return is(TypeTest::IsNull),
        "IsPresent" => return is(TypeTest::IsPresent),
        "IsNumeric" => return is(TypeTest::IsNumeric),
        "IsString" => return is(TypeTest::IsString),
        "IsBoolean" => return is(TypeTest::IsBoolean),
        "IsTimestamp" => return is(TypeTest::IsTimestamp),
        "StringMatches" => return Some(Operator::StringMatches),
        _ => {}
    }
    let (base, path) = match name.strip_suffix("Path") {
        Some(b) => (b, true),
        None => (name, false),
    };
    let (kind, rest) = [("String", Kind::String), ("Numeric", Kind::Numeric), ("Boolean", Kind::Boolean), ("Timestamp", Kind::Timestamp)]
        .into_iter()
        .find_map(|(prefix, kind)| base.strip_prefix(prefix).map(|rest| (kind, rest)))?;
    let op = match rest {
        "Equals" => Op::Equals,
        "LessThan" => Op::LessThan,
        "GreaterThan" => Op::GreaterThan,
        "LessThanEquals" => Op::LessThanEquals,
        "GreaterThanEquals" => Op::GreaterThanEquals,
        _ => return None,
    };
    if kind == Kind::Boolean && op != Op::Equals {
        return None;
    }
    Some(Operator::Compare { kind, op, path })
}

/// Diagnostic texts, in AWS's words where known.
mod msg {
    pub fn required(field: &str) -> String {
        format!("These fields are required: [{field}]")
    }
    pub fn unsupported(field: &str) -> String {
        format!("Field '{field}' is not supported")
    }
    pub fn jsonpath(field: &str) -> String {
        format!("The value for the field '{field}' must be a valid JSONPath")
    }
    pub fn expected(kind: &str) -> String {
        format!("Expected value of type {kind}")
    }
    pub const RFC3339: &str = "String does not match RFC3339 timestamp";
    pub const ONE_OPERATOR: &str = "A Choice Rule must have exactly one comparison operator";
    pub fn non_empty_array(field: &str) -> String {
        format!("The value for the field '{field}' must be a non-empty array")
    }
    pub const TOO_DEEP: &str = "Choice Rules are nested too deeply";
    pub const CONDITION: &str = "The value for the field 'Condition' must be a boolean or a JSONata expression";
}

/// Parses one Choice Rule at `pointer` (e.g. `/States/Check/Choices/0`), inferring the query
/// language from the rule itself (`Condition` means JSONata). `top_level` is true for the
/// elements of `Choices`, false inside `And`/`Or`/`Not`.
pub fn parse_choice_rule(v: &Value, pointer: &str, top_level: bool, diags: &mut Diagnostics) -> Option<ChoiceRule> {
    let lang = if v.get("Condition").is_some() { RuleLanguage::Jsonata } else { RuleLanguage::JsonPath };
    parse_choice_rule_in(v, pointer, top_level, lang, diags)
}

/// Like `parse_choice_rule`, for a state whose query language is known.
pub fn parse_choice_rule_in(
    v: &Value,
    pointer: &str,
    top_level: bool,
    lang: RuleLanguage,
    diags: &mut Diagnostics,
) -> Option<ChoiceRule> {
    parse_rule(v, pointer, top_level, lang, 0, diags)
}

fn field_pointer(pointer: &str, field: &str) -> String {
    format!("{pointer}/{}", field.replace('~', "~0").replace('/', "~1"))
}

fn parse_rule(
    v: &Value,
    pointer: &str,
    top_level: bool,
    lang: RuleLanguage,
    depth: usize,
    diags: &mut Diagnostics,
) -> Option<ChoiceRule> {
    if depth > MAX_RULE_DEPTH {
        diags.schema(pointer, msg::TOO_DEEP);
        return None;
    }
    let Some(obj) = v.as_object() else {
        diags.schema(pointer, msg::expected("Object"));
        return None;
    };
    let errors_before = diags.items.len();

    let mut next = None;
    let mut assign = None;
    let mut output = None;
    let mut comment = None;
    // Operator fields present, in order: (name, value).
    let mut operators: Vec<(&str, &Value)> = Vec::new();
    let mut variable: Option<&Value> = None;
    let mut condition: Option<&Value> = None;

    for (key, value) in obj.iter() {
        let key: &str = key;
        let at = field_pointer(pointer, key);
        match key {
            "Next" if top_level => match value.as_str() {
                Some(s) => next = Some(Rc::<str>::from(s)),
                None => diags.schema(&at, msg::expected("String")),
            },
            "Assign" if top_level => assign = Some(value.clone()),
            "Output" if top_level && lang == RuleLanguage::Jsonata => output = Some(value.clone()),
            "Comment" => match value.as_str() {
                Some(s) => comment = Some(Rc::<str>::from(s)),
                None => diags.schema(&at, msg::expected("String")),
            },
            "Condition" if lang == RuleLanguage::Jsonata => condition = Some(value),
            "Variable" if lang == RuleLanguage::JsonPath => variable = Some(value),
            "And" | "Or" | "Not" if lang == RuleLanguage::JsonPath => operators.push((key, value)),
            _ if lang == RuleLanguage::JsonPath && operator(key).is_some() => operators.push((key, value)),
            _ => diags.schema(&at, msg::unsupported(key)),
        }
    }
    if top_level && next.is_none() && obj.get("Next").is_none() {
        diags.schema(pointer, msg::required("Next"));
    }

    let expr = match lang {
        RuleLanguage::Jsonata => {
            let Some(cond) = condition else {
                diags.schema(pointer, msg::required("Condition"));
                return None;
            };
            let ok = match cond {
                Value::Bool(_) => true,
                Value::String(s) => {
                    let t = s.trim();
                    t.starts_with("{%") && t.ends_with("%}") && t.len() >= 4
                }
                _ => false,
            };
            if !ok {
                diags.schema(&field_pointer(pointer, "Condition"), msg::CONDITION);
            }
            match JsonataValue::compile(cond) {
                Ok(j) => ChoiceExpr::Condition(j),
                Err(e) => {
                    diags.error(super::diagnostic::codes::INVALID_JSONATA_EXPRESSION, &field_pointer(pointer, "Condition"), e);
                    return None;
                }
            }
        }
        RuleLanguage::JsonPath => {
            if operators.len() != 1 {
                diags.schema(pointer, msg::ONE_OPERATOR);
                return None;
            }
            let (name, operand) = operators[0];
            let at = field_pointer(pointer, name);
            match name {
                "And" | "Or" => {
                    if variable.is_some() {
                        diags.schema(&field_pointer(pointer, "Variable"), msg::unsupported("Variable"));
                    }
                    let items = match operand.as_array() {
                        Some(items) if !items.is_empty() => items,
                        _ => {
                            diags.schema(&at, msg::non_empty_array(name));
                            return None;
                        }
                    };
                    let mut rules = Vec::with_capacity(items.len());
                    for (i, item) in items.iter().enumerate() {
                        if let Some(rule) = parse_rule(item, &format!("{at}/{i}"), false, lang, depth + 1, diags) {
                            rules.push(rule);
                        }
                    }
                    if name == "And" {
                        ChoiceExpr::And(rules)
                    } else {
                        ChoiceExpr::Or(rules)
                    }
                }
                "Not" => {
                    if variable.is_some() {
                        diags.schema(&field_pointer(pointer, "Variable"), msg::unsupported("Variable"));
                    }
                    let rule = parse_rule(operand, &at, false, lang, depth + 1, diags)?;
                    ChoiceExpr::Not(Box::new(rule))
                }
                _ => {
                    let op = operator(name)?;
                    let variable = match variable {
                        None => {
                            diags.schema(pointer, msg::required("Variable"));
                            None
                        }
                        Some(var) => parse_path(var, &field_pointer(pointer, "Variable"), "Variable", diags),
                    };
                    let test = parse_test(op, name, operand, &at, diags);
                    match (variable, test) {
                        (Some(variable), Some(test)) => ChoiceExpr::Test { variable, test },
                        _ => return None,
                    }
                }
            }
        }
    };

    let assign = match assign {
        None => None,
        Some(v) if lang == RuleLanguage::Jsonata => match JsonataValue::compile(&v) {
            Ok(j) => Some(super::model::Assign::Jsonata(j)),
            Err(e) => {
                diags.error(super::diagnostic::codes::INVALID_JSONATA_EXPRESSION, &field_pointer(pointer, "Assign"), e);
                None
            }
        },
        Some(v) => match crate::query::template::Template::compile(&v) {
            Ok(t) => Some(super::model::Assign::Template(t)),
            Err(e) => {
                diags.schema(&field_pointer(pointer, "Assign"), e);
                None
            }
        },
    };
    let output = match output {
        None => None,
        Some(v) => match JsonataValue::compile(&v) {
            Ok(j) => Some(j),
            Err(e) => {
                diags.error(super::diagnostic::codes::INVALID_JSONATA_EXPRESSION, &field_pointer(pointer, "Output"), e);
                None
            }
        },
    };
    if diags.items[errors_before..].iter().any(|d| d.severity == super::Severity::Error) {
        return None;
    }
    Some(ChoiceRule { expr, next, assign, output, comment })
}

fn parse_path(v: &Value, at: &str, field: &str, diags: &mut Diagnostics) -> Option<Path> {
    let parsed = v.as_str().and_then(|s| Path::parse(s).ok()).filter(Path::is_reference);
    if parsed.is_none() {
        diags.schema(at, msg::jsonpath(field));
    }
    parsed
}

fn parse_test(op: Operator, name: &str, v: &Value, at: &str, diags: &mut Diagnostics) -> Option<Test> {
    match op {
        Operator::Is(t) => match v.as_bool() {
            Some(b) => Some(Test::Is(t, b)),
            None => {
                diags.schema(at, msg::expected("Boolean"));
                None
            }
        },
        Operator::StringMatches => match v.as_str() {
            Some(s) => Some(Test::StringMatches(Pattern::new(s))),
            None => {
                diags.schema(at, msg::expected("String"));
                None
            }
        },
        Operator::Compare { kind, op, path: true } => {
            let path = parse_path(v, at, name, diags)?;
            Some(Test::Compare { kind, op, operand: Operand::Path(path) })
        }
        Operator::Compare { kind, op, path: false } => {
            let operand = match (kind, v) {
                (Kind::String, Value::String(s)) => Operand::String(s.clone()),
                (Kind::Numeric, Value::Number(n)) => Operand::Number(n.clone()),
                (Kind::Boolean, Value::Bool(b)) => Operand::Boolean(*b),
                (Kind::Timestamp, Value::String(s)) => match Timestamp::parse_rfc3339(s) {
                    Some(t) => Operand::Timestamp(t),
                    None => {
                        diags.schema(at, msg::RFC3339);
                        return None;
                    }
                },
                (kind, _) => {
                    let expected = match kind {
                        Kind::String | Kind::Timestamp => "String",
                        Kind::Numeric => "Number",
                        Kind::Boolean => "Boolean",
                    };
                    diags.schema(at, msg::expected(expected));
                    return None;
                }
            };
            Some(Test::Compare { kind, op, operand })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::parse;

    fn rule(text: &str, top: bool) -> (Option<ChoiceRule>, Vec<(String, String)>) {
        let v = parse(text).unwrap();
        let mut d = Diagnostics::default();
        let r = parse_choice_rule(&v, "/States/C/Choices/0", top, &mut d);
        (r, d.items.into_iter().map(|i| (i.location, i.message)).collect())
    }

    #[test]
    fn operator_names() {
        assert_eq!(operator("StringEquals"), Some(Operator::Compare { kind: Kind::String, op: Op::Equals, path: false }));
        assert_eq!(
            operator("TimestampGreaterThanEqualsPath"),
            Some(Operator::Compare { kind: Kind::Timestamp, op: Op::GreaterThanEquals, path: true })
        );
        assert_eq!(operator("BooleanEqualsPath"), Some(Operator::Compare { kind: Kind::Boolean, op: Op::Equals, path: true }));
        assert_eq!(operator("BooleanLessThan"), None);
        assert_eq!(operator("StringMatchesPath"), None);
        assert_eq!(operator("IsTimestamp"), Some(Operator::Is(TypeTest::IsTimestamp)));
        assert_eq!(operator("NumericEqual"), None);
        assert_eq!(operator("Path"), None);
    }

    #[test]
    fn parses_a_data_test() {
        let (r, d) = rule(r#"{"Variable":"$.a","NumericEquals":1.5,"Next":"X"}"#, true);
        assert!(d.is_empty(), "{d:?}");
        let r = r.unwrap();
        assert_eq!(r.next.as_deref(), Some("X"));
        let ChoiceExpr::Test { variable, test: Test::Compare { kind: Kind::Numeric, op: Op::Equals, operand: Operand::Number(n) } } =
            r.expr
        else {
            panic!("wrong shape")
        };
        assert_eq!(variable.text(), "$.a");
        assert_eq!(n.as_f64(), 1.5);
    }

    #[test]
    fn parses_nested_rules_and_extras() {
        let (r, d) = rule(
            r#"{"Not":{"Variable":"$.type","StringEquals":"Private","Comment":"c"},"Next":"Public","Assign":{"x":1}}"#,
            true,
        );
        assert!(d.is_empty(), "{d:?}");
        let r = r.unwrap();
        assert!(matches!(r.expr, ChoiceExpr::Not(_)));
        assert!(r.assign.is_some());
        let (r, d) = rule(r#"{"Condition":"{% $x > 1 %}","Next":"A","Output":{"a":1},"Assign":{"b":2}}"#, true);
        assert!(d.is_empty(), "{d:?}");
        let r = r.unwrap();
        assert!(matches!(r.expr, ChoiceExpr::Condition(_)));
        assert!(r.output.is_some());
        let (r, d) = rule(r#"{"Condition":true,"Next":"A"}"#, true);
        assert!(d.is_empty() && r.is_some());
    }

    #[test]
    fn collects_every_problem() {
        let (r, d) = rule(
            r#"{"And":[{"Variable":"a","StringEquals":1,"Next":"N"},{"Variable":"$.t","TimestampEquals":"2016-12-05 21:29:29Z"},{"Variable":"$.x"}]}"#,
            true,
        );
        assert!(r.is_none());
        let expected = [
            ("/States/C/Choices/0/And/0/Next", "Field 'Next' is not supported"),
            ("/States/C/Choices/0/And/0/Variable", "The value for the field 'Variable' must be a valid JSONPath"),
            ("/States/C/Choices/0/And/0/StringEquals", "Expected value of type String"),
            ("/States/C/Choices/0/And/1/TimestampEquals", "String does not match RFC3339 timestamp"),
            ("/States/C/Choices/0/And/2", "A Choice Rule must have exactly one comparison operator"),
            ("/States/C/Choices/0", "These fields are required: [Next]"),
        ];
        for (loc, m) in expected {
            assert!(d.iter().any(|(l, mm)| l == loc && mm == m), "missing {loc}: {m} in {d:?}");
        }
    }

    #[test]
    fn rejects_bad_shapes() {
        assert_eq!(rule(r#"{"Variable":"$.a","Foo":1,"Next":"X"}"#, true).1.len(), 2);
        let (_, d) = rule(r#"{"Variable":"$.a","StringEquals":"x","StringMatches":"y","Next":"X"}"#, true);
        assert_eq!(d[0].1, msg::ONE_OPERATOR);
        let (_, d) = rule(r#"{"And":[],"Next":"X"}"#, true);
        assert_eq!(d[0].1, "The value for the field 'And' must be a non-empty array");
        let (_, d) = rule(r#"{"StringEquals":"x","Next":"X"}"#, true);
        assert_eq!(d[0].1, "These fields are required: [Variable]");
        let (_, d) = rule(r#"{"Variable":"$.a","NumericEqualsPath":"nope","Next":"X"}"#, true);
        assert_eq!(d[0], ("/States/C/Choices/0/NumericEqualsPath".into(), "The value for the field 'NumericEqualsPath' must be a valid JSONPath".into()));
        let (_, d) = rule(r#"{"Variable":"$.a","IsNull":"yes","Next":"X"}"#, true);
        assert_eq!(d[0].1, "Expected value of type Boolean");
        let (_, d) = rule(r#"[1]"#, true);
        assert_eq!(d[0].1, "Expected value of type Object");
        let (_, d) = rule(r#"{"Condition":"$x","Next":"X"}"#, true);
        assert_eq!(d[0].1, msg::CONDITION);
    }

    #[test]
    fn depth_is_bounded() {
        let mut text = String::from(r#"{"Variable":"$.a","IsNull":true}"#);
        for _ in 0..(MAX_RULE_DEPTH + 5) {
            text = format!(r#"{{"Not":{text}}}"#);
        }
        let (r, d) = rule(&text, false);
        assert!(r.is_none());
        assert!(d.iter().any(|(_, m)| m == msg::TOO_DEEP));
    }

    #[test]
    fn string_matches_patterns() {
        let m = |p: &str, s: &str| Pattern::new(p).matches(s);
        assert!(m("log-*.txt", "log-2024.txt"));
        assert!(m("log-*.txt", "log-.txt"));
        assert!(!m("log-*.txt", "log-2024.txt.gz"));
        assert!(m("*", ""));
        assert!(m("a*b*c", "aXXbYYbc"));
        assert!(!m("a*b*c", "aXXbYY"));
        assert!(m(r"a\*b", "a*b"));
        assert!(!m(r"a\*b", "aXb"));
        assert!(m(r"a\\b", r"a\b"));
        assert!(m(r"a\\*", r"a\anything"));
        assert!(m("", ""));
        assert!(!m("", "x"));
        assert!(m("*é*", "café au lait"));
        assert!(m("**a", "bba"));
    }
}
