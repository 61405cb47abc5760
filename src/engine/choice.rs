//! Choice rule evaluation (placeholder until the full rule set lands: matches nothing).

use crate::definition::choice::ChoiceRule;
use crate::query::{QueryError, Scope};

pub fn choose<'a>(rules: &'a [ChoiceRule], scope: &Scope) -> Result<Option<&'a ChoiceRule>, QueryError> {
    let _ = (rules, scope);
    Ok(None)
}
