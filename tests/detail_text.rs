//! Text shown whole and true: each age next to the thing it describes, multi-line errors kept as
//! lines, execution names in full (or cut in the middle), every ARN with its console URL and a
//! running query's whole SQL. Rendered into a `TestBackend` for a fixed seed and time.

mod support;

use support::demo::{SimDemo, render, sim_demo, start};

use chrono::Duration;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use shiftops::i18n::Lang;
use shiftops::model::ExportStatus;
use shiftops::source::sim::Scenario;
use shiftops::tui::Settings;
use shiftops::tui::app::App;

fn app_in(scenario: Scenario, tenants: usize, lang: Lang) -> App {
    let SimDemo { snapshot, .. } = sim_demo(scenario, tenants);
    App::new(
        format!("demo:{} · {tenants} tenants", scenario.name()),
        Settings::shipped(lang),
        snapshot,
        start(),
    )
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// The screen's line that names `word`.
fn line_with<'a>(screen: &'a str, word: &str) -> &'a str {
    screen
        .lines()
        .find(|line| line.contains(word))
        .unwrap_or_else(|| panic!("a line names {word}:\n{screen}"))
}

/// The export-path tenant's last export failed five hours ago; its last COPY (of the export
/// before) ran four minutes ago.
fn export_failed_hours_before_the_copy(lang: Lang) -> App {
    let app = app_in(Scenario::Healthy, 3, lang);
    let mut snapshot = app.snapshot.clone();
    let tenant = snapshot
        .rds
        .exports
        .iter()
        .max_by_key(|t| t.started_at)
        .map(|t| t.tenant.clone())
        .expect("the demo has an export-path tenant");
    for task in snapshot.rds.exports.iter_mut().filter(|t| t.tenant == tenant) {
        task.status = ExportStatus::Failed;
        task.started_at = Some(start() - Duration::hours(6));
        task.finished_at = Some(start() - Duration::hours(5));
        task.failure_cause = Some("S3 access denied".into());
    }
    for load in snapshot.warehouse.loads.iter_mut().filter(|l| l.tenant == tenant) {
        load.last_copy_at = start() - Duration::minutes(4);
    }
    App::new(app.title.clone(), Settings::shipped(lang), snapshot, start())
}

#[test]
fn the_export_cell_shows_the_exports_own_age_not_the_copys() {
    for (lang, name) in [(Lang::En, "overview_export_age_en"), (Lang::Ja, "overview_export_age_ja")] {
        let app = export_failed_hours_before_the_copy(lang);
        let screen = render(&app, 120, 40);
        let row = line_with(&screen, "failed 5h00m");
        assert!(row.contains(" 4m "), "the COPY's own age beside it: {row}");
        assert!(!screen.contains("failed 4m"), "{screen}");
        insta::assert_snapshot!(name, screen);
    }
}
