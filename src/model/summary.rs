use std::collections::HashMap;

use serde::Serialize;

use super::{EltStatus, ExportTask, IntegrationStatus, Snapshot, Time};

/// One overview row: everything about a tenant's pipeline at a glance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TenantSummary {
    pub name: String,
    pub path: &'static str,
    pub account_id: String,
    pub integration: Option<String>,
    pub integration_status: Option<IntegrationStatus>,
    pub lag_seconds: Option<f64>,
    pub tables_not_synced: usize,
    pub last_export: Option<ExportTask>,
    pub last_copy_at: Option<Time>,
    pub copy_errors_24h: usize,
    /// The latest ELT run's status: the ELT is one run for the whole fleet.
    pub last_elt: Option<EltStatus>,
    pub last_elt_at: Option<Time>,
    /// Why this tenant's data could not be read, if it could not.
    pub error: Option<String>,
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
            TenantSummary {
                name: tenant.name.clone(),
                path: tenant.ingest.label(),
                account_id: tenant.account_id.clone(),
                integration: tenant.ingest.integration().map(str::to_string),
                integration_status: integration.map(|i| i.status.clone()),
                lag_seconds: tenant.ingest.integration().and(lag_seconds),
                tables_not_synced: replica.map_or(0, |r| r.tables_not_synced.len()),
                last_export: last_export.get(name).map(|t| (*t).clone()),
                last_copy_at: last_copy.get(name).copied(),
                copy_errors_24h: copy_errors.get(name).copied().unwrap_or(0),
                last_elt: latest_run.map(|run| run.status.clone()),
                last_elt_at: latest_run.map(|run| run.stopped_at.unwrap_or(run.started_at)),
                error: snapshot.tenant_errors.get(name).cloned(),
            }
        })
        .collect()
}
