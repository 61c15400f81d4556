//! CloudWatch Logs Insights on the warehouse's log group: the seed dashboard's
//! "Redshift Error Logs" widget, shown as the Error log panel.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::types::QueryStatus;
use chrono::NaiveDateTime;

use super::error::describe;
use super::{Aws, Limiter};
use crate::model::{LogEvent, SourceData, SourceId};
use crate::source::{Source, SourceError};

/// The dashboard widget's query.
pub const ERROR_QUERY: &str =
    "fields @timestamp, @message | filter @message like 'ERROR' | sort @timestamp desc | limit 20";

pub struct LogsSource {
    client: Client,
    limiter: Limiter,
    log_group: String,
    interval: Duration,
}

impl LogsSource {
    pub fn new(aws: &Aws, log_group: String, interval: Duration) -> Self {
        Self {
            client: aws.logs(),
            limiter: aws.limiter.clone(),
            log_group,
            interval,
        }
    }
}

#[async_trait]
impl Source for LogsSource {
    fn id(&self) -> SourceId {
        SourceId::Logs
    }

    fn interval(&self) -> Duration {
        self.interval
    }

    async fn fetch(&self) -> Result<SourceData, SourceError> {
        let end = chrono::Utc::now();
        let start = end - chrono::Duration::hours(24);
        let started = self
            .limiter
            .run(
                self.client
                    .start_query()
                    .log_group_name(&self.log_group)
                    .start_time(start.timestamp())
                    .end_time(end.timestamp())
                    .query_string(ERROR_QUERY)
                    .send(),
            )
            .await
            .map_err(|e| SourceError(describe(&e)))?;
        let query_id = started
            .query_id()
            .ok_or_else(|| SourceError("StartQuery returned no query id".into()))?;
        let mut pause = Duration::from_millis(50);
        loop {
            let output = self
                .limiter
                .run(self.client.get_query_results().query_id(query_id).send())
                .await
                .map_err(|e| SourceError(describe(&e)))?;
            match output.status() {
                Some(QueryStatus::Complete) => {
                    let mut lines: Vec<LogEvent> = output
                        .results()
                        .iter()
                        .filter_map(|fields| {
                            let field = |name: &str| {
                                fields
                                    .iter()
                                    .find(|f| f.field() == Some(name))
                                    .and_then(|f| f.value())
                            };
                            Some(LogEvent {
                                time: parse_time(field("@timestamp")?)?,
                                message: field("@message")?.trim_end().to_string(),
                            })
                        })
                        .collect();
                    lines.sort_by_key(|l| std::cmp::Reverse(l.time));
                    return Ok(SourceData::Logs(lines));
                }
                Some(QueryStatus::Failed | QueryStatus::Cancelled | QueryStatus::Timeout) => {
                    return Err(SourceError(format!(
                        "Logs Insights query {}",
                        output.status().map(|s| s.as_str()).unwrap_or("failed")
                    )));
                }
                _ => {}
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(1));
        }
    }
}

/// Logs Insights writes `@timestamp` as `2026-11-21 06:00:00.000`, in UTC.
fn parse_time(text: &str) -> Option<crate::model::Time> {
    NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc())
}
