//! The help overlay, generated from the active keymap so it always tells the truth.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::widgets::block;
use crate::tui::app::{App, COMMANDS};
use crate::tui::theme::Role;

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.settings.theme;
    let width = area.width.min(72);
    let height = area.height;
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y,
        width,
        height,
    };
    let mut lines = vec![Line::styled("Keys", theme.style(Role::Header))];
    for (keys, name, help) in app.settings.keymap.help_rows() {
        lines.push(Line::from(vec![
            Span::styled(format!("{keys:<18}"), theme.style(Role::Accent)),
            Span::styled(format!("{name:<12}"), theme.style(Role::Muted)),
            Span::raw(help),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Commands (Tab completes)",
        theme.style(Role::Header),
    ));
    for (command, help) in COMMANDS {
        lines.push(Line::from(vec![
            Span::styled(format!(":{command:<17}"), theme.style(Role::Accent)),
            Span::raw(*help),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Statuses: ✓ OK  ▲ WARN  ✗ CRIT  ? UNKN (no data)  … in progress",
        theme.style(Role::Muted),
    ));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((app.help_scroll, 0))
            .style(theme.style(Role::Text))
            .block(block(theme, "Help — Esc closes".into())),
        popup,
    );
}
