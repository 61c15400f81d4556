//! Step Functions: what a rerun needs to know (the execution, the latest one, those running and
//! where they are), and the redrive or start itself.

use aws_sdk_sfn::Client;
use aws_sdk_sfn::types::{ExecutionRedriveStatus, ExecutionStatus};

use super::change_error;
use crate::action::ApplyError;
use crate::action::rerun::Execution;
use crate::model::{CurrentStep, EltRun, EltStatus, Time};
use crate::source::aws::error::describe;
use crate::source::aws::sfn::run_of;

fn time(value: Option<&aws_smithy_types::DateTime>) -> Option<Time> {
    value.and_then(|t| chrono::DateTime::from_timestamp(t.secs(), t.subsec_nanos()))
}

/// The execution to rerun, as Step Functions describes it now.
pub async fn execution(client: &Client, execution_arn: &str) -> Result<Execution, String> {
    let execution = client
        .describe_execution()
        .execution_arn(execution_arn)
        .send()
        .await
        .map_err(|e| describe(&e))?;
    let not_redrivable =
        (execution.redrive_status() == Some(&ExecutionRedriveStatus::NotRedrivable)).then(|| {
            execution
                .redrive_status_reason()
                .unwrap_or("Step Functions marks it NOT_REDRIVABLE")
                .to_string()
        });
    Ok(Execution {
        run: EltRun {
            execution_arn: execution.execution_arn().to_string(),
            name: execution.name().unwrap_or_default().to_string(),
            status: EltStatus::parse(execution.status().as_str()),
            started_at: time(Some(execution.start_date())).unwrap_or_default(),
            stopped_at: time(execution.stop_date()),
            failed_step: None,
            failed_tenant: None,
            error: execution.error().map(str::to_string),
            cause: None,
            redrive_count: execution.redrive_count().unwrap_or(0).max(0) as u32,
            current_step: None,
            redriven_at: time(execution.redrive_date()),
        },
        state_machine_arn: execution.state_machine_arn().to_string(),
        input: execution.input().map(str::to_string),
        not_redrivable,
    })
}

/// The state machine's latest execution, and those RUNNING now (each with its current step).
/// ListExecutions lists the most recent first ("ListExecutions", AWS Step Functions API
/// Reference: "Results are sorted by time, with the most recent execution first",
/// https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html).
pub async fn latest_and_running(
    client: &Client,
    state_machine_arn: &str,
) -> Result<(Option<EltRun>, Vec<EltRun>), String> {
    let latest = client
        .list_executions()
        .state_machine_arn(state_machine_arn)
        .max_results(1)
        .send()
        .await
        .map_err(|e| describe(&e))?;
    let running = client
        .list_executions()
        .state_machine_arn(state_machine_arn)
        .status_filter(ExecutionStatus::Running)
        .max_results(10)
        .send()
        .await
        .map_err(|e| describe(&e))?;
    let mut runs: Vec<EltRun> = running.executions().iter().filter_map(run_of).collect();
    for run in &mut runs {
        run.current_step = current_step(client, &run.execution_arn).await;
    }
    Ok((latest.executions().first().and_then(run_of), runs))
}

/// The state a running execution is in: the last state it entered.
pub async fn current_step(client: &Client, execution_arn: &str) -> Option<CurrentStep> {
    crate::source::aws::sfn::current_step(client, None, execution_arn).await
}

/// RedriveExecution; returns when it was redriven (an earlier time when the same token had
/// already redriven it: Step Functions answers a repeated token with the first redrive).
pub async fn redrive(
    client: &Client,
    execution_arn: &str,
    client_token: &str,
) -> Result<Option<Time>, ApplyError> {
    client
        .redrive_execution()
        .execution_arn(execution_arn)
        .client_token(client_token)
        .send()
        .await
        .map(|o| time(Some(o.redrive_date())))
        .map_err(|e| change_error(&e))
}

/// StopExecution with who stopped it and why; returns when it stopped.
pub async fn stop(
    client: &Client,
    execution_arn: &str,
    error: &str,
    cause: &str,
) -> Result<Option<Time>, ApplyError> {
    client
        .stop_execution()
        .execution_arn(execution_arn)
        .error(error)
        .cause(cause)
        .send()
        .await
        .map(|o| time(Some(o.stop_date())))
        .map_err(|e| change_error(&e))
}

/// How StartExecution went.
pub enum Started {
    /// A new execution, started at this time.
    New { arn: String, at: Option<Time> },
    /// The name was taken: an execution of that name exists (ExecutionAlreadyExists).
    Exists,
}

pub async fn start(
    client: &Client,
    state_machine_arn: &str,
    name: &str,
    input: Option<&str>,
) -> Result<Started, ApplyError> {
    match client
        .start_execution()
        .state_machine_arn(state_machine_arn)
        .name(name)
        .set_input(input.map(str::to_string))
        .send()
        .await
    {
        Ok(output) => Ok(Started::New {
            arn: output.execution_arn().to_string(),
            at: time(Some(output.start_date())),
        }),
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|e| e.is_execution_already_exists()) =>
        {
            Ok(Started::Exists)
        }
        Err(error) => Err(change_error(&error)),
    }
}
