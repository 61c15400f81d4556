use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use serde::Serialize;

use super::Time;

/// A metric's recent datapoints, oldest first: a time and a value each.
///
/// The times are held apart from the values, so that the many series of one fetch recorded at
/// the same minutes (a per-tenant metric of thousands of tenants) share one time axis: each
/// datapoint then costs its value, 8 bytes, rather than a `(time, value)` pair, 24.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    /// When each value was recorded, oldest first; as long as `values`.
    times: Arc<[Time]>,
    /// Boxed, not a `Vec`: a series is not grown once made, and thousands of them need no spare
    /// capacity.
    values: Box<[f64]>,
}

impl Series {
    /// A series of these datapoints, oldest first, on a time axis of its own.
    pub fn from_points(points: impl IntoIterator<Item = (Time, f64)>) -> Self {
        let (times, values): (Vec<Time>, Vec<f64>) = points.into_iter().unzip();
        Self {
            times: times.into(),
            values: values.into(),
        }
    }

    /// A series of `values` recorded at `times`, an axis other series may share.
    ///
    /// # Panics
    /// When there is not one value per time.
    pub fn on_axis(times: Arc<[Time]>, values: Vec<f64>) -> Self {
        assert_eq!(times.len(), values.len(), "one value per time");
        Self {
            times,
            values: values.into(),
        }
    }

    /// The datapoints, oldest first.
    pub fn points(&self) -> impl DoubleEndedIterator<Item = (Time, f64)> + ExactSizeIterator + '_ {
        self.times.iter().copied().zip(self.values.iter().copied())
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The oldest datapoint.
    pub fn first(&self) -> Option<(Time, f64)> {
        self.points().next()
    }

    /// The newest datapoint.
    pub fn last(&self) -> Option<(Time, f64)> {
        self.points().next_back()
    }

    pub fn latest(&self) -> Option<f64> {
        self.values.last().copied()
    }

    /// When the run of latest points that all `breach` began, when the series shows it
    /// crossing: a run that fills the whole series began before it, at a time it cannot say.
    pub fn breaching_since(&self, breach: impl Fn(f64) -> bool) -> Option<Time> {
        let above = self.values.iter().rev().take_while(|v| breach(**v)).count();
        if above == 0 || above == self.len() {
            return None;
        }
        self.times.get(self.len() - above).copied()
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = f64> + ExactSizeIterator + '_ {
        self.values.iter().copied()
    }

    /// The largest value, what a chart of the series reaches at its top.
    pub fn max(&self) -> Option<f64> {
        self.values().reduce(f64::max)
    }

    /// The time between datapoints: the smallest step between two of them (a missing datapoint
    /// only makes a step longer).
    pub fn period(&self) -> Option<chrono::Duration> {
        self.times
            .windows(2)
            .map(|w| w[1] - w[0])
            .filter(|step| *step > chrono::Duration::zero())
            .min()
    }

    /// The datapoints one per period from the first to the last, `None` where CloudWatch had
    /// none: what a chart draws, so a gap shows as a gap rather than closing up.
    pub fn slots(&self) -> Vec<Option<f64>> {
        let (Some(period), Some(&first)) = (self.period(), self.times.first()) else {
            return self.values().map(Some).collect();
        };
        let mut slots: Vec<Option<f64>> = Vec::new();
        for (at, value) in self.points() {
            let index = ((at - first).num_seconds() / period.num_seconds()) as usize;
            if index >= slots.len() {
                slots.resize(index + 1, None);
            }
            slots[index] = Some(value);
        }
        slots
    }

    /// How much the series moved from its first datapoint to its last.
    pub fn change(&self) -> Option<f64> {
        match (self.first(), self.last()) {
            (Some((first, from)), Some((last, to))) if last > first => Some(to - from),
            _ => None,
        }
    }

    /// Keeps the datapoints `keep` accepts.
    pub fn retain(&mut self, keep: impl Fn(Time, f64) -> bool) {
        *self = Series::from_points(self.points().filter(|(t, v)| keep(*t, *v)));
    }
}

/// Serialized as it always was, `{"points": [[time, value], …]}`: the shared axis is how the
/// console holds a series, not what it is.
impl Serialize for Series {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeSeq, SerializeStruct};

        struct Points<'a>(&'a Series);
        impl Serialize for Points<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
                for point in self.0.points() {
                    seq.serialize_element(&point)?;
                }
                seq.end()
            }
        }

        let mut series = serializer.serialize_struct("Series", 1)?;
        series.serialize_field("points", &Points(self))?;
        series.end()
    }
}

/// The time axes of the series of one fetch: series recorded at the same times get one axis
/// between them, however many metrics (and tenants) there are.
#[derive(Debug, Default)]
pub struct TimeAxes {
    axes: HashSet<Arc<[Time]>>,
}

impl TimeAxes {
    /// A series of these datapoints, oldest first, on the axis of an earlier one with the same
    /// times when there is one.
    pub fn series(&mut self, points: impl IntoIterator<Item = (Time, f64)>) -> Series {
        let (times, values): (Vec<Time>, Vec<f64>) = points.into_iter().unzip();
        Series::on_axis(self.axis(times), values)
    }

    /// The shared axis of these times.
    pub fn axis(&mut self, times: Vec<Time>) -> Arc<[Time]> {
        if let Some(axis) = self.axes.get(times.as_slice()) {
            return axis.clone();
        }
        let axis: Arc<[Time]> = times.into();
        self.axes.insert(axis.clone());
        axis
    }
}

/// How far back the live metrics go, in minutes: the last hour at one datapoint a minute.
pub const LIVE_WINDOW_MINUTES: i64 = 60;

/// How far back the storage trend goes, and the period of its datapoints.
pub const STORAGE_TREND: TrendWindow = TrendWindow {
    days: 7,
    period_seconds: 3600,
};

/// A long-range series: how many days, at what period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrendWindow {
    pub days: i64,
    pub period_seconds: i32,
}

impl TrendWindow {
    pub fn span(&self) -> chrono::Duration {
        chrono::Duration::days(self.days)
    }
}

/// A Serverless workgroup's queries in CloudWatch: AWS/Redshift-Serverless `QueriesQueued` and
/// `QueriesRunning`, summed over their `QueryType`s.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WorkgroupQueries {
    pub queued: Series,
    pub running: Series,
}

/// The CloudWatch metrics shiftops watches (seed 001's monitored metrics and dashboard).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FleetMetrics {
    /// WLMQueueLength per queue, the last hour.
    pub queue_length: BTreeMap<String, Series>,
    /// WLMRunningQueries per queue.
    pub queue_running: BTreeMap<String, Series>,
    /// WLMQueueWaitTime per queue, in milliseconds.
    pub queue_wait_ms: BTreeMap<String, Series>,
    /// PercentageDiskSpaceUsed of the warehouse.
    pub storage_percent: Series,
    /// PercentageDiskSpaceUsed over the last days, one datapoint an hour: the storage trend.
    /// Fetched on a slower cadence than the live metrics (see `STORAGE_TREND`).
    pub storage_trend: Series,
    /// The warehouse's capacity where it is given (a serverless namespace's, from the
    /// configuration), in GB.
    pub storage_capacity_gb: Option<f64>,
    pub concurrency_scaling_clusters: Series,
    /// Custom ELTExecutionDelay: minutes since the last successful ELT.
    pub elt_delay_minutes: Series,
    /// CopyErrorCount per tenant (metric filter on stl_load_errors).
    pub copy_errors: BTreeMap<String, Series>,
    /// WLMRejectedQueries / WLMAttemptedQueries over the last hour, in percent.
    pub query_failure_percent: Series,
    /// IntegrationLag per integration id, in seconds.
    pub integration_lag_seconds: BTreeMap<String, Series>,
    /// The queries of the WLM warehouse when it is a Serverless workgroup (`None` on a cluster),
    /// which CloudWatch counts for the whole workgroup, not per queue.
    pub workgroup_queries: Option<WorkgroupQueries>,
    /// How many metrics the fetch asked GetMetricData for (what CloudWatch bills); the simulated
    /// fleet says what a live fetch of it would ask for.
    pub metrics_requested: usize,
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(minute: u32) -> Time {
        chrono::Utc
            .with_ymd_and_hms(2026, 11, 21, 5, minute, 0)
            .unwrap()
    }

    #[test]
    fn a_breach_begins_where_the_series_crossed_the_threshold() {
        let mut series = Series::from_points([(at(0), 70.0), (at(10), 81.0), (at(20), 87.0)]);
        assert_eq!(series.breaching_since(|v| v > 80.0), Some(at(10)));
        assert_eq!(series.breaching_since(|v| v > 90.0), None);
        // Above for the whole window: it began before, at a time the series cannot say.
        series = Series::from_points([(at(0), 82.0), (at(10), 81.0), (at(20), 87.0)]);
        assert_eq!(series.breaching_since(|v| v > 80.0), None);
        assert_eq!(Series::default().breaching_since(|v| v > 80.0), None);
    }

    #[test]
    fn series_of_the_same_minutes_share_one_axis_and_serialize_as_points() {
        let mut axes = TimeAxes::default();
        let a = axes.series([(at(0), 1.0), (at(1), 2.0)]);
        let b = axes.series([(at(0), 5.0), (at(1), 6.0)]);
        let other = axes.series([(at(0), 5.0)]);
        assert!(Arc::ptr_eq(&a.times, &b.times));
        assert!(!Arc::ptr_eq(&a.times, &other.times));
        assert_eq!(b, Series::from_points([(at(0), 5.0), (at(1), 6.0)]));
        assert_ne!(a, b);
        assert_eq!(b.last(), Some((at(1), 6.0)));
        assert_eq!(
            serde_json::to_value(&a).unwrap(),
            serde_json::json!({"points": [["2026-11-21T05:00:00Z", 1.0], ["2026-11-21T05:01:00Z", 2.0]]})
        );
    }

    #[test]
    #[should_panic(expected = "one value per time")]
    fn a_series_has_one_value_per_time() {
        Series::on_axis(Arc::from([at(0)]), vec![1.0, 2.0]);
    }

    #[test]
    fn slots_leave_a_gap_where_a_datapoint_is_missing() {
        let series = Series::from_points([(at(0), 1.0), (at(1), 4.0), (at(4), 2.0)]);
        assert_eq!(series.period(), Some(chrono::Duration::minutes(1)));
        assert_eq!(
            series.slots(),
            [Some(1.0), Some(4.0), None, None, Some(2.0)]
        );
        assert_eq!(series.max(), Some(4.0));
        assert_eq!(series.change(), Some(1.0));
        assert_eq!(Series::default().slots(), []);
        assert_eq!(Series::default().max(), None);
        assert_eq!(Series::default().change(), None);
    }
}
