//! Every view at the smallest size it is laid out for (80×24), a common one (120×40) and a large
//! one (200×60), in English and Japanese: each keeps all of its panels and its key facts, and is
//! compared with an insta snapshot.

mod support;

use support::demo::{SimDemo, render, sim_demo, start};

use shiftops::i18n::Lang;
use shiftops::source::sim::Scenario;
use shiftops::tui::Settings;
use shiftops::tui::action::{Action, View};
use shiftops::tui::app::App;

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 60)];

/// The screens of the console: each tab, the tenant view and a runbook.
const SCREENS: [&str; 9] = [
    "overview",
    "alarms",
    "wlm",
    "storage",
    "loaderrors",
    "elt",
    "logs",
    "tenant",
    "runbook",
];

fn app(lang: Lang) -> App {
    let SimDemo { snapshot, .. } = sim_demo(Scenario::CopyError, 24);
    App::new(
        "demo:copy-error · 24 tenants".into(),
        Settings::shipped(lang),
        snapshot,
        start(),
    )
}

fn show(app: &mut App, screen: &str) {
    match screen {
        "tenant" => app.dispatch(Action::ShowTenant("tenant_b".into())),
        "runbook" => app.run_command("runbook copy-error"),
        view => {
            let view = View::TABS
                .into_iter()
                .find(|v| v.command() == view)
                .expect("a tab");
            app.dispatch(Action::Show(view))
        }
    };
}

/// The panels each screen keeps at every size, by their English titles.
fn panels(screen: &str) -> &'static [&'static str] {
    match screen {
        "overview" => &["Findings", "Tenants", "WLM", "Storage", "Alarms"],
        "alarms" => &["Alarms (", "Selected alarm"],
        "wlm" => &["batch", "adhoc", "admin", "Fleet", "Running queries"],
        "storage" => &["Storage used", "Largest tables"],
        "loaderrors" => &["Load errors", "Selected error"],
        "elt" => &["ELT runs", "Selected run"],
        "logs" => &["Error log"],
        "tenant" => &[
            "Tenant tenant_b",
            "Ingest",
            "Findings",
            "Load errors",
            "Alarms",
        ],
        "runbook" => &["copy-error"],
        _ => unreachable!(),
    }
}

/// The facts each screen shows whole at every size (copy-error on 24 tenants).
fn key_facts(screen: &str) -> &'static [&'static str] {
    match screen {
        "overview" => &["tenant_b", "✗ CRIT", "failed", "Alert-COPY-Error"],
        "alarms" => &[
            "Alert-COPY-Error",
            "redshift-copy-failure",
            "Threshold Crossed",
        ],
        "wlm" => &["queued", "running"],
        "storage" => &["tenant_a.orders", "65.0 %"],
        "loaderrors" => &["tenant_b", "orders", "Invalid digit"],
        "elt" => &[
            "daily-elt-20261121-0558",
            "COPY tenant_b",
            "Redshift.LoadError",
        ],
        "logs" => &[],
        "tenant" => &["tenant_b", "✗ CRIT", "elt_failed", "copy_errors"],
        "runbook" => &[],
        _ => unreachable!(),
    }
}

fn content(screen: &str) -> String {
    // The backend quotes each line and notes wide characters after it; keep the cells only.
    screen
        .lines()
        .map(|line| {
            let line = line.trim_start_matches('"');
            line.split("\" Hidden by multi-width symbols")
                .next()
                .unwrap_or(line)
                .trim_end_matches('"')
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_view_keeps_its_panels_and_key_facts_at_80x24_120x40_and_200x60() {
    for lang in [Lang::En, Lang::Ja] {
        let mut app = app(lang);
        for screen in SCREENS {
            show(&mut app, screen);
            for (width, height) in SIZES {
                let text = render(&app, width, height);
                let cells = content(&text);
                let lines: Vec<&str> = cells.lines().collect();
                let name = format!("{screen} {width}×{height} {}", lang.code());
                assert_eq!(lines.len(), usize::from(height), "{name}");
                let status = match lang {
                    Lang::En => "✗ CRIT",
                    Lang::Ja => "✗ 重大",
                };
                assert!(lines[0].contains(status), "{name}: {}", lines[0]);
                // Every tab, at least by its number (the key that opens it).
                for (i, _) in View::TABS.iter().enumerate() {
                    assert!(
                        lines[0].contains(&format!(" {} ", i + 1))
                            || lines[0].contains(&format!(" {}", i + 1)),
                        "{name}: tab {} in {}",
                        i + 1,
                        lines[0]
                    );
                }
                if lang == Lang::En {
                    for panel in panels(screen) {
                        assert!(cells.contains(panel), "{name}: panel {panel}\n{cells}");
                    }
                    for fact in key_facts(screen) {
                        assert!(cells.contains(fact), "{name}: {fact}\n{cells}");
                    }
                }
                insta::assert_snapshot!(format!("{screen}_{width}x{height}_{}", lang.code()), text);
            }
        }
    }
}
