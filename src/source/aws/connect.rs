//! The live fleet connects to AWS on its first call, not before: the console draws its first frame
//! at once, whatever the number of accounts, and what an account needs is built when a source first
//! calls. Which sources a fleet has follows from the config alone; the SDK's configuration (the
//! credential chain, the HTTP client and its TLS roots), the accounts and the clients are made once,
//! by whichever source fetches first, while the others wait for it.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::OnceCell;

use super::{
    Aws, CloudWatchAlarmHistory, Overrides, accounts, cloudwatch, logs, rds, redshift,
    redshift_data, sfn,
};
use crate::config::{Config, WarehouseRole};
use crate::model::{Alarm, AlarmHistoryItem, SourceData, SourceId};
use crate::source::{AlarmHistory, Meter, Source, SourceError};

/// What the fleet connects with, and what it has once connected.
pub(super) struct Connection {
    config: Config,
    overrides: Overrides,
    meter: Meter,
    connected: OnceCell<Connected>,
}

struct Connected {
    sources: Vec<Arc<dyn Source>>,
    alarm_history: CloudWatchAlarmHistory,
}

impl Connection {
    pub(super) fn new(config: &Config, overrides: &Overrides, meter: Meter) -> Arc<Self> {
        Arc::new(Self {
            config: config.clone(),
            overrides: overrides.clone(),
            meter,
            connected: OnceCell::new(),
        })
    }

    async fn connected(&self) -> &Connected {
        self.connected
            .get_or_init(|| async {
                let aws =
                    Aws::connect_metered(&self.config, &self.overrides, self.meter.clone()).await;
                let accounts = accounts(&aws, &self.config.tenants);
                Connected {
                    sources: build_sources(&aws, &self.config, &accounts),
                    alarm_history: CloudWatchAlarmHistory::new(&aws, &accounts),
                }
            })
            .await
    }

    /// The fleet's sources, each connecting on its first fetch.
    pub(super) fn sources(self: &Arc<Self>) -> Vec<Arc<dyn Source>> {
        source_ids(&self.config)
            .into_iter()
            .map(|id| {
                Arc::new(OnFirstCall {
                    id,
                    interval: self.config.refresh.interval(id),
                    connection: self.clone(),
                }) as Arc<dyn Source>
            })
            .collect()
    }
}

/// The sources a config gives the live fleet, in the order they are listed.
fn source_ids(config: &Config) -> Vec<SourceId> {
    let mut ids = vec![
        SourceId::Rds,
        SourceId::Warehouse,
        SourceId::Metrics,
        SourceId::Alarms,
    ];
    if config.elt.is_some() {
        ids.push(SourceId::Elt);
    }
    if !logs::queries(config).is_empty() {
        ids.push(SourceId::Logs);
    }
    if config.warehouse(WarehouseRole::Wlm).is_some() {
        ids.push(SourceId::Parameters);
    }
    ids.push(SourceId::Aurora);
    ids
}

/// Every source of [`source_ids`], connected: one RDS client for every account, the warehouses'
/// routes, the central clients.
fn build_sources(aws: &Aws, config: &Config, accounts: &[super::Account]) -> Vec<Arc<dyn Source>> {
    let interval = |id| config.refresh.interval(id);
    let tenants = config.tenants();
    // One RDS client for every account, for export tasks and clusters alike.
    let rds_client = aws.rds();
    let warehouse = Arc::new(redshift_data::WarehouseSource::new(
        redshift_data::Routes::new(aws, config),
        tenants.clone(),
        interval(SourceId::Warehouse),
    ));
    // SVV_INTEGRATION, read for the warehouse view, is the RDS and metrics sources' signal too.
    let replication = warehouse.replication();
    source_ids(config)
        .into_iter()
        .map(|id| -> Arc<dyn Source> {
            match id {
                SourceId::Rds => Arc::new(rds::RdsSource::new(
                    aws,
                    config,
                    accounts,
                    rds_client.clone(),
                    replication.clone(),
                    interval(id),
                )),
                SourceId::Warehouse => warehouse.clone(),
                SourceId::Metrics => Arc::new(cloudwatch::MetricsSource::new(
                    aws,
                    config.warehouse(WarehouseRole::Wlm),
                    config.warehouse(WarehouseRole::Storage),
                    config.metrics.clone(),
                    tenants.clone(),
                    replication.clone(),
                    interval(id),
                )),
                SourceId::Alarms => Arc::new(cloudwatch::AlarmsSource::new(
                    aws,
                    accounts,
                    tenants.clone(),
                    config.metrics.tenant_dimension.clone(),
                    interval(id),
                )),
                SourceId::Elt => Arc::new(sfn::EltSource::new(
                    aws,
                    config
                        .elt
                        .as_ref()
                        .expect("an ELT source only with [elt]")
                        .state_machine_arn
                        .clone(),
                    tenants.clone(),
                    interval(id),
                )),
                SourceId::Logs => Arc::new(logs::LogsSource::new(
                    aws,
                    logs::queries(config),
                    interval(id),
                )),
                SourceId::Parameters => Arc::new(
                    config
                        .warehouse(WarehouseRole::Wlm)
                        .and_then(|wlm| redshift::ParametersSource::new(aws, wlm, interval(id)))
                        // The config refuses a warehouse with neither a cluster nor a workgroup.
                        .expect("the WLM warehouse has a cluster or a workgroup"),
                ),
                SourceId::Aurora => Arc::new(rds::ClustersSource::new(
                    aws,
                    accounts,
                    rds_client.clone(),
                    interval(id),
                )),
            }
        })
        .collect()
}

/// A source of the live fleet: its id and interval are known from the config; the first fetch
/// connects the fleet.
struct OnFirstCall {
    id: SourceId,
    interval: Duration,
    connection: Arc<Connection>,
}

#[async_trait]
impl Source for OnFirstCall {
    fn id(&self) -> SourceId {
        self.id
    }

    fn interval(&self) -> Duration {
        self.interval
    }

    async fn fetch(&self) -> Result<SourceData, SourceError> {
        let connected = self.connection.connected().await;
        let source = connected
            .sources
            .iter()
            .find(|s| s.id() == self.id)
            .expect("the connected fleet has every source the config gives it");
        source.fetch().await
    }
}

/// The alarm history of the live fleet, connecting it if nothing has yet.
pub(super) struct AlarmHistoryOnFirstCall(pub(super) Arc<Connection>);

#[async_trait]
impl AlarmHistory for AlarmHistoryOnFirstCall {
    async fn history(&self, alarm: &Alarm) -> Result<Vec<AlarmHistoryItem>, SourceError> {
        self.0.connected().await.alarm_history.history(alarm).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Listing the fleet's sources connects nothing; the first call connects, once, and asks AWS
    /// nothing by itself.
    #[tokio::test]
    async fn a_fleet_connects_on_its_first_call_and_only_once() {
        let config = Config::parse(
            "config.toml",
            r#"
[aws]
region = "us-east-1"

[redshift]
cluster_identifier = "dw"
database = "dev"
db_user = "shiftops"

[elt]
state_machine_arn = "arn:aws:states:us-east-1:111111111111:stateMachine:daily-elt"

[[tenants]]
name = "a"
account_id = "111111111111"
role_arn = "arn:aws:iam::111111111111:role/ShiftopsReadOnly"
cluster_identifier = "a"
integration = "a"
"#,
        )
        .expect("config");
        let overrides = Overrides {
            static_credentials: Some(("id".into(), "secret".into())),
            ..Overrides::default()
        };
        let connection = Connection::new(&config, &overrides, Meter::new());
        let listed: Vec<SourceId> = connection.sources().iter().map(|s| s.id()).collect();
        // The config's [elt] and its cluster's WLM give those sources; no log group, no logs.
        assert_eq!(
            listed,
            [
                SourceId::Rds,
                SourceId::Warehouse,
                SourceId::Metrics,
                SourceId::Alarms,
                SourceId::Elt,
                SourceId::Parameters,
                SourceId::Aurora
            ]
        );
        assert!(connection.connected.get().is_none(), "listing connected");
        let first: *const Connected = connection.connected().await;
        let again: *const Connected = connection.connected().await;
        assert_eq!(first, again, "connected twice");
        let built: Vec<SourceId> = connection
            .connected()
            .await
            .sources
            .iter()
            .map(|s| s.id())
            .collect();
        assert_eq!(built, listed);
        assert_eq!(
            connection.meter.total_requests(),
            0,
            "connecting called AWS"
        );
    }
}
