//! Recovery actions against the simulated fleet: the same plans, previews and confirmations as
//! against AWS, so the demo trains the real gestures; execution changes the simulated world.

use std::sync::{Arc, PoisonError};

use async_trait::async_trait;
use serde_json::json;

use super::rerun::{Execution, plan_rerun};
use super::wlm::{WlmHome, cancel_queries, plan_change};
use super::{ApplyError, Operator, Outcome, Plan, Progress, Request, ResyncScope, StateDir};
use crate::model::{EltStatus, Ingest, Tenant};
use crate::source::Clock;
use crate::source::aws::sql::quote_identifier;
use crate::source::sim::{SharedWorld, SimWorld};

const CLUSTER: &str = "dpc-learning";
const PARAMETER_GROUP: &str = "dpc-learning-params";
const STATE_MACHINE_ARN: &str = "arn:aws:states:us-east-1:999999999999:stateMachine:daily-elt";
/// The demo's parameter group as AWS would hold it, in the console's state dir: a pause made in
/// the demo is still in place after a restart, as it would be on a real cluster, and consoles
/// with their own state dirs have their own demo.
const DEMO_WLM_FILE: &str = "demo-wlm-configuration.json";

pub struct SimOperator {
    world: SharedWorld,
    clock: Arc<dyn Clock>,
    state: Option<StateDir>,
}

impl SimOperator {
    /// An operator whose changes live only as long as the world.
    pub fn new(world: SharedWorld, clock: Arc<dyn Clock>) -> Self {
        Self {
            world,
            clock,
            state: None,
        }
    }

    /// An operator whose WLM changes outlive the process in `state`, as they would in AWS: the
    /// world takes the configuration saved there, if any. A saved configuration that cannot be
    /// read or is not a valid one is an error naming the file, never silently dropped.
    pub fn with_state(
        world: SharedWorld,
        clock: Arc<dyn Clock>,
        state: StateDir,
    ) -> Result<Self, String> {
        let path = state.path().join(DEMO_WLM_FILE);
        let operator = Self {
            state: Some(state),
            ..Self::new(world, clock)
        };
        let saved = match std::fs::read_to_string(&path) {
            Ok(saved) => saved,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(operator),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        let now = operator.clock.now();
        operator
            .world()
            .set_wlm_configuration(&saved, now)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(operator)
    }

    /// ModifyClusterParameterGroup on the demo: the world, then the state dir.
    fn set_configuration(&self, world: &mut SimWorld, configuration: &str) -> Result<(), String> {
        world.set_wlm_configuration(configuration, self.clock.now())?;
        match &self.state {
            Some(state) => state.write_atomically(DEMO_WLM_FILE, configuration),
            None => Ok(()),
        }
    }

    /// The world, advanced to now.
    fn world(&self) -> std::sync::MutexGuard<'_, SimWorld> {
        let mut world = self.world.lock().unwrap_or_else(PoisonError::into_inner);
        world.advance_to(self.clock.now());
        world
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
        let home = WlmHome::ParameterGroup {
            cluster: CLUSTER.into(),
            group: PARAMETER_GROUP.into(),
        };
        let mut plan = plan_change(request, &home, Some(current.as_str()), self.clock.now());
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
                let runs = world.elt_runs();
                let run = runs
                    .iter()
                    .find(|r| &r.execution_arn == execution_arn)
                    .cloned()
                    .ok_or_else(|| format!("ExecutionDoesNotExist: {execution_arn}"))?;
                let running: Vec<_> = runs
                    .iter()
                    .filter(|r| r.status == EltStatus::Running)
                    .cloned()
                    .collect();
                let target = Execution {
                    run,
                    state_machine_arn: STATE_MACHINE_ARN.into(),
                    input: Some("{}".into()),
                    not_redrivable: None,
                };
                Ok(plan_rerun(request, &target, runs.first(), &running, now))
            }
            Request::StopElt { execution_arn } => {
                let runs = self.world().elt_runs();
                let run = runs
                    .iter()
                    .find(|r| &r.execution_arn == execution_arn)
                    .ok_or_else(|| format!("ExecutionDoesNotExist: {execution_arn}"))?;
                Ok(super::stop::plan_stop(request, run, now))
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
                plan.confirm = Some(tenant.clone());
                plan.calls
                    .push(scope.refresh_statement(&format!("{tenant}_zeroetl"), &found.schema)?);
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
                let running: Vec<super::export::Running> = world
                    .rds()
                    .exports
                    .into_iter()
                    .filter(|t| &t.tenant == tenant && t.status.is_running())
                    .map(|t| super::export::Running {
                        id: t.id,
                        status: t.status.as_str().to_ascii_uppercase(),
                        percent: i32::from(t.percent_progress),
                    })
                    .collect();
                if super::export::refuse_while_running(&mut plan, &running) {
                    return Ok(plan);
                }
                let cluster = &found.cluster_identifier;
                let (snapshot, task) = world.export_ids(tenant, now)?;
                plan.confirm = Some(tenant.clone());
                plan.calls.push(format!(
                    "rds:CreateDBClusterSnapshot DBClusterIdentifier={cluster} DBClusterSnapshotIdentifier={snapshot}"
                ));
                plan.calls.push(format!(
                    "rds:DescribeDBClusterSnapshots until {snapshot} is available"
                ));
                plan.calls.push(format!(
                    "rds:StartExportTask ExportTaskIdentifier={task} S3BucketName={bucket} S3Prefix={prefix}"
                ));
                plan.payload = json!({"snapshot": snapshot, "task": task});
                Ok(plan)
            }
            Request::Vacuum { tenant } | Request::Analyze { tenant } => {
                let world = self.world();
                let found = Self::tenant(&world, tenant)?;
                let verb = if matches!(request, Request::Vacuum { .. }) {
                    crate::action::VACUUM_STATEMENT
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

    async fn apply(&self, plan: &Plan, progress: &Progress) -> Result<Outcome, ApplyError> {
        // The demo answers every call: its errors are refusals, nothing was done.
        self.apply_plan(plan, progress).map_err(ApplyError::NotDone)
    }
}

impl SimOperator {
    fn apply_plan(&self, plan: &Plan, progress: &Progress) -> Result<Outcome, String> {
        let now = self.clock.now();
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
                        summary: format!("started {name}"),
                        after: json!({"started": arn}),
                    })
                }
            }
            Request::StopElt { execution_arn } => {
                world.stop_execution(execution_arn, now)?;
                Ok(Outcome {
                    summary: format!("stopped: {} is ABORTED; :rerun redrives it", plan.target),
                    after: json!({"stopped": execution_arn}),
                })
            }
            Request::PauseAdhoc { .. } => {
                let configuration = plan.payload["configuration"].as_str().unwrap_or_default();
                self.set_configuration(&mut world, configuration)?;
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
                        "adhoc paused (the pause is in {PARAMETER_GROUP}'s wlm_json_configuration); {cancelled} adhoc quer(ies) cancelled; :resume-adhoc undoes it"
                    ),
                    after: json!({"wlm_json_configuration": configuration}),
                })
            }
            Request::ResumeAdhoc => {
                let configuration = plan.payload["configuration"].as_str().unwrap_or_default();
                self.set_configuration(&mut world, configuration)?;
                Ok(Outcome {
                    summary: "adhoc resumed: its configuration is as before the pause".into(),
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
                let snapshot = plan.payload["snapshot"].as_str().unwrap_or_default();
                let task = plan.payload["task"].as_str().unwrap_or_default();
                let (snapshot, task) = world.start_export_as(tenant, snapshot, task, now)?;
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

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::source::ManualClock;
    use crate::source::sim::{Scenario, SimOptions, fleet_with_world};

    #[tokio::test]
    async fn the_export_that_runs_is_the_one_the_preview_named_and_runs_once() {
        let clock = Arc::new(ManualClock::new(
            chrono::Utc.with_ymd_and_hms(2026, 11, 21, 6, 0, 0).unwrap(),
        ));
        let (_, world) = fleet_with_world(
            &SimOptions {
                tenants: 3,
                scenario: Scenario::ExportFailure,
                seed: 7,
                ..SimOptions::default()
            },
            clock.clone(),
        );
        let operator = SimOperator::new(world, clock.clone());
        let request = Request::StartExport {
            tenant: "tenant_b".into(),
        };
        let plan = operator.plan(&request).await.unwrap();
        let task = plan.payload["task"].as_str().unwrap().to_string();
        assert!(plan.calls[2].contains(&format!("ExportTaskIdentifier={task} ")));
        // The engineer reads the preview for a while before confirming.
        clock.advance(chrono::Duration::seconds(95));
        let (progress, _updates) = Progress::channel();
        let outcome = operator.apply(&plan, &progress).await.unwrap();
        assert_eq!(outcome.after["export_task"], task.as_str());
        // While it runs (as the next minute's data shows it), a second export of the same tenant is
        // refused: it would export the same data twice.
        clock.advance(chrono::Duration::minutes(1));
        let again = operator.plan(&request).await.unwrap();
        let why = again.unsupported.unwrap();
        assert!(
            why.starts_with(&format!("export {task} is "))
                && why.contains("export the same data twice"),
            "{why}"
        );
    }
}
