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

#[cfg(test)]
impl LoadError {
    /// A row of `tenant`'s orders that COPY rejected at `time`.
    pub(crate) fn invalid_digit(tenant: &str, time: Time) -> Self {
        Self {
            tenant: tenant.to_string(),
            table: "orders".into(),
            file: "s3://exports/orders/part-0.csv".into(),
            line: 7,
            column: "amount".into(),
            reason: "Invalid digit".into(),
            time,
        }
    }
}

/// The latest completed COPY into a tenant's schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoadSummary {
    pub tenant: String,
    pub last_copy_at: Time,
    pub rows: u64,
    /// Each table's latest COPY that completed with no rejected row: the COPY errors of a table
    /// before it are fixed by it.
    pub clean_loads: std::collections::BTreeMap<String, Time>,
}

impl LoadSummary {
    /// When `table` (bare or `schema.table`) was last loaded with no rejected row.
    pub fn clean_load_of(&self, table: &str) -> Option<Time> {
        let bare = table.rsplit('.').next().unwrap_or(table);
        self.clean_loads.get(bare).copied()
    }
}
