//! The warehouse's recent ERROR lines (the seed dashboard's "Redshift Error Logs" widget).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Cell;

use super::widgets::{Column, ScrollTable, block, draw_unread, draw_wrapped, list_title_of};
use crate::model::Reading;
use crate::tui::action::View;
use crate::tui::app::App;

pub fn draw(frame: &mut Frame, app: &App, area: Rect) -> usize {
    let theme = &app.settings.theme;
    let detail_height = if area.height >= 18 { 6 } else { 0 };
    let [list_area, detail_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(detail_height)]).areas(area);
    let visible = app.rows.visible(View::Logs);
    let h = app
        .settings
        .lang
        .pick_array(&["TIME", "MESSAGE"], &["時刻", "メッセージ"]);
    let columns = [Column::key(h[0], 19), Column::fill(h[1], 20)];
    let table = ScrollTable {
        columns: &columns,
        selected: Some(app.selected(View::Logs)),
        len: visible.len(),
        lang: app.settings.lang,
    };
    let unread = crate::tui::rows::unread(&app.snapshot, View::Logs);
    let title = list_title_of(
        app.settings.lang,
        app.settings.lang.pick("Error log", "エラーログ"),
        visible.len(),
        Reading::of(app.rows.total(View::Logs), unread.clone()),
        app.filters.get(&View::Logs),
    );
    let page = table.render(frame, list_area, theme, block(theme, title), |i| {
        let line = &app.snapshot.error_logs[visible[i]];
        vec![
            Cell::from(line.time.format("%Y-%m-%d %H:%M:%S").to_string()),
            Cell::from(crate::text::sanitize_line(&line.message)),
        ]
    });
    draw_unread(frame, list_area, theme, unread.as_ref());
    if detail_height > 0 {
        let message = visible
            .get(app.selected(View::Logs))
            .map(|&i| crate::text::sanitize_line(&app.snapshot.error_logs[i].message))
            .unwrap_or_default();
        draw_wrapped(
            frame,
            detail_area,
            block(
                theme,
                app.settings.lang.pick("Selected line", "選択中の行").into(),
            ),
            [ratatui::text::Line::raw(message)],
        );
    }
    page
}
