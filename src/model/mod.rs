//! Plain domain types of the pipeline. No I/O, no AWS SDK types.

mod alarm;
mod changes;
mod console;
mod elt;
mod export;
mod format;
mod integration;
mod load;
mod logs;
mod metrics;
mod reading;
mod snapshot;
mod source_status;
mod storage;
mod summary;
mod tenant;
mod timeline;
mod wlm;

pub use alarm::{AccountFailure, Alarm, AlarmHistoryItem, AlarmKind, AlarmState, AlarmsData};
pub use changes::Changes;
pub use console::{Arn, console_url};
pub use elt::{CurrentStep, EltRun, EltStage, EltStatus};
pub use export::{ExportStatus, ExportTask, RECENT_EXPORTS, keep_recent_exports};
pub use format::{display_lines, format_ago_secs, format_duration_secs};
pub use integration::{
    IntegrationReplication, IntegrationState, IntegrationStatus, SETTLED_TABLE_STATES, TableSync,
    integration_id_from_arn,
};
pub use load::{LoadError, LoadSummary};
pub use logs::{FailedQuery, LogEvent};
pub use metrics::{
    FleetMetrics, LIVE_WINDOW_MINUTES, STORAGE_TREND, Series, TimeAxes, TrendWindow,
    WorkgroupQueries,
};
pub use reading::{Reading, UNKNOWN, Unread};
pub use snapshot::{
    ClusterState, ClustersData, RdsData, Snapshot, SnapshotInfo, SourceData, TenantFailure,
    WarehouseData, WarehouseView,
};
pub use source_status::{SourceId, SourceStatus};
pub use storage::{CapacityKnown, StorageSize, TableInfo};
pub use summary::{Summarizer, TenantSummary, summarize_tenants};
pub use tenant::{Ingest, Tenant};
pub use timeline::{ActionOutcome, Entry, Event, Said, Timeline, severity_word};
pub use wlm::{
    AdhocPause, PAUSE_RULE_PREFIX, QueueActivity, RunningQuery, WLM_QUEUES, WlmSettings,
    adhoc_pause, is_queue,
};

/// All timestamps in shiftops are UTC.
pub type Time = chrono::DateTime<chrono::Utc>;
