//! The embedded simulated fleet behind `shiftops demo`: seed 000's tenants (and as many generated ones
//! as asked for), seed 001's warehouse, metrics and alarms, and one staged incident per runbook entry.
//!
//! One [`SimWorld`] holds the state; five sources, one per [`SourceId`], advance it to the clock's
//! time and read their part, and recovery actions change it through its operations. Nothing reads
//! the wall clock: the world moves only with the clock it is given, so a
//! [`crate::source::ManualClock`] replays it exactly.

mod alarms;
mod catalog;
mod elt;
mod exports;
mod incident;
mod integrations;
mod metrics;
mod queries;
mod rng;
mod scenario;
mod tenants;
mod walk;
mod wlm;
mod world;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;

pub use queries::RunningQuery;
pub use scenario::Scenario;
pub use tenants::MAX_TENANTS;
pub use world::SimWorld;

use super::{Clock, Fleet, Source, SourceError};
use crate::config::RefreshConfig;
use crate::model::{SourceData, SourceId, Time};

/// What to simulate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimOptions {
    /// How many tenants, 1 to [`MAX_TENANTS`]; raised to the scenario's [`Scenario::min_tenants`].
    pub tenants: usize,
    pub scenario: Scenario,
    pub seed: u64,
    /// How often each source refreshes: a live console's (`[refresh]` of the config), so the
    /// demo shows figures as old as a real fleet's and polls as often; faster with `--speed`.
    pub refresh: RefreshConfig,
}

impl Default for SimOptions {
    /// Seed 000's three tenants, healthy.
    fn default() -> Self {
        Self {
            tenants: 3,
            scenario: Scenario::Healthy,
            seed: 0,
            refresh: RefreshConfig::default(),
        }
    }
}

/// The world the simulated sources share. Recovery actions lock it to change the fleet.
pub type SharedWorld = Arc<Mutex<SimWorld>>;

/// How long a simulated fetch may take; it never gets close.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

/// A simulated fleet, created at `clock.now()`.
pub fn fleet(options: &SimOptions, clock: Arc<dyn Clock>) -> Fleet {
    fleet_with_world(options, clock).0
}

/// A simulated fleet and a handle on its world, for callers that change the world.
pub fn fleet_with_world(options: &SimOptions, clock: Arc<dyn Clock>) -> (Fleet, SharedWorld) {
    let world = SimWorld::new(options, clock.now());
    let tenants = world.tenants().to_vec();
    let world = Arc::new(Mutex::new(world));
    let sources = SourceId::ALL
        .into_iter()
        .map(|id| {
            Arc::new(SimSource {
                id,
                interval: options.refresh.interval(id),
                world: world.clone(),
                clock: clock.clone(),
            }) as Arc<dyn Source>
        })
        .collect();
    let fleet = Fleet {
        tenants,
        sources,
        clock: clock.clone(),
        fetch_timeout: FETCH_TIMEOUT,
        alarm_history: Some(Arc::new(SimAlarmHistory {
            world: world.clone(),
            clock,
        })),
    };
    (fleet, world)
}

/// The start of the minute `at` falls in: datapoints are one minute apart, on the minute.
pub(crate) fn floor_minute(at: Time) -> Time {
    at - chrono::Duration::seconds(at.timestamp().rem_euclid(60))
        - chrono::Duration::nanoseconds(at.timestamp_subsec_nanos().into())
}

/// The first minute boundary at or after `at`.
pub(crate) fn ceil_minute(at: Time) -> Time {
    let floor = floor_minute(at);
    if floor == at {
        at
    } else {
        floor + chrono::Duration::minutes(1)
    }
}

/// `YYYYMMDD-HHMMSS`, as seed 000's Lambda stamps snapshot and export names. Written digit by
/// digit: a fetch names thousands of tasks, and a formatter per name would dominate it.
pub(crate) fn compact_stamp(at: Time) -> String {
    use chrono::{Datelike, Timelike};
    let fields = [
        (at.year().unsigned_abs(), 4),
        (at.month(), 2),
        (at.day(), 2),
        (at.hour(), 2),
        (at.minute(), 2),
        (at.second(), 2),
    ];
    let mut stamp = String::with_capacity(15);
    for (index, (value, width)) in fields.into_iter().enumerate() {
        if index == 3 {
            stamp.push('-');
        }
        for place in (0..width).rev() {
            let digit = (value / 10_u32.pow(place)) % 10;
            stamp.push(char::from(b'0' + digit as u8));
        }
    }
    stamp
}

/// A stable, UUID-shaped id for a simulated integration, as RDS would put at the end of its ARN.
pub fn integration_id(name: &str) -> String {
    // FNV-1a, twice with different offsets, for 128 bits that depend only on the name.
    let hash = |offset: u64| {
        name.bytes().fold(offset, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    let (a, b) = (hash(0xcbf2_9ce4_8422_2325), hash(0x6c62_272e_07bb_0142));
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

/// The simulated alarms' state changes, as DescribeAlarmHistory would return them.
struct SimAlarmHistory {
    world: SharedWorld,
    clock: Arc<dyn Clock>,
}

#[async_trait]
impl crate::source::AlarmHistory for SimAlarmHistory {
    async fn history(
        &self,
        alarm: &crate::model::Alarm,
    ) -> Result<Vec<crate::model::AlarmHistoryItem>, SourceError> {
        let mut world = self.world.lock().unwrap_or_else(PoisonError::into_inner);
        world.advance_to(self.clock.now());
        let name = &alarm.name;
        world
            .alarm_history(name)
            .ok_or_else(|| SourceError(format!("ResourceNotFound: no alarm named {name}")))
    }
}

/// One source of the simulated fleet.
struct SimSource {
    id: SourceId,
    interval: Duration,
    world: SharedWorld,
    clock: Arc<dyn Clock>,
}

#[async_trait]
impl Source for SimSource {
    fn id(&self) -> SourceId {
        self.id
    }

    fn interval(&self) -> Duration {
        self.interval
    }

    async fn fetch(&self) -> Result<SourceData, SourceError> {
        let now = self.clock.now();
        // A panic elsewhere while holding the lock leaves a world that is still consistent between
        // ticks, so keep serving it rather than failing every source forever.
        let mut world = self.world.lock().unwrap_or_else(PoisonError::into_inner);
        world.advance_to(now);
        Ok(world.data(self.id))
    }
}
