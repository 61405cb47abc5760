//! Choice: the first rule that matches names the next state, else `Default`, else
//! `States.NoChoiceMatched`. A matching rule may bring its own `Assign` (and, in JSONata,
//! `Output`); the state's own apply when `Default` is taken.

use crate::definition::model::StateKind;
use crate::definition::QueryLanguage;
use crate::engine::errors::{names, Failure};
use crate::engine::execution::{Execution, FiberId};
use crate::query::jsonata::EvalOptions;
use crate::query::jsonata_value::{JsonataEnv, JsonataValue};
use crate::query::Scope;

impl Execution {
    #[inline(never)]
    pub(crate) fn enter_choice(&mut self, fid: FiberId) {
        let state = self.fiber(fid).state.clone();
        let StateKind::Choice(choice) = &state.kind else { return };
        let effective = self.fiber(fid).effective.clone();
        let ctx = self.context_if(fid, choice.choices.iter().any(|r| r.uses_context()));
        let chosen = if state.query_language == QueryLanguage::Jsonata {
            let states = self.states_var(fid, &effective, ctx.clone(), None, None);
            let options = EvalOptions { seed: self.rng.next_u64(), now_millis: self.now as i64, ..EvalOptions::default() };
            let vars = self.fiber(fid).vars.clone();
            let env = JsonataEnv { states: &states, variables: Some(&*vars), options };
            let eval = |jv: &JsonataValue, _: &Scope| jv.evaluate(&env, "Condition");
            crate::engine::choice::choose_with(&choice.choices, &self.scope_input(fid, &effective, &ctx), &eval)
        } else {
            crate::engine::choice::choose(&choice.choices, &self.scope_input(fid, &effective, &ctx))
        };
        let chosen = match chosen {
            Ok(c) => c,
            Err(e) => return self.query_failed(fid, e),
        };
        let (next, assign, output) = match chosen {
            Some(rule) => (rule.next.clone(), rule.assign.as_ref().or(state.assign.as_ref()), rule.output.as_ref().or(state.io.output.as_ref())),
            None => (choice.default.clone(), state.assign.as_ref(), state.io.output.as_ref()),
        };
        let Some(next) = next else {
            return self.fail_state(fid, Failure::new(names::NO_CHOICE_MATCHED, None::<String>));
        };
        self.leave_assigning(fid, effective.clone(), &effective, Some(next), assign, output);
    }
}
