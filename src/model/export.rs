use std::fmt;

use serde::Serialize;

use super::Time;

/// Status of an RDS snapshot export task (DescribeExportTasks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportStatus {
    Starting,
    InProgress,
    Complete,
    Canceling,
    Canceled,
    Failed,
    Other(String),
}

impl ExportStatus {
    pub fn parse(raw: &str) -> Self {
        match raw.to_ascii_uppercase().replace('-', "_").as_str() {
            "STARTING" => Self::Starting,
            "IN_PROGRESS" => Self::InProgress,
            "COMPLETE" => Self::Complete,
            "CANCELING" => Self::Canceling,
            "CANCELED" => Self::Canceled,
            "FAILED" => Self::Failed,
            _ => Self::Other(raw.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Starting => "starting",
            Self::InProgress => "in_progress",
            Self::Complete => "complete",
            Self::Canceling => "canceling",
            Self::Canceled => "canceled",
            Self::Failed => "failed",
            Self::Other(raw) => raw,
        }
    }

    pub fn is_running(&self) -> bool {
        matches!(self, Self::Starting | Self::InProgress | Self::Canceling)
    }
}

impl fmt::Display for ExportStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One snapshot export to S3 of an export-path tenant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportTask {
    pub tenant: String,
    pub id: String,
    pub snapshot: String,
    pub status: ExportStatus,
    pub percent_progress: u8,
    pub started_at: Option<Time>,
    pub finished_at: Option<Time>,
    pub failure_cause: Option<String>,
}

impl ExportTask {
    /// When the export last changed: its end, or its start while it runs. The age shown next to
    /// its status is measured from here, never from the COPY that loaded it.
    pub fn changed_at(&self) -> Option<Time> {
        self.finished_at.or(self.started_at)
    }
}
