//! Recovery actions against the simulated fleet: the same plans, previews and confirmations as
//! against AWS, so the demo trains the real gestures; execution changes the simulated world.

use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use serde_json::json;

use super::wlm::{cancel_queries, plan_change};
use super::{Operator, Outcome, PausedWlm, Plan, Progress, Request, ResyncScope, StateDir};
use crate::model::{Ingest, Tenant};
use crate::source::Clock;
use crate::source::aws::sql::quote_identifier;
use crate::source::sim::{SharedWorld, SimWorld};

const CLUSTER: &str = "dpc-learning";
const PARAMETER_GROUP: &str = "dpc-learning-params";
/// The name the demo's saved WLM configuration goes by in the state dir, apart from any real
/// cluster's (`paused-wlm-demo.json`).
const SAVED_AS: &str = "demo";

pub struct SimOperator {
    world: SharedWorld,
    clock: Arc<dyn Clock>,
    /// The configuration saved by a pause, restored exactly by resume: in the state dir when
    /// there is one (so a pause survives a restart, as against AWS), else in memory.
    paused: Mutex<Option<PausedWlm>>,
    state: Option<StateDir>,
}

impl SimOperator {
    /// An operator that keeps a paused configuration in memory only.
    pub fn new(world: SharedWorld, clock: Arc<dyn Clock>) -> Self {
        Self {
            world,
            clock,
            paused: Mutex::new(None),
            state: None,
        }
    }

    /// An operator that saves the configuration a pause replaces in `state`, as the AWS operator
    /// does: a restarted demo can still resume adhoc.
    pub fn with_state(world: SharedWorld, clock: Arc<dyn Clock>, state: StateDir) -> Self {
        Self {
            state: Some(state),
            ..Self::new(world, clock)
        }
    }

    /// The world, advanced to now.
    fn world(&self) -> std::sync::MutexGuard<'_, SimWorld> {
        let mut world = self.world.lock().unwrap_or_else(PoisonError::into_inner);
        world.advance_to(self.clock.now());
        world
    }

    fn saved(&self) -> Option<PausedWlm> {
        match &self.state {
            Some(state) => state.paused_wlm(SAVED_AS),
            None => self
                .paused
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        }
    }

    /// Saves the configuration to restore, before the change is made.
    fn save(&self, previous: String, caller: String) -> Result<(), String> {
        let paused = PausedWlm {
            cluster: SAVED_AS.into(),
            parameter_group: PARAMETER_GROUP.into(),
            previous,
            paused_at: self.clock.now().to_rfc3339(),
            caller,
        };
        match &self.state {
            Some(state) => state.save_paused_wlm(&paused),
            None => {
                *self.paused.lock().unwrap_or_else(PoisonError::into_inner) = Some(paused);
                Ok(())
            }
        }
    }

    fn forget_saved(&self) -> Result<(), String> {
        match &self.state {
            Some(state) => state.clear_paused_wlm(SAVED_AS),
            None => {
                *self.paused.lock().unwrap_or_else(PoisonError::into_inner) = None;
                Ok(())
            }
        }
    }

    fn tenant(world: &SimWorld, name: &str) -> Result<Tenant, String> {
        world
            .tenants()
            .iter()
            .find(|t| t.name == name)
            .cloned()
            .ok_or_else(|| format!("no tenant named {name}"))
    }

    fn plan_wlm(&self, request: &Request) -> Plan {
        let world = self.world();
        let current = world.wlm_configuration();
        let mut plan = plan_change(request, CLUSTER, PARAMETER_GROUP, &current, self.saved());
        if plan.unsupported.is_none()
            && let Request::PauseAdhoc {
                cancel_running: true,
            } = request
        {
            let pids: Vec<i64> = world
                .running_queries()
                .into_iter()
                .filter(|q| q.queue == "adhoc")
                .map(|q| q.pid)
                .collect();
            cancel_queries(&mut plan, &pids);
        }
        plan
    }
}

#[async_trait]
impl Operator for SimOperator {
    async fn caller(&self) -> String {
        let user = std::env::var("USER").unwrap_or_else(|_| "operator".into());
        format!("demo:{user}")
    }

    async fn plan(&self, request: &Request) -> Result<Plan, String> {
        let now = self.clock.now();
        match request {
            Request::RerunElt { execution_arn } => {
                let world = self.world();
                let run = world
                    .elt_runs()
                    .into_iter()
                    .find(|r| &r.execution_arn == execution_arn)
                    .ok_or_else(|| format!("ExecutionDoesNotExist: {execution_arn}"))?;
                let mut plan = Plan::new(request.clone(), format!("execution {}", run.name));
                plan.confirm = Some("daily-elt".into());
                plan.before =
                    json!({"status": run.status.as_str(), "redrive_count": run.redrive_count});
                let recent = run
                    .stopped_at
                    .is_some_and(|t| now - t <= chrono::Duration::days(14));
                if run.status.is_failure() && recent {
                    plan.calls.push(format!(
                        "states:RedriveExecution executionArn={execution_arn} clientToken=shiftops-{}-{}",
                        run.name, run.redrive_count
                    ));
                    plan.payload = json!({"redrive": true});
                } else {
                    let name = format!("{}-rerun-{}", run.name, now.format("%Y%m%dT%H%M"));
                    plan.notes.push(format!(
                        "not redrivable (it is {}): starting it again under a new name",
                        run.status
                    ));
                    plan.calls.push(format!(
                        "states:StartExecution stateMachineArn=arn:aws:states:us-east-1:999999999999:stateMachine:daily-elt name={name}"
                    ));
                    plan.payload = json!({"redrive": false, "name": name});
                }
                Ok(plan)
            }
            Request::PauseAdhoc { .. } | Request::ResumeAdhoc => Ok(self.plan_wlm(request)),
            Request::ResyncTables { tenant, scope } => {
                let world = self.world();
                let found = Self::tenant(&world, tenant)?;
                let mut plan = Plan::new(request.clone(), format!("{tenant}: integration"));
                let Ingest::ZeroEtl { integration } = &found.ingest else {
                    plan.unsupported = Some(format!(
                        "{tenant} is on the export path: it has no integration"
                    ));
                    return Ok(plan);
                };
                plan.target = format!("{tenant}: integration {integration}");
                let tables = match scope {
                    ResyncScope::InError => "INERROR TABLES".to_string(),
                    ResyncScope::All => "ALL TABLES".to_string(),
                    ResyncScope::Tables(tables) => format!("TABLES {}", tables.join(", ")),
                };
                plan.confirm = Some(tenant.clone());
                plan.calls.push(format!(
                    "ALTER DATABASE {} INTEGRATION REFRESH {tables}",
                    quote_identifier(&format!("{tenant}_zeroetl"))
                ));
                Ok(plan)
            }
            Request::StartExport { tenant } => {
                let world = self.world();
                let found = Self::tenant(&world, tenant)?;
                let mut plan = Plan::new(request.clone(), tenant.as_str());
                let Ingest::Export { bucket, prefix } = &found.ingest else {
                    plan.unsupported = Some(format!(
                        "{tenant} is on the Zero-ETL path: it has no export"
                    ));
                    return Ok(plan);
                };
                let cluster = &found.cluster_identifier;
                let stamp = now.format("%Y%m%d-%H%M%S");
                plan.confirm = Some(tenant.clone());
                plan.calls.push(format!(
                    "rds:CreateDBClusterSnapshot DBClusterIdentifier={cluster} DBClusterSnapshotIdentifier={cluster}-snapshot-{stamp}"
                ));
                plan.calls.push(format!(
                    "rds:DescribeDBClusterSnapshots until {cluster}-snapshot-{stamp} is available"
                ));
                plan.calls.push(format!(
                    "rds:StartExportTask ExportTaskIdentifier={cluster}-export-{stamp} S3BucketName={bucket} S3Prefix={prefix}"
                ));
                Ok(plan)
            }
            Request::Vacuum { tenant } | Request::Analyze { tenant } => {
                let world = self.world();
                let found = Self::tenant(&world, tenant)?;
                let verb = if matches!(request, Request::Vacuum { .. }) {
                    "VACUUM"
                } else {
                    "ANALYZE"
                };
                let mut plan = Plan::new(
                    request.clone(),
                    format!("{tenant}: schema {}", found.schema),
                );
                plan.confirm = Some(tenant.clone());
                let mut tables: Vec<String> = world
                    .warehouse()
                    .tables
                    .into_iter()
                    .filter(|t| t.schema == found.schema)
                    .map(|t| t.table)
                    .collect();
                tables.sort();
                plan.calls = tables
                    .iter()
                    .map(|t| {
                        format!(
                            "{verb} {}.{}",
                            quote_identifier(&found.schema),
                            quote_identifier(t)
                        )
                    })
                    .collect();
                Ok(plan)
            }
            Request::CancelQuery { pid } => {
                let world = self.world();
                let mut plan = Plan::new(request.clone(), format!("query pid {pid}"));
                plan.confirm = Some(pid.to_string());
                plan.calls.push(format!("CANCEL {pid}"));
                match world.running_queries().into_iter().find(|q| q.pid == *pid) {
                    Some(query) => plan.notes.push(format!(
                        "{} query of {} in {}: {}",
                        query.state, query.user, query.queue, query.sql
                    )),
                    None => plan
                        .notes
                        .push(format!("no query with pid {pid} is running now")),
                }
                Ok(plan)
            }
        }
    }

    async fn apply(&self, plan: &Plan, progress: &Progress) -> Result<Outcome, String> {
        let now = self.clock.now();
        let caller = self.caller().await;
        let mut world = self.world();
        match &plan.request {
            Request::RerunElt { execution_arn } => {
                if plan.payload["redrive"] == true {
                    world.redrive(execution_arn, now)?;
                    Ok(Outcome {
                        summary: format!("redriven: {}", plan.target),
                        after: json!({"redriven": execution_arn}),
                    })
                } else {
                    let name = plan.payload["name"].as_str().unwrap_or_default();
                    let arn = world.start_execution(name, now)?;
                    Ok(Outcome {
                        summary: format!("started {arn}"),
                        after: json!({"started": arn}),
                    })
                }
            }
            Request::PauseAdhoc { .. } => {
                let previous = plan.before["wlm_json_configuration"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                // Saved first: whatever happens next, the previous configuration can be restored.
                self.save(previous, caller)?;
                let configuration = plan.payload["configuration"].as_str().unwrap_or_default();
                world.set_wlm_configuration(configuration, now)?;
                let mut cancelled = 0;
                for pid in plan.payload["cancel"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p.as_i64())
                {
                    match world.cancel_query(pid) {
                        Ok(()) => cancelled += 1,
                        Err(e) => {
                            let _ = progress.send(format!("CANCEL {pid}: {e}"));
                        }
                    }
                }
                Ok(Outcome {
                    summary: format!(
                        "adhoc paused; {cancelled} adhoc quer(ies) cancelled; resume restores the saved configuration"
                    ),
                    after: json!({"wlm_json_configuration": configuration}),
                })
            }
            Request::ResumeAdhoc => {
                let configuration = plan.payload["configuration"].as_str().unwrap_or_default();
                world.set_wlm_configuration(configuration, now)?;
                self.forget_saved()?;
                Ok(Outcome {
                    summary: "adhoc resumed: the saved configuration is back".into(),
                    after: json!({"wlm_json_configuration": configuration}),
                })
            }
            Request::ResyncTables { tenant, scope } => {
                let tables = world.resync_tables(tenant, *scope == ResyncScope::All, now)?;
                Ok(Outcome {
                    summary: format!(
                        "resync started for {} table(s): {}",
                        tables.len(),
                        tables.join(", ")
                    ),
                    after: json!({"tables": tables}),
                })
            }
            Request::StartExport { tenant } => {
                let (snapshot, task) = world.start_export(tenant, now)?;
                let _ = progress.send(format!("snapshot {snapshot}: available"));
                Ok(Outcome {
                    summary: format!("export {task} started from {snapshot}"),
                    after: json!({"snapshot": snapshot, "export_task": task}),
                })
            }
            Request::Vacuum { tenant } | Request::Analyze { tenant } => {
                let tables = if matches!(plan.request, Request::Vacuum { .. }) {
                    world.vacuum(tenant, now)?
                } else {
                    world.analyze(tenant, now)?
                };
                Ok(Outcome {
                    summary: format!("{} statement(s) ran: {}", tables.len(), plan.target),
                    after: json!({"tables": tables}),
                })
            }
            Request::CancelQuery { pid } => {
                world.cancel_query(*pid)?;
                Ok(Outcome {
                    summary: format!("query {pid} cancelled"),
                    after: json!({"cancelled": pid}),
                })
            }
        }
    }
}
