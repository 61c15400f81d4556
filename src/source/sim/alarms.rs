//! CloudWatch alarms, evaluated by the simulation on its own datapoints with the seeds' conditions,
//! so what an alarm says always agrees with the metrics the console draws.

use crate::model::{Alarm, AlarmHistoryItem, AlarmKind, AlarmState, Time};

/// The datapoints an alarm watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signal {
    EltDelay,
    /// The sum over tenants of CopyErrorCount.
    CopyErrors,
    Storage,
    BatchQueueLength,
    QueryFailure,
    /// Errors of the snapshot-export Lambda.
    ExportLambdaErrors,
    /// Errors of the COPY orchestrator Lambda.
    CopyLambdaErrors,
    /// The largest IntegrationLag of any integration.
    IntegrationLag,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Comparison {
    GreaterThan,
    GreaterThanOrEqual,
}

/// An alarm's definition: seed 001's five alerts, seed 000's two Lambda alarms, and one on
/// Zero-ETL lag at the health rules' warning threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct AlarmRule {
    pub name: &'static str,
    /// `Namespace/MetricName`.
    pub metric: &'static str,
    pub threshold: f64,
    comparison: Comparison,
    /// How many consecutive one-minute datapoints must breach.
    pub datapoints: usize,
    pub signal: Signal,
}

pub(crate) const RULES: [AlarmRule; 8] = [
    AlarmRule {
        name: "Alert-ELT-Delay",
        metric: "Custom/DPC/ELTExecutionDelay",
        threshold: 90.0,
        comparison: Comparison::GreaterThan,
        datapoints: 2,
        signal: Signal::EltDelay,
    },
    AlarmRule {
        name: "Alert-COPY-Error",
        metric: "Custom/DPC/CopyErrorCount",
        threshold: 1.0,
        comparison: Comparison::GreaterThanOrEqual,
        datapoints: 1,
        signal: Signal::CopyErrors,
    },
    AlarmRule {
        name: "Alert-Storage-High",
        metric: "AWS/Redshift/PercentageDiskSpaceUsed",
        threshold: 80.0,
        comparison: Comparison::GreaterThan,
        datapoints: 3,
        signal: Signal::Storage,
    },
    AlarmRule {
        name: "Alert-WLM-Queue",
        metric: "AWS/Redshift/WLMQueueLength",
        threshold: 10.0,
        comparison: Comparison::GreaterThan,
        datapoints: 10,
        signal: Signal::BatchQueueLength,
    },
    AlarmRule {
        name: "Alert-Query-Failure",
        metric: "AWS/Redshift/WLMRejectedQueries",
        threshold: 5.0,
        comparison: Comparison::GreaterThan,
        datapoints: 1,
        signal: Signal::QueryFailure,
    },
    AlarmRule {
        name: "aurora-export-failure",
        metric: "AWS/Lambda/Errors",
        threshold: 1.0,
        comparison: Comparison::GreaterThanOrEqual,
        datapoints: 1,
        signal: Signal::ExportLambdaErrors,
    },
    AlarmRule {
        name: "redshift-copy-failure",
        metric: "AWS/Lambda/Errors",
        threshold: 1.0,
        comparison: Comparison::GreaterThanOrEqual,
        datapoints: 1,
        signal: Signal::CopyLambdaErrors,
    },
    AlarmRule {
        name: "Alert-Integration-Lag",
        metric: "AWS/Redshift/IntegrationLag",
        threshold: 900.0,
        comparison: Comparison::GreaterThan,
        datapoints: 1,
        signal: Signal::IntegrationLag,
    },
];

impl AlarmRule {
    fn breaches(&self, value: f64) -> bool {
        match self.comparison {
            Comparison::GreaterThan => value > self.threshold,
            Comparison::GreaterThanOrEqual => value >= self.threshold,
        }
    }

    fn relation(&self) -> &'static str {
        match self.comparison {
            Comparison::GreaterThan => "greater than",
            Comparison::GreaterThanOrEqual => "greater than or equal to",
        }
    }

    /// A state reason worded like CloudWatch's.
    fn reason(&self, values: &[f64], breaching: bool) -> String {
        let relation = self.relation();
        let threshold = self.threshold;
        if breaching {
            let listed: Vec<String> = values.iter().map(|v| format!("{v:.1}")).collect();
            let (noun, verb) = if values.len() == 1 {
                ("datapoint", "was")
            } else {
                ("datapoints", "were")
            };
            format!(
                "Threshold Crossed: {} {noun} [{}] {verb} {relation} the threshold ({threshold:.1}).",
                values.len(),
                listed.join(", ")
            )
        } else {
            let calm = values
                .iter()
                .rev()
                .find(|v| !self.breaches(**v))
                .copied()
                .unwrap_or_default();
            format!(
                "Threshold Crossed: 1 datapoint [{calm:.1}] was not {relation} the threshold ({threshold:.1})."
            )
        }
    }
}

/// What an alarm sees at one evaluation.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Reading {
    /// The newest datapoints, oldest first, at most the rule's `datapoints`.
    pub values: Vec<f64>,
    /// The tenants whose data breaches, so an alarm caused by one tenant can name it.
    pub culprits: Vec<String>,
}

/// The simulated alarms live in the warehouse's account and Region, like the ELT's executions.
const ALARM_ARN_PREFIX: &str = "arn:aws:cloudwatch:us-east-1:999999999999:alarm:";

/// One alarm's state as the simulation keeps it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SimAlarm {
    pub rule: AlarmRule,
    /// `None` until the first evaluation.
    state: Option<AlarmState>,
    since: Time,
    reason: String,
    tenant: Option<String>,
    /// State changes, oldest first, as DescribeAlarmHistory would list them.
    history: Vec<AlarmHistoryItem>,
}

impl SimAlarm {
    /// An alarm that has been quiet since `quiet_since`, as far as anyone remembers.
    pub(crate) fn new(rule: AlarmRule, quiet_since: Time) -> Self {
        Self {
            rule,
            state: None,
            since: quiet_since,
            reason: String::new(),
            tenant: None,
            history: Vec::new(),
        }
    }

    /// Evaluates the alarm at `at`. When the very first evaluation already breaches, the incident
    /// predates the generated history and `began_at` (when it began) dates the transition.
    pub(crate) fn evaluate(&mut self, at: Time, reading: &Reading, began_at: Option<Time>) {
        if reading.values.len() < self.rule.datapoints {
            return;
        }
        let breaching = reading.values.iter().all(|v| self.rule.breaches(*v));
        let state = if breaching {
            AlarmState::Alarm
        } else {
            AlarmState::Ok
        };
        if self.state == Some(state) {
            return;
        }
        self.since = match (self.state, state) {
            (None, AlarmState::Alarm) => began_at.filter(|b| *b < at).unwrap_or(at),
            (None, _) => self.since,
            _ => at,
        };
        let from = self.state.unwrap_or(AlarmState::InsufficientData);
        self.state = Some(state);
        self.reason = self.rule.reason(&reading.values, breaching);
        self.history.push(AlarmHistoryItem {
            time: self.since,
            kind: "StateUpdate".into(),
            summary: format!("Alarm updated from {from} to {state}: {}", self.reason),
        });
        // A day of transitions is plenty to read, and keeps a long-running demo's memory flat.
        let oldest = at - chrono::Duration::days(1);
        if self.history.len() > 50 {
            self.history.retain(|item| item.time >= oldest);
        }
        self.tenant = match reading.culprits.as_slice() {
            [only] if breaching => Some(only.clone()),
            _ => None,
        };
    }

    /// The history, newest first.
    pub(crate) fn history(&self) -> Vec<AlarmHistoryItem> {
        self.history.iter().rev().cloned().collect()
    }

    pub(crate) fn state(&self) -> AlarmState {
        self.state.unwrap_or(AlarmState::InsufficientData)
    }

    pub(crate) fn to_model(&self) -> Alarm {
        Alarm {
            name: self.rule.name.to_string(),
            arn: Some(format!("{ALARM_ARN_PREFIX}{}", self.rule.name)),
            kind: AlarmKind::Metric,
            state: self.state(),
            reason: if self.state.is_some() {
                self.reason.clone()
            } else {
                "Insufficient Data: no datapoints were received yet.".into()
            },
            since: self.since,
            tenant: self.tenant.clone(),
            metric: Some(self.rule.metric.to_string()),
            threshold: Some(self.rule.threshold),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(minute: u32) -> Time {
        chrono::Utc
            .with_ymd_and_hms(2026, 11, 21, 6, minute, 0)
            .unwrap()
    }

    fn reading(values: &[f64], culprits: &[&str]) -> Reading {
        Reading {
            values: values.to_vec(),
            culprits: culprits.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn breaching_every_datapoint_raises_the_alarm_with_a_cloudwatch_reason() {
        let mut alarm = SimAlarm::new(RULES[0], at(0));
        alarm.evaluate(at(1), &reading(&[80.0, 85.0], &[]), None);
        assert_eq!(alarm.state(), AlarmState::Ok);
        assert_eq!(
            alarm.to_model().since,
            at(0),
            "quiet since before the history"
        );
        alarm.evaluate(at(2), &reading(&[85.0, 95.0], &[]), None);
        assert_eq!(alarm.state(), AlarmState::Ok, "one datapoint is not enough");
        alarm.evaluate(at(3), &reading(&[95.0, 97.0], &[]), None);
        let model = alarm.to_model();
        assert_eq!(model.state, AlarmState::Alarm);
        assert_eq!(model.since, at(3));
        assert_eq!(
            model.reason,
            "Threshold Crossed: 2 datapoints [95.0, 97.0] were greater than the threshold (90.0)."
        );
        alarm.evaluate(at(4), &reading(&[97.0, 12.0], &[]), None);
        let model = alarm.to_model();
        assert_eq!(model.state, AlarmState::Ok);
        assert_eq!(model.since, at(4));
        assert_eq!(
            model.reason,
            "Threshold Crossed: 1 datapoint [12.0] was not greater than the threshold (90.0)."
        );
    }

    #[test]
    fn an_alarm_caused_by_one_tenant_names_it() {
        let mut alarm = SimAlarm::new(RULES[1], at(0));
        alarm.evaluate(at(1), &reading(&[4.0], &["tenant_b"]), Some(at(0)));
        let model = alarm.to_model();
        assert_eq!(model.tenant.as_deref(), Some("tenant_b"));
        assert_eq!(
            model.since,
            at(0),
            "the incident predates the first evaluation"
        );
        assert_eq!(
            model.reason,
            "Threshold Crossed: 1 datapoint [4.0] was greater than or equal to the threshold (1.0)."
        );
        let mut shared = SimAlarm::new(RULES[1], at(0));
        shared.evaluate(at(1), &reading(&[2.0], &["tenant_b", "tenant_0005"]), None);
        assert_eq!(shared.to_model().tenant, None);
    }
}
