//! The console's own CloudWatch bill, for the status line: GetMetricData is billed per metric
//! requested, so polling costs metrics per refresh × refreshes per day × the price per metric.

use std::time::Duration;

/// GetMetricData's list price, USD per 1,000 metrics requested (`[metrics] price_per_1000_metrics`).
pub const LIST_PRICE_PER_1000_METRICS: f64 = 0.01;

/// How the console polls CloudWatch: the metrics source's interval and the price.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Polling {
    pub metrics_interval: Duration,
    pub price_per_1000_metrics: f64,
}

impl Polling {
    /// USD a day for `metrics_per_refresh` metrics requested every interval.
    pub fn per_day(&self, metrics_per_refresh: usize) -> f64 {
        let refreshes_per_day = 86_400.0 / self.metrics_interval.as_secs_f64().max(1.0);
        metrics_per_refresh as f64 * refreshes_per_day * self.price_per_1000_metrics / 1_000.0
    }
}

/// `cw ≈ $0.42/day`: short, for the end of the status line. `None` before the first metrics.
pub fn status_text(polling: Option<&Polling>, metrics_per_refresh: usize) -> Option<String> {
    let polling = polling?;
    if metrics_per_refresh == 0 {
        return None;
    }
    let dollars = polling.per_day(metrics_per_refresh);
    Some(if dollars < 10.0 {
        format!("cw ≈ ${dollars:.2}/day")
    } else {
        format!("cw ≈ ${dollars:.0}/day")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thousand_tenants_polled_every_minute_cost_dollars_a_day() {
        let polling = Polling {
            metrics_interval: Duration::from_secs(60),
            price_per_1000_metrics: LIST_PRICE_PER_1000_METRICS,
        };
        // 1,016 metrics a minute: 1,463,040 a day, $0.01 per 1,000.
        assert!((polling.per_day(1_016) - 14.6304).abs() < 1e-9);
        assert_eq!(
            status_text(Some(&polling), 1_016).as_deref(),
            Some("cw ≈ $15/day")
        );
        assert_eq!(
            status_text(Some(&polling), 19).as_deref(),
            Some("cw ≈ $0.27/day")
        );
        assert_eq!(status_text(Some(&polling), 0), None);
        assert_eq!(status_text(None, 19), None);
    }
}
