use serde::Serialize;

use super::ActionKind;

/// Which tables a resync refreshes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResyncScope {
    /// `REFRESH INERROR TABLES`: only the tables in error (the usual case).
    InError,
    /// `REFRESH ALL TABLES`.
    All,
    /// `REFRESH TABLES schema.t1, schema.t2`.
    Tables(Vec<String>),
}

/// The statement the vacuum action runs on each of a tenant's tables, followed by
/// `"schema"."table"`. DELETE ONLY reclaims the space of deleted and updated rows without the
/// sort phase: it frees the disk, which is what storage pressure needs, and takes far less time
/// and I/O on a busy warehouse than the default, VACUUM FULL, which also re-sorts every row (AWS,
/// Amazon Redshift Database Developer Guide, "VACUUM":
/// https://docs.aws.amazon.com/redshift/latest/dg/r_VACUUM_command.html). The full VACUUM stays
/// in the weekly maintenance window, as the storage-pressure runbook says.
pub const VACUUM_STATEMENT: &str = "VACUUM DELETE ONLY";

/// What the user asked for. A request becomes a [`super::Plan`] once the operator has read what it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Request {
    RerunElt { execution_arn: String },
    StopElt { execution_arn: String },
    PauseAdhoc { cancel_running: bool },
    ResumeAdhoc,
    ResyncTables { tenant: String, scope: ResyncScope },
    StartExport { tenant: String },
    Vacuum { tenant: String },
    Analyze { tenant: String },
    CancelQuery { pid: i64 },
}

impl Request {
    pub fn kind(&self) -> ActionKind {
        match self {
            Request::RerunElt { .. } => ActionKind::RerunElt,
            Request::StopElt { .. } => ActionKind::StopElt,
            Request::PauseAdhoc { .. } => ActionKind::PauseAdhoc,
            Request::ResumeAdhoc => ActionKind::ResumeAdhoc,
            Request::ResyncTables { .. } => ActionKind::ResyncTables,
            Request::StartExport { .. } => ActionKind::StartExport,
            Request::Vacuum { .. } => ActionKind::Vacuum,
            Request::Analyze { .. } => ActionKind::Analyze,
            Request::CancelQuery { .. } => ActionKind::CancelQuery,
        }
    }

    /// The tenant a request is about, if it is about one.
    pub fn tenant(&self) -> Option<&str> {
        match self {
            Request::ResyncTables { tenant, .. }
            | Request::StartExport { tenant }
            | Request::Vacuum { tenant }
            | Request::Analyze { tenant } => Some(tenant),
            _ => None,
        }
    }
}
