use std::fmt;

/// A rejected input. `arg` names the argument as the JavaScript API spells it, so the facade
/// can raise a `RangeError` that points at the caller's mistake.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub arg: &'static str,
    pub message: String,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(arg: &'static str, message: impl Into<String>) -> Self {
        Error { arg, message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.arg, self.message)
    }
}

impl std::error::Error for Error {}
