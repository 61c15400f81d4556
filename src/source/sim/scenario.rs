//! The incidents `shiftops demo` can stage: one per entry of seed 001's runbook, plus a healthy fleet.

use std::fmt;
use std::str::FromStr;

/// What the simulated fleet is going through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    Healthy,
    CopyError,
    IntegrationNeedsAttention,
    StorageHigh,
    WlmSaturation,
    EltDelay,
    DbtFailure,
    ExportFailure,
    QueryFailure,
}

impl Scenario {
    pub const ALL: [Scenario; 9] = [
        Scenario::Healthy,
        Scenario::CopyError,
        Scenario::IntegrationNeedsAttention,
        Scenario::StorageHigh,
        Scenario::WlmSaturation,
        Scenario::EltDelay,
        Scenario::DbtFailure,
        Scenario::ExportFailure,
        Scenario::QueryFailure,
    ];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Healthy => "healthy",
            Scenario::CopyError => "copy-error",
            Scenario::IntegrationNeedsAttention => "integration-needs-attention",
            Scenario::StorageHigh => "storage-high",
            Scenario::WlmSaturation => "wlm-saturation",
            Scenario::EltDelay => "elt-delay",
            Scenario::DbtFailure => "dbt-failure",
            Scenario::ExportFailure => "export-failure",
            Scenario::QueryFailure => "query-failure",
        }
    }

    /// One line, for `--help` and error messages.
    pub fn description(self) -> &'static str {
        match self {
            Scenario::Healthy => "every integration active, ELT succeeding hourly, all alarms OK",
            Scenario::CopyError => {
                "tenant_b's COPY rejects rows (Invalid digit) and the ELT run fails at COPY tenant_b"
            }
            Scenario::IntegrationNeedsAttention => {
                "tenant_a's Zero-ETL integration needs attention: failed tables, growing lag"
            }
            Scenario::StorageHigh => {
                "warehouse disk about 92 % used: tenant_b's archived order history was deleted \
                 but never vacuumed"
            }
            Scenario::WlmSaturation => {
                "20-30 queries waiting in the batch WLM queue: a burst that pausing adhoc lets \
                 batch work off"
            }
            Scenario::EltDelay => "an ELT run stuck in dbt run for hours; last success long ago",
            Scenario::DbtFailure => {
                "the latest ELT run failed at dbt run with a database error; the model's fix is \
                 deployed 15 minutes in, and a redrive before then fails again"
            }
            Scenario::ExportFailure => {
                "tenant_b's snapshot export failed: its KMS key is not accessible"
            }
            Scenario::QueryFailure => {
                "about 8 % of warehouse queries failing: learner_17's script, denied on orders, \
                 until its owner stops it 20 minutes in"
            }
        }
    }

    /// Parses a scenario name; the error lists every valid name.
    pub fn parse(name: &str) -> Result<Scenario, String> {
        let wanted = name.trim();
        Self::ALL
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|s| s.name()).collect();
                format!(
                    "unknown scenario \"{name}\"; choose one of: {}",
                    names.join(", ")
                )
            })
    }

    /// The fewest tenants that stage this scenario: incidents on tenant_b need tenant_b to exist.
    pub fn min_tenants(self) -> usize {
        match self {
            Scenario::CopyError | Scenario::ExportFailure | Scenario::StorageHigh => 2,
            _ => 1,
        }
    }
}

impl FromStr for Scenario {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::parse(name)
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back() {
        for scenario in Scenario::ALL {
            assert_eq!(Scenario::parse(scenario.name()), Ok(scenario));
            assert_eq!(scenario.name().parse::<Scenario>(), Ok(scenario));
            assert!(!scenario.description().is_empty());
        }
        assert_eq!(Scenario::parse(" Copy-Error "), Ok(Scenario::CopyError));
    }

    #[test]
    fn unknown_names_list_the_choices() {
        let error = Scenario::parse("x").unwrap_err();
        assert_eq!(
            error,
            "unknown scenario \"x\"; choose one of: healthy, copy-error, integration-needs-attention, \
             storage-high, wlm-saturation, elt-delay, dbt-failure, export-failure, query-failure"
        );
    }
}
