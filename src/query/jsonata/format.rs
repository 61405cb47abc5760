//! Number pictures: `$formatNumber`, `$formatBase`, `$formatInteger`, `$parseInteger`.

use super::error::{Error, Result};
use super::jvalue::JV;

pub fn format_number(n: f64, picture: &str, options: Option<&JV>) -> Result<String> {
    let _ = (n, picture, options);
    Err(Error::new("D3080", "todo"))
}

pub fn format_base(n: f64, radix: Option<f64>) -> Result<String> {
    let _ = (n, radix);
    Err(Error::new("D3100", "todo"))
}

pub fn format_integer(n: f64, picture: &str) -> Result<String> {
    let _ = (n, picture);
    Err(Error::new("D3130", "todo"))
}

pub fn parse_integer(s: &str, picture: &str) -> Result<Option<f64>> {
    let _ = (s, picture);
    Err(Error::new("D3130", "todo"))
}
