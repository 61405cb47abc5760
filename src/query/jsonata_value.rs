//! JSON values of JSONata states (`Arguments`, `Output`, `Assign`, `Items`, ...): any string
//! written `{% expression %}` is a JSONata expression, compiled once when the definition is
//! parsed; everything else is taken literally.
//!
//! Errors are AWS's `States.QueryEvaluationError` texts, naming the expression and the field
//! it sits in (`Output/result`, `Arguments/list[0]`).

use super::jsonata::{EvalOptions, Evaluated, Expression, JsonataError};
use super::{QueryError, Variables};
use crate::value::{Map, Value};
use std::rc::Rc;

const QUERY_EVALUATION_ERROR: &str = "States.QueryEvaluationError";

/// Deepest nesting of a JSONata value accepted.
const MAX_DEPTH: usize = 600;

#[derive(Clone, Debug)]
pub struct JsonataValue {
    root: Node,
}

#[derive(Clone, Debug)]
enum Node {
    /// No expression anywhere below: produced as is.
    Const(Value),
    Expr { expr: Rc<Expression>, text: Rc<str> },
    Object(Vec<(Rc<str>, Node)>),
    Array(Vec<Node>),
}

/// What an expression can read: `$states` and workflow variables, plus the evaluation
/// settings (random seed, the clock for `$now()`).
pub struct JsonataEnv<'a> {
    /// The `$states` object: `input`, `context`, and where AWS provides them `result` and
    /// `errorOutput`.
    pub states: &'a Value,
    pub variables: Option<&'a dyn Variables>,
    pub options: EvalOptions,
}

/// The text inside `{% ... %}`, if the string is an expression. The delimiters must open
/// and close the string: `" {% x %} "` is a literal string (as AWS treats it).
pub fn expression_text(s: &str) -> Option<&str> {
    if s.len() >= 4 && s.starts_with("{%") && s.ends_with("%}") {
        Some(&s[2..s.len() - 2])
    } else {
        None
    }
}

impl JsonataValue {
    /// Compiles a value; the error is a message for a diagnostic.
    pub fn compile(v: &Value) -> Result<JsonataValue, String> {
        Ok(JsonataValue { root: compile(v, 0)? })
    }

    /// True when the value has no expression.
    pub fn is_constant(&self) -> bool {
        matches!(self.root, Node::Const(_))
    }

    /// The value as written, when it is a constant.
    pub fn constant(&self) -> Option<&Value> {
        match &self.root {
            Node::Const(v) => Some(v),
            _ => None,
        }
    }

    /// The expression text, when the whole value is one expression.
    pub fn expression(&self) -> Option<&str> {
        match &self.root {
            Node::Expr { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Evaluates; `field` names where the value stands (`Output`, `Arguments`) for errors.
    pub fn evaluate(&self, env: &JsonataEnv, field: &str) -> Result<Value, QueryError> {
        let mut path = String::from(field);
        eval(&self.root, env, &mut path)
    }

    /// Evaluates, keeping an undefined result as `None` (where AWS allows "nothing").
    pub fn evaluate_optional(&self, env: &JsonataEnv, field: &str) -> Result<Option<Value>, QueryError> {
        match &self.root {
            Node::Expr { expr, text } => run(expr, text, env, field),
            _ => self.evaluate(env, field).map(Some),
        }
    }
}

fn compile(v: &Value, depth: usize) -> Result<Node, String> {
    if depth > MAX_DEPTH {
        return Err("The value is nested too deeply".into());
    }
    Ok(match v {
        Value::String(s) => match expression_text(s) {
            Some(text) => {
                let expr = Expression::compile(text).map_err(|e| compile_error(text, &e))?;
                Node::Expr { expr: Rc::new(expr), text: text.trim().into() }
            }
            None => Node::Const(v.clone()),
        },
        Value::Object(o) => {
            let mut items = Vec::with_capacity(o.len());
            let mut dynamic = false;
            for (k, item) in o.iter() {
                let n = compile(item, depth + 1)?;
                dynamic |= !matches!(n, Node::Const(_));
                items.push((k.clone(), n));
            }
            if dynamic {
                Node::Object(items)
            } else {
                Node::Const(v.clone())
            }
        }
        Value::Array(a) => {
            let items = a.iter().map(|item| compile(item, depth + 1)).collect::<Result<Vec<_>, _>>()?;
            if items.iter().all(|n| matches!(n, Node::Const(_))) {
                Node::Const(v.clone())
            } else {
                Node::Array(items)
            }
        }
        other => Node::Const(other.clone()),
    })
}

fn compile_error(text: &str, e: &JsonataError) -> String {
    match e.position {
        Some(p) => format!("The JSONata expression '{text}' is not valid: {}: {} (at character {p})", e.code, e.message),
        None => format!("The JSONata expression '{text}' is not valid: {}: {}", e.code, e.message),
    }
}

fn eval(node: &Node, env: &JsonataEnv, path: &mut String) -> Result<Value, QueryError> {
    match node {
        Node::Const(v) => Ok(v.clone()),
        Node::Expr { expr, text } => run(expr, text, env, path)?.ok_or_else(|| {
            QueryError::new(QUERY_EVALUATION_ERROR, format!("The JSONata expression '{text}' specified for the field '{path}' returned nothing (undefined).")).at(path)
        }),
        Node::Object(items) => {
            let mut map = Map::with_capacity(items.len());
            for (k, n) in items {
                let len = path.len();
                path.push('/');
                path.push_str(k);
                let v = eval(n, env, path);
                path.truncate(len);
                map.insert(k.clone(), v?);
            }
            Ok(Value::object(map))
        }
        Node::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, n) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                let v = eval(n, env, path);
                path.truncate(len);
                out.push(v?);
            }
            Ok(Value::array(out))
        }
    }
}

/// Runs one expression; `Ok(None)` is an undefined result.
fn run(expr: &Expression, text: &str, env: &JsonataEnv, field: &str) -> Result<Option<Value>, QueryError> {
    let bindings = |name: &str| -> Option<Value> {
        if name == "states" {
            return Some(env.states.clone());
        }
        env.variables?.get(name)
    };
    let result = expr.evaluate_kind(None, &bindings, &env.options).map_err(|e| {
        QueryError::new(
            QUERY_EVALUATION_ERROR,
            format!("The JSONata expression '{text}' specified for the field '{field}' threw an error during evaluation. {}: {}", e.code, e.message),
        )
        .at(field)
    })?;
    match result {
        Evaluated::Value(v) => Ok(Some(v)),
        Evaluated::Undefined => Ok(None),
        Evaluated::Function => Err(QueryError::new(QUERY_EVALUATION_ERROR, format!("The JSONata expression '{text}' specified for the field '{field}' returned an unsupported result type.")).at(field)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::parse;

    fn env(states: &Value) -> JsonataEnv<'_> {
        JsonataEnv { states, variables: None, options: EvalOptions::default() }
    }

    #[test]
    fn evaluates_expressions_inside_values() {
        let states = parse(r#"{"input":{"a":2,"b":[1,2,3]}}"#).unwrap();
        let jv = JsonataValue::compile(&parse(r#"{"sum":"{% $sum($states.input.b) %}","lit":"x","nested":["{% $states.input.a * 10 %}",true]}"#).unwrap()).unwrap();
        assert_eq!(jv.evaluate(&env(&states), "Output").unwrap().to_json(), r#"{"sum":6,"lit":"x","nested":[20,true]}"#);
        assert!(JsonataValue::compile(&parse(r#"{"a":[1,"b"]}"#).unwrap()).unwrap().is_constant());
    }

    #[test]
    fn undefined_and_errors_name_the_field() {
        let states = parse(r#"{"input":{}}"#).unwrap();
        let jv = JsonataValue::compile(&parse(r#"{"result":"{% $doesNotExist %}"}"#).unwrap()).unwrap();
        let e = jv.evaluate(&env(&states), "Output").unwrap_err();
        assert_eq!(e.error, "States.QueryEvaluationError");
        assert_eq!(e.message, "The JSONata expression '$doesNotExist' specified for the field 'Output/result' returned nothing (undefined).");
        assert!(JsonataValue::compile(&Value::from("{% 1 + %}")).is_err());
    }
}
