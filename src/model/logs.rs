use serde::Serialize;

use super::Time;

/// One line of an audit log group that holds an error (the connection log's authentication
/// failures), or of the deprecated `log_group`'s ERROR lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogEvent {
    pub time: Time,
    pub message: String,
}

/// A query that failed on a warehouse (SYS_QUERY_HISTORY with status `failed`): who ran what,
/// when, and the warehouse's own error text. A failed COPY is one of them, with the error the
/// ELT's log never holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailedQuery {
    /// The warehouse it ran on, when the console watches several.
    pub warehouse: Option<String>,
    pub query_id: i64,
    /// The database user (empty when the warehouse did not say).
    pub user: String,
    /// SELECT, INSERT, COPY, DDL, …
    pub query_type: String,
    pub started_at: Time,
    pub ended_at: Option<Time>,
    /// Why it failed, as the warehouse says.
    pub error: String,
    /// The start of its SQL.
    pub sql: String,
    /// Where the warehouse may have cut the SQL: it keeps the first so many characters.
    pub sql_cut_at: Option<usize>,
}
