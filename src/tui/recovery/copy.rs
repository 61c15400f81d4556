//! The copy key: the selected runbook step's command, filled in, to the clipboard (or, in the
//! ELT view, the selected execution's ARN). A step with several commands gives them one at a
//! time: pasting an UNLOAD and the DELETE that must wait for its check in one go would run both.

use super::{Context, Recovery, Reply, known};
use crate::i18n::Lang;
use crate::tui::action::{Action, View};
use crate::tui::app::Effect;
use crate::tui::runbook::text;

impl Recovery {
    /// What the copy key does where the user is.
    pub fn copy(&mut self, context: &Context) -> Reply {
        let lang = context.lang;
        match context.view {
            View::Runbook => self.copy_step_command(context),
            View::Elt if context.execution.is_some() => {
                let arn = context.execution.unwrap_or_default().to_string();
                Reply {
                    effect: Effect::Copy(arn),
                    ..Reply::info(lang.pick(
                        "copied the execution's ARN to the clipboard (OSC 52)",
                        "実行の ARN をクリップボードにコピーしました(OSC 52)",
                    ))
                }
            }
            _ => Reply::info(lang.pick(
                "nothing to copy here: the copy key copies a runbook step's command, or an ELT \
                 execution's ARN",
                "ここにはコピーするものがありません: コピーキーはランブックの手順のコマンドか、\
                 ELT 実行の ARN をコピーします",
            )),
        }
    }

    /// The selected step's next command: the first, then each following one on each press.
    fn copy_step_command(&mut self, context: &Context) -> Reply {
        let lang = context.lang;
        let Some(step) = self
            .current_runbook(context.runbooks)
            .zip(self.walkthrough.as_ref())
            .and_then(|(runbook, w)| runbook.steps.get(w.selected))
        else {
            return Reply::default();
        };
        let Some(walkthrough) = self.walkthrough.as_mut() else {
            return Reply::default();
        };
        let values = known::values(context.snapshot, walkthrough.tenant.as_deref());
        let filled = text::fill(&step.text, &values);
        let commands = text::commands(&filled);
        if commands.is_empty() {
            return Reply::info(lang.pick(
                "this step has no command to copy",
                "この手順にはコピーするコマンドがありません",
            ));
        }
        let index = match walkthrough.copied {
            Some((step, last)) if step == walkthrough.selected => (last + 1) % commands.len(),
            _ => 0,
        };
        walkthrough.copied = Some((walkthrough.selected, index));
        let missing = to_fill_in(&commands[index]);
        let command = commands[index].clone();
        let lines = command.lines().count();
        let key = context
            .keymap
            .keys_for(&Action::Copy)
            .first()
            .map(|key| key.to_string())
            .unwrap_or_default();
        let mut message = match (lang, commands.len()) {
            (Lang::En, 1) => format!(
                "copied {lines} line{} to the clipboard (OSC 52)",
                if lines == 1 { "" } else { "s" }
            ),
            (Lang::En, count) => format!(
                "copied command {} of {count} ({lines} line{}) to the clipboard (OSC 52); {key} \
                 copies the next",
                index + 1,
                if lines == 1 { "" } else { "s" }
            ),
            (Lang::Ja, 1) => format!("{lines} 行をクリップボードにコピーしました(OSC 52)"),
            (Lang::Ja, count) => format!(
                "コマンド {}/{count}({lines} 行)をクリップボードにコピー(OSC 52)。{key} で次のコマンド",
                index + 1
            ),
        };
        if !missing.is_empty() {
            message.push_str(&match lang {
                Lang::En => format!("; fill in {} before running it", missing.join(", ")),
                Lang::Ja => format!("。実行前に {} を埋めてください", missing.join("、")),
            });
        }
        Reply {
            effect: Effect::Copy(command),
            ..Reply::info(message)
        }
    }
}

/// The `<name>`s left in a command: placeholders the console has no value for, and the values
/// the runbook leaves to the engineer (`<model>`), in order, once each.
fn to_fill_in(command: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut rest = command;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(after.len());
        let is_name = name_len > 0
            && after.starts_with(|c: char| c.is_ascii_alphabetic())
            && after[name_len..].starts_with('>');
        if is_name {
            let name = format!("<{}>", &after[..name_len]);
            if !found.contains(&name) {
                found.push(name);
            }
        }
        rest = after;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::to_fill_in;

    #[test]
    fn what_is_left_to_fill_in_is_every_name_in_angle_brackets() {
        assert_eq!(
            to_fill_in("aws s3 cp fixed.parquet s3://<bucket>/<prefix> --key <key> <bucket>"),
            ["<bucket>", "<prefix>", "<key>"]
        );
        assert_eq!(
            to_fill_in("dbt run --select <model>+ && x <archive-bucket>"),
            ["<model>", "<archive-bucket>"]
        );
        assert!(to_fill_in("WHERE table_state <> 'Synced' AND a < 3 AND b > 2").is_empty());
        assert!(to_fill_in("SELECT 1 <2> <").is_empty());
    }
}
