//! Recovery actions against AWS. One file per service; SDK types never leave this module.

mod rds;
mod redshift;
mod sfn;

use std::time::Duration;

use async_trait::async_trait;
use serde_json::{Value, json};
use tokio::sync::OnceCell;

use super::wlm::{cancel_queries, plan_change};
use super::{Operator, Outcome, Plan, Progress, Request, ResyncScope, StateDir};
use crate::config::{Config, RedshiftConfig, TenantConfig, is_identifier};
use crate::source::aws::sql::{quote_identifier, quote_literal};
use crate::source::aws::{Account, Aws, Overrides, Warehouse, accounts};

/// Acts on the fleet a config describes, with the central credentials (warehouse, Step Functions,
/// the cluster parameter group) and each tenant's operator role (snapshots, exports).
pub struct AwsOperator {
    config: Config,
    redshift_config: RedshiftConfig,
    warehouse: Warehouse,
    sfn: aws_sdk_sfn::Client,
    redshift: aws_sdk_redshift::Client,
    sts: aws_sdk_sts::Client,
    accounts: Vec<Account>,
    state: StateDir,
    caller: OnceCell<String>,
    /// How long execution follows a snapshot or an export before leaving it to the refresh.
    pub patience: Duration,
}

impl AwsOperator {
    pub async fn connect(
        config: &Config,
        overrides: &Overrides,
        state: StateDir,
    ) -> Result<Self, String> {
        let redshift_config = config
            .redshift
            .clone()
            .ok_or("the config has no [redshift] table")?;
        let aws = Aws::connect(config, overrides).await;
        // Acting in a tenant's account may need more than the read-only role.
        let operators: Vec<TenantConfig> = config
            .tenants
            .iter()
            .map(|t| TenantConfig {
                role_arn: t.operator_role_arn.clone().or(t.role_arn.clone()),
                ..t.clone()
            })
            .collect();
        Ok(Self {
            config: config.clone(),
            warehouse: Warehouse::new(&aws, &redshift_config),
            redshift_config,
            sfn: aws_sdk_sfn::Client::new(&aws.central),
            redshift: aws_sdk_redshift::Client::new(&aws.central),
            sts: aws_sdk_sts::Client::new(&aws.central),
            accounts: accounts(&aws, &operators).await,
            state,
            caller: OnceCell::new(),
            patience: Duration::from_secs(120),
        })
    }

    fn tenant(&self, name: &str) -> Result<&TenantConfig, String> {
        self.config
            .tenants
            .iter()
            .find(|t| t.name.get_ref() == name)
            .ok_or_else(|| format!("no tenant named {name}"))
    }

    fn rds_for(&self, tenant: &str) -> Result<aws_sdk_rds::Client, String> {
        self.accounts
            .iter()
            .find(|a| a.tenants.iter().any(|t| t.name == tenant))
            .map(|a| aws_sdk_rds::Client::new(&a.config))
            .ok_or_else(|| format!("no account for tenant {tenant}"))
    }

    fn cluster(&self) -> Option<&str> {
        self.redshift_config.cluster_identifier.as_deref()
    }

    async fn plan_rerun(&self, request: &Request, execution_arn: &str) -> Result<Plan, String> {
        let now = chrono::Utc::now();
        let facts = sfn::facts(&self.sfn, execution_arn, now).await?;
        let machine = facts
            .state_machine_arn
            .rsplit(':')
            .next()
            .unwrap_or("the state machine")
            .to_string();
        let mut plan = Plan::new(request.clone(), format!("execution {}", facts.name));
        plan.confirm = Some(machine);
        plan.before = json!({"status": facts.status, "redrive_count": facts.redrive_count});
        if facts.redrivable {
            // The same token for the same failure: a second press cannot redrive twice.
            let token = format!(
                "shiftops-{:016x}-{}",
                fnv(execution_arn),
                facts.redrive_count
            );
            plan.calls.push(format!(
                "states:RedriveExecution executionArn={execution_arn} clientToken={token}"
            ));
            plan.payload = json!({"redrive": true, "client_token": token});
        } else {
            let name: String = format!("{}-rerun-{}", facts.name, now.format("%Y%m%dT%H%M"))
                .chars()
                .take(80)
                .collect();
            plan.notes.push(format!(
                "not redrivable ({}): starting it again under a new name with the same input",
                facts.why_not.as_deref().unwrap_or("unknown")
            ));
            plan.calls.push(format!(
                "states:StartExecution stateMachineArn={} name={name} input={}",
                facts.state_machine_arn,
                facts.input.as_deref().unwrap_or("{}")
            ));
            plan.payload = json!({
                "redrive": false,
                "state_machine_arn": facts.state_machine_arn,
                "name": name,
                "input": facts.input,
            });
        }
        Ok(plan)
    }

    async fn plan_wlm(&self, request: &Request) -> Result<Plan, String> {
        let Some(cluster) = self.cluster() else {
            let mut plan = Plan::new(request.clone(), "WLM queue adhoc");
            plan.unsupported = Some(
                "a Redshift Serverless workgroup has no WLM queues: there is no adhoc queue to pause. \
Limit queries with the workgroup's max_query_execution_time or usage limits by hand if needed"
                    .into(),
            );
            return Ok(plan);
        };
        let group = redshift::parameter_group(&self.redshift, cluster).await?;
        let current = redshift::wlm_configuration(&self.redshift, &group).await?;
        let mut plan = plan_change(
            request,
            cluster,
            &group,
            &current,
            self.state.paused_wlm(cluster),
        );
        if plan.unsupported.is_none()
            && let Request::PauseAdhoc {
                cancel_running: true,
            } = request
        {
            let rows = self
                .warehouse
                .query(
                    "SELECT i.pid FROM stv_inflight i JOIN stv_wlm_query_state s ON s.query = i.query \
JOIN stv_wlm_service_class_config c ON c.service_class = s.service_class WHERE TRIM(c.name) = 'adhoc'",
                )
                .await?;
            let pids: Vec<i64> = rows
                .records()
                .filter_map(|r| r.get("pid").as_i64())
                .collect();
            cancel_queries(&mut plan, &pids);
        }
        Ok(plan)
    }

    async fn plan_resync(
        &self,
        request: &Request,
        tenant: &str,
        scope: &ResyncScope,
    ) -> Result<Plan, String> {
        let config = self.tenant(tenant)?;
        let Some(integration) = &config.integration else {
            let mut plan = Plan::new(request.clone(), tenant);
            plan.unsupported = Some(format!(
                "{tenant} is on the export path: it has no integration"
            ));
            return Ok(plan);
        };
        let rds = self.rds_for(tenant)?;
        let described = rds
            .describe_integrations()
            .integration_identifier(integration)
            .send()
            .await
            .map_err(|e| crate::source::aws::error::describe(&e))?;
        let arn = described
            .integrations()
            .first()
            .and_then(|i| i.integration_arn())
            .ok_or_else(|| format!("integration {integration} not found"))?;
        let id = crate::model::integration_id_from_arn(arn).to_string();
        let rows = self
            .warehouse
            .query(&format!(
                "SELECT TRIM(target_database) AS target_database FROM svv_integration WHERE integration_id = {}",
                quote_literal(&id)
            ))
            .await?;
        let database = rows
            .records()
            .next()
            .map(|r| r.text("target_database"))
            .filter(|d| !d.is_empty())
            .ok_or_else(|| format!("the warehouse has no database for integration {id}"))?;
        let tables = match scope {
            ResyncScope::InError => "INERROR TABLES".to_string(),
            ResyncScope::All => "ALL TABLES".to_string(),
            ResyncScope::Tables(tables) => {
                let mut quoted = Vec::new();
                for table in tables {
                    let parts: Vec<&str> = table.split('.').collect();
                    if parts.is_empty()
                        || parts.len() > 2
                        || !parts.iter().all(|p| is_identifier(p))
                    {
                        return Err(format!("{table:?} is not a table name"));
                    }
                    quoted.push(
                        parts
                            .iter()
                            .map(|p| quote_identifier(p))
                            .collect::<Vec<_>>()
                            .join("."),
                    );
                }
                format!("TABLES {}", quoted.join(", "))
            }
        };
        let sql = format!(
            "ALTER DATABASE {} INTEGRATION REFRESH {tables}",
            quote_identifier(&database)
        );
        let mut plan = Plan::new(
            request.clone(),
            format!("{tenant}: integration {integration}"),
        );
        plan.confirm = Some(tenant.to_string());
        plan.calls.push(sql.clone());
        plan.before = json!({"integration_id": id, "database": database});
        plan.payload = json!({"sql": [sql]});
        Ok(plan)
    }

    fn plan_export(&self, request: &Request, tenant: &str) -> Result<Plan, String> {
        let config = self.tenant(tenant)?;
        let mut plan = Plan::new(request.clone(), tenant);
        let Some(export) = &config.export else {
            plan.unsupported = Some(format!(
                "{tenant} is on the Zero-ETL path: it has no export"
            ));
            return Ok(plan);
        };
        let (Some(role), Some(key)) = (&export.iam_role_arn, &export.kms_key_id) else {
            plan.unsupported = Some(format!(
                "set export.iam_role_arn and export.kms_key_id for {tenant} in the config"
            ));
            return Ok(plan);
        };
        let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
        let cluster = &config.cluster_identifier;
        let snapshot = format!("{cluster}-snapshot-{stamp}");
        let task = format!("{cluster}-export-{stamp}");
        plan.confirm = Some(tenant.to_string());
        plan.calls.push(format!(
            "rds:CreateDBClusterSnapshot DBClusterIdentifier={cluster} DBClusterSnapshotIdentifier={snapshot}"
        ));
        plan.calls.push(format!(
            "rds:DescribeDBClusterSnapshots until {snapshot} is available"
        ));
        plan.calls.push(format!(
            "rds:StartExportTask ExportTaskIdentifier={task} SourceArn=<{snapshot}> S3BucketName={} S3Prefix={} IamRoleArn={role} KmsKeyId={key}",
            export.bucket, export.prefix
        ));
        plan.payload = json!({"snapshot": snapshot, "task": task});
        Ok(plan)
    }

    async fn plan_maintenance(&self, request: &Request, tenant: &str) -> Result<Plan, String> {
        let config = self.tenant(tenant)?;
        let schema = config.schema();
        let rows = self
            .warehouse
            .query(&format!(
                "SELECT TRIM(\"table\") AS table_name FROM svv_table_info WHERE \"schema\" = {} ORDER BY 1",
                quote_literal(schema)
            ))
            .await?;
        let verb = match request {
            Request::Vacuum { .. } => "VACUUM",
            _ => "ANALYZE",
        };
        let statements: Vec<String> = rows
            .records()
            .map(|r| r.text("table_name"))
            .filter(|t| is_identifier(t))
            .map(|t| {
                format!(
                    "{verb} {}.{}",
                    quote_identifier(schema),
                    quote_identifier(&t)
                )
            })
            .collect();
        let mut plan = Plan::new(request.clone(), format!("{tenant}: schema {schema}"));
        plan.confirm = Some(tenant.to_string());
        if statements.is_empty() {
            plan.unsupported = Some(format!("schema {schema} has no tables"));
        }
        // VACUUM cannot run inside a transaction, so each statement runs on its own.
        plan.calls = statements.clone();
        plan.payload = json!({"sql": statements});
        Ok(plan)
    }

    async fn run_sql(&self, plan: &Plan, progress: &Progress) -> Result<Vec<String>, String> {
        let statements: Vec<String> =
            serde_json::from_value(plan.payload["sql"].clone()).unwrap_or_default();
        let total = statements.len();
        for (i, sql) in statements.iter().enumerate() {
            let _ = progress.send(format!("{}/{total}: {sql}", i + 1));
            self.warehouse.execute(sql).await?;
        }
        Ok(statements)
    }
}

/// FNV-1a: a short stable hash for idempotency tokens.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[async_trait]
impl Operator for AwsOperator {
    async fn caller(&self) -> String {
        self.caller
            .get_or_init(|| async {
                match self.sts.get_caller_identity().send().await {
                    Ok(identity) => identity.arn().unwrap_or("unknown caller").to_string(),
                    Err(e) => format!(
                        "unknown caller ({})",
                        crate::source::aws::error::describe(&e)
                    ),
                }
            })
            .await
            .clone()
    }

    async fn plan(&self, request: &Request) -> Result<Plan, String> {
        match request {
            Request::RerunElt { execution_arn } => self.plan_rerun(request, execution_arn).await,
            Request::PauseAdhoc { .. } | Request::ResumeAdhoc => self.plan_wlm(request).await,
            Request::ResyncTables { tenant, scope } => {
                self.plan_resync(request, tenant, scope).await
            }
            Request::StartExport { tenant } => self.plan_export(request, tenant),
            Request::Vacuum { tenant } | Request::Analyze { tenant } => {
                self.plan_maintenance(request, tenant).await
            }
            Request::CancelQuery { pid } => {
                let mut plan = Plan::new(request.clone(), format!("query pid {pid}"));
                plan.confirm = Some(pid.to_string());
                let sql = format!("CANCEL {pid}");
                plan.calls.push(sql.clone());
                plan.payload = json!({"sql": [sql]});
                Ok(plan)
            }
        }
    }

    async fn apply(&self, plan: &Plan, progress: &Progress) -> Result<Outcome, String> {
        self.apply_plan(plan, progress)
            .await
            .map_err(outcome_unknown_when_unanswered)
    }
}

/// A call that changes something and got no answer (a timeout, a dropped connection, a garbled
/// response) may have been carried out all the same: the error says so, for the audit log and the
/// dialog. A refusal by the service (a code and a message) means nothing was done.
fn outcome_unknown_when_unanswered(error: String) -> String {
    let unanswered = [
        "timed out",
        "connection failed",
        "request failed",
        "bad response",
    ]
    .iter()
    .any(|prefix| error.starts_with(prefix));
    if unanswered {
        format!("{error} — no answer, so the change may have been made: verify")
    } else {
        error
    }
}

impl AwsOperator {
    async fn apply_plan(&self, plan: &Plan, progress: &Progress) -> Result<Outcome, String> {
        let payload = &plan.payload;
        match &plan.request {
            Request::RerunElt { execution_arn } => {
                if payload["redrive"] == true {
                    let token = payload["client_token"].as_str().unwrap_or_default();
                    sfn::redrive(&self.sfn, execution_arn, token).await?;
                    Ok(Outcome {
                        summary: format!("redriven: {}", plan.target),
                        after: json!({"redriven": execution_arn}),
                    })
                } else {
                    let arn = sfn::start(
                        &self.sfn,
                        payload["state_machine_arn"].as_str().unwrap_or_default(),
                        payload["name"].as_str().unwrap_or_default(),
                        payload["input"].as_str(),
                    )
                    .await?;
                    Ok(Outcome {
                        summary: format!("started {arn}"),
                        after: json!({"started": arn}),
                    })
                }
            }
            Request::PauseAdhoc { .. } => {
                let cluster = self.cluster().ok_or("no cluster")?;
                let group = payload["parameter_group"].as_str().unwrap_or_default();
                let configuration = payload["configuration"].as_str().unwrap_or_default();
                // Saved first: whatever happens next, the previous configuration can be restored.
                self.state.save_paused_wlm(&super::PausedWlm {
                    cluster: cluster.to_string(),
                    parameter_group: group.to_string(),
                    previous: plan.before["wlm_json_configuration"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    paused_at: chrono::Utc::now().to_rfc3339(),
                    caller: self.caller().await,
                })?;
                redshift::set_wlm_configuration(&self.redshift, group, configuration).await?;
                let _ = progress.send("adhoc paused; batch favoured".into());
                let mut cancelled = Vec::new();
                for pid in payload["cancel"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_i64)
                {
                    match self.warehouse.execute(&format!("CANCEL {pid}")).await {
                        Ok(()) => cancelled.push(pid),
                        Err(e) => {
                            let _ = progress.send(format!("CANCEL {pid}: {e}"));
                        }
                    }
                }
                Ok(Outcome {
                    summary: format!(
                        "adhoc paused on {cluster}; {} adhoc quer(ies) cancelled; resume restores the saved configuration",
                        cancelled.len()
                    ),
                    after: json!({"wlm_json_configuration": configuration, "cancelled": cancelled}),
                })
            }
            Request::ResumeAdhoc => {
                let cluster = self.cluster().ok_or("no cluster")?;
                let group = payload["parameter_group"].as_str().unwrap_or_default();
                let configuration = payload["configuration"].as_str().unwrap_or_default();
                redshift::set_wlm_configuration(&self.redshift, group, configuration).await?;
                self.state.clear_paused_wlm(cluster)?;
                Ok(Outcome {
                    summary: format!("adhoc resumed on {cluster}: the saved configuration is back"),
                    after: json!({"wlm_json_configuration": configuration}),
                })
            }
            Request::ResyncTables { .. }
            | Request::Vacuum { .. }
            | Request::Analyze { .. }
            | Request::CancelQuery { .. } => {
                let ran = self.run_sql(plan, progress).await?;
                Ok(Outcome {
                    summary: format!("{} statement(s) ran: {}", ran.len(), plan.target),
                    after: json!({"statements": ran}),
                })
            }
            Request::StartExport { tenant } => {
                let config = self.tenant(tenant)?;
                let export = config.export.as_ref().ok_or("no export configured")?;
                let rds = self.rds_for(tenant)?;
                let snapshot_id = payload["snapshot"].as_str().unwrap_or_default();
                let task_id = payload["task"].as_str().unwrap_or_default();
                let snapshot_arn = rds::snapshot(
                    &rds,
                    &config.cluster_identifier,
                    snapshot_id,
                    progress,
                    self.patience,
                )
                .await?;
                let status = rds::export(
                    &rds,
                    task_id,
                    &snapshot_arn,
                    &rds::ExportTarget {
                        bucket: &export.bucket,
                        prefix: &export.prefix,
                        iam_role_arn: export.iam_role_arn.as_deref().unwrap_or_default(),
                        kms_key_id: export.kms_key_id.as_deref().unwrap_or_default(),
                    },
                    progress,
                    self.patience,
                )
                .await?;
                Ok(Outcome {
                    summary: format!("export {task_id} {status}"),
                    after: json!({"snapshot": snapshot_arn, "export_task": task_id, "status": status}),
                })
            }
        }
    }
}
