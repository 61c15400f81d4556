//! The one-minute datapoints of the last hour, as CloudWatch GetMetricData would return them.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use chrono::Duration;

use super::alarms::{AlarmRule, Reading, Signal};
use crate::model::{FleetMetrics, LIVE_WINDOW_MINUTES, STORAGE_TREND, Series, Time, WLM_QUEUES};

/// Every value of one minute. Per-tenant values are in the order the book was created with.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Sample {
    pub storage_percent: f64,
    pub concurrency_clusters: f64,
    pub query_failure_percent: f64,
    /// `[queued, running, wait_ms]` per queue, in `WLM_QUEUES` order.
    pub queues: [[f64; 3]; 3],
    pub elt_delay_minutes: f64,
    /// CopyErrorCount per export-path tenant.
    pub copy_errors: Vec<f64>,
    /// IntegrationLag per integration.
    pub lag_seconds: Vec<f64>,
    /// Tenants the export Lambda fails for (its Errors metric counts them).
    pub export_failures: Vec<String>,
    /// Tenants the COPY orchestrator fails for.
    pub copy_failures: Vec<String>,
}

/// One metric's datapoints of the last hour, oldest first. A ring, because a day of catching up
/// records a minute of thousands of metrics 1,440 times.
#[derive(Debug, Clone, Default, PartialEq)]
struct Window {
    points: VecDeque<(Time, f64)>,
}

impl Window {
    fn push(&mut self, at: Time, value: f64) {
        self.points.push_back((at, value));
        let oldest_kept = at - Duration::minutes(59);
        while self.points.front().is_some_and(|(t, _)| *t < oldest_kept) {
            self.points.pop_front();
        }
    }

    /// The newest `count` values, oldest first.
    fn newest(&self, count: usize) -> Vec<f64> {
        let skip = self.points.len().saturating_sub(count);
        self.points.iter().skip(skip).map(|(_, v)| *v).collect()
    }

    fn to_series(&self) -> Series {
        Series::from_points(self.points.iter().copied())
    }
}

/// Many metrics recorded at the same minutes: one ring of times for all of them and a ring of
/// values per metric, so each per-tenant datapoint costs its value (8 bytes) rather than a
/// `(Time, f64)` (24): at 10,000 tenants, 10 MB less.
#[derive(Debug, Clone, PartialEq)]
struct WindowSet<K> {
    minutes: VecDeque<Time>,
    /// Each metric's values, one per entry of `minutes`.
    metrics: Vec<(K, VecDeque<f64>)>,
}

impl<K> WindowSet<K> {
    fn new(keys: impl IntoIterator<Item = K>) -> Self {
        // The hour's 60 datapoints and the one pushed before the oldest is dropped.
        let kept = LIVE_WINDOW_MINUTES as usize + 1;
        Self {
            minutes: VecDeque::with_capacity(kept),
            metrics: keys
                .into_iter()
                .map(|key| (key, VecDeque::with_capacity(kept)))
                .collect(),
        }
    }

    /// Records one value per metric, in the order of the keys, at `at`.
    fn push(&mut self, at: Time, values: &[f64], round: fn(f64) -> f64) {
        assert_eq!(values.len(), self.metrics.len(), "one value per metric");
        self.minutes.push_back(at);
        for ((_, window), value) in self.metrics.iter_mut().zip(values) {
            window.push_back(round(*value));
        }
        let oldest_kept = at - Duration::minutes(59);
        while self.minutes.front().is_some_and(|t| *t < oldest_kept) {
            self.minutes.pop_front();
            for (_, window) in &mut self.metrics {
                window.pop_front();
            }
        }
    }

    /// Each metric's key and latest value.
    fn latest(&self) -> impl Iterator<Item = (&K, f64)> {
        self.metrics
            .iter()
            .filter_map(|(key, window)| Some((key, *window.back()?)))
    }

    /// Each metric's key and datapoints, all on one time axis.
    fn series(&self) -> impl Iterator<Item = (&K, Series)> {
        let minutes: Arc<[Time]> = self.minutes.iter().copied().collect();
        self.metrics.iter().map(move |(key, window)| {
            (
                key,
                Series::on_axis(minutes.clone(), window.iter().copied().collect()),
            )
        })
    }
}

/// WLMQueueLength, WLMRunningQueries and WLMQueueWaitTime of one queue.
#[derive(Debug, Clone, Default, PartialEq)]
struct QueueWindows {
    length: Window,
    running: Window,
    wait_ms: Window,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MetricsBook {
    storage_percent: Window,
    /// PercentageDiskSpaceUsed an hour at a time over `STORAGE_TREND.days`, oldest first: each
    /// hour's average, stamped with the hour it began, as GetMetricData returns a 1-hour period.
    storage_trend: VecDeque<(Time, f64)>,
    concurrency_clusters: Window,
    query_failure_percent: Window,
    elt_delay_minutes: Window,
    /// In `WLM_QUEUES` order.
    queues: [QueueWindows; 3],
    /// CopyErrorCount per export-path tenant, in fleet order.
    copy_errors: WindowSet<String>,
    /// IntegrationLag per `(integration, tenant)`, in fleet order.
    lags: WindowSet<(String, String)>,
    /// The Lambdas' Errors: not among the metrics the console draws, but alarmed on.
    export_lambda_errors: Window,
    copy_lambda_errors: Window,
    export_failures: Vec<String>,
    copy_failures: Vec<String>,
}

impl MetricsBook {
    pub(crate) fn new(copy_tenants: Vec<String>, integrations: Vec<(String, String)>) -> Self {
        Self {
            storage_percent: Window::default(),
            storage_trend: VecDeque::new(),
            concurrency_clusters: Window::default(),
            query_failure_percent: Window::default(),
            elt_delay_minutes: Window::default(),
            queues: Default::default(),
            copy_errors: WindowSet::new(copy_tenants),
            lags: WindowSet::new(integrations),
            export_lambda_errors: Window::default(),
            copy_lambda_errors: Window::default(),
            export_failures: Vec::new(),
            copy_failures: Vec::new(),
        }
    }

    /// The metrics as GetMetricData returns them.
    pub(crate) fn published(&self) -> FleetMetrics {
        let per_queue = |pick: fn(&QueueWindows) -> &Window| -> BTreeMap<String, Series> {
            WLM_QUEUES
                .iter()
                .zip(&self.queues)
                .map(|(queue, windows)| ((*queue).to_string(), pick(windows).to_series()))
                .collect()
        };
        FleetMetrics {
            queue_length: per_queue(|q| &q.length),
            queue_running: per_queue(|q| &q.running),
            queue_wait_ms: per_queue(|q| &q.wait_ms),
            storage_percent: self.storage_percent.to_series(),
            storage_trend: Series::from_points(self.storage_trend.iter().copied()),
            // A cluster: its capacity is not configured but worked out (see `StorageSize`).
            storage_capacity_gb: None,
            concurrency_scaling_clusters: self.concurrency_clusters.to_series(),
            elt_delay_minutes: self.elt_delay_minutes.to_series(),
            copy_errors: self
                .copy_errors
                .series()
                .map(|(tenant, series)| (tenant.clone(), series))
                .collect(),
            query_failure_percent: self.query_failure_percent.to_series(),
            // The demo's WLM warehouse is a cluster.
            workgroup_queries: None,
            // Counted by the world, which knows the fleet's tenants and integrations.
            metrics_requested: 0,
            // None: SVV_INTEGRATION gives every simulated integration's lag, so the live source
            // would ask CloudWatch for none (the lags are kept for the IntegrationLag alarm).
            integration_lag_seconds: BTreeMap::new(),
        }
    }

    /// Puts in the storage trend's hour that began at `hour`; an hour recorded again is replaced.
    pub(crate) fn record_trend_hour(&mut self, hour: Time, percent: f64) {
        if self.storage_trend.back().is_some_and(|(t, _)| *t >= hour) {
            self.storage_trend.retain(|(t, _)| *t < hour);
        }
        self.storage_trend.push_back((hour, round_to(percent, 2)));
        let oldest_kept = hour - STORAGE_TREND.span();
        while self
            .storage_trend
            .front()
            .is_some_and(|(t, _)| *t <= oldest_kept)
        {
            self.storage_trend.pop_front();
        }
    }

    /// Records the datapoints of the minute `at`, dropping those older than an hour.
    pub(crate) fn record(&mut self, at: Time, sample: &Sample) {
        self.storage_percent
            .push(at, round_to(sample.storage_percent, 1));
        // On the hour, the hour that ended joins the trend as its average.
        if at
            .timestamp()
            .rem_euclid(i64::from(STORAGE_TREND.period_seconds))
            == 0
        {
            let values: Vec<f64> = self
                .storage_percent
                .points
                .iter()
                .filter(|(t, _)| *t < at)
                .map(|(_, v)| *v)
                .collect();
            if !values.is_empty() {
                let mean = values.iter().sum::<f64>() / values.len() as f64;
                self.record_trend_hour(
                    at - Duration::seconds(STORAGE_TREND.period_seconds.into()),
                    mean,
                );
            }
        }
        self.concurrency_clusters
            .push(at, sample.concurrency_clusters.round());
        self.query_failure_percent
            .push(at, round_to(sample.query_failure_percent, 2));
        self.elt_delay_minutes.push(at, sample.elt_delay_minutes);
        for (windows, [queued, running, wait_ms]) in self.queues.iter_mut().zip(sample.queues) {
            windows.length.push(at, queued.round());
            windows.running.push(at, running.round());
            windows.wait_ms.push(at, wait_ms.round());
        }
        self.copy_errors
            .push(at, &sample.copy_errors, |count| count);
        self.lags.push(at, &sample.lag_seconds, f64::round);
        self.export_lambda_errors
            .push(at, sample.export_failures.len() as f64);
        self.copy_lambda_errors
            .push(at, sample.copy_failures.len() as f64);
        self.export_failures.clone_from(&sample.export_failures);
        self.copy_failures.clone_from(&sample.copy_failures);
    }

    /// What `rule` sees now.
    pub(crate) fn reading(&self, rule: &AlarmRule) -> Reading {
        let count = rule.datapoints;
        match rule.signal {
            Signal::EltDelay => plain(self.elt_delay_minutes.newest(count)),
            Signal::Storage => plain(self.storage_percent.newest(count)),
            Signal::QueryFailure => plain(self.query_failure_percent.newest(count)),
            Signal::BatchQueueLength => plain(self.queues[0].length.newest(count)),
            // One datapoint: the sum over tenants.
            Signal::CopyErrors => {
                let mut total = None;
                let mut culprits = Vec::new();
                for (tenant, errors) in self.copy_errors.latest() {
                    *total.get_or_insert(0.0) += errors;
                    if errors >= rule.threshold {
                        culprits.push(tenant.clone());
                    }
                }
                Reading {
                    values: total.into_iter().collect(),
                    culprits,
                }
            }
            // One datapoint: the largest lag of any integration.
            Signal::IntegrationLag => {
                let mut largest: Option<f64> = None;
                let mut culprits = Vec::new();
                for ((_, tenant), lag) in self.lags.latest() {
                    largest = Some(largest.map_or(lag, |l| l.max(lag)));
                    if lag > rule.threshold {
                        culprits.push(tenant.clone());
                    }
                }
                Reading {
                    values: largest.into_iter().collect(),
                    culprits,
                }
            }
            Signal::ExportLambdaErrors => Reading {
                values: self.export_lambda_errors.newest(count),
                culprits: self.export_failures.clone(),
            },
            Signal::CopyLambdaErrors => Reading {
                values: self.copy_lambda_errors.newest(count),
                culprits: self.copy_failures.clone(),
            },
        }
    }
}

fn plain(values: Vec<f64>) -> Reading {
    Reading {
        values,
        culprits: Vec::new(),
    }
}

/// Rounds to `decimals` places, as CloudWatch's console shows them.
fn round_to(value: f64, decimals: i32) -> f64 {
    let scale = 10_f64.powi(decimals);
    (value * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::source::sim::alarms::RULES;

    fn at(minute: i64) -> Time {
        chrono::Utc.with_ymd_and_hms(2026, 11, 21, 5, 0, 0).unwrap() + Duration::minutes(minute)
    }

    #[test]
    fn windows_keep_the_last_hour() {
        let mut window = Window::default();
        for minute in 0..90 {
            window.push(at(minute), minute as f64);
        }
        let series = window.to_series();
        assert_eq!(series.len(), 60);
        assert_eq!(series.first(), Some((at(30), 30.0)));
        assert_eq!(window.newest(3), [87.0, 88.0, 89.0]);
    }

    #[test]
    fn the_trend_keeps_an_average_an_hour_for_a_week() {
        let mut book = MetricsBook::new(Vec::new(), Vec::new());
        for minute in 0..=120 {
            let sample = Sample {
                storage_percent: if minute < 60 { 60.0 } else { 62.0 },
                ..Sample::default()
            };
            book.record(at(minute), &sample);
        }
        let trend = book.published().storage_trend;
        assert_eq!(
            trend.points().collect::<Vec<_>>(),
            [(at(0), 60.0), (at(60), 62.0)]
        );
        for hour in 0..(24 * 8) {
            book.record_trend_hour(at(60 * hour), 1.0);
        }
        assert_eq!(
            book.published().storage_trend.len(),
            24 * STORAGE_TREND.days as usize
        );
    }

    #[test]
    fn per_tenant_readings_sum_or_take_the_largest_and_name_culprits() {
        let mut book = MetricsBook::new(
            vec!["tenant_b".into(), "tenant_0005".into()],
            vec![
                ("a-integration".into(), "tenant_a".into()),
                ("c-integration".into(), "tenant_c".into()),
            ],
        );
        let sample = Sample {
            copy_errors: vec![4.0, 0.0],
            lag_seconds: vec![1_200.0, 9.0],
            ..Sample::default()
        };
        book.record(at(0), &sample);
        let copy = RULES
            .iter()
            .find(|r| r.signal == Signal::CopyErrors)
            .unwrap();
        assert_eq!(
            book.reading(copy),
            Reading {
                values: vec![4.0],
                culprits: vec!["tenant_b".into()]
            }
        );
        let lag = RULES
            .iter()
            .find(|r| r.signal == Signal::IntegrationLag)
            .unwrap();
        assert_eq!(
            book.reading(lag),
            Reading {
                values: vec![1_200.0],
                culprits: vec!["tenant_a".into()]
            }
        );
        let published = book.published();
        assert_eq!(published.copy_errors["tenant_b"].latest(), Some(4.0));
        assert!(published.integration_lag_seconds.is_empty());
        assert_eq!(published.queue_length.len(), 3);
    }
}
