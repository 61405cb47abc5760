//! Choice rules (placeholder until the full rule model lands): keeps each rule's `Next`.

use crate::definition::Diagnostics;
use crate::value::Value;
use std::rc::Rc;

#[derive(Debug, Clone)]
pub struct ChoiceRule {
    pub next: Option<Rc<str>>,
    pub raw: Value,
}

pub fn parse_choice_rule(v: &Value, pointer: &str, top_level: bool, diags: &mut Diagnostics) -> Option<ChoiceRule> {
    let next = v.get("Next").and_then(Value::as_str).map(Rc::from);
    if top_level && next.is_none() {
        diags.schema(pointer, "These fields are required: [Next]");
    }
    Some(ChoiceRule { next, raw: v.clone() })
}
