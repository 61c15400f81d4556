use std::collections::{BTreeMap, HashMap};

use chrono::Duration;

use super::{CheckId, Detail, Finding, Health, Measure, Severity, Status, Thresholds};
use crate::model::{
    AlarmState, EltRun, ExportStatus, ExportTask, Ingest, IntegrationStatus, Snapshot, SourceId,
    TableSync, Tenant, Time,
};

/// Evaluates every rule whose source has data. Rules of a source that never delivered are skipped:
/// the source's failure makes the status unknown instead.
pub fn evaluate(snapshot: &Snapshot, thresholds: &Thresholds, now: Time) -> Health {
    let mut findings = Vec::new();
    let ctx = Context::new(snapshot, thresholds, now);
    if snapshot.has(SourceId::Rds) {
        ctx.integration_status(&mut findings);
        ctx.export_task(&mut findings);
    }
    if snapshot.has(SourceId::Warehouse) || snapshot.has(SourceId::Metrics) {
        ctx.integration_lag(&mut findings);
        ctx.wlm_queue(&mut findings);
    }
    if snapshot.has(SourceId::Warehouse) {
        ctx.integration_tables(&mut findings);
        ctx.copy_errors(&mut findings);
        ctx.table_skew(&mut findings);
    }
    if snapshot.has(SourceId::Elt) {
        ctx.elt_failed(&mut findings);
    }
    if snapshot.has(SourceId::Metrics) || snapshot.has(SourceId::Elt) {
        ctx.elt_delay(&mut findings);
    }
    if snapshot.has(SourceId::Metrics) {
        ctx.storage(&mut findings);
        ctx.query_failure_rate(&mut findings);
    }
    if snapshot.has(SourceId::Alarms) {
        ctx.alarms(&mut findings);
    }
    if snapshot.has(SourceId::Parameters) {
        ctx.wlm_paused(&mut findings);
    }
    ctx.mark_held_back(&mut findings);
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.tenant.is_none().cmp(&b.tenant.is_none()))
            .then_with(|| a.tenant.cmp(&b.tenant))
            .then_with(|| a.check.cmp(&b.check))
            .then_with(|| a.message.cmp(&b.message))
    });
    summarize(snapshot, findings)
}

fn summarize(snapshot: &Snapshot, findings: Vec<Finding>) -> Health {
    let mut tenant_status: BTreeMap<String, Status> = snapshot
        .tenants
        .iter()
        .map(|t| (t.name.clone(), Status::Ok))
        .collect();
    // A source or a warehouse view with no data at all could hide a problem of any tenant (no
    // COPY error read is not zero COPY errors); an unreadable account, only its own tenants'.
    let anything_unread = snapshot.fleet_unread().is_some();
    for (tenant, status) in tenant_status.iter_mut() {
        if anything_unread || snapshot.tenant_errors.contains_key(tenant) {
            *status = Status::Unknown;
        }
    }
    for finding in &findings {
        for tenant in finding.tenant.iter().chain(&finding.affected) {
            if let Some(status) = tenant_status.get_mut(tenant) {
                *status = worse(*status, finding.severity.into());
            }
        }
    }
    let worst_finding = findings
        .iter()
        .map(|f| Status::from(f.severity))
        .max()
        .unwrap_or(Status::Ok);
    let any_tenant_unreadable = !snapshot.tenant_errors.is_empty();
    let status = if anything_unread || any_tenant_unreadable {
        worse(worst_finding, Status::Unknown)
    } else {
        worst_finding
    };
    Health {
        findings,
        tenant_status,
        status,
    }
}

/// Critical outranks unknown: a known page-worthy problem must not hide behind a missing source.
fn worse(a: Status, b: Status) -> Status {
    a.max(b)
}

struct Context<'a> {
    snapshot: &'a Snapshot,
    thresholds: &'a Thresholds,
    now: Time,
    tenant_by_schema: HashMap<&'a str, &'a str>,
}

fn finding(
    tenant: Option<&str>,
    check: CheckId,
    severity: Severity,
    detail: Detail,
    value: impl Into<Measure>,
    threshold: impl Into<Measure>,
) -> Finding {
    Finding {
        value: Some(value.into()),
        threshold: Some(threshold.into()),
        ..Finding::new(tenant, check, severity, detail)
    }
}

trait Since {
    fn since(self, at: Option<Time>) -> Self;
}

impl Since for Finding {
    fn since(mut self, at: Option<Time>) -> Self {
        self.since = at;
        self
    }
}

impl<'a> Context<'a> {
    fn new(snapshot: &'a Snapshot, thresholds: &'a Thresholds, now: Time) -> Self {
        let tenant_by_schema = snapshot
            .tenants
            .iter()
            .map(|t| (t.schema.as_str(), t.name.as_str()))
            .collect();
        Self {
            snapshot,
            thresholds,
            now,
            tenant_by_schema,
        }
    }

    /// An ELT run that failed or is late holds back every tenant's marts: the daily dbt run
    /// unions all tenants' tables (seed 000's `get_tenant_union`), so none is refreshed.
    fn mark_held_back(&self, findings: &mut [Finding]) {
        for finding in findings {
            if matches!(finding.check, CheckId::EltFailed | CheckId::EltDelay) {
                finding.affected = self
                    .snapshot
                    .tenants
                    .iter()
                    .map(|t| t.name.clone())
                    .filter(|name| finding.tenant.as_ref() != Some(name))
                    .collect();
            }
        }
    }

    fn zero_etl_tenants(&self) -> impl Iterator<Item = (&'a Tenant, &'a str)> {
        self.snapshot
            .tenants
            .iter()
            .filter_map(|t| t.ingest.integration().map(|i| (t, i)))
    }

    fn integration_status(&self, out: &mut Vec<Finding>) {
        let by_tenant: HashMap<&str, _> = self
            .snapshot
            .rds
            .integrations
            .iter()
            .map(|i| (i.tenant.as_str(), i))
            .collect();
        for (tenant, name) in self.zero_etl_tenants() {
            if self.snapshot.tenant_errors.contains_key(&tenant.name)
                && !by_tenant.contains_key(tenant.name.as_str())
            {
                continue; // unreadable, reported as unknown
            }
            let Some(integration) = by_tenant.get(tenant.name.as_str()) else {
                out.push(finding(
                    Some(&tenant.name),
                    CheckId::IntegrationStatus,
                    Severity::Critical,
                    Detail::IntegrationMissing {
                        integration: name.to_string(),
                    },
                    "missing",
                    "active",
                ));
                continue;
            };
            let severity = match &integration.status {
                IntegrationStatus::Active => continue,
                IntegrationStatus::NeedsAttention | IntegrationStatus::Failed => Severity::Critical,
                IntegrationStatus::Creating
                | IntegrationStatus::Modifying
                | IntegrationStatus::Syncing
                | IntegrationStatus::Deleting
                | IntegrationStatus::Other(_) => Severity::Warning,
            };
            out.push(finding(
                Some(&tenant.name),
                CheckId::IntegrationStatus,
                severity,
                Detail::IntegrationStatus {
                    integration: name.to_string(),
                    status: integration.status.to_string(),
                    error: integration.errors.first().cloned(),
                },
                integration.status.as_str(),
                "active",
            ));
        }
    }

    fn integration_lag(&self, out: &mut Vec<Finding>) {
        let replication: HashMap<&str, _> = self
            .snapshot
            .warehouse
            .replication
            .iter()
            .filter_map(|r| r.tenant.as_deref().map(|t| (t, r)))
            .collect();
        let t = self.thresholds;
        for (tenant, name) in self.zero_etl_tenants() {
            let lag = replication
                .get(tenant.name.as_str())
                .and_then(|r| r.lag_seconds)
                .or_else(|| {
                    let id = self.snapshot.integration_id(&tenant.name)?;
                    self.snapshot
                        .metrics
                        .integration_lag_seconds
                        .get(id)
                        .and_then(|s| s.latest())
                });
            let Some(lag) = lag else { continue };
            let (severity, threshold) = if lag > t.integration_lag_critical_seconds {
                (Severity::Critical, t.integration_lag_critical_seconds)
            } else if lag > t.integration_lag_warning_seconds {
                (Severity::Warning, t.integration_lag_warning_seconds)
            } else {
                continue;
            };
            out.push(finding(
                Some(&tenant.name),
                CheckId::IntegrationLag,
                severity,
                Detail::IntegrationLag {
                    integration: name.to_string(),
                    lag_seconds: lag,
                    threshold_seconds: threshold,
                },
                lag,
                threshold,
            ));
        }
    }

    fn integration_tables(&self, out: &mut Vec<Finding>) {
        for replication in &self.snapshot.warehouse.replication {
            let tables: Vec<&TableSync> = replication
                .tables_not_synced
                .iter()
                .filter(|t| !t.is_settled())
                .collect();
            if tables.is_empty() {
                continue;
            }
            let failed = tables.iter().filter(|t| t.is_failed()).count();
            let severity = if failed > 0 {
                Severity::Critical
            } else {
                Severity::Warning
            };
            out.push(finding(
                replication.tenant.as_deref(),
                CheckId::IntegrationTables,
                severity,
                Detail::TablesNotSynced {
                    count: tables.len(),
                    failed,
                    names: tables.iter().map(|t| t.table.clone()).collect(),
                },
                tables.len() as f64,
                0.0,
            ));
        }
    }

    fn export_task(&self, out: &mut Vec<Finding>) {
        let mut latest: HashMap<&str, &ExportTask> = HashMap::new();
        let mut last_complete: HashMap<&str, Time> = HashMap::new();
        for task in &self.snapshot.rds.exports {
            let started = task.started_at;
            let entry = latest.entry(task.tenant.as_str()).or_insert(task);
            if started > entry.started_at {
                *entry = task;
            }
            if task.status == ExportStatus::Complete
                && let Some(done) = task.changed_at()
            {
                let best = last_complete.entry(task.tenant.as_str()).or_insert(done);
                *best = (*best).max(done);
            }
        }
        let max_age = self.thresholds.export_max_age_hours;
        for tenant in &self.snapshot.tenants {
            if !matches!(tenant.ingest, Ingest::Export { .. })
                || self.snapshot.tenant_errors.contains_key(&tenant.name)
            {
                continue;
            }
            let name = Some(tenant.name.as_str());
            match latest.get(tenant.name.as_str()) {
                Some(task) if task.status == ExportStatus::Failed => out.push(
                    finding(
                        name,
                        CheckId::ExportTask,
                        Severity::Critical,
                        Detail::ExportFailed {
                            id: task.id.clone(),
                            cause: task.failure_cause.clone(),
                        },
                        "failed",
                        "complete",
                    )
                    .since(task.changed_at()),
                ),
                Some(task) if task.status == ExportStatus::Canceled => out.push(
                    finding(
                        name,
                        CheckId::ExportTask,
                        Severity::Warning,
                        Detail::ExportCanceled {
                            id: task.id.clone(),
                        },
                        "canceled",
                        "complete",
                    )
                    .since(task.changed_at()),
                ),
                Some(task) if task.status.is_running() => {}
                None => out.push(finding(
                    name,
                    CheckId::ExportTask,
                    Severity::Warning,
                    Detail::ExportMissing,
                    "missing",
                    "complete",
                )),
                Some(_) => {
                    let Some(done) = last_complete.get(tenant.name.as_str()) else {
                        continue;
                    };
                    let age_hours = (self.now - *done).num_minutes() as f64 / 60.0;
                    if age_hours > max_age {
                        out.push(
                            finding(
                                name,
                                CheckId::ExportTask,
                                Severity::Warning,
                                Detail::ExportStale {
                                    age_hours,
                                    max_hours: max_age,
                                },
                                age_hours,
                                max_age,
                            )
                            .since(Some(*done + Duration::minutes((max_age * 60.0) as i64))),
                        );
                    }
                }
            }
        }
    }

    fn latest_run(&self) -> Option<&'a EltRun> {
        self.snapshot.elt_runs.iter().max_by_key(|r| r.started_at)
    }

    fn elt_failed(&self, out: &mut Vec<Finding>) {
        let Some(run) = self.latest_run() else { return };
        if !run.status.is_failure() {
            return;
        }
        out.push(
            finding(
                run.failed_tenant.as_deref(),
                CheckId::EltFailed,
                Severity::Critical,
                Detail::EltFailed {
                    run: run.name.clone(),
                    status: run.status.to_string(),
                    step: run.failed_step.clone(),
                    error: run.error.clone(),
                    cause: run.cause.clone(),
                },
                run.status.as_str(),
                "succeeded",
            )
            .since(run.stopped_at),
        );
    }

    /// ELTExecutionDelay from CloudWatch; without it, minutes since the last successful run ended.
    fn elt_delay(&self, out: &mut Vec<Finding>) {
        let from_metric = self.snapshot.metrics.elt_delay_minutes.latest();
        let from_runs = || {
            self.snapshot
                .elt_runs
                .iter()
                .filter(|r| r.status == crate::model::EltStatus::Succeeded)
                .filter_map(|r| r.stopped_at)
                .max()
                .map(|t| (self.now - t).num_minutes() as f64)
        };
        let Some(delay) = from_metric.or_else(from_runs) else {
            return;
        };
        let threshold = self.thresholds.elt_delay_minutes;
        if delay > threshold {
            out.push(
                finding(
                    None,
                    CheckId::EltDelay,
                    Severity::Critical,
                    Detail::EltDelay {
                        minutes: delay,
                        threshold,
                    },
                    delay,
                    threshold,
                )
                // The data became late when the delay crossed the threshold.
                .since(Some(
                    self.now - Duration::minutes((delay - threshold).max(0.0) as i64),
                )),
            );
        }
    }

    /// COPY errors of the last 24 hours that no later clean load of their table fixed: a good
    /// reload of the table ends the incident, a COPY that fails again keeps it.
    fn copy_errors(&self, out: &mut Vec<Finding>) {
        let since = self.now - Duration::hours(24);
        let loads: HashMap<&str, &crate::model::LoadSummary> = self
            .snapshot
            .warehouse
            .loads
            .iter()
            .map(|l| (l.tenant.as_str(), l))
            .collect();
        let mut counts: BTreeMap<&str, (u64, Time)> = BTreeMap::new();
        for error in &self.snapshot.warehouse.load_errors {
            let fixed = loads
                .get(error.tenant.as_str())
                .and_then(|l| l.clean_load_of(&error.table))
                .is_some_and(|clean| clean > error.time);
            if error.time >= since && !fixed {
                let entry = counts
                    .entry(error.tenant.as_str())
                    .or_insert((0, error.time));
                entry.0 += 1;
                entry.1 = entry.1.min(error.time);
            }
        }
        let threshold = self.thresholds.copy_errors;
        for (tenant, (count, first)) in counts {
            if count >= threshold {
                out.push(
                    finding(
                        Some(tenant),
                        CheckId::CopyErrors,
                        Severity::Critical,
                        Detail::CopyErrors { count },
                        count as f64,
                        threshold as f64,
                    )
                    .since(Some(first)),
                );
            }
        }
    }

    fn storage(&self, out: &mut Vec<Finding>) {
        let Some(used) = self.snapshot.metrics.storage_percent.latest() else {
            return;
        };
        let t = self.thresholds;
        let (severity, threshold) = if used > t.storage_critical_percent {
            (Severity::Critical, t.storage_critical_percent)
        } else if used > t.storage_warning_percent {
            (Severity::Warning, t.storage_warning_percent)
        } else {
            return;
        };
        out.push(
            finding(
                None,
                CheckId::Storage,
                severity,
                Detail::Storage {
                    percent: used,
                    threshold,
                },
                used,
                threshold,
            )
            .since(
                self.snapshot
                    .metrics
                    .storage_percent
                    .breaching_since(|v| v > threshold),
            ),
        );
    }

    /// The queue length from CloudWatch; without it, the queued count the warehouse reports now
    /// (`Snapshot::queue_queued`, as the overview shows it).
    fn wlm_queue(&self, out: &mut Vec<Finding>) {
        let queue = self.thresholds.wlm_queue.as_str();
        let series = self.snapshot.metrics.queue_length.get(queue);
        let Some(length) = self.snapshot.queue_queued(queue).known().copied().flatten() else {
            return;
        };
        let threshold = self.thresholds.wlm_queue_length;
        if length > threshold {
            out.push(
                finding(
                    None,
                    CheckId::WlmQueue,
                    Severity::Warning,
                    Detail::WlmQueue {
                        queue: queue.to_string(),
                        length,
                        threshold,
                    },
                    length,
                    threshold,
                )
                .since(series.and_then(|s| s.breaching_since(|v| v > threshold))),
            );
        }
    }

    /// A pause is left in place on purpose, but never silently: it is a warning until resumed.
    fn wlm_paused(&self, out: &mut Vec<Finding>) {
        let settings = &self.snapshot.wlm_settings;
        let Some(pause) = settings.adhoc_pause else {
            return;
        };
        let minutes = ((self.now - pause.since).num_seconds().max(0) as f64 / 60.0).floor();
        out.push(
            finding(
                None,
                CheckId::WlmPaused,
                Severity::Warning,
                Detail::AdhocPaused {
                    since: pause.since,
                    minutes,
                    parameter_group: settings.configured_in.clone(),
                },
                minutes,
                0.0,
            )
            .since(Some(pause.since)),
        );
    }

    fn query_failure_rate(&self, out: &mut Vec<Finding>) {
        let Some(rate) = self.snapshot.metrics.query_failure_percent.latest() else {
            return;
        };
        let threshold = self.thresholds.query_failure_percent;
        if rate > threshold {
            out.push(
                finding(
                    None,
                    CheckId::QueryFailureRate,
                    Severity::Warning,
                    Detail::QueryFailure {
                        percent: rate,
                        threshold,
                    },
                    rate,
                    threshold,
                )
                .since(
                    self.snapshot
                        .metrics
                        .query_failure_percent
                        .breaching_since(|v| v > threshold),
                ),
            );
        }
    }

    fn table_skew(&self, out: &mut Vec<Finding>) {
        let threshold = self.thresholds.table_skew_percent;
        for table in &self.snapshot.warehouse.tables {
            if table.skew_percent > threshold {
                out.push(finding(
                    self.tenant_by_schema.get(table.schema.as_str()).copied(),
                    CheckId::TableSkew,
                    Severity::Warning,
                    Detail::TableSkew {
                        schema: table.schema.clone(),
                        table: table.table.clone(),
                        percent: table.skew_percent,
                        threshold,
                    },
                    table.skew_percent,
                    threshold,
                ));
            }
        }
    }

    fn alarms(&self, out: &mut Vec<Finding>) {
        for alarm in &self.snapshot.alarms {
            if alarm.state != AlarmState::Alarm {
                continue;
            }
            let severity = if self.thresholds.critical_alarms.contains(&alarm.name) {
                Severity::Critical
            } else {
                Severity::Warning
            };
            out.push(
                finding(
                    alarm.tenant.as_deref(),
                    CheckId::Alarm,
                    severity,
                    Detail::Alarm {
                        name: alarm.name.clone(),
                        reason: alarm.reason.clone(),
                    },
                    "ALARM",
                    "OK",
                )
                .since(Some(alarm.since)),
            );
        }
    }
}
