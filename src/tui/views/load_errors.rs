//! COPY load errors of the last 24 hours, newest first: where the bad row is and why.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Row};

use super::widgets::{ScrollTable, block, draw_wrapped, field, hhmm, list_title};
use crate::tui::action::View;
use crate::tui::app::App;

pub fn draw(frame: &mut Frame, app: &App, area: Rect) -> usize {
    let theme = &app.settings.theme;
    let detail_height = if area.height >= 18 { 7 } else { 0 };
    let [list_area, detail_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(detail_height)]).areas(area);
    let visible = app.rows.visible(View::LoadErrors);
    let widths = [
        Constraint::Length(11),
        Constraint::Length(12),
        Constraint::Length(14),
        Constraint::Length(34),
        Constraint::Length(6),
        Constraint::Length(12),
        Constraint::Min(20),
    ];
    let table = ScrollTable {
        header: app.settings.lang.pick_array(
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
        ),
        widths: &widths,
        selected: Some(app.selected(View::LoadErrors)),
        len: visible.len(),
        lang: app.settings.lang,
    };
    let title = list_title(
        app.settings.lang,
        app.settings
            .lang
            .pick("Load errors, last 24 h", "ロードエラー(直近 24 時間)"),
        visible.len(),
        app.rows.total(View::LoadErrors),
        app.filters.get(&View::LoadErrors),
    );
    let page = table.render(frame, list_area, theme, block(theme, title), |i| {
        let error = &app.snapshot.warehouse.load_errors[visible[i]];
        Row::new(vec![
            Cell::from(hhmm(error.time)),
            Cell::from(error.tenant.as_str()),
            Cell::from(error.table.as_str()),
            Cell::from(tail(&error.file, 34)),
            Cell::from(error.line.to_string()),
            Cell::from(error.column.as_str()),
            Cell::from(error.reason.as_str()),
        ])
    });
    if detail_height > 0 {
        let selected = visible
            .get(app.selected(View::LoadErrors))
            .map(|&i| &app.snapshot.warehouse.load_errors[i]);
        let lines: Vec<Line> = match selected {
            Some(e) => vec![
                field(
                    theme,
                    app.settings.lang.pick("file", "ファイル"),
                    e.file.as_str(),
                ),
                field(
                    theme,
                    app.settings.lang.pick("where", "場所"),
                    match app.settings.lang {
                        crate::i18n::Lang::En => format!(
                            "{}.{} line {}, column {}",
                            e.tenant, e.table, e.line, e.column
                        ),
                        crate::i18n::Lang::Ja => format!(
                            "{}.{} の {} 行目、列 {}",
                            e.tenant, e.table, e.line, e.column
                        ),
                    },
                ),
                field(
                    theme,
                    app.settings.lang.pick("reason", "理由"),
                    e.reason.as_str(),
                ),
                field(
                    theme,
                    app.settings.lang.pick("time", "時刻"),
                    e.time.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                ),
            ],
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
    let keep: String = path.chars().skip(count - (width - 1)).collect();
    format!("…{keep}")
}
