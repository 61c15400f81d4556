//! COPY load errors of the last 24 hours, newest first: where the bad row is and why.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Cell;

use super::widgets::{
    Column, ScrollTable, block, draw_unread, draw_wrapped, field, hhmm, list_title_of, text_field,
};
use crate::model::Reading;
use crate::tui::action::View;
use crate::tui::app::App;
use crate::tui::theme::Role;

pub fn draw(frame: &mut Frame, app: &App, area: Rect) -> usize {
    let theme = &app.settings.theme;
    let detail_height = if area.height >= 18 { 7 } else { 0 };
    let [list_area, detail_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(detail_height)]).areas(area);
    let visible = app.rows.visible(View::LoadErrors);
    let h = app.settings.lang.pick_array(
        &[
            "TIME", "TENANT", "TABLE", "FILE", "LINE", "COLUMN", "REASON",
        ],
        &[
            "時刻",
            "テナント",
            "テーブル",
            "ファイル",
            "行",
            "列",
            "理由",
        ],
    );
    // The file as long as the longest shown (its end names the object), up to 80 columns.
    let file_width = visible
        .iter()
        .map(|&i| crate::i18n::width(&app.snapshot.warehouse.load_errors[i].file))
        .max()
        .unwrap_or(0)
        .clamp(16, 80) as u16;
    // Tenant, table and reason say what to fix; the file and its line are in the panel below.
    let columns = [
        Column::optional(h[0], 11, 11, 2),
        Column::key(h[1], 12),
        Column::key(h[2], 14),
        Column::optional(h[3], file_width, 16, 4),
        Column::optional(h[4], 6, 5, 3),
        Column::optional(h[5], 12, 8, 1),
        Column::fill(h[6], 20),
    ];
    let file_shown = super::widgets::fit_columns(&columns, list_area.width.saturating_sub(2))[3]
        .map_or(0, usize::from);
    let table = ScrollTable {
        columns: &columns,
        selected: Some(app.selected(View::LoadErrors)),
        len: visible.len(),
        lang: app.settings.lang,
    };
    let unread = crate::tui::rows::unread(&app.snapshot, View::LoadErrors);
    let title = list_title_of(
        app.settings.lang,
        app.settings
            .lang
            .pick("Load errors, last 24 h", "ロードエラー(直近 24 時間)"),
        visible.len(),
        Reading::of(app.rows.total(View::LoadErrors), unread.clone()),
        app.filters.get(&View::LoadErrors),
    );
    let page = table.render(frame, list_area, theme, block(theme, title), |i| {
        let error = &app.snapshot.warehouse.load_errors[visible[i]];
        vec![
            Cell::from(hhmm(error.time)),
            Cell::from(error.tenant.as_str()),
            Cell::from(crate::text::sanitize_line(&error.table)),
            Cell::from(tail(&crate::text::sanitize_line(&error.file), file_shown)),
            Cell::from(error.line.to_string()),
            Cell::from(crate::text::sanitize_line(&error.column)),
            Cell::from(crate::text::sanitize_line(&error.reason)),
        ]
    });
    draw_unread(frame, list_area, theme, unread.as_ref());
    if detail_height > 0 {
        let selected = visible
            .get(app.selected(View::LoadErrors))
            .map(|&i| &app.snapshot.warehouse.load_errors[i]);
        let width = detail_area.width.saturating_sub(2);
        let lines: Vec<Line> = match selected {
            Some(e) => vec![
                field(
                    theme,
                    app.settings.lang.pick("file", "ファイル"),
                    crate::text::sanitize_line(&e.file),
                ),
                field(
                    theme,
                    app.settings.lang.pick("where", "場所"),
                    match app.settings.lang {
                        crate::i18n::Lang::En => format!(
                            "{}.{} line {}, column {}",
                            e.tenant,
                            crate::text::sanitize_line(&e.table),
                            e.line,
                            crate::text::sanitize_line(&e.column)
                        ),
                        crate::i18n::Lang::Ja => format!(
                            "{}.{} の {} 行目、列 {}",
                            e.tenant,
                            crate::text::sanitize_line(&e.table),
                            e.line,
                            crate::text::sanitize_line(&e.column)
                        ),
                    },
                ),
                field(
                    theme,
                    app.settings.lang.pick("time", "時刻"),
                    e.time.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                ),
            ]
            .into_iter()
            .chain(text_field(
                app.settings.lang.pick("reason", "理由"),
                &e.reason,
                width,
                theme,
                theme.style(Role::Text),
            ))
            .collect(),
            None => vec![],
        };
        draw_wrapped(
            frame,
            detail_area,
            block(
                theme,
                app.settings
                    .lang
                    .pick("Selected error", "選択中のエラー")
                    .into(),
            ),
            lines,
        );
    }
    page
}

/// The end of a long path, where the file name is: `…/orders/part-0003.parquet`.
fn tail(path: &str, width: usize) -> String {
    let count = path.chars().count();
    if count <= width {
        return path.to_string();
    }
    // A hidden column (width 0) shows nothing.
    if width == 0 {
        return String::new();
    }
    let keep: String = path.chars().skip(count - (width - 1)).collect();
    format!("…{keep}")
}
