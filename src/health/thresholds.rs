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

/// What a `[thresholds]` value may be, so that every rule can compare against it: a NaN would
/// make every comparison false and silently drop its findings.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Bound {
    /// A percentage: 0 to 100.
    Percent,
    /// A duration, or an age: more than zero.
    Positive,
    /// A count or a share: zero or more.
    NonNegative,
    /// At least one: a count of zero would find every tenant.
    AtLeastOne,
}

impl Bound {
    fn holds(self, value: f64) -> bool {
        value.is_finite()
            && match self {
                Bound::Percent => (0.0..=100.0).contains(&value),
                Bound::Positive => value > 0.0,
                Bound::NonNegative => value >= 0.0,
                Bound::AtLeastOne => value >= 1.0,
            }
    }

    fn wanted(self) -> &'static str {
        match self {
            Bound::Percent => "a percentage from 0 to 100",
            Bound::Positive => "a number above 0",
            Bound::NonNegative => "a number of 0 or more",
            Bound::AtLeastOne => "a count of 1 or more",
        }
    }
}

/// Why a threshold cannot be used, naming its key in `[thresholds]`.
#[derive(Debug, Clone, PartialEq)]
pub enum ThresholdError {
    /// Not a finite number in the key's range.
    OutOfRange {
        key: &'static str,
        value: f64,
        wanted: &'static str,
    },
    /// A warning level at or above its critical level: the warning could never be seen.
    WarningNotBelowCritical {
        warning_key: &'static str,
        warning: f64,
        critical_key: &'static str,
        critical: f64,
    },
}

impl ThresholdError {
    /// The keys to blame, most likely first: where a pair is out of order, the warning, then
    /// the critical level (when only one of them is in the file, it is that one).
    pub fn keys(&self) -> Vec<&'static str> {
        match self {
            ThresholdError::OutOfRange { key, .. } => vec![key],
            ThresholdError::WarningNotBelowCritical {
                warning_key,
                critical_key,
                ..
            } => vec![warning_key, critical_key],
        }
    }
}

impl std::fmt::Display for ThresholdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ThresholdError::OutOfRange { key, value, wanted } => {
                write!(f, "{key} = {value} must be {wanted}")
            }
            ThresholdError::WarningNotBelowCritical {
                warning_key,
                warning,
                critical_key,
                critical,
            } => write!(
                f,
                "{warning_key} = {warning} must be below {critical_key} = {critical}, or the warning is never seen"
            ),
        }
    }
}

impl std::error::Error for ThresholdError {}

impl Thresholds {
    /// Every number finite and in its range, and each warning level below its critical level.
    pub fn validate(&self) -> Result<(), ThresholdError> {
        let ranges = [
            ("elt_delay_minutes", self.elt_delay_minutes, Bound::Positive),
            ("copy_errors", self.copy_errors as f64, Bound::AtLeastOne),
            (
                "storage_warning_percent",
                self.storage_warning_percent,
                Bound::Percent,
            ),
            (
                "storage_critical_percent",
                self.storage_critical_percent,
                Bound::Percent,
            ),
            (
                "wlm_queue_length",
                self.wlm_queue_length,
                Bound::NonNegative,
            ),
            (
                "query_failure_percent",
                self.query_failure_percent,
                Bound::Percent,
            ),
            (
                "table_skew_percent",
                self.table_skew_percent,
                Bound::NonNegative,
            ),
            (
                "integration_lag_warning_seconds",
                self.integration_lag_warning_seconds,
                Bound::Positive,
            ),
            (
                "integration_lag_critical_seconds",
                self.integration_lag_critical_seconds,
                Bound::Positive,
            ),
            (
                "export_max_age_hours",
                self.export_max_age_hours,
                Bound::Positive,
            ),
        ];
        for (key, value, bound) in ranges {
            if !bound.holds(value) {
                return Err(ThresholdError::OutOfRange {
                    key,
                    value,
                    wanted: bound.wanted(),
                });
            }
        }
        let pairs = [
            (
                ("storage_warning_percent", self.storage_warning_percent),
                ("storage_critical_percent", self.storage_critical_percent),
            ),
            (
                (
                    "integration_lag_warning_seconds",
                    self.integration_lag_warning_seconds,
                ),
                (
                    "integration_lag_critical_seconds",
                    self.integration_lag_critical_seconds,
                ),
            ),
        ];
        for ((warning_key, warning), (critical_key, critical)) in pairs {
            if warning >= critical {
                return Err(ThresholdError::WarningNotBelowCritical {
                    warning_key,
                    warning,
                    critical_key,
                    critical,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_defaults_are_valid() {
        assert_eq!(Thresholds::default().validate(), Ok(()));
    }

    #[test]
    fn nan_infinity_negatives_and_out_of_range_percentages_are_refused() {
        type Change = fn(&mut Thresholds);
        let cases: [(Change, &str); 7] = [
            (
                |t| t.storage_warning_percent = f64::NAN,
                "storage_warning_percent",
            ),
            (|t| t.elt_delay_minutes = f64::INFINITY, "elt_delay_minutes"),
            (|t| t.elt_delay_minutes = 0.0, "elt_delay_minutes"),
            (|t| t.wlm_queue_length = -1.0, "wlm_queue_length"),
            (|t| t.query_failure_percent = 150.0, "query_failure_percent"),
            (|t| t.copy_errors = 0, "copy_errors"),
            (|t| t.export_max_age_hours = -1.0, "export_max_age_hours"),
        ];
        for (change, key) in cases {
            let mut thresholds = Thresholds::default();
            change(&mut thresholds);
            let error = thresholds.validate().unwrap_err();
            assert!(
                matches!(error, ThresholdError::OutOfRange { key: k, .. } if k == key),
                "{error}"
            );
            assert_eq!(error.keys(), [key]);
        }
    }

    #[test]
    fn a_warning_at_or_above_its_critical_level_is_refused() {
        let mut thresholds = Thresholds {
            storage_warning_percent: 90.0,
            ..Thresholds::default()
        };
        let error = thresholds.validate().unwrap_err();
        assert_eq!(
            error.to_string(),
            "storage_warning_percent = 90 must be below storage_critical_percent = 90, or the warning is never seen"
        );
        assert_eq!(
            error.keys(),
            ["storage_warning_percent", "storage_critical_percent"]
        );
        thresholds.storage_warning_percent = 80.0;
        thresholds.integration_lag_critical_seconds = 600.0;
        assert!(matches!(
            thresholds.validate(),
            Err(ThresholdError::WarningNotBelowCritical {
                warning_key: "integration_lag_warning_seconds",
                ..
            })
        ));
    }
}
