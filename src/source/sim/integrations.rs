//! The tenants' Zero-ETL integrations: their status, the tables that are not synced, the stall an
//! incident causes, and the resync an operator starts (`ALTER DATABASE … INTEGRATION REFRESH`).

use chrono::Duration;

use super::Scenario;
use super::incident::{self, INTEGRATION_TENANT, Incident};
use super::rng::SplitMix64;
use crate::model::{IntegrationStatus, TableSync, Tenant, Time};

/// How long replication takes to work off the backlog a stall built up, once the resync is done.
const CATCH_UP: Duration = Duration::minutes(5);

/// A table the operator asked to resync, and when it will be `Synced` again.
#[derive(Debug, Clone, PartialEq)]
struct TableResync {
    table: String,
    synced_at: Time,
}

/// Replication working off a backlog: the lag falls from `backlog_seconds` at `from` to nothing
/// at `until`, on top of the everyday walk.
#[derive(Debug, Clone, PartialEq)]
struct CatchUp {
    from: Time,
    until: Time,
    backlog_seconds: f64,
}

/// A Zero-ETL integration as the simulation keeps it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SimIntegration {
    pub tenant: String,
    pub name: String,
    pub created_at: Time,
    pub status: IntegrationStatus,
    pub errors: Vec<String>,
    /// Tables in error; tables being resynced are in `resyncing`.
    tables_in_error: Vec<TableSync>,
    /// Since when replication has applied nothing: the lag then grows a second per second.
    stalled_since: Option<Time>,
    resyncing: Vec<TableResync>,
    catch_up: Option<CatchUp>,
}

impl SimIntegration {
    pub(crate) fn lag_at(&self, walk_seconds: f64, at: Time) -> f64 {
        let stalled = self
            .stalled_since
            .filter(|since| *since <= at)
            .map_or(0.0, |since| (at - since).num_seconds() as f64);
        let backlog = self.catch_up.as_ref().map_or(0.0, |c| {
            let total = (c.until - c.from).num_seconds().max(1) as f64;
            let done = ((at - c.from).num_seconds() as f64 / total).clamp(0.0, 1.0);
            c.backlog_seconds * (1.0 - done)
        });
        walk_seconds + stalled + backlog
    }

    /// SVV_INTEGRATION's state column: replicating again as soon as a resync begins.
    pub(crate) fn warehouse_state(&self) -> &'static str {
        match self.status {
            IntegrationStatus::Active | IntegrationStatus::Syncing => "CdcRefreshState",
            _ => "ErrorState",
        }
    }

    /// SVV_INTEGRATION_TABLE_STATE's tables that are not `Synced`.
    pub(crate) fn tables_not_synced(&self) -> Vec<TableSync> {
        let resyncing = self.resyncing.iter().map(|r| TableSync {
            table: r.table.clone(),
            state: "ResyncInitiated".into(),
            reason: "ALTER DATABASE … INTEGRATION REFRESH: the table is being reloaded from the \
                     source"
                .into(),
        });
        self.tables_in_error
            .iter()
            .cloned()
            .chain(resyncing)
            .collect()
    }

    /// The tables `REFRESH INERROR TABLES` picks.
    pub(crate) fn tables_in_error(&self) -> Vec<String> {
        self.tables_in_error
            .iter()
            .map(|t| t.table.clone())
            .collect()
    }

    /// Starts reloading `tables` at `now`; each is synced again minutes later. Replication of the
    /// integration's other changes waits for the reload, so a stall lasts until the last table is in.
    pub(crate) fn resync(&mut self, tables: &[String], now: Time, seed: u64) {
        for table in tables {
            self.tables_in_error.retain(|t| t.table != *table);
            self.resyncing.retain(|r| r.table != *table);
            let key = table.bytes().fold(now.timestamp(), |h, b| {
                h.wrapping_mul(31).wrapping_add(i64::from(b))
            });
            let seconds = SplitMix64::keyed(seed, "table-resync", key).int_between(90, 240);
            self.resyncing.push(TableResync {
                table: table.clone(),
                synced_at: now + Duration::seconds(seconds),
            });
        }
        if !tables.is_empty() {
            self.status = IntegrationStatus::Syncing;
        }
    }

    /// Moves a resync on to `now`: reloaded tables are synced; once none is left the integration
    /// is active and replication works off its backlog.
    pub(crate) fn settle(&mut self, now: Time) {
        if self.catch_up.as_ref().is_some_and(|c| c.until <= now) {
            self.catch_up = None;
        }
        let Some(last_synced) = self.resyncing.iter().map(|r| r.synced_at).max() else {
            return;
        };
        if last_synced > now {
            return;
        }
        self.resyncing.clear();
        if let Some(since) = self.stalled_since.take() {
            self.catch_up = Some(CatchUp {
                from: last_synced,
                until: last_synced + CATCH_UP,
                backlog_seconds: (last_synced - since).num_seconds().max(0) as f64,
            });
        }
        if self.tables_in_error.is_empty() {
            self.status = IntegrationStatus::Active;
            self.errors.clear();
        }
    }
}

/// The fleet's Zero-ETL integrations; the integration incident breaks tenant_a's.
pub(crate) fn build(
    tenants: &[Tenant],
    seed: u64,
    minute: Time,
    incident: &Incident,
) -> Vec<SimIntegration> {
    tenants
        .iter()
        .enumerate()
        .filter_map(|(position, tenant)| {
            let name = tenant.ingest.integration()?;
            let mut rng = SplitMix64::keyed(seed, "integration", position as i64);
            let age = Duration::minutes(rng.int_between(200 * 24 * 60, 600 * 24 * 60));
            let mut integration = SimIntegration {
                tenant: tenant.name.clone(),
                name: name.to_string(),
                created_at: minute - age,
                status: IntegrationStatus::Active,
                errors: Vec::new(),
                tables_in_error: Vec::new(),
                stalled_since: None,
                resyncing: Vec::new(),
                catch_up: None,
            };
            if incident.scenario == Scenario::IntegrationNeedsAttention
                && tenant.name == INTEGRATION_TENANT
            {
                let (errors, tables) = incident::integration_trouble(tenant);
                integration.status = IntegrationStatus::NeedsAttention;
                integration.errors = errors;
                integration.tables_in_error = tables;
                integration.stalled_since = incident.began_at;
            }
            Some(integration)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::source::sim::tenants;

    fn at(minute: i64) -> Time {
        chrono::Utc.with_ymd_and_hms(2026, 11, 21, 6, 0, 0).unwrap() + Duration::minutes(minute)
    }

    fn broken() -> SimIntegration {
        let incident = Incident {
            scenario: Scenario::IntegrationNeedsAttention,
            began_at: Some(at(-30)),
            ended_at: None,
        };
        build(&tenants::build(3), 5, at(0), &incident).remove(0)
    }

    #[test]
    fn a_resync_reloads_the_tables_then_the_backlog_drains() {
        let mut integration = broken();
        assert_eq!(integration.status, IntegrationStatus::NeedsAttention);
        let tables = integration.tables_in_error();
        assert_eq!(tables, ["tenant_a.orders", "tenant_a.products"]);
        integration.resync(&tables, at(0), 5);
        assert_eq!(integration.status, IntegrationStatus::Syncing);
        let listed = integration.tables_not_synced();
        assert!(
            listed.iter().all(|t| t.state == "ResyncInitiated"),
            "{listed:?}"
        );
        assert_eq!(integration.warehouse_state(), "CdcRefreshState");
        integration.settle(at(1));
        assert_eq!(integration.tables_not_synced().len(), 2, "still reloading");
        integration.settle(at(4));
        assert!(integration.tables_not_synced().is_empty());
        assert_eq!(integration.status, IntegrationStatus::Active);
        assert!(integration.errors.is_empty());
        let backlog = integration.catch_up.as_ref().unwrap().backlog_seconds;
        assert!(
            backlog > 30.0 * 60.0,
            "the stall lasted until the reload: {backlog}"
        );
        assert!(integration.lag_at(8.0, at(4)) > integration.lag_at(8.0, at(7)));
        assert_eq!(integration.lag_at(8.0, at(10)), 8.0);
        integration.settle(at(10));
        assert_eq!(integration.catch_up, None);
    }

    #[test]
    fn resyncing_nothing_changes_nothing() {
        let mut integration = broken();
        integration.resync(&[], at(0), 5);
        integration.settle(at(10));
        assert_eq!(integration, broken());
    }
}
