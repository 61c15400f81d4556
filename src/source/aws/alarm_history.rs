//! DescribeAlarmHistory for the alarm the user selected: fetched on demand, not on a timer, in
//! the account and region the alarm lives in (CloudWatch keeps an alarm's history with the
//! alarm: <https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarmHistory.html>).

use async_trait::async_trait;
use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::types::{AlarmType, ScanBy};

use super::credentials::Account;
use super::credentials::SignAs;
use super::error::describe;
use super::{Api, Aws, Key, Limiter, Scope, time};
use crate::model::{Alarm, AlarmHistoryItem, AlarmKind};
use crate::source::{AlarmHistory, SourceError};

pub struct CloudWatchAlarmHistory {
    /// The one client for every account: a call signs as the alarm's account.
    client: Client,
    /// The tenant accounts read with credentials of their own, by account id and region.
    accounts: Vec<TenantAccount>,
    limiter: Limiter,
}

struct TenantAccount {
    account_id: String,
    region: Option<String>,
    sign_as: SignAs,
    scope: Scope,
}

impl CloudWatchAlarmHistory {
    pub fn new(aws: &Aws, accounts: &[Account]) -> Self {
        Self {
            client: aws.cloudwatch(),
            accounts: accounts
                .iter()
                .filter(|account| account.own_credentials)
                .map(|account| TenantAccount {
                    account_id: account.account_id.clone(),
                    region: account.region.clone(),
                    sign_as: account.sign_as.clone(),
                    scope: account.scope.clone(),
                })
                .collect(),
            limiter: aws.limiter.clone(),
        }
    }

    /// Who signs for the alarm's account and region, and whose quota the call counts against: a
    /// tenant's for an alarm in a tenant's account, else the central one.
    fn sign_as(&self, alarm: &Alarm) -> (SignAs, Scope) {
        let in_account = |account: &&TenantAccount| {
            alarm.account() == Some(account.account_id.as_str())
                && (alarm.region().is_none() || alarm.region() == account.region.as_deref())
        };
        self.accounts
            .iter()
            .find(in_account)
            .map_or((SignAs::default(), Scope::central()), |account| {
                (account.sign_as.clone(), account.scope.clone())
            })
    }
}

#[async_trait]
impl AlarmHistory for CloudWatchAlarmHistory {
    async fn history(&self, alarm: &Alarm) -> Result<Vec<AlarmHistoryItem>, SourceError> {
        // Without AlarmTypes only a metric alarm's history is returned.
        let kind = match alarm.kind {
            AlarmKind::Metric => AlarmType::MetricAlarm,
            AlarmKind::Composite => AlarmType::CompositeAlarm,
        };
        let (sign_as, scope) = self.sign_as(alarm);
        let output = self
            .limiter
            .run(
                Key::new(&scope, Api::DescribeAlarmHistory),
                self.client
                    .describe_alarm_history()
                    .alarm_name(&alarm.name)
                    .alarm_types(kind)
                    .scan_by(ScanBy::TimestampDescending)
                    .max_records(50)
                    .customize()
                    .config_override(sign_as.cloudwatch())
                    .send(),
            )
            .await
            .map_err(|e| SourceError(describe(&e)))?;
        Ok(output
            .alarm_history_items()
            .iter()
            .filter_map(|item| {
                Some(AlarmHistoryItem {
                    time: item.timestamp().and_then(time)?,
                    kind: item
                        .history_item_type()
                        .map(|t| t.as_str().to_string())
                        .unwrap_or_default(),
                    summary: item.history_summary().unwrap_or_default().to_string(),
                })
            })
            .collect())
    }
}
