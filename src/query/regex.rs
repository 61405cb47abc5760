//! A small regular-expression engine for JSONPath filters (`@.name =~ /ab+c/i`), matching the
//! whole text as Java's `Matcher.matches()` does.
//!
//! Supported: literals, `.`, classes `[a-z]`, `[^...]`, `\d \D \w \W \s \S`, escapes, groups
//! `(...)`, `(?:...)`, alternation `|`, quantifiers `* + ? {n} {n,} {n,m}` (greedy or lazy),
//! anchors `^ $`; flags `i` (case-insensitive) and `s` (dot matches newlines). No
//! backreferences or look-around. Matching is a backtracking VM memoised on (instruction,
//! position), so it runs in time proportional to pattern size times text length.

/// Largest compiled program accepted.
const MAX_PROGRAM: usize = 20_000;
/// Largest memo table (bits) a match may use; bigger inputs do not match.
const MAX_MEMO_BITS: usize = 64 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq)]
pub struct Regex {
    source: String,
    prog: Vec<Inst>,
    icase: bool,
    dotall: bool,
}

#[derive(Clone, Debug, PartialEq)]
enum Inst {
    Char(char),
    Any,
    Class(Class),
    Split(usize, usize),
    Jmp(usize),
    Start,
    End,
    Match,
}

#[derive(Clone, Debug, PartialEq)]
struct Class {
    negated: bool,
    ranges: Vec<(char, char)>,
    /// Shorthand classes inside: (kind, negated) with kind one of 'd', 'w', 's'.
    shorthands: Vec<(char, bool)>,
}

impl Class {
    fn matches(&self, c: char, icase: bool) -> bool {
        let test = |c: char| {
            self.ranges.iter().any(|(a, b)| *a <= c && c <= *b)
                || self.shorthands.iter().any(|(k, neg)| shorthand(*k, c) != *neg)
        };
        let hit = test(c) || (icase && (test(lower(c)) || test(upper(c))));
        hit != self.negated
    }
}

fn shorthand(kind: char, c: char) -> bool {
    match kind {
        'd' => c.is_ascii_digit(),
        'w' => c.is_ascii_alphanumeric() || c == '_',
        's' => matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c'),
        _ => false,
    }
}

fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

fn upper(c: char) -> char {
    c.to_uppercase().next().unwrap_or(c)
}

#[derive(Clone, Debug)]
enum Node {
    Char(char),
    Any,
    Class(Class),
    Start,
    End,
    Group(Box<Node>),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat { node: Box<Node>, min: u32, max: Option<u32>, greedy: bool },
}

impl Regex {
    pub fn new(pattern: &str, flags: &str) -> Result<Regex, String> {
        let mut icase = false;
        let mut dotall = false;
        for f in flags.chars() {
            match f {
                'i' => icase = true,
                's' => dotall = true,
                'm' | 'g' | 'u' | 'x' => {}
                other => return Err(format!("unknown flag '{other}'")),
            }
        }
        let chars: Vec<char> = pattern.chars().collect();
        let mut p = ReParser { c: &chars, pos: 0, depth: 0 };
        let node = p.alt()?;
        if p.pos < chars.len() {
            return Err(format!("unexpected '{}'", chars[p.pos]));
        }
        let mut prog = Vec::new();
        emit(&node, &mut prog)?;
        prog.push(Inst::Match);
        Ok(Regex { source: pattern.to_string(), prog, icase, dotall })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// True when the whole `text` matches.
    pub fn is_full_match(&self, text: &str) -> bool {
        let t: Vec<char> = text.chars().collect();
        let width = t.len() + 1;
        let Some(bits) = self.prog.len().checked_mul(width) else { return false };
        if bits > MAX_MEMO_BITS {
            return false;
        }
        let mut seen = vec![0u64; bits / 64 + 1];
        let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
        while let Some((mut pc, mut pos)) = stack.pop() {
            loop {
                let key = pc * width + pos;
                if seen[key / 64] & (1 << (key % 64)) != 0 {
                    break;
                }
                seen[key / 64] |= 1 << (key % 64);
                match &self.prog[pc] {
                    Inst::Match => {
                        if pos == t.len() {
                            return true;
                        }
                        break;
                    }
                    Inst::Char(c) => {
                        let ok = t.get(pos).is_some_and(|x| x == c || (self.icase && lower(*x) == lower(*c)));
                        if !ok {
                            break;
                        }
                        pc += 1;
                        pos += 1;
                    }
                    Inst::Any => {
                        let ok = t.get(pos).is_some_and(|x| self.dotall || (*x != '\n' && *x != '\r'));
                        if !ok {
                            break;
                        }
                        pc += 1;
                        pos += 1;
                    }
                    Inst::Class(cls) => {
                        if !t.get(pos).is_some_and(|x| cls.matches(*x, self.icase)) {
                            break;
                        }
                        pc += 1;
                        pos += 1;
                    }
                    Inst::Split(a, b) => {
                        stack.push((*b, pos));
                        pc = *a;
                    }
                    Inst::Jmp(a) => pc = *a,
                    Inst::Start => {
                        if pos != 0 {
                            break;
                        }
                        pc += 1;
                    }
                    Inst::End => {
                        if pos != t.len() {
                            break;
                        }
                        pc += 1;
                    }
                }
            }
        }
        false
    }
}

fn emit(node: &Node, prog: &mut Vec<Inst>) -> Result<(), String> {
    if prog.len() > MAX_PROGRAM {
        return Err("pattern too large".into());
    }
    match node {
        Node::Char(c) => prog.push(Inst::Char(*c)),
        Node::Any => prog.push(Inst::Any),
        Node::Class(c) => prog.push(Inst::Class(c.clone())),
        Node::Start => prog.push(Inst::Start),
        Node::End => prog.push(Inst::End),
        Node::Group(n) => emit(n, prog)?,
        Node::Concat(items) => {
            for n in items {
                emit(n, prog)?;
            }
        }
        Node::Alt(items) => {
            // split L1, next ; L1: a ; jmp end ; next: split L2, next2 ...
            let mut jumps = Vec::new();
            for (i, n) in items.iter().enumerate() {
                if i + 1 < items.len() {
                    let split = prog.len();
                    prog.push(Inst::Split(split + 1, 0));
                    emit(n, prog)?;
                    jumps.push(prog.len());
                    prog.push(Inst::Jmp(0));
                    let next = prog.len();
                    prog[split] = Inst::Split(split + 1, next);
                } else {
                    emit(n, prog)?;
                }
            }
            let end = prog.len();
            for j in jumps {
                prog[j] = Inst::Jmp(end);
            }
        }
        Node::Repeat { node, min, max, greedy } => {
            for _ in 0..*min {
                emit(node, prog)?;
            }
            match max {
                None => {
                    // L: split body, out ; body ; jmp L
                    let l = prog.len();
                    prog.push(Inst::Split(0, 0));
                    emit(node, prog)?;
                    prog.push(Inst::Jmp(l));
                    let out = prog.len();
                    prog[l] = if *greedy { Inst::Split(l + 1, out) } else { Inst::Split(out, l + 1) };
                }
                Some(max) => {
                    let mut splits = Vec::new();
                    for _ in *min..*max {
                        splits.push(prog.len());
                        prog.push(Inst::Split(0, 0));
                        emit(node, prog)?;
                        if prog.len() > MAX_PROGRAM {
                            return Err("pattern too large".into());
                        }
                    }
                    let out = prog.len();
                    for s in splits {
                        prog[s] = if *greedy { Inst::Split(s + 1, out) } else { Inst::Split(out, s + 1) };
                    }
                }
            }
        }
    }
    if prog.len() > MAX_PROGRAM {
        return Err("pattern too large".into());
    }
    Ok(())
}

struct ReParser<'a> {
    c: &'a [char],
    pos: usize,
    depth: usize,
}

impl ReParser<'_> {
    fn peek(&self) -> Option<char> {
        self.c.get(self.pos).copied()
    }

    fn alt(&mut self) -> Result<Node, String> {
        self.depth += 1;
        if self.depth > 64 {
            return Err("pattern nested too deeply".into());
        }
        let mut items = vec![self.concat()?];
        while self.peek() == Some('|') {
            self.pos += 1;
            items.push(self.concat()?);
        }
        self.depth -= 1;
        Ok(if items.len() == 1 { items.remove(0) } else { Node::Alt(items) })
    }

    fn concat(&mut self) -> Result<Node, String> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            items.push(self.quantified(atom)?);
        }
        Ok(Node::Concat(items))
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, String> {
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => {
                let save = self.pos;
                match self.braces() {
                    Some(b) => {
                        self.pos -= 1; // re-consumed below
                        b
                    }
                    None => {
                        self.pos = save;
                        return Ok(atom);
                    }
                }
            }
            _ => return Ok(atom),
        };
        self.pos += 1;
        if matches!(atom, Node::Start | Node::End) {
            return Err("nothing to repeat".into());
        }
        if max.is_some_and(|m| m < min) || min > 1000 || max.is_some_and(|m| m > 1000) {
            return Err("invalid repetition bounds".into());
        }
        let mut greedy = true;
        if self.peek() == Some('?') {
            self.pos += 1;
            greedy = false;
        } else if self.peek() == Some('+') {
            self.pos += 1; // possessive: treated as greedy
        }
        Ok(Node::Repeat { node: Box::new(atom), min, max, greedy })
    }

    /// `{n}`, `{n,}`, `{n,m}`; leaves `pos` after the closing brace.
    fn braces(&mut self) -> Option<(u32, Option<u32>)> {
        self.pos += 1;
        let num = |p: &mut Self| -> Option<u32> {
            let start = p.pos;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.pos += 1;
            }
            if p.pos == start {
                return None;
            }
            p.c[start..p.pos].iter().collect::<String>().parse().ok()
        };
        let min = num(self)?;
        let max = if self.peek() == Some(',') {
            self.pos += 1;
            if self.peek() == Some('}') {
                None
            } else {
                Some(num(self)?)
            }
        } else {
            Some(min)
        };
        if self.peek() != Some('}') {
            return None;
        }
        self.pos += 1;
        Some((min, max))
    }

    fn atom(&mut self) -> Result<Node, String> {
        let Some(c) = self.peek() else { return Err("unexpected end".into()) };
        self.pos += 1;
        Ok(match c {
            '.' => Node::Any,
            '^' => Node::Start,
            '$' => Node::End,
            '(' => {
                if self.peek() == Some('?') {
                    if self.c.get(self.pos + 1) == Some(&':') {
                        self.pos += 2;
                    } else {
                        return Err("unsupported group construct".into());
                    }
                }
                let inner = self.alt()?;
                if self.peek() != Some(')') {
                    return Err("unclosed group".into());
                }
                self.pos += 1;
                Node::Group(Box::new(inner))
            }
            ')' => return Err("unmatched ')'".into()),
            '*' | '+' | '?' => return Err("nothing to repeat".into()),
            '[' => Node::Class(self.class()?),
            '\\' => self.escape(false)?,
            other => Node::Char(other),
        })
    }

    /// After a backslash. In a class, shorthands come back as a one-item class.
    fn escape(&mut self, _in_class: bool) -> Result<Node, String> {
        let Some(c) = self.peek() else { return Err("trailing backslash".into()) };
        self.pos += 1;
        Ok(match c {
            'd' | 'w' | 's' => Node::Class(Class { negated: false, ranges: vec![], shorthands: vec![(c, false)] }),
            'D' | 'W' | 'S' => Node::Class(Class {
                negated: false,
                ranges: vec![],
                shorthands: vec![(c.to_ascii_lowercase(), true)],
            }),
            'n' => Node::Char('\n'),
            't' => Node::Char('\t'),
            'r' => Node::Char('\r'),
            'f' => Node::Char('\x0c'),
            'u' => {
                let hex: String = self.c.get(self.pos..self.pos + 4).map(|s| s.iter().collect()).unwrap_or_default();
                let code = u32::from_str_radix(&hex, 16).map_err(|_| "invalid \\u escape".to_string())?;
                self.pos += 4;
                Node::Char(char::from_u32(code).ok_or("invalid \\u escape")?)
            }
            c if c.is_ascii_alphanumeric() => return Err(format!("unsupported escape \\{c}")),
            other => Node::Char(other),
        })
    }

    fn class(&mut self) -> Result<Class, String> {
        let mut cls = Class { negated: false, ranges: vec![], shorthands: vec![] };
        if self.peek() == Some('^') {
            self.pos += 1;
            cls.negated = true;
        }
        let mut first = true;
        loop {
            let Some(c) = self.peek() else { return Err("unclosed character class".into()) };
            if c == ']' && !first {
                self.pos += 1;
                break;
            }
            first = false;
            self.pos += 1;
            let lo = if c == '\\' {
                match self.escape(true)? {
                    Node::Char(ch) => ch,
                    Node::Class(inner) => {
                        cls.shorthands.extend(inner.shorthands);
                        continue;
                    }
                    _ => return Err("invalid escape in class".into()),
                }
            } else {
                c
            };
            if self.peek() == Some('-') && self.c.get(self.pos + 1).is_some_and(|n| *n != ']') {
                self.pos += 1;
                let Some(hc) = self.peek() else { return Err("unclosed character class".into()) };
                self.pos += 1;
                let hi = if hc == '\\' {
                    match self.escape(true)? {
                        Node::Char(ch) => ch,
                        _ => return Err("invalid class range".into()),
                    }
                } else {
                    hc
                };
                if hi < lo {
                    return Err("invalid class range".into());
                }
                cls.ranges.push((lo, hi));
            } else {
                cls.ranges.push((lo, lo));
            }
        }
        Ok(cls)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, f: &str, t: &str) -> bool {
        Regex::new(p, f).unwrap().is_full_match(t)
    }

    #[test]
    fn matches_whole_text() {
        assert!(m("ab+c", "", "abbbc"));
        assert!(!m("ab+c", "", "xabbbc"));
        assert!(m(".*REES", "i", "Nigel Rees"));
        assert!(m("[a-c]{2,3}\\d", "", "abc1"));
        assert!(!m("[a-c]{2,3}\\d", "", "abcd1"));
        assert!(m("(foo|bar)+", "", "foobarfoo"));
        assert!(m("[^x]*", "", "abc"));
        assert!(!m("[^x]*", "", "abxc"));
        assert!(m("a.?c", "", "ac"));
        assert!(m("^a\\.b$", "", "a.b"));
        assert!(m("(?:a|b)*?b", "", "aab"));
        assert!(m("\\w+@\\w+\\.com", "", "me@host.com"));
    }

    #[test]
    fn pathological_patterns_stay_fast() {
        let text = "a".repeat(5000) + "b";
        assert!(!m("(a*)*c", "", &text));
        assert!(!m("(a|aa)+c", "", &text));
    }

    #[test]
    fn rejects_bad_patterns() {
        for p in ["(", "[a", "*", "a{5,2}", "\\k", "(?=a)"] {
            assert!(Regex::new(p, "").is_err(), "{p}");
        }
    }
}
