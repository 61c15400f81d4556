use std::fmt;

use serde::Serialize;

use super::Time;

/// Status of a Step Functions execution of the daily ELT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EltStatus {
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
    PendingRedrive,
    Other(String),
}

impl EltStatus {
    pub fn parse(raw: &str) -> Self {
        match raw.to_ascii_uppercase().as_str() {
            "RUNNING" => Self::Running,
            "SUCCEEDED" => Self::Succeeded,
            "FAILED" => Self::Failed,
            "TIMED_OUT" => Self::TimedOut,
            "ABORTED" => Self::Aborted,
            "PENDING_REDRIVE" => Self::PendingRedrive,
            _ => Self::Other(raw.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::TimedOut => "timed_out",
            Self::Aborted => "aborted",
            Self::PendingRedrive => "pending_redrive",
            Self::Other(raw) => raw,
        }
    }

    /// Whether the run ended without success (and so can be redriven).
    pub fn is_failure(&self) -> bool {
        matches!(self, Self::Failed | Self::TimedOut | Self::Aborted)
    }
}

impl fmt::Display for EltStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One execution of the ELT state machine (COPY + dbt).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EltRun {
    pub execution_arn: String,
    pub name: String,
    pub status: EltStatus,
    pub started_at: Time,
    pub stopped_at: Option<Time>,
    /// The state that failed, from the execution history.
    pub failed_step: Option<String>,
    /// The tenant the failed step worked on, when the step names one.
    pub failed_tenant: Option<String>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub redrive_count: u32,
    /// The state it is in while running, and since when, from the execution history.
    pub current_step: Option<CurrentStep>,
    /// When it was last redriven, if it was.
    pub redriven_at: Option<Time>,
}

/// The state a running execution is in now: the last state it entered, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CurrentStep {
    pub name: String,
    pub entered_at: Time,
}

/// What an ELT state does, read from its name: the COPY map or dbt. It decides which runbook a
/// failure belongs to (seed 001: a COPY error is fixed in S3, a dbt failure in the model's SQL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EltStage {
    Copy,
    Dbt,
    /// Not a state's kind: an operator stopped the run (ABORTED), wherever it was, because it
    /// hung. It is rerun from where it stopped, not fixed like a failure of its state.
    Stopped,
}

impl EltStage {
    pub const ALL: [EltStage; 3] = [EltStage::Copy, EltStage::Dbt, EltStage::Stopped];

    /// The stage a state's name says: `COPY tenant_b`, `CopyOrders` → COPY; `dbt run` → dbt.
    pub fn of_step(step: &str) -> Option<EltStage> {
        let step = step.to_ascii_lowercase();
        if step.contains("dbt") {
            Some(EltStage::Dbt)
        } else if step.contains("copy") {
            Some(EltStage::Copy)
        } else {
            None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EltStage::Copy => "copy",
            EltStage::Dbt => "dbt",
            EltStage::Stopped => "stopped",
        }
    }

    pub fn parse(name: &str) -> Option<EltStage> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl EltRun {
    /// A run as StartExecution leaves it: named, in `status`, with nothing else known yet.
    pub fn new(execution_arn: String, name: String, status: EltStatus, started_at: Time) -> Self {
        EltRun {
            execution_arn,
            name,
            status,
            started_at,
            stopped_at: None,
            failed_step: None,
            failed_tenant: None,
            error: None,
            cause: None,
            redrive_count: 0,
            current_step: None,
            redriven_at: None,
        }
    }

    /// The name of the state a running run is in, if known.
    pub fn current_step_name(&self) -> Option<&str> {
        self.current_step.as_ref().map(|s| s.name.as_str())
    }

    /// How this run went for one tenant: a run that failed on another tenant's step did not fail this one.
    pub fn failed_for(&self, tenant: &str) -> bool {
        self.status.is_failure() && self.failed_tenant.as_deref().is_none_or(|t| t == tenant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_name_says_its_stage() {
        assert_eq!(EltStage::of_step("COPY tenant_b"), Some(EltStage::Copy));
        assert_eq!(EltStage::of_step("CopyOrders"), Some(EltStage::Copy));
        assert_eq!(EltStage::of_step("dbt run"), Some(EltStage::Dbt));
        assert_eq!(EltStage::of_step("RunDbtTests"), Some(EltStage::Dbt));
        assert_eq!(EltStage::of_step("NotifySlack"), None);
        for stage in EltStage::ALL {
            assert_eq!(EltStage::parse(stage.as_str()), Some(stage));
        }
    }
}
