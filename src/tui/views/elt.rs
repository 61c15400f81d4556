//! Step Functions executions of the daily ELT, newest first, with the step that failed and why.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row};

use super::widgets::{
    ScrollTable, block, cut_field, elt_status, field, fit_lines, hhmm, list_title, text_field,
    word_span,
};
use crate::model::{EltRun, console_url, format_duration_secs};
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
    // (`…-rerun-1`): the column takes the longest name, the other columns giving way first.
    let longest = visible
        .iter()
        .map(|&i| crate::i18n::width(&app.snapshot.elt_runs[i].name))
        .max()
        .unwrap_or(0);
    let columns = column_widths(
        list_area.width.saturating_sub(2),
        u16::try_from(longest).unwrap_or(u16::MAX),
    );
    let name_width = usize::from(columns[1]);
    let widths = columns.map(Constraint::Length);
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
            Cell::from(crate::i18n::middle(&run.name, name_width)),
            Cell::from(hhmm(run.started_at)),
            Cell::from(format_duration_secs(
                (end - run.started_at).num_seconds() as f64
            )),
            Cell::from(run.failed_step.as_deref().unwrap_or("—")),
            Cell::from(run.error.as_deref().unwrap_or("—")),
        ])
    });
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

/// The ELT table's columns (status, execution, started, duration, failed step, error) at `inner`
/// columns inside the border, for execution names up to `longest` columns. The execution takes
/// its longest name; the others give way first, down to what still reads (`✓ succeeded`,
/// `11-21 05:58`, `1h05m`), and the error takes what is left. Only when that is not enough is
/// the name cut (in the middle, where it is drawn).
fn column_widths(inner: u16, longest: u16) -> [u16; 6] {
    const GAPS: u16 = 5;
    // status, started, duration, failed step, error
    const LEAST: [u16; 5] = [11, 11, 6, 10, 8];
    const WANTED: [u16; 5] = [17, 11, 9, 16, 20];
    let least: u16 = LEAST.iter().sum();
    let name = longest.min(inner.saturating_sub(GAPS + least));
    let mut spare = inner.saturating_sub(GAPS + least + name);
    let mut others = LEAST;
    // The failed step says most after the name, then the status word, then the duration.
    for i in [3, 0, 2] {
        let grow = (WANTED[i] - LEAST[i]).min(spare);
        others[i] += grow;
        spare -= grow;
    }
    others[4] += spare;
    [others[0], name, others[1], others[2], others[3], others[4]]
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
    let mut head = vec![
        field(theme, lang.pick("execution", "実行"), run.name.clone()),
        field(theme, lang.pick("failed step", "失敗ステップ"), failed_step),
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
    head.extend(fit_lines(cause, room.max(1), lang, theme));
    head.extend(tail);
    head
}

#[cfg(test)]
mod tests {
    use super::column_widths;

    #[test]
    fn the_execution_column_takes_the_longest_name_and_the_others_give_way() {
        let sum = |w: [u16; 6]| w.iter().sum::<u16>() + 5;
        // Wide: every column as wanted, the error takes the rest.
        let wide = column_widths(118, 31);
        assert_eq!(wide, [17, 31, 11, 9, 16, 29]);
        assert_eq!(sum(wide), 118);
        // 80 columns: the others at their least, the name still whole up to 27 columns.
        let narrow = column_widths(78, 31);
        assert_eq!(narrow, [11, 27, 11, 6, 10, 8]);
        assert_eq!(sum(narrow), 78);
        // A name of 80 characters at 120 columns: whole, everything else at its least.
        let long = column_widths(118, 80);
        assert_eq!(long[1], 67);
        assert_eq!(sum(long), 118);
    }
}
