//! Redshift Serverless: read and change a workgroup's `wlm_json_configuration`, the key of its
//! config parameters that sets its query queues ("Setting query queues", Amazon Redshift
//! Management Guide,
//! https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-workgroup-query-queues.html).

use aws_sdk_redshiftserverless::Client;
use aws_sdk_redshiftserverless::types::ConfigParameter;

use super::redshift::WLM_PARAMETER;
use crate::source::aws::error::describe;

/// The workgroup's `wlm_json_configuration` (GetWorkgroup), `None` when it sets no queues.
pub async fn wlm_configuration(client: &Client, workgroup: &str) -> Result<Option<String>, String> {
    let output = client
        .get_workgroup()
        .workgroup_name(workgroup)
        .send()
        .await
        .map_err(|e| describe(&e))?;
    let found = output
        .workgroup()
        .ok_or_else(|| format!("workgroup {workgroup} not found"))?;
    Ok(found
        .config_parameters()
        .iter()
        .find(|p| p.parameter_key() == Some(WLM_PARAMETER))
        .and_then(|p| p.parameter_value())
        .map(str::to_string))
}

/// UpdateWorkgroup with that one config parameter.
pub async fn set_wlm_configuration(
    client: &Client,
    workgroup: &str,
    value: &str,
) -> Result<(), crate::action::ApplyError> {
    client
        .update_workgroup()
        .workgroup_name(workgroup)
        .config_parameters(
            ConfigParameter::builder()
                .parameter_key(WLM_PARAMETER)
                .parameter_value(value)
                .build(),
        )
        .send()
        .await
        .map(|_| ())
        .map_err(|e| super::change_error(&e))
}
