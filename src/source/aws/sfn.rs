//! Step Functions: the ELT state machine's recent executions, for the latest failure its
//! error, cause and the state that failed (three calls a refresh), and for a running execution
//! the state it is in now (one call more while one runs).

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_sfn::Client;
use aws_sdk_sfn::types::{ExecutionStatus, HistoryEventType};

use super::error::describe;
use super::{Api, Aws, Key, Limiter, time};
use crate::model::{CurrentStep, EltRun, EltStatus, SourceData, SourceId, Tenant};
use crate::source::{Source, SourceError};

/// How many recent executions the ELT view lists.
const RECENT: i32 = 50;

/// How many of a running execution's newest events are read to find the state it is in: a
/// state's own events after its `*StateEntered` (scheduled, started, a map's iterations) are few,
/// and one small page keeps the call cheap on every refresh.
pub(crate) const CURRENT_STEP_EVENTS: i32 = 25;

pub struct EltSource {
    client: Client,
    limiter: Limiter,
    state_machine_arn: String,
    tenants: Vec<Tenant>,
    interval: Duration,
}

impl EltSource {
    pub fn new(
        aws: &Aws,
        state_machine_arn: String,
        tenants: Vec<Tenant>,
        interval: Duration,
    ) -> Self {
        Self {
            client: aws.sfn(),
            limiter: aws.limiter.clone(),
            state_machine_arn,
            tenants,
            interval,
        }
    }

    /// Fills in why a failed run failed: DescribeExecution and its history, newest event first.
    async fn explain(&self, run: &mut EltRun) -> Result<(), String> {
        let (described, history) = tokio::join!(
            self.limiter.run(
                Key::central(Api::DescribeExecution),
                self.client
                    .describe_execution()
                    .execution_arn(&run.execution_arn)
                    .send()
            ),
            self.limiter.run(
                Key::central(Api::GetExecutionHistory),
                self.client
                    .get_execution_history()
                    .execution_arn(&run.execution_arn)
                    .reverse_order(true)
                    .max_results(100)
                    .send()
            ),
        );
        let described = described.map_err(|e| describe(&e))?;
        run.error = described.error().map(str::to_string);
        run.cause = described.cause().map(str::to_string);
        run.redrive_count = described.redrive_count().unwrap_or(0).max(0) as u32;
        let history = history.map_err(|e| describe(&e))?;
        run.failed_step = failed_state(history.events());
        run.failed_tenant = run
            .failed_step
            .as_deref()
            .and_then(|step| tenant_named_in(step, &self.tenants));
        if run.error.is_none() {
            run.error = history.events().iter().find_map(|event| {
                event
                    .execution_failed_event_details()
                    .and_then(|d| d.error())
                    .or_else(|| event.task_failed_event_details().and_then(|d| d.error()))
                    .map(str::to_string)
            });
        }
        Ok(())
    }
}

/// The state the execution was in when it failed: the last state entered.
pub(crate) fn failed_state(events: &[aws_sdk_sfn::types::HistoryEvent]) -> Option<String> {
    last_state_entered(events).map(|step| step.name)
}

/// The state a running execution is in now, from the newest page of its history
/// (GetExecutionHistory with `reverseOrder`, "to get the latest events first":
/// https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html).
/// `None` when the call fails: the run's status still shows, without its step.
pub(crate) async fn current_step(
    client: &Client,
    limiter: Option<&Limiter>,
    execution_arn: &str,
) -> Option<CurrentStep> {
    let call = client
        .get_execution_history()
        .execution_arn(execution_arn)
        .reverse_order(true)
        .max_results(CURRENT_STEP_EVENTS)
        .include_execution_data(false)
        .send();
    let history = match limiter {
        Some(limiter) => {
            limiter
                .run(Key::central(Api::GetExecutionHistory), call)
                .await
        }
        None => call.await,
    }
    .ok()?;
    last_state_entered(history.events())
}

/// The last state entered and when: its `*StateEntered` event's `stateEnteredEventDetails.name`
/// and `timestamp` (HistoryEvent:
/// https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html).
/// Event ids grow with time, so order by id rather than trust the page's order.
fn last_state_entered(events: &[aws_sdk_sfn::types::HistoryEvent]) -> Option<CurrentStep> {
    let mut newest_first: Vec<&aws_sdk_sfn::types::HistoryEvent> = events.iter().collect();
    newest_first.sort_by_key(|e| std::cmp::Reverse(e.id()));
    newest_first.into_iter().find_map(|event| {
        let entered = matches!(
            event.r#type(),
            HistoryEventType::TaskStateEntered
                | HistoryEventType::PassStateEntered
                | HistoryEventType::ChoiceStateEntered
                | HistoryEventType::FailStateEntered
                | HistoryEventType::ParallelStateEntered
                | HistoryEventType::MapStateEntered
                | HistoryEventType::WaitStateEntered
        );
        if !entered {
            return None;
        }
        let name = event.state_entered_event_details()?.name().to_string();
        Some(CurrentStep {
            name,
            entered_at: time(event.timestamp())?,
        })
    })
}

/// `COPY tenant_b` names tenant_b: a tenant whose name stands as a whole word in the state name.
fn tenant_named_in(step: &str, tenants: &[Tenant]) -> Option<String> {
    step.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .find_map(|word| tenants.iter().find(|t| t.name == word))
        .map(|t| t.name.clone())
}

/// A run as ListExecutions lists it: no failure details, no current step yet.
pub(crate) fn run_of(item: &aws_sdk_sfn::types::ExecutionListItem) -> Option<EltRun> {
    Some(EltRun {
        execution_arn: item.execution_arn().to_string(),
        name: item.name().to_string(),
        status: status(item.status()),
        started_at: time(item.start_date())?,
        stopped_at: item.stop_date().and_then(time),
        failed_step: None,
        failed_tenant: None,
        error: None,
        cause: None,
        redrive_count: item.redrive_count().unwrap_or(0).max(0) as u32,
        current_step: None,
        redriven_at: item.redrive_date().and_then(time),
    })
}

fn status(status: &ExecutionStatus) -> EltStatus {
    EltStatus::parse(status.as_str())
}

#[async_trait]
impl Source for EltSource {
    fn id(&self) -> SourceId {
        SourceId::Elt
    }

    fn interval(&self) -> Duration {
        self.interval
    }

    async fn fetch(&self) -> Result<SourceData, SourceError> {
        let output = self
            .limiter
            .run(
                Key::central(Api::ListExecutions),
                self.client
                    .list_executions()
                    .state_machine_arn(&self.state_machine_arn)
                    .max_results(RECENT)
                    .send(),
            )
            .await
            .map_err(|e| SourceError(describe(&e)))?;
        let mut runs: Vec<EltRun> = output.executions().iter().filter_map(run_of).collect();
        runs.sort_by_key(|r| std::cmp::Reverse(r.started_at));
        if let Some(failed) = runs.iter_mut().find(|r| r.status.is_failure()) {
            self.explain(failed).await.map_err(SourceError)?;
        }
        // Only running executions have a state they are in now; usually there is one or none.
        for running in runs.iter_mut().filter(|r| r.status == EltStatus::Running) {
            running.current_step =
                current_step(&self.client, Some(&self.limiter), &running.execution_arn).await;
        }
        Ok(SourceData::Elt(runs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Ingest;

    #[test]
    fn a_state_names_its_tenant_by_whole_word() {
        let tenant = |name: &str| Tenant {
            name: name.into(),
            metric_dimension_value: name.into(),
            schema: name.into(),
            account_id: String::new(),
            cluster_identifier: String::new(),
            ingest: Ingest::ZeroEtl {
                integration: String::new(),
            },
        };
        let tenants = [tenant("tenant_b"), tenant("tenant_bb")];
        assert_eq!(
            tenant_named_in("COPY tenant_bb", &tenants).as_deref(),
            Some("tenant_bb")
        );
        assert_eq!(
            tenant_named_in("COPY tenant_b", &tenants).as_deref(),
            Some("tenant_b")
        );
        assert_eq!(tenant_named_in("dbt run", &tenants), None);
    }
}
