//! Number pictures: `$formatNumber` (XPath `format-number`), `$formatBase`, and
//! `$formatInteger`/`$parseInteger` (XPath `format-integer`: decimal digit patterns with
//! grouping, roman numerals, letters, English words, ordinals). `datetime.rs` reuses the
//! integer formatting for date components.

use super::error::{Error, Result};
use super::functions::round_half_even;
use super::jvalue::JV;

// ------------------------------------------------------------------ $formatBase

pub fn format_base(n: f64, radix: Option<f64>) -> Result<String> {
    let radix = radix.map_or(10, |r| r.floor() as i64);
    if !(2..=36).contains(&radix) {
        return Err(Error::new("D3100", format!("The radix of the formatBase function must be between 2 and 36.  It was given {radix}")));
    }
    let v = round_half_even(n, 0.0);
    let neg = v < 0.0;
    let mut x = v.abs();
    let mut digits = Vec::new();
    if x == 0.0 {
        digits.push('0');
    }
    while x >= 1.0 {
        let d = (x % radix as f64) as u32;
        digits.push(std::char::from_digit(d, radix as u32).unwrap_or('0'));
        x = (x / radix as f64).floor();
    }
    let mut s: String = digits.iter().rev().collect();
    if neg {
        s.insert(0, '-');
    }
    Ok(s)
}

// ------------------------------------------------------------------ $formatInteger

/// The kinds of integer picture.
#[derive(Clone, Debug, PartialEq)]
enum Primary {
    /// Decimal digits: zero of the digit family, mandatory digit count, grouping separators
    /// as (position from the right, character), and whether grouping repeats.
    Decimal { zero: char, min: usize, groups: Vec<(usize, char)>, regular: Option<usize> },
    Alpha(bool),
    Roman(bool),
    /// Words: upper, title case.
    Words { upper: bool, title: bool },
}

#[derive(Clone, Debug)]
pub struct IntPicture {
    primary: Primary,
    ordinal: bool,
}

/// Zero of the Unicode decimal digit family `c` belongs to.
pub fn digit_zero(c: char) -> Option<char> {
    if c.is_ascii_digit() {
        return Some('0');
    }
    // Common Nd blocks (each a run of ten from its zero).
    const ZEROS: &[u32] = &[
        0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20,
        0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0,
        0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6,
    ];
    let cp = c as u32;
    ZEROS.iter().find(|&&z| cp >= z && cp < z + 10).and_then(|&z| char::from_u32(z))
}

pub fn parse_int_picture(picture: &str) -> Result<IntPicture> {
    let (primary, modifier) = match picture.rfind(';') {
        Some(i) if i > 0 => (&picture[..i], &picture[i + 1..]),
        _ => (picture, ""),
    };
    let ordinal = modifier.starts_with('o');
    let p = match primary {
        "A" => Primary::Alpha(true),
        "a" => Primary::Alpha(false),
        "I" => Primary::Roman(true),
        "i" => Primary::Roman(false),
        "W" => Primary::Words { upper: true, title: false },
        "w" => Primary::Words { upper: false, title: false },
        "Ww" => Primary::Words { upper: false, title: true },
        _ => decimal_picture(primary)?,
    };
    Ok(IntPicture { primary: p, ordinal })
}

fn decimal_picture(p: &str) -> Result<Primary> {
    let chars: Vec<char> = p.chars().collect();
    let mut zero: Option<char> = None;
    let mut min = 0;
    let mut any_digit = false;
    for &c in &chars {
        if let Some(z) = digit_zero(c) {
            if zero.is_some_and(|x| x != z) {
                return Err(Error::new("D3131", "In a decimal digit pattern, all digits must be from the same decimal group"));
            }
            zero = Some(z);
            min += 1;
            any_digit = true;
        } else if c == '#' {
            any_digit = true;
        } else if c.is_alphanumeric() {
            return Err(Error::new("D3130", format!("Formatting or parsing an integer as '{p}' is not supported")));
        }
    }
    let Some(zero) = zero.filter(|_| any_digit) else {
        return Err(Error::new("D3130", format!("Formatting or parsing an integer as '{p}' is not supported")));
    };
    // Grouping separators: position = digits to the right.
    let mut groups = Vec::new();
    let mut count = 0;
    for &c in chars.iter().rev() {
        if digit_zero(c).is_some() || c == '#' {
            count += 1;
        } else {
            groups.push((count, c));
        }
    }
    Ok(Primary::Decimal { zero, min, regular: regular_grouping(&groups), groups })
}

/// A grouping is regular (repeats) when one separator character sits at N, 2N, 3N...
pub fn regular_grouping(groups: &[(usize, char)]) -> Option<usize> {
    let first = groups.first()?;
    let n = first.0;
    if n == 0 {
        return None;
    }
    for (i, (pos, c)) in groups.iter().enumerate() {
        if *c != first.1 || *pos != n * (i + 1) {
            return None;
        }
    }
    Some(n)
}

/// Inserts grouping separators into a digit string (ASCII digits).
pub fn group_digits(digits: &str, groups: &[(usize, char)], regular: Option<usize>) -> String {
    let chars: Vec<char> = digits.chars().collect();
    let n = chars.len();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        let from_right = n - i;
        if i > 0 {
            let sep = match regular {
                Some(r) => if from_right.is_multiple_of(r) { groups.first().map(|g| g.1) } else { None },
                None => groups.iter().find(|(p, _)| *p == from_right).map(|(_, c)| *c),
            };
            if let Some(s) = sep {
                out.push(s);
            }
        }
        out.push(*c);
    }
    out
}

pub fn map_digits(s: &str, zero: char) -> String {
    if zero == '0' {
        return s.to_string();
    }
    s.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_u32(zero as u32 + d).unwrap_or(c),
            None => c,
        })
        .collect()
}

pub fn format_integer(n: f64, picture: &str) -> Result<String> {
    let pic = parse_int_picture(picture)?;
    Ok(format_with(n, &pic))
}

pub fn format_with(n: f64, pic: &IntPicture) -> String {
    let neg = n < 0.0;
    let v = n.abs().floor();
    let body = match &pic.primary {
        Primary::Decimal { zero, min, groups, regular } => {
            let mut digits = format!("{v:.0}");
            while digits.len() < *min {
                digits.insert(0, '0');
            }
            let grouped = if groups.is_empty() { digits.clone() } else { group_digits(&digits, groups, *regular) };
            let mut s = map_digits(&grouped, *zero);
            if pic.ordinal {
                s.push_str(ordinal_suffix(v));
            }
            s
        }
        Primary::Alpha(upper) => alpha(v as u64, *upper),
        Primary::Roman(upper) => {
            // Beyond a few thousand, roman numerals are just a long run of M's.
            let r = if v < 1e7 { roman(v as u64) } else { format!("{v:.0}") };
            if *upper {
                r
            } else {
                r.to_lowercase()
            }
        }
        Primary::Words { upper, title } => {
            let mut w = words(v);
            if pic.ordinal {
                w = ordinal_words(&w);
            }
            if *upper {
                w.to_uppercase()
            } else if *title {
                title_case(&w)
            } else {
                w
            }
        }
    };
    if neg {
        format!("-{body}")
    } else {
        body
    }
}

fn ordinal_suffix(v: f64) -> &'static str {
    let n = (v % 100.0) as u64;
    if (11..=13).contains(&n) {
        return "th";
    }
    match n % 10 {
        1 => "st",
        2 => "nd",
        3 => "rd",
        _ => "th",
    }
}

fn alpha(mut n: u64, upper: bool) -> String {
    let base = if upper { b'A' } else { b'a' };
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push((base + (n % 26) as u8) as char);
        n /= 26;
    }
    out.iter().rev().collect()
}

const ROMAN: &[(u64, &str)] = &[
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
];

fn roman(mut n: u64) -> String {
    let mut out = String::new();
    for (v, s) in ROMAN {
        while n >= *v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

const UNITS: &[&str] = &[
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen",
    "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
];
const TENS: &[&str] = &["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
const SCALES: &[(f64, &str)] = &[(1e12, "trillion"), (1e9, "billion"), (1e6, "million"), (1e3, "thousand")];

fn words(n: f64) -> String {
    if n < 20.0 {
        return UNITS[n as usize].to_string();
    }
    if n < 100.0 {
        let t = (n / 10.0) as usize;
        let u = (n % 10.0) as usize;
        return if u == 0 { TENS[t].to_string() } else { format!("{}-{}", TENS[t], UNITS[u]) };
    }
    if n < 1000.0 {
        let h = (n / 100.0).floor();
        let rest = n - h * 100.0;
        let head = format!("{} hundred", UNITS[h as usize]);
        return if rest == 0.0 { head } else { format!("{head} and {}", words(rest)) };
    }
    for (scale, name) in SCALES {
        if n >= *scale {
            let hi = (n / scale).floor();
            let lo = n - hi * scale;
            let head = format!("{} {name}", words(hi));
            return if lo <= 0.0 {
                head
            } else if lo < 100.0 {
                format!("{head} and {}", words(lo))
            } else {
                format!("{head}, {}", words(lo))
            };
        }
    }
    String::new()
}

fn ordinal_words(w: &str) -> String {
    let cut = w.rfind([' ', '-']).map_or(0, |i| i + 1);
    let (head, last) = w.split_at(cut);
    let ord = match last {
        "one" => "first".to_string(),
        "two" => "second".to_string(),
        "three" => "third".to_string(),
        "five" => "fifth".to_string(),
        "eight" => "eighth".to_string(),
        "nine" => "ninth".to_string(),
        "twelve" => "twelfth".to_string(),
        l if l.ends_with('y') => format!("{}ieth", &l[..l.len() - 1]),
        l => format!("{l}th"),
    };
    format!("{head}{ord}")
}

fn title_case(w: &str) -> String {
    let mut out = String::new();
    let mut start = true;
    for word in w.split(' ') {
        if !out.is_empty() {
            out.push(' ');
        }
        if word == "and" {
            out.push_str(word);
            continue;
        }
        start = true;
        for c in word.chars() {
            if start {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
            start = c == '-';
        }
    }
    let _ = start;
    out
}

// ------------------------------------------------------------------ $parseInteger

pub fn parse_integer(s: &str, picture: &str) -> Result<Option<f64>> {
    let pic = parse_int_picture(picture)?;
    Ok(parse_with(s, &pic))
}

pub fn parse_with(s: &str, pic: &IntPicture) -> Option<f64> {
    match &pic.primary {
        Primary::Decimal { zero, .. } => {
            let mut v = 0.0;
            let mut any = false;
            for c in s.chars() {
                let d = if *zero == '0' { c.to_digit(10) } else { (c as u32).checked_sub(*zero as u32).filter(|d| *d < 10) };
                if let Some(d) = d {
                    v = v * 10.0 + d as f64;
                    any = true;
                }
            }
            any.then_some(v)
        }
        Primary::Alpha(_) => {
            let mut v: f64 = 0.0;
            for c in s.chars() {
                let c = c.to_ascii_lowercase();
                if !c.is_ascii_lowercase() {
                    return None;
                }
                v = v * 26.0 + (c as u8 - b'a' + 1) as f64;
            }
            Some(v)
        }
        Primary::Roman(_) => {
            let up = s.to_uppercase();
            let mut v: i64 = 0;
            let vals: Vec<i64> = up
                .chars()
                .map(|c| match c {
                    'I' => 1,
                    'V' => 5,
                    'X' => 10,
                    'L' => 50,
                    'C' => 100,
                    'D' => 500,
                    'M' => 1000,
                    _ => 0,
                })
                .collect();
            for (i, x) in vals.iter().enumerate() {
                if vals.get(i + 1).is_some_and(|n| n > x) {
                    v -= x;
                } else {
                    v += x;
                }
            }
            Some(v as f64)
        }
        Primary::Words { .. } => parse_words(s),
    }
}

fn word_value(w: &str) -> Option<f64> {
    let w = w.to_lowercase();
    if let Some(i) = UNITS.iter().position(|u| *u == w) {
        return Some(i as f64);
    }
    if let Some(i) = TENS.iter().position(|t| !t.is_empty() && *t == w) {
        return Some(i as f64 * 10.0);
    }
    // Ordinal forms.
    let ord = match w.as_str() {
        "first" => Some(1.0),
        "second" => Some(2.0),
        "third" => Some(3.0),
        "fifth" => Some(5.0),
        "eighth" => Some(8.0),
        "ninth" => Some(9.0),
        "twelfth" => Some(12.0),
        _ => None,
    };
    if ord.is_some() {
        return ord;
    }
    if let Some(stem) = w.strip_suffix("ieth") {
        return word_value(&format!("{stem}y"));
    }
    if let Some(stem) = w.strip_suffix("th") {
        if stem != w {
            return word_value(stem);
        }
    }
    None
}

fn scale_value(w: &str) -> Option<f64> {
    let w = w.to_lowercase();
    let w = w.strip_suffix("th").unwrap_or(&w).to_string();
    match w.as_str() {
        "hundred" => Some(100.0),
        "thousand" => Some(1e3),
        "million" => Some(1e6),
        "billion" => Some(1e9),
        "trillion" => Some(1e12),
        _ => None,
    }
}

fn parse_words(s: &str) -> Option<f64> {
    let mut total = 0.0;
    let mut current = 0.0;
    let mut last_scale = 0.0;
    for w in s.split([' ', ',', '-']).filter(|w| !w.is_empty()) {
        if w.eq_ignore_ascii_case("and") {
            continue;
        }
        if let Some(sc) = scale_value(w) {
            if sc == 100.0 {
                current *= 100.0;
            } else if sc >= last_scale || total == 0.0 {
                total = (total + current) * sc;
                last_scale = sc;
                current = 0.0;
            } else {
                total += current * sc;
                last_scale = sc;
                current = 0.0;
            }
        } else {
            current += word_value(w)?;
        }
    }
    Some(total + current)
}

// ------------------------------------------------------------------ $formatNumber

struct Symbols {
    decimal: char,
    grouping: char,
    exponent: char,
    minus: char,
    percent: String,
    per_mille: String,
    zero: char,
    digit: char,
    pattern: char,
    infinity: String,
    nan: String,
}

fn symbols(options: Option<&JV>) -> Symbols {
    let mut s = Symbols {
        decimal: '.',
        grouping: ',',
        exponent: 'e',
        minus: '-',
        percent: "%".into(),
        per_mille: "\u{2030}".into(),
        zero: '0',
        digit: '#',
        pattern: ';',
        infinity: "Infinity".into(),
        nan: "NaN".into(),
    };
    if let Some(JV::Obj(m)) = options {
        for (k, v) in m.iter() {
            let Some(t) = v.as_str() else { continue };
            let c = t.chars().next().unwrap_or(' ');
            match &**k {
                "decimal-separator" => s.decimal = c,
                "grouping-separator" => s.grouping = c,
                "exponent-separator" => s.exponent = c,
                "minus-sign" => s.minus = c,
                "percent" => s.percent = t.into(),
                "per-mille" => s.per_mille = t.into(),
                "zero-digit" => s.zero = c,
                "digit" => s.digit = c,
                "pattern-separator" => s.pattern = c,
                "infinity" => s.infinity = t.into(),
                "NaN" => s.nan = t.into(),
                _ => {}
            }
        }
    }
    s
}

struct SubPicture {
    prefix: String,
    suffix: String,
    int_groups: Vec<(usize, char)>,
    regular: Option<usize>,
    frac_groups: Vec<usize>,
    min_int: usize,
    has_int_optional: bool,
    min_frac: usize,
    max_frac: usize,
    exponent: Option<usize>,
    percent: bool,
    per_mille: bool,
}

fn err(code: &str, msg: &str) -> Error {
    Error::new(code, msg.to_string())
}

fn analyse(sub: &str, sy: &Symbols) -> Result<SubPicture> {
    let chars: Vec<char> = sub.chars().collect();
    let is_digit = |c: char| (c as u32) >= sy.zero as u32 && (c as u32) < sy.zero as u32 + 10;
    let is_mantissa_char = |c: char| is_digit(c) || c == sy.digit || c == sy.decimal || c == sy.grouping;
    let count = |pat: &str| if pat.is_empty() { 0 } else { sub.matches(pat).count() };
    let first = chars.iter().position(|&c| is_mantissa_char(c));
    let Some(first) = first else {
        return Err(err("D3086", "A sub-picture must contain at least one digit or decimal separator"));
    };
    let (np, nm) = (count(&sy.percent), count(&sy.per_mille));
    if np > 1 {
        return Err(err("D3082", "A sub-picture must not contain more than one percent character"));
    }
    if nm > 1 {
        return Err(err("D3083", "A sub-picture must not contain more than one per-mille character"));
    }
    if np > 0 && nm > 0 {
        return Err(err("D3084", "A sub-picture must not contain both a percent and a per-mille character"));
    }
    let last = chars.iter().rposition(|&c| is_mantissa_char(c) || c == sy.exponent).unwrap_or(first);
    let prefix: String = chars[..first].iter().collect();
    let suffix: String = chars[last + 1..].iter().collect();
    let middle = &chars[first..=last];
    // Split off an exponent: separator followed only by digits.
    let mut mantissa: &[char] = middle;
    let mut exponent = None;
    if let Some(e) = middle.iter().position(|&c| c == sy.exponent) {
        let exp = &middle[e + 1..];
        if !exp.is_empty() && e > 0 {
            if !exp.iter().all(|&c| is_digit(c)) {
                return Err(err("D3093", "The exponent part of a sub-picture must contain only digits"));
            }
            if np > 0 || nm > 0 {
                return Err(err("D3092", "A sub-picture that contains a percent or per-mille character must not contain an exponent"));
            }
            exponent = Some(exp.len());
            mantissa = &middle[..e];
        }
    }
    if mantissa.iter().any(|&c| !is_mantissa_char(c)) {
        return Err(err("D3086", "A sub-picture must not contain a passive character between active characters"));
    }
    if mantissa.iter().filter(|&&c| c == sy.decimal).count() > 1 {
        return Err(err("D3081", "A sub-picture must not contain more than one decimal separator"));
    }
    if !mantissa.iter().any(|&c| is_digit(c) || c == sy.digit) {
        return Err(err("D3085", "The mantissa part of a sub-picture must contain at least one digit"));
    }
    for w in mantissa.windows(2) {
        if (w[0] == sy.grouping && w[1] == sy.decimal) || (w[0] == sy.decimal && w[1] == sy.grouping) {
            return Err(err("D3087", "A grouping separator must not be adjacent to a decimal separator"));
        }
        if w[0] == sy.grouping && w[1] == sy.grouping {
            return Err(err("D3089", "A sub-picture must not contain two adjacent grouping separators"));
        }
    }
    let dp = mantissa.iter().position(|&c| c == sy.decimal);
    let (int_part, frac_part) = match dp {
        Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
        None => (mantissa, &mantissa[mantissa.len()..]),
    };
    if int_part.last() == Some(&sy.grouping) {
        return Err(err("D3088", "The integer part of a sub-picture must not end with a grouping separator"));
    }
    let mut seen_digit = false;
    for &c in int_part {
        if is_digit(c) {
            seen_digit = true;
        } else if c == sy.digit && seen_digit {
            return Err(err("D3090", "The integer part must not contain an optional digit after a mandatory digit"));
        }
    }
    let mut seen_opt = false;
    for &c in frac_part {
        if c == sy.digit {
            seen_opt = true;
        } else if is_digit(c) && seen_opt {
            return Err(err("D3091", "The fractional part must not contain a mandatory digit after an optional digit"));
        }
    }
    let mut int_groups = Vec::new();
    let mut n = 0;
    for &c in int_part.iter().rev() {
        if c == sy.grouping {
            int_groups.push((n, sy.grouping));
        } else {
            n += 1;
        }
    }
    let mut frac_groups = Vec::new();
    let mut n = 0;
    for &c in frac_part {
        if c == sy.grouping {
            frac_groups.push(n);
        } else {
            n += 1;
        }
    }
    let mut min_int = int_part.iter().filter(|&&c| is_digit(c)).count();
    let has_int_optional = int_part.contains(&sy.digit);
    let mut min_frac = frac_part.iter().filter(|&&c| is_digit(c)).count();
    let mut max_frac = frac_part.iter().filter(|&&c| is_digit(c) || c == sy.digit).count();
    if min_int == 0 && max_frac == 0 {
        if exponent.is_some() {
            min_frac = 1;
            max_frac = 1;
        } else {
            min_int = 1;
        }
    }
    Ok(SubPicture {
        prefix,
        suffix,
        regular: regular_grouping(&int_groups),
        int_groups,
        frac_groups,
        min_int,
        has_int_optional,
        min_frac,
        max_frac,
        exponent,
        percent: np > 0,
        per_mille: nm > 0,
    })
}

pub fn format_number(n: f64, picture: &str, options: Option<&JV>) -> Result<String> {
    let sy = symbols(options);
    let subs: Vec<&str> = picture.split(sy.pattern).collect();
    if subs.len() > 2 {
        return Err(err("D3080", "The picture string must not contain more than one pattern separator"));
    }
    let pos = analyse(subs[0], &sy)?;
    let neg = match subs.get(1) {
        Some(s) => Some(analyse(s, &sy)?),
        None => None,
    };
    if n.is_nan() {
        return Ok(sy.nan.clone());
    }
    let (pic, prefix) = if n < 0.0 {
        match &neg {
            Some(p) => (p, p.prefix.clone()),
            None => (&pos, format!("{}{}", sy.minus, pos.prefix)),
        }
    } else {
        (&pos, pos.prefix.clone())
    };
    if n.is_infinite() {
        return Ok(format!("{prefix}{}{}", sy.infinity, pic.suffix));
    }
    let mut v = n.abs();
    if pic.percent {
        v *= 100.0;
    } else if pic.per_mille {
        v *= 1000.0;
    }
    let mut exp_value = 0i32;
    if pic.exponent.is_some() && v != 0.0 {
        let s = pic.min_int as i32;
        // Mantissa with `s` integer digits (or below 1 when s == 0).
        let mut e = v.log10().floor() as i32 + 1 - s;
        let mut m = v / 10f64.powi(e);
        m = round_half_even(m, pic.max_frac as f64);
        if m >= 10f64.powi(s.max(0)) && s > 0 || (s == 0 && m >= 1.0) {
            e += 1;
            m = round_half_even(v / 10f64.powi(e), pic.max_frac as f64);
        }
        exp_value = e;
        v = m;
    } else {
        v = round_half_even(v, pic.max_frac as f64);
    }
    let text = format!("{:.*}", pic.max_frac, v);
    let (int_digits, frac_digits) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), f.to_string()),
        None => (text.clone(), String::new()),
    };
    let mut int_digits = int_digits.trim_start_matches('0').to_string();
    while int_digits.len() < pic.min_int {
        int_digits.insert(0, '0');
    }
    let mut frac_digits = frac_digits;
    while frac_digits.len() > pic.min_frac && frac_digits.ends_with('0') {
        frac_digits.pop();
    }
    if int_digits.is_empty() && frac_digits.is_empty() {
        int_digits.push('0');
    }
    if int_digits.is_empty() && pic.has_int_optional && pic.exponent.is_some() {
        int_digits.push('0');
    }
    let mut out = prefix;
    let grouped = if pic.int_groups.is_empty() { int_digits } else { group_digits(&int_digits, &pic.int_groups, pic.regular) };
    out.push_str(&map_digits(&grouped, sy.zero));
    if !frac_digits.is_empty() {
        out.push(sy.decimal);
        let mut f = String::new();
        for (i, c) in frac_digits.chars().enumerate() {
            if i > 0 && pic.frac_groups.contains(&i) {
                f.push(sy.grouping);
            }
            f.push(c);
        }
        out.push_str(&map_digits(&f, sy.zero));
    }
    if let Some(min_exp) = pic.exponent {
        out.push(sy.exponent);
        if exp_value < 0 {
            out.push(sy.minus);
        }
        let mut e = exp_value.unsigned_abs().to_string();
        while e.len() < min_exp {
            e.insert(0, '0');
        }
        out.push_str(&map_digits(&e, sy.zero));
    }
    out.push_str(&pic.suffix);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_in_words_and_numerals() {
        assert_eq!(format_integer(3730.0, "w").unwrap(), "three thousand, seven hundred and thirty");
        assert_eq!(format_integer(1e46, "w").unwrap(), "ten billion trillion trillion trillion");
        assert_eq!(parse_integer("ten billion trillion trillion trillion", "w").unwrap(), Some(1e46));
        assert_eq!(format_integer(1984.0, "I").unwrap(), "MCMLXXXIV");
        assert_eq!(format_integer(1234567890.0, "#:###,##0").unwrap(), "1234:567,890");
        assert_eq!(format_integer(123456.0, "A").unwrap(), "FZPH");
    }

    #[test]
    fn number_pictures() {
        assert_eq!(format_number(12345.6, "#,###.00", None).unwrap(), "12,345.60");
        assert_eq!(format_number(1234.5678, "00.000e0", None).unwrap(), "12.346e2");
        assert_eq!(format_number(0.234, "0.0e0", None).unwrap(), "2.3e-1");
        assert_eq!(format_number(20.0, "0,,0", None).unwrap_err().code, "D3089");
    }
}
