use std::fmt;

/// What kind of mistake an [`Error`] reports. It crosses the boundary with the message, so the
/// facade picks the JavaScript error class from it instead of from the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A value out of range or inconsistent with another argument: JavaScript `RangeError`.
    Range,
    /// An argument of the wrong type (a binding got a value it cannot convert): `TypeError`.
    Type,
    /// A bug (a caught Rust panic): a plain `Error`.
    Internal,
}

impl ErrorKind {
    /// The `code` the bindings put on the JavaScript error, which the facade maps to the error
    /// class. These are N-API's status names (the native addon's errors carry a status, and a
    /// promise rejected from another thread can carry nothing else); wasm sets the same codes.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::Range => "InvalidArg",
            ErrorKind::Type => "ObjectExpected",
            ErrorKind::Internal => "GenericFailure",
        }
    }
}

/// A rejected input. `arg` names the argument as the JavaScript API spells it, and the message
/// reads `"<arg>: <what is wrong>"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub kind: ErrorKind,
    pub arg: &'static str,
    pub message: String,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// A range error: the value of `arg` is not acceptable.
    pub fn new(arg: &'static str, message: impl Into<String>) -> Self {
        Error { kind: ErrorKind::Range, arg, message: message.into() }
    }

    /// A type error: `arg` is not of a type the kernel takes.
    pub fn type_error(arg: &'static str, message: impl Into<String>) -> Self {
        Error { kind: ErrorKind::Type, arg, message: message.into() }
    }

    /// A bug in reckit, such as a panic caught at the boundary.
    pub fn internal(message: impl Into<String>) -> Self {
        Error { kind: ErrorKind::Internal, arg: "reckit", message: message.into() }
    }

    /// Runs `f`, turning a panic (a bug) into an internal error instead of unwinding into the
    /// JavaScript engine.
    pub fn catch<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
            .unwrap_or_else(|_| Err(Error::internal("internal error (a Rust panic); please report it")))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.arg, self.message)
    }
}

impl std::error::Error for Error {}
