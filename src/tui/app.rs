//! UI state and how actions change it. Pure: no terminal, no I/O, so every behaviour is testable.

use std::collections::HashMap;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::{Action, View};
use super::keymap::Keymap;
use super::recovery::{self, ActionEvent, Dialog, Menu, Stage, Walkthrough};
use super::rows::Rows;
use super::runbook::{self, Runbook, StepKind};
use super::theme::Theme;
use crate::action::{ActionError, ActionKind, Plan, Request, ResyncScope};
use crate::health::{Health, Thresholds, evaluate};
use crate::model::{AlarmState, Event, Snapshot, SourceId, Time, Timeline};
use crate::source::refresh::SourceEvent;

/// What the event loop must do after the UI handled something.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    None,
    Quit,
    Refresh,
    /// Fetch this alarm's history (DescribeAlarmHistory) in a task.
    FetchAlarmHistory(String),
    /// Ask the operator for the plan of a request (the preview).
    PlanAction(Request),
    /// Execute a previewed plan with what the user typed to confirm it.
    ExecuteAction {
        plan: Box<Plan>,
        typed: String,
    },
    /// Record that the actions of unknown outcome were verified by hand.
    AcknowledgeUnknown,
    /// Write the incident record (Markdown) to this file.
    ExportIncident {
        path: std::path::PathBuf,
        markdown: String,
    },
}

/// An alarm's history as last fetched, or why it could not be.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmHistoryView {
    pub alarm: String,
    /// `None` while the fetch is in flight.
    pub items: Option<Result<Vec<crate::model::AlarmHistoryItem>, String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Typing a `:` command.
    Command,
    /// Typing a `/` filter for the current view.
    Filter,
    Help,
    /// Choosing an action from the menu.
    Menu,
    /// An action's preview, confirmation, progress and result.
    Dialog,
    /// Quitting while something is left changed (a pause): `y` or the quit key quits.
    ConfirmQuit,
}

/// A line of feedback under the view (an unknown command, a refresh request …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub is_error: bool,
}

/// Loaded once at start: how the console looks, which keys do what, where findings start.
#[derive(Debug, Clone)]
pub struct Settings {
    pub theme: Theme,
    pub keymap: Keymap,
    pub thresholds: Thresholds,
    pub runbooks: Vec<Runbook>,
    pub lang: crate::i18n::Lang,
    /// Whether recovery actions run here at all (a console with no operator only shows them).
    pub actions: bool,
    pub read_only: bool,
}

impl Settings {
    /// What a console with no configuration at all uses: the dark theme, the default keymap,
    /// seed 001's thresholds and the shipped runbooks, with actions on.
    pub fn shipped(lang: crate::i18n::Lang) -> Settings {
        Settings {
            theme: super::theme::load("dark").expect("the shipped themes are valid"),
            keymap: super::keymap::load("default", None).expect("the shipped keymaps are valid"),
            thresholds: Thresholds::default(),
            runbooks: runbook::load_shipped(lang).expect("the shipped runbooks are valid"),
            lang,
            actions: true,
            read_only: false,
        }
    }

    /// Loads the theme and keymap named on the command line or in the config file.
    /// `NO_COLOR` (any value) keeps the theme's emphasis but drops its colours.
    pub fn load(
        config: &crate::config::Config,
        theme: Option<&str>,
        keymap: Option<&str>,
        lang: crate::i18n::Lang,
    ) -> Result<Settings, crate::datafile::DataFileError> {
        let mut theme = super::theme::load(theme.unwrap_or(&config.ui.theme))?;
        if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            theme = theme.no_color();
        }
        let user_keymap = crate::config::config_dir()
            .map(|dir| dir.join("keymap.toml"))
            .filter(|path| path.exists());
        let keymap =
            super::keymap::load(keymap.unwrap_or(&config.ui.keymap), user_keymap.as_deref())?;
        Ok(Settings {
            theme,
            keymap,
            thresholds: config.thresholds.clone(),
            runbooks: runbook::load_all(lang)?,
            lang,
            actions: true,
            read_only: config.safety.read_only,
        })
    }
}

pub struct App {
    pub title: String,
    pub settings: Settings,
    pub snapshot: Snapshot,
    pub health: Health,
    pub rows: Rows,
    pub now: Time,
    pub view: View,
    back_stack: Vec<View>,
    /// The tenant shown by the tenant view.
    pub tenant: Option<String>,
    selected: HashMap<View, usize>,
    pub filters: HashMap<View, String>,
    pub mode: Mode,
    /// The text being typed in command or filter mode.
    pub input: String,
    pub message: Option<Message>,
    pub help_scroll: u16,
    pub alarm_history: Option<AlarmHistoryView>,
    pub menu: Option<Menu>,
    pub dialog: Option<Dialog>,
    pub walkthrough: Option<Walkthrough>,
    /// The session's incident record.
    pub timeline: Timeline,
    /// The alarm states last seen, so the timeline records changes.
    alarm_states: HashMap<String, AlarmState>,
    /// How many rows the current view shows, set by the last draw; paging moves by it.
    pub page_size: usize,
    /// How the console polls CloudWatch, for its cost on the status line (set by the event loop).
    pub polling: Option<super::cost::Polling>,
    dirty: bool,
}

/// Commands of `:` mode, for completion and help.
pub const COMMANDS: &[(&str, &str)] = &[
    ("overview", "the fleet overview"),
    ("alarms", "CloudWatch alarms"),
    ("wlm", "WLM queues"),
    ("storage", "storage and tables"),
    ("loaderrors", "COPY load errors"),
    ("elt", "Step Functions ELT runs"),
    ("logs", "the warehouse's ERROR log lines"),
    ("tenant", "one tenant: :tenant NAME"),
    ("runbook", "open a runbook: :runbook ID (Tab completes)"),
    ("rerun", "rerun the latest failed ELT execution"),
    (
        "pause-adhoc",
        "pause the adhoc WLM queue (:pause-adhoc cancel also cancels its queries)",
    ),
    (
        "resume-adhoc",
        "restore the WLM configuration saved by the pause",
    ),
    (
        "resync",
        "resync a tenant's tables in error (:resync TENANT [all])",
    ),
    (
        "start-export",
        "start a snapshot export (:start-export TENANT)",
    ),
    ("vacuum", "VACUUM a tenant's tables (:vacuum TENANT)"),
    ("analyze", "ANALYZE a tenant's tables (:analyze TENANT)"),
    ("cancel", "cancel a query: :cancel PID"),
    ("note", "add a note to the incident record: :note TEXT"),
    (
        "export",
        "write the incident record as Markdown: :export [FILE]",
    ),
    (
        "verified",
        "mark actions of unknown outcome as verified by hand",
    ),
    ("refresh", "refresh every source now"),
    ("help", "keys and commands"),
    ("quit", "quit shiftops"),
];

/// The help text of a `:` command in `lang` (`english` is its text in [`COMMANDS`]).
pub fn command_help(name: &str, english: &'static str, lang: crate::i18n::Lang) -> &'static str {
    if lang == crate::i18n::Lang::En {
        return english;
    }
    match name {
        "overview" => "フリートの概要",
        "alarms" => "CloudWatch アラーム",
        "wlm" => "WLM キュー",
        "storage" => "ストレージとテーブル",
        "loaderrors" => "COPY のロードエラー",
        "elt" => "Step Functions の ELT 実行",
        "logs" => "ウェアハウスの ERROR ログ",
        "tenant" => "テナント: :tenant 名前",
        "runbook" => "ランブックを開く: :runbook ID(Tab で補完)",
        "rerun" => "直近に失敗した ELT 実行を再実行",
        "pause-adhoc" => {
            "adhoc WLM キューを一時停止(:pause-adhoc cancel で実行中のクエリもキャンセル)"
        }
        "resume-adhoc" => "一時停止で保存した WLM 設定を復元",
        "resync" => "テナントのエラー中テーブルを再同期(:resync テナント [all])",
        "start-export" => "スナップショットのエクスポートを開始(:start-export テナント)",
        "vacuum" => "テナントのテーブルを VACUUM(:vacuum テナント)",
        "analyze" => "テナントのテーブルを ANALYZE(:analyze テナント)",
        "cancel" => "クエリをキャンセル: :cancel PID",
        "note" => "インシデント記録にメモ: :note メモ",
        "export" => "インシデント記録を Markdown で書き出す: :export [ファイル]",
        "verified" => "結果不明の操作を手で確認済みにする",
        "refresh" => "すべてのソースを今すぐ更新",
        "help" => "キーとコマンド",
        "quit" => "shiftops を終了",
        _ => english,
    }
}

impl App {
    pub fn new(title: String, settings: Settings, snapshot: Snapshot, now: Time) -> Self {
        let health = evaluate(&snapshot, &settings.thresholds, now);
        let rows = Rows::build(&snapshot, &health, now);
        let mut app = Self {
            title,
            settings,
            snapshot,
            health,
            rows,
            now,
            view: View::Overview,
            back_stack: Vec::new(),
            tenant: None,
            selected: HashMap::new(),
            filters: HashMap::new(),
            mode: Mode::Normal,
            input: String::new(),
            message: None,
            help_scroll: 0,
            alarm_history: None,
            menu: None,
            dialog: None,
            walkthrough: None,
            timeline: Timeline::default(),
            alarm_states: HashMap::new(),
            page_size: 10,
            polling: None,
            dirty: true,
        };
        app.rows.apply_filters(&app.filters, app.tenant.as_deref());
        let empty = Health {
            findings: Vec::new(),
            tenant_status: Default::default(),
            status: crate::health::Status::Ok,
        };
        app.record_changes(&empty);
        app
    }

    /// Puts what changed since `before` on the incident timeline: findings raised and cleared,
    /// alarms that changed state.
    fn record_changes(&mut self, before: &Health) {
        let key = |f: &crate::health::Finding| {
            let alarm = f.alarm().unwrap_or_default().to_string();
            (f.tenant.clone(), f.check, alarm)
        };
        let old: std::collections::HashSet<_> = before.findings.iter().map(key).collect();
        let new: std::collections::HashSet<_> = self.health.findings.iter().map(key).collect();
        for finding in &self.health.findings {
            if !old.contains(&key(finding)) {
                self.timeline.push(
                    self.now,
                    Event::FindingRaised {
                        tenant: finding.tenant.clone(),
                        check: finding.check.as_str().into(),
                        severity: finding.severity.to_string(),
                        message: finding.message.clone(),
                    },
                );
            }
        }
        for finding in &before.findings {
            if !new.contains(&key(finding)) {
                self.timeline.push(
                    self.now,
                    Event::FindingCleared {
                        tenant: finding.tenant.clone(),
                        check: finding.check.as_str().into(),
                        message: finding.message.clone(),
                    },
                );
            }
        }
        for alarm in &self.snapshot.alarms {
            let previous = self.alarm_states.insert(alarm.name.clone(), alarm.state);
            let changed = match previous {
                Some(state) => state != alarm.state,
                None => alarm.state == AlarmState::Alarm,
            };
            if changed {
                self.timeline.push(
                    alarm.since.max(self.now - chrono::Duration::days(1)),
                    Event::AlarmChanged {
                        alarm: alarm.name.clone(),
                        from: previous.map_or("—".into(), |s| s.to_string()),
                        to: alarm.state.to_string(),
                        reason: alarm.reason.clone(),
                    },
                );
            }
        }
    }

    /// A message that must not be missed (an action whose outcome is unknown …): shown and recorded.
    pub fn notice(&mut self, text: String) {
        self.timeline
            .push(self.now, Event::Note { text: text.clone() });
        self.error(text);
    }

    /// Whether anything changed since the last draw; clears the flag.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    pub fn mark_dirty(&mut self) {
        self.dirty = true;
    }

    /// The clock moved: data ages on screen change, findings that depend on time may too.
    pub fn tick(&mut self, now: Time) {
        let seconds_changed = now.timestamp() != self.now.timestamp();
        self.now = now;
        if seconds_changed {
            self.dirty = true;
        }
    }

    pub fn on_source_event(&mut self, event: SourceEvent) {
        self.on_source_events([event]);
    }

    /// Applies what several sources reported, then re-derives health and rows once: the event
    /// loop hands over together what arrived within one tick of its clock.
    pub fn on_source_events(&mut self, events: impl IntoIterator<Item = SourceEvent>) {
        let mut changed = false;
        for event in events {
            match event {
                SourceEvent::Started(id) => self.snapshot.begin(id),
                SourceEvent::Finished(result) => changed |= self.snapshot.accept(*result),
            }
        }
        if changed {
            self.recompute();
        }
        self.dirty = true;
    }

    /// Re-derives health and rows after the data changed (not on every frame).
    fn recompute(&mut self) {
        let before = std::mem::replace(
            &mut self.health,
            evaluate(&self.snapshot, &self.settings.thresholds, self.now),
        );
        self.record_changes(&before);
        self.rows = Rows::build(&self.snapshot, &self.health, self.now);
        self.rows
            .apply_filters(&self.filters, self.tenant.as_deref());
        self.clamp_selection();
    }

    pub fn selected(&self, view: View) -> usize {
        self.selected.get(&view).copied().unwrap_or(0)
    }

    fn set_selected(&mut self, index: usize) {
        let len = self.rows.len(self.view);
        let index = index.min(len.saturating_sub(1));
        self.selected.insert(self.view, index);
    }

    fn clamp_selection(&mut self) {
        for view in View::TABS.into_iter().chain([View::Tenant]) {
            let len = self.rows.len(view);
            if let Some(selected) = self.selected.get_mut(&view) {
                *selected = (*selected).min(len.saturating_sub(1));
            }
        }
    }

    pub fn source_in_flight(&self, id: SourceId) -> bool {
        self.snapshot.source(id).is_some_and(|s| s.in_flight)
    }

    /// Handles a key press according to the mode and the keymap.
    pub fn on_key(&mut self, key: KeyEvent) -> Effect {
        self.dirty = true;
        match self.mode {
            Mode::Normal => match self.settings.keymap.action_for(&key) {
                Some(action) => self.dispatch(action),
                None => Effect::None,
            },
            Mode::Help => self.on_help_key(key),
            Mode::Command | Mode::Filter => self.on_input_key(key),
            Mode::Menu => self.on_menu_key(key),
            Mode::Dialog => self.on_dialog_key(key),
            Mode::ConfirmQuit => {
                self.mode = Mode::Normal;
                let quit = key.code == KeyCode::Char('y')
                    || self.settings.keymap.action_for(&key) == Some(Action::Quit);
                if quit {
                    return Effect::Quit;
                }
                self.info(self.t("still here", "終了しませんでした"));
                Effect::None
            }
        }
    }

    fn on_help_key(&mut self, key: KeyEvent) -> Effect {
        match self.settings.keymap.action_for(&key) {
            Some(Action::Down) => self.help_scroll = self.help_scroll.saturating_add(1),
            Some(Action::Up) => self.help_scroll = self.help_scroll.saturating_sub(1),
            Some(Action::Quit) if key.modifiers.contains(KeyModifiers::CONTROL) => {
                return Effect::Quit;
            }
            Some(Action::Help | Action::Back | Action::Quit) => self.mode = Mode::Normal,
            _ if key.code == KeyCode::Esc => self.mode = Mode::Normal,
            _ => {}
        }
        Effect::None
    }

    fn on_input_key(&mut self, key: KeyEvent) -> Effect {
        match key.code {
            KeyCode::Esc => {
                if self.mode == Mode::Filter {
                    // Esc abandons the edit; the filter in force stays as it was.
                    self.input.clear();
                }
                self.mode = Mode::Normal;
            }
            KeyCode::Enter => {
                let input = std::mem::take(&mut self.input);
                let mode = std::mem::replace(&mut self.mode, Mode::Normal);
                if mode == Mode::Command {
                    return self.run_command(&input);
                }
                return self.dispatch(Action::SetFilter(input));
            }
            KeyCode::Tab => {
                if self.mode == Mode::Command
                    && let Some(completed) = self.complete(&self.input)
                {
                    self.input = completed;
                }
            }
            KeyCode::Backspace => {
                self.input.pop();
                if self.input.is_empty() && self.mode == Mode::Command {
                    self.mode = Mode::Normal;
                }
            }
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.input.clear();
            }
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.input.clear();
                self.mode = Mode::Normal;
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.input.push(c);
            }
            _ => {}
        }
        Effect::None
    }

    /// The candidates that complete what is typed after `:`.
    pub fn completions(&self, input: &str) -> Vec<String> {
        let input = input.trim_start();
        if let Some(partial) = input.strip_prefix("tenant ") {
            let partial = partial.trim();
            return self
                .snapshot
                .tenants
                .iter()
                .filter(|t| t.name.starts_with(partial))
                .map(|t| format!("tenant {}", t.name))
                .collect();
        }
        COMMANDS
            .iter()
            .filter(|(name, _)| name.starts_with(input))
            .map(|(name, _)| name.to_string())
            .collect()
    }

    /// Completes to the longest common prefix of the candidates.
    fn complete(&self, input: &str) -> Option<String> {
        let candidates = self.completions(input);
        let first = candidates.first()?;
        let common = candidates.iter().skip(1).fold(first.len(), |len, c| {
            first
                .char_indices()
                .zip(c.chars())
                .take_while(|((_, a), b)| a == b)
                .last()
                .map_or(0, |((i, a), _)| (i + a.len_utf8()).min(len))
        });
        let mut completed = first[..common].to_string();
        if candidates.len() == 1 && completed == "tenant" {
            completed.push(' ');
        }
        (completed.len() > input.trim_start().len()).then_some(completed)
    }

    /// Runs a `:` command.
    pub fn run_command(&mut self, line: &str) -> Effect {
        let mut words = line.split_whitespace();
        let Some(command) = words.next() else {
            return Effect::None;
        };
        let argument = words.collect::<Vec<_>>().join(" ");
        let action = match command {
            "q!" => return Effect::Quit,
            "q" | "quit" => Action::Quit,
            "refresh" | "r" => Action::Refresh,
            "help" | "h" => Action::Help,
            "tenant" | "t" if !argument.is_empty() => Action::ShowTenant(argument),
            "tenant" | "t" => {
                self.error(self.t(
                    "usage: :tenant NAME (Tab completes names)",
                    "使い方: :tenant 名前(Tab で補完)",
                ));
                return Effect::None;
            }
            "runbook" | "rb" => return self.open_runbook_named(&argument),
            "note" if !argument.is_empty() => {
                self.timeline.push(self.now, Event::Note { text: argument });
                self.info(self.t(
                    "noted in the incident record",
                    "インシデント記録にメモしました",
                ));
                return Effect::None;
            }
            "note" => {
                self.error(self.t("usage: :note TEXT", "使い方: :note メモ"));
                return Effect::None;
            }
            "export" => return self.export_incident(&argument),
            "verified" => return Effect::AcknowledgeUnknown,
            "rerun" | "pause-adhoc" | "resume-adhoc" | "resync" | "start-export" | "vacuum"
            | "analyze" | "cancel" => return self.action_command(command, &argument),
            "errors" | "load" | "loaderrors" | "load_errors" => Action::Show(View::LoadErrors),
            "alarm" => Action::Show(View::Alarms),
            "runs" | "sfn" => Action::Show(View::Elt),
            other => match View::TABS.into_iter().find(|v| v.command() == other) {
                Some(view) => Action::Show(view),
                None => {
                    let names: Vec<&str> = COMMANDS.iter().map(|(n, _)| *n).collect();
                    let text = match self.settings.lang {
                        crate::i18n::Lang::En => {
                            format!("unknown command :{other}; commands: {}", names.join(", "))
                        }
                        crate::i18n::Lang::Ja => {
                            format!("不明なコマンド :{other}。コマンド: {}", names.join(", "))
                        }
                    };
                    self.error(text);
                    return Effect::None;
                }
            },
        };
        self.dispatch(action)
    }

    /// The tenant an action is about: named, else the tenant view's, else the selected row's.
    fn context_tenant(&self, named: &str) -> Option<String> {
        if !named.is_empty() {
            return Some(named.to_string());
        }
        match self.view {
            View::Tenant => self.tenant.clone(),
            View::Runbook => self.walkthrough.as_ref().and_then(|w| w.tenant.clone()),
            _ => self.selected_tenant(),
        }
    }

    /// `:rerun`, `:pause-adhoc [cancel]`, `:resync [TENANT] [all]`, `:cancel PID` …
    fn action_command(&mut self, command: &str, argument: &str) -> Effect {
        let mut words = argument.split_whitespace();
        let first = words.next().unwrap_or("");
        let request = match command {
            "pause-adhoc" => Ok(Request::PauseAdhoc {
                cancel_running: first == "cancel",
            }),
            "cancel" => first
                .parse::<i64>()
                .map(|pid| Request::CancelQuery { pid })
                .map_err(|_| self.t("usage: :cancel PID", "使い方: :cancel PID")),
            "resync" => {
                let (tenant, all) = match first {
                    "all" => (self.context_tenant(""), true),
                    name => (self.context_tenant(name), words.next() == Some("all")),
                };
                recovery::request_for(
                    ActionKind::ResyncTables,
                    tenant.as_deref(),
                    &self.snapshot,
                    self.settings.lang,
                )
                .map(|request| match (request, all) {
                    (Request::ResyncTables { tenant, .. }, true) => Request::ResyncTables {
                        tenant,
                        scope: ResyncScope::All,
                    },
                    (request, _) => request,
                })
            }
            other => {
                let kind = match other {
                    "rerun" => ActionKind::RerunElt,
                    "resume-adhoc" => ActionKind::ResumeAdhoc,
                    "start-export" => ActionKind::StartExport,
                    "vacuum" => ActionKind::Vacuum,
                    _ => ActionKind::Analyze,
                };
                recovery::request_for(
                    kind,
                    self.context_tenant(first).as_deref(),
                    &self.snapshot,
                    self.settings.lang,
                )
            }
        };
        match request {
            Ok(request) => self.open_action(request, None),
            Err(error) => {
                self.error(error);
                Effect::None
            }
        }
    }

    /// Opens the action dialog and asks for the preview.
    pub fn open_action(&mut self, request: Request, step: Option<usize>) -> Effect {
        if !self.settings.actions {
            self.error(self.t(
                "recovery actions are not available in this console",
                "このコンソールでは復旧アクションを使えません",
            ));
            return Effect::None;
        }
        self.dialog = Some(Dialog::new(request.clone(), step));
        self.mode = Mode::Dialog;
        Effect::PlanAction(request)
    }

    /// The action menu for where the user is.
    fn open_menu(&mut self) {
        let tenant = self.context_tenant("");
        let execution = (self.view == View::Elt)
            .then(|| {
                self.rows
                    .visible(View::Elt)
                    .get(self.selected(View::Elt))
                    .map(|&i| self.snapshot.elt_runs[i].execution_arn.clone())
            })
            .flatten();
        let query = (self.view == View::Wlm)
            .then(|| {
                self.rows
                    .visible(View::Wlm)
                    .get(self.selected(View::Wlm))
                    .map(|&i| &self.snapshot.warehouse.queries[i])
            })
            .flatten();
        self.menu = Some(recovery::menu_for(
            tenant.as_deref(),
            &self.snapshot,
            execution.as_deref(),
            query,
            self.settings.lang,
        ));
        self.mode = Mode::Menu;
    }

    fn on_menu_key(&mut self, key: KeyEvent) -> Effect {
        let Some(menu) = &mut self.menu else {
            self.mode = Mode::Normal;
            return Effect::None;
        };
        match (self.settings.keymap.action_for(&key), key.code) {
            (Some(Action::Down), _) => {
                menu.selected = (menu.selected + 1).min(menu.items.len().saturating_sub(1))
            }
            (Some(Action::Up), _) => menu.selected = menu.selected.saturating_sub(1),
            (Some(Action::Select), _) | (_, KeyCode::Enter) => {
                let request = menu.items.get(menu.selected).map(|(_, r)| r.clone());
                self.menu = None;
                self.mode = Mode::Normal;
                if let Some(request) = request {
                    return self.open_action(request, None);
                }
            }
            (Some(Action::Back | Action::Quit), _) | (_, KeyCode::Esc) => {
                self.menu = None;
                self.mode = Mode::Normal;
            }
            _ => {}
        }
        Effect::None
    }

    /// Typing goes to the confirmation; Enter executes a ready plan or closes a finished one.
    fn on_dialog_key(&mut self, key: KeyEvent) -> Effect {
        let Some(dialog) = &mut self.dialog else {
            self.mode = Mode::Normal;
            return Effect::None;
        };
        match key.code {
            KeyCode::Esc if !dialog.is_running() => {
                self.dialog = None;
                self.mode = Mode::Normal;
            }
            KeyCode::Enter => match &dialog.stage {
                Stage::Ready(plan) => {
                    let plan = plan.clone();
                    let typed = dialog.typed.clone();
                    dialog.refusal = None;
                    dialog.stage = Stage::Running {
                        plan: plan.clone(),
                        progress: Vec::new(),
                    };
                    return Effect::ExecuteAction { plan, typed };
                }
                Stage::Done { .. } | Stage::Failed(_) => {
                    self.dialog = None;
                    self.mode = Mode::Normal;
                }
                Stage::Planning | Stage::Running { .. } => {}
            },
            KeyCode::Backspace => {
                dialog.typed.pop();
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                if matches!(dialog.stage, Stage::Ready(_)) {
                    dialog.typed.push(c);
                }
            }
            _ => {}
        }
        Effect::None
    }

    /// What the event loop reports of the action in the dialog.
    pub fn on_action_event(&mut self, event: ActionEvent) {
        self.dirty = true;
        let event = match event {
            ActionEvent::Acknowledged(result) => return self.on_acknowledged(result),
            ActionEvent::Exported(Ok(path)) => {
                let text = self.t(
                    "incident record written to",
                    "インシデント記録を書き出しました:",
                );
                return self.info(format!("{text} {}", path.display()));
            }
            ActionEvent::Exported(Err(error)) => {
                let text = self.t(
                    "cannot write the incident record",
                    "インシデント記録を書き出せません",
                );
                return self.error(format!("{text}: {error}"));
            }
            other => other,
        };
        let Some(dialog) = &mut self.dialog else {
            return;
        };
        match event {
            ActionEvent::Planned(Ok(plan)) => dialog.stage = Stage::Ready(plan),
            ActionEvent::Planned(Err(error)) => dialog.stage = Stage::Failed(error),
            ActionEvent::Progress(line) => {
                if let Stage::Running { progress, .. } = &mut dialog.stage {
                    progress.push(line);
                }
            }
            ActionEvent::Acknowledged(_) | ActionEvent::Exported(_) => {}
            ActionEvent::Started => {
                if let Stage::Running { plan, .. } = &dialog.stage {
                    self.timeline.push(
                        self.now,
                        Event::ActionStarted {
                            action: plan.request.kind().name().to_string(),
                            target: plan.target.clone(),
                            calls: plan.calls.clone(),
                        },
                    );
                }
            }
            ActionEvent::Finished(result) => {
                let Stage::Running { plan, .. } = &dialog.stage else {
                    return;
                };
                let plan = plan.clone();
                // Refused before anything ran: stay on the preview and say why.
                if let Err(refusal) = &result
                    && refusal.is_refusal()
                {
                    dialog.refusal = Some(refusal.to_string());
                    dialog.stage = Stage::Ready(plan);
                    return;
                }
                let (result, recorded) = match result {
                    Ok(executed) => (Ok(executed.outcome), executed.recorded),
                    Err(error @ ActionError::Failed { recorded, .. })
                    | Err(error @ ActionError::OutcomeUnknown { recorded, .. }) => {
                        (Err(error.to_string()), recorded)
                    }
                    Err(error) => (Err(error.to_string()), true),
                };
                let action = plan.request.kind().name().to_string();
                let mut summary = match &result {
                    Ok(outcome) => outcome.summary.clone(),
                    Err(error) => error.clone(),
                };
                if !recorded {
                    summary.push_str(self.settings.lang.pick(
                        " (not recorded in the audit log)",
                        "(監査ログに記録されていません)",
                    ));
                }
                self.timeline.push(
                    self.now,
                    Event::ActionFinished {
                        action,
                        target: plan.target.clone(),
                        ok: result.is_ok(),
                        summary,
                    },
                );
                // The step that asked for this action, or the walkthrough's current step
                // when it is this kind of action (opened from the menu instead).
                let step = dialog.step.or_else(|| {
                    let walkthrough = self.walkthrough.as_ref()?;
                    let step = self.current_runbook()?.steps.get(walkthrough.selected)?;
                    (step.kind == StepKind::Action(plan.request.kind()))
                        .then_some(walkthrough.selected)
                });
                if let (Ok(_), Some(step)) = (&result, step) {
                    self.finish_step(step);
                }
                if let Some(dialog) = &mut self.dialog {
                    dialog.stage = Stage::Done {
                        plan,
                        result,
                        recorded,
                    };
                }
            }
        }
    }

    fn on_acknowledged(&mut self, result: Result<usize, String>) {
        match result {
            Ok(count) => {
                let text = match self.settings.lang {
                    crate::i18n::Lang::En => {
                        format!("{count} action(s) of unknown outcome marked verified")
                    }
                    crate::i18n::Lang::Ja => {
                        format!("結果不明の操作 {count} 件を確認済みにしました")
                    }
                };
                self.timeline
                    .push(self.now, Event::Note { text: text.clone() });
                self.info(text);
            }
            Err(error) => self.error(error),
        }
    }

    /// The runbook for where the user is: the selected alarm, finding or tenant's worst finding.
    fn open_runbook_here(&mut self) -> Effect {
        let runbooks = &self.settings.runbooks;
        let (found, tenant) = match self.view {
            View::Alarms => {
                let alarm = self
                    .rows
                    .visible(View::Alarms)
                    .get(self.selected(View::Alarms))
                    .map(|&i| &self.snapshot.alarms[i]);
                (
                    alarm.and_then(|a| runbook::for_alarm(runbooks, &a.name)),
                    alarm.and_then(|a| a.tenant.clone()),
                )
            }
            View::Tenant => {
                let finding = self
                    .rows
                    .visible(View::Tenant)
                    .get(self.selected(View::Tenant))
                    .map(|&i| &self.health.findings[i]);
                (
                    finding.and_then(|f| self.runbook_for_finding(f)),
                    self.tenant.clone(),
                )
            }
            _ => {
                let tenant = self.selected_tenant();
                let finding = match &tenant {
                    Some(name) => self.health.worst_for(name),
                    None => self.health.findings.first(),
                };
                (
                    finding.and_then(|f| self.runbook_for_finding(f)),
                    tenant.or_else(|| finding.and_then(|f| f.tenant.clone())),
                )
            }
        };
        match found.map(|r| r.id.clone()) {
            Some(id) => self.start_walkthrough(&id, tenant),
            None => self.info(self.t(
                "no runbook for this row; :runbook ID opens one by name",
                "この行に対応するランブックはありません。:runbook ID で名前から開けます",
            )),
        }
        Effect::None
    }

    fn runbook_for_finding(&self, finding: &crate::health::Finding) -> Option<&Runbook> {
        let runbooks = &self.settings.runbooks;
        if let Some(name) = finding.alarm() {
            return runbook::for_alarm(runbooks, name);
        }
        runbook::for_check(runbooks, finding.check)
    }

    fn open_runbook_named(&mut self, id: &str) -> Effect {
        let ids: Vec<String> = self
            .settings
            .runbooks
            .iter()
            .map(|r| r.id.clone())
            .collect();
        if ids.iter().any(|known| known == id) {
            let tenant = self.context_tenant("");
            self.start_walkthrough(id, tenant);
        } else if id.is_empty() {
            self.info(format!(
                "{}: {}",
                self.t("runbooks", "ランブック"),
                ids.join(", ")
            ));
        } else {
            let text = match self.settings.lang {
                crate::i18n::Lang::En => format!("no runbook {id:?}; runbooks: {}", ids.join(", ")),
                crate::i18n::Lang::Ja => format!(
                    "ランブック {id:?} はありません。ランブック: {}",
                    ids.join(", ")
                ),
            };
            self.error(text);
        }
        Effect::None
    }

    fn start_walkthrough(&mut self, id: &str, tenant: Option<String>) {
        let steps = self
            .settings
            .runbooks
            .iter()
            .find(|r| r.id == id)
            .map_or(0, |r| r.steps.len());
        let continuing = self.walkthrough.as_ref().is_some_and(|w| w.runbook == id);
        if !continuing {
            self.walkthrough = Some(Walkthrough::new(id, steps, tenant));
        }
        self.go_to(View::Runbook);
    }

    /// The runbook of the walkthrough.
    pub fn current_runbook(&self) -> Option<&Runbook> {
        let walkthrough = self.walkthrough.as_ref()?;
        self.settings
            .runbooks
            .iter()
            .find(|r| r.id == walkthrough.runbook)
    }

    fn finish_step(&mut self, step: usize) {
        let title = self
            .current_runbook()
            .and_then(|r| r.steps.get(step))
            .map(|s| s.title.clone());
        if let (Some(walkthrough), Some(title)) = (&mut self.walkthrough, title) {
            walkthrough.finish(step);
            self.timeline.push(
                self.now,
                Event::StepDone {
                    runbook: walkthrough.runbook.clone(),
                    step: title,
                },
            );
        }
    }

    /// Enter on a runbook step: a check jumps to its panel, an action opens its dialog, a note is done.
    fn do_step(&mut self) -> Effect {
        let Some(walkthrough) = &self.walkthrough else {
            return Effect::None;
        };
        let index = walkthrough.selected;
        let tenant = walkthrough.tenant.clone();
        let Some(step) = self
            .current_runbook()
            .and_then(|r| r.steps.get(index))
            .cloned()
        else {
            return Effect::None;
        };
        match step.kind {
            StepKind::Check { view, filter } => {
                self.finish_step(index);
                if view == View::Tenant {
                    if let Some(tenant) = tenant {
                        self.show_tenant(tenant);
                    }
                } else {
                    self.go_to(view);
                }
                if let Some(filter) = filter {
                    self.dispatch(Action::SetFilter(filter));
                }
                Effect::None
            }
            StepKind::Action(ActionKind::CancelQuery) => {
                self.go_to(View::Wlm);
                self.info(self.t(
                    "select the query to cancel, then press a",
                    "キャンセルするクエリを選び、a を押してください",
                ));
                Effect::None
            }
            StepKind::Action(kind) => {
                match recovery::request_for(
                    kind,
                    tenant.as_deref(),
                    &self.snapshot,
                    self.settings.lang,
                ) {
                    Ok(request) => self.open_action(request, Some(index)),
                    Err(error) => {
                        self.error(error);
                        Effect::None
                    }
                }
            }
            StepKind::Note => {
                self.finish_step(index);
                Effect::None
            }
        }
    }

    /// `:export [FILE]`: the incident record as Markdown, by default `incident-YYYYMMDD-HHMM.md`.
    fn export_incident(&mut self, path: &str) -> Effect {
        let path = if path.is_empty() {
            std::path::PathBuf::from(format!("incident-{}.md", self.now.format("%Y%m%d-%H%M")))
        } else {
            std::path::PathBuf::from(path)
        };
        let title = self
            .walkthrough
            .as_ref()
            .map_or_else(|| self.title.clone(), |w| w.runbook.clone());
        Effect::ExportIncident {
            markdown: self
                .timeline
                .to_markdown(&title, self.now, self.settings.lang),
            path,
        }
    }

    /// The text in the console's language.
    pub fn t(&self, en: &str, ja: &str) -> String {
        self.settings.lang.pick(en, ja).to_string()
    }

    pub fn error(&mut self, text: String) {
        self.message = Some(Message {
            text,
            is_error: true,
        });
    }

    pub fn info(&mut self, text: String) {
        self.message = Some(Message {
            text,
            is_error: false,
        });
    }

    /// Does what an action says. The single entry point for keys, commands and drill-down.
    pub fn dispatch(&mut self, action: Action) -> Effect {
        self.dirty = true;
        if !matches!(action, Action::Refresh) {
            self.message = None;
        }
        match action {
            Action::Quit => {
                let Some(pause) = self.snapshot.wlm_settings.adhoc_pause else {
                    return Effect::Quit;
                };
                self.mode = Mode::ConfirmQuit;
                let since = pause.since.format("%H:%M UTC");
                self.message = Some(Message {
                    text: match self.settings.lang {
                        crate::i18n::Lang::En => format!(
                            "adhoc is PAUSED since {since} and stays paused after you quit (:resume-adhoc undoes it). Quit anyway? y / any other key stays"
                        ),
                        crate::i18n::Lang::Ja => format!(
                            "adhoc は {since} から一時停止中で、終了しても停止したままです(:resume-adhoc で再開)。終了しますか? y / 他のキーで残る"
                        ),
                    },
                    is_error: true,
                });
            }
            Action::Refresh => {
                self.info(self.t(
                    "refreshing every source…",
                    "すべてのソースを更新しています…",
                ));
                return Effect::Refresh;
            }
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_by(-(self.page_size.max(1) as isize)),
            Action::PageDown => self.move_by(self.page_size.max(1) as isize),
            Action::Top => self.set_selected(0),
            Action::Bottom => self.set_selected(usize::MAX),
            Action::Select if self.view == View::Alarms => {
                if let Some(name) = self.selected_alarm() {
                    self.alarm_history = Some(AlarmHistoryView {
                        alarm: name.clone(),
                        items: None,
                    });
                    return Effect::FetchAlarmHistory(name);
                }
            }
            Action::Select if self.view == View::Runbook => return self.do_step(),
            Action::Select => self.drill_in(),
            Action::ActionMenu => self.open_menu(),
            Action::OpenRunbook => return self.open_runbook_here(),
            Action::Back => self.back(),
            Action::CommandMode => {
                self.mode = Mode::Command;
                self.input.clear();
            }
            Action::FilterMode => {
                self.mode = Mode::Filter;
                self.input = self.filters.get(&self.view).cloned().unwrap_or_default();
            }
            Action::Help => {
                self.mode = Mode::Help;
                self.help_scroll = 0;
            }
            Action::NextView | Action::PrevView => {
                let tabs = View::TABS;
                let current = tabs.iter().position(|v| *v == self.view).unwrap_or(0);
                let step = if action == Action::NextView {
                    1
                } else {
                    tabs.len() - 1
                };
                self.go_to(tabs[(current + step) % tabs.len()]);
            }
            Action::Show(View::Tenant) => match self.selected_tenant() {
                Some(name) => self.show_tenant(name),
                None => self.error(self.t(
                    "no tenant selected; use :tenant NAME",
                    "テナントが選ばれていません。:tenant 名前 を使ってください",
                )),
            },
            Action::Show(view) => self.go_to(view),
            Action::ShowTenant(name) => {
                if self.snapshot.tenants.iter().any(|t| t.name == name) {
                    self.show_tenant(name);
                } else {
                    let text = self.t("no tenant named", "テナントがありません:");
                    self.error(format!("{text} {name}"));
                }
            }
            Action::SetFilter(filter) => {
                let filter = filter.trim().to_string();
                if filter.is_empty() {
                    self.filters.remove(&self.view);
                } else {
                    self.filters.insert(self.view, filter);
                }
                self.rows
                    .apply_filters(&self.filters, self.tenant.as_deref());
                self.selected.insert(self.view, 0);
            }
        }
        Effect::None
    }

    fn move_by(&mut self, delta: isize) {
        if self.view == View::Runbook {
            if let Some(w) = &mut self.walkthrough {
                let last = w.done.len().saturating_sub(1) as isize;
                w.selected = (w.selected as isize + delta).clamp(0, last) as usize;
            }
            return;
        }
        let current = self.selected(self.view) as isize;
        self.set_selected((current + delta).max(0) as usize);
    }

    fn go_to(&mut self, view: View) {
        if view != self.view {
            self.back_stack.push(self.view);
            self.view = view;
        }
    }

    fn show_tenant(&mut self, name: String) {
        self.tenant = Some(name);
        self.rows
            .apply_filters(&self.filters, self.tenant.as_deref());
        self.selected.insert(View::Tenant, 0);
        self.go_to(View::Tenant);
    }

    /// Esc: first clear the view's filter, then go back where we came from.
    fn back(&mut self) {
        if self.filters.remove(&self.view).is_some() {
            self.rows
                .apply_filters(&self.filters, self.tenant.as_deref());
            return;
        }
        if let Some(previous) = self.back_stack.pop() {
            self.view = previous;
        }
    }

    /// The tenant the selected row is about, in any view.
    pub fn selected_tenant(&self) -> Option<String> {
        self.rows
            .tenant_of(&self.snapshot, self.view, self.selected(self.view))
    }

    /// The name of the alarm selected in the alarms view.
    pub fn selected_alarm(&self) -> Option<String> {
        let index = *self
            .rows
            .visible(View::Alarms)
            .get(self.selected(View::Alarms))?;
        Some(self.snapshot.alarms[index].name.clone())
    }

    /// A history fetch came back; it is shown only if that alarm is still the one asked about.
    pub fn on_alarm_history(
        &mut self,
        alarm: String,
        result: Result<Vec<crate::model::AlarmHistoryItem>, String>,
    ) {
        if let Some(view) = &mut self.alarm_history
            && view.alarm == alarm
        {
            view.items = Some(result);
            self.dirty = true;
        }
    }

    fn drill_in(&mut self) {
        if self.view == View::Tenant {
            return;
        }
        match self.selected_tenant() {
            Some(name) => self.show_tenant(name),
            None => self.info(self.t(
                "this row is about the whole fleet",
                "この行はフリート全体についての行です",
            )),
        }
    }

    /// Seconds since a source's data was fetched, as shown on the status line.
    pub fn age_of(&self, id: SourceId) -> Option<i64> {
        self.snapshot.source(id)?.age_seconds(self.now)
    }
}
