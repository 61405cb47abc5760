//! Mutates every expression of the JSONata suite (truncations, deletions, stray `(`, `%`,
//! `.`) and checks that compiling and evaluating never panics. Slow in debug builds, so
//! opt-in: `cargo test --release --test jsonata_fuzz -- --ignored --nocapture`.

use asl_sim::query::jsonata::{CompileOptions, EvalOptions, Expression};
use asl_sim::value;
#[test]
#[ignore]
fn fuzz() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/jsonata-suite/groups");
    if !root.is_dir() {
        eprintln!("jsonata fuzz: skipped, suite not found");
        return;
    }
    let mut exprs = vec![];
    for g in std::fs::read_dir(root.clone()).unwrap().flatten() {
        for f in std::fs::read_dir(g.path()).unwrap().flatten() {
            let t = std::fs::read_to_string(f.path()).unwrap_or_default();
            if let Ok(v) = value::parse(&t) {
                let list = match &v { value::Value::Array(a) => a.to_vec(), o => vec![o.clone()] };
                for c in list { if let Some(e) = c.get("expr").and_then(|e| e.as_str()) { exprs.push(e.to_string()); } }
            }
        }
    }
    let dtext = std::fs::read_to_string(root.join("../datasets/dataset5.json")).unwrap();
    let h = std::thread::Builder::new().stack_size(256 << 20).spawn(move || {
        let data = value::parse(&dtext).unwrap();
        let mut n = 0;
        let opts = EvalOptions { max_steps: 200_000, ..EvalOptions::default() };
        for e in &exprs {
            let chars: Vec<char> = e.chars().collect();
            let step = (chars.len() / 40).max(1);
            let mut variants = vec![];
            for i in (0..chars.len()).step_by(step) {
                variants.push(chars[..i].iter().collect::<String>());
                let mut c = chars.clone(); c.remove(i); variants.push(c.iter().collect());
                let mut c = chars.clone(); c.insert(i, '('); variants.push(c.iter().collect());
                let mut c = chars.clone(); c.insert(i, '%'); variants.push(c.iter().collect());
                let mut c = chars.clone(); c.insert(i, '.'); variants.push(c.iter().collect());
            }
            for v in variants {
                n += 1;
                let r = std::panic::catch_unwind(|| {
                    if let Ok(x) = Expression::compile_with(&v, &CompileOptions { operators_2_1: true }) {
                        let _ = x.evaluate_with(Some(&data), &|_| None, &opts);
                    }
                });
                assert!(r.is_ok(), "panic on {v}");
            }
        }
        n
    }).unwrap();
    println!("fuzzed {}", h.join().unwrap());
}
