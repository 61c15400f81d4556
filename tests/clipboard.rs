//! The copy key end to end: the real event loop (`tui::run::Console`) writes the OSC 52 sequence
//! of the selected runbook step's command to the terminal, and nothing else.

mod support;

use support::demo::key_channel;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent};
use shiftops::i18n::Lang;
use shiftops::source::SystemClock;
use shiftops::source::sim::{self, SimOptions};
use shiftops::tui::clipboard::{base64, osc52};
use shiftops::tui::run::{Console, Extras};
use shiftops::tui::{Settings, runbook};

/// What the console wrote to "the terminal", shared with the test.
#[derive(Clone, Default)]
struct Written(Arc<Mutex<Vec<u8>>>);

impl Write for Written {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_copy_key_writes_the_steps_command_as_osc_52() {
    let fleet = sim::fleet(&SimOptions::default(), Arc::new(SystemClock));
    let settings = Settings::shipped(Lang::En);
    let command = runbook::text::commands(
        &settings
            .runbooks
            .iter()
            .find(|r| r.id == "wlm-queue-overload")
            .unwrap()
            .steps[1]
            .text,
    )[0]
    .clone();
    assert!(
        command.starts_with("SELECT query, service_class"),
        "{command}"
    );
    let written = Written::default();
    let (keys, terminal_events) = key_channel();
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let mut console = Console::new(
        &mut terminal,
        terminal_events,
        fleet,
        settings,
        "demo".into(),
        Extras {
            clipboard: Some(Box::new(written.clone())),
            ..Extras::default()
        },
    );
    for c in ":runbook wlm-queue-overload".chars() {
        keys.send(Ok(Event::Key(KeyEvent::from(KeyCode::Char(c)))))
            .unwrap();
    }
    for code in [KeyCode::Enter, KeyCode::Down, KeyCode::Char('y')] {
        keys.send(Ok(Event::Key(KeyEvent::from(code)))).unwrap();
    }
    let copied = |console: &Console<'_, TestBackend, _>| {
        console
            .app()
            .message
            .as_ref()
            .is_some_and(|m| m.text.starts_with("copied command 1 of 3"))
    };
    while !copied(&console) {
        tokio::time::timeout(Duration::from_secs(10), console.step())
            .await
            .expect("the loop handles something within 10 s")
            .unwrap();
    }
    let written = written.0.lock().unwrap().clone();
    assert_eq!(String::from_utf8(written).unwrap(), osc52(&command));
    assert_eq!(
        osc52(&command),
        format!("\x1b]52;c;{}\x07", base64(command.as_bytes()))
    );
}
