use std::fmt;

use serde::Serialize;

use super::Time;

/// A unit of refresh with its own data age and error. Live and simulated fleets have the same ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceId {
    /// How the tenants' data arrives: the Zero-ETL integrations, read once in the warehouse's
    /// account (Redshift DescribeInboundIntegrations), and the export path's export tasks and
    /// snapshots, read in each export tenant's account (RDS).
    Rds,
    /// Redshift Data API on the warehouse: integration state, load errors, WLM state, tables.
    Warehouse,
    /// CloudWatch GetMetricData.
    Metrics,
    /// CloudWatch DescribeAlarms.
    Alarms,
    /// Step Functions executions of the ELT state machine.
    Elt,
    /// CloudWatch Logs Insights on the configured audit log groups: failed logins.
    Logs,
    /// Redshift's control plane: the warehouse's live WLM configuration (a pause in place).
    Parameters,
    /// The tenants' Aurora clusters (RDS DescribeDBClusters in each tenant's account): slow
    /// facts, read on a slow cadence, with their own age.
    Aurora,
}

impl SourceId {
    pub const ALL: [SourceId; 8] = [
        SourceId::Rds,
        SourceId::Warehouse,
        SourceId::Metrics,
        SourceId::Alarms,
        SourceId::Elt,
        SourceId::Logs,
        SourceId::Parameters,
        SourceId::Aurora,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SourceId::Rds => "rds",
            SourceId::Warehouse => "warehouse",
            SourceId::Metrics => "metrics",
            SourceId::Alarms => "alarms",
            SourceId::Elt => "elt",
            SourceId::Logs => "logs",
            SourceId::Parameters => "params",
            SourceId::Aurora => "aurora",
        }
    }
}

impl fmt::Display for SourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How fresh a source's data is and what went wrong last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceStatus {
    pub id: SourceId,
    /// When the data shown now was fetched; `None` until the first success.
    pub fetched_at: Option<Time>,
    /// The error of the latest attempt, kept until an attempt succeeds.
    pub error: Option<String>,
    pub in_flight: bool,
    /// The generation of the latest fetch applied; older results are dropped.
    pub generation: u64,
}

impl SourceStatus {
    pub fn new(id: SourceId) -> Self {
        Self {
            id,
            fetched_at: None,
            error: None,
            in_flight: false,
            generation: 0,
        }
    }

    /// Seconds since the data was fetched.
    pub fn age_seconds(&self, now: Time) -> Option<i64> {
        self.fetched_at.map(|t| (now - t).num_seconds().max(0))
    }

    /// A source with no data at all: nothing it feeds can be judged.
    pub fn failed(&self) -> bool {
        self.fetched_at.is_none() && self.error.is_some()
    }
}
