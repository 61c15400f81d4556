//! A text read whole over its view: `select` on a running query (WLM view) opens its SQL, on an
//! ELT run (ELT view) its error and cause (a dbt log runs to many lines), on a failed query (error
//! log) its error and SQL, the text's own line breaks kept and each line wrapped at the width.
//! A component: it owns which query it shows and how far it is scrolled, takes the keys while
//! open, and answers what the console must do.

use super::action::Action;
use super::action::View;
use super::app::Effect;
use super::rows::{LogRow, log_row};
use crate::i18n::Lang;
use crate::model::{EltRun, FailedQuery, RunningQuery, Snapshot};

/// What the console does after the query text handled a key.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// Still open.
    Stay,
    /// Closed: the WLM view again.
    Close,
    /// An effect for the event loop (the SQL to the clipboard, quit), still open unless quitting.
    Effect(Effect, Option<&'static str>),
}

/// What is read, as it was when opened: a query may end, a run change, while it is read.
#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    Query(RunningQuery),
    Run(EltRun),
    Failed(FailedQuery),
}

impl Subject {
    /// The text shown and copied: the SQL, or the run's error and cause.
    pub fn text(&self) -> String {
        match self {
            Subject::Query(query) => query.sql.clone(),
            Subject::Run(run) => [run.error.as_deref(), run.cause.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("\n\n"),
            Subject::Failed(query) => format!("{}\n\n{}", query.error, query.sql),
        }
    }
}

/// What `select` opens on a view's selected row.
#[derive(Debug, Clone, PartialEq)]
pub enum Opened {
    Text(Box<QueryText>),
    /// No row to open, and why (English, Japanese).
    Nothing(&'static str, &'static str),
    /// A row with no text to read (an audit log line, shown whole below its list).
    NoText,
}

/// The text of the selected row (an index of the view's collection) of the WLM view (a running
/// query's SQL), the ELT view (a run's error and cause) or the error log (a failed query).
pub fn open_selected(view: View, snapshot: &Snapshot, selected: Option<usize>) -> Opened {
    match (view, selected) {
        (View::Wlm, Some(i)) => {
            Opened::Text(Box::new(QueryText::open(&snapshot.warehouse.queries[i])))
        }
        (View::Wlm, None) => Opened::Nothing("no query is running", "実行中のクエリはありません"),
        (View::Elt, Some(i)) => Opened::Text(Box::new(QueryText::open_run(&snapshot.elt_runs[i]))),
        (View::Elt, None) => Opened::Nothing("no ELT run to show", "表示する ELT 実行がありません"),
        (View::Logs, Some(i)) => match log_row(snapshot, i) {
            LogRow::Failed(i) => Opened::Text(Box::new(QueryText::open_failed(
                &snapshot.warehouse.failed_queries[i],
            ))),
            LogRow::Audit(_) => Opened::NoText,
        },
        _ => Opened::NoText,
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct QueryText {
    pub subject: Subject,
    /// The first line shown; the view keeps it within the text.
    scroll: usize,
}

/// How far a page key scrolls.
const PAGE: usize = 10;

impl QueryText {
    pub fn open(query: &RunningQuery) -> QueryText {
        QueryText {
            subject: Subject::Query(query.clone()),
            scroll: 0,
        }
    }

    pub fn open_run(run: &EltRun) -> QueryText {
        QueryText {
            subject: Subject::Run(run.clone()),
            scroll: 0,
        }
    }

    pub fn open_failed(query: &FailedQuery) -> QueryText {
        QueryText {
            subject: Subject::Failed(query.clone()),
            scroll: 0,
        }
    }

    /// The first line to show of a text of `lines` lines in a panel of `height` rows.
    pub fn scroll(&self, lines: usize, height: usize) -> usize {
        self.scroll.min(lines.saturating_sub(height))
    }

    /// A key, as the keymap names it (`None` for a key it does not bind).
    pub fn on_key(&mut self, action: Option<Action>, lang: Lang) -> Reply {
        match action {
            Some(Action::Down) => self.scroll = self.scroll.saturating_add(1),
            Some(Action::Up) => self.scroll = self.scroll.saturating_sub(1),
            Some(Action::PageDown) => self.scroll = self.scroll.saturating_add(PAGE),
            Some(Action::PageUp) => self.scroll = self.scroll.saturating_sub(PAGE),
            Some(Action::Top) => self.scroll = 0,
            // The view clamps it to the last page.
            Some(Action::Bottom) => self.scroll = usize::MAX,
            Some(Action::Back | Action::Select) => return Reply::Close,
            Some(Action::Copy) => {
                let message = match self.subject {
                    Subject::Query(_) => lang.pick(
                        "copied the query's SQL to the clipboard (OSC 52)",
                        "クエリの SQL をクリップボードにコピーしました(OSC 52)",
                    ),
                    Subject::Run(_) => lang.pick(
                        "copied the run's error and cause to the clipboard (OSC 52)",
                        "実行のエラーと原因をクリップボードにコピーしました(OSC 52)",
                    ),
                    Subject::Failed(_) => lang.pick(
                        "copied the failed query's error and SQL to the clipboard (OSC 52)",
                        "失敗したクエリのエラーと SQL をクリップボードにコピーしました(OSC 52)",
                    ),
                };
                return Reply::Effect(Effect::Copy(self.subject.text()), Some(message));
            }
            Some(Action::Quit) => return Reply::Close,
            _ => {}
        }
        Reply::Stay
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn query() -> RunningQuery {
        RunningQuery {
            pid: 1_073_760_001,
            queue: "adhoc".into(),
            user: "learner_017".into(),
            state: "Running".into(),
            started_at: Utc.with_ymd_and_hms(2026, 11, 21, 5, 35, 0).unwrap(),
            sql: "SELECT 1\nFROM t".into(),
            sql_cut_at: None,
        }
    }

    #[test]
    fn it_scrolls_within_the_text_and_closes_on_back() {
        let mut text = QueryText::open(&query());
        assert_eq!(text.on_key(Some(Action::Down), Lang::En), Reply::Stay);
        assert_eq!(text.scroll(30, 10), 1);
        text.on_key(Some(Action::Bottom), Lang::En);
        assert_eq!(text.scroll(30, 10), 20);
        assert_eq!(text.scroll(5, 10), 0, "a text that fits never scrolls");
        text.on_key(Some(Action::Top), Lang::En);
        assert_eq!(text.scroll(30, 10), 0);
        assert_eq!(text.on_key(Some(Action::Back), Lang::En), Reply::Close);
    }

    #[test]
    fn the_copy_key_copies_the_whole_sql() {
        let mut text = QueryText::open(&query());
        match text.on_key(Some(Action::Copy), Lang::Ja) {
            Reply::Effect(Effect::Copy(sql), Some(_)) => assert_eq!(sql, "SELECT 1\nFROM t"),
            other => panic!("{other:?}"),
        }
    }
}
