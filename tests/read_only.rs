//! Read-only mode is enforced below the UI. Every action kind is reached by every path the console
//! has — (a) command mode, (b) a runbook's action step, (c) the action menu — and in read-only mode
//! the runner refuses each one, the operator is never asked to apply anything, nothing is written to
//! the audit log, and the dialog says why. (tests/actions_aws.rs shows the runner refuses every
//! request against AWS; tests/recovery_ui.rs shows one refusal in the dialog.)

mod support;

use support::demo::{SimDemo, render, sim_demo, start};

use support::drive::perform_action;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use shiftops::action::sim::SimOperator;
use shiftops::action::{
    ActionError, ActionKind, Actions, ApplyError, Operator, Outcome, Plan, Progress, Request,
    StateDir, wlm,
};
use shiftops::i18n::Lang;

use shiftops::source::sim::{self, Scenario};
use shiftops::tui::action::View;
use shiftops::tui::app::{App, Effect, Mode};
use shiftops::tui::recovery::Stage;
use shiftops::tui::{Settings, runbook};

/// The simulated operator, counting how often it is asked to change anything.
struct Counting {
    inner: SimOperator,
    applied: Arc<AtomicUsize>,
}

#[async_trait]
impl Operator for Counting {
    async fn caller(&self) -> String {
        self.inner.caller().await
    }

    async fn plan(&self, request: &Request) -> Result<Plan, String> {
        self.inner.plan(request).await
    }

    async fn apply(&self, plan: &Plan, progress: &Progress) -> Result<Outcome, ApplyError> {
        self.applied.fetch_add(1, Ordering::SeqCst);
        self.inner.apply(plan, progress).await
    }
}

/// One runbook per action kind, each a single action step.
fn runbooks() -> Vec<runbook::Runbook> {
    let mut runbooks = runbook::load_all(Lang::En).unwrap();
    for kind in ActionKind::ALL {
        let id = format!("ro-{}", kind.name().replace('_', "-"));
        let text = format!(
            "id = \"{id}\"\ntitle = \"{kind}\"\nsummary = \"Read-only test\"\n\n[[steps]]\n\
phase = \"recovery\"\ntitle = \"Do {kind}\"\ntext = \"It must be refused.\"\nkind = \"action\"\n\
action = \"{}\"\n",
            kind.name()
        );
        runbooks.push(runbook::parse(&format!("runbooks/{id}.toml"), &text).unwrap());
    }
    runbooks
}

struct Console {
    app: App,
    actions: Actions,
    /// The simulated warehouse, whose WLM configuration says whether adhoc is paused.
    world: sim::SharedWorld,
    applied: Arc<AtomicUsize>,
    runtime: tokio::runtime::Runtime,
    state: StateDir,
    _dir: tempfile::TempDir,
    /// The kind of every dialog that reached the runner, and what the dialog said after it.
    refused: Vec<(ActionKind, String, String)>,
}

impl Console {
    fn new() -> Console {
        Console::of(Scenario::CopyError)
    }

    /// A console on `scenario`: elt-delay has the running (hung) run a stop needs.
    fn of(scenario: Scenario) -> Console {
        let SimDemo {
            clock,
            world,
            runtime,
            snapshot,
            ..
        } = sim_demo(scenario, 3);
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::at(dir.path());
        let settings = Settings {
            runbooks: runbooks(),
            read_only: true,
            ..Settings::shipped(Lang::En)
        };
        let applied = Arc::new(AtomicUsize::new(0));
        let operator = Counting {
            inner: SimOperator::with_state(world.clone(), clock, state.clone()).unwrap(),
            applied: applied.clone(),
        };
        // As `shiftops --read-only` builds it.
        let extras = shiftops::cli::action_extras(Arc::new(operator), true, Some(state.clone()));
        let actions = Arc::into_inner(extras.actions.unwrap()).unwrap();
        assert!(actions.read_only());
        Console {
            app: App::new("demo".into(), settings, snapshot, start()),
            actions,
            world,
            applied,
            runtime,
            state,
            _dir: dir,
            refused: Vec::new(),
        }
    }

    fn key(&mut self, code: KeyCode) {
        let effect = self.app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
        self.perform(effect);
    }

    fn command(&mut self, line: &str) {
        self.key(KeyCode::Char(':'));
        for c in line.chars() {
            self.key(KeyCode::Char(c));
        }
        self.key(KeyCode::Enter);
    }

    fn perform(&mut self, effect: Effect) {
        let request = match &effect {
            Effect::ExecuteAction { plan, .. } => Some(plan.request.clone()),
            _ => None,
        };
        if let Some(result) = perform_action(&mut self.app, &self.actions, &self.runtime, &effect) {
            assert_eq!(result, Err(ActionError::ReadOnly), "{request:?}");
        }
    }

    fn screen(&self) -> String {
        render(&self.app, 160, 50)
    }

    /// In the dialog that just opened: the preview warns, the confirmation is typed, Enter is
    /// refused by the runner, and the dialog says why. Then Esc closes it.
    fn confirm_and_expect_refusal(&mut self, path: &str) -> ActionKind {
        assert_eq!(
            self.app.mode,
            Mode::Dialog,
            "{path}: {:?}",
            self.app.message
        );
        let dialog = self.app.recovery().dialog().unwrap();
        let Stage::Ready(plan) = &dialog.stage else {
            panic!("{path}: {:?}", dialog.stage)
        };
        let kind = plan.request.kind();
        let typed = plan.confirm.clone().unwrap_or_default();
        let before = self.screen();
        assert!(
            before.contains("read-only: this console refuses actions"),
            "{path} {kind}: the preview warns\n{before}"
        );
        for c in typed.chars() {
            self.key(KeyCode::Char(c));
        }
        self.key(KeyCode::Enter);
        let dialog = self.app.recovery().dialog().unwrap();
        let refusal = dialog.refusal.clone().unwrap_or_default();
        assert!(
            matches!(dialog.stage, Stage::Ready(_)),
            "{path} {kind}: stays on the preview"
        );
        let after = self.screen();
        self.refused.push((kind, path.to_string(), refusal));
        assert!(
            after.contains("refused: this console is read-only for actions"),
            "{path} {kind}: the dialog says why\n{after}"
        );
        self.key(KeyCode::Esc);
        assert_eq!(self.app.mode, Mode::Normal);
        kind
    }

    /// Whether adhoc was paused earlier (in a session that could act): resume needs a pause to
    /// have anything to preview, pause needs none. The pause is in the live WLM configuration.
    fn saved_pause_for(&self, kind: ActionKind) {
        let mut world = self.world.lock().unwrap();
        let current = world.wlm_configuration();
        let paused = shiftops::model::adhoc_pause(&current).unwrap().is_some();
        let wanted = match (kind == ActionKind::ResumeAdhoc, paused) {
            (true, false) => wlm::pause_adhoc(&current, start()).unwrap(),
            (false, true) => wlm::resume_adhoc(&current).unwrap(),
            _ => return,
        };
        world.set_wlm_configuration(&wanted, start()).unwrap();
    }

    /// Selects the overview row of `tenant`.
    fn select_tenant(&mut self, tenant: &str) {
        self.command("overview");
        self.key(KeyCode::Home);
        for _ in 0..self.app.rows.len(View::Overview) {
            if self.app.selected_tenant().as_deref() == Some(tenant) {
                return;
            }
            self.key(KeyCode::Down);
        }
        panic!("no row for {tenant}");
    }
}

fn all() -> BTreeSet<ActionKind> {
    ActionKind::ALL.into_iter().collect()
}

#[test]
fn every_action_from_command_mode_is_refused_in_read_only_mode() {
    let mut c = Console::new();
    let mut reached = BTreeSet::new();
    for (command, kind) in [
        ("rerun", ActionKind::RerunElt),
        ("pause-adhoc", ActionKind::PauseAdhoc),
        ("pause-adhoc cancel", ActionKind::PauseAdhoc),
        ("resume-adhoc", ActionKind::ResumeAdhoc),
        ("resync tenant_a", ActionKind::ResyncTables),
        ("resync tenant_a all", ActionKind::ResyncTables),
        ("start-export tenant_b", ActionKind::StartExport),
        ("vacuum tenant_b", ActionKind::Vacuum),
        ("analyze tenant_b", ActionKind::Analyze),
        ("cancel 1073741824", ActionKind::CancelQuery),
    ] {
        c.saved_pause_for(kind);
        c.command(command);
        reached.insert(c.confirm_and_expect_refusal(&format!(":{command}")));
    }
    let mut hung = Console::of(Scenario::EltDelay);
    hung.command("stop-elt");
    reached.insert(hung.confirm_and_expect_refusal(":stop-elt"));
    assert_eq!(reached, all(), "command mode reaches every action");
    for c in [&c, &hung] {
        assert_eq!(c.applied.load(Ordering::SeqCst), 0, "nothing was applied");
        assert!(!c.state.audit_log().exists(), "nothing was attempted");
    }
}

#[test]
fn every_action_from_a_runbook_step_is_refused_in_read_only_mode() {
    let mut copy_error = Console::new();
    let mut hung = Console::of(Scenario::EltDelay);
    let mut reached = BTreeSet::new();
    for kind in ActionKind::ALL {
        let c = if kind == ActionKind::StopElt {
            &mut hung
        } else {
            &mut copy_error
        };
        // The tenant the walkthrough is about is the selected row's: one on the kind's path.
        let tenant = match kind {
            ActionKind::ResyncTables => "tenant_a",
            _ => "tenant_b",
        };
        c.select_tenant(tenant);
        let id = format!("ro-{}", kind.name().replace('_', "-"));
        c.saved_pause_for(kind);
        c.command(&format!("runbook {id}"));
        assert_eq!(c.app.view, View::Runbook, "{id}: {:?}", c.app.message);
        c.key(KeyCode::Enter);
        if kind == ActionKind::CancelQuery {
            // The step sends the engineer to the running queries; `a` there offers the cancel.
            assert_eq!(c.app.view, View::Wlm);
            c.key(KeyCode::Char('a'));
            assert_eq!(c.app.mode, Mode::Menu);
            c.key(KeyCode::Enter);
        }
        let reached_kind = c.confirm_and_expect_refusal(&format!("runbook {id}"));
        assert_eq!(reached_kind, kind);
        reached.insert(reached_kind);
        let walkthrough = c.app.recovery().walkthrough().unwrap();
        assert!(!walkthrough.done[0], "{id}: a refused step is not done");
        c.key(KeyCode::Esc);
    }
    assert_eq!(reached, all(), "runbook steps reach every action");
    for c in [&copy_error, &hung] {
        assert_eq!(c.applied.load(Ordering::SeqCst), 0);
        assert!(!c.state.audit_log().exists());
    }
}

#[test]
fn every_action_from_the_action_menu_is_refused_in_read_only_mode() {
    let mut c = Console::new();
    let mut reached = BTreeSet::new();
    // Each place the menu opens from, and every item it offers there.
    let go = |c: &mut Console, place: &str| match place {
        "a running query" => {
            c.command("wlm");
            c.key(KeyCode::Home);
        }
        tenant_row => c.select_tenant(tenant_row.trim_end_matches(" row")),
    };
    let places = ["tenant_a row", "tenant_b row", "a running query"];
    // The stop of a hung run is offered while one runs.
    let mut hung = Console::of(Scenario::EltDelay);
    hung.key(KeyCode::Char('a'));
    let items = hung.app.recovery().menu().unwrap().items.clone();
    let stop = items
        .iter()
        .position(|(_, request)| request.kind() == ActionKind::StopElt)
        .expect("the menu offers the stop");
    for _ in 0..stop {
        hung.key(KeyCode::Down);
    }
    hung.key(KeyCode::Enter);
    reached.insert(hung.confirm_and_expect_refusal("menu on a hung run"));
    assert_eq!(hung.applied.load(Ordering::SeqCst), 0);
    for place in places {
        go(&mut c, place);
        c.key(KeyCode::Char('a'));
        assert_eq!(c.app.mode, Mode::Menu, "{place}");
        let items = c.app.recovery().menu().unwrap().items.len();
        c.key(KeyCode::Esc);
        for item in 0..items {
            go(&mut c, place);
            c.key(KeyCode::Char('a'));
            for _ in 0..item {
                c.key(KeyCode::Down);
            }
            let kind = c.app.recovery().menu().unwrap().items[item].1.kind();
            c.saved_pause_for(kind);
            c.key(KeyCode::Enter);
            reached.insert(c.confirm_and_expect_refusal(&format!("menu on {place}, item {item}")));
        }
    }
    assert_eq!(reached, all(), "the action menu reaches every action");
    assert_eq!(c.applied.load(Ordering::SeqCst), 0);
    assert!(!c.state.audit_log().exists());
    assert!(
        c.refused
            .iter()
            .all(|(_, _, why)| why.contains("read-only"))
    );
}
