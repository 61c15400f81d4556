//! Step Functions executions of the daily ELT, newest first, with the step that failed and why.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Row};

use super::widgets::{
    ScrollTable, block, draw_wrapped, elt_status, field, hhmm, list_title, word_span, wrap_lines,
};
use crate::model::format_duration_secs;
use crate::tui::action::View;
use crate::tui::app::App;

pub fn draw(frame: &mut Frame, app: &App, area: Rect) -> usize {
    let theme = &app.settings.theme;
    let visible = app.rows.visible(View::Elt);
    let selected = visible
        .get(app.selected(View::Elt))
        .map(|&i| &app.snapshot.elt_runs[i]);
    let lines: Vec<Line> = match selected {
        Some(run) => vec![
            field(
                theme,
                app.settings.lang.pick("execution", "実行"),
                run.name.as_str(),
            ),
            field(theme, "ARN", run.execution_arn.as_str()),
            field(
                theme,
                app.settings.lang.pick("failed step", "失敗ステップ"),
                run.failed_step.as_deref().unwrap_or("—"),
            ),
            field(
                theme,
                app.settings.lang.pick("tenant", "テナント"),
                run.failed_tenant.as_deref().unwrap_or("—"),
            ),
            field(
                theme,
                app.settings.lang.pick("error", "エラー"),
                run.error.as_deref().unwrap_or("—"),
            ),
            field(
                theme,
                app.settings.lang.pick("cause", "原因"),
                run.cause.as_deref().unwrap_or("—"),
            ),
        ],
        None => vec![],
    };
    // The selected run's panel is as tall as its wrapped text (a dbt cause runs long), from 8
    // rows up to half the screen.
    let lines = wrap_lines(lines, usize::from(area.width.saturating_sub(2)));
    let detail_height = if area.height >= 19 {
        (lines.len() as u16 + 2).clamp(8, area.height / 2)
    } else {
        0
    };
    let [list_area, detail_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(detail_height)]).areas(area);
    // Execution names run to 80 characters and a rerun differs from its run only at the end
    // (`…-rerun-1`): the column takes the longest name, as far as the width allows.
    let longest = visible
        .iter()
        .map(|&i| crate::i18n::width(&app.snapshot.elt_runs[i].name))
        .max()
        .unwrap_or(0);
    let name_width = longest.clamp(24, usize::from(area.width.saturating_sub(40)).max(24)) as u16;
    let widths = [
        Constraint::Length(17),
        Constraint::Length(name_width),
        Constraint::Length(11),
        Constraint::Length(9),
        Constraint::Length(16),
        Constraint::Min(20),
    ];
    let table = ScrollTable {
        header: app.settings.lang.pick_array(
            &[
                "STATUS",
                "EXECUTION",
                "STARTED",
                "DURATION",
                "FAILED STEP",
                "ERROR",
            ],
            &["状態", "実行", "開始", "所要時間", "失敗ステップ", "エラー"],
        ),
        widths: &widths,
        selected: Some(app.selected(View::Elt)),
        len: visible.len(),
        lang: app.settings.lang,
    };
    let title = list_title(
        app.settings.lang,
        app.settings.lang.pick("ELT runs", "ELT 実行"),
        visible.len(),
        app.rows.total(View::Elt),
        app.filters.get(&View::Elt),
    );
    let page = table.render(frame, list_area, theme, block(theme, title), |i| {
        let run = &app.snapshot.elt_runs[visible[i]];
        let end = run.stopped_at.unwrap_or(app.now);
        Row::new(vec![
            Cell::from(word_span(
                theme,
                elt_status(&run.status),
                run.status.as_str(),
            )),
            Cell::from(run.name.as_str()),
            Cell::from(hhmm(run.started_at)),
            Cell::from(format_duration_secs(
                (end - run.started_at).num_seconds() as f64,
                app.settings.lang,
            )),
            Cell::from(run.failed_step.as_deref().unwrap_or("—")),
            Cell::from(run.error.as_deref().unwrap_or("—")),
        ])
    });
    if detail_height > 0 {
        draw_wrapped(
            frame,
            detail_area,
            block(
                theme,
                app.settings
                    .lang
                    .pick("Selected run", "選択中の実行")
                    .into(),
            ),
            lines,
        );
    }
    page
}
