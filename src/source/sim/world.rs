//! The simulated fleet's state and how it moves.
//!
//! The world starts at a creation time with an hour of generated history, then advances in fixed
//! 10-second ticks, each drawing from the seeded generator in a fixed order. So its state is a pure
//! function of the seed, the scenario, the tenant count, the creation time and the elapsed time
//! (as long as no single advance spans more than a day, which is jumped instead; see `jump`).
//!
//! Recovery actions change it through the operations in `operations`, each at a given time; so
//! the same operations at the same times replay the same world too.

mod operations;

use std::collections::HashMap;

use chrono::Duration;

use super::alarms::{RULES, SimAlarm};
use super::catalog::TableCatalog;
use super::elt::EltSchedule;
use super::exports::ExportBook;
use super::incident::{self, EXPORT_TENANT, Incident};
use super::integration_id;
use super::integrations::{self, SimIntegration};
use super::metrics::{MetricsBook, Sample};
use super::queries::{QueryBook, QueueCounts};
use super::rng::SplitMix64;
use super::walk::Levels;
use super::wlm::WlmSettings;
use super::{Scenario, SimOptions, ceil_minute, floor_minute, tenants};
use crate::model::{
    Alarm, AlarmHistoryItem, AlarmState, ClusterState, ClustersData, EltRun, FailedQuery,
    FleetMetrics, Ingest, IntegrationReplication, IntegrationState, LoadError, LoadSummary,
    LogEvent, QueueActivity, RdsData, STORAGE_TREND, SnapshotInfo, SourceData, SourceId, Tenant,
    Time, WLM_QUEUES, WarehouseData, keep_recent_exports,
};

const TICK_SECONDS: i64 = 10;
/// A gap longer than a day (a laptop asleep over the weekend) is jumped, not ticked through.
const MAX_TICKS_PER_ADVANCE: i64 = 24 * 60 * 60 / TICK_SECONDS;
/// The history generated at creation, so sparklines are full from the first frame.
const HISTORY_MINUTES: i64 = crate::model::LIVE_WINDOW_MINUTES;
/// How fast the simulated warehouse's disk fills, in percentage points a day: the trend the
/// storage view shows over the last days.
const STORAGE_GROWTH_PER_DAY: f64 = 0.4;
/// Hourly ELT slots generated at creation: a week.
const ELT_HISTORY_SLOTS: i64 = 7 * 24;

/// Batch queries still waiting when the WLM scenario's backlog counts as worked off.
const WLM_BACKLOG_WORKED_OFF: f64 = 5.0;

/// How long after the demo starts the dbt-failure scenario's model fix is deployed.
pub(crate) const DBT_FIX_DEPLOYED_AFTER: Duration = Duration::minutes(15);

fn tick() -> Duration {
    Duration::seconds(TICK_SECONDS)
}

/// `[queued, running]` per queue: the walks rounded, as the warehouse counts whole queries.
fn queue_counts(levels: &Levels) -> QueueCounts {
    levels
        .queues
        .map(|[queued, running, _]| [queued.round() as u32, running.round() as u32])
}

/// The longest wait in each queue: well past WLMQueueWaitTime's average.
fn max_wait_seconds(levels: &Levels) -> [f64; 3] {
    levels
        .queues
        .map(|[_, _, wait_ms]| (wait_ms * 1.8 / 100.0).round() / 10.0)
}

/// Everything the simulated fleet is; the five simulated sources read their parts of it.
#[derive(Debug, Clone, PartialEq)]
pub struct SimWorld {
    seed: u64,
    scenario: Scenario,
    tenants: Vec<Tenant>,
    /// The time of the latest tick.
    now: Time,
    /// The minute of the latest recorded datapoints.
    last_minute: Time,
    rng: SplitMix64,
    incident: Incident,
    levels: Levels,
    integrations: Vec<SimIntegration>,
    elt: EltSchedule,
    exports: ExportBook,
    /// COPY errors, newest first; kept for 24 hours like the warehouse's system views.
    load_errors: Vec<LoadError>,
    catalog: TableCatalog,
    /// Each export-path tenant's place among the CopyErrorCount series.
    copy_metric_index: HashMap<String, usize>,
    metrics: MetricsBook,
    alarms: Vec<SimAlarm>,
    wlm: WlmSettings,
    /// The queries the queue walks count, with the pids an operator cancels.
    queries: QueryBook,
    /// Disk the operator's VACUUMs gave back, in points of PercentageDiskSpaceUsed.
    storage_freed_percent: f64,
}

impl SimWorld {
    /// A world at `now` with an hour of history and a week of ELT runs behind it.
    pub fn new(options: &SimOptions, now: Time) -> Self {
        let scenario = options.scenario;
        let seed = options.seed;
        let tenants = tenants::build(options.tenants.max(scenario.min_tenants()));
        let minute = floor_minute(now);

        // Slot 0 starts a few minutes before creation, so a run is in progress on the first frame.
        let anchor_offset = SplitMix64::keyed(seed, "elt-anchor", 0).int_between(2, 4);
        let anchor = minute - Duration::minutes(anchor_offset);
        let mut elt = EltSchedule::new(
            seed,
            anchor,
            1 - ELT_HISTORY_SLOTS,
            incident::staged_run(scenario),
        );
        elt.advance_to(now);

        let mut exports = ExportBook::new(seed, &tenants);
        let export_tenant = tenants.iter().find(|t| t.name == EXPORT_TENANT);
        let export_failed_at = match (scenario, export_tenant) {
            (Scenario::ExportFailure, Some(tenant)) => exports.stage_outage(tenant, now),
            _ => None,
        };

        let began_at = match scenario {
            Scenario::CopyError => elt.latest(now).and_then(|run| run.ends_at()),
            // ELTExecutionDelay > 90 for two datapoints: 92 minutes after the last success.
            Scenario::EltDelay | Scenario::DbtFailure => elt
                .last_success_by(now)
                .map(|success| floor_minute(success) + Duration::minutes(92)),
            // The Lambda's Errors datapoint of that minute is the first to breach.
            Scenario::ExportFailure => export_failed_at.map(ceil_minute),
            _ => incident::gauge_onset(scenario, seed, minute),
        };
        let ended_at = (scenario == Scenario::QueryFailure)
            .then(|| now + incident::FAILING_SCRIPT_STOPS_AFTER);
        let incident = Incident {
            scenario,
            began_at,
            ended_at,
        };
        if scenario == Scenario::DbtFailure {
            // The model's owner deploys the fix a quarter of an hour in: a redrive before then
            // fails again at dbt run, as it would on AWS.
            elt.fix_cause_at(now + DBT_FIX_DEPLOYED_AFTER);
        }

        let integrations = integrations::build(&tenants, seed, minute, &incident);

        let load_errors = match (scenario, export_tenant, began_at) {
            (Scenario::CopyError, Some(tenant), Some(failed_at)) => {
                incident::load_errors(seed, tenant, failed_at)
            }
            _ => Vec::new(),
        };

        let copy_tenants: Vec<String> = tenants
            .iter()
            .filter(|t| matches!(t.ingest, Ingest::Export { .. }))
            .map(|t| t.name.clone())
            .collect();
        let copy_metric_index = copy_tenants
            .iter()
            .enumerate()
            .map(|(index, tenant)| (tenant.clone(), index))
            .collect();
        let lag_keys = integrations
            .iter()
            .map(|i| (i.name.clone(), i.tenant.clone()))
            .collect();
        let alarms = quiet_alarms(seed, minute);

        let mut rng = SplitMix64::new(seed);
        let levels = Levels::start(&incident.bands(now), integrations.len(), &mut rng);
        let mut world = Self {
            seed,
            scenario,
            catalog: TableCatalog::new(seed, &tenants, now, scenario == Scenario::StorageHigh),
            tenants,
            now,
            last_minute: minute,
            rng,
            incident,
            levels,
            integrations,
            elt,
            exports,
            load_errors,
            copy_metric_index,
            metrics: MetricsBook::new(copy_tenants, lag_keys),
            alarms,
            wlm: WlmSettings::default(),
            queries: QueryBook::new(seed),
            storage_freed_percent: 0.0,
        };
        world.generate_trend();
        world.generate_history();
        world.refill_queries();
        world
    }

    /// Fills the queues with queries that have been there a while, as a warehouse first seen.
    fn refill_queries(&mut self) {
        self.queries.refill(
            queue_counts(&self.levels),
            max_wait_seconds(&self.levels),
            self.now,
        );
    }

    /// The storage trend of the days before the hour of history: the disk fills by
    /// `STORAGE_GROWTH_PER_DAY` towards where it is now, within the band of each hour, jittered by
    /// numbers keyed by the hour so that it is the same whenever the world is made.
    fn generate_trend(&mut self) {
        let period = Duration::seconds(STORAGE_TREND.period_seconds.into());
        let hours = STORAGE_TREND.span().num_seconds() / period.num_seconds();
        let this_hour =
            self.now - Duration::seconds(self.now.timestamp().rem_euclid(period.num_seconds()));
        for back in (1..=hours).rev() {
            let hour = this_hour - period * back as i32;
            let band = self.incident.bands(hour).storage_percent;
            let mut rng = SplitMix64::keyed(self.seed, "storage-trend", hour.timestamp());
            let days_back = (self.now - hour).num_seconds() as f64 / 86_400.0;
            // Towards where the disk is now, or the band's centre when that lies outside the
            // band of the hour (before an incident filled it).
            let now_or_centre = if (band.low..=band.high).contains(&self.levels.storage_percent) {
                self.levels.storage_percent
            } else {
                band.center
            };
            let percent = (now_or_centre - STORAGE_GROWTH_PER_DAY * days_back
                + rng.symmetric() * band.step * 4.0)
                .clamp(band.low, band.high);
            self.metrics.record_trend_hour(hour, percent);
        }
    }

    /// Walks the gauges backwards from now for an hour, then records that hour oldest first, so the
    /// alarms see it exactly as they see live minutes.
    fn generate_history(&mut self) {
        let newest = floor_minute(self.now);
        let mut levels = self.levels.clone();
        let mut at = self.now;
        let mut minutes = Vec::with_capacity(HISTORY_MINUTES as usize);
        for back in 0..HISTORY_MINUTES {
            let minute = newest - Duration::minutes(back);
            if back > 0 {
                levels.step_lags(&self.incident.bands(minute), &mut self.rng);
            }
            while at > minute {
                at -= tick();
                levels.step_gauges(&self.incident.bands(at), &mut self.rng);
            }
            minutes.push((minute, levels.clone()));
        }
        for (minute, levels) in minutes.into_iter().rev() {
            let sample = self.sample(minute, &levels);
            self.record(minute, &sample);
        }
    }

    /// Advances the world to `target`, tick by tick. Going back in time does nothing.
    pub fn advance_to(&mut self, target: Time) {
        let due = (target - self.now).num_seconds().div_euclid(TICK_SECONDS);
        if due <= 0 {
            return;
        }
        let skipped = due - due.min(MAX_TICKS_PER_ADVANCE);
        if skipped > 0 {
            self.jump(skipped);
        }
        for _ in 0..(due - skipped) {
            self.tick();
        }
    }

    /// Skips `ticks` ticks without per-tick history: the gauges hold still, the schedules catch up,
    /// and the graphs show a gap, like CloudWatch's after an outage.
    fn jump(&mut self, ticks: i64) {
        self.now += Duration::seconds(ticks * TICK_SECONDS);
        self.elt.advance_to(self.now);
        for integration in &mut self.integrations {
            integration.settle(self.now);
        }
        self.last_minute = floor_minute(self.now);
        self.refill_queries();
    }

    fn tick(&mut self) {
        self.now += tick();
        // The batch backlog of the WLM scenario is a burst: once the pause has let batch work it
        // off, it does not come back when adhoc resumes.
        if self.scenario == Scenario::WlmSaturation
            && self.incident.ended_at.is_none()
            && self.wlm.adhoc_paused()
            && self.levels.queues[0][0] <= WLM_BACKLOG_WORKED_OFF
        {
            self.incident.ended_at = Some(self.now);
        }
        let mut bands = self.incident.bands(self.now);
        self.wlm.shape(&mut bands);
        self.levels.step_gauges(&bands, &mut self.rng);
        self.queries.follow(queue_counts(&self.levels), self.now);
        self.elt.advance_to(self.now);
        for integration in &mut self.integrations {
            integration.settle(self.now);
        }
        let minute = floor_minute(self.now);
        if minute > self.last_minute {
            self.last_minute = minute;
            self.levels.step_lags(&bands, &mut self.rng);
            let oldest_kept = self.now - Duration::hours(24);
            self.load_errors.retain(|e| e.time > oldest_kept);
            let sample = self.sample(minute, &self.levels);
            self.record(minute, &sample);
        }
    }

    /// Every datapoint of the minute `at`, with the gauges at `levels`.
    fn sample(&self, at: Time, levels: &Levels) -> Sample {
        let since = at - Duration::hours(24);
        let mut copy_errors = vec![0.0; self.copy_metric_index.len()];
        // CopyErrorCount counts the rejected rows that no later load of the tenant fixed: the
        // same rows the copy_errors check counts, so the alarm clears with the reload.
        for error in &self.load_errors {
            let fixed = self
                .elt
                .last_copy(&error.tenant, at)
                .is_some_and(|clean| clean > error.time);
            if error.time > since
                && error.time <= at
                && !fixed
                && let Some(index) = self.copy_metric_index.get(&error.tenant)
            {
                copy_errors[*index] += 1.0;
            }
        }
        Sample {
            storage_percent: levels.storage_percent - self.storage_freed_percent,
            concurrency_clusters: levels.concurrency_clusters,
            query_failure_percent: levels.query_failure_percent,
            queues: levels.queues,
            elt_delay_minutes: self.elt.delay_minutes_at(at),
            copy_errors,
            lag_seconds: self
                .integrations
                .iter()
                .zip(&levels.lag_seconds)
                .map(|(integration, walk)| integration.lag_at(*walk, at))
                .collect(),
            export_failures: self.exports.failed_tenants(at),
            copy_failures: self.elt.failed_copy_tenant(at).into_iter().collect(),
        }
    }

    fn record(&mut self, at: Time, sample: &Sample) {
        self.metrics.record(at, sample);
        for alarm in &mut self.alarms {
            let reading = self.metrics.reading(&alarm.rule);
            alarm.evaluate(at, &reading, self.incident.began_at);
        }
    }

    /// Export-path tenants with their fleet positions.
    fn export_tenants(&self) -> impl Iterator<Item = (usize, &Tenant)> {
        self.tenants
            .iter()
            .enumerate()
            .filter(|(_, t)| matches!(t.ingest, Ingest::Export { .. }))
    }

    /// The time of the latest tick: the moment every view describes.
    pub fn now(&self) -> Time {
        self.now
    }

    pub fn scenario(&self) -> Scenario {
        self.scenario
    }

    pub fn tenants(&self) -> &[Tenant] {
        &self.tenants
    }

    /// The names of the alarms in ALARM.
    pub fn alarms_firing(&self) -> Vec<&'static str> {
        self.alarms
            .iter()
            .filter(|a| a.state() == AlarmState::Alarm)
            .map(|a| a.rule.name)
            .collect()
    }

    /// What one source reports now.
    pub fn data(&self, source: SourceId) -> SourceData {
        match source {
            SourceId::Rds => SourceData::Rds(self.rds()),
            SourceId::Warehouse => SourceData::Warehouse(self.warehouse()),
            SourceId::Metrics => SourceData::Metrics(self.metrics()),
            SourceId::Alarms => SourceData::Alarms(crate::model::AlarmsData::read(self.alarms())),
            SourceId::Elt => SourceData::Elt(self.elt_runs()),
            SourceId::Logs => SourceData::Logs(self.error_logs()),
            SourceId::Parameters => SourceData::Parameters(self.wlm_settings()),
            SourceId::Aurora => SourceData::Aurora(self.clusters()),
        }
    }

    /// DescribeIntegrations and DescribeExportTasks across the tenants' accounts.
    pub fn rds(&self) -> RdsData {
        let mut exports = self.exports.tasks(self.now);
        // As the live source keeps them.
        keep_recent_exports(&mut exports);
        RdsData {
            integrations: self
                .integrations
                .iter()
                .map(|i| IntegrationState {
                    tenant: i.tenant.clone(),
                    name: i.name.clone(),
                    id: integration_id(&i.name),
                    status: i.status.clone(),
                    errors: i.errors.clone(),
                    created_at: Some(i.created_at),
                    // The simulated fleet describes every integration on each fetch.
                    described_at: None,
                })
                .collect(),
            snapshots: exports
                .iter()
                .map(|task| SnapshotInfo {
                    tenant: task.tenant.clone(),
                    id: task.snapshot.clone(),
                    status: "available".into(),
                    created_at: task.started_at,
                })
                .collect(),
            exports,
            failures: Vec::new(),
        }
    }

    /// DescribeDBClusters across the tenants' accounts.
    pub fn clusters(&self) -> ClustersData {
        ClustersData {
            clusters: self
                .tenants
                .iter()
                .map(|t| ClusterState {
                    tenant: t.name.clone(),
                    identifier: t.cluster_identifier.clone(),
                    // Each tenant's cluster lives in its own account, in the fleet's Region.
                    arn: Some(format!(
                        "arn:aws:rds:us-east-1:{}:cluster:{}",
                        t.account_id, t.cluster_identifier
                    )),
                    status: "available".into(),
                    engine_version: "8.0.mysql_aurora.3.05.2".into(),
                    parameter_group: format!("{}-params", t.cluster_identifier),
                })
                .collect(),
            failures: Vec::new(),
        }
    }

    /// The warehouse's system views.
    pub fn warehouse(&self) -> WarehouseData {
        let replication = self
            .integrations
            .iter()
            .zip(&self.levels.lag_seconds)
            .map(|(integration, walk)| IntegrationReplication {
                tenant: Some(integration.tenant.clone()),
                integration_id: integration_id(&integration.name),
                state: integration.warehouse_state().into(),
                // SVV_INTEGRATION reports whole milliseconds.
                lag_seconds: Some((integration.lag_at(*walk, self.now) * 1000.0).round() / 1000.0),
                tables_not_synced: integration.tables_not_synced(),
            })
            .collect();
        let oldest_kept = self.now - Duration::hours(24);
        let load_errors = self
            .load_errors
            .iter()
            .filter(|e| e.time > oldest_kept && e.time <= self.now)
            .cloned()
            .collect();
        let loads = self
            .export_tenants()
            .filter_map(|(position, tenant)| {
                let last_copy_at = self.elt.last_copy(&tenant.name, self.now)?;
                // Each run's COPY loads every table of the tenant; a COPY that fails loads none.
                let clean_loads = self
                    .catalog
                    .table_names(position)
                    .into_iter()
                    .map(|name| {
                        let bare = name.rsplit('.').next().unwrap_or(&name).to_string();
                        (bare, last_copy_at)
                    })
                    .collect();
                Some(LoadSummary {
                    tenant: tenant.name.clone(),
                    last_copy_at,
                    rows: self.catalog.tenant_rows(position),
                    clean_loads,
                })
            })
            .collect();
        let queues = WLM_QUEUES
            .iter()
            .zip(self.queries.counts())
            .zip(max_wait_seconds(&self.levels))
            .map(|((queue, [queued, running]), longest_wait)| QueueActivity {
                queue: (*queue).into(),
                queued,
                running,
                max_wait_seconds: if queued == 0 { 0.0 } else { longest_wait },
            })
            .collect();
        let tables = self.catalog.tables_at(self.now);
        WarehouseData {
            replication,
            load_errors,
            loads,
            queues,
            queries: self
                .running_queries()
                .into_iter()
                .filter(|q| q.state == "Running")
                .map(|q| crate::model::RunningQuery {
                    pid: q.pid,
                    queue: q.queue,
                    user: q.user,
                    state: q.state,
                    started_at: q.started_at,
                    sql: q.sql,
                    sql_cut_at: None,
                })
                .collect(),
            tables_total_mb: Some(tables.iter().map(|t| t.size_mb).sum()),
            tables,
            failed_queries: self.failed_queries(),
            failed_views: Vec::new(),
        }
    }

    /// SYS_QUERY_HISTORY's failed queries of the last 24 hours, newest first, as the live
    /// warehouse source reads them: the COPYs that rejected rows, the dbt model that failed, the
    /// query-failure scenario's denied script, and learners' everyday mistakes.
    pub fn failed_queries(&self) -> Vec<FailedQuery> {
        let oldest_kept = self.now - Duration::hours(24);
        let mut failed: Vec<FailedQuery> = Vec::new();
        let query_id = |at: Time| 1_000_000 + at.timestamp() / 10 % 1_000_000;
        // A COPY stops at its first rejected rows: one failed query per table and time.
        let mut copies: Vec<&LoadError> = Vec::new();
        for error in self
            .load_errors
            .iter()
            .filter(|e| e.time > oldest_kept && e.time <= self.now)
        {
            if !copies
                .iter()
                .any(|c| c.tenant == error.tenant && c.table == error.table && c.time == error.time)
            {
                copies.push(error);
            }
        }
        for copy in copies {
            let schema = self
                .tenants
                .iter()
                .find(|t| t.name == copy.tenant)
                .map_or(copy.tenant.as_str(), |t| t.schema.as_str());
            failed.push(FailedQuery {
                warehouse: None,
                query_id: query_id(copy.time),
                user: incident::ELT_USER.into(),
                query_type: "COPY".into(),
                started_at: copy.time - Duration::seconds(40),
                ended_at: Some(copy.time),
                error: format!(
                    "Load into table '{}' failed. Check 'sys_load_error_detail' system table for details.",
                    copy.table
                ),
                sql: format!(
                    "COPY {schema}.{} FROM '{}' IAM_ROLE default FORMAT AS PARQUET",
                    copy.table, copy.file
                ),
                sql_cut_at: None,
            });
        }
        // What a failed dbt run ran: its model's CREATE TABLE AS failed in the warehouse.
        for failure in self.elt.failures(self.now) {
            if !failure.step.starts_with("dbt") || failure.at <= oldest_kept {
                continue;
            }
            failed.push(FailedQuery {
                warehouse: None,
                query_id: query_id(failure.at),
                user: incident::DBT_USER.into(),
                query_type: "CTAS".into(),
                started_at: failure.at - Duration::seconds(12),
                ended_at: Some(failure.at),
                error: incident::DBT_MODEL_ERROR.into(),
                sql: incident::DBT_MODEL_SQL.into(),
                sql_cut_at: None,
            });
        }
        // The query-failure scenario's script: the same denied query twice a minute while it runs.
        if self.scenario == Scenario::QueryFailure
            && let Some(began) = self.incident.began_at
        {
            let stopped = self.incident.ended_at.unwrap_or(self.now).min(self.now);
            let mut at = floor_minute(stopped);
            while at >= began && failed.len() < 40 {
                for second in [40, 10] {
                    let started = at + Duration::seconds(second);
                    if started > self.now {
                        continue;
                    }
                    failed.push(FailedQuery {
                        warehouse: None,
                        query_id: query_id(started),
                        user: incident::FAILING_USER.into(),
                        query_type: "SELECT".into(),
                        started_at: started,
                        ended_at: Some(started),
                        error: incident::FAILING_QUERY_ERROR.into(),
                        sql: incident::FAILING_QUERY_SQL.into(),
                        sql_cut_at: None,
                    });
                }
                at -= Duration::minutes(1);
            }
        }
        // Learners' ad-hoc mistakes: the everyday noise of a shared warehouse, every 40 minutes.
        let noise = [
            (
                "learner_04",
                "permission denied for relation orders",
                "SELECT * FROM tenant_c.orders LIMIT 10",
            ),
            (
                "learner_11",
                "relation \"tenant_a.order\" does not exist",
                "SELECT count(*) FROM tenant_a.order",
            ),
            (
                "learner_08",
                "division by zero",
                "SELECT revenue / orders FROM tenant_a.daily_kpi",
            ),
        ];
        let mut at = floor_minute(self.now)
            - Duration::minutes(floor_minute(self.now).timestamp() / 60 % 40);
        for (user, error, sql) in noise.iter().cycle().take(6) {
            failed.push(FailedQuery {
                warehouse: None,
                query_id: query_id(at),
                user: (*user).into(),
                query_type: "SELECT".into(),
                started_at: at,
                ended_at: Some(at),
                error: (*error).into(),
                sql: (*sql).into(),
                sql_cut_at: None,
            });
            at -= Duration::minutes(40);
        }
        failed.sort_by(|a, b| {
            b.started_at
                .cmp(&a.started_at)
                .then_with(|| a.error.cmp(&b.error))
        });
        failed
    }

    /// The connection log's authentication failures, as the logs source reads them from the
    /// audit log group: a learner who mistyped a password, now and then.
    pub fn error_logs(&self) -> Vec<LogEvent> {
        let learners = ["learner_08", "learner_21", "learner_13"];
        let first = floor_minute(self.now)
            - Duration::minutes(7 + floor_minute(self.now).timestamp() / 60 % 55);
        (0..6)
            .map(|i| {
                let at = first - Duration::minutes(55 * i);
                LogEvent {
                    time: at,
                    message: format!(
                        "authentication failure |{}|10.0.3.{} |{} |{} |dev |{} |password |0| | |0| | | |",
                        at.format("%a, %-d %b %Y %H:%M:%S:000"),
                        17 + i,
                        51_342 + i * 7,
                        1_073_815_602 + i,
                        learners[i as usize % learners.len()]
                    ),
                }
            })
            .collect()
    }

    /// The last hour of one-minute datapoints.
    pub fn metrics(&self) -> FleetMetrics {
        FleetMetrics {
            // What the live source asks GetMetricData for once the warehouse has answered: three
            // per WLM queue, storage, concurrency scaling, ELT delay, the COPY errors of each
            // export tenant, rejected and attempted queries; no integration's lag, since
            // SVV_INTEGRATION gives each one's.
            metrics_requested: WLM_QUEUES.len() * 3 + 3 + self.copy_metric_index.len() + 2,
            ..self.metrics.published()
        }
    }

    /// An alarm's state changes, newest first; `None` for an alarm the fleet does not have.
    pub fn alarm_history(&self, name: &str) -> Option<Vec<AlarmHistoryItem>> {
        self.alarms
            .iter()
            .find(|a| a.rule.name == name)
            .map(SimAlarm::history)
    }

    pub fn alarms(&self) -> Vec<Alarm> {
        self.alarms.iter().map(SimAlarm::to_model).collect()
    }

    /// The ELT executions of the last week, newest first.
    pub fn elt_runs(&self) -> Vec<EltRun> {
        self.elt.models(self.now)
    }
}

/// Every alarm, quiet for one to seven days before the generated history begins.
fn quiet_alarms(seed: u64, minute: Time) -> Vec<SimAlarm> {
    RULES
        .iter()
        .zip(0..)
        .map(|(rule, index)| {
            let quiet_for =
                SplitMix64::keyed(seed, "alarm-quiet", index).int_between(24 * 60, 7 * 24 * 60);
            SimAlarm::new(*rule, minute - Duration::minutes(quiet_for))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::model::EltStatus;

    fn created() -> Time {
        chrono::Utc.with_ymd_and_hms(2026, 11, 21, 6, 0, 0).unwrap()
    }

    fn world(scenario: Scenario) -> SimWorld {
        let options = SimOptions {
            tenants: 3,
            scenario,
            seed: 7,
            ..SimOptions::default()
        };
        SimWorld::new(&options, created())
    }

    #[test]
    fn history_fills_the_last_hour_from_the_first_frame() {
        let world = world(Scenario::Healthy);
        let metrics = world.metrics();
        assert_eq!(metrics.storage_percent.len(), 60);
        assert_eq!(metrics.storage_percent.last().map(|p| p.0), Some(created()));
        assert_eq!(metrics.queue_length["batch"].len(), 60);
        // SVV_INTEGRATION gives every integration's lag: none is asked of CloudWatch.
        assert!(metrics.integration_lag_seconds.is_empty());
        assert_eq!(metrics.copy_errors["tenant_b"].len(), 60);
    }

    #[test]
    fn ticks_add_a_point_a_minute_and_keep_an_hour() {
        let mut world = world(Scenario::Healthy);
        world.advance_to(created() + Duration::seconds(59));
        assert_eq!(world.metrics().storage_percent.len(), 60);
        world.advance_to(created() + Duration::minutes(1));
        let points = world.metrics().storage_percent;
        assert_eq!(points.len(), 60);
        assert_eq!(
            points.last().map(|p| p.0),
            Some(created() + Duration::minutes(1))
        );
        assert_eq!(world.now(), created() + Duration::minutes(1));
    }

    #[test]
    fn advancing_in_steps_or_at_once_gives_the_same_world() {
        let mut stepwise = world(Scenario::WlmSaturation);
        for minute in 1..=30 {
            stepwise.advance_to(created() + Duration::seconds(minute * 61));
        }
        let mut at_once = world(Scenario::WlmSaturation);
        at_once.advance_to(created() + Duration::seconds(30 * 61));
        assert_eq!(stepwise, at_once);
    }

    #[test]
    fn a_gap_of_days_is_jumped_and_the_schedule_catches_up() {
        let mut world = world(Scenario::Healthy);
        let later = created() + Duration::days(3) + Duration::minutes(30);
        world.advance_to(later);
        assert_eq!(world.now(), later);
        let runs = world.elt_runs();
        assert!(runs[0].started_at > later - Duration::hours(1));
        assert!(runs.len() >= 7 * 24 - 1);
        assert_eq!(world.metrics().storage_percent.len(), 60);
        assert!(world.alarms_firing().is_empty());
    }

    #[test]
    fn the_healthy_run_in_progress_finishes_and_the_next_one_starts() {
        let mut world = world(Scenario::Healthy);
        assert_eq!(world.elt_runs()[0].status, EltStatus::Running);
        world.advance_to(created() + Duration::minutes(15));
        assert_eq!(world.elt_runs()[0].status, EltStatus::Succeeded);
        world.advance_to(created() + Duration::minutes(65));
        assert_eq!(world.elt_runs()[0].status, EltStatus::Running);
        assert!(world.alarms_firing().is_empty());
    }

    #[test]
    fn incidents_last_and_grow() {
        let mut world = world(Scenario::IntegrationNeedsAttention);
        let lag = |w: &SimWorld| w.warehouse().replication[0].lag_seconds.unwrap();
        let before = lag(&world);
        assert!(before > 900.0);
        world.advance_to(created() + Duration::hours(2));
        assert!(lag(&world) > before + 7000.0);
        assert!(world.alarms_firing().contains(&"Alert-Integration-Lag"));
    }

    #[test]
    fn a_copy_error_keeps_its_rows_for_a_day() {
        let mut world = world(Scenario::CopyError);
        assert_eq!(world.warehouse().load_errors.len(), 4);
        world.advance_to(created() + Duration::hours(23));
        assert_eq!(world.warehouse().load_errors.len(), 4);
        assert!(world.alarms_firing().contains(&"Alert-COPY-Error"));
        world.advance_to(created() + Duration::hours(25));
        assert!(world.warehouse().load_errors.is_empty());
        assert!(!world.alarms_firing().contains(&"Alert-COPY-Error"));
    }
}
