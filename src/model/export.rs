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

/// How many of a tenant's export tasks are kept, newest first: as many as its view lists.
pub const RECENT_EXPORTS: usize = 3;

/// Keeps of each tenant's export tasks the [`RECENT_EXPORTS`] newest and its newest complete one
/// (the last success a failed export is measured from), in their order. DescribeExportTasks has no
/// time filter: it pages through every task the account still lists, 100 a page ("Constraints:
/// Minimum 20, maximum 100",
/// <https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeExportTasks.html>,
/// MaxRecords); only these are shown or checked.
pub fn keep_recent_exports(tasks: &mut Vec<ExportTask>) {
    let mut newest_first: Vec<usize> = (0..tasks.len()).collect();
    newest_first.sort_by(|&a, &b| {
        (&tasks[a].tenant, std::cmp::Reverse(tasks[a].started_at))
            .cmp(&(&tasks[b].tenant, std::cmp::Reverse(tasks[b].started_at)))
    });
    let mut keep = vec![false; tasks.len()];
    let mut tenant: Option<&str> = None;
    let (mut kept, mut complete_kept) = (0, false);
    for &index in &newest_first {
        let task = &tasks[index];
        if tenant != Some(task.tenant.as_str()) {
            tenant = Some(task.tenant.as_str());
            (kept, complete_kept) = (0, false);
        }
        let complete = task.status == ExportStatus::Complete;
        if kept < RECENT_EXPORTS || (complete && !complete_kept) {
            keep[index] = true;
            kept += 1;
            complete_kept |= complete;
        }
    }
    let mut index = 0;
    tasks.retain(|_| {
        index += 1;
        keep[index - 1]
    });
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn task(tenant: &str, day: u32, status: ExportStatus) -> ExportTask {
        ExportTask {
            tenant: tenant.into(),
            id: format!("{tenant}-{day}"),
            snapshot: format!("{tenant}-snap-{day}"),
            status,
            percent_progress: 100,
            started_at: Some(Utc.with_ymd_and_hms(2026, 11, day, 2, 0, 0).unwrap()),
            finished_at: None,
            failure_cause: None,
        }
    }

    #[test]
    fn each_tenant_keeps_its_newest_exports_and_its_last_success() {
        use ExportStatus::{Complete, Failed};
        // tenant_b's last four failed: its last success, eight days ago, is kept too.
        let mut tasks: Vec<ExportTask> = (1..=10)
            .map(|day| task("tenant_a", day, Complete))
            .chain(
                (1..=10).map(|day| task("tenant_b", day, if day > 6 { Failed } else { Complete })),
            )
            .collect();
        tasks.reverse();
        keep_recent_exports(&mut tasks);
        let ids: Vec<&str> = tasks.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "tenant_b-10",
                "tenant_b-9",
                "tenant_b-8",
                "tenant_b-6",
                "tenant_a-10",
                "tenant_a-9",
                "tenant_a-8"
            ]
        );
        let mut few = vec![task("tenant_c", 1, Failed)];
        keep_recent_exports(&mut few);
        assert_eq!(few.len(), 1);
    }
}
