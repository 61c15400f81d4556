//! Bounds how many AWS calls are in flight at once across every source, so a refresh of a
//! thousand tenants neither floods the network nor trips account-wide throttling.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;

#[derive(Debug, Clone)]
pub struct Limiter(Arc<Semaphore>);

impl Limiter {
    pub fn new(max_in_flight: usize) -> Self {
        Self(Arc::new(Semaphore::new(max_in_flight.max(1))))
    }

    /// Runs `call` once a slot is free.
    pub async fn run<T>(&self, call: impl Future<Output = T>) -> T {
        let _permit = self
            .0
            .acquire()
            .await
            .expect("the semaphore is never closed");
        call.await
    }
}
