//! The local AWS emulator for tests: moto in server mode with the project's extensions
//! (tests/emulator), started on a free port of 127.0.0.1 for each test and stopped when dropped.

#![allow(dead_code)] // each test binary uses a different part of the harness

pub mod bulk;
pub mod demo;
pub mod drive;
pub mod faults;
pub mod terminal;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

/// The Python that has the emulator's requirements: `SHIFTOPS_EMULATOR_PYTHON`, else the venv
/// that `scripts/test` creates.
pub fn python() -> PathBuf {
    if let Some(path) = std::env::var_os("SHIFTOPS_EMULATOR_PYTHON") {
        return PathBuf::from(path);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/emulator-venv/bin/python");
    assert!(
        venv.exists(),
        "the AWS emulator is not installed: run scripts/test (it creates {})",
        venv.display()
    );
    venv
}

/// A project-owned Python server (the emulator, the fault proxy) on a free port of 127.0.0.1.
/// It prints `READY port=N` once it accepts requests, and exits when its stdin closes, so it never
/// outlives the test; dropping this kills it at once.
pub struct Server {
    child: Child,
    _stdin: ChildStdin,
    pub url: String,
}

impl Server {
    /// Runs `tests/emulator/<script>` with `args` and waits for its READY line.
    pub fn start(script: &str, args: &[&str]) -> Server {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/emulator")
            .join(script);
        let mut child = Command::new(python())
            .arg(&path)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("{script} starts: {e}"));
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let port = loop {
            let line = lines
                .next()
                .unwrap_or_else(|| panic!("{script} prints READY before it exits"))
                .expect("its output is text");
            if let Some(port) = line.strip_prefix("READY port=") {
                break port.trim().to_string();
            }
        };
        // Keep draining its stdout so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server {
            child,
            _stdin: stdin,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A JSON control call: POST when there is a body, GET otherwise. Panics on any failure, with
/// the server's answer.
pub fn call(url: &str, path: &str, body: Option<Value>) -> Value {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(60)))
        .http_status_as_error(false)
        .build()
        .into();
    let target = format!("{url}{path}");
    let result = match body {
        Some(body) => agent
            .post(&target)
            .header("Content-Type", "application/json")
            .send(body.to_string()),
        None => agent.get(&target).call(),
    };
    let mut response = result.unwrap_or_else(|e| panic!("{path}: {e}"));
    let text = response.body_mut().read_to_string().unwrap_or_default();
    assert!(
        response.status().is_success(),
        "{path}: {} {text}",
        response.status()
    );
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// The emulator, owned by the test that started it; its control calls come from [`EmulatorHandle`].
pub struct Emulator {
    _server: Server,
    handle: EmulatorHandle,
}

impl std::ops::Deref for Emulator {
    type Target = EmulatorHandle;

    fn deref(&self) -> &EmulatorHandle {
        &self.handle
    }
}

impl Emulator {
    /// Starts an emulator and waits until it accepts requests.
    pub fn start() -> Emulator {
        let server = Server::start("run.py", &["--port", "0"]);
        Emulator {
            handle: Emulator::attach(&server.url),
            _server: server,
        }
    }

    /// Starts an emulator seeded with the standard fleet; returns it and the seed's description.
    pub fn standard() -> (Emulator, Value) {
        let emulator = Emulator::start();
        let seeded = emulator.post("/_shiftops/seed", json!({"fleet": "standard"}));
        (emulator, seeded)
    }

    /// Control calls on an emulator another value owns (for blocking calls from async tests).
    pub fn attach(url: &str) -> EmulatorHandle {
        EmulatorHandle {
            url: url.to_string(),
        }
    }
}

/// The emulator's control calls, by its URL; cloned freely into blocking tasks.
#[derive(Debug, Clone)]
pub struct EmulatorHandle {
    pub url: String,
}

impl EmulatorHandle {
    pub fn post(&self, path: &str, body: Value) -> Value {
        call(&self.url, path, Some(body))
    }

    pub fn get(&self, path: &str) -> Value {
        call(&self.url, path, None)
    }

    /// Makes statements matching `pattern` on the cluster or workgroup `target` return these
    /// rows, two rows a page.
    pub fn result_set_on(
        &self,
        target: &str,
        pattern: &str,
        columns: &[(&str, &str)],
        rows: Value,
    ) {
        let columns: Vec<Value> = columns
            .iter()
            .map(|(name, kind)| json!({"name": name, "type": kind}))
            .collect();
        self.post(
            "/_shiftops/redshift-data/results",
            json!({"pattern": pattern, "target": target, "columns": columns, "rows": rows, "page_size": 2}),
        );
    }

    /// Makes statements matching `pattern` return these rows, two rows a page.
    pub fn result_set(&self, pattern: &str, columns: &[(&str, &str)], rows: Value) {
        let columns: Vec<Value> = columns
            .iter()
            .map(|(name, kind)| json!({"name": name, "type": kind}))
            .collect();
        self.post(
            "/_shiftops/redshift-data/results",
            json!({"pattern": pattern, "columns": columns, "rows": rows, "page_size": 2}),
        );
    }

    pub fn deny(&self, account_id: &str) {
        self.post("/_shiftops/deny", json!({"account_id": account_id}));
    }

    pub fn allow(&self, account_id: &str) {
        self.post("/_shiftops/allow", json!({"account_id": account_id}));
    }

    pub fn requests(&self) -> Value {
        self.get("/_shiftops/requests")
    }

    pub fn reset_requests(&self) {
        self.post("/_shiftops/requests/reset", json!({}));
    }

    /// A config file for the standard fleet, pointing every client at this emulator.
    pub fn standard_config(&self, dir: &Path) -> PathBuf {
        let path = dir.join("config.toml");
        std::fs::write(&path, standard_config(&self.url)).expect("config written");
        path
    }
}

/// The standard fleet's config: the issue's example shape with three tenants reached by AssumeRole.
/// The central account's SDK configuration against the emulator at `url`, for a test that looks
/// at AWS itself (what an action really did) or stages data there.
pub async fn central_sdk_config(url: &str) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(url)
        .credentials_provider(aws_credential_types::Credentials::new(
            ACCESS_KEY, SECRET_KEY, None, None, "test",
        ))
        .load()
        .await
}

/// Every execution of the standard fleet's ELT state machine as Step Functions lists it, newest
/// first: (name, status, redrive count). What an action really did, seen from AWS.
pub async fn elt_executions(url: &str) -> Vec<(String, String, i32)> {
    let listed = aws_sdk_sfn::Client::new(&central_sdk_config(url).await)
        .list_executions()
        .state_machine_arn("arn:aws:states:us-east-1:999999999999:stateMachine:daily-elt")
        .send()
        .await
        .expect("ListExecutions");
    listed
        .executions()
        .iter()
        .map(|e| {
            (
                e.name().to_string(),
                e.status().as_str().to_string(),
                e.redrive_count().unwrap_or(0),
            )
        })
        .collect()
}

/// One execution's status and error, as DescribeExecution answers: what a stop really did.
pub async fn execution_status(url: &str, execution_arn: &str) -> (String, Option<String>) {
    // moto's interpreter reports the stop once its thread has ended.
    for _ in 0..200 {
        let described = aws_sdk_sfn::Client::new(&central_sdk_config(url).await)
            .describe_execution()
            .execution_arn(execution_arn)
            .send()
            .await
            .expect("DescribeExecution");
        if described.status().as_str() != "RUNNING" {
            return (
                described.status().as_str().to_string(),
                described.error().map(str::to_string),
            );
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    ("RUNNING".into(), None)
}

pub fn standard_config(url: &str) -> String {
    format!(
        r#"
[aws]
region = "us-east-1"
endpoint_url = "{url}"
max_attempts = 1
call_timeout_seconds = 30

# The seeds' topology: every tenant's Zero-ETL integration replicates into the Serverless
# namespace; the daily ELT, its WLM queues and the storage are the provisioned cluster's.
[[warehouses]]
name = "multitenant-wg"
workgroup = "multitenant-wg"
namespace = "multitenant-analytics"
database = "dev"
roles = ["integrations"]

[[warehouses]]
name = "dpc-learning"
cluster_identifier = "dpc-learning"
database = "dev"
db_user = "shiftops"
roles = ["elt", "wlm", "storage"]
# The seed's dashboard log group, through the deprecated key.
log_group = "/aws/redshift/cluster/dpc-learning"

[elt]
state_machine_arn = "arn:aws:states:us-east-1:999999999999:stateMachine:daily-elt"

[[tenants]]
name = "tenant_a"
schema = "tenant_a"
account_id = "111111111111"
role_arn = "arn:aws:iam::111111111111:role/ShiftopsReadOnly"
cluster_identifier = "tenant-a-mysql"
alarms = true
integration = "tenant-a-to-central-integration"

[[tenants]]
name = "tenant_b"
schema = "tenant_b"
account_id = "222222222222"
role_arn = "arn:aws:iam::222222222222:role/ShiftopsReadOnly"
cluster_identifier = "tenant-b-mysql"
alarms = true
export = {{ bucket = "tenant-b-snapshots", prefix = "tenant_b/" }}

[[tenants]]
name = "tenant_c"
schema = "tenant_c"
account_id = "333333333333"
role_arn = "arn:aws:iam::333333333333:role/ShiftopsReadOnly"
cluster_identifier = "tenant-c-mysql"
alarms = true
integration = "tenant-c-to-central-integration"
"#
    )
}

/// The standard fleet's config with the Serverless workgroup `multitenant-wg` holding the WLM
/// queues (the `wlm` role) instead of the provisioned cluster.
pub fn serverless_wlm_config(url: &str) -> String {
    let config = standard_config(url);
    for roles in [
        "roles = [\"integrations\"]",
        "roles = [\"elt\", \"wlm\", \"storage\"]",
    ] {
        assert!(
            config.contains(roles),
            "the standard config's roles changed shape"
        );
    }
    config
        .replace(
            "roles = [\"integrations\"]",
            "roles = [\"integrations\", \"wlm\"]",
        )
        .replace(
            "roles = [\"elt\", \"wlm\", \"storage\"]",
            "roles = [\"elt\", \"storage\"]",
        )
}

/// Fake central credentials: moto maps them to the central account 999999999999.
pub const ACCESS_KEY: &str = "AKIASHIFTOPSTEST0001";
pub const SECRET_KEY: &str = "shiftops-test-secret";

/// `2026-11-21 05:00:00`: how the Data API returns timestamps.
pub fn sql_time(ago: chrono::Duration) -> String {
    (chrono::Utc::now() - ago)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// Stages the warehouse's system views for the standard fleet: tenant_a's integration lagging
/// with a failed table, tenant_b's COPY errors, a busy batch queue and a skewed table.
pub fn stage_warehouse(emulator: &Emulator, integration_a: &str, integration_c: &str) {
    use chrono::Duration as D;
    emulator.result_set(
        r"(?i)from\s+sys_load_error_detail",
        &[
            ("schema_name", "varchar"),
            ("table_name", "varchar"),
            ("file_name", "varchar"),
            ("line_number", "int8"),
            ("column_name", "varchar"),
            ("error_message", "varchar"),
            ("start_time", "timestamp"),
        ],
        json!([
            [
                "tenant_b",
                "orders",
                "s3://tenant-b-snapshots/tenant_b/orders/part-0003.parquet",
                1176,
                "quantity",
                "Invalid digit, Value 'N', Pos 0, Type: Integer",
                sql_time(D::minutes(50))
            ],
            [
                "tenant_b",
                "orders",
                "s3://tenant-b-snapshots/tenant_b/orders/part-0003.parquet",
                1958,
                "quantity",
                "Invalid digit, Value 'N', Pos 0, Type: Integer",
                sql_time(D::minutes(50))
            ],
            [
                "tenant_b",
                "orders",
                "s3://tenant-b-snapshots/tenant_b/orders/part-0004.parquet",
                12,
                "amount",
                "Overflow, Value '99999999999', Type: Integer",
                sql_time(D::minutes(49))
            ],
        ]),
    );
    emulator.result_set(
        r"(?i)from\s+svv_integration_table_state",
        &[
            ("integration_id", "varchar"),
            ("schema_name", "varchar"),
            ("table_name", "varchar"),
            ("table_state", "varchar"),
            ("reason", "varchar"),
        ],
        json!([
            [
                integration_a,
                "tenant_a",
                "orders",
                "Failed",
                "Unsupported DDL: ADD COLUMN ... AFTER"
            ],
            [
                integration_a,
                "tenant_a",
                "products",
                "ResyncRequired",
                "Table needs a resync"
            ],
        ]),
    );
    emulator.result_set(
        r"(?i)from\s+svv_integration\b",
        &[
            ("integration_id", "varchar"),
            ("state", "varchar"),
            ("current_lag_ms", "int8"),
        ],
        json!([
            [integration_a, "ErrorState", 1_500_000],
            [integration_c, "CdcRefreshState", 8_000],
        ]),
    );
    emulator.result_set(
        r"(?i)from\s+sys_load_history",
        &[
            ("data_source", "varchar"),
            ("last_copy_at", "timestamp"),
            ("loaded_rows", "int8"),
        ],
        json!([
            [
                "s3://tenant-b-snapshots/tenant_b/users/",
                sql_time(D::hours(3)),
                137_169
            ],
            [
                "s3://tenant-b-snapshots/tenant_b/orders/",
                sql_time(D::hours(3)),
                2_911_759
            ],
            ["s3://someone-else/x/", sql_time(D::hours(1)), 5],
        ]),
    );
    emulator.result_set(
        r"(?i)from\s+stv_wlm_service_class_config",
        &[
            ("queue", "varchar"),
            ("queued", "int8"),
            ("running", "int8"),
            ("max_wait_seconds", "float8"),
        ],
        json!([
            ["adhoc", 2, 5, 12.5],
            ["admin", 0, 0, 0.0],
            ["batch", 14, 5, 340.0]
        ]),
    );
    emulator.result_set(
        r"(?i)from\s+stv_inflight\s+i\b",
        &[
            ("pid", "int8"),
            ("queue", "varchar"),
            ("user_name", "varchar"),
            ("state", "varchar"),
            ("started_at", "timestamp"),
            ("sql", "varchar"),
        ],
        json!([
            [
                1_073_760_001,
                "adhoc",
                "learner_17",
                "Running",
                sql_time(D::minutes(25)),
                "SELECT * FROM tenant_a.orders o CROSS JOIN tenant_c.orders c"
            ],
            [
                1_073_760_002,
                "batch",
                "elt_stepfunctions",
                "Running",
                sql_time(D::minutes(3)),
                "COPY tenant_b.orders FROM 's3://tenant-b-snapshots/tenant_b/orders/'"
            ],
        ]),
    );
    emulator.result_set(
        r"(?i)from\s+svv_table_info\s+order",
        &[
            ("schema_name", "varchar"),
            ("table_name", "varchar"),
            ("size_mb", "int8"),
            ("tbl_rows", "float8"),
            ("skew_rows", "float8"),
            ("unsorted", "float8"),
            ("stats_off", "float8"),
            ("total_size_mb", "int8"),
        ],
        // Every row carries the size of all tables, as `SUM(size) OVER ()` does: more than
        // these four, since the warehouse holds other tables too.
        json!([
            [
                "tenant_c",
                "orders",
                714,
                6_240_905.0,
                1.32,
                16.2,
                0.7,
                412_160
            ],
            [
                "tenant_a",
                "orders",
                584,
                5_099_746.0,
                1.03,
                14.6,
                11.7,
                412_160
            ],
            [
                "tenant_b",
                "orders",
                333,
                2_911_759.0,
                1.11,
                6.6,
                4.8,
                412_160
            ],
            ["tenant_b", "users", 24, 137_169.0, null, 6.2, 6.6, 412_160],
        ]),
    );
    stage_failed_queries(emulator);
}

/// The failed-queries statement, as the emulator recognises it, and its columns.
pub const FAILED_QUERIES_PATTERN: &str =
    r"(?i)from\s+sys_query_history\s+h\b.*status\)\s*=\s*'failed'";
pub const FAILED_QUERIES_COLUMNS: [(&str, &str); 7] = [
    ("query_id", "int8"),
    ("user_name", "varchar"),
    ("query_type", "varchar"),
    ("start_time", "timestamp"),
    ("end_time", "timestamp"),
    ("error_message", "varchar"),
    ("query_text", "varchar"),
];

/// SYS_QUERY_HISTORY's failed queries, different on each warehouse of the standard config: the
/// ELT's failed COPY on the cluster, a learner's denied query on the Serverless workgroup.
pub fn stage_failed_queries(emulator: &Emulator) {
    use chrono::Duration as D;
    let (pattern, columns) = (FAILED_QUERIES_PATTERN, FAILED_QUERIES_COLUMNS);
    emulator.result_set_on(
        "dpc-learning",
        pattern,
        &columns,
        json!([[
            41_007,
            "elt_copy",
            "COPY",
            sql_time(D::minutes(58)),
            sql_time(D::minutes(57)),
            "Load into table 'orders' failed. Check 'sys_load_error_detail' system table for details.",
            "COPY tenant_b.orders FROM 's3://tenant-b-snapshots/tenant_b/orders/' IAM_ROLE default FORMAT AS PARQUET"
        ]]),
    );
    emulator.result_set_on(
        "multitenant-wg",
        pattern,
        &columns,
        json!([
            [
                7_301,
                "learner_17",
                "SELECT",
                sql_time(D::minutes(5)),
                sql_time(D::minutes(5)),
                "permission denied for relation orders",
                "SELECT * FROM tenant_a.orders"
            ],
            [
                7_288,
                null,
                "SELECT",
                sql_time(D::minutes(30)),
                null,
                "division by zero",
                "SELECT 1/0"
            ]
        ]),
    );
}

/// The integration ids (ARN suffixes) the seed created for tenant_a and tenant_c.
pub fn integration_ids(seeded: &Value) -> (String, String) {
    let text = seeded.to_string();
    let find = |account: &str| -> String {
        let marker = format!("arn:aws:rds:us-east-1:{account}:integration:");
        let start = text
            .find(&marker)
            .unwrap_or_else(|| panic!("the seed describes {account}'s integration: {text}"))
            + marker.len();
        text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect()
    };
    (find("111111111111"), find("333333333333"))
}

/// CloudWatch in a tenant's account, as its `ShiftopsReadOnly` role.
pub async fn tenant_cloudwatch(url: &str, account: &str) -> aws_sdk_cloudwatch::Client {
    aws_sdk_cloudwatch::Client::new(&tenant_sdk_config(url, account).await)
}

/// A tenant account's SDK configuration, as its `ShiftopsReadOnly` role: AssumeRole with the
/// central credentials, as shiftops does.
pub async fn tenant_sdk_config(url: &str, account: &str) -> aws_config::SdkConfig {
    let central = central_sdk_config(url).await;
    let assumed = aws_sdk_sts::Client::new(&central)
        .assume_role()
        .role_arn(format!("arn:aws:iam::{account}:role/ShiftopsReadOnly"))
        .role_session_name("test")
        .send()
        .await
        .expect("AssumeRole");
    let credentials = assumed.credentials().unwrap();
    central
        .to_builder()
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(
                aws_credential_types::Credentials::new(
                    credentials.access_key_id(),
                    credentials.secret_access_key(),
                    Some(credentials.session_token().to_string()),
                    None,
                    "test",
                ),
            ),
        )
        .build()
}

/// An alarm on `namespace`/`metric` (its Sum ≥ 1 over 5 minutes) named `name`, ready for its
/// dimensions and `send()`.
pub fn sum_alarm(
    cloudwatch: &aws_sdk_cloudwatch::Client,
    name: &str,
    namespace: &str,
    metric: &str,
) -> aws_sdk_cloudwatch::operation::put_metric_alarm::builders::PutMetricAlarmFluentBuilder {
    cloudwatch
        .put_metric_alarm()
        .alarm_name(name)
        .namespace(namespace)
        .metric_name(metric)
        .statistic(aws_sdk_cloudwatch::types::Statistic::Sum)
        .period(300)
        .evaluation_periods(1)
        .threshold(1.0)
        .comparison_operator(
            aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanOrEqualToThreshold,
        )
}

/// A CloudWatch dimension.
pub fn dimension(name: &str, value: &str) -> aws_sdk_cloudwatch::types::Dimension {
    aws_sdk_cloudwatch::types::Dimension::builder()
        .name(name)
        .value(value)
        .build()
}

/// Seed 000's export alarm (Lambda Errors of `aurora-snapshot-export`), in ALARM, in `account`.
pub async fn put_export_alarm(url: &str, account: &str, name: &str) {
    let cloudwatch = tenant_cloudwatch(url, account).await;
    sum_alarm(&cloudwatch, name, "AWS/Lambda", "Errors")
        .dimensions(dimension("FunctionName", "aurora-snapshot-export"))
        .send()
        .await
        .expect("alarm created");
    cloudwatch
        .set_alarm_state()
        .alarm_name(name)
        .state_value(aws_sdk_cloudwatch::types::StateValue::Alarm)
        .state_reason("Threshold Crossed: 1 datapoint [1.0] was >= 1.0")
        .send()
        .await
        .expect("alarm set");
}

/// Sets a Serverless workgroup's query queues, as a user would with UpdateWorkgroup.
pub async fn set_workgroup_queues(url: &str, workgroup: &str, queues: &str) {
    aws_sdk_redshiftserverless::Client::new(&central_sdk_config(url).await)
        .update_workgroup()
        .workgroup_name(workgroup)
        .config_parameters(
            aws_sdk_redshiftserverless::types::ConfigParameter::builder()
                .parameter_key("wlm_json_configuration")
                .parameter_value(queues)
                .build(),
        )
        .send()
        .await
        .expect("the workgroup takes its queues");
}
