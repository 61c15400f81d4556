use std::fmt::Write;

use serde::Serialize;

use super::Time;

/// What happened during the session, for the incident record.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    FindingRaised {
        tenant: Option<String>,
        check: String,
        severity: String,
        message: String,
    },
    FindingCleared {
        tenant: Option<String>,
        check: String,
        message: String,
    },
    AlarmChanged {
        alarm: String,
        from: String,
        to: String,
        reason: String,
    },
    ActionStarted {
        action: String,
        target: String,
        calls: Vec<String>,
    },
    ActionFinished {
        action: String,
        target: String,
        ok: bool,
        summary: String,
    },
    StepDone {
        runbook: String,
        step: String,
    },
    Note {
        text: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub time: Time,
    pub event: Event,
}

/// The session's incident timeline: findings, alarm changes, actions and notes, in order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Timeline {
    pub entries: Vec<Entry>,
}

impl Timeline {
    pub fn push(&mut self, time: Time, event: Event) {
        self.entries.push(Entry { time, event });
    }

    /// The record as Markdown, for the team's wiki (seed 001: record the incident in Confluence / Notion).
    pub fn to_markdown(&self, title: &str, exported_at: Time) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# Incident record: {title}\n");
        let first = self.entries.first().map(|e| e.time);
        let _ = writeln!(
            out,
            "- **Exported:** {}\n- **From:** {}\n- **Entries:** {}\n",
            exported_at.format("%Y-%m-%d %H:%M UTC"),
            first.map_or("—".into(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
            self.entries.len()
        );
        let _ = writeln!(out, "## Timeline\n");
        let _ = writeln!(out, "| Time (UTC) | What | Detail |\n|---|---|---|");
        for entry in &self.entries {
            let (what, detail) = describe(&entry.event);
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                entry.time.format("%m-%d %H:%M:%S"),
                what,
                cell(&detail)
            );
        }
        let actions: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| matches!(e.event, Event::ActionStarted { .. }))
            .collect();
        if !actions.is_empty() {
            let _ = writeln!(out, "\n## Actions taken\n");
            for entry in actions {
                if let Event::ActionStarted {
                    action,
                    target,
                    calls,
                } = &entry.event
                {
                    let _ = writeln!(
                        out,
                        "### {} `{action}` on {target}\n",
                        entry.time.format("%H:%M:%S")
                    );
                    let _ = writeln!(out, "```\n{}\n```\n", calls.join("\n"));
                }
            }
        }
        let notes: Vec<&str> = self
            .entries
            .iter()
            .filter_map(|e| match &e.event {
                Event::Note { text } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        if !notes.is_empty() {
            let _ = writeln!(out, "\n## Notes\n");
            for note in notes {
                let _ = writeln!(out, "- {note}");
            }
        }
        let _ = writeln!(
            out,
            "\n## Follow-up\n\n- [ ] Share the DQ results and the error summary\n- [ ] Root cause and prevention"
        );
        out
    }
}

fn describe(event: &Event) -> (String, String) {
    let who = |tenant: &Option<String>| tenant.clone().unwrap_or_else(|| "fleet".into());
    match event {
        Event::FindingRaised {
            tenant,
            check,
            severity,
            message,
        } => (
            format!("{severity} `{check}` ({})", who(tenant)),
            message.clone(),
        ),
        Event::FindingCleared {
            tenant,
            check,
            message,
        } => (
            format!("cleared `{check}` ({})", who(tenant)),
            message.clone(),
        ),
        Event::AlarmChanged {
            alarm,
            from,
            to,
            reason,
        } => (format!("alarm {alarm}: {from} → {to}"), reason.clone()),
        Event::ActionStarted { action, target, .. } => {
            (format!("action `{action}` started"), target.clone())
        }
        Event::ActionFinished {
            action,
            target,
            ok,
            summary,
        } => (
            format!(
                "action `{action}` {}",
                if *ok { "succeeded" } else { "failed" }
            ),
            format!("{target}: {summary}"),
        ),
        Event::StepDone { runbook, step } => {
            (format!("runbook {runbook}"), format!("done: {step}"))
        }
        Event::Note { text } => ("note".into(), text.clone()),
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn markdown_lists_every_entry_and_the_actions() {
        let at = chrono::Utc.with_ymd_and_hms(2026, 11, 21, 6, 0, 0).unwrap();
        let mut timeline = Timeline::default();
        timeline.push(
            at,
            Event::FindingRaised {
                tenant: Some("tenant_b".into()),
                check: "copy_errors".into(),
                severity: "critical".into(),
                message: "4 COPY error(s) | in 24 h".into(),
            },
        );
        timeline.push(
            at,
            Event::ActionStarted {
                action: "rerun_elt".into(),
                target: "execution daily-elt".into(),
                calls: vec!["states:RedriveExecution executionArn=x".into()],
            },
        );
        timeline.push(
            at,
            Event::Note {
                text: "re-uploaded part-0003".into(),
            },
        );
        let markdown = timeline.to_markdown("copy-error", at);
        assert!(markdown.contains("| 11-21 06:00:00 | critical `copy_errors` (tenant_b) | 4 COPY error(s) \\| in 24 h |"), "{markdown}");
        assert!(markdown.contains("states:RedriveExecution executionArn=x"));
        assert!(markdown.contains("- re-uploaded part-0003"));
    }
}
