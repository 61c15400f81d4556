//! The help overlay, generated from the active keymap so it always tells the truth.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::widgets::block;
use crate::i18n;
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
    // The usage in a column as wide as the longest, the help wrapped beside it.
    let lang = app.settings.lang;
    let usages: Vec<String> = COMMANDS.iter().map(|c| c.usage(lang)).collect();
    let column = usages.iter().map(|u| i18n::width(u)).max().unwrap_or(0) + 1;
    let room = usize::from(width.saturating_sub(2))
        .saturating_sub(column)
        .max(20);
    for (command, usage) in COMMANDS.iter().zip(&usages) {
        for (i, text) in i18n::wrap(command.help(lang), room).into_iter().enumerate() {
            let usage = if i == 0 { usage.as_str() } else { "" };
            lines.push(Line::from(vec![
                Span::styled(i18n::pad(usage, column), theme.style(Role::Accent)),
                Span::raw(text),
            ]));
        }
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
