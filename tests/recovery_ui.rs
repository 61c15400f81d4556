//! Recovery from the console, driven by keys into a `TestBackend`: a runbook walkthrough from an
//! alarm, an action previewed, confirmed and executed on the simulated fleet, read-only refusal in
//! the UI, and the incident record.

mod support;

use support::demo::{SimDemo, render, sim_demo, start};

use support::drive::perform_action;

use std::sync::Arc;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use shiftops::action::sim::SimOperator;
use shiftops::action::{Actions, StateDir, audit};

use shiftops::source::ManualClock;

use shiftops::source::sim::{self, Scenario, SimOptions};
use shiftops::tui::action::View;
use shiftops::tui::app::{App, Effect, Mode};
use shiftops::tui::recovery::{ActionEvent, Stage};
use shiftops::tui::{Settings, runbook};
use tokio::runtime::Runtime;

struct Console {
    app: App,
    actions: Actions,
    runtime: Runtime,
    _state: tempfile::TempDir,
    state: StateDir,
}

fn console(scenario: Scenario, read_only: bool) -> Console {
    console_in(scenario, read_only, shiftops::i18n::Lang::En)
}

fn console_in(scenario: Scenario, read_only: bool, lang: shiftops::i18n::Lang) -> Console {
    let SimDemo {
        clock,
        world,
        runtime,
        snapshot,
        ..
    } = sim_demo(scenario, 3);
    let settings = Settings {
        read_only,
        ..Settings::shipped(lang)
    };
    let dir = tempfile::tempdir().unwrap();
    let state = StateDir::at(dir.path());
    let log = (!read_only).then(|| audit::AuditLog::open(state.lock().unwrap()).unwrap());
    let actions = Actions::new(Arc::new(SimOperator::new(world, clock)), read_only, log);
    Console {
        app: App::new("demo".into(), settings, snapshot, start()),
        actions,
        runtime,
        _state: dir,
        state,
    }
}

impl Console {
    fn key(&mut self, code: KeyCode) -> Effect {
        let effect = self.app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
        self.perform(effect.clone());
        effect
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// Does what the event loop would, synchronously.
    /// Does what the event loop would, synchronously.
    fn perform(&mut self, effect: Effect) {
        perform_action(&mut self.app, &self.actions, &self.runtime, &effect);
    }

    /// Selects the walkthrough's first step that runs `kind`; its index.
    fn select_step(&mut self, kind: shiftops::action::ActionKind) -> usize {
        let runbook = self
            .app
            .recovery()
            .current_runbook(&self.app.settings.runbooks)
            .unwrap()
            .clone();
        let index = runbook
            .steps
            .iter()
            .position(|s| s.kind == runbook::StepKind::Action(kind))
            .unwrap();
        while self.app.recovery().walkthrough().unwrap().selected < index {
            self.key(KeyCode::Down);
        }
        index
    }

    fn screen(&self) -> String {
        render(&self.app, 120, 40)
    }
}

#[test]
fn a_runbook_walkthrough_from_an_alarm_driven_by_keys() {
    let mut c = console(Scenario::WlmSaturation, false);
    c.key(KeyCode::Char('2'));
    assert_eq!(c.app.view, View::Alarms);
    assert_eq!(c.app.selected_alarm().as_deref(), Some("Alert-WLM-Queue"));
    c.key(KeyCode::Char('r'));
    assert_eq!(c.app.view, View::Runbook);
    assert_eq!(
        c.app.recovery().walkthrough().unwrap().runbook,
        "wlm-queue-overload"
    );
    insta::assert_snapshot!("walkthrough_start", c.screen());

    // Step 1 is a check: Enter jumps to the WLM panel and marks it done; Esc comes back.
    c.key(KeyCode::Enter);
    assert_eq!(c.app.view, View::Wlm);
    c.key(KeyCode::Esc);
    assert_eq!(c.app.view, View::Runbook);
    let walkthrough = c.app.recovery().walkthrough().unwrap();
    assert!(walkthrough.done[0]);
    assert_eq!(walkthrough.selected, 1, "moves on to the next step");

    // Walk to the pause action and run it: preview, wrong word refused, right word executes.
    let pause = c.select_step(shiftops::action::ActionKind::PauseAdhoc);
    let effect = c.key(KeyCode::Enter);
    assert!(matches!(effect, Effect::PlanAction(_)), "{effect:?}");
    assert_eq!(c.app.mode, Mode::Dialog);
    let screen = c.screen();
    assert!(
        screen.contains("type \"adhoc\" and Enter to run"),
        "{screen}"
    );
    assert!(
        screen.contains("+     \"query_concurrency\": 1,"),
        "{screen}"
    );
    insta::assert_snapshot!("walkthrough_pause_preview", screen);

    c.type_text("adhok");
    c.key(KeyCode::Enter);
    let dialog = c.app.recovery().dialog().unwrap();
    assert!(matches!(dialog.stage, Stage::Ready(_)));
    assert!(
        dialog.refusal.as_deref().unwrap().contains("not confirmed"),
        "{:?}",
        dialog.refusal
    );
    c.key(KeyCode::Backspace);
    c.type_text("c");
    c.key(KeyCode::Enter);
    let dialog = c.app.recovery().dialog().unwrap();
    let Stage::Done { result, .. } = &dialog.stage else {
        panic!("{:?}", dialog.stage)
    };
    assert!(result.is_ok(), "{result:?}");
    assert!(c.screen().contains("✓ adhoc paused"));
    c.key(KeyCode::Enter);
    assert_eq!(c.app.mode, Mode::Normal);
    assert!(
        c.app.recovery().walkthrough().unwrap().done[pause],
        "the action's step is done"
    );

    // The audit log has the intent and the outcome; the record has the action under its audit id
    // and caller, and the step.
    let records = audit::read(&c.state.audit_log()).unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].action, "pause_adhoc");
    let markdown = c.app.incident_record();
    assert!(
        markdown.contains("action `pause_adhoc` succeeded"),
        "{markdown}"
    );
    assert!(
        markdown.contains(&format!("- **Audit id:** `{}`", records[0].id)),
        "{markdown}"
    );
    assert!(
        markdown.contains(&format!("- **Operator:** `{}`", records[0].caller)),
        "{markdown}"
    );
    assert!(markdown.contains("done: "), "{markdown}");
}

/// The screen's text without the spaces and borders, lines joined: what wrapping keeps.
fn joined_text(screen: &str) -> String {
    screen
        .lines()
        .flat_map(|line| {
            let line = line.strip_prefix('"').unwrap_or(line);
            let end = line.find("\" Hidden by").unwrap_or(line.len());
            line[..end]
                .trim_end_matches('"')
                .chars()
                .collect::<Vec<_>>()
        })
        .filter(|c| !c.is_whitespace() && !"│┌┐└┘─".contains(*c))
        .collect()
}

#[test]
fn the_menu_and_the_dialog_wrap_to_the_screen_at_80x24_in_both_languages() {
    for lang in [shiftops::i18n::Lang::En, shiftops::i18n::Lang::Ja] {
        let mut c = console_in(Scenario::CopyError, true, lang);
        c.key(KeyCode::Char('a'));
        assert_eq!(c.app.mode, Mode::Menu);
        let menu = render(&c.app, 80, 24);
        for (label, _) in &c.app.recovery().menu().unwrap().items {
            let label: String = label.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(joined_text(&menu).contains(&label), "{label} cut:\n{menu}");
        }
        insta::assert_snapshot!(format!("action_menu_80x24_{lang}"), menu);

        c.key(KeyCode::Enter);
        assert_eq!(c.app.mode, Mode::Dialog);
        let dialog = render(&c.app, 80, 24);
        let Stage::Ready(plan) = &c.app.recovery().dialog().unwrap().stage else {
            panic!("a plan: {dialog}");
        };
        // Every call of the preview is there to its end, wrapped, never cut.
        for call in &plan.calls {
            let call: String = call
                .to_string()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            assert!(
                joined_text(&dialog).contains(&call),
                "{call} cut:\n{dialog}"
            );
        }
        insta::assert_snapshot!(format!("action_dialog_80x24_{lang}"), dialog);
    }
}

#[test]
fn read_only_says_why_in_the_dialog_and_refuses_in_the_action_layer() {
    let mut c = console(Scenario::CopyError, true);
    c.key(KeyCode::Char(':'));
    c.type_text("rerun");
    let effect = c.key(KeyCode::Enter);
    assert!(matches!(effect, Effect::PlanAction(_)), "{effect:?}");
    let screen = c.screen();
    assert!(screen.contains("READ-ONLY"), "{screen}");
    assert!(
        screen.contains("read-only: this console refuses actions"),
        "{screen}"
    );
    c.type_text("daily-elt");
    c.key(KeyCode::Enter);
    let dialog = c.app.recovery().dialog().unwrap();
    assert!(
        dialog.refusal.as_deref().unwrap().contains("read-only"),
        "{:?}",
        dialog.refusal
    );
    assert!(!c.state.audit_log().exists(), "nothing was attempted");
}

#[test]
fn a_mistyped_confirmation_then_esc_leaves_no_action_in_the_incident_record() {
    let mut c = console(Scenario::WlmSaturation, false);
    c.key(KeyCode::Char(':'));
    c.type_text("pause-adhoc");
    c.key(KeyCode::Enter);
    assert_eq!(c.app.mode, Mode::Dialog);
    c.type_text("adhok");
    c.key(KeyCode::Enter);
    let dialog = c.app.recovery().dialog().unwrap();
    assert!(matches!(dialog.stage, Stage::Ready(_)));
    assert!(
        dialog.refusal.as_deref().unwrap().contains("not confirmed"),
        "{:?}",
        dialog.refusal
    );
    c.key(KeyCode::Esc);
    assert_eq!(c.app.mode, Mode::Normal);

    c.key(KeyCode::Char(':'));
    c.type_text("export incident.md");
    let Effect::ExportIncident { markdown, .. } = c.key(KeyCode::Enter) else {
        panic!("{:?}", c.app.message)
    };
    assert!(
        !markdown.contains("action `pause_adhoc` started"),
        "{markdown}"
    );
    assert!(!markdown.contains("Actions taken"), "{markdown}");
    assert!(!markdown.contains("pause_adhoc"), "{markdown}");
    assert!(
        audit::read(&c.state.audit_log()).unwrap().is_empty(),
        "nothing ran"
    );
}

#[test]
fn every_action_kind_can_be_reached_from_the_console() {
    use shiftops::action::ActionKind;
    let mut c = console(Scenario::CopyError, false);
    let commands = [
        ("rerun", ActionKind::RerunElt),
        ("pause-adhoc", ActionKind::PauseAdhoc),
        ("resume-adhoc", ActionKind::ResumeAdhoc),
        ("resync tenant_a", ActionKind::ResyncTables),
        ("start-export tenant_b", ActionKind::StartExport),
        ("vacuum tenant_b", ActionKind::Vacuum),
        ("analyze tenant_b", ActionKind::Analyze),
        ("cancel 1073741824", ActionKind::CancelQuery),
    ];
    for (command, kind) in commands {
        c.key(KeyCode::Char(':'));
        c.type_text(command);
        let effect = c.key(KeyCode::Enter);
        let Effect::PlanAction(request) = effect else {
            panic!(":{command} gave {effect:?}: {:?}", c.app.message)
        };
        assert_eq!(request.kind(), kind);
        c.key(KeyCode::Esc);
        assert_eq!(c.app.mode, Mode::Normal);
    }
}

#[test]
fn notes_and_the_incident_record_export() {
    let mut c = console(Scenario::CopyError, false);
    c.key(KeyCode::Char(':'));
    c.type_text("note re-uploaded part-0003.parquet");
    c.key(KeyCode::Enter);
    c.key(KeyCode::Char(':'));
    c.type_text("export incident.md");
    let effect = c.key(KeyCode::Enter);
    let Effect::ExportIncident {
        path,
        markdown,
        overwrite,
    } = effect
    else {
        panic!("{effect:?}")
    };
    assert_eq!(path.to_str(), Some("incident.md"));
    assert!(!overwrite, "a plain :export never overwrites");
    assert!(markdown.starts_with("# Incident record"), "{markdown}");
    assert!(markdown.contains("`copy_errors` (tenant_b)"), "{markdown}");
    assert!(
        markdown.contains("alarm Alert-COPY-Error in ALARM"),
        "{markdown}"
    );
    assert!(
        markdown.contains("re-uploaded part-0003.parquet"),
        "{markdown}"
    );
    // The record begins when the fleet's trouble did, before the console started.
    let from = markdown
        .lines()
        .find_map(|l| l.strip_prefix("- **From:** "))
        .unwrap();
    assert!(
        from < start().format("%Y-%m-%d %H:%M UTC").to_string().as_str(),
        "{markdown}"
    );
}

#[test]
fn export_asks_before_overwriting_a_file_and_resolve_marks_the_time() {
    let mut c = console(Scenario::CopyError, false);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("incident.md");
    std::fs::write(&file, "someone's notes").unwrap();
    let name = file.to_str().unwrap().to_string();

    c.key(KeyCode::Char(':'));
    c.type_text("resolve re-uploaded part-0003");
    c.key(KeyCode::Enter);
    let message = c.app.message.clone().unwrap();
    assert!(
        message.text.starts_with("incident resolved at 06:00 UTC"),
        "{message:?}"
    );
    c.key(KeyCode::Char(':'));
    c.type_text(&format!("export {name}"));
    let effect = c.key(KeyCode::Enter);
    let Effect::ExportIncident {
        path,
        markdown,
        overwrite: false,
    } = effect
    else {
        panic!("{effect:?}")
    };
    assert!(
        markdown.contains("- **Resolved:** 2026-11-21 06:00 UTC — re-uploaded part-0003"),
        "{markdown}"
    );
    // The event loop finds the file there and writes nothing.
    let written = shiftops::tui::run::write_record(&path, &markdown, false);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "someone's notes");
    c.app
        .on_action_event(ActionEvent::Exported(written.map(|()| path)));
    let message = c.app.message.clone().unwrap();
    assert!(message.is_error);
    assert_eq!(
        message.text,
        format!("{name} exists — :export! {name} overwrites it (nothing written)")
    );

    c.key(KeyCode::Char(':'));
    c.type_text("export!");
    let effect = c.key(KeyCode::Enter);
    let Effect::ExportIncident {
        path,
        markdown,
        overwrite: true,
    } = effect
    else {
        panic!("{effect:?}")
    };
    assert_eq!(path, file);
    shiftops::tui::run::write_record(&path, &markdown, true).unwrap();
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .starts_with("# Incident record")
    );
}

#[test]
fn an_intent_without_outcome_is_reported_as_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let state = StateDir::at(dir.path());
    let log = audit::AuditLog::open(state.lock().unwrap()).unwrap();
    let plan = shiftops::action::Plan::new(
        shiftops::action::Request::Vacuum {
            tenant: "tenant_b".into(),
        },
        "tenant_b",
    );
    let id = log.intent("demo:test", &plan).unwrap();
    // A crash here: no outcome is written.
    let unfinished = audit::scan(&state.audit_log()).unwrap().unfinished;
    assert_eq!(unfinished.len(), 1);
    assert_eq!(unfinished[0].id, id);
    assert_eq!(unfinished[0].action, "vacuum");

    // After checking by hand, `:verified` closes it so the next start no longer reports it.
    let mut c = console(Scenario::Healthy, false);
    c.key(KeyCode::Char(':'));
    c.type_text("verified");
    assert_eq!(c.key(KeyCode::Enter), Effect::AcknowledgeUnknown);
    let acknowledged = c.runtime.block_on(
        Actions::new(
            Arc::new(SimOperator::new(
                sim::fleet_with_world(&SimOptions::default(), Arc::new(ManualClock::new(start())))
                    .1,
                Arc::new(ManualClock::new(start())),
            )),
            false,
            Some(log),
        )
        .acknowledge_unknown(),
    );
    assert_eq!(acknowledged, Ok(1));
    assert!(
        audit::scan(&state.audit_log())
            .unwrap()
            .unfinished
            .is_empty()
    );
    let records = audit::read(&state.audit_log()).unwrap();
    assert!(
        records[1]
            .outcome
            .as_ref()
            .unwrap()
            .message
            .contains("verified by hand")
    );
    c.app.on_action_event(ActionEvent::Acknowledged(Ok(1)));
    assert!(
        c.app
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("1 action(s) of unknown outcome marked verified")
    );
}

#[test]
fn a_fleet_wide_runbook_asks_which_tenant_then_vacuums_delete_only() {
    let mut c = console(Scenario::StorageHigh, false);
    c.key(KeyCode::Char('2'));
    while c.app.selected_alarm().as_deref() != Some("Alert-Storage-High") {
        c.key(KeyCode::Down);
    }
    c.key(KeyCode::Char('r'));
    assert_eq!(c.app.view, View::Runbook);
    assert_eq!(c.app.recovery().walkthrough().unwrap().tenant, None);
    let vacuum = c.select_step(shiftops::action::ActionKind::Vacuum);
    // The step's text says what the action runs.
    let runbook = c
        .app
        .recovery()
        .current_runbook(&c.app.settings.runbooks)
        .unwrap();
    assert!(runbook.steps[vacuum].text.contains("VACUUM DELETE ONLY"));

    // Enter asks which tenant: the worst first, each with its status in words.
    assert_eq!(c.key(KeyCode::Enter), Effect::None);
    assert_eq!(c.app.mode, Mode::Choose);
    let chooser = c.app.recovery().chooser().unwrap();
    let first = chooser.tenants[0].clone();
    assert!(
        chooser.tenants.windows(2).all(|w| w[0].1 >= w[1].1),
        "{:?}",
        chooser.tenants
    );
    let screen = c.screen();
    assert!(
        screen.contains("VACUUM DELETE ONLY the tenant's tables — which tenant?"),
        "{screen}"
    );
    assert!(
        screen.contains(&format!(
            "{}  {}",
            first.1.label_in(shiftops::i18n::Lang::En),
            first.0
        )) || screen.contains(&first.0),
        "{screen}"
    );
    insta::assert_snapshot!("tenant_chooser", screen);

    // Enter takes it: the walkthrough is about that tenant now, and the preview shows the SQL.
    let effect = c.key(KeyCode::Enter);
    assert_eq!(
        effect,
        Effect::PlanAction(shiftops::action::Request::Vacuum {
            tenant: first.0.clone()
        })
    );
    assert_eq!(
        c.app.recovery().walkthrough().unwrap().tenant.as_deref(),
        Some(first.0.as_str())
    );
    let plan = c.app.recovery().dialog().unwrap().plan().unwrap().clone();
    assert!(!plan.calls.is_empty());
    for call in &plan.calls {
        assert!(call.starts_with("VACUUM DELETE ONLY \""), "{call}");
    }
    assert!(c.screen().contains("VACUUM DELETE ONLY \""));
    c.type_text(&first.0);
    c.key(KeyCode::Enter);
    let dialog = c.app.recovery().dialog().unwrap();
    assert!(
        matches!(&dialog.stage, Stage::Done { result: Ok(_), .. }),
        "{:?}",
        dialog.stage
    );
    c.key(KeyCode::Enter);
    assert!(c.app.recovery().walkthrough().unwrap().done[vacuum]);
}
