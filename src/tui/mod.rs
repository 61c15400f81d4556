//! The terminal UI: owns UI state, one `Action` enum, views and widgets. Never awaits I/O.

pub mod action;
pub mod app;
pub mod clipboard;
pub mod command;
pub mod cost;
pub mod help;
pub mod incident;
pub mod keymap;
pub mod query_text;
pub mod recovery;
pub mod rows;
pub mod run;
pub mod runbook;
pub mod theme;
pub mod views;

pub use app::Settings;
pub use run::{Extras, run};
