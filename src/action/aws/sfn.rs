//! Step Functions: redrive a failed ELT execution, or start it again under a new name.

use aws_sdk_sfn::Client;
use aws_sdk_sfn::types::{ExecutionRedriveStatus, ExecutionStatus};

use crate::source::aws::error::describe;

/// What the rerun decision needs to know about an execution.
pub struct ExecutionFacts {
    pub name: String,
    pub status: String,
    pub input: Option<String>,
    pub redrivable: bool,
    pub why_not: Option<String>,
    pub redrive_count: i32,
    pub state_machine_arn: String,
}

pub async fn facts(
    client: &Client,
    execution_arn: &str,
    now: crate::model::Time,
) -> Result<ExecutionFacts, String> {
    let execution = client
        .describe_execution()
        .execution_arn(execution_arn)
        .send()
        .await
        .map_err(|e| describe(&e))?;
    let failed = matches!(
        execution.status(),
        ExecutionStatus::Failed | ExecutionStatus::Aborted | ExecutionStatus::TimedOut
    );
    let stopped = execution
        .stop_date()
        .and_then(|t| chrono::DateTime::from_timestamp(t.secs(), t.subsec_nanos()));
    // Step Functions redrives executions that ended unsuccessfully within the last 14 days.
    let recent = stopped.is_some_and(|t| now - t <= chrono::Duration::days(14));
    let marked_not = execution.redrive_status() == Some(&ExecutionRedriveStatus::NotRedrivable);
    let why_not = if !failed {
        Some(format!("it is {}", execution.status().as_str()))
    } else if !recent {
        Some("it ended more than 14 days ago".into())
    } else if marked_not {
        Some(
            execution
                .redrive_status_reason()
                .unwrap_or("Step Functions marks it NOT_REDRIVABLE")
                .to_string(),
        )
    } else {
        None
    };
    Ok(ExecutionFacts {
        name: execution.name().unwrap_or_default().to_string(),
        status: execution.status().as_str().to_string(),
        input: execution.input().map(str::to_string),
        redrivable: why_not.is_none(),
        why_not,
        redrive_count: execution.redrive_count().unwrap_or(0),
        state_machine_arn: execution.state_machine_arn().to_string(),
    })
}

pub async fn redrive(
    client: &Client,
    execution_arn: &str,
    client_token: &str,
) -> Result<(), String> {
    client
        .redrive_execution()
        .execution_arn(execution_arn)
        .client_token(client_token)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| describe(&e))
}

pub async fn start(
    client: &Client,
    state_machine_arn: &str,
    name: &str,
    input: Option<&str>,
) -> Result<String, String> {
    client
        .start_execution()
        .state_machine_arn(state_machine_arn)
        .name(name)
        .set_input(input.map(str::to_string))
        .send()
        .await
        .map(|o| o.execution_arn().to_string())
        .map_err(|e| describe(&e))
}
