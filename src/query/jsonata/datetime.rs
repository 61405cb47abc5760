//! Dates and times: `$fromMillis`, `$toMillis`, `$now` with XPath picture strings.

use super::error::{Error, Result};

pub fn from_millis(ms: f64, picture: Option<&str>, tz: Option<&str>) -> Result<String> {
    let _ = (ms, picture, tz);
    Err(Error::new("D3110", "todo"))
}

pub fn to_millis(s: &str, picture: Option<&str>) -> Result<Option<f64>> {
    let _ = (s, picture);
    Err(Error::new("D3110", "todo"))
}
