//! Paces AWS calls where AWS does: per account and Region, per service and, where AWS's quota is
//! per API, per API. Each such lane has a token bucket (AWS's documented request rate and burst)
//! and a bound on calls in flight; lanes of different accounts never wait for each other, so a
//! refresh of a thousand accounts runs their calls side by side. Over all lanes, one ceiling
//! (`[aws] max_concurrency`) bounds what this process has in flight (sockets, memory).
//!
//! A throttled attempt halves its lane's rate (and the burst with it), as the SDK's interceptor
//! reports it (`counting.rs`), retries included; each success gives back a tenth of the documented
//! rate, until the lane is at AWS's figure again (AIMD). A call never
//! holds its slots past the call timeout: the limiter gives up on it, frees them and answers the
//! SDK's own timeout error.

use std::collections::HashMap;
use std::error::Error;
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use tokio::sync::Semaphore;
use tokio::time::Instant;

use super::error::is_throttled;
use crate::source::Meter;

/// Whose quotas a call counts against. AWS throttles per account and Region, and the account is
/// the one whose credentials sign the call (tenants read with the central credentials share the
/// central account's quotas).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Scope(Arc<str>);

impl Scope {
    /// The central account, in its own Region.
    pub fn central() -> Scope {
        Scope("central".into())
    }

    /// The central credentials in another Region: quotas are per Region too.
    pub fn central_in(region: Option<&str>) -> Scope {
        match region {
            Some(region) => Scope(format!("central/{region}").into()),
            None => Scope::central(),
        }
    }

    /// A tenant account read with credentials of its own (a role or a profile).
    pub fn account(account_id: &str, region: Option<&str>) -> Scope {
        match region {
            Some(region) => Scope(format!("{account_id}/{region}").into()),
            None => Scope(account_id.into()),
        }
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One AWS quota: a token bucket (requests a second, and how many at once after a pause) and how
/// many calls may be in flight on the lane.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quota {
    pub per_second: f64,
    pub burst: u32,
    pub in_flight: usize,
}

/// The AWS APIs shiftops calls, grouped the way AWS throttles them: one variant per bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Api {
    /// Every RDS call (DescribeDBClusters, DescribeIntegrations, DescribeExportTasks): RDS has one
    /// bucket per account and Region.
    Rds,
    /// sts:AssumeRole, made inside another call's credential lookup.
    AssumeRole,
    GetMetricData,
    ListMetrics,
    DescribeAlarms,
    DescribeAlarmHistory,
    DescribeLogGroups,
    StartQuery,
    GetQueryResults,
    ExecuteStatement,
    DescribeStatement,
    GetStatementResult,
    ListExecutions,
    DescribeExecution,
    GetExecutionHistory,
    /// Redshift's control plane (DescribeClusters, DescribeClusterParameters).
    Redshift,
    /// Redshift Serverless's control plane (GetWorkgroup, GetNamespace).
    RedshiftServerless,
}

impl Api {
    /// AWS's default quota for this API, per account and Region: the one table of them.
    pub fn quota(self) -> Quota {
        let quota = |per_second: f64, burst: u32, in_flight: usize| Quota {
            per_second,
            burst,
            in_flight,
        };
        match self {
            // "By default, you can make up to 300 requests in a burst and a sustained 12 requests
            // per second", per account and Region, for all RDS API operations:
            // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-api-throttling.html
            // No page gives a bound on calls in flight: 16.
            Api::Rds => quota(12.0, 300, 16),
            // The IAM and STS quotas page gives no request rate for AssumeRole
            // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html), and
            // STS's rate quotas cannot be raised
            // (https://repost.aws/knowledge-center/iam-sts-throttling-error): chosen, 100 a second
            // and a burst of 100, so a fleet of 1,000 roles is assumed in some ten seconds.
            Api::AssumeRole => quota(100.0, 100, 32),
            // CloudWatch's API quotas, "the maximum number of operation requests you can make per
            // second without being throttled", per account and Region: GetMetricData 50 TPS (without
            // Metrics Insights queries, which shiftops does not send), ListMetrics 25, DescribeAlarms
            // 9, DescribeAlarmHistory 3. No burst is given: one second's worth.
            // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html
            Api::GetMetricData => quota(50.0, 50, 16),
            Api::ListMetrics => quota(25.0, 25, 8),
            Api::DescribeAlarms => quota(9.0, 9, 4),
            Api::DescribeAlarmHistory => quota(3.0, 3, 2),
            // CloudWatch Logs: DescribeLogGroups 5 TPS per account and Region
            // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html).
            // That page gives no TPS for StartQuery and GetQueryResults: chosen as DescribeLogGroups'.
            // "You can have up to 30 concurrent CloudWatch Logs insights queries"
            // (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartQuery.html):
            // the bound on StartQuery calls in flight.
            Api::DescribeLogGroups => quota(5.0, 5, 4),
            Api::StartQuery => quota(5.0, 5, 30),
            Api::GetQueryResults => quota(5.0, 5, 5),
            // The Redshift Data API: no TPS figure on the quotas page read here
            // (https://docs.aws.amazon.com/redshift/latest/mgmt/amazon-redshift-limits.html):
            // chosen conservatively, one second's worth of burst; a refresh makes a few of each.
            Api::ExecuteStatement => quota(10.0, 10, 16),
            Api::DescribeStatement => quota(30.0, 30, 16),
            Api::GetStatementResult => quota(10.0, 10, 16),
            // Step Functions' API action throttling, a token bucket per API (bucket size, refill
            // per second), per account and Region; the figures of "all other Regions", the smaller:
            // ListExecutions 100 and 2, DescribeExecution 250 and 10, GetExecutionHistory 400 and 20.
            // https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
            Api::ListExecutions => quota(2.0, 100, 8),
            Api::DescribeExecution => quota(10.0, 250, 16),
            Api::GetExecutionHistory => quota(20.0, 400, 16),
            // Neither Redshift's nor Redshift Serverless's quota pages give a request rate for
            // their control planes
            // (https://docs.aws.amazon.com/redshift/latest/mgmt/amazon-redshift-limits.html):
            // chosen conservatively, for the few calls a refresh makes there.
            Api::Redshift | Api::RedshiftServerless => quota(5.0, 10, 4),
        }
    }

    /// Made while another call holds its slots (a credential lookup): it must not wait for the
    /// ceiling, or calls that hold it would wait for themselves.
    fn nested(self) -> bool {
        self == Api::AssumeRole
    }
}

/// A lane: the account (and Region) and the API a quota applies to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    scope: Scope,
    api: Api,
}

impl Key {
    pub fn new(scope: &Scope, api: Api) -> Key {
        Key {
            scope: scope.clone(),
            api,
        }
    }

    /// In the central account, in its own Region.
    pub fn central(api: Api) -> Key {
        Key::new(&Scope::central(), api)
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {:?}", self.scope, self.api)
    }
}

/// Each success gives back this share of the documented rate; a throttle halves it.
const RECOVERY_SHARE: f64 = 0.1;
/// A lane never goes below this share of its documented rate, so it recovers in bounded time.
const FLOOR_SHARE: f64 = 1.0 / 64.0;

#[derive(Debug)]
struct Bucket {
    quota: Quota,
    /// The rate now: the quota's, or less after throttling.
    rate: f64,
    tokens: f64,
    refilled: Instant,
}

impl Bucket {
    fn new(quota: Quota) -> Bucket {
        Bucket {
            quota,
            rate: quota.per_second,
            tokens: f64::from(quota.burst),
            refilled: Instant::now(),
        }
    }

    /// The burst shrinks with the rate: a backed-off lane does not burst at AWS's full size.
    fn capacity(&self) -> f64 {
        (f64::from(self.quota.burst) * self.rate / self.quota.per_second).max(1.0)
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.refilled).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(self.capacity());
        self.refilled = now;
    }

    /// Takes a token, or says how long until one is there.
    fn take(&mut self, now: Instant) -> Result<(), Duration> {
        self.refill(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - self.tokens) / self.rate))
        }
    }

    fn throttled(&mut self, now: Instant) {
        self.refill(now);
        self.rate = (self.rate / 2.0).max(self.quota.per_second * FLOOR_SHARE);
        // AWS's bucket is empty: ours is too.
        self.tokens = 0.0;
    }

    fn succeeded(&mut self, now: Instant) {
        self.refill(now);
        self.rate = (self.rate + self.quota.per_second * RECOVERY_SHARE).min(self.quota.per_second);
    }
}

#[derive(Debug)]
struct Lane {
    slots: Semaphore,
    bucket: Mutex<Bucket>,
}

impl Lane {
    fn new(quota: Quota) -> Lane {
        Lane {
            slots: Semaphore::new(quota.in_flight.max(1)),
            bucket: Mutex::new(Bucket::new(quota)),
        }
    }

    fn bucket(&self) -> std::sync::MutexGuard<'_, Bucket> {
        self.bucket.lock().unwrap_or_else(PoisonError::into_inner)
    }

    async fn token(&self) {
        loop {
            let wait = match self.bucket().take(Instant::now()) {
                Ok(()) => return,
                Err(wait) => wait,
            };
            tokio::time::sleep(wait).await;
        }
    }
}

/// The call a limiter runs, for what happens inside it: the SDK's attempts.
#[derive(Debug)]
struct CallInFlight {
    lane: Arc<Lane>,
    label: String,
    meter: Meter,
    throttled_attempts: AtomicU32,
}

impl CallInFlight {
    fn throttled(&self) {
        self.throttled_attempts.fetch_add(1, Ordering::SeqCst);
        self.lane.bucket().throttled(Instant::now());
        self.meter.record_throttled(&self.label);
    }
}

tokio::task_local! {
    static CALL: Arc<CallInFlight>;
}

/// AWS throttled an attempt of the call running here (the SDK may retry it): its lane slows
/// down now. Outside a limiter's call, nothing to slow.
pub(crate) fn throttled_attempt() {
    let _ = CALL.try_with(|call| call.throttled());
}

/// The limiter gave up on a call that did not answer within the call timeout.
#[derive(Debug)]
pub struct CallTimedOut(pub Duration);

impl std::fmt::Display for CallTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no answer within {} s", self.0.as_secs())
    }
}

impl Error for CallTimedOut {}

#[derive(Debug)]
struct Inner {
    ceiling: Semaphore,
    permits: usize,
    call_timeout: Duration,
    lanes: Mutex<HashMap<Key, Arc<Lane>>>,
    /// Counts the calls in flight and keeps their peak, so tests can check the ceiling holds;
    /// and the throttled answers by lane.
    meter: Meter,
}

#[derive(Debug, Clone)]
pub struct Limiter {
    inner: Arc<Inner>,
}

impl Limiter {
    pub fn new(max_in_flight: usize, call_timeout: Duration) -> Self {
        Self::with_meter(max_in_flight, call_timeout, Meter::new())
    }

    pub fn with_meter(max_in_flight: usize, call_timeout: Duration, meter: Meter) -> Self {
        let permits = max_in_flight.max(1);
        Self {
            inner: Arc::new(Inner {
                ceiling: Semaphore::new(permits),
                permits,
                call_timeout,
                lanes: Mutex::new(HashMap::new()),
                meter,
            }),
        }
    }

    /// How many calls may run at once over all lanes.
    pub fn permits(&self) -> usize {
        self.inner.permits
    }

    /// The most calls that ever ran at once through this limiter (never above [`Self::permits`]).
    pub fn peak_in_flight(&self) -> usize {
        self.inner.meter.peak_in_flight()
    }

    /// A lane's request rate now (AWS's figure, or less after throttling); `None` before its
    /// first call.
    pub fn rate(&self, key: &Key) -> Option<f64> {
        let lanes = self.lanes();
        lanes.get(key).map(|lane| lane.bucket().rate)
    }

    fn lanes(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Arc<Lane>>> {
        self.inner
            .lanes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn lane(&self, key: &Key) -> Arc<Lane> {
        self.lanes()
            .entry(key.clone())
            .or_insert_with(|| Arc::new(Lane::new(key.api.quota())))
            .clone()
    }

    /// Runs `calls` (a fan-out over accounts, made lazily: an iterator's `map`), at most as many
    /// at once as the ceiling lets call AWS; answers in their order. More would only wait for the
    /// ceiling, and each waiting call holds its SDK future (tens of kilobytes): a fan-out over a
    /// thousand accounts at once held most of a refresh's memory.
    pub async fn each<Call: Future>(
        &self,
        calls: impl IntoIterator<Item = Call>,
    ) -> Vec<Call::Output> {
        use futures_util::StreamExt;
        futures_util::stream::iter(calls)
            .buffered(self.permits())
            .collect()
            .await
    }

    /// Every page of a call that pages by marker, each page through [`Self::run`]: `page` sends
    /// the request for a marker (none for the first page), `next` reads the next page's marker
    /// from an answer (none, or empty, on the last page).
    pub async fn every_page<T, E, R, Page>(
        &self,
        key: &Key,
        mut page: impl FnMut(Option<String>) -> Page,
        next: impl Fn(&T) -> Option<&str>,
    ) -> Result<Vec<T>, SdkError<E, R>>
    where
        Page: Future<Output = Result<T, SdkError<E, R>>>,
        E: ProvideErrorMetadata + Error + 'static,
        R: std::fmt::Debug,
    {
        let mut pages = Vec::new();
        let mut marker = None;
        loop {
            let answer = self.run(key.clone(), page(marker.take())).await?;
            marker = next(&answer).filter(|m| !m.is_empty()).map(str::to_string);
            pages.push(answer);
            if marker.is_none() {
                return Ok(pages);
            }
        }
    }

    /// Runs `call` once its lane has a slot and a token and the ceiling a slot; learns from its
    /// answer (a throttle slows the lane down, a success speeds it back up), and gives up on it
    /// after the call timeout with the SDK's timeout error.
    pub async fn run<T, E, R>(
        &self,
        key: Key,
        call: impl Future<Output = Result<T, SdkError<E, R>>>,
    ) -> Result<T, SdkError<E, R>>
    where
        E: ProvideErrorMetadata + Error + 'static,
        R: std::fmt::Debug,
    {
        let lane = self.lane(&key);
        let _slot = lane
            .slots
            .acquire()
            .await
            .expect("a lane's semaphore is never closed");
        lane.token().await;
        let ceiling_slot = if key.api.nested() {
            None
        } else {
            Some(
                self.inner
                    .ceiling
                    .acquire()
                    .await
                    .expect("the ceiling's semaphore is never closed"),
            )
        };
        let _in_flight = ceiling_slot
            .as_ref()
            .map(|_| self.inner.meter.call_started());
        let in_flight = Arc::new(CallInFlight {
            lane: lane.clone(),
            label: key.to_string(),
            meter: self.inner.meter.clone(),
            throttled_attempts: AtomicU32::new(0),
        });
        let call = CALL.scope(in_flight.clone(), call);
        let answer = match tokio::time::timeout(self.inner.call_timeout, call).await {
            Ok(answer) => answer,
            Err(_) => {
                return Err(SdkError::timeout_error(CallTimedOut(
                    self.inner.call_timeout,
                )));
            }
        };
        match &answer {
            Ok(_) => lane.bucket().succeeded(Instant::now()),
            // The attempts already said so, unless AWS's model names the error (StartQuery's
            // LimitExceededException): then the answer does.
            Err(error)
                if is_throttled(error)
                    && in_flight.throttled_attempts.load(Ordering::SeqCst) == 0 =>
            {
                in_flight.throttled();
            }
            Err(_) => {}
        }
        answer
    }
}

// The tests answer with the SDK's own result type, large error and all, as the call sites get it.
#[cfg(test)]
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    use aws_sdk_rds::operation::describe_db_clusters::{
        DescribeDBClustersError, DescribeDbClustersOutput,
    };
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;

    type Answer = Result<DescribeDbClustersOutput, SdkError<DescribeDBClustersError, HttpResponse>>;

    fn ok() -> Answer {
        Ok(DescribeDbClustersOutput::builder().build())
    }

    fn refused(code: &str) -> Answer {
        Err(SdkError::service_error(
            DescribeDBClustersError::generic(ErrorMetadata::builder().code(code).build()),
            HttpResponse::new(400.try_into().unwrap(), SdkBody::empty()),
        ))
    }

    fn limiter() -> Limiter {
        Limiter::new(256, Duration::from_secs(20))
    }

    fn tenant(id: &str) -> Key {
        Key::new(&Scope::account(id, Some("us-east-1")), Api::Rds)
    }

    /// Calls `n` times one after the other; returns how long it took on tokio's clock.
    async fn calls(limiter: &Limiter, key: &Key, n: usize) -> Duration {
        let started = Instant::now();
        for _ in 0..n {
            limiter.run(key.clone(), async { ok() }).await.unwrap();
        }
        started.elapsed()
    }

    #[tokio::test(start_paused = true)]
    async fn a_lane_bursts_its_bucket_then_keeps_to_the_documented_rate() {
        let limiter = limiter();
        let key = Key::central(Api::DescribeAlarmHistory);
        // 3 TPS, a burst of 3: three at once, then one every third of a second.
        assert_eq!(calls(&limiter, &key, 3).await, Duration::ZERO);
        let paced = calls(&limiter, &key, 6).await;
        assert!(
            paced >= Duration::from_millis(1_990) && paced <= Duration::from_millis(2_010),
            "{paced:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn lanes_of_different_accounts_do_not_wait_for_each_other() {
        let limiter = limiter();
        let (a, b) = (tenant("111111111111"), tenant("222222222222"));
        // Empty a's bucket (a burst of 300), so its next call waits for a refill.
        calls(&limiter, &a, 300).await;
        let started = Instant::now();
        calls(&limiter, &b, 300).await;
        assert_eq!(
            started.elapsed(),
            Duration::ZERO,
            "b has a full bucket of its own"
        );
        assert!(
            calls(&limiter, &a, 1).await > Duration::ZERO,
            "a waits for its own refill"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn calls_in_flight_are_bounded_per_lane_and_the_lanes_run_side_by_side() {
        let limiter = limiter();
        let key = Key::central(Api::DescribeAlarms);
        let lanes = (0..10).map(|i| tenant(&format!("{i:012}")));
        let slow = |key: Key| {
            let limiter = limiter.clone();
            async move {
                limiter
                    .run(key, async {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        ok()
                    })
                    .await
            }
        };
        let started = Instant::now();
        let mut all: Vec<_> = (0..8).map(|_| slow(key.clone())).collect();
        all.extend(lanes.map(slow));
        futures_util::future::join_all(all).await;
        // DescribeAlarms lets 4 run at once: 8 take two rounds of a second (the tenants' lanes
        // run alongside), and never more than 4 + 10 ran at once.
        assert_eq!(started.elapsed(), Duration::from_secs(2));
        assert_eq!(limiter.peak_in_flight(), 4 + 10);
    }

    #[tokio::test(start_paused = true)]
    async fn the_ceiling_bounds_every_lane_together() {
        let limiter = Limiter::new(3, Duration::from_secs(20));
        let all = (0..9).map(|i| {
            let limiter = limiter.clone();
            async move {
                limiter
                    .run(tenant(&format!("{i:012}")), async {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        ok()
                    })
                    .await
            }
        });
        let started = Instant::now();
        futures_util::future::join_all(all).await;
        assert_eq!(started.elapsed(), Duration::from_secs(3));
        assert_eq!(limiter.peak_in_flight(), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn a_throttle_halves_the_lane_s_rate_and_successes_bring_it_back() {
        let meter = Meter::new();
        let limiter = Limiter::with_meter(256, Duration::from_secs(20), meter.clone());
        let (a, b) = (tenant("111111111111"), tenant("222222222222"));
        calls(&limiter, &b, 1).await;
        let error = limiter
            .run(a.clone(), async { refused("Throttling") })
            .await
            .unwrap_err();
        assert!(is_throttled(&error));
        assert_eq!(limiter.rate(&a), Some(6.0));
        limiter
            .run(a.clone(), async { refused("ThrottlingException") })
            .await
            .unwrap_err();
        assert_eq!(limiter.rate(&a), Some(3.0));
        assert_eq!(
            limiter.rate(&b),
            Some(12.0),
            "another account is not slowed"
        );
        assert_eq!(meter.throttled_lanes()[&a.to_string()], 2);
        assert!(!meter.throttled_lanes().contains_key(&b.to_string()));

        // Emptied bucket at 3 a second: the next call waits a third of a second.
        let waited = calls(&limiter, &a, 1).await;
        assert!(
            waited >= Duration::from_millis(330) && waited <= Duration::from_millis(340),
            "{waited:?}"
        );
        // That success gave back 1.2 a second; seven more bring it to the documented 12.
        assert!((limiter.rate(&a).unwrap() - 4.2).abs() < 1e-9);
        calls(&limiter, &a, 7).await;
        assert_eq!(limiter.rate(&a), Some(12.0));
        calls(&limiter, &a, 1).await;
        assert_eq!(limiter.rate(&a), Some(12.0), "never above AWS's figure");
    }

    #[tokio::test(start_paused = true)]
    async fn each_throttled_attempt_slows_the_lane_even_when_a_retry_succeeds() {
        let meter = Meter::new();
        let limiter = Limiter::with_meter(256, Duration::from_secs(20), meter.clone());
        let key = tenant("111111111111");
        // As the SDK's interceptor reports two throttled attempts before the third answers.
        let answer = limiter
            .run(key.clone(), async {
                throttled_attempt();
                throttled_attempt();
                ok()
            })
            .await;
        assert!(answer.is_ok());
        assert!((limiter.rate(&key).unwrap() - (3.0 + 1.2)).abs() < 1e-9);
        assert_eq!(meter.throttled_lanes()[&key.to_string()], 2);
        // Throttled to the end: the attempts counted, the answer is not counted again.
        limiter
            .run(key.clone(), async {
                throttled_attempt();
                refused("Throttling")
            })
            .await
            .unwrap_err();
        assert_eq!(meter.throttled_lanes()[&key.to_string()], 3);
        // Outside a limiter's call there is no lane to slow.
        throttled_attempt();
    }

    #[tokio::test(start_paused = true)]
    async fn other_errors_do_not_slow_a_lane_down() {
        let limiter = limiter();
        let key = tenant("111111111111");
        limiter
            .run(key.clone(), async { refused("AccessDenied") })
            .await
            .unwrap_err();
        assert_eq!(limiter.rate(&key), Some(12.0));
    }

    #[tokio::test(start_paused = true)]
    async fn a_lane_never_slows_below_its_floor() {
        let limiter = limiter();
        let key = tenant("111111111111");
        for _ in 0..20 {
            limiter
                .run(key.clone(), async { refused("Throttling") })
                .await
                .unwrap_err();
        }
        assert_eq!(limiter.rate(&key), Some(12.0 * FLOOR_SHARE));
    }

    #[tokio::test(start_paused = true)]
    async fn a_hung_call_gives_its_slots_back_at_the_call_timeout() {
        let meter = Meter::new();
        let limiter = Limiter::with_meter(1, Duration::from_secs(5), meter.clone());
        let hung = limiter.run(tenant("111111111111"), std::future::pending::<Answer>());
        let started = Instant::now();
        let error = hung.await.unwrap_err();
        assert_eq!(started.elapsed(), Duration::from_secs(5));
        assert!(matches!(error, SdkError::TimeoutError(_)), "{error:?}");
        assert_eq!(super::super::error::describe(&error), "timed out");
        assert_eq!(meter.in_flight(), 0, "the slot is free again");
        // The one slot of the ceiling is free: another account's call runs at once.
        let started = Instant::now();
        calls(&limiter, &tenant("222222222222"), 1).await;
        assert_eq!(started.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_credential_lookup_inside_a_call_does_not_wait_for_the_ceiling() {
        let limiter = Limiter::new(1, Duration::from_secs(20));
        let inner = limiter.clone();
        let answer = limiter
            .run(tenant("111111111111"), async move {
                inner
                    .run(Key::central(Api::AssumeRole), async { ok() })
                    .await
            })
            .await;
        assert!(answer.is_ok());
    }
}
