//! UI state and how actions change it. Pure: no terminal, no I/O, so every behaviour is testable.

use std::collections::HashMap;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::{Action, View};
use super::command::{self, CommandLine, Does, Prompt, Refusal};
use super::help::{self, Help};
use super::incident::{self, Incident};
use super::keymap::Keymap;
use super::query_text::{self, QueryText};
use super::recovery::{self, ActionEvent, Destination, Recovery, Reply};
use super::rows::Rows;
use super::runbook::{self, Runbook};
use super::theme::Theme;
use super::views::Drawn;
use crate::action::{Plan, Request};
use crate::health::{Health, Thresholds, evaluate};
use crate::model::{Changes, Snapshot, SourceId, Time};
use crate::source::refresh::SourceEvent;

/// What the event loop must do after the UI handled something.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    None,
    Quit,
    Refresh,
    /// Fetch this alarm's history (DescribeAlarmHistory) in a task, in its own account.
    FetchAlarmHistory(Box<crate::model::Alarm>),
    /// Ask the operator for the plan of a request (the preview).
    PlanAction(Request),
    /// Execute a previewed plan with what the user typed to confirm it.
    ExecuteAction {
        plan: Box<Plan>,
        typed: String,
    },
    /// Record that the actions of unknown outcome were verified by hand.
    AcknowledgeUnknown,
    /// Write the incident record (Markdown) to this file: a new file, unless `overwrite`.
    ExportIncident {
        path: std::path::PathBuf,
        markdown: String,
        overwrite: bool,
    },
    /// Put this text on the terminal's clipboard (OSC 52).
    Copy(String),
}

/// An alarm's history as last fetched, or why it could not be.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmHistoryView {
    /// The alarm's [`crate::model::Alarm::key`]: a namesake in another account is another alarm.
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
    /// Choosing the tenant a runbook step's action is for.
    Choose,
    /// Quitting while something is left changed (a pause): `y` or the quit key quits.
    ConfirmQuit,
    /// Reading a running query's whole SQL.
    QueryText,
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
    /// Whether the header's clock shows local time beside UTC (the real console only).
    pub local_clock: bool,
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
            local_clock: false,
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
        let user_keymap = crate::config::config_dir().map(|dir| dir.join("keymap.toml"));
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
            local_clock: false,
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
    /// Views whose filter a runbook step set: one Esc there clears it and goes back at once.
    step_filters: std::collections::HashSet<View>,
    pub mode: Mode,
    /// The `:` command or `/` filter being typed, with its completion.
    command_line: CommandLine,
    pub message: Option<Message>,
    /// The help overlay, while it is open (`Mode::Help`).
    pub help: Help,
    pub alarm_history: Option<AlarmHistoryView>,
    /// The running query whose SQL is open (WLM view, `select`).
    query_text: Option<QueryText>,
    /// The action menu, the action dialog and the runbook walkthrough.
    recovery: Recovery,
    /// The session's incident record.
    incident: Incident,
    /// How many rows the current view shows, set by the last draw; paging moves by it.
    pub page_size: usize,
    /// How the console polls CloudWatch, for its cost on the status line (set by the event loop).
    pub polling: Option<super::cost::Polling>,
    dirty: bool,
    /// The time health and rows were last derived at.
    derived_at: Time,
}

impl App {
    pub fn new(title: String, settings: Settings, snapshot: Snapshot, now: Time) -> Self {
        let health = evaluate(&snapshot, &settings.thresholds, now);
        let rows = Rows::build(&snapshot, &health, now, &settings);
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
            step_filters: Default::default(),
            mode: Mode::Normal,
            command_line: CommandLine::default(),
            message: None,
            help: Help::default(),
            alarm_history: None,
            query_text: None,
            recovery: Recovery::default(),
            incident: Incident::default(),
            page_size: 10,
            polling: None,
            dirty: true,
            derived_at: now,
        };
        app.rows.apply_filters(&app.filters, app.tenant.as_deref());
        app.incident.observe(&app.health, &app.snapshot, now);
        app
    }

    /// A message that must not be missed (an action whose outcome is unknown …): shown and recorded.
    pub fn notice(&mut self, text: String) {
        self.incident.note(self.now, text.clone());
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
        self.advance(now, []);
    }

    /// The clock moved, and the sources reported `events` since it last did: applies them, then
    /// re-derives health and rows once if the data changed or a minute began. Findings count
    /// time in minutes (ages, delays, the last 24 hours), so a minute is as often as time alone
    /// changes them; a fetch that brought the same data changes nothing.
    pub fn advance(&mut self, now: Time, events: impl IntoIterator<Item = SourceEvent>) {
        if now.timestamp() != self.now.timestamp() {
            self.dirty = true;
        }
        self.now = now;
        let changes = self.take_source_events(events);
        let minute = |at: Time| at.timestamp().div_euclid(60);
        if changes.any() || minute(now) != minute(self.derived_at) {
            self.recompute(changes);
        }
    }

    pub fn on_source_event(&mut self, event: SourceEvent) {
        self.on_source_events([event]);
    }

    /// Applies what several sources reported, then re-derives health and rows once if their
    /// data changed: the event loop hands over together what arrived within one tick of its clock.
    pub fn on_source_events(&mut self, events: impl IntoIterator<Item = SourceEvent>) {
        self.dirty = true;
        let changes = self.take_source_events(events);
        if changes.any() {
            self.recompute(changes);
        }
    }

    /// Puts what the sources reported into the snapshot; returns what data changed.
    fn take_source_events(&mut self, events: impl IntoIterator<Item = SourceEvent>) -> Changes {
        let mut changes = Changes::NONE;
        for event in events {
            self.dirty = true;
            match event {
                SourceEvent::Started(id) => self.snapshot.begin(id),
                SourceEvent::Finished(result) => changes |= self.snapshot.accept(*result),
            }
        }
        changes
    }

    /// Re-derives health and rows after the data changed or a minute began (not on every
    /// frame); the tenants' rows only if what they show changed.
    fn recompute(&mut self, changes: Changes) {
        self.derived_at = self.now;
        let health = evaluate(&self.snapshot, &self.settings.thresholds, self.now);
        let tenants_stale =
            super::rows::reaches_tenants(changes) || !health.same_for_tenants(&self.health);
        self.health = health;
        self.incident
            .observe(&self.health, &self.snapshot, self.now);
        self.rows.update(
            &self.snapshot,
            &self.health,
            self.now,
            &self.settings,
            super::rows::Stale {
                data: changes,
                tenants: tenants_stale,
            },
        );
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
            Mode::QueryText => self.on_query_text_key(key),
            Mode::Command | Mode::Filter => self.on_command_line_key(key),
            Mode::Menu | Mode::Dialog | Mode::Choose => {
                self.ask_recovery(|recovery, context| recovery.on_key(context, key))
            }
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
        match self.help.on_key(key, self.settings.keymap.action_for(&key)) {
            help::Reply::Stay => Effect::None,
            help::Reply::Close => {
                self.mode = Mode::Normal;
                Effect::None
            }
            help::Reply::Quit => Effect::Quit,
        }
    }

    /// What the last frame found: the page size of the view, and how much help fits.
    pub fn drawn(&mut self, drawn: Drawn) {
        self.page_size = drawn.page_size;
        if let Some(extent) = drawn.help {
            self.help.fit(extent);
        }
    }

    /// The open query text takes the keys; ctrl-c still quits.
    fn on_query_text_key(&mut self, key: KeyEvent) -> Effect {
        let action = self.settings.keymap.action_for(&key);
        if action == Some(Action::Quit) && key.modifiers.contains(KeyModifiers::CONTROL) {
            return Effect::Quit;
        }
        let Some(text) = self.query_text.as_mut() else {
            self.mode = Mode::Normal;
            return Effect::None;
        };
        let action = action.or((key.code == KeyCode::Esc).then_some(Action::Back));
        match text.on_key(action, self.settings.lang) {
            query_text::Reply::Stay => Effect::None,
            query_text::Reply::Close => {
                self.query_text = None;
                self.message = None;
                self.mode = Mode::Normal;
                Effect::None
            }
            query_text::Reply::Effect(effect, message) => {
                if let Some(message) = message {
                    self.info(message.to_string());
                }
                effect
            }
        }
    }

    /// The running query whose SQL is open, for drawing.
    pub fn query_text(&self) -> Option<&QueryText> {
        self.query_text.as_ref()
    }

    fn on_command_line_key(&mut self, key: KeyEvent) -> Effect {
        let context = command::Context {
            snapshot: &self.snapshot,
            runbooks: &self.settings.runbooks,
            lang: self.settings.lang,
        };
        match self.command_line.on_key(&context, key) {
            command::Reply::Editing => Effect::None,
            command::Reply::Closed => {
                self.mode = Mode::Normal;
                Effect::None
            }
            command::Reply::Run(line) => {
                self.mode = Mode::Normal;
                self.run_command(&line)
            }
            command::Reply::Filter(filter) => {
                self.mode = Mode::Normal;
                self.dispatch(Action::SetFilter(filter))
            }
        }
    }

    /// What the command line may complete: the data on screen and the runbooks.
    pub fn command_context(&self) -> command::Context<'_> {
        command::Context {
            snapshot: &self.snapshot,
            runbooks: &self.settings.runbooks,
            lang: self.settings.lang,
        }
    }

    /// The `:` command or `/` filter being typed, for drawing.
    pub fn command_line(&self) -> &CommandLine {
        &self.command_line
    }

    /// Runs a `:` command.
    pub fn run_command(&mut self, line: &str) -> Effect {
        let invocation = match command::table::parse(line) {
            Ok(invocation) => invocation,
            Err(Refusal::Empty) => return Effect::None,
            Err(Refusal::Unknown(word)) => {
                let names: Vec<&str> = command::COMMANDS.iter().map(|c| c.name).collect();
                let text = match self.settings.lang {
                    crate::i18n::Lang::En => {
                        format!("unknown command :{word}; commands: {}", names.join(", "))
                    }
                    crate::i18n::Lang::Ja => {
                        format!("不明なコマンド :{word}。コマンド: {}", names.join(", "))
                    }
                };
                self.error(text);
                return Effect::None;
            }
            Err(Refusal::TooManyWords(spec)) => {
                let usage = spec.usage(self.settings.lang);
                self.error(format!("{} {usage}", self.t("usage:", "使い方:")));
                return Effect::None;
            }
        };
        let argument = invocation.argument;
        let action = match invocation.spec.does {
            Does::Recovery(command) => {
                return self.ask_recovery(|recovery, context| {
                    recovery.command(context, command, &argument)
                });
            }
            Does::Quit if invocation.forced => return Effect::Quit,
            Does::Quit => Action::Quit,
            Does::Refresh => Action::Refresh,
            Does::Help => Action::Help,
            Does::Show(view) => Action::Show(view),
            Does::Tenant if !argument.is_empty() => Action::ShowTenant(argument),
            Does::Tenant => {
                self.error(self.t(
                    "usage: :tenant NAME (Tab completes names)",
                    "使い方: :tenant 名前(Tab で補完)",
                ));
                return Effect::None;
            }
            Does::Note if !argument.is_empty() => {
                self.incident.note(self.now, argument);
                self.info(self.t(
                    "noted in the incident record",
                    "インシデント記録にメモしました",
                ));
                return Effect::None;
            }
            Does::Note => {
                self.error(self.t("usage: :note TEXT", "使い方: :note メモ"));
                return Effect::None;
            }
            Does::Resolve => {
                let message = self
                    .incident
                    .command_resolve(self.now, argument, self.settings.lang);
                self.message = Some(message);
                return Effect::None;
            }
            Does::Export => return self.export_incident(&argument, invocation.forced),
        };
        self.dispatch(action)
    }

    /// The action menu, the action dialog and the runbook walkthrough, for drawing.
    pub fn recovery(&self) -> &Recovery {
        &self.recovery
    }

    /// Runs a call of the recovery component with the facts it needs, then applies its reply.
    pub fn ask_recovery(
        &mut self,
        call: impl FnOnce(&mut Recovery, &recovery::Context) -> Reply,
    ) -> Effect {
        let view = self.view;
        let tenant = match view {
            View::Tenant => self.tenant.clone(),
            _ => self.selected_tenant(),
        };
        let row = self.rows.visible(view).get(self.selected(view)).copied();
        let row_in = |shown: View| row.filter(|_| view == shown);
        let snapshot = &self.snapshot;
        let context = recovery::Context {
            view,
            tenant,
            alarm: row_in(View::Alarms).map(|i| &snapshot.alarms[i]),
            finding: row_in(View::Tenant)
                .or_else(
                    || match row_in(View::Overview).map(|i| self.rows.overview_row(i)) {
                        Some(super::rows::OverviewRow::Finding(i)) => Some(i),
                        _ => None,
                    },
                )
                .map(|i| &self.health.findings[i]),
            execution: row_in(View::Elt).map(|i| snapshot.elt_runs[i].execution_arn.as_str()),
            query: row_in(View::Wlm).map(|i| &snapshot.warehouse.queries[i]),
            snapshot,
            health: &self.health,
            runbooks: &self.settings.runbooks,
            keymap: &self.settings.keymap,
            lang: self.settings.lang,
            actions: self.settings.actions,
        };
        let reply = call(&mut self.recovery, &context);
        self.apply(reply)
    }

    /// Does what recovery replied: the timeline first, then where to go, then what to say.
    fn apply(&mut self, reply: Reply) -> Effect {
        for event in reply.events {
            self.incident.record(self.now, event);
        }
        match reply.go_to {
            Some(Destination::View(view)) => self.go_to(view),
            Some(Destination::Tenant(name)) => self.show_tenant(name),
            None => {}
        }
        if let Some(filter) = reply.filter {
            self.dispatch(Action::SetFilter(filter));
            self.step_filters.insert(self.view);
        }
        if let Some(message) = reply.message {
            self.message = Some(message);
        }
        // The menu, the chooser and the dialog take the keys while they are open.
        self.mode = if self.recovery.dialog().is_some() {
            Mode::Dialog
        } else if self.recovery.menu().is_some() {
            Mode::Menu
        } else if self.recovery.chooser().is_some() {
            Mode::Choose
        } else if matches!(self.mode, Mode::Menu | Mode::Dialog | Mode::Choose) {
            Mode::Normal
        } else {
            self.mode
        };
        reply.effect
    }

    /// What the event loop reports of an action, of `:verified` or of `:export`.
    pub fn on_action_event(&mut self, event: ActionEvent) {
        self.dirty = true;
        match event {
            ActionEvent::Exported(result) => {
                self.message = Some(self.incident.on_exported(result, self.settings.lang));
            }
            event => {
                self.ask_recovery(|recovery, context| recovery.on_action_event(context, event));
            }
        }
    }

    /// The incident record: its timeline, findings and resolution.
    pub fn incident(&self) -> &Incident {
        &self.incident
    }

    /// The incident record as `:export` would write it now.
    pub fn incident_record(&self) -> String {
        let title = self.incident_title();
        self.incident.markdown(&incident::Facts {
            title: &title,
            now: self.now,
            snapshot: &self.snapshot,
            health: &self.health,
            lang: self.settings.lang,
        })
    }

    /// A runbook walked names the incident; else the console's title.
    fn incident_title(&self) -> String {
        self.recovery
            .walkthrough()
            .map_or_else(|| self.title.clone(), |w| w.runbook.clone())
    }

    /// `:export [FILE]` and `:export! [FILE]`: the incident record as Markdown, by default
    /// `incident-YYYYMMDD-HHMM.md`; only `:export!` overwrites a file that exists.
    fn export_incident(&mut self, file: &str, force: bool) -> Effect {
        let (path, overwrite) = self.incident.export_to(file, force, self.now);
        Effect::ExportIncident {
            path,
            markdown: self.incident_record(),
            overwrite,
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
                            "Quit? y quits, any other key stays — adhoc stays PAUSED (since {since}) after you quit; :resume-adhoc undoes it"
                        ),
                        crate::i18n::Lang::Ja => format!(
                            "終了? y で終了、他のキーで残る — adhoc は終了しても一時停止のまま({since} から)。:resume-adhoc で再開"
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
                if let Some(alarm) = self.selected_alarm_entry() {
                    let alarm = Box::new(alarm.clone());
                    self.alarm_history = Some(AlarmHistoryView {
                        alarm: alarm.key().to_string(),
                        items: None,
                    });
                    return Effect::FetchAlarmHistory(alarm);
                }
            }
            Action::Select if matches!(self.view, View::Wlm | View::Elt | View::Logs) => {
                let selected = self
                    .rows
                    .visible(self.view)
                    .get(self.selected(self.view))
                    .copied();
                match query_text::open_selected(self.view, &self.snapshot, selected) {
                    query_text::Opened::Text(text) => {
                        self.query_text = Some(*text);
                        self.mode = Mode::QueryText;
                    }
                    query_text::Opened::Nothing(en, ja) => self.info(self.t(en, ja)),
                    query_text::Opened::NoText => self.drill_in(),
                }
            }
            Action::Select if self.view == View::Runbook => {
                return self.ask_recovery(|recovery, context| recovery.do_step(context));
            }
            Action::Select => self.drill_in(),
            Action::ActionMenu => {
                return self.ask_recovery(|recovery, context| recovery.open_menu(context));
            }
            Action::OpenRunbook => {
                return self.ask_recovery(|recovery, context| recovery.open_runbook_here(context));
            }
            Action::Copy => return self.ask_recovery(|recovery, context| recovery.copy(context)),
            Action::CopyArn => {
                return self.ask_recovery(|recovery, context| recovery.copy_arn(context));
            }
            Action::Back => self.back(),
            Action::CommandMode => {
                self.mode = Mode::Command;
                self.command_line.open(Prompt::Command, String::new());
            }
            Action::FilterMode => {
                self.mode = Mode::Filter;
                let current = self.filters.get(&self.view).cloned().unwrap_or_default();
                self.command_line.open(Prompt::Filter, current);
            }
            Action::Help => {
                self.mode = Mode::Help;
                self.help = Help::default();
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
                self.step_filters.remove(&self.view);
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
            self.recovery.move_step(delta);
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

    /// Esc: first clear the filter the user typed, then go back where we came from. A filter a
    /// runbook step set goes with the step's view: one Esc clears it and goes back.
    fn back(&mut self) {
        let from_step = self.step_filters.remove(&self.view);
        if self.filters.remove(&self.view).is_some() {
            self.rows
                .apply_filters(&self.filters, self.tenant.as_deref());
            if !from_step {
                return;
            }
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
        self.selected_alarm_entry().map(|alarm| alarm.name.clone())
    }

    /// The alarm under the cursor of the alarms view.
    pub fn selected_alarm_entry(&self) -> Option<&crate::model::Alarm> {
        let index = *self
            .rows
            .visible(View::Alarms)
            .get(self.selected(View::Alarms))?;
        self.snapshot.alarms.get(index)
    }

    /// A history fetch came back for the alarm of this [`crate::model::Alarm::key`]; it is
    /// shown only if that alarm is still the one asked about.
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
