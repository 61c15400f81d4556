use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{
    Alarm, AlarmsData, Changes, EltRun, ExportTask, FailedQuery, FleetMetrics,
    IntegrationReplication, IntegrationState, LoadError, LoadSummary, LogEvent, QueueActivity,
    RunningQuery, SourceId, SourceStatus, TableInfo, Tenant, Time, WlmSettings,
};

/// A tenant whose part of a source could not be fetched (role denied, timeout …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TenantFailure {
    pub tenant: String,
    pub error: String,
}

/// A tenant's Aurora cluster (DescribeDBClusters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterState {
    pub tenant: String,
    pub identifier: String,
    /// Its ARN (`DBClusterArn`), for its console URL and the copy keys.
    pub arn: Option<String>,
    pub status: String,
    pub engine_version: String,
    pub parameter_group: String,
}

/// A manual cluster snapshot of an export-path tenant (DescribeDBClusterSnapshots).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnapshotInfo {
    pub tenant: String,
    pub id: String,
    pub status: String,
    pub created_at: Option<Time>,
}

/// What RDS reports across the tenants' accounts.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RdsData {
    pub integrations: Vec<IntegrationState>,
    pub snapshots: Vec<SnapshotInfo>,
    /// Recent export tasks, newest first per tenant.
    pub exports: Vec<ExportTask>,
    /// Tenants whose accounts could not be read this time; their previous data is kept.
    pub failures: Vec<TenantFailure>,
}

/// A system view (or query over them) the warehouse source reads, one statement each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarehouseView {
    Integrations,
    IntegrationTables,
    LoadErrors,
    Loads,
    Queues,
    Queries,
    Tables,
    FailedQueries,
}

/// What the warehouse's system views report, for all tenants at once.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WarehouseData {
    pub replication: Vec<IntegrationReplication>,
    /// COPY errors of the last 24 hours, newest first.
    pub load_errors: Vec<LoadError>,
    pub loads: Vec<LoadSummary>,
    pub queues: Vec<QueueActivity>,
    /// Queries running now, longest-running first.
    pub queries: Vec<RunningQuery>,
    pub tables: Vec<TableInfo>,
    /// What every table takes together (SVV_TABLE_INFO, in MB), also those past the listed ones.
    pub tables_total_mb: Option<u64>,
    /// Queries that failed recently on any warehouse, newest first.
    pub failed_queries: Vec<FailedQuery>,
    /// Views whose statement failed this time, with the error; their previous rows are kept.
    pub failed_views: Vec<(WarehouseView, String)>,
}

/// The result of one fetch of one source.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceData {
    Rds(RdsData),
    Warehouse(WarehouseData),
    Metrics(FleetMetrics),
    Alarms(AlarmsData),
    Elt(Vec<EltRun>),
    Logs(Vec<LogEvent>),
    Parameters(WlmSettings),
    Aurora(ClustersData),
}

/// The tenants' Aurora clusters, read in each tenant's account on a slow cadence: they change
/// only when someone changes them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ClustersData {
    pub clusters: Vec<ClusterState>,
    /// Tenants whose account could not be read this time; their previous clusters are kept.
    pub failures: Vec<TenantFailure>,
}

impl SourceData {
    pub fn source(&self) -> SourceId {
        match self {
            SourceData::Rds(_) => SourceId::Rds,
            SourceData::Warehouse(_) => SourceId::Warehouse,
            SourceData::Metrics(_) => SourceId::Metrics,
            SourceData::Alarms(_) => SourceId::Alarms,
            SourceData::Elt(_) => SourceId::Elt,
            SourceData::Logs(_) => SourceId::Logs,
            SourceData::Parameters(_) => SourceId::Parameters,
            SourceData::Aurora(_) => SourceId::Aurora,
        }
    }
}

/// Everything known about the fleet now: the last good data of every source, with its age and error.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    pub tenants: Vec<Tenant>,
    pub rds: RdsData,
    /// The tenants' Aurora clusters (their own source, read on a slow cadence).
    pub clusters: Vec<ClusterState>,
    pub warehouse: WarehouseData,
    pub metrics: FleetMetrics,
    pub alarms: Vec<Alarm>,
    /// ELT executions, newest first.
    pub elt_runs: Vec<EltRun>,
    /// Recent errors of the configured audit log groups, newest first.
    pub error_logs: Vec<LogEvent>,
    /// The warehouse's WLM configuration as AWS holds it now.
    pub wlm_settings: WlmSettings,
    pub sources: Vec<SourceStatus>,
    /// Tenants whose data could not be fetched from some source, with the error.
    pub tenant_errors: BTreeMap<String, String>,
    /// Tenants whose account RDS has read at least once: a later failure leaves their data old,
    /// not unread (see [`crate::model::Reading`]).
    #[serde(skip)]
    pub read_tenants: BTreeSet<String>,
    /// Warehouse views whose statement has succeeded at least once.
    #[serde(skip)]
    pub read_views: BTreeSet<WarehouseView>,
}

impl Snapshot {
    /// A snapshot fed by every kind of source.
    pub fn new(tenants: Vec<Tenant>) -> Self {
        Self::with_sources(tenants, &SourceId::ALL)
    }

    /// A snapshot fed by these sources only: a fleet without, say, a log group has no log source,
    /// and nothing waits for one.
    pub fn with_sources(tenants: Vec<Tenant>, sources: &[SourceId]) -> Self {
        Self {
            tenants,
            rds: RdsData::default(),
            clusters: Vec::new(),
            warehouse: WarehouseData::default(),
            metrics: FleetMetrics::default(),
            alarms: Vec::new(),
            elt_runs: Vec::new(),
            error_logs: Vec::new(),
            wlm_settings: WlmSettings::default(),
            sources: sources.iter().map(|&id| SourceStatus::new(id)).collect(),
            tenant_errors: BTreeMap::new(),
            read_tenants: BTreeSet::new(),
            read_views: BTreeSet::new(),
        }
    }

    /// The ELT's latest execution (the ELT is one run for the whole fleet).
    pub fn latest_elt_run(&self) -> Option<&EltRun> {
        self.elt_runs.iter().max_by_key(|r| r.started_at)
    }

    pub fn source(&self, id: SourceId) -> Option<&SourceStatus> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// Whether a source has delivered data at least once, so the rules it feeds can run.
    pub fn has(&self, id: SourceId) -> bool {
        self.source(id).is_some_and(|s| s.fetched_at.is_some())
    }

    /// Marks a fetch as started.
    pub fn begin(&mut self, id: SourceId) {
        if let Some(status) = self.sources.iter_mut().find(|s| s.id == id) {
            status.in_flight = true;
        }
    }

    /// Applies the result of a fetch that started at `fetched_at`. On failure the last good data stays.
    ///
    /// Returns what changed of what health and rows are derived from: the data (of the
    /// warehouse, view by view), the source's error, or its first data. A fetch that brings what
    /// the snapshot holds already (most do: CloudWatch's datapoints are a minute apart, the
    /// fleet's state changes rarely) only makes the data younger, and what is derived from it
    /// need not be derived again.
    pub fn apply(
        &mut self,
        id: SourceId,
        generation: u64,
        result: Result<SourceData, String>,
        fetched_at: Time,
    ) -> Changes {
        let Some(status) = self.sources.iter_mut().find(|s| s.id == id) else {
            return Changes::NONE; // not a source of this fleet
        };
        status.in_flight = false;
        status.generation = generation;
        let data = match result {
            Ok(data) => data,
            Err(error) => {
                let changed = status.error.as_ref() != Some(&error);
                status.error = Some(error);
                return if changed {
                    Changes::source(id)
                } else {
                    Changes::NONE
                };
            }
        };
        let error = partial_error(&data);
        let status_changed = status.fetched_at.is_none() || status.error != error;
        status.fetched_at = Some(fetched_at);
        status.error = error;
        let whole = |changed: bool| {
            if changed {
                Changes::source(id)
            } else {
                Changes::NONE
            }
        };
        let data_changes = match data {
            SourceData::Rds(rds) => self.apply_rds(rds),
            SourceData::Warehouse(warehouse) => self.apply_warehouse(warehouse),
            SourceData::Metrics(metrics) => whole(replace_if_changed(&mut self.metrics, metrics)),
            SourceData::Alarms(alarms) => whole(self.apply_alarms(alarms)),
            SourceData::Elt(runs) => whole(replace_if_changed(&mut self.elt_runs, runs)),
            SourceData::Logs(lines) => whole(replace_if_changed(&mut self.error_logs, lines)),
            SourceData::Aurora(clusters) => whole(self.apply_clusters(clusters)),
            SourceData::Parameters(settings) => {
                whole(replace_if_changed(&mut self.wlm_settings, settings))
            }
        };
        whole(status_changed) | data_changes
    }

    /// The id of a tenant's integration, once RDS has reported it.
    pub fn integration_id(&self, tenant: &str) -> Option<&str> {
        self.rds
            .integrations
            .iter()
            .find(|i| i.tenant == tenant)
            .map(|i| i.id.as_str())
    }

    /// Views that failed keep their previous rows, so one bad statement blanks nothing. Returns
    /// the views whose rows changed, or were read for the first time.
    fn apply_warehouse(&mut self, mut fresh: WarehouseData) -> Changes {
        let old = &self.warehouse;
        let mut first_read = Vec::new();
        for view in WarehouseView::ALL {
            if !fresh.failed_views.iter().any(|(failed, _)| *failed == view)
                && self.read_views.insert(view)
            {
                first_read.push(view);
            }
        }
        for (view, _) in &fresh.failed_views {
            match view {
                WarehouseView::Integrations => fresh.replication = old.replication.clone(),
                WarehouseView::IntegrationTables => {
                    for replication in &mut fresh.replication {
                        if let Some(previous) = old
                            .replication
                            .iter()
                            .find(|r| r.integration_id == replication.integration_id)
                        {
                            replication.tables_not_synced = previous.tables_not_synced.clone();
                        }
                    }
                }
                WarehouseView::LoadErrors => fresh.load_errors = old.load_errors.clone(),
                WarehouseView::Loads => fresh.loads = old.loads.clone(),
                WarehouseView::Queues => fresh.queues = old.queues.clone(),
                WarehouseView::Queries => fresh.queries = old.queries.clone(),
                WarehouseView::Tables => {
                    fresh.tables = old.tables.clone();
                    fresh.tables_total_mb = old.tables_total_mb;
                }
                WarehouseView::FailedQueries => fresh.failed_queries = old.failed_queries.clone(),
            }
        }
        resolve_replication_tenants(&mut fresh.replication, &self.rds.integrations);
        let old = &self.warehouse;
        if old.failed_views != fresh.failed_views {
            self.warehouse = fresh;
            return Changes::source(SourceId::Warehouse);
        }
        let changed = WarehouseView::ALL.into_iter().filter(|&view| match view {
            // Both views fill the same rows: each integration's state and its tables.
            WarehouseView::Integrations | WarehouseView::IntegrationTables => {
                old.replication != fresh.replication
            }
            WarehouseView::LoadErrors => old.load_errors != fresh.load_errors,
            WarehouseView::Loads => old.loads != fresh.loads,
            WarehouseView::Queues => old.queues != fresh.queues,
            WarehouseView::Queries => old.queries != fresh.queries,
            WarehouseView::Tables => {
                old.tables != fresh.tables || old.tables_total_mb != fresh.tables_total_mb
            }
            WarehouseView::FailedQueries => old.failed_queries != fresh.failed_queries,
        });
        let changes = Changes::views(changed.chain(first_read));
        if changes.any() {
            self.warehouse = fresh;
        }
        changes
    }

    /// Alarms are read account by account: an account that failed keeps its previous alarms.
    fn apply_alarms(&mut self, mut fresh: AlarmsData) -> bool {
        let failed = |alarm: &&Alarm| {
            fresh
                .failures
                .iter()
                .any(|f| alarm.account() == Some(f.account_id.as_str()))
        };
        let kept: Vec<Alarm> = self.alarms.iter().filter(failed).cloned().collect();
        fresh.alarms.extend(kept);
        replace_if_changed(&mut self.alarms, fresh.alarms)
    }

    /// Clusters are read account by account: a tenant that failed keeps its previous cluster.
    fn apply_clusters(&mut self, mut fresh: ClustersData) -> bool {
        let failed = |tenant: &str| fresh.failures.iter().any(|f| f.tenant == tenant);
        let kept: Vec<ClusterState> = self
            .clusters
            .iter()
            .filter(|c| failed(&c.tenant))
            .cloned()
            .collect();
        fresh.clusters.extend(kept);
        replace_if_changed(&mut self.clusters, fresh.clusters)
    }

    /// RDS is read account by account: a tenant that failed keeps its previous data. New RDS data
    /// also says anew whose each replicating integration is.
    fn apply_rds(&mut self, mut fresh: RdsData) -> Changes {
        let failed: Vec<&str> = fresh.failures.iter().map(|f| f.tenant.as_str()).collect();
        let kept = |tenant: &str| failed.contains(&tenant);
        let old = &self.rds;
        fresh
            .integrations
            .extend(old.integrations.iter().filter(|i| kept(&i.tenant)).cloned());
        fresh
            .exports
            .extend(old.exports.iter().filter(|e| kept(&e.tenant)).cloned());
        fresh
            .snapshots
            .extend(old.snapshots.iter().filter(|s| kept(&s.tenant)).cloned());
        let read_before = self.read_tenants.len();
        for tenant in &self.tenants {
            if !kept(&tenant.name) && !self.read_tenants.contains(&tenant.name) {
                self.read_tenants.insert(tenant.name.clone());
            }
        }
        let tenant_errors: BTreeMap<String, String> = fresh
            .failures
            .iter()
            .map(|f| (f.tenant.clone(), f.error.clone()))
            .collect();
        let errors_changed = replace_if_changed(&mut self.tenant_errors, tenant_errors);
        if !replace_if_changed(&mut self.rds, fresh) {
            let changed = errors_changed || self.read_tenants.len() != read_before;
            return if changed {
                Changes::source(SourceId::Rds)
            } else {
                Changes::NONE
            };
        }
        resolve_replication_tenants(&mut self.warehouse.replication, &self.rds.integrations);
        Changes::source(SourceId::Rds) | Changes::views([WarehouseView::Integrations])
    }
}

/// Puts `fresh` in `held`'s place when it differs; returns whether it did. Comparing costs
/// less than deriving health and rows again from data that did not change.
fn replace_if_changed<T: PartialEq>(held: &mut T, fresh: T) -> bool {
    if *held == fresh {
        return false;
    }
    *held = fresh;
    true
}

/// The warehouse names integrations by id only; RDS says whose each id is.
/// One map of the integrations by id, not a scan per row: a fleet has thousands of both.
fn resolve_replication_tenants(
    replication: &mut [IntegrationReplication],
    integrations: &[IntegrationState],
) {
    if replication.is_empty() {
        return;
    }
    let mut tenant_of: std::collections::HashMap<&str, &str> =
        std::collections::HashMap::with_capacity(integrations.len());
    for integration in integrations {
        // The first integration with an id wins, as a scan in order would find it.
        tenant_of
            .entry(integration.id.as_str())
            .or_insert(integration.tenant.as_str());
    }
    for replication in replication {
        if let Some(tenant) = tenant_of.get(replication.integration_id.as_str())
            && replication.tenant.as_deref() != Some(*tenant)
        {
            replication.tenant = Some((*tenant).to_string());
        }
    }
}

/// A fetch that partly failed still brings data, and says what is missing.
fn partial_error(data: &SourceData) -> Option<String> {
    let parts: Vec<String> = match data {
        SourceData::Rds(RdsData { failures, .. })
        | SourceData::Aurora(ClustersData { failures, .. }) => failures
            .iter()
            .map(|f| format!("{}: {}", f.tenant, f.error))
            .collect(),
        SourceData::Warehouse(warehouse) => warehouse
            .failed_views
            .iter()
            .map(|(view, error)| format!("{}: {error}", view.as_str()))
            .collect(),
        SourceData::Alarms(alarms) => alarms
            .failures
            .iter()
            .map(|f| format!("{}: {}", f.tenants.join(", "), f.error))
            .collect(),
        _ => Vec::new(),
    };
    (!parts.is_empty()).then(|| parts.join("; "))
}

impl WarehouseView {
    pub const ALL: [WarehouseView; 8] = [
        WarehouseView::Integrations,
        WarehouseView::IntegrationTables,
        WarehouseView::LoadErrors,
        WarehouseView::Loads,
        WarehouseView::Queues,
        WarehouseView::Queries,
        WarehouseView::Tables,
        WarehouseView::FailedQueries,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WarehouseView::Integrations => "integrations",
            WarehouseView::IntegrationTables => "integration tables",
            WarehouseView::LoadErrors => "load errors",
            WarehouseView::Loads => "loads",
            WarehouseView::Queues => "wlm queues",
            WarehouseView::Queries => "running queries",
            WarehouseView::Tables => "tables",
            WarehouseView::FailedQueries => "failed queries",
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::model::{ExportStatus, Ingest, IntegrationStatus};

    fn at(minute: u32) -> Time {
        chrono::Utc
            .with_ymd_and_hms(2026, 11, 21, 6, minute, 0)
            .unwrap()
    }

    fn tenant(name: &str) -> Tenant {
        Tenant {
            name: name.into(),
            metric_dimension_value: name.into(),
            schema: name.into(),
            account_id: "111111111111".into(),
            cluster_identifier: format!("{name}-mysql"),
            ingest: Ingest::ZeroEtl {
                integration: format!("{name}-integration"),
            },
        }
    }

    fn integration(tenant: &str, status: IntegrationStatus) -> IntegrationState {
        IntegrationState {
            tenant: tenant.into(),
            name: format!("{tenant}-integration"),
            id: format!("{tenant}-id"),
            status,
            errors: vec![],
            created_at: None,
            described_at: None,
        }
    }

    #[test]
    fn failed_fetch_keeps_last_good_data_and_records_error() {
        let mut snapshot = Snapshot::new(vec![tenant("a")]);
        snapshot.apply(
            SourceId::Alarms,
            1,
            Ok(SourceData::Alarms(AlarmsData::default())),
            at(0),
        );
        snapshot.apply(SourceId::Alarms, 2, Err("throttled".into()), at(1));
        let status = snapshot.source(SourceId::Alarms).unwrap();
        assert_eq!(status.fetched_at, Some(at(0)));
        assert_eq!(status.error.as_deref(), Some("throttled"));
        assert!(!status.failed(), "it has data, so it is stale, not failed");
        assert_eq!(status.age_seconds(at(2)), Some(120));
    }

    #[test]
    fn a_fetch_that_brings_the_same_data_changes_nothing_derived() {
        let mut snapshot = Snapshot::new(vec![tenant("a")]);
        let rds = |status| RdsData {
            integrations: vec![integration("a", status)],
            ..RdsData::default()
        };
        let warehouse = WarehouseData {
            replication: vec![IntegrationReplication {
                tenant: None,
                integration_id: "a-id".into(),
                state: "Active".into(),
                lag_seconds: Some(3.0),
                tables_not_synced: vec![],
            }],
            ..WarehouseData::default()
        };
        let mut apply = |generation: u64, data: Result<SourceData, String>| {
            snapshot
                .apply(data_source(&data), generation, data, at(generation as u32))
                .any()
        };
        assert!(
            apply(1, Ok(SourceData::Rds(rds(IntegrationStatus::Active)))),
            "the first data"
        );
        assert!(!apply(
            2,
            Ok(SourceData::Rds(rds(IntegrationStatus::Active)))
        ));
        assert!(apply(
            3,
            Ok(SourceData::Rds(rds(IntegrationStatus::Failed)))
        ));
        // The warehouse's rows are compared with their tenants resolved from RDS.
        assert!(apply(1, Ok(SourceData::Warehouse(warehouse.clone()))));
        assert!(!apply(2, Ok(SourceData::Warehouse(warehouse))));
        // An error where there was none, or another error, changes what is unread.
        assert!(apply(4, Err("throttled".into())));
        assert!(!apply(5, Err("throttled".into())));
        assert!(apply(6, Err("expired".into())));
        assert!(
            apply(7, Ok(SourceData::Rds(rds(IntegrationStatus::Failed)))),
            "error cleared"
        );
        assert_eq!(
            snapshot.source(SourceId::Rds).unwrap().fetched_at,
            Some(at(7))
        );
        assert_eq!(
            snapshot.warehouse.replication[0].tenant.as_deref(),
            Some("a")
        );
    }

    fn data_source(data: &Result<SourceData, String>) -> SourceId {
        data.as_ref().map_or(SourceId::Rds, SourceData::source)
    }

    fn alarm(account: &str, name: &str, state: crate::model::AlarmState) -> Alarm {
        Alarm {
            name: name.into(),
            arn: Some(format!(
                "arn:aws:cloudwatch:us-east-1:{account}:alarm:{name}"
            )),
            kind: crate::model::AlarmKind::Metric,
            state,
            reason: String::new(),
            since: at(0),
            tenant: None,
            metric: None,
            threshold: None,
        }
    }

    #[test]
    fn a_warehouse_fetch_says_which_of_its_views_changed() {
        let mut snapshot = Snapshot::new(vec![tenant("a")]);
        let queue = |queued: u32| crate::model::QueueActivity {
            queue: "adhoc".into(),
            queued,
            running: 1,
            max_wait_seconds: 0.0,
        };
        let warehouse = |queued: u32| {
            Ok(SourceData::Warehouse(WarehouseData {
                queues: vec![queue(queued)],
                ..WarehouseData::default()
            }))
        };
        let first = snapshot.apply(SourceId::Warehouse, 1, warehouse(0), at(0));
        assert!(
            first.touches_view(WarehouseView::Loads),
            "the first data: all of it"
        );
        let queued = snapshot.apply(SourceId::Warehouse, 2, warehouse(3), at(1));
        assert_eq!(queued, Changes::views([WarehouseView::Queues]));
        assert_eq!(snapshot.warehouse.queues, vec![queue(3)]);
        let same = snapshot.apply(SourceId::Warehouse, 3, warehouse(3), at(2));
        assert!(!same.any());
        // A view that fails now changes what is unread: the whole source.
        let failing = Ok(SourceData::Warehouse(WarehouseData {
            queues: vec![queue(3)],
            failed_views: vec![(WarehouseView::Loads, "denied".into())],
            ..WarehouseData::default()
        }));
        let failed = snapshot.apply(SourceId::Warehouse, 4, failing, at(3));
        assert!(failed.touches_view(WarehouseView::Loads));
        assert!(!failed.touches(SourceId::Rds));
    }

    #[test]
    fn an_account_whose_alarms_fail_keeps_its_previous_alarms_and_says_so() {
        use crate::model::{AccountFailure, AlarmState};
        let mut snapshot = Snapshot::new(vec![tenant("a"), tenant("b")]);
        let first = AlarmsData::read(vec![
            alarm("999999999999", "central", AlarmState::Ok),
            alarm("111111111111", "export", AlarmState::Alarm),
            alarm("222222222222", "export", AlarmState::Ok),
        ]);
        snapshot.apply(SourceId::Alarms, 1, Ok(SourceData::Alarms(first)), at(0));
        let second = AlarmsData {
            alarms: vec![
                alarm("999999999999", "central", AlarmState::Alarm),
                alarm("222222222222", "export", AlarmState::Alarm),
            ],
            failures: vec![AccountFailure {
                account_id: "111111111111".into(),
                tenants: vec!["a".into()],
                error: "111111111111 (role r): AccessDenied".into(),
            }],
        };
        snapshot.apply(SourceId::Alarms, 2, Ok(SourceData::Alarms(second)), at(1));
        let state = |account: &str| {
            snapshot
                .alarms
                .iter()
                .find(|a| a.account() == Some(account))
                .map(|a| a.state)
        };
        assert_eq!(state("999999999999"), Some(AlarmState::Alarm));
        assert_eq!(state("111111111111"), Some(AlarmState::Alarm), "kept");
        assert_eq!(state("222222222222"), Some(AlarmState::Alarm));
        assert_eq!(snapshot.alarms.len(), 3);
        let status = snapshot.source(SourceId::Alarms).unwrap();
        assert_eq!(
            status.error.as_deref(),
            Some("a: 111111111111 (role r): AccessDenied")
        );
        assert_eq!(status.fetched_at, Some(at(1)), "the rest is fresh");
        // Namesakes in two accounts are two alarms.
        assert_ne!(snapshot.alarms[1].key(), snapshot.alarms[2].key());
    }

    #[test]
    fn a_tenant_that_fails_keeps_its_previous_rds_data() {
        let mut snapshot = Snapshot::new(vec![tenant("a"), tenant("b")]);
        let first = RdsData {
            integrations: vec![
                integration("a", IntegrationStatus::Active),
                integration("b", IntegrationStatus::NeedsAttention),
            ],
            exports: vec![ExportTask {
                tenant: "b".into(),
                id: "x".into(),
                snapshot: "s".into(),
                status: ExportStatus::Complete,
                percent_progress: 100,
                started_at: None,
                finished_at: None,
                failure_cause: None,
            }],
            ..RdsData::default()
        };
        snapshot.apply(SourceId::Rds, 1, Ok(SourceData::Rds(first)), at(0));
        let second = RdsData {
            integrations: vec![integration("a", IntegrationStatus::Modifying)],
            failures: vec![TenantFailure {
                tenant: "b".into(),
                error: "AccessDenied".into(),
            }],
            ..RdsData::default()
        };
        snapshot.apply(SourceId::Rds, 2, Ok(SourceData::Rds(second)), at(1));
        let status_of = |t: &str| {
            snapshot
                .rds
                .integrations
                .iter()
                .find(|i| i.tenant == t)
                .map(|i| i.status.clone())
        };
        assert_eq!(status_of("a"), Some(IntegrationStatus::Modifying));
        assert_eq!(status_of("b"), Some(IntegrationStatus::NeedsAttention));
        assert_eq!(snapshot.rds.exports.len(), 1);
        assert_eq!(
            snapshot.tenant_errors.get("b").map(String::as_str),
            Some("AccessDenied")
        );
    }
}
