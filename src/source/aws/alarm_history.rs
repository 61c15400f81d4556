//! DescribeAlarmHistory for the alarm the user selected: fetched on demand, not on a timer.

use async_trait::async_trait;
use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::types::{AlarmType, ScanBy};

use super::error::describe;
use super::{Aws, Limiter, time};
use crate::model::AlarmHistoryItem;
use crate::source::{AlarmHistory, SourceError};

pub struct CloudWatchAlarmHistory {
    client: Client,
    limiter: Limiter,
}

impl CloudWatchAlarmHistory {
    pub fn new(aws: &Aws) -> Self {
        Self {
            client: aws.cloudwatch(),
            limiter: aws.limiter.clone(),
        }
    }
}

#[async_trait]
impl AlarmHistory for CloudWatchAlarmHistory {
    async fn history(&self, alarm: &str) -> Result<Vec<AlarmHistoryItem>, SourceError> {
        let output = self
            .limiter
            .run(
                self.client
                    .describe_alarm_history()
                    .alarm_name(alarm)
                    // Without AlarmTypes, "only metric alarms are returned": a composite alarm's
                    // history would read as empty
                    // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarmHistory.html).
                    .alarm_types(AlarmType::MetricAlarm)
                    .alarm_types(AlarmType::CompositeAlarm)
                    .scan_by(ScanBy::TimestampDescending)
                    .max_records(50)
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
