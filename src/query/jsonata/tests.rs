//! End-to-end checks of the public interface (the official suite runs in tests/).

use super::*;
use crate::value::parse;

fn eval(expr: &str, input: &str) -> Result<Option<String>, JsonataError> {
    let e = Expression::compile(expr)?;
    let input = parse(input).unwrap();
    Ok(e.evaluate(Some(&input), &|_| None)?.map(|v| v.to_json()))
}

#[test]
fn paths_and_operators() {
    assert_eq!(eval("a.b", r#"{"a":{"b":3}}"#).unwrap().as_deref(), Some("3"));
    assert_eq!(eval("a.b[1]", r#"{"a":{"b":[1,2]}}"#).unwrap().as_deref(), Some("2"));
    assert_eq!(eval("$sum(a.b) * 2", r#"{"a":[{"b":1},{"b":2}]}"#).unwrap().as_deref(), Some("6"));
    assert_eq!(eval("x", "{}").unwrap(), None);
}

#[test]
fn bindings_and_errors() {
    let e = Expression::compile("$states.input.x + 1").unwrap();
    let states = parse(r#"{"input":{"x":41}}"#).unwrap();
    let r = e.evaluate(None, &|n| (n == "states").then(|| states.clone())).unwrap();
    assert_eq!(r.map(|v| v.to_json()).as_deref(), Some("42"));
    assert_eq!(Expression::compile("1 +").unwrap_err().code, "S0207");
    assert_eq!(eval("'a' - 1", "{}").unwrap_err().code, "T2001");
    assert_eq!(eval("$eval('1')", "{}").unwrap_err().code, "T1006");
    assert_eq!(Expression::compile("a ?? b").unwrap_err().code, "S0201");
}

/// Debug builds have much larger stack frames than the release wasm; give them room.
fn with_big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(64 << 20).spawn(f).unwrap().join().unwrap();
}

#[test]
fn deep_recursion_is_an_error_not_a_crash() {
    with_big_stack(deep_recursion);
}

fn deep_recursion() {
    let r = eval("($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100000))", "{}");
    assert_eq!(r.unwrap_err().code, "U1001");
    let deep = "(".repeat(5000) + &")".repeat(5000);
    assert!(Expression::compile(&deep).is_err());
    let r = eval("($f := function(){ $f() }; $f())", "{}");
    assert_eq!(r.unwrap_err().code, "U1001");
}

/// The release wasm runs on a ~1 MB stack: the deepest evaluation allowed must fit in it.
#[cfg(not(debug_assertions))]
#[test]
fn max_depth_fits_a_one_megabyte_stack() {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            for expr in [
                "($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100000))",
                "($f := function($n){ $n = 0 ? 0 : {'a': [$f($n - 1)]}.a[0] + 1 }; $f(100000))",
                "($f := function($n){ $n = 0 ? 0 : $sum($map([$n], function($x){ $f($x - 1) })) + 1 }; $f(100000))",
            ] {
                assert_eq!(eval(expr, "{}").unwrap_err().code, "U1001", "{expr}");
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

/// Values built while evaluating may nest without bound (`$reduce` wrapping its accumulator):
/// walking, comparing, writing and dropping them must not recurse once per level, and a
/// result deeper than JSON text may be is an error.
#[test]
fn deeply_built_values_are_bounded() {
    with_big_stack(|| {
        let deep = "$reduce([1..20000], function($a, $b){ {'a': $a} }, {})";
        assert_eq!(eval(deep, "{}").unwrap_err().code, "U1001");
        assert_eq!(eval(&format!("({deep}).x"), "{}").unwrap(), None);
        assert_eq!(eval(&format!("$string({deep})"), "{}").unwrap_err().code, "U1001");
        assert_eq!(eval(&format!("($x := {deep}; $y := {deep}; $x = $y)"), "{}").unwrap().as_deref(), Some("false"));
        assert_eq!(eval("$count($reduce([1..20000], function($a, $b){ [[$a]] }, 1).*)", "{}").unwrap().as_deref(), Some("1"));
        assert_eq!(eval("$reduce([1..512], function($a, $b){ {'a': $a} }, 1)", "{}").unwrap().map(|s| s.len()), Some(6 * 512 + 1));
        assert_eq!(eval("$reduce([1..513], function($a, $b){ {'a': $a} }, 1)", "{}").unwrap_err().code, "U1001");
    });
}

/// `[]` after an expression that is not a path keeps a singleton sequence (a function's
/// sequence result) as an array and leaves every other value alone, as JSONata does.
#[test]
fn keep_array_on_a_non_path_expression() {
    let cases = [
        ("[1,2,3][]", "[1,2,3]"),
        ("$split('a', ',')[]", r#"["a"]"#),
        ("$append([1],[2])[]", "[1,2]"),
        ("(a)[]", "[3,1]"),
        ("'s'[]", r#""s""#),
        ("$count([1])[]", "1"),
        ("($x := [1]; $x[])", "[1]"),
        ("$map([1], function($v){$v})[]", "[1]"),
        ("$keys({'k': 1})[]", r#"["k"]"#),
        ("$filter([1,2], function($v){$v>1})[]", "[2]"),
        ("a[$>2][]", "[3]"),
    ];
    for (expr, want) in cases {
        assert_eq!(eval(expr, r#"{"a":[3,1]}"#).unwrap().as_deref(), Some(want), "{expr}");
    }
}
