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
use shiftops::tui::action::{Action, View};
use shiftops::tui::app::{App, Effect};

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
    for task in snapshot
        .rds
        .exports
        .iter_mut()
        .filter(|t| t.tenant == tenant)
    {
        task.status = ExportStatus::Failed;
        task.started_at = Some(start() - Duration::hours(6));
        task.finished_at = Some(start() - Duration::hours(5));
        task.failure_cause = Some("S3 access denied".into());
    }
    for load in snapshot
        .warehouse
        .loads
        .iter_mut()
        .filter(|l| l.tenant == tenant)
    {
        load.last_copy_at = start() - Duration::minutes(4);
    }
    App::new(
        app.title.clone(),
        Settings::shipped(lang),
        snapshot,
        start(),
    )
}

#[test]
fn the_export_cell_shows_the_exports_own_age_not_the_copys() {
    for (lang, name, export_age, copy_age) in [
        (Lang::En, "overview_export_age_en", "failed 5h00m", " 4m "),
        (Lang::Ja, "overview_export_age_ja", "failed 5時間", " 4分 "),
    ] {
        let app = export_failed_hours_before_the_copy(lang);
        let screen = render(&app, 120, 40);
        let row = line_with(&screen, export_age);
        assert!(
            row.contains(copy_age),
            "the COPY's own age beside it: {row}"
        );
        assert!(!screen.contains("failed 4"), "{screen}");
        insta::assert_snapshot!(name, screen);
    }
}

fn elt_of_the_dbt_failure(lang: Lang) -> App {
    let mut app = app_in(Scenario::DbtFailure, 3, lang);
    app.dispatch(Action::Show(View::Elt));
    let failed = app
        .rows
        .visible(View::Elt)
        .iter()
        .position(|&i| app.snapshot.elt_runs[i].status.is_failure())
        .expect("the dbt failure's run is listed");
    for _ in 0..failed {
        app.dispatch(Action::Down);
    }
    app
}

#[test]
fn a_dbt_failure_keeps_its_log_lines_and_the_run_its_console_url() {
    for (lang, name) in [
        (Lang::En, "elt_dbt_failure_en"),
        (Lang::Ja, "elt_dbt_failure_ja"),
    ] {
        let app = elt_of_the_dbt_failure(lang);
        let screen = render(&app, 120, 40);
        let missing_column = line_with(&screen, "column \"discount_amount\" does not exist");
        assert!(!missing_column.contains("Done."), "{missing_column}");
        line_with(&screen, "Done. PASS=41 WARN=0 ERROR=1 SKIP=3 TOTAL=45");
        line_with(&screen, "https://us-east-1.console.aws.amazon.com/states/");
        insta::assert_snapshot!(name, screen);
    }
}

#[test]
fn the_copy_keys_copy_the_selected_runs_console_url_and_arn() {
    let mut app = elt_of_the_dbt_failure(Lang::En);
    let run = &app.snapshot.elt_runs[app.rows.visible(View::Elt)[app.selected(View::Elt)]];
    let arn = run.execution_arn.clone();
    assert_eq!(
        app.on_key(key(KeyCode::Char('y'))),
        Effect::Copy(format!(
            "https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/{arn}"
        ))
    );
    assert_eq!(app.on_key(key(KeyCode::Char('Y'))), Effect::Copy(arn));
}

#[test]
fn the_copy_keys_copy_the_selected_alarms_console_url_and_arn() {
    for (lang, name) in [(Lang::En, "alarm_url_en"), (Lang::Ja, "alarm_url_ja")] {
        let mut app = app_in(Scenario::CopyError, 3, lang);
        app.dispatch(Action::Show(View::Alarms));
        assert_eq!(
            app.on_key(key(KeyCode::Char('y'))),
            Effect::Copy(
                "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/Alert-COPY-Error".into()
            )
        );
        assert_eq!(
            app.on_key(key(KeyCode::Char('Y'))),
            Effect::Copy("arn:aws:cloudwatch:us-east-1:999999999999:alarm:Alert-COPY-Error".into())
        );
        insta::assert_snapshot!(name, render(&app, 120, 40));
    }
}

/// The copy-error fleet with its failed run rerun a minute ago: `<name>-rerun-1`, running.
fn elt_with_a_rerun(lang: Lang) -> App {
    let app = app_in(Scenario::CopyError, 3, lang);
    let mut snapshot = app.snapshot.clone();
    let failed = snapshot
        .elt_runs
        .iter()
        .find(|run| run.status.is_failure())
        .expect("the copy error's run failed")
        .clone();
    let mut rerun = failed.clone();
    rerun.name = format!("{}-rerun-1", failed.name);
    rerun.execution_arn = format!("{}-rerun-1", failed.execution_arn);
    rerun.status = shiftops::model::EltStatus::Running;
    rerun.started_at = start() - Duration::minutes(1);
    rerun.stopped_at = None;
    rerun.failed_step = None;
    rerun.failed_tenant = None;
    rerun.error = None;
    rerun.cause = None;
    snapshot.elt_runs.insert(0, rerun);
    let mut app = App::new(
        app.title.clone(),
        Settings::shipped(lang),
        snapshot,
        start(),
    );
    app.dispatch(Action::Show(View::Elt));
    app
}

#[test]
fn a_rerun_is_told_from_its_run_at_80x24() {
    for (lang, name) in [
        (Lang::En, "elt_rerun_80x24_en"),
        (Lang::Ja, "elt_rerun_80x24_ja"),
    ] {
        let app = elt_with_a_rerun(lang);
        let failed = &app.snapshot.elt_runs[1].name;
        let screen = render(&app, 80, 24);
        let rerun_row = line_with(&screen, "-rerun-1");
        assert!(rerun_row.contains("running"), "{rerun_row}");
        let original_row = line_with(&screen, "✗ failed");
        assert!(
            original_row.contains(failed.as_str()),
            "the run's name whole: {original_row}"
        );
        assert!(!original_row.contains("rerun"), "{original_row}");
        insta::assert_snapshot!(name, screen);
    }
}

/// The WLM view with the first adhoc query whose SQL has several lines selected.
fn wlm_on_a_multi_line_query(lang: Lang) -> App {
    let mut app = app_in(Scenario::WlmSaturation, 3, lang);
    app.dispatch(Action::Show(View::Wlm));
    let row = app
        .rows
        .visible(View::Wlm)
        .iter()
        .position(|&i| app.snapshot.warehouse.queries[i].sql.contains('\n'))
        .expect("the demo runs a query written over several lines");
    for _ in 0..row {
        app.dispatch(Action::Down);
    }
    app
}

#[test]
fn enter_on_a_running_query_shows_its_whole_sql_and_esc_closes_it() {
    for (lang, name) in [
        (Lang::En, "wlm_query_sql_en"),
        (Lang::Ja, "wlm_query_sql_ja"),
    ] {
        let mut app = wlm_on_a_multi_line_query(lang);
        let query = app.snapshot.warehouse.queries
            [app.rows.visible(View::Wlm)[app.selected(View::Wlm)]]
        .clone();
        let before = render(&app, 120, 40);
        assert_eq!(app.on_key(key(KeyCode::Enter)), Effect::None);
        let screen = render(&app, 120, 40);
        line_with(&screen, &query.pid.to_string());
        line_with(&screen, &query.user);
        for line in query.sql.lines() {
            let line = line.trim_end();
            let shown = line_with(&screen, line);
            assert!(
                shown.contains(&format!("│{line}")),
                "its own line, from the left: {shown}"
            );
        }
        insta::assert_snapshot!(name, screen);
        assert_eq!(
            app.on_key(key(KeyCode::Char('y'))),
            Effect::Copy(query.sql.clone())
        );
        app.on_key(key(KeyCode::Esc));
        assert_eq!(render(&app, 120, 40), before, "esc closes it");
    }
}

#[test]
fn a_long_statement_scrolls_and_says_where_the_warehouse_cut_it() {
    let mut app = wlm_on_a_multi_line_query(Lang::En);
    let mut snapshot = app.snapshot.clone();
    let selected = app.rows.visible(View::Wlm)[app.selected(View::Wlm)];
    let query = &mut snapshot.warehouse.queries[selected];
    query.sql = (1..=60)
        .map(|n| format!("SELECT {n} AS line_{n} UNION ALL"))
        .collect::<Vec<_>>()
        .join("\n");
    query.sql_cut_at = Some(20_000);
    app = App::new(
        app.title.clone(),
        Settings::shipped(Lang::En),
        snapshot,
        start(),
    );
    app.dispatch(Action::Show(View::Wlm));
    for _ in 0..app
        .rows
        .visible(View::Wlm)
        .iter()
        .position(|&i| i == selected)
        .unwrap()
    {
        app.dispatch(Action::Down);
    }
    app.on_key(key(KeyCode::Enter));
    let top = render(&app, 100, 30);
    line_with(&top, "first 20000 characters");
    line_with(&top, "SELECT 1 AS line_1 UNION ALL");
    assert!(!top.contains("line_60"), "{top}");
    app.on_key(key(KeyCode::End));
    let bottom = render(&app, 100, 30);
    line_with(&bottom, "SELECT 60 AS line_60 UNION ALL");
    line_with(&bottom, "60/60");
    assert!(!bottom.contains("SELECT 1 AS line_1 "), "{bottom}");
}

#[test]
fn the_tenant_view_keeps_an_export_failures_lines_and_copies_the_clusters_console_url() {
    for (lang, name) in [
        (Lang::En, "tenant_export_failure_en"),
        (Lang::Ja, "tenant_export_failure_ja"),
    ] {
        let app = export_failed_hours_before_the_copy(lang);
        let mut snapshot = app.snapshot.clone();
        let tenant = snapshot
            .rds
            .exports
            .iter()
            .find(|t| t.status == ExportStatus::Failed)
            .map(|t| t.tenant.clone())
            .unwrap();
        for task in snapshot
            .rds
            .exports
            .iter_mut()
            .filter(|t| t.tenant == tenant)
        {
            task.failure_cause = Some(
                "The export task failed.\nAccessDenied: the IAM role cannot write to the bucket\u{1b}[0m"
                    .into(),
            );
        }
        let mut app = App::new(
            app.title.clone(),
            Settings::shipped(lang),
            snapshot,
            start(),
        );
        app.dispatch(Action::ShowTenant(tenant.clone()));
        let screen = render(&app, 120, 40);
        let first = line_with(&screen, "The export task failed.");
        assert!(!first.contains("AccessDenied"), "{first}");
        let second = line_with(&screen, "AccessDenied: the IAM role cannot write to the");
        assert!(
            !second.contains('\u{1b}'),
            "no escape reaches the terminal: {second}"
        );
        insta::assert_snapshot!(name, screen);
        let cluster = app
            .snapshot
            .clusters
            .iter()
            .find(|c| c.tenant == tenant)
            .unwrap()
            .clone();
        let arn = cluster.arn.clone().unwrap();
        assert_eq!(
            app.on_key(key(KeyCode::Char('y'))),
            Effect::Copy(format!(
                "https://us-east-1.console.aws.amazon.com/rds/home?region=us-east-1#database:id={};is-cluster=true",
                cluster.identifier
            ))
        );
        assert_eq!(app.on_key(key(KeyCode::Char('Y'))), Effect::Copy(arn));
    }
}

/// At 80×24 a dbt log is longer than the selected-run panel: the panel says how many lines are
/// hidden and which key shows them; Enter shows the whole error and cause, down to `ERROR=1`,
/// `y` copies it and Esc gives the view back.
#[test]
fn enter_on_an_elt_run_reads_its_whole_error_and_cause() {
    for (lang, read_all) in [
        (Lang::En, "enter: read all"),
        (Lang::Ja, "enter: すべて表示"),
    ] {
        let mut app = elt_of_the_dbt_failure(lang);
        let before = render(&app, 80, 24);
        assert!(before.contains(read_all), "{before}");
        assert!(
            !before.contains("ERROR=1"),
            "the panel is too short for it: {before}"
        );
        app.on_key(key(KeyCode::Enter));
        app.on_key(key(KeyCode::End));
        let whole = render(&app, 80, 24);
        assert!(whole.contains("ERROR=1"), "{whole}");
        assert!(whole.contains("discount_amount"), "{whole}");
        match app.on_key(key(KeyCode::Char('y'))) {
            Effect::Copy(text) => {
                assert!(text.contains("Done. PASS=41 WARN=0 ERROR=1"), "{text}");
            }
            other => panic!("{other:?}"),
        }
        app.on_key(key(KeyCode::Esc));
        assert_eq!(render(&app, 80, 24), before);
    }
}

/// The error log of the dbt failure with the model's failed CTAS selected.
fn logs_on_the_failed_model(lang: Lang) -> App {
    let mut app = app_in(Scenario::DbtFailure, 3, lang);
    app.dispatch(Action::Show(View::Logs));
    let row = app
        .rows
        .visible(View::Logs)
        .iter()
        .position(|&i| {
            i < app.snapshot.warehouse.failed_queries.len()
                && app.snapshot.warehouse.failed_queries[i].query_type == "CTAS"
        })
        .expect("the failed dbt model is in the error log");
    for _ in 0..row {
        app.dispatch(Action::Down);
    }
    app
}

/// Enter on a failed query reads who ran it and when, the warehouse's whole error and its SQL
/// line by line; `y` copies the error and the SQL; Esc gives the error log back.
#[test]
fn enter_on_a_failed_query_reads_its_error_and_sql() {
    for (lang, name, user) in [
        (Lang::En, "failed_query_en", "user"),
        (Lang::Ja, "failed_query_ja", "ユーザー"),
    ] {
        let mut app = logs_on_the_failed_model(lang);
        let before = render(&app, 120, 40);
        assert_eq!(app.on_key(key(KeyCode::Enter)), Effect::None);
        let screen = render(&app, 120, 40);
        let failed = app
            .snapshot
            .warehouse
            .failed_queries
            .iter()
            .find(|q| q.query_type == "CTAS")
            .unwrap()
            .clone();
        line_with(&screen, &failed.query_id.to_string());
        assert!(line_with(&screen, user).contains(&failed.user), "{screen}");
        line_with(&screen, &failed.error);
        for line in failed.sql.lines() {
            assert!(
                screen.contains(&format!("│{}", line.trim_end())),
                "{line:?} on its own line, from the left: {screen}"
            );
        }
        insta::assert_snapshot!(name, screen);
        assert_eq!(
            app.on_key(key(KeyCode::Char('y'))),
            Effect::Copy(format!("{}\n\n{}", failed.error, failed.sql))
        );
        app.on_key(key(KeyCode::Esc));
        assert_eq!(render(&app, 120, 40), before, "esc closes it");
    }
}
