//! CloudWatch: the dashboard's metrics by GetMetricData (at most 500 queries a call, never a call
//! per tenant) and every alarm by DescribeAlarms (every page, metric and composite), in the
//! central account and in each tenant account.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::types::{
    AlarmType, Dimension, DimensionFilter, Metric, MetricDataQuery, MetricStat, ScanBy, StateValue,
};
use aws_smithy_types::DateTime;

use super::credentials::{Account, SignAs};
use super::error::describe;
use super::redshift_data::ReplicationReading;
use super::{Api, Aws, Key, Limiter, Scope, time};
use crate::config::{MetricSpec, MetricsConfig, RedshiftConfig};
use crate::model::{
    AccountFailure, Alarm, AlarmKind, AlarmState, AlarmsData, FleetMetrics, LIVE_WINDOW_MINUTES,
    STORAGE_TREND, Series, SourceData, SourceId, Tenant, Time, TimeAxes, WorkgroupQueries,
};
use crate::source::{Source, SourceError};

/// GetMetricData takes at most this many queries per call.
pub const MAX_QUERIES_PER_CALL: usize = 500;
const PERIOD_SECONDS: i32 = 60;

/// Where a query's datapoints go in [`FleetMetrics`].
#[derive(Debug, Clone, PartialEq)]
enum Slot {
    QueueLength(String),
    QueueRunning(String),
    QueueWait(String),
    Storage,
    /// Serverless reports storage in megabytes; the config gives the capacity.
    StorageMegabytes(f64),
    ConcurrencyScaling,
    EltDelay,
    CopyErrors(String),
    Rejected,
    Attempted,
    IntegrationLag(String),
    WorkgroupQueued,
    WorkgroupRunning,
}

/// Every `QueryType` AWS/Redshift-Serverless reports queries by: "INSERT, DELETE, UPDATE,
/// UNLOAD, LOAD, SELECT, CTAS, and OTHER" ("Amazon Redshift Serverless metrics",
/// https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-audit-logging.html).
const SERVERLESS_QUERY_TYPES: [&str; 8] = [
    "INSERT", "DELETE", "UPDATE", "UNLOAD", "LOAD", "SELECT", "CTAS", "OTHER",
];

pub struct MetricsSource {
    client: Client,
    limiter: Limiter,
    config: MetricsConfig,
    /// The warehouse whose WLM queues the metrics are of (`wlm` role).
    wlm: Option<RedshiftConfig>,
    /// The warehouse whose storage the metrics are of (`storage` role).
    storage: Option<RedshiftConfig>,
    tenants: Vec<Tenant>,
    /// The warehouses' SVV_INTEGRATION, whose lag is the one shown: CloudWatch's IntegrationLag
    /// is asked only for an integration it gives none.
    replication: std::sync::Arc<ReplicationReading>,
    interval: Duration,
    /// The storage trend and when it was fetched: days of data change little in an hour, so
    /// it is fetched again only when `TREND_REFRESH` has passed, not on every refresh.
    trend: std::sync::Mutex<Option<(Time, Series)>>,
}

/// How often the storage trend (days of hourly datapoints) is fetched again.
pub const TREND_REFRESH: chrono::Duration = chrono::Duration::hours(1);

/// Whether the storage trend fetched at `fetched_at` is due again at `now`.
fn trend_due(fetched_at: Option<Time>, now: Time) -> bool {
    fetched_at.is_none_or(|at| now - at >= TREND_REFRESH || now < at)
}

fn redshift_metric(name: &str, stat: &str) -> MetricSpec {
    MetricSpec {
        namespace: "AWS/Redshift".into(),
        name: name.into(),
        dimensions: BTreeMap::new(),
        stat: stat.into(),
    }
}

/// One metric's statistic at `period` seconds, with the spec's dimensions and `extra` ones.
fn metric_stat(spec: &MetricSpec, extra: &[(&str, &str)], period: i32) -> MetricStat {
    let mut dimensions: Vec<Dimension> = spec
        .dimensions
        .iter()
        .map(|(k, v)| Dimension::builder().name(k).value(v).build())
        .collect();
    dimensions.extend(
        extra
            .iter()
            .map(|(k, v)| Dimension::builder().name(*k).value(*v).build()),
    );
    MetricStat::builder()
        .metric(
            Metric::builder()
                .namespace(&spec.namespace)
                .metric_name(&spec.name)
                .set_dimensions(Some(dimensions))
                .build(),
        )
        .period(period)
        .stat(&spec.stat)
        .build()
}

impl MetricsSource {
    pub fn new(
        aws: &Aws,
        wlm: Option<&RedshiftConfig>,
        storage: Option<&RedshiftConfig>,
        config: MetricsConfig,
        tenants: Vec<Tenant>,
        replication: std::sync::Arc<ReplicationReading>,
        interval: Duration,
    ) -> Self {
        Self {
            client: aws.cloudwatch(),
            limiter: aws.limiter.clone(),
            config,
            wlm: wlm.cloned(),
            storage: storage.cloned(),
            tenants,
            replication,
            interval,
            trend: std::sync::Mutex::new(None),
        }
    }

    /// The storage trend: the last `STORAGE_TREND.days` at one datapoint per
    /// `STORAGE_TREND.period_seconds` (GetMetricData keeps 1-hour datapoints for 455 days:
    /// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html),
    /// from the last fetch unless `TREND_REFRESH` has passed. One call when due, with the query
    /// alone, since GetMetricData takes one time range for all its queries.
    async fn storage_trend(&self, now: Time) -> Result<Series, String> {
        let cached = self.trend.lock().expect("trend lock").clone();
        if let Some((fetched_at, series)) = &cached
            && !trend_due(Some(*fetched_at), now)
        {
            return Ok(series.clone());
        }
        let Some(query) = self.storage_query(STORAGE_TREND.period_seconds) else {
            return Ok(Series::default());
        };
        let fetched = self
            .fetch_batch(
                std::slice::from_ref(&query),
                now - STORAGE_TREND.span(),
                now,
            )
            .await?;
        let series = fetched
            .into_iter()
            .next()
            .map(|(slot, points)| storage_percent(&slot, Series::from_points(points)))
            .unwrap_or_default();
        *self.trend.lock().expect("trend lock") = Some((now, series.clone()));
        Ok(series)
    }

    /// The integrations CloudWatch knows, by id: one ListMetrics call instead of guessing ids.
    async fn integration_ids(&self) -> Result<Vec<String>, String> {
        let spec = &self.config.integration_lag;
        let mut ids = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let output = self
                .limiter
                .run(
                    Key::central(Api::ListMetrics),
                    self.client
                        .list_metrics()
                        .namespace(&spec.namespace)
                        .metric_name(&spec.name)
                        .dimensions(
                            DimensionFilter::builder()
                                .name(&self.config.integration_dimension)
                                .build(),
                        )
                        .set_next_token(next.take())
                        .send(),
                )
                .await
                .map_err(|e| describe(&e))?;
            for metric in output.metrics() {
                for dimension in metric.dimensions() {
                    if dimension.name() == Some(self.config.integration_dimension.as_str())
                        && let Some(value) = dimension.value()
                        && !ids.iter().any(|id| id == value)
                    {
                        ids.push(value.to_string());
                    }
                }
            }
            match output.next_token() {
                Some(token) if !token.is_empty() => next = Some(token.to_string()),
                _ => return Ok(ids),
            }
        }
    }

    /// The warehouse's storage at `period`: PercentageDiskSpaceUsed of a cluster ("The percent
    /// of disk space used", dimension ClusterIdentifier:
    /// https://docs.aws.amazon.com/redshift/latest/mgmt/metrics-listing.html), or a serverless
    /// namespace's DataStorage in megabytes against the configured capacity.
    fn storage_query(&self, period: i32) -> Option<(Slot, MetricStat)> {
        let storage = self.storage.as_ref()?;
        if let Some(cluster) = &storage.cluster_identifier {
            return Some((
                Slot::Storage,
                metric_stat(
                    &redshift_metric("PercentageDiskSpaceUsed", "Average"),
                    &[("ClusterIdentifier", cluster.as_str())],
                    period,
                ),
            ));
        }
        let (Some(namespace), Some(capacity_gb)) =
            (&storage.namespace, storage.storage_capacity_gb)
        else {
            return None;
        };
        let spec = MetricSpec {
            namespace: "AWS/Redshift-Serverless".into(),
            name: "DataStorage".into(),
            dimensions: BTreeMap::new(),
            stat: "Average".into(),
        };
        Some((
            Slot::StorageMegabytes(capacity_gb * 1024.0),
            metric_stat(&spec, &[("Namespace", namespace.as_str())], period),
        ))
    }

    /// Every query of one refresh, with where its datapoints go.
    fn queries(&self, integration_ids: &[String]) -> Vec<(Slot, MetricStat)> {
        let mut queries = Vec::new();
        let stat =
            |spec: &MetricSpec, extra: &[(&str, &str)]| metric_stat(spec, extra, PERIOD_SECONDS);
        let redshift = redshift_metric;
        // The per-queue WLM metrics are a provisioned cluster's (dimensions ClusterIdentifier
        // and QueueName: https://docs.aws.amazon.com/redshift/latest/mgmt/metrics-listing.html);
        // AWS/Redshift-Serverless has no per-queue metric, so a Serverless WLM warehouse's
        // queues are read from SYS_QUERY_HISTORY, and CloudWatch gives the whole workgroup's
        // queued and running queries (below).
        let wlm_cluster = self
            .wlm
            .as_ref()
            .and_then(|w| w.cluster_identifier.as_ref());
        if let Some(cluster) = wlm_cluster {
            for queue in &self.config.queues {
                let dims = [
                    ("ClusterIdentifier", cluster.as_str()),
                    ("QueueName", queue.as_str()),
                ];
                queries.push((
                    Slot::QueueLength(queue.clone()),
                    stat(&redshift("WLMQueueLength", "Average"), &dims),
                ));
                queries.push((
                    Slot::QueueRunning(queue.clone()),
                    stat(&redshift("WLMRunningQueries", "Average"), &dims),
                ));
                queries.push((
                    Slot::QueueWait(queue.clone()),
                    stat(&redshift("WLMQueueWaitTime", "Average"), &dims),
                ));
            }
        }
        queries.extend(workgroup_queries(self.wlm.as_ref(), PERIOD_SECONDS));
        queries.extend(self.storage_query(PERIOD_SECONDS));
        if let Some(cluster) = wlm_cluster {
            queries.push((
                Slot::ConcurrencyScaling,
                stat(
                    &redshift("ConcurrencyScalingActiveClusters", "Average"),
                    &[("ClusterIdentifier", cluster.as_str())],
                ),
            ));
        }
        queries.push((Slot::EltDelay, stat(&self.config.elt_delay, &[])));
        // A tenant's CopyErrorCount is the spec's dimensions and the tenant's: the exact set it
        // is published with, since a query without one of them finds another metric. Only the
        // export path's tenants have one: it is a metric filter counting stl_load_errors, the
        // errors of COPY (seed 001's monitoring table: "COPY failure — CloudWatch Metric Filter
        // (CopyErrorCount) — count of stl_load_errors"), and only the export path loads by COPY; a
        // Zero-ETL tenant's data is replicated, its failures are its integration's.
        for tenant in self.tenants.iter().filter(|t| t.ingest.is_export()) {
            queries.push((
                Slot::CopyErrors(tenant.name.clone()),
                stat(
                    &self.config.copy_errors,
                    &[(
                        self.config.tenant_dimension.as_str(),
                        tenant.metric_dimension_value.as_str(),
                    )],
                ),
            ));
        }
        queries.push((Slot::Rejected, stat(&self.config.rejected_queries, &[])));
        queries.push((Slot::Attempted, stat(&self.config.attempted_queries, &[])));
        for id in integration_ids {
            queries.push((
                Slot::IntegrationLag(id.clone()),
                stat(
                    &self.config.integration_lag,
                    &[(self.config.integration_dimension.as_str(), id.as_str())],
                ),
            ));
        }
        queries
    }

    /// One GetMetricData call (and its pages) for up to 500 queries: each query's datapoints,
    /// oldest first.
    async fn fetch_batch(
        &self,
        batch: &[(Slot, MetricStat)],
        start: Time,
        end: Time,
    ) -> Result<Vec<(Slot, Vec<(Time, f64)>)>, String> {
        let queries: Vec<MetricDataQuery> = batch
            .iter()
            .enumerate()
            .map(|(i, (_, stat))| {
                MetricDataQuery::builder()
                    .id(format!("q{i}"))
                    .metric_stat(stat.clone())
                    .return_data(true)
                    .build()
            })
            .collect();
        let mut series: Vec<Vec<(Time, f64)>> = vec![Vec::new(); batch.len()];
        let mut next: Option<String> = None;
        loop {
            let output = self
                .limiter
                .run(
                    Key::central(Api::GetMetricData),
                    self.client
                        .get_metric_data()
                        .set_metric_data_queries(Some(queries.clone()))
                        .start_time(DateTime::from_secs(start.timestamp()))
                        .end_time(DateTime::from_secs(end.timestamp()))
                        .scan_by(ScanBy::TimestampAscending)
                        .set_next_token(next.take())
                        .send(),
                )
                .await
                .map_err(|e| describe(&e))?;
            for result in output.metric_data_results() {
                let Some(index) = result
                    .id()
                    .and_then(|id| id.strip_prefix('q'))
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|&n| n < batch.len())
                else {
                    continue;
                };
                let points = result
                    .timestamps()
                    .iter()
                    .zip(result.values())
                    .filter_map(|(t, v)| time(t).map(|t| (t, *v)));
                series[index].extend(points);
            }
            match output.next_token() {
                Some(token) if !token.is_empty() => next = Some(token.to_string()),
                _ => break,
            }
        }
        for s in &mut series {
            s.sort_by_key(|(t, _)| *t);
        }
        Ok(batch
            .iter()
            .map(|(slot, _)| slot.clone())
            .zip(series)
            .collect())
    }
}

#[async_trait]
impl Source for MetricsSource {
    fn id(&self) -> SourceId {
        SourceId::Metrics
    }

    fn interval(&self) -> Duration {
        self.interval
    }

    async fn fetch(&self) -> Result<SourceData, SourceError> {
        let end = chrono::Utc::now();
        let start = end - chrono::Duration::minutes(LIVE_WINDOW_MINUTES);
        let has_integrations = self
            .tenants
            .iter()
            .any(|t| t.ingest.integration().is_some());
        let integration_ids = if !has_integrations {
            Vec::new()
        } else if let Some(replication) = self.replication.last() {
            // The lag shown is SVV_INTEGRATION's, CloudWatch's only where it has none (see
            // `summarize_tenants` and the lag rule): ask for those alone, by the ids
            // SVV_INTEGRATION gives, so that the fleet's size adds no query and no ListMetrics
            // page. Before the warehouse has answered, or when it failed, ask for every one.
            replication
                .into_iter()
                .filter(|r| r.lag_seconds.is_none())
                .map(|r| r.integration_id)
                .collect()
        } else {
            self.integration_ids().await.map_err(SourceError)?
        };
        let queries = self.queries(&integration_ids);
        let (batches, trend) = tokio::join!(
            futures_util::future::join_all(
                queries
                    .chunks(MAX_QUERIES_PER_CALL)
                    .map(|batch| self.fetch_batch(batch, start, end)),
            ),
            self.storage_trend(end)
        );
        let storage_trend = trend.map_err(SourceError)?;
        let mut metrics = FleetMetrics {
            storage_trend,
            storage_capacity_gb: self
                .storage
                .as_ref()
                .filter(|w| w.cluster_identifier.is_none())
                .and_then(|w| w.storage_capacity_gb),
            ..FleetMetrics::default()
        };
        let (mut rejected, mut attempted) = (Series::default(), Series::default());
        let mut workgroup = self
            .wlm
            .as_ref()
            .is_some_and(|w| w.cluster_identifier.is_none())
            .then(WorkgroupQueries::default);
        // A metric per tenant and per integration, over the same minutes: one time axis for all.
        let mut axes = TimeAxes::default();
        for batch in batches {
            for (slot, points) in batch.map_err(SourceError)? {
                let series = axes.series(points);
                match slot {
                    Slot::QueueLength(q) => {
                        metrics.queue_length.insert(q, series);
                    }
                    Slot::QueueRunning(q) => {
                        metrics.queue_running.insert(q, series);
                    }
                    Slot::QueueWait(q) => {
                        metrics.queue_wait_ms.insert(q, series);
                    }
                    Slot::Storage | Slot::StorageMegabytes(_) => {
                        metrics.storage_percent = storage_percent(&slot, series)
                    }
                    Slot::ConcurrencyScaling => metrics.concurrency_scaling_clusters = series,
                    Slot::EltDelay => metrics.elt_delay_minutes = series,
                    Slot::CopyErrors(tenant) => {
                        if !series.is_empty() {
                            metrics.copy_errors.insert(tenant, series);
                        }
                    }
                    Slot::Rejected => rejected = series,
                    Slot::Attempted => attempted = series,
                    Slot::IntegrationLag(id) => {
                        metrics.integration_lag_seconds.insert(id, series);
                    }
                    Slot::WorkgroupQueued | Slot::WorkgroupRunning => {
                        if let Some(workgroup) = &mut workgroup {
                            let total = if slot == Slot::WorkgroupQueued {
                                &mut workgroup.queued
                            } else {
                                &mut workgroup.running
                            };
                            *total = sum_by_time(total, &series);
                        }
                    }
                }
            }
        }
        metrics.query_failure_percent = failure_rate(&rejected, &attempted, end);
        metrics.workgroup_queries = workgroup;
        // What every refresh asks for: the hourly trend's one metric is left out of the cost.
        metrics.metrics_requested = queries.len();
        Ok(SourceData::Metrics(metrics))
    }
}

/// A storage query's datapoints in percent: a serverless namespace's megabytes against its
/// capacity.
fn storage_percent(slot: &Slot, series: Series) -> Series {
    match slot {
        Slot::StorageMegabytes(capacity_mb) => {
            Series::from_points(series.points().map(|(t, mb)| (t, 100.0 * mb / capacity_mb)))
        }
        _ => series,
    }
}

/// A Serverless WLM workgroup's QueriesQueued and QueriesRunning ("The number of queries in
/// the queue" / "of running queries at a point in time", dimension sets {Database, QueryType,
/// Workgroup} and {QueryType, Workgroup}:
/// https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-audit-logging.html): one query
/// per `QueryType` with the {QueryType, Workgroup} set, since CloudWatch matches dimension sets
/// exactly; the types are summed afterwards.
fn workgroup_queries(wlm: Option<&RedshiftConfig>, period: i32) -> Vec<(Slot, MetricStat)> {
    let Some(workgroup) = wlm
        .filter(|w| w.cluster_identifier.is_none())
        .and_then(|w| w.workgroup.as_deref())
    else {
        return Vec::new();
    };
    let metric = |name: &str| MetricSpec {
        namespace: "AWS/Redshift-Serverless".into(),
        name: name.into(),
        dimensions: BTreeMap::new(),
        stat: "Average".into(),
    };
    let mut queries = Vec::new();
    for query_type in SERVERLESS_QUERY_TYPES {
        let dims = [("QueryType", query_type), ("Workgroup", workgroup)];
        queries.push((
            Slot::WorkgroupQueued,
            metric_stat(&metric("QueriesQueued"), &dims, period),
        ));
        queries.push((
            Slot::WorkgroupRunning,
            metric_stat(&metric("QueriesRunning"), &dims, period),
        ));
    }
    queries
}

/// Two series added point by point at the times either has: a time only one has counts what it has.
fn sum_by_time(a: &Series, b: &Series) -> Series {
    let mut sums: BTreeMap<Time, f64> = BTreeMap::new();
    for (t, v) in a.points().chain(b.points()) {
        *sums.entry(t).or_default() += v;
    }
    Series::from_points(sums)
}

/// Rejected over attempted queries across the hour, in percent (seed 001's query failure rate).
fn failure_rate(rejected: &Series, attempted: &Series, at: Time) -> Series {
    let attempted_total: f64 = attempted.values().sum();
    if attempted_total <= 0.0 {
        return Series::default();
    }
    let rejected_total: f64 = rejected.values().sum();
    Series::from_points([(at, 100.0 * rejected_total / attempted_total)])
}

/// Every alarm, metric and composite, page by page, in the central account and in each tenant
/// account read with credentials of its own. CloudWatch alarms live in one account and region
/// and DescribeAlarms lists only the caller's ("Retrieves the specified alarms":
/// <https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html>),
/// so a tenant's own alarms (seed 000's `aurora-export-failure`) are read with its role.
pub struct AlarmsSource {
    /// The one client for every account: a tenant account's calls sign as it.
    client: Client,
    /// One entry per tenant account and region, whatever its number of tenants.
    accounts: Vec<AlarmAccount>,
    limiter: Limiter,
    tenants: Vec<Tenant>,
    tenant_dimension: String,
    interval: Duration,
}

/// A tenant account whose alarms are read, with the tenants they may belong to.
struct AlarmAccount {
    account_id: String,
    via: String,
    tenants: Vec<Tenant>,
    sign_as: SignAs,
    scope: Scope,
}

/// An alarm as DescribeAlarms lists it, before it is given its tenant.
struct Listed {
    alarm: Alarm,
    dimensions: Vec<Dimension>,
}

impl AlarmsSource {
    /// `accounts` are the tenants' accounts: those read with a role or profile of their own
    /// and holding a tenant whose `alarms` is on are read too; the others are the central
    /// account's, already read.
    pub fn new(
        aws: &Aws,
        accounts: &[Account],
        tenants: Vec<Tenant>,
        tenant_dimension: String,
        interval: Duration,
    ) -> Self {
        let accounts = accounts
            .iter()
            .filter(|account| account.own_credentials && !account.alarm_tenants.is_empty())
            .map(|account| AlarmAccount {
                account_id: account.account_id.clone(),
                via: account.via.clone(),
                tenants: account.alarm_tenants.clone(),
                sign_as: account.sign_as.clone(),
                scope: account.scope.clone(),
            })
            .collect();
        Self {
            client: aws.cloudwatch(),
            accounts,
            limiter: aws.limiter.clone(),
            tenants,
            tenant_dimension,
            interval,
        }
    }

    /// A central alarm is about a tenant when its `Tenant` dimension (which holds the tenant's
    /// `metric_dimension_value`) or its name says so.
    fn tenant_of(&self, name: &str, dimensions: &[Dimension]) -> Option<String> {
        dimension_tenant(&self.tenant_dimension, dimensions)
            .map(|value| {
                self.tenants
                    .iter()
                    .find(|t| t.metric_dimension_value == value)
                    .map_or_else(|| value.to_string(), |t| t.name.clone())
            })
            .or_else(|| {
                self.tenants
                    .iter()
                    .find(|t| name.contains(t.name.as_str()))
                    .map(|t| t.name.clone())
            })
    }
}

fn dimension_tenant<'a>(tenant_dimension: &str, dimensions: &'a [Dimension]) -> Option<&'a str> {
    dimensions
        .iter()
        .find(|d| d.name() == Some(tenant_dimension))
        .and_then(|d| d.value())
}

/// The tenant an alarm in a tenant's account belongs to. An account of one tenant: that
/// tenant, whatever the alarm names (it watches that tenant's resources). An account shared by
/// several: the one of them its `Tenant` dimension or its name names; else none, since an
/// alarm about the account as a whole is not one tenant's (its ARN still says which account).
fn account_tenant(
    tenants: &[Tenant],
    tenant_dimension: &str,
    name: &str,
    dimensions: &[Dimension],
) -> Option<String> {
    if let [only] = tenants {
        return Some(only.name.clone());
    }
    let named = dimension_tenant(tenant_dimension, dimensions);
    tenants
        .iter()
        .find(|t| named == Some(t.name.as_str()))
        .or_else(|| tenants.iter().find(|t| name.contains(t.name.as_str())))
        .map(|t| t.name.clone())
}

fn state(value: Option<&StateValue>) -> AlarmState {
    match value {
        Some(StateValue::Alarm) => AlarmState::Alarm,
        Some(StateValue::Ok) => AlarmState::Ok,
        _ => AlarmState::InsufficientData,
    }
}

/// Every alarm of the account `client` signs for, metric and composite, page by page.
async fn describe_alarms(
    client: &Client,
    sign_as: &SignAs,
    scope: &Scope,
    limiter: &Limiter,
) -> Result<Vec<Listed>, String> {
    let mut alarms = Vec::new();
    let mut next: Option<String> = None;
    let epoch = Time::UNIX_EPOCH;
    loop {
        let output = limiter
            .run(
                Key::new(scope, Api::DescribeAlarms),
                client
                    .describe_alarms()
                    .alarm_types(AlarmType::MetricAlarm)
                    .alarm_types(AlarmType::CompositeAlarm)
                    .max_records(100)
                    .set_next_token(next.take())
                    .customize()
                    .config_override(sign_as.cloudwatch())
                    .send(),
            )
            .await
            .map_err(|e| describe(&e))?;
        for alarm in output.metric_alarms() {
            alarms.push(Listed {
                alarm: Alarm {
                    name: alarm.alarm_name().unwrap_or_default().to_string(),
                    arn: alarm.alarm_arn().map(str::to_string),
                    kind: AlarmKind::Metric,
                    state: state(alarm.state_value()),
                    reason: alarm.state_reason().unwrap_or_default().to_string(),
                    since: alarm
                        .state_updated_timestamp()
                        .and_then(time)
                        .unwrap_or(epoch),
                    tenant: None,
                    metric: match (alarm.namespace(), alarm.metric_name()) {
                        (Some(ns), Some(metric)) => Some(format!("{ns}/{metric}")),
                        (None, Some(metric)) => Some(metric.to_string()),
                        _ => None,
                    },
                    threshold: alarm.threshold(),
                },
                dimensions: alarm.dimensions().to_vec(),
            });
        }
        for alarm in output.composite_alarms() {
            alarms.push(Listed {
                alarm: Alarm {
                    name: alarm.alarm_name().unwrap_or_default().to_string(),
                    arn: alarm.alarm_arn().map(str::to_string),
                    kind: AlarmKind::Composite,
                    state: state(alarm.state_value()),
                    reason: alarm.state_reason().unwrap_or_default().to_string(),
                    since: alarm
                        .state_updated_timestamp()
                        .and_then(time)
                        .unwrap_or(epoch),
                    tenant: None,
                    metric: None,
                    threshold: None,
                },
                dimensions: Vec::new(),
            });
        }
        match output.next_token() {
            Some(token) if !token.is_empty() => next = Some(token.to_string()),
            _ => return Ok(alarms),
        }
    }
}

#[async_trait]
impl Source for AlarmsSource {
    fn id(&self) -> SourceId {
        SourceId::Alarms
    }

    fn interval(&self) -> Duration {
        self.interval
    }

    async fn fetch(&self) -> Result<SourceData, SourceError> {
        let central_scope = Scope::central();
        let central_sign_as = SignAs::default();
        let (central, tenant_accounts) = tokio::join!(
            describe_alarms(
                &self.client,
                &central_sign_as,
                &central_scope,
                &self.limiter
            ),
            // By index: a closure over `&AlarmAccount` would not be `Send` for the async trait.
            self.limiter
                .each((0..self.accounts.len()).map(|i| describe_alarms(
                    &self.client,
                    &self.accounts[i].sign_as,
                    &self.accounts[i].scope,
                    &self.limiter
                )))
        );
        // The central account's alarms are the console's own: without them, nothing is read.
        let central = central.map_err(SourceError)?;
        let mut data = AlarmsData::default();
        for Listed {
            mut alarm,
            dimensions,
        } in central
        {
            alarm.tenant = self.tenant_of(&alarm.name, &dimensions);
            data.alarms.push(alarm);
        }
        for (result, account) in tenant_accounts.into_iter().zip(&self.accounts) {
            match result {
                Ok(listed) => {
                    for Listed {
                        mut alarm,
                        dimensions,
                    } in listed
                    {
                        // A tenant role into the central account lists the central alarms again.
                        if data.alarms.iter().any(|a| a.key() == alarm.key()) {
                            continue;
                        }
                        alarm.tenant = account_tenant(
                            &account.tenants,
                            &self.tenant_dimension,
                            &alarm.name,
                            &dimensions,
                        );
                        data.alarms.push(alarm);
                    }
                }
                Err(error) => data.failures.push(AccountFailure {
                    account_id: account.account_id.clone(),
                    tenants: account.tenants.iter().map(|t| t.name.clone()).collect(),
                    error: format!("{} ({}): {error}", account.account_id, account.via),
                }),
            }
        }
        Ok(SourceData::Alarms(data))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Ingest;

    fn tenant(name: &str) -> Tenant {
        Tenant {
            name: name.into(),
            schema: name.into(),
            metric_dimension_value: name.into(),
            account_id: "222222222222".into(),
            cluster_identifier: format!("{name}-mysql"),
            ingest: Ingest::ZeroEtl {
                integration: format!("{name}-integration"),
            },
        }
    }

    fn dimension(name: &str, value: &str) -> Dimension {
        Dimension::builder().name(name).value(value).build()
    }

    #[test]
    fn an_alarm_in_a_tenants_account_is_its_tenants_or_the_one_it_names() {
        let export = [dimension("FunctionName", "aurora-snapshot-export")];
        // The account of one tenant: that tenant's, whatever the alarm names.
        let only = [tenant("tenant_b")];
        assert_eq!(
            account_tenant(&only, "Tenant", "aurora-export-failure", &export),
            Some("tenant_b".into())
        );
        assert_eq!(
            account_tenant(&only, "Tenant", "x", &[dimension("Tenant", "tenant_a")]),
            Some("tenant_b".into())
        );
        // An account shared by several: the one its dimension or name names, else none.
        let shared = [tenant("tenant_b"), tenant("tenant_d")];
        assert_eq!(
            account_tenant(&shared, "Tenant", "x", &[dimension("Tenant", "tenant_d")]),
            Some("tenant_d".into())
        );
        assert_eq!(
            account_tenant(&shared, "Tenant", "export-tenant_b", &export),
            Some("tenant_b".into())
        );
        assert_eq!(
            account_tenant(&shared, "Tenant", "x", &[dimension("Tenant", "tenant_a")]),
            None,
            "a tenant of another account is not this account's"
        );
        assert_eq!(
            account_tenant(&shared, "Tenant", "aurora-export-failure", &export),
            None
        );
    }

    #[test]
    fn the_storage_trend_is_fetched_again_only_after_an_hour() {
        let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        assert!(trend_due(None, at));
        assert!(!trend_due(Some(at), at + chrono::Duration::minutes(59)));
        assert!(trend_due(Some(at), at + TREND_REFRESH));
        // A clock set back does not keep a trend from the future.
        assert!(trend_due(Some(at), at - chrono::Duration::minutes(1)));
    }

    #[test]
    fn a_serverless_wlm_workgroup_asks_every_query_type_and_sums_them() {
        let mut wlm: RedshiftConfig = toml::from_str("workgroup = \"multitenant-wg\"").unwrap();
        let queries = workgroup_queries(Some(&wlm), 60);
        assert_eq!(queries.len(), 2 * SERVERLESS_QUERY_TYPES.len());
        let (slot, stat) = &queries[0];
        assert_eq!(*slot, Slot::WorkgroupQueued);
        let metric = stat.metric().unwrap();
        assert_eq!(metric.namespace(), Some("AWS/Redshift-Serverless"));
        assert_eq!(metric.metric_name(), Some("QueriesQueued"));
        let dims: Vec<(&str, &str)> = metric
            .dimensions()
            .iter()
            .map(|d| (d.name().unwrap(), d.value().unwrap()))
            .collect();
        assert_eq!(
            dims,
            [("QueryType", "INSERT"), ("Workgroup", "multitenant-wg")]
        );
        wlm.cluster_identifier = Some("dpc-learning".into());
        wlm.workgroup = None;
        assert!(workgroup_queries(Some(&wlm), 60).is_empty());
        assert!(workgroup_queries(None, 60).is_empty());

        let at = |m: i64| chrono::DateTime::from_timestamp(1_800_000_000 + 60 * m, 0).unwrap();
        let select = Series::from_points([(at(0), 2.0), (at(1), 3.0)]);
        let insert = Series::from_points([(at(1), 1.0), (at(2), 4.0)]);
        let total = sum_by_time(&sum_by_time(&Series::default(), &select), &insert);
        assert_eq!(
            total.points().collect::<Vec<_>>(),
            [(at(0), 2.0), (at(1), 4.0), (at(2), 4.0)]
        );
    }
}
