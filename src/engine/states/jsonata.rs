//! What JSONata states share: the `$states` variable (`input`, `context`, and `result` or
//! `errorOutput` where AWS provides them), evaluating a field, and leaving the state through
//! `Output` and `Assign`.

use crate::definition::model::Assign;
use crate::engine::execution::{Execution, FiberId};
use crate::query::jsonata::EvalOptions;
use crate::query::jsonata_value::{JsonataEnv, JsonataValue};
use crate::query::QueryError;
use crate::value::{Map, Value};
use std::rc::Rc;

impl Execution {
    /// The `$states` object for the current state of a fiber.
    pub(crate) fn states_var(&self, fid: FiberId, input: &Value, context: Value, result: Option<&Value>, error_output: Option<&Value>) -> Value {
        let _ = fid;
        let mut m = Map::with_capacity(4);
        m.insert("input".into(), input.clone());
        m.insert("context".into(), context);
        if let Some(r) = result {
            m.insert("result".into(), r.clone());
        }
        if let Some(e) = error_output {
            m.insert("errorOutput".into(), e.clone());
        }
        Value::object(m)
    }

    fn jsonata_options(&mut self) -> EvalOptions {
        EvalOptions { seed: self.rng.next_u64(), now_millis: self.now as i64, ..EvalOptions::default() }
    }

    /// Evaluates a JSONata value of the current state; `field` names it in errors.
    pub(crate) fn eval_jsonata(&mut self, fid: FiberId, jv: &JsonataValue, field: &str, states: &Value) -> Result<Value, QueryError> {
        if let Some(v) = jv.constant() {
            return Ok(v.clone());
        }
        let options = self.jsonata_options();
        let vars = self.fiber(fid).vars.clone();
        let env = JsonataEnv { states, variables: Some(&*vars), options };
        jv.evaluate(&env, field)
    }

    /// Output and Assign of a JSONata state, the exited event and the transition.
    /// `default_output` is what the state outputs without an `Output` field.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn leave_jsonata(&mut self, fid: FiberId, states: &Value, default_output: Value, output: Option<&JsonataValue>, output_field: &str, assign: Option<&Assign>, assign_field: &str, next: Option<Rc<str>>) {
        let out = match output {
            Some(jv) => match self.eval_jsonata(fid, jv, output_field, states) {
                Ok(v) => v,
                Err(e) => return self.query_failed(fid, e),
            },
            None => default_output,
        };
        if let Err(f) = self.check_size(&out, fid) {
            return self.fail_state(fid, f);
        }
        let assigned = match self.assign_jsonata(fid, assign, assign_field, states) {
            Ok(a) => a,
            Err(e) => return self.query_failed(fid, e),
        };
        self.exit_event(fid, &out, assigned);
        self.transition(fid, out, next);
    }

    /// Evaluates a JSONata `Assign` (every value reads the variables from before it) and
    /// stores the variables.
    pub(crate) fn assign_jsonata(&mut self, fid: FiberId, assign: Option<&Assign>, field: &str, states: &Value) -> Result<super::Assigned, QueryError> {
        match assign {
            None => Ok(None),
            Some(Assign::Jsonata(jv)) => {
                let v = self.eval_jsonata(fid, jv, field, states)?;
                self.store_variables(fid, &v)
            }
            Some(other) => {
                let input = states.get("input").cloned().unwrap_or(Value::Null);
                self.apply_assign(fid, Some(other), &input)
            }
        }
    }

    /// A number of seconds from a JSONata expression: a non-negative integer.
    pub(crate) fn jsonata_seconds(&mut self, fid: FiberId, jv: &JsonataValue, field: &str, states: &Value) -> Result<u64, QueryError> {
        let v = self.eval_jsonata(fid, jv, field, states)?;
        match v.as_number().and_then(|n| if n.is_integral() { n.as_i64() } else { None }) {
            Some(n) if n >= 0 => Ok(n as u64),
            _ => Err(QueryError::new(
                "States.QueryEvaluationError",
                format!("The JSONata expression '{}' specified for the field '{field}' returned an unexpected result type. Expected 'integer', but was '{}' for value: {}", jv_text(jv), v.type_name(), v.to_json()),
            )
            .at(field)),
        }
    }
}

/// The expression text of a single-expression value (for messages).
pub(crate) fn jv_text(jv: &JsonataValue) -> String {
    jv.expression().unwrap_or_default().to_string()
}
