//! Drawing: a pure function of the UI state. Each view draws only the rows that fit.

mod alarms;
mod chooser;
mod dialog;
mod elt;
mod help;
mod load_errors;
mod logs;
mod overview;
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
    let [header, body, status, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
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
    draw_bottom(frame, app, bottom);
    let mut help = None;
    match app.mode {
        Mode::Help => help = Some(help::draw(frame, app, body)),
        Mode::Menu => dialog::draw_menu(frame, app, body),
        Mode::Dialog => dialog::draw_dialog(frame, app, body),
        Mode::Choose => chooser::draw(frame, app, body),
        _ => {}
    }
    Drawn { page_size, help }
}

fn draw_header(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.settings.theme;
    // The fleet's status comes first so that no terminal width can cut it off.
    let mut spans = vec![
        Span::styled(" shiftops ", theme.style(Role::Title)),
        widgets::status_span(theme, app.settings.lang, app.health.status),
    ];
    // Something left changed is the next thing no width may cut off.
    if let Some(pause) = app.snapshot.wlm_settings.adhoc_pause {
        let since = pause.since.format("%H:%M UTC");
        spans.push(Span::styled(
            match app.settings.lang {
                crate::i18n::Lang::En => format!(" adhoc PAUSED since {since} "),
                crate::i18n::Lang::Ja => format!(" adhoc 一時停止中 {since}〜 "),
            },
            theme
                .style(Role::Critical)
                .add_modifier(ratatui::style::Modifier::REVERSED),
        ));
    }
    if app.settings.read_only {
        spans.push(Span::styled(
            " READ-ONLY ",
            theme
                .style(Role::Warning)
                .add_modifier(ratatui::style::Modifier::REVERSED),
        ));
    }
    spans.push(Span::styled(
        format!(" {} ", app.title),
        theme.style(Role::Muted),
    ));
    for (i, view) in View::TABS.iter().enumerate() {
        let style = if *view == app.view {
            theme
                .style(Role::Accent)
                .add_modifier(ratatui::style::Modifier::REVERSED)
        } else {
            theme.style(Role::Text)
        };
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            format!("{} {}", i + 1, view.tab_in(app.settings.lang)),
            style,
        ));
    }
    if app.view == View::Tenant
        && let Some(tenant) = &app.tenant
    {
        spans.push(Span::styled(
            format!(" ▸ {tenant} "),
            theme
                .style(Role::Accent)
                .add_modifier(ratatui::style::Modifier::REVERSED),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Each source's data age, and the error of every source that failed: the first thing to read
/// when numbers look odd. Failing sources come first, with their error, so that even an 80-column
/// terminal shows what failed, why, and how old the data still shown is.
fn draw_status(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.settings.theme;
    let mut failing = Vec::new();
    let mut healthy = Vec::new();
    for status in &app.snapshot.sources {
        let id = status.id;
        let (symbol, role) = match (&status.error, status.fetched_at) {
            (Some(_), None) => ("✗", Role::Critical),
            (Some(_), Some(_)) => ("!", Role::Warning),
            (None, Some(_)) => ("✓", Role::Ok),
            (None, None) => ("…", Role::Unknown),
        };
        let age = app
            .age_of(id)
            .map(|s| format_duration_secs(s as f64, app.settings.lang))
            .unwrap_or_else(|| "—".into());
        let spinner = if status.in_flight { "⟳" } else { "" };
        let spans = if status.error.is_some() {
            &mut failing
        } else {
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
    failing.append(&mut healthy);
    failing.extend(polling_cost(app));
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

/// `text` on one line, cut to `max` characters with `…`.
fn one_line(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() <= max {
        return flat;
    }
    let mut cut: String = flat.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

fn draw_bottom(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.settings.theme;
    let line = match app.mode {
        Mode::Command => {
            let hint = app
                .completions(&app.input)
                .into_iter()
                .take(8)
                .collect::<Vec<_>>()
                .join("  ");
            Line::from(vec![
                Span::styled(format!(":{}▏", app.input), theme.style(Role::Input)),
                Span::styled(format!("   {hint}"), theme.style(Role::Muted)),
            ])
        }
        Mode::Filter => Line::from(vec![
            Span::styled(format!("/{}▏", app.input), theme.style(Role::Input)),
            Span::styled(
                app.settings
                    .lang
                    .pick("   Enter apply · Esc cancel", "   Enter 適用 · Esc 取消"),
                theme.style(Role::Muted),
            ),
        ]),
        Mode::Normal
        | Mode::Help
        | Mode::Menu
        | Mode::Dialog
        | Mode::Choose
        | Mode::ConfirmQuit => match &app.message {
            Some(message) => Line::styled(
                message.text.clone(),
                theme.style(if message.is_error {
                    Role::Critical
                } else {
                    Role::Accent
                }),
            ),
            None => hints(app),
        },
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The most used keys, taken from the active keymap so the hints never lie.
fn hints(app: &App) -> Line<'static> {
    let theme = &app.settings.theme;
    let mut spans = Vec::new();
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
            spans.push(Span::styled(format!(" {key}"), theme.style(Role::Accent)));
            spans.push(Span::styled(format!(" {label} "), theme.style(Role::Muted)));
        }
    }
    Line::from(spans)
}
