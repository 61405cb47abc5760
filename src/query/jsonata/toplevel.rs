//! What an expression reads from the top-level context. Step Functions evaluates JSONata with
//! no context item (the input is `$states.input`, variables are `$name`), and the States
//! Language forbids reading `$`, `$$` or a bare field name at the top level: AWS refuses such a
//! definition (`UNSUPPORTED_JSONATA_EXPRESSION`). Only the first step of a path reads the
//! context; later steps, predicates, sort terms and group-bys read what the step before
//! produced. A lambda body keeps the context it was written in, so a name there counts.

use super::ast::{Kind, Node};

/// The distinct top-level references, in the order written: field names, `$` for the context
/// item and `$$` for the root.
pub(super) fn references(root: &Node) -> Vec<String> {
    let mut out = Vec::new();
    walk(root, &mut out, 0);
    out
}

/// Deeper expressions than this are not looked into (the parser bounds nesting already).
const MAX_DEPTH: usize = 200;

fn walk(node: &Node, out: &mut Vec<String>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let mut note = |name: &str| {
        if !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    };
    let d = depth + 1;
    match &node.kind {
        Kind::Name(name) => note(name),
        Kind::Var(name) if name.is_empty() => note("$"),
        Kind::Var(name) if &**name == "$" => note("$$"),
        Kind::Path(path) => {
            if let Some(first) = path.steps.first() {
                walk(&first.node, out, d);
            }
        }
        Kind::Neg(e) => walk(e, out, d),
        Kind::Array(items, _) | Kind::Block(items) => items.iter().for_each(|n| walk(n, out, d)),
        Kind::Range(a, b) | Kind::Binary(_, a, b) | Kind::Apply(a, b) => {
            walk(a, out, d);
            walk(b, out, d);
        }
        Kind::Object(group) => group.pairs.iter().for_each(|(k, v)| {
            walk(k, out, d);
            walk(v, out, d);
        }),
        Kind::Cond(c, t, e) => {
            walk(c, out, d);
            walk(t, out, d);
            if let Some(e) = e {
                walk(e, out, d);
            }
        }
        Kind::Bind(_, rhs) => walk(rhs, out, d),
        Kind::Call(call) => {
            walk(&call.proc, out, d);
            call.args.iter().for_each(|n| walk(n, out, d));
        }
        Kind::Lambda(lambda) => walk(&lambda.body, out, d),
        Kind::TailCall(call) => walk(call, out, d),
        // The filtered expression reads the context; its predicates read its items.
        Kind::Filtered(f) => walk(&f.expr, out, d),
        Kind::Str(_)
        | Kind::Num(_)
        | Kind::Bool(_)
        | Kind::Null
        | Kind::Regex(_)
        | Kind::Var(_)
        | Kind::Wildcard
        | Kind::Descendants
        | Kind::Parent(_)
        | Kind::Placeholder
        | Kind::Transform(_)
        | Kind::Sort(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::Expression;

    fn refs(text: &str) -> Vec<String> {
        Expression::compile(text).unwrap().top_level_references()
    }

    #[test]
    fn names_what_the_top_level_reads() {
        let none: [&str; 0] = [];
        assert_eq!(refs("$states.input.a"), none);
        assert_eq!(refs("$states.input.items[price > 5].(a + b)"), none);
        assert_eq!(refs("$undefinedVariable.a"), none);
        assert_eq!(refs("$map($states.input.a, function($x){ $x.b })"), none);
        assert_eq!(refs("\"text\" & 1"), none);
        assert_eq!(refs("($states.input)[0]"), none);
        assert_eq!(refs("$states.input ~> $sum()"), none);
        assert_eq!(refs("phone"), ["phone"]);
        assert_eq!(refs("phone.number"), ["phone"]);
        assert_eq!(refs("$"), ["$"]);
        assert_eq!(refs("$.a"), ["$"]);
        assert_eq!(refs("$$.a"), ["$$"]);
        assert_eq!(refs("$count(items) + $count(items) + other"), ["items", "other"]);
        assert_eq!(refs("$map($states.input.a, function($x){ b })"), ["b"]);
        assert_eq!(refs("{'k': a, b: 1}"), ["a", "b"]);
        assert_eq!(refs("($x := a; $x)"), ["a"]);
        assert_eq!(refs("a ? b : c"), ["a", "b", "c"]);
        assert_eq!(refs("-a"), ["a"]);
        assert_eq!(refs("[a, 1..n]"), ["a", "n"]);
    }
}
