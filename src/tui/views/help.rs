//! The help overlay, generated from the active keymap so it always tells the truth.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::widgets::block;
use crate::tui::app::App;
use crate::tui::command::COMMANDS;
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
    let mut lines = vec![Line::styled(
        app.settings.lang.pick("Keys", "キー"),
        theme.style(Role::Header),
    )];
    for (keys, name, help) in app.settings.keymap.help_rows() {
        lines.push(Line::from(vec![
            Span::styled(format!("{keys:<18}"), theme.style(Role::Accent)),
            Span::styled(format!("{name:<12}"), theme.style(Role::Muted)),
            Span::raw(crate::tui::action::Action::help_in(
                name,
                help,
                app.settings.lang,
            )),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        app.settings
            .lang
            .pick("Commands (Tab completes)", "コマンド(Tab で補完)"),
        theme.style(Role::Header),
    ));
    for command in COMMANDS {
        lines.push(Line::from(vec![
            Span::styled(format!(":{:<17}", command.name), theme.style(Role::Accent)),
            Span::raw(command.help(app.settings.lang)),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        app.settings.lang.pick(
            "Statuses: ✓ OK  ▲ WARN  ✗ CRIT  ? UNKN (no data)  … in progress",
            "状態: ✓ 正常  ▲ 警告  ✗ 重大  ? 不明(データなし)  … 実行中",
        ),
        theme.style(Role::Muted),
    ));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((app.help_scroll, 0))
            .style(theme.style(Role::Text))
            .block(block(
                theme,
                app.settings
                    .lang
                    .pick("Help — Esc closes", "ヘルプ — Esc で閉じる")
                    .into(),
            )),
        popup,
    );
}
