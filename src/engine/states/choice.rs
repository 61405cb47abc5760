//! Choice: the first rule that matches names the next state, else `Default`, else
//! `States.NoChoiceMatched`.

use crate::definition::model::StateKind;
use crate::engine::errors::{names, Failure};
use crate::engine::execution::{Execution, FiberId};

impl Execution {
    pub(crate) fn enter_choice(&mut self, fid: FiberId) {
        let state = self.fiber(fid).state.clone();
        let StateKind::Choice(choice) = &state.kind else { return };
        let effective = self.fiber(fid).effective.clone();
        let ctx = self.context(fid, None, false);
        let chosen = match crate::engine::choice::choose(&choice.choices, &self.scope_input(fid, &effective, &ctx)) {
            Ok(c) => c,
            Err(e) => return self.query_failed(fid, e),
        };
        let next = match chosen.and_then(|r| r.next.clone()).or_else(|| choice.default.clone()) {
            Some(n) => n,
            None => {
                let cause = self.prefixed(fid, "No Matches!");
                let _ = cause;
                return self.fail_state(fid, Failure::new(names::NO_CHOICE_MATCHED, None::<String>));
            }
        };
        self.leave(fid, effective.clone(), &effective, Some(next));
    }
}
