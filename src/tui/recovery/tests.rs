//! The component alone: a context in, a reply out, no app.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

use super::*;
use crate::action::{ActionError, Audited, Executed, Outcome, Plan, Request};
use crate::health::Status;
use crate::model::ActionOutcome;

/// What a context borrows.
struct Facts {
    snapshot: Snapshot,
    health: Health,
    runbooks: Vec<Runbook>,
    keymap: Keymap,
}

impl Facts {
    fn new() -> Facts {
        let runbook = "id = \"test-vacuum\"\ntitle = \"Vacuum\"\nsummary = \"For tests\"\n\n\
[[steps]]\nphase = \"triage\"\ntitle = \"Look at storage\"\ntext = \"x\"\nkind = \"check\"\n\
view = \"storage\"\nfilter = \"tenant_b\"\n\n\
[[steps]]\nphase = \"recovery\"\ntitle = \"Vacuum tenant_b\"\ntext = \"x\"\nkind = \"action\"\n\
action = \"vacuum\"\n";
        Facts {
            snapshot: Snapshot::new(Vec::new()),
            health: Health {
                findings: Vec::new(),
                tenant_status: Default::default(),
                status: Status::Ok,
            },
            runbooks: vec![
                crate::tui::runbook::parse("runbooks/test-vacuum.toml", runbook).unwrap(),
            ],
            keymap: crate::tui::keymap::load("default", None).unwrap(),
        }
    }

    fn context(&self) -> Context<'_> {
        Context {
            view: View::Overview,
            tenant: None,
            alarm: None,
            finding: None,
            execution: None,
            query: None,
            snapshot: &self.snapshot,
            health: &self.health,
            runbooks: &self.runbooks,
            keymap: &self.keymap,
            lang: Lang::En,
            actions: true,
        }
    }
}

fn vacuum() -> Request {
    Request::Vacuum {
        tenant: "tenant_b".into(),
    }
}

fn plan() -> Box<Plan> {
    let mut plan = Plan::new(vacuum(), "tenant_b");
    plan.calls = vec!["VACUUM tenant_b.orders".into()];
    plan.confirm = Some("tenant_b".into());
    Box::new(plan)
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn stage(recovery: &Recovery) -> &Stage {
    &recovery.dialog().unwrap().stage
}

/// A dialog whose confirmation was typed and sent: the runner has it now.
fn sent(facts: &Facts, step: Option<usize>) -> Recovery {
    let context = facts.context();
    let mut recovery = Recovery::default();
    let opened = recovery.open_action(&context, vacuum(), step);
    assert_eq!(opened.effect, Effect::PlanAction(vacuum()));
    recovery.on_action_event(&context, ActionEvent::Planned(Ok(plan())));
    for c in "tenant_b".chars() {
        recovery.on_key(&context, key(KeyCode::Char(c)));
    }
    recovery.on_key(&context, key(KeyCode::Enter));
    recovery
}

/// The runner's start of the action, under its audit record.
fn started() -> ActionEvent {
    ActionEvent::Started(Audited {
        id: "20261121T060000.000Z-1-0".into(),
        caller: "arn:aws:sts::111111111111:assumed-role/OnCall/alice".into(),
    })
}

fn ran(summary: &str, recorded: bool) -> Result<Executed, ActionError> {
    Ok(Executed {
        outcome: Outcome {
            summary: summary.into(),
            after: json!(null),
        },
        recorded,
    })
}

#[test]
fn enter_on_a_ready_dialog_asks_for_the_execution_and_records_nothing_yet() {
    let facts = Facts::new();
    let context = facts.context();
    let mut recovery = Recovery::default();
    recovery.open_action(&context, vacuum(), None);
    recovery.on_action_event(&context, ActionEvent::Planned(Ok(plan())));
    for c in "tenant_b".chars() {
        recovery.on_key(&context, key(KeyCode::Char(c)));
    }
    let reply = recovery.on_key(&context, key(KeyCode::Enter));
    assert_eq!(
        reply.effect,
        Effect::ExecuteAction {
            plan: plan(),
            typed: "tenant_b".into()
        }
    );
    assert!(reply.events.is_empty(), "{:?}", reply.events);
    assert!(recovery.dialog().unwrap().is_running());
}

#[test]
fn the_runner_starting_puts_the_action_on_the_timeline_with_its_audit_record() {
    let facts = Facts::new();
    let mut recovery = sent(&facts, None);
    let reply = recovery.on_action_event(&facts.context(), started());
    assert_eq!(
        reply.events,
        [Event::ActionStarted {
            action: "vacuum".into(),
            target: "tenant_b".into(),
            calls: vec!["VACUUM tenant_b.orders".into()],
            audit_id: "20261121T060000.000Z-1-0".into(),
            caller: "arn:aws:sts::111111111111:assumed-role/OnCall/alice".into(),
        }]
    );
    assert_eq!(reply.effect, Effect::None);
}

#[test]
fn a_refusal_keeps_the_preview_says_why_and_is_recorded_as_refused() {
    let facts = Facts::new();
    let refusals = [
        (ActionError::ReadOnly, Some("read-only")),
        (
            ActionError::NotConfirmed {
                expected: "tenant_b".into(),
            },
            // The user's slip, not an attempt: no trace.
            None,
        ),
        (
            ActionError::Unsupported("no such schema".into()),
            Some("no such schema"),
        ),
        (ActionError::AlreadyRunning, Some("already running")),
        (
            ActionError::Stale("tenant_b changed".into()),
            Some("changed since the preview: tenant_b changed"),
        ),
        (ActionError::Audit("disk full".into()), Some("disk full")),
    ];
    for (refusal, recorded) in refusals {
        let mut recovery = sent(&facts, Some(1));
        let reply = recovery.on_action_event(
            &facts.context(),
            ActionEvent::Finished(Err(refusal.clone())),
        );
        match (&reply.events[..], recorded) {
            ([], None) => {}
            (
                [
                    Event::ActionRefused {
                        action,
                        target,
                        reason,
                    },
                ],
                Some(why),
            ) => {
                assert_eq!((action.as_str(), target.as_str()), ("vacuum", "tenant_b"));
                assert!(reason.en.contains(why), "{refusal:?}: {reason:?}");
                assert_ne!(reason.en, reason.ja, "said in Japanese too");
            }
            (events, _) => panic!("{refusal:?}: {events:?}"),
        }
        assert_eq!(*stage(&recovery), Stage::Ready(plan()), "{refusal:?}");
        assert_eq!(
            recovery.dialog().unwrap().refusal,
            Some(refusal.to_string()),
            "{refusal:?}"
        );
    }
}

#[test]
fn an_action_that_ran_is_recorded_as_finished_and_completes_its_step() {
    let facts = Facts::new();
    let context = facts.context();
    let mut recovery = Recovery::default();
    recovery.command(&context, Command::Runbook, "test-vacuum");
    let mut recovery = Recovery {
        dialog: sent(&facts, Some(1)).dialog,
        ..recovery
    };
    recovery.on_action_event(&context, started());
    let reply = recovery.on_action_event(
        &context,
        ActionEvent::Finished(ran("1 statement(s) ran", true)),
    );
    assert_eq!(
        reply.events,
        [
            Event::ActionFinished {
                action: "vacuum".into(),
                target: "tenant_b".into(),
                outcome: ActionOutcome::Succeeded,
                summary: "1 statement(s) ran".into(),
                recorded: true,
                audit_id: Some("20261121T060000.000Z-1-0".into()),
            },
            Event::StepDone {
                runbook: "test-vacuum".into(),
                step: "Vacuum tenant_b".into(),
            },
        ]
    );
    assert!(recovery.walkthrough().unwrap().done[1]);
    let Stage::Done {
        result, recorded, ..
    } = stage(&recovery)
    else {
        panic!("{:?}", stage(&recovery))
    };
    assert!(result.is_ok() && *recorded);
}

#[test]
fn a_finished_action_the_audit_log_missed_says_not_recorded() {
    let facts = Facts::new();
    let endings = [
        ran("1 statement(s) ran", false),
        Err(ActionError::Failed {
            error: "permission denied".into(),
            recorded: false,
        }),
        Err(ActionError::OutcomeUnknown {
            error: "timed out".into(),
            recorded: false,
        }),
    ];
    for ending in endings {
        let mut recovery = sent(&facts, None);
        recovery.on_action_event(&facts.context(), started());
        let reply =
            recovery.on_action_event(&facts.context(), ActionEvent::Finished(ending.clone()));
        let Stage::Done { recorded, .. } = stage(&recovery) else {
            panic!("{ending:?}: {:?}", stage(&recovery))
        };
        assert!(!recorded, "{ending:?}");
        for event in &reply.events {
            for (lang, text) in [
                (Lang::En, "not recorded in the audit log"),
                (Lang::Ja, "監査ログに記録されていません"),
            ] {
                let (_, detail) = event.describe(lang);
                assert!(detail.contains(text), "{ending:?}: {detail}");
            }
        }
    }
}

#[test]
fn a_failure_is_done_with_its_error_and_leaves_the_step_open() {
    let facts = Facts::new();
    let context = facts.context();
    let mut recovery = Recovery::default();
    recovery.command(&context, Command::Runbook, "test-vacuum");
    let mut recovery = Recovery {
        dialog: sent(&facts, Some(1)).dialog,
        ..recovery
    };
    let failed = ActionError::OutcomeUnknown {
        error: "timed out".into(),
        recorded: true,
    };
    let reply = recovery.on_action_event(&context, ActionEvent::Finished(Err(failed.clone())));
    assert!(matches!(
        &reply.events[..],
        [Event::ActionFinished { outcome: ActionOutcome::Unknown, recorded: true, summary, .. }] if *summary == failed.to_string()
    ));
    assert!(!recovery.walkthrough().unwrap().done[1]);
    assert!(matches!(
        stage(&recovery),
        Stage::Done { result: Err(_), .. }
    ));
}

#[test]
fn a_check_step_sends_the_user_to_its_panel_with_its_filter() {
    let facts = Facts::new();
    let context = facts.context();
    let mut recovery = Recovery::default();
    let opened = recovery.command(&context, Command::Runbook, "test-vacuum");
    assert_eq!(opened.go_to, Some(Destination::View(View::Runbook)));
    let reply = recovery.do_step(&Context {
        view: View::Runbook,
        ..facts.context()
    });
    assert_eq!(reply.go_to, Some(Destination::View(View::Storage)));
    assert_eq!(reply.filter.as_deref(), Some("tenant_b"));
    assert_eq!(
        reply.events,
        [Event::StepDone {
            runbook: "test-vacuum".into(),
            step: "Look at storage".into(),
        }]
    );
    assert_eq!(recovery.walkthrough().unwrap().selected, 1);
}

/// The recovery command a `:` word names, as the command line's table says.
fn parse(word: &str) -> Option<Command> {
    match crate::tui::command::table::find(word)?.0.does {
        crate::tui::command::Does::Recovery(command) => Some(command),
        _ => None,
    }
}

#[test]
fn commands_parse_and_answer_without_an_app() {
    let facts = Facts::new();
    let context = facts.context();
    let mut recovery = Recovery::default();
    assert_eq!(parse("note"), None);
    assert_eq!(
        recovery
            .command(&context, parse("verified").unwrap(), "")
            .effect,
        Effect::AcknowledgeUnknown
    );
    let usage = recovery.command(&context, parse("cancel").unwrap(), "x");
    assert_eq!(
        usage.message,
        Some(Message {
            text: "usage: :cancel PID".into(),
            is_error: true
        })
    );
    let cancel = recovery.command(&context, parse("cancel").unwrap(), "42");
    assert_eq!(
        cancel.effect,
        Effect::PlanAction(Request::CancelQuery { pid: 42 })
    );
    let closed = Context {
        actions: false,
        ..facts.context()
    };
    let mut recovery = Recovery::default();
    let refused = recovery.command(&closed, parse("cancel").unwrap(), "42");
    assert_eq!(refused.effect, Effect::None);
    assert!(refused.message.unwrap().is_error);
    assert!(recovery.dialog().is_none());
}

/// Facts with a fleet of three tenants (tenant_b critical) and a runbook whose steps copy
/// commands and act on a tenant.
fn fleet_facts() -> Facts {
    use crate::model::{Ingest, LoadError, Tenant};
    let runbook = "id = \"fleet\"\ntitle = \"Fleet\"\nsummary = \"For tests\"\n\n\
[[steps]]\nphase = \"triage\"\ntitle = \"Two commands\"\n\
text = \"\"\"\nLook at {tenant}:\n\n    aws s3 cp {file} ./rejected\n\nthen\n\n    \
SELECT * FROM {schema}.{table}\n    WHERE x = '{{y}}';\"\"\"\nkind = \"note\"\n\n\
[[steps]]\nphase = \"recovery\"\ntitle = \"Vacuum\"\ntext = \"No command.\"\nkind = \"action\"\n\
action = \"vacuum\"\n";
    let tenant = |name: &str, ingest: Ingest| Tenant {
        name: name.into(),
        metric_dimension_value: name.into(),
        schema: format!("{name}_schema"),
        account_id: "111111111111".into(),
        cluster_identifier: format!("{name}-cluster"),
        ingest,
    };
    let mut snapshot = Snapshot::new(vec![
        tenant(
            "tenant_a",
            Ingest::ZeroEtl {
                integration: "a-integration".into(),
            },
        ),
        tenant(
            "tenant_b",
            Ingest::Export {
                bucket: "exports-b".into(),
                prefix: "b/".into(),
            },
        ),
        tenant(
            "tenant_c",
            Ingest::ZeroEtl {
                integration: "c-integration".into(),
            },
        ),
    ]);
    snapshot.warehouse.load_errors.push(LoadError {
        tenant: "tenant_b".into(),
        table: "orders".into(),
        file: "s3://exports-b/b/orders/part-0003.parquet".into(),
        line: 7,
        column: "quantity".into(),
        reason: "Invalid digit".into(),
        time: chrono::Utc::now(),
    });
    let mut facts = Facts::new();
    facts.snapshot = snapshot;
    facts.health.tenant_status = [
        ("tenant_b".to_string(), Status::Critical),
        ("tenant_c".to_string(), Status::Warning),
    ]
    .into_iter()
    .collect();
    facts.runbooks = vec![crate::tui::runbook::parse("runbooks/fleet.toml", runbook).unwrap()];
    facts
}

fn in_runbook(facts: &Facts) -> Context<'_> {
    Context {
        view: View::Runbook,
        ..facts.context()
    }
}

#[test]
fn a_tenant_action_without_a_tenant_asks_which_one_worst_first() {
    let facts = fleet_facts();
    let context = in_runbook(&facts);
    let mut recovery = Recovery::default();
    recovery.command(&facts.context(), Command::Runbook, "fleet");
    assert_eq!(recovery.walkthrough().unwrap().tenant, None);
    recovery.move_step(1);
    let asked = recovery.do_step(&context);
    assert_eq!(asked.effect, Effect::None);
    let chooser = recovery.chooser().unwrap();
    assert_eq!(
        chooser.tenants,
        [
            ("tenant_b".to_string(), Status::Critical),
            ("tenant_c".to_string(), Status::Warning),
            ("tenant_a".to_string(), Status::Ok),
        ]
    );

    // Down and up move, and stop at the ends.
    recovery.on_key(&context, key(KeyCode::Down));
    recovery.on_key(&context, key(KeyCode::Down));
    recovery.on_key(&context, key(KeyCode::Down));
    assert_eq!(recovery.chooser().unwrap().selected, 2);
    recovery.on_key(&context, key(KeyCode::Up));
    assert_eq!(recovery.chooser().unwrap().selected, 1);

    // Esc cancels: nothing chosen, nothing opened.
    let cancelled = recovery.on_key(&context, key(KeyCode::Esc));
    assert!(recovery.chooser().is_none());
    assert!(recovery.dialog().is_none());
    assert_eq!(recovery.walkthrough().unwrap().tenant, None);
    assert_eq!(
        cancelled.message.unwrap().text,
        "no tenant chosen; nothing was done"
    );

    // Enter takes the tenant for the walkthrough and opens the step's action.
    recovery.do_step(&context);
    recovery.on_key(&context, key(KeyCode::Down));
    let chosen = recovery.on_key(&context, key(KeyCode::Enter));
    let request = Request::Vacuum {
        tenant: "tenant_c".into(),
    };
    assert_eq!(chosen.effect, Effect::PlanAction(request.clone()));
    assert!(recovery.chooser().is_none());
    let dialog = recovery.dialog().unwrap();
    assert_eq!((&dialog.request, dialog.step), (&request, Some(1)));
    assert_eq!(
        recovery.walkthrough().unwrap().tenant.as_deref(),
        Some("tenant_c")
    );
}

#[test]
fn a_tenant_action_with_its_tenant_opens_at_once() {
    let facts = fleet_facts();
    let mut recovery = Recovery::default();
    let on_b = Context {
        tenant: Some("tenant_b".into()),
        ..facts.context()
    };
    recovery.command(&on_b, Command::Runbook, "fleet");
    recovery.move_step(1);
    let opened = recovery.do_step(&in_runbook(&facts));
    assert_eq!(
        opened.effect,
        Effect::PlanAction(Request::Vacuum {
            tenant: "tenant_b".into()
        })
    );
    assert!(recovery.chooser().is_none());
}

#[test]
fn the_copy_key_copies_a_steps_commands_filled_in_one_at_a_time() {
    let facts = fleet_facts();
    let context = in_runbook(&facts);
    let mut recovery = Recovery::default();
    let on_b = Context {
        tenant: Some("tenant_b".into()),
        ..facts.context()
    };
    recovery.command(&on_b, Command::Runbook, "fleet");

    let first = recovery.copy(&context);
    assert_eq!(
        first.effect,
        Effect::Copy("aws s3 cp s3://exports-b/b/orders/part-0003.parquet ./rejected".into())
    );
    assert_eq!(
        first.message.unwrap().text,
        "copied command 1 of 2 (1 line) to the clipboard (OSC 52); y copies the next"
    );
    let second = recovery.copy(&context);
    assert_eq!(
        second.effect,
        Effect::Copy("SELECT * FROM tenant_b_schema.orders\nWHERE x = '{y}';".into())
    );
    assert!(
        second
            .message
            .unwrap()
            .text
            .starts_with("copied command 2 of 2 (2 lines)")
    );
    assert_eq!(recovery.walkthrough().unwrap().copied, Some((0, 1)));
    let again = recovery.copy(&context);
    assert!(matches!(again.effect, Effect::Copy(text) if text.starts_with("aws s3 cp")));

    // A step without a command says so.
    recovery.move_step(1);
    let none = recovery.copy(&context);
    assert_eq!(none.effect, Effect::None);
    assert_eq!(
        none.message.unwrap().text,
        "this step has no command to copy"
    );
}

#[test]
fn copying_what_the_console_does_not_know_says_what_to_fill_in() {
    let facts = fleet_facts();
    let mut recovery = Recovery::default();
    recovery.command(&facts.context(), Command::Runbook, "fleet");
    let context = Context {
        lang: Lang::Ja,
        ..in_runbook(&facts)
    };
    let copied = recovery.copy(&context);
    assert_eq!(
        copied.effect,
        Effect::Copy("aws s3 cp <file> ./rejected".into())
    );
    assert_eq!(
        copied.message.unwrap().text,
        "コマンド 1/2(1 行)をクリップボードにコピー(OSC 52)。y で次のコマンド。\
         実行前に <file> を埋めてください"
    );
}

#[test]
fn the_copy_keys_copy_the_selected_executions_console_url_and_arn_in_the_elt_view() {
    let facts = fleet_facts();
    let arn = "arn:aws:states:ap-northeast-1:111111111111:execution:daily-elt:run-1";
    let mut recovery = Recovery::default();
    let in_elt = Context {
        view: View::Elt,
        execution: Some(arn),
        ..facts.context()
    };
    assert_eq!(
        recovery.copy(&in_elt).effect,
        Effect::Copy(format!(
            "https://ap-northeast-1.console.aws.amazon.com/states/home?region=ap-northeast-1#/v2/executions/details/{arn}"
        ))
    );
    assert_eq!(recovery.copy_arn(&in_elt).effect, Effect::Copy(arn.into()));
    let elsewhere = recovery.copy(&facts.context());
    assert_eq!(elsewhere.effect, Effect::None);
    assert_eq!(recovery.copy_arn(&facts.context()).effect, Effect::None);
    assert!(
        elsewhere
            .message
            .unwrap()
            .text
            .starts_with("nothing to copy here")
    );
}

#[test]
fn a_console_without_actions_does_not_ask_for_a_tenant() {
    let facts = fleet_facts();
    let mut recovery = Recovery::default();
    recovery.command(&facts.context(), Command::Runbook, "fleet");
    recovery.move_step(1);
    let refused = recovery.do_step(&Context {
        actions: false,
        ..in_runbook(&facts)
    });
    assert!(recovery.chooser().is_none());
    assert!(refused.message.unwrap().is_error);
}

#[test]
fn rerun_and_stop_take_the_execution_named() {
    let mut facts = Facts::new();
    let run = |name: &str, status| {
        crate::model::EltRun::new(
            format!("arn:aws:states:us-east-1:1:execution:elt:{name}"),
            name.into(),
            status,
            chrono::DateTime::UNIX_EPOCH,
        )
    };
    facts.snapshot.elt_runs = vec![
        run("daily-0400", crate::model::EltStatus::Failed),
        run("daily-0500", crate::model::EltStatus::Running),
    ];
    let context = facts.context();
    let mut recovery = Recovery::default();
    let asked = |recovery: &mut Recovery, word, argument| {
        recovery.command(&context, parse(word).unwrap(), argument)
    };
    assert_eq!(
        asked(&mut recovery, "rerun", "daily-0400").effect,
        Effect::PlanAction(Request::RerunElt {
            execution_arn: "arn:aws:states:us-east-1:1:execution:elt:daily-0400".into()
        })
    );
    let mut recovery = Recovery::default();
    assert_eq!(
        asked(&mut recovery, "stop-elt", "daily-0500").effect,
        Effect::PlanAction(Request::StopElt {
            execution_arn: "arn:aws:states:us-east-1:1:execution:elt:daily-0500".into()
        })
    );
    let mut recovery = Recovery::default();
    let finished = asked(&mut recovery, "stop-elt", "daily-0400");
    assert_eq!(finished.effect, Effect::None);
    assert_eq!(
        finished.message.unwrap().text,
        "daily-0400 is not running: nothing to stop"
    );
    let unknown = asked(&mut recovery, "rerun", "daily-0300");
    assert_eq!(unknown.effect, Effect::None);
    assert_eq!(
        unknown.message.unwrap().text,
        "no ELT execution named daily-0300"
    );
}
