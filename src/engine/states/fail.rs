//! Succeed and Fail: the two states that end a branch on purpose.

use crate::definition::model::{FailField, StateKind};
use crate::engine::errors::Failure;
use crate::engine::execution::{Execution, FiberId};
use crate::value::Value;
use std::rc::Rc;

impl Execution {
    #[inline(never)]
    pub(crate) fn enter_succeed(&mut self, fid: FiberId) {
        let effective = self.fiber(fid).effective.clone();
        self.leave(fid, effective.clone(), &effective, None);
    }

    #[inline(never)]
    pub(crate) fn enter_fail(&mut self, fid: FiberId) {
        let state = self.fiber(fid).state.clone();
        let StateKind::Fail(fail) = &state.kind else { return };
        let error = match self.fail_field(fid, fail.error.as_ref(), "ErrorPath") {
            Ok(v) => v,
            Err(()) => return,
        };
        let cause = match self.fail_field(fid, fail.cause.as_ref(), "CausePath") {
            Ok(v) => v,
            Err(()) => return,
        };
        // A Fail state without `Error` reports no error name (an empty one is left out).
        self.fail_fiber(fid, Failure { error: error.unwrap_or_else(|| Rc::from("")), cause });
    }

    /// Evaluates `Error`/`Cause` (literal or `...Path`); Err(()) when the state already failed.
    fn fail_field(&mut self, fid: FiberId, field: Option<&FailField>, path_key: &str) -> Result<Option<Rc<str>>, ()> {
        match field {
            None => Ok(None),
            Some(FailField::Literal(s)) => Ok(Some(s.as_str().into())),
            Some(FailField::Path(t)) => {
                let input = self.fiber(fid).input.clone();
                let ctx = self.context(fid, None);
                match self.eval_template(fid, t, &input, &ctx) {
                    Ok(v) => {
                        match v {
                            Value::String(s) => Ok(Some(s)),
                            other => Ok(Some(other.to_json().into())),
                        }
                    }
                    Err(e) => {
                        self.query_failed(fid, e);
                        Err(())
                    }
                }
            }
            Some(FailField::Jsonata(jv)) => {
                let input = self.fiber(fid).input.clone();
                let ctx = self.context(fid, None);
                let states = self.states_var(fid, &input, ctx, None, None);
                let field = if path_key == "ErrorPath" { "Error" } else { "Cause" };
                match self.eval_jsonata(fid, jv, field, &states) {
                    Ok(Value::String(s)) => Ok(Some(s)),
                    Ok(other) => Ok(Some(other.to_json().into())),
                    Err(e) => {
                        self.query_failed(fid, e);
                        Err(())
                    }
                }
            }
        }
    }
}
