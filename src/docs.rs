//! Documentation generated from the code, kept current by `tests/docs.rs`: a picture of every
//! screen of the demo for the user guide (`docs/screens/<name>.txt`, embedded in
//! `docs/user-guide.md`; in Japanese `docs/screens/ja/<name>.txt`, the overview embedded in
//! `docs/ja/README.md`) and the key reference (`docs/keys.md`).
//!
//! Every picture is the real console: the simulated fleet built with a [`ManualClock`] at
//! [`start`] and seed [`SEED`], an [`App`] driven by the keys a user would press, drawn into
//! ratatui's [`TestBackend`] at [`WIDTH`]×[`HEIGHT`]. Nothing here reads the wall clock, the
//! environment or the user's config directory, so the same code gives the same text everywhere.

use std::fmt::Write as _;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use unicode_width::UnicodeWidthStr;

use crate::action::Actions;
use crate::action::sim::SimOperator;
use crate::i18n::Lang;
use crate::model::Time;
use crate::source::refresh::refresh_once;
use crate::source::sim::{self, Scenario, SimOptions};
use crate::source::{Fleet, ManualClock};
use crate::tui::app::{App, Effect};
use crate::tui::command::COMMANDS;
use crate::tui::recovery::ActionEvent;
use crate::tui::{Settings, keymap, views};

/// The size of every capture, in columns and rows: the size of the insta snapshots too.
pub const WIDTH: u16 = 120;
pub const HEIGHT: u16 = 40;

/// The simulated fleet's seed for every capture.
pub const SEED: u64 = 7;

/// How many tenants most captures show: the design's three.
pub const TENANTS: usize = 3;

/// How many tenants the overview shows, to look like a fleet.
pub const OVERVIEW_TENANTS: usize = 24;

/// The languages whose captures are kept: English in `docs/screens/`, any other in
/// `docs/screens/<code>/` (`docs/screens/ja/`).
pub const CAPTURE_LANGS: &[Lang] = &[Lang::En, Lang::Ja];

/// The demo's clock at the moment of every capture: 2026-11-21T06:00:00Z, the morning COPY.
pub fn start() -> Time {
    Utc.with_ymd_and_hms(2026, 11, 21, 6, 0, 0)
        .single()
        .expect("a valid UTC time")
}

/// A screen of the user guide, each staged on the scenario that gives it something to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Screen {
    /// The fleet overview with a broken tenant sorted first (`copy-error`).
    Overview,
    /// Command mode completing a tenant's name (`:tenant t` Tab).
    Command,
    /// The alarms, with the history of the one in ALARM opened by Enter (`copy-error`).
    Alarms,
    /// The WLM queues with batch over its threshold (`wlm-saturation`).
    Wlm,
    /// Storage over the warning and critical marks (`storage-high`).
    Storage,
    /// The rows a COPY rejected (`copy-error`).
    LoadErrors,
    /// The ELT runs with a run failed at dbt (`dbt-failure`).
    Elt,
    /// The warehouses' failed queries and failed logins (`query-failure`).
    Logs,
    /// A Zero-ETL tenant whose integration needs attention (`integration-needs-attention`).
    Tenant,
    /// The runbook of `Alert-WLM-Queue`, its first step done (`wlm-saturation`).
    Runbook,
    /// The action menu of a tenant whose COPY failed (`copy-error`).
    ActionMenu,
    /// The preview of pausing adhoc, from the runbook (`wlm-saturation`).
    ActionDialog,
    /// The help screen, generated from the keymap.
    Help,
}

impl Screen {
    /// Every screen, in the order the user guide shows them.
    pub const ALL: [Screen; 13] = [
        Screen::Overview,
        Screen::Command,
        Screen::Alarms,
        Screen::Wlm,
        Screen::Storage,
        Screen::LoadErrors,
        Screen::Elt,
        Screen::Logs,
        Screen::Tenant,
        Screen::Runbook,
        Screen::ActionMenu,
        Screen::ActionDialog,
        Screen::Help,
    ];

    /// The file stem of the capture and the name of its marker in the user guide.
    pub fn name(self) -> &'static str {
        match self {
            Screen::Overview => "overview",
            Screen::Command => "command",
            Screen::Alarms => "alarms",
            Screen::Wlm => "wlm",
            Screen::Storage => "storage",
            Screen::LoadErrors => "load-errors",
            Screen::Elt => "elt",
            Screen::Logs => "logs",
            Screen::Tenant => "tenant",
            Screen::Runbook => "runbook",
            Screen::ActionMenu => "action-menu",
            Screen::ActionDialog => "action-dialog",
            Screen::Help => "help",
        }
    }

    pub fn from_name(name: &str) -> Option<Screen> {
        Self::ALL.into_iter().find(|screen| screen.name() == name)
    }

    /// The demo scenario the screen is staged on.
    pub fn scenario(self) -> Scenario {
        match self {
            Screen::Overview | Screen::Alarms | Screen::LoadErrors | Screen::ActionMenu => {
                Scenario::CopyError
            }
            Screen::Command | Screen::Help => Scenario::Healthy,
            Screen::Wlm | Screen::Runbook | Screen::ActionDialog => Scenario::WlmSaturation,
            Screen::Storage => Scenario::StorageHigh,
            Screen::Elt => Scenario::DbtFailure,
            Screen::Logs => Scenario::QueryFailure,
            Screen::Tenant => Scenario::IntegrationNeedsAttention,
        }
    }

    /// How many tenants the demo fleet of the screen has.
    pub fn tenants(self) -> usize {
        match self {
            Screen::Overview => OVERVIEW_TENANTS,
            _ => TENANTS,
        }
    }

    /// The command that starts the demo this screen is taken from, for the guide's captions.
    pub fn demo_command(self) -> String {
        let tenants = match self.tenants() {
            TENANTS => String::new(),
            other => format!(" --tenants {other}"),
        };
        format!(
            "shiftops demo --scenario {}{tenants} --seed {SEED}",
            self.scenario().name()
        )
    }
}

/// Where the capture of `screen` in `lang` lives, relative to the crate's root.
pub fn capture_path(screen: Screen, lang: Lang) -> String {
    match lang {
        Lang::En => format!("docs/screens/{}.txt", screen.name()),
        other => format!("docs/screens/{}/{}.txt", other.code(), screen.name()),
    }
}

/// The screen as the demo draws it, as text: one line per terminal row, trailing blanks removed.
pub fn capture(screen: Screen, lang: Lang) -> String {
    let mut demo = Demo::new(screen.scenario(), screen.tenants(), lang);
    match screen {
        Screen::Overview => {}
        Screen::Command => {
            demo.press(KeyCode::Char(':'));
            demo.type_text("tenant t");
            demo.press(KeyCode::Tab);
        }
        Screen::Alarms => {
            demo.press(KeyCode::Char('2'));
            demo.press(KeyCode::Enter);
        }
        Screen::Wlm => demo.press(KeyCode::Char('3')),
        Screen::Storage => demo.press(KeyCode::Char('4')),
        Screen::LoadErrors => demo.press(KeyCode::Char('5')),
        Screen::Elt => demo.press(KeyCode::Char('6')),
        Screen::Logs => demo.press(KeyCode::Char('7')),
        Screen::Tenant => {
            demo.press(KeyCode::Char(':'));
            demo.type_text("tenant tenant_a");
            demo.press(KeyCode::Enter);
        }
        Screen::Runbook => {
            demo.press(KeyCode::Char('2'));
            demo.press(KeyCode::Char('r'));
            // The first step is a check: Enter jumps to its panel and marks it done, Esc returns.
            demo.press(KeyCode::Enter);
            demo.press(KeyCode::Esc);
        }
        Screen::ActionMenu => demo.press(KeyCode::Char('a')),
        Screen::ActionDialog => {
            demo.press(KeyCode::Char('2'));
            demo.press(KeyCode::Char('r'));
            for _ in 0..3 {
                demo.press(KeyCode::Down);
            }
            demo.press(KeyCode::Enter);
        }
        Screen::Help => demo.press(KeyCode::Char('?')),
    }
    demo.screen()
}

/// Every capture the docs keep: (path relative to the crate's root, text).
pub fn captures() -> Vec<(String, String)> {
    CAPTURE_LANGS
        .iter()
        .flat_map(|&lang| {
            Screen::ALL
                .into_iter()
                .map(move |screen| (capture_path(screen, lang), capture(screen, lang)))
        })
        .collect()
}

/// The marker before a screen's picture in the user guide; the picture runs to [`SCREEN_END`].
pub fn screen_marker(screen: Screen) -> String {
    format!("<!-- screen: {} -->\n", screen.name())
}

pub const SCREEN_END: &str = "<!-- end screen -->\n";

/// The picture of a capture as the guide embeds it: a fenced text block.
pub fn fenced(capture: &str) -> String {
    format!("```text\n{capture}```\n")
}

/// `guide` with the picture after every screen marker replaced by the current capture in `lang`;
/// an error names a marker that is unknown or not closed.
pub fn embed_captures(guide: &str, lang: Lang) -> Result<String, String> {
    const PREFIX: &str = "<!-- screen: ";
    let mut out = String::with_capacity(guide.len());
    let mut rest = guide;
    while let Some(at) = rest.find(PREFIX) {
        let line_end = rest[at..]
            .find('\n')
            .map(|end| at + end + 1)
            .ok_or_else(|| "a screen marker without a line end".to_owned())?;
        let name = rest[at + PREFIX.len()..line_end]
            .trim_end()
            .trim_end_matches("-->")
            .trim();
        let screen = Screen::from_name(name)
            .ok_or_else(|| format!("unknown screen {name:?} in a marker"))?;
        let end = rest[line_end..]
            .find(SCREEN_END)
            .map(|end| line_end + end)
            .ok_or_else(|| format!("the marker of screen {name:?} has no {SCREEN_END:?}"))?;
        out.push_str(&rest[..line_end]);
        out.push_str(&fenced(&capture(screen, lang)));
        rest = &rest[end..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The key reference, `docs/keys.md`: every bindable action with its keys in each shipped keymap,
/// the keys of each mode, and the `:` commands.
pub fn keys_markdown() -> String {
    let mut page = String::new();
    page.push_str(
        "# Keys and commands\n\n\
         <!-- Generated by shiftops::docs::keys_markdown from keymaps/*.toml and the `:` commands; \
         `cargo test --test docs` fails when it is out of date, `UPDATE_DOCS=1 cargo test --test \
         docs` rewrites it. -->\n\n\
         Every key below can be changed: see [keymaps](keymaps.md). `?` in the console shows the \
         keys of the keymap in use. Choose a keymap with `--keymap NAME` or `[ui] keymap`.\n\n\
         ## Bindable actions\n\n",
    );
    let keymaps: Vec<(&str, keymap::Keymap)> = keymap::SHIPPED
        .iter()
        .map(|&name| {
            let map = keymap::load(name, None).expect("the shipped keymaps are valid");
            (name, map)
        })
        .collect();
    let rows: Vec<Vec<(String, &str, &str)>> =
        keymaps.iter().map(|(_, map)| map.help_rows()).collect();
    page.push_str("| action |");
    for (name, _) in &keymaps {
        let _ = write!(page, " `{name}` keys |");
    }
    page.push_str(" what it does |\n| --- |");
    for _ in &keymaps {
        page.push_str(" --- |");
    }
    page.push_str(" --- |\n");
    for (index, (_, action, help)) in rows[0].iter().enumerate() {
        let _ = write!(page, "| `{action}` |");
        for keymap_rows in &rows {
            let keys = keymap_rows
                .get(index)
                .map(|(keys, _, _)| keys.as_str())
                .unwrap_or_default();
            let _ = write!(page, " {} |", code_list(keys));
        }
        let _ = writeln!(page, " {} |", escape_cell(help));
    }

    page.push_str(
        "\n## Keys in each mode\n\n\
         These keys are fixed; the keymap's `up`, `down`, `select` and `back` keys work too where \
         they make sense.\n\n\
         | where | keys |\n\
         | --- | --- |\n\
         | command mode (after `:`) | type the command; `tab` completes the command and its arguments, again \
         goes through the candidates, `shift-tab` backwards; \
         `enter` runs it; `esc` or `ctrl-c` leaves; `backspace` on an empty line leaves; `ctrl-u` \
         clears the line |\n\
         | filter mode (after `/`) | type the text (case-insensitive substring of any column); \
         `enter` applies it; `esc` leaves the filter as it was; `esc` in the view clears it |\n\
         | help | `up` / `down` (and `j` / `k`) scroll a line, `pageup` / `pagedown` a page, `home` / `end` to either end; `?`, `esc` or `q` close; `ctrl-c` quits |\n\
         | action menu (after `a`) | `up` / `down` choose; `enter` previews the action; `esc` \
         closes |\n\
         | action dialog | type the confirmation word shown; `enter` runs the action (or closes \
         the finished dialog); `backspace` corrects; `esc` cancels (not while it runs) |\n\
         | runbook walkthrough | `up` / `down` choose a step; `enter` does it; the `copy` key \
         copies the step's command (again: its next command); `esc` from a panel the runbook \
         opened returns to the walkthrough |\n\
         | tenant chooser (an action step that needs a tenant) | `up` / `down` choose; `enter` \
         takes the tenant and previews the action; `esc` cancels |\n",
    );

    page.push_str(
        "\n## Commands\n\n\
         Type `:` then the command; `tab` completes the command and each of its arguments \
         (tenants, runbook ids, ELT executions, query pids, fixed words such as `all`) to what \
         the candidates share, and `tab` again goes through them (`shift-tab` backwards); every \
         candidate shows above the line. Unknown commands list the valid ones.\n\n\
         | command | what it does |\n\
         | --- | --- |\n",
    );
    for command in COMMANDS {
        let _ = writeln!(
            page,
            "| `{}` | {} |",
            escape_cell(&command.usage(Lang::En)),
            escape_cell(command.help(Lang::En))
        );
    }
    page.push_str("\nShort forms:");
    let mut first = true;
    for command in COMMANDS.iter().filter(|c| !c.aliases.is_empty()) {
        let aliases: Vec<String> = command.aliases.iter().map(|a| format!("`:{a}`")).collect();
        let _ = write!(
            page,
            "{} {} for `:{}`",
            if first { "" } else { "," },
            aliases.join(", "),
            command.name
        );
        first = false;
    }
    page.push_str(
        ".\n\nAn action's tenant, when left out, is the one selected (in a runbook, the \
         walkthrough's); an execution left out is the latest failed one for `:rerun` and the \
         running one for `:stop-elt`.\n",
    );
    page
}

/// Keys joined by ", " as a list of code spans: `` `q`, `ctrl-c` ``.
fn code_list(keys: &str) -> String {
    if keys.trim().is_empty() {
        return "—".to_owned();
    }
    keys.split(", ")
        .map(|key| match key {
            // A backtick cannot sit in a one-backtick code span.
            "`" => "`` ` ``".to_owned(),
            "|" => "`\\|`".to_owned(),
            other => format!("`{other}`"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Text for a Markdown table cell.
fn escape_cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// A demo console being driven by keys, as the event loop would drive it, minus the terminal.
struct Demo {
    app: App,
    fleet: Fleet,
    actions: Actions,
    runtime: tokio::runtime::Runtime,
}

impl Demo {
    fn new(scenario: Scenario, tenants: usize, lang: Lang) -> Demo {
        let clock = Arc::new(ManualClock::new(start()));
        let (fleet, world) = sim::fleet_with_world(
            &SimOptions {
                tenants,
                scenario,
                seed: SEED,
                ..SimOptions::default()
            },
            clock.clone(),
        );
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let snapshot = runtime.block_on(refresh_once(&fleet));
        let settings = Settings::shipped(lang);
        // Previews only: nothing is executed, so no audit log is opened.
        let actions = Actions::new(Arc::new(SimOperator::new(world, clock)), false, None);
        let title = format!(
            "demo:{} · {tenants} {}",
            scenario.name(),
            lang.pick("tenants", "テナント")
        );
        Demo {
            app: App::new(title, settings, snapshot, start()),
            fleet,
            actions,
            runtime,
        }
    }

    fn press(&mut self, code: KeyCode) {
        let effect = self.app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
        self.perform(effect);
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c));
        }
    }

    /// What the event loop does with an effect, at once: previews and alarm histories.
    fn perform(&mut self, effect: Effect) {
        match effect {
            Effect::PlanAction(request) => {
                let planned = self
                    .runtime
                    .block_on(self.actions.plan(&request))
                    .map(Box::new)
                    .map_err(|error| error.to_string());
                self.app.on_action_event(ActionEvent::Planned(planned));
            }
            Effect::FetchAlarmHistory(alarm) => {
                if let Some(history) = &self.fleet.alarm_history {
                    let result = self
                        .runtime
                        .block_on(history.history(&alarm))
                        .map_err(|error| error.to_string());
                    self.app.on_alarm_history(alarm.key().to_string(), result);
                }
            }
            _ => {}
        }
    }

    /// Draws the console and reads the screen back as text.
    fn screen(&mut self) -> String {
        let mut terminal =
            Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("a test terminal never fails");
        let mut drawn = None;
        terminal
            .draw(|frame| drawn = Some(views::draw(frame, &self.app)))
            .expect("a test terminal never fails");
        if let Some(drawn) = drawn {
            self.app.drawn(drawn);
        }
        buffer_text(terminal.backend().buffer())
    }
}

/// A buffer as lines of text. The cell after a double-width character holds nothing of its own
/// and is skipped, so each line is as wide on a terminal as the screen was.
fn buffer_text(buffer: &ratatui::buffer::Buffer) -> String {
    let width = usize::from(buffer.area.width).max(1);
    let mut text = String::new();
    for row in buffer.content.chunks(width) {
        let mut line = String::new();
        let mut skip = 0usize;
        for cell in row {
            if skip == 0 {
                line.push_str(cell.symbol());
            }
            skip = skip.max(cell.symbol().width()).saturating_sub(1);
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screen_names_round_trip_and_are_unique() {
        for screen in Screen::ALL {
            assert_eq!(Screen::from_name(screen.name()), Some(screen));
        }
        let mut names: Vec<&str> = Screen::ALL.iter().map(|screen| screen.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Screen::ALL.len());
    }

    #[test]
    fn captures_are_the_screen_size_and_deterministic() {
        let first = capture(Screen::Overview, Lang::En);
        assert_eq!(first.lines().count(), usize::from(HEIGHT));
        assert!(first.lines().all(|line| line.width() <= usize::from(WIDTH)));
        assert!(first.contains("tenant_b"), "{first}");
        assert_eq!(capture(Screen::Overview, Lang::En), first);
    }

    #[test]
    fn double_width_characters_take_their_two_columns_once() {
        let mut buffer = ratatui::buffer::Buffer::empty(ratatui::layout::Rect::new(0, 0, 6, 1));
        buffer.set_string(0, 0, "日本a", ratatui::style::Style::default());
        assert_eq!(buffer_text(&buffer), "日本a\n");
    }

    #[test]
    fn captures_go_under_the_language_code() {
        assert_eq!(
            capture_path(Screen::Help, Lang::En),
            "docs/screens/help.txt"
        );
        assert_eq!(
            capture_path(Screen::Help, Lang::Ja),
            "docs/screens/ja/help.txt"
        );
    }

    #[test]
    fn embedding_replaces_only_the_pictures() {
        let guide =
            "# Guide\n\n<!-- screen: help -->\n```text\nold\n```\n<!-- end screen -->\n\nafter\n";
        let embedded = embed_captures(guide, Lang::En).unwrap();
        assert!(embedded.starts_with("# Guide\n\n<!-- screen: help -->\n```text\n"));
        assert!(embedded.ends_with("```\n<!-- end screen -->\n\nafter\n"));
        assert!(!embedded.contains("old"));
        assert_eq!(embed_captures(&embedded, Lang::En).unwrap(), embedded);
        assert_eq!(
            embed_captures("<!-- screen: nope -->\n", Lang::En).unwrap_err(),
            "unknown screen \"nope\" in a marker"
        );
        assert!(
            embed_captures("<!-- screen: help -->\n", Lang::En)
                .unwrap_err()
                .contains("has no")
        );
    }

    #[test]
    fn key_reference_lists_every_action_and_command() {
        let page = keys_markdown();
        for (name, _, _) in crate::tui::action::Action::BINDABLE {
            assert!(page.contains(&format!("| `{name}` |")), "{name}");
        }
        for command in COMMANDS {
            assert!(
                page.contains(&format!("| `:{}", command.name)),
                "{}",
                command.name
            );
            for alias in command.aliases {
                assert!(page.contains(&format!("`:{alias}`")), "{alias}");
            }
        }
        assert!(page.contains("`ctrl-r`"));
        assert!(page.contains("`j`"), "the vim keymap's keys");
    }
}
