//! The event loop: terminal events, source results, action progress and a one-second clock,
//! drawn only when something changed. Fetches and actions run in tasks; this loop never awaits I/O.

use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;

use color_eyre::eyre::{Result, WrapErr};
use futures_util::{Stream, StreamExt};
use ratatui::backend::Backend;
use ratatui::crossterm::event::{Event, EventStream, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::{DefaultTerminal, Terminal};
#[cfg(unix)]
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::mpsc;

use super::app::{App, Effect, Settings};
use super::incident::ExportError;
use super::recovery::ActionEvent;
use super::views;
use crate::action::{Actions, Progress};
use crate::source::Fleet;
use crate::source::refresh::{Refresher, SourceEvent};

/// What the console runs with besides its data: the actions it may take and anything to say at start.
#[derive(Default)]
pub struct Extras {
    pub actions: Option<Arc<Actions>>,
    /// Shown and recorded at start (an earlier action whose outcome is unknown …).
    pub notices: Vec<String>,
    /// What CloudWatch charges per 1,000 metrics GetMetricData requests (`[metrics]
    /// price_per_1000_metrics`), for the polling cost on the status line; `None`: the list price.
    pub metrics_price_per_1000: Option<f64>,
    /// Where the copy key's OSC 52 sequence goes: the terminal (stdout) in [`run`]; none, and
    /// nothing is written, unless given.
    pub clipboard: Option<Box<dyn std::io::Write + Send>>,
}

/// Which of the console's standard streams is not a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoTerminal {
    Stdin,
    Stdout,
}

impl NoTerminal {
    /// The stream, as a user knows it.
    pub fn stream(self) -> &'static str {
        match self {
            NoTerminal::Stdin => "stdin",
            NoTerminal::Stdout => "stdout",
        }
    }
}

impl std::fmt::Display for NoTerminal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is not a terminal", self.stream())
    }
}

/// Whether the console can take over this terminal: it reads keys from stdin and draws on
/// stdout, so both must be one. Checked before anything is written, so that a console started
/// into a pipe or a file writes nothing there, not even the escapes that leave a screen.
pub fn require_terminal() -> std::result::Result<(), NoTerminal> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return Err(NoTerminal::Stdout);
    }
    if !std::io::stdin().is_terminal() {
        return Err(NoTerminal::Stdin);
    }
    Ok(())
}

/// Runs the console until the user quits (exit code 0) or a signal ends it: SIGTERM (143),
/// SIGHUP (129, the SSH session is gone) or SIGINT (130). The terminal is restored — cooked mode,
/// the main screen, the cursor shown — on return, on error, on those signals and on a panic of the
/// console (our hook, layered over color-eyre's, which must be installed first). Ctrl-Z (the
/// key, or SIGTSTP) hands the terminal back the same way and stops the process; SIGCONT takes
/// the terminal again and redraws the whole screen. Without a terminal it writes nothing and
/// fails with [`NoTerminal`]'s reason.
pub async fn run(
    fleet: Fleet,
    settings: Settings,
    title: String,
    mut extras: Extras,
) -> Result<u8> {
    if let Err(missing) = require_terminal() {
        return Err(color_eyre::eyre::eyre!(
            "the console needs a terminal: {missing}; `shiftops check` writes a report instead"
        ));
    }
    extras
        .clipboard
        .get_or_insert_with(|| Box::new(std::io::stdout()));
    // Listening before the terminal changes: from here on a SIGTERM cannot leave it raw.
    let mut signals = Signals::listen()?;
    let mut terminal = init_terminal()?;
    let result = event_loop(&mut terminal, &mut signals, fleet, settings, title, extras).await;
    restore_terminal();
    result
}

/// Puts the terminal back as the shell expects it: raw mode off, the main screen, the cursor
/// shown (leaving the alternate screen does not show it). Errors are ignored: it runs on the way
/// out, also when the terminal is already gone. Only a terminal the console took is touched:
/// otherwise (it was never taken, or already handed back) nothing is written.
pub fn restore_terminal() {
    if !CONSOLE_ACTIVE.swap(false, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    let _ = ratatui::crossterm::terminal::disable_raw_mode();
    let _ = ratatui::crossterm::execute!(
        std::io::stdout(),
        ratatui::crossterm::terminal::LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    );
}

/// Whether the console owns the terminal (raw mode, alternate screen) right now.
static CONSOLE_ACTIVE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Raw mode and the alternate screen, with a panic hook that restores the terminal first when the
/// console itself panics. A panic in a task (a source, an action) is caught where it happens and
/// shown as that task's error, so it neither restores the terminal under a console that goes on
/// nor prints a report over its screen.
fn init_terminal() -> Result<DefaultTerminal> {
    use std::sync::atomic::Ordering;
    let console = std::thread::current().id();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == console {
            restore_terminal();
        } else if CONSOLE_ACTIVE.load(Ordering::SeqCst) {
            return;
        }
        previous(info);
    }));
    let setup = || -> std::io::Result<DefaultTerminal> {
        take_terminal()?;
        ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(std::io::stdout()))
    };
    setup().map_err(|error| {
        restore_terminal();
        color_eyre::eyre::eyre!(
            "the console needs a terminal ({error}); `shiftops check` writes a report instead"
        )
    })
}

/// Raw mode and the alternate screen, at start and again after a suspension.
fn take_terminal() -> std::io::Result<()> {
    ratatui::crossterm::terminal::enable_raw_mode()?;
    CONSOLE_ACTIVE.store(true, std::sync::atomic::Ordering::SeqCst);
    ratatui::crossterm::execute!(
        std::io::stdout(),
        ratatui::crossterm::terminal::EnterAlternateScreen
    )
}

/// Hands the terminal back and stops the process, as Ctrl-Z does to any program; the shell's
/// `fg` (SIGCONT) lets it go on, and the loop then takes the terminal again.
#[cfg(unix)]
fn suspend() {
    restore_terminal();
    // SAFETY: kill(2) with our own pid and a valid signal number; SIGSTOP cannot be caught, so
    // the whole process stops here until SIGCONT, whatever the terminal's job control does.
    unsafe {
        libc::kill(libc::getpid(), libc::SIGSTOP);
    }
}

#[cfg(not(unix))]
fn suspend() {}

/// What a signal asks of the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SignalEvent {
    /// End, with this exit code.
    End(u8),
    /// SIGTSTP: hand the terminal back and stop.
    Stop,
    /// SIGCONT: take the terminal again and redraw.
    Continue,
}

/// The signals that end, stop or continue the console.
#[cfg(unix)]
struct Signals {
    terminate: Signal,
    hangup: Signal,
    interrupt: Signal,
    stop: Signal,
    resume: Signal,
}

#[cfg(unix)]
impl Signals {
    fn listen() -> Result<Signals> {
        let listen = |kind: SignalKind| signal(kind).wrap_err("listening for signals");
        Ok(Signals {
            terminate: listen(SignalKind::terminate())?,
            hangup: listen(SignalKind::hangup())?,
            interrupt: listen(SignalKind::interrupt())?,
            stop: listen(SignalKind::from_raw(libc::SIGTSTP))?,
            resume: listen(SignalKind::from_raw(libc::SIGCONT))?,
        })
    }

    /// The first signal to arrive; an ending one with its exit code: 128 + its number, as a
    /// shell reports it.
    async fn recv(&mut self) -> SignalEvent {
        tokio::select! {
            _ = self.terminate.recv() => SignalEvent::End(128 + 15),
            _ = self.hangup.recv() => SignalEvent::End(128 + 1),
            _ = self.interrupt.recv() => SignalEvent::End(128 + 2),
            _ = self.stop.recv() => SignalEvent::Stop,
            _ = self.resume.recv() => SignalEvent::Continue,
        }
    }
}

#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn listen() -> Result<Signals> {
        Ok(Signals)
    }

    async fn recv(&mut self) -> SignalEvent {
        std::future::pending().await
    }
}

async fn event_loop(
    terminal: &mut DefaultTerminal,
    signals: &mut Signals,
    fleet: Fleet,
    mut settings: Settings,
    title: String,
    extras: Extras,
) -> Result<u8> {
    settings.local_clock = true;
    let mut console = Console::new(terminal, EventStream::new(), fleet, settings, title, extras);
    // While stopped the terminal is the shell's: nothing is drawn and no key is read until the
    // console has it again.
    let mut suspended = false;
    loop {
        if !suspended {
            console.draw_if_dirty()?;
        }
        let signal = tokio::select! {
            signal = signals.recv() => Some(signal),
            step = console.step(), if !suspended => {
                if let Some(code) = step? {
                    return Ok(code);
                }
                None
            }
        };
        let stop = match signal {
            Some(SignalEvent::End(code)) => return Ok(code),
            Some(SignalEvent::Stop) => true,
            // Also after a SIGSTOP from elsewhere: the shell may have reset the terminal's modes.
            Some(SignalEvent::Continue) => {
                take_terminal().wrap_err("taking the terminal again")?;
                console.redraw_everything()?;
                suspended = false;
                false
            }
            None => console.take_suspend_request(),
        };
        if stop && !suspended {
            suspended = true;
            suspend();
        }
    }
}

/// The console's loop body, over any backend and any stream of terminal events: the real
/// terminal's in [`run`], a `TestBackend` and a channel in tests. [`Console::draw_if_dirty`] draws
/// when something changed, [`Console::step`] waits for one thing to happen and handles it.
///
/// Input (keys, resizes, action progress, alarm history) is handled and drawn at once. What the
/// sources report is applied with the next tick of the one-second clock, all of it together: one
/// re-derivation of health and rows and one frame a second at most, however many sources
/// refresh (the tick draws anyway while a data age on screen counts seconds). Until every source
/// has answered once, data is applied as it comes, so the first figures show without waiting.
pub struct Console<'t, B: Backend, E> {
    terminal: &'t mut Terminal<B>,
    terminal_events: E,
    app: App,
    fleet: Fleet,
    refresher: Refresher,
    actions: Option<Arc<Actions>>,
    source_events: mpsc::UnboundedReceiver<SourceEvent>,
    history_sender: mpsc::UnboundedSender<HistoryResult>,
    history_results: mpsc::UnboundedReceiver<HistoryResult>,
    action_sender: mpsc::UnboundedSender<ActionEvent>,
    action_events: mpsc::UnboundedReceiver<ActionEvent>,
    clock: tokio::time::Interval,
    /// What the sources reported since the last tick, applied together with the next one.
    pending: Vec<SourceEvent>,
    /// The terminal's clipboard, by OSC 52.
    clipboard: Option<Box<dyn std::io::Write + Send>>,
    /// Ctrl-Z was pressed: in raw mode the terminal sends it as a key, not as SIGTSTP.
    suspend_requested: bool,
}

impl<'t, B, E> Console<'t, B, E>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    E: Stream<Item = std::io::Result<Event>> + Unpin,
{
    /// Starts the sources' refresh tasks (so it must run inside a tokio runtime).
    pub fn new(
        terminal: &'t mut Terminal<B>,
        terminal_events: E,
        fleet: Fleet,
        mut settings: Settings,
        title: String,
        extras: Extras,
    ) -> Self {
        let (sender, source_events) = mpsc::unbounded_channel();
        let refresher = Refresher::spawn(&fleet, sender);
        settings.actions = extras.actions.is_some();
        // A console whose actions are refused (the flag, or another console holds the state dir)
        // says so in its header and before anything is typed.
        settings.read_only |= extras.actions.as_ref().is_some_and(|a| a.read_only());
        let snapshot = fleet.empty_snapshot();
        let mut app = App::new(title, settings, snapshot, fleet.clock.now());
        for notice in extras.notices {
            app.notice(notice);
        }
        app.polling = fleet
            .sources
            .iter()
            .find(|s| s.id() == crate::model::SourceId::Metrics)
            .map(|metrics| super::cost::Polling {
                metrics_interval: metrics.interval(),
                price_per_1000_metrics: extras
                    .metrics_price_per_1000
                    .unwrap_or(super::cost::LIST_PRICE_PER_1000_METRICS),
            });
        let (history_sender, history_results) = mpsc::unbounded_channel();
        let (action_sender, action_events) = mpsc::unbounded_channel();
        let mut clock = tokio::time::interval(Duration::from_secs(1));
        clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        Self {
            terminal,
            terminal_events,
            app,
            fleet,
            refresher,
            actions: extras.actions,
            source_events,
            history_sender,
            history_results,
            action_sender,
            action_events,
            clock,
            pending: Vec::new(),
            clipboard: extras.clipboard,
            suspend_requested: false,
        }
    }

    /// Whether Ctrl-Z was pressed since the last call: the event loop then hands the terminal
    /// back and stops the process (only the loop of [`run`] owns a real terminal to hand back).
    pub fn take_suspend_request(&mut self) -> bool {
        std::mem::take(&mut self.suspend_requested)
    }

    /// Clears the terminal and draws the whole screen anew, as after the console was stopped:
    /// the terminal's contents are unknown.
    pub fn redraw_everything(&mut self) -> Result<()> {
        // Not `Terminal::clear`: it asks the terminal where its cursor is and waits for the
        // answer, which a terminal that does not answer (or answers into the key stream) never
        // gives. The backend's clear, then both buffers blanked: the next frame is drawn whole.
        self.terminal
            .backend_mut()
            .clear()
            .wrap_err("clearing the screen")?;
        self.terminal.swap_buffers();
        self.terminal.swap_buffers();
        self.app.mark_dirty();
        Ok(())
    }

    /// Writes the OSC 52 sequence that puts `text` on the terminal's clipboard; a failure to
    /// write replaces the "copied" message.
    fn copy(&mut self, text: &str) {
        let Some(clipboard) = self.clipboard.as_mut() else {
            return;
        };
        let written = clipboard
            .write_all(super::clipboard::osc52(text).as_bytes())
            .and_then(|()| clipboard.flush());
        if let Err(error) = written {
            self.app.error(format!(
                "{}: {error}",
                self.app.t(
                    "cannot write to the terminal's clipboard",
                    "端末のクリップボードに書けません"
                )
            ));
        }
    }

    pub fn app(&self) -> &App {
        &self.app
    }

    pub fn terminal(&self) -> &Terminal<B> {
        self.terminal
    }

    /// Draws the screen if anything changed since the last frame; returns whether it drew.
    pub fn draw_if_dirty(&mut self) -> Result<bool> {
        if !self.app.take_dirty() {
            return Ok(false);
        }
        let mut drawn = None;
        let app = &self.app;
        self.terminal
            .draw(|frame| drawn = Some(views::draw(frame, app)))
            .wrap_err("drawing the screen")?;
        if let Some(drawn) = drawn {
            self.app.drawn(drawn);
        }
        Ok(true)
    }

    /// Waits for the next event of any kind and handles it; `Some(code)` when the console quits.
    pub async fn step(&mut self) -> Result<Option<u8>> {
        tokio::select! {
            Some(event) = self.source_events.recv() => {
                self.pending.push(event);
                while let Ok(event) = self.source_events.try_recv() {
                    self.pending.push(event);
                }
                // Until every source has answered once, data shows as it comes; after that it
                // is applied, health and rows re-derived and drawn once per tick.
                let starting = self
                    .app
                    .snapshot
                    .sources
                    .iter()
                    .any(|s| s.fetched_at.is_none() && s.error.is_none());
                if starting {
                    self.app.on_source_events(self.pending.drain(..));
                }
            }
            event = self.terminal_events.next() => match event {
                Some(Ok(Event::Key(key)))
                    if cfg!(unix)
                        && key.kind == KeyEventKind::Press
                        && key.code == KeyCode::Char('z')
                        && key.modifiers == KeyModifiers::CONTROL =>
                {
                    self.suspend_requested = true;
                }
                Some(Ok(Event::Key(key))) if key.kind == KeyEventKind::Press => {
                    let effect = self.app.on_key(key);
                    if let Effect::Copy(text) = &effect {
                        self.copy(text);
                    }
                    if perform(
                        effect,
                        &self.fleet,
                        &self.refresher,
                        &self.actions,
                        &self.history_sender,
                        &self.action_sender,
                    ) {
                        return Ok(Some(0));
                    }
                }
                Some(Ok(Event::Resize(..))) => self.app.mark_dirty(),
                Some(Ok(_)) => {}
                Some(Err(error)) => return Err(error).wrap_err("reading the terminal"),
                None => return Ok(Some(0)),
            },
            Some((alarm, result)) = self.history_results.recv() => {
                self.app.on_alarm_history(alarm, result)
            }
            Some(event) = self.action_events.recv() => self.app.on_action_event(event),
            _ = self.clock.tick() => {
                // A result replaces data, or is dropped as the same: either frees its size.
                let replaced = self
                    .pending
                    .iter()
                    .any(|event| matches!(event, SourceEvent::Finished(_)));
                self.app.advance(self.fleet.clock.now(), self.pending.drain(..));
                if replaced {
                    // It walks the whole heap: off the console's thread.
                    tokio::task::spawn_blocking(crate::memory::release_freed);
                }
            }
        }
        Ok(None)
    }
}

/// Carries out what the UI asked for, in tasks; returns whether to quit.
fn perform(
    effect: Effect,
    fleet: &Fleet,
    refresher: &Refresher,
    actions: &Option<Arc<Actions>>,
    history: &mpsc::UnboundedSender<HistoryResult>,
    action_events: &mpsc::UnboundedSender<ActionEvent>,
) -> bool {
    match effect {
        Effect::Quit => return true,
        Effect::Refresh => refresher.refresh_all(),
        Effect::FetchAlarmHistory(alarm) => fetch_alarm_history(fleet, alarm, history.clone()),
        Effect::PlanAction(request) => {
            let Some(actions) = actions.clone() else {
                return false;
            };
            let events = action_events.clone();
            tokio::spawn(async move {
                let planned = actions
                    .plan(&request)
                    .await
                    .map(Box::new)
                    .map_err(|e| e.to_string());
                let _ = events.send(ActionEvent::Planned(planned));
            });
        }
        Effect::ExecuteAction { plan, typed } => {
            let Some(actions) = actions.clone() else {
                return false;
            };
            let events = action_events.clone();
            let refresh = refresher.trigger();
            tokio::spawn(async move {
                let (progress, mut updates) = Progress::channel();
                let forward = {
                    let events = events.clone();
                    tokio::spawn(async move {
                        while let Some(update) = updates.recv().await {
                            let _ = events.send(ActionEvent::from(update));
                        }
                    })
                };
                let result = actions.execute(&plan, &typed, &progress).await;
                drop(progress);
                let _ = forward.await;
                let _ = events.send(ActionEvent::Finished(result));
                // What the action changed shows at once, not at the next interval.
                refresh();
            });
        }
        Effect::AcknowledgeUnknown => {
            let Some(actions) = actions.clone() else {
                return false;
            };
            let events = action_events.clone();
            tokio::spawn(async move {
                let acknowledged = actions.acknowledge_unknown().await;
                let _ = events.send(ActionEvent::Acknowledged(acknowledged));
            });
        }
        Effect::ExportIncident {
            path,
            markdown,
            overwrite,
        } => {
            // Written off the UI loop: a slow or full disk must not freeze the console.
            let events = action_events.clone();
            tokio::task::spawn_blocking(move || {
                let written = write_record(&path, &markdown, overwrite).map(|()| path);
                let _ = events.send(ActionEvent::Exported(written));
            });
        }
        // Written by the console itself, to the terminal it draws on (Console::copy).
        Effect::Copy(_) | Effect::None => {}
    }
    false
}

/// Writes the incident record to a new file; an existing one only when `overwrite` (`:export!`).
/// The file is created in the same call that checks it is absent, so nothing written in between
/// (another console's export, a file of the same name) is ever overwritten unasked.
pub fn write_record(
    path: &std::path::Path,
    markdown: &str,
    overwrite: bool,
) -> Result<(), ExportError> {
    use std::io::Write;
    let failed = |e: std::io::Error| ExportError::Failed(format!("{}: {e}", path.display()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if overwrite {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut file = match options.open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(ExportError::Exists(path.to_path_buf()));
        }
        Err(e) => return Err(failed(e)),
    };
    let written = file
        .write_all(markdown.as_bytes())
        .and_then(|()| file.flush());
    if let Err(e) = written {
        // A new file cut short is ours: it goes, so the next `:export` is not asked to overwrite it.
        if !overwrite {
            drop(file);
            let _ = std::fs::remove_file(path);
        }
        return Err(failed(e));
    }
    Ok(())
}

type HistoryResult = (String, Result<Vec<crate::model::AlarmHistoryItem>, String>);

/// Fetches an alarm's history in a task; the result comes back over the channel.
fn fetch_alarm_history(
    fleet: &Fleet,
    alarm: Box<crate::model::Alarm>,
    results: mpsc::UnboundedSender<HistoryResult>,
) {
    let key = alarm.key().to_string();
    let Some(source) = fleet.alarm_history.clone() else {
        let _ = results.send((key, Err("this fleet keeps no alarm history".into())));
        return;
    };
    let timeout = fleet.fetch_timeout;
    tokio::spawn(async move {
        let result = match tokio::time::timeout(timeout, source.history(&alarm)).await {
            Ok(result) => result.map_err(|e| e.to_string()),
            Err(_) => Err(format!("timed out after {}s", timeout.as_secs())),
        };
        let _ = results.send((key, result));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_never_overwrites_a_file_unasked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("incident.md");
        write_record(&path, "first", false).unwrap();
        assert_eq!(
            write_record(&path, "second", false),
            Err(ExportError::Exists(path.clone()))
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "first");
        write_record(&path, "third", true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "third");
        let missing = dir.path().join("no-such-dir").join("incident.md");
        assert!(matches!(
            write_record(&missing, "x", false),
            Err(ExportError::Failed(_))
        ));
    }
}
