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

/// The wall clock run `speed` times faster from `origin`: the demo's training mode, where an hour
/// of the simulated fleet passes in minutes.
#[derive(Debug, Clone, Copy)]
pub struct FastClock {
    origin: Time,
    speed: u32,
}

impl FastClock {
    pub fn new(origin: Time, speed: u32) -> Self {
        Self {
            origin,
            speed: speed.max(1),
        }
    }

    /// The simulated time when the wall clock reads `wall`.
    pub fn at(&self, wall: Time) -> Time {
        self.origin + (wall - self.origin) * self.speed as i32
    }
}

impl Clock for FastClock {
    fn now(&self) -> Time {
        self.at(chrono::Utc::now())
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_fast_clock_runs_speed_times_faster_from_its_origin() {
        let origin = chrono::Utc.with_ymd_and_hms(2026, 12, 2, 8, 0, 0).unwrap();
        let clock = FastClock::new(origin, 10);
        assert_eq!(clock.at(origin), origin);
        assert_eq!(
            clock.at(origin + chrono::Duration::seconds(90)),
            origin + chrono::Duration::minutes(15)
        );
        assert_eq!(
            FastClock::new(origin, 0).at(origin + chrono::Duration::seconds(1)),
            origin + chrono::Duration::seconds(1)
        );
    }
}
