//! Intrinsic function text (`States.Format(...)`) -> parse, then evaluate on a fixed input.
#![no_main]
use asl_sim::query::intrinsics::Intrinsic;
use asl_sim::query::Scope;
use asl_sim::value::parse;
use libfuzzer_sys::fuzz_target;

const DOC: &str = r#"{"a":[1,2,3],"s":"é𝄞中,x","n":12345678901234567890123,"f":1e308,"o":{"k":{"j":"{\"x\":[1]}"}}}"#;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(call) = Intrinsic::parse(&text) else { return };
    let doc = parse(DOC).unwrap();
    let scope = Scope::new(&doc, &doc);
    let mut seed = 1u64;
    let _ = call.evaluate(&scope, &mut || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        seed
    });
});
