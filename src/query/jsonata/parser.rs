//! Tokens -> syntax tree (a Pratt parser over JSONata's operator precedences), then a second
//! pass that turns `.` chains into paths, attaches predicates and bindings to steps, resolves
//! `%` to the step that must record the parent, and marks tail calls.

use super::ast::*;
use super::error::{Error, Result};
use super::lexer::{Lexer, Lit, Tok, Token};
use super::signature::Signature;
use std::rc::Rc;

/// Deepest syntactic nesting accepted (keeps parsing and evaluation off the stack limit).
const MAX_NESTING: usize = 150;

/// Compiled expression plus side tables.
pub struct Program {
    pub root: Node,
    /// Binding name for each `%` slot.
    pub parent_labels: Vec<Rc<str>>,
}

pub fn parse(text: &str, extensions: bool) -> Result<Program> {
    let mut p = Parser { lexer: Lexer::new(text), text: text.chars().collect(), cur: Token { tok: Tok::End, start: 0, end: 0 }, depth: 0, extensions };
    p.advance_prefix(true)?;
    let raw = p.expression(0)?;
    if p.cur.tok != Tok::End {
        return Err(Error::at("S0201", p.cur.start, format!("Syntax error: {}", describe(&p.cur.tok))).with_token(describe(&p.cur.tok)));
    }
    let mut pr = Processor { labels: Vec::new() };
    let (root, seeking) = pr.process(raw)?;
    if let Some(_slot) = seeking.first() {
        return Err(Error::at("S0217", root.pos, "The object representing the 'parent' cannot be derived from this expression"));
    }
    Ok(Program { root, parent_labels: pr.labels })
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Op(o) => o.to_string(),
        Tok::Str(s) => format!("\"{s}\""),
        Tok::Num(n) => crate::value::format_f64(*n),
        Tok::Value(Lit::True) => "true".into(),
        Tok::Value(Lit::False) => "false".into(),
        Tok::Value(Lit::Null) => "null".into(),
        Tok::Name(n) => n.to_string(),
        Tok::Var(v) => format!("${v}"),
        Tok::Regex(p, _) => format!("/{p}/"),
        Tok::End => "(end)".into(),
    }
}

// ---------------------------------------------------------------------------------------
// Syntax tree straight from the grammar.

struct R {
    pos: usize,
    raw: Raw,
}

enum Raw {
    Str(Rc<str>),
    Num(f64),
    Value(Lit),
    Regex(Rc<str>, Rc<str>),
    Name(Rc<str>),
    Var(Rc<str>),
    Wildcard,
    Descendants,
    Parent,
    Neg(Box<R>),
    Array(Vec<R>),
    Range(Box<R>, Box<R>),
    Object(Vec<(R, R)>),
    Block(Vec<R>),
    Binary(&'static str, Box<R>, Box<R>),
    Predicate(Box<R>, Box<R>),
    KeepArray(Box<R>),
    Group(Box<R>, Vec<(R, R)>),
    Sort(Box<R>, Vec<(R, bool)>),
    Focus(Box<R>, Rc<str>),
    Index(Box<R>, Rc<str>),
    Bind(Rc<str>, Box<R>),
    Cond(Box<R>, Box<R>, Option<Box<R>>),
    Call(Box<R>, Vec<R>),
    Placeholder,
    Lambda(Vec<Rc<str>>, Option<Signature>, Box<R>),
    Transform(Box<R>, Box<R>, Option<Box<R>>),
}

struct Parser {
    lexer: Lexer,
    text: Vec<char>,
    cur: Token,
    depth: usize,
    extensions: bool,
}

fn lbp(t: &Tok) -> u8 {
    match t {
        Tok::Op(o) => match *o {
            "." => 75,
            "[" | "(" | "@" | "#" => 80,
            "{" => 70,
            "?" => 20,
            "+" | "-" | "&" => 50,
            "*" | "/" | "%" => 60,
            "=" | "<" | ">" | "!=" | "<=" | ">=" | "^" | "~>" | "in" => 40,
            ":=" => 10,
            "and" => 30,
            "or" => 25,
            "??" | "?:" => 20,
            _ => 0,
        },
        _ => 0,
    }
}

impl Parser {
    /// Reads the next token; an operand is expected after operators (so `/` starts a regex).
    fn advance_prefix(&mut self, prefix: bool) -> Result<()> {
        self.cur = self.lexer.next(prefix)?;
        if let Tok::Op(op @ ("!" | "~")) = self.cur.tok {
            return Err(Error::at("S0204", self.cur.start, format!("Unknown operator: \"{op}\"")).with_token(op));
        }
        Ok(())
    }

    /// Consumes the current token and reads the next one.
    fn bump(&mut self) -> Result<Token> {
        let prefix = match &self.cur.tok {
            Tok::Op(")" | "]" | "}") => false,
            Tok::Op(_) => true,
            _ => false,
        };
        let t = std::mem::replace(&mut self.cur, Token { tok: Tok::End, start: 0, end: 0 });
        self.advance_prefix(prefix)?;
        Ok(t)
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.cur.tok, Tok::Op(o) if o == op)
    }

    fn expect(&mut self, op: &str) -> Result<Token> {
        if self.is_op(op) {
            return self.bump();
        }
        if self.cur.tok == Tok::End {
            return Err(Error::at("S0203", self.cur.start, format!("Expected \"{op}\" before end of expression")).with_token(op));
        }
        Err(Error::at("S0202", self.cur.start, format!("Expected \"{op}\", got \"{}\"", describe(&self.cur.tok)))
            .with_token(describe(&self.cur.tok)))
    }

    fn expression(&mut self, rbp: u8) -> Result<R> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(Error::at("U1001", self.cur.start, "Expression nesting is too deep"));
        }
        let t = self.bump()?;
        let mut left = self.nud(t)?;
        while rbp < lbp(&self.cur.tok) {
            let t = self.bump()?;
            left = self.led(t, left)?;
        }
        self.depth -= 1;
        Ok(left)
    }

    fn nud(&mut self, t: Token) -> Result<R> {
        let pos = t.end;
        let raw = match t.tok {
            Tok::Str(s) => Raw::Str(s),
            Tok::Num(n) => Raw::Num(n),
            Tok::Value(v) => Raw::Value(v),
            Tok::Regex(p, f) => Raw::Regex(p, f),
            Tok::Var(v) => Raw::Var(v),
            Tok::Name(n) => {
                if (&*n == "function" || &*n == "λ") && self.is_op("(") {
                    return self.lambda(pos);
                }
                Raw::Name(n)
            }
            Tok::End => return Err(Error::at("S0207", t.start, "Unexpected end of expression")),
            Tok::Op(op) => match op {
                "and" | "or" | "in" => Raw::Name(op.into()),
                "-" => Raw::Neg(Box::new(self.expression(70)?)),
                "*" => Raw::Wildcard,
                "**" => Raw::Descendants,
                "%" => Raw::Parent,
                "(" => {
                    let mut items = Vec::new();
                    while !self.is_op(")") {
                        items.push(self.expression(0)?);
                        if !self.is_op(";") {
                            break;
                        }
                        self.bump()?;
                    }
                    self.expect(")")?;
                    Raw::Block(items)
                }
                "[" => {
                    let mut items = Vec::new();
                    if !self.is_op("]") {
                        loop {
                            let mut item = self.expression(0)?;
                            if self.is_op("..") {
                                let dots = self.bump()?;
                                let hi = self.expression(0)?;
                                item = R { pos: dots.end, raw: Raw::Range(Box::new(item), Box::new(hi)) };
                            }
                            items.push(item);
                            if !self.is_op(",") {
                                break;
                            }
                            self.bump()?;
                        }
                    }
                    self.expect("]")?;
                    Raw::Array(items)
                }
                "{" => Raw::Object(self.object_pairs()?),
                "|" => {
                    let pattern = self.expression(0)?;
                    self.expect("|")?;
                    let update = self.expression(0)?;
                    let delete = if self.is_op(",") {
                        self.bump()?;
                        Some(Box::new(self.expression(0)?))
                    } else {
                        None
                    };
                    self.expect("|")?;
                    Raw::Transform(Box::new(pattern), Box::new(update), delete)
                }
                _ => {
                    return Err(Error::at("S0211", t.start, format!("The symbol \"{op}\" cannot be used as a unary operator"))
                        .with_token(op))
                }
            },
        };
        Ok(R { pos, raw })
    }

    fn object_pairs(&mut self) -> Result<Vec<(R, R)>> {
        let mut pairs = Vec::new();
        if !self.is_op("}") {
            loop {
                let k = self.expression(0)?;
                self.expect(":")?;
                let v = self.expression(0)?;
                pairs.push((k, v));
                if !self.is_op(",") {
                    break;
                }
                self.bump()?;
            }
        }
        self.expect("}")?;
        Ok(pairs)
    }

    fn call_args(&mut self) -> Result<Vec<R>> {
        let mut args = Vec::new();
        if !self.is_op(")") {
            loop {
                if self.is_op("?") {
                    let t = self.bump()?;
                    args.push(R { pos: t.end, raw: Raw::Placeholder });
                } else {
                    args.push(self.expression(0)?);
                }
                if !self.is_op(",") {
                    break;
                }
                self.bump()?;
            }
        }
        self.expect(")")?;
        Ok(args)
    }

    fn lambda(&mut self, pos: usize) -> Result<R> {
        self.expect("(")?;
        let args = self.call_args()?;
        let mut params = Vec::new();
        for a in args {
            match a.raw {
                Raw::Var(v) => params.push(v),
                _ => return Err(Error::at("S0208", a.pos, "Parameter of function definition must be a variable name")),
            }
        }
        let mut signature = None;
        if self.is_op("<") {
            let start = self.cur.start;
            // The signature is raw text up to the body's `{`.
            while !self.is_op("{") {
                if self.cur.tok == Tok::End {
                    return Err(Error::at("S0203", self.cur.start, "Expected \"{\" before end of expression"));
                }
                self.bump()?;
            }
            let text: String = self.text[start..self.cur.start].iter().collect();
            signature = Some(Signature::parse(text.trim(), start)?);
        }
        self.expect("{")?;
        let body = self.expression(0)?;
        self.expect("}")?;
        Ok(R { pos, raw: Raw::Lambda(params, signature, Box::new(body)) })
    }

    fn led(&mut self, t: Token, left: R) -> Result<R> {
        let pos = t.end;
        let Tok::Op(op) = t.tok else {
            return Err(Error::at("S0201", t.start, "Syntax error"));
        };
        let raw = match op {
            "." | "+" | "-" | "*" | "/" | "%" | "=" | "<" | ">" | "!=" | "<=" | ">=" | "&" | "and" | "or" | "in" | "~>" => {
                let right = self.expression(lbp(&Tok::Op(op)))?;
                Raw::Binary(op, Box::new(left), Box::new(right))
            }
            "??" | "?:" => {
                if !self.extensions {
                    return Err(Error::at("S0201", t.start, format!("Syntax error: \"{op}\"")).with_token(op));
                }
                let right = self.expression(lbp(&Tok::Op(op)))?;
                Raw::Binary(op, Box::new(left), Box::new(right))
            }
            ":=" => {
                let Raw::Var(name) = left.raw else {
                    return Err(Error::at("S0212", t.start, "The left side of := must be a variable name (start with $)"));
                };
                let right = self.expression(9)?;
                Raw::Bind(name, Box::new(right))
            }
            "(" => Raw::Call(Box::new(left), self.call_args()?),
            "[" => {
                if self.is_op("]") {
                    self.bump()?;
                    Raw::KeepArray(Box::new(left))
                } else {
                    let pred = self.expression(0)?;
                    self.expect("]")?;
                    Raw::Predicate(Box::new(left), Box::new(pred))
                }
            }
            "{" => Raw::Group(Box::new(left), self.object_pairs()?),
            "^" => {
                self.expect("(")?;
                let mut terms = Vec::new();
                loop {
                    let mut descending = false;
                    if self.is_op("<") {
                        self.bump()?;
                    } else if self.is_op(">") {
                        descending = true;
                        self.bump()?;
                    }
                    terms.push((self.expression(0)?, descending));
                    if !self.is_op(",") {
                        break;
                    }
                    self.bump()?;
                }
                self.expect(")")?;
                Raw::Sort(Box::new(left), terms)
            }
            "@" | "#" => {
                let t2 = self.bump()?;
                let Tok::Var(v) = t2.tok else {
                    return Err(Error::at("S0214", t2.start, format!("The right side of {op} must be a variable name (start with $)")).with_token(op));
                };
                if op == "@" {
                    Raw::Focus(Box::new(left), v)
                } else {
                    Raw::Index(Box::new(left), v)
                }
            }
            "?" => {
                let then = self.expression(0)?;
                let els = if self.is_op(":") {
                    self.bump()?;
                    Some(Box::new(self.expression(0)?))
                } else {
                    None
                };
                Raw::Cond(Box::new(left), Box::new(then), els)
            }
            _ => return Err(Error::at("S0201", t.start, format!("Syntax error: \"{op}\"")).with_token(op)),
        };
        Ok(R { pos, raw })
    }
}

// ---------------------------------------------------------------------------------------
// Second pass.

/// A `%` looking for the step that will record its parent: `level` counts how many steps
/// up it still has to go.
struct Slot {
    id: usize,
    level: i32,
}

struct Processor {
    labels: Vec<Rc<str>>,
}

type Seeking = Vec<Slot>;

fn binop(op: &str) -> BinOp {
    match op {
        "+" => BinOp::Add,
        "-" => BinOp::Sub,
        "*" => BinOp::Mul,
        "/" => BinOp::Div,
        "%" => BinOp::Mod,
        "=" => BinOp::Eq,
        "!=" => BinOp::Ne,
        "<" => BinOp::Lt,
        "<=" => BinOp::Le,
        ">" => BinOp::Gt,
        ">=" => BinOp::Ge,
        "&" => BinOp::Concat,
        "and" => BinOp::And,
        "or" => BinOp::Or,
        "in" => BinOp::In,
        "??" => BinOp::Coalesce,
        _ => BinOp::Elvis,
    }
}

fn new_step(node: Node) -> Step {
    let tuple = node_is_tuple(&node);
    Step { node, stages: Vec::new(), focus: None, index: None, ancestor: None, tuple }
}

/// A block or path that carries parent bindings outward makes its step a tuple step.
fn node_is_tuple(node: &Node) -> bool {
    match &node.kind {
        Kind::Path(p) => p.tuple,
        Kind::Block(items) => items.last().is_some_and(node_is_tuple),
        Kind::Filtered(f) => node_is_tuple(&f.expr),
        _ => false,
    }
}

/// A node as a path step: predicates on a non-path expression become the step's stages and
/// `[]` marks the whole path.
fn as_step(node: Node) -> (Step, bool) {
    let pos = node.pos;
    match node.kind {
        Kind::Filtered(f) if f.group.is_none() => {
            let Filtered { expr, stages, keep_array, .. } = *f;
            let mut step = new_step(expr);
            step.tuple = step.tuple || node_is_tuple_stages(&stages);
            step.stages = stages;
            (step, keep_array)
        }
        kind => (new_step(Node { pos, kind }), false),
    }
}

fn node_is_tuple_stages(_stages: &[Stage]) -> bool {
    false
}

fn into_path(node: Node) -> Box<Path> {
    match node.kind {
        Kind::Path(p) => p,
        kind => {
            let (step, keep) = as_step(Node { pos: node.pos, kind });
            Box::new(Path { steps: vec![step], keep_singleton: keep, group: None, tuple: false })
        }
    }
}

impl Processor {
    fn process(&mut self, r: R) -> Result<(Node, Seeking)> {
        let pos = r.pos;
        let mut seeking = Vec::new();
        let node = |kind| Node { pos, kind };
        let out = match r.raw {
            Raw::Str(s) => node(Kind::Str(s)),
            Raw::Num(n) => node(Kind::Num(n)),
            Raw::Value(Lit::True) => node(Kind::Bool(true)),
            Raw::Value(Lit::False) => node(Kind::Bool(false)),
            Raw::Value(Lit::Null) => node(Kind::Null),
            Raw::Regex(p, f) => node(Kind::Regex(Rc::new(super::regex::Pattern::new(&p, &f).map_err(|e| e.or_at(pos))?))),
            Raw::Var(v) => node(Kind::Var(v)),
            Raw::Name(n) => Self::path_of(node(Kind::Name(n))),
            Raw::Wildcard => Self::path_of(node(Kind::Wildcard)),
            Raw::Descendants => Self::path_of(node(Kind::Descendants)),
            Raw::Parent => {
                let id = self.labels.len();
                self.labels.push(format!("!{id}").into());
                seeking.push(Slot { id, level: 1 });
                node(Kind::Parent(id))
            }
            Raw::Neg(e) => {
                let (e, s) = self.process(*e)?;
                seeking.extend(s);
                match e.kind {
                    Kind::Num(n) => node(Kind::Num(-n)),
                    _ => node(Kind::Neg(Box::new(e))),
                }
            }
            Raw::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    let (n, s) = self.process(i)?;
                    seeking.extend(s);
                    out.push(n);
                }
                node(Kind::Array(out, false))
            }
            Raw::Range(a, b) => {
                let (a, s1) = self.process(*a)?;
                let (b, s2) = self.process(*b)?;
                seeking.extend(s1);
                seeking.extend(s2);
                node(Kind::Range(Box::new(a), Box::new(b)))
            }
            Raw::Object(pairs) => {
                let pairs = self.pairs(pairs, &mut seeking)?;
                node(Kind::Object(Box::new(Group { pairs })))
            }
            Raw::Block(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    let (n, s) = self.process(i)?;
                    seeking.extend(s);
                    out.push(n);
                }
                node(Kind::Block(out))
            }
            Raw::Binary(".", l, rhs) => return self.dot(pos, *l, *rhs),
            Raw::Binary("~>", l, rhs) => {
                let (l, s1) = self.process(*l)?;
                let (rn, s2) = self.process(*rhs)?;
                seeking.extend(s1);
                seeking.extend(s2);
                node(Kind::Apply(Box::new(l), Box::new(rn)))
            }
            Raw::Binary(op, l, rhs) => {
                let (l, s1) = self.process(*l)?;
                let (rn, s2) = self.process(*rhs)?;
                seeking.extend(s1);
                seeking.extend(s2);
                node(Kind::Binary(binop(op), Box::new(l), Box::new(rn)))
            }
            Raw::Predicate(l, p) => return self.predicate(pos, *l, *p),
            Raw::KeepArray(l) => {
                let (l, s) = self.process(*l)?;
                seeking.extend(s);
                match l.kind {
                    Kind::Path(mut p) => {
                        p.keep_singleton = true;
                        Node { pos: l.pos, kind: Kind::Path(p) }
                    }
                    _ => {
                        let mut f = Self::filtered(l);
                        if let Kind::Filtered(x) = &mut f.kind {
                            x.keep_array = true;
                        }
                        f
                    }
                }
            }
            Raw::Group(l, pairs) => {
                let (mut l, s) = self.process(*l)?;
                seeking.extend(s);
                let mut inner = Vec::new();
                let pairs = self.pairs(pairs, &mut inner)?;
                let group = Group { pairs };
                match &mut l.kind {
                    Kind::Path(p) => {
                        if p.group.is_some() {
                            return Err(Error::at("S0210", pos, "Each step can only have one grouping expression"));
                        }
                        let from = p.steps.len() as isize - 1;
                        for slot in inner {
                            self.resolve_from(p, from, slot, &mut seeking)?;
                        }
                        p.group = Some(group);
                        l
                    }
                    _ => {
                        seeking.extend(inner);
                        let mut f = Self::filtered(l);
                        if let Kind::Filtered(x) = &mut f.kind {
                            if x.group.is_some() {
                                return Err(Error::at("S0210", pos, "Each step can only have one grouping expression"));
                            }
                            x.group = Some(group);
                        }
                        f
                    }
                }
            }
            Raw::Sort(l, terms) => {
                let (l, s) = self.process(*l)?;
                seeking.extend(s);
                let mut p = into_path(l);
                let mut inner = Vec::new();
                let mut out = Vec::new();
                for (t, descending) in terms {
                    let (n, s) = self.process(t)?;
                    inner.extend(s);
                    out.push(SortTerm { expr: n, descending });
                }
                p.steps.push(new_step(node(Kind::Sort(out))));
                let from = p.steps.len() as isize - 2;
                for slot in inner {
                    self.resolve_from(&mut p, from, slot, &mut seeking)?;
                }
                node(Kind::Path(p))
            }
            Raw::Focus(l, v) => {
                let (l, s) = self.process(*l)?;
                seeking.extend(s);
                let mut p = into_path(l);
                let Some(step) = p.steps.last_mut() else { return Err(Error::at("S0214", pos, "Invalid focus binding")) };
                if matches!(step.node.kind, Kind::Sort(_)) {
                    return Err(Error::at("S0216", pos, "A context variable binding must precede the 'order-by' clause on a step"));
                }
                if !step.stages.is_empty() {
                    return Err(Error::at("S0215", pos, "A context variable binding must precede any predicates on a step"));
                }
                step.focus = Some(v);
                step.tuple = true;
                node(Kind::Path(p))
            }
            Raw::Index(l, v) => {
                let (l, s) = self.process(*l)?;
                seeking.extend(s);
                let mut p = into_path(l);
                let Some(step) = p.steps.last_mut() else { return Err(Error::at("S0214", pos, "Invalid index binding")) };
                if step.stages.is_empty() {
                    step.index = Some(v);
                } else {
                    step.stages.push(Stage::Index(v));
                }
                step.tuple = true;
                node(Kind::Path(p))
            }
            Raw::Bind(name, v) => {
                let (v, s) = self.process(*v)?;
                seeking.extend(s);
                node(Kind::Bind(name, Box::new(v)))
            }
            Raw::Cond(c, t, e) => {
                let (c, s1) = self.process(*c)?;
                let (t, s2) = self.process(*t)?;
                seeking.extend(s1);
                seeking.extend(s2);
                let e = match e {
                    Some(e) => {
                        let (e, s3) = self.process(*e)?;
                        seeking.extend(s3);
                        Some(Box::new(e))
                    }
                    None => None,
                };
                node(Kind::Cond(Box::new(c), Box::new(t), e))
            }
            Raw::Call(p, args) => {
                // A `%` as the procedure itself is just an undefined function (T1006).
                let (p, _) = self.process(*p)?;
                let mut out = Vec::new();
                let mut partial = false;
                for a in args {
                    if matches!(a.raw, Raw::Placeholder) {
                        partial = true;
                    }
                    let (n, s) = self.process(a)?;
                    seeking.extend(s);
                    out.push(n);
                }
                node(Kind::Call(Box::new(Call { proc: p, args: out, partial })))
            }
            Raw::Placeholder => node(Kind::Placeholder),
            Raw::Lambda(params, signature, body) => {
                let (body, s) = self.process(*body)?;
                seeking.extend(s);
                let body = tail_call(body);
                node(Kind::Lambda(Rc::new(Lambda { params, signature, body })))
            }
            Raw::Transform(p, u, d) => {
                let (p, s1) = self.process(*p)?;
                let (u, s2) = self.process(*u)?;
                seeking.extend(s1);
                seeking.extend(s2);
                let d = match d {
                    Some(d) => {
                        let (d, s3) = self.process(*d)?;
                        seeking.extend(s3);
                        Some(d)
                    }
                    None => None,
                };
                node(Kind::Transform(Rc::new(Transform { pattern: p, update: u, delete: d })))
            }
        };
        Ok((out, seeking))
    }

    fn path_of(n: Node) -> Node {
        let pos = n.pos;
        Node { pos, kind: Kind::Path(into_path(n)) }
    }

    fn filtered(n: Node) -> Node {
        match n.kind {
            Kind::Filtered(_) => n,
            _ => {
                let pos = n.pos;
                Node { pos, kind: Kind::Filtered(Box::new(Filtered { expr: n, stages: Vec::new(), group: None, keep_array: false })) }
            }
        }
    }

    fn pairs(&mut self, pairs: Vec<(R, R)>, seeking: &mut Seeking) -> Result<Vec<(Node, Node)>> {
        let mut out = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            let (k, s1) = self.process(k)?;
            let (v, s2) = self.process(v)?;
            seeking.extend(s1);
            seeking.extend(s2);
            out.push((k, v));
        }
        Ok(out)
    }

    fn dot(&mut self, pos: usize, l: R, rhs: R) -> Result<(Node, Seeking)> {
        let (l, mut seeking) = self.process(l)?;
        let mut path = into_path(l);
        let lhs_len = path.steps.len();
        let (rn, rslots) = self.process(rhs)?;
        match rn.kind {
            Kind::Path(rp) => {
                let Path { steps, keep_singleton, group, tuple } = *rp;
                if keep_singleton {
                    path.keep_singleton = true;
                }
                if tuple {
                    path.tuple = true;
                }
                path.steps.extend(steps);
                if let Some(g) = group {
                    // `a.b{...}` groups the whole path.
                    path.group = Some(g);
                }
            }
            kind => {
                let (step, keep) = as_step(Node { pos: rn.pos, kind });
                if keep {
                    path.keep_singleton = true;
                }
                path.steps.push(step);
            }
        }
        for step in path.steps.iter_mut() {
            match &step.node.kind {
                Kind::Num(_) | Kind::Bool(_) | Kind::Null => {
                    return Err(Error::at("S0213", step.node.pos, "A literal value cannot be used as a step within a path expression"));
                }
                Kind::Str(s) => {
                    let s = s.clone();
                    step.node.kind = Kind::Name(s);
                }
                _ => {}
            }
        }
        if let Some(first) = path.steps.first_mut() {
            if let Kind::Array(_, cons) = &mut first.node.kind {
                *cons = true;
            }
        }
        if let Some(last) = path.steps.last_mut() {
            if let Kind::Array(_, cons) = &mut last.node.kind {
                *cons = true;
            }
        }
        let from = lhs_len as isize - 1;
        for slot in rslots {
            self.resolve_from(&mut path, from, slot, &mut seeking)?;
        }
        Ok((Node { pos, kind: Kind::Path(path) }, seeking))
    }

    /// Walks back from step `index` until the slot finds the step that records its parent;
    /// a slot that runs off the start of the path keeps seeking in the enclosing expression.
    fn resolve_from(&mut self, path: &mut Path, mut index: isize, mut slot: Slot, seeking: &mut Seeking) -> Result<()> {
        while slot.level > 0 {
            if index < 0 {
                seeking.push(slot);
                return Ok(());
            }
            let mut i = index as usize;
            index -= 1;
            while index >= 0 && path.steps[i].focus.is_some() && path.steps[index as usize].focus.is_some() {
                i = index as usize;
                index -= 1;
            }
            self.seek_step(&mut path.steps[i], &mut slot)?;
        }
        Ok(())
    }

    fn seek_step(&mut self, step: &mut Step, slot: &mut Slot) -> Result<()> {
        match &mut step.node.kind {
            Kind::Name(_) | Kind::Wildcard => {
                slot.level -= 1;
                if slot.level == 0 {
                    match &step.ancestor {
                        Some(label) => self.labels[slot.id] = label.clone(),
                        None => step.ancestor = Some(self.labels[slot.id].clone()),
                    }
                    step.tuple = true;
                }
                Ok(())
            }
            Kind::Parent(_) => {
                slot.level += 1;
                Ok(())
            }
            Kind::Block(_) | Kind::Path(_) => {
                step.tuple = true;
                self.seek_node(&mut step.node, slot)
            }
            _ => Err(Error::at("S0217", step.node.pos, "The object representing the 'parent' cannot be derived from this expression")),
        }
    }

    fn seek_node(&mut self, node: &mut Node, slot: &mut Slot) -> Result<()> {
        let pos = node.pos;
        match &mut node.kind {
            Kind::Block(items) => match items.last_mut() {
                Some(last) => self.seek_node(last, slot),
                None => Ok(()),
            },
            Kind::Path(p) => {
                p.tuple = true;
                let mut index = p.steps.len() as isize - 1;
                while slot.level > 0 && index >= 0 {
                    let step = &mut p.steps[index as usize];
                    index -= 1;
                    self.seek_step(step, slot)?;
                }
                Ok(())
            }
            Kind::Parent(_) => {
                slot.level += 1;
                Ok(())
            }
            _ => Err(Error::at("S0217", pos, "The object representing the 'parent' cannot be derived from this expression")),
        }
    }

    fn predicate(&mut self, pos: usize, l: R, p: R) -> Result<(Node, Seeking)> {
        let (l, mut seeking) = self.process(l)?;
        let (pred, pslots) = self.process(p)?;
        match l.kind {
            Kind::Path(mut path) => {
                if path.group.is_some() {
                    return Err(Error::at("S0209", pos, "A predicate cannot follow a grouping expression in a step"));
                }
                let last = path.steps.len() as isize - 1;
                for slot in pslots {
                    // The predicate's context is the step's output, so its parent is the
                    // step's input: the step itself records it.
                    self.resolve_from(&mut path, last, slot, &mut seeking)?;
                }
                if let Some(step) = path.steps.last_mut() {
                    step.stages.push(Stage::Filter(pred));
                }
                Ok((Node { pos: l.pos, kind: Kind::Path(path) }, seeking))
            }
            _ => {
                let mut f = Self::filtered(l);
                if let Kind::Filtered(x) = &mut f.kind {
                    if x.group.is_some() {
                        return Err(Error::at("S0209", pos, "A predicate cannot follow a grouping expression in a step"));
                    }
                    for mut slot in pslots {
                        if slot.level == 1 {
                            self.seek_node(&mut x.expr, &mut slot)?;
                        } else {
                            slot.level -= 1;
                        }
                        if slot.level > 0 {
                            seeking.push(slot);
                        }
                    }
                    x.stages.push(Stage::Filter(pred));
                }
                Ok((f, seeking))
            }
        }
    }
}

/// Marks calls in tail position of a lambda body.
fn tail_call(node: Node) -> Node {
    let pos = node.pos;
    match node.kind {
        Kind::Call(c) if !c.partial => Node { pos, kind: Kind::TailCall(Rc::new(Node { pos, kind: Kind::Call(c) })) },
        Kind::Cond(c, t, e) => {
            Node { pos, kind: Kind::Cond(c, Box::new(tail_call(*t)), e.map(|e| Box::new(tail_call(*e)))) }
        }
        Kind::Block(mut items) => {
            if let Some(last) = items.pop() {
                items.push(tail_call(last));
            }
            Node { pos, kind: Kind::Block(items) }
        }
        kind => Node { pos, kind },
    }
}
