//! Evaluating Choice Rules against a state's input, with AWS's semantics:
//!
//! * a comparison whose `Variable` holds a value of another type is simply false (a string is
//!   never `NumericEquals` anything, `1` is never `BooleanEquals true`), as is a `...Path`
//!   operand of the wrong type and a `Timestamp*` side that is not a timestamp;
//! * a `Variable` (or `...Path` operand) that names nothing is a `States.Runtime` error
//!   ("Invalid path '$.x': The choice state's condition path references an invalid value."),
//!   except for `IsPresent`, which exists to ask exactly that;
//! * numbers compare by value (`1` equals `1.0`), strings by UTF-16 code units (Java's
//!   `String.compareTo`), timestamps as instants (nanosecond precision, offsets applied);
//! * `And`/`Or` stop at the first operand that decides them, so an `IsPresent` guard placed
//!   first protects the rules after it.

use crate::definition::choice::{ChoiceExpr, ChoiceRule, Kind, Op, Operand, Test, TypeTest, MAX_RULE_DEPTH};
use crate::query::jsonata_value::JsonataValue;
use crate::query::path::Path;
use crate::query::timestamp::{value_timestamp, Timestamp};
use crate::query::{QueryError, Scope};
use crate::value::Value;
use std::cmp::Ordering;

/// Evaluates a JSONata `Condition`.
pub type JsonataEval<'h> = &'h dyn Fn(&JsonataValue, &Scope) -> Result<Value, QueryError>;

/// Evaluates one rule. JSONata `Condition` expressions other than literal booleans need
/// `evaluate_with`.
pub fn evaluate(rule: &ChoiceRule, scope: &Scope) -> Result<bool, QueryError> {
    evaluate_with(rule, scope, &no_jsonata)
}

/// Evaluates one rule, handing JSONata `Condition` expressions to `jsonata`.
pub fn evaluate_with(rule: &ChoiceRule, scope: &Scope, jsonata: JsonataEval) -> Result<bool, QueryError> {
    eval(rule, scope, jsonata, 0)
}

/// The first rule that matches, if any (the caller then takes its `Next`, or the `Default`).
pub fn choose<'a>(rules: &'a [ChoiceRule], scope: &Scope) -> Result<Option<&'a ChoiceRule>, QueryError> {
    choose_with(rules, scope, &no_jsonata)
}

/// `choose` with a JSONata evaluator for `Condition` rules.
pub fn choose_with<'a>(rules: &'a [ChoiceRule], scope: &Scope, jsonata: JsonataEval) -> Result<Option<&'a ChoiceRule>, QueryError> {
    for rule in rules {
        if evaluate_with(rule, scope, jsonata)? {
            return Ok(Some(rule));
        }
    }
    Ok(None)
}

/// The runtime error for a path that names nothing.
pub fn invalid_path(path: &Path) -> QueryError {
    QueryError::runtime(format!(
        "Invalid path '{}': The choice state's condition path references an invalid value.",
        path.text()
    ))
}

fn no_jsonata(_expr: &JsonataValue, _scope: &Scope) -> Result<Value, QueryError> {
    Err(QueryError::new("States.QueryEvaluationError", "JSONata expressions are not supported by this build"))
}

fn eval(rule: &ChoiceRule, scope: &Scope, jsonata: JsonataEval, depth: usize) -> Result<bool, QueryError> {
    if depth > MAX_RULE_DEPTH {
        return Err(QueryError::runtime("Choice Rules are nested too deeply"));
    }
    match &rule.expr {
        ChoiceExpr::And(rules) => {
            for r in rules {
                if !eval(r, scope, jsonata, depth + 1)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        ChoiceExpr::Or(rules) => {
            for r in rules {
                if eval(r, scope, jsonata, depth + 1)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        ChoiceExpr::Not(r) => Ok(!eval(r, scope, jsonata, depth + 1)?),
        ChoiceExpr::Condition(cond) => condition(cond, scope, jsonata),
        ChoiceExpr::Test { variable, test } => data_test(variable, test, scope),
    }
}

fn condition(cond: &JsonataValue, scope: &Scope, jsonata: JsonataEval) -> Result<bool, QueryError> {
    let result = match cond.constant() {
        Some(v) => v.clone(),
        None => jsonata(cond, scope)?,
    };
    match result {
        Value::Bool(b) => Ok(b),
        other => Err(QueryError::new(
            "States.QueryEvaluationError",
            format!("The Condition field evaluated to a non-boolean value: {}", other.to_json()),
        )),
    }
}

fn data_test(variable: &Path, test: &Test, scope: &Scope) -> Result<bool, QueryError> {
    let found = variable.select(scope);
    if let Test::Is(TypeTest::IsPresent, expect) = test {
        return Ok(found.is_some() == *expect);
    }
    let value = found.ok_or_else(|| invalid_path(variable))?;
    Ok(match test {
        Test::Is(t, expect) => type_test(*t, &value) == *expect,
        Test::StringMatches(pattern) => value.as_str().is_some_and(|s| pattern.matches(s)),
        Test::Compare { kind, op, operand } => match operand {
            Operand::Path(path) => {
                let other = path.select(scope).ok_or_else(|| invalid_path(path))?;
                compare_values(*kind, *op, &value, &other)
            }
            Operand::String(s) => value.as_str().is_some_and(|v| op.holds(utf16_cmp(v, s))),
            Operand::Number(n) => {
                value.as_number().and_then(|v| v.partial_cmp(n)).is_some_and(|ord| op.holds(ord))
            }
            Operand::Boolean(b) => *op == Op::Equals && value.as_bool() == Some(*b),
            Operand::Timestamp(t) => value_timestamp(&value).is_some_and(|v| op.holds(v.cmp(t))),
        },
    })
}

/// Both sides resolved from data: a mismatch of either side's type is false.
fn compare_values(kind: Kind, op: Op, left: &Value, right: &Value) -> bool {
    let ord: Option<Ordering> = match kind {
        Kind::String => match (left.as_str(), right.as_str()) {
            (Some(a), Some(b)) => Some(utf16_cmp(a, b)),
            _ => None,
        },
        Kind::Numeric => match (left.as_number(), right.as_number()) {
            (Some(a), Some(b)) => a.partial_cmp(b),
            _ => None,
        },
        Kind::Boolean => match (left.as_bool(), right.as_bool()) {
            (Some(a), Some(b)) if op == Op::Equals => return a == b,
            _ => return false,
        },
        Kind::Timestamp => match (value_timestamp(left), value_timestamp(right)) {
            (Some(a), Some(b)) => Some(a.cmp(&b)),
            _ => None,
        },
    };
    ord.is_some_and(|o| op.holds(o))
}

fn type_test(t: TypeTest, v: &Value) -> bool {
    match t {
        TypeTest::IsNull => v.is_null(),
        TypeTest::IsPresent => true,
        TypeTest::IsNumeric => matches!(v, Value::Number(_)),
        TypeTest::IsString => matches!(v, Value::String(_)),
        TypeTest::IsBoolean => matches!(v, Value::Bool(_)),
        TypeTest::IsTimestamp => v.as_str().and_then(Timestamp::parse).is_some(),
    }
}

/// Java's `String.compareTo`: lexicographic over UTF-16 code units.
pub fn utf16_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::choice::parse_choice_rule;
    use crate::definition::Diagnostics;
    use crate::value::parse;

    fn rule(text: &str) -> ChoiceRule {
        let mut d = Diagnostics::default();
        let r = parse_choice_rule(&parse(text).unwrap(), "/r", false, &mut d);
        assert!(d.items.is_empty(), "{:?}", d.items);
        r.unwrap()
    }

    fn eval_on(rule_text: &str, input: &str) -> Result<bool, QueryError> {
        let input = parse(input).unwrap();
        let ctx = parse(r#"{"Execution":{"Input":{"n":0}}}"#).unwrap();
        evaluate(&rule(rule_text), &Scope::new(&input, &ctx))
    }

    #[test]
    fn type_mismatch_is_false() {
        assert_eq!(eval_on(r#"{"Variable":"$.v","NumericEquals":0}"#, r#"{"v":"0"}"#), Ok(false));
        assert_eq!(eval_on(r#"{"Variable":"$.v","BooleanEquals":true}"#, r#"{"v":1}"#), Ok(false));
        assert_eq!(eval_on(r#"{"Variable":"$.v","StringEquals":"1"}"#, r#"{"v":1}"#), Ok(false));
        assert_eq!(eval_on(r#"{"Variable":"$.v","TimestampEquals":"2012-10-09T19:00:55Z"}"#, r#"{"v":"x"}"#), Ok(false));
        assert_eq!(eval_on(r#"{"Variable":"$.v","NumericEqualsPath":"$.w"}"#, r#"{"v":1,"w":"1"}"#), Ok(false));
        assert_eq!(eval_on(r#"{"Variable":"$.v","StringMatches":"*"}"#, r#"{"v":1}"#), Ok(false));
    }

    #[test]
    fn missing_paths() {
        let e = eval_on(r#"{"Variable":"$.nope","NumericEquals":0}"#, r#"{}"#).unwrap_err();
        assert_eq!(e.error, "States.Runtime");
        assert_eq!(e.message, "Invalid path '$.nope': The choice state's condition path references an invalid value.");
        let e = eval_on(r#"{"Variable":"$.v","NumericEqualsPath":"$.w"}"#, r#"{"v":1}"#).unwrap_err();
        assert_eq!(e.message, "Invalid path '$.w': The choice state's condition path references an invalid value.");
        assert!(eval_on(r#"{"Variable":"$.nope","IsNull":true}"#, r#"{}"#).is_err());
        assert_eq!(eval_on(r#"{"Variable":"$.nope","IsPresent":false}"#, r#"{}"#), Ok(true));
        assert_eq!(eval_on(r#"{"Variable":"$.v","IsPresent":true}"#, r#"{"v":null}"#), Ok(true));
        // A guard placed first protects what follows.
        let guarded = r#"{"And":[{"Variable":"$.k","IsPresent":true},{"Variable":"$.k","StringEquals":"foo"}]}"#;
        assert_eq!(eval_on(guarded, r#"{}"#), Ok(false));
        assert_eq!(eval_on(guarded, r#"{"k":"foo"}"#), Ok(true));
        let or = r#"{"Or":[{"Variable":"$.k","IsPresent":false},{"Variable":"$.k","NumericGreaterThan":1}]}"#;
        assert_eq!(eval_on(or, r#"{}"#), Ok(true));
    }

    #[test]
    fn numbers_by_value() {
        assert_eq!(eval_on(r#"{"Variable":"$.v","NumericEquals":1.0}"#, r#"{"v":1}"#), Ok(true));
        assert_eq!(eval_on(r#"{"Variable":"$.v","NumericLessThan":1}"#, r#"{"v":0.5}"#), Ok(true));
        assert_eq!(eval_on(r#"{"Variable":"$.v","NumericGreaterThanEquals":-1}"#, r#"{"v":-1.0}"#), Ok(true));
        assert_eq!(eval_on(r#"{"Variable":"$.v","NumericLessThanEqualsPath":"$.w"}"#, r#"{"v":2.22,"w":2.22}"#), Ok(true));
        assert_eq!(eval_on(r#"{"Variable":"$.v","NumericEquals":1e400}"#, r#"{"v":1}"#), Ok(false));
    }

    #[test]
    fn strings_in_utf16_order() {
        assert_eq!(eval_on(r#"{"Variable":"$.v","StringLessThan":"AB"}"#, r#"{"v":"A"}"#), Ok(true));
        assert_eq!(eval_on(r#"{"Variable":"$.v","StringGreaterThan":"a"}"#, r#"{"v":"B"}"#), Ok(false));
        // U+FF21 (one unit) sorts after U+1F600 (a surrogate pair starting 0xD83D) in UTF-16,
        // though before it in code points.
        assert_eq!(utf16_cmp("\u{FF21}", "\u{1F600}"), Ordering::Greater);
        assert_eq!(eval_on(r#"{"Variable":"$.v","StringGreaterThan":"😀"}"#, r#"{"v":"Ａ"}"#), Ok(true));
        assert_eq!(eval_on(r#"{"Variable":"$.v","StringMatches":"log-*.txt"}"#, r#"{"v":"log-1.txt"}"#), Ok(true));
    }

    #[test]
    fn timestamps_as_instants() {
        let r = r#"{"Variable":"$.v","TimestampEquals":"2012-10-09T19:00:55Z"}"#;
        assert_eq!(eval_on(r, r#"{"v":"2012-10-09T20:00:55+01:00"}"#), Ok(true));
        assert_eq!(eval_on(r, r#"{"v":"2012-10-09T19:00:55.000000001Z"}"#), Ok(false));
        let r = r#"{"Variable":"$.v","TimestampLessThanPath":"$.w"}"#;
        assert_eq!(eval_on(r, r#"{"v":"2012-10-09T19:00:55Z","w":"2012-10-09T19:00:55.5Z"}"#), Ok(true));
        assert_eq!(eval_on(r, r#"{"v":"2012-10-09T19:00:55Z","w":"2012-10-09 19:00:56Z"}"#), Ok(false));
        let is = r#"{"Variable":"$.v","IsTimestamp":true}"#;
        assert_eq!(eval_on(is, r#"{"v":"2012-10-09T19:00:55+01:00"}"#), Ok(true));
        assert_eq!(eval_on(is, r#"{"v":"2012-10-09T19:00:55"}"#), Ok(false));
        assert_eq!(eval_on(is, r#"{"v":"2023-02-24"}"#), Ok(false));
        assert_eq!(eval_on(is, r#"{"v":1349809255000}"#), Ok(false));
    }

    #[test]
    fn context_and_variables() {
        assert_eq!(eval_on(r#"{"Variable":"$$.Execution.Input.n","NumericLessThanEquals":0}"#, "{}"), Ok(true));
        struct Vars;
        impl crate::query::Variables for Vars {
            fn get(&self, name: &str) -> Option<Value> {
                (name == "x").then(|| Value::int(3))
            }
        }
        let input = parse("{}").unwrap();
        let vars = Vars;
        let scope = Scope { input: &input, context: &input, variables: Some(&vars) };
        assert_eq!(evaluate(&rule(r#"{"Variable":"$x","NumericEquals":3}"#), &scope), Ok(true));
        assert!(evaluate(&rule(r#"{"Variable":"$y","NumericEquals":3}"#), &scope).is_err());
    }

    #[test]
    fn conditions_and_choose() {
        let input = parse(r#"{"v":5}"#).unwrap();
        let scope = Scope::new(&input, &input);
        let mut d = Diagnostics::default();
        let rules: Vec<ChoiceRule> = [
            r#"{"Variable":"$.v","NumericLessThan":5,"Next":"Low"}"#,
            r#"{"Not":{"Variable":"$.v","NumericLessThan":5},"Next":"High"}"#,
        ]
        .iter()
        .filter_map(|t| parse_choice_rule(&parse(t).unwrap(), "/r", true, &mut d))
        .collect();
        assert_eq!(choose(&rules, &scope).unwrap().and_then(|r| r.next.as_deref()), Some("High"));
        assert!(choose(&rules[..1], &scope).unwrap().is_none());

        let lit = rule(r#"{"Condition":true}"#);
        assert_eq!(evaluate(&lit, &scope), Ok(true));
        let expr = rule(r#"{"Condition":"{% $states.input.v > 1 %}"}"#);
        assert!(evaluate(&expr, &scope).is_err());
        let yes = |e: &JsonataValue, _: &Scope| -> Result<Value, QueryError> {
            assert!(!e.is_constant());
            Ok(Value::Bool(true))
        };
        assert_eq!(evaluate_with(&expr, &scope, &yes), Ok(true));
        let num = |_: &JsonataValue, _: &Scope| -> Result<Value, QueryError> { Ok(Value::int(1)) };
        assert_eq!(evaluate_with(&expr, &scope, &num).unwrap_err().error, "States.QueryEvaluationError");
    }
}
