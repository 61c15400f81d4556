//! Every client the live fleet builds counts its requests: an SDK interceptor that tells the
//! fleet's [`Meter`] the service (its signing name, as AWS bills and throttles it) and the action
//! of each attempt it sends. So `check --format json` says what a refresh costs in `api_calls`.
//! It also tells the limiter of each attempt AWS throttled, retried ones included, so the lane
//! slows down at the first throttle rather than after the SDK's last retry.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use super::Aws;
use super::error::{is_throttling_code, unmodeled_code};
use super::limiter::throttled_attempt;
use crate::source::Meter;

/// Counts each request (every attempt, retries included) as it is about to be sent.
#[derive(Debug, Clone)]
pub(crate) struct CountRequests {
    meter: Meter,
    /// The signing name: `sts`, `rds`, `redshift-data`, `monitoring`, `logs`, `states` …
    service: &'static str,
}

impl Intercept for CountRequests {
    fn name(&self) -> &'static str {
        "shiftops::CountRequests"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let action = cfg.load::<Metadata>().map_or("?", |m| m.name());
        self.meter.record_request(self.service, action);
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(Err(error)) = context.output_or_error() else {
            return Ok(());
        };
        let throttled = error
            .as_operation_error()
            .and_then(|error| unmodeled_code(error))
            .is_some_and(is_throttling_code);
        if throttled {
            throttled_attempt();
        }
        Ok(())
    }
}

impl Aws {
    fn counter(&self, service: &'static str) -> CountRequests {
        CountRequests {
            meter: self.meter.clone(),
            service,
        }
    }

    /// RDS for every account: a call signs as a tenant account with `.customize()
    /// .config_override(account.sign_as.rds())`.
    pub(crate) fn rds(&self) -> aws_sdk_rds::Client {
        aws_sdk_rds::Client::from_conf(
            aws_sdk_rds::config::Builder::from(&self.central)
                .interceptor(self.counter("rds"))
                .build(),
        )
    }

    pub(crate) fn sts(&self) -> aws_sdk_sts::Client {
        aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(&self.central)
                .interceptor(self.counter("sts"))
                .build(),
        )
    }

    pub(crate) fn redshift_data(&self) -> aws_sdk_redshiftdata::Client {
        aws_sdk_redshiftdata::Client::from_conf(
            aws_sdk_redshiftdata::config::Builder::from(&self.central)
                .interceptor(self.counter("redshift-data"))
                .build(),
        )
    }

    /// CloudWatch for every account: a tenant's alarms are read with `.customize()
    /// .config_override(account.sign_as.cloudwatch())`.
    pub(crate) fn cloudwatch(&self) -> aws_sdk_cloudwatch::Client {
        aws_sdk_cloudwatch::Client::from_conf(
            aws_sdk_cloudwatch::config::Builder::from(&self.central)
                .interceptor(self.counter("monitoring"))
                .build(),
        )
    }

    pub(crate) fn logs(&self) -> aws_sdk_cloudwatchlogs::Client {
        aws_sdk_cloudwatchlogs::Client::from_conf(
            aws_sdk_cloudwatchlogs::config::Builder::from(&self.central)
                .interceptor(self.counter("logs"))
                .build(),
        )
    }

    pub(crate) fn sfn(&self) -> aws_sdk_sfn::Client {
        aws_sdk_sfn::Client::from_conf(
            aws_sdk_sfn::config::Builder::from(&self.central)
                .interceptor(self.counter("states"))
                .build(),
        )
    }

    pub(crate) fn redshift(&self) -> aws_sdk_redshift::Client {
        aws_sdk_redshift::Client::from_conf(
            aws_sdk_redshift::config::Builder::from(&self.central)
                .interceptor(self.counter("redshift"))
                .build(),
        )
    }

    pub(crate) fn redshift_serverless(&self) -> aws_sdk_redshiftserverless::Client {
        aws_sdk_redshiftserverless::Client::from_conf(
            aws_sdk_redshiftserverless::config::Builder::from(&self.central)
                .interceptor(self.counter("redshift-serverless"))
                .build(),
        )
    }
}
