//! What both benches build from ../shared/bench: its machines, and the inputs they run on.

use std::path::Path;

/// A machine of ../shared/bench/machines, or None when that folder is not beside the repo.
pub fn machine(name: &str) -> Option<String> {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/machines").join(format!("{name}.json"))).ok()
}

/// The parallel machine, as gen_parallel.js makes it: n branches of 10 Pass states.
pub fn parallel_def(n: usize) -> String {
    let branches: Vec<String> = (0..n)
        .map(|b| {
            let states: Vec<String> = (0..10)
                .map(|s| {
                    let next = if s == 9 { "\"End\":true".to_string() } else { format!("\"Next\":\"S{b}_{}\"", s + 1) };
                    let result_path = if s == 9 { "\"ResultPath\":\"$.last\"" } else { "\"ResultPath\":\"$.step\"" };
                    format!("\"S{b}_{s}\":{{\"Type\":\"Pass\",\"Result\":{{\"branch\":{b},\"step\":{s}}},{result_path},{next}}}")
                })
                .collect();
            format!("{{\"StartAt\":\"S{b}_0\",\"States\":{{{}}}}}", states.join(","))
        })
        .collect();
    format!("{{\"StartAt\":\"P\",\"States\":{{\"P\":{{\"Type\":\"Parallel\",\"Branches\":[{}],\"End\":true}}}}}}", branches.join(","))
}

/// The map machine's input: n items `{id, v}`.
pub fn map_input(n: usize) -> String {
    let items: Vec<String> = (0..n).map(|k| format!("{{\"id\":{k},\"v\":{k}}}")).collect();
    format!("{{\"items\":[{}]}}", items.join(","))
}
