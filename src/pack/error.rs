//! Pack errors: every problem names the file (relative to the pack), the
//! line where there is one, the field, and what is wrong, so a data lead
//! can fix a spreadsheet export without reading code.

use std::{fmt, path::PathBuf};

/// One problem found in a policy pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The file, relative to the pack directory.
    pub path: PathBuf,
    /// 1-based line, where the problem is on one line.
    pub line: Option<u64>,
    /// The column, key or field at fault.
    pub field: Option<String>,
    /// What is wrong.
    pub kind: ErrorKind,
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file or directory could not be read.
    Io(String),
    /// The file is larger than Gatepost will read.
    TooLarge {
        /// The file's size.
        size: u64,
        /// The most Gatepost reads.
        limit: u64,
    },
    /// The file is not UTF-8.
    NotUtf8,
    /// The file could not be parsed (TOML or CSV syntax).
    Syntax(String),
    /// A required file, key or column is missing.
    Missing,
    /// A value is not acceptable; the string says why.
    Invalid(String),
    /// The same id or key appears twice.
    Duplicate(String),
    /// Too many entries of some kind.
    Limit(String),
}

impl Error {
    pub(crate) fn new(path: impl Into<PathBuf>, kind: ErrorKind) -> Error {
        Error {
            path: path.into(),
            line: None,
            field: None,
            kind,
        }
    }

    pub(crate) fn at(mut self, line: u64) -> Error {
        self.line = Some(line);
        self
    }

    pub(crate) fn field(mut self, field: impl Into<String>) -> Error {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        f.write_str(": ")?;
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        match &self.kind {
            ErrorKind::Io(e) => write!(f, "cannot read: {e}"),
            ErrorKind::TooLarge { size, limit } => {
                write!(
                    f,
                    "file is {size} bytes, more than the {limit} bytes allowed"
                )
            }
            ErrorKind::NotUtf8 => f.write_str("not UTF-8 text"),
            ErrorKind::Syntax(e) => f.write_str(e),
            ErrorKind::Missing => f.write_str("missing"),
            ErrorKind::Invalid(why) => f.write_str(why),
            ErrorKind::Duplicate(what) => write!(f, "duplicate {what}"),
            ErrorKind::Limit(what) => f.write_str(what),
        }
    }
}

impl std::error::Error for Error {}

/// Every problem found in a pack: loading does not stop at the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Errors(pub Vec<Error>);

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}
