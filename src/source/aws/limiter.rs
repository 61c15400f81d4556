//! Bounds how many AWS calls are in flight at once across every source, so a refresh of a
//! thousand tenants neither floods the network nor trips account-wide throttling.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::source::Meter;

#[derive(Debug, Clone)]
pub struct Limiter {
    slots: Arc<Semaphore>,
    permits: usize,
    /// Counts the calls in flight and keeps their peak, so tests can check the bound holds.
    meter: Meter,
}

impl Limiter {
    pub fn new(max_in_flight: usize) -> Self {
        Self::with_meter(max_in_flight, Meter::new())
    }

    pub fn with_meter(max_in_flight: usize, meter: Meter) -> Self {
        let permits = max_in_flight.max(1);
        Self {
            slots: Arc::new(Semaphore::new(permits)),
            permits,
            meter,
        }
    }

    /// How many calls may run at once.
    pub fn permits(&self) -> usize {
        self.permits
    }

    /// The most calls that ever ran at once through this limiter (never above [`Self::permits`]).
    pub fn peak_in_flight(&self) -> usize {
        self.meter.peak_in_flight()
    }

    /// Runs `call` once a slot is free.
    pub async fn run<T>(&self, call: impl Future<Output = T>) -> T {
        let _permit = self
            .slots
            .acquire()
            .await
            .expect("the semaphore is never closed");
        let _in_flight = self.meter.call_started();
        call.await
    }
}
