//! Recovery actions against AWS. One file per service; SDK types never leave this module.

mod rds;
mod redshift;
mod redshift_serverless;
mod sfn;

use std::time::Duration;

use async_trait::async_trait;
use serde_json::{Value, json};
use tokio::sync::OnceCell;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::wlm::{WlmHome, cancel_queries, plan_change};
use super::{ApplyError, Operator, Outcome, Plan, Progress, Request, ResyncScope};
use crate::config::{Config, RedshiftConfig, TenantConfig, WarehouseRole, is_identifier};
use crate::source::aws::error::CallFailure;
use crate::source::aws::sql::{quote_identifier, quote_literal};
use crate::source::aws::{Account, Aws, Overrides, SignAs, Warehouse, accounts};

/// Acts on the fleet a config describes, with the central credentials (warehouse, Step Functions,
/// the cluster parameter group) and each tenant's operator role (snapshots, exports).
pub struct AwsOperator {
    config: Config,
    /// Every configured warehouse, by the name the config gives it.
    warehouses: Vec<(RedshiftConfig, Warehouse)>,
    parameters: crate::source::aws::redshift::Parameters,
    sfn: aws_sdk_sfn::Client,
    redshift: aws_sdk_redshift::Client,
    serverless: aws_sdk_redshiftserverless::Client,
    sts: aws_sdk_sts::Client,
    accounts: Vec<Account>,
    /// RDS for every tenant account: each call signs as its account.
    rds: aws_sdk_rds::Client,
    caller: OnceCell<String>,
    /// How long execution follows a snapshot or an export before leaving it to the refresh.
    pub patience: Duration,
}

/// The console's operator, connected on its first use (a preview, the caller's identity), not
/// before the console's first frame: connecting builds the SDK's configuration and the clients.
pub struct AwsOperatorOnFirstUse {
    config: Config,
    overrides: Overrides,
    operator: OnceCell<AwsOperator>,
}

impl AwsOperatorOnFirstUse {
    /// Refuses at once what [`AwsOperator::connect`] would refuse.
    pub fn new(config: &Config, overrides: &Overrides) -> Result<Self, String> {
        AwsOperator::check(config)?;
        Ok(Self {
            config: config.clone(),
            overrides: overrides.clone(),
            operator: OnceCell::new(),
        })
    }

    async fn operator(&self) -> &AwsOperator {
        self.operator
            .get_or_init(|| AwsOperator::connected(&self.config, &self.overrides))
            .await
    }
}

#[async_trait]
impl Operator for AwsOperatorOnFirstUse {
    async fn caller(&self) -> String {
        self.operator().await.caller().await
    }

    async fn plan(&self, request: &Request) -> Result<Plan, String> {
        self.operator().await.plan(request).await
    }

    async fn apply(&self, plan: &Plan, progress: &Progress) -> Result<Outcome, ApplyError> {
        self.operator().await.apply(plan, progress).await
    }
}

impl AwsOperator {
    pub async fn connect(config: &Config, overrides: &Overrides) -> Result<Self, String> {
        Self::check(config)?;
        Ok(Self::connected(config, overrides).await)
    }

    fn check(config: &Config) -> Result<(), String> {
        if config.all_warehouses().is_empty() {
            return Err("the config has no [redshift] (or [[warehouses]])".into());
        }
        Ok(())
    }

    async fn connected(config: &Config, overrides: &Overrides) -> Self {
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
        Self {
            config: config.clone(),
            warehouses: config
                .all_warehouses()
                .into_iter()
                .map(|w| (w.clone(), Warehouse::new(&aws, w)))
                .collect(),
            parameters: crate::source::aws::redshift::Parameters::new(&aws),
            sfn: aws_sdk_sfn::Client::new(&aws.central),
            redshift: aws_sdk_redshift::Client::new(&aws.central),
            serverless: aws.redshift_serverless(),
            sts: aws_sdk_sts::Client::new(&aws.central),
            rds: aws.rds(),
            accounts: accounts(&aws, &operators),
            caller: OnceCell::new(),
            patience: Duration::from_secs(120),
        }
    }

    fn tenant(&self, name: &str) -> Result<&TenantConfig, String> {
        self.config
            .tenants
            .iter()
            .find(|t| t.name.get_ref() == name)
            .ok_or_else(|| format!("no tenant named {name}"))
    }

    /// How a call signs as the account of `tenant`.
    fn sign_as(&self, tenant: &str) -> Result<&SignAs, String> {
        self.accounts
            .iter()
            .find(|a| a.tenants.iter().any(|t| t.name == tenant))
            .map(|a| &a.sign_as)
            .ok_or_else(|| format!("no account for tenant {tenant}"))
    }

    /// The warehouse that plays `role`.
    fn warehouse(&self, role: WarehouseRole) -> Result<&(RedshiftConfig, Warehouse), String> {
        self.warehouses
            .iter()
            .find(|(config, _)| config.has_role(role))
            .ok_or_else(|| format!("no warehouse has the role {:?}", role.key()))
    }

    /// The warehouse a plan's statements run on, as the plan names it.
    fn warehouse_named(&self, label: &str) -> Result<&Warehouse, String> {
        self.warehouses
            .iter()
            .find(|(config, _)| config.label() == label)
            .map(|(_, warehouse)| warehouse)
            .ok_or_else(|| format!("no warehouse named {label:?} in the config"))
    }

    /// The warehouse an integration replicates into: the configured Zero-ETL target whose
    /// namespace ARN is the integration's `TargetArn`, read from AWS. Never a guess: an
    /// integration whose target is none of them is refused.
    async fn integration_target(&self, target_arn: &str) -> Result<&RedshiftConfig, String> {
        let mut seen = Vec::new();
        for (config, _) in &self.warehouses {
            if !config.has_role(WarehouseRole::Integrations) {
                continue;
            }
            let arn = self
                .parameters
                .namespace_arn(config)
                .await
                .map_err(|e| format!("{}: {}", config.label(), e.message))?;
            if arn == target_arn {
                return Ok(config);
            }
            seen.push(format!("{} ({arn})", config.label()));
        }
        Err(format!(
            "the integration replicates into {target_arn}, which is none of the configured Zero-ETL targets: {}",
            if seen.is_empty() {
                "no warehouse has the role \"integrations\"".to_string()
            } else {
                seen.join(", ")
            }
        ))
    }

    /// The warehouse that holds a tenant's tables: its integration's target, or where the ELT
    /// COPYs its export.
    fn tenant_warehouse(
        &self,
        tenant: &TenantConfig,
    ) -> Result<&(RedshiftConfig, Warehouse), String> {
        let role = if tenant.integration.is_some() {
            WarehouseRole::Integrations
        } else {
            WarehouseRole::Elt
        };
        self.warehouse(role)
    }

    async fn plan_rerun(&self, request: &Request, execution_arn: &str) -> Result<Plan, String> {
        let target = sfn::execution(&self.sfn, execution_arn).await?;
        let (latest, running) =
            sfn::latest_and_running(&self.sfn, &target.state_machine_arn).await?;
        Ok(super::rerun::plan_rerun(
            request,
            &target,
            latest.as_ref(),
            &running,
            chrono::Utc::now(),
        ))
    }

    /// Where the WLM warehouse's configuration lives, and that configuration as AWS holds it
    /// now: read right before acting, so the plan starts from what is live.
    async fn wlm_home(&self) -> Result<(WlmHome, Option<String>), String> {
        let (config, _) = self.warehouse(WarehouseRole::Wlm)?;
        match (&config.cluster_identifier, &config.workgroup) {
            (Some(cluster), _) => {
                let group = redshift::parameter_group(&self.redshift, cluster).await?;
                let current = redshift::wlm_configuration(&self.redshift, &group).await?;
                let home = WlmHome::ParameterGroup {
                    cluster: cluster.clone(),
                    group,
                };
                Ok((home, Some(current)))
            }
            (None, Some(workgroup)) => {
                let current =
                    redshift_serverless::wlm_configuration(&self.serverless, workgroup).await?;
                let home = WlmHome::Workgroup {
                    workgroup: workgroup.clone(),
                };
                Ok((home, current))
            }
            (None, None) => Err(format!(
                "{} has neither cluster_identifier nor workgroup",
                config.label()
            )),
        }
    }

    async fn plan_wlm(&self, request: &Request) -> Result<Plan, String> {
        let (home, current) = self.wlm_home().await?;
        let mut plan = plan_change(request, &home, current.as_deref(), chrono::Utc::now());
        if plan.unsupported.is_none()
            && let Request::PauseAdhoc {
                cancel_running: true,
            } = request
        {
            let (_, wlm) = self.warehouse(WarehouseRole::Wlm)?;
            let sql = match home {
                WlmHome::ParameterGroup { .. } => crate::source::aws::sql::ADHOC_RUNNING,
                // SYS_QUERY_HISTORY names no queue on Serverless (`service_class_name` "is
                // empty" there: https://docs.aws.amazon.com/redshift/latest/dg/SYS_QUERY_HISTORY.html),
                // so which running query is adhoc's cannot be read: none is cancelled by a guess.
                // The pause's abort rule ends adhoc's queries as the workgroup evaluates it.
                WlmHome::Workgroup { .. } => {
                    plan.notes.push(
                        "no query is cancelled by pid: AWS names no queue for a Serverless query \
(SYS_QUERY_HISTORY.service_class_name is empty there); the pause's abort rule ends adhoc's running queries"
                            .into(),
                    );
                    return Ok(plan);
                }
            };
            let rows = wlm.query(sql).await?;
            let pids: Vec<i64> = rows
                .records()
                .filter_map(|r| r.get("pid").as_i64())
                .collect();
            cancel_queries(&mut plan, &pids);
        }
        Ok(plan)
    }

    /// Writes a planned configuration where the plan read it: the parameter group or the
    /// workgroup its payload names. Returns what holds it, as messages name it.
    async fn set_wlm(&self, payload: &Value) -> Result<String, ApplyError> {
        let configuration = payload["configuration"].as_str().unwrap_or_default();
        if let Some(workgroup) = payload["workgroup"].as_str() {
            redshift_serverless::set_wlm_configuration(&self.serverless, workgroup, configuration)
                .await?;
            return Ok(format!("workgroup {workgroup}"));
        }
        let group = payload["parameter_group"].as_str().unwrap_or_default();
        redshift::set_wlm_configuration(&self.redshift, group, configuration).await?;
        Ok(group.to_string())
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
        let described = self
            .rds
            .describe_integrations()
            .integration_identifier(integration)
            .customize()
            .config_override(self.sign_as(tenant)?.rds())
            .send()
            .await
            .map_err(|e| crate::source::aws::error::describe(&e))?;
        let found = described
            .integrations()
            .first()
            .ok_or_else(|| format!("integration {integration} not found"))?;
        let arn = found
            .integration_arn()
            .ok_or_else(|| format!("integration {integration} has no ARN"))?;
        let target = self
            .integration_target(found.target_arn().unwrap_or_default())
            .await?;
        let warehouse = self.warehouse_named(target.label())?;
        let id = crate::model::integration_id_from_arn(arn).to_string();
        let rows = warehouse
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
        let sql = scope.refresh_statement(&database, config.schema())?;
        let mut plan = Plan::new(
            request.clone(),
            format!("{tenant}: integration {integration}"),
        );
        plan.confirm = Some(tenant.to_string());
        plan.calls.push(sql.clone());
        plan.before =
            json!({"integration_id": id, "database": database, "warehouse": target.label()});
        plan.payload = json!({"sql": [sql], "warehouse": target.label()});
        Ok(plan)
    }

    async fn plan_export(&self, request: &Request, tenant: &str) -> Result<Plan, String> {
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
        // An export of this tenant still running: a second would export the same data twice.
        let tasks = self
            .rds
            .describe_export_tasks()
            .customize()
            .config_override(self.sign_as(tenant)?.rds())
            .send()
            .await
            .map_err(|e| crate::source::aws::error::describe(&e))?;
        let running: Vec<super::export::Running> = tasks
            .export_tasks()
            .iter()
            .filter(|t| t.s3_bucket() == Some(export.bucket.as_str()))
            .filter(|t| t.s3_prefix().unwrap_or_default() == export.prefix)
            .filter(|t| {
                crate::model::ExportStatus::parse(t.status().unwrap_or_default()).is_running()
            })
            .map(|t| super::export::Running {
                id: t.export_task_identifier().unwrap_or_default().to_string(),
                status: t.status().unwrap_or_default().to_ascii_uppercase(),
                percent: t.percent_progress().unwrap_or(0),
            })
            .collect();
        if super::export::refuse_while_running(&mut plan, &running) {
            return Ok(plan);
        }
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
        let (warehouse_config, warehouse) = self.tenant_warehouse(config)?;
        let rows = warehouse
            .query(&format!(
                "SELECT TRIM(\"table\") AS table_name FROM svv_table_info WHERE \"schema\" = {} ORDER BY 1",
                quote_literal(schema)
            ))
            .await?;
        let verb = match request {
            Request::Vacuum { .. } => crate::action::VACUUM_STATEMENT,
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
        plan.payload = json!({"sql": statements, "warehouse": warehouse_config.label()});
        Ok(plan)
    }

    async fn run_sql(&self, plan: &Plan, progress: &Progress) -> Result<Vec<String>, ApplyError> {
        let statements: Vec<String> =
            serde_json::from_value(plan.payload["sql"].clone()).unwrap_or_default();
        let warehouse =
            self.warehouse_named(plan.payload["warehouse"].as_str().unwrap_or_default())?;
        let total = statements.len();
        for (i, sql) in statements.iter().enumerate() {
            let _ = progress.send(format!("{}/{total}: {sql}", i + 1));
            match warehouse.execute(sql).await {
                Ok(()) => {}
                Err(CallFailure::Refused(error)) if i > 0 => {
                    return Err(ApplyError::NotDone(format!(
                        "statement {}/{total} refused: {error} (the {i} before it ran)",
                        i + 1
                    )));
                }
                Err(failure) => return Err(failure.into()),
            }
        }
        Ok(statements)
    }

    /// Redrive or start, as planned. Step Functions' idempotency makes a second operator's call
    /// for the same rerun a no-op: the same client token, or the same execution name.
    async fn apply_rerun(&self, plan: &Plan, execution_arn: &str) -> Result<Outcome, ApplyError> {
        let payload = &plan.payload;
        let sent_at = chrono::Utc::now();
        if payload["redrive"] == true {
            let token = payload["client_token"].as_str().unwrap_or_default();
            let redriven_at = sfn::redrive(&self.sfn, execution_arn, token).await?;
            let earlier = redriven_at.filter(|at| *at < sent_at - chrono::Duration::seconds(1));
            return Ok(Outcome {
                summary: match earlier {
                    Some(at) => format!(
                        "already rerun at {} as {} (the same redrive, asked before): nothing more was done",
                        at.format("%Y-%m-%d %H:%M:%S UTC"),
                        plan.target
                    ),
                    None => format!("redriven: {}", plan.target),
                },
                after: json!({"redriven": execution_arn, "redrive_date": redriven_at}),
            });
        }
        let machine = payload["state_machine_arn"].as_str().unwrap_or_default();
        let name = payload["name"].as_str().unwrap_or_default();
        match sfn::start(&self.sfn, machine, name, payload["input"].as_str()).await? {
            sfn::Started::New { arn, at } => {
                let earlier = at.filter(|at| *at < sent_at - chrono::Duration::seconds(1));
                Ok(Outcome {
                    summary: match earlier {
                        Some(at) => format!(
                            "already rerun at {} as {name} (the same rerun, asked before): nothing more was done",
                            at.format("%Y-%m-%d %H:%M:%S UTC")
                        ),
                        None => format!("started {name}"),
                    },
                    after: json!({"started": arn}),
                })
            }
            sfn::Started::Exists => {
                let arn = format!(
                    "{}:{name}",
                    machine.replacen(":stateMachine:", ":execution:", 1)
                );
                let when = sfn::execution(&self.sfn, &arn)
                    .await
                    .map(|e| e.run.started_at.format("%Y-%m-%d %H:%M UTC").to_string())
                    .unwrap_or_else(|_| "an earlier time".into());
                Err(ApplyError::NotDone(format!(
                    "already rerun at {when} as {name} (ExecutionAlreadyExists): nothing was done"
                )))
            }
        }
    }
}

/// The error of a call that changes something: refused by the service (nothing was done), or
/// unanswered (it may have been done).
pub(crate) fn change_error<E, R>(error: &SdkError<E, R>) -> ApplyError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    crate::source::aws::error::classify(error).into()
}

impl From<CallFailure> for ApplyError {
    fn from(failure: CallFailure) -> Self {
        match failure {
            CallFailure::Refused(message) => ApplyError::NotDone(message),
            CallFailure::Unanswered(message) => ApplyError::Unknown(message),
        }
    }
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
            Request::StopElt { execution_arn } => {
                let mut target = sfn::execution(&self.sfn, execution_arn).await?;
                if target.run.status == crate::model::EltStatus::Running {
                    target.run.current_step = sfn::current_step(&self.sfn, execution_arn).await;
                }
                Ok(super::stop::plan_stop(
                    request,
                    &target.run,
                    chrono::Utc::now(),
                ))
            }
            Request::PauseAdhoc { .. } | Request::ResumeAdhoc => self.plan_wlm(request).await,
            Request::ResyncTables { tenant, scope } => {
                self.plan_resync(request, tenant, scope).await
            }
            Request::StartExport { tenant } => self.plan_export(request, tenant).await,
            Request::Vacuum { tenant } | Request::Analyze { tenant } => {
                self.plan_maintenance(request, tenant).await
            }
            Request::CancelQuery { pid } => {
                let mut plan = Plan::new(request.clone(), format!("query pid {pid}"));
                plan.confirm = Some(pid.to_string());
                let sql = format!("CANCEL {pid}");
                plan.calls.push(sql.clone());
                let (wlm, _) = self.warehouse(WarehouseRole::Wlm)?;
                plan.payload = json!({"sql": [sql], "warehouse": wlm.label()});
                Ok(plan)
            }
        }
    }

    async fn apply(&self, plan: &Plan, progress: &Progress) -> Result<Outcome, ApplyError> {
        self.apply_plan(plan, progress).await
    }
}

impl AwsOperator {
    async fn apply_plan(&self, plan: &Plan, progress: &Progress) -> Result<Outcome, ApplyError> {
        let payload = &plan.payload;
        match &plan.request {
            Request::RerunElt { execution_arn } => self.apply_rerun(plan, execution_arn).await,
            Request::StopElt { execution_arn } => {
                let error = payload["error"].as_str().unwrap_or_default();
                let cause = payload["cause"].as_str().unwrap_or_default();
                let stopped = sfn::stop(&self.sfn, execution_arn, error, cause).await?;
                Ok(Outcome {
                    summary: format!("stopped: {} is ABORTED; :rerun redrives it", plan.target),
                    after: json!({"stopped": execution_arn, "stop_date": stopped}),
                })
            }
            Request::PauseAdhoc { .. } => {
                let (wlm_config, wlm) = self.warehouse(WarehouseRole::Wlm)?;
                let holder = self.set_wlm(payload).await?;
                let configuration = payload["configuration"].as_str().unwrap_or_default();
                let _ =
                    progress.send("adhoc paused: its queries are aborted; batch favoured".into());
                let mut cancelled = Vec::new();
                for pid in payload["cancel"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_i64)
                {
                    match wlm.execute(&format!("CANCEL {pid}")).await {
                        Ok(()) => cancelled.push(pid),
                        Err(e) => {
                            let _ = progress.send(format!("CANCEL {pid}: {e}"));
                        }
                    }
                }
                Ok(Outcome {
                    summary: format!(
                        "adhoc paused on {} (the pause is in {holder}'s wlm_json_configuration); {} adhoc quer(ies) cancelled; :resume-adhoc undoes it",
                        wlm_config.label(),
                        cancelled.len()
                    ),
                    after: json!({"wlm_json_configuration": configuration, "cancelled": cancelled}),
                })
            }
            Request::ResumeAdhoc => {
                let (wlm_config, _) = self.warehouse(WarehouseRole::Wlm)?;
                self.set_wlm(payload).await?;
                let configuration = payload["configuration"].as_str().unwrap_or_default();
                Ok(Outcome {
                    summary: format!(
                        "adhoc resumed on {}: its configuration is as before the pause",
                        wlm_config.label()
                    ),
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
                let sign_as = self.sign_as(tenant)?;
                let snapshot_id = payload["snapshot"].as_str().unwrap_or_default();
                let task_id = payload["task"].as_str().unwrap_or_default();
                let snapshot_arn = rds::snapshot(
                    &self.rds,
                    sign_as,
                    &config.cluster_identifier,
                    snapshot_id,
                    progress,
                    self.patience,
                )
                .await?;
                let status = rds::export(
                    &self.rds,
                    sign_as,
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
