//! The fleet's findings first, worst first, each in full; then one row per tenant, worst first,
//! with fleet-wide WLM, storage and alarm summaries below. One cursor goes through the findings
//! and on into the tenants, so `r` and `a` work on a finding as on a tenant.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Gauge, Paragraph, Row};

use super::widgets::{self, ScrollTable, age, block, list_title, status_span, word_span};
use crate::model::{AlarmState, format_duration_secs};
use crate::tui::action::View;
use crate::tui::app::App;
use crate::tui::rows::{OverviewRow, TenantRow};
use crate::tui::theme::Role;

const HEADER: [&str; 9] = [
    "STATUS",
    "TENANT",
    "PATH",
    "INTEGRATION",
    "LAG",
    "EXPORT / COPY",
    "ERR 24H",
    "LAST ELT",
    "WORST FINDING",
];

const HEADER_JA: [&str; 9] = [
    "状態",
    "テナント",
    "経路",
    "統合",
    "遅延",
    "エクスポート/COPY",
    "エラー",
    "最終 ELT",
    "最も重大な検出事項",
];

pub fn draw(frame: &mut Frame, app: &App, area: Rect) -> usize {
    let mut findings = Vec::new();
    let mut tenants = Vec::new();
    for &index in app.rows.visible(View::Overview) {
        match app.rows.overview_row(index) {
            OverviewRow::Finding(i) => findings.push(i),
            OverviewRow::Tenant(i) => tenants.push(i),
        }
    }
    let cursor = app.selected(View::Overview);
    let (finding_cursor, tenant_cursor) = if cursor < findings.len() {
        (Some(cursor), None)
    } else {
        (None, Some(cursor - findings.len()))
    };
    let width = area.width.saturating_sub(2) as usize;
    let lines = finding_lines(app, &findings, width);
    // The findings take what they need: up to 40 % of the height, or more where the tenants
    // leave rows unused; at least one line says there are none.
    let wanted = lines.iter().map(Vec::len).sum::<usize>().max(1) as u16 + 2;
    let tenant_rows = (tenants.len() as u16).saturating_add(3);
    let share = (area.height * 2 / 5).max(3);
    let summary_height = if area.height.saturating_sub(wanted.min(share)) >= 16 {
        6
    } else {
        0
    };
    let spare = area
        .height
        .saturating_sub(tenant_rows.saturating_add(summary_height));
    let findings_height = wanted.min(share.max(spare)).min(area.height);
    let [findings_area, table_area, summary_area] = Layout::vertical([
        Constraint::Length(findings_height),
        Constraint::Min(0),
        Constraint::Length(summary_height),
    ])
    .areas(area);
    draw_findings(frame, app, findings_area, &lines, finding_cursor);
    let page = draw_tenants(frame, app, table_area, &tenants, tenant_cursor);
    if summary_height > 0 {
        draw_summaries(frame, app, summary_area);
    }
    page
}

/// Each finding (indices into `Health::findings`) as the lines it takes at `width`: status, where, age, then the message and its
/// runbook, wrapped under the message's column.
fn finding_lines(app: &App, findings: &[usize], width: usize) -> Vec<Vec<Line<'static>>> {
    let lang = app.settings.lang;
    let theme = &app.settings.theme;
    const WHO: usize = 12;
    // Wide enough for `59m` / `1h05m`, and for `59分` / `1時間5分` / `2日4時間`.
    let age_width = lang.pick("12345", "12345678").len();
    // A finding's text takes at most this many lines; the runbook gets a line of its own if needed.
    const MAX_LINES: usize = 6;
    let indent = 6 + 1 + WHO + 1 + age_width + 2;
    let text_width = width.saturating_sub(indent).max(10);
    findings
        .iter()
        .map(|&i| {
            let finding = &app.health.findings[i];
            let role = widgets::status_role(finding.severity.into());
            let who = finding
                .tenant
                .clone()
                .unwrap_or_else(|| lang.pick("fleet", "全体").to_string());
            let mut text = finding.text(lang);
            if let Some(impact) = finding.impact_text(lang) {
                text.push_str(&format!(" — {impact}"));
            }
            // The runbook ends the last line, never split from its arrow (a no-break space).
            let runbook = crate::tui::runbook::for_finding(&app.settings.runbooks, finding)
                .map(|r| format!("→\u{a0}{}", r.id));
            let mut wrapped = crate::i18n::wrap(&text, text_width);
            if wrapped.len() > MAX_LINES {
                wrapped.truncate(MAX_LINES);
                let last = wrapped.last_mut().expect("MAX_LINES > 0");
                *last = crate::i18n::truncate(&format!("{last} …"), text_width);
            }
            if let Some(runbook) = runbook {
                let last = wrapped.last_mut().expect("wrap gives a line");
                if crate::i18n::width(last) + 2 + crate::i18n::width(&runbook) <= text_width {
                    last.push_str("  ");
                    last.push_str(&runbook);
                } else {
                    wrapped.push(runbook);
                }
            }
            wrapped
                .into_iter()
                .enumerate()
                .map(|(n, part)| {
                    if n == 0 {
                        Line::from(vec![
                            widgets::severity_span(theme, lang, finding.severity),
                            Span::raw(" "),
                            Span::raw(crate::i18n::pad(&who, WHO)),
                            Span::raw(" "),
                            Span::styled(
                                crate::i18n::pad_left(
                                    &age(lang, app.now, finding.since),
                                    age_width,
                                ),
                                theme.style(Role::Muted),
                            ),
                            Span::raw("  "),
                            Span::styled(part, theme.style(role)),
                        ])
                    } else {
                        Line::from(vec![
                            Span::raw(" ".repeat(indent)),
                            Span::styled(part, theme.style(role)),
                        ])
                    }
                })
                .collect()
        })
        .collect()
}

fn draw_findings(
    frame: &mut Frame,
    app: &App,
    area: Rect,
    findings: &[Vec<Line<'static>>],
    selected: Option<usize>,
) {
    let theme = &app.settings.theme;
    let lang = app.settings.lang;
    let total = app
        .health
        .findings
        .len()
        .min(app.rows.total(View::Overview));
    let title = list_title(
        lang,
        lang.pick("Findings", "検出事項"),
        findings.len(),
        total,
        app.filters.get(&View::Overview),
    );
    let block = block(theme, title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if findings.is_empty() {
        let (text, role) = if total == 0 {
            (
                lang.pick(
                    "✓ no findings: every check passes",
                    "✓ 検出事項なし: すべてのチェックが正常",
                ),
                Role::Ok,
            )
        } else {
            (
                lang.pick(
                    "no finding matches the filter",
                    "フィルタに合う検出事項はありません",
                ),
                Role::Muted,
            )
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme.style(role))), inner);
        return;
    }
    // Scroll so the selected finding's lines are all on screen.
    let capacity = inner.height as usize;
    let first_line: Vec<usize> = findings
        .iter()
        .scan(0, |line, f| {
            let at = *line;
            *line += f.len();
            Some(at)
        })
        .collect();
    let start = match selected {
        Some(s) => {
            let end = first_line[s] + findings[s].len();
            end.saturating_sub(capacity).min(first_line[s])
        }
        None => 0,
    };
    let lines: Vec<Line> = findings
        .iter()
        .enumerate()
        .flat_map(|(i, lines)| {
            let chosen = Some(i) == selected;
            lines.iter().cloned().map(move |line| {
                if chosen {
                    widgets::selected_line(theme, line)
                } else {
                    line
                }
            })
        })
        .skip(start)
        .take(capacity)
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_tenants(
    frame: &mut Frame,
    app: &App,
    area: Rect,
    visible: &[usize],
    selected: Option<usize>,
) -> usize {
    let theme = &app.settings.theme;
    // Ages in Japanese take more columns: `1時間5分` against `1h05m`.
    let age_extra = app.settings.lang.pick("", "12").len() as u16;
    let widths = [
        Constraint::Length(6),
        Constraint::Length(12),
        Constraint::Length(8),
        Constraint::Length(17),
        Constraint::Length(6 + age_extra),
        Constraint::Length(17 + age_extra),
        Constraint::Length(7),
        Constraint::Length(11),
        Constraint::Min(10),
    ];
    let table = ScrollTable {
        header: app.settings.lang.pick_array(&HEADER, &HEADER_JA),
        widths: &widths,
        selected,
        len: visible.len(),
        lang: app.settings.lang,
    };
    let title = list_title(
        app.settings.lang,
        app.settings.lang.pick("Tenants", "テナント"),
        visible.len(),
        app.rows.tenants.len(),
        app.filters.get(&View::Overview),
    );
    table.render(frame, area, theme, block(theme, title), |i| {
        tenant_row(app, &app.rows.tenants[visible[i]])
    })
}

fn tenant_row<'a>(app: &App, row: &'a TenantRow) -> Row<'a> {
    let theme = &app.settings.theme;
    let s = &row.summary;
    let integration = match &s.integration_status {
        Some(status) => Cell::from(word_span(
            theme,
            widgets::integration_status(status),
            status.as_str(),
        )),
        None if s.integration.is_some() => {
            Cell::from(Span::styled("? unknown", theme.style(Role::Unknown)))
        }
        None => Cell::from(Span::styled("—", theme.style(Role::Muted))),
    };
    let lag = s
        .lag_seconds
        .map(|s| format_duration_secs(s, app.settings.lang))
        .unwrap_or_else(|| "—".into());
    let export = match (&s.last_export, s.last_copy_at) {
        (Some(task), copy) => {
            let when = copy.or(task.finished_at).or(task.started_at);
            Cell::from(word_span(
                theme,
                widgets::export_status(&task.status),
                &format!("{} {}", task.status, age(app.settings.lang, app.now, when)),
            ))
        }
        (None, Some(copy)) => Cell::from(format!(
            "COPY {}",
            age(app.settings.lang, app.now, Some(copy))
        )),
        (None, None) => Cell::from(Span::styled("—", theme.style(Role::Muted))),
    };
    let copy_errors = if s.copy_errors_24h > 0 {
        Cell::from(Span::styled(
            format!("✗ {}", s.copy_errors_24h),
            theme.style(Role::Critical),
        ))
    } else {
        Cell::from("0")
    };
    let elt = match &s.last_elt {
        Some(status) => Cell::from(word_span(
            theme,
            widgets::elt_status(status),
            status.as_str(),
        )),
        None => Cell::from("—"),
    };
    let worst = match (&row.worst, &s.error) {
        (_, Some(error)) => Cell::from(Span::styled(
            format!(
                "{}: {error}",
                app.settings.lang.pick("cannot read", "読み取れません")
            ),
            theme.style(Role::Unknown),
        )),
        (Some(f), None) => Cell::from(Span::styled(
            f.text_for(&s.name, app.settings.lang),
            theme.style(widgets::status_role(f.severity.into())),
        )),
        (None, None) => Cell::from(Span::styled("—", theme.style(Role::Muted))),
    };
    Row::new(vec![
        Cell::from(status_span(theme, app.settings.lang, row.status)),
        Cell::from(s.name.as_str()),
        Cell::from(s.path),
        integration,
        Cell::from(lag),
        export,
        copy_errors,
        elt,
        worst,
    ])
}

fn draw_summaries(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.settings.theme;
    let [wlm, storage, alarms] = Layout::horizontal([
        Constraint::Percentage(34),
        Constraint::Percentage(33),
        Constraint::Percentage(33),
    ])
    .areas(area);

    let metrics = &app.snapshot.metrics;
    let lines: Vec<Line> = app
        .rows
        .queues
        .iter()
        .map(|queue| {
            let queued = metrics
                .queue_length
                .get(queue)
                .and_then(|s| s.latest())
                .or_else(|| {
                    app.snapshot
                        .warehouse
                        .queues
                        .iter()
                        .find(|q| &q.queue == queue)
                        .map(|q| f64::from(q.queued))
                });
            let running = app
                .snapshot
                .warehouse
                .queues
                .iter()
                .find(|q| &q.queue == queue)
                .map(|q| f64::from(q.running))
                .or_else(|| metrics.queue_running.get(queue).and_then(|s| s.latest()));
            let over = queue == &app.settings.thresholds.wlm_queue
                && queued.is_some_and(|q| q > app.settings.thresholds.wlm_queue_length);
            let style = theme.style(if over { Role::Warning } else { Role::Text });
            Line::from(vec![
                Span::styled(crate::i18n::pad(queue, 7), theme.style(Role::Muted)),
                Span::styled(
                    format!(
                        "{}{} {:>3}",
                        if over { "▲ " } else { "" },
                        app.settings.lang.pick("queued", "待機"),
                        queued.map_or("—".into(), |q| format!("{q:.0}"))
                    ),
                    style,
                ),
                Span::raw(format!(
                    "  {} {}",
                    app.settings.lang.pick("running", "実行中"),
                    running.map_or("—".into(), |r| format!("{r:.0}"))
                )),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block(theme, "WLM".into())), wlm);
    let lang = app.settings.lang;

    let storage_block = block(theme, lang.pick("Storage", "ストレージ").into());
    let inner = storage_block.inner(storage);
    frame.render_widget(storage_block, storage);
    match metrics.storage_percent.latest() {
        Some(percent) => {
            let t = &app.settings.thresholds;
            let role = if percent > t.storage_critical_percent {
                Role::Critical
            } else if percent > t.storage_warning_percent {
                Role::Warning
            } else {
                Role::Gauge
            };
            let [gauge_area, text_area] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
            frame.render_widget(
                Gauge::default()
                    .gauge_style(theme.gauge(role))
                    .ratio((percent / 100.0).clamp(0.0, 1.0))
                    .label(format!("{percent:.1} %")),
                gauge_area,
            );
            frame.render_widget(
                Paragraph::new(vec![Line::styled(
                    format!(
                        "{} > {:.0} %  {} > {:.0} %",
                        lang.pick("warn", "警告"),
                        t.storage_warning_percent,
                        lang.pick("crit", "重大"),
                        t.storage_critical_percent
                    ),
                    theme.style(Role::Muted),
                )]),
                text_area,
            );
        }
        None => frame.render_widget(
            Paragraph::new(Line::styled(
                lang.pick("no data", "データなし"),
                theme.style(Role::Unknown),
            )),
            inner,
        ),
    }

    let in_alarm: Vec<_> = app
        .snapshot
        .alarms
        .iter()
        .filter(|a| a.state == AlarmState::Alarm)
        .collect();
    let mut lines = vec![Line::from(vec![
        Span::styled(
            match lang {
                crate::i18n::Lang::En => format!("{} in ALARM", in_alarm.len()),
                crate::i18n::Lang::Ja => format!("ALARM {} 件", in_alarm.len()),
            },
            theme.style(if in_alarm.is_empty() {
                Role::Ok
            } else {
                Role::Critical
            }),
        ),
        Span::styled(
            match lang {
                crate::i18n::Lang::En => format!(" of {}", app.snapshot.alarms.len()),
                crate::i18n::Lang::Ja => format!(" / 全 {} 件", app.snapshot.alarms.len()),
            },
            theme.style(Role::Muted),
        ),
    ])];
    lines.extend(
        in_alarm
            .iter()
            .take(3)
            .map(|a| Line::styled(format!("✗ {}", a.name), theme.style(Role::Critical))),
    );
    if in_alarm.len() > 3 {
        lines.push(Line::styled(
            match lang {
                crate::i18n::Lang::En => format!("  … {} more", in_alarm.len() - 3),
                crate::i18n::Lang::Ja => format!("  … ほか {} 件", in_alarm.len() - 3),
            },
            theme.style(Role::Muted),
        ));
    }
    frame.render_widget(
        Paragraph::new(lines).block(block(theme, lang.pick("Alarms", "アラーム").into())),
        alarms,
    );
}
