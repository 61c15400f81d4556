use std::sync::Mutex;

use crate::model::Time;

/// Where "now" comes from. Tests and the simulated fleet use their own, so nothing depends on the wall clock.
pub trait Clock: Send + Sync {
    fn now(&self) -> Time;
}

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Time {
        chrono::Utc::now()
    }
}

/// A clock that moves only when told to.
#[derive(Debug)]
pub struct ManualClock(Mutex<Time>);

impl ManualClock {
    pub fn new(start: Time) -> Self {
        Self(Mutex::new(start))
    }

    pub fn set(&self, now: Time) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = now;
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Time {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}
