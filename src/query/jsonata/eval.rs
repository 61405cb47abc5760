//! The evaluator: walks the compiled tree against an input value.
//!
//! Variable frames live in an arena owned by the evaluation (closures refer to frames by
//! index), so recursive closures cannot leak memory past the evaluation. Every node
//! evaluation counts towards a depth limit (`U1001`, like JSONata's stack-overflow guard)
//! and a step budget (`U1001`, like its timeout guard), so no input can exhaust the stack or
//! run forever.

use super::ast::*;
use super::error::{Error, Result};
use super::functions;
use super::jvalue::*;
use crate::value::Value;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

pub type R = Result<Option<JV>>;

pub struct Frame {
    parent: Option<usize>,
    vars: Vec<(Rc<str>, Option<JV>)>,
}

/// Limits and sources of non-determinism for one evaluation.
#[derive(Clone, Debug)]
pub struct Limits {
    pub max_depth: usize,
    pub max_steps: u64,
}

pub struct Ctx<'a> {
    frames: Vec<Frame>,
    bindings: &'a dyn Fn(&str) -> Option<Value>,
    labels: &'a [Rc<str>],
    depth: usize,
    steps: u64,
    limits: Limits,
    pub rng: functions::Rng,
    /// `$now()`/`$millis()`: fixed for the whole evaluation.
    pub now_millis: i64,
}

fn stack_overflow() -> Error {
    Error::new("U1001", "Stack overflow error: Check for non-terminating recursive function. Consider rewriting as tail-recursive.")
}

impl<'a> Ctx<'a> {
    pub fn new(
        bindings: &'a dyn Fn(&str) -> Option<Value>,
        labels: &'a [Rc<str>],
        limits: Limits,
        seed: u64,
        now_millis: i64,
    ) -> Ctx<'a> {
        Ctx {
            frames: vec![Frame { parent: None, vars: Vec::new() }],
            bindings,
            labels,
            depth: 0,
            steps: 0,
            limits,
            rng: functions::Rng::new(seed),
            now_millis,
        }
    }

    /// Evaluates the whole expression: wraps an array input so that `$` is the array while
    /// paths map over it, and binds `$$`.
    pub fn run(&mut self, root: &Node, input: Option<&JV>) -> R {
        let wrapped = match input {
            Some(a @ JV::Arr(..)) => Some(JV::Arr(Rc::new(vec![a.clone()]), SEQ | OUTER)),
            other => other.cloned(),
        };
        self.frames[0].vars.push(("$".into(), wrapped.clone()));
        let r = self.eval(root, wrapped.as_ref(), 0)?;
        if let Some(v) = &r {
            if has_non_finite(v) {
                return Err(Error::new("D1001", "Number out of range"));
            }
        }
        // A top-level tuple stream or sequence is reported as plain values.
        Ok(r.map(|v| match v {
            JV::Arr(ref a, f) if f & TUPLES != 0 => {
                let items: Vec<JV> = a.iter().filter_map(|t| t.get("@").cloned()).collect();
                if items.len() == 1 {
                    items.into_iter().next().unwrap_or(JV::Null)
                } else {
                    JV::seq(items)
                }
            }
            v => v,
        }))
    }

    // ---------------------------------------------------------------- frames

    pub fn new_frame(&mut self, parent: usize) -> usize {
        self.frames.push(Frame { parent: Some(parent), vars: Vec::new() });
        self.frames.len() - 1
    }

    pub fn bind(&mut self, frame: usize, name: Rc<str>, value: Option<JV>) {
        if let Some(f) = self.frames.get_mut(frame) {
            if let Some(slot) = f.vars.iter_mut().find(|(k, _)| *k == name) {
                slot.1 = value;
            } else {
                f.vars.push((name, value));
            }
        }
    }

    fn lookup(&mut self, env: usize, name: &str) -> Option<JV> {
        let mut f = Some(env);
        while let Some(i) = f {
            let Some(frame) = self.frames.get(i) else { break };
            if let Some((_, v)) = frame.vars.iter().find(|(k, _)| &**k == name) {
                return v.clone();
            }
            f = frame.parent;
        }
        if let Some(v) = (self.bindings)(name) {
            let jv = JV::from_value(&v);
            self.frames[0].vars.push((name.into(), Some(jv.clone())));
            return Some(jv);
        }
        functions::builtin_index(name).map(|i| JV::Func(Rc::new(Func::Builtin(i))))
    }

    fn frame_from_tuple(&mut self, env: usize, tuple: &JV) -> usize {
        let f = self.new_frame(env);
        if let JV::Obj(m) = tuple {
            let vars = m.iter().filter(|(k, _)| &***k != "@").map(|(k, v)| (k.clone(), Some(v.clone()))).collect();
            self.frames[f].vars = vars;
        }
        f
    }

    // ---------------------------------------------------------------- evaluation

    pub fn eval(&mut self, node: &Node, input: Option<&JV>, env: usize) -> R {
        let r = self.eval_sequence(node, input, env)?;
        Ok(match r {
            Some(JV::Arr(ref a, f)) if f & SEQ != 0 && f & TUPLES == 0 => {
                if a.is_empty() {
                    None
                } else if a.len() == 1 && f & KEEP == 0 {
                    a.first().cloned()
                } else {
                    Some(JV::Arr(a.clone(), f))
                }
            }
            other => other,
        })
    }

    /// A node's value before a singleton or empty sequence is collapsed: what `[]` on a
    /// non-path expression needs to see, as JSONata marks the sequence before collapsing.
    fn eval_sequence(&mut self, node: &Node, input: Option<&JV>, env: usize) -> R {
        self.depth += 1;
        self.steps += 1;
        if self.depth > self.limits.max_depth {
            self.depth -= 1;
            return Err(stack_overflow().or_at(node.pos));
        }
        if self.steps > self.limits.max_steps {
            self.depth -= 1;
            return Err(Error::at("U1001", node.pos, "Expression evaluation timeout: Check for infinite loop"));
        }
        let r = self.eval_kind(node, input, env);
        self.depth -= 1;
        r.map_err(|e| e.or_at(node.pos))
    }

    fn eval_kind(&mut self, node: &Node, input: Option<&JV>, env: usize) -> R {
        match &node.kind {
            Kind::Str(s) => Ok(Some(JV::Str(s.clone()))),
            Kind::Num(n) => Ok(Some(JV::Num(*n))),
            Kind::Bool(b) => Ok(Some(JV::Bool(*b))),
            Kind::Null => Ok(Some(JV::Null)),
            Kind::Regex(p) => Ok(Some(JV::Func(Rc::new(Func::Regex(p.clone()))))),
            Kind::Name(n) => Ok(input.and_then(|i| lookup_field(i, n))),
            Kind::Var(v) => {
                if v.is_empty() {
                    Ok(match input {
                        Some(JV::Arr(a, f)) if f & OUTER != 0 => a.first().cloned(),
                        other => other.cloned(),
                    })
                } else {
                    Ok(self.lookup(env, v))
                }
            }
            Kind::Wildcard => Ok(wildcard(input)),
            Kind::Descendants => Ok(descendants(input)),
            Kind::Parent(slot) => {
                let label = self.labels.get(*slot).cloned().unwrap_or_else(|| "!".into());
                Ok(self.lookup(env, &label))
            }
            Kind::Path(p) => self.eval_path(p, input, env),
            Kind::Neg(e) => match self.eval(e, input, env)? {
                None => Ok(None),
                Some(JV::Num(n)) => Ok(Some(JV::Num(-n))),
                Some(_) => Err(Error::at("D1002", node.pos, "Cannot negate a non-numeric value").with_token("-")),
            },
            Kind::Array(items, cons) => {
                let mut out: Vec<JV> = Vec::new();
                for item in items {
                    let v = self.eval(item, input, env)?;
                    if let Some(v) = v {
                        if matches!(item.kind, Kind::Array(..)) {
                            out.push(v);
                        } else {
                            match v {
                                JV::Arr(ref a, _) => out.extend(a.iter().cloned()),
                                other => out.push(other),
                            }
                        }
                    }
                }
                Ok(Some(JV::Arr(Rc::new(out), if *cons { CONS } else { 0 })))
            }
            Kind::Range(lo, hi) => self.eval_range(lo, hi, input, env, node.pos),
            Kind::Object(g) => self.eval_group(g, input.cloned(), env),
            Kind::Binary(op, l, r) => self.eval_binary(*op, l, r, input, env, node.pos),
            Kind::Cond(c, t, e) => {
                let cv = self.eval(c, input, env)?;
                if truthy_opt(cv.as_ref()) {
                    self.eval(t, input, env)
                } else if let Some(e) = e {
                    self.eval(e, input, env)
                } else {
                    Ok(None)
                }
            }
            Kind::Block(items) => {
                let frame = self.new_frame(env);
                let mut last = None;
                for item in items {
                    last = self.eval(item, input, frame)?;
                }
                Ok(last)
            }
            Kind::Bind(name, v) => {
                let value = self.eval(v, input, env)?;
                self.bind(env, name.clone(), value.clone());
                Ok(value)
            }
            Kind::Call(c) => self.eval_call(c, input, env, None, node.pos),
            Kind::Placeholder => Ok(None),
            Kind::Apply(l, r) => self.eval_apply(l, r, input, env, node.pos),
            Kind::Lambda(def) => Ok(Some(JV::Func(Rc::new(Func::Lambda { def: def.clone(), env, input: input.cloned() })))),
            Kind::Transform(def) => Ok(Some(JV::Func(Rc::new(Func::Transform { def: def.clone(), env })))),
            Kind::Sort(terms) => {
                // Only reachable as a path step; sort the input as a sequence.
                let items = input.map(items_of).unwrap_or_default();
                Ok(Some(JV::seq(self.sort_items(terms, items, false, env)?)))
            }
            Kind::Filtered(f) => {
                let r = if f.keep_array { self.eval_sequence(&f.expr, input, env)? } else { self.eval(&f.expr, input, env)? };
                self.finish_filtered(f, r, env)
            }
            Kind::TailCall(call) => Ok(Some(JV::Func(Rc::new(Func::Thunk { call: call.clone(), env, input: input.cloned() })))),
        }
    }

    /// Predicates, `[]` and group-by applied to a non-path expression's value.
    fn finish_filtered(&mut self, f: &Filtered, mut r: Option<JV>, env: usize) -> R {
        {
                for stage in &f.stages {
                    if let Stage::Filter(p) = stage {
                        r = self.filter(p, r, env)?;
                    }
                }
                // `[]` on a non-path expression keeps a singleton *sequence* as an array, as
                // JSONata's evaluate() does with keepArray; any other value, an array that an
                // array constructor or a function made included, is left as it is: `[1,2][]`
                // is [1,2] and `$split('a', ',')[]` is ["a"], not wrapped again.
                if f.keep_array {
                    r = r.map(|v| match v {
                        JV::Arr(ref a, fl) if fl & SEQ != 0 => JV::Arr(a.clone(), fl | KEEP),
                        other => other,
                    });
                }
                if let Some(g) = &f.group {
                    r = self.eval_group(g, r, env)?;
                }
                Ok(r)
        }
    }

    // ---------------------------------------------------------------- paths

    fn eval_path(&mut self, path: &Path, input: Option<&JV>, env: usize) -> R {
        let first_var = matches!(path.steps.first().map(|s| &s.node.kind), Some(Kind::Var(_)));
        let mut items: Vec<JV> = match input {
            Some(JV::Arr(a, _)) if !first_var => a.to_vec(),
            Some(v) => vec![v.clone()],
            None => Vec::new(),
        };
        let mut undefined_input = input.is_none();
        let mut tuples: Option<Vec<JV>> = None;
        let mut result = JV::seq(Vec::new());
        let last = path.steps.len().saturating_sub(1);
        for (i, step) in path.steps.iter().enumerate() {
            if step.tuple && tuples.is_none() {
                let ts = if undefined_input {
                    vec![JV::obj(Map::default())]
                } else {
                    items.iter().map(|it| JV::obj(std::iter::once((Rc::from("@"), it.clone())).collect())).collect()
                };
                tuples = Some(ts);
            }
            if let Some(ts) = tuples.take() {
                tuples = Some(self.eval_tuple_step(step, ts, env)?);
                continue;
            }
            let r = if i == 0 && matches!(step.node.kind, Kind::Array(_, true)) {
                self.eval(&step.node, input, env)?.unwrap_or_else(|| JV::seq(Vec::new()))
            } else {
                self.eval_step(step, &items, undefined_input, env, i == last)?
            };
            undefined_input = false;
            let empty = matches!(&r, JV::Arr(a, _) if a.is_empty());
            items = items_of(&r);
            result = r;
            if empty {
                break;
            }
        }
        if let Some(ts) = tuples {
            if let Some(g) = &path.group {
                return self.eval_group(g, Some(JV::Arr(Rc::new(ts), SEQ | TUPLES)), env);
            }
            result = if path.tuple {
                JV::Arr(Rc::new(ts), SEQ | TUPLES)
            } else {
                JV::seq(ts.iter().filter_map(|t| t.get("@").cloned()).collect())
            };
        }
        if path.keep_singleton {
            result = match result {
                JV::Arr(_, f) if f & CONS != 0 && f & SEQ == 0 => JV::Arr(Rc::new(vec![result]), SEQ | KEEP),
                JV::Arr(ref a, f) => JV::Arr(a.clone(), f | KEEP),
                other => other,
            };
        }
        if let Some(g) = &path.group {
            return self.eval_group(g, Some(result), env);
        }
        Ok(Some(result))
    }

    fn eval_step(&mut self, step: &Step, items: &[JV], undefined_input: bool, env: usize, last: bool) -> Result<JV> {
        if let Kind::Sort(terms) = &step.node.kind {
            let sorted = self.sort_items(terms, items.to_vec(), false, env)?;
            let mut r = Some(JV::seq(sorted));
            for stage in &step.stages {
                if let Stage::Filter(p) = stage {
                    r = self.filter(p, r, env)?;
                }
            }
            return Ok(r.unwrap_or_else(|| JV::seq(Vec::new())));
        }
        let mut results = Vec::new();
        let mut one = |ctx: &mut Self, item: Option<&JV>| -> Result<()> {
            let mut r = ctx.eval(&step.node, item, env)?;
            for stage in &step.stages {
                if let Stage::Filter(p) = stage {
                    r = ctx.filter(p, r, env)?;
                }
            }
            if let Some(r) = r {
                results.push(r);
            }
            Ok(())
        };
        if undefined_input {
            one(self, None)?;
        } else {
            for item in items {
                one(self, Some(item))?;
            }
        }
        if last && results.len() == 1 && matches!(&results[0], JV::Arr(_, f) if f & SEQ == 0) {
            return Ok(results.pop().unwrap_or(JV::Null));
        }
        let mut out = Vec::with_capacity(results.len());
        for r in results {
            match r {
                JV::Arr(ref a, f) if f & CONS == 0 => out.extend(a.iter().cloned()),
                other => out.push(other),
            }
        }
        Ok(JV::seq(out))
    }

    fn eval_tuple_step(&mut self, step: &Step, tuples: Vec<JV>, env: usize) -> Result<Vec<JV>> {
        let mut out = Vec::new();
        if let Kind::Sort(terms) = &step.node.kind {
            out = self.sort_items(terms, tuples, true, env)?;
            if let Some(ix) = &step.index {
                for (i, t) in out.iter_mut().enumerate() {
                    set_field(t, ix, JV::Num(i as f64));
                }
            }
        } else {
            for tuple in &tuples {
                let ctx = tuple.get("@").cloned();
                let fenv = self.frame_from_tuple(env, tuple);
                let Some(res) = self.eval(&step.node, ctx.as_ref(), fenv)? else { continue };
                let is_tuples = res.flags() & TUPLES != 0;
                let base = match tuple {
                    JV::Obj(m) => (**m).clone(),
                    _ => Map::default(),
                };
                for (bb, item) in items_of(&res).into_iter().enumerate() {
                    let mut m = base.clone();
                    if is_tuples {
                        if let JV::Obj(im) = &item {
                            for (k, v) in im.iter() {
                                m.insert(k.clone(), v.clone());
                            }
                        }
                    } else {
                        match &step.focus {
                            Some(f) => {
                                m.insert(f.clone(), item);
                            }
                            None => {
                                m.insert("@".into(), item);
                            }
                        }
                        if let Some(ix) = &step.index {
                            m.insert(ix.clone(), JV::Num(bb as f64));
                        }
                        if let (Some(a), Some(c)) = (&step.ancestor, &ctx) {
                            m.insert(a.clone(), c.clone());
                        }
                    }
                    out.push(JV::obj(m));
                }
            }
        }
        for stage in &step.stages {
            match stage {
                Stage::Filter(p) => {
                    let r = self.filter(p, Some(JV::Arr(Rc::new(out), SEQ | TUPLES)), env)?;
                    out = r.map(|v| items_of(&v)).unwrap_or_default();
                }
                Stage::Index(ix) => {
                    for (i, t) in out.iter_mut().enumerate() {
                        set_field(t, ix, JV::Num(i as f64));
                    }
                }
            }
        }
        Ok(out)
    }

    /// A predicate `[...]`: a number selects by position, anything else filters by truth.
    fn filter(&mut self, pred: &Node, input: Option<JV>, env: usize) -> R {
        let Some(input) = input else { return Ok(None) };
        let tuples = input.flags() & TUPLES != 0;
        let items = items_of(&input);
        let mut out = Vec::new();
        if let Kind::Num(n) = pred.kind {
            let len = items.len() as f64;
            let mut idx = n.floor();
            if idx < 0.0 {
                idx += len;
            }
            if idx >= 0.0 && idx < len {
                let item = &items[idx as usize];
                if !tuples {
                    if let JV::Arr(..) = item {
                        return Ok(Some(item.clone()));
                    }
                }
                out.push(item.clone());
            }
        } else {
            let len = items.len();
            for (i, item) in items.iter().enumerate() {
                let r = if tuples {
                    let fenv = self.frame_from_tuple(env, item);
                    let ctx = item.get("@").cloned();
                    self.eval(pred, ctx.as_ref(), fenv)?
                } else {
                    self.eval(pred, Some(item), env)?
                };
                let keep = match &r {
                    Some(JV::Num(n)) => index_matches(*n, i, len),
                    Some(JV::Arr(a, _)) if !a.is_empty() && a.iter().all(|v| matches!(v, JV::Num(_))) => {
                        a.iter().any(|v| index_matches(v.as_num().unwrap_or(f64::NAN), i, len))
                    }
                    other => truthy_opt(other.as_ref()),
                };
                if keep {
                    out.push(item.clone());
                }
            }
        }
        Ok(Some(JV::Arr(Rc::new(out), if tuples { SEQ | TUPLES } else { SEQ })))
    }

    /// `^(...)`: a stable sort on precomputed keys.
    fn sort_items(&mut self, terms: &[SortTerm], items: Vec<JV>, tuples: bool, env: usize) -> Result<Vec<JV>> {
        let mut keyed: Vec<(Vec<Option<JV>>, JV)> = Vec::with_capacity(items.len());
        for item in items {
            let mut keys = Vec::with_capacity(terms.len());
            for t in terms {
                let k = if tuples {
                    let fenv = self.frame_from_tuple(env, &item);
                    let ctx = item.get("@").cloned();
                    self.eval(&t.expr, ctx.as_ref(), fenv)?
                } else {
                    self.eval(&t.expr, Some(&item), env)?
                };
                keys.push(k);
            }
            keyed.push((keys, item));
        }
        let sorted = merge_sort(keyed, &mut |a, b| {
            let mut comp = 0i8;
            for (t, (x, y)) in terms.iter().zip(a.0.iter().zip(b.0.iter())) {
                let (x, y) = match (x, y) {
                    (None, None) => {
                        comp = 0;
                        continue;
                    }
                    (None, Some(_)) => {
                        comp = 1;
                        continue;
                    }
                    (Some(_), None) => {
                        comp = -1;
                        continue;
                    }
                    (Some(x), Some(y)) => (x, y),
                };
                let c = match (x, y) {
                    (JV::Num(p), JV::Num(q)) => p.partial_cmp(q),
                    (JV::Str(p), JV::Str(q)) => Some(p.cmp(q)),
                    (JV::Num(_) | JV::Str(_), JV::Num(_) | JV::Str(_)) => {
                        return Err(Error::new("T2007", "Type mismatch when comparing values in order-by clause"));
                    }
                    _ => return Err(Error::new("T2008", "The expressions within an order-by clause must evaluate to numeric or string values")),
                };
                match c {
                    Some(std::cmp::Ordering::Equal) | None => continue,
                    Some(o) => {
                        comp = if o == std::cmp::Ordering::Less { -1 } else { 1 };
                        if t.descending {
                            comp = -comp;
                        }
                        break;
                    }
                }
            }
            Ok(comp > 0)
        })?;
        Ok(sorted.into_iter().map(|(_, v)| v).collect())
    }

    /// Object constructor / group-by: keys from each item, values from the grouped items.
    fn eval_group(&mut self, g: &Group, input: Option<JV>, env: usize) -> R {
        let tuples = input.as_ref().is_some_and(|v| v.flags() & TUPLES != 0);
        let items: Vec<Option<JV>> = match &input {
            Some(JV::Arr(a, _)) if a.is_empty() => vec![None],
            Some(JV::Arr(a, _)) => a.iter().cloned().map(Some).collect(),
            Some(v) => vec![Some(v.clone())],
            None => vec![None],
        };
        let mut groups: indexmap::IndexMap<Rc<str>, (Option<JV>, usize)> = indexmap::IndexMap::new();
        for item in &items {
            let (ctx, fenv) = match (tuples, item) {
                (true, Some(t)) => (t.get("@").cloned(), self.frame_from_tuple(env, t)),
                _ => (item.clone(), env),
            };
            for (pi, (k, _)) in g.pairs.iter().enumerate() {
                let key = match self.eval(k, ctx.as_ref(), fenv)? {
                    None => continue,
                    Some(JV::Str(ref s)) => s.clone(),
                    Some(other) => {
                        return Err(Error::at(
                            "T1003",
                            k.pos,
                            format!("Key in object structure must evaluate to a string; got: {}", functions::describe(&other)),
                        ))
                    }
                };
                match groups.get_mut(&key) {
                    Some(entry) => {
                        if entry.1 != pi {
                            return Err(Error::at(
                                "D1009",
                                k.pos,
                                format!("Multiple key definitions evaluate to same key: {key}"),
                            ));
                        }
                        entry.0 = append(entry.0.take(), item.clone());
                    }
                    None => {
                        groups.insert(key, (item.clone(), pi));
                    }
                }
            }
        }
        let mut out = Map::default();
        for (key, (data, pi)) in groups {
            let (ctx, fenv) = if tuples {
                let merged = reduce_tuples(data);
                let ctx = merged.get("@").cloned();
                (ctx, self.frame_from_tuple(env, &merged))
            } else {
                (data, env)
            };
            if let Some(v) = self.eval(&g.pairs[pi].1, ctx.as_ref(), fenv)? {
                out.insert(key, v);
            }
        }
        Ok(Some(JV::obj(out)))
    }

    fn eval_range(&mut self, lo: &Node, hi: &Node, input: Option<&JV>, env: usize, pos: usize) -> R {
        let l = self.eval(lo, input, env)?;
        let h = self.eval(hi, input, env)?;
        let as_int = |v: &Option<JV>, code: &str, side: &str| -> Result<Option<f64>> {
            match v {
                None => Ok(None),
                Some(JV::Num(n)) if n.fract() == 0.0 => Ok(Some(*n)),
                Some(_) => Err(Error::at(code, pos, format!("The {side} side of the range operator (..) must evaluate to an integer"))),
            }
        };
        let l = as_int(&l, "T2003", "left")?;
        let h = as_int(&h, "T2004", "right")?;
        let (Some(l), Some(h)) = (l, h) else { return Ok(None) };
        if l > h {
            return Ok(None);
        }
        let size = h - l + 1.0;
        if size > 1e7 {
            return Err(Error::at("D2014", pos, format!("The size of the sequence allocated by the range operator (..) must not exceed 1e7.  Attempted to allocate {size}.")));
        }
        let (l, h) = (l as i64, h as i64);
        Ok(Some(JV::arr((l..=h).map(|i| JV::Num(i as f64)).collect())))
    }

    // ---------------------------------------------------------------- operators

    fn eval_binary(&mut self, op: BinOp, l: &Node, r: &Node, input: Option<&JV>, env: usize, pos: usize) -> R {
        match op {
            BinOp::And => {
                let lv = self.eval(l, input, env)?;
                if !truthy_opt(lv.as_ref()) {
                    return Ok(Some(JV::Bool(false)));
                }
                let rv = self.eval(r, input, env)?;
                return Ok(Some(JV::Bool(truthy_opt(rv.as_ref()))));
            }
            BinOp::Or => {
                let lv = self.eval(l, input, env)?;
                if truthy_opt(lv.as_ref()) {
                    return Ok(Some(JV::Bool(true)));
                }
                let rv = self.eval(r, input, env)?;
                return Ok(Some(JV::Bool(truthy_opt(rv.as_ref()))));
            }
            BinOp::Coalesce => {
                let lv = self.eval(l, input, env)?;
                return match lv {
                    Some(v) => Ok(Some(v)),
                    None => self.eval(r, input, env),
                };
            }
            BinOp::Elvis => {
                let lv = self.eval(l, input, env)?;
                if truthy_opt(lv.as_ref()) {
                    return Ok(lv);
                }
                return self.eval(r, input, env);
            }
            _ => {}
        }
        let lv = self.eval(l, input, env)?;
        let rv = self.eval(r, input, env)?;
        let sym = op.symbol();
        match op {
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod => {
                let ln = match &lv {
                    None => None,
                    Some(JV::Num(n)) if !n.is_finite() => return Err(Error::at("D1001", pos, "Number out of range").with_token(sym)),
                    Some(JV::Num(n)) => Some(*n),
                    Some(_) => {
                        return Err(Error::at("T2001", pos, format!("The left side of the {sym} operator must evaluate to a number")).with_token(sym))
                    }
                };
                let rn = match &rv {
                    None => None,
                    Some(JV::Num(n)) if !n.is_finite() => return Err(Error::at("D1001", pos, "Number out of range").with_token(sym)),
                    Some(JV::Num(n)) => Some(*n),
                    Some(_) => {
                        return Err(Error::at("T2002", pos, format!("The right side of the {sym} operator must evaluate to a number")).with_token(sym))
                    }
                };
                let (Some(a), Some(b)) = (ln, rn) else { return Ok(None) };
                let v = match op {
                    BinOp::Add => a + b,
                    BinOp::Sub => a - b,
                    BinOp::Mul => a * b,
                    BinOp::Div => a / b,
                    _ => a % b,
                };
                Ok(Some(JV::Num(v)))
            }
            BinOp::Eq | BinOp::Ne => {
                let (Some(a), Some(b)) = (&lv, &rv) else { return Ok(Some(JV::Bool(false))) };
                let eq = deep_equal(a, b);
                Ok(Some(JV::Bool(if op == BinOp::Eq { eq } else { !eq })))
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let comparable = |v: &Option<JV>| matches!(v, None | Some(JV::Num(_)) | Some(JV::Str(_)));
                if !comparable(&lv) || !comparable(&rv) {
                    return Err(Error::at(
                        "T2010",
                        pos,
                        format!("The expressions either side of operator \"{sym}\" must evaluate to numeric or string values"),
                    )
                    .with_token(sym));
                }
                let (Some(a), Some(b)) = (&lv, &rv) else { return Ok(None) };
                let ord = match (a, b) {
                    (JV::Num(x), JV::Num(y)) => x.partial_cmp(y),
                    (JV::Str(x), JV::Str(y)) => Some(compare_utf16(x, y)),
                    _ => {
                        return Err(Error::at(
                            "T2009",
                            pos,
                            format!("The values {} and {} either side of operator \"{sym}\" must be of the same data type", functions::describe(a), functions::describe(b)),
                        )
                        .with_token(sym))
                    }
                };
                use std::cmp::Ordering::*;
                let res = match (op, ord) {
                    (_, None) => false,
                    (BinOp::Lt, Some(o)) => o == Less,
                    (BinOp::Le, Some(o)) => o != Greater,
                    (BinOp::Gt, Some(o)) => o == Greater,
                    (_, Some(o)) => o != Less,
                };
                Ok(Some(JV::Bool(res)))
            }
            BinOp::Concat => {
                let a = match &lv {
                    None => String::new(),
                    Some(v) => functions::stringify(v, false)?,
                };
                let b = match &rv {
                    None => String::new(),
                    Some(v) => functions::stringify(v, false)?,
                };
                Ok(Some(JV::Str((a + &b).into())))
            }
            BinOp::In => {
                let (Some(a), Some(b)) = (&lv, &rv) else { return Ok(Some(JV::Bool(false))) };
                let found = match b {
                    JV::Arr(items, _) => items.iter().any(|x| deep_equal(x, a)),
                    other => deep_equal(other, a),
                };
                Ok(Some(JV::Bool(found)))
            }
            _ => Ok(None),
        }
    }

    // ---------------------------------------------------------------- functions

    fn eval_call(&mut self, c: &Call, input: Option<&JV>, env: usize, first: Option<Option<JV>>, pos: usize) -> R {
        let proc = self.eval(&c.proc, input, env)?;
        let name = proc_name(&c.proc);
        if c.partial {
            let Some(f @ JV::Func(_)) = proc else {
                if proc.is_none() && matches!(&c.proc.kind, Kind::Path(_)) && functions::builtin_index(&name).is_some() {
                    return Err(Error::at("T1007", pos, format!("Attempted to partially apply a non-function. Did you mean ${name}?")).with_token(name));
                }
                return Err(Error::at("T1008", pos, "Attempted to partially apply a non-function").with_token(name));
            };
            let mut args: Vec<Option<Option<JV>>> = Vec::new();
            if let Some(first) = first {
                args.push(Some(first));
            }
            for a in &c.args {
                if matches!(a.kind, Kind::Placeholder) {
                    args.push(None);
                } else {
                    args.push(Some(self.eval(a, input, env)?));
                }
            }
            return Ok(Some(JV::Func(Rc::new(Func::Partial { func: f, args }))));
        }
        let mut args = Vec::with_capacity(c.args.len() + 1);
        if let Some(first) = first {
            args.push(first);
        }
        for a in &c.args {
            args.push(self.eval(a, input, env)?);
        }
        let f = match proc {
            Some(f @ JV::Func(_)) => f,
            None if matches!(&c.proc.kind, Kind::Path(p) if p.steps.len() == 1 && matches!(p.steps[0].node.kind, Kind::Name(_)))
                && self.lookup(env, &name).is_some_and(|v| v.is_func()) =>
            {
                return Err(Error::at("T1005", pos, format!("Attempted to invoke a non-function. Did you mean ${name}?")).with_token(name));
            }
            _ => return Err(Error::at("T1006", pos, "Attempted to invoke a non-function").with_token(name)),
        };
        self.apply(&f, args, input, env).map_err(|e| e.or_at(pos).with_token(name))
    }

    fn eval_apply(&mut self, l: &Node, r: &Node, input: Option<&JV>, env: usize, pos: usize) -> R {
        let lv = self.eval(l, input, env)?;
        if let Kind::Call(c) = &r.kind {
            if !c.partial {
                return self.eval_call(c, input, env, Some(lv), r.pos);
            }
        }
        if let Kind::Filtered(f) = &r.kind {
            if let Kind::Call(c) = &f.expr.kind {
                if !c.partial {
                    let v = self.eval_call(c, input, env, Some(lv), r.pos)?;
                    return self.finish_filtered(f, v, env);
                }
            }
        }
        let f = self.eval(r, input, env)?;
        let Some(f @ JV::Func(_)) = f else {
            return Err(Error::at("T2006", pos, "The right side of the function application operator ~> must be a function").with_token("~>"));
        };
        if let Some(g @ JV::Func(_)) = &lv {
            return Ok(Some(JV::Func(Rc::new(Func::Compose(g.clone(), f)))));
        }
        self.apply(&f, vec![lv], input, env)
    }

    /// Calls a function, running tail-call thunks in a loop.
    pub fn apply(&mut self, f: &JV, args: Vec<Option<JV>>, input: Option<&JV>, env: usize) -> R {
        let mut result = self.apply_inner(f, args, input, env)?;
        while let Some(JV::Func(rc)) = &result {
            let Func::Thunk { call, env: tenv, input: tin } = &**rc else { break };
            let (call, tenv, tin) = (call.clone(), *tenv, tin.clone());
            let Kind::Call(c) = &call.kind else { break };
            self.steps += 1;
            if self.steps > self.limits.max_steps {
                return Err(Error::at("U1001", call.pos, "Expression evaluation timeout: Check for infinite loop"));
            }
            let proc = self.eval(&c.proc, tin.as_ref(), tenv)?;
            let mut args = Vec::with_capacity(c.args.len());
            for a in &c.args {
                args.push(self.eval(a, tin.as_ref(), tenv)?);
            }
            let name = proc_name(&c.proc);
            let Some(p @ JV::Func(_)) = proc else {
                return Err(Error::at("T1006", call.pos, "Attempted to invoke a non-function").with_token(name));
            };
            result = self.apply_inner(&p, args, tin.as_ref(), tenv).map_err(|e| e.or_at(call.pos).with_token(name))?;
        }
        Ok(result)
    }

    fn apply_inner(&mut self, f: &JV, args: Vec<Option<JV>>, input: Option<&JV>, env: usize) -> R {
        let JV::Func(rc) = f else {
            return Err(Error::new("T1006", "Attempted to invoke a non-function"));
        };
        match &**rc {
            Func::Lambda { def, env: cenv, input: cin } => {
                let args = match &def.signature {
                    Some(sig) => sig.validate(args, input, "lambda")?,
                    None => args,
                };
                let frame = self.new_frame(*cenv);
                let mut it = args.into_iter();
                for p in &def.params {
                    let v = it.next().flatten();
                    self.bind(frame, p.clone(), v);
                }
                self.eval(&def.body, cin.as_ref(), frame)
            }
            Func::Builtin(i) => {
                let name = functions::BUILTINS.get(*i).map_or("", |b| b.0);
                // Infinity (from a division by zero) is not a JSON number.
                if name != "string" && args.iter().flatten().any(|a| matches!(a, JV::Num(n) if !n.is_finite())) {
                    return Err(Error::new("D1001", "Number out of range"));
                }
                let context = match input {
                    Some(JV::Arr(a, f)) if f & OUTER != 0 => a.first(),
                    other => other,
                };
                let args = functions::signature(*i).validate(args, context, &format!("${name}"))?;
                self.call_builtin(*i, args, input, env)
            }
            Func::Partial { func, args: bound } => {
                let mut it = args.into_iter();
                let mut full: Vec<Option<JV>> = Vec::with_capacity(bound.len());
                for b in bound {
                    match b {
                        Some(v) => full.push(v.clone()),
                        None => full.push(it.next().flatten()),
                    }
                }
                full.extend(it);
                self.apply_inner(func, full, input, env)
            }
            Func::Regex(p) => {
                let Some(Some(JV::Str(ref s))) = args.into_iter().next() else { return Ok(None) };
                Ok(functions::regex_match_object(p, s, 0))
            }
            Func::Compose(a, b) => {
                let r = self.apply(a, args, input, env)?;
                self.apply(b, vec![r], input, env)
            }
            Func::Transform { def, env: tenv, .. } => {
                let arg = args.into_iter().next().flatten();
                self.transform(def, arg, *tenv)
            }
            Func::Thunk { .. } => Ok(Some(f.clone())),
        }
    }

    /// Number of arguments a function wants when a higher-order function calls it.
    pub fn arity(&self, f: &JV) -> usize {
        let JV::Func(rc) = f else { return 0 };
        match &**rc {
            Func::Lambda { def, .. } => def.params.len(),
            Func::Builtin(i) => functions::signature(*i).params.iter().filter(|p| !p.optional).count(),
            Func::Partial { args, .. } => args.iter().filter(|a| a.is_none()).count(),
            Func::Compose(a, _) => self.arity(a),
            _ => 1,
        }
    }

    // ---------------------------------------------------------------- transform

    fn transform(&mut self, def: &Transform, arg: Option<JV>, env: usize) -> R {
        let Some(obj) = arg else { return Ok(None) };
        let cloned = deep_clone(&obj);
        let matches = match self.eval(&def.pattern, Some(&cloned), env)? {
            None => return Ok(Some(cloned)),
            Some(JV::Arr(ref a, _)) => a.to_vec(),
            Some(v) => vec![v],
        };
        let mut updated: HashMap<*const Map, Rc<Map>> = HashMap::new();
        for m in matches {
            let JV::Obj(rc) = &m else { continue };
            let key = Rc::as_ptr(rc);
            let current = if updated.is_empty() { m.clone() } else { rebuild(&m, &updated, &mut HashSet::new(), 0) };
            let upd = self.eval(&def.update, Some(&current), env)?;
            let JV::Obj(cur_map) = &current else { continue };
            let mut map = (**cur_map).clone();
            match upd {
                None => {}
                Some(JV::Obj(ref u)) => {
                    for (k, v) in u.iter() {
                        map.insert(k.clone(), v.clone());
                    }
                }
                Some(other) => {
                    return Err(Error::at(
                        "T2011",
                        def.update.pos,
                        format!("The insert/update clause of the transform expression must evaluate to an object: {}", functions::describe(&other)),
                    ))
                }
            }
            if let Some(d) = &def.delete {
                match self.eval(d, Some(&current), env)? {
                    None => {}
                    Some(dv) => {
                        for k in items_of(&dv) {
                            match k {
                                JV::Str(ref s) => {
                                    map.shift_remove(s);
                                }
                                other => {
                                    return Err(Error::at(
                                        "T2012",
                                        d.pos,
                                        format!("The delete clause of the transform expression must evaluate to a string or array of strings: {}", functions::describe(&other)),
                                    ))
                                }
                            }
                        }
                    }
                }
            }
            updated.insert(key, Rc::new(map));
        }
        Ok(Some(rebuild(&cloned, &updated, &mut HashSet::new(), 0)))
    }

    pub fn call_builtin(&mut self, i: usize, args: Vec<Option<JV>>, input: Option<&JV>, env: usize) -> R {
        functions::call(self, i, args, input, env)
    }
}

fn has_non_finite(v: &JV) -> bool {
    has_non_finite_within(v, MAX_VALUE_DEPTH)
}

/// Looks `depth` levels down (a deeper result is an error of its own).
fn has_non_finite_within(v: &JV, depth: usize) -> bool {
    match v {
        JV::Num(n) => !n.is_finite(),
        JV::Arr(a, _) if depth > 0 => a.iter().any(|x| has_non_finite_within(x, depth - 1)),
        JV::Obj(m) if depth > 0 => m.values().any(|x| has_non_finite_within(x, depth - 1)),
        _ => false,
    }
}

fn proc_name(n: &Node) -> String {
    match &n.kind {
        Kind::Var(v) => v.to_string(),
        Kind::Path(p) => match p.steps.first().map(|s| &s.node.kind) {
            Some(Kind::Name(s)) => s.to_string(),
            _ => String::new(),
        },
        _ => String::new(),
    }
}

fn index_matches(n: f64, i: usize, len: usize) -> bool {
    let mut ii = n.floor();
    if ii < 0.0 {
        ii += len as f64;
    }
    ii == i as f64
}

fn set_field(t: &mut JV, key: &Rc<str>, v: JV) {
    if let JV::Obj(m) = t {
        Rc::make_mut(m).insert(key.clone(), v);
    }
}

/// Merges the tuples of one group: each binding becomes the sequence of its values.
fn reduce_tuples(data: Option<JV>) -> JV {
    match data {
        Some(JV::Arr(ref a, _)) => {
            let mut out: Map = Map::default();
            for (i, t) in a.iter().enumerate() {
                if let JV::Obj(m) = t {
                    for (k, v) in m.iter() {
                        if i == 0 {
                            out.insert(k.clone(), v.clone());
                        } else {
                            let prev = out.shift_remove(k);
                            if let Some(x) = append(prev, Some(v.clone())) {
                                out.insert(k.clone(), x);
                            }
                        }
                    }
                }
            }
            JV::obj(out)
        }
        Some(t) => t,
        None => JV::obj(Map::default()),
    }
}

/// Field lookup; arrays map the lookup over their members and flatten the results.
pub fn lookup_field(input: &JV, key: &str) -> Option<JV> {
    lookup_field_within(input, key, MAX_VALUE_DEPTH)
}

/// Arrays nested deeper than `depth` are not looked into.
fn lookup_field_within(input: &JV, key: &str, depth: usize) -> Option<JV> {
    match input {
        JV::Obj(m) => m.get(key).cloned(),
        JV::Arr(a, _) if depth > 0 => {
            let mut out = Vec::new();
            for item in a.iter() {
                match lookup_field_within(item, key, depth - 1) {
                    Some(JV::Arr(ref inner, _)) => out.extend(inner.iter().cloned()),
                    Some(v) => out.push(v),
                    None => {}
                }
            }
            Some(JV::seq(out))
        }
        _ => None,
    }
}

fn flatten_into(v: &JV, out: &mut Vec<JV>) {
    flatten_within(v, out, MAX_VALUE_DEPTH);
}

/// Arrays nested deeper than `depth` are kept whole rather than flattened.
fn flatten_within(v: &JV, out: &mut Vec<JV>, depth: usize) {
    match v {
        JV::Arr(a, _) if depth > 0 => {
            for x in a.iter() {
                flatten_within(x, out, depth - 1);
            }
        }
        other => out.push(other.clone()),
    }
}

fn wildcard(input: Option<&JV>) -> Option<JV> {
    let input = match input {
        Some(JV::Arr(a, f)) if f & OUTER != 0 => a.first()?,
        Some(v) => v,
        None => return None,
    };
    let mut out = Vec::new();
    match input {
        JV::Obj(m) => {
            for v in m.values() {
                match v {
                    JV::Arr(..) => flatten_into(v, &mut out),
                    other => out.push(other.clone()),
                }
            }
        }
        JV::Arr(a, _) => {
            for v in a.iter() {
                match v {
                    JV::Arr(..) => flatten_into(v, &mut out),
                    other => out.push(other.clone()),
                }
            }
        }
        _ => {}
    }
    Some(JV::seq(out))
}

fn descendants(input: Option<&JV>) -> Option<JV> {
    let input = input?;
    let mut out = Vec::new();
    fn walk(v: &JV, out: &mut Vec<JV>, depth: usize) {
        if depth > 2000 {
            return;
        }
        match v {
            JV::Arr(a, _) => {
                for x in a.iter() {
                    walk(x, out, depth + 1);
                }
            }
            JV::Obj(m) => {
                out.push(v.clone());
                for x in m.values() {
                    walk(x, out, depth + 1);
                }
            }
            other => out.push(other.clone()),
        }
    }
    walk(input, &mut out, 0);
    if out.len() == 1 {
        return out.pop();
    }
    Some(JV::seq(out))
}

/// Deep copy with fresh allocations (so transform can tell objects apart by address).
fn deep_clone(v: &JV) -> JV {
    deep_clone_within(v, MAX_VALUE_DEPTH)
}

/// Levels deeper than `depth` are shared, not copied (`rebuild` does not look there either).
fn deep_clone_within(v: &JV, depth: usize) -> JV {
    if depth == 0 {
        return v.clone();
    }
    match v {
        JV::Arr(a, f) => JV::Arr(Rc::new(a.iter().map(|x| deep_clone_within(x, depth - 1)).collect()), *f),
        JV::Obj(m) => JV::obj(m.iter().map(|(k, v)| (k.clone(), deep_clone_within(v, depth - 1))).collect()),
        other => other.clone(),
    }
}

/// Rebuilds a value with updated objects substituted (by address).
fn rebuild(v: &JV, updated: &HashMap<*const Map, Rc<Map>>, visiting: &mut HashSet<*const Map>, depth: usize) -> JV {
    if depth > 1000 {
        return v.clone();
    }
    match v {
        JV::Obj(m) => {
            let ptr = Rc::as_ptr(m);
            if !visiting.insert(ptr) {
                return v.clone();
            }
            let base = updated.get(&ptr).cloned().unwrap_or_else(|| m.clone());
            let mut changed = !Rc::ptr_eq(&base, m);
            let mut out = Map::with_capacity_and_hasher(base.len(), Default::default());
            for (k, x) in base.iter() {
                let nx = rebuild(x, updated, visiting, depth + 1);
                if !same(&nx, x) {
                    changed = true;
                }
                out.insert(k.clone(), nx);
            }
            visiting.remove(&ptr);
            if changed {
                JV::obj(out)
            } else {
                v.clone()
            }
        }
        JV::Arr(a, f) => {
            let mut changed = false;
            let items: Vec<JV> = a
                .iter()
                .map(|x| {
                    let nx = rebuild(x, updated, visiting, depth + 1);
                    if !same(&nx, x) {
                        changed = true;
                    }
                    nx
                })
                .collect();
            if changed {
                JV::Arr(Rc::new(items), *f)
            } else {
                v.clone()
            }
        }
        other => other.clone(),
    }
}

fn same(a: &JV, b: &JV) -> bool {
    match (a, b) {
        (JV::Obj(x), JV::Obj(y)) => Rc::ptr_eq(x, y),
        (JV::Arr(x, _), JV::Arr(y, _)) => Rc::ptr_eq(x, y),
        _ => true,
    }
}

/// Compares strings by UTF-16 code units, as JavaScript does.
pub fn compare_utf16(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Stable merge sort with a fallible "a goes after b" comparator.
pub fn merge_sort<T: Clone>(v: Vec<T>, after: &mut dyn FnMut(&T, &T) -> Result<bool>) -> Result<Vec<T>> {
    if v.len() <= 1 {
        return Ok(v);
    }
    let mut v = v;
    let right = v.split_off(v.len() / 2);
    let left = merge_sort(v, after)?;
    let right = merge_sort(right, after)?;
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut i, mut j) = (0, 0);
    while i < left.len() && j < right.len() {
        if after(&left[i], &right[j])? {
            out.push(right[j].clone());
            j += 1;
        } else {
            out.push(left[i].clone());
            i += 1;
        }
    }
    out.extend_from_slice(&left[i..]);
    out.extend_from_slice(&right[j..]);
    Ok(out)
}
