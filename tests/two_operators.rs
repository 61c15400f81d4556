//! Two on-call engineers acting at once from two machines: two shiftops processes, each with its
//! own state dir, against one AWS (the emulator). AWS is the only shared truth, so what one does
//! the other sees before it acts, and Step Functions' own idempotency makes a double request a
//! single execution.
//!
//! Each operator is this test binary run again as a helper process (`operator_process`), driven
//! line by line over its stdin: `plan rerun ARN`, `plan pause`, `plan resume`, `execute WORD`.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;

use shiftops::action::aws::AwsOperator;
use shiftops::action::{ActionError, Actions, Plan, Progress, Request};
use shiftops::config::Config;
use shiftops::source::aws::Overrides;
use support::{ACCESS_KEY, Emulator, SECRET_KEY};

const FAILED_RUN: &str =
    "arn:aws:states:us-east-1:999999999999:execution:daily-elt:daily-elt-20261121-0600";

/// The helper: one operator's process. Does nothing unless the parent set its environment.
#[test]
#[ignore = "a helper process: run by the tests of this file"]
fn operator_process() {
    let (Some(url), Some(dir)) = (
        std::env::var_os("SHIFTOPS_TEST_OPERATOR_URL"),
        std::env::var_os("SHIFTOPS_TEST_OPERATOR_STATE"),
    ) else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let url = url.to_str().unwrap();
    let text = match std::env::var("SHIFTOPS_TEST_OPERATOR_WLM").as_deref() {
        Ok("serverless") => support::serverless_wlm_config(url),
        _ => support::standard_config(url),
    };
    let config = Config::parse("config.toml", &text).unwrap();
    let overrides = Overrides {
        static_credentials: Some((ACCESS_KEY.into(), SECRET_KEY.into())),
        ..Overrides::default()
    };
    let operator = runtime
        .block_on(AwsOperator::connect(&config, &overrides))
        .unwrap();
    // As the console builds it: the state dir's audit log, actions on.
    let state = shiftops::action::StateDir::at(dir);
    let extras = shiftops::cli::action_extras(Arc::new(operator), false, Some(state));
    let actions: Arc<Actions> = extras.actions.unwrap();
    assert!(!actions.read_only(), "{:?}", extras.notices);
    let mut plan: Option<Plan> = None;
    for line in std::io::stdin().lock().lines() {
        let line = line.unwrap();
        let words: Vec<&str> = line.split_whitespace().collect();
        let answer = match words.as_slice() {
            ["plan", rest @ ..] => {
                let request = match rest {
                    ["rerun", arn] => Request::RerunElt {
                        execution_arn: arn.to_string(),
                    },
                    ["pause"] => Request::PauseAdhoc {
                        cancel_running: false,
                    },
                    ["resume"] => Request::ResumeAdhoc,
                    other => panic!("unknown request {other:?}"),
                };
                let planned = runtime.block_on(actions.plan(&request)).unwrap();
                let said = match &planned.unsupported {
                    Some(why) => format!("refused {why}"),
                    None => format!("ready {}", planned.calls.join(" ; ")),
                };
                plan = Some(planned);
                format!("PLANNED {said}")
            }
            ["execute", typed] => {
                let (progress, _updates) = Progress::channel();
                let result = runtime.block_on(actions.execute(
                    plan.as_ref().expect("planned first"),
                    typed,
                    &progress,
                ));
                match result {
                    Ok(done) => format!("RESULT ok {}", done.outcome.summary),
                    Err(ActionError::Stale(why)) => format!("RESULT stale {why}"),
                    Err(other) => format!("RESULT error {other}"),
                }
            }
            _ => panic!("unknown command {line:?}"),
        };
        println!("{}", answer.replace('\n', " "));
        std::io::stdout().flush().unwrap();
    }
}

/// One operator: a process of its own with its own state dir.
struct Operator {
    child: Child,
    stdin: ChildStdin,
    lines: std::io::Lines<BufReader<std::process::ChildStdout>>,
    _state: tempfile::TempDir,
}

impl Operator {
    fn start(url: &str) -> Operator {
        Operator::start_with(url, "cluster")
    }

    /// An operator whose `wlm` warehouse is the cluster, or the Serverless workgroup.
    fn start_with(url: &str, wlm: &str) -> Operator {
        let state = tempfile::tempdir().unwrap();
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "operator_process",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("SHIFTOPS_TEST_OPERATOR_URL", url)
            .env("SHIFTOPS_TEST_OPERATOR_STATE", state.path())
            .env("SHIFTOPS_TEST_OPERATOR_WLM", wlm)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        Operator {
            child,
            stdin,
            lines,
            _state: state,
        }
    }

    /// Sends a command and returns the answer line (`PLANNED …`, `RESULT …`).
    fn ask(&mut self, command: &str) -> String {
        writeln!(self.stdin, "{command}").unwrap();
        self.stdin.flush().unwrap();
        loop {
            let line = self
                .lines
                .next()
                .expect("the operator process answers")
                .unwrap();
            // libtest may have begun the line with `test operator_process ... `.
            if let Some(at) = line.find("PLANNED ").or_else(|| line.find("RESULT ")) {
                return line[at..].to_string();
            }
        }
    }
}

impl Drop for Operator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Every execution of the ELT state machine: (name, status, redrive count).
fn executions(url: &str) -> Vec<(String, String, i32)> {
    runtime().block_on(support::elt_executions(url))
}

/// The live `wlm_json_configuration` of the cluster's parameter group.
fn live_wlm(url: &str) -> String {
    runtime().block_on(async {
        let redshift = aws_sdk_redshift::Client::new(&support::central_sdk_config(url).await);
        let cluster = redshift
            .describe_clusters()
            .cluster_identifier("dpc-learning")
            .send()
            .await
            .unwrap();
        let group = cluster.clusters()[0].cluster_parameter_groups()[0]
            .parameter_group_name()
            .unwrap()
            .to_string();
        let parameters = redshift
            .describe_cluster_parameters()
            .parameter_group_name(group)
            .send()
            .await
            .unwrap();
        parameters
            .parameters()
            .iter()
            .find(|p| p.parameter_name() == Some("wlm_json_configuration"))
            .and_then(|p| p.parameter_value())
            .unwrap()
            .to_string()
    })
}

#[test]
fn both_rerun_and_exactly_one_execution_runs() {
    let (emulator, _) = Emulator::standard();
    let mut a = Operator::start(&emulator.url);
    let mut b = Operator::start(&emulator.url);
    let before = executions(&emulator.url);

    // Both see the same failed run and preview the same redrive.
    let plan_a = a.ask(&format!("plan rerun {FAILED_RUN}"));
    let plan_b = b.ask(&format!("plan rerun {FAILED_RUN}"));
    assert!(
        plan_a.starts_with("PLANNED ready states:RedriveExecution"),
        "{plan_a}"
    );
    assert_eq!(plan_a, plan_b, "the same client token for the same failure");
    let done_a = a.ask("execute daily-elt");
    assert!(done_a.starts_with("RESULT ok redriven"), "{done_a}");
    // B confirms a moment later: AWS says it was already rerun, and nothing more happens.
    let done_b = b.ask("execute daily-elt");
    assert!(
        done_b.starts_with("RESULT stale already rerun at ")
            && done_b.contains("as daily-elt-20261121-0600 (redriven, RUNNING"),
        "{done_b}"
    );
    let after = executions(&emulator.url);
    assert_eq!(
        after.len(),
        before.len(),
        "a redrive starts no new execution"
    );
    let redriven = after
        .iter()
        .find(|(name, _, _)| name == "daily-elt-20261121-0600")
        .unwrap();
    assert_eq!(redriven.2, 1, "redriven once: {after:?}");

    // Once that run has ended, both ask to start it again: one new execution, named after it.
    let finished = Emulator::attach(&emulator.url).post(
        "/_shiftops/sfn/work-copy-queue",
        serde_json::json!({"execution_arn": FAILED_RUN, "fail": null}),
    );
    assert_eq!(finished["status"], "SUCCEEDED", "{finished}");
    let plan_a = a.ask(&format!("plan rerun {FAILED_RUN}"));
    let plan_b = b.ask(&format!("plan rerun {FAILED_RUN}"));
    assert!(
        plan_a.contains("states:StartExecution")
            && plan_a.contains("name=daily-elt-20261121-0600-rerun-1 "),
        "{plan_a}"
    );
    assert_eq!(plan_a, plan_b);
    let done_a = a.ask("execute daily-elt");
    assert!(
        done_a.starts_with("RESULT ok started daily-elt-20261121-0600-rerun-1"),
        "{done_a}"
    );
    let done_b = b.ask("execute daily-elt");
    assert!(
        done_b.starts_with("RESULT stale already rerun at ")
            && done_b.contains("daily-elt-20261121-0600-rerun-1"),
        "{done_b}"
    );
    let reruns: Vec<_> = executions(&emulator.url)
        .into_iter()
        .filter(|(name, _, _)| name.contains("-rerun-"))
        .collect();
    assert_eq!(reruns.len(), 1, "{reruns:?}");
    assert_eq!(reruns[0].1, "RUNNING");

    // While that rerun runs, neither can start another: the refusal names it and its step.
    let refused = b.ask(&format!(
        "plan rerun arn:aws:states:us-east-1:999999999999:execution:daily-elt:{}",
        reruns[0].0
    ));
    assert!(
        refused.starts_with("PLANNED refused daily-elt-20261121-0600-rerun-1 is RUNNING since ")
            && refused.contains("now in step COPY"),
        "{refused}"
    );
    let count = executions(&emulator.url).len();
    let tried = b.ask("execute daily-elt");
    assert!(tried.starts_with("RESULT error refused: "), "{tried}");
    assert_eq!(executions(&emulator.url).len(), count, "no new execution");
}

#[test]
fn a_pause_from_one_machine_is_resumed_exactly_from_the_other() {
    let (emulator, _) = Emulator::standard();
    let mut a = Operator::start(&emulator.url);
    let mut b = Operator::start(&emulator.url);
    let original = live_wlm(&emulator.url);

    // B previews a pause too, before A's lands: its confirmation then finds adhoc paused.
    assert!(
        a.ask("plan pause")
            .starts_with("PLANNED ready redshift:ModifyClusterParameterGroup")
    );
    assert!(b.ask("plan pause").starts_with("PLANNED ready "));
    assert!(a.ask("execute adhoc").starts_with("RESULT ok adhoc paused"));
    let paused = live_wlm(&emulator.url);
    assert_ne!(paused, original);
    let late = b.ask("execute adhoc");
    assert!(
        late.starts_with("RESULT stale adhoc is already paused since "),
        "{late}"
    );
    assert_eq!(
        live_wlm(&emulator.url),
        paused,
        "a double pause is harmless"
    );
    let again = b.ask("plan pause");
    assert!(
        again.starts_with("PLANNED refused adhoc is already paused since "),
        "{again}"
    );

    // B resumes what A paused: the configuration is exactly the original.
    assert!(b.ask("plan resume").starts_with("PLANNED ready "));
    let resumed = b.ask("execute adhoc");
    assert!(resumed.starts_with("RESULT ok adhoc resumed"), "{resumed}");
    assert_eq!(live_wlm(&emulator.url), original, "restored exactly");

    // A's resume, previewed earlier or now, finds nothing to resume and changes nothing.
    let nothing = a.ask("plan resume");
    assert!(
        nothing.starts_with("PLANNED refused nothing to resume"),
        "{nothing}"
    );
    assert_eq!(live_wlm(&emulator.url), original);
}

/// The Serverless workgroup's live `wlm_json_configuration` (GetWorkgroup).
fn live_workgroup_wlm(url: &str) -> Option<String> {
    runtime().block_on(async {
        let serverless =
            aws_sdk_redshiftserverless::Client::new(&support::central_sdk_config(url).await);
        let got = serverless
            .get_workgroup()
            .workgroup_name("multitenant-wg")
            .send()
            .await
            .unwrap();
        got.workgroup()
            .unwrap()
            .config_parameters()
            .iter()
            .find(|p| p.parameter_key() == Some("wlm_json_configuration"))
            .and_then(|p| p.parameter_value())
            .map(str::to_string)
    })
}

#[test]
fn a_serverless_pause_from_one_machine_is_resumed_exactly_from_the_other() {
    let (emulator, _) = Emulator::standard();
    // Queues as a Serverless workgroup takes them: no concurrency, memory or user groups.
    let original = r#"[{"name": "batch", "query_group": ["batch"]}, {"name": "adhoc", "user_role": ["analyst"], "query_group": ["adhoc"]}]"#;
    runtime().block_on(async {
        support::set_workgroup_queues(&emulator.url, "multitenant-wg", original).await;
    });
    let mut a = Operator::start_with(&emulator.url, "serverless");
    let mut b = Operator::start_with(&emulator.url, "serverless");

    let planned = a.ask("plan pause");
    assert!(
        planned.starts_with(
            "PLANNED ready redshift-serverless:UpdateWorkgroup workgroupName=multitenant-wg"
        ),
        "{planned}"
    );
    assert!(b.ask("plan pause").starts_with("PLANNED ready "));
    assert!(a.ask("execute adhoc").starts_with("RESULT ok adhoc paused"));
    let paused = live_workgroup_wlm(&emulator.url).unwrap();
    assert_ne!(paused, original);
    let late = b.ask("execute adhoc");
    assert!(
        late.starts_with("RESULT stale adhoc is already paused since "),
        "{late}"
    );
    assert_eq!(live_workgroup_wlm(&emulator.url).unwrap(), paused);

    assert!(b.ask("plan resume").starts_with("PLANNED ready "));
    let resumed = b.ask("execute adhoc");
    assert!(resumed.starts_with("RESULT ok adhoc resumed"), "{resumed}");
    assert_eq!(
        live_workgroup_wlm(&emulator.url).as_deref(),
        Some(original),
        "restored exactly"
    );
    let nothing = a.ask("plan resume");
    assert!(
        nothing.starts_with("PLANNED refused nothing to resume"),
        "{nothing}"
    );
}
