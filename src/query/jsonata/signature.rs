//! Function signatures (`<s-nn?:s>`): parsing, and checking/adjusting the arguments of a
//! call before the function runs (missing context arguments filled in, single values wrapped
//! into arrays where an array is expected).
//!
//! Type letters: `b` boolean, `n` number, `s` string, `l` null, `a` array, `o` object,
//! `f` function, `j` any JSON value, `x` anything; `(..)` a choice, `<..>` an array member
//! (or function) type; modifiers `?` optional, `+` one or more, `-` the context if omitted.

use super::error::{Error, Result};
use super::jvalue::JV;

#[derive(Clone, Debug)]
pub struct Param {
    /// Accepted type letters.
    pub types: Vec<char>,
    /// Member type letters for `a<..>`.
    pub members: Option<Vec<char>>,
    pub optional: bool,
    pub many: bool,
    pub context: bool,
}

#[derive(Clone, Debug)]
pub struct Signature {
    pub params: Vec<Param>,
}

const TYPES: &str = "bnsloafxj";

impl Signature {
    /// Parses `<params:return>`; `pos` places syntax errors.
    pub fn parse(text: &str, pos: usize) -> Result<Signature> {
        let chars: Vec<char> = text.chars().collect();
        let bad = |code: &str, msg: &str| Error::at(code, pos, msg.to_string());
        if chars.first() != Some(&'<') {
            return Err(bad("S0401", "Signature must start with <"));
        }
        let mut params: Vec<Param> = Vec::new();
        let mut i = 1;
        while i < chars.len() {
            let c = chars[i];
            match c {
                ':' | '>' => break,
                '?' | '+' | '-' => {
                    let Some(p) = params.last_mut() else { return Err(bad("S0401", "Modifier without a type in signature")) };
                    match c {
                        '?' => p.optional = true,
                        '+' => p.many = true,
                        _ => p.context = true,
                    }
                    i += 1;
                }
                '(' => {
                    let mut types = Vec::new();
                    i += 1;
                    while i < chars.len() && chars[i] != ')' {
                        if chars[i] == '<' {
                            return Err(bad("S0402", "Choice groups containing parameterized types are not supported"));
                        }
                        if TYPES.contains(chars[i]) {
                            types.push(chars[i]);
                        }
                        i += 1;
                    }
                    i += 1;
                    params.push(Param { types, members: None, optional: false, many: false, context: false });
                }
                '<' => {
                    let Some(p) = params.last_mut() else { return Err(bad("S0401", "Type parameter without a type")) };
                    let close = matching_angle(&chars, i).ok_or_else(|| bad("S0401", "Unterminated type parameter"))?;
                    match p.types.as_slice() {
                        ['a'] => {
                            let inner: Vec<char> = chars[i + 1..close].iter().copied().filter(|c| TYPES.contains(*c)).collect();
                            p.members = Some(inner);
                        }
                        ['f'] => {}
                        _ => return Err(bad("S0401", "Type parameters can only be applied to functions and arrays")),
                    }
                    i = close + 1;
                }
                c if TYPES.contains(c) => {
                    params.push(Param { types: vec![c], members: None, optional: false, many: false, context: false });
                    i += 1;
                }
                _ => i += 1,
            }
        }
        Ok(Signature { params })
    }

    /// Checks `args` against the signature and returns the arguments the function receives:
    /// one per parameter (`None` for an omitted optional one), `+` parameters expanded.
    pub fn validate(&self, args: Vec<Option<JV>>, context: Option<&JV>, fname: &str) -> Result<Vec<Option<JV>>> {
        let syms: Vec<char> = args.iter().map(|a| symbol(a.as_ref())).collect();
        let mut counts = vec![0usize; self.params.len()];
        if !self.assign(0, &syms, 0, &mut counts) {
            let at = self.first_mismatch(&syms);
            return Err(Error::new(
                "T0410",
                format!("Argument {} of function {} does not match function signature", at + 1, fname),
            ));
        }
        let mut out = Vec::with_capacity(args.len() + 1);
        let mut it = args.into_iter();
        for (p, &n) in self.params.iter().zip(counts.iter()) {
            if n == 0 {
                if p.context {
                    if let Some(c) = context {
                        if !accepts(p, symbol(Some(c))) {
                            return Err(Error::new(
                                "T0411",
                                format!("Context value is not a compatible type with argument {} of function {}", out.len() + 1, fname),
                            ));
                        }
                    }
                    out.push(self.coerce(p, context.cloned(), out.len(), fname)?);
                }
                continue;
            }
            for _ in 0..n {
                let a = it.next().flatten();
                out.push(self.coerce(p, a, out.len(), fname)?);
            }
        }
        Ok(out)
    }

    /// Wraps single values where an array is expected and checks array member types.
    fn coerce(&self, p: &Param, a: Option<JV>, index: usize, fname: &str) -> Result<Option<JV>> {
        let Some(v) = a else { return Ok(None) };
        if p.types.as_slice() != ['a'] {
            return Ok(Some(v));
        }
        let v = match v {
            JV::Arr(..) => v,
            other => JV::arr(vec![other]),
        };
        if let (Some(members), JV::Arr(items, _)) = (&p.members, &v) {
            if !members.is_empty() && !members.contains(&'x') {
                for item in items.iter() {
                    let s = symbol(Some(item));
                    let ok = members.contains(&s) || (members.contains(&'j') && s != 'f');
                    if !ok {
                        return Err(Error::new(
                            "T0412",
                            format!("Argument {} of function {} must be an array of {}", index + 1, fname, type_words(members)),
                        ));
                    }
                }
            }
        }
        Ok(Some(v))
    }

    /// Backtracking match of argument symbols to parameters (greedy, like a regex).
    fn assign(&self, pi: usize, syms: &[char], ai: usize, counts: &mut [usize]) -> bool {
        let Some(p) = self.params.get(pi) else { return ai == syms.len() };
        if ai < syms.len() && accepts(p, syms[ai]) {
            if p.many {
                let mut n = 1;
                while ai + n < syms.len() && accepts(p, syms[ai + n]) {
                    n += 1;
                }
                while n >= 1 {
                    counts[pi] = n;
                    if self.assign(pi + 1, syms, ai + n, counts) {
                        return true;
                    }
                    n -= 1;
                }
            } else {
                counts[pi] = 1;
                if self.assign(pi + 1, syms, ai + 1, counts) {
                    return true;
                }
            }
        }
        if p.optional || p.context {
            counts[pi] = 0;
            return self.assign(pi + 1, syms, ai, counts);
        }
        counts[pi] = 0;
        false
    }

    /// Index of the argument where matching breaks down (for the error message).
    fn first_mismatch(&self, syms: &[char]) -> usize {
        let mut ai = 0;
        for p in &self.params {
            if ai < syms.len() && accepts(p, syms[ai]) {
                ai += 1;
                while p.many && ai < syms.len() && accepts(p, syms[ai]) {
                    ai += 1;
                }
            } else if !(p.optional || p.context) {
                return ai;
            }
        }
        ai
    }
}

fn matching_angle(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0;
    for (i, &c) in chars.iter().enumerate().skip(open) {
        match c {
            '<' => depth += 1,
            '>' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Type letter of a value; `m` for undefined.
pub fn symbol(v: Option<&JV>) -> char {
    match v {
        None => 'm',
        Some(JV::Null) => 'l',
        Some(JV::Bool(_)) => 'b',
        Some(JV::Num(_)) => 'n',
        Some(JV::Str(_)) => 's',
        Some(JV::Arr(..)) => 'a',
        Some(JV::Obj(_)) => 'o',
        Some(JV::Func(_)) => 'f',
    }
}

fn accepts(p: &Param, sym: char) -> bool {
    if sym == 'm' {
        return true;
    }
    p.types.iter().any(|&t| match t {
        'x' => true,
        'j' => sym != 'f',
        // A single value is accepted where an array is expected (it gets wrapped).
        'a' => sym != 'f' || p.types.len() == 1,
        _ => t == sym,
    })
}

fn type_words(members: &[char]) -> String {
    members
        .iter()
        .map(|c| match c {
            'b' => "booleans",
            'n' => "numbers",
            's' => "strings",
            'l' => "nulls",
            'a' => "arrays",
            'o' => "objects",
            'f' => "functions",
            _ => "values",
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_context_and_wraps() {
        let s = Signature::parse("<s-nn?:s>", 0).unwrap();
        let out = s.validate(vec![Some(JV::Num(1.0))], Some(&JV::str("abc")), "substring").unwrap();
        assert_eq!(out.len(), 2);
        assert!(matches!(out[0], Some(JV::Str(_))));
        let s = Signature::parse("<a<n>:n>", 0).unwrap();
        let out = s.validate(vec![Some(JV::Num(1.0))], None, "sum").unwrap();
        assert!(matches!(out[0], Some(JV::Arr(..))));
        let err = s.validate(vec![Some(JV::str("x"))], None, "sum").unwrap_err();
        assert_eq!(err.code, "T0412");
        let err = s.validate(vec![], None, "sum").unwrap_err();
        assert_eq!(err.code, "T0410");
    }

    #[test]
    fn rejects_bad_signatures() {
        assert_eq!(Signature::parse("<n<n>>", 0).unwrap_err().code, "S0401");
        assert_eq!(Signature::parse("<(sa<n>)>", 0).unwrap_err().code, "S0402");
    }
}
