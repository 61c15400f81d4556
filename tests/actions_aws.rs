//! Every recovery action end to end against the local AWS emulator, through the action layer:
//! preview, confirmation, execution, the audit log, and read-only refusal.

mod support;

use std::sync::Arc;

use serde_json::json;
use shiftops::action::audit::{self, Phase};
use shiftops::action::aws::AwsOperator;
use shiftops::action::{
    ActionError, ActionKind, ActionUpdate, Actions, Progress, Request, ResyncScope, StateDir,
};
use shiftops::config::Config;
use shiftops::source::aws::Overrides;
use support::{ACCESS_KEY, Emulator, SECRET_KEY, integration_ids, standard_config};

const FAILED_RUN: &str =
    "arn:aws:states:us-east-1:999999999999:execution:daily-elt:daily-elt-20261121-0600";
const GOOD_RUN: &str =
    "arn:aws:states:us-east-1:999999999999:execution:daily-elt:daily-elt-20261120-0600";

struct Setup {
    emulator: Emulator,
    state: tempfile::TempDir,
    actions: Actions,
}

fn config(url: &str) -> Config {
    let text = standard_config(url).replace(
        "export = { bucket = \"tenant-b-snapshots\", prefix = \"tenant_b/\" }",
        "export = { bucket = \"tenant-b-snapshots\", prefix = \"tenant_b/\", iam_role_arn = \"arn:aws:iam::222222222222:role/RDSExportServiceRole\", kms_key_id = \"arn:aws:kms:us-east-1:222222222222:key/1234\" }",
    );
    Config::parse("config.toml", &text).unwrap()
}

async fn setup(read_only: bool) -> Setup {
    let (emulator, seeded) = tokio::task::spawn_blocking(Emulator::standard)
        .await
        .unwrap();
    let (a, _) = integration_ids(&seeded);
    let fixtures = tokio::task::spawn_blocking({
        let url = emulator.url.clone();
        move || {
            let e = Emulator::attach(&url);
            e.result_set(
                r"(?i)from\s+svv_integration\s+where\s+integration_id",
                &[("target_database", "varchar")],
                json!([["tenant_a_zeroetl"]]),
            );
            e.result_set(
                r#"(?i)from\s+svv_table_info\s+where\s+"schema"\s*=\s*'tenant_b'"#,
                &[("table_name", "varchar")],
                json!([["orders"], ["products"], ["users"]]),
            );
            e.result_set(
                r"(?i)from\s+stv_inflight",
                &[("pid", "int8")],
                json!([[30001], [30002]]),
            );
            a
        }
    });
    fixtures.await.unwrap();
    let state = tempfile::tempdir().unwrap();
    let state_dir = StateDir::at(state.path());
    let overrides = Overrides {
        static_credentials: Some((ACCESS_KEY.into(), SECRET_KEY.into())),
        ..Overrides::default()
    };
    let mut operator = AwsOperator::connect(&config(&emulator.url), &overrides)
        .await
        .unwrap();
    operator.patience = std::time::Duration::from_secs(5);
    let audit = (!read_only)
        .then(|| shiftops::action::audit::AuditLog::open(state_dir.lock().unwrap()).unwrap());
    Setup {
        emulator,
        state,
        actions: Actions::new(Arc::new(operator), read_only, audit),
    }
}

/// The preview of `request`, which must be made.
async fn preview(s: &Setup, request: Request) -> shiftops::action::Plan {
    s.actions.plan(&request).await.unwrap()
}

fn progress() -> Progress {
    Progress::channel().0
}

async fn statements(emulator: &Emulator) -> Vec<String> {
    let url = emulator.url.clone();
    let listed = tokio::task::spawn_blocking(move || {
        Emulator::attach(&url).get("/_shiftops/redshift-data/statements")
    })
    .await
    .unwrap();
    listed
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["sql"].as_str().unwrap().to_string())
        .collect()
}

/// Plays the COPY Lambda for a running execution until it succeeds.
async fn finish_copies(emulator: &Emulator, execution_arn: &str) {
    let url = emulator.url.clone();
    let arn = execution_arn.to_string();
    let finished = tokio::task::spawn_blocking(move || {
        Emulator::attach(&url).post(
            "/_shiftops/sfn/work-copy-queue",
            json!({"execution_arn": arn, "fail": null}),
        )
    })
    .await
    .unwrap();
    assert_eq!(finished["status"], "SUCCEEDED", "{finished}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rerun_redrives_the_failed_latest_run_then_starts_a_finished_one_once() {
    let s = setup(false).await;
    let plan = s
        .actions
        .plan(&Request::RerunElt {
            execution_arn: FAILED_RUN.into(),
        })
        .await
        .unwrap();
    assert!(
        plan.calls[0].starts_with("states:RedriveExecution"),
        "{:?}",
        plan.calls
    );
    assert_eq!(plan.confirm.as_deref(), Some("daily-elt"));
    assert_eq!(
        s.actions.execute(&plan, "wrong", &progress()).await,
        Err(ActionError::NotConfirmed {
            expected: "daily-elt".into()
        })
    );
    let done = s
        .actions
        .execute(&plan, "daily-elt", &progress())
        .await
        .unwrap();
    assert!(done.recorded);
    assert!(
        done.outcome.summary.starts_with("redriven"),
        "{}",
        done.outcome.summary
    );
    // The same preview again: what it was based on has changed, so nothing more is done.
    let again = s.actions.execute(&plan, "daily-elt", &progress()).await;
    assert!(matches!(again, Err(ActionError::Stale(_))), "{again:?}");
    // While the redriven run runs, a rerun is refused and says where it is.
    let busy = s
        .actions
        .plan(&Request::RerunElt {
            execution_arn: FAILED_RUN.into(),
        })
        .await
        .unwrap();
    let why = busy.unsupported.unwrap();
    assert!(
        why.starts_with("already rerun at ")
            && why.contains("as daily-elt-20261121-0600 (redriven, RUNNING, now in step COPY"),
        "{why}"
    );

    // The redriven run finishes: a rerun now starts it again, named after it and its attempt.
    finish_copies(&s.emulator, FAILED_RUN).await;
    let plan = s
        .actions
        .plan(&Request::RerunElt {
            execution_arn: FAILED_RUN.into(),
        })
        .await
        .unwrap();
    assert_eq!(plan.unsupported, None, "{plan:?}");
    assert!(
        plan.calls[0].starts_with("states:StartExecution")
            && plan.calls[0].contains("name=daily-elt-20261121-0600-rerun-1 "),
        "{:?}",
        plan.calls
    );
    s.actions
        .execute(&plan, "daily-elt", &progress())
        .await
        .unwrap();
    let again = s.actions.execute(&plan, "daily-elt", &progress()).await;
    assert!(matches!(again, Err(ActionError::Stale(_))), "{again:?}");
    let reruns = support::elt_executions(&s.emulator.url)
        .await
        .into_iter()
        .filter(|(name, _, _)| name.contains("-rerun-"))
        .count();
    assert_eq!(reruns, 1, "one rerun, however often it was confirmed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_run_is_stopped_once_then_redriven() {
    let s = setup(false).await;
    // Only a RUNNING execution can be stopped: the failed one is refused at preview.
    let plan = preview(
        &s,
        Request::StopElt {
            execution_arn: FAILED_RUN.into(),
        },
    )
    .await;
    let why = plan.unsupported.clone().unwrap();
    assert!(why.contains("is FAILED: only a RUNNING execution"), "{why}");
    // Redriven, it runs (waiting in its COPY): now it can be stopped, by its name.
    let rerun = preview(
        &s,
        Request::RerunElt {
            execution_arn: FAILED_RUN.into(),
        },
    )
    .await;
    s.actions
        .execute(&rerun, "daily-elt", &progress())
        .await
        .unwrap();
    let stop = preview(
        &s,
        Request::StopElt {
            execution_arn: FAILED_RUN.into(),
        },
    )
    .await;
    assert_eq!(stop.unsupported, None, "{stop:?}");
    assert_eq!(stop.confirm.as_deref(), Some("daily-elt-20261121-0600"));
    assert!(
        stop.calls[0].starts_with("states:StopExecution executionArn=")
            && stop.calls[0].contains("error=shiftops.Stopped"),
        "{:?}",
        stop.calls
    );
    let done = s
        .actions
        .execute(&stop, "daily-elt-20261121-0600", &progress())
        .await
        .unwrap();
    assert!(done.outcome.summary.starts_with("stopped"), "{done:?}");
    let (status, error) = support::execution_status(&s.emulator.url, FAILED_RUN).await;
    assert_eq!(status, "ABORTED");
    assert_eq!(error.as_deref(), Some("shiftops.Stopped"));
    // The same preview again is stale: nothing more is stopped.
    let again = s
        .actions
        .execute(&stop, "daily-elt-20261121-0600", &progress())
        .await;
    assert!(matches!(again, Err(ActionError::Stale(_))), "{again:?}");
    // ABORTED is redrivable: the rerun redrives it from where it stopped.
    let rerun = preview(
        &s,
        Request::RerunElt {
            execution_arn: FAILED_RUN.into(),
        },
    )
    .await;
    assert!(
        rerun.calls[0].starts_with("states:RedriveExecution"),
        "{:?}",
        rerun.calls
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_run_is_not_rerun() {
    let s = setup(false).await;
    let plan = s
        .actions
        .plan(&Request::RerunElt {
            execution_arn: GOOD_RUN.into(),
        })
        .await
        .unwrap();
    let why = plan.unsupported.unwrap();
    assert!(
        why.contains("daily-elt-20261120-0600 is not the latest run: daily-elt-20261121-0600"),
        "{why}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_and_resume_restore_the_wlm_configuration_exactly() {
    let s = setup(false).await;
    let pause = Request::PauseAdhoc {
        cancel_running: true,
    };
    let plan = s.actions.plan(&pause).await.unwrap();
    let original = plan.before["wlm_json_configuration"]
        .as_str()
        .unwrap()
        .to_string();
    let diff = plan.change.as_ref().unwrap().diff_lines();
    assert!(
        diff.iter()
            .any(|l| l.starts_with("+ ") && l.contains("\"query_concurrency\": 1")),
        "{diff:#?}"
    );
    assert!(
        diff.iter()
            .any(|l| l.starts_with("+ ") && l.contains("abort")),
        "{diff:#?}"
    );
    assert!(
        plan.calls.contains(&"CANCEL 30001".to_string()),
        "{:?}",
        plan.calls
    );
    assert_eq!(plan.confirm.as_deref(), Some("adhoc"));
    s.actions
        .execute(&plan, "adhoc", &progress())
        .await
        .unwrap();
    let ran = statements(&s.emulator).await;
    assert!(
        ran.contains(&"CANCEL 30001".to_string()) && ran.contains(&"CANCEL 30002".to_string()),
        "{ran:?}"
    );
    // Nothing of the pause is kept on this machine: AWS holds it.
    let files: Vec<_> = std::fs::read_dir(s.state.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| !name.starts_with("audit") && name != "lock")
        .collect();
    assert!(files.is_empty(), "{files:?}");
    let twice = s.actions.plan(&pause).await.unwrap();
    assert!(
        twice
            .unsupported
            .as_deref()
            .unwrap()
            .contains("already paused since"),
        "{twice:?}"
    );

    let resume = s.actions.plan(&Request::ResumeAdhoc).await.unwrap();
    assert_ne!(
        resume.before["wlm_json_configuration"].as_str().unwrap(),
        original
    );
    s.actions
        .execute(&resume, "adhoc", &progress())
        .await
        .unwrap();
    let after = s.actions.plan(&pause).await.unwrap();
    assert_eq!(
        after.before["wlm_json_configuration"].as_str().unwrap(),
        original,
        "restored exactly"
    );
    let nothing = s.actions.plan(&Request::ResumeAdhoc).await.unwrap();
    assert!(
        nothing
            .unsupported
            .as_deref()
            .unwrap()
            .starts_with("nothing to resume"),
        "{nothing:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resync_vacuum_analyze_and_cancel_run_their_sql() {
    let s = setup(false).await;
    let resync = s
        .actions
        .plan(&Request::ResyncTables {
            tenant: "tenant_a".into(),
            scope: ResyncScope::InError,
        })
        .await
        .unwrap();
    assert_eq!(
        resync.calls,
        ["ALTER DATABASE \"tenant_a_zeroetl\" INTEGRATION REFRESH INERROR TABLES"]
    );
    assert_eq!(resync.confirm.as_deref(), Some("tenant_a"));
    s.actions
        .execute(&resync, "tenant_a", &progress())
        .await
        .unwrap();

    let vacuum = s
        .actions
        .plan(&Request::Vacuum {
            tenant: "tenant_b".into(),
        })
        .await
        .unwrap();
    assert_eq!(
        vacuum.calls,
        [
            "VACUUM DELETE ONLY \"tenant_b\".\"orders\"",
            "VACUUM DELETE ONLY \"tenant_b\".\"products\"",
            "VACUUM DELETE ONLY \"tenant_b\".\"users\""
        ]
    );
    s.actions
        .execute(&vacuum, "tenant_b", &progress())
        .await
        .unwrap();
    let analyze = s
        .actions
        .plan(&Request::Analyze {
            tenant: "tenant_b".into(),
        })
        .await
        .unwrap();
    s.actions
        .execute(&analyze, "tenant_b", &progress())
        .await
        .unwrap();
    let cancel = s
        .actions
        .plan(&Request::CancelQuery { pid: 4242 })
        .await
        .unwrap();
    s.actions
        .execute(&cancel, "4242", &progress())
        .await
        .unwrap();

    let ran = statements(&s.emulator).await;
    for expected in [
        "ALTER DATABASE \"tenant_a_zeroetl\" INTEGRATION REFRESH INERROR TABLES",
        "VACUUM DELETE ONLY \"tenant_b\".\"users\"",
        "ANALYZE \"tenant_b\".\"orders\"",
        "CANCEL 4242",
    ] {
        assert!(
            ran.iter().any(|sql| sql == expected),
            "{expected} not in {ran:#?}"
        );
    }
    // Not for a tenant on the other path.
    let wrong = s
        .actions
        .plan(&Request::ResyncTables {
            tenant: "tenant_b".into(),
            scope: ResyncScope::All,
        })
        .await
        .unwrap();
    assert!(wrong.unsupported.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_export_snapshots_then_exports_in_the_tenant_account() {
    let s = setup(false).await;
    let plan = s
        .actions
        .plan(&Request::StartExport {
            tenant: "tenant_b".into(),
        })
        .await
        .unwrap();
    assert!(
        plan.calls[0].starts_with("rds:CreateDBClusterSnapshot DBClusterIdentifier=tenant-b-mysql")
    );
    assert!(plan.calls[2].contains("S3BucketName=tenant-b-snapshots"));
    let (sender, mut progress) = Progress::channel();
    let done = s.actions.execute(&plan, "tenant_b", &sender).await.unwrap();
    assert!(
        done.outcome.summary.starts_with("export "),
        "{}",
        done.outcome.summary
    );
    // The preview named the export that ran.
    let task = plan.payload["task"].as_str().unwrap();
    assert!(plan.calls[2].contains(&format!("ExportTaskIdentifier={task} ")));
    assert!(
        done.outcome.summary.contains(task),
        "{}",
        done.outcome.summary
    );
    let mut seen = Vec::new();
    while let Ok(update) = progress.try_recv() {
        if let ActionUpdate::Line(line) = update {
            seen.push(line);
        }
    }
    assert!(seen.iter().any(|l| l.contains("available")), "{seen:?}");
    let zero_etl = s
        .actions
        .plan(&Request::StartExport {
            tenant: "tenant_a".into(),
        })
        .await
        .unwrap();
    assert!(zero_etl.unsupported.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_execution_is_audited_with_intent_then_outcome_and_no_secrets() {
    let s = setup(false).await;
    let plan = s
        .actions
        .plan(&Request::CancelQuery { pid: 7 })
        .await
        .unwrap();
    s.actions.execute(&plan, "7", &progress()).await.unwrap();
    let plan = s
        .actions
        .plan(&Request::RerunElt {
            execution_arn: "arn:aws:states:us-east-1:999999999999:execution:daily-elt:nope".into(),
        })
        .await;
    assert!(plan.is_err(), "an unknown execution cannot be planned");

    let path = StateDir::at(s.state.path()).audit_log();
    let records = audit::read(&path).unwrap();
    assert_eq!(records.len(), 2, "{records:#?}");
    assert_eq!(records[0].phase, Phase::Intent);
    assert_eq!(records[1].phase, Phase::Outcome);
    assert_eq!(records[0].id, records[1].id);
    assert_eq!(records[0].action, "cancel_query");
    assert!(
        records[0].caller.starts_with("arn:aws:"),
        "{}",
        records[0].caller
    );
    assert!(records[1].outcome.as_ref().unwrap().ok);
    assert!(audit::scan(&path).unwrap().unfinished.is_empty());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains(SECRET_KEY) && !text.contains(ACCESS_KEY),
        "no credentials in the audit log"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_refuses_every_action_in_the_action_layer() {
    let s = setup(true).await;
    let requests = [
        Request::RerunElt {
            execution_arn: FAILED_RUN.into(),
        },
        Request::StopElt {
            execution_arn: FAILED_RUN.into(),
        },
        Request::PauseAdhoc {
            cancel_running: false,
        },
        Request::ResumeAdhoc,
        Request::ResyncTables {
            tenant: "tenant_a".into(),
            scope: ResyncScope::InError,
        },
        Request::StartExport {
            tenant: "tenant_b".into(),
        },
        Request::Vacuum {
            tenant: "tenant_b".into(),
        },
        Request::Analyze {
            tenant: "tenant_b".into(),
        },
        Request::CancelQuery { pid: 1 },
    ];
    let kinds: Vec<ActionKind> = requests.iter().map(Request::kind).collect();
    assert_eq!(kinds, ActionKind::ALL, "every action is tried");
    for request in &requests {
        let plan = s.actions.plan(request).await.unwrap();
        let typed = plan.confirm.clone().unwrap_or_default();
        assert_eq!(
            s.actions.execute(&plan, &typed, &progress()).await,
            Err(ActionError::ReadOnly),
            "{request:?}"
        );
    }
    let ran = statements(&s.emulator).await;
    assert!(
        ran.iter()
            .all(|sql| sql.trim_start().to_uppercase().starts_with("SELECT")),
        "only reads ran: {ran:#?}"
    );
    assert!(!StateDir::at(s.state.path()).audit_log().exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_on_a_default_parameter_group_is_refused_at_preview_with_the_fix() {
    let (emulator, _) = tokio::task::spawn_blocking(Emulator::standard)
        .await
        .unwrap();
    let central = support::central_sdk_config(&emulator.url).await;
    // A cluster created without a parameter group gets the default one.
    let created = aws_sdk_redshift::Client::new(&central)
        .create_cluster()
        .cluster_identifier("dpc-default")
        .node_type("ra3.xlplus")
        .master_username("admin")
        .master_user_password("Secret-password-1")
        .send()
        .await
        .unwrap();
    let group = created.cluster().unwrap().cluster_parameter_groups()[0]
        .parameter_group_name()
        .unwrap()
        .to_string();
    assert!(group.starts_with("default."), "{group}");
    let text = standard_config(&emulator.url).replace(
        "cluster_identifier = \"dpc-learning\"",
        "cluster_identifier = \"dpc-default\"",
    );
    let config = Config::parse("config.toml", &text).unwrap();
    let overrides = Overrides {
        static_credentials: Some((ACCESS_KEY.into(), SECRET_KEY.into())),
        ..Overrides::default()
    };
    let operator = AwsOperator::connect(&config, &overrides).await.unwrap();
    let state = tempfile::tempdir().unwrap();
    let actions = Actions::new(
        Arc::new(operator),
        false,
        Some(audit::AuditLog::open(StateDir::at(state.path()).lock().unwrap()).unwrap()),
    );
    for request in [
        Request::PauseAdhoc {
            cancel_running: false,
        },
        Request::ResumeAdhoc,
    ] {
        let plan = actions.plan(&request).await.unwrap();
        let why = plan.unsupported.clone().unwrap();
        assert!(
            why.contains(&format!("uses the default parameter group {group}"))
                && why.contains("CreateClusterParameterGroup"),
            "{why}"
        );
        assert!(plan.calls.is_empty());
        assert!(matches!(
            actions.execute(&plan, "adhoc", &progress()).await,
            Err(ActionError::Unsupported(_))
        ));
    }
    assert!(
        audit::read(&StateDir::at(state.path()).audit_log())
            .unwrap()
            .is_empty(),
        "nothing was attempted"
    );
}

/// Serverless queues as the workgroup takes them ("Setting query queues": names, user roles,
/// query groups and rules; no concurrency, memory or user groups), adhoc with a rule of its own.
const SERVERLESS_QUEUES: &str = r#"[{"name": "batch", "user_role": ["batch"], "query_group": ["batch"]}, {"name": "adhoc", "user_role": ["analyst"], "query_group": ["adhoc"], "rules": [{"rule_name": "long_adhoc", "predicate": [{"metric_name": "query_execution_time", "operator": ">", "value": 1800}], "action": "abort"}]}, {"name": "admin", "query_group": ["admin"]}]"#;

/// The workgroup's config parameters as GetWorkgroup answers them, by key.
async fn workgroup_parameters(url: &str) -> std::collections::BTreeMap<String, String> {
    let central = support::central_sdk_config(url).await;
    let got = aws_sdk_redshiftserverless::Client::new(&central)
        .get_workgroup()
        .workgroup_name("multitenant-wg")
        .send()
        .await
        .expect("GetWorkgroup");
    got.workgroup()
        .unwrap()
        .config_parameters()
        .iter()
        .map(|p| {
            (
                p.parameter_key().unwrap_or_default().to_string(),
                p.parameter_value().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_and_resume_on_a_serverless_workgroup_change_its_queues_and_restore_them_exactly() {
    let (emulator, _) = tokio::task::spawn_blocking(Emulator::standard)
        .await
        .unwrap();
    let url = emulator.url.clone();
    let config = Config::parse("config.toml", &support::serverless_wlm_config(&url)).unwrap();
    let overrides = Overrides {
        static_credentials: Some((ACCESS_KEY.into(), SECRET_KEY.into())),
        ..Overrides::default()
    };
    let state = tempfile::tempdir().unwrap();
    let actions = Actions::new(
        Arc::new(AwsOperator::connect(&config, &overrides).await.unwrap()),
        false,
        Some(audit::AuditLog::open(StateDir::at(state.path()).lock().unwrap()).unwrap()),
    );
    let pause = Request::PauseAdhoc {
        cancel_running: true,
    };

    // The standard fleet's workgroup has the seeds' queues; the test sets its own, as a user
    // would. (A workgroup that sets no queues is refused: `action::wlm`'s unit tests.)
    support::set_workgroup_queues(&url, "multitenant-wg", SERVERLESS_QUEUES).await;
    let before = workgroup_parameters(&url).await;

    let plan = actions.plan(&pause).await.unwrap();
    assert_eq!(plan.unsupported, None, "{plan:?}");
    assert_eq!(plan.target, "WLM queue adhoc on multitenant-wg");
    assert_eq!(
        plan.calls,
        [
            "redshift-serverless:UpdateWorkgroup workgroupName=multitenant-wg configParameters=[wlm_json_configuration]",
        ]
    );
    // AWS names no queue for a Serverless query: nothing is cancelled by a guess, and the
    // preview says so.
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("service_class_name is empty")),
        "{plan:?}"
    );
    let diff = plan.change.as_ref().unwrap().diff_lines();
    assert!(
        diff.iter()
            .any(|l| l.starts_with("+ ") && l.contains("\"abort\"")),
        "{diff:#?}"
    );
    assert!(
        !diff.iter().any(|l| l.contains("query_concurrency")),
        "Serverless queues take no concurrency: {diff:#?}"
    );
    actions.execute(&plan, "adhoc", &progress()).await.unwrap();

    // The pause is in the workgroup's configuration, and only there; nothing else changed.
    let paused = workgroup_parameters(&url).await;
    assert_ne!(paused["wlm_json_configuration"], SERVERLESS_QUEUES);
    for (key, value) in &before {
        if key != "wlm_json_configuration" {
            assert_eq!(&paused[key], value, "{key}");
        }
    }
    let ran = statements(&emulator).await;
    assert!(!ran.iter().any(|sql| sql.starts_with("CANCEL")), "{ran:?}");
    // Every console reads it from the workgroup: the pause shows.
    let fleet = shiftops::source::aws::fleet(&config, &overrides).unwrap();
    let snapshot = shiftops::source::refresh::refresh_once(&fleet).await;
    let settings = &snapshot.wlm_settings;
    assert_eq!(settings.configured_in, "multitenant-wg");
    assert!(settings.adhoc_pause.is_some(), "{settings:?}");
    let twice = actions.plan(&pause).await.unwrap();
    assert!(
        twice
            .unsupported
            .unwrap()
            .contains("in workgroup multitenant-wg): resume it first")
    );

    let resume = actions.plan(&Request::ResumeAdhoc).await.unwrap();
    assert_eq!(resume.unsupported, None, "{resume:?}");
    actions
        .execute(&resume, "adhoc", &progress())
        .await
        .unwrap();
    assert_eq!(workgroup_parameters(&url).await, before, "restored exactly");
    let snapshot = shiftops::source::refresh::refresh_once(&fleet).await;
    assert_eq!(snapshot.wlm_settings.adhoc_pause, None);
    let records = audit::read(&StateDir::at(state.path()).audit_log()).unwrap();
    assert_eq!(
        records
            .iter()
            .filter(|r| r.phase == Phase::Outcome && r.outcome.as_ref().is_some_and(|o| o.ok))
            .count(),
        2,
        "{records:?}"
    );
}
