//! Step Functions executions of the daily ELT, newest first, with the step that failed and why.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph};

use super::widgets::{
    Column, ScrollTable, block, current_step_text, cut_field, draw_unread, elt_status, field,
    fit_columns, fit_lines, hhmm, list_title_of, text_field, word_span,
};
use crate::model::{EltRun, EltStatus, Reading, console_url, format_duration_secs};
use crate::tui::action::View;
use crate::tui::app::App;
use crate::tui::theme::Role;

pub fn draw(frame: &mut Frame, app: &App, area: Rect) -> usize {
    let theme = &app.settings.theme;
    let detail_height = detail_height(app, area);
    let [list_area, detail_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(detail_height)]).areas(area);
    let visible = app.rows.visible(View::Elt);
    // Execution names run to 80 characters and a rerun differs from its run only at the end
    // (`…-rerun-1`): the column takes the longest name, as far as the width allows.
    let longest = visible
        .iter()
        .map(|&i| crate::i18n::width(&app.snapshot.elt_runs[i].name))
        .max()
        .unwrap_or(0);
    let name_width = longest.clamp(10, 80) as u16;
    let h = app.settings.lang.pick_array(
        &[
            "STATUS",
            "EXECUTION",
            "STARTED",
            "DURATION",
            "FAILED STEP",
            "ERROR",
        ],
        &["状態", "実行", "開始", "所要時間", "失敗ステップ", "エラー"],
    );
    // The error is in full in the panel below, so it gives way before the name does.
    let columns = [
        Column::key(h[0], 9).grows_to(11),
        Column::key(h[1], name_width),
        Column::optional(h[2], 11, 11, 2),
        Column::optional(h[3], 9, 8, 1),
        Column::optional(h[4], 16, 12, 3),
        Column::fill(h[5], 12).hides(4),
    ];
    // Where even the name cannot be whole, it is cut in the middle: a rerun keeps its suffix.
    let name_shown = fit_columns(&columns, list_area.width.saturating_sub(2))[1]
        .map_or(usize::from(name_width), usize::from);
    let table = ScrollTable {
        columns: &columns,
        selected: Some(app.selected(View::Elt)),
        len: visible.len(),
        lang: app.settings.lang,
    };
    let unread = crate::tui::rows::unread(&app.snapshot, View::Elt);
    let title = list_title_of(
        app.settings.lang,
        app.settings.lang.pick("ELT runs", "ELT 実行"),
        visible.len(),
        Reading::of(app.rows.total(View::Elt), unread.clone()),
        app.filters.get(&View::Elt),
    );
    let page = table.render(frame, list_area, theme, block(theme, title), |i| {
        let run = &app.snapshot.elt_runs[visible[i]];
        let end = run.stopped_at.unwrap_or(app.now);
        vec![
            Cell::from(word_span(
                theme,
                elt_status(&run.status),
                run.status.as_str(),
            )),
            Cell::from(crate::i18n::middle(&run.name, name_shown)),
            Cell::from(hhmm(run.started_at)),
            Cell::from(format_duration_secs(
                (end - run.started_at).num_seconds() as f64,
                app.settings.lang,
            )),
            Cell::from(crate::text::sanitize_line(
                run.failed_step.as_deref().unwrap_or("—"),
            )),
            Cell::from(crate::text::sanitize_line(
                run.error.as_deref().unwrap_or("—"),
            )),
        ]
    });
    draw_unread(frame, list_area, theme, unread.as_ref());
    if detail_height > 0 {
        let selected = visible
            .get(app.selected(View::Elt))
            .map(|&i| &app.snapshot.elt_runs[i]);
        let inner_width = detail_area.width.saturating_sub(2);
        let lines = match selected {
            Some(run) => {
                selected_run_lines(app, run, inner_width, detail_area.height.saturating_sub(2))
            }
            None => vec![],
        };
        frame.render_widget(
            Paragraph::new(lines).block(block(
                theme,
                super::widgets::copy_title(
                    app,
                    app.settings.lang.pick("Selected run", "選択中の実行"),
                ),
            )),
            detail_area,
        );
    }
    page
}

/// The selected-run panel's height: what the selected run's text needs, at least 8 rows and at
/// most half the view; none below 19 rows, where the list needs the room.
fn detail_height(app: &App, area: Rect) -> u16 {
    if area.height < 19 {
        return 0;
    }
    let needed = app
        .rows
        .visible(View::Elt)
        .get(app.selected(View::Elt))
        .map(|&i| {
            let run = &app.snapshot.elt_runs[i];
            selected_run_lines(app, run, area.width.saturating_sub(2), u16::MAX).len()
        })
        .unwrap_or(0);
    (needed as u16)
        .saturating_add(2)
        .clamp(8, (area.height / 2).max(8))
}

/// The selected run: what failed and why first, the error and the cause each in their own lines,
/// then the ARN and its console URL on one row each (cut in the middle; the copy keys copy them
/// whole). When the cause does not fit, it is cut and says how many lines are hidden, so the ARN
/// and URL stay in view.
fn selected_run_lines(app: &App, run: &EltRun, width: u16, height: u16) -> Vec<Line<'static>> {
    let theme = &app.settings.theme;
    let lang = app.settings.lang;
    let text = theme.style(Role::Text);
    let mut failed_step = run.failed_step.clone().unwrap_or_else(|| "—".into());
    // `COPY tenant_b` names its tenant already; another step's tenant is said after it.
    if let Some(tenant) = run
        .failed_tenant
        .as_ref()
        .filter(|tenant| !failed_step.contains(tenant.as_str()))
    {
        failed_step = format!(
            "{failed_step} ({} {tenant})",
            lang.pick("tenant", "テナント")
        );
    }
    // A running run has no failed step; the state it is in now, and for how long, takes its line.
    let step_line = if run.status == EltStatus::Running {
        field(
            theme,
            lang.pick("now in", "現在のステップ"),
            run.current_step.as_ref().map_or("—".into(), |step| {
                current_step_text(app.settings.lang, app.now, step)
            }),
        )
    } else {
        field(
            theme,
            lang.pick("failed step", "失敗ステップ"),
            crate::text::sanitize_line(&failed_step),
        )
    };
    let mut head = vec![
        field(theme, lang.pick("execution", "実行"), run.name.clone()),
        step_line,
    ];
    head.extend(text_field(
        lang.pick("error", "エラー"),
        run.error.as_deref().unwrap_or("—"),
        width,
        theme,
        text,
    ));
    let cause = text_field(
        lang.pick("cause", "原因"),
        run.cause.as_deref().unwrap_or("—"),
        width,
        theme,
        text,
    );
    let mut tail = vec![cut_field("ARN", &run.execution_arn, width, theme)];
    if let Some(url) = console_url(&run.execution_arn) {
        tail.push(cut_field(
            lang.pick("console", "コンソール"),
            &url,
            width,
            theme,
        ));
    }
    let room = usize::from(height).saturating_sub(head.len() + tail.len());
    let read_all = app
        .settings
        .keymap
        .keys_for(&crate::tui::action::Action::Select)
        .first()
        .map(|key| key.to_string());
    head.extend(fit_lines(
        cause,
        room.max(1),
        lang,
        theme,
        read_all.as_deref(),
    ));
    head.extend(tail);
    head
}
