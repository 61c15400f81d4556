//! Redshift (provisioned) and Redshift Serverless control planes: the warehouse's parameters and
//! the Zero-ETL integrations that replicate into it.

use aws_sdk_redshift::Client as RedshiftClient;
use aws_sdk_redshiftserverless::Client as ServerlessClient;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::error::{describe, is_access_denied};
use super::{Api, Aws, Key, Limiter, time};
use crate::config::RedshiftConfig;

/// A call that failed, and whether it failed for want of permission.
#[derive(Debug, Clone, PartialEq)]
pub struct CallError {
    pub message: String,
    pub denied: bool,
}

fn call_error<E, R>(error: &SdkError<E, R>) -> CallError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    CallError {
        message: describe(error),
        denied: is_access_denied(error),
    }
}

/// A Zero-ETL integration as the warehouse's account sees it (InboundIntegration,
/// https://docs.aws.amazon.com/redshift/latest/APIReference/API_InboundIntegration.html): it has
/// no name — that lives in the source's account — so it is known by its source's ARN.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundIntegration {
    pub arn: String,
    /// The source Aurora cluster's ARN: `arn:aws:rds:<region>:<account>:cluster:<id>`.
    pub source_arn: String,
    /// `creating | active | modifying | failed | deleting | syncing | needs_attention`.
    pub status: String,
    /// `code: message` of each outstanding error.
    pub errors: Vec<String>,
    pub created_at: Option<crate::model::Time>,
}

/// Records per page of DescribeInboundIntegrations: "minimum 20, maximum 100"
/// (https://docs.aws.amazon.com/redshift/latest/APIReference/API_DescribeInboundIntegrations.html).
const INBOUND_PAGE: i32 = 100;

pub struct Parameters {
    redshift: RedshiftClient,
    serverless: ServerlessClient,
    limiter: Limiter,
}

impl Parameters {
    pub fn new(aws: &Aws) -> Self {
        Self {
            redshift: aws.redshift(),
            serverless: aws.redshift_serverless(),
            limiter: aws.limiter.clone(),
        }
    }

    /// One field of a provisioned cluster as DescribeClusters gives it, or what it lacks.
    async fn cluster_field(
        &self,
        cluster: &str,
        lacks: &str,
        field: impl Fn(&aws_sdk_redshift::types::Cluster) -> Option<&str>,
    ) -> Result<String, CallError> {
        let output = self
            .limiter
            .run(
                Key::central(Api::Redshift),
                self.redshift
                    .describe_clusters()
                    .cluster_identifier(cluster)
                    .send(),
            )
            .await
            .map_err(|e| call_error(&e))?;
        output
            .clusters()
            .first()
            .and_then(field)
            .map(str::to_string)
            .ok_or_else(|| CallError {
                message: format!("cluster {cluster} has no {lacks}"),
                denied: false,
            })
    }

    /// The name of a provisioned cluster's parameter group (DescribeClusters).
    pub async fn cluster_parameter_group(&self, cluster: &str) -> Result<String, CallError> {
        self.cluster_field(cluster, "parameter group", |c| {
            c.cluster_parameter_groups()
                .first()
                .and_then(|g| g.parameter_group_name())
        })
        .await
    }

    /// Every parameter of a cluster parameter group (DescribeClusterParameters, every page).
    pub async fn cluster_parameters(
        &self,
        group: &str,
    ) -> Result<Vec<(String, String)>, CallError> {
        let pages = self
            .limiter
            .every_page(
                &Key::central(Api::Redshift),
                |marker| {
                    self.redshift
                        .describe_cluster_parameters()
                        .parameter_group_name(group)
                        .set_marker(marker)
                        .send()
                },
                |page| page.marker(),
            )
            .await
            .map_err(|e| call_error(&e))?;
        Ok(pages
            .iter()
            .flat_map(|page| page.parameters())
            .filter_map(|p| {
                Some((
                    p.parameter_name()?.to_string(),
                    p.parameter_value().unwrap_or_default().to_string(),
                ))
            })
            .collect())
    }

    /// The ARN of a warehouse's namespace: what a Zero-ETL integration's `TargetArn` names
    /// ("The ARN of the Redshift data warehouse to use as the target for replication",
    /// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateIntegration.html).
    /// A cluster's is DescribeClusters' `ClusterNamespaceArn`; a workgroup's is its namespace's
    /// `namespaceArn` (GetWorkgroup for the namespace's name when the config does not give it,
    /// then GetNamespace).
    pub async fn namespace_arn(&self, warehouse: &RedshiftConfig) -> Result<String, CallError> {
        let failed = |message: String| CallError {
            message,
            denied: false,
        };
        if let Some(cluster) = &warehouse.cluster_identifier {
            return self
                .cluster_field(cluster, "namespace ARN", |c| c.cluster_namespace_arn())
                .await;
        }
        let workgroup = warehouse.workgroup.as_deref().unwrap_or_default();
        let namespace = match &warehouse.namespace {
            Some(namespace) => namespace.clone(),
            None => self
                .workgroup(workgroup)
                .await?
                .namespace_name()
                .map(str::to_string)
                .ok_or_else(|| failed(format!("workgroup {workgroup} has no namespace")))?,
        };
        let output = self
            .limiter
            .run(
                Key::central(Api::RedshiftServerless),
                self.serverless
                    .get_namespace()
                    .namespace_name(&namespace)
                    .send(),
            )
            .await
            .map_err(|e| call_error(&e))?;
        output
            .namespace()
            .and_then(|n| n.namespace_arn())
            .map(str::to_string)
            .ok_or_else(|| failed(format!("namespace {namespace} has no ARN")))
    }

    /// Every integration into the namespace `target_arn`, whatever account its source is in: one
    /// call (a page of 100) in the warehouse's own account for the whole Zero-ETL fleet, instead of
    /// one per tenant account (DescribeInboundIntegrations).
    pub async fn inbound_integrations(
        &self,
        target_arn: &str,
    ) -> Result<Vec<InboundIntegration>, CallError> {
        let pages = self
            .limiter
            .every_page(
                &Key::central(Api::Redshift),
                |marker| {
                    self.redshift
                        .describe_inbound_integrations()
                        .target_arn(target_arn)
                        .max_records(INBOUND_PAGE)
                        .set_marker(marker)
                        .send()
                },
                |page| page.marker(),
            )
            .await
            .map_err(|e| call_error(&e))?;
        Ok(pages
            .iter()
            .flat_map(|page| page.inbound_integrations())
            .map(|i| InboundIntegration {
                arn: i.integration_arn().unwrap_or_default().to_string(),
                source_arn: i.source_arn().unwrap_or_default().to_string(),
                status: i.status().map_or("unknown", |s| s.as_str()).to_string(),
                errors: i
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
                created_at: i.create_time().and_then(time),
            })
            .collect())
    }

    /// A Serverless workgroup as GetWorkgroup gives it.
    async fn workgroup(
        &self,
        workgroup: &str,
    ) -> Result<aws_sdk_redshiftserverless::types::Workgroup, CallError> {
        let output = self
            .limiter
            .run(
                Key::central(Api::RedshiftServerless),
                self.serverless
                    .get_workgroup()
                    .workgroup_name(workgroup)
                    .send(),
            )
            .await
            .map_err(|e| call_error(&e))?;
        output.workgroup.ok_or_else(|| CallError {
            message: format!("workgroup {workgroup} not returned"),
            denied: false,
        })
    }

    /// A Serverless workgroup's config parameters (GetWorkgroup).
    pub async fn workgroup_parameters(
        &self,
        workgroup: &str,
    ) -> Result<Vec<(String, String)>, CallError> {
        let workgroup = self.workgroup(workgroup).await?;
        Ok(workgroup
            .config_parameters()
            .iter()
            .filter_map(|p| {
                Some((
                    p.parameter_key()?.to_string(),
                    p.parameter_value().unwrap_or_default().to_string(),
                ))
            })
            .collect())
    }
}

/// The `wlm` warehouse's live WLM configuration, read where it lives — a cluster's parameter
/// group (DescribeClusters, DescribeClusterParameters), or a Serverless workgroup's config
/// parameters (GetWorkgroup; "Setting query queues",
/// https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-workgroup-query-queues.html) —
/// so that a pause shows on every console whoever made it.
pub struct ParametersSource {
    parameters: Parameters,
    home: Home,
    interval: std::time::Duration,
    /// The cluster's parameter group and when it was read: a slow fact (it changes when someone
    /// changes the cluster), read again after [`GROUP_MAX_AGE`] or after a call on it failed. The
    /// configuration itself, where a pause lives, is read on every refresh.
    group: std::sync::Mutex<Option<(String, std::time::Instant)>>,
}

/// How long a cluster's parameter group name is used before it is read again.
const GROUP_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(900);

/// Where the configuration is read from.
enum Home {
    Cluster(String),
    Workgroup(String),
}

/// The parameter (on a cluster) or config parameter key (on a workgroup) that sets the queues.
pub const WLM_PARAMETER: &str = "wlm_json_configuration";

impl ParametersSource {
    /// The source of `warehouse`'s configuration; `None` for a warehouse with neither a cluster
    /// nor a workgroup (the config refuses those).
    pub fn new(
        aws: &Aws,
        warehouse: &RedshiftConfig,
        interval: std::time::Duration,
    ) -> Option<Self> {
        let home = match (&warehouse.cluster_identifier, &warehouse.workgroup) {
            (Some(cluster), _) => Home::Cluster(cluster.clone()),
            (None, Some(workgroup)) => Home::Workgroup(workgroup.clone()),
            (None, None) => return None,
        };
        Some(Self {
            parameters: Parameters::new(aws),
            home,
            interval,
            group: std::sync::Mutex::new(None),
        })
    }

    /// The cluster's parameter group, as last read if that is recent.
    async fn cluster_group(&self, cluster: &str) -> Result<String, CallError> {
        let known = self.group.lock().expect("never poisoned").clone();
        if let Some((group, read_at)) = known
            && read_at.elapsed() < GROUP_MAX_AGE
        {
            return Ok(group);
        }
        let group = self.parameters.cluster_parameter_group(cluster).await?;
        *self.group.lock().expect("never poisoned") =
            Some((group.clone(), std::time::Instant::now()));
        Ok(group)
    }

    /// What holds the configuration, and the configuration (`None`: a workgroup that sets no
    /// queues, which has nothing to pause).
    async fn configuration(&self) -> Result<(String, Option<String>), CallError> {
        match &self.home {
            Home::Cluster(cluster) => {
                let group = self.cluster_group(cluster).await?;
                let parameters = self.parameters.cluster_parameters(&group).await;
                if parameters.is_err() {
                    // The group may be gone or replaced: read which one the cluster has next time.
                    *self.group.lock().expect("never poisoned") = None;
                }
                let configuration = parameters?
                    .into_iter()
                    .find(|(name, _)| name == WLM_PARAMETER)
                    .map(|(_, value)| value)
                    .ok_or_else(|| CallError {
                        message: format!("{group} has no {WLM_PARAMETER}"),
                        denied: false,
                    })?;
                Ok((group, Some(configuration)))
            }
            Home::Workgroup(workgroup) => {
                let configuration = self
                    .parameters
                    .workgroup_parameters(workgroup)
                    .await?
                    .into_iter()
                    .find(|(key, _)| key == WLM_PARAMETER)
                    .map(|(_, value)| value);
                Ok((workgroup.clone(), configuration))
            }
        }
    }
}

#[async_trait::async_trait]
impl crate::source::Source for ParametersSource {
    fn id(&self) -> crate::model::SourceId {
        crate::model::SourceId::Parameters
    }

    fn interval(&self) -> std::time::Duration {
        self.interval
    }

    async fn fetch(&self) -> Result<crate::model::SourceData, crate::source::SourceError> {
        let (holder, configuration) = self
            .configuration()
            .await
            .map_err(|e| crate::source::SourceError(e.message))?;
        let adhoc_pause = match configuration {
            Some(configuration) => crate::model::adhoc_pause(&configuration)
                .map_err(|e| crate::source::SourceError(format!("{holder}: {e}")))?,
            None => None,
        };
        Ok(crate::model::SourceData::Parameters(
            crate::model::WlmSettings {
                configured_in: holder,
                adhoc_pause,
            },
        ))
    }
}
