//! JSONPath text -> parse, then read from and write into a fixed document.
#![no_main]
use asl_sim::query::path::Path;
use asl_sim::query::Scope;
use asl_sim::value::parse;
use libfuzzer_sys::fuzz_target;

const DOC: &str = r#"{"a":[1,{"b":"x","c":[null,true,-0,1e308]},[[]]],"é𝄞":{"":0},"n":12345678901234567890123,"s":"\u0000"}"#;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(path) = Path::parse(&text) else { return };
    let doc = parse(DOC).unwrap();
    let scope = Scope::new(&doc, &doc);
    let _ = path.find(&scope);
    let _ = path.select(&scope);
    let _ = path.normalized();
    let _ = path.set(&doc, doc.clone());
});
