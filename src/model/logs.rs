use serde::Serialize;

use super::Time;

/// One line of the warehouse's error log (the dashboard's "Redshift Error Logs" widget).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogEvent {
    pub time: Time,
    pub message: String,
}
