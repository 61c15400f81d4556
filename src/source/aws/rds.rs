//! How the tenants' data arrives, read where each fact lives, so that a refresh costs calls per
//! warehouse and per export account, never per Zero-ETL tenant:
//! - the Zero-ETL integrations, once for the whole fleet in the warehouse's own (central) account:
//!   Redshift's DescribeInboundIntegrations gives the status and errors of every integration into
//!   a namespace, whatever account its source is in, 100 a page. It is read on a slow cadence
//!   while the warehouse's SVV_INTEGRATION (one statement, however many integrations) agrees with
//!   what it last said, and at once when it does not ([`InboundIntegrations::read`]);
//! - the export path's export tasks (and the snapshots they name), in each account that has an
//!   export tenant: only that account knows them;
//! - the tenants' Aurora clusters, in each tenant account, as their own slow source
//!   ([`ClustersSource`]): they change only when someone changes them.
//!
//! An account that fails marks only its own tenants.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use aws_sdk_rds::Client;

use super::credentials::Account;
use super::error::describe;
use super::redshift::{InboundIntegration, Parameters};
use super::redshift_data::ReplicationReading;
use super::{Api, Aws, Key, Limiter, time};
use crate::config::{Config, RedshiftConfig, WarehouseRole};
use crate::model::{
    ClusterState, ClustersData, ExportStatus, ExportTask, Ingest, IntegrationState,
    IntegrationStatus, RdsData, SnapshotInfo, SourceData, SourceId, Tenant, TenantFailure,
    integration_id_from_arn, keep_recent_exports,
};
use crate::source::{Source, SourceError};

/// Records per page of every RDS Describe call (the most RDS returns).
const PAGE: i32 = 100;

pub struct RdsSource {
    inbound: InboundIntegrations,
    /// The accounts with at least one export-path tenant.
    export_accounts: Vec<Account>,
    /// The one RDS client every account is called with (each call signs as its account).
    client: Client,
    limiter: Limiter,
    interval: Duration,
}

impl RdsSource {
    /// `client` is the RDS client shared with [`ClustersSource`].
    pub fn new(
        aws: &Aws,
        config: &Config,
        accounts: &[Account],
        client: Client,
        replication: Arc<ReplicationReading>,
        interval: Duration,
    ) -> Self {
        let export_accounts = accounts
            .iter()
            .filter(|account| account.tenants.iter().any(is_export))
            .cloned()
            .collect();
        Self {
            inbound: InboundIntegrations::new(aws, config, accounts, replication),
            export_accounts,
            client,
            limiter: aws.limiter.clone(),
            interval,
        }
    }

    fn tenants(&self) -> usize {
        self.inbound.tenants.len()
            + self
                .export_accounts
                .iter()
                .map(|a| a.tenants.iter().filter(|t| is_export(t)).count())
                .sum::<usize>()
    }
}

fn is_export(tenant: &Tenant) -> bool {
    tenant.ingest.is_export()
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
        let (integrations, exports) = futures_util::join!(
            self.inbound.read(),
            // By index: a closure over `&Account` would not be `Send` for the async trait.
            self.limiter
                .each((0..self.export_accounts.len()).map(|i| read_exports(
                    &self.export_accounts[i],
                    &self.client,
                    &self.limiter
                )))
        );
        let mut data = RdsData::default();
        match integrations {
            Ok(integrations) => data.integrations = integrations,
            Err(error) => {
                data.failures
                    .extend(self.inbound.tenants.iter().map(|t| TenantFailure {
                        tenant: t.tenant.name.clone(),
                        error: error.clone(),
                    }))
            }
        }
        for (result, account) in exports.into_iter().zip(&self.export_accounts) {
            match result {
                Ok(part) => {
                    data.exports.extend(part.exports);
                    data.snapshots.extend(part.snapshots);
                }
                Err(error) => {
                    data.failures
                        .extend(account.tenants.iter().filter(|t| is_export(t)).map(|t| {
                            TenantFailure {
                                tenant: t.name.clone(),
                                error: format!("{} ({}): {error}", account.account_id, account.via),
                            }
                        }))
                }
            }
        }
        if !data.failures.is_empty() && data.failures.len() == self.tenants() {
            // Nothing could be read at all: say so as the source's error.
            return Err(SourceError(data.failures[0].error.clone()));
        }
        Ok(SourceData::Rds(data))
    }
}

/// The Zero-ETL tenants and the warehouses they replicate into, all read in the central account.
struct InboundIntegrations {
    parameters: Parameters,
    targets: Vec<Target>,
    tenants: Vec<ZeroEtlTenant>,
    /// The warehouses' SVV_INTEGRATION: the fast signal of every integration's state.
    replication: Arc<ReplicationReading>,
    /// What DescribeInboundIntegrations said last, and when.
    described: Mutex<Option<Described>>,
}

/// Every integration into the targets as DescribeInboundIntegrations said, and when.
#[derive(Clone)]
struct Described {
    integrations: Vec<InboundIntegration>,
    at: crate::model::Time,
    read: Instant,
}

/// How long the integrations' statuses and errors are kept while SVV_INTEGRATION agrees with
/// them: the errors' detail changes seldom, and a change of state is seen by SVV_INTEGRATION
/// (read on every refresh) and described at once.
const DESCRIBED_MAX_AGE: Duration = Duration::from_secs(900);

impl Described {
    /// Whether SVV_INTEGRATION's integrations are those described, each in a state that agrees
    /// with its status: then nothing has changed that the description would show.
    fn agrees_with(&self, replication: &[crate::model::IntegrationReplication]) -> bool {
        let described: std::collections::HashMap<&str, &InboundIntegration> = self
            .integrations
            .iter()
            .map(|i| (integration_id_from_arn(&i.arn), i))
            .collect();
        replication.len() == described.len()
            && replication.iter().all(|r| {
                described.get(r.integration_id.as_str()).is_some_and(|i| {
                    IntegrationStatus::parse(&i.status).agrees_with_replication_state(&r.state)
                })
            })
    }
}

/// A warehouse with the `integrations` role, and its namespace ARN once read: a slow fact, read
/// again only after a call on it failed (the namespace may have been recreated).
struct Target {
    warehouse: RedshiftConfig,
    namespace_arn: Mutex<Option<String>>,
}

struct ZeroEtlTenant {
    tenant: Tenant,
    source: SourceCluster,
}

/// The account, region and identifier of an Aurora cluster: what an inbound integration's
/// `SourceArn` names (`arn:<partition>:rds:<region>:<account>:cluster:<id>`).
#[derive(Debug, PartialEq, Eq)]
struct SourceCluster {
    account: String,
    region: String,
    cluster: String,
}

impl SourceCluster {
    fn from_arn(arn: &str) -> Option<Self> {
        let mut parts = arn.splitn(7, ':');
        let (Some("arn"), Some(_partition), Some("rds"), Some(region), Some(account)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return None;
        };
        let (Some("cluster"), Some(cluster)) = (parts.next(), parts.next()) else {
            return None;
        };
        Some(Self {
            account: account.to_string(),
            region: region.to_string(),
            cluster: cluster.to_string(),
        })
    }
}

impl InboundIntegrations {
    fn new(
        aws: &Aws,
        config: &Config,
        accounts: &[Account],
        replication: Arc<ReplicationReading>,
    ) -> Self {
        let tenants = accounts
            .iter()
            .flat_map(|account| {
                let region = account.region.clone().unwrap_or_default();
                account
                    .tenants
                    .iter()
                    .filter(|t| matches!(t.ingest, Ingest::ZeroEtl { .. }))
                    .map(move |t| ZeroEtlTenant {
                        source: SourceCluster {
                            account: t.account_id.clone(),
                            region: region.clone(),
                            cluster: t.cluster_identifier.clone(),
                        },
                        tenant: t.clone(),
                    })
            })
            .collect();
        Self {
            parameters: Parameters::new(aws),
            targets: config
                .warehouses_with(WarehouseRole::Integrations)
                .into_iter()
                .map(|warehouse| Target {
                    warehouse: warehouse.clone(),
                    namespace_arn: Mutex::new(None),
                })
                .collect(),
            tenants,
            replication,
            described: Mutex::new(None),
        }
    }

    /// The integration of each Zero-ETL tenant found in a target. DescribeInboundIntegrations
    /// (every page, 100 integrations each, on each target) is read when SVV_INTEGRATION, read in
    /// this refresh, shows an integration not described yet, one described no longer there, or one
    /// whose state differs from what was described — so a failure shows with its errors at once —
    /// and otherwise every [`DESCRIBED_MAX_AGE`]; on every refresh when SVV_INTEGRATION could not
    /// be read (no warehouse for it, or it failed).
    async fn read(&self) -> Result<Vec<IntegrationState>, String> {
        if self.tenants.is_empty() {
            return Ok(Vec::new());
        }
        if self.targets.is_empty() {
            return Err("no warehouse has the integrations role".to_string());
        }
        let replication = self.replication.read().await;
        let replication = replication
            .as_deref()
            .and_then(ReplicationReading::integrations);
        let kept = self.described.lock().expect("never poisoned").clone();
        let (inbound, described_at) = match (kept, replication) {
            (Some(kept), Some(replication))
                if kept.read.elapsed() < DESCRIBED_MAX_AGE && kept.agrees_with(&replication) =>
            {
                (kept.integrations, Some(kept.at))
            }
            _ => {
                let at = chrono::Utc::now();
                let mut inbound: Vec<InboundIntegration> = Vec::new();
                for target in &self.targets {
                    inbound.extend(target.read(&self.parameters).await?);
                }
                *self.described.lock().expect("never poisoned") = Some(Described {
                    integrations: inbound.clone(),
                    at,
                    read: Instant::now(),
                });
                (inbound, None)
            }
        };
        Ok(self
            .tenants
            .iter()
            .filter_map(|t| {
                // Several integrations from one cluster into these targets: the newest is the
                // one that matters (an older one is being deleted).
                let found = inbound
                    .iter()
                    .filter(|i| SourceCluster::from_arn(&i.source_arn).as_ref() == Some(&t.source))
                    .max_by_key(|i| i.created_at)?;
                Some(IntegrationState {
                    tenant: t.tenant.name.clone(),
                    name: t
                        .tenant
                        .ingest
                        .integration()
                        .unwrap_or_default()
                        .to_string(),
                    id: integration_id_from_arn(&found.arn).to_string(),
                    status: IntegrationStatus::parse(&found.status),
                    errors: found.errors.clone(),
                    created_at: found.created_at,
                    described_at,
                })
            })
            .collect())
    }
}

impl Target {
    async fn read(&self, parameters: &Parameters) -> Result<Vec<InboundIntegration>, String> {
        let failed = |message: String| format!("{}: {message}", self.warehouse.label());
        let known = self.namespace_arn.lock().expect("never poisoned").clone();
        let arn = match known {
            Some(arn) => arn,
            None => {
                let arn = parameters
                    .namespace_arn(&self.warehouse)
                    .await
                    .map_err(|e| failed(e.message))?;
                *self.namespace_arn.lock().expect("never poisoned") = Some(arn.clone());
                arn
            }
        };
        parameters.inbound_integrations(&arn).await.map_err(|e| {
            *self.namespace_arn.lock().expect("never poisoned") = None;
            failed(e.message)
        })
    }
}

/// The export tasks of an account's export tenants, and the snapshots they exported: one call an
/// account (a page of 100 tasks).
async fn read_exports(
    account: &Account,
    client: &Client,
    limiter: &Limiter,
) -> Result<RdsData, String> {
    let tenants = &account.tenants;
    let mut data = RdsData::default();
    let export_tenants: Vec<&Tenant> = tenants.iter().filter(|t| is_export(t)).collect();
    if !export_tenants.is_empty() {
        // The snapshots come from the export tasks themselves (SourceArn, SnapshotTime), not
        // from DescribeDBClusterSnapshots: one call less per account, three at most in all.
        let pages = limiter
            .every_page(
                &Key::new(&account.scope, Api::Rds),
                |marker| {
                    client
                        .describe_export_tasks()
                        .max_records(PAGE)
                        .set_marker(marker)
                        .customize()
                        .config_override(account.sign_as.rds())
                        .send()
                },
                |page| page.marker(),
            )
            .await
            .map_err(|e| describe(&e))?;
        for task in pages.iter().flat_map(|page| page.export_tasks()) {
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
        // Every task the account still lists comes back (no time filter); the recent are kept.
        keep_recent_exports(&mut data.exports);
        let exported: HashSet<&str> = data.exports.iter().map(|t| t.snapshot.as_str()).collect();
        data.snapshots.retain(|s| exported.contains(s.id.as_str()));
    }
    Ok(data)
}

/// The tenants' Aurora clusters, one DescribeDBClusters an account (a page of 100), on the slow
/// cadence of facts that change only when someone changes them (`[refresh] aurora_seconds`).
pub struct ClustersSource {
    accounts: Vec<Account>,
    /// The RDS client shared with [`RdsSource`].
    client: Client,
    limiter: Limiter,
    interval: Duration,
}

impl ClustersSource {
    pub fn new(aws: &Aws, accounts: &[Account], client: Client, interval: Duration) -> Self {
        Self {
            accounts: accounts.to_vec(),
            client,
            limiter: aws.limiter.clone(),
            interval,
        }
    }
}

#[async_trait]
impl Source for ClustersSource {
    fn id(&self) -> SourceId {
        SourceId::Aurora
    }

    fn interval(&self) -> Duration {
        self.interval
    }

    async fn fetch(&self) -> Result<SourceData, SourceError> {
        let results = self
            .limiter
            .each(
                (0..self.accounts.len())
                    .map(|i| read_clusters(&self.accounts[i], &self.client, &self.limiter)),
            )
            .await;
        let mut data = ClustersData::default();
        for (result, account) in results.into_iter().zip(&self.accounts) {
            match result {
                Ok(clusters) => data.clusters.extend(clusters),
                Err(error) => data
                    .failures
                    .extend(account.tenants.iter().map(|t| TenantFailure {
                        tenant: t.name.clone(),
                        error: format!("{} ({}): {error}", account.account_id, account.via),
                    })),
            }
        }
        let tenants: usize = self.accounts.iter().map(|a| a.tenants.len()).sum();
        if !data.failures.is_empty() && data.failures.len() == tenants {
            return Err(SourceError(data.failures[0].error.clone()));
        }
        Ok(SourceData::Aurora(data))
    }
}

async fn read_clusters(
    account: &Account,
    client: &Client,
    limiter: &Limiter,
) -> Result<Vec<ClusterState>, String> {
    let pages = limiter
        .every_page(
            &Key::new(&account.scope, Api::Rds),
            |marker| {
                client
                    .describe_db_clusters()
                    .max_records(PAGE)
                    .set_marker(marker)
                    .customize()
                    .config_override(account.sign_as.rds())
                    .send()
            },
            |page| page.marker(),
        )
        .await
        .map_err(|e| describe(&e))?;
    Ok(pages
        .iter()
        .flat_map(|page| page.db_clusters())
        .filter_map(|cluster| {
            let id = cluster.db_cluster_identifier()?;
            let tenant = account
                .tenants
                .iter()
                .find(|t| t.cluster_identifier == id)?;
            Some(ClusterState {
                tenant: tenant.name.clone(),
                identifier: id.to_string(),
                arn: cluster.db_cluster_arn().map(str::to_string),
                status: cluster.status().unwrap_or("unknown").to_string(),
                engine_version: cluster.engine_version().unwrap_or_default().to_string(),
                parameter_group: cluster
                    .db_cluster_parameter_group()
                    .unwrap_or_default()
                    .to_string(),
            })
        })
        .collect())
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
    use super::{Described, InboundIntegration, SourceCluster, snapshot_id};
    use crate::model::IntegrationReplication;

    #[test]
    fn a_description_holds_while_svv_integration_lists_the_same_integrations_in_agreeing_states() {
        let inbound = |id: &str, status: &str| InboundIntegration {
            arn: format!("arn:aws:rds:us-east-1:111111111111:integration:{id}"),
            source_arn: String::new(),
            status: status.into(),
            errors: Vec::new(),
            created_at: None,
        };
        let described = Described {
            integrations: vec![inbound("a", "active"), inbound("b", "needs_attention")],
            at: chrono::DateTime::UNIX_EPOCH,
            read: std::time::Instant::now(),
        };
        let row = |id: &str, state: &str| IntegrationReplication {
            tenant: None,
            integration_id: id.into(),
            state: state.into(),
            lag_seconds: Some(1.0),
            tables_not_synced: Vec::new(),
        };
        let (a, b) = (row("a", "CdcRefreshState"), row("b", "ErrorState"));
        assert!(described.agrees_with(&[a.clone(), b.clone()]));
        // a failed since it was described
        assert!(!described.agrees_with(&[row("a", "ErrorState"), b.clone()]));
        // a new integration, or one gone
        assert!(!described.agrees_with(&[a.clone(), b.clone(), row("c", "CdcRefreshState")]));
        assert!(!described.agrees_with(std::slice::from_ref(&a)));
        assert!(!described.agrees_with(&[a, row("x", "ErrorState")]));
    }

    #[test]
    fn an_export_names_its_snapshot_by_name_not_arn() {
        assert_eq!(
            snapshot_id(
                "arn:aws:rds:us-east-1:222222222222:cluster-snapshot:tenant-b-mysql-snapshot-20261121-021500"
            ),
            "tenant-b-mysql-snapshot-20261121-021500"
        );
    }

    #[test]
    fn an_inbound_integration_names_its_source_cluster_by_arn() {
        assert_eq!(
            SourceCluster::from_arn("arn:aws:rds:us-east-1:111111111111:cluster:tenant-a-mysql"),
            Some(SourceCluster {
                account: "111111111111".into(),
                region: "us-east-1".into(),
                cluster: "tenant-a-mysql".into(),
            })
        );
        // Another partition names the same kind of cluster.
        assert!(
            SourceCluster::from_arn("arn:aws-cn:rds:cn-north-1:111111111111:cluster:x").is_some()
        );
        // Not a cluster: an instance, a snapshot, a Redshift namespace.
        for arn in [
            "arn:aws:rds:us-east-1:111111111111:db:tenant-a-mysql",
            "arn:aws:rds:us-east-1:111111111111:cluster-snapshot:s",
            "arn:aws:redshift:us-east-1:111111111111:namespace:x",
            "",
        ] {
            assert_eq!(SourceCluster::from_arn(arn), None, "{arn}");
        }
    }
}
