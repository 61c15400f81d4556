//! CloudWatch Logs Insights on the audit log groups that hold errors (the connection log's
//! authentication failures), and on the deprecated `log_group` (its ERROR lines). Failed queries
//! are not here: Redshift writes them to SYS_QUERY_HISTORY, which the warehouse source reads.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::types::QueryStatus;
use chrono::NaiveDateTime;

use super::error::describe;
use super::{Api, Aws, Key, Limiter};
use crate::config::Config;
use crate::model::{LogEvent, SourceData, SourceId};
use crate::source::{Source, SourceError};

/// The connection log's failed logins: its `event` is "authentication failure" for them
/// (https://docs.aws.amazon.com/redshift/latest/dg/r_STL_CONNECTION_LOG.html); connections and
/// disconnections are not errors.
pub const AUTHENTICATION_FAILURES: &str = "fields @timestamp, @message | filter @message like 'authentication failure' | sort @timestamp desc | limit 20";

/// The deprecated `log_group`'s query (the seed dashboard's "Redshift Error Logs" widget).
pub const ERROR_QUERY: &str =
    "fields @timestamp, @message | filter @message like 'ERROR' | sort @timestamp desc | limit 20";

/// StartQuery takes "up to 50 log groups" in `logGroupNames`
/// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartQuery.html).
pub const MAX_GROUPS_PER_QUERY: usize = 50;

/// The lines shown, newest first.
const SHOWN: usize = 20;

/// One Logs Insights query over some log groups.
#[derive(Debug, Clone, PartialEq)]
pub struct LogQuery {
    pub groups: Vec<String>,
    pub query: &'static str,
}

/// What the config asks to be read: the audit log groups of every warehouse in one query (by 50),
/// and each deprecated `log_group` with its own ERROR query. Empty when nothing is configured.
pub fn queries(config: &Config) -> Vec<LogQuery> {
    let warehouses = config.all_warehouses();
    let audit = distinct(warehouses.iter().flat_map(|w| w.audit_log_groups()));
    let mut queries: Vec<LogQuery> = audit
        .chunks(MAX_GROUPS_PER_QUERY)
        .map(|groups| LogQuery {
            groups: groups.to_vec(),
            query: AUTHENTICATION_FAILURES,
        })
        .collect();
    let legacy = distinct(warehouses.iter().filter_map(|w| w.log_group.clone()));
    queries.extend(legacy.chunks(MAX_GROUPS_PER_QUERY).map(|groups| LogQuery {
        groups: groups.to_vec(),
        query: ERROR_QUERY,
    }));
    queries
}

/// Each name once, in the config's order.
fn distinct(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = Vec::new();
    for name in names {
        if !seen.contains(&name) {
            seen.push(name);
        }
    }
    seen
}

/// Whether a log group of exactly this name exists (DescribeLogGroups matches by prefix); or the
/// error, and whether it was a denial.
pub async fn log_group_exists(aws: &Aws, name: &str) -> Result<bool, (String, bool)> {
    let client = aws.logs();
    let mut next: Option<String> = None;
    loop {
        let output = aws
            .limiter
            .run(
                Key::central(Api::DescribeLogGroups),
                client
                    .describe_log_groups()
                    .log_group_name_prefix(name)
                    .set_next_token(next.take())
                    .send(),
            )
            .await
            .map_err(|e| (describe(&e), super::error::is_access_denied(&e)))?;
        if output
            .log_groups()
            .iter()
            .any(|g| g.log_group_name() == Some(name))
        {
            return Ok(true);
        }
        match output.next_token() {
            Some(token) if !token.is_empty() => next = Some(token.to_string()),
            _ => return Ok(false),
        }
    }
}

pub struct LogsSource {
    client: Client,
    limiter: Limiter,
    queries: Vec<LogQuery>,
    interval: Duration,
}

impl LogsSource {
    pub fn new(aws: &Aws, queries: Vec<LogQuery>, interval: Duration) -> Self {
        Self {
            client: aws.logs(),
            limiter: aws.limiter.clone(),
            queries,
            interval,
        }
    }

    /// One query to the end: its lines, or why not.
    async fn run(&self, query: &LogQuery) -> Result<Vec<LogEvent>, SourceError> {
        let end = chrono::Utc::now();
        let start = end - chrono::Duration::hours(24);
        let started = self
            .limiter
            .run(
                Key::central(Api::StartQuery),
                self.client
                    .start_query()
                    .set_log_group_names(Some(query.groups.clone()))
                    .start_time(start.timestamp())
                    .end_time(end.timestamp())
                    .query_string(query.query)
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
                .run(
                    Key::central(Api::GetQueryResults),
                    self.client.get_query_results().query_id(query_id).send(),
                )
                .await
                .map_err(|e| SourceError(describe(&e)))?;
            match output.status() {
                Some(QueryStatus::Complete) => {
                    return Ok(output
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
                        .collect());
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

#[async_trait]
impl Source for LogsSource {
    fn id(&self) -> SourceId {
        SourceId::Logs
    }

    fn interval(&self) -> Duration {
        self.interval
    }

    async fn fetch(&self) -> Result<SourceData, SourceError> {
        let answers =
            futures_util::future::join_all(self.queries.iter().map(|q| self.run(q))).await;
        let mut lines = Vec::new();
        for answer in answers {
            lines.extend(answer?);
        }
        lines.sort_by(|a, b| b.time.cmp(&a.time).then_with(|| a.message.cmp(&b.message)));
        lines.truncate(SHOWN);
        Ok(SourceData::Logs(lines))
    }
}

/// Logs Insights writes `@timestamp` as `2026-11-21 06:00:00.000`, in UTC.
fn parse_time(text: &str) -> Option<crate::model::Time> {
    NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_groups_share_one_query_and_the_old_log_group_keeps_its_own() {
        let config = Config::parse(
            "config.toml",
            r#"
[[warehouses]]
name = "wg"
workgroup = "wg"
namespace = "analytics"
roles = ["integrations"]
audit_logs = true
[[warehouses]]
name = "dpc"
cluster_identifier = "dpc"
db_user = "u"
roles = ["elt", "wlm", "storage"]
audit_logs = true
log_group = "/old/group"
"#,
        )
        .unwrap();
        assert_eq!(
            queries(&config),
            [
                LogQuery {
                    groups: vec![
                        "/aws/redshift/analytics/connectionlog".into(),
                        "/aws/redshift/cluster/dpc/connectionlog".into()
                    ],
                    query: AUTHENTICATION_FAILURES,
                },
                LogQuery {
                    groups: vec!["/old/group".into()],
                    query: ERROR_QUERY,
                },
            ]
        );
        let none = Config::parse("config.toml", "[redshift]\nworkgroup = \"wg\"\n").unwrap();
        assert!(queries(&none).is_empty(), "nothing guessed");
    }

    #[test]
    fn more_than_50_audit_groups_take_a_second_query() {
        let groups: Vec<String> = (0..51)
            .map(|i| format!("\"/g/{i}/connectionlog\""))
            .collect();
        let text = format!(
            "[redshift]\nworkgroup = \"wg\"\naudit_log_groups = [{}]\n",
            groups.join(", ")
        );
        let config = Config::parse("config.toml", &text).unwrap();
        let sizes: Vec<usize> = queries(&config).iter().map(|q| q.groups.len()).collect();
        assert_eq!(sizes, [MAX_GROUPS_PER_QUERY, 1]);
    }

    #[test]
    fn logs_insights_timestamps_are_utc() {
        assert_eq!(
            parse_time("2026-11-21 06:00:00.000").unwrap().to_rfc3339(),
            "2026-11-21T06:00:00+00:00"
        );
        assert!(parse_time("yesterday").is_none());
    }
}
