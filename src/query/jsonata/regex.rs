//! Regex literals (`/ab+c/i`), backed by `regex-lite` to keep the wasm small.
//!
//! JSONata reports match positions in characters, so byte offsets are converted here.

use super::error::{Error, Result};

#[derive(Debug)]
pub struct Pattern {
    re: regex_lite::Regex,
}

/// One match: byte ranges of the whole match and of each capture group.
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub groups: Vec<Option<(usize, usize)>>,
}

impl Pattern {
    pub fn new(source: &str, flags: &str) -> Result<Pattern> {
        let mut prefix = String::new();
        for f in flags.chars() {
            match f {
                'i' => prefix.push_str("(?i)"),
                'm' => prefix.push_str("(?m)"),
                's' => prefix.push_str("(?s)"),
                'g' => {}
                _ => return Err(Error::new("S0302", format!("Unsupported regular expression flag: {f}"))),
            }
        }
        let translated = translate(source);
        let re = regex_lite::Regex::new(&format!("{prefix}{translated}"))
            .map_err(|e| Error::new("S0302", format!("Invalid regular expression /{source}/: {e}")))?;
        Ok(Pattern { re })
    }

    /// First match starting at or after byte offset `from`.
    pub fn find_at(&self, text: &str, from: usize) -> Option<Found> {
        if from > text.len() {
            return None;
        }
        let caps = self.re.captures_at(text, from)?;
        let m = caps.get(0)?;
        let groups = (1..caps.len()).map(|i| caps.get(i).map(|g| (g.start(), g.end()))).collect();
        Some(Found { start: m.start(), end: m.end(), groups })
    }

    /// All non-overlapping matches (an empty match advances by one character).
    pub fn find_all(&self, text: &str, limit: Option<usize>) -> Vec<Found> {
        let mut out = Vec::new();
        let mut from = 0;
        while limit.is_none_or(|l| out.len() < l) {
            let Some(f) = self.find_at(text, from) else { break };
            from = if f.end == f.start { next_char_boundary(text, f.end) } else { f.end };
            let empty_at_end = f.start == f.end && f.start >= text.len();
            out.push(f);
            if empty_at_end || from > text.len() {
                break;
            }
        }
        out
    }
}

fn next_char_boundary(text: &str, i: usize) -> usize {
    let mut j = i + 1;
    while j < text.len() && !text.is_char_boundary(j) {
        j += 1;
    }
    j
}

/// Character index of a byte offset.
pub fn char_index(text: &str, byte: usize) -> usize {
    text.get(..byte).map_or(0, |s| s.chars().count())
}

/// JavaScript regex syntax that `regex-lite` spells differently.
fn translate(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                if let Some(n) = chars.next() {
                    // `\/` is just a slash.
                    if n == '/' {
                        out.pop();
                    }
                    out.push(n);
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                // `[^]` and `[]` edge cases are left to the engine.
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            '(' if !in_class && chars.peek() == Some(&'?') => {
                // Named groups `(?<name>` are accepted by regex-lite as is.
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}
