//! Bounded, mean-reverting random walks: the drifting gauges behind the simulated metrics.

use super::rng::SplitMix64;

/// Where a walk may go: it is pulled towards `center`, jitters by up to `step` per tick and never
/// leaves `low..=high`. The bounds are what keep a healthy fleet from crossing an alarm threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Band {
    pub center: f64,
    pub low: f64,
    pub high: f64,
    pub step: f64,
    /// The share of the distance to `center` closed each tick.
    pub pull: f64,
}

impl Band {
    pub(crate) const fn new(center: f64, low: f64, high: f64, step: f64, pull: f64) -> Self {
        Self {
            center,
            low,
            high,
            step,
            pull,
        }
    }

    /// A starting value near the centre.
    pub(crate) fn start(&self, rng: &mut SplitMix64) -> f64 {
        (self.center + rng.symmetric() * self.step * 2.0).clamp(self.low, self.high)
    }

    /// One tick later. Also used to walk backwards when history is generated at creation: a
    /// reversed random walk is still a random walk.
    pub(crate) fn next(&self, value: f64, rng: &mut SplitMix64) -> f64 {
        let drift = (self.center - value) * self.pull;
        (value + drift + rng.symmetric() * self.step).clamp(self.low, self.high)
    }
}

/// The walks of one WLM queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct QueueBands {
    pub queued: Band,
    pub running: Band,
    pub wait_ms: Band,
}

/// The bands every walk follows at one moment; scenarios swap some of them while their incident lasts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Bands {
    pub storage_percent: Band,
    pub concurrency_clusters: Band,
    pub query_failure_percent: Band,
    /// In `WLM_QUEUES` order: batch, adhoc, admin.
    pub queues: [QueueBands; 3],
    /// Every integration's replication lag in seconds (a stalled one adds its stall on top). It
    /// steps once a minute, not every tick: thousands of integrations must stay cheap to advance.
    pub lag_seconds: Band,
}

impl Bands {
    /// A healthy warehouse: seed 000's sub-15-second Zero-ETL lag, seed 001's thresholds well clear.
    pub(crate) const HEALTHY: Bands = Bands {
        storage_percent: Band::new(65.0, 60.0, 70.0, 0.06, 0.002),
        concurrency_clusters: Band::new(0.3, 0.0, 1.0, 0.12, 0.05),
        query_failure_percent: Band::new(1.2, 0.5, 2.0, 0.08, 0.05),
        queues: [
            QueueBands {
                queued: Band::new(2.0, 0.0, 6.0, 0.7, 0.1),
                running: Band::new(5.0, 1.0, 8.0, 0.6, 0.1),
                wait_ms: Band::new(1_500.0, 0.0, 6_000.0, 400.0, 0.1),
            },
            QueueBands {
                queued: Band::new(0.8, 0.0, 4.0, 0.5, 0.1),
                running: Band::new(3.0, 0.0, 5.0, 0.6, 0.1),
                wait_ms: Band::new(4_000.0, 0.0, 20_000.0, 1_500.0, 0.1),
            },
            QueueBands {
                queued: Band::new(0.1, 0.0, 1.0, 0.2, 0.2),
                running: Band::new(0.6, 0.0, 2.0, 0.3, 0.1),
                wait_ms: Band::new(100.0, 0.0, 800.0, 60.0, 0.1),
            },
        ],
        lag_seconds: Band::new(8.0, 2.0, 40.0, 3.0, 0.3),
    };
}

/// The current value of every walk.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Levels {
    pub storage_percent: f64,
    pub concurrency_clusters: f64,
    pub query_failure_percent: f64,
    /// `[queued, running, wait_ms]` per queue, in `WLM_QUEUES` order.
    pub queues: [[f64; 3]; 3],
    /// Replication lag walk per integration, in tenant order.
    pub lag_seconds: Vec<f64>,
}

impl Levels {
    pub(crate) fn start(bands: &Bands, integrations: usize, rng: &mut SplitMix64) -> Self {
        let storage_percent = bands.storage_percent.start(rng);
        let concurrency_clusters = bands.concurrency_clusters.start(rng);
        let query_failure_percent = bands.query_failure_percent.start(rng);
        let queues = bands.queues.map(|q| {
            [
                q.queued.start(rng),
                q.running.start(rng),
                q.wait_ms.start(rng),
            ]
        });
        let lag_seconds = (0..integrations)
            .map(|_| bands.lag_seconds.start(rng))
            .collect();
        Self {
            storage_percent,
            concurrency_clusters,
            query_failure_percent,
            queues,
            lag_seconds,
        }
    }

    /// Moves the warehouse gauges one tick, drawing in a fixed order so a seed replays exactly.
    pub(crate) fn step_gauges(&mut self, bands: &Bands, rng: &mut SplitMix64) {
        self.storage_percent = bands.storage_percent.next(self.storage_percent, rng);
        self.concurrency_clusters = bands
            .concurrency_clusters
            .next(self.concurrency_clusters, rng);
        self.query_failure_percent = bands
            .query_failure_percent
            .next(self.query_failure_percent, rng);
        for (levels, band) in self.queues.iter_mut().zip(&bands.queues) {
            levels[0] = band.queued.next(levels[0], rng);
            levels[1] = band.running.next(levels[1], rng);
            levels[2] = band.wait_ms.next(levels[2], rng);
        }
    }

    /// Moves every integration's lag one minute, in fleet order.
    pub(crate) fn step_lags(&mut self, bands: &Bands, rng: &mut SplitMix64) {
        for lag in &mut self.lag_seconds {
            *lag = bands.lag_seconds.next(*lag, rng);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_stay_in_their_bands() {
        let mut rng = SplitMix64::new(3);
        let bands = Bands::HEALTHY;
        let mut levels = Levels::start(&bands, 4, &mut rng);
        for _ in 0..50_000 {
            levels.step_gauges(&bands, &mut rng);
            levels.step_lags(&bands, &mut rng);
            assert!((60.0..=70.0).contains(&levels.storage_percent));
            assert!((0.5..=2.0).contains(&levels.query_failure_percent));
            assert!(levels.queues[0][0] <= 6.0);
            assert!(levels.lag_seconds.iter().all(|l| (2.0..=40.0).contains(l)));
        }
    }

    #[test]
    fn healthy_lag_has_a_median_under_fifteen_seconds() {
        let mut rng = SplitMix64::new(11);
        let band = Bands::HEALTHY.lag_seconds;
        let mut lag = band.start(&mut rng);
        let mut samples: Vec<f64> = (0..20_000)
            .map(|_| {
                lag = band.next(lag, &mut rng);
                lag
            })
            .collect();
        samples.sort_by(f64::total_cmp);
        assert!(samples[samples.len() / 2] < 15.0);
    }
}
