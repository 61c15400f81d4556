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
    pub concurrency_scaling_clusters: Series,
    /// Custom ELTExecutionDelay: minutes since the last successful ELT.
    pub elt_delay_minutes: Series,
    /// CopyErrorCount per tenant (metric filter on stl_load_errors).
    pub copy_errors: BTreeMap<String, Series>,
    /// WLMRejectedQueries / WLMAttemptedQueries over the last hour, in percent.
    pub query_failure_percent: Series,
    /// IntegrationLag per integration id, in seconds.
    pub integration_lag_seconds: BTreeMap<String, Series>,
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
}
