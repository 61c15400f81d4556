//! WLM queues: length now with the last hour as a sparkline, running queries and wait time.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline};

use ratatui::widgets::{Cell, Row};

use super::widgets::{ScrollTable, age, block, list_title};
use crate::tui::action::View;
use crate::tui::app::App;
use crate::tui::theme::Role;

const QUEUE_HEIGHT: u16 = 5;

pub fn draw(frame: &mut Frame, app: &App, area: Rect) -> usize {
    let theme = &app.settings.theme;
    let metrics = &app.snapshot.metrics;
    let thresholds = &app.settings.thresholds;
    // Queue panels first, then the fleet figures, then the running queries (what can be cancelled).
    let queue_rows =
        (app.rows.queues.len() as u16 * QUEUE_HEIGHT).min(area.height.saturating_sub(8));
    let [queues_area, fleet_area, queries_area] = Layout::vertical([
        Constraint::Length(queue_rows),
        Constraint::Length(4),
        Constraint::Min(0),
    ])
    .areas(area);
    let fit = (queues_area.height / QUEUE_HEIGHT) as usize;
    let areas = Layout::vertical(vec![Constraint::Length(QUEUE_HEIGHT); fit]).split(queues_area);
    for (slot, queue) in app.rows.queues.iter().take(fit).enumerate() {
        let activity = app
            .snapshot
            .warehouse
            .queues
            .iter()
            .find(|q| &q.queue == queue);
        let length = metrics.queue_length.get(queue);
        let queued = length
            .and_then(|s| s.latest())
            .or(activity.map(|a| f64::from(a.queued)));
        let running = metrics
            .queue_running
            .get(queue)
            .and_then(|s| s.latest())
            .or(activity.map(|a| f64::from(a.running)));
        let wait_ms = metrics.queue_wait_ms.get(queue).and_then(|s| s.latest());
        let watched = queue == &thresholds.wlm_queue;
        let over = watched && queued.is_some_and(|q| q > thresholds.wlm_queue_length);
        let number = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.0}"));
        let mut title = queue.to_string();
        if watched {
            title.push_str(&match app.settings.lang {
                crate::i18n::Lang::En => format!(" (alarm > {:.0})", thresholds.wlm_queue_length),
                crate::i18n::Lang::Ja => format!("(アラーム > {:.0})", thresholds.wlm_queue_length),
            });
        }
        let queue_block = block(theme, title);
        let inner = queue_block.inner(areas[slot]);
        frame.render_widget(queue_block, areas[slot]);
        let [text_area, spark_area] =
            Layout::horizontal([Constraint::Length(30), Constraint::Min(0)]).areas(inner);
        let queued_style = theme.style(if over { Role::Warning } else { Role::Text });
        let lines = vec![
            Line::from(vec![
                Span::styled(
                    crate::i18n::pad(app.settings.lang.pick("queued now", "待機中"), 11),
                    theme.style(Role::Muted),
                ),
                Span::styled(
                    format!("{}{}", if over { "▲ " } else { "" }, number(queued)),
                    queued_style,
                ),
            ]),
            Line::from(vec![
                Span::styled(
                    crate::i18n::pad(app.settings.lang.pick("running", "実行中"), 11),
                    theme.style(Role::Muted),
                ),
                Span::raw(number(running)),
            ]),
            Line::from(vec![
                Span::styled(
                    crate::i18n::pad(app.settings.lang.pick("wait", "待ち時間"), 11),
                    theme.style(Role::Muted),
                ),
                Span::raw(wait_ms.map_or("—".into(), |ms| {
                    format!("{:.1} {}", ms / 1000.0, app.settings.lang.pick("s", "秒"))
                })),
            ]),
        ];
        frame.render_widget(Paragraph::new(lines), text_area);
        let points: Vec<u64> = length
            .map(|s| s.values().map(|v| v.max(0.0).round() as u64).collect())
            .unwrap_or_default();
        let width = spark_area.width as usize;
        let recent = &points[points.len().saturating_sub(width)..];
        frame.render_widget(
            Sparkline::default()
                .data(recent)
                .style(theme.style(if over { Role::Warning } else { Role::Accent })),
            spark_area,
        );
    }

    let scaling = metrics.concurrency_scaling_clusters.latest();
    let failure = metrics.query_failure_percent.latest();
    let failing = failure.is_some_and(|f| f > thresholds.query_failure_percent);
    let lines = vec![
        Line::from(vec![
            Span::styled(
                crate::i18n::pad(
                    app.settings.lang.pick(
                        "concurrency scaling clusters",
                        "Concurrency Scaling クラスター",
                    ),
                    31,
                ),
                theme.style(Role::Muted),
            ),
            Span::raw(scaling.map_or("—".into(), |v| format!("{v:.0}"))),
        ]),
        Line::from(vec![
            Span::styled(
                crate::i18n::pad(
                    app.settings
                        .lang
                        .pick("query failure rate, 1 h", "クエリ失敗率(1 時間)"),
                    31,
                ),
                theme.style(Role::Muted),
            ),
            Span::styled(
                failure.map_or("—".into(), |v| {
                    format!(
                        "{}{v:.1} % ({} {:.0} %)",
                        if failing { "▲ " } else { "" },
                        app.settings.lang.pick("threshold", "閾値"),
                        thresholds.query_failure_percent
                    )
                }),
                theme.style(if failing { Role::Warning } else { Role::Text }),
            ),
        ]),
    ];
    frame.render_widget(
        Paragraph::new(lines).block(block(
            theme,
            app.settings.lang.pick("Fleet", "フリート").into(),
        )),
        fleet_area,
    );

    let queries = &app.snapshot.warehouse.queries;
    let visible = app.rows.visible(View::Wlm);
    let widths = [
        Constraint::Length(11),
        Constraint::Length(7),
        Constraint::Length(18),
        Constraint::Length(8),
        Constraint::Min(20),
    ];
    let table = ScrollTable {
        header: app.settings.lang.pick_array(
            &["PID", "QUEUE", "USER", "RUNNING", "SQL"],
            &["PID", "キュー", "ユーザー", "実行時間", "SQL"],
        ),
        widths: &widths,
        selected: Some(app.selected(View::Wlm)),
        len: visible.len(),
        lang: app.settings.lang,
    };
    let title = list_title(
        app.settings.lang,
        app.settings.lang.pick(
            "Running queries (a: cancel)",
            "実行中のクエリ(a: キャンセル)",
        ),
        visible.len(),
        app.rows.total(View::Wlm),
        app.filters.get(&View::Wlm),
    );
    table.render(frame, queries_area, theme, block(theme, title), |i| {
        let q = &queries[visible[i]];
        Row::new(vec![
            Cell::from(q.pid.to_string()),
            Cell::from(q.queue.as_str()),
            Cell::from(q.user.as_str()),
            Cell::from(age(app.settings.lang, app.now, Some(q.started_at))),
            Cell::from(q.sql.as_str()),
        ])
    })
}
