//! Redshift: read and change the cluster parameter group's `wlm_json_configuration`.

use aws_sdk_redshift::Client;
use aws_sdk_redshift::types::{Parameter, ParameterApplyType};

use crate::source::aws::error::describe;

pub use crate::source::aws::redshift::WLM_PARAMETER;

pub async fn parameter_group(client: &Client, cluster: &str) -> Result<String, String> {
    let output = client
        .describe_clusters()
        .cluster_identifier(cluster)
        .send()
        .await
        .map_err(|e| describe(&e))?;
    output
        .clusters()
        .first()
        .and_then(|c| c.cluster_parameter_groups().first())
        .and_then(|g| g.parameter_group_name())
        .map(str::to_string)
        .ok_or_else(|| format!("cluster {cluster} has no parameter group"))
}

pub async fn wlm_configuration(client: &Client, group: &str) -> Result<String, String> {
    let mut marker: Option<String> = None;
    loop {
        let output = client
            .describe_cluster_parameters()
            .parameter_group_name(group)
            .set_marker(marker.take())
            .send()
            .await
            .map_err(|e| describe(&e))?;
        if let Some(value) = output
            .parameters()
            .iter()
            .find(|p| p.parameter_name() == Some(WLM_PARAMETER))
            .and_then(|p| p.parameter_value())
        {
            return Ok(value.to_string());
        }
        match output.marker() {
            Some(m) if !m.is_empty() => marker = Some(m.to_string()),
            _ => return Err(format!("{group} has no {WLM_PARAMETER}")),
        }
    }
}

/// ModifyClusterParameterGroup with a dynamic apply: WLM's dynamic properties need no reboot.
pub async fn set_wlm_configuration(
    client: &Client,
    group: &str,
    value: &str,
) -> Result<(), crate::action::ApplyError> {
    client
        .modify_cluster_parameter_group()
        .parameter_group_name(group)
        .parameters(
            Parameter::builder()
                .parameter_name(WLM_PARAMETER)
                .parameter_value(value)
                .apply_type(ParameterApplyType::Dynamic)
                .build(),
        )
        .send()
        .await
        .map(|_| ())
        .map_err(|e| super::change_error(&e))
}
