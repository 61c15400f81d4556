//! The live fleet of a bulk seed (`POST /_shiftops/seed/bulk`): the standard fleet's central
//! account (warehouse, metrics, alarms, ELT, logs) with the bulk tenants instead of the standard
//! three, and the console's default limits, so what is measured is what a user gets.

use serde_json::Value;
use shiftops::config::Config;

/// The config of the bulk `tenants` (the seed's answer's `tenants`) on the endpoint `url`. One
/// attempt per call, so every request the console makes is one the emulator counts.
pub fn bulk_config(url: &str, tenants: &Value) -> Config {
    let mut text = format!(
        r#"
[aws]
region = "us-east-1"
endpoint_url = "{url}"
max_attempts = 1
call_timeout_seconds = 120

[refresh]
timeout_seconds = 600

[redshift]
cluster_identifier = "dpc-learning"
database = "dev"
db_user = "shiftops"
log_group = "/aws/redshift/cluster/dpc-learning"

[elt]
state_machine_arn = "arn:aws:states:us-east-1:999999999999:stateMachine:daily-elt"
"#
    );
    for tenant in tenants.as_array().expect("the seed lists its tenants") {
        let field = |key: &str| tenant[key].as_str().unwrap_or_else(|| panic!("{key}"));
        let name = field("name");
        text.push_str(&format!(
            "\n[[tenants]]\nname = \"{name}\"\nschema = \"{name}\"\naccount_id = \"{}\"\nrole_arn = \"{}\"\ncluster_identifier = \"{}\"\n",
            field("account_id"),
            field("role_arn"),
            field("cluster"),
        ));
        match tenant["integration"].as_str() {
            Some(integration) => text.push_str(&format!("integration = \"{integration}\"\n")),
            None => text.push_str(&format!(
                "export = {{ bucket = \"{}\", prefix = \"{}\" }}\n",
                field("bucket"),
                field("prefix")
            )),
        }
    }
    Config::parse("config.toml", &text).expect("the generated config is valid")
}
