//! Expression text -> tokens.
//!
//! Positions are character offsets (not bytes) because JSONata reports positions that way.
//! Whether `/` starts a regex depends on what came before it, so the parser asks for one
//! token at a time and says whether an operand (prefix position) is expected.

use super::error::{Error, Result};
use std::rc::Rc;

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// Punctuation and operators, including the word operators `and`, `or`, `in`.
    Op(&'static str),
    Str(Rc<str>),
    Num(f64),
    /// `true`, `false`, `null`.
    Value(Lit),
    Name(Rc<str>),
    /// `$name`; the name is empty for `$` and `$` for `$$`.
    Var(Rc<str>),
    Regex(Rc<str>, Rc<str>),
    End,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Lit {
    True,
    False,
    Null,
}

#[derive(Clone, Debug)]
pub struct Token {
    pub tok: Tok,
    /// Character offset where the token starts.
    pub start: usize,
    /// Character offset just after the token (JSONata's `position`).
    pub end: usize,
}

const OPERATORS: &[&str] = &[
    "..", ":=", "!=", "<=", ">=", "~>", "**", "??", "?:", ".", "[", "]", "{", "}", "(", ")", ",", "@",
    "#", ";", ":", "?", "+", "-", "*", "/", "%", "|", "=", "<", ">", "^", "&", "!", "~",
];

fn is_operator_char(c: char) -> bool {
    ".[]{}(),@#;:?+-*/%|=<>^&!~".contains(c)
}

pub struct Lexer {
    chars: Vec<char>,
    pos: usize,
}

impl Lexer {
    pub fn new(text: &str) -> Lexer {
        Lexer { chars: text.chars().collect(), pos: 0 }
    }

    fn peek_at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    /// Next token; `prefix` is true when the parser expects an operand (so `/` opens a regex).
    pub fn next(&mut self, prefix: bool) -> Result<Token> {
        self.skip_space_and_comments()?;
        let start = self.pos;
        let Some(c) = self.peek_at(self.pos) else {
            return Ok(Token { tok: Tok::End, start, end: start });
        };
        if c == '/' && prefix {
            return self.regex(start);
        }
        let tok_of = |t: Tok, end: usize| Token { tok: t, start, end };
        // Two-character operators first (except `?:` and `??`, which the parser handles).
        if is_operator_char(c) {
            let next = self.peek_at(self.pos + 1);
            if let Some(n) = next {
                let pair: String = [c, n].iter().collect();
                if let Some(op) = OPERATORS.iter().find(|o| o.len() == 2 && **o == pair) {
                    self.pos += 2;
                    return Ok(tok_of(Tok::Op(op), self.pos));
                }
            }
            let single = c.to_string();
            if let Some(op) = OPERATORS.iter().find(|o| **o == single) {
                self.pos += 1;
                return Ok(tok_of(Tok::Op(op), self.pos));
            }
        }
        if c == '"' || c == '\'' {
            let s = self.string(c)?;
            return Ok(tok_of(Tok::Str(s.into()), self.pos));
        }
        if c.is_ascii_digit() {
            return self.number(start);
        }
        if c == '`' {
            let rest = &self.chars[self.pos + 1..];
            match rest.iter().position(|&ch| ch == '`') {
                Some(i) => {
                    let name: String = rest[..i].iter().collect();
                    self.pos += i + 2;
                    return Ok(tok_of(Tok::Name(name.into()), self.pos));
                }
                None => {
                    self.pos = self.chars.len();
                    return Err(Error::at("S0105", start, "Quoted property name must be terminated with a backquote (`)"));
                }
            }
        }
        // Names and variables run up to whitespace or an operator character.
        let is_var = c == '$';
        let mut i = if is_var { self.pos + 1 } else { self.pos };
        while let Some(ch) = self.peek_at(i) {
            if ch.is_whitespace() || is_operator_char(ch) || ch == '"' || ch == '\'' || ch == '`' {
                break;
            }
            if is_var && ch == '$' && i > self.pos + 1 {
                break;
            }
            i += 1;
        }
        let word: String = self.chars[if is_var { self.pos + 1 } else { self.pos }..i].iter().collect();
        self.pos = i;
        if is_var {
            return Ok(tok_of(Tok::Var(word.into()), self.pos));
        }
        let tok = match word.as_str() {
            "and" => Tok::Op("and"),
            "or" => Tok::Op("or"),
            "in" => Tok::Op("in"),
            "true" => Tok::Value(Lit::True),
            "false" => Tok::Value(Lit::False),
            "null" => Tok::Value(Lit::Null),
            _ => Tok::Name(word.into()),
        };
        Ok(tok_of(tok, self.pos))
    }

    fn skip_space_and_comments(&mut self) -> Result<()> {
        loop {
            while self.peek_at(self.pos).is_some_and(char::is_whitespace) {
                self.pos += 1;
            }
            if self.peek_at(self.pos) == Some('/') && self.peek_at(self.pos + 1) == Some('*') {
                let start = self.pos;
                let mut i = self.pos + 2;
                loop {
                    match (self.peek_at(i), self.peek_at(i + 1)) {
                        (Some('*'), Some('/')) => {
                            self.pos = i + 2;
                            break;
                        }
                        (Some(_), _) => i += 1,
                        (None, _) => {
                            self.pos = self.chars.len();
                            return Err(Error::at("S0106", start, "Comment has no closing tag"));
                        }
                    }
                }
                continue;
            }
            return Ok(());
        }
    }

    fn string(&mut self, quote: char) -> Result<String> {
        let start = self.pos;
        let mut out = String::new();
        let mut i = self.pos + 1;
        loop {
            let Some(c) = self.peek_at(i) else {
                self.pos = self.chars.len();
                return Err(Error::at("S0101", start, "String literal must be terminated by a matching quote"));
            };
            if c == quote {
                self.pos = i + 1;
                return Ok(out);
            }
            if c == '\\' {
                i += 1;
                let Some(e) = self.peek_at(i) else {
                    self.pos = self.chars.len();
                    return Err(Error::at("S0101", start, "String literal must be terminated by a matching quote"));
                };
                match e {
                    '"' | '\\' | '/' | '\'' => out.push(e),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'u' => {
                        let code = self.hex4(i + 1).ok_or_else(|| {
                            Error::at("S0104", i, "The escape sequence \\u must be followed by 4 hex digits")
                        })?;
                        i += 4;
                        if (0xD800..0xDC00).contains(&code)
                            && self.peek_at(i + 1) == Some('\\')
                            && self.peek_at(i + 2) == Some('u')
                        {
                            if let Some(low) = self.hex4(i + 3).filter(|l| (0xDC00..0xE000).contains(l)) {
                                let cp = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                                out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                                i += 6;
                                i += 1;
                                continue;
                            }
                        }
                        out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                    }
                    _ => return Err(Error::at("S0103", i, format!("Unsupported escape sequence: \\{e}"))),
                }
                i += 1;
                continue;
            }
            out.push(c);
            i += 1;
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let mut v = 0u32;
        for k in 0..4 {
            v = v * 16 + self.peek_at(at + k)?.to_digit(16)?;
        }
        Some(v)
    }

    fn number(&mut self, start: usize) -> Result<Token> {
        let mut i = self.pos;
        let digits = |lx: &Lexer, mut j: usize| {
            while lx.peek_at(j).is_some_and(|c| c.is_ascii_digit()) {
                j += 1;
            }
            j
        };
        if self.peek_at(i) == Some('0') {
            i += 1;
        } else {
            i = digits(self, i);
        }
        if self.peek_at(i) == Some('.') && self.peek_at(i + 1).is_some_and(|c| c.is_ascii_digit()) {
            i = digits(self, i + 1);
        }
        if matches!(self.peek_at(i), Some('e' | 'E')) {
            let mut j = i + 1;
            if matches!(self.peek_at(j), Some('+' | '-')) {
                j += 1;
            }
            if self.peek_at(j).is_some_and(|c| c.is_ascii_digit()) {
                i = digits(self, j);
            }
        }
        let text: String = self.chars[self.pos..i].iter().collect();
        self.pos = i;
        let v: f64 = text.parse().unwrap_or(f64::NAN);
        if !v.is_finite() {
            return Err(Error::at("S0102", start, format!("Number out of range: {text}")));
        }
        Ok(Token { tok: Tok::Num(v), start, end: i })
    }

    fn regex(&mut self, start: usize) -> Result<Token> {
        let mut i = self.pos + 1;
        let mut in_class = false;
        loop {
            let Some(c) = self.peek_at(i) else {
                self.pos = self.chars.len();
                return Err(Error::at("S0302", start, "No terminating / in regular expression"));
            };
            match c {
                '\\' => i += 1,
                '[' => in_class = true,
                ']' => in_class = false,
                '/' if !in_class => break,
                _ => {}
            }
            i += 1;
        }
        let pattern: String = self.chars[self.pos + 1..i].iter().collect();
        if pattern.is_empty() {
            return Err(Error::at("S0301", start, "Empty regular expressions are not allowed"));
        }
        i += 1;
        let fstart = i;
        while self.peek_at(i).is_some_and(|c| c.is_ascii_alphabetic()) {
            i += 1;
        }
        let flags: String = self.chars[fstart..i].iter().collect();
        self.pos = i;
        Ok(Token { tok: Tok::Regex(pattern.into(), flags.into()), start, end: i })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        let mut lx = Lexer::new(s);
        let mut out = vec![];
        loop {
            let t = lx.next(true).unwrap();
            if t.tok == Tok::End {
                return out;
            }
            out.push(t.tok);
        }
    }

    #[test]
    fn lexes_basics() {
        assert_eq!(toks("a.b"), vec![Tok::Name("a".into()), Tok::Op("."), Tok::Name("b".into())]);
        assert_eq!(toks("$x:=1.5e2"), vec![Tok::Var("x".into()), Tok::Op(":="), Tok::Num(150.0)]);
        assert_eq!(toks("'a\\u0041' /* c */ `x y`"), vec![Tok::Str("aA".into()), Tok::Name("x y".into())]);
        assert_eq!(toks("$$"), vec![Tok::Var("$".into())]);
        assert_eq!(toks("/ab+/i"), vec![Tok::Regex("ab+".into(), "i".into())]);
    }
}
