//! The copy keys. `copy`: the selected runbook step's command, filled in, to the clipboard; or,
//! where a run, an alarm or a tenant is shown (the ELT, alarms and tenant views), the AWS console
//! URL of the run, the alarm or the tenant's Aurora cluster — the thing to open in a browser, or
//! to paste into the incident channel. `copy_arn`: its ARN, for the CLI. A step with several commands gives them one at a time: pasting an
//! UNLOAD and the DELETE that must wait for its check in one go would run both.

use super::{Context, Recovery, Reply, known};
use crate::i18n::Lang;
use crate::model::console_url;
use crate::tui::action::{Action, View};
use crate::tui::app::Effect;
use crate::tui::runbook::text;

impl Recovery {
    /// What the copy key does where the user is.
    pub fn copy(&mut self, context: &Context) -> Reply {
        let lang = context.lang;
        if context.view == View::Runbook {
            return self.copy_step_command(context);
        }
        let Some(arn) = selected_arn(context) else {
            return nothing_to_copy(lang);
        };
        match console_url(arn) {
            Some(url) => Reply {
                effect: Effect::Copy(url),
                ..Reply::info(lang.pick(
                    "copied its AWS console URL to the clipboard (OSC 52)",
                    "AWS コンソールの URL をクリップボードにコピーしました(OSC 52)",
                ))
            },
            None => Reply {
                effect: Effect::Copy(arn.to_string()),
                ..Reply::info(lang.pick(
                    "the console has no page for this ARN: copied the ARN (OSC 52)",
                    "この ARN のコンソールのページはありません: ARN をコピーしました(OSC 52)",
                ))
            },
        }
    }

    /// What the copy-ARN key does: the selected run's or alarm's ARN.
    pub fn copy_arn(&mut self, context: &Context) -> Reply {
        let lang = context.lang;
        match selected_arn(context) {
            Some(arn) => Reply {
                effect: Effect::Copy(arn.to_string()),
                ..Reply::info(lang.pick(
                    "copied its ARN to the clipboard (OSC 52)",
                    "ARN をクリップボードにコピーしました(OSC 52)",
                ))
            },
            None => nothing_to_copy(lang),
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

/// The ARN of what is selected here: the ELT view's run, the alarms view's alarm.
fn selected_arn<'a>(context: &Context<'a>) -> Option<&'a str> {
    match context.view {
        View::Elt => context.execution,
        View::Alarms => context.alarm.and_then(|alarm| alarm.arn.as_deref()),
        // The tenant view: the tenant's Aurora cluster (its console page lists its integration).
        View::Tenant => {
            let tenant = context.tenant.as_deref()?;
            context
                .snapshot
                .clusters
                .iter()
                .find(|cluster| cluster.tenant == tenant)
                .and_then(|cluster| cluster.arn.as_deref())
        }
        _ => None,
    }
}

fn nothing_to_copy(lang: Lang) -> Reply {
    Reply::info(lang.pick(
        "nothing to copy here: the copy keys copy a runbook step's command, or the console URL and \
         ARN of a run, an alarm or a tenant's cluster (ELT, alarms and tenant views)",
        "ここにはコピーするものがありません: コピーキーはランブックの手順のコマンドか、\
         実行・アラーム・テナントのクラスターのコンソール URL と ARN(ELT・アラーム・テナントの画面)\
         をコピーします",
    ))
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
