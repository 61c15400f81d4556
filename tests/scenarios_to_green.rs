//! Every incident of the demo, played as on-call would, by keys into a `TestBackend`: the first
//! screen shows the worst finding, `r` opens the runbook the finding calls for, and following its
//! steps — checks, notes and the actions they prescribe, previewed and confirmed — brings the fleet
//! back to green. The simulated clock moves as a person would take time over each step.

mod support;

use support::demo::{SimDemo, render, sim_demo, start};
use support::drive::perform_action;

use std::sync::Arc;

use chrono::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use shiftops::action::ActionKind;
use shiftops::action::sim::SimOperator;
use shiftops::action::{Actions, StateDir, audit};
use shiftops::health::Status;
use shiftops::i18n::Lang;
use shiftops::source::refresh::{SourceEvent, fetch_all};
use shiftops::source::sim::Scenario;
use shiftops::source::{Clock, Fleet, ManualClock};
use shiftops::tui::Settings;
use shiftops::tui::action::View;
use shiftops::tui::app::{App, Effect, Mode};
use shiftops::tui::recovery::Stage;
use shiftops::tui::runbook::{Step, StepKind};
use tokio::runtime::Runtime;

struct Play {
    clock: Arc<ManualClock>,
    fleet: Fleet,
    app: App,
    actions: Actions,
    runtime: Runtime,
    generation: u64,
    _dir: tempfile::TempDir,
    state: StateDir,
    /// What happened to each action step: its request's kind and whether it ran.
    actions_run: Vec<(String, Result<(), String>)>,
}

fn play(scenario: Scenario, lang: Lang) -> Play {
    let SimDemo {
        clock,
        fleet,
        world,
        runtime,
        snapshot,
    } = sim_demo(scenario, 3);
    let dir = tempfile::tempdir().unwrap();
    let state = StateDir::at(dir.path());
    let log = audit::AuditLog::open(state.lock().unwrap()).unwrap();
    let actions = Actions::new(
        Arc::new(SimOperator::new(world, clock.clone())),
        false,
        Some(log),
    );
    Play {
        app: App::new("demo".into(), Settings::shipped(lang), snapshot, start()),
        clock,
        fleet,
        actions,
        runtime,
        generation: 1,
        _dir: dir,
        state,
        actions_run: Vec::new(),
    }
}

impl Play {
    fn key(&mut self, code: KeyCode) -> Effect {
        let effect = self.app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
        perform_action(&mut self.app, &self.actions, &self.runtime, &effect);
        effect
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// The clock moves on and every source is read again, as the refresh tasks would.
    fn wait(&mut self, minutes: i64) {
        for _ in 0..minutes {
            self.clock.advance(Duration::minutes(1));
            self.generation += 1;
            let results = self
                .runtime
                .block_on(fetch_all(&self.fleet, self.generation));
            self.app.tick(self.clock.now());
            self.app.on_source_events(
                results
                    .into_iter()
                    .map(|result| SourceEvent::Finished(Box::new(result))),
            );
        }
    }

    fn screen(&self, width: u16, height: u16) -> String {
        render(&self.app, width, height)
    }

    /// Until the fleet is green, at most `minutes` minutes; the minutes it took.
    fn wait_for_green(&mut self, minutes: i64) -> Option<i64> {
        (0..=minutes).find(|_| {
            let green = self.app.health.status == Status::Ok;
            if !green {
                self.wait(1);
            }
            green
        })
    }

    /// The tenant an on-call engineer picks when a step asks: the one whose tables hold the most
    /// space a VACUUM gives back (the storage view's largest unsorted share), else the worst.
    fn tenant_to_choose(&self) -> String {
        let snapshot = &self.app.snapshot;
        let reclaimable = |schema: &str| -> f64 {
            snapshot
                .warehouse
                .tables
                .iter()
                .filter(|t| t.schema == schema)
                .map(|t| t.size_mb as f64 * t.unsorted_percent / 100.0)
                .sum()
        };
        snapshot
            .tenants
            .iter()
            .max_by(|a, b| reclaimable(&a.schema).total_cmp(&reclaimable(&b.schema)))
            .map(|t| t.name.clone())
            .unwrap()
    }

    /// Back to the walkthrough from where a check step sent us (Esc clears a filter first).
    fn back_to_runbook(&mut self) {
        for _ in 0..3 {
            if self.app.view == View::Runbook {
                return;
            }
            self.key(KeyCode::Esc);
        }
        assert_eq!(self.app.view, View::Runbook, "{:?}", self.app.message);
    }

    /// Enter on an action step: the tenant it is for when it asks, the preview, then the
    /// confirmation it asks for.
    fn run_action_step(&mut self, step: &str) {
        let mut effect = self.key(KeyCode::Enter);
        if self.app.mode == Mode::Choose {
            let wanted = self.tenant_to_choose();
            let chooser = self.app.recovery().chooser().unwrap();
            let position = chooser
                .tenants
                .iter()
                .position(|(name, _)| *name == wanted)
                .unwrap_or_else(|| panic!("{wanted} is not offered: {:?}", chooser.tenants));
            for _ in 0..position {
                self.key(KeyCode::Down);
            }
            effect = self.key(KeyCode::Enter);
        }
        if self.app.mode == Mode::Normal && self.app.view != View::Runbook {
            // The step sends us to pick what to act on (the query to cancel): on-call picks
            // only what they identified, and nothing here hogs the slots.
            let message = self.app.message.as_ref().map(|m| m.text.clone());
            self.actions_run.push((
                step.to_string(),
                Err(format!("sent to {:?}: {message:?}", self.app.view)),
            ));
            self.back_to_runbook();
            return;
        }
        if self.app.mode != Mode::Dialog {
            let message = self.app.message.as_ref().map(|m| m.text.clone());
            self.actions_run.push((
                step.to_string(),
                Err(format!("no dialog: {message:?} {effect:?}")),
            ));
            return;
        }
        let dialog = self.app.recovery().dialog().unwrap();
        let plan = match &dialog.stage {
            Stage::Ready(plan) if dialog.refusal.is_none() && plan.unsupported.is_none() => {
                plan.clone()
            }
            other => {
                let refusal = dialog.refusal.clone();
                self.actions_run.push((
                    step.to_string(),
                    Err(format!("refused at preview: {refusal:?} {other:?}")),
                ));
                self.key(KeyCode::Esc);
                return;
            }
        };
        if let Some(word) = &plan.confirm {
            self.type_text(word);
        }
        self.key(KeyCode::Enter);
        let dialog = self.app.recovery().dialog().unwrap();
        let outcome = match &dialog.stage {
            Stage::Done { result, .. } => result.clone().map(|_| ()),
            other => Err(format!("not done: {other:?} refusal {:?}", dialog.refusal)),
        };
        self.actions_run.push((step.to_string(), outcome));
        self.key(KeyCode::Enter);
        if self.app.mode == Mode::Dialog {
            self.key(KeyCode::Esc);
        }
        assert_eq!(self.app.mode, Mode::Normal);
        assert_eq!(self.app.view, View::Runbook);
    }

    /// Every step of the open runbook in order, taking `minutes_per_step` over each and
    /// `extra(steps, index)` more where a step takes longer (a fix to deploy).
    fn follow_runbook(&mut self, minutes_per_step: i64, extra: impl Fn(&[Step], usize) -> i64) {
        let runbook = self
            .app
            .recovery()
            .current_runbook(&self.app.settings.runbooks)
            .unwrap()
            .clone();
        for (index, step) in runbook.steps.iter().enumerate() {
            assert_eq!(self.app.view, View::Runbook, "before step {index}");
            for _ in 0..runbook.steps.len() {
                let selected = self.app.recovery().walkthrough().unwrap().selected;
                match selected.cmp(&index) {
                    std::cmp::Ordering::Less => self.key(KeyCode::Down),
                    std::cmp::Ordering::Greater => self.key(KeyCode::Up),
                    std::cmp::Ordering::Equal => break,
                };
            }
            assert_eq!(self.app.recovery().walkthrough().unwrap().selected, index);
            match &step.kind {
                StepKind::Check { .. } => {
                    self.key(KeyCode::Enter);
                    self.back_to_runbook();
                }
                StepKind::Note => {
                    self.key(KeyCode::Enter);
                }
                StepKind::Action(_) => self.run_action_step(&step.title),
            }
            self.wait(minutes_per_step + extra(&runbook.steps, index));
        }
    }
}

/// What each incident opens and how long after its runbook the fleet must be green.
fn expected(scenario: Scenario) -> Option<&'static str> {
    match scenario {
        Scenario::Healthy => None,
        Scenario::CopyError => Some("copy-error"),
        Scenario::IntegrationNeedsAttention => Some("integration-needs-attention"),
        Scenario::StorageHigh => Some("storage-pressure"),
        Scenario::WlmSaturation => Some("wlm-queue-overload"),
        Scenario::EltDelay => Some("elt-delay"),
        Scenario::DbtFailure => Some("dbt-failure"),
        Scenario::ExportFailure => Some("export-failure"),
        Scenario::QueryFailure => Some("query-failure-rate"),
    }
}

fn play_to_green(scenario: Scenario, lang: Lang) -> Play {
    let mut p = play(scenario, lang);
    let screen = p.screen(120, 40);
    let Some(runbook) = expected(scenario) else {
        assert_eq!(p.app.health.status, Status::Ok, "{screen}");
        assert!(
            screen.contains(lang.pick("no findings", "検出事項なし")),
            "{screen}"
        );
        return p;
    };
    // The first screen leads with the worst finding, selected, in full.
    let worst = p.app.health.findings[0].text(lang);
    let first_words: String = worst.chars().take(30).collect();
    assert!(
        screen.contains(&first_words),
        "{scenario}: {first_words:?}\n{screen}"
    );
    assert_eq!(p.app.selected_tenant(), p.app.health.findings[0].tenant);

    p.key(KeyCode::Char('r'));
    assert_eq!(p.app.view, View::Runbook, "{scenario}: {:?}", p.app.message);
    assert_eq!(
        p.app.recovery().walkthrough().unwrap().runbook,
        runbook,
        "{scenario}"
    );
    p.follow_runbook(1, |steps, index| {
        let next = steps.get(index + 1).map(|s| &s.kind);
        let previous = index.checked_sub(1).map(|i| &steps[i].kind);
        match scenario {
            // The model's fix takes a quarter of an hour to review and deploy before the rerun.
            Scenario::DbtFailure
                if steps[index].kind == StepKind::Note
                    && next == Some(&StepKind::Action(ActionKind::RerunElt)) =>
            {
                15
            }
            // On-call watches the batch queue work off its backlog before resuming adhoc.
            Scenario::WlmSaturation
                if previous == Some(&StepKind::Action(ActionKind::CancelQuery)) =>
            {
                10
            }
            _ => 0,
        }
    });
    let took = p.wait_for_green(90);
    if took.is_some() {
        check_the_record(&mut p, scenario, lang);
    }
    let findings: Vec<String> = p
        .app
        .health
        .findings
        .iter()
        .map(|f| f.message.clone())
        .collect();
    assert!(
        took.is_some(),
        "{scenario} is not green 90 minutes after its runbook ({:?}): {findings:#?}\nactions: {:#?}\nsources: {:#?}",
        p.app.health.status,
        p.actions_run,
        p.app
            .snapshot
            .sources
            .iter()
            .filter(|s| s.failed())
            .map(|s| (s.id, s.error.clone()))
            .collect::<Vec<_>>()
    );
    p
}

/// `:resolve`, then `:export`: the record has its sections, its timeline in time order, the
/// actions that ran with their audit ids, and none that did not run.
fn check_the_record(p: &mut Play, scenario: Scenario, lang: Lang) {
    p.key(KeyCode::Char(':'));
    p.type_text("resolve played to green");
    p.key(KeyCode::Enter);
    p.key(KeyCode::Char(':'));
    p.type_text("export incident.md");
    let Effect::ExportIncident { markdown, .. } = p.key(KeyCode::Enter) else {
        panic!("{scenario}: no export: {:?}", p.app.message)
    };
    let sections = match lang {
        Lang::En => ["## Summary", "## Impact", "## Timeline", "## Follow-ups"],
        Lang::Ja => ["## 概要", "## 影響", "## タイムライン", "## 事後対応"],
    };
    for section in sections {
        assert!(
            markdown.contains(section),
            "{scenario}: {section}\n{markdown}"
        );
    }
    assert!(
        markdown.contains(lang.pick("**Resolved:**", "**解決:**")),
        "{scenario}: resolved\n{markdown}"
    );
    let times: Vec<&str> = markdown
        .lines()
        .filter(|l| l.starts_with("| 1") && l.len() > 16)
        .map(|l| &l[2..16])
        .collect();
    assert!(!times.is_empty(), "{scenario}: {markdown}");
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "{scenario}: the timeline is in time order: {times:?}"
    );
    // Every action under "Actions taken" ran, and every action that ran is there.
    let ran: Vec<&(String, Result<(), String>)> =
        p.actions_run.iter().filter(|(_, r)| r.is_ok()).collect();
    let records = audit::read(&p.state.audit_log()).unwrap();
    let intents: Vec<_> = records
        .iter()
        .filter(|r| r.phase == audit::Phase::Intent)
        .collect();
    assert_eq!(intents.len(), ran.len(), "{scenario}: {:#?}", p.actions_run);
    for intent in intents {
        assert!(
            markdown.contains(&intent.id.to_string()),
            "{scenario}: audit id {} of {} is in the record\n{markdown}",
            intent.id,
            intent.action
        );
    }
    let taken = markdown.matches("\n### ").count();
    assert_eq!(
        taken,
        ran.len(),
        "{scenario}: only actions that ran\n{markdown}"
    );
}

#[test]
fn a_redrive_before_the_fix_fails_again_and_stays_red() {
    let mut p = play(Scenario::DbtFailure, Lang::En);
    p.key(KeyCode::Char(':'));
    p.type_text("rerun");
    p.key(KeyCode::Enter);
    let Stage::Ready(plan) = &p.app.recovery().dialog().unwrap().stage else {
        panic!("{:?}", p.app.recovery().dialog())
    };
    assert!(
        plan.calls[0].starts_with("states:RedriveExecution"),
        "{plan:?}"
    );
    let word = plan.confirm.clone().unwrap();
    p.type_text(&word);
    p.key(KeyCode::Enter);
    p.key(KeyCode::Enter);
    p.wait(10);
    let failed: Vec<_> = p
        .app
        .health
        .findings
        .iter()
        .filter(|f| f.check == shiftops::health::CheckId::EltFailed)
        .collect();
    assert_eq!(failed.len(), 1, "the redrive failed at dbt run again");
    assert_eq!(p.app.health.status, Status::Critical);
    let run = p
        .app
        .snapshot
        .elt_runs
        .iter()
        .max_by_key(|r| r.started_at)
        .unwrap();
    assert_eq!(run.redrive_count, 1);
    assert_eq!(run.failed_step.as_deref(), Some("dbt run"));
}

#[test]
fn healthy_fleet_has_nothing_to_do() {
    for lang in [Lang::En, Lang::Ja] {
        play_to_green(Scenario::Healthy, lang);
    }
}

#[test]
fn copy_error_is_played_to_green() {
    let p = play_to_green(Scenario::CopyError, Lang::En);
    assert!(
        p.actions_run.iter().all(|(_, r)| r.is_ok()),
        "{:#?}",
        p.actions_run
    );
}

#[test]
fn integration_needs_attention_is_played_to_green() {
    for lang in [Lang::En, Lang::Ja] {
        play_to_green(Scenario::IntegrationNeedsAttention, lang);
    }
}

#[test]
fn storage_high_is_played_to_green() {
    for lang in [Lang::En, Lang::Ja] {
        play_to_green(Scenario::StorageHigh, lang);
    }
}

#[test]
fn wlm_saturation_is_played_to_green() {
    for lang in [Lang::En, Lang::Ja] {
        play_to_green(Scenario::WlmSaturation, lang);
    }
}

#[test]
fn elt_delay_is_played_to_green() {
    for lang in [Lang::En, Lang::Ja] {
        play_to_green(Scenario::EltDelay, lang);
    }
}

#[test]
fn dbt_failure_is_played_to_green() {
    for lang in [Lang::En, Lang::Ja] {
        play_to_green(Scenario::DbtFailure, lang);
    }
}

#[test]
fn export_failure_is_played_to_green() {
    for lang in [Lang::En, Lang::Ja] {
        play_to_green(Scenario::ExportFailure, lang);
    }
}

#[test]
fn query_failure_is_played_to_green() {
    for lang in [Lang::En, Lang::Ja] {
        play_to_green(Scenario::QueryFailure, lang);
    }
}
