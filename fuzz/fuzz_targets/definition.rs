//! Definition text (JSON or YAML) -> parse and validate: diagnostics, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = asl_sim::definition::parse_definition_text(&text);
    for d in parsed.diagnostics.iter() {
        let _ = d.to_string();
    }
});
