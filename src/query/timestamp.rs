//! Timestamps the way Step Functions reads and writes them.
//!
//! Two grammars are in play:
//!
//! * **Run time** (`Timestamp::parse`): Wait `TimestampPath` (and a JSONata `Timestamp`), the
//!   Choice `Timestamp*` operators and `IsTimestamp`. AWS's error text names it: "not a valid
//!   ISO-8601 extended offset date-time format string", which is the description of Java's
//!   `DateTimeFormatter.ISO_OFFSET_DATE_TIME`, so this follows that formatter:
//!   `yyyy-MM-dd'T'HH:mm[:ss[.fffffffff]]<offset>` with `T`/`Z` in either case, 0 to 9
//!   fraction digits (a bare `.` included), seconds optional, strict calendar checks, and an
//!   offset of `Z`, `+HH`, `+HH:mm` or `+HH:mm:ss` (at most 18 hours). A space instead of `T`,
//!   a missing offset, hour 24 or 25, month 13 are all rejected (corpus:
//!   `test_wait_timestamp_path__{no_t,no_z,invalid_time,invalid_date,invalid_iso}`; nine
//!   fraction digits are accepted: `__nanoseconds`).
//! * **Definition time** (`Timestamp::parse_rfc3339`): a literal `Timestamp` field (Wait) or
//!   `Timestamp*` operand (Choice). AWS answers "String does not match RFC3339 timestamp", so this
//!   is RFC 3339's `date-time`: seconds required, at least one fraction digit, offset `Z` or
//!   `+HH:MM`.
//!
//! A `Timestamp` is an instant with nanosecond precision (seconds since the Unix epoch plus
//! nanoseconds), so comparisons never lose the sub-millisecond part.

use super::QueryError;
use crate::value::Value;

/// An instant: whole seconds since 1970-01-01T00:00:00Z and the nanoseconds within that second.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    seconds: i64,
    nanos: u32,
}

impl Timestamp {
    /// From seconds and nanoseconds; nanoseconds beyond a second carry over.
    pub fn new(seconds: i64, nanos: u32) -> Timestamp {
        let carry = i64::from(nanos / 1_000_000_000);
        Timestamp { seconds: seconds.saturating_add(carry), nanos: nanos % 1_000_000_000 }
    }

    pub fn from_epoch_millis(ms: i64) -> Timestamp {
        Timestamp { seconds: ms.div_euclid(1000), nanos: (ms.rem_euclid(1000) as u32) * 1_000_000 }
    }

    /// Whole seconds since the epoch (floor).
    pub fn epoch_seconds(&self) -> i64 {
        self.seconds
    }

    /// Nanoseconds within the second, 0..1e9.
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Milliseconds since the epoch, rounded down (sub-millisecond digits are dropped).
    pub fn epoch_millis(&self) -> i64 {
        self.seconds.saturating_mul(1000).saturating_add(i64::from(self.nanos / 1_000_000))
    }

    /// Milliseconds since the epoch as a double, sub-millisecond digits kept as a fraction.
    pub fn epoch_millis_f64(&self) -> f64 {
        self.seconds as f64 * 1000.0 + f64::from(self.nanos) / 1_000_000.0
    }

    /// Nanoseconds since the epoch, exactly.
    pub fn epoch_nanos(&self) -> i128 {
        i128::from(self.seconds) * 1_000_000_000 + i128::from(self.nanos)
    }

    /// Parses a timestamp as AWS does at run time (Java `ISO_OFFSET_DATE_TIME`); `None` when it
    /// is not one.
    pub fn parse(text: &str) -> Option<Timestamp> {
        let mut c = Cursor { b: text.as_bytes(), pos: 0 };
        let year = c.java_year()?;
        let (month, day) = c.month_day(year)?;
        if !c.eat_ci(b'T') {
            return None;
        }
        let hour = c.two_digits()?;
        if !c.eat(b':') {
            return None;
        }
        let minute = c.two_digits()?;
        let (mut second, mut nanos) = (0, 0);
        if c.eat(b':') {
            second = c.two_digits()?;
            if c.eat(b'.') {
                let (n, digits) = c.digits_up_to(9);
                let _ = digits; // Java accepts "." with no digits
                nanos = n;
            }
        }
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        let offset = c.java_offset()?;
        if c.pos != c.b.len() {
            return None;
        }
        Some(assemble(year, month, day, hour, minute, second, nanos, offset))
    }

    /// Checks a definition literal against RFC 3339 `date-time` and gives its instant. A leap
    /// second (`:60`) counts as the first second of the next minute; fraction digits beyond
    /// nanoseconds are dropped.
    pub fn parse_rfc3339(text: &str) -> Option<Timestamp> {
        let mut c = Cursor { b: text.as_bytes(), pos: 0 };
        let year = c.fixed_digits(4)? as i64;
        let (month, day) = c.month_day(year)?;
        if !c.eat_ci(b'T') {
            return None;
        }
        let hour = c.two_digits()?;
        if !c.eat(b':') {
            return None;
        }
        let minute = c.two_digits()?;
        if !c.eat(b':') {
            return None;
        }
        let second = c.two_digits()?;
        let mut nanos = 0;
        if c.eat(b'.') {
            let (n, digits) = c.digits_up_to(9);
            if digits == 0 {
                return None;
            }
            nanos = n;
            while c.peek().is_some_and(|b| b.is_ascii_digit()) {
                c.pos += 1;
            }
        }
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let offset = if c.eat_ci(b'Z') {
            0
        } else {
            let sign = match c.peek()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            c.pos += 1;
            let oh = c.two_digits()?;
            if !c.eat(b':') {
                return None;
            }
            let om = c.two_digits()?;
            if oh > 23 || om > 59 {
                return None;
            }
            sign * (oh as i64 * 3600 + om as i64 * 60)
        };
        if c.pos != c.b.len() {
            return None;
        }
        Some(assemble(year, month, day, hour, minute, second, nanos, offset))
    }

    /// AWS's text for an instant, as in the context object (`$$.Execution.StartTime`):
    /// UTC, always three fraction digits, e.g. `2024-03-06T10:29:14.123Z`.
    pub fn to_iso_millis(&self) -> String {
        // Written digit by digit: every history event's timestamp is written with this.
        let days = self.seconds.div_euclid(86_400);
        let secs = self.seconds.rem_euclid(86_400) as u64;
        let (y, m, d) = civil_from_days(days);
        let mut out = String::with_capacity(24);
        if (0..=9999).contains(&y) {
            push_padded(&mut out, y as u64, 4);
        } else if y > 9999 {
            out.push('+');
            crate::value::write_uint(y as u64, &mut out);
        } else {
            out.push('-');
            push_padded(&mut out, y.unsigned_abs(), 4);
        }
        for (sep, n, width) in [('-', m as u64, 2), ('-', d as u64, 2), ('T', secs / 3600, 2), (':', secs % 3600 / 60, 2), (':', secs % 60, 2), ('.', (self.nanos / 1_000_000) as u64, 3)] {
            out.push(sep);
            push_padded(&mut out, n, width);
        }
        out.push('Z');
        out
    }
}

/// `n` in decimal, with leading zeros up to `width` digits.
fn push_padded(out: &mut String, n: u64, width: usize) {
    let digits = n.checked_ilog10().map_or(1, |l| l as usize + 1);
    for _ in digits..width {
        out.push('0');
    }
    crate::value::write_uint(n, out);
}

/// A definition literal (Wait `Timestamp`, Choice `Timestamp*` operand) as epoch milliseconds
/// (with sub-millisecond digits as a fraction), or `None` when AWS would answer
/// "String does not match RFC3339 timestamp". For run-time values use
/// `parse_runtime_timestamp` / `Timestamp::parse`, whose grammar differs.
pub fn parse_timestamp(s: &str) -> Option<f64> {
    Timestamp::parse_rfc3339(s).map(|t| t.epoch_millis_f64())
}

/// A run-time value (Wait `TimestampPath`, JSONata `Timestamp`) as epoch milliseconds, or
/// `None` when it is not an ISO-8601 extended offset date-time.
pub fn parse_runtime_timestamp(s: &str) -> Option<f64> {
    Timestamp::parse(s).map(|t| t.epoch_millis_f64())
}

/// Epoch milliseconds (fraction dropped) -> `2024-03-06T10:29:14.123Z`.
pub fn format_timestamp(ms: f64) -> String {
    let ms = if ms.is_finite() { ms.floor().clamp(i64::MIN as f64, i64::MAX as f64) as i64 } else { 0 };
    format_epoch_millis(ms)
}

/// Epoch milliseconds -> `2024-03-06T10:29:14.123Z`.
pub fn format_epoch_millis(ms: i64) -> String {
    Timestamp::from_epoch_millis(ms).to_iso_millis()
}

/// A value as a run-time timestamp: a string that `Timestamp::parse` accepts.
pub fn value_timestamp(v: &Value) -> Option<Timestamp> {
    v.as_str().and_then(Timestamp::parse)
}

/// Wait `TimestampPath` naming something that is not a timestamp (`States.Runtime`).
pub fn timestamp_path_error(path: &str, found: &Value) -> QueryError {
    QueryError::runtime(format!(
        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {path} == {}",
        shown(found)
    ))
}

/// A JSONata `Timestamp` field that did not evaluate to a timestamp
/// (`States.QueryEvaluationError`).
pub fn timestamp_field_error(found: &Value) -> QueryError {
    QueryError::new(
        "States.QueryEvaluationError",
        format!("The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {}", shown(found)),
    )
    .at("Timestamp")
}

fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        other => other.to_json(),
    }
}

#[allow(clippy::too_many_arguments)]
fn assemble(year: i64, month: u32, day: u32, hour: u32, minute: u32, second: u32, nanos: u32, offset: i64) -> Timestamp {
    let days = days_from_civil(year, month, day);
    let local = days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second);
    Timestamp { seconds: local - offset, nanos }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn is_leap(year: i64) -> bool {
    year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_ci(&mut self, upper: u8) -> bool {
        if self.peek().is_some_and(|b| b.eq_ignore_ascii_case(&upper)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn fixed_digits(&mut self, n: usize) -> Option<u32> {
        let slice = self.b.get(self.pos..self.pos + n)?;
        if !slice.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.pos += n;
        Some(slice.iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0')))
    }

    fn two_digits(&mut self) -> Option<u32> {
        self.fixed_digits(2)
    }

    /// Up to `max` digits as a fraction scaled to nanoseconds; returns (nanos, digit count).
    fn digits_up_to(&mut self, max: usize) -> (u32, usize) {
        let mut value = 0u32;
        let mut n = 0;
        while n < max {
            match self.peek() {
                Some(b) if b.is_ascii_digit() => {
                    value = value * 10 + u32::from(b - b'0');
                    self.pos += 1;
                    n += 1;
                }
                _ => break,
            }
        }
        let mut scaled = value;
        for _ in n..9 {
            scaled *= 10;
        }
        (scaled, n)
    }

    /// Java's `appendValue(YEAR, 4, 10, EXCEEDS_PAD)` in strict mode: four digits unsigned,
    /// more than four only after `+`, `-` with at least four digits and not zero.
    fn java_year(&mut self) -> Option<i64> {
        let sign = match self.peek()? {
            b'+' => Some(1),
            b'-' => Some(-1),
            _ => None,
        };
        if sign.is_some() {
            self.pos += 1;
        }
        let start = self.pos;
        while self.pos - start < 10 && self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        let n = self.pos - start;
        let digits = std::str::from_utf8(&self.b[start..self.pos]).ok()?;
        let value: i64 = digits.parse().ok()?;
        match sign {
            None if n == 4 => Some(value),
            Some(1) if n > 4 => Some(value),
            Some(-1) if n >= 4 && value != 0 => Some(-value),
            _ => None,
        }
        .filter(|y| y.abs() <= 999_999_999)
    }

    /// `-MM-dd`, checked against the calendar.
    fn month_day(&mut self, year: i64) -> Option<(u32, u32)> {
        if !self.eat(b'-') {
            return None;
        }
        let month = self.two_digits()?;
        if !self.eat(b'-') {
            return None;
        }
        let day = self.two_digits()?;
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        Some((month, day))
    }

    /// Java's lenient `appendOffset("+HH:MM:ss", "Z")`: `Z`/`z`, `+HH`, `+HH:mm`, `+HH:mm:ss`.
    /// Returns the offset in seconds.
    fn java_offset(&mut self) -> Option<i64> {
        if self.eat_ci(b'Z') {
            return Some(0);
        }
        let sign = match self.peek()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        self.pos += 1;
        let hours = self.two_digits()?;
        let mut minutes = 0;
        let mut seconds = 0;
        if self.b.get(self.pos) == Some(&b':') && self.b.get(self.pos + 1).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
            minutes = self.two_digits()?;
            if self.b.get(self.pos) == Some(&b':') && self.b.get(self.pos + 1).is_some_and(u8::is_ascii_digit) {
                self.pos += 1;
                seconds = self.two_digits()?;
            }
        }
        if hours > 18 || minutes > 59 || seconds > 59 {
            return None;
        }
        let total = i64::from(hours * 3600 + minutes * 60 + seconds);
        if total > 18 * 3600 {
            return None;
        }
        Some(sign * total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(text: &str) -> Option<i64> {
        Timestamp::parse(text).map(|t| t.epoch_millis())
    }

    #[test]
    fn accepts_the_corpus_forms() {
        assert_eq!(ms("2016-03-14T01:59:00Z"), Some(1_457_920_740_000));
        assert_eq!(ms("2012-10-09T19:00:55Z"), Some(1_349_809_255_000));
        let t = Timestamp::parse("2016-03-05T21:29:29.243167252Z").unwrap();
        assert_eq!(t.epoch_millis(), 1_457_213_369_243);
        assert_eq!(t.subsec_nanos(), 243_167_252);
        assert_eq!(ms("2012-10-09T19:00:55+01:00"), Some(1_349_805_655_000));
    }

    #[test]
    fn rejects_the_corpus_forms() {
        for bad in [
            "2016-12-05 21:29:29Z",
            "2016-12-05T21:29:29",
            "2016-12-05T25:29:29Z",
            "2016-13-05T21:29:29Z",
            "05-12-2016T21:29:29Z",
            "2023-02-24 12:15:56.832957",
            "2023-02-24",
            "",
            " ",
            "HelloWorld",
        ] {
            assert_eq!(Timestamp::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn java_iso_offset_date_time_details() {
        // Case-insensitive T and Z, optional seconds, offsets with and without minutes.
        assert_eq!(ms("2016-03-14t01:59:00z"), ms("2016-03-14T01:59:00Z"));
        assert_eq!(ms("2016-03-14T01:59Z"), ms("2016-03-14T01:59:00Z"));
        assert_eq!(ms("2016-03-14T02:59:00+01"), ms("2016-03-14T01:59:00Z"));
        assert_eq!(ms("2016-03-14T02:59:30+01:00:30"), ms("2016-03-14T01:59:00Z"));
        assert_eq!(ms("2016-03-14T01:59:00-00:00"), ms("2016-03-14T01:59:00Z"));
        assert_eq!(ms("2016-03-14T01:59:00.Z"), ms("2016-03-14T01:59:00Z"));
        assert_eq!(ms("2016-03-14T01:59:00.5Z"), Some(1_457_920_740_500));
        // Rejected: ten fraction digits, compact offset, offset beyond 18h, Feb 30, hour 24,
        // fraction without seconds, leap second, unsigned five-digit year, "+" four-digit year.
        for bad in [
            "2016-03-14T01:59:00.1234567890Z",
            "2016-03-14T01:59:00+0100",
            "2016-03-14T01:59:00+19:00",
            "2016-03-14T01:59:00+18:01",
            "2016-02-30T01:59:00Z",
            "2016-03-14T24:00:00Z",
            "2016-03-14T01:59.5Z",
            "2016-03-14T01:59:60Z",
            "20160-03-14T01:59:00Z",
            "+2016-03-14T01:59:00Z",
            "2016-03-14T01:59:00+01:",
            "2016-03-14T01:59:00Z ",
            "２016-03-14T01:59:00Z",
        ] {
            assert_eq!(Timestamp::parse(bad), None, "{bad}");
        }
        assert!(Timestamp::parse("2016-02-29T00:00:00Z").is_some());
        assert!(Timestamp::parse("2015-02-29T00:00:00Z").is_none());
        assert!(Timestamp::parse("+12016-03-14T01:59:00Z").is_some());
        assert!(Timestamp::parse("-0001-03-14T01:59:00Z").is_some());
        assert!(Timestamp::parse("-0000-03-14T01:59:00Z").is_none());
    }

    #[test]
    fn rfc3339_literals() {
        assert!(Timestamp::parse_rfc3339("2016-03-14T01:59:00Z").is_some());
        assert!(Timestamp::parse_rfc3339("2016-03-05T21:29:29.243167252Z").is_some());
        assert!(Timestamp::parse_rfc3339("2016-03-14T01:59:00+05:30").is_some());
        assert!(Timestamp::parse_rfc3339("2016-03-14t01:59:00z").is_some());
        for bad in [
            "2016-13-05T21:29:29Z",
            "05-12-2016T21:29:29Z",
            "2016-12-05T25:29:29Z",
            "2016-03-14T01:59Z",
            "2016-03-14T01:59:00",
            "2016-03-14T01:59:00.Z",
            "2016-03-14T01:59:00+01",
            "2016-03-14 01:59:00Z",
        ] {
            assert_eq!(Timestamp::parse_rfc3339(bad), None, "{bad}");
        }
        assert_eq!(
            Timestamp::parse_rfc3339("2016-12-31T23:59:60Z").map(|t| t.epoch_millis()),
            Timestamp::parse("2017-01-01T00:00:00Z").map(|t| t.epoch_millis())
        );
    }

    #[test]
    fn formats_epoch_millis() {
        assert_eq!(format_epoch_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_epoch_millis(1_709_720_954_123), "2024-03-06T10:29:14.123Z");
        assert_eq!(format_epoch_millis(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(format_epoch_millis(951_782_400_000), "2000-02-29T00:00:00.000Z");
        let t = Timestamp::parse("2024-03-06T10:29:14.123Z").unwrap();
        assert_eq!(t.to_iso_millis(), "2024-03-06T10:29:14.123Z");
        assert_eq!(format_epoch_millis(1_000_000_001_007), "2001-09-09T01:46:41.007Z");
        // Years outside 0..=9999 are signed, four digits at least.
        assert_eq!(format_epoch_millis(-62_167_219_200_000), "0000-01-01T00:00:00.000Z");
        assert_eq!(format_epoch_millis(-62_167_219_200_001), "-0001-12-31T23:59:59.999Z");
        assert_eq!(format_epoch_millis(253_402_300_800_000), "+10000-01-01T00:00:00.000Z");
        // Extreme values do not panic.
        let _ = format_epoch_millis(i64::MAX);
        let _ = format_epoch_millis(i64::MIN);
    }

    #[test]
    fn compatibility_helpers() {
        assert_eq!(parse_timestamp("2016-03-14T01:59:00Z"), Some(1_457_920_740_000.0));
        assert_eq!(parse_timestamp("2016-03-14T02:59:00+01:00"), Some(1_457_920_740_000.0));
        assert_eq!(parse_timestamp("2016-12-05 21:29:29Z"), None);
        assert_eq!(parse_timestamp("2016-03-14T01:59Z"), None);
        assert_eq!(parse_runtime_timestamp("2016-03-14T01:59Z"), Some(1_457_920_740_000.0));
        assert_eq!(format_timestamp(1_457_920_740_000.0), "2016-03-14T01:59:00.000Z");
        assert_eq!(format_timestamp(f64::NAN), "1970-01-01T00:00:00.000Z");
        let _ = format_timestamp(f64::INFINITY);
        let _ = format_timestamp(-1e300);
    }

    #[test]
    fn civil_round_trip() {
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn error_texts() {
        let e = timestamp_path_error("$.TimestampValue", &Value::from("2016-12-05 21:29:29Z"));
        assert_eq!(e.error, "States.Runtime");
        assert_eq!(
            e.message,
            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.TimestampValue == 2016-12-05 21:29:29Z"
        );
        let e = timestamp_field_error(&Value::from("2016-12-05T25:29:29Z"));
        assert_eq!(e.error, "States.QueryEvaluationError");
        assert_eq!(
            e.message,
            "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: 2016-12-05T25:29:29Z"
        );
    }
}
