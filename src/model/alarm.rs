use std::fmt;

use serde::Serialize;

use super::Time;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AlarmState {
    Ok,
    Alarm,
    InsufficientData,
}

impl AlarmState {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "OK" => Some(Self::Ok),
            "ALARM" => Some(Self::Alarm),
            "INSUFFICIENT_DATA" => Some(Self::InsufficientData),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "OK",
            Self::Alarm => "ALARM",
            Self::InsufficientData => "INSUFFICIENT_DATA",
        }
    }
}

impl fmt::Display for AlarmState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlarmKind {
    Metric,
    Composite,
}

/// A CloudWatch alarm.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alarm {
    pub name: String,
    /// Its ARN (DescribeAlarms' `AlarmArn`), for its console URL and the copy keys.
    pub arn: Option<String>,
    pub kind: AlarmKind,
    pub state: AlarmState,
    pub reason: String,
    /// When the alarm entered its current state.
    pub since: Time,
    /// The tenant the alarm is about, from its `Tenant` dimension, when it has one.
    pub tenant: Option<String>,
    /// `Namespace/MetricName`, for metric alarms.
    pub metric: Option<String>,
    pub threshold: Option<f64>,
}

/// One entry of an alarm's history (DescribeAlarmHistory): a state change or a configuration update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlarmHistoryItem {
    pub time: Time,
    /// `StateUpdate`, `ConfigurationUpdate`, `Action`.
    pub kind: String,
    pub summary: String,
}
