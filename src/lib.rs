//! shiftops: a terminal operations console for a multi-tenant Aurora → Redshift analytics pipeline.
//!
//! Layers, with data flowing one way: `source` (all I/O) produces `model` data, `health` turns a
//! snapshot into findings, `tui` and `cli` present them, and `action` is the only place that mutates.

pub mod action;
pub mod cli;
pub mod config;
pub mod datafile;
pub mod docs;
pub mod health;
pub mod i18n;
pub mod memory;
pub mod model;
pub mod report;
pub mod source;
pub mod text;
pub mod tui;
