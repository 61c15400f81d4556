//! RDS in each tenant's account: integrations, clusters, export tasks and snapshots.
//! Calls are per account, never per tenant; an account that fails marks only its own tenants.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_rds::Client;
use futures_util::future::join_all;

use super::credentials::Account;
use super::error::describe;
use super::{Api, Aws, Key, Limiter, time};
use crate::model::{
    ClusterState, ExportStatus, ExportTask, Ingest, IntegrationState, IntegrationStatus, RdsData,
    SnapshotInfo, SourceData, SourceId, Tenant, TenantFailure, integration_id_from_arn,
};
use crate::source::{Source, SourceError};

/// Records per page of every Describe call (the most RDS returns).
const PAGE: i32 = 100;

pub struct RdsSource {
    accounts: Vec<(Account, Client)>,
    limiter: Limiter,
    interval: Duration,
}

impl RdsSource {
    pub fn new(aws: &Aws, accounts: Vec<Account>, interval: Duration) -> Self {
        let accounts = accounts
            .into_iter()
            .map(|account| {
                let client = aws.rds(&account.config);
                (account, client)
            })
            .collect();
        Self {
            accounts,
            limiter: aws.limiter.clone(),
            interval,
        }
    }
}

#[async_trait]
impl Source for RdsSource {
    fn id(&self) -> SourceId {
        SourceId::Rds
    }

    fn interval(&self) -> Duration {
        self.interval
    }

    async fn fetch(&self) -> Result<SourceData, SourceError> {
        let results = join_all(
            self.accounts
                .iter()
                .map(|(account, client)| read_account(account, client, &self.limiter)),
        )
        .await;
        let mut data = RdsData::default();
        for (result, (account, _)) in results.into_iter().zip(&self.accounts) {
            match result {
                Ok(part) => {
                    data.integrations.extend(part.integrations);
                    data.clusters.extend(part.clusters);
                    data.exports.extend(part.exports);
                    data.snapshots.extend(part.snapshots);
                }
                Err(error) => data
                    .failures
                    .extend(account.tenants.iter().map(|t| TenantFailure {
                        tenant: t.name.clone(),
                        error: format!("{} ({}): {error}", account.account_id, account.via),
                    })),
            }
        }
        if data.failures.len()
            == self
                .accounts
                .iter()
                .map(|(a, _)| a.tenants.len())
                .sum::<usize>()
            && !data.failures.is_empty()
        {
            // Nothing could be read at all: say so as the source's error.
            return Err(SourceError(data.failures[0].error.clone()));
        }
        Ok(SourceData::Rds(data))
    }
}

/// At most three calls an account, whatever its number of tenants: clusters, then integrations
/// and/or export tasks (which also name the snapshots exported), depending on its tenants' paths.
async fn read_account(
    account: &Account,
    client: &Client,
    limiter: &Limiter,
) -> Result<RdsData, String> {
    let tenants = &account.tenants;
    let mut data = RdsData::default();

    // Every call reads pages of 100 records: one call an account up to 100 tenants.
    let mut clusters = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = limiter
            .run(
                Key::new(&account.scope, Api::Rds),
                client
                    .describe_db_clusters()
                    .max_records(PAGE)
                    .set_marker(marker.take())
                    .send(),
            )
            .await
            .map_err(|e| describe(&e))?;
        clusters.extend(page.db_clusters().iter().cloned());
        match page.marker() {
            Some(m) if !m.is_empty() => marker = Some(m.to_string()),
            _ => break,
        }
    }
    for cluster in &clusters {
        let Some(id) = cluster.db_cluster_identifier() else {
            continue;
        };
        if let Some(tenant) = tenants.iter().find(|t| t.cluster_identifier == id) {
            data.clusters.push(ClusterState {
                tenant: tenant.name.clone(),
                identifier: id.to_string(),
                arn: cluster.db_cluster_arn().map(str::to_string),
                status: cluster.status().unwrap_or("unknown").to_string(),
                engine_version: cluster.engine_version().unwrap_or_default().to_string(),
                parameter_group: cluster
                    .db_cluster_parameter_group()
                    .unwrap_or_default()
                    .to_string(),
            });
        }
    }

    if tenants
        .iter()
        .any(|t| matches!(t.ingest, Ingest::ZeroEtl { .. }))
    {
        let mut integrations = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let page = limiter
                .run(
                    Key::new(&account.scope, Api::Rds),
                    client
                        .describe_integrations()
                        .max_records(PAGE)
                        .set_marker(marker.take())
                        .send(),
                )
                .await
                .map_err(|e| describe(&e))?;
            integrations.extend(page.integrations().iter().cloned());
            match page.marker() {
                Some(m) if !m.is_empty() => marker = Some(m.to_string()),
                _ => break,
            }
        }
        for integration in &integrations {
            let name = integration.integration_name().unwrap_or_default();
            let Some(tenant) = tenants
                .iter()
                .find(|t| t.ingest.integration() == Some(name))
            else {
                continue;
            };
            let arn = integration.integration_arn().unwrap_or_default();
            data.integrations.push(IntegrationState {
                tenant: tenant.name.clone(),
                name: name.to_string(),
                id: integration_id_from_arn(arn).to_string(),
                status: IntegrationStatus::parse(
                    integration
                        .status()
                        .map(|s| s.as_str())
                        .unwrap_or("unknown"),
                ),
                errors: integration
                    .errors()
                    .iter()
                    .map(|e| {
                        let code = e.error_code().unwrap_or("error");
                        match e.error_message() {
                            Some(message) => format!("{code}: {message}"),
                            None => code.to_string(),
                        }
                    })
                    .collect(),
                created_at: integration.create_time().and_then(time),
            });
        }
    }

    let export_tenants: Vec<&Tenant> = tenants
        .iter()
        .filter(|t| matches!(t.ingest, Ingest::Export { .. }))
        .collect();
    if !export_tenants.is_empty() {
        // The snapshots come from the export tasks themselves (SourceArn, SnapshotTime), not
        // from DescribeDBClusterSnapshots: one call less per account, three at most in all.
        let mut tasks = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let page = limiter
                .run(
                    Key::new(&account.scope, Api::Rds),
                    client
                        .describe_export_tasks()
                        .max_records(PAGE)
                        .set_marker(marker.take())
                        .send(),
                )
                .await
                .map_err(|e| describe(&e))?;
            tasks.extend(page.export_tasks().iter().cloned());
            match page.marker() {
                Some(m) if !m.is_empty() => marker = Some(m.to_string()),
                _ => break,
            }
        }
        for task in &tasks {
            let Some(tenant) = export_tenants
                .iter()
                .find(|t| exported_by(t, task.s3_bucket(), task.s3_prefix()))
            else {
                continue;
            };
            let source = task.source_arn().unwrap_or_default();
            if !source.is_empty() && !data.snapshots.iter().any(|s| s.id == snapshot_id(source)) {
                data.snapshots.push(SnapshotInfo {
                    tenant: tenant.name.clone(),
                    id: snapshot_id(source).to_string(),
                    // RDS exports only an available snapshot.
                    status: "available".to_string(),
                    created_at: task.snapshot_time().and_then(time),
                });
            }
            data.exports.push(ExportTask {
                tenant: tenant.name.clone(),
                id: task
                    .export_task_identifier()
                    .unwrap_or_default()
                    .to_string(),
                // Its name, as the snapshot list, the demo and the docs give it: the task's
                // SourceArn is "The Amazon Resource Name (ARN) of the snapshot exported"
                // (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ExportTask.html).
                snapshot: snapshot_id(source).to_string(),
                status: ExportStatus::parse(task.status().unwrap_or("unknown")),
                percent_progress: task.percent_progress().unwrap_or(0).clamp(0, 100) as u8,
                started_at: task.task_start_time().and_then(time),
                finished_at: task.task_end_time().and_then(time),
                failure_cause: task.failure_cause().map(str::to_string),
            });
        }
    }
    Ok(data)
}

/// `tenant-b-mysql-snapshot-20261121-021500` of `arn:aws:rds:…:cluster-snapshot:tenant-b-…`.
fn snapshot_id(source_arn: &str) -> &str {
    source_arn.rsplit(':').next().unwrap_or(source_arn)
}

/// An export task belongs to the tenant whose bucket (and prefix, if set) it writes to.
fn exported_by(tenant: &Tenant, bucket: Option<&str>, prefix: Option<&str>) -> bool {
    let Ingest::Export {
        bucket: tenant_bucket,
        prefix: tenant_prefix,
    } = &tenant.ingest
    else {
        return false;
    };
    bucket == Some(tenant_bucket.as_str())
        && (tenant_prefix.is_empty()
            || prefix
                .is_some_and(|p| p.trim_end_matches('/') == tenant_prefix.trim_end_matches('/')))
}

#[cfg(test)]
mod tests {
    use super::snapshot_id;

    #[test]
    fn an_export_names_its_snapshot_by_name_not_arn() {
        assert_eq!(
            snapshot_id(
                "arn:aws:rds:us-east-1:222222222222:cluster-snapshot:tenant-b-mysql-snapshot-20261121-021500"
            ),
            "tenant-b-mysql-snapshot-20261121-021500"
        );
    }
}
