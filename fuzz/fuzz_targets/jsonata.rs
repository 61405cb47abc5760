//! JSONata text -> compile, then evaluate (with a step budget) on a fixed input.
#![no_main]
use asl_sim::query::jsonata::{CompileOptions, EvalOptions, Expression};
use asl_sim::value::parse;
use libfuzzer_sys::fuzz_target;

const DOC: &str = r#"{"a":[1,2,{"b":"x","c":[null,true,-0,1e308]}],"s":"é𝄞中","n":12345678901234567890123}"#;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(expr) = Expression::compile_with(&text, &CompileOptions { operators_2_1: data.first() == Some(&b' ') }) else { return };
    let doc = parse(DOC).unwrap();
    let options = EvalOptions { max_steps: 100_000, ..EvalOptions::default() };
    let _ = expr.evaluate_with(Some(&doc), &|name| (name == "x").then(|| doc.clone()), &options);
});
