//! The only layer that does I/O. Every data source, live or simulated, implements [`Source`];
//! [`refresh`] runs them in tasks and reports results over a channel.

pub mod aws;
pub mod clock;
pub mod meter;
pub mod refresh;
pub mod sim;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

pub use clock::{Clock, FastClock, ManualClock, SystemClock};
pub use meter::Meter;

use crate::model::{Alarm, AlarmHistoryItem, SourceData, SourceId, Tenant};

/// Why a fetch failed, in words fit for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError(pub String);

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SourceError {}

/// One independently refreshed unit of data (RDS, the warehouse, metrics, alarms, ELT).
#[async_trait]
pub trait Source: Send + Sync {
    fn id(&self) -> SourceId;

    /// How often the console refreshes this source when nobody asks.
    fn interval(&self) -> Duration;

    /// Fetches everything this source knows, for all tenants at once.
    async fn fetch(&self) -> Result<SourceData, SourceError>;
}

/// Fetched on demand, for the alarm the user selected.
#[async_trait]
pub trait AlarmHistory: Send + Sync {
    /// The alarm's history, newest first, from the account the alarm lives in.
    async fn history(&self, alarm: &Alarm) -> Result<Vec<AlarmHistoryItem>, SourceError>;
}

/// A fleet to watch: its tenants, its sources and the clock that dates their data.
#[derive(Clone)]
pub struct Fleet {
    pub tenants: Vec<Tenant>,
    pub sources: Vec<Arc<dyn Source>>,
    pub clock: Arc<dyn Clock>,
    /// Every fetch is abandoned after this long, so a hung call cannot hold a source forever.
    pub fetch_timeout: Duration,
    pub alarm_history: Option<Arc<dyn AlarmHistory>>,
}

impl Fleet {
    /// The same fleet with only the sources refreshed at least every `period`: what one steady
    /// round of refreshes fetches once the slow facts (the clusters) are known. For measuring the
    /// cost of a refresh.
    pub fn refreshed_within(&self, period: Duration) -> Fleet {
        Fleet {
            sources: self
                .sources
                .iter()
                .filter(|s| s.interval() <= period)
                .cloned()
                .collect(),
            ..self.clone()
        }
    }

    /// A snapshot with a status for each of this fleet's sources, and no data yet.
    pub fn empty_snapshot(&self) -> crate::model::Snapshot {
        let ids: Vec<SourceId> = self.sources.iter().map(|s| s.id()).collect();
        crate::model::Snapshot::with_sources(self.tenants.clone(), &ids)
    }
}
