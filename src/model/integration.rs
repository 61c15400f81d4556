use std::fmt;

use serde::Serialize;

use super::Time;

/// Status of a Zero-ETL integration as RDS reports it (DescribeIntegrations, and Redshift's
/// DescribeInboundIntegrations).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IntegrationStatus {
    Creating,
    Active,
    Modifying,
    Syncing,
    NeedsAttention,
    Failed,
    Deleting,
    /// A status this version of shiftops does not know; kept verbatim.
    Other(String),
}

impl IntegrationStatus {
    /// Parses the API's spelling (`active`, `needs_attention`, …); unknown values are kept.
    pub fn parse(raw: &str) -> Self {
        match raw.to_ascii_lowercase().replace('-', "_").as_str() {
            "creating" => Self::Creating,
            "active" => Self::Active,
            "modifying" => Self::Modifying,
            "syncing" => Self::Syncing,
            "needs_attention" => Self::NeedsAttention,
            "failed" => Self::Failed,
            "deleting" => Self::Deleting,
            _ => Self::Other(raw.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Creating => "creating",
            Self::Active => "active",
            Self::Modifying => "modifying",
            Self::Syncing => "syncing",
            Self::NeedsAttention => "needs_attention",
            Self::Failed => "failed",
            Self::Deleting => "deleting",
            Self::Other(raw) => raw,
        }
    }
}

impl IntegrationStatus {
    /// Whether SVV_INTEGRATION's `state` of an integration says what this status says, so that
    /// the status and its errors, read earlier, still hold. SVV_INTEGRATION's states are
    /// `PendingDbConnectState`, `SchemaDiscoveryState`, `CdcRefreshState` and `ErrorState`
    /// (https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_INTEGRATION.html); no AWS page maps
    /// them onto the API's statuses, so the mapping is by meaning: replicating changes is active
    /// (or modifying, which keeps replicating); connecting or discovering the schema is creating or
    /// syncing; an error is failed or needs attention. Anything else (a state this version does
    /// not know, an integration being deleted) agrees with nothing: it is described again.
    pub fn agrees_with_replication_state(&self, state: &str) -> bool {
        match state {
            "CdcRefreshState" => matches!(self, Self::Active | Self::Modifying),
            "PendingDbConnectState" | "SchemaDiscoveryState" => {
                matches!(self, Self::Creating | Self::Syncing)
            }
            "ErrorState" => matches!(self, Self::Failed | Self::NeedsAttention),
            _ => false,
        }
    }
}

impl fmt::Display for IntegrationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One Zero-ETL integration as RDS reports it, in the tenant's account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IntegrationState {
    pub tenant: String,
    pub name: String,
    /// The integration's id, the last part of its ARN: the warehouse and CloudWatch name it by this.
    pub id: String,
    pub status: IntegrationStatus,
    /// Error codes and messages RDS attaches to the integration.
    pub errors: Vec<String>,
    pub created_at: Option<Time>,
    /// When the status and errors were read (DescribeInboundIntegrations), when that was before
    /// the fetch that reports them: read on a slow cadence while the warehouse's SVV_INTEGRATION
    /// agrees with them. `None`: read by that fetch, as old as its source.
    pub described_at: Option<Time>,
}

/// What the warehouse reports of an integration: SVV_INTEGRATION's lag and
/// SVV_INTEGRATION_TABLE_STATE's tables that are not `Synced`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntegrationReplication {
    /// Known once RDS has reported which tenant's integration has this id.
    pub tenant: Option<String>,
    pub integration_id: String,
    pub state: String,
    /// Replication lag in seconds, when the warehouse reports one.
    pub lag_seconds: Option<f64>,
    pub tables_not_synced: Vec<TableSync>,
}

/// The id of an integration from its ARN (`arn:aws:rds:…:integration:<id>`).
pub fn integration_id_from_arn(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}

/// The SVV_INTEGRATION_TABLE_STATE states that need nothing done: `Synced`, `Deleted` (the table
/// is gone from the replication) and `DroppedSource` ("the source of a history mode table was
/// dropped at the source"); the others are `Failed`, `ResyncRequired` and `ResyncInitiated`
/// (https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_INTEGRATION_TABLE_STATE.html).
pub const SETTLED_TABLE_STATES: [&str; 3] = ["Synced", "Deleted", "DroppedSource"];

/// A replicated table that is not in a settled state ([`SETTLED_TABLE_STATES`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableSync {
    pub table: String,
    /// `Failed`, `ResyncRequired`, `ResyncInitiated`
    pub state: String,
    pub reason: String,
}

impl TableSync {
    pub fn is_failed(&self) -> bool {
        self.state.eq_ignore_ascii_case("failed")
    }

    /// Whether the table needs nothing done: not a table out of sync.
    pub fn is_settled(&self) -> bool {
        SETTLED_TABLE_STATES
            .iter()
            .any(|s| self.state.eq_ignore_ascii_case(s))
    }
}

#[cfg(test)]
mod tests {
    use super::IntegrationStatus;

    #[test]
    fn a_status_agrees_with_the_replication_state_of_the_same_meaning_only() {
        use IntegrationStatus::*;
        let agreeing = [
            ("CdcRefreshState", vec![Active, Modifying]),
            ("PendingDbConnectState", vec![Creating, Syncing]),
            ("SchemaDiscoveryState", vec![Creating, Syncing]),
            ("ErrorState", vec![Failed, NeedsAttention]),
        ];
        let every = [
            Creating,
            Active,
            Modifying,
            Syncing,
            NeedsAttention,
            Failed,
            Deleting,
            Other("x".into()),
        ];
        for (state, agree) in agreeing {
            for status in &every {
                assert_eq!(
                    status.agrees_with_replication_state(state),
                    agree.contains(status),
                    "{state} / {status}"
                );
            }
        }
        // A state this version does not know is described again, whatever the status.
        assert!(
            every
                .iter()
                .all(|s| !s.agrees_with_replication_state("NewState"))
        );
    }
}
