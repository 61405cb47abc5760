//! Pass: hands on its input, or `Result`, or `Parameters` applied to its input.

use crate::definition::model::StateKind;
use crate::engine::execution::{Execution, FiberId};

impl Execution {
    #[inline(never)]
    pub(crate) fn enter_pass(&mut self, fid: FiberId) {
        let state = self.fiber(fid).state.clone();
        let StateKind::Pass(pass) = &state.kind else { return };
        let effective = self.fiber(fid).effective.clone();
        if state.query_language == crate::definition::QueryLanguage::Jsonata {
            return self.leave(fid, effective.clone(), &effective, None);
        }
        let result = if let Some(r) = &pass.result {
            r.clone()
        } else if let Some(t) = &state.io.parameters {
            let ctx = self.context_if(fid, t.uses_context());
            match self.eval_template(fid, t, &effective, &ctx) {
                Ok(v) => {
                    self.trace_stage(fid, crate::engine::trace::Stage::AfterParameters, &v);
                    v
                }
                Err(e) => return self.query_failed(fid, e),
            }
        } else {
            effective
        };
        self.finish_with_result(fid, result, false);
    }
}
