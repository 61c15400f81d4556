use std::collections::HashMap;

use serde::Serialize;

use super::{
    EltRun, EltStatus, ExportTask, Ingest, IntegrationReplication, IntegrationState,
    IntegrationStatus, Reading, Snapshot, SourceId, Tenant, Time, Unread, WarehouseView,
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
    let summarizer = Summarizer::new(snapshot, now);
    snapshot
        .tenants
        .iter()
        .map(|tenant| summarizer.summary(tenant))
        .collect()
}

/// What the tenants' summaries are read from, gathered once per snapshot (one pass over each
/// source), so that each tenant's summary is then a few lookups: built anew, or brought up to
/// date in place without allocating when little of it moved.
pub struct Summarizer<'a> {
    snapshot: &'a Snapshot,
    integrations: HashMap<&'a str, &'a IntegrationState>,
    /// A tenant's integration id as `Snapshot::integration_id` finds it (the first one listed),
    /// looked up once per tenant rather than by a scan of every integration per tenant.
    integration_ids: HashMap<&'a str, &'a str>,
    replication: HashMap<&'a str, &'a IntegrationReplication>,
    last_export: HashMap<&'a str, &'a ExportTask>,
    last_copy: HashMap<&'a str, Time>,
    copy_errors: HashMap<&'a str, usize>,
    latest_run: Option<&'a EltRun>,
    // Fleet-wide inputs are judged once; a tenant's own account, per tenant.
    integrations_unread: Option<Unread>,
    tables_unread: Option<Unread>,
    metrics_unread: Option<Unread>,
    loads_unread: Option<Unread>,
    load_errors_unread: Option<Unread>,
    elt_unread: Option<Unread>,
}

/// A tenant's figures as the snapshot holds them, borrowed: what [`TenantSummary`] owns.
struct Figures<'a> {
    integration_status: Reading<Option<&'a IntegrationStatus>>,
    lag_seconds: Reading<Option<f64>>,
    tables_not_synced: Reading<usize>,
    last_export: Reading<Option<&'a ExportTask>>,
    last_copy_at: Reading<Option<Time>>,
    copy_errors_24h: Reading<usize>,
    last_elt: Reading<Option<&'a EltStatus>>,
    last_elt_at: Reading<Option<Time>>,
    error: Option<&'a String>,
}

impl<'a> Summarizer<'a> {
    pub fn new(snapshot: &'a Snapshot, now: Time) -> Self {
        let integrations = snapshot
            .rds
            .integrations
            .iter()
            .map(|i| (i.tenant.as_str(), i))
            .collect::<HashMap<_, _>>();
        let mut integration_ids = HashMap::with_capacity(integrations.len());
        for integration in &snapshot.rds.integrations {
            integration_ids
                .entry(integration.tenant.as_str())
                .or_insert(integration.id.as_str());
        }
        let replication = snapshot
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
        let last_copy = snapshot
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
        let integrations_unread = snapshot.unread_view(WarehouseView::Integrations);
        let tables_unread = integrations_unread
            .clone()
            .or_else(|| snapshot.unread_view(WarehouseView::IntegrationTables));
        Summarizer {
            snapshot,
            integrations,
            integration_ids,
            replication,
            last_export,
            last_copy,
            copy_errors,
            latest_run: snapshot.latest_elt_run(),
            integrations_unread,
            tables_unread,
            metrics_unread: snapshot.unread_source(SourceId::Metrics),
            loads_unread: snapshot.unread_view(WarehouseView::Loads),
            load_errors_unread: snapshot.unread_view(WarehouseView::LoadErrors),
            elt_unread: snapshot.unread_source(SourceId::Elt),
        }
    }

    /// The summary of `tenant`, one of the snapshot's.
    pub fn summary(&self, tenant: &Tenant) -> TenantSummary {
        let figures = self.figures(tenant);
        TenantSummary {
            name: tenant.name.clone(),
            path: tenant.ingest.label(),
            account_id: tenant.account_id.clone(),
            integration: tenant.ingest.integration().map(str::to_string),
            integration_status: owned(figures.integration_status),
            lag_seconds: figures.lag_seconds,
            tables_not_synced: figures.tables_not_synced,
            last_export: owned(figures.last_export),
            last_copy_at: figures.last_copy_at,
            copy_errors_24h: figures.copy_errors_24h,
            last_elt: owned(figures.last_elt),
            last_elt_at: figures.last_elt_at,
            error: figures.error.cloned(),
        }
    }

    /// Makes `summary` (of `tenant`) what [`Summarizer::summary`] would build, changing only the
    /// figures that moved: no allocation for a figure that did not. Returns whether any did.
    pub fn refresh(&self, tenant: &Tenant, summary: &mut TenantSummary) -> bool {
        let figures = self.figures(tenant);
        let mut changed = false;
        if summary.name != tenant.name {
            summary.name.clone_from(&tenant.name);
            changed = true;
        }
        if summary.account_id != tenant.account_id {
            summary.account_id.clone_from(&tenant.account_id);
            changed = true;
        }
        changed |= set(&mut summary.path, tenant.ingest.label());
        if summary.integration.as_deref() != tenant.ingest.integration() {
            summary.integration = tenant.ingest.integration().map(str::to_string);
            changed = true;
        }
        changed |= set_borrowed(&mut summary.integration_status, figures.integration_status);
        changed |= set(&mut summary.lag_seconds, figures.lag_seconds);
        changed |= set(&mut summary.tables_not_synced, figures.tables_not_synced);
        changed |= set_borrowed(&mut summary.last_export, figures.last_export);
        changed |= set(&mut summary.last_copy_at, figures.last_copy_at);
        changed |= set(&mut summary.copy_errors_24h, figures.copy_errors_24h);
        changed |= set_borrowed(&mut summary.last_elt, figures.last_elt);
        changed |= set(&mut summary.last_elt_at, figures.last_elt_at);
        if summary.error.as_ref() != figures.error {
            summary.error = figures.error.cloned();
            changed = true;
        }
        changed
    }

    fn figures(&self, tenant: &Tenant) -> Figures<'a> {
        let snapshot = self.snapshot;
        let name = tenant.name.as_str();
        let integration = self.integrations.get(name);
        let replica = self.replication.get(name);
        let lag_seconds = replica.and_then(|r| r.lag_seconds).or_else(|| {
            let id = *self.integration_ids.get(name)?;
            snapshot.metrics.integration_lag_seconds.get(id)?.latest()
        });
        // The export path's figures come from its account (exports) and its COPY; the
        // Zero-ETL path's from its account (integration) and the warehouse's replication.
        let account_unread = snapshot.unread_tenant(name);
        let (zero_etl, export) = match tenant.ingest {
            Ingest::ZeroEtl { .. } => (true, false),
            Ingest::Export { .. } => (false, true),
        };
        let unread_if =
            |applies: bool, unread: Option<&Unread>| unread.filter(|_| applies).cloned();
        Figures {
            integration_status: Reading::found(
                integration.map(|i| &i.status),
                [unread_if(zero_etl, account_unread.as_ref())],
            ),
            lag_seconds: Reading::found(
                tenant.ingest.integration().and(lag_seconds),
                [
                    unread_if(zero_etl, self.integrations_unread.as_ref()),
                    unread_if(zero_etl, self.metrics_unread.as_ref()),
                    unread_if(zero_etl, account_unread.as_ref()),
                ],
            ),
            tables_not_synced: Reading::of(
                replica.map_or(0, |r| r.tables_not_synced.len()),
                unread_if(
                    zero_etl,
                    self.tables_unread.as_ref().or(account_unread.as_ref()),
                ),
            ),
            last_export: Reading::found(
                self.last_export.get(name).copied(),
                [unread_if(export, account_unread.as_ref())],
            ),
            last_copy_at: Reading::found(
                self.last_copy.get(name).copied(),
                [unread_if(export, self.loads_unread.as_ref())],
            ),
            copy_errors_24h: Reading::of(
                self.copy_errors.get(name).copied().unwrap_or(0),
                self.load_errors_unread.clone(),
            ),
            last_elt: Reading::found(
                self.latest_run.map(|run| &run.status),
                [self.elt_unread.clone()],
            ),
            last_elt_at: Reading::found(
                self.latest_run
                    .map(|run| run.stopped_at.unwrap_or(run.started_at)),
                [self.elt_unread.clone()],
            ),
            error: snapshot.tenant_errors.get(name),
        }
    }
}

/// A borrowed figure made owned, for a new summary.
fn owned<T: Clone>(figure: Reading<Option<&T>>) -> Reading<Option<T>> {
    figure.map(|value| value.cloned())
}

/// Puts `fresh` in `held`'s place if it differs; whether it did.
fn set<T: PartialEq>(held: &mut T, fresh: T) -> bool {
    let changed = *held != fresh;
    if changed {
        *held = fresh;
    }
    changed
}

/// [`set`] for a figure borrowed from the snapshot: cloned only if it differs.
fn set_borrowed<T: PartialEq + Clone>(
    held: &mut Reading<Option<T>>,
    fresh: Reading<Option<&T>>,
) -> bool {
    let same = match (&*held, &fresh) {
        (Reading::Known(held), Reading::Known(fresh)) => held.as_ref() == *fresh,
        (Reading::Unknown(held), Reading::Unknown(fresh)) => held == fresh,
        _ => false,
    };
    if !same {
        *held = owned(fresh);
    }
    !same
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::model::{ExportStatus, LoadError, RdsData, SourceData, TenantFailure};
    use crate::source::ManualClock;
    use crate::source::refresh::refresh_once;
    use crate::source::sim::{self, Scenario, SimOptions};

    fn start() -> Time {
        Utc.with_ymd_and_hms(2026, 11, 21, 6, 0, 30).unwrap()
    }

    /// A simulated fleet of both paths, every source read once.
    fn snapshot() -> Snapshot {
        let clock = Arc::new(ManualClock::new(start()));
        let options = SimOptions {
            tenants: 20,
            scenario: Scenario::Healthy,
            seed: 7,
            ..SimOptions::default()
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(refresh_once(&sim::fleet(&options, clock)))
    }

    #[test]
    fn a_summary_refreshed_in_place_is_the_summary_built_anew_and_says_whether_it_moved() {
        let before = snapshot();
        let mut summaries = summarize_tenants(&before, start());
        let zero_etl = |t: &&Tenant| t.ingest.integration().is_some();
        let lagging = before.tenants.iter().find(zero_etl).unwrap().name.clone();
        let unreadable = before.tenants.iter().filter(zero_etl).nth(1).unwrap();
        let unreadable = unreadable.name.clone();
        let exporting = before.tenants.iter().find(|t| !zero_etl(t)).unwrap();
        let exporting = exporting.name.clone();

        // One tenant's lag moves, another's account cannot be read, a third exports anew and
        // has a COPY error.
        let mut after = before.clone();
        let mut warehouse = after.warehouse.clone();
        let replica = warehouse
            .replication
            .iter_mut()
            .find(|r| r.tenant.as_deref() == Some(lagging.as_str()))
            .unwrap();
        replica.lag_seconds = Some(replica.lag_seconds.unwrap_or(0.0) + 7.0);
        warehouse
            .load_errors
            .insert(0, LoadError::invalid_digit(&exporting, start()));
        after.apply(
            SourceId::Warehouse,
            2,
            Ok(SourceData::Warehouse(warehouse)),
            start(),
        );
        let mut rds = RdsData {
            failures: vec![TenantFailure {
                tenant: unreadable.clone(),
                error: "AccessDenied".into(),
            }],
            ..after.rds.clone()
        };
        rds.integrations.retain(|i| i.tenant != unreadable);
        rds.exports.push(ExportTask {
            tenant: exporting.clone(),
            id: "export-new".into(),
            snapshot: "snapshot-new".into(),
            status: ExportStatus::InProgress,
            percent_progress: 10,
            started_at: Some(start()),
            finished_at: None,
            failure_cause: None,
        });
        after.apply(SourceId::Rds, 2, Ok(SourceData::Rds(rds)), start());

        let summarizer = Summarizer::new(&after, start());
        let moved: Vec<&str> = after
            .tenants
            .iter()
            .zip(&mut summaries)
            .filter_map(|(tenant, summary)| {
                let moved = summarizer.refresh(tenant, summary);
                assert_eq!(*summary, summarizer.summary(tenant));
                moved.then_some(tenant.name.as_str())
            })
            .collect();
        let mut expected = vec![lagging.as_str(), unreadable.as_str(), exporting.as_str()];
        expected.sort_by_key(|name| after.tenants.iter().position(|t| t.name == *name));
        assert_eq!(moved, expected);
        assert_eq!(summaries, summarize_tenants(&after, start()));
        // Brought up to date, nothing moves again.
        assert!(
            after
                .tenants
                .iter()
                .zip(&mut summaries)
                .all(|(tenant, summary)| !summarizer.refresh(tenant, summary))
        );
    }
}
