//! How each scenario stages its incident: which walks leave their healthy bands and from when, which
//! ELT run breaks, what tenant_a's integration and tenant_b's COPY report. The texts follow what
//! the AWS services print, so the console reads like the real thing.

use chrono::Duration;

use super::Scenario;
use super::elt::{Stage, StagedOutcome, StagedRun};
use super::rng::SplitMix64;
use super::walk::{Band, Bands};
use crate::model::{Ingest, LoadError, TableSync, Tenant, Time};

/// The tenant an integration incident hits (seed 000's tenant A, on Zero-ETL).
pub(crate) const INTEGRATION_TENANT: &str = "tenant_a";
/// The tenant export and COPY incidents hit (seed 000's tenant B, on the export path).
pub(crate) const EXPORT_TENANT: &str = "tenant_b";

/// A scenario's incident and when it began.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Incident {
    pub scenario: Scenario,
    /// When the incident's alarm condition began to hold; `None` for a healthy fleet. Alarms that
    /// are already breaching when the generated history starts date their transition from here.
    pub began_at: Option<Time>,
    /// When its cause went away by itself (a learner's failing script stopped by its owner);
    /// `None` while only an operator's action can end it.
    pub ended_at: Option<Time>,
}

impl Incident {
    fn active(&self, at: Time) -> bool {
        self.began_at.is_some_and(|began| at >= began) && self.ended_at.is_none_or(|end| at < end)
    }

    /// The bands the walks follow at `at`.
    pub(crate) fn bands(&self, at: Time) -> Bands {
        let mut bands = Bands::HEALTHY;
        if !self.active(at) {
            return bands;
        }
        match self.scenario {
            Scenario::StorageHigh => {
                bands.storage_percent = Band::new(92.0, 91.0, 93.5, 0.08, 0.01);
            }
            Scenario::WlmSaturation => {
                let batch = &mut bands.queues[0];
                batch.queued = Band::new(25.0, 20.0, 30.0, 1.5, 0.1);
                batch.running = Band::new(14.0, 12.0, 15.0, 0.5, 0.2);
                batch.wait_ms = Band::new(600_000.0, 300_000.0, 900_000.0, 30_000.0, 0.05);
                bands.concurrency_clusters = Band::new(3.0, 2.0, 4.0, 0.2, 0.1);
            }
            Scenario::QueryFailure => {
                bands.query_failure_percent = Band::new(8.0, 7.0, 9.5, 0.25, 0.05);
            }
            Scenario::Healthy
            | Scenario::CopyError
            | Scenario::IntegrationNeedsAttention
            | Scenario::EltDelay
            | Scenario::DbtFailure
            | Scenario::ExportFailure => {}
        }
        bands
    }
}

/// How long after the demo starts the query-failure scenario's failing script is stopped by its
/// owner: the runbook's triage finds it, its recovery asks for it to stop.
pub(crate) const FAILING_SCRIPT_STOPS_AFTER: Duration = Duration::minutes(20);

/// The user whose script fails in the query-failure scenario, and its error.
pub(crate) const FAILING_USER: &str = "learner_17";
pub(crate) const FAILING_QUERY_ERROR: &str = "permission denied for relation orders";
pub(crate) const FAILING_QUERY_SQL: &str = "SELECT order_id, customer_id, total_amount FROM tenant_a.orders WHERE order_date = CURRENT_DATE";

/// Who runs the ELT's COPYs and its dbt models in the warehouse.
pub(crate) const ELT_USER: &str = "elt_copy";
pub(crate) const DBT_USER: &str = "dbt";

/// The dbt-failure scenario's model, as the warehouse saw it fail.
pub(crate) const DBT_MODEL_ERROR: &str = "column \"discount_amount\" does not exist";
pub(crate) const DBT_MODEL_SQL: &str =
    "create table \"dev\".\"analytics\".\"fct_daily_orders__dbt_tmp\" as (
  select order_date, tenant, sum(total_amount) as revenue, sum(discount_amount) as discounts
  from \"dev\".\"analytics\".\"stg_orders\"
  group by 1, 2
)";

/// When a scenario whose incident is a gauge's excursion began, relative to the creation minute:
/// recent enough that the sparkline shows the onset, long enough ago that the alarm has fired.
pub(crate) fn gauge_onset(scenario: Scenario, seed: u64, minute: Time) -> Option<Time> {
    let jitter = Duration::minutes(SplitMix64::keyed(seed, "onset", 0).int_between(0, 4));
    match scenario {
        Scenario::IntegrationNeedsAttention => Some(minute - Duration::minutes(25) - jitter),
        Scenario::WlmSaturation => Some(minute - Duration::minutes(25) - jitter),
        Scenario::QueryFailure => Some(minute - Duration::minutes(20) - jitter),
        // Disks fill over days: the alarm has been on since yesterday.
        Scenario::StorageHigh => Some(minute - Duration::hours(30) - jitter),
        Scenario::Healthy
        | Scenario::CopyError
        | Scenario::EltDelay
        | Scenario::DbtFailure
        | Scenario::ExportFailure => None,
    }
}

/// The ELT run a scenario breaks. Slot 0 started minutes before the world was created.
pub(crate) fn staged_run(scenario: Scenario) -> Option<StagedRun> {
    match scenario {
        Scenario::CopyError => Some(StagedRun {
            slot: 0,
            outcome: StagedOutcome::FailsIn {
                stage: Stage::Copy {
                    tenant: EXPORT_TENANT.into(),
                },
                error: "Redshift.LoadError".into(),
                cause: "ERROR: Load into table 'orders' failed. Check 'sys_load_error_detail' \
                        system table for details."
                    .into(),
            },
        }),
        // Two hours ago, so that the last success is past Alert-ELT-Delay's 90 minutes.
        Scenario::DbtFailure => Some(StagedRun {
            slot: -2,
            outcome: StagedOutcome::FailsIn {
                stage: Stage::DbtRun,
                error: "DbtRunFailed".into(),
                // The tail of `dbt run`'s log, as the ELT's dbt task reports it: one line per
                // line of the log.
                cause: dbt_failure_log(),
            },
        }),
        Scenario::EltDelay => Some(StagedRun {
            slot: -3,
            outcome: StagedOutcome::StuckIn(Stage::DbtRun),
        }),
        Scenario::Healthy
        | Scenario::IntegrationNeedsAttention
        | Scenario::StorageHigh
        | Scenario::WlmSaturation
        | Scenario::ExportFailure
        | Scenario::QueryFailure => None,
    }
}

/// What the dbt task of the demo's failed run reports: the end of a `dbt run` log, with the
/// error the warehouse gave its model.
fn dbt_failure_log() -> String {
    format!(
        "\
Finished running 44 table models, 1 view model in 0 hours 3 minutes and 12.48 seconds (192.48s).

Completed with 1 error and 0 warnings:

Database Error in model fct_daily_orders (models/marts/fct_daily_orders.sql)
  {DBT_MODEL_ERROR}
  compiled code at target/run/analytics/models/marts/fct_daily_orders.sql

Done. PASS=41 WARN=0 ERROR=1 SKIP=3 TOTAL=45"
    )
}

/// The rows a bad Parquet file rejects: `\N` where the orders table wants an integer.
pub(crate) fn load_errors(seed: u64, tenant: &Tenant, at: Time) -> Vec<LoadError> {
    let Ingest::Export { bucket, prefix } = &tenant.ingest else {
        return Vec::new();
    };
    let file = format!("s3://{bucket}/{prefix}orders/part-0003.parquet");
    let mut rng = SplitMix64::keyed(seed, "load-errors", 0);
    let mut line = rng.int_between(900, 1_500) as u64;
    (0..4)
        .map(|_| {
            let error = LoadError {
                tenant: tenant.name.clone(),
                table: "orders".into(),
                file: file.clone(),
                line,
                column: "quantity".into(),
                reason: "Invalid digit, Value 'N', Pos 0, Type: Integer".into(),
                time: at,
            };
            line += rng.int_between(1, 900) as u64;
            error
        })
        .collect()
}

/// What RDS and the warehouse report of an integration broken by an unsupported DDL change
/// (seed 000: adding a column mid-table forces a resync).
pub(crate) fn integration_trouble(tenant: &Tenant) -> (Vec<String>, Vec<TableSync>) {
    let schema = &tenant.schema;
    let errors = vec![format!(
        "IntegrationTablesFailed: {schema}.orders could not be replicated after an unsupported \
         DDL change (ADD COLUMN ... AFTER); {schema}.products needs a resync"
    )];
    let tables = vec![
        TableSync {
            table: format!("{schema}.orders"),
            state: "Failed".into(),
            reason: "Unsupported DDL: ALTER TABLE orders ADD COLUMN discount_amount \
                     DECIMAL(10,2) AFTER quantity"
                .into(),
        },
        TableSync {
            table: format!("{schema}.products"),
            state: "ResyncRequired".into(),
            reason: "The table definition changed on the source; the table must be \
                     resynchronized"
                .into(),
        },
    ];
    (errors, tables)
}
