//! The `check` report: one refresh judged by the health rules, as text, JSON or Markdown.
//! The JSON keys are a contract (`docs/check.md`): add keys, never rename them.

use std::fmt::Write;

use serde::Serialize;

use crate::health::{Finding, Health, Status};
use crate::model::{Snapshot, TenantSummary, Time, format_duration_secs, summarize_tenants};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub generated_at: String,
    pub status: Status,
    pub tenants: Vec<TenantReport>,
    pub findings: Vec<Finding>,
    pub sources: Vec<SourceReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TenantReport {
    pub status: Status,
    #[serde(flatten)]
    pub summary: TenantSummary,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceReport {
    pub name: String,
    pub ok: bool,
    pub age_seconds: Option<i64>,
    pub error: Option<String>,
}

impl CheckReport {
    pub fn new(snapshot: &Snapshot, health: &Health, now: Time) -> Self {
        let tenants = summarize_tenants(snapshot, now)
            .into_iter()
            .map(|summary| TenantReport {
                status: health.tenant(&summary.name),
                summary,
            })
            .collect();
        let sources = snapshot
            .sources
            .iter()
            .map(|s| SourceReport {
                name: s.id.as_str().to_string(),
                ok: s.fetched_at.is_some() && s.error.is_none(),
                age_seconds: s.age_seconds(now),
                error: s.error.clone(),
            })
            .collect();
        Self {
            generated_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            status: health.status,
            tenants,
            findings: health.findings.clone(),
            sources,
        }
    }

    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Json => {
                let mut json = serde_json::to_string_pretty(self).expect("report serializes");
                json.push('\n');
                json
            }
            Format::Text => self.text(),
            Format::Markdown => self.markdown(),
        }
    }

    fn counts(&self) -> (usize, usize, usize, usize) {
        let count = |s: Status| self.tenants.iter().filter(|t| t.status == s).count();
        (
            count(Status::Critical),
            count(Status::Warning),
            count(Status::Unknown),
            count(Status::Ok),
        )
    }

    fn text(&self) -> String {
        let mut out = String::new();
        let (critical, warning, unknown, ok) = self.counts();
        let _ = writeln!(
            out,
            "shiftops check  {}  {} {}",
            self.generated_at,
            self.status.symbol(),
            self.status.as_str().to_uppercase()
        );
        let _ = writeln!(
            out,
            "tenants: {} ({critical} critical, {warning} warning, {unknown} unknown, {ok} ok)",
            self.tenants.len()
        );
        if self.findings.is_empty() {
            let _ = writeln!(out, "no findings");
        }
        for f in &self.findings {
            let status = Status::from(f.severity);
            let _ = writeln!(
                out,
                "{} {:<4}  {:<14}  {:<18}  {}",
                status.symbol(),
                status.label(),
                f.tenant.as_deref().unwrap_or("(fleet)"),
                f.check.as_str(),
                f.message
            );
        }
        let _ = writeln!(out, "sources:");
        for s in &self.sources {
            let _ = writeln!(
                out,
                "  {} {:<10} {}{}",
                if s.ok { "✓" } else { "✗" },
                s.name,
                age(s.age_seconds),
                s.error
                    .as_deref()
                    .map(|e| format!("  error: {e}"))
                    .unwrap_or_default()
            );
        }
        out
    }

    fn markdown(&self) -> String {
        let mut out = String::new();
        let (critical, warning, unknown, ok) = self.counts();
        let _ = writeln!(out, "# shiftops daily health check\n");
        let _ = writeln!(
            out,
            "- **Status:** {} {}\n- **Generated:** {}\n- **Tenants:** {} ({critical} critical, {warning} warning, {unknown} unknown, {ok} ok)\n- **Findings:** {}\n",
            self.status.symbol(),
            self.status.as_str().to_uppercase(),
            self.generated_at,
            self.tenants.len(),
            self.findings.len()
        );
        let _ = writeln!(out, "## Findings\n");
        if self.findings.is_empty() {
            let _ = writeln!(out, "No findings: every check passed.\n");
        } else {
            let _ = writeln!(
                out,
                "| Severity | Tenant | Check | Finding | Value | Threshold |\n|---|---|---|---|---|---|"
            );
            for f in &self.findings {
                let status = Status::from(f.severity);
                let _ = writeln!(
                    out,
                    "| {} {} | {} | `{}` | {} | {} | {} |",
                    status.symbol(),
                    status.label(),
                    f.tenant.as_deref().unwrap_or("(fleet)"),
                    f.check.as_str(),
                    escape_cell(&f.message),
                    f.value.as_ref().map(|v| v.to_string()).unwrap_or_default(),
                    f.threshold
                        .as_ref()
                        .map(|v| v.to_string())
                        .unwrap_or_default()
                );
            }
            out.push('\n');
        }
        let _ = writeln!(out, "## Tenants\n");
        let _ = writeln!(
            out,
            "| Tenant | Status | Path | Integration | Lag | Last export | COPY errors 24 h | Last ELT |\n|---|---|---|---|---|---|---|---|"
        );
        for t in &self.tenants {
            let s = &t.summary;
            let _ = writeln!(
                out,
                "| {} | {} {} | {} | {} | {} | {} | {} | {} |",
                t.summary.name,
                t.status.symbol(),
                t.status.label(),
                s.path,
                s.integration_status
                    .as_ref()
                    .map(|i| i.to_string())
                    .unwrap_or_else(|| "—".into()),
                s.lag_seconds
                    .map(format_duration_secs)
                    .unwrap_or_else(|| "—".into()),
                s.last_export
                    .as_ref()
                    .map(|e| e.status.to_string())
                    .unwrap_or_else(|| "—".into()),
                s.copy_errors_24h,
                s.last_elt
                    .as_ref()
                    .map(|e| e.to_string())
                    .unwrap_or_else(|| "—".into()),
            );
        }
        let _ = writeln!(out, "\n## Sources\n");
        let _ = writeln!(out, "| Source | OK | Data age | Error |\n|---|---|---|---|");
        for s in &self.sources {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                s.name,
                if s.ok { "✓" } else { "✗" },
                age(s.age_seconds),
                s.error.as_deref().map(escape_cell).unwrap_or_default()
            );
        }
        out
    }
}

fn age(seconds: Option<i64>) -> String {
    seconds
        .map(|s| format!("{} old", format_duration_secs(s as f64)))
        .unwrap_or_else(|| "no data".into())
}

fn escape_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
