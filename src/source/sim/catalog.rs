//! The warehouse's tables (SVV_TABLE_INFO): users, orders and products per tenant schema (seed 000's
//! export list) and the shared `analytics.daily_summary`.

use super::rng::SplitMix64;
use crate::model::{Ingest, TableInfo, Tenant, Time};

/// One tenant table's shape: row range, bytes per row, and hourly growth while Zero-ETL replicates.
struct TableShape {
    name: &'static str,
    rows: (i64, i64),
    bytes_per_row: f64,
    growth_per_hour: f64,
}

const SHAPES: [TableShape; 3] = [
    TableShape {
        name: "users",
        rows: (20_000, 400_000),
        bytes_per_row: 180.0,
        growth_per_hour: 0.0005,
    },
    TableShape {
        name: "orders",
        rows: (200_000, 8_000_000),
        bytes_per_row: 120.0,
        growth_per_hour: 0.002,
    },
    TableShape {
        name: "products",
        rows: (500, 20_000),
        bytes_per_row: 400.0,
        growth_per_hour: 0.0,
    },
];

/// Redshift allocates at least a block per column and slice, so even a small table takes space.
const MIN_TABLE_MB: f64 = 8.0;

#[derive(Debug, Clone, PartialEq)]
struct CatalogTable {
    info: TableInfo,
    bytes_per_row: f64,
    /// Rows added per hour (Zero-ETL tables grow as changes replicate; COPY tables stay put).
    rows_per_hour: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TableCatalog {
    created_at: Time,
    /// Three per tenant in fleet order, then the analytics table.
    tables: Vec<CatalogTable>,
}

impl TableCatalog {
    /// `vacuum_overdue` leaves the large tables unsorted, as on a warehouse running out of disk.
    pub(crate) fn new(
        seed: u64,
        tenants: &[Tenant],
        created_at: Time,
        vacuum_overdue: bool,
    ) -> Self {
        let mut tables = Vec::with_capacity(tenants.len() * SHAPES.len() + 1);
        for (position, tenant) in tenants.iter().enumerate() {
            let mut rng = SplitMix64::keyed(seed, "tables", position as i64);
            let replicates = matches!(tenant.ingest, Ingest::ZeroEtl { .. });
            for shape in &SHAPES {
                let rows = rng.int_between(shape.rows.0, shape.rows.1) as u64;
                let mut unsorted = rng.between(0.0, 18.0);
                if vacuum_overdue && shape.name == "orders" {
                    unsorted = rng.between(25.0, 45.0);
                }
                tables.push(CatalogTable {
                    info: TableInfo {
                        schema: tenant.schema.clone(),
                        table: shape.name.into(),
                        size_mb: size_mb(rows, shape.bytes_per_row),
                        rows,
                        // Healthy DISTKEYs: well under seed 001's 20 % skew threshold.
                        skew_percent: round1(rng.between(0.5, 12.0)),
                        unsorted_percent: round1(unsorted),
                        stats_off_percent: round1(rng.between(0.0, 12.0)),
                    },
                    bytes_per_row: shape.bytes_per_row,
                    rows_per_hour: if replicates {
                        rows as f64 * shape.growth_per_hour
                    } else {
                        0.0
                    },
                });
            }
        }
        let summary_rows = tenants.len() as u64 * 730;
        tables.push(CatalogTable {
            info: TableInfo {
                schema: "analytics".into(),
                table: "daily_summary".into(),
                size_mb: size_mb(summary_rows, 64.0),
                rows: summary_rows,
                skew_percent: 1.5,
                unsorted_percent: 0.0,
                stats_off_percent: 0.0,
            },
            bytes_per_row: 64.0,
            rows_per_hour: 0.0,
        });
        Self { created_at, tables }
    }

    /// The tables at `at`, Zero-ETL tables grown by what replicated since creation.
    pub(crate) fn tables_at(&self, at: Time) -> Vec<TableInfo> {
        let hours = (at - self.created_at).num_seconds().max(0) as f64 / 3600.0;
        self.tables
            .iter()
            .map(|table| {
                let mut info = table.info.clone();
                if table.rows_per_hour > 0.0 {
                    info.rows += (table.rows_per_hour * hours) as u64;
                    info.size_mb = size_mb(info.rows, table.bytes_per_row);
                }
                info
            })
            .collect()
    }

    /// The rows a COPY of the tenant at fleet `position` loads: all three of its tables.
    pub(crate) fn tenant_rows(&self, position: usize) -> u64 {
        self.tables
            .iter()
            .skip(position * SHAPES.len())
            .take(SHAPES.len())
            .map(|t| t.info.rows)
            .sum()
    }
}

fn size_mb(rows: u64, bytes_per_row: f64) -> u64 {
    (rows as f64 * bytes_per_row / 1_048_576.0)
        .max(MIN_TABLE_MB)
        .round() as u64
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::source::sim::tenants;

    #[test]
    fn every_tenant_has_three_tables_plus_the_summary() {
        let created = chrono::Utc.with_ymd_and_hms(2026, 11, 21, 6, 0, 0).unwrap();
        let catalog = TableCatalog::new(5, &tenants::build(3), created, false);
        let tables = catalog.tables_at(created);
        assert_eq!(tables.len(), 10);
        assert_eq!(
            (tables[1].schema.as_str(), tables[1].table.as_str()),
            ("tenant_a", "orders")
        );
        assert_eq!(tables[9].schema, "analytics");
        assert!(tables.iter().all(|t| t.skew_percent < 20.0));
        let later = catalog.tables_at(created + Duration::hours(5));
        assert!(later[1].rows > tables[1].rows, "tenant_a replicates");
        assert_eq!(later[4].rows, tables[4].rows, "tenant_b loads by COPY");
        assert_eq!(
            catalog.tenant_rows(1),
            tables[3..6].iter().map(|t| t.rows).sum::<u64>()
        );
    }
}
