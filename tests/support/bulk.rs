//! The live fleet of a bulk seed (`POST /_shiftops/seed/bulk`): the standard fleet's central
//! account and its two warehouses (the Zero-ETL target workgroup, the provisioned cluster of the
//! ELT) with the bulk tenants instead of the standard three, and the console's default limits, so
//! what is measured is what a user gets.

use serde_json::Value;
use shiftops::config::Config;

use super::standard_config;

/// The config of the bulk `tenants` (the seed's answer's `tenants`) on the endpoint `url`. One
/// attempt per call, so every request the console makes is one the emulator counts; timeouts long
/// enough for a thousand accounts behind a slow endpoint.
pub fn bulk_config(url: &str, tenants: &Value) -> Config {
    Config::parse("config.toml", &bulk_config_text(url, tenants))
        .expect("the generated config is valid")
}

/// [`bulk_config`] as the file a user would write.
pub fn bulk_config_text(url: &str, tenants: &Value) -> String {
    let mut config: toml::Table = standard_config(url)
        .parse()
        .expect("the standard config is TOML");
    let aws = config["aws"].as_table_mut().expect("[aws]");
    aws.insert("call_timeout_seconds".into(), 120.into());
    config.insert(
        "refresh".into(),
        toml::Table::from_iter([("timeout_seconds".to_string(), 600.into())]).into(),
    );
    let tenants = tenants
        .as_array()
        .expect("the seed lists its tenants")
        .iter()
        .map(|tenant| {
            let field = |key: &str| -> toml::Value {
                tenant[key]
                    .as_str()
                    .unwrap_or_else(|| panic!("a bulk tenant has {key}"))
                    .into()
            };
            let mut entry = toml::Table::new();
            entry.insert("name".into(), field("name"));
            entry.insert("schema".into(), field("name"));
            entry.insert("account_id".into(), field("account_id"));
            entry.insert("role_arn".into(), field("role_arn"));
            entry.insert("cluster_identifier".into(), field("cluster"));
            if tenant["integration"].is_string() {
                entry.insert("integration".into(), field("integration"));
            } else {
                let export = toml::Table::from_iter([
                    ("bucket".to_string(), field("bucket")),
                    ("prefix".to_string(), field("prefix")),
                ]);
                entry.insert("export".into(), export.into());
            }
            toml::Value::Table(entry)
        })
        .collect::<Vec<_>>();
    config.insert("tenants".into(), tenants.into());
    config.to_string()
}
