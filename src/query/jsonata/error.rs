//! JSONata errors: a code such as `S0201` or `T0410`, a message, and where it happened.

use std::fmt;

/// A compile or evaluation failure. `code` is JSONata's error code: `S0xxx` syntax,
/// `T0xxx`/`T1xxx`/`T2xxx` type, `D1xxx`-`D3xxx` dynamic, `U1001` resource limits.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonataError {
    pub code: String,
    pub message: String,
    /// Character offset in the expression text, when known.
    pub position: Option<usize>,
    /// The token (operator, function name) the error is about, when known.
    pub token: Option<String>,
}

pub type Error = JsonataError;
pub type Result<T> = std::result::Result<T, JsonataError>;

impl JsonataError {
    pub fn new(code: &str, message: impl Into<String>) -> JsonataError {
        JsonataError { code: code.into(), message: message.into(), position: None, token: None }
    }

    pub fn at(code: &str, position: usize, message: impl Into<String>) -> JsonataError {
        JsonataError { position: Some(position), ..JsonataError::new(code, message) }
    }

    /// Sets the position if none was recorded closer to the cause.
    pub fn or_at(mut self, position: usize) -> JsonataError {
        if self.position.is_none() {
            self.position = Some(position);
        }
        self
    }

    pub fn with_token(mut self, token: impl Into<String>) -> JsonataError {
        if self.token.is_none() {
            self.token = Some(token.into());
        }
        self
    }
}

impl fmt::Display for JsonataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(p) => write!(f, "{} (code {}, position {})", self.message, self.code, p),
            None => write!(f, "{} (code {})", self.message, self.code),
        }
    }
}

impl std::error::Error for JsonataError {}
