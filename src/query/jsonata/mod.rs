//! JSONata 2.0 (the version AWS Step Functions runs), written for asl-sim.
//!
//! ```text
//! let e = Expression::compile("$sum(items.price)")?;
//! let v = e.evaluate(Some(&input), &|name| vars.get(name).cloned())?;   // None = undefined
//! ```
//!
//! Compile once, evaluate many times. Evaluation never panics and is bounded: nesting depth
//! and an evaluation step budget both end in error `U1001`, ranges over 10^7 items in
//! `D2014`. Randomness (`$random`, `$uuid`, `$shuffle`) and the clock (`$now`, `$millis`)
//! come from [`EvalOptions`] so runs reproduce.

mod ast;
mod aws;
mod datetime;
mod error;
mod eval;
mod format;
mod functions;
mod jvalue;
mod lexer;
mod parser;
mod regex;
mod signature;
mod toplevel;

pub use error::JsonataError;

use crate::value::Value;

/// Language options fixed at compile time.
#[derive(Clone, Debug, Default)]
pub struct CompileOptions {
    /// Accept JSONata 2.1's `??` (coalescing) and `?:` (default) operators. AWS runs 2.0,
    /// where they are syntax errors, so this is off by default.
    pub operators_2_1: bool,
}

/// Per-evaluation settings supplied by the engine.
#[derive(Clone, Debug)]
pub struct EvalOptions {
    /// Deepest nesting of evaluation frames before `U1001` (JSONata's stack-overflow error).
    pub max_depth: usize,
    /// Evaluation steps before `U1001` (JSONata's timeout error).
    pub max_steps: u64,
    /// Seed for `$random()`, `$uuid()` and `$shuffle()`.
    pub seed: u64,
    /// What `$now()` and `$millis()` return (milliseconds since the Unix epoch).
    pub now_millis: i64,
}

impl Default for EvalOptions {
    fn default() -> EvalOptions {
        EvalOptions { max_depth: 500, max_steps: 20_000_000, seed: 0, now_millis: 0 }
    }
}

/// What an evaluation produced.
#[derive(Debug)]
pub enum Evaluated {
    Value(Value),
    Undefined,
    Function,
}

/// A compiled JSONata expression.
pub struct Expression {
    program: parser::Program,
}

impl std::fmt::Debug for Expression {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Expression")
    }
}

impl Expression {
    /// Compiles JSONata 2.0 text. Errors carry JSONata's code (`S0xxx`) and the character
    /// offset.
    pub fn compile(text: &str) -> Result<Expression, JsonataError> {
        Expression::compile_with(text, &CompileOptions::default())
    }

    pub fn compile_with(text: &str, options: &CompileOptions) -> Result<Expression, JsonataError> {
        Ok(Expression { program: parser::parse(text, options.operators_2_1)? })
    }

    /// What the expression reads from the top-level context, which a Step Functions
    /// expression may not: field names, `$` and `$$` (see `toplevel.rs`).
    pub fn top_level_references(&self) -> Vec<String> {
        toplevel::references(&self.program.root)
    }

    /// Evaluates against `input` (`None` = undefined), looking variables up in `bindings`
    /// (names without `$`). Returns `None` for an undefined result.
    pub fn evaluate(&self, input: Option<&Value>, bindings: &dyn Fn(&str) -> Option<Value>) -> Result<Option<Value>, JsonataError> {
        self.evaluate_with(input, bindings, &EvalOptions::default())
    }

    pub fn evaluate_with(
        &self,
        input: Option<&Value>,
        bindings: &dyn Fn(&str) -> Option<Value>,
        options: &EvalOptions,
    ) -> Result<Option<Value>, JsonataError> {
        Ok(match self.evaluate_kind(input, bindings, options)? {
            Evaluated::Value(v) => Some(v),
            Evaluated::Undefined | Evaluated::Function => None,
        })
    }

    /// Like `evaluate_with`, telling an undefined result from a function (which has no JSON
    /// form: AWS reports it as an unsupported result type).
    pub fn evaluate_kind(&self, input: Option<&Value>, bindings: &dyn Fn(&str) -> Option<Value>, options: &EvalOptions) -> Result<Evaluated, JsonataError> {
        let limits = eval::Limits { max_depth: options.max_depth, max_steps: options.max_steps };
        let mut ctx = eval::Ctx::new(bindings, &self.program.parent_labels, limits, options.seed, options.now_millis);
        let input = input.map(jvalue::JV::from_value);
        let result = ctx.run(&self.program.root, input.as_ref())?;
        Ok(match result {
            None => Evaluated::Undefined,
            Some(jvalue::JV::Func(_)) => Evaluated::Function,
            // A result that could not be read back from JSON text is an error: converting,
            // writing or comparing it would recurse once per level.
            Some(v) if jvalue::depth_exceeds(&v, crate::value::MAX_DEPTH) => {
                return Err(JsonataError::new("U1001", format!("Stack overflow error: the result is nested deeper than {} levels.", crate::value::MAX_DEPTH)));
            }
            Some(v) => v.to_value().map_or(Evaluated::Undefined, Evaluated::Value),
        })
    }
}

#[cfg(test)]
mod tests;
