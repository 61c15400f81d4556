//! `shiftops check --config` and `shiftops doctor` against the local AWS emulator.

mod support;

use std::process::{Command, Output};

use serde_json::Value;
use support::{ACCESS_KEY, Emulator, SECRET_KEY, integration_ids, stage_warehouse};

fn shiftops(args: &[&str], home: &std::path::Path, endpoint_env: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_shiftops"));
    command
        .args(args)
        .env("XDG_CONFIG_HOME", home)
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        // Keep the developer's own AWS files out of the tests.
        .env("AWS_CONFIG_FILE", home.join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.join("no-aws-credentials"),
        );
    if let Some(url) = endpoint_env {
        command.env("AWS_ENDPOINT_URL", url);
    }
    command.output().expect("shiftops runs")
}

fn staged() -> (Emulator, tempfile::TempDir, std::path::PathBuf) {
    let (emulator, seeded) = Emulator::standard();
    let (a, c) = integration_ids(&seeded);
    stage_warehouse(&emulator, &a, &c);
    let dir = tempfile::tempdir().unwrap();
    let config = emulator.standard_config(dir.path());
    (emulator, dir, config)
}

/// `check --format json` on `config`: the run and its JSON.
fn check_json(config: &std::path::Path, home: &std::path::Path) -> (Output, Value) {
    let out = shiftops(
        &[
            "check",
            "--config",
            config.to_str().unwrap(),
            "--format",
            "json",
        ],
        home,
        None,
    );
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out, json)
}

fn finding<'a>(json: &'a Value, check: &str, tenant: Option<&str>) -> Option<&'a Value> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == check && f["tenant"].as_str() == tenant)
}

#[test]
fn check_against_aws_reports_the_staged_findings() {
    let (_emulator, dir, config) = staged();
    let (out, json) = check_json(&config, dir.path());
    assert_eq!(json["status"], "critical", "{json}");
    assert_eq!(out.status.code(), Some(2));
    let expected = [
        ("integration_status", Some("tenant_a"), "critical"),
        ("integration_tables", Some("tenant_a"), "critical"),
        ("integration_lag", Some("tenant_a"), "warning"),
        ("copy_errors", Some("tenant_b"), "critical"),
        ("export_task", Some("tenant_b"), "critical"),
        ("elt_failed", Some("tenant_b"), "critical"),
        ("table_skew", Some("tenant_c"), "warning"),
        ("wlm_queue", None, "warning"),
    ];
    for (check, tenant, severity) in expected {
        let found = finding(&json, check, tenant)
            .unwrap_or_else(|| panic!("no {check} for {tenant:?}: {}", json["findings"]));
        assert_eq!(found["severity"], severity, "{found}");
    }
    let alarms: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "alarm")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        alarms.iter().any(|m| m.contains("Alert-COPY-Error")),
        "{alarms:?}"
    );
    for source in json["sources"].as_array().unwrap() {
        assert_eq!(source["ok"], true, "{source}");
    }
    let tenants: Vec<&str> = json["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tenants, ["tenant_a", "tenant_b", "tenant_c"]);
}

#[test]
fn check_reports_an_alarm_in_a_tenants_account_against_that_tenant() {
    let (emulator, dir, config) = staged();
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(support::put_export_alarm(
            &emulator.url,
            "222222222222",
            "aurora-export-failure-test",
        ));
    let (_, json) = check_json(&config, dir.path());
    let found: Vec<&Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["check"] == "alarm"
                && f["message"]
                    .as_str()
                    .unwrap()
                    .contains("aurora-export-failure-test")
        })
        .collect();
    assert_eq!(found.len(), 1, "{}", json["findings"]);
    assert_eq!(found[0]["tenant"], "tenant_b", "{}", found[0]);
    for source in json["sources"].as_array().unwrap() {
        assert_eq!(source["ok"], true, "{source}");
    }
}

#[test]
fn the_endpoint_can_come_from_aws_endpoint_url() {
    let (emulator, dir, config) = staged();
    let text = std::fs::read_to_string(&config).unwrap();
    let without = text.replace(&format!("endpoint_url = \"{}\"\n", emulator.url), "");
    assert_ne!(text, without);
    std::fs::write(&config, without).unwrap();
    let out = shiftops(
        &[
            "check",
            "--config",
            config.to_str().unwrap(),
            "--format",
            "json",
        ],
        dir.path(),
        Some(&emulator.url),
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    for source in json["sources"].as_array().unwrap() {
        assert_eq!(source["ok"], true, "{source}");
    }
}

#[test]
fn check_reports_unknown_when_a_source_cannot_be_reached() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on port 9 of loopback: every call fails at once.
    let config = dir.path().join("config.toml");
    std::fs::write(&config, support::standard_config("http://127.0.0.1:9")).unwrap();
    let (out, json) = check_json(&config, dir.path());
    assert_eq!(json["status"], "unknown", "{json}");
    assert_eq!(out.status.code(), Some(3));
    let sources = json["sources"].as_array().unwrap();
    assert!(
        sources
            .iter()
            .all(|s| s["ok"] == false && s["error"].is_string()),
        "{json}"
    );
}

#[test]
fn doctor_checks_every_tenant_and_the_zero_etl_prerequisites() {
    let (emulator, dir, config) = staged();
    let run = || {
        shiftops(
            &["doctor", "--config", config.to_str().unwrap()],
            dir.path(),
            None,
        )
    };
    let out = run();
    let text = String::from_utf8(out.stdout).unwrap();
    let line = |needle: &[&str]| -> String {
        text.lines()
            .find(|l| needle.iter().all(|n| l.contains(n)))
            .unwrap_or_else(|| panic!("no line with {needle:?} in\n{text}"))
            .to_string()
    };
    assert!(
        line(&["central", "GetCallerIdentity"]).starts_with('✓'),
        "{text}"
    );
    // Each warehouse is checked where it is: SQL on both; case sensitivity on the Zero-ETL
    // target only (the provisioned cluster keeps it off, and needs it not).
    assert!(
        line(&["multitenant-wg", "enable_case_sensitive_identifier"]).starts_with('✓'),
        "{text}"
    );
    assert!(
        !text.contains("dpc-learning    redshift       enable_case"),
        "{text}"
    );
    for warehouse in ["multitenant-wg", "dpc-learning"] {
        assert!(
            line(&[warehouse, "redshift-data", "SELECT 1"]).starts_with('✓'),
            "{text}"
        );
        // The failed queries are read on every warehouse, and the grant that shows them all is
        // named.
        let history = line(&[warehouse, "SYS_QUERY_HISTORY"]);
        assert!(history.starts_with('✓'), "{text}");
        assert!(history.contains("SYSLOG ACCESS UNRESTRICTED"), "{text}");
    }
    assert!(
        line(&[
            "logs",
            "DescribeLogGroups",
            "/aws/redshift/cluster/dpc-learning"
        ])
        .starts_with('✓'),
        "{text}"
    );
    assert!(
        line(&[
            "dpc-learning",
            "log_group (deprecated)",
            "audit_logs = true"
        ])
        .starts_with('!'),
        "the old key still works, and says what replaces it: {text}"
    );
    for tenant in ["tenant_a", "tenant_c"] {
        assert!(
            line(&[tenant, "integration target", "→ multitenant-wg"]).starts_with('✓'),
            "{text}"
        );
    }
    assert!(line(&["tenant_a", "AssumeRole"]).starts_with('✓'), "{text}");
    assert!(
        line(&["tenant_a", "binlog_format=ROW"]).starts_with('✓'),
        "{text}"
    );
    assert!(
        line(&["tenant_a", "DescribeIntegrations"]).starts_with('✓'),
        "{text}"
    );
    for setting in [
        "aurora_enhanced_binlog=1",
        "binlog_backup=0",
        "binlog_replication_globaldb=0",
        "binlog_row_image=full",
        "binlog_row_metadata=full",
    ] {
        assert!(line(&["tenant_a", setting]).starts_with('✓'), "{text}");
    }
    assert!(
        !text.contains("binlog_checksum"),
        "not a Zero-ETL prerequisite: {text}"
    );
    // tenant_b's parameter group lacks aurora_enhanced_binlog=1: not needed on the export path yet.
    assert!(
        line(&["tenant_b", "aurora_enhanced_binlog=1"]).starts_with('!'),
        "{text}"
    );
    assert!(
        line(&["tenant_b", "DescribeExportTasks"]).starts_with('✓'),
        "{text}"
    );
    // The alarms in each tenant's account, read with its role.
    for tenant in ["tenant_a", "tenant_b", "tenant_c"] {
        let alarms = line(&[tenant, "cloudwatch", "DescribeAlarms"]);
        assert!(
            alarms.starts_with('✓') && alarms.contains("alarm(s)"),
            "{text}"
        );
    }
    assert_eq!(out.status.code(), Some(0), "{text}");

    // In Japanese the details are Japanese too; names and IAM actions stay as AWS spells them.
    let ja = shiftops(
        &[
            "doctor",
            "--config",
            config.to_str().unwrap(),
            "--lang",
            "ja",
        ],
        dir.path(),
        None,
    );
    let ja = String::from_utf8(ja.stdout).unwrap();
    for word in [
        "読み取れる",
        "SELECT 1 を実行できた",
        "一般ユーザーには自分の行しか見えません",
        "アカウント",
        "タスク",
        "アラーム",
    ] {
        assert!(ja.contains(word), "{word}: {ja}");
    }
    for word in [
        "readable",
        "SELECT 1 ran",
        "task(s)",
        "snapshot(s)",
        "alarm(s)",
        "not set",
    ] {
        assert!(!ja.contains(word), "{word}: {ja}");
    }

    emulator.deny("333333333333");
    let out = run();
    let text = String::from_utf8(out.stdout).unwrap();
    let denied = text
        .lines()
        .find(|l| l.contains("tenant_c") && l.contains("AssumeRole"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(denied.starts_with('✗'), "{text}");
    assert!(denied.contains("missing sts:AssumeRole"), "{text}");
    assert_eq!(out.status.code(), Some(1));
}

/// A config that names the provisioned cluster as the Zero-ETL target, where the seeds' integrations
/// replicate into the Serverless namespace: the doctor says each integration's real target and
/// that the named one lacks case sensitivity, instead of reading an empty SVV_INTEGRATION there.
#[test]
fn doctor_names_an_integration_whose_target_is_not_the_configured_one() {
    let (_emulator, dir, config) = staged();
    let text = std::fs::read_to_string(&config).unwrap();
    let wrong = text
        .replace("roles = [\"integrations\"]", "roles = [\"storage\"]")
        .replace(
            "roles = [\"elt\", \"wlm\", \"storage\"]",
            "roles = [\"integrations\", \"elt\", \"wlm\"]",
        );
    std::fs::write(&config, wrong).unwrap();
    let out = shiftops(
        &["doctor", "--config", config.to_str().unwrap()],
        dir.path(),
        None,
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let line = |needle: &[&str]| -> String {
        text.lines()
            .find(|l| needle.iter().all(|n| l.contains(n)))
            .unwrap_or_else(|| panic!("no line with {needle:?} in\n{text}"))
            .to_string()
    };
    let target = line(&["tenant_a", "integration target"]);
    assert!(target.starts_with('✗'), "{text}");
    assert!(
        target.contains("namespace/") && target.contains("none of the configured Zero-ETL targets"),
        "{text}"
    );
    assert!(
        line(&["dpc-learning", "enable_case_sensitive_identifier"]).starts_with('✗'),
        "{text}"
    );
    assert_eq!(out.status.code(), Some(1), "{text}");
}

/// tenant_b's account refuses the role and the warehouse's load-errors statement fails, both on
/// the first (and only) read: exactly those figures are `null`, each named in `unknown` with its
/// source's error, and every other figure is a number or a word as usual.
#[test]
fn check_reports_null_for_what_could_not_be_read_and_numbers_elsewhere() {
    let (emulator, dir, config) = staged();
    emulator.deny("222222222222");
    emulator.post(
        "/_shiftops/redshift-data/results",
        serde_json::json!({
            "pattern": r"(?i)from\s+sys_load_error_detail",
            "error": "ERROR: permission denied for relation sys_load_error_detail",
        }),
    );
    let (_, json) = check_json(&config, dir.path());
    let tenant = |name: &str| -> &Value {
        json["tenants"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("no {name}: {json}"))
    };
    let unknown_keys =
        |t: &Value| -> Vec<String> { t["unknown"].as_object().unwrap().keys().cloned().collect() };
    for name in ["tenant_a", "tenant_b", "tenant_c"] {
        let t = tenant(name);
        assert!(t["copy_errors_24h"].is_null(), "{t}");
        let why = t["unknown"]["copy_errors_24h"].as_str().unwrap();
        assert!(
            why.starts_with("warehouse load errors: ") && why.contains("permission denied"),
            "{why}"
        );
        assert!(t["last_elt"].is_string(), "{t}");
        assert!(t["last_elt_at"].is_string(), "{t}");
    }
    // The denied account: its export is unknown; its COPY comes from the warehouse and is known.
    let b = tenant("tenant_b");
    assert_eq!(unknown_keys(b), ["copy_errors_24h", "last_export"], "{b}");
    assert!(b["last_export"].is_null(), "{b}");
    let why = b["unknown"]["last_export"].as_str().unwrap();
    assert!(
        why.starts_with("rds: ") && why.contains("222222222222") && why.contains("AccessDenied"),
        "{why}"
    );
    assert!(b["last_copy_at"].is_string(), "{b}");
    assert!(b["error"].is_string(), "{b}");
    // The readable accounts: only the count whose statement failed is missing.
    for name in ["tenant_a", "tenant_c"] {
        let t = tenant(name);
        assert_eq!(unknown_keys(t), ["copy_errors_24h"], "{t}");
        assert!(t["integration_status"].is_string(), "{t}");
        assert!(t["lag_seconds"].is_number(), "{t}");
        assert!(t["tables_not_synced"].is_u64(), "{t}");
        assert!(t["error"].is_null(), "{t}");
    }
    assert_eq!(tenant("tenant_a")["tables_not_synced"], 2, "{json}");
    // No rule concluded anything from the COPY errors it could not read.
    assert!(
        finding(&json, "copy_errors", Some("tenant_b")).is_none(),
        "{json}"
    );

    // The text report says `?` and why, once per cause.
    let out = shiftops(
        &["check", "--config", config.to_str().unwrap()],
        dir.path(),
        None,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("? copy_errors_24h of 3 tenant(s) (tenant_a, tenant_b, tenant_c): warehouse load errors: "),
        "{text}"
    );
    assert!(
        text.contains("? last_export of 1 tenant(s) (tenant_b): rds: "),
        "{text}"
    );
}

/// The monitor's line and the Slack message read what the JSON reads, from AWS as from the demo.
#[test]
fn nagios_and_slack_against_aws() {
    let (_emulator, dir, config) = staged();
    let config = config.to_str().unwrap();
    let out = shiftops(
        &["check", "--config", config, "--format", "nagios"],
        dir.path(),
        None,
    );
    let line = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(2), "{line}");
    assert!(
        line.starts_with("SHIFTOPS CRITICAL - ") && line.lines().count() == 1,
        "{line}"
    );
    let (_, perf) = line.trim_end().split_once(" | ").unwrap();
    assert!(perf.contains("tenants=3;;;"), "{perf}");
    // tenant_a's integration lags and batch is queued on the emulator: read, not `U`.
    for label in ["max_lag", "wlm_queued"] {
        let value = perf
            .split(' ')
            .find_map(|f| f.strip_prefix(&format!("{label}=")))
            .unwrap_or_else(|| panic!("no {label}: {perf}"));
        assert!(!value.starts_with('U'), "{label} was read: {perf}");
    }

    let out = shiftops(
        &["check", "--config", config, "--format", "slack"],
        dir.path(),
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let message: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = message["blocks"].to_string();
    assert!(message["blocks"].as_array().unwrap().len() <= 50);
    assert!(text.contains("`copy_errors`"), "{text}");
    assert!(text.contains("Runbook: `copy-error`"), "{text}");
    assert!(text.contains("tenant_b"), "{text}");

    // Nothing reachable: UNKNOWN, and the line says which source could not be read.
    let unreachable = dir.path().join("unreachable.toml");
    std::fs::write(&unreachable, support::standard_config("http://127.0.0.1:9")).unwrap();
    let out = shiftops(
        &[
            "check",
            "--config",
            unreachable.to_str().unwrap(),
            "--format",
            "nagios",
        ],
        dir.path(),
        None,
    );
    let line = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(3), "{line}");
    assert!(
        line.starts_with("SHIFTOPS UNKNOWN - 0 critical, 0 warning: source "),
        "{line}"
    );
}
