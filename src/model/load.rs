use serde::Serialize;

use super::Time;

/// A COPY error row (SYS_LOAD_ERROR_DETAIL / STL_LOAD_ERRORS).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoadError {
    pub tenant: String,
    pub table: String,
    pub file: String,
    pub line: u64,
    pub column: String,
    pub reason: String,
    pub time: Time,
}

/// The latest completed COPY into a tenant's schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoadSummary {
    pub tenant: String,
    pub last_copy_at: Time,
    pub rows: u64,
}
