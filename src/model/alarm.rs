use std::fmt;

use serde::Serialize;

use super::{Arn, Time};

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
    /// The tenant the alarm is about: the tenant of the account it lives in, or the one its
    /// `Tenant` dimension or name names.
    pub tenant: Option<String>,
    /// `Namespace/MetricName`, for metric alarms.
    pub metric: Option<String>,
    pub threshold: Option<f64>,
}

impl Alarm {
    /// The ARN's parts: an alarm's ARN is `arn:aws:cloudwatch:<region>:<account-id>:alarm:<name>`
    /// (<https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_TagResource.html>),
    /// so it says the account and region the alarm lives in.
    fn parsed_arn(&self) -> Option<Arn<'_>> {
        self.arn.as_deref().and_then(Arn::parse)
    }

    /// The account the alarm lives in: the central account's or a tenant's.
    pub fn account(&self) -> Option<&str> {
        self.parsed_arn()
            .map(|arn| arn.account)
            .filter(|account| !account.is_empty())
    }

    /// The region the alarm lives in.
    pub fn region(&self) -> Option<&str> {
        self.parsed_arn()
            .map(|arn| arn.region)
            .filter(|region| !region.is_empty())
    }

    /// What tells the alarm from a namesake in another account or region (seed 000 puts
    /// `aurora-export-failure` in every export tenant's account): its ARN, else its name.
    pub fn key(&self) -> &str {
        self.arn.as_deref().unwrap_or(&self.name)
    }
}

/// Every alarm read this time, and the accounts that could not be read.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AlarmsData {
    pub alarms: Vec<Alarm>,
    /// Tenant accounts whose alarms could not be read; their previous alarms are kept.
    pub failures: Vec<AccountFailure>,
}

impl AlarmsData {
    /// Alarms read in every account asked.
    pub fn read(alarms: Vec<Alarm>) -> Self {
        Self {
            alarms,
            failures: Vec::new(),
        }
    }
}

/// An account that could not be read (role denied, timeout …), with the tenants it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountFailure {
    pub account_id: String,
    pub tenants: Vec<String>,
    pub error: String,
}

/// One entry of an alarm's history (DescribeAlarmHistory): a state change or a configuration update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlarmHistoryItem {
    pub time: Time,
    /// `StateUpdate`, `ConfigurationUpdate`, `Action`.
    pub kind: String,
    pub summary: String,
}
