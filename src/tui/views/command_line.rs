//! The command line at the bottom: every candidate completion offers, wrapped over as many lines
//! as they take (scrolled to the one Tab chose when they take more than the screen spares), what
//! the command does, and the line being typed.

use ratatui::text::{Line, Span};

use crate::i18n::{self, Lang};
use crate::tui::app::App;
use crate::tui::command::Prompt;
use crate::tui::theme::Role;

const GAP: &str = "  ";

/// The lines of the command line, the typed line last; at most `max_rows` of them.
pub fn lines(app: &App, width: u16, max_rows: u16) -> Vec<Line<'static>> {
    let theme = &app.settings.theme;
    let lang = app.settings.lang;
    let line = app.command_line();
    let width = usize::from(width.max(1));
    let max_rows = usize::from(max_rows.max(1));
    if line.prompt() == Prompt::Filter {
        return vec![Line::from(vec![
            Span::styled(format!("/{}▏", line.input()), theme.style(Role::Input)),
            Span::styled(
                lang.pick("   Enter apply · Esc cancel", "   Enter 適用 · Esc 取消"),
                theme.style(Role::Muted),
            ),
        ])];
    }
    let typed = Line::styled(format!(":{}▏", line.input()), theme.style(Role::Input));
    let shown = line.shown(&app.command_context());
    let rows = pack(&shown.candidates, width);
    let about = match shown.spec {
        Some(spec) => format!("{}  {}", spec.usage(lang), spec.help(lang)),
        None => lang
            .pick(
                "Tab completes · Tab again goes through the candidates · Enter runs · Esc leaves",
                "Tab で補完 · もう一度 Tab で候補を順に · Enter で実行 · Esc で戻る",
            )
            .to_string(),
    };
    let mut about = i18n::wrap(&about, width);
    about.truncate(2);
    // The candidates take what the typed line and the description leave.
    let room = max_rows.saturating_sub(1 + about.len()).max(1);
    let chosen_row = shown
        .selected
        .and_then(|chosen| rows.iter().position(|row| row.contains(&chosen)))
        .unwrap_or(0);
    let first = chosen_row
        .saturating_sub(room - 1)
        .min(rows.len().saturating_sub(room));
    let visible = &rows[first..(first + room).min(rows.len())];
    let hidden = shown.candidates.len() - visible.iter().map(Vec::len).sum::<usize>();
    if hidden > 0 {
        let more = match lang {
            Lang::En => format!("+{hidden} more (type to narrow, Tab goes through them) · "),
            Lang::Ja => format!("ほか {hidden} 件(入力で絞り込み、Tab で順に) · "),
        };
        about = i18n::wrap(&format!("{more}{}", about.join(" ")), width);
        about.truncate(1);
    }
    let mut lines: Vec<Line> = visible
        .iter()
        .map(|row| {
            let mut spans = Vec::new();
            for (i, &index) in row.iter().enumerate() {
                if i > 0 {
                    spans.push(Span::raw(GAP));
                }
                let role = if shown.selected == Some(index) {
                    Role::Selection
                } else {
                    Role::Accent
                };
                spans.push(Span::styled(
                    shown.candidates[index].clone(),
                    theme.style(role),
                ));
            }
            Line::from(spans)
        })
        .collect();
    lines.extend(
        about
            .into_iter()
            .map(|text| Line::styled(text, theme.style(Role::Muted))),
    );
    lines.push(typed);
    let cut = lines.len().saturating_sub(max_rows);
    lines.drain(..cut);
    lines
}

/// The candidates' indexes, row by row, each row as many as fit in `width` with a gap between.
fn pack(candidates: &[String], width: usize) -> Vec<Vec<usize>> {
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut used = 0;
    for (index, candidate) in candidates.iter().enumerate() {
        let needed = i18n::width(candidate);
        match rows.last_mut() {
            Some(row) if used + GAP.len() + needed <= width => {
                row.push(index);
                used += GAP.len() + needed;
            }
            _ => {
                rows.push(vec![index]);
                used = needed;
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::pack;

    #[test]
    fn candidates_wrap_into_rows_that_fit() {
        let names: Vec<String> = ["overview", "alarms", "wlm", "storage"]
            .map(String::from)
            .into();
        assert_eq!(pack(&names, 80), vec![vec![0, 1, 2, 3]]);
        // "overview  alarms" is 16 columns; "wlm" would make it 21.
        assert_eq!(pack(&names, 20), vec![vec![0, 1], vec![2, 3]]);
        assert_eq!(pack(&names, 3), vec![vec![0], vec![1], vec![2], vec![3]]);
    }
}
