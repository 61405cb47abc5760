//! Dates and times for `$fromMillis`, `$toMillis` and `$now`: ISO 8601 by default, or an
//! XPath `format-dateTime` picture (`[Y0001]-[M01]-[D01]`, `[FNn]`, `[h]:[m] [P]`, ...).
//! All calendar arithmetic is proleptic Gregorian in UTC plus an explicit offset.

use super::error::{Error, Result};
use super::format::{parse_int_picture, parse_with, format_with};

const MS_PER_DAY: i64 = 86_400_000;
const DEFAULT_PICTURE: &str = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]";
const MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// Days since 1970-01-01 of a civil date.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Civil date (year, month 1-12, day 1-31) of days since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// ISO weekday, Monday = 1 .. Sunday = 7.
fn weekday(days: i64) -> i64 {
    (days.rem_euclid(7) + 3) % 7 + 1
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// ISO week-numbering year and week of a day.
fn iso_week(days: i64) -> (i64, i64) {
    let (y, _, _) = civil_from_days(days);
    let jan1 = days_from_civil(y, 1, 1);
    let ordinal = days - jan1 + 1;
    let wd = weekday(days);
    let week = (ordinal - wd + 10) / 7;
    let weeks_in = |yy: i64| {
        let j = weekday(days_from_civil(yy, 1, 1));
        if j == 4 || (is_leap(yy) && j == 3) {
            53
        } else {
            52
        }
    };
    if week < 1 {
        (y - 1, weeks_in(y - 1))
    } else if week > weeks_in(y) {
        (y + 1, 1)
    } else {
        (y, week)
    }
}

/// Week of the month (weeks start Monday and belong to the month holding their Thursday).
fn month_week(days: i64) -> (i64, i64) {
    let monday = days - (weekday(days) - 1);
    let thursday = monday + 3;
    let (y, m, _) = civil_from_days(thursday);
    let first = days_from_civil(y, m, 1);
    let first_thu = first + (4 - weekday(first)).rem_euclid(7);
    ((thursday - first_thu) / 7 + 1, m)
}

struct Marker {
    component: char,
    presentation: String,
    modifier: Option<char>,
    min_width: Option<usize>,
    max_width: Option<usize>,
}

enum Part {
    Literal(String),
    Marker(Marker),
}

fn parse_picture(picture: &str) -> Result<Vec<Part>> {
    // An unclosed marker is reported before anything inside it.
    if let Some(open) = picture.rfind('[') {
        if !picture[open..].contains(']') && !picture[..open].ends_with('[') {
            return Err(Error::new("D3135", "No matching closing bracket ']' in date/time picture string"));
        }
    }
    let chars: Vec<char> = picture.chars().collect();
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '[' && chars.get(i + 1) == Some(&'[') {
            lit.push('[');
            i += 2;
            continue;
        }
        if c == ']' && chars.get(i + 1) == Some(&']') {
            lit.push(']');
            i += 2;
            continue;
        }
        if c == '[' {
            let Some(close) = chars[i..].iter().position(|&x| x == ']') else {
                return Err(Error::new("D3135", "No matching closing bracket ']' in date/time picture string"));
            };
            if !lit.is_empty() {
                parts.push(Part::Literal(std::mem::take(&mut lit)));
            }
            let body: String = chars[i + 1..i + close].iter().filter(|c| !c.is_whitespace()).collect();
            parts.push(Part::Marker(parse_marker(&body)?));
            i += close + 1;
            continue;
        }
        lit.push(c);
        i += 1;
    }
    if !lit.is_empty() {
        parts.push(Part::Literal(lit));
    }
    Ok(parts)
}

fn parse_width(w: &str) -> Option<(Option<usize>, Option<usize>)> {
    let (lo, hi) = match w.split_once('-') {
        Some((a, b)) => (a, Some(b)),
        None => (w, None),
    };
    let num = |s: &str| -> Option<Option<usize>> {
        if s == "*" {
            Some(None)
        } else {
            s.parse::<usize>().ok().map(Some)
        }
    };
    let min = num(lo)?;
    let max = match hi {
        Some(h) => num(h)?,
        None => None,
    };
    Some((min, max))
}

fn parse_marker(body: &str) -> Result<Marker> {
    let mut chars = body.chars();
    let Some(component) = chars.next() else {
        return Err(Error::new("D3132", "Empty component in date/time picture"));
    };
    if !"YMDdFWwXxHhPmsfZzCE".contains(component) {
        return Err(Error::new("D3132", format!("Unknown component specifier {component} in date/time picture string")));
    }
    let rest: String = chars.collect();
    let (mut pres, mut min_width, mut max_width) = (rest.clone(), None, None);
    if let Some(i) = rest.rfind(',') {
        if let Some((lo, hi)) = parse_width(&rest[i + 1..]) {
            pres = rest[..i].to_string();
            min_width = lo;
            max_width = hi;
        }
    }
    let mut modifier = None;
    if pres.len() > 1 && (pres.ends_with('o') || pres.ends_with('t') || pres.ends_with('c')) {
        modifier = pres.pop();
    }
    if pres.is_empty() {
        pres = match component {
            'F' | 'P' | 'C' | 'E' => "n",
            'm' | 's' => "01",
            'Z' | 'z' => "01:01",
            _ => "1",
        }
        .to_string();
        if component == 'Y' && max_width.is_none() {
            max_width = min_width;
        }
    }
    if pres.starts_with(['N', 'n']) && !"MFPxCE".contains(component) {
        return Err(Error::new("D3133", format!("The '{component}' component cannot be represented as a name")));
    }
    Ok(Marker { component, presentation: pres, modifier, min_width, max_width })
}

fn parse_offset(tz: &str) -> Option<i64> {
    let t = tz.trim();
    if t.is_empty() {
        return None;
    }
    let (sign, digits) = match t.as_bytes()[0] {
        b'-' => (-1, &t[1..]),
        b'+' => (1, &t[1..]),
        _ => (1, t),
    };
    let digits: String = digits.chars().filter(|c| *c != ':').collect();
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i64>().ok()?, 0),
        3 | 4 => {
            let split = digits.len() - 2;
            (digits[..split].parse::<i64>().ok()?, digits[split..].parse::<i64>().ok()?)
        }
        _ => return None,
    };
    Some(sign * (h * 60 + m))
}

fn name_case(name: &str, pres: &str, max: Option<usize>) -> String {
    let mut s = match pres {
        "N" => name.to_uppercase(),
        "n" => name.to_lowercase(),
        _ => name.to_string(),
    };
    if let Some(m) = max {
        s = s.chars().take(m).collect();
    }
    s
}

fn format_offset(offset: i64, pres: &str, modifier: Option<char>) -> Result<String> {
    if modifier == Some('t') && offset == 0 {
        return Ok("Z".into());
    }
    let sign = if offset < 0 { '-' } else { '+' };
    let (h, m) = (offset.abs() / 60, offset.abs() % 60);
    let digits = pres.chars().filter(|c| c.is_ascii_digit()).count();
    if digits > 4 {
        return Err(Error::new("D3134", "The timezone component format has too many digits"));
    }
    if let Some((hp, _)) = pres.split_once(':') {
        let hh = if hp.len() >= 2 { format!("{h:02}") } else { h.to_string() };
        return Ok(format!("{sign}{hh}:{m:02}"));
    }
    Ok(match digits {
        0..=2 => {
            let hh = if digits == 2 { format!("{h:02}") } else { h.to_string() };
            if m != 0 {
                format!("{sign}{hh}:{m:02}")
            } else {
                format!("{sign}{hh}")
            }
        }
        _ => format!("{sign}{h:02}{m:02}"),
    })
}

fn format_number_component(value: i64, m: &Marker) -> Result<String> {
    let pic = parse_int_picture(&match m.modifier {
        Some('o') => format!("{};o", m.presentation),
        _ => m.presentation.clone(),
    })
    .map_err(|e| Error::new("D3130", e.message))?;
    let mut s = format_with(value as f64, &pic);
    if let Some(min) = m.min_width {
        if s.chars().all(|c| c.is_ascii_digit()) {
            while s.len() < min {
                s.insert(0, '0');
            }
        }
    }
    if let Some(max) = m.max_width {
        if m.component == 'Y' && s.len() > max && s.chars().all(|c| c.is_ascii_digit()) {
            s = s[s.len() - max..].to_string();
        }
    }
    Ok(s)
}

pub fn from_millis(ms: f64, picture: Option<&str>, tz: Option<&str>) -> Result<String> {
    let offset = tz.and_then(parse_offset).unwrap_or(0);
    let parts = parse_picture(picture.unwrap_or(DEFAULT_PICTURE))?;
    let total = ms.floor() as i64 + offset * 60_000;
    let days = total.div_euclid(MS_PER_DAY);
    let tod = total.rem_euclid(MS_PER_DAY);
    let (y, mo, d) = civil_from_days(days);
    let (hour, minute, second, milli) = (tod / 3_600_000, tod / 60_000 % 60, tod / 1000 % 60, tod % 1000);
    let mut out = String::new();
    for part in &parts {
        let m = match part {
            Part::Literal(s) => {
                out.push_str(s);
                continue;
            }
            Part::Marker(m) => m,
        };
        let is_name = m.presentation.starts_with(['N', 'n']);
        let text = match m.component {
            'Y' => format_number_component(y, m)?,
            'M' if is_name => name_case(MONTHS[(mo - 1) as usize], &m.presentation, m.max_width),
            'M' => format_number_component(mo, m)?,
            'D' => format_number_component(d, m)?,
            'd' => format_number_component(days - days_from_civil(y, 1, 1) + 1, m)?,
            'F' if is_name => name_case(DAYS[(weekday(days) - 1) as usize], &m.presentation, m.max_width),
            'F' => format_number_component(weekday(days), m)?,
            'W' => format_number_component(iso_week(days).1, m)?,
            'X' => format_number_component(iso_week(days).0, m)?,
            'w' => format_number_component(month_week(days).0, m)?,
            'x' if is_name => name_case(MONTHS[(month_week(days).1 - 1) as usize], &m.presentation, m.max_width),
            'x' => format_number_component(month_week(days).1, m)?,
            'H' => format_number_component(hour, m)?,
            'h' => format_number_component(if hour % 12 == 0 { 12 } else { hour % 12 }, m)?,
            'P' => name_case(if hour < 12 { "am" } else { "pm" }, &m.presentation, m.max_width),
            'm' => format_number_component(minute, m)?,
            's' => format_number_component(second, m)?,
            'f' => {
                let n = m.presentation.chars().filter(|c| c.is_ascii_digit()).count().max(1);
                let v = if n <= 3 { milli / 10i64.pow(3 - n as u32) } else { milli * 10i64.pow(n as u32 - 3) };
                format!("{v:0n$}")
            }
            'Z' => format_offset(offset, &m.presentation, m.modifier)?,
            'z' => format!("GMT{}", format_offset(offset, &m.presentation, m.modifier)?),
            'C' | 'E' => "ISO".to_string(),
            _ => String::new(),
        };
        out.push_str(&text);
    }
    Ok(out)
}

// ------------------------------------------------------------------ parsing

fn parse_iso(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let t = s.get(from..from + len)?;
        if !t.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        t.parse().ok()
    };
    let y = num(0, 4)?;
    let mut i = 4;
    let (mut mo, mut d) = (1, 1);
    if b.get(i) == Some(&b'-') {
        mo = num(i + 1, 2)?;
        i += 3;
        if b.get(i) == Some(&b'-') {
            d = num(i + 1, 2)?;
            i += 3;
        }
    }
    let (mut h, mut mi, mut sec, mut ms) = (0, 0, 0, 0.0);
    let mut offset = 0;
    if b.get(i) == Some(&b'T') {
        h = num(i + 1, 2)?;
        if b.get(i + 3) != Some(&b':') {
            return None;
        }
        mi = num(i + 4, 2)?;
        i += 6;
        if b.get(i) == Some(&b':') {
            sec = num(i + 1, 2)?;
            i += 3;
            if b.get(i) == Some(&b'.') {
                let start = i + 1;
                let mut j = start;
                while b.get(j).is_some_and(|c| c.is_ascii_digit()) {
                    j += 1;
                }
                let frac: f64 = format!("0.{}", &s[start..j]).parse().ok()?;
                ms = (frac * 1000.0).floor();
                i = j;
            }
        }
        match b.get(i) {
            Some(b'Z') => i += 1,
            Some(b'+' | b'-') => {
                offset = parse_offset(&s[i..])?;
                i = s.len();
            }
            _ => {}
        }
    }
    if i != s.len() || !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    Some((days * MS_PER_DAY + h * 3_600_000 + mi * 60_000 + sec * 1000 - offset * 60_000) as f64 + ms)
}

fn escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if "\\.+*?()|[]{}^$-#&~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn marker_regex(m: &Marker, fixed: bool) -> String {
    let p = m.presentation.as_str();
    if p.starts_with(['N', 'n']) {
        return match m.max_width {
            Some(w) => format!("([a-zA-Z]{{{w}}})"),
            None => "([a-zA-Z]+)".into(),
        };
    }
    match m.component {
        'Z' => return "([+-][0-9]{1,2}:?[0-9]{0,2}|Z)".into(),
        'z' => return "GMT([+-][0-9]{1,2}:?[0-9]{0,2})".into(),
        'P' => return "([aApP][mM])".into(),
        _ => {}
    }
    match p {
        "I" | "i" => "([IVXLCDMivxlcdm]+)".into(),
        "A" | "a" => "([a-zA-Z]+)".into(),
        "w" | "W" | "Ww" => "([a-zA-Z]+(?:[ ,\\-]+[a-zA-Z]+)*?)".into(),
        _ => {
            let digits = p.chars().filter(|c| c.is_ascii_digit() || *c == '#').count();
            let has_sep = p.chars().any(|c| !c.is_ascii_digit() && c != '#');
            let body = if has_sep {
                "([0-9][0-9,.:' ]*)".to_string()
            } else if let Some(max) = m.max_width {
                format!("([0-9]{{1,{max}}})")
            } else if fixed && digits > 0 {
                format!("([0-9]{{{digits}}})")
            } else {
                "([0-9]+)".to_string()
            };
            if m.modifier == Some('o') {
                format!("{body}(?:st|nd|rd|th)")
            } else {
                body
            }
        }
    }
}

/// `now_ms` supplies the date parts a picture leaves out (e.g. `[H]:[m]` means today).
pub fn to_millis(s: &str, picture: Option<&str>, now_ms: i64) -> Result<Option<f64>> {
    let Some(picture) = picture else {
        return match parse_iso(s) {
            Some(v) => Ok(Some(v)),
            None => Err(Error::new("D3110", format!("The string '{s}' is not a valid ISO 8601 date/time"))),
        };
    };
    let parts = parse_picture(picture)?;
    let markers: Vec<&Marker> = parts.iter().filter_map(|p| if let Part::Marker(m) = p { Some(m) } else { None }).collect();
    if markers.is_empty() {
        return Ok(None);
    }
    if markers.iter().any(|m| "XxWw".contains(m.component)) {
        return Err(Error::new("D3136", "The date/time picture uses components that cannot be combined into a date"));
    }
    let mut re = String::from("^");
    for (i, part) in parts.iter().enumerate() {
        match part {
            Part::Literal(l) => re.push_str(&escape(l)),
            Part::Marker(m) => {
                let fixed = matches!(parts.get(i + 1), Some(Part::Marker(_))) || matches!(i.checked_sub(1).and_then(|j| parts.get(j)), Some(Part::Marker(_)));
                re.push_str(&marker_regex(m, fixed));
            }
        }
    }
    re.push('$');
    let regex = regex_lite::Regex::new(&re).map_err(|e| Error::new("D3110", format!("Invalid picture: {e}")))?;
    let Some(caps) = regex.captures(s) else { return Ok(None) };
    let mut fields: [Option<i64>; 7] = [None; 7]; // Y M D H m s f
    let mut doy: Option<i64> = None;
    let mut pm: Option<bool> = None;
    let mut twelve: Option<i64> = None;
    let mut offset = 0i64;
    for (k, m) in markers.iter().enumerate() {
        let Some(text) = caps.get(k + 1).map(|c| c.as_str()) else { continue };
        let is_name = m.presentation.starts_with(['N', 'n']);
        let number = |text: &str| -> Option<i64> {
            let pic = parse_int_picture(&match m.modifier {
                Some('o') => format!("{};o", m.presentation),
                _ => m.presentation.clone(),
            })
            .ok()?;
            parse_with(text, &pic).map(|v| v as i64)
        };
        match m.component {
            'Y' => fields[0] = number(text),
            'M' if is_name => {
                let t = text.to_lowercase();
                fields[1] = MONTHS.iter().position(|n| n.to_lowercase().starts_with(&t)).map(|i| i as i64 + 1);
            }
            'M' => fields[1] = number(text),
            'D' => fields[2] = number(text),
            'd' => doy = number(text),
            'H' => fields[3] = number(text),
            'h' => twelve = number(text),
            'P' => pm = Some(text.eq_ignore_ascii_case("pm")),
            'm' => fields[4] = number(text),
            's' => fields[5] = number(text),
            'f' => {
                let frac: f64 = format!("0.{text}").parse().unwrap_or(0.0);
                fields[6] = Some((frac * 1000.0).floor() as i64);
            }
            'Z' | 'z' => offset = if text == "Z" { 0 } else { parse_offset(text).unwrap_or(0) },
            _ => {}
        }
    }
    if let Some(h) = twelve {
        let h = h % 12 + if pm == Some(true) { 12 } else { 0 };
        fields[3] = Some(h);
    }
    // The components present must be contiguous from the most significant one given.
    let present: Vec<bool> = if doy.is_some() {
        vec![fields[0].is_some(), true, fields[3].is_some(), fields[4].is_some(), fields[5].is_some(), fields[6].is_some()]
    } else {
        fields.iter().map(Option::is_some).collect()
    };
    if let (Some(first), Some(last)) = (present.iter().position(|p| *p), present.iter().rposition(|p| *p)) {
        if present[first..=last].iter().any(|p| !p) {
            return Err(Error::new("D3136", "The date/time picture string is missing specifiers required to parse the timestamp"));
        }
    }
    let today = civil_from_days(now_ms.div_euclid(MS_PER_DAY));
    let y = fields[0].unwrap_or(today.0);
    let days = match doy {
        Some(n) => days_from_civil(y, 1, 1) + n - 1,
        None => {
            let first_present = present.iter().position(|p| *p).unwrap_or(0);
            let (cy, cm, cd) = if first_present > 0 { today } else { (y, 1, 1) };
            let y = fields[0].unwrap_or(cy);
            let mo = fields[1].unwrap_or(if first_present > 1 { cm } else { 1 });
            let d = fields[2].unwrap_or(if first_present > 2 { cd } else { 1 });
            days_from_civil(y, mo, d)
        }
    };
    let ms = days * MS_PER_DAY + fields[3].unwrap_or(0) * 3_600_000 + fields[4].unwrap_or(0) * 60_000 + fields[5].unwrap_or(0) * 1000
        + fields[6].unwrap_or(0)
        - offset * 60_000;
    Ok(Some(ms as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_roundtrip() {
        for d in [-800_000i64, -1, 0, 1, 17_000, 2_932_896] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        assert_eq!(from_millis(1509380732935.0, None, None).unwrap(), "2017-10-30T16:25:32.935Z");
        assert_eq!(to_millis("2017-10-30T15:28:34Z", None, 0).unwrap(), Some(1509377314000.0));
    }
}
