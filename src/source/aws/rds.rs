//! RDS in each tenant's account: integrations, clusters, export tasks and snapshots.
//! Calls are per account, never per tenant; an account that fails marks only its own tenants.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_rds::Client;
use futures_util::future::join_all;

use super::credentials::Account;
use super::error::describe;
use super::{Limiter, time};
use crate::model::{
    ClusterState, ExportStatus, ExportTask, Ingest, IntegrationState, IntegrationStatus, RdsData,
    SnapshotInfo, SourceData, SourceId, Tenant, TenantFailure, integration_id_from_arn,
};
use crate::source::{Source, SourceError};

pub struct RdsSource {
    accounts: Vec<(Account, Client)>,
    limiter: Limiter,
    interval: Duration,
}

impl RdsSource {
    pub fn new(accounts: Vec<Account>, limiter: Limiter, interval: Duration) -> Self {
        let accounts = accounts
            .into_iter()
            .map(|account| {
                let client = Client::new(&account.config);
                (account, client)
            })
            .collect();
        Self {
            accounts,
            limiter,
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

/// At most three calls an account: clusters, then integrations and/or export tasks with
/// snapshots, depending on the paths of its tenants.
async fn read_account(
    account: &Account,
    client: &Client,
    limiter: &Limiter,
) -> Result<RdsData, String> {
    let tenants = &account.tenants;
    let mut data = RdsData::default();

    let clusters = limiter
        .run(client.describe_db_clusters().send())
        .await
        .map_err(|e| describe(&e))?;
    for cluster in clusters.db_clusters() {
        let Some(id) = cluster.db_cluster_identifier() else {
            continue;
        };
        if let Some(tenant) = tenants.iter().find(|t| t.cluster_identifier == id) {
            data.clusters.push(ClusterState {
                tenant: tenant.name.clone(),
                identifier: id.to_string(),
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
        let output = limiter
            .run(client.describe_integrations().send())
            .await
            .map_err(|e| describe(&e))?;
        for integration in output.integrations() {
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
        let (tasks, snapshots) = tokio::join!(
            limiter.run(client.describe_export_tasks().send()),
            limiter.run(
                client
                    .describe_db_cluster_snapshots()
                    .snapshot_type("manual")
                    .send()
            ),
        );
        let tasks = tasks.map_err(|e| describe(&e))?;
        for task in tasks.export_tasks() {
            let Some(tenant) = export_tenants
                .iter()
                .find(|t| exported_by(t, task.s3_bucket(), task.s3_prefix()))
            else {
                continue;
            };
            data.exports.push(ExportTask {
                tenant: tenant.name.clone(),
                id: task
                    .export_task_identifier()
                    .unwrap_or_default()
                    .to_string(),
                snapshot: task.source_arn().unwrap_or_default().to_string(),
                status: ExportStatus::parse(task.status().unwrap_or("unknown")),
                percent_progress: task.percent_progress().unwrap_or(0).clamp(0, 100) as u8,
                started_at: task.task_start_time().and_then(time),
                finished_at: task.task_end_time().and_then(time),
                failure_cause: task.failure_cause().map(str::to_string),
            });
        }
        let snapshots = snapshots.map_err(|e| describe(&e))?;
        for snapshot in snapshots.db_cluster_snapshots() {
            let cluster = snapshot.db_cluster_identifier().unwrap_or_default();
            let Some(tenant) = export_tenants
                .iter()
                .find(|t| t.cluster_identifier == cluster)
            else {
                continue;
            };
            data.snapshots.push(SnapshotInfo {
                tenant: tenant.name.clone(),
                id: snapshot
                    .db_cluster_snapshot_identifier()
                    .unwrap_or_default()
                    .to_string(),
                status: snapshot.status().unwrap_or("unknown").to_string(),
                created_at: snapshot.snapshot_create_time().and_then(time),
            });
        }
    }
    Ok(data)
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
