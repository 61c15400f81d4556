//! The one `Action` enum: everything the UI can be asked to do, from a key, a command or a runbook step.

use std::fmt;

/// A screen of the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum View {
    Overview,
    Alarms,
    Wlm,
    Storage,
    LoadErrors,
    Elt,
    Logs,
    Tenant,
    /// A runbook walkthrough.
    Runbook,
}

impl View {
    /// The views reachable by `next_view` / `prev_view`, in tab order.
    pub const TABS: [View; 7] = [
        View::Overview,
        View::Alarms,
        View::Wlm,
        View::Storage,
        View::LoadErrors,
        View::Elt,
        View::Logs,
    ];

    /// The name used in command mode (`:alarms`) and in the tab bar.
    pub fn command(self) -> &'static str {
        match self {
            View::Overview => "overview",
            View::Alarms => "alarms",
            View::Wlm => "wlm",
            View::Storage => "storage",
            View::LoadErrors => "loaderrors",
            View::Elt => "elt",
            View::Logs => "logs",
            View::Tenant => "tenant",
            View::Runbook => "runbook",
        }
    }

    /// The title in `lang`.
    pub fn title_in(self, lang: crate::i18n::Lang) -> &'static str {
        if lang == crate::i18n::Lang::En {
            return self.title();
        }
        match self {
            View::Overview => "概要",
            View::Alarms => "アラーム",
            View::Wlm => "WLM",
            View::Storage => "ストレージ",
            View::LoadErrors => "ロードエラー",
            View::Elt => "ELT 実行",
            View::Logs => "エラーログ",
            View::Tenant => "テナント",
            View::Runbook => "ランブック",
        }
    }

    /// The short name in the tab bar, in `lang`.
    pub fn tab_in(self, lang: crate::i18n::Lang) -> &'static str {
        match (lang, self) {
            (crate::i18n::Lang::En, _) => self.tab(),
            (_, View::LoadErrors) => "COPY",
            (_, View::Elt) => "ELT",
            (_, View::Logs) => "ログ",
            (_, other) => other.title_in(lang),
        }
    }

    /// The short name in the tab bar.
    pub fn tab(self) -> &'static str {
        match self {
            View::LoadErrors => "COPY",
            View::Elt => "ELT",
            View::Logs => "Logs",
            other => other.title(),
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            View::Overview => "Overview",
            View::Alarms => "Alarms",
            View::Wlm => "WLM",
            View::Storage => "Storage",
            View::LoadErrors => "Load errors",
            View::Elt => "ELT runs",
            View::Logs => "Error log",
            View::Tenant => "Tenant",
            View::Runbook => "Runbook",
        }
    }
}

/// Something the UI does. Key bindings name the parameterless ones (see [`Action::BINDABLE`]);
/// command mode and drill-down produce the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Quit,
    Refresh,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Select,
    Back,
    CommandMode,
    FilterMode,
    Help,
    NextView,
    PrevView,
    Show(View),
    ShowTenant(String),
    /// The recovery actions that fit here.
    ActionMenu,
    /// The runbook for the selected alarm or finding.
    OpenRunbook,
    /// The selected runbook step's command, or the console URL of the selected execution or
    /// alarm, to the clipboard.
    Copy,
    /// The ARN of the selected execution or alarm to the clipboard.
    CopyArn,
    SetFilter(String),
}

impl Action {
    /// Every action a keymap may bind, with its keymap name and its help text.
    pub const BINDABLE: &'static [(&'static str, Action, &'static str)] = &[
        ("quit", Action::Quit, "quit shiftops"),
        ("refresh", Action::Refresh, "refresh every source now"),
        ("up", Action::Up, "move the selection up"),
        ("down", Action::Down, "move the selection down"),
        ("page_up", Action::PageUp, "move up one page"),
        ("page_down", Action::PageDown, "move down one page"),
        ("top", Action::Top, "jump to the first row"),
        ("bottom", Action::Bottom, "jump to the last row"),
        (
            "select",
            Action::Select,
            "drill in: the row's tenant, an alarm's history, a running query's SQL, or an ELT \
             run's whole error and cause",
        ),
        ("back", Action::Back, "go back / close / clear the filter"),
        (
            "command",
            Action::CommandMode,
            "command mode (:alarms, :tenant NAME …)",
        ),
        ("filter", Action::FilterMode, "filter the rows of this view"),
        ("help", Action::Help, "show this help"),
        ("next_view", Action::NextView, "next view"),
        ("prev_view", Action::PrevView, "previous view"),
        (
            "overview",
            Action::Show(View::Overview),
            "the fleet overview",
        ),
        ("alarms", Action::Show(View::Alarms), "CloudWatch alarms"),
        ("wlm", Action::Show(View::Wlm), "WLM queues"),
        ("storage", Action::Show(View::Storage), "storage and tables"),
        (
            "load_errors",
            Action::Show(View::LoadErrors),
            "COPY load errors",
        ),
        ("elt", Action::Show(View::Elt), "Step Functions ELT runs"),
        (
            "logs",
            Action::Show(View::Logs),
            "failed queries and failed logins",
        ),
        (
            "tenant",
            Action::Show(View::Tenant),
            "the tenant of the selected row",
        ),
        (
            "actions",
            Action::ActionMenu,
            "recovery actions for this row (preview, confirm, audit)",
        ),
        (
            "runbook",
            Action::OpenRunbook,
            "the runbook of the selected alarm or finding",
        ),
        (
            "copy",
            Action::Copy,
            "copy the runbook step's command, or the AWS console URL of the selected run, alarm or tenant's cluster",
        ),
        (
            "copy_arn",
            Action::CopyArn,
            "copy the ARN of the selected run, alarm or tenant's cluster",
        ),
    ];

    /// The help text of a bindable action in `lang` (`english` is its text in `BINDABLE`).
    pub fn help_in(name: &str, english: &'static str, lang: crate::i18n::Lang) -> &'static str {
        if lang == crate::i18n::Lang::En {
            return english;
        }
        match name {
            "quit" => "shiftops を終了",
            "refresh" => "すべてのソースを今すぐ更新",
            "up" => "選択を上へ",
            "down" => "選択を下へ",
            "page_up" => "1 ページ上へ",
            "page_down" => "1 ページ下へ",
            "top" => "先頭の行へ",
            "bottom" => "最後の行へ",
            "select" => {
                "詳細へ: 行のテナント、アラームの履歴、実行中のクエリの SQL、または ELT 実行のエラーと原因の全文"
            }
            "back" => "戻る / 閉じる / 絞り込みを解除",
            "command" => "コマンドモード(:alarms、:tenant 名前 …)",
            "filter" => "この画面の行を絞り込む",
            "help" => "このヘルプを表示",
            "next_view" => "次の画面",
            "prev_view" => "前の画面",
            "overview" => "フリートの概要",
            "alarms" => "CloudWatch アラーム",
            "wlm" => "WLM キュー",
            "storage" => "ストレージとテーブル",
            "load_errors" => "COPY のロードエラー",
            "elt" => "Step Functions の ELT 実行",
            "logs" => "失敗したクエリとログイン失敗",
            "tenant" => "選択中の行のテナント",
            "actions" => "この行の復旧アクション(プレビュー、確認、監査)",
            "runbook" => "選択中のアラームか検出事項のランブック",
            "copy" => {
                "ランブックの手順のコマンド、または選択中の実行・アラーム・テナントのクラスターの AWS コンソール URL をコピー"
            }
            "copy_arn" => "選択中の実行・アラーム・テナントのクラスターの ARN をコピー",
            _ => english,
        }
    }

    /// The action a keymap names, if any.
    pub fn from_name(name: &str) -> Option<Action> {
        Self::BINDABLE
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, a, _)| a.clone())
    }

    /// The keymap name of a bindable action.
    pub fn name(&self) -> Option<&'static str> {
        Self::BINDABLE
            .iter()
            .find(|(_, a, _)| a == self)
            .map(|(n, _, _)| *n)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "{self:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn every_bindable_action_and_view_speaks_japanese() {
        for (name, _, english) in Action::BINDABLE {
            let japanese = Action::help_in(name, english, Lang::Ja);
            assert_ne!(japanese, *english, "{name} has no Japanese help");
            assert_eq!(Action::help_in(name, english, Lang::En), *english);
        }
        for view in View::TABS.into_iter().chain([View::Tenant, View::Runbook]) {
            if view != View::Wlm {
                assert_ne!(view.title_in(Lang::Ja), view.title(), "{view:?}");
            }
        }
    }

    #[test]
    fn every_command_speaks_japanese() {
        for command in crate::tui::command::COMMANDS {
            assert_ne!(
                command.help(Lang::Ja),
                command.help(Lang::En),
                ":{} has no Japanese help",
                command.name
            );
        }
    }
}
