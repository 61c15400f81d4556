use std::fmt;

use serde::Serialize;

/// Every recovery action shiftops can take. The snake_case names are used by runbooks, the audit
/// log and command mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Redrive the failed ELT execution, or start it again under a new name.
    RerunElt,
    /// Stop a hung ELT execution (StopExecution), so it can be redriven.
    StopElt,
    /// Stop the adhoc WLM queue for a while, favouring batch (seed 001 runbook).
    PauseAdhoc,
    /// Restore the WLM configuration saved when adhoc was paused.
    ResumeAdhoc,
    /// `ALTER DATABASE … INTEGRATION REFRESH INERROR TABLES` (or all, or chosen tables).
    ResyncTables,
    /// CreateDBClusterSnapshot, then StartExportTask, as the design's export Lambda.
    StartExport,
    /// VACUUM DELETE ONLY of a tenant schema's tables (reclaims space, does not re-sort).
    Vacuum,
    /// ANALYZE a tenant schema's tables.
    Analyze,
    /// CANCEL a running query by its process id.
    CancelQuery,
}

impl ActionKind {
    pub const ALL: [ActionKind; 9] = [
        ActionKind::RerunElt,
        ActionKind::StopElt,
        ActionKind::PauseAdhoc,
        ActionKind::ResumeAdhoc,
        ActionKind::ResyncTables,
        ActionKind::StartExport,
        ActionKind::Vacuum,
        ActionKind::Analyze,
        ActionKind::CancelQuery,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ActionKind::RerunElt => "rerun_elt",
            ActionKind::StopElt => "stop_elt",
            ActionKind::PauseAdhoc => "pause_adhoc",
            ActionKind::ResumeAdhoc => "resume_adhoc",
            ActionKind::ResyncTables => "resync_tables",
            ActionKind::StartExport => "start_export",
            ActionKind::Vacuum => "vacuum",
            ActionKind::Analyze => "analyze",
            ActionKind::CancelQuery => "cancel_query",
        }
    }

    pub fn from_name(name: &str) -> Option<ActionKind> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// What the action does, in a few words.
    pub fn title(self) -> &'static str {
        match self {
            ActionKind::RerunElt => "Rerun the ELT (redrive or start again)",
            ActionKind::StopElt => "Stop the running ELT run",
            ActionKind::PauseAdhoc => "Pause the adhoc WLM queue, favour batch",
            ActionKind::ResumeAdhoc => "Resume the adhoc WLM queue",
            ActionKind::ResyncTables => "Resync the integration's tables in error",
            ActionKind::StartExport => "Start a snapshot export",
            ActionKind::Vacuum => "VACUUM DELETE ONLY the tenant's tables",
            ActionKind::Analyze => "ANALYZE the tenant's tables",
            ActionKind::CancelQuery => "Cancel a query",
        }
    }
}

impl ActionKind {
    /// [`ActionKind::title`] in `lang`.
    pub fn title_in(self, lang: crate::i18n::Lang) -> &'static str {
        if lang == crate::i18n::Lang::En {
            return self.title();
        }
        match self {
            ActionKind::RerunElt => "ELT を再実行(redrive または再開始)",
            ActionKind::StopElt => "実行中の ELT 実行を停止",
            ActionKind::PauseAdhoc => "adhoc WLM キューを一時停止し batch を優先",
            ActionKind::ResumeAdhoc => "adhoc WLM キューを再開",
            ActionKind::ResyncTables => "統合のエラー中テーブルを再同期",
            ActionKind::StartExport => "スナップショットのエクスポートを開始",
            ActionKind::Vacuum => "テナントのテーブルを VACUUM DELETE ONLY",
            ActionKind::Analyze => "テナントのテーブルを ANALYZE",
            ActionKind::CancelQuery => "クエリをキャンセル",
        }
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
