//! The event loop: terminal events, source results and a one-second clock, drawn only when
//! something changed. Fetches run in the refresher's tasks; this loop never awaits I/O.

use std::time::Duration;

use color_eyre::eyre::{Result, WrapErr};
use futures_util::StreamExt;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{Event, EventStream, KeyEventKind};
use tokio::sync::mpsc;

use super::app::{App, Effect, Settings};
use super::views;
use crate::source::Fleet;
use crate::source::refresh::Refresher;

/// Runs the console until the user quits. The terminal is restored on return, on error and on
/// panic (ratatui's hook, layered over color-eyre's).
pub async fn run(fleet: Fleet, settings: Settings, title: String) -> Result<()> {
    let mut terminal = ratatui::init();
    let result = event_loop(&mut terminal, fleet, settings, title).await;
    ratatui::restore();
    result
}

async fn event_loop(
    terminal: &mut DefaultTerminal,
    fleet: Fleet,
    settings: Settings,
    title: String,
) -> Result<()> {
    let (sender, mut source_events) = mpsc::unbounded_channel();
    let refresher = Refresher::spawn(&fleet, sender);
    let snapshot = fleet.empty_snapshot();
    let mut app = App::new(title, settings, snapshot, fleet.clock.now());
    let (history_sender, mut history_results) = mpsc::unbounded_channel();
    let mut terminal_events = EventStream::new();
    let mut clock = tokio::time::interval(Duration::from_secs(1));
    clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);

    loop {
        if app.take_dirty() {
            let mut page_size = app.page_size;
            terminal
                .draw(|frame| page_size = views::draw(frame, &app))
                .wrap_err("drawing the screen")?;
            app.page_size = page_size;
        }
        tokio::select! {
            Some(event) = source_events.recv() => {
                app.on_source_event(event);
                // Apply everything already waiting, then draw once.
                while let Ok(event) = source_events.try_recv() {
                    app.on_source_event(event);
                }
            }
            event = terminal_events.next() => match event {
                Some(Ok(Event::Key(key))) if key.kind == KeyEventKind::Press => {
                    match app.on_key(key) {
                        Effect::Quit => return Ok(()),
                        Effect::Refresh => refresher.refresh_all(),
                        Effect::FetchAlarmHistory(alarm) => {
                            fetch_alarm_history(&fleet, alarm, history_sender.clone());
                        }
                        Effect::None => {}
                    }
                }
                Some(Ok(Event::Resize(..))) => app.mark_dirty(),
                Some(Ok(_)) => {}
                Some(Err(error)) => return Err(error).wrap_err("reading the terminal"),
                None => return Ok(()),
            },
            Some((alarm, result)) = history_results.recv() => app.on_alarm_history(alarm, result),
            _ = clock.tick() => app.tick(fleet.clock.now()),
        }
    }
}

type HistoryResult = (String, Result<Vec<crate::model::AlarmHistoryItem>, String>);

/// Fetches an alarm's history in a task; the result comes back over the channel.
fn fetch_alarm_history(
    fleet: &Fleet,
    alarm: String,
    results: mpsc::UnboundedSender<HistoryResult>,
) {
    let Some(source) = fleet.alarm_history.clone() else {
        let _ = results.send((alarm, Err("this fleet keeps no alarm history".into())));
        return;
    };
    let timeout = fleet.fetch_timeout;
    tokio::spawn(async move {
        let result = match tokio::time::timeout(timeout, source.history(&alarm)).await {
            Ok(result) => result.map_err(|e| e.to_string()),
            Err(_) => Err(format!("timed out after {}s", timeout.as_secs())),
        };
        let _ = results.send((alarm, result));
    });
}
