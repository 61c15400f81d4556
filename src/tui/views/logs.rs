//! The error log: the queries that failed on the warehouses (SYS_QUERY_HISTORY), with who ran them
//! and the warehouse's error, and the errors of the audit log groups (failed logins), newest
//! first. `select` on a failed query reads its error and SQL whole.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Cell;

use super::widgets::{Column, ScrollTable, block, draw_unread, draw_wrapped, list_title_of};
use crate::i18n::Lang;
use crate::model::{FailedQuery, Reading, Snapshot, Time};
use crate::text::sanitize_line;
use crate::tui::action::View;
use crate::tui::app::App;
use crate::tui::rows::{LogRow, log_row};

pub fn draw(frame: &mut Frame, app: &App, area: Rect) -> usize {
    let theme = &app.settings.theme;
    let lang = app.settings.lang;
    let detail_height = if area.height >= 18 { 6 } else { 0 };
    let [list_area, detail_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(detail_height)]).areas(area);
    let visible = app.rows.visible(View::Logs);
    let h = lang.pick_array(
        &["TIME", "USER", "MESSAGE"],
        &["時刻", "ユーザー", "メッセージ"],
    );
    let columns = [
        Column::key(h[0], 19),
        Column::optional(h[1], 12, 8, 1),
        Column::fill(h[2], 20),
    ];
    let table = ScrollTable {
        columns: &columns,
        selected: Some(app.selected(View::Logs)),
        len: visible.len(),
        lang,
    };
    let unread = crate::tui::rows::unread(&app.snapshot, View::Logs);
    let title = list_title_of(
        lang,
        lang.pick("Error log", "エラーログ"),
        visible.len(),
        Reading::of(app.rows.total(View::Logs), unread.clone()),
        app.filters.get(&View::Logs),
    );
    let snapshot = &app.snapshot;
    let page = table.render(frame, list_area, theme, block(theme, title), |i| {
        let entry = Entry::of(snapshot, visible[i]);
        vec![
            Cell::from(entry.time().format("%Y-%m-%d %H:%M:%S").to_string()),
            Cell::from(sanitize_line(entry.user())),
            Cell::from(sanitize_line(&entry.summary(lang))),
        ]
    });
    draw_unread(frame, list_area, theme, unread.as_ref());
    if detail_height > 0 {
        let lines: Vec<Line> = visible
            .get(app.selected(View::Logs))
            .map(|&index| Entry::of(snapshot, index).detail(lang))
            .unwrap_or_default()
            .into_iter()
            .map(|line| Line::raw(sanitize_line(&line)))
            .collect();
        let title = lang.pick(
            "Selected · enter reads a failed query whole",
            "選択中 · enter で失敗したクエリを全文表示",
        );
        draw_wrapped(frame, detail_area, block(theme, title.into()), lines);
    }
    page
}

/// One row of the error log, as it is shown.
enum Entry<'a> {
    Failed(&'a FailedQuery),
    Audit(&'a crate::model::LogEvent),
}

impl<'a> Entry<'a> {
    fn of(snapshot: &'a Snapshot, index: usize) -> Self {
        match log_row(snapshot, index) {
            LogRow::Failed(i) => Entry::Failed(&snapshot.warehouse.failed_queries[i]),
            LogRow::Audit(i) => Entry::Audit(&snapshot.error_logs[i]),
        }
    }

    fn time(&self) -> Time {
        match self {
            Entry::Failed(q) => q.started_at,
            Entry::Audit(line) => line.time,
        }
    }

    fn user(&self) -> &str {
        match self {
            Entry::Failed(q) => &q.user,
            Entry::Audit(_) => "",
        }
    }

    /// One line: where, what failed and why, then the start of the SQL.
    fn summary(&self, lang: Lang) -> String {
        match self {
            Entry::Failed(q) => {
                let at = q
                    .warehouse
                    .as_deref()
                    .map(|w| format!("[{w}] "))
                    .unwrap_or_default();
                let sql = q.sql.split_whitespace().collect::<Vec<_>>().join(" ");
                format!("{at}{} {}: {} · {sql}", q.query_type, failed(lang), q.error)
            }
            Entry::Audit(line) => format!("{}: {}", audit(lang), line.message),
        }
    }

    /// The selected row's lines: the whole error, then the SQL's first lines.
    fn detail(&self, lang: Lang) -> Vec<String> {
        match self {
            Entry::Failed(q) => {
                let mut lines = vec![format!(
                    "{}{} {} · {} {}",
                    q.warehouse
                        .as_deref()
                        .map(|w| format!("{w} · "))
                        .unwrap_or_default(),
                    lang.pick("query", "クエリ"),
                    q.query_id,
                    q.query_type,
                    failed(lang),
                )];
                lines.push(q.error.clone());
                lines.extend(q.sql.lines().map(str::to_string));
                lines
            }
            Entry::Audit(line) => vec![audit(lang).to_string(), line.message.clone()],
        }
    }
}

fn failed(lang: Lang) -> &'static str {
    lang.pick("failed", "失敗")
}

fn audit(lang: Lang) -> &'static str {
    lang.pick("audit log", "監査ログ")
}
