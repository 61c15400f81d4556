//! What a live fleet's refreshes cost: AWS requests counted by service and action (an SDK
//! interceptor on every client the live fleet builds feeds it), and how many calls the limiter let
//! run at once. No SDK type here: `check --format json` reports it as `api_calls`, tests read it.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// Shared by every client and the limiter of one live fleet; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Meter {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// (service, action) → requests sent, every attempt counted (AWS bills and throttles each).
    requests: Mutex<BTreeMap<(String, String), u64>>,
    in_flight: AtomicUsize,
    peak_in_flight: AtomicUsize,
    /// Limiter lane (`<account> <Api>`) → answers that came back throttled.
    throttled: Mutex<BTreeMap<String, u64>>,
}

impl Meter {
    pub fn new() -> Self {
        Self::default()
    }

    /// One request sent to `service` (its signing name: `rds`, `sts`, `monitoring` …).
    pub fn record_request(&self, service: &str, action: &str) {
        let mut requests = self
            .inner
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match requests.get_mut(&(service.to_string(), action.to_string())) {
            Some(count) => *count += 1,
            None => {
                requests.insert((service.to_string(), action.to_string()), 1);
            }
        }
    }

    /// Requests by service since the start (or the last [`Meter::reset_requests`]).
    pub fn requests_by_service(&self) -> BTreeMap<String, u64> {
        let mut by_service = BTreeMap::new();
        for ((service, _), count) in self.requests().iter() {
            *by_service.entry(service.clone()).or_insert(0) += count;
        }
        by_service
    }

    /// Requests by `service:Action`, as the emulator's `/_shiftops/requests` names them.
    pub fn requests_by_action(&self) -> BTreeMap<String, u64> {
        self.requests()
            .iter()
            .map(|((service, action), count)| (format!("{service}:{action}"), *count))
            .collect()
    }

    pub fn total_requests(&self) -> u64 {
        self.requests().values().sum()
    }

    pub fn reset_requests(&self) {
        self.inner
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    fn requests(&self) -> BTreeMap<(String, String), u64> {
        self.inner
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// A call on this limiter lane came back throttled.
    pub fn record_throttled(&self, lane: &str) {
        *self
            .inner
            .throttled
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(lane.to_string())
            .or_insert(0) += 1;
    }

    /// Throttled answers by limiter lane: which accounts and APIs AWS slowed down.
    pub fn throttled_lanes(&self) -> BTreeMap<String, u64> {
        self.inner
            .throttled
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// A call got a slot of the limiter; the returned guard gives it back when dropped.
    pub fn call_started(&self) -> InFlight {
        let now = self.inner.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.inner.peak_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight {
            inner: self.inner.clone(),
        }
    }

    /// Calls running right now.
    pub fn in_flight(&self) -> usize {
        self.inner.in_flight.load(Ordering::SeqCst)
    }

    /// The most calls that ever ran at once.
    pub fn peak_in_flight(&self) -> usize {
        self.inner.peak_in_flight.load(Ordering::SeqCst)
    }
}

/// One call in flight; counted down when dropped (finished, failed or abandoned).
#[derive(Debug)]
pub struct InFlight {
    inner: Arc<Inner>,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.inner.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_add_up_by_service_and_action() {
        let meter = Meter::new();
        meter.record_request("rds", "DescribeDBClusters");
        meter.record_request("rds", "DescribeDBClusters");
        meter.record_request("rds", "DescribeIntegrations");
        meter.record_request("sts", "AssumeRole");
        assert_eq!(meter.requests_by_service()["rds"], 3);
        assert_eq!(meter.requests_by_action()["rds:DescribeDBClusters"], 2);
        assert_eq!(meter.total_requests(), 4);
        meter.reset_requests();
        assert_eq!(meter.total_requests(), 0);
    }

    #[test]
    fn the_peak_of_calls_in_flight_is_kept() {
        let meter = Meter::new();
        let a = meter.call_started();
        let b = meter.call_started();
        assert_eq!((meter.in_flight(), meter.peak_in_flight()), (2, 2));
        drop(a);
        drop(b);
        let _c = meter.call_started();
        assert_eq!((meter.in_flight(), meter.peak_in_flight()), (1, 2));
    }
}
