//! Pure health rules: a snapshot and thresholds in, findings with severity out.
//! The UI and `check` share them, so what the console shows and what the daily check reports agree.

mod detail;
mod rules;
mod thresholds;

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

pub use detail::Detail;
pub use rules::evaluate;
pub use thresholds::{ThresholdError, Thresholds};

/// How bad a finding is. Ordered: `Warning < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Warning,
    Critical,
}

/// The overall state of a tenant or of the fleet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Warning,
    /// Some data could not be fetched, so a problem may be hidden.
    Unknown,
    Critical,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warning => "warning",
            Status::Unknown => "unknown",
            Status::Critical => "critical",
        }
    }

    /// A symbol that says the status without colour.
    pub fn symbol(self) -> &'static str {
        match self {
            Status::Ok => "✓",
            Status::Warning => "▲",
            Status::Unknown => "?",
            Status::Critical => "✗",
        }
    }

    /// The short word in `lang`.
    pub fn label_in(self, lang: crate::i18n::Lang) -> &'static str {
        match (lang, self) {
            (crate::i18n::Lang::En, _) => self.label(),
            (_, Status::Ok) => "正常",
            (_, Status::Warning) => "警告",
            (_, Status::Unknown) => "不明",
            (_, Status::Critical) => "重大",
        }
    }

    /// A short word for tables: the status never relies on colour alone.
    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Warning => "WARN",
            Status::Unknown => "UNKN",
            Status::Critical => "CRIT",
        }
    }

    /// The process exit code of `check`: 0 ok, 1 warning, 2 critical, 3 unknown.
    pub fn exit_code(self) -> i32 {
        match self {
            Status::Ok => 0,
            Status::Warning => 1,
            Status::Critical => 2,
            Status::Unknown => 3,
        }
    }
}

impl From<Severity> for Status {
    fn from(severity: Severity) -> Self {
        match severity {
            Severity::Warning => Status::Warning,
            Severity::Critical => Status::Critical,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Status::from(*self).fmt(f)
    }
}

/// The rule that produced a finding. The snake_case names are the `check` JSON contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckId {
    IntegrationStatus,
    IntegrationLag,
    IntegrationTables,
    ExportTask,
    EltFailed,
    EltDelay,
    CopyErrors,
    Storage,
    WlmQueue,
    /// The adhoc queue is paused (by shiftops, from any machine): left changed until resumed.
    WlmPaused,
    QueryFailureRate,
    TableSkew,
    Alarm,
}

impl CheckId {
    pub const ALL: [CheckId; 13] = [
        CheckId::IntegrationStatus,
        CheckId::IntegrationLag,
        CheckId::IntegrationTables,
        CheckId::ExportTask,
        CheckId::EltFailed,
        CheckId::EltDelay,
        CheckId::CopyErrors,
        CheckId::Storage,
        CheckId::WlmQueue,
        CheckId::WlmPaused,
        CheckId::QueryFailureRate,
        CheckId::TableSkew,
        CheckId::Alarm,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::IntegrationStatus => "integration_status",
            CheckId::IntegrationLag => "integration_lag",
            CheckId::IntegrationTables => "integration_tables",
            CheckId::ExportTask => "export_task",
            CheckId::EltFailed => "elt_failed",
            CheckId::EltDelay => "elt_delay",
            CheckId::CopyErrors => "copy_errors",
            CheckId::Storage => "storage",
            CheckId::WlmQueue => "wlm_queue",
            CheckId::WlmPaused => "wlm_paused",
            CheckId::QueryFailureRate => "query_failure_rate",
            CheckId::TableSkew => "table_skew",
            CheckId::Alarm => "alarm",
        }
    }
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A measured value or a threshold: a number, or a word such as an integration status.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Measure {
    Number(f64),
    Text(String),
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Measure::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => write!(f, "{}", *n as i64),
            Measure::Number(n) => write!(f, "{n:.1}"),
            Measure::Text(t) => f.write_str(t),
        }
    }
}

impl From<f64> for Measure {
    fn from(n: f64) -> Self {
        Measure::Number(n)
    }
}

impl From<&str> for Measure {
    fn from(t: &str) -> Self {
        Measure::Text(t.to_string())
    }
}

/// One thing that is wrong, with the value that tripped the rule and the threshold it crossed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub tenant: Option<String>,
    pub check: CheckId,
    pub severity: Severity,
    pub message: String,
    pub value: Option<Measure>,
    pub threshold: Option<Measure>,
    /// Other tenants whose data this finding holds back: every tenant for an ELT run that failed
    /// or is late, as the daily dbt run unions all tenants' tables into the marts.
    pub affected: Vec<String>,
    /// When the trouble began, as the data says (an alarm's transition, the failed run's end, the
    /// first COPY error, the first datapoint over the threshold); `None` where the data cannot say.
    pub since: Option<crate::model::Time>,
    /// What the message says, as data: rendered in the user's language by [`Finding::text`].
    #[serde(skip)]
    pub detail: Detail,
}

impl Finding {
    /// A finding that says `detail`, with no measure, no other tenant held back and no known start.
    pub fn new(
        tenant: Option<&str>,
        check: CheckId,
        severity: Severity,
        detail: Detail,
    ) -> Finding {
        Finding {
            tenant: tenant.map(str::to_string),
            check,
            severity,
            message: detail.render(crate::i18n::Lang::En),
            value: None,
            threshold: None,
            affected: Vec::new(),
            since: None,
            detail,
        }
    }

    /// The message in `lang`.
    pub fn text(&self, lang: crate::i18n::Lang) -> String {
        self.detail.render(lang)
    }

    /// Whether the finding is about `tenant` or holds its data back.
    pub fn concerns(&self, tenant: &str) -> bool {
        self.tenant.as_deref() == Some(tenant) || self.affected.iter().any(|t| t == tenant)
    }

    /// The message as a tenant's row says it: a finding about another tenant or the fleet that
    /// holds this tenant's data back says so first.
    pub fn text_for(&self, tenant: &str, lang: crate::i18n::Lang) -> String {
        let text = self.text(lang);
        if self.tenant.as_deref() == Some(tenant) {
            return text;
        }
        format!("{} {text}", lang.pick("held back:", "影響:"))
    }

    /// What the finding holds back, when it holds other tenants' data back: said after its message.
    pub fn impact_text(&self, lang: crate::i18n::Lang) -> Option<String> {
        let count = self.affected.len();
        let fleet = self.tenant.is_none();
        (count > 0).then(|| match (lang, fleet) {
            (crate::i18n::Lang::En, true) => format!("holds back {count} tenant(s)"),
            (crate::i18n::Lang::En, false) => format!("holds back {count} other tenant(s)"),
            (crate::i18n::Lang::Ja, true) => format!("{count} テナントのデータに影響"),
            (crate::i18n::Lang::Ja, false) => format!("ほか {count} テナントのデータに影響"),
        })
    }

    /// The stage an ELT run failed in, for a finding of the `elt_failed` check; `Stopped` for a
    /// run an operator stopped.
    pub fn elt_stage(&self) -> Option<crate::model::EltStage> {
        match &self.detail {
            Detail::EltFailed { status, .. }
                if status == crate::model::EltStatus::Aborted.as_str() =>
            {
                Some(crate::model::EltStage::Stopped)
            }
            Detail::EltFailed {
                step: Some(step), ..
            } => crate::model::EltStage::of_step(step),
            _ => None,
        }
    }

    /// The alarm a finding of the `alarm` check is about.
    pub fn alarm(&self) -> Option<&str> {
        match &self.detail {
            Detail::Alarm { name, .. } => Some(name),
            _ => None,
        }
    }
}

/// The findings of one evaluation and what they mean per tenant and for the fleet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Health {
    /// Worst first, then by tenant and check.
    pub findings: Vec<Finding>,
    pub tenant_status: BTreeMap<String, Status>,
    pub status: Status,
}

impl Health {
    pub fn tenant(&self, name: &str) -> Status {
        self.tenant_status.get(name).copied().unwrap_or(Status::Ok)
    }

    /// The worst finding about a tenant or holding its data back (the first, as findings are
    /// sorted worst first).
    pub fn worst_for(&self, tenant: &str) -> Option<&Finding> {
        self.findings.iter().find(|f| f.concerns(tenant))
    }

    pub fn fleet_findings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.tenant.is_none())
    }

    /// Whether the tenants see the same health in both: each tenant's status, and the findings
    /// that concern some tenant, in their order (a tenant's worst is the first that concerns it).
    pub fn same_for_tenants(&self, other: &Health) -> bool {
        fn concerning(health: &Health) -> impl Iterator<Item = &Finding> {
            health
                .findings
                .iter()
                .filter(|f| f.tenant.is_some() || !f.affected.is_empty())
        }
        self.tenant_status == other.tenant_status && concerning(self).eq(concerning(other))
    }
}
