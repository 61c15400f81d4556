//! CloudWatch alarms: ALARM first, then by how recently they changed; the selected one in full below.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Cell;

use super::widgets::{
    Column, ScrollTable, ago, alarm_status, block, cut_field, draw_unread, draw_wrapped, field,
    list_title_of, text_field, word_span,
};
use crate::model::{AlarmKind, Reading, console_url};
use crate::tui::action::View;
use crate::tui::app::App;
use crate::tui::theme::Role;

pub fn draw(frame: &mut Frame, app: &App, area: Rect) -> usize {
    let theme = &app.settings.theme;
    let detail_height = if area.height >= 24 {
        12
    } else if area.height >= 18 {
        7
    } else {
        0
    };
    let [list_area, detail_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(detail_height)]).areas(area);
    let visible = app.rows.visible(View::Alarms);
    let h = app.settings.lang.pick_array(
        &["STATE", "ALARM", "TENANT", "SINCE", "REASON"],
        &["状態", "アラーム", "テナント", "発生", "理由"],
    );
    // `2d04h ago`; `23時間59分前` takes twelve columns.
    let since = app.settings.lang.pick("1234567890", "123456789012").len() as u16;
    // As wide as the states shown need (`✗ ALARM`, `? INSUFFICIENT_DATA`).
    let state_width = app
        .snapshot
        .alarms
        .iter()
        .map(|a| 2 + a.state.as_str().len() as u16)
        .max()
        .unwrap_or(7)
        .max(crate::i18n::width(h[0]) as u16);
    // The reason is in full in the panel below, so it gives way first; the name never does.
    let columns = [
        Column::key(h[0], state_width.min(9)).grows_to(state_width),
        Column::key(h[1], 24).grows_to(32),
        Column::optional(h[2], 12, 8, 2),
        Column::optional(h[3], since, 9, 1),
        Column::fill(h[4], 16).hides(3),
    ];
    let table = ScrollTable {
        columns: &columns,
        selected: Some(app.selected(View::Alarms)),
        len: visible.len(),
        lang: app.settings.lang,
    };
    let unread = crate::tui::rows::unread(&app.snapshot, View::Alarms);
    let title = list_title_of(
        app.settings.lang,
        app.settings.lang.pick("Alarms", "アラーム"),
        visible.len(),
        Reading::of(app.rows.total(View::Alarms), unread.clone()),
        app.filters.get(&View::Alarms),
    );
    let page = table.render(frame, list_area, theme, block(theme, title), |i| {
        let alarm = &app.snapshot.alarms[visible[i]];
        vec![
            Cell::from(word_span(
                theme,
                alarm_status(alarm.state),
                alarm.state.as_str(),
            )),
            Cell::from(crate::text::sanitize_line(&alarm.name)),
            Cell::from(alarm.tenant.as_deref().unwrap_or("—")),
            Cell::from(ago(app.settings.lang, app.now, Some(alarm.since))),
            Cell::from(crate::text::sanitize_line(&alarm.reason)),
        ]
    });
    draw_unread(frame, list_area, theme, unread.as_ref());
    if detail_height > 0 {
        let selected = visible
            .get(app.selected(View::Alarms))
            .map(|&i| &app.snapshot.alarms[i]);
        let inner_width = detail_area.width.saturating_sub(2);
        let lines: Vec<Line> = match selected {
            Some(alarm) => vec![
                field(
                    theme,
                    app.settings.lang.pick("alarm", "アラーム"),
                    crate::text::sanitize_line(&alarm.name),
                ),
                field(
                    theme,
                    app.settings.lang.pick("watches", "監視対象"),
                    match (alarm.kind, &alarm.metric, alarm.threshold) {
                        (AlarmKind::Composite, _, _) => app
                            .settings
                            .lang
                            .pick("composite alarm", "複合アラーム")
                            .to_string(),
                        (_, Some(metric), Some(threshold)) => {
                            format!(
                                "{metric}, {} {threshold}",
                                app.settings.lang.pick("threshold", "閾値")
                            )
                        }
                        (_, Some(metric), None) => metric.clone(),
                        _ => "—".to_string(),
                    },
                ),
                field(
                    theme,
                    app.settings.lang.pick("since", "発生"),
                    format!(
                        "{} ({})",
                        alarm.since.format("%Y-%m-%d %H:%M:%S UTC"),
                        ago(app.settings.lang, app.now, Some(alarm.since))
                    ),
                ),
            ]
            .into_iter()
            .chain(text_field(
                app.settings.lang.pick("reason", "理由"),
                &alarm.reason,
                inner_width,
                theme,
                theme.style(Role::Text),
            ))
            .chain(alarm.arn.iter().flat_map(|arn| {
                let url = console_url(arn).map(|url| {
                    cut_field(
                        app.settings.lang.pick("console", "コンソール"),
                        &url,
                        inner_width,
                        theme,
                    )
                });
                std::iter::once(cut_field("ARN", arn, inner_width, theme)).chain(url)
            }))
            .chain(history_lines(app, alarm.key()))
            .collect(),
            None => vec![],
        };
        draw_wrapped(
            frame,
            detail_area,
            block(
                theme,
                super::widgets::copy_title(
                    app,
                    app.settings.lang.pick("Selected alarm", "選択中のアラーム"),
                ),
            ),
            lines,
        );
    }
    page
}

/// The selected alarm's history once fetched (Enter asks for it).
fn history_lines<'a>(app: &App, alarm: &str) -> Vec<Line<'a>> {
    let theme = &app.settings.theme;
    let muted = theme.style(Role::Muted);
    let Some(view) = app.alarm_history.as_ref().filter(|h| h.alarm == alarm) else {
        let key = app
            .settings
            .keymap
            .keys_for(&crate::tui::action::Action::Select)
            .first()
            .map(|k| k.to_string())
            .unwrap_or_else(|| "select".into());
        return vec![Line::styled(
            format!(
                "{key}: {}",
                app.settings
                    .lang
                    .pick("show this alarm's history", "このアラームの履歴を表示")
            ),
            muted,
        )];
    };
    match &view.items {
        None => vec![Line::styled(
            app.settings
                .lang
                .pick("history: fetching…", "履歴: 取得中…"),
            muted,
        )],
        Some(Err(error)) => vec![Line::styled(
            format!("{}: {error}", app.settings.lang.pick("history", "履歴")),
            theme.style(Role::Critical),
        )],
        Some(Ok(items)) if items.is_empty() => vec![Line::styled(
            app.settings.lang.pick("history: none", "履歴: なし"),
            muted,
        )],
        Some(Ok(items)) => items
            .iter()
            .map(|item| {
                Line::from(vec![
                    ratatui::text::Span::styled(
                        format!("{} ", item.time.format("%m-%d %H:%M")),
                        muted,
                    ),
                    ratatui::text::Span::raw(item.summary.clone()),
                ])
            })
            .collect(),
    }
}
