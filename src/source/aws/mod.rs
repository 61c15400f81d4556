//! Live sources: every panel fed from AWS through the official SDK for Rust, across the tenants'
//! accounts. One file per service; SDK types never leave this module.

mod alarm_history;
mod cloudwatch;
mod connect;
mod counting;
mod credentials;
pub mod doctor;
pub(crate) mod error;
mod limiter;
mod logs;
mod rds;
pub mod redshift;
pub mod redshift_data;
pub(crate) mod sfn;
pub mod sql;

use std::sync::Arc;
use std::time::Duration;

use aws_config::identity::IdentityCache;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};

pub use alarm_history::CloudWatchAlarmHistory;
pub(crate) use credentials::SignAs;
pub use credentials::{Account, accounts};
pub use limiter::{Api, CallTimedOut, Key, Limiter, Quota, Scope};
pub use redshift_data::{Value, Warehouse};

use super::{Fleet, Meter, SystemClock};
use crate::config::Config;

/// An SDK timestamp as a model time.
fn time(t: &aws_smithy_types::DateTime) -> Option<crate::model::Time> {
    chrono::DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

/// Command-line overrides of the config's `[aws]` table.
#[derive(Clone, Default)]
pub struct Overrides {
    pub profile: Option<String>,
    pub region: Option<String>,
    /// Fixed central credentials (access key id, secret), instead of the default chain:
    /// for embedding shiftops and for tests against an emulator.
    pub static_credentials: Option<(String, String)>,
}

/// Never prints the credentials: a debug print may end up in a log or a panic message.
impl std::fmt::Debug for Overrides {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Overrides")
            .field("profile", &self.profile)
            .field("region", &self.region)
            .field(
                "static_credentials",
                &self.static_credentials.as_ref().map(|_| "** redacted **"),
            )
            .finish()
    }
}

/// What every live source shares: the central account's SDK config, the call limiter and the
/// meter that counts their requests (every client built through `Aws` feeds it).
#[derive(Clone)]
pub struct Aws {
    pub central: SdkConfig,
    pub limiter: Limiter,
    pub meter: Meter,
}

impl Aws {
    /// Loads the central credentials (env, profiles, SSO …) with retries, timeouts and the endpoint.
    pub async fn connect(config: &Config, overrides: &Overrides) -> Aws {
        Self::connect_metered(config, overrides, Meter::new()).await
    }

    /// [`Self::connect`], counting its requests with `meter`.
    pub async fn connect_metered(config: &Config, overrides: &Overrides, meter: Meter) -> Aws {
        let aws = &config.aws;
        let call_timeout = Duration::from_secs(aws.call_timeout_seconds.max(1));
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(shared_http_client())
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(aws.max_attempts.max(1))
                    .with_initial_backoff(Duration::from_millis(200)),
            )
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_timeout(call_timeout)
                    .operation_attempt_timeout(call_timeout)
                    .connect_timeout(Duration::from_secs(5))
                    .build(),
            )
            // A role's credentials are loaded inside a call, after AssumeRole's turn in the
            // limiter's STS lane: they get the call's time, not the SDK's default of 5 s, which a
            // fleet of many accounts starting at once would exceed.
            .identity_cache(IdentityCache::lazy().load_timeout(call_timeout).build());
        if let Some(region) = overrides.region.clone().or(aws.region.clone()) {
            loader = loader.region(Region::new(region));
        }
        if let Some(profile) = overrides.profile.as_ref().or(aws.profile.as_ref()) {
            loader = loader.profile_name(profile);
        }
        // AWS_ENDPOINT_URL is read by the loader itself; the config key wins over it.
        if let Some(url) = &aws.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if let Some((id, secret)) = &overrides.static_credentials {
            loader = loader.credentials_provider(aws_credential_types::Credentials::new(
                id.clone(),
                secret.clone(),
                None,
                None,
                "shiftops-static",
            ));
        }
        Aws {
            central: loader.load().await,
            limiter: Limiter::with_meter(aws.max_concurrency, call_timeout, meter.clone()),
            meter,
        }
    }
}

/// One HTTP client — one connection pool, one TLS configuration — for every SDK client of every
/// account: a client built without one makes its own, so a fleet of a thousand accounts would hold
/// a thousand pools. It is the SDK's default client (rustls with aws-lc, proxies from the
/// environment), made once.
fn shared_http_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::{Builder, ConnectorBuilder, proxy::ProxyConfig, tls};
    Builder::new().build_with_connector_fn(|settings, components| {
        let mut connector = ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ));
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.set_proxy_config(Some(ProxyConfig::from_env()));
        connector.build()
    })
}

/// The live fleet a config describes: one source per service, all sharing the limiter. Nothing is
/// connected or built per account until a source first fetches (see [`connect`]).
pub fn fleet(config: &Config, overrides: &Overrides) -> Result<Fleet, String> {
    fleet_with_meter(config, overrides).map(|(fleet, _)| fleet)
}

/// The live fleet and the meter that counts its requests by service and action, and its calls
/// in flight (for `check`'s `api_calls` and the tests of the call budget).
pub fn fleet_with_meter(config: &Config, overrides: &Overrides) -> Result<(Fleet, Meter), String> {
    if config.all_warehouses().is_empty() {
        return Err("the config has no [redshift] (or [[warehouses]]): nothing to watch".into());
    }
    let meter = Meter::new();
    let connection = connect::Connection::new(config, overrides, meter.clone());
    let fleet = Fleet {
        tenants: config.tenants(),
        sources: connection.sources(),
        clock: Arc::new(SystemClock),
        fetch_timeout: Duration::from_secs(config.refresh.timeout_seconds.max(1)),
        alarm_history: Some(Arc::new(connect::AlarmHistoryOnFirstCall(connection))),
    };
    Ok((fleet, meter))
}
