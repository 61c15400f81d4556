use std::collections::BTreeMap;

use serde::Serialize;

use super::Time;

/// A metric's recent datapoints, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Series {
    pub points: Vec<(Time, f64)>,
}

impl Series {
    pub fn latest(&self) -> Option<f64> {
        self.points.last().map(|(_, v)| *v)
    }

    /// When the run of latest points that all `breach` began, when the series shows it
    /// crossing: a run that fills the whole series began before it, at a time it cannot say.
    pub fn breaching_since(&self, breach: impl Fn(f64) -> bool) -> Option<Time> {
        let above = self
            .points
            .iter()
            .rev()
            .take_while(|(_, v)| breach(*v))
            .count();
        if above == 0 || above == self.points.len() {
            return None;
        }
        self.points.get(self.points.len() - above).map(|(t, _)| *t)
    }

    pub fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.points.iter().map(|(_, v)| *v)
    }

    /// The largest value, what a chart of the series reaches at its top.
    pub fn max(&self) -> Option<f64> {
        self.values().reduce(f64::max)
    }

    /// The time between datapoints: the smallest step between two of them (a missing datapoint
    /// only makes a step longer).
    pub fn period(&self) -> Option<chrono::Duration> {
        self.points
            .windows(2)
            .map(|w| w[1].0 - w[0].0)
            .filter(|step| *step > chrono::Duration::zero())
            .min()
    }

    /// The datapoints one per period from the first to the last, `None` where CloudWatch had
    /// none: what a chart draws, so a gap shows as a gap rather than closing up.
    pub fn slots(&self) -> Vec<Option<f64>> {
        let (Some(period), Some(&(first, _))) = (self.period(), self.points.first()) else {
            return self.values().map(Some).collect();
        };
        let mut slots: Vec<Option<f64>> = Vec::new();
        for &(at, value) in &self.points {
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
        match (self.points.first(), self.points.last()) {
            (Some((first, from)), Some((last, to))) if last > first => Some(to - from),
            _ => None,
        }
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
        let mut series = Series {
            points: vec![(at(0), 70.0), (at(10), 81.0), (at(20), 87.0)],
        };
        assert_eq!(series.breaching_since(|v| v > 80.0), Some(at(10)));
        assert_eq!(series.breaching_since(|v| v > 90.0), None);
        // Above for the whole window: it began before, at a time the series cannot say.
        series.points[0].1 = 82.0;
        assert_eq!(series.breaching_since(|v| v > 80.0), None);
        assert_eq!(Series::default().breaching_since(|v| v > 80.0), None);
    }

    #[test]
    fn slots_leave_a_gap_where_a_datapoint_is_missing() {
        let series = Series {
            points: vec![(at(0), 1.0), (at(1), 4.0), (at(4), 2.0)],
        };
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
