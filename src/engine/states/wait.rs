//! Wait: for a number of seconds or until a timestamp, on the execution's clock.

use crate::definition::model::{Seconds, StateKind, Wait};
use crate::engine::execution::{Blocked, Execution, FiberId, Step, TimerKind};
use crate::query::QueryError;
use crate::value::Value;

impl Execution {
    #[inline(never)]
    pub(crate) fn enter_wait(&mut self, fid: FiberId) {
        let state = self.fiber(fid).state.clone();
        let StateKind::Wait(w) = &state.kind else { return };
        let effective = self.fiber(fid).effective.clone();
        let until = match w {
            Wait::Seconds(Seconds::Jsonata(_)) | Wait::TimestampJsonata(_) => self.wait_until_jsonata(fid, w, &effective),
            _ => self.wait_until(fid, w, &effective),
        };
        let until = match until {
            Ok(t) => t,
            Err(e) => return self.query_failed(fid, e),
        };
        let now = self.now;
        let f = self.fiber_mut(fid);
        f.step = Step::WaitDone;
        if until > now {
            f.blocked = Blocked::Timer;
            self.add_timer(until, TimerKind::Fiber(fid));
        }
    }

    fn wait_until(&self, fid: FiberId, w: &Wait, input: &Value) -> Result<f64, QueryError> {
        let ctx = self.context(fid, None);
        let scope = self.scope_input(fid, input, &ctx);
        Ok(match w {
            Wait::Seconds(Seconds::Literal(s)) => self.now + *s as f64 * 1000.0,
            Wait::Seconds(Seconds::Path(p)) => {
                let v = p.select(&scope).ok_or_else(|| QueryError::runtime(format!("The SecondsPath parameter does not reference an input value: {}", p.text())))?;
                let n = v.as_number().ok_or_else(|| QueryError::runtime(format!("The SecondsPath parameter cannot be parsed as a long value: {} == {}", p.text(), v.to_json())))?;
                if !n.is_integral() || n.is_float_text() && n.as_f64().fract() != 0.0 {
                    return Err(QueryError::runtime(format!("The SecondsPath parameter cannot be parsed as a long value: {} == {}", p.text(), v.to_json())));
                }
                let s = n.as_f64();
                if s < 0.0 {
                    return Err(QueryError::runtime(format!("The SecondsPath parameter references a negative value: {} == {}", p.text(), v.to_json())));
                }
                self.now + s * 1000.0
            }
            Wait::Timestamp(ms) => *ms,
            Wait::TimestampPath(p) => {
                let v = p.select(&scope).ok_or_else(|| QueryError::runtime(format!("The TimestampPath parameter does not reference an input value: {}", p.text())))?;
                let text = v.as_str().map(String::from).unwrap_or_else(|| v.to_json());
                crate::query::timestamp::parse_runtime_timestamp(&text).ok_or_else(|| {
                    QueryError::runtime(format!("The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {} == {}", p.text(), text))
                })?
            }
            Wait::Seconds(Seconds::Jsonata(_)) | Wait::TimestampJsonata(_) => return Err(QueryError::runtime("internal: JSONata Wait evaluated as JSONPath")),
        })
    }

    fn wait_until_jsonata(&mut self, fid: FiberId, w: &Wait, input: &Value) -> Result<f64, QueryError> {
        let ctx = self.context(fid, None);
        let states = self.states_var(fid, input, ctx, None, None);
        match w {
            Wait::Seconds(Seconds::Jsonata(jv)) => Ok(self.now + self.jsonata_seconds(fid, jv, "Seconds", &states)? as f64 * 1000.0),
            Wait::TimestampJsonata(jv) => {
                let v = self.eval_jsonata(fid, jv, "Timestamp", &states)?;
                v.as_str().and_then(crate::query::timestamp::parse_runtime_timestamp).ok_or_else(|| crate::query::timestamp::timestamp_field_error(&v))
            }
            _ => Err(QueryError::runtime("internal: JSONPath Wait evaluated as JSONata")),
        }
    }

    #[inline(never)]
    pub(crate) fn wait_done(&mut self, fid: FiberId) {
        let effective = self.fiber(fid).effective.clone();
        self.leave(fid, effective.clone(), &effective, None);
    }
}
