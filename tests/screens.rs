//! Every screen rendered into a `TestBackend` at 120×40 for a fixed seed and time, compared with
//! insta snapshots; and drawing at random sizes never panics.

mod support;

use support::demo::{SimDemo, render, render_and_fit, render_buffer, sim_demo, start};

use proptest::prelude::*;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use shiftops::config::Config;
use shiftops::i18n::Lang;

use shiftops::source::sim::Scenario;
use shiftops::tui::action::{Action, View};
use shiftops::tui::app::{App, Effect, Mode};
use shiftops::tui::{Settings, theme};

fn settings() -> Settings {
    settings_in(Lang::En)
}

fn settings_in(lang: Lang) -> Settings {
    Settings::shipped(lang)
}

fn app(scenario: Scenario, tenants: usize) -> App {
    app_and_fleet(scenario, tenants).0
}

fn app_and_fleet(scenario: Scenario, tenants: usize) -> (App, shiftops::source::Fleet) {
    let SimDemo {
        fleet, snapshot, ..
    } = sim_demo(scenario, tenants);
    let app = App::new(
        format!("demo:{} · {tenants} tenants", scenario.name()),
        settings(),
        snapshot,
        start(),
    );
    (app, fleet)
}

#[test]
fn enter_on_an_alarm_fetches_and_shows_its_history() {
    let (mut app, fleet) = app_and_fleet(Scenario::CopyError, 3);
    app.dispatch(Action::Show(View::Alarms));
    let first = app.selected_alarm_entry().unwrap().clone();
    assert_eq!(first.name, "Alert-COPY-Error", "alarms in ALARM come first");
    let effect = app.on_key(key(KeyCode::Enter));
    assert_eq!(effect, Effect::FetchAlarmHistory(Box::new(first.clone())));
    assert!(render(&app, 120, 40).contains("fetching"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let history = runtime
        .block_on(fleet.alarm_history.as_ref().unwrap().history(&first))
        .map_err(|e| e.to_string());
    assert!(
        history
            .as_ref()
            .unwrap()
            .iter()
            .any(|h| h.summary.contains("to ALARM"))
    );
    app.on_alarm_history("another alarm".into(), Ok(vec![]));
    app.on_alarm_history(first.key().to_string(), history);
    insta::assert_snapshot!(render(&app, 120, 40));
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.on_key(key(KeyCode::Char(c)));
    }
}

#[test]
fn overview_healthy() {
    insta::assert_snapshot!(render(&app(Scenario::Healthy, 3), 120, 40));
}

#[test]
fn overview_copy_error_sorts_the_broken_tenant_first() {
    let app = app(Scenario::CopyError, 3);
    assert_eq!(app.rows.tenants[0].summary.name, "tenant_b");
    insta::assert_snapshot!(render(&app, 120, 40));
}

#[test]
fn every_view_of_an_incident() {
    let mut app = app(Scenario::IntegrationNeedsAttention, 3);
    for view in View::TABS {
        app.dispatch(Action::Show(view));
        insta::assert_snapshot!(format!("view_{}", view.command()), render(&app, 120, 40));
    }
}

#[test]
fn storage_high_shows_the_gauge_over_its_marks() {
    let mut app = app(Scenario::StorageHigh, 3);
    app.dispatch(Action::Show(View::Storage));
    insta::assert_snapshot!(render(&app, 120, 40));
}

#[test]
fn wlm_saturation_shows_the_batch_queue_over_its_threshold() {
    let mut app = app(Scenario::WlmSaturation, 3);
    app.dispatch(Action::Show(View::Wlm));
    insta::assert_snapshot!(render(&app, 120, 40));
}

#[test]
fn load_errors_and_elt_of_a_copy_error() {
    let mut app = app(Scenario::CopyError, 3);
    app.dispatch(Action::Show(View::LoadErrors));
    insta::assert_snapshot!("copy_error_load_errors", render(&app, 120, 40));
    app.dispatch(Action::Show(View::Elt));
    insta::assert_snapshot!("copy_error_elt", render(&app, 120, 40));
}

#[test]
fn tenant_detail_by_drilling_in() {
    let mut app = app(Scenario::CopyError, 3);
    app.on_key(key(KeyCode::Enter));
    assert_eq!(app.view, View::Tenant);
    assert_eq!(app.tenant.as_deref(), Some("tenant_b"));
    insta::assert_snapshot!(render(&app, 120, 40));
    app.on_key(key(KeyCode::Esc));
    assert_eq!(app.view, View::Overview);
}

#[test]
fn tenant_detail_of_a_zero_etl_tenant_by_command() {
    let mut app = app(Scenario::IntegrationNeedsAttention, 3);
    app.on_key(key(KeyCode::Char(':')));
    type_text(&mut app, "tenant tenant_a");
    app.on_key(key(KeyCode::Enter));
    assert_eq!(app.view, View::Tenant);
    insta::assert_snapshot!(render(&app, 120, 40));
}

#[test]
fn help_is_generated_from_the_keymap() {
    let mut app = app(Scenario::Healthy, 3);
    app.on_key(key(KeyCode::Char('?')));
    assert_eq!(app.mode, Mode::Help);
    let screen = render(&app, 120, 40);
    assert!(screen.contains("ctrl-r"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn command_mode_completes_views_and_tenant_names() {
    let mut app = app(Scenario::Healthy, 3);
    app.on_key(key(KeyCode::Char(':')));
    type_text(&mut app, "al");
    app.on_key(key(KeyCode::Tab));
    assert_eq!(app.command_line().input(), "alarms");
    app.on_key(key(KeyCode::Enter));
    assert_eq!(app.view, View::Alarms);

    app.on_key(key(KeyCode::Char(':')));
    type_text(&mut app, "ten");
    app.on_key(key(KeyCode::Tab));
    assert_eq!(app.command_line().input(), "tenant ");
    type_text(&mut app, "tenant_");
    app.on_key(key(KeyCode::Tab));
    assert_eq!(
        app.command_line().input(),
        "tenant tenant_",
        "three candidates share this prefix"
    );
    type_text(&mut app, "c");
    app.on_key(key(KeyCode::Tab));
    assert_eq!(app.command_line().input(), "tenant tenant_c");
    insta::assert_snapshot!(render(&app, 120, 40));
    app.on_key(key(KeyCode::Enter));
    assert_eq!(
        (app.view, app.tenant.as_deref()),
        (View::Tenant, Some("tenant_c"))
    );
}

/// `:` and Tab at 80×24: every command is on screen, wrapped over as many lines as it takes,
/// in each language; the description of the one Tab chooses is in the console's language.
#[test]
fn colon_tab_shows_every_command_at_80x24() {
    for (lang, name) in [(Lang::En, "en"), (Lang::Ja, "ja")] {
        let mut app = rename_tenant(app(Scenario::Healthy, 3), "unused", "unused", lang);
        app.on_key(key(KeyCode::Char(':')));
        app.on_key(key(KeyCode::Tab));
        let screen = render(&app, 80, 24);
        for command in shiftops::tui::command::COMMANDS {
            let shown = screen
                .split(|c: char| c.is_whitespace() || c == '│' || c == '"')
                .any(|word| word == command.name);
            assert!(shown, ":{} is not shown:\n{screen}", command.name);
        }
        insta::assert_snapshot!(format!("colon_tab_80x24_{name}"), screen);
        // Tab again: the first command is chosen and described.
        app.on_key(key(KeyCode::Tab));
        assert_eq!(app.command_line().input(), "overview");
        let described = render(&app, 80, 24);
        let about = shiftops::tui::command::COMMANDS[0].help(lang);
        assert!(described.contains(about), "{about}:\n{described}");
        insta::assert_snapshot!(format!("colon_tab_chosen_80x24_{name}"), described);
    }
}

/// Arguments complete like commands: `:start-export ` offers the export tenants, `:rerun `
/// the ELT executions; a long list wraps and scrolls to the chosen one without hiding it.
#[test]
fn arguments_complete_and_a_long_list_scrolls_to_the_chosen_one() {
    let mut app = app(Scenario::CopyError, 300);
    app.on_key(key(KeyCode::Char(':')));
    type_text(&mut app, "runbook ");
    let screen = render(&app, 80, 24);
    for runbook in &app.settings.runbooks {
        assert!(screen.contains(&runbook.id), "{}:\n{screen}", runbook.id);
    }
    app.on_key(key(KeyCode::Esc));
    app.on_key(key(KeyCode::Char(':')));
    type_text(&mut app, "tenant ");
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("tenant_a") && screen.contains("more"),
        "{screen}"
    );
    // Tab, Tab, then Shift-Tab: the last tenant is chosen, and shown.
    for code in [KeyCode::Tab, KeyCode::Tab, KeyCode::BackTab] {
        app.on_key(key(code));
    }
    let last = app.snapshot.tenants.last().unwrap().name.clone();
    assert_eq!(app.command_line().input(), format!("tenant {last}"));
    let screen = render(&app, 80, 24);
    let rows: Vec<&str> = screen.lines().collect();
    assert!(
        rows[..rows.len() - 1].iter().any(|row| row.contains(&last)),
        "{last} is shown among the candidates:\n{screen}"
    );
}

#[test]
fn unknown_command_says_so_and_lists_commands() {
    let mut app = app(Scenario::Healthy, 3);
    app.run_command("bogus");
    let message = app.message.clone().unwrap();
    assert!(message.is_error);
    assert!(message.text.contains("unknown command :bogus"));
    assert!(message.text.contains("alarms"));
    // A word too many is refused with the usage, never ignored.
    assert_eq!(app.run_command("resume-adhoc now"), Effect::None);
    let message = app.message.clone().unwrap();
    assert!(message.is_error);
    assert_eq!(message.text, "usage: :resume-adhoc");
    app.run_command("tenant tenant_a tenant_b");
    assert_eq!(app.message.clone().unwrap().text, "usage: :tenant TENANT");
    assert_eq!(app.view, View::Overview);
}

#[test]
fn filter_narrows_rows_and_esc_clears_it() {
    let mut app = app(Scenario::Healthy, 30);
    app.on_key(key(KeyCode::Char('/')));
    type_text(&mut app, "tenant_00");
    app.on_key(key(KeyCode::Enter));
    let shown = app.rows.len(View::Overview);
    assert!(shown > 0 && shown < 30, "{shown}");
    assert!(render(&app, 120, 40).contains("/tenant_00"));
    app.on_key(key(KeyCode::Esc));
    assert_eq!(app.rows.len(View::Overview), 30);
}

#[test]
fn navigation_keys_move_and_clamp_the_selection() {
    let mut app = app(Scenario::Healthy, 30);
    app.page_size = 10;
    app.on_key(key(KeyCode::Down));
    assert_eq!(app.selected(View::Overview), 1);
    app.on_key(key(KeyCode::PageDown));
    assert_eq!(app.selected(View::Overview), 11);
    app.on_key(key(KeyCode::End));
    assert_eq!(app.selected(View::Overview), 29);
    app.on_key(key(KeyCode::Down));
    assert_eq!(app.selected(View::Overview), 29);
    app.on_key(key(KeyCode::Home));
    assert_eq!(app.selected(View::Overview), 0);
    app.on_key(key(KeyCode::Up));
    assert_eq!(app.selected(View::Overview), 0);
}

#[test]
fn tab_cycles_views_and_quit_asks_to_quit() {
    let mut app = app(Scenario::Healthy, 3);
    app.on_key(key(KeyCode::Tab));
    assert_eq!(app.view, View::Alarms);
    app.on_key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT));
    assert_eq!(app.view, View::Overview);
    assert_eq!(
        app.on_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)),
        Effect::Refresh
    );
    assert_eq!(
        app.on_key(key(KeyCode::Char('q'))),
        shiftops::tui::app::Effect::Quit
    );
}

#[test]
fn a_thousand_tenants_render() {
    let app = app(Scenario::CopyError, 1000);
    let screen = render(&app, 200, 60);
    assert!(screen.contains("Tenants (1000)"), "{screen}");
}

/// Every screen as drawn: each view, a tenant, a runbook, the help, the action menu and its
/// dialog; a row selected in each.
fn every_screen(mut app: App, mut look: impl FnMut(&str, &App)) {
    for view in View::TABS {
        app.dispatch(Action::Show(view));
        app.dispatch(Action::Down);
        look(&format!("{view:?}"), &app);
    }
    app.dispatch(Action::ShowTenant("tenant_b".into()));
    look("tenant", &app);
    app.dispatch(Action::Show(View::Overview));
    app.dispatch(Action::OpenRunbook);
    app.dispatch(Action::Down);
    look("runbook", &app);
    app.dispatch(Action::Help);
    look("help", &app);
    app.dispatch(Action::Back);
    app.dispatch(Action::Show(View::Overview));
    app.dispatch(Action::ActionMenu);
    look("action menu", &app);
    app.on_key(key(KeyCode::Enter));
    look("action dialog", &app);
}

/// Every glyph on every screen, in every shipped theme, is drawn at the contrast its theme
/// promises (docs/themes.md): what the views really draw, selection and gauges included.
#[test]
fn every_shipped_theme_draws_every_glyph_readably() {
    use shiftops::tui::theme::contrast;
    let mut failures = std::collections::BTreeSet::new();
    for name in theme::SHIPPED {
        let mut app = app(Scenario::StorageHigh, 3);
        app.settings.theme = theme::load(name).unwrap();
        let terminal = contrast::Terminal::for_theme(&app.settings.theme);
        let required = contrast::required(&app.settings.theme);
        every_screen(app, |screen, app| {
            let buffer = render_buffer(app, 120, 40);
            for cell in buffer.content() {
                let glyph = cell.symbol();
                // Blank cells and the gauge's block elements are not text.
                let graphic = glyph
                    .chars()
                    .all(|c| c.is_whitespace() || ('\u{2580}'..='\u{259F}').contains(&c));
                if graphic {
                    continue;
                }
                let (fg, bg) = contrast::shown(cell.style(), terminal);
                let ratio = contrast::ratio(fg, bg);
                if ratio < required {
                    failures.insert(format!(
                        "{name} · {screen}: {glyph:?} {fg:?} on {bg:?} is {ratio:.2}:1, needs {required}:1"
                    ));
                }
            }
        });
    }
    let failures: Vec<String> = failures.into_iter().collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn config_theme_and_keymap_are_used() {
    let config =
        Config::parse("config.toml", "[ui]\ntheme = \"light\"\nkeymap = \"vim\"\n").unwrap();
    let settings = Settings::load(&config, None, None, shiftops::i18n::Lang::En).unwrap();
    assert_eq!(settings.theme.name, "light");
    assert_eq!(
        settings.keymap.action_for(&key(KeyCode::Char('j'))),
        Some(Action::Down)
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn drawing_at_any_size_never_panics(
        width in 1u16..=240,
        height in 1u16..=90,
        view in 0usize..8,
        mode in 0usize..4,
        selected in 0usize..50,
    ) {
        let mut app = app(Scenario::CopyError, 40);
        let views = [View::Overview, View::Alarms, View::Wlm, View::Storage, View::LoadErrors, View::Elt, View::Logs, View::Tenant];
        if views[view] == View::Tenant {
            app.dispatch(Action::ShowTenant("tenant_b".into()));
        } else {
            app.dispatch(Action::Show(views[view]));
        }
        for _ in 0..selected {
            app.dispatch(Action::Down);
        }
        match mode {
            1 => { app.dispatch(Action::Help); }
            2 => { app.dispatch(Action::CommandMode); type_text(&mut app, "tenant t"); }
            3 => { app.dispatch(Action::FilterMode); type_text(&mut app, "日本語テナント"); }
            _ => {}
        }
        render(&app, width, height);
    }
}

/// A rendered line's cells: TestBackend quotes each line and lists the cells hidden behind
/// double-width characters after it.
fn content(line: &str) -> &str {
    let line = line.strip_prefix('"').unwrap_or(line);
    match line.find("\" Hidden by multi-width symbols") {
        Some(end) => &line[..end],
        None => line.strip_suffix('"').unwrap_or(line),
    }
}

/// The same fleet with one tenant renamed everywhere it appears.
fn rename_tenant(app: App, from: &str, to: &str, lang: Lang) -> App {
    let mut snapshot = app.snapshot.clone();
    let rename = |name: &mut String| {
        if name == from {
            *name = to.to_string();
        }
    };
    for tenant in &mut snapshot.tenants {
        rename(&mut tenant.name);
    }
    for task in &mut snapshot.rds.exports {
        rename(&mut task.tenant);
    }
    for integration in &mut snapshot.rds.integrations {
        rename(&mut integration.tenant);
    }
    for cluster in &mut snapshot.clusters {
        rename(&mut cluster.tenant);
    }
    for error in &mut snapshot.warehouse.load_errors {
        rename(&mut error.tenant);
    }
    for load in &mut snapshot.warehouse.loads {
        rename(&mut load.tenant);
    }
    for replication in &mut snapshot.warehouse.replication {
        if let Some(name) = &mut replication.tenant {
            rename(name);
        }
    }
    for alarm in &mut snapshot.alarms {
        if let Some(name) = &mut alarm.tenant {
            rename(name);
        }
    }
    for run in &mut snapshot.elt_runs {
        if let Some(name) = &mut run.failed_tenant {
            rename(name);
        }
    }
    App::new(app.title.clone(), settings_in(lang), snapshot, start())
}

#[test]
fn help_wraps_to_the_screen_and_scrolls_at_80x24_in_both_languages() {
    for lang in [Lang::En, Lang::Ja] {
        let mut app = rename_tenant(app(Scenario::CopyError, 3), "unused", "unused", lang);
        app.dispatch(Action::Help);
        let top = render_and_fit(&mut app, 80, 24);
        insta::assert_snapshot!(format!("help_80x24_{lang}"), top);
        // Every description is there in full, wrapped under itself (80 wide, tall enough for
        // the last key).
        let tall = render(&app, 80, 40);
        let (_, _, english) = Action::BINDABLE
            .iter()
            .find(|(name, ..)| *name == "copy")
            .unwrap();
        let copy = Action::help_in("copy", english, lang);
        let joined: String = tall
            .lines()
            .map(|line| content(line).trim_matches('│').trim())
            .collect::<Vec<_>>()
            .join(" ");
        let squeeze = |text: &str| {
            text.chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
        };
        assert!(squeeze(&joined).contains(&squeeze(copy)), "{copy}:\n{tall}");

        app.on_key(key(KeyCode::End));
        let bottom = render_and_fit(&mut app, 80, 24);
        let statuses = lang.pick("Statuses:", "状態:");
        assert!(bottom.contains(statuses), "{bottom}");
        assert!(!top.contains(statuses), "{top}");
        insta::assert_snapshot!(format!("help_80x24_{lang}_end"), bottom);
        // Up from the bottom moves one line up at once, not back from past the end.
        app.on_key(key(KeyCode::Char('k')));
        let up = render_and_fit(&mut app, 80, 24);
        assert_ne!(up, bottom);
        app.on_key(key(KeyCode::PageUp));
        app.on_key(key(KeyCode::PageUp));
        app.on_key(key(KeyCode::PageUp));
        assert_eq!(render_and_fit(&mut app, 80, 24), top);
    }
}

/// The console in `lang` over `scenario`'s fleet, titled as `shiftops demo` titles it.
fn app_in(scenario: Scenario, tenants: usize, lang: Lang) -> App {
    let SimDemo { snapshot, .. } = sim_demo(scenario, tenants);
    App::new(
        format!(
            "demo:{} · {tenants} {}",
            scenario.name(),
            lang.pick("tenants", "テナント")
        ),
        settings_in(lang),
        snapshot,
        start(),
    )
}

/// In Japanese, no screen shows an English word of the console's own: every label, column
/// header, unit and caption is translated. What stays as it is: AWS's names and states
/// (ALARM, COPY, failed), SQL, metric, alarm, tenant and queue names, ids, keys and the
/// keymap's action names in the help.
#[test]
fn every_screen_in_japanese_has_no_english_label() {
    let mut found = std::collections::BTreeSet::new();
    for scenario in [
        Scenario::CopyError,
        Scenario::WlmSaturation,
        Scenario::StorageHigh,
        Scenario::IntegrationNeedsAttention,
        Scenario::EltDelay,
    ] {
        every_screen(app_in(scenario, 3, Lang::Ja), |screen, app| {
            for line in render(app, 120, 40).lines() {
                for label in support::demo::english_labels_in(content(line)) {
                    found.insert(format!(
                        "{scenario:?} · {screen}: {label:?} in {}",
                        content(line).trim()
                    ));
                }
            }
        });
    }
    let found: Vec<String> = found.into_iter().collect();
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_english_label_check_finds_english_labels() {
    // The same screens in English hold many: the list names real labels.
    let mut labels = std::collections::BTreeSet::new();
    every_screen(app_in(Scenario::WlmSaturation, 3, Lang::En), |_, app| {
        for line in render(app, 120, 40).lines() {
            labels.extend(support::demo::english_labels_in(content(line)));
        }
    });
    assert!(labels.len() >= 15, "{labels:?}");
}

#[test]
fn japanese_overview_help_and_findings() {
    let app = rename_tenant(app(Scenario::CopyError, 3), "tenant_x", "unused", Lang::Ja);
    let screen = render(&app, 120, 40);
    assert!(screen.contains("1 概要"), "{screen}");
    assert!(screen.contains("ELT 実行 daily-elt"), "{screen}");
    insta::assert_snapshot!(screen);
    let mut app = app;
    app.on_key(key(KeyCode::Char('?')));
    let help = render(&app, 120, 40);
    assert!(help.contains("すべてのソースを今すぐ更新"), "{help}");
    insta::assert_snapshot!("japanese_help", help);
}

#[test]
fn japanese_tenant_names_keep_columns_aligned() {
    let app = rename_tenant(
        app(Scenario::CopyError, 3),
        "tenant_b",
        "東京テナント第二倉庫",
        Lang::Ja,
    );
    let screen = render(&app, 120, 40);
    // Every line of the screen is exactly as wide as the terminal: double-width names are cut
    // and padded by display width, never by characters.
    for line in screen.lines() {
        assert_eq!(shiftops::i18n::width(content(line)), 120, "{line}");
    }
    assert!(screen.contains("東京テナント"), "{screen}");
    insta::assert_snapshot!(screen);
    let mut app = app;
    app.dispatch(Action::ShowTenant("東京テナント第二倉庫".into()));
    let detail = render(&app, 120, 40);
    assert!(detail.contains("東京テナント第二倉庫"), "{detail}");
    for line in detail.lines() {
        assert_eq!(shiftops::i18n::width(content(line)), 120, "{line}");
    }
    insta::assert_snapshot!("japanese_tenant_detail", detail);
}

/// The copy-error walkthrough of the broken tenant at 80×24, in each language: what the console
/// knows is filled in, and a command too wide for the panel is cut with `…`, never wrapped,
/// while `y` copies all of it.
#[test]
fn a_runbook_step_fills_in_what_the_console_knows_at_80x24() {
    for (lang, name) in [(Lang::En, "en"), (Lang::Ja, "ja")] {
        let mut app = rename_tenant(app(Scenario::CopyError, 3), "unused", "unused", lang);
        assert_eq!(app.rows.tenants[0].summary.name, "tenant_b");
        // `:runbook ID` on the tenant's row: the walkthrough is about that tenant.
        app.on_key(key(KeyCode::Char(':')));
        type_text(&mut app, "runbook copy-error");
        app.on_key(key(KeyCode::Enter));
        assert_eq!(app.view, View::Runbook);
        let walkthrough = app.recovery().walkthrough().unwrap();
        assert_eq!(walkthrough.runbook, "copy-error");
        assert_eq!(walkthrough.tenant.as_deref(), Some("tenant_b"));
        let file = app.snapshot.warehouse.load_errors[0].file.clone();
        assert!(file.starts_with("s3://"), "{file}");
        // Step 5: fix or replace the source file in S3.
        for _ in 0..4 {
            app.on_key(key(KeyCode::Down));
        }
        let effect = app.on_key(key(KeyCode::Char('y')));
        assert_eq!(
            effect,
            Effect::Copy(format!("aws s3 cp {file} ./rejected-file"))
        );
        let screen = render(&app, 80, 24);
        assert!(screen.contains("  ✓ aws s3 cp s3://"), "{screen}");
        assert!(screen.contains('…'), "{screen}");
        assert!(!screen.contains("<file>"), "{screen}");
        assert!(!screen.contains("{file}"), "{screen}");
        for line in screen.lines() {
            assert_eq!(shiftops::i18n::width(content(line)), 80, "{line}");
        }
        insta::assert_snapshot!(format!("runbook_filled_80x24_{name}"), screen);
    }
}

/// A tenant action from a fleet-wide alarm asks which tenant, worst first, in Japanese too.
#[test]
fn a_tenant_action_of_a_fleet_wide_runbook_asks_which_tenant() {
    let mut app = rename_tenant(app(Scenario::StorageHigh, 3), "unused", "unused", Lang::Ja);
    app.dispatch(Action::Show(View::Alarms));
    while app.selected_alarm().as_deref() != Some("Alert-Storage-High") {
        app.on_key(key(KeyCode::Down));
    }
    app.on_key(key(KeyCode::Char('r')));
    let walkthrough = app.recovery().walkthrough().unwrap();
    assert_eq!(walkthrough.runbook, "storage-pressure");
    assert_eq!(walkthrough.tenant, None);
    let runbook = app
        .recovery()
        .current_runbook(&app.settings.runbooks)
        .unwrap()
        .clone();
    let vacuum = runbook
        .steps
        .iter()
        .position(|s| {
            s.kind == shiftops::tui::runbook::StepKind::Action(shiftops::action::ActionKind::Vacuum)
        })
        .unwrap();
    for _ in 0..vacuum {
        app.on_key(key(KeyCode::Down));
    }
    let screen = render(&app, 80, 24);
    // The step's panel (right of the list), its lines joined: the hint may wrap mid-phrase.
    let step_panel: String = screen
        .lines()
        .filter_map(|line| content(line).split_once("││"))
        .map(|(_, right)| right.trim_end_matches('│').trim())
        .collect();
    assert!(step_panel.contains("先にテナントを選ぶ"), "{screen}");
    assert_eq!(app.on_key(key(KeyCode::Enter)), Effect::None);
    assert_eq!(app.mode, Mode::Choose);
    let screen = render(&app, 80, 24);
    assert!(screen.contains("どのテナント?"), "{screen}");
    insta::assert_snapshot!("tenant_chooser_80x24_ja", screen);
    app.on_key(key(KeyCode::Esc));
    assert_eq!(app.mode, Mode::Normal);
}

/// Below 80×24 the console says so, in the console's language, with the fleet's status, rather
/// than panels cut to pieces; at 80×24 the views are drawn.
#[test]
fn below_the_minimum_size_the_console_says_what_it_needs() {
    for (lang, words) in [
        (Lang::En, "terminal too small: need 80×24, have"),
        (Lang::Ja, "端末が小さすぎます: 80×24 以上が必要です"),
    ] {
        let mut app = app(Scenario::CopyError, 3);
        app.settings = settings_in(lang);
        for (width, height) in [(40, 12), (79, 24), (80, 23)] {
            let screen = render(&app, width, height);
            // Wrapped to the width: compared without the spaces lines end with.
            let flat: String = screen
                .lines()
                .map(content)
                .collect::<String>()
                .replace(' ', "");
            assert!(
                flat.contains(&words.replace(' ', "")),
                "{width}×{height}: {screen}"
            );
            assert!(
                flat.contains(&format!("{width}×{height}")),
                "{width}×{height}: {screen}"
            );
            assert!(flat.contains("✗"), "the fleet's status stays: {screen}");
        }
        let screen = render(&app, 80, 24);
        assert!(!screen.contains(words), "{screen}");
    }
    insta::assert_snapshot!(
        "too_small_40x12",
        render(&app(Scenario::CopyError, 3), 40, 12)
    );
}

/// `/` finds what the rows show: a status word of any column, a check id, a runbook's id.
#[test]
fn a_filter_matches_every_column_shown_status_words_and_check_ids() {
    let mut app = app(Scenario::CopyError, 24);
    let filter = |app: &mut App, text: &str| {
        app.on_key(key(KeyCode::Char('/')));
        type_text(app, text);
        app.on_key(key(KeyCode::Enter));
        app.rows.len(app.view)
    };
    // Every tenant's LAST ELT reads "✗ failed": every tenant, and the ELT finding.
    let findings = app.health.findings.len();
    let shown = filter(&mut app, "failed");
    assert!(shown > 24, "{shown} of {findings} findings + 24 tenants");
    assert!(
        render(&app, 120, 40).contains("/failed"),
        "the title names the filter"
    );
    app.on_key(key(KeyCode::Esc));
    // A finding's runbook, shown after its arrow.
    assert!(filter(&mut app, "copy-error") >= 1);
    app.on_key(key(KeyCode::Esc));
    // A check id, shown in the tenant view's CHECK column.
    app.dispatch(Action::ShowTenant("tenant_b".into()));
    let all = app.rows.len(View::Tenant);
    assert_eq!(filter(&mut app, "copy_errors"), 1, "of {all}");
    let screen = render(&app, 120, 40);
    assert!(screen.contains("/copy_errors"), "{screen}");
    // Status words as shown, in Japanese too.
    let SimDemo { snapshot, .. } = sim_demo(Scenario::CopyError, 3);
    let mut app = App::new("demo".into(), settings_in(Lang::Ja), snapshot, start());
    let total = app.rows.total(View::Overview);
    assert_eq!(filter(&mut app, "重大"), total);
}

/// A runbook step that opens a view with its filter is left with one Esc, back to the step.
#[test]
fn one_esc_leaves_a_step_s_filtered_view_back_to_the_walkthrough() {
    let mut app = app(Scenario::CopyError, 3);
    app.run_command("runbook copy-error");
    assert_eq!(app.view, View::Runbook);
    app.on_key(key(KeyCode::Enter));
    assert_eq!(app.view, View::Alarms);
    assert_eq!(
        app.filters.get(&View::Alarms).map(String::as_str),
        Some("copy")
    );
    assert!(
        render(&app, 120, 40).contains("/copy"),
        "the title shows the step's filter"
    );
    app.on_key(key(KeyCode::Esc));
    assert_eq!(app.view, View::Runbook, "one Esc");
    assert!(!app.filters.contains_key(&View::Alarms));
    // A filter the user typed is cleared by the first Esc, as before.
    app.dispatch(Action::Show(View::Alarms));
    app.on_key(key(KeyCode::Char('/')));
    type_text(&mut app, "ELT");
    app.on_key(key(KeyCode::Enter));
    app.on_key(key(KeyCode::Esc));
    assert_eq!(app.view, View::Alarms);
    assert!(!app.filters.contains_key(&View::Alarms));
}

/// The healthy fleet's first refresh as the live console can meet it: tenant_b's account refused
/// the role, the warehouse's load-errors statement failed and DescribeAlarms was throttled, each
/// before it was ever read. What could not be read is `?`, never `0` or "none".
fn unreadable_app(lang: Lang) -> App {
    use shiftops::model::{SourceData, SourceId, TenantFailure, WarehouseView};
    let SimDemo { fleet, runtime, .. } = sim_demo(Scenario::Healthy, 3);
    let mut snapshot = fleet.empty_snapshot();
    for mut fetched in runtime.block_on(shiftops::source::refresh::fetch_all(&fleet, 1)) {
        match &mut fetched.result {
            Ok(SourceData::Rds(rds)) => {
                let other = |tenant: &String| tenant != "tenant_b";
                rds.integrations.retain(|i| other(&i.tenant));
                rds.exports.retain(|e| other(&e.tenant));
                rds.snapshots.retain(|s| other(&s.tenant));
                rds.failures.push(TenantFailure {
                    tenant: "tenant_b".into(),
                    error: "account 222222222222: AccessDenied: not authorized to perform \
                            sts:AssumeRole"
                        .into(),
                });
            }
            Ok(SourceData::Aurora(clusters)) => {
                clusters.clusters.retain(|c| c.tenant != "tenant_b");
            }
            Ok(SourceData::Warehouse(warehouse)) => {
                warehouse.load_errors.clear();
                warehouse.failed_views.push((
                    WarehouseView::LoadErrors,
                    "ERROR: permission denied for relation sys_load_error_detail".into(),
                ));
            }
            _ if fetched.id == SourceId::Alarms => {
                fetched.result = Err("ThrottlingException: Rate exceeded".into());
            }
            _ => {}
        }
        snapshot.accept(fetched);
    }
    App::new(
        "demo:healthy · 3 tenants".into(),
        settings_in(lang),
        snapshot,
        start(),
    )
}

#[test]
fn what_could_not_be_read_is_a_question_mark_with_its_error_one_key_away() {
    for (lang, name) in [(Lang::En, "en"), (Lang::Ja, "ja")] {
        let mut app = unreadable_app(lang);
        let overview = render(&app, 120, 40);
        let row = overview
            .lines()
            .find(|l| l.contains("tenant_b"))
            .unwrap_or_else(|| panic!("{overview}"));
        // EXPORT / COPY and ERR 24H of the unreadable tenant.
        assert_eq!(row.matches(" ? ").count(), 2, "{row}");
        assert!(!row.contains(" 0 "), "{row}");
        insta::assert_snapshot!(format!("unreadable_overview_{name}"), overview);

        app.dispatch(Action::ShowTenant("tenant_b".into()));
        let detail = render(&app, 120, 40);
        assert!(detail.contains("? rds: account 222222222222"), "{detail}");
        assert!(
            detail.contains("? warehouse load errors: ERROR"),
            "{detail}"
        );
        insta::assert_snapshot!(format!("unreadable_tenant_{name}"), detail);

        app.dispatch(Action::Show(View::Alarms));
        let alarms = render(&app, 120, 40);
        let title = lang.pick("Alarms (?)", "アラーム(? 件)");
        assert!(alarms.contains(title), "{alarms}");
        assert!(alarms.contains("? alarms: ThrottlingException"), "{alarms}");
    }
}

/// Every sparkline says the span it covers and its top, the storage its size in GB and its
/// trend over the week, and a running ELT run the state it is in and for how long: in English
/// and in Japanese.
#[test]
fn charts_and_the_running_elt_say_what_they_show_in_both_languages() {
    let healthy = app(Scenario::Healthy, 3);
    let running = healthy
        .snapshot
        .latest_elt_run()
        .expect("a run is in progress on the first frame")
        .clone();
    assert_eq!(running.status, shiftops::model::EltStatus::Running);
    let step = running.current_step.clone().expect("it is in a state");
    for (lang, name) in [(Lang::En, "en"), (Lang::Ja, "ja")] {
        let mut app = App::new(
            healthy.title.clone(),
            settings_in(lang),
            healthy.snapshot.clone(),
            start(),
        );
        let say = |en: &str, ja: &str| lang.pick(en, ja).to_string();

        app.dispatch(Action::Show(View::Wlm));
        let wlm = render(&app, 120, 40);
        assert!(
            wlm.contains(&say("last 60 min · max ", "直近 60 分 · 最大 ")),
            "{wlm}"
        );
        insta::assert_snapshot!(format!("labelled_wlm_{name}"), wlm);

        app.dispatch(Action::Show(View::Storage));
        let storage = render(&app, 120, 40);
        for text in [
            say("last 7 d · min ", "直近 7 日 · 最小 "),
            say("pt in 7 d", "7 日で +"),
            say("tables ", "テーブル "),
            " GB".into(),
        ] {
            assert!(storage.contains(&text), "{text} in\n{storage}");
        }
        insta::assert_snapshot!(format!("labelled_storage_{name}"), storage);

        app.dispatch(Action::Show(View::Elt));
        let elt = render(&app, 120, 40);
        assert!(
            elt.contains(&say("now in", "現在のステップ")) && elt.contains(&step.name),
            "{elt}"
        );
        insta::assert_snapshot!(format!("labelled_elt_{name}"), elt);

        app.dispatch(Action::Show(View::Overview));
        let overview = render(&app, 120, 40);
        assert!(
            overview.contains(&format!("running · {}", step.name)),
            "{overview}"
        );
        assert!(overview.contains(" GB"), "{overview}");
    }
}

/// Findings that count time (how late the ELT's data is, since when) move on with the clock
/// alone, once a minute; a fetch that brings the same data re-derives nothing.
#[test]
fn time_alone_re_derives_the_findings_once_a_minute() {
    use chrono::Duration;
    use shiftops::health::evaluate;
    use shiftops::source::refresh::{SourceEvent, fetch_all};
    let SimDemo {
        fleet,
        snapshot,
        runtime,
        ..
    } = sim_demo(Scenario::EltDelay, 3);
    let mut app = App::new("demo".into(), settings(), snapshot, start());
    let at = |seconds: i64| start() + Duration::seconds(seconds);
    let health_at = |app: &App, now| evaluate(&app.snapshot, &app.settings.thresholds, now);
    assert_ne!(
        health_at(&app, at(120)),
        app.health,
        "the ELT delay's start moves with time"
    );

    app.tick(at(120));
    assert_eq!(app.health, health_at(&app, at(120)));
    // Within the minute, neither the clock nor the same data again re-derives anything.
    let again = runtime.block_on(fetch_all(&fleet, 2));
    app.advance(
        at(150),
        again
            .into_iter()
            .map(|fetched| SourceEvent::Finished(Box::new(fetched))),
    );
    assert_eq!(app.health, health_at(&app, at(120)));
    assert_ne!(app.health, health_at(&app, at(150)));
    app.tick(at(180));
    assert_eq!(app.health, health_at(&app, at(180)));
}
