use serde::Serialize;

/// One warehouse table (SVV_TABLE_INFO).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableInfo {
    pub schema: String,
    pub table: String,
    pub size_mb: u64,
    pub rows: u64,
    /// Distribution skew: how much larger the biggest slice is than the smallest, in percent.
    pub skew_percent: f64,
    pub unsorted_percent: f64,
    pub stats_off_percent: f64,
}
