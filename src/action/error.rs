//! Why an operator could not carry out a plan, typed by what it means for the outcome: callers
//! branch on the variant (the dialog, the audit log, the timeline), never on the message.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplyError {
    /// Nothing was changed: the service refused the call (it answered with an error code), a
    /// precondition read right before the call no longer held, or a local step failed first.
    NotDone(String),
    /// A call that changes something got no answer (a timeout, a dropped connection, a garbled
    /// response): the change may have been made. Verify.
    Unknown(String),
}

impl ApplyError {
    pub fn message(&self) -> &str {
        match self {
            ApplyError::NotDone(message) | ApplyError::Unknown(message) => message,
        }
    }
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApplyError::NotDone(message) => f.write_str(message),
            ApplyError::Unknown(message) => write!(
                f,
                "{message} — no answer, so the change may have been made: verify"
            ),
        }
    }
}

impl From<String> for ApplyError {
    /// A plain error of a step that changes nothing (a read, a local check).
    fn from(message: String) -> Self {
        ApplyError::NotDone(message)
    }
}

impl From<&str> for ApplyError {
    fn from(message: &str) -> Self {
        ApplyError::NotDone(message.to_string())
    }
}
