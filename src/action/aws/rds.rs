//! RDS in a tenant's account: a manual snapshot, then its export to S3 (the design's export Lambda).

use std::time::Duration;

use aws_sdk_rds::Client;

use crate::action::{ApplyError, Progress};
use crate::source::aws::SignAs;
use crate::source::aws::error::describe;

/// Creates a manual cluster snapshot and waits until it is available; returns its ARN.
pub async fn snapshot(
    client: &Client,
    sign_as: &SignAs,
    cluster: &str,
    snapshot_id: &str,
    progress: &Progress,
    patience: Duration,
) -> Result<String, ApplyError> {
    let created = client
        .create_db_cluster_snapshot()
        .db_cluster_identifier(cluster)
        .db_cluster_snapshot_identifier(snapshot_id)
        .tags(
            aws_sdk_rds::types::Tag::builder()
                .key("CreatedBy")
                .value("shiftops")
                .build(),
        )
        .customize()
        .config_override(sign_as.rds())
        .send()
        .await
        .map_err(|e| super::change_error(&e))?;
    let arn = created
        .db_cluster_snapshot()
        .and_then(|s| s.db_cluster_snapshot_arn())
        .map(str::to_string)
        .ok_or("CreateDBClusterSnapshot returned no ARN")?;
    let deadline = tokio::time::Instant::now() + patience;
    let mut pause = Duration::from_millis(200);
    loop {
        let described = client
            .describe_db_cluster_snapshots()
            .db_cluster_snapshot_identifier(snapshot_id)
            .customize()
            .config_override(sign_as.rds())
            .send()
            .await
            .map_err(|e| {
                ApplyError::NotDone(format!(
                    "snapshot {snapshot_id} was created, then: {}",
                    describe(&e)
                ))
            })?;
        let snapshot = described.db_cluster_snapshots().first();
        let status = snapshot.and_then(|s| s.status()).unwrap_or("unknown");
        let percent = snapshot.and_then(|s| s.percent_progress()).unwrap_or(0);
        let _ = progress.send(format!("snapshot {snapshot_id}: {status} {percent}%"));
        if status == "available" {
            return Ok(arn);
        }
        if matches!(status, "failed" | "deleted" | "incompatible-restore") {
            return Err(ApplyError::NotDone(format!(
                "snapshot {snapshot_id} is {status}"
            )));
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(ApplyError::NotDone(format!(
                "snapshot {snapshot_id} still {status} after {}s: no export was started",
                patience.as_secs()
            )));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(15));
    }
}

pub struct ExportTarget<'a> {
    pub bucket: &'a str,
    pub prefix: &'a str,
    pub iam_role_arn: &'a str,
    pub kms_key_id: &'a str,
}

/// StartExportTask, then follows DescribeExportTasks for a while; returns the last status.
pub async fn export(
    client: &Client,
    sign_as: &SignAs,
    task_id: &str,
    snapshot_arn: &str,
    target: &ExportTarget<'_>,
    progress: &Progress,
    patience: Duration,
) -> Result<String, ApplyError> {
    client
        .start_export_task()
        .export_task_identifier(task_id)
        .source_arn(snapshot_arn)
        .s3_bucket_name(target.bucket)
        .set_s3_prefix((!target.prefix.is_empty()).then(|| target.prefix.to_string()))
        .iam_role_arn(target.iam_role_arn)
        .kms_key_id(target.kms_key_id)
        .customize()
        .config_override(sign_as.rds())
        .send()
        .await
        .map_err(|e| super::change_error(&e))?;
    let deadline = tokio::time::Instant::now() + patience;
    loop {
        let described = client
            .describe_export_tasks()
            .export_task_identifier(task_id)
            .customize()
            .config_override(sign_as.rds())
            .send()
            .await
            .map_err(|e| {
                ApplyError::Unknown(format!(
                    "export {task_id} was started, then its status could not be read: {}",
                    describe(&e)
                ))
            })?;
        let task = described.export_tasks().first();
        let status = task
            .and_then(|t| t.status())
            .unwrap_or("unknown")
            .to_ascii_uppercase();
        let percent = task.and_then(|t| t.percent_progress()).unwrap_or(0);
        let _ = progress.send(format!("export {task_id}: {status} {percent}%"));
        match status.as_str() {
            "COMPLETE" => return Ok(status),
            "FAILED" | "CANCELED" => {
                let cause = task
                    .and_then(|t| t.failure_cause())
                    .unwrap_or("no cause given");
                return Err(ApplyError::NotDone(format!(
                    "export {task_id} {status}: {cause}"
                )));
            }
            // Exports run for many minutes: once it is under way the tenant view follows it.
            _ if tokio::time::Instant::now() >= deadline => return Ok(status),
            _ => tokio::time::sleep(Duration::from_secs(2)).await,
        }
    }
}
