//! Runs every source in its own task: one fetch in flight per source, on its interval or on request,
//! each with a timeout. Results come back over a channel; the receiver never waits on I/O.

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::FutureExt;
use futures_util::future::join_all;
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;

use super::{Clock, Fleet, Source};
use crate::model::{Changes, Snapshot, SourceData, SourceId, Time};

/// The outcome of one fetch, tagged so that a result older than one already applied is dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchResult {
    pub id: SourceId,
    pub generation: u64,
    /// When the fetch started: the data is at least this old.
    pub fetched_at: Time,
    pub result: Result<SourceData, String>,
}

/// What the refresh tasks report.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceEvent {
    Started(SourceId),
    Finished(Box<FetchResult>),
}

/// Owns the refresh tasks; dropping it stops them.
pub struct Refresher {
    triggers: HashMap<SourceId, Arc<Notify>>,
    tasks: Vec<JoinHandle<()>>,
}

impl Refresher {
    /// Starts one task per source. Each fetches at once, then on its interval or when asked.
    pub fn spawn(fleet: &Fleet, events: mpsc::UnboundedSender<SourceEvent>) -> Self {
        let mut triggers = HashMap::new();
        let mut tasks = Vec::new();
        for source in &fleet.sources {
            let trigger = Arc::new(Notify::new());
            triggers.insert(source.id(), trigger.clone());
            tasks.push(tokio::spawn(run_source(
                source.clone(),
                FetchTiming::of(fleet),
                trigger,
                events.clone(),
            )));
        }
        Self { triggers, tasks }
    }

    /// Asks every source to refresh now. A source with a fetch in flight refreshes once more after it.
    pub fn refresh_all(&self) {
        for trigger in self.triggers.values() {
            trigger.notify_one();
        }
    }

    /// A handle that asks every source to refresh, for tasks that outlive a borrow of the refresher.
    pub fn trigger(&self) -> impl Fn() + Send + 'static {
        let triggers: Vec<Arc<Notify>> = self.triggers.values().cloned().collect();
        move || {
            for trigger in &triggers {
                trigger.notify_one();
            }
        }
    }

    pub fn refresh(&self, id: SourceId) {
        if let Some(trigger) = self.triggers.get(&id) {
            trigger.notify_one();
        }
    }
}

impl Drop for Refresher {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// What a fetch needs of its fleet: a task holding the whole `Fleet` would hold a copy of every
/// tenant, one per source.
struct FetchTiming {
    clock: Arc<dyn Clock>,
    timeout: std::time::Duration,
}

impl FetchTiming {
    fn of(fleet: &Fleet) -> Self {
        Self {
            clock: fleet.clock.clone(),
            timeout: fleet.fetch_timeout,
        }
    }
}

async fn run_source(
    source: Arc<dyn Source>,
    timing: FetchTiming,
    trigger: Arc<Notify>,
    events: mpsc::UnboundedSender<SourceEvent>,
) {
    let id = source.id();
    for generation in 1.. {
        if events.send(SourceEvent::Started(id)).is_err() {
            return;
        }
        let result = fetch(source.as_ref(), &timing, generation).await;
        if events
            .send(SourceEvent::Finished(Box::new(result)))
            .is_err()
        {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(source.interval()) => {}
            _ = trigger.notified() => {}
        }
    }
}

async fn fetch(source: &dyn Source, timing: &FetchTiming, generation: u64) -> FetchResult {
    let fetched_at = timing.clock.now();
    // A bug that panics in one source is that source's error; its task, and the console, go on.
    let guarded = std::panic::AssertUnwindSafe(source.fetch()).catch_unwind();
    let result = match tokio::time::timeout(timing.timeout, guarded).await {
        Ok(Ok(Ok(data))) => Ok(data),
        Ok(Ok(Err(error))) => Err(error.to_string()),
        Ok(Err(panic)) => Err(format!("internal error: {}", panic_message(panic.as_ref()))),
        Err(_) => Err(format!("timed out after {}s", timing.timeout.as_secs_f64())),
    };
    FetchResult {
        id: source.id(),
        generation,
        fetched_at,
        result,
    }
}

/// The text a panic was raised with.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

/// Fetches every source once, concurrently, into a fresh snapshot (for `check`).
pub async fn refresh_once(fleet: &Fleet) -> Snapshot {
    let mut snapshot = fleet.empty_snapshot();
    for result in fetch_all(fleet, 1).await {
        snapshot.accept(result);
    }
    snapshot
}

/// Fetches every source once, concurrently, as results of `generation`: what the refresh tasks
/// would deliver, for a caller that steps a console through time itself.
pub async fn fetch_all(fleet: &Fleet, generation: u64) -> Vec<FetchResult> {
    let timing = FetchTiming::of(fleet);
    join_all(
        fleet
            .sources
            .iter()
            .map(|s| fetch(s.as_ref(), &timing, generation)),
    )
    .await
}

impl Snapshot {
    /// Applies a fetch result unless a newer one of the same source was applied already; returns
    /// what changed of what health and rows are derived from (see [`Snapshot::apply`]).
    pub fn accept(&mut self, fetched: FetchResult) -> Changes {
        let applied = self.source(fetched.id).map_or(0, |s| s.generation);
        if fetched.generation <= applied {
            return Changes::NONE;
        }
        self.apply(
            fetched.id,
            fetched.generation,
            fetched.result,
            fetched.fetched_at,
        )
    }
}
