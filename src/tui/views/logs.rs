//! The warehouse's recent ERROR lines (the seed dashboard's "Redshift Error Logs" widget).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Cell, Row};

use super::widgets::{ScrollTable, block, draw_wrapped, list_title};
use crate::tui::action::View;
use crate::tui::app::App;

pub fn draw(frame: &mut Frame, app: &App, area: Rect) -> usize {
    let theme = &app.settings.theme;
    let detail_height = if area.height >= 18 { 6 } else { 0 };
    let [list_area, detail_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(detail_height)]).areas(area);
    let visible = app.rows.visible(View::Logs);
    let table = ScrollTable {
        header: app
            .settings
            .lang
            .pick_array(&["TIME", "MESSAGE"], &["時刻", "メッセージ"]),
        widths: &[Constraint::Length(19), Constraint::Min(20)],
        selected: Some(app.selected(View::Logs)),
        len: visible.len(),
        lang: app.settings.lang,
    };
    let title = list_title(
        app.settings.lang,
        app.settings.lang.pick("Error log", "エラーログ"),
        visible.len(),
        app.rows.total(View::Logs),
        app.filters.get(&View::Logs),
    );
    let page = table.render(frame, list_area, theme, block(theme, title), |i| {
        let line = &app.snapshot.error_logs[visible[i]];
        Row::new(vec![
            Cell::from(line.time.format("%Y-%m-%d %H:%M:%S").to_string()),
            Cell::from(line.message.as_str()),
        ])
    });
    if detail_height > 0 {
        let message = visible
            .get(app.selected(View::Logs))
            .map(|&i| app.snapshot.error_logs[i].message.clone())
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
