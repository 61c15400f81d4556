//! A text read whole over its view: a running query's SQL (who runs it where and for how long,
//! then the statement), an ELT run's error and cause (which run, where it failed) or a failed
//! query's error and SQL (who ran it where, when), with the text's own line breaks, each line
//! wrapped at the width, scrolled by the keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::widgets::{age, block, field};
use crate::model::display_lines;
use crate::model::{EltRun, FailedQuery, RunningQuery};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::query_text::{QueryText, Subject};
use crate::tui::theme::Role;

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let Some(text) = app.query_text() else {
        return;
    };
    let theme = &app.settings.theme;
    let lang = app.settings.lang;
    // The whole view: a statement or a log is read, not glanced at.
    let popup = area;
    let inner_width = usize::from(popup.width.saturating_sub(2)).max(1);
    let (mut head, name) = match &text.subject {
        Subject::Query(query) => (query_head(app, query), query_title(lang, query)),
        Subject::Run(run) => (run_head(app, run), run_title(lang, run)),
        Subject::Failed(query) => (failed_head(app, query), failed_title(lang, query)),
    };
    head.push(Line::raw(""));
    let body: Vec<Line> = body_lines(text, inner_width)
        .into_iter()
        .map(|line| Line::from(Span::styled(line, theme.style(Role::Text))))
        .collect();
    let height = usize::from(popup.height.saturating_sub(2)).saturating_sub(head.len());
    let scroll = text.scroll(body.len(), height);
    let shown = body.len().min(scroll + height);
    let keys = |action: Action| {
        app.settings
            .keymap
            .keys_for(&action)
            .first()
            .map(|key| key.to_string())
    };
    let mut title = format!("{name} · {shown}/{}", body.len());
    if let (Some(down), Some(up)) = (keys(Action::Down), keys(Action::Up)) {
        title.push_str(&format!(
            " · {down}/{up} {}",
            lang.pick("scroll", "スクロール")
        ));
    }
    for (action, label) in [
        (Action::Copy, lang.pick("copy", "コピー")),
        (Action::Back, lang.pick("close", "閉じる")),
    ] {
        if let Some(key) = keys(action) {
            title.push_str(&format!(" · {key} {label}"));
        }
    }
    let lines: Vec<Line> = head
        .into_iter()
        .chain(body.into_iter().skip(scroll).take(height))
        .collect();
    super::widgets::clear_popup(frame, popup);
    frame.render_widget(Paragraph::new(lines).block(block(theme, title)), popup);
}

fn query_title(lang: crate::i18n::Lang, query: &RunningQuery) -> String {
    format!(
        "{} {}",
        lang.pick("SQL of query", "クエリの SQL"),
        query.pid
    )
}

fn run_title(lang: crate::i18n::Lang, run: &EltRun) -> String {
    format!("{} {}", lang.pick("ELT run", "ELT 実行"), run.name)
}

fn failed_title(lang: crate::i18n::Lang, query: &FailedQuery) -> String {
    format!(
        "{} {}",
        lang.pick("Failed query", "失敗したクエリ"),
        query.query_id
    )
}

/// Where it ran, who ran it, what kind, when; and whether its SQL may be cut.
fn failed_head(app: &App, query: &FailedQuery) -> Vec<Line<'static>> {
    let theme = &app.settings.theme;
    let lang = app.settings.lang;
    // What the warehouse wrote is shown, never run by the terminal.
    let shown = crate::text::sanitize_line;
    let mut head = Vec::new();
    if let Some(warehouse) = &query.warehouse {
        head.push(field(
            theme,
            lang.pick("warehouse", "ウェアハウス"),
            shown(warehouse),
        ));
    }
    head.extend([
        field(theme, lang.pick("user", "ユーザー"), shown(&query.user)),
        field(theme, lang.pick("type", "種類"), shown(&query.query_type)),
        field(
            theme,
            lang.pick("started", "開始"),
            query.started_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        ),
        field(
            theme,
            lang.pick("ended", "終了"),
            query
                .ended_at
                .map_or_else(|| "—".into(), |t| t.format("%H:%M:%S UTC").to_string()),
        ),
    ]);
    if let Some(cut) = query.sql_cut_at {
        head.push(Line::styled(
            match lang {
                crate::i18n::Lang::En => format!(
                    "SYS_QUERY_HISTORY keeps only the first {cut} characters of a statement: it \
                     may be cut"
                ),
                crate::i18n::Lang::Ja => format!(
                    "SYS_QUERY_HISTORY は文の先頭 {cut} 文字までしか保持しないため、途中で切れている\
                     可能性があります"
                ),
            },
            theme.style(Role::Warning),
        ));
    }
    head
}

/// Which run, where it failed and when.
fn run_head(app: &App, run: &EltRun) -> Vec<Line<'static>> {
    let theme = &app.settings.theme;
    let lang = app.settings.lang;
    vec![
        field(theme, lang.pick("execution", "実行"), run.name.clone()),
        field(
            theme,
            lang.pick("status", "状態"),
            run.status.as_str().to_string(),
        ),
        field(
            theme,
            lang.pick("failed step", "失敗ステップ"),
            run.failed_step.clone().unwrap_or_else(|| "—".into()),
        ),
        field(
            theme,
            lang.pick("started", "開始"),
            run.started_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        ),
    ]
}

/// Who runs the query, where, for how long; and whether it still runs or may be cut.
fn query_head(app: &App, query: &RunningQuery) -> Vec<Line<'static>> {
    let theme = &app.settings.theme;
    let lang = app.settings.lang;
    let mut head = vec![
        field(theme, "PID", query.pid.to_string()),
        field(theme, lang.pick("user", "ユーザー"), query.user.clone()),
        field(theme, lang.pick("queue", "キュー"), query.queue.clone()),
        field(
            theme,
            lang.pick("running for", "実行時間"),
            format!(
                "{} ({} {})",
                age(app.settings.lang, app.now, Some(query.started_at)),
                lang.pick("since", "開始"),
                query.started_at.format("%H:%M:%S UTC")
            ),
        ),
    ];
    let still_running = app
        .snapshot
        .warehouse
        .queries
        .iter()
        .any(|q| q.pid == query.pid && q.started_at == query.started_at);
    if !still_running {
        head.push(Line::styled(
            lang.pick(
                "no longer running: this is the query as it was when opened",
                "もう実行されていません: 開いたときのクエリです",
            ),
            theme.style(Role::Warning),
        ));
    }
    if let Some(cut) = query.sql_cut_at {
        head.push(Line::styled(
            match lang {
                crate::i18n::Lang::En => format!(
                    "the warehouse keeps only the first {cut} characters of this statement: it \
                     may be cut"
                ),
                crate::i18n::Lang::Ja => format!(
                    "ウェアハウスはこの文の先頭 {cut} 文字までしか保持しないため、途中で切れている\
                     可能性があります"
                ),
            },
            theme.style(Role::Warning),
        ));
    }
    head
}

/// The text's own lines, each wrapped at `width` columns.
fn body_lines(text: &QueryText, width: usize) -> Vec<String> {
    display_lines(&text.subject.text())
        .iter()
        .flat_map(|line| crate::i18n::wrap(line, width))
        .collect()
}
