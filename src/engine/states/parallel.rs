//! Parallel: runs every branch on the same input; its result is the array of the branches'
//! outputs, in branch order.

use super::join::{Join, Measured};
use crate::definition::model::Parallel;
use crate::engine::execution::{Blocked, Execution, FiberId};
use crate::engine::variables::VarFrame;

impl Execution {
    #[inline(never)]
    pub(crate) fn run_parallel(&mut self, fid: FiberId, p: &Parallel) {
        let state = self.fiber(fid).state.clone();
        let effective = self.fiber(fid).effective.clone();
        let input = if state.query_language == crate::definition::QueryLanguage::Jsonata {
            match &state.io.arguments {
                Some(a) => {
                    let ctx = self.context(fid, None);
                    let states = self.states_var(fid, &effective, ctx, None, None);
                    match self.eval_jsonata(fid, a, "Arguments", &states) {
                        Ok(v) => v,
                        Err(e) => return self.query_failed(fid, e),
                    }
                }
                None => effective,
            }
        } else {
            match &state.io.parameters {
                Some(t) => {
                    let ctx = self.context(fid, None);
                    match self.eval_template(fid, t, &effective, &ctx) {
                        Ok(v) => v,
                        Err(e) => return self.query_failed(fid, e),
                    }
                }
                None => effective,
            }
        };
        // Validation rejects a branch whose StartAt names no state; a machine built another
        // way must still not wait forever on a branch that never starts.
        if let Some(b) = p.branches.iter().find(|b| b.get(&b.start_at).is_none()) {
            let cause = format!("The StartAt state '{}' of a branch does not exist", b.start_at);
            return self.fail_state(fid, crate::engine::Failure::with_cause(crate::engine::errors::names::RUNTIME, cause));
        }
        self.trace_stage(fid, crate::engine::trace::Stage::AfterParameters, &input);
        self.fiber_event(fid, "ParallelStateStarted", None);
        let n = p.branches.len();
        let vars = self.fiber(fid).vars.clone();
        let mut running = super::join::Running::default();
        for (i, branch) in p.branches.iter().enumerate() {
            let Some(start) = branch.get(&branch.start_at).cloned() else { continue };
            let child = self.spawn(branch.clone(), start, input.clone(), Some((fid, i)), VarFrame::child(&vars), false);
            running.insert(i, child);
        }
        let f = self.fiber_mut(fid);
        f.join = Some(Box::new(Join { is_map: false, distributed: false, results: vec![None; n], running, remaining: n, next_index: n, items: Vec::new(), max_concurrency: 0, tolerance: None, failures: 0, measured: Some(Measured::default()), batched: false, map_run_arn: None, log: None }));
        f.blocked = Blocked::Children;
        if n == 0 {
            self.join_finished(fid);
        }
    }
}
