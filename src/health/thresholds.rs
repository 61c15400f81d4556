use serde::Deserialize;

/// Where findings start. Defaults are seed 001's monitored-metric thresholds; the config file's
/// `[thresholds]` table overrides any of them.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// ELTExecutionDelay above this many minutes is critical (Alert-ELT-Delay pages).
    pub elt_delay_minutes: f64,
    /// This many COPY errors in 24 hours or more is critical (Alert-COPY-Error pages).
    pub copy_errors: u64,
    pub storage_warning_percent: f64,
    pub storage_critical_percent: f64,
    /// Queued queries in `wlm_queue` above this is a warning (Alert-WLM-Queue).
    pub wlm_queue_length: f64,
    pub wlm_queue: String,
    pub query_failure_percent: f64,
    pub table_skew_percent: f64,
    pub integration_lag_warning_seconds: f64,
    pub integration_lag_critical_seconds: f64,
    /// An export-path tenant with no completed export for this long is a warning.
    pub export_max_age_hours: f64,
    /// Alarms in ALARM that page someone; other alarms are warnings.
    pub critical_alarms: Vec<String>,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            elt_delay_minutes: 90.0,
            copy_errors: 1,
            storage_warning_percent: 80.0,
            storage_critical_percent: 90.0,
            wlm_queue_length: 10.0,
            wlm_queue: "batch".into(),
            query_failure_percent: 5.0,
            table_skew_percent: 20.0,
            integration_lag_warning_seconds: 900.0,
            integration_lag_critical_seconds: 3600.0,
            export_max_age_hours: 26.0,
            critical_alarms: [
                "Alert-ELT-Delay",
                "Alert-COPY-Error",
                "aurora-export-failure",
                "redshift-copy-failure",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}
