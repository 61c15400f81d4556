//! Drawing: a pure function of the UI state. Each view draws only the rows that fit.

mod alarms;
mod chooser;
mod command_line;
mod dialog;
mod elt;
mod help;
mod load_errors;
mod logs;
mod overview;
mod query_text;
mod runbook;
mod storage;
mod tenant;
pub mod widgets;
mod wlm;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::action::{Action, View};
use super::app::{App, Mode};
use super::theme::Role;
use crate::model::format_duration_secs;

/// The smallest terminal the views are laid out for: below it, a screen that says so instead of
/// panels cut to pieces.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// What a frame found out that the keys need: how many rows the current view shows (the page
/// size), and how much of the help fits when it is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drawn {
    pub page_size: usize,
    pub help: Option<crate::tui::help::Extent>,
}

/// Draws the whole screen; see [`Drawn`] for what it returns.
pub fn draw(frame: &mut Frame, app: &App) -> Drawn {
    let theme = &app.settings.theme;
    let area = frame.area();
    frame.render_widget(Block::default().style(theme.style(Role::Background)), area);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        draw_too_small(frame, app, area);
        return Drawn {
            page_size: 1,
            help: None,
        };
    }
    let bottom_lines = bottom_lines(app, area);
    let [header, body, status, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(bottom_lines.len() as u16),
    ])
    .areas(area);
    draw_header(frame, app, header);
    let page_size = match app.view {
        View::Overview => overview::draw(frame, app, body),
        View::Alarms => alarms::draw(frame, app, body),
        View::Wlm => wlm::draw(frame, app, body),
        View::Storage => storage::draw(frame, app, body),
        View::LoadErrors => load_errors::draw(frame, app, body),
        View::Elt => elt::draw(frame, app, body),
        View::Logs => logs::draw(frame, app, body),
        View::Tenant => tenant::draw(frame, app, body),
        View::Runbook => runbook::draw(frame, app, body),
    };
    draw_status(frame, app, status);
    frame.render_widget(Paragraph::new(bottom_lines), bottom);
    let mut help = None;
    match app.mode {
        Mode::Help => help = Some(help::draw(frame, app, body)),
        Mode::Menu => dialog::draw_menu(frame, app, body),
        Mode::Dialog => dialog::draw_dialog(frame, app, body),
        Mode::Choose => chooser::draw(frame, app, body),
        Mode::QueryText => query_text::draw(frame, app, body),
        _ => {}
    }
    Drawn { page_size, help }
}

/// Below the minimum size: what is needed, what there is, the fleet's status, how to go on.
fn draw_too_small(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.settings.theme;
    let lang = app.settings.lang;
    let status = app.health.status;
    let need = match lang {
        crate::i18n::Lang::En => format!(
            "terminal too small: need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{}. Enlarge it, or q quits.",
            area.width, area.height
        ),
        crate::i18n::Lang::Ja => format!(
            "端末が小さすぎます: {MIN_WIDTH}×{MIN_HEIGHT} 以上が必要です(現在 {}×{})。広げるか、q で終了します。",
            area.width, area.height
        ),
    };
    let mut lines = vec![Line::from(Span::styled(
        format!("shiftops {} {}", status.symbol(), status.label_in(lang)),
        theme.style(widgets::status_role(status)),
    ))];
    let width = area.width.max(1) as usize;
    lines.extend(
        crate::i18n::wrap(&need, width)
            .into_iter()
            .map(|line| Line::styled(line, theme.style(Role::Text))),
    );
    // What the console asks or says (the quit question while adhoc is paused) is never hidden.
    if let Some(message) = &app.message {
        let role = if message.is_error {
            Role::Critical
        } else {
            Role::Muted
        };
        lines.extend(
            crate::i18n::wrap(&crate::text::sanitize_line(&message.text), width)
                .into_iter()
                .map(|line| Line::styled(line, theme.style(role))),
        );
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn draw_header(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.settings.theme;
    let lang = app.settings.lang;
    let reversed = |role: Role| {
        theme
            .style(role)
            .add_modifier(ratatui::style::Modifier::REVERSED)
    };
    // The fleet's status comes first so that no terminal width can cut it off; what is left
    // changed (a pause), read-only mode and the tenant shown are next, and never cut either.
    let mut fixed = vec![
        Span::styled(" shiftops ", theme.style(Role::Title)),
        widgets::status_span(theme, lang, app.health.status),
    ];
    if let Some(pause) = app.snapshot.wlm_settings.adhoc_pause {
        let since = pause.since.format("%H:%M UTC");
        fixed.push(Span::styled(
            match lang {
                crate::i18n::Lang::En => format!(" adhoc PAUSED since {since} "),
                crate::i18n::Lang::Ja => format!(" adhoc 一時停止中 {since}〜 "),
            },
            reversed(Role::Critical),
        ));
    }
    if app.settings.read_only {
        fixed.push(Span::styled(" READ-ONLY ", reversed(Role::Warning)));
    }
    let tenant = (app.view == View::Tenant)
        .then_some(app.tenant.as_ref())
        .flatten()
        .map(|tenant| {
            Span::styled(
                format!(" ▸ {} ", crate::i18n::truncate(tenant, 40)),
                reversed(Role::Accent),
            )
        });
    let width = usize::from(area.width);
    let fixed_width: usize = fixed
        .iter()
        .chain(tenant.iter())
        .map(|span| span.width())
        .sum();
    let clocks = [clock(app, true), clock(app, false)];
    // The widest layout that fits: tab names in full, the title, the clock in UTC and local
    // time; then each gives way in turn (the title is cut to what is left, down to 16 columns).
    // The tabs never vanish: the inactive ones keep their number, the key that opens them.
    const TITLE_MIN: usize = 16;
    let title_full = crate::i18n::width(&app.title);
    let layouts = [(true, 0), (false, 0), (false, 1), (false, 2)];
    let (full_tabs, title_max, clock_choice) = layouts
        .into_iter()
        .find_map(|(full, clock_choice)| {
            let clock_width = clocks
                .get(clock_choice)
                .map_or(0, |c| crate::i18n::width(c) + 1);
            let others = fixed_width
                + tab_spans(app, full).iter().map(Span::width).sum::<usize>()
                + clock_width;
            let room = width.checked_sub(others)?;
            let title_max = if title_full + 2 <= room {
                title_full
            } else if room >= TITLE_MIN + 2 {
                room - 2
            } else if clock_choice < 2 {
                return None;
            } else {
                0
            };
            Some((full, title_max, clock_choice))
        })
        .unwrap_or((false, 0, 2));
    let mut spans = fixed;
    if title_max > 0 {
        let title = if crate::i18n::width(&app.title) <= title_max {
            app.title.clone()
        } else {
            crate::i18n::truncate(&app.title, title_max)
        };
        spans.push(Span::styled(format!(" {title} "), theme.style(Role::Muted)));
    }
    spans.extend(tab_spans(app, full_tabs));
    spans.extend(tenant);
    if let Some(clock) = clocks.get(clock_choice) {
        let used: usize = spans.iter().map(Span::width).sum();
        let gap = width.saturating_sub(used + crate::i18n::width(clock));
        spans.push(Span::raw(" ".repeat(gap)));
        spans.push(Span::styled(clock.clone(), theme.style(Role::Muted)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The tab bar: every view with its number; in `full`, with its name, else only the active one.
fn tab_spans(app: &App, full: bool) -> Vec<Span<'static>> {
    let theme = &app.settings.theme;
    let mut spans = Vec::new();
    for (i, view) in View::TABS.iter().enumerate() {
        let active = *view == app.view;
        let style = if active {
            theme
                .style(Role::Accent)
                .add_modifier(ratatui::style::Modifier::REVERSED)
        } else {
            theme.style(Role::Text)
        };
        spans.push(Span::raw(" "));
        let text = if full || active {
            format!("{} {}", i + 1, view.tab_in(app.settings.lang))
        } else {
            (i + 1).to_string()
        };
        spans.push(Span::styled(text, style));
    }
    spans.push(Span::raw(" "));
    spans
}

/// The time now: `06:00 UTC`, and with `local` the local time too when it differs
/// (`06:00 UTC 15:00 +09:00`). Only the real console shows local time, so screens in tests
/// do not depend on the machine's time zone.
fn clock(app: &App, local: bool) -> String {
    let utc = format!("{} UTC", app.now.format("%H:%M"));
    if !local || !app.settings.local_clock {
        return format!("{utc} ");
    }
    let here = app.now.with_timezone(&chrono::Local);
    if here.offset().local_minus_utc() == 0 {
        return format!("{utc} ");
    }
    format!("{utc} {} ", here.format("%H:%M %:z"))
}

/// Each source's data age, and the error of every source that failed: the first thing to read
/// when numbers look odd. Failing sources come first, with their error, so that even an 80-column
/// terminal shows what failed, why, and how old the data still shown is.
fn draw_status(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.settings.theme;
    let mut failing = Vec::new();
    let mut healthy = Vec::new();
    let mut healthy_count = 0;
    let mut oldest_healthy: Option<i64> = None;
    for status in &app.snapshot.sources {
        let id = status.id;
        let (symbol, role) = match (&status.error, status.fetched_at) {
            (Some(_), None) => ("✗", Role::Critical),
            (Some(_), Some(_)) => ("!", Role::Warning),
            (None, Some(_)) => ("✓", Role::Ok),
            (None, None) => ("…", Role::Unknown),
        };
        let age_secs = app.age_of(id);
        let age = age_secs
            .map(|s| format_duration_secs(s as f64, app.settings.lang))
            .unwrap_or_else(|| "—".into());
        let spinner = if status.in_flight { "⟳" } else { "" };
        let spans = if status.error.is_some() {
            &mut failing
        } else {
            if status.fetched_at.is_some() {
                healthy_count += 1;
                oldest_healthy = oldest_healthy.max(age_secs);
            }
            &mut healthy
        };
        spans.push(Span::styled(format!(" {id} "), theme.style(Role::Muted)));
        spans.push(Span::styled(
            format!("{symbol}{spinner} {age} "),
            theme.style(role),
        ));
        if let Some(error) = &status.error {
            spans.push(Span::styled(
                format!("{} ", one_line(error, 100)),
                theme.style(role),
            ));
        }
    }
    let width = usize::from(area.width);
    let cost = polling_cost(app);
    let line_width = |spans: &[Span]| spans.iter().map(Span::width).sum::<usize>();
    // Too narrow for every source's age: the healthy ones that are all read keep their names
    // and share the age of the oldest; narrower still, they become one count.
    let all_healthy_read = healthy_count * 2 == healthy.len();
    if line_width(&failing) + line_width(&healthy) > width && all_healthy_read && healthy_count > 0
    {
        let age = oldest_healthy
            .map(|s| format_duration_secs(s as f64, app.settings.lang))
            .unwrap_or_else(|| "—".into());
        let names: Vec<String> = app
            .snapshot
            .sources
            .iter()
            .filter(|status| status.error.is_none())
            .map(|status| status.id.to_string())
            .collect();
        let named = format!(" {} ✓ ≤ {age} ", names.join(" "));
        let counted = match app.settings.lang {
            crate::i18n::Lang::En => format!(" ✓ {healthy_count} sources ≤ {age} "),
            crate::i18n::Lang::Ja => format!(" ✓ {healthy_count} ソース ≤ {age} "),
        };
        let text = if line_width(&failing) + crate::i18n::width(&named) <= width {
            named
        } else {
            counted
        };
        healthy = vec![Span::styled(text, theme.style(Role::Ok))];
    }
    failing.append(&mut healthy);
    if let Some(cost) = cost
        && line_width(&failing) + cost.width() <= width
    {
        failing.push(cost);
    }
    frame.render_widget(Paragraph::new(Line::from(failing)), area);
}

/// The end of the status line: what the console's own CloudWatch polling costs a day
/// (`cw ≈ $0.42/day`, see `tui::cost`), muted.
fn polling_cost(app: &App) -> Option<Span<'static>> {
    let text =
        super::cost::status_text(app.polling.as_ref(), app.snapshot.metrics.metrics_requested)?;
    Some(Span::styled(
        format!(" {text} "),
        app.settings.theme.style(Role::Muted),
    ))
}

/// `text` (a source's error) on one line, cut to `max` characters with `…`.
fn one_line(text: &str, max: usize) -> String {
    let flat = crate::text::sanitize_line(text);
    if flat.chars().count() <= max {
        return flat;
    }
    let mut cut: String = flat.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// The bottom of the screen: the command line with its candidates (up to half the screen), or
/// the last message, or the key hints.
fn bottom_lines(app: &App, area: Rect) -> Vec<Line<'static>> {
    let theme = &app.settings.theme;
    match app.mode {
        Mode::Command | Mode::Filter => {
            command_line::lines(app, area.width, (area.height / 2).max(1))
        }
        Mode::Normal
        | Mode::Help
        | Mode::Menu
        | Mode::Dialog
        | Mode::Choose
        | Mode::ConfirmQuit
        | Mode::QueryText => vec![match &app.message {
            // A message may quote AWS (an action's error).
            Some(message) => Line::styled(
                crate::text::sanitize_line(&message.text),
                theme.style(if message.is_error {
                    Role::Critical
                } else {
                    Role::Accent
                }),
            ),
            None => hints(app, usize::from(area.width)),
        }],
    }
}

/// The most used keys, taken from the active keymap so the hints never lie.
fn hints(app: &App, width: usize) -> Line<'static> {
    let theme = &app.settings.theme;
    let mut spans = Vec::new();
    let mut used = 0;
    let lang = app.settings.lang;
    for (action, label) in [
        (Action::Help, lang.pick("help", "ヘルプ")),
        (Action::CommandMode, lang.pick("command", "コマンド")),
        (Action::FilterMode, lang.pick("filter", "絞り込み")),
        (Action::Select, lang.pick("drill in", "詳細")),
        (Action::OpenRunbook, lang.pick("runbook", "ランブック")),
        (Action::ActionMenu, lang.pick("actions", "操作")),
        (Action::Back, lang.pick("back", "戻る")),
        (Action::Refresh, lang.pick("refresh", "更新")),
        (Action::Quit, lang.pick("quit", "終了")),
    ] {
        if let Some(key) = app.settings.keymap.keys_for(&action).first() {
            let key = Span::styled(format!(" {key}"), theme.style(Role::Accent));
            let label = Span::styled(format!(" {label} "), theme.style(Role::Muted));
            // Whole hints only: the ones that do not fit are in help (`?`, always first).
            if used + key.width() + label.width() > width {
                break;
            }
            used += key.width() + label.width();
            spans.push(key);
            spans.push(label);
        }
    }
    Line::from(spans)
}
