use std::collections::HashMap;

use serde::Serialize;

use super::{
    EltStatus, ExportTask, Ingest, IntegrationStatus, Reading, Snapshot, SourceId, Time, Unread,
    WarehouseView,
};

/// One overview row: everything about a tenant's pipeline at a glance. A figure whose source
/// could not be read is [`Reading::Unknown`], never a zero or an empty value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TenantSummary {
    pub name: String,
    pub path: &'static str,
    pub account_id: String,
    pub integration: Option<String>,
    pub integration_status: Reading<Option<IntegrationStatus>>,
    pub lag_seconds: Reading<Option<f64>>,
    pub tables_not_synced: Reading<usize>,
    pub last_export: Reading<Option<ExportTask>>,
    pub last_copy_at: Reading<Option<Time>>,
    pub copy_errors_24h: Reading<usize>,
    /// The latest ELT run's status: the ELT is one run for the whole fleet.
    pub last_elt: Reading<Option<EltStatus>>,
    pub last_elt_at: Reading<Option<Time>>,
    /// Why this tenant's data could not be read, if it could not.
    pub error: Option<String>,
}

impl TenantSummary {
    /// The figures that could not be read, by their JSON key, each with why: what a `?` means.
    pub fn unread(&self) -> Vec<(&'static str, &Unread)> {
        [
            ("integration_status", self.integration_status.unread()),
            ("lag_seconds", self.lag_seconds.unread()),
            ("tables_not_synced", self.tables_not_synced.unread()),
            ("last_export", self.last_export.unread()),
            ("last_copy_at", self.last_copy_at.unread()),
            ("copy_errors_24h", self.copy_errors_24h.unread()),
            ("last_elt", self.last_elt.unread()),
            ("last_elt_at", self.last_elt_at.unread()),
        ]
        .into_iter()
        .filter_map(|(key, unread)| unread.map(|u| (key, u)))
        .collect()
    }
}

/// Builds one summary per tenant, in the snapshot's tenant order, in one pass over each source.
pub fn summarize_tenants(snapshot: &Snapshot, now: Time) -> Vec<TenantSummary> {
    let integrations: HashMap<&str, _> = snapshot
        .rds
        .integrations
        .iter()
        .map(|i| (i.tenant.as_str(), i))
        .collect();
    // A tenant's integration id as `Snapshot::integration_id` finds it (the first one listed),
    // looked up once per tenant rather than by a scan of every integration per tenant.
    let mut integration_ids: HashMap<&str, &str> = HashMap::with_capacity(integrations.len());
    for integration in &snapshot.rds.integrations {
        integration_ids
            .entry(integration.tenant.as_str())
            .or_insert(integration.id.as_str());
    }
    let replication: HashMap<&str, _> = snapshot
        .warehouse
        .replication
        .iter()
        .filter_map(|r| r.tenant.as_deref().map(|t| (t, r)))
        .collect();
    let mut last_export: HashMap<&str, &ExportTask> = HashMap::new();
    for task in &snapshot.rds.exports {
        let entry = last_export.entry(task.tenant.as_str()).or_insert(task);
        if task.started_at > entry.started_at {
            *entry = task;
        }
    }
    let last_copy: HashMap<&str, Time> = snapshot
        .warehouse
        .loads
        .iter()
        .map(|l| (l.tenant.as_str(), l.last_copy_at))
        .collect();
    let since = now - chrono::Duration::hours(24);
    let mut copy_errors: HashMap<&str, usize> = HashMap::new();
    for error in &snapshot.warehouse.load_errors {
        if error.time >= since {
            *copy_errors.entry(error.tenant.as_str()).or_default() += 1;
        }
    }
    let latest_run = snapshot.latest_elt_run();
    // Fleet-wide inputs are judged once; a tenant's own account, per tenant.
    let integrations_unread = snapshot.unread_view(WarehouseView::Integrations);
    let tables_unread = integrations_unread
        .clone()
        .or_else(|| snapshot.unread_view(WarehouseView::IntegrationTables));
    let metrics_unread = snapshot.unread_source(SourceId::Metrics);
    let loads_unread = snapshot.unread_view(WarehouseView::Loads);
    let load_errors_unread = snapshot.unread_view(WarehouseView::LoadErrors);
    let elt_unread = snapshot.unread_source(SourceId::Elt);

    snapshot
        .tenants
        .iter()
        .map(|tenant| {
            let name = tenant.name.as_str();
            let integration = integrations.get(name);
            let replica = replication.get(name);
            let lag_seconds = replica.and_then(|r| r.lag_seconds).or_else(|| {
                let id = *integration_ids.get(name)?;
                snapshot.metrics.integration_lag_seconds.get(id)?.latest()
            });
            // The export path's figures come from its account (exports) and its COPY; the
            // Zero-ETL path's from its account (integration) and the warehouse's replication.
            let account_unread = snapshot.unread_tenant(name);
            let (zero_etl, export) = match tenant.ingest {
                Ingest::ZeroEtl { .. } => (true, false),
                Ingest::Export { .. } => (false, true),
            };
            let unread_if = |applies: bool, unread: Option<Unread>| unread.filter(|_| applies);
            TenantSummary {
                name: tenant.name.clone(),
                path: tenant.ingest.label(),
                account_id: tenant.account_id.clone(),
                integration: tenant.ingest.integration().map(str::to_string),
                integration_status: Reading::found(
                    integration.map(|i| i.status.clone()),
                    [unread_if(zero_etl, account_unread.clone())],
                ),
                lag_seconds: Reading::found(
                    tenant.ingest.integration().and(lag_seconds),
                    [
                        unread_if(zero_etl, integrations_unread.clone()),
                        unread_if(zero_etl, metrics_unread.clone()),
                        unread_if(zero_etl, account_unread.clone()),
                    ],
                ),
                tables_not_synced: Reading::of(
                    replica.map_or(0, |r| r.tables_not_synced.len()),
                    unread_if(
                        zero_etl,
                        tables_unread.clone().or_else(|| account_unread.clone()),
                    ),
                ),
                last_export: Reading::found(
                    last_export.get(name).map(|t| (*t).clone()),
                    [unread_if(export, account_unread.clone())],
                ),
                last_copy_at: Reading::found(
                    last_copy.get(name).copied(),
                    [unread_if(export, loads_unread.clone())],
                ),
                copy_errors_24h: Reading::of(
                    copy_errors.get(name).copied().unwrap_or(0),
                    load_errors_unread.clone(),
                ),
                last_elt: Reading::found(
                    latest_run.map(|run| run.status.clone()),
                    [elt_unread.clone()],
                ),
                last_elt_at: Reading::found(
                    latest_run.map(|run| run.stopped_at.unwrap_or(run.started_at)),
                    [elt_unread.clone()],
                ),
                error: snapshot.tenant_errors.get(name).cloned(),
            }
        })
        .collect()
}
