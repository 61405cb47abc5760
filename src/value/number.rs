//! JSON numbers: integers exactly, floats as doubles, and the original text where writing the
//! double back would change it (AWS echoes `0.0` as `0.0` and `1E+2` as `1E+2`).

use std::rc::Rc;

#[derive(Clone, Debug)]
pub enum Number {
    Int(i64),
    Float(f64),
    /// Parsed from text that the canonical writer would not reproduce. Boxed: such numbers
    /// are rare, and every `Value` is a word smaller for it.
    Text(Rc<NumberText>),
}

#[derive(Debug)]
pub struct NumberText {
    pub text: Box<str>,
    /// The double the text reads as.
    pub value: f64,
}

impl Number {
    /// Integral values in i64 range become `Int`; NaN and infinities are not JSON numbers.
    pub fn from_f64(f: f64) -> Option<Number> {
        if !f.is_finite() {
            return None;
        }
        if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
            Some(Number::Int(f as i64))
        } else {
            Some(Number::Float(f))
        }
    }

    /// Reads number text as written in JSON (already validated by the parser).
    pub fn from_json_text(text: &str) -> Number {
        // Most numbers in payloads are short integers: read those digit by digit (up to 18
        // digits cannot overflow), without the general integer parser.
        let (negative, digits) = match text.as_bytes() {
            [b'-', rest @ ..] => (true, rest),
            all => (false, all),
        };
        if !digits.is_empty() && digits.len() <= 18 && digits.iter().all(u8::is_ascii_digit) {
            let n = digits.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0'));
            match (negative, n) {
                (false, n) => return Number::Int(n),
                (true, 0) => {} // -0 is a float
                (true, n) => return Number::Int(-n),
            }
        }
        if let Ok(i) = text.parse::<i64>() {
            if !text.starts_with("-0") || i != 0 {
                return Number::Int(i);
            }
        }
        let f: f64 = text.parse().unwrap_or(f64::NAN);
        if f.is_finite() && format_f64(f) == text {
            Number::Float(f)
        } else if f.is_finite() {
            Number::text(text, f)
        } else {
            // Out of double range: keep the text, compare as infinity.
            Number::text(text, f)
        }
    }

    fn text(text: &str, value: f64) -> Number {
        Number::Text(Rc::new(NumberText { text: text.into(), value }))
    }

    pub fn as_f64(&self) -> f64 {
        match self {
            Number::Int(i) => *i as f64,
            Number::Float(f) => *f,
            Number::Text(t) => t.value,
        }
    }

    /// The value as an integer when it has no fractional part and fits.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(*i),
            Number::Float(_) | Number::Text(_) => {
                let f = self.as_f64();
                if f.fract() == 0.0 && f.abs() < 9.2e18 {
                    Some(f as i64)
                } else {
                    None
                }
            }
        }
    }

    /// True for integers and for floats without a fractional part.
    pub fn is_integral(&self) -> bool {
        match self {
            Number::Int(_) => true,
            Number::Float(_) | Number::Text(_) => self.as_f64().is_finite() && self.as_f64().fract() == 0.0,
        }
    }

    /// True when the text had a decimal point or exponent (Java's "is this a double").
    pub fn is_float_text(&self) -> bool {
        match self {
            Number::Int(_) => false,
            Number::Float(_) => true,
            Number::Text(t) => t.text.contains(['.', 'e', 'E']),
        }
    }

    pub fn write(&self, out: &mut String) {
        match self {
            Number::Int(i) => write_int(*i, out),
            Number::Float(f) => out.push_str(&format_f64(*f)),
            Number::Text(t) => out.push_str(&t.text),
        }
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => a == b,
            _ => self.as_f64() == other.as_f64(),
        }
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Number) -> Option<std::cmp::Ordering> {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => a.partial_cmp(b),
            _ => self.as_f64().partial_cmp(&other.as_f64()),
        }
    }
}

/// Writes an integer in decimal without going through `core::fmt` (every number of every
/// payload written as JSON comes here).
pub fn write_int(i: i64, out: &mut String) {
    if i < 0 {
        out.push('-');
    }
    write_uint(i.unsigned_abs(), out);
}

/// `write_int` for an unsigned number (ids and counts of the boundary's replies too).
pub fn write_uint(mut n: u64, out: &mut String) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // One copy of the digits, where extending by chars reserved and encoded them one by one.
    if let Ok(text) = std::str::from_utf8(&digits[at..]) {
        out.push_str(text);
    }
}

/// Formats a double the way JavaScript's `Number.prototype.toString` does: the shortest
/// digits that read back to the same double, plain notation for exponents -7..21.
pub fn format_f64(f: f64) -> String {
    if f == 0.0 {
        return "0".into();
    }
    if !f.is_finite() {
        return if f.is_nan() { "NaN".into() } else if f > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    // `{:e}` gives the shortest round-trip digits: "d.ddddde<exp>".
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i32;
    let n = exp + 1; // position of the decimal point relative to the digits
    let mut out = String::new();
    if f < 0.0 {
        out.push('-');
    }
    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        out.push_str(&digits[..n as usize]);
        out.push('.');
        out.push_str(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if n > 0 { '+' } else { '-' });
        out.push_str(&(n - 1).abs().to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_read_and_write_back() {
        for text in ["0", "7", "-7", "10", "123456789012345678", "-123456789012345678", "1234567890123456789", "9223372036854775807", "-9223372036854775808"] {
            let n = Number::from_json_text(text);
            assert!(matches!(n, Number::Int(_)), "{text}: {n:?}");
            let mut out = String::new();
            n.write(&mut out);
            assert_eq!(out, text);
        }
        // -0 is not an integer (its text is kept), and what is not a short integer takes the
        // general path.
        let minus_zero = Number::from_json_text("-0");
        assert!(!matches!(minus_zero, Number::Int(_)) && minus_zero.as_f64() == 0.0);
        assert_eq!(Number::from_json_text("1.5"), Number::Float(1.5));
        assert_eq!(Number::from_json_text("1e3").as_f64(), 1000.0);
        assert_eq!(Number::from_json_text("99999999999999999999").as_f64(), 1e20);
        let mut out = String::new();
        write_int(i64::MIN, &mut out);
        assert_eq!(out, i64::MIN.to_string());
        out.clear();
        write_uint(u64::MAX, &mut out);
        write_uint(0, &mut out);
        assert_eq!(out, format!("{}0", u64::MAX));
    }

    #[test]
    fn formats_like_javascript() {
        assert_eq!(format_f64(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(format_f64(1.5), "1.5");
        assert_eq!(format_f64(1e21), "1e+21");
        assert_eq!(format_f64(1e-7), "1e-7");
        assert_eq!(format_f64(123456.0), "123456");
        assert_eq!(format_f64(0.000001), "0.000001");
        assert_eq!(format_f64(-2.5e-10), "-2.5e-10");
    }

    #[test]
    fn keeps_text_that_would_change() {
        let mut s = String::new();
        Number::from_json_text("0.0").write(&mut s);
        assert_eq!(s, "0.0");
        assert_eq!(Number::from_json_text("0.0"), Number::Int(0));
        assert!(matches!(Number::from_json_text("1.5"), Number::Float(_)));
        assert!(matches!(Number::from_json_text("42"), Number::Int(42)));
        let big = Number::from_json_text("123456789012345678901234567890");
        let mut s = String::new();
        big.write(&mut s);
        assert_eq!(s, "123456789012345678901234567890");
    }
}
